#include "checker/litmus/real_memory.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "models/pagecache/uaccess.hpp"

namespace checker::litmus {

namespace {

using models::pagecache::Region;

// Past this, the scenario's regions are too far apart to reserve as one
// stretch (the model allows addresses up to 3 GiB, scaled by the slice).
constexpr std::size_t kMaxReserved = std::size_t(1) << 32;

}  // namespace

void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

RealMemory::RealMemory(const std::vector<Region>& regions, const Abstraction& abs)
    : regions_(regions), abs_(abs) {
  if (regions_.empty()) return;
  std::uint64_t high = 0;
  low_ = regions_.front().start;
  for (const Region& r : regions_) {
    low_ = std::min(low_, r.start);
    high = std::max(high, r.start + r.length);
  }
  if (abs_.real(high - low_) > kMaxReserved)
    throw std::runtime_error("the scenario's memory regions span more than 4 GiB of real address space");
  length_ = abs_.real(high - low_);
  void* p = ::mmap(nullptr, length_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) fail("cannot reserve " + std::to_string(length_) + " bytes of address space");
  base_ = static_cast<std::uint8_t*>(p);
}

RealMemory::~RealMemory() {
  if (base_) ::munmap(base_, length_);
}

std::uint8_t* RealMemory::at(std::uint64_t model_address) const {
  // A kernel address of x86-64 (from TASK_SIZE_MAX on) goes to the kernel as
  // it is: it is one there too, and access_ok refuses it (why_not_real
  // refuses the model addresses below it that are not user memory here).
  if (model_address >= models::pagecache::kX86_64TaskSizeMax) return reinterpret_cast<std::uint8_t*>(model_address);
  return base_ + abs_.real(model_address - low_);
}

std::vector<std::uint8_t> RealMemory::peek(const std::vector<models::pagecache::IoVec>& iov, std::size_t n,
                                           int fd) const {
  std::vector<std::uint8_t> out;
  for (const models::pagecache::IoVec& v : iov) {
    for (std::uint64_t a = v.address, end = v.address + v.length; a < end && out.size() < n;) {
      const Region* r = nullptr;
      for (const Region& candidate : regions_)
        if (a >= candidate.start && a < candidate.start + candidate.length) r = &candidate;
      if (!r || r->kind == Region::Kind::invalid) return out;
      const std::uint64_t run_end = std::min(end, r->start + r->length);
      const std::size_t want = std::min<std::size_t>(abs_.real(run_end - a), n - out.size());
      const std::size_t old = out.size();
      out.resize(old + want);
      ssize_t got = 0;
      if (r->kind == Region::Kind::shared_file) {
        got = ::pread(fd, out.data() + old, want, static_cast<off_t>(abs_.real(r->file_offset + (a - r->start))));
      } else {
        const struct iovec local {out.data() + old, want}, remote{at(a), want};
        got = ::process_vm_readv(::getpid(), &local, 1, &remote, 1, 0);
      }
      out.resize(old + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
      if (out.size() < old + want) return out;
      a = run_end;
    }
    if (out.size() >= n) break;
  }
  return out;
}

void RealMemory::unmap_all() {
  if (!base_) return;
  // MAP_FIXED replaces whatever was there in one call; a dirty shared page
  // is left dirty in the page cache, as munmap leaves it.
  if (::mmap(base_, length_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
      MAP_FAILED)
    fail("cannot unmap the scenario's memory");
}

void RealMemory::reset(int fd) {
  unmap_all();
  shared_.clear();
  for (const Region& r : regions_) {
    std::uint8_t* addr = at(r.start);
    const std::size_t len = abs_.real(r.length);
    switch (r.kind) {
      case Region::Kind::invalid:
        break;  // PROT_NONE from unmap_all(): every access faults
      case Region::Kind::anonymous: {
        // `present` is not made real for anonymous memory: a fault that
        // brings in a zeroed or swapped page changes no byte a call returns.
        if (::mmap(addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
          fail("cannot map region \"" + r.name + "\"");
        const std::vector<std::uint8_t> content = abs_.expand(r.content);
        // memcpy's source must not be null, even for 0 bytes (UBSan).
        if (!content.empty()) std::memcpy(addr, content.data(), std::min(content.size(), len));
        break;
      }
      case Region::Kind::shared_file: {
        // A present region has its ptes filled (MAP_POPULATE); one that is
        // not faults on first touch, as in the model.
        const int populate = r.present ? MAP_POPULATE : 0;
        if (::mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | populate, fd,
                   static_cast<off_t>(abs_.real(r.file_offset))) == MAP_FAILED)
          fail("cannot map region \"" + r.name + "\" of the file");
        shared_.emplace_back(addr, len);
        break;
      }
    }
  }
}

}  // namespace checker::litmus

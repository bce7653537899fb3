// The scenario's user memory made real for the litmus runner: one reserved
// stretch of address space in which every region sits where the model puts
// it, scaled by the abstraction (abstraction.hpp): `anonymous` regions as
// private anonymous memory holding their content, `shared_file` regions as
// MAP_SHARED mappings of the real file, `invalid` ones (and every gap) as
// PROT_NONE, so that a copy from or to them faults for real. reset() maps it
// all again from the start, undoing the munmaps of the iteration before;
// the destructor unmaps the whole stretch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/litmus/abstraction.hpp"
#include "models/pagecache/config.hpp"

namespace checker::litmus {

// A system call of the runner failed: std::runtime_error with `what` and
// errno's text.
[[noreturn]] void fail(const std::string& what);

class RealMemory {
 public:
  // Throws std::runtime_error when the address space cannot be reserved.
  RealMemory(const std::vector<models::pagecache::Region>& regions, const Abstraction& abs);
  ~RealMemory();
  RealMemory(const RealMemory&) = delete;
  RealMemory& operator=(const RealMemory&) = delete;

  // Every region as at the start of an iteration, on file descriptor `fd`
  // (for the shared mappings). Throws std::runtime_error.
  void reset(int fd);
  // Only PROT_NONE left: the shared mappings gone, as the model's epilogue
  // unmaps every MAP_SHARED pte before its sync and eviction.
  void unmap_all();

  // Up to `n` real bytes of the buffers `iov` (model addresses), read without
  // touching the mappings: an anonymous region through process_vm_readv
  // (which fails where a thread unmapped it, instead of faulting), a
  // shared_file region from the file `fd` itself (the same page cache pages,
  // without faulting them into the mapping, which would change what a
  // non-present region does). Stops at the first byte it cannot read (an
  // invalid region, a page past the file's end).
  std::vector<std::uint8_t> peek(const std::vector<models::pagecache::IoVec>& iov, std::size_t n, int fd) const;

  // The real address of model user address `model_address`.
  std::uint8_t* at(std::uint64_t model_address) const;
  // Every shared_file region's real start and length (for reclaim's madvise).
  const std::vector<std::pair<std::uint8_t*, std::size_t>>& shared() const { return shared_; }

 private:
  std::vector<models::pagecache::Region> regions_;
  const Abstraction& abs_;
  std::uint64_t low_ = 0;   // the lowest model address of any region
  std::uint8_t* base_ = nullptr;
  std::size_t length_ = 0;  // real bytes reserved
  std::vector<std::pair<std::uint8_t*, std::size_t>> shared_;
};

}  // namespace checker::litmus

// The whole model state of one execution, built fresh from a Config: the
// page slots and every struct page allocated so far, the file's address
// space and inode, the disk, the process address space, one struct file per
// thread, the observation being recorded, and the kernel variant that runs on
// all of it. Read-only access for invariants goes through `const State&`.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/pagecache/address_space.hpp"
#include "models/pagecache/config.hpp"
#include "models/pagecache/digest.hpp"
#include "models/pagecache/disk.hpp"
#include "models/pagecache/inode.hpp"
#include "models/pagecache/kernel.hpp"
#include "models/pagecache/mm.hpp"
#include "models/pagecache/observation.hpp"
#include "models/pagecache/page.hpp"
#include "sim/execution.hpp"

namespace models::pagecache {

using KernelFactory = std::function<std::unique_ptr<Kernel>(State&)>;

// Throws std::invalid_argument when the Config cannot be modelled (block size
// not dividing the page size, content or an operation beyond the file's
// pages, a region that is not page aligned, ...). The message says which.
void validate(const Config& cfg);

class State {
 public:
  // Builds the objects in `ex` (call before ex.run), then the kernel.
  State(sim::Execution& ex, const Config& cfg, const KernelFactory& make_kernel);
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  sim::Execution& ex;
  const Config& cfg;
  const Geometry geo;
  const std::uint32_t blocks_per_page;

  std::vector<std::unique_ptr<PageSlot>> slots;  // by page-cache index
  std::deque<std::unique_ptr<Page>> pages;       // every struct page allocated, in order
  AddressSpace mapping;
  Inode inode;
  Disk disk;
  MmStruct mm;
  std::vector<File> files;  // one per ThreadSpec, by its index
  // The struct file behind every MAP_SHARED region (vma->vm_file): the
  // process mapped the file from one open of its own, which msync syncs.
  File map_file;
  Observation obs;
  bool epilogue = false;    // the end-of-run epilogue runs: the agents stop
  // By thread id: 0, or 1 while the thread is in the fault of a nonblocking
  // copy (zippel-* variants), 2 once filemap_nopage refused to sleep there
  // (models/pagecache/uaccess.hpp).
  std::vector<std::uint8_t> nonblocking_faults;
  std::unique_ptr<Kernel> kernel;
  // By thread id: the index in obs.calls of the call it runs (file15: an
  // O_APPEND write records there where it really wrote, note_append).
  std::vector<std::size_t> call_of_thread;

  // A write of the running thread starts at `pos`, found by O_APPEND, after
  // the call reported `reported` bytes written (a 2.4 writev's earlier
  // iovecs): its record's file_offset, or a relocation, says so for the
  // invariants.
  void note_append(std::uint64_t pos, std::size_t reported);

  // include/linux/pagemap.h page_cache_alloc: a new struct page for `index`
  // (the slot whose objects it uses), one reference, content left as it was.
  Page& page_cache_alloc(std::uint32_t index);

  // The one-line summary of the model state the history keeps after each step.
  std::string describe() const;

 private:
  friend void install_digests(State& s);
  std::vector<DigestArg> digest_args_;  // models/pagecache/digest.cpp
  Page& install_cached_page(std::uint32_t index);  // a page in the cache at the start
};

// A system call's name as outcomes and messages print it: "pwrite".
const char* operation_name(Operation::Kind k);

// Bytes as a person reads them: printable ASCII as is, others as \xNN.
std::string show_bytes(const Bytes& b);

}  // namespace models::pagecache

// What the threads of one execution observably did, recorded by the model as
// the system calls begin and return: the raw material of the torn-read and
// lost-data invariants (checker/invariants) and of outcome sets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/pagecache/config.hpp"
#include "sim/op.hpp"

namespace models::pagecache {

struct SyscallRecord {
  sim::ThreadId thread = sim::kNoThread;
  std::size_t op_index = 0;  // index in the thread's ops
  Operation::Kind kind = Operation::Kind::read;
  std::uint64_t file_offset = 0;  // where in the file it started
  std::uint64_t requested = 0;    // bytes asked for
  std::int64_t result = 0;        // bytes done, or -errno (-14 EFAULT, -5 EIO, -11 EAGAIN)
  // write/pwrite/writev: the bytes the write reports written: the first
  // `result` bytes it copied from user memory (empty when it failed).
  // read/pread: the bytes it returned (the first `result` bytes, as they
  // arrived in user memory).
  Bytes data;
  std::uint64_t begin_step = 0;  // execution step at which the call began
  std::uint64_t end_step = 0;    // ... and returned
  bool completed = false;
};

struct Observation {
  Bytes initial_content;  // the file before any thread ran
  std::vector<SyscallRecord> calls;
  // End of the run, filled by the lost-data epilogue: the whole file as read
  // back through the page cache, and again after sync and eviction of every page.
  Bytes final_cached;
  Bytes final_after_evict;
  bool final_read_done = false;
};

}  // namespace models::pagecache

// What the threads of one execution observably did, recorded by the model as
// the system calls begin and return: the raw material of the torn-read and
// lost-data invariants (checker/invariants) and of outcome sets.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/pagecache/config.hpp"
#include "sim/op.hpp"

namespace models::pagecache {

struct SyscallRecord {
  sim::ThreadId thread = sim::kNoThread;
  std::size_t op_index = 0;  // index in the thread's ops
  Operation::Kind kind = Operation::Kind::read;
  std::uint64_t file_offset = 0;  // where in the file it started; ftruncate: the length it sets
  std::uint64_t requested = 0;    // bytes asked for
  std::int64_t result = 0;        // bytes done, or -errno (-14 EFAULT, -5 EIO, -11 EAGAIN)
  // write/pwrite/writev: the bytes the write reports written: the first
  // `result` bytes it copied from user memory (empty when it failed).
  // read/pread: the bytes it returned (the first `result` bytes, as they
  // arrived in user memory).
  Bytes data;
  // A write whose bytes are not one run from file_offset (file15): data[i..]
  // continues at file offset `second` from data index `first` on. Only an
  // O_APPEND writev on 2.4, whose next iovec found the end of the file moved.
  std::vector<std::pair<std::size_t, std::uint64_t>> relocations;
  std::uint64_t begin_step = 0;  // execution step at which the call began
  std::uint64_t end_step = 0;    // ... and returned
  bool completed = false;
};

// One block I/O as the disk completed it: the raw material of the
// stale-error and lost-error invariants (checker/invariants/error_reporting.hpp).
struct IoRecord {
  bool write = false;             // a block write (else a read)
  bool ok = true;                 // false: an I/O error was injected into it
  std::uint32_t block = 0;        // the disk block (ext2_get_block maps file block n to n)
  std::uint32_t page = 0;         // the page-cache index of the buffer's page
  sim::ThreadId submitter = sim::kNoThread;  // the thread whose submit_bh queued it
  std::uint64_t submit_step = 0;  // execution step of the submission ...
  std::uint64_t step = 0;         // ... and of the completion ("disk: read/write completes")
};

struct Observation {
  Bytes initial_content;  // the file before any thread ran
  std::vector<SyscallRecord> calls;
  std::vector<IoRecord> io;  // every block I/O the disk completed before the epilogue, in order
  // End of the run, filled by the lost-data epilogue: the whole file as read
  // back through the page cache, and again after sync and eviction of every page.
  Bytes final_cached;
  Bytes final_after_evict;
  // The error each of those two reads stopped with (0, or -errno: -5 EIO);
  // it stopped at the page after the bytes it did read.
  int final_cached_error = 0, final_after_evict_error = 0;
  bool final_read_done = false;
};

}  // namespace models::pagecache

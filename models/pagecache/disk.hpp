// The backing store and the block layer (drivers/block/ll_rw_blk.c in 2.4.0):
// blocks on a disk, each an object; submit_bh queues a request; the disk
// daemon, a thread of its own, completes one request at a time (the device's
// interrupt), in any order, and runs bh->b_end_io. So a submitter goes on,
// and other threads run, between the submission and the completion.
//
// A completion transfers the data at the completion step: a read brings the
// block into the page then; a write takes the page's bytes as they are then.
// With Config.faults a read may complete with an I/O error (no data, the
// buffer not uptodate) and a write may fail (the disk keeps its old bytes).
// Every completion is recorded in the observation (IoRecord), for the
// invariants that ask whether an error reached the right caller.
#pragma once

#include <cstdint>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/page.hpp"
#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace models::pagecache {

class State;

enum class Rw : std::uint8_t { read, write };

struct Request {
  Rw rw = Rw::read;
  BufferHead* bh = nullptr;
  sim::ThreadId submitter = sim::kNoThread;  // for the observation (IoRecord)
  std::uint64_t submit_step = 0;
};

struct Disk {
  Disk(sim::Execution& ex, std::uint32_t nblocks, std::uint32_t block_size);

  std::vector<Bytes> blocks;
  std::vector<sim::ObjectId> block_obj;  // disk[b]
  sim::Semaphore requests;               // disk.requests: one count per queued request
  std::vector<Request> queue;
};

// drivers/block/ll_rw_blk.c submit_bh: queue the request (one step: up on the
// disk's request count).
void submit_bh(State& s, Rw rw, BufferHead& bh);

// drivers/block/ll_rw_blk.c L1018 ll_rw_block for one buffer:
// test_and_set_bit(BH_Lock) (skip if it was locked), b_end_io =
// end_buffer_io_sync; WRITE: atomic_set_buffer_clean, nothing to write -> end
// I/O now; READ: uptodate -> end I/O now; otherwise submit_bh.
void ll_rw_block(State& s, Rw rw, BufferHead& bh);

// drivers/block/ll_rw_blk.c L981 end_buffer_io_sync: mark_buffer_uptodate,
// unlock_buffer. Runs in the completing thread (the disk daemon, or the
// submitter when ll_rw_block ends the I/O at once). The disk completes a
// write through Kernel::end_buffer_write_sync, which variants extend.
void end_buffer_io_sync(State& s, BufferHead& bh, bool uptodate);

// The disk's interrupt: a daemon that takes queued requests and completes
// them, forever (it does not keep the execution alive).
void disk_daemon(State& s);

}  // namespace models::pagecache

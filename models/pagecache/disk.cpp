#include "models/pagecache/disk.hpp"

#include <algorithm>

#include "models/pagecache/kernel.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/step.hpp"

namespace models::pagecache {

Disk::Disk(sim::Execution& ex, std::uint32_t nblocks, std::uint32_t block_size)
    : blocks(nblocks, Bytes(block_size, kStaleDiskByte)), requests(ex, "disk.requests", 0) {
  for (std::uint32_t b = 0; b < nblocks; ++b) block_obj.push_back(ex.new_object("disk[" + std::to_string(b) + "]"));
}

// drivers/block/ll_rw_blk.c submit_bh (2.4.0): generic_make_request queues it.
void submit_bh(State& s, Rw rw, BufferHead& bh) {
  s.disk.requests.up("submit_bh");
  s.disk.queue.push_back(Request{rw, &bh, s.ex.current(), s.ex.steps()});
}

// drivers/block/ll_rw_blk.c L1018 ll_rw_block, for one buffer.
void ll_rw_block(State& s, Rw rw, BufferHead& bh) {
  // Only one thread can actually submit the I/O.
  if (bh.lock->trylock("ll_rw_block: test_and_set_bit(BH_Lock)")) return;
  // We have the buffer lock. (b_end_io is set with it: end_buffer_io_async
  // of a sibling buffer must not take this one for an async read in flight.)
  bh.b_end_io = EndIo::sync;
  Page& page = *bh.b_page;
  if (rw == Rw::write) {
    step(s.ex, "atomic_set_buffer_clean", {W(page.buffers_obj())});
    const bool was_dirty = bh.dirty;
    bh.dirty = false;
    if (!was_dirty) {  // Hmmph! Nothing to write
      end_buffer_io_sync(s, bh, bh.uptodate);
      return;
    }
  } else {
    step(s.ex, "buffer_uptodate", {R(page.buffers_obj())});
    if (bh.uptodate) {  // Hmmph! Already have it
      end_buffer_io_sync(s, bh, true);
      return;
    }
  }
  submit_bh(s, rw, bh);
}

// drivers/block/ll_rw_blk.c L981 end_buffer_io_sync.
void end_buffer_io_sync(State& s, BufferHead& bh, bool uptodate) {
  step(s.ex, "mark_buffer_uptodate", {W(bh.b_page->buffers_obj())});
  bh.uptodate = uptodate;
  bh.lock->unlock("unlock_buffer");
}

// 2.4.0's write completion is the read's (ll_rw_blk.c end_buffer_io_sync).
void Kernel::end_buffer_write_sync(BufferHead& bh, bool uptodate) { end_buffer_io_sync(s_, bh, uptodate); }

// The device and its interrupt handler.
void disk_daemon(State& s) {
  sim::Execution& ex = s.ex;
  const std::uint32_t bs = s.geo.block_size;
  for (;;) {
    s.disk.requests.down("disk: next request");
    const auto n = static_cast<std::uint32_t>(s.disk.queue.size());
    if (n == 0) throw std::logic_error("model bug: disk request count without a request");
    const std::uint32_t i = ex.choose(n, "disk: which queued request completes");
    const Request r = s.disk.queue[i];
    s.disk.queue.erase(s.disk.queue.begin() + i);
    BufferHead& bh = *r.bh;
    Page& page = *bh.b_page;
    const auto b = static_cast<std::uint32_t>(bh.b_blocknr);
    if (b >= s.disk.blocks.size()) throw std::logic_error("model bug: I/O to a block beyond the disk");
    bool ok = true;
    if (r.rw == Rw::read) {
      step(ex, "disk: read completes", {R(s.disk.block_obj[b]), W(page.data_obj())});
      if (s.cfg.faults.read_io_error) ok = ex.choose(2, "read I/O error") == 0;
      if (ok) {
        sim::audit::read(s.disk.block_obj[b]);
        std::copy_n(s.disk.blocks[b].begin(), bs, page.data.write().begin() + bh.nr * bs);
      }
    } else {
      step(ex, "disk: write completes", {R(page.data_obj()), W(s.disk.block_obj[b])});
      if (s.cfg.faults.write_io_error) ok = ex.choose(2, "write I/O error") == 0;
      if (ok) {
        sim::audit::write(s.disk.block_obj[b]);
        std::copy_n(page.data.read().begin() + bh.nr * bs, bs, s.disk.blocks[b].begin());
      }
    }
    if (!s.epilogue)
      s.obs.io.push_back(IoRecord{r.rw == Rw::write, ok, b, page.index, r.submitter, r.submit_step, ex.steps()});
    const bool write = r.rw == Rw::write;
    switch (bh.b_end_io) {
      case EndIo::sync:
        if (write)
          s.kernel->end_buffer_write_sync(bh, ok);
        else
          end_buffer_io_sync(s, bh, ok);
        break;
      case EndIo::async:
        if (write)
          s.kernel->end_buffer_async_write(bh, ok);
        else
          s.kernel->end_buffer_io_async(bh, ok);
        break;
      case EndIo::none: throw std::logic_error("model bug: I/O on a buffer without b_end_io");
    }
  }
}

}  // namespace models::pagecache

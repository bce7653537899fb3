// Linux 2.6.24's fsync and msync(MS_SYNC) and where they learn of a failed
// writeback (fulei0920/linux-2.6.24 @ d18aa49 fs/sync.c do_fsync, mm/msync.c
// sys_msync, mm/filemap.c wait_on_page_writeback_range; fs/buffer.c
// end_buffer_async_write): a write error sets AS_EIO in mapping->flags, and
// the first filemap_fdatawait to test it clears it (test_and_clear_bit), so
// a second file description's fsync, or any fsync after one that already
// reported it, returns 0 for data that never reached the disk (the 2018
// PostgreSQL "fsyncgate"; https://wiki.postgresql.org/wiki/Fsync_Errors).
//
// The model's writeback keeps 2.4.0's buffers (README.md): bdflush and
// fsync_inode_buffers write a dirty data buffer with ll_rw_block, standing
// in for 2.6's writepages, whose completion is end_buffer_async_write. So a
// failed write of a data buffer takes end_buffer_async_write's error path
// whichever completion runs it.
#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_6_24 {

using linux_2_4_0::kEIO;
using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

// include/linux/fs.h struct address_space: flags (AS_EIO), an object of its own.
Kernel::Kernel(State& s) : linux_2_4_17::Kernel(s) { s.mapping.make_wb_err_object(s.ex); }

namespace {

// fs/buffer.c end_buffer_async_write (2.6.24), its error branch:
// set_bit(AS_EIO, &page->mapping->flags). (set_buffer_write_io_error,
// clear_buffer_uptodate and SetPageError follow in the completion.)
void set_as_eio(State& s) {
  step(s.ex, "end_buffer_async_write: set_bit(AS_EIO)", {W(s.mapping.wb_err_obj)});
  s.mapping.as_eio = true;
}

}  // namespace

void Kernel::end_buffer_async_write(BufferHead& bh, bool uptodate) {
  if (!uptodate) set_as_eio(s_);
  linux_2_4_17::Kernel::end_buffer_async_write(bh, uptodate);
}

// See the top of this file: the data buffer's write stands in for writepages.
void Kernel::end_buffer_write_sync(BufferHead& bh, bool uptodate) {
  if (!uptodate) set_as_eio(s_);
  linux_2_4_17::Kernel::end_buffer_write_sync(bh, uptodate);
}

// mm/filemap.c wait_on_page_writeback_range (2.6.24), the wait: for every
// page tagged PAGECACHE_TAG_WRITEBACK, wait_on_page_writeback. The model's
// pages under writeback are those writepage locked (2.4.0's walk of
// locked_pages) and those with a buffer under I/O: a data buffer that
// bdflush or another fsync's fsync_inode_buffers is writing (2.6 sets
// PG_writeback before it submits, so a second fsync waits for the first's
// I/O where 2.4's fsync_inode_buffers, finding the buffer on the other's
// private list, does not). A buffer locked for a read is waited for too,
// which only delays.
void Kernel::wait_on_page_writeback_range() {
  linux_2_4_17::Kernel::filemap_fdatawait();
  for (;;) {
    // pagevec_lookup_tag(PAGECACHE_TAG_WRITEBACK): reads the pages' buffers.
    pagecache::step_touching_all(ex(), "wait_on_page_writeback_range: pagevec_lookup_tag(WRITEBACK)",
                                 {R(s_.mapping.obj)});
    // Once run, narrowed to what it read: the hash, each cached page's
    // page->buffers (page[i]) and the BH_Lock of each buffer it looked at.
    pagecache::Touches did;
    did.r(s_.mapping.obj);
    sim::BitLock* busy = nullptr;
    for (Page* page : s_.mapping.hash) {
      if (page == nullptr || busy) continue;
      did.r_or_all(page->obj());
      if (!page->has_buffers) continue;
      for (const BufferHead& bh : page->buffers) {
        did.r_or_all(bh.lock->id());
        if (bh.locked()) {
          busy = bh.lock;  // the slot's lock: it outlives the page
          break;
        }
      }
    }
    did.narrow(ex());
    if (busy == nullptr) return;
    busy->wait_unlocked("wait_on_page_writeback");
  }
}

// mm/filemap.c wait_on_page_writeback_range (2.6.24), via filemap_fdatawait:
// the wait above, then "Check for outstanding write errors":
// test_and_clear_bit(AS_EIO). (Its PageError test of each page it waited
// for is left out: that page's completion set AS_EIO too, so the test adds
// a report only when another caller cleared AS_EIO in between; the model
// can report less, never more.)
int Kernel::filemap_fdatawait() {
  wait_on_page_writeback_range();
  int ret = 0;
  step(ex(), "wait_on_page_writeback_range: test_and_clear_bit(AS_EIO)", {W(s_.mapping.wb_err_obj)});
  if (s_.mapping.as_eio) {
    s_.mapping.as_eio = false;
    ret = -kEIO;
  } else {
    narrow(ex(), {R(s_.mapping.wb_err_obj)});
  }
  return ret;
}

// fs/sync.c do_fsync (2.6.24): filemap_fdatawrite with no lock (the model's
// filemap_fdatasync), f_op->fsync under i_mutex "to protect against
// concurrent writers, which could cause livelocks in fsync_buffers_list()",
// then filemap_fdatawait; the first error wins.
int Kernel::do_fsync(File& file) {
  (void)file;  // 2.6.24 keeps no error state in the struct file
  filemap_fdatasync();
  s_.inode.i_sem.down("do_fsync: mutex_lock(i_mutex)");
  int ret = f_op_fsync();
  s_.inode.i_sem.up("do_fsync: mutex_unlock(i_mutex)");
  const int err = filemap_fdatawait();
  if (!ret) ret = err;
  return ret;
}

// fs/sync.c sys_fsync -> do_fsync(file, 0).
std::int64_t Kernel::sys_fsync(File& file) { return do_fsync(file); }

// mm/msync.c sys_msync (2.6.24) with MS_SYNC on a VM_SHARED file mapping:
// do_fsync(vma->vm_file). The ptes' dirty bits are moved to their pages first
// (2.4.0's filemap_sync, which the model keeps), and mmap_sem stays held as
// in 2.4.0's msync (2.6.24 drops it around do_fsync; README.md).
int Kernel::msync_interval(const std::vector<Pte*>& vma) {
  if (vma.empty() || !vma.front()->shared) return 0;
  int error = 0;
  for (Pte* pte : vma) error |= filemap_sync(*pte);
  if (!error) error = do_fsync(s_.map_file);
  return error;
}

}  // namespace models::linux_2_6_24

// fs/buffer.c (and include/linux/locks.h) of Linux 2.4.0, for the buffer
// heads of page-cache pages. get_block is ext2_get_block.
//
// Steps: a buffer state bit the caller reads while it holds the page lock is
// read without a step of its own when only page-lock holders change it
// (BH_Mapped, BH_New); BH_Uptodate and BH_Dirty are changed by I/O completion
// and bdflush without the page lock, so reading them is a step.
#include <algorithm>

#include "models/linux-2.4.0/inode_queue.hpp"
#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/disk.hpp"
#include "models/pagecache/step.hpp"
#include "sim/audit.hpp"

namespace models::linux_2_4_0 {

using pagecache::EndIo;
using pagecache::R;
using pagecache::Rw;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;
using pagecache::step_touching_all;

// include/linux/locks.h lock_buffer: while (test_and_set_bit(BH_Lock)) __wait_on_buffer(bh);
void Kernel::lock_buffer(BufferHead& bh) { bh.lock->lock("lock_buffer"); }

// include/linux/locks.h wait_on_buffer: if (buffer_locked(bh)) __wait_on_buffer(bh) (fs/buffer.c L145).
void Kernel::wait_on_buffer(BufferHead& bh) { bh.lock->wait_unlocked("wait_on_buffer"); }

// fs/buffer.c L1426 create_empty_buffers: a buffer head per block, unmapped,
// not uptodate; page->buffers holds a reference to the page.
void Kernel::create_empty_buffers(Page& page) {
  step(ex(), "create_empty_buffers", {W(page.obj()), W(page.buffers_obj()), pagecache::A(page.count_obj())});
  if (page.has_buffers) pagecache::BUG(ex(), "create_empty_buffers: " + page.name() + " has buffers");
  page.buffers.assign(s_.blocks_per_page, BufferHead(page.buffers_obj(), page.lock()));
  for (std::uint32_t j = 0; j < s_.blocks_per_page; ++j) {
    BufferHead& bh = page.buffers[j];
    bh.b_page = &page;
    bh.nr = j;
    bh.lock = page.slot.bh_lock[j].get();
    bh.b_blocknr = 0;
    bh.b_end_io = EndIo::none;
  }
  page.has_buffers = true;
  pagecache::page_cache_get_in_step(page);
}

// fs/buffer.c L1557 __block_prepare_write.
int Kernel::__block_prepare_write(Page& page, unsigned from, unsigned to) {
  const unsigned blocksize = s_.geo.block_size;
  std::vector<BufferHead*> wait;
  int err = 0;
  // char *kaddr = kmap(page);
  if (!page.has_buffers) create_empty_buffers(page);
  std::uint64_t block = std::uint64_t{page.index} * s_.blocks_per_page;
  unsigned block_start = 0, block_end;
  for (std::uint32_t j = 0; j < s_.blocks_per_page; ++j, ++block, block_start = block_end) {
    BufferHead& bh = page.buffers[j];
    block_end = block_start + blocksize;
    if (block_end <= from) continue;
    if (block_start >= to) break;
    if (!bh.mapped) {
      err = ext2_get_block(block, bh, true);
      if (err) return err;  // goto out
      if (bh.new_) {
        // unmap_underlying_metadata(bh): the model has no buffer-cache aliases.
        if (page.uptodate) {  // PG_uptodate only changes under the page lock, which we hold
          step(ex(), "__block_prepare_write: set_bit(BH_Uptodate)", {W(page.buffers_obj())});
          bh.uptodate = true;
          continue;
        }
        if (block_end > to) {
          step(ex(), "__block_prepare_write: memset", {W(page.data_obj())});
          std::fill(page.data.write().begin() + to, page.data.write().begin() + block_end, std::uint8_t{0});
        }
        if (block_start < from) {
          step(ex(), "__block_prepare_write: memset", {W(page.data_obj())});
          std::fill(page.data.write().begin() + block_start, page.data.write().begin() + from, std::uint8_t{0});
        }
        continue;
      }
    }
    if (page.uptodate) {
      step(ex(), "__block_prepare_write: set_bit(BH_Uptodate)", {W(page.buffers_obj())});
      bh.uptodate = true;
      continue;
    }
    step(ex(), "__block_prepare_write: buffer_uptodate", {R(page.buffers_obj())});
    if (!bh.uptodate && (block_start < from || block_end > to)) {
      pagecache::ll_rw_block(s_, Rw::read, bh);
      wait.push_back(&bh);
    }
  }
  // If we issued read requests - let them complete.
  while (!wait.empty()) {
    BufferHead& bh = *wait.back();
    wait.pop_back();
    wait_on_buffer(bh);
    err = -kEIO;
    step(ex(), "__block_prepare_write: buffer_uptodate", {R(page.buffers_obj())});
    if (!bh.uptodate) return err;  // goto out
  }
  return 0;
}

// fs/buffer.c L1832 block_prepare_write.
int Kernel::block_prepare_write(Page& page, unsigned from, unsigned to) {
  const int err = __block_prepare_write(page, from, to);
  if (err) {
    ClearPageUptodate(page);
    // kunmap(page)
  }
  return err;
}

// fs/buffer.c L1627 __block_commit_write.
int Kernel::__block_commit_write(Page& page, unsigned from, unsigned to) {
  const unsigned blocksize = s_.geo.block_size;
  bool partial = false;
  unsigned block_start = 0, block_end;
  for (std::uint32_t j = 0; j < s_.blocks_per_page; ++j, block_start = block_end) {
    BufferHead& bh = page.buffers[j];
    block_end = block_start + blocksize;
    if (block_end <= from || block_start >= to) {
      step(ex(), "__block_commit_write: buffer_uptodate", {R(page.buffers_obj())});
      if (!bh.uptodate) partial = true;
    } else {
      // set_bit(BH_Uptodate); if (!atomic_set_buffer_dirty(bh)) { __mark_dirty(bh); buffer_insert_inode_queue(bh, inode); }
      step(ex(), "__block_commit_write: mark dirty", {W(page.buffers_obj()), W(s_.inode.dirty_buffers_obj)});
      const bool was_uptodate = bh.uptodate, was_dirty = bh.dirty;
      if (!was_uptodate) bh.uptodate = true;
      if (!was_dirty) {
        bh.dirty = true;
        sim::audit::write(s_.inode.dirty_buffers_obj);  // the list is no Audited field: its insert says so
        insert_inode_queue(bh, s_.inode.i_dirty_buffers);
      } else {  // it was dirty: no insert, the list is left alone (and the bits only read when both were set)
        narrow(ex(), {was_uptodate ? R(page.buffers_obj()) : W(page.buffers_obj())});
      }
    }
  }
  // balance_dirty(bh->b_dev): no dirty-memory threshold in the model.
  // Is this a partial write that happened to make all buffers uptodate?
  if (!partial) SetPageUptodate(page);
  return 0;
}

// fs/buffer.c L1844 generic_commit_write.
int Kernel::generic_commit_write(Page& page, unsigned from, unsigned to) {
  const std::uint64_t pos = std::uint64_t{page.index} * s_.geo.page_size + to;
  __block_commit_write(page, from, to);
  // kunmap(page);
  step(ex(), "generic_commit_write: i_size", {W(s_.inode.size_obj)});
  if (pos > s_.inode.i_size)
    s_.inode.i_size = pos;  // mark_inode_dirty(inode)
  else
    narrow(ex(), {R(s_.inode.size_obj)});  // the file did not grow: i_size was only read
  return 0;
}

// fs/buffer.c L1674 block_read_full_page: returns with the page locked when
// it submitted I/O (end_buffer_io_async unlocks it).
int Kernel::block_read_full_page(Page& page) {
  const unsigned blocksize = s_.geo.block_size;
  if (!page.locked()) pagecache::BUG(ex(), "PAGE_BUG: block_read_full_page of unlocked " + page.name());
  if (!page.has_buffers) create_empty_buffers(page);
  std::uint64_t iblock = std::uint64_t{page.index} * s_.blocks_per_page;
  step(ex(), "block_read_full_page: i_size", {R(s_.inode.size_obj)});
  const std::uint64_t lblock = (s_.inode.i_size + blocksize - 1) / blocksize;
  std::vector<BufferHead*> arr;
  for (std::uint32_t i = 0; i < s_.blocks_per_page; ++i, ++iblock) {
    BufferHead& bh = page.buffers[i];
    step(ex(), "block_read_full_page: buffer_uptodate", {R(page.buffers_obj())});
    if (bh.uptodate) continue;
    if (!bh.mapped) {
      if (iblock < lblock) {
        if (ext2_get_block(iblock, bh, false)) continue;
      }
      if (!bh.mapped) {
        // A hole: memset(kmap(page) + i*blocksize, 0, blocksize); set_bit(BH_Uptodate)
        step(ex(), "block_read_full_page: zero a hole", {W(page.data_obj()), W(page.buffers_obj())});
        std::fill_n(page.data.write().begin() + i * blocksize, blocksize, std::uint8_t{0});
        bh.uptodate = true;
        continue;
      }
      // get_block() might have updated the buffer synchronously
      if (bh.uptodate) continue;
    }
    arr.push_back(&bh);
  }
  if (arr.empty()) {
    // All buffers are uptodate - we can set the page uptodate as well.
    SetPageUptodate(page);
    UnlockPage(page);
    return 0;
  }
  // Stage two: lock the buffers. (b_end_io and b_count are only read by the
  // disk after the submission and by page-lock holders: set with the lock.)
  for (BufferHead* bh : arr) {
    lock_buffer(*bh);
    bh->b_end_io = EndIo::async;
    ++bh->b_count;
  }
  // Stage 3: start the IO
  for (BufferHead* bh : arr) pagecache::submit_bh(s_, Rw::read, *bh);
  return 0;
}

// fs/buffer.c L775 end_buffer_io_async: the last buffer of the page to finish
// sets the page uptodate (unless PG_error) and unlocks it.
void Kernel::end_buffer_io_async(BufferHead& bh, bool uptodate) {
  Page& page = *bh.b_page;
  // mark_buffer_uptodate(bh, uptodate); if (!uptodate) SetPageError(page);
  step(ex(), "end_buffer_io_async: mark_buffer_uptodate", {W(page.buffers_obj()), W(page.obj())});
  bh.uptodate = uptodate;
  if (!uptodate)
    page.error = true;
  else
    narrow(ex(), {W(page.buffers_obj())});
  // spin_lock_irqsave(&page_uptodate_lock); unlock_buffer(bh); atomic_dec(&bh->b_count);
  // then, under the same spinlock, the scan of the page's other buffers: one
  // step that reads their BH_Lock (b_end_io is set with the lock).
  {
    pagecache::Touches t;
    t.w(bh.lock->id());
    for (const BufferHead& tmp : page.buffers)
      if (&tmp != &bh) t.r_or_all(tmp.lock->id());
    t.step(ex(), "end_buffer_io_async: unlock_buffer");
  }
  if (ex().tearing_down()) return;
  bh.lock->clear_locked_in_step();
  --bh.b_count;
  for (const BufferHead& tmp : page.buffers)
    if (&tmp != &bh && tmp.b_end_io == EndIo::async && tmp.locked()) return;  // still_busy
  // OK, the async IO on this page is complete.
  step(ex(), "end_buffer_io_async: if (!PageError) SetPageUptodate", {R(page.obj()), W(page.uptodate_obj())});
  if (!page.error) page.uptodate = true;
  UnlockPage(page);
}

// fs/buffer.c L1492 __block_write_full_page (called with the page locked;
// end_buffer_io_async unlocks it).
int Kernel::__block_write_full_page(Page& page) {
  if (!page.locked()) pagecache::BUG(ex(), "__block_write_full_page of unlocked " + page.name());
  if (!page.has_buffers) create_empty_buffers(page);
  std::uint64_t block = std::uint64_t{page.index} * s_.blocks_per_page;
  // Stage 1: make sure we have all the buffers mapped!
  for (std::uint32_t j = 0; j < s_.blocks_per_page; ++j, ++block) {
    BufferHead& bh = page.buffers[j];
    if (!bh.mapped) {
      const int err = ext2_get_block(block, bh, true);
      if (err) {
        ClearPageUptodate(page);
        UnlockPage(page);
        return err;
      }
      // if (buffer_new(bh)) unmap_underlying_metadata(bh): no aliases
    }
  }
  // Stage 2: lock the buffers, mark them clean
  for (BufferHead& bh : page.buffers) {
    lock_buffer(bh);
    bh.b_end_io = EndIo::async;
    ++bh.b_count;
    step(ex(), "__block_write_full_page: set uptodate, clear dirty", {W(page.buffers_obj())});
    bh.uptodate = true;
    bh.dirty = false;
  }
  // Stage 3: submit the IO
  for (BufferHead& bh : page.buffers) pagecache::submit_bh(s_, Rw::write, bh);
  // Done - end_buffer_io_async will unlock
  SetPageUptodate(page);
  return 0;
}

// fs/buffer.c L1933 block_write_full_page.
int Kernel::block_write_full_page(Page& page) {
  const std::uint64_t ps = s_.geo.page_size;
  step(ex(), "block_write_full_page: i_size", {R(s_.inode.size_obj)});
  const std::uint64_t i_size = s_.inode.i_size;
  const std::uint64_t end_index = i_size / ps;
  // easy case
  if (page.index < end_index) return __block_write_full_page(page);
  // things got complicated...
  const auto offset = static_cast<unsigned>(i_size % ps);
  // OK, are we completely out?
  if (page.index >= end_index + 1 || !offset) {
    UnlockPage(page);
    return -kEIO;
  }
  // Sigh... will have to work, then...
  const int err = __block_prepare_write(page, 0, offset);
  if (!err) {
    step(ex(), "block_write_full_page: memset", {W(page.data_obj())});
    std::fill(page.data.write().begin() + offset, page.data.write().end(), std::uint8_t{0});
    __block_commit_write(page, 0, offset);
  } else {
    ClearPageUptodate(page);
  }
  // done: kunmap(page); UnlockPage(page);
  UnlockPage(page);
  return err;
}

// fs/buffer.c L2354 try_to_free_buffers: under lru_list_lock; with wait == 0
// a busy page is left as it is.
int Kernel::try_to_free_buffers(Page& page, int wait) {
  // buffer_busy reads the BH_Lock of every buffer of the page: the slot's
  // buffer locks, which exist whether or not the page has buffers now.
  {
    pagecache::Touches t;
    t.w(page.obj()).w(page.buffers_obj()).w(s_.inode.dirty_buffers_obj).w(page.count_obj());
    for (const auto& bh_lock : page.slot.bh_lock) t.r_or_all(bh_lock->id());
    t.step(ex(), "try_to_free_buffers");
  }
  if (!page.has_buffers) return 1;
  for (const BufferHead& p : page.buffers)
    if (p.b_count || p.dirty || p.locked()) {  // buffer_busy: goto busy_buffer_page
      if (wait) throw std::logic_error("model bug: try_to_free_buffers with wait is not modelled");
      return 0;
    }
  for (BufferHead& p : page.buffers) remove_inode_queue(p);  // __remove_from_queues; __put_unused_buffer_head
  // And free the page
  page.buffers.clear();
  page.has_buffers = false;
  pagecache::page_cache_release_in_step(page);
  return 1;
}

// fs/buffer.c L857 fsync_inode_buffers.
int Kernel::fsync_inode_buffers() {
  std::deque<BufferHead*> tmp;  // struct inode tmp: its i_dirty_buffers
  int err = 0;
  for (;;) {
    // spin_lock(&lru_list_lock); bh = the first on inode->i_dirty_buffers;
    // list_del; if (!buffer_dirty(bh) && !buffer_locked(bh)) ...: one lock
    // region. It reads the state of the buffer at the head of the list,
    // which is not known when the step is announced: it touches all.
    // Once run it is narrowed to what it did (as filemap_fdatasync's, mm/filemap.c):
    // the list, and the head buffer's bits (page[i].buffers: BH_Dirty,
    // b_inode, b_count) and BH_Lock.
    step_touching_all(ex(), "fsync_inode_buffers: spin_lock(lru_list_lock)", {W(s_.inode.dirty_buffers_obj)});
    if (s_.inode.i_dirty_buffers.empty()) {
      narrow(ex(), {R(s_.inode.dirty_buffers_obj)});
      break;
    }
    BufferHead& bh = *s_.inode.i_dirty_buffers.front();
    narrow(ex(), {W(s_.inode.dirty_buffers_obj), W(bh.b_page->buffers_obj()), R(bh.lock->id())});
    remove_inode_queue(bh);
    if (!bh.dirty && !bh.locked()) continue;  // bh->b_inode = NULL
    insert_inode_queue(bh, tmp);
    if (bh.dirty) {
      ++bh.b_count;
      // spin_unlock(&lru_list_lock);
      pagecache::ll_rw_block(s_, Rw::write, bh);
      step(ex(), "fsync_inode_buffers: brelse", {W(bh.b_page->buffers_obj())});
      --bh.b_count;
    }
  }
  for (;;) {
    // tmp is this call's, but a buffer on it that is dirtied again moves back
    // to the inode's list (insert_inode_queue, a write of that list's object):
    // the walk reads that object, and writes the buffer's b_inode and b_count.
    step_touching_all(ex(), "fsync_inode_buffers: spin_lock(lru_list_lock)", {W(s_.inode.dirty_buffers_obj)});
    if (tmp.empty()) {
      narrow(ex(), {R(s_.inode.dirty_buffers_obj)});
      break;
    }
    BufferHead& bh = *tmp.back();  // tmp.i_dirty_buffers.prev
    narrow(ex(), {R(s_.inode.dirty_buffers_obj), W(bh.b_page->buffers_obj())});
    remove_inode_queue(bh);
    ++bh.b_count;
    // spin_unlock(&lru_list_lock);
    wait_on_buffer(bh);
    step(ex(), "fsync_inode_buffers: buffer_uptodate, brelse", {W(bh.b_page->buffers_obj())});
    if (!bh.uptodate) err = -kEIO;
    --bh.b_count;
  }
  const int err2 = osync_inode_buffers();
  return err ? err : err2;
}

// fs/buffer.c L918 osync_inode_buffers: wait for the buffers of the inode's
// list that are under I/O.
int Kernel::osync_inode_buffers() {
  int err = 0;
  for (;;) {
    // The walk reads the BH_Lock of every buffer on the list.
    step_touching_all(ex(), "osync_inode_buffers: spin_lock(lru_list_lock)", {W(s_.inode.dirty_buffers_obj)});
    BufferHead* locked = nullptr;
    // What it did, once run: read the list and the BH_Lock of each buffer
    // it looked at, and (b_count) wrote the bits of the one it waits for.
    pagecache::Touches did;
    did.r(s_.inode.dirty_buffers_obj);
    for (auto it = s_.inode.i_dirty_buffers.rbegin(); it != s_.inode.i_dirty_buffers.rend(); ++it) {
      did.r_or_all((*it)->lock->id());
      if ((*it)->locked()) {
        locked = *it;
        break;
      }
    }
    if (locked) did.w_or_all(locked->b_page->buffers_obj());
    did.narrow(ex());
    if (!locked) break;
    ++locked->b_count;
    wait_on_buffer(*locked);
    step(ex(), "osync_inode_buffers: buffer_uptodate, brelse", {W(locked->b_page->buffers_obj())});
    if (!locked->uptodate) err = -kEIO;
    --locked->b_count;
  }
  return err;
}

// fs/buffer.c L352 sys_fsync.
std::int64_t Kernel::sys_fsync(File& file) {
  (void)file;
  // We need to protect against concurrent writers..
  s_.inode.i_sem.down("sys_fsync: down(i_sem)");
  filemap_fdatasync();
  const int err = f_op_fsync();
  filemap_fdatawait();
  s_.inode.i_sem.up("sys_fsync: up(i_sem)");
  return err;
}

}  // namespace models::linux_2_4_0

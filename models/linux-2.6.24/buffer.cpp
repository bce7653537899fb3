// fs/buffer.c of Linux 2.6.24 (sevico/linux-2.6.24-comment @
// 345e6075d0ea6bfb33cd12467722862fad188a99, whose code is 2.6.24's) and the
// a_ops write_begin/write_end of ext2 (fs/ext2/inode.c ext2_write_begin ->
// block_write_begin; .write_end = generic_write_end) and ramfs
// (fs/ramfs/file-mmu.c: simple_write_begin, simple_write_end).
//
// Dirty data stays where the model's (2.4.0) writeback looks for it: a dirty
// buffer is on the inode's dirty-buffer list (bdflush, fsync). 2.6's PG_dirty
// tagging of such pages is not modelled (README.md).
#include <algorithm>
#include <stdexcept>

#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/disk.hpp"
#include "models/pagecache/step.hpp"
#include "sim/audit.hpp"

namespace models::linux_2_6_24 {

using linux_2_4_0::kEIO;
using linux_2_4_0::kENOMEM;
using pagecache::R;
using pagecache::Rw;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

int Kernel::write_begin(std::uint64_t pos, unsigned len, Page*& page) {
  return ext2() ? block_write_begin(pos, len, page) : simple_write_begin(pos, len, page);
}

int Kernel::write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) {
  return ext2() ? generic_write_end(pos, len, copied, page) : simple_write_end(pos, len, copied, page);
}

void Kernel::vmtruncate_not_modelled(const char* where) {
  throw std::logic_error(std::string("model limitation: ") + where +
                         " would call vmtruncate() to trim blocks instantiated beyond i_size; truncation is not "
                         "modelled (avoid read I/O errors on writes that extend the file with this variant)");
}

// fs/buffer.c mark_buffer_dirty: BH_Dirty, and (as 2.4's __mark_dirty +
// buffer_insert_inode_queue) the inode's list of dirty buffers.
void Kernel::mark_buffer_dirty(BufferHead& bh) {
  step(ex(), "mark_buffer_dirty", {W(bh.b_page->buffers_obj()), W(s_.inode.dirty_buffers_obj)});
  if (bh.dirty) return narrow(ex(), {R(bh.b_page->buffers_obj())});  // no insert: it only read the bit
  bh.dirty = true;
  sim::audit::write(s_.inode.dirty_buffers_obj);  // the list is no Audited field: its insert says so
  auto& l = s_.inode.i_dirty_buffers;
  if (bh.b_inode) bh.b_inode->erase(std::remove(bh.b_inode->begin(), bh.b_inode->end(), &bh), bh.b_inode->end());
  bh.b_inode = &l;
  l.push_front(&bh);
}

// fs/buffer.c page_zero_new_buffers: "If a page has any new buffers, zero
// them out here, and mark them uptodate and dirty so they'll be written out
// (in order to prevent uninitialised block data from leaking). And clear the
// new bit."
void Kernel::page_zero_new_buffers(Page& page, unsigned from, unsigned to) {
  if (!page.locked()) pagecache::BUG(ex(), "page_zero_new_buffers: " + page.name() + " is not locked");
  if (!page.has_buffers) return;
  const unsigned bs = s_.geo.block_size;
  unsigned block_start = 0;
  for (BufferHead& bh : page.buffers) {
    const unsigned block_end = block_start + bs;
    if (bh.new_ && block_end > from && block_start < to) {  // BH_New: only page-lock holders change it
      if (!page.uptodate) {
        const unsigned start = std::max(from, block_start);
        const unsigned size = std::min(to, block_end) - start;
        step(ex(), "page_zero_new_buffers: zero_user_page", {W(page.data_obj())});
        std::fill_n(page.data.write().begin() + start, size, std::uint8_t{0});
        step(ex(), "page_zero_new_buffers: set_buffer_uptodate", {W(page.buffers_obj())});
        bh.uptodate = true;
      }
      step(ex(), "page_zero_new_buffers: clear_buffer_new", {W(page.buffers_obj())});
      bh.new_ = false;
      mark_buffer_dirty(bh);
    }
    block_start = block_end;
  }
}

// fs/buffer.c __block_prepare_write (2.6.24): new buffers of an uptodate
// page are marked uptodate and dirty and lose BH_New (Nick Piggin's "fs: fix
// data-loss on error"); every read is waited for; on error the new buffers
// in range are zeroed (page_zero_new_buffers).
int Kernel::__block_prepare_write(Page& page, unsigned from, unsigned to) {
  const unsigned blocksize = s_.geo.block_size;
  std::vector<BufferHead*> wait;
  int err = 0;
  if (!page.locked()) pagecache::BUG(ex(), "__block_prepare_write: " + page.name() + " is not locked");
  if (!page.has_buffers) create_empty_buffers(page);
  std::uint64_t block = std::uint64_t{page.index} * s_.blocks_per_page;
  unsigned block_start = 0, block_end;
  for (std::uint32_t j = 0; j < s_.blocks_per_page; ++j, ++block, block_start = block_end) {
    BufferHead& bh = page.buffers[j];
    block_end = block_start + blocksize;
    if (block_end <= from || block_start >= to) {
      if (page.uptodate) {  // PG_uptodate: changed only under the page lock, which we hold
        step(ex(), "__block_prepare_write: buffer_uptodate", {W(page.buffers_obj())});
        if (!bh.uptodate) bh.uptodate = true;  // set_buffer_uptodate
      }
      continue;
    }
    if (bh.new_) {
      step(ex(), "__block_prepare_write: clear_buffer_new", {W(page.buffers_obj())});
      bh.new_ = false;
    }
    if (!bh.mapped) {
      err = ext2_get_block(block, bh, true);
      if (err) break;
      if (bh.new_) {
        // unmap_underlying_metadata: the model has no buffer-cache aliases.
        if (page.uptodate) {
          step(ex(), "__block_prepare_write: clear_buffer_new, set_buffer_uptodate", {W(page.buffers_obj())});
          bh.new_ = false;
          bh.uptodate = true;
          mark_buffer_dirty(bh);
          continue;
        }
        if (block_end > to || block_start < from) {
          step(ex(), "__block_prepare_write: memset", {W(page.data_obj())});
          if (block_end > to) std::fill(page.data.write().begin() + to, page.data.write().begin() + block_end, std::uint8_t{0});
          if (block_start < from) std::fill(page.data.write().begin() + block_start, page.data.write().begin() + from, std::uint8_t{0});
        }
        continue;
      }
    }
    if (page.uptodate) {
      step(ex(), "__block_prepare_write: buffer_uptodate", {W(page.buffers_obj())});
      if (!bh.uptodate) bh.uptodate = true;  // set_buffer_uptodate
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
    step(ex(), "__block_prepare_write: buffer_uptodate", {R(page.buffers_obj())});
    if (!bh.uptodate) err = -kEIO;
  }
  if (err) page_zero_new_buffers(page, from, to);
  return err;
}

// fs/buffer.c __block_commit_write (2.6.24): as 2.4.0's, and every buffer
// loses BH_New.
int Kernel::__block_commit_write(Page& page, unsigned from, unsigned to) {
  const unsigned blocksize = s_.geo.block_size;
  bool partial = false;
  unsigned block_start = 0, block_end;
  for (std::uint32_t j = 0; j < s_.blocks_per_page; ++j, block_start = block_end) {
    BufferHead& bh = page.buffers[j];
    block_end = block_start + blocksize;
    if (block_end <= from || block_start >= to) {
      step(ex(), "__block_commit_write: buffer_uptodate", {bh.new_ ? W(page.buffers_obj()) : R(page.buffers_obj())});
      if (!bh.uptodate) partial = true;
    } else {
      step(ex(), "__block_commit_write: set_buffer_uptodate", {W(page.buffers_obj())});
      bh.uptodate = true;
      mark_buffer_dirty(bh);
    }
    if (bh.new_) bh.new_ = false;  // clear_buffer_new (in the step above, which writes page[i] only then)
  }
  // If this is a partial write which happened to make all buffers uptodate
  // then we can optimize away a bogus readpage() for the next read().
  if (!partial) SetPageUptodate(page);
  return 0;
}

// fs/buffer.c block_write_begin (2.6.24).
int Kernel::block_write_begin(std::uint64_t pos, unsigned len, Page*& pagep) {
  const std::uint64_t ps = s_.geo.page_size;
  const auto index = static_cast<std::uint32_t>(pos / ps);
  const auto start = static_cast<unsigned>(pos % ps);
  const unsigned end = start + len;
  Page* spare = nullptr;
  Page* page = __grab_cache_page(index, spare);
  if (spare) page_cache_free(*spare);
  if (!page) return -kENOMEM;
  pagep = page;
  const int status = __block_prepare_write(*page, start, end);
  if (status) {
    ClearPageUptodate(*page);
    UnlockPage(*page);
    page_cache_release(*page);
    pagep = nullptr;
    // prepare_write() may have instantiated a few blocks outside i_size.
    // Trim these off again. (i_mutex is held: a plain read of i_size.)
    step(ex(), "block_write_begin: i_size", {R(s_.inode.size_obj)});
    if (pos + len > s_.inode.i_size) vmtruncate_not_modelled("block_write_begin's error path");
  }
  return status;
}

// fs/buffer.c block_write_end (2.6.24): "treat any short write to a non
// uptodate page as a zero-length write, and force the caller to redo the
// whole thing".
int Kernel::block_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) {
  const auto start = static_cast<unsigned>(pos % s_.geo.page_size);
  if (copied < len) {
    if (!page.uptodate) copied = 0;  // under the page lock
    page_zero_new_buffers(page, start + copied, start + len);
  }
  // flush_dcache_page(page)
  // This could be a short (even 0-length) commit
  __block_commit_write(page, start, start + copied);
  return static_cast<int>(copied);
}

// fs/buffer.c generic_write_end (2.6.24): i_size is updated while the page
// is still locked.
int Kernel::generic_write_end(std::uint64_t pos, unsigned len, unsigned copied, Page& page) {
  copied = static_cast<unsigned>(block_write_end(pos, len, copied, page));
  step(ex(), "generic_write_end: i_size_write", {W(s_.inode.size_obj)});
  if (pos + copied > s_.inode.i_size)
    s_.inode.i_size = pos + copied;  // mark_inode_dirty
  else
    narrow(ex(), {R(s_.inode.size_obj)});  // the file did not grow: i_size was only read
  UnlockPage(page);
  page_cache_release(page);
  return static_cast<int>(copied);
}

// mm/vmscan.c pageout (2.6.24): ramfs_aops has no ->writepage, so reclaim
// keeps the page (PAGE_ACTIVATE); page_launder's "writepage refused" (1).
int Kernel::writepage(Page& page) {
  if (!ext2()) return 1;
  return linux_2_4_17::Kernel::writepage(page);
}

// mm/filemap.c __filemap_fdatawrite_range (2.6.24): "if
// (!mapping_cap_writeback_dirty(mapping)) return 0;" -- ramfs's backing
// device has BDI_CAP_NO_WRITEBACK, so fsync and msync write nothing back and
// never call a writepage (which ramfs_aops has not). The 2.4.0 loop the model
// keeps for ext2 would lock the page and leave it locked on the refusal.
void Kernel::filemap_fdatasync() {
  if (!ext2()) return;
  linux_2_4_17::Kernel::filemap_fdatasync();
}

}  // namespace models::linux_2_6_24

// mm/truncate.c pagecache_isize_extended and the mm/rmap.c folio_mkclean it
// calls, as today (torvalds/linux; the zeroing is Brian Foster's "mm: zero
// range of eof folio exposed by inode size extension", v6.12): when a write
// moves i_size from `from` past it, the part of the old EOF folio beyond
// `from` becomes file data, so a dirty EOF folio has [from, to) zeroed: bytes
// stored there through a MAP_SHARED mapping while they lay beyond EOF must
// not turn into file data. Folios are one page each in the model. Below it,
// ftruncate's path (ext4_setattr, truncate_setsize, the invalidate lock).
#include <algorithm>

#include "models/linux-6-ext4/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_6_ext4 {

using pagecache::R;
using pagecache::W;
using pagecache::step;

// mm/rmap.c folio_mkclean: every pte that maps the folio is cleaned (and
// write-protected, which the model has not: the next store sets the dirty bit
// again, as the fault after the write-protect would); returns how many were
// dirty. Each pte under its page table lock, as filemap_sync's steps.
int Kernel::folio_mkclean(Page& page) {
  int cleaned = 0;
  for (auto& [vpn, pte] : s_.mm.ptes) {
    (void)vpn;
    if (!pte.shared || pte.file_index != page.index) continue;  // not in the folio's rmap
    step(ex(), "folio_mkclean: page_vma_mkclean_one", {W(pte.obj)});
    if (!pte.present || pte.page != &page || !pte.dirty) {
      pagecache::narrow(ex(), {R(pte.obj)});
      continue;
    }
    pte.dirty = false;
    ++cleaned;
  }
  return cleaned;
}

// mm/truncate.c pagecache_isize_extended(inode, from, to), called with the
// inode lock held after i_size became larger than `from`. The kernel returns
// early when the block size is the page size or more, or when `to` lies in
// the block holding `from` (no hole block is created inside the folio); the
// model zeroes in those cases too, because the running kernel does: Linux
// 6.18.44 gave "a\0\0\0\0B" for the store-beyond-EOF scenario on ext4 with
// 1, 2 and 4 KiB blocks (scenarios/sequential/store-beyond-eof-then-extend.json;
// what zeroes there for a 4 KiB block was not pinned down in the source).
void Kernel::pagecache_isize_extended(std::uint64_t from, std::uint64_t to) {
  const std::uint64_t ps = s_.geo.page_size;
  if (from >= to || from % ps == 0) return;  // no folio straddles `from`
  // filemap_lock_folio: a folio not cached has nothing to zero.
  Page* page = __find_lock_page(static_cast<std::uint32_t>(from / ps));
  if (!page) return;
  // See folio_clear_dirty_for_io() for details why folio_mark_dirty() is needed.
  if (folio_mkclean(*page)) pagecache::set_page_dirty(s_.mapping, *page);
  // The post-eof range of the folio must be zeroed before it is exposed to
  // the file. Writeback normally does this, but since i_size has been
  // increased we handle it here.
  step(ex(), "pagecache_isize_extended: folio_test_dirty", {R(page->obj())});
  if (page->dirty) {
    const std::uint64_t folio_pos = std::uint64_t{page->index} * ps;
    const std::uint64_t offset = from - folio_pos;
    const std::uint64_t end = std::min(to - folio_pos, ps);
    step(ex(), "pagecache_isize_extended: folio_zero_segment", {W(page->data_obj())});
    std::fill(page->data.write().begin() + static_cast<std::ptrdiff_t>(offset),
              page->data.write().begin() + static_cast<std::ptrdiff_t>(end), std::uint8_t{0});
  }
  UnlockPage(*page);
  page_cache_release(*page);
}

}  // namespace models::linux_6_ext4

// ---- ftruncate, as today (torvalds/linux; fs/open.c do_truncate, fs/attr.c
// notify_change, fs/ext4/inode.c ext4_setattr, fs/libfs.c simple_setattr,
// mm/truncate.c truncate_setsize / truncate_pagecache). Lines are not given:
// the stored torvalds/linux snapshot of fs/ext4/inode.c predates
// invalidate_lock (5.15); the order below is today's ext4_setattr.

namespace models::linux_6_ext4 {

// fs/open.c do_truncate: inode_lock(dentry->d_inode) around notify_change.
int Kernel::do_truncate(std::uint64_t length) {
  s_.inode.i_rwsem->down_write("do_truncate: inode_lock");
  const int error = notify_change(length);
  s_.inode.i_rwsem->up_write("do_truncate: inode_unlock");
  return error;
}

// fs/attr.c notify_change -> inode->i_op->setattr: ext4_setattr, or for
// ramfs (shmem-like: fs/libfs.c simple_setattr) truncate_setsize alone.
int Kernel::notify_change(std::uint64_t length) {
  if (ext2()) return ext4_setattr(length);
  truncate_setsize(length);
  return 0;
}

// include/linux/fs.h filemap_invalidate_lock / _shared and their unlocks:
// down_write / down_read of mapping->invalidate_lock, which exists only in a
// scenario that truncates (models/pagecache/address_space.hpp).
void Kernel::filemap_invalidate_lock(bool exclusive, const char* label) {
  if (!s_.mapping.invalidate_lock) return;
  if (exclusive)
    s_.mapping.invalidate_lock->down_write(label);
  else
    s_.mapping.invalidate_lock->down_read(label);
}

void Kernel::filemap_invalidate_unlock(bool exclusive, const char* label) {
  if (!s_.mapping.invalidate_lock) return;
  if (exclusive)
    s_.mapping.invalidate_lock->up_write(label);
  else
    s_.mapping.invalidate_lock->up_read(label);
}

// mm/readahead.c page_cache_ra_unbounded: filemap_invalidate_lock_shared
// over the pages it adds and reads (after do_page_cache_ra read i_size).
void Kernel::readahead_lock(bool take) {
  if (take)
    filemap_invalidate_lock(false, "page_cache_ra_unbounded: filemap_invalidate_lock_shared");
  else
    filemap_invalidate_unlock(false, "page_cache_ra_unbounded: filemap_invalidate_unlock_shared");
}

// fs/ext4/inode.c ext4_setattr, ATTR_SIZE, with i_rwsem held (do_truncate).
// i_size is read without a step: every writer of it holds i_rwsem
// exclusive. ext4_begin_ordered_truncate (data=ordered writeout of the
// tail), the journal, the orphan list and i_disksize are metadata the model
// does not keep; inode_dio_wait waits for direct I/O, which it has not.
int Kernel::ext4_setattr(std::uint64_t size) {
  const std::uint64_t oldsize = s_.inode.i_size.peek();
  const bool shrink = size < oldsize;
  // if (shrink) { ext4_begin_ordered_truncate; inode_dio_wait(inode); }
  filemap_invalidate_lock(true, "ext4_setattr: filemap_invalidate_lock");
  // ext4_break_layouts: no DAX.
  if (size != oldsize) {
    // Tail zero the EOF folio on truncate up; ext4_truncate handles the
    // shrink case below.
    if (!shrink && oldsize % s_.geo.block_size) block_truncate_page(oldsize);  // ext4_block_truncate_page
    // i_size_write under i_data_sem, together with i_disksize.
    step(ex(), "ext4_setattr: i_size_write", {W(s_.inode.size_obj)});
    s_.inode.i_size = size;
    if (!shrink) pagecache_isize_extended(oldsize, size);
  }
  // Truncate pagecache after we've waited for commit in data=journal mode
  // to make pages freeable.
  truncate_pagecache(size);
  // Call ext4_truncate() even if i_size didn't change to truncate possible
  // preallocated blocks: ext4_block_truncate_page at i_size, then the
  // blocks past it are freed, as ext2_truncate does in the model.
  if (size <= oldsize) ext2_truncate();
  filemap_invalidate_unlock(true, "ext4_setattr: filemap_invalidate_unlock");
  return 0;
}

// mm/truncate.c truncate_setsize: i_size_write, pagecache_isize_extended
// on a grow, truncate_pagecache.
void Kernel::truncate_setsize(std::uint64_t newsize) {
  const std::uint64_t oldsize = s_.inode.i_size.peek();  // i_rwsem held: no other writer
  step(ex(), "truncate_setsize: i_size_write", {W(s_.inode.size_obj)});
  s_.inode.i_size = newsize;
  if (newsize > oldsize) pagecache_isize_extended(oldsize, newsize);
  truncate_pagecache(newsize);
}

}  // namespace models::linux_6_ext4

// ftruncate(2) in Linux 2.4.0 (liexusong/linux-2.4.0 @ 9deca51): fs/open.c
// sys_ftruncate -> do_truncate (i_sem held) -> fs/attr.c notify_change ->
// inode_setattr -> mm/memory.c vmtruncate, which sets i_size first, then
// (shrink) truncate_inode_pages (mm/filemap.c: lock each page past the new
// size, zero the tail of the partial page, take the others out of the page
// cache), then zaps the ptes of the mappings past the new size
// (vmtruncate_list), then runs the filesystem's truncate: ext2_truncate
// (fs/ext2/inode.c: block_truncate_page zeroes the partial block, then the
// blocks past i_size are freed); ramfs has none. A grow only sets i_size
// (and runs ext2_truncate, which frees nothing then).
//
// What 2.4.0 does not guard, and the model therefore keeps: reads take no
// i_sem, so a read that sampled i_size before the shrink may copy the zeroed
// tail of the partial page or read a removed page back from the freed blocks
// (do_generic_file_read reads i_size once per page, before the lookup); and
// filemap_nopage checks i_size once, before it looks the page up, so a fault
// that runs beside truncate_inode_pages can map a page that has just left the
// page cache (vmtruncate zaps the ptes after the pages are gone, and nothing
// zaps the pte installed after that): stores through it reach no file, and
// loads read stale data instead of SIGBUS. The 2.6 fix is the truncate_count
// protocol of do_no_page, then (2007) filemap_fault's page lock
// (docs/matrix.md).
#include <algorithm>

#include "models/linux-2.4.0/inode_queue.hpp"
#include "models/linux-2.4.0/kernel.hpp"
#include "models/pagecache/disk.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_4_0 {

using pagecache::A;
using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

// fs/open.c L182 sys_ftruncate -> L150 do_sys_ftruncate: length < 0, fget,
// S_ISREG, FMODE_WRITE, IS_IMMUTABLE/IS_APPEND and locks_verify_truncate
// (mandatory locks) pass for the model's file, opened for writing.
std::int64_t Kernel::sys_ftruncate(File& file, std::uint64_t length) {
  (void)file;
  return do_truncate(length);
}

// fs/open.c L72 do_truncate: notify_change under i_sem.
int Kernel::do_truncate(std::uint64_t length) {
  s_.inode.i_sem.down("do_truncate: down(i_sem)");
  const int error = notify_change(length);
  s_.inode.i_sem.up("do_truncate: up(i_sem)");
  return error;
}

// fs/attr.c L106 notify_change: under lock_kernel; neither ext2 nor ramfs has
// i_op->setattr in 2.4.0, so inode_change_ok (permissions: the owner's own
// file) and inode_setattr. inode_dir_notify: no dnotify in the model.
int Kernel::notify_change(std::uint64_t length) {
  inode_setattr(length);
  return 0;
}

// fs/attr.c L60 inode_setattr: ATTR_SIZE -> vmtruncate; the times and
// mark_inode_dirty are metadata.
void Kernel::inode_setattr(std::uint64_t length) { vmtruncate(length); }

// mm/memory.c L933 vmtruncate. The test of i_size and its assignment are
// two steps, as two statements: in 2.4.0 every other writer of i_size holds
// i_sem too, but the zippel-lock-coupling writers do not.
void Kernel::vmtruncate(std::uint64_t offset) {
  const std::uint64_t ps = s_.geo.page_size;
  step(ex(), "vmtruncate: inode->i_size < offset", {R(s_.inode.size_obj)});
  if (s_.inode.i_size < offset) {
    // do_expand: RLIMIT_FSIZE is infinite in the model.
    step(ex(), "vmtruncate: i_size = offset", {W(s_.inode.size_obj)});
    s_.inode.i_size = offset;
    truncate();
    return;
  }
  step(ex(), "vmtruncate: i_size = offset", {W(s_.inode.size_obj)});
  s_.inode.i_size = offset;
  truncate_inode_pages(offset);
  // spin_lock(&mapping->i_shared_lock): the MAP_SHARED mappings of the file
  // (i_mmap_shared; the model has no private file mappings).
  const std::uint64_t pgoff = (offset + ps - 1) / ps;
  vmtruncate_list(pgoff);
  // out_unlock: "this should go into ->truncate"
  step(ex(), "vmtruncate: i_size = offset", {W(s_.inode.size_obj)});
  s_.inode.i_size = offset;
  truncate();
}

// mm/memory.c L891 vmtruncate_list: zap_page_range over the part of each
// mapping at or past pgoff (the partial page stays mapped). One step per pte,
// under page_table_lock, as sys_munmap's zap (models/pagecache/mm.cpp).
void Kernel::vmtruncate_list(std::uint64_t pgoff) {
  for (auto& [vpn, pte] : s_.mm.ptes) {
    (void)vpn;
    if (!pte.shared || !pte.vma || pte.file_index < pgoff) continue;
    pagecache::zap_pte(s_, pte, "vmtruncate_list: zap_page_range", false);
  }
}

// inode->i_op->truncate: ext2_truncate; ramfs's regular files have none.
void Kernel::truncate() {
  if (ext2()) ext2_truncate();
}

// mm/filemap.c L272 truncate_inode_pages: each round holds pagecache_lock
// over truncate_list_pages of the clean, the dirty and the locked list, and
// works on the first page it finds past lstart (or the partial page).
void Kernel::truncate_inode_pages(std::uint64_t lstart) {
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint64_t start = (lstart + ps - 1) / ps;
  auto partial = static_cast<unsigned>(lstart % ps);
  while (truncate_list_pages(start, partial)) {
  }
}

// mm/filemap.c L223 truncate_list_pages, over the three lists in turn in one
// pagecache_lock region (one step). The lists' members are not known when it
// is announced, but the pages it can act on are: those of an index at or
// past `start`, and the partial page; it names the lists (mapping) and the
// PG_locked and count of each of those indexes (every page of an index uses
// its slot's objects, page.hpp), or touches all when they do not fit. Once
// run it says what it did (narrow): it read the lists, and the lock and the
// reference of the page it found.
bool Kernel::truncate_list_pages(std::uint64_t start, unsigned& partial) {
  {
    pagecache::Touches t;
    t.r(s_.mapping.obj);
    const std::uint64_t first = partial && start > 0 ? start - 1 : start;
    if (1 + 2 * (s_.slots.size() - std::min<std::uint64_t>(first, s_.slots.size())) > sim::kMaxTouches)
      t.all();
    else
      for (std::uint64_t i = first; i < s_.slots.size(); ++i) t.w(s_.slots[i]->PG_locked.id()).a(s_.slots[i]->count_obj);
    t.step(ex(), "truncate_list_pages: spin_lock(pagecache_lock)");
  }
  Page* found = nullptr;
  for (const std::deque<Page*>* list : {&s_.mapping.clean_pages, &s_.mapping.dirty_pages, &s_.mapping.locked_pages}) {
    sim::audit::read(s_.mapping.obj);
    for (Page* page : *list) {
      const std::uint64_t offset = page->index;
      // Is one of the pages to truncate?
      if (offset >= start || (partial && offset + 1 == start)) {
        found = page;
        break;
      }
    }
    if (found) break;
  }
  if (!found) {
    narrow(ex(), {R(s_.mapping.obj)});
    return false;
  }
  Page& page = *found;
  if (page.locked()) {  // TryLockPage failed
    narrow(ex(), {R(s_.mapping.obj), R(page.lock().id()), A(page.count_obj())});
    pagecache::page_cache_get_in_step(page);
    // spin_unlock(&pagecache_lock);
    wait_on_page(page);
    page_cache_release(page);
    return true;
  }
  narrow(ex(), {R(s_.mapping.obj), W(page.lock().id()), A(page.count_obj())});
  page.lock().set_locked_in_step();  // TryLockPage
  pagecache::page_cache_get_in_step(page);
  // spin_unlock(&pagecache_lock);
  if (partial && page.index + 1 == start) {
    truncate_partial_page(page, partial);
    partial = 0;
    UnlockPage(page);
  } else {
    truncate_complete_page(page);  // unlocks the page (see there)
  }
  page_cache_release(page);
  return true;
}

// mm/filemap.c L194 truncate_partial_page: memclear_highpage_flush of the
// page past `partial`, then block_flushpage of the buffers past it.
void Kernel::truncate_partial_page(Page& page, unsigned partial) {
  step(ex(), "truncate_partial_page: memclear_highpage_flush", {W(page.data_obj())});
  std::fill(page.data.write().begin() + partial, page.data.write().end(), std::uint8_t{0});
  if (page.has_buffers) block_flushpage(page, partial);  // page->buffers: stable under the page lock
}

// mm/filemap.c L203 truncate_complete_page: block_flushpage(page, 0),
// ClearPageDirty, ClearPageUptodate, remove_inode_page, page_cache_release
// (the page cache's reference); its caller then UnlockPage's it. The model
// folds that UnlockPage into remove_inode_page's step: an unlock is a left
// mover (no other thread's step between them can take the lock, which is
// held; the only others that read it are reclaim's TryLockPage of a pte's
// page, which then fails and leaves the page alone, as it does when it runs
// before the truncation), and it keeps the slot's PG_locked (page.hpp),
// shared with the next page of this index, free once the page is out of the
// page cache. The page is marked first (Page::truncated, plain: only its
// lock holder writes it) so that the uptodate-lost check knows that its
// ClearPageUptodate drops data past the end of the file on purpose.
void Kernel::truncate_complete_page(Page& page) {
  page.truncated = true;
  if (page.has_buffers) block_flushpage(page, 0);  // lru_cache_del: LRU only
  // We remove the page from the page cache _after_ we have destroyed all
  // buffer-cache references to it.
  ClearPageDirty(page);
  ClearPageUptodate(page);
  // remove_inode_page: spin_lock(&pagecache_lock); __remove_inode_page.
  step(ex(), "remove_inode_page; page_cache_release; UnlockPage",
       {W(s_.mapping.obj), W(page.obj()), W(page.count_obj()), W(page.lock().id())});
  pagecache::__remove_inode_page(s_.mapping, page);
  pagecache::page_cache_release_in_step(page);
  page.lock().clear_locked_in_step();
}

// fs/buffer.c L1381 block_flushpage (called with the page locked): every
// buffer at or past `offset` is unmapped (L1362 unmap_buffer:
// mark_buffer_clean, wait_on_buffer, clear BH_Uptodate, BH_Mapped, BH_New);
// for the final flush (offset 0) the buffer heads are freed, or, busy, left
// to the page as anonymous buffers (returns 0 then).
int Kernel::block_flushpage(Page& page, unsigned offset) {
  if (!page.locked()) pagecache::BUG(ex(), "block_flushpage of unlocked " + page.name());
  if (!page.has_buffers) return 1;
  unsigned curr_off = 0;
  for (BufferHead& bh : page.buffers) {
    const unsigned next_off = curr_off + s_.geo.block_size;
    // is this block fully flushed?
    if (offset <= curr_off && bh.mapped) {  // BH_Mapped: stable under the page lock
      // mark_buffer_clean: atomic_set_buffer_clean, then the refile to
      // BUF_CLEAN takes it off the inode's dirty list (remove_inode_queue).
      step(ex(), "unmap_buffer: mark_buffer_clean", {W(page.buffers_obj()), W(s_.inode.dirty_buffers_obj)});
      bh.dirty = false;
      sim::audit::write(s_.inode.dirty_buffers_obj);
      remove_inode_queue(bh);
      wait_on_buffer(bh);
      step(ex(), "unmap_buffer: clear_bit(BH_Uptodate, BH_Mapped, BH_New)", {W(page.buffers_obj())});
      bh.uptodate = false;
      bh.mapped = false;
      bh.new_ = false;
    }
    curr_off = next_off;
  }
  // We release buffer-heads only if this is the 'final' flushpage.
  if (!offset) return try_to_free_buffers(page, 0);
  return 1;
}

// fs/ext2/inode.c L868 ext2_truncate: block_truncate_page zeroes the rest of
// the block holding i_size, then the direct blocks from the first one wholly
// past i_size on are freed (ext2_free_data; the model's files have no
// indirect blocks).
void Kernel::ext2_truncate() {
  const std::uint64_t blocksize = s_.geo.block_size;
  step(ex(), "ext2_truncate: inode->i_size", {R(s_.inode.size_obj)});
  const std::uint64_t size = s_.inode.i_size;
  const std::uint64_t iblock = (size + blocksize - 1) / blocksize;
  block_truncate_page(size);
  step(ex(), "ext2_truncate: ext2_free_data", {W(s_.inode.blockmap_obj)});
  for (std::uint64_t b = iblock; b < s_.inode.allocated.size(); ++b) s_.inode.allocated[b] = false;
}

// fs/buffer.c L1858 block_truncate_page: zero the part of the block holding
// `from` that lies past it, on a mapped block (read first when not
// uptodate), and mark the buffer dirty; a hole has nothing to zero.
int Kernel::block_truncate_page(std::uint64_t from) {
  const std::uint64_t ps = s_.geo.page_size;
  const unsigned blocksize = s_.geo.block_size;
  const auto index = static_cast<std::uint32_t>(from / ps);
  auto offset = static_cast<unsigned>(from % ps);
  unsigned length = offset & (blocksize - 1);
  // Block boundary? Nothing to do
  if (!length) return 0;
  length = blocksize - length;
  std::uint64_t iblock = std::uint64_t{index} * s_.blocks_per_page;
  Page* cached_page = nullptr;
  Page* page = __grab_cache_page(index, cached_page);  // grab_cache_page: locked, referenced
  if (cached_page) page_cache_free(*cached_page);
  if (!page->has_buffers) create_empty_buffers(*page);
  // Find the buffer that contains "offset"
  std::uint32_t j = 0;
  for (unsigned pos = blocksize; offset >= pos; pos += blocksize) {
    ++j;
    ++iblock;
  }
  BufferHead& bh = page->buffers[j];
  int err = 0;
  if (!bh.mapped) {
    step(ex(), "block_truncate_page: buffer_uptodate", {R(page->buffers_obj())});
    // Hole? Nothing to do
    if (bh.uptodate) goto unlock;
    ext2_get_block(iblock, bh, false);
    // Still unmapped? Nothing to do
    if (!bh.mapped) goto unlock;
  }
  // Ok, it's mapped. Make sure it's up-to-date
  if (Page_Uptodate(*page)) {
    step(ex(), "block_truncate_page: set_bit(BH_Uptodate)", {W(page->buffers_obj())});
    bh.uptodate = true;
  }
  step(ex(), "block_truncate_page: buffer_uptodate", {R(page->buffers_obj())});
  if (!bh.uptodate) {
    err = -kEIO;
    pagecache::ll_rw_block(s_, pagecache::Rw::read, bh);
    wait_on_buffer(bh);
    // Uhhuh. Read error. Complain and punt.
    step(ex(), "block_truncate_page: buffer_uptodate", {R(page->buffers_obj())});
    if (!bh.uptodate) goto unlock;
  }
  step(ex(), "block_truncate_page: memset", {W(page->data_obj())});
  std::fill_n(page->data.write().begin() + offset, length, std::uint8_t{0});
  // mark_buffer_dirty: BH_Dirty and the refile to BUF_DIRTY (bdflush's list;
  // not the inode's: no buffer_insert_inode_queue here).
  step(ex(), "block_truncate_page: mark_buffer_dirty", {W(page->buffers_obj())});
  bh.dirty = true;
  err = 0;
unlock:
  UnlockPage(*page);
  page_cache_release(*page);
  return err;
}

}  // namespace models::linux_2_4_0

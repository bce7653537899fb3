// ftruncate(2) in Linux 2.6.24 (fulei0920/linux-2.6.24 @ d18aa49): the
// call chain is 2.4.0's (fs/open.c do_truncate under i_mutex, notify_change,
// ext2_setattr -> inode_setattr -> vmtruncate), with mm/memory.c L1912
// vmtruncate and mm/truncate.c L160 truncate_inode_pages_range of 2.6.24:
// i_size first, then unmap_mapping_range, truncate_inode_pages, and
// unmap_mapping_range again; each page is unmapped again under its page lock
// when it is still mapped (page_mapped), and filemap_fault installs its pte
// before it unlocks the page it checked i_size and page->mapping under
// (nopage_returns_locked), so no fault can map a page that truncation took
// out of the page cache (models/linux-2.6.24/filemap.cpp filemap_nopage).
// ext2_truncate (fs/ext2/inode.c L1002) is 2.4.0's: block_truncate_page,
// then the blocks past i_size are freed.
#include <algorithm>

#include "models/linux-2.4.0/inode_queue.hpp"
#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/step.hpp"

namespace models::linux_2_6_24 {

using pagecache::R;
using pagecache::W;
using pagecache::narrow;
using pagecache::step;

// mm/memory.c L1912 vmtruncate. i_size_write runs under i_mutex (do_truncate),
// which every writer of i_size holds: read and written in one step.
void Kernel::vmtruncate(std::uint64_t offset) {
  step(ex(), "vmtruncate: i_size_write", {W(s_.inode.size_obj)});
  if (s_.inode.i_size < offset) {
    // do_expand: RLIMIT_FSIZE and s_maxbytes do not bind in the model.
    s_.inode.i_size = offset;
    truncate();  // out_truncate
    return;
  }
  s_.inode.i_size = offset;
  truncate_pagecache(offset);
  truncate();  // out_truncate
}

// The middle of vmtruncate (L1927-1937), which 2.6.30 made a function of its
// own, mm/truncate.c truncate_pagecache: unmap_mapping_range is called
// twice, first simply for efficiency so that truncate_inode_pages does fewer
// single-page unmaps (the second is for private COWed pages; the model maps
// the file MAP_SHARED only, so it finds none, and zaps what is left).
void Kernel::truncate_pagecache(std::uint64_t newsize) {
  const std::uint64_t ps = s_.geo.page_size;
  const std::uint64_t holebegin = (newsize + ps - 1) / ps;
  unmap_mapping_range(holebegin, s_.geo.pages);
  truncate_inode_pages(newsize);
  unmap_mapping_range(holebegin, s_.geo.pages);
}

// mm/memory.c L1861 unmap_mapping_range(mapping, holebegin, holelen,
// even_cows) for the file pages [first, end): the ptes of every shared
// mapping of them are zapped (under i_mmap_lock, one step per pte under its
// page table lock, as munmap's: models/pagecache/mm.cpp zap_pte).
void Kernel::unmap_mapping_range(std::uint64_t first, std::uint64_t end) {
  for (auto& [vpn, pte] : s_.mm.ptes) {
    (void)vpn;
    if (!pte.shared || !pte.vma || pte.file_index < first || pte.file_index >= end) continue;
    pagecache::zap_pte(s_, pte, "unmap_mapping_range: zap_pte_range", false);
  }
}

// mm/truncate.c L160 truncate_inode_pages_range(mapping, lstart, (loff_t)-1):
// a first pass that takes the pages it can lock at once (TestSetPageLocked),
// the partial page (find_lock_page, zeroed), then passes that lock every
// page left until none is. PageWriteback: the model's writeback keeps the
// page locked (README.md), so a page under it is skipped by the first pass
// and waited for by lock_page in the second.
void Kernel::truncate_inode_pages(std::uint64_t lstart) {
  const std::uint64_t ps = s_.geo.page_size;
  const auto start = static_cast<std::uint32_t>((lstart + ps - 1) / ps);
  const auto partial = static_cast<unsigned>(lstart % ps);
  step(ex(), "truncate_inode_pages_range: mapping->nrpages", {R(s_.mapping.obj)});
  if (s_.mapping.nrpages == 0) return;
  for (std::uint32_t index = start; index < s_.geo.pages; ++index) {
    Page* page = __find_get_page(index);  // pagevec_lookup
    if (!page) continue;
    if (TryLockPage(*page)) {  // TestSetPageLocked
      page_cache_release(*page);
      continue;
    }
    truncate_locked_page(*page);
  }
  if (partial) {
    Page* page = __find_lock_page(start - 1);  // find_lock_page
    if (page) {
      // wait_on_page_writeback: see above.
      truncate_partial_page(*page, partial);
      UnlockPage(*page);
      page_cache_release(*page);
    }
  }
  for (;;) {
    bool found = false;
    for (std::uint32_t index = start; index < s_.geo.pages; ++index) {
      Page* page = __find_get_page(index);  // pagevec_lookup
      if (!page) continue;
      found = true;
      lock_page(*page);
      truncate_locked_page(*page);
    }
    if (!found) break;  // pagevec_lookup found nothing from start on
  }
}

// The body both passes run on a page they locked and hold a reference to:
// if (page_mapped(page)) unmap_mapping_range(page); truncate_complete_page;
// unlock_page; pagevec_release. page_mapped reads the page's mapcount: the
// model zaps each pte of the index, which looks at it under the page table
// lock and does nothing when it maps no page.
void Kernel::truncate_locked_page(Page& page) {
  unmap_mapping_range(page.index, page.index + 1);
  truncate_complete_page(page);
  page_cache_release(page);
}

// mm/truncate.c L49 truncate_partial_page: zero_user_page past `partial`,
// then do_invalidatepage (block_invalidatepage) of the buffers past it.
void Kernel::truncate_partial_page(Page& page, unsigned partial) {
  step(ex(), "truncate_partial_page: zero_user_page", {W(page.data_obj())});
  std::fill(page.data.write().begin() + partial, page.data.write().end(), std::uint8_t{0});
  if (page.has_buffers) block_flushpage(page, partial);  // PagePrivate: stable under the page lock
}

// mm/truncate.c L96 truncate_complete_page, then the caller's unlock_page:
// page->mapping != mapping: someone else took it out already; cancel_dirty_page;
// do_invalidatepage(page, 0); remove_from_page_cache; ClearPageUptodate;
// page_cache_release (the page cache's reference). The model takes
// remove_from_page_cache, ClearPageUptodate, that release and the caller's
// unlock_page in one step: the steps after the removal are the lock
// holder's writes of PG_uptodate, of the count and of PG_locked, which no
// other thread acts on in between except to read PG_uptodate of a page it
// holds (a reader that sees it still set copies the bytes truncation leaves
// alone, as it does when it runs before the removal), and it keeps the
// slot's PG_locked (page.hpp), shared with the next page of this index,
// free once the page is out of the page cache.
void Kernel::truncate_complete_page(Page& page) {
  if (!page.mapping) {  // under the page lock
    UnlockPage(page);
    return;
  }
  page.truncated = true;  // Page::truncated: its data lies past the new EOF
  ClearPageDirty(page);   // cancel_dirty_page
  if (page.has_buffers) block_flushpage(page, 0);  // do_invalidatepage
  step(ex(), "remove_from_page_cache; ClearPageUptodate; page_cache_release; unlock_page",
       {W(s_.mapping.obj), W(page.obj()), W(page.count_obj()), W(page.uptodate_obj()), W(page.lock().id())});
  pagecache::__remove_inode_page(s_.mapping, page);
  page.uptodate = false;
  pagecache::page_cache_release_in_step(page);
  page.lock().clear_locked_in_step();
}

// fs/buffer.c L1487 block_invalidatepage (do_invalidatepage of ext2's
// pages): every buffer at or past `offset` is discarded (L1459
// discard_buffer: under lock_buffer, BH_Dirty, BH_Mapped, BH_New cleared;
// BH_Uptodate is left); for offset 0, try_to_release_page frees the buffer
// heads when it can. Returns 1 (void in the kernel).
int Kernel::block_flushpage(Page& page, unsigned offset) {
  if (!page.locked()) pagecache::BUG(ex(), "block_invalidatepage of unlocked " + page.name());
  if (!page.has_buffers) return 1;
  unsigned curr_off = 0;
  for (BufferHead& bh : page.buffers) {
    const unsigned next_off = curr_off + s_.geo.block_size;
    if (offset <= curr_off) {
      lock_buffer(bh);
      // clear_buffer_dirty: the buffer leaves the inode's list of dirty
      // buffers when it is clean (the model's fsync list, buffer.cpp).
      step(ex(), "discard_buffer: clear_buffer_dirty, mapped, new", {W(page.buffers_obj()), W(s_.inode.dirty_buffers_obj)});
      bh.dirty = false;
      bh.mapped = false;
      bh.new_ = false;
      sim::audit::write(s_.inode.dirty_buffers_obj);
      linux_2_4_0::remove_inode_queue(bh);
      bh.lock->unlock("unlock_buffer");
    }
    curr_off = next_off;
  }
  if (offset == 0) try_to_free_buffers(page, 0);  // try_to_release_page
  return 1;
}

}  // namespace models::linux_2_6_24

// mm/truncate.c pagecache_isize_extended and the mm/rmap.c folio_mkclean it
// calls, as today (torvalds/linux; the zeroing is Brian Foster's "mm: zero
// range of eof folio exposed by inode size extension", v6.12): when a write
// moves i_size from `from` past it, the part of the old EOF folio beyond
// `from` becomes file data, so a dirty EOF folio has [from, to) zeroed: bytes
// stored there through a MAP_SHARED mapping while they lay beyond EOF must
// not turn into file data. Folios are one page each in the model.
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

#include "models/pagecache/vmscan.hpp"

#include <stdexcept>

#include "models/pagecache/kernel.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/step.hpp"

namespace models::pagecache {

namespace {

// UnlockPage(page); page_cache_release(page); as one step: reclaim's drop of
// the page it locked and took a reference to (try_to_swap_out's drop_pte,
// page_launder after try_to_free_buffers). No kernel lock covers the two,
// but the release is a left mover (Lipton's reduction): whatever another
// thread does between them it does the same with the release moved up to
// the unlock. The release only decrements page->count, and nobody else reads
// the count in between except to decrement it (page_cache_release) or to
// check that the page is not freed (page_cache_get): reclaim's own reference
// keeps the count above 0 until its release, and the release cannot take it
// to 0 while anyone else can reach the page, because whoever holds a
// reference to the page, or can still find it in the page cache (whose own
// reference then counts), keeps the count above 1. The other readers of the
// count are reclaim itself (this thread) and the epilogue's
// invalidate_inode_pages, which runs alone.
void UnlockPage_and_release(Page& page) {
  page.lock().unlock("UnlockPage; page_cache_release", {W(page.count_obj())});
  page_cache_release_in_step(page);
}

}  // namespace

// mm/vmscan.c L37 try_to_swap_out (the page-cache case: not PageSwapCache,
// page->mapping set). Runs under mm->page_table_lock.
std::array<sim::Touch, 3> try_to_swap_out_touches(const State& s, const Pte& pte) {
  const PageSlot& slot = *s.slots[pte.file_index];
  return {W(pte.obj), W(slot.obj), W(slot.PG_locked.id())};
}

bool try_to_swap_out(State& s, Pte& pte) {
  if (!pte.shared) throw std::logic_error("model bug: try_to_swap_out of an anonymous pte");
  PageSlot& slot = *s.slots[pte.file_index];
  step(s.ex, "try_to_swap_out", try_to_swap_out_touches(s, pte));
  if (!pte.present) {  // out_failed: it looked at the pte
    narrow(s.ex, {R(pte.obj)});
    return false;
  }
  // (ptep_test_and_clear_young / page->age: ageing is not modelled)
  if (pte.page->locked()) {  // TryLockPage failed: out_failed
    narrow(s.ex, {R(pte.obj), R(slot.PG_locked.id())});
    return false;
  }
  try_to_swap_out_unmap(s, pte);
  return true;
}

void try_to_swap_out_unmap(State& s, Pte& pte) {
  Page& page = *pte.page;
  page.lock().set_locked_in_step();  // TryLockPage
  // pte = ptep_get_and_clear(page_table);
  const bool dirty = pte.dirty;
  pte.present = false;
  pte.dirty = false;
  pte.page = nullptr;
  // if (!pte_dirty(pte)) goto drop_pte; if (page->mapping) { set_page_dirty(page); goto drop_pte; }
  // A dirty pte of a page outside the page cache: a page that truncation
  // took out of the cache while a fault mapped it (2.4's nopage vs truncate,
  // models/linux-2.4.0/truncate.cpp). try_to_swap_out then gives it a swap
  // entry (add_to_swap_cache): anonymous memory, whose bytes no file ever
  // sees; the model drops them with the pte.
  if (dirty && page.mapping) set_page_dirty(s.mapping, page);
  // drop_pte: UnlockPage(page); mm->rss--; deactivate_page(page); page_cache_release(page);
  UnlockPage_and_release(page);
}

// mm/vmscan.c L485 page_launder: the loop body, for one page.
std::array<sim::Touch, 4> page_launder_touches(const State& s, std::uint32_t index) {
  const PageSlot& slot = *s.slots[index];
  return {R(s.mapping.obj), W(slot.obj), W(slot.count_obj), W(slot.PG_locked.id())};
}

void page_launder(State& s, std::uint32_t index) {
  PageSlot& slot = *s.slots[index];
  step(s.ex, "page_launder", page_launder_touches(s, index));
  // What it looked at when it leaves the page alone (narrow): the page
  // cache, the page's state, its lock.
  Page* pg = s.mapping.__find_page_nolock(index);
  if (!pg) return narrow(s.ex, {R(s.mapping.obj)});
  Page& page = *pg;
  // Page is or was in use? Move it to the active list.
  if (!page.has_buffers && page.count > 1) return narrow(s.ex, {R(s.mapping.obj), R(slot.obj), R(slot.count_obj)});
  // The page is locked. IO in progress? Move it to the back of the list.
  if (page.locked())
    return narrow(s.ex, {R(s.mapping.obj), R(slot.obj), R(slot.count_obj), R(slot.PG_locked.id())});
  page_launder_locked(s, page);
}

void page_launder_locked(State& s, Page& page) {
  PageSlot& slot = page.slot;
  page.lock().set_locked_in_step();  // TryLockPage
  if (page.dirty) {
    // Dirty page: (launder_loop) ClearPageDirty; page_cache_get; writepage.
    // The flag and the reference are taken in one step, both under
    // pagemap_lru_lock, which page_launder drops only after them.
    step(s.ex, "ClearPageDirty; page_cache_get", {W(slot.obj), A(slot.count_obj)});
    page.dirty = false;
    page_cache_get_in_step(page);
    const int result = s.kernel->writepage(page);
    page_cache_release(page);
    if (result == 1) {  // writepage refused to do anything
      set_page_dirty(s.mapping, page);
      UnlockPage(page);  // page_active
    }
    return;
  }
  if (page.has_buffers) {
    // del_page_from_inactive_dirty_list; page_cache_get; try_to_free_buffers(page, wait)
    page_cache_get_in_step(page);
    s.kernel->try_to_free_buffers(page, 0);
    UnlockPage_and_release(page);
    return;
  }
  // page->mapping && !PageDirty: to the inactive_clean list; or page_active.
  UnlockPage(page);
}

// mm/vmscan.c L389 reclaim_page, for one page of the inactive_clean list:
// all under pagecache_lock.
void reclaim_page(State& s, std::uint32_t index) {
  PageSlot& slot = *s.slots[index];
  step(s.ex, "reclaim_page", {W(s.mapping.obj), W(slot.obj), W(slot.count_obj), W(slot.PG_locked.id())});
  Page* pg = s.mapping.__find_page_nolock(index);
  if (!pg) return narrow(s.ex, {R(s.mapping.obj)});
  Page& page = *pg;
  // Page is or was in use? Move it to the active list.
  if (!page.has_buffers && page.count > 1) return narrow(s.ex, {R(s.mapping.obj), R(slot.obj), R(slot.count_obj)});
  // The page is dirty, or locked, move to inactive_dirty list.
  if (page.has_buffers || page.dirty || page.locked())
    return narrow(s.ex, {R(s.mapping.obj), R(slot.obj), R(slot.count_obj), R(slot.PG_locked.id())});
  // TryLockPage succeeded. OK, remove the page from the caches.
  __remove_inode_page(s.mapping, page);
  // found_page: UnlockPage; the page goes to the allocator that asked for it.
  page_cache_release_in_step(page);
}

}  // namespace models::pagecache

#include "models/pagecache/page.hpp"

#include "models/pagecache/step.hpp"

namespace models::pagecache {

PageSlot::PageSlot(sim::Execution& e, std::uint32_t i, std::uint32_t blocks_per_page)
    : ex(e),
      index(i),
      obj(e.new_object("page[" + std::to_string(i) + "]")),
      count_obj(e.new_object("page[" + std::to_string(i) + "].count")),
      buffers_obj(e.new_object("page[" + std::to_string(i) + "].buffers")),
      uptodate_obj(e.new_object("page[" + std::to_string(i) + "].PG_uptodate")),
      data_obj(e.new_object("page[" + std::to_string(i) + "].data")),
      PG_locked(e, "page[" + std::to_string(i) + "].PG_locked") {
  for (std::uint32_t j = 0; j < blocks_per_page; ++j)
    bh_lock.push_back(std::make_unique<sim::BitLock>(
        e, "page[" + std::to_string(i) + "].bh[" + std::to_string(j) + "].BH_Lock"));
}

Page::Page(PageSlot& s, std::uint64_t serial_, std::uint32_t page_size)
    : slot(s),
      serial(serial_),
      index(s.index),
      mapping(s.count_obj, false, s.PG_locked),
      uptodate(s.uptodate_obj, false, s.PG_locked),
      dirty(s.obj, false),
      error(s.obj, false),
      count(s.count_obj, 1),
      freed(s.count_obj, false),
      list(s.obj, List::none),
      data(s.data_obj, page_size, kFreshPageByte),
      has_buffers(s.obj, false, s.PG_locked) {}

bool Page::any_buffer_dirty() const {
  if (!has_buffers) return false;
  for (const BufferHead& bh : buffers)
    if (bh.dirty) return true;
  return false;
}

std::string Page::name() const {
  return "page[" + std::to_string(index) + "]#" + std::to_string(serial);
}

bool Page_Uptodate(Page& page) {
  step(page.ex(), "Page_Uptodate", {R(page.uptodate_obj())});
  return page.uptodate;
}

void SetPageUptodate(Page& page) {
  step(page.ex(), "SetPageUptodate", {W(page.uptodate_obj())});
  page.uptodate = true;
}

void ClearPageUptodate(Page& page) {
  step(page.ex(), "ClearPageUptodate", {W(page.uptodate_obj())});
  page.uptodate = false;
}

bool PageError(Page& page) {
  step(page.ex(), "PageError", {R(page.obj())});
  return page.error;
}

void SetPageError(Page& page) {
  step(page.ex(), "SetPageError", {W(page.obj())});
  page.error = true;
}

// A clear bit cleared again changes nothing: the step only read it.
void ClearPageError(Page& page) {
  step(page.ex(), "ClearPageError", {W(page.obj())});
  if (!page.error) return narrow(page.ex(), {R(page.obj())});
  page.error = false;
}

bool PageDirty(Page& page) {
  step(page.ex(), "PageDirty", {R(page.obj())});
  return page.dirty;
}

void SetPageDirty(Page& page) {
  step(page.ex(), "SetPageDirty", {W(page.obj())});
  page.dirty = true;
}

void ClearPageDirty(Page& page) {
  step(page.ex(), "ClearPageDirty", {W(page.obj())});
  page.dirty = false;
}

bool PageLocked(Page& page) {
  step(page.ex(), "PageLocked", {R(page.lock().id())});
  return page.locked();
}

bool TryLockPage(Page& page) { return page.lock().trylock("TryLockPage"); }

void UnlockPage(Page& page) { page.lock().unlock("UnlockPage"); }

// Why gets and puts of a cached page are adds (sim::Access::add), that is,
// commute with each other. Every reference is held by someone: the page
// cache while page->mapping is set, each thread (or buffer head, or pte)
// that took one, so page->count >= [in the cache] + the references of the
// others, and only a holder puts. page->mapping changes only in steps that
// write page[i].count (__add_to_page_cache, __remove_inode_page), never in
// an add. Take two adjacent adds A, B of page[i].count from a state s where
// both ran as adds. A get does not look at the count (its BUG check reads
// `freed`, which only a put that is a write sets), so it behaves alike in
// either order. A put runs as an add only when the page is in the cache; no
// add changes that, so it is in the cache in s and after either add, the
// cache's reference and the putter's own are both in the count, and the
// decrement leaves at least 1 in either order: no put of the two frees the
// page, each takes the same branch, and the count ends the same (the sum).
// A put of a page out of the cache may be the last and free it: that is a
// write, dependent with every get and put. (A put of a reference its caller
// does not hold breaks the premise: the BUG below reports it where it shows,
// but the reduction does not search for the order that shows it; such a
// put is a model bug.) The gets and puts below touch
// the fields with peek()/raw() after reporting the add, so the audit
// checks that the step announced the add or a write of page[i].count.
void page_cache_get_in_step(Page& page) {
  sim::audit::add(page.count_obj());
  if (page.freed.peek()) BUG(page.ex(), "page_cache_get on " + page.name() + ", which was freed");
  ++page.count.raw();
}

bool page_cache_release_in_step(Page& page) {
  if (!page.was_cached) {
    // A spare page that never entered the page cache (page_cache_free of a
    // page_cache_alloc'd page): no other thread can reach it, so its count
    // is the thread's own; it shares the slot's objects only by its index.
    if (--page.count.raw() == 0) page.freed.raw() = true;
    return false;
  }
  if (page.mapping.peek()) {
    sim::audit::add(page.count_obj());
    if (page.count.peek() <= 1)
      BUG(page.ex(), "put of " + page.name() + " drops the page cache's own reference while it is cached");
    --page.count.raw();
    return true;
  }
  sim::audit::write(page.count_obj());
  if (page.count <= 0) BUG(page.ex(), "reference count of " + page.name() + " below zero");
  if (--page.count == 0) {
    // A page truncation took out of the page cache shares its slot's
    // PG_locked with the next page of its index, which may hold it now
    // (truncate.cpp unlocks the page as it removes it).
    if (page.was_cached && !page.truncated && page.locked()) BUG(page.ex(), page.name() + " freed while locked");
    page.freed = true;
  }
  return false;
}

void page_cache_release(Page& page) {
  // The last reference frees the page, which checks PG_locked
  // (__free_pages_ok: BUG if PageLocked); a put of a cached page is an add.
  step(page.ex(), "page_cache_release", {W(page.count_obj()), R(page.lock().id())});
  if (page_cache_release_in_step(page))
    narrow(page.ex(), {A(page.count_obj())});
  else if (!page.freed.peek())
    narrow(page.ex(), {W(page.count_obj())});
}

}  // namespace models::pagecache

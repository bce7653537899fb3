#include "models/pagecache/page.hpp"

#include "models/pagecache/step.hpp"

namespace models::pagecache {

PageSlot::PageSlot(sim::Execution& e, std::uint32_t i, std::uint32_t blocks_per_page)
    : ex(e),
      index(i),
      obj(e.new_object("page[" + std::to_string(i) + "]")),
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
      mapping(s.obj, false, s.PG_locked),
      uptodate(s.obj, false, s.PG_locked),
      dirty(s.obj, false),
      error(s.obj, false),
      count(s.obj, 1),
      freed(s.obj, false),
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
  step(page.ex(), "Page_Uptodate", {R(page.obj())});
  return page.uptodate;
}

void SetPageUptodate(Page& page) {
  step(page.ex(), "SetPageUptodate", {W(page.obj())});
  page.uptodate = true;
}

void ClearPageUptodate(Page& page) {
  step(page.ex(), "ClearPageUptodate", {W(page.obj())});
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

void ClearPageError(Page& page) {
  step(page.ex(), "ClearPageError", {W(page.obj())});
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

void page_cache_get_in_step(Page& page) {
  if (page.freed) BUG(page.ex(), "page_cache_get on " + page.name() + ", which was freed");
  ++page.count;
}

void page_cache_release_in_step(Page& page) {
  if (page.count <= 0) BUG(page.ex(), "reference count of " + page.name() + " below zero");
  if (--page.count == 0) {
    if (page.mapping) BUG(page.ex(), page.name() + " freed while still in the page cache");
    if (page.was_cached && page.locked()) BUG(page.ex(), page.name() + " freed while locked");
    page.freed = true;
  }
}

void page_cache_release(Page& page) {
  // The last reference frees the page, which checks PG_locked
  // (__free_pages_ok: BUG if PageLocked); otherwise only page[i] is touched.
  step(page.ex(), "page_cache_release", {W(page.obj()), R(page.lock().id())});
  page_cache_release_in_step(page);
  if (!page.freed.peek()) narrow(page.ex(), {W(page.obj())});
}

}  // namespace models::pagecache

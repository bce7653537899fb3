#include "models/pagecache/address_space.hpp"

#include <algorithm>

#include "models/pagecache/step.hpp"

namespace models::pagecache {

AddressSpace::AddressSpace(sim::Execution& ex, std::uint32_t pages)
    : obj(ex.new_object("mapping")), hash(pages, nullptr), nrpages(obj, 0), as_eio(obj, false), wb_err(obj, 0) {}

void AddressSpace::make_wb_err_object(sim::Execution& ex) {
  wb_err_obj = ex.new_object("mapping.wb_err");
  as_eio.set_owner(wb_err_obj);
  wb_err.set_owner(wb_err_obj);
}

std::deque<Page*>& AddressSpace::list_of(Page::List l) {
  switch (l) {
    case Page::List::dirty: return dirty_pages;
    case Page::List::locked: return locked_pages;
    default: return clean_pages;
  }
}

void AddressSpace::list_move(Page& page, Page::List to) {
  sim::audit::write(obj);
  if (page.list != Page::List::none) {
    auto& from = list_of(page.list);
    from.erase(std::remove(from.begin(), from.end(), &page), from.end());
  }
  page.list = to;
  if (to != Page::List::none) list_of(to).push_front(&page);
}

void __add_to_page_cache(AddressSpace& mapping, Page& page, std::uint32_t index) {
  sim::Execution& ex = page.ex();
  if (page.locked()) {
    // A page new from the allocator is never locked in the kernel; in the
    // model it shares its slot's PG_locked (page.hpp) with every page of its
    // index, so it is locked when a page that truncate took out of the page
    // cache is still locked by a thread that holds a reference to it. The
    // model cannot tell those two locks apart: say so, never a false BUG.
    for (const Page* other : mapping.truncated_pages)
      if (other->index == index && !other->freed && other->locked())
        throw std::logic_error("model limitation: a new page of index " + std::to_string(index) +
                               " enters the page cache while " + other->name() +
                               ", truncated out of it, is still locked: the two share one PG_locked");
    BUG(ex, "__add_to_page_cache: " + page.name() + " is locked");
  }
  if (index >= mapping.hash.size() || mapping.__find_page_nolock(index))
    throw std::logic_error("model bug: __add_to_page_cache over a cached index");
  page.lock().set_locked_in_step();  // first: PG_uptodate changes only under the lock (page.hpp)
  page.uptodate = page.error = page.dirty = false;
  page_cache_get_in_step(page);
  page.index = index;
  page.mapping = true;
  page.was_cached = true;
  ++mapping.nrpages;
  mapping.list_move(page, Page::List::clean);
  sim::audit::write(mapping.obj);  // the hash
  mapping.hash[index] = &page;
}

void __remove_inode_page(AddressSpace& mapping, Page& page) {
  if (page.dirty) BUG(page.ex(), "__remove_inode_page: " + page.name() + " is dirty");
  mapping.list_move(page, Page::List::none);
  --mapping.nrpages;
  sim::audit::write(mapping.obj);  // the hash
  if (mapping.hash[page.index] == &page) mapping.hash[page.index] = nullptr;
  page.mapping = false;
  if (page.truncated) mapping.truncated_pages.push_back(&page);
}

void set_page_dirty(AddressSpace& mapping, Page& page) {
  step(page.ex(), "set_page_dirty: test_and_set_bit(PG_dirty)", {W(page.obj())});
  const bool was = page.dirty;
  page.dirty = true;
  if (was) return;
  step(page.ex(), "__set_page_dirty", {W(mapping.obj), W(page.obj()), R(page.count_obj())});
  if (page.mapping) mapping.list_move(page, Page::List::dirty);
}

}  // namespace models::pagecache

// struct address_space (include/linux/fs.h): the page cache of the one file,
// index -> page (the page hash), and its clean/dirty/locked page lists.
// Everything here is protected by pagecache_lock: callers run these helpers
// inside one step they announce with `obj` (the spinlock region is one step).
// Under the audit (sim/audit.hpp) the lookup reports a read of `obj`, a list
// move, insertion or removal a write; code that walks a list itself reports
// its read (sim::audit::read(mapping.obj)).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "models/pagecache/page.hpp"
#include "sim/audit.hpp"
#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace models::pagecache {

struct AddressSpace {
  AddressSpace(sim::Execution& ex, std::uint32_t pages);

  sim::ObjectId obj;            // "mapping": the hash and the page lists
  std::vector<Page*> hash;      // by index; nullptr when not cached
  std::deque<Page*> clean_pages, dirty_pages, locked_pages;  // list_add puts at the front
  sim::Audited<std::uint32_t> nrpages;
  // mapping->invalidate_lock (5.15, Jan Kara's "mm: Protect operations
  // adding pages to page cache with invalidate_lock"): truncation holds it
  // exclusive, the paths that add pages and read them in hold it shared.
  // Made by the variants that have it (linux-6-ext4's constructor), and only
  // for a scenario that truncates: with no exclusive holder a shared
  // acquisition never blocks and commutes with every step, so leaving it out
  // changes no reachable state (and keeps the other scenarios' steps).
  std::unique_ptr<sim::RwSemaphore> invalidate_lock;
  // The pages truncate took out of the page cache (Page::truncated), for the
  // model limitation __add_to_page_cache reports.
  std::vector<Page*> truncated_pages;
  // The writeback error state of the address space, in mapping->flags and
  // mapping->wb_err (models/pagecache/errseq.hpp): AS_EIO, which 2.6's
  // writeback sets and the first filemap_fdatawait to test clears, and
  // today's errseq_t (4.13). An object of their own, "mapping.wb_err", made
  // only by the variants that have them (make_wb_err_object, from the
  // Kernel's constructor, so that the others keep their objects): no page
  // lookup, which reads the hash, depends on a write error's report.
  sim::ObjectId wb_err_obj = sim::kNoObject;
  sim::Audited<bool> as_eio;
  sim::Audited<std::uint32_t> wb_err;
  void make_wb_err_object(sim::Execution& ex);

  // mm/filemap.c __find_page_nolock
  Page* __find_page_nolock(std::uint32_t index) const {
    sim::audit::read(obj);
    return index < hash.size() ? hash[index] : nullptr;
  }
  // Moves the page to the front of `to` (list_del + list_add).
  void list_move(Page& page, Page::List to);
  std::deque<Page*>& list_of(Page::List l);
};

// mm/filemap.c L502 __add_to_page_cache, run inside the caller's
// pagecache_lock step: BUG if the page is locked; clear PG_uptodate, PG_error,
// PG_dirty; set PG_locked; take the cache's reference; hash it and put it on
// clean_pages. The caller's step must name mapping, page[i] and its PG_locked.
void __add_to_page_cache(AddressSpace& mapping, Page& page, std::uint32_t index);

// mm/filemap.c L102 __remove_inode_page, inside the caller's pagecache_lock
// step: BUG if PG_dirty; unhash, take it off its list, page->mapping = NULL.
// The cache's reference is dropped by the caller (as the kernel's callers do).
void __remove_inode_page(AddressSpace& mapping, Page& page);

// include/linux/mm.h set_page_dirty: if (!test_and_set_bit(PG_dirty)) then
// mm/filemap.c L135 __set_page_dirty: under pagecache_lock, move the page to
// mapping->dirty_pages. Two steps, as on SMP another CPU can look between.
void set_page_dirty(AddressSpace& mapping, Page& page);

}  // namespace models::pagecache

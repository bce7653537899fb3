// uptodate-lost (DESIGN.md section 4), checked at every step: PG_uptodate is
// never cleared on a page whose data is newer than its backing store, or
// which is its only copy.
//
// A page's data is newer than its backing store when the page is PG_dirty,
// has a dirty buffer, or is mapped by a pte whose dirty bit is set (a store
// through a MAP_SHARED mapping that is not yet in the page's flags). A page
// of ramfs is always the only copy (ramfs has no backing store: its readpage
// zero-fills a page that is not uptodate).
//
// The check keeps, per struct page (by allocation number), whether it was
// uptodate after the previous step; a page that was, and is not any more,
// while one of the above holds, is a violation of the thread whose step
// cleared it. The message names the page, the thread, and the bytes at risk:
// those the disk does not have (ext2), or the page's bytes of the file
// (ramfs, which the next read replaces with zeros).
#pragma once

#include <functional>

#include "models/pagecache/state.hpp"
#include "sim/execution.hpp"

namespace checker::invariants {

// A step check for one execution (fits PageCacheProgram::add_step_check:
// `program.add_step_check(checker::invariants::uptodate_lost_check)`). It
// calls ex.fail("uptodate-lost", message).
std::function<void()> uptodate_lost_check(sim::Execution& ex, const models::pagecache::State& state);

// Sets it as the execution's only step check.
void install_uptodate_lost(sim::Execution& ex, const models::pagecache::State& state);

}  // namespace checker::invariants

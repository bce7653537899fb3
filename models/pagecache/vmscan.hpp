// Page reclaim (mm/vmscan.c in 2.4.0), as the reclaim agent drives it: unmap
// one user pte of a MAP_SHARED mapping (try_to_swap_out), or evict one page
// of the file (page_launder's work on it, then reclaim_page). The kernel's
// ageing heuristics (referenced bits, page->age, the LRU lists' order) are
// not modelled: the agent is an adversary that may pick any page at any
// time, within every correctness check the kernel makes (the page lock taken
// with TryLockPage, dirty pages and pages in use left alone).
#pragma once

#include <cstdint>

#include "models/pagecache/mm.hpp"

namespace models::pagecache {

class State;

// mm/vmscan.c L37 try_to_swap_out, on the pte of a MAP_SHARED page. Returns
// true when it unmapped the page.
bool try_to_swap_out(State& s, Pte& pte);

// mm/vmscan.c L485 page_launder, its loop body for the page at `index` (the
// second, laundering pass): a dirty page is written with writepage; a page
// with buffers has them freed if none is busy.
void page_launder(State& s, std::uint32_t index);

// mm/vmscan.c L389 reclaim_page, for the page at `index`: removes it from
// the page cache and frees it if it is clean, unlocked, without buffers and
// used by nobody else.
void reclaim_page(State& s, std::uint32_t index);

}  // namespace models::pagecache

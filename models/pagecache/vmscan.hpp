// Page reclaim (mm/vmscan.c in 2.4.0), as the reclaim agent drives it: unmap
// one user pte of a MAP_SHARED mapping (try_to_swap_out), or evict one page
// of the file (page_launder's work on it, then reclaim_page). The kernel's
// ageing heuristics (referenced bits, page->age, the LRU lists' order) are
// not modelled: the agent is an adversary that may pick any page at any
// time, within every correctness check the kernel makes (the page lock taken
// with TryLockPage, dirty pages and pages in use left alone).
#pragma once

#include <array>
#include <cstdint>

#include "models/pagecache/mm.hpp"
#include "sim/op.hpp"

namespace models::pagecache {

class State;

// mm/vmscan.c L37 try_to_swap_out, on the pte of a MAP_SHARED page. Returns
// true when it unmapped the page.
bool try_to_swap_out(State& s, Pte& pte);
// The objects its step touches (the pte, its page's flags and lock).
std::array<sim::Touch, 3> try_to_swap_out_touches(const State& s, const Pte& pte);
// Its work past its checks (the pte is present and TryLockPage of its page
// succeeds): inside the step that made the checks.
void try_to_swap_out_unmap(State& s, Pte& pte);

// mm/vmscan.c L485 page_launder, its loop body for the page at `index` (the
// second, laundering pass): a dirty page is written with writepage; a page
// with buffers has them freed if none is busy.
void page_launder(State& s, std::uint32_t index);
// The objects its step touches (the page cache, the page's flags, count and lock).
std::array<sim::Touch, 4> page_launder_touches(const State& s, std::uint32_t index);
// Its work past its checks (the page is cached, not in use by others, and
// TryLockPage succeeds): inside the step that made the checks.
void page_launder_locked(State& s, Page& page);

// mm/vmscan.c L389 reclaim_page, for the page at `index`: removes it from
// the page cache and frees it if it is clean, unlocked, without buffers and
// used by nobody else.
void reclaim_page(State& s, std::uint32_t index);

}  // namespace models::pagecache

// The background agents of Config.agents: daemon threads (they do not keep an
// execution alive) that act at most `budget` times per execution, so that
// every search ends. An agent acts in a guarded step (it is not enabled
// while there is nothing it can act on), in which a fault choice picks its
// target among those it can act on then. reclaim makes its action's first
// step (the one with the kernel's checks) in that same step; bdflush acts in
// the next one, whose checks find out when another thread changed the
// target since (it then does nothing). The budget counts these actions.
//
//   reclaim:   targets: every user page of a MAP_SHARED mapping whose pte is
//              present and whose page is unlocked (unmap it: try_to_swap_out),
//              then every cached page that is unlocked and not in use by
//              others (evict it: page_launder, then reclaim_page). Evicting
//              a mapped page takes two actions: its unmap, then its eviction.
//   writeback: targets: every dirty, unlocked buffer (page index, block) of
//              the file (bdflush's flush_dirty_buffers).
#pragma once

#include <cstdint>

namespace models::pagecache {

class State;

// wake_apart: AgentSpec::wake_apart (tests only).
void reclaim_agent(State& s, std::uint32_t budget, bool wake_apart = false);
void writeback_agent(State& s, std::uint32_t budget);

// fs/buffer.c L2543 flush_dirty_buffers, its work on one buffer: a dirty,
// unlocked buffer is pinned (b_count), written with ll_rw_block(WRITE) and
// released.
void flush_dirty_buffer(State& s, std::uint32_t index, std::uint32_t block);

}  // namespace models::pagecache

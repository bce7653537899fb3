// The background agents of Config.agents: daemon threads (they do not keep an
// execution alive) that act at most `budget` times per execution, so that
// every search ends. An agent wakes (a guarded step: it is not enabled while
// there is nothing it can act on) and a fault choice picks its target among
// those it can act on then; the action itself then makes every check the
// kernel makes, and does nothing when they fail (another thread may have
// changed the target since). The budget counts these actions.
//
//   reclaim:   targets: every user page of a MAP_SHARED mapping whose pte is
//              present and whose page is unlocked (unmap it: try_to_swap_out),
//              then every cached page that is unlocked and not in use by
//              others (evict it: page_launder, then reclaim_page).
//   writeback: targets: every dirty, unlocked buffer (page index, block) of
//              the file (bdflush's flush_dirty_buffers).
#pragma once

#include <cstdint>

namespace models::pagecache {

class State;

void reclaim_agent(State& s, std::uint32_t budget);
void writeback_agent(State& s, std::uint32_t budget);

// fs/buffer.c L2543 flush_dirty_buffers, its work on one buffer: a dirty,
// unlocked buffer is pinned (b_count), written with ll_rw_block(WRITE) and
// released.
void flush_dirty_buffer(State& s, std::uint32_t index, std::uint32_t block);

}  // namespace models::pagecache

// The background agents of Config.agents: daemon threads (they do not keep an
// execution alive) that act at most `budget` times per execution, so that
// every search ends. Each action starts with a step of its own (the agent
// wakes; it touches nothing), then a fault choice picks its target among a
// fixed list that does not depend on the state (so that a schedule means the
// same thing whenever it is replayed); the action itself then makes every
// check the kernel makes, and does nothing when they fail.
//
//   reclaim:   targets: every user page of a MAP_SHARED mapping (unmap its
//              pte: try_to_swap_out), then every page index of the file
//              (evict it: page_launder, then reclaim_page).
//   writeback: targets: every buffer (page index, block) of the file; write
//              it if it is dirty (bdflush's flush_dirty_buffers).
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

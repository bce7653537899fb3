// How far into the file a thread's writes can reach, known before anything
// runs (file15): the scenario loader and validate() refuse a write that may
// end past the largest file the geometry holds. A thread's file position is
// bounded by a constant, or, after an O_APPEND write or an lseek(SEEK_END),
// by a bound on i_size plus a constant; i_size itself is bounded by the
// largest constant end of any write (or the initial content) plus, for every
// write that starts at the end of the file, its constant and its length:
// each such write can move i_size on by at most that much from wherever it
// was, so the sum bounds every order in which they run.
#pragma once

#include <cstdint>

#include "models/pagecache/config.hpp"

namespace models::pagecache {

struct PositionBound {
  bool relative = false;     // i_size (its bound) + offset, else offset
  std::uint64_t offset = 0;
};

// Where a write `op` of a thread opened with `open_flags` may start, its
// file position bounded by `pos` (O_APPEND: i_size, pwrite's offset too).
PositionBound write_start(const Operation& op, std::uint32_t open_flags, const PositionBound& pos);

// Moves `pos` over `op` (read, write and writev by their length; lseek;
// open to 0).
void advance_position(PositionBound& pos, const Operation& op, std::uint32_t open_flags);

bool is_file_write(Operation::Kind k);

// The bound on i_size over every thread of `cfg` (see the top of this file).
std::uint64_t size_bound(const Config& cfg);

}  // namespace models::pagecache

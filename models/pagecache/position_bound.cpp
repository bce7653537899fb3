#include "models/pagecache/position_bound.hpp"

#include <algorithm>

namespace models::pagecache {

namespace {

std::uint64_t bound_length_of(const Operation& op) {
  std::uint64_t len = 0;
  for (const IoVec& v : op.iov) len += v.length;
  return len;
}

std::uint64_t bound_nonnegative(std::int64_t v) { return v > 0 ? static_cast<std::uint64_t>(v) : 0; }

}  // namespace

bool is_file_write(Operation::Kind k) {
  return k == Operation::Kind::write || k == Operation::Kind::writev || k == Operation::Kind::pwrite;
}

PositionBound write_start(const Operation& op, std::uint32_t open_flags, const PositionBound& pos) {
  if (open_flags & kOpenAppend) return {true, 0};
  if (op.kind == Operation::Kind::pwrite) return {false, op.offset};
  return pos;
}

void advance_position(PositionBound& pos, const Operation& op, std::uint32_t open_flags) {
  using K = Operation::Kind;
  switch (op.kind) {
    case K::write:
    case K::writev:
      pos = write_start(op, open_flags, pos);
      pos.offset += bound_length_of(op);
      break;
    case K::read: pos.offset += bound_length_of(op); break;
    case K::lseek:
      // A target below 0 is -EINVAL and leaves f_pos: the old bound holds.
      if (op.whence == Operation::Whence::set) {
        if (op.seek_offset >= 0) pos = {false, static_cast<std::uint64_t>(op.seek_offset)};
      } else if (op.whence == Operation::Whence::cur) {
        pos.offset += bound_nonnegative(op.seek_offset);
      } else {
        pos = {true, bound_nonnegative(op.seek_offset)};
      }
      break;
    case K::open: pos = {}; break;
    default: break;
  }
}

std::uint64_t size_bound(const Config& cfg) {
  std::uint64_t base = cfg.file.content.size(), extra = 0;
  for (const ThreadSpec& t : cfg.threads) {
    PositionBound pos;
    for (const Operation& op : t.ops) {
      // ftruncate (issue 15) sets i_size to its length: a constant end.
      if (op.kind == Operation::Kind::ftruncate) base = std::max(base, op.length);
      if (is_file_write(op.kind)) {
        const PositionBound start = write_start(op, t.open_flags, pos);
        if (start.relative)
          extra += start.offset + bound_length_of(op);
        else
          base = std::max(base, start.offset + bound_length_of(op));
      }
      advance_position(pos, op, t.open_flags);
    }
  }
  return base + extra;
}

}  // namespace models::pagecache

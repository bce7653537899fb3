#include "checker/scenario/pagecache_threads.hpp"

#include <algorithm>
#include <vector>

#include "checker/scenario/byte_string.hpp"
#include "checker/scenario/pagecache_geometry.hpp"
#include "checker/scenario/pagecache_limits.hpp"
#include "checker/scenario/pagecache_memory_ref.hpp"
#include "models/pagecache/position_bound.hpp"
#include "models/pagecache/state.hpp"

namespace checker::pagecache_keys {

namespace jr = json_read;
using models::pagecache::Config;
using models::pagecache::Operation;
using models::pagecache::PositionBound;
using models::pagecache::advance_position;
using models::pagecache::is_file_write;
using models::pagecache::size_bound;
using models::pagecache::write_start;
using models::pagecache::ThreadSpec;
using L = PagecacheLimits;

namespace {

const std::vector<std::string> kOpNames = {"write", "read",  "pwrite", "pread", "writev",
                                           "touch", "munmap", "msync", "fsync",
                                           "lseek", "close", "open", "ftruncate"};
const Operation::Kind kOpKinds[] = {
    Operation::Kind::write, Operation::Kind::read,   Operation::Kind::pwrite,
    Operation::Kind::pread, Operation::Kind::writev, Operation::Kind::touch,
    Operation::Kind::munmap, Operation::Kind::msync, Operation::Kind::fsync,
    Operation::Kind::lseek, Operation::Kind::close, Operation::Kind::open,
    Operation::Kind::ftruncate};

// The keys each kind of operation takes.
const std::vector<std::string>& op_keys(Operation::Kind kind) {
  static const std::vector<std::string> rw = {"op", "buf"}, prw = {"op", "buf", "offset"},
                                        v = {"op", "iov"}, touch = {"op", "at", "store", "value"},
                                        range = {"op", "range"}, none = {"op"},
                                        seek = {"op", "offset", "whence"},
                                        truncate = {"op", "length"};
  using K = Operation::Kind;
  switch (kind) {
    case K::write:
    case K::read: return rw;
    case K::pwrite:
    case K::pread: return prw;
    case K::writev: return v;
    case K::touch: return touch;
    case K::munmap:
    case K::msync: return range;
    case K::fsync:
    case K::close:
    case K::open: return none;
    case K::lseek: return seek;
    case K::ftruncate: return truncate;
  }
  return none;
}

// ftruncate's "length": the new size, from 0 (empty) to the largest file.
std::uint64_t read_truncate_length(const jr::Object& o, const Config& config) {
  const std::uint64_t limit = largest_file(config.geometry);
  const std::string form = "a file size from 0 to " + std::to_string(limit) + " (" +
                           largest_file_text(config.geometry) + ")";
  return jr::as_uint(o.require("length", form), o.path("length"), 0, limit, form, jr::QuotedNumber::hint);
}

// An lseek's "offset" (signed) and "whence".
void read_lseek(const jr::Object& o, Operation& op) {
  static const std::vector<std::string> whences = {"SEEK_SET", "SEEK_CUR", "SEEK_END"};
  const std::int64_t span = static_cast<std::int64_t>(L::max_seek_offset);
  op.seek_offset = jr::as_int(o.require("offset", "a signed file offset from " + std::to_string(-span) + " to " +
                                                       std::to_string(span)),
                              o.path("offset"), -span, span);
  const std::size_t w = jr::as_enum(o.require("whence", jr::one_of(whences)), o.path("whence"), whences);
  op.whence = static_cast<Operation::Whence>(w);
}

// A thread's "open_flags": ["O_APPEND"] (the only flag the model has).
std::uint32_t read_open_flags(const jr::Json& j, const std::string& path) {
  static const std::vector<std::string> names = {"O_APPEND"};
  static const std::uint32_t values[] = {models::pagecache::kOpenAppend};
  jr::as_array(j, path, "open flags", 0, 8);  // room to name a flag the model lacks, and be told so
  std::uint32_t flags = 0;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::size_t f = jr::as_enum(j[i], jr::child(path, i), names);
    if (flags & values[f]) jr::bad(jr::child(path, i), j[i], "each flag once");
    flags |= values[f];
  }
  return flags;
}

// `pos` bounds how far the thread's file position can have moved
// (models/pagecache/position_bound.hpp); `open_flags` are the thread's.
Operation read_op(const jr::Json& j, const std::string& path, PositionBound& pos,
                  std::uint32_t open_flags, const Config& config) {
  const std::string form = "an operation {\"op\": ..., ...}";
  // Its keys are checked once "op" says which it takes.
  jr::as_object(j, path, form);
  const std::size_t k = jr::as_enum(jr::require(j, path, "op", jr::one_of(kOpNames)),
                                    jr::child(path, "op"), kOpNames);
  Operation op;
  op.kind = kOpKinds[k];
  const std::string& name = kOpNames[k];
  const std::string what =
      std::string(op.kind == Operation::Kind::fsync || op.kind == Operation::Kind::msync ||
                          op.kind == Operation::Kind::open ||
                          op.kind == Operation::Kind::ftruncate
                      ? "an "
                      : "a ") +
      name + " operation";
  using K = Operation::Kind;
  // A key that another kind of operation takes: say which.
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::vector<std::string>& mine = op_keys(op.kind);
    if (std::find(mine.begin(), mine.end(), it.key()) != mine.end()) continue;
    std::string users;
    for (std::size_t other = 0; other < kOpNames.size(); ++other) {
      const std::vector<std::string>& keys = op_keys(kOpKinds[other]);
      if (std::find(keys.begin(), keys.end(), it.key()) != keys.end())
        users += (users.empty() ? "" : ", ") + kOpNames[other];
    }
    if (!users.empty())
      jr::fail(jr::child(path, it.key()), "key " + jr::quote(it.key()) + " is not used by " +
                                              what + " (it is for " + users + "), expected " +
                                              jr::one_of(mine));
  }
  const jr::Object o(j, path, form, what, op_keys(op.kind));

  const std::uint64_t limit = largest_file(config.geometry);
  const std::string limit_text = largest_file_text(config.geometry);
  switch (op.kind) {
    case K::write:
    case K::read:
    case K::pwrite:
    case K::pread: {
      op.iov.push_back(read_memory_ref(o.require("buf", memory_ref_form(RefUse::buffer)),
                                       o.path("buf"), RefUse::buffer, config));
      const std::uint64_t len = op.iov[0].length;
      if (op.kind == K::pwrite || op.kind == K::pread) {
        const std::string offset_form = "a file offset from 0 to " + std::to_string(limit) +
                                        " (" + limit_text + ")";
        op.offset = jr::as_uint(o.require("offset", offset_form), o.path("offset"), 0, limit,
                                offset_form, jr::QuotedNumber::hint);
      }
      const PositionBound at = write_start(op, open_flags, pos);
      if ((op.kind == K::write || op.kind == K::pwrite) && !at.relative) {
        const std::uint64_t start = at.offset;
        if (start + len > limit)
          jr::fail(path, "this " + name + " of " + std::to_string(len) + " bytes at file offset " +
                             (op.kind == K::write && start > 0 ? "up to " : "") +
                             std::to_string(start) + " may end at byte " +
                             std::to_string(start + len) + ", past the largest file of " +
                             limit_text,
                   "raise geometry.pages or shorten the buffer");
      }
      break;
    }
    case K::writev: {
      const jr::Json& iov = o.require("iov", "an array of memory references");
      const std::string ipath = o.path("iov");
      jr::as_array(iov, ipath, "memory references", 1, L::max_iovecs);
      std::uint64_t total = 0;
      for (std::size_t i = 0; i < iov.size(); ++i) {
        op.iov.push_back(read_memory_ref(iov[i], jr::child(ipath, i), RefUse::buffer, config));
        total += op.iov.back().length;
      }
      const PositionBound at = write_start(op, open_flags, pos);
      if (!at.relative && at.offset + total > limit)
        jr::fail(path, "this writev of " + std::to_string(total) + " bytes at file offset " +
                           (at.offset > 0 ? "up to " : "") + std::to_string(at.offset) +
                           " may end at byte " + std::to_string(at.offset + total) +
                           ", past the largest file of " + limit_text,
                 "raise geometry.pages or shorten the buffers");
      break;
    }
    case K::touch: {
      op.iov.push_back(read_memory_ref(o.require("at", memory_ref_form(RefUse::location)),
                                       o.path("at"), RefUse::location, config));
      op.store = o.boolean("store", op.store);
      if (const jr::Json* v = o.find("value")) {
        if (!op.store)
          jr::fail(o.path("value"), "key \"value\" is only for a store, and this touch is a load",
                   "add \"store\": true");
        op.value = byte_from_json(*v, o.path("value"));
      }
      break;
    }
    case K::munmap:
    case K::msync:
      op.iov.push_back(read_memory_ref(o.require("range", memory_ref_form(RefUse::range)),
                                       o.path("range"), RefUse::range, config));
      break;
    case K::fsync:
    case K::close:
    case K::open:
      break;
    case K::lseek: read_lseek(o, op); break;
    case K::ftruncate:
      op.length = read_truncate_length(o, config);
      break;
  }
  advance_position(pos, op, open_flags);
  return op;
}

// The writes that start at the end of the file (O_APPEND, or after an
// lseek SEEK_END) may end as far as the bound on i_size reaches
// (models/pagecache/position_bound.hpp), known once every thread is read.
void check_writes_at_end(const Config& config, const std::string& path) {
  const std::uint64_t limit = largest_file(config.geometry);
  const std::uint64_t bound = size_bound(config);
  if (bound <= limit) return;
  for (std::size_t t = 0; t < config.threads.size(); ++t) {
    PositionBound pos;
    const ThreadSpec& th = config.threads[t];
    for (std::size_t k = 0; k < th.ops.size(); ++k) {
      const Operation& op = th.ops[k];
      if (is_file_write(op.kind) && write_start(op, th.open_flags, pos).relative)
        jr::fail(jr::child(jr::child(jr::child(path, t), "ops"), k),
                 "this " + std::string(models::pagecache::operation_name(op.kind)) +
                     " starts at the end of the file (" +
                     (th.open_flags & models::pagecache::kOpenAppend ? "O_APPEND" : "after an lseek SEEK_END") +
                     "), which the threads' writes may move to byte " + std::to_string(bound) +
                     ", past the largest file of " + largest_file_text(config.geometry),
                 "raise geometry.pages or shorten the writes");
      advance_position(pos, op, th.open_flags);
    }
  }
}

}  // namespace

void read_threads(const jr::Object& scenario, Config& config) {
  const std::string path = scenario.path("threads");
  const jr::Json& t = scenario.require("threads", "an array of threads");
  jr::as_array(t, path, "threads", 1, L::max_threads);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const jr::Object th(t[i], jr::child(path, i), "a thread {name, ops, open_flags}", "a thread",
                        {"name", "ops", "open_flags"});
    ThreadSpec spec;
    if (const jr::Json* n = th.find("name")) {
      spec.name = jr::as_name(*n, th.path("name"), L::max_name);
      for (const ThreadSpec& other : config.threads)
        if (other.name == spec.name) jr::bad(th.path("name"), *n, "a name no other thread has");
    } else {
      spec.name = "T" + std::to_string(i);  // as the model names an unnamed thread
      for (const ThreadSpec& other : config.threads)
        if (other.name == spec.name)
          jr::fail(th.path(), "this thread's default name " + jr::quote(spec.name) +
                                  " is taken by another thread", "give it a \"name\"");
    }
    const jr::Json& ops = th.require("ops", "an array of operations");
    const std::string opath = th.path("ops");
    jr::as_array(ops, opath, "operations", 1, L::max_ops);
    if (const jr::Json* f = th.find("open_flags")) spec.open_flags = read_open_flags(*f, th.path("open_flags"));
    PositionBound pos;  // how far the file position can have moved
    bool open = true;   // the thread's fd (opened before it runs)
    for (std::size_t j = 0; j < ops.size(); ++j) {
      spec.ops.push_back(read_op(ops[j], jr::child(opath, j), pos, spec.open_flags, config));
      const Operation::Kind k = spec.ops.back().kind;
      if (k == Operation::Kind::open && open)
        jr::fail(jr::child(opath, j), "this open finds the thread's file still open (each thread has one fd)",
                 "close it first: {\"op\": \"close\"}");
      if (k == Operation::Kind::open || k == Operation::Kind::close) open = k == Operation::Kind::open;
    }
    config.threads.push_back(std::move(spec));
  }
  check_writes_at_end(config, path);
}

}  // namespace checker::pagecache_keys

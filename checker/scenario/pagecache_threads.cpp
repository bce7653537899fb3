#include "checker/scenario/pagecache_threads.hpp"

#include <algorithm>
#include <vector>

#include "checker/scenario/byte_string.hpp"
#include "checker/scenario/pagecache_geometry.hpp"
#include "checker/scenario/pagecache_limits.hpp"
#include "checker/scenario/pagecache_memory_ref.hpp"

namespace checker::pagecache_keys {

namespace jr = json_read;
using models::pagecache::Config;
using models::pagecache::Operation;
using models::pagecache::ThreadSpec;
using L = PagecacheLimits;

namespace {

const std::vector<std::string> kOpNames = {"write", "read",  "pwrite", "pread", "writev",
                                           "touch", "munmap", "msync", "fsync", "ftruncate"};
const Operation::Kind kOpKinds[] = {
    Operation::Kind::write, Operation::Kind::read,   Operation::Kind::pwrite,
    Operation::Kind::pread, Operation::Kind::writev, Operation::Kind::touch,
    Operation::Kind::munmap, Operation::Kind::msync, Operation::Kind::fsync,
    Operation::Kind::ftruncate};

// The keys each kind of operation takes.
const std::vector<std::string>& op_keys(Operation::Kind kind) {
  static const std::vector<std::string> rw = {"op", "buf"}, prw = {"op", "buf", "offset"},
                                        v = {"op", "iov"}, touch = {"op", "at", "store", "value"},
                                        range = {"op", "range"}, none = {"op"},
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
    case K::fsync: return none;
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

// `max_pos` is the furthest the thread's file position can have moved.
Operation read_op(const jr::Json& j, const std::string& path, std::uint64_t& max_pos,
                  const Config& config) {
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
      if (op.kind == K::write || op.kind == K::pwrite) {
        const std::uint64_t start = op.kind == K::write ? max_pos : op.offset;
        if (start + len > limit)
          jr::fail(path, "this " + name + " of " + std::to_string(len) + " bytes at file offset " +
                             (op.kind == K::write && start > 0 ? "up to " : "") +
                             std::to_string(start) + " may end at byte " +
                             std::to_string(start + len) + ", past the largest file of " +
                             limit_text,
                   "raise geometry.pages or shorten the buffer");
      }
      if (op.kind == K::write || op.kind == K::read) max_pos += len;
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
      if (max_pos + total > limit)
        jr::fail(path, "this writev of " + std::to_string(total) + " bytes at file offset " +
                           (max_pos > 0 ? "up to " : "") + std::to_string(max_pos) +
                           " may end at byte " + std::to_string(max_pos + total) +
                           ", past the largest file of " + limit_text,
                 "raise geometry.pages or shorten the buffers");
      max_pos += total;
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
      break;
    case K::ftruncate:
      op.length = read_truncate_length(o, config);
      break;
  }
  return op;
}

}  // namespace

void read_threads(const jr::Object& scenario, Config& config) {
  const std::string path = scenario.path("threads");
  const jr::Json& t = scenario.require("threads", "an array of threads");
  jr::as_array(t, path, "threads", 1, L::max_threads);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const jr::Object th(t[i], jr::child(path, i), "a thread {name, ops}", "a thread",
                        {"name", "ops"});
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
    std::uint64_t max_pos = 0;  // the furthest the file position can have moved
    for (std::size_t j = 0; j < ops.size(); ++j)
      spec.ops.push_back(read_op(ops[j], jr::child(opath, j), max_pos, config));
    config.threads.push_back(std::move(spec));
  }
}

}  // namespace checker::pagecache_keys

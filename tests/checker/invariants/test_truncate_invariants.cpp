// torn-read and lost-data with ftruncate (issue 15): a truncation that
// returned 0 counts like a write in the real-time order, which sets the size
// and zeroes what lies past it. The clear cases on Observations built by
// hand, then the search against brute force over every subset and order
// (detail::apply_writes, applied forward) on random small histories.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "checker/invariants/lost_data.hpp"
#include "checker/invariants/torn_read.hpp"
#include "tests/checker/invariants/brute_force.hpp"

namespace {

using namespace models::pagecache;
using checker::invariants::check_lost_data;
using checker::invariants::check_torn_read;

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

SyscallRecord record(Operation::Kind kind, sim::ThreadId thread, std::size_t op, std::uint64_t offset,
                   std::uint64_t begin, std::uint64_t end) {
  SyscallRecord c;
  c.thread = thread;
  c.op_index = op;
  c.kind = kind;
  c.file_offset = offset;
  c.begin_step = begin;
  c.end_step = end;
  c.completed = true;
  return c;
}

SyscallRecord truncate_call(sim::ThreadId thread, std::size_t op, std::uint64_t length, std::uint64_t begin,
                            std::uint64_t end, std::int64_t result = 0) {
  SyscallRecord c = record(Operation::Kind::ftruncate, thread, op, length, begin, end);
  c.result = result;
  return c;
}

SyscallRecord pwrite_call(sim::ThreadId thread, std::size_t op, std::uint64_t offset, std::string_view data,
                          std::uint64_t begin, std::uint64_t end) {
  SyscallRecord c = record(Operation::Kind::pwrite, thread, op, offset, begin, end);
  c.requested = data.size();
  c.result = static_cast<std::int64_t>(data.size());
  c.data = text_bytes(data);
  return c;
}

SyscallRecord pread_call(sim::ThreadId thread, std::size_t op, std::uint64_t offset, std::uint64_t requested,
                         const Bytes& data, std::uint64_t begin, std::uint64_t end) {
  SyscallRecord c = record(Operation::Kind::pread, thread, op, offset, begin, end);
  c.requested = requested;
  c.result = static_cast<std::int64_t>(data.size());
  c.data = data;
  return c;
}

Observation ended_with(std::string_view initial, std::vector<SyscallRecord> calls, const Bytes& final_content) {
  Observation o;
  o.initial_content = text_bytes(initial);
  o.calls = std::move(calls);
  o.final_cached = o.final_after_evict = final_content;
  o.final_read_done = true;
  return o;
}

const Bytes kShrunkAndGrown = {'a', 0, 0, 0};

}  // namespace

TEST_CASE("lost-data: a completed shrink drops the bytes past it, a grow exposes zeros") {
  // "abcd", ftruncate(1), ftruncate(4): "a" and three zeros.
  const auto run = [](const Bytes& final_content) {
    return check_lost_data(ended_with("abcd", {truncate_call(0, 0, 1, 1, 5), truncate_call(0, 1, 4, 6, 9)},
                                      final_content));
  };
  CHECK_FALSE(run(kShrunkAndGrown));
  const auto v = run(text_bytes("abcd"));
  REQUIRE(v);
  CHECK(v->invariant == "lost-data");
  CHECK(v->message.find("ftruncate to 1 byte by thread 0") != std::string::npos);
  CHECK(run(text_bytes("a")));  // the grow was lost
  // One that failed counts for nothing.
  CHECK_FALSE(check_lost_data(ended_with("abcd", {truncate_call(0, 0, 1, 1, 5, -22)}, text_bytes("abcd"))));
}

TEST_CASE("lost-data: a write after a shrink lands past a hole of zeros, one before it is cut") {
  const Bytes hole = {'a', 0, 0, 'X'};
  CHECK_FALSE(check_lost_data(
      ended_with("abcd", {truncate_call(0, 0, 1, 1, 5), pwrite_call(0, 1, 3, "X", 6, 9)}, hole)));
  CHECK(check_lost_data(ended_with("abcd", {truncate_call(0, 0, 1, 1, 5), pwrite_call(0, 1, 3, "X", 6, 9)},
                                   text_bytes("abcX"))));
  // The write first: the truncation cuts it.
  CHECK_FALSE(check_lost_data(
      ended_with("abcd", {pwrite_call(0, 0, 3, "X", 1, 5), truncate_call(0, 1, 1, 6, 9)}, text_bytes("a"))));
  // Overlapping in time: either order.
  CHECK_FALSE(check_lost_data(
      ended_with("abcd", {pwrite_call(0, 0, 3, "X", 1, 9), truncate_call(1, 0, 1, 2, 8)}, text_bytes("a"))));
  CHECK_FALSE(check_lost_data(
      ended_with("abcd", {pwrite_call(0, 0, 3, "X", 1, 9), truncate_call(1, 0, 1, 2, 8)}, hole)));
}

TEST_CASE("torn-read: a read racing a shrink returns the file before or after it, nothing between") {
  // "abcd" read whole while ftruncate(2) runs.
  const auto run = [](const Bytes& seen) {
    Observation o;
    o.initial_content = text_bytes("abcd");
    o.calls = {truncate_call(0, 0, 2, 2, 20), pread_call(1, 0, 0, 4, seen, 5, 12)};
    return check_torn_read(o).has_value();
  };
  CHECK_FALSE(run(text_bytes("abcd")));
  CHECK_FALSE(run(text_bytes("ab")));
  CHECK(run(Bytes{'a', 'b', 0, 0}));  // the zeroed tail at the old size
  CHECK(run(text_bytes("abc")));               // a size neither file had
  // Begun after the shrink returned: only the short file.
  Observation after;
  after.initial_content = text_bytes("abcd");
  after.calls = {truncate_call(0, 0, 2, 2, 4), pread_call(1, 0, 0, 4, text_bytes("abcd"), 5, 12)};
  CHECK(check_torn_read(after).has_value());
}

// ---- the search against brute force, with truncations ----

TEST_CASE("the search agrees with brute force on random small histories with truncations") {
  using namespace checker::invariants::detail;
  std::mt19937 rng(4242);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int explained = 0, unexplained = 0, with_truncation = 0;
  for (int round = 0; round < 3000; ++round) {
    Observation obs;
    const int init = pick(0, 6);
    for (int i = 0; i < init; ++i) obs.initial_content.push_back(static_cast<std::uint8_t>('a' + i));
    const int n = pick(1, 5);
    std::vector<FileWrite> writes;
    std::uint64_t cursor[3] = {0, 0, 0};
    std::size_t ops[3] = {0, 0, 0};
    bool truncation = false;
    for (int i = 0; i < n; ++i) {
      const auto t = static_cast<std::size_t>(pick(0, 2));
      const std::uint64_t begin = cursor[t] + static_cast<std::uint64_t>(pick(0, 6));
      const std::uint64_t end = begin + static_cast<std::uint64_t>(pick(0, 8));
      cursor[t] = end;
      FileWrite w;
      if (pick(0, 2) == 0) {
        obs.calls.push_back(truncate_call(static_cast<sim::ThreadId>(t), ops[t]++,
                                          static_cast<std::uint64_t>(pick(0, 8)), begin, end));
        w.truncates = true;
        w.extends = false;
        truncation = true;
      } else {
        const std::string data(static_cast<std::size_t>(pick(1, 4)), static_cast<char>('B' + i));
        obs.calls.push_back(pwrite_call(static_cast<sim::ThreadId>(t), ops[t]++,
                                        static_cast<std::uint64_t>(pick(0, 8)), data, begin, end));
        w.data = obs.calls.back().data;
        w.extends = pick(0, 5) != 0;
      }
      w.call = obs.calls.size() - 1;
      w.offset = obs.calls.back().file_offset;
      w.mandatory = pick(0, 1) == 1;
      writes.push_back(w);
    }
    with_truncation += truncation;
    std::vector<const FileWrite*> some;
    for (const auto& w : writes)
      if (w.mandatory || pick(0, 1)) some.push_back(&w);
    std::shuffle(some.begin(), some.end(), rng);
    Bytes content = apply_writes(obs.initial_content, some);
    const std::uint64_t offset =
        content.empty() ? 0 : static_cast<std::uint64_t>(pick(0, static_cast<int>(content.size()) - 1));
    Bytes seen(content.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(offset, content.size())),
               content.end());
    seen.resize(std::min<std::size_t>(seen.size(), static_cast<std::size_t>(pick(0, 6))));
    if (!seen.empty() && pick(0, 2) == 0)
      seen[static_cast<std::size_t>(pick(0, static_cast<int>(seen.size()) - 1))] =
          static_cast<std::uint8_t>(pick(0, 1) ? 0 : 'a' + pick(0, 6));
    const std::uint64_t size_min = offset + seen.size();
    std::uint64_t size_max = ~std::uint64_t{0};
    if (pick(0, 1)) size_max = size_min + static_cast<std::uint64_t>(pick(0, 2));

    Window window;
    window.offset = offset;
    window.seen = &seen;
    window.size_min = size_min;
    window.size_max = size_max;
    const Explained got = explain(obs, obs.initial_content, writes, window, 1u << 20);
    const bool want = invariants_test::brute_force(obs, writes, offset, seen, size_min, size_max);
    INFO("round " << round);
    REQUIRE(got != Explained::undecided);
    CHECK((got == Explained::yes) == want);
    (want ? explained : unexplained)++;
  }
  // Both answers occur, and most histories have a truncation.
  CHECK(explained > 300);
  CHECK(unexplained > 300);
  CHECK(with_truncation > 1500);
}

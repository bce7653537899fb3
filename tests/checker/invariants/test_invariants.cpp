// torn-read and lost-data on Observations built by hand: the clear cases of
// DESIGN.md section 4, then the search checked against brute force over
// every subset and order on random small histories.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "checker/invariants/lost_data.hpp"
#include "checker/invariants/torn_read.hpp"
#include "tests/checker/invariants/brute_force.hpp"

namespace {

using namespace models::pagecache;
using namespace std::literals;
using checker::invariants::check_lost_data;
using checker::invariants::check_torn_read;
using checker::invariants::CheckOptions;

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A write of `data` at `offset` by `thread` over steps [begin, end], that
// returned `result` (default: all of it; a short count keeps that many bytes
// of data; a negative one is an error and keeps none).
SyscallRecord write_call(sim::ThreadId thread, std::size_t op, std::uint64_t offset,
                         std::string_view data, std::uint64_t begin, std::uint64_t end,
                         std::int64_t result = -1000, Operation::Kind kind = Operation::Kind::pwrite) {
  SyscallRecord c;
  c.thread = thread;
  c.op_index = op;
  c.kind = kind;
  c.file_offset = offset;
  c.requested = data.size();
  c.result = result == -1000 ? static_cast<std::int64_t>(data.size()) : result;
  if (c.result > 0) c.data = B(data.substr(0, static_cast<std::size_t>(c.result)));
  c.begin_step = begin;
  c.end_step = end;
  c.completed = true;
  return c;
}

// A read of `requested` bytes at `offset` that returned `data`.
SyscallRecord read_call(sim::ThreadId thread, std::size_t op, std::uint64_t offset,
                        std::uint64_t requested, std::string_view data, std::uint64_t begin,
                        std::uint64_t end, Operation::Kind kind = Operation::Kind::pread) {
  SyscallRecord c;
  c.thread = thread;
  c.op_index = op;
  c.kind = kind;
  c.file_offset = offset;
  c.requested = requested;
  c.result = static_cast<std::int64_t>(data.size());
  c.data = B(data);
  c.begin_step = begin;
  c.end_step = end;
  c.completed = true;
  return c;
}

Observation history(std::string_view initial, std::vector<SyscallRecord> calls) {
  Observation o;
  o.initial_content = B(initial);
  o.calls = std::move(calls);
  return o;
}

bool torn(const Observation& o, const CheckOptions& opts = {}) {
  return check_torn_read(o, opts).has_value();
}

// Reads "AAAAAAAA" (two pages of 4) while thread 0 writes "BBBBBBBB" over
// steps 2-20; the read runs over steps 5-12 and returns `seen`.
Observation two_page_race(std::string_view seen) {
  return history("AAAAAAAA", {write_call(0, 0, 0, "BBBBBBBB", 2, 20),
                              read_call(1, 0, 0, 8, seen, 5, 12)});
}

}  // namespace

TEST_CASE("torn-read: a read seeing half of a write across two pages is a violation") {
  const auto v = check_torn_read(two_page_race("BBBBAAAA"), {{"writer", "reader"}});
  REQUIRE(v);
  CHECK(v->kind == sim::Verdict::Kind::violation);
  CHECK(v->invariant == "torn-read");
  CHECK(v->thread == 1);
  CHECK(v->step == 12);
  CHECK(v->message ==
        "pread of 8 bytes at offset 0 by thread \"reader\" (steps 5-12) returned 8 bytes "
        "\"BBBBAAAA\", which no set of whole writes explains; expected 8 bytes \"AAAAAAAA\" "
        "(without the writes in flight) or 8 bytes \"BBBBBBBB\" (with all of them); in flight: "
        "pwrite of 8 bytes \"BBBBBBBB\" at offset 0 by thread \"writer\" (steps 2-20)");
  // Half a page, too (a copy into the page half done).
  CHECK(torn(two_page_race("BBAAAAAA")));
  CHECK(torn(two_page_race("AAAABBBB")));
}

TEST_CASE("torn-read: seeing all of a concurrent write, or none, passes") {
  CHECK_FALSE(torn(two_page_race("BBBBBBBB")));
  CHECK_FALSE(torn(two_page_race("AAAAAAAA")));
}

TEST_CASE("torn-read: a write that completed before the read began must be seen") {
  const auto o = history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 3), read_call(1, 0, 0, 4, "AAAA", 4, 6)});
  const auto v = check_torn_read(o);
  REQUIRE(v);
  CHECK(v->message ==
        "pread of 4 bytes at offset 0 by thread 1 (steps 4-6) returned 4 bytes \"AAAA\", which no "
        "set of whole writes explains; expected 4 bytes \"BBBB\" (after the writes that completed "
        "before it began); completed before it began: pwrite of 4 bytes \"BBBB\" at offset 0 by "
        "thread 0 (steps 1-3)");
  CHECK_FALSE(torn(history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 3), read_call(1, 0, 0, 4, "BBBB", 4, 6)})));
}

TEST_CASE("torn-read: a write that began after the read returned must not be seen") {
  CHECK(torn(history("AAAA", {read_call(1, 0, 0, 4, "BBBB", 1, 3), write_call(0, 0, 0, "BBBB", 4, 6)})));
  CHECK_FALSE(torn(history("AAAA", {read_call(1, 0, 0, 4, "AAAA", 1, 3), write_call(0, 0, 0, "BBBB", 4, 6)})));
}

TEST_CASE("torn-read: steps that touch count as overlapping, a thread's own order counts") {
  // Different threads, end_step == begin_step: in flight, either is fine.
  CHECK_FALSE(torn(history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 4), read_call(1, 0, 0, 4, "AAAA", 4, 6)})));
  // One thread: its write comes first in its program, so its read sees it.
  CHECK(torn(history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 4), read_call(0, 1, 0, 4, "AAAA", 4, 6)})));
  CHECK_FALSE(torn(history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 4), read_call(0, 1, 0, 4, "BBBB", 4, 6)})));
}

TEST_CASE("torn-read: a failed write counts as no write, a short one as its count") {
  // The write faulted (EFAULT): the zero fill of its copy must not be seen.
  auto failed = [](std::string_view seen) {
    return history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 9, -14), read_call(1, 0, 0, 4, seen, 3, 12)});
  };
  CHECK(torn(failed("\0\0AA"sv)));
  CHECK(torn(failed("BB\0\0"sv)));
  CHECK_FALSE(torn(failed("AAAA")));
  const auto v = check_torn_read(failed("BB\0\0"sv));
  REQUIRE(v);
  CHECK(v->message.find("returned 4 bytes \"BB\\x00\\x00\"") != std::string::npos);
  CHECK(v->message ==
        "pread of 4 bytes at offset 0 by thread 1 (steps 3-12) returned 4 bytes \"BB\\x00\\x00\", which "
        "no set of whole writes explains; expected 4 bytes \"AAAA\" (the file as it was); failed, so "
        "counted as no write: pwrite of 4 bytes at offset 0 by thread 0 (steps 1-9) returned -14 (EFAULT)");

  // The write copied 2 of 4 bytes and says so: "BBAA" is its whole effect.
  auto short_write = [](std::string_view seen) {
    return history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 9, 2), read_call(1, 0, 0, 4, seen, 3, 12)});
  };
  CHECK_FALSE(torn(short_write("BBAA")));
  CHECK_FALSE(torn(short_write("AAAA")));
  CHECK(torn(short_write("BB\0\0"sv)));  // the zero fill that it never reported
  CHECK(torn(short_write("BBBB")));
}

TEST_CASE("torn-read: two concurrent writes apply in either order, never mixed") {
  auto both = [](std::string_view seen) {
    return history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 10), write_call(1, 0, 0, "CCCC", 2, 9),
                            read_call(2, 0, 0, 4, seen, 20, 25)});
  };
  CHECK_FALSE(torn(both("BBBB")));
  CHECK_FALSE(torn(both("CCCC")));
  CHECK(torn(both("BBCC")));
  CHECK(torn(both("AAAA")));  // both completed before the read began

  // In real-time order, the later one wins.
  auto ordered = [](std::string_view seen) {
    return history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 3), write_call(1, 0, 0, "CCCC", 5, 8),
                            read_call(2, 0, 0, 4, seen, 20, 25)});
  };
  CHECK_FALSE(torn(ordered("CCCC")));
  CHECK(torn(ordered("BBBB")));
}

TEST_CASE("torn-read: the count must fit the file size of the same set of writes") {
  // The file is "AAAA"; an extending write of "BBBB" at 4 is in flight.
  auto extend = [](std::string_view seen) {
    return history("AAAA", {write_call(0, 0, 4, "BBBB", 1, 20), read_call(1, 0, 0, 8, seen, 5, 12)});
  };
  CHECK_FALSE(torn(extend("AAAA")));      // before it: EOF at 4
  CHECK_FALSE(torn(extend("AAAABBBB")));  // after it
  CHECK(torn(extend("AAAABB")));          // i_size half grown: no set of whole writes
  CHECK(torn(extend("AAA")));

  // A read at or past EOF returns 0 bytes, and nothing else.
  CHECK_FALSE(torn(history("AAAA", {read_call(0, 0, 4, 4, "", 1, 2)})));
  CHECK_FALSE(torn(history("AAAA", {read_call(0, 0, 9, 4, "", 1, 2)})));
  CHECK(torn(history("AAAA", {read_call(0, 0, 2, 4, "", 1, 2)})));
  CHECK(torn(history("AAAA", {read_call(0, 0, 0, 4, "AAAAA", 1, 2)})));  // more than asked
}

TEST_CASE("torn-read: a write past EOF leaves a hole of zeros") {
  auto hole = [](std::string_view seen) {
    return history("AA", {write_call(0, 0, 6, "BB", 1, 3), read_call(1, 0, 0, 10, seen, 4, 9)});
  };
  CHECK_FALSE(torn(hole("AA\0\0\0\0BB"sv)));
  CHECK(torn(hole("AAAAAABB")));
  CHECK(torn(hole("AA")));
}

TEST_CASE("torn-read: writev is one write, read() at the file position is checked too") {
  auto o = history("AAAAAAAA", {write_call(0, 0, 0, "BBBBCCCC", 1, 20, -1000, Operation::Kind::writev),
                                read_call(1, 0, 0, 8, "BBBBAAAA", 5, 12, Operation::Kind::read)});
  CHECK(torn(o));
  o.calls[1].data = B("BBBBCCCC");
  CHECK_FALSE(torn(o));
}

TEST_CASE("torn-read: reads still in flight or failed are not checked") {
  auto o = two_page_race("BBBBAAAA");
  o.calls[1].completed = false;
  CHECK_FALSE(torn(o));
  o = two_page_race("");
  o.calls[1].result = -5;  // EIO
  CHECK_FALSE(torn(o));
}

TEST_CASE("torn-read: with the scenario, a read into an invalid region may return short") {
  Config config;
  config.geometry.page_size = 4;
  config.regions.push_back({"dst", Region::Kind::anonymous, 0x1000, 4, {}, 0, true});
  config.regions.push_back({"bad", Region::Kind::invalid, 0x1004, 4, {}, 0, true});
  Operation read;
  read.kind = Operation::Kind::pread;
  read.iov.push_back({0x1002, 4});  // two bytes land, then the copy faults
  config.threads.push_back({"reader", {read}});
  const auto o = history("AAAAAAAA", {read_call(0, 0, 0, 4, "AA", 1, 3)});
  CHECK(torn(o));  // without the scenario: a short count means EOF at 2
  CheckOptions opts;
  opts.config = &config;
  CHECK_FALSE(torn(o, opts));
  // The bytes it did return are still checked.
  CHECK(torn(history("AAAAAAAA", {read_call(0, 0, 0, 4, "AB", 1, 3)}), opts));
  // A buffer wholly in mapped memory gets no such leeway.
  config.threads[0].ops[0].iov[0] = {0x1000, 4};
  CHECK(torn(o, opts));
  // ... unless block reads may fail.
  config.faults.read_io_error = true;
  CHECK_FALSE(torn(o, opts));
}

TEST_CASE("torn-read: with the scenario, a store through a shared mapping is a one-byte write") {
  Config config;
  config.geometry.page_size = 4;
  config.regions.push_back({"map", Region::Kind::shared_file, 0x1000, 4, {}, 4, true});
  Operation store;
  store.kind = Operation::Kind::touch;
  store.iov.push_back({0x1001, 1});
  store.store = true;
  store.value = 'Z';
  config.threads.push_back({"toucher", {store}});
  config.threads.push_back({"reader", {}});
  SyscallRecord touch;
  touch.thread = 0;
  touch.kind = Operation::Kind::touch;
  touch.begin_step = 1;
  touch.end_step = 2;
  touch.completed = true;
  const auto o = history("AAAAAAAA", {touch, read_call(1, 0, 0, 8, "AAAAAZAA", 3, 4)});
  CheckOptions opts;
  opts.config = &config;
  CHECK(torn(o));  // without the scenario the store is not seen
  CHECK_FALSE(torn(o, opts));
  const auto v = check_torn_read(history("AAAAAAAA", {touch, read_call(1, 0, 0, 8, "AAAAAAAA", 3, 4)}), opts);
  REQUIRE(v);
  CHECK(v->message.find("thread \"reader\"") != std::string::npos);
  CHECK(v->message.find("store of 1 byte \"Z\" at offset 5 by thread \"toucher\"") != std::string::npos);
}

TEST_CASE("with the scenario, a read into a shared mapping of the file writes the file") {
  // The file is "AAAAAAAA"; "map" maps file bytes 4-7. A pread of bytes 0-3
  // into "map" copies "AAAA" over them... after a write made them "BBBB".
  Config config;
  config.geometry.page_size = 4;
  config.regions.push_back({"map", Region::Kind::shared_file, 0x1000, 4, {}, 4, true});
  config.regions.push_back({"dst", Region::Kind::anonymous, 0x1004, 4, {}, 0, true});
  Operation pwrite, pread;
  pwrite.kind = Operation::Kind::pwrite;
  pwrite.iov.push_back({0x1004, 4});
  pread.kind = Operation::Kind::pread;
  pread.iov.push_back({0x1002, 4});  // two bytes into "map" (file 6-7), two into "dst"
  config.threads.push_back({"t", {pwrite, pread}});
  Observation o = history("AAAAAAAA", {write_call(0, 0, 0, "BBCC", 1, 5), read_call(0, 1, 0, 4, "BBCC", 6, 9)});
  o.final_read_done = true;
  o.final_cached = o.final_after_evict = B("BBCCAABB");
  CheckOptions opts;
  opts.config = &config;
  CHECK(check_lost_data(o));  // without the scenario the read's stores are not seen
  CHECK_FALSE(check_lost_data(o, opts));
  o.final_cached = B("BBCCAAAA");
  const auto v = check_lost_data(o, opts);
  REQUIRE(v);
  CHECK(v->message.find("pread into a shared mapping, storing 2 bytes \"BB\" at offset 6 by thread \"t\"") !=
        std::string::npos);
}

TEST_CASE("lost-data: both final reads must hold every completed write") {
  Observation o = history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 5), write_call(0, 1, 4, "CC", 6, 9)});
  o.final_read_done = true;
  o.final_cached = B("BBBBCC");
  o.final_after_evict = B("BBBBCC");
  CHECK_FALSE(check_lost_data(o));

  o.final_after_evict = B("AAAACC");
  const auto v = check_lost_data(o, {{"writer"}});
  REQUIRE(v);
  CHECK(v->invariant == "lost-data");
  CHECK(v->kind == sim::Verdict::Kind::violation);
  CHECK(v->thread == sim::kNoThread);
  CHECK(v->step == 9);
  CHECK(v->message ==
        "after all threads ended, the file read back after a sync and the eviction of every page "
        "is 6 bytes \"AAAACC\"; expected 6 bytes \"BBBBCC\" (first difference at byte 0), the "
        "content after every completed write: pwrite of 4 bytes \"BBBB\" at offset 0 by thread "
        "\"writer\" (steps 1-5); pwrite of 2 bytes \"CC\" at offset 4 by thread \"writer\" (steps 6-9)");

  o.final_after_evict = o.final_cached = B("BBBB");  // the extension lost
  REQUIRE(check_lost_data(o));
  CHECK(check_lost_data(o)->message.find("read back through the page cache") != std::string::npos);

  o.final_read_done = false;  // the run never got that far
  CHECK_FALSE(check_lost_data(o));
}

TEST_CASE("lost-data: concurrent writes in either order, never mixed") {
  Observation o = history("AAAA", {write_call(0, 0, 0, "BBBB", 1, 10), write_call(1, 0, 0, "CCCC", 2, 9)});
  o.final_read_done = true;
  for (const char* end : {"BBBB", "CCCC"}) {
    o.final_cached = o.final_after_evict = B(end);
    CHECK_FALSE(check_lost_data(o));
  }
  o.final_cached = o.final_after_evict = B("BBCC");
  const auto v = check_lost_data(o);
  REQUIRE(v);
  CHECK(v->message.find("(or another order of the writes that overlapped in time)") != std::string::npos);
}

TEST_CASE("lost-data: ramfs zero-fills a page after a failed copy: earlier data lost") {
  // The first write completed; the second faulted and reported nothing.
  Observation o = history("", {write_call(0, 0, 0, "BBBB", 1, 5), write_call(0, 1, 0, "CCCC", 6, 9, -14)});
  o.final_read_done = true;
  o.final_cached = o.final_after_evict = B("BBBB");
  CHECK_FALSE(check_lost_data(o));
  o.final_cached = o.final_after_evict = B("\0\0\0\0"sv);
  CHECK(check_lost_data(o));
  o.final_cached = o.final_after_evict = B("CCBB");  // bytes of the failed write
  REQUIRE(check_lost_data(o));
  CHECK(check_lost_data(o)->message.find(
            "; failed, so counted as no write: pwrite of 4 bytes at offset 0 by thread 0 (steps 6-9) "
            "returned -14 (EFAULT)") != std::string::npos);
  // A short write reports its first bytes: they count.
  o.calls[1] = write_call(0, 1, 0, "CCCC", 6, 9, 2);
  o.final_cached = o.final_after_evict = B("CCBB");
  CHECK_FALSE(check_lost_data(o));
}

TEST_CASE("the search gives up past its state budget and then reports nothing") {
  // Eight writes of one byte each, all concurrent with the read, to eight
  // bytes: 3^8 states, more than a budget of 100.
  std::vector<SyscallRecord> calls;
  for (sim::ThreadId t = 0; t < 8; ++t)
    calls.push_back(write_call(t, 0, t, "B", 1, 50));
  calls.push_back(read_call(9, 0, 0, 8, "BABABABX", 10, 20));
  const auto o = history("AAAAAAAA", calls);
  CHECK(torn(o));  // the byte X comes from nowhere
  CheckOptions opts;
  opts.max_states = 100;
  CHECK_FALSE(torn(o, opts));
}

// ---- the search against brute force ----

TEST_CASE("the search agrees with brute force on random small histories") {
  using namespace checker::invariants::detail;
  std::mt19937 rng(12345);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int explained = 0, unexplained = 0;
  for (int round = 0; round < 3000; ++round) {
    Observation obs;
    const int init = pick(0, 6);
    for (int i = 0; i < init; ++i) obs.initial_content.push_back('A');
    const int n = pick(1, 5);
    std::vector<FileWrite> writes;
    // Three threads, each running its calls one after another.
    std::uint64_t cursor[3] = {0, 0, 0};
    std::size_t ops[3] = {0, 0, 0};
    for (int i = 0; i < n; ++i) {
      const auto t = static_cast<std::size_t>(pick(0, 2));
      const std::uint64_t begin = cursor[t] + static_cast<std::uint64_t>(pick(0, 6));
      const std::uint64_t end = begin + static_cast<std::uint64_t>(pick(0, 8));
      cursor[t] = end;
      const int len = pick(1, 4);
      std::string data(static_cast<std::size_t>(len), static_cast<char>('B' + i));
      obs.calls.push_back(write_call(static_cast<sim::ThreadId>(t), ops[t]++,
                                     static_cast<std::uint64_t>(pick(0, 8)), data, begin, end));
      FileWrite w;
      w.call = obs.calls.size() - 1;
      w.offset = obs.calls.back().file_offset;
      w.data = obs.calls.back().data;
      w.mandatory = pick(0, 1) == 1;
      w.extends = pick(0, 5) != 0;
      writes.push_back(w);
    }
    // What some admissible set gives, or a random perturbation of it.
    std::vector<const FileWrite*> some;
    for (const auto& w : writes)
      if (w.mandatory || pick(0, 1)) some.push_back(&w);
    std::shuffle(some.begin(), some.end(), rng);
    Bytes content = apply_writes(obs.initial_content, some);
    const std::uint64_t offset = content.empty() ? 0 : static_cast<std::uint64_t>(pick(0, static_cast<int>(content.size()) - 1));
    Bytes seen(content.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(offset, content.size())), content.end());
    seen.resize(std::min<std::size_t>(seen.size(), static_cast<std::size_t>(pick(0, 6))));
    if (!seen.empty() && pick(0, 2) == 0) seen[static_cast<std::size_t>(pick(0, static_cast<int>(seen.size()) - 1))] = static_cast<std::uint8_t>('A' + pick(0, 6));
    std::uint64_t size_min = offset + seen.size(), size_max = ~std::uint64_t{0};
    if (pick(0, 1)) size_max = size_min + static_cast<std::uint64_t>(pick(0, 2));

    Window window;
    window.offset = offset;
    window.seen = &seen;
    window.size_min = size_min;
    window.size_max = size_max;
    const Explained got = explain(obs, obs.initial_content, writes, window, 1u << 20);
    const bool want = invariants_test::brute_force(obs, writes, offset, seen, size_min, size_max);
    std::string story = "initial " + checker::invariants::quote_bytes(obs.initial_content) + ";";
    for (const auto& w : writes) {
      const auto& c = obs.calls[w.call];
      story += " [t" + std::to_string(c.thread) + " op" + std::to_string(c.op_index) + " steps " +
               std::to_string(c.begin_step) + "-" + std::to_string(c.end_step) + " at " +
               std::to_string(w.offset) + " " + checker::invariants::quote_bytes(w.data) +
               (w.mandatory ? " mandatory" : "") + (w.extends ? "" : " no-extend") + "]";
    }
    story += "; seen " + checker::invariants::quote_bytes(seen) + " at " + std::to_string(offset) +
             ", size " + std::to_string(size_min) + ".." + std::to_string(size_max);
    CAPTURE(round);
    CAPTURE(story);
    REQUIRE(got != Explained::undecided);
    CHECK((got == Explained::yes) == want);
    (want ? explained : unexplained)++;
  }
  // Both answers must have come up often, or the test proves little.
  CHECK(explained > 300);
  CHECK(unexplained > 300);
}

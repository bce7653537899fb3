// stale-error and lost-error (checker/invariants/error_reporting.hpp) on
// Observations built by hand: which I/O faults explain a read's EIO, which
// fsync is "the next" one for a description, and what the messages name.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "checker/invariants/error_reporting.hpp"
#include "checker/invariants/lost_data.hpp"
#include "checker/scenario/load.hpp"
#include "checker/scenario/model.hpp"
#include "checker/strategies/dpor.hpp"
#include "tests/checker/helpers.hpp"

namespace {

using namespace models::pagecache;
using checker::invariants::check_lost_data;
using checker::invariants::check_lost_error;
using checker::invariants::check_stale_error;
using checker::invariants::CheckOptions;
using checker::DporStrategy;
using checker::ExploreOptions;
using checker::ExploreResult;
using checker::Failure;

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

SyscallRecord err_call(sim::ThreadId t, std::size_t op, Operation::Kind kind, std::int64_t result, std::uint64_t begin,
                   std::uint64_t end, std::uint64_t offset = 0, std::string_view data = "") {
  SyscallRecord c;
  c.thread = t;
  c.op_index = op;
  c.kind = kind;
  c.file_offset = offset;
  c.requested = kind == Operation::Kind::fsync ? 0 : 2;
  c.result = result;
  c.data = bytes_of(data);
  c.begin_step = begin;
  c.end_step = end;
  c.completed = true;
  return c;
}

IoRecord err_io(bool write, bool ok, sim::ThreadId submitter, std::uint64_t step, std::uint32_t block = 0) {
  IoRecord r;
  r.write = write;
  r.ok = ok;
  r.block = block;
  r.page = block;  // one block per page in these configs
  r.submitter = submitter;
  r.step = step;
  return r;
}

struct ErrFixture {
  Config config;
  CheckOptions opts;
  Observation obs;
  ErrFixture() {
    config.geometry.page_size = 2;
    config.geometry.block_size = 2;
    config.geometry.pages = 2;
    config.threads = {{"A", {}}, {"B", {}}};
    config.agents = {{AgentSpec::Kind::writeback, 1}};
    opts.config = &config;
    obs.initial_content = bytes_of("ab");
  }
};

}  // namespace

TEST_CASE("stale-error: a read's EIO is fresh only when its own thread's read of that page failed during it") {
  ErrFixture f;
  f.obs.calls = {err_call(0, 0, Operation::Kind::pread, -5, 1, 10)};
  f.obs.io = {err_io(false, false, 0, 5)};
  CHECK_FALSE(check_stale_error(f.obs, f.opts));
  // The fault was in another thread's I/O: stale.
  f.obs.io = {err_io(false, false, 1, 5)};
  auto v = check_stale_error(f.obs, f.opts);
  REQUIRE(v);
  CHECK(v->invariant == "stale-error");
  CHECK(v->step == 10);
  CHECK(v->message.find("pread of 2 bytes at offset 0 by thread \"A\" (steps 1-10) returned -5 (EIO)") !=
        std::string::npos);
  CHECK(v->message.find("PG_error was set at step 5 by a read I/O error injected at step 5") != std::string::npos);
  CHECK(v->message.find("submitted by thread \"B\"") != std::string::npos);
  // Before the call, on another page, or a write: stale too.
  for (const IoRecord& other : {err_io(false, false, 0, 0), err_io(false, false, 0, 5, 1), err_io(true, false, 0, 5)}) {
    f.obs.io = {other};
    CHECK(check_stale_error(f.obs, f.opts));
  }
  // No fault anywhere: says so. The agents are named as the model spawns them.
  f.obs.io = {};
  v = check_stale_error(f.obs, f.opts);
  REQUIRE(v);
  CHECK(v->message.find("no fault was injected on page 0 at all") != std::string::npos);
  f.obs.io = {err_io(false, false, 3, 0)};
  CHECK(check_stale_error(f.obs, f.opts)->message.find("thread \"bdflush\"") != std::string::npos);
  // A read that returned bytes, or another error, is not this check's.
  f.obs.calls = {err_call(0, 0, Operation::Kind::pread, 2, 1, 10, 0, "ab"), err_call(1, 0, Operation::Kind::pread, -14, 1, 9)};
  CHECK_FALSE(check_stale_error(f.obs, f.opts));
}

TEST_CASE("stale-error: the end-of-run read, which injects no faults, must not stop at an error") {
  ErrFixture f;
  f.obs.calls = {err_call(0, 0, Operation::Kind::pread, -5, 1, 10)};
  f.obs.io = {err_io(false, false, 0, 5)};
  f.obs.final_read_done = true;
  f.obs.final_cached_error = -5;
  f.obs.final_after_evict = bytes_of("ab");
  const auto v = check_stale_error(f.obs, f.opts);
  REQUIRE(v);
  CHECK(v->message.find("after all threads ended, the read of the whole file back through the page cache "
                        "stopped with -5 (EIO) at page 0 after 0 bytes") != std::string::npos);
  CHECK(v->message.find("set at step 5") != std::string::npos);
  // lost-data does not call it missing bytes: the read read none.
  CHECK_FALSE(check_lost_data(f.obs, f.opts));
  f.obs.final_cached_error = 0;
  f.obs.final_cached = bytes_of("ab");
  CHECK_FALSE(check_stale_error(f.obs, f.opts));
}

TEST_CASE("lost-error: every description's next fsync after a failed write must report it") {
  ErrFixture f;
  const auto fsync = Operation::Kind::fsync;
  f.obs.calls = {err_call(0, 0, Operation::Kind::pwrite, 2, 1, 4, 0, "XY"), err_call(0, 1, fsync, -5, 5, 20),
                 err_call(1, 0, fsync, -5, 21, 30)};
  f.obs.io = {err_io(true, false, 0, 12)};
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  // B's fsync, after the failure, returned 0: lost, and A's report is named.
  f.obs.calls[2].result = 0;
  auto v = check_lost_error(f.obs, f.opts);
  REQUIRE(v);
  CHECK(v->invariant == "lost-error");
  CHECK(v->step == 30);
  CHECK(v->message.find("fsync by thread \"B\" (steps 21-30) returned 0") != std::string::npos);
  CHECK(v->message.find("a write I/O error injected at step 12 into the I/O of block 0 submitted by thread \"A\"") !=
        std::string::npos);
  CHECK(v->message.find("thread \"B\"'s own struct file") != std::string::npos);
  CHECK(v->message.find("reported only to: fsync by thread \"A\" (steps 5-20) = -5 (EIO)") != std::string::npos);
  // An fsync that began before the failure, of data written after it began,
  // need not report it; the description's next one must.
  f.obs.calls = {err_call(1, 0, fsync, 0, 2, 20), err_call(0, 0, Operation::Kind::pwrite, 2, 3, 6, 0, "XY")};
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  f.obs.calls.push_back(err_call(1, 1, fsync, 0, 21, 25));
  CHECK(check_lost_error(f.obs, f.opts));
  // ... but one that began after the write completed covers its block.
  f.obs.calls = {err_call(0, 0, Operation::Kind::pwrite, 2, 1, 4, 0, "XY"), err_call(1, 0, fsync, 0, 8, 20)};
  CHECK(check_lost_error(f.obs, f.opts));
  // A write of another block is not covered.
  f.obs.calls[0].file_offset = 2;
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  // msync calls are the mapping's description, whichever thread makes them:
  // reported once to it, the description's next msync may return 0.
  f.obs.calls = {err_call(0, 0, Operation::Kind::msync, -5, 13, 20), err_call(1, 0, Operation::Kind::msync, 0, 21, 25)};
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  f.obs.calls = {err_call(1, 0, Operation::Kind::msync, 0, 13, 20), err_call(0, 0, Operation::Kind::msync, -5, 21, 25)};
  v = check_lost_error(f.obs, f.opts);
  REQUIRE(v);
  CHECK(v->message.find("msync by thread \"B\" (steps 13-20) returned 0") != std::string::npos);
  CHECK(v->message.find("the struct file of the shared mapping") != std::string::npos);
  // A successful write is no error; nor is a failed one nobody fsyncs after.
  f.obs.io = {err_io(true, true, 0, 12)};
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  f.obs.io = {err_io(true, false, 0, 30)};
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
}

// file15: descriptions closed and opened during the run, errseq_t's rule
// as issue 17 states it (4.16: an error nobody has seen is reported to a
// description opened after it too).
TEST_CASE("lost-error: a description opened after the error must be told only if nobody had seen it") {
  ErrFixture f;
  const auto fsync = Operation::Kind::fsync;
  const auto close = Operation::Kind::close;
  const auto open = Operation::Kind::open;
  // A closes its first description, the write fails at 12, A opens again
  // (steps 14-15) and its fsync returns 0: nobody had seen the error: lost.
  f.obs.calls = {err_call(0, 0, Operation::Kind::pwrite, 2, 1, 4, 0, "XY"), err_call(0, 1, close, 0, 5, 5),
                 err_call(0, 2, open, 0, 14, 15), err_call(0, 3, fsync, 0, 16, 20)};
  f.obs.io = {err_io(true, false, 2, 12)};
  auto v = check_lost_error(f.obs, f.opts);
  REQUIRE(v);
  CHECK(v->message.find("fsync by thread \"A\" (steps 16-20) returned 0") != std::string::npos);
  CHECK(v->message.find("opened by its open (steps 14-15) after the error, which nobody had seen then") !=
        std::string::npos);
  f.obs.calls[3].result = -5;
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  // B reported it before A opened again: A's new description need not be told.
  f.obs.calls[3].result = 0;
  f.obs.calls.push_back(err_call(1, 0, fsync, -5, 12, 13));
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  // B's report overlapping A's open counts as seen too (the kernel's order could excuse it).
  f.obs.calls.back() = err_call(1, 0, fsync, -5, 13, 16);
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  // ... but one that began after A's open returned does not.
  f.obs.calls.back() = err_call(1, 0, fsync, -5, 16, 18);
  CHECK(check_lost_error(f.obs, f.opts));
  // An fsync on the closed fd (-EBADF) is on no description and sees nothing;
  // the first description, closed before its next fsync, is owed nothing.
  f.obs.calls = {err_call(0, 0, Operation::Kind::pwrite, 2, 1, 4, 0, "XY"), err_call(0, 1, close, 0, 5, 5),
                 err_call(0, 2, fsync, -9, 14, 14), err_call(1, 0, fsync, -5, 15, 16)};
  CHECK_FALSE(check_lost_error(f.obs, f.opts));
  // A description opened before the failure was open at the time.
  f.obs.calls = {err_call(0, 0, close, 0, 1, 1), err_call(0, 1, open, 0, 2, 3), err_call(1, 0, fsync, -5, 13, 16),
                 err_call(0, 2, fsync, 0, 17, 20)};
  CHECK(check_lost_error(f.obs, f.opts));
}

TEST_CASE("lost-data: a block whose last write failed is compared, after eviction, with the cached bytes") {
  ErrFixture f;
  f.obs.calls = {err_call(0, 0, Operation::Kind::pwrite, 2, 1, 4, 0, "XY")};
  f.obs.final_read_done = true;
  f.obs.final_cached = bytes_of("XY");
  f.obs.final_after_evict = bytes_of("ab");  // the disk kept its bytes
  CHECK(check_lost_data(f.obs, f.opts));
  f.obs.io = {err_io(true, false, 2, 8)};
  CHECK_FALSE(check_lost_data(f.obs, f.opts));
  // Written again, successfully: the disk must have it.
  f.obs.io.push_back(err_io(true, true, 2, 9));
  CHECK(check_lost_data(f.obs, f.opts));
}

// The issue's first finding, as a user tries it: a cold file, one pread,
// read I/O errors on. Where PG_error sticks, the end-of-run read fails with
// no fault of its own: reported as the stale error it is, not as lost data
// of "0 bytes"; where a fresh read clears it, nothing is wrong.
TEST_CASE("one pread of a cold file with read errors: a stale error on 2.4.0, nothing on linux-6-ext4") {
  for (const char* variant : {"linux-2.4.0", "linux-6-ext4"}) {
    nlohmann::json doc = nlohmann::json::parse(R"({
      "name": "issue-17-pread", "model": "linux-2.4.0", "filesystem": "ext2",
      "geometry": {"page_size": 2, "block_size": 2, "pages": 1, "copy_chunk": 2},
      "file": {"content": "ab"},
      "memory": [{"name": "dst", "kind": "anonymous", "length": 2}],
      "threads": [{"name": "reader", "ops": [{"op": "pread", "buf": "dst", "offset": 0}]}],
      "faults": {"read_io_error": true},
      "explore": {"strategy": "dpor"}
    })");
    doc["model"] = variant;
    const checker::Scenario s = checker::parse_scenario(doc, "issue-17-pread.json");
    auto program = checker::make_program(s);
    DporStrategy dpor;
    ExploreOptions o;
    o.stop_at_first_failure = false;
    const ExploreResult r = checker::testing::run(*program, dpor, o);
    INFO(variant);
    CHECK(r.complete);
    std::set<std::string> failed;
    for (const Failure& f : r.failures) failed.insert(checker::invariant_of(f.verdict));
    CHECK(failed == (std::string(variant) == "linux-2.4.0" ? std::set<std::string>{"stale-error"}
                                                            : std::set<std::string>{}));
  }
}

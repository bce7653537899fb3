// I/O errors per variant (docs/errors.md): errseq_t as lib/errseq.c has
// it, whether a read error outlives the I/O that caused it, and which fsync
// is told of a failed writeback. One execution each, run by the lowest
// thread first with the faults chosen, so that each result is the variant's.
#include <doctest/doctest.h>

#include <string>

#include "models/pagecache/errseq.hpp"
#include "models/pagecache/variants.hpp"
#include "tests/models/bench.hpp"

using namespace models_test;
using models::pagecache::Config;
using models::pagecache::Filesystem;
using models::pagecache::Operation;
namespace errseq = models::pagecache::errseq;

namespace {

// One page of one block: a block I/O is the only request on the disk, so
// the first fault choice of a run is the first I/O's.
Config one_block(const std::string& variant) {
  Config c = small_config(Filesystem::ext2, "ab", 1);
  c.variant = variant;
  c.geometry.page_size = 2;
  c.geometry.block_size = 2;
  c.regions = {anon_region("buf", 8, 2, "XY")};
  return c;
}

Operation fsync_call() {
  Operation o;
  o.kind = Operation::Kind::fsync;
  return o;
}

const char* const kVariants[] = {"linux-2.4.0",  "linux-2.4.17", "zippel-nonblocking-copy", "zippel-lock-coupling",
                                 "zippel-combined", "linux-2.6.24", "linux-6-ext4", "linux-6-xfs"};

}  // namespace

TEST_CASE("errseq: an error is reported once to every file that sampled before it, and to a later opener if unseen") {
  std::uint32_t wb_err = 0;
  std::uint32_t a = errseq::errseq_sample(wb_err), b = errseq::errseq_sample(wb_err);
  CHECK(errseq::errseq_check_and_advance(wb_err, a) == 0);
  wb_err = errseq::errseq_set(wb_err, -5);
  // 4.16: nobody has seen it, so a file opened now still gets it.
  std::uint32_t late = errseq::errseq_sample(wb_err);
  CHECK(late == 0);
  CHECK(errseq::errseq_check(wb_err, a) == -5);
  CHECK(errseq::errseq_check_and_advance(wb_err, a) == -5);
  CHECK(errseq::errseq_check_and_advance(wb_err, a) == 0);  // once per file
  CHECK(errseq::errseq_check_and_advance(wb_err, b) == -5);
  CHECK(errseq::errseq_check_and_advance(wb_err, late) == -5);
  // Seen now: a new opener starts after it.
  std::uint32_t after = errseq::errseq_sample(wb_err);
  CHECK(errseq::errseq_check_and_advance(wb_err, after) == 0);
  // The next error moves the counter on (it was seen), and all see it again.
  const std::uint32_t before = wb_err;
  wb_err = errseq::errseq_set(wb_err, -5);
  CHECK(wb_err != before);
  CHECK(errseq::errseq_check_and_advance(wb_err, a) == -5);
  CHECK(errseq::errseq_check_and_advance(wb_err, after) == -5);
  // An error set twice before anyone looked is one error.
  const std::uint32_t once = errseq::errseq_set(0, -5);
  CHECK(errseq::errseq_set(once, -5) == once);
}

// Every schedule and fault: on 2.4, once a pread failed the page keeps
// PG_error and the next pread's readpage cannot make it uptodate, so it fails
// too whatever its own I/O did; where a fresh read clears the bit, a pread
// after a failed one succeeds when its I/O does. (2.6.24 keeps the bit too,
// but its first pread may fail in read-ahead and leave the buffer uptodate,
// from which the next readpage sets the page uptodate without I/O.)
TEST_CASE("a pread after a failed pread: PG_error sticks on 2.4, linux-6 and zippel-combined clear it") {
  for (const char* v : kVariants) {
    const std::string variant = v;
    if (variant == "linux-2.6.24") continue;
    Config c = one_block(v);
    c.regions = {anon_region("dst", 8, 2, "")};
    c.faults.read_io_error = true;
    c.threads = {thread("R", {op(Operation::Kind::pread, 8, 2, 0), op(Operation::Kind::pread, 8, 2, 0)})};
    auto p = models::pagecache::make_program(c);
    BoundedDfs dfs(4);
    const SearchResult res = search(*p, dfs);
    INFO(variant);
    REQUIRE(res.complete);
    bool recovered = false;
    for (const std::string& o : res.outcomes) recovered |= o.rfind("T0.0 pread=-5; T0.1 pread=2 \"ab\"", 0) == 0;
    CHECK(recovered == (variant == "zippel-combined" || variant.rfind("linux-6", 0) == 0));
  }
}

TEST_CASE("two descriptions fsync after a failed write: errseq_t tells both, AS_EIO and 2.4's buffers only the first") {
  for (const char* v : kVariants) {
    Config c = one_block(v);
    c.file.cached_pages = {0};
    c.faults.write_io_error = true;
    c.threads = {thread("writer", {op(Operation::Kind::pwrite, 8, 2, 0), fsync_call()}), thread("other", {fsync_call()})};
    auto p = models::pagecache::make_program(c);
    sim::StackPool pool;
    Lowest st({1});  // the writer runs first: its fsync's block write fails
    const RunResult r = run_once(*p, st, pool);
    const std::string what = std::string(v) + ": " + r.outcome;
    INFO(what);
    const std::string variant = v;
    CHECK(call(p->observation(), 0, 1).result == -5);
    CHECK(call(p->observation(), 1, 0).result == (variant.rfind("linux-6", 0) == 0 ? -5 : 0));
  }
}

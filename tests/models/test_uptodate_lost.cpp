// uptodate-lost (checker/invariants/uptodate_lost) on linux-2.4.0.
#include <doctest/doctest.h>

#include "checker/invariants/uptodate_lost.hpp"
#include "models/pagecache/variants.hpp"
#include "tests/models/bench.hpp"

using namespace models_test;
using models::pagecache::IoVec;
using models::pagecache::Operation;
using models::pagecache::ThreadSpec;

namespace {

Operation pwrite(std::uint64_t address, std::uint32_t length, std::uint64_t offset) {
  Operation o;
  o.kind = Operation::Kind::pwrite;
  o.iov = {IoVec{address, length}};
  o.offset = offset;
  return o;
}

RunResult run_checked(const Config& c, std::vector<std::uint32_t> values) {
  auto p = models::pagecache::make_program(c);
  p->add_step_check(checker::invariants::uptodate_lost_check);
  sim::StackPool pool;
  Lowest st(std::move(values));
  return run_once(*p, st, pool);
}

}  // namespace

TEST_CASE("uptodate-lost: a short copy on ramfs clears PG_uptodate on the only copy of the data") {
  Config c = small_config(Filesystem::ramfs, "abcd", 1);
  c.regions = {anon_region("src", 8, 4, "QR")};
  c.faults.copy_from_user = true;
  c.threads = {ThreadSpec{"W", {pwrite(8, 2, 0)}}};
  const RunResult r = run_checked(c, {2});  // fails after 1 byte
  REQUIRE(r.verdict.kind == sim::Verdict::Kind::violation);
  CHECK(r.verdict.invariant == "uptodate-lost");
  CHECK(r.verdict.thread == 0);
  CHECK(r.verdict.message.find("page[0]") != std::string::npos);
  CHECK(r.verdict.message.find("by W") != std::string::npos);
  CHECK(r.verdict.message.find("\"Q\\x00cd\"") != std::string::npos);  // the bytes the next read zero-fills
}

TEST_CASE("uptodate-lost: a short copy on ext2 clears PG_uptodate on a page with dirty buffers") {
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.file.cached_pages = {0};
  c.regions = {anon_region("src", 8, 4, "WXYZ"), anon_region("src2", 12, 4, "QR")};
  c.faults.copy_from_user = true;
  c.threads = {ThreadSpec{"W", {pwrite(8, 4, 0), pwrite(12, 2, 0)}}};
  const RunResult r = run_checked(c, {0, 2});  // the first copy whole, the second fails after 1 byte
  REQUIRE(r.verdict.kind == sim::Verdict::Kind::violation);
  CHECK(r.verdict.invariant == "uptodate-lost");
  CHECK(r.verdict.message.find("dirty buffers") != std::string::npos);
}

TEST_CASE("uptodate-lost: no violation when nothing fails, or when the page was clean (ext2)") {
  SUBCASE("no fault") {
    Config c = small_config(Filesystem::ramfs, "abcd", 1);
    c.regions = {anon_region("src", 8, 4, "QR")};
    c.faults.copy_from_user = true;
    c.threads = {ThreadSpec{"W", {pwrite(8, 2, 0)}}};
    CHECK(run_checked(c, {0}).verdict.kind == sim::Verdict::Kind::ok);
  }
  SUBCASE("clean ext2 page") {
    // The disk still has every byte the page had: nothing newer is lost
    // (what the reader then sees is torn-read's and lost-data's business).
    Config c = small_config(Filesystem::ext2, "abcd", 1);
    c.file.cached_pages = {0};
    c.regions = {anon_region("src", 8, 4, "QR")};
    c.faults.copy_from_user = true;
    c.threads = {ThreadSpec{"W", {pwrite(8, 2, 0)}}};
    CHECK(run_checked(c, {2}).verdict.kind == sim::Verdict::Kind::ok);
  }
}

// The state digests of the page-cache model (models/pagecache/digest.cpp),
// which the stateful search keys its store on: two states that differ in a
// field some check or some later step reads must not digest alike, or the
// search would cut an execution whose future differs. One check per field
// the truncate and open-file paths added to the shared state.
#include <doctest/doctest.h>

#include "models/pagecache/state.hpp"
#include "tests/models/bench.hpp"

using namespace models_test;
using models::pagecache::Filesystem;
using models::pagecache::Page;
using models::pagecache::SyscallRecord;

namespace {

struct Digests {
  std::uint64_t page, mapping, global;
  bool operator==(const Digests&) const = default;
};

Digests digests(const Bench& b, const Page& p) {
  return {b.ex.object_digest(p.obj()), b.ex.object_digest(b.s->mapping.obj), b.ex.global_digest()};
}

}  // namespace

TEST_CASE("digest: a page truncate takes out, the mapping's list of them, a relocated append and f_flags count") {
  Config c = small_config(Filesystem::ramfs, "AAAA");
  c.file.cached_pages = {0};
  c.threads = {thread("T0", {}), thread("T1", {})};
  Bench b(c);
  REQUIRE_FALSE(b.s->pages.empty());
  Page& p = *b.s->pages.front();
  const Digests start = digests(b, p);

  // Page::truncated decides uptodate-lost's verdict and the freed-while-locked check.
  p.truncated = true;
  const Digests truncated = digests(b, p);
  CHECK(truncated.page != start.page);
  p.truncated = false;
  CHECK(digests(b, p) == start);

  // AddressSpace::truncated_pages decides __add_to_page_cache's report.
  b.s->mapping.truncated_pages.push_back(&p);
  CHECK(digests(b, p).mapping != start.mapping);
  b.s->mapping.truncated_pages.clear();

  // SyscallRecord::relocations: where a 2.4 O_APPEND writev's later bytes went.
  SyscallRecord r;
  r.thread = 0;
  r.kind = models::pagecache::Operation::Kind::writev;
  r.data = bytes("BB");
  b.s->obs.calls.push_back(r);
  const std::uint64_t one_run = b.ex.global_digest();
  b.s->obs.calls.back().relocations.push_back({1, 3});
  CHECK(b.ex.global_digest() != one_run);
  b.s->obs.calls.clear();

  // File::f_flags (O_APPEND) of one description.
  b.s->files[1].f_flags = 1;
  CHECK(digests(b, p).global != start.global);
}

// The model variants (models/linux-2.4.17, zippel-*, linux-2.6.24, linux-6-*):
// what each changes, one test per change, from the function it overrides or
// end to end under the test strategies of tests/models/helpers.hpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>

#include "models/linux-2.6.24/kernel.hpp"
#include "models/pagecache/disk.hpp"
#include "models/pagecache/uaccess.hpp"
#include "models/pagecache/variants.hpp"
#include "models/zippel-nonblocking-copy/kernel.hpp"
#include "tests/models/bench.hpp"

using namespace models_test;
using models::pagecache::AgentSpec;
using models::pagecache::Bytes;
using models::pagecache::IoVec;
using models::pagecache::KernelBuf;
using models::pagecache::Observation;
using models::pagecache::Operation;
using models::pagecache::Page;
using models::pagecache::SyscallRecord;
using models::pagecache::ThreadSpec;

namespace {

Config with_variant(Config c, const std::string& v) {
  c.variant = v;
  return c;
}

// Bench of tests/models/bench.hpp for any variant's kernel.
struct VariantBench {
  VariantBench(Config c, models::pagecache::KernelFactory make) : cfg(std::move(c)) {
    s = std::make_unique<State>(ex, cfg, make);
  }
  sim::ThreadId spawn(std::string name, std::function<void()> body) { return ex.spawn(std::move(name), std::move(body)); }
  void spawn_disk() {
    ex.spawn("disk", [this] { models::pagecache::disk_daemon(*s); }, true);
  }
  const sim::Verdict& run() {
    Lowest st;
    sim::ExecutionOptions eo;
    eo.history = true;
    return ex.run(st, eo);
  }
  std::vector<std::string> ops_of(sim::ThreadId t) const {
    std::vector<std::string> out;
    for (const sim::Event& e : ex.history())
      if (e.thread == t) out.push_back(e.op);
    return out;
  }
  sim::StackPool pool;
  sim::Execution ex{pool};
  Config cfg;
  std::unique_ptr<State> s;
};

// The self-deadlock of problem 1: pwrite from a MAP_SHARED mapping of the
// page it writes, with reclaim that can unmap and evict it.
Config self_write(const std::string& variant) {
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.variant = variant;
  c.regions = {shared_region("map", 8, 4, 0, true)};
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 4, 0)})};
  c.agents = {AgentSpec{AgentSpec::Kind::reclaim, 2}};
  return c;
}

}  // namespace

TEST_CASE("every variant of the issue is registered, with a description") {
  std::vector<std::string> names;
  for (const auto& v : models::pagecache::variants()) {
    names.push_back(v.name);
    CHECK(!v.description.empty());
  }
  CHECK(names == std::vector<std::string>{"linux-2.4.0", "linux-2.4.17", "zippel-nonblocking-copy",
                                          "zippel-lock-coupling", "zippel-combined", "linux-2.6.24",
                                          "linux-6-ext4", "linux-6-xfs"});
  for (const std::string& n : names) {
    Config c = small_config(Filesystem::ext2, "abcd");
    c.variant = n;
    CHECK_NOTHROW(models::pagecache::make_program(c));
  }
}

TEST_CASE("the nonblocking copy returns EAGAIN at a locked page, and copies once it is free") {
  // The page is not uptodate and locked (by the copying thread itself, as in
  // problem 1): 2.4.0's copy would sleep in filemap_nopage's lock_page.
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.regions = {shared_region("map", 8, 4, 0, false)};
  VariantBench b(c, models::zippel_nonblocking_copy::make_kernel);
  auto& k = dynamic_cast<models::zippel_nonblocking_copy::Kernel&>(*b.s->kernel);
  models::pagecache::NonblockingCopy first, second;
  Bytes kbuf(4, '.'), got1, got2;
  b.spawn("T", [&] {
    Page* spare = nullptr;
    Page* page = k.__grab_cache_page(0, spare);  // added locked, not uptodate
    first = models::pagecache::copy_from_user_nonblocking(*b.s, KernelBuf{kbuf.data(), sim::kNoObject}, 8, 4, &got1,
                                                         /*zero_fill=*/true);
    UnlockPage(*page);
    page_cache_release(*page);
    second = models::pagecache::copy_from_user_nonblocking(*b.s, KernelBuf{kbuf.data(), sim::kNoObject}, 8, 4, &got2,
                                                          /*zero_fill=*/true);
  });
  b.spawn_disk();
  REQUIRE(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(first.eagain);
  CHECK(first.left == 4);
  CHECK(got1.empty());
  CHECK_FALSE(second.eagain);
  CHECK(second.left == 0);
  CHECK(got2 == bytes("abcd"));
  CHECK(kbuf == bytes("abcd"));
  // No lock_page in the first fault: it tried the lock and gave up.
  const auto ops = b.ops_of(0);
  const auto first_unlock = std::find(ops.begin(), ops.end(), "UnlockPage");
  CHECK(std::find(ops.begin(), first_unlock, "lock_page") == first_unlock);
  CHECK(std::find(ops.begin(), first_unlock, "TryLockPage") != first_unlock);
}

TEST_CASE("zippel-nonblocking-copy: problem 1's write gets EAGAIN, drops its page, retries and completes") {
  auto p = models::pagecache::make_program(self_write("zippel-nonblocking-copy"));
  BoundedDfs dfs(1);
  sim::StackPool pool;
  std::uint64_t executions = 0, retried = 0;
  dfs.begin_execution();
  for (;;) {
    const RunResult r = run_once(*p, dfs, pool, true);
    ++executions;
    REQUIRE(r.verdict.kind == sim::Verdict::Kind::ok);
    CHECK(call(p->observation(), 0, 0).result == 4);
    // The writer's fault found its own page locked (TryLockPage), and the
    // writer then copied again.
    bool trylock = false, again = false;
    for (const sim::Event& e : r.history) {
      if (e.thread != 0) continue;
      if (e.op == std::string("TryLockPage")) trylock = true;
      if (trylock && e.op == std::string("copy_from_user_nonblocking")) again = true;
    }
    if (again) ++retried;
    if (!r.more) break;
  }
  CHECK(executions > 1);
  CHECK(retried > 0);
}

TEST_CASE("lock coupling: a write holds at least one page lock from its first page to its last") {
  // A write of two pages, beside a reader of both. The number of page locks
  // the writer holds, step by step, must go 0, then >= 1 until the end, then
  // 0: never back to 0 between two pages.
  for (const char* variant : {"zippel-lock-coupling", "zippel-combined", "linux-2.4.0"}) {
    CAPTURE(variant);
    Config c = small_config(Filesystem::ext2, "aaaaaaaa", 2);
    c.variant = variant;
    c.file.cached_pages = {0, 1};
    c.regions = {anon_region("src", 16, 8, "bbbbbbbb"), anon_region("dst", 24, 8, "")};
    c.threads = {thread("W", {op(Operation::Kind::pwrite, 16, 8, 0)}), thread("R", {op(Operation::Kind::pread, 24, 8, 0)})};
    auto p = models::pagecache::make_program(c);
    auto counts = std::make_shared<std::vector<int>>();
    p->add_step_check([counts](sim::Execution&, const State& s) {
      counts->clear();
      return [counts, &s] {
        int n = 0;
        for (const auto& slot : s.slots)
          if (slot->PG_locked.locked() && slot->PG_locked.holder() == 0) ++n;
        counts->push_back(n);
      };
    });
    BoundedDfs dfs(1);
    sim::StackPool pool;
    bool dropped_between_pages = false;
    dfs.begin_execution();
    for (;;) {
      const RunResult r = run_once(*p, dfs, pool);
      REQUIRE(r.verdict.kind == sim::Verdict::Kind::ok);
      // 0* (>=1)+ 0*, or a drop to 0 and back.
      bool held = false, released = false;
      for (int n : *counts) {
        if (n > 0 && released) dropped_between_pages = true;
        if (n > 0) held = true;
        if (n == 0 && held) released = true;
      }
      if (!r.more) break;
    }
    if (std::string(variant) == "linux-2.4.0")
      CHECK(dropped_between_pages);  // 2.4.0 unlocks page 0 before it locks page 1
    else
      CHECK_FALSE(dropped_between_pages);
  }
}

TEST_CASE("the atomic copy never sleeps: no fault, no mmap_sem, no page lock, it stops short and leaves the rest") {
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.file.cached_pages = {0};
  c.regions = {shared_region("map", 8, 4, 0, false), anon_region("src", 12, 4, "WXYZ", true)};
  VariantBench b(c, models::linux_2_6_24::make_kernel);
  std::uint32_t left_map = 0, left_split = 0;
  Bytes dst(4, '.'), dst2(4, '.'), got;
  b.spawn("T", [&] {
    // With mmap_sem held and the page locked, a copy that faulted would
    // sleep here for good (the self-deadlock of problem 1).
    models::pagecache::down_read_mmap_sem(b.s->mm, "test: down_read(mmap_sem)");
    Page* page = b.s->mapping.__find_page_nolock(0);
    page->lock().lock("lock_page");
    left_map = models::pagecache::copy_from_user_atomic(*b.s, KernelBuf{dst.data(), sim::kNoObject}, 8, 4, &got);
    // A copy that starts in a present page and runs into one that is not:
    // the bytes before the fault are copied, the rest left as they were.
    left_split = models::pagecache::copy_from_user_atomic(*b.s, KernelBuf{dst2.data(), sim::kNoObject}, 14, 4, &got);
    page->lock().unlock("UnlockPage");
    models::pagecache::up_read_mmap_sem(b.s->mm, "test: up_read(mmap_sem)");
  });
  REQUIRE(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(left_map == 4);
  CHECK(dst == bytes("...."));  // no zero-fill
  CHECK(left_split == 2);
  CHECK(dst2 == bytes("YZ.."));
  CHECK(got == bytes("YZ"));
  for (const std::string& o : b.ops_of(0)) {
    CHECK(o.find("do_page_fault") == std::string::npos);
    CHECK(o.find("filemap") == std::string::npos);
  }
}

TEST_CASE("problem 1 is gone from linux-2.6.24 on, and from the zippel variants with a nonblocking copy") {
  for (const char* variant : {"linux-2.6.24", "linux-6-ext4", "linux-6-xfs", "zippel-combined"}) {
    CAPTURE(variant);
    auto p = models::pagecache::make_program(self_write(variant));
    BoundedDfs dfs(1);
    const SearchResult res = search(*p, dfs, 2000000);
    CHECK(res.complete);
    CHECK(res.failures.empty());
    REQUIRE(res.outcomes.size() == 1);
    CHECK(res.outcomes.begin()->find("T0.0 pwrite=4 \"abcd\"") != std::string::npos);
  }
  for (const char* variant : {"linux-2.4.17", "zippel-lock-coupling"}) {
    CAPTURE(variant);
    auto p = models::pagecache::make_program(self_write(variant));
    BoundedDfs dfs(1);
    const SearchResult res = search(*p, dfs);
    REQUIRE(res.failures.size() == 1);
    CHECK(res.failures[0].verdict.self_deadlock);
  }
}

TEST_CASE("a short copy: 2.4.0 clears PG_uptodate and commits nothing, 2.4.17 commits the zero fill, "
          "zippel-combined and 2.6.24 keep the page and commit what was copied") {
  // pwrite of 2 bytes into a cached page; copy_from_user fails after 1 byte.
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.file.cached_pages = {0};
  c.regions = {anon_region("src", 8, 4, "QR")};
  c.faults.copy_from_user = true;
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 2, 0)})};
  struct Want {
    const char* variant;
    std::int64_t result;
    Bytes cached;
    Bytes on_disk;
  };
  const Want wants[] = {
      {"linux-2.4.0", -14, Bytes{'Q', 0, 'c', 'd'}, bytes("abcd")},
      {"linux-2.4.17", -14, Bytes{'Q', 0, 'c', 'd'}, Bytes{'Q', 0, 'c', 'd'}},
      {"zippel-combined", 1, bytes("Qbcd"), bytes("Qbcd")},
      // 2.6.24's atomic copy stops after 'Q'; the page is uptodate, so
      // write_end commits the byte; the loop then fails to fault the rest in
      // (the injected fault's page) and returns the 1 byte written.
      {"linux-2.6.24", 1, bytes("Qbcd"), bytes("Qbcd")},
      {"linux-6-ext4", 1, bytes("Qbcd"), bytes("Qbcd")},
  };
  for (const Want& w : wants) {
    const std::string name = w.variant;
    CAPTURE(name);
    auto p = models::pagecache::make_program(with_variant(c, w.variant));
    sim::StackPool pool;
    Lowest st({2});  // the first copy fails after 1 byte; every later one does not
    REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
    CHECK(call(p->observation(), 0, 0).result == w.result);
    CHECK(p->observation().final_cached == w.cached);
    CHECK(p->observation().final_after_evict == w.on_disk);
  }
}

TEST_CASE("mmap_sem is a semaphore in 2.4.0 and an rw_semaphore from linux-2.4.17 on") {
  for (const auto& v : models::pagecache::variants()) {
    CAPTURE(v.name);
    Config c = small_config(Filesystem::ext2, "abcd");
    c.variant = v.name;
    sim::StackPool pool;
    sim::Execution ex(pool);
    auto p = models::pagecache::make_program(c);
    p->setup(ex);
    const bool rw = v.name != "linux-2.4.0" && v.name.rfind("zippel-", 0) != 0;
    CHECK((p->state().mm.mmap_rwsem != nullptr) == rw);
    CHECK((p->state().inode.i_rwsem != nullptr) == (v.name.rfind("linux-6-", 0) == 0));
  }
}

TEST_CASE("linux-6-xfs: a buffered read takes i_rwsem shared and waits for a writer, linux-6-ext4's takes none") {
  // One page: a writer replaces "aaaa" with "bbbb" while a reader reads it.
  // A step check watches the reader's buffer: does it change while the
  // writer holds the page's lock (that is, in the middle of its write)?
  for (const std::string variant : {"linux-6-ext4", "linux-6-xfs"}) {
    CAPTURE(variant);
    Config c = small_config(Filesystem::ext2, "aaaa", 1);
    c.variant = variant;
    c.file.cached_pages = {0};
    c.regions = {anon_region("src", 8, 4, "bbbb"), anon_region("dst", 12, 4, "")};
    c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 4, 0)}), thread("R", {op(Operation::Kind::pread, 12, 4, 0)})};
    auto p = models::pagecache::make_program(c);
    auto during = std::make_shared<bool>(false);
    p->add_step_check([during](sim::Execution&, const State& s) {
      auto last = std::make_shared<Bytes>();
      return [during, last, &s] {
        const Bytes& now = s.mm.ptes.at(3).anon;  // dst: the user page at 12
        const auto& lock = s.slots[0]->PG_locked;
        if (!last->empty() && *last != now && lock.locked() && lock.holder() == 0) *during = true;
        *last = now;
      };
    });
    BoundedDfs dfs(2);
    const SearchResult res = search(*p, dfs);
    REQUIRE(res.complete);
    CHECK(res.failures.empty());  // one page: no torn read either way
    CHECK(*during == (variant == "linux-6-ext4"));
  }
}

TEST_CASE("linux-2.6.24's simple_write_end zeroes the rest of a short copy even in an uptodate page, today's does not") {
  // ramfs: pwrite of 4 bytes whose copy fails after 2 (an injected fault, so
  // that the prefault has passed). The page is uptodate, so write_end commits
  // the 2 bytes copied -- but 2.6.24's first zeroes bytes [2, 4) of the page,
  // which held the file's "cd": data the failed part of the write never owned.
  Config c = small_config(Filesystem::ramfs, "abcd", 1);
  c.regions = {anon_region("src", 8, 4, "QRST")};
  c.faults.copy_from_user = true;
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 4, 0)})};
  for (const std::string variant : {"linux-2.6.24", "linux-6-ext4"}) {
    CAPTURE(variant);
    auto p = models::pagecache::make_program(with_variant(c, variant));
    sim::StackPool pool;
    Lowest st({3});  // the first copy fails after 2 bytes
    REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
    CHECK(call(p->observation(), 0, 0).result == 2);
    if (variant == "linux-2.6.24")
      CHECK(p->observation().final_cached == Bytes{'Q', 'R', 0, 0});
    else
      CHECK(p->observation().final_cached == bytes("QRcd"));
  }
}

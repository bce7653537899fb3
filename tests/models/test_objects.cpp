// The page-cache objects and the 2.4.0 functions, one at a time: every
// expectation here is what the cited kernel code does.
#include <doctest/doctest.h>

#include <algorithm>

#include "models/pagecache/step.hpp"
#include "models/pagecache/uaccess.hpp"
#include "models/pagecache/vmscan.hpp"
#include "tests/models/bench.hpp"

using namespace models_test;
using models::pagecache::Bytes;
using models::pagecache::KernelBuf;
using models::pagecache::Page;
using models::pagecache::kFreshPageByte;

namespace {

// Records the enabled set at every schedule point; lowest enabled thread.
class Recording : public sim::Strategy {
 public:
  void begin_execution() override {}
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled, const sim::Execution& ex) override {
    seen.push_back({std::vector<sim::ThreadId>(enabled.begin(), enabled.end()), {}});
    for (sim::ThreadId t = 0; t < ex.thread_count(); ++t)
      seen.back().second.push_back(ex.finished(t) ? std::string("(done)") : std::string(ex.pending(t).label));
    return enabled.front();
  }
  std::uint32_t pick_value(std::uint32_t, const char*, const sim::Execution&) override { return 0; }
  bool end_execution(const sim::Execution&) override { return false; }
  std::vector<std::pair<std::vector<sim::ThreadId>, std::vector<std::string>>> seen;
};

}  // namespace

TEST_CASE("__grab_cache_page of an index not in the cache adds a new page, locked and not uptodate") {
  // mm/filemap.c __add_to_page_cache: flags without PG_uptodate/error/dirty, | PG_locked.
  Bench b(small_config(Filesystem::ext2, "abcd"));
  Page* page = nullptr;
  Page* spare = nullptr;
  const sim::ThreadId t = b.spawn("W", [&] { page = b.k().__grab_cache_page(1, spare); });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  REQUIRE(page);
  CHECK(page->locked());
  CHECK(page->lock().holder() == t);
  CHECK_FALSE(page->uptodate);
  CHECK_FALSE(page->dirty);
  CHECK(page->mapping);
  CHECK(b.s->mapping.hash[1] == page);
  CHECK(page->count == 2);  // the page cache's and the caller's
  CHECK(spare == nullptr);
  // page_cache_alloc does not clear the page: its bytes are whatever was there.
  CHECK(std::all_of(page->data.peek().begin(), page->data.peek().end(), [](std::uint8_t c) { return c == kFreshPageByte; }));
}

TEST_CASE("__grab_cache_page of a cached page locks that page") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.file.cached_pages = {0};
  Bench c(cfg);
  Page* page = nullptr;
  Page* spare = nullptr;
  Page* before = c.s->mapping.hash[0];
  REQUIRE(before);
  c.spawn("W", [&] { page = c.k().__grab_cache_page(0, spare); });
  CHECK(c.run().kind == sim::Verdict::Kind::ok);
  CHECK(page == before);
  CHECK(page->locked());
  CHECK(page->uptodate);
}

TEST_CASE("lock_page on a locked page sleeps until the holder unlocks it") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.file.cached_pages = {0};
  Bench b(cfg);
  Page& p = *b.s->mapping.hash[0];
  std::vector<std::string> order;
  b.spawn("A", [&] {
    b.k().lock_page(p);
    order.push_back("A locked");
    models::pagecache::SetPageError(p);  // one more step while holding it
    models::pagecache::UnlockPage(p);
  });
  const sim::ThreadId B = b.spawn("B", [&] {
    b.k().lock_page(p);
    order.push_back("B locked");
  });
  Recording st;
  CHECK(b.run(st).kind == sim::Verdict::Kind::ok);
  CHECK(order == std::vector<std::string>{"A locked", "B locked"});
  // While A held the lock, B sat at lock_page and could not run.
  bool saw_b_blocked = false;
  for (const auto& [enabled, pending] : st.seen)
    if (pending[B] == "lock_page" && std::find(enabled.begin(), enabled.end(), B) == enabled.end())
      saw_b_blocked = true;
  CHECK(saw_b_blocked);
  CHECK(p.lock().holder() == B);
}

TEST_CASE("lock_page on a page whose holder never unlocks it is a deadlock naming the holder") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.file.cached_pages = {0};
  Bench b(cfg);
  Page& p = *b.s->mapping.hash[0];
  b.spawn("A", [&] { b.k().lock_page(p); });
  b.spawn("B", [&] { b.k().lock_page(p); });
  const sim::Verdict& v = b.run();
  REQUIRE(v.kind == sim::Verdict::Kind::deadlock);
  REQUIRE(v.waits.size() == 1);
  CHECK(v.waits[0].waiter_name == "B");
  CHECK(v.waits[0].op == "lock_page");
  CHECK(v.waits[0].object_name == "page[0].PG_locked");
  CHECK(v.waits[0].holder_name == "A");
}

TEST_CASE("ramfs_readpage zero-fills a page that is not uptodate, sets it uptodate and unlocks it") {
  Bench b(small_config(Filesystem::ramfs, "", 1));
  Page* page = nullptr;
  b.spawn("R", [&] {
    page = &b.s->page_cache_alloc(0);
    CHECK_FALSE(b.k().add_to_page_cache_unique(*page, 0));
    CHECK(page->data.peek() == Bytes(4, kFreshPageByte));
    CHECK(b.k().ramfs_readpage(*page) == 0);
  });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  REQUIRE(page);
  CHECK(page->data.peek() == Bytes(4, 0));
  CHECK(page->uptodate);
  CHECK_FALSE(page->locked());
}

TEST_CASE("ramfs_readpage leaves an uptodate page's bytes as they are") {
  Bench b(small_config(Filesystem::ramfs, "abcd", 1));
  Page& page = *b.s->mapping.hash[0];
  b.spawn("R", [&] {
    b.k().lock_page(page);
    b.k().ramfs_readpage(page);
  });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(page.data.peek() == bytes("abcd"));
  CHECK_FALSE(page.locked());
}

TEST_CASE("copy_from_user that faults on an invalid page zero-fills the rest and returns the count not copied") {
  // include/asm-i386/uaccess.h __copy_user_zeroing: the fixup stores zeros over the rest.
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.regions = {anon_region("src", 4, 4, "ABCD"), invalid_region("hole", 8, 4)};
  Bench b(cfg);
  Bytes buf(4, 0xCC), copied;
  std::uint32_t left = 99;
  b.spawn("T", [&] { left = models::pagecache::copy_from_user(*b.s, KernelBuf{buf.data()}, 6, 4, &copied); });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(left == 2);
  CHECK(buf == Bytes{'C', 'D', 0, 0});
  CHECK(copied == bytes("CD"));
  CHECK(b.s->mm.mmap_sem.count() == 1);  // bad_area gave mmap_sem back
}

TEST_CASE("copy_from_user of a user page that is not present faults it in and copies it all") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.regions = {anon_region("src", 4, 4, "ABCD", false)};
  Bench b(cfg);
  Bytes buf(4, 0xCC);
  std::uint32_t left = 99;
  const sim::ThreadId t = b.spawn("T", [&] { left = models::pagecache::copy_from_user(*b.s, KernelBuf{buf.data()}, 4, 4); });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(left == 0);
  CHECK(buf == bytes("ABCD"));
  const auto ops = b.ops_of(t);
  CHECK(std::find(ops.begin(), ops.end(), "do_page_fault: down(mmap_sem)") != ops.end());
  CHECK(b.s->mm.ptes.at(1).present);
}

TEST_CASE("an injected copy_from_user fault after k bytes copies k bytes and zero-fills the rest") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.regions = {anon_region("src", 4, 4, "ABCD")};
  cfg.faults.copy_from_user = true;
  Bench b(cfg);
  Bytes buf(4, 0xCC), copied;
  std::uint32_t left = 99;
  b.spawn("T", [&] { left = models::pagecache::copy_from_user(*b.s, KernelBuf{buf.data()}, 4, 4, &copied); });
  Lowest st({3});  // value 3: the access at byte 2 fails
  CHECK(b.run(st).kind == sim::Verdict::Kind::ok);
  CHECK(left == 2);
  CHECK(buf == Bytes{'A', 'B', 0, 0});
  CHECK(copied == bytes("AB"));
}

TEST_CASE("copy_from_user is one step per chunk, so other threads run between its chunks") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.regions = {anon_region("src", 4, 4, "ABCD")};
  Bench b(cfg);
  Bytes buf(4, 0);
  const sim::ThreadId t = b.spawn("T", [&] { models::pagecache::copy_from_user(*b.s, KernelBuf{buf.data()}, 4, 4); });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  const auto ops = b.ops_of(t);
  CHECK(std::count(ops.begin(), ops.end(), "copy_from_user") == 2);  // 4 bytes, copy_chunk 2
}

TEST_CASE("block_read_full_page reads only the buffers that are not uptodate, and unlocks at I/O end") {
  // fs/buffer.c block_read_full_page: skip uptodate buffers; end_buffer_io_async sets uptodate, unlocks.
  Bench b(small_config(Filesystem::ext2, "abcdefgh", 2));
  b.spawn_disk();
  Page* page = nullptr;
  std::size_t queued = 0;
  bool queued_the_second = false, locked_after = false;
  b.spawn("R", [&] {
    page = &b.s->page_cache_alloc(1);
    CHECK_FALSE(b.k().add_to_page_cache_unique(*page, 1));
    b.k().create_empty_buffers(*page);
    // As a write into block 0 left it: uptodate, with its bytes.
    page->buffers[0].uptodate = true;
    page->data.write()[0] = 'X';
    page->data.write()[1] = 'Y';
    CHECK(b.k().block_read_full_page(*page) == 0);
    queued = b.s->disk.queue.size();
    queued_the_second = queued == 1 && b.s->disk.queue[0].bh == &page->buffers[1];
    locked_after = page->locked();
    b.k().wait_on_page(*page);
  });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(queued == 1);
  CHECK(queued_the_second);
  CHECK(locked_after);
  CHECK(page->uptodate);
  CHECK_FALSE(page->locked());
  CHECK(page->data.peek() == bytes("XYgh"));
}

TEST_CASE("block_read_full_page with every buffer uptodate sets the page uptodate and unlocks it without I/O") {
  Bench b(small_config(Filesystem::ext2, "abcdefgh", 2));  // no disk daemon: I/O would never complete
  Page* page = nullptr;
  b.spawn("R", [&] {
    page = &b.s->page_cache_alloc(1);
    CHECK_FALSE(b.k().add_to_page_cache_unique(*page, 1));
    b.k().create_empty_buffers(*page);
    for (auto& bh : page->buffers) bh.uptodate = true;
    CHECK(b.k().block_read_full_page(*page) == 0);
  });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(b.s->disk.queue.empty());
  CHECK(page->uptodate);
  CHECK_FALSE(page->locked());
}

TEST_CASE("reclaim evicts a clean, unlocked, unmapped page") {
  // The control for the next case: mm/vmscan.c page_launder frees its clean
  // buffers, reclaim_page removes it.
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.file.cached_pages = {0};
  Bench b(cfg);
  Page* page = b.s->mapping.hash[0];
  b.spawn("kswapd", [&] {
    models::pagecache::page_launder(*b.s, 0);
    models::pagecache::reclaim_page(*b.s, 0);
  });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(b.s->mapping.hash[0] == nullptr);
  CHECK(page->freed);
}

TEST_CASE("reclaim never evicts a locked, dirty or mapped page") {
  SUBCASE("locked") {
    Config cfg = small_config(Filesystem::ext2, "abcd", 1);
    cfg.file.cached_pages = {0};
    Bench b(cfg);
    Page* page = b.s->mapping.hash[0];
    b.spawn("T", [&] {
      b.k().lock_page(*page);
      models::pagecache::page_launder(*b.s, 0);
      models::pagecache::reclaim_page(*b.s, 0);
    });
    CHECK(b.run().kind == sim::Verdict::Kind::ok);
    CHECK(b.s->mapping.hash[0] == page);
    CHECK(page->has_buffers);  // TryLockPage failed: the buffers were not touched
  }
  SUBCASE("dirty buffers") {
    Config cfg = small_config(Filesystem::ext2, "abcd", 1);
    cfg.file.cached_pages = {0};
    Bench b(cfg);
    Page* page = b.s->mapping.hash[0];
    page->buffers[1].dirty = true;
    b.spawn("kswapd", [&] {
      models::pagecache::page_launder(*b.s, 0);
      models::pagecache::reclaim_page(*b.s, 0);
    });
    CHECK(b.run().kind == sim::Verdict::Kind::ok);
    CHECK(b.s->mapping.hash[0] == page);
    CHECK(page->has_buffers);
  }
  SUBCASE("PG_dirty (ramfs)") {
    Bench b(small_config(Filesystem::ramfs, "abcd", 1));
    Page* page = b.s->mapping.hash[0];
    REQUIRE(page->dirty);
    b.spawn("kswapd", [&] { models::pagecache::reclaim_page(*b.s, 0); });
    CHECK(b.run().kind == sim::Verdict::Kind::ok);
    CHECK(b.s->mapping.hash[0] == page);
  }
  SUBCASE("mapped by a pte") {
    Config cfg = small_config(Filesystem::ext2, "abcd", 1);
    cfg.regions = {shared_region("map", 8, 4, 0, true)};
    Bench b(cfg);
    Page* page = b.s->mapping.hash[0];
    b.spawn("kswapd", [&] {
      models::pagecache::page_launder(*b.s, 0);
      models::pagecache::reclaim_page(*b.s, 0);
    });
    CHECK(b.run().kind == sim::Verdict::Kind::ok);
    CHECK(b.s->mapping.hash[0] == page);
    CHECK(b.s->mm.ptes.at(2).page == page);
  }
}

TEST_CASE("try_to_swap_out unmaps a shared pte and moves its dirty bit to the page") {
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);
  cfg.regions = {shared_region("map", 8, 4, 0, true)};
  Bench b(cfg);
  Page* page = b.s->mapping.hash[0];
  auto& pte = b.s->mm.ptes.at(2);
  pte.dirty = true;
  const int count_before = page->count;
  bool unmapped = false;
  b.spawn("kswapd", [&] { unmapped = models::pagecache::try_to_swap_out(*b.s, pte); });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(unmapped);
  CHECK_FALSE(pte.present);
  CHECK(page->dirty);
  CHECK(page->list == Page::List::dirty);
  CHECK(page->count == count_before - 1);
  CHECK_FALSE(page->locked());
}

TEST_CASE("page_launder of a dirty ramfs page calls ramfs_writepage, which leaves the page locked (2.4.0)") {
  // fs/ramfs/inode.c L81 ramfs_writepage does not UnlockPage, unlike every
  // writepage that page_launder and filemap_fdatasync expect.
  Bench b(small_config(Filesystem::ramfs, "abcd", 1));
  Page* page = b.s->mapping.hash[0];
  b.spawn("kswapd", [&] { models::pagecache::page_launder(*b.s, 0); });
  CHECK(b.run().kind == sim::Verdict::Kind::ok);
  CHECK(page->locked());
  CHECK(page->dirty);
}

namespace {
// Lowest enabled thread; records each step's executed footprint (label, the
// access to page[0].count) as the next schedule point sees it.
class RecordsCountAccess : public sim::Strategy {
 public:
  explicit RecordsCountAccess(sim::ObjectId count) : count_(count) {}
  void begin_execution() override {}
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled, const sim::Execution& ex) override {
    if (ex.steps() > 0) note(ex.last_step());
    return enabled.front();
  }
  std::uint32_t pick_value(std::uint32_t, const char*, const sim::Execution&) override { return 0; }
  bool end_execution(const sim::Execution& ex) override {
    note(ex.last_step());
    return false;
  }
  std::vector<std::string> seen;

 private:
  void note(const sim::Op& op) {
    for (std::uint8_t k = 0; k < op.touch_count; ++k)
      if (op.touches[k].object == count_)
        seen.push_back(std::string(op.label) + " " + sim::access_letter(op.touches[k].access));
  }
  sim::ObjectId count_;
};
}  // namespace

TEST_CASE("page references: gets and puts of a cached page are adds, a put of a removed page is a write") {
  // include/linux/mm.h get_page/put_page: while page->mapping is set, the
  // page cache's own reference keeps every other put from freeing the page
  // (models/pagecache/page.cpp says why they commute).
  Config cfg = small_config(Filesystem::ext2, "abcd", 1);  // a clean cached page (ramfs's are dirty)
  cfg.file.cached_pages = {0};
  Bench b(cfg);
  Page* page = b.s->mapping.hash[0];
  REQUIRE(page);
  RecordsCountAccess rec(page->count_obj());
  b.spawn("T", [&] {
    Page* p = b.k().__find_get_page(0);                  // get: an add
    models::pagecache::page_cache_release(*p);            // put while cached: an add
    p = b.k().__find_get_page(0);                         // the caller's reference again
    models::pagecache::step(b.ex, "remove", {models::pagecache::W(b.s->mapping.obj), models::pagecache::W(p->count_obj())});
    models::pagecache::__remove_inode_page(b.s->mapping, *p);
    models::pagecache::page_cache_release_in_step(*p);   // the page cache's reference, dropped by the remover
    models::pagecache::page_cache_release(*p);            // out of the cache: a write
    CHECK(b.k().__find_get_page(0) == nullptr);           // a step after it, which the strategy sees
  });
  const sim::Verdict& v = b.run(rec);
  CHECK_MESSAGE(v.kind == sim::Verdict::Kind::ok, v.message);
  std::string seen;
  for (const std::string& x : rec.seen) seen += x + "; ";
  INFO(seen);
  CHECK(rec.seen == std::vector<std::string>{"__find_get_page A", "page_cache_release A", "__find_get_page A",
                                             "remove W", "page_cache_release W"});
  // What is left is the reference of the page's buffers (create_empty_buffers).
  CHECK(page->has_buffers.peek());
  CHECK(page->count.peek() == 1);
}

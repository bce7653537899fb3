// The linux-2.4.0 variant end to end: scenarios as Configs, run as the
// explorer runs them (setup, run, check_end), under strategies of the test's
// own. Expected values come from what the 2.4.0 code does.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

#include "models/pagecache/variants.hpp"
#include "tests/models/bench.hpp"

using namespace models_test;
using models::pagecache::IoVec;
using models::pagecache::Observation;
using models::pagecache::Operation;
using models::pagecache::SyscallRecord;
using models::pagecache::ThreadSpec;

namespace {

Operation touch(std::uint64_t address, bool store, char value = 0) {
  Operation o = op(Operation::Kind::touch, address, 1);
  o.store = store;
  o.value = static_cast<std::uint8_t>(value);
  return o;
}

Operation fsync_op() {
  Operation o;
  o.kind = Operation::Kind::fsync;
  return o;
}

// Problem 1 of the mail: write() whose source is a MAP_SHARED mapping of the
// very page it writes, with reclaim able to act.
Config self_write_config(bool present, std::uint32_t reclaim_budget) {
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.regions = {shared_region("map", 8, 4, 0, present)};
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 4, 0)})};
  if (reclaim_budget) c.agents = {models::pagecache::AgentSpec{models::pagecache::AgentSpec::Kind::reclaim, reclaim_budget}};
  return c;
}

std::size_t index_of(const RunResult& r, const std::string& thread, const std::string& op, bool last = false) {
  std::size_t found = r.history.size();
  for (std::size_t i = 0; i < r.history.size(); ++i)
    if (r.thread_names[r.history[i].thread] == thread && r.history[i].op == op) {
      found = i;
      if (!last) break;
    }
  return found;
}

}  // namespace

TEST_CASE("variants: linux-2.4.0 is there, an unknown name and a bad Config are rejected") {
  const auto& v = models::pagecache::variants();
  CHECK(std::any_of(v.begin(), v.end(), [](const auto& x) { return x.name == "linux-2.4.0" && !x.description.empty(); }));
  Config c = small_config(Filesystem::ext2, "abcd");
  c.variant = "linux-9.9";
  CHECK_THROWS_AS(models::pagecache::make_program(c), std::invalid_argument);
  c.variant = "linux-2.4.0";
  c.geometry.block_size = 3;
  CHECK_THROWS_AS(models::pagecache::make_program(c), std::invalid_argument);
}

// file15: a Config built in code meets the loader's bound on where writes
// may reach (models/pagecache/position_bound.hpp): an O_APPEND write starts
// at i_size, which the threads' writes may have grown; an open while the
// file is open has no fd to give.
TEST_CASE("a bad Config: an append that may pass the largest file, an open of an open file") {
  Config c = small_config(Filesystem::ext2, "abcd", 2);  // the largest file: 8 bytes
  c.regions = {anon_region("src", 0x1000, 4, "wxyz")};
  c.threads = {thread("A", {op(Operation::Kind::write, 0x1000, 4)})};
  c.threads[0].open_flags = models::pagecache::kOpenAppend;
  CHECK_NOTHROW(models::pagecache::make_program(c));  // 4 + 4 bytes fit
  c.threads.push_back(thread("B", {op(Operation::Kind::write, 0x1000, 1)}));
  c.threads[1].open_flags = models::pagecache::kOpenAppend;
  CHECK_THROWS_AS(models::pagecache::make_program(c), std::invalid_argument);  // 4 + 4 + 1
  c.threads[1].open_flags = 0;  // B writes at its own position 0: fits
  CHECK_NOTHROW(models::pagecache::make_program(c));
  Operation reopen;
  reopen.kind = Operation::Kind::open;
  c.threads[1].ops.insert(c.threads[1].ops.begin(), reopen);
  CHECK_THROWS_AS(models::pagecache::make_program(c), std::invalid_argument);
}

TEST_CASE("a single write then a read gives the written bytes") {
  for (Filesystem fs : {Filesystem::ext2, Filesystem::ramfs}) {
    CAPTURE(fs == Filesystem::ext2 ? "ext2" : "ramfs");
    Config c = small_config(fs, "abcdefgh", 2);
    c.regions = {anon_region("src", 16, 4, "WXYZ"), anon_region("dst", 20, 4, "")};
    // Four bytes at offset 2: the end of page 0 and the start of page 1.
    c.threads = {thread("T", {op(Operation::Kind::pwrite, 16, 4, 2), op(Operation::Kind::pread, 20, 4, 2)})};
    auto p = models::pagecache::make_program(c);
    sim::StackPool pool;
    Lowest st;
    const RunResult r = run_once(*p, st, pool);
    REQUIRE(r.verdict.kind == sim::Verdict::Kind::ok);
    const Observation& o = p->observation();
    const SyscallRecord& w = call(o, 0, 0);
    const SyscallRecord& rd = call(o, 0, 1);
    CHECK(w.completed);
    CHECK(w.result == 4);
    CHECK(w.data == bytes("WXYZ"));
    CHECK(w.file_offset == 2);
    CHECK(rd.result == 4);
    CHECK(rd.data == bytes("WXYZ"));
    CHECK(w.begin_step <= w.end_step);
    CHECK(w.end_step <= rd.begin_step);
    CHECK(o.final_read_done);
    CHECK(o.final_cached == bytes("abWXYZgh"));
    CHECK(o.final_after_evict == bytes("abWXYZgh"));
  }
}

TEST_CASE("write() and read() go on from the file position") {
  Config c = small_config(Filesystem::ext2, "abcdefgh", 2);
  c.regions = {anon_region("src", 16, 4, "WXYZ"), anon_region("dst", 20, 4, "")};
  c.threads = {thread("T", {op(Operation::Kind::write, 16, 4), op(Operation::Kind::read, 20, 4)})};
  auto p = models::pagecache::make_program(c);
  sim::StackPool pool;
  Lowest st;
  REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
  CHECK(call(p->observation(), 0, 1).file_offset == 4);
  CHECK(call(p->observation(), 0, 1).data == bytes("efgh"));
  CHECK(p->observation().final_after_evict == bytes("WXYZefgh"));
}

TEST_CASE("a write that extends the file grows i_size, and the disk has it after the sync") {
  Config c = small_config(Filesystem::ext2, "ab", 2);
  c.regions = {anon_region("src", 16, 4, "WXYZ")};
  c.threads = {thread("T", {op(Operation::Kind::pwrite, 16, 4, 3)})};
  auto p = models::pagecache::make_program(c);
  sim::StackPool pool;
  Lowest st;
  REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
  CHECK(p->state().inode.i_size == 7);
  // Byte 2 is a hole in a new block: __block_prepare_write zeroed it.
  CHECK(p->observation().final_cached == Bytes{'a', 'b', 0, 'W', 'X', 'Y', 'Z'});
  CHECK(p->observation().final_after_evict == Bytes{'a', 'b', 0, 'W', 'X', 'Y', 'Z'});
}

TEST_CASE("writev writes each iovec with its own generic_file_write") {
  Config c = small_config(Filesystem::ext2, "abcdefgh", 2);
  c.regions = {anon_region("a", 16, 4, "PQ"), anon_region("b", 24, 4, "RS")};
  Operation w;
  w.kind = Operation::Kind::writev;
  w.iov = {IoVec{16, 2}, IoVec{24, 2}};
  c.threads = {thread("T", {w})};
  auto p = models::pagecache::make_program(c);
  sim::StackPool pool;
  Lowest st;
  const RunResult r = run_once(*p, st, pool, true);
  REQUIRE(r.verdict.kind == sim::Verdict::Kind::ok);
  CHECK(call(p->observation(), 0, 0).result == 4);
  CHECK(call(p->observation(), 0, 0).data == bytes("PQRS"));
  CHECK(p->observation().final_after_evict == bytes("PQRSefgh"));
  const auto downs = std::count_if(r.history.begin(), r.history.end(),
                                   [](const sim::Event& e) { return e.op == "generic_file_write: down(i_sem)"; });
  CHECK(downs == 2);
}

TEST_CASE("a store through a MAP_SHARED mapping reaches the disk through munmap and fsync, or msync") {
  SUBCASE("munmap, then fsync") {
    Config c = small_config(Filesystem::ext2, "abcd", 1);
    c.regions = {shared_region("map", 8, 4, 0, true)};
    c.threads = {thread("T", {touch(9, true, 'Z'), op(Operation::Kind::munmap, 8, 4), touch(9, false), fsync_op()})};
    auto p = models::pagecache::make_program(c);
    p->set_final_read(false);
    sim::StackPool pool;
    Lowest st;
    REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
    CHECK(call(p->observation(), 0, 0).result == 1);
    CHECK(call(p->observation(), 0, 1).result == 0);
    CHECK(call(p->observation(), 0, 2).result == -14);  // the mapping is gone: SIGSEGV
    CHECK(call(p->observation(), 0, 3).result == 0);
    CHECK(p->state().disk.blocks[0] == bytes("aZ"));
  }
  SUBCASE("msync") {
    Config c = small_config(Filesystem::ext2, "abcd", 1);
    c.regions = {shared_region("map", 8, 4, 0, true)};
    c.threads = {thread("T", {touch(10, true, 'Z'), op(Operation::Kind::msync, 8, 4)})};
    auto p = models::pagecache::make_program(c);
    p->set_final_read(false);
    sim::StackPool pool;
    Lowest st;
    REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
    CHECK(call(p->observation(), 0, 1).result == 0);
    CHECK(p->state().disk.blocks[1] == bytes("Zd"));
  }
  SUBCASE("without either, the disk keeps its old bytes") {
    Config c = small_config(Filesystem::ext2, "abcd", 1);
    c.regions = {shared_region("map", 8, 4, 0, true)};
    c.threads = {thread("T", {touch(10, true, 'Z')})};
    auto p = models::pagecache::make_program(c);
    p->set_final_read(false);
    sim::StackPool pool;
    Lowest st;
    REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
    CHECK(p->state().disk.blocks[1] == bytes("cd"));
  }
}

TEST_CASE("problem 1: the self-deadlock is reachable when reclaim strikes between the prefault and __grab_cache_page") {
  for (bool present : {true, false}) {
    CAPTURE(present);
    auto p = models::pagecache::make_program(self_write_config(present, 2));
    BoundedDfs dfs(1);
    const SearchResult res = search(*p, dfs);
    REQUIRE(res.failures.size() == 1);
    const sim::Verdict& v = res.failures[0].verdict;
    REQUIRE(v.kind == sim::Verdict::Kind::deadlock);
    CHECK(v.self_deadlock);
    REQUIRE(v.waits.size() == 1);
    CHECK(v.waits[0].waiter_name == "W");
    CHECK(v.waits[0].op == "lock_page");
    CHECK(v.waits[0].object_name == "page[0].PG_locked");
    CHECK(v.waits[0].holder_name == "W");

    // Replayed with history: reclaim unmapped the pte and evicted the page
    // after W's prefault and before its __grab_cache_page added a new page;
    // the copy then faulted into filemap_nopage while holding mmap_sem.
    sim::StackPool pool;
    Replay replay(res.failures[0].schedule);
    const RunResult r = run_once(*p, replay, pool, true);
    REQUIRE(r.verdict.kind == sim::Verdict::Kind::deadlock);
    const std::size_t prefault = index_of(r, "W", "__get_user", true);
    // reclaim's first action: its choice 0 is the pte (ptes come first among
    // its targets, and W's prefault made it present).
    const std::size_t swap_out = index_of(r, "kswapd", "kswapd: try_to_swap_out or page_launder");
    REQUIRE(swap_out < r.history.size());
    CHECK(r.history[swap_out].note.ends_with("= 0"));
    const std::size_t evict = index_of(r, "kswapd", "reclaim_page", true);
    const std::size_t grab = index_of(r, "W", "add_to_page_cache_unique", true);
    const std::size_t fault = index_of(r, "W", "filemap_nopage: i_size", true);
    REQUIRE(grab < r.history.size());
    CHECK(prefault < swap_out);
    CHECK(swap_out < evict);
    CHECK(evict < grab);
    CHECK(grab < fault);
    // W's last step saw its own new page not uptodate; its lock_page never runs.
    CHECK(r.history.back().thread == 0);
    CHECK(r.history.back().op == "Page_Uptodate");
  }
}

TEST_CASE("problem 1, ABBA form: i_sem -> page lock -> mmap_sem against a fault that holds mmap_sem and waits on that page") {
  // W writes page 0 from a MAP_SHARED mapping of page 1; reclaim unmaps that
  // pte after the prefault; F touches a mapping of page 0, not yet present.
  Config c = small_config(Filesystem::ext2, "abcdefgh", 2);
  c.regions = {shared_region("map0", 8, 4, 0, false), shared_region("map1", 12, 4, 4, true)};
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 12, 4, 0)}), thread("F", {touch(8, false)})};
  c.agents = {models::pagecache::AgentSpec{models::pagecache::AgentSpec::Kind::reclaim, 1}};
  auto p = models::pagecache::make_program(c);
  BoundedDfs dfs(1);
  const SearchResult res = search(*p, dfs);
  REQUIRE(res.failures.size() == 1);
  const sim::Verdict& v = res.failures[0].verdict;
  REQUIRE(v.kind == sim::Verdict::Kind::deadlock);
  CHECK_FALSE(v.self_deadlock);
  REQUIRE(v.waits.size() == 2);
  CHECK(v.waits[0].waiter_name == "W");
  CHECK(v.waits[0].object_name == "mm.mmap_sem");
  CHECK(v.waits[0].holder_name == "F");
  CHECK(v.waits[1].waiter_name == "F");
  CHECK(v.waits[1].op == "lock_page");
  CHECK(v.waits[1].object_name == "page[0].PG_locked");
  CHECK(v.waits[1].holder_name == "W");
  CHECK(v.cycle.size() == 2);
}

TEST_CASE("msync against a writer: mmap_sem -> i_sem against i_sem -> mmap_sem") {
  Config c = small_config(Filesystem::ext2, "abcdefgh", 2);
  c.file.cached_pages = {0};
  c.regions = {shared_region("map1", 12, 4, 4, true)};
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 12, 4, 0)}), thread("M", {op(Operation::Kind::msync, 12, 4)})};
  c.agents = {models::pagecache::AgentSpec{models::pagecache::AgentSpec::Kind::reclaim, 1}};
  auto p = models::pagecache::make_program(c);
  BoundedDfs dfs(1);
  const SearchResult res = search(*p, dfs);
  REQUIRE(res.failures.size() == 1);
  const sim::Verdict& v = res.failures[0].verdict;
  REQUIRE(v.kind == sim::Verdict::Kind::deadlock);
  REQUIRE(v.waits.size() == 2);
  CHECK(v.waits[0].object_name == "mm.mmap_sem");
  CHECK(v.waits[1].object_name == "inode.i_sem");
}

TEST_CASE("problem 1: without reclaim, the prefault brings the source page in first and every schedule ends") {
  for (bool present : {true, false}) {
    CAPTURE(present);
    auto p = models::pagecache::make_program(self_write_config(present, 0));
    BoundedDfs dfs(100);
    const SearchResult res = search(*p, dfs);
    CHECK(res.complete);
    CHECK(res.failures.empty());
    REQUIRE(res.outcomes.size() == 1);
    CHECK(res.outcomes.begin()->find("final \"abcd\" / \"abcd\"") != std::string::npos);
  }
}

TEST_CASE("the same schedule gives the same execution, step by step") {
  auto p = models::pagecache::make_program(self_write_config(false, 2));
  BoundedDfs dfs(1);
  const SearchResult res = search(*p, dfs);
  REQUIRE(res.failures.size() == 1);
  sim::StackPool pool;
  Replay a(res.failures[0].schedule), b(res.failures[0].schedule);
  const RunResult ra = run_once(*p, a, pool, true);
  const RunResult rb = run_once(*p, b, pool, true);
  REQUIRE(ra.history.size() == rb.history.size());
  for (std::size_t i = 0; i < ra.history.size(); ++i) {
    CHECK(ra.history[i].thread == rb.history[i].thread);
    CHECK(ra.history[i].op == rb.history[i].op);
    CHECK(ra.history[i].state == rb.history[i].state);
  }
  CHECK(ra.schedule == res.failures[0].schedule);
}

TEST_CASE("problem 3: a reader copies an uptodate page without its lock, between the writer's chunks") {
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.file.cached_pages = {0};
  c.regions = {anon_region("src", 8, 4, "WXYZ"), anon_region("dst", 12, 4, "")};
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 4, 0)}), thread("R", {op(Operation::Kind::pread, 12, 4, 0)})};
  auto p = models::pagecache::make_program(c);
  BoundedDfs dfs(1);
  const SearchResult res = search(*p, dfs);
  CHECK(res.complete);
  CHECK(res.failures.empty());
  auto seen = [&](const std::string& read) {
    return std::any_of(res.outcomes.begin(), res.outcomes.end(), [&](const std::string& o) {
      return o.find("T1.0 pread=4 \"" + read + "\"") != std::string::npos;
    });
  };
  CHECK(seen("abcd"));
  CHECK(seen("WXYZ"));
  CHECK(seen("WXcd"));  // the first chunk of the copy is in, the second not yet
  CHECK(seen("abYZ"));  // the reader's first chunk before the writer's, its second after
}

TEST_CASE("problem 2 on ext2: a short copy leaves its partial bytes and zero fill in the page, for the next reader") {
  // fail_write: ClearPageUptodate, no commit_write. The buffers stay uptodate,
  // so block_read_full_page sets the page uptodate again without I/O.
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.file.cached_pages = {0};
  c.regions = {anon_region("src", 8, 4, "QR")};
  c.faults.copy_from_user = true;
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 2, 0)})};
  auto p = models::pagecache::make_program(c);
  sim::StackPool pool;
  Lowest st({2});  // copy_from_user fails after 1 byte
  REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
  const Observation& o = p->observation();
  CHECK(call(o, 0, 0).result == -14);
  CHECK(call(o, 0, 0).data.empty());
  CHECK(o.final_cached == Bytes{'Q', 0, 'c', 'd'});
  CHECK(o.final_after_evict == bytes("abcd"));  // nothing reached the disk
}

TEST_CASE("problem 2 on ramfs: a short copy clears PG_uptodate and the next read zero-fills the page") {
  Config c = small_config(Filesystem::ramfs, "abcd", 1);
  c.regions = {anon_region("src", 8, 4, "QR")};
  c.faults.copy_from_user = true;
  c.threads = {thread("W", {op(Operation::Kind::pwrite, 8, 2, 0)})};
  auto p = models::pagecache::make_program(c);
  sim::StackPool pool;
  Lowest st({2});
  REQUIRE(run_once(*p, st, pool).verdict.kind == sim::Verdict::Kind::ok);
  CHECK(call(p->observation(), 0, 0).result == -14);
  CHECK(p->observation().final_cached == Bytes(4, 0));
}

TEST_CASE("with read I/O errors allowed, a failed read returns -EIO") {
  Config c = small_config(Filesystem::ext2, "abcd", 1);
  c.regions = {anon_region("dst", 8, 4, "")};
  c.faults.read_io_error = true;
  c.threads = {thread("R", {op(Operation::Kind::pread, 8, 4, 0)})};
  auto p = models::pagecache::make_program(c);
  BoundedDfs dfs(1);
  const SearchResult res = search(*p, dfs);
  CHECK(res.complete);
  CHECK(res.failures.empty());
  bool eio = false, ok = false;
  for (const std::string& o : res.outcomes) {
    eio |= o.find("T0.0 pread=-5") != std::string::npos;
    ok |= o.find("T0.0 pread=4 \"abcd\"") != std::string::npos;
  }
  CHECK(eio);
  CHECK(ok);
}

// The modelled primitives keep kernel semantics: PG_locked-like bit locks and
// semaphores sleep, wake and report misuse as the kernel does.
#include <doctest/doctest.h>

#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"
#include "tests/sim/scripted.hpp"

using namespace sim;
using sim::testing::Scripted;

TEST_CASE("a second lock waits while the first holder has the lock, and unlock wakes it") {
  StackPool pool;
  Execution ex(pool);
  BitLock page(ex, "page 0");
  std::vector<std::string> order;
  ex.spawn("A", [&] {
    page.lock("lock_page");
    order.push_back("A locked");
    page.unlock("UnlockPage");
    order.push_back("A unlocked");
  });
  ex.spawn("B", [&] {
    page.lock("lock_page");
    order.push_back("B locked");
    page.unlock("UnlockPage");
  });
  // A takes the lock first; then B is asked to run but cannot until A unlocks.
  Scripted s({0});
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  REQUIRE(s.seen_enabled.size() >= 3);
  CHECK(s.seen_enabled[0] == std::vector<ThreadId>{0, 1});
  // After A's lock_page: A's next op (unlock) is enabled, B's lock_page is not.
  CHECK(s.seen_enabled[1] == std::vector<ThreadId>{0});
  // After A's UnlockPage (A then ends), B is woken.
  CHECK(s.seen_enabled[2] == std::vector<ThreadId>{1});
  CHECK(order.front() == "A locked");
  CHECK(!page.locked());
}

TEST_CASE("unlocking an unlocked bit lock is a kernel bug") {
  StackPool pool;
  Execution ex(pool);
  BitLock page(ex, "page 3");
  ex.spawn("writer", [&] { page.unlock("UnlockPage"); });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::violation);
  CHECK(v.invariant == "kernel-bug");
  CHECK(v.message.find("page 3") != std::string::npos);
  CHECK(v.thread == 0);
}

TEST_CASE("trylock reports an already-locked lock as TryLockPage does") {
  StackPool pool;
  Execution ex(pool);
  BitLock page(ex, "page 0");
  bool first = true, second = false;
  ex.spawn("T", [&] {
    first = page.trylock("TryLockPage");
    second = page.trylock("TryLockPage");
  });
  Scripted s;
  ex.run(s, {});
  CHECK_FALSE(first);
  CHECK(second);
  CHECK(page.holder() == 0);
}

TEST_CASE("down on a semaphore whose count is zero blocks until up") {
  StackPool pool;
  Execution ex(pool);
  Semaphore sem(ex, "i_sem", 0);
  int after_down = 0;
  ex.spawn("sleeper", [&] {
    sem.down("down");
    after_down = 1;
  });
  ex.spawn("waker", [&] { sem.up("up"); });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(s.seen_enabled[0] == std::vector<ThreadId>{1});  // the sleeper cannot run first
  CHECK(after_down == 1);
  CHECK(sem.count() == 0);
}

TEST_CASE("down on a zero semaphore with nobody to up it is a deadlock naming the waiter") {
  StackPool pool;
  Execution ex(pool);
  Semaphore sem(ex, "mmap_sem", 1);
  ex.spawn("T", [&] {
    sem.down("down(mmap_sem)");
    sem.down("down(mmap_sem)");
  });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::deadlock);
  CHECK(v.self_deadlock);
  REQUIRE(v.waits.size() == 1);
  CHECK(v.waits[0].object_name == "mmap_sem");
  CHECK(v.waits[0].holder == 0);
}

TEST_CASE("wait_unlocked sleeps while locked and does not take the lock") {
  StackPool pool;
  Execution ex(pool);
  BitLock page(ex, "page 0");
  bool waited = false;
  ex.spawn("io", [&] {
    page.lock("lock_page");
    page.unlock("end_buffer_io_async");
  });
  ex.spawn("reader", [&] {
    page.wait_unlocked("wait_on_page");
    waited = true;
  });
  Scripted s({0});  // the io thread locks first; the reader must wait for its unlock
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(waited);
  CHECK(s.seen_enabled[1] == std::vector<ThreadId>{0});
  CHECK(!page.locked());
}

TEST_CASE("shared words are visible operations") {
  StackPool pool;
  Execution ex(pool);
  SharedWord w(ex, "x", 5);
  std::int64_t seen = 0;
  ex.spawn("T", [&] {
    seen = w.load();
    w.store(seen + 1);
  });
  Scripted s;
  ex.run(s, {});
  CHECK(seen == 5);
  CHECK(w.peek() == 6);
  CHECK(ex.steps() == 2);
}

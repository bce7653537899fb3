// The modelled primitives keep kernel semantics: PG_locked-like bit locks and
// semaphores sleep, wake and report misuse as the kernel does.
#include <doctest/doctest.h>

#include <algorithm>

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

// ---- RwSemaphore (lib/rwsem-spinlock.c rules)

TEST_CASE("rw semaphore: readers share it, a writer waits for the last reader") {
  StackPool pool;
  Execution ex(pool);
  RwSemaphore sem(ex, "i_rwsem");
  std::vector<std::string> order;
  ex.spawn("R1", [&] {
    sem.down_read();
    order.push_back("R1 in");
    sem.up_read();
  });
  ex.spawn("R2", [&] {
    sem.down_read();
    order.push_back("R2 in");
    sem.up_read();
  });
  ex.spawn("W", [&] {
    sem.down_write();
    order.push_back("W in");
    sem.up_write();
  });
  // R1 and R2 take it; W queues; both readers leave; W runs.
  Scripted s({0, 1, 2, 0, 1, 2, 2});
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(order == std::vector<std::string>{"R1 in", "R2 in", "W in"});
  // After the three attempts only the readers' up_read can run (W sleeps).
  CHECK(s.seen_enabled[3] == std::vector<ThreadId>{0, 1});
  // After R1's up_read, W still sleeps: R2 holds it.
  CHECK(s.seen_enabled[4] == std::vector<ThreadId>{1});
  // After R2's up_read, the lock was handed to W.
  CHECK(s.seen_enabled[5] == std::vector<ThreadId>{2});
  CHECK(sem.activity() == 0);
  CHECK(sem.holders().empty());
}

TEST_CASE("rw semaphore: a reader does not overtake a queued writer") {
  StackPool pool;
  Execution ex(pool);
  RwSemaphore sem(ex, "mmap_sem");
  std::vector<std::string> order;
  ex.spawn("R1", [&] {
    sem.down_read();
    order.push_back("R1 in");
    sem.up_read();
  });
  ex.spawn("W", [&] {
    sem.down_write();
    order.push_back("W in");
    sem.up_write();
  });
  ex.spawn("R2", [&] {
    sem.down_read();
    order.push_back("R2 in");
    sem.up_read();
  });
  // R1 holds it for reading, W queues, R2 tries: only readers hold the
  // lock, but a writer waits, so R2 queues behind it.
  Scripted s({0, 1, 2});
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(s.seen_enabled[3] == std::vector<ThreadId>{0});
  CHECK(s.seen_enabled[4] == std::vector<ThreadId>{1});  // R1 left: handed to W alone
  CHECK(order == std::vector<std::string>{"R1 in", "W in", "R2 in"});
}

TEST_CASE("rw semaphore: up_write hands it to every reader at the head of the queue, up to a writer") {
  StackPool pool;
  Execution ex(pool);
  RwSemaphore sem(ex, "sem");
  int readers_in = 0, max_readers = 0;
  auto reader = [&] {
    sem.down_read();
    max_readers = std::max(max_readers, ++readers_in);
    --readers_in;
    sem.up_read();
  };
  ex.spawn("W1", [&] {
    sem.down_write();
    sem.up_write();
  });
  ex.spawn("R1", reader);
  ex.spawn("R2", reader);
  ex.spawn("W2", [&] {
    sem.down_write();
    sem.up_write();
  });
  // W1 holds it; R1, R2, W2 queue in that order; W1 leaves.
  Scripted s({0, 1, 2, 3, 0});
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(s.seen_enabled[5] == std::vector<ThreadId>{1, 2});  // both readers, not W2
  CHECK(sem.activity() == 0);
}

TEST_CASE("rw semaphore: a queued writer closes the i_sem/page lock/mmap_sem cycle, and the report names it") {
  StackPool pool;
  Execution ex(pool);
  RwSemaphore mmap_sem(ex, "mm.mmap_sem");
  BitLock page(ex, "page[0].PG_locked");
  ex.spawn("faulter", [&] {  // a fault: mmap_sem for reading, then the page lock
    mmap_sem.down_read("do_page_fault: down_read(mmap_sem)");
    page.lock("lock_page");
  });
  ex.spawn("writer", [&] {  // holds the page, then its copy faults
    page.lock("lock_page");
    mmap_sem.down_read("do_page_fault: down_read(mmap_sem)");
  });
  ex.spawn("munmap", [&] {
    mmap_sem.down_write("sys_munmap: down_write(mmap_sem)");
    mmap_sem.up_write("sys_munmap: up_write(mmap_sem)");
  });
  // faulter reads mmap_sem; writer locks the page; munmap queues for
  // writing; writer's down_read queues behind it: nobody can run.
  Scripted s({0, 1, 2, 1});
  const Verdict& v = ex.run(s, {});
  REQUIRE(v.kind == Verdict::Kind::deadlock);
  CHECK(v.waits.size() == 3);
  // The writer waits for the munmap queued ahead of it, which waits for the
  // faulter that holds mmap_sem, which waits for the writer's page.
  CHECK(v.message.find("writer sleeps in do_page_fault: down_read(mmap_sem) on mm.mmap_sem, queued behind munmap") !=
        std::string::npos);
  CHECK(v.message.find("munmap sleeps in sys_munmap: down_write(mmap_sem) on mm.mmap_sem, held by faulter") !=
        std::string::npos);
  CHECK(v.message.find("wait-for cycle: faulter -> writer -> munmap -> faulter") != std::string::npos);
  REQUIRE(v.cycle.size() == 3);
}

TEST_CASE("rw semaphore: up_read by a thread that holds nothing is a kernel bug") {
  StackPool pool;
  Execution ex(pool);
  RwSemaphore sem(ex, "sem");
  ex.spawn("T", [&] { sem.up_read(); });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::violation);
  CHECK(v.invariant == "kernel-bug");
}

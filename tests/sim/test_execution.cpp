// One execution: schedule points, decisions, how executions end.
#include <doctest/doctest.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"
#include "tests/sim/scripted.hpp"

using namespace sim;
using sim::testing::Scripted;

TEST_CASE("every decision is recorded: thread choices and fault values in one list") {
  StackPool pool;
  Execution ex(pool);
  SharedWord w(ex, "w");
  std::uint32_t got = 99;
  ex.spawn("A", [&] {
    w.store(1);
    got = ex.choose(3, "copy_from_user fails after");
  });
  ex.spawn("B", [&] { w.store(2); });
  Scripted s({1, 0, 0}, {2});
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(got == 2);
  const Schedule expected{Decision::thread(1), Decision::thread(0), Decision::choice(2, 3)};
  CHECK(ex.schedule() == expected);
  CHECK(w.peek() == 1);
}

TEST_CASE("a thread's start is no decision: the first schedule point already sees every thread's first op") {
  StackPool pool;
  Execution ex(pool);
  SharedWord a(ex, "a"), b(ex, "b");
  ex.spawn("A", [&] { a.store(1, "store a"); });
  ex.spawn("B", [&] { b.store(1, "store b"); });
  Scripted s;
  ex.run(s, {});
  CHECK(ex.steps() == 2);
  CHECK(std::string(ex.pending(0).label) == "store a");
  CHECK(std::string(ex.pending(1).label) == "store b");
}

TEST_CASE("two threads taking two locks in opposite order deadlock, and the cycle is named") {
  StackPool pool;
  Execution ex(pool);
  Semaphore l1(ex, "L1", 1), l2(ex, "L2", 1);
  ex.spawn("T1", [&] {
    l1.down();
    l2.down();
    l2.up();
    l1.up();
  });
  ex.spawn("T2", [&] {
    l2.down();
    l1.down();
    l1.up();
    l2.up();
  });
  Scripted s({0, 1});
  const Verdict& v = ex.run(s, {});
  REQUIRE(v.kind == Verdict::Kind::deadlock);
  CHECK_FALSE(v.self_deadlock);
  CHECK(v.cycle.size() == 2);
  REQUIRE(v.waits.size() == 2);
  CHECK(v.waits[0].waiter_name == "T1");
  CHECK(v.waits[0].object_name == "L2");
  CHECK(v.waits[0].holder_name == "T2");
  CHECK(v.waits[1].object_name == "L1");
  CHECK(v.waits[1].holder_name == "T1");
  CHECK(v.message.find("wait-for cycle: T1 -> T2 -> T1") != std::string::npos);
}

TEST_CASE("taking a non-recursive bit lock twice is a self-deadlock") {
  StackPool pool;
  Execution ex(pool);
  BitLock page(ex, "page 0");
  ex.spawn("writer", [&] {
    page.lock("__grab_cache_page");
    page.lock("filemap_nopage");
  });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  REQUIRE(v.kind == Verdict::Kind::deadlock);
  CHECK(v.self_deadlock);
  CHECK(v.cycle == std::vector<ThreadId>{0});
  CHECK(v.message.find("self-deadlock") != std::string::npos);
  CHECK(v.message.find("writer sleeps in filemap_nopage on page 0, which it holds itself") != std::string::npos);
}

TEST_CASE("a daemon does not keep the execution alive, and an idle daemon is no deadlock") {
  StackPool pool;
  Execution ex(pool);
  Semaphore requests(ex, "requests", 0);
  int served = 0;
  ex.spawn("disk", [&] {
    for (;;) {
      requests.down("wait for request");
      ++served;
    }
  }, true);
  ex.spawn("T", [&] { requests.up("submit"); });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(served <= 1);
}

TEST_CASE("an execution past the step bound is a livelock suspect naming the bound and the flag") {
  StackPool pool;
  Execution ex(pool);
  SharedWord w(ex, "w");
  ex.spawn("spinner", [&] {
    while (w.load() == 0) {
    }
  });
  Scripted s;
  ExecutionOptions o;
  o.max_steps = 50;
  const Verdict& v = ex.run(s, o);
  CHECK(v.kind == Verdict::Kind::livelock_suspect);
  CHECK(v.message.find("50") != std::string::npos);
  CHECK(v.message.find("--max-steps") != std::string::npos);
  CHECK(ex.steps() == 50);
}

TEST_CASE("a violation ends the execution at once and names thread and step") {
  StackPool pool;
  Execution ex(pool);
  SharedWord w(ex, "w");
  bool went_on = false;
  ex.spawn("A", [&] {
    w.store(1);
    w.store(2);
    ex.fail("torn-read", "saw 1 where 2 or 0 was expected");
    went_on = true;
  });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::violation);
  CHECK(v.invariant == "torn-read");
  CHECK(v.step == 2);
  CHECK(v.thread == 0);
  CHECK_FALSE(went_on);
}

TEST_CASE("the step check runs after every step and may fail the execution") {
  StackPool pool;
  Execution ex(pool);
  SharedWord w(ex, "w");
  int checks = 0;
  ex.set_step_check([&] {
    ++checks;
    if (w.peek() == 3) ex.fail("uptodate-lost", "w became 3");
  });
  ex.spawn("A", [&] {
    for (int i = 1; i <= 5; ++i) w.store(i);
  });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.invariant == "uptodate-lost");
  CHECK(v.step == 3);
  CHECK(checks == 3);
}

TEST_CASE("a model that throws is an internal error, not a verdict about the kernel") {
  StackPool pool;
  Execution ex(pool);
  SharedWord w(ex, "w");
  ex.spawn("A", [&] {
    w.store(1);
    throw std::runtime_error("index out of range");
  });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message.find("index out of range") != std::string::npos);
}

namespace {
struct Counted {
  int* alive;
  explicit Counted(int* a) : alive(a) { ++*alive; }
  ~Counted() { --*alive; }
};
}  // namespace

TEST_CASE("threads left blocked at the end are unwound: their locals are destroyed") {
  int alive = 0;
  {
    StackPool pool;
    Execution ex(pool);
    BitLock l(ex, "l");
    ex.spawn("A", [&] {
      Counted c(&alive);
      auto p = std::make_unique<Counted>(&alive);
      l.lock();
      l.lock();  // self-deadlock: never returns
    });
    Scripted s;
    ex.run(s, {});
    CHECK(alive == 2);
  }
  CHECK(alive == 0);
}

TEST_CASE("history: one event per step with the state after it, and the same schedule gives the same history") {
  auto run_once = [](std::vector<ThreadId> script) {
    StackPool pool;
    Execution ex(pool);
    SharedWord w(ex, "w");
    ex.set_state_describer([&] { return "w=" + std::to_string(w.peek()); });
    ex.spawn("A", [&] {
      w.store(1, "store");
      ex.choose(2, "fault");
    });
    ex.spawn("B", [&] { w.store(w.load("load") + 10, "store"); });
    Scripted s(std::move(script), {1});
    ExecutionOptions o;
    o.history = true;
    ex.run(s, o);
    return ex.history();
  };
  auto h1 = run_once({1, 0, 1});
  auto h2 = run_once({1, 0, 1});
  REQUIRE(h1.size() == 3);
  CHECK(h1[0].op == "load");
  CHECK(h1[0].thread == 1);
  CHECK(h1[1].op == "store");
  CHECK(h1[1].state == "w=1");
  CHECK(h1[1].note == "fault = 1");
  CHECK(h1[2].state == "w=10");
  REQUIRE(h1.size() == h2.size());
  for (std::size_t i = 0; i < h1.size(); ++i) {
    CHECK(h1[i].op == h2[i].op);
    CHECK(h1[i].thread == h2[i].thread);
    CHECK(h1[i].state == h2[i].state);
    CHECK(h1[i].note == h2[i].note);
  }
}

TEST_CASE("the epilogue runs alone with the daemons, after every thread ended") {
  StackPool pool;
  Execution ex(pool);
  Semaphore requests(ex, "requests", 0);
  BitLock page(ex, "page 0");
  ex.spawn("disk", [&] {
    for (;;) {
      requests.down("wait for request");
      page.unlock("end_buffer_io_async");
    }
  }, true);
  SharedWord w(ex, "w");
  ex.spawn("T", [&] { w.store(7); });
  Scripted s;
  REQUIRE(ex.run(s, {}).kind == Verdict::Kind::ok);
  const std::size_t decisions = ex.schedule().size();
  std::int64_t seen = 0;
  const Verdict& v = ex.run_epilogue("final read", [&] {
    page.lock("lock_page");
    requests.up("submit_bh");
    page.wait_unlocked("wait_on_page");  // the disk daemon completes the I/O
    seen = w.load();
  });
  CHECK(v.kind == Verdict::Kind::ok);
  CHECK(seen == 7);
  CHECK(ex.schedule().size() == decisions);  // the epilogue takes no decisions
}

TEST_CASE("an epilogue that blocks for good is a deadlock") {
  StackPool pool;
  Execution ex(pool);
  BitLock page(ex, "page 1");
  ex.spawn("T", [&] { page.lock("lock_page"); });  // ends holding it
  Scripted s;
  REQUIRE(ex.run(s, {}).kind == Verdict::Kind::ok);
  const Verdict& v = ex.run_epilogue("final read", [&] { page.lock("lock_page"); });
  CHECK(v.kind == Verdict::Kind::deadlock);
  REQUIRE(v.waits.size() == 1);
  CHECK(v.waits[0].holder_name == "T");
}

TEST_CASE("a strategy that aborts ends the execution with its reason") {
  struct Aborter : Scripted {
    ThreadId pick_thread(std::span<const ThreadId>, const Execution&) override { return kAbort; }
    std::string abort_reason() const override { return "schedule does not fit at step 0"; }
  } s;
  StackPool pool;
  Execution ex(pool);
  SharedWord w(ex, "w");
  ex.spawn("A", [&] { w.store(1); });
  const Verdict& v = ex.run(s, {});
  CHECK(v.kind == Verdict::Kind::aborted);
  CHECK(v.message == "schedule does not fit at step 0");
}

TEST_CASE("a step that touches all is dependent with every step, even one that shares no object") {
  const sim::Op a = sim::Op::make(sim::OpKind::plain, "a", {{1, sim::Access::read}});
  sim::Op b = sim::Op::make(sim::OpKind::plain, "b", {{2, sim::Access::read}});
  CHECK_FALSE(sim::dependent(a, b));
  b.touches_all = true;
  CHECK(sim::dependent(a, b));
  CHECK(sim::dependent(b, a));
}

TEST_CASE("adds commute with adds only: two adds of an object are independent, an add and a read or write are not") {
  using sim::Access;
  auto one = [](Access a) { return sim::Op::make(sim::OpKind::plain, "x", {{1, a}}); };
  CHECK_FALSE(sim::dependent(one(Access::add), one(Access::add)));
  CHECK_FALSE(sim::dependent(one(Access::read), one(Access::read)));
  CHECK(sim::dependent(one(Access::add), one(Access::read)));
  CHECK(sim::dependent(one(Access::read), one(Access::add)));
  CHECK(sim::dependent(one(Access::add), one(Access::write)));
  CHECK(sim::dependent(one(Access::write), one(Access::add)));
  // What a footprint's access allows a step to do: a write anything, a read or an add itself.
  CHECK(sim::covers(Access::write, Access::add));
  CHECK(sim::covers(Access::add, Access::add));
  CHECK_FALSE(sim::covers(Access::add, Access::read));
  CHECK_FALSE(sim::covers(Access::add, Access::write));
  CHECK_FALSE(sim::covers(Access::read, Access::add));
}

namespace {
// A strategy that records, at each schedule point, the last step's executed footprint.
struct RecordsLastStep : Scripted {
  std::vector<Op> seen;
  ThreadId pick_thread(std::span<const ThreadId> enabled, const Execution& ex) override {
    if (ex.steps() > 0) seen.push_back(ex.last_step());
    return Scripted::pick_thread(enabled, ex);
  }
};
}  // namespace

TEST_CASE("narrow: the step taken last is seen with the footprint it executed, not the one announced") {
  StackPool pool;
  Execution ex(pool);
  const ObjectId a = ex.new_object("a"), b = ex.new_object("b");
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "commit", {{a, Access::write}, {b, Access::write}}));
    ex.narrow({{a, Access::read}});  // looked at a, changed nothing
    ex.step(Op::make(OpKind::plain, "second", {{b, Access::write}}));
  });
  RecordsLastStep s;
  CHECK(ex.run(s, {}).kind == Verdict::Kind::ok);
  REQUIRE(s.seen.size() == 1);
  CHECK(std::string(s.seen[0].label) == "commit");
  REQUIRE(s.seen[0].touch_count == 1);
  CHECK(s.seen[0].touches[0].object == a);
  CHECK(s.seen[0].touches[0].access == Access::read);
  CHECK(std::string(ex.pending(0).label) == "second");  // pending ops keep their announced footprint
  CHECK(ex.pending(0).touches[0].access == Access::write);
}

TEST_CASE("narrow: a step may only narrow, naming an object it did not announce is a model bug") {
  auto run_with = [](auto body) {
    StackPool pool;
    Execution ex(pool);
    const ObjectId a = ex.new_object("a"), b = ex.new_object("b");
    BitLock l(ex, "L");
    ex.spawn("T", [&] { body(ex, a, b, l); });
    Scripted s;
    return ex.run(s, {});
  };
  // An object it did not announce.
  Verdict v1 = run_with([](Execution& ex, ObjectId a, ObjectId b, BitLock&) {
    ex.step(Op::make(OpKind::plain, "commit", {{a, Access::write}}));
    ex.narrow({{b, Access::read}});
  });
  CHECK(v1.kind == Verdict::Kind::internal_error);
  CHECK(v1.message.find("commit narrows to reading b, which it did not announce") != std::string::npos);
  // A write where it announced a read.
  Verdict v2 = run_with([](Execution& ex, ObjectId a, ObjectId, BitLock&) {
    ex.step(Op::make(OpKind::plain, "peek", {{a, Access::read}}));
    ex.narrow({{a, Access::write}});
  });
  CHECK(v2.kind == Verdict::Kind::internal_error);
  CHECK(v2.message.find("peek narrows to writing a") != std::string::npos);
  // A write may narrow to an add; an add neither to a write nor to a read.
  Verdict v5 = run_with([](Execution& ex, ObjectId a, ObjectId, BitLock&) {
    ex.step(Op::make(OpKind::plain, "put", {{a, Access::write}}));
    ex.narrow({{a, Access::add}});
  });
  CHECK(v5.kind == Verdict::Kind::ok);
  Verdict v6 = run_with([](Execution& ex, ObjectId a, ObjectId, BitLock&) {
    ex.step(Op::make(OpKind::plain, "get", {{a, Access::add}}));
    ex.narrow({{a, Access::write}});
  });
  CHECK(v6.kind == Verdict::Kind::internal_error);
  CHECK(v6.message.find("get narrows to writing a") != std::string::npos);
  Verdict v7 = run_with([](Execution& ex, ObjectId a, ObjectId, BitLock&) {
    ex.step(Op::make(OpKind::plain, "get", {{a, Access::read}}));
    ex.narrow({{a, Access::add}});
  });
  CHECK(v7.kind == Verdict::Kind::internal_error);
  CHECK(v7.message.find("get narrows to adding to a") != std::string::npos);
  // A lock operation's footprint is its lock.
  Verdict v3 = run_with([](Execution& ex, ObjectId a, ObjectId, BitLock& l) {
    l.lock("lock");
    ex.narrow({{a, Access::read}});
  });
  CHECK(v3.kind == Verdict::Kind::internal_error);
  CHECK(v3.message.find("only plain steps may") != std::string::npos);
  // A step that touches all may narrow to what it named.
  Verdict v4 = run_with([](Execution& ex, ObjectId a, ObjectId b, BitLock&) {
    Op op = Op::make(OpKind::plain, "walk", {{a, Access::write}});
    op.touches_all = true;
    ex.step(op);
    ex.narrow({{b, Access::read}});
  });
  CHECK(v4.kind == Verdict::Kind::ok);
}

TEST_CASE("a guarded step is enabled only while its guard holds, a guarded step without a guard is a model bug") {
  StackPool pool;
  Execution ex(pool);
  SharedWord flag(ex, "flag", 1);
  bool ran = false;
  ex.spawn("setter", [&] { flag.store(0, "clear"); });
  ex.spawn(
      "guarded",
      [&] {
        Op op = Op::make(OpKind::guarded, "when clear", {{flag.id(), Access::read}});
        op.guard = {[](const void* w) { return static_cast<const SharedWord*>(w)->peek() == 0; }, &flag};
        ex.step(op);
        ran = true;
      },
      true);
  Scripted s;
  CHECK(ex.run(s, {}).kind == Verdict::Kind::ok);
  // At the first point only the setter could run; the guarded daemon was
  // disabled until the flag was clear.
  REQUIRE(s.seen_enabled.size() >= 1);
  CHECK(s.seen_enabled[0] == std::vector<ThreadId>{0});
  CHECK_FALSE(ran);  // the execution ended with the setter: a daemon keeps nothing alive

  Execution ex2(pool);
  ex2.spawn("T", [&] { ex2.step(Op::make(OpKind::guarded, "no guard", {})); });
  Scripted s2;
  const Verdict& v = ex2.run(s2, {});
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message.find("guarded step no guard has no guard") != std::string::npos);
}

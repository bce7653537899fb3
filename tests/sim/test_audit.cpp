// The audit: every access a model reports is checked against the footprint
// its step executed; an uncovered one is a model bug that names the step.
#include <doctest/doctest.h>

#include <string>

#include "sim/audit.hpp"
#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"
#include "tests/sim/scripted.hpp"

using namespace sim;
using sim::testing::Scripted;

namespace {

ExecutionOptions audited() {
  ExecutionOptions o;
  o.audit = true;
  return o;
}

// Two fields, each its own object.
struct Fields {
  explicit Fields(Execution& ex) : a(ex.new_object("a"), 0), b(ex.new_object("b"), 0) {}
  Audited<int> a, b;
};

Touch R(ObjectId o) { return {o, Access::read}; }
Touch W(ObjectId o) { return {o, Access::write}; }

}  // namespace

TEST_CASE("audit: a write outside the footprint is a model bug naming the step, the thread and the object") {
  for (bool on : {true, false}) {
    StackPool pool;
    Execution ex(pool);
    Fields f(ex);
    ex.spawn("T", [&] {
      ex.step(Op::make(OpKind::plain, "update_a", {W(f.a.owner())}));
      f.a = 1;
      f.b = 2;  // not announced
    });
    Scripted s;
    ExecutionOptions o;
    o.audit = on;
    const Verdict& v = ex.run(s, o);
    if (on) {
      CHECK(v.kind == Verdict::Kind::internal_error);
      CHECK(v.message == "model bug: step update_a of thread T wrote b outside its footprint {W a}");
      CHECK(v.thread == 0);
    } else {
      CHECK(v.kind == Verdict::Kind::ok);  // audit off: nothing is checked
      CHECK(f.b.peek() == 2);
    }
  }
}

TEST_CASE("audit: a read is covered by an announced read or write, a write only by a write") {
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "look", {W(f.a.owner()), R(f.b.owner())}));
    int x = f.a + f.b;  // reads of a (announced written) and b (announced read): covered
    ++f.a;              // a write of a: covered
    f.b = x;            // a write of b, announced as read only
  });
  Scripted s;
  const Verdict& v = ex.run(s, audited());
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message == "model bug: step look of thread T wrote b outside its footprint {W a, R b}");
}

TEST_CASE("audit: an announced add covers the adds its step reports, and no plain read or write") {
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "get", {{f.a.owner(), Access::add}, W(f.b.owner())}));
    audit::add(f.a.owner());  // a commutative update, done through raw()
    ++f.a.raw();
    audit::add(f.b.owner());  // an add of an object announced written: covered
    ex.step(Op::make(OpKind::plain, "get and look", {{f.a.owner(), Access::add}}));
    audit::add(f.a.owner());
    if (f.a > 0) ++f.a.raw();  // a plain read of a: not covered by the add
  });
  Scripted s;
  const Verdict& v = ex.run(s, audited());
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message == "model bug: step get and look of thread T read a outside its footprint {A a}");
}

TEST_CASE("audit: the executed footprint counts, after narrow()") {
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "commit", {W(f.a.owner()), W(f.b.owner())}));
    if (f.a == 0) f.b = 1;  // wrote b ...
    ex.narrow({R(f.a.owner())});  // ... but says it only read a: a lie to DPOR
  });
  Scripted s;
  const Verdict& v = ex.run(s, audited());
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message == "model bug: step commit of thread T wrote b outside its footprint {R a}");
}

TEST_CASE("audit: touches_all covers every access, an honest model passes") {
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  ex.spawn("T", [&] {
    Op all = Op::make(OpKind::plain, "walk", {});
    all.touches_all = true;
    ex.step(all);
    f.a = f.b + 1;
    ex.step(Op::make(OpKind::plain, "inc_b", {W(f.b.owner())}));
    ++f.b;
  });
  ex.spawn("U", [&] {
    ex.step(Op::make(OpKind::plain, "read_a", {R(f.a.owner())}));
    CHECK(f.a >= 0);
  });
  Scripted s;
  CHECK(ex.run(s, audited()).kind == Verdict::Kind::ok);
}

TEST_CASE("audit: shared state touched before a thread's first step is a model bug (step start)") {
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  ex.spawn("T", [&] {
    const int seen = f.a;  // runs while priming, before any schedule decision
    ex.step(Op::make(OpKind::plain, "use", {W(f.b.owner())}));
    f.b = seen;
  });
  Scripted s;
  const Verdict& v = ex.run(s, audited());
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message == "model bug: step start of thread T read a outside its footprint {}");
}

TEST_CASE("audit: checks between steps and reads after the run are no steps and report nothing") {
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  int checks = 0;
  ex.set_step_check([&] { checks += f.a + f.b >= 0; });  // reads both, after every step
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "set_a", {W(f.a.owner())}));
    f.a = 1;
  });
  Scripted s;
  CHECK(ex.run(s, audited()).kind == Verdict::Kind::ok);
  CHECK(checks == 1);
  CHECK(f.a == 1);  // the main context, outside the run
}

TEST_CASE("audit: primitives report their lock: testing a lock the step did not announce is a model bug") {
  StackPool pool;
  Execution ex(pool);
  BitLock lock(ex, "L");
  Fields f(ex);
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "peek_lock", {W(f.a.owner())}));
    f.a = lock.locked();  // reads L, not announced (and T does not hold it)
    lock.lock();          // announces and writes L
    f.b = 0;              // outside the lock's footprint: but the first bug ends the run
  });
  Scripted s;
  const Verdict& v = ex.run(s, audited());
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message == "model bug: step peek_lock of thread T read L outside its footprint {W a}");
}

TEST_CASE("audit: the holder of a lock may test it without announcing it") {
  StackPool pool;
  Execution ex(pool);
  BitLock lock(ex, "L");
  Fields f(ex);
  ex.spawn("T", [&] {
    lock.lock();
    ex.step(Op::make(OpKind::plain, "assert_locked", {W(f.a.owner())}));
    f.a = lock.locked();  // only T's own unlock can change it
    lock.unlock();
  });
  Scripted s;
  CHECK(ex.run(s, audited()).kind == Verdict::Kind::ok);
}

TEST_CASE("audit: a model bug outranks the violation its step then reports") {
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "check_a", {R(f.a.owner())}));
    if (f.b == 0) ex.fail("kernel-bug", "b is zero");
  });
  Scripted s;
  const Verdict& v = ex.run(s, audited());
  CHECK(v.kind == Verdict::Kind::internal_error);
  CHECK(v.message == "model bug: step check_a of thread T read b outside its footprint {R a}");
}

TEST_CASE("audit: the process-wide default turns it on for executions that do not ask") {
  audit::set_default(true);
  StackPool pool;
  Execution ex(pool);
  Fields f(ex);
  ex.spawn("T", [&] {
    ex.step(Op::make(OpKind::plain, "nothing", {}));
    f.a = 1;
  });
  Scripted s;
  const Verdict& v = ex.run(s, {});
  audit::set_default(false);
  CHECK(v.kind == Verdict::Kind::internal_error);
}

TEST_CASE("audit: a field guarded by a lock: its holder reads it freely, a write while the lock is free is a model bug") {
  for (bool write_unlocked : {false, true}) {
    StackPool pool;
    Execution ex(pool);
    BitLock lock(ex, "L");
    const ObjectId owner = ex.new_object("g");
    Audited<int> guarded(owner, 0, lock);
    ex.spawn("T", [&] {
      lock.lock();
      ex.step(Op::make(OpKind::plain, "set_g", {W(owner)}));
      guarded = guarded + 1;  // under the lock, announced
      ex.step(Op::make(OpKind::plain, "holder_reads_g", {}));
      CHECK(guarded == 1);    // the holder's read: no footprint needed
      lock.unlock();
      if (write_unlocked) {
        ex.step(Op::make(OpKind::plain, "set_g_unlocked", {W(owner)}));
        guarded = 2;          // announced, but the premise of the holders' reads breaks
      }
    });
    Scripted s;
    const Verdict& v = ex.run(s, audited());
    if (write_unlocked) {
      CHECK(v.kind == Verdict::Kind::internal_error);
      CHECK(v.message == "model bug: step set_g_unlocked of thread T wrote g while L, which guards it, was free and the step does not write it");
    } else {
      CHECK(v.kind == Verdict::Kind::ok);
    }
  }
}

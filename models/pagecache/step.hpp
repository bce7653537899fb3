// How the page-cache model announces its visible operations: a step names
// every object it reads or writes (sim::Op), and never more than the engine
// can carry. Op::make would silently drop a fourth object, which would hide a
// dependence from partial-order reduction; here that is a model bug.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "sim/execution.hpp"
#include "sim/op.hpp"

namespace models::pagecache {

inline sim::Touch R(sim::ObjectId o) { return {o, sim::Access::read}; }
inline sim::Touch W(sim::ObjectId o) { return {o, sim::Access::write}; }
// A commutative update (sim::Access::add): only a get or put of page[i].count (page.cpp).
inline sim::Touch A(sim::ObjectId o) { return {o, sim::Access::add}; }

// Announces a plain step that touches `ts` and stops at a schedule point.
inline void step(sim::Execution& ex, const char* label, std::initializer_list<sim::Touch> ts) {
  if (ts.size() > sim::kMaxTouches)
    throw std::logic_error(std::string("model bug: step ") + label + " touches more objects than sim::kMaxTouches");
  ex.step(sim::Op::make(sim::OpKind::plain, label, ts));
}

// The same, for a footprint kept in an array (one home for a step's list
// that another step also names, e.g. reclaim's in models/pagecache/agents.cpp).
template <std::size_t N>
inline void step(sim::Execution& ex, const char* label, const std::array<sim::Touch, N>& ts) {
  static_assert(N <= sim::kMaxTouches, "a step touches at most sim::kMaxTouches objects");
  sim::Op op;
  op.label = label;
  for (const sim::Touch& t : ts) op.touches[op.touch_count++] = t;
  ex.step(op);
}

// Says what the step now running did, once its branches are decided: `ts`
// are the objects it really read or wrote, each announced by the step
// (sim::Execution::narrow). A step that looked at an object and changed
// nothing read it; every object read to decide a branch stays named.
inline void narrow(sim::Execution& ex, std::initializer_list<sim::Touch> ts) { ex.narrow(ts); }

// A step that names `ts` and also reads objects it cannot name when it is
// announced (a walk over a list that others change): dependent with every
// step (sim::Op::touches_all).
inline void step_touching_all(sim::Execution& ex, const char* label, std::initializer_list<sim::Touch> ts) {
  sim::Op op = sim::Op::make(sim::OpKind::plain, label, ts);
  op.touches_all = true;
  ex.step(op);
}

// The same, for a step whose objects are known only at run time. Objects
// equal to kNoObject (a buffer private to the thread) are left out.
class Touches {
 public:
  Touches& r(sim::ObjectId o) { return add(o, sim::Access::read); }
  Touches& w(sim::ObjectId o) { return add(o, sim::Access::write); }
  Touches& a(sim::ObjectId o) { return add(o, sim::Access::add); }
  // The step reads objects it cannot name (a list walk whose length or
  // members are not known when it is announced): dependent with every step.
  Touches& all() {
    op_.touches_all = true;
    return *this;
  }
  // For objects that may outnumber sim::kMaxTouches (the buffers of a page):
  // named when they fit, otherwise the step touches all.
  Touches& r_or_all(sim::ObjectId o) {
    if (op_.touch_count == sim::kMaxTouches) return all();
    return r(o);
  }
  Touches& w_or_all(sim::ObjectId o) {
    if (op_.touch_count == sim::kMaxTouches) return all();
    return w(o);
  }
  // The step is enabled only while `g` holds (sim::OpKind::guarded); the
  // objects the guard reads must be named here.
  Touches& guard(sim::Guard g) {
    op_.kind = sim::OpKind::guarded;
    op_.guard = g;
    return *this;
  }
  void step(sim::Execution& ex, const char* label) {
    op_.label = label;
    ex.step(op_);
  }
  // Narrows the step now running to these objects (sim::Execution::narrow):
  // what a list walk announced as touching all really read and wrote. One
  // that had to touch all (more objects than fit) stays as it was announced.
  void narrow(sim::Execution& ex) {
    if (!op_.touches_all) ex.narrow(op_);
  }

 private:
  Touches& add(sim::ObjectId o, sim::Access a) {
    if (o == sim::kNoObject) return *this;
    if (op_.touch_count == sim::kMaxTouches)
      throw std::logic_error("model bug: a step touches more objects than sim::kMaxTouches");
    op_.touches[op_.touch_count++] = sim::Touch{o, a};
    return *this;
  }
  sim::Op op_;
};

// A BUG() in the modelled kernel: the execution ends with a kernel-bug violation.
[[noreturn]] inline void BUG(sim::Execution& ex, const std::string& what) {
  ex.fail("kernel-bug", "BUG(): " + what);
}

}  // namespace models::pagecache

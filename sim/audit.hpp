// The audit ("check the checker"): while it is on, model objects report every
// access they see, (object, read|write), to the execution whose step runs now,
// and the execution compares them with the footprint the step executed (its
// announced footprint, after Execution::narrow). An access the footprint does
// not cover is a model bug: a partial-order reduction trusts footprints, and
// one that misses an object prunes schedules that mattered.
//
// Off (the default), a report is one load of a thread-local pointer and a
// branch that is never taken, so the fields below cost nothing measurable.
// Reads outside any step (the scheduler's enabledness tests, invariants,
// state descriptions, set-up before run) report nothing: the pointer is set
// only while a step of an audited execution runs.
#pragma once

#include <cstdint>
#include <type_traits>

#include "sim/op.hpp"

namespace sim {

class Execution;
class BitLock;

namespace audit {

// The execution whose step now runs on this OS thread, when it is audited.
// Fibers of one execution share their OS thread, so this follows the step.
extern thread_local constinit Execution* running;

// Out of line: only reached while audit is on.
void report(ObjectId o, Access a);

inline void read(ObjectId o) {
  if (running != nullptr) [[unlikely]]
    report(o, Access::read);
}
inline void write(ObjectId o) {
  if (running != nullptr) [[unlikely]]
    report(o, Access::write);
}
// A commutative update of o (Access::add): the code that reports it holds the
// argument that it commutes with every other add, and touches the fields of
// o with peek()/raw() while it does, so that they report nothing more.
inline void add(ObjectId o) {
  if (running != nullptr) [[unlikely]]
    report(o, Access::add);
}

// A field that only changes while `guard` (a sleeping lock) is locked may be
// read without a footprint by the thread that holds the guard: every write
// to it is then ordered with that read through the guard's lock and unlock
// steps, which conflict. The audit checks the premise: a write while the
// guard is free, in a step whose footprint does not write the guard, is a
// model bug. (It takes the guard as held by whoever locked it; a lock
// released by another thread than its taker, such as a page unlocked by I/O
// completion, must release it after its writes: that the audit does not check.)
void report_guarded(ObjectId o, Access a, const BitLock& guard);

// The process-wide default: executions whose ExecutionOptions do not ask for
// audit run audited when this is on (interleave --audit, or the environment
// variable INTERLEAVE_AUDIT=1 read by enable_from_environment()).
void set_default(bool on);
bool default_on();
// Turns the default on when INTERLEAVE_AUDIT is set to anything but "" or "0".
void enable_from_environment();

}  // namespace audit

// A field of shared model state that reports its accesses: reading the value
// (the implicit conversion) is a read of `owner`, assigning it or ++/-- a
// write. Model code keeps its syntax; invariants and reports that look at the
// state outside a step may use it alike (nothing is reported there) or peek().
template <class T>
class Audited {
 public:
  Audited() = default;
  Audited(ObjectId owner, T value) : value_(value), owner_(owner) {}
  // A field that changes only under `guard` (see audit::report_guarded).
  Audited(ObjectId owner, T value, const BitLock& guard) : value_(value), owner_(owner), guard_(&guard) {}
  // Copying a field makes a new one with the same owner: construction, not an access.
  Audited(const Audited&) = default;
  // Assigning one field to another reads the one and writes the other; the
  // owner stays (it says which object the field belongs to).
  Audited& operator=(const Audited& other) { return *this = static_cast<T>(other); }
  Audited& operator=(T v) {
    if (audit::running != nullptr) [[unlikely]]
      report(Access::write);
    value_ = v;
    return *this;
  }
  operator T() const {
    if (audit::running != nullptr) [[unlikely]]
      report(Access::read);
    return value_;
  }
  // A pointer field: following it reads the field.
  T operator->() const
    requires std::is_pointer_v<T>
  {
    return static_cast<T>(*this);
  }
  T operator++() {
    *this = value_ + 1;
    return value_;
  }
  T operator--() {
    *this = value_ - 1;
    return value_;
  }
  T operator++(int) {
    const T old = value_;
    *this = value_ + 1;
    return old;
  }
  T operator--(int) {
    const T old = value_;
    *this = value_ - 1;
    return old;
  }
  Audited& operator+=(T d) { return *this = value_ + d; }
  Audited& operator-=(T d) { return *this = value_ - d; }

  // The value without a report: for set-up before the run and for code that
  // is no step (invariants, descriptions), where nothing is reported anyway.
  const T& peek() const { return value_; }
  T& raw() { return value_; }  // set-up only (building the state before run)
  ObjectId owner() const { return owner_; }
  void set_owner(ObjectId o) { owner_ = o; }

 private:
  void report(Access a) const {
    if (guard_ != nullptr)
      audit::report_guarded(owner_, a, *guard_);
    else
      audit::report(owner_, a);
  }
  T value_{};
  ObjectId owner_ = kNoObject;
  const BitLock* guard_ = nullptr;
};

}  // namespace sim

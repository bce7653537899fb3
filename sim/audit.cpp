#include "sim/audit.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace sim::audit {

thread_local constinit Execution* running = nullptr;

namespace {
std::atomic<bool> default_audit{false};
}

void report(ObjectId o, Access a) {
  if (running != nullptr) running->record_access(o, a);
}

void report_guarded(ObjectId o, Access a, const BitLock& guard) {
  if (running == nullptr) return;
  // Reading the lock's state here is the audit's own look, not the model's.
  const bool held_by_me = guard.holder() == running->current() && guard.locked_unaudited();
  if (a == Access::read && held_by_me) return;
  if (a == Access::write && !guard.locked_unaudited()) running->record_unguarded_write(o, guard.id());
  running->record_access(o, a);
}

void set_default(bool on) { default_audit.store(on, std::memory_order_relaxed); }
bool default_on() { return default_audit.load(std::memory_order_relaxed); }

void enable_from_environment() {
  const char* v = std::getenv("INTERLEAVE_AUDIT");
  if (v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0) set_default(true);
}

}  // namespace sim::audit

// ---------------------------------------------------------------- Execution's side

namespace sim {

// The epilogue is not audited: it takes no decisions and no strategy races
// its steps, so its footprints can hide nothing (the functions it shares
// with the threads are audited when the threads run them).
void Execution::open_audit() {
  if (!audit_ || tearing_down_ || in_epilogue_) return;
  accesses_.clear();
  unguarded_.clear();
  audit_open_ = true;
  audit::running = this;
}

namespace {
bool covers(const Op& footprint, const Touch& t) {
  if (footprint.touches_all) return true;
  for (std::uint8_t i = 0; i < footprint.touch_count; ++i)
    if (footprint.touches[i].object == t.object && sim::covers(footprint.touches[i].access, t.access)) return true;
  return false;
}
}  // namespace

void Execution::record_access(ObjectId o, Access a) {
  if (!audit_open_) return;
  // A step often touches one field many times: keep the list short.
  for (const Touch& t : accesses_)
    if (t.object == o && sim::covers(t.access, a)) return;
  accesses_.push_back({o, a});
}

void Execution::record_unguarded_write(ObjectId o, ObjectId guard) {
  if (!audit_open_) return;
  unguarded_.emplace_back(o, guard);
}


void Execution::close_audit() {
  if (!audit_open_) return;
  audit_open_ = false;
  if (audit::running == this) audit::running = nullptr;
  const auto model_bug = [&](std::string message) {
    Verdict v;
    v.kind = Verdict::Kind::internal_error;
    v.invariant = "internal-error";
    v.message = std::move(message);
    v.thread = audit_thread_;
    v.step = steps_;
    if (!over_) verdict_ = std::move(v);
    over_ = true;
  };
  for (const auto& [object, guard] : unguarded_) {
    // A step that takes and drops the guard within itself (a TryLockPage
    // folded into a spinlock region) writes it: as ordered as under it.
    if (covers(executed_, {guard, Access::write})) continue;
    model_bug(std::string("model bug: step ") + executed_.label + " of thread " + thread_name(audit_thread_) +
              " wrote " + object_names_[object] + " while " + object_names_[guard] +
              ", which guards it, was free and the step does not write it");
    return;
  }
  for (const Touch& t : accesses_) {
    if (covers(executed_, t)) continue;
    std::string footprint;
    for (std::uint8_t i = 0; i < executed_.touch_count; ++i)
      footprint += std::string(footprint.empty() ? "" : ", ") +
                   access_letter(executed_.touches[i].access) + " " +
                   object_names_[executed_.touches[i].object];
    const std::string object = t.object < object_names_.size() ? object_names_[t.object]
                                                               : std::string("a field with no owner object");
    model_bug(std::string("model bug: step ") + executed_.label + " of thread " + thread_name(audit_thread_) +
              (t.access == Access::write ? " wrote " : t.access == Access::add ? " added to " : " read ") + object +
              " outside its footprint {" + footprint +
              "}");
    return;
  }
}

}  // namespace sim

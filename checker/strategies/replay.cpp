#include "checker/strategies/replay.hpp"

#include <algorithm>

#include "sim/execution.hpp"

namespace checker {

namespace {
std::string name_of(sim::ThreadId t, const sim::Execution& ex) {
  if (t < ex.thread_count()) return ex.thread_name(t) + " (#" + std::to_string(t) + ")";
  return "#" + std::to_string(t) + " (no such thread)";
}
std::string names_of(std::span<const sim::ThreadId> ts, const sim::Execution& ex) {
  std::string s;
  for (sim::ThreadId t : ts) s += (s.empty() ? "" : ", ") + name_of(t, ex);
  return s;
}
}  // namespace

sim::ThreadId ReplayStrategy::pick_thread(std::span<const sim::ThreadId> enabled,
                                          const sim::Execution& ex) {
  auto where = [&] {
    return "decision " + std::to_string(pos_) + " (step " + std::to_string(ex.steps()) + ")";
  };
  if (pos_ >= schedule_.size()) {
    reason_ = "the schedule ended after " + std::to_string(schedule_.size()) +
              " decisions, but the execution goes on: at step " + std::to_string(ex.steps()) +
              " the enabled threads are " + names_of(enabled, ex);
    return sim::kAbort;
  }
  const sim::Decision& d = schedule_[pos_];
  if (d.kind != sim::Decision::Kind::thread) {
    reason_ = where() + ": the schedule has a fault value (" + std::to_string(d.value) + " of " +
              std::to_string(d.range) + ") but the model asks which thread runs; enabled: " +
              names_of(enabled, ex);
    return sim::kAbort;
  }
  if (!std::binary_search(enabled.begin(), enabled.end(), d.value)) {
    reason_ = where() + ": the schedule runs thread " + name_of(d.value, ex) +
              ", which is not enabled; enabled: " + names_of(enabled, ex);
    if (d.value < ex.thread_count()) {
      const sim::Op& op = ex.pending(d.value);
      reason_ += ex.finished(d.value)
                     ? "; " + ex.thread_name(d.value) + " has finished"
                     : "; " + ex.thread_name(d.value) + " sleeps in " + op.label +
                           (op.touch_count ? " " + ex.object_name(op.touches[0].object) : std::string());
    }
    return sim::kAbort;
  }
  ++pos_;
  return d.value;
}

std::uint32_t ReplayStrategy::pick_value(std::uint32_t n, const char* label,
                                         const sim::Execution& ex) {
  auto where = [&] {
    return "decision " + std::to_string(pos_) + " (step " + std::to_string(ex.steps()) + ")";
  };
  if (pos_ >= schedule_.size()) {
    reason_ = "the schedule ended after " + std::to_string(schedule_.size()) +
              " decisions, but the execution goes on: at step " + std::to_string(ex.steps()) +
              " the model asks for a fault value (" + label + ", " + std::to_string(n) +
              " values)";
    return sim::kAbort;
  }
  const sim::Decision& d = schedule_[pos_];
  if (d.kind != sim::Decision::Kind::value) {
    reason_ = where() + ": the schedule runs thread " + name_of(d.value, ex) +
              " but the model asks for a fault value (" + label + ", " + std::to_string(n) +
              " values)";
    return sim::kAbort;
  }
  if (d.value >= n || (d.range != 0 && d.range != n)) {
    reason_ = where() + ": the schedule has value " + std::to_string(d.value) + " of " +
              std::to_string(d.range) + " but the model's choice (" + label + ") has " +
              std::to_string(n) + " values";
    return sim::kAbort;
  }
  ++pos_;
  return d.value;
}

}  // namespace checker

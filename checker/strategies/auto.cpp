#include "checker/strategies/auto.hpp"

#include <algorithm>

namespace checker {

std::uint64_t auto_hunt_executions(std::uint64_t max_executions) {
  if (max_executions == 0) return kAutoHuntExecutions;
  return std::min(kAutoHuntExecutions, max_executions / 10);
}

std::string auto_summary(const AutoPhases& p) {
  std::string s = "auto: ";
  if (p.hunt > 0) {
    s += "a bug hunt (PCT depth " + std::to_string(p.depth) + ", seed " + std::to_string(p.seed) + ") ";
    if (!p.hunt_over) return s + "ran " + std::to_string(p.hunt) + (p.hunt == 1 ? " execution" : " executions");
    s += "of " + std::to_string(p.hunt) + (p.hunt == 1 ? " execution" : " executions") + "; then ";
  }
  if (p.dpor_cut)
    return s + "dpor ran " + std::to_string(p.dpor) +
           " executions (half the budget left) without finishing; then " + p.pct;
  s += "dpor";
  if (p.hunt > 0) s += ", " + std::to_string(p.dpor) + (p.dpor == 1 ? " execution" : " executions");
  if (p.dpor_complete) s += ", complete";
  return s;
}

std::string auto_hunt_position(std::uint32_t depth) {
  return "auto's bug hunt (PCT depth " + std::to_string(depth) + ")";
}

std::string auto_dpor_position() { return "auto's DPOR phase"; }

std::string auto_pct_position(std::uint32_t depth) {
  return "the PCT phase (depth " + std::to_string(depth) + ")";
}

AutoStrategy::AutoStrategy(std::uint64_t max_executions, double time_limit_s, std::uint64_t seed,
                           std::uint32_t pct_depth)
    : max_executions_(max_executions),
      time_limit_s_(time_limit_s),
      hunt_executions_(auto_hunt_executions(max_executions)),
      hunt_seconds_(auto_hunt_seconds(time_limit_s)),
      pct_(seed, pct_depth) {
  if (hunt_executions_ == 0) start_dpor();
}

double AutoStrategy::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

// DPOR gets half of what the hunt left of the budget (all of one execution).
void AutoStrategy::start_dpor() {
  phase_ = Phase::dpor;
  if (max_executions_ != 0) {
    const std::uint64_t left = max_executions_ - hunt_ran_;
    dpor_executions_ = left == 1 ? 1 : left / 2;
  }
  if (time_limit_s_ > 0) {
    dpor_start_s_ = started_ ? seconds() : 0;
    dpor_seconds_ = (time_limit_s_ - dpor_start_s_) / 2;
  }
}

void AutoStrategy::begin_execution() {
  if (!started_) {
    started_ = true;
    start_ = std::chrono::steady_clock::now();
  }
  // Counted as they begin: a failing execution has no end_execution.
  if (phase_ == Phase::hunt) ++hunt_ran_;
  if (phase_ == Phase::dpor) ++dpor_ran_;
  if (phase_ == Phase::dpor)
    dpor_.begin_execution();
  else
    pct_.begin_execution();
}

sim::ThreadId AutoStrategy::pick_thread(std::span<const sim::ThreadId> enabled,
                                        const sim::Execution& ex) {
  return phase_ == Phase::dpor ? dpor_.pick_thread(enabled, ex) : pct_.pick_thread(enabled, ex);
}

std::uint32_t AutoStrategy::pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) {
  return phase_ == Phase::dpor ? dpor_.pick_value(n, label, ex) : pct_.pick_value(n, label, ex);
}

std::string AutoStrategy::abort_reason() const {
  return phase_ == Phase::dpor ? dpor_.abort_reason() : pct_.abort_reason();
}

bool AutoStrategy::end_execution(const sim::Execution& ex) {
  switch (phase_) {
    case Phase::hunt:
      pct_.end_execution(ex);
      if (hunt_ran_ >= hunt_executions_ || (hunt_seconds_ > 0 && seconds() >= hunt_seconds_)) start_dpor();
      return true;
    case Phase::dpor: {
      if (!dpor_.end_execution(ex)) return false;  // complete
      const bool out_of_executions = dpor_executions_ > 0 && dpor_ran_ >= dpor_executions_;
      const bool out_of_time =
          dpor_seconds_ > 0 && (dpor_ran_ % 16 == 0) && seconds() - dpor_start_s_ >= dpor_seconds_;
      if (out_of_executions || out_of_time) phase_ = Phase::pct;  // PCT goes on from the hunt's executions
      return true;
    }
    case Phase::pct:
      return pct_.end_execution(ex);
  }
  return true;
}

std::string AutoStrategy::summary() const {
  AutoPhases p;
  p.depth = pct_.depth();
  p.seed = pct_.seed();
  p.hunt = hunt_ran_;
  p.hunt_over = phase_ != Phase::hunt;
  p.dpor = dpor_ran_;
  p.dpor_complete = dpor_.done();
  p.dpor_cut = phase_ == Phase::pct;
  if (p.dpor_cut) p.pct = pct_.summary();
  return auto_summary(p);
}

std::string AutoStrategy::position() const {
  switch (phase_) {
    case Phase::hunt: return auto_hunt_position(pct_.depth());
    case Phase::dpor: return hunt_ran_ > 0 ? auto_dpor_position() : std::string();
    case Phase::pct: return auto_pct_position(pct_.depth());
  }
  return {};
}

}  // namespace checker

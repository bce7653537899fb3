#include "checker/strategies/auto.hpp"

namespace checker {

AutoStrategy::AutoStrategy(std::uint64_t max_executions, double time_limit_s, std::uint64_t seed,
                           std::uint32_t pct_depth)
    : dpor_executions_(max_executions / 2),
      dpor_seconds_(time_limit_s / 2),
      pct_(seed, pct_depth) {
  if (max_executions == 1) dpor_executions_ = 1;
}

void AutoStrategy::begin_execution() {
  if (!started_) {
    started_ = true;
    start_ = std::chrono::steady_clock::now();
  }
  if (in_dpor_)
    dpor_.begin_execution();
  else
    pct_.begin_execution();
}

sim::ThreadId AutoStrategy::pick_thread(std::span<const sim::ThreadId> enabled,
                                        const sim::Execution& ex) {
  return in_dpor_ ? dpor_.pick_thread(enabled, ex) : pct_.pick_thread(enabled, ex);
}

std::uint32_t AutoStrategy::pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) {
  return in_dpor_ ? dpor_.pick_value(n, label, ex) : pct_.pick_value(n, label, ex);
}

std::string AutoStrategy::abort_reason() const {
  return in_dpor_ ? dpor_.abort_reason() : pct_.abort_reason();
}

bool AutoStrategy::end_execution(const sim::Execution& ex) {
  ++executions_;
  if (!in_dpor_) return pct_.end_execution(ex);
  ++dpor_ran_;
  if (!dpor_.end_execution(ex)) return false;  // complete
  const bool out_of_executions = dpor_executions_ > 0 && dpor_ran_ >= dpor_executions_;
  const bool out_of_time =
      dpor_seconds_ > 0 && (dpor_ran_ % 16 == 0) &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() >= dpor_seconds_;
  if (out_of_executions || out_of_time) in_dpor_ = false;
  return true;
}

std::string AutoStrategy::summary() const {
  if (in_dpor_) return "auto: dpor" + (dpor_.done() ? std::string(", complete") : std::string());
  return "auto: dpor ran " + std::to_string(dpor_ran_) +
         " executions (half the budget) without finishing; then " + pct_.summary();
}

std::string AutoStrategy::position() const {
  return in_dpor_ ? std::string() : "the PCT phase (depth " + std::to_string(pct_.depth()) + ")";
}

}  // namespace checker

// The default strategy, for a user who does not choose one: exhaustive DPOR
// while it fits in the budget, then PCT. With no budget (neither executions
// nor time), DPOR runs to its end: the verdict is complete. With a budget,
// DPOR gets the first half of it; if it has not finished by then, PCT (depth
// 3) spends the rest looking for shallow bugs, and a search that found none
// is inconclusive (it was not complete).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "checker/strategies/dpor.hpp"
#include "checker/strategies/pct.hpp"
#include "checker/strategies/search.hpp"
#include "sim/strategy.hpp"

namespace checker {

class AutoStrategy final : public sim::Strategy, public SearchInfo {
 public:
  // The budget of the whole search (0: none), to give DPOR half of it.
  AutoStrategy(std::uint64_t max_executions, double time_limit_s, std::uint64_t seed,
               std::uint32_t pct_depth);

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution& ex) override;
  std::string abort_reason() const override;

  bool pruned() const override { return in_dpor_ && dpor_.pruned(); }
  std::string summary() const override;
  std::string position() const override;
  double estimate() const override { return in_dpor_ ? dpor_.estimate() : 0; }
  void run_ended(const sim::Execution& ex) override {
    if (in_dpor_) dpor_.run_ended(ex);
  }

  bool in_dpor() const { return in_dpor_; }
  const DporStrategy& dpor() const { return dpor_; }

 private:
  std::uint64_t dpor_executions_;  // 0: no limit
  double dpor_seconds_;            // 0: no limit
  DporStrategy dpor_;
  PctStrategy pct_;
  bool in_dpor_ = true;
  std::uint64_t executions_ = 0;
  std::uint64_t dpor_ran_ = 0;
  std::chrono::steady_clock::time_point start_{};
  bool started_ = false;
};

}  // namespace checker

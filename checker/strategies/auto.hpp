// The default strategy, for a user who does not choose one, in three phases:
//
//   1. a bug hunt: PCT (depth --pct-depth, seeded with --seed) for at most
//      kAutoHuntExecutions executions, and never more than a tenth of a
//      budget (of executions, or of time); shallow bugs show up here at once
//      (the self-deadlock of problem 1 in 15 executions, where DPOR needs
//      about 75,000);
//   2. exhaustive DPOR. With no budget (neither executions nor time) it runs
//      to its end: a pass is complete, whatever the hunt did. With a budget,
//      DPOR gets half of what the hunt left;
//   3. if DPOR has not finished by then, PCT spends the rest, going on with
//      the hunt's executions (execution i of PCT is the same wherever it
//      runs), and a search that found nothing is inconclusive.
//
// Every execution of every phase counts in the search's executions; the
// summary line (auto_summary) says what each phase did.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "checker/strategies/dpor.hpp"
#include "checker/strategies/pct.hpp"
#include "checker/strategies/search.hpp"
#include "sim/strategy.hpp"

namespace checker {

// The bug hunt's length without a budget.
inline constexpr std::uint64_t kAutoHuntExecutions = 100;

// The bug hunt's length for a budget of `max_executions` (0: none): at most
// kAutoHuntExecutions, and a tenth of the budget (none below 10 executions).
std::uint64_t auto_hunt_executions(std::uint64_t max_executions);

// The bug hunt's share of a time budget (0: none): a tenth of it.
inline double auto_hunt_seconds(double time_limit_s) { return time_limit_s > 0 ? time_limit_s / 10 : 0; }

// What each phase of one auto search did, for its summary line. The same
// with any number of workers (search/parallel.cpp fills it from the phases'
// results), and after a resumed search (search/resumable.cpp).
struct AutoPhases {
  std::uint32_t depth = 3;   // PCT's
  std::uint64_t seed = 0;
  std::uint64_t hunt = 0;    // executions of the bug hunt (0: it had no share of the budget)
  bool hunt_over = false;    // it ran its length and DPOR followed
  std::uint64_t dpor = 0;    // executions of DPOR
  bool dpor_complete = false;  // DPOR explored everything
  bool dpor_cut = false;     // DPOR ran out of its half of the budget; PCT followed
  std::string pct;           // then: the PCT phase's own summary
};

// "auto: a bug hunt (PCT depth 3, seed 0) of 100 executions; then dpor, 710
// executions, complete", and so on.
std::string auto_summary(const AutoPhases& p);

// Where a failure was found, for "found in execution 15 at ...".
std::string auto_hunt_position(std::uint32_t depth);
std::string auto_dpor_position();
std::string auto_pct_position(std::uint32_t depth);

class AutoStrategy final : public sim::Strategy, public SearchInfo {
 public:
  // The budget of the whole search (0: none), to share among the phases.
  AutoStrategy(std::uint64_t max_executions, double time_limit_s, std::uint64_t seed,
               std::uint32_t pct_depth);

  enum class Phase { hunt, dpor, pct };

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution& ex) override;
  std::string abort_reason() const override;

  bool pruned() const override { return phase_ == Phase::dpor && dpor_.pruned(); }
  std::string summary() const override;
  std::string position() const override;
  double estimate() const override { return phase_ == Phase::dpor ? hunt_ran_ + dpor_.estimate() : 0; }
  void run_ended(const sim::Execution& ex) override {
    if (phase_ == Phase::dpor) dpor_.run_ended(ex);
  }

  Phase phase() const { return phase_; }
  bool in_dpor() const { return phase_ == Phase::dpor; }
  std::uint64_t hunt_executions() const { return hunt_ran_; }
  const DporStrategy& dpor() const { return dpor_; }

 private:
  double seconds() const;
  void start_dpor();

  std::uint64_t max_executions_;   // 0: no limit
  double time_limit_s_;            // 0: no limit
  std::uint64_t hunt_executions_;  // the hunt's length
  double hunt_seconds_;            // 0: no limit
  std::uint64_t dpor_executions_ = 0;  // 0: no limit
  double dpor_seconds_ = 0;            // 0: no limit
  double dpor_start_s_ = 0;
  DporStrategy dpor_;
  PctStrategy pct_;  // the hunt's executions 0 .. hunt - 1, then the PCT phase's from there on
  Phase phase_ = Phase::hunt;
  std::uint64_t hunt_ran_ = 0;
  std::uint64_t dpor_ran_ = 0;
  std::chrono::steady_clock::time_point start_{};
  bool started_ = false;
};

}  // namespace checker

#include "checker/scenario/scenario.hpp"

namespace checker {

const std::vector<std::string>& known_invariants() {
  static const std::vector<std::string> names = {
      "deadlock", "livelock", "kernel-bug", "assertion", "torn-read", "uptodate-lost", "lost-data",
      "stale-error", "lost-error",
  };
  return names;
}

bool names_condition(const Scenario& s, const std::string& invariant) {
  for (const invariants::Condition& c : s.conditions)
    if (invariants::condition_invariant(c.name) == invariant) return true;
  return false;
}

const std::vector<StrategyInfo>& known_strategies() {
  static const std::vector<StrategyInfo> list = {
      {"auto", "the default: a pct bug hunt of 100 executions (a tenth of a budget), then "
               "exhaustive dpor to the end (with a budget: within half of what is left, then pct)"},
      {"dfs", "every schedule, depth first"},
      {"dpor", "source-set DPOR with sleep sets: one schedule per order of the dependent steps"},
      {"pb", "iterative preemption bounding: schedules with 0, 1, 2, ... preemptions"},
      {"db", "iterative delay bounding: round-robin schedules with 0, 1, 2, ... delays"},
      {"pct", "probabilistic concurrency testing: random priorities with pct_depth - 1 change "
              "points (a bug of depth d is found with probability >= 1/(n k^(d-1)) per execution)"},
      {"random", "seeded random walks"},
      {"stateful", "every schedule, depth first, cut where it reaches a state explored before (a store of "
                   "at most max_states 64-bit state hashes; one worker)"},
  };
  return list;
}

}  // namespace checker

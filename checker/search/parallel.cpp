#include "checker/search/parallel.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>

#include "checker/search/settings.hpp"
#include "checker/search/split.hpp"
#include "checker/strategies/auto.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

using namespace split;

namespace {

ExploreResult explore_one(const ProgramFactory& make, const ExploreSettings& settings,
                          const ExploreOptions& opts) {
  auto program = make();
  std::unique_ptr<sim::Strategy> strategy = make_strategy(settings);
  sim::StackPool stacks;
  return explore(*program, *strategy, stacks, opts);
}

// auto's phases (strategies/auto.hpp), each split as its strategy is: the
// bug hunt and the PCT phase by execution number, DPOR at its fault choices;
// the counts, failure, outcomes and summary line are those of AutoStrategy on
// one worker.
ExploreResult explore_auto(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                           const ExploreOptions& opts) {
  AutoPhases phases;
  phases.depth = settings.pct_depth;
  phases.seed = settings.seed;
  ExploreSettings pct = settings;
  pct.strategy = "pct";
  ExploreSettings dpor = settings;
  dpor.strategy = "dpor";
  auto stopped = [&](const ExploreResult& r) {
    return r.interrupted || (opts.stop_at_first_failure && !r.failures.empty()) ||
           r.status == ExploreResult::Status::nondeterminism || r.status == ExploreResult::Status::internal_error;
  };
  // A later phase's result after an earlier one's: the counts of both, the
  // earlier failures first (when going on after failures), so its verdict.
  auto after = [&](ExploreResult& later, const ExploreResult& earlier) {
    later.blocked += earlier.blocked;
    later.steps += earlier.steps;
    later.depth = std::max(later.depth, earlier.depth);
    later.elapsed_s += earlier.elapsed_s;
    for (const std::string& o : earlier.outcomes) add_outcome(later.outcomes, later.outcomes_truncated, o, opts.max_outcomes);
    later.outcomes_truncated |= earlier.outcomes_truncated;
    if (earlier.failures.empty()) return;
    later.failures.insert(later.failures.begin(), earlier.failures.begin(), earlier.failures.end());
    later.status = earlier.status;
    later.replay = earlier.replay;
    later.budget.clear();
  };

  // 1. The bug hunt: PCT's executions 0 .. hunt - 1.
  ExploreResult h;
  const std::uint64_t hunt = auto_hunt_executions(opts.max_executions);
  if (hunt > 0) {
    ExploreOptions o = opts;
    o.max_executions = hunt;
    o.time_limit_s = auto_hunt_seconds(opts.time_limit_s);
    h = explore_indexed(jobs, make, pct, o);
    phases.hunt = h.executions;
    if (stopped(h)) {
      h.search = auto_summary(phases);
      for (Failure& f : h.failures) f.search = auto_hunt_position(settings.pct_depth);
      return h;
    }
    phases.hunt_over = true;
  }

  // 2. DPOR: to its end without a budget; else within half of what is left.
  ExploreOptions first = opts;
  const bool budget = opts.max_executions != 0 || opts.time_limit_s > 0;
  if (opts.max_executions != 0) {
    const std::uint64_t left = opts.max_executions - h.executions;
    first.max_executions = left == 1 ? 1 : left / 2;
  }
  if (opts.time_limit_s > 0) first.time_limit_s = std::max(opts.time_limit_s - h.elapsed_s, 1e-9) / 2;
  for (Failure& f : h.failures) f.search = auto_hunt_position(settings.pct_depth);
  ExploreResult a = explore_dpor(jobs, make, dpor, first);
  phases.dpor = a.executions;
  phases.dpor_complete = a.complete;
  a.executions += h.executions;
  for (Failure& f : a.failures) {
    f.execution += h.executions;
    if (hunt > 0) f.search = auto_dpor_position();
  }
  after(a, h);
  if (!budget || a.complete || stopped(a) || (opts.max_executions != 0 && a.executions >= opts.max_executions)) {
    a.search = auto_summary(phases);
    return a;
  }

  // 3. PCT for the rest, going on from the hunt's executions.
  ExploreOptions rest = opts;
  if (opts.max_executions != 0) rest.max_executions = opts.max_executions - phases.dpor;
  if (opts.time_limit_s > 0) rest.time_limit_s = std::max(opts.time_limit_s - a.elapsed_s, 1e-9);
  ExploreResult b = explore_indexed(jobs, make, pct, rest, a.executions, 0, 1, nullptr, nullptr, h.executions);
  for (Failure& f : b.failures) {
    f.execution -= h.executions;  // explore_indexed numbers them from PCT's execution 0
    f.search = auto_pct_position(settings.pct_depth);
  }
  if (b.failures.empty() && !b.interrupted && opts.max_executions != 0 && b.executions >= opts.max_executions)
    b.budget = execution_budget_text(opts.max_executions);
  after(b, a);
  phases.dpor_cut = true;
  phases.pct = b.search;
  b.search = auto_summary(phases);
  return b;
}

}  // namespace

unsigned default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

ExploreResult explore_parallel(const ProgramFactory& make, const ExploreSettings& settings,
                               const ExploreOptions& opts, unsigned jobs) {
  if (jobs <= 1) return explore_one(make, settings, opts);
  if (settings.strategy == "dpor") return explore_dpor(jobs, make, settings, opts);
  if (settings.strategy == "dfs" || settings.strategy == "pb" || settings.strategy == "db")
    return explore_tree(jobs, make, settings, opts);
  if (settings.strategy == "random" || settings.strategy == "pct")
    return explore_indexed(jobs, make, settings, opts);
  if (settings.strategy == "auto") return explore_auto(jobs, make, settings, opts);
  return explore_one(make, settings, opts);
}

}  // namespace checker

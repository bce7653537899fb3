#include "checker/search/parallel.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>

#include "checker/search/settings.hpp"
#include "checker/search/split.hpp"
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

}  // namespace

unsigned default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

// auto without a budget is DPOR to its end; its summary says "complete" when
// it explored everything without stopping at a failure, with any --jobs.
std::string auto_dpor_summary(const ExploreResult& r) {
  return "auto: dpor" + std::string(r.complete ? ", complete" : "");
}

ExploreResult explore_parallel(const ProgramFactory& make, const ExploreSettings& settings,
                               const ExploreOptions& opts, unsigned jobs) {
  const bool auto_unbudgeted = settings.strategy == "auto" && opts.max_executions == 0 && opts.time_limit_s <= 0;
  if (jobs <= 1) {
    ExploreResult r = explore_one(make, settings, opts);
    if (auto_unbudgeted) r.search = auto_dpor_summary(r);
    return r;
  }
  if (settings.strategy == "dpor") return explore_dpor(jobs, make, settings, opts);
  if (settings.strategy == "dfs" || settings.strategy == "pb" || settings.strategy == "db")
    return explore_tree(jobs, make, settings, opts);
  if (settings.strategy == "random" || settings.strategy == "pct")
    return explore_indexed(jobs, make, settings, opts);
  if (settings.strategy == "auto") {
    // The DPOR phase on one worker, within half the budget; then PCT, split.
    ExploreOptions first = opts;
    const bool budget = opts.max_executions != 0 || opts.time_limit_s > 0;
    ExploreSettings dpor = settings;
    dpor.strategy = "dpor";
    if (!budget) {
      ExploreResult r = explore_dpor(jobs, make, dpor, opts);
      r.search = auto_dpor_summary(r);
      return r;
    }
    first.max_executions = opts.max_executions / 2 + (opts.max_executions == 1 ? 1 : 0);
    first.time_limit_s = opts.time_limit_s / 2;
    ExploreResult a = explore_dpor(jobs, make, dpor, first);
    if (a.complete || a.interrupted || !a.failures.empty() || a.status == ExploreResult::Status::nondeterminism ||
        a.status == ExploreResult::Status::internal_error ||
        (opts.max_executions != 0 && a.executions >= opts.max_executions))
      return a;
    ExploreOptions rest = opts;
    if (opts.max_executions != 0) rest.max_executions = opts.max_executions - a.executions;
    if (opts.time_limit_s > 0) rest.time_limit_s = std::max(opts.time_limit_s - a.elapsed_s, 1e-9);
    ExploreSettings pct = settings;
    pct.strategy = "pct";
    ExploreResult b = explore_indexed(jobs, make, pct, rest, a.executions);
    b.steps += a.steps;
    b.blocked += a.blocked;
    b.depth = std::max(b.depth, a.depth);
    b.elapsed_s += a.elapsed_s;
    b.interrupted |= a.interrupted;
    for (const std::string& o : a.outcomes) b.outcomes.insert(o);
    b.search = "auto: dpor ran " + std::to_string(a.executions) +
               " executions (half the budget) without finishing; then " + b.search;
    if (!b.failures.empty()) b.failures.front().search = "the PCT phase (depth " + std::to_string(settings.pct_depth) + ")";
    return b;
  }
  return explore_one(make, settings, opts);
}

}  // namespace checker

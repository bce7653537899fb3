// auto, the default strategy (strategies/auto.hpp): a short PCT bug hunt, then
// DPOR to its end (with a budget: within half of what is left, then PCT).
// Run through run_scenario, as `interleave run` runs a scenario.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/strategies/auto.hpp"
#include "models/examples/examples.hpp"

#include "tests/checker/same_result.hpp"

using namespace checker;
using checker::testing::same_result;

namespace {

Scenario seed(const std::string& name) {
  return load_scenario(std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed/" + name + ".json");
}

ExploreResult run(const Scenario& s, const std::string& strategy, unsigned jobs) {
  ExploreSettings settings = s.explore;
  settings.strategy = strategy;
  settings.jobs = jobs;
  return run_scenario(s, settings);
}


}  // namespace

TEST_CASE("auto: problem 1's self-deadlock in its bug hunt, within 100 executions") {
  const Scenario s = seed("self-deadlock-reclaim");
  // The scenario's own settings: auto (the default), no budget.
  REQUIRE(s.explore.strategy == "auto");
  REQUIRE(s.explore.max_executions == 0);
  REQUIRE(s.explore.time_limit_s == 0);
  for (unsigned jobs : {1u, 2u}) {
    CAPTURE(jobs);
    ExploreSettings settings = s.explore;
    settings.jobs = jobs;
    const ExploreResult r = run_scenario(s, settings);
    REQUIRE(r.status == ExploreResult::Status::violation);
    CHECK(invariant_of(r.failures.front().verdict) == "deadlock");
    CHECK(r.executions <= 100);
    CHECK(r.failures.front().execution == r.executions);
    CHECK(r.failures.front().search == auto_hunt_position(s.explore.pct_depth));
    CHECK(r.search == "auto: a bug hunt (PCT depth 3, seed 0) ran " + std::to_string(r.executions) + " executions");
  }
}

TEST_CASE("auto: a scenario without a bug gets a complete DPOR search after the hunt, as dpor gives it") {
  for (const char* name : {"control-write-then-read", "control-different-pages", "self-deadlock-no-reclaim"}) {
    CAPTURE(name);
    const Scenario s = seed(name);
    const ExploreResult dpor = run(s, "dpor", 1);
    REQUIRE(dpor.status == ExploreResult::Status::pass);
    const ExploreResult a = run(s, "auto", 1);
    CHECK(a.status == ExploreResult::Status::pass);
    CHECK(a.complete);
    CHECK(a.outcomes == dpor.outcomes);
    CHECK_FALSE(a.outcomes_truncated);
    // Every execution counts: the hunt's and DPOR's.
    CHECK(a.executions == kAutoHuntExecutions + dpor.executions);
    CHECK(a.blocked == dpor.blocked);
    CHECK(a.search == "auto: a bug hunt (PCT depth 3, seed 0) of 100 executions; then dpor, " +
                          std::to_string(dpor.executions) + (dpor.executions == 1 ? " execution" : " executions") +
                          ", complete");
  }
}

TEST_CASE("auto: --jobs 1 and --jobs 2 give the same executions, verdict, trace and summary") {
  for (const char* name : {"self-deadlock-reclaim", "control-write-then-read", "torn-read-half-copied-page",
                           "ramfs-short-copy-lost-data", "self-deadlock-no-reclaim"}) {
    CAPTURE(name);
    const Scenario s = seed(name);
    same_result(run(s, "auto", 1), run(s, "auto", 2));
  }
  // With a budget: a hunt of a tenth of it, DPOR within half of the rest, then PCT.
  auto example = [](unsigned jobs, std::uint64_t max_executions) {
    ExploreSettings settings;
    settings.strategy = "auto";
    settings.max_executions = max_executions;
    ExploreOptions o = explore_options(settings);
    return explore_parallel(
        [] { return models::examples::make_example("locked-counter", {{"threads", 3}, {"increments", 3}}); },
        settings, o, jobs);
  };
  const ExploreResult one = example(1, 200);
  CHECK(one.status == ExploreResult::Status::inconclusive);
  CHECK(one.executions == 200);
  CHECK(one.search.find("auto: a bug hunt (PCT depth 3, seed 0) of 20 executions; then dpor ran 90 executions "
                        "(half the budget left) without finishing; then PCT depth 3") == 0);
  same_result(one, example(2, 200));
}

TEST_CASE("auto: the hunt is a small part of a budget, and none of a budget under 10") {
  CHECK(auto_hunt_executions(0) == kAutoHuntExecutions);
  CHECK(auto_hunt_executions(5000) == kAutoHuntExecutions);
  CHECK(auto_hunt_executions(300) == 30);
  CHECK(auto_hunt_executions(9) == 0);
  CHECK(auto_hunt_seconds(0) == 0);
  CHECK(auto_hunt_seconds(20) == 2);
}

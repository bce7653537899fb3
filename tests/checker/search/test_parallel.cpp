// Split searches (--jobs): with any number of workers, the same executions,
// steps, verdict, failing execution, trace and outcomes as one worker.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "models/examples/examples.hpp"

#include "tests/checker/same_result.hpp"

using namespace checker;
using checker::testing::same_result;

namespace {

ExploreResult search(const std::string& example, const models::examples::Params& params,
                     const std::string& strategy, unsigned jobs, bool stop_at_first = true,
                     std::uint64_t max_executions = 0) {
  ExploreSettings s;
  s.strategy = strategy;
  s.max_executions = max_executions;
  s.seed = 5;
  s = effective_settings(s);
  ExploreOptions o = explore_options(s);
  o.stop_at_first_failure = stop_at_first;
  return explore_parallel([&] { return models::examples::make_example(example, params); }, s, o, jobs);
}


struct Program {
  const char* name;
  models::examples::Params params;
};

const std::vector<Program> kPrograms = {
    {"lock-mix", {{"threads", 2}, {"rounds", 1}}},  // passes, 4902 executions
    {"lost-update", {{"threads", 3}}},
    {"reorder_5", {}},       // fails late in DFS order
    {"twostage", {{"readers", 2}}},
    {"abba", {}},
    {"wronglock_3", {}},
    {"stack", {{"size", 3}}},
};

}  // namespace

TEST_CASE("jobs: dfs, pb and db split among workers give what one worker gives") {
  for (const Program& p : kPrograms)
    for (const char* strategy : {"dfs", "pb", "db"}) {
      CAPTURE(p.name);
      CAPTURE(strategy);
      const ExploreResult one = search(p.name, p.params, strategy, 1);
      for (unsigned jobs : {2u, 3u, 4u}) {
        CAPTURE(jobs);
        same_result(one, search(p.name, p.params, strategy, jobs));
      }
    }
}

TEST_CASE("jobs: going on after failures, every failure in the same order") {
  for (const char* strategy : {"dfs", "pb"}) {
    CAPTURE(strategy);
    const ExploreResult one = search("reorder_3", {}, strategy, 1, false);
    CHECK(one.failures.size() > 1);
    same_result(one, search("reorder_3", {}, strategy, 3, false));
  }
}

TEST_CASE("jobs: random walks and PCT run executions 0 .. N-1 whatever the workers") {
  for (const Program& p : kPrograms)
    for (const char* strategy : {"random", "pct"}) {
      CAPTURE(p.name);
      CAPTURE(strategy);
      const ExploreResult one = search(p.name, p.params, strategy, 1, true, 300);
      for (unsigned jobs : {2u, 4u}) {
        CAPTURE(jobs);
        same_result(one, search(p.name, p.params, strategy, jobs, true, 300));
      }
    }
}

TEST_CASE("jobs: auto, its DPOR phase then its PCT phase, as one worker") {
  // DPOR cannot finish in 40 of the 80 executions: the PCT phase runs.
  const ExploreResult one = search("locked-counter", {{"threads", 3}, {"increments", 3}}, "auto", 1, true, 80);
  CHECK(one.status == ExploreResult::Status::inconclusive);
  CHECK(one.executions == 80);
  same_result(one, search("locked-counter", {{"threads", 3}, {"increments", 3}}, "auto", 2, true, 80));
  // Found in the PCT phase.
  const ExploreResult found = search("reorder_5", {}, "auto", 1, true, 20);
  same_result(found, search("reorder_5", {}, "auto", 3, true, 20));
}

TEST_CASE("jobs: a page-cache scenario split among workers") {
  const std::string file = std::string(INTERLEAVE_SOURCE_DIR) + "/tests/checker/pagecache/torn-read.json";
  Scenario s = load_scenario(file);
  for (const char* strategy : {"dfs", "pb"}) {
    CAPTURE(strategy);
    ExploreSettings settings = s.explore;
    settings.strategy = strategy;
    settings.jobs = 1;
    const ExploreResult one = run_scenario(s, settings);
    settings.jobs = 3;
    same_result(one, run_scenario(s, settings));
  }
}

TEST_CASE("jobs: dpor split at its fault choices gives what one worker gives") {
  std::vector<std::string> files = {std::string(INTERLEAVE_SOURCE_DIR) + "/tests/checker/pagecache/torn-read.json"};
  for (const char* seed : {"control-write-then-read", "self-deadlock-no-reclaim", "torn-read-half-copied-page"}) {
    const std::string f = std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed/" + seed + ".json";
    if (std::ifstream(f).good()) files.push_back(f);
  }
  for (const std::string& file : files) {
    CAPTURE(file);
    Scenario s = load_scenario(file);
    ExploreSettings settings = s.explore;
    settings.strategy = "dpor";
    for (bool stop_at_first : {true, false}) {
      CAPTURE(stop_at_first);
      ExploreOptions o = explore_options(settings);
      o.stop_at_first_failure = stop_at_first;
      auto make = [&] { return make_program(s); };
      const ExploreResult one = explore_parallel(make, settings, o, 1);
      for (unsigned jobs : {2u, 3u}) {
        CAPTURE(jobs);
        same_result(one, explore_parallel(make, settings, o, jobs));
      }
    }
  }
}

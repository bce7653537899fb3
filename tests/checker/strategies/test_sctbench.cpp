// The SCTBench classics as built-in examples: listed by `interleave models`,
// and each strategy finds each one's bug (the assertion or the deadlock of the
// original) within a budget.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "models/examples/examples.hpp"
#include "models/examples/sctbench.hpp"
#include "sim/stack_pool.hpp"

using namespace checker;

namespace {

struct Classic {
  const char* name;
  const char* invariant;  // what the bug breaks
};

const std::vector<Classic> kClassics = {
    {"account", "assertion"},  {"deadlock01", "deadlock"},  {"lazy01", "assertion"},
    {"twostage", "assertion"}, {"reorder_3", "assertion"},  {"reorder_5", "assertion"},
    {"wronglock_3", "assertion"}, {"token_ring", "assertion"}, {"stack", "assertion"},
    {"carter01", "deadlock"},
};

}  // namespace

TEST_CASE("sctbench: the ten classics are built-in examples that `interleave models` lists") {
  std::vector<std::string> listed;
  for (const ModelInfo& m : list_models()) listed.push_back(m.name);
  for (const Classic& c : kClassics) {
    CAPTURE(c.name);
    CHECK(std::find(listed.begin(), listed.end(), std::string("example:") + c.name) != listed.end());
    CHECK(models::examples::find_example(c.name) != nullptr);
    CHECK(models::examples::make_example(c.name) != nullptr);
  }
  CHECK(models::examples::sctbench_examples().size() == kClassics.size());
}

TEST_CASE("sctbench: every strategy finds every classic's bug") {
  for (const Classic& c : kClassics) {
    for (const char* strategy : {"dfs", "dpor", "pb", "db", "pct", "random", "auto"}) {
      CAPTURE(c.name);
      CAPTURE(strategy);
      Scenario s = parse_scenario(
          nlohmann::json{{"model", std::string("example:") + c.name},
                         {"explore", {{"strategy", strategy}, {"max_executions", 50000}, {"seed", 1}}}},
          "");
      ExploreResult r = run_scenario(s, effective_settings(s.explore));
      REQUIRE(r.status == ExploreResult::Status::violation);
      CHECK(invariant_of(r.failures.front().verdict) == c.invariant);
    }
  }
}

TEST_CASE("sctbench: preemption bounding finds each bug at bound 0 or 1") {
  for (const Classic& c : kClassics) {
    CAPTURE(c.name);
    Scenario s = parse_scenario(
        nlohmann::json{{"model", std::string("example:") + c.name}, {"explore", {{"strategy", "pb"}}}},
        "");
    ExploreResult r = run_scenario(s, s.explore);
    REQUIRE(r.status == ExploreResult::Status::violation);
    const std::string& at = r.failures.front().search;
    CHECK((at == "preemption bound 0" || at == "preemption bound 1"));
  }
}

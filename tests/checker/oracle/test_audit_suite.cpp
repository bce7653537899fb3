// Check the checker: every shipped scenario (and the strategy tests' small
// programs), for every variant `interleave
// check` judges it on, explored by DPOR under the audit (sim/audit.hpp), so
// that every access the model makes is compared with the footprint its step
// executed. A footprint that misses an object is a model bug that lets DPOR
// prune schedules that mattered; none may occur. The search goes on past
// violations (the executions after a failure are audited too), within a
// budget per cell that keeps the test to seconds.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/scenario/model.hpp"
#include "checker/search/explorer.hpp"
#include "checker/strategies/dpor.hpp"
#include "sim/audit.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kExecutionsPerCell = 20000;

}  // namespace

TEST_CASE("audit: no step of any scenario, on any variant, touches an object outside its footprint") {
  sim::audit::set_default(true);
  sim::StackPool stacks;
  std::size_t cells = 0;
  for (const std::string& file : checker::testing::scenarios_and_strategy_programs()) {
    for (const Scenario& s : expectation_cells(load_scenario(file))) {
      INFO(file << " [" << s.model << "]");
      auto program = make_program(s);
      DporStrategy dpor;
      ExploreOptions opts;
      opts.max_executions = kExecutionsPerCell;
      opts.max_steps = s.explore.max_steps;
      opts.stop_at_first_failure = false;
      opts.collect_outcomes = false;
      opts.verify_failure = false;
      const ExploreResult r = explore(*program, dpor, stacks, opts);
      CHECK_MESSAGE(r.status != ExploreResult::Status::internal_error, r.error);
      for (const Failure& f : r.failures) CHECK_MESSAGE(f.verdict.kind != sim::Verdict::Kind::internal_error, f.verdict.message);
      ++cells;
    }
  }
  sim::audit::set_default(false);
  CHECK(cells >= 20);
}

// Iterative preemption bounding and delay bounding: exact counts of the
// schedules within each bound, completeness once no schedule is left out,
// the bound at which a violation appears, and a maximum bound.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/run.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/strategies/delay_bounding.hpp"
#include "checker/strategies/preemption_bounding.hpp"
#include "models/examples/examples.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::multinomial;

namespace {

std::string read_file_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint64_t binom(unsigned n, unsigned k) {
  if (k > n) return 0;
  return multinomial({k, n - k});
}

// Interleavings of two threads of k steps each made of m alternating blocks.
std::uint64_t with_blocks(unsigned k, unsigned m) {
  if (k == 0) return m == 0 ? 1 : 0;
  if (m < 2) return 0;
  const unsigned r = m / 2;
  if (m % 2 == 0) return 2 * binom(k - 1, r - 1) * binom(k - 1, r - 1);
  return 2 * binom(k - 1, r) * binom(k - 1, r - 1);
}

// Two threads of k steps: a schedule of m blocks has m - 2 preemptions (the
// switch into the last block comes after the other thread ended: free).
std::uint64_t within_preemptions(unsigned k, unsigned bound) {
  std::uint64_t n = 0;
  for (unsigned m = 2; m <= 2 * k && m <= bound + 2; ++m) n += with_blocks(k, m);
  return n;
}

ExploreResult explore_with(sim::Strategy& s, const std::string& example,
                           const models::examples::Params& params = {}) {
  auto program = models::examples::make_example(example, params);
  sim::StackPool stacks;
  ExploreOptions opts;
  return explore(*program, s, stacks, opts);
}

}  // namespace

TEST_CASE("preemption bounding: each iteration runs exactly the schedules within its bound") {
  for (unsigned k : {1u, 2u, 3u, 4u}) {
    CAPTURE(k);
    PreemptionBounding pb;
    ExploreResult r = explore_with(pb, "steps", {{"threads", 2}, {"steps", k}});
    CHECK(r.status == ExploreResult::Status::pass);
    CHECK(r.complete);
    // Iterations 0 .. 2k-2; the last one leaves nothing out.
    REQUIRE(pb.executions_per_bound().size() == 2 * k - 1);
    std::uint64_t total = 0;
    for (unsigned b = 0; b < pb.executions_per_bound().size(); ++b) {
      CAPTURE(b);
      CHECK(pb.executions_per_bound()[b] == within_preemptions(k, b));
      total += pb.executions_per_bound()[b];
    }
    CHECK(pb.executions_per_bound().back() == multinomial({k, k}));
    CHECK(r.executions == total);
    // Every interleaving was met (the outcome is the order of the steps).
    CHECK(r.outcomes.size() == multinomial({k, k}));
    CHECK(pb.bound() == 2 * k - 2);
    CHECK(r.search.find("preemption bound " + std::to_string(2 * k - 2)) == 0);
  }
}

TEST_CASE("delay bounding: bound 0 is the one round-robin schedule, the last bound covers all") {
  for (unsigned k : {1u, 2u, 3u}) {
    CAPTURE(k);
    DelayBounding db;
    ExploreResult r = explore_with(db, "steps", {{"threads", 2}, {"steps", k}});
    CHECK(r.status == ExploreResult::Status::pass);
    REQUIRE(!db.executions_per_bound().empty());
    CHECK(db.executions_per_bound()[0] == 1);
    // Two threads: a delay is a preemption, and starting with t1 costs one.
    for (unsigned b = 1; b < db.executions_per_bound().size(); ++b) {
      CAPTURE(b);
      CHECK(db.executions_per_bound()[b] ==
            within_preemptions(k, b) / 2 + within_preemptions(k, b - 1) / 2);
    }
    CHECK(db.executions_per_bound().back() == multinomial({k, k}));
    CHECK(r.outcomes.size() == multinomial({k, k}));
  }
  // Three threads of one step: round robin from t0; t2 first costs 2 delays.
  DelayBounding db;
  ExploreResult r = explore_with(db, "steps", {{"threads", 3}, {"steps", 1}});
  CHECK(r.status == ExploreResult::Status::pass);
  REQUIRE(db.executions_per_bound().size() >= 2);
  CHECK(db.executions_per_bound()[0] == 1);
  CHECK(db.executions_per_bound()[1] == 3);  // 012, 021, and 120 (t1 first: 1 delay; t2 is next)
  CHECK(db.executions_per_bound().back() == 6);
}

TEST_CASE("bounded search: the outcomes are those of DFS, and a violation names its bound") {
  // Small programs: the last iterations run every schedule again.
  for (const char* example : {"lost-update", "locked-counter", "lock-mix"}) {
    CAPTURE(example);
    const models::examples::Params params = {{"threads", 2}};
    ExploreResult dfs = checker::testing::explore_example(example, params);
    PreemptionBounding pb;
    DelayBounding db;
    ExploreResult p = explore_with(pb, example, params);
    ExploreResult d = explore_with(db, example, params);
    CHECK(p.status == dfs.status);
    CHECK(d.status == dfs.status);
    CHECK(p.outcomes == dfs.outcomes);
    CHECK(d.outcomes == dfs.outcomes);
  }
  // ABBA needs one preemption (t0 takes A, t1 takes B) and one delay.
  PreemptionBounding pb;
  ExploreResult r = explore_with(pb, "abba");
  REQUIRE(r.status == ExploreResult::Status::violation);
  CHECK(checker::invariant_of(r.failures.front().verdict) == "deadlock");
  CHECK(r.failures.front().search == "preemption bound 1");
  DelayBounding db;
  r = explore_with(db, "abba");
  REQUIRE(r.status == ExploreResult::Status::violation);
  CHECK(r.failures.front().search == "delay bound 1");
}

TEST_CASE("bounded search: a maximum bound that leaves schedules out is inconclusive") {
  PreemptionBounding pb(1);
  ExploreResult r = explore_with(pb, "steps", {{"threads", 2}, {"steps", 3}});
  CHECK(r.status == ExploreResult::Status::inconclusive);
  CHECK(r.complete);
  CHECK(pb.bounded_out());
  CHECK(r.executions == within_preemptions(3, 0) + within_preemptions(3, 1));
  CHECK(r.budget.find("maximum bound") != std::string::npos);
  // A maximum the search never needs: complete, a pass.
  PreemptionBounding enough(10);
  r = explore_with(enough, "steps", {{"threads", 2}, {"steps", 2}});
  CHECK(r.status == ExploreResult::Status::pass);
  CHECK_FALSE(enough.bounded_out());
}

TEST_CASE("bounded search: problem 1 of the mail at preemption bound 1 after a few dozen executions") {
  const std::filesystem::path file =
      std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "scenarios/seed/self-deadlock-reclaim.json";
  if (!std::filesystem::exists(file)) {
    MESSAGE("skipped: " << file.string() << " is not there");
    return;
  }
  Scenario s = load_scenario(file.string());
  ExploreSettings settings = s.explore;
  for (const char* strategy : {"pb", "db"}) {
    CAPTURE(strategy);
    settings.strategy = strategy;
    ExploreResult r = run_scenario(s, settings);
    REQUIRE(r.status == ExploreResult::Status::violation);
    CHECK(r.failures.front().verdict.self_deadlock);
    CHECK(r.executions < 200);  // plain DFS needs over 100,000
    CHECK(r.failures.front().search.ends_with("bound 1"));
  }
}

TEST_CASE("strategies: the schema and the loader name the same strategies") {
  const auto schema = nlohmann::json::parse(
      read_file_text(std::filesystem::path(INTERLEAVE_SOURCE_DIR) / "scenarios" / "schema.json"));
  std::vector<std::string> names;
  for (const StrategyInfo& s : known_strategies()) names.push_back(s.name);
  CHECK(schema["properties"]["explore"]["properties"]["strategy"]["enum"] == nlohmann::json(names));
  CHECK(schema["properties"]["explore"]["properties"].contains("bound"));
  Scenario s = parse_scenario(nlohmann::json::parse(
                                  R"({"model": "example:abba", "explore": {"strategy": "pb", "bound": 3}})"),
                              "");
  CHECK(s.explore.strategy == "pb");
  CHECK(s.explore.bound == 3);
}

// PCT (priorities and change points, k from a first run, executions that do
// not depend on each other) and the default strategy, auto (a PCT bug hunt,
// DPOR, then PCT with a budget; more in test_auto.cpp).
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/strategies/auto.hpp"
#include "checker/strategies/pct.hpp"
#include "models/examples/examples.hpp"
#include "sim/execution.hpp"
#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::run;

namespace {

// The schedules of the first `n` executions of a strategy.
std::vector<sim::Schedule> schedules(models::Program& p, sim::Strategy& s, int n) {
  std::vector<sim::Schedule> out;
  sim::StackPool stacks;
  sim::Execution ex(stacks);
  for (int i = 0; i < n; ++i) {
    ex.reset();
    p.setup(ex);
    ex.run(s, {});
    out.push_back(ex.schedule());
    s.end_execution(ex);
  }
  return out;
}

// Two threads: t0 sets a flag late, t1 reads it early; the bug needs t1's
// read after t0's write, a depth-1 ordering that only some priorities give,
// plus a fault choice.
class Late final : public models::Program {
 public:
  void setup(sim::Execution& ex) override {
    flag_ = std::make_unique<sim::SharedWord>(ex, "flag", 0);
    mine_ = std::make_unique<sim::SharedWord>(ex, "mine", 0);
    ex.spawn("t0", [this] {
      for (int i = 0; i < 5; ++i) mine_->store(i, "work");
      flag_->store(1, "set");
    });
    ex.spawn("t1", [this, &ex] {
      if (flag_->load("read") == 1 && ex.choose(2, "fault") == 1) ex.fail("assertion", "saw the flag");
    });
  }
  std::string outcome() const override { return "flag=" + std::to_string(flag_->peek()); }

 private:
  std::unique_ptr<sim::SharedWord> flag_, mine_;
};

}  // namespace

TEST_CASE("pct: k comes from the first run, the same seed gives the same executions") {
  auto p = models::examples::make_example("lock-mix", {{"threads", 3}, {"rounds", 1}});
  PctStrategy a(7, 3), b(7, 3), c(8, 3);
  auto sa = schedules(*p, a, 40), sb = schedules(*p, b, 40), sc = schedules(*p, c, 40);
  CHECK(sa == sb);
  CHECK(sa != sc);
  std::uint64_t first = 0;
  for (const sim::Decision& d : sa[0]) first += d.kind == sim::Decision::Kind::thread;
  CHECK(a.steps_k() == first);
  // Different priorities and change points give different schedules.
  std::set<std::vector<std::uint32_t>> distinct;
  for (const sim::Schedule& sch : sa) {
    std::vector<std::uint32_t> v;
    for (const sim::Decision& d : sch) v.push_back(d.value);
    distinct.insert(v);
  }
  CHECK(distinct.size() > 10);
}

TEST_CASE("pct: execution i is the same however many executions ran before it") {
  auto p = models::examples::make_example("lock-mix", {{"threads", 3}, {"rounds", 1}});
  PctStrategy all(11, 2);
  auto seq = schedules(*p, all, 12);
  // Execution 0 sets k; then any execution can be run on its own.
  PctStrategy one(11, 2);
  schedules(*p, one, 1);
  one.seek(9);
  CHECK(schedules(*p, one, 1)[0] == seq[9]);
  one.seek(3);
  CHECK(schedules(*p, one, 1)[0] == seq[3]);
}

TEST_CASE("pct: finds the ABBA deadlock and a late flag, never a complete search") {
  auto abba = models::examples::make_example("abba");
  PctStrategy pct(1, 3);
  ExploreOptions o;
  o.max_executions = 200;
  ExploreResult r = run(*abba, pct, o);
  REQUIRE(r.status == ExploreResult::Status::violation);
  CHECK(invariant_of(r.failures.front().verdict) == "deadlock");
  CHECK(r.failures.front().search == "PCT depth 3");

  Late late;
  PctStrategy pct2(1, 1);
  r = run(late, pct2, o);
  REQUIRE(r.status == ExploreResult::Status::violation);
  CHECK(invariant_of(r.failures.front().verdict) == "assertion");

  auto steps = models::examples::make_example("steps", {{"threads", 2}, {"steps", 2}});
  PctStrategy pct3(1, 2);
  o.max_executions = 50;
  r = run(*steps, pct3, o);
  CHECK(r.status == ExploreResult::Status::inconclusive);
  CHECK(r.search.find("PCT depth 2, seed 1, k = 4 steps, n = 2 threads") == 0);
  CHECK(r.search.find("probability >= 1/(n k^(d-1)) = 0.125") != std::string::npos);
}

TEST_CASE("auto: a bug hunt, then DPOR to the end without a budget, with one, PCT after half of what is left") {
  auto lm = models::examples::make_example("lock-mix", {{"threads", 3}, {"rounds", 1}});
  AutoStrategy unbounded(0, 0, 0, 3);
  ExploreResult r = run(*lm, unbounded);
  CHECK(r.status == ExploreResult::Status::pass);
  CHECK(unbounded.in_dpor());
  CHECK(unbounded.hunt_executions() == kAutoHuntExecutions);
  CHECK(r.executions == kAutoHuntExecutions + unbounded.dpor().complete() + unbounded.dpor().blocked());

  // Three threads taking one mutex 3 times: 1680 orders, more than half of 90.
  auto lu = models::examples::make_example("locked-counter", {{"threads", 3}, {"increments", 3}});
  AutoStrategy budget(100, 0, 0, 3);
  ExploreOptions o;
  o.max_executions = 100;
  r = run(*lu, budget, o);
  CHECK(r.status == ExploreResult::Status::inconclusive);
  CHECK(r.executions == 100);
  CHECK(budget.phase() == AutoStrategy::Phase::pct);
  CHECK(budget.hunt_executions() == 10);
  CHECK(r.search.find("bug hunt (PCT depth 3, seed 0) of 10 executions") != std::string::npos);
  CHECK(r.search.find("dpor ran 45 executions") != std::string::npos);
  CHECK(r.search.find("then PCT depth 3") != std::string::npos);

  // ABBA: found by the hunt, within the budget.
  auto abba = models::examples::make_example("abba");
  AutoStrategy small(100, 0, 0, 3);
  r = run(*abba, small, o);
  CHECK(r.status == ExploreResult::Status::violation);
  CHECK(small.phase() == AutoStrategy::Phase::hunt);
  CHECK(r.failures.front().search == auto_hunt_position(3));

  // A budget under 10 executions leaves no room for a hunt: DPOR first.
  AutoStrategy tiny(8, 0, 0, 3);
  CHECK(tiny.in_dpor());
}

TEST_CASE("auto is the default strategy, and the one --help states") {
  Scenario s = parse_scenario(nlohmann::json::parse(R"({"model": "example:abba"})"), "");
  CHECK(s.explore.strategy == "auto");
  CHECK(known_strategies().front().name == "auto");
  ExploreSettings pct = s.explore;
  pct.strategy = "pct";
  CHECK(effective_settings(pct).max_executions == kDefaultRandomExecutions);
  CHECK(dynamic_cast<AutoStrategy*>(make_strategy(s.explore).get()) != nullptr);
}

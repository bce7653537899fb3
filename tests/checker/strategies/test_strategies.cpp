// The strategies and the explorer: DFS completeness over thread choices and
// fault values, nondeterminism detection, budgets, random walks, replay.
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/search/explorer.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/random.hpp"
#include "checker/strategies/replay.hpp"
#include "models/examples/examples.hpp"
#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::explore_example;
using checker::testing::multinomial;

TEST_CASE("multinomial helper") {
  CHECK(multinomial({3, 3}) == 20);
  CHECK(multinomial({2, 2, 2}) == 90);
  CHECK(multinomial({1, 1, 1, 1}) == 24);
}

TEST_CASE("DFS: two threads of k visible steps give exactly C(2k, k) executions, all distinct") {
  for (unsigned k : {0u, 1u, 2u, 3u, 4u, 5u, 6u}) {
    CAPTURE(k);
    ExploreResult r = explore_example("steps", {{"threads", 2}, {"steps", k}});
    CHECK(r.status == ExploreResult::Status::pass);
    CHECK(r.complete);
    CHECK(r.executions == multinomial({k, k}));
    // The outcome is the order of the steps: every execution was a new interleaving.
    CHECK(r.outcomes.size() == r.executions);
    CHECK(r.steps == r.executions * 2 * k);
  }
}

TEST_CASE("DFS: three and four threads give the multinomial") {
  struct Case {
    unsigned threads, k;
    std::uint64_t want;
  };
  for (Case c : {Case{3, 1, multinomial({1, 1, 1})}, Case{3, 2, multinomial({2, 2, 2})},
                 Case{3, 3, multinomial({3, 3, 3})}, Case{4, 1, multinomial({1, 1, 1, 1})},
                 Case{4, 2, multinomial({2, 2, 2, 2})}}) {
    CAPTURE(c.threads);
    CAPTURE(c.k);
    ExploreResult r = explore_example("steps", {{"threads", c.threads}, {"steps", c.k}});
    CHECK(r.status == ExploreResult::Status::pass);
    CHECK(r.executions == c.want);
    CHECK(r.outcomes.size() == c.want);
  }
}

namespace {

// Two threads, each: a step, a fault choice among `n` values inside it, and
// another step. The outcome is the order of the steps and the values chosen.
class StepsWithFaults final : public models::Program {
 public:
  explicit StepsWithFaults(std::uint32_t n) : n_(n) {}
  void setup(sim::Execution& ex) override {
    log_.clear();
    for (int i = 0; i < 2; ++i) {
      sim::ObjectId o = ex.new_object("x" + std::to_string(i));
      ex.spawn("t" + std::to_string(i), [this, &ex, i, o] {
        ex.step("a", o, sim::Access::write);
        log_ += std::to_string(i) + "=" + std::to_string(ex.choose(n_, "fault")) + " ";
        ex.step("b", o, sim::Access::write);
        log_ += std::to_string(i) + "b ";
      });
    }
  }
  std::string outcome() const override { return log_; }

 private:
  std::uint32_t n_;
  std::string log_;
};

// A model that is not deterministic: each setup spawns a different number of
// threads.
class Shifting final : public models::Program {
 public:
  void setup(sim::Execution& ex) override {
    ++runs_;
    const int threads = runs_ == 1 ? 3 : 2;
    for (int i = 0; i < threads; ++i)
      ex.spawn("t" + std::to_string(i), [&ex, o = ex.new_object("o" + std::to_string(i))] {
        ex.step("s", o, sim::Access::write);
      });
  }
  std::string outcome() const override { return ""; }

 private:
  int runs_ = 0;
};

// A model whose end check fails only the first time it runs: the replay of
// the failing schedule does not fail.
class FailsOnce final : public models::Program {
 public:
  void setup(sim::Execution& ex) override {
    ex.spawn("t0", [&ex, o = ex.new_object("o")] { ex.step("s", o, sim::Access::write); });
  }
  sim::Verdict check_end(sim::Execution& ex) override {
    if (++checks_ > 1) return ex.verdict();
    sim::Verdict v;
    v.kind = sim::Verdict::Kind::violation;
    v.invariant = "assertion";
    v.message = "first time only";
    return v;
  }
  std::string outcome() const override { return ""; }

 private:
  int checks_ = 0;
};

}  // namespace

TEST_CASE("DFS: fault values are branch points like thread choices") {
  for (std::uint32_t n : {2u, 3u}) {
    CAPTURE(n);
    StepsWithFaults program(n);
    DfsStrategy dfs;
    sim::StackPool stacks;
    ExploreResult r = explore(program, dfs, stacks, {});
    CHECK(r.status == ExploreResult::Status::pass);
    // C(4, 2) interleavings of the four steps, times n values for each thread.
    CHECK(r.executions == 6 * n * n);
    CHECK(r.outcomes.size() == r.executions);
  }
}

TEST_CASE("DFS: the path records each branch point's enabled threads") {
  auto program = models::examples::make_example("steps", {{"threads", 3}, {"steps", 1}});
  DfsStrategy dfs;
  sim::StackPool stacks;
  sim::Execution ex(stacks);
  program->setup(ex);
  ex.run(dfs, {});
  // Three enabled, then two; the last step is forced and not a branch point.
  REQUIRE(dfs.path().size() == 2);
  auto first = dfs.enabled_at(dfs.path()[0]);
  CHECK(std::vector<sim::ThreadId>(first.begin(), first.end()) == std::vector<sim::ThreadId>{0, 1, 2});
  auto second = dfs.enabled_at(dfs.path()[1]);
  CHECK(std::vector<sim::ThreadId>(second.begin(), second.end()) == std::vector<sim::ThreadId>{1, 2});
  CHECK(dfs.end_execution(ex));
  CHECK(dfs.path().back().tried == 1);
}

TEST_CASE("DFS: a model that changes between executions is reported as nondeterministic") {
  Shifting program;
  DfsStrategy dfs;
  sim::StackPool stacks;
  ExploreResult r = explore(program, dfs, stacks, {});
  CHECK(r.status == ExploreResult::Status::nondeterminism);
  CHECK(r.error.find("nondeterminism in the model") != std::string::npos);
  CHECK(r.error.find("{t0, t1}") != std::string::npos);
  CHECK(r.error.find("{t0, t1, #2}") != std::string::npos);  // t2 no longer exists
}

TEST_CASE("explorer: a failure that does not happen again on replay is nondeterminism") {
  FailsOnce program;
  DfsStrategy dfs;
  sim::StackPool stacks;
  ExploreResult r = explore(program, dfs, stacks, {});
  CHECK(r.status == ExploreResult::Status::nondeterminism);
  CHECK(r.error.find("nondeterminism in the model") != std::string::npos);
  CHECK(r.error.find("first time only") != std::string::npos);
}

TEST_CASE("explorer: budgets give an inconclusive result, never a pass") {
  ExploreOptions opts;
  opts.max_executions = 5;
  ExploreResult r = explore_example("steps", {{"threads", 2}, {"steps", 3}}, opts);
  CHECK(r.status == ExploreResult::Status::inconclusive);
  CHECK(r.executions == 5);
  CHECK_FALSE(r.complete);
  CHECK(r.budget.find("--max-executions") != std::string::npos);

  ExploreOptions timed;
  timed.time_limit_s = 1e-9;
  ExploreResult t = explore_example("steps", {{"threads", 3}, {"steps", 4}}, timed);
  CHECK(t.status == ExploreResult::Status::inconclusive);
  CHECK(t.budget.find("--time-limit") != std::string::npos);

  // A budget as large as the search is no limit.
  ExploreOptions exact;
  exact.max_executions = 20;
  CHECK(explore_example("steps", {{"threads", 2}, {"steps", 3}}, exact).status ==
        ExploreResult::Status::pass);
}

TEST_CASE("explorer: going on after a failure collects every failing execution") {
  ExploreOptions opts;
  opts.stop_at_first_failure = false;
  ExploreResult r = explore_example("abba", {}, opts);
  CHECK(r.status == ExploreResult::Status::violation);
  CHECK(r.complete);
  // t0 and t1 each first take their first lock: after A then B (or B then A)
  // both sleep; the other orders finish.
  CHECK(r.failures.size() == 2);
  CHECK(r.outcomes == std::set<std::string>{"done"});
  for (const Failure& f : r.failures) CHECK(f.verdict.kind == sim::Verdict::Kind::deadlock);
}

TEST_CASE("explorer: the step bound gives a livelock suspect") {
  ExploreOptions opts;
  opts.max_steps = 3;
  ExploreResult r = explore_example("steps", {{"threads", 1}, {"steps", 5}}, opts);
  REQUIRE(r.status == ExploreResult::Status::violation);
  CHECK(r.failures.front().verdict.kind == sim::Verdict::Kind::livelock_suspect);
  CHECK(invariant_of(r.failures.front().verdict) == "livelock");
  CHECK(r.failures.front().verdict.message.find("--max-steps") != std::string::npos);
}

TEST_CASE("random: the generator is the same on every machine") {
  Xoshiro256 rng(42);
  std::vector<std::uint32_t> got;
  for (int i = 0; i < 8; ++i) got.push_back(rng.below(1000));
  // Fixed values (xoshiro256** seeded by splitmix64, Lemire's bounded draw,
  // checked against an independent implementation): a change here breaks
  // every recorded seed.
  CHECK(got == std::vector<std::uint32_t>{83, 378, 680, 924, 991, 769, 719, 850});
  Xoshiro256 a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    std::uint64_t x = a.next();
    CHECK(x == b.next());
    differs |= x != c.next();
  }
  CHECK(differs);
  // below(n) stays in range and reaches every value.
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 1000; ++i) {
    std::uint32_t v = rng.below(5);
    CHECK(v < 5);
    seen.insert(v);
  }
  CHECK(seen.size() == 5);
}

namespace {
std::vector<sim::Schedule> walk(std::uint64_t seed, int executions) {
  auto program = models::examples::make_example("steps", {{"threads", 3}, {"steps", 3}});
  StepsWithFaults faults(3);
  RandomStrategy random(seed);
  sim::StackPool stacks;
  std::vector<sim::Schedule> out;
  for (int i = 0; i < executions; ++i) {
    sim::Execution ex(stacks);
    models::Program& p = i % 2 ? static_cast<models::Program&>(faults) : *program;
    p.setup(ex);
    ex.run(random, {});
    out.push_back(ex.schedule());
    random.end_execution(ex);
  }
  return out;
}
}  // namespace

TEST_CASE("random: the same seed gives the same walk, another seed another") {
  auto a = walk(1234, 40);
  auto b = walk(1234, 40);
  auto c = walk(1235, 40);
  CHECK(a == b);
  CHECK(a != c);
  // The walk goes places: not every execution is the same.
  std::set<std::string> distinct;
  for (const sim::Schedule& s : a) {
    std::string key;
    for (const sim::Decision& d : s) key += std::to_string(d.value) + ",";
    distinct.insert(key);
  }
  CHECK(distinct.size() > 10);
}

TEST_CASE("random: a walk finds the ABBA deadlock and never claims a pass") {
  auto program = models::examples::make_example("abba");
  RandomStrategy random(1);
  sim::StackPool stacks;
  ExploreOptions opts;
  opts.max_executions = 200;
  ExploreResult r = explore(*program, random, stacks, opts);
  CHECK(r.status == ExploreResult::Status::violation);

  auto counter = models::examples::make_example("locked-counter");
  ExploreResult ok = explore(*counter, random, stacks, opts);
  CHECK(ok.status == ExploreResult::Status::inconclusive);
  CHECK(ok.executions == 200);
}

TEST_CASE("replay: a schedule that does not fit names the step, the thread and the enabled ones") {
  auto program = models::examples::make_example("abba");
  sim::StackPool stacks;
  // t0 takes A, then the schedule runs t0 again: t0 is enabled (down B), fine;
  // then t1 ... t1 sleeps on B? No: t0 holds B now, so t1 (down B) is not enabled.
  sim::Schedule s{sim::Decision::thread(0), sim::Decision::thread(0), sim::Decision::thread(1)};
  Replayed r = replay(*program, s, stacks, 1000);
  CHECK_FALSE(r.fits);
  CHECK(r.verdict.kind == sim::Verdict::Kind::aborted);
  CHECK(r.misfit.find("decision 2") != std::string::npos);
  CHECK(r.misfit.find("t1 (#1)") != std::string::npos);
  CHECK(r.misfit.find("not enabled; enabled: t0 (#0)") != std::string::npos);

  sim::Schedule value_for_thread{sim::Decision::choice(1, 2)};
  Replayed v = replay(*program, value_for_thread, stacks, 1000);
  CHECK_FALSE(v.fits);
  CHECK(v.misfit.find("fault value") != std::string::npos);

  StepsWithFaults faults(2);
  sim::Schedule out_of_range{sim::Decision::thread(0), sim::Decision::choice(2, 3)};
  Replayed o = replay(faults, out_of_range, stacks, 1000);
  CHECK_FALSE(o.fits);
  CHECK(o.misfit.find("has 2 values") != std::string::npos);

  sim::Schedule too_short{sim::Decision::thread(0)};
  Replayed t = replay(*program, too_short, stacks, 1000);
  CHECK_FALSE(t.fits);
  CHECK(t.misfit.find("schedule ended after 1 decisions") != std::string::npos);
}

TEST_CASE("replay: every decision of an explored execution replays to the same execution") {
  auto program = models::examples::make_example("lock-mix", {{"threads", 3}});
  RandomStrategy random(99);
  sim::StackPool stacks;
  for (int i = 0; i < 20; ++i) {
    sim::Schedule schedule;
    std::string outcome;
    {
      sim::Execution ex(stacks);
      program->setup(ex);
      REQUIRE(ex.run(random, {}).kind == sim::Verdict::Kind::ok);
      schedule = ex.schedule();
      outcome = program->outcome();
    }
    Replayed r = replay(*program, schedule, stacks, 10000);
    CHECK(r.fits);
    CHECK(r.schedule == schedule);
    CHECK(r.outcome == outcome);
    CHECK(r.history.size() == r.schedule.size());
  }
}

TEST_CASE("explorer: the outcome set is bounded, and says when it was cut") {
  ExploreOptions opts;
  opts.max_outcomes = 10;
  ExploreResult r = explore_example("steps", {{"threads", 2}, {"steps", 3}}, opts);
  CHECK(r.status == ExploreResult::Status::pass);
  CHECK(r.executions == 20);
  CHECK(r.outcomes.size() == 10);
  CHECK(r.outcomes_truncated);
  CHECK_FALSE(explore_example("lost-update").outcomes_truncated);
}

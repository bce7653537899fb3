// The built-in example programs explored exhaustively: the results a
// concurrency textbook predicts.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::explore_example;

TEST_CASE("lost update: the final values are exactly {1, 2}") {
  ExploreResult r = explore_example("lost-update");
  CHECK(r.status == ExploreResult::Status::pass);
  CHECK(r.outcomes == std::set<std::string>{"counter=1", "counter=2"});
  CHECK(r.executions == 6);  // C(4, 2): two threads of two steps

  ExploreResult three = explore_example("lost-update", {{"threads", 3}});
  CHECK(three.outcomes == std::set<std::string>{"counter=1", "counter=2", "counter=3"});
  CHECK(three.executions == 90);
}

TEST_CASE("locked counter: no update is lost, and its assertion holds") {
  ExploreResult r = explore_example("locked-counter", {{"threads", 3}, {"increments", 2}});
  CHECK(r.status == ExploreResult::Status::pass);
  CHECK(r.outcomes == std::set<std::string>{"counter=6"});
  CHECK(r.executions > 1);
}

TEST_CASE("ABBA: the deadlock is found, with the waits and the cycle named") {
  ExploreResult r = explore_example("abba");
  REQUIRE(r.status == ExploreResult::Status::violation);
  const sim::Verdict& v = r.failures.front().verdict;
  CHECK(v.kind == sim::Verdict::Kind::deadlock);
  CHECK_FALSE(v.self_deadlock);
  CHECK(invariant_of(v) == "deadlock");
  REQUIRE(v.waits.size() == 2);
  std::set<std::string> edges;
  for (const sim::WaitEdge& e : v.waits)
    edges.insert(e.waiter_name + " waits on " + e.object_name + " held by " + e.holder_name);
  CHECK(edges == std::set<std::string>{"t0 waits on B held by t1", "t1 waits on A held by t0"});
  REQUIRE(v.cycle.size() == 2);
  CHECK(std::set<sim::ThreadId>(v.cycle.begin(), v.cycle.end()) == std::set<sim::ThreadId>{0, 1});
  // The failing execution was re-run with history and failed the same way.
  CHECK(same_verdict(r.replay.verdict, v));
  CHECK(r.replay.history.size() == 2);
  CHECK(r.replay.thread_names == std::vector<std::string>{"t0", "t1"});
}

TEST_CASE("self-deadlock: a bit lock taken twice is named as such") {
  ExploreResult r = explore_example("self-deadlock");
  REQUIRE(r.status == ExploreResult::Status::violation);
  const sim::Verdict& v = r.failures.front().verdict;
  CHECK(v.kind == sim::Verdict::Kind::deadlock);
  CHECK(v.self_deadlock);
  CHECK(v.cycle == std::vector<sim::ThreadId>{0});
  CHECK(v.message.find("self-deadlock") != std::string::npos);
  CHECK(r.executions == 1);
}

TEST_CASE("lock-mix: the benchmark's program is correct under every interleaving") {
  ExploreResult r = explore_example("lock-mix", {{"threads", 2}, {"rounds", 1}});
  CHECK(r.status == ExploreResult::Status::pass);
  CHECK(r.outcomes == std::set<std::string>{"x=2 y=2"});
}

TEST_CASE("examples: unknown names and parameters are refused") {
  CHECK_THROWS_AS(models::examples::make_example("nope"), std::invalid_argument);
  CHECK_THROWS_AS(models::examples::make_example("steps", {{"thread", 2}}), std::invalid_argument);
  CHECK_THROWS_AS(models::examples::make_example("steps", {{"threads", 99}}), std::invalid_argument);
  for (const auto& e : models::examples::examples())
    CHECK(models::examples::make_example(e.name) != nullptr);
}

// Conditions over whole searches: what a condition reads of an execution is
// what its outcome line prints (the argument of checker/invariants/
// conditions.hpp), and the verdicts of forall, exists and never conditions
// are the same under dpor and stateful as under the plain dfs.
#include <doctest/doctest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "checker/invariants/conditions.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/conditions.hpp"
#include "checker/search/run.hpp"
#include "checker/strategies/dfs.hpp"
#include "models/pagecache/variants.hpp"
#include "sim/stack_pool.hpp"

using namespace checker;
using nlohmann::json;

namespace {

const std::string kSource = INTERLEAVE_SOURCE_DIR;

// The page-cache program of a scenario whose outcome() also checks, for
// every execution that ends, that the condition input read from the
// observation equals the one read back from the outcome line.
class RoundTrip final : public models::Program {
 public:
  explicit RoundTrip(const models::pagecache::Config& cfg) : p_(models::pagecache::make_program(cfg)) {}
  void setup(sim::Execution& ex) override { p_->setup(ex); }
  sim::Verdict check_end(sim::Execution& ex) override { return p_->check_end(ex); }
  std::string outcome() const override {
    const std::string line = p_->outcome();
    const std::optional<invariants::ConditionInput> back = outcome_condition_input(line);
    ++checked;
    if (!back || !(*back == invariants::condition_input_of(p_->observation()))) mismatches.push_back(line);
    return line;
  }
  mutable std::size_t checked = 0;
  mutable std::vector<std::string> mismatches;

 private:
  std::unique_ptr<models::pagecache::PageCacheProgram> p_;
};

// A scenario file read with `model`, its own invariants, expectations and
// conditions left out (every execution runs to its end) and `conditions` in
// their place.
Scenario with_conditions(const std::string& file, const std::string& model, const json& conditions) {
  json doc = load_scenario(file).json;
  for (const char* key : {"expect", "expect_by_variant", "explore_by_variant", "variants", "conditions"}) doc.erase(key);
  doc["model"] = model;
  doc["invariants"] = {"deadlock", "kernel-bug"};
  if (!conditions.empty()) doc["conditions"] = conditions;
  return parse_scenario(doc, file);
}

ExploreResult search(const Scenario& s, const std::string& strategy) {
  ExploreSettings settings = s.explore;
  settings.strategy = strategy;
  settings.jobs = 1;
  settings.max_executions = 0;
  settings.time_limit_s = 0;
  return run_scenario(s, settings);
}

// Every byte as \xHH: a literal that no byte can end.
std::string literal(const models::pagecache::Bytes& b) {
  std::string s = "'";
  for (std::uint8_t c : b) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02x", c);
    s += hex;
  }
  return s + "'";
}

// A condition true exactly in the executions whose outcome line reads as `in`.
std::string exactly(const invariants::ConditionInput& in) {
  std::string e = "file == " + literal(in.file) + " && size == " + std::to_string(in.file.size());
  for (std::size_t t = 0; t < in.calls.size(); ++t)
    for (std::size_t k = 0; k < in.calls[t].size(); ++k)
      e += " && " + std::to_string(t) + "." + std::to_string(k) + ".ret == " + std::to_string(in.calls[t][k].ret) +
           " && " + std::to_string(t) + "." + std::to_string(k) + ".data == " + literal(in.calls[t][k].data);
  return e;
}

std::string verdict_of(const ExploreResult& r) {
  std::string v = to_string(r.status);
  if (!r.failures.empty()) v += " " + invariant_of(r.failures.front().verdict);
  return v;
}

// Small searches that dfs finishes: a write then a read, a pwrite from a
// mapping, two writers on cross mappings, a read racing a write under
// linux-6-xfs's i_rwsem.
struct Case {
  std::string file, model;
};
const Case kCases[] = {
    {kSource + "/scenarios/seed/control-write-then-read.json", "linux-2.4.0"},
    {kSource + "/scenarios/seed/self-deadlock-no-reclaim.json", "linux-2.4.0"},
    {kSource + "/scenarios/variants/cross-mapped-writers.json", "linux-2.4.0"},
    {kSource + "/scenarios/variants/cross-mapped-writers.json", "linux-6-xfs"},
    // (On linux-2.4.0 the torn read is past what dfs finishes: C(2n, n) interleavings of two calls of n steps.)
    {kSource + "/scenarios/conditions/torn-read-never.json", "linux-6-xfs"},
};

}  // namespace

TEST_CASE("conditions: an execution's condition input is its outcome line read back") {
  for (const Case& c : kCases) {
    CAPTURE(c.file);
    CAPTURE(c.model);
    const Scenario s = with_conditions(c.file, c.model, json::array());
    RoundTrip program(*s.pagecache);
    DfsStrategy dfs;
    sim::StackPool stacks;
    ExploreOptions o;
    o.max_executions = 400;
    const ExploreResult r = explore(program, dfs, stacks, o);
    CHECK(program.checked > 0);
    CHECK(program.checked + r.failures.size() == r.executions);
    CHECK(program.mismatches.empty());
  }
  CHECK_FALSE(outcome_condition_input("T0.0 write=4 \"ab"));
  CHECK_FALSE(outcome_condition_input("T0.0 write=x"));
  CHECK_FALSE(outcome_condition_input("final \"a\""));
}

TEST_CASE("conditions: dpor and stateful give the verdicts of dfs") {
  for (const Case& c : kCases) {
    CAPTURE(c.file);
    CAPTURE(c.model);
    // The plain search's outcomes, each made a condition true in it alone.
    const ExploreResult plain = search(with_conditions(c.file, c.model, json::array()), "dfs");
    REQUIRE(plain.status == ExploreResult::Status::pass);
    REQUIRE_FALSE(plain.outcomes_truncated);
    std::vector<std::string> exact;
    for (const std::string& o : plain.outcomes) exact.push_back(exactly(*outcome_condition_input(o)));
    REQUIRE_FALSE(exact.empty());

    // Every outcome exists; every outcome but one exists and that one
    // never happens; no execution has a file of 99 bytes; a forall that
    // every execution but those of the first outcome meets.
    json all = json::array(), never_last = json::array();
    for (std::size_t i = 0; i < exact.size(); ++i) {
      all.push_back({{"name", "o" + std::to_string(i)}, {"exists", exact[i]}});
      if (i + 1 < exact.size()) never_last.push_back(all.back());
    }
    never_last.push_back({{"name", "last"}, {"never", exact.back()}});
    json impossible = all;
    impossible.push_back({{"name", "impossible"}, {"exists", "size == 99"}});
    const json forall = json::array({{{"name", "not-first"}, {"forall", "!(" + exact.front() + ")"}}});

    for (const json* conditions : std::initializer_list<const json*>{&all, &never_last, &impossible, &forall}) {
      const Scenario s = with_conditions(c.file, c.model, *conditions);
      const std::string expected = verdict_of(search(s, "dfs"));
      CAPTURE(conditions->dump());
      CHECK(verdict_of(search(s, "dpor")) == expected);
      CHECK(verdict_of(search(s, "stateful")) == expected);
    }
    // What dfs must say of them, from its own outcomes.
    CHECK(verdict_of(search(with_conditions(c.file, c.model, all), "dfs")) == "pass");
    CHECK(verdict_of(search(with_conditions(c.file, c.model, never_last), "dfs")) == "violation condition:last");
    CHECK(verdict_of(search(with_conditions(c.file, c.model, impossible), "dfs")) == "violation condition:impossible");
    CHECK(verdict_of(search(with_conditions(c.file, c.model, forall), "dfs")) == "violation condition:not-first");
  }
}

TEST_CASE("conditions: an exists condition in a search that is not complete is not judged") {
  const Case& c = kCases[0];
  const Scenario s = with_conditions(
      c.file, c.model, json::array({{{"name", "never-true"}, {"exists", "size == 99"}}}));
  ExploreSettings settings = s.explore;
  settings.strategy = "dfs";
  settings.jobs = 1;
  settings.max_executions = 3;
  const ExploreResult r = run_scenario(s, settings);
  CHECK(r.status == ExploreResult::Status::inconclusive);
  CHECK(r.failures.empty());
  CHECK(r.budget.find("the execution budget (3 executions, --max-executions) ran out; the exists condition "
                      "\"never-true\" (size == 99) was not found true within it") == 0);
  // Found within the budget: it holds, and the budget alone is what makes it inconclusive.
  const Scenario t = with_conditions(c.file, c.model, json::array({{{"name", "some"}, {"exists", "size >= 0"}}}));
  const ExploreResult u = run_scenario(t, settings);
  CHECK(u.status == ExploreResult::Status::inconclusive);
  CHECK(u.budget == "the execution budget (3 executions, --max-executions) ran out");
  // A random walk is never complete: never a violation of an exists either.
  settings.strategy = "random";
  settings.max_executions = 20;
  CHECK(run_scenario(s, settings).status == ExploreResult::Status::inconclusive);
}

TEST_CASE("conditions: exists over a result's outcomes, kept whole or truncated") {
  const Scenario s = with_conditions(kCases[4].file, kCases[4].model,  // writer and reader
                                     json::array({{{"name", "empty-read"}, {"exists", "1.0.ret == 0"}}}));
  ExploreResult r;
  r.status = ExploreResult::Status::pass;
  r.complete = true;
  r.executions = 7;
  r.outcomes = {"T0.0 write=4 \"bbbb\"; T1.0 read=4 \"bbbb\"; final \"bbbb\" / \"bbbb\""};
  ExploreResult refuted = r;
  judge_exists_conditions(s, refuted);
  CHECK(refuted.status == ExploreResult::Status::violation);
  REQUIRE(refuted.failures.size() == 1);
  CHECK_FALSE(refuted.failures.front().has_execution());
  CHECK(refuted.failures.front().schedule.empty());
  CHECK(refuted.failures.front().verdict.invariant == "condition:empty-read");
  CHECK(refuted.failures.front().verdict.message ==
        "the exists condition \"empty-read\" (1.0.ret == 0) is true in no execution: the complete search ran 7 "
        "executions with 1 outcome, and none makes it true");

  // More distinct outcomes than were kept: the one that meets it may be among those dropped.
  ExploreResult truncated = r;
  truncated.outcomes_truncated = true;
  judge_exists_conditions(s, truncated);
  CHECK(truncated.status == ExploreResult::Status::inconclusive);
  CHECK(truncated.failures.empty());
  CHECK(truncated.budget.find("is true in none of the 1 outcomes kept") != std::string::npos);

  ExploreResult met = r;
  met.outcomes.insert("T0.0 write=4 \"bbbb\"; T1.0 read=0; final \"bbbb\" / \"bbbb\"");
  judge_exists_conditions(s, met);
  CHECK(met.status == ExploreResult::Status::pass);
  CHECK(met.budget.empty());

  // Another invariant's violation stands as it is.
  ExploreResult other = r;
  other.status = ExploreResult::Status::violation;
  other.failures.push_back(Failure{sim::Verdict{}, {}, 3, {}});
  judge_exists_conditions(s, other);
  CHECK(other.failures.size() == 1);
  CHECK(other.failures.front().execution == 3);

  // A line that is not an outcome is the checker's own error, not a verdict.
  ExploreResult garbled = r;
  garbled.outcomes = {"counter=2"};
  judge_exists_conditions(s, garbled);
  CHECK(garbled.status == ExploreResult::Status::internal_error);
}

// Conditions through the `interleave` binary: run, check with JUnit, matrix,
// show and the JSON report name "condition:NAME" as they name any
// invariant; an exists condition that no execution meets fails without a
// trace; shards leave an exists condition to merge, which judges it over
// all their outcomes.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/checker/cli.hpp"

using namespace cli_test;
using nlohmann::json;

namespace {

const std::string kSource = INTERLEAVE_SOURCE_DIR;

// scenarios/conditions/torn-read-never.json with its expectations and
// conditions replaced.
std::string torn(const json& conditions, const json& expect_by_variant) {
  json doc = json::parse(slurp(kSource + "/scenarios/conditions/torn-read-never.json"));
  doc.erase("$schema");
  doc["conditions"] = conditions;
  doc["expect_by_variant"] = expect_by_variant;
  return doc.dump(2);
}

}  // namespace

TEST_CASE("conditions cli: check, JUnit and the trace of a never condition") {
  const fs::path dir = workdir("conditions-check");
  write(dir / "s.json",
        torn(json::parse(R"([{"name": "torn", "never": "reader.0.data == 'BA'"},
                             {"name": "any", "exists": "reader.0.ret == 2"}])"),
             json::parse(R"({"linux-2.4.0": {"verdict": "violation", "invariant": "condition:torn"},
                             "linux-6-xfs": {"verdict": "violation", "invariant": "condition:torn"}})")));
  const Cli c = run(dir, "check --no-progress --trace-out traces --junit junit.xml s.json");
  CHECK(c.code == 1);
  CHECK(c.out.find("ok    s.json [linux-2.4.0]: violation of condition:torn") != std::string::npos);
  CHECK(c.out.find("FAIL  s.json [linux-6-xfs]: expected violation of condition:torn, found pass") != std::string::npos);
  const std::string junit = slurp(dir / "junit.xml");
  CHECK(junit.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(junit.find("expected violation of condition:torn, found pass") != std::string::npos);
  // The violation's trace replays to the same verdict, and show names it.
  REQUIRE(fs::exists(dir / "traces" / "torn-read-never@linux-2.4.0.trace.json"));
  const Cli replay = run(dir, "replay traces/torn-read-never@linux-2.4.0.trace.json");
  CHECK(replay.out.find("the same verdict as recorded: violation of condition:torn") != std::string::npos);
  const Cli show = run(dir, "show traces/torn-read-never@linux-2.4.0.trace.json");
  CHECK(show.code == 0);
  CHECK(show.out.find("violation of condition:torn") != std::string::npos);
  CHECK(show.out.find("condition \"torn\" (never reader.0.data == 'BA') is true in this execution: "
                      "reader.0.data = \"BA\"") != std::string::npos);
}

TEST_CASE("conditions cli: an exists condition no execution meets fails with no trace") {
  const fs::path dir = workdir("conditions-exists");
  write(dir / "s.json", torn(json::parse(R"([{"name": "torn", "exists": "reader.0.data == 'BA'"}])"),
                             json::parse(R"({"linux-2.4.0": {"verdict": "pass"},
                                             "linux-6-xfs": {"verdict": "violation", "invariant": "condition:torn"}})")));
  Cli c = run(dir, "check --no-progress --trace-out traces --junit junit.xml s.json");
  CHECK(c.code == 0);
  CHECK(c.out.find("ok    s.json [linux-6-xfs]: violation of condition:torn") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "traces"));

  // run: the verdict line, the message, no trace line; the JSON report.
  json doc = json::parse(slurp(dir / "s.json"));
  doc["model"] = "linux-6-xfs";
  doc.erase("expect_by_variant");
  write(dir / "xfs.json", doc.dump());
  c = run(dir, "run --no-progress --trace-out traces --json report.json xfs.json");
  CHECK(c.code == 1);
  CHECK(c.out.find("VIOLATION  xfs.json: violation of condition:torn, found by the complete search (no one "
                   "execution shows it)") == 0);
  CHECK(c.out.find("the exists condition \"torn\" (reader.0.data == 'BA') is true in no execution: the complete "
                   "search ran") != std::string::npos);
  CHECK(c.out.find("trace:") == std::string::npos);
  CHECK_FALSE(fs::exists(dir / "traces"));
  const json report = json::parse(slurp(dir / "report.json"));
  CHECK(report.dump().find("violation of condition:torn") != std::string::npos);

  // A budget too small: not found, not refuted.
  c = run(dir, "run --no-progress --no-trace --strategy dfs --max-executions 2 xfs.json");
  CHECK(c.code == 4);
  CHECK(c.out.find("the exists condition \"torn\" (reader.0.data == 'BA') was not found true within it") !=
        std::string::npos);

  // A shard sees part of the search and does not judge an exists condition:
  // each shard passes its share, says that merge judges it, and merge, over
  // every shard's outcomes, finds what the whole search found.
  for (int k = 1; k <= 3; ++k) {
    c = run(dir, "run --no-progress --no-trace --strategy dfs --shard " + std::to_string(k) + "/3 --json shard-" +
                     std::to_string(k) + ".json xfs.json");
    CHECK(c.code == 0);
    CHECK(c.out.find("and judges the exists conditions over all of them") != std::string::npos);
  }
  c = run(dir, "merge --no-trace shard-1.json shard-2.json shard-3.json");
  CHECK(c.code == 1);
  CHECK(c.out.find("VIOLATION  xfs.json: violation of condition:torn, found by the complete search") == 0);
  const Cli whole = run(dir, "run --no-progress --no-trace --strategy dfs xfs.json");
  const std::string ran = whole.out.substr(whole.out.find("the complete search ran"));
  CHECK(c.out.find(ran.substr(0, ran.find('\n'))) != std::string::npos);  // the same executions and outcomes
  // Merging the whole run's report judges it again, and the same.
  c = run(dir, "merge --no-trace report.json");
  CHECK(c.code == 1);
  CHECK(c.out.find("violation of condition:torn, found by the complete search") != std::string::npos);

  // An exists condition some shard's execution meets holds in the merge.
  doc = json::parse(slurp(dir / "xfs.json"));
  doc["conditions"][0]["exists"] = "reader.0.data == 'BB'";
  write(dir / "bb.json", doc.dump());
  for (int k = 1; k <= 2; ++k)
    CHECK(run(dir, "run --no-progress --no-trace --strategy dfs --shard " + std::to_string(k) + "/2 --json bb-" +
                       std::to_string(k) + ".json bb.json")
              .code == 0);
  CHECK(run(dir, "merge --no-trace bb-1.json bb-2.json").code == 0);
  // Shards stopped by a budget: not refuted, inconclusive.
  for (int k = 1; k <= 2; ++k)
    run(dir, "run --no-progress --no-trace --strategy dfs --max-executions 1 --shard " + std::to_string(k) +
                 "/2 --json small-" + std::to_string(k) + ".json xfs.json");
  c = run(dir, "merge --no-trace small-1.json small-2.json");
  CHECK(c.code == 4);
  CHECK(c.out.find("the exists condition \"torn\" (reader.0.data == 'BA') was not found true within it") !=
        std::string::npos);
}

TEST_CASE("conditions cli: the matrix shows a condition like any invariant") {
  const fs::path dir = workdir("conditions-matrix");
  const Cli c = run(dir, "matrix --no-progress --format json --trace-out traces '" + kSource + "/scenarios/conditions'");
  REQUIRE(c.code == 0);
  const json m = json::parse(c.out);
  const std::string text = m.dump();
  CHECK(text.find("\"invariant\":\"condition:torn\"") != std::string::npos);
  // An exists condition's cell has no trace; a never condition's has one.
  CHECK(fs::exists(dir / "traces" / "torn-read-never@linux-2.4.0.trace.json"));
  CHECK_FALSE(fs::exists(dir / "traces" / "torn-read-exists@linux-6-xfs.trace.json"));
}

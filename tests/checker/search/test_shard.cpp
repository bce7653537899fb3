// Sharding (--shard K/N) and `interleave merge`: the merged result of N shards
// is what one machine finds (verdict, executions, failing execution and its
// schedule, outcomes), for any N; merge refuses reports that do not belong
// together; and the GNU parallel example of docs/sharding.md works as written.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checker/io/input_error.hpp"
#include "checker/io/output_file.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/search/shard.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/report/json_report.hpp"
#include "checker/report/merge.hpp"
#include "checker/trace/trace.hpp"
#include "tests/checker/scratch.hpp"
#include "tests/checker/subprocess.hpp"

using namespace checker;
namespace fs = std::filesystem;

namespace {

Scenario scenario(const std::string& model, const std::string& strategy, const std::string& params = "{}",
                  std::uint64_t max_executions = 0) {
  std::string doc = R"({"model": ")" + model + R"(", "params": )" + params +
                    R"(, "explore": {"strategy": ")" + strategy + R"(", "seed": 3)";
  if (max_executions) doc += R"(, "max_executions": )" + std::to_string(max_executions);
  doc += "}}";
  return parse_scenario(nlohmann::json::parse(doc), "");
}

// Runs the N shards of `s` in this process, writes their reports, merges them.
MergedRun shards_merged(const Scenario& s, unsigned n, const fs::path& dir) {
  std::vector<std::string> files;
  ExploreSettings settings = effective_settings(s.explore);
  settings.jobs = 2;
  for (unsigned k = 1; k <= n; ++k) {
    ShardResult r = run_scenario_shard(s, settings, ShardSpec{k, n});
    std::optional<Trace> trace;
    if (!r.result.failures.empty()) trace = make_trace(s, settings, r.result);
    const fs::path file = dir / ("shard-" + std::to_string(k) + ".json");
    write_output_file(file.string(), run_report({run_entry(s, settings, r, trace)}).dump(2));
    files.push_back(file.string());
  }
  std::vector<MergedRun> merged = merge_reports(files);
  REQUIRE(merged.size() == 1);
  return merged.front();
}

int sh(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("shard: K/N is read, and a bad one named") {
  CHECK(parse_shard("2/4").index == 2);
  CHECK(parse_shard("2/4").count == 4);
  CHECK(parse_shard("1/1").count == 1);
  for (const char* bad : {"0/4", "5/4", "4", "a/b", "1/0", "-1/3", ""}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_shard(bad), InputError);
  }
  CHECK(shardable("dfs"));
  CHECK(shardable("pct"));
  CHECK_FALSE(shardable("dpor"));
}

TEST_CASE("shard: N shards merged give what one machine gives") {
  struct Case {
    const char* model;
    const char* strategy;
    const char* params;
    std::uint64_t max_executions;
  };
  const fs::path dir = checker::testing::scratch_dir("shard", "merge");
  for (Case c : {Case{"example:reorder_5", "dfs", "{}", 0}, Case{"example:lock-mix", "dfs", R"({"threads": 2})", 0},
                 Case{"example:lost-update", "dfs", R"({"threads": 3})", 0},
                 Case{"example:stack", "dfs", R"({"size": 3})", 0},
                 Case{"example:reorder_5", "pct", "{}", 200}, Case{"example:locked-counter", "random", "{}", 150},
                 Case{"example:twostage", "random", R"({"readers": 2})", 300}}) {
    CAPTURE(c.model);
    CAPTURE(c.strategy);
    Scenario s = scenario(c.model, c.strategy, c.params, c.max_executions);
    ExploreSettings one = effective_settings(s.explore);
    one.jobs = 1;
    const ExploreResult whole = run_scenario(s, one);
    for (unsigned n : {1u, 2u, 3u, 5u}) {
      CAPTURE(n);
      const MergedRun m = shards_merged(s, n, dir);
      CHECK(m.shards == n);
      CHECK(m.result.status == whole.status);
      CHECK(m.result.executions == whole.executions);
      CHECK(m.result.steps == whole.steps);
      CHECK(m.result.outcomes == whole.outcomes);
      REQUIRE(m.result.failures.size() == whole.failures.size());
      if (!whole.failures.empty()) {
        CHECK(m.result.failures.front().execution == whole.failures.front().execution);
        REQUIRE(m.trace);
        CHECK(m.trace->schedule == whole.failures.front().schedule);
        CHECK(m.trace->executions == whole.failures.front().execution);
        CHECK(same_verdict(m.trace->verdict, whole.failures.front().verdict));
      }
    }
  }
}

TEST_CASE("merge: reports that do not belong together are bad input") {
  const fs::path dir = checker::testing::scratch_dir("shard", "refuse");
  Scenario s = scenario("example:lost-update", "dfs", R"({"threads": 2})");
  ExploreSettings settings = effective_settings(s.explore);
  auto write_shard = [&](unsigned k, unsigned n, const Scenario& sc, const std::string& name) {
    ShardResult r = run_scenario_shard(sc, settings, ShardSpec{k, n});
    write_output_file((dir / name).string(), run_report({run_entry(sc, settings, r, {})}).dump());
    return (dir / name).string();
  };
  const std::string a = write_shard(1, 2, s, "a.json"), b = write_shard(2, 2, s, "b.json");
  CHECK(merge_reports({a, b}).size() == 1);
  auto error_of = [](const std::vector<std::string>& files) {
    try {
      merge_reports(files);
    } catch (const InputError& e) {
      return e.message();
    }
    return std::string("no error");
  };
  CHECK(error_of({a}).find("lack shard 2/2") != std::string::npos);
  CHECK(error_of({a, a, b}).find("appears twice") != std::string::npos);
  const std::string c = write_shard(2, 3, s, "c.json");
  CHECK(error_of({a, c}).find("split into 3") != std::string::npos);
  // Another scenario: two searches, each missing a shard.
  const std::string d = write_shard(2, 2, scenario("example:lost-update", "dfs", R"({"threads": 3})"), "d.json");
  CHECK(error_of({a, d}).find("lack shard") != std::string::npos);
  // A failing shard whose report lost its trace: not from this tool.
  const Scenario failing = scenario("example:reorder_5", "dfs");
  const std::string f1 = write_shard(1, 1, failing, "failing.json");
  REQUIRE(run_scenario_shard(failing, settings, ShardSpec{1, 1}).result.status == ExploreResult::Status::violation);
  CHECK(error_of({f1}).find("records a failure without its trace") != std::string::npos);
  std::ofstream(dir / "junk.json") << R"({"format": "something-else"})";
  CHECK(error_of({(dir / "junk.json").string()}).find("/format") != std::string::npos);
}

TEST_CASE("shard: the GNU parallel example of docs/sharding.md") {
  if (sh("command -v parallel >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: GNU parallel is not installed (Debian: apt-get install parallel)");
    return;
  }
  const fs::path dir = checker::testing::scratch_dir("shard", "parallel");
  const std::string bin = INTERLEAVE_BIN_PATH;
  std::ofstream(dir / "reorder.json") << R"({"model": "example:reorder_5"})";
  // The sh block of docs/sharding.md's "On one machine" section, as written,
  // with this build's binary and this scenario.
  const std::string doc = checker::testing::slurp_file(checker::testing::source("docs/sharding.md"));
  const std::size_t section = doc.find("### On one machine, with GNU parallel");
  REQUIRE(section != std::string::npos);
  const std::size_t from = doc.find("```sh\n", section), to = doc.find("```", from + 6);
  REQUIRE(to != std::string::npos);
  std::string script = doc.substr(from + 6, to - from - 6);
  auto replace_all = [&script](const std::string& a, const std::string& b) {
    for (std::size_t at = 0; (at = script.find(a, at)) != std::string::npos; at += b.size()) script.replace(at, a.size(), b);
  };
  replace_all("interleave run ", "'\\''" + bin + "'\\'' run ");  // inside parallel's single quotes
  replace_all("interleave merge ", "'" + bin + "' merge ");
  replace_all("scenarios/seed/torn-read-across-pages.json", "reorder.json");
  std::ofstream(dir / "example.sh") << script;
  // The script ends with the merge: its exit code, a violation (1).
  CHECK(sh("cd '" + dir.string() + "' && bash example.sh > merge.out 2> merge.err") == 1);
  for (int k = 1; k <= 4; ++k) CHECK(fs::exists(dir / ("shard-" + std::to_string(k) + ".json")));
  const int merged = sh("cd '" + dir.string() + "' && '" + bin +
                        "' merge shard-1.json shard-2.json shard-3.json shard-4.json --trace-out merged.trace.json"
                        " > /dev/null 2>&1");
  CHECK(merged == 1);
  const int whole = sh("cd '" + dir.string() + "' && '" + bin +
                       "' run --strategy dfs --jobs 1 --no-trace reorder.json > whole.out");
  CHECK(whole == 1);
  const std::string a = checker::testing::slurp_file(dir / "merge.out"), b = checker::testing::slurp_file(dir / "whole.out");
  CHECK(a.substr(0, a.find('\n')) == b.substr(0, b.find('\n')));
  CHECK(a.find("merged from 4 shards") != std::string::npos);
  CHECK(sh("cd '" + dir.string() + "' && '" + bin + "' replay merged.trace.json > /dev/null") == 1);
}

TEST_CASE("merge: the report of a search that was not split is its own result") {
  const fs::path dir = checker::testing::scratch_dir("shard", "whole");
  for (const char* model : {"example:abba", "example:lost-update"}) {
    CAPTURE(model);
    Scenario s = scenario(model, "dfs");
    ExploreSettings settings = effective_settings(s.explore);
    const ExploreResult r = run_scenario(s, settings);
    std::optional<Trace> trace;
    if (!r.failures.empty()) trace = make_trace(s, settings, r);
    const std::string file = (dir / "whole.json").string();
    write_output_file(file, run_report({run_entry(s, settings, whole(r), trace)}).dump());
    const MergedRun m = merge_reports({file}).front();
    CHECK(m.result.status == r.status);
    CHECK(m.result.executions == r.executions);
    CHECK(m.result.outcomes == r.outcomes);
    if (!r.failures.empty()) CHECK(m.result.failures.front().execution == r.failures.front().execution);
  }
}

// Determinism, in separate processes: the same scenario, settings and seed
// give byte-identical traces and run reports (all but the report's "timing"
// section), with 1 or 2 workers where the strategy is exhaustive. And every
// trace of the corpus in tests/data/traces/ replays to its recorded verdict
// and event history (scripts/regenerate-trace-corpus writes it again when a
// model changes on purpose).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/scenario/load.hpp"
#include "checker/search/explorer.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/trace/trace.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/subprocess.hpp"
#include "tests/checker/scratch.hpp"

namespace fs = std::filesystem;
using checker::testing::run_to_end;
using checker::testing::slurp_file;
using nlohmann::json;

namespace {

struct Output {
  int code = -1;
  std::string report;  // without "timing"
  std::string trace;   // the file's bytes ("" when none was written)
};

Output run_once(const fs::path& dir, const std::string& scenario, const std::vector<std::string>& settings,
                const std::string& tag) {
  std::vector<std::string> args = {"run", "--no-progress", "--json", tag + ".json", "--trace-out", tag + ".trace.json"};
  args.insert(args.end(), settings.begin(), settings.end());
  args.push_back(scenario);
  fs::remove(dir / (tag + ".json"));
  fs::remove(dir / (tag + ".trace.json"));
  Output o;
  o.code = run_to_end(dir, args);
  json report = json::parse(slurp_file(dir / (tag + ".json")));
  for (json& r : report["runs"]) {
    CHECK(r.contains("timing"));
    r.erase("timing");
  }
  o.report = report.dump(2);
  if (fs::exists(dir / (tag + ".trace.json"))) o.trace = slurp_file(dir / (tag + ".trace.json"));
  return o;
}

struct DeterminismCase {
  const char* scenario;
  bool violation;
  std::vector<const char*> strategies;  // dfs only where its search is small
};

const std::vector<DeterminismCase> kDeterminismCases = {
    {"scenarios/seed/torn-read-across-pages.json", true, {"dpor", "auto"}},
    {"scenarios/seed/torn-read-half-copied-page.json", true, {"dfs", "dpor", "auto"}},
    {"scenarios/seed/self-deadlock-reclaim.json", true, {"dpor"}},
    {"scenarios/seed/ramfs-short-copy-lost-data.json", true, {"dfs", "dpor", "auto"}},
    {"scenarios/seed/control-write-then-read.json", false, {"dfs", "dpor", "auto"}},
    {"scenarios/variants/reader-vs-growing-write.json", true, {"dfs", "dpor", "auto"}},
    {"scenarios/variants/write-fault-abba.json", true, {"dpor", "auto"}},
    {"scenarios/examples/abba.json", true, {"dfs", "dpor", "auto"}},
    {"scenarios/examples/locked-counter.json", false, {"dfs", "dpor", "auto"}},
};

}  // namespace

TEST_CASE("determinism: two processes, and 1 or 2 workers, give byte-identical traces and reports (exhaustive)") {
  const fs::path dir = checker::testing::scratch_dir("determinism", "exhaustive");
  for (const DeterminismCase& k : kDeterminismCases) {
    for (const char* strategy : k.strategies) {
      CAPTURE(k.scenario);
      CAPTURE(strategy);
      const std::string file = checker::testing::source(k.scenario);
      const Output a = run_once(dir, file, {"--strategy", strategy, "--jobs", "1"}, "a");
      const Output b = run_once(dir, file, {"--strategy", strategy, "--jobs", "1"}, "b");
      const Output c = run_once(dir, file, {"--strategy", strategy, "--jobs", "2"}, "c");
      CHECK(a.code == (k.violation ? 1 : 0));
      CHECK(a.trace.empty() == !k.violation);
      CHECK(a.code == b.code);
      CHECK(a.report == b.report);
      CHECK(a.trace == b.trace);
      CHECK(a.code == c.code);
      CHECK(a.report == c.report);
      CHECK(a.trace == c.trace);
    }
  }
}

TEST_CASE("determinism: a complete search with more distinct outcomes than it keeps keeps the same ones with 1 or 2 "
          "workers: the smallest") {
  // 369600 executions, each with an outcome of its own (the order of 12
  // steps); a search keeps 100000. It used to keep whichever a worker reached first.
  const fs::path dir = checker::testing::scratch_dir("determinism", "outcomes");
  const std::string file = (dir / "steps.json").string();
  std::ofstream(file) << R"({"name": "steps", "model": "example:steps", "params": {"threads": 4, "steps": 3}})";
  const std::vector<std::string> dfs = {"--strategy", "dfs"};
  auto with_jobs = [&](const char* jobs) {
    std::vector<std::string> s = dfs;
    s.insert(s.end(), {"--jobs", jobs});
    return s;
  };
  const Output a = run_once(dir, file, with_jobs("1"), "a");
  const Output b = run_once(dir, file, with_jobs("2"), "b");
  const Output c = run_once(dir, file, with_jobs("2"), "c");
  CHECK(a.code == 0);
  const json report = json::parse(a.report);
  CHECK(report["runs"][0]["outcomes"].size() == 100000);  // of 369600
  CHECK(a.report == b.report);
  CHECK(b.report == c.report);
}

TEST_CASE("determinism: a seeded random or PCT search gives the same bytes in two processes") {
  const fs::path dir = checker::testing::scratch_dir("determinism", "seeded");
  for (const char* strategy : {"random", "pct"}) {
    for (const char* scenario : {"scenarios/seed/torn-read-half-copied-page.json", "scenarios/examples/abba.json"}) {
      CAPTURE(strategy);
      CAPTURE(scenario);
      const std::vector<std::string> settings = {"--strategy", strategy, "--seed", "11", "--max-executions", "300"};
      std::vector<std::string> one = settings, two = settings;
      one.insert(one.end(), {"--jobs", "1"});
      two.insert(two.end(), {"--jobs", "2"});
      const Output a = run_once(dir, checker::testing::source(scenario), one, "a");
      const Output b = run_once(dir, checker::testing::source(scenario), one, "b");
      const Output c = run_once(dir, checker::testing::source(scenario), two, "c");
      CHECK(a.code == b.code);
      CHECK(a.report == b.report);
      CHECK(a.trace == b.trace);
      // Execution i draws from its own generator: any number of workers runs the same ones.
      CHECK(a.code == c.code);
      CHECK(a.report == c.report);
      CHECK(a.trace == c.trace);
    }
  }
}

TEST_CASE("determinism: every trace of the corpus replays to its recorded verdict and event history") {
  const fs::path corpus = checker::testing::source("tests/data/traces");
  std::vector<fs::path> traces;
  for (const auto& e : fs::directory_iterator(corpus))
    if (e.path().string().ends_with(".trace.json")) traces.push_back(e.path());
  std::sort(traces.begin(), traces.end());
  REQUIRE(traces.size() >= 8);
  for (const fs::path& p : traces) {
    CAPTURE(p.filename().string());
    const checker::Trace t = checker::load_trace(p.string());
    CHECK(t.verdict.failed());
    auto program = checker::make_program(t.scenario);
    sim::StackPool stacks;
    const checker::Replayed r = checker::replay(*program, t.schedule, stacks, t.settings.max_steps);
    CHECK(r.fits);
    CHECK(checker::same_verdict(r.verdict, t.verdict));
    REQUIRE(r.history.size() == t.history.size());
    for (std::size_t i = 0; i < r.history.size(); ++i) {
      CAPTURE(i);
      CHECK(r.history[i].thread == t.history[i].thread);
      CHECK(r.history[i].op == t.history[i].op);
      CHECK(r.history[i].object == t.history[i].object);
      CHECK(r.history[i].state == t.history[i].state);
      CHECK(r.history[i].note == t.history[i].note);
    }
  }
}

TEST_CASE("determinism: the corpus holds a trace of every seed scenario that expects a violation") {
  for (const auto& e : fs::directory_iterator(checker::testing::source("scenarios/seed"))) {
    const checker::Scenario s = checker::load_scenario(e.path().string());
    if (!s.expect || s.expect->verdict != "violation") continue;
    CAPTURE(s.name);
    CHECK(fs::exists(checker::testing::source("tests/data/traces/" + s.name + ".trace.json")));
  }
}

// Interrupted runs, in new processes: SIGINT or SIGTERM during a search stops
// it within about a second; the run prints what it explored, writes its
// report (and checkpoint) whole, leaves no temporary file, and exits 4; a
// check marks the scenarios it did not finish; and a run interrupted with
// --checkpoint and resumed reports exactly what an uninterrupted run does.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "sim/asan.hpp"
#include "tests/checker/subprocess.hpp"
#include "tests/checker/scratch.hpp"

namespace fs = std::filesystem;
using checker::testing::Child;
using checker::testing::write_big;
using checker::testing::run_to_end;
using checker::testing::slurp_file;
using checker::testing::temp_files;
using nlohmann::json;

namespace {

// The report without its timing section: the part that must be the same.
json untimed(json report) {
  for (json& run : report["runs"]) run.erase("timing");
  return report;
}

void let_it_start() { std::this_thread::sleep_for(std::chrono::milliseconds(700)); }

}  // namespace

TEST_CASE("interrupt: SIGINT stops a long run within a second: exit 4, the summary, a whole report, no temp file") {
  for (const char* jobs : {"1", "2"}) {
    CAPTURE(jobs);
    const fs::path dir = checker::testing::scratch_dir("interrupt", std::string("sigint-") + jobs);
    write_big(dir / "big.json");
    Child c(dir, {"run", "--strategy", "dfs", "--jobs", jobs, "--no-progress", "--json", "report.json",
                  "--checkpoint", "big.ckpt.json", "big.json"});
    REQUIRE(c.started());
    let_it_start();
    c.signal(SIGINT);
    REQUIRE(c.wait(10));
    CHECK(c.code() == 4);
    CHECK(c.seconds_after_signal() < 1.5);
    const std::string out = c.out();
    CHECK(out.find("INCONCLUSIVE") != std::string::npos);
    CHECK(out.find("interrupted by SIGINT") != std::string::npos);
    CHECK(out.find("explored ") != std::string::npos);
    const json report = json::parse(slurp_file(dir / "report.json"));
    CHECK(report["runs"][0]["interrupted"] == true);
    CHECK(report["runs"][0]["status"] == "inconclusive");
    CHECK(report["runs"][0]["executions"].get<std::uint64_t>() > 0);
    const json ckpt = json::parse(slurp_file(dir / "big.ckpt.json"));
    CHECK(ckpt["format"] == "interleave-checkpoint");
    CHECK(ckpt["finished"] == false);
    CHECK(!ckpt["tree"]["frontier"].empty());
    CHECK(temp_files(dir).empty());
  }
}

TEST_CASE("interrupt: SIGINT stops within a second a run whose report holds 100000 outcomes") {
  // Every execution of this example has an outcome of its own: within the
  // first second the search keeps 100000 of them, an 8 MB report, and its
  // checkpoint holds them too. Stopping took 1.3 to 3.2 s when checkpoints
  // grew with their history (20 to 64 MB); checker/search/split_tree.cpp's
  // compact keeps them to the frontier.
  const fs::path dir = checker::testing::scratch_dir("interrupt", "sigint-outcomes");
  std::ofstream(dir / "steps.json") << R"({"name": "steps", "model": "example:steps", "params": {"threads": 4, "steps": 4}})";
  Child c(dir, {"run", "--strategy", "dfs", "--jobs", "2", "--no-progress", "--json", "report.json", "--checkpoint",
                "steps.ckpt.json", "steps.json"});
  REQUIRE(c.started());
  // Long enough for 100000 outcomes: about 0.3 s of search in the Release
  // build, ten times that in the sanitized one, more on a loaded machine.
#if defined(INTERLEAVE_ASAN)
  std::this_thread::sleep_for(std::chrono::milliseconds(6000));
#else
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
#endif
  c.signal(SIGINT);
  REQUIRE(c.wait(10));
  CHECK(c.code() == 4);
  // Writing the report and the checkpoint takes about 0.3 s of CPU in the
  // Release build; the sanitized build (scripts/sanitize) runs it several
  // times slower.
#if defined(INTERLEAVE_ASAN)
  CHECK(c.seconds_after_signal() < 4.5);
#else
  CHECK(c.seconds_after_signal() < 1.5);
#endif
  const json report = json::parse(slurp_file(dir / "report.json"));
  CHECK(report["runs"][0]["interrupted"] == true);
  // At least half of them: what matters is a report of megabytes.
  CHECK(report["runs"][0]["outcomes"].size() >= 50000);
  CHECK(fs::file_size(dir / "report.json") > (std::uintmax_t{2} << 20));
  CHECK(json::parse(slurp_file(dir / "steps.ckpt.json"))["finished"] == false);
  CHECK(temp_files(dir).empty());
}

TEST_CASE("interrupt: SIGTERM stops a split dpor run the same way") {
  const fs::path dir = checker::testing::scratch_dir("interrupt", "sigterm");
  write_big(dir / "big.json");
  Child c(dir, {"run", "--strategy", "dpor", "--jobs", "2", "--no-progress", "--json", "report.json", "big.json"});
  REQUIRE(c.started());
  let_it_start();
  c.signal(SIGTERM);
  REQUIRE(c.wait(10));
  CHECK(c.code() == 4);
  CHECK(c.seconds_after_signal() < 1.5);
  CHECK(c.out().find("interrupted by SIGTERM") != std::string::npos);
  CHECK(json::parse(slurp_file(dir / "report.json"))["runs"][0]["interrupted"] == true);
  CHECK(temp_files(dir).empty());
}

TEST_CASE("interrupt: an interrupted check writes whole JUnit and JSON reports with the unfinished scenarios marked") {
  const fs::path dir = checker::testing::scratch_dir("interrupt", "check");
  write_big(dir / "scenarios" / "a-big.json");
  write_big(dir / "scenarios" / "b-big.json");
  Child c(dir, {"check", "--strategy", "dfs", "--no-progress", "--junit", "junit.xml", "--json", "check.json",
                "scenarios"});
  REQUIRE(c.started());
  let_it_start();
  c.signal(SIGINT);
  REQUIRE(c.wait(10));
  CHECK(c.code() == 4);
  CHECK(c.seconds_after_signal() < 1.5);
  CHECK(c.out().find("0 passed, 0 failed, 2 unfinished (interrupted by SIGINT)") != std::string::npos);
  const json report = json::parse(slurp_file(dir / "check.json"));
  CHECK(report["unfinished"] == 2);
  CHECK(report["failed"] == 0);
  CHECK(report["interrupted"] == "interrupted by SIGINT");
  CHECK(report["scenarios"][0]["status"] == "unfinished");
  CHECK(report["scenarios"][1]["status"] == "unfinished");
  CHECK(report["scenarios"][1]["found"] == "not run");
  const std::string junit = slurp_file(dir / "junit.xml");
  CHECK(junit.find("skipped=\"2\"") != std::string::npos);
  CHECK(junit.find("</testsuites>") != std::string::npos);
  CHECK(temp_files(dir).empty());
}

#if defined(INTERLEAVE_ASAN)
constexpr const char* kMidParams = R"({"threads": 5, "increments": 2})";  // 113,400 executions
constexpr const char* kMidRandom = "120000";
#else
constexpr const char* kMidParams = R"({"threads": 4, "increments": 3})";  // 369,600 executions
constexpr const char* kMidRandom = "400000";
#endif

TEST_CASE("interrupt: a run interrupted by SIGINT with --checkpoint, then resumed, reports what an uninterrupted run "
          "does, byte for byte") {
  for (const char* strategy : {"dfs", "dpor", "random"}) {
    // The uninterrupted run, once: its report is the same bytes with any
    // number of workers (test_determinism), so both resumed runs compare with it.
    CAPTURE(strategy);
    const fs::path whole_dir = checker::testing::scratch_dir("interrupt", std::string("resume-") + strategy);
    // Long enough to be interrupted, short enough to finish: about a second
    // of DFS in either build (the sanitized one runs about 10x slower).
    const std::string scenario = std::string(R"({"name": "mid-counter", "model": "example:locked-counter",
        "params": )") + kMidParams + R"(, "expect": {"verdict": "pass"}})";
    std::vector<std::string> common = {"--strategy", strategy, "--no-progress"};
    // A random search is its executions 0 .. N - 1, seeded.
    if (std::string(strategy) == "random") common.insert(common.end(), {"--seed", "9", "--max-executions", kMidRandom});
    auto args = [&](const char* jobs, std::vector<std::string> extra) {
      std::vector<std::string> a = {"run", "--jobs", jobs};
      a.insert(a.end(), common.begin(), common.end());
      a.insert(a.end(), extra.begin(), extra.end());
      a.push_back("mid.json");
      return a;
    };
    std::ofstream(whole_dir / "mid.json") << scenario;
    const int whole_code = run_to_end(whole_dir, args("1", {"--json", "whole.json"}));
    REQUIRE(whole_code == (std::string(strategy) == "random" ? 4 : 0));
    const json whole = untimed(json::parse(slurp_file(whole_dir / "whole.json")));
    for (const char* jobs : {"1", "2"}) {
      CAPTURE(jobs);
      const fs::path dir = checker::testing::scratch_dir("interrupt", std::string("resume-") + strategy + jobs);
      std::ofstream(dir / "mid.json") << scenario;
      Child c(dir, args(jobs, {"--checkpoint", "mid.ckpt.json", "--json", "part.json"}));
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      c.signal(SIGINT);
      REQUIRE(c.wait(10));
      const json part = json::parse(slurp_file(dir / "part.json"));
      if (part["runs"][0]["interrupted"] != true) {
        CHECK(c.code() == whole_code);
        MESSAGE("the search ended before the signal: nothing was interrupted");
        continue;
      }
      CHECK(c.code() == 4);
      CHECK(part["runs"][0]["executions"] < whole["runs"][0]["executions"]);
      REQUIRE(run_to_end(dir, args(jobs, {"--resume", "mid.ckpt.json", "--json", "resumed.json"})) == whole_code);
      CHECK(untimed(json::parse(slurp_file(dir / "resumed.json"))) == whole);
      CHECK(temp_files(dir).empty());
    }
  }
}

TEST_CASE("interrupt: a run that stops at its budget with --checkpoint and is resumed finds the same violation and "
          "writes the same trace") {
  const fs::path dir = checker::testing::scratch_dir("interrupt", "budget");
  const std::string scenario = std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed/torn-read-half-copied-page.json";
  REQUIRE(run_to_end(dir, {"run", "--strategy", "dfs", "--no-progress", "--json", "whole.json", "--trace-out",
                           "whole.trace.json", scenario}) == 1);
  CHECK(run_to_end(dir, {"run", "--strategy", "dfs", "--no-progress", "--max-executions", "2000", "--checkpoint",
                         "c.json", scenario}) == 4);
  CHECK(run_to_end(dir, {"run", "--strategy", "dfs", "--jobs", "2", "--no-progress", "--max-executions", "2000",
                         "--resume", "c.json", scenario}) == 4);
  REQUIRE(run_to_end(dir, {"run", "--strategy", "dfs", "--no-progress", "--resume", "c.json", "--json",
                           "resumed.json", "--trace-out", "resumed.trace.json", scenario}) == 1);
  CHECK(slurp_file(dir / "resumed.trace.json") == slurp_file(dir / "whole.trace.json"));
  CHECK(untimed(json::parse(slurp_file(dir / "resumed.json"))) == untimed(json::parse(slurp_file(dir / "whole.json"))));
  // A resume with other settings is refused, naming the field.
  CHECK(run_to_end(dir, {"run", "--strategy", "dpor", "--no-progress", "--resume", "c.json", scenario}) == 2);
  CHECK(slurp_file(dir / "err.txt").find("c.json: at /settings/strategy:") != std::string::npos);
  // auto with a budget switches to PCT part-way: refused, saying what to do.
  CHECK(run_to_end(dir, {"run", "--no-progress", "--max-executions", "100", "--checkpoint", "a.json", scenario}) == 2);
  CHECK(slurp_file(dir / "err.txt").find("name --strategy dpor (or dfs)") != std::string::npos);
}

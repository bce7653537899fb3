// Signals as job runners send them. GNU timeout (and CI runners, systemd,
// Slurm) send SIGTERM to the process and then to its whole process group, so
// the process gets two in quick succession: that is one request to stop, and
// the run must still print its summary and write its report and checkpoint
// whole. Only a second signal that comes after the first has had its time
// (or a person's second Ctrl-C) ends the process at once, and then the files
// already written stay whole and no temporary file is left.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/checker/scratch.hpp"
#include "tests/checker/subprocess.hpp"

namespace fs = std::filesystem;
using checker::testing::Child;
using checker::testing::write_big;
using checker::testing::slurp_file;
using checker::testing::temp_files;
using nlohmann::json;

namespace {

const std::vector<std::string> kRun = {"run",         "--strategy", "dfs",        "--jobs",        "2",
                                       "--no-progress", "--json",   "report.json", "--checkpoint", "big.ckpt.json",
                                       "big.json"};

// What a run stopped by a signal leaves: the summary, a whole report and
// checkpoint that say it was interrupted, and no temporary file.
void check_stopped_whole(const Child& c, const fs::path& dir, const std::string& signal) {
  CHECK(c.out().find("INCONCLUSIVE") != std::string::npos);
  CHECK(c.out().find("interrupted by " + signal) != std::string::npos);
  REQUIRE(fs::exists(dir / "report.json"));
  const json report = json::parse(slurp_file(dir / "report.json"));
  CHECK(report["runs"][0]["interrupted"] == true);
  REQUIRE(fs::exists(dir / "big.ckpt.json"));
  const json ckpt = json::parse(slurp_file(dir / "big.ckpt.json"));
  CHECK(ckpt["finished"] == false);
  CHECK(temp_files(dir).empty());
}

}  // namespace

TEST_CASE("job signals: a SIGTERM to the process and then one to its group, 5 ms later, are one request to stop") {
  const fs::path dir = checker::testing::scratch_dir("job-signals", "term-then-group");
  write_big(dir / "big.json");
  Child c(dir, {}, kRun, /*own_group=*/true);
  REQUIRE(c.started());
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  c.signal(SIGTERM);
  // Long enough for the first signal's handler to have run, too short for
  // the run to have written its files.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  c.signal_group(SIGTERM);
  REQUIRE(c.wait(10));
  CHECK(c.code() == 4);
  CHECK(c.seconds_after_signal() < 1.5);
  check_stopped_whole(c, dir, "SIGTERM");
}

TEST_CASE("job signals: GNU timeout ends a dfs run with 2 workers: its summary, report and checkpoint, every time") {
  for (int attempt = 0; attempt < 3; ++attempt) {
    CAPTURE(attempt);
    const fs::path dir = checker::testing::scratch_dir("job-signals", "timeout-" + std::to_string(attempt));
    write_big(dir / "big.json");
    // --preserve-status: timeout exits with the run's own code.
    Child c(dir, {"timeout", "--preserve-status", "1"}, kRun, /*own_group=*/true);
    REQUIRE(c.started());
    REQUIRE(c.wait(15));
    CHECK(c.code() == 4);
    check_stopped_whole(c, dir, "SIGTERM");
  }
}

namespace {

// A run whose --json report goes to a FIFO that nobody reads: once stopped,
// it prints its summary, saves its checkpoint, and then waits in the write
// of the report, as a write to a slow disk or a full pipe would.
std::vector<std::string> run_blocked_in_report(const fs::path& dir) {
  write_big(dir / "big.json");
  REQUIRE(::mkfifo((dir / "report.pipe").c_str(), 0644) == 0);
  return {"run", "--strategy", "dfs", "--no-progress", "--json", "report.pipe", "--checkpoint", "big.ckpt.json",
          "big.json"};
}

// What an interruption cut short leaves: the summary, the checkpoint whole
// (it was written before), no temporary file; the FIFO still a FIFO.
void check_cut_short_whole(const Child& c, const fs::path& dir) {
  CHECK(c.out().find("INCONCLUSIVE") != std::string::npos);
  REQUIRE(fs::exists(dir / "big.ckpt.json"));
  CHECK(json::parse(slurp_file(dir / "big.ckpt.json"))["finished"] == false);
  CHECK(temp_files(dir).empty());
  CHECK(fs::is_fifo(dir / "report.pipe"));
}

}  // namespace

TEST_CASE("job signals: a second SIGTERM after the first had its time ends the run at once, what it wrote stays "
          "whole") {
  const fs::path dir = checker::testing::scratch_dir("job-signals", "second-term");
  Child c(dir, {}, run_blocked_in_report(dir), /*own_group=*/true);
  REQUIRE(c.started());
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  c.signal(SIGTERM);
  // Past the grace time the run is still waiting for the report's reader.
  CHECK_FALSE(c.wait(1.5));
  c.signal_group(SIGTERM);
  REQUIRE(c.wait(5));
  CHECK(c.code() == -SIGTERM);
  CHECK(c.seconds_after_signal() < 1);
  check_cut_short_whole(c, dir);
}

TEST_CASE("job signals: a Ctrl-C typed twice on the terminal ends the run at once, a SIGINT sent again at once "
          "by kill() does not") {
  SUBCASE("typed twice") {
    const fs::path dir = checker::testing::scratch_dir("job-signals", "typed-twice");
    Child c(dir, {}, run_blocked_in_report(dir), /*own_group=*/false, /*terminal=*/true);
    REQUIRE(c.started());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    c.type("\x03");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // within the grace time
    CHECK_FALSE(c.wait(0));
    c.type("\x03");
    REQUIRE(c.wait(5));
    CHECK(c.code() == -SIGINT);
    CHECK(c.seconds_after_signal() < 1);
    check_cut_short_whole(c, dir);
  }
  SUBCASE("sent twice") {
    const fs::path dir = checker::testing::scratch_dir("job-signals", "sent-twice");
    Child c(dir, {}, run_blocked_in_report(dir), /*own_group=*/true);
    REQUIRE(c.started());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    c.signal(SIGINT);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c.signal_group(SIGINT);
    CHECK_FALSE(c.wait(0.5));  // still waiting for the report's reader
    // A reader takes the report: the run ends as a stopped run does.
    const std::string report = slurp_file(dir / "report.pipe");
    REQUIRE(c.wait(5));
    CHECK(c.code() == 4);
    CHECK(json::parse(report)["runs"][0]["interrupted"] == true);
    check_cut_short_whole(c, dir);
  }
}

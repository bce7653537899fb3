// The `interleave` binary, run in new processes: exit codes, messages, and a
// trace written by one process that replays in another to the same verdict
// and the same event history.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "checker/io/json_read.hpp"
#include "checker/search/explorer.hpp"
#include "checker/strategies/auto.hpp"
#include "checker/trace/trace.hpp"
#include "tests/checker/scratch.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Cli {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh working directory for one test.
fs::path workdir(const std::string& name) {
  return checker::testing::scratch_dir("cli", name);
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

Cli run(const fs::path& dir, const std::string& args) {
  const std::string bin = INTERLEAVE_BIN_PATH;
  std::string cmd = "cd '" + dir.string() + "' && '" + bin + "' " + args +
                    " >cli.out 2>cli.err </dev/null";
  int status = std::system(cmd.c_str());
  Cli c;
  c.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  c.out = slurp(dir / "cli.out");
  c.err = slurp(dir / "cli.err");
  return c;
}

std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

void same_trace_execution(const checker::Trace& a, const checker::Trace& b) {
  CHECK(a.schedule == b.schedule);
  CHECK(checker::same_verdict(a.verdict, b.verdict));
  CHECK(a.threads == b.threads);
  REQUIRE(a.history.size() == b.history.size());
  for (std::size_t i = 0; i < a.history.size(); ++i) {
    CAPTURE(i);
    CHECK(a.history[i].step == b.history[i].step);
    CHECK(a.history[i].thread == b.history[i].thread);
    CHECK(a.history[i].op == b.history[i].op);
    CHECK(a.history[i].object == b.history[i].object);
    CHECK(a.history[i].state == b.history[i].state);
    CHECK(a.history[i].note == b.history[i].note);
  }
}

}  // namespace

TEST_CASE("cli: a trace written on a violation replays in a new process to the same verdict and history") {
  fs::path dir = workdir("replay");
  write(dir / "abba.json", R"({"name": "abba", "model": "example:abba",
                               "expect": {"verdict": "violation", "invariant": "deadlock"}})");
  write(dir / "spin.json", R"({"name": "spin", "model": "example:steps",
                               "params": {"threads": 2, "steps": 6},
                               "explore": {"max_steps": 7}})");
  for (std::string name : {"abba", "spin"}) {
    CAPTURE(name);
    Cli r = run(dir, "run " + name + ".json --trace-out traces/");
    CHECK(r.code == 1);
    CHECK(r.out.starts_with("VIOLATION  " + name + ".json: "));
    fs::path trace = dir / "traces" / (name + ".trace.json");
    REQUIRE(fs::exists(trace));
    CHECK(r.out.find("trace: traces/" + name + ".trace.json") != std::string::npos);

    Cli rep = run(dir, "replay traces/" + name + ".trace.json --trace-out replayed.json");
    CHECK(rep.code == 1);
    CHECK(rep.out.find("the same verdict as recorded") != std::string::npos);
    checker::Trace written = checker::load_trace(trace.string());
    checker::Trace replayed = checker::load_trace((dir / "replayed.json").string());
    CHECK_FALSE(written.history.empty());
    same_trace_execution(written, replayed);
  }
  checker::Trace spin = checker::load_trace((dir / "traces" / "spin.trace.json").string());
  CHECK(spin.verdict.kind == sim::Verdict::Kind::livelock_suspect);
  CHECK(spin.history.size() == 7);
}

TEST_CASE("cli: replay says which decision no longer fits, and exits 3") {
  fs::path dir = workdir("misfit");
  write(dir / "abba.json", R"({"model": "example:abba"})");
  REQUIRE(run(dir, "run abba.json --trace-out t.json").code == 1);
  json t = checker::read_json_file((dir / "t.json").string());
  // t0 first, then t0 again: t0 holds A and B, and t1's down B cannot run.
  t["schedule"] = json::parse(R"([{"thread": 0}, {"thread": 0}, {"thread": 1}])");
  write(dir / "edited.json", t.dump());
  Cli r = run(dir, "replay edited.json");
  CHECK(r.code == 3);
  CHECK(r.out.find("does not match the trace") != std::string::npos);
  CHECK(r.out.find("decision 2 (step 2): the schedule runs thread t1 (#1), which is not enabled; "
                   "enabled: t0 (#0)") != std::string::npos);
}

TEST_CASE("cli: bad scenario files exit 2 with one line naming the file and the JSON path") {
  fs::path dir = workdir("bad");
  write(dir / "bad.json", R"({"model": "example:abba", "explore": {"max_executions": "ten"}})");
  Cli r = run(dir, "run bad.json");
  CHECK(r.code == 2);
  CHECK(r.err == "interleave: bad.json: at /explore/max_executions: found \"ten\", expected an "
                 "integer >= 0\n");

  write(dir / "typo.json", R"({"model": "example:abba", "expcet": {}})");
  r = run(dir, "run typo.json");
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("interleave: typo.json: at /expcet: found an unknown key \"expcet\""));
  CHECK(r.err.ends_with("\nhint: did you mean \"expect\"?\n"));

  r = run(dir, "run missing.json");
  CHECK(r.code == 2);
  CHECK(r.err == "interleave: missing.json: cannot open the file: No such file or directory\n");

  write(dir / "notjson.json", "{\"model\": example:abba}\n");
  r = run(dir, "run notjson.json");
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("interleave: notjson.json: at line 1, column 11: found text that is not JSON"));

  write(dir / "badtrace.json", R"({"format": "interleave-trace", "version": 9})");
  r = run(dir, "replay badtrace.json");
  CHECK(r.code == 2);
  CHECK(r.err.starts_with("interleave: badtrace.json: at /version: found 9, expected 1\n"));

  r = run(dir, "run");
  CHECK(r.code == 2);
  r = run(dir, "frobnicate");
  CHECK(r.code == 2);
  r = run(dir, "run --strategy bfs bad.json");
  CHECK(r.code == 2);
}

TEST_CASE("cli: an exhausted budget is inconclusive (exit 4), a complete search passes (exit 0)") {
  fs::path dir = workdir("budget");
  write(dir / "steps.json", R"({"model": "example:steps", "params": {"threads": 3, "steps": 4},
                                "explore": {"strategy": "dfs"}})");
  Cli r = run(dir, "run steps.json --max-executions 10");
  CHECK(r.code == 4);
  CHECK(r.out.starts_with("INCONCLUSIVE  steps.json: no violation in 10 executions"));
  r = run(dir, "run steps.json --time-limit 0.000001");
  CHECK(r.code == 4);
  r = run(dir, "run steps.json --strategy random --seed 3");
  CHECK(r.code == 4);  // a random walk is never a complete search
  r = run(dir, "run steps.json");
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("PASS  steps.json: no violation in any of the 34650 executions"));
  // DPOR needs one: the threads share nothing.
  r = run(dir, "run steps.json --strategy dpor");
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("PASS  steps.json: no violation in the only execution"));
  // The default, auto: its bug hunt, then that one, and the search is complete.
  r = run(dir, "run steps.json --strategy auto");
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("PASS  steps.json: no violation in any of the " +
                          std::to_string(checker::kAutoHuntExecutions + 1) + " executions"));
  CHECK(r.out.find("search: auto: a bug hunt (PCT depth 3, seed 0) of " +
                   std::to_string(checker::kAutoHuntExecutions) + " executions; then dpor, 1 execution, complete") !=
        std::string::npos);
}

TEST_CASE("cli: check compares every verdict with its expectation") {
  fs::path dir = workdir("check");
  write(dir / "s" / "abba.json", R"({"model": "example:abba",
      "expect": {"verdict": "violation", "invariant": "deadlock"}})");
  write(dir / "s" / "lost.json", R"({"model": "example:lost-update",
      "expect": {"verdict": "pass", "outcomes": ["counter=1", "counter=2"]}})");
  write(dir / "s" / "schema.json", R"({"not": "a scenario"})");
  Cli ok = run(dir, "check s --junit junit.xml");
  CHECK(ok.code == 0);
  CHECK(last_line(ok.out) == "2 passed, 0 failed");
  CHECK(slurp(dir / "junit.xml").find("<testsuite name=\"interleave\" tests=\"2\" failures=\"0\"") !=
        std::string::npos);

  write(dir / "s" / "wrong.json", R"({"model": "example:lost-update",
      "expect": {"verdict": "pass", "outcomes": ["counter=2"]}})");
  write(dir / "s" / "wrong2.json", R"({"model": "example:locked-counter",
      "expect": {"verdict": "violation"}})");
  Cli bad = run(dir, "check s --junit junit.xml");
  CHECK(bad.code == 1);
  CHECK(last_line(bad.out) == "2 passed, 2 failed");
  CHECK(bad.out.find("FAIL  s/wrong.json: expected 1 outcome, found 2; unexpected: counter=1") !=
        std::string::npos);
  CHECK(bad.out.find("FAIL  s/wrong2.json: expected violation, found pass") != std::string::npos);
  std::string junit = slurp(dir / "junit.xml");
  CHECK(junit.find("failures=\"2\"") != std::string::npos);
  CHECK(junit.find("<failure message=\"expected violation, found pass\" type=\"verdict\">") != std::string::npos);

  write(dir / "s" / "broken.json", R"({"model": 1})");
  Cli broken = run(dir, "check s");
  CHECK(broken.code == 2);
  CHECK(last_line(broken.out) == "2 passed, 3 failed");
  CHECK(broken.out.find("FAIL  s/broken.json: s/broken.json: at /model: found 1, expected a string") !=
        std::string::npos);
}

TEST_CASE("cli: --help ends with an example, --version, models") {
  fs::path dir = workdir("help");
  for (std::string cmd : {"--help", "run --help", "replay --help", "check --help", "models --help"}) {
    CAPTURE(cmd);
    Cli r = run(dir, cmd);
    CHECK(r.code == 0);
    CHECK(r.out.find("Example:\n  interleave ") != std::string::npos);
  }
  Cli v = run(dir, "--version");
  CHECK(v.code == 0);
  CHECK(v.out.starts_with("interleave "));
  Cli m = run(dir, "models");
  CHECK(m.code == 0);
  for (std::string name : {"example:lost-update", "example:abba", "example:self-deadlock",
                           "example:locked-counter", "example:steps"})
    CHECK(m.out.find(name) != std::string::npos);
}

TEST_CASE("cli: a bare interleave prints the command list, a mistyped command names the closest") {
  fs::path dir = workdir("commands");
  Cli bare = run(dir, "");
  CHECK(bare.code == 2);
  for (std::string name : {"run", "check", "replay", "shrink", "show", "matrix", "merge", "models", "litmus"})
    CHECK(bare.out.find("  " + name) != std::string::npos);
  Cli typo = run(dir, "chek scenarios/seed");
  CHECK(typo.code == 2);
  CHECK(typo.err == "interleave: no command named \"chek\"; did you mean \"check\"?\n"
                    "hint: interleave --help lists the commands\n");
  Cli far = run(dir, "frobnicate");
  CHECK(far.code == 2);
  CHECK(far.err.starts_with("interleave: no command named \"frobnicate\"\n"));
  CHECK(run(dir, "models").code == 0);  // a real command still runs
}

TEST_CASE("cli: the shipped example scenarios all meet their expectations") {
  std::string dir = std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/examples";
  fs::path work = workdir("shipped");
  Cli r = run(work, "check '" + dir + "' --trace-out traces");
  CHECK(r.code == 0);
  CHECK(last_line(r.out) == "9 passed, 0 failed");  // fsync-after-reopen judges two variants
  CHECK(fs::exists(work / "traces" / "abba.trace.json"));
  CHECK(fs::exists(work / "traces" / "random-abba.trace.json"));
  // The random walk's trace replays like any other.
  Cli rep = run(work, "replay traces/random-abba.trace.json");
  CHECK(rep.code == 1);
}

TEST_CASE("cli: a page-cache scenario runs with its invariants, and its trace replays") {
  fs::path dir = workdir("pagecache");
  std::string file = std::string(INTERLEAVE_SOURCE_DIR) +
                     "/tests/checker/pagecache/torn-read.json";
  Cli r = run(dir, "run '" + file + "' --trace-out torn.json");
  CHECK(r.code == 1);
  CHECK(r.out.find(": violation of torn-read, found in execution ") != std::string::npos);
  CHECK(r.out.find("no set of whole writes explains") != std::string::npos);
  Cli rep = run(dir, "replay torn.json --trace-out again.json");
  CHECK(rep.code == 1);
  same_trace_execution(checker::load_trace((dir / "torn.json").string()),
                       checker::load_trace((dir / "again.json").string()));
  Cli check = run(dir, "check '" + file + "' --no-trace");
  CHECK(check.code == 0);
  CHECK(last_line(check.out) == "1 passed, 0 failed");
}

TEST_CASE("cli: INTERLEAVE_STACK_KIB sizes the modelled threads' stacks, and a bad value is exit 2") {
  fs::path dir = workdir("stack-kib");
  const std::string file = std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed/torn-read-half-copied-page.json";
  ::setenv("INTERLEAVE_STACK_KIB", "12x", 1);
  Cli bad = run(dir, "models");
  ::setenv("INTERLEAVE_STACK_KIB", "8", 1);
  Cli small = run(dir, "models");
  ::setenv("INTERLEAVE_STACK_KIB", "512", 1);
  Cli large = run(dir, "check '" + file + "' --no-trace");
  ::unsetenv("INTERLEAVE_STACK_KIB");
  CHECK(bad.code == 2);
  CHECK(bad.err.find("INTERLEAVE_STACK_KIB: found \"12x\", expected the modelled threads' stack size in KiB") !=
        std::string::npos);
  CHECK(small.code == 2);
  CHECK(large.code == 0);
  CHECK(last_line(large.out) == "1 passed, 0 failed");
}

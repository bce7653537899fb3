// `interleave check`, the CI oracle: verdicts and outcome sets against
// `expect`, the exit codes, JUnit XML that a JUnit parser accepts, the JSON
// report, and --update, which rewrites only the expected outcomes, in place
// and atomically.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <sstream>

#include "checker/oracle/oracle.hpp"
#include "checker/scenario/load.hpp"
#include "checker/scenario/scenario.hpp"
#include "tests/checker/cli.hpp"

using namespace checker;
using nlohmann::json;
using namespace cli_test;

namespace {

const char* kAbba = R"({"name": "abba", "model": "example:abba", "explore": {"strategy": "dfs"},
  "expect": {"verdict": "violation", "invariant": "deadlock"}})";

// Formatted by hand, with a compact line and a comment-like description: --update
// must leave every byte of it but the outcomes as it was.
const char* kLost = R"({
  "name": "lost",
  "description": "two threads increment without a lock",
  "model": "example:lost-update",   "params": {"threads": 2},
  "expect": {
    "verdict": "pass",
    "outcomes": ["counter=2"]
  }
}
)";

bool python3() { return std::system("python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") == 0; }

// Parses a JUnit file with python3's XML parser and prints what it read:
// "tests failures errors" of the suite, then "name:status" per test case.
Cli parse_junit(const fs::path& dir, const std::string& file) {
  write(dir / "parse_junit.py", R"(import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suite = root.find("testsuite")
print(suite.get("tests"), suite.get("failures"), suite.get("errors"))
for case in suite.iter("testcase"):
    status = "error" if case.find("error") is not None else "failure" if case.find("failure") is not None else "ok"
    print(case.get("name") + ":" + status)
)");
  return shell(dir, "python3 parse_junit.py " + file);
}

ino_t inode_of(const fs::path& p) {
  struct stat st{};
  ::stat(p.c_str(), &st);
  return st.st_ino;
}

}  // namespace

TEST_CASE("check: every expectation met exits 0 with one line per scenario") {
  fs::path dir = workdir("check-pass");
  write(dir / "s" / "abba.json", kAbba);
  write(dir / "s" / "lost.json", R"({"name": "lost", "model": "example:lost-update",
      "explore": {"strategy": "dfs"},
      "expect": {"verdict": "pass", "outcomes": ["counter=2", "counter=1"]}})");
  write(dir / "s" / "budget.json", R"({"name": "budget", "model": "example:steps",
      "params": {"threads": 3, "steps": 4}, "explore": {"strategy": "dfs", "max_executions": 5},
      "expect": {"verdict": "inconclusive"}})");
  Cli r = run(dir, "check s --trace-out traces");
  CHECK(r.code == 0);
  CHECK(r.out == "ok    s/abba.json: violation of deadlock, 3 executions; trace: traces/abba.trace.json\n"
                 "ok    s/budget.json: inconclusive, 5 executions\n"
                 "ok    s/lost.json: pass, 2 outcomes, 6 executions\n"
                 "3 passed, 0 failed\n");
  CHECK(fs::exists(dir / "traces" / "abba.trace.json"));
}

TEST_CASE("check: a mismatch says what was expected, what was found and where the trace is, exit 1") {
  fs::path dir = workdir("check-fail");
  write(dir / "s" / "wrong-invariant.json", R"({"name": "wrong-invariant", "model": "example:abba",
      "expect": {"verdict": "violation", "invariant": "torn-read"}})");
  write(dir / "s" / "wrong-verdict.json", R"({"model": "example:locked-counter",
      "expect": {"verdict": "violation"}})");
  write(dir / "s" / "wrong-outcomes.json", R"({"model": "example:lost-update",
      "expect": {"verdict": "pass", "outcomes": ["counter=2", "counter=3"]}})");
  write(dir / "s" / "no-expect.json", R"({"model": "example:lost-update"})");
  Cli r = run(dir, "check s --trace-out traces");
  CHECK(r.code == 1);
  CHECK(last_line(r.out) == "0 passed, 4 failed");
  CHECK(has(r.out, "FAIL  s/no-expect.json: the scenario has no \"expect\"; found pass\n"));
  CHECK(has(r.out, "FAIL  s/wrong-invariant.json: expected violation of torn-read, found violation of "
                   "deadlock; trace: traces/wrong-invariant.trace.json\n"));
  CHECK(fs::exists(dir / "traces" / "wrong-invariant.trace.json"));
  CHECK(has(r.out, "FAIL  s/wrong-outcomes.json: expected 2 outcomes, found 2; missing: counter=3; "
                   "unexpected: counter=1\n"));
  CHECK(has(r.out, "FAIL  s/wrong-verdict.json: expected violation, found pass\n"));

  // A bad file beats a failed expectation: exit 2, and the line names the JSON path.
  write(dir / "s" / "bad.json", R"({"model": "example:abba", "expect": {"verdict": "maybe"}})");
  Cli bad = run(dir, "check s --no-trace");
  CHECK(bad.code == 2);
  CHECK(last_line(bad.out) == "0 passed, 5 failed");
  CHECK(has(bad.out, "FAIL  s/bad.json: s/bad.json: at /expect/verdict: found \"maybe\", expected one of "));

  // Nothing to check is bad usage.
  fs::create_directories(dir / "empty");
  Cli none = run(dir, "check empty");
  CHECK(none.code == 2);
  CHECK(has(none.err, "no scenario files (*.json) in empty"));
}

TEST_CASE("check: --junit writes XML that a JUnit parser accepts, --json a report a program reads") {
  fs::path dir = workdir("check-reports");
  write(dir / "s" / "abba.json", kAbba);
  // A file name with every character XML must escape (a test case is named
  // after its file), and a control character in the scenario's name.
  write(dir / "s" / "odd <&> \"name\" 'x'.json", R"({"name": "odd \u0001", "model": "example:locked-counter",
      "expect": {"verdict": "violation", "invariant": "deadlock"}})");
  write(dir / "s" / "bad.json", R"({"model": "example:abba", "explore": {"max_steps": 0}})");
  fs::create_directory(dir / "out");  // outputs do not create their directories
  Cli r = run(dir, "check s --junit out/junit.xml --json out/check.json --trace-out traces");
  CHECK(r.code == 2);
  const std::string xml = slurp(dir / "out" / "junit.xml");
  REQUIRE_FALSE(xml.empty());
  CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
  CHECK(has(xml, "<testsuite name=\"interleave\" tests=\"3\" failures=\"1\" errors=\"1\""));
  CHECK(has(xml, "<testcase classname=\"s\" name=\"odd &lt;&amp;&gt; &quot;name&quot; &apos;x&apos;\""));
  CHECK(has(xml, "<system-out>trace: traces/abba.trace.json"));
  if (python3()) {
    Cli p = parse_junit(dir, "out/junit.xml");
    CHECK(p.code == 0);
    CHECK(p.err == "");
    CHECK(p.out == "3 1 1\nabba:ok\nbad:error\nodd <&> \"name\" 'x':failure\n");
  } else {
    MESSAGE("python3 is not installed: the JUnit file is checked for its structure only");
  }
  // Structure: one root, every test case closed.
  CHECK(xml.find("<testsuites") == xml.rfind("<testsuites"));
  std::size_t open = 0, closed = 0;
  for (std::size_t p = 0; (p = xml.find("<testcase ", p)) != std::string::npos; ++p) ++open;
  for (std::size_t p = 0; (p = xml.find("</testcase>", p)) != std::string::npos; ++p) ++closed;
  for (std::size_t p = 0; (p = xml.find("\"/>\n", p)) != std::string::npos; ++p) ++closed;
  CHECK(open == 3);
  CHECK(closed == 3);

  const json report = json::parse(slurp(dir / "out" / "check.json"));
  CHECK(report["format"] == "interleave-check");
  CHECK(report["version"] == 1);
  CHECK(report["passed"] == 1);
  CHECK(report["failed"] == 2);
  REQUIRE(report["scenarios"].size() == 3);
  const json& abba = report["scenarios"][0];
  CHECK(abba["file"] == "s/abba.json");
  CHECK(abba["status"] == "ok");
  CHECK(abba["expected"] == "violation of deadlock");
  CHECK(abba["found"] == "violation of deadlock");
  CHECK(abba["trace"] == "traces/abba.trace.json");
  CHECK(abba["shrink"].get<std::string>().starts_with("already minimal: 2 steps and 1 preemption"));
  CHECK(report["scenarios"][1]["status"] == "bad-scenario");
  CHECK(report["scenarios"][2]["status"] == "failed");
  CHECK(report["scenarios"][2]["found"] == "pass");
}

TEST_CASE("check --update: rewrites only the outcomes, atomically, and the next check passes") {
  fs::path dir = workdir("check-update");
  write(dir / "s" / "lost.json", kLost);
  write(dir / "s" / "abba.json", kAbba);
  // A verdict that is not met is never "accepted" by --update.
  write(dir / "s" / "wrong.json", R"({"model": "example:locked-counter",
  "expect": {"verdict": "violation", "invariant": "deadlock"}})");
  const std::string wrong_before = slurp(dir / "s" / "wrong.json");
  const ino_t inode_before = inode_of(dir / "s" / "lost.json");

  Cli fail = run(dir, "check s/lost.json");
  CHECK(fail.code == 1);

  Cli up = run(dir, "check s --update --no-trace");
  CHECK(up.code == 1);  // wrong.json still fails
  CHECK(has(up.out, "ok    s/lost.json: updated the expected outcomes to the 2 found (1 added, 0 removed)"));
  CHECK(has(up.out, "FAIL  s/wrong.json: expected violation of deadlock, found pass"));
  CHECK(last_line(up.out) == "2 passed, 1 failed (1 updated)");
  CHECK(slurp(dir / "s" / "wrong.json") == wrong_before);

  // Only the outcomes' text changed; the file is valid and reads as a scenario.
  const std::string after = slurp(dir / "s" / "lost.json");
  CHECK(after == R"({
  "name": "lost",
  "description": "two threads increment without a lock",
  "model": "example:lost-update",   "params": {"threads": 2},
  "expect": {
    "verdict": "pass",
    "outcomes": [
      "counter=1",
      "counter=2"
    ]
  }
}
)");
  Scenario s = load_scenario((dir / "s" / "lost.json").string());
  REQUIRE(s.expect);
  CHECK(*s.expect->outcomes == std::vector<std::string>{"counter=1", "counter=2"});
  // Written beside and renamed into place: a new file, and no temporary left.
  CHECK(inode_of(dir / "s" / "lost.json") != inode_before);
  for (const auto& e : fs::directory_iterator(dir / "s"))
    CHECK_MESSAGE(e.path().extension() == ".json", e.path().string());

  Cli again = run(dir, "check s/lost.json s/abba.json");
  CHECK(again.code == 0);
  CHECK(last_line(again.out) == "2 passed, 0 failed");

  // Nothing to update: the file is left alone.
  const ino_t inode_now = inode_of(dir / "s" / "lost.json");
  Cli same = run(dir, "check s/lost.json --update");
  CHECK(same.code == 0);
  CHECK(inode_of(dir / "s" / "lost.json") == inode_now);
}

TEST_CASE("check --update: an empty outcome list asks for the outcomes, nested and escaped pointers") {
  fs::path dir = workdir("check-update-empty");
  write(dir / "lost.json", R"({"model": "example:lost-update", "expect": {"verdict": "pass", "outcomes": []}})");
  Cli up = run(dir, "check lost.json --update");
  CHECK(up.code == 0);
  CHECK(slurp(dir / "lost.json") == "{\"model\": \"example:lost-update\", \"expect\": {\"verdict\": \"pass\", "
                                    "\"outcomes\": [\n  \"counter=1\",\n  \"counter=2\"\n]}}");

  // replace_json_value: the value at a pointer, found by walking the text.
  const std::string doc = R"({"a/b": {"x": [1, {"outcomes": "not this"}, [2, 3]]},
    "outcomes": "nor this", "s": "{\"outcomes\": 1}", "e": {"outcomes": [ "old" ] }})";
  auto r = replace_json_value(doc, "/e/outcomes", json::array({"n1", "n2"}));
  REQUIRE(r);
  CHECK(json::parse(*r)["e"]["outcomes"] == json::array({"n1", "n2"}));
  CHECK(json::parse(*r)["outcomes"] == "nor this");
  CHECK(json::parse(*r)["s"] == "{\"outcomes\": 1}");
  auto r2 = replace_json_value(doc, "/a~1b/x/2/1", json(7));
  REQUIRE(r2);
  CHECK(json::parse(*r2)["a/b"]["x"][2] == json::array({2, 7}));
  CHECK_FALSE(replace_json_value(doc, "/e/missing", json(1)));
  CHECK_FALSE(replace_json_value(doc, "/a~1b/x/9", json(1)));
}

TEST_CASE("docs/ci.md: the GitHub Actions job installs the Debian packages and its commands run") {
  const std::string doc = slurp(source("docs/ci.md"));
  const std::size_t begin = doc.find("```yaml\n");
  REQUIRE(begin != std::string::npos);
  const std::size_t end = doc.find("\n```", begin + 8);
  const std::string yaml = doc.substr(begin + 8, end - begin - 8);
  fs::path dir = workdir("ci-doc");
  write(dir / "job.yml", yaml);
  write(dir / "steps.py", R"(import json, sys, yaml
doc = yaml.safe_load(open("job.yml"))
on = doc.get("on", doc.get(True))
steps = doc["jobs"]["check"]["steps"]
print(json.dumps({"on": sorted(on), "container": doc["jobs"]["check"]["container"],
                  "runs": [s.get("run", "") for s in steps], "uses": [s.get("uses", "") for s in steps]}))
)");
  if (std::system("python3 -c 'import yaml' >/dev/null 2>&1") != 0) {
    MESSAGE("SKIPPED: python3 with the yaml module is not installed: the job in docs/ci.md was not read");
    return;
  }
  Cli p = shell(dir, "python3 steps.py");
  REQUIRE(p.code == 0);
  const json job = json::parse(p.out);
  CHECK(job["on"] == json::array({"pull_request", "push"}));
  CHECK(job["container"].get<std::string>().starts_with("debian:"));

  // Every package scripts/setup installs to build is installed by the job (what
  // `scripts/setup --test` adds serves the test suite, which the job does not run).
  const std::string setup = slurp(source("scripts/setup"));
  const std::size_t a = setup.find("packages=(") + 10;
  std::istringstream pkgs(setup.substr(a, setup.find(')', a) - a));
  std::string apt;
  for (const json& r : job["runs"])
    if (has(r.get<std::string>(), "apt-get install")) apt = r.get<std::string>();
  REQUIRE_FALSE(apt.empty());
  for (std::string pkg; pkgs >> pkg;) CHECK_MESSAGE(has(apt, " " + pkg), pkg);

  // The check and show steps, run as written (on the example scenarios, with this build).
  fs::create_directories(dir / "build");
  fs::create_symlink(INTERLEAVE_BIN_PATH, dir / "build" / "interleave");
  fs::create_directories(dir / "scenarios");
  for (const auto& e : fs::directory_iterator(source("scenarios/examples")))
    fs::copy_file(e.path(), dir / "scenarios" / e.path().filename());
  int ran = 0;
  for (const json& r : job["runs"]) {
    const std::string cmd = r.get<std::string>();
    if (!has(cmd, "build/interleave")) continue;
    write(dir / "step.sh", "set -e\n" + cmd);
    Cli c = shell(dir, "bash step.sh");
    const std::string what = cmd + "\n" + c.out + c.err;
    CHECK_MESSAGE(c.code == 0, what);
    ++ran;
  }
  CHECK(ran == 2);
  CHECK(fs::exists(dir / "interleave-junit.xml"));
  CHECK(fs::exists(dir / "interleave-check.json"));
  CHECK(fs::exists(dir / "interleave-traces" / "abba.trace.json"));
  CHECK(fs::exists(dir / "interleave-traces" / "abba.html"));
}

// The command line's conventions (issue 14): --version, --variant on run,
// check and replay, -q and -v, colour only where it belongs, check's exit
// code 4 for a budget that ran out, the progress line's scenario, and the
// JUnit report as a JUnit reader takes it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/checker/cli.hpp"

// A namespace of its own, with using-declarations: the unity build puts this
// file in one translation unit with test_cli.cpp, whose anonymous namespace
// has helpers of the same names.
namespace conventions_test {

namespace fs = std::filesystem;
using cli_test::Cli;
using cli_test::has;
using cli_test::run;
using cli_test::shell;
using cli_test::slurp;
using cli_test::source;
using cli_test::workdir;
using cli_test::write;
using nlohmann::json;

constexpr const char* kTornAcross = "scenarios/seed/torn-read-across-pages.json";
constexpr const char* kTwoWriters = "scenarios/variants/two-writers-one-reader.json";

inline fs::path conventions_dir(const std::string& name) { return workdir(name, "conventions"); }

inline std::size_t lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// Runs the command under a pseudo-terminal (util-linux's script), so that
// standard output and standard error are terminals; "" when script is not
// installed.
inline std::string on_terminal(const fs::path& dir, const std::string& env, const std::string& args) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) return {};
  const std::string inner = env + " '" + std::string(INTERLEAVE_BIN_PATH) + "' " + args;
  return shell(dir, "script -qec \"" + inner + "\" /dev/null").out;
}

TEST_CASE("conventions: --version and -V print the version, the help gives the exit codes of every command") {
  const fs::path dir = conventions_dir("version");
  for (const char* flag : {"--version", "-V"}) {
    Cli r = run(dir, flag);
    CHECK(r.code == 0);
    CHECK(r.out == "interleave " INTERLEAVE_VERSION "\n");
  }
  Cli help = run(dir, "--help");
  CHECK(help.code == 0);
  CHECK(has(help.out, "Exit codes, the same for every command"));
  CHECK(has(help.out, "-q,--quiet"));
  CHECK(has(help.out, "--color"));
  CHECK_FALSE(has(help.out, "--generate"));  // the build's, not the user's
}

TEST_CASE("conventions: run --variant runs the scenario on that variant and names its trace after it") {
  const fs::path dir = conventions_dir("run-variant");
  const std::string file = source(kTornAcross);
  Cli own = run(dir, "run " + file);
  CHECK(own.code == 1);
  CHECK(has(own.out, "VIOLATION  " + file + ": violation of torn-read"));
  Cli ext4 = run(dir, "run --variant linux-6-ext4 " + file);
  CHECK(ext4.code == 1);
  CHECK(has(ext4.out, "VIOLATION  " + file + " [linux-6-ext4]: violation of torn-read"));
  Cli xfs = run(dir, "run " + file + " --variant linux-6-xfs");  // XFS's reads take the inode lock
  CHECK(xfs.code == 0);
  CHECK(has(xfs.out, "PASS  " + file + " [linux-6-xfs]: "));
  // Each variant's trace has a name of its own: the second run did not
  // overwrite the first's; naming the file's own model changes nothing.
  CHECK(fs::exists(dir / "interleave-traces" / "torn-read-across-pages.trace.json"));
  CHECK(fs::exists(dir / "interleave-traces" / "torn-read-across-pages@linux-6-ext4.trace.json"));
  Cli same = run(dir, "run --variant linux-2.4.0 " + file);
  CHECK(same.code == 1);
  CHECK(has(same.out, "trace: interleave-traces/torn-read-across-pages.trace.json\n"));
  const json ext4_trace = json::parse(slurp(dir / "interleave-traces" / "torn-read-across-pages@linux-6-ext4.trace.json"));
  CHECK(ext4_trace["scenario"]["model"] == "linux-6-ext4");

  // replay: the trace's own variant replays; another is a bad request.
  Cli ok = run(dir, "replay --variant linux-6-ext4 interleave-traces/torn-read-across-pages@linux-6-ext4.trace.json");
  CHECK(ok.code == 1);
  CHECK(has(ok.out, "the same verdict as recorded"));
  Cli other = run(dir, "replay interleave-traces/torn-read-across-pages@linux-6-ext4.trace.json --variant linux-2.4.0");
  CHECK(other.code == 2);
  CHECK(other.out == "");
  CHECK(has(other.err, "interleave: interleave-traces/torn-read-across-pages@linux-6-ext4.trace.json: the trace was "
                       "recorded on linux-6-ext4, not on --variant linux-2.4.0"));
  CHECK(has(other.err, "hint: `interleave run --variant linux-2.4.0 " + file + "`"));
}

TEST_CASE("conventions: a bad --variant is exit 2 with one line and the closest name") {
  const fs::path dir = conventions_dir("bad-variant");
  for (const char* cmd : {"run", "check", "replay"}) {
    Cli r = run(dir, std::string(cmd) + " --variant linux-6-ext3 x.json");
    CHECK(r.code == 2);
    CHECK(has(r.err, "interleave: --variant: found \"linux-6-ext3\", expected a page-cache variant: linux-2.4.0, "));
    CHECK(has(r.err, "hint: did you mean \"linux-6-ext4\"?"));
  }
  write(dir / "abba.json", R"({"model": "example:abba"})");
  Cli example = run(dir, "run --variant linux-6-ext4 abba.json");
  CHECK(example.code == 2);
  CHECK(has(example.err, "interleave: abba.json: at /model: --variant linux-6-ext4: the model \"example:abba\" is "
                         "not a page-cache variant"));
  CHECK_FALSE(fs::exists(dir / "interleave-traces"));
}

TEST_CASE("conventions: check --variant judges each file's cell for that variant and skips the files without one") {
  const fs::path dir = conventions_dir("check-variant");
  fs::create_directories(dir / "s");
  fs::copy_file(source(kTornAcross), dir / "s" / "torn-read-across-pages.json");
  fs::copy_file(source(kTwoWriters), dir / "s" / "two-writers-one-reader.json");
  Cli r = run(dir, "check s --variant linux-6-ext4 --junit junit.xml --json check.json");
  CHECK(r.code == 0);
  CHECK(r.out ==
        "skip  s/torn-read-across-pages.json: not judged: the file states no expectation for linux-6-ext4 (its "
        "\"expect\" is for linux-2.4.0)\n"
        "ok    s/two-writers-one-reader.json [linux-6-ext4]: violation of torn-read, 2 executions; trace: "
        "interleave-traces/two-writers-one-reader@linux-6-ext4.trace.json\n"
        "1 passed, 0 failed, 1 skipped (not judged on linux-6-ext4)\n");
  const std::string xml = slurp(dir / "junit.xml");
  CHECK(has(xml, "tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\""));
  CHECK(has(xml, "<testcase classname=\"s\" name=\"two-writers-one-reader [linux-6-ext4]\""));
  const json report = json::parse(slurp(dir / "check.json"));
  CHECK(report["skipped"] == 1);
  CHECK(report["passed"] == 1);
  CHECK(report["failed"] == 0);
  CHECK(report["scenarios"][0]["status"] == "skipped");
}

TEST_CASE("conventions: -q prints how each run ended and no more, -v the settings and check's whole reports") {
  const fs::path dir = conventions_dir("verbosity");
  fs::create_directories(dir / "s");
  fs::copy_file(source(kTornAcross), dir / "s" / "torn-read-across-pages.json");
  write(dir / "s" / "wrong.json", R"({"model": "example:abba", "expect": {"verdict": "pass"}})");
  write(dir / "s" / "right.json", R"({"model": "example:abba", "expect": {"verdict": "violation"}})");

  Cli normal = run(dir, "run s/torn-read-across-pages.json s/right.json");
  Cli quiet = run(dir, "run -q s/torn-read-across-pages.json s/right.json");
  CHECK(quiet.code == normal.code);
  CHECK(quiet.out ==
        normal.out.substr(0, normal.out.find('\n') + 1) +
            normal.out.substr(normal.out.find("VIOLATION  s/right.json"),
                              normal.out.find('\n', normal.out.find("VIOLATION  s/right.json")) + 1 -
                                  normal.out.find("VIOLATION  s/right.json")));
  CHECK(lines(quiet.out) == 2);
  CHECK(fs::exists(dir / "interleave-traces" / "right.trace.json"));  // -q prints less, writes the same

  // Before or after the command, long or short.
  for (const char* args : {"check -q s", "-q check s", "check --quiet s"}) {
    Cli q = run(dir, args);
    CHECK(q.code == 1);
    CHECK(q.out == "FAIL  s/wrong.json: expected pass, found violation of deadlock; trace: "
                   "interleave-traces/wrong.trace.json\n2 passed, 1 failed\n");
  }

  Cli v = run(dir, "check -v s");
  CHECK(v.code == 1);
  CHECK(has(v.out, "ok    s/right.json: violation of deadlock, "));
  CHECK(has(v.out, "      settings: variant example:abba, strategy auto, seed 0, pct-depth 3, max-executions none, "
                   "time-limit none, max-steps 10000, jobs "));
  // The failing case's interleaving, indented under its line.
  const std::size_t fail = v.out.find("FAIL  s/wrong.json");
  REQUIRE(fail != std::string::npos);
  CHECK(v.out.find("      the interleaving (", fail) < v.out.find("1 failed"));
  Cli rv = run(dir, "run --verbose s/right.json");
  CHECK(has(rv.out, "\n  settings: variant example:abba, strategy auto, "));

  Cli both = run(dir, "run -q -v s/right.json");
  CHECK(both.code == 2);
  CHECK(has(both.err, "excludes"));
}

TEST_CASE("conventions: colour only on a terminal, never with NO_COLOR or --color never, always with --color always") {
  const fs::path dir = conventions_dir("colour");
  write(dir / "right.json", R"({"model": "example:abba", "expect": {"verdict": "violation"}})");
  const std::string esc = "\033[";
  CHECK_FALSE(has(run(dir, "check right.json").out, esc));  // a pipe
  CHECK(run(dir, "check --color always right.json").out.starts_with("\033[32mok\033[0m    right.json: "));
  CHECK(run(dir, "run --color always right.json").out.starts_with("\033[1;31mVIOLATION\033[0m  right.json: "));
  CHECK(run(dir, "--color bright check right.json").code == 2);
  const std::string tty = on_terminal(dir, "", "check right.json");
  if (tty.empty()) {
    MESSAGE("script (util-linux) is not installed: colour on a terminal is not tested");
    return;
  }
  CHECK(has(tty, "\033[32mok\033[0m"));
  CHECK_FALSE(has(on_terminal(dir, "NO_COLOR=1", "check right.json"), esc));
  CHECK_FALSE(has(on_terminal(dir, "", "check --color never right.json"), esc));
}

TEST_CASE("conventions: the progress line names the scenario it is on") {
  const fs::path dir = conventions_dir("progress");
  // A search cut at 0.7 s by its time limit: the line is printed every 0.5 s.
  write(dir / "big.json", R"({"model": "example:steps", "params": {"threads": 4, "steps": 8},
      "explore": {"strategy": "dfs", "time_limit_s": 0.7}, "expect": {"verdict": "pass"}})");
  const std::string tty = on_terminal(dir, "env -u CI", "check big.json");
  if (tty.empty()) {
    MESSAGE("script (util-linux) is not installed: the progress line is not tested");
    return;
  }
  CHECK(has(tty, "\r  big.json: "));
  CHECK(has(tty, " executions"));
}

TEST_CASE("conventions: check exits 4 when a budget ran out before a search could meet or contradict its expectation") {
  const fs::path dir = conventions_dir("budget");
  fs::create_directories(dir / "s");
  fs::copy_file(source(kTornAcross), dir / "s" / "torn-read-across-pages.json");
  write(dir / "s" / "abba.json", R"({"model": "example:abba", "expect": {"verdict": "violation"}})");
  Cli r = run(dir, "check s --strategy dfs --max-executions 3 --junit junit.xml --json check.json");
  CHECK(r.code == 4);
  CHECK(has(r.out, "--    s/torn-read-across-pages.json: expected violation of torn-read, found inconclusive (the "
                   "execution budget (3 executions, --max-executions) ran out)\n"));
  CHECK(has(r.out, "1 passed, 0 failed, 1 inconclusive (a budget ran out)\n"));
  const std::string xml = slurp(dir / "junit.xml");
  CHECK(has(xml, "failures=\"0\" errors=\"1\""));
  CHECK(has(xml, "<error message=\"expected violation of torn-read, found inconclusive"));
  CHECK(has(xml, "type=\"inconclusive\""));
  CHECK(json::parse(slurp(dir / "check.json"))["inconclusive"] == 1);
  // A contradicted expectation still says 1, whatever else ran out.
  write(dir / "s" / "wrong.json", R"({"model": "example:abba", "expect": {"verdict": "pass"}})");
  CHECK(run(dir, "check s --strategy dfs --max-executions 3").code == 1);
  // run says the same for the same search, and the help of both says so.
  CHECK(run(dir, "run s/torn-read-across-pages.json --strategy dfs --max-executions 3").code == 4);
  CHECK(has(run(dir, "check --help").out, "4 none of these, but a budget ran out"));
}

TEST_CASE("conventions: JUnit names a case by its folder and file, and a failure gives the invariant, its bytes and the replay") {
  const fs::path dir = conventions_dir("junit");
  fs::create_directories(dir / "suite" / "v1.2");
  std::string torn = slurp(source(kTornAcross));
  torn.replace(torn.find("\"expect\": {\"verdict\": \"violation\", \"invariant\": \"torn-read\"}"),
               std::string("\"expect\": {\"verdict\": \"violation\", \"invariant\": \"torn-read\"}").size(),
               "\"expect\": {\"verdict\": \"pass\"}");
  write(dir / "suite" / "v1.2" / "torn.json", torn);
  write(dir / "suite" / "abba.json", R"({"model": "example:abba", "expect": {"verdict": "violation"}})");
  Cli r = run(dir, "check suite --junit junit.xml");
  CHECK(r.code == 1);
  const std::string xml = slurp(dir / "junit.xml");
  CHECK(has(xml, "<testcase classname=\"suite\" name=\"abba\" "));
  CHECK(has(xml, "<testcase classname=\"suite.v1_2\" name=\"torn\" "));
  CHECK_FALSE(has(xml, ".json\" name="));
  CHECK(has(xml, "<failure message=\"expected pass, found violation of torn-read; trace: "
                 "interleave-traces/torn-read-across-pages.trace.json\" type=\"verdict\">"));
  CHECK(has(xml, "\ninvariant: torn-read\n"));
  CHECK(has(xml, "returned 8 bytes &quot;BBBBAAAA&quot;, which no set of whole writes explains"));
  CHECK(has(xml, "\nreplay it: interleave replay interleave-traces/torn-read-across-pages.trace.json</failure>"));

  // As JUnit readers take it: Debian's python3-junitparser (CI installs it),
  // and the constraints of the Ant/Jenkins schema on every element.
  write(dir / "read.py", R"(import sys, xml.etree.ElementTree as ET
root = ET.parse("junit.xml").getroot()
allowed = {"testsuites": {"name", "tests", "failures", "errors", "time"},
           "testsuite": {"name", "tests", "failures", "errors", "skipped", "time"},
           "testcase": {"name", "classname", "time"},
           "failure": {"message", "type"}, "error": {"message", "type"}, "skipped": {"message"},
           "system-out": set()}
children = {"testsuites": {"testsuite"}, "testsuite": {"testcase"},
            "testcase": {"failure", "error", "skipped", "system-out"}}
for e in root.iter():
    assert set(e.attrib) <= allowed[e.tag], (e.tag, e.attrib)
    assert {c.tag for c in e} <= children.get(e.tag, set()), e.tag
    if e.tag == "testcase":
        assert not e.get("classname").endswith(".json"), e.get("classname")
        float(e.get("time"))
try:
    import junitparser
except ImportError:
    print("no junitparser"); sys.exit(0)
for suite in junitparser.JUnitXml.fromfile("junit.xml"):
    for case in suite:
        print(case.classname, case.name, [type(r).__name__ for r in case.result])
)");
  if (std::system("/usr/bin/python3 -c 'import xml.etree.ElementTree' >/dev/null 2>&1") != 0) {
    MESSAGE("/usr/bin/python3 is not installed: the JUnit file is not read by a JUnit reader");
    return;
  }
  Cli p = shell(dir, "/usr/bin/python3 read.py");
  CHECK(p.code == 0);
  CHECK(p.err == "");
  if (p.out == "no junitparser\n") {
    MESSAGE("python3-junitparser is not installed (scripts/setup --test installs it)");
    return;
  }
  CHECK(p.out == "suite abba []\nsuite.v1_2 torn ['Failure']\n");
}

}  // namespace conventions_test

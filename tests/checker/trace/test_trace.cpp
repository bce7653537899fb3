// Trace files: written whole, read back to the same trace, and refused with
// the JSON path of the bad field.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/report/report.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/trace/trace.hpp"
#include "tests/checker/scratch.hpp"

using namespace checker;
using nlohmann::json;

namespace {

// The deadlock in the order DPOR meets it first (auto's bug hunt, PCT, meets
// another: the checks below are of this one).
Trace abba_trace() {
  Scenario s = parse_scenario(
      json::parse(R"({"name": "abba", "model": "example:abba", "explore": {"strategy": "dpor"}})"), "abba.json");
  ExploreSettings settings = effective_settings(s.explore);
  ExploreResult r = run_scenario(s, settings);
  REQUIRE(r.status == ExploreResult::Status::violation);
  return make_trace(s, settings, r);
}

std::string trace_error(const json& j) {
  try {
    trace_from_json(j, "t.json");
  } catch (const InputError& e) {
    CHECK(e.file() == "t.json");
    return e.path() + "|" + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a trace holds the scenario, settings, schedule, verdict and history, and reads back") {
  Trace t = abba_trace();
  CHECK(t.threads == std::vector<std::string>{"t0", "t1"});
  CHECK(t.schedule.size() == 2);
  CHECK(t.history.size() == 2);
  CHECK(t.verdict.kind == sim::Verdict::Kind::deadlock);

  auto dir = checker::testing::scratch_dir("trace", "write");
  std::string path = (dir / "sub" / "abba.trace.json").string();
  // No directory is created on the way: a missing one is a typo.
  CHECK_THROWS_AS(write_trace(t, path), std::runtime_error);
  CHECK_FALSE(std::filesystem::exists(dir / "sub"));
  std::filesystem::create_directory(dir / "sub");
  write_trace(t, path);
  // Written whole under its name, no temporary left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir / "sub")) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);

  json j = read_json_file(path);
  CHECK(j["format"] == "interleave-trace");
  CHECK(j["version"] == 1);
  CHECK(j["scenario"]["model"] == "example:abba");
  CHECK(j["settings"]["strategy"] == "dpor");
  CHECK(j["schedule"][0] == json::parse(R"({"thread": 0})"));
  CHECK(j["verdict"]["cycle"].size() == 2);
  CHECK(j["history"][1]["thread_name"] == "t1");
  CHECK(j["history"][1]["op"] == "down");
  CHECK(j["history"][1]["object"] == "B");

  Trace back = load_trace(path);
  CHECK(back.scenario.model == "example:abba");
  CHECK(back.scenario.file == "abba.json");
  CHECK(back.schedule == t.schedule);
  CHECK(same_verdict(back.verdict, t.verdict));
  CHECK(back.verdict.waits.size() == 2);
  CHECK(back.verdict.waits[0].object_name == t.verdict.waits[0].object_name);
  REQUIRE(back.history.size() == t.history.size());
  for (std::size_t i = 0; i < t.history.size(); ++i) {
    CHECK(back.history[i].thread == t.history[i].thread);
    CHECK(back.history[i].op == t.history[i].op);
    CHECK(back.history[i].object == t.history[i].object);
  }
  CHECK(trace_text(back) == trace_text(t));
}

TEST_CASE("bad traces are refused with the JSON path") {
  Trace t = abba_trace();
  const json good = json::parse(trace_text(t));
  CHECK(trace_error(good) == "no error");

  json j = good;
  j["format"] = "something-else";
  CHECK(trace_error(j) == "/format|found \"something-else\", expected \"interleave-trace\"");
  j = good;
  j["version"] = 2;
  CHECK(trace_error(j) == "/version|found 2, expected 1");
  j = good;
  j["schedule"][1] = json::parse(R"({"thread": 5})");
  CHECK(trace_error(j) == "/schedule/1/thread|found 5, expected an integer from 0 to 1");
  j = good;
  j["schedule"][0] = json::parse(R"({"value": 3, "range": 2})");
  CHECK(trace_error(j) == "/schedule/0/value|found 3, expected an integer from 0 to 1");
  j = good;
  j["schedule"][0] = "t0";
  CHECK(trace_error(j).starts_with("/schedule/0|found \"t0\", expected a decision"));
  j = good;
  j["verdict"]["kind"] = "exploded";
  CHECK(trace_error(j).starts_with("/verdict/kind|found \"exploded\", expected one of \"ok\", "));
  j = good;
  j["scenario"]["explore"] = {{"max_steps", "many"}};
  CHECK(trace_error(j) == "/scenario/explore/max_steps|found \"many\", expected an integer >= 1");
  j = good;
  j.erase("schedule");
  CHECK(trace_error(j) == "/schedule|found nothing, expected an array of decisions");
  j = good;
  j["history"][0]["colour"] = "red";
  CHECK(trace_error(j).starts_with("/history/0/colour|found an unknown key"));
}

TEST_CASE("the report shows the verdict, the interleaving per thread, the cycle and the trace") {
  Scenario s = parse_scenario(
      json::parse(R"({"name": "abba", "model": "example:abba", "explore": {"strategy": "dfs"}})"),
      "abba.json");
  ExploreSettings settings = effective_settings(s.explore);
  ExploreResult r = run_scenario(s, settings);
  std::ostringstream out;
  print_run_report(out, s, settings, r, "traces/abba.trace.json");
  const std::string text = out.str();
  CHECK(text.starts_with("VIOLATION  abba.json: deadlock, found in execution 3\n"));
  CHECK(text.find("wait-for cycle: t0 -(B)-> t1 -(A)-> t0") != std::string::npos);
  CHECK(text.find("     step  t0                  t1") != std::string::npos);
  CHECK(text.find("\n        1  down A\n") != std::string::npos);
  // The deadlock's step is marked.
  CHECK(text.find("\n  >>    2                      down B\n") != std::string::npos);
  CHECK(text.find("(sleeps in down B)  (sleeps in down A)") != std::string::npos);
  CHECK(text.find("trace: traces/abba.trace.json") != std::string::npos);

  // Too many threads for columns: one line per step.
  InterleavingStyle narrow;
  narrow.width = 20;
  std::string lines = interleaving(r.replay.history, r.replay.thread_names, r.replay.verdict, narrow);
  CHECK(lines.find("        1  t0: down A\n") != std::string::npos);
  CHECK(lines.find("           t1: (sleeps in down A)\n") != std::string::npos);

  // The state shows where it changed; the epilogue folds into one line.
  std::vector<sim::Event> events = {{1, 0, "a", "x", "s1", ""}, {2, 1, "b", "y", "s1", ""},
                                    {3, 0, "c", "x", "s2", "fault = 1"}, {4, 2, "read", "", "s2", ""},
                                    {5, 2, "read", "", "s3", ""}};
  sim::Verdict torn;
  torn.kind = sim::Verdict::Kind::violation;
  torn.invariant = "torn-read";
  torn.thread = 1;
  torn.step = 2;
  InterleavingStyle folded;
  folded.width = 20;
  folded.run_steps = 3;
  std::string f = interleaving(events, {"t0", "t1", "epilogue"}, torn, folded);
  CHECK(f == "        1  t0: a x   s1\n"
             "  >>    2  t1: b y\n"
             "        3  t0: c x   s2  (fault = 1)\n"
             "           ... and 2 steps of the end-of-run checks (read back, sync, evict, read "
             "again), in the trace\n");
}

// `interleave replay`: the trace's schedule runs again from the scenario
// embedded in it to the same verdict; when the model has changed so much that
// the schedule no longer fits, it says at which decision and step, which
// thread the schedule wanted and which were enabled (exit 3).
#include <doctest/doctest.h>

#include <regex>

#include "checker/trace/trace.hpp"
#include "tests/checker/cli.hpp"

using namespace checker;
using nlohmann::json;
using namespace cli_test;

TEST_CASE("replay: the same verdict from the embedded scenario, wherever the scenario file went") {
  fs::path dir = workdir("replay");
  write(dir / "s" / "torn.json", slurp(source("scenarios/seed/torn-read-half-copied-page.json")));
  REQUIRE(run(dir, "run s/torn.json --trace-out torn.trace.json").code == 1);
  fs::remove_all(dir / "s");  // the trace carries its scenario
  Cli r = run(dir, "replay torn.trace.json");
  CHECK(r.code == 1);
  CHECK(has(r.out, "VIOLATION  torn.trace.json: replayed "));
  CHECK(has(r.out, ": the same verdict as recorded: violation of torn-read\n"));
  CHECK(has(r.out, "\n  >> "));
}

TEST_CASE("replay: a model that changed under the trace: which decision, which thread, which were enabled") {
  fs::path dir = workdir("replay-changed");
  REQUIRE(run(dir, "run '" + source("scenarios/seed/torn-read-half-copied-page.json") +
                       "' --trace-out torn.trace.json").code == 1);
  json t = json::parse(slurp(dir / "torn.trace.json"));
  // As if the model's reader had become two steps shorter: the scenario now
  // reads one byte, so the reader finishes early and the schedule asks for it
  // when it is gone.
  t["scenario"]["threads"][1]["ops"][0]["buf"] = json::parse(R"({"region": "dst", "length": 1})");
  write(dir / "changed.trace.json", t.dump(2));
  Cli r = run(dir, "replay changed.trace.json");
  CHECK(r.code == 3);
  CHECK(has(r.out, "ERROR  changed.trace.json: the replay does not match the trace"));
  CHECK(has(r.out, "its schedule no longer fits the model\n"));
  // Which decision and step, the thread the schedule wants, the threads enabled there.
  CHECK(std::regex_search(r.out, std::regex("\n  decision [0-9]+ \\(step [0-9]+\\): the schedule runs thread "
                                            "reader \\(#1\\), which is not enabled; enabled: writer \\(#0\\); reader has finished\n")));
  CHECK(has(r.out, "recorded: violation of torn-read at step "));
  CHECK(has(r.out, "the model has changed since the trace was written"));
  CHECK(has(r.out, "(here the schedule no longer fits: decision "));

  // A schedule longer than the execution it drives: the reader's steps first,
  // then the writer's, then one decision too many.
  t = json::parse(slurp(dir / "torn.trace.json"));
  json moved = json::array();
  for (const json& d : t["schedule"])
    if (d.contains("thread") && d["thread"] == 1) moved.push_back(d);
  for (const json& d : t["schedule"])
    if (!(d.contains("thread") && d["thread"] == 1)) moved.push_back(d);
  moved.push_back(json::parse(R"({"thread": 1})"));
  t["schedule"] = moved;
  write(dir / "edited.trace.json", t.dump(2));
  Cli e = run(dir, "replay edited.trace.json");
  CHECK(e.code == 3);
  CHECK(has(e.out, "its schedule no longer fits the model"));
  CHECK(has(e.out, "\n  the execution ended after " + std::to_string(moved.size() - 1) + " of the " +
                       std::to_string(moved.size()) + " decisions in the schedule\n"));
}

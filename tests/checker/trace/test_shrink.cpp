// Shrinking: a failing trace stays failing (the shrunk trace replays exactly to
// the same invariant), and it reaches the minimum that reasoning about the
// scenario gives.
//
// The torn reads: a read of two pages and a write of the same two pages, each
// one system call. With no preemption one call runs whole before the other,
// and the reader sees all old or all new bytes: no violation. One preemption
// is enough (the writer is preempted after its copy into page 0; the reader
// then reads page 0 new and page 1 old). So the minimum is one preemption, and
// the steps of the two calls and no more: the steps each call takes when it
// runs alone (interference only adds steps: a wait, a retry).
#include <doctest/doctest.h>

#include "sim/asan.hpp"

#include <sys/resource.h>

#include <chrono>
#include <functional>
#include <memory>

#include "checker/scenario/load.hpp"
#include "checker/search/explorer.hpp"
#include "checker/report/report.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/model.hpp"
#include "checker/trace/shrink.hpp"
#include "checker/strategies/guided_replay.hpp"
#include "checker/trace/trace.hpp"
#include "tests/checker/cli.hpp"
#include "sim/stack_pool.hpp"

using namespace checker;
using nlohmann::json;
using namespace cli_test;

namespace {

Scenario scenario_at(const std::string& rel) { return load_scenario(source(rel)); }

// The first failure a search finds, as a trace (not shrunk).
Trace failing_trace(const Scenario& s, ExploreSettings settings) {
  settings = effective_settings(settings);
  ExploreResult r = run_scenario(s, settings);
  REQUIRE(r.status == ExploreResult::Status::violation);
  return make_trace(s, settings, r);
}

// The steps of thread `i`'s calls when it runs alone (the run proper, no
// end-of-run checks).
std::size_t steps_alone(const Scenario& s, std::size_t i) {
  json j = s.json;
  j["threads"] = json::array({s.json["threads"][i]});
  j.erase("expect");
  Scenario alone = parse_scenario(j, "alone.json");
  std::unique_ptr<models::Program> program = make_program(alone);
  sim::StackPool stacks;
  GuidedReplayStrategy g({});
  sim::Execution ex(stacks);
  program->setup(ex);
  REQUIRE_FALSE(ex.run(g, {}).failed());
  return thread_decisions(ex.schedule());
}

// The shrunk trace replays exactly, with ReplayStrategy, to the same failure.
void replays_to_same_failure(const Trace& original, const Trace& shrunk) {
  std::unique_ptr<models::Program> program = make_program(shrunk.scenario);
  sim::StackPool stacks;
  Replayed r = replay(*program, shrunk.schedule, stacks, shrunk.settings.max_steps);
  CHECK(r.fits);
  CHECK(r.verdict.failed());
  CHECK(same_failure(original.verdict, r.verdict));
  CHECK(same_verdict(r.verdict, shrunk.verdict));
  // And once more from its file, as another process would read it.
  const std::string text = trace_text(shrunk);
  Trace back = trace_from_json(json::parse(text), "shrunk.json");
  CHECK(back.schedule == shrunk.schedule);
  CHECK(back.scenario.json == shrunk.scenario.json);
}

}  // namespace

TEST_CASE("shrink: a torn read found by DFS shrinks to one preemption and the two calls' steps") {
  for (const char* rel : {"tests/checker/pagecache/torn-read.json",
                          "scenarios/seed/torn-read-half-copied-page.json"}) {
    CAPTURE(rel);
    Scenario s = scenario_at(rel);
    Trace t = failing_trace(s, s.explore);
    const TraceSize before = trace_size(t);
    CHECK(before.preemptions >= 1);
    ShrinkResult r = shrink(t);
    REQUIRE(r.error.empty());
    CHECK(r.after.preemptions == 1);
    CHECK(r.after.steps == steps_alone(s, 0) + steps_alone(s, 1));
    CHECK(r.after.threads == 2);
    CHECK(r.after.operations == 2);
    CHECK(r.trace.verdict.invariant == "torn-read");
    CHECK(trace_size(r.trace) == r.after);
    replays_to_same_failure(t, r.trace);
  }
}

TEST_CASE("shrink: random walks with many preemptions all come down to the same minimum") {
  Scenario s = scenario_at("tests/checker/pagecache/torn-read.json");
  const std::size_t minimum_steps = steps_alone(s, 0) + steps_alone(s, 1);
  int found = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    ExploreSettings settings = s.explore;
    settings.strategy = "random";
    settings.seed = seed;
    settings.max_executions = 300;
    ExploreResult res = run_scenario(s, effective_settings(settings));
    if (res.status != ExploreResult::Status::violation) continue;
    ++found;
    Trace t = make_trace(s, effective_settings(settings), res);
    ShrinkResult r = shrink(t);
    REQUIRE(r.error.empty());
    CHECK(r.after.preemptions == 1);
    CHECK(r.after.steps == minimum_steps);
    CHECK_FALSE(r.before < r.after);
    replays_to_same_failure(t, r.trace);
  }
  CHECK(found >= 3);
}

TEST_CASE("shrink: a noisy scenario loses the thread, operations, agent and fault that the torn read does not need") {
  // The torn read of tests/checker/pagecache/torn-read.json, with a third
  // page and noise: a thread that reads page 2 and then writes it, an extra
  // read by the writer, a reclaim agent, and copy_from_user faults switched
  // on. The minimum: the writer's write and the reader's read, one
  // preemption, no fault.
  Scenario small = scenario_at("tests/checker/pagecache/torn-read.json");
  json j = small.json;
  j["name"] = "torn-read-noisy";
  // On ext2: on ramfs, reclaim laundering a dirty page deadlocks (2.4.0's
  // ramfs_writepage leaves the page locked), and a random walk meets that
  // first, since reclaim wakes only when it has something to act on.
  j["filesystem"] = "ext2";
  j["geometry"]["pages"] = 3;
  j["file"] = json::parse(R"({"content": "AAAAZZ", "cached": [0, 1, 2]})");
  j["memory"].push_back(json::parse(R"({"name": "src2", "kind": "anonymous", "start": 12288, "content": "CC"})"));
  j["memory"].push_back(json::parse(R"({"name": "dst2", "kind": "anonymous", "start": 16384, "length": 2})"));
  j["threads"][0]["ops"].push_back(json::parse(R"({"op": "pread", "buf": "dst2", "offset": 4})"));
  j["threads"].push_back(json::parse(R"({"name": "noise", "ops": [
      {"op": "pread", "buf": "dst2", "offset": 4},
      {"op": "pwrite", "buf": "src2", "offset": 4}]})"));
  j["agents"] = json::parse(R"([{"kind": "reclaim", "budget": 2}])");
  j["faults"] = json::parse(R"({"copy_from_user": true})");
  Scenario noisy = parse_scenario(j, "noisy.json");

  // The first seeded random walk that finds the torn read (a walk preempts
  // often and injects faults at random).
  Trace t;
  bool found = false;
  for (std::uint64_t seed = 1; seed <= 40 && !found; ++seed) {
    ExploreSettings settings = noisy.explore;
    settings.strategy = "random";
    settings.seed = seed;
    settings.max_executions = 200;
    settings = effective_settings(settings);
    ExploreResult res = run_scenario(noisy, settings);
    if (res.status != ExploreResult::Status::violation ||
        res.failures.front().verdict.invariant != "torn-read")
      continue;
    t = make_trace(noisy, settings, res);
    found = true;
  }
  REQUIRE(found);

  const TraceSize before = trace_size(t);
  CHECK(before.threads == 3);
  CHECK(before.operations == 5);
  CHECK(before.agent_acts == 2);
  CHECK(before.fault_kinds == 1);
  CHECK(before.preemptions >= 2);

  ShrinkResult r = shrink(t);
  REQUIRE(r.error.empty());
  CHECK(r.after.threads == 2);
  CHECK(r.after.operations == 2);
  CHECK(r.after.agent_acts == 0);
  CHECK(r.after.fault_kinds == 0);
  CHECK(r.after.faults == 0);
  CHECK(r.after.preemptions == 1);
  CHECK(r.after.steps == steps_alone(r.trace.scenario, 0) + steps_alone(r.trace.scenario, 1));
  CHECK(r.trace.scenario.json["threads"].size() == 2);
  CHECK_FALSE(r.trace.scenario.json.contains("agents"));
  const std::string summary = shrink_summary(r);
  CHECK(has(summary, "shrunk from 3 threads with 5 operations, "));
  CHECK(has(summary, " to 2 threads with 2 operations, "));
  CHECK(has(summary, "thread noise"));
  CHECK(has(summary, "agent 0 (reclaim)"));
  CHECK(has(summary, "fault copy_from_user"));
  CHECK(has(summary, "operation 1 (pread) of thread writer"));
  replays_to_same_failure(t, r.trace);
}

TEST_CASE("shrink: a condition's violation keeps every thread and operation it speaks of") {
  // The torn read stated as a forall condition that also asks for the
  // writer's bytes in the file: without the writer the file stays "AAAA" and
  // the condition breaks for want of the write, so leaving out a thread or an
  // operation would "shrink" the race into another violation of the same
  // name. The trace keeps both threads and still shows the torn read.
  json j = scenario_at("tests/checker/pagecache/torn-read.json").json;
  j["name"] = "torn-read-condition";
  j["threads"][1]["ops"].push_back(json::parse(R"({"op": "pread", "buf": "dst", "offset": 0})"));
  j["invariants"] = json::array({"deadlock"});
  j["conditions"] = json::parse(R"([{"name": "whole", "forall":
      "file == 'BBBB' && reader.0.data != 'BBAA' && reader.0.data != 'AABB'"}])");
  j.erase("expect");
  const Scenario s = parse_scenario(j, "condition.json");
  ExploreSettings settings = s.explore;
  settings.strategy = "dpor";
  const Trace t = failing_trace(s, settings);
  REQUIRE(t.verdict.invariant == "condition:whole");
  ShrinkResult r = shrink(t);
  REQUIRE(r.error.empty());
  CHECK(r.after.threads == 2);
  CHECK(r.after.operations == 3);
  CHECK(r.after.preemptions == 1);
  CHECK(r.trace.verdict.message.find("reader.0.data = ") != std::string::npos);
  replays_to_same_failure(t, r.trace);
}

TEST_CASE("shrink: the seed's short copy keeps the one operation that loses PG_uptodate") {
  // ramfs, one page cached, a pwrite whose source runs into an unmapped page:
  // the short copy's ClearPageUptodate on the file's only copy is the whole
  // bug. The earlier pwrite and the later pread are not needed; one thread,
  // one operation, no preemption (there is no other thread).
  Scenario s = scenario_at("scenarios/seed/ramfs-short-copy-uptodate-lost.json");
  Trace t = failing_trace(s, s.explore);
  ShrinkResult r = shrink(t);
  REQUIRE(r.error.empty());
  CHECK(r.before.operations == 3);
  CHECK(r.after.threads == 1);
  CHECK(r.after.operations == 1);
  CHECK(r.after.preemptions == 0);
  const json& ops = r.trace.scenario.json["threads"][0]["ops"];
  REQUIRE(ops.size() == 1);
  CHECK(ops[0]["op"] == "pwrite");
  CHECK(ops[0]["buf"]["region"] == "src");
  CHECK(ops[0]["buf"]["offset"] == 2);  // the copy that runs into the unmapped page
  replays_to_same_failure(t, r.trace);
}

TEST_CASE("shrink: the examples' deadlocks are already minimal, the livelock's parameter comes down") {
  // ABBA: each thread must take its first lock before either takes its
  // second: two steps, and the switch between them preempts the first thread.
  Scenario abba = parse_scenario(json::parse(R"({"model": "example:abba"})"), "abba.json");
  ShrinkResult r = shrink(failing_trace(abba, abba.explore));
  REQUIRE(r.error.empty());
  CHECK(r.after.steps == 2);
  CHECK(r.after.preemptions == 1);
  CHECK(r.trace.verdict.kind == sim::Verdict::Kind::deadlock);
  CHECK(r.trace.verdict.cycle.size() == 2);

  // A self-deadlock stays a self-deadlock: one step, then the second lock sleeps.
  Scenario self = parse_scenario(json::parse(R"({"model": "example:self-deadlock"})"), "self.json");
  r = shrink(failing_trace(self, self.explore));
  CHECK(r.after.steps == 1);
  CHECK(r.trace.verdict.self_deadlock);

  // Two threads of 10 steps under a bound of 15 steps: the bound is what
  // breaks, so fewer steps per thread still break it, down to 8 (16 > 15).
  Scenario live = parse_scenario(json::parse(R"({"model": "example:steps",
      "params": {"threads": 2, "steps": 10}, "explore": {"max_steps": 15}})"), "live.json");
  Trace lt = failing_trace(live, live.explore);
  r = shrink(lt);
  CHECK(r.trace.verdict.kind == sim::Verdict::Kind::livelock_suspect);
  CHECK(r.trace.scenario.json["params"]["steps"] == 8);
  CHECK(has(shrink_summary(r), "lowered parameter steps by 2"));
  replays_to_same_failure(lt, r.trace);
}

TEST_CASE("shrink: the budget bounds it, and what it returns still fails") {
  Scenario s = scenario_at("tests/checker/pagecache/torn-read.json");
  ExploreSettings settings = s.explore;
  settings.strategy = "random";
  settings.seed = 4;
  settings.max_executions = 300;
  Trace t = failing_trace(s, settings);
  for (std::uint64_t runs : {1, 2, 5, 20}) {
    CAPTURE(runs);
    ShrinkOptions o;
    o.max_runs = runs;
    ShrinkResult r = shrink(t, o);
    CHECK(r.runs <= runs);
    CHECK(r.budget_ran_out);
    CHECK_FALSE(r.before < r.after);
    replays_to_same_failure(t, r.trace);
  }
  // A trace that no longer fits its scenario is not shrunk, and says so.
  Trace bad = t;
  bad.schedule.resize(bad.schedule.size() / 2);
  ShrinkResult r = shrink(bad);
  CHECK_FALSE(r.error.empty());
  CHECK(r.trace.schedule == bad.schedule);
}

TEST_CASE("shrink: the CLI writes a smaller trace that replays, and run shrinks unless --no-shrink") {
  fs::path dir = workdir("shrink");
  const std::string file = source("tests/checker/pagecache/torn-read.json");
  // DPOR's first failing execution has a preemption to spare (auto's bug hunt finds a shorter one).
  Cli raw = run(dir, "run '" + file + "' --strategy dpor --no-shrink --trace-out raw.trace.json");
  CHECK(raw.code == 1);
  CHECK_FALSE(has(raw.out, "shrunk"));
  Cli sh = run(dir, "shrink raw.trace.json");
  CHECK(sh.code == 1);
  CHECK(has(sh.out, "VIOLATION  raw.trace.json: violation of torn-read; shrunk from "));
  CHECK(has(sh.out, " steps and 2 preemptions to "));
  CHECK(has(sh.out, " steps and 1 preemption ("));
  CHECK(has(sh.out, "shrunk trace: raw.shrunk.trace.json"));
  REQUIRE(fs::exists(dir / "raw.shrunk.trace.json"));
  Cli rep = run(dir, "replay raw.shrunk.trace.json");
  CHECK(rep.code == 1);
  CHECK(has(rep.out, "the same verdict as recorded: violation of torn-read"));

  Cli auto_shrunk = run(dir, "run '" + file + "' --strategy dpor --trace-out auto.trace.json");
  CHECK(auto_shrunk.code == 1);
  CHECK(has(auto_shrunk.out, "\n  shrunk from "));
  CHECK(has(auto_shrunk.out, " steps and 1 preemption ("));
  Trace a = load_trace((dir / "auto.trace.json").string());
  Trace b = load_trace((dir / "raw.shrunk.trace.json").string());
  CHECK(a.schedule == b.schedule);

  Cli missing = run(dir, "shrink nothing.json");
  CHECK(missing.code == 2);
  CHECK(has(missing.err, "nothing.json: cannot open the file"));
}

namespace {

// 8 threads of 64 operations each: a random execution breaks the step bound
// at 10000 steps, and shrinking it has hundreds of operations to remove.
// The time bounds leave room for starting the process and reading and
// writing the trace, which the sanitized build (scripts/sanitize) does
// several times slower.
#if defined(INTERLEAVE_ASAN)
constexpr double kSlack = 3;
#else
constexpr double kSlack = 1;
#endif

std::string heavy_scenario() {
  json sc = json::parse(R"({"name": "heavy", "model": "linux-2.4.0", "filesystem": "ext2",
    "geometry": {"page_size": 4, "block_size": 2, "pages": 2, "copy_chunk": 4},
    "file": {"content": "AAAAAAAA", "cached": [0, 1]},
    "memory": [{"name": "src", "kind": "anonymous", "content": "BBBBBBBB"},
               {"name": "dst", "kind": "anonymous", "length": 8}],
    "invariants": ["torn-read"]})");
  for (int i = 0; i < 4; ++i)
    for (const char* op : {"pwrite", "pread"}) {
      json t = {{"name", std::string(op) + std::to_string(i)}, {"ops", json::array()}};
      for (int k = 0; k < 64; ++k) t["ops"].push_back({{"op", op}, {"buf", op[1] == 'w' ? "src" : "dst"}, {"offset", 0}});
      sc["threads"].push_back(t);
    }
  return sc.dump();
}

// Seconds a command took, and the largest resident set of any child so far.
double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long peak_child_kib() {
  rusage u{};
  ::getrusage(RUSAGE_CHILDREN, &u);
  return u.ru_maxrss;
}

}  // namespace

TEST_CASE("shrink: a run's --time-limit bounds its shrinking too, and shrinking a long trace holds little memory") {
  // It took 26 s and 4 GB: shrinking ran after the search with its own 10 s,
  // and each pass made all its candidates first, a copy of the scenario and
  // the schedule each, before it looked at the clock.
  const fs::path dir = workdir("heavy", "shrink");
  write(dir / "heavy.json", heavy_scenario());
  Cli r;
  const double run_s = seconds_of([&] {
    r = run(dir, "run --no-progress --strategy random --seed 1 --time-limit 2 --trace-out t.json heavy.json");
  });
  CHECK(r.code == 1);
  CHECK(has(r.out, "stopped by its budget"));
  // Before the fix, shrinking alone took 26 s.
  CHECK(run_s < 5 * kSlack);
  const double shrink_s = seconds_of([&] { r = run(dir, "shrink --time-limit 1 t.json -o small.json"); });
  CHECK(r.code == 1);
  CHECK(shrink_s < 4 * kSlack);
  CHECK(peak_child_kib() < 512 * 1024);
}

TEST_CASE("shrink: matrix's --time-limit bounds each cell's shrinking too") {
  // matrix shrank every violation with shrinking's own 10 s whatever its
  // --time-limit: one cell of this scenario took 12 s with --time-limit 2.
  const fs::path dir = workdir("heavy-matrix", "shrink");
  write(dir / "heavy.json", heavy_scenario());
  Cli r;
  const double matrix_s = seconds_of([&] {
    r = run(dir, "matrix --no-progress --no-trace --strategy random --seed 1 --time-limit 2 "
                 "--variants linux-2.4.0 heavy.json");
  });
  CHECK(r.code == 0);  // no expectation stated: a violation is reported, not judged
  CHECK(has(r.out, "livelock, "));  // 8 threads of 64 calls outrun --max-steps
  CHECK(matrix_s < 5 * kSlack);
}

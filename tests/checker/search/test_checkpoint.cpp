// Checkpoints (checker/search/checkpoint.hpp, checker/search/resumable.hpp): a search
// stopped part-way (by a budget, by the stop flag, or by the checkpoint
// interval itself) and resumed from its file, as often as it takes, explores
// exactly what one uninterrupted search explores: the same executions,
// complete and sleep-set blocked counts, steps, outcomes, verdict and failing
// execution; with 1 and 2 workers; for dfs, dpor, pb, db, random and pct.
// And resuming with something else is refused.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/search/checkpoint.hpp"
#include "checker/io/input_error.hpp"
#include "checker/search/interrupt.hpp"
#include "checker/search/resumable.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/strategies/dfs.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/scratch.hpp"

using namespace checker;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  return checker::testing::scratch_dir("checkpoint", name);
}

Scenario example_scenario(const fs::path& dir, const std::string& name, const std::string& model,
                          const std::string& params) {
  const fs::path file = dir / (name + ".json");
  std::ofstream(file) << R"({"name": ")" << name << R"(", "model": ")" << model << R"(", "params": )" << params
                      << "}\n";
  return load_scenario(file.string());
}

ExploreSettings settings_for(const std::string& strategy, unsigned jobs) {
  ExploreSettings s;
  s.strategy = strategy;
  s.jobs = jobs;
  return effective_settings(s);
}

void same(const ExploreResult& a, const ExploreResult& b) {
  CHECK(to_string(a.status) == std::string(to_string(b.status)));
  CHECK(a.executions == b.executions);
  CHECK(a.blocked == b.blocked);
  CHECK(a.steps == b.steps);
  CHECK(a.depth == b.depth);
  CHECK(a.complete == b.complete);
  CHECK(a.outcomes == b.outcomes);
  CHECK(a.search == b.search);
  REQUIRE(a.failures.size() == b.failures.size());
  for (std::size_t i = 0; i < a.failures.size(); ++i) {
    CHECK(a.failures[i].execution == b.failures[i].execution);
    CHECK(a.failures[i].schedule == b.failures[i].schedule);
    CHECK(same_verdict(a.failures[i].verdict, b.failures[i].verdict));
  }
  CHECK(a.replay.history.size() == b.replay.history.size());
}

// Runs the search in slices of `slice` executions, each from the last one's
// checkpoint file; returns the last result and how many slices it took.
ExploreResult in_slices(const Scenario& s, ExploreSettings settings, std::uint64_t slice, const fs::path& file,
                        int* slices) {
  settings.max_executions = slice;
  CheckpointOptions c;
  c.save = file.string();
  ResumeInfo info;
  ExploreResult r = run_resumable(s, settings, c, {}, &info);
  *slices = 1;
  c.save.clear();
  c.resume = file.string();
  // Until the checkpoint says the search is over: with 2 workers a slice may
  // find a violation while subtrees before it are still unexplored.
  while (!info.finished && *slices < 10000) {
    CHECK(r.status != ExploreResult::Status::pass);
    r = run_resumable(s, settings, c, {}, &info);
    ++*slices;
  }
  return r;
}

struct ResumeCase {
  const char* what;
  const char* file;  // a scenario file, or "" for the example below
  const char* model;
  const char* params;
};

const std::vector<ResumeCase> kResumeCases = {
    {"a late torn read (seed)", "scenarios/seed/torn-read-half-copied-page.json", "", ""},
    {"a passing page-cache scenario", "scenarios/seed/control-write-then-read.json", "", ""},
    {"a variant", "scenarios/variants/reader-vs-growing-write.json", "", ""},
    {"a mutex program", "", "example:locked-counter", R"({"threads": 3, "increments": 1})"},
    {"a late SCTBench bug", "", "example:reorder_5", "{}"},
};

}  // namespace

TEST_CASE("checkpoint: a search resumed slice by slice from its file is the uninterrupted search") {
  const fs::path dir = scratch("slices");
  for (const ResumeCase& k : kResumeCases) {
    const Scenario s = *k.file ? load_scenario(checker::testing::source(k.file)) : example_scenario(dir, "example", k.model, k.params);
    for (const char* strategy : {"dfs", "dpor", "pb", "db"}) {
      for (unsigned jobs : {1u, 2u}) {
        CAPTURE(k.what);
        CAPTURE(strategy);
        CAPTURE(jobs);
        const ExploreSettings settings = settings_for(strategy, jobs);
        const ExploreResult whole = run_scenario(s, settings);
        REQUIRE(whole.executions > 3);
        int slices = 0;
        // About seven slices, whatever the size of the search.
        const std::uint64_t slice = std::max<std::uint64_t>(1, whole.executions / 7);
        const ExploreResult resumed = in_slices(s, settings, slice, dir / "c.json", &slices);
        CHECK(slices > 1);
        same(resumed, whole);
      }
    }
  }
}

TEST_CASE("checkpoint: its size is bounded by what is left of the search, not by how often it was resumed") {
  // Every execution has an outcome of its own (the order of 12 steps):
  // 369600 of them, past the 100000 a search keeps. Each resume used to add
  // its pieces with their outcomes, about 10 MB a cycle for such a search.
  const fs::path dir = scratch("size");
  const Scenario s = example_scenario(dir, "steps", "example:steps", R"({"threads": 4, "steps": 3})");
  ExploreSettings settings = settings_for("dfs", 2);
  const ExploreResult whole = run_scenario(s, settings);
  REQUIRE(whole.outcomes_truncated);
  settings.max_executions = 25000;
  CheckpointOptions c;
  c.save = (dir / "c.json").string();
  ResumeInfo info;
  ExploreResult r = run_resumable(s, settings, c, {}, &info);
  c.save.clear();
  c.resume = (dir / "c.json").string();
  std::vector<std::uintmax_t> sizes = {fs::file_size(dir / "c.json")};
  // The pieces left are at most one more than the frontier's subtrees and
  // the failures (split_tree.cpp, compact): bounded by the frontier.
  auto pieces_bounded = [&] {
    const Checkpoint k = load_checkpoint(c.resume, s);
    std::size_t failures = 0;
    for (const TreePiece& p : k.tree.pieces) failures += p.failures.size();
    CHECK(k.tree.pieces.size() <= k.tree.frontier.size() + failures + 1);
  };
  while (!info.finished && sizes.size() < 100) {
    r = run_resumable(s, settings, c, {}, &info);
    sizes.push_back(fs::file_size(dir / "c.json"));
    pieces_bounded();
  }
  std::string sizes_text;
  for (std::uintmax_t n : sizes) sizes_text += std::to_string(n) + " ";
  CAPTURE(sizes_text);
  REQUIRE(sizes.size() > 10);
  // Past the first 100000 outcomes (four slices) it grows no more.
  for (std::size_t i = 5; i < sizes.size(); ++i) CHECK(sizes[i] < sizes[4] * 5 / 4);
  CHECK(r.executions == whole.executions);
  CHECK(r.steps == whole.steps);
  CHECK(r.depth == whole.depth);
  CHECK(r.complete == whole.complete);
  CHECK(r.outcomes_truncated);
  CHECK(r.outcomes.size() == whole.outcomes.size());
}

TEST_CASE("checkpoint: one over the 64 MiB a scenario may have is written and resumed") {
  // --resume read at most 64 MiB, what a scenario or a trace may have, so a
  // search whose checkpoint grew past it was lost. A checkpoint of a search
  // with long outcomes (a file of tens of kilobytes is in every one) is
  // written here from a real one, with such outcomes added to its first
  // piece: it must load, whole.
  const fs::path dir = scratch("large");
  const Scenario s = load_scenario(checker::testing::source("scenarios/seed/torn-read-half-copied-page.json"));
  ExploreSettings settings = settings_for("dfs", 1);
  settings.max_executions = 5;
  CheckpointOptions c;
  c.save = (dir / "c.json").string();
  ResumeInfo info;
  run_resumable(s, settings, c, {}, &info);
  REQUIRE(!info.finished);
  Checkpoint k = load_checkpoint(c.save, s);
  REQUIRE(!k.tree.pieces.empty());
  const std::size_t before = k.tree.pieces.front().outcomes.size();
  for (int i = 0; i < 1100; ++i)
    k.tree.pieces.front().outcomes.insert("~" + std::to_string(100000 + i) + std::string(64 * 1024, 'x'));
  write_checkpoint(k, c.save);
  REQUIRE(fs::file_size(c.save) > (std::uintmax_t{64} << 20));
  const Checkpoint back = load_checkpoint(c.save, s);
  CHECK(back.tree.pieces.front().outcomes.size() == before + 1100);
  CHECK(back.tree.frontier == k.tree.frontier);
}

TEST_CASE("checkpoint: saving every few milliseconds (a stop and resume in the process each time) changes nothing") {
  const fs::path dir = scratch("pauses");
  const Scenario s = load_scenario(checker::testing::source("scenarios/seed/torn-read-half-copied-page.json"));
  for (const char* strategy : {"dfs", "dpor", "auto", "pb"}) {
    for (unsigned jobs : {1u, 2u}) {
      CAPTURE(strategy);
      CAPTURE(jobs);
      const ExploreSettings settings = settings_for(strategy, jobs);
      const ExploreResult whole = run_scenario(s, settings);
      CheckpointOptions c;
      c.save = (dir / "c.json").string();
      c.every_s = 0.002;
      const ExploreResult paused = run_resumable(s, settings, c);
      same(paused, whole);
      CHECK(!paused.interrupted);
      // The last save is of the finished search: resuming it reports the same.
      CheckpointOptions again;
      again.resume = c.save;
      same(run_resumable(s, settings, again), whole);
    }
  }
}

TEST_CASE("checkpoint: random and PCT searches cut by a time limit and resumed until done are the uninterrupted search") {
  const fs::path dir = scratch("indexed");
  for (const char* file : {"scenarios/seed/control-write-then-read.json", "scenarios/examples/abba.json"}) {
    const Scenario s = load_scenario(checker::testing::source(file));
    for (const char* strategy : {"random", "pct"}) {
      for (unsigned jobs : {1u, 2u}) {
        CAPTURE(file);
        CAPTURE(strategy);
        CAPTURE(jobs);
        ExploreSettings settings = settings_for(strategy, jobs);
        settings.max_executions = 6000;
        settings.seed = 3;
        const ExploreResult whole = run_scenario(s, settings);
        ExploreSettings sliced = settings;
        sliced.time_limit_s = 0.01;  // per process: each call runs about 10 ms of it
        CheckpointOptions c;
        c.save = (dir / "c.json").string();
        c.every_s = 0.003;  // and saves (stops and resumes) within that
        ResumeInfo info;
        ExploreResult r = run_resumable(s, sliced, c, {}, &info);
        c.save.clear();
        c.resume = (dir / "c.json").string();
        int calls = 1;
        while (!info.finished && calls < 100000) {
          r = run_resumable(s, sliced, c, {}, &info);
          ++calls;
        }
        same(r, whole);
        CHECK(r.budget == whole.budget);
        if (whole.failures.empty()) CHECK(calls > 1);  // the search did go through its file
      }
    }
  }
}

TEST_CASE("checkpoint: the stop flag ends a search at once, interrupted, and the checkpoint resumes it") {
  const fs::path dir = scratch("flag");
  const Scenario s = load_scenario(checker::testing::source("scenarios/seed/torn-read-half-copied-page.json"));
  const ExploreSettings settings = settings_for("dfs", 2);
  CheckpointOptions c;
  c.save = (dir / "c.json").string();
  request_interrupt();
  const ExploreResult stopped = run_resumable(s, settings, c);
  clear_interrupt();
  CHECK(stopped.interrupted);
  CHECK(stopped.status == ExploreResult::Status::inconclusive);
  CHECK(stopped.budget.find("interrupted by a stop request") != std::string::npos);
  CheckpointOptions resume;
  resume.resume = c.save;
  same(run_resumable(s, settings, resume), run_scenario(s, settings));
}

TEST_CASE("checkpoint: run_scenario stops at the stop flag too, for every strategy") {
  const Scenario s = load_scenario(checker::testing::source("scenarios/seed/torn-read-half-copied-page.json"));
  for (const char* strategy : {"dfs", "dpor", "auto", "pb", "db", "pct", "random"}) {
    for (unsigned jobs : {1u, 2u}) {
      CAPTURE(strategy);
      CAPTURE(jobs);
      request_interrupt(2);
      const ExploreResult r = run_scenario(s, settings_for(strategy, jobs));
      clear_interrupt();
      CHECK(r.interrupted);
      CHECK(r.status == ExploreResult::Status::inconclusive);
      CHECK(r.executions == 0);
      CHECK(r.budget == "interrupted by SIGINT before the search was complete");
    }
  }
}

TEST_CASE("checkpoint: DfsStrategy::remaining lists the subtrees left, and they hold the rest of the search") {
  const fs::path dir = scratch("remaining");
  const Scenario s = example_scenario(dir, "counter", "example:locked-counter", R"({"threads": 3, "increments": 1})");
  auto count = [&](const Path& root, bool whole) {
    auto program = make_program(s);
    sim::StackPool stacks;
    DfsStrategy dfs;
    if (!whole) dfs.set_root(root);
    ExploreOptions o;
    return explore(*program, dfs, stacks, o).executions;
  };
  const std::uint64_t all = count({}, true);
  auto program = make_program(s);
  sim::StackPool stacks;
  DfsStrategy dfs;
  ExploreOptions o;
  o.max_executions = all / 3;
  const std::uint64_t first = explore(*program, dfs, stacks, o).executions;
  std::vector<Path> left;
  dfs.remaining(left);
  REQUIRE(!left.empty());
  CHECK(std::is_sorted(left.begin(), left.end()));
  std::uint64_t rest = 0;
  for (const Path& p : left) rest += count(p, false);
  CHECK(first + rest == all);
}

TEST_CASE("checkpoint: a resume with another scenario, other settings, a bad file or a strategy that cannot be "
          "checkpointed is refused, naming what differs") {
  const fs::path dir = scratch("refused");
  const Scenario s = load_scenario(checker::testing::source("scenarios/seed/torn-read-half-copied-page.json"));
  const Scenario other = load_scenario(checker::testing::source("scenarios/seed/torn-read-across-pages.json"));
  ExploreSettings settings = settings_for("dfs", 1);
  settings.max_executions = 10;
  CheckpointOptions save;
  save.save = (dir / "c.json").string();
  run_resumable(s, settings, save);
  CheckpointOptions resume;
  resume.resume = save.save;
  auto refused_at = [&](const Scenario& sc, const ExploreSettings& st) -> std::string {
    try {
      run_resumable(sc, st, resume);
    } catch (const InputError& e) {
      CHECK(e.file() == resume.resume);
      return e.path();
    }
    return "(not refused)";
  };
  CHECK(refused_at(other, settings) == "/scenario_hash");
  CHECK(refused_at(s, settings_for("dpor", 1)) == "/settings/strategy");
  ExploreSettings steps = settings;
  steps.max_steps = 77;
  CHECK(refused_at(s, steps) == "/settings/max_steps");

  std::ofstream(dir / "bad.json") << R"({"format": "interleave-checkpoint", "version": 2, "scenario_hash": "x",
    "settings": {"strategy": "dfs"}, "kind": "tree", "tree": {"pieces": [], "frontier": [[0, "one"]]}})";
  resume.resume = (dir / "bad.json").string();
  CHECK(refused_at(s, settings) == "/tree/frontier/0/1");
  std::ofstream(dir / "trace.json") << R"({"format": "interleave-trace"})";
  resume.resume = (dir / "trace.json").string();
  CHECK(refused_at(s, settings) == "/format");

  // A random search is its executions 0 .. max_executions - 1: another length is another search.
  ExploreSettings random = settings_for("random", 1);
  random.max_executions = 50;
  resume.resume = (dir / "random.json").string();
  CheckpointOptions save_random;
  save_random.save = resume.resume;
  run_resumable(s, random, save_random);
  ExploreSettings longer = random;
  longer.max_executions = 60;
  CHECK(refused_at(s, longer) == "/settings/max_executions");
  ExploreSettings budgeted = settings_for("auto", 1);
  budgeted.max_executions = 100;
  CHECK_THROWS_AS(run_resumable(s, budgeted, save), InputError);
}

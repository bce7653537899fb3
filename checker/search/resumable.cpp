#include "checker/search/resumable.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "checker/search/checkpoint.hpp"
#include "checker/search/conditions.hpp"
#include "checker/io/input_error.hpp"
#include "checker/search/interrupt.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/settings.hpp"
#include "checker/search/workers.hpp"
#include "checker/scenario/model.hpp"
#include "checker/search/split.hpp"
#include "checker/strategies/auto.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

namespace {

using split::Clock;

// The stop flag's value for "time to save": not a signal.
constexpr int kPause = -2;

using split::seconds_since;
using split::execution_budget_text;
using split::time_budget_text;

void add_outcomes(std::set<std::string>& to, bool& truncated, const std::set<std::string>& from, std::size_t max) {
  for (const std::string& o : from) add_outcome(to, truncated, o, max);
}

// What auto's phases did, from its checkpoint's state (strategies/auto.hpp).
AutoPhases auto_phases(const ExploreSettings& settings, const DporState& st, bool complete) {
  AutoPhases p;
  p.depth = settings.pct_depth;
  p.seed = settings.seed;
  p.hunt = st.hunt;
  // DPOR followed the hunt when the hunt found nothing (a checkpointed search stops at its first failure).
  p.hunt_over = st.hunt > 0 && (st.failures.empty() || st.failures.front().execution > st.hunt);
  p.dpor = st.executions - st.hunt;
  p.dpor_complete = complete;
  return p;
}

// One segment of a DPOR search (one worker) from `st`, which it moves on;
// then the result of the whole search so far.
ExploreResult dpor_segment(const Scenario& s, const ExploreSettings& settings, DporState& st, bool finished,
                           const ExploreOptions& opts) {
  auto program = make_program(s);
  sim::StackPool stacks;
  ExploreResult seg;
  // auto: its bug hunt first (strategies/auto.hpp), on one worker, whole: only
  // a signal stops it (not the checkpoint interval), and a hunt that a signal
  // stopped is not recorded, so that a resumed search runs it again from its
  // start. Its executions are the first of the search's.
  const std::uint64_t hunt = settings.strategy == "auto" ? auto_hunt_executions(opts.max_executions) : 0;
  if (!finished && !st.started && st.executions == 0 && hunt > 0) {
    ExploreSettings pct = settings;
    pct.strategy = "pct";
    ExploreOptions o = opts;
    o.max_executions = hunt;
    o.time_limit_s = auto_hunt_seconds(opts.time_limit_s);
    o.verify_failure = false;  // settled below, on the whole search
    o.stop = &interrupt_flag();
    ExploreResult h = split::explore_indexed(1, [&s] { return make_program(s); }, pct, o);
    if (h.status == ExploreResult::Status::nondeterminism) return h;
    if (h.interrupted && h.failures.empty()) {  // not recorded: the resumed search runs the hunt again
      AutoPhases p = auto_phases(settings, st, false);
      p.hunt = h.executions;
      h.search = auto_summary(p);
      return h;
    }
    st.hunt = h.executions;
    for (Failure f : h.failures) {
      f.search = auto_hunt_position(settings.pct_depth);
      st.failures.push_back(std::move(f));
    }
    st.executions = h.executions;
    st.blocked = h.blocked;
    st.steps = h.steps;
    st.depth = h.depth;
    add_outcomes(st.outcomes, st.outcomes_truncated, h.outcomes, opts.max_outcomes);
    st.outcomes_truncated |= h.outcomes_truncated;
    if (!st.failures.empty()) finished = true;
  }
  if (!finished) {
    DporStrategy dpor;
    if (st.started) dpor.restore(st.strategy);
    ExploreOptions o = opts;
    o.verify_failure = false;  // settled below, on the whole search
    seg = explore(*program, dpor, stacks, o);
    if (seg.status == ExploreResult::Status::nondeterminism) return seg;
    if (st.started || seg.executions > 0) {  // a segment stopped before its first execution left nothing
      st.started = true;
      st.strategy = dpor.snapshot();
    }
    for (Failure f : seg.failures) {
      f.execution += st.executions;
      if (st.hunt > 0) f.search = auto_dpor_position();
      st.failures.push_back(std::move(f));
    }
    st.executions += seg.executions;
    st.blocked += seg.blocked;
    st.steps += seg.steps;
    st.depth = std::max(st.depth, seg.depth);
    add_outcomes(st.outcomes, st.outcomes_truncated, seg.outcomes, opts.max_outcomes);
    st.outcomes_truncated |= seg.outcomes_truncated;
  }
  ExploreResult res;
  res.executions = st.executions;
  res.blocked = st.blocked;
  res.steps = st.steps;
  res.depth = st.depth;
  res.outcomes = st.outcomes;
  res.outcomes_truncated = st.outcomes_truncated;
  res.failures = st.failures;
  res.complete = st.strategy.done && st.failures.empty();
  res.interrupted = seg.interrupted;
  res.budget = seg.budget;
  settle(res, false, *program, stacks, opts);
  if (settings.strategy == "auto") res.search = auto_summary(auto_phases(settings, st, res.complete));
  return res;
}

// Executions a bounded search has run: its finished iterations and the pieces of the current one.
std::uint64_t bounded_explored(const BoundedState& b) {
  std::uint64_t n = b.executions;
  for (const TreePiece& p : b.tree.pieces) n += p.executions;
  return n;
}

bool finished(const Checkpoint& c, const ExploreResult& r) {
  if (r.status == ExploreResult::Status::nondeterminism || r.status == ExploreResult::Status::internal_error)
    return false;  // nothing to resume: the error comes again
  if (c.kind == "tree") return c.tree.started && c.tree.frontier.empty();
  if (c.kind == "bounded") return c.bounded.done;
  if (c.kind == "indexed")
    return !c.indexed.failures.empty() ||
           (c.settings.max_executions != 0 && c.indexed.next >= c.settings.max_executions);
  return c.dpor.strategy.done || !c.dpor.failures.empty();
}

}  // namespace

ExploreResult run_resumable(const Scenario& s, const ExploreSettings& settings, const CheckpointOptions& c,
                            std::function<void(const Progress&)> progress, ResumeInfo* info) {
  std::string why;
  const std::string kind = checkpoint_kind(settings, &why);
  if (kind.empty()) throw InputError("", why);
  if (!(c.every_s > 0)) throw InputError("", "--checkpoint-every must be a positive number of seconds");
  Checkpoint cp;
  if (!c.resume.empty()) {
    cp = load_checkpoint(c.resume, s);
    check_resumable(cp, c.resume, s, settings);
  } else {
    cp.kind = kind;
  }
  cp.scenario_file = s.file;
  cp.scenario_name = s.name;
  cp.scenario_hash = scenario_hash(s);
  cp.settings = settings;
  const std::string save_to = c.save.empty() ? c.resume : c.save;
  const unsigned jobs = settings.jobs == 0 ? default_jobs() : settings.jobs;
  if (kind == "dpor" && jobs > 1 && info)
    info->note = "with --checkpoint or --resume, " + settings.strategy +
            " runs on one worker: a DPOR search split among workers cannot be stopped and resumed exactly";

  const auto start = Clock::now();
  const double elapsed_before = cp.elapsed_s;
  std::uint64_t ran_here = 0;  // executions this process ran (its budgets)
  std::atomic<int> stop{0};
  ExploreResult res;
  for (;;) {
    ExploreOptions opts = explore_options(settings);
    opts.stop = &stop;
    // A budget of executions applies to each process; but a random or PCT
    // search is its executions 0 .. max_executions - 1, wherever they run.
    if (settings.max_executions != 0 && kind != "indexed") opts.max_executions = settings.max_executions - ran_here;
    if (settings.time_limit_s > 0) opts.time_limit_s = std::max(settings.time_limit_s - seconds_since(start), 1e-9);
    const std::uint64_t before = res.executions;
    if (progress)
      opts.progress = [&, before](const Progress& p) {
        Progress q = p;
        q.executions += before;
        q.elapsed_s = elapsed_before + seconds_since(start);
        progress(q);
      };
    // The watcher: a signal, or the interval, stops the segment between executions.
    stop = 0;
    std::atomic<bool> over{false};
    const auto segment_start = Clock::now();
    std::thread watcher([&] {
      while (!over.load()) {
        if (const int sig = interrupt_flag().load()) {
          stop = sig;
          return;
        }
        if (seconds_since(segment_start) >= c.every_s) {
          stop = kPause;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    const std::uint64_t total_before = kind == "tree" ? 0 : cp.dpor.executions;
    if (kind == "tree") {
      std::uint64_t explored_before = 0;
      for (const TreePiece& p : cp.tree.pieces) explored_before += p.executions;
      res = explore_tree_resumable([&s] { return make_program(s); }, settings, opts, jobs, cp.tree);
      std::uint64_t explored = 0;
      for (const TreePiece& p : cp.tree.pieces) explored += p.executions;
      ran_here += explored - explored_before;
    } else if (kind == "bounded") {
      const std::uint64_t before_here = bounded_explored(cp.bounded);
      res = explore_bounded_resumable([&s] { return make_program(s); }, settings, opts, jobs, cp.bounded);
      ran_here += bounded_explored(cp.bounded) - before_here;
    } else if (kind == "indexed") {
      const std::uint64_t before_here = cp.indexed.executions;
      if (cp.finished) opts.max_executions = cp.indexed.next;  // nothing more to run
      res = explore_indexed_resumable([&s] { return make_program(s); }, settings, opts, jobs, cp.indexed);
      ran_here += cp.indexed.executions - before_here;
    } else {
      res = dpor_segment(s, settings, cp.dpor, cp.finished, opts);
      ran_here += cp.dpor.executions - total_before;
    }
    over = true;
    watcher.join();
    const bool paused = res.interrupted && stop.load() == kPause;
    cp.finished = finished(cp, res);
    cp.elapsed_s = elapsed_before + seconds_since(start);
    if (!save_to.empty() && res.status != ExploreResult::Status::nondeterminism &&
        res.status != ExploreResult::Status::internal_error)
      write_checkpoint(cp, save_to);
    if (paused && !cp.finished) continue;
    if (paused) {  // the pause came as the search ended: it is not an interruption
      res.interrupted = false;
      res.budget.clear();
    }
    break;
  }
  // A budget that ran out speaks of the budget given, not of a segment's share.
  if (kind != "indexed" && !res.interrupted && !res.complete && res.failures.empty() && !res.budget.empty() &&
      !cp.finished) {
    if (settings.max_executions != 0 && ran_here >= settings.max_executions)
      res.budget = execution_budget_text(settings.max_executions);
    else if (settings.time_limit_s > 0)
      res.budget = time_budget_text(settings.time_limit_s);
  }
  // A random or PCT search that ran all its executions ran out of them, even
  // when its last segment's time ran out at the same moment (the workers look
  // at the clock before they look for the next execution).
  if (kind == "indexed" && cp.finished && res.failures.empty() && settings.max_executions != 0 &&
      cp.indexed.next >= settings.max_executions)
    res.budget = execution_budget_text(settings.max_executions);
  res.elapsed_s = cp.elapsed_s;
  if (info) info->finished = cp.finished;
  judge_exists_conditions(s, res);
  return res;
}

}  // namespace checker

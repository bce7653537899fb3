#include "checker/search/explorer.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <iterator>

#include "checker/search/interrupt.hpp"
#include "checker/strategies/replay.hpp"
#include "checker/strategies/search.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

const char* to_string(ExploreResult::Status s) {
  switch (s) {
    case ExploreResult::Status::pass: return "pass";
    case ExploreResult::Status::violation: return "violation";
    case ExploreResult::Status::inconclusive: return "inconclusive";
    case ExploreResult::Status::nondeterminism: return "nondeterminism";
    case ExploreResult::Status::internal_error: return "internal-error";
  }
  return "?";
}

std::string invariant_of(const sim::Verdict& v) {
  if (!v.invariant.empty()) return v.invariant;
  switch (v.kind) {
    case sim::Verdict::Kind::deadlock: return "deadlock";
    case sim::Verdict::Kind::livelock_suspect: return "livelock";
    case sim::Verdict::Kind::internal_error: return "internal-error";
    case sim::Verdict::Kind::aborted: return "aborted";
    default: return {};
  }
}

bool same_verdict(const sim::Verdict& a, const sim::Verdict& b) {
  return a.kind == b.kind && a.invariant == b.invariant && a.thread == b.thread &&
         a.step == b.step && a.message == b.message && a.cycle == b.cycle &&
         a.self_deadlock == b.self_deadlock;
}

namespace {

sim::Verdict setup_error(const std::exception& e) {
  sim::Verdict v;
  v.kind = sim::Verdict::Kind::internal_error;
  v.invariant = "internal-error";
  v.message = std::string("the model threw outside its threads (setup, run or end checks): ") + e.what();
  return v;
}

std::string verdict_line(const sim::Verdict& v) {
  std::string s = sim::to_string(v.kind);
  if (!invariant_of(v).empty() && invariant_of(v) != s) s += " " + invariant_of(v);
  s += " at step " + std::to_string(v.step);
  std::string first = v.message.substr(0, v.message.find('\n'));
  if (!first.empty()) s += ": " + first;
  return s;
}

}  // namespace

void add_outcome(std::set<std::string>& outcomes, bool& truncated, std::string o, std::size_t max) {
  if (outcomes.count(o)) return;
  if (outcomes.size() < max) {
    outcomes.insert(std::move(o));
    return;
  }
  truncated = true;
  if (max > 0 && o < *outcomes.rbegin()) {
    outcomes.erase(std::prev(outcomes.end()));
    outcomes.insert(std::move(o));
  }
}

Replayed replay(models::Program& program, const sim::Schedule& schedule, sim::StackPool& stacks,
                std::uint64_t max_steps) {
  Replayed r;
  ReplayStrategy strategy(schedule);
  sim::Execution ex(stacks);
  try {
    program.setup(ex);
  } catch (const std::exception& e) {
    r.verdict = setup_error(e);
    r.fits = false;
    r.misfit = r.verdict.message;
    return r;
  }
  sim::ExecutionOptions eo;
  eo.max_steps = max_steps;
  eo.history = true;
  const sim::Verdict& run_verdict = ex.run(strategy, eo);
  r.verdict = run_verdict.failed() ? run_verdict : program.check_end(ex);
  strategy.end_execution(ex);
  if (!r.verdict.failed()) r.outcome = program.outcome();
  r.schedule = ex.schedule();
  r.history = ex.history();
  for (sim::ThreadId t = 0; t < ex.thread_count(); ++t) r.thread_names.push_back(ex.thread_name(t));
  if (r.verdict.kind == sim::Verdict::Kind::aborted) {
    r.fits = false;
    r.misfit = r.verdict.message;
  } else if (!strategy.consumed_all()) {
    r.fits = false;
    r.misfit = "the execution ended after " + std::to_string(strategy.consumed()) + " of the " +
               std::to_string(schedule.size()) + " decisions in the schedule";
  }
  return r;
}

void settle(ExploreResult& res, bool bounded_out, models::Program& program, sim::StackPool& stacks,
            const ExploreOptions& opts) {
  if (res.complete && bounded_out && res.budget.empty())
    res.budget = "the search stopped at its maximum bound: " + res.search;
  if (res.failures.empty()) {
    res.status = res.complete && !bounded_out ? ExploreResult::Status::pass
                                              : ExploreResult::Status::inconclusive;
    return;
  }
  const Failure& first = res.failures.front();
  res.status = first.verdict.kind == sim::Verdict::Kind::internal_error
                   ? ExploreResult::Status::internal_error
                   : ExploreResult::Status::violation;
  if (first.verdict.kind == sim::Verdict::Kind::internal_error && first.schedule.empty())
    res.error = first.verdict.message;
  if (!opts.verify_failure) return;
  res.replay = replay(program, first.schedule, stacks, opts.max_steps);
  if (!res.replay.fits || !same_verdict(res.replay.verdict, first.verdict)) {
    res.status = ExploreResult::Status::nondeterminism;
    res.error = "nondeterminism in the model: execution " + std::to_string(first.execution) +
                " ended with " + verdict_line(first.verdict) +
                ", but the same decisions replayed ended with " +
                verdict_line(res.replay.verdict) +
                (res.replay.fits ? std::string() : " (" + res.replay.misfit + ")");
  }
}

std::string interrupted_text(int stop) {
  return "interrupted by " + interrupt_name(stop) + " before the search was complete";
}

ExploreResult explore(models::Program& program, sim::Strategy& strategy, sim::StackPool& stacks,
                      const ExploreOptions& opts) {
  using Clock = std::chrono::steady_clock;
  ExploreResult res;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  double next_progress = opts.progress_interval_s;
  sim::ExecutionOptions eo;
  eo.max_steps = opts.max_steps;
  eo.history = false;

  // The clock is read every kClockEvery executions: often enough for the time
  // budget and the progress line, rarely enough to cost nothing per execution.
  constexpr std::uint64_t kClockEvery = 16;
  // One execution, reset before each run: its buffers keep their capacity.
  sim::Execution ex(stacks);
  const bool timed = opts.time_limit_s > 0 || static_cast<bool>(opts.progress);
  double now = 0;
  SearchInfo* info = dynamic_cast<SearchInfo*>(&strategy);
  for (;;) {
    if (timed && res.executions % kClockEvery == 0) now = elapsed();
    if (opts.stop) {
      if (const int why = opts.stop->load(std::memory_order_relaxed)) {
        res.interrupted = true;
        res.budget = interrupted_text(why);
        break;
      }
    }
    if (opts.max_executions != 0 && res.executions >= opts.max_executions) {
      res.budget = "the execution budget (" + std::to_string(opts.max_executions) +
                   " executions, --max-executions) ran out";
      break;
    }
    if (opts.time_limit_s > 0 && now >= opts.time_limit_s) {
      char secs[32];
      std::snprintf(secs, sizeof secs, "%g", opts.time_limit_s);
      res.budget = std::string("the time budget (") + secs + " s, --time-limit) ran out";
      break;
    }
    if (opts.progress && now >= next_progress) {
      opts.progress(Progress{res.executions, res.steps, res.depth, now,
                             info ? info->estimate() : 0.0});
      next_progress = now + opts.progress_interval_s;
    }

    bool more = false;
    bool failed = false;
    {
      ex.reset();
      sim::Verdict end_verdict;
      const sim::Verdict* verdict = &end_verdict;
      try {
        program.setup(ex);
        const sim::Verdict& run_verdict = ex.run(strategy, eo);
        if (info) info->run_ended(ex);
        if (run_verdict.failed()) {
          verdict = &run_verdict;
        } else {
          end_verdict = program.check_end(ex);
        }
      } catch (const std::exception& e) {
        end_verdict = setup_error(e);
        verdict = &end_verdict;
      }
      ++res.executions;
      res.steps += ex.steps();
      if (ex.steps() > res.depth) res.depth = ex.steps();
      if (verdict->kind == sim::Verdict::Kind::aborted && info && info->pruned()) {
        ++res.blocked;  // stopped on purpose: nothing new lies behind it
      } else if (verdict->kind == sim::Verdict::Kind::aborted) {
        res.status = ExploreResult::Status::nondeterminism;
        res.error = verdict->message;
        res.elapsed_s = elapsed();
        if (info) res.search = info->summary(), res.states = info->states_kept();
        return res;
      } else if (verdict->failed()) {
        failed = true;
        res.failures.push_back(Failure{*verdict, ex.schedule(), res.executions,
                                       info ? info->position() : std::string()});
      } else if (opts.collect_outcomes) {
        add_outcome(res.outcomes, res.outcomes_truncated, program.outcome(), opts.max_outcomes);
      }
      more = strategy.end_execution(ex);
    }
    if (failed && opts.stop_at_first_failure) break;
    if (!more) {
      res.complete = true;
      break;
    }
  }
  res.elapsed_s = elapsed();
  if (info) res.search = info->summary(), res.states = info->states_kept();
  settle(res, info && info->bounded_out(), program, stacks, opts);
  return res;
}

}  // namespace checker

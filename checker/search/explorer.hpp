// Runs executions of a program one after another under a strategy (each from
// a fresh model state, on one reused stack pool), counts them, keeps to the
// budgets, stops at the first failure, and re-runs a failing schedule with
// history on through the replay strategy to check it fails the same way
// (cf. relacy: the fast runs keep no history).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "models/program.hpp"
#include "sim/execution.hpp"
#include "sim/schedule.hpp"
#include "sim/strategy.hpp"
#include "sim/verdict.hpp"

namespace sim {
class StackPool;
}

namespace checker {

struct Progress {
  std::uint64_t executions = 0;
  std::uint64_t steps = 0;
  std::uint64_t depth = 0;  // steps of the longest execution so far
  double elapsed_s = 0;
  double estimate = 0;      // executions of the whole search, as the strategy guesses; 0 unknown
};

struct ExploreOptions {
  std::uint64_t max_executions = 0;  // 0: no limit
  double time_limit_s = 0;           // 0: no limit
  std::uint64_t max_steps = 10000;   // per execution; past it: livelock suspect
  bool stop_at_first_failure = true;  // false: go on and collect every failure
  bool collect_outcomes = true;       // program.outcome() of every execution that passed
  std::size_t max_outcomes = 100000;  // distinct outcomes kept; past it, outcomes_truncated
  bool verify_failure = true;         // re-run the first failure with history, compare
  // Non-zero: stop before the next execution (checker/search/interrupt.hpp: a
  // signal's number). Every worker reads it; the result is then interrupted.
  const std::atomic<int>* stop = nullptr;
  // Called about every `progress_interval_s` seconds during the search.
  std::function<void(const Progress&)> progress;
  double progress_interval_s = 0.5;
};

// One failing execution: how it ended and the decisions that led there. Or,
// with execution 0, a failure of the whole search that no one execution shows
// (an exists condition that no execution makes true, search/conditions.hpp):
// no schedule, no trace.
struct Failure {
  sim::Verdict verdict;
  sim::Schedule schedule;
  std::uint64_t execution = 0;  // its number, from 1; 0: the whole search
  bool has_execution() const { return execution != 0; }
  std::string search;           // where the strategy stood: "preemption bound 1", ...; "" none
};

// One execution run again from a schedule, with history.
// Adds `o` to `outcomes`, keeping the `max` smallest (in the set's order)
// of all the outcomes added; past `max` distinct ones, `truncated`. The
// smallest rather than the first: which outcomes are kept is then the same
// whatever order workers, shards and resumed segments add them in.
void add_outcome(std::set<std::string>& outcomes, bool& truncated, std::string o, std::size_t max);

struct Replayed {
  sim::Verdict verdict;
  sim::Schedule schedule;  // the decisions it took (equal to the input when it fit)
  std::vector<sim::Event> history;
  std::vector<std::string> thread_names;  // by thread id, epilogue thread included
  std::string outcome;                    // when it ran to the end and passed
  bool fits = true;  // the schedule fit the model: no abort, every decision used
  std::string misfit;  // why not
};

struct ExploreResult {
  enum class Status {
    pass,            // the search was complete and nothing failed
    violation,       // some execution failed (violation, deadlock, livelock suspect)
    inconclusive,    // a budget ran out first (or the strategy cannot be complete)
    nondeterminism,  // the model gave different executions for the same decisions
    internal_error,  // the model threw
  };
  Status status = Status::pass;
  std::uint64_t executions = 0;
  std::uint64_t blocked = 0;  // of the executions: stopped early by the strategy (DPOR's
                              // sleep-set-blocked ones); the others ran to their end
  std::uint64_t steps = 0;
  std::uint64_t depth = 0;
  double elapsed_s = 0;
  bool complete = false;     // the strategy said there was nothing more to run
  std::uint64_t states = 0;  // the states the strategy kept (stateful); 0 stateless
  std::string search;        // the strategy's own summary ("preemption bound 1", ...); "" none
  std::string budget;        // inconclusive: what ran out, as a person reads it
  bool interrupted = false;  // opts.stop ended the search (budget says by what)
  std::vector<Failure> failures;  // the first failure, or all of them when going on
  Replayed replay;           // the first failure re-run with history (when verified)
  std::string error;         // nondeterminism / internal error: what happened
  std::set<std::string> outcomes;
  bool outcomes_truncated = false;  // more distinct outcomes than max_outcomes
};

const char* to_string(ExploreResult::Status s);

// The invariant a failed verdict broke, as scenarios and reports name it:
// "deadlock", "livelock", "kernel-bug", "torn-read", ...
std::string invariant_of(const sim::Verdict& v);

// The budget line of a search that `stop` ended: "interrupted by SIGINT".
std::string interrupted_text(int stop);

// The engine's loop.
ExploreResult explore(models::Program& program, sim::Strategy& strategy, sim::StackPool& stacks,
                      const ExploreOptions& opts);

// After a search: the status from the failures, completeness and the bound
// (a search that stopped at its maximum bound is inconclusive); the first
// failure re-run with history and compared (nondeterminism otherwise), when
// opts.verify_failure. explore() ends with it; so do split searches.
void settle(ExploreResult& res, bool bounded_out, models::Program& program, sim::StackPool& stacks,
            const ExploreOptions& opts);

// Runs `schedule` once through the replay strategy, with history on.
Replayed replay(models::Program& program, const sim::Schedule& schedule, sim::StackPool& stacks,
                std::uint64_t max_steps);

// Whether two verdicts are the same result (kind, invariant, thread, step, message).
bool same_verdict(const sim::Verdict& a, const sim::Verdict& b);

}  // namespace checker

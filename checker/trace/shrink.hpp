// Shrinking: from a failing trace to the smallest one found that still breaks
// the same invariant (cf. Lincheck's minimised scenarios, TLC's shortest
// counterexamples). It removes, while the failure stays:
//   - whole threads, operations, background agents (or some of an agent's
//     acts) and kinds of injected fault from the scenario embedded in the
//     trace; for a built-in example, it lowers its parameters;
//   - injected faults the schedule takes (a failing copy, an I/O error);
//   - preemptions (a switch away from a thread that could have gone on);
//   - steps.
// Each candidate is a scenario and a schedule, run by GuidedReplayStrategy:
// the schedule as far as it fits, then on deterministically without
// preempting. A candidate is kept when it fails the same way (the same
// invariant; for a deadlock, a self-deadlock stays one) and is smaller, in
// the order of TraceSize. The search is bounded by a number of runs and a
// time limit. The result is checked: its schedule replays exactly (through
// ReplayStrategy) to the same invariant; otherwise the input trace is kept.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/trace/trace.hpp"

namespace checker {

struct ShrinkOptions {
  std::uint64_t max_runs = 3000;  // candidate executions, at most
  double time_limit_s = 10;       // seconds, at most (0: no limit)
};

// What shrinking makes smaller, most important first (compared in this order).
struct TraceSize {
  std::size_t threads = 0;      // the scenario's threads (page-cache models)
  std::size_t operations = 0;   // their operations in all
  std::size_t agent_acts = 0;   // the agents' budgets in all
  std::size_t fault_kinds = 0;  // kinds of fault the scenario lets the search inject
  std::int64_t params = 0;      // built-in examples: the sum of the parameters given
  std::size_t faults = 0;       // injected faults the execution takes
  std::size_t preemptions = 0;  // switches away from a thread that was still enabled
  std::size_t steps = 0;        // steps of the run (its thread decisions)
  std::uint64_t values = 0;     // the sum of the other choice values (which page, which request)

  bool operator<(const TraceSize& o) const;
  bool operator==(const TraceSize& o) const = default;
};

// "23 steps and 3 preemptions", with ", 1 injected fault" when there are any.
std::string describe_size(const TraceSize& s);

struct ShrinkResult {
  Trace trace;                       // the smallest trace found (the input when none was smaller)
  TraceSize before, after;
  std::vector<std::string> removed;  // what left the scenario: "thread reader2", "agent 0 (reclaim)", ...
  std::vector<std::string> lowered;  // example parameters made smaller: "parameter steps by 2"
  std::uint64_t runs = 0;            // candidates run
  bool budget_ran_out = false;       // stopped by max_runs or the time limit
  std::string error;                 // the input does not replay to its own verdict: not shrunk

  bool shrunk() const { return before != after; }
};

// Shrinks a trace of a failing execution. Never throws for a bad candidate;
// `error` is set (and the input returned) when the input itself does not fail
// as recorded under this model.
ShrinkResult shrink(const Trace& t, const ShrinkOptions& o = {});

// The size of a trace's execution (runs it once), and when asked the steps at
// which a thread was preempted (the first step of the thread that preempted
// it). Throws std::runtime_error when the trace's schedule does not fit its
// scenario or does not fail as recorded.
TraceSize trace_size(const Trace& t, std::vector<std::uint64_t>* preempting_steps = nullptr);

// One line: "shrunk from 32 steps and 2 preemptions to 30 steps and 1 preemption
// (removed thread noise, agent kswapd; 312 runs)", or "already minimal (...)".
std::string shrink_summary(const ShrinkResult& r);

// Whether two failed verdicts are the same failure for shrinking: the same
// kind and invariant, and a self-deadlock stays a self-deadlock.
bool same_failure(const sim::Verdict& a, const sim::Verdict& b);

}  // namespace checker

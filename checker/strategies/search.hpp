// What a strategy can tell the explorer beyond sim::Strategy. Optional: the
// explorer asks for it with a dynamic_cast, once per search, so that the
// engine's interface stays the four calls of sim/strategy.hpp.
#pragma once

#include <cstdint>
#include <string>

namespace sim {
class Execution;
}

namespace checker {

class SearchInfo {
 public:
  virtual ~SearchInfo() = default;
  // The last execution was stopped on purpose with sim::kAbort because it can
  // lead nowhere new (DPOR: every enabled thread is in the sleep set). The
  // explorer counts it apart, keeps no outcome of it, and goes on; any other
  // abort is nondeterminism in the model.
  virtual bool pruned() const { return false; }
  // Where the search stands, for the report line of a violation or of the
  // end: "preemption bound 1", "3 complete, 2 sleep-set blocked". "" none.
  virtual std::string summary() const { return {}; }
  // Where the search stands now, for the line that reports a violation
  // ("found in execution 53 at preemption bound 1"); "" when nothing to say.
  virtual std::string position() const { return {}; }
  // An estimate of how many executions the whole search runs; 0 when the
  // strategy cannot give one (a random walk), for the progress line.
  virtual double estimate() const { return 0; }
  // True when the search ended because of a bound it was given (a maximum
  // preemption bound), not because it covered everything: the result is then
  // inconclusive, not a pass.
  virtual bool bounded_out() const { return false; }
  // Called by the explorer when an execution's run is over (before the
  // end-of-run checks, whose epilogue moves the daemons on): the threads'
  // last pending operations are still those of the run.
  virtual void run_ended(const sim::Execution&) {}
  // The states the search keeps (a stateful search's store); 0 for a
  // stateless one.
  virtual std::uint64_t states_kept() const { return 0; }
};

}  // namespace checker

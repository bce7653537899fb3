// What the checker explores: a program that builds fresh model state in an
// Execution, and says after the execution what it observably did.
#pragma once

#include <string>

#include "sim/execution.hpp"

namespace models {

class Program {
 public:
  virtual ~Program() = default;
  // Builds fresh state for one execution: the objects, the threads, the
  // checks that run at every step (Execution::set_step_check).
  virtual void setup(sim::Execution& ex) = 0;
  // After run() ended with every thread finished: the end-of-run checks. On
  // a violation, calls ex.fail() from inside an epilogue thread, or returns a
  // failed verdict. The default checks nothing more.
  virtual sim::Verdict check_end(sim::Execution& ex) { return ex.verdict(); }
  // What this execution observably did (what reads returned, what writes
  // returned, the final file contents), as one canonical line, for comparing
  // outcome sets. Called after check_end.
  virtual std::string outcome() const = 0;
};

}  // namespace models

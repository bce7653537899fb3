// Iterative preemption bounding (Musuvathi and Qadeer, "Iterative Context
// Bounding for Systematic Testing of Multithreaded Programs", PLDI 2007):
// every schedule with at most b preemptions, for b = 0, 1, 2, ... A
// preemption is a switch away from the thread that ran the last step while it
// could go on; a switch after it blocks or ends is free. Most concurrency
// bugs need very few preemptions, so this finds them after few executions,
// and says at which bound.
#pragma once

#include "checker/strategies/bounded_dfs.hpp"

namespace checker {

class PreemptionBounding final : public BoundedDfs {
 public:
  using BoundedDfs::BoundedDfs;
  const char* cost_name() const override { return "preemption"; }

 protected:
  // The running thread first (free), then every other enabled thread (one
  // preemption each); when the running thread cannot go on, all are free.
  void alternatives(std::span<const sim::ThreadId> enabled, const sim::Execution& ex,
                    std::vector<Alt>& out) const override;
};

}  // namespace checker

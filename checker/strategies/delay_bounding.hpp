// Iterative delay bounding (Emmi, Qadeer and Rakamaric, "Delay-Bounded
// Scheduling", POPL 2011): a deterministic round-robin scheduler runs the
// current thread until it blocks or ends, then the next enabled thread in
// thread order, cyclically; a delay skips the thread it would run. Every
// schedule with at most b delays, for b = 0, 1, 2, ...: fewer schedules per
// bound than preemption bounding, since skipping over k threads costs k.
#pragma once

#include "checker/strategies/bounded_dfs.hpp"

namespace checker {

class DelayBounding final : public BoundedDfs {
 public:
  using BoundedDfs::BoundedDfs;
  const char* cost_name() const override { return "delay"; }

 protected:
  // The enabled threads in round-robin order from the one the scheduler
  // would run (the running thread if it can go on, else the next after it);
  // the i-th costs i delays.
  void alternatives(std::span<const sim::ThreadId> enabled, const sim::Execution& ex,
                    std::vector<Alt>& out) const override;
};

}  // namespace checker

// Replays a schedule as far as it fits, then goes on deterministically: the
// strategy that shrinking runs its candidate schedules with. Where the
// recorded thread is not enabled, the schedule has run out, or the model asks
// for a fault value the schedule does not have, it does not stop (as
// ReplayStrategy does) but falls back: the thread that ran last when it is
// still enabled, else the lowest enabled thread (so no fallback ever preempts
// a thread), and value 0 (no fault). A value the model no longer asks for is
// skipped. It records what it did, decision by decision: the thread that ran
// before each thread decision and whether the choice preempted it, and the
// label of each value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/schedule.hpp"
#include "sim/strategy.hpp"

namespace checker {

class GuidedReplayStrategy final : public sim::Strategy {
 public:
  // One decision as taken, in the order of Execution::schedule().
  struct Taken {
    sim::ThreadId previous = sim::kNoThread;  // thread decisions: who ran the step before
    bool preemption = false;  // thread decisions: `previous` was enabled and another ran
    std::string label;        // value decisions: what was chosen ("copy_from_user fails after")
  };

  explicit GuidedReplayStrategy(sim::Schedule schedule) : schedule_(std::move(schedule)) {}

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution&) override { return false; }

  // Decisions of the schedule that did not fit (fallbacks and skips); 0 when
  // the schedule replayed exactly. Decisions taken after it ran out do not count.
  std::size_t misfits() const { return misfits_; }
  // Decisions taken after the schedule ran out.
  std::size_t continued() const { return continued_; }
  bool consumed_all() const { return pos_ == schedule_.size(); }
  const std::vector<Taken>& taken() const { return taken_; }

 private:
  sim::Schedule schedule_;
  std::size_t pos_ = 0;
  std::size_t misfits_ = 0;
  std::size_t continued_ = 0;
  std::vector<Taken> taken_;
};

}  // namespace checker

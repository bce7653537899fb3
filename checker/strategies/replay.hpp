// Replays a schedule: returns exactly its decisions, one per schedule point
// (forced ones too). When the model no longer fits the schedule (the recorded
// thread is not enabled, a value is out of range, a thread choice meets a
// fault choice, the schedule runs out) it returns sim::kAbort and
// abort_reason() names the decision, the step, what was recorded and what the
// model offers.
#pragma once

#include <cstddef>
#include <string>

#include "sim/schedule.hpp"
#include "sim/strategy.hpp"

namespace checker {

class ReplayStrategy final : public sim::Strategy {
 public:
  explicit ReplayStrategy(sim::Schedule schedule) : schedule_(std::move(schedule)) {}

  void begin_execution() override {
    pos_ = 0;
    reason_.clear();
  }
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution&) override { return false; }
  std::string abort_reason() const override { return reason_; }

  // Decisions consumed so far; after a run, all of them when it fit exactly.
  std::size_t consumed() const { return pos_; }
  bool consumed_all() const { return pos_ == schedule_.size(); }
  const sim::Schedule& schedule() const { return schedule_; }

 private:
  sim::Schedule schedule_;
  std::size_t pos_ = 0;
  std::string reason_;
};

}  // namespace checker

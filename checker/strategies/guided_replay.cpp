#include "checker/strategies/guided_replay.hpp"

#include <algorithm>

#include "sim/execution.hpp"

namespace checker {

void GuidedReplayStrategy::begin_execution() {
  pos_ = 0;
  misfits_ = 0;
  continued_ = 0;
  taken_.clear();
}

sim::ThreadId GuidedReplayStrategy::pick_thread(std::span<const sim::ThreadId> enabled,
                                                const sim::Execution& ex) {
  // Values that the model did not ask for before this schedule point: skip them.
  while (pos_ < schedule_.size() && schedule_[pos_].kind == sim::Decision::Kind::value) {
    ++pos_;
    ++misfits_;
  }
  const sim::ThreadId previous = ex.current();
  const bool previous_enabled = std::binary_search(enabled.begin(), enabled.end(), previous);
  const sim::ThreadId fallback = previous_enabled ? previous : enabled.front();
  sim::ThreadId pick = fallback;
  if (pos_ < schedule_.size()) {
    const sim::ThreadId want = schedule_[pos_++].value;
    if (std::binary_search(enabled.begin(), enabled.end(), want))
      pick = want;
    else
      ++misfits_;
  } else {
    ++continued_;
  }
  Taken t;
  t.previous = previous;
  t.preemption = previous_enabled && pick != previous;
  taken_.push_back(std::move(t));
  return pick;
}

std::uint32_t GuidedReplayStrategy::pick_value(std::uint32_t n, const char* label,
                                               const sim::Execution&) {
  std::uint32_t v = 0;
  if (pos_ < schedule_.size() && schedule_[pos_].kind == sim::Decision::Kind::value) {
    const sim::Decision& d = schedule_[pos_++];
    if (d.value < n && (d.range == 0 || d.range == n))
      v = d.value;
    else
      ++misfits_;
  } else if (pos_ < schedule_.size()) {
    ++misfits_;  // the schedule goes on with a thread: this value was not there
  } else {
    ++continued_;
  }
  Taken t;
  t.label = label;
  taken_.push_back(std::move(t));
  return v;
}

}  // namespace checker

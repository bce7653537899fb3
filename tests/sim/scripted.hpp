// A strategy for the engine's own tests: follows a list of thread choices,
// then always the lowest enabled thread; fault values from a list, then 0.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/execution.hpp"
#include "sim/strategy.hpp"

namespace sim::testing {

class Scripted : public Strategy {
 public:
  explicit Scripted(std::vector<ThreadId> threads = {}, std::vector<std::uint32_t> values = {})
      : threads_(std::move(threads)), values_(std::move(values)) {}
  void begin_execution() override { t_ = v_ = 0; }
  ThreadId pick_thread(std::span<const ThreadId> enabled, const Execution&) override {
    seen_enabled.emplace_back(enabled.begin(), enabled.end());
    if (t_ < threads_.size()) return threads_[t_++];
    return enabled.front();
  }
  std::uint32_t pick_value(std::uint32_t, const char*, const Execution&) override {
    return v_ < values_.size() ? values_[v_++] : 0;
  }
  bool end_execution(const Execution&) override { return false; }

  std::vector<std::vector<ThreadId>> seen_enabled;  // the enabled set at each schedule point

 private:
  std::vector<ThreadId> threads_;
  std::vector<std::uint32_t> values_;
  std::size_t t_ = 0, v_ = 0;
};

}  // namespace sim::testing

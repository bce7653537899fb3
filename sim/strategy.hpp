// The one small interface every exploration strategy implements (cf. shuttle's
// Scheduler): start an execution, pick a thread among the enabled ones, pick a
// fault value, end the execution. Implementations live in checker/strategies/.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/op.hpp"

namespace sim {

class Execution;

// Returned by pick_thread/pick_value to stop the execution (e.g. a replayed
// schedule that no longer fits the model); see Strategy::abort_reason.
inline constexpr std::uint32_t kAbort = ~std::uint32_t{0};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual void begin_execution() = 0;
  // `enabled` is sorted by thread id and never empty. `ex` tells the current
  // thread, every thread's pending operation and the step count.
  virtual ThreadId pick_thread(std::span<const ThreadId> enabled, const Execution& ex) = 0;
  // A fault choice among n >= 2 values; `label` says what is being chosen.
  virtual std::uint32_t pick_value(std::uint32_t n, const char* label, const Execution& ex) = 0;
  // Returns true when another execution should follow.
  virtual bool end_execution(const Execution& ex) = 0;
  // Why the strategy returned kAbort, if it did.
  virtual std::string abort_reason() const { return {}; }
};

}  // namespace sim

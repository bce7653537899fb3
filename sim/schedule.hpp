// The schedule: the list of decisions that fixes one execution. A decision is
// either which thread runs next or the value of a fault choice; both replay
// the same way (cf. shuttle's Schedule).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/op.hpp"

namespace sim {

struct Decision {
  enum class Kind : std::uint8_t { thread, value };
  Kind kind = Kind::thread;
  std::uint32_t value = 0;  // the thread id, or the chosen value
  std::uint32_t range = 0;  // for a value: how many values there were to choose from

  static Decision thread(ThreadId t) { return {Kind::thread, t, 0}; }
  static Decision choice(std::uint32_t v, std::uint32_t n) { return {Kind::value, v, n}; }
  bool operator==(const Decision&) const = default;
};

using Schedule = std::vector<Decision>;

}  // namespace sim

#include "checker/strategies/delay_bounding.hpp"

#include "sim/execution.hpp"

namespace checker {

void DelayBounding::alternatives(std::span<const sim::ThreadId> enabled, const sim::Execution& ex,
                                 std::vector<Alt>& out) const {
  // `enabled` is sorted. Start at the running thread if it is enabled, else
  // at the first enabled thread after it (cyclically); before any thread ran,
  // at the lowest.
  const sim::ThreadId cur = ex.current();
  const std::size_t n = enabled.size();
  std::size_t start = 0;
  if (cur < ex.thread_count()) {
    while (start < n && enabled[start] < cur) ++start;
    if (start == n) start = 0;  // wrap around
  }
  for (std::size_t i = 0; i < n; ++i)
    out.push_back({enabled[(start + i) % n], static_cast<std::uint32_t>(i)});
}

}  // namespace checker

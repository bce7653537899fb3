#include "checker/strategies/preemption_bounding.hpp"

#include "sim/execution.hpp"

namespace checker {

void PreemptionBounding::alternatives(std::span<const sim::ThreadId> enabled,
                                      const sim::Execution& ex, std::vector<Alt>& out) const {
  const sim::ThreadId cur = ex.current();
  bool cur_enabled = false;
  for (sim::ThreadId t : enabled) cur_enabled |= t == cur;
  if (!cur_enabled) {
    for (sim::ThreadId t : enabled) out.push_back({t, 0});
    return;
  }
  out.push_back({cur, 0});
  for (sim::ThreadId t : enabled)
    if (t != cur) out.push_back({t, 1});
}

}  // namespace checker

// `interleave show --html`: a trace as one self-contained HTML page (inline
// CSS and a little inline script; nothing fetched from the network, no fonts),
// which a user opens in any browser. It draws the run report's swimlanes
// (checker/report/report.hpp: Swimlanes), one column per thread and one row per step,
// beside the page states over time (one column per page and for i_size and
// the disk, the flags as badges, a cell marked where it changed), with the
// step that broke the invariant highlighted. Clicking a step shows the whole
// state after it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/trace/shrink.hpp"
#include "checker/trace/trace.hpp"

namespace checker {

struct TracePage {
  std::string trace_file;         // named in the page ("interleave replay FILE")
  std::optional<TraceSize> size;  // the counts of steps, preemptions and faults, when known
  std::vector<std::uint64_t> preempting_steps;  // steps at which a thread was preempted
};

std::string trace_html(const Trace& t, const TracePage& page);

}  // namespace checker

// `interleave show --html`: a trace as one self-contained HTML page (inline
// CSS and a little inline script; nothing fetched from the network, no fonts),
// which a user opens in any browser. It draws the run report's swimlanes
// (checker/report/report.hpp: Swimlanes), one column per thread and one row per step,
// beside the page states over time (one column per page and for i_size and
// the disk, the flags as badges, a cell marked where it changed), with the
// step that broke the invariant highlighted. Clicking a step shows the whole
// state after it; j/k step. Laid out to fit a window of 1280 px for up to 6
// threads: a step's cell runs on over the empty lanes to its right, state
// cells wrap, and where the state columns would not fit, the script shows the
// state in one column of what each step changed (tests/checker/report/
// test_show_layout.cpp measures it in headless Chromium).
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

// A trace of more steps than this is drawn with each state cell only where it
// changed (a ditto mark elsewhere; the side panel still shows the whole state):
// a page about as large as the trace, not rows times state columns; and its
// rows come in parts of 1000, of which the table holds one at a time.
inline constexpr std::size_t kFullPageSteps = 2000;
// A trace of more steps than this gets no page: a browser cannot use a table
// of more rows. `show` says so and exits 2 (docs/hardening.md).
inline constexpr std::size_t kMaxPageSteps = 100000;

// Why `t` gets no page (its size, and what to do instead), or "" when it does.
std::string page_refusal(const Trace& t);

std::string trace_html(const Trace& t, const TracePage& page);

}  // namespace checker

// `interleave show`: a trace drawn for a person. The terminal form is the run
// report's swimlanes (checker/report/report.hpp: Swimlanes, interleaving()), always in
// columns, with the trace's facts above them and the whole model state at the
// step that broke the invariant below them; the HTML form is in checker/report/html.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "checker/trace/shrink.hpp"
#include "checker/trace/trace.hpp"

namespace checker {

// One part of a history event's state line (models/pagecache State::describe:
// "i_size=4 | page[0]#1 LUD- c2 "AA" bh: U-M-- | disk "AAAA""), split at " | ".
struct StateSegment {
  std::string key;    // what it is about, the same in every event: "i_size", "page[0]", "disk"
  std::string label;  // as written: "page[0]#1"
  std::string value;  // the rest: "LUD- c2 "AA" bh: U-M--", "4"
  std::string text;   // the whole segment
};
std::vector<StateSegment> state_segments(const std::string& state);

// A page segment's flags ("LUD-": PG_locked, PG_uptodate, PG_dirty, PG_error),
// or "" when the segment is not a page.
std::string page_flags(const StateSegment& s);

struct ShowStyle {
  std::size_t width = 160;  // terminal columns; fewer than kMinShowWidth are laid out as that many
  bool all = false;         // the end-of-run checks' steps too
};
inline constexpr std::size_t kMinShowWidth = 80;

// One symbol that `show` prints (in the terminal and on the HTML page), with
// what it means. README.md's "Traces" section holds the same text
// (tests/checker/report/test_show.cpp compares them).
struct LegendEntry {
  std::string symbol;   // as printed: "bh: U-M-- --MN-"
  std::string meaning;  // one sentence or two
  // A text whose presence in the trace (its states, the objects its steps
  // touched, the verdict's message) makes the entry apply; "" when always.
  std::string appears;
};
const std::vector<LegendEntry>& legend();
// The entries for the symbols that this trace's drawing and message print.
std::vector<LegendEntry> legend_for(const Trace& t);
// The legend as `show` prints it: "  legend:", then an entry a paragraph.
std::string legend_text(const std::vector<LegendEntry>& entries, std::size_t width);

// The trace as text: what ran and how it ended, the swimlanes, and the state
// at the step that broke the invariant. `size` (from trace_size) adds the
// counts of steps, preemptions and faults when it is known.
std::string show_text(const Trace& t, const std::string& trace_file,
                      const std::optional<TraceSize>& size, const ShowStyle& style);

// The facts line of a trace: "linux-2.4.0 on ramfs; 2 threads (writer, reader); ...".
std::string trace_facts(const Trace& t, const std::optional<TraceSize>& size);

}  // namespace checker

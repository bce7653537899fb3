// An execution's interleaving laid out for reading: swimlanes, and the
// plain-text form that the run report prints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/execution.hpp"
#include "sim/schedule.hpp"
#include "sim/verdict.hpp"

namespace checker {

struct InterleavingStyle {
  std::size_t width = 110;  // columns when they fit in this many characters
  // Steps of the run proper (the schedule's thread decisions); the events
  // after them are the end-of-run epilogue, folded into one line unless the
  // verdict came from there. SIZE_MAX: every event is of the run.
  std::size_t run_steps = SIZE_MAX;
  bool fold_epilogue = true;    // false: the epilogue's steps are rows too (marked as such)
  std::size_t cell_limit = 44;  // characters of a cell before it is cut with "~" (not with fit_width)
  // Columns laid out to fit `width` (`interleave show`): always columns, the
  // lanes as narrow as they must be, a cell longer than its lane wrapped at
  // spaces (a cell wider than a narrow lane runs on over the lanes to its
  // right, which are empty in its row), the state under its step when it does
  // not fit beside it, wrapped at its " | " parts. No word is cut: only one
  // longer than a whole line.
  bool fit_width = false;
};

// The interleaving laid out as swimlanes: one lane per thread that appears
// (in id order), one row per step. The one layout that the run report, `show`
// and the HTML page (checker/report/show, checker/report/html) all draw.
struct Swimlanes {
  struct Row {
    std::size_t event = 0;  // index into the history
    std::size_t lane = 0;   // index into lanes
    std::string cell;       // "op object"
    std::string details;    // the state where it changed, then the note in parentheses
    std::string state;      // the state where it changed, else ""
    std::string note;       // the event's note, or ""
    bool marked = false;    // the step at which the verdict broke
    bool epilogue = false;  // a step of the end-of-run checks
  };
  std::vector<sim::ThreadId> lanes;  // thread ids
  std::vector<std::string> titles;   // thread names, by lane
  std::vector<std::string> blocked;  // by lane: "(sleeps in down B)" for a deadlock, or ""
  std::vector<std::size_t> widths;   // by lane: the widest cell, at most the cell limit
  std::vector<Row> rows;
  std::size_t folded = 0;            // epilogue steps left out
};

Swimlanes swimlanes(const std::vector<sim::Event>& history, const std::vector<std::string>& threads,
                    const sim::Verdict& verdict, const InterleavingStyle& style = {});

// The interleaving: one column per thread and one row per step when that
// fits, else one "thread: op object  state" line per step. The state shows
// only where it changed; the step at which the verdict broke is marked ">>";
// a deadlock ends with what each blocked thread sleeps on.
std::string interleaving(const std::vector<sim::Event>& history,
                         const std::vector<std::string>& threads, const sim::Verdict& verdict,
                         const InterleavingStyle& style = {});

// Thread decisions in a schedule: the steps of the run proper.
std::size_t thread_decisions(const sim::Schedule& s);

}  // namespace checker

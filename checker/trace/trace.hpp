// Trace files: one failing (or replayed) execution as JSON, enough to run it
// again anywhere: the whole scenario it came from, the settings, the seed,
// the schedule (thread choices and fault values in one list), the verdict,
// and the event history.
//
//   { "format": "interleave-trace", "version": 1, "interleave_version": "0.1.0",
//     "scenario_file": "...", "scenario": { ...the scenario document... },
//     "settings": { "strategy", "max_executions", "time_limit_s", "max_steps", "seed" },
//     "seed": 0, "search": { "executions": 12, "steps": 340 },
//     "threads": ["t0", "t1"],
//     "schedule": [ {"thread": 0}, {"value": 1, "range": 3}, ... ],
//     "verdict": { "kind", "invariant", "message", "thread", "step",
//                  "self_deadlock", "waits": [...], "cycle": [...] },
//     "history": [ {"step", "thread", "thread_name", "op", "object", "state", "note"}, ... ] }
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/io/schedule_json.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/search/explorer.hpp"
#include "sim/execution.hpp"
#include "sim/schedule.hpp"
#include "sim/verdict.hpp"

namespace checker {

inline constexpr const char* kTraceFormat = "interleave-trace";
inline constexpr int kTraceVersion = 1;

struct Trace {
  Scenario scenario;                  // scenario.json is written whole
  ExploreSettings settings;           // as the search ran (after command-line overrides)
  std::uint64_t executions = 0;       // executions the search ran up to this one
  std::uint64_t steps = 0;            // steps the search ran in all
  std::vector<std::string> threads;   // names, by thread id
  sim::Schedule schedule;
  sim::Verdict verdict;
  std::vector<sim::Event> history;
};

// The trace of the result's first failure (requires one), with the history
// of its verified re-run.
Trace make_trace(const Scenario& s, const ExploreSettings& settings, const ExploreResult& r);

nlohmann::ordered_json to_json(const Trace& t);
// The file's text: indented, one line per decision and per event.
std::string trace_text(const Trace& t);
// Checks everything; throws InputError with the JSON path of the bad field
// (the embedded scenario's errors are under /scenario).
Trace trace_from_json(const nlohmann::json& j, const std::string& file);

// The file name of a scenario's trace in a directory: NAME.trace.json, with
// every character but letters, digits, "-", "_", "." and "@" made "_". A
// scenario run on another variant is named NAME@VARIANT (for_variant), so
// that runs on different variants never overwrite each other's traces.
std::string trace_file_name(const std::string& scenario_name);

// Writes to a temporary name beside `path`, then renames it into place, so a
// reader never sees half a file. Creates missing parent directories. Throws
// std::runtime_error when it cannot.
void write_trace(const Trace& t, const std::string& path);
Trace load_trace(const std::string& path);

nlohmann::ordered_json to_json(const sim::Verdict& v);
nlohmann::ordered_json to_json(const std::vector<sim::Event>& history,
                       const std::vector<std::string>& threads);

}  // namespace checker

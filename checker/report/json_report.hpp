// Reports of `interleave run --json`, written and read back (merge.hpp
// combines the reports of a search's shards):
//
//   { "format": "interleave-run-report", "version": 1, "interleave_version": "0.1.0",
//     "runs": [ {
//       "scenario_file": "...", "scenario": { ...the scenario document... },
//       "settings": { "strategy", "max_executions", "time_limit_s", "max_steps", "seed",
//                     "bound", "pct_depth" },
//       "shard": { "index": 2, "count": 4, "kind": "tree", "parts": 64, "digest": "..." },
//       "status": "pass", "verdict": "pass", "executions": 123, "blocked": 0, "steps": 4567,
//       "depth": 40, "complete": true, "interrupted": false, "budget": "", "error": "", "search": "",
//       "counts": [ { "part": 1, "executions": 10, "steps": 300, "depth": 30, "blocked": 0 } ],
//       "outcomes": [ { "outcome": "counter=2", "part": 1 } ],
//       "failure": { "part": 5, "ordinal": 3, "execution": 40, "search": "", "trace": { ... } } | null,
//       "timing": { "elapsed_s": 0.5 }
//     } ] }
//
// Everything but "timing" is the same, byte for byte, for the same scenario
// and settings in any process, with any --jobs where the strategy is
// exhaustive (tests/checker/search/test_determinism.cpp).
//
// A run without --shard is shard 1 of 1 ("kind": "whole").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/search/explorer.hpp"
#include "checker/search/shard.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/trace/trace.hpp"

namespace checker {

inline constexpr const char* kRunReportFormat = "interleave-run-report";
inline constexpr int kRunReportVersion = 1;

// One entry of "runs": the scenario, its settings, the shard and its
// result, and the trace of its failure when it has one.
nlohmann::ordered_json run_entry(const Scenario& s, const ExploreSettings& settings,
                                 const ShardResult& r, const std::optional<Trace>& trace);
nlohmann::ordered_json run_report(const std::vector<nlohmann::ordered_json>& entries);

// One run of a report, as read back.
struct RunEntry {
  std::string file;   // the report it came from
  std::string path;   // its JSON path there
  Scenario scenario;
  ExploreSettings settings;
  ShardSpec shard;
  std::string kind;
  std::uint64_t parts = 0;
  std::string digest;
  ExploreResult result;  // counts, status, budget, error (no failures)
  std::map<std::uint64_t, PartCount> counts;
  std::map<std::string, std::uint64_t> outcomes;
  bool outcomes_truncated = false;  // the shard kept fewer outcomes than it saw
  std::optional<ShardFailure> failure;
  std::string failure_search;
  std::optional<Trace> trace;
  std::string key;  // scenario and settings: the shards of one search share it
};

// Reads a report that `run --json` wrote, every run checked as it was
// written. InputError naming the file and the JSON path otherwise.
std::vector<RunEntry> read_run_report(const std::string& file);

}  // namespace checker

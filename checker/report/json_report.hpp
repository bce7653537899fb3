// Reports of `interleave run --json`, and `interleave merge`: the reports of
// the N shards of a search (--shard K/N, search/shard.hpp) combined into what
// one machine would have found: the verdict, the executions up to the first
// failure in one worker's order, the outcomes, and that failure's trace.
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

// The result of one scenario, merged from its shards.
struct MergedRun {
  Scenario scenario;
  ExploreSettings settings;
  ExploreResult result;        // failures[0] and replay come from the failing shard's trace
  std::optional<Trace> trace;  // the first failure's, with the whole search's numbers
  unsigned shards = 0;
};

// Reads the reports and merges each scenario's shards. InputError (naming the
// file and the JSON path) for a file that is not a run report, and for shards
// that do not belong together: another scenario or settings, a missing or
// repeated shard, another partition.
std::vector<MergedRun> merge_reports(const std::vector<std::string>& files);

}  // namespace checker

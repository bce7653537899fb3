// `interleave merge`: the reports of the N shards of a search (--shard K/N,
// search/shard.hpp) combined into what one machine would have found: the
// verdict, the executions up to the first failure in one worker's order, the
// outcomes, and that failure's trace.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/scenario/scenario.hpp"
#include "checker/search/explorer.hpp"
#include "checker/trace/trace.hpp"

namespace checker {

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

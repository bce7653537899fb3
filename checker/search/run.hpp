// One scenario, start to end: its settings, the strategy they name, the
// search, and the trace of a failure. What `interleave run` and `check` do
// for each file, and what tests call in-process.
#pragma once

#include <functional>

#include "checker/search/explorer.hpp"
#include "checker/search/shard.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker {

// Builds the scenario's program and explores it. Model errors (setup
// throws, nondeterminism) come back in the result, not as exceptions.
ExploreResult run_scenario(const Scenario& s, const ExploreSettings& settings,
                           std::function<void(const Progress&)> progress = {});

// One shard of the scenario's search (--shard K/N; shard.hpp). Throws
// std::invalid_argument for a strategy that cannot be split into shards.
ShardResult run_scenario_shard(const Scenario& s, const ExploreSettings& settings, ShardSpec shard,
                               std::function<void(const Progress&)> progress = {});

}  // namespace checker

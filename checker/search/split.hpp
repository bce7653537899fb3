// The ways of splitting one search among worker threads, as the dispatcher
// (parallel.cpp) and the shards (shard.cpp) call them, each in its own file:
// split_tree.cpp (dfs, pb, db), split_dpor.cpp (dpor), split_indexed.cpp
// (random, pct). Internal to search/; workers.hpp has what they share.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checker/search/checkpoint.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/settings.hpp"
#include "checker/search/workers.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/strategies/partition.hpp"

namespace checker {

struct PartCount;  // shard.hpp

namespace split {

// ---------------------------------------------------------------- tree searches: split_tree.cpp

// The pieces of a tree search (checkpoint.hpp, where a checkpoint keeps them).
using FailureAt = TreeFailure;
using Piece = TreePiece;

struct TreeRun {
  std::vector<Piece> pieces;
  bool cut = false;       // bounded searches: some worker left a schedule out
  bool stopped = false;   // a budget or an error stopped it
};

// One tree search (or one iteration of a bounded one) over `jobs` workers.
//
// `left` (for checkpoints; dfs only): when a stop or a budget ends the run,
// the subtrees it did not explore, sorted: the queue, and each worker's
// untried alternatives. `cutoff`: a failure already found there (a resumed
// search): nothing after it is needed.
TreeRun run_tree(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                 const ExploreOptions& opts, Shared& shared, std::optional<std::uint32_t> bound,
                 const std::string& position, std::vector<Path> initial = {Path{}},
                 std::vector<Path>* left = nullptr, std::optional<Path> cutoff = std::nullopt);

// dfs, pb and db with `jobs` workers.
ExploreResult explore_tree(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                           const ExploreOptions& opts);

// ---------------------------------------------------------------- DPOR: split_dpor.cpp

// dpor with `jobs` workers.
ExploreResult explore_dpor(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                           const ExploreOptions& opts);

// ---------------------------------------------------------------- indexed searches: split_indexed.cpp

// random and pct with `jobs` workers: execution numbers start, start +
// stride, ... (a shard's share; all of them without one), from `from` on (a
// resumed search ran those before); the result counts `executions_before`
// executions before them (auto's DPOR phase). For a shard: each outcome with
// the least execution that gave it, and each execution's counts.
ExploreResult explore_indexed(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                              const ExploreOptions& opts, std::uint64_t executions_before = 0,
                              std::uint64_t start = 0, std::uint64_t stride = 1,
                              std::map<std::string, std::uint64_t>* outcome_indices = nullptr,
                              std::map<std::uint64_t, PartCount>* counts = nullptr, std::uint64_t from = 0);

}  // namespace split

}  // namespace checker

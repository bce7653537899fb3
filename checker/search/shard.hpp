// --shard K/N: a deterministic 1/N of a search, for machines that share
// nothing but the N reports that `interleave merge` combines into what one
// machine would have found (report/json_report.hpp). dfs: the search tree's
// subtrees at the least depth where there are at least 16 N of them (the same
// list in every shard), in order; shard K takes subtrees K-1, K-1+N, ... .
// random and pct: shard K takes executions K-1, K-1+N, ... . Budgets apply to
// each shard.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "checker/search/explorer.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker {

struct ShardSpec {
  unsigned index = 1;  // K, from 1
  unsigned count = 1;  // N
};

struct PartCount {
  std::uint64_t executions = 0, steps = 0, depth = 0, blocked = 0;
};

struct ShardFailure {
  std::uint64_t part = 0;     // dfs: its subtree's number; random, pct: its execution's number
  std::uint64_t ordinal = 0;  // dfs: its place among its subtree's executions, from 1
};

struct ShardResult {
  ShardSpec shard;
  std::string kind;        // "tree" (dfs), "indexed" (random, pct), or "whole" (not split: whole())
  std::uint64_t parts = 0; // tree: subtrees in the partition (the same in every shard)
  std::string digest;      // tree: of the subtrees' paths, to check that shards agree
  std::map<std::uint64_t, PartCount> counts;      // tree: this shard's subtrees, up to its failure
  std::map<std::string, std::uint64_t> outcomes;  // each outcome, with the least subtree / execution
  bool outcomes_truncated = false;  // more distinct outcomes than kept: `outcomes` is not all of them
  std::optional<ShardFailure> failure;            // this shard's first, in one worker's order
  ExploreResult result;    // this shard alone (its first failure re-run with history)
};

// Which strategies can be split into shards.
bool shardable(const std::string& strategy);

// Shard `shard` of the search that `settings` names, with `jobs` workers.
// Throws std::invalid_argument for a strategy that cannot be split into shards.
ShardResult explore_shard(const ProgramFactory& make, const ExploreSettings& settings,
                          const ExploreOptions& opts, unsigned jobs, ShardSpec shard);

// "K/N" with 1 <= K <= N; InputError otherwise (path "--shard").
ShardSpec parse_shard(const std::string& text);

// A run that was not split: the whole search as shard 1 of 1.
ShardResult whole(const ExploreResult& r);

}  // namespace checker

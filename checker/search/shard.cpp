#include "checker/search/shard.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "checker/io/fnv.hpp"
#include "checker/io/input_error.hpp"
#include "checker/search/split.hpp"
#include "checker/search/workers.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/partition.hpp"
#include "sim/execution.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

using namespace split;

namespace {

// The subtrees at the least branch depth where there are at least `want`
// (every leaf, when the tree is smaller), in the order of one worker.
std::vector<Path> tree_parts(const ProgramFactory& make, std::size_t want, const ExploreOptions& opts) {
  sim::ExecutionOptions eo;
  eo.max_steps = opts.max_steps;
  for (std::size_t depth = 1;; ++depth) {
    auto program = make();
    sim::StackPool stacks;
    sim::Execution ex(stacks);
    DfsStrategy dfs;
    dfs.set_depth_limit(depth);
    std::vector<Path> parts;
    bool deeper = false;
    Path path;
    for (;;) {
      OneRun r = run_one(*program, ex, dfs, nullptr, eo);
      if (r.aborted) throw std::runtime_error(r.verdict.message);
      dfs.last_path(path);
      deeper |= path.size() >= depth;
      parts.push_back(path);
      if (!dfs.end_execution(ex)) break;
    }
    if (parts.size() >= want || !deeper || depth >= 64) return parts;
  }
}

std::string digest_of(const std::vector<Path>& parts) {
  std::uint64_t h = kFnvOffset;  // FNV-1a over the paths
  for (const Path& p : parts) {
    h = fnv1a_u64(p.size(), h);
    for (std::uint32_t x : p) h = fnv1a_u64(x, h);
  }
  return fnv_hex(h);
}

ShardResult shard_tree(const ProgramFactory& make, const ExploreSettings& settings,
                       const ExploreOptions& opts, unsigned jobs, ShardSpec shard) {
  ShardResult out;
  out.shard = shard;
  out.kind = "tree";
  std::vector<Path> parts = tree_parts(make, std::size_t{16} * shard.count, opts);
  out.parts = parts.size();
  out.digest = digest_of(parts);
  std::vector<Path> mine;
  for (std::size_t i = shard.index - 1; i < parts.size(); i += shard.count) mine.push_back(parts[i]);
  // The part a path (or a piece's prefix) lies in: the last part not after it.
  auto part_of = [&](const Path& p) -> std::uint64_t {
    auto it = std::upper_bound(parts.begin(), parts.end(), p);
    return it == parts.begin() ? 0 : static_cast<std::uint64_t>(it - parts.begin() - 1);
  };
  Shared shared;
  ExploreResult& res = out.result;
  TreeRun run;
  if (!mine.empty()) run = run_tree(jobs, make, settings, opts, shared, std::nullopt, {}, std::move(mine));
  // This shard's first failure, in one worker's order.
  const FailureAt* first = nullptr;
  const Piece* first_piece = nullptr;
  for (const Piece& p : run.pieces)
    for (const FailureAt& f : p.failures)
      if (!first || f.path < first->path) {
        first = &f;
        first_piece = &p;
      }
  if (!opts.stop_at_first_failure) first = nullptr;
  std::uint64_t before_in_part = 0;
  for (const Piece& p : run.pieces) {
    PartCount* c = nullptr;
    const std::uint64_t part = part_of(p.key);
    if (first && &p == first_piece) {
      c = &out.counts[part];
      c->executions += first->ordinal;
      c->steps += first->steps;
      c->depth = std::max(c->depth, p.depth);
    } else if (first && !(p.key < first->path)) {
      continue;
    } else {
      c = &out.counts[part];
      c->executions += p.executions;
      c->steps += p.steps;
      c->blocked += p.blocked;
      c->depth = std::max(c->depth, p.depth);
      if (first && part == part_of(first->path)) before_in_part += p.executions;
    }
    out.outcomes_truncated |= p.outcomes_truncated;
    for (const std::string& o : p.outcomes) {
      auto [it, added] = out.outcomes.try_emplace(o, part);
      if (!added) it->second = std::min(it->second, part);
    }
  }
  for (const auto& [part, c] : out.counts) {
    res.executions += c.executions;
    res.steps += c.steps;
    res.blocked += c.blocked;
    res.depth = std::max(res.depth, c.depth);
  }
  for (const auto& [o, part] : out.outcomes) add_outcome(res.outcomes, res.outcomes_truncated, o, opts.max_outcomes);
  res.outcomes_truncated |= out.outcomes_truncated;
  out.outcomes_truncated = res.outcomes_truncated;
  if (first) {
    out.failure = ShardFailure{part_of(first->path), before_in_part + first->ordinal};
    Failure f = first->failure;
    f.execution = res.executions;
    res.failures.push_back(std::move(f));
  } else if (!opts.stop_at_first_failure) {
    for (const Piece& p : run.pieces)
      for (const FailureAt& f : p.failures) res.failures.push_back(f.failure);
  }
  res.complete = !run.stopped && !first;
  res.elapsed_s = seconds_since(shared.start);
  if (!shared.error.empty()) {
    res.status = ExploreResult::Status::nondeterminism;
    res.error = shared.error;
    return out;
  }
  if (res.failures.empty() && shared.stop) res.budget = shared.budget;
  res.interrupted = shared.interrupted;
  auto program = make();
  sim::StackPool stacks;
  settle(res, false, *program, stacks, opts);
  return out;
}

ShardResult shard_indexed(const ProgramFactory& make, const ExploreSettings& settings,
                          const ExploreOptions& opts, unsigned jobs, ShardSpec shard) {
  ShardResult out;
  out.shard = shard;
  out.kind = "indexed";
  out.parts = opts.max_executions;
  out.result = explore_indexed(jobs, make, settings, opts, 0, shard.index - 1, shard.count, &out.outcomes,
                               &out.counts);
  if (!out.result.failures.empty()) {
    // Its number in the whole search: this shard ran start, start + N, ...
    const Failure& f = out.result.failures.front();
    out.failure = ShardFailure{(shard.index - 1) + std::uint64_t{shard.count} * (f.execution - 1), 1};
  }
  return out;
}

}  // namespace

bool shardable(const std::string& strategy) {
  return strategy == "dfs" || strategy == "random" || strategy == "pct";
}

ShardResult explore_shard(const ProgramFactory& make, const ExploreSettings& settings,
                          const ExploreOptions& opts, unsigned jobs, ShardSpec shard) {
  if (!shardable(settings.strategy))
    throw std::invalid_argument("--shard works with the strategies dfs, random and pct, not " +
                                settings.strategy);
  if (settings.strategy == "dfs") return shard_tree(make, settings, opts, std::max(jobs, 1u), shard);
  return shard_indexed(make, settings, opts, std::max(jobs, 1u), shard);
}

ShardSpec parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto number = [](const std::string& s, unsigned& out) {
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    out = static_cast<unsigned>(std::stoul(s));
    return true;
  };
  ShardSpec spec;
  if (slash == std::string::npos || !number(text.substr(0, slash), spec.index) ||
      !number(text.substr(slash + 1), spec.count) || spec.count == 0 || spec.index == 0 ||
      spec.index > spec.count)
    throw InputError("", "--shard: found \"" + text + "\", expected K/N with 1 <= K <= N (e.g. 2/4)",
                     "shard K of N explores a deterministic 1/N of the search; run K = 1 .. N");
  return spec;
}

ShardResult whole(const ExploreResult& r) {
  ShardResult s;
  s.kind = "whole";
  s.result = r;
  for (const std::string& o : r.outcomes) s.outcomes[o] = 0;
  // A failure of the whole search (an exists condition that no execution
  // makes true) has no execution: it is judged again from the outcomes by
  // whoever reads the report (merge), so it is not a failing part.
  if (!r.failures.empty() && r.failures.front().has_execution())
    s.failure = ShardFailure{r.failures.front().execution - 1, 1};
  s.outcomes_truncated = r.outcomes_truncated;
  return s;
}

}  // namespace checker

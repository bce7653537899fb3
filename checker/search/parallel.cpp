#include "checker/search/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <set>
#include <thread>

#include "checker/search/checkpoint.hpp"
#include "checker/search/settings.hpp"
#include "checker/search/split.hpp"
#include "checker/search/workers.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/partition.hpp"
#include "checker/strategies/search.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

using namespace split;

namespace {

// ---------------------------------------------------------------- shards

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
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the paths
  auto mixin = [&](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xff;
      h *= 1099511628211ULL;
    }
  };
  for (const Path& p : parts) {
    mixin(p.size());
    for (std::uint32_t x : p) mixin(x);
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
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

ExploreResult explore_one(const ProgramFactory& make, const ExploreSettings& settings,
                          const ExploreOptions& opts) {
  auto program = make();
  std::unique_ptr<sim::Strategy> strategy = make_strategy(settings);
  sim::StackPool stacks;
  return explore(*program, *strategy, stacks, opts);
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

unsigned default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

// auto without a budget is DPOR to its end; its summary says "complete" when
// it explored everything without stopping at a failure, with any --jobs.
std::string auto_dpor_summary(const ExploreResult& r) {
  return "auto: dpor" + std::string(r.complete ? ", complete" : "");
}

ExploreResult explore_parallel(const ProgramFactory& make, const ExploreSettings& settings,
                               const ExploreOptions& opts, unsigned jobs) {
  const bool auto_unbudgeted = settings.strategy == "auto" && opts.max_executions == 0 && opts.time_limit_s <= 0;
  if (jobs <= 1) {
    ExploreResult r = explore_one(make, settings, opts);
    if (auto_unbudgeted) r.search = auto_dpor_summary(r);
    return r;
  }
  if (settings.strategy == "dpor") return explore_dpor(jobs, make, settings, opts);
  if (settings.strategy == "dfs" || settings.strategy == "pb" || settings.strategy == "db")
    return explore_tree(jobs, make, settings, opts);
  if (settings.strategy == "random" || settings.strategy == "pct")
    return explore_indexed(jobs, make, settings, opts);
  if (settings.strategy == "auto") {
    // The DPOR phase on one worker, within half the budget; then PCT, split.
    ExploreOptions first = opts;
    const bool budget = opts.max_executions != 0 || opts.time_limit_s > 0;
    ExploreSettings dpor = settings;
    dpor.strategy = "dpor";
    if (!budget) {
      ExploreResult r = explore_dpor(jobs, make, dpor, opts);
      r.search = auto_dpor_summary(r);
      return r;
    }
    first.max_executions = opts.max_executions / 2 + (opts.max_executions == 1 ? 1 : 0);
    first.time_limit_s = opts.time_limit_s / 2;
    ExploreResult a = explore_dpor(jobs, make, dpor, first);
    if (a.complete || a.interrupted || !a.failures.empty() || a.status == ExploreResult::Status::nondeterminism ||
        a.status == ExploreResult::Status::internal_error ||
        (opts.max_executions != 0 && a.executions >= opts.max_executions))
      return a;
    ExploreOptions rest = opts;
    if (opts.max_executions != 0) rest.max_executions = opts.max_executions - a.executions;
    if (opts.time_limit_s > 0) rest.time_limit_s = std::max(opts.time_limit_s - a.elapsed_s, 1e-9);
    ExploreSettings pct = settings;
    pct.strategy = "pct";
    ExploreResult b = explore_indexed(jobs, make, pct, rest, a.executions);
    b.steps += a.steps;
    b.blocked += a.blocked;
    b.depth = std::max(b.depth, a.depth);
    b.elapsed_s += a.elapsed_s;
    b.interrupted |= a.interrupted;
    for (const std::string& o : a.outcomes) b.outcomes.insert(o);
    b.search = "auto: dpor ran " + std::to_string(a.executions) +
               " executions (half the budget) without finishing; then " + b.search;
    if (!b.failures.empty()) b.failures.front().search = "the PCT phase (depth " + std::to_string(settings.pct_depth) + ")";
    return b;
  }
  return explore_one(make, settings, opts);
}

}  // namespace checker

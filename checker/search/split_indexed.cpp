// random and pct run executions 0, 1, 2, ... that do not depend on each other:
// workers take the next number; the failure reported is the one with the
// least number, after every lower number has run. With --max-executions N they
// run exactly executions 0 .. N-1, as one worker does.
//
// The same, going on from a checkpoint's state (checkpoint.hpp):
// explore_indexed_resumable.
#include "checker/search/split.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "checker/search/checkpoint.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/shard.hpp"
#include "checker/search/workers.hpp"
#include "checker/strategies/partition.hpp"
#include "checker/strategies/search.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

namespace split {

ExploreResult explore_indexed(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                              const ExploreOptions& opts, std::uint64_t executions_before,
                              std::uint64_t start, std::uint64_t stride,
                              std::map<std::string, std::uint64_t>* outcome_indices,
                              std::map<std::uint64_t, PartCount>* counts, std::uint64_t from) {
  Shared shared;
  ExploreResult res;
  sim::ExecutionOptions eo;
  eo.max_steps = opts.max_steps;

  // The warm-up executions, in order, on one instance.
  Worker first(make, settings);
  auto* first_indexed = dynamic_cast<IndexedSearch*>(first.strategy.get());
  const std::uint64_t warmup = first_indexed->warmup();
  std::mutex mu;
  std::optional<std::uint64_t> cutoff;  // the least failing execution number
  struct Found {
    std::uint64_t index;
    Failure failure;
  };
  std::vector<Found> found;
  std::map<std::string, std::uint64_t> outcomes;  // each with the least execution that gave it
  std::uint64_t blocked = 0;
  std::uint64_t ran = 0;  // executions run below the cutoff (or all of them)

  auto record = [&](std::uint64_t index, const OneRun& r, Worker& w) {
    std::lock_guard<std::mutex> lock(mu);
    if (r.aborted) return;
    if (r.failed) {
      found.push_back({index, Failure{r.verdict, w.ex->schedule(), 0, w.info ? w.info->position() : ""}});
      if (opts.stop_at_first_failure && (!cutoff || index < *cutoff)) cutoff = index;
    } else if (r.pruned) {
      ++blocked;
    } else if (opts.collect_outcomes) {
      auto [it, added] = outcomes.try_emplace(w.program->outcome(), index);
      if (!added) it->second = std::min(it->second, index);
    }
  };
  std::vector<std::pair<std::uint64_t, std::uint64_t>> steps_of;  // (index, steps) of every execution
  auto note = [&](std::uint64_t index, const OneRun& r) {
    shared.steps.fetch_add(r.steps, std::memory_order_relaxed);
    shared.note_depth(r.steps);
    std::lock_guard<std::mutex> lock(mu);
    steps_of.push_back({index, r.steps});
  };
  // Execution numbers start, start + stride, ... (a shard's share; all of them
  // without one), from `from` on (a resumed search ran those before). The
  // warm-up runs on one instance whatever the share; only those in the share
  // (and not run before) count.
  for (std::uint64_t i = 0; i < warmup && !shared.stop && !shared.stop_requested(opts); ++i) {
    const bool mine = i % stride == start && i >= from;
    if (mine && !shared.reserve(opts)) break;
    first_indexed->seek(i);
    OneRun r = run_one(*first.program, *first.ex, *first.strategy, first.info, eo);
    if (r.aborted) shared.fail(r.verdict.message);
    if (mine) {
      note(i, r);
      record(i, r, first);
    }
    first.strategy->end_execution(*first.ex);
    if (mine && r.failed && opts.stop_at_first_failure) shared.stop = true;
  }
  std::uint64_t j0 = 0;
  while (start + stride * j0 < std::max(warmup, from)) ++j0;
  std::atomic<std::uint64_t> next{j0};
  if (!shared.stop) {
    auto body = [&](unsigned) {
      Worker w(make, settings);
      auto* indexed = dynamic_cast<IndexedSearch*>(w.strategy.get());
      indexed->learn_from(*first_indexed);
      std::uint64_t n = 0;
      for (;;) {
        if (shared.stop || shared.stop_requested(opts)) break;
        if ((n++ & 15) == 0 && shared.out_of_time(opts)) break;
        const std::uint64_t index = start + stride * next.fetch_add(1);
        {
          std::lock_guard<std::mutex> lock(mu);
          if (cutoff && index > *cutoff) break;
        }
        if (opts.max_executions != 0 && index >= opts.max_executions) {
          shared.halt(execution_budget_text(opts.max_executions));
          break;
        }
        shared.executions.fetch_add(1, std::memory_order_relaxed);
        indexed->seek(index);
        OneRun r = run_one(*w.program, *w.ex, *w.strategy, w.info, eo);
        if (r.aborted) {
          shared.fail(r.verdict.message);
          break;
        }
        note(index, r);
        record(index, r, w);
        w.strategy->end_execution(*w.ex);
      }
    };
    run_workers(jobs, shared, opts, body);
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.index < b.index; });
  const std::uint64_t limit = opts.stop_at_first_failure && !found.empty() ? found.front().index + 1 : ~std::uint64_t{0};
  for (const auto& [index, steps] : steps_of)
    if (index < limit) {
      ++ran;
      res.steps += steps;
      res.depth = std::max(res.depth, steps);
      if (counts) (*counts)[index] = PartCount{1, steps, steps, 0};
    }
  res.executions = executions_before + ran;
  res.blocked = blocked;
  for (const auto& [o, index] : outcomes)
    if (index < limit) {
      add_outcome(res.outcomes, res.outcomes_truncated, o, opts.max_outcomes);
      if (outcome_indices) (*outcome_indices)[o] = index;
    }
  for (Found& f : found) {
    if (f.index >= limit) break;
    f.failure.execution = executions_before + (stride == 1 ? f.index + 1 : ran);
    res.failures.push_back(std::move(f.failure));
    if (opts.stop_at_first_failure) break;
  }
  res.complete = false;  // random walks and PCT never are
  res.elapsed_s = seconds_since(shared.start);
  if (!shared.error.empty()) {
    res.status = ExploreResult::Status::nondeterminism;
    res.error = shared.error;
    return res;
  }
  // As explore() does: a search that found its failure reports no budget.
  if (res.failures.empty())
    res.budget = shared.budget.empty() ? execution_budget_text(opts.max_executions) : shared.budget;
  res.interrupted = shared.interrupted;
  if (auto* s = dynamic_cast<SearchInfo*>(first.strategy.get())) res.search = s->summary();
  auto program = make();
  sim::StackPool stacks;
  settle(res, false, *program, stacks, opts);
  return res;
}

}  // namespace split

using namespace split;

ExploreResult explore_indexed_resumable(const ProgramFactory& make, const ExploreSettings& settings,
                                        const ExploreOptions& opts, unsigned jobs, IndexedState& state) {
  if (settings.strategy != "random" && settings.strategy != "pct")
    throw std::invalid_argument("an indexed checkpoint is for random and pct, not " + settings.strategy);
  const std::uint64_t from = state.started ? state.next : 0;
  ExploreResult seg = explore_indexed(std::max(jobs, 1u), make, settings, opts, 0, 0, 1, nullptr, nullptr, from);
  if (seg.status == ExploreResult::Status::nondeterminism) return seg;
  state.started = true;
  // Every execution number taken below the first failure ran: the next is
  // the first not run.
  state.next = from + seg.executions;
  for (const Failure& f : seg.failures) state.failures.push_back(f);  // numbered from execution 1 already
  state.executions += seg.executions;
  state.blocked += seg.blocked;
  state.steps += seg.steps;
  state.depth = std::max(state.depth, seg.depth);
  for (const std::string& o : seg.outcomes) add_outcome(state.outcomes, state.outcomes_truncated, o, opts.max_outcomes);
  state.outcomes_truncated |= seg.outcomes_truncated;
  ExploreResult res = seg;
  res.executions = state.executions;
  res.blocked = state.blocked;
  res.steps = state.steps;
  res.depth = state.depth;
  res.outcomes = state.outcomes;
  res.outcomes_truncated = state.outcomes_truncated;
  res.failures = state.failures;
  if (!res.failures.empty()) res.budget.clear();
  auto program = make();
  sim::StackPool stacks;
  settle(res, false, *program, stacks, opts);
  return res;
}

}  // namespace checker

// dfs, pb and db are tree searches (strategies/partition.hpp): each worker
// explores the subtree of a path prefix and, when another worker is idle,
// gives away the untried alternatives of its shallowest open branch point.
// The failure reported is the first in the order of one worker (the least
// path: the search goes on in the subtrees before it until they are done, and
// stops the ones after it); the executions counted are those up to it in that
// order, so the counts, the verdict and the trace are the same for any number
// of workers. pb and db run their iterations one after the other, each split.
//
// The same, going on from a checkpoint's state (checkpoint.hpp):
// explore_tree_resumable, explore_bounded_resumable.
#include "checker/search/split.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "checker/search/checkpoint.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/settings.hpp"
#include "checker/search/workers.hpp"
#include "checker/strategies/bounded_dfs.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/partition.hpp"
#include "sim/execution.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

namespace split {

TreeRun run_tree(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                 const ExploreOptions& opts, Shared& shared, std::optional<std::uint32_t> bound,
                 const std::string& position, std::vector<Path> initial,
                 std::vector<Path>* left, std::optional<Path> cutoff) {
  std::mutex mu;
  std::vector<Path> queue = std::move(initial);  // sorted; the least first
  std::sort(queue.begin(), queue.end());
  unsigned busy = 0;
  std::atomic<bool> hungry{false};
  // cutoff: the least failing path so far (under mu)
  std::atomic<bool> has_cutoff{cutoff.has_value()};
  TreeRun run;

  sim::ExecutionOptions eo;
  eo.max_steps = opts.max_steps;
  auto body = [&](unsigned) {
    Worker w(make, settings);
    auto* tree = dynamic_cast<TreeSearch*>(w.strategy.get());
    auto* bounded = dynamic_cast<BoundedDfs*>(w.strategy.get());
    if (bounded && bound) bounded->set_iteration(*bound);
    Path path;
    std::vector<Path> given;
    for (;;) {
      Path task;
      {
        std::unique_lock<std::mutex> lock(mu);
        while (queue.empty() && busy > 0 && !shared.stop) {
          hungry = true;
          lock.unlock();
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          lock.lock();
        }
        if (queue.empty() || shared.stop) break;
        task = std::move(queue.front());
        queue.erase(queue.begin());
        if (cutoff && task > *cutoff) continue;  // after the failure: not needed
        ++busy;
      }
      tree->set_root(task);
      Piece piece;
      piece.key = task;
      std::uint64_t n = 0;
      // Stopped between executions: what this task has left goes back.
      auto leave = [&] {
        if (!left) return;
        std::vector<Path> rest;
        if (auto* dfs = dynamic_cast<DfsStrategy*>(w.strategy.get())) dfs->remaining(rest);
        if (bounded) bounded->remaining(rest);
        std::lock_guard<std::mutex> lock(mu);
        left->insert(left->end(), rest.begin(), rest.end());
      };
      for (;;) {
        if (shared.stop || shared.stop_requested(opts)) {
          leave();
          break;
        }
        if ((n++ & 15) == 0 && shared.out_of_time(opts)) {
          leave();
          break;
        }
        if (!shared.reserve(opts)) {
          leave();
          break;
        }
        OneRun r = run_one(*w.program, *w.ex, *w.strategy, w.info, eo);
        tree->last_path(path);
        if (has_cutoff.load(std::memory_order_acquire)) {
          std::lock_guard<std::mutex> lock(mu);
          if (cutoff && path > *cutoff) {  // beyond the failure: not counted, and nothing more here
            shared.executions.fetch_sub(1);
            break;
          }
        }
        if (r.aborted) {
          shared.fail(r.verdict.message);
          break;
        }
        ++piece.executions;
        piece.steps += r.steps;
        piece.depth = std::max(piece.depth, r.steps);
        shared.steps.fetch_add(r.steps, std::memory_order_relaxed);
        shared.note_depth(r.steps);
        if (r.pruned) {
          ++piece.blocked;
        } else if (r.failed) {
          piece.failures.push_back({path, piece.executions, piece.steps,
                                    Failure{r.verdict, w.ex->schedule(), 0, position}});
          if (opts.stop_at_first_failure) {
            std::lock_guard<std::mutex> lock(mu);
            if (!cutoff || path < *cutoff) cutoff = path;
            has_cutoff.store(true, std::memory_order_release);
            break;
          }
        } else if (opts.collect_outcomes) {
          add_outcome(piece.outcomes, piece.outcomes_truncated, w.program->outcome(), opts.max_outcomes);
        }
        if (!w.strategy->end_execution(*w.ex)) break;
        if (hungry.load(std::memory_order_relaxed)) {
          given.clear();
          if (tree->donate(given)) {
            std::lock_guard<std::mutex> lock(mu);
            for (Path& p : given) queue.insert(std::upper_bound(queue.begin(), queue.end(), p), std::move(p));
            hungry = false;
          }
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      if (bounded && bounded->cut()) run.cut = true;
      run.pieces.push_back(std::move(piece));
      --busy;
    }
  };
  run_workers(jobs, shared, opts, body);
  run.stopped = shared.stop;
  if (left) {
    left->insert(left->end(), queue.begin(), queue.end());
    std::sort(left->begin(), left->end());
    if (cutoff) std::erase_if(*left, [&](const Path& p) { return p > *cutoff; });
  }
  return run;
}

namespace {

// Adds a tree run to the result, counting only what one worker would have run.
// Returns true when it found a failure that stops the search.
bool merge_tree(ExploreResult& res, TreeRun& run, const ExploreOptions& opts,
                std::uint64_t executions_before) {
  std::vector<FailureAt*> failures;
  for (Piece& p : run.pieces)
    for (FailureAt& f : p.failures) failures.push_back(&f);
  std::sort(failures.begin(), failures.end(), [](const FailureAt* a, const FailureAt* b) { return a->path < b->path; });
  const FailureAt* first = opts.stop_at_first_failure && !failures.empty() ? failures.front() : nullptr;
  const Piece* first_piece = nullptr;
  if (first)
    for (const Piece& p : run.pieces)
      for (const FailureAt& f : p.failures)
        if (&f == first) first_piece = &p;
  std::uint64_t executions = 0;
  for (Piece& p : run.pieces) {
    if (first && &p == first_piece) {  // up to the failure, where it stopped
      executions += first->ordinal;
      res.steps += first->steps;
      for (const std::string& o : p.outcomes) add_outcome(res.outcomes, res.outcomes_truncated, o, opts.max_outcomes);
      continue;
    }
    if (first && !(p.key < first->path)) continue;  // after the failure
    executions += p.executions;
    res.blocked += p.blocked;
    res.steps += p.steps;
    res.depth = std::max(res.depth, p.depth);
    for (const std::string& o : p.outcomes) add_outcome(res.outcomes, res.outcomes_truncated, o, opts.max_outcomes);
    res.outcomes_truncated |= p.outcomes_truncated;
  }
  if (first) res.depth = std::max(res.depth, first_piece ? first_piece->depth : 0);
  // Execution numbers in one worker's order.
  if (first) {
    Failure f = first->failure;
    f.execution = executions_before + executions;
    res.failures.push_back(std::move(f));
  } else {
    // Going on after failures: number them by their order among all executions
    // (every piece ran to its end).
    std::vector<const Piece*> order;
    for (const Piece& p : run.pieces) order.push_back(&p);
    std::sort(order.begin(), order.end(), [](const Piece* a, const Piece* b) { return a->key < b->key; });
    for (const FailureAt* fa : failures) {
      std::uint64_t before = 0;
      for (const Piece* p : order) {
        if (p->key < fa->path && !std::any_of(p->failures.begin(), p->failures.end(),
                                              [&](const FailureAt& x) { return &x == fa; }))
          before += p->executions;
      }
      Failure f = fa->failure;
      f.execution = executions_before + before + fa->ordinal;
      res.failures.push_back(std::move(f));
    }
  }
  res.executions += executions;
  return first != nullptr;
}

}  // namespace

ExploreResult explore_tree(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                           const ExploreOptions& opts) {
  Shared shared;
  ExploreResult res;
  std::unique_ptr<sim::Strategy> probe = make_strategy(settings);
  auto* bounded = dynamic_cast<BoundedDfs*>(probe.get());
  if (!bounded) {
    TreeRun run = run_tree(jobs, make, settings, opts, shared, std::nullopt, {});
    const bool found = merge_tree(res, run, opts, 0);
    res.complete = !run.stopped && !found;
  } else {
    // The iterations one after the other, each split.
    std::vector<std::uint64_t> per_bound;
    bool bounded_out = false, found = false;
    std::uint32_t b = 0;
    for (;; ++b) {
      const std::uint64_t before = res.executions;
      const std::string position = std::string(bounded->cost_name()) + " bound " + std::to_string(b);
      TreeRun run = run_tree(jobs, make, settings, opts, shared, b, position);
      found = merge_tree(res, run, opts, before);
      per_bound.push_back(res.executions - before);
      if (found || run.stopped) break;
      if (!run.cut) break;
      if (b >= bounded->max_bound()) {
        bounded_out = true;
        break;
      }
    }
    const bool done = !found && !shared.stop;
    res.complete = done;
    res.search = BoundedDfs::summary_text(bounded->cost_name(), b, per_bound, done, bounded_out);
    if (done && bounded_out && res.failures.empty())
      res.budget = "the search stopped at its maximum bound: " + res.search;
    if (bounded_out) {
      res.elapsed_s = seconds_since(shared.start);
      auto program = make();
      sim::StackPool stacks;
      settle(res, true, *program, stacks, opts);
      return res;
    }
  }
  res.elapsed_s = seconds_since(shared.start);
  if (!shared.error.empty()) {
    res.status = ExploreResult::Status::nondeterminism;
    res.error = shared.error;
    return res;
  }
  if (res.failures.empty() && shared.stop) res.budget = shared.budget;
  res.interrupted = shared.interrupted;
  auto program = make();
  sim::StackPool stacks;
  settle(res, false, *program, stacks, opts);
  return res;
}

namespace {

ExploreResult finish_tree(ExploreResult& res, Shared& shared, const ProgramFactory& make,
                          const ExploreOptions& opts) {
  res.elapsed_s = seconds_since(shared.start);
  res.interrupted = shared.interrupted;
  if (!shared.error.empty()) {
    res.status = ExploreResult::Status::nondeterminism;
    res.error = shared.error;
    return res;
  }
  if (res.failures.empty() && shared.stop) res.budget = shared.budget;
  auto program = make();
  sim::StackPool stacks;
  settle(res, false, *program, stacks, opts);
  return res;
}

}  // namespace

// A checkpoint's tree as small as what is left of its search allows: the
// pieces of every segment of every process had piled up (a search resumed
// eight times held 73 MB of them, past what --resume read then). Nothing
// merge_tree gives from the pieces changes:
//  - merge_tree orders pieces only against failure paths: a failure-free
//    piece counts towards a failure's execution number, or is left out after
//    the first failure, by `key < path`; everything else it takes from a
//    failure-free piece (counts summed, depth maxed, outcomes through
//    add_outcome, the truncation flag or-ed) does not depend on order. So two
//    neighbouring failure-free pieces P < Q can be one piece under P's key
//    when no failure path x has P < x <= Q: every such test then gives the
//    same answer for both. That holds for the failures a resumed search will
//    find too when no frontier subtree F has P < F < Q: a later failure lies
//    inside some F (F is a prefix of it); an F below P that is not a prefix
//    of P (check_consistency: no frontier subtree holds a piece) has all its
//    paths below P, and an F above Q has all its paths above Q. The pieces
//    left are then at most one more than the frontier's subtrees and the
//    pieces with failures: a checkpoint's size is bounded by its frontier,
//    not by how often it was resumed.
//  - A merge keeps the max_outcomes smallest of all the outcomes added
//    (add_outcome). The first piece, once failure-free and below every
//    failure and frontier subtree, is merged whenever any other piece is; so
//    another failure-free piece's outcomes that the first holds change
//    nothing, and when the first holds max_outcomes already, one greater than
//    all of them is never kept: it only truncates the merged set, as the
//    piece's flag then says.
void compact(TreeState& t, std::size_t max_outcomes) {
  std::vector<Path> boundaries = t.frontier;  // failure paths and frontier subtrees, sorted
  for (const Piece& p : t.pieces)
    for (const FailureAt& f : p.failures) boundaries.push_back(f.path);
  std::sort(boundaries.begin(), boundaries.end());
  // Whether some boundary b has lo < b <= hi.
  auto boundary_between = [&boundaries](const Path& lo, const Path& hi) {
    auto it = std::upper_bound(boundaries.begin(), boundaries.end(), lo);
    return it != boundaries.end() && !(hi < *it);
  };
  std::vector<Piece> kept;
  Path previous;  // the key of the piece before p, as it came (kept.back() may hold several)
  for (Piece& p : t.pieces) {
    const Path key = p.key;
    const bool joins = !kept.empty() && kept.back().failures.empty() && p.failures.empty() &&
                       !boundary_between(previous, key);
    previous = key;
    if (joins) {
      Piece& merged = kept.back();
      merged.executions += p.executions;
      merged.blocked += p.blocked;
      merged.steps += p.steps;
      merged.depth = std::max(merged.depth, p.depth);
      for (const std::string& o : p.outcomes) add_outcome(merged.outcomes, merged.outcomes_truncated, o, max_outcomes);
      merged.outcomes_truncated |= p.outcomes_truncated;
      continue;
    }
    kept.push_back(std::move(p));
  }
  t.pieces = std::move(kept);
  if (t.pieces.empty() || !t.pieces.front().failures.empty() ||
      (!boundaries.empty() && !(t.pieces.front().key < boundaries.front())))
    return;
  const Piece& first = t.pieces.front();
  const bool full = !first.outcomes.empty() && first.outcomes.size() >= max_outcomes;
  for (std::size_t i = 1; i < t.pieces.size(); ++i) {
    Piece& p = t.pieces[i];
    if (!p.failures.empty()) continue;  // merged differently (merge_tree): kept as it is
    std::set<std::string> outcomes;
    for (const std::string& o : p.outcomes) {
      if (first.outcomes.count(o)) continue;
      if (full && o > *first.outcomes.rbegin()) {
        p.outcomes_truncated = true;
        continue;
      }
      outcomes.insert(o);
    }
    p.outcomes = std::move(outcomes);
  }
}

}  // namespace split

using namespace split;

ExploreResult explore_bounded_resumable(const ProgramFactory& make, const ExploreSettings& settings,
                                        const ExploreOptions& opts, unsigned jobs, BoundedState& st) {
  std::unique_ptr<sim::Strategy> probe = make_strategy(settings);
  auto* bounded = dynamic_cast<BoundedDfs*>(probe.get());
  if (!bounded) throw std::invalid_argument("a bounded checkpoint is for pb and db, not " + settings.strategy);
  Shared shared;
  ExploreResult it;  // the iteration that stopped the search, or the last one
  bool found = false;
  for (;;) {
    const std::uint32_t b = st.bound;
    const std::string position = std::string(bounded->cost_name()) + " bound " + std::to_string(b);
    std::optional<Path> cutoff;
    if (opts.stop_at_first_failure)
      for (const Piece& p : st.tree.pieces)
        for (const FailureAt& f : p.failures)
          if (!cutoff || f.path < *cutoff) cutoff = f.path;
    std::vector<Path> todo = st.tree.started ? st.tree.frontier : std::vector<Path>{Path{}};
    if (cutoff) std::erase_if(todo, [&](const Path& p) { return p > *cutoff; });
    std::vector<Path> left;
    if (!st.done && !todo.empty()) {
      TreeRun run = run_tree(std::max(jobs, 1u), make, settings, opts, shared, b, position, std::move(todo), &left,
                             cutoff);
      st.cut |= run.cut;
      for (Piece& p : run.pieces)
        if (p.executions > 0) st.tree.pieces.push_back(std::move(p));
      std::sort(st.tree.pieces.begin(), st.tree.pieces.end(),
                [](const Piece& x, const Piece& y) { return x.key < y.key; });
      st.tree.frontier = std::move(left);
      compact(st.tree, opts.max_outcomes);
    }
    st.tree.started = true;
    it = ExploreResult{};
    TreeRun all;
    all.pieces = st.tree.pieces;
    found = merge_tree(it, all, opts, st.executions);
    const bool iteration_over = st.tree.frontier.empty() && shared.error.empty();
    if (st.done || !iteration_over || found) {
      st.done = st.done || (iteration_over && (found || !st.cut || b >= bounded->max_bound()));
      break;
    }
    // The iteration is over: its executions join those before it.
    st.per_bound.push_back(it.executions);
    st.executions += it.executions;
    st.blocked += it.blocked;
    st.steps += it.steps;
    st.depth = std::max(st.depth, it.depth);
    for (const std::string& o : it.outcomes) add_outcome(st.outcomes, st.outcomes_truncated, o, opts.max_outcomes);
    st.outcomes_truncated |= it.outcomes_truncated;
    if (!st.cut || b >= bounded->max_bound()) {
      st.bounded_out = st.cut;
      st.done = true;
      st.tree = TreeState{};  // counted above
      st.tree.started = true;
      it = ExploreResult{};
      break;
    }
    st.bound = b + 1;
    st.tree = TreeState{};
    st.cut = false;
  }
  // The whole search so far: the iterations before, and this one.
  ExploreResult res;
  res.failures = it.failures;
  res.executions = st.executions + it.executions;
  res.blocked = st.blocked + it.blocked;
  res.steps = st.steps + it.steps;
  res.depth = std::max(st.depth, it.depth);
  res.outcomes = st.outcomes;
  res.outcomes_truncated = st.outcomes_truncated;
  for (const std::string& o : it.outcomes) add_outcome(res.outcomes, res.outcomes_truncated, o, opts.max_outcomes);
  std::vector<std::uint64_t> per_bound = st.per_bound;
  if (per_bound.size() <= st.bound) per_bound.push_back(it.executions);
  const bool done = st.done && !found;
  res.complete = done;
  res.search = BoundedDfs::summary_text(bounded->cost_name(), st.bound, per_bound, done, st.bounded_out);
  if (done && st.bounded_out && res.failures.empty())
    res.budget = "the search stopped at its maximum bound: " + res.search;
  res.elapsed_s = seconds_since(shared.start);
  res.interrupted = shared.interrupted;
  if (!shared.error.empty()) {
    res.status = ExploreResult::Status::nondeterminism;
    res.error = shared.error;
    return res;
  }
  if (res.failures.empty() && !done) res.budget = shared.budget;
  auto program = make();
  sim::StackPool stacks;
  settle(res, st.bounded_out, *program, stacks, opts);
  return res;
}

ExploreResult explore_tree_resumable(const ProgramFactory& make, const ExploreSettings& settings,
                                     const ExploreOptions& opts, unsigned jobs, TreeState& state) {
  if (settings.strategy != "dfs")
    throw std::invalid_argument("a tree checkpoint is for dfs, not " + settings.strategy);
  Shared shared;
  std::optional<Path> cutoff;  // a failure found before: nothing after it is needed
  if (opts.stop_at_first_failure)
    for (const Piece& p : state.pieces)
      for (const FailureAt& f : p.failures)
        if (!cutoff || f.path < *cutoff) cutoff = f.path;
  std::vector<Path> todo = state.started ? state.frontier : std::vector<Path>{Path{}};
  if (cutoff) std::erase_if(todo, [&](const Path& p) { return p > *cutoff; });
  std::vector<Path> left;
  TreeRun run;
  if (!todo.empty())
    run = run_tree(std::max(jobs, 1u), make, settings, opts, shared, std::nullopt, {}, std::move(todo), &left,
                   cutoff);
  state.started = true;
  for (Piece& p : run.pieces)
    if (p.executions > 0) state.pieces.push_back(std::move(p));
  std::sort(state.pieces.begin(), state.pieces.end(), [](const Piece& a, const Piece& b) { return a.key < b.key; });
  state.frontier = std::move(left);
  compact(state, opts.max_outcomes);
  TreeRun all;
  all.pieces = state.pieces;
  ExploreResult res;
  const bool found = merge_tree(res, all, opts, 0);
  res.complete = state.frontier.empty() && !found && shared.error.empty();
  return finish_tree(res, shared, make, opts);
}

}  // namespace checker

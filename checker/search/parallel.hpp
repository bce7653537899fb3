// One search split among worker threads (--jobs), each with its own program
// instance, fibers and execution, that runs exactly the executions one worker
// would run and reports exactly the failure it would report.
//
// Each strategy is split its own way, each way in its own file (what they
// share is in workers.hpp):
//   dfs, pb, db   tree searches              split_tree.cpp
//   random, pct   executions by number       split_indexed.cpp
//   dpor          at its fault choices       split_dpor.cpp
// auto runs each of its phases (a PCT bug hunt, DPOR, then PCT) so split, one
// after the other (parallel.cpp). A time limit stops every worker; what ran
// by then differs from run to run, as it does with one worker.
//
// Shards of a search (--shard K/N), for machines that share nothing, are in
// shard.hpp.
#pragma once

#include <string>

#include "checker/search/explorer.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker {

// The default of --jobs: the machine's cores (at least 1).
unsigned default_jobs();

// Explores the search that `settings` names with `jobs` workers (1: the
// plain explorer, on this thread). `opts` holds the budgets and callbacks, as
// explore() takes them.
ExploreResult explore_parallel(const ProgramFactory& make, const ExploreSettings& settings,
                               const ExploreOptions& opts, unsigned jobs);

struct TreeState;     // checkpoint.hpp
struct IndexedState;  // checkpoint.hpp
struct BoundedState;  // checkpoint.hpp

// pb and db from a checkpoint's state: the iteration it was in (its bound,
// pieces and frontier), then the next ones, each split among `jobs` workers
// as explore_parallel() splits them; leaves in `state` where it stopped.
ExploreResult explore_bounded_resumable(const ProgramFactory& make, const ExploreSettings& settings,
                                        const ExploreOptions& opts, unsigned jobs, BoundedState& state);

// random and pct from a checkpoint's state: executions state.next, next + 1,
// ... up to the search's length (opts.max_executions), as explore_parallel()
// runs them; leaves the next execution number and the tally in `state`.
ExploreResult explore_indexed_resumable(const ProgramFactory& make, const ExploreSettings& settings,
                                        const ExploreOptions& opts, unsigned jobs, IndexedState& state);

// dfs from a checkpoint's state (the whole tree when it has not started),
// with `jobs` workers; leaves in `state` the pieces explored so far and the
// subtrees left when a stop or a budget ended it (empty when the search is
// over). The result is that of the whole search so far, in one worker's
// order, as explore_parallel() would give it.
ExploreResult explore_tree_resumable(const ProgramFactory& make, const ExploreSettings& settings,
                                     const ExploreOptions& opts, unsigned jobs, TreeState& state);

}  // namespace checker

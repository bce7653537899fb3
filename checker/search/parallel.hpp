// One search split among worker threads (--jobs), each with its own program
// instance, fibers and execution, that runs exactly the executions one worker
// would run and reports exactly the failure it would report.
//
// dfs, pb and db are tree searches (strategies/partition.hpp): each worker
// explores the subtree of a path prefix and, when another worker is idle,
// gives away the untried alternatives of its shallowest open branch point.
// The failure reported is the first in the order of one worker (the least
// path: the search goes on in the subtrees before it until they are done, and
// stops the ones after it); the executions counted are those up to it in that
// order, so the counts, the verdict and the trace are the same for any number
// of workers. pb and db run their iterations one after the other, each split.
//
// random and pct run executions 0, 1, 2, ... that do not depend on each other:
// workers take the next number; the failure reported is the one with the
// least number, after every lower number has run. With --max-executions N they
// run exactly executions 0 .. N-1, as one worker does.
//
// dpor is split at its fault choices (execution.choose): the subtrees below
// the values of one choice do not depend on each other; a worker gives the
// untried values of its shallowest open choice away, and when it comes back
// to that choice it takes their results, value by value, with what they add
// to the backtrack sets above them, so that it goes on as one worker would
// (strategies/dpor.hpp). A program without fault choices runs on one worker.
// auto runs both its phases so split. A time limit stops every worker; what
// ran by then differs from run to run, as it does with one worker.
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

// The search line of `auto` without a budget (DPOR to its end), as any
// number of workers gives it: "auto: dpor", "auto: dpor, complete".
std::string auto_dpor_summary(const ExploreResult& r);

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

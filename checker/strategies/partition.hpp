// What a strategy offers so that one search can be split among worker
// threads (--jobs) or machines (--shard) and still run exactly the
// executions, and report exactly the failure, that one worker would.
//
// A tree search (DFS, and each iteration of the bounded searches) names an
// execution by its path: the index of the alternative taken at each branch
// point, root first. Executions run in the lexicographic order of their
// paths; a subtree is named by a path prefix. A worker explores the subtree of
// a prefix (set_root) and, when asked, gives away the untried alternatives of
// its shallowest open branch point (donate), each a subtree of its own.
//
// An indexed search (random walks, PCT) runs executions 0, 1, 2, ... that do
// not depend on each other: execution i draws from its own generator, so any
// worker can run any i (seek).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace checker {

using Path = std::vector<std::uint32_t>;

class TreeSearch {
 public:
  virtual ~TreeSearch() = default;
  // From now on, only the subtree below `prefix`; the search starts again.
  virtual void set_root(std::span<const std::uint32_t> prefix) = 0;
  // The path of the execution that just ran (call before end_execution).
  virtual void last_path(Path& out) const = 0;
  // Gives away the untried alternatives of the shallowest branch point below
  // the root that has some: appends one prefix per alternative, in order, and
  // leaves them out of this search. False when there is nothing to give.
  virtual bool donate(std::vector<Path>& out) = 0;
};

class IndexedSearch {
 public:
  virtual ~IndexedSearch() = default;
  // The next execution is execution number `index` (from 0).
  virtual void seek(std::uint64_t index) = 0;
  // How many executions must run first, in order, on one instance, because
  // the others depend on them (PCT's first run, which gives k).
  virtual std::uint64_t warmup() const { return 0; }
  // After `first` ran the warmup executions: take what they taught it.
  virtual void learn_from(const IndexedSearch& /*first*/) {}
};

}  // namespace checker

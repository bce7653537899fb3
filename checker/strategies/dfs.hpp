// Exhaustive depth-first search over every decision, stateless: each
// execution starts from a fresh model state and replays the path's prefix.
//
// The path is data (cf. loom's src/rt/path.rs): one branch point per decision
// that had a real choice, in a flat vector. A thread point records the threads
// that were enabled (in a flat pool) and which of them is being tried (those
// before it were tried already); a value point records the range and the value
// being tried. After an execution, backtracking drops the exhausted points
// from the end and moves the last open one to its next alternative; the next
// execution runs that new prefix and extends it with first choices. Forced
// points (one enabled thread) are not stored: there is nothing to backtrack.
//
// The per-step path allocates nothing once the vectors have grown to the
// deepest execution.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/strategies/partition.hpp"
#include "checker/strategies/search.hpp"
#include "sim/strategy.hpp"

namespace checker {

class DfsStrategy final : public sim::Strategy, public TreeSearch, public SearchInfo {
 public:
  struct Branch {
    bool is_value = false;
    std::uint32_t count = 0;   // alternatives: enabled threads, or the value range
    std::uint32_t tried = 0;   // index of the alternative this execution takes
    std::uint32_t offset = 0;  // thread points: where the enabled threads start in the pool
    std::uint32_t limit = 0;   // alternatives from `tried` up to here are this search's
  };

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution& ex) override;
  std::string abort_reason() const override { return abort_reason_; }

  // The branch points of the current path, and the enabled threads they recorded.
  const std::vector<Branch>& path() const { return path_; }
  std::span<const sim::ThreadId> enabled_at(const Branch& b) const {
    return {pool_.data() + b.offset, b.count};
  }
  // True once every path has been explored.
  bool done() const { return done_; }

  // Branch points deeper than `depth` are not branch points: they take their
  // first alternative (to list the subtrees at that depth, as --shard does).
  void set_depth_limit(std::size_t depth) { depth_limit_ = depth; }
  void set_root(std::span<const std::uint32_t> prefix) override;
  void last_path(Path& out) const override;
  bool donate(std::vector<Path>& out) override;
  // Between executions: the subtrees this search has yet to explore, in its
  // order, appended to `out` (a checkpoint's frontier): the subtree of the
  // path the next execution starts with, then the untried alternatives of
  // each branch point above it, deepest first. Nothing once it is done.
  void remaining(std::vector<Path>& out) const;
  // The executions so far over the part of the tree behind the current path,
  // as if every branch point split it evenly (for the progress line).
  double estimate() const override;

 private:
  std::vector<Branch> path_;
  std::vector<sim::ThreadId> pool_;
  std::size_t pos_ = 0;  // next branch point of the current execution
  Path root_;            // the first branch points take these alternatives, and only them
  std::size_t depth_limit_ = ~std::size_t{0};
  bool done_ = false;
  bool fresh_ = true;  // no execution since set_root (or construction)
  std::uint64_t executions_ = 0;
  std::string abort_reason_;
};

}  // namespace checker

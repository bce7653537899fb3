// The core of iterative bounded search (preemption bounding, delay bounding):
// depth-first search over the schedules whose cost stays within a bound,
// run for bound 0, 1, 2, ... until an iteration meets no schedule that the
// bound cut off (the search is then complete), or a maximum bound.
//
// Each thread decision offers its alternatives cheapest first, each with a
// cost (a preemption, a number of delays); a subclass says which
// (preemption_bounding.hpp, delay_bounding.hpp). Fault choices cost nothing
// and are all explored. The path is data, as in DfsStrategy: one branch point
// per decision with more than one alternative, in a flat vector; alternatives
// in a flat pool; nothing is allocated per step once they have grown.
//
// Iteration b runs again the schedules of cost below b (a stateless search
// keeps no set of them); they are few beside the new ones, whose number grows
// quickly with b. The executions of each iteration are counted apart.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "checker/strategies/partition.hpp"
#include "checker/strategies/search.hpp"
#include "sim/schedule.hpp"
#include "sim/strategy.hpp"

namespace checker {

class BoundedDfs : public sim::Strategy, public SearchInfo, public TreeSearch {
 public:
  static constexpr std::uint32_t kNoMaximum = std::numeric_limits<std::uint32_t>::max();

  // Iterates the bound from 0 up to `max_bound` (inclusive).
  explicit BoundedDfs(std::uint32_t max_bound = kNoMaximum) : max_bound_(max_bound) {}

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution& ex) override;
  std::string abort_reason() const override { return abort_reason_; }

  std::string summary() const override;
  static std::string summary_text(const char* cost_name, std::uint32_t bound,
                                  const std::vector<std::uint64_t>& per_bound, bool done,
                                  bool bounded_out);
  std::string position() const override {
    return std::string(cost_name()) + " bound " + std::to_string(bound_);
  }
  double estimate() const override;
  bool bounded_out() const override { return bounded_out_; }

  // The bound of the iteration running now (of the last one, once done).
  std::uint32_t bound() const { return bound_; }
  std::uint32_t max_bound() const { return max_bound_; }
  // The cost of the execution running now (or of the last one).
  std::uint32_t cost() const { return cost_; }
  // Executions run in iteration b, for b = 0 .. bound().
  const std::vector<std::uint64_t>& executions_per_bound() const { return per_bound_; }
  bool done() const { return done_; }
  // What a unit of cost is called: "preemption", "delay".
  virtual const char* cost_name() const = 0;

  // For a search split among workers: from now on, only iteration `bound`
  // (the search ends with it instead of going on to the next), from the root.
  void set_iteration(std::uint32_t bound);
  // This iteration left out a schedule over its bound (so another is needed).
  bool cut() const { return cut_; }
  void set_root(std::span<const std::uint32_t> prefix) override;
  void last_path(Path& out) const override;
  bool donate(std::vector<Path>& out) override;
  // Between executions: the subtrees of this iteration it has yet to explore
  // (a checkpoint's frontier), as DfsStrategy::remaining lists them.
  void remaining(std::vector<Path>& out) const;

 protected:
  struct Alt {
    sim::ThreadId thread = 0;
    std::uint32_t cost = 0;
  };
  // Appends the alternatives of a thread decision to `out`, cheapest first;
  // out holds every enabled thread once, and the first costs 0.
  virtual void alternatives(std::span<const sim::ThreadId> enabled, const sim::Execution& ex,
                            std::vector<Alt>& out) const = 0;

 private:
  struct Branch {
    bool is_value = false;
    std::uint32_t count = 0;        // alternatives within the bound, or the value range
    std::uint32_t tried = 0;        // the alternative this execution takes
    std::uint32_t offset = 0;       // thread points: where its alternatives start in pool_
    std::uint32_t cost_before = 0;  // cost of the path before this decision
    std::uint32_t limit = 0;        // alternatives from `tried` up to here are this search's
  };
  void restart_iteration();

  std::uint32_t max_bound_;
  std::uint32_t bound_ = 0;
  std::uint32_t cost_ = 0;
  bool cut_ = false;          // this iteration left out a schedule over the bound
  bool bounded_out_ = false;  // the search ended at max_bound with schedules left out
  bool done_ = false;
  bool fresh_ = true;  // no execution since set_root or set_iteration
  std::vector<Branch> path_;
  std::vector<Alt> pool_;
  std::vector<Alt> scratch_;
  std::size_t pos_ = 0;
  Path root_;             // the first branch points take these alternatives, and only them
  bool iterate_ = true;   // go on to the next bound when an iteration is exhausted
  std::vector<std::uint64_t> per_bound_{0};
  std::string abort_reason_;
};

}  // namespace checker

// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi and
// Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of
// Finding Bugs", ASPLOS 2010). Each execution gives the threads random
// distinct priorities d, d+1, ..., d+n-1 and picks d-1 priority change points
// among the k steps; the enabled thread of highest priority always runs; at
// the i-th change point the running thread drops to priority i (below every
// initial one). A bug of depth d (d ordering constraints) is found by each
// execution with probability at least 1 / (n k^(d-1)).
//
// k, the number of steps, is taken from a first run (which has no change
// points). Fault values are drawn uniformly. Execution i draws from its own
// generator, seeded from (seed, i), so that it is the same execution however
// the search is split among workers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/strategies/partition.hpp"
#include "checker/strategies/random.hpp"
#include "checker/strategies/search.hpp"
#include "sim/strategy.hpp"

namespace checker {

class PctStrategy final : public sim::Strategy, public SearchInfo, public IndexedSearch {
 public:
  PctStrategy(std::uint64_t seed, std::uint32_t depth);

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  // PCT never ends by itself: the explorer's budget ends it.
  bool end_execution(const sim::Execution& ex) override;

  std::string summary() const override;
  std::string position() const override;

  // Runs execution number `index` (from 0) next; the explorer's executions
  // run 0, 1, 2, ... without it.
  void seek(std::uint64_t index) override { index_ = index; }
  // Execution 0 gives k.
  std::uint64_t warmup() const override { return 1; }
  void learn_from(const IndexedSearch& first) override;
  std::uint32_t depth() const { return depth_; }
  std::uint64_t steps_k() const { return k_; }
  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::uint32_t depth_;
  std::uint64_t index_ = 0;   // the execution running now
  std::uint64_t k_ = 0;       // steps of the first run (0 until it ended)
  std::size_t threads_ = 0;   // threads of the first run
  Xoshiro256 rng_;
  bool started_ = false;      // priorities drawn for this execution
  std::vector<std::uint64_t> priority_;   // per thread; higher runs first
  std::vector<std::uint64_t> changes_;    // the steps (1-based) where the runner drops
  std::uint64_t step_ = 0;
};

}  // namespace checker

// A seeded random walk: every decision uniformly at random among the enabled
// threads or the fault values. The generator is our own (xoshiro256**, seeded
// through splitmix64), with unbiased bounded draws, so the same seed gives the
// same walk on any machine and with any standard library. Execution i draws
// from its own generator, seeded from (seed, i), so that any worker can run
// it (partition.hpp).
#pragma once

#include <cstdint>

#include "checker/strategies/partition.hpp"
#include "sim/strategy.hpp"

namespace checker {

class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed);
  std::uint64_t next();
  // Uniform in [0, n), n >= 1, without modulo bias (Lemire's method).
  std::uint32_t below(std::uint32_t n);

 private:
  std::uint64_t s_[4];
};

// The seed of execution `index`'s generator: splitmix64 of (seed, index).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t index);

class RandomStrategy final : public sim::Strategy, public IndexedSearch {
 public:
  explicit RandomStrategy(std::uint64_t seed) : rng_(seed), seed_(seed) {}

  void begin_execution() override { rng_ = Xoshiro256(stream_seed(seed_, index_)); }
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution&) override {
    return enabled.size() == 1 ? enabled[0]
                               : enabled[rng_.below(static_cast<std::uint32_t>(enabled.size()))];
  }
  std::uint32_t pick_value(std::uint32_t n, const char*, const sim::Execution&) override {
    return rng_.below(n);
  }
  // A random walk never ends by itself: the explorer's budget ends it.
  bool end_execution(const sim::Execution&) override {
    ++index_;
    return true;
  }
  std::uint64_t seed() const { return seed_; }
  void seek(std::uint64_t index) override { index_ = index; }

 private:
  Xoshiro256 rng_;
  std::uint64_t seed_;
  std::uint64_t index_ = 0;
};

}  // namespace checker

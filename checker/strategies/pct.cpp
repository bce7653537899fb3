#include "checker/strategies/pct.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/execution.hpp"

namespace checker {

PctStrategy::PctStrategy(std::uint64_t seed, std::uint32_t depth)
    : seed_(seed), depth_(std::max<std::uint32_t>(depth, 1)), rng_(stream_seed(seed, 0)) {}

void PctStrategy::begin_execution() {
  rng_ = Xoshiro256(stream_seed(seed_, index_));
  started_ = false;
  step_ = 0;
}

sim::ThreadId PctStrategy::pick_thread(std::span<const sim::ThreadId> enabled,
                                       const sim::Execution& ex) {
  if (!started_) {
    // Random distinct priorities depth_ .. depth_+n-1 (a shuffle), and
    // depth_-1 change points among steps 1..k (none in the first run).
    started_ = true;
    const std::size_t n = ex.thread_count();
    priority_.resize(n);
    for (std::size_t t = 0; t < n; ++t) priority_[t] = depth_ + t;
    for (std::size_t t = n; t > 1; --t)
      std::swap(priority_[t - 1], priority_[rng_.below(static_cast<std::uint32_t>(t))]);
    changes_.clear();
    if (k_ > 0)
      for (std::uint32_t i = 1; i < depth_; ++i)
        changes_.push_back(1 + rng_.below(static_cast<std::uint32_t>(std::min<std::uint64_t>(k_, 0xffffffffu))));
  }
  ++step_;
  sim::ThreadId best = enabled[0];
  for (sim::ThreadId t : enabled)
    if (priority_[t] > priority_[best]) best = t;
  // A change point at this step: the thread about to run drops to priority
  // i (the i-th change point), below every initial priority; then the new
  // highest runs.
  for (std::size_t i = 0; i < changes_.size(); ++i)
    if (changes_[i] == step_) {
      priority_[best] = i + 1;
      for (sim::ThreadId t : enabled)
        if (priority_[t] > priority_[best]) best = t;
    }
  return best;
}

std::uint32_t PctStrategy::pick_value(std::uint32_t n, const char*, const sim::Execution&) {
  return rng_.below(n);
}

bool PctStrategy::end_execution(const sim::Execution& ex) {
  if (index_ == 0) {
    // The run's steps: its thread decisions (not the end-of-run checks).
    std::uint64_t steps = 0;
    for (const sim::Decision& d : ex.schedule()) steps += d.kind == sim::Decision::Kind::thread;
    k_ = std::max<std::uint64_t>(steps, 1);
    threads_ = priority_.size();
  }
  ++index_;
  return true;
}

void PctStrategy::learn_from(const IndexedSearch& first) {
  if (const auto* p = dynamic_cast<const PctStrategy*>(&first)) {
    k_ = p->k_;
    threads_ = p->threads_;
  }
}

std::string PctStrategy::summary() const {
  std::string s = "PCT depth " + std::to_string(depth_) + ", seed " + std::to_string(seed_);
  if (k_ > 0 && threads_ > 0) {
    // The probability that one execution finds a given bug of depth d.
    const double p = 1.0 / (double(threads_) * std::pow(double(k_), double(depth_) - 1));
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  ", k = %llu steps, n = %zu threads: each execution finds a given bug of depth "
                  "%u with probability >= 1/(n k^(d-1)) = %.3g",
                  static_cast<unsigned long long>(k_), threads_, depth_, p);
    s += buf;
  }
  return s;
}

std::string PctStrategy::position() const { return "PCT depth " + std::to_string(depth_); }

}  // namespace checker

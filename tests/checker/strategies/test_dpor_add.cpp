// DPOR with commutative updates (sim::Access::add): two adds of one object
// are independent, an add and a read or a write are not. The verdicts and
// outcome sets stay those of plain DFS (on programs whose adds really
// commute), and the schedules that only reorder adds are pruned.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "checker/search/explorer.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/dpor.hpp"
#include "models/program.hpp"
#include "sim/execution.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::R;
using checker::testing::W;
using checker::testing::explore_everything;

namespace {

constexpr auto A = sim::Access::add;

// `threads` threads each add 1 to a counter `k` times; one reader reads it
// once. With `as_add` the increments announce adds, otherwise writes. The
// outcome is the value the reader saw.
class Counter final : public models::Program {
 public:
  Counter(int threads, int k, bool as_add) : threads_(threads), k_(k), as_add_(as_add) {}
  void setup(sim::Execution& ex) override {
    count_ = 0;
    seen_ = -1;
    const sim::ObjectId c = ex.new_object("count");
    for (int t = 0; t < threads_; ++t)
      ex.spawn("adder" + std::to_string(t), [this, &ex, c] {
        for (int n = 0; n < k_; ++n) {
          ex.step(sim::Op::make(sim::OpKind::plain, "get", {{c, as_add_ ? A : W}}));
          ++count_;
        }
      });
    ex.spawn("reader", [this, &ex, c] {
      ex.step(sim::Op::make(sim::OpKind::plain, "read", {{c, R}}));
      seen_ = count_;
    });
  }
  std::string outcome() const override { return std::to_string(seen_) + " final " + std::to_string(count_); }

 private:
  int threads_, k_;
  bool as_add_;
  int count_ = 0, seen_ = -1;
};

// A random program over two objects: each thread runs a few steps, each a
// read (which records the value), a write (which sets it to a value of its
// own) or an add (which adds a value of its own, and commutes with the other
// adds). The outcome is every thread's reads and the final values.
struct StepSpec {
  int object;
  sim::Access access;
  int value;
};

class RandomAccesses final : public models::Program {
 public:
  explicit RandomAccesses(std::vector<std::vector<StepSpec>> threads) : threads_(std::move(threads)) {}
  void setup(sim::Execution& ex) override {
    values_ = {0, 0};
    seen_.assign(threads_.size(), "");
    const sim::ObjectId obj[2] = {ex.new_object("x"), ex.new_object("y")};
    for (std::size_t t = 0; t < threads_.size(); ++t)
      ex.spawn("t" + std::to_string(t), [this, &ex, t, obj] {
        for (const StepSpec& s : threads_[t]) {
          ex.step(sim::Op::make(sim::OpKind::plain, "access", {{obj[s.object], s.access}}));
          int& v = values_[std::size_t(s.object)];
          if (s.access == R) seen_[t] += std::to_string(v) + ",";
          if (s.access == W) v = s.value;
          if (s.access == A) v += s.value;
        }
      });
  }
  std::string outcome() const override {
    std::string o;
    for (const std::string& s : seen_) o += s + "|";
    return o + std::to_string(values_[0]) + " " + std::to_string(values_[1]);
  }

 private:
  std::vector<std::vector<StepSpec>> threads_;
  std::vector<int> values_;
  std::vector<std::string> seen_;
};

std::uint64_t power(std::uint64_t b, int e) {
  std::uint64_t r = 1;
  while (e-- > 0) r *= b;
  return r;
}

}  // namespace

TEST_CASE("dpor with adds: increments that commute are not reordered, with DFS's outcomes") {
  for (const auto& threads_k : {std::pair{1, 3}, std::pair{2, 2}, std::pair{3, 2}}) {
    // Not a structured binding: clang 14 cannot capture one in INFO's lambda.
    const int threads = threads_k.first, k = threads_k.second;
    INFO(threads << " adders, " << k << " adds each");
    Counter as_add(threads, k, true), as_write(threads, k, false), for_dfs(threads, k, true);
    DfsStrategy dfs;
    DporStrategy adds, writes;
    const ExploreResult d = explore_everything(for_dfs, dfs);
    const ExploreResult a = explore_everything(as_add, adds);
    const ExploreResult w = explore_everything(as_write, writes);
    REQUIRE(d.complete);
    REQUIRE(a.complete);
    REQUIRE(w.complete);
    CHECK(a.outcomes == d.outcomes);
    CHECK(w.outcomes == d.outcomes);
    // One trace per choice, for each adder, of how many of its adds come
    // before the read: (k + 1) ^ threads.
    CHECK(adds.complete() == power(std::uint64_t(k + 1), threads));
    // As writes, every order of the adders' steps is its own trace too.
    if (threads > 1) CHECK(writes.complete() > adds.complete());
  }
}

TEST_CASE("dpor with adds: random programs of reads, writes and adds have DFS's outcomes") {
  std::mt19937 rng(20261205);
  const sim::Access kinds[3] = {R, W, A};
  for (int round = 0; round < 150; ++round) {
    std::vector<std::vector<StepSpec>> threads(2 + rng() % 2);
    for (auto& steps : threads) {
      steps.resize(1 + rng() % 3);
      for (StepSpec& s : steps) s = {int(rng() % 2), kinds[rng() % 3], int(1 + rng() % 5)};
    }
    INFO("round " << round);
    RandomAccesses p1(threads), p2(threads);
    DfsStrategy dfs;
    DporStrategy dpor;
    const ExploreResult d = explore_everything(p1, dfs);
    const ExploreResult e = explore_everything(p2, dpor);
    REQUIRE(d.complete);
    REQUIRE(e.complete);
    CHECK(e.outcomes == d.outcomes);
  }
}

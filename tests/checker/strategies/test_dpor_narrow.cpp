// DPOR over executed footprints (sim::Execution::narrow): a step that
// announced a write and only read races as a read, which prunes schedules;
// the verdicts and outcome sets stay those of plain DFS, also when what a
// step did depends on a fault value it chose.
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>

#include "checker/search/explorer.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/dpor.hpp"
#include "models/program.hpp"
#include "sim/execution.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::R;
using checker::testing::W;
using checker::testing::explore_everything;

namespace {

sim::Op op(const char* label, std::initializer_list<sim::Touch> ts) {
  return sim::Op::make(sim::OpKind::plain, label, ts);
}

// A writer commits `k` times; each commit announces a write of i_size (it may
// grow the file) but grows it only on the last one, and otherwise, with
// `narrow`, says it only read i_size (as generic_commit_write when the write
// ends inside the file). A reader reads i_size `k` times. The outcome is what
// the reader saw.
class Commits final : public models::Program {
 public:
  Commits(int k, bool narrow) : k_(k), narrow_(narrow) {}
  void setup(sim::Execution& ex) override {
    i_size_ = 0;
    seen_.clear();
    const sim::ObjectId size = ex.new_object("i_size");
    ex.spawn("writer", [this, &ex, size] {
      for (int n = 1; n <= k_; ++n) {
        ex.step(op("commit_write", {{size, W}}));
        if (n == k_)
          i_size_ = n;
        else if (narrow_)
          ex.narrow({{size, R}});
      }
    });
    ex.spawn("reader", [this, &ex, size] {
      for (int n = 0; n < k_; ++n) {
        ex.step(op("read i_size", {{size, R}}));
        seen_ += std::to_string(i_size_);
      }
    });
  }
  std::string outcome() const override { return seen_; }

 private:
  int k_;
  bool narrow_;
  int i_size_ = 0;
  std::string seen_;
};

// A thread whose one step announces writes of x and y, chooses which one it
// writes (a fault value) and narrows to it; a reader reads x, then y; a third
// thread writes y. Which objects the first step touched depends on the value:
// the search must race it anew under each value.
class ChosenTarget final : public models::Program {
 public:
  void setup(sim::Execution& ex) override {
    x_ = y_ = 0;
    seen_.clear();
    const sim::ObjectId x = ex.new_object("x"), y = ex.new_object("y");
    ex.spawn("chooser", [this, &ex, x, y] {
      ex.step(op("write x or y", {{x, W}, {y, W}}));
      if (ex.choose(2, "which") == 0) {
        x_ = 1;
        ex.narrow({{x, W}});
      } else {
        y_ = 1;
        ex.narrow({{y, W}});
      }
    });
    ex.spawn("reader", [this, &ex, x, y] {
      ex.step(op("read x", {{x, R}}));
      seen_ += "x" + std::to_string(x_);
      ex.step(op("read y", {{y, R}}));
      seen_ += "y" + std::to_string(y_);
    });
    ex.spawn("other", [this, &ex, y] {
      ex.step(op("write y", {{y, W}}));
      y_ = 2;
    });
  }
  std::string outcome() const override { return seen_ + " y=" + std::to_string(y_); }

 private:
  int x_ = 0, y_ = 0;
  std::string seen_;
};

}  // namespace

TEST_CASE("dpor over executed footprints: a commit that only read races as a read, with DFS's outcomes") {
  for (int k : {2, 3, 4}) {
    INFO("k = " << k);
    Commits plain(k, false), narrowed(k, true);
    DfsStrategy dfs;
    DporStrategy announced, executed;
    const ExploreResult d = explore_everything(narrowed, dfs);
    const ExploreResult a = explore_everything(plain, announced);
    const ExploreResult e = explore_everything(narrowed, executed);
    REQUIRE(d.complete);
    REQUIRE(e.complete);
    CHECK(e.outcomes == d.outcomes);
    CHECK(a.outcomes == d.outcomes);
    // The reader's k reads against the last commit only: k + 1 places for it.
    CHECK(e.outcomes.size() == std::size_t(k + 1));
    CHECK(executed.complete() == std::uint64_t(k + 1));
    // Announced footprints order every commit against every read.
    CHECK(announced.complete() > executed.complete());
  }
}

TEST_CASE("dpor over executed footprints: a step's footprint chosen by a fault value is raced under each value") {
  ChosenTarget p1, p2;
  DfsStrategy dfs;
  DporStrategy dpor;
  const ExploreResult d = explore_everything(p1, dfs);
  const ExploreResult e = explore_everything(p2, dpor);
  REQUIRE(d.complete);
  REQUIRE(e.complete);
  CHECK(e.outcomes == d.outcomes);
  CHECK(d.outcomes.size() > 4);
}

// DPOR with guarded steps (sim::OpKind::guarded: enabled while a condition
// on shared state holds): a race with a guarded step that was disabled just
// before the other step is reversed further back, before a step where its
// guard held; the outcomes are DFS's.
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


// A worker marks its work (m = 1) and takes a flag in one step, then drops
// the flag. A guarded thread runs only while the flag is down and records
// the mark it sees: before the worker's first step (0) or after its second
// (1). Its race with the step that dropped the flag cannot be reversed (it
// was disabled there); the one with the first step is hidden behind it.
class GuardedAfterFlag final : public models::Program {
 public:
  void setup(sim::Execution& ex) override {
    flag_ = mark_ = 0;
    seen_ = -1;
    const sim::ObjectId flag = ex.new_object("flag"), mark = ex.new_object("mark");
    ex.spawn("worker", [this, &ex, flag, mark] {
      ex.step(sim::Op::make(sim::OpKind::plain, "mark and take", {{flag, W}, {mark, W}}));
      mark_ = 1;
      flag_ = 1;
      ex.step(sim::Op::make(sim::OpKind::plain, "drop", {{flag, W}}));
      flag_ = 0;
    });
    ex.spawn("guarded", [this, &ex, flag, mark] {
      sim::Op op = sim::Op::make(sim::OpKind::guarded, "when the flag is down", {{flag, R}, {mark, R}});
      op.guard = {[](const void* self) { return static_cast<const GuardedAfterFlag*>(self)->flag_ == 0; }, this};
      ex.step(op);
      seen_ = mark_;
    });
  }
  std::string outcome() const override { return "seen mark " + std::to_string(seen_); }

 private:
  int flag_ = 0, mark_ = 0, seen_ = -1;
};

}  // namespace

TEST_CASE("dpor with a guarded step: a race hidden behind the step that enabled it is reversed before it") {
  GuardedAfterFlag a, b;
  DfsStrategy dfs;
  DporStrategy dpor;
  const ExploreResult d = explore_everything(a, dfs);
  const ExploreResult e = explore_everything(b, dpor);
  REQUIRE(d.complete);
  REQUIRE(e.complete);
  CHECK(d.outcomes == std::set<std::string>{"seen mark 0", "seen mark 1"});
  CHECK(e.outcomes == d.outcomes);
}

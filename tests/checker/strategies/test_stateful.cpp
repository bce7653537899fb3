// The stateful search: schedules that reach the same state are merged (fewer
// executions than DFS on threads that share nothing), the store's bound is
// honoured and reported, a program without digests is searched as plain DFS,
// and the same verdicts and outcome sets as DPOR on every shipped scenario
// and agent scenario, for every variant `check` judges it on, within a
// budget (cells DPOR or the stateful search cannot complete in it are
// skipped and counted; most must be compared).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/scenario/model.hpp"
#include "checker/search/explorer.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/dpor.hpp"
#include "checker/strategies/stateful.hpp"
#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::run;
namespace fs = std::filesystem;

namespace {

std::uint64_t no_global_state(const void*) { return 0; }

// `threads` threads, each storing k times to a word of its own: nothing is
// shared, so the states are the threads' positions, (k + 1)^threads of them.
// `digests`: the program says it has no state beyond its words.
class Independent final : public models::Program {
 public:
  Independent(int threads, int k, bool digests) : threads_(threads), k_(k), digests_(digests) {}
  void setup(sim::Execution& ex) override {
    words_.clear();
    for (int i = 0; i < threads_; ++i) words_.push_back(std::make_unique<sim::SharedWord>(ex, "w" + std::to_string(i)));
    if (digests_) ex.set_global_digest({&no_global_state, nullptr});
    for (int i = 0; i < threads_; ++i)
      ex.spawn("t" + std::to_string(i), [this, i] {
        for (int n = 1; n <= k_; ++n) words_[i]->store(n, "store");
      });
  }
  std::string outcome() const override {
    std::string s;
    for (const auto& w : words_) s += std::to_string(w->peek()) + " ";
    return s;
  }

 private:
  int threads_, k_;
  bool digests_;
  std::vector<std::unique_ptr<sim::SharedWord>> words_;
};

std::set<std::string> broken_invariants(const ExploreResult& r) {
  std::set<std::string> s;
  for (const Failure& f : r.failures) s.insert(invariant_of(f.verdict));
  return s;
}

}  // namespace

TEST_CASE("stateful: schedules that reach the same state are merged") {
  Independent p(3, 3, true);
  DfsStrategy dfs;
  const ExploreResult d = run(p, dfs);
  StatefulStrategy st;
  const ExploreResult s = run(p, st);
  CHECK(d.complete);
  CHECK(s.complete);
  CHECK(d.executions == 1680);  // 12! / (3! 3! 3! ... ): every interleaving
  CHECK(s.states == 4 * 4 * 4 - 1);  // every position but the end, where nobody is picked
  CHECK(st.matched() > 0);
  CHECK(s.executions < d.executions / 4);
  CHECK(s.outcomes == d.outcomes);
  CHECK(s.search.find("states stored") != std::string::npos);
}

TEST_CASE("stateful: the store's bound is honoured and reported, and the search stays complete") {
  Independent p(2, 3, true);
  StatefulStrategy st(5);
  const ExploreResult s = run(p, st);
  CHECK(s.complete);
  CHECK(s.states == 5);
  CHECK(st.not_stored() > 0);
  CHECK(s.search.find("the store was full (max_states 5)") != std::string::npos);
  DfsStrategy dfs;
  const ExploreResult d = run(p, dfs);
  CHECK(s.outcomes == d.outcomes);
  StatefulStrategy unbounded;
  const ExploreResult u = run(p, unbounded);
  CHECK(u.executions < s.executions);  // the full store saved work the bounded one did
  CHECK(unbounded.not_stored() == 0);
}

TEST_CASE("stateful: a program without state digests is searched as plain DFS, and says so") {
  Independent p(2, 2, false);
  StatefulStrategy st;
  DfsStrategy dfs;
  const ExploreResult s = run(p, st);
  const ExploreResult d = run(p, dfs);
  CHECK(s.executions == d.executions);
  CHECK(s.states == 0);
  CHECK(s.search.find("no digest") != std::string::npos);
}

TEST_CASE("stateful: the same verdicts and outcome sets as dpor on every scenario, on every variant") {
  // Budgets in executions, not seconds, so that the cells compared are the
  // same on every machine and in every build (sanitizers run 10x slower).
  // With 100000 stateful executions the test took 73 s of CI's Release time
  // (three times that sanitized), 60 s of it in 30 cells that ran out of the
  // budget anyway and compared nothing. 25000 takes 21 s and leaves out 4
  // page-cache cells (of 113) that completed between 39026 and 91924
  // executions, and 2 example programs.
  constexpr std::uint64_t kDporExecutions = 20000, kStatefulExecutions = 25000;
  sim::StackPool stacks;
  std::size_t compared = 0, skipped_dpor = 0, skipped_stateful = 0, plain = 0;
  for (const std::string& file : checker::testing::scenarios_and_strategy_programs()) {
    for (const Scenario& s : expectation_cells(load_scenario(file))) {
      INFO(file << " [" << s.model << "]");
      ExploreOptions opts;
      opts.max_steps = s.explore.max_steps;
      opts.stop_at_first_failure = false;
      opts.verify_failure = false;
      opts.max_executions = kDporExecutions;
      auto program = make_program(s);
      DporStrategy dpor;
      const ExploreResult a = explore(*program, dpor, stacks, opts);
      if (!a.complete) {
        ++skipped_dpor;
        continue;
      }
      opts.max_executions = kStatefulExecutions;
      StatefulStrategy stateful;
      const ExploreResult b = explore(*program, stateful, stacks, opts);
      if (!b.complete) {
        ++skipped_stateful;
        continue;
      }
      // The example programs (models/examples) give no digests: searched as
      // plain DFS, whose outcomes (some log the order of independent steps)
      // DPOR is not meant to match. Every page-cache model gives them.
      if (!stateful.digestible()) {
        CHECK(s.model.rfind("example:", 0) == 0);
        ++plain;
        continue;
      }
      CHECK(a.status == b.status);
      CHECK(broken_invariants(a) == broken_invariants(b));
      CHECK(a.outcomes == b.outcomes);
      ++compared;
    }
  }
  MESSAGE("compared " << compared << " cells; skipped " << skipped_dpor << " that dpor, and " << skipped_stateful
                      << " that the stateful search, could not complete in the budget; " << plain
                      << " example programs without digests");
  // Most cells are compared; those left out are the largest searches, which
  // the benchmark's scale table runs (interleave-bench --table scale).
  CHECK(compared > skipped_dpor + skipped_stateful);
}

// Source-set DPOR with sleep sets: the reductions it must reach (one
// execution for threads that share nothing, C(2k, k) for two writers, one
// execution per order of critical sections), blocking and fault choices and
// daemons handled soundly, and the same verdicts and outcomes as plain DFS on
// every scenario file and example program small enough for DFS (the files are
// found when the test runs).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "checker/scenario/load.hpp"
#include "checker/search/explorer.hpp"
#include "checker/io/input_error.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/dpor.hpp"
#include "models/examples/examples.hpp"
#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"
#include "tests/checker/helpers.hpp"

using namespace checker;
using checker::testing::run;
using checker::testing::multinomial;
using checker::testing::scenario_files_under;
namespace fs = std::filesystem;

namespace {

// `threads` threads each write one shared word k times; the outcome is the
// order of the writes (all of them write the word, so it is the trace).
class Writers final : public models::Program {
 public:
  Writers(int threads, int k) : threads_(threads), k_(k) {}
  void setup(sim::Execution& ex) override {
    order_.clear();
    x_ = std::make_unique<sim::SharedWord>(ex, "x", 0);
    for (int i = 0; i < threads_; ++i)
      ex.spawn("t" + std::to_string(i), [this, i] {
        for (int n = 0; n < k_; ++n) {
          x_->store(i, "store");
          order_ += char('0' + i);
        }
      });
  }
  std::string outcome() const override { return order_; }

 private:
  int threads_, k_;
  std::unique_ptr<sim::SharedWord> x_;
  std::string order_;
};

// Threads that take locks (a BitLock A, a Semaphore B) around a shared
// increment, and log the order in which they entered each one (under the
// lock: the log is the order of the critical sections). With two locks,
// odd threads take B before A; `word_in_both`: the word is incremented under
// both (so it is not protected by either).
class Sections final : public models::Program {
 public:
  Sections(int threads, int rounds, bool two_locks, bool word_in_both = false)
      : threads_(threads), rounds_(rounds), two_(two_locks), both_(word_in_both) {}
  void setup(sim::Execution& ex) override {
    log_a_.clear();
    log_b_.clear();
    a_ = std::make_unique<sim::BitLock>(ex, "A");
    b_ = std::make_unique<sim::Semaphore>(ex, "B", 1);
    x_ = std::make_unique<sim::SharedWord>(ex, "x", 0);
    for (int i = 0; i < threads_; ++i)
      ex.spawn("t" + std::to_string(i), [this, i] {
        auto under_a = [&] {
          a_->lock("lock");
          x_->store(x_->load("load") + 1, "store");
          log_a_ += char('0' + i);
          a_->unlock("unlock");
        };
        auto under_b = [&] {
          b_->down("down");
          if (both_) x_->store(x_->load("load") + 1, "store");
          log_b_ += char('0' + i);
          b_->up("up");
        };
        for (int r = 0; r < rounds_; ++r) {
          if (!two_) {
            under_a();
          } else if (i % 2 == 0) {
            under_a();
            under_b();
          } else {
            under_b();
            under_a();
          }
        }
      });
  }
  std::string outcome() const override { return log_a_ + "/" + log_b_; }

 private:
  int threads_, rounds_;
  bool two_, both_;
  std::unique_ptr<sim::BitLock> a_;
  std::unique_ptr<sim::Semaphore> b_;
  std::unique_ptr<sim::SharedWord> x_;
  std::string log_a_, log_b_;
};

// A worker of two steps on its own word, and a daemon (a background agent)
// that takes up to `budget` steps on its own word: the execution ends when
// the worker ends, so the outcome is how many daemon steps came first.
class WithDaemon final : public models::Program {
 public:
  explicit WithDaemon(int budget) : budget_(budget) {}
  void setup(sim::Execution& ex) override {
    done_ = 0;
    const sim::ObjectId w = ex.new_object("w"), d = ex.new_object("d");
    ex.spawn("worker", [&ex, w] {
      ex.step("a", w, sim::Access::write);
      ex.step("b", w, sim::Access::write);
    });
    ex.spawn(
        "agent",
        [this, &ex, d] {
          for (int i = 0; i < budget_; ++i) {
            ex.step("act", d, sim::Access::write);
            ++done_;
          }
        },
        true);
  }
  std::string outcome() const override { return "agent steps " + std::to_string(done_); }

 private:
  int budget_;
  int done_ = 0;
};

// Two threads each make a fault choice (3 values) inside a step on a word
// they share, then write it; the outcome is the word's history.
class Faults final : public models::Program {
 public:
  void setup(sim::Execution& ex) override {
    log_.clear();
    x_ = std::make_unique<sim::SharedWord>(ex, "x", 0);
    y_ = std::make_unique<sim::SharedWord>(ex, "y", 0);
    for (int i = 0; i < 2; ++i)
      ex.spawn("t" + std::to_string(i), [this, &ex, i] {
        y_->store(i, "private-ish");
        const std::uint32_t v = ex.choose(3, "fault");
        x_->store(x_->load("load") * 10 + v + 1, "store");
        log_ += std::to_string(i) + ":" + std::to_string(v) + " ";
      });
  }
  std::string outcome() const override { return log_ + "x=" + std::to_string(x_->peek()); }

 private:
  std::unique_ptr<sim::SharedWord> x_, y_;
  std::string log_;
};

}  // namespace

TEST_CASE("dpor: threads that share no object give one execution") {
  for (int n : {1, 2, 3, 5, 8}) {
    CAPTURE(n);
    auto p = models::examples::make_example("steps", {{"threads", n}, {"steps", 4}});
    DporStrategy dpor;
    ExploreResult r = run(*p, dpor);
    CHECK(r.status == ExploreResult::Status::pass);
    CHECK(r.executions == 1);
    CHECK(r.blocked == 0);
  }
}

TEST_CASE("dpor: two threads writing one word k times give C(2k, k) executions, all distinct") {
  for (unsigned k : {1u, 2u, 3u, 4u, 5u, 6u}) {
    CAPTURE(k);
    Writers p(2, static_cast<int>(k));
    DporStrategy dpor;
    ExploreResult r = run(p, dpor);
    CHECK(r.status == ExploreResult::Status::pass);
    CHECK(r.executions == multinomial({k, k}));
    CHECK(r.blocked == 0);
    CHECK(dpor.complete() == r.executions);
    CHECK(r.outcomes.size() == r.executions);
  }
  Writers three(3, 2);
  DporStrategy dpor;
  ExploreResult r = run(three, dpor);
  CHECK(r.executions - r.blocked == multinomial({2, 2, 2}));
  CHECK(r.outcomes.size() == multinomial({2, 2, 2}));
}

TEST_CASE("dpor: one complete execution per order of the critical sections") {
  // N threads, each taking one mutex K times: (NK)! / (K!)^N orders.
  struct Case {
    int n, k;
    std::uint64_t orders;
  };
  for (Case c : {Case{2, 2, 6}, Case{3, 2, 90}, Case{3, 3, 1680}}) {
    CAPTURE(c.n);
    CAPTURE(c.k);
    auto p = models::examples::make_example("locked-counter", {{"threads", c.n}, {"increments", c.k}});
    DporStrategy dpor;
    ExploreResult r = run(*p, dpor);
    CHECK(r.status == ExploreResult::Status::pass);
    CHECK(r.executions - r.blocked == c.orders);
    CHECK(r.blocked == 0);
    Sections s(c.n, c.k, false);
    DporStrategy again;
    r = run(s, again);
    CHECK(r.executions == c.orders);
    CHECK(r.outcomes.size() == c.orders);
  }
}

TEST_CASE("dpor: two locks taken in opposite orders: every consistent pair of orders") {
  // t0 and t2 take A then B, t1 takes B then A (never nested): 22 of the
  // 36 pairs of orders can happen; with 2 threads, 3 of 4.
  for (const auto& threads_want : {std::pair{2, 3}, std::pair{3, 22}}) {
    // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
    const int threads = threads_want.first, want = threads_want.second;
    CAPTURE(threads);
    Sections p(threads, 1, true);
    DfsStrategy dfs;
    DporStrategy dpor;
    ExploreResult a = run(p, dfs), b = run(p, dpor);
    CHECK(a.outcomes.size() == std::size_t(want));
    CHECK(b.outcomes == a.outcomes);
    CHECK(b.executions < a.executions);
  }
}

TEST_CASE("dpor: deadlocks are found, a lock's release enables its waiter") {
  auto abba = models::examples::make_example("abba");
  DporStrategy dpor;
  ExploreResult r = run(*abba, dpor);
  REQUIRE(r.status == ExploreResult::Status::violation);
  CHECK(invariant_of(r.failures.front().verdict) == "deadlock");
  CHECK(r.failures.front().verdict.cycle.size() == 2);
  // Without stopping: the deadlock and the passing orders, as DFS sees them.
  ExploreOptions all;
  all.stop_at_first_failure = false;
  DfsStrategy dfs;
  DporStrategy dpor2;
  ExploreResult a = run(*abba, dfs, all), b = run(*abba, dpor2, all);
  CHECK(a.outcomes == b.outcomes);
  CHECK(!b.failures.empty());
  auto self = models::examples::make_example("self-deadlock");
  DporStrategy dpor3;
  r = run(*self, dpor3);
  REQUIRE(r.status == ExploreResult::Status::violation);
  CHECK(r.failures.front().verdict.self_deadlock);
}

TEST_CASE("dpor: fault choices are branch points: every value is explored") {
  Faults p;
  DfsStrategy dfs;
  DporStrategy dpor;
  ExploreResult a = run(p, dfs), b = run(p, dpor);
  // Each order of the stores, 3 x 3 values, with the first store lost or not.
  CHECK(a.outcomes.size() == 2 * 3 * 3 * 2);
  CHECK(b.outcomes == a.outcomes);
  CHECK(b.executions < a.executions);
}

TEST_CASE("dpor: a daemon's steps before the end of the execution are explored") {
  for (int budget : {1, 2, 3}) {
    CAPTURE(budget);
    WithDaemon p(budget);
    DfsStrategy dfs;
    DporStrategy dpor;
    ExploreResult a = run(p, dfs), b = run(p, dpor);
    CHECK(a.outcomes.size() == std::size_t(budget + 1));
    CHECK(b.outcomes == a.outcomes);
  }
}

TEST_CASE("dpor: sleep-set-blocked executions are counted apart and keep no outcome") {
  // A word incremented under two different locks: some branches end blocked.
  Sections p(3, 1, true, true);
  DporStrategy dpor;
  ExploreResult r = run(p, dpor);
  CHECK(r.status == ExploreResult::Status::pass);
  CHECK(r.blocked == dpor.blocked());
  CHECK(r.executions == dpor.complete() + dpor.blocked());
  CHECK(r.blocked > 0);
  CHECK(r.outcomes.size() == 22);
}

// ---------------------------------------------------------------- the suite

namespace {

struct Verdicts {
  std::set<std::string> failures;  // invariant names of the failed executions
  std::set<std::string> outcomes;
  bool complete = false;
  std::uint64_t executions = 0;
};

Verdicts search(models::Program& p, sim::Strategy& s, std::uint64_t max_steps,
                std::uint64_t budget) {
  ExploreOptions o;
  o.stop_at_first_failure = false;
  o.max_executions = budget;
  o.max_steps = max_steps;
  ExploreResult r = run(p, s, o);
  Verdicts v;
  for (const Failure& f : r.failures) v.failures.insert(invariant_of(f.verdict));
  v.outcomes = r.outcomes;
  v.complete = r.complete && r.status != ExploreResult::Status::nondeterminism &&
               !r.outcomes_truncated;
  v.executions = r.executions;
  return v;
}

// DFS explores at most this many executions per program; a program with more
// is not small enough for plain DFS in a unit test and is left to the benchmark.
constexpr std::uint64_t kDfsBudget = 20000;

void same_as_dfs(const std::string& what, const std::function<std::unique_ptr<models::Program>()>& make,
                 std::uint64_t max_steps, int& compared, int& skipped) {
  auto a = make();
  DfsStrategy dfs;
  Verdicts d = search(*a, dfs, max_steps, kDfsBudget);
  if (!d.complete) {
    ++skipped;
    return;
  }
  auto b = make();
  DporStrategy dpor;
  Verdicts r = search(*b, dpor, max_steps, 10 * kDfsBudget);
  INFO(what);
  CHECK(r.complete);
  CHECK(r.failures == d.failures);
  CHECK(r.outcomes == d.outcomes);
  ++compared;
}

int suite_under(const fs::path& dir) {
  int compared = 0, skipped = 0, unloadable = 0;
  for (const fs::path& file : scenario_files_under(dir)) {
    Scenario s;
    try {
      s = load_scenario(file.string());
    } catch (const InputError&) {
      ++unloadable;  // not a scenario this binary can run (checked elsewhere)
      continue;
    }
    same_as_dfs(file.string(), [&] { return make_program(s); }, s.explore.max_steps, compared,
                skipped);
  }
  MESSAGE(dir.string() << ": " << compared << " scenarios compared, " << skipped
                       << " too large for plain DFS in " << kDfsBudget << " executions, "
                       << unloadable << " not loadable");
  return compared;
}

}  // namespace

TEST_CASE("dpor is sound: the verdicts and outcomes of DFS on scenarios/examples and tests/checker") {
  const fs::path src = INTERLEAVE_SOURCE_DIR;
  suite_under(src / "scenarios" / "examples");
  suite_under(src / "tests" / "checker");
}

// Background agents wake on a guard (they are disabled while they have
// nothing to act on): DPOR must reverse a race with a guarded step back to a
// step before which its guard held. Small programs with reclaim and
// writeback, each small enough for DFS, one per filesystem path.
TEST_CASE("dpor is sound with guarded agents: the verdicts and outcomes of DFS on tests/checker/strategies/agents") {
  CHECK(suite_under(fs::path(INTERLEAVE_SOURCE_DIR) / "tests" / "checker" / "strategies" / "agents") == 5);
}

// Page references are adds (sim::Access::add, models/pagecache/page.cpp):
// gets and puts of a cached page commute; a put of a page out of the cache,
// the removal and reclaim's look at the count do not. Small programs where
// references are taken beside a writer, a read batch, reclaim and buffers.
TEST_CASE("dpor is sound with page references as adds: the verdicts and outcomes of DFS on tests/checker/strategies/refcount") {
  CHECK(suite_under(fs::path(INTERLEAVE_SOURCE_DIR) / "tests" / "checker" / "strategies" / "refcount") == 4);
}

// fsync's and msync's list walks announce that they touch all (the head of
// a list is not known before they run) and, once run, narrow to what they
// read and wrote (filemap_fdatasync and filemap_fdatawait in
// models/linux-2.4.0/filemap.cpp, fsync_inode_buffers and
// osync_inode_buffers in buffer.cpp, wait_on_page_writeback_range in
// linux-2.6.24/sync.cpp). Small programs where they run beside a write or a
// store through a mapping, with write errors, on the three fsync paths.
TEST_CASE("dpor is sound with fsync's list walks narrowed: the verdicts and outcomes of DFS on tests/checker/strategies/errors") {
  CHECK(suite_under(fs::path(INTERLEAVE_SOURCE_DIR) / "tests" / "checker" / "strategies" / "errors") == 4);
}

TEST_CASE("dpor is sound: the verdicts and outcomes of DFS on scenarios/seed") {
  suite_under(fs::path(INTERLEAVE_SOURCE_DIR) / "scenarios" / "seed");
}

TEST_CASE("dpor is sound: the verdicts and outcomes of DFS on scenarios/variants") {
  suite_under(fs::path(INTERLEAVE_SOURCE_DIR) / "scenarios" / "variants");
}

TEST_CASE("dpor is sound: the verdicts and outcomes of DFS on every built-in example") {
  int compared = 0, skipped = 0;
  for (const models::examples::ExampleInfo& info : models::examples::examples()) {
    // `steps` records the order of its threads' steps in its outcome, on
    // purpose (it counts interleavings): its threads share no object, so
    // for DPOR every order is the same execution.
    if (info.name == "steps") continue;
    // The defaults, then each parameter at its minimum and one above.
    std::vector<models::examples::Params> sets = {{}};
    for (const auto& p : info.params)
      for (std::int64_t v : {p.min, p.min + 1, p.def + 1})
        if (v >= p.min && v <= p.max) sets.push_back({{p.name, v}});
    for (const auto& params : sets) {
      std::string what = "example:" + info.name;
      for (const auto& [k, v] : params) what += " " + k + "=" + std::to_string(v);
      same_as_dfs(what, [&] { return models::examples::make_example(info.name, params); }, 10000,
                  compared, skipped);
    }
  }
  MESSAGE("examples: " << compared << " compared, " << skipped << " too large for plain DFS");
  CHECK(compared > 10);
}

namespace {

// A step that announces only an object of its own but reads a flag that
// another thread writes, and says so (Op::touches_all), as the page-cache
// model's list walks do.
class HiddenRead final : public models::Program {
 public:
  void setup(sim::Execution& ex) override {
    flag_ = 0;
    seen_ = -1;
    const sim::ObjectId mine = ex.new_object("mine"), f = ex.new_object("flag");
    ex.spawn("walker", [this, &ex, mine] {
      sim::Op op = sim::Op::make(sim::OpKind::plain, "list walk", {{mine, sim::Access::write}});
      op.touches_all = true;
      ex.step(op);
      seen_ = flag_;  // read, not named
    });
    ex.spawn("writer", [this, &ex, f] {
      ex.step("set flag", f, sim::Access::write);
      flag_ = 1;
    });
  }
  std::string outcome() const override { return "seen=" + std::to_string(seen_); }

 private:
  int flag_ = 0, seen_ = -1;
};

}  // namespace

TEST_CASE("dpor: a step that touches all is dependent with every step") {
  HiddenRead p;
  DfsStrategy dfs;
  DporStrategy dpor;
  ExploreResult a = run(p, dfs), b = run(p, dpor);
  CHECK(a.outcomes == std::set<std::string>{"seen=0", "seen=1"});
  CHECK(b.outcomes == a.outcomes);
}

// ------------------------------------------- reclaim's wake-up and action fold

namespace {

bool has_reclaim(const Scenario& s) {
  if (!s.pagecache) return false;
  for (const auto& a : s.pagecache->agents)
    if (a.kind == models::pagecache::AgentSpec::Kind::reclaim) return true;
  return false;
}

// The scenario's searches with reclaim's wake-up apart from its action
// (AgentSpec::wake_apart, the model before the fold) and folded into one
// step: the same verdicts and outcomes, each searched whole, with DFS when
// it completes the model with the wake-up apart within kDfsBudget, else with
// DPOR within the same budget (sound against DFS above; the cells DPOR
// completes need far less, and a larger budget only spent longer on the
// doubled budgets that no budget here completes). Returns how it compared them, or that it could not.
enum class Compared { with_dfs, with_dpor, too_large };
Compared fold_same_as_apart(const Scenario& folded, const std::string& what) {
  Scenario apart = folded;
  for (auto& a : apart.pagecache->agents) a.wake_apart = true;
  INFO(what);
  auto a = make_program(apart);
  DfsStrategy dfs;
  Verdicts before = search(*a, dfs, folded.explore.max_steps, kDfsBudget);
  if (before.complete) {
    auto b = make_program(folded);
    DfsStrategy dfs2;
    const Verdicts after = search(*b, dfs2, folded.explore.max_steps, kDfsBudget);
    CHECK(after.complete);
    CHECK(after.failures == before.failures);
    CHECK(after.outcomes == before.outcomes);
    return Compared::with_dfs;
  }
  a = make_program(apart);
  DporStrategy dpor;
  before = search(*a, dpor, folded.explore.max_steps, kDfsBudget);
  if (!before.complete) return Compared::too_large;
  auto b = make_program(folded);
  DporStrategy dpor2;
  const Verdicts after = search(*b, dpor2, folded.explore.max_steps, 3 * kDfsBudget);
  CHECK(after.complete);
  CHECK(after.failures == before.failures);
  CHECK(after.outcomes == before.outcomes);
  return Compared::with_dpor;
}

}  // namespace

// Reclaim wakes, chooses its target and makes its action's first step in
// one step (models/pagecache/agents.cpp argues that this loses nothing
// against a wake-up of its own). Every scenario with reclaim (the small
// agent programs, and every shipped one on each variant it is checked on),
// with its budget and with it doubled: the fold and the wake-up apart give
// the same verdicts and outcomes.
TEST_CASE("reclaim folded into one step: the verdicts and outcomes of its wake-up apart") {
  const fs::path src = INTERLEAVE_SOURCE_DIR;
  int compared = 0, skipped = 0;
  for (const fs::path& dir : {src / "tests" / "checker" / "strategies" / "agents",
                              src / "tests" / "checker" / "strategies" / "refcount", src / "scenarios" / "seed",
                              src / "scenarios" / "variants"})
    for (const fs::path& file : scenario_files_under(dir))
      for (Scenario s : expectation_cells(load_scenario(file.string()))) {
        if (!has_reclaim(s)) continue;
        // Doubling the agents' budgets only adds executions (each one with
        // the budget is a prefix of one with it doubled, the agent not acting
        // again), so a cell whose DFS did not complete within kDfsBudget with
        // the budget will not with it doubled. Its DPOR search might, but on
        // every shipped cell that needed DPOR (4,000 to 11,000 executions
        // with the wake-up apart) doubling took DPOR past the budget too,
        // after 20,000 executions spent for nothing: such a cell is compared
        // once, with its budget, and counted as too large doubled.
        const std::string what = file.string() + " on " + s.model;
        const Compared once = fold_same_as_apart(s, what);
        (once == Compared::too_large ? skipped : compared) += 1;
        if (once != Compared::with_dfs) {
          ++skipped;
          continue;
        }
        for (auto& a : s.pagecache->agents) a.budget *= 2;
        (fold_same_as_apart(s, what + ", budgets doubled") == Compared::too_large ? skipped : compared) += 1;
      }
  MESSAGE("reclaim fold: " << compared << " searches compared, " << skipped << " too large");
  CHECK(compared >= 20);
}

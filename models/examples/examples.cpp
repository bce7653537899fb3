#include "models/examples/examples.hpp"

#include <stdexcept>

#include "models/examples/sctbench.hpp"
#include "sim/primitives.hpp"

namespace models::examples {

std::int64_t param(const ExampleInfo& info, const Params& given, std::string_view name) {
  for (const ParamSpec& p : info.params) {
    if (p.name != name) continue;
    auto it = given.find(name);
    return it == given.end() ? p.def : it->second;
  }
  throw std::logic_error("example " + info.name + " has no parameter " + std::string(name));
}

namespace {

// Two (or more) threads increment a shared counter without a lock: each loads
// it, then stores the value plus one. It asserts nothing; its outcome is the
// final value, which shows the lost update (a final value below the number of
// threads).
class LostUpdate final : public Program {
 public:
  explicit LostUpdate(int threads) : threads_(threads) {}
  void setup(sim::Execution& ex) override {
    counter_ = std::make_unique<sim::SharedWord>(ex, "counter", 0);
    for (int i = 0; i < threads_; ++i)
      ex.spawn("t" + std::to_string(i), [c = counter_.get()] {
        std::int64_t v = c->load("load");
        c->store(v + 1, "store");
      });
  }
  std::string outcome() const override { return "counter=" + std::to_string(counter_->peek()); }

 private:
  int threads_;
  std::unique_ptr<sim::SharedWord> counter_;
};

// The same counter, each increment under a mutex (a semaphore of count 1).
// After the run it asserts that no increment was lost.
class LockedCounter final : public Program {
 public:
  LockedCounter(int threads, int increments) : threads_(threads), increments_(increments) {}
  void setup(sim::Execution& ex) override {
    mutex_ = std::make_unique<sim::Semaphore>(ex, "mutex", 1);
    counter_ = std::make_unique<sim::SharedWord>(ex, "counter", 0);
    for (int i = 0; i < threads_; ++i)
      ex.spawn("t" + std::to_string(i), [this] {
        for (int n = 0; n < increments_; ++n) {
          mutex_->down("down");
          std::int64_t v = counter_->load("load");
          counter_->store(v + 1, "store");
          mutex_->up("up");
        }
      });
  }
  sim::Verdict check_end(sim::Execution& ex) override {
    std::int64_t want = std::int64_t{threads_} * increments_;
    if (counter_->peek() == want) return ex.verdict();
    sim::Verdict v;
    v.kind = sim::Verdict::Kind::violation;
    v.invariant = "assertion";
    v.message = "counter is " + std::to_string(counter_->peek()) + ", expected " +
                std::to_string(want) + ": an increment was lost";
    v.step = ex.steps();
    return v;
  }
  std::string outcome() const override { return "counter=" + std::to_string(counter_->peek()); }

 private:
  int threads_, increments_;
  std::unique_ptr<sim::Semaphore> mutex_;
  std::unique_ptr<sim::SharedWord> counter_;
};

// Two threads take two mutexes in opposite order (t0: A then B; t1: B then A):
// the classic ABBA deadlock.
class Abba final : public Program {
 public:
  void setup(sim::Execution& ex) override {
    a_ = std::make_unique<sim::Semaphore>(ex, "A", 1);
    b_ = std::make_unique<sim::Semaphore>(ex, "B", 1);
    auto body = [](sim::Semaphore* first, sim::Semaphore* second) {
      return [first, second] {
        first->down("down");
        second->down("down");
        second->up("up");
        first->up("up");
      };
    };
    ex.spawn("t0", body(a_.get(), b_.get()));
    ex.spawn("t1", body(b_.get(), a_.get()));
  }
  std::string outcome() const override { return "done"; }

 private:
  std::unique_ptr<sim::Semaphore> a_, b_;
};

// One thread takes a non-recursive bit lock twice (as lock_page on a page the
// thread already locked): a self-deadlock.
class SelfDeadlock final : public Program {
 public:
  void setup(sim::Execution& ex) override {
    lock_ = std::make_unique<sim::BitLock>(ex, "lock");
    ex.spawn("t0", [l = lock_.get()] {
      l->lock("lock");
      l->lock("lock");
      l->unlock("unlock");
    });
  }
  std::string outcome() const override { return "done"; }

 private:
  std::unique_ptr<sim::BitLock> lock_;
};

// `threads` threads of `steps` visible steps each, on objects of their own:
// every interleaving is a distinct execution, so exhaustive search runs
// exactly the multinomial (n*k)! / (k!)^n of them. The outcome is the order
// in which the steps ran, one digit per step.
class Steps final : public Program {
 public:
  Steps(int threads, int steps) : threads_(threads), steps_(steps) {}
  void setup(sim::Execution& ex) override {
    order_.clear();
    order_.reserve(static_cast<std::size_t>(threads_ * steps_));
    for (int i = 0; i < threads_; ++i) {
      sim::ObjectId obj = ex.new_object("x" + std::to_string(i));
      ex.spawn("t" + std::to_string(i), [this, &ex, i, obj] {
        for (int s = 0; s < steps_; ++s) {
          ex.step("step", obj, sim::Access::write);
          order_.push_back(static_cast<char>('0' + i));
        }
      });
    }
  }
  std::string outcome() const override { return order_; }

 private:
  int threads_, steps_;
  std::string order_;
};

// Several threads take and release two locks (a bit lock and a semaphore) and
// update a shared word under each, in rounds; even threads take A first, odd
// ones B first, never nested. Correct: it asserts both words at the end. The
// benchmark's program.
class LockMix final : public Program {
 public:
  LockMix(int threads, int rounds) : threads_(threads), rounds_(rounds) {}
  void setup(sim::Execution& ex) override {
    a_ = std::make_unique<sim::BitLock>(ex, "A");
    b_ = std::make_unique<sim::Semaphore>(ex, "B", 1);
    x_ = std::make_unique<sim::SharedWord>(ex, "x", 0);
    y_ = std::make_unique<sim::SharedWord>(ex, "y", 0);
    for (int i = 0; i < threads_; ++i)
      ex.spawn("t" + std::to_string(i), [this, i] {
        for (int r = 0; r < rounds_; ++r) {
          if (i % 2 == 0) {
            under_a();
            under_b();
          } else {
            under_b();
            under_a();
          }
        }
      });
  }
  sim::Verdict check_end(sim::Execution& ex) override {
    std::int64_t want = std::int64_t{threads_} * rounds_;
    if (x_->peek() == want && y_->peek() == want) return ex.verdict();
    sim::Verdict v;
    v.kind = sim::Verdict::Kind::violation;
    v.invariant = "assertion";
    v.message = "x=" + std::to_string(x_->peek()) + " y=" + std::to_string(y_->peek()) +
                ", expected both " + std::to_string(want);
    v.step = ex.steps();
    return v;
  }
  std::string outcome() const override {
    return "x=" + std::to_string(x_->peek()) + " y=" + std::to_string(y_->peek());
  }

 private:
  void under_a() {
    a_->lock("lock");
    x_->store(x_->load("load") + 1, "store");
    a_->unlock("unlock");
  }
  void under_b() {
    b_->down("down");
    y_->store(y_->load("load") + 1, "store");
    b_->up("up");
  }
  int threads_, rounds_;
  std::unique_ptr<sim::BitLock> a_;
  std::unique_ptr<sim::Semaphore> b_;
  std::unique_ptr<sim::SharedWord> x_, y_;
};

}  // namespace

const std::vector<ExampleInfo>& examples() {
  static const std::vector<ExampleInfo> list = [] {
  std::vector<ExampleInfo> list = {
      {"lost-update", "threads increment a shared counter with load then store, no lock; "
                      "outcome: the final value",
       {{"threads", "incrementing threads", 2, 1, 6}}},
      {"locked-counter", "the counter with each increment under a mutex; asserts the final value",
       {{"threads", "incrementing threads", 2, 1, 6},
        {"increments", "increments per thread", 1, 1, 4}}},
      {"abba", "two threads take mutexes A and B in opposite order: ABBA deadlock", {}},
      {"self-deadlock", "one thread takes a non-recursive bit lock twice", {}},
      {"steps", "threads of k independent visible steps; outcome: the order of the steps",
       {{"threads", "threads", 2, 1, 8}, {"steps", "visible steps per thread", 3, 0, 64}}},
      {"lock-mix", "threads take a bit lock and a semaphore in turn and update a word under each; "
                   "asserts both words (the benchmark's program)",
       {{"threads", "threads", 3, 1, 6}, {"rounds", "rounds per thread", 1, 1, 4}}},
  };
  // The SCTBench classics (models/examples/sctbench.hpp).
  const std::vector<ExampleInfo>& classics = sctbench_examples();
  list.insert(list.end(), classics.begin(), classics.end());
  return list;
  }();
  return list;
}

const ExampleInfo* find_example(std::string_view name) {
  for (const ExampleInfo& e : examples())
    if (e.name == name) return &e;
  return nullptr;
}

std::unique_ptr<Program> make_example(std::string_view name, const Params& params) {
  const ExampleInfo* info = find_example(name);
  if (!info) throw std::invalid_argument("no example program named " + std::string(name));
  for (const auto& [key, value] : params) {
    const ParamSpec* spec = nullptr;
    for (const ParamSpec& p : info->params)
      if (p.name == key) spec = &p;
    if (!spec)
      throw std::invalid_argument("example " + info->name + " has no parameter " + key);
    if (value < spec->min || value > spec->max)
      throw std::invalid_argument("example " + info->name + ": " + key + " must be from " +
                                  std::to_string(spec->min) + " to " + std::to_string(spec->max));
  }
  auto p = [&](std::string_view n) { return static_cast<int>(param(*info, params, n)); };
  if (name == "lost-update") return std::make_unique<LostUpdate>(p("threads"));
  if (name == "locked-counter") return std::make_unique<LockedCounter>(p("threads"), p("increments"));
  if (name == "abba") return std::make_unique<Abba>();
  if (name == "self-deadlock") return std::make_unique<SelfDeadlock>();
  if (name == "steps") return std::make_unique<Steps>(p("threads"), p("steps"));
  if (name == "lock-mix") return std::make_unique<LockMix>(p("threads"), p("rounds"));
  if (auto classic = make_sctbench(name, *info, params)) return classic;
  throw std::logic_error("example " + info->name + " is listed but not built");
}

}  // namespace models::examples

#include "models/examples/sctbench.hpp"

#include <array>
#include <string>

#include "sim/primitives.hpp"

namespace models::examples {
namespace {

using Word = sim::SharedWord;
using Mutex = sim::Semaphore;  // pthread_mutex_t: a semaphore of count 1

std::unique_ptr<Mutex> mutex(sim::Execution& ex, const char* name) {
  return std::make_unique<Mutex>(ex, name, 1);
}
std::unique_ptr<Word> word(sim::Execution& ex, const std::string& name, std::int64_t v = 0) {
  return std::make_unique<Word>(ex, name, v);
}
void lock(Mutex& m) { m.down("pthread_mutex_lock"); }
void unlock(Mutex& m) { m.up("pthread_mutex_unlock"); }
std::string thread_name(const char* base, int i, int n) {
  return n == 1 ? std::string(base) : std::string(base) + "#" + std::to_string(i);
}

// account_bad.c: deposit and withdraw under a mutex; check_result asserts
// the wrong balance once both are done (it must run last).
class Account final : public Program {
 public:
  void setup(sim::Execution& ex) override {
    m_ = mutex(ex, "m");
    balance_ = word(ex, "balance", kX);
    deposit_done_ = word(ex, "deposit_done");
    withdraw_done_ = word(ex, "withdraw_done");
    ex.spawn("check_result", [this, &ex] {
      lock(*m_);
      if (deposit_done_->load() && withdraw_done_->load()) {
        const std::int64_t b = balance_->load();
        if (b != (kX - kY) - kZ)
          ex.fail("assertion", "check_result: assert(balance == (x - y) - z) failed: balance is " +
                                   std::to_string(b) + ", (x - y) - z is " +
                                   std::to_string((kX - kY) - kZ));
      }
      unlock(*m_);
    });
    ex.spawn("deposit", [this] {
      lock(*m_);
      balance_->store(balance_->load() + kY);
      deposit_done_->store(1);
      unlock(*m_);
    });
    ex.spawn("withdraw", [this] {
      lock(*m_);
      balance_->store(balance_->load() - kZ);
      withdraw_done_->store(1);
      unlock(*m_);
    });
  }
  std::string outcome() const override { return "balance=" + std::to_string(balance_->peek()); }

 private:
  static constexpr std::int64_t kX = 1, kY = 2, kZ = 4;
  std::unique_ptr<Mutex> m_;
  std::unique_ptr<Word> balance_, deposit_done_, withdraw_done_;
};

// deadlock01_bad.c: thread1 takes a then b, thread2 b then a.
class Deadlock01 final : public Program {
 public:
  void setup(sim::Execution& ex) override {
    a_ = mutex(ex, "a");
    b_ = mutex(ex, "b");
    counter_ = word(ex, "counter", 1);
    ex.spawn("thread1", [this] {
      lock(*a_);
      lock(*b_);
      counter_->store(counter_->load() + 1);
      unlock(*b_);
      unlock(*a_);
    });
    ex.spawn("thread2", [this] {
      lock(*b_);
      lock(*a_);
      counter_->store(counter_->load() - 1);
      unlock(*a_);
      unlock(*b_);
    });
  }
  std::string outcome() const override { return "counter=" + std::to_string(counter_->peek()); }

 private:
  std::unique_ptr<Mutex> a_, b_;
  std::unique_ptr<Word> counter_;
};

// lazy01_bad.c: thread3 asserts that data < 3, which fails after both adds.
class Lazy01 final : public Program {
 public:
  void setup(sim::Execution& ex) override {
    m_ = mutex(ex, "mutex");
    data_ = word(ex, "data");
    ex.spawn("thread1", [this] {
      lock(*m_);
      data_->store(data_->load() + 1);
      unlock(*m_);
    });
    ex.spawn("thread2", [this] {
      lock(*m_);
      data_->store(data_->load() + 2);
      unlock(*m_);
    });
    ex.spawn("thread3", [this, &ex] {
      lock(*m_);
      if (data_->load() >= 3) ex.fail("assertion", "thread3: assert(0) reached: data >= 3");
      unlock(*m_);
    });
  }
  std::string outcome() const override { return "data=" + std::to_string(data_->peek()); }

 private:
  std::unique_ptr<Mutex> m_;
  std::unique_ptr<Word> data_;
};

// twostage_bad.c: funcA sets data1, then data2 = data1 + 1, under two locks
// taken one after the other; funcB may see data1 set and data2 not yet.
class Twostage final : public Program {
 public:
  Twostage(int writers, int readers) : writers_(writers), readers_(readers) {}
  void setup(sim::Execution& ex) override {
    lock1_ = mutex(ex, "data1Lock");
    lock2_ = mutex(ex, "data2Lock");
    data1_ = word(ex, "data1Value");
    data2_ = word(ex, "data2Value");
    for (int i = 0; i < writers_; ++i)
      ex.spawn(thread_name("funcA", i, writers_), [this] {
        lock(*lock1_);
        data1_->store(1);
        unlock(*lock1_);
        lock(*lock2_);
        data2_->store(data1_->load() + 1);
        unlock(*lock2_);
      });
    for (int i = 0; i < readers_; ++i)
      ex.spawn(thread_name("funcB", i, readers_), [this, &ex] {
        lock(*lock1_);
        if (data1_->load() == 0) {
          unlock(*lock1_);
          return;
        }
        const std::int64_t t1 = data1_->load();
        unlock(*lock1_);
        lock(*lock2_);
        const std::int64_t t2 = data2_->load();
        unlock(*lock2_);
        if (t2 != t1 + 1)
          ex.fail("assertion", "funcB: t2 != t1 + 1 (t1 = " + std::to_string(t1) +
                                   ", t2 = " + std::to_string(t2) + "): Bug found!");
      });
  }
  std::string outcome() const override {
    return "data1=" + std::to_string(data1_->peek()) + " data2=" + std::to_string(data2_->peek());
  }

 private:
  int writers_, readers_;
  std::unique_ptr<Mutex> lock1_, lock2_;
  std::unique_ptr<Word> data1_, data2_;
};

// reorder_N_bad.c: setThreads write a = 1 then b = -1 with no lock; a
// checkThread asserts that it sees both or neither.
class Reorder final : public Program {
 public:
  Reorder(int set, int check) : set_(set), check_(check) {}
  void setup(sim::Execution& ex) override {
    a_ = word(ex, "a");
    b_ = word(ex, "b");
    for (int i = 0; i < set_; ++i)
      ex.spawn(thread_name("setThread", i, set_), [this] {
        a_->store(1);
        b_->store(-1);
      });
    for (int i = 0; i < check_; ++i)
      ex.spawn(thread_name("checkThread", i, check_), [this, &ex] {
        // !((a == 0 && b == 0) || (a == 1 && b == -1)), evaluated as C does.
        bool ok = a_->load() == 0 && b_->load() == 0;
        if (!ok) ok = a_->load() == 1 && b_->load() == -1;
        if (!ok) ex.fail("assertion", "checkThread: a and b are neither both set nor both clear: Bug found!");
      });
  }
  std::string outcome() const override {
    return "a=" + std::to_string(a_->peek()) + " b=" + std::to_string(b_->peek());
  }

 private:
  int set_, check_;
  std::unique_ptr<Word> a_, b_;
};

// wronglock_bad.c (wronglock_3: 1 funcA, 3 funcB): funcA and funcB update
// dataValue under different locks.
class Wronglock final : public Program {
 public:
  Wronglock(int num1, int num2) : num1_(num1), num2_(num2) {}
  void setup(sim::Execution& ex) override {
    data_lock_ = mutex(ex, "dataLock");
    this_lock_ = mutex(ex, "thisLock");
    data_ = word(ex, "dataValue");
    for (int i = 0; i < num1_; ++i)
      ex.spawn(thread_name("funcA", i, num1_), [this, &ex] {
        lock(*data_lock_);
        const std::int64_t x = data_->load();
        data_->store(data_->load() + 1);
        if (data_->load() != x + 1) ex.fail("assertion", "funcA: dataValue != x + 1: Bug Found!");
        unlock(*data_lock_);
      });
    for (int i = 0; i < num2_; ++i)
      ex.spawn(thread_name("funcB", i, num2_), [this] {
        lock(*this_lock_);
        data_->store(data_->load() + 1);
        unlock(*this_lock_);
      });
  }
  std::string outcome() const override { return "dataValue=" + std::to_string(data_->peek()); }

 private:
  int num1_, num2_;
  std::unique_ptr<Mutex> data_lock_, this_lock_;
  std::unique_ptr<Word> data_;
};

// token_ring_bad.c: each thread's body is one atomic block
// (__ESBMC_atomic_begin/end), so one step. x_i and flag_i are written together
// and are one object ("x1/flag1"), so that t4's step names the three it reads.
class TokenRing final : public Program {
 public:
  void setup(sim::Execution& ex) override {
    x_ = {1, 2, 1};
    flag_ = {0, 0, 0};
    for (int i = 0; i < 3; ++i)
      obj_[i] = ex.new_object("x" + std::to_string(i + 1) + "/flag" + std::to_string(i + 1));
    using sim::Access;
    ex.spawn("t1", [this, &ex] {
      ex.step(sim::Op::make(sim::OpKind::plain, "x1 = (x3+1)%4; flag1 = 1",
                            {{obj_[0], Access::write}, {obj_[2], Access::read}}));
      x_[0] = (x_[2] + 1) % 4;
      flag_[0] = 1;
    });
    ex.spawn("t2", [this, &ex] {
      ex.step(sim::Op::make(sim::OpKind::plain, "x2 = x1; flag2 = 1",
                            {{obj_[1], Access::write}, {obj_[0], Access::read}}));
      x_[1] = x_[0];
      flag_[1] = 1;
    });
    ex.spawn("t3", [this, &ex] {
      ex.step(sim::Op::make(sim::OpKind::plain, "x3 = x2; flag3 = 1",
                            {{obj_[2], Access::write}, {obj_[1], Access::read}}));
      x_[2] = x_[1];
      flag_[2] = 1;
    });
    ex.spawn("t4", [this, &ex] {
      ex.step(sim::Op::make(sim::OpKind::plain, "assert(x1 == x2 && x2 == x3)",
                            {{obj_[0], Access::read}, {obj_[1], Access::read}, {obj_[2], Access::read}}));
      if (flag_[0] && flag_[1] && flag_[2] && !(x_[0] == x_[1] && x_[1] == x_[2]))
        ex.fail("assertion", "t4: assert(x1 == x2 && x2 == x3) failed: x1 = " + std::to_string(x_[0]) +
                                 ", x2 = " + std::to_string(x_[1]) + ", x3 = " + std::to_string(x_[2]));
    });
  }
  std::string outcome() const override {
    return "x1=" + std::to_string(x_[0]) + " x2=" + std::to_string(x_[1]) + " x3=" + std::to_string(x_[2]);
  }

 private:
  std::array<int, 3> x_{}, flag_{};
  std::array<sim::ObjectId, 3> obj_{};
};

// stack_bad.c: t1 pushes SIZE values, t2 pops SIZE times once flag is set,
// each under the mutex: t2 can pop more than t1 pushed (underflow).
class Stack final : public Program {
 public:
  explicit Stack(int size) : size_(size) {}
  void setup(sim::Execution& ex) override {
    m_ = mutex(ex, "m");
    top_ = word(ex, "top");
    flag_ = word(ex, "flag");
    arr_.clear();
    for (int i = 0; i < size_; ++i) arr_.push_back(word(ex, "arr[" + std::to_string(i) + "]"));
    ex.spawn("t1", [this, &ex] {
      for (int i = 0; i < size_; ++i) {
        lock(*m_);
        // push(arr, i): if (top == SIZE) overflow; else stack[get_top()] = x; inc_top();
        if (top_->load() == size_) ex.fail("assertion", "t1: assert(push(arr, i) != OVERFLOW) failed");
        arr_[static_cast<std::size_t>(top_->load())]->store(i);
        top_->store(top_->load() + 1);
        flag_->store(1);
        unlock(*m_);
      }
    });
    ex.spawn("t2", [this, &ex] {
      for (int i = 0; i < size_; ++i) {
        lock(*m_);
        if (flag_->load()) {
          // pop(arr): if (get_top() == 0) underflow; else dec_top(); return stack[get_top()];
          if (top_->load() == 0) ex.fail("assertion", "t2: assert(pop(arr) != UNDERFLOW) failed");
          top_->store(top_->load() - 1);
          arr_[static_cast<std::size_t>(top_->load())]->load();
        }
        unlock(*m_);
      }
    });
  }
  std::string outcome() const override { return "top=" + std::to_string(top_->peek()); }

 private:
  int size_;
  std::unique_ptr<Mutex> m_;
  std::unique_ptr<Word> top_, flag_;
  std::vector<std::unique_ptr<Word>> arr_;
};

// carter01_bad.c: the first of each class takes l under m and the last
// gives it back under m; t2 waits for l while holding m, which t1 needs to
// give l back: a deadlock. t3 and t4 do nothing, as in the original.
class Carter01 final : public Program {
 public:
  void setup(sim::Execution& ex) override {
    m_ = mutex(ex, "m");
    l_ = mutex(ex, "l");
    a_ = word(ex, "A");
    b_ = word(ex, "B");
    auto body = [this](Word* count) {
      return [this, count] {
        lock(*m_);
        count->store(count->load() + 1);
        if (count->load() == 1) lock(*l_);
        unlock(*m_);
        // perform the class's operation
        lock(*m_);
        count->store(count->load() - 1);
        if (count->load() == 0) unlock(*l_);
        unlock(*m_);
      };
    };
    ex.spawn("t1", body(a_.get()));
    ex.spawn("t2", body(b_.get()));
    ex.spawn("t3", [] {});
    ex.spawn("t4", [] {});
  }
  std::string outcome() const override {
    return "A=" + std::to_string(a_->peek()) + " B=" + std::to_string(b_->peek());
  }

 private:
  std::unique_ptr<Mutex> m_, l_;
  std::unique_ptr<Word> a_, b_;
};

}  // namespace

const std::vector<ExampleInfo>& sctbench_examples() {
  static const std::vector<ExampleInfo> list = {
      {"account", "SCTBench account_bad: check_result asserts a wrong balance once deposit and "
                  "withdraw are done (it must run last)", {}},
      {"deadlock01", "SCTBench deadlock01_bad: two threads take mutexes a and b in opposite order", {}},
      {"lazy01", "SCTBench lazy01_bad: thread3 asserts data < 3, false after both adds", {}},
      {"twostage", "SCTBench twostage_bad: data2 = data1 + 1 is set under a second lock, "
                   "after the first is dropped; a reader sees it half done",
       {{"writers", "funcA threads (iTThreads)", 1, 1, 4}, {"readers", "funcB threads (iRThreads)", 1, 1, 4}}},
      {"reorder_3", "SCTBench reorder_3_bad: 2 threads write a then b, unlocked; a checker sees one "
                    "without the other", {}},
      {"reorder_5", "SCTBench reorder_5_bad: the same with 4 writing threads", {}},
      {"wronglock_3", "SCTBench wronglock_3_bad: funcA and 3 funcB update dataValue under "
                      "different locks", {}},
      {"token_ring", "SCTBench token_ring_bad: three atomic steps pass a token; a fourth asserts "
                     "that all three agree", {}},
      {"stack", "SCTBench stack_bad: t2 pops under the mutex once t1 pushed once, and can pop "
                "more than t1 pushed",
       {{"size", "SIZE: values t1 pushes (and times t2 pops)", 10, 1, 10}}},
      {"carter01", "SCTBench carter01_bad: a lock taken under one mutex and given back under it: "
                   "deadlock", {}},
  };
  return list;
}

std::unique_ptr<Program> make_sctbench(std::string_view name, const ExampleInfo& info,
                                       const Params& params) {
  auto p = [&](std::string_view n) { return static_cast<int>(param(info, params, n)); };
  if (name == "account") return std::make_unique<Account>();
  if (name == "deadlock01") return std::make_unique<Deadlock01>();
  if (name == "lazy01") return std::make_unique<Lazy01>();
  if (name == "twostage") return std::make_unique<Twostage>(p("writers"), p("readers"));
  if (name == "reorder_3") return std::make_unique<Reorder>(2, 1);
  if (name == "reorder_5") return std::make_unique<Reorder>(4, 1);
  if (name == "wronglock_3") return std::make_unique<Wronglock>(1, 3);
  if (name == "token_ring") return std::make_unique<TokenRing>();
  if (name == "stack") return std::make_unique<Stack>(p("size"));
  if (name == "carter01") return std::make_unique<Carter01>();
  return nullptr;
}

}  // namespace models::examples

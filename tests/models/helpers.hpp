// Helpers of the page-cache model tests: small strategies of their own (so
// that these tests depend on no checker code), and Config builders.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/observation.hpp"
#include "models/pagecache/program.hpp"
#include "sim/execution.hpp"
#include "sim/schedule.hpp"
#include "sim/stack_pool.hpp"
#include "sim/strategy.hpp"

namespace models_test {

using models::pagecache::Bytes;

inline Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A system call of a thread's list: `kind` on one buffer at `address`.
inline models::pagecache::Operation op(models::pagecache::Operation::Kind kind, std::uint64_t address,
                                       std::uint32_t length, std::uint64_t offset = 0) {
  models::pagecache::Operation o;
  o.kind = kind;
  o.iov = {models::pagecache::IoVec{address, length}};
  o.offset = offset;
  return o;
}

inline models::pagecache::ThreadSpec thread(std::string name, std::vector<models::pagecache::Operation> ops) {
  return models::pagecache::ThreadSpec{std::move(name), std::move(ops)};
}

// What thread `t`'s k-th call did, as the observation recorded it.
inline const models::pagecache::SyscallRecord& call(const models::pagecache::Observation& o, sim::ThreadId t,
                                                     std::size_t k) {
  for (const models::pagecache::SyscallRecord& c : o.calls)
    if (c.thread == t && c.op_index == k) return c;
  throw std::runtime_error("no such call");
}

// Always the lowest enabled thread; fault values from a list, then 0.
class Lowest : public sim::Strategy {
 public:
  explicit Lowest(std::vector<std::uint32_t> values = {}) : values_(std::move(values)) {}
  void begin_execution() override { v_ = 0; }
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled, const sim::Execution&) override {
    return enabled.front();
  }
  std::uint32_t pick_value(std::uint32_t, const char*, const sim::Execution&) override {
    return v_ < values_.size() ? values_[v_++] : 0;
  }
  bool end_execution(const sim::Execution&) override { return false; }

 private:
  std::vector<std::uint32_t> values_;
  std::size_t v_ = 0;
};

// Follows a schedule exactly (thread choices and values), as recorded.
class Replay : public sim::Strategy {
 public:
  explicit Replay(sim::Schedule s) : s_(std::move(s)) {}
  void begin_execution() override { i_ = 0; }
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled, const sim::Execution&) override {
    return i_ < s_.size() ? s_[i_++].value : enabled.front();
  }
  std::uint32_t pick_value(std::uint32_t, const char*, const sim::Execution&) override {
    return i_ < s_.size() ? s_[i_++].value : 0;
  }
  bool end_execution(const sim::Execution&) override { return false; }

 private:
  sim::Schedule s_;
  std::size_t i_ = 0;
};

// Depth-first search over every decision, with at most `bound` preemptions
// per execution (switching away from a thread that could go on). Fault
// choices are explored exhaustively.
class BoundedDfs : public sim::Strategy {
 public:
  explicit BoundedDfs(int bound) : bound_(bound) {}
  void begin_execution() override {
    depth_ = 0;
    preemptions_ = 0;
  }
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled, const sim::Execution& ex) override {
    if (depth_ == path_.size()) {
      Point p;
      p.preemptions = preemptions_;
      const sim::ThreadId cur = ex.current();
      bool cur_enabled = false;
      for (sim::ThreadId t : enabled) cur_enabled |= t == cur;
      if (cur_enabled) {
        p.options.push_back(cur);
        p.free = cur;
        if (preemptions_ < bound_)
          for (sim::ThreadId t : enabled)
            if (t != cur) p.options.push_back(t);
      } else {
        p.options.assign(enabled.begin(), enabled.end());
      }
      path_.push_back(std::move(p));
    }
    Point& p = path_[depth_++];
    const std::uint32_t t = p.options[p.next];
    preemptions_ = p.preemptions + (p.free != sim::kNoThread && t != p.free ? 1 : 0);
    return t;
  }
  std::uint32_t pick_value(std::uint32_t n, const char*, const sim::Execution&) override {
    if (depth_ == path_.size()) {
      Point p;
      p.preemptions = preemptions_;
      for (std::uint32_t v = 0; v < n; ++v) p.options.push_back(v);
      path_.push_back(std::move(p));
    }
    Point& p = path_[depth_++];
    return p.options[p.next];
  }
  bool end_execution(const sim::Execution&) override {
    path_.resize(depth_);
    while (!path_.empty() && path_.back().next + 1 >= path_.back().options.size()) path_.pop_back();
    if (path_.empty()) return false;
    ++path_.back().next;
    return true;
  }

 private:
  struct Point {
    std::vector<std::uint32_t> options;
    std::size_t next = 0;
    int preemptions = 0;
    sim::ThreadId free = sim::kNoThread;  // the thread that goes on without a preemption
  };
  std::vector<Point> path_;
  std::size_t depth_ = 0;
  int preemptions_ = 0;
  int bound_;
};

// One execution of a program, as the explorer runs it: setup, run,
// check_end, outcome.
struct RunResult {
  sim::Verdict verdict;
  sim::Schedule schedule;
  std::vector<sim::Event> history;
  std::vector<std::string> thread_names;
  std::string outcome;
  bool more = false;  // the strategy wants another execution
};

inline RunResult run_once(models::pagecache::PageCacheProgram& program, sim::Strategy& strategy,
                          sim::StackPool& pool, bool history = false, std::uint64_t max_steps = 20000) {
  RunResult r;
  sim::Execution ex(pool);
  program.setup(ex);
  sim::ExecutionOptions eo;
  eo.history = history;
  eo.max_steps = max_steps;
  const sim::Verdict& v = ex.run(strategy, eo);
  r.verdict = v.failed() ? v : program.check_end(ex);
  if (!r.verdict.failed()) r.outcome = program.outcome();
  r.schedule = ex.schedule();
  r.history = ex.history();
  for (sim::ThreadId t = 0; t < ex.thread_count(); ++t) r.thread_names.push_back(ex.thread_name(t));
  r.more = strategy.end_execution(ex);
  return r;
}

// Runs executions under `strategy` until it has no more or one fails.
struct SearchResult {
  std::uint64_t executions = 0;
  bool complete = false;
  std::vector<RunResult> failures;
  std::set<std::string> outcomes;
};

inline SearchResult search(models::pagecache::PageCacheProgram& program, sim::Strategy& strategy,
                           std::uint64_t max_executions = 200000, bool stop_at_failure = true) {
  sim::StackPool pool;
  SearchResult res;
  strategy.begin_execution();
  for (;;) {
    RunResult r = run_once(program, strategy, pool);
    ++res.executions;
    const bool more = r.more;
    if (r.verdict.failed()) {
      res.failures.push_back(std::move(r));
      if (stop_at_failure) return res;
    } else {
      res.outcomes.insert(r.outcome);
    }
    if (!more) {
      res.complete = true;
      return res;
    }
    if (res.executions >= max_executions) return res;
  }
}

}  // namespace models_test

// dpor is split at its fault choices (execution.choose): the subtrees below
// the values of one choice do not depend on each other; a worker gives the
// untried values of its shallowest open choice away, and when it comes back
// to that choice it takes their results, value by value, with what they add
// to the backtrack sets above them, so that it goes on as one worker would
// (strategies/dpor.hpp). A program without fault choices runs on one worker.
#include "checker/search/split.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checker/search/workers.hpp"
#include "checker/strategies/dpor.hpp"
#include "sim/execution.hpp"
#include "sim/stack_pool.hpp"

namespace checker::split {

namespace {

// What one DPOR task found: its executions in one worker's order, those of
// the tasks it gave away merged in at the choices they came from.
struct DporResult {
  std::uint64_t executions = 0, blocked = 0, steps = 0, depth = 0;
  std::set<std::string> outcomes;
  bool outcomes_truncated = false;
  std::vector<Failure> failures;  // in order; the first stops it when stopping at the first
  std::vector<DporStrategy::Addition> additions;
  bool stopped = false;  // a budget, the time or an error cut it short
};

struct DporTask {
  bool root = false;
  DporStrategy::Task state;
  enum class Status { queued, running, done } status = Status::queued;
  bool cancelled = false;
  DporResult result;
};

class DporSplit {
 public:
  DporSplit(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
            const ExploreOptions& opts)
      : jobs_(jobs), make_(make), settings_(settings), opts_(opts) {
    eo_.max_steps = opts.max_steps;
  }

  ExploreResult run() {
    auto root = std::make_shared<DporTask>();
    root->root = true;
    queue_.push_back(root);
    run_workers(jobs_, shared_, opts_, [&](unsigned) {
      Worker w(make_, settings_);
      for (;;) {
        std::shared_ptr<DporTask> t;
        {
          std::unique_lock<std::mutex> lock(mu_);
          while (queue_.empty() && root->status != DporTask::Status::done) {
            hungry_ = true;
            cv_.wait_for(lock, std::chrono::milliseconds(1));
          }
          if (root->status == DporTask::Status::done) break;
          t = queue_.front();
          queue_.pop_front();
          t->status = DporTask::Status::running;
        }
        run_task(*t, w);
        finish(*t);
      }
    });
    ExploreResult res;
    const DporResult& r = root->result;
    res.executions = r.executions;
    res.blocked = r.blocked;
    res.steps = r.steps;
    res.depth = r.depth;
    res.outcomes = r.outcomes;
    res.outcomes_truncated = r.outcomes_truncated;
    res.failures = r.failures;
    res.complete = !r.stopped && !(opts_.stop_at_first_failure && !r.failures.empty());
    res.elapsed_s = seconds_since(shared_.start);
    if (!shared_.error.empty()) {
      res.status = ExploreResult::Status::nondeterminism;
      res.error = shared_.error;
      return res;
    }
    if (res.failures.empty() && r.stopped) res.budget = shared_.budget;
    res.interrupted = shared_.interrupted;
    auto program = make_();
    sim::StackPool stacks;
    settle(res, false, *program, stacks, opts_);
    return res;
  }

 private:
  void finish(DporTask& t) {
    std::lock_guard<std::mutex> lock(mu_);
    t.status = DporTask::Status::done;
    cv_.notify_all();
  }

  // The result of a task this one gave away: run here if nobody took it yet,
  // else wait for it, running queued tasks meanwhile.
  void obtain(DporTask& t, Worker& w) {
    std::unique_lock<std::mutex> lock(mu_);
    if (t.status == DporTask::Status::queued) {
      queue_.erase(std::find_if(queue_.begin(), queue_.end(), [&](const auto& p) { return p.get() == &t; }));
      t.status = DporTask::Status::running;
      lock.unlock();
      run_task(t, w);
      finish(t);
      return;
    }
    while (t.status != DporTask::Status::done) {
      if (!queue_.empty()) {
        std::shared_ptr<DporTask> other = queue_.front();
        queue_.pop_front();
        other->status = DporTask::Status::running;
        lock.unlock();
        run_task(*other, w);
        finish(*other);
        lock.lock();
        continue;
      }
      hungry_ = true;
      cv_.wait_for(lock, std::chrono::milliseconds(1));
    }
  }

  void cancel(const std::vector<std::shared_ptr<DporTask>>& batch) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& t : batch) {
      t->cancelled = true;
      auto it = std::find(queue_.begin(), queue_.end(), t);
      if (it != queue_.end()) {
        queue_.erase(it);
        t->status = DporTask::Status::done;
      }
    }
    cv_.notify_all();
  }

  void run_task(DporTask& t, Worker& w) {
    DporStrategy s;
    if (!t.root) s.set_task(std::move(t.state));
    DporResult& res = t.result;
    std::vector<std::uint64_t> tokens;  // batches this task gave away, pending
    auto cancel_pending = [&] {
      for (std::uint64_t token : tokens) cancel(take(token));
      tokens.clear();
    };
    s.set_merge_hook([&](std::uint64_t token) {
      tokens.erase(std::find(tokens.begin(), tokens.end(), token));
      std::vector<std::shared_ptr<DporTask>> batch = take(token);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        DporTask& sub = *batch[i];
        obtain(sub, w);
        const DporResult& r = sub.result;
        for (Failure f : r.failures) {
          f.execution += res.executions;
          res.failures.push_back(std::move(f));
        }
        res.executions += r.executions;
        res.blocked += r.blocked;
        res.steps += r.steps;
        res.depth = std::max(res.depth, r.depth);
        for (const std::string& o : r.outcomes) add_outcome(res.outcomes, res.outcomes_truncated, o, opts_.max_outcomes);
        res.outcomes_truncated |= r.outcomes_truncated;
        s.apply(r.additions);
        if (r.stopped || (opts_.stop_at_first_failure && !r.failures.empty())) {
          res.stopped |= r.stopped;
          cancel(std::vector<std::shared_ptr<DporTask>>(batch.begin() + static_cast<std::ptrdiff_t>(i) + 1, batch.end()));
          cancel_pending();
          return false;
        }
      }
      return true;
    });
    std::uint64_t n = 0;
    for (;;) {
      if (shared_.stop || t.cancelled || shared_.stop_requested(opts_)) {
        res.stopped = true;
        break;
      }
      if ((n++ & 15) == 0 && shared_.out_of_time(opts_)) {
        res.stopped = true;
        break;
      }
      if (!shared_.reserve(opts_)) {
        res.stopped = true;
        break;
      }
      OneRun r = run_one(*w.program, *w.ex, s, &s, eo_);
      if (r.aborted) {
        shared_.fail(r.verdict.message);
        res.stopped = true;
        break;
      }
      ++res.executions;
      res.steps += r.steps;
      res.depth = std::max(res.depth, r.steps);
      shared_.steps.fetch_add(r.steps, std::memory_order_relaxed);
      shared_.note_depth(r.steps);
      if (r.pruned) {
        ++res.blocked;
      } else if (r.failed) {
        res.failures.push_back(Failure{r.verdict, w.ex->schedule(), res.executions, {}});
        if (opts_.stop_at_first_failure) break;
      } else if (opts_.collect_outcomes) {
        add_outcome(res.outcomes, res.outcomes_truncated, w.program->outcome(), opts_.max_outcomes);
      }
      if (!s.end_execution(*w.ex)) break;
      if (hungry_.load(std::memory_order_relaxed)) {
        std::vector<DporStrategy::Task> given;
        const std::uint64_t token = next_token_.fetch_add(1);
        if (s.donate(given, token)) {
          std::vector<std::shared_ptr<DporTask>> batch;
          for (DporStrategy::Task& g : given) {
            auto sub = std::make_shared<DporTask>();
            sub->state = std::move(g);
            batch.push_back(sub);
          }
          std::lock_guard<std::mutex> lock(mu_);
          for (const auto& b : batch) queue_.push_back(b);
          batches_[token] = std::move(batch);
          tokens.push_back(token);
          hungry_ = false;
          cv_.notify_all();
        }
      }
    }
    cancel_pending();
    res.additions = s.additions();
  }

  std::vector<std::shared_ptr<DporTask>> take(std::uint64_t token) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = batches_.find(token);
    std::vector<std::shared_ptr<DporTask>> batch = std::move(it->second);
    batches_.erase(it);
    return batch;
  }

  unsigned jobs_;
  const ProgramFactory& make_;
  const ExploreSettings& settings_;
  const ExploreOptions& opts_;
  sim::ExecutionOptions eo_;
  Shared shared_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<DporTask>> queue_;
  std::map<std::uint64_t, std::vector<std::shared_ptr<DporTask>>> batches_;
  std::atomic<bool> hungry_{false};
  std::atomic<std::uint64_t> next_token_{1};
};

}  // namespace

ExploreResult explore_dpor(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                           const ExploreOptions& opts) {
  return DporSplit(jobs, make, settings, opts).run();
}

}  // namespace checker::split

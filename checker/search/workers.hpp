// What every way of splitting a search among worker threads shares
// (parallel.hpp; internal to search/): one execution as explore() runs it,
// what each worker keeps for itself, the counters and budgets that all the
// workers share, and the threads with the progress line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "checker/search/explorer.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/strategies/search.hpp"
#include "models/program.hpp"
#include "sim/execution.hpp"
#include "sim/stack_pool.hpp"
#include "sim/strategy.hpp"
#include "sim/verdict.hpp"

namespace checker::split {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t);

std::string time_budget_text(double s);
std::string execution_budget_text(std::uint64_t n);

// One execution, as explore() runs it.
struct OneRun {
  bool failed = false;
  bool pruned = false;
  bool aborted = false;  // nondeterminism: the strategy could not go on
  sim::Verdict verdict;  // when failed or aborted
  std::uint64_t steps = 0;
};

OneRun run_one(models::Program& program, sim::Execution& ex, sim::Strategy& strategy,
               SearchInfo* info, const sim::ExecutionOptions& eo);

// What one worker keeps for itself.
struct Worker {
  std::unique_ptr<models::Program> program;
  sim::StackPool stacks;
  std::unique_ptr<sim::Execution> ex;
  std::unique_ptr<sim::Strategy> strategy;
  SearchInfo* info = nullptr;

  Worker(const ProgramFactory& make, const ExploreSettings& settings)
      : program(make()), ex(std::make_unique<sim::Execution>(stacks)), strategy(make_strategy(settings)) {
    info = dynamic_cast<SearchInfo*>(strategy.get());
  }
};

// Counters every worker adds to, read by the progress line and the budgets.
struct Shared {
  Clock::time_point start = Clock::now();
  std::atomic<std::uint64_t> executions{0};  // started (budget reservations)
  std::atomic<std::uint64_t> steps{0};
  std::atomic<std::uint64_t> depth{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::string budget;  // what stopped the search (under mu)
  std::string error;   // nondeterminism (under mu)
  std::atomic<bool> interrupted{false};  // opts.stop ended it

  void note_depth(std::uint64_t d) {
    std::uint64_t cur = depth.load(std::memory_order_relaxed);
    while (d > cur && !depth.compare_exchange_weak(cur, d, std::memory_order_relaxed)) {
    }
  }
  // Takes one execution of the budget; false when it ran out.
  bool reserve(const ExploreOptions& o) {
    const std::uint64_t n = executions.fetch_add(1, std::memory_order_relaxed);
    if (o.max_executions != 0 && n >= o.max_executions) {
      executions.fetch_sub(1, std::memory_order_relaxed);
      halt(execution_budget_text(o.max_executions));
      return false;
    }
    return true;
  }
  void halt(const std::string& why) {
    std::lock_guard<std::mutex> lock(mu);
    if (budget.empty() && error.empty()) budget = why;
    stop = true;
  }
  void fail(const std::string& why) {
    std::lock_guard<std::mutex> lock(mu);
    if (error.empty()) error = why;
    stop = true;
  }
  // opts.stop was raised (a signal): stop every worker.
  bool stop_requested(const ExploreOptions& o) {
    if (!o.stop) return false;
    const int why = o.stop->load(std::memory_order_relaxed);
    if (why == 0) return false;
    interrupted = true;
    halt(interrupted_text(why));
    return true;
  }
  bool out_of_time(const ExploreOptions& o) {
    if (o.time_limit_s > 0 && seconds_since(start) >= o.time_limit_s) {
      halt(time_budget_text(o.time_limit_s));
      return true;
    }
    return false;
  }
};

// Runs `body(i)` on `jobs` threads and, on this one, the progress line until
// they are done.
void run_workers(unsigned jobs, Shared& shared, const ExploreOptions& opts,
                 const std::function<void(unsigned)>& body,
                 const std::function<double()>& estimate = {});

}  // namespace checker::split

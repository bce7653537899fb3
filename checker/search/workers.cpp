#include "checker/search/workers.hpp"

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

namespace checker::split {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string time_budget_text(double s) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%g", s);
  return std::string("the time budget (") + secs + " s, --time-limit) ran out";
}

std::string execution_budget_text(std::uint64_t n) {
  return "the execution budget (" + std::to_string(n) + " executions, --max-executions) ran out";
}

OneRun run_one(models::Program& program, sim::Execution& ex, sim::Strategy& strategy,
               SearchInfo* info, const sim::ExecutionOptions& eo) {
  OneRun r;
  ex.reset();
  sim::Verdict end_verdict;
  const sim::Verdict* verdict = &end_verdict;
  try {
    program.setup(ex);
    const sim::Verdict& run_verdict = ex.run(strategy, eo);
    if (info) info->run_ended(ex);
    if (run_verdict.failed())
      verdict = &run_verdict;
    else
      end_verdict = program.check_end(ex);
  } catch (const std::exception& e) {
    end_verdict.kind = sim::Verdict::Kind::internal_error;
    end_verdict.invariant = "internal-error";
    end_verdict.message =
        std::string("the model threw outside its threads (setup, run or end checks): ") + e.what();
    verdict = &end_verdict;
  }
  r.steps = ex.steps();
  if (verdict->kind == sim::Verdict::Kind::aborted && info && info->pruned()) {
    r.pruned = true;
  } else if (verdict->kind == sim::Verdict::Kind::aborted) {
    r.aborted = true;
    r.verdict = *verdict;
  } else if (verdict->failed()) {
    r.failed = true;
    r.verdict = *verdict;
  }
  return r;
}

void run_workers(unsigned jobs, Shared& shared, const ExploreOptions& opts,
                 const std::function<void(unsigned)>& body,
                 const std::function<double()>& estimate) {
  std::mutex mu;
  std::condition_variable cv;
  unsigned running = jobs;
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < jobs; ++i)
    threads.emplace_back([&, i] {
      body(i);
      std::lock_guard<std::mutex> lock(mu);
      --running;
      cv.notify_all();
    });
  double next = opts.progress_interval_s;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu);
      if (cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return running == 0; })) break;
    }
    const double now = seconds_since(shared.start);
    if (opts.progress && now >= next) {
      opts.progress(Progress{shared.executions.load(), shared.steps.load(), shared.depth.load(), now,
                             estimate ? estimate() : 0.0});
      next = now + opts.progress_interval_s;
    }
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace checker::split

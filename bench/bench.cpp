// interleave-bench: exhaustive DFS on built-in generic programs (threads that
// take and release locks and touch shared words; independent steps), in
// executions/s, steps/s and ns per step, beside a raw Boost.Context fiber
// ping-pong measured in the same run, and their ratio (DESIGN.md section 8).
// Speed is measured here, never in timed test assertions.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/context/fiber.hpp>
#include <CLI/CLI.hpp>

#include "checker/explorer.hpp"
#include "checker/strategies/dfs.hpp"
#include "models/examples/examples.hpp"
#include "sim/stack_pool.hpp"

namespace ctx = boost::context;
using Clock = std::chrono::steady_clock;

namespace {

// One round trip: main resumes the fiber, the fiber resumes main (two switches).
double pingpong_ns_per_round_trip(std::uint64_t rounds) {
  sim::StackPool pool;
  volatile std::uint64_t sink = 0;
  ctx::fiber f(std::allocator_arg, sim::PooledStack(pool), [&](ctx::fiber&& main) {
    for (;;) {
      sink = sink + 1;
      main = std::move(main).resume();
    }
    return std::move(main);
  });
  for (int i = 0; i < 1000; ++i) f = std::move(f).resume();  // warm up
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < rounds; ++i) f = std::move(f).resume();
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  // Unwinding the endless fiber: destroying it throws forced_unwind inside it.
  return ns / double(rounds);
}

struct Row {
  std::string name;
  checker::ExploreResult result;
};

Row bench_dfs(const std::string& example, const models::examples::Params& params,
              double seconds) {
  auto program = models::examples::make_example(example, params);
  checker::DfsStrategy dfs;
  sim::StackPool stacks;
  checker::ExploreOptions opts;
  opts.time_limit_s = seconds;
  opts.collect_outcomes = false;
  opts.verify_failure = false;
  std::string name = "example:" + example;
  for (const auto& [k, v] : params) name += " " + k + "=" + std::to_string(v);
  return {name, checker::explore(*program, dfs, stacks, opts)};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"interleave-bench: executions/s, steps/s and ns per step of exhaustive DFS, "
               "beside a raw Boost.Context switch measured in the same run"};
  double seconds = 2.0;
  std::uint64_t rounds = 20'000'000;
  app.add_option("--seconds", seconds, "time per program (the search stops there if not done)")
      ->check(CLI::PositiveNumber);
  app.add_option("--rounds", rounds, "ping-pong round trips to time")->check(CLI::PositiveNumber);
  app.footer("Example:\n  interleave-bench --seconds 1");
  CLI11_PARSE(app, argc, argv);

  const double rt = pingpong_ns_per_round_trip(rounds);
  std::printf("raw Boost.Context ping-pong: %.1f ns per round trip (%.1f ns per switch)\n\n", rt,
              rt / 2);

  std::vector<Row> rows;
  rows.push_back(bench_dfs("lock-mix", {{"threads", 3}, {"rounds", 1}}, seconds));
  rows.push_back(bench_dfs("lock-mix", {{"threads", 2}, {"rounds", 2}}, seconds));
  rows.push_back(bench_dfs("steps", {{"threads", 3}, {"steps", 5}}, seconds));

  std::printf("%-34s %12s %10s %12s %12s %8s %8s %s\n", "exhaustive DFS on", "executions",
              "steps/exec", "execs/s", "steps/s", "ns/step", "x switch", "");
  for (const Row& r : rows) {
    const auto& x = r.result;
    const double ns_step = x.steps ? x.elapsed_s * 1e9 / double(x.steps) : 0;
    std::printf("%-34s %12llu %10.1f %12.0f %12.0f %8.1f %8.2f %s\n", r.name.c_str(),
                static_cast<unsigned long long>(x.executions),
                x.executions ? double(x.steps) / double(x.executions) : 0.0,
                double(x.executions) / x.elapsed_s, double(x.steps) / x.elapsed_s, ns_step,
                ns_step / rt, x.complete ? "(complete)" : "(time limit)");
  }
  std::printf("\nns/step counts everything: the fiber switches, the scheduler, the strategy, and\n"
              "each execution's set-up (fresh model state, threads) spread over its steps.\n"
              "x switch = ns per step / ns per raw round trip.\n");
  return 0;
}

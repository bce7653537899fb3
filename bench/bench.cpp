// interleave-bench: the figures of DESIGN.md section 8 in one run, as tables
// that docs/performance.md quotes with the command that made them:
//
//   1. the raw Boost.Context switch (a fiber ping-pong), the physical floor;
//   2. exhaustive search speed: executions, steps, executions/s, steps/s, ns
//      per step and its ratio to the switch round trip, for DFS and DPOR on
//      the same programs (DPOR's cost per step against DFS's);
//   3. the reduction: DPOR's executions (complete and sleep-set blocked)
//      against DFS's and, where it is known, the number of Mazurkiewicz traces;
//   4. executions to the first violation, per strategy, on the seed scenarios
//      and the SCTBench classics;
//   5. the speed-up of --jobs 2 over --jobs 1;
//   6. memory: the peak resident set of a search of 10^4 executions against
//      one of 10^6 executions of the same program, each in a fresh process
//      (it must be bounded by the depth of the search, not by its length);
//   7. scale (scale.cpp; only with --table scale): the searches issue #12
//      aims at, each in a fresh process with a time cap.
//
// Speed is measured here, never in timed test assertions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/context/fiber.hpp>
#include <CLI/CLI.hpp>

#include "bench/child.hpp"
#include "bench/scale.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/fiber_stacks.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "models/examples/examples.hpp"
#include "sim/primitives.hpp"
#include "sim/stack_pool.hpp"

#ifndef INTERLEAVE_SOURCE_DIR
#define INTERLEAVE_SOURCE_DIR "."
#endif

namespace ctx = boost::context;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using checker::ExploreResult;

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
  return ns / double(rounds);
}

// N threads, each taking one mutex K times and incrementing a shared word
// under it; with `private_steps`, each also takes that many steps on an
// object of its own between two critical sections (independent of all else).
class MutexCounter final : public models::Program {
 public:
  MutexCounter(int threads, int rounds, int private_steps)
      : n_(threads), k_(rounds), p_(private_steps) {}
  void setup(sim::Execution& ex) override {
    m_ = std::make_unique<sim::Semaphore>(ex, "m", 1);
    x_ = std::make_unique<sim::SharedWord>(ex, "x", 0);
    for (int i = 0; i < n_; ++i) {
      const sim::ObjectId own = ex.new_object("own" + std::to_string(i));
      ex.spawn("t" + std::to_string(i), [this, &ex, own] {
        for (int r = 0; r < k_; ++r) {
          m_->down("lock");
          x_->store(x_->load("load") + 1, "store");
          m_->up("unlock");
          for (int s = 0; s < p_; ++s) ex.step("private", own, sim::Access::write);
        }
      });
    }
  }
  std::string outcome() const override { return "x=" + std::to_string(x_->peek()); }

 private:
  int n_, k_, p_;
  std::unique_ptr<sim::Semaphore> m_;
  std::unique_ptr<sim::SharedWord> x_;
};

struct Subject {
  std::string name;
  std::function<std::unique_ptr<models::Program>()> make;
  std::uint64_t max_steps = 10000;
  std::uint64_t traces = 0;  // Mazurkiewicz traces, when known
};

Subject example(const std::string& name, models::examples::Params params = {}) {
  std::string label = name;
  for (const auto& [k, v] : params) label += " " + k + "=" + std::to_string(v);
  return {label, [name, params] { return models::examples::make_example(name, params); }};
}

Subject scenario(const fs::path& file) {
  auto s = std::make_shared<checker::Scenario>(checker::load_scenario(file.string()));
  return {"seed/" + file.stem().string(), [s] { return checker::make_program(*s); }, s->explore.max_steps};
}

ExploreResult search(const Subject& sub, const std::string& strategy, double seconds,
                     bool stop_at_first, unsigned jobs = 1, std::uint64_t max_executions = 0,
                     std::uint64_t seed = 0) {
  checker::ExploreSettings s;
  s.strategy = strategy;
  s.seed = seed;
  s.max_steps = sub.max_steps;
  s.max_executions = max_executions;
  s.time_limit_s = seconds;
  checker::ExploreOptions o = checker::explore_options(s);
  o.stop_at_first_failure = stop_at_first;
  o.collect_outcomes = false;
  o.verify_failure = false;
  return checker::explore_parallel(sub.make, s, o, jobs);
}

// Executions, with "+" when a budget stopped the search (one that stops at
// the first violation is not complete either, but by choice).
std::string count(const ExploreResult& r, bool stop_at_first) {
  std::string s = std::to_string(r.executions);
  if (!r.complete && (!stop_at_first || r.failures.empty())) s += "+";
  return s;
}

double ns_per_step(const ExploreResult& r) {
  return r.steps ? r.elapsed_s * 1e9 / double(r.steps) : 0;
}

void rule(std::size_t n) { std::printf("%s\n", std::string(n, '-').c_str()); }

// ---- 6. memory
//
// The peak resident set of one search is measured in a process of its own,
// started fresh (bench::run_fresh runs this program with --memory-child): a
// forked copy of this process would start with the memory of every search above.

// The search a child runs: `executions` executions of four threads taking
// one mutex four times each (a search of far more than 10^6 executions for
// each strategy), with the options `interleave run` uses: outcomes
// collected, stop at a failure (there is none).
const char* kMemoryProgram = "mutex N=4 K=4";

int memory_child(const std::string& strategy, std::uint64_t executions) {
  checker::ExploreSettings s;
  s.strategy = strategy;
  s.max_executions = executions;
  s.jobs = 1;
  const ExploreResult r = checker::explore_parallel([] { return std::make_unique<MutexCounter>(4, 4, 0); }, s,
                                                    checker::explore_options(s), 1);
  // A search that ended before the budget measured less than it claims.
  return r.executions == executions ? 0 : 1;
}

struct Peak {
  long rss_kib = -1;  // -1: the child failed
  double seconds = 0;
};

Peak peak_of_child(const std::string& strategy, std::uint64_t executions) {
  const bench::ChildRun run = bench::run_fresh({"--memory-child", strategy, std::to_string(executions)});
  if (!run.ok) return {};
  return {run.rss_kib, run.seconds};
}

// Table 6: memory against the number of executions.
void memory_table(bool quick) {
  const std::uint64_t few = quick ? 1000 : 10000, many = quick ? 100000 : 1000000;
  std::printf("6. peak resident memory (KiB, a fresh process per search) of %llu and of %llu executions,\n"
              "   one worker, with the options of `interleave run --max-executions N`: it must stay bounded\n"
              "   by the depth of the search, not grow with the number of executions\n",
              static_cast<unsigned long long>(few), static_cast<unsigned long long>(many));
  std::printf("%-34s %9s %12s %12s %8s %10s\n", "program", "strategy", "peak few", "peak many", "ratio",
              "many s");
  rule(90);
  for (const char* strategy : {"dfs", "dpor", "random"}) {
    const Peak a = peak_of_child(strategy, few);
    const Peak b = peak_of_child(strategy, many);
    if (a.rss_kib < 0 || b.rss_kib < 0) {
      std::printf("%-34s %9s %12s %12s %8s %10s  (a search failed or ran short)\n",
                  kMemoryProgram, strategy, "-", "-", "-", "-");
      continue;
    }
    std::printf("%-34s %9s %12ld %12ld %7.2fx %10.1f\n", kMemoryProgram, strategy, a.rss_kib,
                b.rss_kib, double(b.rss_kib) / double(a.rss_kib), b.seconds);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"interleave-bench: the engine's and the strategies' figures (DESIGN.md section 8), "
               "with a raw Boost.Context switch measured in the same run"};
  double seconds = 10.0;
  std::uint64_t rounds = 20'000'000;
  std::string seed_dir = std::string(INTERLEAVE_SOURCE_DIR) + "/scenarios/seed";
  bool quick = false;
  bool memory_only = false;
  std::string table;
  std::vector<std::string> memory_child_args, scale_child_args;
  app.add_option("--seconds", seconds, "time limit of each search (a search stopped there is marked +)")
      ->check(CLI::PositiveNumber);
  app.add_option("--rounds", rounds, "ping-pong round trips to time")->check(CLI::PositiveNumber);
  app.add_option("--scenarios", seed_dir,
                 "the seed scenarios' folder (table 7 reads seed/, variants/ and examples/ beside it)");
  app.add_flag("--quick", quick, "smaller programs and 1 s per search (a smoke test)");
  app.add_option("--table", table,
                 "only one table: memory (6, the memory of short and long searches) or scale (7, the "
                 "aims of issue #12, each search in a fresh process, 60 s each at most: about half an "
                 "hour; not part of the default run of tables 1 to 6)")
      ->check(CLI::IsMember({"memory", "scale"}));
  app.add_flag("--memory-only", memory_only, "the same as --table memory");
  app.add_option("--memory-child", memory_child_args, "(internal) table 6's child: STRATEGY EXECUTIONS")
      ->expected(2)
      ->group("");
  app.add_option("--scale-child", scale_child_args, "(internal) table 7's child: MODE STRATEGY SECONDS SCENARIO")
      ->expected(4)
      ->group("");
  app.footer("Examples:\n  interleave-bench --seconds 10 > bench.txt\n  interleave-bench --table scale > scale.txt");
  CLI11_PARSE(app, argc, argv);
  checker::configure_fiber_stacks(3);
  if (!memory_child_args.empty())
    return memory_child(memory_child_args[0], std::stoull(memory_child_args[1]));
  if (!scale_child_args.empty()) return bench::scale_child(scale_child_args);
  if (memory_only || table == "memory") {
    memory_table(quick);
    return 0;
  }
  if (table == "scale") {
    bench::scale_table({fs::path(seed_dir).parent_path().string(), quick});
    return 0;
  }
  if (quick) seconds = std::min(seconds, 1.0);

  std::printf("interleave-bench: %u hardware threads; %.0f s per search at most\n\n",
              std::thread::hardware_concurrency(), seconds);

  // ---- 1. the floor
  const double rt = pingpong_ns_per_round_trip(quick ? rounds / 10 : rounds);
  std::printf("1. raw Boost.Context ping-pong: %.1f ns per round trip (%.1f ns per switch)\n\n", rt, rt / 2);

  // ---- 2 and 3. exhaustive search: speed and reduction
  std::vector<Subject> exhaustive = {
      {"mutex N=3 K=3", [] { return std::make_unique<MutexCounter>(3, 3, 0); }, 10000, 1680},
      {"mutex N=3 K=4", [] { return std::make_unique<MutexCounter>(3, 4, 0); }, 10000, 34650},
      {"mutex N=3 K=3 +1 private", [] { return std::make_unique<MutexCounter>(3, 3, 1); }, 10000, 1680},
      {"mutex N=2 K=4 +2 private", [] { return std::make_unique<MutexCounter>(2, 4, 2); }, 10000, 70},
      example("lock-mix", {{"threads", 3}, {"rounds", 1}}),
      example("steps", {{"threads", 3}, {"steps", 5}}),
      example("lost-update", {{"threads", 4}}),
  };
  exhaustive[4].traces = 22;
  exhaustive[5].traces = 1;
  if (quick) exhaustive.resize(4);
  std::vector<Subject> seeds;
  std::error_code ec;
  if (fs::is_directory(seed_dir, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(seed_dir)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) seeds.push_back(scenario(f));
  }
  std::vector<Subject> speed = exhaustive;
  for (const Subject& s : seeds) speed.push_back(s);

  std::printf("2./3. exhaustive search, one worker, every execution (not stopping at a violation):\n"
              "   DFS against DPOR; traces = Mazurkiewicz traces (one execution each is the optimum)\n");
  std::printf("%-34s %9s %10s %8s %12s %12s %8s %9s %9s\n", "program", "strategy", "executions",
              "blocked", "execs/s", "steps/s", "ns/step", "x switch", "traces");
  rule(118);
  double dfs_ns = 0, dpor_ns = 0;  // on the program where both run the same executions
  for (const Subject& sub : speed) {
    for (const char* strategy : {"dfs", "dpor"}) {
      ExploreResult r = search(sub, strategy, seconds, false);
      const double ns = ns_per_step(r);
      // A search of a few executions is mostly its set-up: no rate worth printing.
      const bool timed = r.executions >= 1000;
      char rates[64] = "";
      if (timed)
        std::snprintf(rates, sizeof rates, "%12.0f %12.0f %8.1f %9.2f", double(r.executions) / r.elapsed_s,
                      double(r.steps) / r.elapsed_s, ns, ns / rt);
      else
        std::snprintf(rates, sizeof rates, "%12s %12s %8s %9s", "-", "-", "-", "-");
      std::printf("%-34s %9s %10s %8llu %s %9s\n", sub.name.c_str(), strategy, count(r, false).c_str(),
                  static_cast<unsigned long long>(r.blocked), rates,
                  sub.traces ? std::to_string(sub.traces).c_str() : "");
      if (sub.name == "mutex N=3 K=4") (std::string(strategy) == "dfs" ? dfs_ns : dpor_ns) = ns;
    }
  }
  std::printf("\n   executions+ : stopped by the time limit. ns/step counts everything: switches,\n"
              "   scheduler, strategy, each execution's set-up. x switch = ns/step / ns per round trip.\n"
              "   Rates are left out (-) for searches of under 1000 executions: set-up dominates them.\n");
  if (dfs_ns > 0)
    std::printf("   DPOR's cost per step against DFS's (mutex N=3 K=4, the same 34650 executions): %.2fx\n",
                dpor_ns / dfs_ns);
  std::printf("\n");

  // ---- 4. executions to the first violation
  std::vector<Subject> buggy;
  for (const char* name : {"account", "deadlock01", "lazy01", "twostage", "reorder_3", "reorder_5",
                           "wronglock_3", "token_ring", "stack", "carter01"})
    buggy.push_back(example(name));
  for (const Subject& s : seeds) buggy.push_back(s);
  const std::vector<std::string> strategies = {"dfs", "dpor", "pb", "db", "pct", "random"};
  std::printf("4. executions to the first violation (one worker; pct and random: seed 0, up to\n"
              "   100000 executions; pb/db: the bound where it appeared; - none found, + limit)\n");
  std::printf("%-34s", "program");
  for (const std::string& s : strategies) std::printf(" %13s", s.c_str());
  std::printf("\n");
  rule(34 + 14 * strategies.size());
  for (const Subject& sub : buggy) {
    std::string row;
    bool any = false;
    std::vector<std::string> cells;
    for (const std::string& strategy : strategies) {
      const bool walk = strategy == "pct" || strategy == "random";
      ExploreResult r = search(sub, strategy, seconds, true, 1, walk ? 100000 : 0);
      std::string cell;
      if (!r.failures.empty()) {
        any = true;
        cell = std::to_string(r.failures.front().execution);
        const std::string& at = r.failures.front().search;
        if (strategy == "pb" || strategy == "db") cell += " (b" + at.substr(at.rfind(' ') + 1) + ")";
      } else {
        cell = r.complete ? "-" : count(r, true);
      }
      cells.push_back(cell);
    }
    if (!any) continue;  // a scenario that passes: it is in table 2
    std::printf("%-34s", sub.name.c_str());
    for (const std::string& c : cells) std::printf(" %13s", c.c_str());
    std::printf("\n");
  }
  std::printf("\n");

  // ---- 5. --jobs 2 against --jobs 1
  std::printf("5. --jobs 2 against --jobs 1 (the same executions; wall-clock time; dfs complete or to the\n"
              "   first violation, pct with a budget; dpor split at fault choices). To the first violation in\n"
              "   DFS order, a second worker helps only when it lies in a subtree given away.\n");
  std::printf("%-34s %9s %10s %10s %10s %8s\n", "program", "strategy", "executions", "1 job s", "2 jobs s",
              "speed-up");
  rule(86);
  struct Job {
    Subject sub;
    const char* strategy;
    std::uint64_t max_executions;
    bool stop_at_first = true;  // false: every execution, not stopping at a violation
  };
  std::vector<Job> jobs = {
      {example("lock-mix", {{"threads", 3}, {"rounds", 1}}), "dfs", 0},
      {{"mutex N=3 K=3 +1 private", [] { return std::make_unique<MutexCounter>(3, 3, 1); }}, "pct", 200000},
  };
  for (const char* name : {"seed/control-different-pages", "seed/self-deadlock-reclaim"})
    for (const Subject& s : seeds)
      if (s.name == name) jobs.push_back({s, "dfs", 0});
  for (const Subject& s : seeds)
    if (s.name == "seed/control-write-then-read") jobs.push_back({s, "pct", 50000});
  for (const Subject& s : seeds)
    if (s.name == "seed/torn-read-across-pages") jobs.push_back({s, "dfs", 0});
  for (const char* name : {"seed/self-deadlock-reclaim", "seed/torn-read-across-pages"})
    for (const Subject& s : seeds)
      if (s.name == name) jobs.push_back({s, "dpor", 0, false});
  if (quick) jobs.resize(1);
  for (const Job& j : jobs) {
    ExploreResult one = search(j.sub, j.strategy, seconds * 3, j.stop_at_first, 1, j.max_executions, 1);
    ExploreResult two = search(j.sub, j.strategy, seconds * 3, j.stop_at_first, 2, j.max_executions, 1);
    std::printf("%-34s %9s %10s %10.2f %10.2f %7.2fx%s\n", j.sub.name.c_str(),
                (std::string(j.strategy) + (j.stop_at_first ? "" : " all")).c_str(),
                count(one, j.stop_at_first).c_str(), one.elapsed_s, two.elapsed_s,
                two.elapsed_s > 0 ? one.elapsed_s / two.elapsed_s : 0.0,
                one.executions == two.executions || !one.complete || !two.complete
                    ? ""
                    : "  (executions differ!)");
  }
  std::printf("\n");

  memory_table(quick);
  return 0;
}

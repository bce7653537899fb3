// Table 7, "scale": the searches issue #12 ("Searches that scale") aims at,
// as they run today. Each row is one search of one scenario, run in a fresh
// process (bench::run_fresh, with --scale-child) on one worker and stopped
// at a time cap, so that a search that does not finish shows how far it got
// instead of hanging the table. Rows:
//
//   problem 1 (seed/self-deadlock-reclaim): executions to the deadlock with
//     the default strategy as `interleave run` runs it (the scenario's own
//     settings: auto, no budget); its complete space with dpor, searched past
//     every violation; and the complete space of the variant that removes the
//     bug (zippel-nonblocking-copy);
//   the lock-coupling family: W writers pwrite a whole file of P 2-byte pages
//     while one reader preads it, on zippel-lock-coupling and on linux-6-xfs,
//     built in memory and read by the scenario loader;
//   every scenario under scenarios/, for each variant it is checked on
//     (checker::expectation_cells), searched whole with dpor, and again with
//     every agent's budget doubled where it has agents.
#include "bench/scale.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/child.hpp"
#include "checker/scenario/load.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/settings.hpp"

namespace bench {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr double kCapSeconds = 60;      // per row
constexpr double kQuickCapSeconds = 1;  // per row, --quick
// The variant that removes problem 1: its copy returns EAGAIN instead of
// sleeping on a locked page (pass in variants/pwrite-from-own-mapping).
constexpr const char* kProblem1Fixed = "zippel-nonblocking-copy";

// "first": stop at the first violation, as `interleave run` does; "all": go
// on past every violation, so that the whole space is searched (the
// violations found are kept, as the explorer keeps them).
enum class Mode { first, all };

struct Aim {
  enum Kind { none, executions_at_most, complete_in_cap } kind = none;
  std::uint64_t n = 0;
};

struct Row {
  std::string program;
  std::string search;    // what the row's search is, as printed
  json doc;              // the scenario document the child reads
  std::string strategy;  // "scenario": the scenario's own explore settings
  Mode mode = Mode::all;
  Aim aim;
};

// What the child reports (one line), with what the parent measured of it.
struct Result {
  bool ok = false;
  std::string error;
  std::uint64_t executions = 0;
  bool complete = false;
  double elapsed_s = 0;
  std::uint64_t violating = 0;
  std::uint64_t first = 0;  // the number of the first violating execution; 0: none
  std::string status;
  std::string states;  // the states the search kept; "-": none (a stateless strategy)
  long rss_kib = -1;
};

bool capped(const Row& row, const Result& r) {
  return !r.complete && !(row.mode == Mode::first && r.violating > 0);
}

std::string aim_cell(const Row& row, const Result& r, double cap) {
  char text[64];
  bool met = false;
  switch (row.aim.kind) {
    case Aim::none:
      return "";
    case Aim::executions_at_most: {
      std::snprintf(text, sizeof text, "<= %llu executions", static_cast<unsigned long long>(row.aim.n));
      const std::uint64_t n = row.mode == Mode::first ? r.first : r.executions;
      met = r.ok && !capped(row, r) && n != 0 && n <= row.aim.n;
      break;
    }
    case Aim::complete_in_cap:
      std::snprintf(text, sizeof text, "complete < %.0f s", cap);
      met = r.ok && r.complete;
      break;
  }
  return std::string(text) + (met ? ": met" : ": not met");
}

json doubled_budgets(json doc) {
  for (json& a : doc["agents"]) a["budget"] = 2 * a.value("budget", 1);
  return doc;
}

bool has_agents(const json& doc) { return doc.contains("agents") && !doc["agents"].empty(); }

// W writers, each pwriting the whole file of P 2-byte pages (writer i its own
// letter), and one reader preading it whole; ramfs, every page cached,
// copy_chunk 1 (a copy step per byte).
json lock_coupling_doc(const std::string& variant, int writers, int pages) {
  const std::size_t size = 2 * static_cast<std::size_t>(pages);
  json cached = json::array();
  for (int p = 0; p < pages; ++p) cached.push_back(p);
  json memory = json::array(), threads = json::array();
  for (int w = 0; w < writers; ++w) {
    const std::string buf = "w" + std::to_string(w);
    memory.push_back({{"name", buf}, {"kind", "anonymous"}, {"content", std::string(size, char('b' + w))}});
    threads.push_back({{"name", "W" + std::to_string(w + 1)},
                       {"ops", json::array({{{"op", "pwrite"}, {"buf", buf}, {"offset", 0}}})}});
  }
  memory.push_back({{"name", "dst"}, {"kind", "anonymous"}, {"length", size}});
  threads.push_back({{"name", "reader"}, {"ops", json::array({{{"op", "pread"}, {"buf", "dst"}, {"offset", 0}}})}});
  return {{"name", "lock-coupling-W" + std::to_string(writers) + "-P" + std::to_string(pages)},
          {"model", variant},
          {"filesystem", "ramfs"},
          {"geometry", {{"page_size", 2}, {"block_size", 2}, {"pages", pages}, {"copy_chunk", 1}}},
          {"file", {{"content", std::string(size, 'a')}, {"cached", cached}}},
          {"memory", memory},
          {"threads", threads},
          {"invariants", {"torn-read", "lost-data", "deadlock", "kernel-bug"}},
          {"explore", {{"strategy", "dpor"}}}};
}

std::vector<fs::path> json_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json" && e.path().filename() != "schema.json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Row> rows(const ScaleOptions& opt) {
  std::vector<Row> out;
  const fs::path root = opt.scenarios_dir;
  const Aim each{Aim::complete_in_cap, 0};

  // Problem 1.
  const fs::path p1 = root / "seed" / "self-deadlock-reclaim.json";
  if (fs::exists(p1)) {
    const checker::Scenario s = checker::load_scenario(p1.string());
    const std::string name = "problem 1 (seed/self-deadlock-reclaim)";
    out.push_back({name, "auto (its settings), 1st violation", s.json, "scenario", Mode::first,
                   {Aim::executions_at_most, 100}});
    out.push_back({name, "dpor, past every violation", s.json, "dpor", Mode::all,
                   {Aim::executions_at_most, 5000}});
    out.push_back({std::string("problem 1 @") + kProblem1Fixed + " (bug removed)", "dpor, complete",
                   checker::for_variant(s, kProblem1Fixed).json, "dpor", Mode::all,
                   {Aim::executions_at_most, 5000}});
    out.push_back({name, "stateful, past every violation", s.json, "stateful", Mode::all, {}});
    out.push_back({std::string("problem 1 @") + kProblem1Fixed + " (bug removed)", "stateful, complete",
                   checker::for_variant(s, kProblem1Fixed).json, "stateful", Mode::all, {}});
  }

  // The lock-coupling family, and a few of it on linux-6-xfs.
  const int max_w = opt.quick ? 2 : 3, max_p = opt.quick ? 2 : 6;
  for (int w = 1; w <= max_w; ++w)
    for (int p = 1; p <= max_p; ++p)
      out.push_back({"zippel-lock-coupling W=" + std::to_string(w) + " P=" + std::to_string(p), "dpor, complete",
                     lock_coupling_doc("zippel-lock-coupling", w, p), "dpor", Mode::all,
                     w >= 2 && p == 6 ? each : Aim{}});
  // The same family with the stateful search (issue #12's state caching):
  // the aim is the same, W = 2, 3 and P = 6 complete in under 60 s each.
  for (int w = 1; w <= max_w; ++w)
    for (int p = 1; p <= max_p; ++p)
      out.push_back({"zippel-lock-coupling W=" + std::to_string(w) + " P=" + std::to_string(p),
                     "stateful, complete", lock_coupling_doc("zippel-lock-coupling", w, p), "stateful", Mode::all,
                     w >= 2 && p == 6 ? each : Aim{}});
  for (int w = 2; w <= max_w; ++w)
    for (int p = 2; p <= max_p; p += 2)
      out.push_back({"linux-6-xfs W=" + std::to_string(w) + " P=" + std::to_string(p), "dpor, complete",
                     lock_coupling_doc("linux-6-xfs", w, p), "dpor", Mode::all, {}});

  // Every scenario, for each variant it is checked on; --quick: its file's own model only.
  for (const char* sub : {"seed", "variants", "examples"}) {
    for (const fs::path& f : json_files(root / sub)) {
      const checker::Scenario s = checker::load_scenario(f.string());
      std::vector<checker::Scenario> cells = checker::expectation_cells(s);
      if (opt.quick) cells.resize(1);
      for (const checker::Scenario& c : cells) {
        std::string name = std::string(sub) + "/" + f.stem().string();
        if (!s.expect_by_variant.empty()) name += "@" + c.model;
        out.push_back({name, "dpor, past every violation", c.json, "dpor", Mode::all, each});
        if (has_agents(c.json))
          out.push_back({name + " budget x2", "dpor, past every violation", doubled_budgets(c.json), "dpor",
                         Mode::all, each});
      }
    }
  }
  return out;
}

Result run_row(const Row& row, double cap) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%g", cap);
  const ChildRun c = run_fresh({"--scale-child", row.mode == Mode::first ? "first" : "all", row.strategy, secs,
                                row.doc.dump()});
  Result r;
  r.rss_kib = c.rss_kib;
  std::istringstream in(c.out);
  int complete = 0;
  if (c.ok && in >> r.executions >> complete >> r.elapsed_s >> r.violating >> r.first >> r.status >> r.states) {
    r.ok = true;
    r.complete = complete != 0;
  } else {
    r.error = "the search's process failed (exit code " + std::to_string(c.exit_code) + ")";
  }
  return r;
}

std::string time_cell(const Row& row, const Result& r, double cap) {
  char text[96];
  if (capped(row, r))
    std::snprintf(text, sizeof text, "> %g s (%llu executions)", cap, static_cast<unsigned long long>(r.executions));
  else
    std::snprintf(text, sizeof text, "%.2f s", r.elapsed_s);
  return text;
}

}  // namespace

int scale_child(const std::vector<std::string>& args) {
  try {
    const bool first = args.at(0) == "first";
    const std::string& strategy = args.at(1);
    const double cap = std::stod(args.at(2));
    const checker::Scenario s = checker::parse_scenario(json::parse(args.at(3)), "");
    checker::ExploreSettings settings = s.explore;
    if (strategy != "scenario") {  // a whole search: none of the scenario's budgets
      settings.strategy = strategy;
      settings.max_executions = 0;
      settings.time_limit_s = 0;
    }
    settings.jobs = 1;
    // `interleave run`'s options (outcomes collected, the failure verified);
    // the cap stops the search, but the strategy is made from the settings
    // alone, so that auto without a budget is DPOR to its end, as in run.
    checker::ExploreOptions o = checker::explore_options(settings);
    if (o.time_limit_s <= 0 || o.time_limit_s > cap) o.time_limit_s = cap;
    o.stop_at_first_failure = first;
    const checker::ExploreResult r =
        checker::explore_parallel([&s] { return checker::make_program(s); }, settings, o, 1);
    // The states kept: a stateful strategy's store; "-" for the stateless ones
    // (every execution runs from a fresh model state and nothing is kept).
    const std::string states = settings.strategy == "stateful" ? std::to_string(r.states) : "-";
    std::printf("%llu %d %.6f %zu %llu %s %s\n", static_cast<unsigned long long>(r.executions), r.complete ? 1 : 0,
                r.elapsed_s, r.failures.size(),
                static_cast<unsigned long long>(r.failures.empty() ? 0 : r.failures.front().execution),
                checker::to_string(r.status), states.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "interleave-bench --scale-child: %s\n", e.what());
    return 2;
  }
}

void scale_table(const ScaleOptions& opt) {
  const double cap = opt.quick ? kQuickCapSeconds : kCapSeconds;
  std::printf(
      "7. scale: issue #12's aims, against today's searches (a fresh process per row, one worker,\n"
      "   at most %g s per row). Aims: problem 1's deadlock in <= 100 executions with the default\n"
      "   strategy, its complete space in <= 5,000; lock coupling (zippel-lock-coupling, ramfs, W\n"
      "   writers of P 2-byte pages, one reader) with W=2,3 and P=6 complete in < 60 s each; every\n"
      "   scenario, and the same with every agent's budget doubled, complete in < 60 s per variant\n",
      cap);
  std::printf("%-68s %-36s %11s %9s %6s %9s %-30s %s\n", "program", "search", "executions", "violating", "states",
              "peak KiB", "time", "aim");
  std::printf("%s\n", std::string(200, '-').c_str());
  std::vector<Row> all;
  try {
    all = rows(opt);
  } catch (const std::exception& e) {
    std::printf("   (a scenario could not be read: %s)\n\n", e.what());
    return;
  }
  // The same search twice (problem 1's row among every scenario's) runs once.
  std::map<std::string, Result> done;
  for (const Row& row : all) {
    const std::string key = row.strategy + (row.mode == Mode::first ? " first " : " all ") + row.doc.dump();
    auto it = done.find(key);
    if (it == done.end()) it = done.emplace(key, run_row(row, cap)).first;
    const Result& r = it->second;
    if (!r.ok) {
      std::printf("%-68s %-36s %s\n", row.program.c_str(), row.search.c_str(), r.error.c_str());
      continue;
    }
    const std::string executions =
        std::to_string(row.mode == Mode::first && r.first ? r.first : r.executions) + (capped(row, r) ? "+" : "");
    std::string time = time_cell(row, r, cap);
    if (r.status == "nondeterminism" || r.status == "internal_error") time += " (" + r.status + ")";
    std::printf("%-68s %-36s %11s %9llu %6s %9ld %-30s %s\n", row.program.c_str(), row.search.c_str(),
                executions.c_str(), static_cast<unsigned long long>(r.violating), r.states.c_str(),
                r.rss_kib, time.c_str(), aim_cell(row, r, cap).c_str());
    std::fflush(stdout);
  }
  std::printf(
      "\n   executions: the executions run (to the first violation: the number of the violating one;\n"
      "   + stopped by the cap); violating: executions that ended in a violation (past every violation,\n"
      "   the explorer keeps each one's schedule, which counts in the peak); states: the states the\n"
      "   search keeps (- : a stateless strategy, which keeps none); peak KiB: the row's process's\n"
      "   ru_maxrss; time: the search's own (> cap: stopped there). budget x2: every agent's budget\n"
      "   doubled (rows only for scenarios with agents).\n\n");
}

}  // namespace bench

// What run and check share (scenario_runs.hpp).
#include "checker/cli/scenario_runs.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <unistd.h>

#include "checker/cli/style.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/io/output_file.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/interrupt.hpp"
#include "checker/oracle/oracle.hpp"
#include "checker/report/report.hpp"
#include "checker/search/resumable.hpp"
#include "checker/search/run.hpp"
#include "checker/search/settings.hpp"
#include "checker/search/shard.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/report/json_report.hpp"
#include "checker/trace/shrink.hpp"
#include "checker/trace/trace.hpp"
#include "models/pagecache/variants.hpp"
#include "sim/stack_pool.hpp"

namespace checker::cli {

namespace fs = std::filesystem;

ExploreSettings apply_overrides(ExploreSettings s, const Overrides& o) {
  if (o.strategy) s.strategy = *o.strategy;
  if (o.max_executions) s.max_executions = *o.max_executions;
  if (o.time_limit_s) s.time_limit_s = *o.time_limit_s;
  if (o.max_steps) s.max_steps = *o.max_steps;
  if (o.seed) s.seed = *o.seed;
  if (o.bound) s.bound = *o.bound;
  if (o.pct_depth) s.pct_depth = *o.pct_depth;
  if (o.max_states) s.max_states = *o.max_states;
  if (o.jobs) s.jobs = *o.jobs;
  return effective_settings(s);
}

namespace {

bool show_progress(const Overrides& o) {
  return o.progress && !quiet() && ::isatty(2) && std::getenv("CI") == nullptr;
}

// The progress line names the scenario it is on: its file (and variant),
// cut from the left to keep the line on one terminal row.
std::function<void(const Progress&)> progress_printer(bool on, const std::string& label) {
  if (!on) return {};
  const std::string shown = label.size() > 48 ? "..." + label.substr(label.size() - 45) : label;
  return [shown](const Progress& p) {
    const double rate = p.elapsed_s > 0 ? double(p.executions) / p.elapsed_s : 0.0;
    // Where the strategy can tell: how large the whole search looks, and how
    // long the rest would take at this rate.
    char estimate[96] = "";
    if (p.estimate >= double(p.executions) && p.estimate > 0 && rate > 0)
      std::snprintf(estimate, sizeof estimate, " of ~%.3g (%.0f%%, ~%.0f s left)", p.estimate,
                    100.0 * double(p.executions) / p.estimate, (p.estimate - double(p.executions)) / rate);
    std::fprintf(stderr, "\r  %s: %llu executions%s, %.0f/s, depth %llu, %.1f s   ", shown.c_str(),
                 static_cast<unsigned long long>(p.executions), estimate, rate,
                 static_cast<unsigned long long>(p.depth), p.elapsed_s);
    std::fflush(stderr);
  };
}

void clear_progress(bool on) {
  if (on) std::fprintf(stderr, "\r%160s\r", "");
}

std::vector<std::string> pagecache_variant_names() {
  std::vector<std::string> names;
  for (const auto& v : models::pagecache::variants()) names.push_back(v.name);
  return names;
}

// --trace-out names one file ("-", FILE.json, a device) or a directory for NAME.trace.json files.
bool names_a_file(const std::string& out) { return names_one_file(out, ".json"); }

std::string trace_path_for(const Scenario& s, const Overrides& o) {
  if (o.no_trace) return {};
  if (!o.trace_out.empty() && names_a_file(o.trace_out)) return o.trace_out;
  fs::path dir = o.trace_out.empty() ? fs::path(kDefaultTraceDir) : fs::path(o.trace_out);
  return (dir / trace_file_name(s.name)).string();
}

// Shrinks the first failure of a search (checker/trace/shrink.hpp) and puts the
// smaller execution in its place, so that the report and the trace show it.
// With --time-limit, shrinking gets what the search left of it: the limit is
// the whole command's (`left_s` < 0: no limit).
Trace shrink_failure(const Scenario& s, Ran& ran, double left_s) {
  Trace t = make_trace(s, ran.settings, ran.result);
  if (left_s == 0) {
    ran.shrink = "not shrunk: the search used all of --time-limit";
    return t;
  }
  ShrinkOptions so;
  if (left_s > 0) so.time_limit_s = std::min(so.time_limit_s, left_s);
  ShrinkResult sr = shrink(t, so);
  ran.shrink = shrink_summary(sr);
  if (!sr.shrunk()) return t;
  Failure& f = ran.result.failures.front();
  f.schedule = sr.trace.schedule;
  f.verdict = sr.trace.verdict;
  ran.result.replay.verdict = sr.trace.verdict;
  ran.result.replay.schedule = sr.trace.schedule;
  ran.result.replay.history = sr.trace.history;
  ran.result.replay.thread_names = sr.trace.threads;
  return sr.trace;
}

}  // namespace

NamedOutput trace_output(const std::string& trace_out, bool no_trace) {
  if (no_trace) return {};
  return {"--trace-out", trace_out, names_a_file(trace_out) ? OutputKind::file : OutputKind::directory};
}

void check_variant_name(const std::string& name) {
  const std::vector<std::string> known = pagecache_variant_names();
  if (std::find(known.begin(), known.end(), name) != known.end()) return;
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  const std::string near = json_read::closest(name, known);
  throw InputError("", "--variant: found \"" + name + "\", expected a page-cache variant: " + list,
                   near.empty() ? "`interleave models` lists them" : "did you mean \"" + near + "\"?");
}

void print_input_error(const InputError& e) {
  std::cerr << "interleave: " << e.message() << "\n";
  if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
}

int exit_code(ExploreResult::Status s) {
  switch (s) {
    case ExploreResult::Status::pass: return kExitOk;
    case ExploreResult::Status::violation: return kExitViolation;
    case ExploreResult::Status::inconclusive: return kExitInconclusive;
    case ExploreResult::Status::nondeterminism:
    case ExploreResult::Status::internal_error: return kExitInternal;
  }
  return kExitInternal;
}

int worse(int a, int b) {
  auto rank = [](int c) {
    switch (c) {
      case kExitBadInput: return 4;
      case kExitInternal: return 3;
      case kExitViolation: return 2;
      case kExitInconclusive: return 1;
      default: return 0;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

Scenario on_variant(const Scenario& s, const Overrides& o) {
  if (!o.variant || *o.variant == s.model) return s;
  auto refuse = [&](const std::string& path, const std::string& what, const std::string& hint) {
    InputError e(path, what, hint);
    e.set_file(s.file);
    throw e;
  };
  const std::vector<std::string> known = pagecache_variant_names();
  if (std::find(known.begin(), known.end(), s.model) == known.end())
    refuse("/model", "--variant " + *o.variant + ": the model \"" + s.model +
                         "\" is not a page-cache variant, so the scenario runs on no other",
           "--variant is for page-cache scenarios; leave it out for the example programs");
  if (!s.variants.empty() && std::find(s.variants.begin(), s.variants.end(), *o.variant) == s.variants.end())
    refuse("/variants", "--variant " + *o.variant + ": the scenario's \"variants\" leave it out",
           "\"variants\" names the variants the scenario is meant for");
  return for_variant(s, *o.variant);
}

std::string settings_line(const Scenario& s, const ExploreSettings& e) {
  std::string line = "settings: variant " + s.model + ", strategy " + e.strategy;
  if (e.strategy == "random" || e.strategy == "pct" || e.strategy == "auto") line += ", seed " + std::to_string(e.seed);
  if (e.strategy == "pct" || e.strategy == "auto") line += ", pct-depth " + std::to_string(e.pct_depth);
  if (e.bound != kNoBound) line += ", bound " + std::to_string(e.bound);
  line += ", max-executions " + (e.max_executions == 0 ? std::string("none") : std::to_string(e.max_executions));
  std::ostringstream t;
  t << e.time_limit_s;
  line += ", time-limit " + (e.time_limit_s == 0 ? std::string("none") : t.str() + " s");
  line += ", max-steps " + std::to_string(e.max_steps);
  line += ", jobs " + (e.jobs == 0 ? std::string("the machine's cores") : std::to_string(e.jobs));
  return line;
}

void print_report_text(std::ostream& out, const std::string& text, bool color, bool first_line_only) {
  const std::size_t nl = text.find('\n');
  out << paint_verdict(text.substr(0, nl), color);
  if (nl == std::string::npos) return;
  out << (first_line_only ? std::string("\n") : text.substr(nl));
}

std::string failure_message(const ExploreResult& r) {
  if (r.failures.empty()) return {};
  return verdict_message(r.replay.history.empty() ? r.failures.front().verdict : r.replay.verdict);
}

Ran run_and_trace(const Scenario& s, const Overrides& o, const std::string& label) {
  const auto started = std::chrono::steady_clock::now();
  Ran ran;
  ran.settings = apply_overrides(s.explore, o);
  const bool progress = show_progress(o);
  const std::function<void(const Progress&)> printer = progress_printer(progress, label);
  if (!o.shard.empty()) {
    const ShardSpec spec = parse_shard(o.shard);
    if (!shardable(ran.settings.strategy))
      throw InputError("", "--shard works with the strategies dfs, random and pct, not " +
                               ran.settings.strategy,
                       "add --strategy dfs (every schedule) or --strategy pct (a bug hunt)");
    ran.shard = run_scenario_shard(s, ran.settings, spec, printer);
    ran.result = ran.shard->result;
  } else if (!o.checkpoint.empty() || !o.resume.empty()) {
    CheckpointOptions c;
    c.save = o.checkpoint;
    c.resume = o.resume;
    c.every_s = o.checkpoint_every.value_or(kDefaultCheckpointEvery);
    ResumeInfo info;
    ran.result = run_resumable(s, ran.settings, c, printer, &info);
    clear_progress(progress);
    if (!info.note.empty()) std::cerr << "interleave: note: " << info.note << "\n";
    const std::string file = c.save.empty() ? c.resume : c.save;
    if (!file.empty())
      ran.checkpoint_line = "checkpoint: " + file +
                            (info.finished ? std::string(" (the search is over)")
                                           : "; to go on, run the same command with --resume " + file +
                                                 (c.save.empty() ? std::string() : " in place of --checkpoint " + file));
    if (!info.finished && ran.result.status == ExploreResult::Status::violation)
      ran.unfinished_note = "the search stopped before it had explored every execution that comes before this "
                            "one in one worker's order; --resume " + (c.save.empty() ? c.resume : c.save) +
                            " goes on and reports the first";
  } else {
    ran.result = run_scenario(s, ran.settings, printer);
  }
  clear_progress(progress);
  // A failure of the whole search (an exists condition) has no execution to trace.
  if (!ran.result.failures.empty() && ran.result.failures.front().has_execution()) {
    // Interrupted: the user wants the run over; the failure is written as found.
    const bool shrinkable = o.shrink && ran.result.status == ExploreResult::Status::violation &&
                            !ran.result.interrupted;
    double left_s = -1;
    if (ran.settings.time_limit_s > 0)
      left_s = std::max(0.0, ran.settings.time_limit_s -
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    Trace t = shrinkable ? shrink_failure(s, ran, left_s) : make_trace(s, ran.settings, ran.result);
    ran.trace = t;
    std::string path = trace_path_for(s, o);
    if (!path.empty()) {
      try {
        if (!names_a_file(o.trace_out)) make_output_directory(fs::path(path).parent_path().string());
        write_trace(t, path);
        ran.trace_path = path;
      } catch (const std::exception& e) {
        ran.trace_error = e.what();
      }
    }
  }
  return ran;
}

std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string name = it->path().filename().string();
      if (it->path().extension() != ".json" || name == "schema.json" ||
          name.ends_with(".trace.json"))
        continue;
      found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace checker::cli

#include "checker/cli/commands.hpp"

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

#include "checker/io/input_error.hpp"
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
#include "sim/stack_pool.hpp"

namespace checker::cli {

namespace fs = std::filesystem;

namespace {

void print_input_error(const InputError& e) {
  std::cerr << "interleave: " << e.message() << "\n";
  if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
}

ExploreSettings apply(ExploreSettings s, const Overrides& o) {
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

// Bad input beats an internal error beats a violation beats inconclusive.
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

bool show_progress(const Overrides& o) {
  return o.progress && ::isatty(2) && std::getenv("CI") == nullptr;
}

std::function<void(const Progress&)> progress_printer(bool on) {
  if (!on) return {};
  return [](const Progress& p) {
    const double rate = p.elapsed_s > 0 ? double(p.executions) / p.elapsed_s : 0.0;
    // Where the strategy can tell: how large the whole search looks, and how
    // long the rest would take at this rate.
    char estimate[96] = "";
    if (p.estimate >= double(p.executions) && p.estimate > 0 && rate > 0)
      std::snprintf(estimate, sizeof estimate, " of ~%.3g (%.0f%%, ~%.0f s left)", p.estimate,
                    100.0 * double(p.executions) / p.estimate, (p.estimate - double(p.executions)) / rate);
    std::fprintf(stderr, "\r  %llu executions%s, %.0f/s, depth %llu, %.1f s   ",
                 static_cast<unsigned long long>(p.executions), estimate, rate,
                 static_cast<unsigned long long>(p.depth), p.elapsed_s);
    std::fflush(stderr);
  };
}

void clear_progress(bool on) {
  if (on) std::fprintf(stderr, "\r%110s\r", "");
}

std::string safe_name(std::string n) {
  for (char& c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return n.empty() ? "scenario" : n;
}

// --trace-out names one file ("-", FILE.json, a device) or a directory for NAME.trace.json files.
bool names_a_file(const std::string& out) { return names_one_file(out, ".json"); }

NamedOutput trace_output(const std::string& trace_out, bool no_trace) {
  if (no_trace) return {};
  return {"--trace-out", trace_out, names_a_file(trace_out) ? OutputKind::file : OutputKind::directory};
}

std::string trace_path_for(const Scenario& s, const Overrides& o) {
  if (o.no_trace) return {};
  if (!o.trace_out.empty() && names_a_file(o.trace_out)) return o.trace_out;
  fs::path dir = o.trace_out.empty() ? fs::path(kDefaultTraceDir) : fs::path(o.trace_out);
  return (dir / (safe_name(s.name) + ".trace.json")).string();
}

struct Ran {
  ExploreResult result;
  ExploreSettings settings;
  std::string trace_path;   // written
  std::string trace_error;  // could not be written
  std::optional<ShardResult> shard;  // --shard: this shard's result (its `result` is `result`)
  std::optional<Trace> trace;        // the failure's trace, as written
  std::string shrink;       // what shrinking did, when it ran
  std::string unfinished_note;  // a checkpointed search that found a violation but has work left
  std::string checkpoint_line;  // where the checkpoint was written, and how to go on
};

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

Ran run_and_trace(const Scenario& s, const Overrides& o) {
  const auto started = std::chrono::steady_clock::now();
  Ran ran;
  ran.settings = apply(s.explore, o);
  const bool progress = show_progress(o);
  if (!o.shard.empty()) {
    const ShardSpec spec = parse_shard(o.shard);
    if (!shardable(ran.settings.strategy))
      throw InputError("", "--shard works with the strategies dfs, random and pct, not " +
                               ran.settings.strategy,
                       "add --strategy dfs (every schedule) or --strategy pct (a bug hunt)");
    ran.shard = run_scenario_shard(s, ran.settings, spec, progress_printer(progress));
    ran.result = ran.shard->result;
  } else if (!o.checkpoint.empty() || !o.resume.empty()) {
    CheckpointOptions c;
    c.save = o.checkpoint;
    c.resume = o.resume;
    c.every_s = o.checkpoint_every.value_or(kDefaultCheckpointEvery);
    ResumeInfo info;
    ran.result = run_resumable(s, ran.settings, c, progress_printer(progress), &info);
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
    ran.result = run_scenario(s, ran.settings, progress_printer(progress));
  }
  clear_progress(progress);
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

}  // namespace

int run_command(const std::vector<std::string>& files, const Overrides& o) {
  if (files.size() > 1 && (!o.checkpoint.empty() || !o.resume.empty())) {
    std::cerr << "interleave: --checkpoint and --resume take one scenario, but there are " << files.size() << "\n"
              << "hint: run each scenario with its own checkpoint file\n";
    return kExitBadInput;
  }
  if (!o.shard.empty() && (!o.checkpoint.empty() || !o.resume.empty())) {
    std::cerr << "interleave: --checkpoint and --resume do not go with --shard\n"
              << "hint: a shard is a short search of its own; run it again if it is interrupted\n";
    return kExitBadInput;
  }
  if (o.checkpoint_every && o.checkpoint.empty() && o.resume.empty()) {
    std::cerr << "interleave: --checkpoint-every needs --checkpoint FILE (or --resume FILE)\n";
    return kExitBadInput;
  }
  if (files.size() > 1 && !o.trace_out.empty() && names_a_file(o.trace_out)) {
    std::cerr << "interleave: --trace-out " << o.trace_out
              << " names one file, but there are " << files.size() << " scenarios\n"
              << "hint: give a directory instead; each trace is written there as NAME.trace.json\n";
    return kExitBadInput;
  }
  // Every output is checked before the search (a checkpoint that cannot be
  // written must not be found out at its first save, minutes in); --resume
  // is saved back to unless --checkpoint names another file.
  const bool to_stdout = check_output_paths(
      {{"--json", o.json},
       {"--checkpoint", o.checkpoint, OutputKind::file_not_stdout},
       {"--resume", o.checkpoint.empty() ? o.resume : std::string(), OutputKind::file_not_stdout},
       trace_output(o.trace_out, o.no_trace)});
  std::ostream& out = to_stdout ? std::cerr : std::cout;
  int code = kExitOk;
  bool first = true;
  std::vector<nlohmann::ordered_json> report;  // --json
  std::size_t not_run = 0;
  for (const std::string& file : files) {
    if (interrupt_flag().load() != 0) {  // interrupted: the rest are not started
      ++not_run;
      continue;
    }
    if (!first) out << "\n";
    first = false;
    try {
      Scenario s = load_scenario(file);
      Ran ran = run_and_trace(s, o);
      print_run_report(out, s, ran.settings, ran.result, ran.trace_path, ran.shrink);
      if (!ran.unfinished_note.empty()) out << "  note: " << ran.unfinished_note << "\n";
      if (!ran.checkpoint_line.empty()) out << "\n  " << ran.checkpoint_line << "\n";
      if (ran.shard)
        out << "  shard " << ran.shard->shard.index << "/" << ran.shard->shard.count
                  << ": a deterministic 1/" << ran.shard->shard.count << " of the search"
                  << (ran.shard->kind == "tree" ? " (" + std::to_string(ran.shard->parts) + " subtrees in all)"
                                                : std::string())
                  << "; `interleave merge` combines the " << ran.shard->shard.count << " reports (--json)\n";
      if (!o.json.empty())
        report.push_back(run_entry(s, ran.settings, ran.shard ? *ran.shard : whole(ran.result), ran.trace));
      code = worse(code, exit_code(ran.result.status));
      if (!ran.trace_error.empty()) {
        std::cerr << "interleave: could not write the trace: " << ran.trace_error << "\n";
        code = worse(code, kExitBadInput);
      }
    } catch (const InputError& e) {
      print_input_error(e);
      code = worse(code, kExitBadInput);
    }
    out.flush();
  }
  if (not_run > 0) {
    out << "\nINTERRUPTED  " << not_run << " of the " << files.size()
              << " scenarios were not run (" << interrupt_name(interrupt_flag().load()) << ")\n";
    code = worse(code, kExitInconclusive);
  }
  if (!o.json.empty()) {
    try {
      write_output_file(o.json, run_report(report).dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write the JSON report: " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  return code;
}

int check_command(const std::vector<std::string>& paths, const Overrides& o,
                  const CheckOutputs& outputs) {
  std::vector<std::string> files = scenario_files(paths);
  if (files.empty()) {
    std::cerr << "interleave: no scenario files (*.json) in";
    for (const std::string& p : paths) std::cerr << " " << p;
    std::cerr << "\n";
    return kExitBadInput;
  }
  const bool to_stdout = check_output_paths(
      {{"--junit", outputs.junit}, {"--json", outputs.json}, trace_output(o.trace_out, o.no_trace)});
  std::ostream& out = to_stdout ? std::cerr : std::cout;
  std::vector<CheckCase> cases;
  int passed = 0, failed = 0, updated = 0, unfinished = 0;
  bool bad_input = false, internal = false, unwritten = false;
  for (const std::string& file : files) {
    // A file gives one case per (variant, expectation) cell: the scenario
    // itself, or each variant its "expect_by_variant" states a verdict for.
    std::vector<Scenario> cells;
    std::optional<InputError> load_error;
    try {
      cells = expectation_cells(load_scenario(file));
    } catch (const InputError& e) {
      load_error = e;
    }
    for (std::size_t k = 0; k < (load_error ? 1 : cells.size()); ++k) {
      CheckCase c;
      std::string label = file;
      try {
        if (load_error) throw *load_error;
        const Scenario& s = cells[k];
        if (!s.expect_by_variant.empty()) label += " [" + s.model + "]";
        if (interrupt_flag().load() != 0) {  // interrupted: the rest are not started
          c.name = fs::path(file).stem().string();
          c.unfinished = true;
          c.found = "not run";
          c.message = "not run: the check was interrupted (" + interrupt_name(interrupt_flag().load()) + ")";
          ++unfinished;
          c.file = file;
          out << "--    " << label << ": " << c.message << "\n";
          cases.push_back(std::move(c));
          continue;
        }
        Ran ran = run_and_trace(s, o);
        c = judge(s, ran.result);
        if (ran.result.interrupted && !c.passed && ran.result.status == ExploreResult::Status::inconclusive) {
          // Stopped part-way without a finding: neither passed nor failed.
          c.unfinished = true;
          c.message = "unfinished: " + ran.result.budget + ", after " + std::to_string(ran.result.executions) +
                      " executions";
        }
        c.trace = ran.trace_path;
        c.shrink = ran.shrink;
        if (outputs.update && can_update(s, ran.result, c)) {
          try {
            update_outcomes(file, *s.expect, *c.outcomes);
            c.passed = c.updated = true;
            c.message = "updated the expected outcomes to the " + std::to_string(c.outcomes->size()) +
                        " found (" + std::to_string(c.unexpected.size()) + " added, " +
                        std::to_string(c.missing.size()) + " removed), " +
                        std::to_string(c.executions) + " executions";
            ++updated;
          } catch (const std::exception& e) {
            c.message += "; could not update the file: " + std::string(e.what());
          }
        }
        if (!ran.trace_path.empty()) c.message += "; trace: " + ran.trace_path;
        if (!ran.trace_error.empty()) {
          c.message += "; could not write the trace: " + ran.trace_error;
          unwritten = true;
        }
      } catch (const InputError& e) {
        c = CheckCase{};
        c.name = fs::path(file).stem().string();
        c.found = "a bad scenario file";
        c.message = e.message() + (e.hint().empty() ? "" : " (hint: " + e.hint() + ")");
        c.bad_input = true;
      }
      c.file = file;
      if (c.internal && !c.passed) internal = true;
      if (c.bad_input) bad_input = true;
      if (c.unfinished) {
        ++unfinished;
        out << "--    " << label << ": " << c.message << "\n";
        out.flush();
        cases.push_back(std::move(c));
        continue;
      }
      (c.passed ? passed : failed) += 1;
      out << (c.passed ? "ok    " : "FAIL  ") << label << ": " << c.message << "\n";
      out.flush();
      cases.push_back(std::move(c));
    }
  }
  out << passed << " passed, " << failed << " failed";
  if (updated > 0) out << " (" << updated << " updated)";
  const int stop = interrupt_flag().load();
  if (unfinished > 0 || stop != 0)
    out << ", " << unfinished << " unfinished (interrupted by " << interrupt_name(stop) << ")";
  out << "\n";

  int code = failed == 0 ? kExitOk : bad_input ? kExitBadInput : internal ? kExitInternal : kExitViolation;
  if (code == kExitOk && (unfinished > 0 || stop != 0)) code = kExitInconclusive;
  if (unwritten) code = worse(code, kExitBadInput);
  auto write_report = [&](const std::string& path, const std::string& text, const char* what) {
    if (path.empty()) return;
    try {
      write_output_file(path, text);
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write the " << what << " file: " << e.what() << "\n";
      code = worse(code, kExitBadInput);
    }
  };
  write_report(outputs.junit, junit_xml(cases), "JUnit");
  write_report(outputs.json,
               check_json(cases, stop != 0 ? "interrupted by " + interrupt_name(stop) : std::string()).dump(2) + "\n",
               "JSON");
  return code;
}

int models_command() {
  std::vector<ModelInfo> models = list_models();
  std::size_t w = 0;
  for (const ModelInfo& m : models) w = std::max(w, m.name.size());
  for (const ModelInfo& m : models) {
    std::string name = m.name;
    name.resize(w, ' ');
    std::cout << "  " << name << "  " << m.description << "\n";
    if (!m.params.empty()) std::cout << "  " << std::string(w, ' ') << "  params: " << m.params << "\n";
  }
  return kExitOk;
}

}  // namespace checker::cli

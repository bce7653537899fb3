#include "checker/cli/commands.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <unistd.h>

#include "checker/input_error.hpp"
#include "checker/report.hpp"
#include "checker/run.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/trace.hpp"
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
    std::fprintf(stderr, "\r  %llu executions (%.0f/s), depth %llu, %.1f s   ",
                 static_cast<unsigned long long>(p.executions),
                 p.elapsed_s > 0 ? double(p.executions) / p.elapsed_s : 0.0,
                 static_cast<unsigned long long>(p.depth), p.elapsed_s);
    std::fflush(stderr);
  };
}

void clear_progress(bool on) {
  if (on) std::fprintf(stderr, "\r%60s\r", "");
}

std::string safe_name(std::string n) {
  for (char& c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  return n.empty() ? "scenario" : n;
}

bool names_a_file(const std::string& out) {
  return out.size() > 5 && out.compare(out.size() - 5, 5, ".json") == 0 && !fs::is_directory(out);
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
};

Ran run_and_trace(const Scenario& s, const Overrides& o) {
  Ran ran;
  ran.settings = apply(s.explore, o);
  const bool progress = show_progress(o);
  ran.result = run_scenario(s, ran.settings, progress_printer(progress));
  clear_progress(progress);
  if (!ran.result.failures.empty()) {
    std::string path = trace_path_for(s, o);
    if (!path.empty()) {
      try {
        write_trace(make_trace(s, ran.settings, ran.result), path);
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

std::string found_verdict(const ExploreResult& r) {
  switch (r.status) {
    case ExploreResult::Status::pass: return "pass";
    case ExploreResult::Status::violation:
      return "violation of " + invariant_of(r.failures.front().verdict);
    case ExploreResult::Status::inconclusive: return "inconclusive";
    case ExploreResult::Status::nondeterminism: return "error (nondeterminism in the model)";
    case ExploreResult::Status::internal_error: return "error (internal error in the model)";
  }
  return "?";
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') o += ' ';
        else o += c;
    }
  }
  return o;
}

struct CheckCase {
  std::string file;
  std::string name;
  bool passed = false;
  std::string message;  // why it failed, or what it found
  double seconds = 0;
};

}  // namespace

int run_command(const std::vector<std::string>& files, const Overrides& o) {
  if (files.size() > 1 && !o.trace_out.empty() && names_a_file(o.trace_out)) {
    std::cerr << "interleave: --trace-out " << o.trace_out
              << " names one file, but there are " << files.size() << " scenarios\n"
              << "hint: give a directory instead; each trace is written there as NAME.trace.json\n";
    return kExitBadInput;
  }
  int code = kExitOk;
  bool first = true;
  for (const std::string& file : files) {
    if (!first) std::cout << "\n";
    first = false;
    try {
      Scenario s = load_scenario(file);
      Ran ran = run_and_trace(s, o);
      print_run_report(std::cout, s, ran.settings, ran.result, ran.trace_path);
      if (!ran.trace_error.empty())
        std::cerr << "interleave: could not write the trace: " << ran.trace_error << "\n";
      code = worse(code, exit_code(ran.result.status));
    } catch (const InputError& e) {
      print_input_error(e);
      code = worse(code, kExitBadInput);
    }
    std::cout.flush();
  }
  return code;
}

int replay_command(const std::string& trace_file, const std::string& trace_out) {
  Trace t;
  try {
    t = load_trace(trace_file);
  } catch (const InputError& e) {
    print_input_error(e);
    return kExitBadInput;
  }
  std::unique_ptr<models::Program> program = make_program(t.scenario);
  sim::StackPool stacks;
  Replayed r = replay(*program, t.schedule, stacks, t.settings.max_steps);
  std::string difference;
  if (!r.fits) {
    difference = "the schedule does not fit the model: " + r.misfit;
  } else if (!same_verdict(r.verdict, t.verdict)) {
    difference = "the verdict differs: recorded \"" + t.verdict.message.substr(0, t.verdict.message.find('\n')) +
                 "\" at step " + std::to_string(t.verdict.step) + ", replayed \"" +
                 r.verdict.message.substr(0, r.verdict.message.find('\n')) + "\" at step " +
                 std::to_string(r.verdict.step);
  } else if (!t.history.empty()) {
    const std::size_t n = std::min(t.history.size(), r.history.size());
    for (std::size_t i = 0; i < n && difference.empty(); ++i) {
      const sim::Event& a = t.history[i];
      const sim::Event& b = r.history[i];
      if (a.step != b.step || a.thread != b.thread || a.op != b.op || a.object != b.object ||
          a.state != b.state || a.note != b.note) {
        auto show = [&](const sim::Event& e, const std::vector<std::string>& names) {
          return (e.thread < names.size() ? names[e.thread] : std::string("?")) + ": " + e.op +
                 (e.object.empty() ? "" : " " + e.object) +
                 (e.state.empty() ? "" : " [" + e.state + "]");
        };
        difference = "the event history differs at step " + std::to_string(a.step) +
                     ": recorded " + show(a, t.threads) + ", replayed " + show(b, r.thread_names);
      }
    }
    if (difference.empty() && t.history.size() != r.history.size())
      difference = "the event history differs: recorded " + std::to_string(t.history.size()) +
                   " steps, replayed " + std::to_string(r.history.size());
  }
  const bool same = difference.empty();
  print_replay_report(std::cout, trace_file, t.verdict, r, same, difference);
  if (!trace_out.empty()) {
    Trace out = t;
    out.verdict = r.verdict;
    out.schedule = r.schedule;
    out.history = r.history;
    out.threads = r.thread_names;
    try {
      write_trace(out, trace_out);
      std::cout << "\n  replayed trace: " << trace_out << "\n";
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write the trace: " << e.what() << "\n";
      return kExitInternal;
    }
  }
  if (!same) return kExitInternal;
  return r.verdict.failed() ? kExitViolation : kExitOk;
}

int check_command(const std::vector<std::string>& paths, const Overrides& o,
                  const std::string& junit_file) {
  std::vector<std::string> files = scenario_files(paths);
  if (files.empty()) {
    std::cerr << "interleave: no scenario files (*.json) in";
    for (const std::string& p : paths) std::cerr << " " << p;
    std::cerr << "\n";
    return kExitBadInput;
  }
  Overrides quiet = o;
  std::vector<CheckCase> cases;
  int passed = 0, failed = 0;
  bool bad_input = false, internal = false;
  for (const std::string& file : files) {
    CheckCase c;
    c.file = file;
    c.name = fs::path(file).stem().string();
    try {
      Scenario s = load_scenario(file);
      c.name = s.name;
      Ran ran = run_and_trace(s, quiet);
      const ExploreResult& r = ran.result;
      c.seconds = r.elapsed_s;
      std::string found = found_verdict(r);
      std::string counts =
          std::to_string(r.executions) + (r.executions == 1 ? " execution" : " executions");
      if (!s.expect) {
        c.message = "the scenario has no \"expect\"; found " + found;
      } else {
        const Expectation& e = *s.expect;
        bool ok = false;
        if (e.verdict == "pass") ok = r.status == ExploreResult::Status::pass;
        else if (e.verdict == "inconclusive") ok = r.status == ExploreResult::Status::inconclusive;
        else if (e.verdict == "violation")
          ok = r.status == ExploreResult::Status::violation &&
               (e.invariant.empty() || e.invariant == invariant_of(r.failures.front().verdict));
        std::string expected = e.verdict + (e.invariant.empty() ? "" : " of " + e.invariant);
        if (!ok) {
          c.message = "expected " + expected + ", found " + found;
          if (r.status == ExploreResult::Status::inconclusive) c.message += " (" + r.budget + ")";
          if (!r.error.empty()) c.message += ": " + r.error.substr(0, r.error.find('\n'));
        } else if (e.outcomes) {
          std::set<std::string> want(e.outcomes->begin(), e.outcomes->end());
          if (r.outcomes_truncated) {
            c.message = "expected " + std::to_string(want.size()) +
                        " outcomes, found more than " + std::to_string(r.outcomes.size());
          } else if (want != r.outcomes) {
            std::string missing, extra;
            for (const std::string& w : want)
              if (!r.outcomes.count(w)) missing += (missing.empty() ? "" : " | ") + w;
            for (const std::string& f : r.outcomes)
              if (!want.count(f)) extra += (extra.empty() ? "" : " | ") + f;
            c.message = "expected " + std::to_string(want.size()) + " outcomes, found " +
                        std::to_string(r.outcomes.size());
            if (!missing.empty()) c.message += "; missing: " + missing;
            if (!extra.empty()) c.message += "; unexpected: " + extra;
          } else {
            c.passed = true;
            c.message = found + ", " + std::to_string(r.outcomes.size()) + " outcomes, " + counts;
          }
        } else {
          c.passed = true;
          c.message = found + ", " + counts;
        }
      }
      if (!ran.trace_path.empty()) c.message += "; trace: " + ran.trace_path;
      if (r.status == ExploreResult::Status::nondeterminism ||
          r.status == ExploreResult::Status::internal_error)
        internal = true;
    } catch (const InputError& e) {
      c.message = e.message() + (e.hint().empty() ? "" : " (hint: " + e.hint() + ")");
      bad_input = true;
    }
    (c.passed ? passed : failed) += 1;
    std::cout << (c.passed ? "ok    " : "FAIL  ") << file << ": " << c.message << "\n";
    std::cout.flush();
    cases.push_back(std::move(c));
  }
  std::cout << passed << " passed, " << failed << " failed\n";

  if (!junit_file.empty()) {
    std::ostringstream x;
    double total = 0;
    for (const CheckCase& c : cases) total += c.seconds;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x << "<testsuites name=\"interleave check\" tests=\"" << cases.size() << "\" failures=\""
      << failed << "\" time=\"" << total << "\">\n";
    x << "  <testsuite name=\"interleave\" tests=\"" << cases.size() << "\" failures=\"" << failed
      << "\" errors=\"0\" skipped=\"0\" time=\"" << total << "\">\n";
    for (const CheckCase& c : cases) {
      x << "    <testcase classname=\"" << xml_escape(c.file) << "\" name=\"" << xml_escape(c.name)
        << "\" time=\"" << c.seconds << "\"";
      if (c.passed) {
        x << "/>\n";
      } else {
        x << ">\n      <failure message=\"" << xml_escape(c.message) << "\">"
          << xml_escape(c.message) << "</failure>\n    </testcase>\n";
      }
    }
    x << "  </testsuite>\n</testsuites>\n";
    try {
      write_file_atomically(junit_file, x.str());
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write the JUnit file: " << e.what() << "\n";
      return kExitInternal;
    }
  }
  if (failed == 0) return kExitOk;
  if (bad_input) return kExitBadInput;
  if (internal) return kExitInternal;
  return kExitViolation;
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

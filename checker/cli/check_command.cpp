// `interleave check`: the CI oracle (checker/oracle/oracle.hpp).
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


namespace {

// The cases a file gives: one per (variant, expectation) cell, the scenario
// itself or each variant its "expect_by_variant" states a verdict for; with
// --variant, only that variant's. `skip` says why none is left.
std::vector<Scenario> cells_of(const Scenario& base, const Overrides& o, std::string& skip) {
  std::vector<Scenario> cells = expectation_cells(base);
  if (!o.variant) return cells;
  std::erase_if(cells, [&](const Scenario& c) { return c.model != *o.variant; });
  if (!cells.empty()) return cells;
  if (!base.variants.empty() &&
      std::find(base.variants.begin(), base.variants.end(), *o.variant) == base.variants.end())
    skip = "not judged: the scenario's \"variants\" leave out " + *o.variant;
  else
    skip = "not judged: the file states no expectation for " + *o.variant +
           (base.expect_by_variant.empty() ? " (its \"expect\" is for " + base.model + ")" : std::string());
  return cells;
}

// The line a case prints: its first word says how it ended.
const char* case_word(const CheckCase& c) {
  if (c.passed) return "ok    ";
  if (c.skipped) return "skip  ";
  if (c.unfinished || c.inconclusive) return "--    ";
  return "FAIL  ";
}

}  // namespace

int check_command(const std::vector<std::string>& paths, const Overrides& o, const CheckOutputs& outputs) {
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
  const bool color = color_on(to_stdout ? 2 : 1);
  std::vector<CheckCase> cases;
  int passed = 0, failed = 0, updated = 0, unfinished = 0, inconclusive = 0, skipped = 0;
  bool bad_input = false, internal = false, unwritten = false;
  auto print_case = [&](const CheckCase& c, const std::string& label, const std::string& details) {
    // -q: only the cases that did not pass, and not those left out on purpose.
    if (quiet() && (c.passed || c.skipped)) return;
    out << paint_verdict(case_word(c) + label + ": " + c.message, color) << "\n";
    if (verbose()) out << details;
    out.flush();
  };
  for (const std::string& file : files) {
    std::vector<Scenario> cells;
    std::string skip;
    std::optional<InputError> load_error;
    try {
      cells = cells_of(load_scenario(file), o, skip);
    } catch (const InputError& e) {
      load_error = e;
    }
    if (!skip.empty()) {
      CheckCase c;
      c.file = file;
      c.name = fs::path(file).stem().string();
      c.variant = *o.variant;
      c.skipped = true;
      c.found = "not run";
      c.message = skip;
      ++skipped;
      print_case(c, file, "");
      cases.push_back(std::move(c));
      continue;
    }
    for (std::size_t k = 0; k < (load_error ? 1 : cells.size()); ++k) {
      CheckCase c;
      std::string label = file, details;
      try {
        if (load_error) throw *load_error;
        const Scenario& s = cells[k];
        if (!s.expect_by_variant.empty() || o.variant) label += " [" + s.model + "]";
        if (interrupt_flag().load() != 0) {  // interrupted: the rest are not started
          c.name = fs::path(file).stem().string();
          c.unfinished = true;
          c.found = "not run";
          c.message = "not run: the check was interrupted (" + interrupt_name(interrupt_flag().load()) + ")";
          ++unfinished;
          c.file = file;
          print_case(c, label, "");
          cases.push_back(std::move(c));
          continue;
        }
        Ran ran = run_and_trace(s, o, label);
        c = judge(s, ran.result);
        if (!s.expect_by_variant.empty() || o.variant) c.variant = s.model;
        if (ran.result.interrupted && !c.passed && ran.result.status == ExploreResult::Status::inconclusive) {
          // Stopped part-way without a finding: neither passed nor failed.
          c.unfinished = true;
          c.message = "unfinished: " + ran.result.budget + ", after " + std::to_string(ran.result.executions) +
                      " executions";
        }
        c.trace = ran.trace_path;
        c.shrink = ran.shrink;
        c.failure = failure_message(ran.result);
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
        if (verbose()) {  // the settings, and the run's whole report indented under the line
          std::ostringstream report;
          print_run_report(report, s, ran.settings, ran.result, ran.trace_path, ran.shrink);
          const std::string text = report.str();
          details = "      " + settings_line(s, ran.settings) + "\n";
          for (std::size_t pos = text.find('\n') + 1; pos < text.size();) {
            const std::size_t nl = text.find('\n', pos);
            const std::string line = text.substr(pos, nl - pos);
            details += (line.empty() ? "" : "    " + line) + "\n";
            pos = nl == std::string::npos ? text.size() : nl + 1;
          }
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
      if (c.unfinished) ++unfinished;
      else if (c.inconclusive && !c.passed) ++inconclusive;
      else (c.passed ? passed : failed) += 1;
      print_case(c, label, details);
      cases.push_back(std::move(c));
    }
  }
  out << passed << " passed, " << failed << " failed";
  if (skipped > 0) out << ", " << skipped << " skipped (not judged on " << *o.variant << ")";
  if (updated > 0) out << " (" << updated << " updated)";
  if (inconclusive > 0) out << ", " << inconclusive << " inconclusive (a budget ran out)";
  const int stop = interrupt_flag().load();
  if (unfinished > 0 || stop != 0)
    out << ", " << unfinished << " unfinished (interrupted by " << interrupt_name(stop) << ")";
  out << "\n";

  // Exit codes as every command's: an expectation contradicted is 1 (2, 3 for
  // a bad file or a broken model); none contradicted but some search cut
  // short, by a budget or a signal, is 4.
  int code = failed == 0 ? kExitOk : bad_input ? kExitBadInput : internal ? kExitInternal : kExitViolation;
  if (code == kExitOk && (unfinished > 0 || inconclusive > 0 || stop != 0)) code = kExitInconclusive;
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

}  // namespace checker::cli

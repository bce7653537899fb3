// `interleave merge`: the --json reports of the N shards of a search, combined
// (checker/report/merge.hpp), reported as `run` reports one search, with the trace
// of the first failure written again.
#include <filesystem>
#include <iostream>

#include "checker/cli/commands.hpp"
#include "checker/cli/scenario_runs.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/output_file.hpp"
#include "checker/report/report.hpp"
#include "checker/report/json_report.hpp"
#include "checker/report/merge.hpp"
#include "checker/search/conditions.hpp"
#include "checker/search/shard.hpp"
#include "checker/trace/trace.hpp"

namespace checker::cli {

namespace fs = std::filesystem;

namespace {

std::string trace_path(const MergeArgs& a, const Scenario& s, std::size_t runs) {
  if (a.no_trace) return {};
  const bool file = names_one_file(a.trace_out, ".json");
  if (file && runs == 1) return a.trace_out;
  const fs::path dir = a.trace_out.empty() || file ? fs::path(kDefaultTraceDir) : fs::path(a.trace_out);
  return (dir / trace_file_name(s.name)).string();
}

}  // namespace

int merge_command(const MergeArgs& a) {
  const bool to_stdout = check_output_paths(
      {{"--json", a.json},
       {"--trace-out", a.no_trace ? std::string() : a.trace_out,
        names_one_file(a.trace_out, ".json") ? OutputKind::file : OutputKind::directory}});
  std::ostream& out = to_stdout ? std::cerr : std::cout;
  std::vector<MergedRun> runs;
  try {
    runs = merge_reports(a.files);
  } catch (const InputError& e) {
    std::cerr << "interleave: " << e.message() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return kExitBadInput;
  }
  int code = kExitOk;
  bool unwritten = false;
  std::vector<nlohmann::ordered_json> report;
  bool first = true;
  for (MergedRun& m : runs) {
    // A shard does not judge exists conditions (it sees part of the
    // outcomes); the merged run holds them all, unless a budget stopped a
    // shard or outcomes were dropped, when judging says so (inconclusive).
    judge_exists_conditions(m.scenario, m.result);
    if (!first) out << "\n";
    first = false;
    std::string path;
    if (m.trace) {
      path = trace_path(a, m.scenario, runs.size());
      if (!path.empty()) {
        try {
          if (path != a.trace_out) make_output_directory(fs::path(path).parent_path().string());
          write_trace(*m.trace, path);
        } catch (const std::exception& e) {
          std::cerr << "interleave: could not write the trace: " << e.what() << "\n";
          path.clear();
          unwritten = true;
        }
      }
    }
    print_run_report(out, m.scenario, m.settings, m.result, path, "");
    out << "  merged from " << m.shards << (m.shards == 1 ? " report" : " shards") << "\n";
    if (!a.json.empty()) report.push_back(run_entry(m.scenario, m.settings, whole(m.result), m.trace));
    code = worse(code, exit_code(m.result.status));
  }
  if (!a.json.empty()) {
    try {
      write_output_file(a.json, run_report(report).dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write the JSON report: " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  return unwritten ? kExitBadInput : code;
}

}  // namespace checker::cli

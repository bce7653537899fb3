// `interleave run`: scenarios searched and reported one after the other.
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
#include "checker/search/conditions.hpp"
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
  if (files.size() > 1 && !o.trace_out.empty() && names_one_file(o.trace_out, ".json")) {
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
  const bool color = color_on(to_stdout ? 2 : 1);
  int code = kExitOk;
  bool first = true;
  std::vector<nlohmann::ordered_json> report;  // --json
  std::size_t not_run = 0;
  for (const std::string& file : files) {
    if (interrupt_flag().load() != 0) {  // interrupted: the rest are not started
      ++not_run;
      continue;
    }
    if (!first && !quiet()) out << "\n";
    first = false;
    try {
      const Scenario base = load_scenario(file);
      const Scenario s = on_variant(base, o);
      Ran ran = run_and_trace(s, o, s.model == base.model ? file : file + " [" + s.model + "]");
      std::ostringstream printed;
      print_run_report(printed, s, ran.settings, ran.result, ran.trace_path, ran.shrink);
      std::string text = printed.str();
      // On another variant than the file's, the verdict line says which.
      if (const std::size_t at = text.find(file + ": "); s.model != base.model && at < text.find('\n'))
        text.insert(at + file.size(), " [" + s.model + "]");
      if (verbose()) text.insert(text.find('\n') + 1, "  " + settings_line(s, ran.settings) + "\n");
      print_report_text(out, text, color, quiet());
      if (!ran.unfinished_note.empty() && !quiet()) out << "  note: " << ran.unfinished_note << "\n";
      if (!ran.checkpoint_line.empty() && !quiet()) out << "\n  " << ran.checkpoint_line << "\n";
      if (ran.shard && !quiet())
        out << "  shard " << ran.shard->shard.index << "/" << ran.shard->shard.count
                  << ": a deterministic 1/" << ran.shard->shard.count << " of the search"
                  << (ran.shard->kind == "tree" ? " (" + std::to_string(ran.shard->parts) + " subtrees in all)"
                                                : std::string())
                  << "; `interleave merge` combines the " << ran.shard->shard.count << " reports (--json)"
                  << (has_exists_condition(s) ? " and judges the exists conditions over all of them" : "") << "\n";
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
}  // namespace checker::cli

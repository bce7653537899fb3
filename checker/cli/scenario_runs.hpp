// What `run` and `check` share (checker/cli/commands.cpp, check_command.cpp):
// one scenario searched with the command line's overrides, its failure shrunk
// and its trace written; the scenario files a path names; --variant; exit
// codes combined; the report printed at the chosen verbosity and colour.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "checker/cli/commands.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/output_file.hpp"
#include "checker/search/explorer.hpp"
#include "checker/search/shard.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/trace/trace.hpp"

namespace checker::cli {

void print_input_error(const InputError& e);

// The exit code of a search's status; of two codes, the one that says more:
// bad input beats an internal error beats a violation beats inconclusive.
int exit_code(ExploreResult::Status s);
int worse(int a, int b);

// --variant: the scenario retargeted (load.hpp's for_variant, named
// NAME@VARIANT), or as it is when it names that variant already. Throws
// InputError when the scenario is not a page-cache one or its "variants"
// leave the variant out.
Scenario on_variant(const Scenario& s, const Overrides& o);

// The scenario's search settings with the command line's overrides
// (--strategy, --max-executions, ..., --jobs), made effective.
ExploreSettings apply_overrides(ExploreSettings s, const Overrides& o);

// One scenario's search, its failure shrunk and its trace written.
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

// `label` names the scenario on the progress line (its file, and variant).
Ran run_and_trace(const Scenario& s, const Overrides& o, const std::string& label);

// The --trace-out output to check before a search ({} with --no-trace).
NamedOutput trace_output(const std::string& trace_out, bool no_trace);

// The scenario files the paths name: files as given, directories searched
// for *.json (schema.json and *.trace.json left out), each in name order.
std::vector<std::string> scenario_files(const std::vector<std::string>& paths);

// -v: "settings: variant V, strategy S, seed N, ..., jobs J".
std::string settings_line(const Scenario& s, const ExploreSettings& e);

// Writes a report (lines) with its verdict word coloured when `color`; only
// its first line, the verdict, when `first_line_only` (-q).
void print_report_text(std::ostream& out, const std::string& text, bool color, bool first_line_only);

// The verdict message of the failing execution a search reported (after
// shrinking: the smaller one's); "" when none failed.
std::string failure_message(const ExploreResult& r);

}  // namespace checker::cli

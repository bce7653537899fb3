// The subcommands of `interleave`, apart from their command-line parsing
// (main.cpp): each returns the process's exit code (DESIGN.md section 7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace checker::cli {

enum ExitCode : int {
  kExitOk = 0,            // no violation / every expectation met
  kExitViolation = 1,     // a violation found / an expectation not met
  kExitBadInput = 2,      // bad usage, a bad scenario or trace file
  kExitInternal = 3,      // internal error (incl. nondeterminism in the model)
  kExitInconclusive = 4,  // a budget ran out, or a signal came, before the search was complete
};

// Settings given on the command line; each one overrides the scenario's.
struct Overrides {
  std::optional<std::string> variant;  // --variant: run the scenario on this page-cache variant
  std::optional<std::string> strategy;
  std::optional<std::uint64_t> max_executions;
  std::optional<double> time_limit_s;
  std::optional<std::uint64_t> max_steps;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint32_t> bound;  // pb, db: the largest bound
  std::optional<std::uint32_t> pct_depth;
  std::optional<std::uint64_t> max_states;  // stateful: the store's bound
  std::optional<unsigned> jobs;  // worker threads (default: the machine's cores)
  std::string shard;             // run --shard K/N: this shard of the search ("" all of it)
  std::string json;              // run --json FILE: also write the results as JSON (json_report.hpp)
  std::string checkpoint;        // run --checkpoint FILE: save the search's frontier there (resumable.hpp)
  std::string resume;            // run --resume FILE: go on from that checkpoint
  std::optional<double> checkpoint_every;  // run --checkpoint-every SECONDS
  std::string trace_out;  // a file (*.json) or a directory; "" the default directory
  bool no_trace = false;
  bool progress = true;   // on a terminal, outside CI
  bool shrink = true;     // shrink a violation's trace before it is reported (--no-shrink)
};

inline constexpr const char* kDefaultTraceDir = "interleave-traces";

int run_command(const std::vector<std::string>& files, const Overrides& o);
struct ReplayArgs {
  std::string trace_file;
  std::string trace_out;                // also write the replayed execution here
  std::optional<std::string> variant;  // --variant: the variant the trace must have been recorded on
};
int replay_command(const ReplayArgs& a);

// --variant: `name` when it is a page-cache variant; otherwise throws
// InputError, naming the closest one.
void check_variant_name(const std::string& name);
struct CheckOutputs {
  std::string junit;    // JUnit XML to this file
  std::string json;     // the JSON report to this file
  bool update = false;  // rewrite the expected outcome sets that differ
};
int check_command(const std::vector<std::string>& paths, const Overrides& o,
                  const CheckOutputs& outputs);
int models_command();

// checker/cli/merge_command.cpp: `interleave merge` of run --json reports.
struct MergeArgs {
  std::vector<std::string> files;
  std::string trace_out;  // a file (*.json) or a directory; "" the default directory
  bool no_trace = false;
  std::string json;       // also write the merged results as a run report
};
int merge_command(const MergeArgs& a);

// checker/cli/matrix_command.cpp
struct MatrixArgs {
  std::vector<std::string> paths;  // scenario files or directories
  std::string variants;            // "a,b": these variants only ("" every one)
  std::string format = "text";     // text | markdown | json
  std::string output;              // write the table here ("" standard output)
};
int matrix_command(const MatrixArgs& a, const Overrides& o);

// checker/cli/litmus_command.cpp
struct LitmusArgs {
  std::vector<std::string> files;
  std::string dir;              // where to run ("" with --observed)
  double seconds = 2;           // 0: no time limit
  std::uint64_t iterations = 0;  // 0: no limit
  std::string variant;          // "" the one the filesystem of dir picks
  std::string observed;         // compare this recorded --json report instead of running
  std::optional<std::string> json;  // also write the results as JSON (observed_json.hpp)
  std::uint64_t generate = 0;   // the differential test: this many generated scenarios instead of files
  std::uint64_t seed = 1;       // ... from this seed on
};
int litmus_command(const LitmusArgs& a);
void add_litmus_command(CLI::App& app, LitmusArgs& a);  // its options and --help

// checker/cli/new_variant_command.cpp
struct NewVariantArgs {
  std::string name;  // the new variant's name
  std::string from = "linux-2.4.0";  // the built-in variant it derives from
  std::string dir;   // where the skeleton goes (must not exist, or be empty)
};
int new_variant_command(const NewVariantArgs& a);
void add_new_variant_command(CLI::App& app, NewVariantArgs& a);  // its options and --help

// checker/cli/trace_commands.cpp
struct ShrinkArgs {
  std::string trace_file;
  std::string trace_out;  // "" beside the input: NAME.shrunk.trace.json
  std::uint64_t max_runs = 3000;
  double time_limit_s = 10;
};
int shrink_command(const ShrinkArgs& a);
struct ShowArgs {
  std::string trace_file;
  std::string html_file;  // also write the page here
  std::size_t width = 0;  // 0: the terminal's, or 160
  bool all = false;       // the end-of-run checks' steps too
};
int show_command(const ShowArgs& a);

}  // namespace checker::cli

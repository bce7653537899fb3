// interleave: the command line. Subcommands like git's, each with --help that
// ends in an example; exit codes as DESIGN.md section 7.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "checker/cli/commands.hpp"
#include "checker/cli/help_formats.hpp"
#include "checker/cli/style.hpp"
#include "checker/search/fiber_stacks.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/io/output_file.hpp"
#include "checker/plugin/plugin.hpp"
#include "checker/search/interrupt.hpp"
#include "checker/scenario/scenario.hpp"
#include "sim/audit.hpp"

namespace {

using namespace checker::cli;

const char* kExitCodes =
    "Exit codes, the same for every command: 0 no violation / all expectations met; 1 a\n"
    "violation found / an expectation not met; 2 bad usage or a bad scenario or trace file;\n"
    "3 internal error (also nondeterminism in a model); 4 a budget ran out, or the run was\n"
    "interrupted (SIGINT, SIGTERM), before a search was complete (inconclusive, never a pass).";

// --variant of run, check and replay (checked once the plugins are loaded).
void add_variant_option(CLI::App* cmd, std::optional<std::string>& variant, const std::string& what) {
  cmd->add_option_function<std::string>(
      "--variant", [&variant](const std::string& v) { variant = v; }, what);
}

const char* kSearchDefault =
    "Unless the scenario or --strategy names one, the search is `auto`: first a bug hunt,\n"
    "PCT (--pct-depth, --seed) for 100 executions (at most a tenth of a budget), which finds\n"
    "shallow bugs at once; then exhaustive DPOR (one schedule per order of the dependent\n"
    "steps). With no budget DPOR runs to its end, so a pass is complete; with one, DPOR gets\n"
    "half of what the hunt left, and PCT the rest. To find a deeper bug fast in a large\n"
    "search, try --strategy pb (iterative preemption bounding: most bugs need 1 or 2).";

// The options that name a file to write (or read and write back): given as
// "", they are refused after parsing (CLI11 takes "" as a value).
std::vector<CLI::Option*> g_path_options;

CLI::Option* path_option(CLI::Option* opt) {
  g_path_options.push_back(opt);
  return opt;
}

void refuse_empty_paths() {
  for (CLI::Option* opt : g_path_options)
    for (const std::string& v : opt->results())
      if (v.empty())
        checker::check_output_path(opt->get_name(), v,
                                   opt->get_name() == "--checkpoint" || opt->get_name() == "--resume"
                                       ? checker::OutputKind::file_not_stdout
                                       : checker::OutputKind::file);
}

void add_search_options(CLI::App* cmd, Overrides& o) {
  std::string strategies = "how to search, overriding the scenario's:";
  std::vector<std::string> names;
  for (const checker::StrategyInfo& s : checker::known_strategies()) {
    strategies += "\n  " + s.name + ": " + s.description;
    names.push_back(s.name);
  }
  cmd->add_option_function<std::string>(
         "--strategy", [&o](const std::string& v) { o.strategy = v; }, strategies)
      ->check(CLI::IsMember(names));
  cmd->add_option_function<std::uint32_t>(
      "--bound", [&o](std::uint32_t v) { o.bound = v; },
      "pb, db: the largest preemption / delay bound to try (default: no limit; when schedules "
      "over it are left out the result is inconclusive)");
  cmd->add_option_function<unsigned>(
         "--jobs,-j", [&o](unsigned v) { o.jobs = v; },
         "worker threads (default: the machine's cores). Every strategy is split among them "
         "and gives the same executions, counts, outcomes, verdict and trace as one worker (dpor is "
         "split at fault choices: a program without them runs on one), for a search that runs to its "
         "end or its first violation, and for random and pct with --max-executions. A search cut short "
         "by --max-executions (dfs, dpor, pb, db, auto) or --time-limit explores the executions its "
         "workers reach first: its steps, depth, outcomes, and the violation it finds and its trace, "
         "may differ with --jobs")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option_function<std::uint32_t>(
         "--pct-depth", [&o](std::uint32_t v) { o.pct_depth = v; },
         "pct, auto: the bug depth d (default 3): d - 1 priority change points per execution")
      ->check(CLI::Range(1, 100));
  cmd->add_option_function<std::uint64_t>(
         "--max-states", [&o](std::uint64_t v) { o.max_states = v; },
         "stateful: the most states the store keeps, 8-16 bytes each (default 16000000); when full, "
         "new states are not stored (more work, nothing missed)")
      ->check(CLI::Range(std::uint64_t{1}, ~std::uint64_t{0}));
  cmd->add_option_function<std::uint64_t>(
      "--max-executions", [&o](std::uint64_t v) { o.max_executions = v; },
      "stop after this many executions (0: no limit); the result is then inconclusive");
  cmd->add_option_function<double>(
         "--time-limit", [&o](double v) { o.time_limit_s = v; },
         "stop after this many seconds (0: no limit); the result is then inconclusive")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option_function<std::uint64_t>(
         "--max-steps", [&o](std::uint64_t v) { o.max_steps = v; },
         "steps per execution before it is a livelock suspect")
      ->check(CLI::PositiveNumber);
  cmd->add_option_function<std::uint64_t>(
      "--seed", [&o](std::uint64_t v) { o.seed = v; }, "seed of the random walk");
  path_option(cmd->add_option("--trace-out", o.trace_out,
                              std::string("where to write the trace of a violation: a FILE.json, - (standard "
                                          "output, one scenario), or a directory (default ") +
                                  kDefaultTraceDir + "/; created when its parent exists)"));
  cmd->add_flag("--no-trace", o.no_trace, "write no trace");
  cmd->add_flag("--no-shrink", [&o](std::int64_t) { o.shrink = false; },
                "report and write the violation as found, without shrinking it first");
  cmd->add_flag(
      "--audit", [](std::int64_t) { sim::audit::set_default(true); },
      "check the checker: every access of the model to a shared object is compared with the "
      "footprint its step announced (and narrowed to); one the footprint misses ends the execution "
      "as an internal error that names the step (a model bug: DPOR may have pruned schedules). "
      "Slower; also on with INTERLEAVE_AUDIT=1");
  cmd->add_flag("--no-progress", [&o](std::int64_t) { o.progress = false; },
                "no progress line on the terminal (it is never shown outside a terminal or in CI)");
}

int real_main(int argc, char** argv) {
  sim::audit::enable_from_environment();
  CLI::App app{"interleave " INTERLEAVE_VERSION
               ": a deterministic concurrency simulator and stateless model checker.\n"
               "Runs scenario files (JSON) through every interleaving of their threads and\n"
               "injected faults, checks invariants, and writes a replayable trace of a violation.",
               "interleave"};
  app.set_version_flag("--version,-V", "interleave " INTERLEAVE_VERSION, "print the version and exit");
  app.require_subcommand(1);
  // Variants built outside the tree (docs/writing-a-variant.md): loaded
  // before a command reads a scenario or a trace that names them. Given
  // before or after the command's name (fallthrough).
  std::vector<std::string> plugin_files;
  app.add_option("--plugin", plugin_files,
                 std::string("load the variants of a plugin library (FILE.so); repeatable. Also loaded: every "
                             "*.so in the directories of ") +
                     checker::kPluginPathVariable + " (separated by ':')")
      ->type_name("FILE")
      ->allow_extra_args(false);  // one FILE per --plugin: the words after it are the command's
  // -q, -v, --color and --plugin are given before or after the command
  // (`interleave -q check ...` or `interleave check -q ...`): every command
  // lets options it does not know fall through to these.
  app.fallthrough();
  OutputStyle& style = output_style();
  CLI::Option* quiet_flag = app.add_flag_callback(
      "--quiet,-q", [&style] { style.verbosity = Verbosity::quiet; },
      "print only how each run ended (see Output below)");
  app.add_flag_callback("--verbose,-v", [&style] { style.verbosity = Verbosity::verbose; },
                        "print the settings of every search too, and check's whole reports (see Output below)")
      ->excludes(quiet_flag);
  app.add_option("--color", style.color, "colour the verdicts: auto (default: on a terminal, unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  std::string generate;
  app.add_option("--generate", generate, "write the man page or a completion script to standard output")
      ->check(CLI::IsMember({"man", "bash-completion", "zsh-completion"}))
      ->group("");  // hidden: the build runs it (checker/cli/CMakeLists.txt)
  app.footer(std::string(kVerbosityHelp) + "\n\n" + kExitCodes +
             "\n\nExample:\n  interleave run scenarios/examples/abba.json\n"
             "  interleave models");

  Overrides run_opts;
  std::vector<std::string> run_files;
  CLI::App* run = app.add_subcommand("run", "explore one or more scenario files and report");
  run->add_option("SCENARIO", run_files, "scenario files (JSON)")->required();
  add_variant_option(run, run_opts.variant,
                     "run the scenario on this page-cache variant instead of its \"model\" (`interleave models`); "
                     "its trace is NAME@VARIANT.trace.json");
  add_search_options(run, run_opts);
  run->add_option("--shard", run_opts.shard,
                  "K/N: explore a deterministic 1/N of the search (shard K, from 1), for N machines; "
                  "`interleave merge` combines their --json reports (dfs, pct, random)");
  path_option(run->add_option("--json", run_opts.json,
                              "also write the results as JSON to this file (what merge reads); - for standard "
                              "output (the report then goes to standard error)"));
  path_option(run->add_option("--checkpoint", run_opts.checkpoint,
                  "save where the search stands to this file (JSON) every --checkpoint-every seconds, at "
                  "an interruption (Ctrl-C, SIGTERM) and at its end, so that --resume can go on from there "
                  "(any strategy but auto with a budget; docs/interrupt-and-resume.md)"));
  path_option(run->add_option("--resume", run_opts.resume,
                  "go on from a checkpoint of this scenario and search settings; explores exactly what the "
                  "uninterrupted search would have (saves back to this file unless --checkpoint names another)"));
  run->add_option_function<double>(
         "--checkpoint-every", [&](double v) { run_opts.checkpoint_every = v; },
         "seconds between two saves of the checkpoint (default 60)")
      ->check(CLI::PositiveNumber);
  run->footer(std::string(kSearchDefault) + "\n\n" + kExitCodes +
              "\n\nExample:\n  interleave run scenarios/examples/abba.json --trace-out abba.trace.json\n"
              "  interleave run --strategy pb scenarios/seed/self-deadlock-reclaim.json\n"
              "  interleave run --strategy random --seed 7 --max-executions 5000 my-scenario.json\n"
              "  interleave run --strategy dfs --checkpoint big.ckpt.json big.json   # Ctrl-C, later:\n"
              "  interleave run --strategy dfs --resume big.ckpt.json big.json");

  ReplayArgs replay_args;
  CLI::App* rep = app.add_subcommand(
      "replay", "run a trace's schedule again and check that it reaches the same verdict");
  rep->add_option("TRACE", replay_args.trace_file, "a trace file written by run or check")->required();
  path_option(rep->add_option("--trace-out", replay_args.trace_out,
                              "write the replayed execution as a trace file too (- for standard output)"));
  add_variant_option(rep, replay_args.variant,
                     "the variant the trace must have been recorded on: another is refused (exit 2), as a "
                     "schedule replays only on its own variant");
  rep->footer(
      "Exit codes: 1 the recorded violation happened again; 0 the replayed execution passes\n"
      "(only for a trace of a passing execution); 2 a bad trace file, or one recorded on\n"
      "another variant than --variant; 3 the replay differs from the trace (nondeterminism,\n"
      "or the model changed).\n\n"
      "Example:\n  interleave replay interleave-traces/abba.trace.json");

  Overrides check_opts;
  std::vector<std::string> check_paths;
  CheckOutputs check_out;
  CLI::App* check = app.add_subcommand(
      "check", "run scenarios and compare each verdict with its \"expect\" (the CI oracle)");
  check->add_option("PATH", check_paths,
                    "scenario files, or directories searched for *.json (schema.json and "
                    "*.trace.json excepted)")
      ->required();
  add_variant_option(check, check_opts.variant,
                     "judge each scenario on this page-cache variant only: a file's cell for it "
                     "(\"expect_by_variant\", or \"model\" with \"expect\"); a file that states no "
                     "expectation for it is skipped");
  add_search_options(check, check_opts);
  path_option(check->add_option("--junit", check_out.junit,
                                "also write the results as JUnit XML to this file (- for standard output)"));
  path_option(check->add_option("--json", check_out.json,
                                "also write the results as JSON to this file (- for standard output)"));
  check->add_flag("--update", check_out.update,
                  "accept the outcome sets found: rewrite the \"outcomes\" of each file whose\n"
                  "verdict is met but whose outcomes differ (in place, atomically)");
  check->footer(
      "Prints one line per scenario and closes with `N passed, N failed`. A scenario passes\n"
      "when its verdict is the expected one and, where its \"expect\" lists \"outcomes\", the\n"
      "complete search found exactly that set. Exit codes: 0 every scenario met its\n"
      "expectation; 1 some did not; 2 some file was bad; 3 a model was nondeterministic or\n"
      "threw; 4 none of these, but a budget ran out (or a signal came) before some search\n"
      "was complete, so its expectation is neither met nor contradicted (its line starts\n"
      "with --; JUnit: an error of type inconclusive).\n\n"
      "Example:\n  interleave check scenarios/ --junit interleave-junit.xml --json check.json\n"
      "  interleave check scenarios/ --update   # accept the outcome sets found");

  ShrinkArgs shrink_args;
  CLI::App* shr = app.add_subcommand(
      "shrink", "make a failing trace smaller while the same invariant still breaks");
  shr->add_option("TRACE", shrink_args.trace_file, "a trace file written by run or check")->required();
  path_option(shr->add_option("--trace-out,-o", shrink_args.trace_out,
                              "where to write the smaller trace (default: beside TRACE, as "
                              "NAME.shrunk.trace.json; - for standard output)"));
  shr->add_option("--max-runs", shrink_args.max_runs, "candidate executions to try, at most")
      ->check(CLI::PositiveNumber);
  shr->add_option("--time-limit", shrink_args.time_limit_s, "seconds to spend, at most (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  shr->footer(
      "Removes threads, operations, agents and kinds of fault from the embedded scenario,\n"
      "then injected faults, preemptions and steps from the schedule, keeping each change\n"
      "only when the same invariant still breaks. The smaller trace embeds the smaller\n"
      "scenario and replays like any other. run and check shrink every violation they\n"
      "report unless given --no-shrink.\n"
      "Exit codes: 1 the shrunk trace (still) shows the violation; 0 the trace shows no\n"
      "failure (nothing to shrink); 2 a bad trace file; 3 the trace does not replay under\n"
      "this model.\n\n"
      "Example:\n  interleave shrink interleave-traces/torn-read.trace.json -o torn-small.trace.json");

  ShowArgs show_args;
  CLI::App* show = app.add_subcommand(
      "show", "draw a trace as per-thread swimlanes (terminal, or a self-contained HTML page)");
  show->add_option("TRACE", show_args.trace_file, "a trace file")->required();
  path_option(show->add_option("--html", show_args.html_file,
                               "also write the execution as one self-contained HTML page to this file (- for "
                               "standard output)"));
  show->add_option("--width", show_args.width, "terminal columns (default: the terminal's, or 160)");
  show->add_flag("--all", show_args.all, "show the steps of the end-of-run checks too");
  show->footer(
      "One column per thread and one row per step (the kernel function, the object, and the\n"
      "page state after it where it changed: flags L locked, U uptodate, D dirty, E error;\n"
      "the reference count; the bytes). The step that broke the invariant is marked >>.\n"
      "Exit codes: 0 drawn; 2 a bad trace file; 3 the page could not be written.\n\n"
      "Example:\n  interleave show interleave-traces/torn-read.trace.json --html torn-read.html");

  Overrides matrix_opts;
  MatrixArgs matrix_args;
  CLI::App* matrix = app.add_subcommand(
      "matrix", "run scenarios against every model variant and print the table of verdicts");
  matrix->add_option("SCENARIO", matrix_args.paths,
                     "page-cache scenario files, or directories searched for *.json")
      ->required();
  matrix->add_option("--variants", matrix_args.variants,
                     "a comma-separated list of variants (default: every one `interleave models` lists)");
  matrix->add_option("--format", matrix_args.format, "text (default), markdown or json")
      ->check(CLI::IsMember({"text", "markdown", "json"}));
  path_option(
      matrix->add_option("--output", matrix_args.output, "write the table to this file instead of standard output"));
  add_search_options(matrix, matrix_opts);
  matrix->footer(
      "Variants are the rows, scenarios the columns. A cell is the verdict of the scenario run\n"
      "against that variant with the scenario's search settings; a violation shows the\n"
      "invariant and the length, in steps, of the shortest failing trace found (after\n"
      "shrinking; --no-shrink: as the search found it). \"n/a\": the scenario's \"variants\"\n"
      "leave the variant out. A cell whose verdict differs from the expectation the scenario\n"
      "states for that variant says what was expected. Traces are written only with\n"
      "--trace-out DIR.\n\n"
      "Exit codes: 0 every stated expectation met; 1 some cell differs from its stated\n"
      "expectation; 2 bad usage or a bad scenario file; 3 a model threw or was nondeterministic.\n\n"
      "Example:\n  interleave matrix scenarios/variants\n"
      "  interleave matrix --variants linux-2.4.0,linux-6-xfs --format markdown scenarios/variants");

  MergeArgs merge_args;
  CLI::App* merge = app.add_subcommand(
      "merge", "combine the --json reports of the N shards of a search into one result");
  merge->add_option("REPORT", merge_args.files, "reports written by run --shard K/N --json FILE")->required();
  path_option(merge->add_option("--trace-out", merge_args.trace_out,
                    std::string("where to write the trace of a violation: a FILE.json, or a directory (default ") +
                        kDefaultTraceDir + "/)"));
  merge->add_flag("--no-trace", merge_args.no_trace, "write no trace");
  path_option(merge->add_option("--json", merge_args.json,
                                "also write the merged results as JSON to this file (- for standard output)"));
  merge->footer(
      "The verdict, the executions and the trace are those one machine running the whole search\n"
      "would report (the first failure in its order). Exit codes as run's; 2 also for reports\n"
      "that do not belong together (another scenario or settings, a missing or repeated shard).\n\n"
      "Example (GNU parallel, 4 shards on this machine; docs/sharding.md):\n"
      "  parallel interleave run --strategy dfs --shard {}/4 --json shard-{}.json s.json ::: 1 2 3 4\n"
      "  interleave merge shard-*.json");

  LitmusArgs litmus_args;
  add_litmus_command(app, litmus_args);

  NewVariantArgs new_variant_args;
  add_new_variant_command(app, new_variant_args);

  CLI::App* models = app.add_subcommand("models", "list the models a scenario can name");
  models->footer("Example:\n  interleave models");

  // A bare `interleave` prints the command list (and is a usage error); a
  // first word that is neither an option nor a command is refused with the
  // closest command's name, where CLI11 would only say that one is required.
  if (argc == 1) {
    std::cout << app.help();
    return kExitBadInput;
  }
  if (const std::string first = argv[1]; !first.empty() && first[0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), first) == names.end()) {
      const std::string near = checker::json_read::closest(first, names);
      std::cerr << "interleave: no command named \"" << first << "\""
                << (near.empty() ? "" : "; did you mean \"" + near + "\"?") << "\n"
                << "hint: interleave --help lists the commands\n";
      return kExitBadInput;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::RequiredError& e) {
    // `--generate` needs no command; any other use of the program does.
    if (generate.empty()) return app.exit(e) == 0 ? kExitOk : kExitBadInput;
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  if (!generate.empty()) {
    std::cout << (generate == "man" ? man_page(app) : generate == "bash-completion" ? bash_completion(app)
                                                                                   : zsh_completion(app));
    return kExitOk;
  }
  refuse_empty_paths();
  if (output_style().verbosity == Verbosity::quiet) matrix_opts.progress = false;
  checker::load_plugins(plugin_files);
  // --variant names a variant that may come from a plugin: checked once
  // they are loaded.
  for (const std::optional<std::string>* v : {&run_opts.variant, &check_opts.variant, &replay_args.variant})
    if (*v) check_variant_name(**v);

  // The searching commands stop cleanly on SIGINT or SIGTERM: they report
  // what they explored, write their files whole, and exit 4.
  CLI::App* litmus = app.get_subcommand("litmus");
  if (run->parsed() || check->parsed() || matrix->parsed() || litmus->parsed()) checker::install_interrupt_handlers();
  if (run->parsed()) return run_command(run_files, run_opts);
  if (rep->parsed()) return replay_command(replay_args);
  if (check->parsed()) return check_command(check_paths, check_opts, check_out);
  if (shr->parsed()) return shrink_command(shrink_args);
  if (show->parsed()) return show_command(show_args);
  if (models->parsed()) return models_command();
  if (merge->parsed()) return merge_command(merge_args);
  if (matrix->parsed()) return matrix_command(matrix_args, matrix_opts);
  if (litmus->parsed()) return litmus_command(litmus_args);
  if (app.get_subcommand("new-variant")->parsed()) return new_variant_command(new_variant_args);
  std::cerr << app.help();
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    checker::configure_fiber_stacks(kExitInternal);
    return real_main(argc, argv);
  } catch (const checker::InputError& e) {
    std::cerr << "interleave: " << e.message() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "interleave: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

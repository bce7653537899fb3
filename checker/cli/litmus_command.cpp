// `interleave litmus`: a scenario run as real threads on a real filesystem,
// its outcomes against the model's outcome set (checker/litmus, docs/litmus.md).
#include <CLI/CLI.hpp>
#include <iostream>
#include <stdexcept>

#include "checker/cli/commands.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/io/output_file.hpp"
#include "checker/litmus/compare.hpp"
#include "checker/litmus/differential.hpp"
#include "checker/litmus/filesystem.hpp"
#include "checker/litmus/observed_json.hpp"
#include "checker/litmus/real_run.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/interrupt.hpp"
#include "models/pagecache/variants.hpp"
#include <unistd.h>

namespace checker::cli {

namespace {

using namespace checker::litmus;

// Bad input for one scenario: the message, then the next scenario.
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The variant the comparison uses, and where it came from.
std::pair<std::string, std::string> pick_variant(const LitmusArgs& a, const Recorded* recorded) {
  std::vector<std::string> known;
  for (const auto& v : models::pagecache::variants()) known.push_back(v.name);
  std::string variant, from;
  if (!a.variant.empty()) {
    variant = a.variant, from = "--variant";
  } else if (recorded) {
    variant = recorded->info.variant, from = "the recorded file " + a.observed;
  } else {
    DirFilesystem fs;
    try {
      fs = filesystem_of(a.dir);
    } catch (const std::runtime_error& e) {
      throw Refused(std::string("--dir: ") + e.what());
    }
    if (fs.variant.empty()) {
      char magic[32];
      std::snprintf(magic, sizeof magic, "0x%lx", fs.magic);
      throw Refused("--dir " + a.dir + " is on a filesystem litmus has no variant for (statfs magic " + magic +
                    "; it knows ext4, xfs and tmpfs); give --variant");
    }
    variant = fs.variant, from = fs.name + " at " + a.dir + " (statfs)";
  }
  if (std::find(known.begin(), known.end(), variant) == known.end()) {
    const std::string near = json_read::closest(variant, known);
    throw Refused("variant \"" + variant + "\" from " + from + " is not a page-cache variant" +
                  (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
  }
  return {variant, from};
}

}  // namespace

void add_litmus_command(CLI::App& app, LitmusArgs& a) {
  CLI::App* cmd = app.add_subcommand(
      "litmus", "run scenarios as real threads on a real filesystem and compare with the model's outcomes");
  cmd->add_option("SCENARIO", a.files, "page-cache scenario files (JSON)");
  cmd->add_option("--dir", a.dir, "the directory to run in (its filesystem picks the variant)");
  cmd->add_option("--seconds", a.seconds, "stop after this many seconds (default 2; 0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--iterations", a.iterations, "stop after this many iterations (default: no limit)");
  cmd->add_option("--variant", a.variant, "compare with this variant, not the one the filesystem picks");
  cmd->add_option("--observed", a.observed,
                  "compare the outcomes recorded in this file (a litmus --json report) instead of running");
  cmd->add_option("--json", a.json, "also write the results as JSON to this file (- for standard output)");
  cmd->add_option("--generate", a.generate,
                  "the differential test: this many generated single-thread scenarios, each run once on the "
                  "model and once for real, instead of SCENARIO files");
  cmd->add_option("--seed", a.seed, "with --generate: the first scenario's seed (default 1)");
  cmd->footer(
      "Each iteration restores the scenario's file, cache and memory, releases all threads\n"
      "together from a barrier, and turns what the calls returned into an outcome line in the\n"
      "model's form (one model page = one real page, one model byte = an equal slice of it,\n"
      "\\? = a slice torn inside one model byte). The table lists each outcome, whether the\n"
      "model allows it, and how often the kernel showed it. Variants: ext4 and tmpfs ->\n"
      "linux-6-ext4, XFS -> linux-6-xfs (docs/litmus.md).\n"
      "Exit codes: 0 every outcome the kernel showed is allowed; 1 the kernel showed one the\n"
      "model does not allow (the report names it and an iteration); 2 bad usage, a bad file,\n"
      "or a scenario that cannot run for real (says why); 4 interrupted (SIGINT, SIGTERM).\n\n"
      "With --generate N, single-thread scenarios from seeds --seed, --seed + 1, ... are run once each\n"
      "on the model and for real and compared byte for byte; each disagreement is shrunk to the\n"
      "smallest scenario that still disagrees and printed (exit 1). The model uses the data path of\n"
      "the directory's filesystem (ext4, XFS: ext2; tmpfs: ramfs).\n\n"
      "Example:\n  interleave litmus scenarios/litmus/torn-read-across-pages.json --dir /mnt/ext4 --seconds 5\n"
      "  interleave litmus scenarios/litmus/*.json --dir /dev/shm --json litmus.json\n"
      "  interleave litmus --generate 400 --seed 1 --dir /mnt/xfs");
}

namespace {

// The differential test (checker/litmus/differential.hpp) in a.dir.
int differential_command(const LitmusArgs& a) {
  if (a.dir.empty() || !a.files.empty() || !a.observed.empty() || a.json) {
    std::cerr << "interleave: litmus: --generate N runs in --dir DIR and takes no SCENARIO, --observed or --json\n";
    return kExitBadInput;
  }
  DirFilesystem fs;
  try {
    fs = filesystem_of(a.dir);
  } catch (const std::runtime_error& e) {
    std::cerr << "interleave: litmus: --dir: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::string variant;
  try {
    variant = pick_variant(a, nullptr).first;
  } catch (const Refused& e) {
    std::cerr << "interleave: " << e.what() << "\n";
    return kExitBadInput;
  }
  const std::string data_path = fs.data_path.empty() ? "ext2" : fs.data_path;
  DifferentialRun r;
  try {
    r = run_differential(a.seed, a.generate, variant, data_path, a.dir, &interrupt_flag());
  } catch (const std::runtime_error& e) {
    std::cerr << "interleave: litmus: cannot run in " << a.dir << ": " << e.what() << "\n";
    return kExitBadInput;
  }
  const std::string where = (fs.name.empty() ? a.dir : fs.name + " at " + a.dir) + ", " + variant + " (" + data_path +
                            " data path), seeds " + std::to_string(a.seed) + ".." +
                            std::to_string(a.seed + a.generate - 1) + ", kernel " + kernel_release();
  std::cout << differential_text(r, where);
  if (r.interrupted) std::cout << "interrupted by " << interrupt_name(r.interrupted) << "\n";
  if (!r.disagreements.empty()) return kExitViolation;
  if (r.interrupted) return kExitInconclusive;
  return kExitOk;
}

}  // namespace

int litmus_command(const LitmusArgs& a) {
  if (a.generate > 0) return differential_command(a);
  if (a.files.empty()) {
    std::cerr << "interleave: litmus: give SCENARIO files (or --generate N)\n";
    return kExitBadInput;
  }
  if (a.dir.empty() == a.observed.empty()) {
    std::cerr << "interleave: litmus: give --dir DIR to run, or --observed FILE to compare recorded outcomes\n";
    return kExitBadInput;
  }
  if (a.observed.empty() && a.seconds == 0 && a.iterations == 0) {
    std::cerr << "interleave: litmus: --seconds 0 needs --iterations N, so that the run ends by itself\n";
    return kExitBadInput;
  }
  // Given as "", the path is refused as every command's output paths are.
  if (a.json && a.json->empty()) check_output_path("--json", *a.json);
  const bool json_to_stdout = check_output_paths({{"--json", a.json.value_or("")}});
  std::ostream& out = json_to_stdout ? std::cerr : std::cout;
  bool bad = false, not_allowed = false;
  int interrupted = 0;
  std::vector<nlohmann::json> results;
  for (const std::string& file : a.files) {
    try {
      Scenario s = load_scenario(file);
      if (!s.pagecache) throw Refused(file + ": " + s.model + " is not a page-cache variant");
      std::optional<Recorded> recorded;
      if (!a.observed.empty()) recorded = read_recorded(a.observed, s.name);
      auto [variant, from] = pick_variant(a, recorded ? &*recorded : nullptr);
      if (!recorded) {
        // The model runs the data path of the directory's filesystem.
        std::string data_path;
        try {
          data_path = filesystem_of(a.dir).data_path;
        } catch (const std::runtime_error&) {
        }
        if (!data_path.empty() && s.pagecache &&
            s.json.value("filesystem", "") != data_path) {
          s = on_data_path(s, data_path);
          from += "; the model's " + data_path + " data path";
        }
      }
      const std::uint64_t real_page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
      if (!recorded)
        if (const std::string why = why_not_real(*s.pagecache, real_page); !why.empty())
          throw Refused(file + ": cannot run for real: " + why);
      const ModelOutcomes model = model_outcomes(s, variant);
      if (model.interrupted) {
        interrupted = model.interrupted;
        break;
      }
      if (!model.problem.empty()) throw Refused(file + ": cannot compare: " + model.problem);
      RunInfo info;
      info.scenario = s.name;
      info.file = file;
      info.variant = variant;
      info.variant_from = from;
      Comparison c;
      if (recorded) {
        info.kernel = recorded->info.kernel;
        info.recorded = true;
        info.iterations = recorded->info.iterations;
        c = compare(model.outcomes, recorded->outcomes);
      } else {
        Budget budget{a.seconds, a.iterations};
        Observed o;
        try {
          o = run_real(*s.pagecache, a.dir, budget, &interrupt_flag());
        } catch (const std::runtime_error& e) {
          throw Refused(file + ": cannot run in " + a.dir + ": " + e.what());
        }
        info.kernel = kernel_release();
        info.iterations = o.iterations;
        info.seconds = o.seconds;
        info.real_page = o.real_page;
        info.slice = o.slice;
        info.interrupted = o.interrupted;
        interrupted = o.interrupted;
        c = compare(model.outcomes, o.outcomes);
      }
      out << comparison_text(info, c) << "\n";
      results.push_back(result_json(info, c));
      if (!c.sound()) not_allowed = true;
      if (interrupted) break;
    } catch (const InputError& e) {
      std::cerr << "interleave: " << e.message() << "\n";
      if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
      bad = true;
    } catch (const Refused& e) {
      std::cerr << "interleave: " << e.what() << "\n";
      bad = true;
    }
  }
  if (interrupted) out << "interrupted by " << interrupt_name(interrupted) << "\n";
  if (a.json) {
    try {
      write_output_file(*a.json, results_json(results).dump(2) + "\n");
    } catch (const std::runtime_error& e) {
      std::cerr << "interleave: could not write the JSON report: " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  if (bad) return kExitBadInput;
  if (not_allowed) return kExitViolation;
  if (interrupted) return kExitInconclusive;
  return kExitOk;
}

}  // namespace checker::cli

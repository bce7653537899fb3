// `interleave matrix`: scenarios against every page-cache variant (or the
// chosen ones), as a table of verdicts (checker/oracle/matrix.hpp).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "checker/cli/commands.hpp"
#include "checker/cli/scenario_runs.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/output_file.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/interrupt.hpp"
#include "checker/io/json_read.hpp"
#include "checker/oracle/matrix.hpp"
#include "checker/search/settings.hpp"
#include "checker/trace/trace.hpp"
#include "models/pagecache/variants.hpp"

namespace checker::cli {

namespace fs = std::filesystem;


int matrix_command(const MatrixArgs& a, const Overrides& o) {
  std::vector<std::string> known;
  for (const auto& v : models::pagecache::variants()) known.push_back(v.name);
  MatrixOptions opts;
  if (!a.variants.empty()) {
    std::stringstream in(a.variants);
    std::string v;
    while (std::getline(in, v, ',')) {
      if (v.empty()) continue;
      if (std::find(known.begin(), known.end(), v) == known.end()) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        std::cerr << "interleave: --variants: found \"" << v << "\", expected page-cache variants among: " << list
                  << "\n";
        const std::string near = json_read::closest(v, known);
        std::cerr << "hint: " << (near.empty() ? "`interleave models` lists them" : "did you mean \"" + near + "\"?")
                  << "\n";
        return kExitBadInput;
      }
      if (std::find(opts.variants.begin(), opts.variants.end(), v) == opts.variants.end()) opts.variants.push_back(v);
    }
  }
  if (a.format != "text" && a.format != "markdown" && a.format != "json") {
    std::cerr << "interleave: --format: found \"" << a.format << "\", expected text, markdown or json\n";
    return kExitBadInput;
  }
  check_output_paths({{"--output", a.output},
                      {"--trace-out", o.no_trace ? std::string() : o.trace_out, OutputKind::directory}});
  const std::vector<std::string> files = scenario_files(a.paths);
  if (files.empty()) {
    std::cerr << "interleave: no scenario files (*.json) in";
    for (const std::string& p : a.paths) std::cerr << " " << p;
    std::cerr << "\n";
    return kExitBadInput;
  }
  opts.settings = [&o](const ExploreSettings& s) { return apply_overrides(s, o); };
  opts.shrink = o.shrink;
  if (!o.no_trace && !o.trace_out.empty()) opts.trace_dir = o.trace_out;
  const bool progress = o.progress && ::isatty(2) && std::getenv("CI") == nullptr;
  if (progress)
    opts.on_cell = [](const std::string& scenario, const std::string& variant) {
      std::fprintf(stderr, "\r  %-70s", (scenario + " @ " + variant).c_str());
      std::fflush(stderr);
    };

  Matrix m;
  m.variants = opts.variants.empty() ? known : opts.variants;
  bool bad_input = false, internal = false, unmet = false;
  for (const std::string& file : files) {
    try {
      const Scenario s = load_scenario(file);
      if (!s.pagecache) {
        if (progress) std::fprintf(stderr, "\r%78s\r", "");
        std::cerr << "interleave: " << file << ": skipped: " << s.model << " is not a page-cache variant\n";
        continue;
      }
      MatrixRow row = matrix_row(s, opts);
      for (const MatrixCell& c : row.cells) {
        if (c.verdict == "error") internal = true;
        if (!c.meets) unmet = true;
        if (!c.trace_error.empty()) {  // an output that cannot be written is exit 2, as for every command
          if (progress) std::fprintf(stderr, "\r%78s\r", "");
          std::cerr << "interleave: " << file << " @ " << c.variant << ": " << c.trace_error << "\n";
          bad_input = true;
        }
      }
      m.scenarios.push_back(std::move(row));
    } catch (const InputError& e) {
      if (progress) std::fprintf(stderr, "\r%78s\r", "");
      std::cerr << "interleave: " << e.message() << "\n";
      if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
      bad_input = true;
    }
  }
  if (progress) std::fprintf(stderr, "\r%78s\r", "");
  std::string text = a.format == "markdown" ? matrix_markdown(m)
                     : a.format == "json"   ? matrix_json(m).dump(2) + "\n"
                                            : matrix_text(m);
  if (a.output.empty()) {
    std::cout << text;
  } else {
    try {
      write_output_file(a.output, text);
    } catch (const std::exception& e) {
      std::cerr << "interleave: could not write " << a.output << ": " << e.what() << "\n";
      return kExitBadInput;
    }
  }
  const int stop = interrupt_flag().load();
  if (stop != 0)
    std::cerr << "interleave: " << interrupted_text(stop) << ": the cells marked unfinished were not judged\n";
  return bad_input  ? kExitBadInput
         : internal ? kExitInternal
         : unmet    ? kExitViolation
         : stop     ? kExitInconclusive
                    : kExitOk;
}

}  // namespace checker::cli

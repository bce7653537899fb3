// Shared by the checker's tests: explore an example program in-process.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "checker/search/explorer.hpp"
#include "checker/strategies/dfs.hpp"
#include "models/examples/examples.hpp"
#include "sim/op.hpp"
#include "sim/stack_pool.hpp"

namespace checker::testing {

inline ExploreResult explore_example(const std::string& name,
                                     const models::examples::Params& params = {},
                                     ExploreOptions opts = {}) {
  auto program = models::examples::make_example(name, params);
  DfsStrategy dfs;
  sim::StackPool stacks;
  return explore(*program, dfs, stacks, opts);
}

// The scenario files below `dir` (its subfolders too), sorted: every .json
// but the schema and trace files. None when `dir` is not a folder.
inline std::vector<std::filesystem::path> scenario_files_under(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it); it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (!it->is_regular_file() || p.extension() != ".json" || name == "schema.json" ||
        name.ends_with(".trace.json"))
      continue;
    files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The shipped scenarios, and the small programs the strategy tests compare
// with DFS (tests/checker/strategies/agents and refcount: paths such as a put
// that frees a page reclaim removed, which the shipped ones reach rarely).
// The suites that check every scenario (stateful against dpor, the audit)
// walk these.
inline std::vector<std::string> scenarios_and_strategy_programs() {
  std::vector<std::string> files;
  for (const char* dir : {"/scenarios", "/tests/checker/strategies/agents", "/tests/checker/strategies/refcount"})
    for (const std::filesystem::path& f : scenario_files_under(std::string(INTERLEAVE_SOURCE_DIR) + dir))
      files.push_back(f.string());
  return files;
}

// A search of a program as explore() runs it, without re-running a failing
// execution to verify it (the tests count executions).
inline ExploreResult run(models::Program& p, sim::Strategy& s, ExploreOptions o = {}) {
  sim::StackPool stacks;
  o.verify_failure = false;
  return explore(p, s, stacks, o);
}

// The access kinds of footprints, as the strategy tests' small programs write them.
inline constexpr auto R = sim::Access::read;
inline constexpr auto W = sim::Access::write;

// The whole search of a program: past every failure, without re-running a
// failing execution, so that outcome sets can be compared across strategies.
inline ExploreResult explore_everything(models::Program& program, sim::Strategy& strategy) {
  sim::StackPool stacks;
  ExploreOptions o;
  o.verify_failure = false;
  o.stop_at_first_failure = false;
  return explore(program, strategy, stacks, o);
}

inline std::uint64_t multinomial(std::initializer_list<unsigned> parts) {
  // (sum k)! / prod(k!), computed as a product of binomials.
  std::uint64_t result = 1;
  unsigned total = 0;
  for (unsigned k : parts) {
    for (unsigned i = 1; i <= k; ++i) {
      ++total;
      result = result * total / i;  // exact: C(total, i) stays an integer at each step
    }
  }
  return result;
}

}  // namespace checker::testing

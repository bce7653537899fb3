// What a scenario holds once read: its name, model, invariants, exploration
// settings and expectation, the model-specific part (example parameters or
// the page-cache configuration), and the document it came from. load.hpp
// reads one; model.hpp builds its program.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/examples/examples.hpp"
#include "models/pagecache/config.hpp"

namespace checker {

inline constexpr std::uint32_t kNoBound = 0xffffffffu;

struct ExploreSettings {
  std::string strategy = "auto";     // one of known_strategies()
  std::uint64_t max_executions = 0;  // 0: no limit (random: kDefaultRandomExecutions)
  double time_limit_s = 0;           // 0: no limit
  std::uint64_t max_steps = 10000;   // per execution
  std::uint64_t seed = 0;            // random walks
  std::uint32_t bound = kNoBound;    // pb, db: the largest preemption / delay bound to try
  std::uint32_t pct_depth = 3;       // pct (and auto's PCT phase): the bug depth d
  std::uint64_t max_states = 16'000'000;  // stateful: the most states its store keeps
  // Not read from a scenario file (it depends on the machine): --jobs.
  unsigned jobs = 0;                 // worker threads; 0: the machine's cores
};

// The strategies a scenario or --strategy may name, with one line each.
struct StrategyInfo {
  std::string name;
  std::string description;
};
const std::vector<StrategyInfo>& known_strategies();

inline constexpr std::uint64_t kDefaultRandomExecutions = 1000;

struct Expectation {
  std::string verdict;    // "pass" | "violation" | "inconclusive"
  std::string invariant;  // violation: which one ("deadlock", "torn-read", ...); "" any
  std::optional<std::vector<std::string>> outcomes;  // the exact set of outcomes, sorted
  std::string path = "/expect";  // its JSON pointer in the file (where --update writes)
};

struct Scenario {
  std::string file;       // where it was read from ("" when built in memory)
  nlohmann::json json;    // the whole document, as read (traces embed it)
  std::string name;       // defaults to the file's stem
  std::string description;
  std::string model;      // "linux-2.4.0", "example:abba", ...
  std::vector<std::string> invariants;
  ExploreSettings explore;
  std::optional<Expectation> expect;  // "expect", or expect_by_variant's entry for `model`
  // Page-cache scenarios (docs/scenario-format.md, "One file for every
  // variant"): "variants", the variants the scenario is meant for (empty:
  // every variant), and "expect_by_variant", the expectation stated for each
  // variant, in the order `interleave models` lists them. "explore_by_variant" (settings that
  // replace keys of "explore" for one variant) is applied where the scenario
  // is read for that variant: `explore` holds the result.
  std::vector<std::string> variants;
  std::vector<std::pair<std::string, Expectation>> expect_by_variant;

  // Filled by the model binding:
  bool is_example() const { return model.rfind("example:", 0) == 0; }
  std::string example_name() const { return is_example() ? model.substr(8) : std::string(); }
  models::examples::Params example_params;
  std::optional<models::pagecache::Config> pagecache;
};

// The invariant names a scenario may list.
const std::vector<std::string>& known_invariants();

// The hint for a model or variant name that is not known.
inline constexpr const char* kKnownModelsHint =
    "`interleave models` lists them; a variant built outside the tree is loaded with --plugin FILE "
    "(docs/writing-a-variant.md)";

}  // namespace checker

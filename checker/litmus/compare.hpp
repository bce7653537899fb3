// The litmus comparison: the model's complete outcome set for a scenario on
// one variant, against the outcomes the kernel showed (real_run.hpp, or a
// recorded file, observed_json.hpp), as a herd7-style table.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checker/litmus/real_run.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker::litmus {

// The model's side: every outcome the variant allows, from a complete DPOR
// search with the page-cache invariants off (a torn read the model allows is
// an outcome to compare, not a failure; the engine's deadlock and kernel-bug
// stay on: an execution that ends in one has no outcome).
struct ModelOutcomes {
  std::set<std::string> outcomes;
  std::uint64_t executions = 0;
  std::string problem;  // why the set is not the whole of what the model allows; "" when it is
  int interrupted = 0;  // a stop request's signal ended the search
};
// Throws InputError when the scenario cannot be read for `variant`.
ModelOutcomes model_outcomes(const Scenario& s, const std::string& variant);

struct Row {
  std::string outcome;
  bool allowed = false;                // the model allows it
  std::uint64_t count = 0;             // iterations that showed it (0: the model's, never seen)
  std::uint64_t first_iteration = 0;   // the first of them
  std::size_t torn_slices = 0;         // slices torn inside one model byte
  bool refined = false;                // allowed by the refinement rule below
};

// The refinement rule (docs/litmus.md): an outcome with slices torn inside
// one model byte, each between two values a and b (abstraction.hpp), is
// allowed when for every torn slice and each of its two values, the model
// allows the outcome with that value at that slice (and some value of their
// two at the other torn slices). The argument: the model copies a byte
// at a time, the kernel a real byte at a time; a read of slice j that saw a
// mix of a and b ran while a write changed slice j from one to the other,
// and if the model lets the read take slice j both before and after that
// write with everything else the same, a model whose bytes were the real
// bytes (the same code, finer data) lets the read take each real byte of the
// slice before or after its write: the mix. A slice torn among more values,
// or not known (a write's source that could not be read), is never allowed,
// nor is an outcome with more than kMaxRefinedSlices torn slices.
inline constexpr std::size_t kMaxRefinedSlices = 12;
bool allowed_by_refinement(const std::set<std::string>& model, const std::string& outcome);

struct Comparison {
  std::vector<Row> rows;  // what the kernel showed, most often first; then what it never showed
  std::vector<const Row*> not_allowed() const;
  bool sound() const { return not_allowed().empty(); }
};

Comparison compare(const std::set<std::string>& model, const std::map<std::string, Seen>& observed);

// What a person reads: the header (scenario, variant, where, kernel, budget),
// the table, and the verdict with the outcome and iteration that broke it.
struct RunInfo {
  std::string scenario;  // its name
  std::string file;
  std::string variant;
  std::string variant_from;  // "ext4 at /mnt (statfs)", "--variant", "the recorded file"
  std::string kernel;
  std::uint64_t iterations = 0;
  double seconds = 0;
  std::uint64_t real_page = 0, slice = 0;
  int interrupted = 0;
  bool recorded = false;  // compared from a recorded file (--observed), not run here
};
std::string comparison_text(const RunInfo& info, const Comparison& c);

}  // namespace checker::litmus

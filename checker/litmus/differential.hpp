// The differential test (issue 18): single-thread scenarios generated from a
// seed (generate.hpp), each run on the model (its one outcome, from a
// complete search) and for real through the litmus runner (one iteration of
// run_real, whose outcome line has the model's form), and compared byte for
// byte. A disagreement is shrunk (calls dropped, buffers and the file
// shortened) to the smallest scenario that still disagrees, and printed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace checker::litmus {

// One scenario on both sides. `skipped` holds why it was not compared ("" when
// it was): a document the loader or the runner refuses, a model search that
// did not give one outcome.
inline constexpr std::uint64_t kModelBudget = 400;  // executions of the model's search per scenario

struct CaseResult {
  std::string model;   // the model's outcome line
  bool model_complete = false;  // its search ended within the budget (else: the one outcome it found)
  std::string kernel;  // the kernel's
  std::string skipped;
  bool agree() const { return skipped.empty() && model == kernel; }
  bool disagree() const { return skipped.empty() && model != kernel; }
};

// Runs `doc` on `variant` (a DPOR search of at most kModelBudget
// executions) and for real in `dir` (one iteration). Throws std::runtime_error
// when the machine refuses (the runner's own errors).
CaseResult run_case(const nlohmann::json& doc, const std::string& variant, const std::string& dir,
                    const std::atomic<int>* stop);

// The smallest document derived from `doc` for which `still_fails` holds
// (which it must for `doc`): calls dropped one at a time, then each buffer
// and the file's content shortened a byte at a time, until nothing more can
// go. Greedy, so the result is locally minimal.
nlohmann::json shrink(nlohmann::json doc, const std::function<bool(const nlohmann::json&)>& still_fails);

struct Disagreement {
  std::uint64_t seed = 0;
  nlohmann::json smallest;      // the shrunk scenario
  CaseResult smallest_result;   // what each side gave for it
};

struct DifferentialRun {
  std::uint64_t generated = 0, compared = 0, agreed = 0;
  std::uint64_t model_complete = 0;  // compared scenarios whose model search ended within the budget
  std::vector<std::pair<std::uint64_t, std::string>> skipped;  // seed, why
  std::vector<Disagreement> disagreements;
  int interrupted = 0;
  double agreement() const { return compared ? double(agreed) / double(compared) : 1.0; }
};

// `count` scenarios from seeds first_seed, first_seed + 1, ..., each with the
// data path `filesystem` ("ext2", "ramfs"), compared on `variant` in `dir`.
// Stops early when *stop is set.
DifferentialRun run_differential(std::uint64_t first_seed, std::uint64_t count, const std::string& variant,
                                 const std::string& filesystem, const std::string& dir, const std::atomic<int>* stop);

// The report: the counts and agreement rate, then each disagreement's
// smallest scenario (JSON) with both outcomes.
std::string differential_text(const DifferentialRun& r, const std::string& where);

}  // namespace checker::litmus

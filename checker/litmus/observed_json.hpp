// The litmus results as JSON (`interleave litmus --json FILE`), and the same
// file read back as recorded observations (`--observed FILE`), so that the
// comparison can be run again, on another model or after a model changed,
// without the machine that ran it:
//
//   { "format": "interleave-litmus", "version": 1,
//     "results": [ { "scenario", "file", "variant", "variant_from", "kernel",
//                    "iterations", "seconds", "real_page", "slice", "interrupted",
//                    "verdict": "allowed" | "not-allowed" | "interrupted",
//                    "outcomes": [ { "outcome", "allowed", "refined", "count", "first_iteration" } ] } ] }
// ("refined": allowed by the refinement rule of compare.hpp, not by an equal outcome)
//
// An entry with count 0 is an outcome the model allows that the kernel never
// showed; reading back, only counts above 0 are observations.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/litmus/compare.hpp"

namespace checker::litmus {

inline constexpr const char* kLitmusFormat = "interleave-litmus";
inline constexpr int kLitmusVersion = 1;

nlohmann::json result_json(const RunInfo& info, const Comparison& c);
nlohmann::json results_json(const std::vector<nlohmann::json>& results);

struct Recorded {
  RunInfo info;
  std::map<std::string, Seen> outcomes;
};

// The result recorded for scenario `name` in `file` (a --json file); throws
// InputError naming the file and JSON path of what is wrong, or that no
// result has that name.
Recorded read_recorded(const std::string& file, const std::string& name);

}  // namespace checker::litmus

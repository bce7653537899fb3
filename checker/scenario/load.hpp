// Reading a scenario file: the generic part (name, model, invariants,
// exploration settings, expectation) read and checked here; the
// model-specific part (example parameters, or the page-cache keys) checked by
// the model binding (model.hpp). Errors are InputErrors naming the JSON path.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/scenario/scenario.hpp"

namespace checker {

// Reads and checks a scenario document. `file` names it in errors; throws
// InputError (with the file set).
Scenario parse_scenario(const nlohmann::json& doc, const std::string& file);

// The scenario run against another page-cache variant: the document with
// "model" set to `variant` (and the model's own "expect" left out) read
// again, so that traces embed what ran; its expectation is the one stated for
// `variant`, and its name gets "@<variant>". Throws InputError.
Scenario for_variant(const Scenario& s, const std::string& variant);

// What `interleave check` judges for a scenario: the scenario itself when it
// states no per-variant expectation; otherwise one cell (for_variant) for each
// variant with a stated expectation, the file's model first.
std::vector<Scenario> expectation_cells(const Scenario& s);

// read_json_file + parse_scenario.
Scenario load_scenario(const std::string& file);

}  // namespace checker

// The `exists` conditions of a scenario (checker/invariants/conditions.hpp),
// judged after its search over the outcomes it found: a condition holds when
// some execution makes it true. `forall` and `never` are checked in every
// execution by the scenario's program (checker/scenario/model.cpp).
//
// Why the outcome set: a condition reads exactly what an outcome line prints
// (invariants/conditions.hpp), and the outcome set is what every strategy,
// worker split, shard and checkpoint already keeps sound and whole: dpor and
// stateful are tested to give the outcome set of the plain dfs, and the
// workers' and resumed segments' sets are merged. So "some outcome makes it
// true" is "some execution of the plain search makes it true", for any
// strategy that reaches the plain search's outcomes.
#pragma once

#include <optional>
#include <string_view>

#include "checker/invariants/conditions.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/search/explorer.hpp"

namespace checker {

// An outcome line (models/pagecache/program.hpp, PageCacheProgram::outcome)
// read back into what a condition reads; nothing when it is not one.
std::optional<invariants::ConditionInput> outcome_condition_input(std::string_view line);

// Judges each exists condition of `s` against `r.outcomes`, after the search:
//   - some outcome makes it true: it holds, nothing changes;
//   - a complete search that passed (and kept every outcome) found none: the
//     result becomes a violation of "condition:NAME", a failure of the whole
//     search (Failure::execution 0, no schedule, so no trace);
//   - an incomplete search, or one whose outcomes were truncated: the result
//     is (or stays) inconclusive, its budget line saying that the condition
//     was not found within it; never a pass, never a violation.
// A violation of anything else, or an error, is left as it is.
void judge_exists_conditions(const Scenario& s, ExploreResult& r);

// Whether `s` states an exists condition (judged over a whole search).
bool has_exists_condition(const Scenario& s);

}  // namespace checker

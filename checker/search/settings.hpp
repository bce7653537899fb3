// The strategy and the options a scenario's settings name: what every search
// of a scenario starts from, split or not.
#pragma once

#include <functional>
#include <memory>

#include "checker/search/explorer.hpp"
#include "checker/scenario/scenario.hpp"
#include "models/program.hpp"
#include "sim/strategy.hpp"

namespace checker {

// A new instance of the scenario's program: every worker of a split search
// builds its own.
using ProgramFactory = std::function<std::unique_ptr<models::Program>()>;

// The strategy the settings name ("dfs" or "random" with its seed).
std::unique_ptr<sim::Strategy> make_strategy(const ExploreSettings& s);

// The settings as the search runs them: a random walk with neither budget
// gets kDefaultRandomExecutions executions (it never ends by itself).
ExploreSettings effective_settings(ExploreSettings s);

ExploreOptions explore_options(const ExploreSettings& s);

}  // namespace checker

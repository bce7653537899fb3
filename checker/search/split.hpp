// The ways of splitting one search among worker threads, as the dispatcher
// (parallel.cpp) calls them, each in its own file: split_dpor.cpp (dpor).
// Internal to search/; workers.hpp has what they share.
#pragma once

#include <cstdint>
#include <string>

#include "checker/search/explorer.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker {

namespace split {

// ---------------------------------------------------------------- DPOR: split_dpor.cpp

// dpor with `jobs` workers.
ExploreResult explore_dpor(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                           const ExploreOptions& opts);

}  // namespace split

}  // namespace checker

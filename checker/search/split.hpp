// The ways of splitting one search among worker threads, as the dispatcher
// (parallel.cpp) calls them, each in its own file: split_dpor.cpp (dpor),
// split_indexed.cpp (random, pct). Internal to search/; workers.hpp has what
// they share.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "checker/search/explorer.hpp"
#include "checker/search/settings.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker {

struct PartCount;  // parallel.hpp

namespace split {

// ---------------------------------------------------------------- DPOR: split_dpor.cpp

// dpor with `jobs` workers.
ExploreResult explore_dpor(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                           const ExploreOptions& opts);

// ---------------------------------------------------------------- indexed searches: split_indexed.cpp

// random and pct with `jobs` workers: execution numbers start, start +
// stride, ... (a shard's share; all of them without one), from `from` on (a
// resumed search ran those before); the result counts `executions_before`
// executions before them (auto's DPOR phase). For a shard: each outcome with
// the least execution that gave it, and each execution's counts.
ExploreResult explore_indexed(unsigned jobs, const ProgramFactory& make, const ExploreSettings& settings,
                              const ExploreOptions& opts, std::uint64_t executions_before = 0,
                              std::uint64_t start = 0, std::uint64_t stride = 1,
                              std::map<std::string, std::uint64_t>* outcome_indices = nullptr,
                              std::map<std::uint64_t, PartCount>* counts = nullptr, std::uint64_t from = 0);

}  // namespace split

}  // namespace checker

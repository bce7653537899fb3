// Shared by the checker's tests: two searches that must give the same result
// (one worker against several, a phase of auto against the strategy alone).
#pragma once

#include <doctest/doctest.h>

#include <cstddef>

#include "checker/search/explorer.hpp"

namespace checker::testing {

inline void same_result(const ExploreResult& a, const ExploreResult& b) {
  CHECK(a.status == b.status);
  CHECK(a.executions == b.executions);
  CHECK(a.blocked == b.blocked);
  CHECK(a.steps == b.steps);
  CHECK(a.complete == b.complete);
  CHECK(a.outcomes == b.outcomes);
  CHECK(a.search == b.search);
  CHECK(a.budget == b.budget);
  REQUIRE(a.failures.size() == b.failures.size());
  for (std::size_t i = 0; i < a.failures.size(); ++i) {
    CHECK(a.failures[i].execution == b.failures[i].execution);
    CHECK(a.failures[i].schedule == b.failures[i].schedule);
    CHECK(a.failures[i].search == b.failures[i].search);
    CHECK(same_verdict(a.failures[i].verdict, b.failures[i].verdict));
  }
}

}  // namespace checker::testing

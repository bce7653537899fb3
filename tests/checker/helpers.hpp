// Shared by the checker's tests: explore an example program in-process.
#pragma once

#include <string>

#include "checker/search/explorer.hpp"
#include "checker/strategies/dfs.hpp"
#include "models/examples/examples.hpp"
#include "sim/stack_pool.hpp"

namespace checker::testing {

inline ExploreResult explore_example(const std::string& name,
                                     const models::examples::Params& params = {},
                                     ExploreOptions opts = {}) {
  auto program = models::examples::make_example(name, params);
  DfsStrategy dfs;
  sim::StackPool stacks;
  return explore(*program, dfs, stacks, opts);
}

// The whole search of a program: past every failure, without re-running a
// failing execution, so that outcome sets can be compared across strategies.
inline ExploreResult explore_everything(models::Program& program, sim::Strategy& strategy) {
  sim::StackPool stacks;
  ExploreOptions o;
  o.verify_failure = false;
  o.stop_at_first_failure = false;
  return explore(program, strategy, stacks, o);
}

inline std::uint64_t multinomial(std::initializer_list<unsigned> parts) {
  // (sum k)! / prod(k!), computed as a product of binomials.
  std::uint64_t result = 1;
  unsigned total = 0;
  for (unsigned k : parts) {
    for (unsigned i = 1; i <= k; ++i) {
      ++total;
      result = result * total / i;  // exact: C(total, i) stays an integer at each step
    }
  }
  return result;
}

}  // namespace checker::testing

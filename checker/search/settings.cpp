#include "checker/search/settings.hpp"

#include <stdexcept>

#include "checker/search/interrupt.hpp"
#include "checker/strategies/auto.hpp"
#include "checker/strategies/delay_bounding.hpp"
#include "checker/strategies/dfs.hpp"
#include "checker/strategies/dpor.hpp"
#include "checker/strategies/pct.hpp"
#include "checker/strategies/preemption_bounding.hpp"
#include "checker/strategies/random.hpp"
#include "checker/strategies/stateful.hpp"

namespace checker {

std::unique_ptr<sim::Strategy> make_strategy(const ExploreSettings& s) {
  if (s.strategy == "dfs") return std::make_unique<DfsStrategy>();
  if (s.strategy == "random") return std::make_unique<RandomStrategy>(s.seed);
  if (s.strategy == "dpor") return std::make_unique<DporStrategy>();
  if (s.strategy == "pct") return std::make_unique<PctStrategy>(s.seed, s.pct_depth);
  if (s.strategy == "auto")
    return std::make_unique<AutoStrategy>(s.max_executions, s.time_limit_s, s.seed, s.pct_depth);
  if (s.strategy == "pb") return std::make_unique<PreemptionBounding>(s.bound);
  if (s.strategy == "db") return std::make_unique<DelayBounding>(s.bound);
  if (s.strategy == "stateful") return std::make_unique<StatefulStrategy>(s.max_states);
  throw std::invalid_argument("no strategy named " + s.strategy);
}

ExploreSettings effective_settings(ExploreSettings s) {
  if ((s.strategy == "random" || s.strategy == "pct") && s.max_executions == 0 && s.time_limit_s <= 0)
    s.max_executions = kDefaultRandomExecutions;
  return s;
}

ExploreOptions explore_options(const ExploreSettings& s) {
  ExploreOptions o;
  o.max_executions = s.max_executions;
  o.time_limit_s = s.time_limit_s;
  o.max_steps = s.max_steps;
  o.stop = &interrupt_flag();  // SIGINT, SIGTERM (when the CLI installed its handlers)
  return o;
}

}  // namespace checker

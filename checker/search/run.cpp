#include "checker/search/run.hpp"

#include <utility>

#include "checker/io/input_error.hpp"
#include "checker/search/conditions.hpp"
#include "checker/search/parallel.hpp"
#include "checker/search/settings.hpp"
#include "checker/search/shard.hpp"
#include "checker/scenario/model.hpp"

namespace checker {

ExploreResult run_scenario(const Scenario& s, const ExploreSettings& settings,
                           std::function<void(const Progress&)> progress) {
  ExploreOptions opts = explore_options(settings);
  opts.progress = std::move(progress);
  const unsigned jobs = settings.jobs == 0 ? default_jobs() : settings.jobs;
  ExploreResult r = explore_parallel([&s] { return make_program(s); }, settings, opts, jobs);
  judge_exists_conditions(s, r);
  return r;
}

ShardResult run_scenario_shard(const Scenario& s, const ExploreSettings& settings, ShardSpec shard,
                               std::function<void(const Progress&)> progress) {
  ExploreOptions opts = explore_options(settings);
  opts.progress = std::move(progress);
  const unsigned jobs = settings.jobs == 0 ? default_jobs() : settings.jobs;
  // A shard sees part of the outcomes: it can neither refute an exists
  // condition nor, in `merge`, be judged with the others (yet).
  for (const invariants::Condition& c : s.conditions)
    if (c.quantifier == invariants::Condition::Quantifier::exists) {
      InputError e(c.path, "an exists condition is judged over the whole search, and a shard runs part of it",
                   "run the scenario without --shard, or state the condition as forall or never");
      e.set_file(s.file);
      throw e;
    }
  return explore_shard([&s] { return make_program(s); }, settings, opts, jobs, shard);
}

}  // namespace checker

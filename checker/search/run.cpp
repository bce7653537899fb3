#include "checker/search/run.hpp"

#include <utility>

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
  // A shard sees part of the outcomes: it can neither show nor refute an
  // exists condition, so it does not judge one; `interleave merge` does, over
  // the outcomes of all the shards (checker/cli/merge_command.cpp).
  return explore_shard([&s] { return make_program(s); }, settings, opts, jobs, shard);
}

}  // namespace checker

#include "checker/scenario/model.hpp"

#include <algorithm>

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"

#include <stdexcept>

#include "checker/invariants/error_reporting.hpp"
#include "checker/invariants/lost_data.hpp"
#include "checker/invariants/torn_read.hpp"
#include "checker/invariants/uptodate_lost.hpp"
#include "checker/scenario/pagecache_json.hpp"
#include "models/pagecache/variants.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

using nlohmann::json;
namespace jr = json_read;

namespace {

const std::vector<std::string> kPagecacheKeys = {"filesystem", "geometry", "file", "memory",
                                                 "threads",    "agents",   "faults"};

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const ModelInfo& m : list_models()) names.push_back(m.name);
  return names;
}

[[noreturn]] void unknown_model(const Scenario& s) {
  const std::vector<std::string> names = model_names();
  const std::string near = jr::did_you_mean(s.model, names);
  jr::bad("/model", s.json.at("model"), jr::one_of(names),
          near.empty() ? kKnownModelsHint : near);
}

void bind_example(Scenario& s) {
  const models::examples::ExampleInfo* info = models::examples::find_example(s.example_name());
  if (!info) unknown_model(s);
  for (const std::string& key : kPagecacheKeys)
    if (s.json.contains(key))
      jr::bad("/" + key, s.json.at(key), "no page-cache key with an example model",
              "\"" + key + "\" describes a page-cache scenario; example programs take \"params\"");
  const json* params = jr::find(s.json, "params");
  if (params == nullptr) return;
  jr::as_object(*params, "/params", "an object of integer parameters");
  std::vector<std::string> names;
  for (const auto& p : info->params) names.push_back(p.name);
  for (auto p = params->begin(); p != params->end(); ++p) {
    std::string path = jr::child("/params", p.key());
    auto spec = std::find_if(info->params.begin(), info->params.end(),
                             [&](const auto& ps) { return ps.name == p.key(); });
    if (spec == info->params.end())
      jr::fail(path,
               "found an unknown parameter " + jr::quote(p.key()) + ", expected " +
                   (names.empty() ? "none: " + s.model + " takes no parameters" : jr::one_of(names)),
               jr::did_you_mean(p.key(), names));
    s.example_params[p.key()] = jr::as_int(p.value(), path, spec->min, spec->max);
  }
}


bool is_variant(const std::string& name) { return models::pagecache::find_variant(name) != nullptr; }

bool wants(const Scenario& s, const char* invariant) {
  // No list: every page-cache invariant. The engine's (deadlock, livelock,
  // kernel-bug) are always checked: an execution cannot go on past them.
  return s.invariants.empty() ||
         std::find(s.invariants.begin(), s.invariants.end(), invariant) != s.invariants.end();
}

// The end-of-run invariants a scenario asks for.
struct EndChecks {
  bool torn_read = true, stale_error = true, lost_error = true, lost_data = true;
};

// A page-cache model with the scenario's invariants: uptodate-lost after
// every step; torn-read, stale-error, lost-error and lost-data over the
// observation at the end (stale-error before lost-data: a read that failed
// is told as the error it is, not as missing bytes).
class CheckedPagecache final : public models::Program {
 public:
  CheckedPagecache(std::unique_ptr<models::pagecache::PageCacheProgram> p, EndChecks checks,
                   std::vector<invariants::Condition> conditions)
      : p_(std::move(p)), checks_(checks), conditions_(std::move(conditions)) {}
  void setup(sim::Execution& ex) override { p_->setup(ex); }
  sim::Verdict check_end(sim::Execution& ex) override {
    sim::Verdict v = p_->check_end(ex);
    if (v.failed()) return v;
    invariants::CheckOptions o;
    o.config = &p_->config();
    if (checks_.torn_read)
      if (auto bad = invariants::check_torn_read(p_->observation(), o)) return *bad;
    if (checks_.stale_error)
      if (auto bad = invariants::check_stale_error(p_->observation(), o)) return *bad;
    if (checks_.lost_error)
      if (auto bad = invariants::check_lost_error(p_->observation(), o)) return *bad;
    if (checks_.lost_data)
      if (auto bad = invariants::check_lost_data(p_->observation(), o)) return *bad;
    // forall / never (exists is judged over the whole search's outcomes).
    if (auto bad = invariants::check_conditions(conditions_, p_->observation())) return *bad;
    return v;
  }
  std::string outcome() const override { return p_->outcome(); }

 private:
  std::unique_ptr<models::pagecache::PageCacheProgram> p_;
  EndChecks checks_;
  std::vector<invariants::Condition> conditions_;
};

void bind_pagecache(Scenario& s) {
  // The loader refuses "params", an example program's key, before any other.
  s.pagecache = pagecache_config_from_json(s.json);
  try {
    models::pagecache::validate(*s.pagecache);
  } catch (const std::invalid_argument& e) {
    throw InputError("", std::string("found a scenario the model cannot hold, expected one it can: ") +
                             e.what());
  }
}


}  // namespace

std::vector<ModelInfo> list_models() {
  std::vector<ModelInfo> out;
  for (const auto& e : models::examples::examples()) {
    ModelInfo m{"example:" + e.name, e.description, {}};
    for (const auto& p : e.params)
      m.params += (m.params.empty() ? "" : ", ") + p.name + "=" + std::to_string(p.def) + " (" +
                  std::to_string(p.min) + ".." + std::to_string(p.max) + ")";
    out.push_back(std::move(m));
  }
  for (const auto& v : models::pagecache::variants())
    out.push_back({v.name, v.plugin.empty() ? v.description : v.description + " (plugin " + v.plugin + ")", {}});
  return out;
}

void bind_model(Scenario& s) {
  if (s.is_example()) {
    bind_example(s);
    return;
  }
  if (is_variant(s.model)) {
    bind_pagecache(s);
    return;
  }
  unknown_model(s);
}

std::unique_ptr<models::Program> make_program(const Scenario& s) {
  if (s.is_example()) return models::examples::make_example(s.example_name(), s.example_params);
  if (s.pagecache) {
    auto p = models::pagecache::make_program(*s.pagecache);
    if (wants(s, "uptodate-lost")) p->add_step_check(invariants::uptodate_lost_check);
    return std::make_unique<CheckedPagecache>(
        std::move(p),
        EndChecks{wants(s, "torn-read"), wants(s, "stale-error"), wants(s, "lost-error"), wants(s, "lost-data")},
        s.conditions);
  }
  throw InputError("/model", "found " + json(s.model).dump() + ", expected a model built into this binary");
}

std::vector<std::string> program_threads(const Scenario& s) {
  std::unique_ptr<models::Program> program = make_program(s);
  sim::StackPool stacks;
  sim::Execution ex(stacks);
  program->setup(ex);
  std::vector<std::string> names;
  for (sim::ThreadId t = 0; t < ex.thread_count(); ++t) names.push_back(ex.thread_name(t));
  return names;
}

}  // namespace checker

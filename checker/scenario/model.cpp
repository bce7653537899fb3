#include "checker/scenario/model.hpp"

#include <algorithm>

#include "checker/input_error.hpp"
#include "checker/json_read.hpp"

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
  std::vector<std::string> names = model_names();
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  std::string near = jr::closest(s.model, names);
  std::string hint = near.empty() ? "`interleave models` lists them"
                                  : "did you mean \"" + near + "\"?";
  if (!s.is_example() && !pagecache_built_in())
    hint += " (the page-cache models are not built into this binary)";
  jr::bad("/model", s.json.at("model"), "one of: " + list, hint);
}

void bind_example(Scenario& s) {
  const models::examples::ExampleInfo* info = models::examples::find_example(s.example_name());
  if (!info) unknown_model(s);
  for (const std::string& key : kPagecacheKeys)
    if (s.json.contains(key))
      jr::bad("/" + key, s.json.at(key), "no page-cache key with an example model",
              "\"" + key + "\" describes a page-cache scenario; example programs take \"params\"");
  auto it = s.json.find("params");
  if (it == s.json.end()) return;
  if (!it->is_object()) jr::bad("/params", *it, "an object of integer parameters");
  std::vector<std::string> names;
  for (const auto& p : info->params) names.push_back(p.name);
  for (auto p = it->begin(); p != it->end(); ++p) {
    std::string path = jr::child("/params", p.key());
    auto spec = std::find_if(info->params.begin(), info->params.end(),
                             [&](const auto& ps) { return ps.name == p.key(); });
    if (spec == info->params.end()) {
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      std::string near = jr::closest(p.key(), names);
      throw InputError(path,
                       "found an unknown parameter " + json(p.key()).dump() + ", expected " +
                           (names.empty() ? "none: " + s.model + " takes no parameters"
                                          : "one of: " + list),
                       near.empty() ? std::string() : "did you mean \"" + near + "\"?");
    }
    s.example_params[p.key()] = jr::as_int(p.value(), path, spec->min, spec->max);
  }
}

}  // namespace

bool pagecache_built_in() {
#ifdef INTERLEAVE_WITH_PAGECACHE
  return true;
#else
  return false;
#endif
}

std::vector<ModelInfo> list_models() {
  std::vector<ModelInfo> out;
  for (const auto& e : models::examples::examples()) {
    ModelInfo m{"example:" + e.name, e.description, {}};
    for (const auto& p : e.params)
      m.params += (m.params.empty() ? "" : ", ") + p.name + "=" + std::to_string(p.def) + " (" +
                  std::to_string(p.min) + ".." + std::to_string(p.max) + ")";
    out.push_back(std::move(m));
  }
  return out;
}

void bind_model(Scenario& s) {
  if (s.is_example()) {
    bind_example(s);
    return;
  }
  unknown_model(s);
}

std::unique_ptr<models::Program> make_program(const Scenario& s) {
  if (s.is_example()) return models::examples::make_example(s.example_name(), s.example_params);
  throw InputError("/model", "found " + json(s.model).dump() + ", expected a model built into this binary");
}

}  // namespace checker

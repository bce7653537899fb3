#include "checker/scenario/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/invariants/conditions.hpp"
#include "checker/scenario/conditions_parse.hpp"
#include "checker/scenario/model.hpp"
#include "models/pagecache/variants.hpp"

namespace checker {

using nlohmann::json;
namespace jr = json_read;

namespace {

using jr::one_of;

ExploreSettings parse_explore(const json& j, const std::string& path) {
  jr::Object o(j, path,
               {"strategy", "max_executions", "time_limit_s", "max_steps", "seed", "bound", "pct_depth",
                "max_states"});
  ExploreSettings e;
  if (const json* st = o.find("strategy")) {
    std::vector<std::string> strategies;
    for (const StrategyInfo& s : known_strategies()) strategies.push_back(s.name);
    // A string first: anything else is "expected a string" here, not a list of names.
    e.strategy = jr::as_string(*st, o.path("strategy"));
    jr::as_enum(*st, o.path("strategy"), strategies);
  }
  if (o.find("bound")) e.bound = static_cast<std::uint32_t>(o.uint("bound", 0, 0, 1000));
  e.pct_depth = static_cast<std::uint32_t>(o.uint("pct_depth", e.pct_depth, 1, 100));
  e.max_states = o.uint("max_states", e.max_states, 1);
  e.max_executions = o.uint("max_executions", e.max_executions);
  e.time_limit_s = o.number("time_limit_s", e.time_limit_s, 0, 1e9);
  e.max_steps = o.uint("max_steps", e.max_steps, 1);
  e.seed = o.uint("seed", e.seed);
  return e;
}

Expectation parse_expect(const json& j, const std::string& path) {
  jr::Object o(j, path, {"verdict", "invariant", "outcomes"});
  Expectation e;
  const std::vector<std::string> verdicts = {"pass", "violation", "inconclusive"};
  e.path = path;
  e.verdict = jr::as_string(o.require("verdict", one_of(verdicts)), o.path("verdict"));
  if (std::find(verdicts.begin(), verdicts.end(), e.verdict) == verdicts.end())
    jr::bad(o.path("verdict"), *o.find("verdict"), one_of(verdicts));
  if (const json* inv = o.find("invariant")) {
    if (e.verdict != "violation")
      jr::bad(o.path("invariant"), *inv, "no invariant with verdict " + json(e.verdict).dump(),
              "an invariant names what a violation breaks; remove it or expect \"violation\"");
    e.invariant = jr::as_string(*inv, o.path("invariant"));
    // "condition:NAME" is checked against /conditions once they are read.
    if (!invariants::is_condition_invariant(e.invariant)) jr::as_enum(*inv, o.path("invariant"), known_invariants());
  }
  if (const json* out = o.find("outcomes")) {
    if (e.verdict != "pass")
      jr::bad(o.path("outcomes"), *out, "no outcomes with verdict " + json(e.verdict).dump(),
              "outcome sets are compared only for a complete search that passes");
    jr::as_array(*out, o.path("outcomes"), "strings");
    std::vector<std::string> v;
    for (std::size_t i = 0; i < out->size(); ++i)
      v.push_back(jr::as_string((*out)[i], jr::child(o.path("outcomes"), i)));
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    e.outcomes = std::move(v);
  }
  return e;
}

std::vector<std::string> variant_names() {
  std::vector<std::string> names;
  for (const auto& v : models::pagecache::variants()) names.push_back(v.name);
  return names;
}

// A page-cache variant's name at `path`, or an error naming the known ones.
std::string variant_name(const json& j, const std::string& path) {
  std::string name = jr::as_string(j, path);
  const std::vector<std::string> known = variant_names();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    std::string near = jr::did_you_mean(name, known);
    jr::bad(path, j, "a page-cache variant: " + one_of(known),
            near.empty() ? kKnownModelsHint : near);
  }
  return name;
}

// "variants", "expect_by_variant" and "explore_by_variant" (docs/scenario-format.md).
void parse_variant_keys(const json& doc, Scenario& s) {
  const json* vs = jr::find(doc, "variants");
  const json* by = jr::find(doc, "expect_by_variant");
  const json* ex = jr::find(doc, "explore_by_variant");
  if ((vs || by || ex) && s.is_example()) {
    const char* key = vs ? "/variants" : by ? "/expect_by_variant" : "/explore_by_variant";
    jr::bad(key, vs ? *vs : by ? *by : *ex, "no variants with an example model",
            "variants and per-variant expectations and settings are for page-cache scenarios");
  }
  if (vs) {
    jr::as_array(*vs, "/variants", "page-cache variant names");
    for (std::size_t i = 0; i < vs->size(); ++i) {
      const std::string path = jr::child("/variants", i);
      std::string name = variant_name((*vs)[i], path);
      if (std::find(s.variants.begin(), s.variants.end(), name) != s.variants.end())
        jr::bad(path, (*vs)[i], "each variant once");
      s.variants.push_back(std::move(name));
    }
    if (std::find(s.variants.begin(), s.variants.end(), s.model) == s.variants.end())
      jr::bad("/variants", *vs, "a list that includes the scenario's model " + json(s.model).dump(),
              "\"model\" is the variant `interleave run` uses; list it among the variants");
  }
  if (by) {
    jr::as_object(*by, "/expect_by_variant", "an object: variant name -> expectation");
    for (auto it = by->begin(); it != by->end(); ++it) {
      const std::string path = jr::child("/expect_by_variant", it.key());
      const std::string name = variant_name(json(it.key()), path);
      if (!s.variants.empty() && std::find(s.variants.begin(), s.variants.end(), name) == s.variants.end())
        jr::bad(path, json(it.key()), "a variant listed in /variants",
                "add " + json(name).dump() + " to \"variants\", or leave the expectation out");
      if (name == s.model && doc.contains("expect"))
        jr::bad(path, it.value(), "one expectation for the scenario's model " + json(s.model).dump(),
                "it already has one in \"expect\"; keep only one of them");
      s.expect_by_variant.emplace_back(name, parse_expect(it.value(), path));
    }
  }
  // In the order `interleave models` lists the variants (JSON objects have none).
  const std::vector<std::string> order = variant_names();
  auto rank = [&order](const std::string& v) { return std::find(order.begin(), order.end(), v) - order.begin(); };
  std::stable_sort(s.expect_by_variant.begin(), s.expect_by_variant.end(),
                   [&rank](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
  if (!s.expect)
    for (const auto& [name, e] : s.expect_by_variant)
      if (name == s.model) s.expect = e;
  if (ex) {
    jr::as_object(*ex, "/explore_by_variant", "an object: variant name -> explore settings");
    for (auto it = ex->begin(); it != ex->end(); ++it) {
      const std::string path = jr::child("/explore_by_variant", it.key());
      const std::string name = variant_name(json(it.key()), path);
      if (!s.variants.empty() && std::find(s.variants.begin(), s.variants.end(), name) == s.variants.end())
        jr::bad(path, json(it.key()), "a variant listed in /variants");
      parse_explore(it.value(), path);  // checks it alone, with its own paths
      if (name != s.model) continue;
      // The model's own settings: "explore", with these keys replaced.
      json merged = doc.contains("explore") ? doc.at("explore") : json::object();
      for (auto k = it.value().begin(); k != it.value().end(); ++k) merged[k.key()] = k.value();
      s.explore = parse_explore(merged, "/explore");
    }
  }
}

// "conditions", after the model binding (their terms name the threads), and
// the expectations that name one.
void read_scenario_conditions(const json& doc, Scenario& s) {
  if (const json* c = jr::find(doc, "conditions")) {
    if (!s.pagecache)
      jr::bad("/conditions", *c, "no conditions with an example model",
              "conditions read what the threads of a page-cache scenario observe");
    s.conditions = read_conditions(doc, *s.pagecache);
  }
  std::vector<const Expectation*> expectations;
  if (s.expect) expectations.push_back(&*s.expect);
  for (const auto& entry : s.expect_by_variant) expectations.push_back(&entry.second);
  for (const Expectation* e : expectations)
    if (invariants::is_condition_invariant(e->invariant) && !names_condition(s, e->invariant)) {
      std::vector<std::string> names;
      for (const invariants::Condition& c : s.conditions) names.push_back(invariants::condition_invariant(c.name));
      jr::bad(jr::child(e->path, "invariant"), json(e->invariant),
              names.empty() ? "an invariant; this scenario states no conditions" : "a condition's invariant: " + one_of(names),
              jr::did_you_mean(e->invariant, names));
    }
}

}  // namespace

Scenario for_variant(const Scenario& s, const std::string& variant) {
  Scenario t;
  if (variant == s.model) {
    t = s;
  } else {
    json doc = s.json;
    doc["model"] = variant;
    doc.erase("expect");  // the model's own expectation
    t = parse_scenario(doc, s.file);
  }
  t.name = s.name + "@" + variant;
  return t;
}

std::vector<Scenario> expectation_cells(const Scenario& s) {
  if (s.expect_by_variant.empty()) return {s};
  std::vector<Scenario> cells;
  if (s.expect) cells.push_back(for_variant(s, s.model));
  for (const auto& [name, e] : s.expect_by_variant)
    if (name != s.model) cells.push_back(for_variant(s, name));
  return cells;
}

Scenario parse_scenario(const json& doc, const std::string& file) {
  try {
    jr::Object o(doc, "", "a scenario (a JSON object)", "",
                 {"$schema", "name", "description", "model", "invariants", "explore", "expect",
                  "params", "filesystem", "geometry", "file", "memory", "threads", "agents",
                  "faults", "variants", "expect_by_variant", "explore_by_variant", "conditions"});
    Scenario s;
    s.file = file;
    s.json = doc;
    s.name = o.string("name", file.empty() ? std::string("scenario")
                                           : std::filesystem::path(file).stem().string());
    // The name becomes a file name (NAME.trace.json), which a file system
    // keeps to 255 bytes.
    if (o.has("name") && (s.name.empty() || s.name.size() > 128))
      jr::bad("/name", *o.find("name"), "a name of 1 to 128 characters");
    // Never read, but kept in every trace: a string, as JSON Schema says.
    if (const json* schema = o.find("$schema")) jr::as_string(*schema, "/$schema");
    s.description = o.string("description", "");
    const std::string model_form = "a string: a model name (see `interleave models`)";
    s.model = jr::as_string(o.require("model", model_form), "/model", model_form);
    if (const json* inv = o.find("invariants")) {
      jr::as_array(*inv, "/invariants", "invariant names");
      const auto& known = known_invariants();
      for (std::size_t i = 0; i < inv->size(); ++i) {
        std::string path = jr::child("/invariants", i);
        std::string name = jr::as_string((*inv)[i], path);
        jr::as_enum((*inv)[i], path, known);
        if (std::find(s.invariants.begin(), s.invariants.end(), name) == s.invariants.end())
          s.invariants.push_back(name);
      }
    }
    if (const json* e = o.find("explore")) s.explore = parse_explore(*e, "/explore");
    if (const json* e = o.find("expect")) s.expect = parse_expect(*e, "/expect");
    parse_variant_keys(doc, s);
    bind_model(s);
    read_scenario_conditions(doc, s);
    return s;
  } catch (InputError& e) {
    if (e.file().empty()) e.set_file(file);
    throw;
  }
}

Scenario load_scenario(const std::string& file) { return parse_scenario(read_json_file(file), file); }

}  // namespace checker

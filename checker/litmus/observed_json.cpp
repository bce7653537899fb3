#include "checker/litmus/observed_json.hpp"

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"

namespace checker::litmus {

namespace jr = json_read;
using nlohmann::json;

json result_json(const RunInfo& info, const Comparison& c) {
  json outcomes = json::array();
  for (const Row& r : c.rows)
    outcomes.push_back(
        {{"outcome", r.outcome}, {"allowed", r.allowed}, {"refined", r.refined}, {"count", r.count},
         {"first_iteration", r.first_iteration}});
  return {{"scenario", info.scenario},
          {"file", info.file},
          {"variant", info.variant},
          {"variant_from", info.variant_from},
          {"kernel", info.kernel},
          {"iterations", info.iterations},
          {"seconds", info.seconds},
          {"real_page", info.real_page},
          {"slice", info.slice},
          {"interrupted", info.interrupted != 0},
          {"verdict", !c.sound() ? "not-allowed" : info.interrupted ? "interrupted" : "allowed"},
          {"outcomes", outcomes}};
}

json results_json(const std::vector<json>& results) {
  return {{"format", kLitmusFormat}, {"version", kLitmusVersion}, {"results", results}};
}

Recorded read_recorded(const std::string& file, const std::string& name) {
  const json doc = read_json_file(file);
  try {
    jr::as_object(doc, "", "a litmus report (a JSON object)");
    const json& format = jr::require(doc, "", "format", "\"" + std::string(kLitmusFormat) + "\"");
    if (jr::as_string(format, "/format") != kLitmusFormat)
      throw InputError("/format", "found " + jr::found(format) + ", expected \"" + kLitmusFormat + "\"");
    jr::as_uint(jr::require(doc, "", "version", "1"), "/version", kLitmusVersion, kLitmusVersion);
    const json& results = jr::as_array(jr::require(doc, "", "results", "an array"), "/results", "results");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < results.size(); ++i) {
      const std::string at = jr::child("/results", i);
      jr::as_object(results[i], at, "a result (a JSON object)");
      const std::string scenario = jr::as_string(jr::require(results[i], at, "scenario", "a string"),
                                                 jr::child(at, "scenario"));
      names.push_back(scenario);
      if (scenario != name) continue;
      Recorded r;
      r.info.scenario = scenario;
      r.info.variant = jr::as_string(jr::require(results[i], at, "variant", "a string"), jr::child(at, "variant"));
      if (const json* k = jr::find(results[i], "kernel")) r.info.kernel = jr::as_string(*k, jr::child(at, "kernel"));
      const std::string list = jr::child(at, "outcomes");
      const json& outcomes = jr::as_array(jr::require(results[i], at, "outcomes", "an array"), list, "outcomes");
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const std::string o = jr::child(list, k);
        jr::as_object(outcomes[k], o, "an outcome (a JSON object)");
        const std::string line = jr::as_string(jr::require(outcomes[k], o, "outcome", "a string"), jr::child(o, "outcome"));
        Seen s;
        s.count = jr::as_uint(jr::require(outcomes[k], o, "count", "a whole number"), jr::child(o, "count"));
        if (const json* f = jr::find(outcomes[k], "first_iteration"))
          s.first_iteration = jr::as_uint(*f, jr::child(o, "first_iteration"));
        if (s.count == 0) continue;
        if (r.outcomes.count(line))
          throw InputError(jr::child(o, "outcome"), "found an outcome listed twice, expected each once");
        r.outcomes[line] = s;
        r.info.iterations += s.count;
      }
      return r;
    }
    throw InputError("/results", "found no result for scenario \"" + name + "\", expected one",
                     names.empty() ? "" : "it has results for: " + [&] {
                       std::string l;
                       for (const std::string& n : names) l += (l.empty() ? "" : ", ") + n;
                       return l;
                     }());
  } catch (InputError& e) {
    e.set_file(file);
    throw;
  }
}

}  // namespace checker::litmus

#include "checker/io/schedule_json.hpp"

#include "checker/io/json_read.hpp"

namespace checker {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace jr = json_read;

ojson to_json(const sim::Schedule& s) {
  ojson a = ojson::array();
  for (const sim::Decision& d : s) {
    if (d.kind == sim::Decision::Kind::thread)
      a.push_back({{"thread", d.value}});
    else
      a.push_back({{"value", d.value}, {"range", d.range}});
  }
  return a;
}

sim::Schedule schedule_from(const json& j, const std::string& path, std::uint32_t max_thread) {
  const json& schedule = jr::as_array(j, path, "decisions");
  sim::Schedule s;
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    const std::string at = jr::child(path, i);
    const json& d = schedule[i];
    if (d.is_object() && d.contains("thread")) {
      jr::Object dob(d, at, {"thread"});
      s.push_back(sim::Decision::thread(
          static_cast<sim::ThreadId>(jr::as_uint(d.at("thread"), dob.path("thread"), 0, max_thread))));
    } else if (d.is_object() && d.contains("value")) {
      jr::Object dob(d, at, {"value", "range"});
      auto range = static_cast<std::uint32_t>(dob.uint("range", 0, 2, UINT32_MAX - 1));
      if (!dob.has("range")) jr::missing(dob.path("range"), "the number of values (>= 2)");
      auto value = static_cast<std::uint32_t>(jr::as_uint(d.at("value"), dob.path("value"), 0, range - 1));
      s.push_back(sim::Decision::choice(value, range));
    } else {
      jr::bad(at, d, "a decision: {\"thread\": id} or {\"value\": v, \"range\": n}");
    }
  }
  return s;
}

}  // namespace checker

#include "checker/json_read.hpp"

#include <algorithm>
#include <cmath>

namespace checker::json_read {

std::string found(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return Json(s).dump();
    }
    case Json::value_t::binary: return "binary data";
    case Json::value_t::discarded: return "nothing";
    default: return v.dump();  // numbers
  }
}

std::string child(std::string_view pointer, std::string_view key) {
  std::string out(pointer);
  out += '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string child(std::string_view pointer, std::size_t index) {
  return std::string(pointer) + "/" + std::to_string(index);
}

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of neighbours ("modle" is one edit from "model").
static std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t v = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1,
                                d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = v;
    }
  return d[a.size() * w + b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = SIZE_MAX;
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  // Close enough to be a typo: at most a third of the word, at least one edit.
  std::size_t limit = std::max<std::size_t>(1, std::max(word.size(), best.size()) / 3);
  return best_d <= limit ? best : std::string();
}

void bad(const std::string& path, const Json& value, const std::string& expected,
         std::string hint) {
  throw InputError(path, "found " + found(value) + ", expected " + expected, std::move(hint));
}

void missing(const std::string& path, const std::string& expected, std::string hint) {
  throw InputError(path, "found nothing, expected " + expected, std::move(hint));
}

Object::Object(const Json& j, std::string path, std::initializer_list<std::string_view> allowed)
    : j_(j), path_(std::move(path)) {
  if (!j_.is_object()) bad(path_, j_, "an object");
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    const std::string& key = it.key();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    std::string near = closest(key, names);
    throw InputError(child(path_, key), "found an unknown key " + Json(key).dump() +
                                            ", expected one of: " + list,
                     near.empty() ? std::string() : "did you mean \"" + near + "\"?");
  }
}

bool Object::has(std::string_view key) const { return find(key) != nullptr; }

const Json* Object::find(std::string_view key) const {
  auto it = j_.find(key);
  return it == j_.end() ? nullptr : &*it;
}

const Json& Object::require(std::string_view key, const std::string& expected) const {
  const Json* v = find(key);
  if (!v) missing(path(key), expected);
  return *v;
}

std::string Object::string(std::string_view key, std::string def) const {
  const Json* v = find(key);
  return v ? as_string(*v, path(key)) : def;
}

std::string Object::required_string(std::string_view key) const {
  return as_string(require(key, "a string"), path(key));
}

std::uint64_t Object::uint(std::string_view key, std::uint64_t def, std::uint64_t min,
                           std::uint64_t max) const {
  const Json* v = find(key);
  return v ? as_uint(*v, path(key), min, max) : def;
}

double Object::number(std::string_view key, double def, double min, double max) const {
  const Json* v = find(key);
  if (!v) return def;
  if (!v->is_number()) bad(path(key), *v, "a number");
  double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max)
    bad(path(key), *v, "a number from " + Json(min).dump() + " to " + Json(max).dump());
  return d;
}

bool Object::boolean(std::string_view key, bool def) const {
  const Json* v = find(key);
  if (!v) return def;
  if (!v->is_boolean()) bad(path(key), *v, "true or false");
  return v->get<bool>();
}

std::string as_string(const Json& v, const std::string& path) {
  if (!v.is_string()) bad(path, v, "a string");
  return v.get<std::string>();
}

std::uint64_t as_uint(const Json& v, const std::string& path, std::uint64_t min,
                      std::uint64_t max) {
  std::string range = max == UINT64_MAX ? "an integer >= " + std::to_string(min)
                                        : "an integer from " + std::to_string(min) + " to " +
                                              std::to_string(max);
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() &&
                                  v.get<std::int64_t>() < 0))
    bad(path, v, range);
  std::uint64_t u = v.get<std::uint64_t>();
  if (u < min || u > max) bad(path, v, range);
  return u;
}

std::int64_t as_int(const Json& v, const std::string& path, std::int64_t min, std::int64_t max) {
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!v.is_number_integer()) bad(path, v, range);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    bad(path, v, range);
  std::int64_t i = v.get<std::int64_t>();
  if (i < min || i > max) bad(path, v, range);
  return i;
}

const Json& as_array(const Json& v, const std::string& path, const std::string& of) {
  if (!v.is_array()) bad(path, v, "an array of " + of);
  return v;
}

}  // namespace checker::json_read

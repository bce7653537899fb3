// Reading JSON input (scenarios, traces) with errors that name the JSON path
// of the bad field, what was found there and what was expected there:
//   at /explore/max_executions: found "ten", expected an unsigned integer
// Every reader here throws checker::InputError; the CLI adds the file name.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/input_error.hpp"

namespace checker::json_read {

using Json = nlohmann::json;

// How a value reads after "found": `"wrte"`, `3`, `true`, `an object`, `an array`.
std::string found(const Json& v);
// Appends one reference token to a JSON pointer, escaping '~' and '/'.
std::string child(std::string_view pointer, std::string_view key);
std::string child(std::string_view pointer, std::size_t index);
// The closest of `candidates` to `word` (edit distance), or "" when none is close.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

[[noreturn]] void bad(const std::string& path, const Json& value, const std::string& expected,
                      std::string hint = {});
[[noreturn]] void missing(const std::string& path, const std::string& expected,
                          std::string hint = {});

// One JSON object being read: checks at construction that it is an object
// and that it has no key outside `allowed` (an unknown key is an error with a
// "did you mean" hint); then typed getters, each naming its path on error.
class Object {
 public:
  Object(const Json& j, std::string path, std::initializer_list<std::string_view> allowed);

  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return child(path_, key); }
  const Json& json() const { return j_; }
  bool has(std::string_view key) const;
  const Json* find(std::string_view key) const;
  const Json& require(std::string_view key, const std::string& expected) const;

  std::string string(std::string_view key, std::string def) const;
  std::string required_string(std::string_view key) const;
  std::uint64_t uint(std::string_view key, std::uint64_t def, std::uint64_t min = 0,
                     std::uint64_t max = UINT64_MAX) const;
  double number(std::string_view key, double def, double min, double max) const;
  bool boolean(std::string_view key, bool def) const;

 private:
  const Json& j_;
  std::string path_;
};

// Checked conversions of one value, for arrays and nested uses.
std::string as_string(const Json& v, const std::string& path);
std::uint64_t as_uint(const Json& v, const std::string& path, std::uint64_t min = 0,
                      std::uint64_t max = UINT64_MAX);
std::int64_t as_int(const Json& v, const std::string& path, std::int64_t min, std::int64_t max);
const Json& as_array(const Json& v, const std::string& path, const std::string& of);

}  // namespace checker::json_read

// The engine's built-in example programs: small generic programs on the sim
// primitives (no pages), for tests, the benchmark and first steps with the
// CLI (`"model": "example:<name>"` in a scenario file). Each is registered by
// name with its integer parameters; `interleave models` lists them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/program.hpp"

namespace models::examples {

struct ParamSpec {
  std::string name;
  std::string description;
  std::int64_t def = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
};

// Parameter values by name; a missing one takes its default.
using Params = std::map<std::string, std::int64_t, std::less<>>;

struct ExampleInfo {
  std::string name;         // "lost-update"
  std::string description;  // one line
  std::vector<ParamSpec> params;
};

// The value of parameter `name` for an example built with `given`: the given
// one, or the parameter's default; a name the example does not declare is a
// bug in the example (std::logic_error).
std::int64_t param(const ExampleInfo& info, const Params& given, std::string_view name);

// Every example, in the order `interleave models` lists them.
const std::vector<ExampleInfo>& examples();
const ExampleInfo* find_example(std::string_view name);

// Builds the named example; parameters outside their range, unknown names and
// unknown parameters throw std::invalid_argument (the scenario loader checks
// them first, with JSON paths).
std::unique_ptr<Program> make_example(std::string_view name, const Params& params = {});

}  // namespace models::examples

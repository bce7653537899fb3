// The page-cache keys of a scenario file, read into a models::pagecache::Config
// (DESIGN.md section 5; the format is documented in docs/scenario-format.md and
// described by scenarios/schema.json). Everything is validated before it is
// filled: bad input throws checker::InputError naming the JSON pointer of the
// bad field, what was found there and what was expected.
#pragma once

#include <nlohmann/json.hpp>

#include "checker/io/input_error.hpp"
#include "checker/scenario/byte_string.hpp"       // the notation of the byte keys
#include "checker/scenario/pagecache_limits.hpp"  // the limits the messages name
#include "models/pagecache/config.hpp"

namespace checker {

// Reads the page-cache keys of `scenario` (a whole scenario object): `model`,
// `filesystem`, `geometry`, `file`, `memory`, `threads`, `agents`, `faults`.
// The keys the generic loader owns (`name`, `description`, `invariants`,
// `explore`, `expect`, and `$schema`) are skipped; any other key is an error.
// `model` is copied to Config::variant unchecked: the generic loader checks
// that such a variant exists.
models::pagecache::Config pagecache_config_from_json(const nlohmann::json& scenario);

}  // namespace checker

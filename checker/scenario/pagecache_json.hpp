// The page-cache keys of a scenario file, read into a models::pagecache::Config
// (DESIGN.md section 5; the format is documented in docs/scenario-format.md and
// described by scenarios/schema.json). Everything is validated before it is
// filled: bad input throws checker::InputError naming the JSON pointer of the
// bad field, what was found there and what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "checker/io/input_error.hpp"
#include "models/pagecache/config.hpp"

namespace checker {

// Sane limits, so that every scenario the loader accepts is one the model and
// the explorer can hold. Each is named in the message of the error that
// enforces it.
struct PagecacheLimits {
  static constexpr std::uint32_t max_page_size = 4096;
  static constexpr std::uint32_t max_pages = 64;          // pages the file may span
  static constexpr std::size_t max_regions = 16;
  static constexpr std::uint32_t max_region_pages = 256;  // user pages per region
  static constexpr std::size_t max_threads = 16;
  static constexpr std::size_t max_ops = 64;              // operations per thread
  static constexpr std::size_t max_iovecs = 8;            // iovecs per writev
  static constexpr std::size_t max_agents = 4;
  static constexpr std::uint32_t max_budget = 64;         // acts per agent per execution
  static constexpr std::size_t max_name = 64;             // characters in a name
  // i386 TASK_SIZE (PAGE_OFFSET): user addresses lie below it.
  static constexpr std::uint64_t user_address_end = 0xC0000000ull;
  // Where the first region goes when it gives no `start`.
  static constexpr std::uint64_t default_first_start = 0x1000;
};

// Reads the page-cache keys of `scenario` (a whole scenario object): `model`,
// `filesystem`, `geometry`, `file`, `memory`, `threads`, `agents`, `faults`.
// The keys the generic loader owns (`name`, `description`, `invariants`,
// `explore`, `expect`, and `$schema`) are skipped; any other key is an error.
// `model` is copied to Config::variant unchecked: the generic loader checks
// that such a variant exists.
models::pagecache::Config pagecache_config_from_json(const nlohmann::json& scenario);

// The byte-string notation of scenario files: printable ASCII as itself, any
// byte as \xHH, a backslash as \\ (in JSON text: "AB\\x00\\\\"). Throws
// InputError at `json_path` when `text` is not in that notation.
models::pagecache::Bytes parse_byte_string(std::string_view text, const std::string& json_path);
// The inverse: bytes in that notation (without quotes or JSON escaping):
// "AB\x00\\". parse_byte_string(format_byte_string(b)) == b for every b.
std::string format_byte_string(const models::pagecache::Bytes& bytes);

}  // namespace checker

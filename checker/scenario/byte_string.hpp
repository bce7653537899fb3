// Bytes in scenario files: the byte-string notation, and reading a JSON value
// that holds bytes (a file's or a region's content) or one byte (a store's
// value). docs/scenario-format.md describes the notation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "models/pagecache/config.hpp"

namespace checker {

// The byte-string notation of scenario files: printable ASCII as itself, any
// byte as \xHH, a backslash as \\ (in JSON text: "AB\\x00\\\\"). Throws
// InputError at `json_path` when `text` is not in that notation.
models::pagecache::Bytes parse_byte_string(std::string_view text, const std::string& json_path);
// The inverse: bytes in that notation (without quotes or JSON escaping):
// "AB\x00\\". parse_byte_string(format_byte_string(b)) == b for every b.
std::string format_byte_string(const models::pagecache::Bytes& bytes);

// Bytes at `path`: a byte string or an array of integers 0-255, at most
// `max` of them (`why` says where that limit comes from).
models::pagecache::Bytes bytes_from_json(const nlohmann::json& v, const std::string& path,
                                         std::size_t max, const std::string& why);
// One byte at `path`: a byte string of one byte ("Z", "\\xff") or an integer 0-255.
std::uint8_t byte_from_json(const nlohmann::json& v, const std::string& path);

}  // namespace checker

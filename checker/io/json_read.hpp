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

#include "checker/io/input_error.hpp"

namespace checker::json_read {

using Json = nlohmann::json;

// How a value reads after "found": `"wrte"`, `3`, `true`, `an object`,
// `an empty array`. Long strings are cut (at a character boundary) and bytes
// that are not UTF-8 are replaced, so that any value can be described.
std::string found(const Json& v);
// A string as a JSON string literal, never throwing on bytes that are not UTF-8.
std::string quote(std::string_view s);
// `one of "a", "b"` (`only "a"` for one name).
std::string one_of(const std::vector<std::string>& names);
// Appends one reference token to a JSON pointer, escaping '~' and '/'.
std::string child(std::string_view pointer, std::string_view key);
std::string child(std::string_view pointer, std::size_t index);
// The closest of `candidates` to `word` (edit distance), or "" when none is close.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);
// `did you mean "write"?` when one of `candidates` is close to `word`, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// An address as the kernel prints one, `0xc0000000`; a half-open range of
// them, `[0x1000, 0x2000)`.
std::string hex(std::uint64_t v);
std::string hex_range(std::uint64_t begin, std::uint64_t end);
// The range as as_uint says it: `an integer from 1 to 64`, `an integer >= 1`.
std::string uint_range(std::uint64_t min, std::uint64_t max);

// Each throws InputError at `path`:
//   fail:    `what` as it is
//   bad:     "found <value>, expected <expected>"
//   missing: "found nothing, expected <expected>" (a required key left out)
//   unknown_key: "found an unknown key "k" in <what>, expected one of ..."
[[noreturn]] void fail(const std::string& path, std::string what, std::string hint = {});
[[noreturn]] void bad(const std::string& path, const Json& value, const std::string& expected,
                      std::string hint = {});
[[noreturn]] void missing(const std::string& path, const std::string& expected,
                          std::string hint = {});
[[noreturn]] void unknown_key(const std::string& object_path, const std::string& key,
                              const std::string& what, const std::vector<std::string>& allowed);
// Rejects the first key of `obj` (an object) that is not in `allowed`.
void check_keys(const Json& obj, const std::string& path, const std::string& what,
                const std::vector<std::string>& allowed);
// The value of `key` in `obj` (an object), or nullptr.
const Json* find(const Json& obj, std::string_view key);
// The value of a key `obj` (an object at `path`) must have; left out, it is
// an error at the key's own path: "found nothing, expected <expected>".
const Json& require(const Json& obj, const std::string& path, std::string_view key,
                    const std::string& expected);

// One JSON object being read: checks at construction that it is an object
// and that it has no key outside `allowed` (an unknown key is an error with a
// "did you mean" hint); then typed getters, each naming its path on error.
class Object {
 public:
  Object(const Json& j, std::string path, std::initializer_list<std::string_view> allowed);
  // The same, in the words of the messages: `expected` for a value that is
  // not an object ("a region {name, kind, ...}"), `what` for the object in
  // the message for an unknown key ("found an unknown key "k" in a region").
  Object(const Json& j, std::string path, const std::string& expected, const std::string& what,
         const std::vector<std::string>& allowed);

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

// Whether a reader that finds a number written as a string ("64") adds the
// hint "write the number without quotes: 64". Scenario files are written by
// hand and the page-cache keys give it; the other readers' messages were
// fixed before it and stay as they are.
enum class QuotedNumber { no_hint, hint };

// Checked conversions of one value, for arrays and nested uses. `expected`
// replaces the plain words of a message when the caller can say more: "a
// model variant name (a string)", "a power of two from 1 to 4096".
std::string as_string(const Json& v, const std::string& path,
                      const std::string& expected = "a string");
std::uint64_t as_uint(const Json& v, const std::string& path, std::uint64_t min = 0,
                      std::uint64_t max = UINT64_MAX);
std::uint64_t as_uint(const Json& v, const std::string& path, std::uint64_t min,
                      std::uint64_t max, const std::string& expected,
                      QuotedNumber quoted = QuotedNumber::no_hint);
std::int64_t as_int(const Json& v, const std::string& path, std::int64_t min, std::int64_t max);
const Json& as_object(const Json& v, const std::string& path, const std::string& expected);
const Json& as_array(const Json& v, const std::string& path, const std::string& of);
// An array of `min` to `max` entries: "found 0 entries, expected from 1 to 16 entries".
const Json& as_array(const Json& v, const std::string& path, const std::string& of,
                     std::size_t min, std::size_t max);
// The index in `names` of the string `v`; anything else is "found ...,
// expected one of ...", with a "did you mean" hint for a string close to one.
std::size_t as_enum(const Json& v, const std::string& path, const std::vector<std::string>& names);
// A name given by the user (of a thread, a region): 1 to `max_chars` bytes,
// no control characters (names are printed in messages and reports).
std::string as_name(const Json& v, const std::string& path, std::size_t max_chars);

// Bytes given as an array of integers 0-255, at most `max` of them; `why`
// says where the limit comes from: "found 9 bytes, expected at most 8 (2
// pages of 4 bytes)". A byte written as a string gets the QuotedNumber hint.
std::vector<std::uint8_t> as_byte_array(const Json& v, const std::string& path, std::size_t max,
                                        const std::string& why);
// That limit, for bytes given in another form (a string in some notation).
void check_byte_count(const std::string& path, std::size_t count, std::size_t max,
                      const std::string& why);

}  // namespace checker::json_read

namespace checker {

// The largest file read as a scenario or a trace: far above any real one (a
// trace of 10000 steps is about 2 MB), and low enough that a wrong file (a
// disk image, a log) is refused before it is read.
inline constexpr std::uint64_t kMaxJsonFileBytes = 64ull << 20;
// JSON nested deeper than this is refused before it is parsed: no scenario or
// trace nests more than 6 levels, and later copies and dumps of the document
// recurse once per level.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Parses `text` as one JSON document. Text that is not JSON (with the line
// and column where it goes wrong), nested too deep, or empty is an
// InputError naming `file`.
nlohmann::json parse_json_text(std::string_view text, const std::string& file);

// The largest file read back that interleave itself wrote and may write
// large: a checkpoint (--resume) or a JSON report (merge). Their size follows
// the outcomes kept (at most 100000, each as long as the scenario's file and
// reads) and, for a checkpoint, the pieces left (at most one more than its
// frontier's subtrees and its failures: checker/search/split_tree.cpp,
// compact); a resumed search's checkpoint grew with its history once and was
// refused past 64 MiB. write_checkpoint refuses to write more than this, so
// that every checkpoint it writes can be resumed.
inline constexpr std::uint64_t kMaxOwnOutputBytes = 1ull << 30;

// Reads a file as JSON: a missing file, one that is not a regular file (a
// directory, a FIFO that would block), one larger than `max_bytes`
// (`expected` then says what the file should have been), an unreadable one
// and text that parse_json_text refuses are InputErrors naming the file.
nlohmann::json read_json_file(const std::string& file, std::uint64_t max_bytes = kMaxJsonFileBytes,
                              const std::string& expected = "a scenario or a trace (they are far smaller)");

}  // namespace checker

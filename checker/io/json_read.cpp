#include "checker/io/json_read.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace checker::json_read {

std::string quote(std::string_view s) {
  // `replace`: a key or a cut string may hold bytes that are not UTF-8, and
  // dump() would throw on them.
  return Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string found(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::object: return v.empty() ? "an empty object" : "an object";
    case Json::value_t::array: return v.empty() ? "an empty array" : "an array";
    case Json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 40) {
        std::size_t cut = 37;
        // Not inside a UTF-8 sequence: back up over continuation bytes.
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s = s.substr(0, cut) + "...";
      }
      return quote(s);
    }
    case Json::value_t::binary: return "binary data";
    case Json::value_t::discarded: return "nothing";
    default: return v.dump();  // numbers
  }
}

std::string one_of(const std::vector<std::string>& names) {
  std::string s = names.size() == 1 ? "only " : "one of ";
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + quote(names[i]);
  return s;
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
  // A long word is no typo of a short name; and the distance table grows
  // with the word's length (a key of a megabyte would take gigabytes).
  if (word.size() > 64) return {};
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

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string near = closest(word, candidates);
  return near.empty() || near == word ? std::string() : "did you mean " + quote(near) + "?";
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string hex_range(std::uint64_t begin, std::uint64_t end) {
  return "[" + hex(begin) + ", " + hex(end) + ")";
}

std::string uint_range(std::uint64_t min, std::uint64_t max) {
  return max == UINT64_MAX ? "an integer >= " + std::to_string(min)
                           : "an integer from " + std::to_string(min) + " to " +
                                 std::to_string(max);
}

void fail(const std::string& path, std::string what, std::string hint) {
  throw InputError(path, std::move(what), std::move(hint));
}

void bad(const std::string& path, const Json& value, const std::string& expected,
         std::string hint) {
  fail(path, "found " + found(value) + ", expected " + expected, std::move(hint));
}

void missing(const std::string& path, const std::string& expected, std::string hint) {
  fail(path, "found nothing, expected " + expected, std::move(hint));
}

void unknown_key(const std::string& object_path, const std::string& key, const std::string& what,
                 const std::vector<std::string>& allowed) {
  fail(child(object_path, key),
       "found an unknown key " + quote(key) + (what.empty() ? "" : " in " + what) +
           ", expected " + one_of(allowed),
       did_you_mean(key, allowed));
}

void check_keys(const Json& obj, const std::string& path, const std::string& what,
                const std::vector<std::string>& allowed) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
      unknown_key(path, it.key(), what, allowed);
}

const Json* find(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const Json& require(const Json& obj, const std::string& path, std::string_view key,
                    const std::string& expected) {
  const Json* v = find(obj, key);
  if (!v) missing(child(path, key), expected);
  return *v;
}

Object::Object(const Json& j, std::string path, std::initializer_list<std::string_view> allowed)
    : Object(j, std::move(path), "an object", "",
             std::vector<std::string>(allowed.begin(), allowed.end())) {}

Object::Object(const Json& j, std::string path, const std::string& expected,
               const std::string& what, const std::vector<std::string>& allowed)
    : j_(j), path_(std::move(path)) {
  as_object(j_, path_, expected);
  check_keys(j_, path_, what, allowed);
}

bool Object::has(std::string_view key) const { return find(key) != nullptr; }

const Json* Object::find(std::string_view key) const { return json_read::find(j_, key); }

const Json& Object::require(std::string_view key, const std::string& expected) const {
  return json_read::require(j_, path_, key, expected);
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

std::string as_string(const Json& v, const std::string& path, const std::string& expected) {
  if (!v.is_string()) bad(path, v, expected);
  return v.get<std::string>();
}

std::uint64_t as_uint(const Json& v, const std::string& path, std::uint64_t min,
                      std::uint64_t max) {
  return as_uint(v, path, min, max, uint_range(min, max));
}

std::uint64_t as_uint(const Json& v, const std::string& path, std::uint64_t min,
                      std::uint64_t max, const std::string& expected, QuotedNumber quoted) {
  // Integers parsed from text are unsigned when not negative; those built
  // in code may be signed.
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
    const std::uint64_t u = v.get<std::uint64_t>();
    if (u < min || u > max) bad(path, v, expected);
    return u;
  }
  std::string hint;
  if (quoted == QuotedNumber::hint && v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (!s.empty() && s.size() < 20 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      hint = "write the number without quotes: " + s;
  }
  bad(path, v, expected, hint);  // negative, fractional, or not a number
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

const Json& as_object(const Json& v, const std::string& path, const std::string& expected) {
  if (!v.is_object()) bad(path, v, expected);
  return v;
}

const Json& as_array(const Json& v, const std::string& path, const std::string& of) {
  if (!v.is_array()) bad(path, v, "an array of " + of);
  return v;
}

const Json& as_array(const Json& v, const std::string& path, const std::string& of,
                     std::size_t min, std::size_t max) {
  as_array(v, path, of);
  if (v.size() < min || v.size() > max) {
    std::string count = std::to_string(v.size()) + (v.size() == 1 ? " entry" : " entries");
    fail(path, "found " + count + ", expected " +
                   (min == max ? std::to_string(min) : "from " + std::to_string(min) + " to " +
                                                            std::to_string(max)) +
                   (max == 1 ? " entry" : " entries"));
  }
  return v;
}

std::size_t as_enum(const Json& v, const std::string& path, const std::vector<std::string>& names) {
  if (!v.is_string()) bad(path, v, one_of(names));
  const std::string& s = v.get_ref<const std::string&>();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (s == names[i]) return i;
  bad(path, v, one_of(names), did_you_mean(s, names));
}

std::string as_name(const Json& v, const std::string& path, std::size_t max_chars) {
  std::string s = as_string(v, path, "a name (a string)");
  if (s.empty() || s.size() > max_chars)
    bad(path, v, "a name of 1 to " + std::to_string(max_chars) + " characters");
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) bad(path, v, "a name without control characters");
  return s;
}

std::vector<std::uint8_t> as_byte_array(const Json& v, const std::string& path, std::size_t max,
                                        const std::string& why) {
  as_array(v, path, "bytes (integers from 0 to 255)");
  check_byte_count(path, v.size(), max, why);  // before reading a byte of a huge array
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out.push_back(static_cast<std::uint8_t>(as_uint(v[i], child(path, i), 0, 255,
                                                    "a byte (an integer from 0 to 255)",
                                                    QuotedNumber::hint)));
  return out;
}

void check_byte_count(const std::string& path, std::size_t count, std::size_t max,
                      const std::string& why) {
  if (count > max)
    fail(path, "found " + std::to_string(count) + " bytes, expected at most " +
                   std::to_string(max) + " (" + why + ")");
}

}  // namespace checker::json_read

namespace checker {

namespace {

[[noreturn]] void file_error(const std::string& file, std::string what, std::string hint = {}) {
  InputError e("", std::move(what), std::move(hint));
  e.set_file(file);
  throw e;
}

// "at line L, column C" of byte `offset` of `text`.
std::string line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return "at line " + std::to_string(line) + ", column " + std::to_string(col);
}

// Where brackets first nest deeper than kMaxJsonDepth (outside strings), or
// npos. A scan of the text, so that the parser never builds such a document.
std::size_t too_deep_at(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

nlohmann::json parse_json_text(std::string_view text, const std::string& file) {
  // nlohmann's lexer takes a NUL byte for the end of the input and would say
  // "unexpected end of input" there.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
    file_error(file, line_and_column(text, nul) + ": found a NUL byte, expected JSON text "
                                                  "(JSON has no NUL bytes; in a string it is "
                                                  "written \\u0000)");
  if (const std::size_t at = too_deep_at(text); at != std::string_view::npos)
    file_error(file, line_and_column(text, at) + ": found JSON nested more than " +
                         std::to_string(kMaxJsonDepth) + " levels deep, expected a scenario or "
                         "a trace (they nest a few levels)");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& pe) {
    // pe.byte counts from 1: the byte at which parsing failed.
    const std::size_t byte = pe.byte == 0 ? 0 : std::min<std::size_t>(pe.byte - 1, text.size());
    // nlohmann's text after "parse error at line L, column C: ".
    const std::string what = pe.what();
    const std::size_t cut = what.find(": ", what.find("column"));
    std::string detail;
    // "last read: '...'" quotes the input as it is: bytes that are not
    // ASCII (perhaps not UTF-8) are shown as \xHH, so the message stays text.
    for (unsigned char c : cut == std::string::npos ? what : what.substr(cut + 2)) {
      static const char digits[] = "0123456789abcdef";
      if (c < 0x80) detail += static_cast<char>(c);
      else detail += std::string("\\x") + digits[c >> 4] + digits[c & 15];
    }
    file_error(file, line_and_column(text, byte) + ": found text that is not JSON: " + detail,
               text.empty() ? "the file is empty" : std::string());
  } catch (const nlohmann::json::exception& e) {
    // A number too large for a double ("1e400": out_of_range 406, "number
    // overflow parsing '1e400'") carries no position: find the number it quotes.
    const std::string what = e.what();
    const std::size_t open = what.find('\''), close = what.rfind('\'');
    if (open == std::string::npos || close <= open + 1)
      file_error(file, "found text that is not JSON: " + what);
    const std::string number = what.substr(open + 1, close - open - 1);
    const std::size_t at = text.find(number);
    file_error(file, (at == std::string_view::npos ? "" : line_and_column(text, at) + ": ") +
                         "found the number " + number +
                         ", expected a number a double can hold (up to about 1.8e308)");
  }
}

nlohmann::json read_json_file(const std::string& file, std::uint64_t max_bytes, const std::string& expected) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st))
    file_error(file, std::string("cannot open the file: ") +
                         (ec ? ec.message() : std::strerror(ENOENT)));
  // Opening a FIFO would wait for a writer, reading a device might never end.
  if (fs::is_directory(st)) file_error(file, "cannot read the file: it is a directory");
  if (!fs::is_regular_file(st))
    file_error(file, "cannot read the file: it is not a regular file (a FIFO, a socket or a "
                     "device)");
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) file_error(file, std::string("cannot open the file: ") + std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  std::size_t n;
  bool too_large = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (text.size() + n > max_bytes) {
      too_large = true;
      break;
    }
    text.append(buf, n);
  }
  const bool failed = std::ferror(f);
  const int err = errno;
  std::fclose(f);
  if (too_large)
    file_error(file, "found a file larger than " + std::to_string(max_bytes >> 20) + " MiB, expected " + expected);
  if (failed) file_error(file, std::string("cannot read the file: ") + std::strerror(err));
  return parse_json_text(text, file);
}

}  // namespace checker

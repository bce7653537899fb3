#include "checker/scenario/byte_string.hpp"

#include <algorithm>

#include "checker/io/json_read.hpp"

namespace checker {

namespace jr = json_read;
using models::pagecache::Bytes;

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Bytes parse_byte_string(std::string_view text, const std::string& json_path) {
  Bytes out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80)
      jr::fail(json_path, "found a non-ASCII character at character " + std::to_string(i + 1) +
                              " of the string, expected ASCII",
               "write a byte above 0x7f as \\\\xHH (in JSON text), e.g. \"\\\\xff\"");
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
      continue;
    }
    if (i + 3 < text.size() && text[i + 1] == 'x' && hex_digit(text[i + 2]) >= 0 &&
        hex_digit(text[i + 3]) >= 0) {
      out.push_back(static_cast<std::uint8_t>(hex_digit(text[i + 2]) * 16 + hex_digit(text[i + 3])));
      i += 3;
      continue;
    }
    const std::size_t shown = i + 1 < text.size() && text[i + 1] == 'x' ? 4 : 2;
    std::string seen(text.substr(i, std::min<std::size_t>(shown, text.size() - i)));
    jr::fail(json_path, "found " + jr::quote(seen) + " at character " + std::to_string(i + 1) +
                            " of the string, expected an escape written \"\\\\xHH\" (two hex "
                            "digits) or \"\\\\\\\\\" in JSON text",
             "in JSON text a backslash is itself escaped: \"\\\\x00\" is the byte 0");
  }
  return out;
}

std::string format_byte_string(const Bytes& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (std::uint8_t b : bytes) {
    if (b == '\\') {
      out += "\\\\";
    } else if (b >= 0x20 && b < 0x7f) {
      out += static_cast<char>(b);
    } else {
      out += "\\x";
      out += digits[b >> 4];
      out += digits[b & 15];
    }
  }
  return out;
}

Bytes bytes_from_json(const nlohmann::json& v, const std::string& path, std::size_t max,
                      const std::string& why) {
  if (v.is_array()) return jr::as_byte_array(v, path, max, why);
  if (!v.is_string())
    jr::bad(path, v, "bytes: a string such as \"AB\\\\x00\" or an array of integers 0-255");
  Bytes out = parse_byte_string(v.get_ref<const std::string&>(), path);
  jr::check_byte_count(path, out.size(), max, why);
  return out;
}

std::uint8_t byte_from_json(const nlohmann::json& v, const std::string& path) {
  const std::string form = "one byte, such as \"Z\" or \"\\\\xff\", or an integer 0-255";
  if (v.is_string()) {
    Bytes b = parse_byte_string(v.get_ref<const std::string&>(), path);
    if (b.size() != 1) jr::bad(path, v, form);
    return b[0];
  }
  return static_cast<std::uint8_t>(jr::as_uint(v, path, 0, 255, form, jr::QuotedNumber::hint));
}

}  // namespace checker

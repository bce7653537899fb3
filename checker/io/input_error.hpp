// Bad input: a scenario or trace file that is not what it must be. Carries the
// file and the JSON path of the bad field, so the message reads like a good
// compiler's: `file: at /threads/0/ops/1/kind: found "wrte", expected one of ...`.
// The CLI turns it into one line on stderr (plus a hint) and exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace checker {

class InputError : public std::runtime_error {
 public:
  InputError(std::string json_path, std::string what, std::string hint = {})
      : std::runtime_error(what), path_(std::move(json_path)), hint_(std::move(hint)) {}
  const std::string& path() const { return path_; }  // JSON pointer, "" for the whole file
  std::string hint() const { return one_line(hint_); }
  const std::string& file() const { return file_; }
  void set_file(std::string f) { file_ = std::move(f); }
  // "file: at /path: what", on one line: a control character (in a key of
  // the path, say) is shown escaped, as \n or \u001f.
  std::string message() const {
    std::string m = file_.empty() ? std::string() : file_ + ": ";
    if (!path_.empty()) m += "at " + path_ + ": ";
    return one_line(m + what());
  }

 private:
  static std::string one_line(const std::string& text) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x20 && c != 0x7f) out += ch;
      else if (c == '\n') out += "\\n";
      else if (c == '\t') out += "\\t";
      else if (c == '\r') out += "\\r";
      else out += std::string("\\u00") + digits[c >> 4] + digits[c & 15];
    }
    return out;
  }

  std::string path_;
  std::string hint_;
  std::string file_;
};

}  // namespace checker

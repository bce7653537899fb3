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
  const std::string& hint() const { return hint_; }
  const std::string& file() const { return file_; }
  void set_file(std::string f) { file_ = std::move(f); }
  // "file: at /path: what"
  std::string message() const {
    std::string m = file_.empty() ? std::string() : file_ + ": ";
    if (!path_.empty()) m += "at " + path_ + ": ";
    return m + what();
  }

 private:
  std::string path_;
  std::string hint_;
  std::string file_;
};

}  // namespace checker

// For the bad-input tests: running the `interleave` binary so that its
// working directory holds only what the command wrote, and reading the
// corpus files of tests/data/ with the message each must give.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/checker/cli.hpp"

namespace input_test {

namespace fs = std::filesystem;

using cli_test::Cli;
using cli_test::slurp;

inline fs::path workdir(const std::string& name) { return cli_test::workdir(name, "input"); }

// Runs `interleave ARGS` in `dir`; stdout and stderr are kept outside it, so
// that the directory holds only what the command wrote.
inline Cli run(const fs::path& dir, const std::string& args) {
  const fs::path out = dir.string() + ".out", err = dir.string() + ".err";
  // `timeout`: a command that hangs on its input fails the test (exit 124)
  // instead of stopping the suite.
  const std::string cmd = "cd '" + dir.string() + "' && timeout 120 '" + INTERLEAVE_BIN_PATH + "' " + args +
                          " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(cmd.c_str());
  Cli c;
  c.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  c.out = slurp(out);
  c.err = slurp(err);
  return c;
}

// The names of the files in `dir`, sorted.
inline std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    names.push_back(e.path().lexically_relative(dir).string());  // a link by its own name
  std::sort(names.begin(), names.end());
  return names;
}

// A corpus entry: NAME.json (or any extension) and NAME.expected beside it,
// holding the message the CLI prints after "interleave: FILE: " on its first
// line and, when there is one, "hint: ..." on the second.
struct Bad {
  fs::path file;
  std::string message;
  std::string hint;  // "" for none
  // What the CLI must print on stderr for it, named as `shown`.
  std::string stderr_text(const std::string& shown) const {
    return "interleave: " + shown + ": " + message + "\n" + (hint.empty() ? "" : "hint: " + hint + "\n");
  }
};

inline std::vector<Bad> corpus(const std::string& folder) {
  const fs::path dir = fs::path(INTERLEAVE_SOURCE_DIR) / "tests" / "data" / folder;
  std::vector<Bad> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".expected" || e.path().filename() == "README.md") continue;
    fs::path sidecar = e.path();
    sidecar.replace_extension(".expected");
    Bad b;
    b.file = e.path();
    std::string text = slurp(sidecar);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    const std::size_t nl = text.find('\n');
    b.message = text.substr(0, nl);
    if (nl != std::string::npos) {
      b.hint = text.substr(nl + 1);
      if (b.hint.rfind("hint: ", 0) == 0) b.hint = b.hint.substr(6);
    }
    out.push_back(std::move(b));
  }
  std::sort(out.begin(), out.end(), [](const Bad& a, const Bad& b) { return a.file < b.file; });
  return out;
}

}  // namespace input_test

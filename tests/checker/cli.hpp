// For the tests that run the `interleave` binary in a new process, in a fresh
// working directory, and read what it wrote (check, shrink, show, replay;
// io/cli.hpp adds what the bad-input tests need).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include "tests/checker/scratch.hpp"

namespace cli_test {

namespace fs = std::filesystem;

struct Cli {
  int code = -1;
  std::string out, err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh working directory for one test; `group` keeps the names of tests
// that ctest may run at the same time apart.
inline fs::path workdir(const std::string& name, const std::string& group = "oracle") {
  return checker::testing::scratch_dir(group, name);
}

inline void write(const fs::path& p, const std::string& text) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Runs a shell command line in `dir`; stdout and stderr are captured.
inline Cli shell(const fs::path& dir, const std::string& cmdline) {
  std::string cmd = "cd '" + dir.string() + "' && " + cmdline + " >cli.out 2>cli.err </dev/null";
  int status = std::system(cmd.c_str());
  Cli c;
  c.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  c.out = slurp(dir / "cli.out");
  c.err = slurp(dir / "cli.err");
  return c;
}

inline Cli run(const fs::path& dir, const std::string& args) {
  return shell(dir, "'" + std::string(INTERLEAVE_BIN_PATH) + "' " + args);
}

inline std::string last_line(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

using checker::testing::source;

inline bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace cli_test

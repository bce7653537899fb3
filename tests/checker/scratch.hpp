// A fresh directory for one test to write in. Each test process has a
// directory of its own (/tmp/interleave-test-<pid>/), removed when the
// process ends, so that two test runs on one machine at the same time (two
// checkouts, or a sanitizer build beside a release build) never share one;
// `group` and `name` keep the tests of one process apart.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace checker::testing {

inline const std::filesystem::path& process_scratch_root() {
  struct Root {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("interleave-test-" + std::to_string(::getpid()));
    ~Root() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Root root;
  return root.path;
}

inline std::filesystem::path scratch_dir(const std::string& group, const std::string& name) {
  const std::filesystem::path dir = process_scratch_root() / (group + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A file of the source tree, by its path relative to the top.
inline std::string source(const std::string& rel) { return std::string(INTERLEAVE_SOURCE_DIR) + "/" + rel; }

}  // namespace checker::testing

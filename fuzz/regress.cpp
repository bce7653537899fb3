// The fuzz corpus as a regression test of the ordinary build: every file
// under the given folders goes through the same entry point as the fuzz
// target (fuzz/entry.hpp), which aborts on a finding. Run by ctest over
// fuzz/corpus/KIND and fuzz/regressions/KIND, so an input that once crashed
// fails plain CI even without clang.
//
//   interleave-fuzz-regress scenario|search|trace DIR|FILE...
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/entry.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  const std::string kind = argc >= 2 ? argv[1] : "";
  if (argc < 3 || (kind != "scenario" && kind != "search" && kind != "trace")) {
    std::fprintf(stderr, "usage: interleave-fuzz-regress scenario|search|trace DIR|FILE...\n");
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    if (fs::is_directory(argv[i])) {
      for (const auto& e : fs::recursive_directory_iterator(argv[i]))
        if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
    } else {
      files.emplace_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", f.c_str());
      return 1;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A finding aborts: say which file it was first.
    std::fprintf(stderr, "%s\n", f.c_str());
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (kind == "scenario") fuzz::scenario_input(data, bytes.size());
    else if (kind == "search") fuzz::search_input(data, bytes.size());
    else fuzz::trace_input(data, bytes.size());
  }
  std::printf("%zu %s inputs, no finding\n", files.size(), argv[1]);
  return files.empty() ? 1 : 0;
}

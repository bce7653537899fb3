// The layout of the source tree, as README.md's "How it works" draws it:
// the top folders depend only downwards (checker -> models -> sim); the
// rooms of checker/ are the ones the map lists, and each includes only
// itself and the rooms the map lists before it; no two files of checker/
// include each other (a header and its .cpp count as one file); no file of
// checker/ is much over 500 lines. Read from the tree itself, so a
// move that breaks the map fails here.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSource = INTERLEAVE_SOURCE_DIR;

// A file of checker/ may be a little longer than the aim of about 500 lines;
// none may be longer than this.
constexpr std::size_t kMaxLines = 520;

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The rooms of checker/ in the order of README.md's map: the lines of its
// "How it works" block that are indented under "checker/" and name a folder.
std::vector<std::string> rooms_in_readme() {
  std::vector<std::string> rooms;
  bool in_block = false, in_checker = false;
  const std::regex room(R"(^  ([a-z_]+)/\s)");
  for (const std::string& line : lines_of(kSource / "README.md")) {
    if (line == "## How it works") in_block = true;
    if (!in_block) continue;
    if (line.rfind("```", 0) == 0 && in_checker) break;
    if (line.rfind("checker/", 0) == 0) in_checker = true;
    std::smatch m;
    if (in_checker && std::regex_search(line, m, room)) rooms.push_back(m[1]);
  }
  return rooms;
}

struct Source {
  std::string unit;                   // its path without the extension: checker/search/run
  std::vector<std::string> includes;  // units it includes, from the project
};

std::vector<Source> sources_under(const std::string& top) {
  std::map<std::string, std::set<std::string>> units;
  const std::regex include(R"re(^#include "([a-z0-9_/.-]+)\.(hpp|cpp)")re");
  for (const auto& e : fs::recursive_directory_iterator(kSource / top)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    const std::string unit = fs::relative(e.path(), kSource).replace_extension().string();
    std::set<std::string>& inc = units[unit];
    for (const std::string& line : lines_of(e.path())) {
      std::smatch m;
      // "interleave/..." is a header the build generates (the plugin ABI
      // digest, cmake/plugin_abi.cmake), part of no folder of the tree.
      if (std::regex_search(line, m, include) && m[1] != unit && !m[1].str().starts_with("interleave/"))
        inc.insert(m[1]);
    }
  }
  std::vector<Source> out;
  for (auto& [unit, inc] : units) out.push_back({unit, {inc.begin(), inc.end()}});
  return out;
}

std::string top_of(const std::string& unit) { return unit.substr(0, unit.find('/')); }

// "checker/search/run" -> "search"; "" for a file at checker/'s top.
std::string room_of(const std::string& unit) {
  const std::size_t a = unit.find('/'), b = unit.find('/', a + 1);
  return b == std::string::npos ? "" : unit.substr(a + 1, b - a - 1);
}

}  // namespace

TEST_CASE("layout: sim, models and checker depend only downwards") {
  const std::map<std::string, std::set<std::string>> may = {
      {"sim", {"sim"}}, {"models", {"models", "sim"}}, {"checker", {"checker", "models", "sim"}}};
  for (const auto& [top, allowed] : may)
    for (const Source& s : sources_under(top))
      for (const std::string& inc : s.includes) {
        INFO(s.unit << " includes " << inc);
        CHECK(allowed.count(top_of(inc)) == 1);
      }
}

TEST_CASE("layout: checker's rooms are README's map, and each includes only the rooms before it") {
  const std::vector<std::string> rooms = rooms_in_readme();
  REQUIRE(rooms.size() >= 5);
  std::set<std::string> folders;
  for (const auto& e : fs::directory_iterator(kSource / "checker"))
    if (e.is_directory()) folders.insert(e.path().filename().string());
  CHECK(std::set<std::string>(rooms.begin(), rooms.end()) == folders);

  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < rooms.size(); ++i) rank[rooms[i]] = i;
  for (const Source& s : sources_under("checker")) {
    INFO(s.unit);
    REQUIRE(rank.count(room_of(s.unit)) == 1);  // no file at checker/'s top
    for (const std::string& inc : s.includes) {
      if (top_of(inc) != "checker") continue;
      INFO("includes " << inc);
      REQUIRE(rank.count(room_of(inc)) == 1);
      CHECK(rank[room_of(inc)] <= rank[room_of(s.unit)]);
    }
  }
}

// checker/ only. Below it, parts call each other by design: in sim/ the
// execution asks a primitive whether a sleeping thread may go on (on the
// per-step path, inlined) and a primitive's operations are steps of the
// execution; in models/ the shared objects call each other as the kernel's
// files do (the fault path in mm calls the variant's nopage through the
// Kernel, which holds the mm, the page cache and the disk).
TEST_CASE("layout: no two files of checker/ include each other, nor any longer cycle") {
  std::map<std::string, std::vector<std::string>> graph;
  for (const Source& s : sources_under("checker")) graph[s.unit] = s.includes;
  // Depth-first search with colours: an edge to a unit still on the stack
  // closes a cycle.
  std::map<std::string, int> colour;  // 0 new, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& u) {
    colour[u] = 1;
    stack.push_back(u);
    for (const std::string& v : graph[u]) {
      if (colour[v] == 1) {
        std::string cycle;
        for (auto it = std::find(stack.begin(), stack.end(), v); it != stack.end(); ++it)
          cycle += *it + " -> ";
        FAIL_CHECK("an include cycle: " << cycle << v);
      } else if (colour[v] == 0 && graph.count(v)) {
        visit(v);
      }
    }
    stack.pop_back();
    colour[u] = 2;
  };
  for (const auto& [u, _] : graph)
    if (colour[u] == 0) visit(u);
}

TEST_CASE("layout: no file of checker/ is much over 500 lines") {
  for (const auto& e : fs::recursive_directory_iterator(kSource / "checker")) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    INFO(fs::relative(e.path(), kSource).string());
    CHECK(lines_of(e.path()).size() <= kMaxLines);
  }
}

// ctest knows each doctest case by its name (doctest_discover_tests), and a
// CMake list splits a name at ';': the test ctest ran was "name up to the
// ';'", which matched no case, ran nothing and passed. 23 cases were never
// run by CI that way. A case's name (its adjacent string literals) must not
// hold a ';'.
TEST_CASE("layout: no test case's name holds a semicolon, which would make ctest run nothing for it") {
  const std::regex test_case(R"re(TEST_CASE\(((\s*"(?:[^"\\]|\\.)*")+))re");
  std::size_t cases = 0;
  for (const auto& e : fs::recursive_directory_iterator(kSource / "tests")) {
    if (!e.is_regular_file() || e.path().extension() != ".cpp") continue;
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto it = std::sregex_iterator(s.begin(), s.end(), test_case); it != std::sregex_iterator(); ++it) {
      ++cases;
      INFO(fs::relative(e.path(), kSource).string() << ": " << (*it)[1].str());
      CHECK((*it)[1].str().find(';') == std::string::npos);
    }
  }
  CHECK(cases > 250);  // the pattern finds the cases (293 on 2026-12-05)
}

// Scenario files: the generic keys, and errors that name the JSON path.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "checker/io/input_error.hpp"
#include "checker/scenario/load.hpp"
#include "checker/scenario/model.hpp"
#include "checker/scenario/scenario.hpp"
#include "tests/checker/scratch.hpp"

using namespace checker;
using nlohmann::json;

namespace {

// The InputError that parsing `text` gives, as "path|message|hint".
std::string error_of(const std::string& text) {
  try {
    parse_scenario(json::parse(text), "s.json");
  } catch (const InputError& e) {
    CHECK(e.file() == "s.json");
    return e.path() + "|" + e.what() + "|" + e.hint();
  }
  return "no error";
}

std::string temp_file(const std::string& name, const std::string& text) {
  static const auto dir = checker::testing::scratch_dir("scenario", "files");
  auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("a scenario's generic keys are read") {
  Scenario s = parse_scenario(json::parse(R"({
    "name": "two counters", "description": "d", "model": "example:lost-update",
    "params": {"threads": 3}, "invariants": ["deadlock", "assertion"],
    "explore": {"strategy": "random", "max_executions": 50, "time_limit_s": 2.5,
                "max_steps": 99, "seed": 7},
    "expect": {"verdict": "pass", "outcomes": ["counter=2", "counter=1", "counter=2"]}
  })"),
                              "x.json");
  CHECK(s.name == "two counters");
  CHECK(s.model == "example:lost-update");
  CHECK(s.example_name() == "lost-update");
  CHECK(s.example_params.at("threads") == 3);
  CHECK(s.invariants == std::vector<std::string>{"deadlock", "assertion"});
  CHECK(s.explore.strategy == "random");
  CHECK(s.explore.max_executions == 50);
  CHECK(s.explore.time_limit_s == 2.5);
  CHECK(s.explore.max_steps == 99);
  CHECK(s.explore.seed == 7);
  REQUIRE(s.expect);
  CHECK(s.expect->verdict == "pass");
  CHECK(*s.expect->outcomes == std::vector<std::string>{"counter=1", "counter=2"});
  CHECK(make_program(s) != nullptr);

  Scenario d = parse_scenario(json::parse(R"({"model": "example:abba"})"), "dir/abba-case.json");
  CHECK(d.name == "abba-case");
  CHECK(d.explore.strategy == "auto");
  CHECK_FALSE(d.expect);
}

TEST_CASE("bad scenarios: every error names the JSON path, what was found and what was expected") {
  CHECK(error_of(R"({"modle": "example:abba"})") ==
        "/modle|found an unknown key \"modle\", expected one of \"$schema\", \"name\", "
        "\"description\", \"model\", \"invariants\", \"explore\", \"expect\", \"params\", "
        "\"filesystem\", \"geometry\", \"file\", \"memory\", \"threads\", \"agents\", \"faults\", "
        "\"variants\", \"expect_by_variant\", \"explore_by_variant\", \"conditions\"|did you mean \"model\"?");
  CHECK(error_of(R"({"name": "x"})").starts_with("/model|found nothing, expected a string"));
  CHECK(error_of(R"({"model": 3})") ==
        "/model|found 3, expected a string: a model name (see `interleave models`)|");
  CHECK(error_of(R"([1, 2])") == "|found an array, expected a scenario (a JSON object)|");
  CHECK(error_of(R"({"model": "example:abba", "explore": {"max_executions": "ten"}})") ==
        "/explore/max_executions|found \"ten\", expected an integer >= 0|");
  CHECK(error_of(R"({"model": "example:abba", "explore": {"max_executions": -1}})") ==
        "/explore/max_executions|found -1, expected an integer >= 0|");
  CHECK(error_of(R"({"model": "example:abba", "explore": {"strategy": "bfs"}})") ==
        "/explore/strategy|found \"bfs\", expected one of \"auto\", \"dfs\", \"dpor\", \"pb\", \"db\", \"pct\", \"random\", \"stateful\"|"
        "did you mean \"dfs\"?");
  CHECK(error_of(R"({"model": "example:abba", "explore": {"max_steps": 0}})") ==
        "/explore/max_steps|found 0, expected an integer >= 1|");
  CHECK(error_of(R"({"model": "example:abba", "explore": {"sead": 1}})")
            .starts_with("/explore/sead|found an unknown key \"sead\""));
  CHECK(error_of(R"({"model": "example:abba", "invariants": ["deadlok"]})")
            .ends_with("|did you mean \"deadlock\"?"));
  CHECK(error_of(R"({"model": "example:abba", "invariants": "deadlock"})") ==
        "/invariants|found \"deadlock\", expected an array of invariant names|");
  CHECK(error_of(R"({"model": "example:abba", "expect": {"verdict": "fail"}})") ==
        "/expect/verdict|found \"fail\", expected one of \"pass\", \"violation\", \"inconclusive\"|");
  CHECK(error_of(R"({"model": "example:abba", "expect": {"verdict": "pass", "invariant": "deadlock"}})")
            .starts_with("/expect/invariant|"));
  CHECK(error_of(R"({"model": "example:abba", "expect": {"verdict": "violation", "outcomes": []}})")
            .starts_with("/expect/outcomes|"));
  CHECK(error_of(R"({"model": "example:abbba"})").starts_with("/model|found \"example:abbba\", expected one of \"example:"));
  CHECK(error_of(R"({"model": "example:abbba"})").ends_with("|did you mean \"example:abba\"?"));
  CHECK(error_of(R"({"model": "example:steps", "params": {"threads": 0}})") ==
        "/params/threads|found 0, expected an integer from 1 to 8|");
  CHECK(error_of(R"({"model": "example:steps", "params": {"step": 2}})") ==
        "/params/step|found an unknown parameter \"step\", expected one of \"threads\", \"steps\"|"
        "did you mean \"steps\"?");
  CHECK(error_of(R"({"model": "example:abba", "params": {"threads": 2}})")
            .starts_with("/params/threads|found an unknown parameter \"threads\", expected none"));
  CHECK(error_of(R"({"model": "example:abba", "threads": []})").starts_with("/threads|found an empty array"));
}

TEST_CASE("page-cache scenarios: the page-cache keys are read, and their errors keep their paths") {
  Scenario s = parse_scenario(json::parse(R"({
    "model": "linux-2.4.0", "filesystem": "ext2",
    "geometry": {"page_size": 4, "block_size": 2, "pages": 2},
    "memory": [{"name": "buf", "kind": "anonymous", "content": "BBBB"}],
    "threads": [{"name": "w", "ops": [{"op": "write", "buf": "buf"}]}]
  })"),
                              "p.json");
  REQUIRE(s.pagecache);
  CHECK(s.pagecache->variant == "linux-2.4.0");
  CHECK(s.pagecache->threads.size() == 1);
  CHECK(make_program(s) != nullptr);
  CHECK(error_of(R"({"model": "linux-2.4.0", "params": {"threads": 2}})")
            .starts_with("/params|found an object, expected no \"params\" with a page-cache model"));
  CHECK(error_of(R"({"model": "linux-2.4.0", "filesystem": "ext2", "geometry": {"page_size": "x"}})")
            .starts_with("/geometry/page_size|"));
  CHECK(error_of(R"({"model": "linux-2.4.1"})").ends_with("|did you mean \"linux-2.4.0\"?"));
}

TEST_CASE("files: missing, not JSON (with line and column), and a JSON error inside") {
  try {
    load_scenario("/nonexistent/dir/x.json");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.message() == "/nonexistent/dir/x.json: cannot open the file: No such file or directory");
  }
  std::string broken = temp_file("broken.json", "{\n  \"model\": \"example:abba\",\n  }\n");
  try {
    load_scenario(broken);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.file() == broken);
    CHECK(e.message().starts_with(broken + ": at line 3, column 3: found text that is not JSON"));
  }
  std::string empty = temp_file("empty.json", "");
  try {
    load_scenario(empty);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.hint() == "the file is empty");
  }
  std::string bad = temp_file("bad.json", R"({"model": "example:abba", "explore": {"seed": "x"}})");
  try {
    load_scenario(bad);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.message() == bad + ": at /explore/seed: found \"x\", expected an integer >= 0");
  }
}

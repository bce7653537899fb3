// One scenario file for every variant ("variants", "expect_by_variant",
// "explore_by_variant"), the cases `check` makes of it, and the verdict
// matrix, in-process and through the CLI.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "checker/io/input_error.hpp"
#include "checker/oracle/matrix.hpp"
#include "checker/scenario/load.hpp"
#include "checker/scenario/scenario.hpp"
#include "tests/checker/scratch.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A one-page file written by one thread, read by another: a torn read is
// impossible with one page, so every variant passes.
json base() {
  return json::parse(R"({
    "name": "w-r",
    "model": "linux-2.4.0",
    "filesystem": "ext2",
    "geometry": {"page_size": 2, "block_size": 2, "pages": 1, "copy_chunk": 2},
    "file": {"content": "aa", "cached": [0]},
    "memory": [{"name": "src", "kind": "anonymous", "content": "bb"},
               {"name": "dst", "kind": "anonymous", "length": 2}],
    "threads": [{"name": "W", "ops": [{"op": "pwrite", "buf": "src", "offset": 0}]},
                {"name": "R", "ops": [{"op": "pread", "buf": "dst", "offset": 0}]}],
    "invariants": ["torn-read", "deadlock"],
    "explore": {"strategy": "dpor"}
  })");
}

std::string error_of(const json& doc) {
  try {
    (void)checker::parse_scenario(doc, "s.json");
    return "(no error)";
  } catch (const checker::InputError& e) {
    return e.message();
  }
}

}  // namespace

TEST_CASE("expect_by_variant: one expectation per variant, in the order of `interleave models`") {
  json doc = base();
  doc["expect_by_variant"] = {{"linux-6-xfs", {{"verdict", "pass"}}},
                              {"linux-2.4.0", {{"verdict", "violation"}, {"invariant", "deadlock"}}},
                              {"zippel-combined", {{"verdict", "pass"}, {"outcomes", json::array()}}}};
  const checker::Scenario s = checker::parse_scenario(doc, "s.json");
  REQUIRE(s.expect_by_variant.size() == 3);
  CHECK(s.expect_by_variant[0].first == "linux-2.4.0");
  CHECK(s.expect_by_variant[1].first == "zippel-combined");
  CHECK(s.expect_by_variant[2].first == "linux-6-xfs");
  CHECK(s.expect_by_variant[1].second.path == "/expect_by_variant/zippel-combined");
  // The model's own expectation comes from the map.
  REQUIRE(s.expect);
  CHECK(s.expect->verdict == "violation");
  CHECK(s.expect->invariant == "deadlock");

  const std::vector<checker::Scenario> cells = checker::expectation_cells(s);
  REQUIRE(cells.size() == 3);
  CHECK(cells[0].model == "linux-2.4.0");
  CHECK(cells[1].model == "zippel-combined");
  CHECK(cells[2].model == "linux-6-xfs");
  CHECK(cells[2].name == "w-r@linux-6-xfs");
  CHECK(cells[2].pagecache->variant == "linux-6-xfs");
  CHECK(cells[2].json["model"] == "linux-6-xfs");  // what a trace embeds
  REQUIRE(cells[1].expect);
  CHECK(cells[1].expect->outcomes.has_value());
  CHECK(cells[1].expect->path == "/expect_by_variant/zippel-combined");
}

TEST_CASE("a scenario without expect_by_variant is its own only case") {
  json doc = base();
  doc["expect"] = {{"verdict", "pass"}};
  const checker::Scenario s = checker::parse_scenario(doc, "s.json");
  const auto cells = checker::expectation_cells(s);
  REQUIRE(cells.size() == 1);
  CHECK(cells[0].name == "w-r");
  CHECK(cells[0].model == "linux-2.4.0");
}

TEST_CASE("explore_by_variant replaces keys of explore for that variant only") {
  json doc = base();
  doc["explore"] = {{"strategy", "dpor"}, {"max_steps", 500}};
  doc["explore_by_variant"] = {{"linux-2.6.24", {{"strategy", "pb"}}}, {"linux-2.4.0", {{"max_steps", 700}}}};
  const checker::Scenario s = checker::parse_scenario(doc, "s.json");
  CHECK(s.explore.strategy == "dpor");
  CHECK(s.explore.max_steps == 700);
  const checker::Scenario t = checker::for_variant(s, "linux-2.6.24");
  CHECK(t.explore.strategy == "pb");
  CHECK(t.explore.max_steps == 500);
  const checker::Scenario u = checker::for_variant(s, "linux-6-ext4");
  CHECK(u.explore.strategy == "dpor");
  CHECK(u.explore.max_steps == 500);
}

TEST_CASE("the per-variant keys' errors name their paths") {
  SUBCASE("an unknown variant") {
    json doc = base();
    doc["expect_by_variant"] = {{"linux-2.4.1", {{"verdict", "pass"}}}};
    const std::string e = error_of(doc);
    CHECK(e.find("at /expect_by_variant/linux-2.4.1:") != std::string::npos);
    CHECK(e.find("a page-cache variant") != std::string::npos);
  }
  SUBCASE("a bad expectation inside") {
    json doc = base();
    doc["expect_by_variant"] = {{"linux-2.6.24", {{"verdict", "passes"}}}};
    CHECK(error_of(doc).find("at /expect_by_variant/linux-2.6.24/verdict:") != std::string::npos);
  }
  SUBCASE("the model's expectation twice") {
    json doc = base();
    doc["expect"] = {{"verdict", "pass"}};
    doc["expect_by_variant"] = {{"linux-2.4.0", {{"verdict", "pass"}}}};
    CHECK(error_of(doc).find("at /expect_by_variant/linux-2.4.0:") != std::string::npos);
  }
  SUBCASE("variants that leave out the model, or a variant with an expectation") {
    json doc = base();
    doc["variants"] = {"linux-2.6.24"};
    CHECK(error_of(doc).find("at /variants:") != std::string::npos);
    doc["variants"] = {"linux-2.4.0", "linux-2.6.24"};
    doc["expect_by_variant"] = {{"linux-6-xfs", {{"verdict", "pass"}}}};
    CHECK(error_of(doc).find("at /expect_by_variant/linux-6-xfs:") != std::string::npos);
    doc["variants"] = {"linux-2.4.0", "linux-2.4.0"};
    CHECK(error_of(doc).find("at /variants/1:") != std::string::npos);
  }
  SUBCASE("a bad explore inside") {
    json doc = base();
    doc["explore_by_variant"] = {{"linux-2.6.24", {{"strategy", "bfs"}}}};
    CHECK(error_of(doc).find("at /explore_by_variant/linux-2.6.24/strategy:") != std::string::npos);
  }
  SUBCASE("an example model") {
    json doc = json::parse(R"({"model": "example:abba", "expect_by_variant": {"linux-2.4.0": {"verdict": "pass"}}})");
    CHECK(error_of(doc).find("at /expect_by_variant:") != std::string::npos);
  }
}

TEST_CASE("the matrix: one cell per variant, n/a outside the scenario's variants, expectations compared") {
  json doc = base();
  doc["variants"] = {"linux-2.4.0", "linux-6-xfs"};
  doc["expect_by_variant"] = {{"linux-2.4.0", {{"verdict", "pass"}}},
                              {"linux-6-xfs", {{"verdict", "violation"}, {"invariant", "torn-read"}}}};
  const checker::Scenario s = checker::parse_scenario(doc, "s.json");
  checker::MatrixOptions o;
  o.variants = {"linux-2.4.0", "linux-2.6.24", "linux-6-xfs"};
  const checker::MatrixRow row = checker::matrix_row(s, o);
  REQUIRE(row.cells.size() == 3);
  CHECK(row.cells[0].verdict == "pass");
  CHECK(row.cells[0].meets);
  CHECK(row.cells[1].verdict == "n/a");
  CHECK(row.cells[2].verdict == "pass");
  CHECK_FALSE(row.cells[2].meets);  // the file says it would tear; it does not
  CHECK(row.cells[2].expected == "violation of torn-read");

  checker::Matrix m;
  m.variants = o.variants;
  m.scenarios = {row};
  const std::string md = checker::matrix_markdown(m);
  CHECK(md.find("| variant | w-r |") != std::string::npos);
  CHECK(md.find("| `linux-2.6.24` | n/a |") != std::string::npos);
  CHECK(md.find("| `linux-6-xfs` | pass (expected violation of torn-read) |") != std::string::npos);
  const json j = json::parse(checker::matrix_json(m).dump());
  CHECK(j["format"] == "interleave-matrix");
  CHECK(j["scenarios"][0]["cells"][2]["meets_expectation"] == false);
  const std::string text = checker::matrix_text(m);
  CHECK(text.rfind("variant", 0) == 0);
}

TEST_CASE("a violation cell gives the invariant and the length of the shortest trace") {
  checker::MatrixCell c;
  c.verdict = "violation";
  c.invariant = "deadlock";
  c.self_deadlock = true;
  c.steps = 24;
  CHECK(checker::cell_text(c) == "deadlock (self), 24 steps");
  c.self_deadlock = false;
  c.invariant = "torn-read";
  CHECK(checker::cell_text(c) == "torn-read, 24 steps");
}

TEST_CASE("interleave matrix and check through the CLI") {
  const fs::path dir = checker::testing::scratch_dir("matrix", "json");
  json doc = base();
  doc["expect_by_variant"] = {{"linux-2.4.0", {{"verdict", "pass"}}}, {"linux-6-xfs", {{"verdict", "pass"}}}};
  std::ofstream(dir / "w-r.json") << doc.dump(2);
  auto run = [&dir](const std::string& args, std::string& out) {
    const std::string cmd = "cd '" + dir.string() + "' && '" + INTERLEAVE_BIN_PATH + "' " + args +
                            " >cli.out 2>cli.err </dev/null";
    const int status = std::system(cmd.c_str());
    std::ifstream in(dir / "cli.out");
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  std::string out;
  CHECK(run("check --no-progress --no-trace w-r.json", out) == 0);
  CHECK(out.find("ok    w-r.json [linux-2.4.0]:") != std::string::npos);
  CHECK(out.find("ok    w-r.json [linux-6-xfs]:") != std::string::npos);
  CHECK(out.find("2 passed, 0 failed") != std::string::npos);

  CHECK(run("matrix --no-progress --variants linux-2.4.0,linux-6-xfs --format markdown w-r.json", out) == 0);
  CHECK(out.find("| `linux-6-xfs` | pass |") != std::string::npos);
  CHECK(run("matrix --no-progress --variants linux-2.4.1 w-r.json", out) == 2);
  CHECK(run("matrix --no-progress --variants linux-2.4.0 --format json w-r.json", out) == 0);
  CHECK(json::parse(out)["variants"] == json({"linux-2.4.0"}));
}

namespace {

// The lines between the "matrix: begin" and "matrix: end" markers of a page.
std::string table_in(const fs::path& page) {
  std::ifstream in(page);
  std::string line, table;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("<!-- matrix: end")) inside = false;
    if (inside) table += line + "\n";
    if (line.starts_with("<!-- matrix: begin")) inside = true;
  }
  return table;
}

}  // namespace

TEST_CASE("the tables in README.md and docs/matrix.md are what interleave matrix prints for scenarios/variants") {
  const fs::path src = INTERLEAVE_SOURCE_DIR;
  const fs::path out = checker::testing::scratch_dir("matrix", "readme") / "matrix.md";
  fs::remove(out);
  const std::string cmd = "cd '" + src.string() + "' && '" + INTERLEAVE_BIN_PATH +
                          "' matrix --no-progress --no-trace --format markdown --output '" + out.string() +
                          "' scenarios/variants >/dev/null 2>&1 </dev/null";
  const int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string printed = ss.str();
  REQUIRE(printed.starts_with("| variant |"));
  CHECK(table_in(src / "README.md") == printed);
  CHECK(table_in(src / "docs" / "matrix.md") == printed);
}

TEST_CASE("matrix: a violation's trace that cannot be written is exit 2, naming the cell") {
  // The trace directory is checked before the search; a file in it can still
  // fail to be written afterwards (a full disk). A directory where the trace
  // goes makes that failure happen every time. It was exit 0 or 1 before,
  // with the failure only in the cell's detail.
  const fs::path dir = checker::testing::scratch_dir("matrix", "trace-write");
  fs::copy_file(fs::path(INTERLEAVE_SOURCE_DIR) / "scenarios/seed/torn-read-across-pages.json", dir / "torn.json",
                fs::copy_options::overwrite_existing);
  auto run = [&dir](const std::string& args) {
    const std::string cmd = "cd '" + dir.string() + "' && '" + INTERLEAVE_BIN_PATH + "' " + args +
                            " >cli.out 2>cli.err </dev/null";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  auto text_of = [](const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string args = "matrix --no-progress --no-shrink --variants linux-2.4.0 torn.json --trace-out ";
  // Where the trace goes, as the command names it.
  REQUIRE(run(args + "good") == 0);
  std::vector<fs::path> written;
  for (const auto& e : fs::directory_iterator(dir / "good")) written.push_back(e.path().filename());
  REQUIRE(written.size() == 1);
  fs::create_directories(dir / "bad" / written.front());
  CHECK(run(args + "bad") == 2);
  const std::string err = text_of(dir / "cli.err");
  CHECK(err.find("interleave: torn.json @ linux-2.4.0: could not write the trace: ") != std::string::npos);
  CHECK(fs::is_directory(dir / "bad" / written.front()));  // left as it was
}

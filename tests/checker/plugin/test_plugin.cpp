// Variants built outside the tree (checker/plugin, models/pagecache/plugin.hpp,
// docs/writing-a-variant.md): the example plugins in examples/ (with
// tests/data/doc-plugins, which the page's sample outputs run) and a skeleton
// that `interleave new-variant` writes, built out of tree with
// find_package(interleave) against this build tree (and against an install
// prefix), then loaded by every command; and the plugins that must be refused.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/checker/cli.hpp"

using namespace cli_test;

namespace {

const std::string kExampleVariant = "linux-2.4.0-read-i-sem";
const std::string kFixVariant = "linux-2.6.24-clear-page-error";

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Configures and builds the CMake project in `src` into `build` with the
// compiler this build uses; the build's output on failure.
Cli cmake_build(const fs::path& dir, const fs::path& src, const fs::path& build, const std::string& package_dir) {
  return shell(dir, std::string("'") + INTERLEAVE_CMAKE + "' -S " + q(src) + " -B " + q(build) +
                        " -DCMAKE_CXX_COMPILER='" + INTERLEAVE_CXX + "' -Dinterleave_DIR=" + q(package_dir) +
                        " 2>&1 && '" + INTERLEAVE_CMAKE + "' --build " + q(build) + " -j2 2>&1");
}

// A project that builds, besides the examples (tests/data/doc-plugins) and a new-variant skeleton, the
// plugins that must be refused: one compiled against other headers (a stale
// digest of them first on its include path), and a shared library that is
// no plugin.
void write_bad_plugins(const fs::path& dir) {
  write(dir / "stale" / "interleave" / "plugin_abi.hpp",
        "#pragma once\n#define INTERLEAVE_MODELS_DIGEST \"0000000000000000\"\n");
  write(dir / "stale.cpp", "#include \"" + source("examples/plugin-read-i-sem/kernel.cpp") + "\"\n");
  write(dir / "none.cpp", "extern \"C\" int not_a_plugin() { return 1; }\n");
  write(dir / "CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.20)\nproject(plugins LANGUAGES CXX)\n"
        "find_package(interleave REQUIRED)\n"
        "add_subdirectory(\"" + source("tests/data/doc-plugins") + "\" doc)\n"
        "add_subdirectory(skeleton)\n"
        "interleave_add_variant(stale stale.cpp)\n"
        "target_include_directories(stale BEFORE PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/stale)\n"
        "add_library(none MODULE none.cpp)\nset_target_properties(none PROPERTIES PREFIX \"\")\n");
}

// The lines of `Kernel::NAME(` to the closing brace at the start of a line.
std::string function_text(const std::string& file_text, const std::string& signature) {
  const std::size_t at = file_text.find(signature);
  if (at == std::string::npos) return "";
  const std::size_t end = file_text.find("\n}\n", at);
  return end == std::string::npos ? "" : file_text.substr(at, end + 3 - at);
}

// The fix of docs/writing-a-variant.md: examples/plugin-clear-page-error
// against the built-in linux-2.6.24, which the tool runs beside it.
void check_clear_page_error(const fs::path& dir, const fs::path& build) {
  const fs::path fix = build / "doc" / "clear-page-error" / (kFixVariant + ".so");
  REQUIRE(fs::is_regular_file(fix));
  const std::string plugin = "--plugin " + q(fix);

  // Its override is linux-2.6.24's function with the commit's hunk and
  // nothing else: the lines before the label readpage: and from the
  // readpage call on are the same, and between them the plugin adds
  // ClearPageError where the base has a comment.
  const std::string signature = "void Kernel::do_generic_file_read(";
  const std::string base = function_text(slurp(source("models/linux-2.6.24/filemap.cpp")), signature);
  const std::string mine = function_text(slurp(source("examples/plugin-clear-page-error/kernel.cpp")), signature);
  REQUIRE(!base.empty());
  REQUIRE(!mine.empty());
  const std::string label = "\n  readpage:\n", call = "    error = readpage(*page);\n";
  const std::size_t base_label = base.find(label), mine_label = mine.find(label);
  const std::size_t base_call = base.find(call, base_label), mine_call = mine.find(call, mine_label);
  REQUIRE(base_call != std::string::npos);
  REQUIRE(mine_call != std::string::npos);
  CHECK(base.substr(0, base_label) == mine.substr(0, mine_label));
  CHECK(base.substr(base_call) == mine.substr(mine_call));
  const std::string added = mine.substr(mine_label, mine_call - mine_label);
  CHECK(has(added, "    ClearPageError(*page);\n"));
  CHECK(!has(base.substr(base_label, base_call - base_label), "ClearPageError"));

  // The matrix of scenarios/variants, both rows computed by the tool (dpor:
  // explore_by_variant names built-in variants only): read-error-sticks
  // turns pass, every other cell the plugin's variant runs is linux-2.6.24's.
  Cli r = run(dir, plugin + " matrix --no-progress --no-trace --strategy dpor --format json --variants linux-2.6.24," +
                       kFixVariant + " " + q(source("scenarios/variants")));
  REQUIRE(r.code == 0);
  const nlohmann::json m = nlohmann::json::parse(r.out);
  int compared = 0;
  for (const auto& row : m["scenarios"]) {
    const auto& base_cell = row["cells"][0];
    const auto& fix_cell = row["cells"][1];
    REQUIRE(base_cell["variant"] == "linux-2.6.24");
    REQUIRE(fix_cell["variant"] == kFixVariant);
    const std::string name = row["name"];
    INFO(name);
    if (name == "read-error-sticks") {
      CHECK(base_cell["verdict"] == "violation");
      CHECK(base_cell["invariant"] == "stale-error");
      CHECK(fix_cell["verdict"] == "pass");
    } else if (fix_cell["verdict"] != "n/a") {
      CHECK(fix_cell["verdict"] == base_cell["verdict"]);
      CHECK(fix_cell["invariant"] == base_cell["invariant"]);
      CHECK(fix_cell["steps"] == base_cell["steps"]);
      ++compared;
    }
  }
  CHECK(compared >= 6);

  // The example's scenarios hold under the audit; the footprint left out of
  // the wrong-footprint twin is caught, naming the step and the object.
  r = run(dir, plugin + " check --no-progress --no-trace --audit " +
                   q(source("examples/plugin-clear-page-error/scenario.json")) + " " +
                   q(source("examples/plugin-clear-page-error/recovery.json")));
  CHECK(r.code == 0);
  CHECK(has(r.out, "4 passed, 0 failed"));
  const fs::path undeclared = build / "doc" / "linux-2.6.24-clear-page-error-undeclared.so";
  r = run(dir, "--plugin " + q(undeclared) + " run --no-progress --no-trace --audit --variant " +
                   "linux-2.6.24-clear-page-error-undeclared " + q(source("scenarios/variants/read-error-sticks.json")));
  CHECK(r.code == 3);
  CHECK(has(r.out, "model bug: step lock_page of thread reader wrote page[0] outside its footprint"));

  // --variant with a plugin's variant: run writes its trace, check runs it
  // alone, replay reads the trace with the plugin and accepts its variant
  // by name, and refuses another.
  fs::copy_file(source("examples/plugin-clear-page-error/recovery.json"), dir / "recovery.json");
  r = run(dir, plugin + " run --no-progress --variant " + kFixVariant + " recovery.json --trace-out recovery.trace.json");
  REQUIRE(r.code == 1);
  CHECK(has(r.out, "violation of condition:recovered"));
  CHECK(has(r.out, "ClearPageError page[0]"));
  r = run(dir, plugin + " check --no-progress --no-trace --variant " + kFixVariant + " recovery.json");
  CHECK(r.code == 0);
  CHECK(has(r.out, "recovery.json [" + kFixVariant + "]: violation of condition:recovered"));
  CHECK(!has(r.out, "[linux-2.6.24]"));
  r = run(dir, plugin + " replay --variant " + kFixVariant + " recovery.trace.json");
  CHECK(r.code == 1);
  CHECK(has(r.out, "condition:recovered"));
  CHECK(run(dir, plugin + " replay --variant linux-2.6.24 recovery.trace.json").code == 2);
  CHECK(run(dir, "replay recovery.trace.json").code == 2);

  // docs/writing-a-variant.md's sample outputs are what these plugins print
  // (test_docs compares the page's other blocks).
  if (std::system("/usr/bin/python3 -c 'import difflib' >/dev/null 2>&1") == 0) {
    r = shell(dir, "/usr/bin/python3 " + q(source("scripts/doc-samples")) + " --plugins " + q(build / "doc") +
                       " --page docs/writing-a-variant.md '" + INTERLEAVE_BIN_PATH + "'");
    INFO(r.out << r.err << "\n(scripts/doc-samples --write build/interleave writes them again)");
    CHECK(r.code == 0);
    CHECK(has(r.out, ", 0 differ from their command's output"));
  }
}

}  // namespace

TEST_CASE("plugin: a variant built outside the tree is a variant like the built-in ones in every command") {
  const fs::path dir = workdir("build-tree", "plugin");
  // The skeleton, as a user starts.
  Cli r = run(dir, "new-variant my-fix --from linux-2.6.24 skeleton");
  REQUIRE(r.code == 0);
  for (const char* f : {"CMakeLists.txt", "kernel.hpp", "kernel.cpp", "README.md", "scenario.json"})
    CHECK(fs::is_regular_file(dir / "skeleton" / f));
  CHECK(run(dir, "new-variant my-fix --from linux-2.6.24 skeleton").code == 2);  // not empty
  CHECK(run(dir, "new-variant 'my fix' --from linux-2.6.24 other").code == 2);
  CHECK(run(dir, "new-variant linux-6-xfs other").code == 2);  // taken
  r = run(dir, "new-variant my-other --from linux-2.7 other");
  CHECK(r.code == 2);
  CHECK(has(r.err, "--from: found \"linux-2.7\", expected a built-in variant"));
  CHECK(!fs::exists(dir / "other"));

  write_bad_plugins(dir);
  r = cmake_build(dir, dir, dir / "build", INTERLEAVE_BUILD_DIR);
  if (r.code != 0) MESSAGE(r.out);
  REQUIRE(r.code == 0);
  const fs::path example = dir / "build" / "doc" / "read-i-sem" / (kExampleVariant + ".so");
  const fs::path skeleton = dir / "build" / "skeleton" / "my-fix.so";
  REQUIRE(fs::is_regular_file(example));
  REQUIRE(fs::is_regular_file(skeleton));
  const std::string both = "--plugin " + q(example) + " --plugin " + q(skeleton);
  check_clear_page_error(dir, dir / "build");

  // `models` lists them, with their library.
  r = run(dir, both + " models");
  CHECK(r.code == 0);
  CHECK(has(r.out, kExampleVariant));
  CHECK(has(r.out, "2.4.0 with buffered reads under i_sem, as writes are"));
  CHECK(has(r.out, "(plugin " + fs::canonical(example).string() + ")"));
  CHECK(has(r.out, "my-fix "));

  // check and matrix: the example's scenario states both variants' verdicts;
  // the option goes after the command's name too.
  fs::copy_file(source("examples/plugin-read-i-sem/scenario.json"), dir / "example.json");
  // --audit: every access of the plugin's steps is checked against their
  // footprints (docs/writing-a-variant.md).
  r = run(dir, "check --no-progress --no-trace --audit --plugin " + q(example) + " example.json");
  CHECK(r.code == 0);
  CHECK(has(r.out, "ok    example.json [" + kExampleVariant + "]: pass"));
  CHECK(has(r.out, "ok    example.json [linux-2.4.0]: violation of torn-read"));
  r = run(dir, both + " matrix --no-progress --format markdown example.json skeleton/scenario.json");
  CHECK(r.code == 0);
  CHECK(has(r.out, "| `" + kExampleVariant + "` | pass | n/a |"));
  CHECK(has(r.out, "| `my-fix` | n/a | **torn-read, "));
  // Without the plugin, its name is an unknown variant (exit 2), with a hint.
  r = run(dir, "check --no-progress example.json");
  CHECK(r.code == 2);
  CHECK(has(r.out + r.err, "a variant built outside the tree is loaded with --plugin FILE"));
  // From a directory named in INTERLEAVE_PLUGIN_PATH.
  fs::create_directories(dir / "plugins");
  fs::copy_file(example, dir / "plugins" / example.filename());
  r = shell(dir, "INTERLEAVE_PLUGIN_PATH=" + q(dir / "plugins") + " '" + INTERLEAVE_BIN_PATH +
                     "' check --no-progress --no-trace example.json");
  CHECK(r.code == 0);

  // run writes a trace that names the plugin; replay, shrink and show read it
  // with the plugin loaded, the same build of it.
  write(dir / "deadlock.json", [] {
    std::string s = slurp(source("scenarios/seed/self-deadlock-reclaim.json"));
    const std::size_t at = s.find("\"linux-2.4.0\"");
    return s.replace(at, 13, "\"" + kExampleVariant + "\"");
  }());
  r = run(dir, "--plugin " + q(example) + " run --no-progress deadlock.json --trace-out deadlock.trace.json");
  REQUIRE(r.code == 1);
  const std::string trace = slurp(dir / "deadlock.trace.json");
  CHECK(has(trace, "\"plugin\": {"));
  CHECK(has(trace, "\"file\": \"" + fs::canonical(example).string() + "\""));
  CHECK(run(dir, "--plugin " + q(example) + " replay deadlock.trace.json").code == 1);
  CHECK(run(dir, "--plugin " + q(example) + " show deadlock.trace.json").code == 0);
  CHECK(run(dir, "--plugin " + q(example) + " shrink deadlock.trace.json -o small.trace.json").code == 1);
  r = run(dir, "replay deadlock.trace.json");
  CHECK(r.code == 2);
  CHECK(has(r.err, "at /plugin: found the variant \"" + kExampleVariant + "\" of the plugin "));
  // Another build of the plugin (the same code with a byte more: another
  // digest) is refused: it may take other steps.
  fs::copy_file(example, dir / "rebuilt.so");
  { std::ofstream(dir / "rebuilt.so", std::ios::app) << '\n'; }
  r = run(dir, "--plugin rebuilt.so replay deadlock.trace.json");
  CHECK(r.code == 2);
  CHECK(has(r.err, "at /plugin/hash: found "));

  // The plugins that must be refused, each with one line naming the file.
  r = run(dir, "--plugin " + q(example) + " --plugin rebuilt.so models");
  CHECK(r.code == 2);
  CHECK(has(r.err, "rebuilt.so: found the variant \"" + kExampleVariant + "\", a name taken by the plugin "));
  r = run(dir, "--plugin " + q(dir / "build" / "stale.so") + " models");
  CHECK(r.code == 2);
  CHECK(has(r.err, "found a plugin built against other interleave headers"));
  r = run(dir, "--plugin " + q(dir / "build" / "none.so") + " models");
  CHECK(r.code == 2);
  CHECK(has(r.err, "not an interleave plugin"));
  r = run(dir, "--plugin deadlock.json models");
  CHECK(r.code == 2);
  CHECK(has(r.err, "deadlock.json: cannot load the plugin library: "));
  CHECK(run(dir, "--plugin missing.so models").code == 2);
  r = shell(dir, "INTERLEAVE_PLUGIN_PATH=" + q(dir / "nowhere") + " '" + INTERLEAVE_BIN_PATH + "' models");
  CHECK(r.code == 2);
  CHECK(has(r.err, "found no such directory, named by INTERLEAVE_PLUGIN_PATH"));
}

TEST_CASE("plugin: built against an install prefix, it runs with the installed interleave") {
  const fs::path dir = workdir("prefix", "plugin");
  Cli r = shell(dir, std::string("'") + INTERLEAVE_CMAKE + "' --install '" + INTERLEAVE_BUILD_DIR +
                         "' --prefix " + q(dir / "prefix") + " 2>&1");
  if (r.code != 0) MESSAGE(r.out);
  REQUIRE(r.code == 0);
  const fs::path installed = dir / "prefix" / "bin" / "interleave";
  REQUIRE(fs::is_regular_file(installed));
  CHECK(fs::is_regular_file(dir / "prefix" / "include" / "interleave" / "models" / "pagecache" / "plugin.hpp"));
  r = cmake_build(dir, source("examples/plugin-read-i-sem"), dir / "build",
                  (dir / "prefix" / "lib" / "cmake" / "interleave").string());
  if (r.code != 0) MESSAGE(r.out);
  REQUIRE(r.code == 0);
  fs::copy_file(source("examples/plugin-read-i-sem/scenario.json"), dir / "example.json");
  r = shell(dir, q(installed) + " --plugin " + q(dir / "build" / (kExampleVariant + ".so")) +
                     " matrix --no-progress --format markdown --variants linux-2.4.0," + kExampleVariant +
                     " example.json");
  CHECK(r.code == 0);
  CHECK(has(r.out, "| `" + kExampleVariant + "` | pass |"));
}

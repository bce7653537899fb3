// Variants built outside the tree (checker/plugin, models/pagecache/plugin.hpp,
// docs/writing-a-variant.md): the example plugin in examples/ and a skeleton
// that `interleave new-variant` writes, built out of tree with
// find_package(interleave) against this build tree (and against an install
// prefix), then loaded by every command; and the plugins that must be refused.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/checker/cli.hpp"

using namespace cli_test;

namespace {

const std::string kExampleVariant = "linux-2.4.0-read-i-sem";

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Configures and builds the CMake project in `src` into `build` with the
// compiler this build uses; the build's output on failure.
Cli cmake_build(const fs::path& dir, const fs::path& src, const fs::path& build, const std::string& package_dir) {
  return shell(dir, std::string("'") + INTERLEAVE_CMAKE + "' -S " + q(src) + " -B " + q(build) +
                        " -DCMAKE_CXX_COMPILER='" + INTERLEAVE_CXX + "' -Dinterleave_DIR=" + q(package_dir) +
                        " 2>&1 && '" + INTERLEAVE_CMAKE + "' --build " + q(build) + " -j2 2>&1");
}

// A project that builds, besides the example and a new-variant skeleton, the
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
        "add_subdirectory(\"" + source("examples/plugin-read-i-sem") + "\" example)\n"
        "add_subdirectory(skeleton)\n"
        "interleave_add_variant(stale stale.cpp)\n"
        "target_include_directories(stale BEFORE PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/stale)\n"
        "add_library(none MODULE none.cpp)\nset_target_properties(none PROPERTIES PREFIX \"\")\n");
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
  const fs::path example = dir / "build" / "example" / (kExampleVariant + ".so");
  const fs::path skeleton = dir / "build" / "skeleton" / "my-fix.so";
  REQUIRE(fs::is_regular_file(example));
  REQUIRE(fs::is_regular_file(skeleton));
  const std::string both = "--plugin " + q(example) + " --plugin " + q(skeleton);

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

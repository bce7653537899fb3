// `interleave new-variant NAME --from VARIANT DIR`: the skeleton of a variant
// built outside the tree (docs/writing-a-variant.md): a CMake project that
// finds this interleave, a Kernel derived from VARIANT's with one function
// overridden (it calls VARIANT's own until the patch goes in), a README and a
// scenario that runs on both.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "checker/cli/commands.hpp"
#include "checker/io/output_file.hpp"
#include "models/pagecache/variants.hpp"

namespace checker::cli {

namespace fs = std::filesystem;

namespace {

// "linux-2.4.0" -> "linux_2_4_0": the namespace of a built-in variant
// (models/linux-2.4.0/kernel.hpp: namespace models::linux_2_4_0).
std::string identifier(const std::string& name) {
  std::string id;
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (!id.empty() && std::isdigit(static_cast<unsigned char>(id[0]))) id = "v" + id;
  return id;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

const char* kCMakeLists = R"T(# The variant @NAME@, built outside interleave's tree (docs/writing-a-variant.md):
#   cmake -S . -B build -Dinterleave_DIR=<interleave's build folder, or PREFIX/lib/cmake/interleave>
#   cmake --build build
#   interleave --plugin build/@NAME@.so matrix scenario.json
cmake_minimum_required(VERSION 3.20)
project(@NAME@ LANGUAGES CXX)
find_package(interleave REQUIRED)
interleave_add_variant(@NAME@ kernel.cpp)
)T";

const char* kKernelHpp = R"T(// @NAME@: @FROM@ with a patch (say which, and cite its commit or mail).
#pragma once

#include "models/@FROM@/kernel.hpp"

namespace @ID@ {

using models::pagecache::Bytes;
using models::pagecache::File;
using models::pagecache::State;

// Derives from @FROM@'s Kernel and overrides only what the patch changes.
// Every kernel function of the base is virtual and they call each other
// through `this`, so an override here is what the whole model runs.
class Kernel : public models::@FROM_ID@::Kernel {
 public:
  using models::@FROM_ID@::Kernel::Kernel;

  // mm/filemap.c generic_file_read (the function the patch changes).
  std::int64_t generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                 Bytes& data) override;
};

}  // namespace @ID@
)T";

const char* kKernelCpp = R"T(#include "kernel.hpp"

#include <memory>

#include "models/pagecache/plugin.hpp"

namespace @ID@ {

// mm/filemap.c generic_file_read as @FROM@ has it, until the patch goes in:
// write the patched steps here, in the kernel's order, each with its
// citation, and declare what every step reads and writes (the footprints of
// docs/writing-a-variant.md), so that the search's reductions stay sound.
std::int64_t Kernel::generic_file_read(File& filp, std::uint64_t buf, std::uint64_t count, std::uint64_t& ppos,
                                       Bytes& data) {
  return models::@FROM_ID@::Kernel::generic_file_read(filp, buf, count, ppos, data);
}

}  // namespace @ID@

INTERLEAVE_PLUGIN(registry) {
  registry.add("@NAME@", "@FROM@ with a patch (describe it in one line)",
               [](models::pagecache::State& s) { return std::make_unique<@ID@::Kernel>(s); });
}
)T";

const char* kReadme = R"T(# @NAME@

@FROM@ with a patch: say what it changes, why, and where it comes from (a
commit, a mail), as the README of every variant in interleave's models/ does.

Built outside interleave's tree (interleave's docs/writing-a-variant.md):

    cmake -S . -B build -Dinterleave_DIR=<interleave's build folder>
    cmake --build build
    interleave --plugin build/@NAME@.so models
    interleave --plugin build/@NAME@.so matrix --variants @FROM@,@NAME@ scenario.json

`scenario.json` runs on @FROM@ and on @NAME@; once `interleave matrix` shows
what each does, state it in its "expect_by_variant", so that `interleave
check` keeps it so.
)T";

}  // namespace

void add_new_variant_command(CLI::App& app, NewVariantArgs& a) {
  CLI::App* cmd = app.add_subcommand("new-variant", "write the skeleton of a variant built outside the tree");
  cmd->add_option("NAME", a.name, "the new variant's name (letters, digits, '-', '.', '_')")->required();
  cmd->add_option("DIR", a.dir, "the folder to write it to (new, or empty)")->required();
  cmd->add_option("--from", a.from, "the built-in variant it derives from (default linux-2.4.0)");
  cmd->footer(
      "Writes DIR/CMakeLists.txt (find_package(interleave), interleave_add_variant), kernel.hpp\n"
      "and kernel.cpp (a Kernel derived from the --from variant's, with generic_file_read\n"
      "overridden to call the base's until the patch goes in), README.md and scenario.json\n"
      "(the mail's torn read, on both variants). docs/writing-a-variant.md goes on from there.\n"
      "Exit codes: 0 written; 2 a bad name, an unknown --from, or a DIR that is not empty.\n\n"
      "Example:\n  interleave new-variant linux-2.4.0-my-fix --from linux-2.4.0 my-fix/\n"
      "  cmake -S my-fix -B my-fix/build -Dinterleave_DIR=build && cmake --build my-fix/build\n"
      "  interleave --plugin my-fix/build/linux-2.4.0-my-fix.so matrix my-fix/scenario.json");
}

int new_variant_command(const NewVariantArgs& a) {
  const bool name_ok = !a.name.empty() && a.name.size() <= 64 &&
                       std::all_of(a.name.begin(), a.name.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
                       });
  if (!name_ok) {
    std::cerr << "interleave: new-variant: found the name \"" << a.name
              << "\", expected 1 to 64 letters, digits, '-', '.' or '_'\n";
    return kExitBadInput;
  }
  if (models::pagecache::find_variant(a.name)) {
    std::cerr << "interleave: new-variant: found the name \"" << a.name << "\", which a variant has already\n";
    return kExitBadInput;
  }
  const auto* from = models::pagecache::find_variant(a.from);
  if (!from || !from->plugin.empty()) {
    std::vector<std::string> builtin;
    for (const auto& v : models::pagecache::variants())
      if (v.plugin.empty()) builtin.push_back(v.name);
    std::string list;
    for (const std::string& b : builtin) list += (list.empty() ? "" : ", ") + b;
    std::cerr << "interleave: new-variant: --from: found \"" << a.from << "\", expected a built-in variant: " << list
              << "\n";
    return kExitBadInput;
  }
  std::error_code ec;
  if (fs::exists(a.dir, ec) && !(fs::is_directory(a.dir, ec) && fs::is_empty(a.dir, ec))) {
    std::cerr << "interleave: new-variant: " << a.dir << ": found a file or a folder that is not empty, expected a "
              << "new or empty folder\n";
    return kExitBadInput;
  }
  const fs::path parent = fs::absolute(a.dir).parent_path();
  if (!fs::is_directory(parent, ec)) {
    std::cerr << "interleave: new-variant: " << a.dir << ": the directory " << parent.string()
              << " does not exist\n";
    return kExitBadInput;
  }
  auto fill = [&](std::string text) {
    text = replace_all(text, "@NAME@", a.name);
    text = replace_all(text, "@FROM_ID@", identifier(a.from));
    text = replace_all(text, "@FROM@", a.from);
    return replace_all(text, "@ID@", identifier(a.name));
  };
  // The mail's torn read (scenarios/seed/torn-read-across-pages.json) on the
  // base and on the new variant.
  nlohmann::ordered_json scenario = {
      {"name", a.name + "-torn-read-across-pages"},
      {"description", "Problem 3 of the mail on " + a.from + " and on " + a.name +
                          ": a read of two pages against a write of both."},
      {"model", a.name},
      {"filesystem", "ext2"},
      {"geometry", {{"page_size", 4}, {"block_size", 2}, {"pages", 2}, {"copy_chunk", 4}}},
      {"file", {{"content", "AAAAAAAA"}, {"cached", {0, 1}}}},
      {"memory", {{{"name", "src"}, {"kind", "anonymous"}, {"content", "BBBBBBBB"}},
                  {{"name", "dst"}, {"kind", "anonymous"}, {"length", 8}}}},
      {"threads", {{{"name", "writer"}, {"ops", {{{"op", "pwrite"}, {"buf", "src"}, {"offset", 0}}}}},
                   {{"name", "reader"}, {"ops", {{{"op", "pread"}, {"buf", "dst"}, {"offset", 0}}}}}}},
      {"invariants", {"torn-read"}},
      {"variants", {a.from, a.name}}};
  try {
    make_output_directory(a.dir);
    const fs::path dir = a.dir;
    write_output_file((dir / "CMakeLists.txt").string(), fill(kCMakeLists));
    write_output_file((dir / "kernel.hpp").string(), fill(kKernelHpp));
    write_output_file((dir / "kernel.cpp").string(), fill(kKernelCpp));
    write_output_file((dir / "README.md").string(), fill(kReadme));
    write_output_file((dir / "scenario.json").string(), scenario.dump(2) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "interleave: new-variant: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::cout << "wrote " << a.dir << ": CMakeLists.txt, kernel.hpp, kernel.cpp, README.md, scenario.json\n"
            << "next: cmake -S " << a.dir << " -B " << (fs::path(a.dir) / "build").string()
            << " -Dinterleave_DIR=<interleave's build folder>; docs/writing-a-variant.md\n";
  return kExitOk;
}

}  // namespace checker::cli

#include "checker/plugin/plugin.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "checker/io/fnv.hpp"
#include "checker/io/input_error.hpp"
#include "models/pagecache/plugin.hpp"
#include "models/pagecache/variants.hpp"

namespace checker {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHint = "a plugin is built with find_package(interleave) against this interleave's build "
                              "tree or install prefix (docs/writing-a-variant.md)";

[[noreturn]] void plugin_error(const std::string& file, const std::string& what, const std::string& hint = kHint) {
  InputError e("", what, hint);
  e.set_file(file);
  throw e;
}

std::string digest_of_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) plugin_error(file, "cannot read the plugin library");
  std::ostringstream ss;
  ss << in.rdbuf();
  return fnv1a_hex(ss.str());
}

// The libraries loaded so far, by their canonical path.
std::set<std::string>& loaded() {
  static std::set<std::string> s;
  return s;
}

}  // namespace

void load_plugin(const std::string& file) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) plugin_error(file, "cannot open the plugin library: no such file");
  if (!fs::is_regular_file(st)) plugin_error(file, "cannot open the plugin library: it is not a regular file");
  const std::string canonical = fs::canonical(file, ec).string();
  if (!ec && loaded().count(canonical)) return;
  // A relative name without a slash would make dlopen search the library
  // path instead of opening this file.
  const std::string open_as = file.find('/') == std::string::npos ? "./" + file : file;
  // RTLD_NOW: a symbol the library needs and interleave does not have is
  // found here, as an error, not in the middle of a search. RTLD_LOCAL: two
  // plugins' own functions do not meet.
  void* handle = ::dlopen(open_as.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    plugin_error(file, std::string("cannot load the plugin library: ") + (why ? why : "unknown error"));
  }
  using AbiFn = const char* (*)();
  using RegisterFn = void (*)(models::pagecache::PluginRegistry&);
  auto abi = reinterpret_cast<AbiFn>(::dlsym(handle, "interleave_plugin_abi"));
  auto reg = reinterpret_cast<RegisterFn>(::dlsym(handle, "interleave_plugin_register"));
  if (!abi || !reg) {
    ::dlclose(handle);
    plugin_error(file, "found a shared library that is not an interleave plugin: it exports no "
                       "interleave_plugin_abi and interleave_plugin_register (the INTERLEAVE_PLUGIN macro defines them)");
  }
  const std::string theirs = abi();
  const std::string ours = INTERLEAVE_PLUGIN_ABI;
  if (theirs != ours) {
    ::dlclose(handle);
    plugin_error(file, "found a plugin built against other interleave headers or another C++ ABI (\"" + theirs +
                           "\"), expected \"" + ours + "\"",
                 "rebuild the plugin against this interleave's build tree or install prefix");
  }
  models::pagecache::PluginRegistry registry;
  try {
    reg(registry);
  } catch (const std::exception& e) {
    plugin_error(file, std::string("the plugin's registration failed: ") + e.what());
  }
  if (registry.entries().empty()) plugin_error(file, "found a plugin that registers no variant");
  const std::string digest = digest_of_file(file);
  // Every name is checked before any is registered: a plugin is loaded whole
  // or not at all.
  std::set<std::string> names;
  for (const auto& e : registry.entries()) {
    if (e.name.empty() || !e.make_kernel)
      plugin_error(file, "found a variant with no name or no kernel factory");
    if (!names.insert(e.name).second) plugin_error(file, "found the variant \"" + e.name + "\" registered twice");
    if (const auto* had = models::pagecache::find_variant(e.name))
      plugin_error(file, "found the variant \"" + e.name + "\", a name taken by " +
                             (had->plugin.empty() ? std::string("a built-in variant") : "the plugin " + had->plugin),
                   "give the plugin's variant a name of its own");
  }
  // Traces record the library by its absolute path: a replay from another
  // folder names the same file.
  const std::string where = ec ? file : canonical;
  for (const auto& e : registry.entries())
    models::pagecache::register_variant({e.name, e.description, where, digest}, e.make_kernel);
  loaded().insert(where);
  // The library stays loaded for the life of the process: its code is the
  // kernel of the variants just registered.
}

void load_plugins(const std::vector<std::string>& files) {
  for (const std::string& f : files) load_plugin(f);
  const char* path = std::getenv(kPluginPathVariable);
  if (!path) return;
  std::stringstream in(path);
  std::string dir;
  while (std::getline(in, dir, ':')) {
    if (dir.empty()) continue;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
      plugin_error(dir, std::string("found no such directory, named by ") + kPluginPathVariable,
                   std::string(kPluginPathVariable) + " names directories of plugin libraries (*.so), separated by ':'");
    std::vector<std::string> libs;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".so" && entry.is_regular_file()) libs.push_back(entry.path().string());
    std::sort(libs.begin(), libs.end());
    for (const std::string& lib : libs) load_plugin(lib);
  }
}

}  // namespace checker

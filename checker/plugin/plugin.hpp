// Variants built outside the tree (docs/writing-a-variant.md): loading their
// shared libraries, so that every command treats their variants as built in.
#pragma once

#include <string>
#include <vector>

namespace checker {

// The environment variable naming directories (separated by ':') whose
// *.so files are loaded as plugins, after those named by --plugin.
inline constexpr const char* kPluginPathVariable = "INTERLEAVE_PLUGIN_PATH";

// Loads one plugin library and registers its variants (with the file's path
// and its FNV-1a digest, which traces record). An InputError (exit 2) names
// the file when it cannot be opened or is not a shared library, does not
// export the plugin functions, was built against other headers (its ABI
// string differs from interleave's), registers no variant, or registers a
// name that is taken. A library is loaded once: naming it again (by another
// path to the same file) does nothing.
void load_plugin(const std::string& file);

// Loads the plugins named on the command line, then those in the directories
// of INTERLEAVE_PLUGIN_PATH (each directory's *.so in name order; a directory
// that does not exist is an error, an empty entry is skipped).
void load_plugins(const std::vector<std::string>& files);

}  // namespace checker

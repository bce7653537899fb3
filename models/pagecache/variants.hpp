// The page-cache model variants that exist, and the factory the checker and
// the CLI build a scenario's model with.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/program.hpp"

namespace models::pagecache {

struct VariantInfo {
  std::string name;         // Config::variant, e.g. "linux-2.4.0"
  std::string description;  // one line, for `interleave models`
  // A variant a plugin registered (docs/writing-a-variant.md): the library
  // it came from and the FNV-1a digest of that file, which traces record so
  // that a replay runs the same code. Both "" for a built-in variant.
  std::string plugin;
  std::string plugin_hash;
};

// Every variant that can be built: the built-in ones in the order `interleave
// models` lists them, then those plugins registered, in their order.
std::vector<VariantInfo> variants();

// The variant named `name`, or nullptr.
const VariantInfo* find_variant(const std::string& name);

// Adds a variant built outside the tree (checker/plugin loads the library
// that calls this). Throws std::invalid_argument when the name is empty or
// another variant, built in or from a plugin, has it.
void register_variant(VariantInfo info, KernelFactory make_kernel);

// Builds the model of `cfg.variant`. Throws std::invalid_argument for an
// unknown variant (the message lists the known ones) or a Config that cannot
// be modelled (see validate()).
std::unique_ptr<PageCacheProgram> make_program(const Config& cfg);

}  // namespace models::pagecache

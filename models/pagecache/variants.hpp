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
};

// Every variant that can be built, in the order `interleave models` lists them.
const std::vector<VariantInfo>& variants();

// Builds the model of `cfg.variant`. Throws std::invalid_argument for an
// unknown variant (the message lists the known ones) or a Config that cannot
// be modelled (see validate()).
std::unique_ptr<PageCacheProgram> make_program(const Config& cfg);

}  // namespace models::pagecache

// `interleave models`.
#include "checker/cli/commands.hpp"

#include <algorithm>
#include <iostream>

#include "checker/scenario/model.hpp"

namespace checker::cli {

int models_command() {
  std::vector<ModelInfo> models = list_models();
  std::size_t w = 0;
  for (const ModelInfo& m : models) w = std::max(w, m.name.size());
  for (const ModelInfo& m : models) {
    std::string name = m.name;
    name.resize(w, ' ');
    std::cout << "  " << name << "  " << m.description << "\n";
    if (!m.params.empty()) std::cout << "  " << std::string(w, ' ') << "  params: " << m.params << "\n";
  }
  return kExitOk;
}

}  // namespace checker::cli

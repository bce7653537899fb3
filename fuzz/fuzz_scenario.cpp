// libFuzzer target: the scenario loader (fuzz/entry.hpp).
#include "fuzz/entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::scenario_input(data, size);
  return 0;
}

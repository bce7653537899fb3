// libFuzzer target: the scenario loader, then a short search of what it
// accepted with every strategy (fuzz/entry.hpp).
#include "fuzz/entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::search_input(data, size);
  return 0;
}

// libFuzzer target: the trace loader (fuzz/entry.hpp).
#include "fuzz/entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::trace_input(data, size);
  return 0;
}

#include "checker/search/fiber_stacks.hpp"

#include <cstdlib>
#include <string>

#include "checker/io/input_error.hpp"
#include "sim/stack_overflow.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

namespace {
constexpr unsigned long kMinKiB = 16, kMaxKiB = 1024 * 1024;
}  // namespace

void configure_fiber_stacks(int overflow_exit_code) {
  if (const char* v = std::getenv(kStackSizeVariable); v && *v) {
    char* end = nullptr;
    const unsigned long kib = std::strtoul(v, &end, 10);
    if (*end != '\0' || v[0] == '-' || kib < kMinKiB || kib > kMaxKiB)
      throw InputError("", std::string("environment variable ") + kStackSizeVariable + ": found \"" + v +
                               "\", expected the modelled threads' stack size in KiB, from " +
                               std::to_string(kMinKiB) + " to " + std::to_string(kMaxKiB));
    sim::StackPool::set_default_stack_size(kib * 1024);
  }
  // A string that lives as long as the process: the handler prints it late.
  static const std::string hint = std::string("a model that recurses this deep needs larger stacks: set ") +
                                  kStackSizeVariable + " (now " +
                                  std::to_string(sim::StackPool::default_stack_size() / 1024) + ")";
  sim::report_stack_overflows(overflow_exit_code, hint.c_str());
}

}  // namespace checker

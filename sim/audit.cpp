#include "sim/audit.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "sim/execution.hpp"

namespace sim::audit {

thread_local constinit Execution* running = nullptr;

namespace {
std::atomic<bool> default_audit{false};
}

void report(ObjectId o, Access a) {
  if (running != nullptr) running->record_access(o, a);
}

void set_default(bool on) { default_audit.store(on, std::memory_order_relaxed); }
bool default_on() { return default_audit.load(std::memory_order_relaxed); }

void enable_from_environment() {
  const char* v = std::getenv("INTERLEAVE_AUDIT");
  if (v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0) set_default(true);
}

}  // namespace sim::audit

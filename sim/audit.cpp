#include "sim/audit.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace sim::audit {

thread_local constinit Execution* running = nullptr;

namespace {
std::atomic<bool> default_audit{false};
}

void report(ObjectId o, Access a) {
  if (running != nullptr) running->record_access(o, a);
}

void report_guarded(ObjectId o, Access a, const BitLock& guard) {
  if (running == nullptr) return;
  // Reading the lock's state here is the audit's own look, not the model's.
  const bool held_by_me = guard.holder() == running->current() && guard.locked_unaudited();
  if (a == Access::read && held_by_me) return;
  if (a == Access::write && !guard.locked_unaudited()) running->record_unguarded_write(o, guard.id());
  running->record_access(o, a);
}

void set_default(bool on) { default_audit.store(on, std::memory_order_relaxed); }
bool default_on() { return default_audit.load(std::memory_order_relaxed); }

void enable_from_environment() {
  const char* v = std::getenv("INTERLEAVE_AUDIT");
  if (v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0) set_default(true);
}

}  // namespace sim::audit

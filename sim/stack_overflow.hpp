// A model that recurses past the end of its fiber's stack runs into the guard
// page below it (sim/stack_pool.hpp). Left alone that is a bare SIGSEGV, which
// looks like a crash of the engine; with report_stack_overflows() installed,
// the process says which modelled thread overflowed and how large its stack
// is, and exits with the code the program chose.
//
// The handler runs on an alternate signal stack (the fiber's own stack is the
// one that is full), which each OS thread that runs fibers needs: Execution
// gives its thread one before it starts fibers. A fault that is not in the
// running fiber's guard page goes, unchanged, to the handler that was there
// before: the default action, or AddressSanitizer's report.
#pragma once

#include <cstddef>

namespace sim {

// Installs the SIGSEGV and SIGBUS handler once per process (later calls only
// replace the exit code and hint). `hint` is printed after the report, e.g.
// how to give modelled threads larger stacks; it must live for the process.
void report_stack_overflows(int exit_code, const char* hint);

// The fiber running on this OS thread: Execution sets it at every switch.
// `name` must stay valid while that fiber runs; a null name means "not a fiber".
struct RunningFiber {
  const char* name = nullptr;
  const char* stack_bottom = nullptr;  // the lowest usable byte; the guard page lies below
  std::size_t stack_size = 0;
};
extern constinit thread_local RunningFiber running_fiber;

// Gives this OS thread an alternate signal stack if the handler is installed
// and the thread has none yet. Cheap after the first call on a thread.
void prepare_thread_for_overflow_reports();

}  // namespace sim

// The modelled threads' stacks: how large they are (INTERLEAVE_STACK_KIB, in
// KiB, default 256) and what a model that overflows one gets: a report that
// names the thread and the exit code of an internal error, not a SIGSEGV.
#pragma once

namespace checker {

inline constexpr const char* kStackSizeVariable = "INTERLEAVE_STACK_KIB";

// Reads INTERLEAVE_STACK_KIB into sim::StackPool's default stack size and
// installs the stack overflow report (sim/stack_overflow.hpp), which exits
// with `overflow_exit_code`. Call it first thing in main, before any thread
// or stack pool exists. Throws InputError for a value that is not a whole
// number of KiB between 16 and 1048576.
void configure_fiber_stacks(int overflow_exit_code);

}  // namespace checker

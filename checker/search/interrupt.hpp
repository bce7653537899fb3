// A request from outside to stop the search (SIGINT, SIGTERM): the signal
// handler only stores the signal's number in a lock-free atomic (all that is
// async-signal-safe to do); the explorers read it between executions, and an
// execution ends within its step bound, so a run stops soon after the signal,
// then reports what it explored and writes its files whole.
#pragma once

#include <atomic>
#include <string>

namespace checker {

// Non-zero once a stop was requested: the signal's number (or kStopRequested
// when a test asks without a signal). The explorers poll it (ExploreOptions::stop).
std::atomic<int>& interrupt_flag();
inline constexpr int kStopRequested = -1;

// SIGINT and SIGTERM set interrupt_flag(). A second one within
// kRepeatGraceNs of the first is the same request delivered twice (GNU
// timeout, CI runners, systemd and Slurm signal the process, then its
// process group) and is ignored; a later one, or a second Ctrl-C typed on the
// terminal, ends the process at once by that signal, after removing the
// temporary file of a write under way (checker/io/output_file.hpp).
void install_interrupt_handlers();
inline constexpr long long kRepeatGraceNs = 1'000'000'000;

// Sets the flag as a signal would (tests), and clears it.
void request_interrupt(int signal = kStopRequested);
void clear_interrupt();

// "SIGINT", "SIGTERM", "a stop request".
std::string interrupt_name(int signal);

}  // namespace checker

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

// SIGINT and SIGTERM set interrupt_flag(); the first one also restores the
// default action of both, so that a second Ctrl-C ends the process at once.
void install_interrupt_handlers();

// Sets the flag as a signal would (tests), and clears it.
void request_interrupt(int signal = kStopRequested);
void clear_interrupt();

// "SIGINT", "SIGTERM", "a stop request".
std::string interrupt_name(int signal);

}  // namespace checker

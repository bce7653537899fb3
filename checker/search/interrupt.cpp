#include "checker/search/interrupt.hpp"

#include <csignal>

namespace checker {

namespace {

std::atomic<int> g_flag{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_stop_signal(int sig) {
  g_flag.store(sig, std::memory_order_relaxed);
  // sigaction is async-signal-safe: back to the default action, so a second
  // signal kills the process even if the run is slow to stop.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGINT, &dfl, nullptr);
  sigaction(SIGTERM, &dfl, nullptr);
}

}  // namespace

std::atomic<int>& interrupt_flag() { return g_flag; }

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void request_interrupt(int signal) { g_flag.store(signal, std::memory_order_relaxed); }
void clear_interrupt() { g_flag.store(0, std::memory_order_relaxed); }

std::string interrupt_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  if (signal > 0) return "signal " + std::to_string(signal);
  return "a stop request";
}

}  // namespace checker

#include "checker/search/interrupt.hpp"

#include <csignal>
#include <cstdint>
#include <ctime>

#include "checker/io/output_file.hpp"

namespace checker {

namespace {

std::atomic<int> g_flag{0};
std::atomic<std::int64_t> g_first_ns{0};  // CLOCK_MONOTONIC of the first signal
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");
static_assert(std::atomic<std::int64_t>::is_always_lock_free, "the signal handler needs a lock-free clock");

std::int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);  // async-signal-safe
  return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

extern "C" void on_stop_signal(int sig, siginfo_t* info, void*) {
  if (g_flag.load(std::memory_order_relaxed) == 0) {
    g_first_ns.store(now_ns(), std::memory_order_relaxed);
    g_flag.store(sig, std::memory_order_relaxed);
    return;
  }
  // A second signal. Job runners signal the process and then its group, so
  // the same request often comes twice within microseconds: within the grace
  // time it is that request again. A Ctrl-C typed on the terminal (the
  // kernel's SIGINT, not a kill()) is a person asking again, and is obeyed.
  const bool typed = sig == SIGINT && info != nullptr && info->si_code == SI_KERNEL;
  if (!typed && now_ns() - g_first_ns.load(std::memory_order_relaxed) < kRepeatGraceNs) return;
  // End at once: the file being written goes (the ones written are whole:
  // they were renamed into place), then the signal's default action.
  remove_partial_outputs();
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  // Blocked while this handler runs; delivered, with the default action, as it returns.
  ::raise(sig);
}

}  // namespace

std::atomic<int>& interrupt_flag() { return g_flag; }

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_sigaction = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  // Both blocked while either's handler runs, so the two never interleave.
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART | SA_SIGINFO;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void request_interrupt(int signal) { g_flag.store(signal, std::memory_order_relaxed); }
void clear_interrupt() {
  g_flag.store(0, std::memory_order_relaxed);
  g_first_ns.store(0, std::memory_order_relaxed);
}

std::string interrupt_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  if (signal > 0) return "signal " + std::to_string(signal);
  return "a stop request";
}

}  // namespace checker

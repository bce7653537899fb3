#include "sim/stack_overflow.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace sim {

constinit thread_local RunningFiber running_fiber{};

namespace {

std::atomic<bool> installed{false};
std::atomic<int> overflow_exit_code{3};
std::atomic<const char*> overflow_hint{nullptr};
std::size_t guard_size = 0;  // one page, as StackPool maps it; set before the handler is
struct sigaction previous_segv, previous_bus;  // where a fault outside a guard page goes

// Only async-signal-safe calls from here on: write(2), no allocation, no stdio.
void put(const char* s) {
  if (!s) return;
  std::size_t n = std::strlen(s);
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void put_number(std::size_t v) {
  char buf[24];
  char* p = buf + sizeof buf;
  *--p = '\0';
  do *--p = static_cast<char>('0' + v % 10); while ((v /= 10) != 0);
  put(p);
}

void on_fault(int sig, siginfo_t* info, void*) {
  const RunningFiber f = running_fiber;
  const char* addr = static_cast<const char*>(info->si_addr);
  if (f.name && f.stack_bottom && addr < f.stack_bottom && addr >= f.stack_bottom - guard_size) {
    put("stack overflow in modelled thread \"");
    put(f.name);
    put("\" (stack ");
    put_number(f.stack_size / 1024);
    put(" KiB): it ran past the end of its fiber stack into the guard page below it\n");
    if (const char* hint = overflow_hint.load()) {
      put("hint: ");
      put(hint);
      put("\n");
    }
    ::_exit(overflow_exit_code.load());
  }
  // Not a fiber's stack overflow: put back the handler that was there before
  // (the default action, or AddressSanitizer's) and let it have this signal.
  // A fault happens again by itself when the faulting instruction re-runs;
  // a signal that a process sent must be sent again.
  ::sigaction(sig, sig == SIGSEGV ? &previous_segv : &previous_bus, nullptr);
  if (info->si_code <= 0) ::raise(sig);
}

// This thread's alternate signal stack, if we mapped it: taken down when the
// thread ends, after the kernel has been told to stop using it.
struct AltStack {
  void* base = nullptr;
  std::size_t size = 0;
  ~AltStack() {
    if (!base) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    ::sigaltstack(&off, nullptr);
    ::munmap(base, size);
  }
};
thread_local AltStack alt_stack;
constinit thread_local bool thread_prepared = false;

}  // namespace

void report_stack_overflows(int exit_code, const char* hint) {
  overflow_exit_code = exit_code;
  overflow_hint = hint;
  if (installed.exchange(true)) return;
  guard_size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  struct sigaction sa{};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGSEGV, &sa, &previous_segv);
  ::sigaction(SIGBUS, &sa, &previous_bus);
  thread_prepared = false;  // this thread, too, may need its alternate stack
  prepare_thread_for_overflow_reports();
}

void prepare_thread_for_overflow_reports() {
  if (thread_prepared || !installed.load(std::memory_order_relaxed)) return;
  thread_prepared = true;
  stack_t current{};
  if (::sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;  // has one
  // Room for the handler's few frames, also with AddressSanitizer's larger ones.
  const std::size_t size = 64 * 1024;
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return;  // no report then, only the plain SIGSEGV
  stack_t ss{};
  ss.ss_sp = base;
  ss.ss_size = size;
  if (::sigaltstack(&ss, nullptr) != 0) {
    ::munmap(base, size);
    return;
  }
  alt_stack.base = base;
  alt_stack.size = size;
}

}  // namespace sim

// A modelled thread that overflows its fiber stack is reported as such, with
// the thread's name and its stack size, and the process exits with the code
// the program chose; any other fault is left to the handler that was there
// before. Each case runs tests/sim/stack_overflow_probe.cpp as a child.
#include <doctest/doctest.h>
#include "sim/asan.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Ended {
  int exit_code = -1;  // -1: killed by a signal
  int signal = 0;
  std::string err;
};

Ended run_probe(const char* mode) {
  char path[] = "/tmp/interleave-overflow-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // a crash of the probe leaves no core file behind
    ::dup2(fd, STDERR_FILENO);
#if defined(INTERLEAVE_ASAN)
    // The report this test expects from AddressSanitizer goes to stderr, where
    // the test reads it, not to the log folder that scripts/sanitize checks.
    // clang's runtime takes log_path from UBSAN_OPTIONS too, after ASan's.
    for (const char* var : {"ASAN_OPTIONS", "UBSAN_OPTIONS"}) {
      const char* options = std::getenv(var);
      ::setenv(var, (std::string(options ? options : "") + ":log_path=stderr").c_str(), 1);
    }
#endif
    ::execl(STACK_OVERFLOW_PROBE, STACK_OVERFLOW_PROBE, mode, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fd);
  Ended e;
  if (WIFEXITED(status)) e.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  std::ostringstream text;
  text << std::ifstream(path).rdbuf();
  e.err = text.str();
  ::unlink(path);
  return e;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a modelled thread that overflows its stack is reported by name, with exit code 3, not a SIGSEGV") {
  for (const char* mode : {"overflow", "overflow-in-worker"}) {
    CAPTURE(mode);
    const Ended e = run_probe(mode);
    INFO(e.err);
    CHECK(e.signal == 0);
    CHECK(e.exit_code == 3);
    CHECK(has(e.err, "stack overflow in modelled thread \"recurser\" (stack 64 KiB)"));
    CHECK(has(e.err, "hint: give the modelled threads larger stacks"));
  }
}

TEST_CASE("a fault that is not a stack overflow goes to the handler that was there before") {
  const Ended e = run_probe("wild-write");
  INFO(e.err);
  CHECK_FALSE(has(e.err, "stack overflow"));
#if defined(INTERLEAVE_ASAN)
  // AddressSanitizer's own handler reports it.
  CHECK(has(e.err, "AddressSanitizer: SEGV on unknown address"));
  CHECK(e.exit_code != 0);
#else
  // The default action: the process dies by SIGSEGV.
  CHECK(e.signal == SIGSEGV);
#endif
}

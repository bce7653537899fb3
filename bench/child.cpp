#include "bench/child.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

namespace bench {

ChildRun run_fresh(const std::vector<std::string>& args) {
  using Clock = std::chrono::steady_clock;
  ChildRun run;
  std::fflush(stdout);
  std::fflush(stderr);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return run;
  // argv is built before the fork: the child only execs.
  std::vector<char*> argv;
  std::string name = "interleave-bench";
  argv.push_back(name.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return run;
  }
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n > 0) {
      run.out.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  ::close(out[0]);
  int status = 0;
  rusage ru{};
  pid_t w;
  do w = ::wait4(pid, &status, 0, &ru);
  while (w < 0 && errno == EINTR);
  if (w != pid) return run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.rss_kib = ru.ru_maxrss;
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  run.ok = run.exit_code == 0;
  return run;
}

}  // namespace bench

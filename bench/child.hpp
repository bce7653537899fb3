// Running this benchmark program again in a fresh process, to measure what
// one search costs on its own: its peak resident set (ru_maxrss of wait4)
// starts from nothing, where a forked copy of this process would start with
// the memory of every search before it. Tables 6 (memory) and 7 (scale) use it.
#pragma once

#include <string>
#include <vector>

namespace bench {

struct ChildRun {
  bool ok = false;     // it ran and exited with code 0
  int exit_code = -1;  // its exit code; -1 when it did not exit normally
  long rss_kib = -1;   // its peak resident set, KiB
  double seconds = 0;  // wall-clock time from fork to its end
  std::string out;     // what it wrote to its standard output
};

// Executes /proc/self/exe with `args` (argv[1..]) in a new process and waits
// for it; its standard output is captured, its standard error is this one's.
ChildRun run_fresh(const std::vector<std::string>& args);

}  // namespace bench

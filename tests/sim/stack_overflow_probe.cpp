// A program whose modelled thread "recurser" misbehaves, run by
// test_stack_overflow.cpp as a child process (a stack overflow ends the
// process, so it cannot happen inside the test runner):
//
//   stack_overflow_probe overflow            recurses until its 64 KiB fiber stack runs out
//   stack_overflow_probe overflow-in-worker  the same, on a second OS thread
//   stack_overflow_probe wild-write          writes to a protected page (not an overflow)
#include <sys/mman.h>

#include <cstdio>
#include <cstring>
#include <thread>

#include "sim/primitives.hpp"
#include "sim/stack_overflow.hpp"
#include "sim/stack_pool.hpp"
#include "tests/sim/scripted.hpp"

namespace {

// Each call keeps a frame of about half a kilobyte: small enough that the
// frames walk into the guard page instead of jumping over it.
[[gnu::noinline]] int recurse(int depth, int limit) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth == limit) return frame[0];
  return recurse(depth + 1, limit) + frame[0];
}

void run_model(bool overflow) {
  sim::StackPool pool(64 * 1024);
  sim::Execution ex(pool);
  sim::SharedWord w(ex, "w");
  ex.spawn("bystander", [&] { w.store(1); });
  ex.spawn("recurser", [&] {
    w.store(2);
    if (overflow) {
      std::printf("%d\n", recurse(0, 1 << 30));  // far more frames than 64 KiB hold
    } else {
      // A page that may not be touched, like a guard page, but no fiber's.
      void* page = ::mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      *static_cast<volatile int*>(page) = 1;
    }
  });
  sim::testing::Scripted strategy;
  ex.run(strategy, {});
}

}  // namespace

int main(int argc, char** argv) {
  sim::report_stack_overflows(3, "give the modelled threads larger stacks");
  const char* mode = argc > 1 ? argv[1] : "";
  if (std::strcmp(mode, "overflow") == 0) {
    run_model(true);
  } else if (std::strcmp(mode, "overflow-in-worker") == 0) {
    std::thread worker([] { run_model(true); });
    worker.join();
  } else if (std::strcmp(mode, "wild-write") == 0) {
    run_model(false);
  } else {
    std::fprintf(stderr, "usage: stack_overflow_probe overflow|overflow-in-worker|wild-write\n");
    return 2;
  }
  std::fprintf(stderr, "stack_overflow_probe: the model ended without a fault\n");
  return 0;
}

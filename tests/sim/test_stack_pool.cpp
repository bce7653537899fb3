// The pool of fiber stacks: stacks are reused, and (in the AddressSanitizer
// build) a stack is handed out with no poison left in its shadow, whether it
// was used before or is freshly mapped where another pool's stack was.
#include <doctest/doctest.h>
#include "sim/asan.hpp"

#include <cstddef>
#include <string>

#include "sim/stack_pool.hpp"

#if defined(INTERLEAVE_ASAN)
#include <sanitizer/asan_interface.h>
#endif

using namespace sim;

TEST_CASE("stack pool: a stack given back is handed out again, and only new ones are mapped") {
  StackPool pool(64 * 1024);
  boost::context::stack_context a = pool.take();
  const std::size_t mapped = pool.mapped();
  CHECK(a.size == pool.stack_size());
  CHECK(a.size >= 64 * 1024);
  pool.give_back(a);
  boost::context::stack_context b = pool.take();
  CHECK(b.sp == a.sp);
  CHECK(pool.mapped() == mapped);
  boost::context::stack_context c = pool.take();
  CHECK(c.sp != b.sp);
  CHECK(pool.mapped() == 2 * mapped);
  pool.give_back(b);
  pool.give_back(c);
}

#if defined(INTERLEAVE_ASAN)
namespace {

char* stack_low(const boost::context::stack_context& sc) { return static_cast<char*>(sc.sp) - sc.size; }

}  // namespace

// A fiber ends with a jump, not by returning through its frames, so their
// redzones stay poisoned in ASan's shadow; unmapping the stack does not clear
// the shadow either. A pool made later may get the same addresses from mmap:
// its fibers' frames would then be reported as overflows, or an exception
// thrown on that stack would trip ASan's own checks (it did, now and then, in
// `scripts/sanitize`: "CHECK failed: asan_thread.cpp ... kCurrentStackFrameMagic").
TEST_CASE("stack pool: no poison is left on a stack, reused or mapped where an old one was (ASan)") {
  char* old_low = nullptr;
  {
    StackPool first(64 * 1024);
    boost::context::stack_context sc = first.take();
    old_low = stack_low(sc);
    __asan_poison_memory_region(old_low, sc.size);  // as the frames of a fiber that jumped away
    first.give_back(sc);
    boost::context::stack_context again = first.take();
    CHECK(__asan_region_is_poisoned(stack_low(again), again.size) == nullptr);
    __asan_poison_memory_region(stack_low(again), again.size);
    first.give_back(again);
  }  // unmapped, the shadow still poisoned
  StackPool second(64 * 1024);
  boost::context::stack_context sc = second.take();
  INFO("the new stack is " << std::string(stack_low(sc) == old_low ? "where the old one was" : "elsewhere"));
  CHECK(__asan_region_is_poisoned(stack_low(sc), sc.size) == nullptr);
  second.give_back(sc);
}
#endif

// Fiber stacks, reused from one execution to the next: an execution starts a
// handful of fibers, and mapping fresh stacks for each would cost more than
// the execution itself. Every stack has a guard page below it, so a model
// that overflows its stack faults at once instead of corrupting memory
// (sim/stack_overflow.hpp turns that fault into a report).
//
// Under Valgrind every stack is registered with it (when the build found
// <valgrind/valgrind.h>), so that memcheck knows a switch to a fiber for what
// it is rather than taking it for a huge change of the stack pointer.
#pragma once

#include <cstddef>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace sim {

class StackPool {
 public:
  // The stack size of pools made without one: 256 KiB unless a program
  // changed it (interleave reads INTERLEAVE_STACK_KIB). Set it before any
  // worker thread makes a pool.
  static std::size_t default_stack_size();
  static void set_default_stack_size(std::size_t bytes);

  explicit StackPool(std::size_t stack_size = default_stack_size());
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context take();
  void give_back(boost::context::stack_context& sc);
  std::size_t stack_size() const { return size_; }
  std::size_t mapped() const { return mapped_; }

 private:
  std::size_t size_;  // usable bytes, guard page excluded
  std::size_t mapped_ = 0;
  std::vector<boost::context::stack_context> free_;
  std::vector<unsigned> valgrind_ids_;  // the stacks registered with Valgrind, if it runs us
};

// The StackAllocator that Boost.Context's fiber constructor takes. It tells
// `record`, when given, which stack it handed out (AddressSanitizer needs the
// bounds of the stack a switch goes to).
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool, boost::context::stack_context* record = nullptr)
      : pool_(&pool), record_(record) {}
  boost::context::stack_context allocate() {
    boost::context::stack_context sc = pool_->take();
    if (record_) *record_ = sc;
    return sc;
  }
  void deallocate(boost::context::stack_context& sc) noexcept { pool_->give_back(sc); }

 private:
  StackPool* pool_;
  boost::context::stack_context* record_;
};

}  // namespace sim

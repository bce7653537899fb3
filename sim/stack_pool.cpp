#include "sim/stack_pool.hpp"
#include "sim/asan.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <new>

#if defined(INTERLEAVE_HAVE_VALGRIND_H)
#include <valgrind/valgrind.h>
#endif
#if defined(INTERLEAVE_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace sim {

namespace {
std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
std::atomic<std::size_t> default_size{256 * 1024};

// AddressSanitizer's shadow of a stack about to be handed out may hold
// poison that no frame of the new fiber put there, in two ways: the fiber
// that used a pooled stack last ended with a jump, not by returning through
// its frames, so their redzones are still poisoned; and munmap does not clear
// the shadow, so a fresh mapping where another pool's stack was inherits its
// poison. A new fiber's frames there would be reported as overflows, or trip
// ASan's own checks when an exception unwinds them (__asan_handle_no_return:
// "CHECK failed ... kCurrentStackFrameMagic"): clear them in both cases.
void unpoison([[maybe_unused]] const boost::context::stack_context& sc) {
#if defined(INTERLEAVE_ASAN)
  __asan_unpoison_memory_region(static_cast<char*>(sc.sp) - sc.size, sc.size);
#endif
}
}  // namespace

std::size_t StackPool::default_stack_size() { return default_size.load(std::memory_order_relaxed); }
void StackPool::set_default_stack_size(std::size_t bytes) { default_size.store(bytes, std::memory_order_relaxed); }

StackPool::StackPool(std::size_t stack_size) {
  const std::size_t pg = page_size();
  size_ = (stack_size + pg - 1) / pg * pg;
}

StackPool::~StackPool() {
#if defined(INTERLEAVE_HAVE_VALGRIND_H)
  for (unsigned id : valgrind_ids_) VALGRIND_STACK_DEREGISTER(id);
#endif
  for (auto& sc : free_) {
    char* top = static_cast<char*>(sc.sp);
    ::munmap(top - size_ - page_size(), size_ + page_size());
  }
}

boost::context::stack_context StackPool::take() {
  if (!free_.empty()) {
    boost::context::stack_context sc = free_.back();
    free_.pop_back();
    unpoison(sc);
    return sc;
  }
  const std::size_t pg = page_size();
  void* base = ::mmap(nullptr, size_ + pg, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  ::mprotect(base, pg, PROT_NONE);  // the guard page, below the stack
  mapped_ += size_ + pg;
  boost::context::stack_context sc;
  sc.size = size_;
  sc.sp = static_cast<char*>(base) + pg + size_;  // stacks grow down from here
#if defined(INTERLEAVE_HAVE_VALGRIND_H)
  if (RUNNING_ON_VALGRIND)
    valgrind_ids_.push_back(VALGRIND_STACK_REGISTER(static_cast<char*>(base) + pg, sc.sp));
#endif
  unpoison(sc);
  return sc;
}

void StackPool::give_back(boost::context::stack_context& sc) { free_.push_back(sc); }

}  // namespace sim

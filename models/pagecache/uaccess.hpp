// User memory access from the kernel (include/asm-i386/uaccess.h,
// arch/i386/lib/usercopy.c in 2.4.0) and from user mode.
//
// A copy runs in chunks of Geometry.copy_chunk bytes, never across a user
// page: one visible step per chunk, so other threads run between chunks (a
// reader can see a page half written). A chunk that meets a user page whose
// pte is not present takes a page fault (do_page_fault, which may sleep on
// mmap_sem and in filemap_nopage) and is then retried. A fault that cannot be
// handled goes to the exception fixup: __copy_user_zeroing (copy_from_user)
// zero-fills the rest of the destination, in chunks too, and the copy
// returns the count not copied; __copy_user (copy_to_user) just stops.
//
// With Config.faults.copy_from_user, each copy_from_user may also fail after
// any number of bytes: a choice at its first chunk (0: no fault; k >= 1: the
// access at byte k-1 faults and cannot be handled).
#pragma once

#include <cstdint>
#include <vector>

#include "models/pagecache/config.hpp"
#include "models/pagecache/mm.hpp"
#include "sim/audit.hpp"
#include "sim/op.hpp"

namespace models::pagecache {

class State;

// Kernel memory a copy reads or writes: a page's data, or a buffer private to
// one thread (obj == kNoObject: no other thread can see it).
struct KernelBuf {
  std::uint8_t* data = nullptr;
  sim::ObjectId obj = sim::kNoObject;
  // The bytes, for a load or a store that the audit sees (sim/audit.hpp).
  const std::uint8_t* load() const {
    if (obj != sim::kNoObject) sim::audit::read(obj);
    return data;
  }
  std::uint8_t* store() const {
    if (obj != sim::kNoObject) sim::audit::write(obj);
    return data;
  }
};

// ---- The user/kernel split: access_ok ----
//
// User addresses lie below the variant's TASK_SIZE (Kernel::task_size): i386's
// 0xC0000000 for the 2.4, Zippel and 2.6.24 variants, x86-64's TASK_SIZE_MAX
// for linux-6-*. Nothing above it is modelled: kernel memory has no pte here.
constexpr std::uint64_t kI386TaskSize = 0xC0000000ull;  // include/asm-i386/processor.h TASK_SIZE = PAGE_OFFSET
// arch/x86/include/asm/page_64_types.h TASK_SIZE_MAX, 4-level paging:
// (1 << __VIRTUAL_MASK_SHIFT) - PAGE_SIZE, user space [0, 0x00007fffffffffff]
// (Documentation/arch/x86/x86_64/mm.rst) less its top guard page.
constexpr std::uint64_t kX86_64TaskSizeMax = (std::uint64_t{1} << 47) - 4096;

// access_ok(type, addr, size): the whole of [addr, addr + size) lies below
// TASK_SIZE. i386's __range_ok (include/asm-i386/uaccess.h L41, 2.4.0; the
// same in 2.4.17 and 2.6.24's uaccess_32.h) adds with the carry: addr + size
// must not wrap and must not pass the limit. x86-64's __access_ok (6.x
// arch/x86/include/asm/uaccess_64.h, with arch/x86/kernel/cpu/common.c
// USER_PTR_MAX = TASK_SIZE_MAX) checks the same sum. It reads only the
// thread's addr_limit: no step.
bool access_ok(const State& s, std::uint64_t addr, std::uint64_t size);

// copy_from_user (i386 __generic_copy_from_user: access_ok, then
// __copy_user_zeroing). Returns the number of bytes not copied. `copied`, when
// given, gets every byte the copy read from user memory, in order. When
// access_ok fails nothing is copied and, as 2.4.0's __generic_copy_from_user
// (arch/i386/lib/usercopy.c L51), nothing is zeroed: the destination keeps
// its bytes (2.4.17 added `else memset(to, 0, n)`, which its model never
// reaches: its generic_file_write checks access_ok up front).
std::uint32_t copy_from_user(State& s, KernelBuf to, std::uint64_t from, std::uint32_t n,
                             Bytes* copied = nullptr);

// __copy_to_user (i386 __copy_user). Returns the number of bytes not copied.
// `copied`, when given, gets every byte it stored to user memory, in order.
std::uint32_t __copy_to_user(State& s, std::uint64_t to, KernelBuf from, std::uint32_t n,
                             Bytes* copied = nullptr);

// __get_user of one byte (the prefault of generic_file_write): 0, or -EFAULT
// when the fault could not be handled. It does no access_ok: at a kernel
// address it loads the kernel's own byte (a fault there goes to
// vmalloc_fault, never to mmap_sem: arch/i386/mm/fault.c L127), which the
// model does not hold: one step that touches nothing, x = 0, 0.
int __get_user(State& s, std::uint64_t addr, std::uint8_t& x);

// __put_user of one byte (fault_in_pages_writeable of 2.6): 0, or -EFAULT.
// It stores `x` (the kernel's stores 0) into user memory.
int __put_user(State& s, std::uint64_t addr, std::uint8_t x);

// ---- Copies that never sleep in a page fault on a locked page ----

// The nonblocking copies of Roman Zippel's mail, idea 1 ("a nonblocking
// version of copy_(from|to)_user, which returns EAGAIN if it finds a locked
// page"): chunks as copy_from_user; a chunk that meets a user page that is
// not present takes the fault with its thread's faults marked nonblocking, so
// that filemap_nopage fails instead of sleeping on a locked page (the
// zippel-* variants' filemap_nopage reads the mark: set_fault_would_block).
// Such a fault ends the copy with `eagain`; nothing is zero-filled then. A
// fault that cannot be handled ends it too; copy_from_user_nonblocking
// zero-fills the rest of the destination then only when `zero_fill` (as
// __copy_user_zeroing's fixup). Injected faults (Config.faults) as in
// copy_from_user.
struct NonblockingCopy {
  std::uint32_t left = 0;  // bytes not copied
  bool eagain = false;     // a fault would have slept on a locked page
};
NonblockingCopy copy_from_user_nonblocking(State& s, KernelBuf to, std::uint64_t from, std::uint32_t n,
                                           Bytes* copied, bool zero_fill);
NonblockingCopy copy_to_user_nonblocking(State& s, std::uint64_t to, KernelBuf from, std::uint32_t n,
                                         Bytes* copied);

// __get_user of one byte whose fault is nonblocking in the same way (the
// prefault of zippel-combined while it holds a page lock): 0, -EFAULT, or
// -EAGAIN when the fault would have slept on a locked page.
int __get_user_nonblocking(State& s, std::uint64_t addr, std::uint8_t& x);

// The thread that runs now is inside a nonblocking copy's fault (for filemap_nopage).
bool fault_is_nonblocking(const State& s);
// filemap_nopage found a locked page in a nonblocking fault and did not sleep.
void set_fault_would_block(State& s);

// pagefault_disable(); __copy_from_user_inatomic() (2.6.24 on: the copy of
// generic_perform_write): a chunk that meets a user page that is not present
// takes no fault (in_atomic: straight to the exception fixup), so the copy
// stops there, never sleeps and takes no lock; the rest of the destination
// is left as it was (no zero-fill). Returns the bytes not copied. An injected
// fault (Config.faults.copy_from_user) stops it likewise; the number of the
// user page that faulted is appended to `bad`, when given: the fault could not
// be handled, so later copies stop at that page too and the caller's fault-in
// of it fails (the caller keeps `bad` for the rest of its system call).
std::uint32_t copy_from_user_atomic(State& s, KernelBuf to, std::uint64_t from, std::uint32_t n, Bytes* copied,
                                    std::vector<std::uint64_t>* bad = nullptr);
// __copy_to_user_inatomic (2.6's file_read_actor, fast path): the same, the
// other way; stores set the pte's dirty bit.
std::uint32_t __copy_to_user_inatomic(State& s, std::uint64_t to, KernelBuf from, std::uint32_t n,
                                      Bytes* copied = nullptr);

// A load or store of one byte by the thread in user mode (Operation::touch).
// A fault that cannot be handled would be a signal (SIGSEGV, SIGBUS); the
// result says which, and the access does not happen.
FaultResult user_access(State& s, std::uint64_t addr, bool store, std::uint8_t value, std::uint8_t& loaded);

}  // namespace models::pagecache

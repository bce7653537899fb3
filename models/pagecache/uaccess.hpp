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

#include "models/pagecache/config.hpp"
#include "models/pagecache/mm.hpp"
#include "sim/op.hpp"

namespace models::pagecache {

class State;

// Kernel memory a copy reads or writes: a page's data, or a buffer private to
// one thread (obj == kNoObject: no other thread can see it).
struct KernelBuf {
  std::uint8_t* data = nullptr;
  sim::ObjectId obj = sim::kNoObject;
};

// copy_from_user (i386 __generic_copy_from_user: access_ok, then
// __copy_user_zeroing). Returns the number of bytes not copied. `copied`, when
// given, gets every byte the copy read from user memory, in order.
std::uint32_t copy_from_user(State& s, KernelBuf to, std::uint64_t from, std::uint32_t n,
                             Bytes* copied = nullptr);

// __copy_to_user (i386 __copy_user). Returns the number of bytes not copied.
// `copied`, when given, gets every byte it stored to user memory, in order.
std::uint32_t __copy_to_user(State& s, std::uint64_t to, KernelBuf from, std::uint32_t n,
                             Bytes* copied = nullptr);

// __get_user of one byte (the prefault of generic_file_write): 0, or -EFAULT
// when the fault could not be handled.
int __get_user(State& s, std::uint64_t addr, std::uint8_t& x);

// A load or store of one byte by the thread in user mode (Operation::touch).
// A fault that cannot be handled would be a signal (SIGSEGV, SIGBUS); the
// result says which, and the access does not happen.
FaultResult user_access(State& s, std::uint64_t addr, bool store, std::uint8_t value, std::uint8_t& loaded);

}  // namespace models::pagecache

#include "models/pagecache/uaccess.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/pagecache/kernel.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/step.hpp"

namespace models::pagecache {

namespace {

constexpr std::uint32_t kNoFault = std::numeric_limits<std::uint32_t>::max();

// The bytes of a present user page: its own (anonymous) or the page-cache
// page its pte maps (MAP_SHARED), to load from or to store to: the access is
// reported to the audit (sim/audit.hpp) as a read or a write of the bytes'
// object, user[v].data or page[i].data, and a read of the pte.
const std::uint8_t* user_src(Pte& pte) {
  if (pte.shared) return pte.page->data.read().data();
  sim::audit::read(pte.anon_obj);
  return pte.anon.data();
}
std::uint8_t* user_dst(Pte& pte) {
  if (pte.shared) return pte.page->data.write().data();
  sim::audit::write(pte.anon_obj);
  return pte.anon.data();
}

// The length of the next chunk of a copy at user address `addr`.
std::uint32_t chunk_at(const State& s, std::uint64_t addr, std::uint32_t left) {
  const std::uint32_t ps = s.geo.page_size;
  return std::min({s.geo.copy_chunk, left, ps - static_cast<std::uint32_t>(addr % ps)});
}

// The copies and loads below that do no access_ok of their own are reached
// only after a caller's access_ok passed, or at addresses below TASK_SIZE:
// one that met a kernel address would read or write kernel memory, which the
// model does not hold, so that is a model bug, not a fault.
void require_user(const State& s, std::uint64_t addr, std::uint64_t n, const char* what) {
  if (!access_ok(s, addr, n))
    throw std::logic_error(std::string("model bug: ") + what + " at a kernel address without access_ok");
}

}  // namespace

bool access_ok(const State& s, std::uint64_t addr, std::uint64_t size) {
  const std::uint64_t limit = s.kernel->task_size();
  return size <= limit && addr <= limit - size;
}

// include/asm-i386/uaccess.h copy_from_user -> arch/i386/lib/usercopy.c L51
// __generic_copy_from_user: access_ok, then __copy_user_zeroing (uaccess.h
// L263); when access_ok fails, "return n" with nothing copied or zeroed.
std::uint32_t copy_from_user(State& s, KernelBuf to, std::uint64_t from, std::uint32_t n, Bytes* copied) {
  sim::Execution& ex = s.ex;
  if (!access_ok(s, from, n)) {
    Touches().step(ex, "copy_from_user: access_ok fails");
    return n;
  }
  bool fault_chosen = !s.cfg.faults.copy_from_user;
  std::uint32_t fault_at = kNoFault;  // injected: the access at this byte fails
  std::uint32_t done = 0;
  while (done < n) {
    const std::uint64_t addr = from + done;
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.r(pte->obj).r(s.mm.data_obj(*pte, s));
    t.w(to.obj).step(ex, "copy_from_user");
    if (!fault_chosen) {
      fault_chosen = true;
      const std::uint32_t v = ex.choose(n + 1, "copy_from_user fails after");
      if (v > 0) fault_at = v - 1;
    }
    if (fault_at == done) break;  // the injected fault: the fixup
    std::uint32_t len = chunk_at(s, addr, n - done);
    if (fault_at != kNoFault) len = std::min(len, fault_at - done);
    if (!pte || !pte->present) {
      // The access faults: do_page_fault, then the instruction is retried,
      // or the exception table's fixup runs.
      if (do_page_fault(s, addr, false) == FaultResult::handled) continue;
      break;
    }
    // Byte by byte, forwards (rep movsb): the source may be a mapping of the
    // destination page itself.
    const std::uint8_t* src = user_src(*pte) + addr % s.geo.page_size;
    for (std::uint32_t k = 0; k < len; ++k) {
      const std::uint8_t b = src[k];
      to.store()[done + k] = b;
      if (copied) copied->push_back(b);
    }
    done += len;
  }
  if (done == n) return 0;
  // The fixup of __copy_user_zeroing: rep stosb over the rest of the destination.
  for (std::uint32_t z = done; z < n;) {
    const std::uint32_t len = std::min(s.geo.copy_chunk, n - z);
    if (to.obj != sim::kNoObject) Touches().w(to.obj).step(ex, "__copy_user_zeroing: zero-fill");
    std::fill_n(to.store() + z, len, std::uint8_t{0});
    z += len;
  }
  return n - done;
}

// include/asm-i386/uaccess.h __copy_to_user -> __copy_user: no zeroing; the
// hardware sets the dirty bit of the pte it stores through.
std::uint32_t __copy_to_user(State& s, std::uint64_t to, KernelBuf from, std::uint32_t n, Bytes* copied) {
  sim::Execution& ex = s.ex;
  require_user(s, to, n, "__copy_to_user");
  std::uint32_t done = 0;
  while (done < n) {
    const std::uint64_t addr = to + done;
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.w(pte->obj).w(s.mm.data_obj(*pte, s));
    t.r(from.obj).step(ex, "copy_to_user");
    if (!pte || !pte->present) {
      if (do_page_fault(s, addr, true) == FaultResult::handled) continue;
      break;
    }
    const std::uint32_t len = chunk_at(s, addr, n - done);
    std::uint8_t* dst = user_dst(*pte) + addr % s.geo.page_size;
    for (std::uint32_t k = 0; k < len; ++k) {  // forwards, as rep movsb
      const std::uint8_t b = from.load()[done + k];
      dst[k] = b;
      if (copied) copied->push_back(b);
    }
    pte->dirty = true;
    done += len;
  }
  return n - done;
}

// include/asm-i386/uaccess.h __get_user (__get_user_asm with its fixup).
int __get_user(State& s, std::uint64_t addr, std::uint8_t& x) {
  if (!access_ok(s, addr, 1)) {
    Touches().step(s.ex, "__get_user (kernel address)");
    x = 0;
    return 0;
  }
  for (;;) {
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.r(pte->obj).r(s.mm.data_obj(*pte, s));
    t.step(s.ex, "__get_user");
    if (pte && pte->present) {
      x = user_src(*pte)[addr % s.geo.page_size];
      return 0;
    }
    if (do_page_fault(s, addr, false) != FaultResult::handled) {
      x = 0;
      return -14;  // -EFAULT
    }
  }
}

// include/asm-i386/uaccess.h __put_user (__put_user_asm with its fixup).
int __put_user(State& s, std::uint64_t addr, std::uint8_t x) {
  require_user(s, addr, 1, "__put_user");
  for (;;) {
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.w(pte->obj).w(s.mm.data_obj(*pte, s));
    t.step(s.ex, "__put_user");
    if (pte && pte->present) {
      user_dst(*pte)[addr % s.geo.page_size] = x;
      pte->dirty = true;
      return 0;
    }
    if (do_page_fault(s, addr, true) != FaultResult::handled) return -14;  // -EFAULT
  }
}

// ---------------------------------------------------------------- nonblocking copies

bool fault_is_nonblocking(const State& s) {
  const sim::ThreadId t = s.ex.current();
  return t < s.nonblocking_faults.size() && s.nonblocking_faults[t] != 0;
}

void set_fault_would_block(State& s) {
  const sim::ThreadId t = s.ex.current();
  if (t >= s.nonblocking_faults.size() || !s.nonblocking_faults[t])
    throw std::logic_error("model bug: set_fault_would_block outside a nonblocking fault");
  s.nonblocking_faults[t] = 2;
}

namespace {

// do_page_fault with the current thread's faults nonblocking. Returns
// handled, or sets `eagain` when filemap_nopage would have slept.
FaultResult nonblocking_fault(State& s, std::uint64_t addr, bool write, bool& eagain) {
  const sim::ThreadId t = s.ex.current();
  if (t >= s.nonblocking_faults.size()) s.nonblocking_faults.resize(t + 1, 0);
  s.nonblocking_faults[t] = 1;
  const FaultResult r = do_page_fault(s, addr, write);
  eagain = s.nonblocking_faults[t] == 2;
  s.nonblocking_faults[t] = 0;
  return r;
}

}  // namespace

int __get_user_nonblocking(State& s, std::uint64_t addr, std::uint8_t& x) {
  if (!access_ok(s, addr, 1)) {  // as __get_user: the kernel's own byte, no fault
    Touches().step(s.ex, "__get_user_nonblocking (kernel address)");
    x = 0;
    return 0;
  }
  for (;;) {
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.r(pte->obj).r(s.mm.data_obj(*pte, s));
    t.step(s.ex, "__get_user_nonblocking");
    if (pte && pte->present) {
      x = user_src(*pte)[addr % s.geo.page_size];
      return 0;
    }
    bool eagain = false;
    if (nonblocking_fault(s, addr, false, eagain) != FaultResult::handled) {
      x = 0;
      return eagain ? -11 : -14;  // -EAGAIN : -EFAULT
    }
  }
}

NonblockingCopy copy_from_user_nonblocking(State& s, KernelBuf to, std::uint64_t from, std::uint32_t n,
                                           Bytes* copied, bool zero_fill) {
  sim::Execution& ex = s.ex;
  NonblockingCopy r;
  if (!access_ok(s, from, n)) {  // as copy_from_user: nothing copied, nothing zeroed
    Touches().step(ex, "copy_from_user_nonblocking: access_ok fails");
    r.left = n;
    return r;
  }
  bool fault_chosen = !s.cfg.faults.copy_from_user;
  std::uint32_t fault_at = kNoFault;
  std::uint32_t done = 0;
  bool failed = false;
  while (done < n) {
    const std::uint64_t addr = from + done;
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.r(pte->obj).r(s.mm.data_obj(*pte, s));
    t.w(to.obj).step(ex, "copy_from_user_nonblocking");
    if (!fault_chosen) {
      fault_chosen = true;
      const std::uint32_t v = ex.choose(n + 1, "copy_from_user fails after");
      if (v > 0) fault_at = v - 1;
    }
    if (fault_at == done) {
      failed = true;
      break;
    }
    std::uint32_t len = chunk_at(s, addr, n - done);
    if (fault_at != kNoFault) len = std::min(len, fault_at - done);
    if (!pte || !pte->present) {
      bool eagain = false;
      if (nonblocking_fault(s, addr, false, eagain) == FaultResult::handled) continue;
      if (eagain) {
        r.eagain = true;
      } else {
        failed = true;
      }
      break;
    }
    const std::uint8_t* src = user_src(*pte) + addr % s.geo.page_size;
    for (std::uint32_t k = 0; k < len; ++k) {
      const std::uint8_t b = src[k];
      to.store()[done + k] = b;
      if (copied) copied->push_back(b);
    }
    done += len;
  }
  r.left = n - done;
  if (failed && zero_fill) {
    for (std::uint32_t z = done; z < n;) {
      const std::uint32_t len = std::min(s.geo.copy_chunk, n - z);
      if (to.obj != sim::kNoObject) Touches().w(to.obj).step(ex, "__copy_user_zeroing: zero-fill");
      std::fill_n(to.store() + z, len, std::uint8_t{0});
      z += len;
    }
  }
  return r;
}

NonblockingCopy copy_to_user_nonblocking(State& s, std::uint64_t to, KernelBuf from, std::uint32_t n,
                                         Bytes* copied) {
  sim::Execution& ex = s.ex;
  require_user(s, to, n, "copy_to_user_nonblocking");
  NonblockingCopy r;
  std::uint32_t done = 0;
  while (done < n) {
    const std::uint64_t addr = to + done;
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.w(pte->obj).w(s.mm.data_obj(*pte, s));
    t.r(from.obj).step(ex, "copy_to_user_nonblocking");
    if (!pte || !pte->present) {
      bool eagain = false;
      if (nonblocking_fault(s, addr, true, eagain) == FaultResult::handled) continue;
      r.eagain = eagain;
      break;
    }
    const std::uint32_t len = chunk_at(s, addr, n - done);
    std::uint8_t* dst = user_dst(*pte) + addr % s.geo.page_size;
    for (std::uint32_t k = 0; k < len; ++k) {
      const std::uint8_t b = from.load()[done + k];
      dst[k] = b;
      if (copied) copied->push_back(b);
    }
    pte->dirty = true;
    done += len;
  }
  r.left = n - done;
  return r;
}

// ---------------------------------------------------------------- atomic copies

// include/asm-x86/uaccess_32.h __copy_from_user_inatomic(_nocache) under
// pagefault_disable (include/linux/uaccess.h): "the uncopied bytes will *NOT*
// be padded with zeros".
std::uint32_t copy_from_user_atomic(State& s, KernelBuf to, std::uint64_t from, std::uint32_t n, Bytes* copied,
                                    std::vector<std::uint64_t>* bad) {
  sim::Execution& ex = s.ex;
  require_user(s, from, n, "__copy_from_user_inatomic");
  bool fault_chosen = !s.cfg.faults.copy_from_user;
  std::uint32_t fault_at = kNoFault;
  std::uint32_t done = 0;
  while (done < n) {
    const std::uint64_t addr = from + done;
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.r(pte->obj).r(s.mm.data_obj(*pte, s));
    t.w(to.obj).step(ex, "copy_from_user_inatomic");
    if (!fault_chosen) {
      fault_chosen = true;
      const std::uint32_t v = ex.choose(n + 1, "copy_from_user fails after");
      if (v > 0) fault_at = v - 1;
    }
    if (fault_at == done) {
      if (bad) bad->push_back(addr / s.geo.page_size);
      break;
    }
    // A user page whose injected fault could not be handled stays bad.
    if (bad && std::find(bad->begin(), bad->end(), addr / s.geo.page_size) != bad->end()) break;
    std::uint32_t len = chunk_at(s, addr, n - done);
    if (fault_at != kNoFault) len = std::min(len, fault_at - done);
    // A page that is not present: do_page_fault sees in_atomic() and goes
    // straight to the fixup, which ends the copy.
    if (!pte || !pte->present) break;
    const std::uint8_t* src = user_src(*pte) + addr % s.geo.page_size;
    for (std::uint32_t k = 0; k < len; ++k) {
      const std::uint8_t b = src[k];
      to.store()[done + k] = b;
      if (copied) copied->push_back(b);
    }
    done += len;
  }
  return n - done;
}

std::uint32_t __copy_to_user_inatomic(State& s, std::uint64_t to, KernelBuf from, std::uint32_t n, Bytes* copied) {
  sim::Execution& ex = s.ex;
  require_user(s, to, n, "__copy_to_user_inatomic");
  std::uint32_t done = 0;
  while (done < n) {
    const std::uint64_t addr = to + done;
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) t.w(pte->obj).w(s.mm.data_obj(*pte, s));
    t.r(from.obj).step(ex, "copy_to_user_inatomic");
    if (!pte || !pte->present) break;
    const std::uint32_t len = chunk_at(s, addr, n - done);
    std::uint8_t* dst = user_dst(*pte) + addr % s.geo.page_size;
    for (std::uint32_t k = 0; k < len; ++k) {
      const std::uint8_t b = from.load()[done + k];
      dst[k] = b;
      if (copied) copied->push_back(b);
    }
    pte->dirty = true;
    done += len;
  }
  return n - done;
}

FaultResult user_access(State& s, std::uint64_t addr, bool store, std::uint8_t value, std::uint8_t& loaded) {
  require_user(s, addr, 1, "a user access");  // the loader takes no touch of a kernel address
  for (;;) {
    Pte* pte = s.mm.pte_of(addr, s.geo.page_size);
    Touches t;
    if (pte) {
      if (store)
        t.w(pte->obj).w(s.mm.data_obj(*pte, s));
      else
        t.r(pte->obj).r(s.mm.data_obj(*pte, s));
    }
    t.step(s.ex, store ? "user store" : "user load");
    if (pte && pte->present) {
      if (store) {
        user_dst(*pte)[addr % s.geo.page_size] = value;
        pte->dirty = true;
      }
      loaded = user_src(*pte)[addr % s.geo.page_size];
      return FaultResult::handled;
    }
    const FaultResult r = do_page_fault(s, addr, store);
    if (r != FaultResult::handled) return r;
  }
}

}  // namespace models::pagecache

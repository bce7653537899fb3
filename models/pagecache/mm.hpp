// The process address space (struct mm_struct, include/linux/sched.h): one
// process whose threads are the scenario's threads. mmap_sem (a semaphore used
// as a mutex in 2.4.0), the vm areas made from Config.regions, and a pte per
// user page. Its fault path is i386 do_page_fault (arch/i386/mm/fault.c) ->
// handle_mm_fault -> handle_pte_fault -> do_no_page (mm/memory.c), which calls
// the vma's nopage, the variant's filemap_nopage, for a MAP_SHARED mapping.
//
// Objects: mm.mmap_sem; pte[v] (the pte of user page v: present, dirty, which
// page); user[v].data (the bytes of an anonymous user page). A MAP_SHARED pte
// maps a page-cache page: user accesses read and write page[i].data.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "models/pagecache/config.hpp"
#include "models/pagecache/page.hpp"
#include "sim/audit.hpp"
#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace models::pagecache {

class State;

// One user page: its pte and, for anonymous memory, its bytes (kept while
// not present, as if swapped out).
struct Pte {
  std::uint64_t vpn = 0;              // user address / page size
  const Region* region = nullptr;
  bool vma = false;                   // covered by a vm area (false: invalid, or unmapped by munmap)
  bool shared = false;                // MAP_SHARED of the file
  std::uint32_t file_index = 0;       // shared: the page-cache index it maps
  sim::ObjectId obj = sim::kNoObject;       // pte[v]
  // Owned by pte[v] (obj; set with it, sim/audit.hpp).
  sim::Audited<bool> present;
  sim::Audited<bool> dirty;           // the hardware dirty bit
  sim::Audited<Page*> page;           // shared and present: the page it maps (holds a reference)
  void set_obj(sim::ObjectId o) {
    obj = o;
    present.set_owner(o);
    dirty.set_owner(o);
    page.set_owner(o);
  }
  sim::ObjectId anon_obj = sim::kNoObject;  // user[v].data
  Bytes anon;
};

struct MmStruct {
  explicit MmStruct(sim::Execution& ex);

  sim::Semaphore mmap_sem;
  // From 2.4.3 on mm->mmap_sem is a struct rw_semaphore: page faults take it
  // for reading, munmap for writing. Made only by the variants of those
  // kernels (use_rw_mmap_sem, from their Kernel constructor); the helpers
  // below then use it instead of the 2.4.0 semaphore.
  std::unique_ptr<sim::RwSemaphore> mmap_rwsem;
  void use_rw_mmap_sem(sim::Execution& ex) { mmap_rwsem = std::make_unique<sim::RwSemaphore>(ex, "mm.mmap_sem"); }
  std::map<std::uint64_t, Pte> ptes;  // by vpn: every user page of every region

  // The pte of the user page holding `addr`, or nullptr when no region has it.
  Pte* pte_of(std::uint64_t addr, std::uint32_t page_size);
  // mm/mmap.c find_vma, as the fault path uses it: the user page is in a vma.
  Pte* find_vma(std::uint64_t addr, std::uint32_t page_size);
  // The object holding the bytes a user access to this page touches.
  sim::ObjectId data_obj(const Pte& pte, const State& s) const;
};

// mm->mmap_sem taken for reading (down_read; in 2.4.0, whose mmap_sem is a
// semaphore, down) or for writing (down_write; in 2.4.0, down). Each is one
// visible operation, as the primitive's.
void down_read_mmap_sem(MmStruct& mm, const char* label);
void up_read_mmap_sem(MmStruct& mm, const char* label);
void down_write_mmap_sem(MmStruct& mm, const char* label);
void up_write_mmap_sem(MmStruct& mm, const char* label);

enum class FaultResult : std::uint8_t {
  handled,  // the pte is present now: the access is retried
  sigsegv,  // bad_area: no vma, or no permission
  sigbus,   // nopage returned NULL (beyond the end of the file, or a read error)
};

// arch/i386/mm/fault.c L106 do_page_fault: down(mmap_sem), find_vma,
// handle_mm_fault, up(mmap_sem). A kernel-mode fault that cannot be handled
// goes to the exception fixup (the caller's copy stops); the signal a user
// would get is not modelled beyond the result.
FaultResult do_page_fault(State& s, std::uint64_t address, bool write);

// mm/memory.c L1192 handle_mm_fault (-> handle_pte_fault L1153 -> do_no_page
// L1091): returns 0 for SIGBUS, 1 or 2 when handled.
int handle_mm_fault(State& s, Pte& pte, std::uint64_t address, bool write_access);

// mm/memory.c zap_pte_range + free_pte for one pte, one step: a dirty pte
// of a page still in the page cache dirties it; the pte's reference is
// dropped. `remove_vma`: munmap takes the page out of its vma too
// (truncation's zap, vmtruncate_list, leaves the vma).
void zap_pte(State& s, Pte& pte, const char* label, bool remove_vma);

// mm/mmap.c L764 sys_munmap: down(mmap_sem), do_munmap (remove the vmas, then
// zap_page_range: a dirty pte dirties its page; drop the page), up(mmap_sem).
std::int64_t sys_munmap(State& s, std::uint64_t addr, std::uint64_t len);

}  // namespace models::pagecache

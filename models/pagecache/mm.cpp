#include "models/pagecache/mm.hpp"

#include "models/pagecache/kernel.hpp"
#include "models/pagecache/page.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/step.hpp"

namespace models::pagecache {

MmStruct::MmStruct(sim::Execution& ex) : mmap_sem(ex, "mm.mmap_sem", 1) {}

void down_read_mmap_sem(MmStruct& mm, const char* label) {
  if (mm.mmap_rwsem)
    mm.mmap_rwsem->down_read(label);
  else
    mm.mmap_sem.down(label);
}

void up_read_mmap_sem(MmStruct& mm, const char* label) {
  if (mm.mmap_rwsem)
    mm.mmap_rwsem->up_read(label);
  else
    mm.mmap_sem.up(label);
}

void down_write_mmap_sem(MmStruct& mm, const char* label) {
  if (mm.mmap_rwsem)
    mm.mmap_rwsem->down_write(label);
  else
    mm.mmap_sem.down(label);
}

void up_write_mmap_sem(MmStruct& mm, const char* label) {
  if (mm.mmap_rwsem)
    mm.mmap_rwsem->up_write(label);
  else
    mm.mmap_sem.up(label);
}

Pte* MmStruct::pte_of(std::uint64_t addr, std::uint32_t page_size) {
  auto it = ptes.find(addr / page_size);
  return it == ptes.end() ? nullptr : &it->second;
}

Pte* MmStruct::find_vma(std::uint64_t addr, std::uint32_t page_size) {
  Pte* pte = pte_of(addr, page_size);
  return pte && pte->vma ? pte : nullptr;
}

sim::ObjectId MmStruct::data_obj(const Pte& pte, const State& s) const {
  return pte.shared ? s.slots[pte.file_index]->data_obj : pte.anon_obj;
}

// mm/memory.c L1091 do_no_page (L1061 do_anonymous_page for memory that has
// no vm_ops; an anonymous page that is not present keeps its bytes, as a page
// that do_swap_page would read back).
static int do_no_page(State& s, Pte& pte, std::uint64_t address, bool write_access) {
  if (!pte.shared) {
    step(s.ex, "do_anonymous_page: set_pte", {W(pte.obj), W(pte.anon_obj)});
    pte.present = true;
    if (write_access) pte.dirty = true;
    return 1;  // Minor fault
  }
  // new_page = vma->vm_ops->nopage(vma, address & PAGE_MASK, (vma->vm_flags & VM_SHARED) ? 0 : write_access)
  const std::uint64_t ps = s.geo.page_size;
  Page* page = s.kernel->filemap_nopage(pte, address / ps * ps, false);
  if (!page) return 0;  // no page was available -- SIGBUS
  step(s.ex, "do_no_page: set_pte", {W(pte.obj), R(page->obj())});
  pte.page = page;  // the reference nopage took is the pte's now
  pte.present = true;
  if (write_access) pte.dirty = true;  // pte_mkwrite(pte_mkdirty(entry))
  // 2.6.23 on (__do_fault): ->fault returned the page locked
  // (VM_FAULT_LOCKED); it is unlocked once the pte is installed.
  if (s.kernel->nopage_returns_locked()) UnlockPage(*page);
  return 2;  // Major fault
}

// mm/memory.c L1192 handle_mm_fault -> L1153 handle_pte_fault.
int handle_mm_fault(State& s, Pte& pte, std::uint64_t address, bool write_access) {
  // spin_lock(&mm->page_table_lock); entry = *pte;
  step(s.ex, "handle_pte_fault", {W(pte.obj)});
  if (!pte.present) {
    // spin_unlock(&mm->page_table_lock); pte_none(entry)
    return do_no_page(s, pte, address, write_access);
  }
  if (write_access) pte.dirty = true;  // entry = pte_mkdirty(entry); establish_pte
  return 1;
}

// arch/i386/mm/fault.c L106 do_page_fault.
FaultResult do_page_fault(State& s, std::uint64_t address, bool write) {
  MmStruct& mm = s.mm;
  // (2.4.3 on: down_read(&mm->mmap_sem) of an rw_semaphore.)
  down_read_mmap_sem(mm, mm.mmap_rwsem ? "do_page_fault: down_read(mmap_sem)" : "do_page_fault: down(mmap_sem)");
  const char* up_label = mm.mmap_rwsem ? "do_page_fault: up_read(mmap_sem)" : "do_page_fault: up(mmap_sem)";
  // vma = find_vma(mm, address): the vma list does not change while mmap_sem is held.
  Pte* vma = mm.find_vma(address, s.geo.page_size);
  if (!vma) {
    // bad_area: up(&mm->mmap_sem); then SIGSEGV, or the fixup for a kernel access
    up_read_mmap_sem(mm, up_label);
    return FaultResult::sigsegv;
  }
  // good_area: every region of the model is readable and writable.
  const int r = handle_mm_fault(s, *vma, address, write);
  up_read_mmap_sem(mm, up_label);
  return r == 0 ? FaultResult::sigbus : FaultResult::handled;  // do_sigbus: up(mmap_sem) first
}

// mm/memory.c L289 zap_pte_range and L262 free_pte, for one pte, in one
// step under page_table_lock. Whether the pte maps a page is read inside the
// step: reclaim (vmscan.cpp try_to_swap_out) clears ptes without mmap_sem, so
// a look before it would be stale. A shared pte can map only the page of its
// file index, whose page->mapping (page[i].count) the step reads; an
// anonymous one none.
void zap_pte(State& s, Pte& pte, const char* label, bool remove_vma) {
  if (pte.shared)
    step(s.ex, label, {W(pte.obj), R(s.slots[pte.file_index]->count_obj)});
  else
    step(s.ex, label, {W(pte.obj)});
  Page* page = pte.present && pte.shared ? static_cast<Page*>(pte.page) : nullptr;
  if (pte.shared && !page) narrow(s.ex, {W(pte.obj)});
  if (remove_vma) pte.vma = false;
  const bool dirty = pte.dirty;
  pte.present = false;
  pte.dirty = false;
  pte.page = nullptr;
  if (page) {
    // free_pte: if (pte_dirty(pte) && page->mapping) set_page_dirty(page);
    if (dirty && page->mapping) set_page_dirty(s.mapping, *page);
    page_cache_release(*page);  // free_page_and_swap_cache
  }
}

// mm/mmap.c L764 sys_munmap -> L669 do_munmap -> mm/memory.c zap_page_range
// (L289 zap_pte_range, L262 free_pte).
std::int64_t sys_munmap(State& s, std::uint64_t addr, std::uint64_t len) {
  MmStruct& mm = s.mm;
  const std::uint64_t ps = s.geo.page_size;
  down_write_mmap_sem(mm, mm.mmap_rwsem ? "sys_munmap: down_write(mmap_sem)" : "sys_munmap: down(mmap_sem)");
  std::int64_t ret = 0;
  // do_munmap: "if ((addr & ~PAGE_MASK) || addr > TASK_SIZE || len >
  // TASK_SIZE-addr) return -EINVAL;" (2.4.0 mm/mmap.c L673; 2.4.17 L912;
  // 2.6.24 L1843; Linux 6's do_vmi_munmap the same), then a length that
  // PAGE_ALIGN makes 0.
  const std::uint64_t task_size = s.kernel->task_size();
  if (addr % ps != 0 || addr > task_size || len > task_size - addr || (len + ps - 1) / ps == 0) {
    ret = -22;  // -EINVAL
  } else {
    const std::uint64_t end = addr + (len + ps - 1) / ps * ps;
    for (std::uint64_t a = addr; a < end; a += ps) {
      Pte* pte = mm.find_vma(a, s.geo.page_size);
      if (!pte) continue;
      // The vma leaves the list and its ptes are cleared (page_table_lock).
      zap_pte(s, *pte, "zap_pte_range", true);
    }
  }
  up_write_mmap_sem(mm, mm.mmap_rwsem ? "sys_munmap: up_write(mmap_sem)" : "sys_munmap: up(mmap_sem)");
  return ret;
}

}  // namespace models::pagecache

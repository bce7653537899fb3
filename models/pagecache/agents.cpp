#include "models/pagecache/agents.hpp"

#include <vector>

#include "models/pagecache/disk.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/vmscan.hpp"

namespace models::pagecache {

namespace {

// The objects a guard reads, named as reads of the wake step; past
// sim::kMaxTouches the step touches all (Touches::r_or_all).
void add_read(Touches& t, std::vector<sim::ObjectId>& named, sim::ObjectId o) {
  for (sim::ObjectId n : named)
    if (n == o) return;
  named.push_back(o);
  t.r_or_all(o);
}

// What reclaim can act on now. try_to_swap_out unmaps a present pte whose
// page it can lock (TryLockPage); page_launder (then reclaim_page) acts on a
// cached page that is not locked and not in use by others (with buffers, it
// frees them; dirty, it writes it). Every other case is one of their "do
// nothing" exits, which change nothing.
struct ReclaimWork {
  State* s = nullptr;
  std::vector<Pte*> ptes;  // the targets of try_to_swap_out
  std::vector<std::uint32_t> can_act;  // now: pte k as k, page index i as ptes.size() + i

  static bool pte_actionable(const Pte& pte) { return pte.present && !pte.page->locked(); }
  bool page_actionable(std::uint32_t index) const {
    const Page* page = s->mapping.__find_page_nolock(index);
    return page && !page->locked() && (page->has_buffers || page->count <= 1);
  }
  void collect() {
    can_act.clear();
    for (std::uint32_t k = 0; k < ptes.size(); ++k)
      if (pte_actionable(*ptes[k])) can_act.push_back(k);
    for (std::uint32_t i = 0; i < s->geo.pages; ++i)
      if (page_actionable(i)) can_act.push_back(static_cast<std::uint32_t>(ptes.size()) + i);
  }
  static bool any(const void* arg) {
    const auto& w = *static_cast<const ReclaimWork*>(arg);
    for (const Pte* pte : w.ptes)
      if (pte_actionable(*pte)) return true;
    for (std::uint32_t i = 0; i < w.s->geo.pages; ++i)
      if (w.page_actionable(i)) return true;
    return false;
  }
};

// What bdflush can act on now: a dirty, unlocked buffer of a cached page.
struct WritebackWork {
  State* s = nullptr;
  std::vector<std::uint32_t> can_act;  // buffer (index, block) as index * blocks_per_page + block

  bool actionable(std::uint32_t index, std::uint32_t block) const {
    const Page* page = s->mapping.__find_page_nolock(index);
    return page && page->has_buffers && page->buffers[block].dirty && !page->buffers[block].locked();
  }
  void collect() {
    can_act.clear();
    for (std::uint32_t i = 0; i < s->geo.pages; ++i)
      for (std::uint32_t b = 0; b < s->blocks_per_page; ++b)
        if (actionable(i, b)) can_act.push_back(i * s->blocks_per_page + b);
  }
  static bool any(const void* arg) {
    const auto& w = *static_cast<const WritebackWork*>(arg);
    for (std::uint32_t i = 0; i < w.s->geo.pages; ++i)
      for (std::uint32_t b = 0; b < w.s->blocks_per_page; ++b)
        if (w.actionable(i, b)) return true;
    return false;
  }
};

}  // namespace

// The agent wakes only when it has something to act on (a guarded step, as
// SPIN gives a process a guard): a wake-up that would find nothing to do
// changes nothing, and leaving it out keeps the search from ordering it
// against every step that it would have looked at. Why nothing is lost: a
// target is "actionable" exactly when the action's own checks would let it
// change something (the complement of their do-nothing exits, see
// ReclaimWork), so every execution of an agent that may also wake idly is
// an execution of this one with the idle wake-ups left out, and those
// changed nothing. The budget counts actions: each wake-up acts on a target
// it can act on then (by the action's next step another thread may have
// changed that, and the action's own checks find out). The wake step reads
// what the guard and the choice read.
void reclaim_agent(State& s, std::uint32_t budget) {
  ReclaimWork work;
  work.s = &s;
  for (auto& [vpn, pte] : s.mm.ptes)
    if (pte.shared) work.ptes.push_back(&pte);
  Touches wake;
  std::vector<sim::ObjectId> named;
  for (const Pte* pte : work.ptes) {
    add_read(wake, named, pte->obj);
    add_read(wake, named, s.slots[pte->file_index]->PG_locked.id());
  }
  add_read(wake, named, s.mapping.obj);
  for (std::uint32_t i = 0; i < s.geo.pages; ++i) {
    add_read(wake, named, s.slots[i]->obj);
    add_read(wake, named, s.slots[i]->count_obj);
    add_read(wake, named, s.slots[i]->PG_locked.id());
  }
  wake.guard({&ReclaimWork::any, &work});
  for (std::uint32_t k = 0; k < budget; ++k) {
    wake.step(s.ex, "kswapd wakes");
    if (s.epilogue) return;
    work.collect();
    const std::uint32_t c = work.can_act[s.ex.choose(static_cast<std::uint32_t>(work.can_act.size()),
                                                     "reclaim: which pte (swap_out) or page (evict) it can act on")];
    if (c < work.ptes.size()) {
      try_to_swap_out(s, *work.ptes[c]);
    } else {
      const auto index = static_cast<std::uint32_t>(c - work.ptes.size());
      page_launder(s, index);
      reclaim_page(s, index);
    }
  }
}

void writeback_agent(State& s, std::uint32_t budget) {
  if (s.cfg.filesystem == Filesystem::ramfs) return;  // no buffers, no backing store
  WritebackWork work;
  work.s = &s;
  Touches wake;
  std::vector<sim::ObjectId> named;
  add_read(wake, named, s.mapping.obj);
  for (std::uint32_t i = 0; i < s.geo.pages; ++i) {
    add_read(wake, named, s.slots[i]->obj);
    add_read(wake, named, s.slots[i]->buffers_obj);
    for (std::uint32_t b = 0; b < s.blocks_per_page; ++b) add_read(wake, named, s.slots[i]->bh_lock[b]->id());
  }
  wake.guard({&WritebackWork::any, &work});
  for (std::uint32_t k = 0; k < budget; ++k) {
    wake.step(s.ex, "bdflush wakes");
    if (s.epilogue) return;
    work.collect();
    const std::uint32_t c =
        work.can_act[s.ex.choose(static_cast<std::uint32_t>(work.can_act.size()), "writeback: which dirty buffer")];
    flush_dirty_buffer(s, c / s.blocks_per_page, c % s.blocks_per_page);
  }
}

void flush_dirty_buffer(State& s, std::uint32_t index, std::uint32_t block) {
  PageSlot& slot = *s.slots[index];
  // spin_lock(&lru_list_lock); the buffer on lru_list[BUF_DIRTY]
  // (b_count belongs with the buffer's state: try_to_free_buffers reads it.)
  step(s.ex, "flush_dirty_buffers", {R(s.mapping.obj), R(slot.obj), W(slot.buffers_obj), R(slot.bh_lock[block]->id())});
  // What it looked at when it leaves the buffer alone (narrow).
  Page* page = s.mapping.__find_page_nolock(index);
  if (!page) return narrow(s.ex, {R(s.mapping.obj)});
  if (!page->has_buffers) return narrow(s.ex, {R(s.mapping.obj), R(slot.obj)});
  BufferHead& bh = page->buffers[block];
  if (!bh.dirty) return narrow(s.ex, {R(s.mapping.obj), R(slot.obj), R(slot.buffers_obj)});  // __refile_buffer
  if (bh.locked())
    return narrow(s.ex, {R(s.mapping.obj), R(slot.obj), R(slot.buffers_obj), R(slot.bh_lock[block]->id())});
  // OK, now we are committed to write it out.
  ++bh.b_count;
  ll_rw_block(s, Rw::write, bh);
  step(s.ex, "flush_dirty_buffers: atomic_dec(b_count)", {W(slot.buffers_obj)});
  --bh.b_count;
}

}  // namespace models::pagecache

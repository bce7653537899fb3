#include "models/pagecache/agents.hpp"

#include <vector>

#include "models/pagecache/disk.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/vmscan.hpp"

namespace models::pagecache {

namespace {

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

// The footprint of a step built object by object: an object named twice
// keeps the access that covers both (a write covers a read and an add);
// past sim::kMaxTouches the step touches all.
void add_touch(sim::Op& op, sim::Touch t) {
  for (std::uint8_t i = 0; i < op.touch_count; ++i)
    if (op.touches[i].object == t.object) {
      if (op.touches[i].access != t.access) op.touches[i].access = sim::Access::write;
      return;
    }
  if (op.touch_count == sim::kMaxTouches) {
    op.touches_all = true;
    return;
  }
  op.touches[op.touch_count++] = t;
}

template <class List>
void add_touches(sim::Op& op, const List& ts) {
  for (const sim::Touch& t : ts) add_touch(op, t);
}

}  // namespace

// The agent acts only when it has something to act on (a guarded step, as
// SPIN gives a process a guard): a wake-up that would find nothing to do
// changes nothing, and leaving it out keeps the search from ordering it
// against every step that it would have looked at. A target is
// "actionable" exactly when the action's own checks would let it change
// something (the complement of their do-nothing exits, see ReclaimWork).
// The budget counts actions, each one unmap (try_to_swap_out) or one
// eviction attempt (page_launder, then reclaim_page): evicting a mapped page
// takes two, its unmap and its eviction.
//
// One step wakes the agent, chooses a target it can act on, and makes the
// first step of the action on it (try_to_swap_out, or page_launder up to
// its TryLockPage), as the kernel makes the choice and the action's checks
// under one lock: swap_out_mm (mm/vmscan.c) walks the ptes to the one it
// unmaps, and try_to_swap_out checks, locks and clears it, under
// mm->page_table_lock; page_launder (L485) walks the inactive_dirty list to
// the page it launders, and checks and TryLockPages it, under
// pagemap_lru_lock.
//
// Why nothing is lost against a wake-up and an action as two steps (as the
// model had them before): the wake-up only read (the choice is the agent's
// own), so moving it right, next to its action, changes no step of another
// thread. There, either the target it chose is still one the agent can act
// on, and the one step can choose it, or it is not, and the action would
// have taken one of its "do nothing" exits: the pair changed nothing, and
// the same execution with the pair left out is one of this model's (whose
// budget then has an action to spare, which it need not use: the execution
// may end before an agent acts). Every execution of this model is one of
// the two-step model's, so both reach the same outcomes and verdicts;
// tests/checker/strategies/test_dpor.cpp compares them.
void reclaim_agent(State& s, std::uint32_t budget, bool wake_apart) {
  ReclaimWork work;
  work.s = &s;
  for (auto& [vpn, pte] : s.mm.ptes)
    if (pte.shared) work.ptes.push_back(&pte);
  // What the guard and the choice read.
  sim::Op reads;
  reads.kind = sim::OpKind::guarded;
  reads.label = "kswapd wakes";  // AgentSpec::wake_apart
  reads.guard = {&ReclaimWork::any, &work};
  for (const Pte* pte : work.ptes) {
    add_touch(reads, R(pte->obj));
    add_touch(reads, R(s.slots[pte->file_index]->PG_locked.id()));
  }
  add_touch(reads, R(s.mapping.obj));
  for (std::uint32_t i = 0; i < s.geo.pages; ++i) {
    add_touch(reads, R(s.slots[i]->obj));
    add_touch(reads, R(s.slots[i]->count_obj));
    add_touch(reads, R(s.slots[i]->PG_locked.id()));
  }
  // The step as announced: those reads and the first step of an action on
  // any target (it may run in any state where the guard holds).
  sim::Op announced = reads;
  announced.label = "kswapd: try_to_swap_out or page_launder";
  for (const Pte* pte : work.ptes) add_touches(announced, try_to_swap_out_touches(s, *pte));
  for (std::uint32_t i = 0; i < s.geo.pages; ++i) add_touches(announced, page_launder_touches(s, i));
  for (std::uint32_t k = 0; k < budget; ++k) {
    s.ex.step(wake_apart ? reads : announced);
    if (s.epilogue) return;
    work.collect();
    const std::uint32_t c = work.can_act[s.ex.choose(static_cast<std::uint32_t>(work.can_act.size()),
                                                     "reclaim: which pte (swap_out) or page (evict) it can act on")];
    // The action; what the step did is the reads and the first step of the
    // action on the target (narrowed, unless the wake-up is apart).
    sim::Op did = reads;
    if (c < work.ptes.size()) {
      Pte& pte = *work.ptes[c];
      if (wake_apart) {
        try_to_swap_out(s, pte);
        continue;
      }
      add_touches(did, try_to_swap_out_touches(s, pte));
      s.ex.narrow(did);
      try_to_swap_out_unmap(s, pte);
    } else {
      const auto index = static_cast<std::uint32_t>(c - work.ptes.size());
      if (wake_apart) {
        page_launder(s, index);
      } else {
        add_touches(did, page_launder_touches(s, index));
        s.ex.narrow(did);
        page_launder_locked(s, *s.mapping.__find_page_nolock(index));
      }
      reclaim_page(s, index);
    }
  }
}

void writeback_agent(State& s, std::uint32_t budget) {
  if (s.cfg.filesystem == Filesystem::ramfs) return;  // no buffers, no backing store
  WritebackWork work;
  work.s = &s;
  // What the guard and the choice read.
  sim::Op wake;
  wake.kind = sim::OpKind::guarded;
  wake.label = "bdflush wakes";
  wake.guard = {&WritebackWork::any, &work};
  add_touch(wake, R(s.mapping.obj));
  for (std::uint32_t i = 0; i < s.geo.pages; ++i) {
    add_touch(wake, R(s.slots[i]->obj));
    add_touch(wake, R(s.slots[i]->buffers_obj));
    for (std::uint32_t b = 0; b < s.blocks_per_page; ++b) add_touch(wake, R(s.slots[i]->bh_lock[b]->id()));
  }
  for (std::uint32_t k = 0; k < budget; ++k) {
    s.ex.step(wake);
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

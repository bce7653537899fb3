#include "models/pagecache/agents.hpp"

#include <vector>

#include "models/pagecache/disk.hpp"
#include "models/pagecache/state.hpp"
#include "models/pagecache/step.hpp"
#include "models/pagecache/vmscan.hpp"

namespace models::pagecache {

void reclaim_agent(State& s, std::uint32_t budget) {
  std::vector<Pte*> ptes;  // the targets of try_to_swap_out
  for (auto& [vpn, pte] : s.mm.ptes)
    if (pte.shared) ptes.push_back(&pte);
  const auto n = static_cast<std::uint32_t>(ptes.size() + s.geo.pages);
  for (std::uint32_t k = 0; k < budget; ++k) {
    s.ex.step(sim::Op::make(sim::OpKind::plain, "kswapd wakes", {}));
    if (s.epilogue) return;
    const std::uint32_t c = s.ex.choose(n, "reclaim: which pte (swap_out) or page (evict)");
    if (c < ptes.size()) {
      try_to_swap_out(s, *ptes[c]);
    } else {
      const auto index = static_cast<std::uint32_t>(c - ptes.size());
      page_launder(s, index);
      reclaim_page(s, index);
    }
  }
}

void writeback_agent(State& s, std::uint32_t budget) {
  if (s.cfg.filesystem == Filesystem::ramfs) return;  // no buffers, no backing store
  const std::uint32_t n = s.geo.pages * s.blocks_per_page;
  for (std::uint32_t k = 0; k < budget; ++k) {
    s.ex.step(sim::Op::make(sim::OpKind::plain, "bdflush wakes", {}));
    if (s.epilogue) return;
    const std::uint32_t c = s.ex.choose(n, "writeback: which buffer");
    flush_dirty_buffer(s, c / s.blocks_per_page, c % s.blocks_per_page);
  }
}

void flush_dirty_buffer(State& s, std::uint32_t index, std::uint32_t block) {
  PageSlot& slot = *s.slots[index];
  // spin_lock(&lru_list_lock); the buffer on lru_list[BUF_DIRTY]
  step(s.ex, "flush_dirty_buffers", {R(s.mapping.obj), W(slot.obj), R(slot.bh_lock[block]->id())});
  // What it looked at when it leaves the buffer alone (narrow).
  Page* page = s.mapping.__find_page_nolock(index);
  if (!page) return narrow(s.ex, {R(s.mapping.obj)});
  if (!page->has_buffers) return narrow(s.ex, {R(s.mapping.obj), R(slot.obj)});
  BufferHead& bh = page->buffers[block];
  if (!bh.dirty) return narrow(s.ex, {R(s.mapping.obj), R(slot.obj)});  // __refile_buffer
  if (bh.locked()) return narrow(s.ex, {R(s.mapping.obj), R(slot.obj), R(slot.bh_lock[block]->id())});
  // OK, now we are committed to write it out.
  ++bh.b_count;
  ll_rw_block(s, Rw::write, bh);
  step(s.ex, "flush_dirty_buffers: atomic_dec(b_count)", {W(slot.obj)});
  --bh.b_count;
}

}  // namespace models::pagecache

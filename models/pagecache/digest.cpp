#include "models/pagecache/digest.hpp"

#include <algorithm>
#include <vector>

#include "models/pagecache/state.hpp"
#include "sim/digest.hpp"

namespace models::pagecache {

namespace {

// (slot, ordinal among the pages allocated in that slot), +1; 0 for none.
std::uint64_t page_id(const State& s, const Page* p) {
  if (p == nullptr) return 0;
  std::uint64_t ord = 0;
  for (const auto& q : s.pages) {
    if (q.get() == p) break;
    if (&q->slot == &p->slot) ++ord;
  }
  return (std::uint64_t{p->slot.index} << 32 | ord) + 1;
}

std::uint64_t bh_id(const State& s, const BufferHead* bh) {
  return bh == nullptr ? 0 : page_id(s, bh->b_page) * 64 + bh->nr;
}

void add_page(sim::Hasher& h, const State& s, const Page& p) {
  h.add(p.index).add(p.was_cached).add(p.mapping.peek()).add(p.uptodate.peek()).add(p.dirty.peek());
  h.add(p.error.peek()).add(static_cast<std::uint64_t>(p.count.peek())).add(p.freed.peek());
  // Being taken out by truncate decides uptodate-lost's and the freed-while-
  // locked check's verdicts on this page (Page::truncated).
  h.add(p.truncated);
  h.add(static_cast<std::uint64_t>(p.list.peek())).add(p.has_buffers.peek()).add(p.buffers.size());
  for (const BufferHead& bh : p.buffers) {
    const std::uint64_t list = bh.b_inode == nullptr ? 0 : bh.b_inode == &s.inode.i_dirty_buffers ? 1 : 2;
    h.add(bh.nr).add(bh.b_blocknr).add(bh.uptodate.peek()).add(bh.dirty.peek()).add(bh.mapped.peek());
    h.add(bh.new_.peek()).add(static_cast<std::uint64_t>(bh.b_count)).add(static_cast<std::uint64_t>(bh.b_end_io));
    h.add(list);
  }
}

std::uint64_t slot_pages(const State& s, const PageSlot& slot) {
  sim::Hasher h(1);
  for (const auto& p : s.pages)
    if (&p->slot == &slot) add_page(h, s, *p);
  return h.value();
}

std::uint64_t slot_data(const State& s, const PageSlot& slot) {
  sim::Hasher h(2);
  for (const auto& p : s.pages)
    if (&p->slot == &slot) h.add_bytes(p->data.peek());
  return h.value();
}

std::uint64_t add_list(sim::Hasher& h, const State& s, const std::deque<Page*>& l) {
  h.add(l.size());
  for (const Page* p : l) h.add(page_id(s, p));
  return 0;
}

std::uint64_t global(const State& s) {
  sim::Hasher h(3);
  h.add(s.pages.size()).add(s.epilogue).add(s.nonblocking_faults.size());
  for (std::uint8_t f : s.nonblocking_faults) h.add(f);
  for (const File& f : s.files)
    h.add(f.f_flags).add(f.f_pos).add(f.f_raend).add(f.f_ramax).add(f.f_ralen).add(f.f_rawin).add(f.f_reada);
  std::vector<std::uint64_t> steps;
  for (const SyscallRecord& c : s.obs.calls) {
    steps.push_back(c.begin_step);
    if (c.completed) steps.push_back(c.end_step);
  }
  // The block I/O the error invariants ask about (checker/invariants/
  // error_reporting.cpp, lost_data.cpp): every failed one, and a write of a
  // block whose write failed before (it decides whether that block's last
  // write failed). The rest decides nothing, so two runs that differ only
  // there are the same state; without faults the list is empty.
  std::vector<const IoRecord*> io;
  {
    std::vector<std::uint32_t> failed_blocks;
    for (const IoRecord& r : s.obs.io) {
      const bool after_failure =
          r.write && std::find(failed_blocks.begin(), failed_blocks.end(), r.block) != failed_blocks.end();
      if (!r.ok || after_failure) io.push_back(&r);
      if (!r.ok && r.write) failed_blocks.push_back(r.block);
    }
  }
  for (const IoRecord* r : io) steps.push_back(r->step);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  auto rank = [&](std::uint64_t v) { return std::lower_bound(steps.begin(), steps.end(), v) - steps.begin(); };
  h.add(s.obs.calls.size());
  for (const SyscallRecord& c : s.obs.calls) {
    h.add(c.thread).add(c.op_index).add(static_cast<std::uint64_t>(c.kind)).add(c.file_offset).add(c.requested);
    h.add(static_cast<std::uint64_t>(c.result)).add_bytes(c.data).add(c.completed).add(rank(c.begin_step));
    h.add(c.completed ? rank(c.end_step) : 0);
    // Where an O_APPEND writev's later bytes went: torn-read and lost-data read it.
    h.add(c.relocations.size());
    for (const auto& [from, at] : c.relocations) h.add(from).add(at);
  }
  // Those I/Os, by their place among the calls' steps.
  h.add(io.size());
  for (const IoRecord* r : io)
    h.add(r->write).add(r->ok).add(r->block).add(r->page).add(r->submitter).add(rank(r->step));
  h.add(s.map_file.f_wb_err);
  for (const File& f : s.files) h.add(f.f_wb_err);
  h.add_bytes(s.obs.final_cached).add_bytes(s.obs.final_after_evict).add(s.obs.final_read_done);
  h.add(static_cast<std::uint64_t>(s.obs.final_cached_error))
      .add(static_cast<std::uint64_t>(s.obs.final_after_evict_error));
  return h.value();
}

}  // namespace

std::uint64_t DigestArg::digest(const void* self) {
  const DigestArg& a = *static_cast<const DigestArg*>(self);
  const State& s = *a.s;
  sim::Hasher h(static_cast<std::uint64_t>(a.kind) + 16);
  switch (a.kind) {
    case Kind::global: return global(s);
    case Kind::page: return slot_pages(s, *s.slots[a.index]);
    case Kind::data: return slot_data(s, *s.slots[a.index]);
    case Kind::page_lock: return h.add(a.lock->digest()).add(slot_pages(s, *s.slots[a.index])).value();
    case Kind::mapping:
      h.add(s.mapping.nrpages.peek()).add(s.mapping.hash.size());
      h.add(s.mapping.as_eio.peek()).add(s.mapping.wb_err.peek());
      for (const Page* p : s.mapping.hash) h.add(page_id(s, p));
      add_list(h, s, s.mapping.clean_pages);
      add_list(h, s, s.mapping.dirty_pages);
      add_list(h, s, s.mapping.locked_pages);
      // The pages truncate took out, whose lock a new page of the index shares.
      h.add(s.mapping.truncated_pages.size());
      for (const Page* p : s.mapping.truncated_pages) h.add(page_id(s, p));
      return h.value();
    case Kind::i_size: return h.add(s.inode.i_size.peek()).value();
    case Kind::i_block:
      for (bool b : s.inode.allocated) h.add(b);
      return h.value();
    case Kind::dirty_buffers:
      h.add(s.inode.i_dirty_buffers.size());
      for (const BufferHead* bh : s.inode.i_dirty_buffers) h.add(bh_id(s, bh));
      return h.value();
    case Kind::disk_block: return h.add_bytes(s.disk.blocks[a.index]).value();
    case Kind::requests:
      h.add(s.disk.requests.digest()).add(s.disk.queue.size());
      for (const Request& r : s.disk.queue) h.add(static_cast<std::uint64_t>(r.rw)).add(bh_id(s, r.bh));
      return h.value();
    case Kind::pte:
      h.add(a.pte->vma).add(a.pte->shared).add(a.pte->file_index).add(a.pte->present.peek());
      return h.add(a.pte->dirty.peek()).add(page_id(s, a.pte->page.peek())).value();
    case Kind::user_data: return h.add_bytes(a.pte->anon).value();
  }
  return 0;
}

void install_digests(State& s) {
  using K = DigestArg::Kind;
  auto& args = s.digest_args_;
  args.clear();
  // Every argument first, then the registrations: the vector must not move.
  std::size_t n = 7 + s.disk.block_obj.size() + 2 * s.mm.ptes.size();
  for (const auto& slot : s.slots) n += 6 + slot->bh_lock.size();
  args.reserve(n);
  auto reg = [&](sim::ObjectId o, DigestArg a) {
    a.s = &s;
    args.push_back(a);
    s.ex.set_digest(o, {&DigestArg::digest, &args.back()});
  };
  for (const auto& slot : s.slots) {
    reg(slot->obj, {nullptr, K::page, slot->index});
    // page[i].count's, .buffers' and .PG_uptodate's fields are among the page's: their
    // digest is the page's (coarser is sound).
    reg(slot->count_obj, {nullptr, K::page, slot->index});
    reg(slot->buffers_obj, {nullptr, K::page, slot->index});
    reg(slot->uptodate_obj, {nullptr, K::page, slot->index});
    reg(slot->data_obj, {nullptr, K::data, slot->index});
    reg(slot->PG_locked.id(), {nullptr, K::page_lock, slot->index, &slot->PG_locked});
    for (const auto& l : slot->bh_lock) reg(l->id(), {nullptr, K::page_lock, slot->index, l.get()});
  }
  reg(s.mapping.obj, {nullptr, K::mapping});
  // Its error state is among the mapping's fields: the mapping's digest (coarser is sound).
  if (s.mapping.wb_err_obj != sim::kNoObject) reg(s.mapping.wb_err_obj, {nullptr, K::mapping});
  reg(s.inode.size_obj, {nullptr, K::i_size});
  reg(s.inode.blockmap_obj, {nullptr, K::i_block});
  reg(s.inode.dirty_buffers_obj, {nullptr, K::dirty_buffers});
  for (std::uint32_t b = 0; b < s.disk.block_obj.size(); ++b) reg(s.disk.block_obj[b], {nullptr, K::disk_block, b});
  reg(s.disk.requests.id(), {nullptr, K::requests});
  for (const auto& [vpn, pte] : s.mm.ptes) {
    reg(pte.obj, {nullptr, K::pte, 0, nullptr, &pte});
    if (pte.anon_obj != sim::kNoObject) reg(pte.anon_obj, {nullptr, K::user_data, 0, nullptr, &pte});
  }
  args.push_back({&s, K::global});
  s.ex.set_global_digest({&DigestArg::digest, &args.back()});
}

}  // namespace models::pagecache

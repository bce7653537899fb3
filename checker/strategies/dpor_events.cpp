// DPOR's record of the current execution: each step's event (its clock and
// the objects it touched), kept per object as the last write, the reads and
// the adds since it (sim::Access: reads commute with reads, adds with adds),
// and taken back event by event when the search backtracks.
#include "checker/strategies/dpor.hpp"

#include <algorithm>

namespace checker {

void DporStrategy::truncate_events(std::size_t n) {
  while (events_.size() > n) {
    const auto i = static_cast<std::int32_t>(events_.size() - 1);
    const Event& e = events_.back();
    for (int k = e.touch_count - 1; k >= 0; --k) {
      ObjectState& s = objects_[e.touches[k].object];
      const sim::Access a = e.touches[k].access;
      if (a == sim::Access::write) {
        s.last_write = e.prev_write[k];
        // Saved reads first, then adds: restored in the reverse order.
        for (std::vector<std::int32_t>* list : {&s.adds, &s.reads}) {
          const std::size_t n = list == &s.adds ? e.undo_adds[k] : e.undo_count[k];
          list->assign(undo_reads_.end() - static_cast<std::ptrdiff_t>(n), undo_reads_.end());
          undo_reads_.resize(undo_reads_.size() - n);
        }
        continue;
      }
      std::vector<std::int32_t>& list = a == sim::Access::add ? s.adds : s.reads;
      if (e.replaced[k] >= 0) {
        for (std::int32_t& r : list)
          if (r == i) r = e.replaced[k];
      } else if (!list.empty() && list.back() == i) {
        list.pop_back();
      }
    }
    undo_reads_.resize(e.undo_at);
    last_any_ = e.prev_any;
    last_event_[e.thread] = e.prev_same;
    --thread_steps_[e.thread];
    events_.pop_back();
    clocks_.resize(events_.size() * nthreads_);
  }
}

void DporStrategy::clock_of(sim::ThreadId q, const sim::Op& op, std::uint32_t* out, bool any) const {
  const std::size_t n = nthreads_;
  if (last_event_[q] >= 0)
    std::copy_n(clock(last_event_[q]), n, out);
  else
    std::fill_n(out, n, 0u);
  auto join = [&](std::int32_t e) {
    const std::uint32_t* c = clock(e);
    for (std::size_t t = 0; t < n; ++t) out[t] = std::max(out[t], c[t]);
  };
  for (std::uint8_t k = 0; k < op.touch_count; ++k) {
    const sim::Touch& t = op.touches[k];
    if (t.object >= objects_.size()) continue;
    const ObjectState& s = objects_[t.object];
    if (s.last_write >= 0) join(s.last_write);
    if (t.access != sim::Access::read)
      for (std::int32_t r : s.reads) join(r);
    if (t.access != sim::Access::add)
      for (std::int32_t r : s.adds) join(r);
  }
  if (last_any_ >= 0) join(last_any_);
  if (any)
    for (std::size_t t = 0; t < n; ++t)
      if (last_event_[t] >= 0) join(last_event_[t]);
  out[q] = thread_steps_[q] + 1;
}

void DporStrategy::add_event(sim::ThreadId q, const sim::Op& op, bool any) {
  const auto i = static_cast<std::int32_t>(events_.size());
  Event& e = events_.emplace_back();
  e.any = any;
  e.prev_any = last_any_;
  if (any) last_any_ = i;
  e.thread = q;
  e.seq = ++thread_steps_[q];
  e.prev_same = last_event_[q];
  e.undo_at = static_cast<std::uint32_t>(undo_reads_.size());
  e.kind = op.kind;
  e.touch_count = op.touch_count;
  // A step writes an object at most once here: a second touch of the same
  // object (read and write) is folded into the first write's undo.
  for (std::uint8_t k = 0; k < op.touch_count; ++k) {
    const sim::Touch t = op.touches[k];
    e.touches[k] = t;
    e.free_before[k] = kUnknown;  // an executed touch is one the step announced
    for (std::uint8_t a = 0; a < announced_.touch_count; ++a)
      if (announced_.touches[a].object == t.object) e.free_before[k] = free_before_now_[a];
    e.replaced[k] = -1;
    ObjectState& s = object(t.object);
    e.prev_write[k] = s.last_write;
    e.undo_count[k] = e.undo_adds[k] = 0;
    if (t.access == sim::Access::write) {
      undo_reads_.insert(undo_reads_.end(), s.reads.begin(), s.reads.end());
      undo_reads_.insert(undo_reads_.end(), s.adds.begin(), s.adds.end());
      e.undo_count[k] = static_cast<std::uint16_t>(s.reads.size());
      e.undo_adds[k] = static_cast<std::uint16_t>(s.adds.size());
      s.last_write = i;
      s.reads.clear();
      s.adds.clear();
    } else {
      // A read joins the reads since the last write, an add the adds: the
      // latest of each thread (its earlier one happens before it).
      std::vector<std::int32_t>& list = t.access == sim::Access::add ? s.adds : s.reads;
      bool replaced = false;
      for (std::int32_t& r : list)
        if (events_[r].thread == q) {
          e.replaced[k] = r;
          r = i;
          replaced = true;
          break;
        }
      if (!replaced) list.push_back(i);
    }
  }
  last_event_[q] = i;
}

}  // namespace checker

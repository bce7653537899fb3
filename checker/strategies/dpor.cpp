#include "checker/strategies/dpor.hpp"

#include <algorithm>
#include <bit>
#include <string_view>

#include "sim/execution.hpp"
#include "sim/primitives.hpp"

namespace checker {

namespace {

bool blocking(sim::OpKind k) {
  return k == sim::OpKind::lock || k == sim::OpKind::wait_unlocked || k == sim::OpKind::down ||
         k == sim::OpKind::rwsem_wait;
}

template <class A, class B>
bool touches_conflict(const A& a, std::uint8_t na, const B& b, std::uint8_t nb) {
  for (std::uint8_t i = 0; i < na; ++i)
    for (std::uint8_t j = 0; j < nb; ++j)
      if (a[i].object == b[j].object && sim::conflicts(a[i].access, b[j].access)) return true;
  return false;
}

// Which touch of `e` is object o, or -1.
template <class Ev>
int touch_index_of(const Ev& e, sim::ObjectId o) {
  for (std::uint8_t k = 0; k < e.touch_count; ++k)
    if (e.touches[k].object == o) return k;
  return -1;
}

}  // namespace

int DporStrategy::touch_index(const Event& e, sim::ObjectId o) { return touch_index_of(e, o); }

void DporStrategy::begin_execution() {
  step_ = vpos_ = 0;
  nodes_at_start_ = static_cast<std::uint32_t>(nodes_.size());
  values_at_start_ = static_cast<std::uint32_t>(values_.size());
  blocked_now_ = false;
  abort_reason_.clear();
  ++epoch_;  // lock pointers learned in an earlier execution are stale
}

void DporStrategy::start_execution_state(const sim::Execution& ex) {
  if (nthreads_ == ex.thread_count()) return;  // the steps kept from the last execution stand
  nthreads_ = ex.thread_count();
  truncate_events(0);
  objects_.clear();
  undo_reads_.clear();
  last_event_.assign(nthreads_, -1);
  thread_steps_.assign(nthreads_, 0);
  scratch_clock_.assign(nthreads_, 0);
  first_.assign(nthreads_, 0);
}

void DporStrategy::learn_lock(const sim::Op& op) {
  if (op.kind == sim::OpKind::plain || (!op.lock && !op.semaphore) || op.touch_count == 0) return;
  const sim::ObjectId o = op.touches[0].object;
  if (o >= locks_.size()) locks_.resize(std::size_t(o) + 1);
  locks_[o] = {epoch_, op.lock, op.semaphore};
}

std::uint8_t DporStrategy::free_now(sim::ObjectId o) const {
  if (o >= locks_.size() || locks_[o].epoch != epoch_) return kUnknown;
  const LockRef& l = locks_[o];
  if (l.lock) return l.lock->locked() ? kNo : kYes;
  if (l.semaphore) return l.semaphore->count() > 0 ? kYes : kNo;
  return kUnknown;
}

bool DporStrategy::reverse(std::int32_t e, sim::ThreadId q, std::uint32_t j, const std::uint32_t* c) {
  Node& nd = nodes_[e];
  const Event& ev = events_[e];
  const sim::ThreadId p = ev.thread;
  const std::uint32_t se = ev.seq;
  // The initials of v = notdep(e, E).e': the threads whose first step in v
  // has no step of v before it in the happens-before order.
  std::fill(first_.begin(), first_.end(), 0u);
  Mask in_v = 0, initials = 0;
  for (std::uint32_t k = std::uint32_t(e) + 1; k < j; ++k) {
    const std::uint32_t* ck = clock(std::int32_t(k));
    if (ck[p] >= se) continue;  // happens after e: not in v
    const sim::ThreadId t = events_[k].thread;
    if (in_v & bit(t)) continue;
    first_[t] = events_[k].seq;
    bool initial = true;
    for (Mask m = in_v; m && initial; m &= m - 1) {
      const auto t2 = static_cast<sim::ThreadId>(std::countr_zero(m));
      if (ck[t2] >= first_[t2]) initial = false;
    }
    in_v |= bit(t);
    if (initial) initials |= bit(t);
  }
  if (!(in_v & bit(q))) {
    bool initial = true;
    for (Mask m = in_v; m && initial; m &= m - 1) {
      const auto t2 = static_cast<sim::ThreadId>(std::countr_zero(m));
      if (c[t2] >= first_[t2]) initial = false;
    }
    if (initial) initials |= bit(q);
  }
  const Mask runnable = initials & nd.enabled;
  if (!runnable) return false;  // the reversed order cannot start here
  if (static_cast<std::uint32_t>(e) < root_nodes_) {  // a point above this task: the giver's
    const Addition a{static_cast<std::uint32_t>(e), initials, runnable};
    if (added_.insert(a).second) additions_.push_back(a);
    return true;
  }
  if (initials & (nd.backtrack | nd.sleep)) return true;
  nd.backtrack |= runnable & (~runnable + 1);  // the lowest
  ++reversals_;
  return true;
}

void DporStrategy::find_races(sim::ThreadId q, const sim::Op& op, std::uint32_t j,
                              const std::uint32_t* c, bool any, std::int32_t ends_with) {
  candidates_.clear();
  for (std::uint8_t k = 0; k < op.touch_count; ++k) {
    const sim::Touch& t = op.touches[k];
    if (t.object >= objects_.size()) continue;
    const ObjectState& s = objects_[t.object];
    if (s.last_write >= 0) candidates_.push_back(s.last_write);
    if (t.access != sim::Access::read) candidates_.insert(candidates_.end(), s.reads.begin(), s.reads.end());
    if (t.access != sim::Access::add) candidates_.insert(candidates_.end(), s.adds.begin(), s.adds.end());
  }
  if (ends_with >= 0) candidates_.push_back(ends_with);
  if (last_any_ >= 0) candidates_.push_back(last_any_);
  if (any)
    for (std::size_t t = 0; t < nthreads_; ++t)
      if (last_event_[t] >= 0) candidates_.push_back(last_event_[t]);
  if (candidates_.empty()) return;
  std::sort(candidates_.begin(), candidates_.end());
  candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
  const std::int32_t q_prev = last_event_[q];
  const std::uint32_t* qc = q_prev >= 0 ? clock(q_prev) : nullptr;
  for (std::int32_t e : candidates_) {
    if (events_[e].thread == q) continue;
    if (qc && before(e, qc)) continue;
    bool masked = false;
    for (std::int32_t x : candidates_)
      if (x != e && before(e, clock(x))) {
        masked = true;
        break;
      }
    if (masked) continue;
    if (op.kind == sim::OpKind::guarded && !(nodes_[e].enabled & bit(q))) {
      // q's guard did not hold before e (e, or a step before it, made it
      // hold): q cannot run before e. Go back along the steps dependent
      // with q's (those that can change its guard) to the latest before
      // which it held, and reverse that one: as for a lock, the last
      // co-enabled dependent step. Before q's previous step, q's pending
      // step was another.
      for (std::int32_t w = e - 1; w > q_prev; --w) {
        const Event& ew = events_[w];
        if (ew.thread == q || (qc && before(w, qc))) continue;
        if (!ew.any && !op.touches_all && !touches_conflict(op.touches, op.touch_count, ew.touches, ew.touch_count))
          continue;
        if (nodes_[w].enabled & bit(q)) {
          reverse(w, q, j, c);
          break;
        }
      }
      continue;
    }
    const int k_waited = blocking(op.kind) ? touch_index(events_[e], op.touches[0].object) : -1;
    if (k_waited < 0) {
      reverse(e, q, j, c);
      continue;
    }
    // A blocking step: it can run before e only if its lock was free before
    // e. If not (e freed it), go back along the lock's earlier accesses to
    // one before which it was free, and reverse that one.
    const sim::ObjectId waited = op.touches[0].object;
    for (std::int32_t w = e; w >= 0;) {
      if (events_[w].thread == q || (qc && before(w, qc))) break;
      const int k = touch_index(events_[w], waited);
      if (k < 0) break;
      const std::uint8_t was_free =
          op.kind == sim::OpKind::rwsem_wait ? kNo : events_[w].free_before[k];
      if (was_free != kNo && reverse(w, q, j, c) && was_free == kYes) break;
      w = events_[w].prev_write[k];
    }
  }
}

DporStrategy::Mask DporStrategy::child_sleep(std::uint32_t i, const sim::Execution& ex) {
  const Node& pn = nodes_[i - 1];
  const Event& ev = events_[i - 1];
  Mask cand = (pn.sleep | pn.done) & ~bit(ev.thread);
  if (!cand) return 0;
  // A daemon's step is dependent with the next step of the last unfinished
  // non-daemon thread: that step may end the execution, which disables it.
  sim::ThreadId last_live = sim::kNoThread;
  if (ex.is_daemon(ev.thread)) {
    std::size_t live = 0;
    for (sim::ThreadId t = 0; t < nthreads_; ++t)
      if (!ex.is_daemon(t) && !ex.finished(t)) {
        ++live;
        last_live = t;
      }
    if (live != 1) last_live = sim::kNoThread;
  }
  Mask keep = 0;
  for (Mask m = cand; m; m &= m - 1) {
    const auto r = static_cast<sim::ThreadId>(std::countr_zero(m));
    if (r == last_live) continue;
    const sim::Op& op = ex.pending(r);
    if (ev.any || op.touches_all || touches_conflict(op.touches, op.touch_count, ev.touches, ev.touch_count))
      continue;
    keep |= bit(r);
  }
  return keep;
}

sim::ThreadId DporStrategy::pick_thread(std::span<const sim::ThreadId> enabled,
                                        const sim::Execution& ex) {
  if (step_ == 0) {
    if (ex.thread_count() > kMaxThreads) {
      abort_reason_ = "dpor handles at most 64 threads; this program has " +
                      std::to_string(ex.thread_count());
      return sim::kAbort;
    }
    start_execution_state(ex);
  }
  Mask mask = 0;
  for (sim::ThreadId t : enabled) mask |= bit(t);
  const std::uint32_t i = step_++;
  if (i > 0) commit_step(i - 1, ex);
  sim::ThreadId p;
  if (i < nodes_at_start_) {
    const Node& nd = nodes_[i];
    if (nd.enabled != mask) {
      abort_reason_ = "nondeterminism in the model: at step " + std::to_string(ex.steps()) +
                      " the enabled threads differ from those of an earlier execution with the "
                      "same decisions";
      return sim::kAbort;
    }
    p = nd.chosen;
  } else {
    const Mask sleep = i == 0 ? 0 : child_sleep(i, ex);
    const Mask avail = mask & ~sleep;
    if (!avail) {
      blocked_now_ = true;
      abort_reason_ = "sleep-set blocked: every enabled thread's next step is covered elsewhere";
      return sim::kAbort;
    }
    p = static_cast<sim::ThreadId>(std::countr_zero(avail));
    nodes_.push_back({mask, sleep, bit(p), bit(p), p});
    decisions_.push_back({false, i});
  }
  const sim::Op& op = ex.pending(p);
  learn_lock(op);
  // A new step: whether its locks are free now, before it runs. Its event
  // (clock, races, the objects it touched) is added once it has run, by the
  // next pick_thread or at the end of the execution (commit_step), from the
  // footprint it executed.
  if (i >= events_.size())
    for (std::uint8_t k = 0; k < op.touch_count; ++k) free_before_now_[k] = free_now(op.touches[k].object);
  announced_ = op;
  return p;
}

// Soundness of racing executed footprints. Step i's event is built from what
// it did (Execution::last_step: the announced footprint, narrowed by the
// model to the objects the step really read or wrote, including every object
// it read to decide a branch). Two steps whose executed footprints do not
// conflict commute from the state where the first ran: neither wrote what the
// other read or wrote, so each reads the same values in either order, takes
// the same branches and does the same accesses (a step is a deterministic
// function of the values it reads), and both orders end in the same state.
// Such steps are independent there, which is all that source-DPOR's races
// and the sleep sets' wake-ups ask of an executed event. A thread's *pending*
// step has not run yet: it keeps its announced footprint, an upper bound of
// whatever it may do, in the sleep sets (child_sleep) and in the races of
// the end of the execution (run_ended). The same step under another fault
// value may do other things: end_execution re-adds it for every value.
void DporStrategy::commit_step(std::uint32_t i, const sim::Execution& ex) {
  if (i < events_.size() || i >= nodes_.size()) return;  // kept from the last execution, or added
  const sim::ThreadId p = nodes_[i].chosen;
  const sim::Op& op = ex.last_step();
  clocks_.resize(clocks_.size() + nthreads_);
  std::uint32_t* c = &clocks_[std::size_t(i) * nthreads_];
  const bool any = op.touches_all;
  clock_of(p, op, c, any);
  if (i >= fresh_from_) find_races(p, op, i, c, any);
  add_event(p, op, any);
}

std::uint32_t DporStrategy::pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) {
  const std::uint32_t k = vpos_++;
  if (k < values_at_start_) {
    const ValuePoint& vp = values_[k];
    if (vp.count != n) {
      abort_reason_ = "nondeterminism in the model: at step " + std::to_string(ex.steps()) +
                      " the fault choice " + label + " has " + std::to_string(n) +
                      " values, but it had " + std::to_string(vp.count) +
                      " in an earlier execution with the same decisions";
      return sim::kAbort;
    }
    return vp.tried;
  }
  values_.push_back({step_, n, 0, n});
  decisions_.push_back({true, k});
  return 0;
}

void DporStrategy::run_ended(const sim::Execution& ex) {
  if (blocked_now_ || nthreads_ == 0 || ex.verdict().kind == sim::Verdict::Kind::aborted) return;
  if (step_ > 0) commit_step(step_ - 1, ex);
  // Every thread's pending step races with what it could have run before.
  bool live_done = true;
  for (sim::ThreadId t = 0; t < nthreads_; ++t)
    if (!ex.is_daemon(t) && !ex.finished(t)) live_done = false;
  const std::int32_t ending = live_done && !events_.empty() ? std::int32_t(events_.size()) - 1 : -1;
  const auto j = static_cast<std::uint32_t>(events_.size());
  for (sim::ThreadId q = 0; q < nthreads_; ++q) {
    if (ex.finished(q)) continue;
    const sim::Op& op = ex.pending(q);
    const std::int32_t ends = ex.is_daemon(q) ? ending : -1;
    std::uint32_t* c = scratch_clock_.data();
    const bool any = op.touches_all;
    clock_of(q, op, c, any);
    if (ends >= 0) {
      const std::uint32_t* ce = clock(ends);
      for (std::size_t t = 0; t < nthreads_; ++t) c[t] = std::max(c[t], ce[t]);
    }
    find_races(q, op, j, c, any, ends);
  }
}

bool DporStrategy::end_execution(const sim::Execution& ex) {
  // The last step's races, when run_ended was not called (an aborted run).
  if (step_ > 0 && !blocked_now_ && nthreads_ > 0 && ex.verdict().kind != sim::Verdict::Kind::aborted)
    commit_step(step_ - 1, ex);
  if (blocked_now_)
    ++blocked_;
  else
    ++complete_;
  // The execution may have ended before the recorded decisions (it cannot,
  // unless the model is nondeterministic; the explorer stops then).
  while (decisions_.size() > root_decisions_) {
    const Decision d = decisions_.back();
    if (d.is_value) {
      ValuePoint& vp = values_[d.index];
      // Back at a choice whose other values were given away: their additions
      // come now, as if this search had explored them here.
      if (!given_.empty() && given_.back().first == decisions_.size() - 1) {
        const std::uint64_t token = given_.back().second;
        given_.pop_back();
        if (merge_hook_ && !merge_hook_(token)) {
          done_ = true;
          return false;
        }
      }
      if (vp.tried + 1 < vp.limit) {
        ++vp.tried;
        nodes_.resize(vp.step);
        // The step that made the choice may do other things with another
        // value: its event is added again, with its races.
        fresh_from_ = vp.step > 0 ? vp.step - 1 : 0;
        truncate_events(fresh_from_);
        return true;
      }
      values_.pop_back();
    } else {
      Node& nd = nodes_[d.index];
      const Mask cand = nd.backtrack & nd.enabled & ~nd.done & ~nd.sleep;
      if (cand) {
        const auto t = static_cast<sim::ThreadId>(std::countr_zero(cand));
        nd.done |= bit(t);
        nd.chosen = t;
        fresh_from_ = d.index;
        truncate_events(fresh_from_);
        return true;
      }
      nodes_.pop_back();
    }
    decisions_.pop_back();
  }
  done_ = true;
  return false;
}

std::string DporStrategy::summary() const {
  // The explorer reports complete and blocked executions itself.
  return {};
}

double DporStrategy::estimate() const {
  double frac = 0, weight = 1;
  for (const Decision& d : decisions_) {
    if (d.is_value) {
      const ValuePoint& vp = values_[d.index];
      frac += weight * double(vp.tried) / double(vp.count);
      weight /= double(vp.count);
    } else {
      const Node& nd = nodes_[d.index];
      const int total = std::popcount((nd.backtrack | nd.done) & nd.enabled & ~nd.sleep);
      const int before = std::popcount(nd.done & ~nd.sleep) - 1;
      if (total <= 0) continue;
      frac += weight * double(std::max(before, 0)) / double(total);
      weight /= double(total);
    }
  }
  if (frac <= 0) return 0;
  return double(complete_ + blocked_) / frac;
}

}  // namespace checker

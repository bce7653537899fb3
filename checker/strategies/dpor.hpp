// Dynamic partial-order reduction with sleep sets: source-set DPOR (Abdulla,
// Aronis, Jonsson and Sagonas, "Optimal Dynamic Partial Order Reduction",
// POPL 2014, Algorithm 1), stateless, over the visible operations that the
// model announces (sim::Op: the objects a step touches, read or write).
//
// Two steps are dependent when they touch a common object and one of them
// writes it (sim::dependent); lock, unlock, down, up and the other blocking
// operations write their lock, so operations on the same lock are dependent.
// A search explores one execution per Mazurkiewicz trace, or a few more,
// instead of every interleaving: n threads that share nothing give one
// execution; two threads that each write one shared word k times give
// C(2k, k), all distinct.
//
// How: each execution is a sequence of events (one per step) with vector
// clocks for the happens-before order. When an event e' is added (and, at the
// end of an execution, for each thread's pending operation), every event e
// in race with it (dependent, another thread, not ordered before e' through
// other events) is reversed: at the schedule point just before e, some
// initial thread of notdep(e).e' joins the backtrack set, unless one is
// already there or asleep. A thread explored at a point sleeps in the points
// below it until a dependent step wakes it; an execution whose enabled
// threads are all asleep is stopped (sim::kAbort, counted as sleep-set
// blocked: nothing new lies behind it).
//
// Blocking. A thread waiting on a lock is disabled; a step that frees the
// lock enables it. A race between that release and the waiter cannot be
// reversed (the waiter cannot run before it), so the search goes back along
// the lock's earlier writes to one before which the lock was free (the step
// that took it) and reverses that one (as Flanagan and Godefroid's "last
// co-enabled dependent step"): the orders of the critical sections are what
// differ. Whether a lock was free before a step is read from the primitive
// (BitLock, Semaphore) when the step is taken; a lock is known as such once
// some thread's pending operation names it (lock, unlock, down, up, ...).
// Before that, the search is conservative: it reverses there and goes on
// back. A model must free a lock with its unlock or up operation.
//
// Guarded steps (sim::OpKind::guarded, e.g. a background agent that wakes
// only when it has work) are disabled while their guard is false; the guard
// reads only objects the step names. A race between such a step and a step
// before which it was disabled cannot be reversed there: the search goes
// back along the steps dependent with it to the latest before which it was
// enabled, and reverses that one, as for a lock.
//
// Executed footprints. A step's event carries what the step did when it ran
// (sim::Execution::last_step: the announced footprint, narrowed by the
// model), a pending step its announced one; DporStrategy::commit_step says
// why that is sound.
//
// Fault choices (Execution::choose) are branch points too: every value is
// explored, each under the same schedule point (they belong to the step that
// made them and touch nothing of the other threads).
//
// Background agents (daemons): an execution ends when every other thread has
// finished, which disables the daemons. The step that ends it is therefore
// dependent with their pending steps (a race at the end of each execution),
// and a daemon's step wakes the last unfinished non-daemon thread from the
// sleep set, since that thread's next step may end the execution.
//
// Soundness holds when the model announces every shared object that a step
// reads or writes. A step that reads more than it can name (a list walk, as
// in fsync or filemap_fdatasync) announces sim::Op::touches_all and is taken
// as dependent with every step. Invariants checked at
// every step see the same values in every execution of a trace when they read
// only objects that the step that breaks them touches; end-of-run checks and
// outcomes are functions of the trace.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <set>
#include <tuple>
#include <span>
#include <string>
#include <vector>

#include "checker/strategies/search.hpp"
#include "sim/op.hpp"
#include "sim/strategy.hpp"

namespace sim {
class BitLock;
class Semaphore;
}  // namespace sim

namespace checker {

class DporStrategy final : public sim::Strategy, public SearchInfo {
 public:
  // Threads are kept in 64-bit sets.
  static constexpr std::size_t kMaxThreads = 64;

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled,
                            const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution& ex) override;
  std::string abort_reason() const override { return abort_reason_; }

  bool pruned() const override { return blocked_now_; }
  std::string summary() const override;
  double estimate() const override;
  void run_ended(const sim::Execution& ex) override;

  // Executions that ran to their end, and those stopped as sleep-set blocked.
  std::uint64_t complete() const { return complete_; }
  std::uint64_t blocked() const { return blocked_; }
  // Races reversed (backtrack points added) so far.
  std::uint64_t reversals() const { return reversals_; }
  bool done() const { return done_; }

  using Mask = std::uint64_t;

 private:
  static Mask bit(sim::ThreadId t) { return Mask{1} << t; }

 public:
  // The schedule point before step i; kept across executions along the path.
  struct Node {
    Mask enabled = 0;
    Mask sleep = 0;      // inherited: threads whose next step is covered elsewhere
    Mask backtrack = 0;  // threads to explore here
    Mask done = 0;       // explored here, or being explored
    sim::ThreadId chosen = 0;
  };
  // A fault choice made during step `step`.
  struct ValuePoint {
    std::uint32_t step = 0;
    std::uint32_t count = 0;
    std::uint32_t tried = 0;
    std::uint32_t limit = 0;  // values from `tried` up to here are this search's
  };
  struct Decision {
    bool is_value = false;
    std::uint32_t index = 0;  // into nodes_ or values_
  };

  // ---- one search split among workers (dpor_tasks.cpp; checker/search/split_dpor.cpp splits it) ----
  //
  // The subtrees below the values of a fault choice do not depend on each
  // other: each is explored from the same schedule points above it, and what
  // it adds to their backtrack sets is applied in the order of the values. A
  // worker gives away the untried values of its shallowest open fault choice
  // (donate); another explores each (set_task), recording what it would add
  // to the points above its root (additions) instead of adding it; when the
  // giver backtracks to that choice, it applies them, value by value
  // (a merge hook, which may wait for them), so that its search goes on
  // exactly as one worker's would.
  struct Task {
    std::vector<Node> nodes;
    std::vector<ValuePoint> values;
    std::vector<Decision> decisions;
  };
  // reverse() at a point above a task's root: applied by the giver, in order.
  struct Addition {
    std::uint32_t node = 0;
    Mask initials = 0, runnable = 0;
    bool operator<(const Addition& o) const {
      return std::tie(node, initials, runnable) < std::tie(o.node, o.initials, o.runnable);
    }
  };
  // From now on, only the subtree of `task` (before the first execution).
  void set_task(Task task);
  // Gives away the untried values of the shallowest open fault choice below
  // this search's root, one task per value, in order; `token` names them for
  // the merge hook. False when there is none.
  bool donate(std::vector<Task>& out, std::uint64_t token);
  // Called by end_execution when the search comes back to a fault choice
  // whose values it gave away (token): the hook applies their additions (in
  // order, with apply()) and returns false to stop the search (a given-away
  // value found the first failure).
  void set_merge_hook(std::function<bool(std::uint64_t token)> hook) { merge_hook_ = std::move(hook); }
  void apply(const std::vector<Addition>& additions);
  const std::vector<Addition>& additions() const { return additions_; }

  // ---- checkpoints (dpor_tasks.cpp; checker/search/checkpoint.hpp stores them) ----
  //
  // Between executions (after end_execution), a search that was not split
  // is its path of schedule points and fault choices, with their backtrack,
  // done and sleep sets, and where the next execution starts to look for
  // races (fresh_from). The happens-before state of the steps before that
  // point is rebuilt by the next execution, as set_task does: those steps are
  // the same, so their clocks are too.
  struct Snapshot {
    std::vector<Node> nodes;
    std::vector<ValuePoint> values;
    std::vector<Decision> decisions;
    std::uint32_t fresh_from = 0;
    std::uint64_t complete = 0, blocked = 0, reversals = 0;
    bool done = false;
  };
  Snapshot snapshot() const;
  // Before the first execution: go on from `s`. Throws std::invalid_argument
  // when its indices do not hold together (a damaged checkpoint).
  void restore(Snapshot s);

 private:
  // One step of the current execution. The steps before the point where an
  // execution departs from the last one are the same steps: they are kept,
  // with their clocks, and the objects' state is rolled back to that point
  // (each step keeps what it overwrote), so that a replayed step costs DPOR
  // nothing but the check that the enabled threads are the same.
  struct Event {
    sim::ThreadId thread = 0;
    std::uint32_t seq = 0;  // its thread's steps up to and including this one
    std::int32_t prev_same = -1;  // its thread's step before it
    std::uint32_t undo_at = 0;    // where the reads its writes cleared start in undo_reads_
    // Per touch that writes: how many reads it cleared (saved in undo_reads_, in touch order).
    std::array<std::uint16_t, sim::kMaxTouches> undo_count{};
    // Per touch that writes: how many adds it cleared (saved after its reads).
    std::array<std::uint16_t, sim::kMaxTouches> undo_adds{};
    // Per touch that reads: the read of the same thread it replaced in the
    // object's reads (-1: it was appended).
    std::array<std::int32_t, sim::kMaxTouches> replaced{};
    sim::OpKind kind = sim::OpKind::plain;
    bool any = false;             // dependent with every step (Op::touches_all)
    std::int32_t prev_any = -1;   // the last such step before it
    std::uint8_t touch_count = 0;
    std::array<sim::Touch, sim::kMaxTouches> touches{};
    // Per touch: the last write of that object before this event (-1 none).
    std::array<std::int32_t, sim::kMaxTouches> prev_write{};
    // Per touch of a lock: was it free (a blocking acquire could go on) just
    // before this event? kYes, kNo, or kUnknown (not known to be a lock yet).
    std::array<std::uint8_t, sim::kMaxTouches> free_before{};
  };
  static constexpr std::uint8_t kNo = 0, kYes = 1, kUnknown = 2;
  // The primitive behind an object, once an operation on it named it.
  struct LockRef {
    std::uint64_t epoch = 0;
    const sim::BitLock* lock = nullptr;
    const sim::Semaphore* semaphore = nullptr;
  };
  struct ObjectState {
    std::int32_t last_write = -1;
    std::vector<std::int32_t> reads;  // since the last write, the latest per thread
    std::vector<std::int32_t> adds;   // the same for adds (sim::Access::add)
  };

  void start_execution_state(const sim::Execution& ex);
  ObjectState& object(sim::ObjectId o) {
    if (o >= objects_.size()) objects_.resize(std::size_t(o) + 1);
    return objects_[o];
  }
  // Forgets the steps from `n` on, restoring what they overwrote.
  void truncate_events(std::size_t n);
  const std::uint32_t* clock(std::int32_t event) const { return &clocks_[std::size_t(event) * nthreads_]; }
  // e happens before (or is) the event whose clock is c.
  bool before(std::int32_t e, const std::uint32_t* c) const {
    return c[events_[e].thread] >= events_[e].seq;
  }
  // The clock a step of thread q with op `op` would have now, into `out`
  // (`any`: the step is dependent with every step).
  void clock_of(sim::ThreadId q, const sim::Op& op, std::uint32_t* out, bool any) const;
  // Adds event `i` (thread q, op) to the happens-before state.
  void add_event(sim::ThreadId q, const sim::Op& op, bool any);
  // Learns that op's object is a lock (from a lock, unlock, down, up, ...).
  void learn_lock(const sim::Op& op);
  std::uint8_t free_now(sim::ObjectId o) const;
  // Finds the races of a step of q with op `op` at position j (clock c) and
  // reverses them.
  void find_races(sim::ThreadId q, const sim::Op& op, std::uint32_t j, const std::uint32_t* c,
                  bool any, std::int32_t ends_with = -1);
  // Reverses race (e, step of q at j): returns false when the reversed order
  // cannot run (no initial thread is enabled before e).
  bool reverse(std::int32_t e, sim::ThreadId q, std::uint32_t j, const std::uint32_t* c);
  Mask child_sleep(std::uint32_t i, const sim::Execution& ex);
  // Adds step i, which has run, as an event: from the footprint it executed.
  void commit_step(std::uint32_t i, const sim::Execution& ex);
  static int touch_index(const Event& e, sim::ObjectId o);

  std::vector<Node> nodes_;
  std::vector<ValuePoint> values_;
  std::vector<Decision> decisions_;
  std::uint32_t step_ = 0;   // next schedule point of this execution
  std::uint32_t vpos_ = 0;   // next value point of this execution
  std::uint32_t fresh_from_ = 0;  // events from here on are new: look for their races
  std::uint32_t nodes_at_start_ = 0;
  std::uint32_t values_at_start_ = 0;

  // Happens-before state of the current execution.
  std::size_t nthreads_ = 0;
  std::vector<Event> events_;
  std::vector<std::uint32_t> clocks_;       // events_.size() * nthreads_
  std::vector<std::int32_t> last_event_;    // per thread
  std::vector<std::uint32_t> thread_steps_;  // per thread
  std::vector<ObjectState> objects_;
  std::vector<LockRef> locks_;
  std::vector<std::int32_t> undo_reads_;  // reads and adds that steps' writes cleared
  std::int32_t last_any_ = -1;            // the last step dependent with every step
  std::uint64_t epoch_ = 0;
  std::vector<std::uint32_t> scratch_clock_;
  std::vector<std::uint32_t> first_;         // per thread, for initials
  std::vector<std::int32_t> candidates_;
  // The step chosen last, as announced, and whether its locks were free just
  // before it ran (per announced touch), until commit_step adds it.
  sim::Op announced_;
  std::array<std::uint8_t, sim::kMaxTouches> free_before_now_{};

  // Splitting (search/split_dpor.cpp).
  std::uint32_t root_nodes_ = 0;      // nodes above this search's root (not its own)
  std::uint32_t root_decisions_ = 0;  // decisions above it, its root value included
  std::vector<std::pair<std::uint32_t, std::uint64_t>> given_;  // (value decision, token), deepest last
  std::function<bool(std::uint64_t)> merge_hook_;
  std::vector<Addition> additions_;   // to nodes above the root, in order, each once
  std::set<Addition> added_;

  bool blocked_now_ = false;
  bool done_ = false;
  std::uint64_t complete_ = 0;
  std::uint64_t blocked_ = 0;
  std::uint64_t reversals_ = 0;
  std::string abort_reason_;
};

}  // namespace checker

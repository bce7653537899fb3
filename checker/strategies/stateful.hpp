// Stateful depth-first search: every interleaving and every fault value, as
// DFS, but an execution is cut (sim::kAbort, counted as stopped early) when
// it reaches a state that the search has explored before (issue #12: SPIN
// merges "reclaim evicts after writer step 5" and "after step 6, with an
// unrelated writer step between" because they reach the same state).
//
// Fibers cannot be copied, so each execution still re-runs its prefix from a
// fresh model state; what the store saves is every subtree behind a state
// seen before.
//
// State identity. The shared state is explicit: every object has a digest
// (sim/digest.hpp; the primitives digest themselves, the page-cache model
// its objects, models/pagecache/digest.hpp), and so has the shared state
// tied to no object (the global digest). A thread's local state (its stack,
// its locals, where it stands in its code) is not visible, but it is a
// function of its code and of what its steps read: fibers are deterministic
// (the engine's premise, checked by every replay), code before a thread's
// first step reads nothing shared (the audit's "start" step), and a step
// reads only objects its announced footprint names (sim/op.hpp; the audit,
// sim/audit.hpp, checks exactly this over every shipped scenario). So each
// thread carries an observation hash, folded each time it takes a step:
//   obs' = H(obs, the step's label, for each announced object (id, its digest
//          just before the step runs); the whole state for touches_all)
// and each fault value chosen during its step is folded in as it is chosen.
// Refinement: the digests are taken before the step, but folded in when it
// has run, and only those of the objects its *executed* footprint names
// (sim::Execution::narrow: a step that announced more than it used did not
// read the rest; the audit checks every access against the executed
// footprint, not the announced one).
// Two runs in which a thread has the same observation hash gave it the same
// inputs in the same order, so it stands at the same place with the same
// locals, and its future is the same given the same shared state. The state
// key at a schedule point is
//   H(every object's digest, the global digest, each thread's finished flag
//     and observation hash).
// Fields that a lock's holder reads without naming them (the audit's
// guarded fields: PG_uptodate, page->mapping, ...) change only under that
// lock, so they are what they were at the holder's last step on the lock;
// the model makes the lock's digest cover them (models/pagecache/digest.hpp).
//
// Soundness. Plain stateful DFS (no sleep sets, so none of the traps of
// combining them with state matching: Yang, Chen, Gopalakrishnan and Kirby
// 2008) explores from every state it stores every enabled thread and every
// fault value; a state reached again is cut because everything behind it is
// explored already, or is being explored deeper on the current path (a
// cycle), where it will be. Everything the checker judges is a function of
// the state: enabledness and deadlock (locks, guards over named objects,
// finished flags), the step checks (they read the model state after the step;
// uptodate-lost's memory of the previous step is that state), a kernel BUG
// in a step (the thread's inputs), the end-of-run epilogue and the outcome
// (the final state and the observation, whose step numbers the digest keeps
// as ranks, which is all the invariants compare). So every verdict and
// outcome the stateless search reaches, this one reaches. Two losses, both
// reported: a hash collision may merge two different states (64-bit keys,
// hash compaction: the probability of any among n stored states is about
// n^2 / 2^65, printed in the summary); and the step bound (livelock suspect)
// is a property of a path, not of a state: a state first explored at a
// shallow depth is cut when a longer path reaches it, so a path that would
// pass max_steps behind it is not run. (No path revisits a state: every step
// changes its thread's observation hash, so the state graph is acyclic.) A
// program that gives no digest for some object (the engine's example
// programs with plain objects) is searched as plain DFS, and the summary
// says so.
//
// The store is bounded by the user (max_states): once full, new states are
// not stored (still sound, only more work) and the summary says how many
// were left out. It is an open-addressing table of 64-bit keys, 8 bytes a
// slot, at most half full.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <string>
#include <vector>

#include "checker/strategies/dfs.hpp"
#include "checker/strategies/search.hpp"
#include "sim/strategy.hpp"

namespace checker {

// A set of 64-bit hashes in a table that grows to hold at most `max` of them.
class StateStore {
 public:
  explicit StateStore(std::uint64_t max) : max_(max) {}
  enum class Result { added, seen, full };
  Result insert(std::uint64_t key);
  std::uint64_t size() const { return size_; }
  std::uint64_t max() const { return max_; }
  std::uint64_t bytes() const { return table_.size() * sizeof(std::uint64_t); }

 private:
  void grow();
  std::vector<std::uint64_t> table_;  // 0: empty (key 0 is stored as 1)
  std::uint64_t size_ = 0;
  std::uint64_t max_;
};

class StatefulStrategy final : public sim::Strategy, public SearchInfo {
 public:
  static constexpr std::uint64_t kDefaultMaxStates = 16'000'000;  // at most 256 MiB of table
  explicit StatefulStrategy(std::uint64_t max_states = kDefaultMaxStates) : store_(max_states) {}

  void begin_execution() override;
  sim::ThreadId pick_thread(std::span<const sim::ThreadId> enabled, const sim::Execution& ex) override;
  std::uint32_t pick_value(std::uint32_t n, const char* label, const sim::Execution& ex) override;
  bool end_execution(const sim::Execution& ex) override;
  std::string abort_reason() const override;

  bool pruned() const override { return matched_now_; }
  std::string summary() const override;
  std::uint64_t states_kept() const override { return store_.size(); }

  std::uint64_t states() const { return store_.size(); }
  std::uint64_t matched() const { return matched_; }
  std::uint64_t not_stored() const { return not_stored_; }
  bool digestible() const { return digestible_; }
  // The probability that two of the stored states share a key (a missed state).
  double collision_probability() const;

 private:
  std::uint64_t state_key(const sim::Execution& ex) const;
  void observe(sim::ThreadId t, const sim::Execution& ex);
  void fold_step(const sim::Execution& ex);  // the step taken last, by its executed footprint

  DfsStrategy dfs_;
  StateStore store_;
  std::vector<std::uint64_t> obs_;  // by thread: its observation hash
  // The step now running: its thread and the digests of its announced
  // objects taken just before it ran (kNoThread: none to fold).
  sim::ThreadId step_thread_ = sim::kNoThread;
  std::uint8_t snap_count_ = 0;
  std::array<std::pair<sim::ObjectId, std::uint64_t>, sim::kMaxTouches> snap_{};
  std::size_t prefix_ = 0;          // branch points the execution replays
  std::size_t decisions_ = 0;       // branch points it has passed
  bool digestible_ = true;          // every execution so far was
  bool matched_now_ = false;
  std::uint64_t matched_ = 0;
  std::uint64_t not_stored_ = 0;
};

}  // namespace checker

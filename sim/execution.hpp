// One execution of a concurrent program: its modelled threads (fibers), the
// objects they share, the schedule of decisions taken so far, and how it ended.
//
// A thread runs until it announces its next visible operation (step()); it then
// stops at a schedule point and the strategy picks which enabled thread goes
// next. The code between two announcements runs as one atomic step. Fault
// values come from choose(). Nothing here reads a clock or a real thread, so
// the same schedule gives the same execution.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/digest.hpp"
#include "sim/op.hpp"
#include "sim/schedule.hpp"
#include "sim/strategy.hpp"
#include "sim/verdict.hpp"

namespace sim {

class StackPool;

// One line of the event history, kept only when history is on.
struct Event {
  std::uint64_t step = 0;
  ThreadId thread = kNoThread;
  std::string op;      // label of the operation
  std::string object;  // name of its first object, "" if none
  std::string state;   // what the model says about its state after the step
  std::string note;    // a fault choice taken during the step, or a message
};

struct ExecutionOptions {
  std::uint64_t max_steps = 100000;  // past this: livelock suspect
  bool history = false;              // keep an Event per step
  // Check every access the model reports (sim/audit.hpp) against the
  // footprint of the step that made it; an uncovered access ends the
  // execution as an internal error naming the step. Also on when
  // audit::default_on().
  bool audit = false;
};

class Execution {
 public:
  explicit Execution(StackPool& stacks);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Makes this a new, empty execution: every thread of the last one is
  // unwound, every object forgotten; buffers keep their capacity, so that an
  // explorer running millions of executions allocates almost nothing.
  void reset();

  // ---- setting up (before run) ----
  ObjectId new_object(std::string name);
  // A daemon (a background agent) does not keep the execution alive: when
  // every other thread has finished, the execution ends.
  ThreadId spawn(std::string name, std::function<void()> body, bool daemon = false);
  // State digests (sim/digest.hpp): how to hash object o's value, and the
  // shared state that is tied to no object. Primitives register their own;
  // a model may replace one with a coarser digest (one that also covers
  // fields the lock guards). Cleared by reset().
  void set_digest(ObjectId o, Digester d);
  void set_global_digest(Digester d) { global_digest_ = d; }
  // Every object has a digest and the program gave a global one: the state
  // of this execution can be identified (a stateful search may merge).
  bool digestible() const;
  std::uint64_t object_digest(ObjectId o) const { return digests_[o](); }
  std::uint64_t global_digest() const { return global_digest_(); }
  std::size_t object_count() const { return object_names_.size(); }
  // Called after every step (history or not): checks that hold at every step.
  // It may call fail().
  void set_step_check(std::function<void()> check) { step_check_ = std::move(check); }
  // Called after every step when history is on: a one-line state summary.
  void set_state_describer(std::function<std::string()> d) { describe_ = std::move(d); }

  // Runs the execution to its end under `strategy`. Returns how it ended.
  const Verdict& run(Strategy& strategy, const ExecutionOptions& opts);

  // After run() ended with every thread finished: runs `body` as one more
  // thread, with the daemons that are left, to its end, taking no decisions
  // (the body is preferred whenever it is enabled, otherwise the lowest
  // enabled daemon; fault choices give 0). For end-of-run checks such as
  // "read the file, sync, evict, read again". Its steps are not part of the
  // schedule. Returns the verdict, which is a deadlock if the body blocks
  // for good.
  const Verdict& run_epilogue(std::string name, std::function<void()> body);

  // ---- called from inside modelled threads ----
  // Announces the next visible operation and stops at a schedule point. When
  // it returns, the operation may (and must) be carried out.
  void step(const Op& op);
  void step(const char* label, ObjectId object, Access access) {
    step(Op::make(OpKind::plain, label, {{object, access}}));
  }
  // Narrows the footprint of the step now running to what it did: `done`
  // names the objects it really read or wrote, each of them announced by the
  // step (a read may stay a read or the write become a read; an object it
  // did not announce is a model bug, std::logic_error). Called from inside
  // the step once its branches are decided, e.g. a commit that did not grow
  // the file read i_size and wrote nothing. Every object the step read to
  // decide a branch must stay named: a partial-order reduction takes two
  // steps as independent when their *executed* footprints do not conflict
  // (steps still pending keep their announced footprint). Only plain steps
  // narrow; a lock operation's footprint is its lock.
  void narrow(std::initializer_list<Touch> done);
  void narrow(const Op& done);
  // A fault choice: a value in [0, n). n <= 1 is no choice and returns 0.
  std::uint32_t choose(std::uint32_t n, const char* label);
  // Ends the execution now with a violation of `invariant`. Does not return.
  [[noreturn]] void fail(std::string invariant, std::string message);
  // Adds a note to the current step's event (history only).
  void note(std::string text);

  // An access the model reports while a step of this execution runs with
  // audit on (sim/audit.hpp calls it); checked when the step ends.
  void record_access(ObjectId o, Access a);
  // The audit saw a write of `o`, whose guard lock `guard` was free
  // (audit::report_guarded): a model bug, reported when the step ends.
  void record_unguarded_write(ObjectId o, ObjectId guard);

  // ---- read by strategies, invariants and reports ----
  ThreadId current() const { return current_; }
  std::size_t thread_count() const { return threads_.size(); }
  const std::string& thread_name(ThreadId t) const;
  bool finished(ThreadId t) const;
  bool is_daemon(ThreadId t) const;
  const Op& pending(ThreadId t) const;  // the op thread t stopped at
  // The step taken last, with the footprint it executed (narrow()); from
  // the end of that step up to the next pick_thread's return.
  const Op& last_step() const { return executed_; }
  bool enabled(ThreadId t) const;
  const std::string& object_name(ObjectId o) const { return object_names_[o]; }
  std::uint64_t steps() const { return steps_; }
  const Schedule& schedule() const { return schedule_; }
  const std::vector<Event>& history() const { return history_; }
  const Verdict& verdict() const { return verdict_; }
  bool history_on() const { return opts_.history; }
  // True while the threads left suspended are being unwound: visible ops do nothing.
  bool tearing_down() const { return tearing_down_; }

 private:
  struct Thread;
  struct MainContext;
  struct Unwind {};  // thrown inside a fiber that teardown resumes, to unwind its stack
  static constexpr ThreadId kMain = kNoThread - 1;  // the context that called run()

  ThreadId spawn_thread(std::string name, std::function<void()> body, bool daemon, bool epilogue);
  void start_fiber(ThreadId t);      // create t's fiber and run it up to its first step
  ThreadId decide_next();            // after a step: the thread to run next, or kMain when over
  ThreadId pick_epilogue(std::span<const ThreadId> enabled) const;
  void switch_to(ThreadId next);     // from the running context
  [[noreturn]] void end_with(Verdict v);  // ends the execution, back to kMain
  Verdict deadlock_verdict() const;
  void finish_step();                // the step just taken is complete: history, checks
  // Audit: starts collecting the accesses of the step about to run (when
  // audit is on), and ends it: every access is checked against executed_; an
  // uncovered one ends the execution (verdict_, over_) as a model bug.
  void open_audit();
  void close_audit();
  void teardown();
  static bool can_proceed(const Op& op, ThreadId t);
  // The thread that t, asleep in op, waits for: the lock's holder, or for an
  // rw_semaphore's queue the waiter ahead of t.
  static ThreadId holder_of(ThreadId t, const Op& op);
  ObjectId waited_object(const Op& op) const;

  StackPool& stacks_;
  std::vector<std::unique_ptr<Thread>> threads_;
  std::vector<std::string> object_names_;
  std::vector<Digester> digests_;  // by object; unset: not digestible
  Digester global_digest_;
  std::function<void()> step_check_;
  std::function<std::string()> describe_;
  Strategy* strategy_ = nullptr;
  ExecutionOptions opts_;
  ThreadId current_ = kMain;
  ThreadId switched_from_ = kMain;  // who switched to the context now running
  std::uint64_t steps_ = 0;
  bool step_open_ = false;  // a step was taken and has not been finished yet
  Schedule schedule_;
  Op announced_;  // the step now running (or taken last), as announced
  Op executed_;   // the same, as narrowed while it ran
  std::vector<Event> history_;
  std::vector<ThreadId> enabled_;
  Verdict verdict_;
  bool over_ = false;
  bool priming_ = false;
  bool in_epilogue_ = false;
  ThreadId epilogue_thread_ = kNoThread;
  bool tearing_down_ = false;
  bool audit_ = false;             // this run is audited (opts or audit::default_on)
  std::vector<Touch> accesses_;    // audit: what the step now running reported
  std::vector<std::pair<ObjectId, ObjectId>> unguarded_;  // audit: (object, its guard) written unguarded
  bool audit_open_ = false;        // audit: accesses_ belong to a step now running
  ThreadId audit_thread_ = kNoThread;  // audit: the thread that runs that step
  std::unique_ptr<MainContext> main_;
  const void* main_stack_bottom_ = nullptr;  // for AddressSanitizer's fiber annotations
  std::size_t main_stack_size_ = 0;
};

}  // namespace sim

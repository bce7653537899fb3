#include "sim/execution.hpp"
#include "sim/asan.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <memory>
#include <utility>

#include <boost/context/fiber.hpp>
#if defined(INTERLEAVE_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

#include "sim/audit.hpp"
#include "sim/primitives.hpp"
#include "sim/stack_overflow.hpp"
#include "sim/stack_pool.hpp"

namespace ctx = boost::context;

namespace sim {

struct Execution::Thread {
  std::string name;
  std::function<void()> body;
  bool daemon = false;
  bool finished = false;
  Op pending;     // the operation it stopped at
  ctx::fiber fc;  // its suspended continuation (empty while it runs or once it ended)
  ctx::stack_context stack;  // the stack its fiber runs on
};

namespace {
// AddressSanitizer must be told of every switch between stacks, or it takes
// the fibers' frames for overflows of the stack it believes is current.
// Without ASan these cost nothing.
void asan_start_switch(void** fake_stack, const void* bottom, std::size_t size) {
#if defined(INTERLEAVE_ASAN)
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}
void asan_finish_switch(void* fake_stack, const void** old_bottom, std::size_t* old_size) {
#if defined(INTERLEAVE_ASAN)
  __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#else
  (void)fake_stack, (void)old_bottom, (void)old_size;
#endif
}
const void* stack_bottom(const ctx::stack_context& sc) { return static_cast<char*>(sc.sp) - sc.size; }

// What a stack overflow report names (sim/stack_overflow.hpp): the fiber
// about to run on this OS thread, or none when the main context runs.
void mark_running(const std::string& name, const ctx::stack_context& sc) {
  running_fiber = {name.c_str(), static_cast<const char*>(stack_bottom(sc)), sc.size};
}
void mark_main_running() { running_fiber = {}; }
}  // namespace

struct Execution::MainContext {
  ctx::fiber fc;
};

Execution::Execution(StackPool& stacks) : stacks_(stacks), main_(std::make_unique<MainContext>()) {}

Execution::~Execution() { teardown(); }

void Execution::reset() {
  teardown();
  threads_.clear();
  object_names_.clear();
  digests_.clear();
  global_digest_ = {};
  step_check_ = nullptr;
  describe_ = nullptr;
  strategy_ = nullptr;
  current_ = switched_from_ = kMain;
  steps_ = 0;
  step_open_ = false;
  schedule_.clear();
  history_.clear();
  enabled_.clear();
  verdict_ = Verdict{};
  over_ = priming_ = in_epilogue_ = tearing_down_ = false;
  epilogue_thread_ = kNoThread;
}

ObjectId Execution::new_object(std::string name) {
  object_names_.push_back(std::move(name));
  digests_.emplace_back();
  return static_cast<ObjectId>(object_names_.size() - 1);
}

void Execution::set_digest(ObjectId o, Digester d) { digests_.at(o) = d; }

bool Execution::digestible() const {
  if (!global_digest_) return false;
  for (const Digester& d : digests_)
    if (!d) return false;
  return true;
}

ThreadId Execution::spawn(std::string name, std::function<void()> body, bool daemon) {
  return spawn_thread(std::move(name), std::move(body), daemon, false);
}

ThreadId Execution::spawn_thread(std::string name, std::function<void()> body, bool daemon,
                                 bool epilogue) {
  auto th = std::make_unique<Thread>();
  th->name = std::move(name);
  th->body = std::move(body);
  th->daemon = daemon;
  th->pending = Op::make(OpKind::plain, "start", {});
  threads_.push_back(std::move(th));
  const auto id = static_cast<ThreadId>(threads_.size() - 1);
  if (epilogue) epilogue_thread_ = id;
  return id;
}

const std::string& Execution::thread_name(ThreadId t) const { return threads_[t]->name; }
bool Execution::finished(ThreadId t) const { return threads_[t]->finished; }
bool Execution::is_daemon(ThreadId t) const { return threads_[t]->daemon; }
const Op& Execution::pending(ThreadId t) const { return threads_[t]->pending; }
bool Execution::enabled(ThreadId t) const {
  return !threads_[t]->finished && can_proceed(threads_[t]->pending, t);
}

bool Execution::can_proceed(const Op& op, ThreadId t) {
  switch (op.kind) {
    case OpKind::lock:
    case OpKind::wait_unlocked: return !op.lock->locked();
    case OpKind::down: return op.semaphore->count() > 0;
    case OpKind::rwsem_wait: return op.rwsem->granted(t);
    case OpKind::guarded: return op.guard.holds(op.guard.arg);
    default: return true;
  }
}

// ---------------------------------------------------------------- switching

void Execution::switch_to(ThreadId next) {
  const ThreadId from = current_;
  if (next == from) return;
  current_ = next;
  switched_from_ = from;
  ctx::fiber& target = next == kMain ? main_->fc : threads_[next]->fc;
  void* fake_stack = nullptr;
  if (next == kMain) {
    mark_main_running();
    asan_start_switch(&fake_stack, main_stack_bottom_, main_stack_size_);
  } else {
    mark_running(threads_[next]->name, threads_[next]->stack);
    asan_start_switch(&fake_stack, stack_bottom(threads_[next]->stack), threads_[next]->stack.size);
  }
  ctx::fiber back = std::move(target).resume();
  asan_finish_switch(fake_stack, nullptr, nullptr);
  // Running again: `back` is the continuation of whoever switched to us.
  if (switched_from_ == kMain)
    main_->fc = std::move(back);
  else
    threads_[switched_from_]->fc = std::move(back);
  // Teardown resumes a thread only to unwind its stack.
  if (tearing_down_ && current_ != kMain) throw Unwind{};
}

void Execution::start_fiber(ThreadId t) {
  Thread& th = *threads_[t];
  th.fc = ctx::fiber(std::allocator_arg, PooledStack(stacks_, &th.stack), [this, t](ctx::fiber&& caller) {
    // Fibers are started from the main context only: learn its stack.
    asan_finish_switch(nullptr, &main_stack_bottom_, &main_stack_size_);
    main_->fc = std::move(caller);
    std::string error;
    bool unwound = false;
    try {
      threads_[t]->body();
    } catch (const Unwind&) {
      unwound = true;
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) {
      // A model that throws is a bug in the model, not in the modelled kernel.
      Verdict v;
      v.kind = Verdict::Kind::internal_error;
      v.invariant = "internal-error";
      v.message = "thread " + threads_[t]->name + " threw: " + error;
      v.thread = t;
      v.step = steps_;
      if (!over_) verdict_ = std::move(v);
      over_ = true;  // the exit below goes back to the main context
    }
    threads_[t]->finished = true;
    const ThreadId next = priming_ || unwound ? kMain : decide_next();
    current_ = next;
    switched_from_ = t;
    // This fiber ends: its fake stack (ASan) goes with it.
    if (next == kMain) {
      mark_main_running();
      asan_start_switch(nullptr, main_stack_bottom_, main_stack_size_);
    } else {
      mark_running(threads_[next]->name, threads_[next]->stack);
      asan_start_switch(nullptr, stack_bottom(threads_[next]->stack), threads_[next]->stack.size);
    }
    return std::move(next == kMain ? main_->fc : threads_[next]->fc);
  });
  // Run it up to its first visible operation (or its end): a thread's start is no decision.
  // What it does on the way is no step of any schedule: it runs before every
  // other thread, so an access to shared state there is a model bug too. The
  // audit checks it against an empty footprint, as the step "start".
  current_ = kMain;
  const Op announced = announced_, executed = executed_;
  announced_ = executed_ = Op::make(OpKind::plain, "start", {});
  audit_thread_ = t;
  open_audit();
  switch_to(t);
  close_audit();
  announced_ = announced, executed_ = executed;  // last_step() is the schedule's, untouched
}

// ---------------------------------------------------------------- running

const Verdict& Execution::run(Strategy& strategy, const ExecutionOptions& opts) {
  strategy_ = &strategy;
  opts_ = opts;
  audit_ = opts.audit || audit::default_on();
  prepare_thread_for_overflow_reports();
  strategy.begin_execution();
  priming_ = true;
  const std::size_t n = threads_.size();
  for (ThreadId t = 0; t < n && !over_; ++t) start_fiber(t);
  priming_ = false;
  if (!over_) switch_to(decide_next());
  if (opts_.history) finish_step();
  return verdict_;
}

const Verdict& Execution::run_epilogue(std::string name, std::function<void()> body) {
  if (over_ && verdict_.failed()) return verdict_;
  over_ = false;
  in_epilogue_ = true;
  const ThreadId t = spawn_thread(std::move(name), std::move(body), false, true);
  priming_ = true;
  start_fiber(t);
  priming_ = false;
  if (!over_) switch_to(decide_next());
  if (opts_.history) finish_step();
  in_epilogue_ = false;
  return verdict_;
}

void Execution::step(const Op& op) {
  if (tearing_down_) return;
  if (op.kind == OpKind::guarded && !op.guard.holds)
    throw std::logic_error(std::string("model bug: guarded step ") + op.label + " has no guard");
  Thread& me = *threads_[current_];
  me.pending = op;
  if (priming_) {
    switch_to(kMain);
    return;
  }
  const ThreadId next = decide_next();
  switch_to(next);
}

void Execution::finish_step() {
  if (!step_open_) return;
  step_open_ = false;
  close_audit();
  if (opts_.history && !history_.empty() && describe_) history_.back().state = describe_();
}

ThreadId Execution::decide_next() {
  if (over_) return kMain;
  if (step_open_) {
    finish_step();
    if (over_) return kMain;  // the audit found a model bug in the step
    if (step_check_ && !in_epilogue_) {
      step_check_();  // may end the execution
      if (over_) return kMain;
    }
  }
  enabled_.clear();
  bool live = false;  // some thread that is not a daemon has not finished
  for (ThreadId t = 0; t < threads_.size(); ++t) {
    const Thread& th = *threads_[t];
    if (th.finished) continue;
    if (!th.daemon) live = true;
    if (can_proceed(th.pending, t)) enabled_.push_back(t);
  }
  if (!live) {
    over_ = true;
    return kMain;
  }
  if (enabled_.empty()) {
    verdict_ = deadlock_verdict();
    over_ = true;
    return kMain;
  }
  if (steps_ >= opts_.max_steps && !in_epilogue_) {
    Verdict v;
    v.kind = Verdict::Kind::livelock_suspect;
    v.invariant = "livelock";
    v.message = "livelock suspect: the execution ran past the step bound of " +
                std::to_string(opts_.max_steps) + " steps without ending (raise it with --max-steps)";
    v.step = steps_;
    verdict_ = std::move(v);
    over_ = true;
    return kMain;
  }
  ThreadId chosen;
  if (in_epilogue_) {
    chosen = pick_epilogue(enabled_);
  } else {
    chosen = strategy_->pick_thread(enabled_, *this);
    if (chosen == kAbort || !std::binary_search(enabled_.begin(), enabled_.end(), chosen)) {
      Verdict v;
      v.kind = Verdict::Kind::aborted;
      v.message = chosen == kAbort ? strategy_->abort_reason()
                                   : "the strategy picked thread " + std::to_string(chosen) +
                                         ", which cannot run at step " + std::to_string(steps_);
      v.step = steps_;
      verdict_ = std::move(v);
      over_ = true;
      return kMain;
    }
    schedule_.push_back(Decision::thread(chosen));
  }
  announced_ = executed_ = threads_[chosen]->pending;
  ++steps_;
  step_open_ = true;
  audit_thread_ = chosen;
  open_audit();
  if (opts_.history) {
    const Op& op = threads_[chosen]->pending;
    Event e;
    e.step = steps_;
    e.thread = chosen;
    e.op = op.label;
    if (op.touch_count > 0) e.object = object_names_[op.touches[0].object];
    history_.push_back(std::move(e));
  }
  return chosen;
}

ThreadId Execution::pick_epilogue(std::span<const ThreadId> enabled) const {
  for (ThreadId t : enabled)
    if (t == epilogue_thread_) return t;
  return enabled.front();
}

void Execution::narrow(std::initializer_list<Touch> done) {
  if (done.size() > kMaxTouches)
    throw std::logic_error(std::string("model bug: step ") + announced_.label +
                           " narrows to more objects than sim::kMaxTouches");
  Op op = announced_;
  op.touches_all = false;
  op.touch_count = 0;
  for (const Touch& t : done) op.touches[op.touch_count++] = t;
  narrow(op);
}

void Execution::narrow(const Op& done) {
  if (tearing_down_ || current_ == kMain || !step_open_) return;
  const auto bad = [&](const std::string& why) {
    throw std::logic_error(std::string("model bug: step ") + announced_.label + " " + why);
  };
  const auto plain = [](OpKind k) { return k == OpKind::plain || k == OpKind::guarded; };
  if (!plain(announced_.kind) || done.kind != announced_.kind)
    bad("narrows its footprint, but only plain steps may");
  if (done.touches_all && !announced_.touches_all) bad("narrows to touching all objects, which it did not announce");
  for (std::uint8_t i = 0; i < done.touch_count; ++i) {
    const Touch& t = done.touches[i];
    if (announced_.touches_all) continue;
    bool covered = false;
    for (std::uint8_t j = 0; j < announced_.touch_count && !covered; ++j)
      covered = announced_.touches[j].object == t.object && covers(announced_.touches[j].access, t.access);
    if (!covered)
      bad(std::string("narrows to ") +
          (t.access == Access::write ? "writing " : t.access == Access::add ? "adding to " : "reading ") +
          object_names_[t.object] + ", which it did not announce");
  }
  executed_ = done;
  executed_.label = announced_.label;
}

std::uint32_t Execution::choose(std::uint32_t n, const char* label) {
  if (n <= 1 || tearing_down_ || in_epilogue_) return 0;
  const std::uint32_t v = strategy_->pick_value(n, label, *this);
  if (v == kAbort || v >= n) {
    Verdict ab;
    ab.kind = Verdict::Kind::aborted;
    ab.message = v == kAbort ? strategy_->abort_reason()
                             : std::string("the strategy chose value ") + std::to_string(v) +
                                   " of " + std::to_string(n) + " for " + label;
    ab.step = steps_;
    end_with(std::move(ab));
  }
  schedule_.push_back(Decision::choice(v, n));
  if (opts_.history) note(std::string(label) + " = " + std::to_string(v));
  return v;
}

void Execution::note(std::string text) {
  if (!opts_.history || history_.empty()) return;
  Event& e = history_.back();
  if (!e.note.empty()) e.note += "; ";
  e.note += std::move(text);
}

void Execution::fail(std::string invariant, std::string message) {
  Verdict v;
  v.kind = Verdict::Kind::violation;
  v.invariant = std::move(invariant);
  v.message = std::move(message);
  v.thread = current_ == kMain ? kNoThread : current_;
  v.step = steps_;
  end_with(std::move(v));
}

void Execution::end_with(Verdict v) {
  if (tearing_down_) throw std::logic_error("execution ended while tearing down");
  close_audit();  // a model bug in the step that ends the execution outranks its verdict
  if (!over_) verdict_ = std::move(v);
  over_ = true;
  if (opts_.history) finish_step();
  if (current_ == kMain) throw std::logic_error("execution ended from outside its threads");
  switch_to(kMain);
  // Never resumed: teardown unwinds this fiber's stack.
  std::terminate();
}

// ---------------------------------------------------------------- deadlock

ThreadId Execution::holder_of(ThreadId t, const Op& op) {
  if (op.lock) return op.lock->holder();
  if (op.semaphore && !op.semaphore->holders().empty()) return op.semaphore->holders().front();
  if (op.rwsem) return op.rwsem->waits_for(t);
  return kNoThread;
}

ObjectId Execution::waited_object(const Op& op) const {
  if (op.lock) return op.lock->id();
  if (op.semaphore) return op.semaphore->id();
  if (op.rwsem) return op.rwsem->id();
  return op.touch_count ? op.touches[0].object : kNoObject;
}

Verdict Execution::deadlock_verdict() const {
  Verdict v;
  v.kind = Verdict::Kind::deadlock;
  v.invariant = "deadlock";
  v.step = steps_;
  std::vector<ThreadId> waits_for(threads_.size(), kNoThread);
  for (ThreadId t = 0; t < threads_.size(); ++t) {
    const Thread& th = *threads_[t];
    if (th.finished || th.daemon) continue;
    WaitEdge e;
    e.waiter = t;
    e.waiter_name = th.name;
    e.op = th.pending.label;
    e.object = waited_object(th.pending);
    if (e.object != kNoObject) e.object_name = object_names_[e.object];
    e.holder = holder_of(t, th.pending);
    if (e.holder != kNoThread) e.holder_name = threads_[e.holder]->name;
    waits_for[t] = e.holder;
    if (e.holder == t) v.self_deadlock = true;
    v.waits.push_back(std::move(e));
  }
  // The wait-for cycle: follow "waits for the holder" from each waiter.
  for (const WaitEdge& e : v.waits) {
    std::vector<ThreadId> path;
    ThreadId t = e.waiter;
    while (t != kNoThread && std::find(path.begin(), path.end(), t) == path.end()) {
      path.push_back(t);
      t = waits_for[t];
    }
    if (t != kNoThread) {  // closed a cycle at t
      v.cycle.assign(std::find(path.begin(), path.end(), t), path.end());
      break;
    }
  }
  // An rw_semaphore's waiter may wait for the waiter ahead of it, not a holder.
  auto queued_behind = [this](const WaitEdge& e) {
    const Op& op = threads_[e.waiter]->pending;
    if (!op.rwsem || e.holder == kNoThread) return false;
    const std::vector<ThreadId>& h = op.rwsem->holders();
    return std::find(h.begin(), h.end(), e.holder) == h.end();
  };
  std::string& m = v.message;
  m = v.self_deadlock ? "self-deadlock: a thread sleeps on a lock that it holds itself"
                      : "deadlock: no thread can run, and some have not finished";
  for (const WaitEdge& e : v.waits) {
    m += "\n  " + e.waiter_name + " sleeps in " + e.op + " on " +
         (e.object_name.empty() ? std::string("?") : e.object_name);
    if (e.holder == e.waiter)
      m += ", which it holds itself";
    else if (queued_behind(e))
      m += ", queued behind " + e.holder_name;
    else if (e.holder != kNoThread)
      m += ", held by " + e.holder_name;
  }
  if (!v.cycle.empty()) {
    m += "\n  wait-for cycle: ";
    for (ThreadId t : v.cycle) m += threads_[t]->name + " -> ";
    m += threads_[v.cycle.front()]->name;
  }
  return v;
}

// ---------------------------------------------------------------- teardown

void Execution::teardown() {
  tearing_down_ = true;
  // Unwinding runs destructors, no steps: nothing is audited.
  if (audit::running == this) audit::running = nullptr;
  audit_open_ = false;
  // Each thread still suspended is resumed once: its switch_to throws Unwind,
  // which unwinds its stack (the model's locals are destroyed properly) up to
  // the fiber's start, which then ends and comes back here.
  for (ThreadId t = 0; t < threads_.size(); ++t) {
    current_ = kMain;
    if (threads_[t]->fc) switch_to(t);
  }
  current_ = kMain;
}

}  // namespace sim

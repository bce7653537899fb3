// Modelled kernel primitives with kernel semantics. Each operation on them is
// a visible operation of the calling thread. Each reports its accesses to
// the audit (sim/audit.hpp) as accesses of its object: a test of a lock by
// model code inside a step (locked()) reads it, taking or releasing writes it.
// The scheduler's own tests of enabledness run outside steps and report nothing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "sim/audit.hpp"
#include "sim/execution.hpp"

namespace sim {

// A sleeping bit lock with a wait queue, like PG_locked or BH_Lock in Linux
// 2.4: no owner in the kernel's sense (the holder is tracked only for
// reports), not recursive, and unlocking an unlocked lock is a kernel bug.
// A thread sleeping in lock() or wait_unlocked() is disabled until the lock
// is free; unlock() wakes them all and any of them may win (the scheduler
// explores every order).
class BitLock {
 public:
  BitLock(Execution& ex, std::string name);
  ObjectId id() const { return id_; }
  // Its whole state, for a stateful search: registered as its object's
  // digest when it is made (sim/digest.hpp), with `this`, so not copyable.
  std::uint64_t digest() const;
  static std::uint64_t digest_of(const void* self) { return static_cast<const BitLock*>(self)->digest(); }
  BitLock(const BitLock&) = delete;
  BitLock& operator=(const BitLock&) = delete;
  // A test by the lock's holder needs no footprint: only its own unlock
  // changes the bit while it holds it (the audit's premise, as for the
  // fields a lock guards: sim/audit.hpp report_guarded).
  bool locked() const {
    if (audit::running != nullptr && !(locked_ && holder_ == ex_.current())) [[unlikely]]
      audit::report(id_, Access::read);
    return locked_;
  }
  ThreadId holder() const { return holder_; }
  bool locked_unaudited() const { return locked_; }  // for the audit itself

  // lock_page: sleeps while locked, then takes it.
  void lock(const char* label = "lock");
  // TryLockPage: takes it if free; true when it was already locked (as the kernel's).
  bool trylock(const char* label = "trylock");
  // UnlockPage: BUG() if not locked.
  void unlock(const char* label = "unlock");
  // The same step also touches `also` (at most kMaxTouches - 1 objects),
  // for a model that folds a statement that follows the unlock into it and
  // carries out that statement itself after this returns.
  void unlock(const char* label, std::initializer_list<Touch> also);
  // wait_on_page: sleeps while locked, does not take it.
  void wait_unlocked(const char* label = "wait_on_lock");
  // Sets the bit inside a step the caller has already announced (e.g. a new
  // page is inserted into the page cache locked, under pagecache_lock).
  void set_locked_in_step();
  // Releases inside an already-announced step (I/O completion context).
  void clear_locked_in_step();

 private:
  Execution& ex_;
  ObjectId id_;
  bool locked_ = false;
  ThreadId holder_ = kNoThread;
};

// A counting semaphore (struct semaphore): down sleeps while the count is
// zero. Used as a mutex for i_sem and mmap_sem with an initial count of 1.
class Semaphore {
 public:
  Semaphore(Execution& ex, std::string name, int count);
  ObjectId id() const { return id_; }
  // Its whole state, for a stateful search: registered as its object's
  // digest when it is made (sim/digest.hpp), with `this`, so not copyable.
  std::uint64_t digest() const;
  static std::uint64_t digest_of(const void* self) { return static_cast<const Semaphore*>(self)->digest(); }
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;
  int count() const { return count_; }
  // The threads that took it and have not given it back (for reports).
  const std::vector<ThreadId>& holders() const { return holders_; }

  void down(const char* label = "down");
  // down_trylock: returns true when it could NOT take it (as the kernel's).
  bool down_trylock(const char* label = "down_trylock");
  void up(const char* label = "up");

 private:
  Execution& ex_;
  ObjectId id_;
  int count_;
  std::vector<ThreadId> holders_;
};

// A reader-writer semaphore (struct rw_semaphore) with the fair FIFO rules
// of Linux 2.4's lib/rwsem-spinlock.c: down_read takes it when no writer
// holds it and nobody waits; down_write when it is free and nobody waits;
// otherwise the caller queues and sleeps. up_read by the last reader wakes
// the writer at the head of the queue; up_write wakes the writer at the head,
// or every reader up to the first writer. The lock is handed to the woken
// waiters (they do not race for it again), so a reader never overtakes a
// queued writer. down_* is one step when it takes the lock, two (the attempt,
// then the sleep) when it queues.
class RwSemaphore {
 public:
  RwSemaphore(Execution& ex, std::string name);
  ObjectId id() const { return id_; }
  // Its whole state, for a stateful search: registered as its object's
  // digest when it is made (sim/digest.hpp), with `this`, so not copyable.
  std::uint64_t digest() const;
  static std::uint64_t digest_of(const void* self) { return static_cast<const RwSemaphore*>(self)->digest(); }
  RwSemaphore(const RwSemaphore&) = delete;
  RwSemaphore& operator=(const RwSemaphore&) = delete;
  // 0: free; n > 0: held by n readers; -1: held by a writer (sem->activity).
  int activity() const { return activity_; }
  // The threads that hold it, readers or the writer (for reports).
  const std::vector<ThreadId>& holders() const { return holders_; }
  // Whether thread t queued and has been handed the lock (its sleep may end).
  bool granted(ThreadId t) const;
  // Threads asleep in its queue, in order.
  std::size_t waiters() const { return wait_list_.size(); }
  // The thread that t, asleep in the queue, waits for (for deadlock reports):
  // the waiter ahead of it, since the queue is served in order, or, at the
  // head, the first holder. kNoThread when t is not queued or nobody holds it.
  ThreadId waits_for(ThreadId t) const;

  void down_read(const char* label = "down_read");
  void down_write(const char* label = "down_write");
  void up_read(const char* label = "up_read");
  void up_write(const char* label = "up_write");

 private:
  struct Waiter {
    ThreadId thread;
    bool write;
  };
  void sleep_until_granted(const char* label);
  void grant(const Waiter& w);
  void do_wake();  // __rwsem_do_wake
  void release(const char* what);

  Execution& ex_;
  ObjectId id_;
  int activity_ = 0;
  std::vector<ThreadId> holders_;
  std::vector<Waiter> wait_list_;   // FIFO
  std::vector<ThreadId> granted_;   // woken, not yet back from their sleep
};

// A shared word that generic programs (the engine's examples and tests) read
// and write; every access is a visible operation.
class SharedWord {
 public:
  SharedWord(Execution& ex, std::string name, std::int64_t value = 0);
  ObjectId id() const { return id_; }
  // Its whole state, for a stateful search: registered as its object's
  // digest when it is made (sim/digest.hpp), with `this`, so not copyable.
  std::uint64_t digest() const;
  static std::uint64_t digest_of(const void* self) { return static_cast<const SharedWord*>(self)->digest(); }
  SharedWord(const SharedWord&) = delete;
  SharedWord& operator=(const SharedWord&) = delete;
  std::int64_t load(const char* label = "load");
  void store(std::int64_t v, const char* label = "store");
  // The value without a step: for checks after the execution.
  std::int64_t peek() const { return value_; }

 private:
  Execution& ex_;
  ObjectId id_;
  std::int64_t value_;
};

}  // namespace sim

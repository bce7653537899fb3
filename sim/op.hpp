// Visible operations: what a modelled thread announces before it stops at a
// schedule point. Each names the objects it touches and whether it reads or
// writes them, so that a partial-order reduction can tell independent steps
// apart, and carries a static label (the kernel function or primitive) for
// traces and reports.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace sim {

using ThreadId = std::uint32_t;
using ObjectId = std::uint32_t;

inline constexpr ThreadId kNoThread = ~ThreadId{0};
inline constexpr ObjectId kNoObject = ~ObjectId{0};

// How a step touches an object. `add` is a commutative update (a reference
// count's get and put): it changes the object, but two adds to it, in either
// order, take the same branches and leave the same value, so they are
// independent of each other; an add conflicts with reads and writes. Only a
// step that can argue that commutation beside its code may announce one
// (models/pagecache/page.cpp: page_cache_get, page_cache_release).
enum class Access : std::uint8_t { read, write, add };

// Two accesses of one object conflict unless both read or both add.
inline bool conflicts(Access a, Access b) { return a == Access::write || b == Access::write || a != b; }

// A footprint's access `have` allows an access `done` of the same object:
// a write allows anything; a read or an add only itself.
inline bool covers(Access have, Access done) { return have == Access::write || have == done; }

inline const char* access_letter(Access a) { return a == Access::write ? "W" : a == Access::add ? "A" : "R"; }

// What the step does, as far as the scheduler needs to know: whether the
// thread can take it now (enabledness), and what it touches.
enum class OpKind : std::uint8_t {
  plain,          // reads/writes shared data; always enabled
  lock,           // take a BitLock; enabled while the lock is free
  unlock,         // release a BitLock (wakes its waiters)
  wait_unlocked,  // sleep until a BitLock is free, without taking it
  down,           // semaphore down; enabled while count > 0
  up,             // semaphore up
  rwsem_wait,     // asleep in an RwSemaphore's wait queue; enabled once granted
  guarded,        // a plain step enabled only while its guard holds (Op::guard)
};

// The condition of a guarded step: a function of the shared state, read when
// the scheduler asks who can run. Every object it reads must be among the
// step's touches (as a read at least), so that a step of another thread
// that can change it is dependent with the guarded step.
struct Guard {
  bool (*holds)(const void* arg) = nullptr;
  const void* arg = nullptr;
};

struct Touch {
  ObjectId object = kNoObject;
  Access access = Access::read;
};

// At most this many objects per step: a step that runs under a spinlock may
// touch the lock and the objects it protects. A step that reads more (a walk
// over a list of any length) says so with Op::touches_all instead.
inline constexpr std::size_t kMaxTouches = 8;

class BitLock;
class Semaphore;
class RwSemaphore;

struct Op {
  OpKind kind = OpKind::plain;
  const char* label = "";          // static string: "lock_page", "copy_from_user", ...
  std::uint8_t touch_count = 0;
  std::array<Touch, kMaxTouches> touches{};
  // The step may read or write objects beyond `touches` (more than fit, or
  // not known when it is announced): it is dependent with every step. Sound
  // and costly: a reduction can reorder nothing around it.
  bool touches_all = false;
  // The primitive a blocking op waits on (lock, wait_unlocked, down); null otherwise.
  const BitLock* lock = nullptr;
  const Semaphore* semaphore = nullptr;
  const RwSemaphore* rwsem = nullptr;
  Guard guard;  // OpKind::guarded: enabled while guard.holds(guard.arg)

  static Op make(OpKind kind, const char* label, std::initializer_list<Touch> ts) {
    Op op;
    op.kind = kind;
    op.label = label;
    for (const Touch& t : ts) {
      if (op.touch_count == kMaxTouches) break;
      op.touches[op.touch_count++] = t;
    }
    return op;
  }
};

// Two steps are dependent when their accesses of a common object conflict
// (conflicts()), or when either touches all. Lock operations count as writes
// of the lock object.
inline bool dependent(const Op& a, const Op& b) {
  if (a.touches_all || b.touches_all) return true;
  for (std::uint8_t i = 0; i < a.touch_count; ++i)
    for (std::uint8_t j = 0; j < b.touch_count; ++j)
      if (a.touches[i].object == b.touches[j].object && conflicts(a.touches[i].access, b.touches[j].access))
        return true;
  return false;
}

}  // namespace sim

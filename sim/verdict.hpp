// How one execution ended.
#pragma once

#include <string>
#include <vector>

#include "sim/op.hpp"

namespace sim {

// One edge of a wait-for graph: `waiter` sleeps on `object`, held by `holder`.
struct WaitEdge {
  ThreadId waiter = kNoThread;
  std::string waiter_name;
  std::string op;           // the operation it sleeps in, e.g. "lock_page"
  ObjectId object = kNoObject;
  std::string object_name;
  ThreadId holder = kNoThread;  // kNoThread when nobody is known to hold it
  std::string holder_name;
};

struct Verdict {
  enum class Kind {
    ok,                // every thread finished, no invariant broke
    violation,         // an invariant broke (invariant names which)
    deadlock,          // no thread enabled, some unfinished
    livelock_suspect,  // the step bound was reached
    aborted,           // the strategy stopped the execution (e.g. a replay that no longer fits)
    internal_error,    // the model threw: a bug in the model, not in the modelled kernel
  };
  Kind kind = Kind::ok;
  std::string invariant;  // "deadlock", "kernel-bug", "torn-read", ...; empty when ok
  std::string message;    // one or more lines a person reads
  ThreadId thread = kNoThread;  // the thread whose step broke it, when there is one
  std::uint64_t step = 0;       // the step at which it broke
  std::vector<WaitEdge> waits;  // deadlock: every blocked thread
  std::vector<ThreadId> cycle;  // deadlock: the wait-for cycle, when there is one
  bool self_deadlock = false;   // a thread waits on a lock that it holds itself

  bool failed() const { return kind != Kind::ok; }
};

const char* to_string(Verdict::Kind k);

}  // namespace sim

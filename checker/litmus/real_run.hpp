// The litmus runner: the one place in the project that runs real threads.
// Each of the scenario's threads (and each background agent) is a
// std::thread doing the real system calls on a real file in a directory the
// user names; an iteration restores the scenario's initial file, cache state
// and memory, releases every thread together from a barrier, waits for all
// of them, reads the file back, and turns what the calls returned into an
// outcome line in the model's form (models/pagecache/program.cpp, outcome()),
// through the abstraction (abstraction.hpp). It stops by itself when the time
// or iteration budget is spent or `stop` is set, and removes its file and
// mappings on every way out.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "models/pagecache/config.hpp"

namespace checker::litmus {

struct Budget {
  double seconds = 2;            // 0: no time limit
  std::uint64_t iterations = 0;  // 0: no limit (at least one of the two is set)
};

// How often one outcome line was seen, and the first iteration (from 1) that showed it.
struct Seen {
  std::uint64_t count = 0;
  std::uint64_t first_iteration = 0;
};

struct Observed {
  std::map<std::string, Seen> outcomes;
  std::uint64_t iterations = 0;
  double seconds = 0;
  int interrupted = 0;         // the stop request's signal number; 0 when the budget ended it
  std::uint64_t real_page = 0;  // the abstraction used: bytes per real page ...
  std::uint64_t slice = 0;      // ... and per model byte
};

// Why the scenario cannot be run for real ("" when it can): a fault the
// kernel cannot be made to take at a chosen point, a touch of memory a
// thread unmaps (a real SIGSEGV), a model page that does not divide the
// real page, an msync or munmap of an `invalid` region (the runner keeps
// those as PROT_NONE mappings, which are vmas to msync and munmap).
std::string why_not_real(const models::pagecache::Config& c, std::uint64_t real_page);

// Runs the scenario for real in `dir` until `budget` is spent or `*stop` is
// non-zero. Throws std::runtime_error when the machine refuses (the file
// cannot be created, the memory cannot be mapped), after cleaning up.
Observed run_real(const models::pagecache::Config& c, const std::string& dir, const Budget& budget,
                  const std::atomic<int>* stop);

}  // namespace checker::litmus

// A search that can be checkpointed and resumed (run --checkpoint FILE,
// --resume FILE, --checkpoint-every SECONDS; checkpoint.hpp has the file).
//
// The search runs in segments: each one runs until the search ends, a budget
// runs out, a signal arrives, or the checkpoint interval has passed; then the
// checkpoint is written (to a temporary name, then renamed), and after an
// interval the next segment goes on from that very checkpoint, in this
// process. So every save is a real stop and resume, and a search that was
// saved many times explores the same executions as one that never was.
#pragma once

#include <functional>
#include <string>

#include "checker/search/explorer.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker {

struct CheckpointOptions {
  std::string save;      // --checkpoint FILE: write here ("" none; with resume: the resume file)
  std::string resume;    // --resume FILE: start from here ("" from the beginning)
  double every_s = 60;   // --checkpoint-every: seconds between saves
};

inline constexpr double kDefaultCheckpointEvery = 60;

// What the result alone does not say.
struct ResumeInfo {
  // The search is over: its checkpoint holds nothing more to explore. Not so
  // after a budget or a signal, even when a violation was found: with several
  // workers, subtrees before it may be unexplored, and a resume goes on to
  // the first violation in one worker's order.
  bool finished = false;
  std::string note;  // for the user, when the search runs otherwise than asked (dpor on one worker)
};

// Explores `s` as run_scenario() does, but resumable. Throws InputError (exit
// 2) for a strategy that cannot be checkpointed, and for a resume file that
// is bad or belongs to another scenario or other settings.
ExploreResult run_resumable(const Scenario& s, const ExploreSettings& settings, const CheckpointOptions& c,
                            std::function<void(const Progress&)> progress = {}, ResumeInfo* info = nullptr);

}  // namespace checker

// Checkpoints of a search (run --checkpoint FILE, --resume FILE): where an
// exhaustive search stands between two executions, so that another process
// goes on from there and explores exactly the executions, with the same
// counts, verdict and trace, that one uninterrupted run would.
//
// dfs (any --jobs): the tree search as pieces and a frontier. A piece is
// what one worker explored of one subtree (its counts, outcomes and
// failures, named by the subtree's path prefix, as split_tree.cpp merges
// them); the frontier is the list of subtrees not yet explored: the queue of
// work and every worker's untried alternatives (DfsStrategy::remaining). A
// resumed search explores the frontier and merges all the pieces in one
// worker's order, as if the frontier had been work given to other workers.
//
// dpor (and auto without a budget, which is dpor to its end): the strategy's
// path with its backtrack, done and sleep sets (DporStrategy::Snapshot) and
// the counts so far. A split DPOR search cannot stop at any execution and be
// resumed exactly (given-away subtrees feed their giver), so with
// --checkpoint dpor runs on one worker.
//
// pb, db (any --jobs): the bound of the iteration running, the executions
// of each one before it, and that iteration as a dfs tree (pieces, frontier).
//
// random, pct (any --jobs): the next execution number and the tally; the
// search's length (max_executions) is part of its settings: it must match.
//
// The file (JSON, written to a temporary name and renamed):
//   { "format": "interleave-checkpoint", "version": 1, "interleave_version": "...",
//     "scenario_file": "...", "scenario_name": "...", "scenario_hash": "<16 hex digits>",
//     "settings": { "strategy", "max_steps", "seed", "bound", "pct_depth", "max_executions" },
//     "kind": "tree" | "bounded" | "dpor" | "indexed", "finished": false,
//     "tree": { "pieces": [ { "key": [0, 2], "executions", "blocked", "steps", "depth",
//                             "outcomes": [...], "outcomes_truncated",
//                             "failures": [ { "path": [...], "ordinal", "steps",
//                                             "search": "", "schedule": [ {"thread": 0}, {"value": 1, "range": 2} ] } ] } ],
//               "frontier": [ [0, 3], [1] ] },
//     "bounded": { "bound", "per_bound": [...], "executions", "blocked", "steps", "depth", "outcomes": [...],
//                  "outcomes_truncated", "cut", "done", "bounded_out", "tree": { ...as above... } },
//     "dpor": { "executions", "blocked", "steps", "depth", "outcomes": [...], "outcomes_truncated",
//               "failures": [ { "execution", "schedule": [...] } ],
//               "strategy": { "nodes": [ {"enabled", "sleep", "backtrack", "done", "chosen"} ],
//                             "values": [ {"step", "count", "tried", "limit"} ],
//                             "decisions": [ {"value": false, "index": 0} ],
//                             "fresh_from", "complete", "blocked", "reversals", "done" } },
//     "indexed": { "next", "executions", "blocked", "steps", "depth", "outcomes": [...],
//                  "outcomes_truncated", "failures": [ { "execution", "schedule": [...] } ] },
//     "timing": { "elapsed_s": 1.25 },
//     "checksum": "<16 hex digits: FNV-1a of the compact, key-sorted JSON of the rest>" }
//
// The failures' verdicts are not stored: loading replays each schedule, which
// also checks that the checkpoint still fits the model.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/search/explorer.hpp"
#include "checker/scenario/scenario.hpp"
#include "checker/strategies/dpor.hpp"
#include "checker/strategies/partition.hpp"

namespace checker {

inline constexpr const char* kCheckpointFormat = "interleave-checkpoint";
// 2: with "checksum" (version 1 had none, and is not read).
inline constexpr int kCheckpointVersion = 2;

// One failing execution of a tree search, where it lies.
struct TreeFailure {
  Path path;
  std::uint64_t ordinal = 0;  // its place among its piece's executions, from 1
  std::uint64_t steps = 0;    // steps of its piece up to and including it
  Failure failure;
};

// The executions one worker ran for one task: the subtree of `key`, less the
// subtrees it gave away (to other workers, or to the frontier of a checkpoint).
struct TreePiece {
  Path key;
  std::uint64_t executions = 0, blocked = 0, steps = 0, depth = 0;
  std::set<std::string> outcomes;
  bool outcomes_truncated = false;
  std::vector<TreeFailure> failures;
};

struct TreeState {
  bool started = false;         // false: nothing explored yet (the frontier is the whole tree)
  std::vector<TreePiece> pieces;
  std::vector<Path> frontier;   // subtrees left, in one worker's order
};

struct DporState {
  bool started = false;  // DPOR has run (auto: after its bug hunt)
  std::uint64_t hunt = 0;  // auto: the bug hunt's executions, counted in `executions`
  DporStrategy::Snapshot strategy;
  std::uint64_t executions = 0, blocked = 0, steps = 0, depth = 0;
  std::set<std::string> outcomes;
  bool outcomes_truncated = false;
  std::vector<Failure> failures;  // with their execution numbers
};

// random and pct: executions 0, 1, ... each from its own generator; those
// below `next` ran (every number a worker takes runs to its end).
struct IndexedState {
  bool started = false;
  std::uint64_t next = 0;
  std::uint64_t executions = 0, blocked = 0, steps = 0, depth = 0;
  std::set<std::string> outcomes;
  bool outcomes_truncated = false;
  std::vector<Failure> failures;  // with their execution numbers
};

// pb, db: the iterations before `bound`, counted, and the tree search of
// iteration `bound` as a dfs checkpoint holds it.
struct BoundedState {
  std::uint32_t bound = 0;
  std::vector<std::uint64_t> per_bound;  // executions of each iteration before `bound`
  std::uint64_t executions = 0, blocked = 0, steps = 0, depth = 0;  // of those iterations
  std::set<std::string> outcomes;
  bool outcomes_truncated = false;
  TreeState tree;       // iteration `bound`
  bool cut = false;     // iteration `bound` left out a schedule over its bound so far
  bool done = false;    // the search is over
  bool bounded_out = false;
};

struct Checkpoint {
  std::string scenario_file;
  std::string scenario_name;
  std::string scenario_hash;
  ExploreSettings settings;  // the search settings that must match on resume
  std::string kind;          // "tree", "bounded", "dpor" or "indexed"
  bool finished = false;     // the search ended (complete, or its first failure found)
  TreeState tree;
  DporState dpor;
  IndexedState indexed;
  BoundedState bounded;
  double elapsed_s = 0;      // timing only: every process's search time, summed
};

// Which strategies can be checkpointed, and the kind of checkpoint they
// take; "" with `why` (a sentence naming what to do instead) when they cannot.
std::string checkpoint_kind(const ExploreSettings& s, std::string* why);

// The scenario document's digest (FNV-1a, 64 bits, of its compact JSON).
std::string scenario_hash(const Scenario& s);

// The checksum of a checkpoint document: FNV-1a of its compact JSON with the
// keys sorted (as nlohmann::json keeps them, so that the reader computes it
// on what it parsed), "checksum" left out.
std::string checkpoint_checksum(nlohmann::json doc);

nlohmann::ordered_json to_json(const Checkpoint& c);
void write_checkpoint(const Checkpoint& c, const std::string& path);

// Reads and checks a checkpoint file; InputError naming the file and the JSON
// path of what is wrong. The failures' verdicts are filled in by replaying
// their schedules on `s`'s model (a schedule that no longer fits is an error).
Checkpoint load_checkpoint(const std::string& path, const Scenario& s);

// checkpoint_consistency.cpp: InputError (exit 2, at the JSON path of what
// is wrong) unless the checkpoint holds together: the pieces and the
// frontier of a tree are sorted, distinct and disjoint, each failure lies in
// its piece's subtree and no failure or piece in a subtree left to explore;
// (DPOR's path is DporStrategy::restore's to check); counts add up and stay
// far from overflowing; and "finished" says what the state says. A checksum
// catches damage; this catches a file that was written wrong, or edited and
// summed again.
void check_consistency(const Checkpoint& c);

// InputError (exit 2) when the checkpoint belongs to another scenario or
// other search settings than `settings` for `s`.
void check_resumable(const Checkpoint& c, const std::string& path, const Scenario& s,
                     const ExploreSettings& settings);

}  // namespace checker

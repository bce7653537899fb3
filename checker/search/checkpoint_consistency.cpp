// Whether a checkpoint read from a file holds together (checkpoint.hpp,
// check_consistency). Every rule here is one that every checkpoint the
// search writes keeps; a file that breaks one would resume to wrong counts
// or a false "complete", so it is refused as bad input instead.
#include <algorithm>
#include <string>

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/search/checkpoint.hpp"

namespace checker {

namespace {

namespace jr = json_read;

constexpr const char* kHint = "run the search again without --resume, or name the checkpoint of this search";

// No search reaches this many executions or steps; a count above it, or a
// sum of counts above it, is damage (and would overflow the sums).
constexpr std::uint64_t kCountLimit = std::uint64_t{1} << 53;

[[noreturn]] void inconsistent(const std::string& path, const std::string& what) { jr::fail(path, what, kHint); }

std::string path_text(const Path& p) {
  std::string s = "[";
  for (std::size_t i = 0; i < p.size(); ++i) s += (i ? ", " : "") + std::to_string(p[i]);
  return s + "]";
}

bool is_prefix(const Path& prefix, const Path& p) {
  return prefix.size() <= p.size() && std::equal(prefix.begin(), prefix.end(), p.begin());
}

// Adds `n` to `sum`, refusing a count or a sum past kCountLimit.
void add_count(std::uint64_t& sum, std::uint64_t n, const std::string& path) {
  if (n > kCountLimit || sum + n > kCountLimit)
    inconsistent(path, "found " + std::to_string(n) + ", a count that makes the search's total over 2^53, which "
                       "no search reaches");
  sum += n;
}

struct Totals {
  std::uint64_t executions = 0, steps = 0;
};

void check_counts(std::uint64_t executions, std::uint64_t steps, std::uint64_t depth, const std::string& at,
                  Totals& totals) {
  add_count(totals.executions, executions, at + "/executions");
  add_count(totals.steps, steps, at + "/steps");
  if (depth > steps)
    inconsistent(at + "/depth", "found " + std::to_string(depth) + ", more steps in one execution than the " +
                                    std::to_string(steps) + " of all of them (/steps)");
}

void check_tree(const TreeState& t, const std::string& at) {
  if (!t.started && (!t.pieces.empty() || !t.frontier.empty()))
    inconsistent(at + "/started", "found false, but the tree has pieces or a frontier: a search that has not "
                                  "started has neither");
  Totals totals;
  for (std::size_t i = 0; i < t.pieces.size(); ++i) {
    const TreePiece& p = t.pieces[i];
    const std::string pat = at + "/pieces/" + std::to_string(i);
    if (i > 0 && !(t.pieces[i - 1].key < p.key))
      inconsistent(pat + "/key", "found " + path_text(p.key) + " after " + path_text(t.pieces[i - 1].key) +
                                     ", expected the pieces' keys distinct and in order");
    if (p.executions == 0) inconsistent(pat + "/executions", "found 0, expected a piece of at least one execution");
    check_counts(p.executions, p.steps, p.depth, pat, totals);
    for (std::size_t k = 0; k < p.failures.size(); ++k) {
      const TreeFailure& f = p.failures[k];
      const std::string fat = pat + "/failures/" + std::to_string(k);
      if (!is_prefix(p.key, f.path))
        inconsistent(fat + "/path", "found " + path_text(f.path) + ", a path outside the piece's subtree " +
                                        path_text(p.key));
      if (k > 0 && f.ordinal <= p.failures[k - 1].ordinal)
        inconsistent(fat + "/ordinal", "found " + std::to_string(f.ordinal) +
                                           ", expected the failures of a piece in the order they were found");
      if (f.steps > p.steps)
        inconsistent(fat + "/steps", "found " + std::to_string(f.steps) + ", more than the piece's " +
                                         std::to_string(p.steps) + " steps");
    }
  }
  for (std::size_t i = 0; i < t.frontier.size(); ++i) {
    const Path& f = t.frontier[i];
    const std::string fat = at + "/frontier/" + std::to_string(i);
    if (i > 0 && !(t.frontier[i - 1] < f))
      inconsistent(fat, "found " + path_text(f) + " after " + path_text(t.frontier[i - 1]) +
                            ", expected the frontier's subtrees distinct and in order");
    if (i > 0 && is_prefix(t.frontier[i - 1], f))
      inconsistent(fat, "found " + path_text(f) + ", inside the subtree " + path_text(t.frontier[i - 1]) +
                            " of the frontier before it: the subtrees left overlap");
    // A subtree not yet explored holds no piece and no failure.
    for (std::size_t k = 0; k < t.pieces.size(); ++k) {
      if (is_prefix(f, t.pieces[k].key))
        inconsistent(fat, "found " + path_text(f) + ", a subtree left to explore that holds the explored piece " +
                              at + "/pieces/" + std::to_string(k));
      for (const TreeFailure& fl : t.pieces[k].failures)
        if (is_prefix(f, fl.path))
          inconsistent(fat, "found " + path_text(f) + ", a subtree left to explore that holds a failure of " + at +
                                "/pieces/" + std::to_string(k));
    }
  }
}

// The failures of a DPOR or indexed search, numbered within its executions.
template <class State>
void check_tally(const State& st, const std::string& at) {
  Totals totals;
  check_counts(st.executions, st.steps, st.depth, at, totals);
  for (std::size_t k = 1; k < st.failures.size(); ++k)
    if (st.failures[k].execution <= st.failures[k - 1].execution)
      inconsistent(at + "/failures/" + std::to_string(k) + "/execution",
                   "found " + std::to_string(st.failures[k].execution) +
                       ", expected the failures in the order of their executions");
}

void check_finished(const Checkpoint& c) {
  bool expected = false;
  if (c.kind == "tree") expected = c.tree.started && c.tree.frontier.empty();
  if (c.kind == "bounded") expected = c.bounded.done;
  if (c.kind == "indexed")
    expected = !c.indexed.failures.empty() ||
               (c.settings.max_executions != 0 && c.indexed.next >= c.settings.max_executions);
  if (c.kind == "dpor") expected = c.dpor.strategy.done || !c.dpor.failures.empty();
  if (c.finished != expected)
    inconsistent("/finished", std::string("found ") + (c.finished ? "true" : "false") + ", but the " + c.kind +
                                  " search it holds is " + (expected ? "over" : "not over"));
}

}  // namespace

void check_consistency(const Checkpoint& c) {
  if (c.kind == "tree") check_tree(c.tree, "/tree");
  if (c.kind == "bounded") {
    Totals totals;
    check_counts(c.bounded.executions, c.bounded.steps, c.bounded.depth, "/bounded", totals);
    std::uint64_t per_bound = 0;
    for (std::size_t i = 0; i < c.bounded.per_bound.size(); ++i)
      add_count(per_bound, c.bounded.per_bound[i], "/bounded/per_bound/" + std::to_string(i));
    check_tree(c.bounded.tree, "/bounded/tree");
  }
  // DPOR's path is checked by DporStrategy::restore when the file is read.
  if (c.kind == "dpor") check_tally(c.dpor, "/dpor");
  if (c.kind == "indexed") {
    check_tally(c.indexed, "/indexed");
    if (c.settings.max_executions != 0 && c.indexed.next > c.settings.max_executions)
      inconsistent("/indexed/next", "found " + std::to_string(c.indexed.next) + ", past the search's " +
                                        std::to_string(c.settings.max_executions) + " executions (/settings/max_executions)");
  }
  check_finished(c);
}

}  // namespace checker

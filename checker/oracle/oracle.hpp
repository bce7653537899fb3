// The CI oracle (`interleave check`): a scenario's result judged against its
// "expect" (the verdict, and the exact set of observable outcomes where the
// file lists one), the JUnit XML and JSON reports of a whole check, and
// `--update`, which rewrites a file's expected outcomes in place.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/search/explorer.hpp"
#include "checker/scenario/scenario.hpp"

namespace checker {

// One scenario of a check.
struct CheckCase {
  std::string file;
  std::string name;
  bool passed = false;
  bool bad_input = false;  // the file could not be read as a scenario
  bool internal = false;   // the model threw or was nondeterministic
  bool unfinished = false; // the check was interrupted before this scenario's search ended
  // A budget ran out before the search was complete, and the expectation is
  // not "inconclusive": neither met nor contradicted (exit code 4).
  bool inconclusive = false;
  bool skipped = false;    // check --variant: the file states no expectation for that variant
  std::string variant;     // the variant of a per-variant case ("" the file's own model)
  std::string failure;     // the failing execution's verdict message (the invariant's words, the bytes)
  std::string expected;    // "violation of torn-read", "pass with 3 outcomes", "" without expect
  std::string found;       // "pass", "violation of deadlock", "inconclusive", ...
  std::string message;     // the line a person reads after "ok" or "FAIL"
  std::vector<std::string> missing;     // expected outcomes the search did not find
  std::vector<std::string> unexpected;  // outcomes it found that were not expected
  std::optional<std::set<std::string>> outcomes;  // found, when the search was complete and passed
  std::uint64_t executions = 0;
  std::uint64_t steps = 0;
  double seconds = 0;
  std::string trace;   // where the trace of a failure was written
  std::string shrink;  // what shrinking did to it
  bool updated = false;  // --update rewrote the file's expected outcomes
};

// "pass", "violation of torn-read", "inconclusive", "error (...)".
std::string found_verdict(const ExploreResult& r);

// Compares a result with the scenario's expectation; fills every field but
// file, name, trace, shrink and updated.
CheckCase judge(const Scenario& s, const ExploreResult& r);

// Whether --update may rewrite this case's expected outcomes: the file lists
// outcomes, the verdict met its expectation, the search was complete, and
// only the outcome set differs.
bool can_update(const Scenario& s, const ExploreResult& r, const CheckCase& c);

// Rewrites the expected outcomes (at the expectation's JSON path + "/outcomes")
// of `file` with `outcomes`, sorted: only that array's text changes; the file
// is replaced atomically (temporary file, then rename). Throws
// std::runtime_error when it cannot.
void update_outcomes(const std::string& file, const Expectation& e,
                     const std::set<std::string>& outcomes);

// The text of `doc_text` with the JSON value at `pointer` (RFC 6901) replaced
// by `value`, written as indented JSON that lines up with the line it starts
// on; every other byte is kept. std::nullopt when the pointer names no value.
std::optional<std::string> replace_json_value(const std::string& doc_text,
                                              const std::string& pointer,
                                              const nlohmann::json& value);

// JUnit XML (the Ant/Jenkins form that CI systems display).
std::string junit_xml(const std::vector<CheckCase>& cases);

// The machine-readable report of a check:
//   {"format": "interleave-check", "version": 1, "passed": N, "failed": N,
//    "unfinished": N, "inconclusive": N, "skipped": N,
//    "interrupted": "" | "interrupted by SIGINT ...",
//    "scenarios": [{"file", "name", "passed", "status" (ok, failed, error,
//                   bad-scenario, unfinished, inconclusive, skipped),
//                   "expected", "found", "message",
//                   "missing", "unexpected", "outcomes", "executions", "steps",
//                   "seconds", "trace", "shrink", "updated"}, ...]}
// An unfinished, inconclusive or skipped case counts neither as passed nor
// as failed: JUnit shows an unfinished or skipped one as skipped, an
// inconclusive one as an error (the test could not be completed). `interrupted`: what stopped the check ("" it ran to its end).
nlohmann::ordered_json check_json(const std::vector<CheckCase>& cases,
                                  const std::string& interrupted = {});

}  // namespace checker

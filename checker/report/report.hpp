// The human report: a verdict line a person reads first, the numbers of the
// search, and on a failure the interleaving as per-thread steps, the
// deadlock's wait-for cycle, and where the trace was written.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "checker/report/swimlanes.hpp"
#include "checker/search/explorer.hpp"
#include "checker/scenario/scenario.hpp"
#include "sim/execution.hpp"
#include "sim/verdict.hpp"

namespace checker {

// "deadlock (self-deadlock)", "violation of torn-read", "livelock suspect", "pass".
std::string describe_verdict(const sim::Verdict& v);

// The wait-for cycle as one line: "t0 -(B)-> t1 -(A)-> t0"; "" without one.
std::string wait_cycle(const sim::Verdict& v);

// The verdict's message as reports print it: its wait-for cycle line, if
// any, in the form of wait_cycle() (with the object on each edge).
std::string verdict_message(const sim::Verdict& v);

// "1 thread", "3 threads": a count and its noun, for the reports' sentences.
std::string plural(std::uint64_t n, const char* word);

// The report of `interleave run` for one scenario. `shrink_note` says what
// shrinking did to the failure shown (checker/trace/shrink.hpp), "" when it did not run.
void print_run_report(std::ostream& out, const Scenario& s, const ExploreSettings& settings,
                      const ExploreResult& r, const std::string& trace_path,
                      const std::string& shrink_note = {});

// The report of `interleave replay`.
void print_replay_report(std::ostream& out, const std::string& trace_file,
                         const sim::Verdict& recorded, const Replayed& r, bool same,
                         const std::string& difference);

}  // namespace checker

#include "checker/litmus/differential.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "checker/io/input_error.hpp"
#include "checker/litmus/abstraction.hpp"
#include "checker/litmus/compare.hpp"
#include "checker/litmus/generate.hpp"
#include "checker/litmus/real_run.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/run.hpp"

namespace checker::litmus {

using nlohmann::json;

CaseResult run_case(const json& doc, const std::string& variant, const std::string& dir,
                    const std::atomic<int>* stop) {
  CaseResult r;
  Scenario s;
  try {
    s = parse_scenario(doc, "generated");
  } catch (const InputError& e) {
    r.skipped = "the loader refuses it: " + e.message();
    return r;
  }
  const std::uint64_t real_page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  if (std::string why = why_not_real(*s.pagecache, real_page); !why.empty()) {
    r.skipped = "cannot run for real: " + why;
    return r;
  }
  // The model's side: DPOR, as litmus's model_outcomes, with the page-cache
  // invariants off, but within a budget. One thread has one outcome, yet the
  // model's asynchronous I/O completions race with it, and a complete search
  // of a few calls with an fsync can take thousands of executions. Within
  // the budget the search must find exactly one outcome (a second would be
  // a model of more than one, reported as not compared); the kernel's must
  // be that one.
  Scenario cell = for_variant(s, variant);
  cell.invariants = {"deadlock", "kernel-bug"};
  ExploreSettings settings = cell.explore;
  settings.strategy = "dpor";
  settings.max_executions = kModelBudget;
  settings.time_limit_s = 0;
  const ExploreResult m = run_scenario(cell, settings);
  if (m.interrupted) {
    r.skipped = "interrupted";
    return r;
  }
  if (m.status == ExploreResult::Status::violation || m.status == ExploreResult::Status::nondeterminism ||
      m.status == ExploreResult::Status::internal_error || m.outcomes.size() != 1) {
    r.skipped = "the model's search " + std::string(to_string(m.status)) +
                (m.error.empty() ? "" : ": " + m.error) + " with " + std::to_string(m.outcomes.size()) +
                " outcomes" +
                (m.failures.empty() ? "" : ": " + m.failures.front().verdict.message);
    return r;
  }
  r.model = *m.outcomes.begin();
  r.model_complete = m.complete;
  const Observed o = run_real(*s.pagecache, dir, Budget{0, 1}, stop);
  if (o.outcomes.size() != 1) {
    r.skipped = o.interrupted ? "interrupted" : "the real run gave no outcome";
    return r;
  }
  r.kernel = o.outcomes.begin()->first;
  // A slice the runner could not know, or saw change under the call
  // (abstraction.hpp), equals no model byte; with one model outcome the
  // refinement rule cannot match it either: not a comparison.
  if (!torn_markers_in(r.kernel).empty()) r.skipped = "the runner could not know every byte: " + r.kernel;
  return r;
}

namespace {

// Every memory reference with an explicit "length" in the thread's ops (a
// buffer, an iovec, a range), for the shrinker.
std::vector<json*> lengths_of(json& doc) {
  std::vector<json*> out;
  for (json& op : doc["threads"][0]["ops"]) {
    for (const char* key : {"buf", "range"})
      if (op.contains(key) && op[key].is_object() && op[key].contains("length")) out.push_back(&op[key]);
    if (op.contains("iov"))
      for (json& v : op["iov"])
        if (v.is_object() && v.contains("length")) out.push_back(&v);
  }
  return out;
}

}  // namespace

json shrink(json doc, const std::function<bool(const json&)>& still_fails) {
  for (bool progress = true; progress;) {
    progress = false;
    // Drop calls, the last first (later calls depend on earlier ones less often).
    // The ops are looked up each time: a kept candidate replaces `doc`.
    auto ops = [&doc]() -> json& { return doc["threads"][0]["ops"]; };
    for (std::size_t k = ops().size(); k-- > 0 && ops().size() > 1;) {
      json candidate = doc;
      candidate["threads"][0]["ops"].erase(k);
      if (still_fails(candidate)) doc = std::move(candidate), progress = true;
    }
    // Shorten buffers and ranges.
    const std::size_t n = lengths_of(doc).size();
    for (std::size_t j = 0; j < n; ++j) {
      for (;;) {
        json candidate = doc;
        json& ref = *lengths_of(candidate)[j];
        const std::uint64_t len = ref["length"].get<std::uint64_t>();
        if (len <= 1) break;
        ref["length"] = len - 1;
        if (!still_fails(candidate)) break;
        doc = std::move(candidate), progress = true;
      }
    }
    // Shorten the file.
    for (;;) {
      std::string content = doc["file"]["content"].get<std::string>();
      if (content.empty()) break;
      content.pop_back();
      json candidate = doc;
      candidate["file"]["content"] = content;
      if (!still_fails(candidate)) break;
      doc = std::move(candidate), progress = true;
    }
  }
  return doc;
}

DifferentialRun run_differential(std::uint64_t first_seed, std::uint64_t count, const std::string& variant,
                                 const std::string& filesystem, const std::string& dir,
                                 const std::atomic<int>* stop) {
  DifferentialRun run;
  for (std::uint64_t seed = first_seed; seed < first_seed + count; ++seed) {
    if (stop && stop->load()) {
      run.interrupted = stop->load();
      break;
    }
    const json doc = generate_scenario(seed, variant, filesystem);
    ++run.generated;
    const CaseResult r = run_case(doc, variant, dir, stop);
    if (!r.skipped.empty()) {
      run.skipped.emplace_back(seed, r.skipped);
      continue;
    }
    ++run.compared;
    if (r.model_complete) ++run.model_complete;
    if (r.agree()) {
      ++run.agreed;
      continue;
    }
    Disagreement d;
    d.seed = seed;
    d.smallest = shrink(doc, [&](const json& c) { return run_case(c, variant, dir, stop).disagree(); });
    d.smallest_result = run_case(d.smallest, variant, dir, stop);
    run.disagreements.push_back(std::move(d));
  }
  return run;
}

std::string differential_text(const DifferentialRun& r, const std::string& where) {
  std::ostringstream o;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f%%", 100.0 * r.agreement());
  o << (r.disagreements.empty() ? "AGREE" : "DISAGREE") << "  " << where << ": " << r.compared << " of "
    << r.generated << " generated scenarios compared, " << r.agreed << " agree (" << rate << "), "
    << r.disagreements.size() << " disagree, " << r.skipped.size() << " skipped; the model's search was complete for "
    << r.model_complete << " of the " << r.compared << " (else the one outcome found in " << kModelBudget
    << " executions)\n";
  for (const auto& [seed, why] : r.skipped) o << "  skipped seed " << seed << ": " << why << "\n";
  for (const Disagreement& d : r.disagreements) {
    o << "\n  seed " << d.seed << ", the smallest scenario that still disagrees:\n" << d.smallest.dump() << "\n";
    o << "  model:  " << d.smallest_result.model << "\n  kernel: " << d.smallest_result.kernel << "\n";
  }
  return o.str();
}

}  // namespace checker::litmus

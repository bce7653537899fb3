#include "checker/litmus/compare.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "checker/litmus/abstraction.hpp"
#include "checker/scenario/load.hpp"
#include "checker/search/interrupt.hpp"
#include "checker/search/run.hpp"

namespace checker::litmus {

ModelOutcomes model_outcomes(const Scenario& s, const std::string& variant) {
  Scenario cell = for_variant(s, variant);
  cell.invariants = {"deadlock", "kernel-bug"};
  ExploreSettings settings = cell.explore;
  // The complete search, whatever the scenario's explore says: DPOR has the
  // same outcome sets as DFS (tests/checker/strategies compare them).
  settings.strategy = "dpor";
  settings.max_executions = 0;
  settings.time_limit_s = 0;
  const ExploreResult r = run_scenario(cell, settings);
  ModelOutcomes m;
  m.outcomes = r.outcomes;
  m.executions = r.executions;
  if (r.interrupted) {
    m.interrupted = interrupt_flag().load();
    m.problem = "the model's search was interrupted";
  } else if (r.status == ExploreResult::Status::violation && !r.failures.empty()) {
    m.problem = "the model's search on " + variant + " ends in " + invariant_of(r.failures.front().verdict) +
                " in some executions, which have no outcome to compare: " + r.failures.front().verdict.message;
  } else if (r.status != ExploreResult::Status::pass || !r.complete) {
    m.problem = "the model's search on " + variant + " did not complete (" + to_string(r.status) +
                (r.error.empty() ? "" : ": " + r.error) + ")";
  } else if (r.outcomes_truncated) {
    m.problem = "the model allows more distinct outcomes than the search keeps";
  }
  return m;
}

std::vector<const Row*> Comparison::not_allowed() const {
  std::vector<const Row*> out;
  for (const Row& r : rows)
    if (r.count > 0 && !r.allowed) out.push_back(&r);
  return out;
}

bool allowed_by_refinement(const std::set<std::string>& model, const std::string& outcome) {
  const std::vector<TornMarker> markers = torn_markers_in(outcome);
  if (markers.empty() || markers.size() > kMaxRefinedSlices) return false;
  for (const TornMarker& m : markers)
    if (!m.values) return false;
  // Every choice of one value per torn slice, as the outcome the model would
  // print; covered[j][k]: some choice with value k at slice j is allowed.
  std::vector<std::array<bool, 2>> covered(markers.size(), {false, false});
  for (std::uint32_t choice = 0; choice < (1u << markers.size()); ++choice) {
    std::string line;
    std::size_t from = 0;
    for (std::size_t j = 0; j < markers.size(); ++j) {
      const bool second = (choice >> j) & 1u;
      line += outcome.substr(from, markers[j].at - from);
      line += model_byte(second ? markers[j].values->second : markers[j].values->first);
      from = markers[j].at + markers[j].length;
    }
    line += outcome.substr(from);
    if (model.count(line) == 0) continue;
    for (std::size_t j = 0; j < markers.size(); ++j) covered[j][(choice >> j) & 1u] = true;
  }
  for (const auto& both : covered)
    if (!both[0] || !both[1]) return false;
  return true;
}

Comparison compare(const std::set<std::string>& model, const std::map<std::string, Seen>& observed) {
  Comparison c;
  for (const auto& [outcome, seen] : observed) {
    if (seen.count == 0) continue;
    // A torn slice's marker is in no model outcome: an outcome that holds one
    // is allowed only by the refinement rule (compare.hpp).
    Row row{outcome, model.count(outcome) == 1, seen.count, seen.first_iteration, torn_slices_in(outcome)};
    if (!row.allowed && allowed_by_refinement(model, outcome)) row.allowed = row.refined = true;
    c.rows.push_back(row);
  }
  std::stable_sort(c.rows.begin(), c.rows.end(), [](const Row& a, const Row& b) { return a.count > b.count; });
  for (const std::string& o : model)
    if (observed.count(o) == 0 || observed.at(o).count == 0) c.rows.push_back({o, true, 0, 0, 0});
  return c;
}

std::string comparison_text(const RunInfo& info, const Comparison& c) {
  std::string t;
  char buf[256];
  const std::vector<const Row*> bad = c.not_allowed();
  std::snprintf(buf, sizeof buf, "%s  %s on %s: ", bad.empty() ? "ALLOWED" : "NOT ALLOWED", info.file.c_str(),
                info.variant.c_str());
  t += buf;
  if (bad.empty())
    t += "every outcome the kernel showed is one the model allows\n";
  else
    t += "the kernel showed " + std::to_string(bad.size()) + " outcome" + (bad.size() == 1 ? "" : "s") +
         " the model does not allow\n";
  const std::string when = info.recorded ? std::string("recorded") : [&] {
    char secs[32];
    std::snprintf(secs, sizeof secs, "in %.2f s", info.seconds);
    return std::string(secs);
  }();
  t += "  " + std::to_string(info.iterations) + " iterations " + when +
       (info.interrupted ? " (interrupted by " + interrupt_name(info.interrupted) + ")" : "") + "; variant from " +
       info.variant_from + "; kernel " + info.kernel + "\n";
  if (info.slice != 0) {
    std::snprintf(buf, sizeof buf, "  one model page = one real page of %llu bytes; one model byte = %llu bytes\n",
                  static_cast<unsigned long long>(info.real_page), static_cast<unsigned long long>(info.slice));
    t += buf;
  }
  t += "\n  model    kernel  outcome\n";
  bool refined = false;
  for (const Row& r : c.rows) {
    std::snprintf(buf, sizeof buf, "  %-8s %6llu  ", r.allowed ? (r.refined ? "allowed~" : "allowed") : "NO",
                  static_cast<unsigned long long>(r.count));
    t += buf + r.outcome;
    if (r.count == 0) t += "   (never seen)";
    t += "\n";
    refined = refined || r.refined;
  }
  if (refined)
    t += "  allowed~: a slice came back torn inside one model byte, between two values (" + std::string(kTornMarker) +
         "{old,new} in hex); the model allows the outcome with either value there, so a finer model allows the "
         "mix\n";
  for (const Row* r : bad) {
    t += "\n  not allowed: " + r->outcome + "\n    first shown in iteration " + std::to_string(r->first_iteration) +
         ", " + std::to_string(r->count) + " time" + (r->count == 1 ? "" : "s");
    if (r->torn_slices > 0)
      t += "; " + std::to_string(r->torn_slices) + " of its model bytes (" + kTornMarker +
           ") came back torn inside one byte's slice: a real torn read finer than the model's bytes, which the model "
           "cannot show (or, in a write's bytes, a source that changed while the write ran: bytes not known)";
    t += "\n";
  }
  return t;
}

}  // namespace checker::litmus

#include "checker/report/merge.hpp"

#include <algorithm>
#include <map>

#include "checker/io/input_error.hpp"
#include "checker/report/json_report.hpp"

namespace checker {

namespace {

std::string shard_name(const RunEntry& e) {
  return std::to_string(e.shard.index) + "/" + std::to_string(e.shard.count);
}

[[noreturn]] void mismatch(const RunEntry& e, const std::string& what, std::string hint = {}) {
  InputError err(e.path, what, std::move(hint));
  err.set_file(e.file);
  throw err;
}

MergedRun merge_group(std::vector<RunEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const RunEntry& a, const RunEntry& b) { return a.shard.index < b.shard.index; });
  const RunEntry& head = entries.front();
  const unsigned n = head.shard.count;
  for (const RunEntry& e : entries) {
    if (e.shard.count != n)
      mismatch(e, "shard " + shard_name(e) + " of " + e.scenario.name + " belongs to a split into " +
                      std::to_string(e.shard.count) + ", the others to a split into " + std::to_string(n));
    if (e.kind != head.kind || e.parts != head.parts || e.digest != head.digest)
      mismatch(e, "shard " + shard_name(e) + " of " + e.scenario.name +
                      " split the search differently from shard " + shard_name(head) +
                      " (another partition: another model or interleave version?)");
  }
  for (std::size_t i = 1; i < entries.size(); ++i)
    if (entries[i].shard.index == entries[i - 1].shard.index)
      mismatch(entries[i], "shard " + shard_name(entries[i]) + " of " + head.scenario.name +
                               " appears twice (also in " + entries[i - 1].file + ")");
  if (entries.size() != n) {
    std::set<unsigned> have;
    for (const RunEntry& e : entries) have.insert(e.shard.index);
    std::string missing;
    for (unsigned k = 1; k <= n; ++k)
      if (!have.count(k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(n);
    mismatch(head, "the reports of " + head.scenario.name + " lack shard " + missing,
             "merge needs the reports of all " + std::to_string(n) + " shards");
  }

  MergedRun m;
  m.scenario = head.scenario;
  m.settings = head.settings;
  m.shards = n;
  ExploreResult& r = m.result;
  // An error in any shard is the result.
  for (const RunEntry& e : entries)
    if (e.result.status == ExploreResult::Status::nondeterminism ||
        (e.result.status == ExploreResult::Status::internal_error && !e.failure)) {
      r = e.result;
      r.error = "shard " + shard_name(e) + ": " + e.result.error;
      return m;
    }
  // The first failure in one worker's order.
  const RunEntry* failing = nullptr;
  for (const RunEntry& e : entries)
    if (e.failure && (!failing || e.failure->part < failing->failure->part ||
                      (e.failure->part == failing->failure->part && e.failure->ordinal < failing->failure->ordinal)))
      failing = &e;
  bool complete = true;
  std::string budget;
  for (const RunEntry& e : entries) {
    complete &= e.result.complete;
    if (budget.empty() && !e.result.budget.empty()) budget = "shard " + shard_name(e) + ": " + e.result.budget;
    r.elapsed_s = std::max(r.elapsed_s, e.result.elapsed_s);
  }
  std::uint64_t execution = 0;
  if (head.kind == "whole") {  // not split: the report is the result
    r.executions = head.result.executions;
    r.steps = head.result.steps;
    r.blocked = head.result.blocked;
    r.depth = head.result.depth;
    r.search = head.result.search;
    for (const auto& [o, part] : head.outcomes) r.outcomes.insert(o);
    execution = failing ? failing->failure->part + 1 : r.executions;
    complete = head.result.complete;
  } else if (head.kind == "tree") {
    const std::uint64_t last = failing ? failing->failure->part : ~std::uint64_t{0};
    for (const RunEntry& e : entries)
      for (const auto& [part, c] : e.counts)
        if (part <= last) {
          r.executions += c.executions;
          r.steps += c.steps;
          r.blocked += c.blocked;
          r.depth = std::max(r.depth, c.depth);
        }
    execution = r.executions;
    for (const RunEntry& e : entries)
      for (const auto& [o, part] : e.outcomes)
        if (part <= last) r.outcomes.insert(o);
  } else {
    // Executions numbered 0, 1, ...: up to the least failing one.
    const std::uint64_t last = failing ? failing->failure->part : ~std::uint64_t{0};
    for (const RunEntry& e : entries) {
      for (const auto& [index, c] : e.counts)
        if (index <= last) {
          r.executions += c.executions;
          r.steps += c.steps;
          r.depth = std::max(r.depth, c.depth);
        }
      r.blocked += e.result.blocked;
      for (const auto& [o, index] : e.outcomes)
        if (index < last) r.outcomes.insert(o);
    }
    execution = r.executions;
    r.search = head.result.search;
    complete = false;
  }
  if (head.kind == "whole" && !failing && !complete) r.budget = head.result.budget;
  for (const RunEntry& e : entries) r.outcomes_truncated |= e.outcomes_truncated;
  // Every failure a report records is one execution's, with its trace (run
  // and the shards always write it); one without is not from this tool.
  if (failing && !failing->trace)
    mismatch(*failing, "shard " + shard_name(*failing) + " of " + head.scenario.name +
                           " records a failure without its trace",
             "merge the reports as `interleave run --json` wrote them");
  if (failing && failing->trace) {
    Trace t = *failing->trace;
    t.executions = execution;
    r.failures.push_back(Failure{t.verdict, t.schedule, execution, failing->failure_search});
    r.replay.verdict = t.verdict;
    r.replay.schedule = t.schedule;
    r.replay.history = t.history;
    r.replay.thread_names = t.threads;
    m.trace = std::move(t);
    r.status = r.failures.front().verdict.kind == sim::Verdict::Kind::internal_error
                   ? ExploreResult::Status::internal_error
                   : ExploreResult::Status::violation;
  } else {
    r.complete = complete;
    r.status = complete ? ExploreResult::Status::pass : ExploreResult::Status::inconclusive;
    if (!complete && r.budget.empty())
      r.budget = budget.empty() ? "a shard did not finish its share" : budget;
  }
  return m;
}

}  // namespace

std::vector<MergedRun> merge_reports(const std::vector<std::string>& files) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<RunEntry>> groups;
  for (const std::string& file : files) {
    for (RunEntry& e : read_run_report(file)) {
      if (!groups.count(e.key)) order.push_back(e.key);
      groups[e.key].push_back(std::move(e));
    }
  }
  std::vector<MergedRun> out;
  for (const std::string& key : order) out.push_back(merge_group(groups[key]));
  return out;
}

}  // namespace checker

#include "checker/report/json_report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/scenario/load.hpp"

namespace checker {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace jr = json_read;

namespace {

ojson settings_json(const ExploreSettings& s) {
  return {{"strategy", s.strategy}, {"max_executions", s.max_executions},
          {"time_limit_s", s.time_limit_s}, {"max_steps", s.max_steps},
          {"seed", s.seed}, {"bound", s.bound}, {"pct_depth", s.pct_depth}};
}

ExploreSettings settings_from(const json& j, const std::string& path) {
  jr::Object o(j, path, {"strategy", "max_executions", "time_limit_s", "max_steps", "seed", "bound", "pct_depth"});
  ExploreSettings s;
  s.strategy = o.required_string("strategy");
  s.max_executions = o.uint("max_executions", 0);
  s.time_limit_s = o.number("time_limit_s", 0, 0, 1e9);
  s.max_steps = o.uint("max_steps", s.max_steps, 1);
  s.seed = o.uint("seed", 0);
  s.bound = static_cast<std::uint32_t>(o.uint("bound", kNoBound, 0, kNoBound));
  s.pct_depth = static_cast<std::uint32_t>(o.uint("pct_depth", 3, 1, 100));
  return s;
}

const char* kStatuses[] = {"pass", "violation", "inconclusive", "nondeterminism", "internal-error"};

ExploreResult::Status status_from(const std::string& s) {
  for (int i = 0; i < 5; ++i)
    if (s == kStatuses[i]) return static_cast<ExploreResult::Status>(i);
  return ExploreResult::Status::internal_error;
}

RunEntry read_entry(const json& j, const std::string& path, const std::string& file) {
  jr::Object o(j, path, {"scenario_file", "scenario", "settings", "shard", "status", "verdict", "executions",
                         "blocked", "steps", "depth", "elapsed_s", "complete", "interrupted", "budget",
                         "error", "search", "counts", "outcomes", "outcomes_truncated", "failure", "timing"});
  RunEntry e;
  e.file = file;
  e.path = path;
  const std::string scenario_file = o.string("scenario_file", "");
  const json& doc = o.require("scenario", "the scenario document");
  try {
    e.scenario = parse_scenario(doc, scenario_file);
  } catch (InputError& err) {
    throw InputError(o.path("scenario") + err.path(), err.what(), err.hint());
  }
  e.settings = settings_from(o.require("settings", "an object"), o.path("settings"));
  {
    jr::Object sh(o.require("shard", "an object"), o.path("shard"), {"index", "count", "kind", "parts", "digest"});
    e.shard.count = static_cast<unsigned>(sh.uint("count", 1, 1, 1000000));
    e.shard.index = static_cast<unsigned>(sh.uint("index", 1, 1, e.shard.count));
    e.kind = sh.string("kind", "whole");
    if (e.kind != "whole" && e.kind != "tree" && e.kind != "indexed")
      jr::bad(sh.path("kind"), *sh.find("kind"), "\"whole\", \"tree\" or \"indexed\"");
    e.parts = sh.uint("parts", 0);
    e.digest = sh.string("digest", "");
  }
  ExploreResult& r = e.result;
  r.status = status_from(o.required_string("status"));
  r.executions = o.uint("executions", 0);
  r.blocked = o.uint("blocked", 0);
  r.steps = o.uint("steps", 0);
  r.depth = o.uint("depth", 0);
  r.elapsed_s = o.number("elapsed_s", 0, 0, 1e12);  // version 1 reports before "timing"
  if (const json* t = o.find("timing")) {
    jr::Object tm(*t, o.path("timing"), {"elapsed_s"});
    r.elapsed_s = tm.number("elapsed_s", r.elapsed_s, 0, 1e12);
  }
  r.interrupted = o.boolean("interrupted", false);
  r.complete = o.boolean("complete", false);
  r.budget = o.string("budget", "");
  r.error = o.string("error", "");
  r.search = o.string("search", "");
  if (const json* c = o.find("counts")) {
    jr::as_array(*c, o.path("counts"), "counts per part");
    for (std::size_t i = 0; i < c->size(); ++i) {
      jr::Object p((*c)[i], jr::child(o.path("counts"), i), {"part", "executions", "steps", "depth", "blocked"});
      PartCount& pc = e.counts[p.uint("part", 0)];
      pc.executions = p.uint("executions", 0);
      pc.steps = p.uint("steps", 0);
      pc.depth = p.uint("depth", 0);
      pc.blocked = p.uint("blocked", 0);
    }
  }
  if (const json* c = o.find("outcomes")) {
    jr::as_array(*c, o.path("outcomes"), "outcomes");
    for (std::size_t i = 0; i < c->size(); ++i) {
      jr::Object p((*c)[i], jr::child(o.path("outcomes"), i), {"outcome", "part"});
      e.outcomes[p.required_string("outcome")] = p.uint("part", 0);
    }
  }
  e.outcomes_truncated = o.boolean("outcomes_truncated", false);
  if (const json* f = o.find("failure"); f && !f->is_null()) {
    jr::Object p(*f, o.path("failure"), {"part", "ordinal", "execution", "search", "trace"});
    e.failure = ShardFailure{p.uint("part", 0), p.uint("ordinal", 1)};
    e.failure_search = p.string("search", "");
    if (const json* t = p.find("trace")) {
      try {
        e.trace = trace_from_json(*t, file);
      } catch (InputError& err) {
        throw InputError(p.path("trace") + err.path(), err.what(), err.hint());
      }
    }
  }
  e.key = doc.dump() + "\n" + settings_json(e.settings).dump();
  return e;
}

}  // namespace

ojson run_entry(const Scenario& s, const ExploreSettings& settings, const ShardResult& sr,
                const std::optional<Trace>& trace) {
  const ExploreResult& r = sr.result;
  ojson j;
  j["scenario_file"] = s.file;
  j["scenario"] = ojson::parse(s.json.dump());
  j["settings"] = settings_json(settings);
  j["shard"] = {{"index", sr.shard.index}, {"count", sr.shard.count}, {"kind", sr.kind},
                {"parts", sr.parts}, {"digest", sr.digest}};
  j["status"] = to_string(r.status);
  std::string verdict = to_string(r.status);
  if (r.status == ExploreResult::Status::violation && !r.failures.empty())
    verdict = "violation of " + invariant_of(r.failures.front().verdict);
  j["verdict"] = verdict;
  j["executions"] = r.executions;
  j["blocked"] = r.blocked;
  j["steps"] = r.steps;
  j["depth"] = r.depth;
  j["complete"] = r.complete;
  j["interrupted"] = r.interrupted;
  j["budget"] = r.budget;
  j["error"] = r.error;
  j["search"] = r.search;
  ojson counts = ojson::array();
  for (const auto& [part, c] : sr.counts)
    counts.push_back({{"part", part}, {"executions", c.executions}, {"steps", c.steps},
                      {"depth", c.depth}, {"blocked", c.blocked}});
  j["counts"] = std::move(counts);
  ojson outcomes = ojson::array();
  for (const auto& [o, part] : sr.outcomes) outcomes.push_back({{"outcome", o}, {"part", part}});
  j["outcomes"] = std::move(outcomes);
  j["outcomes_truncated"] = sr.outcomes_truncated;
  if (sr.failure && !r.failures.empty()) {
    ojson f = {{"part", sr.failure->part},
               {"ordinal", sr.failure->ordinal},
               {"execution", r.failures.front().execution},
               {"search", r.failures.front().search}};
    if (trace) f["trace"] = to_json(*trace);
    j["failure"] = std::move(f);
  } else {
    j["failure"] = nullptr;
  }
  // The one part that differs from run to run: apart, so that the rest of the
  // report is byte for byte the same for the same scenario and settings.
  j["timing"] = {{"elapsed_s", r.elapsed_s}};
  return j;
}

ojson run_report(const std::vector<ojson>& entries) {
  ojson j;
  j["format"] = kRunReportFormat;
  j["version"] = kRunReportVersion;
  j["interleave_version"] = INTERLEAVE_VERSION;
  j["runs"] = entries;
  return j;
}

std::vector<RunEntry> read_run_report(const std::string& file) {
  std::vector<RunEntry> entries;
  const json doc = read_json_file(file, kMaxOwnOutputBytes, "a report that interleave wrote (they are smaller)");
  try {
    jr::Object o(doc, "", {"format", "version", "interleave_version", "runs"});
    if (o.string("format", "") != kRunReportFormat)
      jr::bad("/format", o.find("format") ? *o.find("format") : json(nullptr),
              std::string("\"") + kRunReportFormat + "\"",
              "merge reads the reports that `interleave run --json FILE` writes");
    o.uint("version", 0, kRunReportVersion, kRunReportVersion);
    const json& runs = jr::as_array(o.require("runs", "an array of runs"), "/runs", "runs");
    for (std::size_t i = 0; i < runs.size(); ++i) entries.push_back(read_entry(runs[i], jr::child("/runs", i), file));
  } catch (InputError& e) {
    if (e.file().empty()) e.set_file(file);
    throw;
  }
  return entries;
}

}  // namespace checker

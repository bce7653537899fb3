#include "checker/search/checkpoint.hpp"

#include <cstdio>

#include "checker/io/fnv.hpp"
#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/io/output_file.hpp"
#include "checker/io/schedule_json.hpp"
#include "checker/scenario/model.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace jr = json_read;

namespace {

constexpr const char* kResumeHint = "run the search again without --resume, or name the checkpoint of this search";

ojson path_json(const Path& p) { return ojson(p); }

Path path_from(const json& j, const std::string& path) {
  jr::as_array(j, path, "branch indices");
  Path p;
  for (std::size_t i = 0; i < j.size(); ++i)
    p.push_back(static_cast<std::uint32_t>(jr::as_uint(j[i], jr::child(path, i), 0, UINT32_MAX)));
  return p;
}

ojson outcomes_json(const std::set<std::string>& o) { return ojson(std::vector<std::string>(o.begin(), o.end())); }

std::set<std::string> outcomes_from(const json& j, const std::string& path) {
  jr::as_array(j, path, "outcomes");
  std::set<std::string> o;
  for (std::size_t i = 0; i < j.size(); ++i) o.insert(jr::as_string(j[i], jr::child(path, i)));
  return o;
}

ojson settings_json(const ExploreSettings& s) {
  return {{"strategy", s.strategy}, {"max_steps", s.max_steps},       {"seed", s.seed},
          {"bound", s.bound},       {"pct_depth", s.pct_depth},       {"max_executions", s.max_executions}};
}

ojson snapshot_json(const DporStrategy::Snapshot& s) {
  ojson nodes = ojson::array(), values = ojson::array(), decisions = ojson::array();
  for (const auto& n : s.nodes)
    nodes.push_back({{"enabled", n.enabled}, {"sleep", n.sleep}, {"backtrack", n.backtrack}, {"done", n.done},
                     {"chosen", n.chosen}});
  for (const auto& v : s.values)
    values.push_back({{"step", v.step}, {"count", v.count}, {"tried", v.tried}, {"limit", v.limit}});
  for (const auto& d : s.decisions) decisions.push_back({{"value", d.is_value}, {"index", d.index}});
  return {{"nodes", nodes}, {"values", values}, {"decisions", decisions}, {"fresh_from", s.fresh_from},
          {"complete", s.complete}, {"blocked", s.blocked}, {"reversals", s.reversals}, {"done", s.done}};
}

DporStrategy::Snapshot snapshot_from(const json& j, const std::string& path) {
  jr::Object o(j, path, {"nodes", "values", "decisions", "fresh_from", "complete", "blocked", "reversals", "done"});
  DporStrategy::Snapshot s;
  const json& nodes = jr::as_array(o.require("nodes", "an array of schedule points"), o.path("nodes"), "schedule points");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    jr::Object n(nodes[i], jr::child(o.path("nodes"), i), {"enabled", "sleep", "backtrack", "done", "chosen"});
    s.nodes.push_back({n.uint("enabled", 0), n.uint("sleep", 0), n.uint("backtrack", 0), n.uint("done", 0),
                       static_cast<sim::ThreadId>(n.uint("chosen", 0, 0, DporStrategy::kMaxThreads - 1))});
  }
  const json& values = jr::as_array(o.require("values", "an array of fault choices"), o.path("values"), "fault choices");
  for (std::size_t i = 0; i < values.size(); ++i) {
    jr::Object v(values[i], jr::child(o.path("values"), i), {"step", "count", "tried", "limit"});
    s.values.push_back({static_cast<std::uint32_t>(v.uint("step", 0, 0, UINT32_MAX)),
                        static_cast<std::uint32_t>(v.uint("count", 2, 2, UINT32_MAX)),
                        static_cast<std::uint32_t>(v.uint("tried", 0, 0, UINT32_MAX)),
                        static_cast<std::uint32_t>(v.uint("limit", 0, 0, UINT32_MAX))});
  }
  const json& decisions = jr::as_array(o.require("decisions", "an array of decisions"), o.path("decisions"), "decisions");
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    jr::Object d(decisions[i], jr::child(o.path("decisions"), i), {"value", "index"});
    s.decisions.push_back({d.boolean("value", false), static_cast<std::uint32_t>(d.uint("index", 0, 0, UINT32_MAX))});
  }
  s.fresh_from = static_cast<std::uint32_t>(o.uint("fresh_from", 0, 0, UINT32_MAX));
  s.complete = o.uint("complete", 0);
  s.blocked = o.uint("blocked", 0);
  s.reversals = o.uint("reversals", 0);
  s.done = o.boolean("done", false);
  return s;
}

// The verdict of a stored failure, by running its schedule again.
sim::Verdict replayed_verdict(const Scenario& s, const sim::Schedule& schedule, std::uint64_t max_steps,
                              const std::string& path) {
  auto program = make_program(s);
  sim::StackPool stacks;
  Replayed r = replay(*program, schedule, stacks, max_steps);
  if (!r.fits || !r.verdict.failed())
    throw InputError(path, "the failure's schedule no longer fails on this model" +
                               (r.fits ? std::string() : ": " + r.misfit),
                     "the model changed since the checkpoint was written; run the search again without --resume");
  return r.verdict;
}

ojson tree_json(const TreeState& t) {
  ojson pieces = ojson::array();
  for (const TreePiece& p : t.pieces) {
    ojson failures = ojson::array();
    for (const TreeFailure& f : p.failures)
      failures.push_back({{"path", path_json(f.path)}, {"ordinal", f.ordinal}, {"steps", f.steps},
                          {"search", f.failure.search}, {"schedule", to_json(f.failure.schedule)}});
    pieces.push_back({{"key", path_json(p.key)}, {"executions", p.executions}, {"blocked", p.blocked},
                      {"steps", p.steps}, {"depth", p.depth}, {"outcomes", outcomes_json(p.outcomes)},
                      {"outcomes_truncated", p.outcomes_truncated}, {"failures", failures}});
  }
  ojson frontier = ojson::array();
  for (const Path& p : t.frontier) frontier.push_back(path_json(p));
  return {{"started", t.started}, {"pieces", pieces}, {"frontier", frontier}};
}

TreeState tree_from(const json& j, const std::string& path, const Scenario& s, std::uint64_t max_steps) {
  jr::Object t(j, path, {"started", "pieces", "frontier"});
  TreeState tree;
  tree.started = t.boolean("started", true);
  const json& pieces = jr::as_array(t.require("pieces", "an array of pieces"), t.path("pieces"), "pieces");
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    jr::Object p(pieces[i], jr::child(t.path("pieces"), i),
                 {"key", "executions", "blocked", "steps", "depth", "outcomes", "outcomes_truncated", "failures"});
    TreePiece piece;
    piece.key = path_from(p.require("key", "a path"), p.path("key"));
    piece.executions = p.uint("executions", 0);
    piece.blocked = p.uint("blocked", 0, 0, piece.executions);
    piece.steps = p.uint("steps", 0);
    piece.depth = p.uint("depth", 0);
    if (const json* oc = p.find("outcomes")) piece.outcomes = outcomes_from(*oc, p.path("outcomes"));
    piece.outcomes_truncated = p.boolean("outcomes_truncated", false);
    if (const json* fs = p.find("failures")) {
      jr::as_array(*fs, p.path("failures"), "failures");
      for (std::size_t k = 0; k < fs->size(); ++k) {
        jr::Object f((*fs)[k], jr::child(p.path("failures"), k), {"path", "ordinal", "steps", "search", "schedule"});
        TreeFailure tf;
        tf.path = path_from(f.require("path", "a path"), f.path("path"));
        tf.ordinal = f.uint("ordinal", 1, 1, piece.executions);
        tf.steps = f.uint("steps", 0);
        tf.failure.search = f.string("search", "");
        tf.failure.schedule = schedule_from(f.require("schedule", "an array of decisions"), f.path("schedule"));
        tf.failure.verdict = replayed_verdict(s, tf.failure.schedule, max_steps, f.path("schedule"));
        piece.failures.push_back(std::move(tf));
      }
    }
    tree.pieces.push_back(std::move(piece));
  }
  const json& frontier = jr::as_array(t.require("frontier", "an array of paths"), t.path("frontier"), "paths");
  for (std::size_t i = 0; i < frontier.size(); ++i)
    tree.frontier.push_back(path_from(frontier[i], jr::child(t.path("frontier"), i)));
  return tree;
}

// The counts, outcomes and failures of a DPOR or indexed search (the fields
// DporState and IndexedState share).
template <class State>
ojson tally_json(const State& st) {
  ojson failures = ojson::array();
  for (const Failure& f : st.failures) failures.push_back({{"execution", f.execution}, {"schedule", to_json(f.schedule)}});
  return {{"started", st.started}, {"executions", st.executions}, {"blocked", st.blocked}, {"steps", st.steps},
          {"depth", st.depth}, {"outcomes", outcomes_json(st.outcomes)}, {"outcomes_truncated", st.outcomes_truncated},
          {"failures", failures}};
}

template <class State>
void tally_from(const jr::Object& o, State& st, const Scenario& s, std::uint64_t max_steps) {
  st.started = o.boolean("started", true);
  st.executions = o.uint("executions", 0);
  st.blocked = o.uint("blocked", 0, 0, st.executions);
  st.steps = o.uint("steps", 0);
  st.depth = o.uint("depth", 0);
  if (const json* oc = o.find("outcomes")) st.outcomes = outcomes_from(*oc, o.path("outcomes"));
  st.outcomes_truncated = o.boolean("outcomes_truncated", false);
  if (const json* fs = o.find("failures")) {
    jr::as_array(*fs, o.path("failures"), "failures");
    for (std::size_t k = 0; k < fs->size(); ++k) {
      jr::Object f((*fs)[k], jr::child(o.path("failures"), k), {"execution", "schedule"});
      Failure fl;
      fl.execution = f.uint("execution", 1, 1, st.executions);
      fl.schedule = schedule_from(f.require("schedule", "an array of decisions"), f.path("schedule"));
      fl.verdict = replayed_verdict(s, fl.schedule, max_steps, f.path("schedule"));
      st.failures.push_back(std::move(fl));
    }
  }
}

}  // namespace

std::string checkpoint_kind(const ExploreSettings& s, std::string* why) {
  if (s.strategy == "dfs") return "tree";
  if (s.strategy == "pb" || s.strategy == "db") return "bounded";
  if (s.strategy == "dpor") return "dpor";
  if (s.strategy == "random" || s.strategy == "pct") return "indexed";
  if (s.strategy == "auto" && s.max_executions == 0 && s.time_limit_s <= 0) return "dpor";
  if (why) {
    if (s.strategy == "auto")
      *why = "auto with a budget moves from DPOR to PCT part-way, which a checkpoint does not record; "
             "name --strategy dpor (or dfs), or drop --max-executions and --time-limit (auto is then DPOR to its end)";
    else
      *why = "--checkpoint and --resume work with dfs, dpor, pb, db, random, pct, and auto without a budget, not " +
             s.strategy;
  }
  return {};
}

std::string checkpoint_checksum(json doc) {
  doc.erase("checksum");
  return fnv1a_hex(doc.dump());
}

std::string scenario_hash(const Scenario& s) { return fnv1a_hex(s.json.dump()); }

ojson to_json(const Checkpoint& c) {
  ojson j;
  j["format"] = kCheckpointFormat;
  j["version"] = kCheckpointVersion;
  j["interleave_version"] = INTERLEAVE_VERSION;
  j["scenario_file"] = c.scenario_file;
  j["scenario_name"] = c.scenario_name;
  j["scenario_hash"] = c.scenario_hash;
  j["settings"] = settings_json(c.settings);
  j["kind"] = c.kind;
  j["finished"] = c.finished;
  if (c.kind == "tree") {
    j["tree"] = tree_json(c.tree);
  } else if (c.kind == "bounded") {
    const BoundedState& bs = c.bounded;
    j["bounded"] = {{"bound", bs.bound},          {"per_bound", bs.per_bound},
                    {"executions", bs.executions}, {"blocked", bs.blocked},
                    {"steps", bs.steps},           {"depth", bs.depth},
                    {"outcomes", outcomes_json(bs.outcomes)}, {"outcomes_truncated", bs.outcomes_truncated},
                    {"cut", bs.cut},               {"done", bs.done},
                    {"bounded_out", bs.bounded_out}, {"tree", tree_json(bs.tree)}};
  } else if (c.kind == "dpor") {
    ojson d = tally_json(c.dpor);
    d["strategy"] = snapshot_json(c.dpor.strategy);
    if (c.settings.strategy == "auto") d["hunt"] = c.dpor.hunt;
    j["dpor"] = std::move(d);
  } else {
    ojson d = tally_json(c.indexed);
    d["next"] = c.indexed.next;
    j["indexed"] = std::move(d);
  }
  j["timing"] = {{"elapsed_s", c.elapsed_s}};
  return j;
}

void write_checkpoint(const Checkpoint& c, const std::string& path) {
  ojson j = to_json(c);
  j["checksum"] = checkpoint_checksum(json::parse(j.dump()));
  const std::string text = j.dump(1) + "\n";
  // What --resume cannot read is not written: the file there stays the last
  // one that can be resumed.
  if (text.size() > kMaxOwnOutputBytes)
    throw std::runtime_error("cannot write the checkpoint " + path + ": it would be " +
                             std::to_string(text.size() >> 20) + " MiB, over the " +
                             std::to_string(kMaxOwnOutputBytes >> 20) + " MiB that --resume reads");
  write_output_file(path, text);
}

Checkpoint load_checkpoint(const std::string& file, const Scenario& s) {
  const json doc = read_json_file(file, kMaxOwnOutputBytes, "a checkpoint that interleave wrote (they are smaller)");
  try {
    jr::Object o(doc, "", {"format", "version", "interleave_version", "scenario_file", "scenario_name",
                           "scenario_hash", "settings", "kind", "finished", "tree", "bounded", "dpor", "indexed",
                           "timing", "checksum"});
    if (o.string("format", "") != kCheckpointFormat)
      jr::bad("/format", o.find("format") ? *o.find("format") : json(nullptr),
              std::string("\"") + kCheckpointFormat + "\"", "--resume reads the files that --checkpoint writes");
    if (const json* v = o.find("version"); v && *v != json(kCheckpointVersion))
      jr::bad("/version", *v, std::to_string(kCheckpointVersion),
              "this interleave reads checkpoints of version " + std::to_string(kCheckpointVersion) +
                  " (with a checksum) only: run the search again without --resume");
    o.uint("version", 0, kCheckpointVersion, kCheckpointVersion);
    Checkpoint c;
    c.scenario_file = o.string("scenario_file", "");
    c.scenario_name = o.string("scenario_name", "");
    c.scenario_hash = o.required_string("scenario_hash");
    {
      jr::Object st(o.require("settings", "an object"), o.path("settings"),
                    {"strategy", "max_steps", "seed", "bound", "pct_depth", "max_executions"});
      c.settings.strategy = st.required_string("strategy");
      c.settings.max_steps = st.uint("max_steps", c.settings.max_steps, 1);
      c.settings.seed = st.uint("seed", 0);
      c.settings.bound = static_cast<std::uint32_t>(st.uint("bound", kNoBound, 0, UINT32_MAX));
      c.settings.pct_depth = static_cast<std::uint32_t>(st.uint("pct_depth", 3, 1, 100));
      c.settings.max_executions = st.uint("max_executions", 0);
    }
    c.kind = o.required_string("kind");
    c.finished = o.boolean("finished", false);
    if (const json* t = o.find("timing")) {
      jr::Object tm(*t, o.path("timing"), {"elapsed_s"});
      c.elapsed_s = tm.number("elapsed_s", 0, 0, 1e12);
    }
    const std::uint64_t max_steps = c.settings.max_steps;
    if (c.kind == "tree") {
      c.tree = tree_from(o.require("tree", "the tree search's pieces and frontier"), o.path("tree"), s, max_steps);
    } else if (c.kind == "bounded") {
      jr::Object d(o.require("bounded", "the bounded search's state"), o.path("bounded"),
                   {"bound", "per_bound", "executions", "blocked", "steps", "depth", "outcomes", "outcomes_truncated",
                    "cut", "done", "bounded_out", "tree"});
      BoundedState& bs = c.bounded;
      bs.bound = static_cast<std::uint32_t>(d.uint("bound", 0, 0, UINT32_MAX - 1));
      const json& per = jr::as_array(d.require("per_bound", "executions per bound"), d.path("per_bound"), "counts");
      for (std::size_t i = 0; i < per.size(); ++i) bs.per_bound.push_back(jr::as_uint(per[i], jr::child(d.path("per_bound"), i)));
      bs.executions = d.uint("executions", 0);
      bs.blocked = d.uint("blocked", 0, 0, bs.executions);
      bs.steps = d.uint("steps", 0);
      bs.depth = d.uint("depth", 0);
      if (const json* oc = d.find("outcomes")) bs.outcomes = outcomes_from(*oc, d.path("outcomes"));
      bs.outcomes_truncated = d.boolean("outcomes_truncated", false);
      bs.cut = d.boolean("cut", false);
      bs.done = d.boolean("done", false);
      bs.bounded_out = d.boolean("bounded_out", false);
      if (bs.per_bound.size() < bs.bound || bs.per_bound.size() > std::size_t(bs.bound) + 1)
        jr::bad(d.path("per_bound"), *d.find("per_bound"),
                "the executions of each bound before " + std::to_string(bs.bound) + " (and of it, once done)");
      bs.tree = tree_from(d.require("tree", "the iteration's pieces and frontier"), d.path("tree"), s, max_steps);
    } else if (c.kind == "dpor") {
      jr::Object d(o.require("dpor", "the DPOR search's state"), o.path("dpor"),
                   {"started", "executions", "blocked", "steps", "depth", "outcomes", "outcomes_truncated",
                    "failures", "strategy", "hunt"});
      DporState& st = c.dpor;
      tally_from(d, st, s, max_steps);
      st.hunt = d.uint("hunt", 0, 0, st.executions);
      st.strategy = snapshot_from(d.require("strategy", "the DPOR strategy's state"), d.path("strategy"));
      // Check that the strategy's indices hold together now, with the path.
      try {
        DporStrategy probe;
        probe.restore(st.strategy);
      } catch (const std::invalid_argument& e) {
        throw InputError(d.path("strategy"), std::string("a damaged DPOR state: ") + e.what(), kResumeHint);
      }
    } else if (c.kind == "indexed") {
      jr::Object d(o.require("indexed", "the indexed search's state"), o.path("indexed"),
                   {"started", "next", "executions", "blocked", "steps", "depth", "outcomes", "outcomes_truncated",
                    "failures"});
      tally_from(d, c.indexed, s, max_steps);
      c.indexed.next = d.uint("next", 0);
      if (c.indexed.next < c.indexed.executions)
        jr::bad(d.path("next"), *d.find("next"), "at least the executions run (" + std::to_string(c.indexed.executions) + ")");
    } else {
      jr::bad("/kind", *o.find("kind"),
              "\"tree\" (dfs), \"bounded\" (pb, db), \"dpor\" (dpor, auto) or \"indexed\" (random, pct)");
    }
    // Read whole: now that it is what a checkpoint is, is it the one that was
    // written (no bit flipped, nothing edited), and does it hold together?
    const json* found = o.find("checksum");
    if (!found) jr::missing("/checksum", "the checksum of the file's content", kResumeHint);
    const std::string sum = jr::as_string(*found, "/checksum");
    if (sum != checkpoint_checksum(doc))
      jr::fail("/checksum", "found " + jr::quote(sum) + ", expected " + jr::quote(checkpoint_checksum(doc)) +
                                ", the checksum of the file's content: the checkpoint was damaged or edited",
               kResumeHint);
    check_consistency(c);
    return c;
  } catch (InputError& e) {
    if (e.file().empty()) e.set_file(file);
    throw;
  }
}

void check_resumable(const Checkpoint& c, const std::string& file, const Scenario& s,
                     const ExploreSettings& settings) {
  auto refuse = [&](const std::string& path, const std::string& what) {
    InputError e(path, what, kResumeHint);
    e.set_file(file);
    throw e;
  };
  if (c.scenario_hash != scenario_hash(s))
    refuse("/scenario_hash", "the checkpoint is of another scenario (\"" + c.scenario_name + "\" from " +
                                 (c.scenario_file.empty() ? std::string("?") : c.scenario_file) +
                                 ", or an earlier version of this file), not of " + s.file);
  auto differs = [&](const char* key, const std::string& saved, const std::string& now, const char* flag) {
    if (saved != now)
      refuse(std::string("/settings/") + key, std::string("the checkpoint's search has ") + key + " " + saved +
                                                  ", this run " + now + " (" + flag + ")");
  };
  differs("strategy", c.settings.strategy, settings.strategy, "--strategy");
  differs("max_steps", std::to_string(c.settings.max_steps), std::to_string(settings.max_steps), "--max-steps");
  differs("seed", std::to_string(c.settings.seed), std::to_string(settings.seed), "--seed");
  differs("bound", std::to_string(c.settings.bound), std::to_string(settings.bound), "--bound");
  differs("pct_depth", std::to_string(c.settings.pct_depth), std::to_string(settings.pct_depth), "--pct-depth");
  if (c.kind == "indexed")  // the length of a random or PCT search is part of what it is
    differs("max_executions", std::to_string(c.settings.max_executions), std::to_string(settings.max_executions),
            "--max-executions");
  std::string why;
  const std::string kind = checkpoint_kind(settings, &why);
  if (kind != c.kind) refuse("/kind", "the checkpoint holds a " + c.kind + " search; this run's settings make a " +
                                          (kind.empty() ? std::string("search that cannot be resumed") : kind + " search"));
}

}  // namespace checker

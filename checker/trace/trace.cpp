#include "checker/scenario/load.hpp"
#include "checker/trace/trace.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

#include "checker/io/input_error.hpp"
#include "checker/io/json_read.hpp"
#include "checker/io/output_file.hpp"
#include "checker/scenario/model.hpp"
#include "models/pagecache/variants.hpp"

namespace checker {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace jr = json_read;

namespace {

constexpr sim::Verdict::Kind kKinds[] = {
    sim::Verdict::Kind::ok,       sim::Verdict::Kind::violation,
    sim::Verdict::Kind::deadlock, sim::Verdict::Kind::livelock_suspect,
    sim::Verdict::Kind::aborted,  sim::Verdict::Kind::internal_error,
};

ojson othread(sim::ThreadId t) { return t == sim::kNoThread ? ojson(nullptr) : ojson(t); }

sim::ThreadId thread_from(const json& v, const std::string& path, std::size_t threads) {
  if (v.is_null()) return sim::kNoThread;
  if (threads == 0)
    jr::bad(path, v, "null (the trace lists no threads)");
  return static_cast<sim::ThreadId>(jr::as_uint(v, path, 0, threads - 1));
}

sim::Verdict verdict_from(const json& j, const std::string& path, std::size_t threads) {
  jr::Object o(j, path,
               {"kind", "invariant", "message", "thread", "thread_name", "step", "self_deadlock",
                "waits", "cycle"});
  sim::Verdict v;
  std::string kind = jr::as_string(o.require("kind", "a verdict kind"), o.path("kind"));
  bool known = false;
  std::vector<std::string> names;
  for (sim::Verdict::Kind k : kKinds) {
    names.emplace_back(sim::to_string(k));
    if (kind == sim::to_string(k)) v.kind = k, known = true;
  }
  if (!known) jr::bad(o.path("kind"), *o.find("kind"), jr::one_of(names), jr::did_you_mean(kind, names));
  v.invariant = o.string("invariant", "");
  v.message = o.string("message", "");
  if (const json* t = o.find("thread")) v.thread = thread_from(*t, o.path("thread"), threads);
  v.step = o.uint("step", 0);
  v.self_deadlock = o.boolean("self_deadlock", false);
  if (const json* ws = o.find("waits")) {
    jr::as_array(*ws, o.path("waits"), "wait-for edges");
    for (std::size_t i = 0; i < ws->size(); ++i) {
      jr::Object w((*ws)[i], jr::child(o.path("waits"), i),
                   {"waiter", "waiter_name", "op", "object", "object_name", "holder",
                    "holder_name"});
      sim::WaitEdge e;
      e.waiter = thread_from(w.require("waiter", "a thread id"), w.path("waiter"), threads);
      e.waiter_name = w.string("waiter_name", "");
      e.op = w.string("op", "");
      if (const json* ob = w.find("object"))
        e.object = ob->is_null() ? sim::kNoObject
                                 : static_cast<sim::ObjectId>(
                                       jr::as_uint(*ob, w.path("object"), 0, sim::kNoObject - 1));
      e.object_name = w.string("object_name", "");
      if (const json* h = w.find("holder")) e.holder = thread_from(*h, w.path("holder"), threads);
      e.holder_name = w.string("holder_name", "");
      v.waits.push_back(std::move(e));
    }
  }
  if (const json* cy = o.find("cycle")) {
    jr::as_array(*cy, o.path("cycle"), "thread ids");
    for (std::size_t i = 0; i < cy->size(); ++i) {
      std::string p = jr::child(o.path("cycle"), i);
      if ((*cy)[i].is_null()) jr::bad(p, (*cy)[i], "a thread id");
      v.cycle.push_back(thread_from((*cy)[i], p, threads));
    }
  }
  return v;
}

ExploreSettings settings_from(const json& j, const std::string& path) {
  jr::Object o(j, path, {"strategy", "max_executions", "time_limit_s", "max_steps", "seed"});
  ExploreSettings s;
  s.strategy = o.string("strategy", s.strategy);
  std::vector<std::string> strategies;
  for (const StrategyInfo& info : known_strategies()) strategies.push_back(info.name);
  if (std::find(strategies.begin(), strategies.end(), s.strategy) == strategies.end())
    jr::bad(o.path("strategy"), *o.find("strategy"), jr::one_of(strategies),
            jr::did_you_mean(s.strategy, strategies));
  s.max_executions = o.uint("max_executions", 0);
  s.time_limit_s = o.number("time_limit_s", 0, 0, 1e9);
  s.max_steps = o.uint("max_steps", s.max_steps, 1);
  s.seed = o.uint("seed", 0);
  return s;
}

// The threads the scenario's program starts (scenario/model.hpp); threads
// after them are started by the end-of-run checks.
std::vector<std::string> threads_of_program(const Scenario& s) {
  try {
    return program_threads(s);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    jr::fail("/scenario", std::string("the scenario's program cannot be set up: ") + e.what());
  }
}

// The schedule names threads by number, in the order the program starts
// them. A trace whose /threads do not begin with the threads of its
// scenario's program holds the scenario of another trace (or one edited
// since): its schedule would run other threads than those it was recorded
// with. The threads after them are the end-of-run checks' own, which run
// only once every thread of the program has ended: one the schedule picks
// before that is a thread the program does not have (checked once the
// schedule is read).
const char* kAnotherScenarioHint =
    "the schedule was recorded with another scenario: a trace replays only with the scenario it was written with";

std::string quoted_list(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + jr::quote(n);
  return list;
}

void check_threads_of_program(const Trace& t, const json& threads, const std::vector<std::string>& program) {
  const std::string hint = kAnotherScenarioHint;
  const std::string names = quoted_list(program);
  for (std::size_t i = 0; i < program.size(); ++i) {
    if (i >= t.threads.size())
      jr::fail("/threads",
               "found " + std::to_string(t.threads.size()) + (t.threads.size() == 1 ? " thread" : " threads") +
                   ", expected the " + std::to_string(program.size()) + " threads of the trace's scenario first: " +
                   names,
               hint);
    const bool scenario_thread = t.scenario.pagecache && i < t.scenario.pagecache->threads.size();
    if (t.threads[i] != program[i])
      jr::bad(jr::child("/threads", i), threads[i],
              jr::quote(program[i]) + ", the name of thread " + std::to_string(i) +
                  (scenario_thread ? " in /scenario/threads" : " of the scenario's program"),
              hint);
  }
}

void check_schedule_of_program(const Trace& t, const json& threads, const std::vector<std::string>& program) {
  std::size_t last_of_program = 0;  // one past the program's last thread decision
  for (std::size_t i = 0; i < t.schedule.size(); ++i)
    if (t.schedule[i].kind == sim::Decision::Kind::thread && t.schedule[i].value < program.size())
      last_of_program = i + 1;
  for (std::size_t i = 0; i < last_of_program; ++i) {
    const sim::Decision& d = t.schedule[i];
    if (d.kind == sim::Decision::Kind::thread && d.value >= program.size())
      jr::bad(jr::child("/threads", d.value), threads[d.value],
              "no thread " + std::to_string(d.value) + " while the program runs (/schedule/" + std::to_string(i) +
                  " picks it): the scenario's program has the " + std::to_string(program.size()) + " threads " +
                  quoted_list(program),
              kAnotherScenarioHint);
  }
}

}  // namespace

ojson to_json(const sim::Verdict& v) {
  ojson j = {{"kind", sim::to_string(v.kind)},
             {"invariant", v.invariant},
             {"message", v.message},
             {"thread", othread(v.thread)},
             {"step", v.step},
             {"self_deadlock", v.self_deadlock}};
  ojson waits = ojson::array();
  for (const sim::WaitEdge& e : v.waits)
    waits.push_back({{"waiter", othread(e.waiter)},
                     {"waiter_name", e.waiter_name},
                     {"op", e.op},
                     {"object", e.object == sim::kNoObject ? ojson(nullptr) : ojson(e.object)},
                     {"object_name", e.object_name},
                     {"holder", othread(e.holder)},
                     {"holder_name", e.holder_name}});
  j["waits"] = std::move(waits);
  j["cycle"] = v.cycle;
  return j;
}

ojson to_json(const std::vector<sim::Event>& history, const std::vector<std::string>& threads) {
  ojson a = ojson::array();
  for (const sim::Event& e : history)
    a.push_back({{"step", e.step},
                 {"thread", othread(e.thread)},
                 {"thread_name", e.thread < threads.size() ? threads[e.thread] : std::string()},
                 {"op", e.op},
                 {"object", e.object},
                 {"state", e.state},
                 {"note", e.note}});
  return a;
}

ojson to_json(const Trace& t) {
  ojson j;
  j["format"] = kTraceFormat;
  j["version"] = kTraceVersion;
  j["interleave_version"] = INTERLEAVE_VERSION;
  j["scenario_file"] = t.scenario.file;
  j["scenario"] = ojson::parse(t.scenario.json.dump());
  // A variant from a plugin: which library, so that a replay runs the same code.
  if (const auto* v = models::pagecache::find_variant(t.scenario.model); v && !v->plugin.empty())
    j["plugin"] = {{"variant", v->name}, {"file", v->plugin}, {"hash", v->plugin_hash}};
  j["settings"] = {{"strategy", t.settings.strategy},
                   {"max_executions", t.settings.max_executions},
                   {"time_limit_s", t.settings.time_limit_s},
                   {"max_steps", t.settings.max_steps},
                   {"seed", t.settings.seed}};
  j["seed"] = t.settings.seed;
  j["search"] = {{"executions", t.executions}, {"steps", t.steps}};
  j["threads"] = t.threads;
  j["verdict"] = to_json(t.verdict);
  j["schedule"] = to_json(t.schedule);
  j["history"] = to_json(t.history, t.threads);
  return j;
}

std::string trace_text(const Trace& t) {
  // Indented, except that each decision and each event takes one line.
  const ojson j = to_json(t);
  std::string out = "{\n";
  std::size_t i = 0;
  for (auto it = j.begin(); it != j.end(); ++it, ++i) {
    out += "  " + ojson(it.key()).dump() + ": ";
    if ((it.key() == "schedule" || it.key() == "history") && !it->empty()) {
      out += "[\n";
      for (std::size_t k = 0; k < it->size(); ++k)
        out += "    " + (*it)[k].dump() + (k + 1 < it->size() ? ",\n" : "\n");
      out += "  ]";
    } else {
      std::string v = it->dump(2);
      for (std::size_t p = 0; (p = v.find('\n', p)) != std::string::npos; p += 3) v.insert(p + 1, "  ");
      out += v;
    }
    out += i + 1 < j.size() ? ",\n" : "\n";
  }
  return out + "}\n";
}

// A trace of a plugin's variant is read only with that plugin loaded, the
// same build of it (its digest): another build may take other steps, and a
// replay would report nondeterminism (exit 3) for what is a wrong input.
static void check_plugin(const jr::Object& o, const json& scenario) {
  const json* model = jr::find(scenario, "model");
  const std::string name = model && model->is_string() ? model->get<std::string>() : "";
  const auto* loaded = models::pagecache::find_variant(name);
  const bool from_plugin = loaded && !loaded->plugin.empty();
  const json* pj = o.find("plugin");
  if (!pj) {
    if (from_plugin)
      jr::fail("", "found no \"plugin\", but the trace's variant \"" + name + "\" comes from the plugin " +
                       loaded->plugin + " now", "a trace of a plugin's variant records the plugin it was made with");
    return;
  }
  jr::Object p(*pj, "/plugin", {"variant", "file", "hash"});
  const std::string variant = p.required_string("variant");
  const std::string file = p.required_string("file");
  const std::string hash = p.required_string("hash");
  if (variant != name) jr::bad("/plugin/variant", *p.find("variant"), jr::quote(name) + " (the scenario's model)");
  if (!loaded)
    jr::fail("/plugin", "found the variant \"" + variant + "\" of the plugin " + file + ", which is not loaded",
             "load it: interleave --plugin " + file + " ...");
  if (loaded->plugin_hash != hash)
    jr::fail("/plugin/hash",
             "found " + hash + ", the digest of the plugin library the trace was made with; the variant \"" +
                 variant + "\" loaded now comes from " + loaded->plugin + ", digest " +
                 (loaded->plugin.empty() ? std::string("(built in)") : loaded->plugin_hash),
             "replay with the build of the plugin that made the trace (" + file + ")");
}

Trace trace_from_json(const json& j, const std::string& file) {
  try {
    if (!j.is_object()) jr::bad("", j, "an interleave trace (a JSON object)");
    jr::Object o(j, "",
                 {"format", "version", "interleave_version", "scenario_file", "scenario", "plugin",
                  "settings", "seed", "search", "threads", "schedule", "verdict", "history"});
    const json& format = o.require("format", json(kTraceFormat).dump());
    if (format != kTraceFormat)
      jr::bad("/format", format, json(kTraceFormat).dump(), "this is not an interleave trace file");
    const json& version = o.require("version", std::to_string(kTraceVersion));
    if (!version.is_number_integer() || version.get<std::int64_t>() != kTraceVersion) {
      const json* by = o.find("interleave_version");
      jr::bad("/version", version, std::to_string(kTraceVersion),
              "this interleave (" INTERLEAVE_VERSION ") reads trace format " +
                  std::to_string(kTraceVersion) + "; the trace says it was written by interleave " +
                  (by && by->is_string() ? by->get<std::string>() : std::string("(unknown)")));
    }
    o.string("interleave_version", "");  // checked: a string
    Trace t;
    // Read outside the try below, which puts the scenario's own errors under /scenario.
    const std::string scenario_file = o.string("scenario_file", file);
    const json& scenario = o.require("scenario", "the scenario document (an object)");
    check_plugin(o, scenario);
    try {
      t.scenario = parse_scenario(scenario, scenario_file);
    } catch (const InputError& e) {
      throw InputError("/scenario" + e.path(), e.what(), e.hint());
    }
    t.settings = settings_from(o.require("settings", "an object"), "/settings");
    if (const json* seed = o.find("seed")) {
      if (jr::as_uint(*seed, "/seed") != t.settings.seed)
        jr::bad("/seed", *seed, std::to_string(t.settings.seed) + " (as /settings/seed)");
    }
    if (const json* search = o.find("search")) {
      jr::Object so(*search, "/search", {"executions", "steps"});
      t.executions = so.uint("executions", 0);
      t.steps = so.uint("steps", 0);
    }
    const json& threads = jr::as_array(o.require("threads", "an array of thread names"),
                                       "/threads", "thread names");
    for (std::size_t i = 0; i < threads.size(); ++i)
      t.threads.push_back(jr::as_string(threads[i], jr::child("/threads", i)));
    const std::vector<std::string> program = threads_of_program(t.scenario);
    check_threads_of_program(t, threads, program);
    t.schedule = schedule_from(o.require("schedule", "an array of decisions"), "/schedule",
                               t.threads.empty() ? 0 : t.threads.size() - 1);
    check_schedule_of_program(t, threads, program);
    t.verdict = verdict_from(o.require("verdict", "an object"), "/verdict", t.threads.size());
    if (const json* h = o.find("history")) {
      jr::as_array(*h, "/history", "events");
      for (std::size_t i = 0; i < h->size(); ++i) {
        jr::Object e((*h)[i], jr::child("/history", i),
                     {"step", "thread", "thread_name", "op", "object", "state", "note"});
        sim::Event ev;
        ev.step = e.uint("step", 0);
        if (const json* th = e.find("thread"))
          ev.thread = thread_from(*th, e.path("thread"), t.threads.size());
        if (const json* name = e.find("thread_name"); name && ev.thread < t.threads.size() &&
                                                        jr::as_string(*name, e.path("thread_name")) !=
                                                            t.threads[ev.thread])
          jr::bad(e.path("thread_name"), *name,
                  jr::quote(t.threads[ev.thread]) + ", the name /threads gives thread " +
                      std::to_string(ev.thread));
        ev.op = e.string("op", "");
        ev.object = e.string("object", "");
        ev.state = e.string("state", "");
        ev.note = e.string("note", "");
        t.history.push_back(std::move(ev));
      }
    }
    return t;
  } catch (InputError& e) {
    e.set_file(file);
    throw;
  }
}

Trace make_trace(const Scenario& s, const ExploreSettings& settings, const ExploreResult& r) {
  if (r.failures.empty()) throw std::logic_error("make_trace: the search found no failure");
  Trace t;
  t.scenario = s;
  t.settings = settings;
  t.executions = r.failures.front().execution;
  t.steps = r.steps;
  t.schedule = r.failures.front().schedule;
  t.verdict = r.failures.front().verdict;
  t.threads = r.replay.thread_names;
  t.history = r.replay.history;
  return t;
}

std::string trace_file_name(const std::string& scenario_name) {
  std::string n = scenario_name.empty() ? std::string("scenario") : scenario_name;
  for (char& c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@')) c = '_';
  return n + ".trace.json";
}

void write_trace(const Trace& t, const std::string& path) {
  write_output_file(path, trace_text(t));
}

Trace load_trace(const std::string& path) { return trace_from_json(read_json_file(path), path); }

}  // namespace checker

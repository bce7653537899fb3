#include "checker/scenario/load.hpp"
#include "checker/trace/shrink.hpp"

#include <algorithm>
#include <functional>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "checker/invariants/conditions.hpp"
#include "checker/search/explorer.hpp"
#include "checker/scenario/model.hpp"
#include "checker/strategies/guided_replay.hpp"
#include "models/examples/examples.hpp"
#include "sim/stack_pool.hpp"

namespace checker {

using nlohmann::json;

bool TraceSize::operator<(const TraceSize& o) const {
  auto key = [](const TraceSize& s) {
    return std::tie(s.threads, s.operations, s.agent_acts, s.fault_kinds, s.params, s.faults,
                    s.preemptions, s.steps, s.values);
  };
  return key(*this) < key(o);
}

namespace {

std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The page-cache faults a scenario can switch on, and the labels of the
// choices that inject them (models/pagecache: uaccess.cpp, disk.cpp).
struct FaultKind {
  const char* key;
  const char* label;
};
constexpr FaultKind kFaultKinds[] = {
    {"copy_from_user", "copy_from_user fails after"},
    {"read_io_error", "read I/O error"},
    {"write_io_error", "write I/O error"},
};

// A choice that injects a fault when it is not 0.
bool is_fault_label(const std::string& label) {
  for (const FaultKind& f : kFaultKinds)
    if (label == f.label) return true;
  return label.find("fail") != std::string::npos || label.find("error") != std::string::npos;
}

// One candidate: a scenario document and a schedule to run it with.
struct Candidate {
  json scenario;
  sim::Schedule schedule;
  std::string removed;  // what it removes from the scenario ("" when only the schedule changes)
  // Removals of one unit that add up ("parameter steps", "act of agent 0 (reclaim)"): the
  // thing, counted in `removed_counts`, and reported as "lowered by N" / "N acts".
  std::string counted;
};

// A candidate as it ran.
struct Run {
  bool ran = false;  // the scenario loaded and the execution ran to a verdict
  json scenario;
  Scenario parsed;
  sim::Verdict verdict;
  sim::Schedule schedule;  // the decisions taken: a schedule that replays exactly
  std::vector<GuidedReplayStrategy::Taken> taken;
  std::size_t misfits = 0;
  TraceSize size;
  std::vector<std::uint64_t> preempting_steps;
};

TraceSize scenario_size(const Scenario& s) {
  TraceSize z;
  if (s.pagecache) {
    const models::pagecache::Config& c = *s.pagecache;
    z.threads = c.threads.size();
    for (const auto& t : c.threads) z.operations += t.ops.size();
    for (const auto& a : c.agents) z.agent_acts += a.budget;
    z.fault_kinds = c.faults.copy_from_user + c.faults.read_io_error + c.faults.write_io_error;
  }
  for (const auto& [name, value] : s.example_params) z.params += value;
  return z;
}

class Shrinker {
 public:
  Shrinker(const Trace& t, const ShrinkOptions& o)
      : trace_(t), opts_(o), start_(std::chrono::steady_clock::now()) {}

  Run run(const json& scenario, const sim::Schedule& schedule) {
    ++runs_;
    Run r;
    r.scenario = scenario;
    try {
      r.parsed = parse_scenario(scenario, trace_.scenario.file);
      std::unique_ptr<models::Program> program = make_program(r.parsed);
      GuidedReplayStrategy strategy(schedule);
      {
        sim::Execution ex(stacks_);
        program->setup(ex);
        sim::ExecutionOptions eo;
        eo.max_steps = trace_.settings.max_steps;
        const sim::Verdict& v = ex.run(strategy, eo);
        r.verdict = v.failed() ? v : program->check_end(ex);
        r.schedule = ex.schedule();
      }
      r.taken = strategy.taken();
      r.misfits = strategy.misfits();
    } catch (const std::exception&) {
      return r;  // a candidate the loader or the model refuses is no candidate
    }
    if (r.taken.size() != r.schedule.size()) return r;  // cannot happen; be safe
    r.ran = true;
    r.size = scenario_size(r.parsed);
    for (std::size_t i = 0; i < r.schedule.size(); ++i) {
      const sim::Decision& d = r.schedule[i];
      if (d.kind == sim::Decision::Kind::thread) {
        ++r.size.steps;
        r.size.preemptions += r.taken[i].preemption;
        if (r.taken[i].preemption) r.preempting_steps.push_back(r.size.steps);
      } else if (d.value != 0) {
        if (is_fault_label(r.taken[i].label))
          ++r.size.faults;
        else
          r.size.values += d.value;
      }
    }
    return r;
  }

  bool out_of_budget() {
    if (runs_ >= opts_.max_runs) return exhausted_ = true;
    if (opts_.time_limit_s > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() >=
            opts_.time_limit_s)
      return exhausted_ = true;
    return false;
  }

  // A pass's candidates are made one at a time and handed to a visitor that
  // returns true to stop the pass (one was kept, or the budget ran out): a
  // list of them all held a copy of the schedule each, quadratic in its
  // length (a gigabyte for a long trace, and seconds of making them before
  // the time limit was looked at).
  using Visit = std::function<bool(Candidate&&)>;
  using Gen = bool (Shrinker::*)(const Visit&) const;

  // Tries a pass's candidates in order; keeps the first that fails the same
  // way and is smaller. Returns whether one was kept.
  bool try_all(Gen gen) {
    bool kept = false;
    (this->*gen)([&](Candidate&& c) {
      if (out_of_budget()) return true;
      kept = try_one(c);
      return kept;
    });
    return kept;
  }

  bool try_one(const Candidate& c) {
    Run r = run(c.scenario, c.schedule);
    if (!r.ran || !r.verdict.failed() || !same_failure(trace_.verdict, r.verdict)) return false;
    if (!(r.size < best_.size)) return false;
    best_ = std::move(r);
    if (!c.counted.empty()) {
      auto it = std::find_if(removed_.begin(), removed_.end(),
                             [&](const auto& x) { return x.first == c.counted; });
      if (it == removed_.end()) removed_.emplace_back(c.counted, 1);
      else ++it->second;
    } else if (!c.removed.empty()) {
      removed_.emplace_back(c.removed, 0);
    }
    return true;
  }

  // ---- candidates

  // The thread each decision belongs to: a value belongs to the thread whose
  // step chose it (the thread decision before it).
  static std::vector<sim::ThreadId> owners(const sim::Schedule& s) {
    std::vector<sim::ThreadId> o(s.size(), sim::kNoThread);
    sim::ThreadId last = sim::kNoThread;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i].kind == sim::Decision::Kind::thread) last = s[i].value;
      o[i] = last;
    }
    return o;
  }

  // The schedule without thread `gone`'s decisions, the ids above it one lower.
  static sim::Schedule without_thread(const sim::Schedule& s, sim::ThreadId gone) {
    const std::vector<sim::ThreadId> own = owners(s);
    sim::Schedule out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (own[i] == gone) continue;
      sim::Decision d = s[i];
      if (d.kind == sim::Decision::Kind::thread && d.value > gone) --d.value;
      out.push_back(d);
    }
    return out;
  }

  std::string thread_title(const json& sc, std::size_t i) const {
    const json& t = sc["threads"][i];
    if (t.is_object() && t.contains("name") && t["name"].is_string())
      return t["name"].get<std::string>();
    return "T" + std::to_string(i);
  }

  bool scenario_candidates(const Visit& visit) const {
    const json& sc = best_.scenario;
    const sim::Schedule& s = best_.schedule;
    if (best_.parsed.pagecache) {
      const std::size_t nthreads = sc["threads"].size();
      // A condition speaks of the calls the scenario makes ("file == 'BB'",
      // "T1.0.ret == 2"): without a thread or an operation it can break for
      // want of the call, not for the race, and unnamed threads would be
      // renamed under it. So a condition's violation keeps every thread and
      // operation; leaving out agents, their acts and faults keeps the rest
      // an execution of the original scenario (each only ever may act), so
      // those still shrink.
      const bool keep_calls = invariants::is_condition_invariant(trace_.verdict.invariant);
      // Whole threads, the last first.
      for (std::size_t i = nthreads; i-- > 0 && nthreads > 1 && !keep_calls;) {
        Candidate c{sc, without_thread(s, static_cast<sim::ThreadId>(i)), "thread " + thread_title(sc, i)};
        c.scenario["threads"].erase(i);
        if (visit(std::move(c))) return true;
      }
      // Whole agents (their thread ids follow the threads and the disk daemon).
      if (sc.contains("agents")) {
        const std::size_t nagents = sc["agents"].size();
        for (std::size_t k = nagents; k-- > 0;) {
          const json& a = sc["agents"][k];
          std::string kind = a.value("kind", std::string("agent"));
          Candidate c{sc, without_thread(s, static_cast<sim::ThreadId>(nthreads + 1 + k)),
                      "agent " + std::to_string(k) + " (" + kind + ")"};
          c.scenario["agents"].erase(k);
          if (c.scenario["agents"].empty()) c.scenario.erase("agents");
          if (visit(std::move(c))) return true;
        }
        for (std::size_t k = 0; k < nagents; ++k) {
          const json& a = sc["agents"][k];
          const std::uint64_t budget = a.contains("budget") && a["budget"].is_number_unsigned()
                                           ? a["budget"].get<std::uint64_t>()
                                           : 1;
          if (budget <= 1) continue;
          Candidate c{sc, s, "", "agent " + std::to_string(k) + " (" +
                                     a.value("kind", std::string("agent")) + ")"};
          c.scenario["agents"][k]["budget"] = budget - 1;
          if (visit(std::move(c))) return true;
        }
      }
      // Operations, the last first.
      for (std::size_t i = 0; i < nthreads; ++i) {
        const json& ops = sc["threads"][i]["ops"];
        for (std::size_t j = ops.size(); j-- > 0 && ops.size() > 1 && !keep_calls;) {
          Candidate c{sc, s,
                      "operation " + std::to_string(j) + " (" + ops[j].value("op", std::string("?")) +
                          ") of thread " + thread_title(sc, i)};
          c.scenario["threads"][i]["ops"].erase(j);
          if (visit(std::move(c))) return true;
        }
      }
      // Kinds of fault, with the choices that injected them.
      if (sc.contains("faults") && sc["faults"].is_object()) {
        for (const FaultKind& f : kFaultKinds) {
          if (sc["faults"].value(f.key, false) != true) continue;
          Candidate c{sc, {}, std::string("fault ") + f.key};
          c.scenario["faults"][f.key] = false;
          for (std::size_t i = 0; i < s.size(); ++i)
            if (!(s[i].kind == sim::Decision::Kind::value && best_.taken[i].label == f.label))
              c.schedule.push_back(s[i]);
          if (visit(std::move(c))) return true;
        }
      }
    } else if (best_.parsed.is_example() && sc.contains("params") && sc["params"].is_object()) {
      const models::examples::ExampleInfo* info =
          models::examples::find_example(best_.parsed.example_name());
      for (const auto& [name, value] : best_.parsed.example_params) {
        if (!info || !sc["params"].contains(name)) continue;
        for (const auto& p : info->params)
          if (p.name == name && value > p.min) {
            Candidate c{sc, s, "", "parameter " + name};
            c.scenario["params"][name] = value - 1;
            if (visit(std::move(c))) return true;
          }
      }
    }
    return false;
  }

  bool fault_candidates(const Visit& visit) const {
    const sim::Schedule& s = best_.schedule;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s[i].kind == sim::Decision::Kind::value && s[i].value != 0 &&
          is_fault_label(best_.taken[i].label)) {
        Candidate c{best_.scenario, s, ""};
        c.schedule[i].value = 0;
        if (visit(std::move(c))) return true;
      }
    return false;
  }

  // Runs of decisions by one thread (with the values chosen in its steps).
  struct Block {
    std::size_t begin, end;
  };
  static std::vector<Block> blocks(const sim::Schedule& s) {
    std::vector<Block> b;
    const std::vector<sim::ThreadId> own = owners(s);
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (b.empty() || own[i] != own[b.back().begin]) b.push_back({i, i + 1});
      else b.back().end = i + 1;
    }
    return b;
  }
  static sim::Schedule swapped(const sim::Schedule& s, const Block& a, const Block& b) {
    sim::Schedule out(s.begin(), s.begin() + a.begin);
    out.insert(out.end(), s.begin() + b.begin, s.begin() + b.end);
    out.insert(out.end(), s.begin() + a.begin, s.begin() + a.end);
    out.insert(out.end(), s.begin() + b.end, s.end());
    return out;
  }

  bool preemption_candidates(const Visit& visit) const {
    const sim::Schedule& s = best_.schedule;
    const std::vector<Block> bl = blocks(s);
    for (std::size_t k = 1; k < bl.size(); ++k) {
      const std::size_t i = bl[k].begin;
      if (!best_.taken[i].preemption) continue;
      // The preempted thread goes on instead (one step more), the rest as it was.
      Candidate on{best_.scenario, s, ""};
      on.schedule[i] = sim::Decision::thread(best_.taken[i].previous);
      if (visit(std::move(on))) return true;
      // The preempting run of steps later: after the run that follows it.
      if (k + 1 < bl.size()) if (visit(Candidate{best_.scenario, swapped(s, bl[k], bl[k + 1]), ""})) return true;
      // ... or earlier: before the run it preempts.
      if (visit(Candidate{best_.scenario, swapped(s, bl[k - 1], bl[k]), ""})) return true;
      // The schedule up to the preemption, then on without preempting.
      if (visit(Candidate{best_.scenario, sim::Schedule(s.begin(), s.begin() + i), ""})) return true;
    }
    return false;
  }

  // Chunks of decisions removed, halves first, then quarters, ... (ddmin).
  bool step_candidates(const Visit& visit) const {
    const sim::Schedule& s = best_.schedule;
    for (std::size_t len = std::max<std::size_t>(s.size() / 2, 1); len >= 1; len /= 2) {
      for (std::size_t at = 0; at < s.size(); at += len) {
        Candidate c{best_.scenario, {}, ""};
        c.schedule.assign(s.begin(), s.begin() + at);
        c.schedule.insert(c.schedule.end(), s.begin() + std::min(s.size(), at + len), s.end());
        if (visit(std::move(c))) return true;
      }
      if (len == 1) break;
    }
    return false;
  }

  bool value_candidates(const Visit& visit) const {
    const sim::Schedule& s = best_.schedule;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s[i].kind == sim::Decision::Kind::value && s[i].value != 0 &&
          !is_fault_label(best_.taken[i].label)) {
        for (std::uint32_t v = 0; v < s[i].value; ++v) {
          Candidate c{best_.scenario, s, ""};
          c.schedule[i].value = v;
          if (visit(std::move(c))) return true;
        }
      }
    return false;
  }

  ShrinkResult go() {
    ShrinkResult res;
    res.trace = trace_;
    best_ = run(trace_.scenario.json, trace_.schedule);
    if (!best_.ran || !best_.verdict.failed() || !same_failure(trace_.verdict, best_.verdict) ||
        best_.misfits != 0) {
      res.error = !best_.ran ? "the trace's scenario does not load or its model threw"
                  : best_.misfits != 0
                      ? "the trace's schedule does not fit its scenario under this model"
                      : "the trace's schedule does not fail as recorded (" +
                            std::string(best_.verdict.failed() ? invariant_of(best_.verdict)
                                                               : "it passes") +
                            ", recorded " + invariant_of(trace_.verdict) + ")";
      res.runs = runs_;
      return res;
    }
    const Run first = best_;
    res.before = first.size;
    const Gen passes[] = {&Shrinker::scenario_candidates, &Shrinker::fault_candidates,
                          &Shrinker::preemption_candidates, &Shrinker::step_candidates,
                          &Shrinker::value_candidates};
    for (bool progress = true; progress && !exhausted_;) {
      progress = false;
      for (Gen g : passes) {
        while (!exhausted_ && try_all(g)) progress = true;
        if (exhausted_) break;
      }
    }

    // The result must replay exactly, with history, to the same failure.
    Trace out = trace_;
    bool kept = false;
    if (!(best_.size == first.size)) {
      try {
        std::unique_ptr<models::Program> program = make_program(best_.parsed);
        Replayed r = replay(*program, best_.schedule, stacks_, trace_.settings.max_steps);
        if (r.fits && r.verdict.failed() && same_failure(trace_.verdict, r.verdict)) {
          out.scenario = best_.parsed;
          out.schedule = r.schedule;
          out.verdict = r.verdict;
          out.history = r.history;
          out.threads = r.thread_names;
          kept = true;
        }
      } catch (const std::exception&) {
      }
    }
    res.trace = std::move(out);
    res.after = kept ? best_.size : first.size;
    if (kept)
      for (const auto& [what, count] : removed_) {
        if (count == 0) res.removed.push_back(what);
        else if (what.rfind("parameter ", 0) == 0)
          res.lowered.push_back(what + " by " + std::to_string(count));
        else
          res.removed.push_back(plural(count, "act") + " of " + what);
      }
    res.runs = runs_;
    res.budget_ran_out = exhausted_;
    return res;
  }

 private:
  const Trace& trace_;
  ShrinkOptions opts_;
  std::chrono::steady_clock::time_point start_;
  sim::StackPool stacks_;
  std::uint64_t runs_ = 0;
  bool exhausted_ = false;
  Run best_;
  std::vector<std::pair<std::string, int>> removed_;  // (what, 0) or (counted thing, count)
};

}  // namespace

bool same_failure(const sim::Verdict& a, const sim::Verdict& b) {
  return a.kind == b.kind && invariant_of(a) == invariant_of(b) &&
         (a.kind != sim::Verdict::Kind::deadlock || a.self_deadlock == b.self_deadlock);
}

std::string describe_size(const TraceSize& s) {
  std::string d = plural(s.steps, "step");
  if (s.faults > 0) d += ", " + plural(s.faults, "injected fault");
  return d + " and " + plural(s.preemptions, "preemption");
}

ShrinkResult shrink(const Trace& t, const ShrinkOptions& o) {
  Shrinker sh(t, o);
  return sh.go();
}

TraceSize trace_size(const Trace& t, std::vector<std::uint64_t>* preempting_steps) {
  Shrinker sh(t, ShrinkOptions{});
  const Run r = sh.run(t.scenario.json, t.schedule);
  if (!r.ran || r.misfits != 0 || !r.verdict.failed() || !same_failure(t.verdict, r.verdict))
    throw std::runtime_error("the trace's schedule does not fail as recorded under this model");
  if (preempting_steps) *preempting_steps = r.preempting_steps;
  return r.size;
}

std::string shrink_summary(const ShrinkResult& r) {
  if (!r.error.empty()) return "not shrunk: " + r.error;
  // The scenario's size only where it changed.
  const bool smaller_scenario = r.before.threads != r.after.threads ||
                                r.before.operations != r.after.operations;
  auto scenario_part = [&](const TraceSize& z) {
    return !smaller_scenario ? std::string()
                             : plural(z.threads, "thread") + " with " + plural(z.operations, "operation") + ", ";
  };
  std::string runs = plural(r.runs, "run") + (r.budget_ran_out ? ", stopped by its budget" : "");
  if (!r.shrunk())
    return "already minimal: " + scenario_part(r.after) + describe_size(r.after) + " (" + runs + ")";
  std::string s = "shrunk from " + scenario_part(r.before) + describe_size(r.before) + " to " +
                  scenario_part(r.after) + describe_size(r.after) + " (";
  if (!r.removed.empty()) {
    s += "removed ";
    for (std::size_t i = 0; i < r.removed.size(); ++i) s += (i ? ", " : "") + r.removed[i];
    s += "; ";
  }
  if (!r.lowered.empty()) {
    s += "lowered ";
    for (std::size_t i = 0; i < r.lowered.size(); ++i) s += (i ? ", " : "") + r.lowered[i];
    s += "; ";
  }
  return s + runs + ")";
}

}  // namespace checker

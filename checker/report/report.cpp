#include "checker/report/report.hpp"

#include <algorithm>
#include <cstdio>

namespace checker {

std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

namespace {

std::string fmt_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s < 10 ? "%.2f s" : "%.1f s", s);
  return buf;
}

std::string rate(double count, double seconds) {
  if (seconds <= 0) return "-";
  char buf[32];
  double r = count / seconds;
  if (r >= 1e6) std::snprintf(buf, sizeof buf, "%.2fM", r / 1e6);
  else if (r >= 1e3) std::snprintf(buf, sizeof buf, "%.1fk", r / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", r);
  return buf;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// The verdict's message, indented; the wait-for cycle in the report's own
// form (with the object on each edge) instead of the message's line.
void print_message(std::ostream& out, const sim::Verdict& v) {
  const std::string msg = verdict_message(v);
  for (std::size_t pos = 0; pos < msg.size();) {
    std::size_t nl = msg.find('\n', pos);
    if (nl == std::string::npos) nl = msg.size();
    out << "  " << msg.substr(pos, nl - pos) << "\n";
    pos = nl + 1;
  }
}

std::string label(const Scenario& s) { return s.file.empty() ? s.name : s.file; }

}  // namespace

std::string verdict_message(const sim::Verdict& v) {
  std::string out;
  const std::string& msg = v.message;
  for (std::size_t pos = 0; pos != std::string::npos;) {
    std::size_t nl = msg.find('\n', pos);
    std::string line = msg.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? nl : nl + 1;
    if (!v.cycle.empty() && line.find("wait-for cycle:") != std::string::npos) continue;
    out += line + "\n";
  }
  if (!v.cycle.empty()) out += "  wait-for cycle: " + wait_cycle(v) + "\n";
  if (!out.empty()) out.pop_back();
  return out;
}

std::string describe_verdict(const sim::Verdict& v) {
  switch (v.kind) {
    case sim::Verdict::Kind::ok: return "pass";
    case sim::Verdict::Kind::deadlock: return v.self_deadlock ? "deadlock (self-deadlock)" : "deadlock";
    case sim::Verdict::Kind::livelock_suspect: return "livelock suspect";
    case sim::Verdict::Kind::violation: return "violation of " + invariant_of(v);
    case sim::Verdict::Kind::aborted: return "aborted";
    case sim::Verdict::Kind::internal_error: return "internal error in the model";
  }
  return "?";
}

std::string wait_cycle(const sim::Verdict& v) {
  if (v.cycle.empty()) return {};
  auto edge_of = [&](sim::ThreadId t) -> const sim::WaitEdge* {
    for (const sim::WaitEdge& e : v.waits)
      if (e.waiter == t) return &e;
    return nullptr;
  };
  std::string s;
  for (sim::ThreadId t : v.cycle) {
    const sim::WaitEdge* e = edge_of(t);
    s += (e ? e->waiter_name : "#" + std::to_string(t));
    s += " -(" + (e && !e->object_name.empty() ? e->object_name : std::string("?")) + ")-> ";
  }
  const sim::WaitEdge* head = edge_of(v.cycle.front());
  s += head ? head->waiter_name : "#" + std::to_string(v.cycle.front());
  return s;
}

void print_run_report(std::ostream& out, const Scenario& s, const ExploreSettings& settings,
                      const ExploreResult& r, const std::string& trace_path,
                      const std::string& shrink_note) {
  using Status = ExploreResult::Status;
  const std::string name = label(s);
  const std::string numbers =
      plural(r.executions, "execution") + ", " + plural(r.steps, "step") + " in " +
      fmt_seconds(r.elapsed_s) + " (" + rate(double(r.executions), r.elapsed_s) +
      " executions/s, " + rate(double(r.steps), r.elapsed_s) + " steps/s), strategy " +
      settings.strategy + (settings.strategy == "random" || settings.strategy == "pct"
                               ? " seed " + std::to_string(settings.seed)
                                                         : std::string());
  switch (r.status) {
    case Status::pass:
      out << "PASS  " << name << ": no violation in "
          << (r.executions == 1 ? std::string("the only execution")
                                : "any of the " + std::to_string(r.executions) + " executions")
          << " (the search is complete)\n";
      break;
    case Status::inconclusive:
      out << "INCONCLUSIVE  " << name << ": no violation in " << plural(r.executions, "execution")
          << ", but the search is not complete: " << r.budget << "\n";
      break;
    case Status::violation:
      out << "VIOLATION  " << name << ": " << describe_verdict(r.failures.front().verdict)
          << (r.failures.front().has_execution()
                  ? ", found in execution " + std::to_string(r.failures.front().execution)
                  : std::string(", found by the complete search (no one execution shows it)"))
          << (r.failures.front().search.empty() ? "" : " at " + r.failures.front().search) << "\n";
      break;
    case Status::internal_error:
      out << "ERROR  " << name << ": "
          << (r.failures.empty() ? r.error : describe_verdict(r.failures.front().verdict)) << "\n";
      break;
    case Status::nondeterminism:
      out << "ERROR  " << name << ": " << first_line(r.error) << "\n";
      break;
  }
  out << "  explored " << numbers << "\n";
  if (r.blocked > 0)
    out << "  of them " << plural(r.executions - r.blocked, "complete execution") << " and "
        << r.blocked << " stopped early by the strategy (a sleep set, or a state explored before: nothing new lay behind them)\n";
  if (!r.search.empty() && r.status != Status::violation) out << "  search: " << r.search << "\n";
  if (!r.outcomes.empty() && r.status != Status::violation) {
    out << "  outcomes (" << r.outcomes.size() << (r.outcomes_truncated ? "+, no more kept" : "")
        << "):";
    std::size_t n = 0;
    for (const std::string& o : r.outcomes) {
      if (++n > 12) {
        out << " ...";
        break;
      }
      out << (n == 1 ? " " : " | ") << o;
    }
    out << "\n";
  }
  if (r.status == Status::nondeterminism && r.error.find('\n') != std::string::npos)
    out << "  " << r.error.substr(r.error.find('\n') + 1) << "\n";
  if (!r.failures.empty()) {
    const sim::Verdict& v = r.replay.history.empty() ? r.failures.front().verdict : r.replay.verdict;
    out << "\n";
    print_message(out, v);
    if (!shrink_note.empty()) out << "\n  " << shrink_note << "\n";
    if (!r.replay.history.empty()) {
      out << "\n  the interleaving (" << plural(r.replay.history.size(), "step") << ", "
          << plural(r.failures.front().schedule.size(), "decision") << "):\n";
      InterleavingStyle style;
      style.run_steps = thread_decisions(r.failures.front().schedule);
      out << interleaving(r.replay.history, r.replay.thread_names, v, style);
    }
    if (r.failures.size() > 1) out << "\n  " << r.failures.size() << " failing executions in all\n";
  }
  if (!trace_path.empty()) {
    out << "\n  trace: " << trace_path << "\n";
    out << "  replay it: interleave replay " << trace_path << "\n";
  }
}

void print_replay_report(std::ostream& out, const std::string& trace_file,
                         const sim::Verdict& recorded, const Replayed& r, bool same,
                         const std::string& difference) {
  if (same) {
    out << (r.verdict.failed() ? "VIOLATION  " : "PASS  ") << trace_file << ": replayed "
        << plural(r.schedule.size(), "decision") << ", " << plural(r.history.size(), "step")
        << ": the same verdict as recorded: " << describe_verdict(r.verdict) << "\n";
  } else if (!r.fits) {
    out << "ERROR  " << trace_file
        << ": the replay does not match the trace: its schedule no longer fits the model\n";
    if (!difference.empty()) out << "  " << difference << "\n";
    out << "  recorded: " << describe_verdict(recorded)
        << (recorded.failed() && recorded.step != 0 ? " at step " + std::to_string(recorded.step) : std::string())
        << "\n  the model has changed since the trace was written (or it is nondeterministic); "
           "below, the steps that still replayed\n";
  } else {
    out << "ERROR  " << trace_file << ": the replay does not match the trace: recorded "
        << describe_verdict(recorded) << ", replayed " << describe_verdict(r.verdict) << "\n";
    if (!difference.empty()) out << "  " << difference << "\n";
    out << "  the model is nondeterministic, or it changed since the trace was written\n";
  }
  if (r.verdict.failed() && r.verdict.kind != sim::Verdict::Kind::aborted) {
    out << "\n";
    print_message(out, r.verdict);
  }
  if (!r.history.empty()) {
    out << "\n  the interleaving (" << plural(r.history.size(), "step") << "):\n";
    InterleavingStyle style;
    style.run_steps = thread_decisions(r.schedule);
    out << interleaving(r.history, r.thread_names, r.verdict, style);
    if (!r.fits && !difference.empty())
      out << "           (here the schedule no longer fits: " << difference << ")\n";
  }
}

}  // namespace checker

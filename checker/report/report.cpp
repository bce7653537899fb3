#include "checker/report/report.hpp"

#include <algorithm>
#include <cstdio>

namespace checker {

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

std::string cell(const sim::Event& e) {
  std::string c = e.op;
  if (!e.object.empty()) c += " " + e.object;
  return c;
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() > w) s = s.substr(0, w - 1) + "~";
  s.resize(w, ' ');
  return s;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string plural(std::uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

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

std::size_t thread_decisions(const sim::Schedule& s) {
  std::size_t n = 0;
  for (const sim::Decision& d : s) n += d.kind == sim::Decision::Kind::thread;
  return n;
}

Swimlanes swimlanes(const std::vector<sim::Event>& history,
                    const std::vector<std::string>& threads, const sim::Verdict& verdict,
                    const InterleavingStyle& style) {
  Swimlanes sl;
  // The epilogue is folded unless the verdict broke there.
  std::size_t shown_events = history.size();
  if (style.fold_epilogue && style.run_steps < history.size() &&
      verdict.step <= style.run_steps && invariant_of(verdict) != "lost-data")
    shown_events = style.run_steps;
  sl.folded = history.size() - shown_events;

  // The threads that appear, in id order.
  for (std::size_t i = 0; i < shown_events; ++i) {
    const sim::Event& e = history[i];
    if (e.thread < threads.size() && std::find(sl.lanes.begin(), sl.lanes.end(), e.thread) == sl.lanes.end())
      sl.lanes.push_back(e.thread);
  }
  for (const sim::WaitEdge& w : verdict.waits)
    if (w.waiter < threads.size() && std::find(sl.lanes.begin(), sl.lanes.end(), w.waiter) == sl.lanes.end())
      sl.lanes.push_back(w.waiter);
  std::sort(sl.lanes.begin(), sl.lanes.end());
  auto lane_of = [&](sim::ThreadId t) {
    return static_cast<std::size_t>(std::find(sl.lanes.begin(), sl.lanes.end(), t) - sl.lanes.begin());
  };
  sl.blocked.resize(sl.lanes.size());
  sl.widths.resize(sl.lanes.size());
  for (std::size_t i = 0; i < sl.lanes.size(); ++i) {
    sl.titles.push_back(threads[sl.lanes[i]]);
    sl.widths[i] = threads[sl.lanes[i]].size();
  }
  for (const sim::WaitEdge& w : verdict.waits) {
    std::size_t lane = lane_of(w.waiter);
    if (lane == sl.lanes.size()) continue;
    sl.blocked[lane] = "(sleeps in " + w.op + (w.object_name.empty() ? "" : " " + w.object_name) + ")";
  }
  // Each step, with the state after it where it differs from the one before.
  std::string last_state;
  for (std::size_t i = 0; i < shown_events; ++i) {
    const sim::Event& e = history[i];
    Swimlanes::Row row;
    row.event = i;
    row.lane = lane_of(e.thread);
    row.cell = cell(e);
    row.details = e.state == last_state ? std::string() : e.state;
    last_state = e.state;
    if (!e.note.empty()) row.details += (row.details.empty() ? "" : "  ") + std::string("(") + e.note + ")";
    row.marked = verdict.failed() && verdict.kind != sim::Verdict::Kind::aborted &&
                 verdict.step != 0 && e.step == verdict.step &&
                 (verdict.thread == sim::kNoThread || verdict.thread == e.thread);
    row.epilogue = i >= style.run_steps;
    if (row.lane < sl.lanes.size()) sl.widths[row.lane] = std::max(sl.widths[row.lane], row.cell.size());
    sl.rows.push_back(std::move(row));
  }
  for (std::size_t i = 0; i < sl.lanes.size(); ++i)
    sl.widths[i] = std::min(std::max(sl.widths[i], sl.blocked[i].size()), style.cell_limit);
  return sl;
}

std::string interleaving(const std::vector<sim::Event>& history,
                         const std::vector<std::string>& threads, const sim::Verdict& verdict,
                         const InterleavingStyle& style) {
  const Swimlanes sl = swimlanes(history, threads, verdict, style);
  auto number = [&](const Swimlanes::Row& r) {
    char num[24];
    std::snprintf(num, sizeof num, "%s%5llu  ", r.marked ? "  >>" : "    ",
                  static_cast<unsigned long long>(history[r.event].step));
    return std::string(num);
  };
  std::size_t total = 9;
  for (std::size_t w : sl.widths) total += w + 2;
  const bool columns =
      style.always_columns || (sl.lanes.size() <= 5 && total + 20 <= style.width);

  std::string out;
  if (columns) {
    out += "     step  ";
    for (std::size_t i = 0; i < sl.lanes.size(); ++i) out += pad(sl.titles[i], sl.widths[i]) + "  ";
    out += "state\n";
    for (const Swimlanes::Row& r : sl.rows) {
      std::string row = number(r);
      for (std::size_t i = 0; i < sl.lanes.size(); ++i)
        row += pad(i == r.lane ? r.cell : std::string(), sl.widths[i]) + "  ";
      const bool below = style.state_below_when_wide && row.size() + r.details.size() > style.width;
      if (!below) row += r.details;
      while (!row.empty() && row.back() == ' ') row.pop_back();
      out += row + "\n";
      if (below && !r.details.empty()) out += "           " + r.details + "\n";
    }
    if (!verdict.waits.empty()) {
      std::string row = "           ";
      for (std::size_t i = 0; i < sl.lanes.size(); ++i) row += pad(sl.blocked[i], sl.widths[i]) + "  ";
      while (!row.empty() && row.back() == ' ') row.pop_back();
      out += row + "\n";
    }
  } else {
    for (const Swimlanes::Row& r : sl.rows) {
      const sim::Event& e = history[r.event];
      std::string line = number(r) +
                         (e.thread < threads.size() ? threads[e.thread] : std::string("?")) +
                         ": " + r.cell;
      if (!r.details.empty()) line += "   " + r.details;
      out += line + "\n";
    }
    for (const sim::WaitEdge& w : verdict.waits)
      out += "           " + w.waiter_name + ": (sleeps in " + w.op +
             (w.object_name.empty() ? "" : " " + w.object_name) + ")\n";
  }
  if (sl.folded > 0)
    out += "           ... and " + std::to_string(sl.folded) +
           " steps of the end-of-run checks (read back, sync, evict, read again), in the trace\n";
  return out;
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
          << ", found in execution " << r.failures.front().execution
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
        << r.blocked << " blocked by the sleep set (stopped early: nothing new lay behind them)\n";
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

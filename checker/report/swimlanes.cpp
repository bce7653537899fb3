#include "checker/report/swimlanes.hpp"

#include <algorithm>
#include <cstdio>

#include "checker/search/explorer.hpp"  // invariant_of

namespace checker {

namespace {

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

}  // namespace

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

}  // namespace checker

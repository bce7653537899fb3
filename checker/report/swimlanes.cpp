#include "checker/report/swimlanes.hpp"

#include <algorithm>
#include <cstdio>

#include "checker/report/text_wrap.hpp"
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

constexpr std::size_t kStepColumns = 11;  // "  >>   15  ": the step's number, marked

// "  >>   15  ": a row's step number, marked when it broke the invariant.
std::string step_label(const Swimlanes::Row& r, const std::vector<sim::Event>& history) {
  char num[24];
  std::snprintf(num, sizeof num, "%s%5llu  ", r.marked ? "  >>" : "    ",
                static_cast<unsigned long long>(history[r.event].step));
  return num;
}

std::size_t longest_word(const std::string& s) {
  std::size_t best = 0;
  for (std::size_t pos = 0; pos < s.size();) {
    std::size_t end = s.find(' ', pos);
    if (end == std::string::npos) end = s.size();
    best = std::max(best, end - pos);
    pos = end + 1;
  }
  return best;
}

// Where each lane of a fitted layout starts, and how many characters its
// cells may take from there.
struct LaneLayout {
  std::vector<std::size_t> start;
  std::vector<std::size_t> room;
  bool natural = false;  // every lane as wide as its widest cell: the state fits beside a step
};

LaneLayout fit_lanes(const Swimlanes& sl, std::size_t width) {
  LaneLayout g;
  const std::size_t n = sl.lanes.size();
  std::size_t natural = kStepColumns;
  for (std::size_t w : sl.widths) natural += w + 2;
  // The longest word of any cell or title: the last lane must hold it whole.
  std::size_t word = 8;
  for (const Swimlanes::Row& r : sl.rows) word = std::max(word, longest_word(r.cell));
  for (const std::string& t : sl.titles) word = std::max(word, t.size());
  for (const std::string& b : sl.blocked) word = std::max(word, longest_word(b));
  word = std::min(word, width > kStepColumns ? width - kStepColumns : 1);
  std::size_t at = kStepColumns;
  if (natural <= width || n == 0) {
    g.natural = true;
    for (std::size_t i = 0; i < n; ++i) {
      g.start.push_back(at);
      g.room.push_back(sl.widths[i]);
      at += sl.widths[i] + 2;
    }
    return g;
  }
  // Equal lanes, narrow enough that the last one still holds the longest
  // word; a cell wider than its lane runs on to the right.
  const std::size_t avail = width > kStepColumns ? width - kStepColumns : 1;
  std::size_t pitch = avail / n;
  if (n > 1) pitch = std::min(pitch, (avail - word) / (n - 1));
  pitch = std::max<std::size_t>(pitch, 2);
  for (std::size_t i = 0; i < n; ++i) {
    g.start.push_back(at + i * pitch);
    const std::size_t to_edge = width > g.start[i] ? width - g.start[i] : 1;
    g.room.push_back(std::min(std::max(std::min(sl.widths[i], pitch - 2), word), to_edge));
  }
  return g;
}

// `text` at column `col` of `line` (spaces before it as needed).
void put_at(std::string& line, std::size_t col, const std::string& text) {
  if (line.size() < col) line.resize(col, ' ');
  line += text;
}

// The header of a fitted layout: each thread's name over its lane, whole; a
// name that would run into the next one goes on a line below.
std::string fitted_header(const Swimlanes& sl, const LaneLayout& g, std::size_t width) {
  std::vector<std::string> lines(1, "     step");
  for (std::size_t i = 0; i < sl.lanes.size(); ++i) {
    std::string title = sl.titles[i];
    const std::size_t to_edge = width > g.start[i] ? width - g.start[i] : 1;
    if (title.size() > to_edge) title = title.substr(0, to_edge - 1) + "~";  // a name longer than a line
    std::size_t k = 0;
    while (k < lines.size() && lines[k].size() + 1 > g.start[i]) ++k;
    if (k == lines.size()) lines.emplace_back();
    put_at(lines[k], g.start[i], title);
  }
  if (g.natural) put_at(lines[0], g.start.empty() ? kStepColumns : g.start.back() + g.room.back() + 2, "state");
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string fitted_columns(const Swimlanes& sl, const std::vector<sim::Event>& history,
                           const InterleavingStyle& style) {
  const std::size_t width = style.width;
  const LaneLayout g = fit_lanes(sl, width);
  std::string out = fitted_header(sl, g, width);
  const std::string indent(kStepColumns, ' ');
  const std::size_t below = width > kStepColumns ? width - kStepColumns : 1;
  const std::size_t state_at = g.start.empty() ? kStepColumns : g.start.back() + g.room.back() + 2;
  for (const Swimlanes::Row& r : sl.rows) {
    const std::string num = step_label(r, history);
    const bool in_lane = r.lane < sl.lanes.size();
    std::vector<std::string> cell = in_lane ? wrap_words(r.cell, g.room[r.lane]) : std::vector<std::string>{r.cell};
    if (cell.empty()) cell.emplace_back();
    // The state beside a one-line step, where the lanes are as wide as their cells.
    const bool beside = g.natural && cell.size() == 1 && state_at + r.details.size() <= width;
    for (std::size_t k = 0; k < cell.size(); ++k) {
      std::string line = k == 0 ? num : indent;
      put_at(line, in_lane ? g.start[r.lane] : kStepColumns, cell[k]);
      if (beside && !r.details.empty()) put_at(line, state_at, r.details);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    if (beside) continue;
    // Else under the step: the state wrapped at its parts, then the note.
    for (const std::string& l : wrap_state(r.state, below)) out += indent + l + "\n";
    if (!r.note.empty())
      for (const std::string& l : wrap_words("(" + r.note + ")", below)) out += indent + l + "\n";
  }
  for (std::size_t i = 0; i < sl.lanes.size(); ++i) {
    if (sl.blocked[i].empty()) continue;
    // A line of its own: up to the edge.
    for (const std::string& l : wrap_words(sl.blocked[i], width > g.start[i] ? width - g.start[i] : 1)) {
      std::string line;
      put_at(line, g.start[i], l);
      out += line + "\n";
    }
  }
  return out;
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
    row.state = e.state == last_state ? std::string() : e.state;
    row.note = e.note;
    last_state = e.state;
    row.details = row.state;
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
  auto number = [&](const Swimlanes::Row& r) { return step_label(r, history); };
  std::size_t total = 9;
  for (std::size_t w : sl.widths) total += w + 2;
  const bool columns = sl.lanes.size() <= 5 && total + 20 <= style.width;

  std::string out;
  if (style.fit_width) {
    out += fitted_columns(sl, history, style);
  } else if (columns) {
    out += "     step  ";
    for (std::size_t i = 0; i < sl.lanes.size(); ++i) out += pad(sl.titles[i], sl.widths[i]) + "  ";
    out += "state\n";
    for (const Swimlanes::Row& r : sl.rows) {
      std::string row = number(r);
      for (std::size_t i = 0; i < sl.lanes.size(); ++i)
        row += pad(i == r.lane ? r.cell : std::string(), sl.widths[i]) + "  ";
      row += r.details;
      while (!row.empty() && row.back() == ' ') row.pop_back();
      out += row + "\n";
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
  if (sl.folded > 0) {
    const std::string folded = "... and " + std::to_string(sl.folded) +
                               " steps of the end-of-run checks (read back, sync, evict, read again), in the trace";
    const std::string indent(kStepColumns, ' ');
    out += style.fit_width ? wrap_paragraphs(folded, style.width, indent, indent) : indent + folded + "\n";
  }
  return out;
}

}  // namespace checker

#include "checker/report/show.hpp"

#include <algorithm>

#include "checker/report/report.hpp"

namespace checker {

namespace {

bool is_flags(const std::string& f) {
  if (f.size() != 4) return false;
  const char* on = "LUDE";
  for (std::size_t i = 0; i < 4; ++i)
    if (f[i] != '-' && f[i] != on[i]) return false;
  return true;
}

void indent_lines(std::string& out, const std::string& text, const std::string& pad) {
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out += pad + text.substr(pos, nl - pos) + "\n";
    pos = nl + 1;
  }
}

}  // namespace

std::vector<StateSegment> state_segments(const std::string& state);

namespace {
// The flags of the first page in a state line, "" when it has no page.
std::string page_flags_in(const std::string& state) {
  for (const StateSegment& s : state_segments(state))
    if (!page_flags(s).empty()) return page_flags(s);
  return {};
}
}  // namespace

std::vector<StateSegment> state_segments(const std::string& state) {
  std::vector<StateSegment> out;
  for (std::size_t pos = 0; pos <= state.size() && !state.empty();) {
    std::size_t bar = state.find(" | ", pos);
    if (bar == std::string::npos) bar = state.size();
    StateSegment s;
    s.text = state.substr(pos, bar - pos);
    const std::size_t cut = s.text.find_first_of(" =");
    s.label = s.text.substr(0, cut);
    s.value = cut == std::string::npos ? std::string() : s.text.substr(cut + 1);
    s.key = s.label.substr(0, s.label.find('#'));
    if (!s.text.empty()) out.push_back(std::move(s));
    pos = bar + 3;
  }
  return out;
}

std::string page_flags(const StateSegment& s) {
  if (s.key.rfind("page", 0) != 0) return {};
  const std::string first = s.value.substr(0, s.value.find(' '));
  return is_flags(first) ? first : std::string();
}

std::string trace_facts(const Trace& t, const std::optional<TraceSize>& size) {
  std::string f = t.scenario.model;
  if (t.scenario.pagecache)
    f += t.scenario.pagecache->filesystem == models::pagecache::Filesystem::ramfs ? " on ramfs" : " on ext2";
  std::vector<std::string> names;
  if (t.scenario.pagecache) {
    for (std::size_t i = 0; i < t.scenario.pagecache->threads.size(); ++i)
      names.push_back(i < t.threads.size() ? t.threads[i] : "T" + std::to_string(i));
    std::size_t ops = 0;
    for (const auto& th : t.scenario.pagecache->threads) ops += th.ops.size();
    f += "; " + plural(names.size(), "thread") + " (";
    for (std::size_t i = 0; i < names.size(); ++i) f += (i ? ", " : "") + names[i];
    f += ") with " + plural(ops, "operation");
    if (!t.scenario.pagecache->agents.empty())
      f += ", " + plural(t.scenario.pagecache->agents.size(), "agent");
  }
  if (size) f += "; " + describe_size(*size);
  else f += "; " + plural(thread_decisions(t.schedule), "step");
  f += "; " + plural(t.schedule.size(), "decision");
  return f;
}

std::string show_text(const Trace& t, const std::string& trace_file,
                      const std::optional<TraceSize>& size, const ShowStyle& style) {
  std::string out;
  const sim::Verdict& v = t.verdict;
  out += (v.failed() ? "VIOLATION  " : "PASS  ") + trace_file + ": " + describe_verdict(v);
  if (v.failed() && v.step != 0) {
    out += " at step " + std::to_string(v.step);
    if (v.thread < t.threads.size()) out += " (" + t.threads[v.thread] + ")";
  }
  out += "\n  scenario " + t.scenario.name +
         (t.scenario.file.empty() ? std::string() : " (" + t.scenario.file + ")") + ": " +
         trace_facts(t, size) + "\n";
  if (!t.scenario.description.empty()) out += "  " + t.scenario.description + "\n";
  if (!v.message.empty()) {
    out += "\n";
    indent_lines(out, verdict_message(v), "  ");
  }

  InterleavingStyle is;
  is.width = style.width;
  is.always_columns = true;
  is.state_below_when_wide = true;
  is.run_steps = thread_decisions(t.schedule);
  is.fold_epilogue = !style.all;
  const std::size_t run = std::min<std::size_t>(is.run_steps, t.history.size());
  out += "\n  " + plural(run, "step") +
         (run < t.history.size() ? " and " + plural(t.history.size() - run, "step") + " of the end-of-run checks"
                                 : std::string()) +
         ", one column per thread" +
         (v.failed() ? "; >> marks the step that broke the invariant" : std::string()) + ".\n";
  bool pages = false;
  for (const sim::Event& e : t.history) pages = pages || !page_flags_in(e.state).empty();
  if (pages)
    out += "  The state after a step, where it changed: i_size; each page's flags (L locked, U uptodate,\n"
           "  D dirty, E error), reference count and bytes; its buffers; the disk.\n";
  out += "\n";
  out += interleaving(t.history, t.threads, v, is);

  // The whole state at the marked step: every page's flags and bytes.
  for (const sim::Event& e : t.history) {
    if (!(v.failed() && v.step != 0 && e.step == v.step &&
          (v.thread == sim::kNoThread || v.thread == e.thread)))
      continue;
    const std::vector<StateSegment> segs = state_segments(e.state);
    if (segs.empty()) break;
    out += "\n  the state after step " + std::to_string(e.step) + " (>>):\n";
    for (const StateSegment& s : segs) out += "    " + s.text + "\n";
    break;
  }
  return out;
}

}  // namespace checker

#include "checker/report/show.hpp"

#include <algorithm>

#include "checker/report/report.hpp"
#include "checker/report/text_wrap.hpp"

namespace checker {

namespace {

bool is_flags(const std::string& f) {
  if (f.size() != 4) return false;
  const char* on = "LUDE";
  for (std::size_t i = 0; i < 4; ++i)
    if (f[i] != '-' && f[i] != on[i]) return false;
  return true;
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

const std::vector<LegendEntry>& legend() {
  static const std::vector<LegendEntry> entries = {
      {">>", "the step that broke the invariant (on the HTML page: the row in red).", ""},
      {"(steps 0-54)",
       "in the message: a system call's span, from the step after which it began to the step at which it "
       "returned. All threads start together, each inside its first call, so a first call's span begins at 0 "
       "even when its thread's first step comes later: nothing orders the call after the steps of the other "
       "threads before it.",
       "(steps "},
      {"i_size=4", "the inode's i_size: the length of the file.", "i_size="},
      {"page[0]#2",
       "the page at index 0 of the file (its bytes 0 to page_size-1); #2: the second page this execution "
       "allocated, so a page that was evicted and read in again has a new number.",
       "page["},
      {"LUD-", "a page's flags: L PG_locked, U PG_uptodate, D PG_dirty, E PG_error; - where clear.", "page["},
      {"c2", "a page's reference count (page->count).", "page["},
      {"\"AB\"",
       "bytes (of a page, of the disk, that a call read or wrote): printable ones as they are, others as "
       "\\xNN.",
       "\""},
      {"bh: U-M-- --MN-",
       "a page's buffer heads, one group of five per block of the page: U BH_Uptodate, D BH_Dirty, M BH_Mapped "
       "(it has a block on disk), N BH_New (the block was just allocated), L BH_Lock; - where clear.",
       " bh:"},
      {"disk \"AAAA\"", "the file's blocks on the disk, in file order (ext2; ramfs has no disk).", "disk \""},
      {"\\xcc",
       "a byte of a fresh page from page_cache_alloc that nothing has written yet (alloc_pages does not clear "
       "it): no write explains it.",
       "\\xcc"},
      {"\\xee", "a byte of a disk block that belongs to no file (never written): no write explains it.", "\\xee"},
      {"pte[1024]",
       "the page-table entry of the user page at virtual page number 1024 (address 1024 times page_size): a "
       "step on it reads or writes user memory (copy_from_user, __get_user) or takes a fault on it.",
       "pte["},
      {"inode.i_sem",
       "after a step's operation: the object it touched (a lock or semaphore, a page's flag such as "
       "page[0].PG_locked, its count, the mapping); steps on the same object are the ones whose order matters.",
       ""},
      {"(sleeps in down B)", "under the last step of a deadlock: what each blocked thread waits for.", "(sleeps in "},
  };
  return entries;
}

std::string legend_text(const std::vector<LegendEntry>& entries, std::size_t width) {
  std::string out = "  legend:\n";
  for (const LegendEntry& e : entries) out += wrap_paragraphs(e.symbol + "  " + e.meaning, width, "    ", "      ");
  return out;
}

std::vector<LegendEntry> legend_for(const Trace& t) {
  std::string seen = t.verdict.message + "\n";
  for (const sim::WaitEdge& w : t.verdict.waits) seen += "(sleeps in " + w.op + "\n";
  for (const sim::Event& e : t.history) seen += e.object + "\n" + e.state + "\n";
  std::vector<LegendEntry> out;
  for (const LegendEntry& e : legend()) {
    const bool marked = e.symbol == ">>" && t.verdict.failed() && t.verdict.step != 0;
    if (e.symbol == ">>" ? marked : (e.appears.empty() || seen.find(e.appears) != std::string::npos))
      out.push_back(e);
  }
  return out;
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
  const std::size_t width = std::max(style.width, kMinShowWidth);
  auto para = [&](const std::string& text, const std::string& first, const std::string& rest) {
    return wrap_paragraphs(text, width, first, rest);
  };
  std::string out;
  const sim::Verdict& v = t.verdict;
  std::string head = (v.failed() ? "VIOLATION  " : "PASS  ") + trace_file + ": " + describe_verdict(v);
  if (v.failed() && v.step != 0) {
    head += " at step " + std::to_string(v.step);
    if (v.thread < t.threads.size()) head += " (" + t.threads[v.thread] + ")";
  }
  out += para(head, "", "    ");
  out += para("scenario " + t.scenario.name +
                  (t.scenario.file.empty() ? std::string() : " (" + t.scenario.file + ")") + ": " +
                  trace_facts(t, size),
              "  ", "    ");
  if (!t.scenario.description.empty()) out += para(t.scenario.description, "  ", "  ");
  if (!v.message.empty()) out += "\n" + para(verdict_message(v), "  ", "  ");

  InterleavingStyle is;
  is.width = width;
  is.fit_width = true;
  is.run_steps = thread_decisions(t.schedule);
  is.fold_epilogue = !style.all;
  const std::size_t run = std::min<std::size_t>(is.run_steps, t.history.size());
  out += "\n" + para(plural(run, "step") +
                         (run < t.history.size()
                              ? " and " + plural(t.history.size() - run, "step") + " of the end-of-run checks"
                              : std::string()) +
                         ", one column per thread; the state after a step where it changed, beside the step "
                         "or under it. The symbols are explained at the end.",
                     "  ", "  ");
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
    for (const StateSegment& seg : segs) out += para(seg.text, "    ", "      ");
    break;
  }

  // What each printed symbol means.
  const std::vector<LegendEntry> entries = legend_for(t);
  if (!entries.empty()) out += "\n" + legend_text(entries, width);
  return out;
}

}  // namespace checker

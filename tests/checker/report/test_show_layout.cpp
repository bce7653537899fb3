// `interleave show` laid out for the reader's screen: the terminal drawing fits
// its width (80 columns and a wide terminal), words whole; the HTML page shows
// every lane and state column at 1280 px, measured in headless Chromium; the
// legend; long traces.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>

#include "checker/report/html.hpp"
#include "checker/report/show.hpp"
#include "checker/report/swimlanes.hpp"
#include "tests/checker/report/show_test.hpp"

using namespace checker;
using nlohmann::json;
using namespace cli_test;
using namespace show_test;

namespace {

// Traces of 2, 3 and 6 threads, every thread kept.
struct LayoutTrace {
  fs::path file;
  std::size_t threads;
};
std::vector<LayoutTrace> layout_traces(const fs::path& dir) {
  return {{unshrunk_trace(dir, "tests/data/show/two-threads-long-disk.json", "two.trace.json"), 2},
          {unshrunk_trace(dir, "scenarios/variants/two-writers-one-reader.json", "three.trace.json"), 3},
          {unshrunk_trace(dir, "tests/data/show/six-threads.json", "six.trace.json"), 6}};
}

std::vector<std::string> lines_of_text(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(l);
  }
  return out;
}

std::set<std::string> words_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.insert(w);
  return out;
}

// A row of the swimlanes: "    " or "  >>", the step right-aligned in 5, two spaces.
bool is_step_row(const std::string& l) {
  if (l.size() < 12 || (l.compare(0, 4, "    ") != 0 && l.compare(0, 4, "  >>") != 0)) return false;
  if (l.compare(9, 2, "  ") != 0 || l[8] < '0' || l[8] > '9') return false;
  for (std::size_t i = 4; i < 9; ++i)
    if (l[i] != ' ' && (l[i] < '0' || l[i] > '9')) return false;
  return true;
}

// Checks the terminal drawing of `t` at `width` columns: no line wider; every
// word of the message, of the steps and of their states printed whole; each
// step's text starting under its thread's name.
void check_terminal_drawing(const Trace& t, const std::string& out, std::size_t width) {
  const std::vector<std::string> lines = lines_of_text(out);
  for (const std::string& l : lines) CHECK_MESSAGE(l.size() <= width, "wider than " << width << ": " << l);
  const std::set<std::string> printed = words_of(out);
  const std::size_t run_steps = std::min(thread_decisions(t.schedule), t.history.size());
  std::set<std::string> needed = words_of(t.verdict.message);
  for (std::size_t i = 0; i < run_steps; ++i) {
    for (const std::string& w : words_of(t.history[i].op + " " + t.history[i].object + " " + t.history[i].state))
      needed.insert(w);
  }
  for (const std::string& w : needed) CHECK_MESSAGE(printed.count(w) == 1, "not printed whole: " << w);

  // The header: each thread's name at its lane's column, on one of its lines.
  std::size_t at = 0;
  while (at < lines.size() && lines[at].rfind("     step", 0) != 0) ++at;
  REQUIRE(at < lines.size());
  std::map<std::string, std::size_t> column;
  for (; at < lines.size() && !is_step_row(lines[at]); ++at)
    for (const std::string& name : t.threads) {
      const std::string& l = lines[at];
      for (std::size_t p = l.find(name); p != std::string::npos; p = l.find(name, p + 1))
        if (l[p - 1] == ' ' && (p + name.size() == l.size() || l[p + name.size()] == ' ')) column[name] = p;
    }
  // Then a row per step of the run, in order, its text in its thread's lane.
  std::size_t row = 0;
  for (; at < lines.size() && row < run_steps; ++at) {
    if (!is_step_row(lines[at])) continue;
    const sim::Event& e = t.history[row++];
    REQUIRE(e.thread < t.threads.size());
    REQUIRE_MESSAGE(column.count(t.threads[e.thread]) == 1, "no column for " << t.threads[e.thread]);
    CHECK(std::stoul(lines[at].substr(4, 5)) == e.step);
    CHECK_MESSAGE(lines[at].find_first_not_of(' ', 11) == column[t.threads[e.thread]], lines[at]);
  }
  CHECK(row == run_steps);
}

// Appended to a copy of a page: measures it as laid out and posts the boxes
// to the page that holds it in a frame, which writes them into its DOM for
// --dump-dom to print. One Chromium measures every page.
const char* kMeasure = R"JS(<script>
(function () {
  var out = {}, de = document.documentElement;
  out.viewport = window.innerWidth;
  out.page_overflow = de.scrollWidth - de.clientWidth;
  var scroll = document.querySelector('.scroll');
  out.table_overflow = scroll.scrollWidth - scroll.clientWidth;
  out.one_state = document.body.classList.contains('one-state');
  var sr = scroll.getBoundingClientRect();
  out.heads = [];
  document.querySelectorAll('#swimlanes thead th').forEach(function (th) {
    var r = th.getBoundingClientRect();
    if (r.width === 0) return;
    out.heads.push({text: th.textContent, inside: r.left >= sr.left - 1 && r.right <= sr.right + 1 &&
                                                  th.scrollWidth <= th.clientWidth + 1});
  });
  var aside = document.getElementById('details'), ar = aside.getBoundingClientRect();
  out.aside_inside = ar.right <= de.clientWidth;
  out.panel = [];
  aside.querySelectorAll('li').forEach(function (li) {
    var r = li.getBoundingClientRect();
    out.panel.push({text: li.textContent, inside: r.right <= ar.right + 1 && li.scrollWidth <= li.clientWidth + 1});
  });
  var sel = document.querySelector('tr.sel');
  out.selected = sel ? +sel.getAttribute('data-step') : -1;
  document.dispatchEvent(new KeyboardEvent('keydown', {key: 'j'}));
  sel = document.querySelector('tr.sel');
  out.after_j = sel ? +sel.getAttribute('data-step') : -1;
  out.live_rows = document.querySelectorAll('tr.step').length;
  if (document.querySelector('template.part')) {
    // From the first row of the part shown, k goes on into the part before.
    document.querySelector('tr.step').click();
    document.dispatchEvent(new KeyboardEvent('keydown', {key: 'k'}));
    sel = document.querySelector('tr.sel');
    out.k_from_first = sel ? +sel.getAttribute('data-step') : -1;
  }
  out.page = location.pathname.replace(/.*\//, '');
  parent.postMessage(JSON.stringify(out), '*');
})();
</script>)JS";

// The pages as Chromium lays them out, each in a frame 1280 px wide (its
// window), by file name.
std::map<std::string, json> measure_pages(const std::string& chromium, const fs::path& dir,
                                          const std::vector<fs::path>& pages) {
  std::string frames;
  for (const fs::path& html : pages) {
    const std::string page = slurp(html);
    const std::size_t end = page.rfind("</body>");
    REQUIRE(end != std::string::npos);
    write(dir / ("measured-" + html.filename().string()), page.substr(0, end) + kMeasure + page.substr(end));
    frames += "<iframe src=\"measured-" + html.filename().string() +
              "\" width=\"1280\" height=\"900\" style=\"border:0; display:block\"></iframe>\n";
  }
  write(dir / "frames.html",
        "<!DOCTYPE html><html><body style=\"margin:0\"><script>\n"
        "window.addEventListener('message', function (e) {\n"
        "  var pre = document.createElement('pre'); pre.className = 'measured'; pre.textContent = e.data;\n"
        "  document.body.appendChild(pre);\n"
        "});\n</script>\n" + frames + "</body></html>\n");
  Cli dom = shell(dir, "timeout 120 " + chromium + chromium_flags(dir) + " --window-size=1400,900 --dump-dom 'file://" +
                           (dir / "frames.html").string() + "'");
  REQUIRE(dom.code == 0);
  std::map<std::string, json> out;
  const std::string open = "<pre class=\"measured\">";
  for (std::size_t a = dom.out.find(open); a != std::string::npos; a = dom.out.find(open, a + 1)) {
    std::string text = dom.out.substr(a + open.size(), dom.out.find("</pre>", a) - a - open.size());
    text = std::regex_replace(text, std::regex("&lt;"), "<");
    text = std::regex_replace(text, std::regex("&gt;"), ">");
    text = std::regex_replace(text, std::regex("&amp;"), "&");
    json m = json::parse(text);
    const std::string page = m["page"].get<std::string>().substr(std::string("measured-").size());
    out[page] = std::move(m);
  }
  for (const fs::path& html : pages)
    REQUIRE_MESSAGE(out.count(html.filename().string()) == 1, "not measured: " << html.filename().string());
  return out;
}

// The event that broke the invariant: the row the page selects first.
std::size_t marked_event(const Trace& t) {
  for (std::size_t i = 0; i < t.history.size(); ++i)
    if (t.history[i].step == t.verdict.step &&
        (t.verdict.thread == sim::kNoThread || t.verdict.thread == t.history[i].thread))
      return i;
  return 0;
}

std::string html_text(std::string s) {
  s = std::regex_replace(s, std::regex("&"), "&amp;");
  s = std::regex_replace(s, std::regex("<"), "&lt;");
  s = std::regex_replace(s, std::regex(">"), "&gt;");
  return std::regex_replace(s, std::regex("\""), "&quot;");
}

std::string panel_state(const json& m) {
  std::string s;
  for (const json& li : m["panel"]) s += (s.empty() ? "" : " | ") + li["text"].get<std::string>();
  return s;
}

}  // namespace

TEST_CASE("show: the terminal drawing of 2, 3 and 6 threads fits 80 columns and a wide terminal, words whole") {
  fs::path dir = workdir("show-width", "report");
  for (const LayoutTrace& lt : layout_traces(dir)) {
    const Trace t = load_trace(lt.file.string());
    REQUIRE(t.scenario.pagecache);
    REQUIRE(t.scenario.pagecache->threads.size() == lt.threads);
    const std::string name = lt.file.filename().string();
    // Not a terminal: COLUMNS says the width.
    Cli narrow = shell(dir, "COLUMNS=80 '" + std::string(INTERLEAVE_BIN_PATH) + "' show " + name);
    REQUIRE(narrow.code == 0);
    INFO(name << " at 80 columns");
    check_terminal_drawing(t, narrow.out, 80);
    Cli wide = run(dir, "show " + name + " --width 200");
    REQUIRE(wide.code == 0);
    INFO(name << " at 200 columns");
    check_terminal_drawing(t, wide.out, 200);
    // Fewer than 80 columns are drawn as 80.
    Cli tiny = run(dir, "show " + name + " --width 50");
    CHECK(tiny.out == narrow.out);
  }
}

TEST_CASE("show: on a terminal the width is the terminal's (TIOCGWINSZ)") {
  fs::path dir = workdir("show-tty", "report");
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    MESSAGE("SKIPPED: script(1) (Debian package bsdutils) is not installed: no terminal to draw on");
    return;
  }
  unshrunk_trace(dir, "tests/data/show/six-threads.json", "six.trace.json");
  // script(1) runs the command on a new terminal, 100 columns wide; COLUMNS says otherwise.
  Cli r = shell(dir, "COLUMNS=300 script -qec \"stty cols 100 rows 40 && '" + std::string(INTERLEAVE_BIN_PATH) +
                         "' show six.trace.json\" /dev/null");
  REQUIRE(r.code == 0);
  std::size_t widest = 0;
  for (const std::string& l : lines_of_text(r.out)) widest = std::max(widest, l.size());
  CHECK(widest <= 100);
  CHECK(widest > 80);
}

TEST_CASE("show: the legend explains each symbol the drawing prints, and README.md has it") {
  fs::path dir = workdir("show-legend", "report");
  const fs::path two = unshrunk_trace(dir, "tests/data/show/two-threads-long-disk.json", "two.trace.json");
  unshrunk_trace(dir, "scenarios/variants/two-writers-one-reader.json", "three.trace.json");
  Cli ext2 = run(dir, "show two.trace.json --width 120");
  REQUIRE(ext2.code == 0);
  const std::string& out = ext2.out;
  REQUIRE(has(out, "\n  legend:\n"));
  const std::string printed = out.substr(out.find("\n  legend:\n"));
  for (const char* symbol : {">>", "(steps 0-54)", "i_size=4", "page[0]#2", "LUD-", "c2", "bh: U-M-- --MN-",
                             "disk \"AAAA\"", "pte[1024]"})
    CHECK_MESSAGE(has(printed, std::string("\n    ") + symbol + "  "), symbol);
  // What the drawing prints, the legend explains: buffer heads, a page-table entry.
  CHECK(has(out, " bh: U-M-- "));
  CHECK(has(out, " pte["));
  // A ramfs trace has no buffer heads and no disk: no entry for them.
  Cli ramfs = run(dir, "show three.trace.json --width 120");
  REQUIRE(ramfs.code == 0);
  CHECK_FALSE(has(ramfs.out, " bh:"));
  CHECK_FALSE(has(ramfs.out.substr(ramfs.out.find("\n  legend:\n")), "\n    bh: U-M-- --MN-  "));
  CHECK_FALSE(has(ramfs.out.substr(ramfs.out.find("\n  legend:\n")), "\n    disk \"AAAA\"  "));
  // The page has the same entries.
  REQUIRE(run(dir, "show two.trace.json --html two.html").code == 0);
  const std::string page = slurp(dir / "two.html");
  for (const LegendEntry& e : legend_for(load_trace(two.string())))
    CHECK_MESSAGE(has(page, "<dt>" + html_text(e.symbol) + "</dt>"), e.symbol);
  // README.md's trace section: the whole legend, as show prints it at 80 columns.
  CHECK(has(slurp(source("README.md")), legend_text(legend(), 80)));
}

TEST_CASE("show --html: traces of 2, 3 and 6 threads show every lane and state column at 1280 px, in Chromium") {
  const std::string chromium = chromium_binary();
  if (chromium.empty()) {
    MESSAGE("SKIPPED: headless Chromium is not installed (Debian package `chromium`; scripts/setup --test "
            "installs it): the page's layout was not measured");
    return;
  }
  fs::path dir = workdir("show-1280", "report");
  std::vector<LayoutTrace> traces = layout_traces(dir);
  // And a long trace, with 17 state columns: more than fit beside its lanes.
  traces.push_back({unshrunk_trace(dir, "tests/data/show/long-trace.json", "long.trace.json"), 2});
  std::vector<fs::path> pages;
  for (const LayoutTrace& lt : traces) {
    pages.push_back(dir / (lt.file.stem().stem().string() + ".html"));
    REQUIRE(run(dir, "show " + lt.file.filename().string() + " --html " + pages.back().filename().string()).code == 0);
  }
  const std::map<std::string, json> measured = measure_pages(chromium, dir, pages);
  for (std::size_t p = 0; p < traces.size(); ++p) {
    const Trace t = load_trace(traces[p].file.string());
    const std::string page = slurp(pages[p]);
    CHECK(has(page, "Rows are clickable"));
    CHECK(has(page, "<kbd>j</kbd> and <kbd>k</kbd>"));
    const json& m = measured.at(pages[p].filename().string());
    INFO(pages[p].filename().string() << ": " << m.dump().substr(0, 3000));
    CHECK(m["viewport"] == 1280);
    // No horizontal scrolling, of the page or of the table.
    CHECK(m["page_overflow"] == 0);
    CHECK(m["table_overflow"] == 0);
    // Every lane, and every state column, or the state in one column where they would not fit.
    std::set<std::string> heads;
    for (const json& h : m["heads"]) {
      heads.insert(h["text"].get<std::string>());
      CHECK_MESSAGE(h["inside"] == true, h["text"]);
    }
    const std::size_t run_steps = thread_decisions(t.schedule);
    for (std::size_t i = 0; i < run_steps; ++i) CHECK_MESSAGE(heads.count(t.threads[t.history[i].thread]) == 1, i);
    std::set<std::string> keys;
    for (const sim::Event& e : t.history)
      for (const StateSegment& seg : state_segments(e.state)) keys.insert(seg.key);
    const bool long_trace = p + 1 == traces.size();
    CHECK(m["one_state"] == long_trace);
    for (const std::string& key : keys) CHECK_MESSAGE(heads.count(key) == (long_trace ? 0 : 1), key);
    // The side panel: the whole state after the broken step (gathered from
    // the rows above where a long trace's page left cells out), inside its box.
    const std::size_t marked = marked_event(t);
    CHECK(m["selected"] == t.history[marked].step);
    CHECK(panel_state(m) == t.history[marked].state);
    CHECK(m["aside_inside"] == true);
    for (const json& li : m["panel"]) CHECK_MESSAGE(li["inside"] == true, li["text"]);
    // j steps to the next row of the run (the end-of-run checks are hidden).
    CHECK(m["after_j"] == t.history[marked + 1 < run_steps ? marked + 1 : marked].step);
    // A long trace's table holds the part of its rows with the broken step;
    // k from that part's first row shows the part before, at its last row of the run.
    const std::size_t first = long_trace ? marked / 1000 * 1000 : 0;
    CHECK(m["live_rows"] == (long_trace ? std::min<std::size_t>(1000, t.history.size() - first) : t.history.size()));
    if (long_trace) {
      REQUIRE(first > 0);
      CHECK(m["k_from_first"] == t.history[std::min(first, run_steps) - 1].step);
    }
  }
}

TEST_CASE("show --html: a long trace gets a page smaller than the trace, each state cell where it changed") {
  fs::path dir = workdir("show-long", "report");
  const fs::path trace = unshrunk_trace(dir, "tests/data/show/long-trace.json", "long.trace.json");
  const Trace t = load_trace(trace.string());
  REQUIRE(t.history.size() > kFullPageSteps);
  REQUIRE(run(dir, "show long.trace.json --html long.html").code == 0);
  const std::string page = slurp(dir / "long.html");
  CHECK(count(page, "<tr class=\"step") == t.history.size());
  CHECK(count(page, "class=\"ps same") > t.history.size());
  CHECK(page.size() < fs::file_size(trace));
  // A short trace's page has every cell.
  torn_trace(dir);
  REQUIRE(run(dir, "show torn.trace.json --html torn.html").code == 0);
  CHECK_FALSE(has(slurp(dir / "torn.html"), "class=\"ps same"));
}

TEST_CASE("show --html: a trace of more steps than a page can draw is refused with a hint") {
  fs::path dir = workdir("show-huge", "report");
  // The torn read's trace with a history of one step too many, each as
  // small as an event can be (show draws a history as recorded when it no
  // longer fits the schedule).
  const fs::path torn = torn_trace(dir);
  json j = json::parse(slurp(torn));
  json& history = j["history"];
  history = json::array();
  for (std::size_t i = 0; i <= kMaxPageSteps; ++i) history.push_back({{"step", i + 1}, {"thread", 0}, {"op", "x"}});
  write(dir / "huge.trace.json", j.dump());
  Cli r = run(dir, "show huge.trace.json --html huge.html");
  CHECK(r.code == 2);
  CHECK(has(r.err, "interleave: huge.trace.json: the trace has " + std::to_string(history.size()) +
                       " steps, more than the " + std::to_string(kMaxPageSteps) + " an HTML page draws\n"));
  CHECK(has(r.err, "hint: shrink it first"));
  CHECK_FALSE(fs::exists(dir / "huge.html"));
}

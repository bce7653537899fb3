#include "checker/report/html.hpp"

#include <algorithm>
#include <map>

#include "checker/report/report.hpp"
#include "checker/report/show.hpp"

namespace checker {

namespace {

std::string esc(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

const char* kStyle = R"CSS(
:root { --bad: #b3261e; --bad-bg: #fde7e5; --ink: #1d1d1f; --muted: #6b6b70; --line: #dedee3;
        --chg: #fff4c2; --lane0: #e3efff; --lane1: #e6f6e6; --lane2: #f6e9ff; --lane3: #fff0dc;
        --lane4: #e0f7f7; --lane5: #f2f2f2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 4px; }
.desc { color: var(--muted); margin: 0 0 8px; max-width: 70em; }
.verdict { display: inline-block; font-weight: 600; padding: 2px 10px; border-radius: 12px; }
.verdict.bad { background: var(--bad); color: #fff; }
.verdict.good { background: #1e7b34; color: #fff; }
.facts { color: var(--muted); margin: 6px 0; }
pre.message { white-space: pre-wrap; background: var(--bad-bg); border-left: 4px solid var(--bad);
              padding: 8px 12px; margin: 8px 0; max-width: 110em;
              font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
nav { margin: 8px 0 4px; display: flex; gap: 18px; align-items: center; flex-wrap: wrap; }
nav a { color: var(--bad); font-weight: 600; }
.legend b { display: inline-block; min-width: 1.3em; text-align: center; border-radius: 3px; margin-right: 2px; }
main { padding: 8px 16px 24px; display: flex; gap: 12px; align-items: flex-start; }
.scroll { flex: 1 1 auto; min-width: 0; overflow: auto; max-height: calc(100vh - 40px);
          border: 1px solid var(--line); }
table { border-collapse: separate; border-spacing: 0; width: 100%;
        font: 12.5px/1.35 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
thead th { position: sticky; top: 0; z-index: 2; background: #f7f7f9; text-align: left; vertical-align: bottom;
           padding: 6px 6px; border-bottom: 2px solid var(--line); font: 600 12.5px/1.3 system-ui, sans-serif; }
th.group { top: 0; }
td { padding: 3px 6px; border-bottom: 1px solid #f0f0f3; vertical-align: top; }
td.n { color: var(--muted); text-align: right; white-space: nowrap; }
td.lane { border-left: 1px dotted #e4e4ea; }
th.lane { min-width: 5em; }
td.lane.on { border-left: 3px solid #8aa4c8; }
td.sep, th.sep { border-left: 2px solid var(--line); }
body:not(.one-state) .one, body.one-state .key { display: none; }
td.ps.one { overflow-wrap: anywhere; }
td.ps { color: #444; }
td.ps.same::before { content: "\3003"; color: #c9c9ce; }
td.ps.changed { background: var(--chg); }
td.ps.absent { color: #bbb; }
.obj { color: #555; }
.note { display: block; color: #8a5a00; font-size: 11.5px; }
.fl { white-space: nowrap; }
.fl b { display: inline-block; width: 1.3em; text-align: center; border-radius: 3px; margin-right: 1px;
        font-weight: 600; }
.fl b.off { color: #c9c9ce; background: #f4f4f6; }
.fl b.L { background: #ffd7d2; color: #8c1d13; } .fl b.U { background: #d3f0d3; color: #1e5e2a; }
.fl b.D { background: #ffe9b8; color: #7a4e00; } .fl b.E { background: #e7d3ff; color: #4f1f8a; }
.bytes { font-weight: 600; overflow-wrap: anywhere; }
.w { white-space: nowrap; }
tr.step { cursor: pointer; }
tr.step:hover td { background-color: #f7f9ff; }
tr.step.sel td { outline: 1px solid #7aa0ff; background-color: #eef3ff; }
tr.violation td { background: var(--bad-bg) !important; border-top: 2px solid var(--bad);
                  border-bottom: 2px solid var(--bad); }
tr.violation td.n::before { content: "\25B6 "; color: var(--bad); }
tr.violation td.lane.on { font-weight: 700; border-left: 4px solid var(--bad); }
tr.preempt td.lane.on { box-shadow: inset 0 2px 0 #e08a00; }
tr.blocked td { color: var(--bad); font-style: italic; }
tr.epilogue td { color: #777; }
body:not(.show-epilogue) tr.epilogue, body:not(.show-epilogue) .elane { display: none; }
.legend .pre { display: inline-block; width: 2em; border-top: 2px solid #e08a00; vertical-align: middle; }
tr.fold td { color: var(--muted); font-style: italic; }
body.show-epilogue tr.fold { display: none; }
aside { position: sticky; top: 8px; flex: 0 0 16em; width: 16em; border: 1px solid var(--line);
        padding: 10px 12px; overflow-wrap: anywhere;
        font: 12.5px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
aside h2 { font: 600 14px system-ui, sans-serif; margin: 0 0 6px; }
aside ul { margin: 0; padding-left: 1.2em; }
.hint { color: var(--muted); margin: 4px 0; }
details.legend { margin: 6px 0; color: var(--ink); }
details.legend summary { cursor: pointer; color: var(--muted); }
details.legend dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0;
                    max-width: 110em; }
details.legend dt { font: 12.5px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
details.legend dd { margin: 0; }
footer { color: var(--muted); padding: 0 24px 24px; font-size: 12.5px; }
code { font: 12.5px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; background: #f4f4f6; padding: 1px 4px; }
@media print { .scroll { max-height: none; overflow: visible; } aside { display: none; } }
)CSS";

const char* kScript = R"JS(
(function () {
  var table = document.getElementById('swimlanes');
  var tbody = table.tBodies[0];
  // A long trace's rows come in parts (templates, parsed but not laid out):
  // one part at a time is in the table.
  var parts = Array.prototype.slice.call(document.querySelectorAll('template.part'));
  var shown = -1;
  var rows = [];
  function load(k) {
    if (k === shown || k < 0 || k >= parts.length) return;
    tbody.innerHTML = '';
    tbody.appendChild(parts[k].content.cloneNode(true));
    shown = k;
    current = null;
    wire();
    var first = +parts[k].getAttribute('data-first'), n = +parts[k].getAttribute('data-rows');
    document.getElementById('part').textContent = 'rows ' + (first + 1) + '-' + (first + n) + ' of ' +
        table.getAttribute('data-rows') + ' (part ' + (k + 1) + ' of ' + parts.length + ')';
    document.getElementById('earlier').disabled = k === 0;
    document.getElementById('later').disabled = k + 1 === parts.length;
    fit();
  }
  function wire() {
    rows = Array.prototype.slice.call(tbody.querySelectorAll('tr.step'));
    rows.forEach(function (tr) { tr.addEventListener('click', function () { select(tr, false); }); });
  }
  var panel = document.getElementById('details');
  var box = document.getElementById('show-epilogue');
  var current = null;
  function select(tr, scroll) {
    if (!tr) return;
    if (current) current.classList.remove('sel');
    current = tr;
    tr.classList.add('sel');
    var parts = stateAt(rows.indexOf(tr));
    var html = '<h2>after step ' + tr.getAttribute('data-step') + ' (' +
               tr.getAttribute('data-thread') + ')</h2><div>' + escapeHtml(tr.getAttribute('data-op')) + '</div><ul>';
    for (var i = 0; i < parts.length; i++) if (parts[i]) html += '<li>' + wholeWords(parts[i]) + '</li>';
    html += '</ul>';
    var note = tr.getAttribute('data-note');
    if (note) html += '<p>' + escapeHtml(note) + '</p>';
    panel.innerHTML = html;
    if (scroll) tr.scrollIntoView({block: 'nearest'});
  }
  // The whole state after a row: per state column, the nearest cell at or
  // above it that carries its text (a cell that did not change carries none;
  // the first row of a part carries all).
  var nkeys = +table.getAttribute('data-keys');
  function stateAt(i) {
    var parts = [];
    for (var k = 0; k < nkeys; k++) {
      for (var j = i; j >= 0; j--) {
        var c = rows[j].cells[rows[j].cells.length - nkeys + k];
        if (c && c.hasAttribute('data-s')) { parts.push(c.getAttribute('data-s')); break; }
      }
    }
    return parts;
  }
  // A part of the state with its short words kept whole ("U-M--" is not
  // broken at a hyphen); a long one (a disk's bytes) may break anywhere.
  function wholeWords(s) {
    return s.split(' ').map(function (w) {
      return w.length <= 16 ? '<span class="w">' + escapeHtml(w) + '</span>' : escapeHtml(w);
    }).join(' ');
  }
  function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }
  function visible(tr) { return tr.offsetParent !== null; }
  // The next visible row in direction d, from row i of the part shown, on
  // into the parts after it.
  function step(i, d) {
    for (;;) {
      for (i += d; i >= 0 && i < rows.length; i += d) if (visible(rows[i])) return rows[i];
      if (shown < 0 || shown + d < 0 || shown + d >= parts.length) return null;
      load(shown + d);
      i = d > 0 ? -1 : rows.length;
    }
  }
  document.addEventListener('keydown', function (e) {
    if (!current || (e.key !== 'j' && e.key !== 'k' && e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    var from = shown, at = current.getAttribute('data-step');
    var next = step(rows.indexOf(current), (e.key === 'j' || e.key === 'ArrowDown') ? 1 : -1);
    if (!next && from !== shown) {  // nothing further: back where it was
      load(from);
      next = tbody.querySelector('tr.step[data-step="' + at + '"]');
    }
    if (next) { select(next, true); e.preventDefault(); }
  });
  // The state in one column where its columns would not fit the window.
  var one = document.getElementById('one-state');
  var scroller = document.querySelector('.scroll');
  function setOne(on) { document.body.classList.toggle('one-state', on); one.checked = on; }
  function fit() { if (one && !one.checked && scroller.scrollWidth > scroller.clientWidth) setOne(true); }
  one.addEventListener('change', function () { setOne(one.checked); });
  window.addEventListener('resize', fit);
  if (box) {
    box.checked = document.body.classList.contains('show-epilogue');
    box.addEventListener('change', function () { document.body.classList.toggle('show-epilogue', box.checked); fit(); });
  }
  // The part with the broken step first; the link to it loads it again.
  function partOfViolation() {
    for (var k = 0; k < parts.length; k++) if (parts[k].content.querySelector('#violation')) return k;
    return 0;
  }
  if (parts.length) {
    document.getElementById('earlier').addEventListener('click', function () { load(shown - 1); });
    document.getElementById('later').addEventListener('click', function () { load(shown + 1); });
    var link = document.querySelector('a[href="#violation"]');
    if (link) link.addEventListener('click', function (e) {
      load(partOfViolation());
      select(document.getElementById('violation'), true);
      e.preventDefault();
    });
    load(partOfViolation());
  } else {
    wire();
  }
  fit();
  select(document.getElementById('violation') || rows[0], false);
  document.body.setAttribute('data-script', 'ran');
})();
)JS";

std::string flag_badges(const std::string& flags) {
  std::string o = "<span class=\"fl\">";
  const char* names = "LUDE";
  for (std::size_t i = 0; i < 4; ++i) {
    const bool on = flags[i] == names[i];
    o += std::string("<b class=\"") + (on ? std::string(1, names[i]) : std::string("off")) + "\">" + names[i] + "</b>";
  }
  return o + "</span>";
}

// Words that a browser must not break at their hyphens ("U-M--"): each in a
// span that does not wrap, the spaces between them kept.
std::string whole_words(const std::string& text) {
  std::string o;
  for (std::size_t pos = 0; pos < text.size();) {
    if (text[pos] == ' ') {
      o += ' ';
      ++pos;
      continue;
    }
    std::size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    o += "<span class=\"w\">" + esc(text.substr(pos, end - pos)) + "</span>";
    pos = end;
  }
  return o;
}

// A page-state cell: flags as badges, then the rest (count, bytes, buffers).
std::string segment_cell(const StateSegment& s) {
  const std::string flags = page_flags(s);
  if (flags.empty()) {
    std::string v = s.value.empty() ? s.text : s.value;
    return "<span class=\"bytes\">" + esc(v) + "</span>";
  }
  std::string rest = s.value.substr(std::min(s.value.size(), flags.size() + 1));
  // "c2 "AA" bh: U-M--": the bytes in bold.
  std::string html;
  const std::size_t q1 = rest.find('"');
  const std::size_t q2 = q1 == std::string::npos ? q1 : rest.rfind('"');
  if (q1 != std::string::npos && q2 > q1)
    html = whole_words(rest.substr(0, q1)) + "<span class=\"bytes\">" + esc(rest.substr(q1, q2 - q1 + 1)) +
           "</span>" + (q2 + 1 < rest.size() ? "<span class=\"obj\">" + whole_words(rest.substr(q2 + 1)) + "</span>" : "");
  else
    html = whole_words(rest);
  return flag_badges(flags) + " " + html;
}

}  // namespace

std::string page_refusal(const Trace& t) {
  if (t.history.size() <= kMaxPageSteps) return {};
  return "the trace has " + plural(t.history.size(), "step") + ", more than the " + std::to_string(kMaxPageSteps) +
         " an HTML page draws\nhint: shrink it first (interleave shrink TRACE), or read it in the terminal "
         "(interleave show TRACE, without --html)";
}

std::string trace_html(const Trace& t, const TracePage& page) {
  const sim::Verdict& v = t.verdict;
  const std::size_t run_steps = thread_decisions(t.schedule);
  InterleavingStyle style;
  style.run_steps = run_steps;
  style.fold_epilogue = false;
  const Swimlanes sl = swimlanes(t.history, t.threads, v, style);

  // The state columns: every key that appears, in the order first seen.
  std::vector<std::string> keys;
  std::vector<std::map<std::string, StateSegment>> states(t.history.size());
  for (std::size_t i = 0; i < t.history.size(); ++i)
    for (StateSegment& s : state_segments(t.history[i].state)) {
      if (std::find(keys.begin(), keys.end(), s.key) == keys.end()) keys.push_back(s.key);
      std::string k = s.key;
      states[i].emplace(std::move(k), std::move(s));
    }
  // A long trace's page shows each state cell only where it changed: the
  // page then grows with the trace's changes, not with rows times columns.
  const bool compact = t.history.size() > kFullPageSteps;
  constexpr std::size_t kPartRows = 1000;
  bool epilogue_verdict = false;
  for (const Swimlanes::Row& r : sl.rows)
    if (r.marked && r.epilogue) epilogue_verdict = true;
  if (invariant_of(v) == "lost-data") epilogue_verdict = true;

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>interleave: " + esc(t.scenario.name) + ": " + esc(describe_verdict(v)) + "</title>\n";
  h += "<style>" + std::string(kStyle) + "</style>\n</head>\n";
  h += std::string("<body") + (epilogue_verdict ? " class=\"show-epilogue\"" : "") + ">\n<header>\n";
  h += "<h1>" + esc(t.scenario.name) + "</h1>\n";
  if (!t.scenario.description.empty()) h += "<p class=\"desc\">" + esc(t.scenario.description) + "</p>\n";
  h += std::string("<span class=\"verdict ") + (v.failed() ? "bad" : "good") + "\" id=\"verdict\">" +
       esc(describe_verdict(v));
  if (v.failed() && v.step != 0) {
    h += " at step " + std::to_string(v.step);
    if (v.thread < t.threads.size()) h += " (" + esc(t.threads[v.thread]) + ")";
  }
  h += "</span>\n";
  h += "<p class=\"facts\">" + esc(trace_facts(t, page.size)) + "</p>\n";
  if (!v.message.empty()) {
    h += "<pre class=\"message\">" + esc(verdict_message(v)) + "</pre>\n";
  }
  h += "<nav>";
  if (v.failed() && std::any_of(sl.rows.begin(), sl.rows.end(), [](const auto& r) { return r.marked; }))
    h += "<a href=\"#violation\">the step that broke the invariant</a>";
  if (run_steps < t.history.size())
    h += "<label><input type=\"checkbox\" id=\"show-epilogue\"" +
         std::string(epilogue_verdict ? " checked" : "") + "> the " +
         plural(t.history.size() - run_steps, "step") +
         " of the end-of-run checks (read back, sync, evict, read again)</label>";
  h += "<label><input type=\"checkbox\" id=\"one-state\"> the state in one column (what each step changed; "
       "chosen when its columns do not fit the window)</label>";
  h += "<span class=\"legend\"><span class=\"pre\"></span> a preemption; highlighted: a state the step "
       "changed";
  if (compact) h += "; &#12291;: as in the row above (this trace is long: its page shows each state where it changed)";
  h += "</span>";
  if (compact)
    h += "<span class=\"pager\"><button id=\"earlier\">&lsaquo; earlier steps</button> <span id=\"part\"></span> "
         "<button id=\"later\">later steps &rsaquo;</button></span>";
  h += "</nav>\n";
  h += "<p class=\"hint\" id=\"hint\">Rows are clickable: click a step to see the whole state after it in the "
       "panel on the right; then <kbd>j</kbd> and <kbd>k</kbd> (or the arrow keys) step to the next and the "
       "previous row.</p>\n";
  h += "<details class=\"legend\" id=\"legend\"><summary>legend: what each symbol means (click to open)</summary><dl>";
  for (const LegendEntry& e : legend_for(t)) h += "<dt>" + esc(e.symbol) + "</dt><dd>" + esc(e.meaning) + "</dd>";
  h += "</dl></details>\n</header>\n<main>\n<div class=\"scroll\">\n<table id=\"swimlanes\" data-keys=\"" + std::to_string(keys.size()) + "\" data-rows=\"" + std::to_string(sl.rows.size()) + "\">\n<thead><tr><th>step</th>";
  // Lanes with steps of the end-of-run checks only are hidden with them.
  std::vector<bool> elane(sl.lanes.size(), true);
  for (const Swimlanes::Row& r : sl.rows)
    if (!r.epilogue && r.lane < elane.size()) elane[r.lane] = false;
  for (std::size_t i = 0; i < sl.lanes.size(); ++i)
    if (!sl.blocked[i].empty()) elane[i] = false;
  auto lane_class = [&](std::size_t i) { return std::string(elane[i] ? "lane elane" : "lane"); };
  // A step's cell runs on over the lanes to its right (empty in its row) up
  // to the next lane that is hidden or shown apart: narrow lanes, whole words.
  auto span_end = [&](std::size_t i) {
    std::size_t j = i + 1;
    while (j < sl.lanes.size() && elane[j] == elane[i]) ++j;
    return j;
  };
  for (std::size_t i = 0; i < sl.lanes.size(); ++i)
    h += "<th class=\"" + lane_class(i) + "\" data-lane=\"" + std::to_string(i) + "\">" + esc(sl.titles[i]) + "</th>";
  // The state twice: one column per key, and one column of what changed,
  // shown instead where the key columns would not fit the window (the script
  // below decides; a box in the header lets the reader choose).
  h += "<th class=\"state one sep\">state (what the step changed)</th>";
  for (std::size_t k = 0; k < keys.size(); ++k)
    h += std::string("<th class=\"state key") + (k == 0 ? " sep" : "") + "\">" + esc(keys[k]) + "</th>";
  h += "</tr></thead>\n<tbody>\n";

  // A long trace's rows go in parts of kPartRows, each a template that the
  // script puts in the table when it is read: a browser lays out one part,
  // not the whole trace.
  std::string body;  // what follows the table: the parts
  std::string* rows = compact ? &body : &h;
  auto open_part = [&](std::size_t first) {
    const std::size_t n = std::min(kPartRows, sl.rows.size() - first);
    body += std::string(first ? "</template>\n" : "") + "<template class=\"part\" data-first=\"" +
            std::to_string(first) + "\" data-rows=\"" + std::to_string(n) + "\">\n";
  };
  bool fold_row = false;
  for (std::size_t n = 0; n < sl.rows.size(); ++n) {
    const Swimlanes::Row& r = sl.rows[n];
    const sim::Event& e = t.history[r.event];
    const bool part_start = compact && n % kPartRows == 0;
    if (part_start) open_part(n);
    std::string& row = *rows;  // this step's <tr>, in the table or in its part
    if (r.epilogue && !fold_row) {
      fold_row = true;
      row += "<tr class=\"fold\"><td></td><td colspan=\"" +
           std::to_string(sl.lanes.size() + keys.size() + 1) + "\">... and " +
           plural(t.history.size() - run_steps, "step") +
           " of the end-of-run checks: tick the box above to see them</td></tr>\n";
    }
    const bool preempt = !r.epilogue && std::find(page.preempting_steps.begin(),
                                                  page.preempting_steps.end(),
                                                  e.step) != page.preempting_steps.end();
    std::string cls = "step";
    if (r.marked) cls += " violation";
    if (r.epilogue) cls += " epilogue";
    if (preempt) cls += " preempt";
    const std::string thread = e.thread < t.threads.size() ? t.threads[e.thread] : "?";
    row += "<tr class=\"" + cls + "\"" + (r.marked ? " id=\"violation\"" : "") + " data-step=\"" +
         std::to_string(e.step) + "\" data-thread=\"" + esc(thread) + "\" data-op=\"" + esc(r.cell) +
         "\" data-note=\"" + esc(e.note) + "\"><td class=\"n\">" +
         std::to_string(e.step) + "</td>";
    for (std::size_t i = 0; i < sl.lanes.size(); ++i) {
      if (i != r.lane) {
        row += "<td class=\"" + lane_class(i) + "\"></td>";
        continue;
      }
      const std::size_t end = span_end(i);
      row += "<td class=\"" + lane_class(i) + " on\"" +
           (end - i > 1 ? " colspan=\"" + std::to_string(end - i) + "\"" : std::string()) + ">" + esc(e.op) +
           (e.object.empty() ? "" : " <span class=\"obj\">" + esc(e.object) + "</span>") +
           (e.note.empty() ? "" : "<span class=\"note\">" + esc(e.note) + "</span>") + "</td>";
      i = end - 1;
    }
    std::string changes;  // the segments that changed, for the one-column form
    for (const std::string& key : keys) {
      const auto now = states[r.event].find(key);
      const bool was = r.event > 0 && states[r.event - 1].count(key) != 0;
      std::string part;
      if (now == states[r.event].end())
        part = was ? key + " (gone)" : "";
      else if (!was || states[r.event - 1].at(key).text != now->second.text)
        part = now->second.text;
      if (!part.empty()) changes += (changes.empty() ? "" : " | ") + part;
    }
    row += "<td class=\"ps one sep" + std::string(changes.empty() ? "" : " changed") + "\">" + esc(changes) + "</td>";
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const auto it = states[r.event].find(keys[k]);
      const std::string sep = k == 0 ? " key sep" : " key";
      if (it == states[r.event].end()) {
        row += "<td class=\"ps absent" + sep + "\" data-s=\"\">&mdash;</td>";
        continue;
      }
      bool changed = r.event == 0;
      if (r.event > 0) {
        const auto before = states[r.event - 1].find(keys[k]);
        changed = before == states[r.event - 1].end() || before->second.text != it->second.text;
      }
      if (compact && !changed && !part_start) {
        row += "<td class=\"ps same" + sep + "\"></td>";  // the JS finds its text in a row above
        continue;
      }
      row += "<td class=\"ps" + std::string(changed ? " changed" : "") + sep + "\" data-s=\"" +
           esc(it->second.text) + "\">" + segment_cell(it->second) + "</td>";
    }
    row += "</tr>\n";
  }
  if (std::any_of(sl.blocked.begin(), sl.blocked.end(), [](const std::string& b) { return !b.empty(); })) {
    std::string& b = *rows;
    b += "<tr class=\"blocked\"><td class=\"n\">&#8734;</td>";
    for (std::size_t i = 0; i < sl.blocked.size(); ++i)
      b += "<td class=\"" + lane_class(i) + "\">" + esc(sl.blocked[i]) + "</td>";
    for (std::size_t k = 0; k <= keys.size(); ++k) b += "<td></td>";
    b += "</tr>\n";
  }
  if (!body.empty()) body += "</template>\n";
  h += "</tbody>\n</table>\n" + body + "</div>\n<aside id=\"details\"><h2>the state after a step</h2>"
       "<p>Click a step (then j/k or the arrow keys) to see the whole state after it.</p></aside>\n</main>\n";
  h += "<footer>Written by interleave " INTERLEAVE_VERSION " from the trace <code>" + esc(page.trace_file) +
       "</code>. Replay it: <code>interleave replay " + esc(page.trace_file) +
       "</code>; in the terminal: <code>interleave show " + esc(page.trace_file) + "</code>.</footer>\n";
  h += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace checker

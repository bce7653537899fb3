// `interleave show`: the swimlanes of a trace in the terminal, and the
// self-contained HTML page, rendered by headless Chromium.
#include <doctest/doctest.h>

#include <regex>

#include "checker/report/html.hpp"
#include "checker/report/show.hpp"
#include "tests/checker/report/show_test.hpp"

using namespace checker;
using nlohmann::json;
using namespace cli_test;
using namespace show_test;

TEST_CASE("show: the terminal swimlanes have a column per thread, the broken step marked, its bytes") {
  fs::path dir = workdir("show");
  const fs::path trace = torn_trace(dir);
  const Trace t = load_trace(trace.string());
  Cli r = run(dir, "show torn.trace.json --width 200");
  CHECK(r.code == 0);
  const std::string& out = r.out;
  CHECK(out.starts_with("VIOLATION  torn.trace.json: violation of torn-read at step " +
                        std::to_string(t.verdict.step) + " (reader)\n"));
  const std::string joined = unwrapped(out);
  CHECK(has(out, "  scenario torn-read-half-copied-page ("));
  CHECK(has(joined, "linux-2.4.0 on ext2; 2 threads (writer, reader) with 2 operations; "));
  CHECK(has(joined, " steps and 1 preemption; "));
  // The message names the bytes the read returned.
  CHECK(std::regex_search(joined, std::regex("returned 4 bytes \"(BBAA|AABB)\"")));
  // The header row: one column per thread, then the state.
  CHECK(std::regex_search(out, std::regex("\n     step  writer +reader +state\n")));
  // Every step of the run is a row; the broken one is marked, in the reader's column.
  const std::string step = std::to_string(t.verdict.step);
  const std::string marked = "  >>" + std::string(5 - step.size(), ' ') + step + "  ";
  const std::size_t at = out.find("\n" + marked);
  REQUIRE(at != std::string::npos);
  const std::string row = out.substr(at + 1, out.find('\n', at + 1) - at - 1);
  const std::size_t reader_col = out.find("reader", out.find("     step  writer"));
  const std::size_t header_start = out.rfind('\n', reader_col) + 1;
  CHECK(row.find_first_not_of(' ', marked.size()) == reader_col - header_start);
  CHECK(count(out, "\n  >> ") == 1);
  // Below: the whole state at the marked step, each page with its flags and bytes.
  CHECK(has(out, "\n  the state after step " + std::to_string(t.verdict.step) + " (>>):\n    i_size=4\n"));
  CHECK(std::regex_search(out, std::regex("\n    page\\[0\\]#1 [L-][U-][D-][E-] c[0-9]+ \"[AB]{4}\"")));
  // The end-of-run checks are folded unless --all.
  CHECK(has(joined, " steps of the end-of-run checks (read back, sync, evict, read again), in the trace\n"));
  Cli all = run(dir, "show torn.trace.json --all --width 200");
  CHECK(all.code == 0);
  CHECK(has(all.out, "epilogue"));
  CHECK_FALSE(has(all.out, "in the trace\n"));

  // Narrow terminals keep the columns and put the state under its step.
  Cli narrow = run(dir, "show torn.trace.json --width 90");
  CHECK(narrow.code == 0);
  CHECK(std::regex_search(narrow.out, std::regex("\n           i_size=4 \\| page\\[0\\]#1 ")));

  Cli bad = run(dir, "show missing.json");
  CHECK(bad.code == 2);
}

TEST_CASE("show --html: one self-contained page with the swimlanes, the page states and the broken step") {
  fs::path dir = workdir("html");
  torn_trace(dir);
  fs::create_directory(dir / "out");  // outputs do not create their directories
  Cli r = run(dir, "show torn.trace.json --html out/torn.html");
  CHECK(r.code == 0);
  CHECK(has(r.out, "page: out/torn.html"));
  const std::string page = slurp(dir / "out" / "torn.html");
  const Trace t = load_trace((dir / "torn.trace.json").string());
  CHECK(page.starts_with("<!DOCTYPE html>"));
  // Self-contained: nothing that a browser would fetch.
  for (const char* external : {"http://", "https://", "<link", " src=", "url(", "@import", "@font-face"})
    CHECK_MESSAGE(!has(page, external), external);
  CHECK(count(page, "<tr class=\"step") == t.history.size());
  CHECK(count(page, " id=\"violation\"") == 1);
  CHECK(has(page, "<th class=\"lane\" data-lane=\"0\">writer</th><th class=\"lane\" data-lane=\"1\">reader</th>"));
  CHECK(has(page, "<th class=\"state key sep\">i_size</th><th class=\"state key\">page[0]</th><th class=\"state key\">disk</th>"));
  CHECK(has(page, "class=\"step preempt\""));
}

TEST_CASE("show --html: headless Chromium renders the swimlanes and highlights the broken step") {
  const std::string chromium = chromium_binary();
  if (chromium.empty()) {
    // scripts/setup --test installs it (CI runs scripts/test).
    MESSAGE("SKIPPED: headless Chromium is not installed (Debian package `chromium`; scripts/setup --test "
            "installs it): the HTML page was not rendered");
    return;
  }
  fs::path dir = workdir("chromium");
  torn_trace(dir);
  REQUIRE(run(dir, "show torn.trace.json --html torn.html").code == 0);
  const Trace t = load_trace((dir / "torn.trace.json").string());
  const std::string flags = chromium_flags(dir);
  Cli dom = shell(dir, "timeout 120 " + chromium + flags + " --dump-dom 'file://" +
                           (dir / "torn.html").string() + "'");
  REQUIRE(dom.code == 0);
  const std::string& d = dom.out;
  // The script ran (it marks the body) and selected the broken step.
  CHECK(has(d, "data-script=\"ran\""));
  CHECK(std::regex_search(d, std::regex("<tr class=\"step violation[^\"]*sel\" id=\"violation\"")));
  CHECK(has(d, "<h2>after step " + std::to_string(t.verdict.step) + " (reader)</h2>"));
  // The swimlanes: a lane per thread, a row per step.
  CHECK(has(d, "<table id=\"swimlanes\" data-keys=\"3\" data-rows=\"" + std::to_string(t.history.size()) + "\">"));
  CHECK(has(d, ">writer</th>"));
  CHECK(has(d, ">reader</th>"));
  CHECK(count(d, "<tr class=\"step") == t.history.size());
  CHECK(has(d, "violation of torn-read at step " + std::to_string(t.verdict.step)));

  // A screenshot, for a person to look at (not compared).
  Cli shot = shell(dir, "timeout 120 " + chromium + flags +
                            " --window-size=1280,1000 --screenshot='" + (dir / "torn.png").string() +
                            "' 'file://" + (dir / "torn.html").string() + "'");
  CHECK(shot.code == 0);
  CHECK(fs::exists(dir / "torn.png"));
  if (fs::exists(dir / "torn.png")) CHECK(fs::file_size(dir / "torn.png") > 10000);
}

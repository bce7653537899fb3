// What the tests of `interleave show` share: traces made by `run`, and
// headless Chromium (tests/checker/report/test_show*.cpp).
#pragma once

#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "tests/checker/cli.hpp"

namespace show_test {

using namespace cli_test;

// The seed's torn read inside one page, shrunk, as `run` writes it.
inline fs::path torn_trace(const fs::path& dir) {
  Cli r = run(dir, "run '" + source("scenarios/seed/torn-read-half-copied-page.json") +
                       "' --trace-out torn.trace.json");
  REQUIRE(r.code == 1);
  return dir / "torn.trace.json";
}

// A violation's trace as `run --no-shrink` writes it: every thread of the
// scenario stays (shrinking would remove those it does not need).
inline fs::path unshrunk_trace(const fs::path& dir, const std::string& scenario, const std::string& name) {
  Cli r = run(dir, "run '" + source(scenario) + "' --no-shrink --trace-out " + name);
  INFO(r.out << r.err);
  REQUIRE(r.code == 1);
  return dir / name;
}

inline std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t p = 0; (p = text.find(part, p)) != std::string::npos; p += part.size()) ++n;
  return n;
}

// The text with its wrapped lines joined: "a\n    b" -> "a b".
inline std::string unwrapped(const std::string& text) {
  return std::regex_replace(text, std::regex("\n +"), " ");
}

inline std::string chromium_binary() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  return {};
}

// Headless Chromium's flags for a test run in `dir`: nothing from the network,
// a profile of its own.
inline std::string chromium_flags(const fs::path& dir) {
  return " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
         " --disable-background-networking --disable-component-update --disable-sync"
         " --user-data-dir='" + (dir / "profile").string() + "'";
}

}  // namespace show_test

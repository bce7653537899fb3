#include "checker/cli/style.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace checker::cli {

const char* const kVerbosityHelp =
    "Output: -q/--quiet prints only what says how a run ended: run and replay one verdict\n"
    "line per scenario or trace, check the lines of the scenarios that did not pass (FAIL,\n"
    "--) and the closing `N passed, N failed`, matrix the table; no progress line.\n"
    "Without either, each command prints what its help says. -v/--verbose adds, to run\n"
    "and check, the settings each search ran with (variant, strategy, budgets, seed, jobs),\n"
    "and to check the whole report of every scenario (its interleaving when it failed).\n"
    "Errors go to standard error at every level. Colour only on a terminal, never with\n"
    "NO_COLOR set or --color never; --color always colours into a pipe too.";

OutputStyle& output_style() {
  static OutputStyle style;
  return style;
}

bool color_on(int fd) {
  const std::string& when = output_style().color;
  if (when == "always") return true;
  if (when == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(fd) != 0;
}

std::string paint_verdict(const std::string& line, bool color) {
  if (!color) return line;
  struct Word {
    const char* word;
    const char* sgr;  // ANSI Select Graphic Rendition: 31 red, 32 green, 33 yellow, 1 bold
  };
  static const Word words[] = {{"PASS", "1;32"},         {"ok", "32"},  {"VIOLATION", "1;31"},
                               {"FAIL", "1;31"},         {"ERROR", "1;31"},
                               {"INCONCLUSIVE", "1;33"}, {"--", "33"}, {"INTERRUPTED", "1;33"}};
  const std::size_t end = line.find(' ');
  const std::string first = line.substr(0, end);
  for (const Word& w : words)
    if (first == w.word) return "\033[" + std::string(w.sgr) + "m" + first + "\033[0m" + line.substr(first.size());
  return line;
}

}  // namespace checker::cli

// How much the commands print (-q, -v) and whether in colour (--color,
// NO_COLOR): set once by main.cpp from the command line, read by the
// commands. One home for both, so that every command follows the same rules.
#pragma once

#include <string>

namespace checker::cli {

// What each level prints is documented in --help (kVerbosityHelp) and in the
// README's command-line section.
enum class Verbosity { quiet, normal, verbose };

struct OutputStyle {
  Verbosity verbosity = Verbosity::normal;
  std::string color = "auto";  // --color: auto | always | never
};

OutputStyle& output_style();

inline bool quiet() { return output_style().verbosity == Verbosity::quiet; }
inline bool verbose() { return output_style().verbosity == Verbosity::verbose; }

// Whether text written to file descriptor `fd` is coloured: --color always
// yes, never no; auto only when `fd` is a terminal, NO_COLOR is unset or
// empty (no-color.org) and TERM is not "dumb".
bool color_on(int fd);

// A report or check line with its first word (PASS, ok, VIOLATION, FAIL,
// INCONCLUSIVE, --, ERROR) in its colour when `color`; the line unchanged
// otherwise, and for any other first word.
std::string paint_verdict(const std::string& line, bool color);

// The help text of -q, -v and --color, for --help and the man page.
extern const char* const kVerbosityHelp;

}  // namespace checker::cli

// The man page and the bash and zsh completion scripts, made from the same
// CLI::App that prints --help (main.cpp): every command, option and text is
// read from there, so they cannot drift apart. The build writes them with
// `interleave --generate man|bash-completion|zsh-completion`, and
// `cmake --install` installs them (checker/cli/CMakeLists.txt).
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace checker::cli {

// interleave(1) in roff (man(7) macros): NAME, SYNOPSIS, DESCRIPTION, the
// global OPTIONS, one subsection per command with its options and --help's
// footer, then the main footer (output levels, exit codes, example).
std::string man_page(const CLI::App& app);

// A bash completion script (bash-completion's `complete -F`): commands,
// each command's options, the values of the options that take a fixed set
// (--strategy, --variant, --color, --format, ...), files otherwise.
std::string bash_completion(const CLI::App& app);

// A zsh completion script (`#compdef interleave`, for a folder of $fpath).
std::string zsh_completion(const CLI::App& app);

}  // namespace checker::cli

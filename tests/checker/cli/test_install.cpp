// `cmake --install`: the program, its man page and its bash and zsh
// completions land where they belong, the man page has every command and
// option --help lists, and the completion scripts parse and complete.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/checker/cli.hpp"

// A namespace of its own (the unity build shares a translation unit with
// test_cli.cpp's anonymous helpers).
namespace install_test {

namespace fs = std::filesystem;
using cli_test::Cli;
using cli_test::has;
using cli_test::run;
using cli_test::shell;
using cli_test::slurp;
using cli_test::write;

// The installed tree, made once per test process.
inline const fs::path& installed() {
  static const fs::path prefix = [] {
    const fs::path dir = cli_test::workdir("prefix", "install");
    const Cli r = shell(dir, "'" CMAKE_COMMAND "' --install '" INTERLEAVE_BUILD_DIR "' --prefix '" +
                                 (dir / "usr").string() + "'");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    return dir / "usr";
  }();
  return prefix;
}

// The commands `interleave --help` lists, and the options `interleave CMD
// --help` lists for each ("" the program's own).
inline std::vector<std::pair<std::string, std::string>> help_options() {
  const fs::path dir = cli_test::workdir("help", "install");
  std::vector<std::string> commands = {""};
  const std::string top = run(dir, "--help").out;
  std::istringstream in(top.substr(top.find("Subcommands:")));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && line.starts_with("  ")) commands.push_back(line.substr(2, line.find(' ', 2) - 2));
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& c : commands) {
    std::istringstream help(run(dir, c + " --help").out);
    while (std::getline(help, line)) {
      std::istringstream words(line);
      std::string first;
      words >> first;
      if (!line.starts_with("  ") || !first.starts_with("-")) continue;
      std::istringstream names(first.substr(0, first.find(' ')));
      for (std::string name; std::getline(names, name, ',');)
        if (name.starts_with("--")) out.emplace_back(c, name);
    }
  }
  return out;
}

// The words bash completes `line` (its last word the one completed) to.
inline std::string bash_completes(const std::string& line) {
  const fs::path dir = cli_test::workdir("bash", "install");
  write(dir / "scenario-one.json", "{}");
  write(dir / "complete.sh", "source '" + (installed() / "share/bash-completion/completions/interleave").string() +
                                 "'\nCOMP_WORDS=(" + line + ")\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                                 "[[ \"" + line + "\" == *\" \" ]] && { COMP_WORDS+=(\"\"); COMP_CWORD=$((COMP_CWORD + 1)); }\n"
                                 "_interleave\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");
  const Cli r = shell(dir, "bash complete.sh");
  INFO(r.err);
  CHECK(r.code == 0);
  return r.out;
}

TEST_CASE("install: cmake --install puts the program, its man page and its completions in the prefix") {
  const fs::path& usr = installed();
  CHECK(fs::exists(usr / "bin" / "interleave"));
  CHECK(fs::exists(usr / "share" / "man" / "man1" / "interleave.1"));
  CHECK(fs::exists(usr / "share" / "bash-completion" / "completions" / "interleave"));
  CHECK(fs::exists(usr / "share" / "zsh" / "site-functions" / "_interleave"));
  const Cli v = shell(usr, "bin/interleave --version");
  CHECK(v.code == 0);
  CHECK(v.out.starts_with("interleave "));
}

TEST_CASE("install: the man page has every command and option of --help, and renders without a warning") {
  const std::string man = slurp(installed() / "share" / "man" / "man1" / "interleave.1");
  CHECK(man.starts_with(".\\\" Made by `interleave --generate man`"));
  CHECK(has(man, ".TH INTERLEAVE 1 "));
  const auto options = help_options();
  CHECK(options.size() > 60);
  std::string current = "-";
  for (const auto& [command, option] : options) {
    const std::string cmd = command;
    const std::string opt = option;
    INFO("interleave " << cmd << " " << opt);
    const std::size_t section = cmd.empty() ? man.find(".SH OPTIONS") : man.find(".SS \"interleave " + cmd + "\"");
    REQUIRE(section != std::string::npos);
    std::string escaped;
    for (char c : opt) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
    const std::size_t end = man.find(".SS", section + 4);
    const std::size_t at = man.find("\\fB" + escaped + "\\fR", section);
    CHECK(at < end);
  }
  CHECK_FALSE(has(man, "\\fI\\fR"));  // a flag is given no value's name
  CHECK(has(man, "\\fB\\-\\-color\\fR \\fITEXT:{auto,always,never}\\fR"));
  // The examples of the help are the man page's too.
  CHECK(has(man, "interleave run \\-\\-strategy pb scenarios/seed/self\\-deadlock\\-reclaim.json"));
  if (std::system("command -v groff >/dev/null 2>&1") == 0) {
    const Cli g = shell(installed(), "groff -man -Tutf8 -ww -z share/man/man1/interleave.1");
    CHECK(g.code == 0);
    CHECK(g.err == "");
  } else {
    MESSAGE("groff is not installed: the man page is not rendered");
  }
}

TEST_CASE("install: the bash completion parses and completes commands, options, their values and files") {
  const Cli n = shell(installed(), "bash -n share/bash-completion/completions/interleave");
  CHECK(n.code == 0);
  CHECK(n.err == "");
  CHECK(bash_completes("interleave ru") == "run\n");
  CHECK(bash_completes("interleave -q ch") == "check\n");
  CHECK(bash_completes("interleave run --var") == "--variant\n");
  CHECK(bash_completes("interleave matrix --var") == "--variants\n");
  CHECK(bash_completes("interleave check --strategy d") == "dfs\ndpor\ndb\n");
  CHECK(bash_completes("interleave replay --variant linux-6-") == "linux-6-ext4\nlinux-6-xfs\n");
  CHECK(bash_completes("interleave --color n") == "never\n");
  CHECK(bash_completes("interleave run scenario-") == "scenario-one.json\n");
}

TEST_CASE("install: the zsh completion parses") {
  if (std::system("command -v zsh >/dev/null 2>&1") != 0) {
    MESSAGE("zsh is not installed (scripts/setup --test installs it): its completion is not checked");
    return;
  }
  const Cli n = shell(installed(), "zsh -n share/zsh/site-functions/_interleave");
  CHECK(n.code == 0);
  CHECK(n.err == "");
  const std::string z = slurp(installed() / "share" / "zsh" / "site-functions" / "_interleave");
  CHECK(z.starts_with("#compdef interleave\n"));
  // _arguments specs: a flag takes no value; an option names its value and
  // offers its fixed set (no ':' inside a part: zsh splits on it).
  CHECK(has(z, "'(--version -V)'{--version,-V}'[print the version and exit]' \\\n"));
  CHECK(has(z, "'--color[colour the verdicts  auto (default  on a terminal, unless NO_COLOR is set), always or n...]"
               ":TEXT:(auto always never)' \\\n"));
  CHECK(has(z, "'--variant[run the scenario on this page-cache variant"));
  CHECK(has(z, ":TEXT:(linux-2.4.0 linux-2.4.17 "));
  CHECK(has(z, "        run)\n          _arguments \\\n"));
}

}  // namespace install_test

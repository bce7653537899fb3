#include "checker/cli/help_formats.hpp"

#include <map>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>

#include "checker/scenario/scenario.hpp"
#include "models/pagecache/variants.hpp"

namespace checker::cli {

namespace {

// The commands, in the order --help lists them (hidden ones left out).
std::vector<const CLI::App*> commands_of(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (!sub->get_group().empty()) out.push_back(sub);
  return out;
}

// The named options a command shows in --help (positionals and hidden ones
// left out), with --help itself.
std::vector<const CLI::Option*> named_options(const CLI::App& cmd) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o : cmd.get_options())
    if (!o->get_group().empty() && !(o->get_lnames().empty() && o->get_snames().empty())) out.push_back(o);
  return out;
}

std::vector<const CLI::Option*> positionals(const CLI::App& cmd) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o : cmd.get_options())
    if (o->get_lnames().empty() && o->get_snames().empty() && !o->get_group().empty()) out.push_back(o);
  return out;
}

std::vector<std::string> spellings(const CLI::Option& o) {
  std::vector<std::string> out;
  for (const std::string& l : o.get_lnames()) out.push_back("--" + l);
  for (const std::string& s : o.get_snames()) out.push_back("-" + s);
  return out;
}

// A flag expects no item; an option one or more (its type name: "TEXT",
// "UINT", "TEXT:{auto,always,never}").
bool takes_value(const CLI::Option& o) { return o.get_items_expected_max() > 0; }

// The type name up to its first ':' (zsh's specs use ':' as a separator).
std::string value_name(const CLI::Option& o) {
  const std::string t = o.get_type_name();
  return t.empty() ? std::string("VALUE") : t.substr(0, t.find(':'));
}

// The options whose value is one of a fixed set, and that set.
std::map<std::string, std::vector<std::string>> fixed_values() {
  std::vector<std::string> variants, strategies;
  for (const auto& v : models::pagecache::variants()) variants.push_back(v.name);
  for (const StrategyInfo& s : known_strategies()) strategies.push_back(s.name);
  return {{"--variant", variants},
          {"--variants", variants},
          {"--strategy", strategies},
          {"--color", {"auto", "always", "never"}},
          {"--format", {"text", "markdown", "json"}}};
}

// ---- roff

std::string roff_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  return out;
}

// A line of roff text: one that would start with a control character
// ('.' or '\'') is protected by \&.
std::string roff_line(const std::string& line) {
  const std::string e = roff_escape(line);
  return (!e.empty() && (e[0] == '.' || e[0] == '\'')) ? "\\&" + e : e;
}

// Help text as roff: paragraphs (blank-line separated) filled; an example or
// a list kept line for line.
std::string roff_text(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::vector<std::string> para;
  auto flush = [&] {
    if (para.empty()) return;
    const bool verbatim = para.front().rfind("Example", 0) == 0 || (para.size() > 1 && para[1].rfind("  ", 0) == 0);
    out += ".PP\n";
    if (verbatim) out += ".nf\n";
    for (const std::string& l : para) out += roff_line(l) + "\n";
    if (verbatim) out += ".fi\n";
    para.clear();
  };
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) flush();
    else para.push_back(line);
  }
  flush();
  return out;
}

std::string roff_options(const std::vector<const CLI::Option*>& options) {
  std::string out;
  for (const CLI::Option* o : options) {
    std::string head;
    for (const std::string& s : spellings(*o)) head += (head.empty() ? "" : ", ") + ("\\fB" + roff_escape(s) + "\\fR");
    if (takes_value(*o)) head += " \\fI" + roff_escape(o->get_type_name()) + "\\fR";
    out += ".TP\n" + head + "\n";
    // A description's later lines are a list (the strategies): each its own line.
    std::istringstream in(o->get_description());
    bool first = true;
    for (std::string line; std::getline(in, line); first = false)
      out += (first ? "" : ".br\n") + roff_line(line) + "\n";
  }
  return out;
}

// ---- shell

std::string words(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& w : list) out += (out.empty() ? "" : " ") + w;
  return out;
}

// A description as one line inside single quotes, for zsh's _arguments
// ("[...]": brackets and quotes would end it early).
std::string zsh_description(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, text.find('\n'))) {
    if (c == '\'') out += "'\\''";
    else if (c == '[') out += '(';
    else if (c == ']') out += ')';
    else if (c == ':') out += ' ';
    else out += c;
  }
  if (out.size() > 90) out = out.substr(0, 87) + "...";
  return out;
}

}  // namespace

std::string man_page(const CLI::App& app) {
  std::ostringstream m;
  const std::string description = app.get_description();
  m << ".\\\" Made by `interleave --generate man` from the program's --help: do not edit.\n";
  m << ".TH INTERLEAVE 1 \"\" \"" << roff_escape(description.substr(0, description.find(':'))) << "\" \"User Commands\"\n";
  m << ".SH NAME\ninterleave \\- a deterministic concurrency simulator and stateless model checker\n";
  m << ".SH SYNOPSIS\n.B interleave\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n";
  for (const CLI::App* cmd : commands_of(app)) {
    m << ".br\n.B interleave " << cmd->get_name() << "\n";
    for (const CLI::Option* p : positionals(*cmd))
      m << "\\fI" << roff_escape(p->get_name(true)) << "\\fR" << (p->get_items_expected_max() > 1 ? "..." : "") << "\n";
    m << "[\\fIOPTIONS\\fR]\n";
  }
  m << ".SH DESCRIPTION\n" << roff_text(description.substr(description.find('\n') + 1));
  m << ".SH OPTIONS\n" << roff_options(named_options(app));
  m << ".SH COMMANDS\n";
  for (const CLI::App* cmd : commands_of(app)) {
    m << ".SS \"interleave " << cmd->get_name() << "\"\n" << roff_line(cmd->get_description()) << "\n";
    for (const CLI::Option* p : positionals(*cmd))
      m << ".TP\n\\fI" << roff_escape(p->get_name(true)) << "\\fR\n" << roff_line(p->get_description()) << "\n";
    m << roff_options(named_options(*cmd));
    m << roff_text(cmd->get_footer());
  }
  m << ".SH \"OUTPUT, EXIT STATUS AND EXAMPLE\"\n" << roff_text(app.get_footer());
  m << ".SH \"SEE ALSO\"\nThe README and docs/ of the interleave source tree.\n";
  return m.str();
}

std::string bash_completion(const CLI::App& app) {
  const auto values = fixed_values();
  std::vector<std::string> names;
  for (const CLI::App* cmd : commands_of(app)) names.push_back(cmd->get_name());
  std::vector<std::string> global;
  for (const CLI::Option* o : named_options(app))
    for (const std::string& s : spellings(*o)) global.push_back(s);
  std::ostringstream b;
  b << "# bash completion for interleave. Made by `interleave --generate bash-completion`\n"
       "# from the program's own options: do not edit.\n"
       "_interleave() {\n"
       "  local cur prev cmd i\n"
       "  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
       "  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
       "  cmd=\"\"\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    case \"${COMP_WORDS[i]}\" in\n"
       "      " << [&] {
         std::string alt;
         for (const std::string& n : names) alt += (alt.empty() ? "" : "|") + n;
         return alt;
       }() << ") cmd=\"${COMP_WORDS[i]}\"; break ;;\n"
       "    esac\n"
       "  done\n"
       "  case \"$prev\" in\n";
  for (const auto& [option, list] : values)
    b << "    " << option << ") COMPREPLY=($(compgen -W \"" << words(list) << "\" -- \"$cur\")); return ;;\n";
  b << "  esac\n"
       "  local opts\n"
       "  case \"$cmd\" in\n"
       "    \"\") opts=\"" << words(global) << " --help -h\"; COMPREPLY=($(compgen -W \"" << words(names)
    << "\" -- \"$cur\")) ;;\n";
  for (const CLI::App* cmd : commands_of(app)) {
    std::vector<std::string> opts;
    for (const CLI::Option* o : named_options(*cmd))
      for (const std::string& s : spellings(*o)) opts.push_back(s);
    opts.insert(opts.end(), global.begin(), global.end());
    b << "    " << cmd->get_name() << ") opts=\"" << words(opts) << "\" ;;\n";
  }
  b << "  esac\n"
       "  if [[ \"$cur\" == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
       "  elif [[ -n \"$cmd\" ]]; then\n"
       "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
       "  fi\n"
       "}\n"
       "complete -o filenames -F _interleave interleave\n";
  return b.str();
}

std::string zsh_completion(const CLI::App& app) {
  const auto values = fixed_values();
  auto spec = [&](const CLI::Option& o) {
    std::string out;
    const std::vector<std::string> names = spellings(o);
    const std::string desc = zsh_description(o.get_description());
    const auto fixed = values.find(names.front());
    const std::string arg = !takes_value(o) ? std::string()
                            : fixed != values.end() ? ":" + value_name(o) + ":(" + words(fixed->second) + ")"
                                                    : ":" + value_name(o) + ":_files";
    if (names.size() == 1) return "'" + names.front() + "[" + desc + "]" + arg + "'";
    return "'(" + words(names) + ")'{" + [&] {
      std::string alt;
      for (const std::string& n : names) alt += (alt.empty() ? "" : ",") + n;
      return alt;
    }() + "}'[" + desc + "]" + arg + "'";
  };
  std::ostringstream z;
  z << "#compdef interleave\n"
       "# zsh completion for interleave. Made by `interleave --generate zsh-completion`\n"
       "# from the program's own options: do not edit.\n"
       "_interleave() {\n"
       "  local curcontext=\"$curcontext\" state line\n"
       "  typeset -A opt_args\n"
       "  _arguments -C \\\n";
  for (const CLI::Option* o : named_options(app)) z << "    " << spec(*o) << " \\\n";
  z << "    '1:command:->command' \\\n"
       "    '*::argument:->argument'\n"
       "  case $state in\n"
       "    command)\n"
       "      local -a commands\n"
       "      commands=(\n";
  for (const CLI::App* cmd : commands_of(app))
    z << "        '" << cmd->get_name() << ":" << zsh_description(cmd->get_description()) << "'\n";
  z << "      )\n"
       "      _describe -t commands 'interleave command' commands ;;\n"
       "    argument)\n"
       "      case $line[1] in\n";
  for (const CLI::App* cmd : commands_of(app)) {
    z << "        " << cmd->get_name() << ")\n          _arguments \\\n";
    for (const CLI::Option* o : named_options(*cmd)) z << "            " << spec(*o) << " \\\n";
    for (const CLI::Option* o : named_options(app)) z << "            " << spec(*o) << " \\\n";
    z << "            '*:file:_files' ;;\n";
  }
  z << "      esac ;;\n"
       "  esac\n"
       "}\n"
       "_interleave \"$@\"\n";
  return z.str();
}

}  // namespace checker::cli

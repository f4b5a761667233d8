// accord completion bash|zsh|fish: prints a shell completion script.
//
// The scripts are data, not logic: each holds the command tree (subcommands,
// options, allowed values) read from the CLI11 app at run time, and a small
// fixed driver that finds the command being typed by walking the words before
// the cursor. Exit 0, or 2 for a missing or unknown shell.
#include "completion.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "check_support.h"
#include "commands.h"

namespace accord::cli {
namespace {

constexpr std::string_view kValuesPrefix = "values:";

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    size_t end = text.find(separator);
    if (end == std::string_view::npos) end = text.size();
    if (end > 0) parts.emplace_back(text.substr(0, end));
    text.remove_prefix(end == text.size() ? end : end + 1);
  }
  return parts;
}

std::string Join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

// The first line of a description, for one-line completion menus.
std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// The values an option accepts when they form a fixed set.
std::vector<std::string> AllowedValues(CLI::Option& option) {
  for (int i = 0;; ++i) {
    const CLI::Validator* v = nullptr;
    try {
      v = option.get_validator(i);  // CLI11 2.1 has no validator count: it throws past the end
    } catch (const CLI::OptionNotFound&) {
      return {};
    }
    if (v->get_name().starts_with(kValuesPrefix)) {
      return Split(std::string_view(v->get_name()).substr(kValuesPrefix.size()), ',');
    }
    // CLI::IsMember describes itself as "{a,b,c}".
    std::string description = v->get_description();
    if (description.size() >= 2 && description.front() == '{' && description.back() == '}') {
      return Split(std::string_view(description).substr(1, description.size() - 2), ',');
    }
  }
}

void Collect(CLI::App& app, const std::string& path, std::vector<CompletionCommand>& out) {
  CompletionCommand command;
  command.path = path;
  command.description = FirstLine(app.get_description());
  // An empty group hides an option or subcommand from the help: hide it here too.
  std::vector<CLI::App*> subs = app.get_subcommands(
      [](CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); });
  for (CLI::App* sub : subs) command.subcommands.push_back(sub->get_name());
  for (CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;
    if (!o->nonpositional()) {
      command.takes_arguments = true;
      std::vector<std::string> values = AllowedValues(*o);
      command.argument_values.insert(command.argument_values.end(), values.begin(), values.end());
      continue;
    }
    CompletionCommand::Option option;
    for (const std::string& l : o->get_lnames()) option.names.push_back("--" + l);
    for (const std::string& s : o->get_snames()) option.names.push_back("-" + s);
    option.description = FirstLine(o->get_description());
    option.takes_value = o->get_items_expected_max() != 0;  // flags expect 0
    if (option.takes_value) option.values = AllowedValues(*o);
    command.options.push_back(std::move(option));
  }
  out.push_back(std::move(command));
  for (CLI::App* sub : subs) Collect(*sub, path + " " + sub->get_name(), out);
}

// Single-quoted for sh-like shells (bash, zsh): ' becomes '\''.
std::string ShQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Single-quoted for fish: \ and ' are escaped with a backslash.
std::string FishQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// Every "<parent path> <subcommand>" (quoted), the case patterns that let the
// drivers walk into a subcommand.
std::vector<std::string> ChildPaths(const std::vector<CompletionCommand>& tree,
                                    std::string (*quote)(std::string_view)) {
  std::vector<std::string> paths;
  for (const CompletionCommand& c : tree) {
    for (const std::string& s : c.subcommands) paths.push_back(quote(c.path + " " + s));
  }
  return paths;
}

// "'accord check --mode' | 'accord check -m'": the patterns of `command path
// + option name` for each name of `option`.
std::string OptionPatterns(const CompletionCommand& c, const CompletionCommand::Option& option,
                           std::string_view separator) {
  std::vector<std::string> patterns;
  for (const std::string& n : option.names) patterns.push_back(ShQuote(c.path + " " + n));
  return Join(patterns, separator);
}

const char kHeader[] =
    " completion for accord, generated by `accord completion %s` from the commands\n"
    "# of this accord binary (regenerate it after an upgrade).\n";

std::string Header(std::string_view shell, std::string_view comment_start) {
  char text[256];
  std::snprintf(text, sizeof text, kHeader, std::string(shell).c_str());
  return std::string(comment_start) + std::string(shell) + text;
}

std::string BashScript(const std::vector<CompletionCommand>& tree) {
  std::string s = Header("bash", "# ");
  s += "_accord() {\n"
       "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
       "  # --opt=value: bash splits at '='\n"
       "  if [[ $cur == = ]]; then cur=; fi\n"
       "  if [[ $prev == = && $COMP_CWORD -ge 2 ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
       "  local cmd=accord i\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    case \"$cmd ${COMP_WORDS[i]}\" in\n"
       "      " +
       Join(ChildPaths(tree, ShQuote), " | ") +
       ") cmd=\"$cmd ${COMP_WORDS[i]}\" ;;\n"
       "    esac\n"
       "  done\n"
       "  case \"$cmd $prev\" in\n";
  std::vector<std::string> any_value;  // options whose value is a file name, a URL, a number...
  for (const CompletionCommand& c : tree) {
    for (const CompletionCommand::Option& o : c.options) {
      if (!o.takes_value) continue;
      if (o.values.empty()) {
        any_value.push_back(OptionPatterns(c, o, " | "));
        continue;
      }
      s += "    " + OptionPatterns(c, o, " | ") + ")\n";
      s += "      COMPREPLY=($(compgen -W " + ShQuote(Join(o.values, " ")) +
           " -- \"$cur\")); return ;;\n";
    }
  }
  if (!any_value.empty()) {
    s += "    " + Join(any_value, " |\\\n    ") + ")\n";
    s += "      compopt -o default; COMPREPLY=(); return ;;\n";
  }
  s += "  esac\n"
       "  local subs= opts= values= args=0\n"
       "  case $cmd in\n";
  for (const CompletionCommand& c : tree) {
    std::vector<std::string> names;
    for (const CompletionCommand::Option& o : c.options) {
      names.insert(names.end(), o.names.begin(), o.names.end());
    }
    s += "    " + ShQuote(c.path) + ")\n";
    s += "      subs=" + ShQuote(Join(c.subcommands, " ")) + "\n";
    s += "      opts=" + ShQuote(Join(names, " ")) + "\n";
    if (!c.argument_values.empty()) {
      s += "      values=" + ShQuote(Join(c.argument_values, " ")) + "\n";
    }
    s += std::string("      args=") + (c.takes_arguments ? "1" : "0") + " ;;\n";
  }
  s += "  esac\n"
       "  if [[ $cur == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
       "  elif [[ -n $subs ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
       "  elif [[ -n $values ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$values\" -- \"$cur\"))\n"
       "  elif ((args)); then\n"
       "    compopt -o default; COMPREPLY=()\n"
       "  fi\n"
       "}\n"
       "complete -F _accord accord\n";
  return s;
}

// "name:description" for zsh's _describe (a ':' in the name is escaped).
std::string ZshItem(const std::string& name, const std::string& description) {
  std::string item;
  for (char c : name) {
    if (c == ':') item += '\\';
    item += c;
  }
  return ShQuote(item + ":" + description);
}

std::string ZshScript(const std::vector<CompletionCommand>& tree) {
  std::string s = "#compdef accord\n" + Header("zsh", "# ");
  s += "_accord() {\n"
       "  local cmd=accord i\n"
       "  for ((i = 2; i < CURRENT; i++)); do\n"
       "    case \"$cmd ${words[i]}\" in\n"
       "      (" +
       Join(ChildPaths(tree, ShQuote), "|") +
       ") cmd=\"$cmd ${words[i]}\" ;;\n"
       "    esac\n"
       "  done\n"
       "  local prev=${words[CURRENT-1]}\n"
       "  case \"$cmd $prev\" in\n";
  std::vector<std::string> any_value;
  for (const CompletionCommand& c : tree) {
    for (const CompletionCommand::Option& o : c.options) {
      if (!o.takes_value) continue;
      if (o.values.empty()) {
        any_value.push_back(OptionPatterns(c, o, "|"));
        continue;
      }
      std::vector<std::string> quoted;
      for (const std::string& v : o.values) quoted.push_back(ShQuote(v));
      s += "    (" + OptionPatterns(c, o, "|") + ")\n";
      s += "      compadd -- " + Join(quoted, " ") + "; return ;;\n";
    }
  }
  if (!any_value.empty()) {
    s += "    (" + Join(any_value, "|\\\n     ") + ")\n";
    s += "      _files; return ;;\n";
  }
  s += "  esac\n"
       "  local -a subs opts values\n"
       "  local args=0\n"
       "  case $cmd in\n";
  for (const CompletionCommand& c : tree) {
    std::vector<std::string> subs;
    const auto child = [&](const std::string& name) {
      for (const CompletionCommand& d : tree) {
        if (d.path == c.path + " " + name) return d.description;
      }
      return std::string();
    };
    for (const std::string& sub : c.subcommands) subs.push_back(ZshItem(sub, child(sub)));
    std::vector<std::string> opts;
    for (const CompletionCommand::Option& o : c.options) {
      for (const std::string& n : o.names) opts.push_back(ZshItem(n, o.description));
    }
    s += "    (" + ShQuote(c.path) + ")\n";
    s += "      subs=(" + Join(subs, " ") + ")\n";
    s += "      opts=(" + Join(opts, " ") + ")\n";
    if (!c.argument_values.empty()) {
      std::vector<std::string> quoted;
      for (const std::string& v : c.argument_values) quoted.push_back(ShQuote(v));
      s += "      values=(" + Join(quoted, " ") + ")\n";
    }
    s += std::string("      args=") + (c.takes_arguments ? "1" : "0") + " ;;\n";
  }
  s +=
      "  esac\n"
      "  if [[ ${words[CURRENT]} == -* ]]; then\n"
      "    _describe -t options option opts\n"
      "  elif ((${#subs})); then\n"
      "    _describe -t commands command subs\n"
      "  elif ((${#values})); then\n"
      "    compadd -- \"${values[@]}\"\n"
      "  elif ((args)); then\n"
      "    _files\n"
      "  fi\n"
      "}\n"
      "# Autoloaded from $fpath (the file _accord) or sourced: `source <(accord completion zsh)`.\n"
      "if [[ $funcstack[1] == _accord ]]; then _accord \"$@\"; else compdef _accord accord; fi\n";
  return s;
}

std::string FishScript(const std::vector<CompletionCommand>& tree) {
  std::string s = Header("fish", "# ");
  std::vector<std::string> children = ChildPaths(tree, FishQuote);
  s += "# The command being typed: 'accord', 'accord check', 'accord key new', ...\n"
       "function __accord_command\n"
       "    set -l cmd accord\n"
       "    for w in (commandline -opc)[2..-1]\n"
       "        switch \"$cmd $w\"\n"
       "            case " +
       Join(children, " ") +
       "\n"
       "                set cmd \"$cmd $w\"\n"
       "        end\n"
       "    end\n"
       "    echo $cmd\n"
       "end\n"
       "function __accord_is\n"
       "    test (__accord_command) = \"$argv\"\n"
       "end\n"
       "complete -c accord -f\n";
  for (const CompletionCommand& c : tree) {
    const std::string when = " -n " + FishQuote("__accord_is " + c.path);
    for (const std::string& sub : c.subcommands) {
      std::string description;
      for (const CompletionCommand& d : tree) {
        if (d.path == c.path + " " + sub) description = d.description;
      }
      s += "complete -c accord" + when + " -a " + FishQuote(sub) + " -d " + FishQuote(description) +
           "\n";
    }
    for (const CompletionCommand::Option& o : c.options) {
      std::string line = "complete -c accord" + when;
      for (const std::string& n : o.names) {
        line +=
            n.starts_with("--") ? " -l " + FishQuote(n.substr(2)) : " -s " + FishQuote(n.substr(1));
      }
      if (o.takes_value && o.values.empty()) line += " -r -F";
      if (!o.values.empty()) line += " -x -a " + FishQuote(Join(o.values, " "));
      s += line + " -d " + FishQuote(o.description) + "\n";
    }
    if (!c.argument_values.empty()) {
      s += "complete -c accord" + when + " -a " + FishQuote(Join(c.argument_values, " ")) + "\n";
    } else if (c.takes_arguments) {
      s += "complete -c accord" + when + " -F\n";
    }
  }
  return s;
}

}  // namespace

std::string AllowedValuesName(const std::vector<std::string>& values) {
  return std::string(kValuesPrefix) + Join(values, ",");
}

std::vector<CompletionCommand> CompletionCommands(CLI::App& app) {
  std::vector<CompletionCommand> tree;
  Collect(app, app.get_name(), tree);
  return tree;
}

std::string CompletionScript(std::string_view shell, const std::vector<CompletionCommand>& tree) {
  if (shell == "bash") return BashScript(tree);
  if (shell == "zsh") return ZshScript(tree);
  if (shell == "fish") return FishScript(tree);
  return {};
}

void RegisterCompletion(CLI::App& app, Commands& commands) {
  auto shell = std::make_shared<std::string>();
  auto* sub =
      app.add_subcommand("completion", "Print the shell completion script (bash, zsh, fish)");
  // The package and `cmake --install` install the scripts where each shell
  // finds them; this is for a shell without them.
  sub->footer(
      std::string("Use:\n"
                  "  bash: source <(accord completion bash)   (in ~/.bashrc)\n"
                  "  zsh:  accord completion zsh > DIR/_accord, DIR a folder on $fpath\n"
                  "        (before compinit)\n"
                  "  fish: accord completion fish > ~/.config/fish/completions/accord.fish\n\n") +
      kExitCodesHelp);
  sub->add_option("shell", *shell, "bash, zsh or fish")
      ->check(NameValidator(
          "SHELL",
          [](std::string_view s) {
            for (const std::string& name : kCompletionShells) {
              if (s == name) return true;
            }
            return false;
          },
          kCompletionShells));
  // The root app outlives the run (main owns both).
  sub->callback([&app, &commands, shell] {
    commands.run = [&app, shell] {
      if (shell->empty()) {
        std::fprintf(stderr,
                     "accord completion: error: name the shell: bash, zsh or fish\n"
                     "run 'accord completion --help' for how to install the script\n");
        return 2;
      }
      std::string script = CompletionScript(*shell, CompletionCommands(app));
      std::fwrite(script.data(), 1, script.size(), stdout);
      return 0;
    };
  });
}

}  // namespace accord::cli

// Shell completion scripts generated from the CLI11 command tree (`accord
// completion bash|zsh|fish`), so that they list exactly the subcommands,
// options and allowed option values the binary accepts and cannot drift.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace accord::cli {

// The shells a script can be generated for, as `accord completion` names them.
inline const std::vector<std::string> kCompletionShells = {"bash", "zsh", "fish"};

// The name a validator gets when it accepts only a fixed set of values that
// its description does not list (NameValidator): "values:A,B,C". CLI11 shows
// a validator's description in the help, never its name, so the name is free
// to carry the set for the completion scripts.
std::string AllowedValuesName(const std::vector<std::string>& values);

// One command of the tree: "accord", "accord check", "accord key new".
struct CompletionCommand {
  struct Option {
    std::vector<std::string> names;  // "--mode", "-h"
    std::string description;
    bool takes_value = false;
    std::vector<std::string> values;  // the allowed values; empty: any (a file, a URL, ...)
  };
  std::string path;  // words separated by one space, starting with the program name
  std::string description;
  std::vector<std::string> subcommands;  // names of the direct subcommands
  std::vector<Option> options;
  bool takes_arguments = false;  // has positional arguments
  // The values of its positional arguments when they form a fixed set
  // (`completion SHELL`); empty: file names.
  std::vector<std::string> argument_values;
};

// Every command of `app`'s tree, parents before children, in registration
// order. Options come with their long and short names; allowed values are
// read from IsMember validators ("{a,b}") and from AllowedValuesName names.
std::vector<CompletionCommand> CompletionCommands(CLI::App& app);

// The completion script for `shell` ("bash", "zsh" or "fish"); empty for
// another shell.
std::string CompletionScript(std::string_view shell, const std::vector<CompletionCommand>& tree);

}  // namespace accord::cli

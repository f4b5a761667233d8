// Subcommand registration. Each Register* adds one subcommand to the app and,
// when that subcommand is chosen, sets `commands.run` to the function that
// executes it (returning the process exit code).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace accord::cli {

struct Commands {
  std::function<int()> run;
};

void RegisterValidate(CLI::App& app, Commands& commands);
void RegisterServe(CLI::App& app, Commands& commands);
void RegisterCheck(CLI::App& app, Commands& commands);
void RegisterDiff(CLI::App& app, Commands& commands);

}  // namespace accord::cli

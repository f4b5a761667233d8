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
void RegisterRegister(CLI::App& app, Commands& commands);
void RegisterDeprecate(CLI::App& app, Commands& commands);
void RegisterLs(CLI::App& app, Commands& commands);
void RegisterShow(CLI::App& app, Commands& commands);
void RegisterInit(CLI::App& app, Commands& commands);
void RegisterTest(CLI::App& app, Commands& commands);
void RegisterPublish(CLI::App& app, Commands& commands);
void RegisterCanIDeploy(CLI::App& app, Commands& commands);
void RegisterKey(CLI::App& app, Commands& commands);
void RegisterLint(CLI::App& app, Commands& commands);
void RegisterStore(CLI::App& app, Commands& commands);

}  // namespace accord::cli

// Subcommand registration. Each Register* adds one subcommand to the app and,
// when that subcommand is chosen, sets `commands.run` to the function that
// executes it (returning the process exit code).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace accord::cli {

// The exit codes every command keeps (README "Exit codes"); the footer of
// `accord --help`.
inline constexpr const char* kExitCodesHelp =
    "Exit codes (every command, every --format):\n"
    "  0  ok: done, compatible, valid, deployable\n"
    "  1  refused or broken: incompatible, a contract or check failed, a breaking change\n"
    "     (diff), invalid documents, or the registry refused the request (not found,\n"
    "     401/403 not authorised, a rule such as a sunset too soon)\n"
    "  2  usage or bad input: unknown command or option, bad value, unreadable or\n"
    "     invalid file, or a registry reply that the input is malformed (422)\n"
    "  3  registry unreachable (or not answering like a registry, 5xx)\n";

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
// record-deployment, record-undeployment, environment (deployments.cc).
void RegisterDeployments(CLI::App& app, Commands& commands);
void RegisterKey(CLI::App& app, Commands& commands);
void RegisterLint(CLI::App& app, Commands& commands);
void RegisterStore(CLI::App& app, Commands& commands);
void RegisterAsyncApi(CLI::App& app, Commands& commands);
void RegisterExport(CLI::App& app, Commands& commands);
void RegisterImport(CLI::App& app, Commands& commands);
void RegisterWebhook(CLI::App& app, Commands& commands);
void RegisterConfig(CLI::App& app, Commands& commands);
void RegisterDescribe(CLI::App& app, Commands& commands);
// `app` must outlive the run: the completion scripts are read from its tree.
void RegisterCompletion(CLI::App& app, Commands& commands);

}  // namespace accord::cli

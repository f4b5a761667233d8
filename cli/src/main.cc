// accord: the command-line entry point. Each subcommand lives in its own file
// and registers itself here.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"accord: event schema registry and contract testing"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("accord 0.1.0"));
  accord::cli::Commands commands;
  accord::cli::RegisterValidate(app, commands);
  accord::cli::RegisterServe(app, commands);
  accord::cli::RegisterCheck(app, commands);
  accord::cli::RegisterDiff(app, commands);
  accord::cli::RegisterRegister(app, commands);
  accord::cli::RegisterDeprecate(app, commands);
  accord::cli::RegisterLs(app, commands);
  accord::cli::RegisterShow(app, commands);
  accord::cli::RegisterInit(app, commands);
  accord::cli::RegisterTest(app, commands);
  accord::cli::RegisterPublish(app, commands);
  accord::cli::RegisterCanIDeploy(app, commands);
  accord::cli::RegisterKey(app, commands);
  accord::cli::RegisterStore(app, commands);
  accord::cli::RegisterLint(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  return commands.run ? commands.run() : 2;
}

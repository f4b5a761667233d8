// accord init [--service NAME] [--owner TEAM] [--file accord.yaml] [--force]:
// writes a starting contract file. Refuses to overwrite an existing file
// unless --force. Exit 0 written, 2 usage or the file exists / cannot be written.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "commands.h"
#include "contract_file.h"
#include "registry_flags.h"

namespace accord::cli {
namespace {

struct InitArgs {
  std::string file = "accord.yaml";
  std::string service;
  std::string owner = "team-unknown";
  bool force = false;
};

int RunInit(const InitArgs& args) {
  std::string service = args.service;
  if (service.empty()) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(args.file, ec).parent_path().filename();
    service = dir.empty() ? "my-service" : dir.string();
  }
  std::error_code ec;
  if (!args.force && std::filesystem::exists(args.file, ec)) {
    return ReportUsageError("init", args.file + " already exists (use --force to overwrite it)");
  }
  std::ofstream out(args.file, std::ios::binary | std::ios::trunc);
  const std::string text = StarterContractFile(service, args.owner);
  out << text;
  out.close();
  if (!out) return ReportUsageError("init", "cannot write " + args.file);
  std::printf("wrote %s for service %s\n", args.file.c_str(), service.c_str());
  return kExitOk;
}

}  // namespace

void RegisterInit(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<InitArgs>();
  auto* sub = app.add_subcommand("init", "Write a starting accord.yaml (contract file)");
  sub->add_option("--file,-f", args->file, "where to write it (default accord.yaml)");
  sub->add_option("--service", args->service, "the service's name (default: the directory's)");
  sub->add_option("--owner", args->owner, "the owning team");
  sub->add_flag("--force", args->force, "overwrite an existing file");
  sub->callback([&commands, args]() { commands.run = [args]() { return RunInit(*args); }; });
}

}  // namespace accord::cli

// accord record-deployment --service S --version V --environment ENV
// accord record-undeployment --service S --environment ENV [--version V]
// accord environment create NAME [--owner TEAM] [--production]
//
// Which version of each service runs where (docs/catalog-api.md,
// "Environments"): record-deployment records that S@V (a contract version
// published with `accord publish --version V`) now runs in ENV, replacing
// the version of S recorded there before (one version per service per
// environment); the environment is created on first use. record-undeployment
// removes S from ENV (with --version: only when V is the version recorded).
// `environment create` declares an environment (admins), or changes its
// owner and production flag.
//
// Text output: "recorded: S@V runs in ENV", "recorded: S@V no longer runs in
// ENV", "environment ENV: owner TEAM[, production]". JSON: the registry's
// reply, pretty-printed.
// Exit 0 done; 1 refused by the registry (unknown contract version,
// environment or deployment; not authorised); 2 usage; 3 registry
// unreachable.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct DeploymentArgs {
  std::string service;
  std::string version;
  std::string environment;
  OwnerOptions options;
};

std::string DeploymentPath(const DeploymentArgs& args) {
  return "/accord/v1/environments/" + RegistryClient::Segment(args.environment) + "/deployments/" +
         RegistryClient::Segment(args.service);
}

int RunRecordDeployment(const DeploymentArgs& args) {
  auto client = OpenClient("record-deployment", args.options);
  if (!client) return client.error();
  json::Value body{json::Object{}};
  body.Add("version", args.version);
  auto reply = (*client)->Put(DeploymentPath(args), body);
  if (!reply) return ReportClientError("record-deployment", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  std::printf("recorded: %s@%s runs in %s\n", args.service.c_str(), args.version.c_str(),
              args.environment.c_str());
  return kExitOk;
}

int RunRecordUndeployment(const DeploymentArgs& args) {
  auto client = OpenClient("record-undeployment", args.options);
  if (!client) return client.error();
  std::string path = DeploymentPath(args);
  if (!args.version.empty()) path += "?version=" + RegistryClient::Segment(args.version);
  auto reply = (*client)->Delete(path);
  if (!reply) return ReportClientError("record-undeployment", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  std::printf("recorded: %s@%s no longer runs in %s\n", args.service.c_str(),
              FieldText(*reply, {"version"}).c_str(), args.environment.c_str());
  return kExitOk;
}

struct EnvironmentArgs {
  std::string name;
  std::string owner;
  bool production = false;
  OwnerOptions options;
};

int RunEnvironmentCreate(const EnvironmentArgs& args) {
  auto client = OpenClient("environment", args.options);
  if (!client) return client.error();
  json::Value body{json::Object{}};
  body.Add("owner", args.owner);
  body.Add("production", args.production);
  auto reply =
      (*client)->Put("/accord/v1/environments/" + RegistryClient::Segment(args.name), body);
  if (!reply) return ReportClientError("environment", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  std::printf("environment %s: owner %s%s\n", args.name.c_str(),
              args.owner.empty() ? "(none)" : args.owner.c_str(),
              args.production ? ", production" : "");
  return kExitOk;
}

}  // namespace

void RegisterDeployments(CLI::App& app, Commands& commands) {
  constexpr const char* kExits =
      "\nExit 0 ok, 1 refused by the registry (unknown contract version, environment or "
      "deployment; not authorised), 2 usage, 3 registry unreachable";
  {
    auto args = std::make_shared<DeploymentArgs>();
    auto* sub = app.add_subcommand(
        "record-deployment",
        std::string("Record that a service version (published with publish --version) now runs "
                    "in an environment, replacing the version recorded there before.") +
            kExits);
    sub->add_option("--service", args->service, "the service")->required();
    sub->add_option("--version", args->version, "the service version")->required();
    sub->add_option("--environment", args->environment, "the environment (created on first use)")
        ->required();
    AddOwnerOptions(*sub, args->options);
    sub->callback(
        [&commands, args]() { commands.run = [args]() { return RunRecordDeployment(*args); }; });
  }
  {
    auto args = std::make_shared<DeploymentArgs>();
    auto* sub = app.add_subcommand(
        "record-undeployment",
        std::string("Record that a service no longer runs in an environment.") + kExits);
    sub->add_option("--service", args->service, "the service")->required();
    sub->add_option("--version", args->version, "only when this version is the one recorded there");
    sub->add_option("--environment", args->environment, "the environment")->required();
    AddOwnerOptions(*sub, args->options);
    sub->callback(
        [&commands, args]() { commands.run = [args]() { return RunRecordUndeployment(*args); }; });
  }
  {
    auto args = std::make_shared<EnvironmentArgs>();
    auto* env = app.add_subcommand("environment", "Declare deployment environments (admins)");
    env->require_subcommand(1);
    auto* sub = env->add_subcommand(
        "create", std::string("Declare an environment, or change its owner and production flag "
                              "(admins only).") +
                      kExits);
    sub->add_option("name", args->name, "the environment's name")->required();
    sub->add_option("--owner", args->owner, "the owning team");
    sub->add_flag("--production", args->production, "a production environment");
    AddOwnerOptions(*sub, args->options);
    sub->callback(
        [&commands, args]() { commands.run = [args]() { return RunEnvironmentCreate(*args); }; });
  }
}

}  // namespace accord::cli

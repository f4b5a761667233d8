// accord can-i-deploy [--service S] [--file accord.yaml] [--format F] [registry flags]:
// answers from the registry alone whether a service's published contracts
// hold in both directions: every version its consumed subjects' accepted
// versions is readable with its published reader schema (lifecycle as in
// `accord test`), and the latest version of every subject it produces
// satisfies every registered consumer. The service defaults to the one in
// the contract file, when there is one. Exit 0 yes, 1 no (or the service is
// not published), 2 bad usage, 3 registry unreachable.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "check_support.h"
#include "commands.h"
#include "contract_catalog.h"
#include "contract_checks.h"
#include "contract_file.h"
#include "contract_report.h"
#include "registry_flags.h"

namespace accord::cli {
namespace {

struct DeployArgs {
  std::string service;
  std::string file = "accord.yaml";
  std::string format = "text";
  RegistryFlags registry;
};

int SchemaError(const Error& error) {
  PrintError("can-i-deploy", error);
  return kExitUnreachable;  // the registry served a schema we cannot read
}

// Consumed side: every accepted version against the published reader.
int CheckConsumes(RegistryClient& client, const PublishedService& service,
                  jsonschema::Dialect dialect, RunReport& report) {
  for (const PublishedReader& r : service.consumes) {
    auto reader = ParseRegistrySchema(r.schema, r.schema_type,
                                      service.name + "'s reader of " + r.subject, dialect);
    if (!reader) return SchemaError(reader.error());
    auto policy = FetchPolicy(client, r.subject);
    if (!policy) return ReportClientError("can-i-deploy", policy.error());
    auto history = FetchHistory(client, r.subject);
    if (!history) return ReportClientError("can-i-deploy", history.error());
    auto checks =
        CheckConsumed(r.subject, *reader, r.versions, *history, policy->policy, TodayUtc());
    if (!checks) return SchemaError(checks.error());
    for (CheckResult& c : *checks) report.checks.push_back(std::move(c));
  }
  return kExitOk;
}

// Produced side: the latest version against every consumer's reader.
int CheckProduces(RegistryClient& client, const PublishedService& service,
                  jsonschema::Dialect dialect, RunReport& report) {
  for (const std::string& subject : service.produces) {
    auto history = FetchHistory(client, subject);
    if (!history) return ReportClientError("can-i-deploy", history.error());
    if (history->empty()) {
      CheckResult missing;
      missing.subject = subject;
      missing.name = "registered";
      missing.status = CheckStatus::kFail;
      missing.problems.push_back(Problem{
          false, subject + " has no live version in the registry", {}, 0, {}, {}, {}, {}, {}});
      report.checks.push_back(std::move(missing));
      continue;
    }
    const RegistryVersion& latest = history->back();
    auto producer = ParseRegistryVersion(latest, dialect);
    if (!producer) return SchemaError(producer.error());
    auto policy = FetchPolicy(client, subject);
    if (!policy) return ReportClientError("can-i-deploy", policy.error());
    auto consumers = FetchConsumers(client, subject);
    if (!consumers) return ReportClientError("can-i-deploy", consumers.error());
    auto checks =
        CheckConsumers(subject, *producer, latest.version, {}, *consumers, policy->policy);
    if (!checks) return SchemaError(checks.error());
    for (CheckResult& c : *checks) report.checks.push_back(std::move(c));
  }
  return kExitOk;
}

// Problems about schemas only the registry holds name no file; when the
// service's own contract file is at hand, point them at the line of
// `contract` that declares the subject (consumes entry first: the reader;
// else the produces entry), so CI annotations land on a real file and line.
// (An entry from an AsyncAPI document points at its operation there.)
void PointAtContract(const ContractFile& contract, RunReport& report) {
  for (CheckResult& c : report.checks) {
    const std::string* file = nullptr;
    int line = 0;
    for (const ConsumedEvent& e : contract.consumes) {
      if (e.subject == c.subject) std::tie(file, line) = std::pair(&e.file, e.line);
    }
    if (line == 0) {
      for (const ProducedEvent& e : contract.produces) {
        if (e.subject == c.subject) std::tie(file, line) = std::pair(&e.file, e.line);
      }
    }
    if (line == 0) continue;
    for (Problem& p : c.problems) {
      if (!p.file.empty()) continue;
      p.file = *file;
      p.line = line;
    }
  }
}

int RunCanIDeploy(const DeployArgs& args) {
  std::string service = args.service;
  std::string from_file;
  std::optional<ContractFile> contract;
  std::error_code ec;
  if (std::filesystem::exists(args.file, ec)) {
    auto loaded = LoadContractFile(args.file);
    if (!loaded) {
      PrintError("can-i-deploy", loaded.error());
      return kExitBadUsage;
    }
    contract = std::move(*loaded);
    if (service.empty()) service = contract->service;
    from_file = contract->registry;
  }
  if (service.empty()) {
    return ReportUsageError("can-i-deploy",
                            "no service: use --service NAME (or run it next to "
                            "the service's accord.yaml)");
  }
  auto options = MakeClientOptions(args.registry, from_file);
  if (!options) return ReportUsageError("can-i-deploy", options.error());
  RegistryClient client(std::move(*options));
  auto published = FetchService(client, service);
  if (!published) return ReportClientError("can-i-deploy", published.error());
  if (!*published) {
    std::fprintf(stderr,
                 "accord can-i-deploy: error: service %s is not published in %s (run accord "
                 "publish first)\n",
                 service.c_str(), client.base_url().c_str());
    return kExitRefused;
  }
  RunReport report;
  report.command = "can-i-deploy";
  report.service = service;
  report.registry = client.base_url();
  // The contract file's dialect, when it is the service's own file.
  const jsonschema::Dialect dialect = contract && contract->service == service && contract->dialect
                                          ? *contract->dialect
                                          : jsonschema::kDefaultDialect;
  if (int rc = CheckConsumes(client, **published, dialect, report); rc != kExitOk) return rc;
  if (int rc = CheckProduces(client, **published, dialect, report); rc != kExitOk) return rc;
  if (contract && contract->service == service) PointAtContract(*contract, report);
  RenderOptions render;
  render.format = *RunFormatFromString(args.format);
  std::string out = RenderRun(report, render);
  if (render.format == RunFormat::kText) {
    out += "can-i-deploy " + service + ": " + (report.passed() ? "yes" : "no") + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return report.passed() ? kExitOk : kExitRefused;
}

}  // namespace

void RegisterCanIDeploy(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<DeployArgs>();
  auto* sub = app.add_subcommand(
      "can-i-deploy",
      "Whether a service's published contracts are satisfied by everything registered, in "
      "both directions (from the registry alone).\nExit 0 yes, 1 no, 2 usage, 3 registry "
      "unreachable");
  sub->add_option("--service", args->service, "the service (default: accord.yaml's)");
  sub->add_option("--file,-f", args->file, "contract file for the default service and registry");
  sub->add_option("--format", args->format, "text (default), json, junit or github")
      ->check(NameValidator("FORMAT", RunFormatFromString, kFormatNames));
  AddRegistryFlags(*sub, args->registry);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunCanIDeploy(*args); }; });
}

}  // namespace accord::cli

// accord can-i-deploy [--service S] [--file accord.yaml] [--format F] [registry flags]:
// answers from the registry alone whether a service's published contracts
// hold in both directions: every version its consumed subjects' accepted
// versions is readable with its published reader schema (lifecycle as in
// `accord test`), and the latest version of every subject it produces
// satisfies every registered consumer. The service defaults to the one in
// the contract file, when there is one.
//
// With --version V --to ENV: whether SERVICE@V (its contract version, as
// `accord publish --version V` stored it) can run next to the versions
// recorded in ENV (the service's own recorded version is the one it
// replaces), in both directions:
//  * produced: for each event SERVICE@V produces (the schema id it
//    publishes, hence a version of the subject), every service deployed in
//    ENV that consumes that subject accepts that version and reads it with
//    its reader schema ("consumer shipping@1 (team)"). No deployed consumer
//    passes.
//  * consumed: for each event SERVICE@V consumes, every service deployed in
//    ENV that produces it writes a version SERVICE@V accepts and can read
//    ("producer orders@2: version 1 readable"). No deployed producer of it
//    warns (nothing to read yet: consumers may go first).
// Exit 0 yes, 1 no (or the service, contract version or environment is not
// published), 2 bad usage, 3 registry unreachable.
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
  std::string version;      // --version: the contract version to check
  std::string environment;  // --to
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
    auto reader = ParsePublishedReader(r, service.name + "'s reader of " + r.subject, dialect);
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

// --- against an environment (--version V --to ENV) -----------------------------

// The registry version of `subject` holding schema `id`, from its history.
const RegistryVersion* VersionWithId(const std::vector<RegistryVersion>& history, std::int64_t id) {
  for (const RegistryVersion& v : history) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

CheckResult Failed(const std::string& subject, std::string name, std::string message) {
  CheckResult c;
  c.subject = subject;
  c.name = std::move(name);
  c.status = CheckStatus::kFail;
  c.problems.push_back(Problem{false, std::move(message), {}, 0, {}, {}, {}, {}, {}});
  return c;
}

std::string At(const PublishedContract& c) { return c.service + "@" + c.version; }

// Produced side: each event the candidate produces against every consumer
// of it deployed in the environment (CheckConsumers for one consumer, named
// SERVICE@VERSION; a version it does not accept fails here, since that
// consumer would receive it).
int CheckProducesIn(RegistryClient& client, const PublishedContract& candidate,
                    const EnvironmentState& env, jsonschema::Dialect dialect, RunReport& report) {
  for (const PublishedProduced& p : candidate.produces) {
    auto history = FetchHistory(client, p.subject);
    if (!history) return ReportClientError("can-i-deploy", history.error());
    const RegistryVersion* version = VersionWithId(*history, p.id);
    if (version == nullptr) {
      report.checks.push_back(Failed(
          p.subject, "registered",
          "schema id " + std::to_string(p.id) + " is no longer a live version of " + p.subject));
      continue;
    }
    auto producer = ParseRegistryVersion(*version, dialect);
    if (!producer) return SchemaError(producer.error());
    auto policy = FetchPolicy(client, p.subject);
    if (!policy) return ReportClientError("can-i-deploy", policy.error());
    bool any = false;
    for (const PublishedContract& deployed : env.deployed) {
      if (deployed.service == candidate.service) continue;  // the version it replaces
      for (PublishedReader reader : deployed.consumes) {
        if (reader.subject != p.subject) continue;
        any = true;
        reader.service = At(deployed);
        if (!reader.versions.Accepts(version->version)) {
          report.checks.push_back(
              Failed(p.subject, "consumer " + reader.service,
                     "breaks consumer " + reader.service +
                         (reader.owner.empty() ? "" : " (owner " + reader.owner + ")") +
                         ": it accepts versions " + reader.versions.ToString() + ", not version " +
                         std::to_string(version->version)));
          continue;
        }
        auto checks =
            CheckConsumers(p.subject, *producer, version->version, {}, {reader}, policy->policy);
        if (!checks) return SchemaError(checks.error());
        for (CheckResult& c : *checks) report.checks.push_back(std::move(c));
      }
    }
    if (!any) {
      CheckResult none;
      none.subject = p.subject;
      none.name = "consumers";
      none.detail = "none deployed in " + env.name;
      report.checks.push_back(std::move(none));
    }
  }
  return kExitOk;
}

// Consumed side: each event the candidate consumes against every producer of
// it deployed in the environment (CheckConsumed for the one version that
// producer writes).
int CheckConsumesIn(RegistryClient& client, const PublishedContract& candidate,
                    const EnvironmentState& env, jsonschema::Dialect dialect, RunReport& report) {
  for (const PublishedReader& r : candidate.consumes) {
    auto reader = ParsePublishedReader(r, candidate.service + "'s reader of " + r.subject, dialect);
    if (!reader) return SchemaError(reader.error());
    auto policy = FetchPolicy(client, r.subject);
    if (!policy) return ReportClientError("can-i-deploy", policy.error());
    auto history = FetchHistory(client, r.subject);
    if (!history) return ReportClientError("can-i-deploy", history.error());
    bool any = false;
    for (const PublishedContract& deployed : env.deployed) {
      if (deployed.service == candidate.service) continue;
      for (const PublishedProduced& p : deployed.produces) {
        if (p.subject != r.subject) continue;
        any = true;
        const std::string name = "producer " + At(deployed);
        const RegistryVersion* version = VersionWithId(*history, p.id);
        if (version == nullptr) {
          report.checks.push_back(Failed(r.subject, name,
                                         "writes schema id " + std::to_string(p.id) +
                                             ", no longer a live version of " + r.subject));
          continue;
        }
        if (!r.versions.Accepts(version->version)) {
          report.checks.push_back(Failed(r.subject, name,
                                         "writes version " + std::to_string(version->version) +
                                             ", not among the accepted versions " +
                                             r.versions.ToString()));
          continue;
        }
        auto checks =
            CheckConsumed(r.subject, *reader, r.versions, {*version}, policy->policy, TodayUtc());
        if (!checks) return SchemaError(checks.error());
        for (CheckResult& c : *checks) {
          c.name = name + ": " + c.name;
          report.checks.push_back(std::move(c));
        }
      }
    }
    if (!any) {
      CheckResult none;
      none.subject = r.subject;
      none.name = "producers";
      none.status = CheckStatus::kWarn;
      none.detail = "none deployed in " + env.name;
      none.problems.push_back(Problem{true,
                                      "no service deployed in " + env.name + " produces " +
                                          r.subject + " (nothing to read there yet)",
                                      {},
                                      0,
                                      {},
                                      {},
                                      {},
                                      {},
                                      {}});
      report.checks.push_back(std::move(none));
    }
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

// Prints the report in the chosen format (text ends with "can-i-deploy
// ANSWER: yes|no"); the exit code.
int Render(const DeployArgs& args, const std::optional<ContractFile>& contract,
           const std::string& service, const std::string& answer, RunReport& report) {
  if (contract && contract->service == service) PointAtContract(*contract, report);
  RenderOptions render;
  render.format = *RunFormatFromString(args.format);
  std::string out = RenderRun(report, render);
  if (render.format == RunFormat::kText) {
    out += "can-i-deploy " + answer + ": " + (report.passed() ? "yes" : "no") + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return report.passed() ? kExitOk : kExitRefused;
}

// Tells the registry that the check against `environment` failed, so that it
// announces deploy.check_failed to its webhooks (the check itself runs here,
// with witnesses the registry does not compute). The answer does not depend
// on it: a refusal (a key that may not write for the service, an older
// registry) is one line on stderr.
void AnnounceFailure(RegistryClient& client, const std::string& environment,
                     const std::string& service, const std::string& version,
                     const RunReport& report) {
  json::Array breaks;
  for (const CheckResult& c : report.checks) {
    if (c.status != CheckStatus::kFail) continue;
    std::string reason;
    std::string peer;
    for (const Problem& p : c.problems) {
      if (p.warning) continue;
      if (peer.empty()) peer = p.consumer;
      if (reason.empty()) reason = p.message;
    }
    json::Value o{json::Object{}};
    o.Add("subject", c.subject.substr(0, 1024));
    o.Add("peer", (peer.empty() ? c.name : peer).substr(0, 1024));
    o.Add("reason", (reason.empty() ? c.detail : reason).substr(0, 1024));
    breaks.push_back(std::move(o));
    if (breaks.size() == 1000) break;
  }
  json::Value body{json::Object{}};
  body.Add("service", service);
  body.Add("version", version);
  body.Add("breaks", json::Value(std::move(breaks)));
  auto r = client.Post(
      "/accord/v1/environments/" + RegistryClient::Segment(environment) + "/failed-checks", body);
  if (!r) {
    std::fprintf(stderr,
                 "accord can-i-deploy: note: the registry was not told of the failure: %s\n",
                 r.error().message.c_str());
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
  // A version alone (as $ACCORD_SERVICE_VERSION is in CI) keeps today's
  // answer; --to needs one.
  if (!args.environment.empty() && args.version.empty()) {
    return ReportUsageError("can-i-deploy",
                            "--to needs the service version: --version V (or "
                            "$ACCORD_SERVICE_VERSION)");
  }
  auto options = MakeClientOptions(args.registry, from_file);
  if (!options) return ReportUsageError("can-i-deploy", options.error());
  RegistryClient client(std::move(*options));
  // The contract file's dialect, when it is the service's own file.
  const jsonschema::Dialect dialect = contract && contract->service == service && contract->dialect
                                          ? *contract->dialect
                                          : jsonschema::kDefaultDialect;
  RunReport report;
  report.command = "can-i-deploy";
  report.service = service;
  report.registry = client.base_url();
  std::string answer = service;
  if (!args.environment.empty()) {
    auto candidate = FetchContract(client, service, args.version);
    if (!candidate) return ReportClientError("can-i-deploy", candidate.error());
    if (!*candidate) {
      std::fprintf(stderr,
                   "accord can-i-deploy: error: version %s of service %s is not published in %s "
                   "(run accord publish --version %s first)\n",
                   args.version.c_str(), service.c_str(), client.base_url().c_str(),
                   args.version.c_str());
      return kExitRefused;
    }
    auto env = FetchEnvironment(client, args.environment);
    if (!env) return ReportClientError("can-i-deploy", env.error());
    // An environment nobody recorded a deployment in yet runs nothing.
    const EnvironmentState state = env->value_or(EnvironmentState{args.environment, false, {}});
    report.service = service + "@" + args.version;
    answer = report.service + " to " + args.environment;
    if (int rc = CheckConsumesIn(client, **candidate, state, dialect, report); rc != kExitOk) {
      return rc;
    }
    if (int rc = CheckProducesIn(client, **candidate, state, dialect, report); rc != kExitOk) {
      return rc;
    }
    if (!report.passed()) AnnounceFailure(client, args.environment, service, args.version, report);
    return Render(args, contract, service, answer, report);
  }
  auto published = FetchService(client, service);
  if (!published) return ReportClientError("can-i-deploy", published.error());
  if (!*published) {
    std::fprintf(stderr,
                 "accord can-i-deploy: error: service %s is not published in %s (run accord "
                 "publish first)\n",
                 service.c_str(), client.base_url().c_str());
    return kExitRefused;
  }
  if (int rc = CheckConsumes(client, **published, dialect, report); rc != kExitOk) return rc;
  if (int rc = CheckProduces(client, **published, dialect, report); rc != kExitOk) return rc;
  return Render(args, contract, service, answer, report);
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
  sub->add_option("--version", args->version,
                  "with --to: the service version to check (published with publish --version); "
                  "without --to it changes nothing")
      ->envname("ACCORD_SERVICE_VERSION");
  sub->add_option("--to", args->environment,
                  "check against the versions deployed in this environment (with --version)");
  sub->add_option("--file,-f", args->file, "contract file for the default service and registry");
  sub->add_option("--format", args->format, "text (default), json, junit or github")
      ->check(NameValidator("FORMAT", RunFormatFromString, kFormatNames));
  AddRegistryFlags(*sub, args->registry);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunCanIDeploy(*args); }; });
}

}  // namespace accord::cli

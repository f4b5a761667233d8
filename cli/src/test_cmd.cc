// accord test [--file accord.yaml] [--offline | --allow-offline] [--format F] [--quiet]:
// the contract tests of one service (checks 1-4 of contract_checks.h).
// Exit 0 every check passed (warnings allowed), 1 a contract is broken,
// 2 bad usage or a bad contract/schema file, 3 registry unreachable (unless
// --allow-offline, which then skips the registry checks and says so).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check_support.h"
#include "commands.h"
#include "contract_checks.h"
#include "contract_file.h"
#include "contract_report.h"
#include "registry_flags.h"

namespace accord::cli {
namespace {

// Progress goes to stderr when a run validates at least this many examples.
constexpr std::size_t kProgressThreshold = 200;

struct TestArgs {
  std::string file = "accord.yaml";
  bool offline = false;
  bool allow_offline = false;
  std::string format = "text";
  bool quiet = false;
  std::string dialect;  // empty: the contract file's, else kDefaultDialect
  RegistryFlags registry;
};

class TestRun {
 public:
  TestRun(const TestArgs& args, ContractFile contract)
      : args_(args), contract_(std::move(contract)) {
    report_.service = contract_.service;
    report_.file = contract_.file;
  }

  // The exit code.
  int Run() {
    // --dialect, else the contract file's `dialect:`, else the default.
    jsonschema::Dialect dialect = contract_.dialect.value_or(jsonschema::kDefaultDialect);
    if (!args_.dialect.empty()) dialect = *DialectOrDefault(args_.dialect);
    // Connected first: `references:` may name registered versions.
    if (int rc = Connect(); rc != kExitOk) return rc;
    auto schemas = LoadContractSchemas(contract_, dialect, client_.get());
    if (!schemas) return Fail(schemas.error());
    const std::vector<ContractSchema>& produced = schemas->produced;
    const std::vector<ContractSchema>& readers = schemas->readers;
    ShowProgress();
    for (std::size_t i = 0; i < produced.size(); ++i) {
      if (int rc = Produced(contract_.produces[i], produced[i]); rc != kExitOk) return rc;
    }
    for (std::size_t i = 0; i < readers.size(); ++i) {
      if (int rc = Consumed(contract_.consumes[i], readers[i]); rc != kExitOk) return rc;
    }
    RenderOptions options;
    options.format = *RunFormatFromString(args_.format);
    options.quiet = args_.quiet;
    options.colour = options.format == RunFormat::kText && ::isatty(STDOUT_FILENO) == 1 &&
                     std::getenv("NO_COLOR") == nullptr;
    report_.registry = client_ ? client_->base_url() : std::string();
    std::string out = RenderRun(report_, options);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return report_.passed() ? kExitOk : kExitRefused;
  }

 private:
  int Fail(const Error& error) {
    PrintError("test", error);
    return kExitBadUsage;
  }

  int Connect() {
    if (args_.offline) {
      offline_reason_ = "offline";
      return kExitOk;
    }
    auto options = MakeClientOptions(args_.registry, contract_.registry);
    if (!options) {
      if (args_.allow_offline) {
        offline_reason_ = "offline: no registry given";
        return kExitOk;
      }
      return ReportUsageError("test", options.error() + " (or run with --offline)");
    }
    client_ = std::make_unique<RegistryClient>(std::move(*options));
    return kExitOk;
  }

  void ShowProgress() const {
    std::size_t examples = 0;
    for (const ProducedEvent& p : contract_.produces) examples += p.examples.size();
    if (args_.quiet || examples < kProgressThreshold) return;
    std::fprintf(stderr, "accord test: validating %zu example files of %zu subjects...\n", examples,
                 contract_.produces.size());
  }

  // A registry failure: unreachable with --allow-offline goes offline (0),
  // anything else ends the run with its exit code.
  int RegistryFailed(const ClientError& error) {
    if (error.kind == ClientError::Kind::kUnreachable && args_.allow_offline) {
      std::fprintf(stderr, "accord test: warning: %s; running the offline checks only\n",
                   error.ToString().c_str());
      client_.reset();
      offline_reason_ = "offline: registry unreachable";
      return kExitOk;
    }
    return ReportClientError("test", error);
  }

  void Skip(const std::string& subject, std::string name) {
    CheckResult skipped;
    skipped.subject = subject;
    skipped.name = std::move(name);
    skipped.status = CheckStatus::kSkip;
    skipped.detail = offline_reason_;
    report_.checks.push_back(std::move(skipped));
  }

  int Produced(const ProducedEvent& event, const ContractSchema& schema) {
    auto examples = CheckExamples(event.subject, schema, event.examples, "");
    if (!examples) return Fail(examples.error());
    report_.checks.push_back(std::move(*examples));
    if (client_) {
      auto rc = ProducedOnline(event, schema);
      if (!rc) return rc.error();
    }
    if (!client_) {
      Skip(event.subject, "compatible with the registry's versions");
      Skip(event.subject, "consumers");
    }
    return kExitOk;
  }

  // Checks 2 and 3. Unexpected value: the exit code to stop with (0: went
  // offline, the caller adds the skips).
  std::expected<void, int> ProducedOnline(const ProducedEvent& event,
                                          const ContractSchema& schema) {
    auto policy = FetchPolicy(*client_, event.subject, event.compatibility);
    if (!policy) return Stop(policy.error());
    auto state = FetchProducedState(*client_, event.subject, schema);
    if (!state) return Stop(state.error());
    auto consumers = FetchConsumers(*client_, event.subject);
    if (!consumers) return Stop(consumers.error());
    auto history = CheckAgainstHistory(event.subject, schema, *state, *policy);
    if (!history) return std::unexpected(Fail(history.error()));
    report_.checks.push_back(std::move(*history));
    auto checks = CheckConsumers(event.subject, schema, state->candidate_version, event.examples,
                                 *consumers, policy->policy);
    if (!checks) return std::unexpected(Fail(checks.error()));
    for (CheckResult& c : *checks) report_.checks.push_back(std::move(c));
    return {};
  }

  std::expected<void, int> Stop(const ClientError& error) {
    int rc = RegistryFailed(error);
    if (rc != kExitOk) return std::unexpected(rc);
    return {};
  }

  int Consumed(const ConsumedEvent& event, const ContractSchema& reader) {
    if (client_) {
      auto rc = ConsumedOnline(event, reader);
      if (!rc) return rc.error();
    }
    if (!client_) Skip(event.subject, "producer versions readable");
    return kExitOk;
  }

  std::expected<void, int> ConsumedOnline(const ConsumedEvent& event,
                                          const ContractSchema& reader) {
    auto policy = FetchPolicy(*client_, event.subject);
    if (!policy) return Stop(policy.error());
    auto history = FetchHistory(*client_, event.subject);
    if (!history) return Stop(history.error());
    auto checks =
        CheckConsumed(event.subject, reader, event.versions, *history, policy->policy, TodayUtc());
    if (!checks) return std::unexpected(Fail(checks.error()));
    for (CheckResult& c : *checks) report_.checks.push_back(std::move(c));
    return {};
  }

  const TestArgs& args_;
  ContractFile contract_;
  RunReport report_;
  std::unique_ptr<RegistryClient> client_;
  std::string offline_reason_;
};

int RunTest(const TestArgs& args) {
  if (args.offline && args.allow_offline) {
    return ReportUsageError("test", "--offline and --allow-offline exclude each other");
  }
  auto contract = LoadContractFile(args.file);
  if (!contract) {
    PrintError("test", contract.error());
    return kExitBadUsage;
  }
  return TestRun(args, std::move(*contract)).Run();
}

}  // namespace

void RegisterTest(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<TestArgs>();
  auto* sub = app.add_subcommand(
      "test",
      "Run a service's contract tests (accord.yaml): examples, compatibility with the "
      "registry's versions, with every consumer, and of every consumed version.\n"
      "Exit 0 pass, 1 a contract is broken, 2 bad usage or file, 3 registry unreachable");
  sub->add_option("--file,-f", args->file, "the contract file (default accord.yaml)");
  sub->add_flag("--offline", args->offline, "run only the checks that need no registry");
  sub->add_flag("--allow-offline", args->allow_offline,
                "when no registry is given or reachable, run the offline checks instead of "
                "exiting 3");
  sub->add_option("--format", args->format, "text (default), json, junit or github")
      ->check(NameValidator("FORMAT", RunFormatFromString, kFormatNames));
  sub->add_flag("--quiet,-q", args->quiet, "no progress; text lists only failures and warnings");
  AddDialectOption(sub, &args->dialect);
  AddRegistryFlags(*sub, args->registry);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunTest(*args); }; });
}

}  // namespace accord::cli

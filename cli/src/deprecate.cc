// accord deprecate SUBJECT --version N --sunset YYYY-MM-DD --reason "…"
//                  [--replacement M]
// accord deprecate SUBJECT --version N --undo
//
// Marks a version DEPRECATED until its sunset date (RETIRED from then on), or
// makes it ACTIVE again, over PUT / DELETE
// /accord/v1/subjects/{s}/versions/{v}/deprecation.
//
// Text output: "deprecated SUBJECT version N: sunset DATE[, replacement
// version M]", then who fetched the version in the last 30 days (GET
// .../versions/{v}/readers: "readers in the last 30 days: none", or one
// "  PRINCIPAL (USER AGENT): N reads, last YYYY-MM-DD" line each; nothing
// when the registry cannot say), or "undeprecated SUBJECT version N: ACTIVE".
// JSON output: the server's reply (the version with its state), pretty-printed.
// Exit 0 done; 1 refused by the registry (unknown subject or version, not
// allowed, a sunset sooner than its notice period or a replacement it refuses:
// 42210); 2 usage (bad date, missing --sunset/--reason); 3 registry
// unreachable.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct DeprecateArgs {
  std::string subject;
  int version = 0;
  std::string sunset;
  std::string reason;
  int replacement = 0;
  bool undo = false;
  OwnerOptions options;
};

// Empty when the arguments fit together, else why not.
std::string CheckArguments(const DeprecateArgs& args) {
  if (args.undo) {
    if (!args.sunset.empty() || !args.reason.empty() || args.replacement != 0) {
      return "--undo takes no --sunset, --reason or --replacement";
    }
    return {};
  }
  if (args.sunset.empty() || args.reason.empty()) {
    return "--sunset and --reason are required (or --undo to remove a deprecation)";
  }
  if (!IsCalendarDate(args.sunset)) {
    return "--sunset '" + args.sunset + "' is not a date written YYYY-MM-DD";
  }
  if (args.replacement == args.version) {
    return "--replacement must name another version than --version";
  }
  return {};
}

// "YYYY-MM-DD" (UTC) of Unix milliseconds.
std::string DateOf(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The readers the registry saw in the last 30 days (the people a
// deprecation should reach); nothing when it cannot say (an older registry).
void PrintRecentReaders(RegistryClient& client, const std::string& version_path) {
  auto rows = client.Get(version_path + "/readers");
  if (!rows || !rows->IsArray()) return;
  constexpr std::int64_t kWindowMs = 30LL * 86'400'000;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::string lines;
  int n = 0;
  for (const json::Value& r : rows->AsArray()) {
    const json::Value* last = r.IsObject() ? r.Find("lastSeen") : nullptr;
    const json::Value* count = r.IsObject() ? r.Find("count") : nullptr;
    if (last == nullptr || !last->IsInteger() || count == nullptr || !count->IsInteger()) continue;
    const std::int64_t last_ms = last->AsNumber().AsInt();
    if (last_ms < now - kWindowMs) continue;
    const std::string agent = FieldText(r, {"userAgent"}, "");
    lines += "  " + FieldText(r, {"principal"}, "?") + (agent.empty() ? "" : " (" + agent + ")") +
             ": " + std::to_string(count->AsNumber().AsInt()) + " reads, last " + DateOf(last_ms) +
             "\n";
    ++n;
  }
  if (n == 0) {
    std::printf("readers in the last 30 days: none\n");
  } else {
    std::printf("readers in the last 30 days:\n%s", lines.c_str());
  }
}

int RunDeprecate(const DeprecateArgs& args) {
  if (std::string problem = CheckArguments(args); !problem.empty()) {
    return ReportUsageError("deprecate", problem);
  }
  auto client = OpenClient("deprecate", args.options);
  if (!client) return client.error();
  const std::string path = "/accord/v1/subjects/" + RegistryClient::Segment(args.subject) +
                           "/versions/" + std::to_string(args.version) + "/deprecation";
  ClientResult<json::Value> reply;
  if (args.undo) {
    reply = (*client)->Delete(path);
  } else {
    json::Value body{json::Object{}};
    body.Add("sunset", args.sunset);
    body.Add("reason", args.reason);
    if (args.replacement != 0) body.Add("replacement", args.replacement);
    reply = (*client)->Put(path, body);
  }
  if (!reply) return ReportClientError("deprecate", reply.error());

  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  const std::string what = args.subject + " version " + std::to_string(args.version);
  if (args.undo) {
    std::printf("undeprecated %s: %s\n", what.c_str(),
                FieldText(*reply, {"state"}, "ACTIVE").c_str());
    return kExitOk;
  }
  std::string line = "deprecated " + what + ": sunset " + args.sunset;
  if (args.replacement != 0) line += ", replacement version " + std::to_string(args.replacement);
  std::printf("%s\n", line.c_str());
  PrintRecentReaders(**client, "/accord/v1/subjects/" + RegistryClient::Segment(args.subject) +
                                   "/versions/" + std::to_string(args.version));
  return kExitOk;
}

}  // namespace

void RegisterDeprecate(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<DeprecateArgs>();
  auto* sub = app.add_subcommand(
      "deprecate",
      "Deprecate a version with a sunset date (or --undo it).\n"
      "Exit 0 ok, 1 refused by the registry (unknown subject or version, not authorised, a rule "
      "such as a sunset too soon), 2 usage, 3 registry unreachable");
  sub->add_option("subject", args->subject, "Subject name")->required();
  sub->add_option("--version", args->version, "The version to deprecate")
      ->required()
      ->check(CLI::PositiveNumber);
  sub->add_option("--sunset", args->sunset, "Sunset date YYYY-MM-DD (UTC): RETIRED from then on");
  sub->add_option("--reason", args->reason, "Why, shown to consumers");
  sub->add_option("--replacement", args->replacement, "The version consumers should move to")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--undo", args->undo, "Remove the deprecation: the version is ACTIVE again");
  AddOwnerOptions(*sub, args->options);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunDeprecate(*args); }; });
}

}  // namespace accord::cli

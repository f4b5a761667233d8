// accord config get [SUBJECT]
// accord config set [SUBJECT] [--compatibility LEVEL] [--policy POLICY] [--mode MODE]
//
// A subject's compatibility level, Accord's compatibility policy (strict or
// lenient: how far JSON Schema checks reason) and mode, or the global ones
// when no SUBJECT is given, over Confluent's /config and /mode. `get` shows
// what applies (a subject without its own setting has the global one:
// defaultToGlobal). `set` changes only what it is given: the level and the
// policy in one PUT /config[/{s}], the mode in one PUT /mode[/{s}] (two
// settings, two requests; each refused or done whole), then shows the
// result as `get` does.
//
// Text output: "subject: S" (or "global"), then "compatibility: LEVEL",
// "policy: POLICY", "mode: MODE", one a line. JSON output: {"subject": S or
// null, "compatibility", "policy", "mode"}.
// Exit 0 done; 1 refused by the registry (not the owner or an admin, an
// unknown subject); 2 usage (set without a setting); 3 registry unreachable.
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "accord/compat/mode.h"
#include "check_support.h"
#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct ConfigArgs {
  std::string subject;  // empty: global
  std::string level;
  std::string policy;
  std::string mode;
  OwnerOptions options;
};

const std::vector<std::string> kModeNames = {"READWRITE", "READONLY", "IMPORT"};

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// "/config" or "/config/{s}" (likewise "/mode").
std::string ScopePath(std::string_view what, const std::string& subject) {
  std::string path = "/" + std::string(what);
  if (!subject.empty()) path += "/" + RegistryClient::Segment(subject);
  return path;
}

int Show(RegistryClient& client, const ConfigArgs& args, std::string_view command) {
  const std::string query = args.subject.empty() ? "" : "?defaultToGlobal=true";
  auto config = client.Get(ScopePath("config", args.subject) + query);
  if (!config) return ReportClientError(command, config.error());
  auto mode = client.Get(ScopePath("mode", args.subject) + query);
  if (!mode) return ReportClientError(command, mode.error());
  const std::string level = FieldText(*config, {"compatibilityLevel", "compatibility"});
  // A registry that does not know Accord's policy checks as strict does.
  const std::string policy = FieldText(*config, {"compatibilityPolicy"}, "STRICT");
  const std::string mode_name = FieldText(*mode, {"mode"});
  if (args.options.Format() == OwnerFormat::kJson) {
    json::Value out{json::Object{}};
    out.Add("subject", args.subject.empty() ? json::Value() : json::Value(args.subject));
    out.Add("compatibility", level);
    out.Add("policy", policy);
    out.Add("mode", mode_name);
    PrintJson(out);
    return kExitOk;
  }
  const std::string scope = args.subject.empty() ? "global" : "subject: " + args.subject;
  std::printf("%s\ncompatibility: %s\npolicy: %s\nmode: %s\n", scope.c_str(), level.c_str(),
              policy.c_str(), mode_name.c_str());
  return kExitOk;
}

int RunGet(const ConfigArgs& args) {
  auto client = OpenClient("config get", args.options);
  if (!client) return client.error();
  return Show(**client, args, "config get");
}

int RunSet(const ConfigArgs& args) {
  if (args.level.empty() && args.policy.empty() && args.mode.empty()) {
    return ReportUsageError("config set",
                            "nothing to set: give --compatibility, --policy and/or --mode");
  }
  auto client = OpenClient("config set", args.options);
  if (!client) return client.error();
  RegistryClient& registry = **client;
  if (!args.level.empty() || !args.policy.empty()) {
    json::Value body{json::Object{}};
    if (!args.level.empty()) body.Add("compatibility", Upper(args.level));
    if (!args.policy.empty()) body.Add("compatibilityPolicy", Upper(args.policy));
    auto put = registry.Put(ScopePath("config", args.subject), body);
    if (!put) return ReportClientError("config set", put.error());
  }
  if (!args.mode.empty()) {
    json::Value body{json::Object{}};
    body.Add("mode", Upper(args.mode));
    auto put = registry.Put(ScopePath("mode", args.subject), body);
    if (!put) return ReportClientError("config set", put.error());
  }
  return Show(registry, args, "config set");
}

}  // namespace

void RegisterConfig(CLI::App& app, Commands& commands) {
  auto* config = app.add_subcommand(
      "config",
      "Show or set a subject's (or the global) compatibility level, policy and mode.\n"
      "Exit 0 ok, 1 refused by the registry, 2 usage, 3 registry unreachable");
  config->require_subcommand(1);
  auto args = std::make_shared<ConfigArgs>();

  auto* get = config->add_subcommand(
      "get", "Show the compatibility level, policy and mode that apply (global without SUBJECT)");
  get->add_option("subject", args->subject, "Subject name (default: the global settings)");
  AddOwnerOptions(*get, args->options);
  get->callback([&commands, args] { commands.run = [args] { return RunGet(*args); }; });

  auto* set = config->add_subcommand(
      "set", "Set the compatibility level, policy and/or mode (global without SUBJECT: admins)");
  set->add_option("subject", args->subject, "Subject name (default: the global settings)");
  set->add_option("--compatibility", args->level,
                  "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, "
                  "FULL_TRANSITIVE")
      ->check(NameValidator("LEVEL", compat::LevelFromString, kLevelNames));
  set->add_option("--policy", args->policy, "strict or lenient (how far JSON Schema checks reason)")
      ->check(NameValidator("POLICY", compat::PolicyFromString, kPolicyNames));
  set->add_option("--mode", args->mode, "READWRITE, READONLY or IMPORT")
      ->check(NameValidator(
          "MODE",
          [](std::string_view v) {
            const std::string upper = Upper(std::string(v));
            for (const std::string& m : kModeNames) {
              if (m == upper) return true;
            }
            return false;
          },
          kModeNames));
  AddOwnerOptions(*set, args->options);
  set->callback([&commands, args] { commands.run = [args] { return RunSet(*args); }; });
}

}  // namespace accord::cli

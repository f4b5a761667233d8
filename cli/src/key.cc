// accord key new: makes an API key for the registry's `auth.keys`.
//
// Prints the secret key once (it is not stored anywhere) and the config entry
// that lets the server accept it, which holds only the key's SHA-256. Exit 0,
// or 1 when the system's random generator fails; 2 on usage errors.
#include <cstdio>
#include <memory>
#include <string>

#include "accord/registry/auth.h"
#include "commands.h"

namespace accord::cli {
namespace {

struct KeyOptions {
  std::string principal;
  std::string team;
  std::string role = "writer";
};

int RunKeyNew(const KeyOptions& o) {
  const auto role = registry::RoleFromString(o.role);
  if (!role) {
    std::fprintf(stderr, "accord key new: error: unknown role '%s' (reader, writer or admin)\n",
                 o.role.c_str());
    return 2;
  }
  if (*role == registry::Role::kWriter && o.team.empty()) {
    std::fprintf(stderr, "accord key new: error: a writer needs --team\n");
    return 2;
  }
  const std::string key = registry::NewApiKey();
  if (key.empty()) {
    std::fprintf(stderr, "accord key new: error: the system's random generator failed\n");
    return 1;
  }
  std::printf("key: %s\n", key.c_str());
  std::printf(
      "# Shown once: give it to %s (e.g. as a CI secret); the server keeps only its hash.\n",
      o.principal.c_str());
  std::printf("# Add to the server config under auth.keys:\n");
  std::printf("  - principal: %s\n", o.principal.c_str());
  if (!o.team.empty()) std::printf("    team: %s\n", o.team.c_str());
  std::printf("    role: %s\n", std::string(registry::RoleName(*role)).c_str());
  std::printf("    sha256: %s\n", registry::KeyHash(key).c_str());
  return 0;
}

}  // namespace

void RegisterKey(CLI::App& app, Commands& commands) {
  auto* key = app.add_subcommand("key", "Manage registry API keys");
  key->require_subcommand(1);
  auto options = std::make_shared<KeyOptions>();
  auto* add = key->add_subcommand("new", "Make a new API key and print its config entry");
  add->add_option("--principal", options->principal, "who uses the key (shown in the audit log)")
      ->required();
  add->add_option("--team", options->team, "the team whose subjects the key may change");
  add->add_option("--role", options->role, "reader, writer or admin")->capture_default_str();
  add->callback([&commands, options] { commands.run = [options] { return RunKeyNew(*options); }; });
}

}  // namespace accord::cli

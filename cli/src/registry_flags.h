// The flags every command that talks to a registry shares, and the exit codes
// such commands use.
//
//   --registry URL   the registry (else $ACCORD_REGISTRY, else the contract
//                    file's `registry`, when the command has one)
//   --principal P    with --key: HTTP Basic auth (else $ACCORD_PRINCIPAL)
//   --key K          alone: a Bearer token (else $ACCORD_KEY)
//   --cacert FILE    PEM CA certificates for an https registry (must exist)
//   --timeout MS     connect and read timeout in milliseconds (default 10000)
//
// Exit codes (README "Exit codes", `accord --help`, kExitCodesHelp): 0 ok;
// 1 refused by the registry (an incompatible schema, an unknown subject, a
// denied request 401/403, a rule such as a sunset too soon 42210); 2 usage
// or bad input, including no registry URL given at all and 422 replies that
// say the input is malformed (42201-42204, 42208, 42209); 3 the registry is
// unreachable or did not answer like a registry (transport error, non-JSON
// reply, 5xx).
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "registry_client.h"

namespace accord::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitBadUsage = 2;
inline constexpr int kExitUnreachable = 3;

struct RegistryFlags {
  std::string registry;
  std::string principal;
  std::string key;
  std::string cacert;
  int timeout_ms = 10000;
};

// Adds the flags above to `command`, bound to `flags` (which must outlive the
// parse). --principal/--key take $ACCORD_PRINCIPAL/$ACCORD_KEY when absent.
void AddRegistryFlags(CLI::App& command, RegistryFlags& flags);

// The client options for `flags`; `from_file` is the contract file's
// `registry` (empty when none). Error (a sentence for the user; exit 2): no
// URL from any source, or a URL that is not http:// or https://.
std::expected<ClientOptions, std::string> MakeClientOptions(const RegistryFlags& flags,
                                                            std::string_view from_file = {});

// The exit code for a failed request: kUnreachable, kBadReply and 5xx give 3;
// 422 with 42201-42204, 42208 or 42209 (malformed input) gives 2; every other
// 4xx (refused: 401, 403, 404, 409, 42205, 42206, 42207, 42210, ...) gives 1.
int ExitCodeFor(const ClientError& error);

// Prints "accord COMMAND: error: <error.ToString()>" to stderr and returns
// ExitCodeFor(error).
int ReportClientError(std::string_view command, const ClientError& error);

// Prints "accord COMMAND: error: MESSAGE" to stderr and returns 2.
int ReportUsageError(std::string_view command, std::string_view message);

}  // namespace accord::cli

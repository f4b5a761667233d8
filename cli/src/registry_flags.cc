// Shared registry flags (see registry_flags.h).
#include "registry_flags.h"

#include <cstdio>

namespace accord::cli {

void AddRegistryFlags(CLI::App& command, RegistryFlags& flags) {
  command.add_option("--registry", flags.registry, "Registry base URL (else $ACCORD_REGISTRY)");
  command.add_option("--principal", flags.principal, "Principal for HTTP Basic auth")
      ->envname("ACCORD_PRINCIPAL");
  command.add_option("--key", flags.key, "Key: Basic password with --principal, else Bearer token")
      ->envname("ACCORD_KEY");
  command.add_option("--cacert", flags.cacert, "PEM CA certificates for an https registry")
      ->check(CLI::ExistingFile);
  command.add_option("--timeout", flags.timeout_ms, "Connect and read timeout in milliseconds")
      ->check(CLI::Range(1, 3600000));
}

std::expected<ClientOptions, std::string> MakeClientOptions(const RegistryFlags& flags,
                                                            std::string_view from_file) {
  std::optional<std::string> url = ResolveRegistryUrl(flags.registry, from_file);
  if (!url) {
    return std::unexpected(
        std::string("no registry given: use --registry URL or set ACCORD_REGISTRY"));
  }
  if (!url->starts_with("http://") && !url->starts_with("https://")) {
    return std::unexpected("registry URL '" + *url + "' must start with http:// or https://");
  }
  ClientOptions options;
  options.base_url = std::move(*url);
  options.principal = flags.principal;
  options.key = flags.key;
  options.ca_cert = flags.cacert;
  options.timeout_ms = flags.timeout_ms;
  return options;
}

int ExitCodeFor(const ClientError& error) {
  switch (error.kind) {
    case ClientError::Kind::kUnreachable:
    case ClientError::Kind::kBadReply:
      return kExitUnreachable;
    case ClientError::Kind::kHttp:
      if (error.status >= 500) return kExitUnreachable;
      // 422 with a code saying the input itself is malformed (a schema that
      // does not parse, a bad version, level, mode or subject name, a schema
      // too large) is bad input; every other 4xx is the registry refusing a
      // well-formed request (a rule such as a sunset too soon, 42210; an
      // incompatible schema; not found; not authorised).
      if (error.status == 422) {
        switch (error.error_code) {
          case 42201:  // invalid schema
          case 42202:  // invalid version
          case 42203:  // invalid compatibility level
          case 42204:  // invalid mode
          case 42208:  // invalid subject name
          case 42209:  // schema too large
            return kExitBadUsage;
          default:
            return kExitRefused;
        }
      }
      return kExitRefused;
  }
  return kExitUnreachable;
}

int ReportClientError(std::string_view command, const ClientError& error) {
  std::fprintf(stderr, "accord %.*s: error: %s\n", static_cast<int>(command.size()), command.data(),
               error.ToString().c_str());
  return ExitCodeFor(error);
}

int ReportUsageError(std::string_view command, std::string_view message) {
  std::fprintf(stderr, "accord %.*s: error: %.*s\n", static_cast<int>(command.size()),
               command.data(), static_cast<int>(message.size()), message.data());
  return kExitBadUsage;
}

}  // namespace accord::cli

// Authentication: API keys from the server's config, checked against their
// SHA-256 hashes, and the principal (name, teams, role) a request acts as.
// Authorisation (who may change what) is a Service rule; see service.h.
//
// Config (the `auth:` section of the server config file):
//
//   auth:
//     anonymous_read: true      # false: every request needs a key
//     keys:
//       - principal: ci-orders  # shown in the audit log
//         team: team-orders     # or `teams: [a, b]`
//         role: writer          # reader | writer | admin
//         sha256: 9f86d08…      # hex SHA-256 of the secret key
//
// Contracts:
//  * No keys configured: the server is open (every request acts as the
//    anonymous admin, Principal::OpenAdmin); with keys, a request without
//    credentials is the unauthenticated Principal{} (a reader), which the
//    Api lets read only when anonymous_read is true (http_api.h) and never
//    change anything (authenticated callers only; the Service then applies
//    the role and owner rules, service.h AUTHORISATION).
//  * Credentials: `Authorization: Basic base64(principal:key)` (what
//    Confluent clients send with basic.auth.user.info) or
//    `Authorization: Bearer key`. A key is accepted when its SHA-256 equals
//    a configured hash (compared in constant time) and, for Basic, the user
//    name equals that key's principal.
//  * Wrong or malformed credentials are 401 (kUnauthorized) with the same
//    message whatever was wrong; keys never appear in messages or logs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/registry/error.h"
#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord::registry {

enum class Role : std::uint8_t { kReader, kWriter, kAdmin };
std::string_view RoleName(Role role);                    // "reader", "writer", "admin"
std::optional<Role> RoleFromString(std::string_view s);  // case-insensitive

struct ApiKey {
  std::string principal;
  std::vector<std::string> teams;
  Role role = Role::kReader;
  std::string sha256_hex;  // lower-case hex, 64 characters
};

struct AuthConfig {
  bool anonymous_read = true;
  std::vector<ApiKey> keys;
};

// Parses the `auth:` section. Errors (accord::Error, code kInvalidSchema:
// the section does not have the config's shape) name the member: "auth.keys[1].role: unknown role
// 'owner' (reader, writer or admin)". Principals must be unique.
Result<AuthConfig> ParseAuthConfig(const json::Value& section);

// Who a request acts as.
struct Principal {
  std::string name = "anonymous";
  std::vector<std::string> teams;
  Role role = Role::kReader;
  bool authenticated = false;

  bool IsAdmin() const { return role == Role::kAdmin; }
  bool InTeam(std::string_view team) const;
  // The anonymous admin of an open server (no keys configured).
  static Principal OpenAdmin();
};

class Authenticator {
 public:
  explicit Authenticator(AuthConfig config);

  // True when no keys are configured (everything allowed, anonymously).
  bool open() const { return config_.keys.empty(); }
  bool anonymous_read() const { return open() || config_.anonymous_read; }

  // The principal of a request from its Authorization header (empty: none).
  // No header: the anonymous principal (OpenAdmin when open). Errors: 401.
  RegistryResult<Principal> Authenticate(std::string_view authorization) const;

 private:
  AuthConfig config_;
};

// Hex SHA-256 of a key, as the config stores it.
std::string KeyHash(std::string_view key);

// A new random API key ("acc_" + 43 URL-safe base64 characters: 256 bits
// from the OpenSSL CSPRNG). Empty when the CSPRNG fails.
std::string NewApiKey();

// Equality of two strings in time that depends only on their lengths.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace accord::registry

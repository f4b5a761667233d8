#include "accord/registry/auth.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <utility>

#include "accord/schemas/canonical.h"

namespace accord::registry {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles{{
    {Role::kReader, "reader"},
    {Role::kWriter, "writer"},
    {Role::kAdmin, "admin"},
}};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

std::unexpected<Error> ConfigError(const std::string& where, const std::string& why) {
  return std::unexpected(Error{accord::ErrorCode::kInvalidSchema, where + ": " + why, {}, {}, {}});
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Decodes standard base64 (with or without padding). nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling sextet: not base64
  return out;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "Basic xyz" -> ("basic", "xyz"), scheme lower-cased.
std::pair<std::string, std::string_view> SplitScheme(std::string_view header) {
  header = TrimSpaces(header);
  const auto space = header.find(' ');
  if (space == std::string_view::npos) return {Lower(header), {}};
  return {Lower(header.substr(0, space)), TrimSpaces(header.substr(space + 1))};
}

std::unexpected<RegistryError> Unauthorized() {
  return Fail(ErrorCode::kUnauthorized, "Unauthorized: missing or invalid credentials");
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "reader";
}

std::optional<Role> RoleFromString(std::string_view s) {
  const std::string lower = Lower(s);
  for (const auto& [r, name] : kRoles) {
    if (name == lower) return r;
  }
  return std::nullopt;
}

Result<AuthConfig> ParseAuthConfig(const json::Value& section) {
  AuthConfig config;
  if (section.IsNull()) return config;
  if (!section.IsObject()) return ConfigError("auth", "expected a mapping");
  for (const json::Member& m : section.AsObject()) {
    if (m.key == "anonymous_read") {
      if (!m.value.IsBool()) return ConfigError("auth.anonymous_read", "expected true or false");
      config.anonymous_read = m.value.AsBool();
    } else if (m.key == "keys") {
      if (m.value.IsNull()) continue;
      if (!m.value.IsArray()) return ConfigError("auth.keys", "expected a list of keys");
      std::set<std::string> principals;
      for (std::size_t i = 0; i < m.value.AsArray().size(); ++i) {
        const json::Value& k = m.value.AsArray()[i];
        const std::string where = "auth.keys[" + std::to_string(i) + "]";
        if (!k.IsObject()) return ConfigError(where, "expected a mapping");
        ApiKey key;
        for (const json::Member& km : k.AsObject()) {
          const std::string at = where + "." + km.key;
          auto text = [&]() -> std::optional<std::string> {
            if (!km.value.IsString() || km.value.AsString().empty()) return std::nullopt;
            return km.value.AsString();
          };
          if (km.key == "principal") {
            auto t = text();
            if (!t) return ConfigError(at, "expected a non-empty string");
            key.principal = *t;
          } else if (km.key == "team") {
            auto t = text();
            if (!t) return ConfigError(at, "expected a non-empty string");
            key.teams.push_back(*t);
          } else if (km.key == "teams") {
            if (!km.value.IsArray()) return ConfigError(at, "expected a list of team names");
            for (const json::Value& t : km.value.AsArray()) {
              if (!t.IsString() || t.AsString().empty()) {
                return ConfigError(at, "expected a list of team names");
              }
              key.teams.push_back(t.AsString());
            }
          } else if (km.key == "role") {
            auto role = km.value.IsString() ? RoleFromString(km.value.AsString()) : std::nullopt;
            if (!role) {
              return ConfigError(
                  at, "unknown role " + json::ToJson(km.value) + " (reader, writer or admin)");
            }
            key.role = *role;
          } else if (km.key == "sha256") {
            auto t = text();
            const std::string hex = t ? Lower(*t) : std::string();
            if (!IsHex64(hex)) {
              return ConfigError(at,
                                 "expected the 64 hex digits of a SHA-256 hash "
                                 "(`accord key new` prints one)");
            }
            key.sha256_hex = hex;
          } else {
            return ConfigError(at, "unknown member (principal, team, teams, role, sha256)");
          }
        }
        if (key.principal.empty()) return ConfigError(where, "missing principal");
        if (key.sha256_hex.empty()) return ConfigError(where, "missing sha256");
        if (!principals.insert(key.principal).second) {
          return ConfigError(where, "principal '" + key.principal + "' is listed twice");
        }
        if (key.role == Role::kWriter && key.teams.empty()) {
          return ConfigError(where, "a writer needs a team");
        }
        config.keys.push_back(std::move(key));
      }
    } else {
      return ConfigError("auth." + m.key, "unknown setting (anonymous_read, keys)");
    }
  }
  return config;
}

bool Principal::InTeam(std::string_view team) const {
  return std::find(teams.begin(), teams.end(), team) != teams.end();
}

Principal Principal::OpenAdmin() {
  Principal p;
  p.role = Role::kAdmin;
  return p;
}

Authenticator::Authenticator(AuthConfig config) : config_(std::move(config)) {}

RegistryResult<Principal> Authenticator::Authenticate(std::string_view authorization) const {
  if (TrimSpaces(authorization).empty()) {
    return open() ? Principal::OpenAdmin() : Principal{};
  }
  if (open()) return Principal::OpenAdmin();  // credentials are ignored when no keys exist
  auto [scheme, credentials] = SplitScheme(authorization);
  std::string user;
  std::string secret;
  if (scheme == "basic") {
    auto decoded = DecodeBase64(credentials);
    if (!decoded) return Unauthorized();
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return Unauthorized();
    user = decoded->substr(0, colon);
    secret = decoded->substr(colon + 1);
  } else if (scheme == "bearer") {
    secret = std::string(credentials);
  } else {
    return Unauthorized();
  }
  if (secret.empty()) return Unauthorized();
  const std::string hash = KeyHash(secret);
  // Every configured key is compared (no early exit), so the time taken does
  // not tell which key, if any, was close.
  const ApiKey* match = nullptr;
  for (const ApiKey& k : config_.keys) {
    if (ConstantTimeEqual(hash, k.sha256_hex) && match == nullptr) match = &k;
  }
  if (match == nullptr) return Unauthorized();
  if (scheme == "basic" && !ConstantTimeEqual(user, match->principal)) return Unauthorized();
  Principal p;
  p.name = match->principal;
  p.teams = match->teams;
  p.role = match->role;
  p.authenticated = true;
  return p;
}

std::string KeyHash(std::string_view key) { return json::ToHex(json::Sha256Of(key)); }

std::string NewApiKey() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = "acc_";
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  // Length is not secret (hashes have a fixed length; principals are public).
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace accord::registry

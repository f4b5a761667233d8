// A small client for the registry's HTTP API (Confluent's endpoints and
// Accord's catalog API, docs/catalog-api.md), used by every CLI command that
// talks to a registry. The CLI never links the storage code: this is its only
// way to a registry.
//
// Contracts:
//  * Never throws. Transport failures (connection refused, timeout, TLS,
//    malformed URL) are ClientError{kind = kUnreachable}; replies with an
//    error status are ClientError{kind = kHttp, status, error_code, message}
//    taken from the Confluent error body (or the status line when the body is
//    not one).
//  * Base URL: "http://host:port[/prefix]" or "https://…"; resolved from the
//    flag, else $ACCORD_REGISTRY, else the contract file's `registry`.
//  * Credentials (when given) go as HTTP Basic (principal:key) or Bearer.
//  * Every path segment built from a user value (subject, service name) is
//    percent-encoded here; callers pass raw names.
//  * https works when cpp-httplib was built with OpenSSL (Debian's is): the
//    server certificate is verified against `ca_cert`, else the system store.
//    Without OpenSSL support an https URL is a kUnreachable error saying so.
//  * Requests are sent one at a time; a RegistryClient is not thread-safe
//    (use one per thread). Each request uses a fresh connection.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/json.h"

namespace accord::cli {

struct ClientError {
  enum class Kind : std::uint8_t { kUnreachable, kHttp, kBadReply };
  Kind kind = Kind::kUnreachable;
  int status = 0;      // HTTP status (kHttp)
  int error_code = 0;  // Confluent error_code (kHttp), 0 when absent
  std::string message;
  std::string registry;  // the base URL the request went to
  // "registry http://127.0.0.1:8081: 404 (40401) Subject 'x' not found."
  // kUnreachable: "registry URL: unreachable: could not connect";
  // kBadReply: "registry URL: bad reply: …".
  std::string ToString() const;
  // True for kHttp with this Confluent error_code.
  bool Is(int code) const { return kind == Kind::kHttp && error_code == code; }
};

template <typename T>
using ClientResult = std::expected<T, ClientError>;

struct ClientOptions {
  std::string base_url;    // required
  std::string principal;   // with key: HTTP Basic auth
  std::string key;         // without principal: Bearer token
  std::string ca_cert;     // PEM file for https (empty: system store)
  int timeout_ms = 10000;  // connect and read timeout
};

// The registry URL to use: `flag` when not empty, else $ACCORD_REGISTRY when
// set, else `from_file`; nullopt when none is given.
std::optional<std::string> ResolveRegistryUrl(std::string_view flag, std::string_view from_file);

// A Confluent schema reference: the schema names version `version` of
// `subject` as `name` (Protobuf: the import path).
struct SchemaReference {
  std::string name;
  std::string subject;
  std::int32_t version = 0;
  friend bool operator==(const SchemaReference&, const SchemaReference&) = default;
};

class RegistryClient {
 public:
  explicit RegistryClient(ClientOptions options);
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  const std::string& base_url() const { return options_.base_url; }

  // Low level: one request; `path` already encoded (use Segment()). The body,
  // when any, is sent as application/vnd.schemaregistry.v1+json. A 2xx reply
  // is parsed as JSON (an empty body gives null).
  ClientResult<json::Value> Get(const std::string& path);
  ClientResult<json::Value> Post(const std::string& path, const json::Value& body);
  ClientResult<json::Value> Put(const std::string& path, const json::Value& body);
  ClientResult<json::Value> Delete(const std::string& path);

  // Percent-encodes one path segment (everything but unreserved characters).
  static std::string Segment(std::string_view raw);

  // --- typed helpers over the API -----------------------------------------
  struct Registered {
    std::int64_t id = 0;
    std::int32_t version = 0;  // 0 when the server did not say
  };
  // POST /subjects/{s}/versions with {schema, schemaType} (+ metadata when
  // not null, + references when not empty). schema_type: a SchemaTypeName.
  // `owner` (not empty): Accord's `?owner=`, the subject's owner set in the
  // same write as a new version, or the whole request refused (403).
  // An incompatible schema is kHttp 409 / 40901 whose message lists the
  // incompatibilities.
  ClientResult<Registered> Register(std::string_view subject, std::string_view schema_text,
                                    std::string_view schema_type,
                                    const json::Value& metadata = json::Value(),
                                    const std::vector<SchemaReference>& references = {},
                                    std::string_view owner = {});

  struct VersionInfo {
    std::string subject;
    std::int32_t version = 0;
    std::int64_t id = 0;
    std::string schema_type;  // a schema type name (accord::SchemaTypeName)
    std::string schema;       // schema text
    std::string state;        // ACTIVE / DEPRECATED / RETIRED (catalog API)
    std::string sunset;       // YYYY-MM-DD when deprecated
    std::string reason;
    std::int32_t replacement = 0;
    std::vector<SchemaReference> references;  // as registered (Confluent's `references`)
  };
  // GET /accord/v1/subjects/{s}/versions/{v} (v: number, 0 = latest).
  // kHttp 40401 / 40402 when absent.
  ClientResult<VersionInfo> GetVersion(std::string_view subject, std::int32_t version);
  // POST /subjects/{s} (Confluent's lookup): the version of `subject` that
  // holds this schema (state fields left empty); nullopt when the subject
  // does not exist or does not hold it (40401 / 40403).
  ClientResult<std::optional<VersionInfo>> Lookup(
      std::string_view subject, std::string_view schema_text, std::string_view schema_type,
      const std::vector<SchemaReference>& references = {});
  // GET /subjects/{s}/versions: live version numbers, ascending (empty when
  // the subject does not exist).
  ClientResult<std::vector<std::int32_t>> ListVersions(std::string_view subject);
  // GET /accord/v1/subjects/{s}: the catalog entry as JSON.
  ClientResult<json::Value> GetSubject(std::string_view subject);

  struct SubjectConfig {
    std::string level;   // e.g. "BACKWARD"
    std::string policy;  // "STRICT" / "LENIENT"
  };
  // GET /config/{s}?defaultToGlobal=true (policy defaults to STRICT when the
  // server does not say).
  ClientResult<SubjectConfig> GetConfig(std::string_view subject);

 private:
  ClientResult<json::Value> Send(std::string_view method, const std::string& path,
                                 const json::Value* body);

  ClientOptions options_;
  struct Impl;
  std::unique_ptr<Impl> impl_;  // the cpp-httplib client, or why there is none
};

}  // namespace accord::cli

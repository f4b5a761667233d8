// Errors of the registry: Confluent's error codes, one closed enum.
//
// Every fallible registry function (Store, Service) returns
// RegistryResult<T> = std::expected<T, RegistryError>. The HTTP layer turns a
// RegistryError into a response in exactly one place (HttpStatusOf + the
// {"error_code","message"} body); the HTTP status is the first three digits
// of the code (Confluent's rule), e.g. 40401 -> 404, 50001 -> 500.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace accord::registry {

enum class ErrorCode : std::int32_t {
  // Plain HTTP errors of the transport layer (error_code == HTTP status).
  kBadRequest = 400,     // malformed JSON body, bad query parameter
  kUnauthorized = 401,   // missing or wrong credentials (auth.h)
  kRouteNotFound = 404,  // no such endpoint
  kMethodNotAllowed = 405,
  kPayloadTooLarge = 413,  // body over the server's hard limit
  kUnsupportedMediaType = 415,
  kUnprocessable = 422,  // well-formed JSON of the wrong shape
  kInternal = 500,       // unexpected failure; detail only in the log

  kForbidden = 40301,  // authenticated, but not allowed (Confluent's RBAC code)
  kSubjectNotFound = 40401,
  kVersionNotFound = 40402,
  kSchemaNotFound = 40403,
  kSubjectSoftDeleted = 40404,
  kSubjectNotSoftDeleted = 40405,
  kVersionSoftDeleted = 40406,
  kVersionNotSoftDeleted = 40407,
  kSubjectCompatibilityNotConfigured = 40408,
  kSubjectModeNotConfigured = 40409,
  kServiceNotFound = 40410,         // Accord: no such service declaration
  kServiceVersionNotFound = 40411,  // Accord: no such contract version of a service
  kEnvironmentNotFound = 40412,     // Accord: no such environment
  kDeploymentNotFound = 40413,      // Accord: the service is not deployed there (in that version)
  kContextNotFound = 40414,         // Accord: no such context (DELETE /contexts/{ctx})
  kWebhookNotFound = 40420,         // Accord: no such webhook
  kIncompatibleSchema = 40901,
  kVersionInUse = 40902,          // Accord: a registered consumer still accepts the version
  kServiceVersionExists = 40903,  // Accord: the contract version holds another contract
  kInvalidSchema = 42201,
  kInvalidVersion = 42202,
  kInvalidCompatibilityLevel = 42203,
  kInvalidMode = 42204,
  kOperationNotPermitted = 42205,
  kReferenceExists = 42206,
  kIdMismatch = 42207,
  kInvalidSubject = 42208,
  kSchemaTooLarge = 42209,
  kInvalidCatalogMetadata = 42210,  // Accord: bad tag, date, link, unknown member...
  kRequestTooCostly = 42211,  // Accord: past ServiceOptions::max_request_work (schema/budget.h)
  kStoreError = 50001,
  kOperationTimeout = 50002,
};

// The numeric wire code (e.g. 40401).
constexpr std::int32_t CodeNumber(ErrorCode c) { return static_cast<std::int32_t>(c); }
// HTTP status for a code: the code itself when it has three digits, else its
// first three digits.
constexpr int HttpStatusOf(ErrorCode c) {
  const std::int32_t n = CodeNumber(c);
  return n < 1000 ? n : n / 100;
}
// Stable symbolic name ("SUBJECT_NOT_FOUND", ...), for logs and tests.
std::string_view ErrorCodeName(ErrorCode c);
// Inverse of CodeNumber; nullopt for numbers not in the enum.
std::optional<ErrorCode> ErrorCodeFromNumber(std::int32_t n);

// What kind of store failure a kStoreError is, so that the Service can
// retry a conflict and /readyz can tell an unreachable database.
enum class StoreFault : std::uint8_t {
  kNone,         // not a store failure, or an I/O or other error
  kConflict,     // lost a race: a unique key, a serialisation failure, or the
                 // subject changed since the caller read it (retry from the read)
  kUnavailable,  // the database cannot be reached (retry later)
};

struct RegistryError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // safe to show to clients: no internal detail
  StoreFault fault = StoreFault::kNone;
};

template <typename T>
using RegistryResult = std::expected<T, RegistryError>;

inline std::unexpected<RegistryError> Fail(ErrorCode code, std::string message) {
  return std::unexpected(RegistryError{code, std::move(message)});
}

}  // namespace accord::registry

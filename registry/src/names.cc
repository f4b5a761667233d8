// Wire names of the registry enums: one table per enum.
#include <array>
#include <utility>

#include "accord/registry/error.h"
#include "accord/registry/types.h"

namespace accord::registry {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

constexpr std::array<std::pair<Mode, std::string_view>, 3> kModes{{
    {Mode::kReadWrite, "READWRITE"},
    {Mode::kReadOnly, "READONLY"},
    {Mode::kImport, "IMPORT"},
}};

constexpr std::array<std::pair<ErrorCode, std::string_view>, 40> kErrorCodes{{
    {ErrorCode::kBadRequest, "BAD_REQUEST"},
    {ErrorCode::kRouteNotFound, "ROUTE_NOT_FOUND"},
    {ErrorCode::kMethodNotAllowed, "METHOD_NOT_ALLOWED"},
    {ErrorCode::kUnauthorized, "UNAUTHORIZED"},
    {ErrorCode::kForbidden, "FORBIDDEN"},
    {ErrorCode::kPayloadTooLarge, "PAYLOAD_TOO_LARGE"},
    {ErrorCode::kUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
    {ErrorCode::kUnprocessable, "UNPROCESSABLE_ENTITY"},
    {ErrorCode::kInternal, "INTERNAL"},
    {ErrorCode::kSubjectNotFound, "SUBJECT_NOT_FOUND"},
    {ErrorCode::kVersionNotFound, "VERSION_NOT_FOUND"},
    {ErrorCode::kSchemaNotFound, "SCHEMA_NOT_FOUND"},
    {ErrorCode::kSubjectSoftDeleted, "SUBJECT_SOFT_DELETED"},
    {ErrorCode::kSubjectNotSoftDeleted, "SUBJECT_NOT_SOFT_DELETED"},
    {ErrorCode::kVersionSoftDeleted, "SCHEMA_VERSION_SOFT_DELETED"},
    {ErrorCode::kVersionNotSoftDeleted, "SCHEMA_VERSION_NOT_SOFT_DELETED"},
    {ErrorCode::kSubjectCompatibilityNotConfigured, "SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED"},
    {ErrorCode::kSubjectModeNotConfigured, "SUBJECT_LEVEL_MODE_NOT_CONFIGURED"},
    {ErrorCode::kServiceNotFound, "SERVICE_NOT_FOUND"},
    {ErrorCode::kServiceVersionNotFound, "SERVICE_VERSION_NOT_FOUND"},
    {ErrorCode::kEnvironmentNotFound, "ENVIRONMENT_NOT_FOUND"},
    {ErrorCode::kDeploymentNotFound, "DEPLOYMENT_NOT_FOUND"},
    {ErrorCode::kContextNotFound, "CONTEXT_NOT_FOUND"},
    {ErrorCode::kWebhookNotFound, "WEBHOOK_NOT_FOUND"},
    {ErrorCode::kIncompatibleSchema, "INCOMPATIBLE_SCHEMA"},
    {ErrorCode::kVersionInUse, "VERSION_IN_USE"},
    {ErrorCode::kServiceVersionExists, "SERVICE_VERSION_EXISTS"},
    {ErrorCode::kInvalidSchema, "INVALID_SCHEMA"},
    {ErrorCode::kInvalidVersion, "INVALID_VERSION"},
    {ErrorCode::kInvalidCompatibilityLevel, "INVALID_COMPATIBILITY_LEVEL"},
    {ErrorCode::kInvalidMode, "INVALID_MODE"},
    {ErrorCode::kOperationNotPermitted, "OPERATION_NOT_PERMITTED"},
    {ErrorCode::kReferenceExists, "REFERENCE_EXISTS"},
    {ErrorCode::kIdMismatch, "ID_MISMATCH"},
    {ErrorCode::kInvalidSubject, "INVALID_SUBJECT"},
    {ErrorCode::kSchemaTooLarge, "SCHEMA_TOO_LARGE"},
    {ErrorCode::kRequestTooCostly, "REQUEST_TOO_COSTLY"},
    {ErrorCode::kInvalidCatalogMetadata, "INVALID_CATALOG_METADATA"},
    {ErrorCode::kStoreError, "STORE_ERROR"},
    {ErrorCode::kOperationTimeout, "OPERATION_TIMEOUT"},
}};

template <typename Table, typename E>
std::string_view NameOf(const Table& table, E e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "UNKNOWN";
}

}  // namespace

std::string_view ModeName(Mode m) { return NameOf(kModes, m); }

std::optional<Mode> ModeFromString(std::string_view s) {
  if (EqualsIgnoreCase(s, "READONLY_OVERRIDE")) return Mode::kReadOnly;
  for (const auto& [value, name] : kModes) {
    if (EqualsIgnoreCase(name, s)) return value;
  }
  return std::nullopt;
}

std::string_view ErrorCodeName(ErrorCode c) { return NameOf(kErrorCodes, c); }

std::optional<ErrorCode> ErrorCodeFromNumber(std::int32_t n) {
  for (const auto& [value, name] : kErrorCodes) {
    if (CodeNumber(value) == n) return value;
  }
  return std::nullopt;
}

}  // namespace accord::registry

#include "schema_diff.h"

#include <cctype>
#include <string_view>
#include <utility>

#include "accord/compat/avro_compat.h"
#include "accord/compat/jsonschema_compat.h"

namespace accord::registry::internal {
namespace {

constexpr std::string_view kBackward = "BACKWARD: ";
constexpr std::string_view kForward = "FORWARD: ";

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) !=
        std::toupper(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// The breaking findings of one direction, prefixed as the engine's diff does.
void AddDirection(compat::Report& out, compat::Report checked, std::string_view prefix) {
  for (compat::Finding& f : checked.findings) {
    if (!compat::IsFailing(f.severity)) continue;
    f.message = std::string(prefix) + f.message;
    out.Add(std::move(f));
  }
}

RegistryResult<compat::Report> BothDirections(const ParsedSchema& old_schema,
                                              const ParsedSchema& new_schema) {
  auto backward = CheckCompatible(old_schema, new_schema, compat::Policy::kStrict);
  if (!backward) return std::unexpected(backward.error());
  auto forward = CheckCompatible(new_schema, old_schema, compat::Policy::kStrict);
  if (!forward) return std::unexpected(forward.error());
  compat::Report out;
  AddDirection(out, std::move(*backward), kBackward);
  AddDirection(out, std::move(*forward), kForward);
  return out;
}

}  // namespace

RegistryResult<compat::Report> DiffSchemas(const ParsedSchema& old_schema,
                                           const ParsedSchema& new_schema) {
  if (old_schema.type != new_schema.type) return BothDirections(old_schema, new_schema);
  if (old_schema.type == SchemaType::kAvro && old_schema.avro && new_schema.avro) {
    return compat::DiffAvroSchemas(*old_schema.avro, *new_schema.avro);
  }
  if (old_schema.type == SchemaType::kJson && old_schema.references.empty() &&
      new_schema.references.empty()) {
    compat::JsonSchemaCheckOptions options;
    options.default_dialect = old_schema.dialect;
    options.format = jsonschema::FormatMode::kAnnotate;
    auto report = compat::DiffJsonSchema(old_schema.value, new_schema.value, options);
    if (!report) {
      return Fail(ErrorCode::kInvalidSchema, "Invalid schema: " + report.error().ToString());
    }
    return std::move(*report);
  }
  return BothDirections(old_schema, new_schema);
}

std::string CompatibilityOf(const compat::Report& diff) {
  bool backward = true;
  bool forward = true;
  for (const compat::Finding& f : diff.findings) {
    if (!compat::IsFailing(f.severity)) continue;
    if (StartsWithNoCase(f.message, kForward)) {
      forward = false;
    } else if (StartsWithNoCase(f.message, kBackward)) {
      backward = false;
    } else {
      backward = forward = false;  // e.g. SCHEMA_TYPE_CHANGED
    }
  }
  if (backward && forward) return "FULL";
  if (backward) return "BACKWARD";
  if (forward) return "FORWARD";
  return "NONE";
}

}  // namespace accord::registry::internal

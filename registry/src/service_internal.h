// Private to registry/src: what service.cc and catalog.cc share — the
// Service's parsed-schema records and small helpers for messages and audit
// rows. Not a public header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/registry/service.h"
#include "formats.h"
#include "lru.h"

namespace accord::registry {

struct Service::Parsed {
  internal::ParsedSchema schema;
  std::string text;                         // what is stored and served
  std::string fingerprint;                  // identity of (type, canonical text, references)
  std::vector<SchemaReference> references;  // direct references, as given
};

// What the Service keeps of every schema it has read: the stored record
// (reads by id are served from here) and where it was first registered. The
// parsed form is not kept here but in the bounded ParsedCache.
struct Service::CachedSchema : StoredSchema {};

// Parsed forms by schema id; a null value records that the stored text no
// longer parses (a newer build's schema): compatibility checks then fail.
class Service::ParsedCache : public internal::Lru<SchemaId, internal::ParsedSchema> {
 public:
  using Lru::Lru;
};

namespace internal {

inline std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

inline std::string SubjectNotFound(const SubjectName& s) {
  return "Subject " + Quoted(s.str()) + " not found.";
}

inline AuditRecord MakeAudit(std::string action, const std::string& actor,
                             const std::string& subject, std::int32_t version = 0,
                             std::string detail = {}) {
  AuditRecord a;
  a.action = std::move(action);
  a.actor = actor;
  a.subject = subject;
  a.version = version;
  a.detail = std::move(detail);
  return a;
}

// The subject metadata after applying Confluent metadata.properties
// (owner, description, tags = comma-separated, sla.<name>) from
// `metadata_json` to `current`; nullopt when the properties name none of
// them. Errors: 42210 when a value breaks the catalog rules.
RegistryResult<std::optional<SubjectMetadata>> MetadataFromProperties(
    const std::string& metadata_json, const std::optional<SubjectMetadata>& current);

// Checks the catalog rules (limits in catalog.cc) and returns the metadata
// normalised (tags sorted and unique, SLA sorted by name). Errors: 42210.
RegistryResult<SubjectMetadata> ValidateMetadata(SubjectMetadata m);

// JSON text {"owner":..,"description":..,"tags":[..],"links":[..],"sla":{..}}.
std::string MetadataJson(const SubjectMetadata& m);
// The same as a JSON value (the catalog API's metadata object).
json::Value MetadataToValue(const SubjectMetadata& m);

}  // namespace internal
}  // namespace accord::registry

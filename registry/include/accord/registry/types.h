// The registry's domain vocabulary, defined once: subject names, versions,
// schema ids, modes, references, and the records the Store keeps.
//
// Schema types are accord::SchemaType (schemas/schema_type.h). Wire names
// (modes) are Confluent's and are public API; each
// enum has exactly one name/parse pair.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accord/compat/mode.h"
#include "accord/schemas/schema_type.h"

namespace accord::registry {

// A subject name as given on the wire. Validity (non-empty, no control
// characters, at most 255 bytes) is checked by ValidateSubjectName in
// service.h, not by this type.
class SubjectName {
 public:
  SubjectName() = default;
  explicit SubjectName(std::string name) : name_(std::move(name)) {}
  const std::string& str() const { return name_; }
  friend auto operator<=>(const SubjectName&, const SubjectName&) = default;

 private:
  std::string name_;
};

// A schema id: positive, stable, the same for one canonical schema under
// every subject of one context. Each context (Confluent's `:.ctx:subject`
// names, issue #18) has an id space of its own: a stored id holds the
// context's number (Store::EnsureContext; 0 is the default context) in its
// high 32 bits and the id clients see (1 .. 2^31-1) in its low 32 bits, so
// every id of the default context is the plain number it always was.
class SchemaId {
 public:
  constexpr SchemaId() = default;
  constexpr explicit SchemaId(std::int64_t v) : v_(v) {}
  // The id `local` of the context numbered `context`; local 0 names the
  // context itself (NewVersion: allocate the next id in it).
  static constexpr SchemaId InContext(std::int64_t context, std::int64_t local) {
    return SchemaId(context * kContextSpan + local);
  }
  constexpr std::int64_t value() const { return v_; }
  // The number of the context the id belongs to (0: the default context).
  constexpr std::int64_t context() const { return v_ / kContextSpan; }
  // The id as clients see it, within its context.
  constexpr std::int64_t local() const { return v_ % kContextSpan; }
  // Ids of one context lie in [context * kContextSpan, (context + 1) * kContextSpan).
  static constexpr std::int64_t kContextSpan = std::int64_t{1} << 32;
  // The largest id a client can hold (Confluent's ids are 32-bit signed).
  static constexpr std::int64_t kMaxLocal = (std::int64_t{1} << 31) - 1;
  friend constexpr auto operator<=>(SchemaId, SchemaId) = default;

 private:
  std::int64_t v_ = 0;
};

// A version number within one subject: 1, 2, ... (never reused while a
// soft-deleted version holds the number).
class Version {
 public:
  constexpr Version() = default;
  constexpr explicit Version(std::int32_t v) : v_(v) {}
  constexpr std::int32_t value() const { return v_; }
  friend constexpr auto operator<=>(Version, Version) = default;

 private:
  std::int32_t v_ = 0;
};

// Registry modes. READONLY_OVERRIDE is accepted as a READONLY synonym
// (deprecated in Confluent) and reported back as READONLY.
enum class Mode : std::uint8_t { kReadWrite, kReadOnly, kImport };
// "READWRITE", "READONLY", "IMPORT".
std::string_view ModeName(Mode m);
// Case-insensitive; "READONLY_OVERRIDE" -> kReadOnly.
std::optional<Mode> ModeFromString(std::string_view s);

// A reference from one schema to a version of another subject.
struct SchemaReference {
  std::string name;  // how the referencing schema names it ($ref URI / Avro full name)
  SubjectName subject;
  Version version;
  friend bool operator==(const SchemaReference&, const SchemaReference&) = default;
};

// An immutable schema as stored: `text` is the text as first registered;
// `fingerprint` identifies its canonical form together with its type and
// references (equal fingerprint <=> same id).
struct SchemaRecord {
  SchemaId id;
  SchemaType type = SchemaType::kAvro;
  std::string text;
  std::string canonical;
  std::string fingerprint;
  std::vector<SchemaReference> references;
};

// A version's deprecation: it is DEPRECATED until `sunset`, RETIRED from
// then on (the lifecycle state is computed against a clock by the Service).
struct Deprecation {
  std::string sunset{};                  // calendar date "YYYY-MM-DD" (UTC)
  std::string reason{};                  // may be empty
  std::optional<Version> replacement{};  // the version to move to, when named
  std::int64_t deprecated_ms = 0;        // when it was deprecated (Unix ms)
  friend bool operator==(const Deprecation&, const Deprecation&) = default;
};

// One version of one subject.
struct VersionRecord {
  SubjectName subject;
  Version version;
  SchemaId schema_id;
  bool deleted = false;         // soft-deleted
  std::int64_t created_ms = 0;  // Unix milliseconds
  // Confluent's per-version `metadata` and `ruleSet` objects as JSON text,
  // kept as registered (empty when the client sent none).
  std::string metadata{};
  std::string rule_set{};
  std::optional<Deprecation> deprecation{};  // nullopt: ACTIVE
};

// A link shown on a subject's catalog page.
struct CatalogLink {
  std::string name{};
  std::string url{};
  friend bool operator==(const CatalogLink&, const CatalogLink&) = default;
};

// Catalog metadata of one subject (owner team, description, tags, links,
// SLA targets). Validation rules live in the Service.
struct SubjectMetadata {
  std::string owner{};
  std::string description{};
  std::vector<std::string> tags{};  // sorted, unique
  std::vector<CatalogLink> links{};
  // SLA targets by name ("delivery", "processing", ...), sorted by name.
  std::vector<std::pair<std::string, std::string>> sla{};
  // The type within the subject's schemas that its events are, as a
  // contract's `message:` names it (Protobuf: a message's full name); ""
  // for the schema's default (Protobuf: the file's first message, what a
  // Confluent serializer writes by default) and for the languages whose
  // schema is itself the event's type. The catalog's field table and field
  // search show that type.
  std::string message{};
  bool empty() const {
    return owner.empty() && description.empty() && tags.empty() && links.empty() && sla.empty() &&
           message.empty();
  }
  friend bool operator==(const SubjectMetadata&, const SubjectMetadata&) = default;
};

// A file a consumer's reader schema imports, carried by the declaration
// itself: the consumer's own copy (it need not be registered anywhere), so
// that a declaration, and a contract version, is whole on its own.
struct ReaderReference {
  std::string name{};    // the import path the reader (or another reference) names
  std::string schema{};  // the file's text, in the reader's language
  friend bool operator==(const ReaderReference&, const ReaderReference&) = default;
};

// What a service reads from one subject: its reader schema and the writer
// versions it accepts: `versions` when not empty, else every version from
// `min_version` on when set, else every version ("all").
struct ConsumedSubject {
  SubjectName subject{};
  SchemaType type = SchemaType::kAvro;
  std::string schema{};  // reader schema text (may be empty: no reader schema)
  // The files the reader imports, directly or not, each once (Protobuf's
  // imports other than the built-in files); empty for a reader that imports
  // none.
  std::vector<ReaderReference> references{};
  std::vector<Version> versions{};
  std::optional<Version> min_version{};  // ">=N"
  // True when the declaration names version `v` (a list or ">=N" holding
  // it, or "all").
  bool Accepts(Version v) const {
    if (!versions.empty()) {
      for (Version x : versions) {
        if (x == v) return true;
      }
      return false;
    }
    return !min_version || v >= *min_version;
  }
  friend bool operator==(const ConsumedSubject&, const ConsumedSubject&) = default;
};

// A service's declaration of what it produces and consumes.
struct ServiceRecord {
  std::string name{};
  std::string owner{};
  std::vector<SubjectName> produces{};
  std::vector<ConsumedSubject> consumes{};
  std::int64_t updated_ms = 0;  // set by the Service when the declaration changes
  // Equal declarations (updated_ms not compared): a PUT of the same
  // declaration changes nothing.
  bool SameDeclaration(const ServiceRecord& o) const {
    return name == o.name && owner == o.owner && produces == o.produces && consumes == o.consumes;
  }
};

// One event a contract version produces: the subject and the schema (by id)
// that version of the service writes.
struct ProducedSchema {
  SubjectName subject{};
  SchemaId schema_id{};
  friend bool operator==(const ProducedSchema&, const ProducedSchema&) = default;
};

// The whole contract of one version of a service (`accord publish
// --version V`): what it produces (with schema ids) and what it consumes
// (reader schemas and accepted versions). Immutable once stored.
struct ServiceVersionRecord {
  std::string service{};
  std::string version{};  // the service's version: a git commit, a tag, "2", ...
  std::string owner{};
  std::vector<ProducedSchema> produces{};  // sorted by subject
  std::vector<ConsumedSubject> consumes{};
  std::int64_t created_ms = 0;  // when it was first published; 0: now (store)
  // The same contract (created_ms not compared): publishing it again
  // changes nothing.
  bool SameContract(const ServiceVersionRecord& o) const {
    return service == o.service && version == o.version && owner == o.owner &&
           produces == o.produces && consumes == o.consumes;
  }
};

// A deployment environment ("staging", "production", ...).
struct EnvironmentRecord {
  std::string name{};
  std::string owner{};  // owning team (may be empty: created by an admin without team)
  bool production = false;
  std::int64_t created_ms = 0;  // 0: now (store)
  friend bool operator==(const EnvironmentRecord&, const EnvironmentRecord&) = default;
};

// Which version of a service runs in an environment: at most one per
// (environment, service); deploying another version replaces it.
struct DeploymentRecord {
  std::string environment{};
  std::string service{};
  std::string version{};
  std::int64_t deployed_ms = 0;  // 0: now (store)
  friend bool operator==(const DeploymentRecord&, const DeploymentRecord&) = default;
};

// Compatibility config of the registry (global) or of one subject. An unset
// field falls back to the global config, then to the built-in default.
struct ConfigRecord {
  std::optional<compat::Level> level;
  std::optional<compat::Policy> policy;
  // Governance lint on register (service.h, "Lint on register").
  std::optional<bool> lint;
  // Confluent's data-contract settings (service.h, "DATA CONTRACTS"). The
  // four objects are JSON text in their normal form (data_contract.h).
  std::optional<std::string> compatibility_group{};  // a metadata property name
  std::optional<bool> validate_fields{};
  std::optional<std::string> default_metadata{};
  std::optional<std::string> override_metadata{};
  std::optional<std::string> default_rule_set{};
  std::optional<std::string> override_rule_set{};
  // True when none of the data-contract settings is set.
  bool NoContractSettings() const {
    return !compatibility_group && !validate_fields && !default_metadata && !override_metadata &&
           !default_rule_set && !override_rule_set;
  }
  friend bool operator==(const ConfigRecord&, const ConfigRecord&) = default;
};

// An audit-log entry: who did what, when.
struct AuditRecord {
  std::int64_t seq = 0;      // assigned by the store, increasing
  std::int64_t ts_ms = 0;    // Unix milliseconds
  std::string actor;         // authenticated principal or "anonymous"
  std::string action;        // e.g. "REGISTER", "SOFT_DELETE_VERSION", "PUT_CONFIG"
  std::string subject;       // empty for global changes
  std::int32_t version = 0;  // 0 when not about one version
  std::int64_t schema_id = 0;
  std::string detail;  // JSON text (before/after), may be empty
};

}  // namespace accord::registry

template <>
struct std::hash<accord::registry::SchemaId> {
  std::size_t operator()(accord::registry::SchemaId id) const noexcept {
    return std::hash<std::int64_t>{}(id.value());
  }
};
template <>
struct std::hash<accord::registry::SubjectName> {
  std::size_t operator()(const accord::registry::SubjectName& s) const noexcept {
    return std::hash<std::string>{}(s.str());
  }
};

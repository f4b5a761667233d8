// Private to registry/src: what service.cc and catalog.cc share — the
// Service's parsed-schema records and small helpers for messages and audit
// rows. Not a public header.
#pragma once

#include <malloc.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/registry/service.h"
#include "accord/schemas/budget.h"
#include "data_contract.h"
#include "formats.h"
#include "lru.h"

namespace accord::registry {

struct Service::Parsed {
  internal::ParsedSchema schema;
  std::string text;  // what is stored and served
  // Identity of (type, canonical text, references) and, when the schema
  // carries them, its data contract's metadata and rule set (ContractKey);
  // in another context than the default one, followed by "@" and the
  // context's name (ScopeToContext), so each context has its own schemas
  // (issue #18) while the default context's keys stay as they were.
  std::string fingerprint;
  std::vector<SchemaReference> references;  // direct references, as given
  // The metadata and rule set as given (validated, normal form).
  std::optional<internal::ContractMetadata> metadata;
  std::optional<internal::ContractRuleSet> rule_set;
  // The metadata and rule set text `fingerprint` was computed with: a
  // registration whose settled contract is the same text keeps it (the
  // hash of the whole canonical text is not taken twice).
  std::string fingerprint_metadata;
  std::string fingerprint_rule_set;
};

// What the Service keeps of every schema it has read: the stored record
// (reads by id are served from here) and where it was first registered. The
// parsed form is not kept here but in the bounded ParsedCache.
struct Service::CachedSchema : StoredSchema {};

// Parsed forms by schema id; a null value records that the stored text no
// longer parses (a newer build's schema): compatibility checks then fail.
// Bounded by count and by an estimate of the bytes the parsed forms take:
// a parsed form costs up to kBytesPerTextByte times its text (measured with
// `accord serve`'s RSS after malloc_trim, 2026-12-06: a 942 KiB JSON Schema of
// 20,000 properties kept about 37 MB with its compiled validator, a 965 KiB
// Avro record of 25,000 fields about 12 MB), so that a few hostile 1 MB
// schemas cannot make the cache of 1,000 entries hold tens of gigabytes.
class Service::ParsedCache : public internal::Lru<SchemaId, internal::ParsedSchema> {
 public:
  static constexpr std::size_t kBytesPerTextByte = 40;
  ParsedCache(std::size_t capacity, std::size_t max_bytes) : Lru(capacity, max_bytes) {}
  // Put with the weight of a form parsed from `text_bytes` of schema text.
  void PutParsed(SchemaId id, std::shared_ptr<const internal::ParsedSchema> parsed,
                 std::size_t text_bytes) {
    Put(id, std::move(parsed), text_bytes * kBytesPerTextByte);
  }
};

// A diff's content (SchemaDiff without the version numbers) by the schema
// ids of the pair (old, new): both are immutable, so the entry never goes
// stale.
struct CachedDiff {
  std::string compatibility;
  std::vector<SchemaChange> changes;
};
struct SchemaIdPairHash {
  std::size_t operator()(const std::pair<SchemaId, SchemaId>& p) const {
    return std::hash<std::int64_t>()(p.first.value()) * 1000003u ^
           std::hash<std::int64_t>()(p.second.value());
  }
};
class Service::DiffCache
    : public internal::Lru<std::pair<SchemaId, SchemaId>, CachedDiff, SchemaIdPairHash> {
 public:
  using Lru::Lru;
};

namespace internal {

// The work budget of one Service request (ServiceOptions::max_request_work),
// current on this thread while it lives (accord/schemas/budget.h). A call
// made within another request's budget (a Service method calling another)
// shares that one; limit 0 adds none.
class RequestBudget {
 public:
  explicit RequestBudget(std::uint64_t limit) {
    if (limit == 0 || CurrentWorkBudget() != nullptr) return;
    own_.emplace(limit);
    scope_.emplace(*own_);
  }
  // After a large request, the heap's free memory goes back to the system
  // (glibc keeps what a 1 MB schema's models and reports freed otherwise).
  ~RequestBudget() {
    if (own_ && own_->used() > kTrimAfterWork) malloc_trim(0);
  }
  RequestBudget(const RequestBudget&) = delete;
  RequestBudget& operator=(const RequestBudget&) = delete;

 private:
  static constexpr std::uint64_t kTrimAfterWork = 1'000'000;
  std::optional<WorkBudget> own_;
  std::optional<WorkBudgetScope> scope_;
};

// 42211 when the current request's budget is exhausted: whatever was
// computed under it is not used.
inline RegistryResult<void> CheckWorkBudget() {
  const WorkBudget* b = CurrentWorkBudget();
  if (b == nullptr || !b->Exhausted()) return {};
  return Fail(ErrorCode::kRequestTooCostly,
              "The request needs more work than the limit of " + std::to_string(b->limit()) +
                  " units (max_request_work): the schema is too costly to parse, check or diff");
}

// [a-z0-9][a-z0-9._-]* (tags), or with upper case too (SLA keys, service,
// environment and service-version names).
bool Token(std::string_view s, bool upper_ok);

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

// An audit row's detail: {"before": .., "after": ..} as JSON text.
inline std::string BeforeAfter(const json::Value& before, const json::Value& after) {
  json::Value o{json::Object{}};
  o.Add("before", before);
  o.Add("after", after);
  return json::ToJson(o);
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

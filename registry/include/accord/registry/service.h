// Service: every rule of the registry, between the HTTP handlers and the
// Store. The handlers only translate wire <-> these calls.
//
// RULES (Confluent's, kept where a client could notice; tests in
// tests/unit/registry/service_test.cc are named after them):
//  * Ids are global: one canonical schema (same type, same canonical text,
//    same references) has one id under every subject. Canonical text is
//    json::Canonicalize of the parsed schema for JSON Schema and Avro, so
//    whitespace and member order do not make a new schema.
//  * Register is idempotent: a schema equal to a live version of the subject
//    returns that version's id and makes no new version (even when it is not
//    the latest).
//  * Version numbers are 1, 2, ... per subject, never reused while a
//    soft-deleted version holds the number; numbering continues after a soft
//    delete of the whole subject and restarts at 1 after a permanent one.
//  * Compatibility is checked against live versions only, chosen by the
//    subject's level (compat::PairsFor): subject config, else global config,
//    else ServiceOptions::default_level. IMPORT mode and level NONE skip it.
//  * Not found: an unknown subject, or one whose versions are all
//    soft-deleted, is 40401 on reads; an unknown version 40402; an unknown
//    schema id (or a lookup of a schema the subject does not have) 40403.
//  * Delete: soft first, then permanent. Soft-deleting a soft-deleted
//    subject is 40404, a soft-deleted version 40406; permanent before soft is
//    40405 (subject) / 40407 (version). Deleting a version that another
//    schema references is 42206.
//  * Modes: READONLY refuses writes with 42205; IMPORT may only be set on an
//    empty registry (or subject) unless forced (42205), accepts client ids
//    and versions and skips compatibility.
//  * Config: GET of a subject without its own config is 40408 unless
//    default_to_global; an unknown level is 42203.
//  * Subject names: non-empty, no control characters, at most 255 bytes
//    (42208). Schema text over ServiceOptions::max_schema_bytes: 42209.
//  * PROTOBUF is 42201 "not supported yet"; an invalid schema is 42201 with
//    the parser's message.
//  * A failed store write is 50001 and changes nothing (not even caches).
//
// THREAD SAFETY: every method may be called concurrently. Writes are
// serialised by write_mu_ (one registration decides and commits before the
// next reads the subject); reads go to the Store or the immutable schema
// cache concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/registry/error.h"
#include "accord/registry/store.h"
#include "accord/registry/types.h"
#include "accord/schemas/json.h"

namespace accord::registry {

struct ServiceOptions {
  compat::Level default_level = compat::Level::kBackward;
  compat::Policy default_policy = compat::Policy::kStrict;
  std::size_t max_schema_bytes = 1024 * 1024;  // larger schema text: 42209
  std::size_t max_reference_depth = 32;        // nesting of references
  // Test seam: when set, decides compatible(writer -> reader) for two parsed
  // schemas of the same type instead of the compatibility engine.
  std::function<compat::Report(SchemaType type, const json::Value& writer,
                               const json::Value& reader, compat::Policy policy)>
      checker;
};

// Subject name rule (42208): non-empty, no control characters (< 0x20,
// 0x7f), at most 255 bytes.
RegistryResult<SubjectName> ValidateSubjectName(std::string_view name);

// A version as named on the wire: a number, or the latest version.
struct VersionSelector {
  static VersionSelector Latest() { return VersionSelector{}; }
  static VersionSelector Exactly(Version v) { return VersionSelector{v}; }
  bool latest() const { return !version.has_value(); }
  std::optional<Version> version;  // nullopt = latest
};
// "latest", "-1", or 1..2^31-1; anything else is 42202.
RegistryResult<VersionSelector> ParseVersion(std::string_view text);

// A schema as sent by a client (register, lookup, compatibility test).
struct SchemaInput {
  std::string schema;
  SchemaType type = SchemaType::kAvro;  // absent on the wire means AVRO
  std::vector<SchemaReference> references;
  bool normalize = false;  // store the canonical text instead of the given text
  // IMPORT mode only: the id and version the client chose.
  std::optional<SchemaId> id;
  std::optional<Version> version;
};

enum class Force : std::uint8_t { kNo, kYes };
enum class DeleteKind : std::uint8_t { kSoft, kPermanent };

struct Registered {
  SchemaId id;
  Version version;
  bool created = false;  // false: an existing live version was returned
};

// A version as served (Confluent's Schema object).
struct SchemaVersion {
  SubjectName subject;
  Version version;
  SchemaId id;
  SchemaType type = SchemaType::kAvro;
  std::string schema;
  std::vector<SchemaReference> references;
  bool deleted = false;
};

struct SubjectVersion {
  SubjectName subject;
  Version version;
};

struct CompatibilityResult {
  bool compatible = true;
  std::vector<std::string> messages;  // Confluent-style, one per finding + context
  compat::Report report;
};

struct ListSubjectsOptions {
  std::string prefix;
  IncludeDeleted deleted = IncludeDeleted::kNo;
  bool deleted_only = false;
};

class Service {
 public:
  // The service keeps `store` for its lifetime.
  Service(std::unique_ptr<Store> store, ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // --- subjects and versions ---------------------------------------------
  RegistryResult<Registered> Register(std::string_view subject, const SchemaInput& input,
                                      const std::string& actor = {});
  // The live version of `subject` holding this schema (deleted=kYes: also
  // soft-deleted ones). 40401 no such subject, 40403 schema not in subject.
  RegistryResult<SchemaVersion> Lookup(std::string_view subject, const SchemaInput& input,
                                       IncludeDeleted deleted = IncludeDeleted::kNo);
  RegistryResult<std::vector<std::string>> ListSubjects(const ListSubjectsOptions& options);
  // 40401 when the subject has no (live, unless kYes) version.
  RegistryResult<std::vector<Version>> ListVersions(std::string_view subject,
                                                    IncludeDeleted deleted = IncludeDeleted::kNo,
                                                    bool deleted_only = false);
  RegistryResult<SchemaVersion> GetVersion(std::string_view subject, VersionSelector v,
                                           IncludeDeleted deleted = IncludeDeleted::kNo);
  // Ids of schemas referencing the version, ascending.
  RegistryResult<std::vector<SchemaId>> ReferencedBy(std::string_view subject, VersionSelector v);
  // Returns the versions deleted.
  RegistryResult<std::vector<Version>> DeleteSubject(std::string_view subject, DeleteKind kind,
                                                     const std::string& actor = {});
  RegistryResult<Version> DeleteVersion(std::string_view subject, VersionSelector v,
                                        DeleteKind kind, const std::string& actor = {});

  // --- schemas by id (served from memory after the first read) ------------
  RegistryResult<SchemaRecord> GetSchema(SchemaId id);
  RegistryResult<std::vector<std::string>> SubjectsOfSchema(SchemaId id, IncludeDeleted deleted);
  RegistryResult<std::vector<SubjectVersion>> VersionsOfSchema(SchemaId id, IncludeDeleted deleted);

  // --- compatibility -------------------------------------------------------
  // v = nullopt: against the versions the subject's level selects; else
  // against that version only (in the level's direction(s), non-transitive).
  // 40401 / 40402 when the subject / version does not exist.
  RegistryResult<CompatibilityResult> TestCompatibility(std::string_view subject,
                                                        std::optional<VersionSelector> v,
                                                        const SchemaInput& input);

  // --- config and mode -----------------------------------------------------
  // subject nullopt: global (never 40408; built-in defaults when unset).
  // A subject without own config: 40408, or the global one when
  // default_to_global.
  RegistryResult<ConfigRecord> GetConfig(const std::optional<std::string>& subject,
                                         bool default_to_global);
  // Merges the set fields of `update` into the stored config; returns the
  // resulting stored config.
  RegistryResult<ConfigRecord> SetConfig(const std::optional<std::string>& subject,
                                         const ConfigRecord& update, const std::string& actor = {});
  // Removes the config, returns what it was (global: resets to defaults).
  // 40408 when a subject had none.
  RegistryResult<ConfigRecord> DeleteConfig(const std::optional<std::string>& subject,
                                            const std::string& actor = {});
  RegistryResult<Mode> GetMode(const std::optional<std::string>& subject, bool default_to_global);
  RegistryResult<Mode> SetMode(const std::optional<std::string>& subject, Mode mode, Force force,
                               const std::string& actor = {});
  RegistryResult<Mode> DeleteMode(const std::optional<std::string>& subject,
                                  const std::string& actor = {});

  // --- operations ----------------------------------------------------------
  RegistryResult<void> Ready();
  struct Stats {
    std::int64_t schemas = 0;   // highest schema id (ids are never reused)
    std::int64_t subjects = 0;  // subjects with a live version
  };
  RegistryResult<Stats> GetStats();
  RegistryResult<std::vector<AuditRecord>> Audit(std::int64_t after_seq, std::size_t limit);
  const ServiceOptions& options() const { return options_; }

 private:
  struct Parsed;
  struct CachedSchema;
  RegistryResult<std::shared_ptr<const CachedSchema>> Cached(SchemaId id);
  RegistryResult<Parsed> Prepare(const SchemaInput& input);
  RegistryResult<compat::Level> EffectiveLevel(const SubjectName& s);
  RegistryResult<compat::Policy> EffectivePolicy(const SubjectName& s);
  RegistryResult<Mode> EffectiveMode(const SubjectName& s);
  RegistryResult<compat::Report> CheckPairs(const Parsed& candidate,
                                            const std::vector<VersionRecord>& history,
                                            compat::Level level, compat::Policy policy);
  RegistryResult<SchemaVersion> ToSchemaVersion(const VersionRecord& v);

  std::unique_ptr<Store> store_;
  const ServiceOptions options_;
  std::mutex write_mu_;  // serialises every write (decide + commit)
  // Guards cache_. Entries are immutable once inserted; shared_ptr lets a
  // reader keep an entry while another thread inserts (rehash).
  std::shared_mutex cache_mu_;
  std::unordered_map<SchemaId, std::shared_ptr<const CachedSchema>> cache_;
};

}  // namespace accord::registry

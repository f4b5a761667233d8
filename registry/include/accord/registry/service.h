// Service: every rule of the registry, between the HTTP handlers and the
// Store. The handlers only translate wire <-> these calls.
//
// RULES (Confluent's, kept where a client could notice; tests in
// tests/unit/registry/service_test.cc are named after them):
//  * Ids are global: one canonical schema (same type, same canonical text,
//    same references) has one id under every subject. Canonical text is
//    json::Canonicalize of the parsed schema for JSON Schema and Avro, and
//    protobuf::CanonicalText for Protobuf, so whitespace and member order
//    (Protobuf: comments, option order, type name qualification) do not
//    make a new schema.
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
//    schema references is 42206. Deprecation policy: a permanent delete of
//    a version that a service declaration still accepts (its consumes entry
//    for the subject, ConsumedSubject::Accepts: the calendar's rule) is 40902
//    naming the services, unless Force::kYes (the subject's owner or an
//    admin: a consumer declaration cannot hold a subject hostage); a forced
//    permanent delete returns the consumers it overrode (Deleted) and its
//    audit row's detail is {"force":true,"overriddenConsumers":[{"service",
//    "owner","versions"}]}; soft delete is always allowed.
//  * Modes: READONLY refuses writes with 42205; IMPORT may only be set on an
//    empty registry (or subject) unless forced (42205), accepts client ids
//    and versions and skips compatibility.
//  * Config: GET of a subject without its own config is 40408 unless
//    default_to_global; an unknown level is 42203. `lint` (governance lint
//    on register) falls back like level and policy: subject, global, off.
//  * Lint on register: with lint on for the subject, a new version (not an
//    idempotent one, not in IMPORT mode) is checked by compat::lint::Lint
//    with ServiceOptions::lint, the subject name and its catalog owner (as
//    this registration leaves it); error findings refuse it with 42201
//    listing "[rule-id] pointer: message"; warnings pass.
//  * Subject names: non-empty, valid UTF-8, no control characters, at most
//    255 bytes (42208). Schema text over ServiceOptions::max_schema_bytes: 42209.
//  * New subject names (a registration that creates a subject, outside
//    IMPORT mode; a subject a writer's service declaration claims by
//    producing it, 42210 there) must also pass the look-alike rules (42208
//    with the reason; subject_names.h): not made of dots only ("." / ".."),
//    not ending with "."; no leading or trailing White_Space; no code point
//    of category Cc, Cf, Zl, Zp, Cs, Cn, no Zs but U+0020, no
//    Default_Ignorable_Code_Point. A registration that creates a subject,
//    and a writer's declaration claiming one (42210 there), are also refused
//    (42208 naming it) when another subject with a version record
//    (soft-deleted included) differs from it only by simple Unicode case
//    folding, unless ServiceOptions::subject_case_variants is kAllow; the
//    check is an index lookup (folded_names.h), and a store shared by
//    replicas repeats it in the write (NewVersion::case_fold,
//    SubjectClaim::case_fold). Subjects that exist already stay readable,
//    deletable and keep taking new versions.
//  * An invalid schema is 42201 with the parser's message (a type without a
//    language in compat/language.h's table: "not supported yet").
//  * A failed store write is 50001 and changes nothing (not even caches).
//  * Register reads the mode and the config (subject, then global) once each.
//  * DATA CONTRACTS (Confluent's `metadata` / `ruleSet`; data_contract.h):
//    both are validated (42210: rule names, kinds, modes, types, the
//    two-action forms, duplicate names, limits) and kept per version in
//    Confluent's normal form. Outside IMPORT a new version's are the
//    config's default, then its own (each absent one: the latest live
//    version's), then the config's override, merged as Confluent merges
//    them; `confluent:version` is set to the new version's number when the
//    request names a version or the metadata carries it. They are part of
//    the schema's identity (fingerprint: a schema without them keeps its
//    fingerprint), so the same text with another contract is a new version
//    and id; Register and Lookup also take a live version whose schema and
//    contract differ only in `confluent:version`, and Lookup tries the
//    contract a registration would settle on. Config compatibilityGroup
//    checks a new version only against live versions with the same value of
//    that metadata property; validateFields refuses (40901) dropping a name
//    of the latest live version's `confluent:reserved` or a top-level field
//    with a reserved name. Reads by id serve the contract of the version
//    that first registered the schema. metadata.properties owner /
//    description / tags (comma-separated) / sla.<name> of the registration's
//    own metadata update the subject's catalog metadata in the same write as
//    the new version (42210 when invalid).
//
// CATALOG RULES (catalog.cc; tests in catalog_test.cc):
//  * A catalog call about a subject needs a live version (else 40401); about
//    a version, a live version (40402). Catalog writes honour READONLY
//    (42205: subject mode for subject writes, global mode for services).
//  * Subject metadata (a PUT replaces the members it names and keeps the
//    others): owner <= 128 bytes, description <= 4096, <= 32 tags of
//    [a-z0-9][a-z0-9._-]{0,63} (stored sorted, unique), <= 16 links {name
//    1..128, http(s) URL <= 2048 without spaces}, <= 16 SLA targets {name
//    [A-Za-z0-9][A-Za-z0-9._-]{0,63}: 1..256 bytes}; no
//    control characters (the description may hold newlines and tabs);
//    message (the type the events are, SubjectMetadata::message) <= 512
//    bytes of [A-Za-z0-9_.], a type of the latest live version
//    (compat::Language::EventType: "Order", "acme.Order", ".acme.Order"),
//    stored as its full name ("acme.Order"). Anything else is 42210. The
//    field table (Fields, GetCatalogSubject's personal data, SearchCatalog,
//    SearchFields) is of that type in every version that has it, of the
//    schema's default type in a version that does not.
//  * Deprecation: sunset is a valid YYYY-MM-DD (42210); reason <= 1024
//    bytes; replacement, when given, another live version (42210).
//    Lifecycle at the Service clock (ServiceOptions::now_ms): ACTIVE;
//    DEPRECATED before the sunset day (UTC); RETIRED from the sunset day on.
//    A new sunset must be >= today + ServiceOptions::min_notice_days (42210
//    naming the earliest date) unless it keeps or postpones the stored one,
//    or the subject is in IMPORT mode (a deprecation carried over from
//    another registry by accord import: its notice was given there).
//    RETIRED versions stay readable (GetVersion, GetSchema by id);
//    GetServedSchema reports when every live holder is deprecated/retired.
//    Re-deprecating keeps the first deprecation time.
//  * Service declarations: name 1..128 of [A-Za-z0-9._-], each consumed
//    subject once, versions a list / ">=N" / all, reader schemas parsed
//    with the files they import (ConsumedSubject::references; formats.h
//    ParseReader) (42201 when invalid, 42209 when too large); 40410 for
//    unknown names.
//  * Field search (SearchFields): a subject matches when a row of a live
//    version's field table has the name asked (its own name or its dotted
//    path, ASCII case-insensitive) and/or is personal data (tag PII). Each
//    schema's rows are computed once per process (field_index.h), never per
//    search.
//  * Every catalog change writes one audit row in the same transaction
//    (PUT_METADATA, DEPRECATE, UNDEPRECATE, PUT_SERVICE, DELETE_SERVICE, with
//    {"before", "after"} detail). A write that changes nothing (same
//    metadata, same deprecation, same declaration, undeprecating an active
//    version) writes no row and keeps updatedAt.
//
// CONTRACT VERSIONS, ENVIRONMENTS, DEPLOYMENTS (environments.cc; tests in
// environments_test.cc):
//  * A contract version (service, version) holds the service's whole
//    contract: produced subjects with the schema id that version writes,
//    consumed subjects with reader schema and accepted versions. It is
//    immutable: publishing it again with the same contract changes nothing,
//    with another one is 40903. Contract versions are never deleted.
//  * Environments are named (1..64 of [A-Za-z0-9._-]), have an owner and a
//    production flag; an admin declares or changes one, and recording a
//    deployment creates an unknown one.
//  * One version per service per environment: recording S@V2 in ENV
//    replaces S@V1 there (Pact's record-deployment). Undeployment removes it.
//  * Every change writes one audit row (PUBLISH_SERVICE_VERSION,
//    PUT_ENVIRONMENT, RECORD_DEPLOYMENT, RECORD_UNDEPLOYMENT, subject empty,
//    detail JSON naming service, version and environment); the global
//    READONLY mode refuses them (42205).
//
// AUTHORISATION (authz.h / authz.cc; tests in authz_test.cc). Every
// mutating method takes the caller's Principal (auth.h); the default,
// Principal::OpenAdmin(), is the open server's anonymous admin. Refusals are
// 40301 and change nothing (no audit row); every change records
// Principal::name as the audit row's actor.
//  * reader: no change at all (checked before anything else is answered).
//  * writer: changes subjects whose owner (SubjectMetadata::owner) is one of
//    its teams: Register, DeleteSubject / DeleteVersion, subject
//    Set/DeleteConfig and Set/DeleteMode (not IMPORT), Update/
//    PutSubjectMetadata (owner unchanged), Deprecate / Undeprecate. A
//    subject without an owner (older data, or made by a team-less admin) is
//    admins-only; so is the config or mode of a subject not registered yet.
//    Register of a subject with no version record and no owner is allowed to
//    any writer and sets the owner to metadata.properties.owner (one of its
//    own teams) or else its first team, in the same store write (AddVersion)
//    as the version. Service declarations: Put when the declared owner and
//    the stored one (if any) are among its teams, and every subject it
//    declares it *produces* is owned by one of its teams or is unclaimed
//    (no version record, no owner: the Put then makes the declaration's
//    owner its owner, one PUT_METADATA audit row each before the
//    declaration's, all in the declaration's store write: a failure leaves
//    neither); a subject of another team, or an existing one without
//    owner, is 40301 naming it. *Consumed* subjects are open to every team.
//    Delete when the stored owner is. A forced permanent delete (past the
//    consumers) is the subject owner's right like any delete.
//  * admin: everything, including global config and mode, IMPORT mode,
//    owner changes, any subject in a declaration's produces (an admin's
//    declaration claims nothing), and Audit.
//  * Order: role first; then, under the write's lock, the stored owner is read and
//    checked before the subject's versions are looked at (an authenticated
//    caller may still learn 40401 where it has the right).
//
// THREAD SAFETY: every method may be called concurrently. Registrations of
// one subject are decided and written one at a time (SubjectScope: the
// subject's stripe of subject_mu_), registrations of different subjects
// concurrently; every other write is serialised by write_mu_ (WriteScope).
// Reads go to the Store or the immutable schema cache concurrently.
//
// SEVERAL PROCESSES (replicas on one PostgreSQL store): those locks order
// this process's writes only; what holds across processes rests on the
// store. Register tells the store which latest version it decided against
// (NewVersion::expected_latest); when another writer appended first, the
// store refuses with StoreFault::kConflict and Register reads, checks and
// writes again (at most kConflictRetries times, after a random pause that
// grows with each), so a new version is always checked against the version
// it follows. So does a decision made under a config or mode that changed
// meanwhile (NewVersion::decided_under). What the Service memoises from
// mutable state (served_memo_: which versions hold a schema) is keyed by
// write_generation_ plus the store's HoldersGeneration(), so another
// process's change drops it too.
//
// GROUP COMMIT is the store's business (store.h): concurrent registrations
// of different subjects reach it together and share durable commits; each
// is acknowledged only once its write is durable, and a failed commit fails
// every registration in it (50001) and keeps nothing of them (the caches
// are filled only after a write succeeded).
#pragma once

#include <array>
#include <atomic>
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

#include "accord/compat/language.h"
#include "accord/compat/lint.h"
#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/registry/auth.h"
#include "accord/registry/error.h"
#include "accord/registry/store.h"
#include "accord/registry/types.h"
#include "accord/registry/usage.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"

namespace accord::registry {

namespace internal {
struct ParsedSchema;  // formats.h, private to registry/src
class FoldedNames;    // folded_names.h, private to registry/src
class FieldIndex;     // field_index.h, private to registry/src
struct IndexedField;  // field_index.h
}  // namespace internal

// Whether a new subject may differ from an existing one only by letter case.
enum class SubjectCaseVariants : std::uint8_t { kRefuse, kAllow };
// "refuse", "allow".
std::string_view SubjectCaseVariantsName(SubjectCaseVariants v);
// Case-insensitive; nullopt for anything else.
std::optional<SubjectCaseVariants> SubjectCaseVariantsFromString(std::string_view s);

struct ServiceOptions {
  compat::Level default_level = compat::Level::kBackward;
  compat::Policy default_policy = compat::Policy::kStrict;
  std::size_t max_schema_bytes = 1024 * 1024;  // larger schema text: 42209
  std::size_t max_reference_depth = 32;        // nesting of references
  // The dialect a JSON Schema without $schema is read as, when it is
  // registered and whenever a stored one is checked or diffed (the `dialect`
  // setting; draft-07 as Confluent). Changing it changes how stored schemas
  // without $schema are read: README, "Upgrading".
  jsonschema::Dialect default_dialect = jsonschema::kDefaultDialect;
  // The clock (Unix milliseconds) against which lifecycle states are
  // computed and catalog changes are stamped; null = the system clock.
  std::function<std::int64_t()> now_ms = nullptr;
  // A new sunset date must be at least this many days after today (UTC):
  // 42210 naming the earliest allowed date. 0 allows today and past dates.
  int min_notice_days = 30;
  // The rules Register applies when a subject's config turns lint on (the
  // server config's `lint:` section, compat::lint::ParseConfig).
  compat::lint::Config lint{};
  // How many schemas' parsed forms (JSON tree, Avro model, resolved
  // references: several times the text's size) stay in memory, least
  // recently used evicted first; the others are parsed again when a check,
  // diff or field listing needs them. Stored texts are always in memory.
  std::size_t parsed_schema_cache = 1000;
  // ...and at most this many MiB of them, by an estimate from each schema's
  // text size (ParsedCache::kBytesPerTextByte): only huge schemas reach it.
  std::size_t parsed_schema_cache_mb = 512;
  // kRefuse: a registration creating "Orders" while "orders" exists is 42208.
  SubjectCaseVariants subject_case_variants = SubjectCaseVariants::kRefuse;
  // The work one request may do (accord::WorkBudget units: nodes, fields,
  // symbols and values visited, node pairs compared) in parsing, checking
  // and diffing: past it the request fails with 42211 naming this limit,
  // before it has run for long (1 MB worst cases need well under a tenth of
  // this; docs/benchmarks.md). 0 = no limit.
  std::uint64_t max_request_work = 50'000'000;
  // How many diffs of version pairs (catalog diff and changelog) stay in
  // memory, keyed by the pair's schema ids (immutable), least recently
  // used evicted first. 0 = none.
  std::size_t diff_cache = 256;
  // Called after a change that webhooks announce (usage.h WebhookEvent:
  // a new version, a deprecation, a contract published; the `data` objects
  // are in docs/catalog-api.md), once the change is durable, on the
  // request's thread: it must not block (WebhookDispatcher::Publish).
  // Null: nothing is announced.
  std::function<void(WebhookEvent event, const json::Value& data)> on_event = nullptr;
  // Called after a webhook was added or removed (WebhookDispatcher::
  // HooksChanged). Null: nothing.
  std::function<void()> on_webhooks_changed = nullptr;
  // Test seam: when set, decides compatible(writer -> reader) for two parsed
  // schemas of the same type written in JSON (their documents) instead of
  // the compatibility engine.
  std::function<compat::Report(SchemaType type, const json::Value& writer,
                               const json::Value& reader, compat::Policy policy)>
      checker;
};

// A version's lifecycle: ACTIVE, DEPRECATED (before its sunset date),
// RETIRED (from its sunset date on, UTC).
enum class Lifecycle : std::uint8_t { kActive, kDeprecated, kRetired };
// "ACTIVE", "DEPRECATED", "RETIRED".
std::string_view LifecycleName(Lifecycle s);
// Case-insensitive.
std::optional<Lifecycle> LifecycleFromString(std::string_view s);
// The state of a version with `deprecation` on the UTC day of `now_ms`.
Lifecycle LifecycleAt(const std::optional<Deprecation>& deprecation, std::int64_t now_ms);
// "YYYY-MM-DD" of a Unix-milliseconds time (UTC).
std::string CalendarDate(std::int64_t ms);

// Subject name rule (42208): non-empty, valid UTF-8, no control characters
// (< 0x20, 0x7f), at most 255 bytes. A qualified name (":.ctx:name",
// SplitQualifiedSubject) must name a valid context (ValidateContextName)
// and a non-empty subject in it; ":.:name" (the default context named
// explicitly) comes back as "name". The context wildcard ":*:" names no
// subject.
RegistryResult<SubjectName> ValidateSubjectName(std::string_view name);

// --- contexts (Confluent's qualified subject names, issue #18) -------------
// The default context, where every unqualified subject lives.
inline constexpr std::string_view kDefaultContext = ".";
// The prefix of GET /subjects?subjectPrefix= that lists every context.
inline constexpr std::string_view kContextWildcard = ":*:";

// A subject name split into its context and its name within it.
struct QualifiedSubject {
  std::string context;    // "." (kDefaultContext) or ".name"
  std::string name;       // empty for a context alone (":.ctx:")
  bool wildcard = false;  // the name began with ":*:" (context: ".")
  friend bool operator==(const QualifiedSubject&, const QualifiedSubject&) = default;
};
// Splits a name as Confluent does: ":.ctx:orders" -> (".ctx", "orders");
// ":.ctx:" and ":.ctx" -> (".ctx", ""); ":.:orders" -> (".", "orders");
// ":*:orders" -> wildcard, "orders"; anything else -> (".", name). The name
// is whatever follows the context's closing colon (it may hold colons).
// Validates nothing. Linear in the name's length.
QualifiedSubject SplitQualifiedSubject(std::string_view subject);
// The wire name of `name` in `context`: the name itself in the default
// context, ":" + context + ":" + name in another.
std::string QualifySubject(std::string_view context, std::string_view name);
// Context name rule (42208): "." followed by 1 to 100 letters (ASCII),
// digits, '-', '_' or '.'; not ".__GLOBAL" (Confluent's reserved name for
// global settings). Confluent itself refuses only a ':' in a context name;
// Accord keeps them to characters that need no escaping in a URL path and
// cannot look alike.
RegistryResult<void> ValidateContextName(std::string_view context);

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
  // Confluent's `metadata` / `ruleSet` objects as JSON text (empty: none).
  // metadata.properties owner / description / tags (comma-separated) /
  // sla.<name> also update the subject's catalog metadata (42210 when
  // invalid) when a new version is created.
  std::string metadata;
  std::string rule_set;
  // Accord's `?owner=TEAM` on a registration (`accord register --owner`):
  // the subject's catalog owner, set in the same store write as a new
  // version under the rights of any owner change (a writer may name one of
  // its own teams for a new subject; only an admin changes an owner), and
  // not kept in the version's `metadata`. Refused (403) before anything is
  // written. Ignored when the subject already holds the schema (no write).
  std::optional<std::string> owner;
  // IMPORT mode only: the id and version the client chose.
  std::optional<SchemaId> id;
  std::optional<Version> version;
};

enum class Force : std::uint8_t { kNo, kYes };
enum class DeleteKind : std::uint8_t { kSoft, kPermanent };

// A consumer declaration a forced permanent delete went past: the service,
// its owner, and which of the deleted versions it accepted (ascending).
struct OverriddenConsumer {
  std::string service{};
  std::string owner{};
  std::vector<Version> versions{};
  bool operator==(const OverriddenConsumer&) const = default;
};

// What a delete did: the versions deleted (ascending) and, for a forced
// permanent delete, the consumers overridden (by service name).
struct Deleted {
  std::vector<Version> versions{};
  std::vector<OverriddenConsumer> overridden{};
};

struct Registered {
  SchemaId id;
  Version version;
  bool created = false;  // false: an existing live version was returned
  // The version's data contract as stored (normal form; "" when none).
  std::string metadata{};
  std::string rule_set{};
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
  std::string metadata{};  // Confluent metadata JSON text (may be empty)
  std::string rule_set{};  // Confluent ruleSet JSON text (may be empty)
  std::int64_t registered_ms = 0;
  std::optional<Deprecation> deprecation{};
  Lifecycle state = Lifecycle::kActive;  // at the Service's clock
};

// A schema by id with the Confluent metadata / ruleSet of the version that
// first registered it.
// A stored schema as reads by id serve it; immutable once registered.
struct StoredSchema {
  SchemaRecord record{};
  // Confluent metadata / ruleSet of the version that first registered it.
  std::string metadata{};
  std::string rule_set{};
};

struct ServedSchema {
  // Shared with the Service's cache (not copied per read); never null.
  std::shared_ptr<const StoredSchema> schema;
  // Set when every live version holding the schema is deprecated or
  // retired: the one with the latest sunset (its deprecation and state), so
  // that reads by id carry the same Deprecation / Sunset flags.
  std::optional<SchemaVersion> deprecated{};
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
  // subjectPrefix; nullopt: absent, which lists every context (Confluent's
  // default ":*:"); "" the default context (Service::ListSubjects).
  std::optional<std::string> prefix;
  IncludeDeleted deleted = IncludeDeleted::kNo;
  bool deleted_only = false;
};

// GET /schemas.
struct ListSchemasOptions {
  std::string subject_prefix{};
  IncludeDeleted deleted = IncludeDeleted::kNo;
  bool latest_only = false;
  std::size_t offset = 0;
  std::optional<std::size_t> limit{};  // nullopt: all
};

// --- catalog (catalog.cc) -------------------------------------------------------

// A change of some members of a subject's metadata: each member that is
// set replaces the stored one (an empty value clears it).
struct MetadataUpdate {
  std::optional<std::string> owner{};
  std::optional<std::string> description{};
  std::optional<std::vector<std::string>> tags{};
  std::optional<std::vector<CatalogLink>> links{};
  std::optional<std::vector<std::pair<std::string, std::string>>> sla{};
  std::optional<std::string> message{};
  // Every member set from `m` (a full replacement).
  static MetadataUpdate Replace(const SubjectMetadata& m) {
    return MetadataUpdate{m.owner, m.description, m.tags, m.links, m.sla, m.message};
  }
  SubjectMetadata ApplyTo(SubjectMetadata m) const {
    if (owner) m.owner = *owner;
    if (description) m.description = *description;
    if (tags) m.tags = *tags;
    if (links) m.links = *links;
    if (sla) m.sla = *sla;
    if (message) m.message = *message;
    return m;
  }
};

// A deprecation as requested (PUT .../deprecation).
struct DeprecationRequest {
  std::string sunset{};  // "YYYY-MM-DD"
  std::string reason{};
  std::optional<Version> replacement{};
};

// One row of a schema's field table (each language lists its own:
// compat::Language::Fields).
using FieldInfo = compat::FieldInfo;

// One change between two versions (compat::Finding, flattened for the
// wire): its kind in the author's words, the direction it breaks (kNone for
// a SAFE change), and its pointers into the old and the new version, each
// with the referenced schema it is in ("" = the version itself; else the
// reference's name, compat::Finding::writer_document).
struct SchemaChange {
  std::string kind{};
  compat::Severity severity = compat::Severity::kSafe;
  compat::Direction direction = compat::Direction::kNone;
  std::string message{};
  std::string advice{};
  std::string old_path{};
  std::string new_path{};
  std::string old_document{};
  std::string new_document{};
};

// The difference between two versions of a subject. `compatibility` names
// the directions in which `to` is compatible with `from`: "FULL",
// "BACKWARD", "FORWARD" or "NONE".
struct SchemaDiff {
  Version from{};
  Version to{};
  std::string compatibility{};
  std::vector<SchemaChange> changes{};
};

// A consumer of a subject: a service declaration's entry for it.
struct SubjectConsumer {
  std::string service{};
  std::string owner{};
  ConsumedSubject declaration{};  // reader schema and accepted versions
};

// The catalog page of a subject.
struct CatalogSubject {
  SubjectName subject{};
  SubjectMetadata metadata{};
  std::vector<SchemaVersion> versions{};  // live, ascending (schema text included)
  std::vector<std::string> pii_fields{};  // paths, of the latest version
  std::vector<SubjectConsumer> consumers{};
  std::vector<std::string> producers{};  // services that declare they produce it
};

// Filters of a catalog search; empty fields do not filter.
struct CatalogQuery {
  std::string q{};      // case-insensitive fragment of subject, description, owner, tag, field
  std::string owner{};  // exact (case-insensitive)
  std::string tag{};    // exact
  std::optional<Lifecycle> state{};  // some live version in this state
  std::optional<SchemaType> type{};  // of the latest version
};

struct CatalogSummary {
  SubjectName subject{};
  SubjectMetadata metadata{};
  SchemaVersion latest{};           // schema text left empty
  std::vector<Lifecycle> states{};  // of the live versions, distinct, ACTIVE first
};

// GET /accord/v1/fields: events whose schema (any live version) has a
// field named `name` (its own name or its dotted path, case-insensitive)
// and/or tagged `tag`. At least one of the two is required (42210).
struct FieldQuery {
  std::string name{};
  std::string tag{};    // "PII" (case-insensitive): the one field tag the catalog knows
  std::string owner{};  // exact (case-insensitive); "" = any
};

// One matching field of a subject, merged over its live versions.
struct FieldMatch {
  std::string path{};
  std::string type{};               // in the newest version holding it
  bool pii = false;                 // in the newest version holding it
  std::vector<Version> versions{};  // the live versions holding it, ascending
};

struct FieldSearchRow {
  SubjectName subject{};
  std::string owner{};
  SchemaType type = SchemaType::kAvro;  // of the latest version
  Version latest{};
  std::vector<FieldMatch> fields{};  // by path
};

// The whole catalog as a graph (GET /accord/v1/map): every subject with a
// live version and every service declaration, without schema texts.
struct MapEvent {
  SubjectName subject{};
  std::string owner{};
  SchemaType type = SchemaType::kAvro;                    // of the latest version
  std::vector<std::pair<Version, Lifecycle>> versions{};  // live, ascending
};
struct CatalogMap {
  std::vector<MapEvent> events{};         // by subject
  std::vector<ServiceRecord> services{};  // by name; reader schemas left empty
};

// One row of the deprecation calendar.
struct CalendarEntry {
  SchemaVersion version{};  // schema text left empty; deprecation set
  // Services whose declared `versions` accept this version (a list naming
  // it, ">=N" with N <= it, or "all").
  std::vector<std::string> consumers{};
};

// Result of a service declaration PUT.
struct PutServiceResult {
  ServiceRecord service{};
  bool changed = false;  // false: the same declaration was stored already
};

// Result of publishing a contract version (Service::PublishServiceVersion).
struct PublishVersionResult {
  ServiceVersionRecord contract{};
  bool created = false;  // false: the same contract was stored already
};

// An event a deployed version produces, as the environment matrix shows it.
struct DeployedProduces {
  SubjectName subject{};
  SchemaId schema_id{};
  // The subject's live version holding that schema (the lowest when
  // several do); nullopt when no live version holds it any more.
  std::optional<Version> version{};
};

// A service running in an environment, with its contract.
struct DeployedService {
  DeploymentRecord deployment{};
  // nullopt only when the contract version is missing from the store.
  std::optional<ServiceVersionRecord> contract{};
  std::vector<DeployedProduces> produces{};  // by subject
};

// One pair a deployment would put together (Service::CheckDeployment): a
// producer's version of `subject` and a consumer's reader of it.
struct DeployPair {
  SubjectName subject{};
  std::string producer{};            // "SERVICE@VERSION"
  std::string consumer{};            // "SERVICE@VERSION"
  std::optional<Version> version{};  // the subject version the producer writes
  bool ok = true;
  // Why not, one line each: the consumer does not accept the version, the
  // schema is not a live version any more, or each failing finding
  // ("KIND at /path: message").
  std::vector<std::string> reasons{};
};

// One break a client-side can-i-deploy found (Service::ReportDeployCheckFailed).
struct DeployCheckBreak {
  std::string subject{};
  std::string peer{};    // the other side, "SERVICE@VERSION"
  std::string reason{};  // one line
};

// GET /accord/v1/environments/{env}: the environment and what runs there.
struct EnvironmentView {
  EnvironmentRecord environment{};
  std::vector<DeployedService> services{};  // by service name
};

// GET /accord/v1/audit: rows with seq > after_seq, at most `limit`, each
// filter applied when set (since/until: Unix ms, inclusive).
struct AuditQuery {
  std::int64_t after_seq = 0;
  std::size_t limit = 100;
  std::optional<std::string> subject{};
  std::optional<std::string> actor{};
  std::optional<std::int64_t> since_ms{};
  std::optional<std::int64_t> until_ms{};
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
                                      const Principal& caller = Principal::OpenAdmin());
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
  // Deletes the subject (`version` nullopt: DeleteSubject's rules) or one
  // version (DeleteVersion's). A permanent delete of a version that a
  // service declaration still consumes is 40902 naming the services, unless
  // `force` (allowed to whoever may delete the subject: its owner's writers
  // and admins); the result then lists the consumers overridden.
  RegistryResult<Deleted> Delete(std::string_view subject, std::optional<VersionSelector> version,
                                 DeleteKind kind, const Principal& caller, Force force);
  // Returns the versions deleted (Delete with the whole subject).
  RegistryResult<std::vector<Version>> DeleteSubject(
      std::string_view subject, DeleteKind kind, const Principal& caller = Principal::OpenAdmin(),
      Force force = Force::kNo);
  RegistryResult<Version> DeleteVersion(std::string_view subject, VersionSelector v,
                                        DeleteKind kind,
                                        const Principal& caller = Principal::OpenAdmin(),
                                        Force force = Force::kNo);

  // --- schemas by id (served from memory after the first read) ------------
  RegistryResult<SchemaRecord> GetSchema(SchemaId id);
  // As GetSchema, with the metadata / ruleSet of the first version that
  // registered the schema.
  RegistryResult<ServedSchema> GetServedSchema(SchemaId id);
  // Schema `id` in its language's form `format` (Confluent's `format` query
  // parameter; Protobuf "serialized": the base64 FileDescriptorProto);
  // nullopt when the language has no such form or `format` is empty (serve
  // the stored text).
  RegistryResult<std::optional<std::string>> FormattedSchema(SchemaId id, std::string_view format);
  // GET /schemas: versions ordered by subject then version (latest_only:
  // the latest version of each subject).
  RegistryResult<std::vector<SchemaVersion>> ListSchemas(const ListSchemasOptions& options);
  // GET /subjects/{s}/metadata: the latest version whose Confluent
  // metadata.properties hold every (key, value). 40401 unknown subject,
  // 40403 when no version matches.
  RegistryResult<SchemaVersion> LatestWithMetadata(
      std::string_view subject, const std::vector<std::pair<std::string, std::string>>& match,
      IncludeDeleted deleted = IncludeDeleted::kNo);
  RegistryResult<std::vector<std::string>> SubjectsOfSchema(SchemaId id, IncludeDeleted deleted);
  RegistryResult<std::vector<SubjectVersion>> VersionsOfSchema(SchemaId id, IncludeDeleted deleted);

  // --- contexts (Confluent's qualified subject names, issue #18) ----------
  // GET /contexts: "." (the default context, always), then, by name, every
  // context created (a registration in it, or its own config or mode set)
  // and not deleted since, and every context that holds a subject with a
  // version (soft-deleted ones included).
  RegistryResult<std::vector<std::string>> ListContexts();
  // DELETE /contexts/{ctx} (".ctx", "ctx" or ":.ctx:"): the context is no
  // longer listed and its own config and mode are removed; its number
  // stays reserved (a later registration in it revives it with the same
  // id space). Admins only (40301). 42205 for the default context, and
  // while any subject in it has a version, soft-deleted ones included
  // (delete them permanently first); 40414 when it does not exist or was
  // deleted already; 42208 for an invalid name.
  RegistryResult<void> DeleteContext(const std::string& context,
                                     const Principal& caller = Principal::OpenAdmin());
  // The stored id (SchemaId) of the id `wire_id` a client names, in the
  // context `subject` picks, as Confluent picks it for GET
  // /schemas/ids/{id}?subject=: none or empty: the default context; a
  // qualified name (":.ctx:" or ":.ctx:orders"): its context; an
  // unqualified one ("orders"): the default context when "orders" holds
  // the id there, else the first context (by number) whose ":.ctx:orders"
  // holds it, else the default context. 40403 when `wire_id` is out of
  // range (1 .. 2^31-1) or the context unknown; whether the schema exists
  // is for the read that follows.
  RegistryResult<SchemaId> ResolveSchemaId(std::int64_t wire_id,
                                           const std::optional<std::string>& subject);

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
  // default_to_global. Contexts (issue #18): subject ":.ctx:" (or ":.ctx")
  // names context .ctx's own config and mode, ":.:" the global ones; a
  // subject in a named context falls back to its context's, then the
  // global ones, field by field (GetConfig/GetMode with default_to_global
  // and every decision: ConfigFor, EffectiveMode). Setting a context's own
  // creates the context; only admins may (40301).
  RegistryResult<ConfigRecord> GetConfig(const std::optional<std::string>& subject,
                                         bool default_to_global);
  // Merges the set fields of `update` into the stored config; returns the
  // resulting stored config.
  RegistryResult<ConfigRecord> SetConfig(const std::optional<std::string>& subject,
                                         const ConfigRecord& update,
                                         const Principal& caller = Principal::OpenAdmin());
  // Removes the config, returns what it was (global: resets to defaults).
  // 40408 when a subject had none.
  RegistryResult<ConfigRecord> DeleteConfig(const std::optional<std::string>& subject,
                                            const Principal& caller = Principal::OpenAdmin());
  RegistryResult<Mode> GetMode(const std::optional<std::string>& subject, bool default_to_global);
  RegistryResult<Mode> SetMode(const std::optional<std::string>& subject, Mode mode, Force force,
                               const Principal& caller = Principal::OpenAdmin());
  RegistryResult<Mode> DeleteMode(const std::optional<std::string>& subject,
                                  const Principal& caller = Principal::OpenAdmin());

  // --- catalog (catalog.cc) ----------------------------------------------
  // Every catalog call about a subject is 40401 when it has no live version.
  RegistryResult<SubjectMetadata> GetSubjectMetadata(std::string_view subject);
  // Replaces the metadata (validated: 42210). Unchanged metadata writes
  // nothing (no audit row). 42205 in READONLY mode. Returns what is stored.
  RegistryResult<SubjectMetadata> PutSubjectMetadata(
      std::string_view subject, const SubjectMetadata& metadata,
      const Principal& caller = Principal::OpenAdmin());
  // As PutSubjectMetadata with the members `update` sets replacing the
  // stored ones and the others kept (PUT .../metadata with some members).
  RegistryResult<SubjectMetadata> UpdateSubjectMetadata(
      std::string_view subject, const MetadataUpdate& update,
      const Principal& caller = Principal::OpenAdmin());
  RegistryResult<CatalogSubject> GetCatalogSubject(std::string_view subject);
  // Subjects with a live version matching `query`, sorted by name.
  RegistryResult<std::vector<CatalogSummary>> SearchCatalog(const CatalogQuery& query);
  // Deprecates a live version (or changes its deprecation): 40402 unknown
  // version, 42210 bad date / replacement (must be another live version) /
  // sunset sooner than ServiceOptions::min_notice_days (keeping or
  // postponing the stored sunset is always allowed).
  RegistryResult<SchemaVersion> Deprecate(std::string_view subject, VersionSelector v,
                                          const DeprecationRequest& request,
                                          const Principal& caller = Principal::OpenAdmin());
  // Back to ACTIVE; a version that is not deprecated is left as it is (no
  // audit row).
  RegistryResult<SchemaVersion> Undeprecate(std::string_view subject, VersionSelector v,
                                            const Principal& caller = Principal::OpenAdmin());
  // Every live deprecated version, soonest sunset first (then subject,
  // version).
  RegistryResult<std::vector<CalendarEntry>> DeprecationCalendar();
  RegistryResult<std::vector<FieldInfo>> Fields(std::string_view subject, VersionSelector v);
  // Subjects with a live version matching `query`, by subject; 42210 when
  // neither name nor tag is given, or the tag is not one the catalog knows.
  // Each schema's field table is computed once (field_index.h); the request
  // budget bounds the schemas indexed by one call (42211; the ones indexed
  // before it ran out stay indexed).
  RegistryResult<std::vector<FieldSearchRow>> SearchFields(const FieldQuery& query);
  // Every subject with a live version and every service declaration.
  RegistryResult<CatalogMap> GetCatalogMap();
  // Both versions must be live (40402); `from` nullopt: the live version
  // before `to` (40402 when `to` is the first). 42201 when the engine
  // rejects a schema.
  RegistryResult<SchemaDiff> Diff(std::string_view subject, std::optional<VersionSelector> from,
                                  VersionSelector to);
  // The diff of each live version against the live version before it,
  // newest first (the first version has no changes).
  RegistryResult<std::vector<SchemaDiff>> Changelog(std::string_view subject);
  RegistryResult<std::vector<SubjectConsumer>> ConsumersOf(std::string_view subject);

  // Service declarations. Names: 1..128 of [A-Za-z0-9._-] (42210). Reader
  // schemas are parsed (42201); versions must be positive (42210).
  RegistryResult<PutServiceResult> PutServiceDeclaration(
      const ServiceRecord& service, const Principal& caller = Principal::OpenAdmin());
  // 40410 when absent.
  RegistryResult<ServiceRecord> GetServiceDeclaration(std::string_view name);
  RegistryResult<std::vector<ServiceRecord>> ListServiceDeclarations();
  // Returns the removed declaration; 40410 when absent.
  RegistryResult<ServiceRecord> DeleteServiceDeclaration(
      std::string_view name, const Principal& caller = Principal::OpenAdmin());

  // --- contract versions, environments, deployments (environments.cc) ------
  // Stores the contract of service@version (CONTRACT VERSIONS above). The
  // declaration's rules apply to name, owner and consumes (42210, 42201,
  // 42209); the version is 1..128 of [A-Za-z0-9._-] starting with a letter
  // or digit (42210); each produced subject is listed once and its schema id
  // must be held by a live version of that subject (42210). Rights: as a
  // service declaration (the declared owner and the stored declaration's,
  // else the latest contract version's, among the writer's teams) and each
  // produced subject owned by one of them (40301). The same contract again:
  // created = false, nothing written; another contract: 40903.
  RegistryResult<PublishVersionResult> PublishServiceVersion(
      const ServiceVersionRecord& contract, const Principal& caller = Principal::OpenAdmin());
  // 40411 when absent.
  RegistryResult<ServiceVersionRecord> GetServiceVersion(std::string_view service,
                                                         std::string_view version);
  // Oldest first; empty when the service has none.
  RegistryResult<std::vector<ServiceVersionRecord>> ListServiceVersions(std::string_view service);
  // Declares or changes an environment (admins only: 40301). Name: 1..64 of
  // [A-Za-z0-9._-] (42210); owner <= 128 bytes. Unchanged: nothing written.
  RegistryResult<EnvironmentRecord> PutEnvironment(
      const EnvironmentRecord& environment, const Principal& caller = Principal::OpenAdmin());
  RegistryResult<std::vector<EnvironmentRecord>> ListEnvironments();
  // 40412 when absent.
  RegistryResult<EnvironmentView> GetEnvironment(std::string_view name);
  // The pairs service@version would form in `environment` (replacing the
  // version of that service recorded there), both directions: each event
  // it produces with each deployed consumer of it, each event it consumes
  // with each deployed producer of it; ok when the consumer accepts the
  // produced version and reads it (the subject's policy). For the catalog
  // page's matrix; `accord can-i-deploy --to` gives the full report with
  // witnesses. 40411 unknown version; an unknown environment runs nothing.
  RegistryResult<std::vector<DeployPair>> CheckDeployment(std::string_view environment,
                                                          std::string_view service,
                                                          std::string_view version);
  // `accord can-i-deploy --service S --version V --to ENV` answered no (the
  // check runs in the CLI, with witnesses): announces deploy.check_failed to
  // the webhooks with `breaks` (PublishEvent). Nothing is stored. Rights as
  // RecordDeployment's (the service's owning team, or admin: 40301); 40411
  // when the contract version is not published; the environment name as
  // PutEnvironment's (42210); at most 1,000 breaks of at most 1,024 bytes
  // per field (42210).
  RegistryResult<void> ReportDeployCheckFailed(std::string_view environment,
                                               std::string_view service, std::string_view version,
                                               const std::vector<DeployCheckBreak>& breaks,
                                               const Principal& caller = Principal::OpenAdmin());
  // Records that service@version now runs in `environment`, replacing the
  // version recorded there before (one version per service per
  // environment). The environment is created on first use (owner: the
  // caller's first team, else the service's owner; not production). 40411
  // when the contract version is not published; rights as
  // PublishServiceVersion's on the service (40301). The same version again:
  // nothing written.
  RegistryResult<DeploymentRecord> RecordDeployment(
      std::string_view environment, std::string_view service, std::string_view version,
      const Principal& caller = Principal::OpenAdmin());
  // Records that `service` no longer runs in `environment` (with `version`:
  // only when that version is the one recorded). 40412 no such environment,
  // 40413 not deployed there (in that version). Returns what was removed.
  RegistryResult<DeploymentRecord> RecordUndeployment(
      std::string_view environment, std::string_view service,
      const std::optional<std::string>& version, const Principal& caller = Principal::OpenAdmin());
  // --- usage: readers and webhooks (usage.cc) ------------------------------
  // Who read the version's schema (readers.h): the store's read counts of
  // its schema id, most recently seen first (then principal, user agent).
  // 40401 / 40402 as GetVersion (live versions).
  RegistryResult<std::vector<ReadCount>> Readers(std::string_view subject, VersionSelector v);
  // Registers a webhook (admins only: 40301). `request`: url (http:// or
  // https://, at most 2048 bytes, no spaces or control characters), events
  // (one or more, distinct), secret (16..256 printable ASCII bytes; empty: a
  // new random one). 42210 when invalid. Returns the stored webhook, secret
  // included (the only time it is served). Audit row PUT_WEBHOOK.
  RegistryResult<WebhookRecord> CreateWebhook(const WebhookRecord& request,
                                              const Principal& caller = Principal::OpenAdmin());
  // Every webhook, secrets left empty (admins only: 40301).
  RegistryResult<std::vector<WebhookRecord>> ListWebhooks(
      const Principal& caller = Principal::OpenAdmin());
  // Removes a webhook and returns it without its secret (admins only);
  // 40420 when absent. Audit row DELETE_WEBHOOK.
  RegistryResult<WebhookRecord> DeleteWebhook(std::string_view id,
                                              const Principal& caller = Principal::OpenAdmin());
  // Announces `event` to the webhooks subscribed to it (through
  // ServiceOptions::on_event; nothing when it is null). The Service calls
  // it itself for new versions, deprecations and contracts; what decides
  // elsewhere calls it too: can-i-deploy for an environment answering no is
  // PublishEvent(WebhookEvent::kDeployCheckFailed, {"environment", "service",
  // "version", "breaks": [...]}) (docs/catalog-api.md).
  void PublishEvent(WebhookEvent event, const json::Value& data) const;
  // Versions that are RETIRED at the Service's clock and were still fetched
  // on or after their sunset day (the readers' last_seen), by subject then
  // version: the catalog's warning. `subject` set: that subject's only.
  struct RetiredButRead {
    SchemaVersion version{};   // schema text left empty
    ReadCount last{};          // the reader seen last (its last_seen_ms)
    std::int64_t readers = 0;  // (principal, user agent) rows seen since the sunset
  };
  RegistryResult<std::vector<RetiredButRead>> RetiredVersionsStillRead(
      const std::optional<std::string>& subject = std::nullopt);

  // --- operations ----------------------------------------------------------
  RegistryResult<void> Ready();
  struct Stats {
    std::int64_t schemas = 0;   // each context's highest schema id, summed (never reused)
    std::int64_t subjects = 0;  // subjects with a live version
  };
  RegistryResult<Stats> GetStats();
  // In-memory counters (never fail).
  struct Counters {
    std::uint64_t store_commits = 0;           // durable commits of the store
    std::uint64_t store_writes_committed = 0;  // writes they made durable
    std::uint64_t parsed_schemas_cached = 0;   // entries of the parsed-schema cache
    std::uint64_t diffs_computed = 0;          // version-pair diffs computed (not from the cache)
    std::uint64_t diffs_cached = 0;            // entries of the diff cache
    std::uint64_t field_tables_computed = 0;   // schemas' field tables indexed (field search)
  };
  Counters GetCounters() const;
  // The audit rows matching `query`, oldest first (admins only: 40301).
  RegistryResult<std::vector<AuditRecord>> Audit(const AuditQuery& query,
                                                 const Principal& caller = Principal::OpenAdmin());
  const ServiceOptions& options() const { return options_; }
  // The Service's clock (ServiceOptions::now_ms or the system clock).
  std::int64_t NowMs() const;

 private:
  struct Parsed;
  struct CachedSchema;
  class ParsedCache;
  RegistryResult<std::shared_ptr<const CachedSchema>> Cached(SchemaId id);
  // Which of `live` holds the schema with `fingerprint`, answered from the
  // schema cache alone: kNone when every live version's schema is cached and
  // none matches, kUnknown when one is not cached (ask the store).
  enum class LiveMatch : std::uint8_t { kFound, kNone, kUnknown };
  LiveMatch FindLiveByFingerprint(const std::vector<VersionRecord>& live,
                                  const std::string& fingerprint, VersionRecord* found);
  // The parsed form of `c` with its references resolved, from parsed_ or
  // parsed again; nullptr when the stored text no longer parses.
  RegistryResult<std::shared_ptr<const internal::ParsedSchema>> ParsedOf(const CachedSchema& c);
  using ParsedMemo = std::unordered_map<SchemaId, std::shared_ptr<const internal::ParsedSchema>>;
  RegistryResult<std::shared_ptr<const internal::ParsedSchema>> ParsedOf(const CachedSchema& c,
                                                                         ParsedMemo& memo);
  // `referrer`: the subject the schema is for; its context is where an
  // unqualified reference is looked up (InReferrersContext in service.cc).
  RegistryResult<Parsed> Prepare(const SchemaInput& input, const SubjectName& referrer);
  struct EffectiveConfig {
    compat::Level level;
    compat::Policy policy;
    bool lint = false;
    // The data-contract settings, each the subject's else the global one
    // (ConfigRecord's; its other members unset).
    ConfigRecord contract{};
  };
  // Subject config over global config over the built-in defaults (one read
  // of each scope).
  RegistryResult<EffectiveConfig> ConfigFor(const SubjectName& s);
  RegistryResult<Mode> EffectiveMode(const SubjectName& s);
  // The four records both of those read, and what they make of them.
  RegistryResult<DecidedUnder> ReadDecidedUnder(const SubjectName& s);
  EffectiveConfig ConfigOf(const DecidedUnder& under) const;
  static Mode ModeOf(const DecidedUnder& under);
  // 42205 when `s` (nullopt: the registry) is READONLY.
  RegistryResult<void> CheckWritable(const std::optional<SubjectName>& s);
  // The live versions of a subject; 40401 when there is none.
  RegistryResult<std::vector<VersionRecord>> LiveVersions(const SubjectName& s);
  // For a change to versions of `s` (under write_mu_): the caller's right to
  // change `s` (authorisation), `s` writable (42205), then LiveVersions(s).
  RegistryResult<std::vector<VersionRecord>> LiveVersionsToChange(const SubjectName& s,
                                                                  const Principal& caller);
  // The live version `v` selects among `live`; 40402 when none.
  RegistryResult<VersionRecord> Select(const std::vector<VersionRecord>& live, VersionSelector v);
  // The parsed form of a version's schema; 42201 when it no longer parses.
  RegistryResult<std::shared_ptr<const internal::ParsedSchema>> ParsedVersion(
      const VersionRecord& v);
  RegistryResult<SchemaDiff> DiffVersions(const VersionRecord& from, const VersionRecord& to);
  // The field rows of a version's schema for type `message` (the subject's
  // SubjectMetadata::message), from field_index_ or computed and indexed
  // (none for a schema this build cannot read).
  RegistryResult<std::shared_ptr<const std::vector<internal::IndexedField>>> IndexedFields(
      const VersionRecord& v, const std::string& message);
  // The message the subject's metadata names ("" when none).
  RegistryResult<std::string> SubjectMessage(const SubjectName& subject);
  // 42201 listing the error-level lint findings of `schema` (owner: from
  // `metadata`); warnings pass.
  RegistryResult<void> CheckLint(const SubjectName& s, const Parsed& schema,
                                 const std::optional<SubjectMetadata>& metadata);
  // 40902 when a service declaration consumes one of `versions` of `s`.
  RegistryResult<void> CheckNoConsumers(const SubjectName& s, const std::vector<Version>& versions);
  RegistryResult<compat::Report> CheckPairs(const Parsed& candidate,
                                            const std::vector<VersionRecord>& history,
                                            compat::Level level, compat::Policy policy);
  // Register's compatibility check, made before the write lock against what
  // the store held then; reused under the lock when that is unchanged.
  struct PreCheck {
    std::vector<VersionRecord> live;
    compat::Level level;
    compat::Policy policy;
    RegistryResult<compat::Report> report;
  };
  // nullopt when there is nothing to check (a first version, a schema the
  // subject already has) or a read failed (the check then runs under the lock).
  std::optional<PreCheck> CheckBeforeLock(const SubjectName& subject, const Parsed& candidate);
  // Lookup's search of `versions` (the subject's, as read) for `parsed`.
  RegistryResult<SchemaVersion> LookupIn(const SubjectName& subject,
                                         const std::vector<VersionRecord>& versions,
                                         const Parsed& parsed);
  RegistryResult<SchemaVersion> ToSchemaVersion(const VersionRecord& v);

  // Holds write_mu_ for one write (every write but Register); on leaving it
  // advances write_generation_, so reads memoised from mutable state
  // (served_memo_) are recomputed.
  class WriteScope {
   public:
    explicit WriteScope(Service& s);
    ~WriteScope();
    WriteScope(const WriteScope&) = delete;
    WriteScope& operator=(const WriteScope&) = delete;

   private:
    Service& service_;
    std::unique_lock<std::mutex> lock_;
  };
  // Register's scope: holds the subject's stripe of subject_mu_ (one
  // registration of a subject at a time in this process). Register advances
  // write_generation_ itself, only when a version joined an existing schema.
  class SubjectScope {
   public:
    SubjectScope(Service& s, const SubjectName& subject);
    ~SubjectScope();
    SubjectScope(const SubjectScope&) = delete;
    SubjectScope& operator=(const SubjectScope&) = delete;

   private:
    Service& service_;
    std::unique_lock<std::mutex> lock_;
  };

  RegistryResult<Deleted> DeleteWholeSubject(const SubjectName& subject, DeleteKind kind,
                                             const Principal& caller, Force force);
  RegistryResult<Deleted> DeleteOneVersion(const SubjectName& subject, VersionSelector v,
                                           DeleteKind kind, const Principal& caller, Force force);
  // The service declarations accepting some of `versions` of `s`, by name.
  RegistryResult<std::vector<OverriddenConsumer>> ConsumersOfVersions(
      const SubjectName& s, const std::vector<Version>& versions);
  // Storing a service declaration (under write_mu_): checks the caller's
  // right to each produced subject and the new-name rules for the
  // unclaimed ones, then calls `write` with their claims for
  // `service.owner` (AUTHORISATION; none for an admin), which stores them
  // together with the declaration, and returns what it returned. Holds the
  // produced subjects' stripes of subject_mu_ (ascending, each once) and the
  // claimed names' case-variant claims until `write` returns, so a
  // registration creating one of them (or a case variant) in this process
  // runs before or after the claim, not between its check and its write.
  RegistryResult<void> ClaimProducedSubjects(
      const ServiceRecord& service, const Principal& caller,
      const std::function<RegistryResult<void>(const std::vector<SubjectClaim>&)>& write);

  // A service declaration checked against the catalog rules and normalised
  // (accepted versions sorted, unique). Errors: 42210, 42201, 42209.
  RegistryResult<ServiceRecord> ValidDeclaration(const ServiceRecord& in) const;
  // The owner whose team may change `service`'s contracts and deployments:
  // the stored declaration's, else the latest contract version's (`fallback`
  // when there is neither).
  RegistryResult<std::string> ServiceOwner(const std::string& service, const std::string& fallback);
  // The published contract service@version and its owner (ServiceOwner),
  // when `caller` may act for that service (AuthoriseServiceChange): 40411
  // unknown version, 40301 not the owning team or admin.
  struct OwnedContract {
    ServiceVersionRecord contract;
    std::string owner;
  };
  RegistryResult<OwnedContract> ContractActedOnBy(std::string_view service,
                                                  std::string_view version,
                                                  const Principal& caller);

  // The index of `subject`'s stripe in subject_mu_.
  std::size_t StripeOf(const SubjectName& subject) const;

  std::unique_ptr<Store> store_;
  const ServiceOptions options_;
  // The case-variant rule's index (folded_names.h).
  std::unique_ptr<internal::FoldedNames> folded_;
  std::mutex write_mu_;  // serialises the writes other than Register: WriteScope
  // Registrations of one subject are serialised by its stripe (SubjectScope).
  std::array<std::mutex, 64> subject_mu_;
  // Register decides again after a store conflict (another writer appended
  // to the subject first) at most this many times in all; then 50001.
  static constexpr int kConflictRetries = 16;
  std::atomic<std::uint64_t> write_generation_{0};
  // GetServedSchema's deprecation flag per schema id, valid for the write
  // generation and UTC day it was computed in (reads by id stay in memory).
  struct ServedFlags {
    std::uint64_t generation = 0;
    std::int64_t day = 0;
    std::optional<SchemaVersion> deprecated;
  };
  std::shared_mutex served_mu_;
  std::unordered_map<SchemaId, ServedFlags> served_memo_;
  // Contexts (issue #18): the number of each context seen so far (numbers
  // never change once given, so nothing here goes stale). `create`: number
  // the context first when the store has none for it. nullopt: unknown
  // (create false). The default context is 0.
  RegistryResult<std::optional<std::int64_t>> ContextNumber(const std::string& context,
                                                            bool create);
  std::mutex contexts_mu_;
  std::unordered_map<std::string, std::int64_t> context_numbers_;
  // Guards cache_. Entries are immutable once inserted; shared_ptr lets a
  // reader keep an entry while another thread inserts (rehash).
  std::shared_mutex cache_mu_;
  std::unordered_map<SchemaId, std::shared_ptr<const CachedSchema>> cache_;
  // Parsed forms, bounded (ServiceOptions::parsed_schema_cache).
  std::unique_ptr<ParsedCache> parsed_;
  // Diffs of version pairs by their schema ids, bounded (ServiceOptions::diff_cache).
  class DiffCache;
  std::unique_ptr<DiffCache> diffs_;
  // Field rows of every schema a field search has met (field_index.h).
  std::unique_ptr<internal::FieldIndex> field_index_;
  std::atomic<std::uint64_t> field_tables_computed_{0};
  std::atomic<std::uint64_t> diffs_computed_{0};
};

}  // namespace accord::registry

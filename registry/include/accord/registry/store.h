// Store: durable storage of schemas, versions, config, modes, the catalog
// (subject metadata, deprecations, service declarations, contract versions,
// environments and deployments) and the audit log. The Store holds no
// rules (those live in Service); it offers atomic, durable writes and consistent reads.
//
// Contracts every implementation keeps (the typed suite in
// tests/unit/registry/store_test.cc checks them):
//  * Durability: a write returns success only after it is durable (the SQLite
//    store commits with synchronous=FULL; PostgreSQL with synchronous_commit
//    on). Concurrent writes may share one commit (group commit), which is
//    the store's business: each still returns only once durable, and each is
//    atomic on its own (one failing leaves the others of its group intact;
//    a failed commit fails them all).
//  * Atomicity: each write method is one transaction together with its audit
//    row; on failure (any error) nothing of it is visible, ever.
//  * Errors: every failure is RegistryError{kStoreError (50001), message,
//    fault}; the message is safe to show to clients (no paths, no SQL, no
//    host names). fault kConflict: the write lost a race with another
//    writer (possibly another process on the same database) and changed
//    nothing; reading again and retrying may succeed. kUnavailable: the
//    database cannot be reached.
//  * Not found on reads is a value (std::nullopt / empty vector), not an error.
//  * Thread safety: every method may be called from any thread concurrently.
//    Writes to one subject are serialised inside the store (for PostgreSQL:
//    inside the database, across every process using it); reads may run in
//    parallel with each other and with a write, and see the state before or
//    after it.
//  * Several processes: a store shared by several processes (PostgreSQL)
//    may serve reads from a cache of mutable state; a change made through
//    another process is seen within a second (HoldersGeneration), one made
//    through this store object at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/registry/error.h"
#include "accord/registry/types.h"
#include "accord/registry/usage.h"

namespace accord::registry {

enum class IncludeDeleted : std::uint8_t { kNo, kYes };

// A new version to write. The schema is created when no schema with the same
// fingerprint exists yet; otherwise the existing schema's id is used (the
// store re-checks this inside the transaction, so two racing writers of one
// schema still get one id).
// The config and mode a registration was decided under, as read from the
// store (GetConfig and GetMode of the subject, of its context when it is in
// a named one, and of the global scope).
struct DecidedUnder {
  std::optional<ConfigRecord> subject_config;
  std::optional<ConfigRecord> global_config;
  std::optional<Mode> subject_mode;
  std::optional<Mode> global_mode;
  // The subject's context's own config and mode (scope ":.ctx:", issue
  // #18), compared like the others when context_scope is set; a subject in
  // the default context has none (its context's config is the global one).
  std::optional<SubjectName> context_scope;
  std::optional<ConfigRecord> context_config;
  std::optional<Mode> context_mode;
  // The subject's owner (catalog metadata) as the authorisation read it;
  // empty: none. Compared at write time only when the write could undo
  // another writer's owner: it replaces the subject's metadata
  // (NewVersion::subject_metadata), or it creates the subject
  // (expected_latest 0), which a service declaration may have claimed
  // meanwhile through another process (Store::PutService).
  std::string subject_owner;
};

struct NewVersion {
  SubjectName subject;
  Version version;  // chosen by the Service; must not exist in the subject
  // The subject's highest version number (soft-deleted ones included; 0 when
  // it had none) that the Service decided on. When set and the subject's
  // highest version differs at write time, the write is refused with
  // StoreFault::kConflict and changes nothing: another writer appended or
  // deleted meanwhile, and the decision (compatibility above all) must be
  // made again against what it wrote.
  std::optional<Version> expected_latest;
  // When set and the subject's, its context's (DecidedUnder::context_scope)
  // or the global config or mode differs from it at write time (a missing record and one with no
  // field set count as equal), the write is refused the same way: a config tightened through
  // another replica (or by a concurrent request) a moment ago applies.
  std::optional<DecidedUnder> decided_under;
  // The subject's case-folded name, when this write creates the subject and
  // case variants are refused (ServiceOptions::subject_case_variants): a
  // store shared by several processes refuses the write (kInvalidSubject,
  // naming it) when another subject with a version record folds the same,
  // also one created by another process a moment ago. A store used by one
  // process (SQLite) may ignore it: the Service's own index is exact there.
  std::optional<std::string> case_fold;
  // schema.id: 0 = allocate in the default context (its max id + 1); a
  // context's own id (SchemaId::InContext(n, 0)) = allocate in context n
  // (its max id + 1; Store::EnsureContext gives n); else use it (IMPORT).
  // Allocating or importing in one context never moves another's ids.
  SchemaRecord schema;
  AuditRecord audit;            // seq/ts filled in by the store when 0
  std::int64_t created_ms = 0;  // when the version was registered; 0: now
  std::string metadata;         // Confluent `metadata` JSON text of the version (may be empty)
  std::string rule_set;         // Confluent `ruleSet` JSON text (may be empty)
  // When set, replaces the subject's catalog metadata in the same
  // transaction (Confluent metadata.properties owner/description/tags/sla.*).
  std::optional<SubjectMetadata> subject_metadata;
};

// A subject a service declaration claims (Store::PutService): one nobody owns
// and with no version record, which the claim gives an owner.
struct SubjectClaim {
  SubjectName subject;
  SubjectMetadata metadata;  // the subject's catalog metadata after the claim
  AuditRecord audit;         // the claim's own audit row (before the declaration's)
  // As NewVersion::case_fold: the claimed name's case-folded form when case
  // variants are refused. A store shared by several processes refuses the
  // write (kInvalidSubject, naming it) when another subject with a version
  // record folds the same; a store used by one process may ignore it.
  std::optional<std::string> case_fold;
};

// A context (Confluent's `:.ctx:subject`, issue #18) and the number its
// schema ids carry in their high bits (SchemaId::InContext).
struct ContextRecord {
  std::string name;         // ".team-a" (never the default context ".")
  std::int64_t number = 0;  // 1, 2, ...: the default context is 0 and has no record
  // DELETE /contexts/{ctx}: no longer listed (GET /contexts) unless it holds
  // a subject again. The record and its number stay, so that a context
  // never changes its number and a number never names two contexts (a
  // replica may still hold the number, and the ids carry it).
  bool deleted = false;
  friend bool operator==(const ContextRecord&, const ContextRecord&) = default;
};

struct WrittenVersion {
  SchemaId id;
  Version version;
  bool new_schema = false;  // true when this write created the schema row
};

class Store {
 public:
  virtual ~Store() = default;

  // --- reads -------------------------------------------------------------
  // The schema with this id, or nullopt.
  virtual RegistryResult<std::optional<SchemaRecord>> GetSchema(SchemaId id) = 0;
  // The schema with this fingerprint, or nullopt.
  virtual RegistryResult<std::optional<SchemaRecord>> FindSchemaByFingerprint(
      const std::string& fingerprint) = 0;
  // Largest schema id ever allocated in the context numbered `context`
  // (ContextRecord::number; 0: the default context), or that context's own
  // id SchemaId::InContext(context, 0) when it has none.
  virtual RegistryResult<SchemaId> MaxSchemaId(std::int64_t context) = 0;
  RegistryResult<SchemaId> MaxSchemaId() { return MaxSchemaId(0); }
  // Every context with a number, by number, deleted ones included.
  virtual RegistryResult<std::vector<ContextRecord>> ListContexts() = 0;
  // Every subject with at least one version (with kNo: at least one live
  // version), sorted by name.
  virtual RegistryResult<std::vector<SubjectName>> ListSubjects(IncludeDeleted deleted) = 0;
  // The subject's versions, ascending; empty when the subject has none.
  virtual RegistryResult<std::vector<VersionRecord>> ListVersions(const SubjectName& subject,
                                                                  IncludeDeleted deleted) = 0;
  // Every version (any subject) that uses schema `id`, ordered by subject
  // then version.
  virtual RegistryResult<std::vector<VersionRecord>> VersionsOfSchema(SchemaId id,
                                                                      IncludeDeleted deleted) = 0;
  // Every version (soft-deleted included) whose schema references
  // (subject, version), ordered by schema id.
  virtual RegistryResult<std::vector<VersionRecord>> Referrers(const SubjectName& subject,
                                                               Version version) = 0;
  // Config of a subject, or the global config when `subject` is nullopt;
  // nullopt when none was set.
  virtual RegistryResult<std::optional<ConfigRecord>> GetConfig(
      const std::optional<SubjectName>& subject) = 0;
  virtual RegistryResult<std::optional<Mode>> GetMode(
      const std::optional<SubjectName>& subject) = 0;
  // Audit entries with seq > after_seq, oldest first, at most `limit`; with
  // `subject`, only that subject's entries.
  virtual RegistryResult<std::vector<AuditRecord>> ListAudit(
      std::int64_t after_seq, std::size_t limit,
      const std::optional<SubjectName>& subject = std::nullopt) = 0;
  // The subject's catalog metadata, or nullopt when none was ever set.
  virtual RegistryResult<std::optional<SubjectMetadata>> GetSubjectMetadata(
      const SubjectName& subject) = 0;
  // Every version (soft-deleted included) with a deprecation, in no
  // particular order.
  virtual RegistryResult<std::vector<VersionRecord>> ListDeprecated() = 0;
  // A service declaration by name, or nullopt.
  virtual RegistryResult<std::optional<ServiceRecord>> GetService(const std::string& name) = 0;
  // Every service declaration, sorted by name.
  virtual RegistryResult<std::vector<ServiceRecord>> ListServices() = 0;
  // A contract version (service, version), or nullopt.
  virtual RegistryResult<std::optional<ServiceVersionRecord>> GetServiceVersion(
      const std::string& service, const std::string& version) = 0;
  // The contract versions of `service` (nullopt: of every service), by
  // service name, then oldest first (created_ms, then version).
  virtual RegistryResult<std::vector<ServiceVersionRecord>> ListServiceVersions(
      const std::optional<std::string>& service) = 0;
  // An environment by name, or nullopt.
  virtual RegistryResult<std::optional<EnvironmentRecord>> GetEnvironment(
      const std::string& name) = 0;
  // Every environment, sorted by name.
  virtual RegistryResult<std::vector<EnvironmentRecord>> ListEnvironments() = 0;
  // The deployments in `environment` (nullopt: in every environment), by
  // environment, then service name.
  virtual RegistryResult<std::vector<DeploymentRecord>> ListDeployments(
      const std::optional<std::string>& environment) = 0;
  // Every config that is set: (nullopt, global) first, then subjects'
  // configs by name (accord store copy).
  virtual RegistryResult<std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>>>
  ListConfigs() = 0;
  // Every mode that is set, in the same order.
  virtual RegistryResult<std::vector<std::pair<std::optional<SubjectName>, Mode>>> ListModes() = 0;
  // Every subject's catalog metadata, by subject name.
  virtual RegistryResult<std::vector<std::pair<SubjectName, SubjectMetadata>>>
  ListSubjectMetadata() = 0;
  // Succeeds when the store can serve reads (for /readyz).
  virtual RegistryResult<void> Ping() = 0;
  // A number that moves whenever another process may have changed which
  // live versions hold an existing schema, or their deprecations (a version
  // added with a schema that existed before, a version deleted, deprecated
  // or undeprecated, or a change the store cannot attribute): what a caller
  // memoised about a schema's holders (VersionsOfSchema) is stale once it
  // moves. A new version with a new schema, config, mode, catalog and
  // service changes do not move it. Stores used by one process only keep 0.
  // Never fails, never blocks.
  virtual std::uint64_t HoldersGeneration() const { return 0; }
  // Forgets every mutable read this store keeps in memory (a subject's
  // versions, config, mode, metadata, the subject lists), so the next reads
  // come from what is committed. Called before deciding a write: another
  // process's change may not have reached this one's cache yet (a soft
  // delete through one replica, then the permanent delete through another
  // a moment later). Stores that keep nothing do nothing.
  virtual void ForgetCachedReads() {}
  // Forgets the subject's version list if this store keeps it in memory;
  // true when it did (then a ListVersions answer that lacked something may
  // have been stale, and the next one comes from what is committed). For a
  // reader about to answer "not found": a version another process
  // acknowledged a moment ago may not have reached this one's cache yet.
  // Stores that keep nothing return false.
  virtual bool ForgetCachedVersions(const SubjectName&) { return false; }

  // --- writes (each one durable transaction with its audit row) -----------
  // The number of context `name` (not "."), numbering it first when it has
  // none: `number` 0 gives the next free number (several processes may
  // number contexts at once: each name gets one number, each number one
  // name), another number gives that one (accord store copy; kStoreError
  // when another context holds it). Durable; bookkeeping without an audit
  // row (the registration that needed the number writes one). A deleted
  // context's record is revived (ContextRecord::deleted cleared), keeping
  // its number.
  virtual RegistryResult<std::int64_t> EnsureContext(const std::string& name,
                                                     std::int64_t number = 0) = 0;
  // Marks context `name` deleted (ContextRecord::deleted) and removes its
  // own config and mode (scope ":" + name + ":"), with `audit`, in one
  // transaction; kStoreError when it has no record. Whether it still holds
  // subjects is the Service's question (a subject registered meanwhile
  // lists it again: GET /contexts lists the contexts of subjects too).
  virtual RegistryResult<void> DeleteContext(const std::string& name, const AuditRecord& audit) = 0;
  virtual RegistryResult<WrittenVersion> AddVersion(const NewVersion& v) = 0;
  // Marks versions soft-deleted (already deleted ones are left as they are).
  virtual RegistryResult<void> SoftDeleteVersions(const SubjectName& subject,
                                                  const std::vector<Version>& versions,
                                                  const AuditRecord& audit) = 0;
  // Removes versions (and their deprecations) for good. Schemas stay (ids
  // are never reused).
  virtual RegistryResult<void> HardDeleteVersions(const SubjectName& subject,
                                                  const std::vector<Version>& versions,
                                                  const AuditRecord& audit) = 0;
  // Sets (config = value) or removes (nullopt) the config of a subject or,
  // with subject nullopt, the global config.
  virtual RegistryResult<void> SetConfig(const std::optional<SubjectName>& subject,
                                         const std::optional<ConfigRecord>& config,
                                         const AuditRecord& audit) = 0;
  virtual RegistryResult<void> SetMode(const std::optional<SubjectName>& subject,
                                       const std::optional<Mode>& mode,
                                       const AuditRecord& audit) = 0;
  // Sets (value) or removes (nullopt) a subject's catalog metadata.
  virtual RegistryResult<void> SetSubjectMetadata(const SubjectName& subject,
                                                  const std::optional<SubjectMetadata>& metadata,
                                                  const AuditRecord& audit) = 0;
  // Sets (value) or removes (nullopt) the deprecation of an existing version;
  // a version that does not exist is a kStoreError and writes nothing.
  virtual RegistryResult<void> SetDeprecation(const SubjectName& subject, Version version,
                                              const std::optional<Deprecation>& deprecation,
                                              const AuditRecord& audit) = 0;
  // Creates or replaces a service declaration (keyed by name) and, in the
  // same transaction, writes each claim (its metadata and its audit row,
  // claims in order, then the declaration's row). Refused with kConflict,
  // writing nothing, when a claimed subject has an owner or a version
  // record at write time (another writer, perhaps through another process,
  // came first); kInvalidSubject as SubjectClaim::case_fold says.
  virtual RegistryResult<void> PutService(const ServiceRecord& service, const AuditRecord& audit,
                                          const std::vector<SubjectClaim>& claims) = 0;
  // Removes a service declaration (absent: nothing but the audit row).
  virtual RegistryResult<void> DeleteService(const std::string& name, const AuditRecord& audit) = 0;
  // Stores a contract version (created_ms 0: now). When (service, version)
  // is stored already, writes nothing (no audit row either) and returns
  // false: a version is immutable, and the caller compares the two.
  virtual RegistryResult<bool> AddServiceVersion(const ServiceVersionRecord& record,
                                                 const AuditRecord& audit) = 0;
  // Creates or replaces an environment (created_ms 0: now; a replaced one
  // keeps its stored created_ms).
  virtual RegistryResult<void> PutEnvironment(const EnvironmentRecord& environment,
                                              const AuditRecord& audit) = 0;
  // Records that `deployment` runs (replacing the version of that service
  // recorded in that environment before, if any). With `create`, the
  // environment is created first in the same transaction when it does not
  // exist (created on first use; an existing one is left as it is).
  virtual RegistryResult<void> SetDeployment(const DeploymentRecord& deployment,
                                             const std::optional<EnvironmentRecord>& create,
                                             const AuditRecord& audit) = 0;
  // Removes the deployment of `service` in `environment` (absent: nothing
  // but the audit row).
  virtual RegistryResult<void> RemoveDeployment(const std::string& environment,
                                                const std::string& service,
                                                const AuditRecord& audit) = 0;
  // Replaces the whole audit log with `rows`, keeping their seq and ts_ms
  // (accord store copy, after copying everything else). One transaction.
  virtual RegistryResult<void> ReplaceAudit(const std::vector<AuditRecord>& rows) = 0;

  // --- usage: who reads which schema, webhooks (usage.h) ---------------------
  // Adds `deltas` to the stored read counts, in one transaction without an
  // audit row (reading changes nothing). Per (schema, principal, user
  // agent): the counts add up, first_seen becomes the earliest and
  // last_seen the latest of the stored and the added. A user agent that is
  // new to a (schema, principal) which has kMaxUserAgentsPerReader agents
  // of its own already (kOtherUserAgent not counted) is added to that
  // principal's kOtherUserAgent row instead, so a principal's total stays
  // exact and its rows stay bounded. Several processes may add at once
  // (each replica flushes its own counts); the store sums them.
  virtual RegistryResult<void> AddReadCounts(const std::vector<ReadCount>& deltas) = 0;
  // The read counts of schema `id` (nullopt: of every schema, accord store
  // copy), ordered by schema id, principal, user agent (bytewise).
  virtual RegistryResult<std::vector<ReadCount>> ListReadCounts(std::optional<SchemaId> id) = 0;
  // Every webhook, ordered by id (bytewise).
  virtual RegistryResult<std::vector<WebhookRecord>> ListWebhooks() = 0;
  // Creates or replaces the webhook with `hook.id`, with its audit row.
  virtual RegistryResult<void> PutWebhook(const WebhookRecord& hook, const AuditRecord& audit) = 0;
  // Removes a webhook (absent: nothing but the audit row).
  virtual RegistryResult<void> DeleteWebhook(const std::string& id, const AuditRecord& audit) = 0;

  // --- commits ----------------------------------------------------------------
  struct CommitStats {
    std::uint64_t commits = 0;  // durable commits made
    std::uint64_t writes = 0;   // writes they made durable (each write call: one)
  };
  // Counters since the store was opened (never fail, never block). A store
  // that groups concurrent writes into one commit (group commit: the SQLite
  // store) shows fewer commits than writes.
  virtual CommitStats GetCommitStats() const { return {}; }
};

struct SqliteOptions {
  // File path, or ":memory:" (single connection, for tests).
  std::string path;
  // Read connections kept open for concurrent readers.
  int readers = 4;
  // Milliseconds a connection waits for a lock before failing with 50001.
  int busy_timeout_ms = 5000;
  // Test seam (fault injection): called inside every write transaction at
  // each named step ("schema", "refs", "version", "delete", "config", "mode",
  // "metadata", "deprecation", "service", "service_version", "environment",
  // "deployment", "readers", "webhook", "context", "audit", "commit"); returning true
  // makes that step fail as an SQLite error would, so the transaction rolls
  // back. Null in production.
  std::function<bool(std::string_view step)> fail_at;
};

struct PostgresOptions {
  // libpq connection URI (postgresql://USER@HOST:PORT/DB?...); the password
  // by libpq's usual means (the URI, PGPASSWORD, ~/.pgpass).
  std::string uri;
  // Connections to the database, at most (a request waits for a free one).
  int pool_size = 8;
  // Longest a statement may run, and longest a caller waits for a free
  // connection, before the call fails (50002 / 50001).
  int statement_timeout_ms = 5000;
  // Longest a connection attempt may take.
  int connect_timeout_s = 5;
  // The periodic check for changes made through other processes, the
  // fallback when a change notification (LISTEN/NOTIFY) is missed.
  int poll_interval_ms = 500;
  // How long a write's change notification waits to share one notifying
  // transaction (and one notification) with the writes of that moment
  // (each such transaction wakes every replica's listener). At 5 ms, under
  // replicas-bench (a)'s load, each carried 2.9 writes (1,045 for 3,000); at
  // 20 ms, 8.2 (366); at 50 ms, about 24 (0.042 notifying transactions per
  // registration against 0.10 at 20 ms, with --register 9000
  // --register-subjects 360), and the other replicas still see a write
  // well inside the second promised.
  int announce_delay_ms = 50;
  // Test seam, as SqliteOptions::fail_at (steps "schema", "version",
  // "delete", "config", "mode", "metadata", "deprecation", "service",
  // "service_version", "environment", "deployment", "readers", "webhook", "context", "audit",
  // "commit").
  std::function<bool(std::string_view step)> fail_at;
};

// Opens the PostgreSQL store: creates or migrates its tables (one process
// at a time, under an advisory lock, so replicas started together migrate
// the database once), then serves with a bounded connection pool and a
// listener for change notifications. Writes to a subject take a
// transaction-level advisory lock on it; schema ids come from a sequence,
// deduplicated by the fingerprint's unique key.
// Errors: kStoreError when the database cannot be reached (fault
// kUnavailable) or was migrated by a newer build of Accord.
RegistryResult<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options);

// True for a location OpenStore opens as PostgreSQL (postgresql:// or
// postgres://).
bool IsPostgresUri(std::string_view location);

// Opens the store at `location`: a PostgreSQL URI (IsPostgresUri; `pg`
// gives the other settings) or a data directory holding the SQLite store
// (accord.db, created with the directory when absent).
RegistryResult<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                 PostgresOptions pg = {});

// Opens (creating when absent) the SQLite store: WAL journal,
// synchronous=FULL, one writer connection, `readers` reader connections.
// A database written by an older build is migrated in place (one
// transaction) to this build's schema version.
// Errors: kStoreError when the file cannot be opened or its schema is newer
// than this build understands.
RegistryResult<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace accord::registry

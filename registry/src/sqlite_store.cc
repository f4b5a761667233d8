// The SQLite Store: one writer connection (guarded by write_mu_), a pool of
// reader connections (WAL lets them read while the writer commits).
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "accord/registry/store.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"
#include "store_columns.h"

namespace accord::registry {
namespace {

using namespace internal::columns;  // NOLINT: the column codecs shared with pg_store.cc

// 1: schemas, versions, config, modes, audit.
// 2: the catalog: versions.metadata/rule_set, subject_meta, deprecations,
//    services, audit_by_subject (MigrateFrom1).
// 3: config.lint (lint on register; MigrateConfigLint).
// 4: contract versions, environments and deployments (kDeploymentsDdl).
// 5: read_counts and webhooks (kUsageDdl). Both are new tables only,
//    CREATE TABLE IF NOT EXISTS on every open, like kCatalogDdl: the order in
//    which 4 and 5 were added does not matter, and a database recorded at 4
//    gains them too.
// 6: config.contract, the data-contract settings as JSON (NULL: none;
//    MigrateConfigContract).
// 7: contexts (kContextsDdl, a new table only; issue #18): numbers of the
//    named contexts, whose schema ids carry them (SchemaId::InContext).
//    Every existing schema id is in the default context (number 0).
// 8: subject_meta.message (the catalog's event type; kMigrateSubjectMessage
//    on a database recorded at 2-7, which has subject_meta without it).
// 9: contexts.deleted (DELETE /contexts/{ctx}; kMigrateContextDeleted on a
//    database recorded at 7-8, whose contexts table lacks it).
constexpr int kSchemaVersion = 9;

constexpr const char* kDdl = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schemas(
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  text TEXT NOT NULL,
  canonical TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS schema_refs(
  schema_id INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  name TEXT NOT NULL,
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY(schema_id, ord)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS schema_refs_target ON schema_refs(subject, version);
CREATE TABLE IF NOT EXISTS versions(
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  schema_id INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  metadata TEXT NOT NULL DEFAULT '',
  rule_set TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(subject, version)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS versions_by_schema ON versions(schema_id);
CREATE TABLE IF NOT EXISTS config(scope TEXT PRIMARY KEY, level TEXT, policy TEXT, lint INTEGER,
  contract TEXT);
CREATE TABLE IF NOT EXISTS modes(scope TEXT PRIMARY KEY, mode TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  schema_id INTEGER NOT NULL,
  detail TEXT NOT NULL);
)sql";

// Tables and indexes of schema version 2 that version 1 did not have (run on
// new and migrated databases alike).
constexpr const char* kCatalogDdl = R"sql(
CREATE TABLE IF NOT EXISTS subject_meta(
  subject TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  links TEXT NOT NULL,
  sla TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS deprecations(
  subject TEXT NOT NULL,
  version INTEGER NOT NULL,
  sunset TEXT NOT NULL,
  reason TEXT NOT NULL,
  replacement INTEGER,
  deprecated_ms INTEGER NOT NULL,
  PRIMARY KEY(subject, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS services(
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  produces TEXT NOT NULL,
  consumes TEXT NOT NULL,
  updated_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit(subject, seq);
)sql";

// Tables of schema version 4 (run on new and migrated databases alike).
constexpr const char* kDeploymentsDdl = R"sql(
CREATE TABLE IF NOT EXISTS service_versions(
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  owner TEXT NOT NULL,
  produces TEXT NOT NULL,
  consumes TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY(service, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS environments(
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  production INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deployments(
  environment TEXT NOT NULL,
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  deployed_ms INTEGER NOT NULL,
  PRIMARY KEY(environment, service)) WITHOUT ROWID;
)sql";

// Tables of schema version 5 (run on new and migrated databases alike).
constexpr const char* kUsageDdl = R"sql(
CREATE TABLE IF NOT EXISTS read_counts(
  schema_id INTEGER NOT NULL,
  principal TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  PRIMARY KEY(schema_id, principal, user_agent)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS webhooks(
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
)sql";

// Tables of schema version 7 (run on new and migrated databases alike).
constexpr const char* kContextsDdl = R"sql(
CREATE TABLE IF NOT EXISTS contexts(
  name TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  deleted INTEGER NOT NULL DEFAULT 0);
)sql";

// Versions 7-8 -> 9: a context deleted through DELETE /contexts/{ctx}.
constexpr const char* kMigrateContextDeleted = R"sql(
ALTER TABLE contexts ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
)sql";

// Versions 2-7 -> 8: the subject's event type in its catalog metadata.
constexpr const char* kMigrateSubjectMessage = R"sql(
ALTER TABLE subject_meta ADD COLUMN message TEXT NOT NULL DEFAULT '';
)sql";

// Version 1 -> 2: the per-version Confluent metadata and ruleSet columns.
constexpr const char* kMigrateFrom1 = R"sql(
ALTER TABLE versions ADD COLUMN metadata TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN rule_set TEXT NOT NULL DEFAULT '';
)sql";

// Versions 1 and 2 -> 3: the config's lint switch (NULL: not set).
constexpr const char* kMigrateConfigLint = R"sql(
ALTER TABLE config ADD COLUMN lint INTEGER;
)sql";

// Versions 1 to 5 -> 6: the config's data-contract settings (NULL: none;
// columns::ContractSettingsText).
constexpr const char* kMigrateConfigContract = R"sql(
ALTER TABLE config ADD COLUMN contract TEXT;
)sql";

// Every read of versions selects these columns (ReadVersions), with the
// version's deprecation joined in.
constexpr const char* kVersionColumns =
    "SELECT v.subject, v.version, v.schema_id, v.deleted, v.created_ms, v.metadata, v.rule_set, "
    "d.sunset, d.reason, d.replacement, d.deprecated_ms FROM versions v "
    "LEFT JOIN deprecations d ON d.subject = v.subject AND d.version = v.version ";

// Returned by a write step when the subject's latest version, config or
// mode is not what the caller decided on (NewVersion::expected_latest,
// decided_under).
constexpr int kLatestMoved = -1;

std::unexpected<RegistryError> StoreError(int rc) {
  if (rc == kLatestMoved) {
    return std::unexpected(RegistryError{ErrorCode::kStoreError,
                                         "store error: the subject changed meanwhile",
                                         StoreFault::kConflict});
  }
  // sqlite3_errstr gives the generic text of the code (no paths, no SQL).
  // A unique key that another write took first is a conflict.
  const StoreFault fault = (rc & 0xff) == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_BUSY
                               ? StoreFault::kConflict
                               : StoreFault::kNone;
  return std::unexpected(RegistryError{ErrorCode::kStoreError,
                                       std::string("store error: ") + sqlite3_errstr(rc), fault});
}

// Prepared statements, kept per connection and keyed by their SQL text: a
// small query costs far more to parse than to run, so each statement is
// parsed once per connection and reused (sqlite3_reset between uses). A
// connection's statements are finalized when it closes (ForgetStatements).
class StatementCache {
 public:
  static StatementCache& Instance() {
    static StatementCache cache;
    return cache;
  }
  // A ready statement for `sql` on `db`, or nullptr with *rc set.
  sqlite3_stmt* Take(sqlite3* db, const char* sql, int* rc) {
    {
      std::lock_guard lock(mu_);
      // Looked up by a view of the text: no copy of the SQL per query.
      auto it = free_.find(KeyView{db, sql});
      if (it != free_.end() && !it->second.empty()) {
        sqlite3_stmt* st = it->second.back();
        it->second.pop_back();
        --count_[db];
        return st;
      }
    }
    sqlite3_stmt* st = nullptr;
    *rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    return *rc == SQLITE_OK ? st : (sqlite3_finalize(st), nullptr);
  }
  void Give(sqlite3* db, sqlite3_stmt* st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    {
      std::lock_guard lock(mu_);
      if (count_[db] < kMaxPerConnection) {
        const std::string_view sql = sqlite3_sql(st);
        auto it = free_.find(KeyView{db, sql});
        if (it == free_.end()) it = free_.emplace(Key{db, std::string(sql)}, Statements{}).first;
        it->second.push_back(st);
        ++count_[db];
        return;
      }
    }
    sqlite3_finalize(st);
  }
  void Forget(sqlite3* db) {
    std::lock_guard lock(mu_);
    for (auto it = free_.begin(); it != free_.end();) {
      if (it->first.db != db) {
        ++it;
        continue;
      }
      for (sqlite3_stmt* st : it->second) sqlite3_finalize(st);
      it = free_.erase(it);
    }
    count_.erase(db);
  }

 private:
  static constexpr std::size_t kMaxPerConnection = 128;
  // Keys own their SQL text; lookups use a view (heterogeneous lookup).
  struct Key {
    sqlite3* db;
    std::string sql;
  };
  struct KeyView {
    sqlite3* db;
    std::string_view sql;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(const KeyView& k) const {
      return std::hash<std::string_view>{}(k.sql) ^ (std::hash<const void*>{}(k.db) << 1);
    }
    std::size_t operator()(const Key& k) const { return (*this)(KeyView{k.db, k.sql}); }
  };
  struct Equal {
    using is_transparent = void;
    static KeyView View(const Key& k) { return {k.db, k.sql}; }
    static KeyView View(const KeyView& k) { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a).db == View(b).db && View(a).sql == View(b).sql;
    }
  };
  using Statements = std::vector<sqlite3_stmt*>;
  std::mutex mu_;
  std::unordered_map<Key, Statements, Hash, Equal> free_;
  std::unordered_map<sqlite3*, std::size_t> count_;
};

// A prepared statement, borrowed from the StatementCache for its lifetime.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    stmt_ = StatementCache::Instance().Take(db, sql, &rc_);
  }
  ~Stmt() {
    if (stmt_ != nullptr) StatementCache::Instance().Give(db_, stmt_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  int prepare_rc() const { return rc_; }
  Stmt& Bind(int i, std::int64_t v) {
    Track(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Stmt& Bind(int i, const std::string& s) {
    Track(sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Stmt& BindNull(int i) {
    Track(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code (also a bind/prepare error).
  int Step() {
    if (rc_ != SQLITE_OK) return rc_;
    return sqlite3_step(stmt_);
  }
  std::int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    const int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  void Track(int rc) {
    if (rc_ == SQLITE_OK && rc != SQLITE_OK) rc_ = rc;
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

int Exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

// Runs a statement that returns no rows.
int Run(Stmt& s) {
  int rc = s.Step();
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

// The next schema id in the context `base` names (SchemaId::InContext(n,
// 0)): its largest id + 1, whatever the other contexts hold. Called by the
// one writer connection, inside its transaction.
SchemaId AllocateId(sqlite3* db, SchemaId base, int* rc) {
  Stmt max(db, "SELECT COALESCE(MAX(id), ?) + 1 FROM schemas WHERE id >= ? AND id < ?");
  max.Bind(1, base.value()).Bind(2, base.value()).Bind(3, base.value() + SchemaId::kContextSpan);
  if ((*rc = max.Step()) != SQLITE_ROW) return SchemaId(0);
  *rc = SQLITE_OK;
  return SchemaId(max.Int(0));
}

// Exec for the statements run around every read and write (BEGIN, COMMIT,
// SAVEPOINT ...): prepared once per connection instead of parsed each time.
int ExecCached(sqlite3* db, const char* sql) {
  Stmt s(db, sql);
  return Run(s);
}

// The config record of `scope` into *out (nullopt: none); SQLITE_OK or the
// failed step's code. GetConfig and AddVersion's decided_under check.
int ReadConfig(sqlite3* db, const std::string& scope, std::optional<ConfigRecord>* out) {
  Stmt s(db, "SELECT level, policy, lint, contract FROM config WHERE scope = ?");
  s.Bind(1, scope);
  const int rc = s.Step();
  out->reset();
  if (rc == SQLITE_DONE) return SQLITE_OK;
  if (rc != SQLITE_ROW) return rc;
  ConfigRecord& c = out->emplace();
  if (!s.IsNull(0)) c.level = compat::LevelFromString(s.Text(0));
  if (!s.IsNull(1)) c.policy = compat::PolicyFromString(s.Text(1));
  if (!s.IsNull(2)) c.lint = s.Int(2) != 0;
  if (!s.IsNull(3)) ReadContractSettings(s.Text(3), &c);
  return SQLITE_OK;
}

// The mode of `scope` into *out (nullopt: none), as ReadConfig.
int ReadMode(sqlite3* db, const std::string& scope, std::optional<Mode>* out) {
  Stmt s(db, "SELECT mode FROM modes WHERE scope = ?");
  s.Bind(1, scope);
  const int rc = s.Step();
  out->reset();
  if (rc == SQLITE_DONE) return SQLITE_OK;
  if (rc != SQLITE_ROW) return rc;
  *out = ModeFromString(s.Text(0));
  return SQLITE_OK;
}

struct Connection {
  sqlite3* db = nullptr;
  ~Connection() {
    if (db) {
      StatementCache::Instance().Forget(db);
      sqlite3_close_v2(db);
    }
  }
};

RegistryResult<std::unique_ptr<Connection>> OpenConnection(const SqliteOptions& o, bool writer) {
  auto c = std::make_unique<Connection>();
  int flags = SQLITE_OPEN_NOMUTEX |
              (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
  int rc = sqlite3_open_v2(o.path.c_str(), &c->db, flags, nullptr);
  if (rc != SQLITE_OK) return StoreError(rc);
  sqlite3_busy_timeout(c->db, o.busy_timeout_ms);
  sqlite3_extended_result_codes(c->db, 1);
  if (writer) {
    // WAL: readers do not block the writer nor each other. FULL: a commit
    // is on disk before it returns (acknowledged == durable).
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
      if ((rc = Exec(c->db, pragma)) != SQLITE_OK) return StoreError(rc);
    }
  }
  return c;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions o) : options_(std::move(o)) {}

  RegistryResult<void> Open() {
    auto w = OpenConnection(options_, /*writer=*/true);
    if (!w) return std::unexpected(w.error());
    writer_ = std::move(*w);
    // Creating and migrating is one transaction: a crash in the middle
    // leaves the database as it was.
    int rc = Exec(writer_->db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) return StoreError(rc);
    auto r = CreateOrMigrate(writer_->db);
    if (r) {
      rc = Exec(writer_->db, "COMMIT");
      if (rc != SQLITE_OK) r = StoreError(rc);
    }
    if (!r) {
      Exec(writer_->db, "ROLLBACK");
      return r;
    }
    if (options_.path != ":memory:" && options_.path.find("mode=memory") == std::string::npos) {
      for (int i = 0; i < options_.readers; ++i) {
        auto r = OpenConnection(options_, /*writer=*/false);
        if (!r) return std::unexpected(r.error());
        free_readers_.push_back(r->get());
        readers_.push_back(std::move(*r));
      }
    }
    return {};
  }

  // --- reads ---------------------------------------------------------------

  RegistryResult<std::optional<SchemaRecord>> GetSchema(SchemaId id) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<SchemaRecord>> {
      Stmt s(db, "SELECT id, type, text, canonical, fingerprint FROM schemas WHERE id = ?");
      s.Bind(1, id.value());
      return ReadSchema(db, s);
    });
  }

  RegistryResult<std::optional<SchemaRecord>> FindSchemaByFingerprint(
      const std::string& fingerprint) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<SchemaRecord>> {
      Stmt s(db,
             "SELECT id, type, text, canonical, fingerprint FROM schemas WHERE fingerprint = ?");
      s.Bind(1, fingerprint);
      return ReadSchema(db, s);
    });
  }

  RegistryResult<SchemaId> MaxSchemaId(std::int64_t context) override {
    return Read([&](sqlite3* db) -> RegistryResult<SchemaId> {
      const SchemaId base = SchemaId::InContext(context, 0);
      Stmt s(db, "SELECT COALESCE(MAX(id), ?) FROM schemas WHERE id >= ? AND id < ?");
      s.Bind(1, base.value()).Bind(2, base.value()).Bind(3, base.value() + SchemaId::kContextSpan);
      int rc = s.Step();
      if (rc != SQLITE_ROW) return StoreError(rc);
      return SchemaId(s.Int(0));
    });
  }

  RegistryResult<std::vector<ContextRecord>> ListContexts() override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<ContextRecord>> {
      Stmt s(db, "SELECT name, number, deleted FROM contexts ORDER BY number");
      std::vector<ContextRecord> out;
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        out.push_back({.name = s.Text(0), .number = s.Int(1), .deleted = s.Int(2) != 0});
      }
      if (rc != SQLITE_DONE) return StoreError(rc);
      return out;
    });
  }

  RegistryResult<std::vector<SubjectName>> ListSubjects(IncludeDeleted deleted) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<SubjectName>> {
      Stmt s(db, deleted == IncludeDeleted::kYes
                     ? "SELECT DISTINCT subject FROM versions ORDER BY subject"
                     : "SELECT DISTINCT subject FROM versions WHERE deleted = 0 ORDER BY subject");
      std::vector<SubjectName> out;
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) out.emplace_back(s.Text(0));
      if (rc != SQLITE_DONE) return StoreError(rc);
      return out;
    });
  }

  RegistryResult<std::vector<VersionRecord>> ListVersions(const SubjectName& subject,
                                                          IncludeDeleted deleted) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<VersionRecord>> {
      const std::string sql =
          std::string(kVersionColumns) + (deleted == IncludeDeleted::kYes
                                              ? "WHERE v.subject = ? ORDER BY v.version"
                                              : "WHERE v.subject = ? AND v.deleted = 0 "
                                                "ORDER BY v.version");
      Stmt s(db, sql.c_str());
      s.Bind(1, subject.str());
      return ReadVersions(s);
    });
  }

  RegistryResult<std::vector<VersionRecord>> VersionsOfSchema(SchemaId id,
                                                              IncludeDeleted deleted) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<VersionRecord>> {
      const std::string sql =
          std::string(kVersionColumns) +
          (deleted == IncludeDeleted::kYes ? "WHERE v.schema_id = ? ORDER BY v.subject, v.version"
                                           : "WHERE v.schema_id = ? AND v.deleted = 0 "
                                             "ORDER BY v.subject, v.version");
      Stmt s(db, sql.c_str());
      s.Bind(1, id.value());
      return ReadVersions(s);
    });
  }

  RegistryResult<std::vector<VersionRecord>> Referrers(const SubjectName& subject,
                                                       Version version) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<VersionRecord>> {
      const std::string sql = std::string(kVersionColumns) +
                              "JOIN schema_refs r ON r.schema_id = v.schema_id "
                              "WHERE r.subject = ? AND r.version = ? "
                              "ORDER BY v.schema_id, v.subject, v.version";
      Stmt s(db, sql.c_str());
      s.Bind(1, subject.str()).Bind(2, version.value());
      return ReadVersions(s);
    });
  }

  RegistryResult<std::optional<ConfigRecord>> GetConfig(
      const std::optional<SubjectName>& subject) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<ConfigRecord>> {
      std::optional<ConfigRecord> c;
      if (int rc = ReadConfig(db, ScopeOf(subject), &c); rc != SQLITE_OK) return StoreError(rc);
      return c;
    });
  }

  RegistryResult<std::optional<Mode>> GetMode(const std::optional<SubjectName>& subject) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<Mode>> {
      std::optional<Mode> m;
      if (int rc = ReadMode(db, ScopeOf(subject), &m); rc != SQLITE_OK) return StoreError(rc);
      return m;
    });
  }

  RegistryResult<std::vector<AuditRecord>> ListAudit(
      std::int64_t after_seq, std::size_t limit,
      const std::optional<SubjectName>& subject) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<AuditRecord>> {
      Stmt s(db, subject ? "SELECT seq, ts_ms, actor, action, subject, version, schema_id, detail "
                           "FROM audit WHERE seq > ? AND subject = ? ORDER BY seq LIMIT ?"
                         : "SELECT seq, ts_ms, actor, action, subject, version, schema_id, detail "
                           "FROM audit WHERE seq > ? ORDER BY seq LIMIT ?");
      s.Bind(1, after_seq);
      if (subject) {
        s.Bind(2, subject->str()).Bind(3, static_cast<std::int64_t>(limit));
      } else {
        s.Bind(2, static_cast<std::int64_t>(limit));
      }
      std::vector<AuditRecord> out;
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        out.push_back(AuditRecord{.seq = s.Int(0),
                                  .ts_ms = s.Int(1),
                                  .actor = s.Text(2),
                                  .action = s.Text(3),
                                  .subject = s.Text(4),
                                  .version = static_cast<std::int32_t>(s.Int(5)),
                                  .schema_id = s.Int(6),
                                  .detail = s.Text(7)});
      }
      if (rc != SQLITE_DONE) return StoreError(rc);
      return out;
    });
  }

  RegistryResult<std::optional<SubjectMetadata>> GetSubjectMetadata(
      const SubjectName& subject) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<SubjectMetadata>> {
      Stmt s(db,
             "SELECT owner, description, tags, links, sla, message FROM subject_meta "
             "WHERE subject = ?");
      s.Bind(1, subject.str());
      int rc = s.Step();
      if (rc == SQLITE_DONE) return std::nullopt;
      if (rc != SQLITE_ROW) return StoreError(rc);
      return MetadataOf(s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5));
    });
  }

  RegistryResult<std::vector<VersionRecord>> ListDeprecated() override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<VersionRecord>> {
      const std::string sql = std::string(kVersionColumns) + "WHERE d.sunset IS NOT NULL";
      Stmt s(db, sql.c_str());
      return ReadVersions(s);
    });
  }

  RegistryResult<std::optional<ServiceRecord>> GetService(const std::string& name) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<ServiceRecord>> {
      Stmt s(db, "SELECT name, owner, produces, consumes, updated_ms FROM services WHERE name = ?");
      s.Bind(1, name);
      auto all = ReadServices(s);
      if (!all) return std::unexpected(all.error());
      if (all->empty()) return std::nullopt;
      return std::move(all->front());
    });
  }

  RegistryResult<std::vector<ServiceRecord>> ListServices() override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<ServiceRecord>> {
      Stmt s(db, "SELECT name, owner, produces, consumes, updated_ms FROM services ORDER BY name");
      return ReadServices(s);
    });
  }

  RegistryResult<std::optional<ServiceVersionRecord>> GetServiceVersion(
      const std::string& service, const std::string& version) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<ServiceVersionRecord>> {
      Stmt s(db,
             "SELECT service, version, owner, produces, consumes, created_ms FROM "
             "service_versions WHERE service = ? AND version = ?");
      s.Bind(1, service).Bind(2, version);
      auto all = ReadServiceVersions(s);
      if (!all) return std::unexpected(all.error());
      if (all->empty()) return std::nullopt;
      return std::move(all->front());
    });
  }

  RegistryResult<std::vector<ServiceVersionRecord>> ListServiceVersions(
      const std::optional<std::string>& service) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<ServiceVersionRecord>> {
      Stmt s(db, service ? "SELECT service, version, owner, produces, consumes, created_ms FROM "
                           "service_versions WHERE service = ? ORDER BY created_ms, version"
                         : "SELECT service, version, owner, produces, consumes, created_ms FROM "
                           "service_versions ORDER BY service, created_ms, version");
      if (service) s.Bind(1, *service);
      return ReadServiceVersions(s);
    });
  }

  RegistryResult<std::optional<EnvironmentRecord>> GetEnvironment(
      const std::string& name) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<EnvironmentRecord>> {
      Stmt s(db, "SELECT name, owner, production, created_ms FROM environments WHERE name = ?");
      s.Bind(1, name);
      auto all = ReadEnvironments(s);
      if (!all) return std::unexpected(all.error());
      if (all->empty()) return std::nullopt;
      return std::move(all->front());
    });
  }

  RegistryResult<std::vector<EnvironmentRecord>> ListEnvironments() override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<EnvironmentRecord>> {
      Stmt s(db, "SELECT name, owner, production, created_ms FROM environments ORDER BY name");
      return ReadEnvironments(s);
    });
  }

  RegistryResult<std::vector<DeploymentRecord>> ListDeployments(
      const std::optional<std::string>& environment) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<DeploymentRecord>> {
      Stmt s(db, environment ? "SELECT environment, service, version, deployed_ms FROM deployments "
                               "WHERE environment = ? ORDER BY service"
                             : "SELECT environment, service, version, deployed_ms FROM deployments "
                               "ORDER BY environment, service");
      if (environment) s.Bind(1, *environment);
      std::vector<DeploymentRecord> out;
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        out.push_back(DeploymentRecord{.environment = s.Text(0),
                                       .service = s.Text(1),
                                       .version = s.Text(2),
                                       .deployed_ms = s.Int(3)});
      }
      if (rc != SQLITE_DONE) return StoreError(rc);
      return out;
    });
  }

  RegistryResult<std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>>> ListConfigs()
      override {
    return Read(
        [&](sqlite3* db)
            -> RegistryResult<std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>>> {
          Stmt s(db, "SELECT scope, level, policy, lint, contract FROM config ORDER BY scope");
          std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>> out;
          int rc;
          while ((rc = s.Step()) == SQLITE_ROW) {
            ConfigRecord c;
            if (!s.IsNull(1)) c.level = compat::LevelFromString(s.Text(1));
            if (!s.IsNull(2)) c.policy = compat::PolicyFromString(s.Text(2));
            if (!s.IsNull(3)) c.lint = s.Int(3) != 0;
            if (!s.IsNull(4)) ReadContractSettings(s.Text(4), &c);
            out.emplace_back(ScopeFrom(s.Text(0)), c);
          }
          if (rc != SQLITE_DONE) return StoreError(rc);
          return out;
        });
  }

  RegistryResult<std::vector<std::pair<std::optional<SubjectName>, Mode>>> ListModes() override {
    return Read([&](sqlite3* db)
                    -> RegistryResult<std::vector<std::pair<std::optional<SubjectName>, Mode>>> {
      Stmt s(db, "SELECT scope, mode FROM modes ORDER BY scope");
      std::vector<std::pair<std::optional<SubjectName>, Mode>> out;
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        if (auto m = ModeFromString(s.Text(1))) out.emplace_back(ScopeFrom(s.Text(0)), *m);
      }
      if (rc != SQLITE_DONE) return StoreError(rc);
      return out;
    });
  }

  RegistryResult<std::vector<std::pair<SubjectName, SubjectMetadata>>> ListSubjectMetadata()
      override {
    return Read(
        [&](sqlite3* db) -> RegistryResult<std::vector<std::pair<SubjectName, SubjectMetadata>>> {
          Stmt s(db,
                 "SELECT subject, owner, description, tags, links, sla, message FROM subject_meta "
                 "ORDER BY subject");
          std::vector<std::pair<SubjectName, SubjectMetadata>> out;
          int rc;
          while ((rc = s.Step()) == SQLITE_ROW) {
            out.emplace_back(SubjectName(s.Text(0)), MetadataOf(s.Text(1), s.Text(2), s.Text(3),
                                                                s.Text(4), s.Text(5), s.Text(6)));
          }
          if (rc != SQLITE_DONE) return StoreError(rc);
          return out;
        });
  }

  RegistryResult<void> Ping() override {
    return Read([&](sqlite3* db) -> RegistryResult<void> {
      Stmt s(db, "SELECT 1 FROM meta LIMIT 1");
      int rc = s.Step();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return StoreError(rc);
      return {};
    });
  }

  // --- writes --------------------------------------------------------------

  RegistryResult<WrittenVersion> AddVersion(const NewVersion& v) override {
    WrittenVersion out;
    out.version = v.version;
    auto r = Write([&](sqlite3* db) -> int {
      int rc;
      if (v.expected_latest) {
        Stmt latest(db, "SELECT COALESCE(MAX(version), 0) FROM versions WHERE subject = ?");
        latest.Bind(1, v.subject.str());
        if ((rc = latest.Step()) != SQLITE_ROW) return rc;
        if (latest.Int(0) != v.expected_latest->value()) return kLatestMoved;
      }
      if (v.decided_under) {
        // A missing record and one with no field set mean the same.
        const DecidedUnder& d = *v.decided_under;
        std::vector<std::pair<std::string, ConfigRecord>> configs = {
            {ScopeOf(v.subject), d.subject_config.value_or(ConfigRecord{})},
            {ScopeOf(std::nullopt), d.global_config.value_or(ConfigRecord{})}};
        std::vector<std::pair<std::string, std::optional<Mode>>> modes = {
            {ScopeOf(v.subject), d.subject_mode}, {ScopeOf(std::nullopt), d.global_mode}};
        if (d.context_scope) {
          configs.emplace_back(ScopeOf(d.context_scope), d.context_config.value_or(ConfigRecord{}));
          modes.emplace_back(ScopeOf(d.context_scope), d.context_mode);
        }
        for (const auto& [scope, decided] : configs) {
          std::optional<ConfigRecord> now;
          if ((rc = ReadConfig(db, scope, &now)) != SQLITE_OK) return rc;
          if (now.value_or(ConfigRecord{}) != decided) return kLatestMoved;
        }
        for (const auto& [scope, decided] : modes) {
          std::optional<Mode> now;
          if ((rc = ReadMode(db, scope, &now)) != SQLITE_OK) return rc;
          if (now != decided) return kLatestMoved;
        }
        if (v.subject_metadata || (v.expected_latest && v.expected_latest->value() == 0)) {
          Stmt owner(db, "SELECT owner FROM subject_meta WHERE subject = ?");
          owner.Bind(1, v.subject.str());
          std::string now;
          if ((rc = owner.Step()) == SQLITE_ROW) {
            now = owner.Text(0);
          } else if (rc != SQLITE_DONE) {
            return rc;
          }
          if (now != d.subject_owner) return kLatestMoved;
        }
      }
      {
        Stmt find(db, "SELECT id FROM schemas WHERE fingerprint = ?");
        find.Bind(1, v.schema.fingerprint);
        rc = find.Step();
        if (rc == SQLITE_ROW) {
          out.id = SchemaId(find.Int(0));
        } else if (rc != SQLITE_DONE) {
          return rc;
        }
      }
      if (out.id.value() == 0) {
        if (v.schema.id.local() != 0) {
          out.id = v.schema.id;
        } else {
          out.id = AllocateId(db, v.schema.id, &rc);
          if (rc != SQLITE_OK) return rc;
        }
        if (Injected("schema")) return SQLITE_IOERR;
        Stmt ins(db,
                 "INSERT INTO schemas(id, type, text, canonical, fingerprint) "
                 "VALUES(?, ?, ?, ?, ?)");
        ins.Bind(1, out.id.value())
            .Bind(2, std::string(SchemaTypeName(v.schema.type)))
            .Bind(3, v.schema.text)
            .Bind(4, v.schema.canonical)
            .Bind(5, v.schema.fingerprint);
        if ((rc = Run(ins)) != SQLITE_OK) return rc;
        for (std::size_t i = 0; i < v.schema.references.size(); ++i) {
          if (Injected("refs")) return SQLITE_IOERR;
          const SchemaReference& ref = v.schema.references[i];
          Stmt r(db,
                 "INSERT INTO schema_refs(schema_id, ord, name, subject, version) "
                 "VALUES(?, ?, ?, ?, ?)");
          r.Bind(1, out.id.value())
              .Bind(2, static_cast<std::int64_t>(i))
              .Bind(3, ref.name)
              .Bind(4, ref.subject.str())
              .Bind(5, ref.version.value());
          if ((rc = Run(r)) != SQLITE_OK) return rc;
        }
        out.new_schema = true;
      }
      if (Injected("version")) return SQLITE_IOERR;
      Stmt ver(db,
               "INSERT INTO versions(subject, version, schema_id, deleted, created_ms, metadata, "
               "rule_set) VALUES(?, ?, ?, 0, ?, ?, ?)");
      ver.Bind(1, v.subject.str()).Bind(2, v.version.value()).Bind(3, out.id.value());
      ver.Bind(4, v.created_ms != 0 ? v.created_ms : NowMs())
          .Bind(5, v.metadata)
          .Bind(6, v.rule_set);
      if ((rc = Run(ver)) != SQLITE_OK) return rc;
      if (v.subject_metadata &&
          (rc = WriteSubjectMetadata(db, v.subject, v.subject_metadata)) != SQLITE_OK) {
        return rc;
      }
      AuditRecord audit = v.audit;
      audit.schema_id = out.id.value();
      if (audit.version == 0) audit.version = v.version.value();
      if (audit.subject.empty()) audit.subject = v.subject.str();
      return InsertAudit(db, audit);
    });
    if (!r) return std::unexpected(r.error());
    return out;
  }

  RegistryResult<void> SoftDeleteVersions(const SubjectName& subject,
                                          const std::vector<Version>& versions,
                                          const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      for (Version v : versions) {
        if (Injected("delete")) return SQLITE_IOERR;
        Stmt s(db, "UPDATE versions SET deleted = 1 WHERE subject = ? AND version = ?");
        s.Bind(1, subject.str()).Bind(2, v.value());
        if (int rc = Run(s); rc != SQLITE_OK) return rc;
      }
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> HardDeleteVersions(const SubjectName& subject,
                                          const std::vector<Version>& versions,
                                          const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      for (Version v : versions) {
        if (Injected("delete")) return SQLITE_IOERR;
        for (const char* sql : {"DELETE FROM versions WHERE subject = ? AND version = ?",
                                "DELETE FROM deprecations WHERE subject = ? AND version = ?"}) {
          Stmt s(db, sql);
          s.Bind(1, subject.str()).Bind(2, v.value());
          if (int rc = Run(s); rc != SQLITE_OK) return rc;
        }
      }
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> SetConfig(const std::optional<SubjectName>& subject,
                                 const std::optional<ConfigRecord>& config,
                                 const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("config")) return SQLITE_IOERR;
      int rc;
      if (config) {
        Stmt s(db,
               "INSERT OR REPLACE INTO config(scope, level, policy, lint, contract) "
               "VALUES(?, ?, ?, ?, ?)");
        s.Bind(1, ScopeOf(subject));
        if (config->level) {
          s.Bind(2, std::string(compat::LevelName(*config->level)));
        } else {
          s.BindNull(2);
        }
        if (config->policy) {
          s.Bind(3, std::string(compat::PolicyName(*config->policy)));
        } else {
          s.BindNull(3);
        }
        if (config->lint) {
          s.Bind(4, std::int64_t{*config->lint ? 1 : 0});
        } else {
          s.BindNull(4);
        }
        if (auto contract = ContractSettingsText(*config)) {
          s.Bind(5, *contract);
        } else {
          s.BindNull(5);
        }
        rc = Run(s);
      } else {
        Stmt s(db, "DELETE FROM config WHERE scope = ?");
        s.Bind(1, ScopeOf(subject));
        rc = Run(s);
      }
      if (rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> SetMode(const std::optional<SubjectName>& subject,
                               const std::optional<Mode>& mode, const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("mode")) return SQLITE_IOERR;
      int rc;
      if (mode) {
        Stmt s(db, "INSERT OR REPLACE INTO modes(scope, mode) VALUES(?, ?)");
        s.Bind(1, ScopeOf(subject)).Bind(2, std::string(ModeName(*mode)));
        rc = Run(s);
      } else {
        Stmt s(db, "DELETE FROM modes WHERE scope = ?");
        s.Bind(1, ScopeOf(subject));
        rc = Run(s);
      }
      if (rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> SetSubjectMetadata(const SubjectName& subject,
                                          const std::optional<SubjectMetadata>& metadata,
                                          const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (int rc = WriteSubjectMetadata(db, subject, metadata); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> SetDeprecation(const SubjectName& subject, Version version,
                                      const std::optional<Deprecation>& deprecation,
                                      const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      {
        Stmt exists(db, "SELECT 1 FROM versions WHERE subject = ? AND version = ?");
        exists.Bind(1, subject.str()).Bind(2, version.value());
        int rc = exists.Step();
        if (rc == SQLITE_DONE) return SQLITE_CONSTRAINT;
        if (rc != SQLITE_ROW) return rc;
      }
      if (Injected("deprecation")) return SQLITE_IOERR;
      int rc;
      if (deprecation) {
        Stmt s(db,
               "INSERT OR REPLACE INTO deprecations(subject, version, sunset, reason, "
               "replacement, deprecated_ms) VALUES(?, ?, ?, ?, ?, ?)");
        s.Bind(1, subject.str())
            .Bind(2, version.value())
            .Bind(3, deprecation->sunset)
            .Bind(4, deprecation->reason);
        if (deprecation->replacement) {
          s.Bind(5, deprecation->replacement->value());
        } else {
          s.BindNull(5);
        }
        s.Bind(6, deprecation->deprecated_ms != 0 ? deprecation->deprecated_ms : NowMs());
        rc = Run(s);
      } else {
        Stmt s(db, "DELETE FROM deprecations WHERE subject = ? AND version = ?");
        s.Bind(1, subject.str()).Bind(2, version.value());
        rc = Run(s);
      }
      if (rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> PutService(const ServiceRecord& service, const AuditRecord& audit,
                                  const std::vector<SubjectClaim>& claims) override {
    return Write([&](sqlite3* db) -> int {
      // One process writes this database (case_fold is the Service's index's
      // business here); the claimed subject must still be nobody's.
      for (const SubjectClaim& claim : claims) {
        {
          Stmt owned(db, "SELECT 1 FROM subject_meta WHERE subject = ? AND owner <> ''");
          owned.Bind(1, claim.subject.str());
          int rc = owned.Step();
          if (rc == SQLITE_ROW) return SQLITE_CONSTRAINT;
          if (rc != SQLITE_DONE) return rc;
        }
        {
          Stmt versions(db, "SELECT 1 FROM versions WHERE subject = ? LIMIT 1");
          versions.Bind(1, claim.subject.str());
          int rc = versions.Step();
          if (rc == SQLITE_ROW) return SQLITE_CONSTRAINT;
          if (rc != SQLITE_DONE) return rc;
        }
        if (int rc = WriteSubjectMetadata(db, claim.subject, claim.metadata); rc != SQLITE_OK) {
          return rc;
        }
        if (int rc = InsertAudit(db, claim.audit); rc != SQLITE_OK) return rc;
      }
      if (Injected("service")) return SQLITE_IOERR;
      Stmt s(db,
             "INSERT OR REPLACE INTO services(name, owner, produces, consumes, updated_ms) "
             "VALUES(?, ?, ?, ?, ?)");
      s.Bind(1, service.name)
          .Bind(2, service.owner)
          .Bind(3, ProducesText(service.produces))
          .Bind(4, ConsumesText(service.consumes))
          .Bind(5, service.updated_ms != 0 ? service.updated_ms : NowMs());
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<bool> AddServiceVersion(const ServiceVersionRecord& record,
                                         const AuditRecord& audit) override {
    bool added = false;
    auto r = Write([&](sqlite3* db) -> int {
      added = false;
      {
        Stmt exists(db, "SELECT 1 FROM service_versions WHERE service = ? AND version = ?");
        exists.Bind(1, record.service).Bind(2, record.version);
        int rc = exists.Step();
        if (rc == SQLITE_ROW) return SQLITE_OK;  // immutable: the caller compares
        if (rc != SQLITE_DONE) return rc;
      }
      if (Injected("service_version")) return SQLITE_IOERR;
      Stmt s(db,
             "INSERT INTO service_versions(service, version, owner, produces, consumes, "
             "created_ms) VALUES(?, ?, ?, ?, ?, ?)");
      s.Bind(1, record.service)
          .Bind(2, record.version)
          .Bind(3, record.owner)
          .Bind(4, ProducedSchemasText(record.produces))
          .Bind(5, ConsumesText(record.consumes))
          .Bind(6, record.created_ms != 0 ? record.created_ms : NowMs());
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      added = true;
      return InsertAudit(db, audit);
    });
    if (!r) return std::unexpected(r.error());
    return added;
  }

  RegistryResult<void> PutEnvironment(const EnvironmentRecord& environment,
                                      const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("environment")) return SQLITE_IOERR;
      Stmt s(db,
             "INSERT INTO environments(name, owner, production, created_ms) VALUES(?, ?, ?, ?) "
             "ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, "
             "production = excluded.production");
      s.Bind(1, environment.name)
          .Bind(2, environment.owner)
          .Bind(3, std::int64_t{environment.production ? 1 : 0})
          .Bind(4, environment.created_ms != 0 ? environment.created_ms : NowMs());
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> SetDeployment(const DeploymentRecord& deployment,
                                     const std::optional<EnvironmentRecord>& create,
                                     const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (create) {
        if (Injected("environment")) return SQLITE_IOERR;
        Stmt e(db,
               "INSERT OR IGNORE INTO environments(name, owner, production, created_ms) "
               "VALUES(?, ?, ?, ?)");
        e.Bind(1, create->name)
            .Bind(2, create->owner)
            .Bind(3, std::int64_t{create->production ? 1 : 0})
            .Bind(4, create->created_ms != 0 ? create->created_ms : NowMs());
        if (int rc = Run(e); rc != SQLITE_OK) return rc;
      }
      if (Injected("deployment")) return SQLITE_IOERR;
      Stmt s(db,
             "INSERT OR REPLACE INTO deployments(environment, service, version, deployed_ms) "
             "VALUES(?, ?, ?, ?)");
      s.Bind(1, deployment.environment)
          .Bind(2, deployment.service)
          .Bind(3, deployment.version)
          .Bind(4, deployment.deployed_ms != 0 ? deployment.deployed_ms : NowMs());
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> RemoveDeployment(const std::string& environment, const std::string& service,
                                        const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("deployment")) return SQLITE_IOERR;
      Stmt s(db, "DELETE FROM deployments WHERE environment = ? AND service = ?");
      s.Bind(1, environment).Bind(2, service);
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> ReplaceAudit(const std::vector<AuditRecord>& rows) override {
    return Write([&](sqlite3* db) -> int {
      if (int rc = ExecCached(db, "DELETE FROM audit"); rc != SQLITE_OK) return rc;
      for (const AuditRecord& a : rows) {
        Stmt s(db,
               "INSERT INTO audit(seq, ts_ms, actor, action, subject, version, schema_id, detail) "
               "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
        s.Bind(1, a.seq)
            .Bind(2, a.ts_ms)
            .Bind(3, a.actor)
            .Bind(4, a.action)
            .Bind(5, a.subject)
            .Bind(6, a.version)
            .Bind(7, a.schema_id)
            .Bind(8, a.detail);
        if (int rc = Run(s); rc != SQLITE_OK) return rc;
      }
      return SQLITE_OK;
    });
  }

  RegistryResult<void> DeleteService(const std::string& name, const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("service")) return SQLITE_IOERR;
      Stmt s(db, "DELETE FROM services WHERE name = ?");
      s.Bind(1, name);
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  // --- usage (usage.h) ---------------------------------------------------------

  RegistryResult<std::int64_t> EnsureContext(const std::string& name,
                                             std::int64_t number) override {
    std::int64_t out = 0;
    auto r = Write([&](sqlite3* db) -> int {
      if (Injected("context")) return SQLITE_IOERR;
      Stmt known(db, "SELECT number, deleted FROM contexts WHERE name = ?");
      known.Bind(1, name);
      int rc = known.Step();
      if (rc == SQLITE_ROW) {
        out = known.Int(0);
        if (known.Int(1) == 0) return SQLITE_OK;
        Stmt revive(db, "UPDATE contexts SET deleted = 0 WHERE name = ?");
        revive.Bind(1, name);
        return Run(revive);
      }
      if (rc != SQLITE_DONE) return rc;
      // One writer connection: nobody numbers a context between these two.
      Stmt ins(db,
               "INSERT INTO contexts(name, number) "
               "SELECT ?, CASE WHEN ? > 0 THEN ? ELSE COALESCE(MAX(number), 0) + 1 END "
               "FROM contexts RETURNING number");
      ins.Bind(1, name).Bind(2, number).Bind(3, number);
      if ((rc = ins.Step()) != SQLITE_ROW) return rc;
      out = ins.Int(0);
      return SQLITE_OK;
    });
    if (!r) return std::unexpected(r.error());
    return out;
  }

  RegistryResult<void> DeleteContext(const std::string& name, const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("context")) return SQLITE_IOERR;
      Stmt mark(db, "UPDATE contexts SET deleted = 1 WHERE name = ?");
      mark.Bind(1, name);
      int rc = Run(mark);
      if (rc != SQLITE_OK) return rc;
      if (sqlite3_changes(db) == 0) return SQLITE_NOTFOUND;
      const std::string scope = ":" + name + ":";
      for (const char* sql :
           {"DELETE FROM config WHERE scope = ?", "DELETE FROM modes WHERE scope = ?"}) {
        Stmt del(db, sql);
        del.Bind(1, scope);
        if ((rc = Run(del)) != SQLITE_OK) return rc;
      }
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> AddReadCounts(const std::vector<ReadCount>& deltas) override {
    if (deltas.empty()) return {};
    return Write([&](sqlite3* db) -> int {
      if (Injected("readers")) return SQLITE_IOERR;
      for (const ReadCount& d : deltas) {
        std::string agent = d.user_agent;
        if (agent != kOtherUserAgent) {
          Stmt known(db,
                     "SELECT 1 FROM read_counts WHERE schema_id = ? AND principal = ? AND "
                     "user_agent = ?");
          known.Bind(1, d.schema_id.value()).Bind(2, d.principal).Bind(3, agent);
          int rc = known.Step();
          if (rc == SQLITE_DONE) {
            Stmt own(db,
                     "SELECT COUNT(*) FROM read_counts WHERE schema_id = ? AND principal = ? AND "
                     "user_agent <> ?");
            own.Bind(1, d.schema_id.value())
                .Bind(2, d.principal)
                .Bind(3, std::string(kOtherUserAgent));
            if ((rc = own.Step()) != SQLITE_ROW) return rc;
            if (static_cast<std::size_t>(own.Int(0)) >= kMaxUserAgentsPerReader) {
              agent = std::string(kOtherUserAgent);
            }
          } else if (rc != SQLITE_ROW) {
            return rc;
          }
        }
        Stmt s(db,
               "INSERT INTO read_counts(schema_id, principal, user_agent, count, first_seen_ms, "
               "last_seen_ms) VALUES(?, ?, ?, ?, ?, ?) "
               "ON CONFLICT(schema_id, principal, user_agent) DO UPDATE SET "
               "count = count + excluded.count, "
               "first_seen_ms = MIN(first_seen_ms, excluded.first_seen_ms), "
               "last_seen_ms = MAX(last_seen_ms, excluded.last_seen_ms)");
        s.Bind(1, d.schema_id.value())
            .Bind(2, d.principal)
            .Bind(3, agent)
            .Bind(4, d.count)
            .Bind(5, d.first_seen_ms)
            .Bind(6, d.last_seen_ms);
        if (int rc = Run(s); rc != SQLITE_OK) return rc;
      }
      return SQLITE_OK;
    });
  }

  RegistryResult<std::vector<ReadCount>> ListReadCounts(std::optional<SchemaId> id) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<ReadCount>> {
      constexpr const char* kColumns =
          "SELECT schema_id, principal, user_agent, count, first_seen_ms, last_seen_ms "
          "FROM read_counts ";
      Stmt s(db,
             id ? (std::string(kColumns) +
                   "WHERE schema_id = ? ORDER BY schema_id, principal, user_agent")
                      .c_str()
                : (std::string(kColumns) + "ORDER BY schema_id, principal, user_agent").c_str());
      if (id) s.Bind(1, id->value());
      std::vector<ReadCount> out;
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        out.push_back(ReadCount{.schema_id = SchemaId(s.Int(0)),
                                .principal = s.Text(1),
                                .user_agent = s.Text(2),
                                .count = s.Int(3),
                                .first_seen_ms = s.Int(4),
                                .last_seen_ms = s.Int(5)});
      }
      if (rc != SQLITE_DONE) return StoreError(rc);
      return out;
    });
  }

  RegistryResult<std::vector<WebhookRecord>> ListWebhooks() override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<WebhookRecord>> {
      Stmt s(db,
             "SELECT id, url, events, secret, created_by, created_ms FROM webhooks ORDER BY id");
      std::vector<WebhookRecord> out;
      int rc;
      while ((rc = s.Step()) == SQLITE_ROW) {
        out.push_back(WebhookRecord{.id = s.Text(0),
                                    .url = s.Text(1),
                                    .events = WebhookEventsOf(s.Text(2)),
                                    .secret = s.Text(3),
                                    .created_by = s.Text(4),
                                    .created_ms = s.Int(5)});
      }
      if (rc != SQLITE_DONE) return StoreError(rc);
      return out;
    });
  }

  RegistryResult<void> PutWebhook(const WebhookRecord& hook, const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("webhook")) return SQLITE_IOERR;
      Stmt s(db,
             "INSERT OR REPLACE INTO webhooks(id, url, events, secret, created_by, created_ms) "
             "VALUES(?, ?, ?, ?, ?, ?)");
      s.Bind(1, hook.id)
          .Bind(2, hook.url)
          .Bind(3, WebhookEventsText(hook.events))
          .Bind(4, hook.secret)
          .Bind(5, hook.created_by)
          .Bind(6, hook.created_ms != 0 ? hook.created_ms : NowMs());
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

  RegistryResult<void> DeleteWebhook(const std::string& id, const AuditRecord& audit) override {
    return Write([&](sqlite3* db) -> int {
      if (Injected("webhook")) return SQLITE_IOERR;
      Stmt s(db, "DELETE FROM webhooks WHERE id = ?");
      s.Bind(1, id);
      if (int rc = Run(s); rc != SQLITE_OK) return rc;
      return InsertAudit(db, audit);
    });
  }

 private:
  bool Injected(std::string_view step) const { return options_.fail_at && options_.fail_at(step); }

  // Creates the tables of a new database, or brings an older one up to
  // kSchemaVersion. Runs inside the caller's transaction.
  static RegistryResult<void> CreateOrMigrate(sqlite3* db) {
    int rc = Exec(db, kDdl);
    if (rc != SQLITE_OK) return StoreError(rc);
    int stored = 0;
    {
      Stmt s(db, "SELECT value FROM meta WHERE key='schema_version'");
      rc = s.Step();
      if (rc == SQLITE_ROW) {
        stored = std::atoi(s.Text(0).c_str());
      } else if (rc != SQLITE_DONE) {
        return StoreError(rc);
      }
    }
    if (stored > kSchemaVersion) {
      return Fail(ErrorCode::kStoreError, "store was written by a newer version of accord");
    }
    // kDdl creates a new database at the current version: only a database
    // that recorded version 1 lacks the version-2 columns.
    if (stored == 1 && (rc = Exec(db, kMigrateFrom1)) != SQLITE_OK) return StoreError(rc);
    if ((stored == 1 || stored == 2) && (rc = Exec(db, kMigrateConfigLint)) != SQLITE_OK) {
      return StoreError(rc);
    }
    // A new database (stored 0) has the column from kDdl already.
    if (stored >= 1 && stored < 6 && (rc = Exec(db, kMigrateConfigContract)) != SQLITE_OK) {
      return StoreError(rc);
    }
    // subject_meta came with version 2 (kCatalogDdl, with the column on a
    // database created or migrated from 1 here).
    if (stored >= 2 && stored < 8 && (rc = Exec(db, kMigrateSubjectMessage)) != SQLITE_OK) {
      return StoreError(rc);
    }
    if ((rc = Exec(db, kCatalogDdl)) != SQLITE_OK) return StoreError(rc);
    if ((rc = Exec(db, kDeploymentsDdl)) != SQLITE_OK) return StoreError(rc);
    if ((rc = Exec(db, kUsageDdl)) != SQLITE_OK) return StoreError(rc);
    // A database recorded at 7 or 8 has the contexts table without the
    // column; an older one gets it from kContextsDdl below.
    if (stored >= 7 && stored < 9 && (rc = Exec(db, kMigrateContextDeleted)) != SQLITE_OK) {
      return StoreError(rc);
    }
    if ((rc = Exec(db, kContextsDdl)) != SQLITE_OK) return StoreError(rc);
    if (stored != kSchemaVersion) {
      Stmt up(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)");
      up.Bind(1, std::to_string(kSchemaVersion));
      if ((rc = Run(up)) != SQLITE_OK) return StoreError(rc);
    }
    return {};
  }

  int WriteSubjectMetadata(sqlite3* db, const SubjectName& subject,
                           const std::optional<SubjectMetadata>& m) {
    if (Injected("metadata")) return SQLITE_IOERR;
    if (!m) {
      Stmt s(db, "DELETE FROM subject_meta WHERE subject = ?");
      s.Bind(1, subject.str());
      return Run(s);
    }
    Stmt s(db,
           "INSERT OR REPLACE INTO subject_meta(subject, owner, description, tags, links, sla, "
           "message) VALUES(?, ?, ?, ?, ?, ?, ?)");
    s.Bind(1, subject.str())
        .Bind(2, m->owner)
        .Bind(3, m->description)
        .Bind(4, json::ToJson(StringsJson(m->tags)))
        .Bind(5, LinksText(m->links))
        .Bind(6, SlaText(m->sla))
        .Bind(7, m->message);
    return Run(s);
  }

  RegistryResult<std::vector<ServiceRecord>> ReadServices(Stmt& s) {
    std::vector<ServiceRecord> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      ServiceRecord r;
      r.name = s.Text(0);
      r.owner = s.Text(1);
      r.consumes = ConsumesOf(ParseColumn(s.Text(3)));
      r.updated_ms = s.Int(4);
      r.produces = ProducesOf(s.Text(2));
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return StoreError(rc);
    return out;
  }

  RegistryResult<std::vector<ServiceVersionRecord>> ReadServiceVersions(Stmt& s) {
    std::vector<ServiceVersionRecord> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      ServiceVersionRecord r;
      r.service = s.Text(0);
      r.version = s.Text(1);
      r.owner = s.Text(2);
      r.produces = ProducedSchemasOf(s.Text(3));
      r.consumes = ConsumesOf(ParseColumn(s.Text(4)));
      r.created_ms = s.Int(5);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return StoreError(rc);
    return out;
  }

  RegistryResult<std::vector<EnvironmentRecord>> ReadEnvironments(Stmt& s) {
    std::vector<EnvironmentRecord> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      out.push_back(EnvironmentRecord{.name = s.Text(0),
                                      .owner = s.Text(1),
                                      .production = s.Int(2) != 0,
                                      .created_ms = s.Int(3)});
    }
    if (rc != SQLITE_DONE) return StoreError(rc);
    return out;
  }

  int InsertAudit(sqlite3* db, const AuditRecord& a) {
    if (Injected("audit")) return SQLITE_IOERR;
    Stmt s(db,
           "INSERT INTO audit(ts_ms, actor, action, subject, version, schema_id, detail) "
           "VALUES(?, ?, ?, ?, ?, ?, ?)");
    s.Bind(1, a.ts_ms != 0 ? a.ts_ms : NowMs())
        .Bind(2, a.actor.empty() ? std::string("anonymous") : a.actor)
        .Bind(3, a.action)
        .Bind(4, a.subject)
        .Bind(5, a.version)
        .Bind(6, a.schema_id)
        .Bind(7, a.detail);
    return Run(s);
  }

  RegistryResult<std::optional<SchemaRecord>> ReadSchema(sqlite3* db, Stmt& s) {
    int rc = s.Step();
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) return StoreError(rc);
    SchemaRecord rec;
    rec.id = SchemaId(s.Int(0));
    rec.type = SchemaTypeFromString(s.Text(1)).value_or(SchemaType::kAvro);
    rec.text = s.Text(2);
    rec.canonical = s.Text(3);
    rec.fingerprint = s.Text(4);
    Stmt r(db, "SELECT name, subject, version FROM schema_refs WHERE schema_id = ? ORDER BY ord");
    r.Bind(1, rec.id.value());
    while ((rc = r.Step()) == SQLITE_ROW) {
      rec.references.push_back(SchemaReference{.name = r.Text(0),
                                               .subject = SubjectName(r.Text(1)),
                                               .version = Version(static_cast<int>(r.Int(2)))});
    }
    if (rc != SQLITE_DONE) return StoreError(rc);
    return rec;
  }

  RegistryResult<std::vector<VersionRecord>> ReadVersions(Stmt& s) {
    std::vector<VersionRecord> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      VersionRecord v{.subject = SubjectName(s.Text(0)),
                      .version = Version(static_cast<int>(s.Int(1))),
                      .schema_id = SchemaId(s.Int(2)),
                      .deleted = s.Int(3) != 0,
                      .created_ms = s.Int(4),
                      .metadata = s.Text(5),
                      .rule_set = s.Text(6),
                      .deprecation = std::nullopt};
      if (!s.IsNull(7)) {
        v.deprecation = Deprecation{};
        v.deprecation->sunset = s.Text(7);
        v.deprecation->reason = s.Text(8);
        if (!s.IsNull(9)) v.deprecation->replacement = Version(static_cast<int>(s.Int(9)));
        v.deprecation->deprecated_ms = s.Int(10);
      }
      out.push_back(std::move(v));
    }
    if (rc != SQLITE_DONE) return StoreError(rc);
    return out;
  }

  // Runs `fn` on a reader connection; on the writer, under its mutex, when
  // the store has no reader connections (e.g. ":memory:").
  template <typename Fn>
  auto Read(Fn&& fn) -> decltype(fn(static_cast<sqlite3*>(nullptr))) {
    if (readers_.empty()) {
      std::lock_guard lock(write_mu_);
      return fn(writer_->db);
    }
    sqlite3* db = nullptr;
    {
      std::unique_lock lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return !free_readers_.empty(); });
      db = free_readers_.back()->db;
      free_readers_.pop_back();
    }
    // A read runs in its own implicit transaction: one consistent snapshot
    // per statement. Multi-statement reads (ReadSchema) get an explicit one.
    ExecCached(db, "BEGIN");
    auto result = fn(db);
    ExecCached(db, "COMMIT");
    {
      std::lock_guard lock(pool_mu_);
      for (auto& c : readers_) {
        if (c->db == db) free_readers_.push_back(c.get());
      }
    }
    pool_cv_.notify_one();
    return result;
  }

  // Runs `fn` (returning an SQLite code) in a transaction on the writer
  // connection, and returns once that transaction is durable.
  //
  // Group commit (LevelDB's write batch group): writers queue up; the one
  // at the head of the queue leads. It takes the writes queued behind it (at
  // most kMaxGroup), runs each in a savepoint of one transaction (a failed
  // write is rolled back to its savepoint, the others stay), commits once
  // for all, and hands each writer its outcome; a failed commit fails every
  // write of the group and keeps none. While a leader commits, the next
  // writers queue, and the first of them leads the next group: under load,
  // one fsync makes many writes durable.
  RegistryResult<void> Write(const std::function<int(sqlite3*)>& fn) {
    PendingWrite self{&fn};
    std::unique_lock queue(queue_mu_);
    queue_.push_back(&self);
    queue_cv_.wait(queue, [&] { return self.done || queue_.front() == &self; });
    if (self.done) return Outcome(self.rc);
    const std::size_t n = std::min<std::size_t>(queue_.size(), kMaxGroup);
    std::vector<PendingWrite*> group(queue_.begin(), queue_.begin() + static_cast<long>(n));
    queue.unlock();
    CommitGroup(group);
    queue.lock();
    for (PendingWrite* w : group) {
      w->done = true;
      queue_.pop_front();  // the group is the head of the queue, in order
    }
    queue_cv_.notify_all();
    return Outcome(self.rc);
  }

  struct PendingWrite {
    const std::function<int(sqlite3*)>* fn;
    int rc = SQLITE_OK;
    bool done = false;  // guarded by queue_mu_
  };

  static RegistryResult<void> Outcome(int rc) {
    if (rc != SQLITE_OK) return StoreError(rc);
    return {};
  }

  // The leader's part: one transaction for `group`, each write's outcome in
  // its rc.
  void CommitGroup(const std::vector<PendingWrite*>& group) {
    std::lock_guard lock(write_mu_);
    sqlite3* db = writer_->db;
    int rc = ExecCached(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
      for (PendingWrite* w : group) w->rc = rc;
      return;
    }
    std::uint64_t written = 0;
    for (PendingWrite* w : group) {
      rc = ExecCached(db, "SAVEPOINT w");
      if (rc == SQLITE_OK) {
        rc = (*w->fn)(db);
        if (rc != SQLITE_OK) ExecCached(db, "ROLLBACK TO w");
        ExecCached(db, "RELEASE w");
      }
      w->rc = rc;
      if (rc == SQLITE_OK) ++written;
    }
    if (written == 0) {
      ExecCached(db, "ROLLBACK");
      return;
    }
    rc = Injected("commit") ? SQLITE_IOERR : ExecCached(db, "COMMIT");
    if (rc != SQLITE_OK) {
      ExecCached(db, "ROLLBACK");
      for (PendingWrite* w : group) {
        if (w->rc == SQLITE_OK) w->rc = rc;
      }
      return;
    }
    commits_.fetch_add(1, std::memory_order_relaxed);
    writes_.fetch_add(written, std::memory_order_relaxed);
  }

  CommitStats GetCommitStats() const override {
    return CommitStats{.commits = commits_.load(std::memory_order_relaxed),
                       .writes = writes_.load(std::memory_order_relaxed)};
  }

  SqliteOptions options_;
  std::mutex write_mu_;  // guards writer_ (one transaction at a time)
  std::unique_ptr<Connection> writer_;
  // Group commit (Write): writers waiting, the head leads the next group.
  static constexpr std::size_t kMaxGroup = 64;
  std::mutex queue_mu_;  // guards queue_ and each PendingWrite::done
  std::condition_variable queue_cv_;
  std::deque<PendingWrite*> queue_;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> writes_{0};
  std::vector<std::unique_ptr<Connection>> readers_;  // fixed after Open()
  std::mutex pool_mu_;                                // guards free_readers_
  std::condition_variable pool_cv_;
  std::vector<Connection*> free_readers_;
};

}  // namespace

RegistryResult<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  auto store = std::make_unique<SqliteStore>(options);
  if (auto r = store->Open(); !r) return std::unexpected(r.error());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace accord::registry

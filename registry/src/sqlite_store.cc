// The SQLite Store: one writer connection (guarded by write_mu_), a pool of
// reader connections (WAL lets them read while the writer commits).
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "accord/registry/store.h"

namespace accord::registry {
namespace {

constexpr int kSchemaVersion = 1;

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
  PRIMARY KEY(subject, version)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS versions_by_schema ON versions(schema_id);
CREATE TABLE IF NOT EXISTS config(scope TEXT PRIMARY KEY, level TEXT, policy TEXT);
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

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The global scope is stored under "", which no valid subject name can be.
std::string ScopeOf(const std::optional<SubjectName>& subject) {
  return subject ? subject->str() : std::string();
}

std::unexpected<RegistryError> StoreError(int rc) {
  // sqlite3_errstr gives the generic text of the code (no paths, no SQL).
  return Fail(ErrorCode::kStoreError, std::string("store error: ") + sqlite3_errstr(rc));
}

// A prepared statement; finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
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
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

int Exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

// Runs a statement that returns no rows.
int Run(Stmt& s) {
  int rc = s.Step();
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

struct Connection {
  sqlite3* db = nullptr;
  ~Connection() {
    if (db) sqlite3_close_v2(db);
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
    int rc = Exec(writer_->db, kDdl);
    if (rc != SQLITE_OK) return StoreError(rc);
    {
      Stmt s(writer_->db, "SELECT value FROM meta WHERE key='schema_version'");
      rc = s.Step();
      if (rc == SQLITE_ROW) {
        if (std::stoi(s.Text(0)) > kSchemaVersion) {
          return Fail(ErrorCode::kStoreError, "store was written by a newer version of accord");
        }
      } else if (rc == SQLITE_DONE) {
        Stmt ins(writer_->db, "INSERT INTO meta(key, value) VALUES('schema_version', ?)");
        ins.Bind(1, std::to_string(kSchemaVersion));
        if ((rc = Run(ins)) != SQLITE_OK) return StoreError(rc);
      } else {
        return StoreError(rc);
      }
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

  RegistryResult<SchemaId> MaxSchemaId() override {
    return Read([&](sqlite3* db) -> RegistryResult<SchemaId> {
      Stmt s(db, "SELECT COALESCE(MAX(id), 0) FROM schemas");
      int rc = s.Step();
      if (rc != SQLITE_ROW) return StoreError(rc);
      return SchemaId(s.Int(0));
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
      Stmt s(db, deleted == IncludeDeleted::kYes
                     ? "SELECT subject, version, schema_id, deleted, created_ms FROM versions "
                       "WHERE subject = ? ORDER BY version"
                     : "SELECT subject, version, schema_id, deleted, created_ms FROM versions "
                       "WHERE subject = ? AND deleted = 0 ORDER BY version");
      s.Bind(1, subject.str());
      return ReadVersions(s);
    });
  }

  RegistryResult<std::vector<VersionRecord>> VersionsOfSchema(SchemaId id,
                                                              IncludeDeleted deleted) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<VersionRecord>> {
      Stmt s(db, deleted == IncludeDeleted::kYes
                     ? "SELECT subject, version, schema_id, deleted, created_ms FROM versions "
                       "WHERE schema_id = ? ORDER BY subject, version"
                     : "SELECT subject, version, schema_id, deleted, created_ms FROM versions "
                       "WHERE schema_id = ? AND deleted = 0 ORDER BY subject, version");
      s.Bind(1, id.value());
      return ReadVersions(s);
    });
  }

  RegistryResult<std::vector<VersionRecord>> Referrers(const SubjectName& subject,
                                                       Version version) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<VersionRecord>> {
      Stmt s(db,
             "SELECT v.subject, v.version, v.schema_id, v.deleted, v.created_ms "
             "FROM schema_refs r JOIN versions v ON v.schema_id = r.schema_id "
             "WHERE r.subject = ? AND r.version = ? "
             "ORDER BY v.schema_id, v.subject, v.version");
      s.Bind(1, subject.str()).Bind(2, version.value());
      return ReadVersions(s);
    });
  }

  RegistryResult<std::optional<ConfigRecord>> GetConfig(
      const std::optional<SubjectName>& subject) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<ConfigRecord>> {
      Stmt s(db, "SELECT level, policy FROM config WHERE scope = ?");
      s.Bind(1, ScopeOf(subject));
      int rc = s.Step();
      if (rc == SQLITE_DONE) return std::nullopt;
      if (rc != SQLITE_ROW) return StoreError(rc);
      ConfigRecord c;
      if (!s.IsNull(0)) c.level = compat::LevelFromString(s.Text(0));
      if (!s.IsNull(1)) c.policy = compat::PolicyFromString(s.Text(1));
      return c;
    });
  }

  RegistryResult<std::optional<Mode>> GetMode(const std::optional<SubjectName>& subject) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::optional<Mode>> {
      Stmt s(db, "SELECT mode FROM modes WHERE scope = ?");
      s.Bind(1, ScopeOf(subject));
      int rc = s.Step();
      if (rc == SQLITE_DONE) return std::nullopt;
      if (rc != SQLITE_ROW) return StoreError(rc);
      return ModeFromString(s.Text(0));
    });
  }

  RegistryResult<std::vector<AuditRecord>> ListAudit(std::int64_t after_seq,
                                                     std::size_t limit) override {
    return Read([&](sqlite3* db) -> RegistryResult<std::vector<AuditRecord>> {
      Stmt s(db,
             "SELECT seq, ts_ms, actor, action, subject, version, schema_id, detail FROM audit "
             "WHERE seq > ? ORDER BY seq LIMIT ?");
      s.Bind(1, after_seq).Bind(2, static_cast<std::int64_t>(limit));
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
        if (v.schema.id.value() != 0) {
          out.id = v.schema.id;
        } else {
          Stmt max(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM schemas");
          if ((rc = max.Step()) != SQLITE_ROW) return rc;
          out.id = SchemaId(max.Int(0));
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
               "INSERT INTO versions(subject, version, schema_id, deleted, created_ms) "
               "VALUES(?, ?, ?, 0, ?)");
      ver.Bind(1, v.subject.str()).Bind(2, v.version.value()).Bind(3, out.id.value());
      ver.Bind(4, NowMs());
      if ((rc = Run(ver)) != SQLITE_OK) return rc;
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
        Stmt s(db, "DELETE FROM versions WHERE subject = ? AND version = ?");
        s.Bind(1, subject.str()).Bind(2, v.value());
        if (int rc = Run(s); rc != SQLITE_OK) return rc;
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
        Stmt s(db, "INSERT OR REPLACE INTO config(scope, level, policy) VALUES(?, ?, ?)");
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

 private:
  bool Injected(std::string_view step) const { return options_.fail_at && options_.fail_at(step); }

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
      out.push_back(VersionRecord{.subject = SubjectName(s.Text(0)),
                                  .version = Version(static_cast<int>(s.Int(1))),
                                  .schema_id = SchemaId(s.Int(2)),
                                  .deleted = s.Int(3) != 0,
                                  .created_ms = s.Int(4)});
    }
    if (rc != SQLITE_DONE) return StoreError(rc);
    return out;
  }

  // Runs `fn` on a reader connection (or on the writer, under its mutex, when
  // the store has no reader connections, e.g. ":memory:").
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
    Exec(db, "BEGIN");
    auto result = fn(db);
    Exec(db, "COMMIT");
    {
      std::lock_guard lock(pool_mu_);
      for (auto& c : readers_) {
        if (c->db == db) free_readers_.push_back(c.get());
      }
    }
    pool_cv_.notify_one();
    return result;
  }

  // Runs `fn` (returning an SQLite code) inside BEGIN IMMEDIATE .. COMMIT on
  // the writer connection; rolls back on any failure.
  RegistryResult<void> Write(const std::function<int(sqlite3*)>& fn) {
    std::lock_guard lock(write_mu_);
    sqlite3* db = writer_->db;
    int rc = Exec(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) return StoreError(rc);
    rc = fn(db);
    if (rc == SQLITE_OK && Injected("commit")) rc = SQLITE_IOERR;
    if (rc == SQLITE_OK) rc = Exec(db, "COMMIT");
    if (rc != SQLITE_OK) {
      Exec(db, "ROLLBACK");
      return StoreError(rc);
    }
    return {};
  }

  SqliteOptions options_;
  std::mutex write_mu_;  // guards writer_ (one writer at a time)
  std::unique_ptr<Connection> writer_;
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

// The PostgreSQL store as several replicas use it: several store objects
// (and Services) on one database, a real server (pg_test_server.h). The
// typed suite in store_test.cc covers each store's own contracts.
#include <libpq-fe.h>

#include <gtest/gtest.h>

#include <barrier>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <thread>
#include <vector>

#include "accord/registry/fault_injection_store.h"
#include "accord/registry/service.h"
#include "accord/registry/store.h"
#include "notification_batch.h"
#include "pg_test_server.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Json;
using testing::PgTestServer;
using testing::R;

std::unique_ptr<Store> OpenOrFail(const std::string& uri, PostgresOptions o = {}) {
  o.uri = uri;
  auto s = OpenPostgresStore(o);
  if (!s) {
    ADD_FAILURE() << s.error().message;
    return nullptr;
  }
  return std::move(*s);
}

NewVersion NV(const std::string& subject, int version, const std::string& fp) {
  NewVersion v;
  v.subject = SubjectName(subject);
  v.version = Version(version);
  v.schema = SchemaRecord{.id = SchemaId(0),
                          .type = SchemaType::kJson,
                          .text = "{\"fp\":\"" + fp + "\"}",
                          .canonical = "{\"fp\":\"" + fp + "\"}",
                          .fingerprint = fp,
                          .references = {}};
  v.audit.action = "REGISTER";
  return v;
}

std::vector<int> Numbers(const std::vector<VersionRecord>& vs) {
  std::vector<int> out;
  for (const auto& v : vs) out.push_back(v.version.value());
  return out;
}

void Sql(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
}

class PostgresReplicas : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = PgTestServer::Get().FreshDatabase();
    ASSERT_FALSE(uri_.empty()) << PgTestServer::Get().error();
  }
  std::string uri_;
};

// Rule: a write through one replica is seen by another within 1 s (its
// cached reads are dropped by the change notification).
TEST_F(PostgresReplicas, AWriteThroughOneStoreIsSeenByAnotherWithinOneSecond) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->AddVersion(NV("s", 1, "fp1")));
  // b reads (and caches) the subject, then a appends.
  ASSERT_EQ(Numbers(*b->ListVersions(SubjectName("s"), IncludeDeleted::kYes)), std::vector<int>{1});
  ASSERT_FALSE((*b->GetConfig(SubjectName("s"))).has_value());
  ASSERT_TRUE(a->AddVersion(NV("s", 2, "fp2")));
  ASSERT_TRUE(a->SetConfig(SubjectName("s"), ConfigRecord{.level = compat::Level::kNone},
                           AuditRecord{.action = "PUT_CONFIG"}));
  // The writer itself sees it at once.
  EXPECT_EQ(Numbers(*a->ListVersions(SubjectName("s"), IncludeDeleted::kYes)),
            (std::vector<int>{1, 2}));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  std::vector<int> seen;
  std::optional<ConfigRecord> config;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = Numbers(*b->ListVersions(SubjectName("s"), IncludeDeleted::kYes));
    config = *b->GetConfig(SubjectName("s"));
    if (seen.size() == 2 && config) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->level, compat::Level::kNone);
}

// Polls `done` for up to `seconds`.
template <typename Fn>
bool WithinSeconds(int seconds, Fn done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}
// The replicas' visibility rule: within 1 s.
template <typename Fn>
bool WithinOneSecond(Fn done) {
  return WithinSeconds(1, std::move(done));
}

// Rule: writers queue their notifications and the listener sends them,
// several to a transaction (PostgresStore::Announce): every write of four
// threads writing at once reaches another replica by notification alone
// (its check is a minute away), also the last ones before the writer
// closed (the listener sends what is queued on its way out). The writes
// of one moment travel in one notification (notification_batch.h), and
// the reader applies each of them as what it is: none of these new
// versions (each a new schema) moves its HoldersGeneration, which a
// notification read as "everything changed" would.
TEST_F(PostgresReplicas, EveryQueuedNotificationOfConcurrentWritersIsSent) {
  auto b = OpenOrFail(uri_, PostgresOptions{.poll_interval_ms = 60'000});
  ASSERT_TRUE(b);
  ASSERT_TRUE(b->ListVersions(SubjectName("s0"), IncludeDeleted::kYes)->empty());  // cached
  ASSERT_TRUE(b->ListVersions(SubjectName("s3"), IncludeDeleted::kYes)->empty());
  const std::uint64_t generation = b->HoldersGeneration();
  {
    auto a = OpenOrFail(uri_);
    ASSERT_TRUE(a);
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&a, t] {
        for (int v = 1; v <= 25; ++v) {
          const std::string s = "s" + std::to_string(t);
          EXPECT_TRUE(a->AddVersion(NV(s, v, s + "-" + std::to_string(v))));
        }
      });
    }
    for (std::thread& w : writers) w.join();
  }  // closed: its listener sends what is still queued on the way out
  EXPECT_TRUE(WithinOneSecond([&] {
    return b->ListVersions(SubjectName("s0"), IncludeDeleted::kYes)->size() == 25 &&
           b->ListVersions(SubjectName("s3"), IncludeDeleted::kYes)->size() == 25;
  }));
  EXPECT_EQ(b->HoldersGeneration(), generation);
}

// Rule (store.h, HoldersGeneration): another process's change to which
// versions hold an existing schema, or to their deprecations, moves it; a
// new version with a new schema, or a config change, does not (reads by id
// keep their memo through a storm of new schemas).
TEST_F(PostgresReplicas, HoldersGenerationMovesOnlyForChangesToAnExistingSchemasHolders) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  const std::uint64_t start = b->HoldersGeneration();
  ASSERT_TRUE(a->AddVersion(NV("s", 1, "fp1")));
  ASSERT_TRUE(a->SetConfig(std::nullopt, ConfigRecord{.level = compat::Level::kNone},
                           AuditRecord{.action = "PUT_CONFIG"}));
  ASSERT_TRUE(WithinOneSecond([&] {
    return b->ListVersions(SubjectName("s"), IncludeDeleted::kYes)->size() == 1 &&
           (*b->GetConfig(std::nullopt)).has_value();
  }));
  EXPECT_EQ(b->HoldersGeneration(), start);
  // The same schema under a second subject: a new holder of schema 1.
  ASSERT_TRUE(a->AddVersion(NV("t", 1, "fp1")));
  EXPECT_TRUE(WithinOneSecond([&] { return b->HoldersGeneration() != start; }));
  const std::uint64_t after_holder = b->HoldersGeneration();
  ASSERT_TRUE(a->SetDeprecation(SubjectName("s"), Version(1),
                                Deprecation{.sunset = "2031-01-01", .deprecated_ms = 1},
                                AuditRecord{.action = "DEPRECATE"}));
  EXPECT_TRUE(WithinOneSecond([&] { return b->HoldersGeneration() != after_holder; }));
}

// Rule: a change to one subject leaves the other subjects' cached reads in
// place (a write storm on some subjects does not empty every cache), and
// the changed subject is read afresh.
TEST_F(PostgresReplicas, AChangeToOneSubjectIsSeenWhileOthersStayCached) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  // b caches y as empty, so it sees y's version only once y's notification
  // came, after x's; then it reads and caches x.
  ASSERT_TRUE(b->ListVersions(SubjectName("y"), IncludeDeleted::kYes)->empty());
  ASSERT_TRUE(a->AddVersion(NV("x", 1, "fx")));
  ASSERT_TRUE(a->AddVersion(NV("y", 1, "fy")));
  ASSERT_TRUE(WithinOneSecond(
      [&] { return b->ListVersions(SubjectName("y"), IncludeDeleted::kYes)->size() == 1; }));
  ASSERT_EQ(b->ListVersions(SubjectName("x"), IncludeDeleted::kYes)->size(), 1u);
  // Change x behind every cache's back (no notification): b keeps serving
  // its cached x, so a later notification about y alone must not drop it...
  Sql(uri_, "UPDATE versions SET deleted = true WHERE subject = 'x'");
  ASSERT_TRUE(a->AddVersion(NV("y", 2, "fy2")));
  ASSERT_TRUE(WithinOneSecond(
      [&] { return b->ListVersions(SubjectName("y"), IncludeDeleted::kYes)->size() == 2; }));
  EXPECT_FALSE(b->ListVersions(SubjectName("x"), IncludeDeleted::kYes)->at(0).deleted);
  // ...while a notification about x makes b read x afresh.
  ASSERT_TRUE(a->SetSubjectMetadata(SubjectName("x"), SubjectMetadata{.owner = "o"},
                                    AuditRecord{.action = "PUT_METADATA"}));
  EXPECT_TRUE(WithinOneSecond(
      [&] { return b->ListVersions(SubjectName("x"), IncludeDeleted::kYes)->at(0).deleted; }));
}

std::int64_t SqlInt(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  const std::int64_t v = PQntuples(r) == 1 ? std::atoll(PQgetvalue(r, 0, 0)) : -1;
  PQclear(r);
  PQfinish(c);
  return v;
}

// Rule: a write whose notification never came (its writer died between
// its COMMIT and its pg_notify) is still seen by the other replicas: their
// check finds the unannounced audit row, also when its seq is below one
// already announced (writes commit in any order).
TEST_F(PostgresReplicas, AWriteWhoseNotificationNeverCameIsFoundByTheCheck) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_, PostgresOptions{.poll_interval_ms = 50});
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->AddVersion(NV("x", 1, "fx")));
  ASSERT_TRUE(a->AddVersion(NV("y", 1, "fy")));
  ASSERT_TRUE(WithinOneSecond(
      [&] { return b->ListVersions(SubjectName("y"), IncludeDeleted::kYes)->size() == 1; }));
  ASSERT_EQ(b->ListVersions(SubjectName("x"), IncludeDeleted::kYes)->size(), 1u);  // cached
  // The dead writer draws its seq, then another write is announced with a
  // higher one, then the dead writer's rows commit, unannounced.
  const std::int64_t dead_seq =
      SqlInt(uri_, "SELECT nextval(pg_get_serial_sequence('audit', 'seq'))");
  ASSERT_TRUE(a->AddVersion(NV("y", 2, "fy2")));
  ASSERT_TRUE(WithinOneSecond(
      [&] { return b->ListVersions(SubjectName("y"), IncludeDeleted::kYes)->size() == 2; }));
  Sql(uri_,
      "INSERT INTO versions(subject, version, schema_id, deleted, created_ms) "
      "VALUES('x', 2, 1, false, 0); "
      "INSERT INTO audit(seq, ts_ms, actor, action, subject, version, schema_id, detail) "
      "VALUES(" +
          std::to_string(dead_seq) + ", 0, 'dead', 'REGISTER', 'x', 2, 1, '')");
  EXPECT_TRUE(WithinSeconds(5, [&] {
    return Numbers(*b->ListVersions(SubjectName("x"), IncludeDeleted::kYes)) ==
           std::vector<int>{1, 2};
  }));
}

// Sends `payload` on the channel the stores of `uri`'s schema listen on,
// as any client of the database could.
void NotifyRaw(const std::string& uri, const std::string& payload) {
  PGconn* c = PQconnectdb(uri.c_str());
  PGresult* schema = PQexec(c, "SELECT current_schema()");
  const std::string channel = internal::NotificationChannel(PQgetvalue(schema, 0, 0));
  PQclear(schema);
  const char* values[2] = {channel.c_str(), payload.c_str()};
  PGresult* r =
      PQexecParams(c, "SELECT pg_notify($1, $2)", 2, nullptr, values, nullptr, nullptr, 0);
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
}

// Rule: a notification carrying several writes (Announce's batch: a header,
// then each payload as its length, ':' and its bytes) applies each of them
// as what it is; one whose lengths do not add up, or any payload this build
// cannot read, drops everything cached (never half-applied, never a crash).
TEST_F(PostgresReplicas, ABatchedNotificationAppliesEachChangeAndAMalformedOneDropsEverything) {
  {
    // Written and closed before b listens: none of its notifications
    // reaches b, so b's cache changes only by what this test sends.
    auto a = OpenOrFail(uri_);
    ASSERT_TRUE(a);
    ASSERT_TRUE(a->AddVersion(NV("p", 1, "fp-p1")));
    ASSERT_TRUE(a->AddVersion(NV("q", 1, "fp-q1")));
  }
  auto b = OpenOrFail(uri_, PostgresOptions{.poll_interval_ms = 60'000});  // no check
  ASSERT_TRUE(b);
  const SubjectName p("p");
  const SubjectName q("q");
  ASSERT_EQ(b->ListVersions(p, IncludeDeleted::kYes)->size(), 1u);  // cached
  ASSERT_EQ(b->ListVersions(q, IncludeDeleted::kYes)->size(), 1u);
  const std::string id = std::to_string(SqlInt(uri_, "SELECT id FROM schemas LIMIT 1"));
  // A version written behind every cache's back.
  auto add_behind = [&](const std::string& subject, int version) {
    Sql(uri_, "INSERT INTO versions(subject, version, schema_id, deleted, created_ms) VALUES('" +
                  subject + "', " + std::to_string(version) + ", " + id + ", false, 0)");
  };
  add_behind("p", 2);
  add_behind("q", 2);
  ASSERT_EQ(b->ListVersions(p, IncludeDeleted::kYes)->size(), 1u);  // still as cached
  const std::string header = "*m\t\t0\t\n";
  const std::string record_p = "s-\tanother-process\t0\tp";
  const std::uint64_t generation = b->HoldersGeneration();
  NotifyRaw(uri_, header + std::to_string(record_p.size()) + ":" + record_p);
  EXPECT_TRUE(
      WithinOneSecond([&] { return b->ListVersions(p, IncludeDeleted::kYes)->size() == 2; }));
  EXPECT_EQ(b->ListVersions(q, IncludeDeleted::kYes)->size(), 1u);  // not named: still cached
  EXPECT_EQ(b->HoldersGeneration(), generation);

  const std::string record_q = "s-\tanother-process\t0\tq";
  const std::vector<std::string> malformed = {
      header + "99:" + record_q,                    // longer than what follows
      header + ":" + record_q,                      // no length
      header + "x2:" + record_q,                    // not a number
      header + "24",                                // no ':'
      header + "18446744073709551616:" + record_q,  // past any size
      header + "6:s-\tano",                         // a record that does not parse
      header + std::to_string(record_q.size()) + ":" + record_q + "3",  // a cut-off tail
      "zz",                                                             // not a payload at all
  };
  std::size_t version = 2;
  for (const std::string& payload : malformed) {
    SCOPED_TRACE(payload);
    ASSERT_EQ(b->ListVersions(q, IncludeDeleted::kYes)->size(), version - 1);  // cached
    const std::uint64_t before = b->HoldersGeneration();
    NotifyRaw(uri_, payload);
    EXPECT_TRUE(WithinOneSecond([&] { return b->HoldersGeneration() > before; }));
    EXPECT_EQ(b->ListVersions(q, IncludeDeleted::kYes)->size(), version);  // read again
    add_behind("q", static_cast<int>(++version));
  }
}

// Rule: announced writes never make the check drop the cache: under a
// stream of them, a cached read changed behind every cache's back (no
// audit row, no notification) stays as cached.
TEST_F(PostgresReplicas, AnnouncedWritesNeverLookLostToTheCheck) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_, PostgresOptions{.poll_interval_ms = 10});
  ASSERT_TRUE(a && b);
  // b caches z as empty: it sees z's version only once z's notification
  // came, and x's came before it (one writer's notifications keep their
  // order). Then b reads and caches x.
  ASSERT_TRUE(b->ListVersions(SubjectName("z"), IncludeDeleted::kYes)->empty());
  ASSERT_TRUE(a->AddVersion(NV("x", 1, "fx")));
  ASSERT_TRUE(a->AddVersion(NV("z", 1, "fz")));
  ASSERT_TRUE(WithinOneSecond(
      [&] { return b->ListVersions(SubjectName("z"), IncludeDeleted::kYes)->size() == 1; }));
  ASSERT_EQ(b->ListVersions(SubjectName("x"), IncludeDeleted::kYes)->size(), 1u);
  Sql(uri_, "UPDATE versions SET deleted = true WHERE subject = 'x'");
  for (int v = 1; v <= 100; ++v) {
    ASSERT_TRUE(a->AddVersion(NV("y", v, "fy" + std::to_string(v))));
  }
  ASSERT_TRUE(WithinOneSecond(
      [&] { return b->ListVersions(SubjectName("y"), IncludeDeleted::kYes)->size() == 100; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // ten more checks
  EXPECT_FALSE(b->ListVersions(SubjectName("x"), IncludeDeleted::kYes)->at(0).deleted);
}

// A store's own appends go into its cached version list (no read after
// each registration): the list it serves is exactly what the database
// holds, as a store with an empty cache reads it.
TEST_F(PostgresReplicas, OwnAppendsKeepTheCachedVersionListExact) {
  auto a = OpenOrFail(uri_);
  ASSERT_TRUE(a);
  NewVersion first = NV("s", 1, "fp1");
  first.expected_latest = Version(0);
  ASSERT_TRUE(a->AddVersion(first));
  ASSERT_EQ(a->ListVersions(SubjectName("s"), IncludeDeleted::kYes)->size(), 1u);  // cached
  for (int v = 2; v <= 4; ++v) {
    NewVersion next = NV("s", v, v == 3 ? "fp1" : "fp" + std::to_string(v));
    next.expected_latest = Version(v - 1);
    next.created_ms = v == 4 ? 1'650'000'000'000 : 0;
    next.metadata = R"({"properties":{"v":")" + std::to_string(v) + R"("}})";
    ASSERT_TRUE(a->AddVersion(next));
  }
  auto fresh = OpenOrFail(uri_);
  ASSERT_TRUE(fresh);
  const auto want = *fresh->ListVersions(SubjectName("s"), IncludeDeleted::kYes);
  const auto got = *a->ListVersions(SubjectName("s"), IncludeDeleted::kYes);
  ASSERT_EQ(Numbers(got), (std::vector<int>{1, 2, 3, 4}));
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].schema_id, want[i].schema_id) << i;
    EXPECT_EQ(got[i].created_ms, want[i].created_ms) << i;
    EXPECT_EQ(got[i].metadata, want[i].metadata) << i;
    EXPECT_EQ(got[i].deleted, want[i].deleted) << i;
  }
  EXPECT_EQ(got[2].schema_id, SchemaId(1));  // version 3 reuses fp1
  EXPECT_EQ(got[3].created_ms, 1'650'000'000'000);
}

// Rule: one schema has one id, whichever replica registers it, even at the
// same moment; different schemas never share one.
TEST_F(PostgresReplicas, OneSchemaRegisteredThroughTwoStoresAtOnceGetsOneId) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  constexpr int kThreads = 16;
  std::vector<RegistryResult<WrittenVersion>> same(kThreads), distinct(kThreads);
  {
    std::barrier start(kThreads);
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        Store& s = i % 2 == 0 ? *a : *b;
        start.arrive_and_wait();
        same[i] = s.AddVersion(NV("same-" + std::to_string(i), 1, "shared"));
        distinct[i] = s.AddVersion(NV("own-" + std::to_string(i), 1, "own" + std::to_string(i)));
      });
    }
  }
  std::set<std::int64_t> same_ids, distinct_ids;
  int created = 0;
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(same[i]) << same[i].error().message;
    ASSERT_TRUE(distinct[i]) << distinct[i].error().message;
    same_ids.insert(same[i]->id.value());
    created += same[i]->new_schema ? 1 : 0;
    distinct_ids.insert(distinct[i]->id.value());
  }
  EXPECT_EQ(same_ids.size(), 1u);
  EXPECT_EQ(created, 1);
  EXPECT_EQ(distinct_ids.size(), static_cast<std::size_t>(kThreads));
  EXPECT_FALSE(distinct_ids.contains(*same_ids.begin()));
}

// Rule: replicas started at the same moment against an empty database all
// start, and create the tables once.
TEST_F(PostgresReplicas, StoresOpenedTogetherOnAnEmptyDatabaseAllStart) {
  constexpr int kStores = 6;
  std::vector<RegistryResult<std::unique_ptr<Store>>> opened;
  for (int i = 0; i < kStores; ++i) opened.push_back(Fail(ErrorCode::kStoreError, "not run"));
  {
    std::barrier start(kStores);
    std::vector<std::jthread> threads;
    for (int i = 0; i < kStores; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        opened[i] = OpenPostgresStore(PostgresOptions{.uri = uri_});
      });
    }
  }
  for (auto& s : opened) ASSERT_TRUE(s) << s.error().message;
  ASSERT_TRUE((*opened[0])->AddVersion(NV("s", 1, "fp1")));
  EXPECT_EQ((*opened[5])->GetSchema(SchemaId(1))->value().fingerprint, "fp1");
}

// Rule: a replica refuses a database migrated by a newer Accord, and says so.
// Rule: a database at table layout 1 (before accord_add_version) is
// migrated to the current layout (10) by the first replica that opens it;
// its data stays.
TEST_F(PostgresReplicas, DatabaseAtLayoutOneIsMigratedAndKeepsItsData) {
  {
    auto old = OpenOrFail(uri_);
    ASSERT_TRUE(old);
    ASSERT_TRUE(old->AddVersion(NV("s", 1, "fp1")));
  }
  Sql(uri_,
      "DO $$ DECLARE f regprocedure; BEGIN FOR f IN SELECT oid::regprocedure FROM pg_proc "
      "WHERE proname = 'accord_add_version' AND pronamespace = current_schema()::regnamespace "
      "LOOP EXECUTE 'DROP FUNCTION ' || f; END LOOP; END $$; "
      "DROP TABLE subject_folds; "
      "DROP TABLE service_versions; DROP TABLE environments; DROP TABLE deployments; "
      "DROP TABLE read_counts; DROP TABLE webhooks; ALTER TABLE config DROP COLUMN contract; "
      "DROP FUNCTION accord_next_schema_id; DROP TABLE contexts; DROP SEQUENCE context_numbers; "
      "ALTER TABLE subject_meta DROP COLUMN message; "
      "DROP TABLE subject_heads; DROP TABLE accord_epoch; "
      "DROP FUNCTION accord_config_written CASCADE; "
      "UPDATE accord_meta SET value = '1' WHERE key = 'schema_version'");
  auto s = OpenOrFail(uri_);
  ASSERT_TRUE(s);
  EXPECT_EQ(SqlInt(uri_, "SELECT value::int FROM accord_meta WHERE key = 'schema_version'"), 11);
  // Layout 10 knows the highest version of every subject written before it.
  EXPECT_EQ(SqlInt(uri_, "SELECT latest FROM subject_heads WHERE subject = 's'"), 1);
  // Layout 7's config column is there.
  const ConfigRecord contract{.compatibility_group = "major", .validate_fields = true};
  ASSERT_TRUE(s->SetConfig(std::nullopt, contract, AuditRecord{.action = "PUT_CONFIG"}));
  EXPECT_EQ(**s->GetConfig(std::nullopt), contract);
  // Layout 8's contexts (issue #18): numbered, with ids of their own.
  ASSERT_EQ(*s->EnsureContext(".team-a"), 1);
  NewVersion in_context = NV(":.team-a:s", 1, "fp1@.team-a");
  in_context.schema.id = SchemaId::InContext(1, 0);
  EXPECT_EQ(s->AddVersion(in_context)->id, SchemaId::InContext(1, 1));
  // Layout 9's subject_meta column is there.
  ASSERT_TRUE(s->SetSubjectMetadata(SubjectName("s"), SubjectMetadata{.message = "p.M"},
                                    AuditRecord{.action = "PUT_METADATA"}));
  EXPECT_EQ((*s->GetSubjectMetadata(SubjectName("s")))->message, "p.M");
  ASSERT_TRUE(
      s->SetDeployment(DeploymentRecord{.environment = "e", .service = "svc", .version = "1"},
                       EnvironmentRecord{.name = "e"}, AuditRecord{.action = "DEPLOY"}));
  ASSERT_TRUE(s->AddVersion(NV("s", 2, "fp2")));
  // Layout 6's tables are there.
  ASSERT_TRUE(s->AddReadCounts({ReadCount{SchemaId(1), "p", "ua", 1, 1, 1}}));
  EXPECT_EQ(s->ListReadCounts(SchemaId(1))->size(), 1u);
  EXPECT_TRUE(s->ListWebhooks()->empty());
  EXPECT_EQ(Numbers(*s->ListVersions(SubjectName("s"), IncludeDeleted::kYes)),
            (std::vector<int>{1, 2}));
}

// Rule: a database at table layout 9 (before subject_heads, with the
// previous signatures of accord_add_version as plpgsql functions of their
// own) is migrated to 10: the subjects' heads are filled in, and those
// signatures become wrappers of layout 10's function.
TEST_F(PostgresReplicas, DatabaseAtLayoutNineGetsHeadsAndWrappedFunctions) {
  {
    auto old = OpenOrFail(uri_);
    ASSERT_TRUE(old);
    ASSERT_TRUE(old->AddVersion(NV("s", 1, "fp1")));
  }
  Sql(uri_,
      "DO $$ DECLARE f oid; BEGIN FOR f IN SELECT oid FROM pg_proc "
      "WHERE proname = 'accord_add_version' AND pronargs < 39 "
      "AND pronamespace = current_schema()::regnamespace LOOP EXECUTE "
      "'CREATE OR REPLACE FUNCTION accord_add_version(' || pg_get_function_arguments(f) || "
      "') LANGUAGE plpgsql AS $b$ BEGIN outcome := ''old''; END $b$'; END LOOP; END $$; "
      "DROP FUNCTION accord_add_version(TEXT, INTEGER, INTEGER, BIGINT, TEXT, TEXT, TEXT, TEXT, "
      "TEXT, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, BIGINT, TEXT, TEXT, TEXT, INTEGER, "
      "TEXT, TEXT, BOOLEAN, TEXT, TEXT, TEXT, BOOLEAN, TEXT, TEXT, BOOLEAN, TEXT, TEXT, TEXT, "
      "TEXT, TEXT, TEXT, BIGINT); "
      "DROP TABLE subject_heads; DROP TABLE accord_epoch; "
      "DROP FUNCTION accord_config_written CASCADE; "
      "UPDATE accord_meta SET value = '9' WHERE key = 'schema_version'");
  auto s = OpenOrFail(uri_);
  ASSERT_TRUE(s);
  EXPECT_EQ(SqlInt(uri_, "SELECT value::int FROM accord_meta WHERE key = 'schema_version'"), 11);
  EXPECT_EQ(SqlInt(uri_, "SELECT latest FROM subject_heads WHERE subject = 's'"), 1);
  EXPECT_EQ(SqlInt(uri_,
                   "SELECT count(*) FROM pg_proc WHERE proname = 'accord_add_version' "
                   "AND pronamespace = current_schema()::regnamespace"),
            4);
  // Layout 7's signature registers (its plpgsql body replaced by a wrapper).
  EXPECT_GT(SqlInt(uri_,
                   "SELECT seq FROM accord_add_version('s', 2, 1, NULL, 'JSON', '{}', '{}', "
                   "'fp2', NULL, 1, '', '', NULL, NULL, NULL, NULL, NULL, 1, 'old', 'REGISTER', "
                   "'s', 2, '', NULL, false, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                   "NULL, '', NULL, NULL)"),
            0);
  EXPECT_EQ(SqlInt(uri_, "SELECT latest FROM subject_heads WHERE subject = 's'"), 2);
  EXPECT_EQ(Numbers(*s->ListVersions(SubjectName("s"), IncludeDeleted::kYes)),
            (std::vector<int>{1, 2}));
}

// Rule: a database at table layout 10 (contexts without `deleted`,
// accord_add_version without the context's config and mode) is migrated to
// 11: its contexts keep their numbers and are listed, and layout 10's
// signature (39 arguments) still registers, through the new function.
TEST_F(PostgresReplicas, DatabaseAtLayoutTenGetsDeletedContextsAndTheContextsConfig) {
  {
    auto old = OpenOrFail(uri_);
    ASSERT_TRUE(old);
    ASSERT_EQ(*old->EnsureContext(".team-a"), 1);
    ASSERT_TRUE(old->AddVersion(NV("s", 1, "fp1")));
  }
  Sql(uri_,
      "ALTER TABLE contexts DROP COLUMN deleted; "
      "DROP FUNCTION accord_add_version(TEXT, INTEGER, INTEGER, BIGINT, TEXT, TEXT, TEXT, TEXT, "
      "TEXT, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, BIGINT, TEXT, TEXT, TEXT, INTEGER, "
      "TEXT, TEXT, BOOLEAN, TEXT, TEXT, TEXT, BOOLEAN, TEXT, TEXT, BOOLEAN, TEXT, TEXT, TEXT, "
      "TEXT, TEXT, TEXT, BIGINT, TEXT, TEXT, TEXT, BOOLEAN, TEXT, TEXT) CASCADE; "
      "UPDATE accord_meta SET value = '10' WHERE key = 'schema_version'");
  auto s = OpenOrFail(uri_);
  ASSERT_TRUE(s);
  EXPECT_EQ(SqlInt(uri_, "SELECT value::int FROM accord_meta WHERE key = 'schema_version'"), 11);
  EXPECT_EQ(*s->ListContexts(), (std::vector<ContextRecord>{{".team-a", 1, false}}));
  EXPECT_EQ(SqlInt(uri_,
                   "SELECT count(*) FROM pg_proc WHERE proname = 'accord_add_version' "
                   "AND pronamespace = current_schema()::regnamespace"),
            4);
  // Layout 10's signature (its last argument the config epoch, NULL here).
  EXPECT_GT(SqlInt(uri_,
                   "SELECT seq FROM accord_add_version('s', 2, 1, NULL, 'JSON', '{}', '{}', "
                   "'fp2', NULL, 1, '', '', NULL, NULL, NULL, NULL, NULL, 1, 'old', 'REGISTER', "
                   "'s', 2, '', NULL, false, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                   "NULL, '', NULL, NULL, NULL::bigint)"),
            0);
  EXPECT_EQ(Numbers(*s->ListVersions(SubjectName("s"), IncludeDeleted::kYes)),
            (std::vector<int>{1, 2}));
  ASSERT_TRUE(s->DeleteContext(".team-a", AuditRecord{.actor = "t", .action = "DELETE_CONTEXT"}));
  EXPECT_EQ(*s->ListContexts(), (std::vector<ContextRecord>{{".team-a", 1, true}}));
}

// A rolling upgrade: replicas of the previous builds still register through
// their signatures of accord_add_version (layout 4's, 36 arguments; layout
// 7's, 38: the data-contract settings), which keep the subject's head, so
// this build's appends stay exact. Layout 4's build knows no data-contract
// settings and never compared them: a setting does not refuse its
// registrations; layout 7's compares them as before.
TEST_F(PostgresReplicas, ThePreviousBuildsRegistrationsKeepTheSubjectsHead) {
  auto s = OpenOrFail(uri_);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->SetConfig(std::nullopt, ConfigRecord{.compatibility_group = "major"},
                           AuditRecord{.action = "PUT_CONFIG"}));
  NewVersion first = NV("s", 1, "fp1");
  first.expected_latest = Version(0);
  ASSERT_TRUE(s->AddVersion(first));
  // The previous builds' call for version `v` of s, decided against v - 1
  // under no config and no mode but the global data-contract setting.
  auto old_call = [](int v, const std::string& contracts) {
    const std::string n = std::to_string(v);
    return "SELECT seq, (outcome = 'conflict')::int FROM accord_add_version('s', " + n + ", " +
           std::to_string(v - 1) + ", NULL, 'JSON', '{}', '{}', 'fp" + n +
           "', NULL, 1, '', '', NULL, NULL, NULL, NULL, NULL, 1, 'old', 'REGISTER', 's', " + n +
           ", '', NULL, true, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ''" +
           contracts + ")";
  };
  EXPECT_GT(SqlInt(uri_, old_call(2, "")), 0);  // layout 4's
  EXPECT_EQ(SqlInt(uri_, "SELECT latest FROM subject_heads WHERE subject = 's'"), 2);
  // Layout 7's, decided under another setting than stored: refused.
  EXPECT_EQ(SqlInt(uri_, "SELECT c FROM (" + old_call(3, ", NULL, NULL") + ") AS r(seq, c)"), 1);
  EXPECT_GT(SqlInt(uri_, old_call(3, ", NULL, (SELECT contract FROM config WHERE scope = '')")), 0);
  EXPECT_EQ(SqlInt(uri_, "SELECT latest FROM subject_heads WHERE subject = 's'"), 3);
  const SubjectName subject("s");
  const DecidedUnder read{.subject_config = *s->GetConfig(subject),
                          .global_config = *s->GetConfig(std::nullopt),
                          .subject_mode = *s->GetMode(subject),
                          .global_mode = *s->GetMode(std::nullopt)};
  NewVersion stale = NV("s", 2, "fp4");  // decided before the old replicas' versions
  stale.expected_latest = Version(1);
  stale.decided_under = read;
  auto refused = s->AddVersion(stale);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fault, StoreFault::kConflict);
  NewVersion next = NV("s", 4, "fp4");
  next.expected_latest = Version(3);
  next.decided_under = read;
  ASSERT_TRUE(s->AddVersion(next));
  EXPECT_EQ(SqlInt(uri_, "SELECT latest FROM subject_heads WHERE subject = 's'"), 4);
  EXPECT_EQ(Numbers(*s->ListVersions(subject, IncludeDeleted::kYes)),
            (std::vector<int>{1, 2, 3, 4}));
}

// A data-contract setting written behind the store's back (by hand: no
// notification, so the store's cached config is stale) moves the config
// epoch like any config write: a registration decided under the cached
// setting is refused rather than taking the fast path, and decided again
// under the stored one it is written.
TEST_F(PostgresReplicas, AContractSettingWrittenByHandRefusesADecisionUnderTheOldOne) {
  auto s = OpenOrFail(uri_);
  ASSERT_TRUE(s);
  const SubjectName subject("s");
  ASSERT_TRUE(s->SetConfig(subject, ConfigRecord{.compatibility_group = "major"},
                           AuditRecord{.action = "PUT_CONFIG"}));
  NewVersion first = NV("s", 1, "fp1");
  first.expected_latest = Version(0);
  ASSERT_TRUE(s->AddVersion(first));
  auto decide = [&] {
    return DecidedUnder{.subject_config = *s->GetConfig(subject),
                        .global_config = *s->GetConfig(std::nullopt),
                        .subject_mode = *s->GetMode(subject),
                        .global_mode = *s->GetMode(std::nullopt)};
  };
  const DecidedUnder before = decide();
  ASSERT_EQ(before.subject_config, ConfigRecord{.compatibility_group = "major"});
  Sql(uri_, "UPDATE config SET contract = '{\"validateFields\":true}' WHERE scope = 's'");
  NewVersion next = NV("s", 2, "fp2");
  next.expected_latest = Version(1);
  next.decided_under = before;
  auto refused = s->AddVersion(next);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fault, StoreFault::kConflict);
  EXPECT_FALSE(s->FindSchemaByFingerprint("fp2")->has_value());
  next.decided_under = decide();
  EXPECT_EQ(next.decided_under->subject_config, ConfigRecord{.validate_fields = true});
  ASSERT_TRUE(s->AddVersion(next));
  EXPECT_EQ(Numbers(*s->ListVersions(subject, IncludeDeleted::kYes)), (std::vector<int>{1, 2}));
}

// Rule (issue #18): an append decided under the cached config (the
// registration function's fast path) draws a new schema's id as the full
// path does: in the subject's context, without moving the default
// context's sequence.
TEST_F(PostgresReplicas, AnAppendOnTheFastPathDrawsIdsInItsContext) {
  auto s = OpenOrFail(uri_);
  ASSERT_TRUE(s);
  const std::int64_t n = *s->EnsureContext(".team-a");
  const SubjectName subject(":.team-a:s");
  auto decide = [&] {
    return DecidedUnder{.subject_config = *s->GetConfig(subject),
                        .global_config = *s->GetConfig(std::nullopt),
                        .subject_mode = *s->GetMode(subject),
                        .global_mode = *s->GetMode(std::nullopt)};
  };
  for (int v = 1; v <= 3; ++v) {
    NewVersion nv = NV(":.team-a:s", v, "fp" + std::to_string(v) + "@.team-a");
    nv.schema.id = SchemaId::InContext(n, 0);
    nv.expected_latest = Version(v - 1);
    nv.decided_under = decide();
    auto w = s->AddVersion(nv);
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ(w->id, SchemaId::InContext(n, v));
  }
  EXPECT_EQ(SqlInt(uri_, "SELECT latest FROM subject_heads WHERE subject = ':.team-a:s'"), 3);
  EXPECT_EQ(s->AddVersion(NV("plain", 1, "plain"))->id, SchemaId(1));
}

// Rule (issue #18): two replicas numbering one context agree on its number,
// and allocating in it at once give every id once; the default context's
// sequence is not moved by them.
TEST_F(PostgresReplicas, TwoReplicasAllocatingInOneContextGiveEachIdOnce) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  const std::int64_t na = *a->EnsureContext(".shared");
  const std::int64_t nb = *b->EnsureContext(".shared");
  ASSERT_EQ(na, nb);
  constexpr int kEach = 15;
  std::vector<std::int64_t> got[2];
  std::barrier start(2);
  auto run = [&](Store* store, int t) {
    start.arrive_and_wait();
    for (int i = 0; i < kEach; ++i) {
      NewVersion v = NV(":.shared:s" + std::to_string(t), i + 1,
                        "r" + std::to_string(t) + "-" + std::to_string(i) + "@.shared");
      v.schema.id = SchemaId::InContext(na, 0);
      auto w = store->AddVersion(v);
      ASSERT_TRUE(w) << w.error().message;
      got[t].push_back(w->id.local());
      EXPECT_EQ(w->id.context(), na);
    }
  };
  std::thread t0(run, a.get(), 0), t1(run, b.get(), 1);
  t0.join();
  t1.join();
  std::set<std::int64_t> all(got[0].begin(), got[0].end());
  all.insert(got[1].begin(), got[1].end());
  ASSERT_EQ(all.size(), 2u * kEach);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), 2 * kEach);
  EXPECT_EQ(a->AddVersion(NV("plain", 1, "plain"))->id, SchemaId(1));
}

// Each replica flushes its own read counts; the database sums them, and the
// limit of user agents per (schema, principal) holds across replicas.
TEST_F(PostgresReplicas, ReadCountsFromTwoReplicasAddUpWithinTheAgentLimit) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  auto flush = [](Store* store, int replica) {
    for (int round = 0; round < 10; ++round) {
      std::vector<ReadCount> batch;
      for (int agent = 0; agent < 12; ++agent) {
        batch.push_back(ReadCount{SchemaId(5), "ci",
                                  "agent-" + std::to_string(replica * 12 + agent), 1, 100 + round,
                                  200 + round});
      }
      ASSERT_TRUE(store->AddReadCounts(batch));
    }
  };
  std::thread ta(flush, a.get(), 0);
  std::thread tb(flush, b.get(), 1);
  ta.join();
  tb.join();
  auto rows = a->ListReadCounts(SchemaId(5));
  ASSERT_TRUE(rows);
  std::int64_t total = 0;
  std::size_t own = 0;
  for (const ReadCount& r : *rows) {
    total += r.count;
    if (r.user_agent != kOtherUserAgent) ++own;
  }
  EXPECT_EQ(total, 2 * 10 * 12);
  EXPECT_EQ(own, kMaxUserAgentsPerReader);
  EXPECT_EQ(rows->size(), kMaxUserAgentsPerReader + 1);
}

TEST_F(PostgresReplicas, DatabaseMigratedByANewerBuildIsRefused) {
  ASSERT_TRUE(OpenOrFail(uri_));
  Sql(uri_, "UPDATE accord_meta SET value = '99' WHERE key = 'schema_version'");
  auto s = OpenPostgresStore(PostgresOptions{.uri = uri_});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kStoreError);
  EXPECT_NE(s.error().message.find("newer version of Accord"), std::string::npos)
      << s.error().message;
}

// Rule: an unreachable database is StoreFault::kUnavailable, with a message
// that names neither the host nor the port.
TEST(PostgresStore, UnreachableDatabaseIsUnavailableWithoutDetail) {
  auto s = OpenPostgresStore(
      PostgresOptions{.uri = "postgresql://accord@127.0.0.1:1/accord", .connect_timeout_s = 2});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().fault, StoreFault::kUnavailable);
  EXPECT_EQ(s.error().message.find("127.0.0.1"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.find(":1"), std::string::npos) << s.error().message;
}

// Rule (docs/postgresql.md, "When the database is unreachable"): writes
// fail as kUnavailable and change nothing, reads already cached keep being
// served, Ping fails; when the database is back the same store object
// serves again by itself. A server of its own (it is stopped mid-test).
TEST(PostgresOutage, CachedReadsSurviveAnOutageAndTheStoreRecoversByItself) {
  testing::TempDir dir;
  const std::string script = std::string(ACCORD_SOURCE_DIR) + "/scripts/pg-server";
  const std::string pg = dir.File("pg");
  auto run = [&](const char* cmd) {
    return std::system((script + " " + cmd + " " + pg + " >/dev/null 2>&1").c_str());
  };
  // Stopped and removed however the test ends.
  struct Destroy {
    std::function<int(const char*)> run;
    ~Destroy() { run("destroy"); }
  } destroy{run};
  ASSERT_EQ(run("start"), 0);
  std::string uri;
  std::getline(std::ifstream(pg + "/uri"), uri);
  {
    auto store = OpenOrFail(uri, PostgresOptions{.poll_interval_ms = 100});
    ASSERT_TRUE(store);
    NewVersion first = NV("s", 1, "fp1");
    first.expected_latest = Version(0);
    ASSERT_TRUE(store->AddVersion(first));
    ASSERT_EQ(store->ListVersions(SubjectName("s"), IncludeDeleted::kYes)->size(), 1u);

    ASSERT_EQ(run("kill"), 0);
    NewVersion second = NV("s", 2, "fp2");
    second.expected_latest = Version(1);
    auto refused = store->AddVersion(second);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kStoreError);
    EXPECT_EQ(refused.error().fault, StoreFault::kUnavailable);
    EXPECT_FALSE(store->Ping());
    auto cached = store->ListVersions(SubjectName("s"), IncludeDeleted::kYes);
    ASSERT_TRUE(cached) << cached.error().message;
    EXPECT_EQ(Numbers(*cached), std::vector<int>{1});

    ASSERT_EQ(run("start"), 0);
    EXPECT_TRUE(WithinSeconds(10, [&] { return store->Ping().has_value(); }));
    auto again = store->AddVersion(second);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(Numbers(*store->ListVersions(SubjectName("s"), IncludeDeleted::kYes)),
              (std::vector<int>{1, 2}));
  }
}

// Rule: a failure at any step of a registration's transaction leaves
// nothing of it.
TEST_F(PostgresReplicas, FailureAtAnyStepOfARegistrationLeavesNothingHalfWritten) {
  std::string fail_step;
  auto s = OpenOrFail(
      uri_, PostgresOptions{.fail_at = [&](std::string_view step) { return step == fail_step; }});
  ASSERT_TRUE(s);
  for (const char* step : {"schema", "version", "audit", "commit"}) {
    fail_step = step;
    auto w = s->AddVersion(NV("s", 1, "fp1"));
    ASSERT_FALSE(w) << step;
    EXPECT_EQ(w.error().code, ErrorCode::kStoreError) << step;
    EXPECT_FALSE(s->FindSchemaByFingerprint("fp1")->has_value()) << step;
    EXPECT_TRUE(s->ListVersions(SubjectName("s"), IncludeDeleted::kYes)->empty()) << step;
    EXPECT_TRUE(s->ListAudit(0, 100)->empty()) << step;
  }
  fail_step.clear();
  EXPECT_TRUE(s->AddVersion(NV("s", 1, "fp1")));
}

// Rule: a registration is decided under the config committed when it is
// written, not under a replica's cached copy. Here the config is tightened
// behind the cache (no notification reaches it): the write refuses the
// stale decision, and the decision made again applies BACKWARD.
TEST_F(PostgresReplicas, ARegistrationAppliesTheCommittedConfigNotACachedOne) {
  Service b(OpenOrFail(uri_), ServiceOptions{.default_level = compat::Level::kNone,
                                             .checker = testing::RequiredSubsetChecker});
  ASSERT_TRUE(b.Register("s", Json(R("\"a\""))));  // b has read (cached) the config: none
  Sql(uri_, "INSERT INTO config(scope, level) VALUES('s', 'BACKWARD')");
  // Compatible under NONE; under BACKWARD the new reader requires b, which
  // version 1 never wrote.
  auto r = b.Register("s", Json(R("\"a\",\"b\"")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIncompatibleSchema) << r.error().message;
}

// Rule: the writes other than Register decide on committed state, not on
// a replica's cached reads: a subject soft-deleted through another replica
// a moment ago (here behind every cache: no notification comes) can be
// permanently deleted at once, as Confluent's two-step delete does.
TEST_F(PostgresReplicas, APermanentDeleteRightAfterASoftDeleteElsewhereSucceeds) {
  Service b(OpenOrFail(uri_), ServiceOptions{.default_level = compat::Level::kNone,
                                             .checker = testing::RequiredSubsetChecker});
  ASSERT_TRUE(b.Register("s", Json(R("\"a\""))));
  ASSERT_EQ(b.ListVersions("s")->size(), 1u);  // cached: version 1 live
  Sql(uri_, "UPDATE versions SET deleted = true WHERE subject = 's'");
  auto deleted = b.DeleteSubject("s", DeleteKind::kPermanent);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(*deleted, std::vector<Version>{Version(1)});
}

// A registration decided before another replica permanently deleted the
// subject's latest version is refused, also on the store's fast path (the
// config and mode read again just before, as a Service does: only the
// version list is stale). The permanent delete moved the subject's head.
TEST_F(PostgresReplicas, AnAppendDecidedBeforeAPermanentDeleteElsewhereIsAConflict) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  const SubjectName s("s");
  for (int v = 1; v <= 2; ++v) {
    NewVersion nv = NV("s", v, "fp" + std::to_string(v));
    nv.expected_latest = Version(v - 1);
    ASSERT_TRUE(a->AddVersion(nv));
  }
  ASSERT_TRUE(b->SoftDeleteVersions(s, {Version(2)}, AuditRecord{.action = "DELETE"}));
  ASSERT_TRUE(b->HardDeleteVersions(s, {Version(2)}, AuditRecord{.action = "DELETE"}));
  // Once a has heard of it (else the notification could drop the config
  // read below, and the write would not try the fast path).
  for (int i = 0; i < 200 && a->ListVersions(s, IncludeDeleted::kYes)->size() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto decide = [&] {
    return DecidedUnder{.subject_config = *a->GetConfig(s),
                        .global_config = *a->GetConfig(std::nullopt),
                        .subject_mode = *a->GetMode(s),
                        .global_mode = *a->GetMode(std::nullopt)};
  };
  NewVersion stale = NV("s", 3, "fp3");
  stale.expected_latest = Version(2);
  stale.decided_under = decide();
  auto w = a->AddVersion(stale);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  EXPECT_EQ(Numbers(*a->ListVersions(s, IncludeDeleted::kYes)), std::vector<int>{1});
  // Decided again against version 1: written as version 2.
  NewVersion again = NV("s", 2, "fp3");
  again.expected_latest = Version(1);
  again.decided_under = decide();
  ASSERT_TRUE(a->AddVersion(again));
  EXPECT_EQ(Numbers(*a->ListVersions(s, IncludeDeleted::kYes)), (std::vector<int>{1, 2}));
}

// Rule (Store::ForgetCachedVersions): a store answering from its memory
// forgets the subject's list when asked, and says whether it had one; the
// next read comes from what is committed.
TEST_F(PostgresReplicas, ForgettingACachedVersionListReadsWhatIsCommitted) {
  auto a = OpenOrFail(uri_);
  // b hears of a's writes only by its check, a minute away.
  auto b = OpenOrFail(uri_, PostgresOptions{.poll_interval_ms = 60'000});
  ASSERT_TRUE(a && b);
  const SubjectName s("s");
  EXPECT_FALSE(b->ForgetCachedVersions(s));  // nothing cached yet
  ASSERT_TRUE(a->AddVersion(NV("s", 1, "fp1")));
  ASSERT_EQ(Numbers(*b->ListVersions(s, IncludeDeleted::kYes)), std::vector<int>{1});
  ASSERT_TRUE(a->AddVersion(NV("s", 2, "fp2")));
  EXPECT_TRUE(b->ForgetCachedVersions(s));
  EXPECT_EQ(Numbers(*b->ListVersions(s, IncludeDeleted::kYes)), (std::vector<int>{1, 2}));
  EXPECT_FALSE(b->ForgetCachedVersions(SubjectName("other")));
}

// Read-your-writes behind a load balancer: a version acknowledged through
// one replica is found at once through another whose cached list predates
// it (its notification is a minute away here), by every read that would
// otherwise answer "not found": the version by number, the subject's
// versions, a lookup, a reference to it, a compatibility test against it.
// A read that finds what it asks for is still answered from the cache
// (`latest` stays version 1 until the notification or the check).
TEST_F(PostgresReplicas, AVersionWrittenThroughOneServiceIsFoundAtOnceThroughAnother) {
  ServiceOptions options{.default_level = compat::Level::kNone,
                         .checker = testing::RequiredSubsetChecker};
  Service a(OpenOrFail(uri_, PostgresOptions{.announce_delay_ms = 60'000}), options);
  Service b(OpenOrFail(uri_, PostgresOptions{.poll_interval_ms = 60'000}), options);
  ASSERT_TRUE(a.Register("orders", Json(R("\"a\""))));
  // b caches what it reads: orders at version 1, no subject "common".
  ASSERT_EQ(b.GetVersion("orders", VersionSelector::Latest())->version, Version(1));
  ASSERT_EQ(b.ListVersions("common").error().code, ErrorCode::kSubjectNotFound);
  auto v2 = a.Register("orders", Json(R("\"a\",\"b\"")));
  ASSERT_TRUE(v2);
  auto common = a.Register("common", Json(R("\"c\"")));
  ASSERT_TRUE(common);

  EXPECT_EQ(b.GetVersion("orders", VersionSelector::Latest())->version, Version(1));  // cached
  auto got = b.GetVersion("orders", VersionSelector::Exactly(Version(2)));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->id, v2->id);
  EXPECT_EQ(b.GetVersion("orders", VersionSelector::Latest())->version, Version(2));
  auto versions = b.ListVersions("common");
  ASSERT_TRUE(versions) << versions.error().message;
  EXPECT_EQ(*versions, std::vector<Version>{Version(1)});

  auto v3 = a.Register("orders", Json(R("\"a\",\"b\",\"d\"")));
  ASSERT_TRUE(v3);
  auto found = b.Lookup("orders", Json(R("\"a\",\"b\",\"d\"")));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->version, Version(3));

  auto v4 = a.Register("orders", Json(R("\"d\"")));
  ASSERT_TRUE(v4);
  auto tested =
      b.TestCompatibility("orders", VersionSelector::Exactly(Version(4)), Json(R("\"d\"")));
  ASSERT_TRUE(tested) << tested.error().message;
  EXPECT_TRUE(tested->compatible);

  ASSERT_TRUE(a.Register("money", Json(R("\"m\""))));
  ASSERT_EQ(b.ListVersions("money")->size(), 1u);  // cached: version 1
  ASSERT_TRUE(a.Register("money", Json(R("\"m\",\"n\""))));
  SchemaInput referring = Json(R("\"x\""));
  referring.references = {SchemaReference{
      .name = "money.json", .subject = SubjectName("money"), .version = Version(2)}};
  auto referred = b.Register("payments", referring);
  EXPECT_TRUE(referred) << referred.error().message;
}

// The lost update that a process-local lock cannot prevent: two replicas
// append to one subject at the same moment, each candidate compatible with
// v1 but not with the other. The second must be checked against the first
// (and refused), never both appended against v1.
// RequiredSubsetChecker: compatible(W -> R) iff R's required is within W's.
TEST_F(PostgresReplicas, CompatibilityHoldsWhenTwoServicesRaceOnOneSubject) {
  ServiceOptions options{.default_level = compat::Level::kBackward,
                         .checker = testing::RequiredSubsetChecker};
  Service a(OpenOrFail(uri_), options);
  Service b(OpenOrFail(uri_), options);
  constexpr int kRounds = 20;
  int both_created = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string subject = "race-" + std::to_string(round);
    ASSERT_TRUE(a.Register(subject, Json(R("\"a\",\"b\""))));
    RegistryResult<Registered> x = Fail(ErrorCode::kInternal, "");
    RegistryResult<Registered> y = Fail(ErrorCode::kInternal, "");
    {
      std::barrier start(2);
      std::jthread tx([&] {
        start.arrive_and_wait();
        x = a.Register(subject, Json(R("\"a\"")));
      });
      std::jthread ty([&] {
        start.arrive_and_wait();
        y = b.Register(subject, Json(R("\"b\"")));
      });
    }
    // Exactly one is appended as version 2; the other is refused as
    // incompatible with it.
    ASSERT_NE(x.has_value(), y.has_value()) << "round " << round;
    const auto& refused = x ? y : x;
    EXPECT_EQ(refused.error().code, ErrorCode::kIncompatibleSchema) << refused.error().message;
    EXPECT_EQ((x ? *x : *y).version, Version(2));
    both_created += x && y ? 1 : 0;
    EXPECT_EQ(*b.ListVersions(subject), (std::vector<Version>{Version(1), Version(2)}));
  }
  EXPECT_EQ(both_created, 0);
}

// Rule (NewVersion::case_fold): a subject created through one replica
// holds its case-folded name in the database: another replica creating a
// case variant is refused, naming it, though that replica has never read
// it; once the holder has no versions left, the name can be taken.
TEST_F(PostgresReplicas, ACaseVariantCreatedThroughAnotherStoreIsRefused) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  NewVersion first = NV("Orders", 1, "fp1");
  first.expected_latest = Version(0);
  first.case_fold = "orders";
  ASSERT_TRUE(a->AddVersion(first));
  NewVersion variant = NV("ORDERS", 1, "fp2");
  variant.expected_latest = Version(0);
  variant.case_fold = "orders";
  auto refused = b->AddVersion(variant);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidSubject);
  EXPECT_EQ(refused.error().message,
            "Subject name 'ORDERS' differs only in letter case from the existing subject "
            "'Orders': lists and people cannot tell them apart (the server setting "
            "subject_case_variants=allow permits it)");
  EXPECT_TRUE(b->ListVersions(SubjectName("ORDERS"), IncludeDeleted::kYes)->empty());
  EXPECT_FALSE(b->FindSchemaByFingerprint("fp2")->has_value());
  // The holder appends without a claim; a write without case_fold (case
  // variants allowed) is not judged.
  ASSERT_TRUE(a->AddVersion(NV("Orders", 2, "fp3")));
  ASSERT_TRUE(b->AddVersion(NV("oRdErS", 1, "fp4")));
  // Gone for good: the name is free again.
  ASSERT_TRUE(a->HardDeleteVersions(SubjectName("Orders"), {Version(1), Version(2)},
                                    AuditRecord{.action = "DELETE_PERMANENT"}));
  auto taken = b->AddVersion(variant);
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_EQ(SqlInt(uri_, "SELECT count(*) FROM subject_folds WHERE subject = 'ORDERS'"), 1);
}

// Rule (SubjectClaim::case_fold): a service declaration claiming a case
// variant of a subject created through another replica is refused in the
// database, naming it, and writes nothing: neither the claim nor the
// declaration.
TEST_F(PostgresReplicas, AClaimOfACaseVariantCreatedThroughAnotherStoreIsRefused) {
  auto a = OpenOrFail(uri_);
  auto b = OpenOrFail(uri_);
  ASSERT_TRUE(a && b);
  NewVersion first = NV("Orders", 1, "fp1");
  first.expected_latest = Version(0);
  first.case_fold = "orders";
  ASSERT_TRUE(a->AddVersion(first));
  const std::int64_t rows = SqlInt(uri_, "SELECT count(*) FROM audit");
  AuditRecord claim_row{.action = "PUT_METADATA"};
  claim_row.subject = "ORDERS";
  const std::vector<SubjectClaim> claims = {
      SubjectClaim{.subject = SubjectName("fresh"),
                   .metadata = SubjectMetadata{.owner = "team-b"},
                   .audit = AuditRecord{.action = "PUT_METADATA"},
                   .case_fold = "fresh"},
      SubjectClaim{.subject = SubjectName("ORDERS"),
                   .metadata = SubjectMetadata{.owner = "team-b"},
                   .audit = claim_row,
                   .case_fold = "orders"}};
  auto refused =
      b->PutService(ServiceRecord{.name = "svc",
                                  .owner = "team-b",
                                  .produces = {SubjectName("fresh"), SubjectName("ORDERS")}},
                    AuditRecord{.action = "PUT_SERVICE"}, claims);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidSubject);
  EXPECT_EQ(refused.error().message,
            "Subject name 'ORDERS' differs only in letter case from the existing subject "
            "'Orders': lists and people cannot tell them apart (the server setting "
            "subject_case_variants=allow permits it)");
  EXPECT_FALSE(b->GetService("svc")->has_value());
  EXPECT_FALSE(b->GetSubjectMetadata(SubjectName("ORDERS"))->has_value());
  EXPECT_FALSE(b->GetSubjectMetadata(SubjectName("fresh"))->has_value());
  EXPECT_EQ(SqlInt(uri_, "SELECT count(*) FROM audit"), rows);
  EXPECT_EQ(SqlInt(uri_, "SELECT count(*) FROM subject_folds WHERE subject = 'fresh'"), 0);
  // Without the variant the same declaration and its claim are stored.
  ASSERT_TRUE(b->PutService(
      ServiceRecord{.name = "svc", .owner = "team-b", .produces = {SubjectName("fresh")}},
      AuditRecord{.action = "PUT_SERVICE"}, {claims[0]}));
  EXPECT_EQ((*a->GetSubjectMetadata(SubjectName("fresh")))->owner, "team-b");
}

// A failure at any step of a declaration with a claim leaves neither.
TEST_F(PostgresReplicas, FailureAtAnyStepOfAClaimingDeclarationLeavesNothing) {
  std::string fail_step;
  PostgresOptions o;
  o.fail_at = [&](std::string_view s) { return s == fail_step; };
  auto s = OpenOrFail(uri_, o);
  ASSERT_TRUE(s);
  for (const char* step : {"metadata", "audit", "service", "commit"}) {
    fail_step = step;
    auto put = s->PutService(
        ServiceRecord{.name = "svc", .owner = "team-b", .produces = {SubjectName("fresh")}},
        AuditRecord{.action = "PUT_SERVICE"},
        {SubjectClaim{.subject = SubjectName("fresh"),
                      .metadata = SubjectMetadata{.owner = "team-b"},
                      .audit = AuditRecord{.action = "PUT_METADATA"},
                      .case_fold = "fresh"}});
    fail_step.clear();
    EXPECT_FALSE(put) << step;
    EXPECT_FALSE(s->GetService("svc")->has_value()) << step;
    EXPECT_FALSE(s->GetSubjectMetadata(SubjectName("fresh"))->has_value()) << step;
    EXPECT_EQ(SqlInt(uri_, "SELECT count(*) FROM audit"), 0) << step;
    EXPECT_EQ(SqlInt(uri_, "SELECT count(*) FROM subject_folds"), 0) << step;
  }
}

// The race a process-local index cannot see: two replicas create case
// variants of one name at the same moment. Exactly one is created; the
// other is refused, naming it.
TEST_F(PostgresReplicas, TwoServicesCreatingCaseVariantsAtOnceCreateOne) {
  ServiceOptions options{.default_level = compat::Level::kNone,
                         .checker = testing::RequiredSubsetChecker};
  Service a(OpenOrFail(uri_), options);
  Service b(OpenOrFail(uri_), options);
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string upper = "Race-" + std::to_string(round);
    const std::string lower = "race-" + std::to_string(round);
    RegistryResult<Registered> x = Fail(ErrorCode::kInternal, "");
    RegistryResult<Registered> y = Fail(ErrorCode::kInternal, "");
    {
      std::barrier start(2);
      std::jthread tx([&] {
        start.arrive_and_wait();
        x = a.Register(upper, Json(R("\"a\"")));
      });
      std::jthread ty([&] {
        start.arrive_and_wait();
        y = b.Register(lower, Json(R("\"b\"")));
      });
    }
    ASSERT_NE(x.has_value(), y.has_value()) << "round " << round;
    const auto& refused = x ? y : x;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidSubject) << refused.error().message;
    const std::string& winner = x ? upper : lower;
    const std::string& loser = x ? lower : upper;
    EXPECT_EQ(refused.error().message, "Subject name '" + loser +
                                           "' differs only in letter case from the existing "
                                           "subject '" +
                                           winner +
                                           "': lists and people cannot tell them apart (the server "
                                           "setting subject_case_variants=allow permits it)");
  }
}

// Register decides again after a conflict, and gives up after
// Service::kConflictRetries with a 50001 that says it was a conflict.
TEST(ServiceConflicts, RegisterRetriesAStoreConflictThenGivesUp) {
  testing::TempDir dir;
  auto fault = std::make_unique<FaultInjectionStore>(testing::OpenStoreOrDie(dir.File("db")));
  FaultInjectionStore* f = fault.get();
  Service service(std::move(fault), ServiceOptions{.checker = testing::RequiredSubsetChecker});
  f->ConflictNextAddVersions(3);
  auto ok = service.Register("s", Json(R("\"a\"")));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->version, Version(1));
  f->ConflictNextAddVersions(1000);
  auto refused = service.Register("s", Json(R("")));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kStoreError);
  EXPECT_EQ(refused.error().fault, StoreFault::kConflict);
  EXPECT_EQ(*service.ListVersions("s"), std::vector<Version>{Version(1)});
}

}  // namespace
}  // namespace accord::registry

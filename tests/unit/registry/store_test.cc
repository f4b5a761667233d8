// The typed Store suite: every Store implementation must pass it (store.h's
// contracts), plus SQLite-specific durability and rollback tests.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "accord/registry/fault_injection_store.h"
#include "accord/registry/store.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::TempDir;

struct SqliteFileFactory {
  static std::unique_ptr<Store> Make(const TempDir& dir) {
    return testing::OpenStoreOrDie(dir.File("store.db"));
  }
};
struct SqliteMemoryFactory {
  static std::unique_ptr<Store> Make(const TempDir&) { return testing::OpenStoreOrDie(":memory:"); }
};
// The fault wrapper with no fault set must be transparent.
struct FaultWrapperFactory {
  static std::unique_ptr<Store> Make(const TempDir& dir) {
    return std::make_unique<FaultInjectionStore>(testing::OpenStoreOrDie(dir.File("f.db")));
  }
};

SchemaRecord Schema(const std::string& fp, std::vector<SchemaReference> refs = {}) {
  return SchemaRecord{.id = SchemaId(0),
                      .type = SchemaType::kJson,
                      .text = "{\"fp\":\"" + fp + "\"}",
                      .canonical = "{\"fp\":\"" + fp + "\"}",
                      .fingerprint = fp,
                      .references = std::move(refs)};
}

NewVersion NV(const std::string& subject, int version, const std::string& fp,
              std::vector<SchemaReference> refs = {}) {
  NewVersion v;
  v.subject = SubjectName(subject);
  v.version = Version(version);
  v.schema = Schema(fp, std::move(refs));
  v.audit.action = "REGISTER";
  v.audit.actor = "tester";
  return v;
}

AuditRecord A(const std::string& action) {
  AuditRecord a;
  a.action = action;
  return a;
}

std::vector<int> Numbers(const std::vector<VersionRecord>& vs) {
  std::vector<int> out;
  for (const auto& v : vs) out.push_back(v.version.value());
  return out;
}

template <typename Factory>
class StoreSuite : public ::testing::Test {
 protected:
  void SetUp() override { store_ = Factory::Make(dir_); }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

using Factories = ::testing::Types<SqliteFileFactory, SqliteMemoryFactory, FaultWrapperFactory>;
TYPED_TEST_SUITE(StoreSuite, Factories);

TYPED_TEST(StoreSuite, FirstSchemaGetsIdOneAndReadsBack) {
  auto w = this->store_->AddVersion(NV("s", 1, "fp1"));
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->id, SchemaId(1));
  EXPECT_EQ(w->version, Version(1));
  EXPECT_TRUE(w->new_schema);
  auto rec = this->store_->GetSchema(SchemaId(1));
  ASSERT_TRUE(rec && *rec);
  EXPECT_EQ((*rec)->text, "{\"fp\":\"fp1\"}");
  EXPECT_EQ((*rec)->type, SchemaType::kJson);
  EXPECT_EQ((*rec)->fingerprint, "fp1");
}

TYPED_TEST(StoreSuite, UnknownSchemaIsNulloptNotError) {
  auto rec = this->store_->GetSchema(SchemaId(42));
  ASSERT_TRUE(rec);
  EXPECT_FALSE(rec->has_value());
  auto fp = this->store_->FindSchemaByFingerprint("nope");
  ASSERT_TRUE(fp);
  EXPECT_FALSE(fp->has_value());
}

TYPED_TEST(StoreSuite, SameFingerprintReusesTheSchemaId) {
  ASSERT_TRUE(this->store_->AddVersion(NV("a", 1, "fp1")));
  auto w = this->store_->AddVersion(NV("b", 1, "fp1"));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->id, SchemaId(1));
  EXPECT_FALSE(w->new_schema);
  auto w2 = this->store_->AddVersion(NV("b", 2, "fp2"));
  ASSERT_TRUE(w2);
  EXPECT_EQ(w2->id, SchemaId(2));
  EXPECT_EQ(*this->store_->MaxSchemaId(), SchemaId(2));
}

TYPED_TEST(StoreSuite, ListVersionsIsAscendingAndFiltersSoftDeleted) {
  for (int v : {1, 2, 3})
    ASSERT_TRUE(this->store_->AddVersion(NV("s", v, "fp" + std::to_string(v))));
  ASSERT_TRUE(this->store_->SoftDeleteVersions(SubjectName("s"), {Version(2)}, A("DEL")));
  EXPECT_EQ(Numbers(*this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kNo)),
            (std::vector<int>{1, 3}));
  auto all = *this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kYes);
  EXPECT_EQ(Numbers(all), (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(all[1].deleted);
  EXPECT_FALSE(all[0].deleted);
  EXPECT_GT(all[0].created_ms, 0);
  EXPECT_TRUE(this->store_->ListVersions(SubjectName("none"), IncludeDeleted::kYes)->empty());
}

TYPED_TEST(StoreSuite, ListSubjectsIsSortedAndLiveFilterNeedsOneLiveVersion) {
  ASSERT_TRUE(this->store_->AddVersion(NV("b", 1, "x")));
  ASSERT_TRUE(this->store_->AddVersion(NV("a", 1, "y")));
  ASSERT_TRUE(this->store_->SoftDeleteVersions(SubjectName("b"), {Version(1)}, A("DEL")));
  auto live = *this->store_->ListSubjects(IncludeDeleted::kNo);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].str(), "a");
  auto all = *this->store_->ListSubjects(IncludeDeleted::kYes);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].str(), "a");
  EXPECT_EQ(all[1].str(), "b");
}

TYPED_TEST(StoreSuite, HardDeleteRemovesVersionsButNeverReusesIds) {
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "fp1")));
  ASSERT_TRUE(this->store_->HardDeleteVersions(SubjectName("s"), {Version(1)}, A("HARD")));
  EXPECT_TRUE(this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kYes)->empty());
  EXPECT_TRUE(this->store_->GetSchema(SchemaId(1))->has_value());  // schemas stay
  auto w = this->store_->AddVersion(NV("s", 1, "fp2"));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->id, SchemaId(2));
}

TYPED_TEST(StoreSuite, ExistingVersionIsAStoreErrorAndWritesNothing) {
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "fp1")));
  auto dup = this->store_->AddVersion(NV("s", 1, "fp-new"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kStoreError);
  // The schema row of the failed write was rolled back with it.
  EXPECT_FALSE(this->store_->FindSchemaByFingerprint("fp-new")->has_value());
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), 1u);
}

TYPED_TEST(StoreSuite, ImportedIdIsKeptAndAllocationContinuesAfterIt) {
  NewVersion v = NV("s", 5, "fp1");
  v.schema.id = SchemaId(100);
  auto w = this->store_->AddVersion(v);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->id, SchemaId(100));
  EXPECT_EQ(w->version, Version(5));
  EXPECT_EQ(this->store_->AddVersion(NV("s", 6, "fp2"))->id, SchemaId(101));
}

TYPED_TEST(StoreSuite, ReferencesRoundTripInOrderAndReferrersFindThem) {
  ASSERT_TRUE(this->store_->AddVersion(NV("common", 1, "c1")));
  std::vector<SchemaReference> refs = {
      {.name = "z.json", .subject = SubjectName("common"), .version = Version(1)},
      {.name = "a.json", .subject = SubjectName("other"), .version = Version(3)}};
  ASSERT_TRUE(this->store_->AddVersion(NV("user", 1, "u1", refs)));
  auto rec = *this->store_->GetSchema(SchemaId(2));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->references, refs);
  auto referrers = *this->store_->Referrers(SubjectName("common"), Version(1));
  ASSERT_EQ(referrers.size(), 1u);
  EXPECT_EQ(referrers[0].subject.str(), "user");
  EXPECT_EQ(referrers[0].schema_id, SchemaId(2));
  EXPECT_TRUE(this->store_->Referrers(SubjectName("common"), Version(2))->empty());
}

TYPED_TEST(StoreSuite, VersionsOfSchemaSpanSubjects) {
  ASSERT_TRUE(this->store_->AddVersion(NV("b", 1, "fp")));
  ASSERT_TRUE(this->store_->AddVersion(NV("a", 1, "fp")));
  ASSERT_TRUE(this->store_->SoftDeleteVersions(SubjectName("b"), {Version(1)}, A("DEL")));
  auto live = *this->store_->VersionsOfSchema(SchemaId(1), IncludeDeleted::kNo);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].subject.str(), "a");
  EXPECT_EQ(this->store_->VersionsOfSchema(SchemaId(1), IncludeDeleted::kYes)->size(), 2u);
}

TYPED_TEST(StoreSuite, ConfigScopesAreIndependentAndRemovable) {
  EXPECT_FALSE(this->store_->GetConfig(std::nullopt)->has_value());
  ConfigRecord global{.level = compat::Level::kFull, .policy = std::nullopt};
  ConfigRecord subj{.level = std::nullopt, .policy = compat::Policy::kLenient};
  ASSERT_TRUE(this->store_->SetConfig(std::nullopt, global, A("PUT_CONFIG")));
  ASSERT_TRUE(this->store_->SetConfig(SubjectName("s"), subj, A("PUT_CONFIG")));
  EXPECT_EQ(**this->store_->GetConfig(std::nullopt), global);
  EXPECT_EQ(**this->store_->GetConfig(SubjectName("s")), subj);
  ASSERT_TRUE(this->store_->SetConfig(SubjectName("s"), std::nullopt, A("DELETE_CONFIG")));
  EXPECT_FALSE(this->store_->GetConfig(SubjectName("s"))->has_value());
  EXPECT_TRUE(this->store_->GetConfig(std::nullopt)->has_value());
}

TYPED_TEST(StoreSuite, ModeScopesAreIndependentAndRemovable) {
  EXPECT_FALSE(this->store_->GetMode(std::nullopt)->has_value());
  ASSERT_TRUE(this->store_->SetMode(std::nullopt, Mode::kReadOnly, A("PUT_MODE")));
  ASSERT_TRUE(this->store_->SetMode(SubjectName("s"), Mode::kImport, A("PUT_MODE")));
  EXPECT_EQ(**this->store_->GetMode(std::nullopt), Mode::kReadOnly);
  EXPECT_EQ(**this->store_->GetMode(SubjectName("s")), Mode::kImport);
  ASSERT_TRUE(this->store_->SetMode(SubjectName("s"), std::nullopt, A("DELETE_MODE")));
  EXPECT_FALSE(this->store_->GetMode(SubjectName("s"))->has_value());
}

TYPED_TEST(StoreSuite, EveryWriteAppendsOneAuditRow) {
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "fp1")));
  ASSERT_TRUE(this->store_->SoftDeleteVersions(SubjectName("s"), {Version(1)}, A("SOFT")));
  ASSERT_TRUE(this->store_->SetConfig(std::nullopt, ConfigRecord{}, A("CFG")));
  ASSERT_TRUE(this->store_->SetMode(std::nullopt, Mode::kReadWrite, A("MODE")));
  auto audit = *this->store_->ListAudit(0, 100);
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[0].action, "REGISTER");
  EXPECT_EQ(audit[0].actor, "tester");
  EXPECT_EQ(audit[0].subject, "s");
  EXPECT_EQ(audit[0].version, 1);
  EXPECT_EQ(audit[0].schema_id, 1);
  EXPECT_EQ(audit[1].action, "SOFT");
  EXPECT_EQ(audit[1].actor, "anonymous");
  EXPECT_LT(audit[0].seq, audit[1].seq);
  EXPECT_EQ(this->store_->ListAudit(audit[1].seq, 1)->at(0).action, "CFG");
}

TYPED_TEST(StoreSuite, PingSucceedsOnAnOpenStore) { EXPECT_TRUE(this->store_->Ping()); }

// --- SQLite only ---------------------------------------------------------------

TEST(SqliteStore, AcknowledgedWritesSurviveReopen) {
  TempDir dir;
  {
    auto s = testing::OpenStoreOrDie(dir.File("db"));
    ASSERT_TRUE(s->AddVersion(NV("s", 1, "fp1")));
    ASSERT_TRUE(s->SetConfig(std::nullopt, ConfigRecord{.level = compat::Level::kNone}, A("C")));
  }
  auto s = testing::OpenStoreOrDie(dir.File("db"));
  EXPECT_EQ(Numbers(*s->ListVersions(SubjectName("s"), IncludeDeleted::kNo)), std::vector<int>{1});
  EXPECT_EQ((*s->GetConfig(std::nullopt))->level, compat::Level::kNone);
  EXPECT_EQ(s->AddVersion(NV("s", 2, "fp2"))->id, SchemaId(2));
}

TEST(SqliteStore, UsesWriteAheadLogJournal) {
  TempDir dir;
  auto s = testing::OpenStoreOrDie(dir.File("db"));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.File("db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

// A failure at any step inside a write transaction rolls all of it back.
TEST(SqliteStore, FailureAtAnyStepOfARegistrationLeavesNothingHalfWritten) {
  for (const char* step : {"schema", "refs", "version", "audit", "commit"}) {
    TempDir dir;
    std::string fail_step;
    auto opened = OpenSqliteStore(SqliteOptions{
        .path = dir.File("db"), .fail_at = [&](std::string_view s) { return s == fail_step; }});
    ASSERT_TRUE(opened);
    Store& s = **opened;
    ASSERT_TRUE(s.AddVersion(NV("common", 1, "c"))) << step;
    fail_step = step;
    NewVersion v =
        NV("s", 1, "fp1", {{.name = "c", .subject = SubjectName("common"), .version = Version(1)}});
    auto w = s.AddVersion(v);
    ASSERT_FALSE(w) << step;
    EXPECT_EQ(w.error().code, ErrorCode::kStoreError);
    EXPECT_FALSE(s.FindSchemaByFingerprint("fp1")->has_value()) << step;
    EXPECT_TRUE(s.ListVersions(SubjectName("s"), IncludeDeleted::kYes)->empty()) << step;
    const auto audit = s.ListAudit(0, 100);
    ASSERT_TRUE(audit) << step;
    for (const AuditRecord& a : *audit) EXPECT_NE(a.subject, "s") << step;
    // The store is still usable afterwards.
    fail_step.clear();
    EXPECT_TRUE(s.AddVersion(v)) << step;
  }
}

TEST(SqliteStore, FailedDeleteKeepsEveryVersion) {
  TempDir dir;
  bool fail = false;
  auto opened = OpenSqliteStore(SqliteOptions{
      .path = dir.File("db"), .fail_at = [&](std::string_view s) { return fail && s == "audit"; }});
  ASSERT_TRUE(opened);
  Store& s = **opened;
  ASSERT_TRUE(s.AddVersion(NV("s", 1, "a")));
  ASSERT_TRUE(s.AddVersion(NV("s", 2, "b")));
  fail = true;
  EXPECT_FALSE(s.SoftDeleteVersions(SubjectName("s"), {Version(1), Version(2)}, A("DEL")));
  EXPECT_FALSE(s.HardDeleteVersions(SubjectName("s"), {Version(1), Version(2)}, A("DEL")));
  EXPECT_EQ(Numbers(*s.ListVersions(SubjectName("s"), IncludeDeleted::kNo)),
            (std::vector<int>{1, 2}));
}

TEST(FaultInjectionStore, FailedWritesNeverReachTheStore) {
  TempDir dir;
  FaultInjectionStore s(testing::OpenStoreOrDie(dir.File("db")));
  s.FailWritesAfter(1);
  EXPECT_TRUE(s.AddVersion(NV("s", 1, "a")));
  auto w = s.AddVersion(NV("s", 2, "b"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, ErrorCode::kStoreError);
  EXPECT_EQ(s.failed_writes(), 1);
  EXPECT_EQ(Numbers(*s.ListVersions(SubjectName("s"), IncludeDeleted::kYes)), std::vector<int>{1});
  s.FailWritesAfter(-1);
  s.FailReads(true);
  EXPECT_FALSE(s.Ping());
}

}  // namespace
}  // namespace accord::registry

// The typed Store suite: every Store implementation must pass it (store.h's
// contracts), plus SQLite-specific durability and rollback tests.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "accord/registry/fault_injection_store.h"
#include "accord/registry/store.h"
#include "pg_test_server.h"
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
  void SetUp() override {
    store_ = Factory::Make(dir_);
    ASSERT_NE(store_, nullptr);
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// A real PostgreSQL server (pg_test_server.h), a fresh database per test.
struct PostgresFactory {
  static std::unique_ptr<Store> Make(const TempDir&) {
    PostgresOptions o;
    o.uri = testing::PgTestServer::Get().FreshDatabase();
    if (o.uri.empty()) {
      ADD_FAILURE() << "no PostgreSQL for the test: " << testing::PgTestServer::Get().error();
      return nullptr;
    }
    auto s = OpenPostgresStore(o);
    if (!s) {
      ADD_FAILURE() << s.error().message;
      return nullptr;
    }
    return std::move(*s);
  }
};

using Factories =
    ::testing::Types<SqliteFileFactory, SqliteMemoryFactory, FaultWrapperFactory, PostgresFactory>;
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

// --- contexts (issue #18) ----------------------------------------------------

TYPED_TEST(StoreSuite, EnsureContextNumbersEachNameOnceFromOne) {
  EXPECT_EQ(*this->store_->ListContexts(), std::vector<ContextRecord>{});
  auto a = this->store_->EnsureContext(".team-a");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(*a, 1);
  auto b = this->store_->EnsureContext(".team-b");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(*b, 2);
  EXPECT_EQ(*this->store_->EnsureContext(".team-a"), 1);  // idempotent
  EXPECT_EQ(*this->store_->ListContexts(),
            (std::vector<ContextRecord>{{".team-a", 1}, {".team-b", 2}}));
}

TYPED_TEST(StoreSuite, EnsureContextWithANumberKeepsItAndLaterOnesGoPastIt) {
  EXPECT_EQ(*this->store_->EnsureContext(".copied", 7), 7);
  EXPECT_EQ(*this->store_->EnsureContext(".fresh"), 8);
  EXPECT_FALSE(this->store_->EnsureContext(".other", 7));  // 7 is .copied's
  EXPECT_EQ(*this->store_->ListContexts(),
            (std::vector<ContextRecord>{{".copied", 7}, {".fresh", 8}}));
}

// DELETE /contexts/{ctx}: the record stays, marked deleted, with its
// number; its own config and mode go; EnsureContext revives it.
TYPED_TEST(StoreSuite, DeleteContextMarksItAndDropsItsOwnConfigAndMode) {
  const std::int64_t a = *this->store_->EnsureContext(".team-a");
  ASSERT_EQ(*this->store_->EnsureContext(".team-b"), a + 1);
  const SubjectName scope(":.team-a:");
  const SubjectName other(":.team-b:");
  ASSERT_TRUE(
      this->store_->SetConfig(scope, ConfigRecord{.level = compat::Level::kNone}, A("PUT_CONFIG")));
  ASSERT_TRUE(this->store_->SetMode(scope, Mode::kReadOnly, A("PUT_MODE")));
  ASSERT_TRUE(this->store_->SetMode(other, Mode::kReadOnly, A("PUT_MODE")));
  ASSERT_TRUE(this->store_->DeleteContext(".team-a", A("DELETE_CONTEXT")));
  EXPECT_EQ(*this->store_->ListContexts(),
            (std::vector<ContextRecord>{{".team-a", a, true}, {".team-b", a + 1, false}}));
  EXPECT_EQ(*this->store_->GetConfig(scope), std::nullopt);
  EXPECT_EQ(*this->store_->GetMode(scope), std::nullopt);
  EXPECT_EQ(*this->store_->GetMode(other), Mode::kReadOnly);
  EXPECT_FALSE(this->store_->DeleteContext(".never", A("DELETE_CONTEXT")));
  EXPECT_EQ(*this->store_->EnsureContext(".team-a"), a);
  EXPECT_EQ(*this->store_->ListContexts(),
            (std::vector<ContextRecord>{{".team-a", a, false}, {".team-b", a + 1, false}}));
}

// A registration in a named context is decided under the context's own
// config and mode too: a change there meanwhile is a conflict.
TYPED_TEST(StoreSuite, AWriteDecidedUnderAnotherContextConfigIsAConflict) {
  const SubjectName s(":.team-a:orders");
  const SubjectName scope(":.team-a:");
  ASSERT_TRUE(
      this->store_->SetConfig(scope, ConfigRecord{.level = compat::Level::kNone}, A("PUT_CONFIG")));
  const DecidedUnder read{.subject_config = *this->store_->GetConfig(s),
                          .global_config = *this->store_->GetConfig(std::nullopt),
                          .subject_mode = *this->store_->GetMode(s),
                          .global_mode = *this->store_->GetMode(std::nullopt),
                          .context_scope = scope,
                          .context_config = *this->store_->GetConfig(scope),
                          .context_mode = *this->store_->GetMode(scope)};
  for (auto change : std::vector<std::function<void(DecidedUnder&)>>{
           [](DecidedUnder& d) { d.context_config = std::nullopt; },
           [](DecidedUnder& d) { d.context_mode = Mode::kReadOnly; }}) {
    NewVersion v = NV(s.str(), 1, "fp1");
    v.expected_latest = Version(0);
    v.decided_under = read;
    change(*v.decided_under);
    auto w = this->store_->AddVersion(v);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().fault, StoreFault::kConflict);
    EXPECT_TRUE(this->store_->ListVersions(s, IncludeDeleted::kYes)->empty());
  }
  NewVersion v = NV(s.str(), 1, "fp1");
  v.expected_latest = Version(0);
  v.decided_under = read;
  ASSERT_TRUE(this->store_->AddVersion(v));
  // An append after the context's mode changed, decided before it.
  ASSERT_TRUE(this->store_->SetMode(scope, Mode::kReadOnly, A("PUT_MODE")));
  NewVersion next = NV(s.str(), 2, "fp2");
  next.expected_latest = Version(1);
  next.decided_under = read;
  auto w = this->store_->AddVersion(next);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
}

TYPED_TEST(StoreSuite, EachContextAllocatesItsOwnIdsFromOne) {
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "d1")));
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 2, "d2")));
  const std::int64_t a = *this->store_->EnsureContext(".a");
  const std::int64_t b = *this->store_->EnsureContext(".b");
  NewVersion va = NV(":.a:s", 1, "a1@.a");
  va.schema.id = SchemaId::InContext(a, 0);
  auto wa = this->store_->AddVersion(va);
  ASSERT_TRUE(wa) << wa.error().message;
  EXPECT_EQ(wa->id, SchemaId::InContext(a, 1));
  EXPECT_EQ(wa->id.local(), 1);
  EXPECT_EQ(wa->id.context(), a);
  NewVersion vb = NV(":.b:s", 1, "b1@.b");
  vb.schema.id = SchemaId::InContext(b, 0);
  EXPECT_EQ(this->store_->AddVersion(vb)->id, SchemaId::InContext(b, 1));
  NewVersion va2 = NV(":.a:s", 2, "a2@.a");
  va2.schema.id = SchemaId::InContext(a, 0);
  EXPECT_EQ(this->store_->AddVersion(va2)->id, SchemaId::InContext(a, 2));
  // The default context goes on where it was: the contexts' ids do not count.
  EXPECT_EQ(this->store_->AddVersion(NV("s", 3, "d3"))->id, SchemaId(3));
  EXPECT_EQ(*this->store_->MaxSchemaId(), SchemaId(3));
  EXPECT_EQ(*this->store_->MaxSchemaId(a), SchemaId::InContext(a, 2));
  EXPECT_EQ(*this->store_->MaxSchemaId(b), SchemaId::InContext(b, 1));
  EXPECT_EQ(*this->store_->MaxSchemaId(99), SchemaId::InContext(99, 0));  // none
  auto rec = *this->store_->GetSchema(SchemaId::InContext(a, 1));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->fingerprint, "a1@.a");
}

TYPED_TEST(StoreSuite, AnIdImportedIntoAContextMovesNeitherTheDefaultNorAnotherContext) {
  const std::int64_t a = *this->store_->EnsureContext(".a");
  const std::int64_t b = *this->store_->EnsureContext(".b");
  NewVersion imported = NV(":.a:s", 1, "a100@.a");
  imported.schema.id = SchemaId::InContext(a, 100);
  EXPECT_EQ(this->store_->AddVersion(imported)->id, SchemaId::InContext(a, 100));
  NewVersion next = NV(":.a:s", 2, "a101@.a");
  next.schema.id = SchemaId::InContext(a, 0);
  EXPECT_EQ(this->store_->AddVersion(next)->id, SchemaId::InContext(a, 101));
  NewVersion other = NV(":.b:s", 1, "b1@.b");
  other.schema.id = SchemaId::InContext(b, 0);
  EXPECT_EQ(this->store_->AddVersion(other)->id, SchemaId::InContext(b, 1));
  EXPECT_EQ(this->store_->AddVersion(NV("s", 1, "d1"))->id, SchemaId(1));
}

TYPED_TEST(StoreSuite, ContextsRacingThroughTwoWritersGetDistinctIds) {
  // Two threads allocating in one context (on PostgreSQL: two pooled
  // connections, as two replicas would): every id once, 1..2n.
  const std::int64_t a = *this->store_->EnsureContext(".race");
  constexpr int kPerThread = 10;
  std::vector<std::int64_t> got[2];
  auto run = [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      const std::string subject = ":.race:s" + std::to_string(t);
      NewVersion v = NV(subject, i + 1, "t" + std::to_string(t) + "-" + std::to_string(i));
      v.schema.id = SchemaId::InContext(a, 0);
      auto w = this->store_->AddVersion(v);
      if (w) got[t].push_back(w->id.local());
    }
  };
  std::thread t0(run, 0), t1(run, 1);
  t0.join();
  t1.join();
  std::vector<std::int64_t> all = got[0];
  all.insert(all.end(), got[1].begin(), got[1].end());
  std::sort(all.begin(), all.end());
  std::vector<std::int64_t> want;
  for (int i = 1; i <= 2 * kPerThread; ++i) want.push_back(i);
  EXPECT_EQ(all, want);
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

// The data-contract settings (compatibilityGroup, validateFields and the
// four default / override objects) are kept with the rest of a config
// record, each set or not on its own, and replaced with it.
TYPED_TEST(StoreSuite, ConfigKeepsTheDataContractSettings) {
  const ConfigRecord all{.level = compat::Level::kBackward,
                         .compatibility_group = "major_version",
                         .validate_fields = false,
                         .default_metadata = R"({"properties":{"a":"1"}})",
                         .override_metadata = R"({"sensitive":["ssn"]})",
                         .default_rule_set = R"({"domainRules":[]})",
                         .override_rule_set = R"({"migrationRules":[]})"};
  const ConfigRecord some{.validate_fields = true, .default_metadata = "{}"};
  ASSERT_TRUE(this->store_->SetConfig(std::nullopt, all, A("PUT_CONFIG")));
  ASSERT_TRUE(this->store_->SetConfig(SubjectName("s"), some, A("PUT_CONFIG")));
  EXPECT_EQ(**this->store_->GetConfig(std::nullopt), all);
  EXPECT_EQ(**this->store_->GetConfig(SubjectName("s")), some);
  auto listed = this->store_->ListConfigs();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].second, all);
  EXPECT_EQ((*listed)[1].second, some);
  // Replacing the record drops the settings it no longer sets.
  ASSERT_TRUE(this->store_->SetConfig(std::nullopt, ConfigRecord{.level = compat::Level::kNone},
                                      A("PUT_CONFIG")));
  EXPECT_TRUE((*this->store_->GetConfig(std::nullopt))->NoContractSettings());
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

TYPED_TEST(StoreSuite, VersionMetadataAndRuleSetRoundTrip) {
  NewVersion v = NV("s", 1, "fp1");
  v.metadata = R"({"properties":{"owner":"team-a"}})";
  v.rule_set = R"({"domainRules":[]})";
  ASSERT_TRUE(this->store_->AddVersion(v));
  auto versions = *this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kNo);
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].metadata, v.metadata);
  EXPECT_EQ(versions[0].rule_set, v.rule_set);
  EXPECT_FALSE(versions[0].deprecation);
  EXPECT_EQ(this->store_->VersionsOfSchema(SchemaId(1), IncludeDeleted::kNo)->at(0).metadata,
            v.metadata);
}

TYPED_TEST(StoreSuite, SubjectMetadataIsSetReplacedAndRemoved) {
  EXPECT_FALSE(this->store_->GetSubjectMetadata(SubjectName("s"))->has_value());
  SubjectMetadata m{.owner = "payments",
                    .description = "Orders placed",
                    .tags = {"orders", "pii"},
                    .links = {{"runbook", "https://wiki/x"}},
                    .sla = {{"delivery", "p99 < 5s"}},
                    .message = "acme.orders.OrderPlaced"};
  ASSERT_TRUE(this->store_->SetSubjectMetadata(SubjectName("s"), m, A("PUT_METADATA")));
  EXPECT_EQ(**this->store_->GetSubjectMetadata(SubjectName("s")), m);
  auto listed = this->store_->ListSubjectMetadata();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].second, m);
  m.tags = {"x"};
  ASSERT_TRUE(this->store_->SetSubjectMetadata(SubjectName("s"), m, A("PUT_METADATA")));
  EXPECT_EQ((*this->store_->GetSubjectMetadata(SubjectName("s")))->tags,
            std::vector<std::string>{"x"});
  ASSERT_TRUE(this->store_->SetSubjectMetadata(SubjectName("s"), std::nullopt, A("PUT_METADATA")));
  EXPECT_FALSE(this->store_->GetSubjectMetadata(SubjectName("s"))->has_value());
}

TYPED_TEST(StoreSuite, RegistrationMayReplaceSubjectMetadataInTheSameWrite) {
  NewVersion v = NV("s", 1, "fp1");
  v.subject_metadata = SubjectMetadata{.owner = "team-a"};
  ASSERT_TRUE(this->store_->AddVersion(v));
  EXPECT_EQ((*this->store_->GetSubjectMetadata(SubjectName("s")))->owner, "team-a");
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), 1u);
  // The Service carries the stored message over into the metadata a
  // registration writes; it is kept.
  ASSERT_TRUE(this->store_->SetSubjectMetadata(
      SubjectName("s"), SubjectMetadata{.owner = "team-a", .message = "p.B"}, A("PUT_METADATA")));
  NewVersion again = NV("s", 2, "fp2");
  again.subject_metadata = SubjectMetadata{.owner = "team-a", .tags = {"x"}, .message = "p.B"};
  ASSERT_TRUE(this->store_->AddVersion(again));
  EXPECT_EQ(**this->store_->GetSubjectMetadata(SubjectName("s")),
            (SubjectMetadata{.owner = "team-a", .tags = {"x"}, .message = "p.B"}));
}

TYPED_TEST(StoreSuite, DeprecationIsJoinedIntoVersionsAndListed) {
  for (int v : {1, 2}) ASSERT_TRUE(this->store_->AddVersion(NV("s", v, "fp" + std::to_string(v))));
  Deprecation d{
      .sunset = "2030-01-31", .reason = "use v2", .replacement = Version(2), .deprecated_ms = 1234};
  ASSERT_TRUE(this->store_->SetDeprecation(SubjectName("s"), Version(1), d, A("DEPRECATE")));
  auto versions = *this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kNo);
  ASSERT_TRUE(versions[0].deprecation);
  EXPECT_EQ(*versions[0].deprecation, d);
  EXPECT_FALSE(versions[1].deprecation);
  auto listed = *this->store_->ListDeprecated();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].version, Version(1));
  ASSERT_TRUE(
      this->store_->SetDeprecation(SubjectName("s"), Version(1), std::nullopt, A("UNDEPRECATE")));
  EXPECT_TRUE(this->store_->ListDeprecated()->empty());
}

TYPED_TEST(StoreSuite, DeprecatingAMissingVersionFailsAndWritesNothing) {
  auto r = this->store_->SetDeprecation(SubjectName("none"), Version(1),
                                        Deprecation{.sunset = "2030-01-01"}, A("DEPRECATE"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kStoreError);
  EXPECT_TRUE(this->store_->ListDeprecated()->empty());
  EXPECT_TRUE(this->store_->ListAudit(0, 100)->empty());
}

TYPED_TEST(StoreSuite, HardDeleteDropsTheDeprecationWithTheVersion) {
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "fp1")));
  ASSERT_TRUE(this->store_->SetDeprecation(SubjectName("s"), Version(1),
                                           Deprecation{.sunset = "2030-01-01"}, A("DEPRECATE")));
  ASSERT_TRUE(this->store_->HardDeleteVersions(SubjectName("s"), {Version(1)}, A("HARD")));
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "fp2")));
  EXPECT_FALSE(
      this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kNo)->at(0).deprecation);
}

TYPED_TEST(StoreSuite, ServiceDeclarationsRoundTripSortedByName) {
  ServiceRecord b{
      .name = "billing",
      .owner = "team-b",
      .produces = {SubjectName("invoices")},
      .consumes = {ConsumedSubject{.subject = SubjectName("orders"),
                                   .type = SchemaType::kJson,
                                   .schema = "{}",
                                   .versions = {Version(1), Version(2)}},
                   ConsumedSubject{.subject = SubjectName("users"), .min_version = Version(3)},
                   // A reader with the files it imports, in order.
                   ConsumedSubject{.subject = SubjectName("shipments"),
                                   .type = SchemaType::kProtobuf,
                                   .schema = "import \"b.proto\";",
                                   .references = {{"b.proto", "import \"a/c.proto\";"},
                                                  {"a/c.proto", "message C {}"}}}},
      .updated_ms = 42};
  ServiceRecord a{.name = "audit", .owner = "", .updated_ms = 7};
  ASSERT_TRUE(this->store_->PutService(b, A("PUT_SERVICE"), {}));
  ASSERT_TRUE(this->store_->PutService(a, A("PUT_SERVICE"), {}));
  auto got = *this->store_->GetService("billing");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->SameDeclaration(b));
  EXPECT_EQ(got->updated_ms, 42);
  auto all = *this->store_->ListServices();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "audit");
  ASSERT_TRUE(this->store_->DeleteService("billing", A("DELETE_SERVICE")));
  EXPECT_FALSE(this->store_->GetService("billing")->has_value());
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), 3u);
}

ServiceVersionRecord Contract(const std::string& service, const std::string& version,
                              std::int64_t created_ms) {
  return ServiceVersionRecord{
      .service = service,
      .version = version,
      .owner = "team-" + service,
      .produces = {ProducedSchema{SubjectName(service + ".a"), SchemaId(3)},
                   ProducedSchema{SubjectName(service + ".b"), SchemaId(9)}},
      .consumes = {ConsumedSubject{.subject = SubjectName("orders"),
                                   .type = SchemaType::kJson,
                                   .schema = "{\"type\":\"object\"}",
                                   .versions = {Version(1), Version(2)}},
                   ConsumedSubject{.subject = SubjectName("users"), .min_version = Version(3)},
                   ConsumedSubject{.subject = SubjectName("shipments"),
                                   .type = SchemaType::kProtobuf,
                                   .schema = "import \"b.proto\";",
                                   .references = {{"b.proto", "message B {}"}}}},
      .created_ms = created_ms};
}

// A contract version round-trips whole; a second one under the same
// (service, version) writes nothing, not even an audit row (immutable).
TYPED_TEST(StoreSuite, ContractVersionsRoundTripAndAreNeverReplaced) {
  ASSERT_EQ(this->store_->AddServiceVersion(Contract("shipping", "2", 20), A("PUBLISH")), true);
  ASSERT_EQ(this->store_->AddServiceVersion(Contract("shipping", "1", 10), A("PUBLISH")), true);
  ASSERT_EQ(this->store_->AddServiceVersion(Contract("billing", "x", 5), A("PUBLISH")), true);
  ServiceVersionRecord other = Contract("shipping", "1", 99);
  other.consumes.clear();
  EXPECT_EQ(this->store_->AddServiceVersion(other, A("PUBLISH")), false);
  auto got = *this->store_->GetServiceVersion("shipping", "1");
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->SameContract(Contract("shipping", "1", 0)));
  EXPECT_EQ(got->created_ms, 10);
  EXPECT_FALSE(this->store_->GetServiceVersion("shipping", "3")->has_value());
  std::vector<std::string> names;
  auto of_shipping = this->store_->ListServiceVersions(std::string("shipping"));
  ASSERT_TRUE(of_shipping);
  for (const auto& c : *of_shipping) names.push_back(c.service + "@" + c.version);
  EXPECT_EQ(names, (std::vector<std::string>{"shipping@1", "shipping@2"}));  // oldest first
  names.clear();
  auto all = this->store_->ListServiceVersions(std::nullopt);
  ASSERT_TRUE(all);
  for (const auto& c : *all) names.push_back(c.service + "@" + c.version);
  EXPECT_EQ(names, (std::vector<std::string>{"billing@x", "shipping@1", "shipping@2"}));
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), 3u);
}

TYPED_TEST(StoreSuite, EnvironmentsAreCreatedReplacedAndListedByName) {
  ASSERT_TRUE(this->store_->PutEnvironment(
      EnvironmentRecord{.name = "staging", .owner = "team-a", .created_ms = 5}, A("ENV")));
  ASSERT_TRUE(this->store_->PutEnvironment(
      EnvironmentRecord{
          .name = "production", .owner = "team-p", .production = true, .created_ms = 7},
      A("ENV")));
  // Replacing keeps the stored creation time.
  ASSERT_TRUE(this->store_->PutEnvironment(
      EnvironmentRecord{.name = "staging", .owner = "team-b", .created_ms = 99}, A("ENV")));
  EXPECT_EQ(*this->store_->ListEnvironments(),
            (std::vector<EnvironmentRecord>{
                {.name = "production", .owner = "team-p", .production = true, .created_ms = 7},
                {.name = "staging", .owner = "team-b", .production = false, .created_ms = 5}}));
  EXPECT_EQ(this->store_->GetEnvironment("staging")->value().owner, "team-b");
  EXPECT_FALSE(this->store_->GetEnvironment("qa")->has_value());
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), 3u);
}

// One version per service per environment: a new deployment replaces the
// service's version there; the environment is created on first use only.
TYPED_TEST(StoreSuite, DeploymentsReplaceTheServicesVersionAndCreateTheEnvironment) {
  const EnvironmentRecord created{.name = "prod", .owner = "team-a", .created_ms = 3};
  ASSERT_TRUE(this->store_->SetDeployment(
      DeploymentRecord{.environment = "prod", .service = "b", .version = "1", .deployed_ms = 10},
      created, A("DEPLOY")));
  ASSERT_TRUE(this->store_->SetDeployment(
      DeploymentRecord{.environment = "prod", .service = "a", .version = "7", .deployed_ms = 11},
      EnvironmentRecord{.name = "prod", .owner = "team-z", .created_ms = 4}, A("DEPLOY")));
  ASSERT_TRUE(this->store_->SetDeployment(
      DeploymentRecord{.environment = "prod", .service = "b", .version = "2", .deployed_ms = 12},
      std::nullopt, A("DEPLOY")));
  ASSERT_TRUE(this->store_->SetDeployment(
      DeploymentRecord{.environment = "dev", .service = "b", .version = "3", .deployed_ms = 13},
      std::nullopt, A("DEPLOY")));
  EXPECT_EQ(this->store_->GetEnvironment("prod")->value(), created);  // the first use's
  EXPECT_FALSE(this->store_->GetEnvironment("dev")->has_value());     // not asked to create
  EXPECT_EQ(*this->store_->ListDeployments(std::string("prod")),
            (std::vector<DeploymentRecord>{{"prod", "a", "7", 11}, {"prod", "b", "2", 12}}));
  EXPECT_EQ(*this->store_->ListDeployments(std::nullopt),
            (std::vector<DeploymentRecord>{
                {"dev", "b", "3", 13}, {"prod", "a", "7", 11}, {"prod", "b", "2", 12}}));
  ASSERT_TRUE(this->store_->RemoveDeployment("prod", "b", A("UNDEPLOY")));
  ASSERT_TRUE(this->store_->RemoveDeployment("prod", "b", A("UNDEPLOY")));  // absent: audit only
  EXPECT_EQ(*this->store_->ListDeployments(std::string("prod")),
            (std::vector<DeploymentRecord>{{"prod", "a", "7", 11}}));
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), 6u);
}

// A claim of a produced subject (SubjectClaim) and the declaration that
// claims it are one write (issue #15): both, with the claims' audit rows
// first.
TYPED_TEST(StoreSuite, ServiceDeclarationAndItsClaimsAreWrittenTogether) {
  auto claim = [](const std::string& subject) {
    AuditRecord a = A("PUT_METADATA");
    a.subject = subject;
    return SubjectClaim{.subject = SubjectName(subject),
                        .metadata = SubjectMetadata{.owner = "team-b", .description = "d"},
                        .audit = a,
                        .case_fold = subject};
  };
  const ServiceRecord svc{.name = "billing",
                          .owner = "team-b",
                          .produces = {SubjectName("invoices"), SubjectName("refunds")}};
  ASSERT_TRUE(
      this->store_->PutService(svc, A("PUT_SERVICE"), {claim("invoices"), claim("refunds")}));
  EXPECT_TRUE((*this->store_->GetService("billing"))->SameDeclaration(svc));
  for (const char* subject : {"invoices", "refunds"}) {
    auto m = *this->store_->GetSubjectMetadata(SubjectName(subject));
    ASSERT_TRUE(m) << subject;
    EXPECT_EQ(*m, (SubjectMetadata{.owner = "team-b", .description = "d"})) << subject;
  }
  auto audit = *this->store_->ListAudit(0, 100);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "PUT_METADATA");
  EXPECT_EQ(audit[0].subject, "invoices");
  EXPECT_EQ(audit[1].action, "PUT_METADATA");
  EXPECT_EQ(audit[1].subject, "refunds");
  EXPECT_EQ(audit[2].action, "PUT_SERVICE");
  EXPECT_EQ(this->store_->ListAudit(0, 100, SubjectName("refunds"))->size(), 1u);
}

// A subject given an owner, or a version, by another writer after the
// claim was decided: the write is a conflict and writes nothing at all.
TYPED_TEST(StoreSuite, ClaimOfASubjectTakenMeanwhileIsAConflictAndWritesNothing) {
  ASSERT_TRUE(this->store_->SetSubjectMetadata(SubjectName("owned"),
                                               SubjectMetadata{.owner = "team-a"}, A("M")));
  ASSERT_TRUE(this->store_->AddVersion(NV("registered", 1, "fp1")));
  const std::size_t rows = this->store_->ListAudit(0, 100)->size();
  for (const char* taken : {"owned", "registered"}) {
    AuditRecord a = A("PUT_METADATA");
    a.subject = taken;
    const std::vector<SubjectClaim> claims = {
        SubjectClaim{.subject = SubjectName("free"),
                     .metadata = SubjectMetadata{.owner = "team-b"},
                     .audit = a,
                     .case_fold = std::nullopt},
        SubjectClaim{.subject = SubjectName(taken),
                     .metadata = SubjectMetadata{.owner = "team-b"},
                     .audit = a,
                     .case_fold = std::nullopt}};
    auto put = this->store_->PutService(
        ServiceRecord{.name = "squatter",
                      .owner = "team-b",
                      .produces = {SubjectName("free"), SubjectName(taken)}},
        A("PUT_SERVICE"), claims);
    ASSERT_FALSE(put) << taken;
    EXPECT_EQ(put.error().code, ErrorCode::kStoreError) << taken;
    EXPECT_EQ(put.error().fault, StoreFault::kConflict) << taken;
    EXPECT_FALSE(this->store_->GetService("squatter")->has_value()) << taken;
    EXPECT_FALSE(this->store_->GetSubjectMetadata(SubjectName("free"))->has_value()) << taken;
    EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), rows) << taken;
  }
  EXPECT_EQ((*this->store_->GetSubjectMetadata(SubjectName("owned")))->owner, "team-a");
  EXPECT_FALSE(this->store_->GetSubjectMetadata(SubjectName("registered"))->has_value());
}

TYPED_TEST(StoreSuite, AuditCanBeFilteredBySubject) {
  ASSERT_TRUE(this->store_->AddVersion(NV("a", 1, "fp1")));
  ASSERT_TRUE(this->store_->AddVersion(NV("b", 1, "fp2")));
  ASSERT_TRUE(this->store_->AddVersion(NV("a", 2, "fp3")));
  auto a = *this->store_->ListAudit(0, 100, SubjectName("a"));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].version, 2);
  EXPECT_EQ(this->store_->ListAudit(a[0].seq, 100, SubjectName("a"))->size(), 1u);
  EXPECT_TRUE(this->store_->ListAudit(0, 100, SubjectName("c"))->empty());
}

TYPED_TEST(StoreSuite, PingSucceedsOnAnOpenStore) { EXPECT_TRUE(this->store_->Ping()); }

// The write names the latest version it decided against; another writer's
// append since then is a conflict (retryable), and nothing is written.
TYPED_TEST(StoreSuite, StaleExpectedLatestIsAConflictAndWritesNothing) {
  NewVersion first = NV("s", 1, "fp1");
  first.expected_latest = Version(0);
  ASSERT_TRUE(this->store_->AddVersion(first));
  NewVersion stale = NV("s", 2, "fp2");
  stale.expected_latest = Version(0);
  auto w = this->store_->AddVersion(stale);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, ErrorCode::kStoreError);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  EXPECT_FALSE(this->store_->FindSchemaByFingerprint("fp2")->has_value());
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), 1u);
  stale.expected_latest = Version(1);
  ASSERT_TRUE(this->store_->AddVersion(stale));
  EXPECT_EQ(Numbers(*this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kYes)),
            (std::vector<int>{1, 2}));
}

// The write names the config and mode it was decided under; a change to
// any of the four records since then is a conflict and writes nothing. A
// missing record and one with no field set are the same decision.
TYPED_TEST(StoreSuite, ChangedConfigOrModeSinceTheDecisionIsAConflictAndWritesNothing) {
  const SubjectName s("s");
  const ConfigRecord backward{.level = compat::Level::kBackward};
  ASSERT_TRUE(this->store_->SetConfig(s, backward, A("PUT_CONFIG")));
  ASSERT_TRUE(this->store_->SetConfig(std::nullopt, ConfigRecord{}, A("PUT_CONFIG")));
  ASSERT_TRUE(this->store_->SetMode(std::nullopt, Mode::kReadWrite, A("PUT_MODE")));
  const DecidedUnder now{.subject_config = backward,
                         .global_config = std::nullopt,  // stored with no field set
                         .subject_mode = std::nullopt,
                         .global_mode = Mode::kReadWrite};
  const std::vector<std::pair<const char*, DecidedUnder>> stale_cases = {
      {"subject config",
       [&] {
         DecidedUnder d = now;
         d.subject_config = ConfigRecord{.level = compat::Level::kNone};
         return d;
       }()},
      {"subject config gone",
       [&] {
         DecidedUnder d = now;
         d.subject_config = std::nullopt;
         return d;
       }()},
      {"global config",
       [&] {
         DecidedUnder d = now;
         d.global_config = ConfigRecord{.lint = true};
         return d;
       }()},
      {"global config's data-contract settings",
       [&] {
         DecidedUnder d = now;
         d.global_config = ConfigRecord{.compatibility_group = "major_version"};
         return d;
       }()},
      {"subject mode",
       [&] {
         DecidedUnder d = now;
         d.subject_mode = Mode::kImport;
         return d;
       }()},
      {"global mode",
       [&] {
         DecidedUnder d = now;
         d.global_mode = std::nullopt;
         return d;
       }()},
  };
  for (const auto& [what, decided] : stale_cases) {
    NewVersion v = NV("s", 1, "fp1");
    v.expected_latest = Version(0);
    v.decided_under = decided;
    auto w = this->store_->AddVersion(v);
    ASSERT_FALSE(w) << what;
    EXPECT_EQ(w.error().fault, StoreFault::kConflict) << what;
    EXPECT_FALSE(this->store_->FindSchemaByFingerprint("fp1")->has_value()) << what;
    EXPECT_TRUE(this->store_->ListVersions(s, IncludeDeleted::kYes)->empty()) << what;
  }
  NewVersion v = NV("s", 1, "fp1");
  v.expected_latest = Version(0);
  v.decided_under = now;
  ASSERT_TRUE(this->store_->AddVersion(v));
  EXPECT_EQ(Numbers(*this->store_->ListVersions(s, IncludeDeleted::kYes)), std::vector<int>{1});
}

// The same for an append to an existing subject, decided right after the
// store served the config and mode (as a Service decides): only the values
// the decision holds count, whatever the store cached.
TYPED_TEST(StoreSuite, AnAppendDecidedUnderAnotherConfigThanStoredIsAConflict) {
  const SubjectName s("s");
  NewVersion first = NV("s", 1, "fp1");
  first.expected_latest = Version(0);
  ASSERT_TRUE(this->store_->AddVersion(first));
  ASSERT_TRUE(
      this->store_->SetConfig(s, ConfigRecord{.level = compat::Level::kBackward}, A("PUT_CONFIG")));
  const DecidedUnder read{.subject_config = *this->store_->GetConfig(s),
                          .global_config = *this->store_->GetConfig(std::nullopt),
                          .subject_mode = *this->store_->GetMode(s),
                          .global_mode = *this->store_->GetMode(std::nullopt)};
  ASSERT_EQ(read.subject_config, ConfigRecord{.level = compat::Level::kBackward});
  NewVersion next = NV("s", 2, "fp2");
  next.expected_latest = Version(1);
  next.decided_under = read;
  next.decided_under->subject_config = ConfigRecord{.level = compat::Level::kNone};
  auto w = this->store_->AddVersion(next);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  EXPECT_FALSE(this->store_->FindSchemaByFingerprint("fp2")->has_value());
  next.decided_under = read;
  next.decided_under->global_mode = Mode::kImport;
  w = this->store_->AddVersion(next);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  // The data-contract settings are part of the config record.
  next.decided_under = read;
  next.decided_under->subject_config->validate_fields = true;
  w = this->store_->AddVersion(next);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  next.decided_under = read;
  next.decided_under->global_config = ConfigRecord{.compatibility_group = "major"};
  w = this->store_->AddVersion(next);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  EXPECT_FALSE(this->store_->FindSchemaByFingerprint("fp2")->has_value());
  next.decided_under = read;
  ASSERT_TRUE(this->store_->AddVersion(next));
  EXPECT_EQ(Numbers(*this->store_->ListVersions(s, IncludeDeleted::kYes)),
            (std::vector<int>{1, 2}));
}

// The owner the authorisation read is part of the decision when the write
// could undo another writer's owner: a first version (a service declaration
// may have claimed the subject meanwhile, through another process) and a
// write that replaces the subject's metadata. Otherwise an owner change
// since the decision does not matter to the write.
TYPED_TEST(StoreSuite, OwnerChangedSinceTheDecisionIsAConflictWhenTheWriteCouldUndoIt) {
  auto decided = [](std::string owner) {
    DecidedUnder d;
    d.subject_owner = std::move(owner);
    return d;
  };
  // A claim gave "claimed" to team-b after team-a decided on it as unowned.
  const SubjectName claimed("claimed");
  AuditRecord a = A("PUT_METADATA");
  a.subject = claimed.str();
  ASSERT_TRUE(this->store_->PutService(
      ServiceRecord{.name = "svc", .owner = "team-b", .produces = {claimed}}, A("PUT_SERVICE"),
      {SubjectClaim{.subject = claimed,
                    .metadata = SubjectMetadata{.owner = "team-b"},
                    .audit = a,
                    .case_fold = std::nullopt}}));
  const std::size_t rows = this->store_->ListAudit(0, 100)->size();
  NewVersion first = NV("claimed", 1, "fp1");
  first.expected_latest = Version(0);
  first.decided_under = decided("");
  first.subject_metadata = SubjectMetadata{.owner = "team-a"};
  auto w = this->store_->AddVersion(first);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  first.subject_metadata.reset();  // a first version that leaves the metadata alone
  w = this->store_->AddVersion(first);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  EXPECT_TRUE(this->store_->ListVersions(claimed, IncludeDeleted::kYes)->empty());
  EXPECT_FALSE(this->store_->FindSchemaByFingerprint("fp1")->has_value());
  EXPECT_EQ(this->store_->ListAudit(0, 100)->size(), rows);
  EXPECT_EQ((*this->store_->GetSubjectMetadata(claimed))->owner, "team-b");
  // Decided again under the claim's owner: written.
  first.decided_under = decided("team-b");
  ASSERT_TRUE(this->store_->AddVersion(first));

  // An existing subject whose owner an admin changed after the decision.
  ASSERT_TRUE(this->store_->SetSubjectMetadata(claimed, SubjectMetadata{.owner = "team-c"},
                                               A("PUT_METADATA")));
  NewVersion replacing = NV("claimed", 2, "fp2");
  replacing.expected_latest = Version(1);
  replacing.decided_under = decided("team-b");
  replacing.subject_metadata = SubjectMetadata{.owner = "team-b", .description = "d"};
  w = this->store_->AddVersion(replacing);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().fault, StoreFault::kConflict);
  EXPECT_EQ(**this->store_->GetSubjectMetadata(claimed), SubjectMetadata{.owner = "team-c"});
  // Without replacing the metadata, the owner change does not matter.
  replacing.subject_metadata.reset();
  ASSERT_TRUE(this->store_->AddVersion(replacing));
  EXPECT_EQ(Numbers(*this->store_->ListVersions(claimed, IncludeDeleted::kYes)),
            (std::vector<int>{1, 2}));
  EXPECT_EQ(**this->store_->GetSubjectMetadata(claimed), SubjectMetadata{.owner = "team-c"});
}

// Soft-deleted versions count: numbers are never reused while one holds it.
TYPED_TEST(StoreSuite, ExpectedLatestCountsSoftDeletedVersions) {
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "fp1")));
  ASSERT_TRUE(this->store_->SoftDeleteVersions(SubjectName("s"), {Version(1)}, A("SOFT")));
  NewVersion next = NV("s", 2, "fp2");
  next.expected_latest = Version(0);
  EXPECT_EQ(this->store_->AddVersion(next).error().fault, StoreFault::kConflict);
  next.expected_latest = Version(1);
  EXPECT_TRUE(this->store_->AddVersion(next));
}

TYPED_TEST(StoreSuite, GivenCreationTimeIsKept) {
  NewVersion v = NV("s", 1, "fp1");
  v.created_ms = 1'600'000'000'000;
  ASSERT_TRUE(this->store_->AddVersion(v));
  EXPECT_EQ(this->store_->ListVersions(SubjectName("s"), IncludeDeleted::kNo)->at(0).created_ms,
            1'600'000'000'000);
}

// accord store copy: the audit log is replaced with the source's rows, seq
// and times kept; later rows are numbered after them.
TYPED_TEST(StoreSuite, ReplaceAuditKeepsSeqAndTimesAndNumberingContinues) {
  ASSERT_TRUE(this->store_->AddVersion(NV("s", 1, "fp1")));
  std::vector<AuditRecord> rows = {AuditRecord{.seq = 5,
                                               .ts_ms = 111,
                                               .actor = "alice",
                                               .action = "REGISTER",
                                               .subject = "x",
                                               .version = 1,
                                               .schema_id = 9,
                                               .detail = "{}"},
                                   AuditRecord{.seq = 12,
                                               .ts_ms = 222,
                                               .actor = "bob",
                                               .action = "PUT_CONFIG",
                                               .subject = "",
                                               .version = 0,
                                               .schema_id = 0,
                                               .detail = ""}};
  ASSERT_TRUE(this->store_->ReplaceAudit(rows));
  auto audit = *this->store_->ListAudit(0, 100);
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].seq, 5);
  EXPECT_EQ(audit[0].ts_ms, 111);
  EXPECT_EQ(audit[0].actor, "alice");
  EXPECT_EQ(audit[0].schema_id, 9);
  EXPECT_EQ(audit[1].seq, 12);
  EXPECT_EQ(audit[1].action, "PUT_CONFIG");
  ASSERT_TRUE(this->store_->SetMode(std::nullopt, Mode::kReadWrite, A("MODE")));
  audit = *this->store_->ListAudit(0, 100);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_GT(audit[2].seq, 12);
}

// --- usage: read counts and webhooks (usage.h) ---------------------------------

ReadCount RC(std::int64_t schema, const std::string& principal, const std::string& agent,
             std::int64_t count, std::int64_t first, std::int64_t last) {
  return ReadCount{.schema_id = SchemaId(schema),
                   .principal = principal,
                   .user_agent = agent,
                   .count = count,
                   .first_seen_ms = first,
                   .last_seen_ms = last};
}

TYPED_TEST(StoreSuite, ReadCountsAddUpWithEarliestFirstAndLatestLastSeen) {
  ASSERT_TRUE(this->store_->AddReadCounts(
      {RC(1, "ci", "java/1", 3, 100, 200), RC(1, "anonymous", "curl/8", 1, 150, 150)}));
  ASSERT_TRUE(this->store_->AddReadCounts({RC(1, "ci", "java/1", 2, 50, 180)}));
  ASSERT_TRUE(this->store_->AddReadCounts({RC(1, "ci", "java/1", 1, 120, 300)}));
  ASSERT_TRUE(this->store_->AddReadCounts({}));
  auto rows = this->store_->ListReadCounts(SchemaId(1));
  ASSERT_TRUE(rows);
  EXPECT_EQ(*rows, (std::vector<ReadCount>{RC(1, "anonymous", "curl/8", 1, 150, 150),
                                           RC(1, "ci", "java/1", 6, 50, 300)}));
  auto none = this->store_->ListReadCounts(SchemaId(2));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TYPED_TEST(StoreSuite, UserAgentsBeyondTheLimitCountAsOtherAndTheTotalStaysExact) {
  std::vector<ReadCount> batch;
  const std::size_t agents = kMaxUserAgentsPerReader + 4;
  for (std::size_t i = 0; i < agents; ++i) {
    batch.push_back(RC(7, "ci", "agent-" + std::to_string(100 + i), 2, 10, 20));
  }
  ASSERT_TRUE(this->store_->AddReadCounts(batch));
  // A known agent keeps its row; another principal has room of its own.
  ASSERT_TRUE(this->store_->AddReadCounts({RC(7, "ci", "agent-100", 5, 30, 30),
                                           RC(7, "ci", "agent-999", 1, 40, 40),
                                           RC(7, "other-team", "agent-999", 1, 40, 40)}));
  auto rows = this->store_->ListReadCounts(SchemaId(7));
  ASSERT_TRUE(rows);
  std::int64_t ci_total = 0;
  std::size_t ci_rows = 0;
  for (const ReadCount& r : *rows) {
    if (r.principal != "ci") continue;
    ci_total += r.count;
    ++ci_rows;
  }
  EXPECT_EQ(ci_total, static_cast<std::int64_t>(agents) * 2 + 5 + 1);
  EXPECT_EQ(ci_rows, kMaxUserAgentsPerReader + 1);
  auto find = [&](const std::string& principal, const std::string& agent) -> const ReadCount* {
    for (const ReadCount& r : *rows) {
      if (r.principal == principal && r.user_agent == agent) return &r;
    }
    return nullptr;
  };
  ASSERT_NE(find("ci", "other"), nullptr);
  EXPECT_EQ(*find("ci", "other"), RC(7, "ci", "other", 4 * 2 + 1, 10, 40));
  ASSERT_NE(find("ci", "agent-100"), nullptr);
  EXPECT_EQ(find("ci", "agent-100")->count, 7);
  EXPECT_EQ(find("ci", "agent-999"), nullptr);
  ASSERT_NE(find("other-team", "agent-999"), nullptr);
  EXPECT_EQ(find("other-team", "agent-999")->count, 1);
}

TYPED_TEST(StoreSuite, ConcurrentReadCountFlushesAddUp) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(this->store_->AddReadCounts({RC(3, "p", "ua", 1, 100 + t, 200 + i),
                                                 RC(3, "p", "ua-" + std::to_string(t), 1, 5, 5)}));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto rows = this->store_->ListReadCounts(SchemaId(3));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[0], RC(3, "p", "ua", 40, 100, 209));
  for (int t = 0; t < 4; ++t) EXPECT_EQ((*rows)[1 + t].count, 10);
}

TYPED_TEST(StoreSuite, ListReadCountsOfEverySchemaIsOrderedBySchemaPrincipalAgent) {
  ASSERT_TRUE(this->store_->AddReadCounts({RC(2, "b", "x", 1, 1, 1), RC(1, "b", "y", 1, 1, 1),
                                           RC(1, "a", "z", 1, 1, 1), RC(1, "b", "X", 1, 1, 1)}));
  auto rows = this->store_->ListReadCounts(std::nullopt);
  ASSERT_TRUE(rows);
  std::vector<std::string> keys;
  for (const ReadCount& r : *rows) {
    keys.push_back(std::to_string(r.schema_id.value()) + r.principal + r.user_agent);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"1az", "1bX", "1by", "2bx"}));
}

TYPED_TEST(StoreSuite, WebhooksArePutListedAndDeletedWithAuditRows) {
  const WebhookRecord a{.id = "00000000000000aa",
                        .url = "http://127.0.0.1:9/a",
                        .events = {WebhookEvent::kVersionCreated, WebhookEvent::kVersionRetired},
                        .secret = "secret-a-0123456789",
                        .created_by = "root",
                        .created_ms = 1000};
  WebhookRecord b = a;
  b.id = "00000000000000bb";
  b.url = "https://hooks.example/b?x=1";
  b.events = {WebhookEvent::kDeployCheckFailed};
  ASSERT_TRUE(this->store_->PutWebhook(b, A("PUT_WEBHOOK")));
  ASSERT_TRUE(this->store_->PutWebhook(a, A("PUT_WEBHOOK")));
  auto hooks = this->store_->ListWebhooks();
  ASSERT_TRUE(hooks);
  EXPECT_EQ(*hooks, (std::vector<WebhookRecord>{a, b}));
  WebhookRecord a2 = a;
  a2.url = "http://127.0.0.1:9/changed";
  ASSERT_TRUE(this->store_->PutWebhook(a2, A("PUT_WEBHOOK")));
  ASSERT_TRUE(this->store_->DeleteWebhook(b.id, A("DELETE_WEBHOOK")));
  ASSERT_TRUE(this->store_->DeleteWebhook("absent", A("DELETE_WEBHOOK")));
  hooks = this->store_->ListWebhooks();
  ASSERT_TRUE(hooks);
  EXPECT_EQ(*hooks, (std::vector<WebhookRecord>{a2}));
  auto audit = this->store_->ListAudit(0, 100);
  ASSERT_TRUE(audit);
  std::vector<std::string> actions;
  for (const AuditRecord& r : *audit) actions.push_back(r.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"PUT_WEBHOOK", "PUT_WEBHOOK", "PUT_WEBHOOK",
                                               "DELETE_WEBHOOK", "DELETE_WEBHOOK"}));
}

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

// A deployment that creates its environment is one write: a failure at any
// step leaves neither (nor an audit row).
TEST(SqliteStore, FailedDeploymentLeavesNoEnvironmentBehind) {
  for (const char* step : {"environment", "deployment", "audit", "commit"}) {
    TempDir dir;
    std::string fail_step;
    auto opened = OpenSqliteStore(SqliteOptions{
        .path = dir.File("db"), .fail_at = [&](std::string_view s) { return s == fail_step; }});
    ASSERT_TRUE(opened);
    Store& s = **opened;
    fail_step = step;
    const DeploymentRecord d{.environment = "prod", .service = "a", .version = "1"};
    auto w = s.SetDeployment(d, EnvironmentRecord{.name = "prod"}, A("DEPLOY"));
    ASSERT_FALSE(w) << step;
    EXPECT_EQ(w.error().code, ErrorCode::kStoreError) << step;
    EXPECT_TRUE(s.ListEnvironments()->empty()) << step;
    EXPECT_TRUE(s.ListDeployments(std::nullopt)->empty()) << step;
    EXPECT_TRUE(s.ListAudit(0, 100)->empty()) << step;
    fail_step.clear();
    EXPECT_TRUE(s.SetDeployment(d, EnvironmentRecord{.name = "prod"}, A("DEPLOY"))) << step;
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

// A failure at any step of a catalog write rolls all of it back: the write
// fails, and neither its change nor its audit row is visible.
TEST(SqliteStore, FailedCatalogWritesLeaveNothing) {
  struct Case {
    const char* step;
    const char* write;
  };
  const std::vector<Case> cases = {{"metadata", "metadata"},    {"audit", "metadata"},
                                   {"commit", "metadata"},      {"deprecation", "deprecation"},
                                   {"audit", "deprecation"},    {"commit", "deprecation"},
                                   {"service", "service"},      {"audit", "service"},
                                   {"commit", "service"},       {"service", "delete-service"},
                                   {"audit", "delete-service"}, {"metadata", "register"},
                                   {"audit", "register"},       {"commit", "register"},
                                   {"metadata", "claim"},       {"audit", "claim"},
                                   {"service", "claim"},        {"commit", "claim"}};
  for (const Case& c : cases) {
    const std::string what = std::string(c.write) + " failing at " + c.step;
    TempDir dir;
    std::string fail_step;
    auto opened = OpenSqliteStore(SqliteOptions{
        .path = dir.File("db"), .fail_at = [&](std::string_view s) { return s == fail_step; }});
    ASSERT_TRUE(opened);
    Store& s = **opened;
    ASSERT_TRUE(s.AddVersion(NV("s", 1, "fp1")));
    ASSERT_TRUE(s.PutService(ServiceRecord{.name = "old"}, A("S"), {}));
    const std::size_t audit_rows = s.ListAudit(0, 100)->size();
    fail_step = c.step;
    const std::string write = c.write;
    bool ok = true;
    if (write == "metadata") {
      ok =
          s.SetSubjectMetadata(SubjectName("s"), SubjectMetadata{.owner = "x"}, A("M")).has_value();
    } else if (write == "deprecation") {
      ok = s.SetDeprecation(SubjectName("s"), Version(1), Deprecation{.sunset = "2030-01-01"},
                            A("D"))
               .has_value();
    } else if (write == "service") {
      ok = s.PutService(ServiceRecord{.name = "svc"}, A("S"), {}).has_value();
    } else if (write == "claim") {
      // The declaration claims "s2" (no version, no owner) as it is stored.
      ok = s.PutService(ServiceRecord{.name = "svc", .produces = {SubjectName("s2")}}, A("S"),
                        {SubjectClaim{.subject = SubjectName("s2"),
                                      .metadata = SubjectMetadata{.owner = "x"},
                                      .audit = A("M"),
                                      .case_fold = std::nullopt}})
               .has_value();
    } else if (write == "delete-service") {
      ok = s.DeleteService("old", A("S")).has_value();
    } else {
      NewVersion v = NV("s", 2, "fp2");
      v.subject_metadata = SubjectMetadata{.owner = "y"};
      ok = s.AddVersion(v).has_value();
    }
    fail_step.clear();
    EXPECT_FALSE(ok) << what;
    EXPECT_FALSE(s.GetSubjectMetadata(SubjectName("s"))->has_value()) << what;
    EXPECT_FALSE(s.GetSubjectMetadata(SubjectName("s2"))->has_value()) << what;
    EXPECT_TRUE(s.ListDeprecated()->empty()) << what;
    EXPECT_FALSE(s.GetService("svc")->has_value()) << what;
    EXPECT_TRUE(s.GetService("old")->has_value()) << what;
    EXPECT_EQ(s.ListVersions(SubjectName("s"), IncludeDeleted::kYes)->size(), 1u) << what;
    EXPECT_EQ(s.ListAudit(0, 100)->size(), audit_rows) << what;
  }
}

namespace {

void ExecOrDie(sqlite3* db, const char* sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
}

// The tables exactly as schema version 1 created them.
void WriteVersionOneDatabase(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ExecOrDie(db, R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES('schema_version', '1');
    CREATE TABLE schemas(id INTEGER PRIMARY KEY, type TEXT NOT NULL, text TEXT NOT NULL,
      canonical TEXT NOT NULL, fingerprint TEXT NOT NULL UNIQUE);
    CREATE TABLE schema_refs(schema_id INTEGER NOT NULL, ord INTEGER NOT NULL,
      name TEXT NOT NULL, subject TEXT NOT NULL, version INTEGER NOT NULL,
      PRIMARY KEY(schema_id, ord)) WITHOUT ROWID;
    CREATE TABLE versions(subject TEXT NOT NULL, version INTEGER NOT NULL,
      schema_id INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
      created_ms INTEGER NOT NULL, PRIMARY KEY(subject, version)) WITHOUT ROWID;
    CREATE TABLE config(scope TEXT PRIMARY KEY, level TEXT, policy TEXT);
    CREATE TABLE modes(scope TEXT PRIMARY KEY, mode TEXT NOT NULL);
    CREATE TABLE audit(seq INTEGER PRIMARY KEY AUTOINCREMENT, ts_ms INTEGER NOT NULL,
      actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
      version INTEGER NOT NULL, schema_id INTEGER NOT NULL, detail TEXT NOT NULL);
    INSERT INTO schemas VALUES(1, 'JSON', '{"fp":"old"}', '{"fp":"old"}', 'old');
    INSERT INTO versions VALUES('orders', 1, 1, 0, 1000);
    INSERT INTO audit(ts_ms, actor, action, subject, version, schema_id, detail)
      VALUES(1000, 'a', 'REGISTER', 'orders', 1, 1, '');
  )sql");
  sqlite3_close(db);
}

std::string SchemaVersionOf(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st, nullptr);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST(SqliteStore, VersionOneDatabaseIsMigratedInPlaceAndKeepsItsData) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  WriteVersionOneDatabase(path);
  {
    auto s = testing::OpenStoreOrDie(path);
    auto versions = *s->ListVersions(SubjectName("orders"), IncludeDeleted::kNo);
    ASSERT_EQ(versions.size(), 1u);
    EXPECT_EQ(versions[0].created_ms, 1000);
    EXPECT_EQ(versions[0].metadata, "");
    EXPECT_FALSE(versions[0].deprecation);
    EXPECT_EQ((*s->GetSchema(SchemaId(1)))->fingerprint, "old");
    EXPECT_EQ(s->ListAudit(0, 100, SubjectName("orders"))->size(), 1u);
    // Every catalog write works on the migrated database.
    NewVersion v = NV("orders", 2, "new");
    v.metadata = R"({"properties":{"owner":"x"}})";
    ASSERT_TRUE(s->AddVersion(v));
    ASSERT_TRUE(s->SetDeprecation(SubjectName("orders"), Version(1),
                                  Deprecation{.sunset = "2030-01-01"}, A("DEPRECATE")));
    ASSERT_TRUE(s->SetSubjectMetadata(SubjectName("orders"),
                                      SubjectMetadata{.owner = "x", .message = "acme.Order"},
                                      A("PUT_METADATA")));
    ASSERT_TRUE(s->PutService(ServiceRecord{.name = "svc"}, A("PUT_SERVICE"), {}));
    ASSERT_TRUE(s->SetConfig(SubjectName("orders"), ConfigRecord{.lint = true}, A("PUT_CONFIG")));
    // And the version-4 tables: contract versions, environments, deployments.
    ASSERT_EQ(
        s->AddServiceVersion(ServiceVersionRecord{.service = "svc", .version = "1"}, A("PUBLISH")),
        true);
    ASSERT_TRUE(
        s->SetDeployment(DeploymentRecord{.environment = "e", .service = "svc", .version = "1"},
                         EnvironmentRecord{.name = "e"}, A("DEPLOY")));
    // And the usage tables (schema version 5).
    ASSERT_TRUE(s->AddReadCounts({ReadCount{SchemaId(1), "p", "ua", 1, 1, 1}}));
    ASSERT_TRUE(s->PutWebhook(WebhookRecord{.id = "1", .url = "http://h/"}, A("PUT_WEBHOOK")));
    // And the config's data-contract settings (schema version 6).
    ASSERT_TRUE(
        s->SetConfig(std::nullopt, ConfigRecord{.compatibility_group = "major"}, A("PUT_CONFIG")));
    // And the contexts (schema version 7): numbered, with ids of their own.
    ASSERT_EQ(*s->EnsureContext(".team-a"), 1);
    NewVersion in_context = NV(":.team-a:orders", 1, "c1@.team-a");
    in_context.schema.id = SchemaId::InContext(1, 0);
    EXPECT_EQ(s->AddVersion(in_context)->id, SchemaId::InContext(1, 1));
  }
  EXPECT_EQ(SchemaVersionOf(path), "9");
  // Reopening the migrated database is a no-op that keeps everything.
  auto s = testing::OpenStoreOrDie(path);
  auto versions = *s->ListVersions(SubjectName("orders"), IncludeDeleted::kNo);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_TRUE(versions[0].deprecation);
  EXPECT_EQ(versions[1].metadata, R"({"properties":{"owner":"x"}})");
  auto config = *s->GetConfig(SubjectName("orders"));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->lint, true);
  EXPECT_FALSE(config->level);
  EXPECT_EQ((*s->GetConfig(std::nullopt))->compatibility_group, "major");
  EXPECT_EQ(s->ListDeployments(std::nullopt)->size(), 1u);
  EXPECT_TRUE(s->GetServiceVersion("svc", "1")->has_value());
  EXPECT_EQ((*s->GetSubjectMetadata(SubjectName("orders")))->message, "acme.Order");
}

// Schema version 5 had subject_meta without `message`: the column is added
// (empty for every subject), the rest kept.
TEST(SqliteStore, VersionFiveDatabaseGainsTheSubjectsMessage) {
  TempDir dir;
  const std::string path = dir.File("v5.db");
  {
    auto s = testing::OpenStoreOrDie(path);
    ASSERT_TRUE(s->SetSubjectMetadata(SubjectName("orders"), SubjectMetadata{.owner = "x"},
                                      A("PUT_METADATA")));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  // Back to subject_meta and config as version 5 had them.
  ExecOrDie(db, R"sql(
    ALTER TABLE subject_meta DROP COLUMN message;
    ALTER TABLE config DROP COLUMN contract;
    UPDATE meta SET value = '5' WHERE key = 'schema_version';
  )sql");
  sqlite3_close(db);
  auto s = testing::OpenStoreOrDie(path);
  EXPECT_EQ(SchemaVersionOf(path), "9");
  EXPECT_EQ(**s->GetSubjectMetadata(SubjectName("orders")), SubjectMetadata{.owner = "x"});
  ASSERT_TRUE(s->SetSubjectMetadata(SubjectName("orders"),
                                    SubjectMetadata{.owner = "x", .message = "acme.Order"},
                                    A("PUT_METADATA")));
  EXPECT_EQ((*s->GetSubjectMetadata(SubjectName("orders")))->message, "acme.Order");
}

// Schema version 8 had contexts without `deleted`: the column is added
// (every context listed), numbers kept.
TEST(SqliteStore, VersionEightDatabaseGainsDeletedContexts) {
  TempDir dir;
  const std::string path = dir.File("v8.db");
  {
    auto s = testing::OpenStoreOrDie(path);
    ASSERT_EQ(*s->EnsureContext(".team-a"), 1);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ExecOrDie(db, R"sql(
    ALTER TABLE contexts DROP COLUMN deleted;
    UPDATE meta SET value = '8' WHERE key = 'schema_version';
  )sql");
  sqlite3_close(db);
  auto s = testing::OpenStoreOrDie(path);
  EXPECT_EQ(SchemaVersionOf(path), "9");
  EXPECT_EQ(*s->ListContexts(), (std::vector<ContextRecord>{{".team-a", 1, false}}));
  ASSERT_TRUE(s->DeleteContext(".team-a", A("DELETE_CONTEXT")));
  EXPECT_EQ(*s->ListContexts(), (std::vector<ContextRecord>{{".team-a", 1, true}}));
}

TEST(SqliteStore, ConfigLintSwitchRoundTripsAndUnsetStaysUnset) {
  TempDir dir;
  auto s = testing::OpenStoreOrDie(dir.File("db"));
  ASSERT_TRUE(s->SetConfig(std::nullopt, ConfigRecord{.lint = false}, A("PUT_CONFIG")));
  ASSERT_TRUE(
      s->SetConfig(SubjectName("a"), ConfigRecord{.level = compat::Level::kFull}, A("PUT_CONFIG")));
  EXPECT_EQ((*s->GetConfig(std::nullopt))->lint, false);
  EXPECT_EQ((*s->GetConfig(SubjectName("a")))->lint, std::nullopt);
}

TEST(SqliteStore, DatabaseFromANewerBuildIsRefused) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  { auto s = testing::OpenStoreOrDie(path); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ExecOrDie(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  sqlite3_close(db);
  auto opened = OpenSqliteStore(SqliteOptions{.path = path});
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kStoreError);
}

TEST(FaultInjectionStore, FailedCatalogWritesNeverReachTheStore) {
  TempDir dir;
  FaultInjectionStore s(testing::OpenStoreOrDie(dir.File("db")));
  ASSERT_TRUE(s.AddVersion(NV("s", 1, "a")));
  s.FailWrites(true);
  EXPECT_FALSE(s.SetSubjectMetadata(SubjectName("s"), SubjectMetadata{.owner = "x"}, A("M")));
  EXPECT_FALSE(
      s.SetDeprecation(SubjectName("s"), Version(1), Deprecation{.sunset = "2030-01-01"}, A("D")));
  EXPECT_FALSE(s.PutService(ServiceRecord{.name = "svc"}, A("S"), {}));
  EXPECT_FALSE(s.DeleteService("svc", A("S")));
  EXPECT_EQ(s.failed_writes(), 4);
  s.FailWrites(false);
  EXPECT_FALSE(s.GetSubjectMetadata(SubjectName("s"))->has_value());
  EXPECT_TRUE(s.ListDeprecated()->empty());
  EXPECT_TRUE(s.ListServices()->empty());
  EXPECT_EQ(s.ListAudit(0, 100)->size(), 1u);
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

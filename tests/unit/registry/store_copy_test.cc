// accord store copy (store_copy.h): SQLite -> PostgreSQL -> SQLite keeps
// every record; a non-empty target is refused.
#include <gtest/gtest.h>

#include "accord/registry/service.h"
#include "accord/registry/store.h"
#include "accord/registry/store_copy.h"
#include "pg_test_server.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Json;
using testing::R;

std::unique_ptr<Store> OpenPostgresOrFail() {
  const std::string uri = testing::PgTestServer::Get().FreshDatabase();
  if (uri.empty()) {
    ADD_FAILURE() << testing::PgTestServer::Get().error();
    return nullptr;
  }
  auto s = OpenPostgresStore(PostgresOptions{.uri = uri});
  if (!s) {
    ADD_FAILURE() << s.error().message;
    return nullptr;
  }
  return std::move(*s);
}

// A registry with one of everything a store keeps, made through the
// Service as a user would: references, soft and hard deletes (leaving a
// schema no version uses), deprecations, configs, modes, catalog metadata,
// a service declaration, a contract version, environments with deployments
// and the audit rows of all that.
std::unique_ptr<Store> FilledSqlite(const testing::TempDir& dir) {
  Service service(testing::OpenStoreOrDie(dir.File("src.db")),
                  ServiceOptions{.default_level = compat::Level::kNone,
                                 .now_ms = [] { return std::int64_t{1'700'000'000'000}; },
                                 .min_notice_days = 0,
                                 .checker = testing::RequiredSubsetChecker});
  EXPECT_TRUE(service.Register("orders", Json(R("\"a\""))));
  EXPECT_TRUE(service.Register("orders", Json(R("\"a\",\"b\""))));
  EXPECT_TRUE(service.Register("orders", Json(R("\"c\""))));
  SchemaInput with_ref = Json(R("\"x\"", ",\"$ref\":\"orders.json\""));
  with_ref.references = {
      {.name = "orders.json", .subject = SubjectName("orders"), .version = Version(1)}};
  EXPECT_TRUE(service.Register("shipments", with_ref));
  EXPECT_TRUE(service.Register("gone", Json(R("\"only-here\""))));
  EXPECT_TRUE(service.DeleteSubject("gone", DeleteKind::kSoft));
  EXPECT_TRUE(service.DeleteSubject("gone", DeleteKind::kPermanent));
  EXPECT_TRUE(
      service.DeleteVersion("orders", VersionSelector::Exactly(Version(3)), DeleteKind::kSoft));
  EXPECT_TRUE(service.Deprecate(
      "orders", VersionSelector::Exactly(Version(1)),
      DeprecationRequest{
          .sunset = "2031-01-31", .reason = "b is needed", .replacement = Version(2)}));
  EXPECT_TRUE(service.SetConfig(std::nullopt, ConfigRecord{.level = compat::Level::kFull}));
  EXPECT_TRUE(service.SetConfig("orders", ConfigRecord{.policy = compat::Policy::kLenient}));
  EXPECT_TRUE(service.SetMode("shipments", Mode::kReadOnly, Force::kNo));
  EXPECT_TRUE(service.PutSubjectMetadata(
      "orders", SubjectMetadata{.owner = "team-orders", .description = "Orders", .tags = {"pii"}}));
  ServiceRecord billing{.name = "billing", .owner = "team-billing"};
  billing.consumes.push_back(ConsumedSubject{.subject = SubjectName("orders"),
                                             .type = SchemaType::kJson,
                                             .schema = R("\"a\""),
                                             .versions = {Version(2)}});
  EXPECT_TRUE(service.PutServiceDeclaration(billing));
  EXPECT_TRUE(service.PublishServiceVersion(ServiceVersionRecord{.service = "billing",
                                                                 .version = "1",
                                                                 .owner = "team-billing",
                                                                 .consumes = billing.consumes}));
  EXPECT_TRUE(service.PutEnvironment(
      EnvironmentRecord{.name = "production", .owner = "team-ops", .production = true}));
  EXPECT_TRUE(service.RecordDeployment("production", "billing", "1"));
  EXPECT_TRUE(service.RecordDeployment("staging", "billing", "1"));  // created on first use
  EXPECT_TRUE(service.CreateWebhook(
      WebhookRecord{.url = "http://127.0.0.1:9/hook",
                    .events = {WebhookEvent::kVersionCreated, WebhookEvent::kVersionDeprecated},
                    .secret = "copy-test-secret-0123"}));
  auto store = testing::OpenStoreOrDie(dir.File("src.db"));
  // Read counts, one principal past kMaxUserAgentsPerReader (an "other" row).
  std::vector<ReadCount> reads;
  for (std::size_t i = 0; i < kMaxUserAgentsPerReader + 3; ++i) {
    reads.push_back(ReadCount{.schema_id = SchemaId(1),
                              .principal = "ci",
                              .user_agent = "agent-" + std::to_string(i),
                              .count = static_cast<std::int64_t>(i + 1),
                              .first_seen_ms = 10,
                              .last_seen_ms = 20 + static_cast<std::int64_t>(i)});
  }
  reads.push_back(ReadCount{.schema_id = SchemaId(2),
                            .principal = "anonymous",
                            .user_agent = "",
                            .count = 4,
                            .first_seen_ms = 1,
                            .last_seen_ms = 2});
  EXPECT_TRUE(store->AddReadCounts(reads));
  return store;
}

// Rule: a copy holds exactly what the source holds, both ways.
TEST(StoreCopy, SqliteToPostgresAndBackKeepsEveryRecord) {
  testing::TempDir dir;
  auto sqlite = FilledSqlite(dir);
  auto pg = OpenPostgresOrFail();
  ASSERT_TRUE(pg);
  auto copied = CopyStore(*sqlite, *pg, nullptr);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(copied->schemas, 5);   // "gone"'s schema stays: ids are never reused
  EXPECT_EQ(copied->versions, 4);  // orders 1-3 (3 soft-deleted), shipments 1
  EXPECT_EQ(copied->subjects, 2);
  EXPECT_EQ(copied->deprecations, 1);
  EXPECT_EQ(copied->configs, 2);
  EXPECT_EQ(copied->modes, 1);
  EXPECT_EQ(copied->subject_metadata, 1);  // orders
  EXPECT_EQ(copied->services, 1);
  EXPECT_EQ(copied->service_versions, 1);
  EXPECT_EQ(copied->environments, 2);
  EXPECT_EQ(copied->deployments, 2);
  EXPECT_EQ(copied->read_counts,
            static_cast<std::int64_t>(kMaxUserAgentsPerReader) + 2);  // + "other", schema 2
  EXPECT_EQ(copied->webhooks, 1);
  EXPECT_EQ(copied->audit_rows, 19);  // one per change above
  EXPECT_EQ(*DiffStores(*sqlite, *pg), "");

  auto back = testing::OpenStoreOrDie(dir.File("back.db"));
  ASSERT_TRUE(CopyStore(*pg, *back, nullptr));
  EXPECT_EQ(*DiffStores(*sqlite, *back), "");

  // New registrations on the copy get ids above every copied one.
  Service service(std::move(pg), ServiceOptions{.default_level = compat::Level::kNone,
                                                .checker = testing::RequiredSubsetChecker});
  auto next = service.Register("new", Json(R("\"n\"")));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->id, SchemaId(6));
}

// Rule (issue #18): contexts are copied with their numbers, so every
// context's ids stay what they were, and each context's allocation goes on
// after its own ids on the copy.
TEST(StoreCopy, ContextsAreCopiedWithTheirNumbersAndIds) {
  testing::TempDir dir;
  {
    auto store = testing::OpenStoreOrDie(dir.File("c.db"));
    ASSERT_EQ(*store->EnsureContext(".early", 3), 3);  // numbers need not be 1, 2, ...
    Service service(std::move(store), ServiceOptions{.default_level = compat::Level::kNone,
                                                     .checker = testing::RequiredSubsetChecker});
    EXPECT_EQ(service.Register("orders", Json(R("\"a\"")))->id, SchemaId(1));
    EXPECT_EQ(service.Register(":.team-a:orders", Json(R("\"a\"")))->id, SchemaId::InContext(4, 1));
    EXPECT_EQ(service.Register(":.early:x", Json(R("\"x\"")))->id, SchemaId::InContext(3, 1));
    EXPECT_EQ(service.Register(":.team-a:orders", Json(R("\"b\"")))->id, SchemaId::InContext(4, 2));
    // A deleted context keeps its number (and stays deleted on the copy).
    ASSERT_TRUE(service.SetMode(":.gone:", Mode::kReadOnly, Force::kNo));
    ASSERT_TRUE(service.DeleteContext(".gone"));
  }
  auto source = testing::OpenStoreOrDie(dir.File("c.db"));
  auto pg = OpenPostgresOrFail();
  ASSERT_TRUE(pg);
  auto copied = CopyStore(*source, *pg, nullptr);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(copied->contexts, 3);
  EXPECT_EQ(copied->schemas, 4);
  EXPECT_EQ(copied->subjects, 3);
  EXPECT_EQ(*DiffStores(*source, *pg), "");
  EXPECT_EQ(*pg->ListContexts(),
            (std::vector<ContextRecord>{
                {".early", 3, false}, {".team-a", 4, false}, {".gone", 5, true}}));
  EXPECT_EQ(*pg->GetMode(SubjectName(":.gone:")), std::nullopt);

  Service service(std::move(pg), ServiceOptions{.default_level = compat::Level::kNone,
                                                .checker = testing::RequiredSubsetChecker});
  EXPECT_EQ(service.Register(":.team-a:new", Json(R("\"n\"")))->id, SchemaId::InContext(4, 3));
  EXPECT_EQ(service.Register(":.early:y", Json(R("\"y\"")))->id, SchemaId::InContext(3, 2));
  EXPECT_EQ(service.Register("plain", Json(R("\"p\"")))->id, SchemaId(2));
  EXPECT_EQ(service.Register(":.brand-new:z", Json(R("\"z\"")))->id, SchemaId::InContext(6, 1));
}

// Rule: the target must be empty; nothing is written to one that is not.
TEST(StoreCopy, NonEmptyTargetIsRefused) {
  testing::TempDir dir;
  auto source = FilledSqlite(dir);
  auto target = testing::OpenStoreOrDie(dir.File("t.db"));
  Service service(testing::OpenStoreOrDie(dir.File("t.db")),
                  ServiceOptions{.checker = testing::RequiredSubsetChecker});
  ASSERT_TRUE(service.Register("x", Json(R("\"x\""))));
  auto copied = CopyStore(*source, *target, nullptr);
  ASSERT_FALSE(copied);
  EXPECT_EQ(copied.error().code, ErrorCode::kOperationNotPermitted);
  EXPECT_EQ(target->ListSubjects(IncludeDeleted::kYes)->size(), 1u);
}

// The comparison itself can fail: a difference is named.
TEST(StoreCopy, DiffNamesTheFirstDifference) {
  testing::TempDir dir;
  auto a = FilledSqlite(dir);
  auto b = testing::OpenStoreOrDie(dir.File("b.db"));
  ASSERT_TRUE(CopyStore(*a, *b, nullptr));
  ASSERT_TRUE(b->SoftDeleteVersions(SubjectName("orders"), {Version(2)}, AuditRecord{}));
  EXPECT_EQ(*DiffStores(*a, *b), "version orders 2: soft deletion");
}

}  // namespace
}  // namespace accord::registry

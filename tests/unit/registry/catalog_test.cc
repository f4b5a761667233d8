// The catalog rules of the Service (service.h, "catalog"; catalog.cc):
// subject metadata and its limits, Confluent metadata.properties on
// register, deprecation and lifecycle against an injected clock, the
// calendar, service declarations and consumers, search, diff / changelog,
// field tables and PII, and the Confluent reads that carry metadata. Each
// test is named after the rule it checks. The real compatibility engine is
// used (diffs need it).
#include <gtest/gtest.h>

#include <chrono>

#include "accord/registry/fault_injection_store.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Admin;
using testing::Json;

constexpr const char* kOrderV1 =
    R"({"type":"object","properties":{"id":{"type":"string"},"email":{"type":"string","x-pii":true}},"required":["id"]})";
// v2 adds a required member: new readers cannot read v1 data (not BACKWARD).
constexpr const char* kOrderV2 =
    R"({"type":"object","properties":{"id":{"type":"string"},"email":{"type":"string","x-pii":true},"total":{"type":"number"}},"required":["id","total"]})";
constexpr const char* kOrderV3 =
    R"({"type":"object","properties":{"id":{"type":"string"},"total":{"type":"number"},"note":{"type":"string"}},"required":["id","total"]})";

std::int64_t DayMs(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  const sys_days midnight{year(y) / month(m) / day(d)};
  return duration_cast<milliseconds>(midnight.time_since_epoch()).count();
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions options;
    options.now_ms = [this] { return now_ms_; };
    // Sunsets here are picked freely (even past ones, to reach RETIRED); the
    // notice rule has its own tests (policy_test.cc).
    options.min_notice_days = 0;
    auto fault = std::make_unique<FaultInjectionStore>(testing::OpenStoreOrDie(":memory:"));
    faults_ = fault.get();
    service_ = std::make_unique<Service>(std::move(fault), options);
    ASSERT_TRUE(service_->SetConfig(
        std::nullopt, ConfigRecord{.level = compat::Level::kNone, .policy = std::nullopt}));
  }
  void Reg(const std::string& subject, const std::string& text,
           SchemaType type = SchemaType::kJson) {
    SchemaInput in = Json(text);
    in.type = type;
    auto r = service_->Register(subject, in);
    ASSERT_TRUE(r) << r.error().message;
  }
  void Orders() {
    Reg("orders", kOrderV1);
    Reg("orders", kOrderV2);
    Reg("orders", kOrderV3);
  }
  std::size_t AuditRows(const std::string& action) {
    auto rows = service_->Audit({.after_seq = 0, .limit = 1000});
    std::size_t n = 0;
    for (const AuditRecord& r : *rows) n += r.action == action ? 1 : 0;
    return n;
  }
  template <typename T>
  ErrorCode Code(const RegistryResult<T>& r) {
    EXPECT_FALSE(r);
    return r ? ErrorCode::kInternal : r.error().code;
  }
  DeprecationRequest Sunset(const std::string& date, std::optional<Version> replacement = {}) {
    return DeprecationRequest{.sunset = date, .reason = "moving on", .replacement = replacement};
  }

  std::int64_t now_ms_ = DayMs(2030, 1, 15) + 3600 * 1000;
  FaultInjectionStore* faults_ = nullptr;
  std::unique_ptr<Service> service_;
};

// --- metadata ------------------------------------------------------------------

TEST_F(CatalogTest, MetadataIsEmptyUntilSetThenReadBackNormalised) {
  Orders();
  EXPECT_TRUE(service_->GetSubjectMetadata("orders")->empty());
  SubjectMetadata m{.owner = "checkout",
                    .description = "An order was placed",
                    .tags = {"orders", "core", "orders"},
                    .links = {{"runbook", "https://wiki.example/orders"}},
                    .sla = {{"processing", "p99 < 2s"}, {"delivery", "p99 < 5s"}}};
  auto stored = service_->PutSubjectMetadata("orders", m, Admin("alice"));
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->tags, (std::vector<std::string>{"core", "orders"}));  // sorted, unique
  EXPECT_EQ(stored->sla.front().first, "delivery");
  EXPECT_EQ(*service_->GetSubjectMetadata("orders"), *stored);
  auto audit = service_->Audit({.after_seq = 0, .limit = 1000, .subject = "orders"});
  EXPECT_EQ(audit->back().action, "PUT_METADATA");
  EXPECT_EQ(audit->back().actor, "alice");
  EXPECT_NE(audit->back().detail.find("\"before\""), std::string::npos);
  EXPECT_NE(audit->back().detail.find("checkout"), std::string::npos);
}

TEST_F(CatalogTest, UnchangedMetadataWritesNoAuditRow) {
  Orders();
  SubjectMetadata m{.owner = "checkout"};
  ASSERT_TRUE(service_->PutSubjectMetadata("orders", m));
  ASSERT_TRUE(service_->PutSubjectMetadata("orders", m));
  EXPECT_EQ(AuditRows("PUT_METADATA"), 1u);
}

TEST_F(CatalogTest, MetadataBreakingTheLimitsIs42210) {
  Orders();
  const std::vector<SubjectMetadata> bad = {
      {.tags = {"Upper"}},
      {.tags = {"has space"}},
      {.tags = {std::string(65, 'a')}},
      {.owner = "line\nbreak"},
      {.owner = std::string(129, 'o')},
      {.description = std::string(4097, 'd')},
      {.links = {{"", "https://x"}}},
      {.links = {{"docs", "ftp://x"}}},
      {.links = {{"docs", "https://x y"}}},
      {.sla = {{"bad key", "1s"}}},
      {.sla = {{"delivery", ""}}},
  };
  for (const SubjectMetadata& m : bad) {
    EXPECT_EQ(Code(service_->PutSubjectMetadata("orders", m)), ErrorCode::kInvalidCatalogMetadata)
        << m.owner.substr(0, 8) << m.tags.size() << m.links.size() << m.sla.size();
  }
  SubjectMetadata many;
  for (int i = 0; i < 33; ++i) many.tags.push_back("t" + std::to_string(i));
  EXPECT_EQ(Code(service_->PutSubjectMetadata("orders", many)), ErrorCode::kInvalidCatalogMetadata);
  EXPECT_EQ(AuditRows("PUT_METADATA"), 0u);
}

TEST_F(CatalogTest, MetadataOfAnUnknownOrDeletedSubjectIs40401) {
  EXPECT_EQ(Code(service_->GetSubjectMetadata("nope")), ErrorCode::kSubjectNotFound);
  EXPECT_EQ(Code(service_->PutSubjectMetadata("nope", SubjectMetadata{})),
            ErrorCode::kSubjectNotFound);
  Reg("gone", kOrderV1);
  ASSERT_TRUE(service_->DeleteSubject("gone", DeleteKind::kSoft));
  EXPECT_EQ(Code(service_->GetSubjectMetadata("gone")), ErrorCode::kSubjectNotFound);
}

TEST_F(CatalogTest, CatalogWritesInReadOnlyModeAre42205) {
  Orders();
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kReadOnly, Force::kNo));
  EXPECT_EQ(Code(service_->PutSubjectMetadata("orders", SubjectMetadata{.owner = "x"})),
            ErrorCode::kOperationNotPermitted);
  EXPECT_EQ(Code(service_->Deprecate("orders", VersionSelector::Latest(), Sunset("2030-06-01"))),
            ErrorCode::kOperationNotPermitted);
  EXPECT_EQ(Code(service_->PutServiceDeclaration(ServiceRecord{.name = "svc"})),
            ErrorCode::kOperationNotPermitted);
}

TEST_F(CatalogTest, FailedMetadataWriteIs50001AndChangesNothing) {
  Orders();
  faults_->FailWrites(true);
  EXPECT_EQ(Code(service_->PutSubjectMetadata("orders", SubjectMetadata{.owner = "x"})),
            ErrorCode::kStoreError);
  EXPECT_EQ(Code(service_->Deprecate("orders", VersionSelector::Latest(), Sunset("2030-06-01"))),
            ErrorCode::kStoreError);
  EXPECT_EQ(Code(service_->PutServiceDeclaration(ServiceRecord{.name = "svc"})),
            ErrorCode::kStoreError);
  faults_->FailWrites(false);
  EXPECT_TRUE(service_->GetSubjectMetadata("orders")->empty());
  EXPECT_EQ(service_->GetVersion("orders", VersionSelector::Latest())->state, Lifecycle::kActive);
  EXPECT_TRUE(service_->ListServiceDeclarations()->empty());
}

// --- Confluent metadata on register ---------------------------------------------------

TEST_F(CatalogTest, ConfluentMetadataPropertiesUpdateTheCatalogOnRegister) {
  SchemaInput in = Json(kOrderV1);
  in.metadata =
      R"({"properties":{"owner":"checkout","tags":"orders, core","sla.delivery":"5s","other":"x"}})";
  in.rule_set = R"({"domainRules":[{"name":"r","kind":"CONDITION","type":"CEL"}]})";
  ASSERT_TRUE(service_->Register("orders", in));
  auto m = *service_->GetSubjectMetadata("orders");
  EXPECT_EQ(m.owner, "checkout");
  EXPECT_EQ(m.tags, (std::vector<std::string>{"core", "orders"}));
  ASSERT_EQ(m.sla.size(), 1u);
  EXPECT_EQ(m.sla[0], (std::pair<std::string, std::string>{"delivery", "5s"}));
  // Kept in Confluent's normal form (properties sorted, defaults filled in).
  const std::string metadata =
      R"({"properties":{"other":"x","owner":"checkout","sla.delivery":"5s","tags":"orders, core"}})";
  const std::string rule_set =
      R"({"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITEREAD","type":"CEL",)"
      R"("disabled":false}]})";
  auto v = *service_->GetVersion("orders", VersionSelector::Latest());
  EXPECT_EQ(v.metadata, metadata);
  EXPECT_EQ(v.rule_set, rule_set);
  auto served = *service_->GetServedSchema(v.id);
  EXPECT_EQ(served.schema->metadata, metadata);
  EXPECT_EQ(served.schema->rule_set, rule_set);
}

TEST_F(CatalogTest, InvalidMetadataPropertiesRefuseTheRegistration) {
  SchemaInput in = Json(kOrderV1);
  in.metadata = R"({"properties":{"tags":"Not A Tag"}})";
  EXPECT_EQ(Code(service_->Register("orders", in)), ErrorCode::kInvalidCatalogMetadata);
  EXPECT_EQ(Code(service_->ListVersions("orders")), ErrorCode::kSubjectNotFound);
}

TEST_F(CatalogTest, LatestWithMetadataFindsTheNewestMatchingVersion) {
  for (const char* text : {kOrderV1, kOrderV2, kOrderV3}) {
    SchemaInput in = Json(text);
    in.metadata =
        text == kOrderV3 ? R"({"properties":{"app":"b"}})" : R"({"properties":{"app":"a"}})";
    ASSERT_TRUE(service_->Register("orders", in));
  }
  EXPECT_EQ(service_->LatestWithMetadata("orders", {{"app", "a"}})->version, Version(2));
  EXPECT_EQ(service_->LatestWithMetadata("orders", {{"app", "b"}})->version, Version(3));
  EXPECT_EQ(Code(service_->LatestWithMetadata("orders", {{"app", "c"}})),
            ErrorCode::kSchemaNotFound);
  EXPECT_EQ(Code(service_->LatestWithMetadata("nope", {{"app", "a"}})),
            ErrorCode::kSubjectNotFound);
}

TEST_F(CatalogTest, ListSchemasHonoursPrefixLatestOnlyOffsetAndLimit) {
  Orders();
  Reg("payments", kOrderV1);
  auto all = *service_->ListSchemas({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[3].subject.str(), "payments");
  EXPECT_EQ(service_->ListSchemas({.subject_prefix = "ord"})->size(), 3u);
  auto latest = *service_->ListSchemas({.latest_only = true});
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].version, Version(3));
  auto page = *service_->ListSchemas({.offset = 1, .limit = 2});
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].version, Version(2));
}

// --- deprecation and lifecycle --------------------------------------------------------

TEST_F(CatalogTest, LifecycleIsDeprecatedBeforeTheSunsetAndRetiredFromIt) {
  Orders();
  auto v = service_->Deprecate("orders", VersionSelector::Exactly(Version(1)),
                               Sunset("2030-02-01", Version(3)), Admin("bob"));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->state, Lifecycle::kDeprecated);
  EXPECT_EQ(v->deprecation->replacement, Version(3));
  EXPECT_EQ(v->deprecation->deprecated_ms, now_ms_);
  now_ms_ = DayMs(2030, 1, 31) + 86'399'000;  // the last second before the sunset day
  EXPECT_EQ(service_->GetVersion("orders", VersionSelector::Exactly(Version(1)))->state,
            Lifecycle::kDeprecated);
  now_ms_ = DayMs(2030, 2, 1);
  EXPECT_EQ(service_->GetVersion("orders", VersionSelector::Exactly(Version(1)))->state,
            Lifecycle::kRetired);
  EXPECT_EQ(service_->GetVersion("orders", VersionSelector::Exactly(Version(2)))->state,
            Lifecycle::kActive);
}

TEST_F(CatalogTest, UndeprecateReturnsToActiveAndIsAuditedOnce) {
  Orders();
  ASSERT_TRUE(
      service_->Deprecate("orders", VersionSelector::Exactly(Version(1)), Sunset("2030-02-01")));
  auto v = service_->Undeprecate("orders", VersionSelector::Exactly(Version(1)));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->state, Lifecycle::kActive);
  EXPECT_FALSE(v->deprecation);
  ASSERT_TRUE(service_->Undeprecate("orders", VersionSelector::Exactly(Version(1))));
  EXPECT_EQ(AuditRows("DEPRECATE"), 1u);
  EXPECT_EQ(AuditRows("UNDEPRECATE"), 1u);
}

TEST_F(CatalogTest, RedeprecatingKeepsTheFirstDeprecationTime) {
  Orders();
  ASSERT_TRUE(
      service_->Deprecate("orders", VersionSelector::Exactly(Version(1)), Sunset("2030-02-01")));
  const std::int64_t first = now_ms_;
  now_ms_ += 1000;
  auto v =
      service_->Deprecate("orders", VersionSelector::Exactly(Version(1)), Sunset("2030-03-01"));
  EXPECT_EQ(v->deprecation->sunset, "2030-03-01");
  EXPECT_EQ(v->deprecation->deprecated_ms, first);
  ASSERT_TRUE(
      service_->Deprecate("orders", VersionSelector::Exactly(Version(1)), Sunset("2030-03-01")));
  EXPECT_EQ(AuditRows("DEPRECATE"), 2u);  // the identical third request wrote nothing
}

TEST_F(CatalogTest, BadSunsetDateOrReplacementIs42210) {
  Orders();
  for (const char* date : {"2030-02-30", "2030-13-01", "30-01-01", "2030/01/01", "", "2030-1-01"}) {
    EXPECT_EQ(Code(service_->Deprecate("orders", VersionSelector::Latest(), Sunset(date))),
              ErrorCode::kInvalidCatalogMetadata)
        << date;
  }
  EXPECT_EQ(Code(service_->Deprecate("orders", VersionSelector::Exactly(Version(1)),
                                     Sunset("2030-02-01", Version(1)))),
            ErrorCode::kInvalidCatalogMetadata);  // itself
  EXPECT_EQ(Code(service_->Deprecate("orders", VersionSelector::Exactly(Version(1)),
                                     Sunset("2030-02-01", Version(9)))),
            ErrorCode::kInvalidCatalogMetadata);  // not a version
  EXPECT_EQ(Code(service_->Deprecate("orders", VersionSelector::Exactly(Version(9)),
                                     Sunset("2030-02-01"))),
            ErrorCode::kVersionNotFound);
  EXPECT_EQ(Code(service_->Deprecate("nope", VersionSelector::Latest(), Sunset("2030-02-01"))),
            ErrorCode::kSubjectNotFound);
  EXPECT_TRUE(service_->DeprecationCalendar()->empty());
}

TEST_F(CatalogTest, CalendarIsSoonestFirstWithTheConsumersThatAcceptEachVersion) {
  Orders();
  Reg("payments", kOrderV1);
  Reg("payments", kOrderV2);
  ASSERT_TRUE(
      service_->Deprecate("orders", VersionSelector::Exactly(Version(2)), Sunset("2030-05-01")));
  ASSERT_TRUE(
      service_->Deprecate("orders", VersionSelector::Exactly(Version(1)), Sunset("2030-03-01")));
  ASSERT_TRUE(
      service_->Deprecate("payments", VersionSelector::Exactly(Version(1)), Sunset("2030-03-01")));
  ServiceRecord shipping{
      .name = "shipping",
      .consumes = {{.subject = SubjectName("orders"), .versions = {Version(1), Version(3)}}}};
  ServiceRecord billing{
      .name = "billing",
      .consumes = {{.subject = SubjectName("orders"), .min_version = Version(2)}}};
  ServiceRecord audit{.name = "audit", .consumes = {{.subject = SubjectName("payments")}}};
  for (const ServiceRecord& s : {shipping, billing, audit}) {
    ASSERT_TRUE(service_->PutServiceDeclaration(s));
  }
  auto cal = *service_->DeprecationCalendar();
  ASSERT_EQ(cal.size(), 3u);
  EXPECT_EQ(cal[0].version.subject.str(), "orders");  // same day: by subject
  EXPECT_EQ(cal[0].version.version, Version(1));
  EXPECT_EQ(cal[0].consumers, std::vector<std::string>{"shipping"});
  EXPECT_EQ(cal[1].version.subject.str(), "payments");
  EXPECT_EQ(cal[1].consumers, std::vector<std::string>{"audit"});  // "all" accepts it
  EXPECT_EQ(cal[2].version.version, Version(2));
  EXPECT_EQ(cal[2].consumers, std::vector<std::string>{"billing"});
  EXPECT_EQ(cal[2].version.deprecation->sunset, "2030-05-01");
}

// --- services ---------------------------------------------------------------------------

TEST_F(CatalogTest, ServiceDeclarationsArePutReadListedAndDeleted) {
  Orders();
  ServiceRecord s{.name = "shipping",
                  .owner = "logistics",
                  .produces = {SubjectName("shipments")},
                  .consumes = {{.subject = SubjectName("orders"),
                                .type = SchemaType::kJson,
                                .schema = kOrderV1,
                                .versions = {Version(3), Version(1), Version(3)}}}};
  auto put = service_->PutServiceDeclaration(s, Admin("ci"));
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_TRUE(put->changed);
  EXPECT_EQ(put->service.updated_ms, now_ms_);
  EXPECT_EQ(put->service.consumes[0].versions, (std::vector<Version>{Version(1), Version(3)}));
  auto got = *service_->GetServiceDeclaration("shipping");
  EXPECT_TRUE(got.SameDeclaration(put->service));
  EXPECT_EQ(service_->ListServiceDeclarations()->size(), 1u);
  auto consumers = *service_->ConsumersOf("orders");
  ASSERT_EQ(consumers.size(), 1u);
  EXPECT_EQ(consumers[0].service, "shipping");
  EXPECT_EQ(consumers[0].owner, "logistics");
  EXPECT_EQ(consumers[0].declaration.schema, kOrderV1);
  auto page = *service_->GetCatalogSubject("orders");
  EXPECT_EQ(page.consumers.size(), 1u);
  ASSERT_TRUE(service_->DeleteServiceDeclaration("shipping", Admin("ci")));
  EXPECT_EQ(Code(service_->GetServiceDeclaration("shipping")), ErrorCode::kServiceNotFound);
  EXPECT_EQ(Code(service_->DeleteServiceDeclaration("shipping")), ErrorCode::kServiceNotFound);
  EXPECT_TRUE(service_->ConsumersOf("orders")->empty());
  EXPECT_EQ(AuditRows("PUT_SERVICE"), 1u);
  EXPECT_EQ(AuditRows("DELETE_SERVICE"), 1u);
}

TEST_F(CatalogTest, PuttingTheSameDeclarationAgainChangesNothing) {
  ServiceRecord s{.name = "svc", .owner = "team", .produces = {SubjectName("a")}};
  auto first = *service_->PutServiceDeclaration(s);
  now_ms_ += 5000;
  auto second = *service_->PutServiceDeclaration(s);
  EXPECT_FALSE(second.changed);
  EXPECT_EQ(second.service.updated_ms, first.service.updated_ms);
  EXPECT_EQ(AuditRows("PUT_SERVICE"), 1u);
  s.owner = "other";
  EXPECT_TRUE(service_->PutServiceDeclaration(s)->changed);
  EXPECT_EQ(AuditRows("PUT_SERVICE"), 2u);
}

TEST_F(CatalogTest, InvalidServiceDeclarationsAreRefused) {
  EXPECT_EQ(Code(service_->PutServiceDeclaration(ServiceRecord{.name = "bad name"})),
            ErrorCode::kInvalidCatalogMetadata);
  EXPECT_EQ(Code(service_->PutServiceDeclaration(ServiceRecord{.name = ""})),
            ErrorCode::kInvalidCatalogMetadata);
  ServiceRecord twice{.name = "svc",
                      .consumes = {{.subject = SubjectName("a")}, {.subject = SubjectName("a")}}};
  EXPECT_EQ(Code(service_->PutServiceDeclaration(twice)), ErrorCode::kInvalidCatalogMetadata);
  ServiceRecord bad_reader{
      .name = "svc",
      .consumes = {
          {.subject = SubjectName("a"), .type = SchemaType::kJson, .schema = "{not json"}}};
  EXPECT_EQ(Code(service_->PutServiceDeclaration(bad_reader)), ErrorCode::kInvalidSchema);
  ServiceRecord bad_avro{.name = "svc",
                         .consumes = {{.subject = SubjectName("a"),
                                       .type = SchemaType::kAvro,
                                       .schema = R"({"type":"record"})"}}};
  EXPECT_EQ(Code(service_->PutServiceDeclaration(bad_avro)), ErrorCode::kInvalidSchema);
  EXPECT_TRUE(service_->ListServiceDeclarations()->empty());
}

// --- search -------------------------------------------------------------------------

TEST_F(CatalogTest, SearchMatchesNameDescriptionOwnerTagsAndFieldNames) {
  Orders();
  Reg("payments", R"({"type":"object","properties":{"amount":{"type":"number"}}})");
  ASSERT_TRUE(service_->PutSubjectMetadata(
      "payments",
      SubjectMetadata{.owner = "Billing", .description = "Money moved", .tags = {"finance"}}));
  auto names = [&](const CatalogQuery& q) {
    std::vector<std::string> out;
    auto rows = service_->SearchCatalog(q);
    EXPECT_TRUE(rows);
    for (const CatalogSummary& s : rows.value_or(std::vector<CatalogSummary>{})) {
      out.push_back(s.subject.str());
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names({}), (V{"orders", "payments"}));
  EXPECT_EQ(names({.q = "ORD"}), V{"orders"});
  EXPECT_EQ(names({.q = "money"}), V{"payments"});
  EXPECT_EQ(names({.q = "billing"}), V{"payments"});
  EXPECT_EQ(names({.q = "financ"}), V{"payments"});
  EXPECT_EQ(names({.q = "amount"}), V{"payments"});  // a field of the latest version
  EXPECT_EQ(names({.q = "note"}), V{"orders"});
  EXPECT_EQ(names({.owner = "billing"}), V{"payments"});
  EXPECT_EQ(names({.tag = "finance"}), V{"payments"});
  EXPECT_TRUE(names({.tag = "fin"}).empty());
  EXPECT_TRUE(names({.state = Lifecycle::kDeprecated}).empty());
  ASSERT_TRUE(
      service_->Deprecate("orders", VersionSelector::Exactly(Version(1)), Sunset("2030-02-01")));
  EXPECT_EQ(names({.state = Lifecycle::kDeprecated}), V{"orders"});
  EXPECT_EQ(names({.type = SchemaType::kAvro}), V{});
  auto rows = *service_->SearchCatalog({.q = "orders"});
  EXPECT_EQ(rows[0].latest.version, Version(3));
  EXPECT_EQ(rows[0].states, (std::vector<Lifecycle>{Lifecycle::kActive, Lifecycle::kDeprecated}));
}

// --- diff and changelog ------------------------------------------------------------

TEST_F(CatalogTest, DiffNamesTheDirectionsAndEveryChange) {
  Orders();
  auto d = service_->Diff("orders", VersionSelector::Exactly(Version(1)),
                          VersionSelector::Exactly(Version(2)));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->from, Version(1));
  EXPECT_EQ(d->to, Version(2));
  EXPECT_EQ(d->compatibility, "FORWARD");  // v2 requires 'total', which v1 data lacks
  ASSERT_FALSE(d->changes.empty());
  EXPECT_EQ(d->changes[0].severity, compat::Severity::kBreaking);
  auto same = *service_->Diff("orders", VersionSelector::Exactly(Version(2)),
                              VersionSelector::Exactly(Version(2)));
  EXPECT_EQ(same.compatibility, "FULL");
  EXPECT_TRUE(same.changes.empty());
  // Without `from`: the live version before `to`.
  EXPECT_EQ(service_->Diff("orders", std::nullopt, VersionSelector::Latest())->from, Version(2));
  EXPECT_EQ(Code(service_->Diff("orders", std::nullopt, VersionSelector::Exactly(Version(1)))),
            ErrorCode::kVersionNotFound);
  EXPECT_EQ(Code(service_->Diff("orders", VersionSelector::Exactly(Version(7)),
                                VersionSelector::Latest())),
            ErrorCode::kVersionNotFound);
}

TEST_F(CatalogTest, ChangelogIsNewestFirstAndSkipsDeletedVersions) {
  Orders();
  ASSERT_TRUE(
      service_->DeleteVersion("orders", VersionSelector::Exactly(Version(2)), DeleteKind::kSoft));
  auto log = *service_->Changelog("orders");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].to, Version(3));
  EXPECT_EQ(log[0].from, Version(1));
  EXPECT_EQ(log[1].to, Version(1));
  EXPECT_EQ(log[1].from, Version(0));
  EXPECT_TRUE(log[1].changes.empty());
}

TEST_F(CatalogTest, AvroDiffUsesTheAvroRules) {
  Reg("users", R"({"type":"record","name":"U","fields":[{"name":"a","type":"string"}]})",
      SchemaType::kAvro);
  Reg("users",
      R"({"type":"record","name":"U","fields":[{"name":"a","type":"string"},{"name":"b","type":"int","default":0}]})",
      SchemaType::kAvro);
  auto d = *service_->Diff("users", std::nullopt, VersionSelector::Latest());
  EXPECT_EQ(d.compatibility, "FULL");  // a field with a default reads both ways
  EXPECT_FALSE(d.changes.empty());
}

// --- fields and PII ------------------------------------------------------------------

std::vector<std::string> Paths(const std::vector<FieldInfo>& fields) {
  std::vector<std::string> out;
  for (const FieldInfo& f : fields) out.push_back(f.path);
  return out;
}

TEST_F(CatalogTest, JsonSchemaFieldsFollowNestingItemsAndLocalRefsWithACycleGuard) {
  Reg("people", R"({
    "$defs": {
      "person": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "x-pii": true, "description": "full name"},
        "friends": {"type": "array", "items": {"$ref": "#/$defs/person"}}}},
      "address": {"type": "object", "properties": {"city": {"type": "string"}}}
    },
    "type": "object", "required": ["owner"],
    "properties": {
      "owner": {"$ref": "#/$defs/person"},
      "home": {"$ref": "#/$defs/address"},
      "tags": {"type": ["array", "null"], "items": {"type": "string"}}
    }})");
  auto fields = *service_->Fields("people", VersionSelector::Latest());
  EXPECT_EQ(Paths(fields), (std::vector<std::string>{"owner", "owner.name", "owner.friends", "home",
                                                     "home.city", "tags"}));
  EXPECT_TRUE(fields[0].required);
  EXPECT_EQ(fields[0].type, "object");
  EXPECT_TRUE(fields[1].pii);
  EXPECT_TRUE(fields[1].required);
  EXPECT_EQ(fields[1].description, "full name");
  EXPECT_FALSE(fields[3].required);
  EXPECT_EQ(fields[5].type, "array|null");
  EXPECT_EQ(service_->GetCatalogSubject("people")->pii_fields,
            std::vector<std::string>{"owner.name"});
}

TEST_F(CatalogTest, ArrayOfObjectsListsItemPropertiesUnderBrackets) {
  Reg("cart", R"({"type":"object","properties":{"lines":{"type":"array","items":{
      "type":"object","properties":{"sku":{"type":"string"}}}}}})");
  EXPECT_EQ(Paths(*service_->Fields("cart", VersionSelector::Latest())),
            (std::vector<std::string>{"lines", "lines[].sku"}));
}

TEST_F(CatalogTest, AvroFieldsFollowRecordsArraysMapsAndNamedTypes) {
  Reg("users", R"({"type":"record","name":"User","namespace":"ex","fields":[
      {"name":"email","type":"string","pii":true,"doc":"contact"},
      {"name":"nick","type":["null","string"],"default":null},
      {"name":"address","type":{"type":"record","name":"Address","fields":[
          {"name":"city","type":"string"}]}},
      {"name":"previous","type":{"type":"array","items":"Address"}},
      {"name":"labels","type":{"type":"map","values":{"type":"record","name":"Label",
          "fields":[{"name":"text","type":"string"}]}}},
      {"name":"manager","type":["null","User"],"default":null}]})",
      SchemaType::kAvro);
  auto fields = *service_->Fields("users", VersionSelector::Latest());
  EXPECT_EQ(Paths(fields),
            (std::vector<std::string>{"email", "nick", "address", "address.city", "previous",
                                      "previous[].city", "labels", "labels{}.text", "manager"}));
  EXPECT_TRUE(fields[0].pii);
  EXPECT_TRUE(fields[0].required);
  EXPECT_EQ(fields[0].description, "contact");
  EXPECT_FALSE(fields[1].required);
  EXPECT_EQ(fields[1].type, "null|string");
  EXPECT_EQ(fields[2].type, "record");
}

// --- audit --------------------------------------------------------------------------

TEST_F(CatalogTest, AuditFiltersBySubject) {
  Orders();
  Reg("payments", kOrderV1);
  auto rows = *service_->Audit({.after_seq = 0, .limit = 1000, .subject = "payments"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action, "REGISTER");
}

TEST(Lifecycle, NamesRoundTrip) {
  for (Lifecycle l : {Lifecycle::kActive, Lifecycle::kDeprecated, Lifecycle::kRetired}) {
    EXPECT_EQ(LifecycleFromString(LifecycleName(l)), l);
  }
  EXPECT_EQ(LifecycleFromString("retired"), Lifecycle::kRetired);
  EXPECT_EQ(LifecycleFromString("gone"), std::nullopt);
  EXPECT_EQ(CalendarDate(DayMs(2030, 2, 1) - 1), "2030-01-31");
}

}  // namespace
}  // namespace accord::registry

// The registry's governance policies (service.h, "Deprecation policy" and
// "Lint on register"): hard delete refused while a registered consumer still
// accepts the version (40902, unless forced), the minimum notice of a sunset
// (42210 naming the earliest date), retired schemas still served by id and
// flagged, and the lint switch of the config with compat::lint's rules on
// register (42201 with the rule ids; warnings pass). Each test is named after
// the rule it checks.
#include <gtest/gtest.h>

#include <chrono>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Json;

// 2030-01-15T01:00:00Z
constexpr std::int64_t kNow = 1894665600000 + 3600 * 1000;

constexpr const char* kV1 = R"({"type":"object","properties":{"id":{"type":"string"}}})";
constexpr const char* kV2 =
    R"({"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}}})";

// A schema that passes the default lint rules ("billing.invoice-issued").
constexpr const char* kLintClean =
    R"({"type":"object","description":"An invoice was issued.","properties":{)"
    R"("id":{"type":"string","description":"Invoice id."}}})";
// Fails property-description and pii-unmarked.
constexpr const char* kLintDirty =
    R"({"type":"object","description":"An invoice was issued.","properties":{)"
    R"("id":{"type":"string","description":"Invoice id."},"email":{"type":"string"}}})";

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(ServiceOptions{}); }
  void Start(ServiceOptions options) {
    options.now_ms = [this] { return now_ms_; };
    service_ = std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"), options);
    api_ = std::make_unique<Api>(*service_);
    ASSERT_TRUE(service_->SetConfig(std::nullopt, ConfigRecord{.level = compat::Level::kNone}));
  }
  RegistryResult<Registered> Reg(const std::string& subject, const std::string& text) {
    return service_->Register(subject, Json(text));
  }
  void Consume(const std::string& service, const std::string& subject,
               std::vector<Version> versions, std::optional<Version> min_version = {}) {
    ServiceRecord s{.name = service,
                    .owner = "team",
                    .consumes = {{.subject = SubjectName(subject),
                                  .type = SchemaType::kJson,
                                  .schema = kV1,
                                  .versions = std::move(versions),
                                  .min_version = min_version}}};
    auto put = service_->PutServiceDeclaration(s);
    ASSERT_TRUE(put) << put.error().message;
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return api_->Handle(testing::JsonRequest(method, target, body));
  }
  static const std::string* Header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return &v;
    }
    return nullptr;
  }

  std::int64_t now_ms_ = kNow;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Api> api_;
};

// --- hard delete while consumed ---------------------------------------------------

TEST_F(PolicyTest, HardDeleteOfAConsumedVersionIs40902NamingTheConsumers) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  Consume("shipping", "orders", {Version(1)});
  Consume("billing", "orders", {}, Version(1));  // ">=1"
  Consume("audit", "orders", {Version(2)});      // does not accept v1
  ASSERT_TRUE(service_->DeleteVersion("orders", VersionSelector::Exactly(Version(1)),
                                      DeleteKind::kSoft));  // soft delete stays allowed
  auto hard = service_->DeleteVersion("orders", VersionSelector::Exactly(Version(1)),
                                      DeleteKind::kPermanent);
  ASSERT_FALSE(hard);
  EXPECT_EQ(hard.error().code, ErrorCode::kVersionInUse);
  EXPECT_NE(hard.error().message.find("billing, shipping"), std::string::npos)
      << hard.error().message;
  EXPECT_EQ(hard.error().message.find("audit"), std::string::npos);
  EXPECT_EQ(service_->ListVersions("orders", IncludeDeleted::kYes)->size(), 2u);
}

TEST_F(PolicyTest, ForcedHardDeleteOfAConsumedVersionSucceeds) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  Consume("shipping", "orders", {Version(1)});
  ASSERT_TRUE(
      service_->DeleteVersion("orders", VersionSelector::Exactly(Version(1)), DeleteKind::kSoft));
  auto hard = service_->DeleteVersion("orders", VersionSelector::Exactly(Version(1)),
                                      DeleteKind::kPermanent, Principal::OpenAdmin(), Force::kYes);
  ASSERT_TRUE(hard) << hard.error().message;
  EXPECT_EQ(service_->ListVersions("orders", IncludeDeleted::kYes)->size(), 1u);
}

TEST_F(PolicyTest, HardDeleteOfAVersionNoConsumerAcceptsSucceeds) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  Consume("shipping", "orders", {Version(2)});
  Consume("other", "payments", {Version(1)});  // another subject
  ASSERT_TRUE(
      service_->DeleteVersion("orders", VersionSelector::Exactly(Version(1)), DeleteKind::kSoft));
  EXPECT_TRUE(service_->DeleteVersion("orders", VersionSelector::Exactly(Version(1)),
                                      DeleteKind::kPermanent));
}

TEST_F(PolicyTest, HardDeleteOfAConsumedSubjectIs40902UnlessForced) {
  ASSERT_TRUE(Reg("orders", kV1));
  Consume("shipping", "orders", {}, Version(1));
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft));
  auto hard = service_->DeleteSubject("orders", DeleteKind::kPermanent);
  ASSERT_FALSE(hard);
  EXPECT_EQ(hard.error().code, ErrorCode::kVersionInUse);
  EXPECT_TRUE(service_->DeleteSubject("orders", DeleteKind::kPermanent, Principal::OpenAdmin(),
                                      Force::kYes));
}

TEST_F(PolicyTest, HttpHardDeleteIs409AndForceQueryOverrides) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  Consume("shipping", "orders", {Version(1)});
  EXPECT_EQ(Call("DELETE", "/subjects/orders/versions/1").status, 200);
  HttpResponse r = Call("DELETE", "/subjects/orders/versions/1?permanent=true");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code, 40902);
  EXPECT_NE(r.body.find("shipping"), std::string::npos) << r.body;
  // Forced: the reply lists the versions deleted and the consumers overridden.
  HttpResponse forced = Call("DELETE", "/subjects/orders/versions/1?permanent=true&force=true");
  EXPECT_EQ(forced.status, 200);
  EXPECT_EQ(forced.body,
            R"({"versions":[1],"overriddenConsumers":[{"service":"shipping","owner":"team",)"
            R"("versions":[1]}]})");
}

TEST_F(PolicyTest, HttpForceAsksForTheAccordReplyEvenWhenNothingIsOverridden) {
  ASSERT_TRUE(Reg("orders", kV1));
  HttpResponse soft = Call("DELETE", "/subjects/orders/versions/1?force=true");
  EXPECT_EQ(soft.status, 200);
  EXPECT_EQ(soft.body, R"({"versions":[1],"overriddenConsumers":[]})");
  HttpResponse hard = Call("DELETE", "/subjects/orders?permanent=true&force=true");
  EXPECT_EQ(hard.status, 200);
  EXPECT_EQ(hard.body, R"({"versions":[1],"overriddenConsumers":[]})");
  auto rows = *service_->Audit({.limit = 100, .subject = "orders"});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().action, "HARD_DELETE_SUBJECT");
  EXPECT_EQ(rows.back().detail, R"({"force":true,"overriddenConsumers":[]})");
}

TEST_F(PolicyTest, HttpDeletesWithoutForceKeepConfluentsReplies) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  Consume("shipping", "orders", {Version(2)});
  EXPECT_EQ(Call("DELETE", "/subjects/orders/versions/1").body, "1");
  EXPECT_EQ(Call("DELETE", "/subjects/orders/versions/1?permanent=true").body, "1");
  EXPECT_EQ(Call("DELETE", "/subjects/orders").body, "[2]");
  HttpResponse forced = Call("DELETE", "/subjects/orders?permanent=true&force=true");
  EXPECT_EQ(forced.status, 200);
  EXPECT_EQ(forced.body,
            R"({"versions":[2],"overriddenConsumers":[{"service":"shipping","owner":"team",)"
            R"("versions":[2]}]})");
}

// --- notice -----------------------------------------------------------------------

TEST_F(PolicyTest, SunsetSoonerThanTheNoticeIs42210NamingTheEarliestDate) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  const auto v1 = VersionSelector::Exactly(Version(1));
  for (const char* date : {"2030-02-13", "2030-01-15", "2020-01-01"}) {
    auto d = service_->Deprecate("orders", v1, DeprecationRequest{.sunset = date});
    ASSERT_FALSE(d) << date;
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidCatalogMetadata);
    EXPECT_NE(d.error().message.find("earliest allowed date is 2030-02-14"), std::string::npos)
        << d.error().message;
  }
  EXPECT_TRUE(service_->Deprecate("orders", v1, DeprecationRequest{.sunset = "2030-02-14"}));
}

TEST_F(PolicyTest, KeepingOrPostponingAStoredSunsetNeedsNoNewNotice) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  const auto v1 = VersionSelector::Exactly(Version(1));
  ASSERT_TRUE(service_->Deprecate("orders", v1, DeprecationRequest{.sunset = "2030-02-14"}));
  now_ms_ += 20LL * 86'400'000;  // 10 days of notice left
  EXPECT_TRUE(service_->Deprecate(
      "orders", v1, DeprecationRequest{.sunset = "2030-02-14", .reason = "new reason"}));
  EXPECT_TRUE(service_->Deprecate("orders", v1, DeprecationRequest{.sunset = "2030-02-20"}));
  auto sooner = service_->Deprecate("orders", v1, DeprecationRequest{.sunset = "2030-02-19"});
  ASSERT_FALSE(sooner);
  EXPECT_EQ(sooner.error().code, ErrorCode::kInvalidCatalogMetadata);
}

// accord import carries deprecations over from another registry, where
// their notice was given: a retired version arrives retired.
TEST_F(PolicyTest, ImportModeCarriesASunsetWithoutNewNotice) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  const auto v1 = VersionSelector::Exactly(Version(1));
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kImport, Force::kYes, Principal::OpenAdmin()));
  auto d = service_->Deprecate("orders", v1, DeprecationRequest{.sunset = "2020-01-01"});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->state, Lifecycle::kRetired);
  ASSERT_TRUE(
      service_->SetMode(std::nullopt, Mode::kReadWrite, Force::kNo, Principal::OpenAdmin()));
  auto sooner = service_->Deprecate("orders", VersionSelector::Exactly(Version(2)),
                                    DeprecationRequest{.sunset = "2020-01-01"});
  ASSERT_FALSE(sooner);
  EXPECT_EQ(sooner.error().code, ErrorCode::kInvalidCatalogMetadata);
}

TEST_F(PolicyTest, ZeroNoticeAllowsPastSunsets) {
  ServiceOptions options;
  options.min_notice_days = 0;
  Start(options);
  ASSERT_TRUE(Reg("orders", kV1));
  auto d = service_->Deprecate("orders", VersionSelector::Latest(),
                               DeprecationRequest{.sunset = "2020-01-01"});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->state, Lifecycle::kRetired);
}

// --- retired schemas by id ---------------------------------------------------------

TEST_F(PolicyTest, SchemaByIdOfRetiredVersionsIsServedWithDeprecationHeaders) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  ASSERT_TRUE(
      service_->Deprecate("orders", VersionSelector::Exactly(Version(1)),
                          DeprecationRequest{.sunset = "2030-03-01", .replacement = Version(2)}));
  now_ms_ += 60LL * 86'400'000;  // past the sunset: RETIRED
  for (const char* path : {"/schemas/ids/1", "/schemas/ids/1/schema"}) {
    HttpResponse r = Call("GET", path);
    EXPECT_EQ(r.status, 200) << path;
    ASSERT_NE(Header(r, "Sunset"), nullptr) << path;
    EXPECT_EQ(*Header(r, "Sunset"), "Fri, 01 Mar 2030 00:00:00 GMT");
    EXPECT_NE(Header(r, "Deprecation"), nullptr) << path;
    ASSERT_NE(Header(r, "Link"), nullptr) << path;
    EXPECT_EQ(*Header(r, "Link"), "</subjects/orders/versions/2>; rel=\"successor-version\"");
  }
  EXPECT_EQ(Header(Call("GET", "/schemas/ids/2"), "Sunset"), nullptr);
}

TEST_F(PolicyTest, SchemaByIdWithAnActiveHolderIsNotFlagged) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  ASSERT_TRUE(Reg("returns", kV1));  // same schema id, active here
  ASSERT_TRUE(service_->Deprecate("orders", VersionSelector::Exactly(Version(1)),
                                  DeprecationRequest{.sunset = "2030-03-01"}));
  auto served = service_->GetServedSchema(SchemaId(1));
  ASSERT_TRUE(served);
  EXPECT_FALSE(served->deprecated);
  EXPECT_EQ(Header(Call("GET", "/schemas/ids/1"), "Sunset"), nullptr);
}

// Reads by id memoise the flag (no store query per read); every write and
// the next day invalidate it.
TEST_F(PolicyTest, SchemaByIdFlagFollowsDeprecationChangesAfterItWasRead) {
  ASSERT_TRUE(Reg("orders", kV1));
  ASSERT_TRUE(Reg("orders", kV2));
  auto before = service_->GetServedSchema(SchemaId(1));
  ASSERT_TRUE(before);
  EXPECT_FALSE(before->deprecated);
  ASSERT_TRUE(service_->Deprecate("orders", VersionSelector::Exactly(Version(1)),
                                  DeprecationRequest{.sunset = "2030-03-01"}));
  auto deprecated = service_->GetServedSchema(SchemaId(1));
  ASSERT_TRUE(deprecated);
  ASSERT_TRUE(deprecated->deprecated);
  EXPECT_EQ(deprecated->deprecated->deprecation->sunset, "2030-03-01");
  ASSERT_TRUE(service_->Undeprecate("orders", VersionSelector::Exactly(Version(1))));
  auto again = service_->GetServedSchema(SchemaId(1));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->deprecated);
}

// --- lint on register --------------------------------------------------------------

TEST_F(PolicyTest, LintIsOffUntilTheConfigTurnsItOn) {
  EXPECT_TRUE(Reg("Bad_Name", kLintDirty));
  auto global = service_->GetConfig(std::nullopt, false);
  ASSERT_TRUE(global);
  EXPECT_EQ(global->lint, std::nullopt);  // unset: off, and left out of GET /config
}

TEST_F(PolicyTest, SubjectLintRefusesErrorFindingsWith42201AndRuleIds) {
  ASSERT_TRUE(service_->SetConfig("billing.invoice-issued", ConfigRecord{.lint = true}));
  auto r = Reg("billing.invoice-issued", kLintDirty);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidSchema);
  const std::string& m = r.error().message;
  EXPECT_NE(m.find("[pii-unmarked]"), std::string::npos) << m;
  EXPECT_NE(m.find("[property-description]"), std::string::npos) << m;
  EXPECT_NE(m.find("[owner-required]"), std::string::npos) << m;
  EXPECT_FALSE(service_->ListVersions("billing.invoice-issued"));  // nothing registered
  // Another subject is not linted.
  EXPECT_TRUE(Reg("billing.other-thing-issued", kLintDirty));
}

TEST_F(PolicyTest, LintUsesTheCatalogOwnerAndPassesACleanSchema) {
  ASSERT_TRUE(service_->SetConfig(std::nullopt, ConfigRecord{.lint = true}));
  // No owner known yet: refused for owner-required only.
  auto r = Reg("billing.invoice-issued", kLintClean);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("[owner-required]"), std::string::npos) << r.error().message;
  // The owner given with the registration (metadata.properties.owner) counts.
  SchemaInput in = Json(kLintClean);
  in.metadata = R"({"properties":{"owner":"team-billing"}})";
  auto ok = service_->Register("billing.invoice-issued", in);
  ASSERT_TRUE(ok) << ok.error().message;
  // Later versions use the stored owner.
  auto v2 = Reg("billing.invoice-issued",
                R"({"type":"object","description":"An invoice was issued.","properties":{)"
                R"("id":{"type":"string","description":"Invoice id."},)"
                R"("note":{"type":"string","description":"Free text."}}})");
  EXPECT_TRUE(v2) << v2.error().message;
}

TEST_F(PolicyTest, LintWarningsDoNotRefuseAndRuleLevelsComeFromTheOptions) {
  ServiceOptions options;
  options.lint.levels["pii-unmarked"] = compat::lint::Level::kWarning;
  options.lint.levels["owner-required"] = compat::lint::Level::kOff;
  options.lint.levels["property-description"] = compat::lint::Level::kOff;
  Start(options);
  ASSERT_TRUE(service_->SetConfig("billing.invoice-issued", ConfigRecord{.lint = true}));
  auto r = Reg("billing.invoice-issued", kLintDirty);
  EXPECT_TRUE(r) << r.error().message;
  // A subject config without lint inherits the global switch.
  ASSERT_TRUE(service_->SetConfig(std::nullopt, ConfigRecord{.lint = true}));
  ASSERT_TRUE(service_->SetConfig("Bad_Name", ConfigRecord{.level = compat::Level::kNone}));
  auto bad = Reg("Bad_Name", kLintClean);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("[subject-name]"), std::string::npos);
  // ...and lint=false on the subject turns it off again.
  ASSERT_TRUE(service_->SetConfig("Bad_Name", ConfigRecord{.lint = false}));
  EXPECT_TRUE(Reg("Bad_Name", kLintClean));
}

TEST_F(PolicyTest, HttpConfigReadsAndWritesTheLintSwitch) {
  HttpResponse put = Call("PUT", "/config/orders", R"({"lint":true})");
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_NE(put.body.find("\"lint\":true"), std::string::npos) << put.body;
  HttpResponse get = Call("GET", "/config/orders");
  EXPECT_NE(get.body.find("\"lint\":true"), std::string::npos) << get.body;
  EXPECT_NE(get.body.find("\"compatibilityLevel\":\"NONE\""), std::string::npos) << get.body;
  EXPECT_EQ(Call("GET", "/config").body.find("lint"), std::string::npos);  // Confluent's body
  ASSERT_EQ(Call("PUT", "/config", R"({"lint":false})").status, 200);
  EXPECT_NE(Call("GET", "/config").body.find("\"lint\":false"), std::string::npos);
  EXPECT_EQ(Call("PUT", "/config", R"({"lint":"yes"})").status, 422);
  EXPECT_EQ(Call("PUT", "/config", R"({})").error_code, 42203);
}

}  // namespace
}  // namespace accord::registry

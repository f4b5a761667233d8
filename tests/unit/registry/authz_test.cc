// Authorisation rules of the Service (service.h, AUTHORISATION) and the
// authentication gate of the Api (http_api.h). Each test names the rule.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "accord/registry/auth.h"
#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Admin;
using testing::Caller;
using testing::Json;
using testing::R;

const Principal kReader = Caller("dashboard", Role::kReader, {"team-a"});
const Principal kWriterA = Caller("ci-a", Role::kWriter, {"team-a", "team-a2"});
const Principal kWriterB = Caller("ci-b", Role::kWriter, {"team-b"});
const Principal kAdmin = Admin("root");

template <typename T>
ErrorCode CodeOf(const RegistryResult<T>& r) {
  return r ? ErrorCode{} : r.error().code;
}

class AuthzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions options;
    options.min_notice_days = 0;
    service_ = std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"), options);
    ASSERT_TRUE(service_->SetConfig(std::nullopt, ConfigRecord{.level = compat::Level::kNone}));
  }
  RegistryResult<Registered> Reg(const std::string& subject, const Principal& who,
                                 const std::string& schema = R("\"a\""),
                                 const std::string& metadata = {}) {
    SchemaInput in = Json(schema);
    in.metadata = metadata;
    return service_->Register(subject, in, who);
  }
  std::string OwnerOf(const std::string& subject) {
    auto m = service_->GetSubjectMetadata(subject);
    return m ? m->owner : "<error>";
  }
  std::size_t AuditRows() { return service_->Audit({.limit = 1000})->size(); }
  // "orders" owned by team-a, registered by ci-a (version 1).
  void OrdersOfTeamA() { ASSERT_TRUE(Reg("orders", kWriterA)); }

  std::unique_ptr<Service> service_;
};

TEST_F(AuthzTest, ReaderMayNotWriteAnything) {
  OrdersOfTeamA();
  EXPECT_EQ(CodeOf(Reg("orders", kReader, R("\"b\""))), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(Reg("fresh", kReader)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->DeleteSubject("orders", DeleteKind::kSoft, kReader)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->UpdateSubjectMetadata("orders", MetadataUpdate{.description = "x"},
                                                   kReader)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->PutServiceDeclaration(ServiceRecord{.name = "s", .owner = "team-a"},
                                                   kReader)),
            ErrorCode::kForbidden);
}

TEST_F(AuthzTest, FirstRegistrationSetsOwnerToWritersFirstTeamInTheSameAuditRow) {
  const std::size_t before = AuditRows();
  ASSERT_TRUE(Reg("orders", kWriterA));
  EXPECT_EQ(OwnerOf("orders"), "team-a");
  auto rows = *service_->Audit({.limit = 1000});
  ASSERT_EQ(rows.size(), before + 1);  // one write: version and owner together
  EXPECT_EQ(rows.back().action, "REGISTER");
  EXPECT_EQ(rows.back().actor, "ci-a");
  EXPECT_NE(rows.back().detail.find("team-a"), std::string::npos);
}

TEST_F(AuthzTest, WriterMayClaimANewSubjectForAnotherOfItsTeamsButNotForeignOne) {
  const std::string own = R"({"properties":{"owner":"team-a2"}})";
  const std::string foreign = R"({"properties":{"owner":"team-b"}})";
  EXPECT_EQ(CodeOf(Reg("payments", kWriterA, R("\"a\""), foreign)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->GetSubjectMetadata("payments")), ErrorCode::kSubjectNotFound);
  ASSERT_TRUE(Reg("payments", kWriterA, R("\"a\""), own));
  EXPECT_EQ(OwnerOf("payments"), "team-a2");
}

TEST_F(AuthzTest, AdminSetsAnotherOwnerAtFirstRegistration) {
  ASSERT_TRUE(Reg("orders", kAdmin, R("\"a\""), R"({"properties":{"owner":"team-b"}})"));
  EXPECT_EQ(OwnerOf("orders"), "team-b");
  EXPECT_TRUE(Reg("orders", kWriterB, R("\"b\"")));
  EXPECT_EQ(CodeOf(Reg("orders", kWriterA, R("\"c\""))), ErrorCode::kForbidden);
}

TEST_F(AuthzTest, WriterOfAnotherTeamIsRefusedEveryChangeAndNothingChanges) {
  OrdersOfTeamA();
  const std::size_t rows = AuditRows();
  EXPECT_EQ(CodeOf(Reg("orders", kWriterB, R("\"b\""))), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(Reg("orders", kWriterB)), ErrorCode::kForbidden);  // even idempotent
  EXPECT_EQ(CodeOf(service_->DeleteSubject("orders", DeleteKind::kSoft, kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->DeleteVersion("orders", VersionSelector::Latest(), DeleteKind::kSoft,
                                           kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(
      CodeOf(service_->SetConfig("orders", ConfigRecord{.level = compat::Level::kFull}, kWriterB)),
      ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->SetMode("orders", Mode::kReadOnly, Force::kNo, kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->UpdateSubjectMetadata("orders", MetadataUpdate{.description = "mine"},
                                                   kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->Deprecate("orders", VersionSelector::Latest(),
                                       DeprecationRequest{.sunset = "2099-01-01"}, kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->Undeprecate("orders", VersionSelector::Latest(), kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(AuditRows(), rows);
  EXPECT_EQ(service_->ListVersions("orders")->size(), 1u);
  EXPECT_EQ(CodeOf(service_->GetConfig("orders", false)),
            ErrorCode::kSubjectCompatibilityNotConfigured);
}

TEST_F(AuthzTest, OwnersWriterMayChangeItsSubject) {
  OrdersOfTeamA();
  EXPECT_TRUE(Reg("orders", kWriterA, R("\"b\"")));
  EXPECT_TRUE(service_->SetConfig("orders", ConfigRecord{.level = compat::Level::kNone}, kWriterA));
  EXPECT_TRUE(
      service_->UpdateSubjectMetadata("orders", MetadataUpdate{.description = "d"}, kWriterA));
  EXPECT_TRUE(service_->Deprecate("orders", VersionSelector::Exactly(Version(1)),
                                  DeprecationRequest{.sunset = "2099-01-01"}, kWriterA));
  EXPECT_TRUE(service_->Undeprecate("orders", VersionSelector::Exactly(Version(1)), kWriterA));
  EXPECT_TRUE(
      service_->DeleteVersion("orders", VersionSelector::Latest(), DeleteKind::kSoft, kWriterA));
  EXPECT_TRUE(service_->SetMode("orders", Mode::kReadOnly, Force::kNo, kWriterA));
  EXPECT_TRUE(service_->DeleteMode("orders", kWriterA));
  EXPECT_TRUE(service_->DeleteConfig("orders", kWriterA));
  EXPECT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft, kWriterA));
  auto rows = *service_->Audit({.limit = 1000, .actor = "ci-a"});
  EXPECT_EQ(rows.size(), 11u);  // every change names the principal
}

TEST_F(AuthzTest, OnlyAnAdminChangesAnOwner) {
  OrdersOfTeamA();
  EXPECT_EQ(CodeOf(service_->UpdateSubjectMetadata("orders", MetadataUpdate{.owner = "team-b"},
                                                   kWriterA)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(Reg("orders", kWriterA, R("\"b\""), R"({"properties":{"owner":"team-a2"}})")),
            ErrorCode::kForbidden);
  EXPECT_EQ(OwnerOf("orders"), "team-a");
  // Naming the same owner is no change.
  EXPECT_TRUE(service_->UpdateSubjectMetadata(
      "orders", MetadataUpdate{.owner = "team-a", .description = "d"}, kWriterA));
  EXPECT_TRUE(service_->UpdateSubjectMetadata("orders", MetadataUpdate{.owner = "team-b"}, kAdmin));
  EXPECT_EQ(OwnerOf("orders"), "team-b");
}

TEST_F(AuthzTest, GlobalConfigModeAndImportAreAdminOnly) {
  OrdersOfTeamA();
  const ConfigRecord full{.level = compat::Level::kFull};
  EXPECT_EQ(CodeOf(service_->SetConfig(std::nullopt, full, kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->DeleteConfig(std::nullopt, kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->SetMode(std::nullopt, Mode::kReadOnly, Force::kNo, kWriterA)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->SetMode("orders", Mode::kImport, Force::kYes, kWriterA)),
            ErrorCode::kForbidden);
  EXPECT_TRUE(service_->SetConfig(std::nullopt, full, kAdmin));
  EXPECT_TRUE(service_->SetMode("orders", Mode::kImport, Force::kYes, kAdmin));
  EXPECT_TRUE(service_->SetMode(std::nullopt, Mode::kReadWrite, Force::kNo, kAdmin));
}

TEST_F(AuthzTest, SubjectWithoutOwnerIsChangedByAdminsOnly) {
  // Older data: registered on an open server, so no owner.
  ASSERT_TRUE(Reg("legacy", Principal::OpenAdmin()));
  EXPECT_EQ(OwnerOf("legacy"), "");
  EXPECT_EQ(CodeOf(Reg("legacy", kWriterA, R("\"b\""))), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->DeleteSubject("legacy", DeleteKind::kSoft, kWriterA)),
            ErrorCode::kForbidden);
  ASSERT_TRUE(service_->UpdateSubjectMetadata("legacy", MetadataUpdate{.owner = "team-a"}, kAdmin));
  EXPECT_TRUE(Reg("legacy", kWriterA, R("\"b\"")));
}

TEST_F(AuthzTest, ForcedPermanentDeleteIsAdminOnly) {
  OrdersOfTeamA();
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft, kWriterA));
  EXPECT_EQ(
      CodeOf(service_->DeleteSubject("orders", DeleteKind::kPermanent, kWriterA, Force::kYes)),
      ErrorCode::kForbidden);
  EXPECT_TRUE(service_->DeleteSubject("orders", DeleteKind::kPermanent, kWriterA));
}

TEST_F(AuthzTest, ServiceDeclarationNeedsTheDeclaredAndStoredOwnerAmongWritersTeams) {
  const ServiceRecord mine{.name = "checkout", .owner = "team-a"};
  const ServiceRecord theirs{.name = "checkout", .owner = "team-b"};
  EXPECT_EQ(CodeOf(service_->PutServiceDeclaration(theirs, kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->PutServiceDeclaration(ServiceRecord{.name = "x"}, kWriterA)),
            ErrorCode::kForbidden);  // no owner: not one of its teams
  ASSERT_TRUE(service_->PutServiceDeclaration(mine, kWriterA));
  // Team b may not take it over, even declaring itself the owner.
  EXPECT_EQ(CodeOf(service_->PutServiceDeclaration(theirs, kWriterB)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->DeleteServiceDeclaration("checkout", kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(service_->GetServiceDeclaration("checkout")->owner, "team-a");
  EXPECT_TRUE(service_->PutServiceDeclaration(theirs, kAdmin));
  EXPECT_TRUE(service_->DeleteServiceDeclaration("checkout", kWriterB));
}

TEST_F(AuthzTest, AuditIsAdminOnlyAndFiltersByActorAndTime) {
  OrdersOfTeamA();
  ASSERT_TRUE(Reg("payments", kWriterB));
  EXPECT_EQ(CodeOf(service_->Audit({}, kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->Audit({}, kReader)), ErrorCode::kForbidden);
  auto b = *service_->Audit({.limit = 100, .actor = "ci-b"}, kAdmin);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].subject, "payments");
  EXPECT_TRUE(service_->Audit({.limit = 100, .since_ms = b[0].ts_ms + 1}, kAdmin)->empty());
  EXPECT_FALSE(service_->Audit({.limit = 100, .until_ms = b[0].ts_ms}, kAdmin)->empty());
  EXPECT_TRUE(service_->Audit({.limit = 100, .until_ms = 0}, kAdmin)->empty());
}

TEST_F(AuthzTest, OpenServerAllowsEverythingAsAnonymous) {
  ASSERT_TRUE(Reg("orders", Principal::OpenAdmin()));
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kReadWrite, Force::kNo));
  auto rows = *service_->Audit({.limit = 100});
  EXPECT_EQ(rows.back().actor, "anonymous");
}

// --- the Api's authentication gate ---------------------------------------------

std::string Base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

class ApiAuthTest : public ::testing::Test {
 protected:
  void Start(bool anonymous_read) {
    AuthConfig config;
    config.anonymous_read = anonymous_read;
    config.keys.push_back(ApiKey{"ci-a", {"team-a"}, Role::kWriter, KeyHash("writer-key")});
    config.keys.push_back(ApiKey{"root", {}, Role::kAdmin, KeyHash("admin-key")});
    auth_ = std::make_unique<Authenticator>(std::move(config));
    service_ = std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"));
    api_ = std::make_unique<Api>(*service_, ApiOptions{.authenticator = auth_.get()});
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& authorization = {}, const std::string& body = {}) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.authorization = authorization;
    req.requested_with = requested_with_;
    return api_->Handle(req);
  }
  static bool Challenges(const HttpResponse& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "WWW-Authenticate") return v == "Basic realm=\"accord\"";
    }
    return false;
  }
  std::string requested_with_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Api> api_;
};

const std::string kSchema = R"({"schema":"{\"type\":\"string\"}"})";

TEST_F(ApiAuthTest, AnonymousWriteIs401WithBasicChallengeOnceKeysExist) {
  Start(true);
  HttpResponse r = Call("POST", "/subjects/orders/versions", "", kSchema);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code, 401);
  EXPECT_TRUE(Challenges(r));
  EXPECT_EQ(Call("GET", "/subjects").status, 200);  // anonymous_read
  // A lookup and a compatibility test change nothing: reads.
  EXPECT_EQ(Call("POST", "/subjects/orders", "", kSchema).error_code, 40401);
}

TEST_F(ApiAuthTest, CatalogPageGets401WithoutChallenge) {
  Start(true);
  requested_with_ = "accord-ui";
  HttpResponse r = Call("PUT", "/config", "", R"({"compatibility":"NONE"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(Challenges(r));
}

TEST_F(ApiAuthTest, WrongCredentialsAre401EvenForReads) {
  Start(true);
  EXPECT_EQ(Call("GET", "/subjects", "Bearer nope").status, 401);
  EXPECT_EQ(Call("GET", "/subjects", "Basic " + Base64("root:writer-key")).status, 401);
  EXPECT_EQ(Call("GET", "/subjects", "Digest x").status, 401);
}

TEST_F(ApiAuthTest, BasicAndBearerBothAuthenticate) {
  Start(true);
  EXPECT_EQ(Call("POST", "/subjects/orders/versions", "Bearer writer-key", kSchema).status, 200);
  EXPECT_EQ(Call("POST", "/subjects/orders/versions", "Basic " + Base64("ci-a:writer-key"), kSchema)
                .status,
            200);
  HttpResponse audit = Call("GET", "/accord/v1/audit?actor=ci-a", "Bearer admin-key");
  EXPECT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("\"actor\":\"ci-a\""), std::string::npos);
}

TEST_F(ApiAuthTest, NoAnonymousReadMeansEveryRequestNeedsAKeyButProbes) {
  Start(false);
  EXPECT_EQ(Call("GET", "/subjects").status, 401);
  EXPECT_EQ(Call("GET", "/schemas/ids/1").status, 401);
  EXPECT_EQ(Call("POST", "/compatibility/subjects/x/versions", "", kSchema).status, 401);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("GET", "/subjects", "Bearer writer-key").status, 200);
}

TEST_F(ApiAuthTest, NothingAboutExistenceLeaksToTheUnauthenticated) {
  Start(true);
  ASSERT_EQ(Call("POST", "/subjects/orders/versions", "Bearer writer-key", kSchema).status, 200);
  // Same reply for a subject that exists and one that does not.
  for (const char* target : {"/subjects/orders", "/subjects/nothing"}) {
    HttpResponse r = Call("DELETE", target);
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(r.body, Call("DELETE", "/subjects/nothing").body);
  }
  EXPECT_EQ(Call("GET", "/accord/v1/audit").status, 401);  // admin-only, asks for a key
  EXPECT_EQ(Call("GET", "/accord/v1/audit", "Bearer writer-key").error_code, 40301);
}

TEST_F(ApiAuthTest, ApiWithoutAuthenticatorIsOpen) {
  service_ = std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"));
  api_ = std::make_unique<Api>(*service_);
  EXPECT_EQ(Call("POST", "/subjects/orders/versions", "Bearer whatever", kSchema).status, 200);
  EXPECT_EQ(Call("GET", "/accord/v1/audit").status, 200);
}

}  // namespace
}  // namespace accord::registry

// Authorisation rules of the Service (service.h, AUTHORISATION) and the
// authentication gate of the Api (http_api.h). Each test names the rule.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
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

// SchemaInput::owner (`?owner=`, accord register --owner): the same rights
// as metadata.properties.owner, in the same write, and not kept in the
// version's metadata.
TEST_F(AuthzTest, RegisterWithOwnerIsOneWriteUnderTheOwnerRights) {
  SchemaInput foreign = Json(R("\"a\""));
  foreign.owner = "team-b";
  const std::size_t rows = AuditRows();
  EXPECT_EQ(CodeOf(service_->Register("payments", foreign, kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->ListVersions("payments")), ErrorCode::kSubjectNotFound);
  EXPECT_EQ(AuditRows(), rows);
  SchemaInput own = Json(R("\"a\""));
  own.owner = "team-a2";
  ASSERT_TRUE(service_->Register("payments", own, kWriterA));
  EXPECT_EQ(OwnerOf("payments"), "team-a2");
  EXPECT_EQ(AuditRows(), rows + 1);
  auto v1 = service_->GetVersion("payments", VersionSelector::Latest());
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->metadata, "");
  // An existing subject: only an admin changes its owner, and a refusal
  // writes no version.
  SchemaInput next = Json(R("\"b\""));
  next.owner = "team-a";
  EXPECT_EQ(CodeOf(service_->Register("payments", next, kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(service_->ListVersions("payments")->size(), 1u);
  ASSERT_TRUE(service_->Register("payments", next, kAdmin));
  EXPECT_EQ(OwnerOf("payments"), "team-a");
  EXPECT_EQ(service_->ListVersions("payments")->size(), 2u);
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

// A context's own config and mode govern every subject in it, as the
// global ones govern all: admins only, and so is deleting a context.
TEST_F(AuthzTest, ContextConfigModeAndDeleteAreAdminOnly) {
  ASSERT_TRUE(Reg(":.team-a:orders", kWriterA));
  const ConfigRecord full{.level = compat::Level::kFull};
  const std::size_t rows = AuditRows();
  EXPECT_EQ(CodeOf(service_->SetConfig(":.team-a:", full, kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->SetMode(":.team-a:", Mode::kReadOnly, Force::kNo, kWriterA)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->DeleteContext(".empty", kWriterA)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->DeleteContext(".empty", kReader)), ErrorCode::kForbidden);
  EXPECT_EQ(AuditRows(), rows);
  EXPECT_EQ(CodeOf(service_->GetConfig(":.team-a:", false)),
            ErrorCode::kSubjectCompatibilityNotConfigured);
  // The subject's owner still sets the subject's own.
  EXPECT_TRUE(service_->SetConfig(":.team-a:orders", full, kWriterA));
  EXPECT_TRUE(service_->SetConfig(":.team-a:", full, kAdmin));
  ASSERT_TRUE(service_->SetMode(":.empty:", Mode::kReadOnly, Force::kNo, kAdmin));
  EXPECT_TRUE(service_->DeleteContext(".empty", kAdmin));
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

// --- claims on others' subjects (issue #15, item 3) -----------------------------

// The break as filed: team b declares that its service produces and consumes
// team a's subject; team a's permanent delete was then refused (40902) and
// only an admin could remove the declaration.
TEST_F(AuthzTest, DeclarationProducingAnotherTeamsSubjectIsRefusedAndStoresNothing) {
  OrdersOfTeamA();
  const std::size_t rows = AuditRows();
  const ServiceRecord hostage{.name = "squatter",
                              .owner = "team-b",
                              .produces = {SubjectName("orders")},
                              .consumes = {ConsumedSubject{.subject = SubjectName("orders")}}};
  auto put = service_->PutServiceDeclaration(hostage, kWriterB);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(put.error().message,
            "Forbidden: principal 'ci-b' (writer) of team team-b may not declare that service "
            "'squatter' produces subject 'orders' owned by team-a");
  EXPECT_EQ(CodeOf(service_->GetServiceDeclaration("squatter")), ErrorCode::kServiceNotFound);
  EXPECT_EQ(AuditRows(), rows);
  EXPECT_EQ(OwnerOf("orders"), "team-a");
}

TEST_F(AuthzTest, DeclarationMayProduceSubjectsOfAnyOfTheCallersTeams) {
  ASSERT_TRUE(Reg("orders", kWriterA));  // team-a
  ASSERT_TRUE(Reg("refunds", kWriterA, R("\"a\""), R"({"properties":{"owner":"team-a2"}})"));
  const ServiceRecord mine{.name = "checkout",
                           .owner = "team-a",
                           .produces = {SubjectName("orders"), SubjectName("refunds")}};
  ASSERT_TRUE(service_->PutServiceDeclaration(mine, kWriterA));
  EXPECT_EQ(OwnerOf("orders"), "team-a");
  EXPECT_EQ(OwnerOf("refunds"), "team-a2");  // not taken over by the declaration's owner
}

TEST_F(AuthzTest, DeclarationClaimsAnUnclaimedProducedSubjectForItsOwner) {
  const std::size_t rows = AuditRows();
  const ServiceRecord mine{
      .name = "payments-svc", .owner = "team-a2", .produces = {SubjectName("payments")}};
  ASSERT_TRUE(service_->PutServiceDeclaration(mine, kWriterA));
  auto audit = *service_->Audit({.limit = 1000});
  ASSERT_EQ(audit.size(), rows + 2);  // the claim, then the declaration
  EXPECT_EQ(audit[rows].action, "PUT_METADATA");
  EXPECT_EQ(audit[rows].subject, "payments");
  EXPECT_EQ(audit[rows].actor, "ci-a");
  EXPECT_EQ(audit[rows + 1].action, "PUT_SERVICE");
  // Claimed: team b may not create it, its owner's team may.
  EXPECT_EQ(CodeOf(Reg("payments", kWriterB)), ErrorCode::kForbidden);
  ASSERT_TRUE(Reg("payments", kWriterA));
  EXPECT_EQ(OwnerOf("payments"), "team-a2");
  // And team b may not declare it either, now or after the first version.
  const ServiceRecord theirs{
      .name = "billing", .owner = "team-b", .produces = {SubjectName("payments")}};
  EXPECT_EQ(CodeOf(service_->PutServiceDeclaration(theirs, kWriterB)), ErrorCode::kForbidden);
}

TEST_F(AuthzTest, ClaimAndAConcurrentFirstRegistrationByAnotherTeamNeverBothSucceed) {
  for (int round = 0; round < 30; ++round) {
    const std::string subject = "contested" + std::to_string(round);
    const ServiceRecord claim{.name = "claimer" + std::to_string(round),
                              .owner = "team-a",
                              .produces = {SubjectName(subject)}};
    RegistryResult<PutServiceResult> put = Fail(ErrorCode::kInternal, "");
    RegistryResult<Registered> reg = Fail(ErrorCode::kInternal, "");
    std::thread ta([&] { put = service_->PutServiceDeclaration(claim, kWriterA); });
    std::thread tb([&] { reg = Reg(subject, kWriterB); });
    ta.join();
    tb.join();
    // Whoever came first owns it; the other is refused.
    EXPECT_NE(put.has_value(), reg.has_value()) << round;
    EXPECT_EQ(CodeOf(put), put.has_value() ? ErrorCode{} : ErrorCode::kForbidden) << round;
    EXPECT_EQ(CodeOf(reg), reg.has_value() ? ErrorCode{} : ErrorCode::kForbidden) << round;
    if (reg) {
      EXPECT_EQ(OwnerOf(subject), "team-b") << round;
    } else {
      EXPECT_EQ(CodeOf(service_->GetSubjectMetadata(subject)), ErrorCode::kSubjectNotFound);
      ASSERT_TRUE(Reg(subject, kWriterA)) << round;
      EXPECT_EQ(OwnerOf(subject), "team-a") << round;
    }
  }
}

// The claim and the declaration are one store write (issue #15): a failure
// of the declaration's part leaves the subject unclaimed, not owned by a
// team whose declaration does not exist.
TEST(AuthzClaims, AFailedDeclarationWriteLeavesItsClaimsUnwritten) {
  testing::TempDir dir;
  bool fail = false;
  auto store =
      OpenSqliteStore(SqliteOptions{.path = dir.File("db"), .fail_at = [&](std::string_view s) {
                                      return fail && s == "service";
                                    }});
  ASSERT_TRUE(store);
  Service service(std::move(*store), ServiceOptions{.default_level = compat::Level::kNone});
  const std::size_t rows = service.Audit({.limit = 1000})->size();
  const ServiceRecord mine{
      .name = "payments-svc", .owner = "team-a2", .produces = {SubjectName("payments")}};
  fail = true;
  auto put = service.PutServiceDeclaration(mine, kWriterA);
  fail = false;
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kStoreError);
  EXPECT_EQ(CodeOf(service.GetServiceDeclaration("payments-svc")), ErrorCode::kServiceNotFound);
  EXPECT_EQ(service.Audit({.limit = 1000})->size(), rows);
  // Nobody's: another team may still create it (claimed, it would be 40301).
  ASSERT_TRUE(service.Register("payments", Json(R("\"a\"")), kWriterB));
  auto metadata = service.GetSubjectMetadata("payments");
  ASSERT_TRUE(metadata);
  EXPECT_EQ(metadata->owner, "team-b");
}

// Claims follow the new-name rules, the case-variant rule included: a
// produced subject that differs from an existing one only by letter case
// is refused (42210, naming it) and nothing is stored.
TEST_F(AuthzTest, DeclarationClaimingACaseVariantOfAnExistingSubjectIsRefused) {
  ASSERT_TRUE(Reg("orders.placed", kWriterA));
  const std::size_t rows = AuditRows();
  const ServiceRecord variant{
      .name = "lookalike", .owner = "team-b", .produces = {SubjectName("Orders.Placed")}};
  auto put = service_->PutServiceDeclaration(variant, kWriterB);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kInvalidCatalogMetadata);
  EXPECT_EQ(put.error().message,
            "produces: Subject name 'Orders.Placed' differs only in letter case from the "
            "existing subject 'orders.placed': lists and people cannot tell them apart (the "
            "server setting subject_case_variants=allow permits it)");
  EXPECT_EQ(CodeOf(service_->GetServiceDeclaration("lookalike")), ErrorCode::kServiceNotFound);
  EXPECT_EQ(AuditRows(), rows);  // no claim, no declaration
  // A name of its own is claimed.
  const ServiceRecord own{
      .name = "lookalike", .owner = "team-b", .produces = {SubjectName("orders.shipped")}};
  ASSERT_TRUE(service_->PutServiceDeclaration(own, kWriterB));
  EXPECT_EQ(AuditRows(), rows + 2);
  EXPECT_EQ(CodeOf(Reg("orders.shipped", kWriterA)), ErrorCode::kForbidden);
}

TEST(AuthzClaims, CaseVariantClaimsAreAllowedWhenTheSettingAllowsThem) {
  Service service(testing::OpenStoreOrDie(":memory:"),
                  ServiceOptions{.default_level = compat::Level::kNone,
                                 .subject_case_variants = SubjectCaseVariants::kAllow});
  ASSERT_TRUE(service.Register("orders", Json(R("\"a\"")), kWriterA));
  const ServiceRecord variant{
      .name = "lookalike", .owner = "team-b", .produces = {SubjectName("ORDERS")}};
  ASSERT_TRUE(service.PutServiceDeclaration(variant, kWriterB));
  EXPECT_EQ(CodeOf(service.Register("ORDERS", Json(R("\"b\"")), kWriterA)), ErrorCode::kForbidden);
  ASSERT_TRUE(service.Register("ORDERS", Json(R("\"b\"")), kWriterB));
}

TEST_F(AuthzTest, DeclarationMayNotProduceAnExistingSubjectWithoutOwner) {
  ASSERT_TRUE(Reg("legacy", Principal::OpenAdmin()));
  const ServiceRecord mine{.name = "old", .owner = "team-a", .produces = {SubjectName("legacy")}};
  auto put = service_->PutServiceDeclaration(mine, kWriterA);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kForbidden);
  EXPECT_NE(put.error().message.find("'legacy' (it has no owner: only an admin may)"),
            std::string::npos)
      << put.error().message;
  EXPECT_EQ(OwnerOf("legacy"), "");
  EXPECT_TRUE(service_->PutServiceDeclaration(mine, kAdmin));
  EXPECT_EQ(OwnerOf("legacy"), "");  // an admin's declaration claims nothing
}

TEST_F(AuthzTest, DeclarationWithAForeignProducedSubjectClaimsNoneOfTheOthers) {
  OrdersOfTeamA();
  const std::size_t rows = AuditRows();
  const ServiceRecord mixed{.name = "mixed",
                            .owner = "team-b",
                            .produces = {SubjectName("fresh"), SubjectName("orders")}};
  EXPECT_EQ(CodeOf(service_->PutServiceDeclaration(mixed, kWriterB)), ErrorCode::kForbidden);
  EXPECT_EQ(AuditRows(), rows);
  ASSERT_TRUE(Reg("fresh", kWriterA));  // still unclaimed
  EXPECT_EQ(OwnerOf("fresh"), "team-a");
}

TEST_F(AuthzTest, ConsumerDeclarationsStayOpenToEveryTeam) {
  OrdersOfTeamA();
  const ServiceRecord reader{.name = "billing",
                             .owner = "team-b",
                             .consumes = {ConsumedSubject{.subject = SubjectName("orders")}}};
  ASSERT_TRUE(service_->PutServiceDeclaration(reader, kWriterB));
  ASSERT_EQ(service_->ConsumersOf("orders")->size(), 1u);
  EXPECT_EQ(service_->ConsumersOf("orders")->front().service, "billing");
}

// A consumer declaration no longer holds a subject hostage: the owner forces.
TEST_F(AuthzTest, OwnerMayForceAPermanentDeletePastConsumersAndLearnsWhomItOverrode) {
  OrdersOfTeamA();
  ASSERT_TRUE(Reg("orders", kWriterA, R("\"b\"")));
  const ServiceRecord billing{
      .name = "billing",
      .owner = "team-b",
      .consumes = {ConsumedSubject{.subject = SubjectName("orders")}}};  // all versions
  const ServiceRecord ledger{
      .name = "ledger",
      .owner = "team-b",
      .consumes = {ConsumedSubject{.subject = SubjectName("orders"), .versions = {Version(2)}}}};
  ASSERT_TRUE(service_->PutServiceDeclaration(billing, kWriterB));
  ASSERT_TRUE(service_->PutServiceDeclaration(ledger, kWriterB));
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft, kWriterA));
  EXPECT_EQ(CodeOf(service_->DeleteSubject("orders", DeleteKind::kPermanent, kWriterA)),
            ErrorCode::kVersionInUse);
  // Another team may not force it.
  EXPECT_EQ(CodeOf(service_->Delete("orders", std::nullopt, DeleteKind::kPermanent, kWriterB,
                                    Force::kYes)),
            ErrorCode::kForbidden);
  auto forced =
      service_->Delete("orders", std::nullopt, DeleteKind::kPermanent, kWriterA, Force::kYes);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ(forced->versions, (std::vector<Version>{Version(1), Version(2)}));
  EXPECT_EQ(forced->overridden,
            (std::vector<OverriddenConsumer>{
                {.service = "billing", .owner = "team-b", .versions = {Version(1), Version(2)}},
                {.service = "ledger", .owner = "team-b", .versions = {Version(2)}}}));
  EXPECT_EQ(CodeOf(service_->ListVersions("orders", IncludeDeleted::kYes)),
            ErrorCode::kSubjectNotFound);
  auto rows = *service_->Audit({.limit = 1000, .subject = "orders"});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().action, "HARD_DELETE_SUBJECT");
  EXPECT_EQ(rows.back().actor, "ci-a");
  EXPECT_EQ(rows.back().detail,
            R"({"force":true,"overriddenConsumers":[{"service":"billing","owner":"team-b",)"
            R"("versions":[1,2]},{"service":"ledger","owner":"team-b","versions":[2]}]})");
  // The declarations themselves stay (their owners are warned, not erased).
  EXPECT_TRUE(service_->GetServiceDeclaration("billing"));
}

TEST_F(AuthzTest, ForcedDeleteOfOneVersionListsOnlyTheConsumersOfThatVersion) {
  OrdersOfTeamA();
  ASSERT_TRUE(Reg("orders", kWriterA, R("\"b\"")));
  const ServiceRecord ledger{
      .name = "ledger",
      .owner = "team-b",
      .consumes = {ConsumedSubject{.subject = SubjectName("orders"), .versions = {Version(2)}}}};
  ASSERT_TRUE(service_->PutServiceDeclaration(ledger, kWriterB));
  for (int v : {1, 2}) {
    ASSERT_TRUE(service_->DeleteVersion("orders", VersionSelector::Exactly(Version(v)),
                                        DeleteKind::kSoft, kWriterA));
  }
  auto one = service_->Delete("orders", VersionSelector::Exactly(Version(1)),
                              DeleteKind::kPermanent, kWriterA, Force::kYes);
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->versions, std::vector<Version>{Version(1)});
  EXPECT_TRUE(one->overridden.empty());
  auto two = service_->Delete("orders", VersionSelector::Exactly(Version(2)),
                              DeleteKind::kPermanent, kWriterA, Force::kYes);
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(two->overridden,
            (std::vector<OverriddenConsumer>{
                {.service = "ledger", .owner = "team-b", .versions = {Version(2)}}}));
}

// --- look-alike subject names (issue #15, item 4) --------------------------------

TEST_F(AuthzTest, LookAlikeNamesAreRefusedWith42208NamingTheReason) {
  OrdersOfTeamA();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"orders ", "must not begin or end with whitespace"},
      {" orders", "must not begin or end with whitespace"},
      {"orders.", "must not end with '.'"},
      {".", "'.' is made of dots only"},
      {"..", "'..' is made of dots only"},
      {"ord\u200bers", "invisible or control character U+200B at byte 3"},   // zero-width space
      {"ord\u00a0ers", "invisible or control character U+00A0 at byte 3"},   // no-break space
      {"\u202eorders", "invisible or control character U+202E at byte 0"},   // RTL override
      {"orders\u2028x", "invisible or control character U+2028 at byte 6"},  // line separator
      {"ord\u00aders", "invisible or control character U+00AD at byte 3"},   // soft hyphen
      {"ord\u3164ers", "invisible or control character U+3164 at byte 3"},   // Hangul filler
      {"orders\ufe0f", "invisible or control character U+FE0F at byte 6"},   // variation sel.
      {"ord\u0085ers", "invisible or control character U+0085 at byte 3"},   // C1 control
      {"ord\ufeffers", "invisible or control character U+FEFF at byte 3"},   // BOM
      {"orders\u3000", "invisible or control character U+3000 at byte 6"},   // ideographic sp.
  };
  for (const auto& [name, why] : cases) {
    auto r = Reg(name, kWriterA);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidSubject) << name;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << name << ": " << r.error().message;
  }
  EXPECT_EQ(*service_->ListSubjects({}), std::vector<std::string>{"orders"});
}

TEST_F(AuthzTest, ConfluentStyleAndPlainUnicodeNamesStayValid) {
  const std::vector<std::string> names = {"orders-value",
                                          "com.acme.Orders",
                                          "topic-com.acme.Record",
                                          "team/orders",
                                          "unicodé.and spaces/slash",
                                          "注文.作成",
                                          "Straße.events",
                                          "a",
                                          "orders.-value",
                                          ".hidden"};
  for (const std::string& n : names) {
    auto r = Reg(n, kWriterA);
    EXPECT_TRUE(r) << n << ": " << r.error().message;
  }
  EXPECT_EQ(service_->ListSubjects({})->size(), names.size());
}

TEST_F(AuthzTest, CaseVariantOfAnExistingSubjectIs42208UntilItIsPermanentlyDeleted) {
  ASSERT_TRUE(Reg("orders.placed", kWriterA));
  for (const char* variant : {"Orders.Placed", "ORDERS.PLACED", "orders.Placed"}) {
    auto r = Reg(variant, kWriterB);
    ASSERT_FALSE(r) << variant;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidSubject);
    EXPECT_EQ(r.error().message,
              "Subject name '" + std::string(variant) +
                  "' differs only in letter case from the existing subject 'orders.placed': "
                  "lists and people cannot tell them apart (the server setting "
                  "subject_case_variants=allow permits it)");
  }
  // Unicode letters fold too (simple case folding).
  ASSERT_TRUE(Reg("Ärger", kWriterA));
  EXPECT_EQ(CodeOf(Reg("äRGER", kWriterA)), ErrorCode::kInvalidSubject);
  // A soft-deleted subject still counts (it can come back) ...
  ASSERT_TRUE(service_->DeleteSubject("orders.placed", DeleteKind::kSoft, kWriterA));
  EXPECT_EQ(CodeOf(Reg("Orders.Placed", kWriterB)), ErrorCode::kInvalidSubject);
  // ... a permanently deleted one does not.
  ASSERT_TRUE(service_->DeleteSubject("orders.placed", DeleteKind::kPermanent, kWriterA));
  EXPECT_TRUE(Reg("Orders.Placed", kWriterB));
  EXPECT_EQ(*service_->ListSubjects({}), (std::vector<std::string>{"Orders.Placed", "Ärger"}));
}

TEST_F(AuthzTest, CaseVariantsAreAllowedWhenTheSettingSaysSo) {
  ServiceOptions options;
  options.subject_case_variants = SubjectCaseVariants::kAllow;
  service_ = std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"), options);
  ASSERT_TRUE(Reg("orders", kWriterA));
  EXPECT_TRUE(Reg("Orders", kWriterB));
  EXPECT_EQ(CodeOf(Reg("Orders ", kWriterB)), ErrorCode::kInvalidSubject);  // the other rules stay
}

TEST_F(AuthzTest, CaseVariantSeenOnlyInTheStoreIsRefused) {
  // Written by an earlier process (or another replica): found through the
  // index's load from the store, not from this Service's own registrations.
  auto store = testing::OpenStoreOrDie(":memory:");
  Store* raw = store.get();
  service_ = std::make_unique<Service>(std::move(store));
  NewVersion nv;
  nv.subject = SubjectName("orders");
  nv.version = Version(1);
  nv.schema = SchemaRecord{.id = SchemaId(0),
                           .type = SchemaType::kJson,
                           .text = "{}",
                           .canonical = "{}",
                           .fingerprint = "f",
                           .references = {}};
  ASSERT_TRUE(raw->AddVersion(nv));
  EXPECT_EQ(CodeOf(Reg("ORDERS", kAdmin)), ErrorCode::kInvalidSubject);
}

TEST_F(AuthzTest, ConcurrentCaseVariantsCreateExactlyOneSubject) {
  for (int round = 0; round < 20; ++round) {
    const std::string lower = "race" + std::to_string(round);
    std::string upper = lower;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    RegistryResult<Registered> a = Fail(ErrorCode::kInternal, "");
    RegistryResult<Registered> b = Fail(ErrorCode::kInternal, "");
    std::thread ta([&] { a = Reg(lower, kWriterA); });
    std::thread tb([&] { b = Reg(upper, kWriterA); });
    ta.join();
    tb.join();
    EXPECT_NE(a.has_value(), b.has_value()) << round;
    EXPECT_EQ(CodeOf(a.has_value() ? b : a), ErrorCode::kInvalidSubject) << round;
  }
  EXPECT_EQ(service_->ListSubjects({})->size(), 20u);
}

TEST_F(AuthzTest, ExistingLookAlikeSubjectsStayReadableDeletableAndTakeNewVersions) {
  // Made before the rule (IMPORT mode copies another registry as it is).
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kImport, Force::kYes, kAdmin));
  ASSERT_TRUE(Reg("orders.placed ", kAdmin, R("\"a\""), R"({"properties":{"owner":"team-a"}})"));
  ASSERT_TRUE(Reg("Orders.Placed ", kAdmin, R("\"a\""), R"({"properties":{"owner":"team-a"}})"));
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kReadWrite, Force::kNo, kAdmin));
  EXPECT_TRUE(service_->GetVersion("orders.placed ", VersionSelector::Latest()));
  EXPECT_TRUE(Reg("orders.placed ", kWriterA, R("\"b\"")));
  EXPECT_EQ(service_->ListVersions("orders.placed ")->size(), 2u);
  EXPECT_TRUE(service_->DeleteSubject("orders.placed ", DeleteKind::kSoft, kWriterA));
  EXPECT_TRUE(service_->DeleteSubject("orders.placed ", DeleteKind::kPermanent, kWriterA));
  // Once gone, the name is new again and refused.
  EXPECT_EQ(CodeOf(Reg("orders.placed ", kWriterA)), ErrorCode::kInvalidSubject);
}

TEST_F(AuthzTest, DeclarationProducingANewLookAlikeNameIs42210) {
  const ServiceRecord mine{
      .name = "checkout", .owner = "team-a", .produces = {SubjectName("orders.placed ")}};
  auto put = service_->PutServiceDeclaration(mine, kWriterA);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kInvalidCatalogMetadata);
  EXPECT_NE(
      put.error().message.find("produces: Subject name must not begin or end with whitespace"),
      std::string::npos)
      << put.error().message;
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

// Service rules (service.h), each test named after the rule it checks. The
// compatibility decision itself is a stand-in (testing::RequiredSubsetChecker:
// compatible(W -> R) iff R.required is a subset of W.required), so these tests
// pin which pairs are checked, in which direction, and what follows.
#include <gtest/gtest.h>

#include "accord/registry/fault_injection_store.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Json;
using testing::R;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }
  void Reset(ServiceOptions options = {}) {
    options.checker = testing::RequiredSubsetChecker;
    auto fault = std::make_unique<FaultInjectionStore>(testing::OpenStoreOrDie(":memory:"));
    faults_ = fault.get();
    service_ = std::make_unique<Service>(std::move(fault), options);
  }
  Registered Reg(const std::string& subject, const std::string& text) {
    auto r = service_->Register(subject, Json(text));
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(Registered{});
  }
  ErrorCode RegErr(const std::string& subject, const SchemaInput& in) {
    auto r = service_->Register(subject, in);
    EXPECT_FALSE(r) << "registered as id " << r->id.value();
    return r ? ErrorCode::kInternal : r.error().code;
  }
  void SetLevel(std::optional<std::string> subject, compat::Level level) {
    ASSERT_TRUE(service_->SetConfig(subject, ConfigRecord{.level = level, .policy = std::nullopt}));
  }
  std::vector<int> Versions(const std::string& subject, IncludeDeleted d = IncludeDeleted::kNo) {
    auto v = service_->ListVersions(subject, d);
    std::vector<int> out;
    if (v) {
      for (Version x : *v) out.push_back(x.value());
    }
    return out;
  }

  FaultInjectionStore* faults_ = nullptr;
  std::unique_ptr<Service> service_;
};

template <typename T>
ErrorCode CodeOf(const RegistryResult<T>& r) {
  EXPECT_FALSE(r.has_value());
  return r ? ErrorCode::kInternal : r.error().code;
}

// --- ids and versions ------------------------------------------------------------

TEST_F(ServiceTest, FirstRegistrationGetsIdOneVersionOne) {
  Registered r = Reg("orders", R(""));
  EXPECT_EQ(r.id, SchemaId(1));
  EXPECT_EQ(r.version, Version(1));
  EXPECT_TRUE(r.created);
}

TEST_F(ServiceTest, RegisterIsIdempotentForALiveVersion) {
  Registered a = Reg("orders", R(""));
  Registered b = Reg("orders", R(""));
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(b.version, Version(1));
  EXPECT_FALSE(b.created);
  EXPECT_EQ(Versions("orders"), std::vector<int>{1});
}

TEST_F(ServiceTest, RegisterReturnsAnOlderLiveVersionInsteadOfANewOne) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Registered v1 = Reg("orders", R("\"a\""));
  Reg("orders", R("\"b\""));
  Registered again = Reg("orders", R("\"a\""));
  EXPECT_EQ(again.id, v1.id);
  EXPECT_EQ(again.version, Version(1));
  EXPECT_EQ(Versions("orders"), (std::vector<int>{1, 2}));
}

TEST_F(ServiceTest, WhitespaceAndMemberOrderDoNotMakeANewSchema) {
  Registered a = Reg("orders", "{\"type\":\"object\",\"required\":[]}");
  Registered b = Reg("orders", "{ \"required\" : [ ],\n  \"type\": \"object\" }");
  EXPECT_EQ(a.id, b.id);
  EXPECT_FALSE(b.created);
}

TEST_F(ServiceTest, SameSchemaUnderTwoSubjectsHasOneId) {
  Registered a = Reg("orders", R(""));
  Registered b = Reg("payments", R(""));
  EXPECT_EQ(a.id, b.id);
  EXPECT_TRUE(b.created);
  EXPECT_EQ(b.version, Version(1));
  auto subjects = service_->SubjectsOfSchema(a.id, IncludeDeleted::kNo);
  ASSERT_TRUE(subjects);
  EXPECT_EQ(*subjects, (std::vector<std::string>{"orders", "payments"}));
  auto versions = service_->VersionsOfSchema(a.id, IncludeDeleted::kNo);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].subject.str(), "payments");
}

TEST_F(ServiceTest, DifferentSchemasGetIncreasingIds) {
  SetLevel(std::nullopt, compat::Level::kNone);
  EXPECT_EQ(Reg("a", R("\"x\"")).id, SchemaId(1));
  EXPECT_EQ(Reg("b", R("\"y\"")).id, SchemaId(2));
  EXPECT_EQ(Reg("a", R("\"z\"")).id, SchemaId(3));
}

TEST_F(ServiceTest, VersionNumbersContinueAfterASoftDeletedSubject) {
  Registered v1 = Reg("orders", R(""));
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft));
  Registered again = Reg("orders", R(""));
  EXPECT_EQ(again.id, v1.id);
  EXPECT_EQ(again.version, Version(2));
  EXPECT_EQ(Versions("orders", IncludeDeleted::kYes), (std::vector<int>{1, 2}));
}

TEST_F(ServiceTest, VersionNumbersRestartAfterAPermanentDelete) {
  Registered v1 = Reg("orders", R(""));
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft));
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kPermanent));
  Registered again = Reg("orders", R(""));
  EXPECT_EQ(again.id, v1.id);  // the schema (and its id) outlive the subject
  EXPECT_EQ(again.version, Version(1));
}

TEST_F(ServiceTest, NormalizeStoresTheCanonicalText) {
  SchemaInput in = Json("{ \"type\" : \"object\" }");
  in.normalize = true;
  auto r = service_->Register("orders", in);
  ASSERT_TRUE(r);
  EXPECT_EQ(service_->GetSchema(r->id)->text, "{\"type\":\"object\"}");
}

TEST_F(ServiceTest, SchemaTextIsServedAsFirstRegistered) {
  Registered r = Reg("orders", "{ \"type\": \"object\" }");
  EXPECT_EQ(service_->GetSchema(r.id)->text, "{ \"type\": \"object\" }");
  auto v = service_->GetVersion("orders", VersionSelector::Latest());
  ASSERT_TRUE(v);
  EXPECT_EQ(v->schema, "{ \"type\": \"object\" }");
  EXPECT_EQ(v->type, SchemaType::kJson);
  EXPECT_EQ(v->id, r.id);
}

TEST_F(ServiceTest, ClientVersionOutsideImportMustBeLatestPlusOne) {
  SchemaInput in = Json(R(""));
  in.version = Version(3);
  EXPECT_EQ(RegErr("orders", in), ErrorCode::kInvalidVersion);
  in.version = Version(1);
  EXPECT_TRUE(service_->Register("orders", in));
}

TEST_F(ServiceTest, ClientIdOutsideImportModeIsNotPermitted) {
  SchemaInput in = Json(R(""));
  in.id = SchemaId(7);
  EXPECT_EQ(RegErr("orders", in), ErrorCode::kOperationNotPermitted);
}

// --- compatibility ----------------------------------------------------------------

TEST_F(ServiceTest, IncompatibleSchemaIs40901AndMakesNoVersion) {
  Reg("orders", R(""));
  auto r = service_->Register("orders", Json(R("\"b\"")));  // BACKWARD: new requires b
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIncompatibleSchema);
  EXPECT_NE(r.error().message.find("incompatible with an earlier schema"), std::string::npos);
  EXPECT_NE(r.error().message.find("REQUIRED_ADDED"), std::string::npos);
  EXPECT_EQ(Versions("orders"), std::vector<int>{1});
}

TEST_F(ServiceTest, BackwardChecksOnlyTheLatestVersion) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("orders", R(""));       // v1
  Reg("orders", R("\"b\""));  // v2
  SetLevel(std::nullopt, compat::Level::kBackward);
  // v3 requires b: reads v2 data, not v1 data; BACKWARD only looks at v2.
  EXPECT_EQ(Reg("orders", R("\"b\"", ",\"x\":1")).version, Version(3));
}

TEST_F(ServiceTest, BackwardTransitiveChecksEveryLiveVersion) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("orders", R(""));
  Reg("orders", R("\"b\""));
  SetLevel("orders", compat::Level::kBackwardTransitive);
  auto r = service_->Register("orders", Json(R("\"b\"", ",\"x\":1")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIncompatibleSchema);
  EXPECT_NE(r.error().message.find("oldSchemaVersion: 1"), std::string::npos) << r.error().message;
}

TEST_F(ServiceTest, CompatibilityIgnoresSoftDeletedVersions) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("orders", R(""));
  Reg("orders", R("\"b\""));
  SetLevel(std::nullopt, compat::Level::kBackwardTransitive);
  ASSERT_TRUE(
      service_->DeleteVersion("orders", VersionSelector::Exactly(Version(1)), DeleteKind::kSoft));
  EXPECT_EQ(Reg("orders", R("\"b\"", ",\"x\":1")).version, Version(3));
}

TEST_F(ServiceTest, ForwardChecksThatOldReadersReadNewData) {
  SetLevel(std::nullopt, compat::Level::kForward);
  Reg("orders", R("\"b\""));
  // New data without b cannot be read by v1, which requires b.
  EXPECT_EQ(RegErr("orders", Json(R(""))), ErrorCode::kIncompatibleSchema);
  // New data with b and c is read by v1.
  EXPECT_EQ(Reg("orders", R("\"b\",\"c\"")).version, Version(2));
}

TEST_F(ServiceTest, FullChecksBothDirections) {
  SetLevel(std::nullopt, compat::Level::kFull);
  Reg("orders", R("\"b\""));
  EXPECT_EQ(RegErr("orders", Json(R(""))), ErrorCode::kIncompatibleSchema);             // forward
  EXPECT_EQ(RegErr("orders", Json(R("\"b\",\"c\""))), ErrorCode::kIncompatibleSchema);  // backward
}

TEST_F(ServiceTest, LevelNoneSkipsTheCheck) {
  SetLevel("orders", compat::Level::kNone);
  Reg("orders", R(""));
  EXPECT_EQ(Reg("orders", R("\"b\"")).version, Version(2));
}

TEST_F(ServiceTest, SubjectLevelOverridesTheGlobalLevel) {
  SetLevel(std::nullopt, compat::Level::kNone);
  SetLevel("strict", compat::Level::kBackward);
  Reg("strict", R(""));
  Reg("loose", R(""));
  EXPECT_EQ(RegErr("strict", Json(R("\"b\""))), ErrorCode::kIncompatibleSchema);
  EXPECT_EQ(Reg("loose", R("\"b\"")).version, Version(2));
}

TEST_F(ServiceTest, SchemaTypeChangeIsIncompatible) {
  Reg("orders", R(""));
  SchemaInput avro;
  avro.schema = "\"string\"";
  avro.type = SchemaType::kAvro;
  auto r = service_->Register("orders", avro);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIncompatibleSchema);
  EXPECT_NE(r.error().message.find("SCHEMA_TYPE_CHANGED"), std::string::npos);
}

TEST_F(ServiceTest, TestCompatibilityWithAVersionChecksOnlyThatVersionEvenWhenTransitive) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("orders", R(""));
  Reg("orders", R("\"b\""));
  SetLevel(std::nullopt, compat::Level::kBackwardTransitive);
  auto latest = service_->TestCompatibility("orders", VersionSelector::Latest(),
                                            Json(R("\"b\"", ",\"x\":1")));
  ASSERT_TRUE(latest);
  EXPECT_TRUE(latest->compatible);
  auto all = service_->TestCompatibility("orders", std::nullopt, Json(R("\"b\"", ",\"x\":1")));
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->compatible);
  EXPECT_FALSE(all->messages.empty());
}

TEST_F(ServiceTest, TestCompatibilityAgainstAnEmptySubjectIsCompatible) {
  auto r = service_->TestCompatibility("nothing", std::nullopt, Json(R("\"b\"")));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->compatible);
  EXPECT_EQ(CodeOf(service_->TestCompatibility("nothing", VersionSelector::Latest(), Json(R("")))),
            ErrorCode::kSubjectNotFound);
  Reg("orders", R(""));
  EXPECT_EQ(CodeOf(service_->TestCompatibility("orders", VersionSelector::Exactly(Version(9)),
                                               Json(R("")))),
            ErrorCode::kVersionNotFound);
}

// --- not found: Confluent's codes ------------------------------------------------

TEST_F(ServiceTest, UnknownSubjectIs40401AndUnknownVersionIs40402) {
  EXPECT_EQ(CodeOf(service_->GetVersion("nope", VersionSelector::Latest())),
            ErrorCode::kSubjectNotFound);
  EXPECT_EQ(CodeOf(service_->ListVersions("nope")), ErrorCode::kSubjectNotFound);
  Reg("orders", R(""));
  EXPECT_EQ(CodeOf(service_->GetVersion("orders", VersionSelector::Exactly(Version(2)))),
            ErrorCode::kVersionNotFound);
}

TEST_F(ServiceTest, SoftDeletedSubjectReads40401ButSoftDeletingAgainIs40404) {
  Reg("orders", R(""));
  auto deleted = service_->DeleteSubject("orders", DeleteKind::kSoft);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->size(), 1u);
  EXPECT_EQ(CodeOf(service_->GetVersion("orders", VersionSelector::Latest())),
            ErrorCode::kSubjectNotFound);
  EXPECT_EQ(CodeOf(service_->ListVersions("orders")), ErrorCode::kSubjectNotFound);
  EXPECT_EQ(CodeOf(service_->DeleteSubject("orders", DeleteKind::kSoft)),
            ErrorCode::kSubjectSoftDeleted);
  // ...and still readable with deleted=true.
  auto v =
      service_->GetVersion("orders", VersionSelector::Exactly(Version(1)), IncludeDeleted::kYes);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->deleted);
  EXPECT_EQ(Versions("orders", IncludeDeleted::kYes), std::vector<int>{1});
}

TEST_F(ServiceTest, LookupUnknownSubjectIs40401AndUnknownSchemaIs40403) {
  EXPECT_EQ(CodeOf(service_->Lookup("nope", Json(R("")))), ErrorCode::kSubjectNotFound);
  Reg("orders", R(""));
  EXPECT_EQ(CodeOf(service_->Lookup("orders", Json(R("\"zz\"")))), ErrorCode::kSchemaNotFound);
  auto found = service_->Lookup("orders", Json("{\"required\":[], \"type\":\"object\"}"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->version, Version(1));
  EXPECT_EQ(found->subject.str(), "orders");
}

TEST_F(ServiceTest, LookupOfASchemaRegisteredOnlyElsewhereIs40403) {
  Reg("orders", R(""));
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("payments", R("\"p\""));
  EXPECT_EQ(CodeOf(service_->Lookup("orders", Json(R("\"p\"")))), ErrorCode::kSchemaNotFound);
}

TEST_F(ServiceTest, UnknownSchemaIdIs40403) {
  EXPECT_EQ(CodeOf(service_->GetSchema(SchemaId(99))), ErrorCode::kSchemaNotFound);
  EXPECT_EQ(CodeOf(service_->SubjectsOfSchema(SchemaId(99), IncludeDeleted::kNo)),
            ErrorCode::kSchemaNotFound);
}

// --- delete -----------------------------------------------------------------------

TEST_F(ServiceTest, PermanentSubjectDeleteBeforeSoftIs40405) {
  Reg("orders", R(""));
  EXPECT_EQ(CodeOf(service_->DeleteSubject("orders", DeleteKind::kPermanent)),
            ErrorCode::kSubjectNotSoftDeleted);
  EXPECT_EQ(CodeOf(service_->DeleteSubject("nope", DeleteKind::kSoft)),
            ErrorCode::kSubjectNotFound);
}

TEST_F(ServiceTest, PermanentSubjectDeleteRemovesEveryVersion) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("orders", R(""));
  Reg("orders", R("\"b\""));
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft));
  auto gone = service_->DeleteSubject("orders", DeleteKind::kPermanent);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->size(), 2u);
  EXPECT_EQ(CodeOf(service_->ListVersions("orders", IncludeDeleted::kYes)),
            ErrorCode::kSubjectNotFound);
}

TEST_F(ServiceTest, VersionDeleteCodes40406And40407) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("orders", R(""));
  Reg("orders", R("\"b\""));
  const auto v1 = VersionSelector::Exactly(Version(1));
  EXPECT_EQ(CodeOf(service_->DeleteVersion("orders", v1, DeleteKind::kPermanent)),
            ErrorCode::kVersionNotSoftDeleted);
  ASSERT_TRUE(service_->DeleteVersion("orders", v1, DeleteKind::kSoft));
  EXPECT_EQ(CodeOf(service_->DeleteVersion("orders", v1, DeleteKind::kSoft)),
            ErrorCode::kVersionSoftDeleted);
  EXPECT_EQ(*service_->DeleteVersion("orders", v1, DeleteKind::kPermanent), Version(1));
  EXPECT_EQ(Versions("orders", IncludeDeleted::kYes), std::vector<int>{2});
  EXPECT_EQ(CodeOf(service_->DeleteVersion("orders", VersionSelector::Exactly(Version(7)),
                                           DeleteKind::kSoft)),
            ErrorCode::kVersionNotFound);
}

TEST_F(ServiceTest, DeletingLatestSoftDeletesTheLatestLiveVersion) {
  SetLevel(std::nullopt, compat::Level::kNone);
  Reg("orders", R(""));
  Reg("orders", R("\"b\""));
  EXPECT_EQ(*service_->DeleteVersion("orders", VersionSelector::Latest(), DeleteKind::kSoft),
            Version(2));
  EXPECT_EQ(service_->GetVersion("orders", VersionSelector::Latest())->version, Version(1));
}

// --- references -------------------------------------------------------------------

TEST_F(ServiceTest, ReferencedVersionCannotBeDeleted42206) {
  Registered common = Reg("common", "{\"type\":\"string\"}");
  SchemaInput user = Json("{\"$ref\":\"common.json\"}");
  user.references = {
      {.name = "common.json", .subject = SubjectName("common"), .version = Version(1)}};
  auto u = service_->Register("user", user);
  ASSERT_TRUE(u) << u.error().message;
  auto by = service_->ReferencedBy("common", VersionSelector::Exactly(Version(1)));
  ASSERT_TRUE(by);
  EXPECT_EQ(*by, std::vector<SchemaId>{u->id});
  EXPECT_EQ(CodeOf(service_->DeleteVersion("common", VersionSelector::Exactly(Version(1)),
                                           DeleteKind::kSoft)),
            ErrorCode::kReferenceExists);
  EXPECT_EQ(CodeOf(service_->DeleteSubject("common", DeleteKind::kSoft)),
            ErrorCode::kReferenceExists);
  // Once the referrer is soft-deleted, a soft delete of the target is allowed;
  // permanent deletion still waits for the referrer to be gone for good.
  ASSERT_TRUE(service_->DeleteSubject("user", DeleteKind::kSoft));
  ASSERT_TRUE(service_->DeleteSubject("common", DeleteKind::kSoft));
  EXPECT_EQ(CodeOf(service_->DeleteSubject("common", DeleteKind::kPermanent)),
            ErrorCode::kReferenceExists);
  ASSERT_TRUE(service_->DeleteSubject("user", DeleteKind::kPermanent));
  EXPECT_TRUE(service_->DeleteSubject("common", DeleteKind::kPermanent));
  (void)common;
}

TEST_F(ServiceTest, UnresolvableReferenceIsAnInvalidSchema) {
  SchemaInput user = Json("{\"$ref\":\"common.json\"}");
  user.references = {
      {.name = "common.json", .subject = SubjectName("common"), .version = Version(1)}};
  EXPECT_EQ(RegErr("user", user), ErrorCode::kInvalidSchema);
}

TEST_F(ServiceTest, SameTextWithDifferentReferencesIsADifferentSchema) {
  Reg("c1", "{\"type\":\"string\"}");
  Reg("c2", "{\"type\":\"integer\"}");
  SchemaInput a = Json("{\"$ref\":\"c.json\"}");
  a.references = {{.name = "c.json", .subject = SubjectName("c1"), .version = Version(1)}};
  SchemaInput b = a;
  b.references[0].subject = SubjectName("c2");
  auto ra = service_->Register("x", a);
  auto rb = service_->Register("y", b);
  ASSERT_TRUE(ra && rb);
  EXPECT_NE(ra->id, rb->id);
  EXPECT_EQ(service_->GetSchema(rb->id)->references, b.references);
}

// --- modes ------------------------------------------------------------------------

TEST_F(ServiceTest, ReadOnlyModeRefusesWrites42205) {
  Reg("orders", R(""));
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kReadOnly, Force::kNo));
  EXPECT_EQ(RegErr("orders", Json(R("\"b\""))), ErrorCode::kOperationNotPermitted);
  EXPECT_EQ(CodeOf(service_->DeleteSubject("orders", DeleteKind::kSoft)),
            ErrorCode::kOperationNotPermitted);
  // A subject-level READWRITE overrides the global READONLY.
  ASSERT_TRUE(service_->SetMode("orders", Mode::kReadWrite, Force::kNo));
  EXPECT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft));
}

TEST_F(ServiceTest, ImportModeNeedsAnEmptyRegistryUnlessForced) {
  Reg("orders", R(""));
  EXPECT_EQ(CodeOf(service_->SetMode(std::nullopt, Mode::kImport, Force::kNo)),
            ErrorCode::kOperationNotPermitted);
  EXPECT_TRUE(service_->SetMode(std::nullopt, Mode::kImport, Force::kYes));
  EXPECT_TRUE(service_->SetMode("fresh", Mode::kImport, Force::kNo));
}

TEST_F(ServiceTest, ImportModeKeepsClientIdsAndVersionsAndSkipsCompatibility) {
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kImport, Force::kNo));
  SchemaInput a = Json(R(""));
  a.id = SchemaId(100);
  a.version = Version(5);
  auto ra = service_->Register("orders", a);
  ASSERT_TRUE(ra) << ra.error().message;
  EXPECT_EQ(ra->id, SchemaId(100));
  EXPECT_EQ(ra->version, Version(5));
  SchemaInput b = Json(R("\"b\""));  // incompatible under BACKWARD: not checked
  b.id = SchemaId(7);
  b.version = Version(6);
  EXPECT_TRUE(service_->Register("orders", b));
  SchemaInput clash = Json(R("\"c\""));
  clash.id = SchemaId(100);  // taken by another schema
  EXPECT_EQ(RegErr("orders", clash), ErrorCode::kIdMismatch);
}

TEST_F(ServiceTest, SubjectModeGetIs40409UnlessDefaultToGlobal) {
  EXPECT_EQ(CodeOf(service_->GetMode("orders", false)), ErrorCode::kSubjectModeNotConfigured);
  EXPECT_EQ(*service_->GetMode("orders", true), Mode::kReadWrite);
  EXPECT_EQ(*service_->GetMode(std::nullopt, false), Mode::kReadWrite);
  ASSERT_TRUE(service_->SetMode("orders", Mode::kReadOnly, Force::kNo));
  EXPECT_EQ(*service_->GetMode("orders", false), Mode::kReadOnly);
  EXPECT_EQ(*service_->DeleteMode("orders"), Mode::kReadOnly);
  EXPECT_EQ(CodeOf(service_->DeleteMode("orders")), ErrorCode::kSubjectModeNotConfigured);
}

// --- config -----------------------------------------------------------------------

TEST_F(ServiceTest, GlobalConfigDefaultsToBackwardStrict) {
  auto c = service_->GetConfig(std::nullopt, false);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->level, compat::Level::kBackward);
  EXPECT_EQ(c->policy, compat::Policy::kStrict);
}

TEST_F(ServiceTest, SubjectConfigGetIs40408UnlessDefaultToGlobal) {
  EXPECT_EQ(CodeOf(service_->GetConfig("orders", false)),
            ErrorCode::kSubjectCompatibilityNotConfigured);
  SetLevel(std::nullopt, compat::Level::kFull);
  EXPECT_EQ(service_->GetConfig("orders", true)->level, compat::Level::kFull);
  SetLevel("orders", compat::Level::kNone);
  EXPECT_EQ(service_->GetConfig("orders", false)->level, compat::Level::kNone);
}

TEST_F(ServiceTest, PutConfigMergesLevelAndPolicy) {
  SetLevel("orders", compat::Level::kForward);
  auto merged = service_->SetConfig(
      "orders", ConfigRecord{.level = std::nullopt, .policy = compat::Policy::kLenient});
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->level, compat::Level::kForward);
  EXPECT_EQ(merged->policy, compat::Policy::kLenient);
}

TEST_F(ServiceTest, DeleteConfigReturnsThePreviousConfig) {
  SetLevel("orders", compat::Level::kForward);
  auto old = service_->DeleteConfig("orders");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->level, compat::Level::kForward);
  EXPECT_EQ(CodeOf(service_->DeleteConfig("orders")),
            ErrorCode::kSubjectCompatibilityNotConfigured);
  SetLevel(std::nullopt, compat::Level::kNone);
  EXPECT_EQ(service_->DeleteConfig(std::nullopt)->level, compat::Level::kNone);
  EXPECT_EQ(service_->GetConfig(std::nullopt, false)->level, compat::Level::kBackward);
}

// --- input validation --------------------------------------------------------------

TEST_F(ServiceTest, InvalidSubjectNamesAre42208) {
  EXPECT_EQ(RegErr("", Json(R(""))), ErrorCode::kInvalidSubject);
  EXPECT_EQ(RegErr("bad\nname", Json(R(""))), ErrorCode::kInvalidSubject);
  EXPECT_EQ(RegErr(std::string("nul\0x", 5), Json(R(""))), ErrorCode::kInvalidSubject);
  EXPECT_EQ(RegErr(std::string(256, 'a'), Json(R(""))), ErrorCode::kInvalidSubject);
  EXPECT_TRUE(service_->Register(std::string(255, 'a'), Json(R(""))));
  EXPECT_TRUE(service_->Register("unicodé.and spaces/slash", Json(R(""))));
}

TEST_F(ServiceTest, SchemaOverTheSizeLimitIs42209) {
  Reset(ServiceOptions{.max_schema_bytes = 64});
  std::string big = "{\"description\":\"" + std::string(100, 'x') + "\"}";
  EXPECT_EQ(RegErr("orders", Json(big)), ErrorCode::kSchemaTooLarge);
}

TEST_F(ServiceTest, ProtobufRegistersAndAnInvalidOneIs42201WithItsPosition) {
  SchemaInput in;
  in.schema = "syntax = \"proto3\"; message M {}";
  in.type = SchemaType::kProtobuf;
  auto r = service_->Register("orders", in);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  in.schema = "syntax = \"proto3\"; message M {";
  auto bad = service_->Register("orders", in);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(bad.error().message,
            "Invalid schema: Protobuf: schema.proto:1:31: Reached end of input in message "
            "definition (missing '}').");
}

TEST_F(ServiceTest, MalformedJsonIs42201WithTheParserMessage) {
  auto r = service_->Register("orders", Json("{\"type\": "));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidSchema);
  EXPECT_NE(r.error().message.find("line 1"), std::string::npos) << r.error().message;
}

TEST_F(ServiceTest, InvalidJsonSchemaIs42201) {
  EXPECT_EQ(RegErr("orders", Json("{\"minLength\": -1}")), ErrorCode::kInvalidSchema);
  EXPECT_EQ(RegErr("orders", Json("[1, 2]")), ErrorCode::kInvalidSchema);
}

TEST_F(ServiceTest, AvroIsTheDefaultTypeAndInvalidAvroIs42201) {
  SchemaInput in;
  in.schema = "{\"type\":\"record\",\"fields\":[]}";  // no name
  auto r = service_->Register("orders", in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidSchema);
  in.schema =
      "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
  auto ok = service_->Register("orders", in);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(service_->GetSchema(ok->id)->type, SchemaType::kAvro);
}

// --- with the real compatibility engines ----------------------------------------

class ServiceEngineTest : public ::testing::Test {
 protected:
  Service service_{testing::OpenStoreOrDie(":memory:")};
};

TEST_F(ServiceEngineTest, JsonSchemaNewRequiredPropertyBreaksBackward) {
  const std::string v1 =
      R"({"type":"object","properties":{"id":{"type":"string"}},"required":["id"]})";
  const std::string v2 =
      R"({"type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer"}},"required":["id","n"]})";
  ASSERT_TRUE(service_.Register("orders", Json(v1)));
  auto r = service_.Register("orders", Json(v2));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIncompatibleSchema) << r.error().message;
  auto t = service_.TestCompatibility("orders", std::nullopt, Json(v2));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(t->compatible);
  EXPECT_FALSE(t->messages.empty());
}

TEST_F(ServiceEngineTest, JsonSchemaRelaxingAConstraintIsBackwardCompatible) {
  ASSERT_TRUE(service_.Register("s", Json(R"({"type":"string","maxLength":5})")));
  auto r = service_.Register("s", Json(R"({"type":"string","maxLength":10})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->version, Version(2));
}

SchemaInput Avro(const std::string& text) {
  SchemaInput in;
  in.schema = text;
  return in;
}

TEST_F(ServiceEngineTest, AvroReaderFieldWithoutDefaultBreaksBackward) {
  const std::string v1 = R"({"type":"record","name":"O","fields":[{"name":"id","type":"long"}]})";
  const std::string v2 =
      R"({"type":"record","name":"O","fields":[{"name":"id","type":"long"},{"name":"n","type":"int"}]})";
  const std::string v3 =
      R"({"type":"record","name":"O","fields":[{"name":"id","type":"long"},{"name":"n","type":"int","default":0}]})";
  ASSERT_TRUE(service_.Register("o", Avro(v1)));
  auto bad = service_.Register("o", Avro(v2));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kIncompatibleSchema);
  EXPECT_NE(bad.error().message.find("READER_FIELD_MISSING_DEFAULT_VALUE"), std::string::npos)
      << bad.error().message;
  auto ok = service_.Register("o", Avro(v3));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->version, Version(2));
}

TEST(ParseVersion, AcceptsLatestMinusOneAndPositiveInt32) {
  EXPECT_TRUE(ParseVersion("latest")->latest());
  EXPECT_TRUE(ParseVersion("-1")->latest());
  EXPECT_EQ(ParseVersion("1")->version, Version(1));
  EXPECT_EQ(ParseVersion("2147483647")->version, Version(2147483647));
  for (const char* bad : {"0", "-2", "abc", "2147483648", "+1", "", "1.0", " 1", "LATEST"}) {
    auto v = ParseVersion(bad);
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidVersion) << bad;
  }
}

// --- subjects listing --------------------------------------------------------------

TEST_F(ServiceTest, ListSubjectsFiltersByPrefixAndDeletedFlags) {
  Reg("orders.placed", R(""));
  Reg("orders.paid", R(""));
  Reg("users", R(""));
  ASSERT_TRUE(service_->DeleteSubject("orders.paid", DeleteKind::kSoft));
  EXPECT_EQ(*service_->ListSubjects({}), (std::vector<std::string>{"orders.placed", "users"}));
  EXPECT_EQ(*service_->ListSubjects({.prefix = "orders", .deleted = IncludeDeleted::kYes}),
            (std::vector<std::string>{"orders.paid", "orders.placed"}));
  EXPECT_EQ(
      *service_->ListSubjects({.prefix = "", .deleted = IncludeDeleted::kNo, .deleted_only = true}),
      (std::vector<std::string>{"orders.paid"}));
}

// --- store failures ----------------------------------------------------------------

TEST_F(ServiceTest, FailedStoreWriteIs50001AndLeavesNothing) {
  faults_->FailWrites(true);
  auto r = service_->Register("orders", Json(R("")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kStoreError);
  EXPECT_EQ(CodeOf(service_->GetSchema(SchemaId(1))), ErrorCode::kSchemaNotFound);
  EXPECT_EQ(CodeOf(service_->ListVersions("orders")), ErrorCode::kSubjectNotFound);
  faults_->FailWrites(false);
  Registered ok = Reg("orders", R(""));
  EXPECT_EQ(ok.id, SchemaId(1));
  EXPECT_EQ(ok.version, Version(1));
  faults_->FailWrites(true);
  EXPECT_EQ(CodeOf(service_->DeleteSubject("orders", DeleteKind::kSoft)), ErrorCode::kStoreError);
  faults_->FailWrites(false);
  EXPECT_EQ(Versions("orders"), std::vector<int>{1});
}

TEST_F(ServiceTest, SchemaByIdIsServedFromMemoryOnceRead) {
  Registered r = Reg("orders", R(""));
  faults_->FailReads(true);
  auto s = service_->GetSchema(r.id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->id, r.id);
  EXPECT_EQ(CodeOf(service_->Ready()), ErrorCode::kStoreError);
}

TEST_F(ServiceTest, EveryWriteIsAudited) {
  Reg("orders", R(""));
  SetLevel("orders", compat::Level::kNone);
  ASSERT_TRUE(service_->DeleteSubject("orders", DeleteKind::kSoft));
  auto audit = service_->Audit({.after_seq = 0, .limit = 100});
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].action, "REGISTER");
  EXPECT_EQ((*audit)[1].action, "PUT_CONFIG");
  EXPECT_EQ((*audit)[2].action, "SOFT_DELETE_SUBJECT");
}

}  // namespace
}  // namespace accord::registry

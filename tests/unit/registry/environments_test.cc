// Contract versions, environments and deployments (service.h, "CONTRACT
// VERSIONS, ENVIRONMENTS, DEPLOYMENTS"; environments.cc). Each test names
// the rule it checks.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Admin;
using testing::Caller;
using testing::Json;
using testing::R;

const Principal kWriterA = Caller("ci-a", Role::kWriter, {"team-a"});
const Principal kWriterB = Caller("ci-b", Role::kWriter, {"team-b"});
const Principal kReader = Caller("dashboard", Role::kReader, {"team-a"});
const Principal kAdmin = Admin("root");

template <typename T>
ErrorCode CodeOf(const RegistryResult<T>& r) {
  return r ? ErrorCode{} : r.error().code;
}

class EnvironmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"), ServiceOptions{});
    ASSERT_TRUE(service_->SetConfig(std::nullopt, ConfigRecord{.level = compat::Level::kNone}));
    // "orders" (team-a) version 1 is schema 1, version 2 schema 2.
    auto v1 = service_->Register("orders", Json(R("\"a\"")), kWriterA);
    ASSERT_TRUE(v1);
    auto v2 = service_->Register("orders", Json(R("\"b\"")), kWriterA);
    ASSERT_TRUE(v2);
    id1_ = v1->id;
    id2_ = v2->id;
  }
  ServiceVersionRecord Orders(const std::string& version, SchemaId id) const {
    return ServiceVersionRecord{.service = "orders",
                                .version = version,
                                .owner = "team-a",
                                .produces = {ProducedSchema{SubjectName("orders"), id}}};
  }
  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    auto rows = service_->Audit({.limit = 1000});
    if (!rows) return {"<" + rows.error().message + ">"};
    for (const AuditRecord& a : *rows) {
      if (a.action != "REGISTER" && a.action != "PUT_CONFIG") out.push_back(a.action);
    }
    return out;
  }
  std::vector<std::string> Running(const std::string& env) {
    std::vector<std::string> out;
    auto view = service_->GetEnvironment(env);
    if (!view) return {"<" + view.error().message + ">"};
    for (const DeployedService& s : view->services) {
      out.push_back(s.deployment.service + "@" + s.deployment.version);
    }
    return out;
  }

  std::unique_ptr<Service> service_;
  SchemaId id1_;
  SchemaId id2_;
};

TEST_F(EnvironmentsTest, AContractVersionIsImmutableAndRepublishingItChangesNothing) {
  auto first = service_->PublishServiceVersion(Orders("1", id1_), kWriterA);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->created);
  auto again = service_->PublishServiceVersion(Orders("1", id1_), kWriterA);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  auto other = service_->PublishServiceVersion(Orders("1", id2_), kWriterA);
  EXPECT_EQ(CodeOf(other), ErrorCode::kServiceVersionExists);
  EXPECT_EQ(service_->GetServiceVersion("orders", "1")->produces.at(0).schema_id, id1_);
  EXPECT_EQ(Actions(), std::vector<std::string>{"PUBLISH_SERVICE_VERSION"});
}

TEST_F(EnvironmentsTest, AProducedSchemaIdMustBeALiveVersionOfItsSubject) {
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(Orders("1", SchemaId(99)), kWriterA)),
            ErrorCode::kInvalidCatalogMetadata);
  ServiceVersionRecord twice = Orders("1", id1_);
  twice.produces.push_back(twice.produces.front());
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(twice, kWriterA)),
            ErrorCode::kInvalidCatalogMetadata);
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(Orders("bad version", id1_), kWriterA)),
            ErrorCode::kInvalidCatalogMetadata);
  EXPECT_TRUE(Actions().empty());
}

TEST_F(EnvironmentsTest, AnotherTeamMayNotPublishAContractThatProducesYourSubject) {
  ServiceVersionRecord squatter = Orders("1", id1_);
  squatter.service = "squatter";
  squatter.owner = "team-b";
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(squatter, kWriterB)), ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(Orders("1", id1_), kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(Orders("1", id1_), kReader)),
            ErrorCode::kForbidden);
  EXPECT_TRUE(Actions().empty());
}

TEST_F(EnvironmentsTest, DeployingAnotherVersionReplacesTheOneRunning) {
  ASSERT_TRUE(service_->PublishServiceVersion(Orders("1", id1_), kWriterA));
  ASSERT_TRUE(service_->PublishServiceVersion(Orders("2", id2_), kWriterA));
  ASSERT_TRUE(service_->RecordDeployment("prod", "orders", "1", kWriterA));
  EXPECT_EQ(Running("prod"), std::vector<std::string>{"orders@1"});
  ASSERT_TRUE(service_->RecordDeployment("prod", "orders", "2", kWriterA));
  EXPECT_EQ(Running("prod"), std::vector<std::string>{"orders@2"});
  ASSERT_TRUE(service_->RecordDeployment("prod", "orders", "2", kWriterA));  // no change
  // The matrix names the subject version each produced schema is.
  auto view = service_->GetEnvironment("prod");
  ASSERT_TRUE(view);
  ASSERT_EQ(view->services.at(0).produces.size(), 1u);
  EXPECT_EQ(view->services.at(0).produces[0].version, Version(2));
  // Created on first use, owned by the deployer's first team.
  EXPECT_EQ(view->environment.owner, "team-a");
  EXPECT_FALSE(view->environment.production);
  EXPECT_EQ(Actions(),
            (std::vector<std::string>{"PUBLISH_SERVICE_VERSION", "PUBLISH_SERVICE_VERSION",
                                      "RECORD_DEPLOYMENT", "RECORD_DEPLOYMENT"}));
}

TEST_F(EnvironmentsTest, OnlyTheServicesTeamOrAnAdminRecordsItsDeployments) {
  ASSERT_TRUE(service_->PublishServiceVersion(Orders("1", id1_), kWriterA));
  EXPECT_EQ(CodeOf(service_->RecordDeployment("prod", "orders", "1", kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->RecordDeployment("prod", "orders", "1", kReader)),
            ErrorCode::kForbidden);
  EXPECT_EQ(CodeOf(service_->GetEnvironment("prod")), ErrorCode::kEnvironmentNotFound);
  ASSERT_TRUE(service_->RecordDeployment("prod", "orders", "1", kAdmin));
  EXPECT_EQ(CodeOf(service_->RecordUndeployment("prod", "orders", std::nullopt, kWriterB)),
            ErrorCode::kForbidden);
  EXPECT_EQ(Running("prod"), std::vector<std::string>{"orders@1"});
}

TEST_F(EnvironmentsTest, AnUnpublishedVersionCannotBeDeployed) {
  EXPECT_EQ(CodeOf(service_->RecordDeployment("prod", "orders", "1", kWriterA)),
            ErrorCode::kServiceVersionNotFound);
  ASSERT_TRUE(service_->PublishServiceVersion(Orders("1", id1_), kWriterA));
  EXPECT_EQ(CodeOf(service_->RecordDeployment("no such env!", "orders", "1", kWriterA)),
            ErrorCode::kInvalidCatalogMetadata);
}

TEST_F(EnvironmentsTest, UndeploymentRemovesOnlyTheVersionRunning) {
  ASSERT_TRUE(service_->PublishServiceVersion(Orders("1", id1_), kWriterA));
  ASSERT_TRUE(service_->RecordDeployment("prod", "orders", "1", kWriterA));
  EXPECT_EQ(CodeOf(service_->RecordUndeployment("prod", "orders", "2", kWriterA)),
            ErrorCode::kDeploymentNotFound);
  EXPECT_EQ(CodeOf(service_->RecordUndeployment("qa", "orders", std::nullopt, kWriterA)),
            ErrorCode::kEnvironmentNotFound);
  auto removed = service_->RecordUndeployment("prod", "orders", "1", kWriterA);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->version, "1");
  EXPECT_TRUE(Running("prod").empty());
  EXPECT_EQ(CodeOf(service_->RecordUndeployment("prod", "orders", std::nullopt, kWriterA)),
            ErrorCode::kDeploymentNotFound);
}

TEST_F(EnvironmentsTest, EnvironmentsAreDeclaredByAdminsOnly) {
  const EnvironmentRecord prod{.name = "production", .owner = "team-ops", .production = true};
  EXPECT_EQ(CodeOf(service_->PutEnvironment(prod, kWriterA)), ErrorCode::kForbidden);
  ASSERT_TRUE(service_->PutEnvironment(prod, kAdmin));
  ASSERT_TRUE(service_->PutEnvironment(prod, kAdmin));  // unchanged: no audit row
  auto all = *service_->ListEnvironments();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].production);
  EXPECT_EQ(all[0].owner, "team-ops");
  EXPECT_EQ(Actions(), std::vector<std::string>{"PUT_ENVIRONMENT"});
}

TEST_F(EnvironmentsTest, ReadOnlyModeRefusesDeploymentChanges) {
  ASSERT_TRUE(service_->PublishServiceVersion(Orders("1", id1_), kWriterA));
  ASSERT_TRUE(service_->SetMode(std::nullopt, Mode::kReadOnly, Force::kNo));
  EXPECT_EQ(CodeOf(service_->RecordDeployment("prod", "orders", "1", kWriterA)),
            ErrorCode::kOperationNotPermitted);
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(Orders("2", id2_), kWriterA)),
            ErrorCode::kOperationNotPermitted);
}

// ---- a Protobuf reader that imports files: the declaration carries them -------------

// The producer: ShipmentSent imports its Parcel from another registered
// subject (Confluent references), whose weight_grams changes type.
constexpr const char* kParcel = R"(syntax = "proto3";
package acme.shipping;
message Parcel {
  string sku = 1;
  int32 weight_grams = 2;
})";
constexpr const char* kShipment = R"(syntax = "proto3";
package acme.shipping;
import "parcel.proto";
message ShipmentSent {
  string id = 1;
  Parcel parcel = 2;
})";

// The consumer's reader: its Parcel lives in a file of its own (parts.proto),
// and it reads a well-known type.
constexpr const char* kReaderProto = R"(syntax = "proto3";
package acme.shipping;
import "google/protobuf/timestamp.proto";
import "parts.proto";
message ShipmentSent {
  string id = 1;
  Parcel parcel = 2;
  google.protobuf.Timestamp sent_at = 3;
})";
constexpr const char* kParts = R"(syntax = "proto3";
package acme.shipping;
message Parcel {
  string sku = 1;
  int32 weight_grams = 2;
})";

class ReaderReferencesTest : public EnvironmentsTest {
 protected:
  SchemaId RegisterShipments(const std::string& weight_type) {
    std::string parcel = kParcel;
    parcel.replace(parcel.find("int32 weight_grams"), 5, weight_type);
    SchemaInput p;
    p.schema = parcel;
    p.type = SchemaType::kProtobuf;
    auto part = service_->Register("parcels", p, kWriterB);
    EXPECT_TRUE(part) << (part ? "" : part.error().message);
    if (!part) return SchemaId(0);
    SchemaInput in;
    in.schema = kShipment;
    in.type = SchemaType::kProtobuf;
    in.references = {SchemaReference{"parcel.proto", SubjectName("parcels"), part->version}};
    auto r = service_->Register("shipments", in, kWriterB);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? r->id : SchemaId(0);
  }
  static ConsumedSubject Reader(std::vector<ReaderReference> references) {
    return ConsumedSubject{.subject = SubjectName("shipments"),
                           .type = SchemaType::kProtobuf,
                           .schema = kReaderProto,
                           .references = std::move(references)};
  }
  ServiceVersionRecord Warehouse(std::vector<ReaderReference> references) const {
    return ServiceVersionRecord{.service = "warehouse",
                                .version = "1",
                                .owner = "team-a",
                                .consumes = {Reader(std::move(references))}};
  }
  ServiceVersionRecord Shipping(const std::string& version, SchemaId id) const {
    return ServiceVersionRecord{.service = "shipping",
                                .version = version,
                                .owner = "team-b",
                                .produces = {ProducedSchema{SubjectName("shipments"), id}}};
  }
};

TEST_F(ReaderReferencesTest, AReaderIsReadWithTheFilesItsDeclarationCarries) {
  const SchemaId v1 = RegisterShipments("int32");
  const SchemaId v2 = RegisterShipments("string");
  auto published = service_->PublishServiceVersion(Warehouse({{"parts.proto", kParts}}), kWriterA);
  ASSERT_TRUE(published) << published.error().message;
  // Stored whole, references included.
  auto stored = service_->GetServiceVersion("warehouse", "1");
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->consumes.size(), 1u);
  EXPECT_EQ(stored->consumes[0].references,
            (std::vector<ReaderReference>{{"parts.proto", kParts}}));
  ASSERT_TRUE(service_->RecordDeployment("prod", "warehouse", "1", kWriterA));
  ASSERT_TRUE(service_->PublishServiceVersion(Shipping("1", v1), kWriterB));
  ASSERT_TRUE(service_->PublishServiceVersion(Shipping("2", v2), kWriterB));
  // Version 1 writes what the reader's imported Parcel reads.
  auto ok = service_->CheckDeployment("prod", "shipping", "1");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_TRUE((*ok)[0].ok);
  EXPECT_TRUE((*ok)[0].reasons.empty());
  // Version 2 changes a field of it: the break is found through the import,
  // and located in the imported file (issue #18).
  auto broken = service_->CheckDeployment("prod", "shipping", "2");
  ASSERT_TRUE(broken) << broken.error().message;
  ASSERT_EQ(broken->size(), 1u);
  EXPECT_FALSE((*broken)[0].ok);
  EXPECT_EQ((*broken)[0].consumer, "warehouse@1");
  EXPECT_EQ(
      (*broken)[0].reasons,
      std::vector<std::string>{"FIELD_SCALAR_KIND_CHANGED at parts.proto#/Parcel/weight_grams: "
                               "Parcel field 2 (weight_grams) changed from string to int32"});
}

TEST_F(ReaderReferencesTest, AServiceDeclarationCarriesTheReadersFilesToo) {
  RegisterShipments("int32");  // a subject's consumers are listed once it exists
  ServiceRecord declaration{
      .name = "warehouse", .owner = "team-a", .consumes = {Reader({{"parts.proto", kParts}})}};
  auto put = service_->PutServiceDeclaration(declaration, kWriterA);
  ASSERT_TRUE(put) << put.error().message;
  auto consumers = service_->ConsumersOf("shipments");
  ASSERT_TRUE(consumers);
  ASSERT_EQ(consumers->size(), 1u);
  EXPECT_EQ((*consumers)[0].declaration.references,
            (std::vector<ReaderReference>{{"parts.proto", kParts}}));
}

TEST_F(ReaderReferencesTest, ReferencesMustBeExactlyTheFilesTheReaderImports) {
  auto message = [&](std::vector<ReaderReference> refs) {
    auto r = service_->PublishServiceVersion(Warehouse(std::move(refs)), kWriterA);
    return r ? std::string("published") : r.error().message;
  };
  // Without its import.
  EXPECT_EQ(message({}),
            "consumes 'shipments': reader schema: Invalid schema: Protobuf: schema.proto:4:1: "
            "import \"parts.proto\" not found: not a well-known type, not built in, and no "
            "reference has that name");
  EXPECT_EQ(message({{"other.proto", kParts}}),
            "consumes 'shipments': reader schema: Invalid schema: Protobuf: line 4, column 1: "
            "import \"parts.proto\" is not among the declaration's references");
  // A file nothing imports.
  EXPECT_EQ(message({{"parts.proto", kParts}, {"unused.proto", kParts}}),
            "consumes 'shipments': reader schema: Invalid schema: Protobuf: reference "
            "\"unused.proto\" is imported by no file of the reader");
  EXPECT_EQ(message({{"parts.proto", kParts}, {"parts.proto", kParts}}),
            "consumes 'shipments': reader schema: Invalid schema: Protobuf: two references "
            "named \"parts.proto\"");
  // A reference that does not parse is named.
  EXPECT_EQ(message({{"parts.proto", "syntax = \"proto3\";\nmessage {"}}),
            "consumes 'shipments': reader schema: Invalid schema: Protobuf: parts.proto:2:9: "
            "Expected message name.");
  // A language that imports no files takes none.
  ServiceVersionRecord avro = Warehouse({{"parts.proto", kParts}});
  avro.consumes[0].type = SchemaType::kAvro;
  avro.consumes[0].schema = R"("string")";
  auto r = service_->PublishServiceVersion(avro, kWriterA);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(r.error().message,
            "consumes 'shipments': reader schema: Invalid schema: Avro: a reader in this "
            "language imports no files: it takes no references");
  // References without a reader.
  ServiceVersionRecord bare = Warehouse({{"parts.proto", kParts}});
  bare.consumes[0].schema.clear();
  EXPECT_EQ(CodeOf(service_->PublishServiceVersion(bare, kWriterA)),
            ErrorCode::kInvalidCatalogMetadata);
  EXPECT_TRUE(Actions().empty());
}

}  // namespace
}  // namespace accord::registry

// Schema references through the real compatibility engine: Avro named types
// defined in other subjects, and JSON Schema $refs where two versions of a
// subject reference different versions of a shared schema.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

// Parameter: ServiceOptions::parsed_schema_cache. With 0 every check parses
// the stored texts (and their references) again, as after an eviction.
class ReferencesTest : public ::testing::TestWithParam<std::size_t> {
 protected:
  ReferencesTest() : service_(testing::OpenStoreOrDie(":memory:"), Options()) {}
  static ServiceOptions Options() {
    ServiceOptions o;
    o.parsed_schema_cache = GetParam();
    return o;
  }

  Registered MustRegister(const std::string& subject, SchemaInput input) {
    auto r = service_.Register(subject, input);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(Registered{});
  }

  static SchemaInput Avro(std::string text, std::vector<SchemaReference> refs = {}) {
    SchemaInput in;
    in.type = SchemaType::kAvro;
    in.schema = std::move(text);
    in.references = std::move(refs);
    return in;
  }
  static SchemaInput Json(std::string text, std::vector<SchemaReference> refs = {}) {
    SchemaInput in = Avro(std::move(text), std::move(refs));
    in.type = SchemaType::kJson;
    return in;
  }
  static SchemaReference Ref(std::string name, std::string subject, int version) {
    return SchemaReference{.name = std::move(name),
                           .subject = SubjectName(std::move(subject)),
                           .version = Version(version)};
  }

  // Lets `subject` take any change (the referenced subjects below evolve freely).
  void AllowAnyChange(const std::string& subject) {
    ConfigRecord none;
    none.level = compat::Level::kNone;
    ASSERT_TRUE(service_.SetConfig(subject, none).has_value());
  }

  Service service_;
};

constexpr const char* kAddress =
    R"({"type":"record","name":"Address","namespace":"com.acme",
        "fields":[{"name":"city","type":"string"}]})";
constexpr const char* kCustomer =
    R"({"type":"record","name":"Customer","namespace":"com.acme",
        "fields":[{"name":"name","type":"string"},{"name":"home","type":"Address"}]})";

TEST_P(ReferencesTest, AvroNamedTypeFromAnotherSubject) {
  MustRegister("address", Avro(kAddress));
  auto r = MustRegister("customer", Avro(kCustomer, {Ref("com.acme.Address", "address", 1)}));
  EXPECT_EQ(r.version, Version(1));
  // Without the reference the type name is unknown.
  auto bad = service_.Register("customer2", Avro(kCustomer));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidSchema);
  EXPECT_NE(bad.error().message.find("Address"), std::string::npos) << bad.error().message;
}

TEST_P(ReferencesTest, AvroTransitiveReferencesAreDefinedBeforeUse) {
  MustRegister("address", Avro(kAddress));
  MustRegister("customer", Avro(kCustomer, {Ref("com.acme.Address", "address", 1)}));
  // Order uses Customer (and through it Address) and Address directly.
  const char* order = R"({"type":"record","name":"Order","namespace":"com.acme",
      "fields":[{"name":"buyer","type":"Customer"},{"name":"ship_to","type":"Address"}]})";
  MustRegister("order", Avro(order, {Ref("com.acme.Customer", "customer", 1),
                                     Ref("com.acme.Address", "address", 1)}));
}

TEST_P(ReferencesTest, AvroCompatibilitySeesThroughReferences) {
  AllowAnyChange("address");
  MustRegister("address", Avro(kAddress));
  // Address v2 adds a field without a default: a reader on v2 cannot read v1 data.
  MustRegister("address", Avro(R"({"type":"record","name":"Address","namespace":"com.acme",
        "fields":[{"name":"city","type":"string"},{"name":"zip","type":"string","default":""}]})"));
  MustRegister("customer", Avro(kCustomer, {Ref("com.acme.Address", "address", 1)}));
  // Same Customer text against Address v2: compatible (zip has a default).
  auto ok = service_.Register("customer", Avro(kCustomer, {Ref("com.acme.Address", "address", 2)}));
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->version, Version(2));
  MustRegister("address", Avro(R"({"type":"record","name":"Address","namespace":"com.acme",
        "fields":[{"name":"city","type":"string"},{"name":"zip","type":"string","default":""},
                  {"name":"country","type":"string"}]})"));
  // Against Address v3 (country without default) the reader cannot read v2 data.
  auto broken =
      service_.Register("customer", Avro(kCustomer, {Ref("com.acme.Address", "address", 3)}));
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kIncompatibleSchema);
}

TEST_P(ReferencesTest, JsonSchemaSidesResolveTheirOwnReferenceVersions) {
  AllowAnyChange("money");
  MustRegister("money", Json(R"({"type":"object","properties":{"cents":{"type":"integer"}}})"));
  MustRegister("money", Json(R"({"type":"object","properties":{"cents":{"type":"integer"}},
                        "required":["cents"]})"));
  const char* invoice = R"({"type":"object","properties":{"total":{"$ref":"money.json"}}})";
  MustRegister("invoice", Json(invoice, {Ref("money.json", "money", 1)}));
  // v2 of invoice uses money v2 (cents now required): a v1 invoice
  // {"total": {}} is no longer valid, so BACKWARD (the default) refuses it.
  // With one shared bundle both sides would see the same money version and
  // the change would go unnoticed.
  auto r = service_.Register("invoice", Json(invoice, {Ref("money.json", "money", 2)}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kIncompatibleSchema);
}

// The 409's explanation locates a break inside a referenced schema in it:
// the pointer follows the reference's name (issue #18), not the
// referencing schema's (where /required would be another keyword).
TEST_P(ReferencesTest, ABreakInsideAReferenceIsLocatedInIt) {
  AllowAnyChange("money");
  MustRegister("money", Json(R"({"type":"object","properties":{"cents":{"type":"integer"}}})"));
  MustRegister("money", Json(R"({"type":"object","properties":{"cents":{"type":"integer"}},
                        "required":["cents"]})"));
  const char* invoice =
      R"({"type":"object","properties":{"total":{"$ref":"money.json"}},"required":["total"]})";
  MustRegister("invoice", Json(invoice, {Ref("money.json", "money", 1)}));
  auto r = service_.Register("invoice", Json(invoice, {Ref("money.json", "money", 2)}));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find(
                "additionalInfo:'writer path: money.json#/properties/cents, reader path: "
                "money.json#/required'"),
            std::string::npos)
      << r.error().message;
}

// A diamond: Order uses Billing and Shipping, which both use Address. The
// shared schema is resolved along both paths (once per resolution), and a
// new version of Order is checked against the old one with all of it.
TEST_P(ReferencesTest, SharedReferencesResolveAlongEveryPath) {
  MustRegister("address", Avro(kAddress));
  MustRegister("billing", Avro(R"({"type":"record","name":"Billing","namespace":"com.acme",
                                   "fields":[{"name":"to","type":"Address"}]})",
                               {Ref("com.acme.Address", "address", 1)}));
  MustRegister("shipping", Avro(R"({"type":"record","name":"Shipping","namespace":"com.acme",
                                    "fields":[{"name":"to","type":"Address"}]})",
                                {Ref("com.acme.Address", "address", 1)}));
  const std::vector<SchemaReference> refs = {Ref("com.acme.Billing", "billing", 1),
                                             Ref("com.acme.Shipping", "shipping", 1)};
  MustRegister("order", Avro(R"({"type":"record","name":"Order","namespace":"com.acme",
                                 "fields":[{"name":"b","type":"Billing"},
                                           {"name":"s","type":"Shipping"}]})",
                             refs));
  auto v2 = MustRegister("order", Avro(R"({"type":"record","name":"Order","namespace":"com.acme",
                                           "fields":[{"name":"b","type":"Billing"},
                                                     {"name":"s","type":"Shipping"},
                                                     {"name":"n","type":"int","default":0}]})",
                                       refs));
  EXPECT_EQ(v2.version, Version(2));
  // A new required field breaks BACKWARD: the check sees the whole graph.
  auto breaking =
      service_.Register("order", Avro(R"({"type":"record","name":"Order","namespace":"com.acme",
                        "fields":[{"name":"b","type":"Billing"},{"name":"s","type":"Shipping"},
                                  {"name":"n","type":"int","default":0},
                                  {"name":"m","type":"int"}]})",
                                      refs));
  ASSERT_FALSE(breaking.has_value());
  EXPECT_EQ(breaking.error().code, ErrorCode::kIncompatibleSchema);
}

INSTANTIATE_TEST_SUITE_P(ParsedCache, ReferencesTest, ::testing::Values(1000, 1, 0),
                         [](const auto& info) { return "cache" + std::to_string(info.param); });

}  // namespace
}  // namespace accord::registry

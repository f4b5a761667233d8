// The registry's dialect of JSON Schemas without $schema (ServiceOptions::
// default_dialect, the `dialect` setting): draft-07 by default, as
// Confluent, for registration and for every check of stored schemas; the
// real compatibility engine decides here (no stand-in checker).
#include <gtest/gtest.h>

#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Json;

constexpr const char* kTuple = R"({"type":"array","items":[{"type":"string"}]})";
// In draft-04..07 $ref replaces its siblings: maxLength is ignored there,
// and constrains in 2019-09 and later.
constexpr const char* kRefOld =
    R"({"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s"})";
constexpr const char* kRefNew =
    R"({"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s","maxLength":3})";

std::unique_ptr<Service> MakeService(jsonschema::Dialect dialect = jsonschema::kDefaultDialect) {
  ServiceOptions options;
  options.default_dialect = dialect;
  return std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"), options);
}

TEST(RegistryDialect, DefaultIsDraft07) {
  EXPECT_EQ(ServiceOptions{}.default_dialect, jsonschema::Dialect::kDraft7);
}

TEST(RegistryDialect, ArrayFormItemsIsStoredUnderTheDefault) {
  auto service = MakeService();
  auto r = service->Register("arrays", Json(kTuple));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id.value(), 1);
}

TEST(RegistryDialect, ArrayFormItemsIsRefusedUnder2020_12) {
  auto service = MakeService(jsonschema::Dialect::kDraft2020_12);
  auto r = service->Register("arrays", Json(kTuple));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidSchema);
}

TEST(RegistryDialect, StoredSchemasAreCheckedInTheConfiguredDialect) {
  for (auto [dialect, compatible] : {std::pair{jsonschema::Dialect::kDraft7, true},
                                     std::pair{jsonschema::Dialect::kDraft2020_12, false}}) {
    auto service = MakeService(dialect);
    ASSERT_TRUE(service->Register("strings", Json(kRefOld)));
    auto r = service->TestCompatibility("strings", std::nullopt, Json(kRefNew));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->compatible, compatible) << jsonschema::DialectName(dialect);
  }
}

}  // namespace
}  // namespace accord::registry

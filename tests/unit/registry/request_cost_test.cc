// The Service's per-request work budget (ServiceOptions::max_request_work,
// 42211 past it) and its cache of version-pair diffs (issue #15). Work is
// counted in units (accord/schemas/budget.h), never in wall time.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../../common/hostile_schemas.h"
#include "accord/registry/fault_injection_store.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

namespace hostile = accord::testing::hostile;

SchemaInput AvroInput(const std::string& text) {
  SchemaInput in;
  in.schema = text;
  in.type = SchemaType::kAvro;
  return in;
}

class RequestCostTest : public ::testing::Test {
 protected:
  void Open(ServiceOptions options) {
    service_ = std::make_unique<Service>(testing::OpenStoreOrDie(":memory:"), options);
  }
  std::unique_ptr<Service> service_;
};

// Regression (issue #15): an anonymous lookup (POST /subjects/{s}) of an
// Avro enum of 100,000 symbols (0.9 MB) cost 15 s of CPU in the parser's
// duplicate check. Under a budget of 4 units per symbol it now succeeds.
TEST_F(RequestCostTest, LookupOfAnAvroEnumOf100000SymbolsFitsALinearBudget) {
  ServiceOptions options;
  options.max_request_work = 4 * 100'000;
  Open(options);
  const std::string text = hostile::AvroEnum(100'000);
  auto reg = service_->Register("e", AvroInput(text));
  ASSERT_TRUE(reg) << reg.error().message;
  auto found = service_->Lookup("e", AvroInput(text));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, reg->id);
}

// Regression (issue #15): registering the second of two JSON Schemas with
// enums of 50,000 values cost 7.5 s (the BACKWARD check), and every diff
// and changelog 26 s. Under a budget of 40 units per value both succeed.
TEST_F(RequestCostTest, JsonSchemaEnumsOf50000ValuesRegisterAndDiffWithinALinearBudget) {
  ServiceOptions options;
  options.max_request_work = 40 * 50'000;
  Open(options);
  auto v1 = service_->Register("e", testing::Json(hostile::JsonEnum(50'000)));
  ASSERT_TRUE(v1) << v1.error().message;
  auto v2 = service_->Register("e", testing::Json(hostile::JsonEnum(50'000, 1)));
  ASSERT_TRUE(v2) << v2.error().message;
  auto diff = service_->Diff("e", std::nullopt, VersionSelector::Latest());
  ASSERT_TRUE(diff) << diff.error().message;
  ASSERT_EQ(diff->changes.size(), 1u);
  // A value added: breaks FORWARD, named as the author made it (issue 16).
  EXPECT_EQ(diff->changes[0].kind, "ENUM_VALUE_ADDED");
  EXPECT_EQ(diff->changes[0].direction, compat::Direction::kForward);
  EXPECT_EQ(diff->compatibility, "BACKWARD");
}

// Regression (issue #15): the compatibility check of a union of 10,000
// record branches against itself reordered cost 17 s and 1.6 GB.
TEST_F(RequestCostTest, AvroUnionOf10000BranchesChecksWithinALinearBudget) {
  ServiceOptions options;
  options.max_request_work = 40 * 10'000;
  Open(options);
  ASSERT_TRUE(service_->Register("u", AvroInput(hostile::AvroUnion(10'000))));
  auto v2 = service_->Register("u", AvroInput(hostile::AvroUnion(10'000, /*reversed=*/true)));
  ASSERT_TRUE(v2) << v2.error().message;
  auto versions = service_->ListVersions("u", IncludeDeleted::kNo);
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 2u);
}

TEST_F(RequestCostTest, PastTheBudgetARequestIs42211NamingTheLimit) {
  ServiceOptions options;
  options.max_request_work = 10'000;
  Open(options);
  ASSERT_TRUE(service_->Register("e", testing::Json(hostile::JsonEnum(5'000))));
  auto r = service_->Register("e", testing::Json(hostile::JsonEnum(5'000, 1)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRequestTooCostly);
  EXPECT_EQ(r.error().message,
            "The request needs more work than the limit of 10000 units (max_request_work): the "
            "schema is too costly to parse, check or diff");
  EXPECT_EQ(HttpStatusOf(r.error().code), 422);
  // Nothing was written; a lookup too costly to parse fails the same way.
  auto versions = service_->ListVersions("e", IncludeDeleted::kNo);
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 1u);
  ASSERT_TRUE(service_->Register("a", AvroInput(R"({"type":"enum","name":"E","symbols":["A"]})")));
  auto found = service_->Lookup("a", AvroInput(hostile::AvroUnion(5'000)));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::kRequestTooCostly);
}

TEST_F(RequestCostTest, ADiffOfTwoSchemasIsComputedOnceThenServedFromTheCache) {
  Open(ServiceOptions{});
  ASSERT_TRUE(service_->SetConfig(
      std::nullopt, ConfigRecord{.level = compat::Level::kNone, .policy = std::nullopt}));
  ASSERT_TRUE(service_->Register("o", testing::Json(testing::R("\"a\""))));
  ASSERT_TRUE(service_->Register("o", testing::Json(testing::R("\"a\",\"b\""))));
  ASSERT_TRUE(service_->Register("o", testing::Json(testing::R("\"b\""))));
  EXPECT_EQ(service_->GetCounters().diffs_computed, 0u);
  auto first = service_->Diff("o", VersionSelector::Exactly(Version(1)), VersionSelector::Latest());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(service_->GetCounters().diffs_computed, 1u);
  auto second =
      service_->Diff("o", VersionSelector::Exactly(Version(1)), VersionSelector::Latest());
  ASSERT_TRUE(second);
  EXPECT_EQ(service_->GetCounters().diffs_computed, 1u);  // no diff work the second time
  EXPECT_EQ(second->from, Version(1));
  EXPECT_EQ(second->to, Version(3));
  EXPECT_EQ(second->compatibility, first->compatibility);
  ASSERT_EQ(second->changes.size(), first->changes.size());
  for (std::size_t i = 0; i < first->changes.size(); ++i) {
    EXPECT_EQ(second->changes[i].kind, first->changes[i].kind);
    EXPECT_EQ(second->changes[i].message, first->changes[i].message);
  }
  // The changelog diffs (1,2) and (2,3) once; again, nothing.
  ASSERT_TRUE(service_->Changelog("o"));
  EXPECT_EQ(service_->GetCounters().diffs_computed, 3u);
  ASSERT_TRUE(service_->Changelog("o"));
  EXPECT_EQ(service_->GetCounters().diffs_computed, 3u);
  EXPECT_EQ(service_->GetCounters().diffs_cached, 3u);
}

TEST_F(RequestCostTest, TheDiffCacheIsBounded) {
  ServiceOptions options;
  options.diff_cache = 1;
  Open(options);
  ASSERT_TRUE(service_->SetConfig(
      std::nullopt, ConfigRecord{.level = compat::Level::kNone, .policy = std::nullopt}));
  ASSERT_TRUE(service_->Register("o", testing::Json(testing::R("\"a\""))));
  ASSERT_TRUE(service_->Register("o", testing::Json(testing::R("\"b\""))));
  ASSERT_TRUE(service_->Register("o", testing::Json(testing::R("\"c\""))));
  ASSERT_TRUE(service_->Changelog("o"));
  ASSERT_TRUE(service_->Changelog("o"));
  // (2,3) evicts (1,2) and back again: every diff is computed each time.
  EXPECT_EQ(service_->GetCounters().diffs_computed, 4u);
  EXPECT_EQ(service_->GetCounters().diffs_cached, 1u);
}

}  // namespace
}  // namespace accord::registry

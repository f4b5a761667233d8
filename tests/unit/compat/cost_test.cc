// Cost of checking and diffing hostile schemas (issue #15): counted in work
// units (accord/schemas/budget.h), never in wall time. Each bound is linear
// in n with a small factor; the quadratic loops these tests pin down
// charged about n^2 / 2 units (more than the whole default budget).
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "../../common/hostile_schemas.h"
#include "accord/compat/avro_compat.h"
#include "accord/compat/jsonschema_compat.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/budget.h"
#include "accord/schemas/load.h"

namespace accord::compat {
namespace {

namespace hostile = testing::hostile;

avro::Schema Avro(const std::string& text) {
  auto s = avro::ParseText(text);
  EXPECT_TRUE(s) << s.error().message;
  return s ? std::move(*s) : avro::Schema();
}

json::Value Json(const std::string& text) {
  auto d = ParseJson(text);
  EXPECT_TRUE(d) << d.error().message;
  return d ? std::move(d->root) : json::Value();
}

// Runs `fn` under a fresh, practically unlimited budget; returns the work.
template <typename Fn>
std::uint64_t WorkOf(Fn&& fn) {
  WorkBudget budget(UINT64_MAX / 2);
  WorkBudgetScope scope(budget);
  fn();
  return budget.used();
}

std::set<std::string> Kinds(const Report& r) {
  std::set<std::string> out;
  for (const Finding& f : r.findings) out.insert(std::string(f.kind.name()));
  return out;
}

// Regression (issue #15): each writer branch was compared with every reader
// branch of its type (each pair memoised): 10^8 comparisons, 17 s and 1.6 GB
// for 10,000 branches. Branches are matched by name first.
TEST(AvroCheckCost, UnionOf10000BranchesReorderedIsLinear) {
  const avro::Schema w = Avro(hostile::AvroUnion(10'000));
  const avro::Schema r = Avro(hostile::AvroUnion(10'000, /*reversed=*/true));
  Report report;
  const std::uint64_t work = WorkOf([&] { report = CheckAvroSchemas(w, r); });
  EXPECT_TRUE(report.compatible());
  EXPECT_TRUE(report.findings.empty());
  EXPECT_LE(work, 20u * 10'000u);
}

TEST(AvroCheckCost, UnionOf10000BranchesAllMissingIsLinear) {
  // Every writer branch lacks a reader branch: 10,000 findings, each kept
  // once (the duplicate check is hashed past a few findings).
  const avro::Schema w = Avro(hostile::AvroUnion(10'000));
  std::string renamed = hostile::AvroUnion(10'000);
  for (std::size_t at = renamed.find("\"B"); at != std::string::npos;
       at = renamed.find("\"B", at)) {
    renamed[at + 1] = 'C';
  }
  const avro::Schema r = Avro(renamed);
  Report report;
  const std::uint64_t work = WorkOf([&] { report = CheckAvroSchemas(w, r); });
  EXPECT_EQ(report.findings.size(), 10'000u);
  EXPECT_EQ(Kinds(report), (std::set<std::string>{"MISSING_UNION_BRANCH"}));
  EXPECT_LE(work, 60u * 10'000u);
}

TEST(AvroCheckCost, EnumOf100000SymbolsReorderedIsLinear) {
  const avro::Schema w = Avro(hostile::AvroEnum(100'000));
  const avro::Schema r = Avro(hostile::AvroEnum(100'000, /*reversed=*/true));
  Report report;
  const std::uint64_t work = WorkOf([&] { report = CheckAvroSchemas(w, r); });
  EXPECT_TRUE(report.compatible());
  EXPECT_LE(work, 5u * 100'000u);
}

TEST(AvroCheckCost, RecordOf30000FieldsReorderedIsLinear) {
  const avro::Schema w = Avro(hostile::AvroRecord(30'000));
  const avro::Schema r = Avro(hostile::AvroRecord(30'000, /*reversed=*/true));
  Report report;
  const std::uint64_t work = WorkOf([&] { report = CheckAvroSchemas(w, r); });
  EXPECT_TRUE(report.compatible());
  EXPECT_LE(work, 5u * 30'000u);
}

TEST(AvroDiffCost, UnionOf10000BranchesReorderedIsLinear) {
  const avro::Schema o = Avro(hostile::AvroUnion(10'000));
  const avro::Schema n = Avro(hostile::AvroUnion(10'000, /*reversed=*/true));
  Report report;
  const std::uint64_t work = WorkOf([&] { report = DiffAvroSchemas(o, n); });
  EXPECT_TRUE(report.findings.empty());
  EXPECT_LE(work, 60u * 10'000u);
}

TEST(AvroDiffCost, EnumsOf100000AndRecordsOf30000MembersAreLinear) {
  Report enums, records;
  const std::uint64_t enum_work = WorkOf([&] {
    enums =
        DiffAvroSchemas(Avro(hostile::AvroEnum(100'000)), Avro(hostile::AvroEnum(100'000, true)));
  });
  EXPECT_TRUE(enums.findings.empty());
  EXPECT_LE(enum_work, 15u * 100'000u);
  const std::uint64_t record_work = WorkOf([&] {
    records =
        DiffAvroSchemas(Avro(hostile::AvroRecord(30'000)), Avro(hostile::AvroRecord(30'000, true)));
  });
  EXPECT_TRUE(records.findings.empty());
  EXPECT_LE(record_work, 15u * 30'000u);
}

// Regression (issue #15): each writer enum value was looked up in the
// reader's enum by a scan, 2.5 * 10^9 comparisons (7.5 s to register) for
// two enums of 50,000 values, and again in both directions of every diff.
TEST(JsonSchemaCheckCost, EnumsOf50000ValuesAreLinear) {
  const json::Value v1 = Json(hostile::JsonEnum(50'000));
  const json::Value v2 = Json(hostile::JsonEnum(50'000, /*extra=*/1));
  Result<Report> backward, forward;
  const std::uint64_t work = WorkOf([&] {
    backward = CheckJsonSchema(v1, v2);
    forward = CheckJsonSchema(v2, v1);
  });
  ASSERT_TRUE(backward);
  ASSERT_TRUE(forward);
  EXPECT_TRUE(backward->compatible());
  EXPECT_EQ(Kinds(*forward), (std::set<std::string>{"ENUM_NARROWED"}));
  EXPECT_LE(work, 20u * 50'000u);
}

TEST(JsonSchemaDiffCost, EnumsOf50000ValuesAreLinear) {
  const json::Value v1 = Json(hostile::JsonEnum(50'000));
  const json::Value v2 = Json(hostile::JsonEnum(50'000, /*extra=*/1));
  Result<Report> diff;
  const std::uint64_t work = WorkOf([&] { diff = DiffJsonSchema(v1, v2); });
  ASSERT_TRUE(diff);
  EXPECT_EQ(Kinds(*diff), (std::set<std::string>{"ENUM_VALUE_ADDED"}));
  EXPECT_LE(work, 30u * 50'000u);
}

TEST(JsonSchemaDiffCost, PropertiesOf5000AreLinear) {
  const json::Value v1 = Json(hostile::JsonProperties(5'000));
  const json::Value v2 = Json(hostile::JsonProperties(5'000, /*dropped=*/10));
  Result<Report> diff;
  const std::uint64_t work = WorkOf([&] { diff = DiffJsonSchema(v1, v2); });
  ASSERT_TRUE(diff);
  EXPECT_EQ(diff->findings.size(), 10u);
  EXPECT_LE(work, 80u * 5'000u);
}

// Regression (issue #15): each `required` name the reader adds generated 4
// writer objects of all n properties and searched a witness of its own
// (2.8 s for the changelog of 24,000 properties with 10 names dropped).
// The names the writer's minimal object lacks share one witness, judged
// once: 100 such names cost no more work than 1 (the search's evaluator
// charges about 2 units per property per candidate, so a search per name
// would add about 100 * 2n here).
TEST(JsonSchemaCheckCost, RequiredNamesTheWriterLacksShareOneWitness) {
  constexpr std::size_t kN = 5'000;
  const json::Value reader = Json(hostile::JsonProperties(kN));
  const json::Value writer_1 = Json(hostile::JsonProperties(kN, /*dropped=*/1));
  const json::Value writer_100 = Json(hostile::JsonProperties(kN, /*dropped=*/100));
  Result<Report> one, hundred;
  const std::uint64_t work_1 = WorkOf([&] { one = CheckJsonSchema(writer_1, reader); });
  const std::uint64_t work_100 = WorkOf([&] { hundred = CheckJsonSchema(writer_100, reader); });
  ASSERT_TRUE(one);
  ASSERT_TRUE(hundred);
  ASSERT_EQ(one->findings.size(), 1u);
  ASSERT_EQ(hundred->findings.size(), 100u);
  EXPECT_LE(work_100, work_1 + 100u * 10u);
  // Each finding is still proved: REQUIRED_ADDED at /required, BREAKING,
  // its witness the writer's minimal object (the writer's 4,900 required
  // properties), which lacks the finding's property.
  for (std::size_t k = 0; k < 100; ++k) {
    const Finding& f = hundred->findings[k];
    const std::string name = hostile::Name('P', kN - 100 + k);
    SCOPED_TRACE(name);
    EXPECT_EQ(f.kind.name(), "REQUIRED_ADDED");
    EXPECT_EQ(f.severity, Severity::kBreaking);
    EXPECT_EQ(f.reader_path, "/required");
    EXPECT_EQ(f.message, "property '" + name +
                             "' is required by the reader: events of the writer without it are "
                             "rejected");
    ASSERT_TRUE(f.witness);
    ASSERT_TRUE(f.witness->IsObject());
    EXPECT_EQ(f.witness->AsObject().size(), kN - 100);
    EXPECT_EQ(f.witness->Find(name), nullptr);
  }
}

TEST(CheckCost, AnExhaustedBudgetEndsTheCheckQuickly) {
  const avro::Schema w = Avro(hostile::AvroUnion(10'000));
  const avro::Schema r = Avro(hostile::AvroUnion(10'000, true));
  WorkBudget budget(1'000);
  WorkBudgetScope scope(budget);
  (void)CheckAvroSchemas(w, r);
  EXPECT_TRUE(budget.Exhausted());
  // Past the limit each remaining branch costs O(1): nothing near n^2.
  EXPECT_LE(budget.used(), 1'000u + 4u * 10'000u);
}

}  // namespace
}  // namespace accord::compat

// Cost of parsing hostile schemas (issue #15): counted in work units
// (accord/schemas/budget.h), never in wall time. Each bound is linear in n
// with a small factor; the quadratic scans these tests pin down charged
// about n^2 / 2 units.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "../../common/hostile_schemas.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/budget.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"

namespace accord {
namespace {

namespace hostile = testing::hostile;

// The work units parsing `text` as Avro charges; the parse must succeed.
std::uint64_t AvroParseWork(const std::string& text) {
  WorkBudget budget(UINT64_MAX / 2);
  WorkBudgetScope scope(budget);
  auto parsed = avro::ParseText(text);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return budget.used();
}

TEST(WorkBudget, ChargesUntilTheLimitThenRefusesForGood) {
  WorkBudget b(10);
  EXPECT_TRUE(b.Charge(4));
  EXPECT_TRUE(b.Charge(6));
  EXPECT_FALSE(b.Exhausted());
  EXPECT_FALSE(b.Charge(1));
  EXPECT_TRUE(b.Exhausted());
  EXPECT_FALSE(b.Charge(0));
  EXPECT_EQ(b.used(), 11u);
  EXPECT_EQ(b.limit(), 10u);
}

TEST(WorkBudget, ScopesNestAndChargeWorkWithoutABudgetCountsNothing) {
  EXPECT_EQ(CurrentWorkBudget(), nullptr);
  EXPECT_TRUE(ChargeWork(1'000'000));
  WorkBudget outer(100), inner(5);
  {
    WorkBudgetScope a(outer);
    EXPECT_TRUE(ChargeWork(3));
    {
      WorkBudgetScope b(inner);
      EXPECT_EQ(CurrentWorkBudget(), &inner);
      EXPECT_FALSE(ChargeWork(6));
      EXPECT_TRUE(WorkExhausted());
    }
    EXPECT_EQ(CurrentWorkBudget(), &outer);
    EXPECT_FALSE(WorkExhausted());
  }
  EXPECT_EQ(CurrentWorkBudget(), nullptr);
  EXPECT_EQ(outer.used(), 3u);
  EXPECT_EQ(inner.used(), 6u);
}

// Regression (issue #15): the duplicate-symbol check compared each symbol
// with every earlier one, 5 * 10^9 comparisons (15 s) for 100,000 symbols.
TEST(AvroParseCost, EnumOf100000SymbolsIsLinear) {
  const std::string text = hostile::AvroEnum(100'000);
  ASSERT_LT(text.size(), 1024u * 1024u);
  EXPECT_LE(AvroParseWork(text), 2u * 100'000u);
}

TEST(AvroParseCost, RecordOf30000FieldsIsLinear) {
  EXPECT_LE(AvroParseWork(hostile::AvroRecord(30'000)), 2u * 30'000u);
}

TEST(AvroParseCost, RecordDefaultOf20000MembersIsLinear) {
  // A field of record type whose default gives each of its 20,000 fields.
  const std::string inner = hostile::AvroRecord(20'000);
  std::string def = "{";
  for (std::size_t k = 0; k < 20'000; ++k)
    def += (k ? ",\"" : "\"") + hostile::Name('F', k) + "\":1";
  def += "}";
  const std::string text = R"({"type":"record","name":"O","fields":[{"name":"r","type":)" + inner +
                           R"(,"default":)" + def + "}]}";
  EXPECT_LE(AvroParseWork(text), 4u * 20'000u);
}

TEST(AvroParseCost, UnionOf20000NamedBranchesIsLinear) {
  // Every branch is a record (a node charged) with one field.
  EXPECT_LE(AvroParseWork(hostile::AvroUnion(20'000)), 4u * 20'000u);
}

TEST(AvroParseCost, DuplicatesAreStillFoundPastTheScanLimit) {
  // Past 16 members the names are hashed: a repeat at the end is refused.
  std::string symbols = hostile::AvroEnum(40);
  symbols.insert(symbols.size() - 2, ",\"S00003\"");
  auto e = avro::ParseText(symbols);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "symbols[40]: duplicate enum symbol \"S00003\"");
  std::string fields = hostile::AvroRecord(40);
  fields.insert(fields.size() - 2, R"(,{"name":"F00039","type":"int"})");
  auto f = avro::ParseText(fields);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().message, "fields[40].name: duplicate field name \"F00039\"");
  std::string branches = hostile::AvroUnion(40);
  branches.insert(branches.size() - 4, R"(,"B00017")");
  auto u = avro::ParseText(branches);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().message,
            "fields[0].type[40]: union has two branches of type \"B00017\" (a union holds one "
            "schema per unnamed type and per full name)");
}

TEST(AvroParseCost, AnExhaustedBudgetStopsTheParseWithALimitError) {
  WorkBudget budget(1'000);
  WorkBudgetScope scope(budget);
  auto parsed = avro::ParseText(hostile::AvroUnion(5'000));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kLimit);
  EXPECT_TRUE(budget.Exhausted());
}

// The work units compiling `text` as a JSON Schema of `dialect` charges, and
// the outcome.
std::uint64_t JsonSchemaCompileWork(const std::string& text, jsonschema::Dialect dialect,
                                    Result<jsonschema::Validator>* out = nullptr) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc) << doc.error().message;
  if (!doc) return 0;
  WorkBudget budget(UINT64_MAX / 2);
  WorkBudgetScope scope(budget);
  auto compiled = jsonschema::Validator::Compile(doc->root, {}, {.default_dialect = dialect});
  if (out != nullptr) *out = std::move(compiled);
  return budget.used();
}

// Regression (issue #15, after draft-07 became the default dialect): the
// draft-04..07 rule that enum values are unique compared each value with
// every earlier one, 5 * 10^9 comparisons for 100,000 values (minutes per
// registration), uncharged. Now hashed past 16 values: about one unit per value.
TEST(JsonSchemaCompileCost, Draft07EnumOf100000ValuesIsLinearAndCharged) {
  const std::string text = hostile::JsonEnum(100'000);
  ASSERT_LT(text.size(), 1024u * 1024u);
  Result<jsonschema::Validator> compiled = std::unexpected(Error{});
  const std::uint64_t work = JsonSchemaCompileWork(text, jsonschema::Dialect::kDraft7, &compiled);
  EXPECT_TRUE(compiled) << compiled.error().message;
  EXPECT_GE(work, 100'000u);  // the check is charged, so a budget can stop it
  EXPECT_LE(work, 2u * 100'000u);
}

TEST(JsonSchemaCompileCost, Draft07RepeatedEnumValueIsStillFoundPastTheScanLimit) {
  for (std::size_t at : {3u, 39u}) {
    std::string text = hostile::JsonEnum(40);
    // The value "V00002" again, as the enum's value number `at`.
    const std::size_t open = text.find('[') + 1;
    std::size_t pos = open;
    for (std::size_t k = 0; k < at; ++k) pos = text.find(',', pos) + 1;
    text.insert(pos, "\"V00002\",");
    Result<jsonschema::Validator> compiled = std::unexpected(Error{});
    JsonSchemaCompileWork(text, jsonschema::Dialect::kDraft7, &compiled);
    ASSERT_FALSE(compiled) << at;
    EXPECT_EQ(compiled.error().message, "enum repeats a value (not allowed before 2019-09)");
    EXPECT_EQ(compiled.error().pointer, "/properties/e/enum/" + std::to_string(at));
    // From 2019-09 on, repeats are allowed.
    Result<jsonschema::Validator> later = std::unexpected(Error{});
    JsonSchemaCompileWork(text, jsonschema::Dialect::kDraft2020_12, &later);
    EXPECT_TRUE(later) << at;
  }
}

TEST(JsonValueHash, EqualValuesHashEqual) {
  using json::Value;
  EXPECT_EQ(json::Hash(Value(1)), json::Hash(Value(1.0)));
  EXPECT_EQ(json::Hash(Value(0.0)), json::Hash(Value(-0.0)));
  json::Object ab{{"a", Value(1)}, {"b", Value("x")}};
  json::Object ba{{"b", Value("x")}, {"a", Value(1.0)}};
  ASSERT_TRUE(Value(ab) == Value(ba));
  EXPECT_EQ(json::Hash(Value(ab)), json::Hash(Value(ba)));
  EXPECT_EQ(json::Hash(Value(json::Array{Value(2), Value(true)})),
            json::Hash(Value(json::Array{Value(2.0), Value(true)})));
  // Different values usually differ (not a rule, but these must).
  EXPECT_NE(json::Hash(Value("1")), json::Hash(Value(1)));
  EXPECT_NE(json::Hash(Value(json::Array{Value(1), Value(2)})),
            json::Hash(Value(json::Array{Value(2), Value(1)})));
}

}  // namespace
}  // namespace accord

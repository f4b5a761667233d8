// Finding kinds: the wire-name tables, the checker's kinds in the author's
// words, and docs/finding-kinds.md, generated from the tables with an
// example per kind that the engine is run on here (so neither the page nor
// its examples can drift from the code). ACCORD_UPDATE_GOLDENS=1 rewrites
// the page.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "accord/compat/avro_compat.h"
#include "accord/compat/avro_kinds.h"
#include "accord/compat/jsonschema_compat.h"
#include "accord/compat/jsonschema_kinds.h"
#include "accord/compat/kind.h"
#include "accord/compat/protobuf_compat.h"
#include "accord/compat/protobuf_kinds.h"
#include "accord/compat/render.h"
#include "accord/schemas/load.h"

namespace accord::compat {
namespace {

json::Value J(std::string_view text) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? std::move(doc->root) : json::Value();
}

// ---- the tables ----------------------------------------------------------------

TEST(KindsTest, EveryJsonSchemaKindRoundTripsThroughItsWireName) {
  ASSERT_FALSE(JsonSchemaKinds().empty());
  for (const KindInfo& row : JsonSchemaKinds()) {
    auto k = JsonSchemaKindFromName(row.name);
    ASSERT_TRUE(k.has_value()) << row.name;
    EXPECT_EQ(DescribeKind(*k).name, row.name);
    EXPECT_EQ(Kind(*k).name(), row.name);
    EXPECT_EQ(Kind(*k).language(), KindLanguage::kJsonSchema);
    EXPECT_FALSE(row.meaning.empty()) << row.name;
  }
}

TEST(KindsTest, EveryAvroKindRoundTripsThroughItsWireName) {
  ASSERT_FALSE(AvroKinds().empty());
  for (const KindInfo& row : AvroKinds()) {
    auto k = AvroKindFromName(row.name);
    ASSERT_TRUE(k.has_value()) << row.name;
    EXPECT_EQ(DescribeKind(*k).name, row.name);
    EXPECT_EQ(Kind(*k).language(), KindLanguage::kAvro);
    EXPECT_FALSE(row.meaning.empty()) << row.name;
  }
}

// Wire names are exact (public API): no case folding, no unknown names.
TEST(KindsTest, KindFromNameIsExact) {
  EXPECT_EQ(KindFromName(KindLanguage::kJsonSchema, "TYPE_NARROWED"),
            Kind(JsonSchemaKind::kTypeNarrowed));
  EXPECT_EQ(KindFromName(KindLanguage::kJsonSchema, "type_narrowed"), std::nullopt);
  EXPECT_EQ(KindFromName(KindLanguage::kJsonSchema, "TYPE_MISMATCH"), std::nullopt);
  EXPECT_EQ(KindFromName(KindLanguage::kAvro, "TYPE_MISMATCH"), Kind(AvroKind::kTypeMismatch));
  EXPECT_EQ(KindFromName(KindLanguage::kCommon, "SCHEMA_TYPE_CHANGED"),
            Kind(CommonKind::kSchemaTypeChanged));
}

// The names that were public before the kinds were typed keep their
// spelling (JSON output and the registry's 409 messages).
TEST(KindsTest, ReleasedWireNamesAreKept) {
  EXPECT_EQ(Kind(JsonSchemaKind::kPropertyAddedToOpenContentModel).name(),
            "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
  EXPECT_EQ(Kind(JsonSchemaKind::kRequiredAddedWithDefault).name(), "REQUIRED_ADDED_WITH_DEFAULT");
  EXPECT_EQ(Kind(JsonSchemaKind::kUndecidedPatternProperties).name(),
            "UNDECIDED_PATTERN_PROPERTIES");
  EXPECT_EQ(Kind(AvroKind::kReaderFieldMissingDefaultValue).name(),
            "READER_FIELD_MISSING_DEFAULT_VALUE");
  EXPECT_EQ(Kind(AvroKind::kUndecidedDepth).name(), "UNDECIDED_DEPTH");
  EXPECT_EQ(Kind(AvroKind::kFieldAdded).name(), "FIELD_ADDED");
}

// A kind compares by its row: the same name in two languages is two kinds.
TEST(KindsTest, KindsOfTwoLanguagesDifferEvenWithOneName) {
  EXPECT_EQ(Kind(JsonSchemaKind::kTypeChanged).name(), Kind(AvroKind::kTypeChanged).name());
  EXPECT_NE(Kind(JsonSchemaKind::kTypeChanged), Kind(AvroKind::kTypeChanged));
  EXPECT_EQ(Kind(AvroKind::kTypeChanged).As<JsonSchemaKind>(), std::nullopt);
  EXPECT_EQ(Kind(AvroKind::kTypeChanged).As<AvroKind>(), AvroKind::kTypeChanged);
  EXPECT_EQ(Kind().name(), "UNKNOWN");
}

// Issue 16 item 5: the author's words for the checker's kinds.
TEST(KindsTest, ForwardBreaksAreNamedAsTheAuthorMadeThem) {
  EXPECT_EQ(ForwardChangeKind(JsonSchemaKind::kEnumNarrowed), JsonSchemaKind::kEnumValueAdded);
  EXPECT_EQ(BackwardChangeKind(JsonSchemaKind::kEnumNarrowed), JsonSchemaKind::kEnumValueRemoved);
  EXPECT_EQ(ForwardChangeKind(JsonSchemaKind::kRequiredAdded), JsonSchemaKind::kRequiredRemoved);
  EXPECT_EQ(ForwardChangeKind(JsonSchemaKind::kPropertyRemoved),
            JsonSchemaKind::kOptionalPropertyAdded);
  EXPECT_EQ(ForwardChangeKind(AvroKind::kReaderFieldMissingDefaultValue), AvroKind::kFieldRemoved);
  EXPECT_EQ(BackwardChangeKind(AvroKind::kReaderFieldMissingDefaultValue), AvroKind::kFieldAdded);
  // A kind that already names a change maps to itself.
  EXPECT_EQ(ForwardChangeKind(JsonSchemaKind::kTypeChanged), JsonSchemaKind::kTypeChanged);
}

// Advice names the schema the user can still change: for a FORWARD break,
// the new one (the old one is deployed).
TEST(KindsTest, ForwardAdviceNeverAsksToChangeTheOldSchema) {
  RenderContext check;
  for (const KindInfo& row : AvroKinds()) {
    Finding f;
    f.kind = static_cast<AvroKind>(row.value);
    f.direction = Direction::kForward;
    const std::string advice(AdviceFor(f, check));
    EXPECT_EQ(advice.find("reader field"), std::string::npos) << row.name << ": " << advice;
    EXPECT_EQ(advice.find("old schema"), std::string::npos) << row.name << ": " << advice;
  }
  Finding removed;
  removed.kind = AvroKind::kReaderFieldMissingDefaultValue;
  removed.direction = Direction::kForward;
  EXPECT_EQ(AdviceFor(removed, check), DescribeKind(AvroKind::kFieldRemoved).advice);
}

// ---- examples: run here, printed in docs/finding-kinds.md --------------------

using JK = JsonSchemaKind;
constexpr std::string_view kDraft7 = R"("$schema":"http://json-schema.org/draft-07/schema#")";
constexpr std::string_view k2020 = R"("$schema":"https://json-schema.org/draft/2020-12/schema")";

std::string With(std::string_view dialect, std::string_view members) {
  return "{" + std::string(dialect) + "," + std::string(members) + "}";
}

// A checker kind and a (writer, reader) pair whose check emits it. Diffing
// the pair as (old, new) then gives BackwardChangeKind(kind) breaking
// BACKWARD, and as (new, old) ForwardChangeKind(kind) breaking FORWARD.
struct CheckExample {
  JK kind;
  std::string writer, reader;
  Policy policy = Policy::kStrict;
  std::size_t budget = 1'000'000;
  std::string shown = {};  // the page's words for a pair too long to print ("" = the pair)
};

std::vector<CheckExample> JsonCheckExamples() {
  const std::string obj = R"({"type":"object","properties":{"a":{"type":"string"}}})";
  return {
      {JK::kTypeChanged, R"({"type":"string"})", R"({"type":"integer"})"},
      {JK::kTypeNarrowed, R"({"type":["string","integer"]})", R"({"type":"string"})"},
      {JK::kFalseSchema, R"({})", R"(false)"},
      {JK::kMinimumAdded, R"({"type":"number"})", R"({"type":"number","minimum":0})"},
      {JK::kMinimumIncreased, R"({"type":"number","minimum":0})",
       R"({"type":"number","minimum":5})"},
      {JK::kMaximumAdded, R"({"type":"number"})", R"({"type":"number","maximum":100})"},
      {JK::kMaximumDecreased, R"({"type":"number","maximum":100})",
       R"({"type":"number","maximum":10})"},
      {JK::kExclusiveBoundAdded, R"({"type":"number","minimum":0})",
       R"({"type":"number","exclusiveMinimum":0})"},
      {JK::kMultipleOfAdded, R"({"type":"number"})", R"({"type":"number","multipleOf":2})"},
      {JK::kMultipleOfChanged, R"({"type":"integer","multipleOf":2})",
       R"({"type":"integer","multipleOf":3})"},
      {JK::kMinLengthAdded, R"({"type":"string"})", R"({"type":"string","minLength":1})"},
      {JK::kMinLengthIncreased, R"({"type":"string","minLength":1})",
       R"({"type":"string","minLength":3})"},
      {JK::kMaxLengthAdded, R"({"type":"string"})", R"({"type":"string","maxLength":10})"},
      {JK::kMaxLengthDecreased, R"({"type":"string","maxLength":10})",
       R"({"type":"string","maxLength":3})"},
      {JK::kPatternAdded, R"({"type":"string"})", R"({"type":"string","pattern":"^[a-z]+$"})"},
      {JK::kPatternChanged, R"({"type":"string","pattern":"^[a-z]+$"})",
       R"({"type":"string","pattern":"^[0-9]+$"})"},
      {JK::kFormatAdded, R"({"type":"string"})", R"({"type":"string","format":"date"})"},
      {JK::kFormatChanged, R"({"type":"string","format":"date"})",
       R"({"type":"string","format":"email"})"},
      {JK::kEnumAdded, R"({"type":"string"})", R"({"type":"string","enum":["a","b"]})"},
      {JK::kConstAdded, R"({"type":"string"})", R"({"type":"string","const":"a"})"},
      {JK::kEnumNarrowed, R"({"enum":["PAID","REFUNDED"]})", R"({"enum":["PAID"]})"},
      {JK::kConstChanged, R"({"const":"a"})", R"({"const":"b"})"},
      {JK::kRequiredAdded, obj,
       R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a"]})"},
      {JK::kRequiredAddedWithDefault, obj,
       R"({"type":"object","properties":{"a":{"type":"string","default":""}},"required":["a"]})",
       Policy::kLenient},
      {JK::kPropertyRemoved, obj, R"({"type":"object","additionalProperties":false})"},
      {JK::kPropertyAddedToOpenContentModel, R"({"type":"object"})", obj},
      {JK::kAdditionalPropertiesNarrowed, R"({"type":"object"})",
       R"({"type":"object","additionalProperties":{"type":"string"}})"},
      {JK::kPropertyNamesNarrowed, R"({"type":"object"})",
       R"({"type":"object","propertyNames":{"maxLength":3}})"},
      {JK::kMinPropertiesAdded, R"({"type":"object"})", R"({"type":"object","minProperties":1})"},
      {JK::kMinPropertiesIncreased, R"({"type":"object","minProperties":1})",
       R"({"type":"object","minProperties":2})"},
      {JK::kMaxPropertiesAdded, R"({"type":"object"})", R"({"type":"object","maxProperties":5})"},
      {JK::kMaxPropertiesDecreased, R"({"type":"object","maxProperties":5})",
       R"({"type":"object","maxProperties":2})"},
      {JK::kDependentRequiredAdded, R"({"type":"object"})",
       R"({"type":"object","dependencies":{"a":["b"]}})"},
      {JK::kDependentSchemaAdded, R"({"type":"object"})",
       R"({"type":"object","dependencies":{"a":{"required":["b"]}}})"},
      {JK::kItemsAdded, R"({"type":"array"})", R"({"type":"array","items":{"type":"string"}})"},
      {JK::kAdditionalItemsRemoved, With(kDraft7, R"("type":"array","items":[{"type":"string"}])"),
       With(kDraft7, R"("type":"array","items":[{"type":"string"}],"additionalItems":false)")},
      {JK::kMinItemsAdded, R"({"type":"array"})", R"({"type":"array","minItems":1})"},
      {JK::kMinItemsIncreased, R"({"type":"array","minItems":1})",
       R"({"type":"array","minItems":2})"},
      {JK::kMaxItemsAdded, R"({"type":"array"})", R"({"type":"array","maxItems":5})"},
      {JK::kMaxItemsDecreased, R"({"type":"array","maxItems":5})",
       R"({"type":"array","maxItems":2})"},
      {JK::kUniqueItemsAdded, R"({"type":"array"})", R"({"type":"array","uniqueItems":true})"},
      {JK::kContainsAdded, R"({"type":"array"})",
       R"({"type":"array","contains":{"type":"string"}})"},
      {JK::kContainsChanged, R"({"type":"array","contains":{"type":"string"}})",
       R"({"type":"array","contains":{"type":"integer"}})"},
      {JK::kMaxContainsAdded, With(k2020, R"("type":"array","contains":{"type":"string"})"),
       With(k2020, R"("type":"array","contains":{"type":"string"},"maxContains":1)")},
      {JK::kAnyOfNarrowed, R"({"type":"string"})",
       R"({"anyOf":[{"type":"string","minLength":3},{"type":"string","maxLength":1}]})"},
      {JK::kOneOfNarrowed, R"({"type":"string"})",
       R"({"oneOf":[{"type":"string","minLength":3},{"type":"string","maxLength":1}]})"},
      {JK::kOneOfOverlap, R"({"type":"string"})",
       R"({"oneOf":[{"type":"string"},{"type":"string","minLength":1}]})"},
      {JK::kDependentSchemaChanged, R"({"type":"object","dependencies":{"a":{"required":["b"]}}})",
       R"({"type":"object","dependencies":{"a":{"required":["b","c"]}}})"},
      {JK::kNotExtended, R"({"type":"integer"})", R"({"type":"integer","not":{"minimum":10}})"},
      {JK::kNotExtended, R"({"type":"string"})", R"({"type":"string","not":{"const":"x"}})"},
      {JK::kUndecidedNot, R"({"type":"string","not":{"const":"x"}})",
       R"({"type":"string","not":{"pattern":"^x$"}})"},
      {JK::kIfThenElseNarrowed, R"({"type":"object"})",
       R"({"type":"object","if":{"required":["a"]},"then":{"required":["b"]}})"},
      {JK::kUndecidedIfThenElse, R"({"type":"object","dependencies":{"a":["b"]}})",
       R"({"type":"object","if":{"required":["a"]},"then":{"required":["b"]}})"},
      {JK::kUndecidedAnyOf, R"({"type":"integer"})",
       R"({"anyOf":[{"type":"integer","minimum":0},{"type":"integer","maximum":0}]})"},
      {JK::kUndecidedOneOf, R"({"type":"integer"})",
       R"({"oneOf":[{"type":"integer","minimum":1},{"type":"integer","maximum":0}]})"},
      {JK::kUndecidedCombinator,
       R"({"type":"integer","allOf":[{"anyOf":[{"minimum":0},{"minimum":1},{"minimum":2},{"minimum":3},)"
       R"({"minimum":4},{"minimum":5},{"minimum":6},{"minimum":7},{"minimum":8},{"minimum":9}]},)"
       R"({"anyOf":[{"maximum":10},{"maximum":11},{"maximum":12},{"maximum":13},{"maximum":14},)"
       R"({"maximum":15},{"maximum":16},{"maximum":17},{"maximum":18},{"maximum":19}]}]})",
       R"({"type":"integer","minimum":0})"},
      {JK::kUndecidedDynamicRef, R"({"type":"string"})",
       With(k2020, R"("$id":"https://example.com/r","$dynamicRef":"a#n","$defs":{)"
                   R"("a":{"$id":"a","$dynamicAnchor":"n","type":"string"},)"
                   R"("b":{"$id":"b","$dynamicAnchor":"n","type":"integer"}})")},
      {JK::kUndecidedRef, R"({"type":"string"})", R"({"allOf":[{"$ref":"#"}]})"},
      {JK::kUndecidedPatternProperties,
       R"({"type":"object","patternProperties":{"^a":{"type":"string"}}})",
       R"({"type":"object","patternProperties":{"^b":{"type":"integer"}}})"},
      {JK::kUndecidedUnevaluated,
       With(k2020,
            R"("type":"array","prefixItems":[{"type":"string"}],"contains":{"type":"integer"},)"
            R"("unevaluatedItems":false)"),
       With(k2020, R"("type":"array","maxItems":3)")},
      {JK::kUndecidedContains,
       With(k2020, R"("type":"array","contains":{"type":"string"},"maxContains":2)"),
       With(k2020, R"("type":"array","contains":{"type":"string"},"maxContains":2,"minItems":1)")},
      {JK::kUndecidedBudget, R"({"type":"object","properties":{"a":{"type":"string"}}})",
       R"({"type":"object","properties":{"a":{"type":"integer"}}})", Policy::kStrict, 1},
  };
}

// Kinds of a diff with a pair of their own: the changes that break neither
// direction, and the author's kinds no checker example above leads to.
struct DiffExample {
  JK kind;
  std::string old_schema, new_schema;
};

std::vector<DiffExample> JsonDiffExamples() {
  return {
      {JK::kPropertyAdded, R"({"type":"object"})",
       R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a"]})"},
      {JK::kSchemaChanged, R"({"type":"object","properties":{"a":true}})",
       R"({"type":"object","properties":{"a":{}}})"},
      {JK::kPatternPropertyAdded, R"({"type":"object"})",
       R"({"type":"object","patternProperties":{"^x-":{}}})"},
      {JK::kPatternPropertyRemoved, R"({"type":"object","patternProperties":{"^x-":{}}})",
       R"({"type":"object"})"},
      {JK::kDependencyAdded, R"({"type":"object","dependencies":{"a":{}}})",
       R"({"type":"object","dependencies":{"a":{},"b":{}}})"},
      {JK::kDependencyRemoved, R"({"type":"object","dependencies":{"a":{},"b":{}}})",
       R"({"type":"object","dependencies":{"a":{}}})"},
      {JK::kDefinitionAdded, R"({"$defs":{}})", R"({"$defs":{"id":{"type":"string"}}})"},
      {JK::kDefinitionRemoved, R"({"$defs":{"id":{"type":"string"}}})", R"({"$defs":{}})"},
      {JK::kEntryAdded, R"({"allOf":[{}]})", R"({"allOf":[{},{}]})"},
      {JK::kEntryRemoved, R"({"allOf":[{},{}]})", R"({"allOf":[{}]})"},
      {JK::kKeywordAdded, R"({"type":"string"})", R"({"type":"string","x-owner":"team"})"},
      {JK::kKeywordRemoved, R"({"type":"string","x-owner":"team"})", R"({"type":"string"})"},
      {JK::kKeywordChanged, R"({"type":"string","x-owner":"a"})",
       R"({"type":"string","x-owner":"b"})"},
      {JK::kDescriptionAdded, R"({"type":"string"})", R"({"type":"string","description":"d"})"},
      {JK::kDescriptionRemoved, R"({"type":"string","description":"d"})", R"({"type":"string"})"},
      {JK::kDescriptionChanged, R"({"type":"string","description":"d"})",
       R"({"type":"string","description":"e"})"},
      {JK::kTitleAdded, R"({"type":"string"})", R"({"type":"string","title":"t"})"},
      {JK::kTitleRemoved, R"({"type":"string","title":"t"})", R"({"type":"string"})"},
      {JK::kTitleChanged, R"({"type":"string","title":"t"})", R"({"type":"string","title":"u"})"},
      {JK::kDefaultAdded, R"({"type":"string"})", R"({"type":"string","default":"x"})"},
      {JK::kDefaultRemoved, R"({"type":"string","default":"x"})", R"({"type":"string"})"},
      {JK::kDefaultChanged, R"({"type":"string","default":"x"})",
       R"({"type":"string","default":"y"})"},
      {JK::kExamplesChanged, R"({"type":"string"})", R"({"type":"string","examples":["x"]})"},
      {JK::kDeprecatedChanged, R"({"type":"string"})", R"({"type":"string","deprecated":true})"},
      // Values the length bound rejects on both sides: the enums differ, the
      // documents do not.
      {JK::kEnumExtended, R"({"type":"string","maxLength":1,"enum":["a"]})",
       R"({"type":"string","maxLength":1,"enum":["a","bb"]})"},
      {JK::kEnumChanged, R"({"type":"string","maxLength":1,"enum":["a","bb"]})",
       R"({"type":"string","maxLength":1,"enum":["a","cc"]})"},
  };
}

std::string Kinds(const Report& r) {
  std::string out;
  for (const Finding& f : r.findings) {
    out += std::string(f.kind.name()) + "/" + std::string(DirectionName(f.direction)) + " ";
  }
  return out;
}

bool Has(const Report& r, Kind k, Direction d) {
  for (const Finding& f : r.findings) {
    if (f.kind == k && f.direction == d) return true;
  }
  return false;
}

// Each checker example emits its kind; its diff, both ways, the author's
// kinds with their directions.
TEST(KindsTest, EveryJsonCheckExampleEmitsItsKindAndItsChangeKinds) {
  for (const CheckExample& e : JsonCheckExamples()) {
    SCOPED_TRACE(std::string(DescribeKind(e.kind).name) + ": " + e.writer + " -> " + e.reader);
    JsonSchemaCheckOptions options;
    options.policy = e.policy;
    options.budget = e.budget;
    auto check = CheckJsonSchema(J(e.writer), J(e.reader), options);
    ASSERT_TRUE(check.has_value()) << check.error().ToString();
    EXPECT_TRUE(Has(*check, e.kind, Direction::kNone)) << Kinds(*check);
    if (e.budget != JsonSchemaCheckOptions{}.budget) continue;  // diffs have their own budget
    auto backward = DiffJsonSchema(J(e.writer), J(e.reader), options);
    ASSERT_TRUE(backward.has_value());
    EXPECT_TRUE(Has(*backward, BackwardChangeKind(e.kind), Direction::kBackward))
        << Kinds(*backward);
    auto forward = DiffJsonSchema(J(e.reader), J(e.writer), options);
    ASSERT_TRUE(forward.has_value());
    EXPECT_TRUE(Has(*forward, ForwardChangeKind(e.kind), Direction::kForward)) << Kinds(*forward);
  }
}

TEST(KindsTest, EveryJsonDiffExampleEmitsItsKind) {
  for (const DiffExample& e : JsonDiffExamples()) {
    SCOPED_TRACE(std::string(DescribeKind(e.kind).name) + ": " + e.old_schema + " -> " +
                 e.new_schema);
    auto diff = DiffJsonSchema(J(e.old_schema), J(e.new_schema));
    ASSERT_TRUE(diff.has_value());
    bool found = false;
    for (const Finding& f : diff->findings) found |= f.kind == e.kind;
    EXPECT_TRUE(found) << Kinds(*diff);
  }
}

// ---- Avro examples -----------------------------------------------------------------

using AK = AvroKind;

struct AvroCheckExample {
  AK kind;
  std::string writer, reader;
  std::string shown = {};  // the page's words for a pair too long to print ("" = the pair)
};

// A record whose field `last` holds a chain of `n` records, each with a
// field of the one before (T0 {v: long}, T1 {p: T0}, ...), defined in a
// union field `defs` that only this side has (so the check compares
// `last` first, n levels deep).
std::string AvroChain(int n, const char* defs) {
  std::string text = R"({"type":"record","name":"Top","fields":[{"name":")";
  text += defs;
  text += R"(","type":["null",{"type":"record","name":"T0","fields":[{"name":"v","type":"long"}]})";
  for (int i = 1; i < n; ++i) {
    text += R"(,{"type":"record","name":"T)" + std::to_string(i) +
            R"(","fields":[{"name":"p","type":"T)" + std::to_string(i - 1) + R"("}]})";
  }
  text += R"(],"default":null},{"name":"last","type":"T)" + std::to_string(n - 1) + R"("}]})";
  return text;
}

std::vector<AvroCheckExample> AvroCheckExamples() {
  return {
      {AK::kNameMismatch, R"({"type":"record","name":"A","fields":[]})",
       R"({"type":"record","name":"B","fields":[]})"},
      {AK::kFixedSizeMismatch, R"({"type":"fixed","name":"F","size":4})",
       R"({"type":"fixed","name":"F","size":8})"},
      {AK::kMissingEnumSymbols, R"({"type":"enum","name":"E","symbols":["A","B"]})",
       R"({"type":"enum","name":"E","symbols":["A"]})"},
      {AK::kReaderFieldMissingDefaultValue, R"({"type":"record","name":"R","fields":[]})",
       R"({"type":"record","name":"R","fields":[{"name":"x","type":"int"}]})"},
      {AK::kTypeMismatch, R"("string")", R"("int")"},
      {AK::kMissingUnionBranch, R"(["null","string"])", R"(["null","int"])"},
      {AK::kUndecidedDepth, AvroChain(402, "wdefs"), AvroChain(402, "rdefs"),
       "writer and reader each a record `Top` whose field `last` is a chain of 402 records "
       "(`T401 {p: T400}`, ..., `T1 {p: T0}`, `T0 {v: long}`), the same on both sides "
       "(`AvroChain` in tests/unit/compat/kinds_test.cc): deeper than the limit of 400"},
  };
}

struct AvroDiffExample {
  AK kind;
  std::string old_schema, new_schema;
};

std::vector<AvroDiffExample> AvroDiffExamples() {
  const std::string r = R"({"type":"record","name":"R","fields":[)";
  return {
      {AK::kFieldAdded, r + "]}", r + R"({"name":"x","type":"int","default":0}]})"},
      {AK::kFieldRemoved, r + R"({"name":"x","type":"int"}]})", r + "]}"},
      {AK::kFieldRenamed, r + R"({"name":"x","type":"int"}]})",
       r + R"({"name":"y","aliases":["x"],"type":"int"}]})"},
      {AK::kTypePromoted, R"("int")", R"("long")"},
      {AK::kTypeChanged, R"("string")", R"("int")"},
      {AK::kEnumSymbolAdded, R"({"type":"enum","name":"E","symbols":["A"]})",
       R"({"type":"enum","name":"E","symbols":["A","B"]})"},
      {AK::kEnumSymbolRemoved, R"({"type":"enum","name":"E","symbols":["A","B"]})",
       R"({"type":"enum","name":"E","symbols":["A"]})"},
      {AK::kUnionBranchAdded, R"(["null","string"])", R"(["null","string","int"])"},
      {AK::kUnionBranchRemoved, R"(["null","string","int"])", R"(["null","string"])"},
      {AK::kNamedTypeRenamed, R"({"type":"record","name":"A","fields":[]})",
       R"({"type":"record","name":"B","aliases":["A"],"fields":[]})"},
      {AK::kFixedSizeChanged, R"({"type":"fixed","name":"F","size":4})",
       R"({"type":"fixed","name":"F","size":8})"},
      {AK::kDefaultChanged, r + R"({"name":"x","type":"int","default":0}]})",
       r + R"({"name":"x","type":"int","default":1}]})"},
      {AK::kDocChanged, r + R"({"name":"x","type":"int","doc":"a"}]})",
       r + R"({"name":"x","type":"int","doc":"b"}]})"},
      {AK::kLogicalTypeChanged, R"({"type":"int","logicalType":"date"})",
       R"({"type":"int","logicalType":"time-millis"})"},
  };
}

TEST(KindsTest, EveryAvroCheckExampleEmitsItsKindAndItsChangeKinds) {
  for (const AvroCheckExample& e : AvroCheckExamples()) {
    SCOPED_TRACE(std::string(DescribeKind(e.kind).name) + ": " + e.writer + " -> " + e.reader);
    auto check = CheckAvro(J(e.writer), J(e.reader));
    ASSERT_TRUE(check.has_value()) << check.error().ToString();
    EXPECT_TRUE(Has(*check, e.kind, Direction::kNone)) << Kinds(*check);
    auto backward = DiffAvro(J(e.writer), J(e.reader));
    ASSERT_TRUE(backward.has_value());
    EXPECT_TRUE(Has(*backward, BackwardChangeKind(e.kind), Direction::kBackward))
        << Kinds(*backward);
    auto forward = DiffAvro(J(e.reader), J(e.writer));
    ASSERT_TRUE(forward.has_value());
    EXPECT_TRUE(Has(*forward, ForwardChangeKind(e.kind), Direction::kForward)) << Kinds(*forward);
  }
}

TEST(KindsTest, EveryAvroDiffExampleEmitsItsKind) {
  for (const AvroDiffExample& e : AvroDiffExamples()) {
    SCOPED_TRACE(std::string(DescribeKind(e.kind).name) + ": " + e.old_schema + " -> " +
                 e.new_schema);
    auto diff = DiffAvro(J(e.old_schema), J(e.new_schema));
    ASSERT_TRUE(diff.has_value()) << diff.error().ToString();
    bool found = false;
    for (const Finding& f : diff->findings) found |= f.kind == e.kind;
    EXPECT_TRUE(found) << Kinds(*diff);
  }
}

// ---- docs/finding-kinds.md ----------------------------------------------------------

std::string Code(std::string_view s) {
  std::string out = "`";
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out + "`";
}

// kind name -> example text, for one language.
using Examples = std::map<std::string, std::string, std::less<>>;

template <typename CheckRows, typename DiffRows>
Examples ExamplesOf(const CheckRows& checks, const DiffRows& diffs) {
  Examples out;
  auto put = [&](Kind k, std::string text) { out.emplace(std::string(k.name()), std::move(text)); };
  for (const auto& e : checks) {
    put(e.kind, !e.shown.empty()
                    ? "`check`: " + e.shown
                    : "`check`: writer " + Code(e.writer) + ", reader " + Code(e.reader));
  }
  for (const auto& e : checks) {
    if (!e.shown.empty()) continue;
    put(BackwardChangeKind(e.kind),
        "`diff`: old " + Code(e.writer) + ", new " + Code(e.reader) + " (breaks BACKWARD)");
    put(ForwardChangeKind(e.kind),
        "`diff`: old " + Code(e.reader) + ", new " + Code(e.writer) + " (breaks FORWARD)");
  }
  for (const auto& e : diffs) {
    put(e.kind, "`diff`: old " + Code(e.old_schema) + ", new " + Code(e.new_schema));
  }
  return out;
}

std::string Section(std::string_view title, std::span<const KindInfo> rows, const Examples& ex) {
  std::string out = "## " + std::string(title) +
                    "\n\n| Kind | Meaning | Example | Advice |\n"
                    "| --- | --- | --- | --- |\n";
  for (const KindInfo& row : rows) {
    auto it = ex.find(row.name);
    out += "| `" + std::string(row.name) + "` | " + std::string(row.meaning) + " | " +
           (it == ex.end() ? std::string("(no short example)") : it->second) + " | " +
           (row.advice.empty() ? std::string("—") : std::string(row.advice)) + " |\n";
  }
  return out + "\n";
}

// Protobuf: the first golden case (tests/unit/compat/protobuf_cases/) whose
// comparison names the kind, run here; the two reserved-field kinds come
// from the metadata check.
Examples ProtobufExamples() {
  const std::string dir = std::string(ACCORD_SOURCE_DIR) + "/tests/unit/compat/protobuf_cases/";
  std::ifstream in(dir + "cases.json", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  Examples out;
  auto doc = ParseJson(ss.str());
  if (!doc) return out;
  auto one_line = [](std::string s) {
    for (char& c : s) c = c == '\n' ? ' ' : c;
    return s.starts_with("syntax = \"proto3\"; ") ? s.substr(19) : s;
  };
  for (const json::Value& c : doc->root.AsArray()) {
    if (c.Find("writer_references") != nullptr) continue;
    auto w = protobuf::ParseText(c.Find("writer")->AsString());
    auto r = protobuf::ParseText(c.Find("reader")->AsString());
    if (!w || !r) continue;
    for (bool swap : {false, true}) {
      const std::string& a = c.Find(swap ? "reader" : "writer")->AsString();
      const std::string& b = c.Find(swap ? "writer" : "reader")->AsString();
      for (const Finding& f : CompareProtobufSchemas(swap ? *r : *w, swap ? *w : *r).findings) {
        out.emplace(std::string(f.kind.name()),
                    "`check`: writer " + Code(one_line(a)) + ", reader " + Code(one_line(b)));
      }
    }
  }
  out.emplace("RESERVED_FIELD_REMOVED",
              "metadata `confluent:reserved` `ssn` in version 1, `\"\"` in version 2");
  out.emplace(
      "FIELD_CONFLICTS_WITH_RESERVED_FIELD",
      "metadata `confluent:reserved` `ssn`, schema " + Code("message A { int32 ssn = 1; }"));
  return out;
}

std::string FindingKindsPage() {
  std::string out =
      "# Finding kinds\n\n"
      "<!-- Generated by tests/unit/compat/kinds_test.cc from "
      "compat/include/accord/compat/*_kinds.def;\n"
      "     ACCORD_UPDATE_GOLDENS=1 ctest -R KindsTest rewrites it. Do not edit by hand. -->\n\n"
      "Every finding of `accord check`, `accord diff`, the registry's compatibility gate and the\n"
      "catalog's diff names one of these kinds. The names are public API (JSON output, JUnit\n"
      "failure types, GitHub annotation titles, the registry's 409 messages).\n\n"
      "- `check` and the registry speak in the **reader's words**: what the reader schema does\n"
      "  that some event of the writer schema does not satisfy (`ENUM_NARROWED`: a value the\n"
      "  writer allows is missing from the reader's enum). Each finding of a mode's check also\n"
      "  carries the direction it breaks (BACKWARD: the old version is the writer; FORWARD: the\n"
      "  new one is) and the advice for the change in the author's words.\n"
      "- `diff` speaks in the **author's words**: the change from the old to the new version\n"
      "  (`ENUM_VALUE_ADDED`), its consequence in each direction (breaks BACKWARD, breaks\n"
      "  FORWARD, or neither: SAFE) and pointers labelled `old:` and `new:`.\n\n"
      "Advice is written for the schema you can still change: for a FORWARD break, the new one.\n"
      "Every `check` / `diff` example below is run through the engine by the test that\n"
      "writes this page.\n\n";
  out += Section("JSON Schema", JsonSchemaKinds(),
                 ExamplesOf(JsonCheckExamples(), JsonDiffExamples()));
  out += Section("Avro", AvroKinds(), ExamplesOf(AvroCheckExamples(), AvroDiffExamples()));
  out += Section("Protobuf", ProtobufKinds(), ProtobufExamples());
  Examples common{
      {"SCHEMA_TYPE_CHANGED", "a registry diff of a JSON Schema version and an Avro version"}};
  out += Section("Any language", CommonKinds().subspan(1), common);
  return out;
}

// Every kind has an example (issue 16): a new kind fails here until it
// gets one.
TEST(KindsTest, EveryKindHasAnExampleUnlessListed) {
  const Examples json = ExamplesOf(JsonCheckExamples(), JsonDiffExamples());
  std::set<std::string> missing;
  for (const KindInfo& row : JsonSchemaKinds()) {
    if (!json.contains(row.name)) missing.insert(std::string(row.name));
  }
  const Examples avro = ExamplesOf(AvroCheckExamples(), AvroDiffExamples());
  for (const KindInfo& row : AvroKinds()) {
    if (!avro.contains(row.name)) missing.insert("avro " + std::string(row.name));
  }
  EXPECT_EQ(missing, std::set<std::string>{});
}

TEST(KindsTest, FindingKindsPageIsGeneratedFromTheTables) {
  const std::string path = std::string(ACCORD_SOURCE_DIR) + "/docs/finding-kinds.md";
  const std::string page = FindingKindsPage();
  const char* update = std::getenv("ACCORD_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << page;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing " << path << " (run with ACCORD_UPDATE_GOLDENS=1)";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), page) << path << " is stale: ACCORD_UPDATE_GOLDENS=1 ctest -R KindsTest";
}

}  // namespace
}  // namespace accord::compat

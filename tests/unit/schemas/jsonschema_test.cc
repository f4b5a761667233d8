// jsonschema::Validator: failure reporting (locations, keywords, messages),
// compile errors with the pointer of the bad keyword, unresolved references,
// StopMode, reference cycles, numeric edge cases and a thread-safety smoke test.
// (Keyword semantics are covered by the JSON-Schema-Test-Suite conformance run.)

#include "accord/schemas/jsonschema.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace accord::jsonschema {
namespace {

json::Value J(std::string_view text) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? std::move(doc->root) : json::Value();
}

Validator MustCompile(std::string_view schema, const SchemaBundle& bundle = {},
                      const CompileOptions& options = {}) {
  auto v = Validator::Compile(J(schema), bundle, options);
  EXPECT_TRUE(v.has_value()) << schema << ": " << (v ? "" : v.error().ToString());
  if (!v) return std::move(*Validator::Compile(J("true")));
  return std::move(*v);
}

Error CompileError(std::string_view schema, const SchemaBundle& bundle = {},
                   const CompileOptions& options = {}) {
  auto v = Validator::Compile(J(schema), bundle, options);
  EXPECT_FALSE(v.has_value()) << schema << " compiled";
  return v ? Error{} : v.error();
}

// --- Dialects ---------------------------------------------------------------

TEST(Dialect, NamesAndUrisRoundTrip) {
  for (Dialect d : {Dialect::kDraft4, Dialect::kDraft6, Dialect::kDraft7, Dialect::kDraft2019_09,
                    Dialect::kDraft2020_12}) {
    EXPECT_EQ(DialectFromString(DialectName(d)), d);
    EXPECT_EQ(DialectFromString(DialectUri(d)), d);
  }
  EXPECT_EQ(DialectFromString("https://json-schema.org/draft-07/schema"), Dialect::kDraft7);
  EXPECT_EQ(DialectFromString("http://json-schema.org/draft/2020-12/schema#"),
            Dialect::kDraft2020_12);
  EXPECT_FALSE(DialectFromString("draft-05").has_value());
}

TEST(Dialect, SchemaKeywordSelectsDialectElseDefault) {
  EXPECT_EQ(MustCompile(R"({"$schema": "http://json-schema.org/draft-04/schema#"})").dialect(),
            Dialect::kDraft4);
  CompileOptions o;
  o.default_dialect = Dialect::kDraft7;
  EXPECT_EQ(MustCompile("{}", {}, o).dialect(), Dialect::kDraft7);
}

// --- Failure reporting ------------------------------------------------------

TEST(Failures, CarryInstanceAndKeywordLocations) {
  Validator v = MustCompile(R"({
    "properties": {"items": {"type": "array", "items": {"$ref": "#/$defs/item"}}},
    "$defs": {"item": {"required": ["sku"], "properties": {"qty": {"minimum": 1}}}}
  })");
  ValidationResult r = v.Validate(J(R"({"items": [{"sku": "a", "qty": 0}, {}]})"));
  ASSERT_FALSE(r.valid);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].instance_location, "/items/0/qty");
  EXPECT_EQ(r.failures[0].keyword_location, "/properties/items/items/$ref/properties/qty/minimum");
  EXPECT_EQ(r.failures[0].keyword, "minimum");
  EXPECT_EQ(r.failures[0].message, "value must be >= 1");
  EXPECT_EQ(r.failures[1].instance_location, "/items/1");
  EXPECT_EQ(r.failures[1].keyword_location, "/properties/items/items/$ref/required");
  EXPECT_EQ(r.failures[1].keyword, "required");
  EXPECT_EQ(r.failures[1].message, "missing required property \"sku\"");
}

TEST(Failures, EscapeJsonPointerTokens) {
  Validator v = MustCompile(R"({"properties": {"a/b~c": {"type": "string"}}})");
  ValidationResult r = v.Validate(J(R"({"a/b~c": 1})"));
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].instance_location, "/a~1b~0c");
  EXPECT_EQ(r.failures[0].keyword_location, "/properties/a~1b~0c/type");
  EXPECT_EQ(r.failures[0].message, "expected string, got number");
}

TEST(Failures, AdditionalPropertiesFalseNamesTheProperty) {
  Validator v = MustCompile(R"({"properties": {"a": {}}, "additionalProperties": false})");
  ValidationResult r = v.Validate(J(R"({"a": 1, "b": 2})"));
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].instance_location, "/b");
  EXPECT_EQ(r.failures[0].keyword_location, "/additionalProperties");
  EXPECT_EQ(r.failures[0].keyword, "additionalProperties");
  EXPECT_EQ(r.failures[0].message, "property \"b\" is not allowed");
}

TEST(Failures, ValidInstanceHasNoFailures) {
  Validator v = MustCompile(R"({"type": "object", "required": ["a"]})");
  ValidationResult r = v.Validate(J(R"({"a": 1})"));
  EXPECT_TRUE(r.valid);
  EXPECT_TRUE(r.failures.empty());
}

// --- StopMode ---------------------------------------------------------------

TEST(StopMode, FirstFailureReportsExactlyOne) {
  Validator v = MustCompile(R"({"required": ["a", "b", "c"], "minProperties": 5})");
  ValidationResult all = v.Validate(J("{}"), StopMode::kAllFailures);
  ValidationResult first = v.Validate(J("{}"), StopMode::kFirstFailure);
  EXPECT_FALSE(all.valid);
  EXPECT_EQ(all.failures.size(), 4u);
  EXPECT_FALSE(first.valid);
  EXPECT_EQ(first.failures.size(), 1u);
  EXPECT_FALSE(v.IsValid(J("{}")));
}

TEST(StopMode, BranchesOfAnyOfAreNotReportedSeparately) {
  Validator v = MustCompile(R"({"anyOf": [{"type": "string"}, {"minimum": 3}]})");
  ValidationResult r = v.Validate(J("1"));
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].keyword, "anyOf");
  EXPECT_EQ(r.failures[0].keyword_location, "/anyOf");
}

// --- Compile errors ---------------------------------------------------------

TEST(CompileErrors, NegativeMinLengthPointsAtKeyword) {
  Error e = CompileError(R"({"properties": {"name": {"minLength": -1}}})");
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.pointer, "/properties/name/minLength");
}

TEST(CompileErrors, NonArrayRequired) {
  Error e = CompileError(R"({"required": "a"})");
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.pointer, "/required");
}

TEST(CompileErrors, RepeatedRequiredName) {
  Error e = CompileError(R"({"items": {"required": ["a", "a"]}})");
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.pointer, "/items/required");
}

TEST(CompileErrors, WrongTypesOfKeywords) {
  EXPECT_EQ(CompileError(R"({"type": "strnig"})").pointer, "/type");
  EXPECT_EQ(CompileError(R"({"allOf": []})").pointer, "/allOf");
  EXPECT_EQ(CompileError(R"({"allOf": [1]})").pointer, "/allOf/0");
  EXPECT_EQ(CompileError(R"({"multipleOf": 0})").pointer, "/multipleOf");
  EXPECT_EQ(CompileError(R"({"properties": {"a": 3}})").pointer, "/properties/a");
  EXPECT_EQ(CompileError(R"({"enum": 3})").pointer, "/enum");
  EXPECT_EQ(CompileError(R"({"$defs": {"x": {"maxItems": 1.5}}, "$ref": "#/$defs/x"})").pointer,
            "/$defs/x/maxItems");
}

TEST(CompileErrors, MetaSchemaRulesDependOnDialect) {
  // draft-04: required has minItems 1; draft-04..07: enum is non-empty and unique.
  constexpr std::string_view kD4 = R"("$schema": "http://json-schema.org/draft-04/schema#")";
  EXPECT_EQ(CompileError("{" + std::string(kD4) + R"(, "required": []})").pointer, "/required");
  EXPECT_EQ(CompileError("{" + std::string(kD4) + R"(, "enum": [1, 1.0]})").pointer, "/enum/1");
  EXPECT_EQ(
      CompileError(R"({"$schema": "http://json-schema.org/draft-07/schema#", "enum": []})").pointer,
      "/enum");
  MustCompile(R"({"required": [], "enum": []})");  // 2020-12 allows both
}

TEST(CompileErrors, Draft4ExclusiveMaximumMustBeBoolean) {
  Error e = CompileError(
      R"({"$schema": "http://json-schema.org/draft-04/schema#", "maximum": 3, "exclusiveMaximum": 3})");
  EXPECT_EQ(e.pointer, "/exclusiveMaximum");
}

TEST(CompileErrors, InvalidRegexIsRejected) {
  Error e = CompileError(R"({"properties": {"a": {"pattern": "(unclosed"}}})");
  EXPECT_TRUE(e.code == ErrorCode::kInvalidSchema || e.code == ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(e.pointer, "/properties/a/pattern");
}

TEST(CompileErrors, ValidateSchemaOffSkipsMalformedKeywords) {
  CompileOptions o;
  o.validate_schema = false;
  Validator v = MustCompile(R"({"minLength": -1, "maxLength": 2})", {}, o);
  EXPECT_TRUE(v.IsValid(J(R"("ab")")));
  EXPECT_FALSE(v.IsValid(J(R"("abc")")));
}

TEST(CompileErrors, NestingBeyondMaxDepthIsALimitError) {
  std::string schema;
  for (int i = 0; i < 40; ++i) schema += R"({"not": )";
  schema += "{}";
  for (int i = 0; i < 40; ++i) schema += "}";
  CompileOptions o;
  o.max_depth = 20;
  EXPECT_EQ(CompileError(schema, {}, o).code, ErrorCode::kLimit);
  o.max_depth = 64;
  MustCompile(schema, {}, o);
}

TEST(CompileErrors, UnknownMetaSchemaAndVocabulary) {
  EXPECT_EQ(CompileError(R"({"$schema": "https://example.com/no-such-meta"})").code,
            ErrorCode::kUnresolvedRef);
  SchemaBundle bundle;
  bundle.Add("https://example.com/meta", J(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$vocabulary": {"https://json-schema.org/draft/2020-12/vocab/core": true,
                    "https://example.com/vocab/unknown": true}})"));
  EXPECT_EQ(CompileError(R"({"$schema": "https://example.com/meta"})", bundle).code,
            ErrorCode::kUnsupported);
}

TEST(CompileErrors, UnresolvedRefNamesTheReference) {
  Error e = CompileError(R"({"properties": {"a": {"$ref": "other.json#/$defs/x"}}})");
  EXPECT_EQ(e.code, ErrorCode::kUnresolvedRef);
  EXPECT_EQ(e.pointer, "/properties/a/$ref");
  EXPECT_NE(e.message.find("other.json#/$defs/x"), std::string::npos) << e.message;
}

TEST(CompileErrors, UnresolvedPointerAndAnchor) {
  EXPECT_EQ(CompileError(R"({"$ref": "#/$defs/missing"})").code, ErrorCode::kUnresolvedRef);
  EXPECT_EQ(CompileError(R"({"$ref": "#nowhere"})").code, ErrorCode::kUnresolvedRef);
}

TEST(CompileErrors, NoNetworkForUnknownRemote) {
  Error e = CompileError(R"({"$ref": "https://example.com/schema.json"})");
  EXPECT_EQ(e.code, ErrorCode::kUnresolvedRef);
}

// --- References -------------------------------------------------------------

TEST(References, ResolveAcrossBundleDocuments) {
  SchemaBundle bundle;
  bundle.Add("https://example.com/common.json",
             J(R"({"$defs": {"money": {"type": "object", "required": ["amount"]}}})"));
  CompileOptions o;
  o.base_uri = "https://example.com/events/order.json";
  Validator v = MustCompile(R"({"properties": {"total": {"$ref": "../common.json#/$defs/money"}}})",
                            bundle, o);
  EXPECT_TRUE(v.IsValid(J(R"({"total": {"amount": 3}})")));
  ValidationResult r = v.Validate(J(R"({"total": {}})"));
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].keyword_location, "/properties/total/$ref/required");
}

TEST(References, PercentEncodedPointerFragment) {
  Validator v = MustCompile(R"({"$defs": {"a b": {"type": "integer"}}, "$ref": "#/$defs/a%20b"})");
  EXPECT_TRUE(v.IsValid(J("1")));
  EXPECT_FALSE(v.IsValid(J(R"("x")")));
}

TEST(References, RecursionThroughRefTerminates) {
  Validator v = MustCompile(R"({"properties": {"next": {"$ref": "#"}}, "required": ["v"]})");
  EXPECT_TRUE(v.IsValid(J(R"({"v": 1, "next": {"v": 2, "next": {"v": 3}}})")));
  EXPECT_FALSE(v.IsValid(J(R"({"v": 1, "next": {"next": {"v": 3}}})")));
}

TEST(References, CycleThatNeverConsumesInstanceIsACompileError) {
  EXPECT_EQ(CompileError(R"({"$ref": "#"})").code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(CompileError(R"({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]},
                                       "b": {"anyOf": [{"$ref": "#/$defs/a"}]}},
                             "$ref": "#/$defs/a"})")
                .code,
            ErrorCode::kInvalidSchema);
  // The error points at the subschema where the cycle closes.
  const Error e = CompileError(R"({"properties": {"a": {"$ref": "#/properties/a"}}})");
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.pointer, "/properties/a");
  EXPECT_EQ(e.message, "reference cycle that never moves into the instance (infinite recursion)");
}

TEST(References, DeepInstanceThroughRecursiveRefValidates) {
  Validator v = MustCompile(R"({"type": "array", "items": {"$ref": "#"}})");
  std::string deep = std::string(250, '[') + std::string(250, ']');
  EXPECT_TRUE(v.IsValid(J(deep)));
  std::string bad = std::string(250, '[') + "1" + std::string(250, ']');
  ValidationResult r = v.Validate(J(bad));
  ASSERT_FALSE(r.valid);
  EXPECT_EQ(r.failures[0].keyword, "type");
}

TEST(References, DynamicRefCycleIsBoundedAtValidateTime) {
  // The cycle goes through $dynamicRef, which is only known at validate time:
  // evaluation stops with a failure instead of recursing without end.
  Validator v = MustCompile(R"({"$dynamicAnchor": "a", "$dynamicRef": "#a"})");
  EXPECT_FALSE(v.IsValid(J("1")));
  ValidationResult r = v.Validate(J("1"));
  ASSERT_FALSE(r.valid);
  EXPECT_NE(r.failures[0].message.find("nested too deeply"), std::string::npos);
}

TEST(References, Draft7RefIgnoresSiblings) {
  Validator v = MustCompile(R"({"$schema": "http://json-schema.org/draft-07/schema#",
                                "definitions": {"i": {"type": "integer"}},
                                "$ref": "#/definitions/i", "maximum": 1})");
  EXPECT_TRUE(v.IsValid(J("5")));
  Validator w = MustCompile(R"({"$defs": {"i": {"type": "integer"}},
                                "$ref": "#/$defs/i", "maximum": 1})");
  EXPECT_FALSE(w.IsValid(J("5")));
}

// --- Numbers and strings ----------------------------------------------------

TEST(Keywords, MultipleOfIsExactOnDecimals) {
  Validator v = MustCompile(R"({"multipleOf": 0.0001})");
  EXPECT_TRUE(v.IsValid(J("0.0075")));
  EXPECT_FALSE(v.IsValid(J("0.00751")));
  Validator cents = MustCompile(R"({"multipleOf": 0.01})");
  EXPECT_TRUE(cents.IsValid(J("19.99")));
  EXPECT_TRUE(cents.IsValid(J("4")));
  Validator half = MustCompile(R"({"multipleOf": 0.5})");
  EXPECT_TRUE(half.IsValid(J("1e308")));
  Validator three = MustCompile(R"({"multipleOf": 3})");
  EXPECT_FALSE(three.IsValid(J("1e-10")));
  EXPECT_TRUE(three.IsValid(J("-9")));
}

TEST(Keywords, StringLengthCountsCodePoints) {
  Validator v = MustCompile(R"({"maxLength": 2, "minLength": 2})");
  EXPECT_TRUE(v.IsValid(J(R"("\u00e9\ud83d\ude00")")));
  EXPECT_FALSE(v.IsValid(J(R"("abc")")));
}

TEST(Keywords, HugeLengthBoundsDoNotOverflow) {
  // Regression: a byte-length shortcut multiplied minLength by 4 and wrapped.
  Validator v = MustCompile(R"({"minLength": 4611686018427387904})");
  EXPECT_FALSE(v.IsValid(J(R"("abc")")));
  Validator w = MustCompile(R"({"maxLength": 1e300})");
  EXPECT_TRUE(w.IsValid(J(R"("abc")")));
}

TEST(Keywords, LargePropertiesTableUsesHashedLookup) {
  std::string schema = R"({"type": "object", "additionalProperties": false, "properties": {)";
  std::string instance = "{";
  for (int i = 0; i < 60; ++i) {
    if (i > 0) {
      schema += ",";
      instance += ",";
    }
    schema += "\"p" + std::to_string(i) + "\": {\"type\": \"integer\"}";
    instance += "\"p" + std::to_string(i) + "\": " + std::to_string(i);
  }
  schema += "}, \"required\": [\"p0\", \"p59\"]}";
  Validator v = MustCompile(schema);
  EXPECT_TRUE(v.IsValid(J(instance + "}")));
  EXPECT_FALSE(v.IsValid(J(instance + R"(, "extra": 1})")));
  ValidationResult r = v.Validate(J(R"({"p7": "x"})"));
  ASSERT_EQ(r.failures.size(), 3u);  // type of p7, p0 and p59 missing
}

TEST(Keywords, FormatAnnotatesByDefaultAndAssertsOnRequest) {
  Validator annotate = MustCompile(R"({"format": "no-such-format"})");
  EXPECT_TRUE(annotate.IsValid(J(R"("anything")")));
  CompileOptions o;
  o.format = FormatMode::kAssert;
  Validator unknown = MustCompile(R"({"format": "no-such-format"})", {}, o);
  EXPECT_TRUE(unknown.IsValid(J(R"("anything")")));  // unknown formats are annotations
}

// --- Concurrency ------------------------------------------------------------

TEST(ThreadSafety, ConcurrentValidateAgrees) {
  Validator v = MustCompile(R"({
    "type": "object",
    "properties": {"id": {"type": "string", "pattern": "^[a-z]+-[0-9]+$"},
                   "n": {"type": "integer", "minimum": 0},
                   "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}},
    "required": ["id", "n"],
    "unevaluatedProperties": false
  })");
  json::Value good = J(R"({"id": "abc-12", "n": 3, "tags": ["a", "b"]})");
  json::Value bad = J(R"({"id": "ABC", "n": -1, "tags": ["a", "a"], "x": 0})");
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!v.IsValid(good)) ++mismatches;
        ValidationResult r = v.Validate(bad);
        if (r.valid || r.failures.size() != 4) ++mismatches;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace accord::jsonschema

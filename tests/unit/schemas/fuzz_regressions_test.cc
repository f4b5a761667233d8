// Regression tests for bugs found by fuzzing the JSON Schema validator
// (tests/fuzz/fuzz_validate.cc). Each test is named after the bug; the input
// that found it is in tests/fuzz/corpus/validate/ under the same name.

#include <gtest/gtest.h>

#include <string>

#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"

namespace accord::jsonschema {
namespace {

json::Value J(std::string_view text) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? std::move(doc->root) : json::Value();
}

Validator MustCompile(const json::Value& schema) {
  auto v = Validator::Compile(schema);
  EXPECT_TRUE(v.has_value()) << (v ? "" : v.error().ToString());
  if (!v) return std::move(*Validator::Compile(J("true")));
  return std::move(*v);
}

// {"$defs": {"a0": {"anyOf": [{"$ref": "#/$defs/a1"}, {"$ref": "#/$defs/a1"}]}, ...,
//  "aN": {"type": "string"}}, "$ref": "#/$defs/a0"}: 2^levels paths to aN.
json::Value SharedRefLadder(int levels, std::string_view applicator) {
  std::string defs;
  for (int i = 0; i < levels; ++i) {
    std::string next = "{\"$ref\": \"#/$defs/a" + std::to_string(i + 1) + "\"}";
    defs += "\"a" + std::to_string(i) + "\": {\"" + std::string(applicator) + "\": [" + next +
            ", " + next + "]}, ";
  }
  defs += "\"a" + std::to_string(levels) + "\": {\"type\": \"string\"}";
  return J("{\"$defs\": {" + defs + "}, \"$ref\": \"#/$defs/a0\"}");
}

void ExpectStoppedByBudget(const Validator& v, const json::Value& instance) {
  for (StopMode stop : {StopMode::kAllFailures, StopMode::kFirstFailure}) {
    ValidationResult r = v.Validate(instance, stop);
    EXPECT_FALSE(r.valid);
    ASSERT_EQ(r.failures.size(), 1u);
    EXPECT_NE(r.failures[0].message.find("validation stopped after"), std::string::npos)
        << r.failures[0].message;
    EXPECT_EQ(r.failures[0].instance_location, "");
    EXPECT_EQ(r.failures[0].keyword_location, "");
  }
  EXPECT_FALSE(v.IsValid(instance));
}

// Bug: in-place applicators that reach one subschema along two paths per
// level, 32 levels deep, made Validate evaluate it 2^32 times (a hang on a
// 2 KB schema). Rule: Validate is bounded in time; it stops with one failure.
// fuzz_contract: an empty default string_view (null data) reached
// simdjson's copy of the input, undefined behaviour even for 0 bytes (a
// UBSan report under `make sanitize` / scripts/fuzz). It goes the slow
// path, which refuses it as it refuses "". (Input:
// tests/fuzz/corpus/contract/regression-empty-view-null-data.)
TEST(FuzzRegression, EmptyNullViewIsRefusedWithoutTouchingIt) {
  auto null_view = ParseJson(std::string_view());
  ASSERT_FALSE(null_view.has_value());
  auto empty = ParseJson(std::string_view(""));
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(null_view.error().ToString(), empty.error().ToString());
}

TEST(FuzzRegression, ExponentialSharedRefsStopWithOneFailure) {
  Validator any = MustCompile(SharedRefLadder(32, "anyOf"));
  ExpectStoppedByBudget(any, J("1"));
  // allOf stops at the first failure; a valid leaf makes it walk every path.
  Validator all = MustCompile(SharedRefLadder(32, "allOf"));
  ExpectStoppedByBudget(all, J("\"s\""));
}

// Bug: a $dynamicRef cycle under anyOf ({"$dynamicAnchor": "a", "anyOf":
// [{"$dynamicRef": "#a"}, {"$dynamicRef": "#a"}]}) is only cut at 1024
// nested evaluations, which still leaves 2^1024 paths: a hang.
// Rule: the step budget stops it, as a failure.
TEST(FuzzRegression, ExponentialDynamicRefCycleStopsWithOneFailure) {
  Validator v = MustCompile(J(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
      "$dynamicAnchor": "a", "anyOf": [{"$dynamicRef": "#a"}, {"$dynamicRef": "#a"}]})"));
  ExpectStoppedByBudget(v, J("1"));
}

// {"$ref": "#/0", "0": {"$ref": "#/1"}, ..., "N": {"type": "string"}}
json::Value RefChain(int length) {
  std::string text = "{\"$ref\": \"#/0\"";
  for (int i = 0; i < length; ++i) {
    text += ", \"" + std::to_string(i) + "\": {\"$ref\": \"#/" + std::to_string(i + 1) + "\"}";
  }
  text += ", \"" + std::to_string(length) + "\": {\"type\": \"string\"}}";
  return J(text);
}

// Bug: Compile follows a chain of $refs depth-first, one recursion level per
// reference; the count limit (4 * max_depth = 2048) let about 450 levels
// overflow an 8 MiB stack in the ASan build (18 KiB frames), so a 15 KB
// schema crashed the fuzzer. Rule: a chain too long for the stack is an
// Error with code kLimit in every build, never a crash.
TEST(FuzzRegression, CompileRefChainStackOverflowIsLimitError) {
  auto v = Validator::Compile(RefChain(3000));
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, ErrorCode::kLimit) << v.error().ToString();

  Validator ok = MustCompile(RefChain(100));
  EXPECT_TRUE(ok.IsValid(J("\"s\"")));
  EXPECT_FALSE(ok.IsValid(J("1")));
}

// Rule (the other side of the budget): modest sharing and big instances are
// within it. 2^8 paths through the ladder is fine, and so is an instance of
// 200000 values (the budget grows with the instance).
TEST(FuzzRegression, StepBudgetLeavesOrdinaryValidationAlone) {
  Validator ladder = MustCompile(SharedRefLadder(8, "allOf"));
  EXPECT_TRUE(ladder.Validate(J("\"s\"")).valid);
  ValidationResult bad = ladder.Validate(J("1"));
  EXPECT_FALSE(bad.valid);
  ASSERT_FALSE(bad.failures.empty());
  EXPECT_EQ(bad.failures[0].keyword, "type");

  Validator items =
      MustCompile(J(R"({"$defs": {"x": {"allOf": [{"type": "integer"}, {"minimum": 0}]}},
            "items": {"$ref": "#/$defs/x"}})"));
  json::Array many;
  for (int i = 0; i < 200000; ++i) many.emplace_back(json::Number(static_cast<std::int64_t>(i)));
  json::Value big(std::move(many));
  EXPECT_TRUE(items.IsValid(big));
  EXPECT_TRUE(items.Validate(big).valid);
}

}  // namespace
}  // namespace accord::jsonschema

// JSON loading (load.h: ParseJson), plus Parse's syntax detection, LoadFile
// and Document::PositionOf.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "accord/schemas/load.h"

namespace accord {
namespace {

using json::Value;

const std::string kTestdata = std::string(ACCORD_SOURCE_DIR) + "/tests/unit/schemas/testdata/load/";

Error JsonError(std::string_view text, const LoadOptions& options = {}) {
  auto r = ParseJson(text, "in.json", options);
  EXPECT_FALSE(r.has_value()) << text.substr(0, 80);
  return r ? Error{} : r.error();
}

TEST(ParseJson, ParsesEveryKind) {
  auto doc = ParseJson(
      R"({"n": null, "t": true, "f": false, "i": -7, "d": 2.5, "s": "x", "a": [], "o": {}})");
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  const Value& r = doc->root;
  EXPECT_TRUE(r.Find("n")->IsNull());
  EXPECT_TRUE(r.Find("t")->AsBool());
  EXPECT_FALSE(r.Find("f")->AsBool());
  EXPECT_EQ(r.Find("i")->AsNumber().AsInt(), -7);
  EXPECT_EQ(r.Find("d")->AsNumber().AsDouble(), 2.5);
  EXPECT_EQ(r.Find("s")->AsString(), "x");
  EXPECT_TRUE(r.Find("a")->IsArray());
  EXPECT_TRUE(r.Find("o")->IsObject());
  // Members keep document order.
  EXPECT_EQ(r.AsObject().front().key, "n");
  EXPECT_EQ(r.AsObject().back().key, "o");
}

TEST(ParseJson, ScalarRootsAreDocuments) {
  EXPECT_EQ(ParseJson("42")->root, Value(42));
  EXPECT_EQ(ParseJson(" \"s\" ")->root, Value("s"));
  EXPECT_TRUE(ParseJson("null")->root.IsNull());
}

// Rule: integer literals that fit int64 are exact ints; larger ones and
// fractions/exponents are doubles.
TEST(ParseJson, IntegersFittingInt64StayExact) {
  auto doc = ParseJson(
      "[9223372036854775807, -9223372036854775808, 9223372036854775808, "
      "18446744073709551616, 1.0, 1e2, -0, 123456789012345678901234567890]");
  ASSERT_TRUE(doc.has_value());
  const json::Array& a = doc->root.AsArray();
  EXPECT_TRUE(a[0].AsNumber().IsInt());
  EXPECT_EQ(a[0].AsNumber().AsInt(), INT64_MAX);
  EXPECT_TRUE(a[1].AsNumber().IsInt());
  EXPECT_EQ(a[1].AsNumber().AsInt(), INT64_MIN);
  EXPECT_FALSE(a[2].AsNumber().IsInt());
  EXPECT_EQ(a[2].AsNumber().AsDouble(), 9223372036854775808.0);
  EXPECT_FALSE(a[3].AsNumber().IsInt());
  EXPECT_EQ(a[3].AsNumber().AsDouble(), 18446744073709551616.0);
  EXPECT_FALSE(a[4].AsNumber().IsInt());
  EXPECT_TRUE(a[4].IsInteger());
  EXPECT_EQ(a[5], Value(100));
  EXPECT_EQ(a[6], Value(0));
  EXPECT_EQ(a[7].AsNumber().AsDouble(), 123456789012345678901234567890.0);
}

// Regression (fuzz_load crash-aad876e2, "[2e308, ...]"): RapidJSON 1.1 read
// 2e308 (above DBL_MAX, exponent within its check) as infinity, which JSON
// cannot hold; canonical form then wrote it as null.
TEST(ParseJson, Regression_2e308BecameInfinity) {
  Error e = JsonError("[1, 2e308]");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.message, "number \"2e308\" is too large for a double");
  EXPECT_EQ(e.position, (Position{1, 5}));
  EXPECT_EQ(JsonError("-1.8e308").code, ErrorCode::kSyntax);
  EXPECT_EQ(JsonError("[1e400]").code, ErrorCode::kSyntax);
}

// Rule: decimal numbers convert to the nearest double (correct rounding),
// down to subnormals; smaller magnitudes become zero.
TEST(ParseJson, DoublesAreCorrectlyRounded) {
  auto doc = ParseJson(
      "[1.7976931348623157e308, 4.9e-324, 2.2250738585072011e-308, 1e-400, "
      "0.1, 9007199254740993.0, -0.0, 1.00000000000000011102230246251565404236316680908203125]");
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  const json::Array& a = doc->root.AsArray();
  EXPECT_EQ(a[0].AsNumber().AsDouble(), 1.7976931348623157e308);
  EXPECT_EQ(a[1].AsNumber().AsDouble(), 4.9406564584124654e-324);
  EXPECT_EQ(a[2].AsNumber().AsDouble(), 2.2250738585072009e-308);
  EXPECT_EQ(a[3].AsNumber().AsDouble(), 0.0);
  EXPECT_EQ(a[4].AsNumber().AsDouble(), 0.1);
  EXPECT_EQ(a[5].AsNumber().AsDouble(), 9007199254740992.0);  // ties to even
  EXPECT_EQ(a[6], Value(0));
  EXPECT_EQ(a[7].AsNumber().AsDouble(), 1.0);  // exactly halfway: ties to even
}

TEST(ParseJson, StringEscapesDecode) {
  auto doc = ParseJson(R"(["\u00e9\ud83d\ude00", "\u0000", "\/\"\\\b\f\n\r\t"])");
  ASSERT_TRUE(doc.has_value());
  const json::Array& a = doc->root.AsArray();
  EXPECT_EQ(a[0].AsString(), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(a[1].AsString(), std::string("\0", 1));
  EXPECT_EQ(a[2].AsString(), "/\"\\\b\f\n\r\t");
}

// Rule: syntax errors are kSyntax with file, 1-based line and column.
TEST(ParseJson, SyntaxErrorsCarryFileLineAndColumn) {
  Error e = JsonError("{\n  \"a\": 1,\n  \"b\": tru\n}");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.file, "in.json");
  EXPECT_EQ(e.position, (Position{3, 8}));
  EXPECT_EQ(e.message, "invalid value");
  EXPECT_EQ(e.ToString(), "in.json:3:8: invalid value");

  e = JsonError("[1,\n 2,\n ]");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{3, 2}));

  e = JsonError(R"({"a" 1})");
  EXPECT_EQ(e.position, (Position{1, 6}));
  EXPECT_EQ(e.message, "missing a colon after a name of object member");
}

TEST(ParseJson, MalformedInputsAreSyntaxErrors) {
  for (const char* bad : {"",
                          "   ",
                          "[",
                          "{",
                          "[1,]",
                          "{\"a\":1,}",
                          "[01]",
                          "[NaN]",
                          "[Infinity]",
                          "[.5]",
                          "[1.]",
                          "[+1]",
                          "{'a': 1}",
                          "{a: 1}",
                          "[\"unterminated]",
                          "[\"bad \\x escape\"]",
                          "// comment\n[]",
                          "[1e]",
                          "tru",
                          "nul"}) {
    Error e = JsonError(bad);
    EXPECT_EQ(e.code, ErrorCode::kSyntax) << bad;
    EXPECT_GT(e.position.line, 0) << bad;
  }
}

// Rule: RFC 8259: one JSON text; anything after it is an error.
TEST(ParseJson, TrailingContentIsAnError) {
  Error e = JsonError("{} {}");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{1, 4}));
  EXPECT_EQ(JsonError("[1]x").code, ErrorCode::kSyntax);
  EXPECT_EQ(JsonError("1 2").code, ErrorCode::kSyntax);
  EXPECT_TRUE(ParseJson("{}  \n\t\r\n").has_value());  // trailing whitespace is fine
}

// Regression: RapidJSON stops at a NUL byte, so "[1]\0garbage" used to load as [1].
TEST(ParseJson, EmbeddedNulByteIsAnErrorNotTheEnd) {
  Error e = JsonError(std::string_view("[1]\0garbage", 11));
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{1, 4}));
  EXPECT_EQ(JsonError(std::string_view("[\"a\0b\"]", 7)).code, ErrorCode::kSyntax);
}

// Rule: strings must be UTF-8 without surrogates, overlong forms or code
// points above U+10FFFF; raw control characters must be escaped.
TEST(ParseJson, InvalidUnicodeIsRejected) {
  for (std::string_view bad :
       {std::string_view("[\"\xff\"]"), std::string_view("[\"\xc0\xaf\"]"),
        std::string_view("[\"\xed\xa0\x80\"]"), std::string_view("[\"\xf4\x90\x80\x80\"]"),
        std::string_view("[\"\xe2\x82\"]"), std::string_view("{\"\xff\": 1}")}) {
    EXPECT_EQ(JsonError(bad).code, ErrorCode::kSyntax);
  }
  Error e = JsonError("[\"a\tb\"]");
  EXPECT_EQ(e.message, "unescaped control character in string");
  EXPECT_EQ(e.position, (Position{1, 4}));
}

// Regression (fuzz_load crash-6d5c5e68, '{"%%%...643\xef'): a text ending
// inside a UTF-8 sequence made RapidJSON read past the end of the buffer
// (seen by AddressSanitizer); now it is a plain encoding error.
TEST(ParseJson, Regression_TruncatedUtf8AtEndReadPastBuffer) {
  for (std::string_view bad : {std::string_view("{\"%%%643\xef"), std::string_view("[\"\xf0"),
                               std::string_view("\"\xf4\x8f"), std::string_view("[\"\xe2\x82")}) {
    Error e = JsonError(bad);
    EXPECT_EQ(e.code, ErrorCode::kSyntax);
    EXPECT_EQ(e.message, "invalid encoding in string");
  }
}

// Regression: RapidJSON 1.1 accepts a lone low surrogate escape and stores
// invalid UTF-8; we reject it, in values and in keys.
TEST(ParseJson, LoneSurrogateEscapesAreRejected) {
  Error e = JsonError(R"(["ok", "\udc00"])");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.message, "lone UTF-16 surrogate escape");
  EXPECT_EQ(e.position, (Position{1, 8}));
  EXPECT_EQ(JsonError(R"({"\udfff": 1})").code, ErrorCode::kSyntax);
  EXPECT_EQ(JsonError(R"(["\ud800"])").code, ErrorCode::kSyntax);
  EXPECT_EQ(JsonError(R"(["\ud800\u0041"])").code, ErrorCode::kSyntax);
}

// Rule: RFC 8259 section 8.1: a UTF-8 byte order mark is ignored; columns
// count from after it.
TEST(ParseJson, ByteOrderMarkIsIgnored) {
  auto doc = ParseJson("\xEF\xBB\xBF{\"a\": 1}");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->root.Find("a")->AsNumber().AsInt(), 1);
  EXPECT_EQ(JsonError("\xEF\xBB\xBF{\"a\" 1}").position, (Position{1, 6}));
}

// Rule: an object repeating a key is kDuplicateKey at the second key.
TEST(ParseJson, DuplicateKeysAreErrorsAtTheSecondKey) {
  Error e = JsonError("{\n  \"a\": {\"x\": 1},\n  \"b\": 2,\n  \"a\": 3\n}");
  EXPECT_EQ(e.code, ErrorCode::kDuplicateKey);
  EXPECT_EQ(e.message, "duplicate key \"a\"");
  EXPECT_EQ(e.position, (Position{4, 3}));
  // Same key in different objects is fine.
  EXPECT_TRUE(ParseJson(R"({"a": {"a": 1}, "b": {"a": 2}})").has_value());
  // Keys compare after unescaping.
  EXPECT_EQ(JsonError(R"({"a": 1, "\u0061": 2})").code, ErrorCode::kDuplicateKey);
}

TEST(ParseJson, DuplicateKeysInBigObjectsAreFound) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i)
    text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  std::string ok = text + "\"last\": 0}";
  EXPECT_TRUE(ParseJson(ok).has_value());
  Error e = JsonError(text + "\"k7\": 0}");
  EXPECT_EQ(e.code, ErrorCode::kDuplicateKey);
  EXPECT_EQ(e.message, "duplicate key \"k7\"");
}

std::string Nested(std::size_t depth, std::string_view open = "[", std::string_view close = "]") {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += open;
  for (std::size_t i = 0; i < depth; ++i) s += close;
  return s;
}

// Rule: nesting deeper than max_depth (default 256) is kLimit.
TEST(ParseJson, DepthLimitIsEnforced) {
  EXPECT_TRUE(ParseJson(Nested(256)).has_value());
  Error e = JsonError(Nested(257));
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "nesting deeper than 256 levels");
  EXPECT_EQ(e.position, (Position{1, 257}));

  LoadOptions shallow;
  shallow.max_depth = 2;
  EXPECT_TRUE(ParseJson(R"({"a": [1]})", {}, shallow).has_value());
  EXPECT_EQ(JsonError(R"({"a": [[1]]})", shallow).code, ErrorCode::kLimit);
  EXPECT_EQ(JsonError(R"({"a": {"b": {}}})", shallow).code, ErrorCode::kLimit);
}

// Rule: a 1 MB document of 100,000 nested arrays (or objects) fails cleanly
// with kLimit, never a stack overflow; also with the limit raised.
TEST(ParseJson, HundredThousandNestedArraysFailCleanly) {
  std::string deep = Nested(500'000);  // 1 MB
  EXPECT_EQ(JsonError(deep).code, ErrorCode::kLimit);
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  EXPECT_EQ(JsonError(objects).code, ErrorCode::kLimit);
  std::string unclosed(1'000'000, '[');
  EXPECT_EQ(JsonError(unclosed).code, ErrorCode::kLimit);
}

TEST(ParseJson, RaisedDepthLimitStillParsesIteratively) {
  LoadOptions deep_ok;
  deep_ok.max_depth = 200'000;
  auto doc = ParseJson(Nested(100'000), {}, deep_ok);
  ASSERT_TRUE(doc.has_value());
  // Release iteratively-built nesting level by level so the test itself does
  // not recurse 100,000 deep in ~Value.
  Value v = std::move(doc->root);
  while (v.IsArray() && !v.AsArray().empty()) {
    Value inner = std::move(v.AsArray().front());
    v = std::move(inner);
  }
}

// Rule: input longer than max_bytes is kLimit before any parsing.
TEST(ParseJson, SizeLimitIsEnforced) {
  LoadOptions small;
  small.max_bytes = 8;
  EXPECT_TRUE(ParseJson("[1,2,3]", {}, small).has_value());
  Error e = JsonError("[1,2,3,4,5]", small);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.file, "in.json");
  EXPECT_EQ(e.message, "input is 11 bytes, over the limit of 8");
}

// Rule: more than max_nodes values is kLimit.
TEST(ParseJson, NodeLimitIsEnforced) {
  LoadOptions few;
  few.max_nodes = 4;  // the array itself counts
  EXPECT_TRUE(ParseJson("[1,2,3]", {}, few).has_value());
  Error e = JsonError("[1,2,3,4]", few);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.position, (Position{1, 8}));
}

// Rule: with record_positions, every value maps to where it starts; object
// members are anchored at their key.
TEST(ParseJson, PositionsPointAtValuesAndKeys) {
  LoadOptions opts;
  opts.record_positions = true;
  auto doc = ParseJson("{\n  \"a\": [10, \"x\",\n        {\"b~/\": null}],\n  \"c\": -1.5\n}",
                       "p.json", opts);
  ASSERT_TRUE(doc.has_value());
  const SourceMap& pos = doc->positions;
  EXPECT_EQ(pos.size(), 7u);
  EXPECT_EQ(pos.at(""), (Position{1, 1}));
  EXPECT_EQ(pos.at("/a"), (Position{2, 3}));
  EXPECT_EQ(pos.at("/a/0"), (Position{2, 9}));
  EXPECT_EQ(pos.at("/a/1"), (Position{2, 13}));
  EXPECT_EQ(pos.at("/a/2"), (Position{3, 9}));
  EXPECT_EQ(pos.at("/a/2/b~0~1"), (Position{3, 10}));
  EXPECT_EQ(pos.at("/c"), (Position{4, 3}));
  EXPECT_EQ(doc->file, "p.json");
}

TEST(ParseJson, PositionsAreOffByDefault) {
  auto doc = ParseJson(R"({"a": 1})");
  ASSERT_TRUE(doc.has_value());
  EXPECT_TRUE(doc->positions.empty());
  EXPECT_EQ(doc->PositionOf("/a"), Position{});
}

// Rule: PositionOf falls back to the nearest recorded ancestor.
TEST(Document, PositionOfFallsBackToAncestor) {
  Document doc;
  doc.positions[""] = {1, 1};
  doc.positions["/a"] = {2, 3};
  EXPECT_EQ(doc.PositionOf("/a"), (Position{2, 3}));
  EXPECT_EQ(doc.PositionOf("/a/b/c"), (Position{2, 3}));
  EXPECT_EQ(doc.PositionOf("/z"), (Position{1, 1}));
  EXPECT_EQ(doc.PositionOf(""), (Position{1, 1}));
  Document empty;
  EXPECT_EQ(empty.PositionOf("/a"), Position{});
}

// Regression: PositionOf on a string without '/' called resize(npos) and threw.
TEST(Document, PositionOfMalformedPointerDoesNotThrow) {
  Document doc;
  doc.positions[""] = {1, 1};
  EXPECT_EQ(doc.PositionOf("abc"), (Position{1, 1}));
  EXPECT_EQ(doc.PositionOf("abc/def"), (Position{1, 1}));
}

// Rule (Parse, kAuto): .json -> JSON, .yaml/.yml -> YAML, else JSON when the
// text starts with '{' or '[', else YAML.
TEST(Parse, AutoDetectsSyntax) {
  // A YAML flow mapping with a .yaml name is YAML even though it starts with '{'.
  auto flow = Parse("{a: 1}", "x.yaml");
  ASSERT_TRUE(flow.has_value()) << flow.error().ToString();
  EXPECT_EQ(flow->root.Find("a")->AsNumber().AsInt(), 1);
  EXPECT_TRUE(Parse("{a: 1}", "x.yml").has_value());
  // Without a telling name, '{' means JSON.
  EXPECT_EQ(Parse("{a: 1}", "x").error().code, ErrorCode::kSyntax);
  EXPECT_EQ(Parse("  \n [1, 2]", "").value().root, Value(json::Array{1, 2}));
  // .json forces JSON even for YAML-looking text.
  EXPECT_FALSE(Parse("a: 1", "x.json").has_value());
  // Otherwise YAML.
  EXPECT_EQ(Parse("a: 1", "x.txt").value().root.Find("a")->AsNumber().AsInt(), 1);
  // A BOM does not hide the '{'.
  EXPECT_FALSE(Parse("\xEF\xBB\xBF{a: 1}", "").has_value());
  // Explicit syntax wins.
  EXPECT_TRUE(Parse("{a: 1}", "x.json", Syntax::kYaml).has_value());
  EXPECT_FALSE(Parse("a: 1", "x.yaml", Syntax::kJson).has_value());
}

TEST(LoadFile, LoadsJsonAndYamlToEqualValues) {
  auto json = LoadFile(kTestdata + "order.json");
  auto yaml = LoadFile(kTestdata + "order.yaml");
  auto flow = LoadFile(kTestdata + "flow-mapping.yaml");
  ASSERT_TRUE(json.has_value()) << json.error().ToString();
  ASSERT_TRUE(yaml.has_value()) << yaml.error().ToString();
  ASSERT_TRUE(flow.has_value()) << flow.error().ToString();
  EXPECT_EQ(json->root, yaml->root);
  EXPECT_EQ(json->root, flow->root);
  EXPECT_EQ(json->file, kTestdata + "order.json");
}

TEST(LoadFile, ByteOrderMarkFileLoads) {
  auto doc = LoadFile(kTestdata + "bom.json");
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  EXPECT_TRUE(doc->root.Find("bom")->AsBool());
}

// Rule: errors from files name the file as given.
TEST(LoadFile, ErrorsNameTheFile) {
  auto r = LoadFile(kTestdata + "duplicate-key.json");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kDuplicateKey);
  EXPECT_EQ(r.error().ToString(), kTestdata + "duplicate-key.json:3:3: duplicate key \"a\"");
}

TEST(LoadFile, MissingFileIsIo) {
  auto r = LoadFile(kTestdata + "no-such-file.json");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_EQ(r.error().file, kTestdata + "no-such-file.json");
}

// Regression: reading a directory used to "succeed" with empty text.
TEST(LoadFile, DirectoryIsIo) {
  auto r = LoadFile(kTestdata);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
}

TEST(ReadFile, RefusesFilesOverTheLimit) {
  auto r = ReadFile(kTestdata + "order.json", 10);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
  auto ok = ReadFile(kTestdata + "order.json", 1 << 20);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->front(), '{');
}

}  // namespace
}  // namespace accord

// YAML loading (load.h: ParseYaml).
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "accord/schemas/load.h"

namespace accord {
namespace {

using json::Array;
using json::Value;

Value Yaml(std::string_view text, const LoadOptions& options = {}) {
  auto r = ParseYaml(text, "in.yaml", options);
  EXPECT_TRUE(r.has_value()) << text << "\n-> " << r.error().ToString();
  return r ? r->root : Value();
}

Error YamlError(std::string_view text, const LoadOptions& options = {}) {
  auto r = ParseYaml(text, "in.yaml", options);
  EXPECT_FALSE(r.has_value()) << text.substr(0, 80);
  return r ? Error{} : r.error();
}

// The value of key "v" in a one-line mapping "v: <scalar>".
Value Scalar(std::string_view scalar) {
  Value doc = Yaml("v: " + std::string(scalar) + "\n");
  const Value* v = doc.IsObject() ? doc.Find("v") : nullptr;
  EXPECT_NE(v, nullptr) << scalar;
  return v ? *v : Value();
}

TEST(ParseYaml, BlockAndFlowCollections) {
  Value v = Yaml(
      "name: order\n"
      "tags: [a, b]\n"
      "fields:\n"
      "  - id: 1\n"
      "    type: int\n"
      "  - {id: 2, type: string}\n"
      "empty_list: []\n"
      "empty_map: {}\n");
  ASSERT_TRUE(v.IsObject());
  EXPECT_EQ(v.Find("name")->AsString(), "order");
  EXPECT_EQ(*v.Find("tags"), Value(Array{"a", "b"}));
  const Array& fields = v.Find("fields")->AsArray();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].Find("id")->AsNumber().AsInt(), 1);
  EXPECT_EQ(fields[1].Find("type")->AsString(), "string");
  EXPECT_TRUE(v.Find("empty_list")->AsArray().empty());
  EXPECT_TRUE(v.Find("empty_map")->AsObject().empty());
  // Document order is kept.
  EXPECT_EQ(v.AsObject()[0].key, "name");
  EXPECT_EQ(v.AsObject()[4].key, "empty_map");
}

// Rule: YAML is a superset of JSON: a JSON text loads to the same value.
TEST(ParseYaml, JsonTextLoadsAsWithParseJson) {
  const char* text =
      R"({"a": [1, -2.5, true, false, null, "s\u00e9\n"], "b": {"c": 1e3, "d": ""}, "e": 9007199254740993})";
  auto json = ParseJson(text);
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(Yaml(text), json->root);
}

// Rule: YAML 1.2 core schema for plain scalars: null.
TEST(ParseYaml, CoreSchemaNulls) {
  for (const char* s : {"null", "Null", "NULL", "~", ""}) EXPECT_TRUE(Scalar(s).IsNull()) << s;
  EXPECT_TRUE(Yaml("- \n-\n").AsArray()[1].IsNull());
  for (const char* s : {"nULL", "none", "Nil"}) EXPECT_TRUE(Scalar(s).IsString()) << s;
}

// Rule: core schema booleans are exactly true|True|TRUE|false|False|FALSE;
// YAML 1.1 forms (yes, no, on, off, y, n) are strings.
TEST(ParseYaml, CoreSchemaBooleans) {
  for (const char* s : {"true", "True", "TRUE"}) EXPECT_EQ(Scalar(s), Value(true)) << s;
  for (const char* s : {"false", "False", "FALSE"}) EXPECT_EQ(Scalar(s), Value(false)) << s;
  for (const char* s : {"yes", "No", "on", "OFF", "y", "n", "tRUE"}) {
    EXPECT_EQ(Scalar(s), Value(s)) << s;
  }
}

// Rule: core schema integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+.
TEST(ParseYaml, CoreSchemaIntegers) {
  struct Case {
    const char* text;
    std::int64_t value;
  };
  for (Case c : {Case{"0", 0}, Case{"-0", 0}, Case{"+12", 12}, Case{"-17", -17}, Case{"007", 7},
                 Case{"0o17", 15}, Case{"0x1F", 31}, Case{"0xff", 255},
                 Case{"9223372036854775807", INT64_MAX}, Case{"-9223372036854775808", INT64_MIN},
                 Case{"0x7FFFFFFFFFFFFFFF", INT64_MAX}}) {
    Value v = Scalar(c.text);
    ASSERT_TRUE(v.IsNumber()) << c.text;
    EXPECT_TRUE(v.AsNumber().IsInt()) << c.text;
    EXPECT_EQ(v.AsNumber().AsInt(), c.value) << c.text;
  }
  // Not integers: strings.
  for (const char* s : {"0o", "0x", "0o18", "0xg", "0X1F", "+0x1", "-0o7", "1_000", "0b101", "1:20",
                        "12abc", "0x1F.5"}) {
    EXPECT_EQ(Scalar(s), Value(s)) << s;
  }
}

// Rule: integers beyond int64 become doubles, as in JSON.
TEST(ParseYaml, BigIntegersBecomeDoubles) {
  Value v = Scalar("9223372036854775808");
  EXPECT_FALSE(v.AsNumber().IsInt());
  EXPECT_EQ(v.AsNumber().AsDouble(), 9223372036854775808.0);
  EXPECT_EQ(Scalar("-9223372036854775809").AsNumber().AsDouble(), -9223372036854775808.0);
  EXPECT_EQ(Scalar("123456789012345678901234567890").AsNumber().AsDouble(),
            123456789012345678901234567890.0);
  EXPECT_EQ(Scalar("0xFFFFFFFFFFFFFFFF").AsNumber().AsDouble(), 18446744073709551615.0);
  EXPECT_EQ(Scalar("0x10000000000000000").AsNumber().AsDouble(), 18446744073709551616.0);
}

// Regression (fuzz_load crash-bf6947d7, a 600-digit plain integer): integers
// beyond the double range became infinity (canonical form: null).
TEST(ParseYaml, Regression_HugeIntegerBecameInfinity) {
  for (std::string big : {std::string(400, '9'), "-" + std::string(400, '9'),
                          "0x" + std::string(300, 'F'), "0o" + std::string(400, '7')}) {
    Error e = YamlError("v: " + big);
    EXPECT_EQ(e.code, ErrorCode::kSyntax) << big;
    EXPECT_NE(e.message.find("too large for a double"), std::string::npos) << e.message;
    EXPECT_EQ(e.position, (Position{1, 4}));
  }
  EXPECT_EQ(YamlError("v: !!float " + std::string(400, '9')).code, ErrorCode::kSyntax);
  // The largest that fit are fine.
  EXPECT_EQ(Scalar(std::string(308, '9')).AsNumber().AsDouble(), 1e308);
}

// Rule: core schema floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
TEST(ParseYaml, CoreSchemaFloats) {
  struct Case {
    const char* text;
    double value;
  };
  for (Case c : {Case{"2.5", 2.5}, Case{"-.5", -0.5}, Case{".5", 0.5}, Case{"+1.", 1.0},
                 Case{"1e3", 1000}, Case{"1E-2", 0.01}, Case{"-1.5e+3", -1500}, Case{"0.0", 0},
                 Case{"6.02e23", 6.02e23}, Case{"1e-400", 0}}) {
    Value v = Scalar(c.text);
    ASSERT_TRUE(v.IsNumber()) << c.text;
    EXPECT_FALSE(v.AsNumber().IsInt()) << c.text;
    EXPECT_EQ(v.AsNumber().AsDouble(), c.value) << c.text;
  }
  for (const char* s : {".", "1e", "e3", "1.2.3", "1,5", "--1", ".e1", "1e+", "0x1p3"}) {
    EXPECT_EQ(Scalar(s), Value(s)) << s;
  }
}

// Decision: .inf and .nan have no JSON form; they are errors, not strings.
TEST(ParseYaml, InfinityAndNanAreErrors) {
  for (const char* s : {".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", ".NAN"}) {
    Error e = YamlError("v: " + std::string(s));
    EXPECT_EQ(e.code, ErrorCode::kSyntax) << s;
    EXPECT_EQ(e.position, (Position{1, 4})) << s;
    EXPECT_NE(e.message.find("quote it"), std::string::npos) << e.message;
  }
  // Quoted, they are strings; other spellings are plain strings.
  EXPECT_EQ(Scalar("\".inf\""), Value(".inf"));
  EXPECT_EQ(Scalar("'.nan'"), Value(".nan"));
  EXPECT_EQ(Scalar("inf"), Value("inf"));
  EXPECT_EQ(Scalar("-.nan"), Value("-.nan"));
  // A float that overflows a double is an error too (see the JSON
  // regression for 2e308).
  EXPECT_EQ(YamlError("v: 1e400").code, ErrorCode::kSyntax);
  EXPECT_EQ(YamlError("v: 2e308").code, ErrorCode::kSyntax);
  EXPECT_EQ(YamlError("v: !!float 2e308").code, ErrorCode::kSyntax);
}

// Rule: quoted and block scalars are strings, whatever they look like.
TEST(ParseYaml, QuotedAndBlockScalarsAreStrings) {
  EXPECT_EQ(Scalar("\"1\""), Value("1"));
  EXPECT_EQ(Scalar("'true'"), Value("true"));
  EXPECT_EQ(Scalar("\"null\""), Value("null"));
  EXPECT_EQ(Scalar("''"), Value(""));
  EXPECT_EQ(Scalar("'it''s'"), Value("it's"));
  EXPECT_EQ(Scalar("\"tab\\there\\u00e9\""), Value("tab\there\xC3\xA9"));
  Value v = Yaml("lit: |\n  12\n  34\nfold: >-\n  a\n  b\nkeep: |+\n  x\n\nend: 1\n");
  EXPECT_EQ(*v.Find("lit"), Value("12\n34\n"));
  EXPECT_EQ(*v.Find("fold"), Value("a b"));
  EXPECT_EQ(*v.Find("keep"), Value("x\n\n"));
}

// Regression (fuzz_load crash-66dddb2c, 'a: "\t\u00e9\_..."'): yaml-cpp 0.7
// decodes the YAML escapes \N (U+0085) and \_ (U+00A0) to the single bytes
// 0x85 and 0xA0, leaving invalid UTF-8 in the value (and in canonical text).
TEST(ParseYaml, Regression_NelAndNbspEscapesWereNotUtf8) {
  EXPECT_EQ(Scalar(R"("\N|\_|\L|\P")"), Value("\xC2\x85|\xC2\xA0|\xE2\x80\xA8|\xE2\x80\xA9"));
  EXPECT_EQ(Scalar(R"("\u00e9\_\_x\N")"), Value("\xC3\xA9\xC2\xA0\xC2\xA0x\xC2\x85"));
  Value keyed = Yaml(R"("k\_": 1)");
  EXPECT_NE(keyed.Find("k\xC2\xA0"), nullptr);
  // Other escapes were already right.
  EXPECT_EQ(Scalar(R"("\x41\u00e9\U0001F600\0\/")"),
            Value(std::string("A\xC3\xA9\xF0\x9F\x98\x80\0/", 9)));
}

// Rule: standard tags are honoured; other tags are kUnsupported.
TEST(ParseYaml, StandardTags) {
  EXPECT_EQ(Scalar("!!str 12"), Value("12"));
  EXPECT_EQ(Scalar("!!str"), Value(""));
  EXPECT_EQ(Scalar("!!int \"7\""), Value(7));
  Value f = Scalar("!!float 3");
  EXPECT_FALSE(f.AsNumber().IsInt());
  EXPECT_EQ(f.AsNumber().AsDouble(), 3.0);
  EXPECT_EQ(Scalar("!!bool 'true'"), Value(true));
  EXPECT_TRUE(Scalar("!!null ''").IsNull());
  EXPECT_EQ(Scalar("! 5"), Value("5"));  // non-specific tag: string
  EXPECT_EQ(Scalar("!<tag:yaml.org,2002:str> 5"), Value("5"));
  EXPECT_EQ(Yaml("!!map {a: !!seq [1]}"), Yaml("{a: [1]}"));

  Error e = YamlError("v: !!int 1.5");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.message, "\"1.5\" is not a !!int");
  // Long values are cut in messages.
  EXPECT_EQ(YamlError("v: !!int " + std::string(100, 'x')).message,
            "\"" + std::string(40, 'x') + "...\" is not a !!int");
  EXPECT_EQ(YamlError("v: !!bool yes").code, ErrorCode::kSyntax);
  EXPECT_EQ(YamlError("v: !!null 0").code, ErrorCode::kSyntax);
  EXPECT_EQ(YamlError("v: !!float .inf").code, ErrorCode::kSyntax);
  for (const char* bad : {"v: !Ref x", "v: !!binary aGVsbG8=", "v: !!timestamp 2001-12-14",
                          "v: !!map [1]", "v: !!str [1]", "v: !custom {a: 1}"}) {
    Error e = YamlError(bad);
    EXPECT_EQ(e.code, ErrorCode::kUnsupported) << bad;
    EXPECT_EQ(e.position, (Position{1, 4})) << bad;
  }
}

// Rule: mapping keys become strings: the key's source text.
TEST(ParseYaml, ScalarKeysBecomeStrings) {
  Value v = Yaml("1: a\ntrue: b\n2.50: c\n\"q\": d\nnull: e\n~: f\n: g\n0x10: h\n");
  EXPECT_EQ(v.Find("1")->AsString(), "a");
  EXPECT_EQ(v.Find("true")->AsString(), "b");
  EXPECT_EQ(v.Find("2.50")->AsString(), "c");
  EXPECT_EQ(v.Find("q")->AsString(), "d");
  EXPECT_EQ(v.Find("null")->AsString(), "e");
  EXPECT_EQ(v.Find("~")->AsString(), "f");
  EXPECT_EQ(v.Find("")->AsString(), "g");
  EXPECT_EQ(v.Find("0x10")->AsString(), "h");
  Value flow = Yaml("{null: 1, Null: 2, NULL: 3}");
  EXPECT_EQ(flow.AsObject().size(), 3u);
  EXPECT_EQ(flow.Find("Null")->AsNumber().AsInt(), 2);
}

// Rule: a mapping that repeats a key is kDuplicateKey at the second key.
TEST(ParseYaml, DuplicateKeysAreErrors) {
  Error e = YamlError("a: 1\nb:\n  x: 1\na: 2\n");
  EXPECT_EQ(e.code, ErrorCode::kDuplicateKey);
  EXPECT_EQ(e.message, "duplicate key \"a\"");
  EXPECT_EQ(e.position, (Position{4, 1}));
  EXPECT_EQ(e.file, "in.yaml");
  EXPECT_EQ(YamlError("{a: 1, a: 2}").code, ErrorCode::kDuplicateKey);
  // Keys compare as strings: 1 and "1" clash, as do 'a' and "a".
  EXPECT_EQ(YamlError("1: x\n\"1\": y\n").code, ErrorCode::kDuplicateKey);
  EXPECT_EQ(YamlError("'a': x\n\"a\": y\n").code, ErrorCode::kDuplicateKey);
  // Same key in sibling mappings is fine.
  EXPECT_TRUE(ParseYaml("x: {a: 1}\ny: {a: 1}\n").has_value());
  std::string big;
  for (int i = 0; i < 50; ++i) big += "k" + std::to_string(i) + ": 1\n";
  EXPECT_TRUE(ParseYaml(big).has_value());
  EXPECT_EQ(YamlError(big + "k3: 2\n").code, ErrorCode::kDuplicateKey);
}

// Rule: sequence and mapping keys are kNonScalarKey (JSON keys are strings).
TEST(ParseYaml, NonScalarKeysAreErrors) {
  Error e = YamlError("ok: 1\n[a, b]: 2\n");
  EXPECT_EQ(e.code, ErrorCode::kNonScalarKey);
  EXPECT_EQ(e.position, (Position{2, 1}));
  EXPECT_EQ(YamlError("{a: 1}: 2").code, ErrorCode::kNonScalarKey);
  EXPECT_EQ(YamlError("? - a\n  - b\n: 1\n").code, ErrorCode::kNonScalarKey);
  EXPECT_EQ(YamlError("? {a: {b: 1}}\n: x\n").code, ErrorCode::kNonScalarKey);
  EXPECT_EQ(YamlError("base: &b [1]\n*b : 2\n").code, ErrorCode::kNonScalarKey);
}

// Regression: an unclosed "{" at the end used to be reported as a non-scalar
// key (yaml-cpp reads it as one); the syntax error comes first now.
TEST(ParseYaml, UnclosedFlowMappingIsASyntaxError) {
  EXPECT_EQ(YamlError("{a: 1").code, ErrorCode::kSyntax);
  EXPECT_EQ(YamlError("[a, 1").code, ErrorCode::kSyntax);
}

// Rule: anchors and aliases resolve by copying the anchored value.
TEST(ParseYaml, AnchorsAndAliasesResolve) {
  Value v = Yaml(
      "base: &b {type: string, maxLength: 3}\n"
      "list: &l [1, *b]\n"
      "copy: *b\n"
      "again: *l\n"
      "scalar: &s hello\n"
      "s2: *s\n"
      "empty: &e\n"
      "e2: *e\n");
  EXPECT_EQ(*v.Find("copy"), *v.Find("base"));
  EXPECT_EQ(*v.Find("again"), *v.Find("list"));
  EXPECT_EQ(v.Find("list")->AsArray()[1], *v.Find("base"));
  EXPECT_EQ(v.Find("s2")->AsString(), "hello");
  EXPECT_TRUE(v.Find("e2")->IsNull());
  // Redefining an anchor rebinds it for later aliases.
  Value r = Yaml("- &a 1\n- *a\n- &a 2\n- *a\n");
  EXPECT_EQ(r, Value(Array{1, 1, 2, 2}));
  // An anchored key can be reused as a value, and as a key (then duplicate).
  Value k = Yaml("&k name: 1\nother: *k\n");
  EXPECT_EQ(k.Find("other")->AsString(), "name");
  EXPECT_EQ(YamlError("&k name: 1\n*k : 2\n").code, ErrorCode::kDuplicateKey);
}

TEST(ParseYaml, BadAliasesAreErrors) {
  Error e = YamlError("a: *nope\n");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{1, 4}));
  // An alias to its own enclosing node would be infinite.
  e = YamlError("a: &x [1, *x]\n");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{1, 11}));
}

// Rule: "<<" is an ordinary key (merge keys are YAML 1.1, not 1.2 core).
TEST(ParseYaml, MergeKeyIsAnOrdinaryKey) {
  Value v = Yaml("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n");
  EXPECT_EQ(*v.Find("d")->Find("<<"), Yaml("{x: 1}"));
  EXPECT_EQ(v.Find("d")->Find("x"), nullptr);
}

// Rule: alias expansion counts against max_nodes, so the "billion laughs"
// bomb fails with kLimit instead of exhausting memory.
TEST(ParseYaml, AliasBombHitsTheNodeLimit) {
  std::string bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", " : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  LoadOptions opts;
  opts.max_nodes = 100'000;
  Error e = YamlError(bomb, opts);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "more than 100000 values");
  EXPECT_EQ(e.position.line, 6);  // f: 9^5 = 59,049 lols per *e
  // (With the default limit of 10,000,000 it fails the same way, at line 9,
  // after about 2 s and 500 MB: too slow for a unit test.)
}

// Rule: an alias counts its expanded height against max_depth, so chains of
// aliases cannot build a value deeper than the limit.
TEST(ParseYaml, AliasChainsCannotExceedTheDepthLimit) {
  std::string text = "a0: &a0 " + std::string(200, '[') + std::string(200, ']') + "\n";
  for (int i = 1; i < 4; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " " + std::string(100, '[') +
            "*a" + std::to_string(i - 1) + std::string(100, ']') + "\n";
  }
  Error e = YamlError(text);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "alias expands deeper than 256 levels");
  EXPECT_EQ(e.position.line, 2);
}

std::string Nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// Rule: nesting deeper than max_depth is kLimit.
TEST(ParseYaml, DepthLimitIsEnforced) {
  EXPECT_TRUE(ParseYaml(Nested(256)).has_value());
  Error e = YamlError(Nested(257));
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "nesting deeper than 256 levels");
  EXPECT_EQ(e.position, (Position{1, 257}));
  LoadOptions shallow;
  shallow.max_depth = 2;
  EXPECT_TRUE(ParseYaml("a:\n  b: 1\n", {}, shallow).has_value());
  EXPECT_EQ(YamlError("a:\n  b:\n    c: 1\n", shallow).code, ErrorCode::kLimit);
}

// Rule: 1 MB of 100,000+ nested flow sequences fails cleanly (no stack
// overflow), closed or not.
TEST(ParseYaml, HundredThousandNestedFlowSequencesFailCleanly) {
  EXPECT_EQ(YamlError(Nested(500'000)).code, ErrorCode::kLimit);  // 1 MB
  EXPECT_EQ(YamlError(std::string(100'000, '[')).code, ErrorCode::kLimit);
  EXPECT_EQ(YamlError(std::string(100'000, '{')).code, ErrorCode::kLimit);
}

// Rule: deep block nesting ("- - - -", indented mappings) fails cleanly.
TEST(ParseYaml, DeepBlockNestingFailsCleanly) {
  std::string dashes;
  for (int i = 0; i < 100'000; ++i) dashes += "- ";
  EXPECT_EQ(YamlError(dashes + "x").code, ErrorCode::kLimit);
  std::string maps;
  for (int i = 0; i < 1000; ++i) maps += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  EXPECT_EQ(YamlError(maps).code, ErrorCode::kLimit);
}

// Rule: yaml-cpp's own recursion guard (500 levels) is reported as kLimit
// when max_depth is raised above it.
TEST(ParseYaml, ParserRecursionGuardIsALimit) {
  LoadOptions deep;
  deep.max_depth = 100'000;
  Error e = YamlError(Nested(10'000), deep);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_GT(e.position.line, 0);
}

TEST(ParseYaml, SizeLimitIsEnforced) {
  LoadOptions small;
  small.max_bytes = 4;
  EXPECT_TRUE(ParseYaml("a: 1", {}, small).has_value());
  Error e = YamlError("a: 12", small);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.file, "in.yaml");
}

// Rule: one document per stream; an empty stream is a null document.
TEST(ParseYaml, MultipleDocumentsAreAnError) {
  Error e = YamlError("a: 1\n---\nb: 2\n");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{2, 1}));
  EXPECT_EQ(YamlError("--- 1\n--- 2\n").code, ErrorCode::kSyntax);
  EXPECT_EQ(YamlError("a: 1\n---\n").code, ErrorCode::kSyntax);
  // Markers around a single document are fine.
  EXPECT_EQ(Yaml("---\na: 1\n...\n"), Yaml("a: 1"));
  EXPECT_EQ(Yaml("%YAML 1.2\n---\na: 1\n"), Yaml("a: 1"));
}

TEST(ParseYaml, EmptyStreamIsNull) {
  EXPECT_TRUE(Yaml("").IsNull());
  EXPECT_TRUE(Yaml("# only a comment\n\n").IsNull());
  EXPECT_TRUE(Yaml("---\n").IsNull());
}

// Rule: syntax errors are kSyntax with file, 1-based line and column.
TEST(ParseYaml, SyntaxErrorsCarryFileLineAndColumn) {
  Error e = YamlError("a: 1\nb: [1, 2\n");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.file, "in.yaml");
  EXPECT_EQ(e.position.line, 3);
  EXPECT_GT(e.position.column, 0);
  e = YamlError("a: b: c\n");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{1, 5}));
  EXPECT_EQ(e.ToString().substr(0, 12), "in.yaml:1:5:");
  for (const char* bad :
       {"a: 'x", "- a\nb: 1", "a:\n\t- b", "key: \"\\q\"", "[1, 2]]", "&a &b x"}) {
    Error err = YamlError(bad);
    EXPECT_EQ(err.code, ErrorCode::kSyntax) << bad;
    EXPECT_GT(err.position.line, 0) << bad;
  }
}

// Regression: yaml-cpp 0.7 accepts a double-quoted scalar left open at the
// end of input when a line break precedes the end.
TEST(ParseYaml, UnterminatedQuotedScalarAtEndIsAnError) {
  Error e = YamlError("a: \"unterminated\n");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{1, 4}));
  EXPECT_EQ(YamlError("a: 'it''s\n").code, ErrorCode::kSyntax);
  EXPECT_EQ(YamlError("a: &x !!str \"open\n\n").code, ErrorCode::kSyntax);
  // Escaped quotes inside a closed scalar are fine.
  EXPECT_EQ(Scalar("\"say \\\"hi\\\"\""), Value("say \"hi\""));
  EXPECT_EQ(Scalar("'it''s'"), Value("it's"));
}

// Rule: input must be UTF-8 (a BOM is skipped); NUL and other C0 control
// characters except tab, LF, CR are rejected with their position.
TEST(ParseYaml, InvalidBytesAreRejected) {
  Error e = YamlError(std::string_view("a: 1\nb: \0\n", 10));
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.message, "NUL byte in YAML text");
  EXPECT_EQ(e.position, (Position{2, 4}));
  e = YamlError("a: \xff\n");
  EXPECT_EQ(e.message, "invalid UTF-8");
  EXPECT_EQ(e.position, (Position{1, 4}));
  EXPECT_EQ(YamlError("a: \xed\xa0\x80\n").message, "invalid UTF-8");  // surrogate
  EXPECT_EQ(YamlError("a: \xc0\xaf\n").message, "invalid UTF-8");      // overlong
  EXPECT_EQ(YamlError("a: \x01\n").message, "control character in YAML text");
  // UTF-16 is not accepted (even with its BOM).
  EXPECT_EQ(YamlError(std::string_view("\xff\xfe"
                                       "a\0:\0 \0"
                                       "1\0",
                                       10))
                .code,
            ErrorCode::kSyntax);
  // UTF-8 with BOM is; columns count from after the BOM.
  EXPECT_EQ(Yaml("\xEF\xBB\xBF"
                 "a: \xC3\xA9"),
            Yaml("a: \xC3\xA9"));
  EXPECT_EQ(YamlError("\xEF\xBB\xBF"
                      "a: b: c")
                .position,
            (Position{1, 5}));
}

// Rule: with record_positions, values map to where they start; mapping
// members are anchored at their key; aliases at the alias.
TEST(ParseYaml, PositionsPointAtValuesAndKeys) {
  LoadOptions opts;
  opts.record_positions = true;
  auto doc = ParseYaml(
      "type: object\n"
      "properties:\n"
      "  a/b:\n"
      "    - 1\n"
      "    - [x, {y: 2}]\n"
      "ref: &r {k: 1}\n"
      "copy: *r\n",
      "p.yaml", opts);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  const SourceMap& pos = doc->positions;
  EXPECT_EQ(pos.at(""), (Position{1, 1}));
  EXPECT_EQ(pos.at("/type"), (Position{1, 1}));
  EXPECT_EQ(pos.at("/properties"), (Position{2, 1}));
  EXPECT_EQ(pos.at("/properties/a~1b"), (Position{3, 3}));
  EXPECT_EQ(pos.at("/properties/a~1b/0"), (Position{4, 7}));
  EXPECT_EQ(pos.at("/properties/a~1b/1"), (Position{5, 7}));
  EXPECT_EQ(pos.at("/properties/a~1b/1/0"), (Position{5, 8}));
  EXPECT_EQ(pos.at("/properties/a~1b/1/1"), (Position{5, 11}));
  EXPECT_EQ(pos.at("/properties/a~1b/1/1/y"), (Position{5, 12}));
  EXPECT_EQ(pos.at("/ref/k"), (Position{6, 10}));
  EXPECT_EQ(pos.at("/copy"), (Position{7, 1}));
  EXPECT_EQ(pos.count("/copy/k"), 0u);
  EXPECT_EQ(doc->PositionOf("/copy/k"), (Position{7, 1}));
  EXPECT_EQ(doc->file, "p.yaml");
}

TEST(ParseYaml, PositionsAreOffByDefault) {
  auto doc = ParseYaml("a: 1\n");
  ASSERT_TRUE(doc.has_value());
  EXPECT_TRUE(doc->positions.empty());
}

TEST(ParseYaml, NodeLimitIsEnforced) {
  LoadOptions few;
  few.max_nodes = 3;
  EXPECT_TRUE(ParseYaml("[1, 2]", {}, few).has_value());
  EXPECT_EQ(YamlError("[1, 2, 3]", few).code, ErrorCode::kLimit);
}

}  // namespace
}  // namespace accord

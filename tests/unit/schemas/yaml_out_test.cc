// json::ToYaml: the exact layout, and that every value reads back equal
// through our YAML loader (yaml-cpp) whatever its strings hold.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accord/schemas/json.h"
#include "accord/schemas/load.h"
#include "accord/schemas/yaml_out.h"

namespace accord {
namespace {

json::Value Obj(std::vector<std::pair<std::string, json::Value>> members) {
  json::Value o{json::Object{}};
  for (auto& [k, v] : members) o.Add(k, std::move(v));
  return o;
}

json::Value ReadBack(const json::Value& v) {
  const std::string text = json::ToYaml(v);
  auto doc = ParseYaml(text);
  EXPECT_TRUE(doc.has_value()) << text << "\n" << (doc ? "" : doc.error().message);
  return doc ? doc->root : json::Value();
}

TEST(ToYaml, BlockLayoutWithSequencesIndentedUnderTheirKey) {
  json::Value v = Obj({{"asyncapi", "3.0.0"},
                       {"info", Obj({{"title", "Orders"}, {"version", "1.0.0"}})},
                       {"tags", json::Array{Obj({{"name", "core"}}), Obj({{"name", "pii"}})}},
                       {"empty", json::Object{}},
                       {"none", json::Array{}},
                       {"nested", json::Array{json::Array{1, 2}, json::Value(true)}},
                       {"ref", "#/channels/orders"}});
  EXPECT_EQ(json::ToYaml(v),
            "asyncapi: \"3.0.0\"\n"
            "info:\n"
            "  title: Orders\n"
            "  version: \"1.0.0\"\n"
            "tags:\n"
            "  - name: core\n"
            "  - name: pii\n"
            "empty: {}\n"
            "none: []\n"
            "nested:\n"
            "  - - 1\n"
            "    - 2\n"
            "  - true\n"
            "ref: \"#/channels/orders\"\n");
}

TEST(ToYaml, MultiLineTextIsALiteralBlock) {
  json::Value v = Obj(
      {{"schema", "syntax = \"proto3\";\n\nmessage A {\n  string x = 1;\n}\n"}, {"clip", "a\nb"}});
  EXPECT_EQ(json::ToYaml(v),
            "schema: |\n"
            "  syntax = \"proto3\";\n"
            "\n"
            "  message A {\n"
            "    string x = 1;\n"
            "  }\n"
            "clip: |-\n"
            "  a\n"
            "  b\n");
  EXPECT_EQ(ReadBack(v), v);
}

TEST(ToYaml, WordsAnotherReaderWouldTypeAreQuoted) {
  // YAML 1.1 readers (PyYAML, old js-yaml) take yes/no/on/off/y/n for
  // booleans; every reader takes 123, 1e3, 0x1F, .inf, ~ and null for
  // something other than a string.
  for (const char* s : {"true", "False", "yes", "NO", "on", "Off", "y", "N", "null", "~", "123",
                        "1e3", "0x1F", ".inf", "-1", "12:30", "2026-01-31", ""}) {
    const std::string text = json::ToYaml(Obj({{s, s}}));
    EXPECT_EQ(text, "\"" + std::string(s) + "\": \"" + s + "\"\n");
  }
  EXPECT_EQ(json::ToYaml(Obj({{"$ref", "application/vnd.apache.avro+json;version=1.9.0"}})),
            "$ref: application/vnd.apache.avro+json;version=1.9.0\n");
}

TEST(ToYaml, EveryStringReadsBackEqual) {
  const std::vector<std::string> strings = {"a: b",       "- x",
                                            "x #y",       " lead",
                                            "trail ",     "@at",
                                            "`bt",        "%p",
                                            "*a",         "&b",
                                            "!t",         "{x",
                                            "[y",         "é",
                                            "\x01ctl",    "tab\there",
                                            "cr\r\nlf",   "quote\"s",
                                            "back\\",     "line\n",
                                            "\nlead",     "two\n\n",
                                            "a\n  ",      " x\ny",
                                            "ünï\ncode",  "\xE2\x80\xA8",
                                            "x\xC2\x85y", "\xEF\xBB\xBF",
                                            "a\x7F",      "? q",
                                            "key: value", "'single'",
                                            "|",          ">",
                                            "a\tb\nc\t",  "<<"};
  json::Array items;
  json::Value keyed{json::Object{}};
  for (const std::string& s : strings) {
    items.emplace_back(s);
    keyed.Add(s, s);
  }
  json::Value v = Obj({{"items", json::Value(items)}, {"keyed", keyed}});
  EXPECT_EQ(ReadBack(v), v);
}

TEST(ToYaml, NumbersBooleansNullAndScalarsAtTheTop) {
  json::Value v = Obj({{"i", 42}, {"d", 0.5}, {"neg", -7}, {"b", false}, {"nil", nullptr}});
  EXPECT_EQ(json::ToYaml(v), "i: 42\nd: 0.5\nneg: -7\nb: false\nnil: null\n");
  EXPECT_EQ(ReadBack(v), v);
  EXPECT_EQ(json::ToYaml(json::Value("plain")), "plain\n");
  EXPECT_EQ(json::ToYaml(json::Value("two\nlines\n")), "|\n  two\n  lines\n");
  EXPECT_EQ(ReadBack(json::Value("two\nlines\n")), json::Value("two\nlines\n"));
  EXPECT_EQ(json::ToYaml(json::Value(json::Object{})), "{}\n");
}

TEST(ToYaml, KeysPastTheImplicitKeyLimitAreExplicit) {
  const std::string key(1500, 'k');
  json::Value v = Obj({{key, Obj({{"x", 1}})}});
  const std::string text = json::ToYaml(v);
  EXPECT_EQ(text, "? " + key + "\n:\n  x: 1\n");
  EXPECT_EQ(ReadBack(v), v);
}

// The limit is on the key as written: 600 quotes are 1,202 characters once
// escaped and quoted (fuzz_load found a 700-character key of this kind).
TEST(ToYaml, KeysPastTheLimitOnceEscapedAreExplicit) {
  const std::string key(600, '"');
  std::string written = "\"";
  for (int i = 0; i < 600; ++i) written += "\\\"";
  written += '"';
  json::Value v = Obj({{key, json::Value()}, {"short", 1}});
  EXPECT_EQ(json::ToYaml(v), "? " + written + "\n: null\nshort: 1\n");
  EXPECT_EQ(ReadBack(v), v);
}

}  // namespace
}  // namespace accord

// avro::ValidateDatum: why a JSON value is not an Avro-JSON datum, with the
// datum's location, the expected type and what was found; its verdict is
// IsValidDatum's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "accord/schemas/avro.h"
#include "accord/schemas/load.h"

namespace accord::avro {
namespace {

constexpr const char* kOrder = R"({
  "type": "record", "name": "Order", "namespace": "shop",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "quantity", "type": "int"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["PLACED", "SHIPPED"]}},
    {"name": "coupon", "type": ["null", "string"], "default": null},
    {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
    {"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 2}}
  ]})";

Schema ParseSchema(const char* text) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc.has_value());
  auto schema = Parse(doc->root);
  EXPECT_TRUE(schema.has_value()) << schema.error().ToString();
  return std::move(*schema);
}

// "instance_location | schema_location | message" of every error.
std::vector<std::string> Errors(const Schema& schema, const char* datum) {
  auto doc = ParseJson(datum);
  EXPECT_TRUE(doc.has_value());
  std::vector<std::string> out;
  for (const DatumError& e : ValidateDatum(schema, schema.root(), doc->root)) {
    out.push_back(e.instance_location + " | " + e.schema_location + " | " + e.message);
  }
  EXPECT_EQ(out.empty(), IsValidDatum(schema, schema.root(), doc->root)) << datum;
  return out;
}

TEST(AvroDatum, ValidDatumHasNoError) {
  Schema s = ParseSchema(kOrder);
  EXPECT_EQ(Errors(s, R"({"id":"o1","quantity":2,"status":"PLACED","coupon":{"string":"X"},
                          "tags":["a"],"digest":"ab"})"),
            std::vector<std::string>{});
  EXPECT_EQ(Errors(s, R"({"id":"o1","quantity":2,"status":"SHIPPED","coupon":null,
                          "tags":[],"digest":"\u00ff\u0000"})"),
            std::vector<std::string>{});
}

TEST(AvroDatum, EachWrongFieldNamesPathExpectedTypeAndValue) {
  Schema s = ParseSchema(kOrder);
  EXPECT_EQ(Errors(s, R"({"id":7,"quantity":"two","status":"LOST","coupon":"X",
                          "tags":["a",3],"digest":"abc","note":1})"),
            (std::vector<std::string>{
                "/id | /fields/0/type | expected string, got integer 7",
                "/quantity | /fields/1/type | expected int, got string \"two\"",
                "/status | /fields/2/type | expected one of the symbols PLACED, SHIPPED (enum "
                "shop.Status), got string \"LOST\"",
                "/coupon | /fields/3/type | expected union [null, string] (null or "
                "{\"BRANCH\": value}), got string \"X\"",
                "/tags/1 | /fields/4/type/items | expected string, got integer 3",
                "/digest | /fields/5/type | expected fixed shop.Digest of 2 bytes, got 3 bytes",
                "/note |  | unknown field 'note' (record shop.Order has no such field)",
            }));
}

TEST(AvroDatum, MissingFieldIsNamedAtTheRecord) {
  Schema s = ParseSchema(kOrder);
  EXPECT_EQ(
      Errors(s, R"({"id":"o1","status":"PLACED","coupon":null,"tags":[],"digest":"ab"})"),
      (std::vector<std::string>{" |  | missing field 'quantity' (int) of record shop.Order"}));
}

TEST(AvroDatum, IntOutOfRangeSaysThirtyTwoBit) {
  Schema s = ParseSchema(R"({"type":"array","items":"int"})");
  EXPECT_EQ(Errors(s, "[1, 3000000000, 1.5]"),
            (std::vector<std::string>{"/1 | /items | expected int (32-bit), got integer 3000000000",
                                      "/2 | /items | expected int, got number 1.5"}));
}

TEST(AvroDatum, UnionUnknownBranchAndBranchValue) {
  Schema s = ParseSchema(R"({"type":"map","values":["null","int"]})");
  EXPECT_EQ(Errors(s, R"({"a":{"long":1},"b":{"int":"x"},"c":null})"),
            (std::vector<std::string>{
                "/a | /values | expected union [null, int], got the unknown branch 'long'",
                "/b/int | /values/1 | expected int, got string \"x\""}));
}

TEST(AvroDatum, StopsAtMaxErrors) {
  Schema s = ParseSchema(R"({"type":"array","items":"int"})");
  auto doc = ParseJson(R"(["a","b","c"])");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(ValidateDatum(s, s.root(), doc->root, 2).size(), 2u);
}

}  // namespace
}  // namespace accord::avro

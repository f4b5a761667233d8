// The AsyncAPI document builder (cli/src/asyncapi_export.h): addresses by
// TopicNameStrategy, schema formats, ids that stay unique and valid while
// x-accord-subject keeps the exact name, deprecation marks, operations.
// The command itself (fetching, flags, errors) is covered by the goldens and
// the @asyncapi/parser test in tests/integration/asyncapi/.
#include "asyncapi_export.h"

#include <gtest/gtest.h>

#include <string>

#include "accord/schemas/load.h"

namespace accord::cli {
namespace {

TEST(AsyncApiAddress, TopicNameStrategyValueSubjectsGiveTheirTopic) {
  EXPECT_EQ(AsyncApiAddress("orders-value"), "orders");
  EXPECT_EQ(AsyncApiAddress("a.b-value"), "a.b");
  // Anything else is its own address.
  EXPECT_EQ(AsyncApiAddress("orders-key"), "orders-key");
  EXPECT_EQ(AsyncApiAddress("com.acme.Order"), "com.acme.Order");
  EXPECT_EQ(AsyncApiAddress("-value"), "-value");
  EXPECT_EQ(AsyncApiAddress("orders-value-x"), "orders-value-x");
}

TEST(AsyncApiSchemaFormat, EachLanguageHasItsFormat) {
  EXPECT_EQ(AsyncApiSchemaFormat("JSON", "{}"), "application/schema+json;version=draft-07");
  EXPECT_EQ(AsyncApiSchemaFormat("AVRO", "\"string\""),
            "application/vnd.apache.avro+json;version=1.9.0");
  EXPECT_EQ(AsyncApiSchemaFormat("PROTOBUF", "syntax = \"proto3\";\nmessage A {}\n"),
            "application/vnd.google.protobuf;version=3");
  EXPECT_EQ(AsyncApiSchemaFormat("PROTOBUF", "syntax='proto3'; message A {}"),
            "application/vnd.google.protobuf;version=3");
  EXPECT_EQ(AsyncApiSchemaFormat("PROTOBUF", "syntax = \"proto2\";\nmessage A {}\n"),
            "application/vnd.google.protobuf;version=2");
  // No syntax statement: proto2, by the language's rule.
  EXPECT_EQ(AsyncApiSchemaFormat("PROTOBUF", "message A {}"),
            "application/vnd.google.protobuf;version=2");
}

RegistryClient::VersionInfo Version(std::string subject, int version,
                                    std::string state = "ACTIVE") {
  RegistryClient::VersionInfo v;
  v.subject = std::move(subject);
  v.version = version;
  v.id = version + 100;
  v.schema_type = "JSON";
  v.schema = "{\"type\":\"object\"}";
  v.state = std::move(state);
  return v;
}

const json::Value& At(const json::Value& v, std::initializer_list<std::string_view> path) {
  static const json::Value kNull;
  const json::Value* at = &v;
  for (std::string_view key : path) {
    at = at->IsObject() ? at->Find(key) : nullptr;
    if (at == nullptr) return kNull;
  }
  return *at;
}

TEST(BuildAsyncApi, IdsAreValidAndUniqueWhileSubjectsStayExact) {
  AsyncApiInput input;
  AsyncApiSubject a;
  a.subject = "team/orders";
  AsyncApiSubject b;
  b.subject = "team_orders";
  input.subjects = {a, b};
  json::Value doc = BuildAsyncApi(input);
  EXPECT_EQ(At(doc, {"channels", "team_orders", "x-accord-subject"}), json::Value("team/orders"));
  EXPECT_EQ(At(doc, {"channels", "team_orders", "address"}), json::Value("team/orders"));
  EXPECT_EQ(At(doc, {"channels", "team_orders_2", "x-accord-subject"}), json::Value("team_orders"));
}

TEST(BuildAsyncApi, DeprecatedVersionsAreMarkedWithTheirSunset) {
  AsyncApiInput input;
  AsyncApiSubject s;
  s.subject = "orders-value";
  AsyncApiVersion v1{Version("orders-value", 1, "DEPRECATED"), {}};
  v1.info.sunset = "2999-01-31";
  v1.info.reason = "use 2";
  v1.info.replacement = 2;
  AsyncApiVersion v2{Version("orders-value", 2), {"email"}};
  s.versions = {v1, v2};
  s.payload_version = 2;
  input.subjects = {s};
  PublishedService producer;
  producer.name = "checkout";
  producer.owner = "team-orders";
  producer.produces = {"orders-value"};
  input.services = {producer};
  json::Value doc = BuildAsyncApi(input);
  const json::Value& m1 = At(doc, {"channels", "orders-value", "messages", "orders-value.v1"});
  EXPECT_EQ(At(m1, {"deprecated"}), json::Value(true));
  EXPECT_EQ(At(m1, {"x-accord-state"}), json::Value("DEPRECATED"));
  EXPECT_EQ(At(m1, {"x-accord-sunset"}), json::Value("2999-01-31"));
  EXPECT_EQ(At(m1, {"x-accord-deprecation-reason"}), json::Value("use 2"));
  EXPECT_EQ(At(m1, {"x-accord-replacement"}), json::Value(2));
  const json::Value& m2 = At(doc, {"channels", "orders-value", "messages", "orders-value.v2"});
  EXPECT_TRUE(At(m2, {"deprecated"}).IsNull());
  EXPECT_EQ(At(m2, {"x-accord-pii-fields"}), json::Value(json::Array{json::Value("email")}));
  // The producer sends the payload version.
  json::Value ref{json::Object{}};
  ref.Add("$ref", "#/channels/orders-value/messages/orders-value.v2");
  EXPECT_EQ(At(doc, {"operations", "checkout.send.orders-value", "messages"}),
            json::Value(json::Array{ref}));
}

TEST(BuildAsyncApi, ConsumersReceiveTheirReaderWithTheVersionsTheyAccept) {
  AsyncApiInput input;
  AsyncApiSubject s;
  s.subject = "orders-value";  // declared, never registered: no version message
  input.subjects = {s};
  PublishedService consumer;
  consumer.name = "shipping";
  PublishedReader r;
  r.subject = "orders-value";
  r.service = "shipping";
  r.schema_type = "AVRO";
  r.schema = "\"string\"";
  r.versions.kind = VersionSelector::Kind::kAtLeast;
  r.versions.min = 2;
  consumer.consumes = {r};
  PublishedService producer;
  producer.name = "checkout";
  producer.produces = {"orders-value"};
  input.services = {producer, consumer};
  json::Value doc = BuildAsyncApi(input);
  const json::Value& reader =
      At(doc, {"channels", "orders-value", "messages", "orders-value.reader.shipping"});
  EXPECT_EQ(At(reader, {"payload", "schema"}), json::Value("string"));
  EXPECT_EQ(At(reader, {"payload", "schemaFormat"}),
            json::Value("application/vnd.apache.avro+json;version=1.9.0"));
  EXPECT_EQ(At(reader, {"x-accord-reader-of"}), json::Value("shipping"));
  const json::Value& op = At(doc, {"operations", "shipping.receive.orders-value"});
  EXPECT_EQ(At(op, {"action"}), json::Value("receive"));
  EXPECT_EQ(At(op, {"x-accord-versions"}), json::Value(">=2"));
  // A produced subject without a version: the operation names no message.
  EXPECT_EQ(At(doc, {"operations", "checkout.send.orders-value", "messages"}),
            json::Value(json::Array{}));
}

TEST(BuildAsyncApi, EqualInputsGiveEqualDocuments) {
  AsyncApiInput input;
  input.scope = {AsyncApiScope::Kind::kTeam, "team-orders"};
  AsyncApiSubject s;
  s.subject = "orders-value";
  s.versions = {AsyncApiVersion{Version("orders-value", 1), {}}};
  s.payload_version = 1;
  input.subjects = {s};
  EXPECT_EQ(json::ToJson(BuildAsyncApi(input)), json::ToJson(BuildAsyncApi(input)));
  EXPECT_EQ(At(BuildAsyncApi(input), {"info", "x-accord-team"}), json::Value("team-orders"));
}

}  // namespace
}  // namespace accord::cli

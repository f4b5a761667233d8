// The REST layer in-process (Api::Handle): paths, JSON shapes, status codes
// and Confluent error codes, without sockets.
#include <gtest/gtest.h>

#include <random>

#include "accord/compat/language.h"
#include "accord/registry/http_api.h"
#include "accord/schemas/load.h"
#include "accord/schemas/protobuf.h"
#include "test_util.h"

namespace accord::registry {
namespace {

class HttpApiTest : public ::testing::Test {
 protected:
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::string& content_type = std::string(kContentTypeV1)) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = body;
    req.content_type = body.empty() ? std::string() : content_type;
    return api_.Handle(req);
  }
  json::Value Body(const HttpResponse& r) {
    auto doc = ParseJson(r.body);
    EXPECT_TRUE(doc) << r.body;
    return doc ? doc->root : json::Value();
  }
  std::int64_t ErrorCodeOf(const HttpResponse& r) {
    json::Value b = Body(r);
    const json::Value* code = b.Find("error_code");
    EXPECT_TRUE(code != nullptr && b.Find("message") != nullptr) << r.body;
    return code ? code->AsNumber().AsInt() : 0;
  }
  std::string RegisterBody(const std::string& schema, const std::string& type = "JSON") {
    json::Value o{json::Object{}};
    o.Add("schema", schema);
    if (!type.empty()) o.Add("schemaType", type);
    return json::ToJson(o);
  }

  Service service_{testing::OpenStoreOrDie(":memory:")};
  Api api_{service_};
};

TEST_F(HttpApiTest, RegisterAnswersIdOnlyAndSchemaIsReadableById) {
  auto r = Call("POST", "/subjects/orders/versions", RegisterBody("{\"type\":\"object\"}"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"id\":1}");
  EXPECT_EQ(r.content_type, kContentTypeV1);
  auto s = Call("GET", "/schemas/ids/1");
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.body, "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}");
  EXPECT_EQ(Call("GET", "/schemas/ids/1/schema").body, "{\"type\":\"object\"}");
  EXPECT_EQ(Call("GET", "/schemas/ids/1/subjects").body, "[\"orders\"]");
  EXPECT_EQ(Call("GET", "/schemas/ids/1/versions").body,
            "[{\"subject\":\"orders\",\"version\":1}]");
}

TEST_F(HttpApiTest, AvroIsTheDefaultTypeAndItsSchemaTypeIsOmitted) {
  auto r = Call("POST", "/subjects/o/versions", RegisterBody("\"string\"", ""));
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = Call("GET", "/subjects/o/versions/latest");
  EXPECT_EQ(v.body, "{\"subject\":\"o\",\"version\":1,\"id\":1,\"schema\":\"\\\"string\\\"\"}");
  EXPECT_EQ(Call("GET", "/subjects/o/versions/-1").body, v.body);
  EXPECT_EQ(Call("GET", "/subjects/o/versions/1/schema").body, "\"string\"");
}

TEST_F(HttpApiTest, ErrorsAreConfluentBodiesWithTheStatusFromTheCode) {
  auto r = Call("GET", "/subjects/nope/versions");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCodeOf(r), 40401);
  EXPECT_EQ(r.content_type, kContentTypeV1);
  Call("POST", "/subjects/orders/versions", RegisterBody("{}"));
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/subjects/orders/versions/2")), 40402);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/schemas/ids/77")), 40403);
  EXPECT_EQ(Call("GET", "/schemas/ids/77").status, 404);
}

TEST_F(HttpApiTest, InvalidVersionsAre42202) {
  Call("POST", "/subjects/orders/versions", RegisterBody("{}"));
  for (const char* v : {"0", "-2", "abc", "2147483648", "1.5"}) {
    auto r = Call("GET", std::string("/subjects/orders/versions/") + v);
    EXPECT_EQ(r.status, 422) << v;
    EXPECT_EQ(ErrorCodeOf(r), 42202) << v;
  }
}

TEST_F(HttpApiTest, NonNumericIdIs404AndNonPositiveIdIs40403) {
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/schemas/ids/abc")), 404);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/schemas/ids/0")), 40403);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/schemas/ids/-5")), 40403);
}

TEST_F(HttpApiTest, MalformedOrDeeplyNestedBodiesAre400) {
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/o/versions", "{\"schema\": ")), 400);
  std::string deep(100000, '[');
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/o/versions", deep)), 400);
  EXPECT_EQ(
      ErrorCodeOf(Call("POST", "/subjects/o/versions", "{\"schema\": {\"type\":\"object\"}}")),
      400);
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/o/versions", "[]")), 400);
}

TEST_F(HttpApiTest, MissingSchemaOrUnknownSchemaTypeIs42201) {
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/o/versions", "{}")), 42201);
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/o/versions", RegisterBody("{}", "XML"))), 42201);
  auto proto = Call("POST", "/subjects/o/versions", RegisterBody("message M {", "PROTOBUF"));
  EXPECT_EQ(ErrorCodeOf(proto), 42201);
}

TEST_F(HttpApiTest, InvalidSubjectIs42208) {
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/a%0Ab/versions", RegisterBody("{}"))), 42208);
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/" + std::string(300, 'x') + "/versions",
                             RegisterBody("{}"))),
            42208);
}

TEST_F(HttpApiTest, LookAlikeSubjectNamesAre42208WithTheReason) {
  for (const char* target : {"/subjects/orders.placed%20/versions", "/subjects/%2E/versions",
                             "/subjects/%2E%2E/versions", "/subjects/orders.placed./versions",
                             "/subjects/orders%E2%80%8B.placed/versions"}) {
    HttpResponse r = Call("POST", target, RegisterBody("{}"));
    EXPECT_EQ(r.status, 422) << target;
    EXPECT_EQ(ErrorCodeOf(r), 42208) << target << ": " << r.body;
    EXPECT_NE(r.body.find("Subject name "), std::string::npos) << r.body;
  }
  ASSERT_EQ(Call("POST", "/subjects/orders.placed/versions", RegisterBody("{}")).status, 200);
  HttpResponse variant = Call("POST", "/subjects/Orders.Placed/versions", RegisterBody("{}"));
  EXPECT_EQ(ErrorCodeOf(variant), 42208);
  EXPECT_NE(variant.body.find("differs only in letter case from the existing subject "
                              "'orders.placed'"),
            std::string::npos)
      << variant.body;
  EXPECT_EQ(Call("GET", "/subjects").body, "[\"orders.placed\"]");
}

TEST_F(HttpApiTest, PercentEncodedSlashStaysInsideTheSubjectName) {
  ASSERT_EQ(Call("POST", "/subjects/team%2Forders/versions", RegisterBody("{}")).status, 200);
  EXPECT_EQ(Call("GET", "/subjects").body, "[\"team/orders\"]");
  EXPECT_EQ(Call("GET", "/subjects/team%2Forders/versions").body, "[1]");
}

TEST_F(HttpApiTest, ContentTypesConfluentAcceptsAreAcceptedOthersAre415) {
  for (const char* ct :
       {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
        "application/json", "application/json; charset=utf-8", "application/octet-stream", ""}) {
    auto r = Call("POST", "/subjects/o/versions", RegisterBody("{}"), ct);
    EXPECT_EQ(r.status, 200) << ct << " " << r.body;
  }
  auto r = Call("POST", "/subjects/o/versions", RegisterBody("{}"), "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(ErrorCodeOf(r), 415);
}

TEST_F(HttpApiTest, AcceptApplicationJsonIsAnsweredAsApplicationJson) {
  HttpRequest req;
  req.method = "GET";
  req.target = "/subjects";
  req.accept = "application/json";
  EXPECT_EQ(api_.Handle(req).content_type, "application/json");
}

TEST_F(HttpApiTest, ConfigGetSaysCompatibilityLevelPutTakesCompatibility) {
  auto put = Call("PUT", "/config/orders", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.body, "{\"compatibility\":\"FULL_TRANSITIVE\"}");
  auto get = Call("GET", "/config/orders");
  EXPECT_EQ(Body(get).Find("compatibilityLevel")->AsString(), "FULL_TRANSITIVE");
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}")), 42203);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/config/other")), 40408);
  EXPECT_EQ(Body(Call("GET", "/config/other?defaultToGlobal=true"))
                .Find("compatibilityLevel")
                ->AsString(),
            "BACKWARD");
  auto policy = Call("PUT", "/config", "{\"compatibilityPolicy\":\"LENIENT\"}");
  EXPECT_EQ(policy.status, 200);
  EXPECT_EQ(Body(Call("GET", "/config")).Find("compatibilityPolicy")->AsString(), "LENIENT");
  EXPECT_EQ(Body(Call("DELETE", "/config/orders")).Find("compatibilityLevel")->AsString(),
            "FULL_TRANSITIVE");
}

TEST_F(HttpApiTest, ModeEndpoints) {
  EXPECT_EQ(Call("GET", "/mode").body, "{\"mode\":\"READWRITE\"}");
  EXPECT_EQ(Call("PUT", "/mode/orders", "{\"mode\":\"READONLY\"}").body, "{\"mode\":\"READONLY\"}");
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/orders/versions", RegisterBody("{}"))), 42205);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/mode", "{\"mode\":\"SLEEPY\"}")), 42204);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/mode/other")), 40409);
  EXPECT_EQ(Call("DELETE", "/mode/orders").body, "{\"mode\":\"READONLY\"}");
}

TEST_F(HttpApiTest, DeleteSubjectSoftThenPermanent) {
  Call("POST", "/subjects/orders/versions", RegisterBody("{}"));
  EXPECT_EQ(ErrorCodeOf(Call("DELETE", "/subjects/orders?permanent=true")), 40405);
  EXPECT_EQ(Call("DELETE", "/subjects/orders").body, "[1]");
  EXPECT_EQ(ErrorCodeOf(Call("DELETE", "/subjects/orders")), 40404);
  EXPECT_EQ(Call("GET", "/subjects?deleted=true").body, "[\"orders\"]");
  EXPECT_EQ(Call("GET", "/subjects").body, "[]");
  EXPECT_EQ(Call("DELETE", "/subjects/orders?permanent=true").body, "[1]");
  EXPECT_EQ(Call("GET", "/subjects?deleted=true").body, "[]");
}

TEST_F(HttpApiTest, DeleteVersionAnswersTheVersionNumber) {
  Call("POST", "/subjects/orders/versions", RegisterBody("{}"));
  EXPECT_EQ(Call("DELETE", "/subjects/orders/versions/1").body, "1");
  EXPECT_EQ(ErrorCodeOf(Call("DELETE", "/subjects/orders/versions/1")), 40401);
  EXPECT_EQ(Call("DELETE", "/subjects/orders/versions/1?permanent=true").body, "1");
}

TEST_F(HttpApiTest, LookupAnswersTheSchemaObject) {
  Call("POST", "/subjects/orders/versions", RegisterBody("{\"type\":\"string\"}"));
  auto r = Call("POST", "/subjects/orders", RegisterBody("{ \"type\" : \"string\" }"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r).Find("id")->AsNumber().AsInt(), 1);
  EXPECT_EQ(Body(r).Find("version")->AsNumber().AsInt(), 1);
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/orders", RegisterBody("{\"type\":\"integer\"}"))),
            40403);
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/subjects/none", RegisterBody("{}"))), 40401);
}

TEST_F(HttpApiTest, CompatibilityEndpointWithAndWithoutVerbose) {
  Call("POST", "/subjects/orders/versions",
       RegisterBody("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"));
  const std::string breaking = RegisterBody("{\"type\":\"object\",\"required\":[\"a\"]}");
  auto r = Call("POST", "/compatibility/subjects/orders/versions/latest", breaking);
  EXPECT_EQ(r.body, "{\"is_compatible\":false}");
  auto v = Call("POST", "/compatibility/subjects/orders/versions?verbose=true", breaking);
  json::Value b = Body(v);
  EXPECT_FALSE(b.Find("is_compatible")->AsBool());
  ASSERT_TRUE(b.Find("messages") && b.Find("messages")->IsArray());
  EXPECT_FALSE(b.Find("messages")->AsArray().empty());
  auto ok = Call("POST", "/compatibility/subjects/orders/versions/1",
                 RegisterBody("{\"type\":\"object\"}"));
  EXPECT_EQ(ok.body, "{\"is_compatible\":true}");
  EXPECT_EQ(ErrorCodeOf(Call("POST", "/compatibility/subjects/none/versions/1", breaking)), 40401);
}

TEST_F(HttpApiTest, IncompatibleRegisterIs409With40901) {
  Call("POST", "/subjects/orders/versions",
       RegisterBody("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"));
  auto r = Call("POST", "/subjects/orders/versions",
                RegisterBody("{\"type\":\"object\",\"required\":[\"a\"]}"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(ErrorCodeOf(r), 40901);
}

TEST_F(HttpApiTest, ReferencedByListsReferrers) {
  Call("POST", "/subjects/common/versions", RegisterBody("{\"type\":\"string\"}"));
  auto r =
      Call("POST", "/subjects/user/versions",
           "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"$ref\\\":\\\"common.json\\\"}\","
           "\"references\":[{\"name\":\"common.json\",\"subject\":\"common\",\"version\":1}]}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Call("GET", "/subjects/common/versions/1/referencedby").body, "[2]");
  EXPECT_EQ(ErrorCodeOf(Call("DELETE", "/subjects/common/versions/1")), 42206);
  auto v = Body(Call("GET", "/subjects/user/versions/1"));
  ASSERT_TRUE(v.Find("references"));
  EXPECT_EQ(json::ToJson(*v.Find("references")),
            "[{\"name\":\"common.json\",\"subject\":\"common\",\"version\":1}]");
}

TEST_F(HttpApiTest, UnknownRouteIs404WrongMethodIs405) {
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/nothing/here")), 404);
  auto r = Call("PATCH", "/subjects");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(ErrorCodeOf(r), 405);
}

TEST_F(HttpApiTest, OperationalEndpoints) {
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Call("GET", "/readyz").status, 200);
  EXPECT_EQ(Call("GET", "/schemas/types").body, "[\"JSON\",\"AVRO\",\"PROTOBUF\"]");
  EXPECT_EQ(Call("GET", "/").body, "{}");
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\"]");
}

TEST_F(HttpApiTest, SchemaTypesListExactlyTheLanguageTableRowsInItsOrder) {
  std::string expected = "[";
  for (const compat::Language* language : compat::Languages()) {
    if (expected.size() > 1) expected += ",";
    expected += "\"" + std::string(SchemaTypeName(language->type())) + "\"";
  }
  expected += "]";
  EXPECT_EQ(Call("GET", "/schemas/types").body, expected);
  EXPECT_EQ(expected, "[\"JSON\",\"AVRO\",\"PROTOBUF\"]");
}

TEST_F(HttpApiTest, MetricsCountRequestsByRouteAndStatusAndRefusals) {
  Call("POST", "/subjects/orders/versions",
       RegisterBody("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"));
  Call("POST", "/subjects/orders/versions",
       RegisterBody("{\"type\":\"object\",\"required\":[\"a\"]}"));
  Call("GET", "/subjects/nope/versions");
  auto m = Call("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(
      m.body.find(
          "accord_http_requests_total{route=\"POST /subjects/{s}/versions\",status=\"200\"} 1"),
      std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find(
          "accord_http_requests_total{route=\"POST /subjects/{s}/versions\",status=\"409\"} 1"),
      std::string::npos);
  EXPECT_NE(
      m.body.find(
          "accord_http_requests_total{route=\"GET /subjects/{s}/versions\",status=\"404\"} 1"),
      std::string::npos);
  EXPECT_NE(m.body.find("accord_registrations_incompatible_total 1"), std::string::npos);
  EXPECT_NE(m.body.find("accord_schemas 1"), std::string::npos);
  EXPECT_NE(m.body.find("accord_subjects 1"), std::string::npos);
  EXPECT_NE(m.body.find("accord_store_writes_committed_total 1"), std::string::npos);
  EXPECT_NE(m.body.find("accord_store_commits_total 1"), std::string::npos);
  EXPECT_NE(m.body.find("accord_parsed_schemas_cached 1"), std::string::npos);
  EXPECT_NE(m.body.find("accord_http_request_duration_seconds_bucket{route=\"GET "
                        "/subjects/{s}/versions\",le=\"+Inf\"} 1"),
            std::string::npos);
}

TEST_F(HttpApiTest, AuditLogIsReadableOldestFirst) {
  Call("POST", "/subjects/orders/versions", RegisterBody("{}"));
  Call("PUT", "/config/orders", "{\"compatibility\":\"NONE\"}");
  auto r = Call("GET", "/accord/v1/audit");
  ASSERT_EQ(r.status, 200) << r.body;
  json::Value rows = Body(r);
  ASSERT_EQ(rows.AsArray().size(), 2u);
  EXPECT_EQ(rows.AsArray()[0].Find("action")->AsString(), "REGISTER");
  EXPECT_EQ(rows.AsArray()[0].Find("subject")->AsString(), "orders");
  EXPECT_EQ(rows.AsArray()[0].Find("actor")->AsString(), "anonymous");
  EXPECT_EQ(rows.AsArray()[1].Find("action")->AsString(), "PUT_CONFIG");
  EXPECT_TRUE(rows.AsArray()[1].Find("detail")->IsObject());
  const std::int64_t first = rows.AsArray()[0].Find("seq")->AsNumber().AsInt();
  EXPECT_EQ(Body(Call("GET", "/accord/v1/audit?after=" + std::to_string(first))).AsArray().size(),
            1u);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/audit?limit=x")), 400);
}

// Any request gets a well-formed reply: no crash, no exception, JSON body.
TEST_F(HttpApiTest, RandomRequestsNeverCrashAndAlwaysAnswerJson) {
  std::mt19937 rng(12345);
  const std::vector<std::string> methods = {"GET", "POST", "PUT", "DELETE", "PATCH"};
  const std::vector<std::string> parts = {"subjects",
                                          "versions",
                                          "schemas",
                                          "ids",
                                          "config",
                                          "mode",
                                          "compatibility",
                                          "latest",
                                          "-1",
                                          "1",
                                          "0",
                                          "%",
                                          "%2F",
                                          "",
                                          "referencedby",
                                          "schema",
                                          "?deleted=true",
                                          "x"};
  const std::vector<std::string> bodies = {"",
                                           "{",
                                           "{}",
                                           "[]",
                                           "null",
                                           "{\"schema\":1}",
                                           "{\"schema\":\"{}\",\"schemaType\":\"JSON\"}",
                                           "{\"mode\":\"IMPORT\"}",
                                           "{\"compatibility\":\"NONE\"}",
                                           "{\"schema\":\"\\\"int\\\"\",\"references\":[{}]}"};
  for (int i = 0; i < 3000; ++i) {
    std::string target;
    const int n = static_cast<int>(rng() % 6);
    for (int k = 0; k < n; ++k) target += "/" + parts[rng() % parts.size()];
    if (target.empty()) target = "/";
    auto r = Call(methods[rng() % methods.size()], target, bodies[rng() % bodies.size()]);
    ASSERT_GE(r.status, 200) << target;
    ASSERT_LT(r.status, 600) << target;
    if (r.status >= 400) {
      ASSERT_TRUE(ParseJson(r.body)) << target << " " << r.body;
      ASSERT_NE(r.status, 500) << target << " " << r.body;
    }
  }
}

// --- Protobuf ------------------------------------------------------------------

constexpr const char* kCustomerProto =
    "syntax = \"proto3\";\npackage acme;\nmessage Customer { string email = 1; }\n";
constexpr const char* kOrderProto =
    "syntax = \"proto3\";\npackage acme;\nimport \"customer.proto\";\n"
    "import \"google/protobuf/timestamp.proto\";\n"
    "message Order {\n  string id = 1;\n  Customer customer = 2;\n"
    "  google.protobuf.Timestamp at = 3;\n}\n";

std::string ProtoBody(const std::string& schema, const std::string& refs_json = "") {
  json::Value o{json::Object{}};
  o.Add("schema", schema);
  o.Add("schemaType", "PROTOBUF");
  std::string body = json::ToJson(o);
  if (!refs_json.empty()) body.insert(body.size() - 1, ",\"references\":" + refs_json);
  return body;
}

TEST_F(HttpApiTest, ProtobufRegistersWithReferencesAndWellKnownImports) {
  ASSERT_EQ(Call("POST", "/subjects/customer/versions", ProtoBody(kCustomerProto)).body,
            "{\"id\":1}");
  const std::string refs = R"([{"name":"customer.proto","subject":"customer","version":1}])";
  // The import of customer.proto needs its reference; the well-known one none.
  auto missing = Call("POST", "/subjects/orders/versions", ProtoBody(kOrderProto));
  EXPECT_EQ(ErrorCodeOf(missing), 42201);
  auto r = Call("POST", "/subjects/orders/versions", ProtoBody(kOrderProto, refs));
  ASSERT_EQ(r.body, "{\"id\":2}");
  auto byId = Body(Call("GET", "/schemas/ids/2"));
  EXPECT_EQ(byId.Find("schemaType")->AsString(), "PROTOBUF");
  EXPECT_EQ(byId.Find("schema")->AsString(), kOrderProto);
  EXPECT_EQ(json::ToJson(*byId.Find("references")), refs);
  EXPECT_EQ(Call("GET", "/subjects/customer/versions/1/referencedby").body, "[2]");
}

TEST_F(HttpApiTest, ProtobufDedupesByCanonicalFormAndNormalizeStoresIt) {
  const std::string v1 = "syntax = \"proto3\";\npackage acme;\nmessage M { int32 a = 1; }\n";
  const std::string respelled =
      "// a comment\nsyntax=\"proto3\"; package acme;\n\nmessage M {\n  int32 a = 1;  }";
  ASSERT_EQ(Call("POST", "/subjects/m/versions", ProtoBody(v1)).body, "{\"id\":1}");
  EXPECT_EQ(Call("POST", "/subjects/m/versions", ProtoBody(respelled)).body, "{\"id\":1}");
  EXPECT_EQ(Call("GET", "/subjects/m/versions").body, "[1]");
  // Lookup finds it under either spelling.
  EXPECT_EQ(Body(Call("POST", "/subjects/m", ProtoBody(respelled))).Find("id")->AsNumber().AsInt(),
            1);
  // normalize=true stores the canonical text.
  ASSERT_EQ(Call("POST", "/subjects/n/versions?normalize=true", ProtoBody(respelled)).body,
            "{\"id\":1}");
  const std::string v2 = "syntax = \"proto3\";\npackage acme;\nmessage M { int64 a = 1; }\n";
  ASSERT_EQ(Call("POST", "/subjects/n/versions?normalize=true", ProtoBody(v2)).body, "{\"id\":2}");
  EXPECT_EQ(Call("GET", "/schemas/ids/2/schema").body,
            "syntax = \"proto3\";\npackage acme;\nmessage M {\n  int64 a = 1;\n}\n");
}

TEST_F(HttpApiTest, ProtobufIncompatibleIsRefusedWithTheConfluentKind) {
  const std::string v1 = "syntax = \"proto3\";\nmessage M { int32 a = 1; }\n";
  const std::string v2 = "syntax = \"proto3\";\nmessage M { string a = 1; }\n";
  const std::string v3 = "syntax = \"proto3\";\nmessage M { int32 a = 1; string b = 2; }\n";
  ASSERT_EQ(Call("POST", "/subjects/m/versions", ProtoBody(v1)).body, "{\"id\":1}");
  auto refused = Call("POST", "/subjects/m/versions", ProtoBody(v2));
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(ErrorCodeOf(refused), 40901);
  const std::string finding =
      R"x({errorType:'FIELD_SCALAR_KIND_CHANGED', description:'M field 1 (a) changed from )x"
      R"x(int32 to string', additionalInfo:'writer path: /M/a, reader path: /M/a', )x"
      R"x(witness:'{"writer_message":"M","event":{"a":1},"wire_hex":"0801",)x"
      R"x("reader_message":"M","reader_result":"field 1 (a) lost: its wire type does not )x"
      R"x(match the reader's string (kept only as an unknown field)","reader_reads":{}}'})x";
  EXPECT_EQ(Body(refused).Find("message")->AsString(),
            "Schema being registered is incompatible with an earlier schema for subject \"m\", "
            "details: [" +
                finding + ", {oldSchemaVersion: 1}, {compatibility: 'BACKWARD'}]");
  EXPECT_EQ(Call("POST", "/subjects/m/versions", ProtoBody(v3)).body, "{\"id\":2}");
  auto verbose =
      Body(Call("POST", "/compatibility/subjects/m/versions/latest?verbose=true", ProtoBody(v2)));
  json::Value expected{json::Object{}};
  expected.Add("is_compatible", false);
  json::Value messages{json::Array{}};
  messages.AsArray().emplace_back(finding);
  messages.AsArray().emplace_back("{oldSchemaVersion: 2}");
  messages.AsArray().emplace_back("{compatibility: 'BACKWARD'}");
  expected.Add("messages", messages);
  EXPECT_EQ(json::ToJson(verbose), json::ToJson(expected));
}

TEST_F(HttpApiTest, ProtobufServesTheSerializedDescriptorOnRequest) {
  const std::string v1 = "syntax = \"proto3\";\npackage acme;\nmessage M { int32 a = 1; }\n";
  ASSERT_EQ(Call("POST", "/subjects/m/versions", ProtoBody(v1)).body, "{\"id\":1}");
  auto serialized = Body(Call("GET", "/schemas/ids/1?format=serialized"));
  const std::string base64 = serialized.Find("schema")->AsString();
  auto back = protobuf::ParseSerialized(base64);
  ASSERT_TRUE(back.has_value());
  auto original = protobuf::ParseText(v1);
  ASSERT_TRUE(original.has_value());
  EXPECT_EQ(protobuf::CanonicalText(*back), protobuf::CanonicalText(*original));
  EXPECT_EQ(base64, protobuf::Serialized(*original));
  EXPECT_EQ(
      Body(Call("GET", "/subjects/m/versions/1?format=serialized")).Find("schema")->AsString(),
      base64);
  // Without the parameter, or with one Protobuf has no form for: the text.
  EXPECT_EQ(Body(Call("GET", "/schemas/ids/1")).Find("schema")->AsString(), v1);
  EXPECT_EQ(Body(Call("GET", "/schemas/ids/1?format=resolved")).Find("schema")->AsString(), v1);
  // Other types have no serialized form: their text.
  ASSERT_EQ(Call("POST", "/subjects/j/versions", RegisterBody("{\"type\":\"object\"}")).body,
            "{\"id\":2}");
  EXPECT_EQ(Body(Call("GET", "/schemas/ids/2?format=serialized")).Find("schema")->AsString(),
            "{\"type\":\"object\"}");
}

}  // namespace
}  // namespace accord::registry

// The catalog API over the in-process REST layer (Api::Handle): routes of
// /accord/v1/..., JSON shapes, error codes (42210, 40410, 40401/40402), the
// Deprecation / Sunset / Link headers on Confluent's version reads, and the
// Confluent endpoints that carry metadata (GET /schemas, GET
// /subjects/{s}/metadata, metadata / ruleSet on schemas).
#include <gtest/gtest.h>

#include "accord/registry/http_api.h"
#include "accord/schemas/budget.h"
#include "accord/schemas/load.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using json::Value;

// 2030-01-15T00:00:00Z
constexpr std::int64_t kNow = 1894665600000;

ServiceOptions ClockAt(const std::int64_t* now) {
  ServiceOptions o;
  o.now_ms = [now] { return *now; };
  return o;
}

class CatalogApiTest : public ::testing::Test {
 protected:
  // Versions here differ freely: the catalog, not compatibility, is tested.
  void SetUp() override {
    ASSERT_EQ(Call("PUT", "/config", R"({"compatibility":"NONE"})").status, 200);
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return api_.Handle(testing::JsonRequest(method, target, body));
  }
  Value Body(const HttpResponse& r) {
    auto doc = ParseJson(r.body);
    EXPECT_TRUE(doc) << r.body;
    return doc ? doc->root : Value();
  }
  std::int64_t ErrorCodeOf(const HttpResponse& r) {
    const Value body = Body(r);  // (Find points into it: keep it alive)
    const Value* code = body.Find("error_code");
    EXPECT_TRUE(code != nullptr) << r.body;
    return code ? code->AsNumber().AsInt() : 0;
  }
  static std::string Str(const Value& o, const char* key) {
    const Value* v = o.Find(key);
    return v != nullptr && v->IsString() ? v->AsString() : std::string("<absent>");
  }
  static std::int64_t Int(const Value& o, const char* key) {
    const Value* v = o.Find(key);
    return v != nullptr && v->IsNumber() ? v->AsNumber().AsInt() : -1;
  }
  static const std::string* Header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return &v;
    }
    return nullptr;
  }
  void Register(const std::string& subject, const std::string& schema,
                const std::string& extra = {}) {
    Value o{json::Object{}};
    o.Add("schema", schema);
    o.Add("schemaType", "JSON");
    std::string body = json::ToJson(o);
    if (!extra.empty()) body = body.substr(0, body.size() - 1) + "," + extra + "}";
    auto r = Call("POST", "/subjects/" + subject + "/versions", body);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void ThreeOrders() {
    Register("orders", R"({"type":"object","properties":{"a":{"type":"string"}}})");
    Register("orders",
             R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}})");
    Register(
        "orders",
        R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string","x-pii":true}}})");
  }

  std::int64_t now_ = kNow;
  Service service_{testing::OpenStoreOrDie(":memory:"), ClockAt(&now_)};
  Api api_{service_};
};

TEST_F(CatalogApiTest, MetadataPutThenGetAndShapeErrorsAre42210) {
  ThreeOrders();
  auto put = Call("PUT", "/accord/v1/subjects/orders/metadata",
                  R"({"owner":"checkout","description":"Placed","tags":["b","a"],)"
                  R"("links":[{"name":"runbook","url":"https://w/x"}],"sla":{"delivery":"5s"}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body,
            R"({"owner":"checkout","description":"Placed","tags":["a","b"],)"
            R"("links":[{"name":"runbook","url":"https://w/x"}],"sla":{"delivery":"5s"}})");
  EXPECT_EQ(Call("GET", "/accord/v1/subjects/orders/metadata").body, put.body);
  // Members left out keep their value; an empty one clears it.
  auto partial =
      Call("PUT", "/accord/v1/subjects/orders/metadata", R"({"owner":"payments","tags":[]})");
  ASSERT_EQ(partial.status, 200) << partial.body;
  EXPECT_EQ(partial.body,
            R"({"owner":"payments","description":"Placed","tags":[],)"
            R"("links":[{"name":"runbook","url":"https://w/x"}],"sla":{"delivery":"5s"}})");
  for (const char* bad :
       {R"({"owner":"x","colour":"red"})", R"({"tags":"a"})", R"({"tags":["A B"]})",
        R"({"links":[{"name":"x"}]})", R"({"links":[{"name":"x","url":"https://x","extra":1}]})",
        R"({"sla":{"delivery":5}})", R"({"owner":7})"}) {
    auto r = Call("PUT", "/accord/v1/subjects/orders/metadata", bad);
    EXPECT_EQ(r.status, 422) << bad;
    EXPECT_EQ(ErrorCodeOf(r), 42210) << bad;
  }
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/subjects/nope/metadata")), 40401);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/subjects/orders/metadata", "[1]")), 400);
  EXPECT_EQ(Call("POST", "/accord/v1/subjects/orders/metadata", "{}").status, 405);
}

TEST_F(CatalogApiTest, SubjectPageListsVersionsStatesConsumersAndPii) {
  ThreeOrders();
  ASSERT_EQ(
      Call(
          "PUT", "/accord/v1/services/shipping",
          R"({"owner":"logistics","produces":["shipments"],)"
          R"("consumes":[{"subject":"orders","schemaType":"JSON","schema":"{}","versions":">=2"}]})")
          .status,
      200);
  ASSERT_EQ(Call("PUT", "/accord/v1/services/ledger", R"({"produces":["orders"]})").status, 200);
  Value page = Body(Call("GET", "/accord/v1/subjects/orders"));
  EXPECT_EQ(Str(page, "subject"), "orders");
  EXPECT_EQ(Str(page, "schemaType"), "JSON");
  EXPECT_EQ(Int(page, "latestVersion"), 3);
  ASSERT_EQ(page.Find("versions")->AsArray().size(), 3u);
  const Value& v1 = page.Find("versions")->AsArray()[0];
  EXPECT_EQ(Str(v1, "state"), "ACTIVE");
  EXPECT_EQ(v1.Find("schema"), nullptr);
  EXPECT_GT(Int(v1, "registeredAt"), 0);
  EXPECT_EQ(json::ToJson(*page.Find("piiFields")), R"(["c"])");
  EXPECT_EQ(json::ToJson(*page.Find("producers")), R"(["ledger"])");
  EXPECT_EQ(json::ToJson(*page.Find("consumers")),
            R"([{"service":"shipping","owner":"logistics","subject":"orders","schemaType":"JSON",)"
            R"("schema":"{}","versions":">=2"}])");
  EXPECT_EQ(Call("GET", "/accord/v1/subjects/orders/consumers").body,
            json::ToJson(*page.Find("consumers")));
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/subjects/nope")), 40401);
}

TEST_F(CatalogApiTest, DeprecationSetsStateAndConfluentReadsCarryTheHeaders) {
  ThreeOrders();
  auto dep = Call("PUT", "/accord/v1/subjects/orders/versions/1/deprecation",
                  R"({"sunset":"2030-03-01","reason":"use v3","replacement":3})");
  ASSERT_EQ(dep.status, 200) << dep.body;
  Value v = Body(dep);
  EXPECT_EQ(Str(v, "state"), "DEPRECATED");
  EXPECT_EQ(Str(v, "sunset"), "2030-03-01");
  EXPECT_EQ(Str(v, "reason"), "use v3");
  EXPECT_EQ(Int(v, "replacement"), 3);
  EXPECT_EQ(Int(v, "deprecatedAt"), kNow);
  EXPECT_EQ(Str(v, "schemaType"), "JSON");
  EXPECT_NE(Str(v, "schema"), "<absent>");

  for (const char* path : {"/subjects/orders/versions/1", "/subjects/orders/versions/1/schema"}) {
    auto r = Call("GET", path);
    ASSERT_EQ(r.status, 200);
    ASSERT_NE(Header(r, "Deprecation"), nullptr) << path;
    EXPECT_EQ(*Header(r, "Deprecation"), "@" + std::to_string(kNow / 1000));
    EXPECT_EQ(*Header(r, "Sunset"), "Fri, 01 Mar 2030 00:00:00 GMT");
    EXPECT_EQ(*Header(r, "Link"), R"(</subjects/orders/versions/3>; rel="successor-version")");
  }
  EXPECT_EQ(Header(Call("GET", "/subjects/orders/versions/2"), "Deprecation"), nullptr);
  now_ = kNow + 60LL * 86400 * 1000;  // past the sunset
  EXPECT_EQ(Str(Body(Call("GET", "/accord/v1/subjects/orders/versions/1")), "state"), "RETIRED");
  EXPECT_NE(Header(Call("GET", "/subjects/orders/versions/1"), "Sunset"), nullptr);

  auto undo = Call("DELETE", "/accord/v1/subjects/orders/versions/1/deprecation");
  ASSERT_EQ(undo.status, 200);
  EXPECT_EQ(Str(Body(undo), "state"), "ACTIVE");
  EXPECT_EQ(Str(Body(undo), "sunset"), "<absent>");
  EXPECT_EQ(Header(Call("GET", "/subjects/orders/versions/1"), "Deprecation"), nullptr);
}

TEST_F(CatalogApiTest, DeprecationErrors) {
  ThreeOrders();
  const std::string path = "/accord/v1/subjects/orders/versions/1/deprecation";
  EXPECT_EQ(ErrorCodeOf(Call("PUT", path, R"({"sunset":"2030-02-31"})")), 42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", path, R"({"reason":"no date"})")), 42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", path, R"({"sunset":"2030-03-01","replacement":"3"})")), 42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", path, R"({"sunset":"2030-03-01","when":1})")), 42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/subjects/orders/versions/9/deprecation",
                             R"({"sunset":"2030-03-01"})")),
            40402);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/subjects/orders/versions/x/deprecation",
                             R"({"sunset":"2030-03-01"})")),
            42202);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/subjects/nope/versions/1/deprecation",
                             R"({"sunset":"2030-03-01"})")),
            40401);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/subjects/orders/versions/9")), 40402);
}

TEST_F(CatalogApiTest, CalendarIsSoonestFirstWithConsumers) {
  ThreeOrders();
  ASSERT_EQ(Call("PUT", "/accord/v1/services/shipping",
                 R"({"consumes":[{"subject":"orders","versions":[2]}]})")
                .status,
            200);
  ASSERT_EQ(
      Call("PUT", "/accord/v1/subjects/orders/versions/1/deprecation", R"({"sunset":"2030-06-01"})")
          .status,
      200);
  ASSERT_EQ(
      Call("PUT", "/accord/v1/subjects/orders/versions/2/deprecation", R"({"sunset":"2030-04-01"})")
          .status,
      200);
  Value cal = Body(Call("GET", "/accord/v1/deprecations"));
  ASSERT_EQ(cal.AsArray().size(), 2u);
  EXPECT_EQ(Int(cal.AsArray()[0], "version"), 2);
  EXPECT_EQ(json::ToJson(*cal.AsArray()[0].Find("consumers")), R"(["shipping"])");
  EXPECT_EQ(Int(cal.AsArray()[1], "version"), 1);
  EXPECT_EQ(json::ToJson(*cal.AsArray()[1].Find("consumers")), "[]");
}

TEST_F(CatalogApiTest, ServicesPutGetListDeleteAnd40410) {
  const std::string decl =
      R"({"name":"billing","owner":"finance","produces":["invoices"],)"
      R"("consumes":[{"subject":"orders","schemaType":"JSON","schema":"{\"type\":\"object\"}","versions":[3,1]}]})";
  auto put = Call("PUT", "/accord/v1/services/billing", decl);
  ASSERT_EQ(put.status, 200) << put.body;
  Value s = Body(put);
  EXPECT_EQ(Str(s, "name"), "billing");
  EXPECT_EQ(Int(s, "updatedAt"), kNow);
  EXPECT_EQ(json::ToJson(*s.Find("consumes")->AsArray()[0].Find("versions")), "[1,3]");
  now_ += 1000;
  EXPECT_EQ(Call("PUT", "/accord/v1/services/billing", decl).body, put.body);  // unchanged
  EXPECT_EQ(Call("GET", "/accord/v1/services/billing").body, put.body);
  EXPECT_EQ(Body(Call("GET", "/accord/v1/services")).AsArray().size(), 1u);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/services/other", R"({"name":"billing"})")), 42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/services/bad%20name", "{}")), 42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/services/x",
                             R"({"consumes":[{"subject":"o","versions":"some"}]})")),
            42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/services/x",
                             R"({"consumes":[{"subject":"o","schemaType":"JSON","schema":"{"}]})")),
            42201);
  EXPECT_EQ(Call("DELETE", "/accord/v1/services/billing").status, 200);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/services/billing")), 40410);
  EXPECT_EQ(Call("GET", "/accord/v1/services/billing").status, 404);
  EXPECT_EQ(ErrorCodeOf(Call("DELETE", "/accord/v1/services/billing")), 40410);
}

// A Protobuf reader that imports a file of its own: the consumes entry
// carries it as {"name", "schema"}, and every reply that shows the reader
// shows them (the declaration, the subject's consumers).
TEST_F(CatalogApiTest, AReadersReferencesRoundTripOnTheWire) {
  Register("shipments", R"({"type":"object"})");  // its consumers are listed once it exists
  const std::string decl =
      R"({"owner":"warehouse","produces":[],"consumes":[{"subject":"shipments",)"
      R"("schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\nimport \"parts.proto\";\n)"
      R"(message S { Parcel p = 1; }","references":[{"name":"parts.proto","schema":)"
      R"("syntax = \"proto3\";\nmessage Parcel { int32 w = 1; }"}],"versions":[]}]})";
  auto put = Call("PUT", "/accord/v1/services/warehouse", decl);
  ASSERT_EQ(put.status, 200) << put.body;
  const std::string references =
      R"([{"name":"parts.proto","schema":"syntax = \"proto3\";\nmessage Parcel { int32 w = 1; }"}])";
  Value s = Body(put);
  EXPECT_EQ(json::ToJson(*s.Find("consumes")->AsArray()[0].Find("references")), references);
  EXPECT_EQ(Call("PUT", "/accord/v1/services/warehouse", decl).body, put.body);  // unchanged
  Value consumers = Body(Call("GET", "/accord/v1/subjects/shipments/consumers"));
  ASSERT_TRUE(consumers.IsArray()) << json::ToJson(consumers);
  ASSERT_EQ(consumers.AsArray().size(), 1u);
  EXPECT_EQ(json::ToJson(*consumers.AsArray()[0].Find("references")), references);
  // A reader without references has no such member.
  ASSERT_EQ(Call("PUT", "/accord/v1/services/billing",
                 R"({"consumes":[{"subject":"orders","schemaType":"JSON","schema":"{}"}]})")
                .status,
            200);
  EXPECT_EQ(Body(Call("GET", "/accord/v1/services/billing"))
                .Find("consumes")
                ->AsArray()[0]
                .Find("references"),
            nullptr);
  // Malformed: 42210; an import the references do not carry: 42201.
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/services/x",
                             R"({"consumes":[{"subject":"o","references":{}}]})")),
            42210);
  EXPECT_EQ(
      ErrorCodeOf(Call("PUT", "/accord/v1/services/x",
                       R"({"consumes":[{"subject":"o","references":[{"name":"a","x":1}]}]})")),
      42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/services/x",
                             R"({"consumes":[{"subject":"o","schemaType":"PROTOBUF",)"
                             R"("schema":"import \"parts.proto\";","references":[]}]})")),
            42201);
}

TEST_F(CatalogApiTest, SearchAnswersOnBothPathsWithFilters) {
  ThreeOrders();
  Register("payments", R"({"type":"object","properties":{"amount":{"type":"number"}}})");
  ASSERT_EQ(Call("PUT", "/accord/v1/subjects/payments/metadata", R"({"tags":["finance"]})").status,
            200);
  Value all = Body(Call("GET", "/accord/v1/subjects"));
  ASSERT_EQ(all.AsArray().size(), 2u);
  const Value& orders = all.AsArray()[0];
  EXPECT_EQ(Str(orders, "subject"), "orders");
  EXPECT_EQ(Int(orders, "latestVersion"), 3);
  EXPECT_EQ(Str(orders, "state"), "ACTIVE");
  EXPECT_EQ(json::ToJson(*orders.Find("states")), R"(["ACTIVE"])");
  EXPECT_EQ(Body(Call("GET", "/accord/v1/catalog?q=amount")).AsArray().size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/accord/v1/subjects?tag=finance")).AsArray().size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/accord/v1/subjects?state=deprecated")).AsArray().size(), 0u);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/subjects?state=gone")), 42210);
}

TEST_F(CatalogApiTest, DiffChangelogAndFields) {
  ThreeOrders();
  Value d = Body(Call("GET", "/accord/v1/subjects/orders/diff?from=1&to=2"));
  EXPECT_EQ(Int(d, "from"), 1);
  EXPECT_EQ(Int(d, "to"), 2);
  EXPECT_NE(Str(d, "compatibility"), "<absent>");
  ASSERT_TRUE(d.Find("changes") && d.Find("changes")->IsArray());
  for (const Value& c : d.Find("changes")->AsArray()) {
    for (const char* key : {"kind", "severity", "message", "oldPath", "newPath"}) {
      EXPECT_NE(Str(c, key), "<absent>") << key;
    }
  }
  EXPECT_EQ(Int(Body(Call("GET", "/accord/v1/subjects/orders/diff")), "from"), 2);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/subjects/orders/diff?from=x")), 42202);
  Value log = Body(Call("GET", "/accord/v1/subjects/orders/changelog"));
  ASSERT_EQ(log.AsArray().size(), 3u);
  EXPECT_EQ(Int(log.AsArray()[0], "to"), 3);
  EXPECT_EQ(log.AsArray()[2].Find("from"), nullptr);
  Value fields = Body(Call("GET", "/accord/v1/subjects/orders/versions/latest/fields"));
  ASSERT_EQ(fields.AsArray().size(), 3u);
  EXPECT_EQ(json::ToJson(fields.AsArray()[2]),
            R"({"path":"c","type":"string","required":false,"pii":true})");
}

// Issue 17: a Protobuf field table names each field's number, label and
// oneof, follows nested and referenced messages, repeated elements and map
// values, leaves well-known types as leaves, and reads personal data and the
// description from Confluent's field meta; the other languages' rows carry
// none of the three members (DiffChangelogAndFields pins a JSON row).
TEST_F(CatalogApiTest, ProtobufFieldsCarryNumberLabelOneofAndFieldMeta) {
  auto proto = [&](const std::string& subject, const std::string& schema, const std::string& refs) {
    Value o{json::Object{}};
    o.Add("schema", schema);
    o.Add("schemaType", "PROTOBUF");
    std::string body = json::ToJson(o);
    if (!refs.empty()) body.insert(body.size() - 1, ",\"references\":" + refs);
    return Call("POST", "/subjects/" + subject + "/versions", body);
  };
  auto customer = proto("customer", R"(syntax = "proto3";
package acme.customers;
import "confluent/meta.proto";
message Customer {
  string customer_id = 1;
  string email = 2 [(confluent.field_meta) = { doc: "contact address", tags: ["PII"] }];
}
)",
                        "");
  ASSERT_EQ(customer.status, 200) << customer.body;
  auto order = proto("orders", R"(syntax = "proto2";
package acme.orders;
import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";
import "acme/customer.proto";
message OrderShipped {
  required string order_id = 1 [(confluent.field_meta) = { doc: "Order id" }];
  optional acme.customers.Customer buyer = 2;
  repeated Line lines = 3;
  map<string, Line> gifts = 4;
  oneof payment {
    string card_number = 5 [(confluent.field_meta) = { tags: ["PII"] }];
    string voucher = 6;
  }
  optional google.protobuf.Timestamp shipped_at = 7;
  optional Status status = 8;
  message Line {
    optional string sku = 1;
    repeated int32 sizes = 2;
  }
}
enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_SHIPPED = 1;
}
)",
                     R"([{"name":"acme/customer.proto","subject":"customer","version":1}])");
  ASSERT_EQ(order.status, 200) << order.body;
  auto fields = Call("GET", "/accord/v1/subjects/orders/versions/1/fields");
  ASSERT_EQ(fields.status, 200) << fields.body;
  std::vector<std::string> rows;
  const Value body = Body(fields);  // (the loop reads into it: keep it alive)
  for (const Value& row : body.AsArray()) rows.push_back(json::ToJson(row));
  EXPECT_EQ(
      rows,
      (std::vector<std::string>{
          R"({"path":"order_id","type":"string","required":true,"pii":false,"description":"Order id","number":1,"label":"required"})",
          R"({"path":"buyer","type":"message acme.customers.Customer","required":false,"pii":false,"number":2,"label":"optional"})",
          R"({"path":"buyer.customer_id","type":"string","required":false,"pii":false,"number":1,"label":"singular"})",
          R"({"path":"buyer.email","type":"string","required":false,"pii":true,"description":"contact address","number":2,"label":"singular"})",
          R"({"path":"lines","type":"message acme.orders.OrderShipped.Line","required":false,"pii":false,"number":3,"label":"repeated"})",
          R"({"path":"lines[].sku","type":"string","required":false,"pii":false,"number":1,"label":"optional"})",
          R"({"path":"lines[].sizes","type":"int32","required":false,"pii":false,"number":2,"label":"repeated"})",
          R"({"path":"gifts","type":"map<string, acme.orders.OrderShipped.Line>","required":false,"pii":false,"number":4,"label":"map"})",
          R"({"path":"gifts{}.sku","type":"string","required":false,"pii":false,"number":1,"label":"optional"})",
          R"({"path":"gifts{}.sizes","type":"int32","required":false,"pii":false,"number":2,"label":"repeated"})",
          R"({"path":"card_number","type":"string","required":false,"pii":true,"number":5,"label":"singular","oneof":"payment"})",
          R"({"path":"voucher","type":"string","required":false,"pii":false,"number":6,"label":"singular","oneof":"payment"})",
          R"({"path":"shipped_at","type":"message google.protobuf.Timestamp","required":false,"pii":false,"number":7,"label":"optional"})",
          R"({"path":"status","type":"enum acme.orders.Status","required":false,"pii":false,"number":8,"label":"optional"})",
      }));
}

// Issue 20: GET /accord/v1/fields finds every event whose schema has a
// field of that name (its own name or its dotted path, any case) or tagged
// PII, across live versions and the three languages.
class FieldSearchTest : public CatalogApiTest {
 protected:
  void SetUp() override {
    CatalogApiTest::SetUp();
    // orders: email at the top in v1, nested under customer in v2; v3 has none.
    Register("orders", R"({"type":"object","properties":{"id":{"type":"string"},)"
                       R"("email":{"type":"string","x-pii":true}}})");
    Register("orders",
             R"({"type":"object","properties":{"id":{"type":"string"},)"
             R"("customer":{"type":"object","properties":{"email":{"type":"string"}}}}})");
    Register("orders", R"({"type":"object","properties":{"id":{"type":"integer"}}})");
    Value avro{json::Object{}};
    avro.Add("schemaType", "AVRO");
    avro.Add("schema",
             R"({"type":"record","name":"Paid","fields":[{"name":"Email","type":"string",)"
             R"("pii":true},{"name":"lines","type":{"type":"array","items":{"type":"record",)"
             R"("name":"Line","fields":[{"name":"id","type":"long"}]}}}]})");
    ASSERT_EQ(Call("POST", "/subjects/payments/versions", json::ToJson(avro)).status, 200);
    Value proto{json::Object{}};
    proto.Add("schemaType", "PROTOBUF");
    proto.Add("schema",
              "syntax = \"proto3\";\nimport \"confluent/meta.proto\";\n"
              "message Customer {\n  string id = 1;\n  string email = 2 "
              "[(confluent.field_meta) = { tags: [\"PII\"] }];\n}\n");
    ASSERT_EQ(Call("POST", "/subjects/customers/versions", json::ToJson(proto)).status, 200);
    ASSERT_EQ(Call("PUT", "/accord/v1/subjects/payments/metadata", R"({"owner":"finance"})").status,
              200);
  }
  std::string Find(const std::string& query) {
    auto r = Call("GET", "/accord/v1/fields?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
};

TEST_F(FieldSearchTest, ByNameAcrossVersionsAndLanguages) {
  EXPECT_EQ(
      Find("name=email"),
      R"([{"subject":"customers","owner":"","schemaType":"PROTOBUF","latestVersion":1,"fields":[)"
      R"({"path":"email","type":"string","pii":true,"versions":[1]}]},)"
      R"({"subject":"orders","owner":"","schemaType":"JSON","latestVersion":3,"fields":[)"
      R"({"path":"customer.email","type":"string","pii":false,"versions":[2]},)"
      R"({"path":"email","type":"string","pii":true,"versions":[1]}]},)"
      R"({"subject":"payments","owner":"finance","schemaType":"AVRO","latestVersion":1,"fields":[)"
      R"({"path":"Email","type":"string","pii":true,"versions":[1]}]}])");
  // The newest version holding a field gives its type; an array's members
  // are found by their own name.
  EXPECT_EQ(
      Find("name=id"),
      R"([{"subject":"customers","owner":"","schemaType":"PROTOBUF","latestVersion":1,"fields":[)"
      R"({"path":"id","type":"string","pii":false,"versions":[1]}]},)"
      R"({"subject":"orders","owner":"","schemaType":"JSON","latestVersion":3,"fields":[)"
      R"({"path":"id","type":"integer","pii":false,"versions":[1,2,3]}]},)"
      R"({"subject":"payments","owner":"finance","schemaType":"AVRO","latestVersion":1,"fields":[)"
      R"({"path":"lines[].id","type":"long","pii":false,"versions":[1]}]}])");
}

TEST_F(FieldSearchTest, ByPathTagAndOwner) {
  EXPECT_EQ(Find("name=Customer.Email"),
            R"([{"subject":"orders","owner":"","schemaType":"JSON","latestVersion":3,"fields":[)"
            R"({"path":"customer.email","type":"string","pii":false,"versions":[2]}]}])");
  EXPECT_EQ(
      Find("tag=PII"),
      R"([{"subject":"customers","owner":"","schemaType":"PROTOBUF","latestVersion":1,"fields":[)"
      R"({"path":"email","type":"string","pii":true,"versions":[1]}]},)"
      R"({"subject":"orders","owner":"","schemaType":"JSON","latestVersion":3,"fields":[)"
      R"({"path":"email","type":"string","pii":true,"versions":[1]}]},)"
      R"({"subject":"payments","owner":"finance","schemaType":"AVRO","latestVersion":1,"fields":[)"
      R"({"path":"Email","type":"string","pii":true,"versions":[1]}]}])");
  // Name and tag: personal-data fields of that name only.
  EXPECT_EQ(
      Find("name=email&tag=pii&owner=FINANCE"),
      R"([{"subject":"payments","owner":"finance","schemaType":"AVRO","latestVersion":1,"fields":[)"
      R"({"path":"Email","type":"string","pii":true,"versions":[1]}]}])");
  EXPECT_EQ(Find("name=customer"),
            R"([{"subject":"orders","owner":"","schemaType":"JSON","latestVersion":3,"fields":[)"
            R"({"path":"customer","type":"object","pii":false,"versions":[2]}]}])");
  EXPECT_EQ(Find("name=nothing"), "[]");
  // A soft-deleted version is not searched.
  ASSERT_EQ(Call("DELETE", "/subjects/orders/versions/2").status, 200);
  EXPECT_EQ(Find("name=customer"), "[]");
}

TEST_F(FieldSearchTest, NeedsANameOrAKnownTag) {
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/fields")), 42210);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/fields?name=")), 42210);
  auto r = Call("GET", "/accord/v1/fields?tag=secret");
  EXPECT_EQ(ErrorCodeOf(r), 42210);
  EXPECT_NE(r.body.find("Unknown field tag 'secret' (the catalog knows PII"), std::string::npos)
      << r.body;
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/fields?name=" + std::string(1025, 'a'))), 42210);
}

// The cost rule: a schema's field table is computed once, not on every
// search; a new version adds its own only.
TEST_F(FieldSearchTest, EachSchemaIsIndexedOnce) {
  EXPECT_EQ(service_.GetCounters().field_tables_computed, 0u);
  Find("name=email");
  EXPECT_EQ(service_.GetCounters().field_tables_computed, 5u);  // 3 orders, payments, customers
  Find("tag=PII");
  Find("name=id");
  Call("GET", "/accord/v1/catalog?q=nothing-matches-this");  // the search box reads them too
  EXPECT_EQ(service_.GetCounters().field_tables_computed, 5u);
  Register("orders", R"({"type":"object","properties":{"note":{"type":"string"}}})");
  EXPECT_EQ(Find("name=note"),
            R"([{"subject":"orders","owner":"","schemaType":"JSON","latestVersion":4,"fields":[)"
            R"({"path":"note","type":"string","pii":false,"versions":[4]}]}])");
  EXPECT_EQ(service_.GetCounters().field_tables_computed, 6u);
}

// A search cut short by the request budget is 42211 and forgets nothing: a
// parse stopped by the budget is not remembered as "cannot be read" (which
// would index the schema without fields for good).
TEST(FieldSearchBudget, ASearchCutShortByTheBudgetForgetsNothing) {
  ServiceOptions options;
  options.parsed_schema_cache = 1;  // "a" is parsed again by the search
  Service service(testing::OpenStoreOrDie(":memory:"), options);
  // The Avro parser charges each named schema and stops at the second one
  // under a budget of one unit.
  SchemaInput a;
  a.type = SchemaType::kAvro;
  a.schema = R"({"type":"record","name":"A","fields":[{"name":"alpha","type":)"
             R"({"type":"record","name":"B","fields":[{"name":"x","type":"string"}]}}]})";
  ASSERT_TRUE(service.Register("a", a));
  ASSERT_TRUE(service.Register("b", testing::Json(R"({"properties":{"beta":{"type":"string"}}})")));
  {
    WorkBudget tight(1);
    WorkBudgetScope scope(tight);  // the Service's requests share it
    auto cut = service.SearchFields(FieldQuery{.name = "alpha"});
    ASSERT_FALSE(cut);
    EXPECT_EQ(cut.error().code, ErrorCode::kRequestTooCostly);
  }
  auto found = service.SearchFields(FieldQuery{.name = "alpha"});
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].subject.str(), "a");
  EXPECT_EQ(service.GetCounters().field_tables_computed, 2u);
}

// GET /accord/v1/map: every event and service declaration, compact (no
// schema texts), for the catalog's diagrams.
TEST_F(CatalogApiTest, MapListsEventsAndServicesWithoutSchemas) {
  ThreeOrders();
  Register("payments", R"({"type":"object"})");
  ASSERT_EQ(Call("PUT", "/accord/v1/subjects/payments/metadata", R"({"owner":"finance"})").status,
            200);
  ASSERT_EQ(
      Call("PUT", "/accord/v1/subjects/orders/versions/1/deprecation", R"({"sunset":"2030-06-01"})")
          .status,
      200);
  ASSERT_EQ(Call("PUT", "/accord/v1/services/billing",
                 R"({"owner":"finance","produces":["payments","refunds"],)"
                 R"("consumes":[{"subject":"orders","schemaType":"JSON",)"
                 R"("schema":"{\"type\":\"object\"}","versions":">=2"}]})")
                .status,
            200);
  ASSERT_EQ(Call("PUT", "/accord/v1/services/audit",
                 R"({"owner":"ops","consumes":[{"subject":"orders"},{"subject":"payments",)"
                 R"("versions":[1]}]})")
                .status,
            200);
  auto r = Call("GET", "/accord/v1/map");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"({"events":[{"subject":"orders","owner":"","schemaType":"JSON","versions":[)"
            R"({"version":1,"state":"DEPRECATED"},{"version":2,"state":"ACTIVE"},)"
            R"({"version":3,"state":"ACTIVE"}]},)"
            R"({"subject":"payments","owner":"finance","schemaType":"JSON","versions":[)"
            R"({"version":1,"state":"ACTIVE"}]}],)"
            R"("services":[{"name":"audit","owner":"ops","produces":[],"consumes":[)"
            R"({"subject":"orders","versions":[]},{"subject":"payments","versions":[1]}]},)"
            R"({"name":"billing","owner":"finance","produces":["payments","refunds"],"consumes":[)"
            R"({"subject":"orders","versions":">=2"}]}]})");
}

TEST_F(CatalogApiTest, AuditFiltersBySubjectAndRecordsCatalogActions) {
  ThreeOrders();
  Register("payments", R"({"type":"object"})");
  ASSERT_EQ(Call("PUT", "/accord/v1/subjects/orders/metadata", R"({"owner":"x"})").status, 200);
  Value rows = Body(Call("GET", "/accord/v1/audit?subject=orders"));
  ASSERT_EQ(rows.AsArray().size(), 4u);
  const Value& last = rows.AsArray()[3];
  EXPECT_EQ(Str(last, "action"), "PUT_METADATA");
  EXPECT_EQ(Str(last, "actor"), "anonymous");  // an open Api
  EXPECT_EQ(Str(*last.Find("detail")->Find("after"), "owner"), "x");
  EXPECT_EQ(Body(Call("GET", "/accord/v1/audit?subject=payments")).AsArray().size(), 1u);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/accord/v1/audit?limit=-1")), 400);
}

// --- Confluent endpoints with metadata ---------------------------------------------

TEST_F(CatalogApiTest, MetadataAndRuleSetAreKeptAndServedAsConfluentDoes) {
  Register(
      "orders", R"({"type":"object"})",
      R"("metadata":{"properties":{"owner":"checkout","app":"a"}},"ruleSet":{"domainRules":[]})");
  Value v = Body(Call("GET", "/subjects/orders/versions/1"));
  // Confluent's normal form: properties sorted, empty members left out.
  EXPECT_EQ(json::ToJson(*v.Find("metadata")), R"({"properties":{"app":"a","owner":"checkout"}})");
  EXPECT_EQ(json::ToJson(*v.Find("ruleSet")), "{}");
  Value byId = Body(Call("GET", "/schemas/ids/1"));
  EXPECT_EQ(json::ToJson(*byId.Find("metadata")), json::ToJson(*v.Find("metadata")));
  EXPECT_EQ(Str(Body(Call("GET", "/accord/v1/subjects/orders/metadata")), "owner"), "checkout");
  auto bad = Call("POST", "/subjects/orders/versions",
                  R"({"schema":"{}","schemaType":"JSON","metadata":"owner=x"})");
  EXPECT_EQ(ErrorCodeOf(bad), 42210);
}

TEST_F(CatalogApiTest, SubjectMetadataQueryFindsTheLatestMatchingVersion) {
  Register("orders", R"({"type":"object"})", R"("metadata":{"properties":{"app":"a"}})");
  Register("orders", R"({"type":"string"})", R"("metadata":{"properties":{"app":"b"}})");
  EXPECT_EQ(Int(Body(Call("GET", "/subjects/orders/metadata?key=app&value=a")), "version"), 1);
  EXPECT_EQ(Int(Body(Call("GET", "/subjects/orders/metadata?key=app&value=b")), "version"), 2);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/subjects/orders/metadata?key=app&value=c")), 40403);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/subjects/nope/metadata?key=app&value=a")), 40401);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/subjects/orders/metadata")), 400);
}

TEST_F(CatalogApiTest, SchemasListIsConfluentShaped) {
  ThreeOrders();
  Register("payments", R"({"type":"object"})");
  Value all = Body(Call("GET", "/schemas"));
  ASSERT_EQ(all.AsArray().size(), 4u);
  EXPECT_EQ(Str(all.AsArray()[0], "subject"), "orders");
  EXPECT_EQ(Str(all.AsArray()[0], "schemaType"), "JSON");
  EXPECT_EQ(Body(Call("GET", "/schemas?latestOnly=true")).AsArray().size(), 2u);
  EXPECT_EQ(Body(Call("GET", "/schemas?subjectPrefix=pay")).AsArray().size(), 1u);
  Value page = Body(Call("GET", "/schemas?offset=1&limit=1"));
  ASSERT_EQ(page.AsArray().size(), 1u);
  EXPECT_EQ(Int(page.AsArray()[0], "version"), 2);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/schemas?limit=x")), 400);
}

// Regression (fuzz_registry): replies echoing bytes that are not UTF-8 were
// not JSON, and a subject named with such bytes broke GET /subjects.
TEST_F(CatalogApiTest, RepliesStayJsonWhenTheRequestIsNotUtf8) {
  auto r = Call("GET", "/subjects/x/versions/%FF");
  EXPECT_EQ(ErrorCodeOf(r), 42202);  // ErrorCodeOf parses the body as JSON
  EXPECT_NE(r.body.find("'?'"), std::string::npos) << r.body;
  EXPECT_EQ(
      ErrorCodeOf(Call("POST", "/subjects/%FF/versions", R"({"schema":"{}","schemaType":"JSON"})")),
      42208);
  EXPECT_EQ(
      Call("POST", "/subjects/%C3%A9t%C3%A9/versions", R"({"schema":"{}","schemaType":"JSON"})")
          .status,
      200);  // well-formed UTF-8 is fine
  EXPECT_EQ(Call("GET", "/subjects").body, "[\"\u00e9t\u00e9\"]");
}

// Issue 17: a Protobuf subject's field table is of the message its metadata
// names (as a contract's `message:`), not of the file's first message; the
// subject page's personal data, the catalog search and the field search
// follow it.
TEST_F(CatalogApiTest, AProtobufSubjectsFieldsAreOfTheMessageItsMetadataNames) {
  Value proto{json::Object{}};
  proto.Add("schemaType", "PROTOBUF");
  proto.Add("schema",
            "syntax = \"proto3\";\npackage acme;\nimport \"confluent/meta.proto\";\n"
            "message Envelope {\n  string trace = 1;\n}\n"
            "message OrderPlaced {\n  string order_id = 1;\n  string email = 2 "
            "[(confluent.field_meta) = { tags: [\"PII\"] }];\n  Line line = 3;\n"
            "  message Line {\n    string sku = 1;\n  }\n}\n");
  ASSERT_EQ(Call("POST", "/subjects/orders/versions", json::ToJson(proto)).status, 200);
  auto rows = [&]() {
    std::vector<std::string> out;
    const Value body = Body(Call("GET", "/accord/v1/subjects/orders/versions/1/fields"));
    for (const Value& row : body.AsArray()) out.push_back(Str(row, "path"));
    return out;
  };
  // None named: Confluent's default, the first message.
  EXPECT_EQ(rows(), std::vector<std::string>{"trace"});
  EXPECT_EQ(Call("GET", "/accord/v1/fields?name=sku").body, "[]");
  // Named relative to the package: stored by its full name.
  auto put = Call("PUT", "/accord/v1/subjects/orders/metadata", R"({"message":"OrderPlaced"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Str(Body(put), "message"), "acme.OrderPlaced");
  EXPECT_EQ(Str(Body(Call("GET", "/accord/v1/subjects/orders/metadata")), "message"),
            "acme.OrderPlaced");
  EXPECT_EQ(rows(), (std::vector<std::string>{"order_id", "email", "line", "line.sku"}));
  const Value page = Body(Call("GET", "/accord/v1/subjects/orders"));
  EXPECT_EQ(Str(page, "message"), "acme.OrderPlaced");
  EXPECT_EQ(json::ToJson(*page.Find("piiFields")), R"(["email"])");
  EXPECT_EQ(
      Call("GET", "/accord/v1/fields?name=sku").body,
      R"([{"subject":"orders","owner":"","schemaType":"PROTOBUF","latestVersion":1,"fields":[)"
      R"({"path":"line.sku","type":"string","pii":false,"versions":[1]}]}])");
  EXPECT_EQ(Call("GET", "/accord/v1/fields?name=trace").body, "[]");
  EXPECT_EQ(Body(Call("GET", "/accord/v1/subjects?q=sku")).AsArray().size(), 1u);
  // A message the schema does not have, or a name that is no name: 42210,
  // and nothing changes.
  auto missing = Call("PUT", "/accord/v1/subjects/orders/metadata", R"({"message":"Missing"})");
  EXPECT_EQ(ErrorCodeOf(missing), 42210);
  EXPECT_EQ(Str(Body(missing), "message"),
            "message 'Missing': the Protobuf schema has no message 'Missing' (its messages: "
            "Envelope, OrderPlaced and OrderPlaced.Line)");
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/accord/v1/subjects/orders/metadata",
                             R"({"message":"Order Placed"})")),
            42210);
  EXPECT_EQ(rows(), (std::vector<std::string>{"order_id", "email", "line", "line.sku"}));
  // Cleared: the default again.
  ASSERT_EQ(Call("PUT", "/accord/v1/subjects/orders/metadata", R"({"message":""})").status, 200);
  EXPECT_EQ(rows(), std::vector<std::string>{"trace"});
  EXPECT_EQ(Body(Call("GET", "/accord/v1/subjects/orders/metadata")).Find("message"), nullptr);
  // A language whose schema is the event's type has no message to name.
  Register("payments", R"({"type":"object"})");
  EXPECT_EQ(
      ErrorCodeOf(Call("PUT", "/accord/v1/subjects/payments/metadata", R"({"message":"Payment"})")),
      42210);
}

}  // namespace
}  // namespace accord::registry

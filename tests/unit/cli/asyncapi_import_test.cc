// AsyncAPI as a contract source (cli/src/asyncapi_import.h): 2.6 and 3.0
// documents give the contracts of the equivalent accord.yaml; subjects,
// formats, $refs, limits and errors at file:line:col.
#include "asyncapi_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "accord/schemas/load.h"
#include "contract_file.h"

namespace accord::cli {
namespace {

namespace fs = std::filesystem;

const std::string kCheckout =
    std::string(ACCORD_SOURCE_DIR) + "/tests/unit/cli/testdata/asyncapi/checkout";

// One contract entry with its schema and examples as values, whatever the
// source: a file is loaded, an inline schema taken as it is. What the
// commands see of an entry, so two sources are equivalent when these are equal.
struct Contract {
  bool produced = false;
  std::string subject;
  std::string type;  // "JSON", "AVRO", "PROTOBUF"
  json::Value schema;
  std::string text;  // Protobuf
  std::string message;
  std::vector<json::Value> examples;
  std::string compatibility;
  std::string description;
  std::vector<std::string> tags;
  std::string versions;
  friend bool operator==(const Contract&, const Contract&) = default;
  friend void PrintTo(const Contract& c, std::ostream* os) {
    *os << (c.produced ? "produces " : "consumes ") << c.subject << " " << c.type << " "
        << json::ToJson(c.schema) << c.text << " message=" << c.message << " examples=[";
    for (const json::Value& e : c.examples) *os << json::ToJson(e) << " ";
    *os << "] compatibility=" << c.compatibility << " description=" << c.description << " tags=[";
    for (const std::string& t : c.tags) *os << t << " ";
    *os << "] versions=" << c.versions;
  }
};

json::Value Load(const std::string& file) {
  auto doc = LoadFile(file);
  EXPECT_TRUE(doc) << doc.error().ToString();
  return doc ? doc->root : json::Value();
}

void Fill(const EntrySchema& s, Contract& c) {
  if (s.is_inline()) {
    c.type = std::string(SchemaTypeName(*s.type));
    if (s.document) c.schema = s.document->root;
    c.text = s.text;
    return;
  }
  c.type = s.file.ends_with(".avsc") ? "AVRO" : "JSON";
  c.schema = Load(s.file);
}

std::vector<Contract> ContractsOf(const std::vector<ProducedEvent>& produces,
                                  const std::vector<ConsumedEvent>& consumes) {
  std::vector<Contract> out;
  for (const ProducedEvent& p : produces) {
    Contract c;
    c.produced = true;
    c.subject = p.subject;
    Fill(p.schema, c);
    c.message = p.message;
    for (const ExampleEvent& e : p.examples) {
      c.examples.push_back(e.document ? e.document->root : Load(e.file));
    }
    c.compatibility = p.compatibility ? std::string(compat::LevelName(*p.compatibility)) : "";
    c.description = p.description;
    c.tags = p.tags;
    out.push_back(std::move(c));
  }
  for (const ConsumedEvent& r : consumes) {
    Contract c;
    c.subject = r.subject;
    Fill(r.reader, c);
    c.message = r.message;
    c.versions = r.versions.ToString();
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<Contract> ContractsOf(const ContractFile& f) {
  return ContractsOf(f.produces, f.consumes);
}

// A scratch folder for documents written by a test.
class AsyncApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("accord-asyncapi-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  Result<AsyncApiContracts> Import(const std::string& text) {
    return ImportAsyncApi(Write("asyncapi.yaml", text), dir_.string());
  }
  // The error of importing `text`, as "LINE:COL: message" (file checked).
  std::string ErrorOf(const std::string& text) {
    auto r = Import(text);
    if (r) return "(no error)";
    EXPECT_EQ(r.error().file, (dir_ / "asyncapi.yaml").string());
    return std::to_string(r.error().position.line) + ":" +
           std::to_string(r.error().position.column) + ": " + r.error().message;
  }
  fs::path dir_;
};

constexpr const char* kHead3 = "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n";
constexpr const char* kHead2 = "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\n";

TEST(AsyncApiEquivalence, Version3GivesTheContractsOfTheEquivalentAccordYaml) {
  auto native = LoadContractFile(kCheckout + "/accord.yaml");
  ASSERT_TRUE(native) << native.error().ToString();
  auto imported = ImportAsyncApi(kCheckout + "/asyncapi-3.yaml", kCheckout);
  ASSERT_TRUE(imported) << imported.error().ToString();
  EXPECT_EQ(imported->service, "checkout");
  EXPECT_EQ(ContractsOf(imported->produces, imported->consumes), ContractsOf(*native));
}

TEST(AsyncApiEquivalence, Version2GivesTheContractsOfTheEquivalentAccordYaml) {
  auto native = LoadContractFile(kCheckout + "/accord.yaml");
  ASSERT_TRUE(native) << native.error().ToString();
  auto imported = ImportAsyncApi(kCheckout + "/asyncapi-2.yaml", kCheckout);
  ASSERT_TRUE(imported) << imported.error().ToString();
  EXPECT_EQ(imported->service, "checkout");
  EXPECT_EQ(ContractsOf(imported->produces, imported->consumes), ContractsOf(*native));
}

// The pointer accord.yaml: service from the document, owner from the file.
TEST(AsyncApiEquivalence, PointerContractFileEqualsTheAccordYaml) {
  auto native = LoadContractFile(kCheckout + "/accord.yaml");
  ASSERT_TRUE(native) << native.error().ToString();
  for (const char* doc : {"asyncapi-3.yaml", "asyncapi-2.yaml"}) {
    auto pointer = ParseContractFile("owner: team-checkout\nasyncapi: " + std::string(doc) + "\n",
                                     kCheckout + "/pointer.yaml");
    ASSERT_TRUE(pointer) << pointer.error().ToString();
    EXPECT_EQ(pointer->service, native->service);
    EXPECT_EQ(pointer->owner, native->owner);
    EXPECT_EQ(pointer->asyncapi, std::vector<std::string>{kCheckout + "/" + doc});
    EXPECT_EQ(ContractsOf(*pointer), ContractsOf(*native)) << doc;
  }
}

// Where each entry comes from: the document, the operation's line, its name.
TEST(AsyncApiEquivalence, EntriesNameTheirOperation) {
  const std::string file = kCheckout + "/asyncapi-3.yaml";
  auto imported = ImportAsyncApi(file, kCheckout);
  ASSERT_TRUE(imported) << imported.error().ToString();
  ASSERT_EQ(imported->produces.size(), 2u);
  ASSERT_EQ(imported->consumes.size(), 2u);
  EXPECT_EQ(imported->produces[0].file, file);
  EXPECT_EQ(imported->produces[0].line, 40);
  EXPECT_EQ(imported->produces[0].origin, "operations.placeOrder");
  EXPECT_EQ(imported->consumes[1].origin, "operations.onStockReleased");
  EXPECT_EQ(imported->consumes[1].line, 55);
  // An inline schema names the file it is written in: the payload of
  // capturePayment is a whole .avsc file.
  EXPECT_EQ(imported->produces[1].schema.file, kCheckout + "/schemas/payment-captured.avsc");
  EXPECT_EQ(imported->produces[0].schema.file, file);
  // Positions of the expanded schema are those of the document: `required`
  // of OrderPlaced, and the Address properties in shared.yaml are not.
  const Document& doc = *imported->produces[0].schema.document;
  EXPECT_EQ(doc.PositionOf("/required").line, 94);
  EXPECT_EQ(doc.PositionOf("/properties/shipTo/properties/city").line, 97);  // its $ref
  // An example keeps its lines.
  EXPECT_EQ(imported->produces[0].examples[1].document->PositionOf("/shipTo/city").line, 77);
  const auto two = ImportAsyncApi(kCheckout + "/asyncapi-2.yaml", kCheckout);
  ASSERT_TRUE(two) << two.error().ToString();
  EXPECT_EQ(two->produces[0].origin, "channels.checkout.orders.v1.subscribe");
  EXPECT_EQ(two->consumes[1].origin, "channels.inventory/stock-released.publish");
}

TEST_F(AsyncApiTest, SubjectStrategy) {
  auto r = Import(std::string(kHead3) + R"(channels:
  a:
    address: topic.a
    x-accord-subject: from-channel
    messages:
      m: {payload: {type: string}, x-accord-subject: from-message}
  b:
    address: topic.b
    x-accord-subject: from-channel
    messages: {m: {payload: {type: string}}}
  c:
    address: topic.c
    bindings: {kafka: {topic: bound.c}}
    messages: {m: {payload: {type: string}}}
  d:
    address: topic.d
    messages: {m: {payload: {type: string}}}
  e:
    messages: {m: {payload: {type: string}}}
operations:
  a: {action: send, channel: {$ref: '#/channels/a'}}
  b: {action: send, channel: {$ref: '#/channels/b'}}
  c: {action: send, channel: {$ref: '#/channels/c'}}
  d: {action: send, channel: {$ref: '#/channels/d'}}
  e: {action: send, channel: {$ref: '#/channels/e'}}
)");
  ASSERT_TRUE(r) << r.error().ToString();
  std::vector<std::string> subjects;
  for (const ProducedEvent& p : r->produces) subjects.push_back(p.subject);
  EXPECT_EQ(subjects, (std::vector<std::string>{"from-message", "from-channel", "bound.c-value",
                                                "topic.d-value", "e-value"}));
}

TEST_F(AsyncApiTest, SeveralMessagesOnOneOperationAreOneContractEach) {
  auto r = Import(std::string(kHead3) + R"(channels:
  orders:
    address: orders
    messages:
      placed: {payload: {type: object}, x-accord-subject: orders.placed}
      cancelled: {payload: {type: object}, x-accord-subject: orders.cancelled}
operations:
  publish: {action: send, channel: {$ref: '#/channels/orders'}}
)");
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->produces.size(), 2u);
  EXPECT_EQ(r->produces[0].subject, "orders.placed");
  EXPECT_EQ(r->produces[0].origin, "operations.publish message placed");
  EXPECT_EQ(r->produces[1].subject, "orders.cancelled");
  EXPECT_EQ(r->produces[1].origin, "operations.publish message cancelled");
}

// Two messages on one topic would share the subject: the contract file
// refuses that at the second operation.
TEST_F(AsyncApiTest, TwoMessagesForOneSubjectAreRefusedAtTheOperation) {
  Write("asyncapi.yaml", std::string(kHead2) + R"(channels:
  orders:
    subscribe:
      message:
        oneOf:
          - {name: placed, payload: {type: object}}
          - {name: cancelled, payload: {type: object}}
)");
  auto c =
      ParseContractFile("service: s\nasyncapi: asyncapi.yaml\n", (dir_ / "accord.yaml").string());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().file, (dir_ / "asyncapi.yaml").string());
  EXPECT_EQ(c.error().position.line, 5);
  EXPECT_EQ(c.error().message,
            "channels.orders.subscribe message cancelled: subject 'orders-value' is produced by "
            "channels.orders.subscribe message placed too (" +
                (dir_ / "asyncapi.yaml").string() +
                ":5); a subject holds one schema: give each message its own x-accord-subject");
}

// A $ref resolves against the file that holds it: "#/..." inside a $ref'd
// schema file names that file's values; operations and messages may be
// $refs into components.
TEST_F(AsyncApiTest, RefsResolveAgainstTheFileThatHoldsThem) {
  Write("schemas/order.json", R"({"type": "object",
  "properties": {"ship_to": {"$ref": "#/definitions/Address"}},
  "definitions": {"Address": {"type": "string"}}})");
  auto r = Import(std::string(kHead3) + R"(channels:
  orders:
    address: orders
    messages:
      placed: {$ref: '#/components/messages/Placed'}
operations:
  send: {$ref: '#/components/operations/Send'}
components:
  operations:
    Send: {action: send, channel: {$ref: '#/channels/orders'}}
  messages:
    Placed:
      payload: {$ref: 'schemas/order.json'}
)");
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->produces.size(), 1u);
  EXPECT_EQ(r->produces[0].subject, "orders-value");
  EXPECT_EQ(r->produces[0].origin, "operations.send");
  EXPECT_EQ(r->produces[0].line, 9);
  EXPECT_EQ(r->produces[0].schema.document->root,
            ParseJson(R"({"type": "object", "properties": {"ship_to": {"type": "string"}},
                          "definitions": {"Address": {"type": "string"}}})")
                ->root);
}

TEST_F(AsyncApiTest, SchemaFormats) {
  auto r = Import(std::string(kHead2) + R"(channels:
  json:
    subscribe:
      message:
        schemaFormat: application/schema+yaml;version=draft-07
        payload: {type: string}
  avro:
    subscribe:
      message:
        schemaFormat: application/vnd.apache.avro+yaml;version=1.9.0
        payload: {type: record, name: R, fields: []}
  proto:
    subscribe:
      message:
        schemaFormat: application/vnd.google.protobuf;version=3
        x-accord-message: E
        payload: |
          syntax = "proto3";
          message E { string id = 1; }
)");
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->produces.size(), 3u);
  EXPECT_EQ(r->produces[0].schema.type, SchemaType::kJson);
  EXPECT_EQ(r->produces[1].schema.type, SchemaType::kAvro);
  EXPECT_EQ(r->produces[1].schema.document->root,
            ParseJson(R"({"type": "record", "name": "R", "fields": []})")->root);
  const EntrySchema& proto = r->produces[2].schema;
  EXPECT_EQ(proto.type, SchemaType::kProtobuf);
  EXPECT_EQ(proto.text, "syntax = \"proto3\";\nmessage E { string id = 1; }\n");
  EXPECT_EQ(proto.document, nullptr);
  EXPECT_EQ(proto.display,
            (dir_ / "asyncapi.yaml").string() + "#/channels/proto/subscribe/message/payload");
  EXPECT_EQ(r->produces[2].message, "E");
}

TEST_F(AsyncApiTest, ErrorsPointAtTheDocument) {
  const std::string h3 = kHead3;
  EXPECT_EQ(ErrorOf("asyncapi: 1.2.0\n"),
            "1:1: asyncapi: AsyncAPI version '1.2.0' is not read (2.0 to 2.6, 3.0, 3.1)");
  EXPECT_EQ(ErrorOf("openapi: 3.0.0\n"),
            "1:1: (document): is not an AsyncAPI document: 'asyncapi: 3.0.0' (or 2.x) is missing");
  EXPECT_EQ(ErrorOf(h3 + "channels: {a: {messages: {m: {payload: {}}}}}\noperations:\n"
                         "  op:\n    action: sned\n    channel: {$ref: '#/channels/a'}\n"),
            "6:5: operations.op.action: action must be send or receive, not 'sned'");
  EXPECT_EQ(ErrorOf(h3 + "operations:\n  op: {action: send}\n"),
            "4:3: operations.op: channel is required");
  EXPECT_EQ(ErrorOf(h3 + "operations:\n  op: {action: send, channel: {$ref: '#/channels/nope'}}\n"),
            "4:32: operations.op.channel.$ref: $ref '#/channels/nope': " +
                (dir_ / "asyncapi.yaml").string() + " has no value at '/channels/nope'");
  EXPECT_EQ(ErrorOf(h3 + "channels:\n  a:\n    messages:\n      m:\n        payload:\n"
                         "          schemaFormat: application/raml+yaml;version=1.0\n"
                         "          schema: {type: string}\n"
                         "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n"),
            "8:11: channels.a.messages.m.payload.schemaFormat: schema format "
            "'application/raml+yaml;version=1.0' is not read (AsyncAPI or JSON Schema, "
            "application/vnd.apache.avro, application/vnd.google.protobuf)");
  EXPECT_EQ(
      ErrorOf(h3 + "channels:\n  a:\n    address: 'user.{id}'\n    messages: {m: {payload: {}}}\n"
                   "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n"),
      "5:5: channels.a.address: the topic 'user.{id}' has parameters: name the topic in "
      "bindings.kafka.topic or the subject in x-accord-subject");
  EXPECT_EQ(ErrorOf(h3 + "channels:\n  a:\n    messages: {m: {summary: x}}\n"
                         "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n"),
            "5:16: channels.a.messages.m: the message has no payload (its schema)");
  EXPECT_EQ(ErrorOf(h3 + "channels:\n  a:\n    messages: {m: {payload: {}, x-accord-compatibility: "
                         "SOMETIMES}}\n"
                         "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n"),
            "5:33: channels.a.messages.m.x-accord-compatibility: unknown level 'SOMETIMES' (NONE, "
            "BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE)");
  EXPECT_EQ(ErrorOf(h3 + "channels:\n  a:\n    messages: {m: {payload: {}}}\n"
                         "operations:\n  op:\n    action: receive\n"
                         "    channel: {$ref: '#/channels/a'}\n    x-accord-versions: '>2'\n"),
            "10:5: operations.op.x-accord-versions: must be all, a list of version numbers such "
            "as [2, 3], or \">=N\"");
}

// A cycle through $refs is an error at the $ref that closes it, never a hang.
TEST_F(AsyncApiTest, RecursivePayloadIsACycleError) {
  EXPECT_EQ(ErrorOf(std::string(kHead3) + R"(channels:
  a:
    messages:
      m:
        payload: {$ref: '#/components/schemas/Node'}
operations:
  op: {action: send, channel: {$ref: '#/channels/a'}}
components:
  schemas:
    Node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Node'}
)"),
            "15:16: components.schemas.Node.properties.next.$ref: $ref cycle: "
            "'#/components/schemas/Node' is inside what it names (a recursive schema cannot be "
            "inlined)");
  EXPECT_EQ(ErrorOf(std::string(kHead3) + R"(channels:
  a: {$ref: '#/channels/b'}
  b: {$ref: '#/channels/a'}
operations:
  op: {action: send, channel: {$ref: '#/channels/a'}}
)"),
            "5:7: channels.b.$ref: $ref cycle: it names itself through other $refs");
}

TEST_F(AsyncApiTest, RefsToFilesResolveInsideTheRootOnly) {
  Write("schemas/s.yaml",
        "S: {type: string}\nBad:\n  type: object\n  properties:\n"
        "    x: {$ref: '#/Nope'}\n");
  auto ok = Import(std::string(kHead3) +
                   "channels:\n  a: {messages: {m: {payload: {$ref: 'schemas/s.yaml#/S'}}}}\n"
                   "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n");
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->produces[0].schema.document->root, json::Value(json::Object{{"type", "string"}}));
  EXPECT_EQ(ok->produces[0].schema.file, (dir_ / "schemas/s.yaml").string());
  // An error inside a $ref'd file names that file.
  auto bad = Import(std::string(kHead3) +
                    "channels:\n  a: {messages: {m: {payload: {$ref: 'schemas/s.yaml#/Bad'}}}}\n"
                    "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().file, (dir_ / "schemas/s.yaml").string());
  EXPECT_EQ(bad.error().position.line, 5);
  EXPECT_EQ(bad.error().message,
            "Bad.properties.x.$ref: $ref '#/Nope': " + (dir_ / "schemas/s.yaml").string() +
                " has no value at '/Nope'");
  const std::string op = "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n";
  EXPECT_EQ(ErrorOf(std::string(kHead3) +
                    "channels:\n  a: {messages: {m: {payload: {$ref: '../outside.yaml'}}}}\n" + op),
            "4:32: channels.a.messages.m.payload.$ref: $ref '../outside.yaml': " +
                (dir_.parent_path() / "outside.yaml").string() +
                " is outside the contract's folder " + dir_.string());
  EXPECT_EQ(ErrorOf(std::string(kHead3) +
                    "channels:\n  a: {messages: {m: {payload: {$ref: '/etc/passwd'}}}}\n" + op),
            "4:32: channels.a.messages.m.payload.$ref: $ref '/etc/passwd': a file is named by a "
            "relative path");
  EXPECT_EQ(
      ErrorOf(std::string(kHead3) +
              "channels:\n  a: {messages: {m: {payload: {$ref: 'https://x.test/s.json'}}}}\n" + op),
      "4:32: channels.a.messages.m.payload.$ref: $ref 'https://x.test/s.json': only references "
      "within the document or to local files are followed, not URLs");
  fs::create_symlink("/etc", dir_ / "etc");
  EXPECT_EQ(ErrorOf(std::string(kHead3) +
                    "channels:\n  a: {messages: {m: {payload: {$ref: 'etc/hostname'}}}}\n" + op),
            "4:32: channels.a.messages.m.payload.$ref: $ref 'etc/hostname': " +
                (dir_ / "etc/hostname").string() + " is outside the contract's folder " +
                dir_.string());
}

// $refs that double at each level expand past the node limit: a kLimit
// error, not an exponential copy.
TEST_F(AsyncApiTest, ExpansionIsBounded) {
  std::string doc =
      std::string(kHead3) +
      "channels:\n  a: {messages: {m: {payload: {$ref: '#/components/schemas/s0'}}}}\n"
      "operations:\n  op: {action: send, channel: {$ref: '#/channels/a'}}\n"
      "components:\n  schemas:\n";
  for (int i = 0; i < 40; ++i) {
    const std::string next = "'#/components/schemas/s" + std::to_string(i + 1) + "'";
    doc +=
        "    s" + std::to_string(i) + ": {allOf: [{$ref: " + next + "}, {$ref: " + next + "}]}\n";
  }
  doc += "    s40: {type: string}\n";
  auto r = Import(doc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kLimit);
  EXPECT_NE(r.error().message.find("more than 100000 $refs followed"), std::string::npos)
      << r.error().message;
  AsyncApiLimits few_nodes;
  few_nodes.max_nodes = 1000;
  auto big = ImportAsyncApi(Write("asyncapi.yaml", doc), dir_.string(), few_nodes);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::kLimit);
  EXPECT_NE(big.error().message.find("schemas and examples expand to more than 1000 values"),
            std::string::npos)
      << big.error().message;
  AsyncApiLimits small;
  small.max_ref_depth = 4;
  auto deep = ImportAsyncApi(Write("asyncapi.yaml", doc), dir_.string(), small);
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, ErrorCode::kLimit);
  EXPECT_NE(deep.error().message.find("$refs nested deeper than 4"), std::string::npos)
      << deep.error().message;
}

TEST_F(AsyncApiTest, OwnerComesFromTheFileOrTheDocument) {
  Write("asyncapi.yaml",
        "asyncapi: 3.0.0\ninfo: {title: t, version: '1', x-accord-service: s, "
        "x-accord-owner: team-b}\n");
  const std::string file = (dir_ / "accord.yaml").string();
  auto from_doc = ParseContractFile("asyncapi: asyncapi.yaml\n", file);
  ASSERT_TRUE(from_doc) << from_doc.error().ToString();
  EXPECT_EQ(from_doc->owner, "team-b");
  auto same = ParseContractFile("owner: team-b\nasyncapi: asyncapi.yaml\n", file);
  ASSERT_TRUE(same) << same.error().ToString();
  EXPECT_EQ(same->owner, "team-b");
  auto other = ParseContractFile("owner: team-a\nasyncapi: asyncapi.yaml\n", file);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "asyncapi: " + (dir_ / "asyncapi.yaml").string() +
                                       " names owner 'team-b', not 'team-a' (owner:)");
}

TEST_F(AsyncApiTest, ServiceComesFromTheFileOrTheDocument) {
  Write("asyncapi.yaml", "asyncapi: 3.0.0\ninfo: {title: t, version: '1', x-accord-service: b}\n");
  const std::string file = (dir_ / "accord.yaml").string();
  auto from_doc = ParseContractFile("asyncapi: asyncapi.yaml\n", file);
  ASSERT_TRUE(from_doc) << from_doc.error().ToString();
  EXPECT_EQ(from_doc->service, "b");
  auto same = ParseContractFile("service: b\nasyncapi: [asyncapi.yaml]\n", file);
  ASSERT_TRUE(same) << same.error().ToString();
  auto other = ParseContractFile("service: a\nasyncapi: asyncapi.yaml\n", file);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "asyncapi: " + (dir_ / "asyncapi.yaml").string() +
                                       " describes service 'b', not 'a' (service:)");
  Write("anonymous.yaml", "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n");
  auto none = ParseContractFile("asyncapi: anonymous.yaml\n", file);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "service: is required (or info.x-accord-service in the AsyncAPI document)");
  auto without = ParseContractFile("owner: x\n", file);
  ASSERT_FALSE(without);
  EXPECT_EQ(without.error().message, "service: is required");
  auto outside = ParseContractFile("service: a\nasyncapi: ../x.yaml\n", file);
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().message,
            "asyncapi: '../x.yaml' is outside the contract's folder " + dir_.string());
  EXPECT_EQ(outside.error().position.line, 2);
  auto missing = ParseContractFile("service: a\nasyncapi: [nope.yaml]\n", file);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "asyncapi: no such file: " + (dir_ / "nope.yaml").string());
}

}  // namespace
}  // namespace accord::cli

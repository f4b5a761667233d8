// The table of schema languages (compat/language.h): which types have a
// language, content detection, and each operation reaching its engine.
#include "accord/compat/language.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "accord/compat/jsonschema_compat.h"
#include "accord/schemas/canonical.h"
#include "accord/schemas/load.h"

namespace accord::compat {
namespace {

SchemaSource Text(std::string name, std::string text) {
  SchemaSource s;
  s.name = std::move(name);
  s.text = std::move(text);
  return s;
}

SchemaSource Loaded(std::string name, const std::string& text) {
  SchemaSource s;
  s.name = name;
  auto doc = Parse(text, name);
  EXPECT_TRUE(doc.has_value()) << text;
  if (doc) s.document = std::make_shared<const Document>(std::move(*doc));
  return s;
}

std::shared_ptr<const Schema> MustParse(SchemaType type, const std::string& text,
                                        const ParseOptions& options = {}) {
  auto parsed = LanguageFor(type)->Parse(Text("", text), options);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().ToString());
  return parsed ? *parsed : nullptr;
}

std::vector<std::string> Kinds(const Report& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.emplace_back(f.kind.name());
  return out;
}

constexpr const char* kRecord =
    R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
constexpr const char* kObject =
    R"({"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]})";

TEST(LanguageTable, EachTypeMapsToItsLanguageOrToNone) {
  ASSERT_NE(LanguageFor(SchemaType::kJson), nullptr);
  ASSERT_NE(LanguageFor(SchemaType::kAvro), nullptr);
  EXPECT_EQ(LanguageFor(SchemaType::kJson)->type(), SchemaType::kJson);
  EXPECT_EQ(LanguageFor(SchemaType::kAvro)->type(), SchemaType::kAvro);
  EXPECT_EQ(LanguageFor(SchemaType::kJson)->display_name(), "JSON Schema");
  EXPECT_EQ(LanguageFor(SchemaType::kAvro)->display_name(), "Avro");
  ASSERT_NE(LanguageFor(SchemaType::kProtobuf), nullptr);
  EXPECT_EQ(LanguageFor(SchemaType::kProtobuf)->type(), SchemaType::kProtobuf);
  EXPECT_EQ(LanguageFor(SchemaType::kProtobuf)->display_name(), "Protobuf");
}

TEST(LanguageTable, RowsAreInWireOrderOnePerType) {
  std::vector<SchemaType> types;
  for (const Language* l : Languages()) types.push_back(l->type());
  EXPECT_EQ(types,
            (std::vector<SchemaType>{SchemaType::kJson, SchemaType::kAvro, SchemaType::kProtobuf}));
  for (const Language* l : Languages()) EXPECT_EQ(LanguageFor(l->type()), l);
}

TEST(LanguageDetection, AvscFileNameIsAvroWhateverItHolds) {
  EXPECT_EQ(LanguageForFileName("order.avsc"), LanguageFor(SchemaType::kAvro));
  EXPECT_EQ(LanguageForFileName("order.json"), nullptr);
  EXPECT_EQ(LanguageForFileName("order.yaml"), nullptr);
  EXPECT_EQ(DetectLanguage(Loaded("order.avsc", kObject)), LanguageFor(SchemaType::kAvro));
}

TEST(LanguageDetection, AvroShapeIsAvroAnyOtherDocumentIsJsonSchema) {
  const Language* avro = LanguageFor(SchemaType::kAvro);
  const Language* json = LanguageFor(SchemaType::kJson);
  EXPECT_EQ(DetectLanguage(Loaded("r.json", kRecord)), avro);
  EXPECT_EQ(DetectLanguage(Loaded("r.json", R"(["null","string"])")), avro);
  EXPECT_EQ(DetectLanguage(Loaded("r.json", R"({"type":"array","items":"int"})")), avro);
  EXPECT_EQ(DetectLanguage(Loaded("o.json", kObject)), json);
  EXPECT_EQ(DetectLanguage(Loaded("o.yaml", "type: object\nproperties: {}\n")), json);
  EXPECT_EQ(DetectLanguage(Loaded("s.json", R"({"type":"string"})")), json);
  EXPECT_EQ(DetectLanguage(Loaded("t.json", "true")), json);
  // Detection from text alone (a registry schema): loaded as JSON.
  EXPECT_EQ(DetectLanguage(Text("", kRecord)), avro);
  EXPECT_EQ(DetectLanguage(Text("", kObject)), json);
  // `.proto` text is Protobuf; text no language reads is none.
  EXPECT_EQ(DetectLanguage(Text("", "syntax = \"proto3\";")), LanguageFor(SchemaType::kProtobuf));
  EXPECT_EQ(DetectLanguage(Text("", "hello world")), nullptr);
}

TEST(LanguageDetection, JsonSchemaMarksAreLikelyOtherDocumentsAFallback) {
  const Language* json = LanguageFor(SchemaType::kJson);
  EXPECT_EQ(json->Detect(Loaded("o.json", kObject)), Detection::kLikely);
  EXPECT_EQ(json->Detect(Loaded("o.json", R"({"type":"integer"})")), Detection::kLikely);
  EXPECT_EQ(json->Detect(Loaded("o.json", R"({"type":"string"})")), Detection::kFallback);
  EXPECT_EQ(json->Detect(Loaded("o.json", "true")), Detection::kFallback);
  EXPECT_EQ(json->Detect(Text("", "not json")), Detection::kNo);
  const Language* avro = LanguageFor(SchemaType::kAvro);
  EXPECT_EQ(avro->Detect(Loaded("r.json", kRecord)), Detection::kSure);
  EXPECT_EQ(avro->Detect(Loaded("o.json", kObject)), Detection::kNo);
}

TEST(LanguageParse, CanonicalFormAndFingerprintIgnoreWhitespaceAndMemberOrder) {
  for (SchemaType type : {SchemaType::kJson, SchemaType::kAvro}) {
    const std::string a = type == SchemaType::kJson ? kObject : kRecord;
    const std::string b =
        type == SchemaType::kJson
            ? R"({ "required": ["a"], "properties": {"a": {"type": "integer"}}, "type": "object" })"
            : R"({ "fields": [{"type": "int", "name": "a"}], "name": "R", "type": "record" })";
    auto x = MustParse(type, a);
    auto y = MustParse(type, b);
    ASSERT_TRUE(x && y);
    EXPECT_EQ(x->type(), type);
    EXPECT_EQ(&x->language(), LanguageFor(type));
    EXPECT_EQ(x->canonical(), y->canonical());
    EXPECT_EQ(x->fingerprint(), y->fingerprint());
    EXPECT_EQ(x->fingerprint(), json::ToHex(json::Sha256Of(x->canonical())));
    EXPECT_EQ(x->fingerprint().size(), 64u);
  }
}

TEST(LanguageParse, ErrorsAreTheEnginesWithTheirPointer) {
  auto json = LanguageFor(SchemaType::kJson)->Parse(Text("", R"({"type": 12})"), {});
  ASSERT_FALSE(json.has_value());
  EXPECT_EQ(json.error().code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(json.error().pointer, "/type");
  auto avro = LanguageFor(SchemaType::kAvro)->Parse(Text("", R"({"type":"record"})"), {});
  ASSERT_FALSE(avro.has_value());
  auto syntax = LanguageFor(SchemaType::kAvro)->Parse(Text("", "{"), {});
  ASSERT_FALSE(syntax.has_value());
  EXPECT_EQ(syntax.error().code, ErrorCode::kSyntax);
}

TEST(LanguageParse, AvroReferencesDefineNamesOnceEach) {
  auto address = MustParse(
      SchemaType::kAvro, R"({"type":"record","name":"A","fields":[{"name":"c","type":"string"}]})");
  ASSERT_TRUE(address);
  ParseOptions options;
  // One schema reached along two reference paths (one identity): defined once.
  options.references = {{.name = "A",
                         .identity = "a\0"
                                     "1",
                         .schema = address},
                        {.name = "A2",
                         .identity = "a\0"
                                     "1",
                         .schema = address}};
  auto order =
      MustParse(SchemaType::kAvro,
                R"({"type":"record","name":"O","fields":[{"name":"a","type":"A"}]})", options);
  ASSERT_TRUE(order);
  EXPECT_EQ(order->references().size(), 2u);
  auto unresolved =
      LanguageFor(SchemaType::kAvro)
          ->Parse(Text("", R"({"type":"record","name":"O","fields":[{"name":"a","type":"A"}]})"),
                  {});
  EXPECT_FALSE(unresolved.has_value());
}

TEST(LanguageParse, JsonSchemaReferencesResolveByName) {
  auto customer = MustParse(SchemaType::kJson, R"({"type":"string"})");
  ASSERT_TRUE(customer);
  ParseOptions options;
  options.references = {{.name = "customer.json",
                         .identity = "c\0"
                                     "1",
                         .schema = customer}};
  EXPECT_TRUE(MustParse(SchemaType::kJson, R"({"$ref":"customer.json"})", options));
  EXPECT_FALSE(LanguageFor(SchemaType::kJson)
                   ->Parse(Text("", R"({"$ref":"customer.json"})"), {})
                   .has_value());
}

TEST(LanguageCheck, CheckAndDiffReachEachLanguagesEngine) {
  auto json_old = MustParse(SchemaType::kJson, kObject);
  auto json_new = MustParse(
      SchemaType::kJson,
      R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a","b"]})");
  ASSERT_TRUE(json_old && json_new);
  const Language& json = json_old->language();
  auto backward = json.Check(*json_old, *json_new, {});
  ASSERT_TRUE(backward.has_value());
  EXPECT_FALSE(backward->compatible());
  auto forward = json.Check(*json_new, *json_old, {});
  ASSERT_TRUE(forward.has_value());
  EXPECT_TRUE(forward->compatible());
  auto diff = json.Diff(*json_old, *json_new, {});
  ASSERT_TRUE(diff.has_value());
  EXPECT_EQ(Kinds(*diff), (std::vector<std::string>{"PROPERTY_ADDED", "REQUIRED_ADDED"}));

  auto avro_old = MustParse(SchemaType::kAvro, kRecord);
  auto avro_new = MustParse(
      SchemaType::kAvro,
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]})");
  ASSERT_TRUE(avro_old && avro_new);
  const Language& avro = avro_old->language();
  auto avro_backward = avro.Check(*avro_old, *avro_new, {});
  ASSERT_TRUE(avro_backward.has_value());
  EXPECT_EQ(Kinds(*avro_backward), std::vector<std::string>{"READER_FIELD_MISSING_DEFAULT_VALUE"});
  auto avro_diff = avro.Diff(*avro_old, *avro_new, {});
  ASSERT_TRUE(avro_diff.has_value());
  EXPECT_FALSE(avro_diff->compatible());
}

TEST(LanguageCheck, PoliciesAndDocumentsEachLanguageAccepts) {
  const Language* json = LanguageFor(SchemaType::kJson);
  const Language* avro = LanguageFor(SchemaType::kAvro);
  EXPECT_TRUE(json->accepts_policy(Policy::kLenient));
  EXPECT_TRUE(json->accepts_documents());
  EXPECT_FALSE(avro->accepts_policy(Policy::kLenient));
  EXPECT_TRUE(avro->accepts_policy(Policy::kStrict));
  EXPECT_FALSE(avro->accepts_documents());
  EXPECT_FALSE(json->diff_reads_references());
  EXPECT_TRUE(avro->diff_reads_references());
}

// The catalog's field table reads through references (issue #18): the
// referenced schema's fields appear under the referencing field, a cycle
// within a referenced schema stops (listed once as "ref"), and a pointer
// into a referenced document is followed.
TEST(LanguageFields, ReferencedSchemasAreExpandedUnderTheReferencingField) {
  auto customer = MustParse(SchemaType::kJson, R"({"type": "object",
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"},
                   "referrer": {"$ref": "#"}},
    "required": ["name"],
    "$defs": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}}})");
  ASSERT_TRUE(customer);
  ParseOptions with;
  with.references.push_back(ReferencedSchema{"customer.json",
                                             "customers\0"
                                             "1",
                                             customer});
  auto order = MustParse(SchemaType::kJson, R"({"type": "object",
    "properties": {"customer": {"$ref": "customer.json"},
                   "address": {"$ref": "customer.json#/$defs/address"}}})",
                         with);
  ASSERT_TRUE(order);
  std::vector<std::string> rows;
  for (const FieldInfo& f : order->language().Fields(*order, {}))
    rows.push_back(f.path + " " + f.type);
  EXPECT_EQ(rows, (std::vector<std::string>{"customer object", "customer.name string",
                                            "customer.address object",
                                            "customer.address.city string", "customer.referrer ref",
                                            "address object", "address.city string"}));

  auto money = MustParse(SchemaType::kAvro, R"({"type": "record", "name": "Money",
    "namespace": "acme", "fields": [{"name": "units", "type": "long"}]})");
  ASSERT_TRUE(money);
  ParseOptions avro_with;
  avro_with.references.push_back(ReferencedSchema{"acme.Money",
                                                  "money\0"
                                                  "1",
                                                  money});
  auto priced = MustParse(SchemaType::kAvro, R"({"type": "record", "name": "Priced",
    "namespace": "acme", "fields": [{"name": "price", "type": "acme.Money"}]})",
                          avro_with);
  ASSERT_TRUE(priced);
  rows.clear();
  for (const FieldInfo& f : priced->language().Fields(*priced, {})) {
    rows.push_back(f.path + " " + f.type);
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"price acme.Money", "price.units long"}));

  auto imported = MustParse(SchemaType::kProtobuf,
                            "syntax = \"proto3\";\npackage acme.money;\n"
                            "message Money { int64 units = 1; }\n");
  ASSERT_TRUE(imported);
  ParseOptions proto_with;
  proto_with.references.push_back(ReferencedSchema{"acme/money.proto",
                                                   "money\0"
                                                   "1",
                                                   imported});
  auto importer = MustParse(SchemaType::kProtobuf,
                            "syntax = \"proto3\";\npackage acme;\n"
                            "import \"acme/money.proto\";\n"
                            "message Priced { acme.money.Money price = 1; }\n",
                            proto_with);
  ASSERT_TRUE(importer);
  rows.clear();
  for (const FieldInfo& f : importer->language().Fields(*importer, {})) {
    rows.push_back(f.path + " " + f.type);
  }
  EXPECT_EQ(rows,
            (std::vector<std::string>{"price message acme.money.Money", "price.units int64"}));
}

// A break inside a referenced schema names the document it is in (issue
// #18): the finding's pointer is that document's, and the document is the
// reference's name; a pointer into the checked schema names none.
struct Located {
  std::string writer_document, writer_path, reader_document, reader_path;
  friend bool operator==(const Located&, const Located&) = default;
};
std::vector<Located> Locations(const Report& r) {
  std::vector<Located> out;
  for (const Finding& f : r.findings) {
    out.push_back({f.writer_document, f.writer_path, f.reader_document, f.reader_path});
  }
  return out;
}
void PrintTo(const Located& l, std::ostream* os) {
  *os << l.writer_document << "#" << l.writer_path << " -> " << l.reader_document << "#"
      << l.reader_path;
}

ParseOptions WithReference(std::string name, std::shared_ptr<const Schema> schema) {
  ParseOptions options;
  options.references.push_back(ReferencedSchema{name, name + ":1", std::move(schema)});
  return options;
}

TEST(LanguageCheck, JsonSchemaFindingInsideAReferenceNamesItsDocument) {
  auto v1 =
      MustParse(SchemaType::kJson, R"({"type":"object","properties":{"tier":{"type":"string"}}})");
  auto v2 =
      MustParse(SchemaType::kJson, R"({"type":"object","properties":{"tier":{"type":"integer"}}})");
  ASSERT_TRUE(v1 && v2);
  const std::string order = R"({"type":"object","properties":{"customer":{"$ref":"customer.json"},
    "tier":{"type":"string"}}})";
  auto old_order = MustParse(SchemaType::kJson, order, WithReference("customer.json", v1));
  auto new_order = MustParse(SchemaType::kJson, order, WithReference("customer.json", v2));
  ASSERT_TRUE(old_order && new_order);
  auto report = old_order->language().Check(*old_order, *new_order, {});
  ASSERT_TRUE(report.has_value());
  // (/properties/tier is also a pointer of order.json itself: only the
  // document tells the two apart.)
  EXPECT_EQ(Locations(*report), (std::vector<Located>{{"customer.json", "/properties/tier",
                                                       "customer.json", "/properties/tier/type"}}));
  auto diff = old_order->language().Diff(*old_order, *new_order, {});
  ASSERT_TRUE(diff.has_value());
  EXPECT_EQ(Locations(*diff),
            (std::vector<Located>{
                {"customer.json", "/properties/tier", "customer.json", "/properties/tier/type"},
                {"customer.json", "/properties/tier", "customer.json", "/properties/tier/type"}}));
  ASSERT_EQ(diff->findings.size(), 2u);
  EXPECT_EQ(diff->findings[0].direction, Direction::kBackward);
  EXPECT_EQ(OldDocument(diff->findings[1]), "customer.json");
  EXPECT_EQ(NewPath(diff->findings[1]), "/properties/tier");
}

TEST(LanguageCheck, AvroFindingInsideAReferencedNamedTypeNamesItsDocument) {
  auto v1 = MustParse(SchemaType::kAvro, R"({"type":"record","name":"Customer",
    "namespace":"acme","fields":[{"name":"name","type":"string"}]})");
  auto v2 = MustParse(SchemaType::kAvro, R"({"type":"record","name":"Customer",
    "namespace":"acme","fields":[{"name":"name","type":"string"},{"name":"tier","type":"string"}]})");
  ASSERT_TRUE(v1 && v2);
  const std::string order = R"({"type":"record","name":"Order","namespace":"acme",
    "fields":[{"name":"id","type":"string"},{"name":"customer","type":"acme.Customer"}]})";
  auto old_order = MustParse(SchemaType::kAvro, order, WithReference("acme.Customer", v1));
  auto new_order = MustParse(SchemaType::kAvro, order, WithReference("acme.Customer", v2));
  ASSERT_TRUE(old_order && new_order);
  auto report = old_order->language().Check(*old_order, *new_order, {});
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(Locations(*report),
            (std::vector<Located>{{"acme.Customer", "", "acme.Customer", "/fields/1"}}));
  auto diff = old_order->language().Diff(*old_order, *new_order, {});
  ASSERT_TRUE(diff.has_value());
  for (const Finding& f : diff->findings) {
    EXPECT_EQ(f.writer_document, "acme.Customer") << f.kind.name();
    EXPECT_EQ(f.reader_document, "acme.Customer") << f.kind.name();
  }
}

TEST(LanguageCheck, ProtobufFindingInsideAnImportNamesItsDocument) {
  auto v1 = MustParse(SchemaType::kProtobuf,
                      "syntax = \"proto3\";\npackage acme.money;\n"
                      "message Money { int64 units = 1; }\n");
  auto v2 = MustParse(SchemaType::kProtobuf,
                      "syntax = \"proto3\";\npackage acme.money;\n"
                      "message Money { string units = 1; }\n");
  ASSERT_TRUE(v1 && v2);
  const std::string order =
      "syntax = \"proto3\";\npackage acme;\nimport \"acme/money.proto\";\n"
      "message Priced { acme.money.Money price = 1; string units = 2; }\n";
  auto old_order = MustParse(SchemaType::kProtobuf, order, WithReference("acme/money.proto", v1));
  auto new_order = MustParse(SchemaType::kProtobuf, order, WithReference("acme/money.proto", v2));
  ASSERT_TRUE(old_order && new_order);
  auto report = old_order->language().Check(*old_order, *new_order, {});
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(Locations(*report), (std::vector<Located>{{"acme/money.proto", "/Money/units",
                                                       "acme/money.proto", "/Money/units"}}));
}

TEST(LanguageFields, EachLanguageListsItsFields) {
  auto json = MustParse(SchemaType::kJson, kObject);
  auto avro = MustParse(SchemaType::kAvro, kRecord);
  ASSERT_TRUE(json && avro);
  std::vector<FieldInfo> jf = json->language().Fields(*json, "");
  ASSERT_EQ(jf.size(), 1u);
  EXPECT_EQ(jf[0].path, "a");
  EXPECT_EQ(jf[0].type, "integer");
  EXPECT_TRUE(jf[0].required);
  std::vector<FieldInfo> af = avro->language().Fields(*avro, "");
  ASSERT_EQ(af.size(), 1u);
  EXPECT_EQ(af[0].path, "a");
  EXPECT_EQ(af[0].type, "int");
  EXPECT_TRUE(af[0].required);
  // Field numbers, labels and oneofs are Protobuf's alone.
  for (const FieldInfo& f : {jf[0], af[0]}) {
    EXPECT_EQ(f.number, 0);
    EXPECT_EQ(f.label, "");
    EXPECT_EQ(f.oneof, "");
  }
}

TEST(LanguageLint, EachLanguageSpellsTheOwnerAttributeItsWay) {
  lint::Config config;
  for (SchemaType type : {SchemaType::kJson, SchemaType::kAvro}) {
    const std::string text =
        type == SchemaType::kJson
            ? R"({"description":"d","x-owner":"team"})"
            : R"({"type":"record","name":"R","doc":"d","owner":"team","fields":[]})";
    const SchemaSource owned = Loaded("s.json", text);
    lint::Input in;
    in.type = type;
    in.source = &owned;
    EXPECT_TRUE(lint::Lint(in, config).empty()) << SchemaTypeName(type);
  }
  // A Protobuf file without messages has nothing inside to lint.
  const SchemaSource proto = Text("o.proto", "syntax = \"proto3\";");
  lint::Input in;
  in.type = SchemaType::kProtobuf;
  in.source = &proto;
  EXPECT_TRUE(lint::Lint(in, config).empty());
}

TEST(LanguageEvents, EachLanguageValidatesExampleEvents) {
  auto json = MustParse(SchemaType::kJson, kObject);
  auto avro = MustParse(SchemaType::kAvro, kRecord);
  ASSERT_TRUE(json && avro);
  auto jv = json->language().NewEventValidator(*json, {});
  ASSERT_TRUE(jv.has_value());
  auto av = avro->language().NewEventValidator(*avro, {});
  ASSERT_TRUE(av.has_value());
  auto good = ParseJson(R"({"a": 1})");
  auto bad = ParseJson(R"({"a": "x"})");
  ASSERT_TRUE(good && bad);
  for (const auto* v : {&**jv, &**av}) {
    EXPECT_TRUE(v->Validate(good->root, jsonschema::StopMode::kAllFailures).valid);
    jsonschema::ValidationResult r = v->Validate(bad->root, jsonschema::StopMode::kAllFailures);
    ASSERT_EQ(r.failures.size(), 1u);
    EXPECT_EQ(r.failures[0].instance_location, "/a");
  }
  jsonschema::ValidationResult jr = (*jv)->Validate(bad->root, jsonschema::StopMode::kAllFailures);
  EXPECT_EQ((*jv)->FailureLine(jr.failures[0], "s.json"),
            "/a: " + jr.failures[0].message + " [s.json#/properties/a/type]");
  EXPECT_FALSE((*jv)->PointsAtColumns());
  jsonschema::ValidationResult ar = (*av)->Validate(bad->root, jsonschema::StopMode::kAllFailures);
  EXPECT_EQ((*av)->FailureLine(ar.failures[0], "r.avsc"),
            "a: " + ar.failures[0].message + " [r.avsc]");
  EXPECT_TRUE((*av)->PointsAtColumns());
}

constexpr const char* kOrderProto = R"(syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";
import "customer.proto";
message Order {
  string id = 1;
  repeated int64 quantities = 2;
  acme.Customer customer = 3;
  google.protobuf.Timestamp at = 4;
}
)";
constexpr const char* kCustomerProto =
    "syntax = \"proto3\";\npackage acme;\nmessage Customer { string email = 1; }\n";

TEST(LanguageProtobuf, ProtoFilesAreProtobufByNameAndByText) {
  const Language* proto = LanguageFor(SchemaType::kProtobuf);
  EXPECT_EQ(LanguageForFileName("order.proto"), proto);
  EXPECT_FALSE(proto->document_syntax().has_value());
  EXPECT_EQ(proto->Detect(Text("", "message M {}")), Detection::kSure);
  EXPECT_EQ(proto->Detect(Text("", kObject)), Detection::kNo);
  EXPECT_EQ(proto->Detect(Loaded("o.json", kObject)), Detection::kNo);
  EXPECT_TRUE(proto->accepts_policy(Policy::kStrict));
  EXPECT_FALSE(proto->accepts_policy(Policy::kLenient));
  EXPECT_FALSE(proto->accepts_documents());
}

TEST(LanguageProtobuf, ReferencesResolveImportsByNameAndCanonicalFormIgnoresSpelling) {
  auto customer = MustParse(SchemaType::kProtobuf, kCustomerProto);
  ASSERT_TRUE(customer);
  ParseOptions options;
  options.references.push_back(ReferencedSchema{"customer.proto", "customer:1", customer});
  auto order = MustParse(SchemaType::kProtobuf, kOrderProto, options);
  ASSERT_TRUE(order);
  EXPECT_EQ(order->type(), SchemaType::kProtobuf);
  EXPECT_EQ(order->source().text, kOrderProto);
  // Without the reference the import is unknown.
  auto missing = LanguageFor(SchemaType::kProtobuf)->Parse(Text("", kOrderProto), {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  // Whitespace, comments and `.acme.Customer` vs `Customer`: one canonical form.
  std::string respelled = kOrderProto;
  respelled.replace(respelled.find("acme.Customer"), 13, "  .acme.Customer // who\n");
  auto again = MustParse(SchemaType::kProtobuf, respelled, options);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->canonical(), order->canonical());
  EXPECT_EQ(again->fingerprint(), order->fingerprint());
  EXPECT_NE(again->source().text, order->source().text);
}

TEST(LanguageProtobuf, CheckDiffFieldsLintAndEventsReachTheEngine) {
  const char* v1 = "syntax = \"proto3\"; message M { int32 a = 1; string email = 2; }";
  const char* v2 = "syntax = \"proto3\"; message M { string a = 1; string email = 2; }";
  auto w = MustParse(SchemaType::kProtobuf, v1);
  auto r = MustParse(SchemaType::kProtobuf, v2);
  ASSERT_TRUE(w && r);
  const Language& proto = w->language();
  auto check = proto.Check(*w, *r, {});
  ASSERT_TRUE(check.has_value());
  EXPECT_EQ(Kinds(*check), (std::vector<std::string>{"FIELD_SCALAR_KIND_CHANGED"}));
  auto same = proto.Check(*w, *w, {});
  ASSERT_TRUE(same.has_value());
  EXPECT_TRUE(same->findings.empty());
  auto diff = proto.Diff(*w, *r, {});
  ASSERT_TRUE(diff.has_value());
  EXPECT_EQ(Kinds(*diff),
            (std::vector<std::string>{"FIELD_SCALAR_KIND_CHANGED", "FIELD_SCALAR_KIND_CHANGED"}));

  std::vector<std::string> paths;
  std::vector<std::string> types;
  for (const FieldInfo& f : proto.Fields(*w, "")) {
    paths.push_back(f.path);
    types.push_back(f.type);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"a", "email"}));
  EXPECT_EQ(types, (std::vector<std::string>{"int32", "string"}));
  // Number, label ("singular" where the .proto writes none) and oneof.
  auto shapes = MustParse(SchemaType::kProtobuf,
                          "syntax = \"proto3\"; message M { repeated int64 r = 3; "
                          "map<string, int32> m = 4; optional bool o = 5; "
                          "oneof pay { string card = 6; } }");
  ASSERT_TRUE(shapes);
  std::vector<std::string> rows;
  for (const FieldInfo& f : proto.Fields(*shapes, "")) {
    rows.push_back(f.path + " " + std::to_string(f.number) + " " + f.type + " " + f.label + " " +
                   f.oneof + (f.required ? " required" : ""));
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"r 3 int64 repeated ", "m 4 map<string, int32> map ",
                                            "o 5 bool optional ", "card 6 string singular pay"}));
  // The message named (the catalog's `message`), else the file's first.
  auto two = MustParse(SchemaType::kProtobuf,
                       "syntax = \"proto3\"; package p; message A { int32 a = 1; } "
                       "message B { string b = 1; int64 c = 2; } message E {}");
  ASSERT_TRUE(two);
  auto paths_of = [&](std::string_view event_type) {
    std::vector<std::string> out;
    for (const FieldInfo& f : proto.Fields(*two, event_type)) out.push_back(f.path);
    return out;
  };
  EXPECT_EQ(paths_of("p.B"), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(paths_of(""), (std::vector<std::string>{"a"}));
  EXPECT_EQ(paths_of("p.Missing"), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(paths_of("p.E").empty());  // a message without fields is still that message

  lint::Config config;
  lint::Context context(config, "");
  proto.Lint(Text("m.proto", v1), context);
  std::vector<std::string> rules;
  for (const lint::Finding& f : context.Take()) rules.push_back(f.rule);
  EXPECT_EQ(rules, (std::vector<std::string>{"pii-unmarked"}));

  auto validator = proto.NewEventValidator(*w, {});
  ASSERT_TRUE(validator.has_value());
  auto good = Parse(R"({"a": 5, "email": "x@example.com"})", "e.json");
  auto bad = Parse(R"({"a": "five"})", "e.json");
  ASSERT_TRUE(good && bad);
  EXPECT_TRUE((*validator)->Validate(good->root, jsonschema::StopMode::kAllFailures).valid);
  auto result = (*validator)->Validate(bad->root, jsonschema::StopMode::kAllFailures);
  EXPECT_FALSE(result.valid);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].keyword_location, "M");
}

}  // namespace
TEST(LanguageProtobuf, ImportsListTheFilesToSupplyWithTheirPositionsBuiltInsLeftOut) {
  const Language* proto = LanguageFor(SchemaType::kProtobuf);
  auto imports = proto->Imports(Text("order.proto", kOrderProto));
  ASSERT_TRUE(imports.has_value()) << imports.error().ToString();
  ASSERT_EQ(imports->size(), 1u);
  EXPECT_EQ((*imports)[0].name, "customer.proto");
  EXPECT_EQ((*imports)[0].position, (Position{4, 1}));
  EXPECT_TRUE(proto->imports_files());
  auto broken = proto->Imports(Text("b.proto", "import \"x.proto\""));
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().code, ErrorCode::kSyntax);
  for (SchemaType type : {SchemaType::kJson, SchemaType::kAvro}) {
    const Language* other = LanguageFor(type);
    EXPECT_FALSE(other->imports_files());
    auto none = other->Imports(Loaded("o.json", kObject));
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
  }
}

TEST(LanguageProtobuf, LintReadsTheReferencesItIsGiven) {
  const char* main = R"(syntax = "proto3";
import "customer.proto";
message M { string email = 1; }
)";
  auto customer = MustParse(SchemaType::kProtobuf, kCustomerProto);
  ASSERT_TRUE(customer);
  std::vector<ReferencedSchema> references{
      ReferencedSchema{"customer.proto", "customer:1", customer}};
  lint::Config config;
  const Language* proto = LanguageFor(SchemaType::kProtobuf);
  lint::Context without(config, "");
  proto->Lint(Text("m.proto", main), without);
  EXPECT_TRUE(without.Take().empty());  // the import is unknown: nothing to read
  lint::Context with(config, "", &references);
  proto->Lint(Text("m.proto", main), with);
  std::vector<std::string> rules;
  for (const lint::Finding& f : with.Take()) rules.push_back(f.rule);
  EXPECT_EQ(rules, (std::vector<std::string>{"pii-unmarked"}));
}

TEST(LanguageProtobuf, EventTypeIsTheNamedMessageOrTheOnlyTopLevelOne) {
  const char* two = R"(syntax = "proto3";
package acme.shop;
message Order { message Item { string sku = 1; } repeated Item items = 1; }
message Refund { string order_id = 1; }
)";
  auto schema = MustParse(SchemaType::kProtobuf, two);
  ASSERT_TRUE(schema);
  const Language& proto = schema->language();
  auto named = [&](std::string_view wanted) {
    auto r = proto.EventType(*schema, wanted);
    return r ? *r : "error: " + r.error().message;
  };
  EXPECT_EQ(named("Refund"), "acme.shop.Refund");
  EXPECT_EQ(named("acme.shop.Order"), "acme.shop.Order");
  EXPECT_EQ(named(".acme.shop.Order"), "acme.shop.Order");
  EXPECT_EQ(named("Order.Item"), "acme.shop.Order.Item");
  EXPECT_EQ(named("Parcel"),
            "error: the Protobuf schema has no message 'Parcel' (its messages: Order, Order.Item "
            "and Refund)");
  auto ambiguous = proto.EventType(*schema, "");
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(ambiguous.error().message,
            "the Protobuf schema holds 2 messages (Order and Refund): name the one the events are");
  // One top-level message (nested ones are its parts): that one.
  auto one = MustParse(SchemaType::kProtobuf, kCustomerProto);
  ASSERT_TRUE(one);
  auto only = proto.EventType(*one, "");
  ASSERT_TRUE(only.has_value());
  EXPECT_EQ(*only, "acme.Customer");

  // The validator checks events against the message named.
  EventValidatorOptions options;
  options.event_type = "acme.shop.Refund";
  auto validator = proto.NewEventValidator(*schema, options);
  ASSERT_TRUE(validator.has_value());
  auto refund = Parse(R"({"orderId": "o-1"})", "e.json");
  auto order = Parse(R"({"items": []})", "e.json");
  ASSERT_TRUE(refund && order);
  EXPECT_TRUE((*validator)->Validate(refund->root, jsonschema::StopMode::kAllFailures).valid);
  EXPECT_FALSE((*validator)->Validate(order->root, jsonschema::StopMode::kAllFailures).valid);
}

TEST(LanguageEvents, LanguagesWhoseSchemaIsTheEventTypeRefuseAMessageName) {
  auto json = MustParse(SchemaType::kJson, kObject);
  ASSERT_TRUE(json);
  auto none = json->language().EventType(*json, "");
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, "");
  auto named = json->language().EventType(*json, "Order");
  ASSERT_FALSE(named.has_value());
  EXPECT_EQ(named.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(named.error().message,
            "JSON Schema schemas have no messages to choose from (asked for 'Order')");
}

// A JSON schema of 64 KiB or more keeps the compilation its parse made, and
// the witness judge of a check or diff validates with it instead of
// compiling the schema again. The report must be the one the engine gives
// when it compiles its own: same findings, messages and witnesses, in both
// directions (a changed type breaks both; added required names break one).
TEST(JsonSchemaLanguage, LargeSchemasKeepTheirCompilationAndJudgeAlike) {
  auto schema = [](const std::string& required, bool changed) {
    std::string s = R"({"type":"object","required":)" + required + R"(,"properties":{)";
    for (int i = 0; i < 2000; ++i) {
      if (i > 0) s += ",";
      s += "\"p" + std::to_string(i) + "\":";
      if (i == 3) {
        s += changed ? R"({"type":"string","format":"email"})" : R"({"type":"integer"})";
      } else {
        s += R"({"type":"integer","description":"field number )" + std::to_string(i) + "\"}";
      }
    }
    return s + "}}";
  };
  const std::string old_text = schema(R"(["p0"])", false);
  const std::string new_text = schema(R"(["p0","p1","p2"])", true);
  ASSERT_GE(old_text.size(), 64u * 1024);
  auto old_schema = MustParse(SchemaType::kJson, old_text);
  auto new_schema = MustParse(SchemaType::kJson, new_text);
  ASSERT_TRUE(old_schema && new_schema);
  auto through_language = LanguageFor(SchemaType::kJson)->Diff(*old_schema, *new_schema, {});
  ASSERT_TRUE(through_language) << through_language.error().ToString();

  JsonSchemaCheckOptions own;  // as the language sets them, without compilations
  own.default_dialect = ParseOptions{}.dialect;
  own.format = CheckOptions{}.format;
  auto old_doc = Parse(old_text, "old");
  auto new_doc = Parse(new_text, "new");
  ASSERT_TRUE(old_doc && new_doc);
  auto engine = DiffJsonSchema(old_doc->root, new_doc->root, own);
  ASSERT_TRUE(engine) << engine.error().ToString();

  auto rows = [](const Report& r) {
    std::vector<std::string> out;
    for (const Finding& f : r.findings) {
      out.push_back(std::string(f.kind.name()) + " " + std::string(SeverityName(f.severity)) + " " +
                    f.writer_path + " " + f.reader_path + " " + f.message + " witness " +
                    (f.witness ? json::ToJson(*f.witness) : std::string("-")));
    }
    return out;
  };
  const std::vector<std::string> expected = rows(*engine);
  EXPECT_EQ(rows(*through_language), expected);
  std::size_t with_witness = 0;
  for (const Finding& f : engine->findings) with_witness += f.witness ? 1 : 0;
  EXPECT_EQ(with_witness, 4u) << ::testing::PrintToString(expected);
}

}  // namespace accord::compat

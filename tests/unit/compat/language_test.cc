// The table of schema languages (compat/language.h): which types have a
// language, content detection, and each operation reaching its engine.
#include "accord/compat/language.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  EXPECT_EQ(LanguageFor(SchemaType::kProtobuf), nullptr);  // not implemented yet
}

TEST(LanguageTable, RowsAreInWireOrderOnePerType) {
  std::vector<SchemaType> types;
  for (const Language* l : Languages()) types.push_back(l->type());
  EXPECT_EQ(types, (std::vector<SchemaType>{SchemaType::kJson, SchemaType::kAvro}));
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
  // Text no language reads.
  EXPECT_EQ(DetectLanguage(Text("", "syntax = \"proto3\";")), nullptr);
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

TEST(LanguageFields, EachLanguageListsItsFields) {
  auto json = MustParse(SchemaType::kJson, kObject);
  auto avro = MustParse(SchemaType::kAvro, kRecord);
  ASSERT_TRUE(json && avro);
  std::vector<FieldInfo> jf = json->language().Fields(*json);
  ASSERT_EQ(jf.size(), 1u);
  EXPECT_EQ(jf[0].path, "a");
  EXPECT_EQ(jf[0].type, "integer");
  EXPECT_TRUE(jf[0].required);
  std::vector<FieldInfo> af = avro->language().Fields(*avro);
  ASSERT_EQ(af.size(), 1u);
  EXPECT_EQ(af[0].path, "a");
  EXPECT_EQ(af[0].type, "int");
  EXPECT_TRUE(af[0].required);
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
  // No language, nothing inside the schema to lint: only the subject rules.
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

}  // namespace
}  // namespace accord::compat

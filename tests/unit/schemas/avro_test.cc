// Avro schemas (avro.h): parsing, names and namespaces, validation errors,
// logical types, defaults, content detection, Parsing Canonical Form and the
// CRC-64-AVRO fingerprint.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "accord/schemas/avro.h"
#include "accord/schemas/load.h"

namespace accord::avro {
namespace {

Schema MustParse(std::string_view text, const ParseOptions& options = {}) {
  auto s = ParseText(text, options);
  EXPECT_TRUE(s.has_value()) << text << ": " << (s ? "" : s.error().ToString());
  return s ? std::move(*s) : Schema();
}

json::Value J(std::string_view text) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? doc->root : json::Value();
}

// Expected canonical forms and fingerprints were computed with Apache Avro's
// Java implementation (Debian libavro-java 1.8.2,
// SchemaNormalization.toParsingForm / parsingFingerprint64) by
// tests/conformance/avro/reference/AvroCanonical.java; the fingerprint is
// printed as the unsigned 64-bit value.
struct CanonicalCase {
  const char* schema;
  const char* canonical;
  std::uint64_t fingerprint;
};
const CanonicalCase kCanonicalCases[] =
    {
        {R"__("null")__", R"__("null")__", 0x63dd24e7cc258f8aULL},
        {R"__("int")__", R"__("int")__", 0x7275d51a3f395c8fULL},
        {R"__({"type":"long"})__", R"__("long")__", 0xd054e14493f41db7ULL},
        {R"__({"type":"string","logicalType":"uuid"})__", R"__("string")__", 0x8f014872634503c7ULL},
        {R"__({"type":"int","logicalType":"date","doc":"d"})__", R"__("int")__",
         0x7275d51a3f395c8fULL},
        {R"__({"type":"bytes","logicalType":"decimal","precision":9,"scale":2})__",
         R"__("bytes")__", 0x4fc016dac3201965ULL},
        {R"__({"type":"array","items":"double","x-custom":1})__",
         R"__({"type":"array","items":"double"})__", 0x1fb436ea84825cfaULL},
        {R"__({"type":"map","values":{"type":"array","items":"bytes"}})__",
         R"__({"type":"map","values":{"type":"array","items":"bytes"}})__", 0x33b25761fb6b04c9ULL},
        {R"__(["null","string",{"type":"array","items":"int"}])__",
         R"__(["null","string",{"type":"array","items":"int"}])__", 0xb38672b99bd68dabULL},
        {R"__({"type":"fixed","name":"MD5","namespace":"org.example","size":16,"aliases":["Hash"]})__",
         R"__({"name":"org.example.MD5","type":"fixed","size":16})__", 0x9b5ac31adb8778f9ULL},
        {R"__({"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"],"default":"SPADES","doc":"cards"})__",
         R"__({"name":"Suit","type":"enum","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]})__",
         0x86d82b5e3a471896ULL},
        {R"__({"type":"record","name":"Empty","fields":[]})__",
         R"__({"name":"Empty","type":"record","fields":[]})__", 0x150967a5a2718634ULL},
        {R"__({"namespace":"com.acme.orders","type":"record","name":"OrderPlaced","doc":"an order","aliases":["OrderCreated"],"fields":[{"name":"id","type":{"type":"string","logicalType":"uuid"},"doc":"order id"},{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"],"default":"NEW"},"default":"NEW"},{"name":"ship_to","type":["null",{"type":"record","name":"Address","namespace":"com.acme.common","fields":[{"name":"street","type":"string"},{"name":"zip","type":["null","string"],"default":null}]}],"default":null},{"name":"bill_to","type":"com.acme.common.Address"},{"name":"placed_at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"tags","type":{"type":"map","values":"string"},"default":{}},{"name":"next_status","type":"Status","order":"descending"}]})__",
         R"__({"name":"com.acme.orders.OrderPlaced","type":"record","fields":[{"name":"id","type":"string"},{"name":"amount","type":"bytes"},{"name":"status","type":{"name":"com.acme.orders.Status","type":"enum","symbols":["NEW","PAID","SHIPPED"]}},{"name":"ship_to","type":["null",{"name":"com.acme.common.Address","type":"record","fields":[{"name":"street","type":"string"},{"name":"zip","type":["null","string"]}]}]},{"name":"bill_to","type":"com.acme.common.Address"},{"name":"placed_at","type":"long"},{"name":"tags","type":{"type":"map","values":"string"}},{"name":"next_status","type":"com.acme.orders.Status"}]})__",
         0x773ae80673facc5dULL},
        {R"__({"type":"record","name":"LinkedList","namespace":"ex","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","LinkedList"],"default":null}]})__",
         R"__({"name":"ex.LinkedList","type":"record","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","ex.LinkedList"]}]})__",
         0xb1c05f290be09a01ULL},
        {R"__({"type":"record","name":"Tree","fields":[{"name":"children","type":{"type":"array","items":"Tree"},"default":[]},{"name":"label","type":"string","default":"a\"b\\c"}]})__",
         R"__({"name":"Tree","type":"record","fields":[{"name":"children","type":{"type":"array","items":"Tree"}},{"name":"label","type":"string"}]})__",
         0xb46b1dff405acf95ULL},
        {R"__({"type":"record","name":"a.b.Outer","fields":[{"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"e","type":{"type":"enum","name":"x.E","symbols":["A"]}},{"name":"f","type":{"type":"fixed","name":"F","size":4}}]}},{"name":"again","type":"a.b.Inner"},{"name":"e2","type":"x.E"},{"name":"f2","type":"F"}]})__", R"__({"name":"a.b.Outer","type":"record","fields":[{"name":"inner","type":{"name":"a.b.Inner","type":"record","fields":[{"name":"e","type":{"name":"x.E","type":"enum","symbols":["A"]}},{"name":"f","type":{"name":"a.b.F","type":"fixed","size":4}}]}},{"name":"again","type":"a.b.Inner"},{"name":"e2","type":"x.E"},{"name":"f2","type":"a.b.F"}]})__",
         0x34a35ffffbd830dbULL},
        {R"__({"type":"record","name":"Everything","namespace":"t","fields":[{"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"by","type":"bytes"},{"name":"s","type":"string"},{"name":"u","type":["int","long","float","double","string","bytes","boolean","null"]}]})__",
         R"__({"name":"t.Everything","type":"record","fields":[{"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"by","type":"bytes"},{"name":"s","type":"string"},{"name":"u","type":["int","long","float","double","string","bytes","boolean","null"]}]})__",
         0x15ff1cafca037a3cULL},
        {R"__({"type":"error","name":"Failure","fields":[{"name":"message","type":"string"}]})__",
         R"__({"name":"Failure","type":"record","fields":[{"name":"message","type":"string"}]})__",
         0xe36ded20389dfd7eULL},
        {R"__({"type":"record","name":"Unicode","fields":[{"name":"s","type":"string","doc":"h\u00e9llo \u2603"}]})__",
         R"__({"name":"Unicode","type":"record","fields":[{"name":"s","type":"string"}]})__",
         0x73b1345a96baf1b5ULL},
};

// Rule: Parsing Canonical Form ([PRIMITIVES] [FULLNAMES] [STRIP] [ORDER]
// [STRINGS] [INTEGERS] [WHITESPACE]) and CRC-64-AVRO equal the reference
// implementation's for every case.
TEST(AvroCanonical, MatchesReferenceImplementation) {
  for (const CanonicalCase& c : kCanonicalCases) {
    Schema s = MustParse(c.schema);
    EXPECT_EQ(CanonicalForm(s), c.canonical) << c.schema;
    EXPECT_EQ(Fingerprint64(s), c.fingerprint) << c.schema;
    EXPECT_EQ(Fingerprint64(std::string_view(c.canonical)), c.fingerprint) << c.schema;
    // Parse(json::Value) and ParseText's fast path build the same schema.
    auto from_value = Parse(J(c.schema));
    ASSERT_TRUE(from_value.has_value()) << c.schema;
    EXPECT_EQ(CanonicalForm(*from_value), c.canonical) << c.schema;
  }
}

// Rule: the fingerprint of no bytes is the specification's EMPTY constant.
TEST(AvroCanonical, EmptyFingerprintIsEmptyConstant) {
  EXPECT_EQ(Fingerprint64(std::string_view()), 0xc15d213aa4d7a795ULL);
  EXPECT_EQ(FingerprintHex(0x63dd24e7cc258f8aULL), "63dd24e7cc258f8a");
  EXPECT_EQ(FingerprintHex(0x1ULL), "0000000000000001");
}

// Rule: schemas equal up to doc, aliases, defaults, attribute order,
// whitespace and namespace spelling have one canonical form.
TEST(AvroCanonical, EquivalentSpellingsShareAFingerprint) {
  Schema a = MustParse(
      R"({"type":"record","name":"X","namespace":"n.s","fields":[{"name":"f","type":"int","default":1,"doc":"d"}]})");
  Schema b = MustParse(
      R"({ "fields" : [ {"type": {"type": "int"}, "name": "f"} ], "name": "n.s.X", "type": "record", "aliases": ["Y"] })");
  EXPECT_EQ(CanonicalForm(a), CanonicalForm(b));
  EXPECT_EQ(Fingerprint64(a), Fingerprint64(b));
}

// Rule (names): a dotted name is a full name and ignores "namespace"; an
// undotted name takes "namespace", else the enclosing namespace; "" is the
// null namespace.
TEST(AvroNames, FullNamesFollowInheritanceRules) {
  Schema s = MustParse(R"({"type":"record","name":"Outer","namespace":"a.b","fields":[
    {"name":"f1","type":{"type":"enum","name":"E","symbols":["X"]}},
    {"name":"f2","type":{"type":"fixed","name":"c.F","namespace":"ignored","size":1}},
    {"name":"f3","type":{"type":"record","name":"R","namespace":"","fields":[
       {"name":"g","type":{"type":"enum","name":"Inner","symbols":["Y"]}}]}},
    {"name":"f4","type":{"type":"record","name":"S","namespace":"d","fields":[]}}]})");
  EXPECT_NE(s.FindNamed("a.b.Outer"), nullptr);
  EXPECT_NE(s.FindNamed("a.b.E"), nullptr);
  EXPECT_NE(s.FindNamed("c.F"), nullptr);
  EXPECT_NE(s.FindNamed("R"), nullptr);
  EXPECT_NE(s.FindNamed("Inner"), nullptr);  // enclosing namespace of R is null
  EXPECT_NE(s.FindNamed("d.S"), nullptr);
  EXPECT_EQ(s.FindNamed("c.F")->name, "F");
  EXPECT_EQ(s.FindNamed("c.F")->space(), "c");
}

// Rule (references): an undotted reference resolves in the enclosing
// namespace, then in the null namespace; a dotted one is a full name.
TEST(AvroNames, ReferencesResolveInEnclosingThenNullNamespace) {
  Schema s = MustParse(R"({"type":"record","name":"Top","fields":[
    {"name":"a","type":{"type":"fixed","name":"Hash","size":4}},
    {"name":"b","type":{"type":"record","name":"Sub","namespace":"x","fields":[
      {"name":"h","type":"Hash"},{"name":"self","type":["null","Sub"]},{"name":"q","type":"x.Sub"}]}}]})");
  const Node* sub = s.FindNamed("x.Sub");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(s.node(sub->fields[0].type).full_name, "Hash");
  EXPECT_EQ(s.node(s.node(sub->fields[1].type).branches[1]).full_name, "x.Sub");
}

// Rule: the named types of referenced schemas (ParseOptions::references) are
// defined first, in order, and usable by name; a name defined by a reference
// and again by the schema is a duplicate.
TEST(AvroNames, ReferencedSchemasDefineNamedTypes) {
  auto money = ParseJson(R"({"type":"fixed","name":"Cents","namespace":"m","size":8})");
  auto price = ParseJson(R"({"type":"record","name":"Price","namespace":"m",
    "fields":[{"name":"amount","type":"Cents"}]})");
  ASSERT_TRUE(money && price);
  ParseOptions options;
  options.references = {&money->root, &price->root};
  auto doc =
      ParseJson(R"({"type":"record","name":"Item","fields":[{"name":"p","type":"m.Price"}]})");
  ASSERT_TRUE(doc);
  auto s = Parse(doc->root, options);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->node(s->root()).full_name, "Item");
  EXPECT_NE(s->FindNamed("m.Cents"), nullptr);
  // References in the wrong order: Price cannot use Cents before it exists.
  options.references = {&price->root, &money->root};
  auto wrong = Parse(doc->root, options);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find("referenced schema 1"), std::string::npos)
      << wrong.error().message;
  // Without references the name is unknown.
  EXPECT_FALSE(Parse(doc->root).has_value());
  auto dup = ParseJson(R"({"type":"fixed","name":"Cents","namespace":"m","size":8})");
  options.references = {&money->root};
  EXPECT_FALSE(Parse(dup->root, options).has_value());
}

// Rule: aliases of named types are stored as full names, resolved against
// the type's namespace; field aliases are kept as written.
TEST(AvroNames, AliasesResolveAgainstNamespace) {
  Schema s = MustParse(R"({"type":"record","name":"R","namespace":"n","aliases":["Old","m.Older"],
    "fields":[{"name":"f","type":"int","aliases":["g"]}]})");
  const Node& r = s.node(s.root());
  EXPECT_EQ(std::vector<std::string_view>(r.aliases().begin(), r.aliases().end()),
            (std::vector<std::string_view>{"n.Old", "m.Older"}));
  EXPECT_EQ(std::vector<std::string_view>(r.fields[0].aliases.begin(), r.fields[0].aliases.end()),
            (std::vector<std::string_view>{"g"}));
}

// Rule: the views of a Schema (names, lists, defaults) point into storage
// its copies share, so they stay valid after the original is gone; the
// fast path (ParseText) and Parse(json::Value) build the same model.
TEST(AvroModel, CopiesKeepTheirViewsValid) {
  constexpr std::string_view kText =
      R"({"type":"record","name":"R","namespace":"a.b","aliases":["Old"],"doc":"d","owner":"x",
          "fields":[{"name":"f","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"B"},
                     "default":"A","aliases":["g"]},
                    {"name":"u","type":["null",{"type":"fixed","name":"F","size":4}],"default":null}]})";
  std::optional<Schema> copy;
  {
    Schema original = MustParse(kText);
    copy = original;
  }
  std::optional<Schema> moved;
  {
    auto from_value = Parse(J(kText));
    ASSERT_TRUE(from_value.has_value());
    moved = std::move(*from_value);
  }
  for (const Schema* s : {&*copy, &*moved}) {
    const Node& r = s->node(s->root());
    EXPECT_EQ(r.full_name, "a.b.R");
    EXPECT_EQ(r.name, "R");
    EXPECT_EQ(r.space(), "a.b");
    ASSERT_EQ(r.aliases().size(), 1u);
    EXPECT_EQ(r.aliases()[0], "a.b.Old");
    EXPECT_EQ(r.doc(), "d");
    ASSERT_EQ(r.custom().size(), 1u);
    EXPECT_EQ(r.custom()[0].value, json::Value("x"));
    ASSERT_EQ(r.fields.size(), 2u);
    EXPECT_EQ(s->Pointer(r.fields[0].pointer), "/fields/0");
    ASSERT_NE(r.fields[0].default_value, nullptr);
    EXPECT_EQ(*r.fields[0].default_value, json::Value("A"));
    const Node& e = s->node(r.fields[0].type);
    EXPECT_EQ(s->Pointer(e.pointer), "/fields/0/type");
    ASSERT_EQ(e.symbols.size(), 2u);
    EXPECT_EQ(e.symbols[1], "B");
    EXPECT_EQ(e.enum_default(), std::optional<std::string_view>("B"));
    const Node& u = s->node(r.fields[1].type);
    ASSERT_EQ(u.branches.size(), 2u);
    EXPECT_EQ(s->node(u.branches[1]).full_name, "a.b.F");
    EXPECT_EQ(s->Pointer(s->node(u.branches[1]).pointer), "/fields/1/type/1");
    EXPECT_EQ(s->Pointer(r.pointer), "");
    EXPECT_EQ(s->FindNamed("a.b.E"), &e);
  }
  EXPECT_EQ(CanonicalForm(*copy), CanonicalForm(*moved));
}

// Rule: every node and field knows its JSON pointer (Schema::Pointer), for
// each kind of step: union branch, field, nested "type", "items", "values".
TEST(AvroModel, PointersOfNodesAndFields) {
  Schema s = MustParse(R"({"type":"record","name":"R","fields":[
      {"name":"a","type":{"type":"array","items":{"type":"map","values":["null",{"type":"int"}]}}},
      {"name":"b","type":{"type":{"type":"fixed","name":"F","size":2}}}]})");
  const Node& r = s.node(s.root());
  EXPECT_EQ(s.Pointer(r.fields[1].pointer), "/fields/1");
  const Node& arr = s.node(r.fields[0].type);
  EXPECT_EQ(s.Pointer(arr.pointer), "/fields/0/type");
  const Node& map = s.node(arr.items);
  EXPECT_EQ(s.Pointer(map.pointer), "/fields/0/type/items");
  const Node& u = s.node(map.items);
  EXPECT_EQ(s.Pointer(u.pointer), "/fields/0/type/items/values");
  EXPECT_EQ(s.Pointer(s.node(u.branches[1]).pointer), "/fields/0/type/items/values/1");
  EXPECT_EQ(s.Pointer(s.node(r.fields[1].type).pointer), "/fields/1/type/type");
  std::string out = "x";
  s.AppendPointer(r.fields[1].pointer, out);
  EXPECT_EQ(out, "x/fields/1");
  // A pointer of more steps than Schema::Pointer keeps on its stack.
  std::string text, expected;
  for (int i = 0; i < 100; ++i) {
    text += R"({"type":"array","items":)";
    expected += "/items";
  }
  text += R"("int")" + std::string(100, '}');
  Schema deep = MustParse(text);
  NodeId id = deep.root();
  for (int i = 0; i < 100; ++i) id = deep.node(id).items;
  EXPECT_EQ(deep.Pointer(deep.node(id).pointer), expected);
}

// Rule: strings larger than the schema's storage blocks are kept whole.
TEST(AvroModel, LongStringsAreKeptWhole) {
  std::string doc(20000, 'd');
  std::string name(5000, 'N');
  Schema s = MustParse(R"({"type":"record","name":")" + name + R"(","doc":")" + doc +
                       R"(","fields":[{"name":"f","type":"int","doc":")" + doc + R"("}]})");
  const Node& r = s.node(s.root());
  EXPECT_EQ(r.doc(), doc);
  EXPECT_EQ(r.full_name, name);
  EXPECT_EQ(r.fields[0].doc, doc);
  EXPECT_EQ(s.Pointer(s.node(r.fields[0].type).pointer), "/fields/0/type");
}

// Rule: many named types (past the linear lookup) resolve like a few.
TEST(AvroNames, ManyNamedTypes) {
  std::string text = R"({"type":"record","name":"R","namespace":"n","fields":[)";
  for (int i = 0; i < 40; ++i) {
    if (i > 0) text += ",";
    text += R"({"name":"f)" + std::to_string(i) + R"(","type":{"type":"fixed","name":"F)" +
            std::to_string(i) + R"(","size":1}})";
  }
  for (int i = 0; i < 40; ++i)
    text += R"(,{"name":"g)" + std::to_string(i) + R"(","type":"F)" + std::to_string(i) + "\"}";
  text += "]}";
  Schema s = MustParse(text);
  for (int i = 0; i < 40; ++i) {
    const Node* f = s.FindNamed("n.F" + std::to_string(i));
    ASSERT_NE(f, nullptr) << i;
    EXPECT_EQ(&s.node(s.node(s.root()).fields[40 + static_cast<std::size_t>(i)].type), f);
  }
  EXPECT_EQ(s.FindNamed("n.F40"), nullptr);
  // A name defined twice is still found to be a duplicate.
  std::string twice = text.substr(0, text.size() - 2) +
                      R"(,{"name":"h","type":{"type":"fixed","name":"F5","size":1}}]})";
  auto dup = ParseText(twice);
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().message.find("duplicate name: \"n.F5\""), std::string::npos)
      << dup.error().message;
}

// Rule: doc and custom attributes are kept on types and fields.
TEST(AvroModel, KeepsDocAndCustomAttributes) {
  Schema s = MustParse(R"({"type":"record","name":"R","doc":"a record","owner":"team-x",
    "fields":[{"name":"f","type":{"type":"string","avro.java.string":"String"},"doc":"the f","pii":true,"order":"descending"}]})");
  const Node& r = s.node(s.root());
  EXPECT_EQ(r.doc(), "a record");
  ASSERT_EQ(r.custom().size(), 1u);
  EXPECT_EQ(r.custom()[0].key, "owner");
  EXPECT_EQ(r.fields[0].doc, "the f");
  ASSERT_EQ(r.fields[0].custom.size(), 1u);
  EXPECT_EQ(r.fields[0].custom[0].key, "pii");
  EXPECT_EQ(r.fields[0].order, SortOrder::kDescending);
  EXPECT_EQ(s.node(r.fields[0].type).custom().size(), 1u);
}

// Rule: the logical types of the specification are recognised on their
// underlying types.
TEST(AvroLogicalTypes, RecognisedOnTheirUnderlyingTypes) {
  struct Case {
    const char* schema;
    LogicalType expected;
  };
  const Case cases[] = {
      {R"({"type":"bytes","logicalType":"decimal","precision":10,"scale":2})",
       LogicalType::kDecimal},
      {R"({"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18})",
       LogicalType::kDecimal},
      {R"({"type":"string","logicalType":"uuid"})", LogicalType::kUuid},
      {R"({"type":"int","logicalType":"date"})", LogicalType::kDate},
      {R"({"type":"int","logicalType":"time-millis"})", LogicalType::kTimeMillis},
      {R"({"type":"long","logicalType":"time-micros"})", LogicalType::kTimeMicros},
      {R"({"type":"long","logicalType":"timestamp-millis"})", LogicalType::kTimestampMillis},
      {R"({"type":"long","logicalType":"timestamp-micros"})", LogicalType::kTimestampMicros},
      {R"({"type":"long","logicalType":"local-timestamp-millis"})",
       LogicalType::kLocalTimestampMillis},
      {R"({"type":"long","logicalType":"local-timestamp-micros"})",
       LogicalType::kLocalTimestampMicros},
      {R"({"type":"fixed","name":"Dur","size":12,"logicalType":"duration"})",
       LogicalType::kDuration},
  };
  for (const Case& c : cases) {
    Schema s = MustParse(c.schema);
    EXPECT_EQ(s.node(s.root()).logical_type, c.expected) << c.schema;
    EXPECT_TRUE(s.warnings().empty()) << c.schema;
  }
  Schema d = MustParse(R"({"type":"bytes","logicalType":"decimal","precision":10,"scale":2})");
  EXPECT_EQ(d.node(d.root()).precision(), 10);
  EXPECT_EQ(d.node(d.root()).scale(), 2);
}

// Rule: an invalid logical type is ignored with a warning (specification),
// or rejected with strict_logical_types.
TEST(AvroLogicalTypes, InvalidOnesAreIgnoredOrRejectedWhenStrict) {
  const char* invalid[] = {
      R"({"type":"bytes","logicalType":"decimal","precision":4,"scale":5})",  // scale > precision
      R"({"type":"bytes","logicalType":"decimal","precision":0})",            // precision <= 0
      R"({"type":"bytes","logicalType":"decimal"})",                          // no precision
      R"({"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":5})",  // max 4
                                                                                        // digits
      R"({"type":"string","logicalType":"date"})",
      R"({"type":"fixed","name":"G","size":8,"logicalType":"duration"})",
  };
  ParseOptions strict;
  strict.strict_logical_types = true;
  for (const char* text : invalid) {
    Schema s = MustParse(text);
    EXPECT_EQ(s.node(s.root()).logical_type, LogicalType::kNone) << text;
    EXPECT_EQ(s.warnings().size(), 1u) << text;
    auto e = ParseText(text, strict);
    ASSERT_FALSE(e.has_value()) << text;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidSchema);
  }
  // Unknown logical types are allowed (custom ones exist) with a warning.
  Schema u = MustParse(R"({"type":"string","logicalType":"iso-country"})");
  EXPECT_EQ(u.node(u.root()).logical_type_name(), "iso-country");
  EXPECT_EQ(u.warnings().size(), 1u);
}

// Rule: errors name the path in Avro terms and as a JSON pointer, with the
// reason.
TEST(AvroErrors, NamePathAndReason) {
  struct Case {
    const char* schema;
    const char* pointer;
    const char* message;
  };
  const Case cases[] = {
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"Adress"}]})",
       "/fields/2/type", "fields[2].type: unknown type name \"Adress\""},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]})",
       "/fields/1/name", "fields[1].name: duplicate field name \"a\""},
      {R"({"type":"record","name":"R","fields":[{"name":"x","type":{"type":"record","name":"R","fields":[]}}]})",
       "/fields/0/type/name", "fields[0].type.name: duplicate name: \"R\""},
      {R"({"type":"record","name":"9lives","fields":[]})", "/name",
       "name: invalid name \"9lives\""},
      {R"({"type":"record","name":"R","fields":[{"name":"my-field","type":"int"}]})",
       "/fields/0/name", "invalid field name \"my-field\""},
      {R"({"type":"enum","name":"E","symbols":["A","A"]})", "/symbols/1",
       "duplicate enum symbol \"A\""},
      {R"({"type":"enum","name":"E","symbols":["A","B-C"]})", "/symbols/1", "invalid enum symbol"},
      {R"({"type":"enum","name":"E","symbols":["A"],"default":"Z"})", "/default",
       "not one of the symbols"},
      {R"(["null",["int","string"]])", "/1", "[1]: a union may not contain a union"},
      {R"(["string",{"type":"string"}])", "/1", "two branches of type \"string\""},
      {R"([{"type":"array","items":"int"},{"type":"array","items":"long"}])", "/1",
       "two branches of type \"array\""},
      {R"({"type":"fixed","name":"F","size":-1})", "/size",
       "\"size\" must be a non-negative integer"},
      {R"({"type":"record","name":"int","fields":[]})", "/name", "primitive type name"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]})",
       "/fields/0/default",
       "fields[0].default: bad default \"x\" for field \"a\": expected a 32-bit integer"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"x"}]})",
       "/fields/0/default", "first branch"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","default":2147483648}]})",
       "/fields/0/default", "32-bit integer"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":2},"default":"abc"}]})",
       "/fields/0/default", "2 code points"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"R"}}]})",
       nullptr, nullptr},
      {R"({"type":"map"})", "", "schema: map without \"values\""},
      {R"({"type":"record","name":"R"})", "", "record without \"fields\""},
      {R"(42)", "", "a schema must be a type name, an object or an array"},
      {R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]})",
       "/fields/0/order", "\"order\""},
  };
  for (const Case& c : cases) {
    auto s = ParseText(c.schema);
    if (c.pointer == nullptr) {
      EXPECT_TRUE(s.has_value()) << c.schema;
      continue;
    }
    ASSERT_FALSE(s.has_value()) << c.schema;
    // Both entry points report the same error.
    auto v = Parse(J(c.schema));
    ASSERT_FALSE(v.has_value()) << c.schema;
    EXPECT_EQ(v.error().pointer, s.error().pointer) << c.schema;
    EXPECT_EQ(v.error().message, s.error().message) << c.schema;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidSchema) << c.schema;
    EXPECT_EQ(s.error().pointer, c.pointer) << c.schema << " -> " << s.error().ToString();
    EXPECT_NE(s.error().message.find(c.message), std::string::npos)
        << c.schema << " -> " << s.error().message;
  }
}

// Rule: valid defaults for every type are accepted (union: first branch;
// bytes/fixed as strings of code points 0-255; records with nested defaults).
TEST(AvroDefaults, ValidDefaultsAccepted) {
  MustParse(R"({"type":"record","name":"R","fields":[
    {"name":"n","type":"null","default":null},
    {"name":"b","type":"boolean","default":true},
    {"name":"l","type":"long","default":9007199254740993},
    {"name":"d","type":"double","default":1},
    {"name":"f","type":"float","default":"NaN"},
    {"name":"by","type":"bytes","default":"\u00ff\u0000"},
    {"name":"fx","type":{"type":"fixed","name":"F","size":2},"default":"ab"},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]},"default":"B"},
    {"name":"a","type":{"type":"array","items":"E"},"default":["A","B"]},
    {"name":"m","type":{"type":"map","values":"int"},"default":{"k":1}},
    {"name":"u","type":["string","null"],"default":"s"},
    {"name":"r","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"},{"name":"y","type":"int","default":0}]},"default":{"x":1}}]})");
}

// Rule: text the fast path does not take (syntax errors, duplicate keys,
// lone surrogate escapes) is reported by the JSON loader with a position.
TEST(AvroText, LoaderErrorsKeepTheirCodesAndPositions) {
  auto syntax = ParseText("{\"type\": \"record\",\n \"name\": }");
  ASSERT_FALSE(syntax.has_value());
  EXPECT_EQ(syntax.error().code, ErrorCode::kSyntax);
  EXPECT_EQ(syntax.error().position.line, 2);
  auto dup = ParseText(R"({"type":"record","name":"R","name":"S","fields":[]})");
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kDuplicateKey);
  // Also in parts of the document the schema parser never reads, after an
  // empty object, and in a default value.
  for (
      const char* text : {
          R"({"type":"record","name":"R","fields":[],"x":{"a":1,"a":2}})",
          R"({"type":{"type":"int"},"ignored":{"b":{},"b":[]}})",
          R"({"type":"record","name":"R","fields":[{"name":"f","type":"int","x":{},"x":1}]})",
          R"({"type":"record","name":"R","fields":[{"name":"m","type":{"type":"map","values":"int"},"default":{"k":1,"k":2}}]})",
          // Objects the parser reads itself (it compares their keys instead
          // of a separate pass over the document): a reserved key twice, a
          // custom key twice, inside a nested schema and a record default.
          R"({"type":"record","name":"R","fields":[{"name":"f","name":"g","type":"int"}]})",
          R"({"type":"record","name":"R","fields":[{"name":"f","type":"int","x":1,"y":2,"x":3}]})",
          R"({"type":"array","items":{"type":"int","type":"long"}})",
          R"({"type":"record","name":"R","fields":[{"name":"r","type":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]},"default":{"x":1,"x":2}}]})",
          // A schema error elsewhere does not hide the duplicate key.
          R"({"type":"record","name":"R","fields":[{"name":"f","type":"Nope"},{"name":"g","type":"int","doc":"a","doc":"b"}]})",
          R"({"type":"record","name":"R","fields":[{"name":"f","type":"Nope","doc":"a","doc":"b"}]})",
      }) {
    auto d = ParseText(text);
    ASSERT_FALSE(d.has_value()) << text;
    EXPECT_EQ(d.error().code, ErrorCode::kDuplicateKey) << text;
  }
  // The same key in different objects is not a duplicate.
  MustParse(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int","x":{"name":1}},{"name":"b","type":"int"}]})");
  // Raw control characters and a byte order mark are the loader's to report.
  auto control = ParseText("{\"type\":\"record\",\"name\":\"R\x01\",\"fields\":[]}");
  ASSERT_FALSE(control.has_value());
  EXPECT_EQ(control.error().code, ErrorCode::kSyntax);
  for (const char* text : {R"({"type":"record","name":"R","doc":"\udc00","fields":[]})",
                           R"({"type":"record","name":"R","doc":"\ud800","fields":[]})",
                           R"({"type":"record","name":"R","doc":"\ud800\u0041","fields":[]})",
                           R"({"type":"record","name":"R","doc":"\uD800\uD800","fields":[]})"}) {
    auto surrogate = ParseText(text);
    ASSERT_FALSE(surrogate.has_value()) << text;
    EXPECT_EQ(surrogate.error().code, ErrorCode::kSyntax) << text;
  }
  // Escapes that decode to valid UTF-8 (a surrogate pair included) are fine.
  Schema ok =
      MustParse(R"({"type":"record","name":"R","doc":"caf\u00e9 \ud83d\ude00","fields":[]})");
  EXPECT_EQ(ok.node(ok.root()).doc(), "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

// Rule: nesting deeper than max_depth is a kLimit error, not a crash.
TEST(AvroLimits, DepthLimit) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += R"({"type":"array","items":)";
  text += R"("int")";
  for (int i = 0; i < 300; ++i) text += "}";
  auto s = ParseText(text);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kLimit);
  // Far deeper JSON than any schema limit: still an error, never a crash.
  std::string deep(100000, '[');
  auto d = ParseText(deep + std::string(100000, ']'));
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, ErrorCode::kLimit);
  // At and around the JSON depth limit of the text path (4 * max_depth + 8
  // = 520 levels, in a custom attribute, of arrays and of objects), ParseText
  // agrees with the JSON loader followed by Parse.
  for (bool objects : {false, true}) {
    for (int levels : {517, 518, 519, 520, 521}) {
      std::string open, close;
      for (int i = 0; i < levels; ++i) {
        open += objects ? R"({"k":)" : "[";
        close += objects ? "}" : "]";
      }
      const std::string schema = R"({"type":"int","x":)" + open + "1" + close + "}";
      auto fast = ParseText(schema);
      LoadOptions load;
      load.max_depth = 520;
      auto loaded = ParseJson(schema, {}, load);
      const bool slow_ok = loaded.has_value() && Parse(loaded->root).has_value();
      EXPECT_EQ(fast.has_value(), slow_ok) << levels << (objects ? " objects" : " arrays");
      if (!fast) {
        EXPECT_EQ(fast.error().code, ErrorCode::kLimit) << levels;
      }
    }
  }
}

// Rule: content detection (documented in avro.h).
TEST(AvroDetection, LooksLikeAvro) {
  EXPECT_TRUE(LooksLikeAvro(J(R"("long")")));
  EXPECT_TRUE(LooksLikeAvro(J(R"(["null","string"])")));
  EXPECT_TRUE(LooksLikeAvro(J(R"({"type":"record","name":"R","fields":[]})")));
  EXPECT_TRUE(LooksLikeAvro(J(R"({"type":"enum","name":"E","symbols":["A"]})")));
  EXPECT_TRUE(LooksLikeAvro(J(R"({"type":"map","values":"int"})")));
  EXPECT_TRUE(LooksLikeAvro(J(R"({"type":"array","items":"int"})")));
  EXPECT_TRUE(LooksLikeAvro(J(R"({"type":"long","logicalType":"timestamp-millis"})")));
  EXPECT_TRUE(LooksLikeAvro(J(R"({"type":"string","logicalType":"uuid"})")));
  EXPECT_FALSE(LooksLikeAvro(J(R"({"type":"string"})")));
  EXPECT_FALSE(LooksLikeAvro(J(R"({"type":"object","properties":{"a":{"type":"integer"}}})")));
  EXPECT_FALSE(LooksLikeAvro(
      J(R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"record"})")));
  EXPECT_FALSE(LooksLikeAvro(J(R"({"type":"array","items":{"type":"string"}})")));
  EXPECT_FALSE(LooksLikeAvro(J(R"({"type":"array","items":{"type":"integer"}})")));
  EXPECT_FALSE(LooksLikeAvro(J(R"({"$ref":"#/defs/a"})")));
  EXPECT_FALSE(LooksLikeAvro(J(R"(true)")));
  EXPECT_FALSE(LooksLikeAvro(J(R"("Address")")));
}

// Rule: the Avro JSON encoding of data (unions wrapped by branch name).
TEST(AvroDatum, JsonEncodingValidation) {
  Schema s = MustParse(R"({"type":"record","name":"R","namespace":"n","fields":[
    {"name":"u","type":["null","string",{"type":"enum","name":"E","symbols":["A"]}]},
    {"name":"f","type":{"type":"fixed","name":"F","size":1}}]})");
  EXPECT_TRUE(IsValidDatum(s, s.root(), J(R"({"u":null,"f":"x"})")));
  EXPECT_TRUE(IsValidDatum(s, s.root(), J(R"({"u":{"string":"s"},"f":"x"})")));
  EXPECT_TRUE(IsValidDatum(s, s.root(), J(R"({"u":{"n.E":"A"},"f":"\u00ff"})")));
  EXPECT_FALSE(IsValidDatum(s, s.root(), J(R"({"u":"s","f":"x"})")));
  EXPECT_FALSE(IsValidDatum(s, s.root(), J(R"({"u":null,"f":"xy"})")));
  EXPECT_FALSE(IsValidDatum(s, s.root(), J(R"({"u":null})")));
}

}  // namespace
}  // namespace accord::avro

namespace accord::avro {
namespace {

// Rule: no input crashes the parser: deterministic byte mutations and
// truncations of valid schemas either parse (and then their canonical form
// round-trips) or return an error with a message (run under ASan/UBSan in
// sanitizer builds).
TEST(AvroRobustness, MutatedSchemasParseOrFail) {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&state]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const char kBytes[] = "{}[]\",:0123456789.-eE\\ abcnulltruefalse\"type\"\"record\"\"fields\"";
  int parsed = 0, failed = 0;
  for (const CanonicalCase& c : kCanonicalCases) {
    std::string base = c.schema;
    for (int k = 0; k < 200; ++k) {
      std::string text = base;
      int edits = 1 + static_cast<int>(next() % 3);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        std::size_t pos = next() % text.size();
        switch (next() % 3) {
          case 0:
            text[pos] = kBytes[next() % (sizeof(kBytes) - 1)];
            break;
          case 1:
            text.erase(pos, 1 + next() % 4);
            break;
          default:
            text.resize(pos);
            break;
        }
      }
      auto s = ParseText(text);
      if (s) {
        ++parsed;
        // A mutated schema that parses has a canonical form that parses
        // back to itself.
        std::string canonical = CanonicalForm(*s);
        auto again = ParseText(canonical);
        ASSERT_TRUE(again) << canonical << ": " << again.error().message;
        EXPECT_EQ(CanonicalForm(*again), canonical);
      } else {
        ++failed;
        EXPECT_FALSE(s.error().message.empty());
      }
    }
  }
  // Both outcomes are exercised (parsed + failed is every mutation, so a
  // bound on the sum could not fail).
  EXPECT_GT(failed, 0);
  EXPECT_GT(parsed, 0);
  EXPECT_EQ(parsed + failed, static_cast<int>(std::size(kCanonicalCases)) * 200);
}

// Name characters: every byte value at every position of names of 1 to 20
// bytes is accepted exactly when [A-Za-z_][A-Za-z0-9_]* says so (as an enum
// symbol, through ParseText and its scanner).
TEST(AvroParse, NameCharactersEveryByteEveryPosition) {
  auto start = [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  auto part = [&](unsigned char c) { return start(c) || (c >= '0' && c <= '9'); };
  int wrong = 0;
  for (std::size_t len = 1; len <= 20; ++len) {
    for (std::size_t pos = 0; pos < len; ++pos) {
      for (int b = 0; b < 256; ++b) {
        std::string symbol(len, 'a');
        symbol[pos] = static_cast<char>(b);
        bool valid = start(static_cast<unsigned char>(symbol[0]));
        for (unsigned char c : symbol) valid = valid && part(c);
        const std::string text =
            R"({"type":"enum","name":"E","symbols":[)" + json::ToJson(json::Value(symbol)) + "]}";
        const bool accepted = avro::ParseText(text).has_value();
        if (accepted != valid && ++wrong <= 5) {
          ADD_FAILURE() << "length " << len << ", byte " << b << " at " << pos << ": accepted "
                        << accepted;
        }
      }
    }
  }
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace accord::avro

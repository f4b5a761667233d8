// Protobuf schemas (schemas/include/accord/schemas/protobuf.h): parsing with
// positions, imports through references and built-ins, limits, the
// serialized form, the canonical text, fields and event validation.
#include "accord/schemas/protobuf.h"

#include "accord/schemas/protobuf_descriptors.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace accord::protobuf {
namespace {

Schema MustParse(std::string_view text, const ParseOptions& options = {}) {
  auto s = ParseText(text, options);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().ToString());
  if (!s) std::abort();
  return *s;
}

// Standard base64 with padding (a serialized descriptor written by hand).
std::string Base64(std::string_view bytes) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    b64 += a[(v >> 18) & 63];
    b64 += a[(v >> 12) & 63];
    b64 += a[(v >> 6) & 63];
    b64 += a[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    b64 += a[(v >> 18) & 63];
    b64 += a[(v >> 12) & 63];
    b64 += i + 1 < bytes.size() ? a[(v >> 6) & 63] : '=';
    b64 += '=';
  }
  return b64;
}

Error MustFail(std::string_view text, const ParseOptions& options = {}) {
  auto s = ParseText(text, options);
  EXPECT_FALSE(s.has_value()) << text;
  if (s) std::abort();
  return s.error();
}

constexpr std::string_view kOrder = R"(syntax = "proto3";
package acme.orders;

import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  repeated Item items = 2;
  google.protobuf.Timestamp placed_at = 3;
  Status status = 4;
  map<string, int64> counters = 5;
  oneof payment {
    string card = 6;
    string iban = 7;
  }
  optional int32 priority = 8;
  message Item {
    string sku = 1;
    int32 quantity = 2;
  }
}

enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_PLACED = 1;
}
)";

// ---- parsing -----------------------------------------------------------------------

TEST(ProtobufParse, Proto3FileGivesPackageSyntaxAndMessagesInOrder) {
  Schema s = MustParse(kOrder);
  EXPECT_EQ(s.package(), "acme.orders");
  EXPECT_EQ(s.syntax(), "proto3");
  EXPECT_EQ(s.file_name(), "schema.proto");
  EXPECT_EQ(s.MessageNames(),
            (std::vector<std::string>{"acme.orders.Order", "acme.orders.Order.Item"}));
  EXPECT_EQ(s.DefaultMessage(), "acme.orders.Order");
  EXPECT_EQ(s.Imports(), (std::vector<std::string>{"google/protobuf/timestamp.proto"}));
}

TEST(ProtobufParse, FileWithoutSyntaxIsProto2) {
  Schema s = MustParse("message A { optional int32 x = 1; required string y = 2; }");
  EXPECT_EQ(s.syntax(), "proto2");
  EXPECT_EQ(s.package(), "");
}

TEST(ProtobufParse, SyntaxErrorHasLineAndColumn) {
  Error e = MustFail("syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}\n");
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.position, (Position{3, 13}));
  EXPECT_EQ(e.message, "Expected field number.");
  EXPECT_EQ(e.file, "schema.proto");
}

TEST(ProtobufParse, UnknownTypeIsInvalidSchemaAtTheTypesPosition) {
  Error e = MustFail("syntax = \"proto3\";\nmessage A {\n  Missing x = 1;\n}\n");
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.position, (Position{3, 3}));
  EXPECT_EQ(e.message, "A.x: \"Missing\" is not defined.");
}

TEST(ProtobufParse, DuplicateFieldNumberIsInvalidSchemaAtTheNumber) {
  Error e = MustFail("syntax = \"proto3\";\nmessage A {\n  int32 x = 1;\n  int32 y = 1;\n}\n");
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.position, (Position{4, 13}));
  EXPECT_EQ(e.message, "A.y: Field number 1 has already been used in \"A\" by field \"x\".");
}

TEST(ProtobufParse, WellKnownTypesNeedNoReference) {
  Schema s = MustParse(R"(syntax = "proto3";
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
message A {
  google.protobuf.Any a = 1;
  google.protobuf.Duration d = 2;
  google.protobuf.Empty e = 3;
  google.protobuf.FieldMask f = 4;
  google.protobuf.Struct s = 5;
  google.protobuf.Timestamp t = 6;
  google.protobuf.StringValue w = 7;
})");
  EXPECT_EQ(s.Imports().size(), 7u);
}

TEST(ProtobufParse, ConfluentMetaAndDecimalAreBuiltIn) {
  Schema s = MustParse(R"(syntax = "proto3";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
message Payment {
  confluent.type.Decimal amount = 1;
  string email = 2 [(confluent.field_meta) = { doc: "who pays", tags: ["PII", "EMAIL"] }];
})");
  auto fields = Fields(s);
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].path, "amount");
  EXPECT_EQ(fields[0].type, "message confluent.type.Decimal");
  EXPECT_EQ(fields[1].path, "amount.value");
  EXPECT_EQ(fields[2].path, "amount.precision");
  EXPECT_EQ(fields[3].path, "amount.scale");
  EXPECT_EQ(fields[4].path, "email");
  EXPECT_EQ(fields[4].tags, (std::vector<std::string>{"PII", "EMAIL"}));
  EXPECT_EQ(fields[4].doc, "who pays");
  EXPECT_TRUE(fields[0].tags.empty());
}

// ---- the built-in files: shared pools ------------------------------------------------

constexpr std::string_view kUsesMeta = R"(syntax = "proto3";
import "confluent/meta.proto";
message A {
  string email = 1 [(confluent.field_meta) = { tags: ["PII"] }];
})";

TEST(ProtobufBuiltins, AreBuiltOnceAndSharedBySchemasThatImportThem) {
  Schema a = MustParse(kUsesMeta);
  Schema b = MustParse(kUsesMeta);
  ASSERT_EQ(FileOf(a)->dependency_count(), 1);
  ASSERT_EQ(FileOf(b)->dependency_count(), 1);
  // One descriptor for both, in a pool neither schema owns.
  EXPECT_EQ(FileOf(a)->dependency(0), FileOf(b)->dependency(0));
  EXPECT_NE(FileOf(a)->dependency(0)->pool(), PoolOf(a));
  EXPECT_NE(FileOf(a)->dependency(0)->pool(), PoolOf(b));
  EXPECT_EQ(PoolOf(a)->FindFileByName("confluent/meta.proto"), FileOf(a)->dependency(0));
}

TEST(ProtobufBuiltins, ASchemaSeesOnlyTheBuiltInFilesItImports) {
  Schema decimal_only = MustParse(
      "syntax = \"proto3\";\nimport \"confluent/type/decimal.proto\";\n"
      "message A { confluent.type.Decimal d = 1; }");
  EXPECT_NE(PoolOf(decimal_only)->FindFileByName("confluent/type/decimal.proto"), nullptr);
  EXPECT_EQ(PoolOf(decimal_only)->FindFileByName("confluent/meta.proto"), nullptr);
  EXPECT_EQ(PoolOf(decimal_only)->FindExtensionByName("confluent.field_meta"), nullptr);
  Schema none = MustParse("syntax = \"proto3\";\nmessage A { int32 x = 1; }");
  EXPECT_EQ(PoolOf(none)->FindFileByName("confluent/meta.proto"), nullptr);
  EXPECT_EQ(PoolOf(none)->FindFileByName("confluent/type/decimal.proto"), nullptr);
  // Imported through a reference only: the reference's import is seen.
  ParseOptions o;
  o.references.push_back({"common.proto", std::string(kUsesMeta)});
  Schema through =
      MustParse("syntax = \"proto3\";\nimport \"common.proto\";\nmessage B { A a = 1; }", o);
  EXPECT_NE(PoolOf(through)->FindFileByName("confluent/meta.proto"), nullptr);
  EXPECT_EQ(PoolOf(through)->FindFileByName("confluent/type/decimal.proto"), nullptr);
  auto fields = Fields(through, "A");
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].tags, (std::vector<std::string>{"PII"}));
}

TEST(ProtobufBuiltins, AConfluentNameUsedWithoutItsImportIsNotDefined) {
  Error none = MustFail("syntax = \"proto3\";\nmessage A {\n  confluent.Meta m = 1;\n}");
  EXPECT_EQ(none.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(none.message, "A.m: \"confluent.Meta\" is not defined.");
  EXPECT_EQ(none.position, (Position{3, 3}));
  // Another built-in file imported: still not defined.
  Error other = MustFail(
      "syntax = \"proto3\";\nimport \"confluent/type/decimal.proto\";\nmessage A {\n"
      "  confluent.Meta m = 1;\n}");
  EXPECT_EQ(other.message, "A.m: \"confluent.Meta\" is not defined.");
  // Imported by a reference, not by the file using it: libprotobuf names
  // the import to add.
  ParseOptions o;
  o.references.push_back({"common.proto", std::string(kUsesMeta)});
  Error unimported = MustFail(
      "syntax = \"proto3\";\nimport \"common.proto\";\nmessage B {\n  confluent.Meta m = 1;\n}", o);
  EXPECT_EQ(unimported.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(unimported.message,
            "B.m: \"confluent.Meta\" seems to be defined in \"confluent/meta.proto\", which is "
            "not imported by \"schema.proto\".  To use it here, please add the necessary import.");
  EXPECT_EQ(unimported.position, (Position{4, 3}));
}

TEST(ProtobufBuiltins, CountTowardsNoLimit) {
  ParseOptions o;
  o.limits.max_files = 1;
  o.limits.max_types = 1;
  o.limits.max_fields = 1;
  // Decimal and its three fields, Meta, its map entry, its fields and five
  // extensions would pass every one of these limits, were they counted.
  MustParse(
      "syntax = \"proto3\";\nimport \"confluent/type/decimal.proto\";\n"
      "message A { confluent.type.Decimal d = 1; }",
      o);
  MustParse(
      "syntax = \"proto3\";\nimport \"confluent/meta.proto\";\n"
      "message A { string s = 1 [(confluent.field_meta) = { tags: [\"PII\"] }]; }",
      o);
  // A reference still counts.
  o.references.push_back({"b.proto", "syntax = \"proto3\";"});
  Error e = MustFail("syntax = \"proto3\";\nimport \"b.proto\";", o);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "more than 1 files (the schema and its imports)");
}

// A serialized descriptor may carry option bytes at the number of
// Confluent's `*_meta` options without importing meta.proto: they stay
// unknown (printed by number, no tags read), as when each schema built its
// own copy of the built-in files.
TEST(ProtobufBuiltins, MetaOptionBytesWithoutTheImportStayUnknown) {
  Schema with = MustParse(kUsesMeta);
  google::protobuf::FileDescriptorProto proto;
  FileOf(with)->CopyTo(&proto);
  proto.clear_dependency();
  std::string bytes;
  ASSERT_TRUE(proto.SerializeToString(&bytes));
  auto without = ParseSerialized(Base64(bytes));
  ASSERT_TRUE(without.has_value()) << without.error().ToString();
  const std::string canonical = CanonicalText(*without);
  EXPECT_EQ(canonical.find("confluent"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find("1088"), std::string::npos) << canonical;
  auto fields = Fields(*without);
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_TRUE(fields[0].tags.empty());
  EXPECT_EQ(
      canonical,
      "syntax = \"proto3\";\nmessage A {\n  string email = 1 [(1088) = \"\\032\\003PII\"];\n}\n");
}

TEST(ProtobufParse, ImportsResolveThroughReferencesByName) {
  ParseOptions o;
  o.references.push_back(
      {"acme/common.proto",
       "syntax = \"proto3\";\npackage acme;\nmessage Money { int64 units = 1; }"});
  Schema s = MustParse(R"(syntax = "proto3";
package acme.orders;
import "acme/common.proto";
message Order { acme.Money total = 1; })",
                       o);
  EXPECT_EQ(s.Imports(), (std::vector<std::string>{"acme/common.proto"}));
}

TEST(ProtobufParse, ReferencesMayImportReferencesAndWellKnownTypes) {
  ParseOptions o;
  o.references.push_back({"b.proto", "syntax = \"proto3\";\nmessage B { int32 x = 1; }"});
  o.references.push_back({"a.proto",
                          "syntax = \"proto3\";\nimport \"b.proto\";\nimport "
                          "\"google/protobuf/timestamp.proto\";\nmessage A { B b = 1; "
                          "google.protobuf.Timestamp t = 2; }"});
  Schema s = MustParse(
      "syntax = \"proto3\";\nimport \"a.proto\";\nimport \"b.proto\";\nmessage "
      "C { A a = 1; B b = 2; }",
      o);
  EXPECT_EQ(s.Imports().size(), 2u);
}

TEST(ProtobufParse, MissingImportIsNotFoundAtTheImport) {
  Error e = MustFail("syntax = \"proto3\";\n\nimport \"nowhere.proto\";\nmessage A {}\n");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.position, (Position{3, 1}));
  EXPECT_EQ(e.message,
            "import \"nowhere.proto\" not found: not a well-known type, not built in, and no "
            "reference has that name");
}

TEST(ProtobufParse, ErrorInAReferenceNamesTheReference) {
  ParseOptions o;
  o.references.push_back({"bad.proto", "syntax = \"proto3\";\nmessage B { int32 x = }"});
  Error e = MustFail("syntax = \"proto3\";\nimport \"bad.proto\";\nmessage A { B b = 1; }", o);
  EXPECT_EQ(e.code, ErrorCode::kSyntax);
  EXPECT_EQ(e.file, "bad.proto");
  EXPECT_EQ(e.position, (Position{2, 23}));
}

TEST(ProtobufParse, ImportCycleIsInvalidSchema) {
  ParseOptions o;
  o.references.push_back({"a.proto", "syntax = \"proto3\";\nimport \"b.proto\";"});
  o.references.push_back({"b.proto", "syntax = \"proto3\";\nimport \"a.proto\";"});
  Error e = MustFail("syntax = \"proto3\";\nimport \"a.proto\";", o);
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.file, "b.proto");
  EXPECT_EQ(e.message, "import \"a.proto\" is a cycle (it imports, directly or not, \"b.proto\")");
}

TEST(ProtobufParse, TypeFromAFileNotImportedIsNotVisible) {
  ParseOptions o;
  o.references.push_back({"b.proto", "syntax = \"proto3\";\nmessage B { int32 x = 1; }"});
  Error e = MustFail("syntax = \"proto3\";\nmessage A { B b = 1; }", o);
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.message, "A.b: \"B\" is not defined.");
}

// Found by fuzz_protobuf: a proto3 string option that is not UTF-8 was kept
// by the pool but could not be read back, and the canonical text printed an
// unparseable `(1088) = "..."`.
TEST(ProtobufParse, RegressionOptionStringNotUtf8IsRefused) {
  Error e = MustFail(
      "syntax = \"proto3\";\nimport \"confluent/meta.proto\";\nmessage A {\n  string s = 1 "
      "[(confluent.field_meta) = { tags: [\"\\377\"] }];\n}\n");
  EXPECT_EQ(e.code, ErrorCode::kInvalidSchema);
  EXPECT_EQ(e.message,
            "A.s: an option value cannot be read back through its definition (a string that is "
            "not UTF-8?)");
}

// ---- limits ------------------------------------------------------------------------

TEST(ProtobufLimits, TextLargerThanTheLimitIsRejectedBeforeParsing) {
  ParseOptions o;
  o.limits.max_text_bytes = 64;
  Error e = MustFail(std::string(65, ' '), o);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "the text is larger than 64 bytes");
}

TEST(ProtobufLimits, NestingDeeperThanTheLimitIsRejectedWithItsPosition) {
  std::string text = "syntax = \"proto3\";\n";
  for (int i = 0; i < 40; ++i) text += "message M" + std::to_string(i) + " {";
  for (int i = 0; i < 40; ++i) text += "}";
  Error e = MustFail(text);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "nesting deeper than 32 levels");
  EXPECT_EQ(e.position.line, 2);
}

TEST(ProtobufLimits, BracesInCommentsAndStringsDoNotNest) {
  std::string text = "syntax = \"proto3\";\n// " + std::string(100, '{') + "\n/* " +
                     std::string(100, '{') + " */\nmessage A { string s = 1 [json_name = \"" +
                     std::string(100, '{') + "\"]; }";
  MustParse(text);
}

TEST(ProtobufLimits, TooDeepPositionCountsLinesAcrossCommentsAndStrings) {
  ParseOptions o;
  o.limits.max_depth = 2;
  // Braces in a block comment, a line comment and a string with an escaped
  // quote do not nest; the third real `{` is reported where it is.
  Error e = MustFail(
      "syntax = \"proto3\";\n/* { */ // {\noption java_package = \"a\\\"{\";\n"
      "message A { message B {\n  message C {\n}}}\n",
      o);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "nesting deeper than 2 levels");
  EXPECT_EQ(e.position, (Position{5, 13}));
  // A string left open ends at its line's end; a block comment left open
  // runs to the end of the text.
  Error open_string = MustFail("option x = \"{{{\n{{{", o);
  EXPECT_EQ(open_string.code, ErrorCode::kLimit);
  EXPECT_EQ(open_string.position, (Position{2, 3}));
  Error open_comment = MustFail("{ /* {{{\n{{{", o);
  EXPECT_EQ(open_comment.code, ErrorCode::kSyntax);
}

TEST(ProtobufLimits, TooManyTypesOrFieldsIsALimit) {
  std::string text = "syntax = \"proto3\";\n";
  for (int i = 0; i < 20; ++i)
    text += "message M" + std::to_string(i) + " { int32 a = 1; int32 b = 2; }\n";
  ParseOptions o;
  o.limits.max_types = 10;
  EXPECT_EQ(MustFail(text, o).message, "more than 10 messages and enums");
  ParseOptions f;
  f.limits.max_fields = 30;
  EXPECT_EQ(MustFail(text, f).message, "more than 30 fields and enum values");
}

TEST(ProtobufLimits, TooManyFilesIsALimit) {
  ParseOptions o;
  o.limits.max_files = 3;
  // A chain: the schema imports f0, f0 imports f1, ... (one import each).
  for (int i = 0; i < 4; ++i) {
    o.references.push_back(
        {"f" + std::to_string(i) + ".proto",
         "syntax = \"proto3\";\nimport \"f" + std::to_string(i + 1) + ".proto\";"});
  }
  o.references.push_back({"f4.proto", "syntax = \"proto3\";"});
  Error e = MustFail("syntax = \"proto3\";\nimport \"f0.proto\";", o);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  EXPECT_EQ(e.message, "more than 3 files (the schema and its imports)");
}

TEST(ProtobufLimits, DeeplyNestedSerializedDescriptorIsRejected) {
  // DescriptorProto.nested_type (field 3) nested 200 levels, written by hand.
  // message_type (field 4 of FileDescriptorProto) of
  // DescriptorProto with nested_type (field 3) chains.
  auto varint = [](std::size_t n) {
    std::string out;
    while (n >= 0x80) {
      out += static_cast<char>((n & 0x7f) | 0x80);
      n >>= 7;
    }
    out += static_cast<char>(n);
    return out;
  };
  std::string msg = "\x0a\x01X";
  for (int i = 0; i < 200; ++i) msg = std::string("\x0a\x01X") + "\x1a" + varint(msg.size()) + msg;
  std::string file = "\x22" + varint(msg.size()) + msg;
  const std::string b64 = Base64(file);
  auto s = ParseSerialized(b64);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kSyntax);
  EXPECT_EQ(s.error().message,
            "not a serialized FileDescriptorProto (or nested deeper than the limit)");
}

// ---- serialized form ---------------------------------------------------------------

TEST(ProtobufSerialized, RoundTripsToTheSameCanonicalText) {
  Schema s = MustParse(kOrder);
  const std::string b64 = Serialized(s);
  EXPECT_TRUE(LooksSerialized(b64));
  auto back = ParseSerialized(b64);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(CanonicalText(*back), CanonicalText(s));
  auto either = Parse(b64);
  ASSERT_TRUE(either.has_value());
  EXPECT_EQ(Fingerprint(*either), Fingerprint(s));
}

TEST(ProtobufSerialized, TextIsNeverTakenForBase64) {
  EXPECT_FALSE(LooksSerialized(kOrder));
  EXPECT_FALSE(LooksSerialized(""));
  EXPECT_FALSE(LooksSerialized("message A {}"));
}

TEST(ProtobufSerialized, BadBase64IsASyntaxError) {
  auto s = ParseSerialized("abc*");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kSyntax);
  EXPECT_EQ(s.error().message, "not valid base64 (a serialized FileDescriptorProto)");
}

// ---- canonical text ----------------------------------------------------------------

TEST(ProtobufCanonical, WhitespaceCommentsOptionOrderAndQualificationDoNotMatter) {
  Schema a = MustParse(R"(syntax = "proto3";
package foo;
option java_package = "com.foo";
option java_multiple_files = true;
message Bar { int32 x = 1; }
message Baz {
  Bar bar = 1 [deprecated = true, json_name = "theBar"];
  repeated int32 ids = 2 [packed = false];
})");
  Schema b = MustParse(R"(// the same, written differently
syntax="proto3";  package foo;
option java_multiple_files=true;  /* order */ option java_package="com.foo";
message Bar{int32 x=1;}
message Baz {
  .foo.Bar bar = 1 [json_name="theBar", deprecated=true];
  repeated int32 ids = 2 [packed=false];   // trailing
})");
  Schema c = MustParse(R"(syntax = "proto3"; package foo;
option java_package = "com.foo"; option java_multiple_files = true;
message Bar { int32 x = 1; }
message Baz { foo.Bar bar = 1 [deprecated = true, json_name = "theBar"]; repeated int32 ids = 2 [packed = false]; })");
  EXPECT_EQ(CanonicalText(a), CanonicalText(b));
  EXPECT_EQ(CanonicalText(a), CanonicalText(c));
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  EXPECT_EQ(CanonicalText(a), R"(syntax = "proto3";
package foo;
option java_multiple_files = true;
option java_package = "com.foo";
message Bar {
  int32 x = 1;
}
message Baz {
  .foo.Bar bar = 1 [deprecated = true, json_name = "theBar"];
  repeated int32 ids = 2 [packed = false];
}
)");
}

TEST(ProtobufCanonical, DifferentSchemasHaveDifferentFingerprints) {
  EXPECT_NE(Fingerprint(MustParse("syntax = \"proto3\"; message A { int32 x = 1; }")),
            Fingerprint(MustParse("syntax = \"proto3\"; message A { int64 x = 1; }")));
  EXPECT_NE(Fingerprint(MustParse("syntax = \"proto3\"; message A { int32 x = 1; }")),
            Fingerprint(MustParse("syntax = \"proto2\"; message A { optional int32 x = 1; }")));
}

TEST(ProtobufCanonical, CustomOptionsAreSortedAndPrintedOnce) {
  Schema a = MustParse(R"(syntax = "proto3";
import "confluent/meta.proto";
message A {
  option (confluent.message_meta) = { doc: "an A" };
  string email = 1 [(confluent.field_meta) = { tags: "PII" }, deprecated = true];
})");
  EXPECT_EQ(CanonicalText(a), R"(syntax = "proto3";
import "confluent/meta.proto";
message A {
  option (confluent.message_meta) = { doc: "an A" };
  string email = 1 [(confluent.field_meta) = { tags: "PII" }, deprecated = true];
}
)");
}

TEST(ProtobufCanonical, CanonicalTextParsesToItself) {
  Schema s = MustParse(std::string(kOrder));
  const std::string once = CanonicalText(s);
  Schema again = MustParse(once);
  EXPECT_EQ(CanonicalText(again), once);
  EXPECT_EQ(once, R"(syntax = "proto3";
package acme.orders;
import "google/protobuf/timestamp.proto";
message Order {
  message Item {
    string sku = 1;
    int32 quantity = 2;
  }
  string id = 1;
  repeated .acme.orders.Order.Item items = 2;
  .google.protobuf.Timestamp placed_at = 3;
  .acme.orders.Status status = 4;
  map<string, int64> counters = 5;
  oneof payment {
    string card = 6;
    string iban = 7;
  }
  optional int32 priority = 8;
}
enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_PLACED = 1;
}
)");
}

TEST(ProtobufCanonical, Proto2DefaultsGroupsReservedAndExtensions) {
  Schema s = MustParse(R"(syntax = "proto2";
package p;
message A {
  reserved 9 to 11, 4;
  reserved "old", "gone";
  extensions 100 to max;
  optional string s = 1 [default = "a\"b"];
  optional double d = 2 [default = 1.5];
  optional group G = 3 { optional int32 x = 1; }
}
extend A { optional int32 ext = 100; }
)");
  const std::string text = CanonicalText(s);
  EXPECT_EQ(text, R"(syntax = "proto2";
package p;
message A {
  extensions 100 to max;
  reserved 4, 9 to 11;
  reserved "gone", "old";
  optional string s = 1 [default = "a\"b"];
  optional double d = 2 [default = 1.5];
  optional group G = 3 {
    optional int32 x = 1;
  }
}
extend .p.A {
  optional int32 ext = 100;
}
)");
  EXPECT_EQ(CanonicalText(MustParse(text)), text);
}

// ---- fields and events --------------------------------------------------------------

TEST(ProtobufFields, NestedRepeatedMapsAndOneofs) {
  Schema s = MustParse(kOrder);
  auto f = Fields(s);
  std::vector<std::string> rows;
  for (const FieldInfo& i : f) {
    rows.push_back(i.path + " " + std::to_string(i.number) + " " + i.type + " [" + i.label + "] " +
                   i.oneof);
  }
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "id 1 string [] ",
                      "items 2 message acme.orders.Order.Item [repeated] ",
                      "items[].sku 1 string [] ",
                      "items[].quantity 2 int32 [] ",
                      "placed_at 3 message google.protobuf.Timestamp [] ",
                      "status 4 enum acme.orders.Status [] ",
                      "counters 5 map<string, int64> [map] ",
                      "card 6 string [] payment",
                      "iban 7 string [] payment",
                      "priority 8 int32 [optional] ",
                  }));
  EXPECT_TRUE(Fields(s, "acme.orders.Nope").empty());
}

TEST(ProtobufFields, RecursiveTypesExpandOncePerPath) {
  Schema s =
      MustParse("syntax = \"proto3\"; message Node { string v = 1; repeated Node kids = 2; }");
  auto f = Fields(s);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].path, "kids");
}

TEST(ProtobufFields, MapOfMessagesListsTheValuesFieldsUnderBraces) {
  Schema s = MustParse(R"(syntax = "proto3";
message Cart {
  map<string, Line> lines = 1;
  message Line { string sku = 1; repeated string notes = 2; }
})");
  std::vector<std::string> rows;
  for (const FieldInfo& i : Fields(s)) rows.push_back(i.path + " " + i.type + " [" + i.label + "]");
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "lines map<string, Cart.Line> [map]",
                      "lines{}.sku string []",
                      "lines{}.notes string [repeated]",
                  }));
}

// proto2 writes a label on every field outside a oneof; proto3 only `optional`
// (and never on a oneof member).
TEST(ProtobufFields, LabelIsTheOneWrittenInEachSyntax) {
  Schema two = MustParse(R"(syntax = "proto2";
message A {
  optional string s = 1;
  required int32 r = 2;
  optional B b = 3;
  repeated B bs = 4;
  oneof o { string x = 5; }
}
message B { optional int32 v = 1; })");
  std::vector<std::string> rows;
  for (const FieldInfo& i : Fields(two, "", 1)) rows.push_back(i.path + " [" + i.label + "]");
  EXPECT_EQ(rows, (std::vector<std::string>{"s [optional]", "r [required]", "b [optional]",
                                            "bs [repeated]", "x []"}));
  Schema three = MustParse(R"(syntax = "proto3";
message A { string s = 1; optional string o = 2; B b = 3; optional B ob = 4; }
message B { int32 v = 1; })");
  rows.clear();
  for (const FieldInfo& i : Fields(three, "", 1)) rows.push_back(i.path + " [" + i.label + "]");
  EXPECT_EQ(rows, (std::vector<std::string>{"s []", "o [optional]", "b []", "ob [optional]"}));
}

TEST(ProtobufEvents, ValidEventInTheJsonMapping) {
  Schema s = MustParse(kOrder);
  EXPECT_EQ(ValidateEvent(s, "",
                          R"({"id": "o1", "items": [{"sku": "a", "quantity": 2}],
                              "placedAt": "2024-01-01T00:00:00Z", "status": "STATUS_PLACED",
                              "counters": {"x": "5"}, "card": "4111", "priority": 3})")
                .size(),
            0u);
}

TEST(ProtobufEvents, WrongTypeIsReportedWithItsPath) {
  Schema s = MustParse(kOrder);
  auto errors = ValidateEvent(s, "", R"({"items": [{"sku": "a", "quantity": "many"}]})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "/items/0/quantity");
  EXPECT_EQ(errors[0].message, "invalid value \"many\" for type TYPE_INT32");
}

TEST(ProtobufEvents, UnknownFieldAndUnknownMessage) {
  Schema s = MustParse(kOrder);
  auto errors = ValidateEvent(s, "acme.orders.Order", R"({"idd": "x"})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Cannot find field.");
  EXPECT_EQ(errors[0].path, "/idd");
  auto none = ValidateEvent(s, "acme.Nope", "{}");
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].message, "the schema has no message acme.Nope");
}

TEST(ProtobufEvents, Proto2RequiredFieldsAreChecked) {
  Schema s = MustParse("message A { required int32 x = 1; }");
  auto errors = ValidateEvent(s, "", "{}");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "missing field x");
  EXPECT_EQ(errors[0].path, "");
}

TEST(ProtobufDetect, LooksLikeProtobuf) {
  EXPECT_TRUE(LooksLikeProtobuf(kOrder));
  EXPECT_TRUE(LooksLikeProtobuf("// c\n/* d */ message A {}"));
  EXPECT_TRUE(LooksLikeProtobuf("package a;"));
  EXPECT_FALSE(LooksLikeProtobuf("{\"type\": \"record\"}"));
  EXPECT_FALSE(LooksLikeProtobuf("messages"));
  EXPECT_FALSE(LooksLikeProtobuf(""));
}

}  // namespace
}  // namespace accord::protobuf

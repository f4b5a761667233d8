// Avro compatibility (avro_compat.h): schema resolution rules, kinds, paths,
// witnesses, recursion, and diff.
//
// Every case first checks each schema against itself (always compatible),
// then compatible(writer -> reader) with the exact kinds expected, and that
// every witness is a valid Avro-JSON datum of the writer schema.
#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "accord/compat/avro_compat.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/load.h"
#include "avro_test_support.h"

namespace accord::compat {
namespace {

json::Value J(std::string_view text) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? doc->root : json::Value();
}

avro::Schema S(std::string_view text) {
  auto s = avro::ParseText(text);
  EXPECT_TRUE(s.has_value()) << text << ": " << (s ? "" : s.error().ToString());
  return s ? std::move(*s) : avro::Schema();
}

std::vector<std::string> Kinds(const Report& r) {
  std::set<std::string> k;
  for (const Finding& f : r.findings) k.insert(std::string(f.kind.name()));
  return {k.begin(), k.end()};
}

struct Case {
  const char* rule;
  const char* writer;
  const char* reader;
  std::vector<std::string> kinds;  // sorted; empty = compatible
};

const char* kRecordV1 = R"({"type":"record","name":"User","namespace":"com.acme","fields":[
  {"name":"id","type":"long"},{"name":"name","type":"string"}]})";

const Case kCases[] = {
    // Promotions.
    {"int promotes to long", R"("int")", R"("long")", {}},
    {"int promotes to float", R"("int")", R"("float")", {}},
    {"int promotes to double", R"("int")", R"("double")", {}},
    {"long promotes to float", R"("long")", R"("float")", {}},
    {"long promotes to double", R"("long")", R"("double")", {}},
    {"float promotes to double", R"("float")", R"("double")", {}},
    {"string reads as bytes", R"("string")", R"("bytes")", {}},
    {"bytes reads as string", R"("bytes")", R"("string")", {}},
    {"long does not demote to int", R"("long")", R"("int")", {"TYPE_MISMATCH"}},
    {"double does not demote to float", R"("double")", R"("float")", {"TYPE_MISMATCH"}},
    {"int is not boolean", R"("int")", R"("boolean")", {"TYPE_MISMATCH"}},
    {"null is only null", R"("null")", R"("string")", {"TYPE_MISMATCH"}},
    {"logical types do not take part in resolution",
     R"({"type":"long","logicalType":"timestamp-millis"})",
     R"("long")",
     {}},
    // Records and fields.
    {"writer-only field is skipped",
     kRecordV1,
     R"({"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"}]})",
     {}},
    {"reader-only field with default is filled in",
     kRecordV1,
     R"({"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"},
        {"name":"name","type":"string"},{"name":"email","type":["null","string"],"default":null}]})",
     {}},
    {"reader-only field without default breaks",
     kRecordV1,
     R"({"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"},
        {"name":"name","type":"string"},{"name":"email","type":"string"}]})",
     {"READER_FIELD_MISSING_DEFAULT_VALUE"}},
    {"reader field alias matches the writer field",
     kRecordV1,
     R"({"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"},
        {"name":"full_name","type":"string","aliases":["name"]}]})",
     {}},
    {"renamed field without alias is a missing field",
     kRecordV1,
     R"({"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"},
        {"name":"full_name","type":"string"}]})",
     {"READER_FIELD_MISSING_DEFAULT_VALUE"}},
    {"field types resolve recursively",
     kRecordV1,
     R"({"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"int"},
        {"name":"name","type":"string"}]})",
     {"TYPE_MISMATCH"}},
    {"records match by unqualified name",
     kRecordV1,
     R"({"type":"record","name":"User","namespace":"org.other","fields":[{"name":"id","type":"long"}]})",
     {}},
    {"renamed record without alias",
     kRecordV1,
     R"({"type":"record","name":"Member","namespace":"com.acme","fields":[{"name":"id","type":"long"}]})",
     {"NAME_MISMATCH"}},
    {"renamed record with alias relative to its namespace",
     kRecordV1,
     R"({"type":"record","name":"Member","namespace":"com.acme","aliases":["User"],"fields":[{"name":"id","type":"long"}]})",
     {}},
    {"renamed record with full-name alias",
     kRecordV1,
     R"({"type":"record","name":"Member","namespace":"org.x","aliases":["com.acme.User"],"fields":[{"name":"id","type":"long"}]})",
     {}},
    {"name mismatch and field problems are both reported",
     kRecordV1,
     R"({"type":"record","name":"Member","fields":[{"name":"id","type":"int"}]})",
     {"NAME_MISMATCH", "TYPE_MISMATCH"}},
    // Enums.
    {"enum symbol added in reader",
     R"({"type":"enum","name":"E","symbols":["A","B"]})",
     R"({"type":"enum","name":"E","symbols":["A","B","C"]})",
     {}},
    {"enum symbol removed from reader",
     R"({"type":"enum","name":"E","symbols":["A","B","C"]})",
     R"({"type":"enum","name":"E","symbols":["A","B"]})",
     {"MISSING_ENUM_SYMBOLS"}},
    {"enum symbol removed but reader has a default",
     R"({"type":"enum","name":"E","symbols":["A","B","C"]})",
     R"({"type":"enum","name":"E","symbols":["A","B"],"default":"A"})",
     {}},
    {"enum renamed",
     R"({"type":"enum","name":"E","symbols":["A"]})",
     R"({"type":"enum","name":"F","symbols":["A"]})",
     {"NAME_MISMATCH"}},
    // Fixed.
    {"fixed same size and name",
     R"({"type":"fixed","name":"H","size":16})",
     R"({"type":"fixed","name":"H","size":16})",
     {}},
    {"fixed size changed",
     R"({"type":"fixed","name":"H","size":16})",
     R"({"type":"fixed","name":"H","size":32})",
     {"FIXED_SIZE_MISMATCH"}},
    {"fixed renamed and resized",
     R"({"type":"fixed","name":"H","size":16})",
     R"({"type":"fixed","name":"G","size":8})",
     {"FIXED_SIZE_MISMATCH", "NAME_MISMATCH"}},
    {"fixed is not bytes",
     R"({"type":"fixed","name":"H","size":16})",
     R"("bytes")",
     {"TYPE_MISMATCH"}},
    // Arrays and maps.
    {"array items promote",
     R"({"type":"array","items":"int"})",
     R"({"type":"array","items":"long"})",
     {}},
    {"array items demote",
     R"({"type":"array","items":"long"})",
     R"({"type":"array","items":"int"})",
     {"TYPE_MISMATCH"}},
    {"map values resolve",
     R"({"type":"map","values":"float"})",
     R"({"type":"map","values":"double"})",
     {}},
    {"map is not array",
     R"({"type":"map","values":"int"})",
     R"({"type":"array","items":"int"})",
     {"TYPE_MISMATCH"}},
    // Unions.
    {"non-union writer needs a matching reader branch", R"("string")", R"(["null","string"])", {}},
    {"non-union writer with promotion into a reader branch",
     R"("int")",
     R"(["null","double"])",
     {}},
    {"non-union writer without matching reader branch",
     R"("boolean")",
     R"(["null","string"])",
     {"MISSING_UNION_BRANCH"}},
    {"every writer branch must resolve",
     R"(["null","string","int"])",
     R"(["null","string"])",
     {"MISSING_UNION_BRANCH"}},
    {"union widened in reader", R"(["null","string"])", R"(["null","string","long"])", {}},
    {"writer union against non-union reader: every branch",
     R"(["null","string"])",
     R"("string")",
     {"TYPE_MISMATCH"}},
    {"writer union whose branches all promote", R"(["int","long"])", R"("double")", {}},
    {"record inside unions resolved by name",
     R"(["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}])",
     R"(["null",{"type":"record","name":"A","fields":[{"name":"x","type":"long"},{"name":"y","type":"int","default":0}]}])",
     {}},
    {"record inside unions with an incompatible field",
     R"(["null",{"type":"record","name":"A","fields":[{"name":"x","type":"long"}]}])",
     R"(["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}])",
     {"MISSING_UNION_BRANCH"}},
    // Recursion.
    {"recursive records compare without looping",
     R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]})",
     R"({"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]})",
     {}},
    {"recursive records with a break deep inside",
     R"({"type":"record","name":"Tree","fields":[{"name":"v","type":"long"},{"name":"kids","type":{"type":"array","items":"Tree"}}]})",
     R"({"type":"record","name":"Tree","fields":[{"name":"v","type":"int"},{"name":"kids","type":{"type":"array","items":"Tree"}}]})",
     {"TYPE_MISMATCH"}},
    {"mutually recursive records",
     R"({"type":"record","name":"A","fields":[{"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]}]}]}]})",
     R"({"type":"record","name":"A","fields":[{"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]},{"name":"n","type":"int","default":1}]}]}]})",
     {}},
};

// Rule: each case's verdict and kinds, self-compatibility of both schemas,
// and witness validity (valid under the writer).
TEST(AvroCompat, ResolutionRules) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.rule);
    avro::Schema w = S(c.writer);
    avro::Schema r = S(c.reader);
    EXPECT_TRUE(CheckAvroSchemas(w, w).compatible());
    EXPECT_TRUE(CheckAvroSchemas(r, r).compatible());
    Report report = CheckAvroSchemas(w, r);
    EXPECT_EQ(Kinds(report), c.kinds);
    EXPECT_EQ(report.compatible(), c.kinds.empty());
    for (const Finding& f : report.findings) {
      EXPECT_EQ(f.severity, Severity::kBreaking);
      EXPECT_FALSE(f.message.empty());
      ASSERT_TRUE(f.witness.has_value()) << f.kind << " " << f.message;
      EXPECT_TRUE(avro::IsValidDatum(w, w.root(), *f.witness))
          << f.kind << " witness " << json::ToJson(*f.witness);
    }
  }
}

// Rule: paths are JSON pointers into each schema at the node concerned.
TEST(AvroCompat, PathsPointIntoEachSchema) {
  Report r = CheckAvroSchemas(
      S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":{"type":"array","items":"long"}}]})"),
      S(R"({"type":"record","name":"R","fields":[{"name":"b","type":{"type":"array","items":"int"}},{"name":"c","type":"string"}]})"));
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].kind, "TYPE_MISMATCH");
  EXPECT_EQ(r.findings[0].writer_path, "/fields/1/type/items");
  EXPECT_EQ(r.findings[0].reader_path, "/fields/0/type/items");
  EXPECT_EQ(r.findings[1].kind, "READER_FIELD_MISSING_DEFAULT_VALUE");
  EXPECT_EQ(r.findings[1].writer_path, "");
  EXPECT_EQ(r.findings[1].reader_path, "/fields/1");
  EXPECT_NE(r.findings[1].message.find("\"c\""), std::string::npos);
}

// Witnesses are built when first read (compat::Witness): after the schemas
// the report came from are gone, once for all copies of the finding, and
// the same value from several threads at once.
TEST(AvroCompat, WitnessIsBuiltWhenReadOnceForAllCopies) {
  Report report;
  {
    const avro::Schema writer =
        S(R"({"type":"record","name":"R","fields":[{"name":"n","type":["null","long"]}]})");
    const avro::Schema reader =
        S(R"({"type":"record","name":"R","fields":[{"name":"n","type":["null","int"]}]})");
    report = CheckAvroSchemas(writer, reader);
  }
  ASSERT_EQ(report.findings.size(), 1u);
  const Finding copy = report.findings[0];
  std::vector<const json::Value*> seen(4, nullptr);
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    readers.emplace_back([&, i] { seen[i] = &*(i % 2 == 0 ? copy : report.findings[0]).witness; });
  }
  for (std::thread& t : readers) t.join();
  for (const json::Value* v : seen) EXPECT_EQ(v, seen[0]);
  EXPECT_EQ(json::ToJson(*seen[0]), R"({"n":{"long":2147483648}})");

  // Reset, or given a value, a witness is what it was given.
  Finding other = copy;
  other.witness.reset();
  EXPECT_FALSE(other.witness.has_value());
  other.witness = json::Value(1);
  EXPECT_EQ(*other.witness, json::Value(1));
  EXPECT_EQ(json::ToJson(*copy.witness), R"({"n":{"long":2147483648}})");
}

// Rule: witnesses reach the incompatible part: the long beyond int range,
// the missing enum symbol, the unmatched union branch.
TEST(AvroCompat, WitnessesShowTheProblem) {
  Report demote = CheckAvroSchemas(
      S(R"({"type":"record","name":"R","fields":[{"name":"n","type":["null","long"]}]})"),
      S(R"({"type":"record","name":"R","fields":[{"name":"n","type":["null","int"]}]})"));
  ASSERT_EQ(demote.findings.size(), 1u);
  EXPECT_EQ(demote.findings[0].kind, "MISSING_UNION_BRANCH");
  EXPECT_EQ(demote.findings[0].writer_path, "/fields/0/type/1");
  EXPECT_EQ(json::ToJson(*demote.findings[0].witness), R"({"n":{"long":2147483648}})");

  Report sym =
      CheckAvroSchemas(S(R"({"type":"enum","name":"E","namespace":"n","symbols":["A","B","C"]})"),
                       S(R"({"type":"enum","name":"E","namespace":"n","symbols":["A"]})"));
  ASSERT_EQ(sym.findings.size(), 1u);
  EXPECT_EQ(json::ToJson(*sym.findings[0].witness), R"("B")");
  EXPECT_NE(sym.findings[0].message.find("B, C"), std::string::npos);
}

// Regression (issue 16): a record that contains itself along every path
// has no finite value, so no witness proves its break: the finding was
// BREAKING without a witness. It is UNDECIDED (failing, never shown as a
// proven break), with no witness.
TEST(AvroCompat, ABreakNoFiniteDatumReachesIsUndecided) {
  Report none = CheckAvroSchemas(
      S(R"({"type":"record","name":"Loop","fields":[{"name":"me","type":"Loop"},{"name":"x","type":"long"}]})"),
      S(R"({"type":"record","name":"Loop","fields":[{"name":"me","type":"Loop"},{"name":"x","type":"int"}]})"));
  EXPECT_FALSE(none.compatible());
  ASSERT_EQ(none.findings.size(), 1u);
  EXPECT_EQ(none.findings[0].kind, "TYPE_MISMATCH");
  EXPECT_EQ(none.findings[0].severity, Severity::kUndecided);
  EXPECT_FALSE(none.findings[0].witness.has_value());
  EXPECT_TRUE(none.findings[0].message.starts_with(
      "undecided (no finite writer datum of bounded size reaches it): "))
      << none.findings[0].message;
  EXPECT_EQ(none.CountBreaking(), 0u);
  EXPECT_EQ(none.CountUndecided(), 1u);

  // With a way out (a null branch) the same break is proven, and breaking
  // findings come before undecided ones.
  Report both = CheckAvroSchemas(
      S(R"({"type":"record","name":"R","fields":[{"name":"loop","type":{"type":"record","name":"Loop","fields":[{"name":"me","type":"Loop"},{"name":"x","type":"long"}]}},{"name":"y","type":"long"}]})"),
      S(R"({"type":"record","name":"R","fields":[{"name":"loop","type":{"type":"record","name":"Loop","fields":[{"name":"me","type":"Loop"},{"name":"x","type":"int"}]}},{"name":"y","type":"int"}]})"));
  ASSERT_EQ(both.findings.size(), 2u);
  EXPECT_EQ(both.findings[0].severity, Severity::kUndecided);  // the whole writer is infinite
  EXPECT_EQ(both.findings[1].severity, Severity::kUndecided);
  Report proven = CheckAvroSchemas(
      S(R"({"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]},{"name":"x","type":"long"}]})"),
      S(R"({"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]},{"name":"x","type":"int"}]})"));
  ASSERT_EQ(proven.findings.size(), 1u);
  EXPECT_EQ(proven.findings[0].severity, Severity::kBreaking);
  EXPECT_EQ(json::ToJson(*proven.findings[0].witness), R"({"next":null,"x":2147483648})");
}

// Proofs along the finding's path (DatumResolver::ProvesAlong) and their
// fallback: what the path alone does not prove is decided by building and
// reading the whole witness, as before, with the same verdicts and
// witnesses. Each witness here is checked by the tests' own resolver too.
TEST(AvroCompat, WhatThePathAloneDoesNotProveTheWholeWitnessDecides) {
  auto proved = [](const avro::Schema& w, const avro::Schema& r, const Finding& f) {
    if (!f.witness) return false;
    std::vector<std::string> fails;
    testing::SpecResolve(w, w.root(), r, r.root(), *f.witness, fails);
    return avro::IsValidDatum(w, w.root(), *f.witness) &&
           std::any_of(fails.begin(), fails.end(), [&](const std::string& p) {
             return testing::RelatedPath(p, f.reader_path);
           });
  };
  // Along the path: a nested type mismatch, its witness built when read.
  {
    const avro::Schema w = S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},)"
                             R"({"name":"n","type":{"type":"record","name":"N","fields":[)"
                             R"({"name":"x","type":"long"}]}}]})");
    const avro::Schema r = S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},)"
                             R"({"name":"n","type":{"type":"record","name":"N","fields":[)"
                             R"({"name":"x","type":"int"}]}}]})");
    Report report = CheckAvroSchemas(w, r);
    ASSERT_EQ(report.findings.size(), 1u);
    EXPECT_EQ(report.findings[0].severity, Severity::kBreaking);
    EXPECT_EQ(report.findings[0].reader_path, "/fields/1/type/fields/0/type");
    EXPECT_EQ(json::ToJson(*report.findings[0].witness), R"({"a":0,"n":{"x":2147483648}})");
    EXPECT_TRUE(proved(w, r, report.findings[0]));
  }
  // Refused along the path (writer field a is read by reader fields a and
  // b, by its alias): the whole witness proves the break at b.
  {
    const avro::Schema w =
        S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"}]})");
    const avro::Schema r = S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"},)"
                             R"({"name":"b","aliases":["a"],"type":"int"}]})");
    Report report = CheckAvroSchemas(w, r);
    ASSERT_EQ(report.findings.size(), 1u);
    EXPECT_EQ(report.findings[0].kind, "TYPE_MISMATCH");
    EXPECT_EQ(report.findings[0].severity, Severity::kBreaking);
    EXPECT_EQ(report.findings[0].reader_path, "/fields/1/type");
    EXPECT_EQ(json::ToJson(*report.findings[0].witness), R"({"a":2147483648})");
    EXPECT_TRUE(proved(w, r, report.findings[0]));
  }
  // A minimal leaf that the reader's union reads (Q's map is empty) proves
  // nothing along the path nor whole; a rich one (a long in the map) does.
  {
    const avro::Schema w = S(R"({"type":"record","name":"R","fields":[{"name":"u","type":)"
                             R"(["null",{"type":"record","name":"Q","fields":[)"
                             R"({"name":"m","type":{"type":"map","values":"long"}}]}]}]})");
    const avro::Schema r = S(R"({"type":"record","name":"R","fields":[{"name":"u","type":)"
                             R"(["null",{"type":"record","name":"Q","fields":[)"
                             R"({"name":"m","type":{"type":"map","values":"int"}}]}]}]})");
    Report report = CheckAvroSchemas(w, r);
    ASSERT_EQ(report.findings.size(), 1u);
    EXPECT_EQ(report.findings[0].kind, "MISSING_UNION_BRANCH");
    EXPECT_EQ(report.findings[0].severity, Severity::kBreaking);
    EXPECT_EQ(json::ToJson(*report.findings[0].witness), R"({"u":{"Q":{"m":{"key":2147483648}}}})");
    EXPECT_TRUE(proved(w, r, report.findings[0]));
  }
  // Refused because a field off the path has no finite value (Loop): the
  // whole witness cannot be built either, so the break is UNDECIDED.
  {
    const avro::Schema w = S(
        R"({"type":"record","name":"R","fields":[{"name":"loop","type":{"type":"record","name":"Loop",)"
        R"("fields":[{"name":"me","type":"Loop"}]}},{"name":"y","type":"long"}]})");
    const avro::Schema r = S(
        R"({"type":"record","name":"R","fields":[{"name":"loop","type":{"type":"record","name":"Loop",)"
        R"("fields":[{"name":"me","type":"Loop"}]}},{"name":"y","type":"int"}]})");
    Report report = CheckAvroSchemas(w, r);
    ASSERT_EQ(report.findings.size(), 1u);
    EXPECT_EQ(report.findings[0].reader_path, "/fields/1/type");
    EXPECT_EQ(report.findings[0].severity, Severity::kUndecided);
    EXPECT_FALSE(report.findings[0].witness.has_value());
  }
}

// Rule: a "compatible" result that assumed an in-progress pair is discarded
// when that pair fails (memo rollback). Here (B, B') looks compatible while
// (A, A') is assumed, but A's long cannot be read as int, so field y (a B)
// must be reported too.
TEST(AvroCompat, FailedAssumptionDoesNotPoisonTheMemo) {
  const char* w = R"({"type":"record","name":"Top","fields":[
      {"name":"x","type":["null",{"type":"record","name":"A","fields":[{"name":"v","type":"long"},
          {"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]}]}]}]}]},
      {"name":"y","type":["null","B"]}]})";
  const char* r = R"({"type":"record","name":"Top","fields":[
      {"name":"x","type":["null",{"type":"record","name":"A","fields":[{"name":"v","type":"int"},
          {"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]}]}]}]}]},
      {"name":"y","type":["null","B"]}]})";
  Report report = CheckAvroSchemas(S(w), S(r));
  std::vector<std::string> paths;
  for (const Finding& f : report.findings)
    paths.push_back(std::string(f.kind.name()) + " " + f.writer_path);
  EXPECT_EQ(paths, (std::vector<std::string>{"MISSING_UNION_BRANCH /fields/0/type/1",
                                             "MISSING_UNION_BRANCH /fields/1/type/1"}));
}

// Rule: a MISSING_UNION_BRANCH message says why the reader's branch of the
// same type does not fit; explaining terminates on mutually recursive types
// with defects on both sides.
TEST(AvroCompat, UnionMessagesExplainTheClosestBranch) {
  Report r = CheckAvroSchemas(
      S(R"(["null",{"type":"record","name":"A","fields":[{"name":"x","type":"long"}]}])"),
      S(R"(["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}])"));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].message.find(
                "reader branch 1 (record A) does not fit because writer type long"),
            std::string::npos)
      << r.findings[0].message;
  // Regression: the explanation of a union nested below the root once built
  // its witness from the wrong starting point and crashed.
  Report nested = CheckAvroSchemas(
      S(R"({"type":"record","name":"Top","fields":[{"name":"a","type":"int"},{"name":"u","type":{"type":"array","items":
            ["null",{"type":"record","name":"A","fields":[{"name":"k","type":"string"},{"name":"x","type":{"type":"map","values":"long"}}]}]}}]})"),
      S(R"({"type":"record","name":"Top","fields":[{"name":"a","type":"int"},{"name":"u","type":{"type":"array","items":
            ["null",{"type":"record","name":"A","fields":[{"name":"k","type":"string"},{"name":"x","type":{"type":"map","values":"int"}}]}]}}]})"));
  ASSERT_EQ(nested.findings.size(), 1u);
  // (The minimal value {"k":"","x":{}} does not prove the break: its empty
  // map of longs is read fine. The proven witness has a long in it.)
  EXPECT_EQ(nested.findings[0].severity, Severity::kBreaking);
  EXPECT_EQ(json::ToJson(*nested.findings[0].witness),
            R"({"a":0,"u":[{"A":{"k":"text","x":{"key":2147483648}}}]})");
  const char* w = R"({"type":"record","name":"A","fields":[{"name":"v","type":"long"},
      {"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"w","type":"double"},
        {"name":"a","type":["null","A"]}]}]}]})";
  const char* rd = R"({"type":"record","name":"A","fields":[{"name":"v","type":"int"},
      {"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"w","type":"float"},
        {"name":"a","type":["null","A"]}]}]}]})";
  Report mutual = CheckAvroSchemas(S(w), S(rd));
  EXPECT_FALSE(mutual.compatible());
}

// Rule: witnesses and memo rollback hold past the checker's inline storage
// (paths deeper than 24 steps, more than 16 named pairs): a 40-deep chain of
// nested records whose innermost int became a long on the writer side.
TEST(AvroCompat, DeepChainsKeepWitnessesAndRollback) {
  auto chain = [](const char* leaf) {
    std::string text;
    for (int i = 0; i < 40; ++i) {
      text += R"({"type":"record","name":"R)" + std::to_string(i) +
              R"(","fields":[{"name":"k","type":"string"},)";
      text += R"({"name":"n","type":)";
    }
    text += std::string("\"") + leaf + "\"";
    for (int i = 0; i < 40; ++i) text += "}]}";
    return text;
  };
  avro::Schema w = S(chain("long"));
  avro::Schema r = S(chain("int"));
  Report report = CheckAvroSchemas(w, r);
  ASSERT_EQ(report.findings.size(), 1u);
  const Finding& f = report.findings[0];
  EXPECT_EQ(f.kind, "TYPE_MISMATCH");
  std::string path;
  for (int i = 0; i < 40; ++i) path += "/fields/1/type";
  EXPECT_EQ(f.writer_path, path);
  ASSERT_TRUE(f.witness.has_value());
  std::string expected = "2147483648";
  for (int i = 0; i < 40; ++i) expected = R"({"k":"","n":)" + expected + "}";
  EXPECT_EQ(json::ToJson(*f.witness), expected);
  EXPECT_TRUE(avro::IsValidDatum(w, w.root(), *f.witness));
  // The other direction promotes int to long: compatible, with every one of
  // the 40 named pairs memoised as such.
  EXPECT_TRUE(CheckAvroSchemas(r, w).compatible());
}

// Rule: a chain of thousands of distinct named types (defined flat in a
// union, each referencing the previous one, compared from its far end) does
// not exhaust the stack: the check stops at its depth limit with an
// UNDECIDED_DEPTH finding (undecided, failing); diff returns too.
TEST(AvroCompat, LongNamedChainsAreBounded) {
  auto chain = [](const char* defs_field, const char* leaf, bool with_default) {
    std::string text = R"({"type":"record","name":"Top","fields":[{"name":")";
    text += defs_field;
    text += R"(","type":["null",{"type":"record","name":"T0","fields":[{"name":"v","type":")";
    text += leaf;
    text += R"("}]})";
    for (int i = 1; i < 3000; ++i) {
      text += R"(,{"type":"record","name":"T)" + std::to_string(i) +
              R"(","fields":[{"name":"p","type":"T)" + std::to_string(i - 1) + R"("}]})";
    }
    text += with_default ? R"(],"default":null})" : "]}";
    text += R"(,{"name":"last","type":"T2999"}]})";
    return text;
  };
  // Writer-only "wdefs" is skipped; reader-only "rdefs" has a default; so the
  // first comparison that recurses is "last", 3000 levels deep (limit: 400).
  avro::Schema w = S(chain("wdefs", "long", false));
  avro::Schema r = S(chain("rdefs", "int", true));
  Report report = CheckAvroSchemas(w, r);
  EXPECT_FALSE(report.compatible());
  bool undecided = false;
  for (const Finding& f : report.findings) {
    if (f.kind != "UNDECIDED_DEPTH") continue;
    undecided = true;
    // Undecided by definition: never a proven break, never a witness.
    EXPECT_EQ(f.severity, Severity::kUndecided);
    EXPECT_FALSE(f.witness.has_value());
  }
  EXPECT_TRUE(undecided);
  EXPECT_FALSE(DiffAvroSchemas(w, r).compatible());
}

// Rule: CheckAvro reports invalid schemas as errors naming the side.
TEST(AvroCompat, InvalidSchemaIsAnErrorNamingTheSide) {
  auto r = CheckAvro(J(R"("int")"),
                     J(R"({"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]})"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().file, "reader");
  EXPECT_EQ(r.error().pointer, "/fields/0/type");
  auto ok = CheckAvro(J(R"("int")"), J(R"("long")"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->compatible());
}

// Rule: diff lists both directions' breaks and the safe changes, kinds in
// the author's words, each with its direction; OldPath / NewPath point into
// the old and the new schema (issue 16 item 4: a removed field's pointer is
// into the old schema).
TEST(AvroDiff, BothDirectionsAndSafeChanges) {
  const char* old_schema = R"({"type":"record","name":"R","fields":[
     {"name":"id","type":"int"},
     {"name":"status","type":{"type":"enum","name":"S","symbols":["A","B"]}},
     {"name":"gone","type":"string"}]})";
  const char* new_schema = R"({"type":"record","name":"R","fields":[
     {"name":"id","type":"long"},
     {"name":"status","type":{"type":"enum","name":"S","symbols":["A","B","C"]}},
     {"name":"note","type":"string","default":""}]})";
  auto report = DiffAvro(J(old_schema), J(new_schema));
  ASSERT_TRUE(report.has_value());
  std::vector<std::string> lines;
  for (const Finding& f : report->findings) {
    lines.push_back(std::string(SeverityName(f.severity)) + " " + std::string(f.kind.name()) + " " +
                    std::string(DirectionName(f.direction)) + " old:" + OldPath(f) +
                    " new:" + NewPath(f));
  }
  std::vector<std::string> expected = {
      // forward: old readers cannot read an int from a long, nor symbol C.
      "BREAKING TYPE_PROMOTED FORWARD old:/fields/0/type new:/fields/0/type",
      "BREAKING ENUM_SYMBOL_ADDED FORWARD old:/fields/1/type/symbols new:/fields/1/type/symbols",
      // forward: old readers need "gone", which new writers do not send.
      "BREAKING FIELD_REMOVED FORWARD old:/fields/2 new:",
      "SAFE FIELD_ADDED  old: new:/fields/2",
  };
  EXPECT_EQ(lines, expected);
}

}  // namespace
}  // namespace accord::compat

namespace accord::compat {
namespace {

// Rule: over every ordered pair of a varied corpus, the check terminates,
// every schema is compatible with itself, every breaking finding has a
// kind from the published set, and every witness is valid under the writer.
TEST(AvroCompat, CorpusPairsHaveValidWitnesses) {
  const char* corpus[] = {
      R"("int")",
      R"("long")",
      R"("float")",
      R"("double")",
      R"("string")",
      R"("bytes")",
      R"("null")",
      R"(["null","string"])",
      R"(["int","string","null"])",
      R"({"type":"array","items":"long"})",
      R"({"type":"map","values":["null","int"]})",
      R"({"type":"enum","name":"E","symbols":["A","B"]})",
      R"({"type":"enum","name":"E","symbols":["B","C"],"default":"B"})",
      R"({"type":"fixed","name":"F","size":4})",
      R"({"type":"fixed","name":"F","size":8})",
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":["null","R"],"default":null}]})",
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"c","type":{"type":"array","items":"R"}}]})",
      R"({"type":"record","name":"R","aliases":["S"],"fields":[{"name":"z","type":"string","aliases":["a"]}]})",
      R"({"type":"record","name":"S","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":{"type":"fixed","name":"F","size":4}}]})",
      R"([{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]},"string"])",
  };
  const std::set<std::string> kinds = {"NAME_MISMATCH",        "FIXED_SIZE_MISMATCH",
                                       "MISSING_ENUM_SYMBOLS", "READER_FIELD_MISSING_DEFAULT_VALUE",
                                       "TYPE_MISMATCH",        "MISSING_UNION_BRANCH",
                                       "UNDECIDED_DEPTH"};
  std::vector<avro::Schema> schemas;
  for (const char* c : corpus) schemas.push_back(S(c));
  for (std::size_t i = 0; i < schemas.size(); ++i) {
    EXPECT_TRUE(CheckAvroSchemas(schemas[i], schemas[i]).compatible()) << corpus[i];
    for (std::size_t j = 0; j < schemas.size(); ++j) {
      Report r = CheckAvroSchemas(schemas[i], schemas[j]);
      EXPECT_EQ(r.compatible(), r.findings.empty());
      for (const Finding& f : r.findings) {
        EXPECT_TRUE(kinds.contains(std::string(f.kind.name()))) << f.kind;
        if (f.witness) {
          EXPECT_TRUE(avro::IsValidDatum(schemas[i], schemas[i].root(), *f.witness))
              << corpus[i] << " -> " << corpus[j] << ": " << json::ToJson(*f.witness);
        }
      }
    }
  }
}

}  // namespace
}  // namespace accord::compat

namespace accord::compat {
namespace {

// Rule: levels go through the shared mode logic: BACKWARD checks
// (latest -> candidate), FORWARD (candidate -> latest), *_TRANSITIVE every
// version, NONE nothing; findings name the versions.
TEST(AvroCompat, LevelsUseTheSharedModeLogic) {
  std::vector<json::Value> history = {
      J(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"old","type":"string"}]})"),
      J(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})"),
  };
  // Candidate adds a field without default: new readers cannot read v2 data.
  json::Value candidate = J(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"old","type":"string"}]})");
  auto none = CheckAvroLevel(Level::kNone, history, candidate);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->compatible());
  auto backward = CheckAvroLevel(Level::kBackward, history, candidate);
  ASSERT_TRUE(backward.has_value());
  ASSERT_EQ(backward->findings.size(), 1u);
  EXPECT_EQ(backward->findings[0].kind, "READER_FIELD_MISSING_DEFAULT_VALUE");
  EXPECT_EQ(backward->findings[0].writer_version, 2);
  EXPECT_EQ(backward->findings[0].reader_version, 3);
  // BACKWARD_TRANSITIVE also checks v1, which has "old": still one finding.
  auto bt = CheckAvroLevel(Level::kBackwardTransitive, history, candidate);
  ASSERT_TRUE(bt.has_value());
  EXPECT_EQ(bt->findings.size(), 1u);
  // FORWARD: old readers of v2 read "a" as int from a long: breaks.
  auto forward = CheckAvroLevel(Level::kForward, history, candidate);
  ASSERT_TRUE(forward.has_value());
  ASSERT_EQ(forward->findings.size(), 1u);
  EXPECT_EQ(forward->findings[0].kind, "TYPE_MISMATCH");
  EXPECT_EQ(forward->findings[0].writer_version, 3);
  auto full_t = CheckAvroLevel(Level::kFullTransitive, history, candidate);
  ASSERT_TRUE(full_t.has_value());
  // v2 backward, and v1 forward = v2 forward (the same break, the same
  // pointers and message: reported once, by the oldest pair; issue 16).
  ASSERT_EQ(full_t->findings.size(), 2u);
  EXPECT_EQ(full_t->findings[0].kind, "TYPE_MISMATCH");
  EXPECT_EQ(full_t->findings[0].direction, Direction::kForward);
  EXPECT_EQ(full_t->findings[0].reader_version, 1);
  auto bad = CheckAvroLevel(Level::kBackward, {J(R"("nope")")}, candidate);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().file, "version 1");
}

}  // namespace
}  // namespace accord::compat

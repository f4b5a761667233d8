// avro::DatumResolver: reading writer data with a reader schema by the
// specification's resolution rules; each failure with its reason, the
// datum's location and the reader schema's location.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "accord/schemas/avro.h"
#include "accord/schemas/load.h"

namespace accord::avro {
namespace {

Schema S(const char* text) {
  auto s = ParseText(text);
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return s ? std::move(*s) : *ParseText(R"("null")");
}

// "REASON datum_location | schema_location" of every failure reading
// `datum` written with `writer` as `reader`.
std::vector<std::string> Read(const char* writer, const char* reader, const char* datum) {
  Schema w = S(writer);
  Schema r = S(reader);
  auto doc = ParseJson(datum);
  EXPECT_TRUE(doc.has_value());
  DatumResolver resolver(w, r);
  std::vector<std::string> out;
  const std::vector<ResolutionError> errors = resolver.Resolve(w.root(), r.root(), doc->root);
  bool unreadable = false;
  for (const ResolutionError& e : errors) {
    out.push_back(std::string(ResolutionFailureName(e.failure)) + " " + e.datum_location + " | " +
                  e.schema_location);
    unreadable = unreadable || e.failure == ResolutionFailure::kInvalidDatum ||
                 e.failure == ResolutionFailure::kLimit;
  }
  // The prover's answer (Proves) agrees with these errors: every failure
  // reported is proved at its location (unless the datum is unreadable),
  // and a failure reported nowhere is not.
  const ProofOutcome readable_or = unreadable ? ProofOutcome::kUnreadable : ProofOutcome::kProved;
  for (const ResolutionError& e : errors) {
    if (e.failure == ResolutionFailure::kInvalidDatum || e.failure == ResolutionFailure::kLimit)
      continue;
    EXPECT_EQ(resolver.Proves(w.root(), r.root(), doc->root, e.failure, e.schema_location),
              readable_or)
        << ResolutionFailureName(e.failure) << " at " << e.schema_location;
    // Along an empty path the whole datum is the leaf: the same answer.
    EXPECT_EQ(
        resolver.ProvesAlong(w.root(), r.root(), {}, &doc->root, e.failure, e.schema_location),
        readable_or)
        << ResolutionFailureName(e.failure) << " at " << e.schema_location;
  }
  for (ResolutionFailure f :
       {ResolutionFailure::kTypeMismatch, ResolutionFailure::kNameMismatch,
        ResolutionFailure::kFixedSizeMismatch, ResolutionFailure::kMissingEnumSymbol,
        ResolutionFailure::kMissingField, ResolutionFailure::kNoUnionBranch}) {
    const std::string nowhere = "/nowhere";
    EXPECT_EQ(resolver.Proves(w.root(), r.root(), doc->root, f, nowhere),
              unreadable ? ProofOutcome::kUnreadable : ProofOutcome::kNotProved);
    EXPECT_EQ(resolver.ProvesAlong(w.root(), r.root(), {}, &doc->root, f, nowhere),
              unreadable ? ProofOutcome::kUnreadable : ProofOutcome::kNotProved);
  }
  return out;
}

using V = std::vector<std::string>;

TEST(AvroResolve, PromotionsReadAndOtherTypesMismatch) {
  EXPECT_EQ(Read(R"("int")", R"("long")", "1"), V{});
  EXPECT_EQ(Read(R"("long")", R"("double")", "1"), V{});
  EXPECT_EQ(Read(R"("string")", R"("bytes")", R"("a")"), V{});
  EXPECT_EQ(Read(R"("bytes")", R"("string")", R"("a")"), V{});
  EXPECT_EQ(Read(R"("long")", R"("int")", "1"), V{"TYPE_MISMATCH  | "});
  EXPECT_EQ(Read(R"("string")", R"("int")", R"("a")"), V{"TYPE_MISMATCH  | "});
}

TEST(AvroResolve, InvalidWriterDataIsReportedAsSuch) {
  EXPECT_EQ(Read(R"("int")", R"("int")", R"("a")"), V{"INVALID_DATUM  | "});
  EXPECT_EQ(Read(R"("int")", R"("int")", "3000000000"), V{"INVALID_DATUM  | "});
  // Not a value of the writer, so no type mismatch is claimed either.
  EXPECT_EQ(Read(R"("string")", R"("int")", "1"), V{"INVALID_DATUM  | "});
  EXPECT_EQ(Read(R"(["null","int"])", R"(["null","int"])", R"({"long":1})"),
            V{"INVALID_DATUM  | "});
}

TEST(AvroResolve, RecordFieldsByNameOrAliasAndDefaults) {
  const char* w =
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]})";
  EXPECT_EQ(
      Read(w,
           R"({"type":"record","name":"R","fields":[{"name":"x","aliases":["a"],"type":"long"}]})",
           R"({"a":1,"b":"s"})"),
      V{});
  EXPECT_EQ(
      Read(
          w,
          R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"c","type":"int","default":0}]})",
          R"({"a":1,"b":"s"})"),
      V{});
  EXPECT_EQ(Read(w, R"({"type":"record","name":"R","fields":[{"name":"c","type":"int"}]})",
                 R"({"a":1,"b":"s"})"),
            V{"MISSING_FIELD  | /fields/0"});
  EXPECT_EQ(Read(w, R"({"type":"record","name":"R","fields":[{"name":"b","type":"int"}]})",
                 R"({"a":1,"b":"s"})"),
            V{"TYPE_MISMATCH /b | /fields/0/type"});
  // Skipped writer fields are still decoded; unknown members are not data.
  EXPECT_EQ(Read(w, R"({"type":"record","name":"R","fields":[]})", R"({"a":"x","b":"s"})"),
            V{"INVALID_DATUM /a | /fields/0/type"});
  EXPECT_EQ(Read(w, w, R"({"a":1,"b":"s","c":2})"), V{"INVALID_DATUM /c | "});
  EXPECT_EQ(Read(w, w, R"({"a":1})"), V{"INVALID_DATUM  | "});
}

TEST(AvroResolve, NamesEnumsAndFixed) {
  EXPECT_EQ(Read(R"({"type":"record","name":"A","fields":[]})",
                 R"({"type":"record","name":"B","fields":[]})", "{}"),
            V{"NAME_MISMATCH  | /name"});
  EXPECT_EQ(Read(R"({"type":"record","name":"a.A","fields":[]})",
                 R"({"type":"record","name":"B","aliases":["a.A"],"fields":[]})", "{}"),
            V{});
  const char* e = R"({"type":"enum","name":"E","symbols":["A","B"]})";
  EXPECT_EQ(Read(e, R"({"type":"enum","name":"E","symbols":["A"]})", R"("A")"), V{});
  EXPECT_EQ(Read(e, R"({"type":"enum","name":"E","symbols":["A"]})", R"("B")"),
            V{"MISSING_ENUM_SYMBOL  | /symbols"});
  EXPECT_EQ(Read(e, R"({"type":"enum","name":"E","symbols":["A","C"],"default":"C"})", R"("B")"),
            V{});
  EXPECT_EQ(Read(e, e, R"("Z")"), V{"INVALID_DATUM  | "});
  EXPECT_EQ(Read(R"({"type":"fixed","name":"F","size":2})",
                 R"({"type":"fixed","name":"F","size":3})", R"("ab")"),
            V{"FIXED_SIZE_MISMATCH  | /size"});
}

TEST(AvroResolve, UnionsReadTheDatumsBranchWithAReaderBranchThatReadsIt) {
  EXPECT_EQ(Read(R"(["null","int"])", R"(["null","long"])", R"({"int":1})"), V{});
  EXPECT_EQ(Read(R"(["null","int"])", R"(["null","long"])", "null"), V{});
  EXPECT_EQ(Read(R"(["null","string"])", R"(["null","int"])", R"({"string":"a"})"),
            V{"NO_UNION_BRANCH /string | "});
  // A writer union read by a non-union reader: the datum's branch.
  EXPECT_EQ(Read(R"(["null","string"])", R"("string")", R"({"string":"a"})"), V{});
  EXPECT_EQ(Read(R"(["null","string"])", R"("string")", "null"), V{"TYPE_MISMATCH  | "});
  // A reader union whose record branch of the writer's name fails inside:
  // no branch reads the value, at the union.
  EXPECT_EQ(Read(R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"}]})",
                 R"(["null",{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}])",
                 R"({"a":"x"})"),
            V{"NO_UNION_BRANCH  | "});
}

TEST(AvroResolve, ArraysAndMapsReadEveryElement) {
  EXPECT_EQ(
      Read(R"({"type":"array","items":"int"})", R"({"type":"array","items":"string"})", "[1,2]"),
      (V{"TYPE_MISMATCH /0 | /items", "TYPE_MISMATCH /1 | /items"}));
  EXPECT_EQ(
      Read(R"({"type":"map","values":"int"})", R"({"type":"map","values":"long"})", R"({"k":1})"),
      V{});
}

// One resolver reads 10,000 data through a union of 10,000 branches (its
// branches are indexed once, by name).
TEST(AvroResolve, OneResolverReadsManyDataThroughALargeUnion) {
  std::string w = "[", r = "[";
  for (int i = 0; i < 10'000; ++i) {
    std::string rec = R"({"type":"record","name":"B)" + std::to_string(i) +
                      R"(","fields":[{"name":"a","type":"int"}]})";
    w += (i ? "," : "") + rec;
    r += (i ? "," : "") +
         (i % 2 ? rec : R"({"type":"fixed","name":"B)" + std::to_string(i) + R"(","size":1})");
  }
  Schema ws = S((w + "]").c_str());
  Schema rs = S((r + "]").c_str());
  DatumResolver resolver(ws, rs);
  int failed = 0;
  for (int i = 0; i < 10'000; ++i) {
    json::Value d(json::Object{});
    json::Value rec(json::Object{});
    rec.Add("a", json::Value(1));
    d.Add("B" + std::to_string(i), std::move(rec));
    auto errors = resolver.Resolve(ws.root(), rs.root(), d);
    failed += !errors.empty();
    if (i % 2 == 0) {
      ASSERT_EQ(errors.size(), 1u);
      EXPECT_EQ(errors[0].failure, ResolutionFailure::kNoUnionBranch);
    }
  }
  EXPECT_EQ(failed, 5'000);
}

// Proves: the failure at its reader location, nothing else, and an
// invalid datum answers kUnreadable whatever the failure asked.
TEST(AvroResolve, ProvesAnswersForOneFailureAtOneLocation) {
  Schema w = S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},)"
               R"({"name":"b","type":"string"}]})");
  Schema r = S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},)"
               R"({"name":"b","type":"int"},{"name":"c","type":"int"}]})");
  DatumResolver resolver(w, r);
  auto good = ParseJson(R"({"a":1,"b":"s"})");
  auto bad = ParseJson(R"({"a":"x","b":"s"})");
  ASSERT_TRUE(good.has_value());
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(resolver.Proves(w.root(), r.root(), good->root, ResolutionFailure::kTypeMismatch,
                            "/fields/1/type"),
            ProofOutcome::kProved);
  EXPECT_EQ(resolver.Proves(w.root(), r.root(), good->root, ResolutionFailure::kMissingField,
                            "/fields/2"),
            ProofOutcome::kProved);
  // The right failure at another place, another failure at the right place.
  EXPECT_EQ(resolver.Proves(w.root(), r.root(), good->root, ResolutionFailure::kTypeMismatch,
                            "/fields/0/type"),
            ProofOutcome::kNotProved);
  EXPECT_EQ(resolver.Proves(w.root(), r.root(), good->root, ResolutionFailure::kNoUnionBranch,
                            "/fields/1/type"),
            ProofOutcome::kNotProved);
  EXPECT_EQ(resolver.Proves(w.root(), r.root(), bad->root, ResolutionFailure::kTypeMismatch,
                            "/fields/1/type"),
            ProofOutcome::kUnreadable);
  // Resolve after Proves still reports in full (the modes do not leak).
  std::vector<ResolutionError> errors = resolver.Resolve(w.root(), r.root(), good->root);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].datum_location, "/b");
  EXPECT_EQ(errors[0].schema_location, "/fields/1/type");
  EXPECT_FALSE(errors[0].message.empty());
  EXPECT_EQ(errors[1].schema_location, "/fields/2");
}

// ProvesAlong reads only the nodes on a path and its leaf: a failure on a
// path record (a missing field, a name mismatch) or at the leaf node itself
// (with no leaf value: a type, name or fixed size mismatch) is proved, and
// Proves finds it too on a whole datum that follows the path.
TEST(AvroResolve, ProvesAlongReadsOnlyThePathAndItsLeaf) {
  Schema w = S(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},)"
      R"({"name":"n","type":{"type":"record","name":"N","fields":[)"
      R"({"name":"x","type":"string"},{"name":"f","type":{"type":"fixed","name":"F","size":2}}]}},)"
      R"({"name":"u","type":["null",{"type":"record","name":"Q","fields":[)"
      R"({"name":"m","type":{"type":"map","values":"long"}}]}]}]})");
  Schema r =
      S(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},)"
        R"({"name":"n","type":{"type":"record","name":"M","aliases":["X"],"fields":[)"
        R"({"name":"x","type":"int"},{"name":"f","type":{"type":"fixed","name":"F","size":4}},)"
        R"({"name":"y","type":"int"}]}},)"
        R"({"name":"u","type":["null",{"type":"record","name":"Q","fields":[)"
        R"({"name":"m","type":{"type":"map","values":"int"}}]}]}]})");
  DatumResolver resolver(w, r);
  using K = DatumStep::Kind;
  const std::vector<DatumStep> to_n = {{K::kField, 1}};
  const std::vector<DatumStep> to_x = {{K::kField, 1}, {K::kField, 0}};
  const std::vector<DatumStep> to_f = {{K::kField, 1}, {K::kField, 1}};
  const std::vector<DatumStep> to_q = {{K::kField, 2}, {K::kBranch, 1}};
  auto along = [&](const std::vector<DatumStep>& path, const json::Value* leaf, ResolutionFailure f,
                   std::string_view at) {
    return resolver.ProvesAlong(w.root(), r.root(), path, leaf, f, at);
  };
  // On the path (record N read as M): its name, its reader field y.
  EXPECT_EQ(along(to_x, nullptr, ResolutionFailure::kNameMismatch, "/fields/1/type/name"),
            ProofOutcome::kProved);
  EXPECT_EQ(along(to_f, nullptr, ResolutionFailure::kMissingField, "/fields/1/type/fields/2"),
            ProofOutcome::kProved);
  // At the leaf node itself, whatever its value.
  EXPECT_EQ(along(to_x, nullptr, ResolutionFailure::kTypeMismatch, "/fields/1/type/fields/0/type"),
            ProofOutcome::kProved);
  EXPECT_EQ(along(to_f, nullptr, ResolutionFailure::kFixedSizeMismatch,
                  "/fields/1/type/fields/1/type/size"),
            ProofOutcome::kProved);
  EXPECT_EQ(along(to_n, nullptr, ResolutionFailure::kMissingField, "/fields/1/type/fields/2"),
            ProofOutcome::kProved);
  // A union at the leaf depends on the value: read when given, else refused.
  // (Record Q is read by the reader's Q unless a value is beyond int.)
  auto rich = ParseJson(R"({"m":{"k":2147483648}})");
  auto empty = ParseJson(R"({"m":{}})");
  auto invalid = ParseJson(R"({"m":{"k":"x"}})");
  ASSERT_TRUE(rich && empty && invalid);
  EXPECT_EQ(along(to_q, nullptr, ResolutionFailure::kNoUnionBranch, "/fields/2/type"),
            ProofOutcome::kNotProved);
  EXPECT_EQ(along(to_q, &rich->root, ResolutionFailure::kNoUnionBranch, "/fields/2/type"),
            ProofOutcome::kProved);
  EXPECT_EQ(along(to_q, &empty->root, ResolutionFailure::kNoUnionBranch, "/fields/2/type"),
            ProofOutcome::kNotProved);
  EXPECT_EQ(along(to_q, &invalid->root, ResolutionFailure::kNoUnionBranch, "/fields/2/type"),
            ProofOutcome::kUnreadable);  // not a long
  // The right failure elsewhere, another failure at the right place.
  EXPECT_EQ(along(to_x, nullptr, ResolutionFailure::kTypeMismatch, "/fields/0/type"),
            ProofOutcome::kNotProved);
  EXPECT_EQ(along(to_x, nullptr, ResolutionFailure::kNoUnionBranch, "/fields/1/type/fields/0/type"),
            ProofOutcome::kNotProved);
  // Proves finds each proved failure on a whole datum along those paths.
  auto whole = ParseJson(R"({"a":0,"n":{"x":"","f":"aa"},"u":{"Q":{"m":{"k":2147483648}}}})");
  ASSERT_TRUE(whole.has_value());
  for (auto [f, at] : std::vector<std::pair<ResolutionFailure, std::string>>{
           {ResolutionFailure::kNameMismatch, "/fields/1/type/name"},
           {ResolutionFailure::kMissingField, "/fields/1/type/fields/2"},
           {ResolutionFailure::kTypeMismatch, "/fields/1/type/fields/0/type"},
           {ResolutionFailure::kFixedSizeMismatch, "/fields/1/type/fields/1/type/size"},
           {ResolutionFailure::kNoUnionBranch, "/fields/2/type"}}) {
    EXPECT_EQ(resolver.Proves(w.root(), r.root(), whole->root, f, at), ProofOutcome::kProved) << at;
  }
}

// What ProvesAlong refuses (kNotProved) though a whole datum proves it:
// the paths whose parts off the path the reading would depend on.
TEST(AvroResolve, ProvesAlongRefusesWhatDependsOnThePartsOffThePath) {
  using K = DatumStep::Kind;
  // Refused along `path` (with no leaf value), proved on the whole datum.
  auto refused_but_proved_whole = [](const char* writer, const char* reader,
                                     const std::vector<DatumStep>& path, ResolutionFailure f,
                                     std::string_view at, const char* whole) {
    Schema w = S(writer);
    Schema r = S(reader);
    DatumResolver resolver(w, r);
    EXPECT_EQ(resolver.ProvesAlong(w.root(), r.root(), path, nullptr, f, at),
              ProofOutcome::kNotProved);
    auto datum = ParseJson(whole);
    ASSERT_TRUE(datum.has_value());
    EXPECT_EQ(resolver.Proves(w.root(), r.root(), datum->root, f, at), ProofOutcome::kProved);
  };
  // A reader union on the path: its branches are tried on the whole record.
  refused_but_proved_whole(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"}]})",
      R"(["null",{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}])",
      {{K::kField, 0}}, ResolutionFailure::kNoUnionBranch, "", R"({"a":2147483648})");
  // A writer field that two reader fields read (by name, by alias).
  refused_but_proved_whole(R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"}]})",
                           R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"},)"
                           R"({"name":"b","aliases":["a"],"type":"int"}]})",
                           {{K::kField, 0}}, ResolutionFailure::kTypeMismatch, "/fields/1/type",
                           R"({"a":0})");
  // A step that does not fit its node, and nodes of different types.
  {
    Schema w = S(R"({"type":"array","items":{"type":"array","items":"long"}})");
    Schema r = S(R"({"type":"array","items":{"type":"map","values":"int"}})");
    DatumResolver resolver(w, r);
    const std::vector<DatumStep> field = {{K::kField, 0}};
    const std::vector<DatumStep> through = {{K::kItem, 0}, {K::kItem, 0}};
    const std::vector<DatumStep> to_items = {{K::kItem, 0}};
    EXPECT_EQ(resolver.ProvesAlong(w.root(), r.root(), field, nullptr,
                                   ResolutionFailure::kTypeMismatch, "/items"),
              ProofOutcome::kNotProved);
    EXPECT_EQ(resolver.ProvesAlong(w.root(), r.root(), through, nullptr,
                                   ResolutionFailure::kTypeMismatch, "/items"),
              ProofOutcome::kNotProved);
    EXPECT_EQ(resolver.ProvesAlong(w.root(), r.root(), to_items, nullptr,
                                   ResolutionFailure::kTypeMismatch, "/items"),
              ProofOutcome::kProved);
  }
}

TEST(AvroResolve, FailureNames) {
  EXPECT_EQ(ResolutionFailureName(ResolutionFailure::kInvalidDatum), "INVALID_DATUM");
  EXPECT_EQ(ResolutionFailureName(ResolutionFailure::kLimit), "LIMIT");
}

}  // namespace
}  // namespace accord::avro

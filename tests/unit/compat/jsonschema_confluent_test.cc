// The engine against Confluent's own JSON Schema compatibility cases
// (../shared/testdata/confluent-json-compat/diff-schema-examples.json, read
// in place). Rule checked: agreement with Confluent's BACKWARD verdict under
// STRICT and with every `compatible_lenient` under LENIENT, except the cases
// listed in kConfluentWrong, where Confluent's syntactic rules are provably
// wrong under the set semantics; for those our verdict is asserted, with a
// validator-checked witness when we say incompatible.
#include <map>
#include <tuple>

#include "jsonschema_test_support.h"

namespace accord::compat {
namespace {

using testing::CompileOracle;
using testing::Describe;

struct Disagreement {
  bool our_verdict;  // compatible?
  const char* why;
};

// Index in the file -> our verdict and the proof.
const std::map<int, Disagreement> kConfluentWrong = {
    {51,
     {true,
      "dependencies {foo: {type: string}} -> {foo: {type: number}}: a dependency schema "
      "applies to the whole object, which is neither a string nor a number, so both "
      "versions accept exactly the objects without 'foo' (and every non-object)"}},
    {55,
     {false,
      "required [foo] -> required [bar]: {\"foo\": \"\"} is valid under the old schema and "
      "rejected by the new one (bar missing)"}},
    {87,
     {true,
      "additionalItems without `items` is ignored (draft-07 9.3.1.2): both versions "
      "accept every document"}},
    {88,
     {true,
      "additionalItems without `items` is ignored (draft-07 9.3.1.2): both versions "
      "accept every document"}},
};

std::string CorpusPath() {
  return testing::TestdataDir() + "/confluent-json-compat/diff-schema-examples.json";
}

TEST(JsonSchemaConfluentTest, AgreesWithConfluentExceptProvablyWrongCases) {
  auto doc = testing::LoadJsonFile(CorpusPath());
  if (!doc) GTEST_SKIP() << "Confluent corpus not found at " << CorpusPath();
  int strict_total = 0, strict_agree = 0, lenient_total = 0, lenient_agree = 0;
  int wrong_confirmed = 0, breaking = 0, with_witness = 0, undecided = 0;
  const json::Array& cases = doc->AsArray();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const json::Value& c = cases[i];
    const json::Value& w = *c.Find("original_schema");
    const json::Value& r = *c.Find("update_schema");
    SCOPED_TRACE("case " + std::to_string(i) + ": " + c.Find("description")->AsString());
    JsonSchemaCheckOptions opt;
    opt.default_dialect = jsonschema::Dialect::kDraft7;  // Confluent's default draft
    auto strict = CheckJsonSchema(w, r, opt);
    ASSERT_TRUE(strict) << strict.error().ToString();
    bool expected = c.Find("compatible")->AsBool();
    // Rule: every schema is compatible with itself; every witness holds.
    for (const json::Value* s : {&w, &r}) {
      auto self = CheckJsonSchema(*s, *s, opt);
      ASSERT_TRUE(self);
      EXPECT_TRUE(self->compatible()) << json::ToJson(*s) << "\n" << Describe(*self);
    }
    {
      // Rule: every BREAKING finding's witness proves it (validator error
      // locations), in both directions.
      auto vw = CompileOracle(w, jsonschema::Dialect::kDraft7);
      auto vr = CompileOracle(r, jsonschema::Dialect::kDraft7);
      ASSERT_TRUE(vw && vr);
      auto forward = CheckJsonSchema(r, w, opt);
      ASSERT_TRUE(forward) << forward.error().ToString();
      for (const auto& [rep, writer, reader, rschema] :
           {std::tuple{&*strict, &*vw, &*vr, &r}, std::tuple{&*forward, &*vr, &*vw, &w}}) {
        for (const Finding& f : rep->findings) {
          if (f.severity == Severity::kUndecided) {
            ++undecided;
            EXPECT_FALSE(f.witness.has_value());
          }
          if (f.severity != Severity::kBreaking) continue;
          ++breaking;
          std::string problem = testing::WitnessProblem(f, *writer, *reader, *rschema);
          EXPECT_EQ(problem, "") << f.kind << " at " << f.reader_path;
          if (problem.empty()) ++with_witness;
        }
      }
    }
    if (std::getenv("ACCORD_COMPAT_VERBOSE"))
      std::printf("case %zu: %s\n%s", i, c.Find("description")->AsString().c_str(),
                  Describe(*strict).c_str());
    ++strict_total;
    auto wrong = kConfluentWrong.find(static_cast<int>(i));
    if (wrong != kConfluentWrong.end()) {
      EXPECT_EQ(strict->compatible(), wrong->second.our_verdict) << wrong->second.why << "\n"
                                                                 << Describe(*strict);
      if (strict->compatible() == wrong->second.our_verdict) ++wrong_confirmed;
      if (!strict->compatible()) {
        bool has_witness = false;
        auto vw = CompileOracle(w, jsonschema::Dialect::kDraft7);
        auto vr = CompileOracle(r, jsonschema::Dialect::kDraft7);
        for (const Finding& f : strict->findings) {
          if (!f.witness) continue;
          has_witness = true;
          if (vw && vr) {
            EXPECT_TRUE(vw->IsValid(*f.witness)) << json::ToJson(*f.witness);
            EXPECT_FALSE(vr->IsValid(*f.witness)) << json::ToJson(*f.witness);
          }
        }
        EXPECT_TRUE(has_witness) << Describe(*strict);
      }
    } else {
      EXPECT_EQ(strict->compatible(), expected) << Describe(*strict);
      if (strict->compatible() == expected) ++strict_agree;
    }
    if (const json::Value* len = c.Find("compatible_lenient")) {
      opt.policy = Policy::kLenient;
      auto lenient = CheckJsonSchema(w, r, opt);
      ASSERT_TRUE(lenient) << lenient.error().ToString();
      ++lenient_total;
      EXPECT_EQ(lenient->compatible(), len->AsBool()) << "LENIENT\n" << Describe(*lenient);
      if (lenient->compatible() == len->AsBool()) ++lenient_agree;
    }
  }
  std::printf(
      "[confluent] STRICT: %d/%d agree, %zu provably wrong in Confluent (%d confirmed); "
      "LENIENT: %d/%d agree\n",
      strict_agree, strict_total - static_cast<int>(kConfluentWrong.size()), kConfluentWrong.size(),
      wrong_confirmed, lenient_agree, lenient_total);
  std::printf(
      "[confluent] both directions: %d breaking findings, %d proved by their witness "
      "(validator error locations), %d undecided\n",
      breaking, with_witness, undecided);
  EXPECT_EQ(with_witness, breaking);
}

}  // namespace
}  // namespace accord::compat

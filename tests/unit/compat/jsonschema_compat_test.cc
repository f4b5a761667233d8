// The JSON Schema compatibility engine: table-driven cases (cases/*.json),
// each naming the rule it checks; every schema is also compatible with
// itself; every witness is checked with the validator (valid under the
// writer, invalid under the reader); plus error, budget and diff behaviour.
#include <chrono>

#include "accord/compat/instance_generator.h"
#include "jsonschema_test_support.h"

namespace accord::compat {
namespace {

using testing::CompatCase;
using testing::CompileOracle;
using testing::Describe;
using testing::J;

bool HasKind(const Report& r, const std::string& kind, Severity s) {
  for (const Finding& f : r.findings)
    if (f.kind == kind && f.severity == s) return true;
  return false;
}

std::vector<std::string> KindsOf(const Report& r, Severity s) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings)
    if (f.severity == s) out.emplace_back(f.kind.name());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return "[" + out + "]";
}

// Rules: the exact kinds per severity are the case's; every BREAKING
// finding's witness proves it (valid under W; R's validator failures include
// the finding's reader path); an UNDECIDED finding has no witness. Both
// schemas must compile in the validator (a case the oracle cannot read is a
// broken case, not a skipped one). Returns the number of witnesses proved.
int ExpectFindingsProved(const Report& r, const CompatCase& c) {
  auto vw = CompileOracle(c.writer, c.dialect);
  auto vr = CompileOracle(c.reader, c.dialect);
  EXPECT_TRUE(vw && vr) << "the validator cannot compile the case's schemas";
  if (!vw || !vr) return 0;
  int n = 0;
  for (const Finding& f : r.findings) {
    if (f.severity == Severity::kBreaking) {
      std::string problem = testing::WitnessProblem(f, *vw, *vr, c.reader);
      EXPECT_EQ(problem, "") << f.kind << " at " << f.reader_path;
      if (problem.empty()) ++n;
    }
    if (f.severity == Severity::kUndecided) {
      EXPECT_FALSE(f.witness.has_value()) << "undecided " << f.kind << " carries a witness";
    }
  }
  return n;
}

TEST(JsonSchemaCompatTest, CaseTables) {
  std::vector<CompatCase> cases = testing::LoadCases();
  ASSERT_GT(cases.size(), 100u);
  int witnesses = 0, breaking = 0, undecided = 0;
  for (const CompatCase& c : cases) {
    SCOPED_TRACE(c.file + ": " + c.rule);
    JsonSchemaCheckOptions opt;
    opt.default_dialect = c.dialect;
    opt.policy = c.policy;
    // Rule: every schema is compatible with itself.
    for (const json::Value* s : {&c.writer, &c.reader}) {
      auto self = CheckJsonSchema(*s, *s, opt);
      ASSERT_TRUE(self) << self.error().ToString();
      EXPECT_TRUE(self->compatible()) << "not self-compatible: " << json::ToJson(*s) << "\n"
                                      << Describe(*self);
    }
    auto r = CheckJsonSchema(c.writer, c.reader, opt);
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->compatible(), c.compatible) << Describe(*r);
    EXPECT_EQ(Join(KindsOf(*r, Severity::kBreaking)), Join(c.kinds)) << Describe(*r);
    EXPECT_EQ(Join(KindsOf(*r, Severity::kUndecided)), Join(c.undecided)) << Describe(*r);
    EXPECT_EQ(Join(KindsOf(*r, Severity::kWarning)), Join(c.warnings)) << Describe(*r);
    witnesses += ExpectFindingsProved(*r, c);
    breaking += static_cast<int>(r->CountBreaking());
    undecided += static_cast<int>(r->CountUndecided());
  }
  EXPECT_EQ(witnesses, breaking);
  std::printf(
      "[compat cases] %zu cases: %d breaking findings, %d proved by their witness "
      "(validator error locations), %d undecided\n",
      cases.size(), breaking, witnesses, undecided);
}

// Rule (issue 16): a witness proves the finding it is attached to. Old
// {q: integer >= 1, c: string}, new adds maximum 100 to q and requires c:
// MAXIMUM_ADDED's witness must break maximum (and, since the schemas allow
// it, carry c so that it breaks nothing else), and REQUIRED_ADDED's must
// lack c.
TEST(JsonSchemaCompatTest, EachWitnessProvesItsOwnFinding) {
  json::Value w = J(
      R"({"type":"object","properties":{"q":{"type":"integer","minimum":1},"c":{"type":"string"}}})");
  json::Value rd = J(
      R"({"type":"object","properties":{"q":{"type":"integer","minimum":1,"maximum":100},"c":{"type":"string"}},"required":["c"]})");
  auto r = CheckJsonSchema(w, rd);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->findings.size(), 2u) << Describe(*r);
  auto vw = CompileOracle(w, jsonschema::Dialect::kDraft2020_12);
  auto vr = CompileOracle(rd, jsonschema::Dialect::kDraft2020_12);
  ASSERT_TRUE(vw && vr);
  for (const Finding& f : r->findings) {
    ASSERT_EQ(f.severity, Severity::kBreaking) << Describe(*r);
    ASSERT_TRUE(f.witness) << Describe(*r);
    jsonschema::ValidationResult v = vr->Validate(*f.witness);
    ASSERT_EQ(v.failures.size(), 1u) << f.kind << ": " << json::ToJson(*f.witness);
    if (f.kind == "MAXIMUM_ADDED") {
      EXPECT_EQ(f.reader_path, "/properties/q/maximum");
      EXPECT_EQ(v.failures[0].keyword_location, "/properties/q/maximum");
      EXPECT_EQ(*f.witness->Find("q"), J("101"));
      EXPECT_TRUE(f.witness->Find("c")) << json::ToJson(*f.witness);
    } else {
      EXPECT_EQ(f.kind, "REQUIRED_ADDED");
      EXPECT_EQ(v.failures[0].keyword_location, "/required");
    }
  }
}

TEST(JsonSchemaCompatTest, FindingsCarryPathsAndActionableMessages) {
  auto r = CheckJsonSchema(
      J(R"({"type":"object","properties":{"amount":{"type":"number"}}})"),
      J(R"({"type":"object","properties":{"amount":{"type":"number"}},"required":["amount"]})"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->findings.size(), 1u);
  const Finding& f = r->findings[0];
  EXPECT_EQ(f.kind, "REQUIRED_ADDED");
  EXPECT_EQ(f.writer_path, "/properties/amount");
  EXPECT_EQ(f.reader_path, "/required");
  EXPECT_NE(f.message.find("'amount' is required by the reader"), std::string::npos) << f.message;
  ASSERT_TRUE(f.witness);
  EXPECT_EQ(*f.witness, J("{}"));
}

TEST(JsonSchemaCompatTest, WitnessIsARootLevelEvent) {
  auto r = CheckJsonSchema(
      J(R"({"type":"object","required":["order"],"properties":{"order":{"type":"object","required":["qty"],"properties":{"qty":{"type":"integer","maximum":100}}}}})"),
      J(R"({"type":"object","required":["order"],"properties":{"order":{"type":"object","required":["qty"],"properties":{"qty":{"type":"integer","maximum":10}}}}})"));
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->compatible());
  const Finding& f = r->findings[0];
  EXPECT_EQ(f.kind, "MAXIMUM_DECREASED");
  EXPECT_EQ(f.writer_path, "/properties/order/properties/qty/maximum");
  EXPECT_EQ(f.reader_path, "/properties/order/properties/qty/maximum");
  ASSERT_TRUE(f.witness);
  EXPECT_EQ(*f.witness, J(R"({"order":{"qty":100}})"));
}

TEST(JsonSchemaCompatTest, UnresolvableReferenceIsAnErrorNamingTheSchema) {
  auto r = CheckJsonSchema(J(R"({"type":"string"})"), J(R"({"$ref":"#/$defs/missing"})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnresolvedRef);
  EXPECT_EQ(r.error().file, "reader");
  auto w = CheckJsonSchema(J(R"({"$ref":"other.json"})"), J(R"({})"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().file, "writer");
}

TEST(JsonSchemaCompatTest, BundleDocumentsResolve) {
  jsonschema::SchemaBundle bundle;
  bundle.Add("https://example.com/money.json", J(R"({"type":"integer","minimum":0})"));
  JsonSchemaCheckOptions opt;
  opt.bundle = &bundle;
  auto r = CheckJsonSchema(
      J(R"({"$id":"https://example.com/a.json","properties":{"m":{"$ref":"money.json"}}})"),
      J(R"({"properties":{"m":{"type":"number"}}})"), opt);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->compatible()) << Describe(*r);
}

TEST(JsonSchemaCompatTest, BudgetExhaustionIsUndecidedNotAHang) {
  // Deeply nested anyOf on both sides (4096 leaves), differing at the leaves,
  // compared with a tiny budget.
  auto nest = [](std::string s) {
    for (int i = 0; i < 12; ++i)
      s = R"({"anyOf":[)" + s + R"(,{"type":"integer"},{"items":)" + s + "}]}";
    return s;
  };
  std::string w = nest(R"({"type":"string"})"), rd = nest(R"({"type":"string","maxLength":3})");
  JsonSchemaCheckOptions opt;
  opt.budget = 50;
  auto start = std::chrono::steady_clock::now();
  auto r = CheckJsonSchema(J(w), J(rd), opt);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->compatible());
  EXPECT_TRUE(HasKind(*r, "UNDECIDED_BUDGET", Severity::kUndecided)) << Describe(*r);
  EXPECT_EQ(r->CountBreaking(), 0u) << Describe(*r);
  EXPECT_LT(ms.count(), 20000);  // bounded (typically ~0.3 s; generous for sanitizers)
}

TEST(JsonSchemaCompatTest, LenientPolicyTurnsOpenModelBreaksIntoWarnings) {
  json::Value w = J(R"({"properties":{"foo":{"type":"string"}}})");
  json::Value r = J(R"({"properties":{"foo":{"type":"string"},"bar":{"type":"number"}}})");
  auto strict = CheckJsonSchema(w, r);
  ASSERT_TRUE(strict);
  EXPECT_FALSE(strict->compatible());
  JsonSchemaCheckOptions opt;
  opt.policy = Policy::kLenient;
  auto lenient = CheckJsonSchema(w, r, opt);
  ASSERT_TRUE(lenient);
  EXPECT_TRUE(lenient->compatible());
  EXPECT_TRUE(HasKind(*lenient, "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", Severity::kWarning));
}

TEST(JsonSchemaCompatTest, DiffListsBothDirectionsAndSafeChanges) {
  json::Value old_s = J(
      R"({"type":"object","description":"v1","properties":{"a":{"type":"string","maxLength":5}},"additionalProperties":false})");
  json::Value new_s = J(
      R"({"type":"object","description":"v2","properties":{"a":{"type":"string","maxLength":10},"b":{"type":"integer"}},"additionalProperties":false})");
  auto d = DiffJsonSchema(old_s, new_s);
  ASSERT_TRUE(d) << d.error().ToString();
  // maxLength increased: safe for BACKWARD, breaks FORWARD (new writers send longer strings).
  bool forward_break = false, safe_description = false;
  for (const Finding& f : d->findings) {
    if (f.severity == Severity::kBreaking && f.kind == "MAX_LENGTH_INCREASED" &&
        f.direction == Direction::kForward)
      forward_break = true;
    if (f.severity == Severity::kSafe && f.kind == "DESCRIPTION_CHANGED") safe_description = true;
  }
  EXPECT_TRUE(forward_break) << Describe(*d);
  EXPECT_TRUE(safe_description) << Describe(*d);
  // Backward alone is compatible.
  auto back = CheckJsonSchema(old_s, new_s);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->compatible()) << Describe(*back);
}

// Rule (performance, not a timed assertion): near-linear in the number of
// properties; a 500-property pair is reported for information.
TEST(JsonSchemaCompatTest, FiveHundredPropertiesAreFast) {
  json::Object props;
  for (int i = 0; i < 500; ++i) {
    json::Value p =
        i % 3 == 0 ? J(R"({"$ref":"#/$defs/money"})")
        : i % 3 == 1
            ? J(R"({"type":"object","properties":{"x":{"type":"string","maxLength":20}},"required":["x"]})")
            : J(R"({"type":["string","null"],"format":"date-time"})");
    props.push_back(json::Member{"p" + std::to_string(i), p});
  }
  json::Value schema = J(
      R"({"type":"object","$defs":{"money":{"type":"object","properties":{"amount":{"type":"integer"},"currency":{"enum":["EUR","USD"]}},"required":["amount"]}}})");
  schema.Add("properties", json::Value(props));
  // The reader widens every third property's maxLength and adds a property
  // to $defs/money: nothing is identical at the top, every property is compared.
  json::Value reader = schema;
  for (json::Member& m : reader.Find("properties")->AsObject())
    if (json::Value* p = m.value.Find("properties"))
      p->Find("x")->AsObject()[1].value = json::Value(40);
  reader.Find("$defs")->Find("money")->Find("properties")->Add("note", J(R"({"type":"string"})"));
  for (int round = 0; round < 2; ++round) {
    auto start = std::chrono::steady_clock::now();
    auto r = CheckJsonSchema(schema, reader);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    ASSERT_TRUE(r);
    // STRICT: the open money object gains a typed property -> one break.
    EXPECT_EQ(r->CountBreaking(), 1u) << Describe(*r);
    std::printf("[compat perf] 500-property pair: %.2f ms\n", us.count() / 1000.0);
  }
}

}  // namespace
}  // namespace accord::compat

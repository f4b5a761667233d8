// Governance lint rules (compat/lint.h), one test per rule and per config
// behaviour.
#include "accord/compat/lint.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "accord/compat/language.h"
#include "accord/schemas/load.h"

namespace accord::compat::lint {
namespace {

json::Value J(const std::string& text) {
  auto doc = ParseJson(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? doc->root : json::Value();
}

// A schema as lint reads it: loaded, not parsed.
SchemaSource S(const std::string& text) {
  SchemaSource source;
  source.name = "schema.json";
  source.document = std::make_shared<const Document>(Document{J(text), "schema.json", {}});
  return source;
}

// Rules that fired, as "rule@pointer".
std::vector<std::string> Fired(const std::string& schema, Input in = {},
                               const Config& config = {}) {
  const SchemaSource s = S(schema);
  in.source = &s;
  if (in.owner.empty()) in.owner = "team-x";
  std::vector<std::string> out;
  for (const Finding& f : Lint(in, config)) out.push_back(f.rule + "@" + f.pointer);
  return out;
}

constexpr const char* kClean = R"({
  "description": "An invoice was issued",
  "type": "object",
  "properties": {
    "id": {"type": "string", "description": "event id"},
    "customer": {"description": "payer", "type": "object",
                 "properties": {"name": {"type": "string", "x-pii": true}}}
  }
})";

TEST(Lint, CleanSchemaHasNoFindings) {
  Input in;
  in.subject = "billing.invoice-issued";
  EXPECT_EQ(Fired(kClean, in), std::vector<std::string>{});
}

TEST(Lint, SubjectNamingAndTense) {
  Input in;
  in.subject = "orders-value";  // Confluent's TopicNameStrategy spelling
  EXPECT_EQ(Fired(kClean, in), (std::vector<std::string>{"subject-name@", "event-name-tense@"}));
  in.subject = "billing.issue-invoice";  // imperative, not past tense
  EXPECT_EQ(Fired(kClean, in), std::vector<std::string>{"event-name-tense@"});
  for (const char* ok :
       {"accounts.user-signed-up", "shop.order-paid", "acme.billing.invoice-sent"}) {
    in.subject = ok;
    EXPECT_EQ(Fired(kClean, in), std::vector<std::string>{}) << ok;
  }
}

TEST(Lint, OwnerFromInputOrSchemaAttribute) {
  const SchemaSource s = S(kClean);
  Input in;
  in.source = &s;
  std::vector<Finding> f = Lint(in, {});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "owner-required");
  const SchemaSource owned = S(R"({"description": "d", "x-owner": "team-y"})");
  in.source = &owned;
  EXPECT_TRUE(Lint(in, {}).empty());
}

TEST(Lint, Descriptions) {
  EXPECT_EQ(
      Fired(R"({"type":"object","properties":{"a":{"type":"string"},
                        "b":{"$ref":"#/$defs/b"}},"$defs":{"b":{"type":"string"}}})"),
      (std::vector<std::string>{"schema-description@", "property-description@/properties/a"}));
}

TEST(Lint, PersonalDataNamesMustBeMarked) {
  const std::string schema = R"({"description":"d","type":"object","properties":{
    "customerEmail":{"type":"string","description":"x"},
    "contact":{"description":"x","type":"object","properties":{
        "name":{"type":"string"},"phone_number":{"type":"string"}}},
    "product":{"description":"x","type":"object","properties":{"name":{"type":"string"}}},
    "zip":{"type":"string","description":"a zip archive name"},
    "shipped":{"type":"boolean","description":"x"},
    "ipAddress":{"type":"string","description":"x","x-pii":false},
    "lines":{"description":"x","type":"array","items":{"type":"object","properties":{
        "cardNumber":{"type":"string"}}}},
    "dateOfBirth":{"type":"string","description":"x"}
  }})";
  EXPECT_EQ(Fired(schema), (std::vector<std::string>{
                               "pii-unmarked@/properties/customerEmail",
                               "pii-unmarked@/properties/contact/properties/name",
                               "pii-unmarked@/properties/contact/properties/phone_number",
                               "pii-unmarked@/properties/lines/items/properties/cardNumber",
                               "pii-unmarked@/properties/dateOfBirth",
                           }));
}

TEST(Lint, OpenPayloadOnlyWhenSaidExplicitly) {
  EXPECT_EQ(Fired(R"({"description":"d","additionalProperties":true})"),
            std::vector<std::string>{"open-payload@/additionalProperties"});
  EXPECT_EQ(Fired(R"({"description":"d","additionalProperties":{}})"),
            std::vector<std::string>{"open-payload@/additionalProperties"});
  EXPECT_EQ(Fired(R"({"description":"d"})"), std::vector<std::string>{});
  EXPECT_EQ(Fired(R"({"description":"d","additionalProperties":{"type":"string"}})"),
            std::vector<std::string>{});
}

TEST(Lint, EnvelopeWhenConfigured) {
  auto config = ParseConfig(J(R"({"rules":{"envelope":"error"},"envelope":{"id":"event_id"}})"));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(Fired(R"({"description":"d","required":["event_id","occurred_at"],
                      "properties":{"event_id":{"type":"string","description":"x"},
                                    "occurred_at":{"type":"string","description":"x"}}})",
                  {}, *config),
            std::vector<std::string>{"envelope@/properties/occurred_at"});  // no date-time format
  EXPECT_EQ(Fired(R"({"description":"d","required":["id"]})", {}, *config),
            (std::vector<std::string>{"envelope@/required", "envelope@/required"}));
}

TEST(Lint, AvroRules) {
  Input in;
  in.type = SchemaType::kAvro;
  EXPECT_EQ(Fired(R"({"type":"record","name":"R","doc":"d","fields":[
      {"name":"id","type":"string","doc":"x"},
      {"name":"email","type":"string"},
      {"name":"address","type":{"type":"record","name":"A","fields":[
          {"name":"street","type":"string","pii":true}]},"doc":"x","pii":false}]})",
                  in),
            (std::vector<std::string>{"property-description@/fields/1", "pii-unmarked@/fields/1"}));
}

TEST(LintConfig, LevelsAndErrors) {
  auto c = ParseConfig(J(R"({"rules":{"pii-unmarked":"warning","open-payload":false}})"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->LevelOf("pii-unmarked"), Level::kWarning);
  EXPECT_EQ(c->LevelOf("open-payload"), Level::kOff);
  EXPECT_EQ(c->LevelOf("envelope"), Level::kOff);  // default
  EXPECT_EQ(c->LevelOf("schema-description"), Level::kError);
  const SchemaSource warned =
      S(R"({"description":"d","properties":{"email":{"description":"x"}}})");
  Input in;
  in.owner = "t";
  in.source = &warned;
  auto findings = Lint(in, *c);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_FALSE(HasErrors(findings));

  struct Bad {
    const char* json;
    const char* message;
  };
  for (const Bad& b : {Bad{R"({"rules":{"pii-unmarkd":"error"}})", "did you mean pii-unmarked"},
                       Bad{R"({"rules":{"envelope":"loud"}})", "lint.rules.envelope"},
                       Bad{R"x({"subject_pattern":"(?<=x)"})x", "lint.subject_pattern"},
                       Bad{R"({"colour":1})", "lint.colour"}}) {
    auto r = ParseConfig(J(b.json));
    ASSERT_FALSE(r.has_value()) << b.json;
    EXPECT_NE(r.error().message.find(b.message), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace accord::compat::lint

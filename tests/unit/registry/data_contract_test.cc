// Confluent's data-contract semantics over the in-process REST layer
// (Api::Handle), each case after Confluent Schema Registry's documented
// behaviour (docs/migrating-from-confluent.md, "Data contracts"):
// inheritance of metadata / ruleSet from the previous version, the config's
// defaults and overrides, confluent:version, compatibilityGroup,
// validateFields with confluent:reserved, metadata and rule set as part of a
// schema's identity, GET /subjects/{s}/metadata, and rule set validation
// (42210).
#include <gtest/gtest.h>

#include <string>

#include "accord/registry/http_api.h"
#include "accord/schemas/load.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using json::Value;

class DataContractTest : public ::testing::Test {
 protected:
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return api_.Handle(testing::JsonRequest(method, target, body));
  }
  static Value Body(const HttpResponse& r) {
    auto doc = ParseJson(r.body);
    EXPECT_TRUE(doc) << r.body;
    return doc ? doc->root : Value();
  }
  static std::int64_t ErrorCodeOf(const HttpResponse& r) {
    const Value body = Body(r);
    const Value* code = body.Find("error_code");
    return code != nullptr ? code->AsNumber().AsInt() : 0;
  }
  static std::string Message(const HttpResponse& r) {
    const Value body = Body(r);
    const Value* m = body.Find("message");
    return m != nullptr && m->IsString() ? m->AsString() : std::string();
  }
  // The member `key` of a JSON reply as JSON text ("<absent>" when missing).
  static std::string Member(const HttpResponse& r, const char* key) {
    const Value body = Body(r);
    const Value* v = body.Find(key);
    return v != nullptr ? json::ToJson(*v) : std::string("<absent>");
  }
  // A registration body: the schema (a JSON string), its type, and extra
  // members (`"metadata":{...}` ...).
  static std::string Schema(const std::string& schema, const std::string& type,
                            const std::string& extra = {}) {
    Value o{json::Object{}};
    o.Add("schema", schema);
    o.Add("schemaType", type);
    std::string body = json::ToJson(o);
    if (!extra.empty()) body = body.substr(0, body.size() - 1) + "," + extra + "}";
    return body;
  }
  HttpResponse Register(const std::string& subject, const std::string& body) {
    return Call("POST", "/subjects/" + subject + "/versions", body);
  }
  // Registers and returns the id (fails the test on a refusal).
  std::int64_t Id(const std::string& subject, const std::string& body) {
    auto r = Register(subject, body);
    EXPECT_EQ(r.status, 200) << r.body;
    const Value b = Body(r);
    const Value* id = b.Find("id");
    return id != nullptr ? id->AsNumber().AsInt() : -1;
  }
  HttpResponse Version(const std::string& subject, int v) {
    return Call("GET", "/subjects/" + subject + "/versions/" + std::to_string(v));
  }

  // JSON Schemas that differ freely under compatibility NONE.
  static std::string Object(const std::string& property, const std::string& type = "string") {
    return R"({"type":"object","properties":{")" + property + R"(":{"type":")" + type +
           R"("}},"additionalProperties":false})";
  }

  Service service_{testing::OpenStoreOrDie(":memory:")};
  Api api_{service_};
};

// --- inheritance and merging --------------------------------------------------

// Confluent: "If a schema is registered without metadata or a rule set, the
// metadata and rule set of the previous version are used" (the specific
// object or else the previous one: they are not merged with each other).
TEST_F(DataContractTest, NewVersionWithoutMetadataOrRuleSetInheritsThePreviousOnes) {
  ASSERT_EQ(Call("PUT", "/config/orders", R"({"compatibility":"NONE"})").status, 200);
  const std::string rules =
      R"("ruleSet":{"domainRules":[{"name":"checkA","kind":"CONDITION","mode":"WRITE",)"
      R"("type":"CEL","expr":"message.a != ''"}]})";
  Id("orders", Schema(Object("a"), "JSON", R"("metadata":{"properties":{"app":"one"}},)" + rules));
  Id("orders", Schema(Object("b"), "JSON"));
  auto v2 = Version("orders", 2);
  EXPECT_EQ(Member(v2, "metadata"), R"({"properties":{"app":"one"}})");
  EXPECT_EQ(Member(v2, "ruleSet"),
            R"({"domainRules":[{"name":"checkA","kind":"CONDITION","mode":"WRITE",)"
            R"("type":"CEL","expr":"message.a != ''","disabled":false}]})");
  // Its own metadata replaces the previous one whole; the rule set is still
  // inherited.
  Id("orders", Schema(Object("c"), "JSON", R"("metadata":{"properties":{"team":"x"}})"));
  auto v3 = Version("orders", 3);
  EXPECT_EQ(Member(v3, "metadata"), R"({"properties":{"team":"x"}})");
  EXPECT_EQ(Member(v3, "ruleSet"), Member(v2, "ruleSet"));
}

// Confluent: final = merge(merge(config.default, specific), config.override);
// properties and tag paths of the later replace the earlier's, sensitive
// names are united, rules merge by name (an earlier rule of the same name
// is dropped, the later ones follow in order).
TEST_F(DataContractTest, ConfigDefaultsThenOwnThenOverridesMergeAsConfluentMerges) {
  auto put =
      Call("PUT", "/config/orders",
           R"({"compatibility":"NONE",)"
           R"("defaultMetadata":{"properties":{"a":"default","b":"default"},)"
           R"("sensitive":["s1"],"tags":{"Order.a":["PII"]}},)"
           R"("overrideMetadata":{"properties":{"b":"override"}},)"
           R"("defaultRuleSet":{"domainRules":[)"
           R"({"name":"r1","type":"CEL","mode":"WRITE","expr":"1"},)"
           R"({"name":"r2","type":"CEL","mode":"WRITE","expr":"default"}]},)"
           R"("overrideRuleSet":{"domainRules":[{"name":"r3","type":"CEL","mode":"READ"}]}})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto r =
      Register("orders", Schema(Object("a"), "JSON",
                                R"("metadata":{"properties":{"a":"own","c":"own"},)"
                                R"("sensitive":["s2"]},)"
                                R"("ruleSet":{"domainRules":[)"
                                R"({"name":"r2","type":"CEL","mode":"WRITE","expr":"own"}]})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string metadata =
      R"({"tags":{"Order.a":["PII"]},"properties":{"a":"own","b":"override","c":"own"},)"
      R"("sensitive":["s1","s2"]})";
  const std::string rule_set =
      R"({"domainRules":[{"name":"r1","kind":"TRANSFORM","mode":"WRITE","type":"CEL",)"
      R"("expr":"1","disabled":false},{"name":"r2","kind":"TRANSFORM","mode":"WRITE",)"
      R"("type":"CEL","expr":"own","disabled":false},{"name":"r3","kind":"TRANSFORM",)"
      R"("mode":"READ","type":"CEL","disabled":false}]})";
  // The register reply carries what the version settled on, as do the reads.
  EXPECT_EQ(Member(r, "metadata"), metadata);
  EXPECT_EQ(Member(r, "ruleSet"), rule_set);
  EXPECT_EQ(Member(Version("orders", 1), "metadata"), metadata);
  EXPECT_EQ(Member(Version("orders", 1), "ruleSet"), rule_set);
  EXPECT_EQ(Member(Call("GET", "/schemas/ids/1"), "metadata"), metadata);
  // A registration without its own: defaults, the previous version's, then
  // the overrides again.
  Id("orders", Schema(Object("b"), "JSON"));
  EXPECT_EQ(Member(Version("orders", 2), "metadata"), metadata);
}

// GET /config serves the settings; a subject without its own config is
// 40408 unless defaultToGlobal, and a subject's unset settings fall back to
// the global ones (as compatibility does).
TEST_F(DataContractTest, ConfigSettingsAreServedWithDefaultToGlobal) {
  ASSERT_EQ(Call("PUT", "/config",
                 R"({"compatibilityGroup":"major_version","validateFields":true,)"
                 R"("defaultMetadata":{"properties":{"owner":"team-a"}}})")
                .status,
            200);
  auto global = Call("GET", "/config");
  EXPECT_EQ(Member(global, "compatibilityGroup"), R"("major_version")");
  EXPECT_EQ(Member(global, "validateFields"), "true");
  EXPECT_EQ(Member(global, "defaultMetadata"), R"({"properties":{"owner":"team-a"}})");
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/config/orders")), 40408);
  EXPECT_EQ(Member(Call("GET", "/config/orders?defaultToGlobal=true"), "compatibilityGroup"),
            R"("major_version")");
  ASSERT_EQ(Call("PUT", "/config/orders", R"({"overrideRuleSet":{"domainRules":[]}})").status, 200);
  auto subject = Call("GET", "/config/orders");
  EXPECT_EQ(Member(subject, "overrideRuleSet"), "{}");
  EXPECT_EQ(Member(subject, "compatibilityGroup"), R"("major_version")");
  EXPECT_EQ(Member(subject, "defaultMetadata"), R"({"properties":{"owner":"team-a"}})");
  // An invalid default rule set is refused like one sent on registration.
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/config/orders",
                             R"({"defaultRuleSet":{"domainRules":[{"name":"x"}]}})")),
            42210);
  EXPECT_EQ(ErrorCodeOf(Call("PUT", "/config", R"({"validateFields":"yes"})")), 422);
}

// IMPORT mode stores a version's metadata and rule set as given: no
// inheritance, no defaults (Confluent skips maybePopulateFromPrevious).
TEST_F(DataContractTest, ImportModeStoresTheContractAsGiven) {
  ASSERT_EQ(Call("PUT", "/config", R"({"defaultMetadata":{"properties":{"d":"1"}}})").status, 200);
  ASSERT_EQ(Call("PUT", "/mode", R"({"mode":"IMPORT"})").status, 200);
  Id("orders",
     Schema(Object("a"), "JSON", R"("id":7,"version":1,"metadata":{"properties":{"app":"x"}})"));
  Id("orders", Schema(Object("b"), "JSON", R"("id":8,"version":2)"));
  EXPECT_EQ(Member(Version("orders", 1), "metadata"), R"({"properties":{"app":"x"}})");
  EXPECT_EQ(Member(Version("orders", 2), "metadata"), "<absent>");
}

// --- confluent:version ----------------------------------------------------------

// Confluent sets confluent:version to the new version's number when the
// request names a version or the metadata carries the property: a value the
// client sent is replaced; inherited, it follows the version.
TEST_F(DataContractTest, ConfluentVersionFollowsTheVersionNumber) {
  ASSERT_EQ(Call("PUT", "/config/orders", R"({"compatibility":"NONE"})").status, 200);
  Id("orders",
     Schema(Object("a"), "JSON", R"("metadata":{"properties":{"confluent:version":"7"}})"));
  EXPECT_EQ(Member(Version("orders", 1), "metadata"),
            R"({"properties":{"confluent:version":"1"}})");
  const std::int64_t id2 = Id("orders", Schema(Object("b"), "JSON"));
  EXPECT_EQ(Member(Version("orders", 2), "metadata"),
            R"({"properties":{"confluent:version":"2"}})");
  // The same schema again, with another (or no) number, is that version.
  auto again = Register("orders", Schema(Object("b"), "JSON",
                                         R"("metadata":{"properties":{"confluent:version":"9"}})"));
  EXPECT_EQ(Member(again, "id"), std::to_string(id2));
  EXPECT_EQ(Body(Call("GET", "/subjects/orders/versions")).AsArray().size(), 2u);
  // Naming the version adds the property where there was none.
  Id("payments", Schema(Object("a"), "JSON", R"("version":1)"));
  EXPECT_EQ(Member(Version("payments", 1), "metadata"),
            R"({"properties":{"confluent:version":"1"}})");
  // Without either, none is added.
  Id("plain", Schema(Object("a"), "JSON"));
  EXPECT_EQ(Member(Version("plain", 1), "metadata"), "<absent>");
}

// --- compatibilityGroup -----------------------------------------------------------

// Confluent: with compatibilityGroup set, a new version is checked only
// against earlier versions with the same value of that metadata property
// (a deliberate breaking major version starts a new group).
TEST_F(DataContractTest, CompatibilityGroupChecksOnlyVersionsOfTheSameGroup) {
  ASSERT_EQ(Call("PUT", "/config/orders",
                 R"({"compatibility":"BACKWARD","compatibilityGroup":"major_version"})")
                .status,
            200);
  Id("orders", Schema(Object("a"), "JSON", R"("metadata":{"properties":{"major_version":"1"}})"));
  // Breaking, but the first of group 2.
  Id("orders",
     Schema(Object("a", "integer"), "JSON", R"("metadata":{"properties":{"major_version":"2"}})"));
  // Breaking against group 1's version 1 (the group of the new version).
  auto broken = Register("orders", Schema(Object("a", "boolean"), "JSON",
                                          R"("metadata":{"properties":{"major_version":"1"}})"));
  EXPECT_EQ(ErrorCodeOf(broken), 40901) << broken.body;
  // Without the setting the same break against the latest version is refused.
  ASSERT_EQ(Call("PUT", "/config/payments", R"({"compatibility":"BACKWARD"})").status, 200);
  Id("payments", Schema(Object("a"), "JSON", R"("metadata":{"properties":{"major_version":"1"}})"));
  EXPECT_EQ(ErrorCodeOf(
                Register("payments", Schema(Object("a", "integer"), "JSON",
                                            R"("metadata":{"properties":{"major_version":"2"}})"))),
            40901);
}

// Confluent's compatibility endpoint applies the group to the schema as
// sent: only versions of its group are checked.
TEST_F(DataContractTest, CompatibilityEndpointHonoursTheGroup) {
  ASSERT_EQ(Call("PUT", "/config/orders",
                 R"({"compatibility":"BACKWARD","compatibilityGroup":"major_version"})")
                .status,
            200);
  Id("orders", Schema(Object("a"), "JSON", R"("metadata":{"properties":{"major_version":"1"}})"));
  const std::string breaking = Object("a", "integer");
  auto same_group =
      Call("POST", "/compatibility/subjects/orders/versions/latest",
           Schema(breaking, "JSON", R"("metadata":{"properties":{"major_version":"1"}})"));
  EXPECT_EQ(Member(same_group, "is_compatible"), "false") << same_group.body;
  auto new_group =
      Call("POST", "/compatibility/subjects/orders/versions/latest",
           Schema(breaking, "JSON", R"("metadata":{"properties":{"major_version":"2"}})"));
  EXPECT_EQ(Member(new_group, "is_compatible"), "true") << new_group.body;
}

// --- validateFields and confluent:reserved ------------------------------------------

// Confluent (validateFields): a new version may not drop a name from the
// previous version's confluent:reserved list, nor have a top-level field a
// name in its own list; both are refused as incompatible (40901) with
// Confluent's messages and "{validateFields: 'true', ...}".
TEST_F(DataContractTest, ReservedFieldsAreCheckedForEachSchemaType) {
  struct Case {
    const char* type;
    std::string without_c;  // fields a, b
    std::string with_c;     // fields a, b, c
  };
  const Case cases[] = {
      {"AVRO",
       R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"},)"
       R"({"name":"b","type":"string"}]})",
       R"({"type":"record","name":"R","fields":[{"name":"a","type":"string"},)"
       R"({"name":"b","type":"string"},{"name":"c","type":"string","default":""}]})"},
      {"JSON", R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}})",
       R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"},)"
       R"("c":{"type":"string"}}})"},
      {"PROTOBUF", "syntax = \"proto3\";\nmessage R {\n  string a = 1;\n  string b = 2;\n}\n",
       "syntax = \"proto3\";\nmessage R {\n  string a = 1;\n  string b = 2;\n  string c = 3;\n}\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    const std::string subject = std::string("reserved-") + c.type;
    ASSERT_EQ(Call("PUT", "/config/" + subject, R"({"compatibility":"NONE","validateFields":true})")
                  .status,
              200);
    const std::string reserve_c = R"("metadata":{"properties":{"confluent:reserved":"c, d"}})";
    Id(subject, Schema(c.without_c, c.type, reserve_c));
    auto conflict = Register(subject, Schema(c.with_c, c.type, reserve_c));
    EXPECT_EQ(ErrorCodeOf(conflict), 40901) << conflict.body;
    EXPECT_NE(Message(conflict).find(
                  "The new schema has field that conflicts with the reserved field c."),
              std::string::npos)
        << conflict.body;
    EXPECT_NE(Message(conflict).find("{validateFields: 'true', compatibility: 'NONE'}"),
              std::string::npos)
        << conflict.body;
    auto dropped = Register(
        subject,
        Schema(c.with_c, c.type, R"("metadata":{"properties":{"confluent:reserved":"d"}})"));
    EXPECT_EQ(ErrorCodeOf(dropped), 40901) << dropped.body;
    EXPECT_NE(Message(dropped).find("The new schema has reserved field c removed from its "
                                    "metadata which is present in the old schema's metadata."),
              std::string::npos)
        << dropped.body;
    // Keeping the list (inherited) and not using its names is accepted.
    EXPECT_EQ(
        Register(subject, Schema(c.without_c + (c.type[0] == 'P' ? "\n" : " "), c.type)).status,
        200);
    // Without validateFields nothing is checked.
    ASSERT_EQ(Call("PUT", "/config/" + subject, R"({"validateFields":false})").status, 200);
    EXPECT_EQ(Register(subject, Schema(c.with_c, c.type, reserve_c)).status, 200);
  }
}

// --- identity -----------------------------------------------------------------------

// Confluent hashes metadata and rule set into a schema's identity: the same
// text with another contract is a new version with a new id; a schema
// without a contract keeps the id it always had; lookup matches on both.
TEST_F(DataContractTest, MetadataAndRuleSetArePartOfASchemasIdentity) {
  const std::string text = Object("a");
  const std::int64_t plain = Id("a", Schema(text, "JSON"));
  EXPECT_EQ(Id("b", Schema(text, "JSON")), plain);
  const std::int64_t tagged =
      Id("a", Schema(text, "JSON", R"("metadata":{"properties":{"k":"v"}})"));
  EXPECT_NE(tagged, plain);
  EXPECT_EQ(Body(Call("GET", "/subjects/a/versions")).AsArray().size(), 2u);
  const std::int64_t ruled =
      Id("a", Schema(text, "JSON",
                     R"("metadata":{"properties":{"k":"v"}},)"
                     R"("ruleSet":{"domainRules":[{"name":"r","type":"CEL","mode":"WRITE"}]})"));
  EXPECT_NE(ruled, tagged);
  // The same contract again (member order aside) is that version.
  EXPECT_EQ(Id("c", Schema(text, "JSON", R"("metadata":{"properties":{"k":"v"}})")), tagged);
  EXPECT_EQ(Member(Call("GET", "/schemas/ids/" + std::to_string(tagged)), "metadata"),
            R"({"properties":{"k":"v"}})");
  EXPECT_EQ(Member(Call("GET", "/schemas/ids/" + std::to_string(plain)), "metadata"), "<absent>");
  // Lookup: the exact contract finds its version.
  auto found =
      Call("POST", "/subjects/a", Schema(text, "JSON", R"("metadata":{"properties":{"k":"v"}})"));
  EXPECT_EQ(Member(found, "version"), "2");
  EXPECT_EQ(Member(found, "id"), std::to_string(tagged));
  auto unknown =
      Call("POST", "/subjects/a", Schema(text, "JSON", R"("metadata":{"properties":{"k":"w"}})"));
  EXPECT_EQ(ErrorCodeOf(unknown), 40403);
}

// Confluent's lookup settles the contract as a registration would when the
// request carries none: a client sending bare schema text finds the version
// that inherited (or was given by default) its metadata.
TEST_F(DataContractTest, LookupWithoutContractFindsTheVersionWithTheSettledOne) {
  ASSERT_EQ(Call("PUT", "/config/orders",
                 R"({"compatibility":"NONE","defaultMetadata":{"properties":{"d":"1"}}})")
                .status,
            200);
  Id("orders", Schema(Object("a"), "JSON"));
  auto found = Call("POST", "/subjects/orders", Schema(Object("a"), "JSON"));
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(Member(found, "version"), "1");
  EXPECT_EQ(Member(found, "metadata"), R"({"properties":{"d":"1"}})");
}

// --- GET /subjects/{s}/metadata -----------------------------------------------------

// use.latest.with.metadata: the latest version whose metadata properties
// hold every key=value pair; 40403 when none; soft-deleted versions only
// with deleted=true.
TEST_F(DataContractTest, LatestWithMetadataMatchesEveryPair) {
  ASSERT_EQ(Call("PUT", "/config/orders", R"({"compatibility":"NONE"})").status, 200);
  Id("orders", Schema(Object("a"), "JSON", R"("metadata":{"properties":{"app":"x","env":"p"}})"));
  Id("orders", Schema(Object("b"), "JSON", R"("metadata":{"properties":{"app":"x","env":"q"}})"));
  Id("orders", Schema(Object("c"), "JSON", R"("metadata":{"properties":{"app":"y","env":"p"}})"));
  EXPECT_EQ(Member(Call("GET", "/subjects/orders/metadata?key=app&value=x"), "version"), "2");
  EXPECT_EQ(
      Member(Call("GET", "/subjects/orders/metadata?key=app&value=x&key=env&value=p"), "version"),
      "1");
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/subjects/orders/metadata?key=app&value=y&key=env&value=q")),
            40403);
  ASSERT_EQ(Call("DELETE", "/subjects/orders/versions/1").status, 200);
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/subjects/orders/metadata?key=env&value=p&key=app&value=x")),
            40403);
  EXPECT_EQ(Member(Call("GET",
                        "/subjects/orders/metadata?key=env&value=p&key=app&value=x"
                        "&deleted=true"),
                   "version"),
            "1");
}

// --- rule set validation --------------------------------------------------------------

// Confluent's RuleSet.validate, refused with INVALID_RULESET (42210).
TEST_F(DataContractTest, InvalidRuleSetsAreRefusedWith42210) {
  auto rule = [](const std::string& members, const char* list = "domainRules") {
    return std::string(R"("ruleSet":{")") + list + R"(":[{)" + members + "}]}";
  };
  const std::pair<const char*, std::string> bad[] = {
      {"name starts with a digit", rule(R"("name":"1r","type":"CEL")")},
      {"name with a space", rule(R"("name":"a b","type":"CEL")")},
      {"name too long", rule(R"("name":")" + std::string(65, 'r') + R"(","type":"CEL")")},
      {"no name", rule(R"("type":"CEL")")},
      {"no type", rule(R"("name":"r")")},
      {"unknown kind", rule(R"("name":"r","type":"CEL","kind":"CHECK")")},
      {"unknown mode", rule(R"("name":"r","type":"CEL","mode":"SIDEWAYS")")},
      {"domain rule with a migration mode", rule(R"("name":"r","type":"CEL","mode":"UPGRADE")")},
      {"migration rule with a domain mode",
       rule(R"("name":"r","type":"JSONATA","mode":"WRITE")", "migrationRules")},
      {"migration rule with the default mode",
       rule(R"("name":"r","type":"JSONATA")", "migrationRules")},
      {"two actions for WRITE",
       rule(R"("name":"r","type":"CEL","mode":"WRITE","onFailure":"NONE,ERROR")")},
      {"two actions for UPGRADE",
       rule(R"("name":"r","type":"JSONATA","mode":"UPGRADE","onSuccess":"NONE,NONE")",
            "migrationRules")},
      {"params not strings", rule(R"("name":"r","type":"CEL","params":{"a":1})")},
      {"duplicate names across lists",
       R"("ruleSet":{"migrationRules":[{"name":"r","type":"JSONATA","mode":"UPGRADE"}],)"
       R"("domainRules":[{"name":"r","type":"CEL"}]})"},
      {"not an object", R"("ruleSet":"r")"},
  };
  for (const auto& [why, extra] : bad) {
    auto r = Register("orders", Schema(Object("a"), "JSON", extra));
    EXPECT_EQ(ErrorCodeOf(r), 42210) << why << ": " << r.body;
  }
  EXPECT_EQ(ErrorCodeOf(Call("GET", "/subjects/orders/versions")), 40401);
  // The two-action forms with WRITEREAD / UPDOWN, custom actions and names
  // with letters beyond ASCII (Java's Character.isLetter) pass.
  auto ok = Register("orders",
                     Schema(Object("a"), "JSON",
                            R"("ruleSet":{"domainRules":[{"name":"_r-1","type":"CEL",)"
                            R"("onSuccess":"NONE,NONE","onFailure":"DLQ,ERROR"},)"
                            R"({"name":"prüfung","type":"CEL",)"
                            R"("onSuccess":"NONE,NONE","onFailure":"DLQ,ERROR"}],)"
                            R"("migrationRules":[{"name":"up","type":"JSONATA","mode":"UPDOWN",)"
                            R"("onFailure":"ERROR,NONE"}]})"));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

// Bounded cost: a rule set past 1,024 rules is refused before any work.
TEST_F(DataContractTest, RuleSetsPastTheLimitAreRefused) {
  std::string rules;
  for (int i = 0; i < 1025; ++i) {
    if (i > 0) rules += ",";
    rules += R"({"name":"r)" + std::to_string(i) + R"(","type":"CEL"})";
  }
  auto r = Register("orders",
                    Schema(Object("a"), "JSON", R"("ruleSet":{"domainRules":[)" + rules + "]}"));
  EXPECT_EQ(ErrorCodeOf(r), 42210) << r.body.substr(0, 200);
  EXPECT_NE(Message(r).find("more than 1024 rules"), std::string::npos) << Message(r);
}

// Regression: a rule set within 256 KiB as sent whose normal form (kind,
// mode and disabled spelled out for each of 1,024 rules) is past it was
// stored and could not be read again (the next version inherited nothing).
TEST_F(DataContractTest, RuleSetWhoseNormalFormIsPastTheLimitIsRefused) {
  std::string rules = R"({"name":"r","type":"CEL","doc":")" + std::string(230'000, 'd') + "\"}";
  for (int i = 1; i < 1024; ++i) rules += R"(,{"name":"r)" + std::to_string(i) + R"(","type":"C"})";
  const std::string rule_set = R"({"domainRules":[)" + rules + "]}";
  ASSERT_LT(rule_set.size(), 256u * 1024);
  auto r = Register("orders", Schema(Object("a"), "JSON", R"("ruleSet":)" + rule_set));
  EXPECT_EQ(ErrorCodeOf(r), 42210) << r.body.substr(0, 200);
  EXPECT_EQ(Message(r),
            "ruleSet: larger than 262144 bytes once written out in full (defaults included)");
  EXPECT_EQ(Call("GET", "/subjects/orders/versions").status, 404);
}

// Regression (fuzz_contract): a config default naming a domain rule and a
// version naming a migration rule of the same name merged into a rule set
// that no longer reads back (a rule name twice), which was stored, and the
// next version, inheriting it, silently got no rule set at all. The merged
// contract is refused instead, and nothing is stored.
TEST_F(DataContractTest, MergedRuleSetWithARuleNameTwiceIsRefused) {
  auto put = Call("PUT", "/config/orders",
                  R"({"compatibility":"NONE","defaultRuleSet":{"domainRules":[)"
                  R"({"name":"same","type":"CEL","mode":"WRITE","expr":"1"}]}})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto r = Register("orders", Schema(Object("a"), "JSON",
                                     R"("ruleSet":{"migrationRules":[)"
                                     R"({"name":"same","type":"JSONATA","mode":"UPGRADE"}]})"));
  EXPECT_EQ(ErrorCodeOf(r), 42210) << r.body;
  EXPECT_EQ(Message(r),
            "ruleSet merged with the config's defaultRuleSet/overrideRuleSet: found rule with "
            "duplicate name 'same'");
  EXPECT_EQ(Call("GET", "/subjects/orders/versions").status, 404);
  // Other names merge as before.
  Id("orders", Schema(Object("a"), "JSON",
                      R"("ruleSet":{"migrationRules":[)"
                      R"({"name":"other","type":"JSONATA","mode":"UPGRADE"}]})"));
  EXPECT_EQ(Member(Version("orders", 1), "ruleSet"),
            R"({"migrationRules":[{"name":"other","kind":"TRANSFORM","mode":"UPGRADE",)"
            R"("type":"JSONATA","disabled":false}],"domainRules":[{"name":"same",)"
            R"("kind":"TRANSFORM","mode":"WRITE","type":"CEL","expr":"1","disabled":false}]})");
}

// Regression (fuzz_contract): two property maps within the limit each
// (a default and the version's own) merged past it; refused, not stored.
TEST_F(DataContractTest, MergedMetadataPastTheLimitIsRefused) {
  auto properties = [](const std::string& prefix) {
    std::string out;
    for (int i = 0; i < 600; ++i) {
      if (i > 0) out += ",";
      out += "\"" + prefix + std::to_string(i) + "\":\"v\"";
    }
    return out;
  };
  auto put = Call(
      "PUT", "/config/orders",
      R"({"compatibility":"NONE","defaultMetadata":{"properties":{)" + properties("d") + "}}}");
  ASSERT_EQ(put.status, 200) << put.body.substr(0, 200);
  auto r = Register("orders", Schema(Object("a"), "JSON",
                                     R"("metadata":{"properties":{)" + properties("o") + "}}"));
  EXPECT_EQ(ErrorCodeOf(r), 42210) << r.body.substr(0, 200);
  EXPECT_EQ(Message(r),
            "metadata merged with the config's defaultMetadata/overrideMetadata properties: more "
            "than 1024 entries");
  EXPECT_EQ(Call("GET", "/subjects/orders/versions").status, 404);
}

}  // namespace
}  // namespace accord::registry

// Contexts (issue #18): Confluent's qualified subject names ":.ctx:subject",
// an id space per context, and the REST surface that reads them (GET
// /contexts, GET /subjects prefixes, ?subject= on ids, the base context
// path /contexts/{ctx}/...). In-process through Api::Handle.
#include <gtest/gtest.h>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

// --- the name rules (service.h) ------------------------------------------------

TEST(QualifiedSubjects, SplitFollowsConfluentsRule) {
  EXPECT_EQ(SplitQualifiedSubject(":.team-a:orders"),
            (QualifiedSubject{.context = ".team-a", .name = "orders"}));
  EXPECT_EQ(SplitQualifiedSubject(":.team-a:a:b"),
            (QualifiedSubject{.context = ".team-a", .name = "a:b"}));
  EXPECT_EQ(SplitQualifiedSubject(":.team-a:"),
            (QualifiedSubject{.context = ".team-a", .name = ""}));
  EXPECT_EQ(SplitQualifiedSubject(":.team-a"),
            (QualifiedSubject{.context = ".team-a", .name = ""}));
  EXPECT_EQ(SplitQualifiedSubject(":.:orders"),
            (QualifiedSubject{.context = ".", .name = "orders"}));
  EXPECT_EQ(SplitQualifiedSubject("orders"), (QualifiedSubject{.context = ".", .name = "orders"}));
  EXPECT_EQ(SplitQualifiedSubject(":orders"),
            (QualifiedSubject{.context = ".", .name = ":orders"}));
  EXPECT_EQ(SplitQualifiedSubject(":*:ord"),
            (QualifiedSubject{.context = ".", .name = "ord", .wildcard = true}));
  EXPECT_EQ(QualifySubject(".", "orders"), "orders");
  EXPECT_EQ(QualifySubject(".team-a", "orders"), ":.team-a:orders");
}

TEST(QualifiedSubjects, ContextNamesAreDotThenLettersDigitsDashUnderscoreDot) {
  for (const char* ok : {".", ".a", ".team-a", ".Team_A.2", ".x.y"}) {
    EXPECT_TRUE(ValidateContextName(ok)) << ok;
  }
  for (const char* bad : {"", "team", "..bad!", ".with space", ".a:b", ".__GLOBAL", ".é"}) {
    auto r = ValidateContextName(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidSubject) << bad;
  }
  EXPECT_TRUE(ValidateContextName("." + std::string(100, 'a')));
  EXPECT_FALSE(ValidateContextName("." + std::string(101, 'a')));
}

TEST(QualifiedSubjects, ValidateSubjectNameNormalisesAndRefuses) {
  EXPECT_EQ(ValidateSubjectName(":.:orders")->str(), "orders");
  EXPECT_EQ(ValidateSubjectName(":.team-a:orders")->str(), ":.team-a:orders");
  for (const char* bad : {":.team-a:", ":.team-a", ":*:orders", ":.bad ctx:o", ":.__GLOBAL:o"}) {
    auto r = ValidateSubjectName(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidSubject) << bad;
  }
}

// --- the REST surface ------------------------------------------------------------

class ContextsTest : public ::testing::Test {
 protected:
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = {}) {
    return api_.Handle(testing::JsonRequest(method, target, body));
  }
  static std::string Schema(const std::string& type) {
    json::Value o{json::Object{}};
    o.Add("schema", "{\"type\":\"" + type + "\"}");
    o.Add("schemaType", "JSON");
    return json::ToJson(o);
  }
  std::string Register(const std::string& subject, const std::string& type) {
    return Call("POST", "/subjects/" + subject + "/versions", Schema(type)).body;
  }

  Service service_{testing::OpenStoreOrDie(":memory:")};
  Api api_{service_};
};

// Rule: each context numbers its ids from 1; the same schema in two
// contexts is two schemas; the default context's ids are untouched.
TEST_F(ContextsTest, EachContextHasItsOwnIdSpace) {
  EXPECT_EQ(Register("orders", "string"), "{\"id\":1}");
  EXPECT_EQ(Register("other", "integer"), "{\"id\":2}");
  EXPECT_EQ(Register(":.team-a:orders", "integer"), "{\"id\":1}");
  EXPECT_EQ(Register(":.team-a:orders2", "string"), "{\"id\":2}");
  EXPECT_EQ(Register(":.team-a:again", "integer"), "{\"id\":1}");  // same schema, same context
  EXPECT_EQ(Register(":.team-b:orders", "string"), "{\"id\":1}");
  EXPECT_EQ(Register("third", "boolean"), "{\"id\":3}");
  EXPECT_EQ(Call("GET", "/subjects/:.team-a:orders/versions/1").body,
            "{\"subject\":\":.team-a:orders\",\"version\":1,\"id\":1,\"schemaType\":\"JSON\","
            "\"schema\":\"{\\\"type\\\":\\\"integer\\\"}\"}");
}

// Rule: /metrics counts the schemas of every context (each numbers its own
// from 1), not the default context's highest id alone.
TEST_F(ContextsTest, MetricsCountEveryContextsSchemas) {
  Register("orders", "string");
  Register("other", "integer");
  Register(":.team-a:orders", "integer");
  Register(":.team-a:orders2", "string");
  Register(":.team-b:orders", "string");
  const std::string body = Call("GET", "/metrics").body;
  auto line = [&](const std::string& name) {
    const std::size_t at = body.find("\n" + name + " ");
    if (at == std::string::npos) return std::string("(no " + name + ")");
    return body.substr(at + 1, body.find('\n', at + 1) - at - 1);
  };
  EXPECT_EQ(line("accord_schemas"), "accord_schemas 5");
  EXPECT_EQ(line("accord_subjects"), "accord_subjects 5");
}

// Rule: ?subject= picks the context of an id (Confluent's
// getSchemaKeyUsingContexts): none, the default; qualified, its context;
// unqualified, where that subject holds the id.
TEST_F(ContextsTest, SubjectParameterPicksTheContextOfAnId) {
  Register("orders", "string");           // . 1
  Register("other", "integer");           // . 2
  Register(":.team-a:orders", "number");  // .team-a 1
  Register(":.team-a:x", "boolean");      // .team-a 2
  auto schema_of = [&](const std::string& target) {
    auto r = Call("GET", target);
    return std::to_string(r.status) + " " + r.body;
  };
  EXPECT_EQ(schema_of("/schemas/ids/1"),
            "200 {\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}");
  EXPECT_EQ(schema_of("/schemas/ids/1?subject=:.team-a:"),
            "200 {\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"number\\\"}\"}");
  EXPECT_EQ(schema_of("/schemas/ids/1?subject=:.team-a:orders"),
            "200 {\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"number\\\"}\"}");
  EXPECT_EQ(schema_of("/schemas/ids/1?subject=orders"),
            "200 {\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}");
  // "x" holds id 2 in .team-a only: found there, not the default's id 2.
  EXPECT_EQ(schema_of("/schemas/ids/2?subject=x"),
            "200 {\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"boolean\\\"}\"}");
  // "nobody" holds nothing: the default context's id.
  EXPECT_EQ(schema_of("/schemas/ids/2?subject=nobody"),
            "200 {\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"integer\\\"}\"}");
  EXPECT_EQ(Call("GET", "/schemas/ids/3?subject=:.team-a:").status, 404);
  EXPECT_EQ(Call("GET", "/schemas/ids/1?subject=:.nowhere:").status, 404);
  EXPECT_EQ(Call("GET", "/schemas/ids/4294967297").status, 404);  // never a context's id
  EXPECT_EQ(Call("GET", "/schemas/ids/1/versions?subject=:.team-a:").body,
            "[{\"subject\":\":.team-a:orders\",\"version\":1}]");
  EXPECT_EQ(Call("GET", "/schemas/ids/2/subjects?subject=:.team-a:").body, "[\":.team-a:x\"]");
  EXPECT_EQ(Call("GET", "/schemas/ids/1/schema?subject=:.team-a:").body, "{\"type\":\"number\"}");
}

// Rule: GET /contexts lists "." and the contexts holding subjects; GET
// /subjects lists every context unless subjectPrefix narrows it.
TEST_F(ContextsTest, ContextsAndSubjectListsFollowConfluent) {
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\"]");
  Register("orders", "string");
  Register(":.team-b:orders", "string");
  Register(":.team-a:other", "string");
  Register(":.team-a:orders", "integer");
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\",\".team-a\",\".team-b\"]");
  EXPECT_EQ(Call("GET", "/subjects").body,
            "[\":.team-a:orders\",\":.team-a:other\",\":.team-b:orders\",\"orders\"]");
  EXPECT_EQ(Call("GET", "/subjects?subjectPrefix=:*:").body, Call("GET", "/subjects").body);
  EXPECT_EQ(Call("GET", "/subjects?subjectPrefix=").body, "[\"orders\"]");
  EXPECT_EQ(Call("GET", "/subjects?subjectPrefix=ord").body, "[\"orders\"]");
  EXPECT_EQ(Call("GET", "/subjects?subjectPrefix=:.team-a:").body,
            "[\":.team-a:orders\",\":.team-a:other\"]");
  EXPECT_EQ(Call("GET", "/subjects?subjectPrefix=:.team-a:oth").body, "[\":.team-a:other\"]");
  EXPECT_EQ(Call("GET", "/subjects?subjectPrefix=:*:ord").body,
            "[\":.team-a:orders\",\":.team-b:orders\",\"orders\"]");
}

// Rule: a request under /contexts/{ctx}/ is made in that context
// (Confluent's base context path); ":.:name" is "name".
TEST_F(ContextsTest, BaseContextPathQualifiesSubjectsIdsAndLists) {
  EXPECT_EQ(Call("POST", "/contexts/.team-a/subjects/orders/versions", Schema("integer")).body,
            "{\"id\":1}");
  Register("orders", "string");
  EXPECT_EQ(Call("GET", "/subjects/:.team-a:orders/versions").body, "[1]");
  EXPECT_EQ(Call("GET", "/contexts/team-a/subjects/orders/versions/1/schema").body,
            "{\"type\":\"integer\"}");
  EXPECT_EQ(Call("GET", "/contexts/:.team-a:/schemas/ids/1/schema").body, "{\"type\":\"integer\"}");
  EXPECT_EQ(Call("GET", "/contexts/.team-a/subjects").body, "[\":.team-a:orders\"]");
  EXPECT_EQ(Call("GET", "/contexts/./subjects").body, "[\"orders\"]");
  EXPECT_EQ(Call("GET", "/contexts/./schemas/ids/1/schema").body, "{\"type\":\"string\"}");
  EXPECT_EQ(Call("POST", "/contexts/.team-a/subjects/orders", Schema("integer")).status, 200);
  EXPECT_EQ(Call("POST", "/contexts/.team-a/compatibility/subjects/orders/versions/latest",
                 Schema("integer"))
                .body,
            "{\"is_compatible\":true}");
  EXPECT_EQ(Call("GET", "/subjects/:.:orders/versions").body, "[1]");
  auto bad = Call("GET", "/contexts/.bad!/subjects");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("42208"), std::string::npos) << bad.body;
}

// Rule: names that name no subject are refused (42208), with the reason.
TEST_F(ContextsTest, ContextAloneOrWildcardIsNoSubject) {
  for (const char* subject : {":.team-a:", ":*:orders", ":.bad%20ctx:o"}) {
    auto r = Call("POST", std::string("/subjects/") + subject + "/versions", Schema("string"));
    EXPECT_EQ(r.status, 422) << subject;
    EXPECT_NE(r.body.find("42208"), std::string::npos) << r.body;
  }
  // The look-alike rules apply to the name within the context.
  auto spaced = Call("POST", "/subjects/:.team-a:%20x/versions", Schema("string"));
  EXPECT_EQ(spaced.status, 422);
  EXPECT_NE(spaced.body.find("whitespace"), std::string::npos) << spaced.body;
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\"]");
}

// Rule: IMPORT mode keeps a client's id within the subject's context, and
// the same id may then mean another schema in another context; the
// context's next id follows its own highest.
TEST_F(ContextsTest, ImportKeepsIdsPerContext) {
  ASSERT_EQ(Call("PUT", "/mode", "{\"mode\":\"IMPORT\"}").status, 200);
  auto import = [&](const std::string& subject, const std::string& type, int id) {
    json::Value o{json::Object{}};
    o.Add("schema", "{\"type\":\"" + type + "\"}");
    o.Add("schemaType", "JSON");
    o.Add("id", id);
    o.Add("version", 1);
    return Call("POST", "/subjects/" + subject + "/versions", json::ToJson(o)).body;
  };
  EXPECT_EQ(import("orders", "string", 7), "{\"id\":7}");
  EXPECT_EQ(import(":.team-a:orders", "integer", 7), "{\"id\":7}");
  EXPECT_EQ(import(":.team-b:orders", "string", 40), "{\"id\":40}");
  auto clash = Call("POST", "/subjects/:.team-a:other/versions",
                    "{\"schema\":\"{\\\"type\\\":\\\"boolean\\\"}\",\"schemaType\":\"JSON\","
                    "\"id\":7,\"version\":1}");
  EXPECT_NE(clash.body.find("42207"), std::string::npos) << clash.body;
  ASSERT_EQ(Call("PUT", "/mode", "{\"mode\":\"READWRITE\"}").status, 200);
  EXPECT_EQ(Register("next", "null"), "{\"id\":8}");
  EXPECT_EQ(Register(":.team-a:next", "null"), "{\"id\":8}");
  EXPECT_EQ(Register(":.team-b:next", "null"), "{\"id\":41}");
  EXPECT_EQ(Call("GET", "/schemas/ids/7/schema?subject=:.team-a:").body, "{\"type\":\"integer\"}");
  EXPECT_EQ(Call("GET", "/schemas/ids/7/schema").body, "{\"type\":\"string\"}");
}

// Rule: a contract version's produced ids are ids of the subject's context,
// as clients got them from registering.
TEST_F(ContextsTest, ContractVersionsNameIdsWithinTheSubjectsContext) {
  Register("plain", "string");                                     // . 1
  Register(":.team-a:orders", "integer");                          // .team-a 1
  EXPECT_EQ(Register(":.team-a:orders", "number"), "{\"id\":2}");  // .team-a 2
  auto put = [&](const std::string& version, int id) {
    return Call("PUT", "/accord/v1/services/shop/versions/" + version,
                "{\"owner\":\"team-a\",\"produces\":[{\"subject\":\":.team-a:orders\","
                "\"id\":" +
                    std::to_string(id) + "}]}");
  };
  auto ok = put("1", 2);
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto got = Call("GET", "/accord/v1/services/shop/versions/1");
  EXPECT_NE(got.body.find("{\"subject\":\":.team-a:orders\",\"id\":2}"), std::string::npos)
      << got.body;
  // 3 is no id of .team-a (the default context has no 3 either).
  EXPECT_EQ(put("2", 3).status, 422);
}

// Rule (Confluent's): a subject in a context without its own config uses
// the context's (":.ctx:"), then the global one, field by field; the same
// for mode. The base context path's /config and /mode name the context's.
TEST_F(ContextsTest, ContextConfigComesBetweenSubjectAndGlobal) {
  // Incompatible JSON Schema pair under BACKWARD: string -> integer.
  Register(":.team-a:orders", "string");
  Register(":.team-b:orders", "string");
  auto status = [&](const std::string& subject, const std::string& type) {
    return Call("POST", "/subjects/" + subject + "/versions", Schema(type)).status;
  };
  EXPECT_EQ(Call("GET", "/config/:.team-a:").status, 404);
  auto set = Call("PUT", "/config/:.team-a:", "{\"compatibility\":\"NONE\"}");
  EXPECT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Call("GET", "/config/:.team-a:").body,
            "{\"compatibilityLevel\":\"NONE\",\"compatibilityPolicy\":\"STRICT\"}");
  EXPECT_EQ(Call("GET", "/contexts/.team-a/config").body,
            "{\"compatibilityLevel\":\"NONE\",\"compatibilityPolicy\":\"STRICT\"}");
  EXPECT_EQ(Call("GET", "/config/:.team-a:orders?defaultToGlobal=true").body,
            "{\"compatibilityLevel\":\"NONE\",\"compatibilityPolicy\":\"STRICT\"}");
  EXPECT_EQ(Call("GET", "/config/:.team-b:orders?defaultToGlobal=true").body,
            "{\"compatibilityLevel\":\"BACKWARD\",\"compatibilityPolicy\":\"STRICT\"}");
  EXPECT_EQ(Call("GET", "/config/:.team-a:orders").status, 404);
  EXPECT_EQ(status(":.team-a:orders", "integer"), 200);  // the context's NONE
  EXPECT_EQ(status(":.team-b:orders", "integer"), 409);  // the global BACKWARD
  // The subject's own config wins over its context's.
  ASSERT_EQ(Call("PUT", "/config/:.team-a:orders", "{\"compatibility\":\"BACKWARD\"}").status, 200);
  EXPECT_EQ(status(":.team-a:orders", "boolean"), 409);
  ASSERT_EQ(Call("DELETE", "/config/:.team-a:orders").status, 200);
  EXPECT_EQ(status(":.team-a:orders", "boolean"), 200);
  // Through the base context path; then deleted, the global one applies.
  EXPECT_EQ(Call("DELETE", "/contexts/.team-a/config").body, "{\"compatibilityLevel\":\"NONE\"}");
  EXPECT_EQ(Call("GET", "/config/:.team-a:").status, 404);
  EXPECT_EQ(status(":.team-a:orders", "null"), 409);
  // ":.:" is the default context, whose settings are the global ones.
  EXPECT_EQ(Call("GET", "/config/:.:").body, Call("GET", "/config").body);
  // A context's config is an admin's to set (checked in authz terms: the
  // open server's caller is an admin), and a bad context name is 42208.
  auto bad = Call("PUT", "/config/:.bad!:", "{\"compatibility\":\"NONE\"}");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("42208"), std::string::npos) << bad.body;
}

TEST_F(ContextsTest, ContextModeComesBetweenSubjectAndGlobal) {
  ASSERT_EQ(Call("PUT", "/config", "{\"compatibility\":\"NONE\"}").status, 200);  // modes alone
  Register(":.team-a:orders", "string");
  Register(":.team-b:orders", "string");
  EXPECT_EQ(Call("GET", "/mode/:.team-a:").status, 404);
  ASSERT_EQ(Call("PUT", "/contexts/.team-a/mode", "{\"mode\":\"READONLY\"}").status, 200);
  EXPECT_EQ(Call("GET", "/mode/:.team-a:").body, "{\"mode\":\"READONLY\"}");
  EXPECT_EQ(Call("GET", "/mode/:.team-a:orders?defaultToGlobal=true").body,
            "{\"mode\":\"READONLY\"}");
  EXPECT_EQ(Call("GET", "/mode/:.team-b:orders?defaultToGlobal=true").body,
            "{\"mode\":\"READWRITE\"}");
  auto refused = Call("POST", "/subjects/:.team-a:orders/versions", Schema("integer"));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("42205"), std::string::npos) << refused.body;
  EXPECT_EQ(Call("POST", "/subjects/:.team-b:orders/versions", Schema("number")).status, 200);
  // The subject's own mode wins over its context's.
  ASSERT_EQ(Call("PUT", "/mode/:.team-a:orders", "{\"mode\":\"READWRITE\"}").status, 200);
  EXPECT_EQ(Call("POST", "/subjects/:.team-a:orders/versions", Schema("number")).status, 200);
  EXPECT_EQ(Call("DELETE", "/mode/:.team-a:").body, "{\"mode\":\"READONLY\"}");
  EXPECT_EQ(Call("GET", "/mode/:.team-a:").status, 404);
  // IMPORT on a context: refused while it holds subjects, allowed on an
  // empty one, and then a client's ids are kept there only.
  auto busy = Call("PUT", "/mode/:.team-a:", "{\"mode\":\"IMPORT\"}");
  EXPECT_EQ(busy.status, 422);
  EXPECT_NE(busy.body.find("42205"), std::string::npos) << busy.body;
  ASSERT_EQ(Call("PUT", "/mode/:.team-c:", "{\"mode\":\"IMPORT\"}").status, 200);
  EXPECT_EQ(Call("POST", "/subjects/:.team-c:orders/versions",
                 "{\"schema\":\"{\\\"type\\\""
                 ":\\\"string\\\"}\",\"schemaType\":\"JSON\","
                 "\"id\":30,\"version\":1}")
                .body,
            "{\"id\":30}");
  auto elsewhere = Call("POST", "/subjects/:.team-b:other/versions",
                        "{\"schema\":\"{\\\"type\\\":\\\"null\\\"}\",\"schemaType\":"
                        "\"JSON\",\"id\":30,\"version\":1}");
  EXPECT_EQ(elsewhere.status, 422) << elsewhere.body;
}

// Rule: GET /contexts lists a context from its creation (a registration,
// or its own config or mode) until DELETE /contexts/{ctx}, which is refused
// while a subject in it has a version (soft-deleted ones count).
TEST_F(ContextsTest, ContextsAreListedUntilDeleted) {
  ASSERT_EQ(Call("PUT", "/config/:.empty:", "{\"compatibility\":\"FULL\"}").status, 200);
  Register(":.team-a:orders", "string");
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\",\".empty\",\".team-a\"]");
  auto busy = Call("DELETE", "/contexts/.team-a");
  EXPECT_EQ(busy.status, 422);
  EXPECT_NE(busy.body.find("42205"), std::string::npos) << busy.body;
  ASSERT_EQ(Call("DELETE", "/subjects/:.team-a:orders").status, 200);
  EXPECT_EQ(Call("DELETE", "/contexts/team-a").status, 422);  // soft-deleted still counts
  ASSERT_EQ(Call("DELETE", "/subjects/:.team-a:orders?permanent=true").status, 200);
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\",\".empty\",\".team-a\"]");
  EXPECT_EQ(Call("DELETE", "/contexts/:.team-a:").status, 204);
  EXPECT_EQ(Call("DELETE", "/contexts/.empty").status, 204);
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\"]");
  EXPECT_EQ(Call("GET", "/config/:.empty:").status, 404);  // its config went with it
  auto gone = Call("DELETE", "/contexts/.empty");
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("40414"), std::string::npos) << gone.body;
  EXPECT_EQ(Call("DELETE", "/contexts/.never").status, 404);
  auto root = Call("DELETE", "/contexts/.");
  EXPECT_EQ(root.status, 422);
  EXPECT_NE(root.body.find("42205"), std::string::npos) << root.body;
  // Used again, it is listed again (also once it is empty again), its id
  // space continuing.
  EXPECT_EQ(Register(":.team-a:orders", "integer"), "{\"id\":2}");
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\",\".team-a\"]");
  ASSERT_EQ(Call("DELETE", "/subjects/:.team-a:orders").status, 200);
  ASSERT_EQ(Call("DELETE", "/subjects/:.team-a:orders?permanent=true").status, 200);
  EXPECT_EQ(Call("GET", "/contexts").body, "[\".\",\".team-a\"]");
}

// Rule (Confluent's): an unqualified reference names a subject in the
// referencing subject's context; ":.:x" names the default context's x.
TEST_F(ContextsTest, ReferencesResolveInTheReferrersContext) {
  Register("common", "string");            // . 1
  Register(":.team-a:common", "integer");  // .team-a 1
  auto with_ref = [&](const std::string& subject, const std::string& ref_subject) {
    json::Value o{json::Object{}};
    o.Add("schema", "{\"$ref\":\"common.json\"}");
    o.Add("schemaType", "JSON");
    json::Value ref{json::Object{}};
    ref.Add("name", "common.json");
    ref.Add("subject", ref_subject);
    ref.Add("version", 1);
    o.Add("references", json::Value(json::Array{ref}));
    return Call("POST", "/subjects/" + subject + "/versions", json::ToJson(o));
  };
  auto in_a = with_ref(":.team-a:orders", "common");
  ASSERT_EQ(in_a.status, 200) << in_a.body;
  auto got = Call("GET", "/subjects/:.team-a:orders/versions/1");
  EXPECT_NE(got.body.find("\"references\":[{\"name\":\"common.json\",\"subject\":\":.team-a:"
                          "common\",\"version\":1}]"),
            std::string::npos)
      << got.body;
  auto to_default = with_ref(":.team-a:other", ":.:common");
  ASSERT_EQ(to_default.status, 200) << to_default.body;
  got = Call("GET", "/subjects/:.team-a:other/versions/1");
  EXPECT_NE(got.body.find("\"subject\":\"common\""), std::string::npos) << got.body;
  // In the default context nothing changes.
  auto plain = with_ref("orders", "common");
  ASSERT_EQ(plain.status, 200) << plain.body;
  got = Call("GET", "/subjects/orders/versions/1");
  EXPECT_NE(got.body.find("\"subject\":\"common\""), std::string::npos) << got.body;
  // A context without "common" has no such reference.
  EXPECT_EQ(with_ref(":.team-b:orders", "common").status, 422);
  // The two references are two schemas: what each $ref reads differs.
  EXPECT_EQ(Call("POST", "/compatibility/subjects/:.team-a:orders/versions/latest",
                 "{\"schema\":\"{\\\"type\\\":\\\"integer\\\"}\",\"schemaType\":\"JSON\"}")
                .body,
            "{\"is_compatible\":true}");
}

}  // namespace
}  // namespace accord::registry

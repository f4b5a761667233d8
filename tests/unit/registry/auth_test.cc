// Authentication: config parsing, Basic and Bearer credentials, key hashes.
#include "accord/registry/auth.h"

#include <gtest/gtest.h>

#include <string>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "accord/schemas/load.h"
#include "test_util.h"

namespace accord::registry {
namespace {

json::Value Yaml(const std::string& text) {
  auto doc = ParseYaml(text);
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().ToString());
  return doc ? doc->root : json::Value();
}

// base64 of "ci-orders:s3cret" and friends, computed independently
// (printf 'ci-orders:s3cret' | base64).
constexpr const char* kBasicGood = "Basic Y2ktb3JkZXJzOnMzY3JldA==";
constexpr const char* kBasicWrongUser = "Basic bWFsbG9yeTpzM2NyZXQ=";  // mallory:s3cret
constexpr const char* kBasicWrongKey = "Basic Y2ktb3JkZXJzOndyb25n";   // ci-orders:wrong

AuthConfig OneWriter() {
  AuthConfig c;
  c.anonymous_read = false;
  c.keys.push_back(ApiKey{.principal = "ci-orders",
                          .teams = {"team-orders"},
                          .role = Role::kWriter,
                          .sha256_hex = KeyHash("s3cret")});
  return c;
}

TEST(AuthConfig, ParsesKeysWithTeamOrTeams) {
  auto c = ParseAuthConfig(Yaml(R"(
anonymous_read: false
keys:
  - principal: ci-orders
    team: team-orders
    role: writer
    sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08
  - principal: boss
    teams: [a, b]
    role: ADMIN
    sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
)"));
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_FALSE(c->anonymous_read);
  ASSERT_EQ(c->keys.size(), 2u);
  EXPECT_EQ(c->keys[0].teams, std::vector<std::string>{"team-orders"});
  EXPECT_EQ(c->keys[0].sha256_hex, KeyHash("test"));  // stored lower-case
  EXPECT_EQ(c->keys[1].role, Role::kAdmin);
  EXPECT_EQ(c->keys[1].teams, (std::vector<std::string>{"a", "b"}));
}

TEST(AuthConfig, ErrorsNameTheMember) {
  struct Case {
    const char* yaml;
    const char* where;
  };
  const Case cases[] = {
      {"keys: [{principal: a, role: owner, sha256: x}]", "auth.keys[0].role"},
      {"keys: [{principal: a, role: admin, sha256: abc}]", "auth.keys[0].sha256"},
      {"keys: [{role: admin, sha256: "
       "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}]",
       "auth.keys[0]: missing principal"},
      {"keys: [{principal: a, role: writer, sha256: "
       "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}]",
       "a writer needs a team"},
      {"anonymous_read: maybe", "auth.anonymous_read"},
      {"keyz: []", "auth.keyz"},
      {"keys: [{principal: a, colour: red}]", "auth.keys[0].colour"},
  };
  for (const Case& c : cases) {
    auto r = ParseAuthConfig(Yaml(c.yaml));
    ASSERT_FALSE(r.has_value()) << c.yaml;
    EXPECT_NE(r.error().message.find(c.where), std::string::npos) << r.error().message;
  }
  // A principal listed twice.
  auto dup = ParseAuthConfig(Yaml(R"(
keys:
  - {principal: a, role: admin, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
  - {principal: a, role: admin, sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
)"));
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().message.find("listed twice"), std::string::npos);
}

TEST(Authenticator, OpenServerActsAsAnonymousAdmin) {
  Authenticator auth(AuthConfig{});
  EXPECT_TRUE(auth.open());
  auto p = auth.Authenticate("");
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->IsAdmin());
  EXPECT_FALSE(p->authenticated);
  EXPECT_EQ(p->name, "anonymous");
}

TEST(Authenticator, BasicAndBearerWithTheRightKey) {
  Authenticator auth(OneWriter());
  for (const char* header : {kBasicGood, "Bearer s3cret", "bearer   s3cret  "}) {
    auto p = auth.Authenticate(header);
    ASSERT_TRUE(p.has_value()) << header;
    EXPECT_EQ(p->name, "ci-orders");
    EXPECT_EQ(p->role, Role::kWriter);
    EXPECT_TRUE(p->InTeam("team-orders"));
    EXPECT_FALSE(p->InTeam("team-billing"));
    EXPECT_TRUE(p->authenticated);
  }
}

// The request log names who asked (HttpResponse::principal), never a key.
TEST(Authenticator, RepliesNameTheAuthenticatedPrincipalForTheLog) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  const Authenticator auth(OneWriter());
  Api api(service, ApiOptions{.authenticator = &auth});
  HttpRequest req;
  req.method = "GET";
  req.target = "/subjects";
  req.authorization = kBasicGood;
  EXPECT_EQ(api.Handle(req).principal, "ci-orders");
  req.authorization = "";
  HttpResponse refused = api.Handle(req);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.principal, "");
}

TEST(Authenticator, EverythingElseIs401WithOneMessage) {
  Authenticator auth(OneWriter());
  std::string message;
  for (const char* header :
       {kBasicWrongUser, kBasicWrongKey, "Bearer wrong", "Bearer ", "Basic !!!",
        "Basic Y2ktb3JkZXJz" /* no colon */, "Digest x", "s3cret"}) {
    auto p = auth.Authenticate(header);
    ASSERT_FALSE(p.has_value()) << header;
    EXPECT_EQ(p.error().code, ErrorCode::kUnauthorized);
    EXPECT_EQ(HttpStatusOf(p.error().code), 401);
    if (message.empty()) message = p.error().message;
    EXPECT_EQ(p.error().message, message) << "messages must not tell what was wrong";
    EXPECT_EQ(p.error().message.find("s3cret"), std::string::npos);
  }
  // No header: anonymous (whether it may read is the caller's decision).
  auto anon = auth.Authenticate("");
  ASSERT_TRUE(anon.has_value());
  EXPECT_FALSE(anon->authenticated);
  EXPECT_FALSE(auth.anonymous_read());
}

TEST(ApiKeys, NewKeysAreRandomAndUrlSafe) {
  const std::string a = NewApiKey();
  const std::string b = NewApiKey();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 4u + 43u);
  EXPECT_TRUE(a.starts_with("acc_"));
  EXPECT_EQ(
      a.find_first_not_of("acc_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  // sha256("test"), a published test vector.
  EXPECT_EQ(KeyHash("test"), "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

}  // namespace
}  // namespace accord::registry

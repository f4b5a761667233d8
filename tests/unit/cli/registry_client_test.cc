// The CLI's registry client against an in-process cpp-httplib server on an
// ephemeral loopback port: transport errors, Confluent error bodies, bad
// replies, percent-encoding, credentials, and the shared registry flags.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "accord/schemas/load.h"
#include "registry_client.h"
#include "registry_flags.h"

namespace accord::cli {
namespace {

constexpr const char* kJsonType = "application/vnd.schemaregistry.v1+json";

// What the fake registry saw of the last request.
struct Seen {
  std::string method;
  std::string target;  // as sent, still percent-encoded
  std::string authorization;
  std::string content_type;
};

class FakeRegistry {
 public:
  explicit FakeRegistry(std::unique_ptr<httplib::Server> server = nullptr)
      : server_(server ? std::move(server) : std::make_unique<httplib::Server>()) {
    server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
      std::lock_guard lock(mu_);
      seen_ = Seen{req.method, req.target, req.get_header_value("Authorization"),
                   req.get_header_value("Content-Type")};
      return httplib::Server::HandlerResponse::Unhandled;
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() before listen has started would be lost: wait for it.
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeRegistry() { Stop(); }
  void Stop() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Server& server() { return *server_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  Seen seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  Seen seen_;  // guarded by mu_
};

ClientOptions Options(const std::string& url) {
  ClientOptions o;
  o.base_url = url;
  o.timeout_ms = 2000;
  return o;
}

TEST(RegistryClient, ConnectionRefusedIsUnreachable) {
  std::string url;
  {
    FakeRegistry fake;
    url = fake.url();
  }  // the port is closed again
  RegistryClient client(Options(url));
  auto r = client.Get("/subjects");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kUnreachable);
  EXPECT_EQ(r.error().ToString(), "registry " + url + ": unreachable: could not connect");
}

TEST(RegistryClient, ConfluentErrorBodyGivesStatusCodeAndMessage) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"error_code":40401,"message":"Subject 'x' not found."})", kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.GetSubject("x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kHttp);
  EXPECT_EQ(r.error().status, 404);
  EXPECT_EQ(r.error().error_code, 40401);
  EXPECT_TRUE(r.error().Is(40401));
  EXPECT_EQ(r.error().message, "Subject 'x' not found.");
  EXPECT_EQ(r.error().ToString(),
            "registry " + fake.url() + ": 404 (40401) Subject 'x' not found.");
  EXPECT_EQ(fake.seen().target, "/accord/v1/subjects/x");
}

TEST(RegistryClient, ErrorStatusWithoutConfluentBodyUsesTheStatusLine) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 502;
    res.set_content("<html>bad gateway</html>", "text/html");
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.Get("/subjects");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kHttp);
  EXPECT_EQ(r.error().status, 502);
  EXPECT_EQ(r.error().error_code, 0);
  EXPECT_EQ(r.error().message, "Bad Gateway (GET /subjects)");
  EXPECT_EQ(ExitCodeFor(r.error()), kExitUnreachable);
}

TEST(RegistryClient, NonJsonSuccessReplyIsBadReply) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>a proxy login page</html>", "text/html");
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.Get("/subjects");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kBadReply);
  EXPECT_EQ(
      r.error().ToString(),
      "registry " + fake.url() + ": bad reply: the reply to GET /subjects is not JSON (HTTP 200)");
  EXPECT_EQ(ExitCodeFor(r.error()), kExitUnreachable);
}

TEST(RegistryClient, EmptySuccessReplyIsNull) {
  FakeRegistry fake;
  fake.server().Delete(".*",
                       [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  RegistryClient client(Options(fake.url()));
  auto r = client.Delete("/accord/v1/subjects/a/versions/1/deprecation");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->IsNull());
  EXPECT_EQ(fake.seen().method, "DELETE");
}

TEST(RegistryClient, SegmentPercentEncodesAllButUnreserved) {
  EXPECT_EQ(RegistryClient::Segment("orders.order-placed_v2~x"), "orders.order-placed_v2~x");
  EXPECT_EQ(RegistryClient::Segment("a b/c%d?e#f"), "a%20b%2Fc%25d%3Fe%23f");
  EXPECT_EQ(RegistryClient::Segment("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(RegistryClient::Segment(""), "");
}

TEST(RegistryClient, SubjectNamesAreEncodedInPaths) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("[1,2]", kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.ListVersions("team/a b");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(fake.seen().target, "/subjects/team%2Fa%20b/versions");
}

TEST(RegistryClient, BaseUrlPrefixAndTrailingSlashAreKept) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", kJsonType);
  });
  RegistryClient client(Options(fake.url() + "/registry/"));
  EXPECT_EQ(client.base_url(), fake.url() + "/registry");
  ASSERT_TRUE(client.Get("/subjects"));
  EXPECT_EQ(fake.seen().target, "/registry/subjects");
}

TEST(RegistryClient, PrincipalAndKeyAreSentAsBasicAuth) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", kJsonType);
  });
  ClientOptions o = Options(fake.url());
  o.principal = "alice";
  o.key = "s3cret";
  RegistryClient client(o);
  ASSERT_TRUE(client.Get("/"));
  EXPECT_EQ(fake.seen().authorization, "Basic YWxpY2U6czNjcmV0");  // base64("alice:s3cret")
}

TEST(RegistryClient, KeyAloneIsSentAsBearerToken) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", kJsonType);
  });
  ClientOptions o = Options(fake.url());
  o.key = "tok.en-1";
  RegistryClient client(o);
  ASSERT_TRUE(client.Get("/"));
  EXPECT_EQ(fake.seen().authorization, "Bearer tok.en-1");
}

TEST(RegistryClient, NoCredentialsSendNoAuthorization) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  ASSERT_TRUE(client.Get("/"));
  EXPECT_EQ(fake.seen().authorization, "");
}

TEST(RegistryClient, RegisterPostsSchemaAndTypeAndReadsId) {
  FakeRegistry fake;
  std::string body;  // written by the handler before it replies
  fake.server().Post(".*", [&body](const httplib::Request& req, httplib::Response& res) {
    body = req.body;
    res.set_content(R"({"id":7})", kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.Register("orders", R"({"type":"object"})", "JSON");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->id, 7);
  EXPECT_EQ(r->version, 0);  // the server did not say
  const Seen seen = fake.seen();
  EXPECT_EQ(seen.target, "/subjects/orders/versions");
  EXPECT_EQ(seen.content_type, kJsonType);
  EXPECT_EQ(body, R"({"schema":"{\"type\":\"object\"}","schemaType":"JSON"})");
}

TEST(RegistryClient, IncompatibleRegistrationIsHttp409WithTheMessage) {
  FakeRegistry fake;
  fake.server().Post(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 409;
    res.set_content(R"({"error_code":40901,"message":"Schema being registered is incompatible"})",
                    kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.Register("orders", "{}", "JSON");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().Is(40901));
  EXPECT_EQ(ExitCodeFor(r.error()), kExitRefused);
}

TEST(RegistryClient, LookupOfUnknownSchemaIsNullopt) {
  FakeRegistry fake;
  fake.server().Post(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"error_code":40403,"message":"Schema not found"})", kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.Lookup("orders", "{}", "JSON");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(fake.seen().target, "/subjects/orders");
}

TEST(RegistryClient, GetVersionReadsStateAndDeprecation) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"subject":"o","version":2,"id":5,"schemaType":"JSON","schema":"{}",
                        "state":"DEPRECATED","deprecation":{"sunset":"2027-01-31",
                        "reason":"use v3","replacement":3}})",
                    kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.GetVersion("o", 0);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(fake.seen().target, "/accord/v1/subjects/o/versions/latest");
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->id, 5);
  EXPECT_EQ(r->schema_type, "JSON");
  EXPECT_EQ(r->state, "DEPRECATED");
  EXPECT_EQ(r->sunset, "2027-01-31");
  EXPECT_EQ(r->reason, "use v3");
  EXPECT_EQ(r->replacement, 3);
}

TEST(RegistryClient, GetConfigDefaultsPolicyToStrict) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"compatibilityLevel":"FULL"})", kJsonType);
  });
  RegistryClient client(Options(fake.url()));
  auto r = client.GetConfig("o");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->level, "FULL");
  EXPECT_EQ(r->policy, "STRICT");
  EXPECT_EQ(fake.seen().target, "/config/o?defaultToGlobal=true");
}

TEST(RegistryClient, SlowReplyTimesOut) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    res.set_content("{}", kJsonType);
  });
  ClientOptions o = Options(fake.url());
  o.timeout_ms = 100;
  RegistryClient client(o);
  auto r = client.Get("/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kUnreachable);
}

TEST(RegistryClient, MalformedUrlIsUnreachableWithReason) {
  RegistryClient client(Options("ftp://example.com"));
  auto r = client.Get("/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kUnreachable);
  EXPECT_NE(r.error().message.find("not a registry URL"), std::string::npos);
  RegistryClient bad_port(Options("http://127.0.0.1:80x"));
  EXPECT_FALSE(bad_port.Get("/"));
}

TEST(RegistryClient, HttpsToAPlainServerFailsCleanly) {
  FakeRegistry fake;
  fake.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{}", kJsonType);
  });
  RegistryClient client(Options("https://127.0.0.1:" + std::to_string(fake.port())));
  auto r = client.Get("/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kUnreachable);
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  EXPECT_NE(r.error().message.find("without OpenSSL"), std::string::npos);
#else
  EXPECT_EQ(r.error().message, "TLS connection failed");
#endif
}

#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
// A self-signed certificate for 127.0.0.1 (valid until 2126) and an
// unrelated CA, in tests/unit/cli/testdata/tls/.
std::string TlsFile(const char* name) {
  return std::string(ACCORD_SOURCE_DIR) + "/tests/unit/cli/testdata/tls/" + name;
}

class TlsRegistry : public ::testing::Test {
 protected:
  TlsRegistry()
      : fake_(std::make_unique<httplib::SSLServer>(TlsFile("server.crt").c_str(),
                                                   TlsFile("server.key").c_str())) {
    fake_.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"ok":true})", kJsonType);
    });
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(fake_.port()); }
  FakeRegistry fake_;
};

TEST_F(TlsRegistry, HttpsWorksWithTheServersCaCertificate) {
  ClientOptions o = Options(url());
  o.ca_cert = TlsFile("server.crt");
  o.key = "token";
  RegistryClient client(o);
  auto r = client.Get("/");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(json::ToJson(*r), R"({"ok":true})");
  EXPECT_EQ(fake_.seen().authorization, "Bearer token");
}

TEST_F(TlsRegistry, UntrustedCertificateIsRefused) {
  ClientOptions o = Options(url());
  o.ca_cert = TlsFile("other-ca.crt");
  RegistryClient client(o);
  auto r = client.Get("/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kUnreachable);
  EXPECT_EQ(r.error().message, "the server's TLS certificate is not trusted");
}

TEST_F(TlsRegistry, SystemStoreDoesNotTrustASelfSignedCertificate) {
  RegistryClient client(Options(url()));
  auto r = client.Get("/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "the server's TLS certificate is not trusted");
}

TEST_F(TlsRegistry, MissingCaFileIsReported) {
  ClientOptions o = Options(url());
  o.ca_cert = TlsFile("does-not-exist.pem");
  RegistryClient client(o);
  auto r = client.Get("/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ClientError::Kind::kUnreachable);
  EXPECT_NE(r.error().message.find("does-not-exist.pem"), std::string::npos) << r.error().message;
}
#endif

// --- registry flags ----------------------------------------------------------

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(RegistryFlags, FlagBeatsEnvironmentBeatsContractFile) {
  ScopedEnv env("ACCORD_REGISTRY", "http://env:1");
  EXPECT_EQ(ResolveRegistryUrl("http://flag:1", "http://file:1"), "http://flag:1");
  EXPECT_EQ(ResolveRegistryUrl("", "http://file:1"), "http://env:1");
  ScopedEnv none("ACCORD_REGISTRY", nullptr);
  EXPECT_EQ(ResolveRegistryUrl("", "http://file:1"), "http://file:1");
  EXPECT_EQ(ResolveRegistryUrl("", ""), std::nullopt);
}

TEST(RegistryFlags, NoRegistryIsAUsageError) {
  ScopedEnv none("ACCORD_REGISTRY", nullptr);
  auto o = MakeClientOptions(RegistryFlags{});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error(), "no registry given: use --registry URL or set ACCORD_REGISTRY");
  RegistryFlags flags;
  flags.registry = "localhost:8081";
  EXPECT_FALSE(MakeClientOptions(flags));
}

TEST(RegistryFlags, ParsedFlagsAndEnvironmentBecomeClientOptions) {
  ScopedEnv key("ACCORD_KEY", "from-env");
  ScopedEnv principal("ACCORD_PRINCIPAL", nullptr);
  CLI::App app;
  RegistryFlags flags;
  AddRegistryFlags(app, flags);
  const char* argv[] = {"x", "--registry", "http://127.0.0.1:9", "--timeout", "250"};
  app.parse(5, const_cast<char**>(argv));
  auto o = MakeClientOptions(flags);
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->base_url, "http://127.0.0.1:9");
  EXPECT_EQ(o->timeout_ms, 250);
  EXPECT_EQ(o->key, "from-env");
  EXPECT_EQ(o->principal, "");
}

ClientError HttpError(int status, int code) {
  ClientError e;
  e.kind = ClientError::Kind::kHttp;
  e.status = status;
  e.error_code = code;
  return e;
}

TEST(RegistryFlags, ExitCodesFollowTheErrorKind) {
  EXPECT_EQ(ExitCodeFor(ClientError()), kExitUnreachable);  // kUnreachable
  EXPECT_EQ(ExitCodeFor(HttpError(404, 40401)), kExitRefused);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42201)), kExitBadUsage);
  EXPECT_EQ(ExitCodeFor(HttpError(500, 50001)), kExitUnreachable);
}

// Issue #19: a 422 that is a rule of the registry (a sunset too soon, 42210)
// is a refusal (1); only a 422 saying the input is malformed is 2; 401/403 are
// refusals too.
TEST(RegistryFlags, RefusedByARuleExitsOneMalformedInputTwo) {
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42210)), kExitRefused);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42205)), kExitRefused);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42206)), kExitRefused);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42207)), kExitRefused);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42201)), kExitBadUsage);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42202)), kExitBadUsage);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42203)), kExitBadUsage);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42204)), kExitBadUsage);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42208)), kExitBadUsage);
  EXPECT_EQ(ExitCodeFor(HttpError(422, 42209)), kExitBadUsage);
  EXPECT_EQ(ExitCodeFor(HttpError(401, 401)), kExitRefused);
  EXPECT_EQ(ExitCodeFor(HttpError(403, 403)), kExitRefused);
}

// Issue #19: "401 (401)" said the code twice; a code equal to the status is
// said once, a code that extends it (40401) is kept.
TEST(ClientError, StatusRepeatedAsCodeIsSaidOnce) {
  ClientError e = HttpError(401, 401);
  e.registry = "http://127.0.0.1:1";
  e.message = "Unauthorized: credentials are required";
  EXPECT_EQ(e.ToString(),
            "registry http://127.0.0.1:1: 401 Unauthorized: credentials are required");
  e = HttpError(404, 40401);
  e.registry = "http://127.0.0.1:1";
  e.message = "Subject 'x' not found.";
  EXPECT_EQ(e.ToString(), "registry http://127.0.0.1:1: 404 (40401) Subject 'x' not found.");
  e = HttpError(401, 0);
  e.registry = "http://127.0.0.1:1";
  EXPECT_EQ(e.ToString(), "registry http://127.0.0.1:1: 401");
}

}  // namespace
}  // namespace accord::cli

// The HTTP transport: binding (no port sharing), serving over loopback, and
// the connection model (issue #15): idle keep-alive and slow-header floods
// must not lock out a new client, request/idle/TLS handshake deadlines,
// max_connections, and their counters in /metrics.
//
// No wall-time assertions: the floods hold while a probe must be answered;
// the generous client timeouts only turn a hang into a failure.
#include "accord/registry/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

// A server on 127.0.0.1:`port` (0: any free port) that logs nowhere.
RegistryResult<std::unique_ptr<Server>> BindLoopback(Api& api, int port,
                                                     ServerOptions options = {}) {
  options.port = port;
  return Server::Bind(api, options, [](std::string_view) {});
}

// Generous: only a hang turns into a failure.
constexpr int kPatienceSeconds = 20;

// A server running on its own thread until the fixture ends.
class Running {
 public:
  explicit Running(ServerOptions options = {})
      : service_(testing::OpenStoreOrDie(":memory:")), api_(service_) {
    auto bound = BindLoopback(api_, 0, std::move(options));
    if (!bound) {
      ADD_FAILURE() << bound.error().message;
      std::abort();
    }
    server_ = std::move(*bound);
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~Running() {
    server_->Stop();
    thread_.join();
  }
  int port() const { return server_->port(); }
  Service& service() { return service_; }

 private:
  Service service_;
  Api api_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// A raw loopback TCP connection (the floods speak HTTP byte by byte).
class Socket {
 public:
  // receive_buffer > 0: SO_RCVBUF, set before connecting (so that the
  // server's sends stall once that much is unread).
  explicit Socket(int port, int receive_buffer = 0) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // One HTTP reply with a Content-Length body: its status line, headers and
  // body; nullopt when the connection closes or nothing comes in time.
  std::optional<std::string> ReadReply() {
    for (;;) {
      const auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        const auto cl = pending_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) length = std::stoul(pending_.substr(cl + 16));
        if (pending_.size() >= end + 4 + length) {
          std::string reply = pending_.substr(0, end + 4 + length);
          pending_.erase(0, end + 4 + length);
          return reply;
        }
      }
      if (!Receive(kPatienceSeconds * 1000)) return std::nullopt;
    }
  }
  // True when the server closed the connection within `ms` (anything it
  // sends meanwhile is kept).
  bool ClosedWithin(int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            until - std::chrono::steady_clock::now())
                                            .count());
      if (!Receive(std::max(left, 1))) return closed_;
    }
    return closed_;
  }
  // What was received and not yet taken by ReadReply.
  const std::string& pending() const { return pending_; }

 private:
  // Reads what is there within `ms`; false on timeout or close.
  bool Receive(int ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string pending_;
};

bool IsOk(const std::optional<std::string>& reply) {
  return reply && reply->starts_with("HTTP/1.1 200 ");
}

// A fresh client that waits long enough for any answer.
httplib::Client Probe(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(kPatienceSeconds, 0);
  client.set_read_timeout(kPatienceSeconds, 0);
  return client;
}

// The value of one series in /metrics (nullopt: no reply or no such line).
std::optional<std::int64_t> Metric(int port, const std::string& series) {
  auto client = Probe(port);
  client.set_keep_alive(false);
  auto res = client.Get("/metrics");
  if (!res || res->status != 200) return std::nullopt;
  const std::string needle = "\n" + series + " ";
  const auto at = res->body.find(needle);
  if (at == std::string::npos) return std::nullopt;
  return std::stoll(res->body.substr(at + needle.size()));
}

// Registers one schema (id 1) so that the probe can read it by id.
void RegisterOne(int port) {
  auto client = Probe(port);
  auto res = client.Post("/subjects/probe-value/versions",
                         R"({"schema": "{\"type\": \"object\"}", "schemaType": "JSON"})",
                         "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  ASSERT_EQ(res->body, R"({"id":1})");
}

// The probe the floods must not delay: /healthz and a schema by id.
void ExpectProbeAnswered(int port) {
  auto client = Probe(port);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health) << "no answer to GET /healthz: " << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  auto by_id = client.Get("/schemas/ids/1");
  ASSERT_TRUE(by_id) << "no answer to GET /schemas/ids/1: " << httplib::to_string(by_id.error());
  EXPECT_EQ(by_id->status, 200);
  EXPECT_EQ(by_id->body, R"({"schemaType":"JSON","schema":"{\"type\": \"object\"}"})");
}

constexpr std::string_view kHealthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

TEST(Server, ASecondServerCannotBindAPortInUse) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  auto first = BindLoopback(api, 0);
  ASSERT_TRUE(first) << first.error().message;
  auto second = BindLoopback(api, (*first)->port());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("cannot listen"), std::string::npos);
}

TEST(Server, ManyClientsConnectingAtOnceAreAllServed) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  auto server = BindLoopback(api, 0);
  ASSERT_TRUE(server) << server.error().message;
  std::thread run([&] { (*server)->Run(); });
  const int port = (*server)->port();
  {
    std::vector<std::jthread> clients;
    for (int i = 0; i < 40; ++i) {
      clients.emplace_back([port] {
        httplib::Client client("127.0.0.1", port);
        auto res = client.Get("/healthz");
        EXPECT_TRUE(res && res->status == 200);
      });
    }
  }
  (*server)->Stop();
  run.join();
}

// The issue's first break: keep-alive clients that poll now and then held
// one handler thread each between their requests; `threads` of them locked
// every other client out, /healthz too.
TEST(Server, IdleKeepAliveFloodDoesNotLockOutANewClient) {
  ServerOptions options;
  options.threads = 4;
  Running server(options);
  RegisterOne(server.port());
  // Ten times the handler threads, each idle after one request.
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 40; ++i) {
    idle.push_back(std::make_unique<Socket>(server.port()));
    ASSERT_TRUE(idle.back()->connected());
    ASSERT_TRUE(idle.back()->Send(kHealthz));
    ASSERT_TRUE(IsOk(idle.back()->ReadReply())) << "idle connection " << i << " got no reply";
  }
  ExpectProbeAnswered(server.port());
  // The flood held: every idle connection is still open and served.
  for (std::size_t i = 0; i < idle.size(); ++i) {
    ASSERT_TRUE(idle[i]->Send(kHealthz));
    EXPECT_TRUE(IsOk(idle[i]->ReadReply())) << "idle connection " << i << " was dropped";
  }
}

// The second: request heads sent one line at a time (the read timer was
// restarted by every byte) held a handler thread each.
TEST(Server, SlowHeaderFloodDoesNotLockOutANewClient) {
  ServerOptions options;
  options.threads = 4;
  options.request_timeout_ms = 120'000;  // the flood outlives the probe
  Running server(options);
  RegisterOne(server.port());
  std::vector<std::unique_ptr<Socket>> slow;
  for (int i = 0; i < 40; ++i) {
    slow.push_back(std::make_unique<Socket>(server.port()));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  }
  // One more header line on every connection every 100 ms while the probe runs.
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (int line = 0; !done; ++line) {
      for (auto& s : slow) s->Send("X-Line-" + std::to_string(line) + ": 1\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  ExpectProbeAnswered(server.port());
  done = true;
  trickle.join();
  // The flood held: every slow head is still being received, and answered
  // once it ends.
  for (std::size_t i = 0; i < slow.size(); ++i) {
    ASSERT_TRUE(slow[i]->Send("\r\n"));
    EXPECT_TRUE(IsOk(slow[i]->ReadReply())) << "slow connection " << i << " was dropped";
  }
}

// The deadline covers the whole head (and then the body), however steadily
// the bytes come: a client trickling a byte every 50 ms is cut off.
TEST(Server, RequestDeadlineIsTotalNotPerByte) {
  ServerOptions options;
  options.request_timeout_ms = 300;
  Running server(options);
  const std::string head =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(200, 'x') +
      "\r\n\r\n";
  Socket slow_head(server.port());
  ASSERT_TRUE(slow_head.connected());
  std::size_t sent = 0;
  while (sent < head.size() && !slow_head.ClosedWithin(50)) {
    if (!slow_head.Send(head.substr(sent, 1))) break;
    ++sent;
  }
  EXPECT_LT(sent, head.size()) << "the whole head was received byte by byte";
  EXPECT_TRUE(slow_head.ClosedWithin(kPatienceSeconds * 1000));

  const std::string body(200, ' ');
  Socket slow_body(server.port());
  ASSERT_TRUE(slow_body.connected());
  ASSERT_TRUE(
      slow_body.Send("POST /subjects/x/versions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n"));
  sent = 0;
  while (sent < body.size() && !slow_body.ClosedWithin(50)) {
    if (!slow_body.Send(body.substr(sent, 1))) break;
    ++sent;
  }
  EXPECT_LT(sent, body.size()) << "the whole body was received byte by byte";
  EXPECT_TRUE(slow_body.ClosedWithin(kPatienceSeconds * 1000));

  EXPECT_EQ(Metric(server.port(), "accord_http_request_timeouts_total{phase=\"head\"}"), 1);
  EXPECT_EQ(Metric(server.port(), "accord_http_request_timeouts_total{phase=\"body\"}"), 1);
}

TEST(Server, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout_ms = 200;
  Running server(options);
  Socket idle(server.port());
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(idle.Send(kHealthz));
  ASSERT_TRUE(IsOk(idle.ReadReply()));
  EXPECT_TRUE(idle.ClosedWithin(kPatienceSeconds * 1000));
  // One read of /metrics: the idle connection and the reading one were
  // accepted; only the reading one is open.
  auto client = Probe(server.port());
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("\naccord_http_idle_closes_total 1\n"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("\naccord_http_connections_accepted_total 2\n"), std::string::npos)
      << res->body;
  EXPECT_NE(res->body.find("\naccord_http_connections_open 1\n"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("\naccord_http_connections_rejected_total 0\n"), std::string::npos)
      << res->body;
}

TEST(Server, ConnectionsBeyondTheLimitGet503WithRetryAfter) {
  ServerOptions options;
  options.max_connections = 2;
  Running server(options);
  std::vector<std::unique_ptr<Socket>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<Socket>(server.port()));
    ASSERT_TRUE(held.back()->Send(kHealthz));
    ASSERT_TRUE(IsOk(held.back()->ReadReply()));
  }
  {
    auto client = Probe(server.port());
    auto res = client.Get("/healthz");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 503);
    EXPECT_EQ(res->get_header_value("Retry-After"), "1");
    EXPECT_EQ(
        res->body,
        R"({"error_code":503,"message":"Service Unavailable: too many connections, retry later"})");
  }
  // The held connections still work; once they close, new clients get in.
  for (auto& h : held) {
    ASSERT_TRUE(h->Send(kHealthz));
    EXPECT_TRUE(IsOk(h->ReadReply()));
  }
  held.clear();
  std::int64_t refused = 1;
  std::optional<std::int64_t> rejected;
  for (int attempt = 0; attempt < 200 && !rejected; ++attempt) {
    auto client = Probe(server.port());
    client.set_keep_alive(false);
    auto res = client.Get("/metrics");
    ASSERT_TRUE(res);
    if (res->status == 503) {
      ++refused;  // the server has not seen the closes yet
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    ASSERT_EQ(res->status, 200);
    const std::string needle = "\naccord_http_connections_rejected_total ";
    const auto at = res->body.find(needle);
    ASSERT_NE(at, std::string::npos);
    rejected = std::stoll(res->body.substr(at + needle.size()));
  }
  EXPECT_EQ(rejected, refused);
}

// Bodies over max_body_bytes: 413 with a Confluent body, read by a client
// still sending (the rest is drained, not reset).
TEST(Server, OversizedBodyGets413) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  Running server(options);
  auto client = Probe(server.port());
  auto res = client.Post("/subjects/x/versions", std::string(200'000, ' '), "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->body,
            R"({"error_code":413,"message":"Payload Too Large: the body is over 1000 bytes"})");
}

TEST(Server, MalformedRequestGets400AndHeadGetsNoBody) {
  Running server;
  Socket bad(server.port());
  ASSERT_TRUE(bad.Send("NOT HTTP AT ALL\r\n\r\n"));
  auto reply = bad.ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 400 ")) << *reply;
  EXPECT_TRUE(
      reply->ends_with(R"({"error_code":400,"message":"Bad Request: malformed HTTP request"})"))
      << *reply;
  EXPECT_TRUE(bad.ClosedWithin(kPatienceSeconds * 1000));

  // HEAD: GET's headers (its Content-Length) without the body.
  Socket head(server.port());
  ASSERT_TRUE(head.Send("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  EXPECT_TRUE(head.ClosedWithin(kPatienceSeconds * 1000));
  const std::string& got = head.pending();
  EXPECT_TRUE(got.starts_with("HTTP/1.1 200 ")) << got;
  EXPECT_NE(got.find("\r\nContent-Length: 15\r\n"), std::string::npos) << got;
  EXPECT_TRUE(got.ends_with("\r\n\r\n")) << got;
}

// A 204 (DELETE /contexts/{ctx}) goes out without a body, a Content-Length
// or a Content-Type (RFC 9110, 8.6), and the connection serves the next
// request.
TEST(Server, NoContentHasNoLengthAndKeepsTheConnection) {
  Running server;
  ASSERT_TRUE(server.service().SetMode(":.team-a:", Mode::kReadOnly, Force::kNo));
  Socket s(server.port());
  ASSERT_TRUE(s.Send("DELETE /contexts/.team-a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto reply = s.ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 204 ")) << *reply;
  EXPECT_EQ(reply->find("Content-Length"), std::string::npos) << *reply;
  EXPECT_EQ(reply->find("Content-Type"), std::string::npos) << *reply;
  EXPECT_TRUE(reply->ends_with("\r\n\r\n")) << *reply;
  ASSERT_TRUE(s.Send("GET /contexts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  reply = s.ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->starts_with("HTTP/1.1 200 ")) << *reply;
  EXPECT_TRUE(reply->ends_with("[\".\"]")) << *reply;
}

// A reply the socket does not take at once (the handler thread sends what
// it can, the event loop the rest, ReplyHere in server.cc): a client with a
// small receive buffer that asks for a schema of about a megabyte four
// times, pipelined, and reads nothing for a while, still gets all four (a
// loopback socket's send buffer starts above a megabyte, so the second
// reply at the latest finds it full), then the answer to the request it
// sent behind them, on the same connection.
TEST(Server, AReplyTooLargeToSendAtOnceArrivesWholeAndTheConnectionGoesOn) {
  Running server;
  const std::string description(900 * 1000, 'd');
  const std::string schema = R"({"type": "object", "description": ")" + description + "\"}";
  {
    auto client = Probe(server.port());
    std::string quoted;  // the schema as a JSON string's content
    for (char c : schema) {
      if (c == '"') quoted += '\\';
      quoted += c;
    }
    auto res =
        client.Post("/subjects/big-value/versions",
                    R"({"schemaType": "JSON", "schema": ")" + quoted + "\"}", "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    ASSERT_EQ(res->body, R"({"id":1})");
  }
  Socket s(server.port(), 4096);
  const std::string get = "GET /schemas/ids/1/schema HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_TRUE(s.Send(get + get + get + get + std::string(kHealthz)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 4; ++i) {
    auto reply = s.ReadReply();
    ASSERT_TRUE(reply) << "reply " << i;
    ASSERT_TRUE(reply->starts_with("HTTP/1.1 200 ")) << reply->substr(0, 200);
    // GET /schemas/ids/{id}/schema: the schema's text itself.
    EXPECT_EQ(reply->substr(reply->find("\r\n\r\n") + 4), schema) << "reply " << i;
  }
  auto health = s.ReadReply();
  ASSERT_TRUE(health);
  EXPECT_TRUE(health->starts_with("HTTP/1.1 200 ")) << *health;
  EXPECT_FALSE(s.ClosedWithin(50));
}

// The request log: one JSON object per request, its members in this
// order (the time, the request id and the duration vary: their shapes are
// checked, then they are replaced).
TEST(Server, EachRequestIsLoggedAsOneJsonObject) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  std::mutex mu;
  std::vector<std::string> lines;
  auto bound = Server::Bind(api, ServerOptions{.port = 0}, [&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  });
  ASSERT_TRUE(bound) << bound.error().message;
  std::thread thread([&] { (*bound)->Run(); });
  Socket s((*bound)->port());
  ASSERT_TRUE(s.Send("GET /subjects/no%22such/versions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto reply = s.ReadReply();
  (*bound)->Stop();
  thread.join();
  ASSERT_TRUE(reply);
  const std::string body = reply->substr(reply->find("\r\n\r\n") + 4);
  std::lock_guard lock(mu);
  ASSERT_EQ(lines.size(), 1u);
  std::string line = lines[0];
  for (const auto& [shape, stand_in] :
       {std::pair{R"("ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")", R"("ts":"T")"},
        std::pair{R"("request_id":"[0-9a-f]+-\d+")", R"("request_id":"R")"},
        std::pair{R"("duration_us":\d+)", R"("duration_us":0)"}}) {
    const std::regex re(shape);
    EXPECT_TRUE(std::regex_search(line, re)) << shape << " in " << line;
    line = std::regex_replace(line, re, stand_in);
  }
  EXPECT_EQ(line, R"({"ts":"T","level":"info","msg":"request","request_id":"R","method":"GET",)"
                  R"("target":"/subjects/no%22such/versions","route":"GET /subjects/{s}/versions",)"
                  R"("status":404,"error_code":40401,"duration_us":0,"bytes_in":0,"bytes_out":)" +
                      std::to_string(body.size()) + "}");
}

// Stop closes idle connections and Run returns.
TEST(Server, StopClosesIdleConnectionsAndRunReturns) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  auto server = BindLoopback(api, 0);
  ASSERT_TRUE(server) << server.error().message;
  std::thread run([&] { (*server)->Run(); });
  const int port = (*server)->port();
  Socket idle(port);  // idle connections are closed at Stop
  ASSERT_TRUE(idle.Send(kHealthz));
  ASSERT_TRUE(IsOk(idle.ReadReply()));
  (*server)->Stop();
  run.join();
  EXPECT_TRUE(idle.ClosedWithin(kPatienceSeconds * 1000));
}

// A self-signed certificate and key for 127.0.0.1 in `dir` (openssl req).
void MakeCertificate(const testing::TempDir& dir, ServerOptions& options) {
  options.tls_cert = dir.File("cert.pem");
  options.tls_key = dir.File("key.pem");
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout " +
      options.tls_key + " -out " + options.tls_cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << "openssl is needed: " << command;
}

// The third: TCP connections that never start their TLS handshake held a
// handler thread each.
TEST(Server, SilentTlsFloodDoesNotLockOutANewClient) {
  testing::TempDir dir;
  ServerOptions options;
  ASSERT_NO_FATAL_FAILURE(MakeCertificate(dir, options));
  options.threads = 4;
  options.tls_handshake_timeout_ms = 120'000;  // the flood outlives the probe
  Running server(options);
  std::vector<std::unique_ptr<Socket>> silent;
  for (int i = 0; i < 40; ++i) {
    silent.push_back(std::make_unique<Socket>(server.port()));
    ASSERT_TRUE(silent.back()->connected());
  }
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(kPatienceSeconds, 0);
  client.set_read_timeout(kPatienceSeconds, 0);
  auto res = client.Get("/healthz");
  ASSERT_TRUE(res) << "no answer to GET /healthz: " << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  // The flood held: no silent connection was closed.
  for (std::size_t i = 0; i < silent.size(); ++i) {
    EXPECT_FALSE(silent[i]->ClosedWithin(1)) << "silent connection " << i << " was closed";
  }
}

// Silent TCP connections to an HTTPS port: closed at the handshake deadline.
TEST(Server, TlsHandshakeDeadlineClosesSilentConnections) {
  testing::TempDir dir;
  ServerOptions options;
  ASSERT_NO_FATAL_FAILURE(MakeCertificate(dir, options));
  options.tls_handshake_timeout_ms = 200;
  Running server(options);
  Socket silent(server.port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.ClosedWithin(kPatienceSeconds * 1000));
  httplib::SSLClient client("127.0.0.1", server.port());
  client.enable_server_certificate_verification(false);
  client.set_read_timeout(kPatienceSeconds, 0);
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("\naccord_http_tls_handshake_timeouts_total 1\n"), std::string::npos)
      << res->body;
}

}  // namespace
}  // namespace accord::registry

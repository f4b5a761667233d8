#include "accord/registry/server.h"

// Boost.Beast (HTTP/1.1) on Boost.Asio, header-only (Debian libboost-dev).
// cpp-httplib, the previous transport, gives each connection a handler thread
// for its whole life (keep-alive waits and slow request heads included), so
// `threads` slow or idle clients locked every other client out.
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "accord/schemas/json.h"
#include "ui_assets.h"
#include "worker_pool.h"

namespace accord::registry {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Request heads larger than this are refused (431): a head is a request
// line and headers, never data.
constexpr std::uint32_t kMaxHeadBytes = 64 * 1024;
// How long a connection refused or closed after an error reply may take to
// read that reply before it is closed for good.
constexpr auto kLingerTime = std::chrono::seconds(2);
// Accepting again after the process ran out of descriptors (EMFILE).
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

std::string NowIso8601() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Ids: a random per-process prefix and a counter (unique, cheap, sortable).
std::string NewRequestId() {
  static const std::string prefix = [] {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return std::string(buf);
  }();
  static std::atomic<std::uint64_t> counter{0};
  return prefix + "-" + std::to_string(++counter);
}

std::string_view SV(beast::string_view v) { return {v.data(), v.size()}; }

std::string RequestIdOf(const http::fields& headers) {
  std::string given(SV(headers["X-Request-Id"]));
  return SaneRequestId(given) ? given : NewRequestId();
}

std::string Header(const http::fields& headers, http::field f) {
  return std::string(SV(headers[f]));
}

// A Confluent error body for an error the transport answers itself
// ({"error_code": status, "message": ...}).
HttpResponse TransportError(int status, std::string message) {
  HttpResponse r;
  r.status = status;
  r.route = "transport";
  r.error_code = status;
  json::Value body{json::Object{}};
  body.Add("error_code", status);
  body.Add("message", std::move(message));
  r.body = json::ToJson(body);
  return r;
}

// What Server::Stop needs of a connection, whatever its stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Called once on Stop: close now unless a request is being answered.
  virtual void OnStop() = 0;
};

}  // namespace

void LogToStderr(std::string_view line) {
  // One write per line: stderr is unbuffered, so the newline goes with it.
  std::string out;
  out.reserve(line.size() + 1);
  out.append(line);
  out.push_back('\n');
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

struct Server::Impl {
  Api& api;
  ServerOptions options;
  LogSink log;
  TransportCounters& counters;
  std::optional<ssl::context> tls;  // set: HTTPS only
  int port = 0;
  std::atomic<bool> stopping{false};

  // Live connections, for Stop (each removes itself when destroyed).
  std::mutex sessions_mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;

  // Declared after what the connections use: destroyed first.
  // One event loop per io thread, each run by that thread alone: a
  // connection lives on one loop from accept to close. One io_context run
  // by several threads hands every completion between them through its
  // mutex and condition variable (about half a registration's futex calls
  // and context switches).
  std::vector<std::unique_ptr<net::io_context>> loops;
  // Keep each loop running while it has no connection; released by StopNow.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> loops_open;
  std::size_t next_loop = 0;  // the acceptor's: round robin
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  internal::WorkerPool workers;

  Impl(Api& a, ServerOptions o, LogSink l)
      : api(a),
        options(std::move(o)),
        log(std::move(l)),
        counters(a.transport_counters()),
        loops(MakeLoops(options.io_threads > 0 ? options.io_threads : 2)),
        acceptor(net::make_strand(*loops.front())),
        accept_retry(acceptor.get_executor()),
        workers(options.threads) {
    for (auto& loop : loops) loops_open.push_back(net::make_work_guard(*loop));
  }

  static std::vector<std::unique_ptr<net::io_context>> MakeLoops(int n) {
    std::vector<std::unique_ptr<net::io_context>> out;
    // Concurrency hint 1: one thread runs each.
    for (int i = 0; i < n; ++i) out.push_back(std::make_unique<net::io_context>(1));
    return out;
  }

  ~Impl() {
    // Handler tasks hold connections; finish them before the event loop's
    // objects go.
    workers.Shutdown();
  }

  void LogRequest(const std::string& id, std::string_view method, std::string_view target,
                  const HttpResponse& r, std::int64_t us, std::size_t bytes_in,
                  std::size_t bytes_out) {
    // Written straight into one string (what json::ToJson of an object
    // with these members, in this order, gives): one line per request.
    std::string line;
    line.reserve(320 + std::min<std::size_t>(target.size(), 512) + r.route.size());
    auto text = [&line](std::string_view name, std::string_view value) {
      line += line.empty() ? '{' : ',';
      json::AppendJsonString(line, name);
      line += ':';
      json::AppendJsonString(line, value);
    };
    auto number = [&line](std::string_view name, std::int64_t value) {
      line += ',';
      json::AppendJsonString(line, name);
      line += ':';
      line += std::to_string(value);
    };
    text("ts", NowIso8601());
    text("level", r.status >= 500 ? "error" : "info");
    text("msg", "request");
    text("request_id", id);
    text("method", method);
    text("target", target.substr(0, 512));
    text("route", r.route);
    number("status", r.status);
    if (r.error_code != 0) number("error_code", r.error_code);
    if (!r.principal.empty()) text("principal", r.principal);
    // Whole microseconds: an integer is written cheaply, a double needs a
    // shortest-round-trip conversion that cost a third of a read's time.
    number("duration_us", us);
    number("bytes_in", static_cast<std::int64_t>(bytes_in));
    number("bytes_out", static_cast<std::int64_t>(bytes_out));
    line += '}';
    log(line);
  }

  // The wire reply for `out` (HEAD: the headers GET would have, no body).
  static Response ToWire(HttpResponse& out, const std::string& id, unsigned version, bool head) {
    Response res;
    res.version(version);
    res.result(static_cast<unsigned>(out.status));
    for (auto& [k, v] : out.headers) res.insert(k, v);
    res.set("X-Request-Id", id);
    // No Content (DELETE /contexts/{ctx}): no body, and neither its type nor
    // its length (RFC 9110, 8.6: never a Content-Length on a 204).
    if (out.status == 204) return res;
    res.set(http::field::content_type, out.content_type);
    const std::size_t size = out.body.size();
    if (head) {
      res.content_length(size);
    } else {
      res.body() = std::move(out.body);
      res.prepare_payload();
    }
    return res;
  }

  // Runs on a handler thread: the reply to a complete request.
  Response Answer(const Request& req) {
    const auto start = std::chrono::steady_clock::now();
    const std::string id = RequestIdOf(req);
    const bool head = req.method() == http::verb::head;
    try {
      HttpRequest in;
      in.method = head ? std::string("GET") : std::string(SV(req.method_string()));
      in.target = std::string(SV(req.target()));
      in.body = req.body();
      in.content_type = Header(req, http::field::content_type);
      in.accept = Header(req, http::field::accept);
      in.authorization = Header(req, http::field::authorization);
      in.requested_with = std::string(SV(req["X-Requested-With"]));
      in.user_agent = Header(req, http::field::user_agent);
      // The catalog page (static, embedded) is answered here, beside the API.
      std::optional<HttpResponse> page =
          ServeUi({in.method, in.target, in.accept, SV(req[http::field::if_none_match])});
      HttpResponse out = page ? std::move(*page) : api.Handle(in);
      const std::size_t bytes_out = out.body.size();
      Response res = ToWire(out, id, req.version(), head);
      const std::int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - start)
                                  .count();
      LogRequest(id, SV(req.method_string()), SV(req.target()), out, us, req.body().size(),
                 bytes_out);
      return res;
    } catch (const std::exception& e) {
      return Internal(req, id, e.what(), head);
    } catch (...) {
      return Internal(req, id, "unknown exception", head);
    }
  }

  // An error line in the log (best effort: never throws).
  void LogError(const char* msg, const char* detail, const std::string& id = {}) noexcept {
    try {
      json::Value line{json::Object{}};
      line.Add("ts", NowIso8601());
      line.Add("level", "error");
      line.Add("msg", msg);
      if (!id.empty()) line.Add("request_id", id);
      line.Add("detail", std::string(detail));
      log(json::ToJson(line));
    } catch (...) {
    }
  }

  Response Internal(const Request& req, const std::string& id, const char* detail, bool head) {
    LogError("unhandled exception", detail, id);
    HttpResponse r = ErrorResponse(RegistryError{ErrorCode::kInternal, "Internal Server Error"});
    return ToWire(r, id, req.version(), head);
  }

  // A transport error reply (`headers`: the request's, when its head was
  // read), logged like any request.
  Response Refuse(int status, std::string message, const http::fields* headers,
                  std::string_view method, std::string_view target, unsigned version) {
    const std::string id = headers ? RequestIdOf(*headers) : NewRequestId();
    HttpResponse r = TransportError(status, std::move(message));
    LogRequest(id, method, target, r, 0, 0, r.body.size());
    Response res = ToWire(r, id, version, false);
    res.keep_alive(false);
    return res;
  }

  void Register(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard lock(sessions_mu);
    sessions.emplace(s, std::move(w));
  }
  void Unregister(SessionBase* s) {
    std::lock_guard lock(sessions_mu);
    sessions.erase(s);
  }

  void DoAccept();
  void OnAccepted(tcp::socket socket);
  void StopNow();
};

namespace {

// One connection: TLS handshake (HTTPS), then requests read under their
// deadlines, answered on the worker pool, written back; keep-alive between.
// Every member is touched on the connection's loop only, but while a request
// is handled: the worker thread gets the request, and writes a plain HTTP
// reply itself (ReplyHere) or posts a TLS one back to the loop.
template <bool kTls>
class Session : public SessionBase, public std::enable_shared_from_this<Session<kTls>> {
 public:
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  template <class... TlsContext>
  Session(Server::Impl& impl, tcp::socket socket, TlsContext&... tls)
      : impl_(impl), stream_(std::move(socket), tls...) {
    ++impl_.counters.connections_open;
  }
  ~Session() override {
    impl_.Unregister(this);
    --impl_.counters.connections_open;
  }

  void Start() {
    impl_.Register(this, this->shared_from_this());
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->impl_.stopping) return self->Close();
      if constexpr (kTls) {
        self->phase_ = Phase::kHandshake;
        self->Lowest().expires_after(Ms(self->impl_.options.tls_handshake_timeout_ms));
        self->stream_.async_handshake(ssl::stream_base::server,
                                      [self](beast::error_code ec) { self->OnHandshake(ec); });
      } else {
        self->StartRequest();
      }
    });
  }

  void OnStop() override {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      // Ordered with a handler thread's ReplyHere (the only place off this
      // loop that touches the connection).
      std::lock_guard lock(self->reply_mu_);
      self->stop_ = true;
      // A request being answered is written first (Write then closes).
      if (self->phase_ != Phase::kHandling && self->phase_ != Phase::kWriting) {
        self->Lowest().cancel();
      }
    });
  }

 private:
  enum class Phase { kHandshake, kIdle, kHead, kBody, kHandling, kWriting, kClosing };

  static std::chrono::milliseconds Ms(int ms) { return std::chrono::milliseconds(ms); }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void OnHandshake(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) ++impl_.counters.tls_handshake_timeouts;
      return Close();
    }
    StartRequest();
  }

  // The first request's deadline runs from the accept (or the handshake's
  // end): a client that connects and says nothing is a slow request head.
  void StartRequest() {
    Lowest().expires_after(Ms(impl_.options.request_timeout_ms));
    ReadHead();
  }

  // Between keep-alive requests: wait for the next request's first byte
  // under the idle deadline; its request deadline starts then.
  void ReadIdle() {
    if (stop_) return Close();
    if (buffer_.size() > 0) return StartRequest();  // pipelined
    phase_ = Phase::kIdle;
    // An idle connection holds no request buffer beyond what it reads next.
    buffer_.shrink_to_fit();
    Lowest().expires_after(Ms(impl_.options.idle_timeout_ms));
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) {
                                if (ec == beast::error::timeout) ++self->impl_.counters.idle_closes;
                                return self->Close();
                              }
                              self->StartRequest();
                            });
  }

  void ReadHead() {
    phase_ = Phase::kHead;
    parser_.emplace();
    parser_->header_limit(kMaxHeadBytes);
    parser_->body_limit(impl_.options.max_body_bytes);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) {
        ++impl_.counters.head_timeouts;
        return Close();
      }
      // The parser compares a Content-Length with the limit at the head.
      if (ec == http::error::body_limit) return TooLarge();
      if (ec == http::error::header_limit) {
        return Reject(431, "Request Header Fields Too Large", nullptr);
      }
      // The client went away (EOF, reset) or Stop cancelled: nothing to say.
      if (!IsParseError(ec)) return Close();
      return Reject(400, "Bad Request: malformed HTTP request", nullptr);
    }
    const auto& head = parser_->get();
    if (auto length = parser_->content_length(); length && *length > impl_.options.max_body_bytes) {
      return TooLarge();
    }
    if (parser_->is_done()) return Handle();
    phase_ = Phase::kBody;
    if (beast::iequals(head[http::field::expect], "100-continue")) {
      // The client waits for this before it sends the body (curl, for one).
      continue_.emplace(http::status::continue_, head.version());
      http::async_write(stream_, *continue_,
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) {
        ++impl_.counters.body_timeouts;
        return Close();
      }
      const auto& head = parser_->get();
      if (ec == http::error::body_limit) return TooLarge();
      if (!IsParseError(ec)) return Close();
      return Reject(400, "Bad Request: malformed HTTP request body", &head);
    }
    Handle();
  }

  void TooLarge() {
    Reject(413,
           "Payload Too Large: the body is over " + std::to_string(impl_.options.max_body_bytes) +
               " bytes",
           &parser_->get());
  }

  static bool IsParseError(beast::error_code ec) {
    return ec.category() == http::make_error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
  }

  // Hands the request to a handler thread; reading pauses until the reply
  // is written (one request at a time per connection).
  void Handle() {
    phase_ = Phase::kHandling;
    Lowest().expires_never();
    auto req = std::make_shared<Request>(parser_->release());
    parser_.reset();
    // The work guard keeps the event loop running while the handler works.
    const bool read = req->method() == http::verb::get || req->method() == http::verb::head;
    using Kind = internal::WorkerPool::Kind;
    impl_.workers.Post(read ? Kind::kRead : Kind::kWrite,
                       [self = this->shared_from_this(), req,
                        work = net::make_work_guard(stream_.get_executor())]() mutable {
                         Response res = self->impl_.Answer(*req);
                         const bool keep_alive = req->keep_alive();
                         if constexpr (!kTls) {
                           self->ReplyHere(std::move(res), keep_alive);
                         } else {
                           auto shared = std::make_shared<Response>(std::move(res));
                           net::post(self->stream_.get_executor(), [self, shared, keep_alive] {
                             self->Write(std::move(*shared), keep_alive);
                           });
                         }
                       });
  }

  // Plain HTTP, on the handler thread that answered: the reply is sent from
  // here when the socket takes all of it at once (the usual case: a reply is
  // small and reading was paused, so the send buffer is empty), and the next
  // read is started from here, so that the event loop is not woken to do
  // either (a system call, a context switch and a loop turn per request). A
  // reply the socket does not take whole goes on through the loop (WriteRest),
  // under the request deadline, as every TLS reply does (Write).
  //
  // Why this may touch the connection off its loop: while a request is being
  // handled no operation of this connection is pending (reading paused, the
  // deadline cleared), so no handler of it runs until an operation started
  // here completes, and asio orders that start before its handler. (A read
  // deadline that fired just as the request completed leaves a handler
  // queued on the loop, but beast counted the read's completion, so that
  // handler finds itself stale and returns without touching the socket.)
  // The one loop handler that may run meanwhile is OnStop's, which reply_mu_
  // orders with this.
  void ReplyHere(Response res, bool client_keeps_alive) {
    std::lock_guard lock(reply_mu_);
    const bool keep = StartReply(res, client_keeps_alive);
    // The serializer's buffers (status line and headers, body) go out in one
    // sendmsg, without a copy; only what the socket does not take is copied.
    http::response_serializer<http::string_body> sr(res);
    beast::error_code ec;
    std::vector<iovec> parts;
    std::size_t total = 0;
    sr.next(ec, [&parts, &total](beast::error_code&, const auto& buffers) {
      for (const auto b : beast::buffers_range_ref(buffers)) {
        parts.push_back(iovec{const_cast<void*>(b.data()), b.size()});
        total += b.size();
      }
    });
    if (ec) return Close();
    msghdr msg{};
    msg.msg_iov = parts.data();
    msg.msg_iovlen = parts.size();
    const ssize_t sent =
        ::sendmsg(Lowest().socket().native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Close();
    std::size_t skip = sent > 0 ? static_cast<std::size_t>(sent) : 0;
    for (const iovec& part : parts) {
      const std::size_t n = std::min(skip, part.iov_len);
      skip -= n;
      rest_.append(static_cast<const char*>(part.iov_base) + n, part.iov_len - n);
    }
    sr.consume(total);
    // (A string body comes out whole in one piece; anything after it, here.)
    while (!ec && !sr.is_done()) {
      sr.next(ec, [this, &sr](beast::error_code&, const auto& buffers) {
        std::size_t n = 0;
        for (const auto b : beast::buffers_range_ref(buffers)) {
          rest_.append(static_cast<const char*>(b.data()), b.size());
          n += b.size();
        }
        sr.consume(n);
      });
    }
    if (ec) return Close();
    if (rest_.empty()) return Written({}, keep);
    net::post(stream_.get_executor(),
              [self = this->shared_from_this(), keep] { self->WriteRest(keep); });
  }

  // On the loop: what the socket did not take at once (ReplyHere).
  void WriteRest(bool keep) {
    Lowest().expires_after(Ms(impl_.options.request_timeout_ms));
    net::async_write(stream_, net::buffer(rest_),
                     [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                       self->rest_ = std::string();
                       self->Written(ec, keep);
                     });
  }

  void Write(Response res, bool client_keeps_alive) {
    const bool keep = StartReply(res, client_keeps_alive);
    res_ = std::move(res);
    Lowest().expires_after(Ms(impl_.options.request_timeout_ms));
    http::async_write(stream_, res_,
                      [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                        self->res_ = {};
                        self->Written(ec, keep);
                      });
  }

  // A reply is about to be written (ReplyHere, Write): whether the
  // connection stays open after it, which the reply says.
  bool StartReply(Response& res, bool client_keeps_alive) {
    phase_ = Phase::kWriting;
    ++served_;
    const bool keep = client_keeps_alive && !stop_ && !impl_.stopping &&
                      served_ < impl_.options.keep_alive_requests;
    res.keep_alive(keep);
    return keep;
  }

  // A reply was written (`ec`: or failed): the next request, or the end.
  void Written(beast::error_code ec, bool keep) {
    if (ec || !keep) return Close();
    ReadIdle();
  }

  // An error reply, then close: the rest of the request is read and
  // dropped for a moment first, so that a client still sending its body
  // reads the reply rather than a connection reset.
  void Reject(int status, std::string message, const http::fields* head) {
    std::string method = "-";
    std::string target = "-";
    unsigned version = 11;
    if (head != nullptr && parser_) {
      method = std::string(SV(parser_->get().method_string()));
      target = std::string(SV(parser_->get().target()));
      version = parser_->get().version();
    }
    res_ = impl_.Refuse(status, std::move(message), head, method, target, version);
    phase_ = Phase::kWriting;
    Lowest().expires_after(kLingerTime);
    http::async_write(stream_, res_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->Close();
                        self->Linger();
                      });
  }

  void Linger() {
    phase_ = Phase::kClosing;
    if constexpr (!kTls) {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Drain();
    } else {
      Close();
    }
  }

  void Drain() {
    buffer_.clear();
    Lowest().async_read_some(buffer_.prepare(16 * 1024),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->Lowest().close();
                               self->Drain();
                             });
  }

  void Close() {
    if (phase_ == Phase::kClosing) return;
    phase_ = Phase::kClosing;
    if constexpr (kTls) {
      if (Lowest().socket().is_open()) {
        // close_notify, briefly; a peer that never answers it is dropped.
        Lowest().expires_after(std::chrono::seconds(1));
        stream_.async_shutdown(
            [self = this->shared_from_this()](beast::error_code) { self->Lowest().close(); });
        return;
      }
    }
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest().close();
  }

  Server::Impl& impl_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  Response res_;
  std::string rest_;  // a reply's bytes the socket did not take at once (ReplyHere)
  std::size_t served_ = 0;
  Phase phase_ = Phase::kIdle;
  bool stop_ = false;
  // Held by ReplyHere (on a handler thread) and by OnStop's loop handler.
  std::mutex reply_mu_;
};

// A connection over max_connections (plain HTTP): 503 with Retry-After, the
// request read and dropped briefly (so the reply is read, not reset), closed.
class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket socket, Response res) : stream_(std::move(socket)), res_(std::move(res)) {}
  void Start() {
    stream_.expires_after(kLingerTime);
    http::async_write(stream_, res_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->stream_.close();
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                        self->Drain();
                      });
  }

 private:
  void Drain() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->stream_.close();
                              self->Drain();
                            });
  }
  beast::tcp_stream stream_;
  Response res_;
  beast::flat_buffer buffer_;
};

}  // namespace

void Server::Impl::DoAccept() {
  // Each connection on the next loop; the loop's own executor (no strand):
  // one thread runs it, so its handlers never run concurrently.
  net::io_context& loop = *loops[next_loop++ % loops.size()];
  acceptor.async_accept(loop.get_executor(), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors (EMFILE, ENFILE) or a connection reset before it
      // was accepted: try again shortly instead of spinning.
      ++counters.accept_errors;
      accept_retry.expires_after(kAcceptRetry);
      accept_retry.async_wait([this](beast::error_code) {
        if (!stopping && acceptor.is_open()) DoAccept();
      });
      return;
    }
    ++counters.connections_accepted;
    OnAccepted(std::move(socket));
    DoAccept();
  });
}

void Server::Impl::OnAccepted(tcp::socket socket) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (counters.connections_open.load() >= static_cast<std::int64_t>(options.max_connections)) {
    ++counters.connections_rejected;
    if (tls) {
      // A TLS reply would cost a handshake: close at once.
      socket.close(ignored);
      return;
    }
    // Not logged one by one (a flood would flood the log): counted.
    HttpResponse r = TransportError(503, "Service Unavailable: too many connections, retry later");
    Response res = ToWire(r, NewRequestId(), 11, false);
    res.set(http::field::retry_after, "1");
    res.keep_alive(false);
    std::make_shared<Refusal>(std::move(socket), std::move(res))->Start();
    return;
  }
  if (tls) {
    std::make_shared<Session<true>>(*this, std::move(socket), *tls)->Start();
  } else {
    std::make_shared<Session<false>>(*this, std::move(socket))->Start();
  }
}

void Server::Impl::StopNow() {
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  // Each loop ends once its last connection is gone.
  for (auto& open : loops_open) open.reset();
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(sessions_mu);
    for (auto& [_, w] : sessions) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->OnStop();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

RegistryResult<std::unique_ptr<Server>> Server::Bind(Api& api, const ServerOptions& options,
                                                     LogSink log) {
  if (options.threads <= 0 || options.max_connections == 0 || options.request_timeout_ms <= 0 ||
      options.idle_timeout_ms <= 0 || options.tls_handshake_timeout_ms <= 0 ||
      options.keep_alive_requests == 0) {
    return Fail(ErrorCode::kInternal,
                "invalid server setting (threads, max_connections, keep_alive_requests and the "
                "timeouts must be positive)");
  }
  auto impl = std::make_unique<Impl>(api, options, log ? std::move(log) : LogSink(LogToStderr));
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return Fail(ErrorCode::kInternal, "TLS needs both a certificate and a key file");
    }
    impl->tls.emplace(ssl::context::tls_server);
    beast::error_code ec;
    impl->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                               ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                               ssl::context::no_tlsv1_1,
                           ec);
    if (!ec) impl->tls->use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) impl->tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec) {
      return Fail(ErrorCode::kInternal, "cannot load the TLS certificate " + options.tls_cert +
                                            " and key " + options.tls_key);
    }
  }
  beast::error_code ec;
  const auto address =
      net::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host, ec);
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (ec) return Fail(ErrorCode::kInternal, "cannot listen on " + where + ": bad host address");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
  auto& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  // SO_REUSEADDR lets a restart bind while old connections linger in
  // TIME_WAIT; SO_REUSEPORT is never set: a second server on the port must
  // fail with "address in use" instead of silently taking half the
  // connections.
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec == net::error::address_in_use) {
    // Said in plain words: the usual cause is a registry already running.
    return Fail(ErrorCode::kInternal, "cannot listen on " + where +
                                          ": address already in use (another process listens "
                                          "there: stop it or choose another port)");
  }
  if (ec) return Fail(ErrorCode::kInternal, "cannot listen on " + where + ": " + ec.message());
  impl->port = acceptor.local_endpoint().port();
  return std::make_unique<Server>(std::move(impl));
}

int Server::port() const { return impl_->port; }

bool Server::Run() {
  Impl& impl = *impl_;
  // Posted to the acceptor's strand, like Stop: whichever comes first wins.
  net::post(impl.acceptor.get_executor(), [&impl] {
    if (!impl.stopping) impl.DoAccept();
  });
  // An exception escaping a completion handler (allocation failure) is
  // logged and the loop goes on: one connection's failure never ends the
  // server.
  auto run = [&impl](net::io_context& loop) {
    for (;;) {
      try {
        loop.run();
        return;
      } catch (const std::exception& e) {
        impl.LogError("event loop", e.what());
      } catch (...) {
        impl.LogError("event loop", "unknown exception");
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl.loops.size(); ++i) {
    threads.emplace_back([&run, &impl, i] { run(*impl.loops[i]); });
  }
  run(*impl.loops.front());
  for (auto& t : threads) t.join();
  return true;
}

void Server::Stop() {
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true)) return;
  net::post(impl.acceptor.get_executor(), [&impl] { impl.StopNow(); });
}

}  // namespace accord::registry

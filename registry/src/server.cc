#include "accord/registry/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "accord/schemas/json.h"
#include "ui_assets.h"

namespace accord::registry {
namespace {

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

std::string RequestIdOf(const httplib::Request& req) {
  std::string given = req.get_header_value("X-Request-Id");
  return SaneRequestId(given) ? given : NewRequestId();
}

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
  // httplib::SSLServer when TLS is configured (it derives from Server).
  std::unique_ptr<httplib::Server> server;
  httplib::Server& http;
  int port = 0;
  int listen_fd = -1;  // the listening socket (set_socket_options below)

  Impl(Api& a, ServerOptions o, LogSink l, std::unique_ptr<httplib::Server> s)
      : api(a), options(std::move(o)), log(std::move(l)), server(std::move(s)), http(*server) {}

  void LogRequest(const std::string& id, const httplib::Request& req, const HttpResponse& r,
                  std::int64_t us, std::size_t bytes_out) {
    json::Value line{json::Object{}};
    line.Add("ts", NowIso8601());
    line.Add("level", r.status >= 500 ? "error" : "info");
    line.Add("msg", "request");
    line.Add("request_id", id);
    line.Add("method", req.method);
    line.Add("target", req.target.substr(0, 512));
    line.Add("route", r.route);
    line.Add("status", r.status);
    if (r.error_code != 0) line.Add("error_code", r.error_code);
    if (!r.principal.empty()) line.Add("principal", r.principal);
    // Whole microseconds: an integer is written cheaply, a double needs a
    // shortest-round-trip conversion that cost a third of a read's time.
    line.Add("duration_us", us);
    line.Add("bytes_in", static_cast<std::int64_t>(req.body.size()));
    line.Add("bytes_out", static_cast<std::int64_t>(bytes_out));
    log(json::ToJson(line));
  }

  void Serve(const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    const std::string id = RequestIdOf(req);
    HttpRequest in;
    in.method = req.method == "HEAD" ? "GET" : req.method;
    in.target = req.target;
    in.body = req.body;
    in.content_type = req.get_header_value("Content-Type");
    in.accept = req.get_header_value("Accept");
    in.authorization = req.get_header_value("Authorization");
    in.requested_with = req.get_header_value("X-Requested-With");
    // The catalog page (static, embedded) is answered here, beside the API.
    std::optional<HttpResponse> page =
        ServeUi({in.method, in.target, in.accept, req.get_header_value("If-None-Match")});
    HttpResponse out = page ? std::move(*page) : api.Handle(in);
    res.status = out.status;
    for (auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_header("X-Request-Id", id);
    const std::size_t bytes_out = out.body.size();
    res.set_content(std::move(out.body), out.content_type);
    const std::int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count();
    LogRequest(id, req, out, us, bytes_out);
  }

  void Install() {
    // cpp-httplib's default sets SO_REUSEPORT, which lets a second server
    // bind the same port and silently take half the connections; a registry
    // must fail with "address in use" instead. SO_REUSEADDR still allows a
    // restart while old connections linger in TIME_WAIT.
    http.set_socket_options([this](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      listen_fd = sock;
    });
    http.set_tcp_nodelay(true);
    http.set_keep_alive_max_count(options.keep_alive_requests);
    http.set_payload_max_length(options.max_body_bytes);
    const int threads = options.threads > 0 ? options.threads : 32;
    // cpp-httplib's API takes ownership of a raw pointer here.
    http.new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { Serve(req, res); };
    // One catch-all route per method: Api does the routing on the raw target.
    // ("." would not match a decoded newline, and the subject-name rule must
    // see it.)
    const std::string any = R"([\s\S]*)";
    http.Get(any, handler);
    http.Post(any, handler);
    http.Put(any, handler);
    http.Delete(any, handler);
    http.Patch(any, handler);
    http.Options(any, handler);
    // Errors the transport answers itself (413, 400, ...) get a Confluent body.
    http.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& req, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          const std::string id = RequestIdOf(req);
          HttpResponse r = ErrorResponse(RegistryError{
              res.status == 413 ? ErrorCode::kPayloadTooLarge
                                : ErrorCodeFromNumber(res.status).value_or(ErrorCode::kBadRequest),
              "HTTP " + std::to_string(res.status)});
          r.status = res.status;
          r.route = "transport";
          res.set_header("X-Request-Id", id);
          res.set_content(r.body, std::string(kContentTypeV1));
          LogRequest(id, req, r, 0, r.body.size());
          return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                      std::exception_ptr ep) {
      std::string detail = "unknown exception";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        detail = e.what();
      } catch (...) {
      }
      const std::string id = RequestIdOf(req);
      json::Value line{json::Object{}};
      line.Add("ts", NowIso8601());
      line.Add("level", "error");
      line.Add("msg", "unhandled exception");
      line.Add("request_id", id);
      line.Add("detail", detail);
      log(json::ToJson(line));
      HttpResponse r = ErrorResponse(RegistryError{ErrorCode::kInternal, "Internal Server Error"});
      res.status = 500;
      res.set_header("X-Request-Id", id);
      res.set_content(r.body, std::string(kContentTypeV1));
    });
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

RegistryResult<std::unique_ptr<Server>> Server::Bind(Api& api, const ServerOptions& options,
                                                     LogSink log) {
  std::unique_ptr<httplib::Server> transport;
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return Fail(ErrorCode::kInternal, "TLS needs both a certificate and a key file");
    }
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(),
                                                    options.tls_key.c_str());
    if (!tls->is_valid()) {
      return Fail(ErrorCode::kInternal, "cannot load the TLS certificate " + options.tls_cert +
                                            " and key " + options.tls_key);
    }
    transport = std::move(tls);
  } else {
    transport = std::make_unique<httplib::Server>();
  }
  auto impl = std::make_unique<Impl>(api, options, log ? std::move(log) : LogSink(LogToStderr),
                                     std::move(transport));
  impl->Install();
  if (options.port == 0) {
    impl->port = impl->http.bind_to_any_port(options.host);
    if (impl->port <= 0) return Fail(ErrorCode::kInternal, "cannot listen on " + options.host);
  } else {
    if (!impl->http.bind_to_port(options.host, options.port)) {
      return Fail(ErrorCode::kInternal,
                  "cannot listen on " + options.host + ":" + std::to_string(options.port));
    }
    impl->port = options.port;
  }
  // Debian's cpp-httplib listens with a backlog of 5: clients that connect
  // at once beyond that (32 keep-alive connections reopening) saw their SYN
  // dropped and retried 200 ms later. Listening again only resizes the queue.
  if (impl->listen_fd >= 0) ::listen(impl->listen_fd, SOMAXCONN);
  return std::make_unique<Server>(std::move(impl));
}

int Server::port() const { return impl_->port; }

bool Server::Run() { return impl_->http.listen_after_bind(); }

void Server::Stop() { impl_->http.stop(); }

}  // namespace accord::registry

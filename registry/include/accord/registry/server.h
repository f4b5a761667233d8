// The HTTP server: cpp-httplib in front of Api::Handle.
//
// Every request is answered by Api::Handle (routing, errors); the server adds
// an X-Request-Id header (the client's when it sent a sane one, else a new
// id), writes one JSON log line per request to the log sink, turns the
// transport's own errors (413 body too large, 400 bad request line) into
// Confluent error bodies, and maps escaped exceptions to a generic 500 (the
// detail goes to the log only). TCP_NODELAY is on.
//
// Thread safety: Run blocks the calling thread; Stop may be called from any
// other thread (not from a signal handler) and makes Run return after the
// requests in flight are answered.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "accord/registry/error.h"
#include "accord/registry/http_api.h"

namespace accord::registry {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8081;  // 0: pick a free port (see Server::port())
  // cpp-httplib serves each keep-alive connection on one thread: with fewer
  // threads than concurrent connections, the others wait (tail latency).
  int threads = 32;
  // Requests served on one keep-alive connection before the server closes it.
  // Reconnecting costs more than a read by id itself (cpp-httplib's default
  // is 5); a bound still lets a waiting connection take a busy thread's turn.
  std::size_t keep_alive_requests = 100;
  std::size_t max_body_bytes = 8u * 1024u * 1024u;  // larger bodies: 413
  // PEM files; both set: HTTPS only (cpp-httplib with OpenSSL).
  std::string tls_cert;
  std::string tls_key;
};

// Receives one complete JSON log line (without the newline). Default: stderr.
using LogSink = std::function<void(std::string_view line)>;

// Writes `line` + '\n' to stderr atomically with respect to other LogLine calls.
void LogToStderr(std::string_view line);

class Server {
 public:
  // Binds the listening socket. Errors: kInternal with the reason (address
  // in use, bad host, unreadable TLS certificate or key).
  static RegistryResult<std::unique_ptr<Server>> Bind(Api& api, const ServerOptions& options,
                                                      LogSink log = LogToStderr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  struct Impl;
  // Internal: use Bind (Impl is private, so no one else can make one).
  explicit Server(std::unique_ptr<Impl> impl);

  int port() const;
  // Serves until Stop(). Returns false when the listener failed.
  bool Run();
  void Stop();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace accord::registry

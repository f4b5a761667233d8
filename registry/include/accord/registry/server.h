// The HTTP server: an event-driven HTTP/1.1 front (Boost.Beast on Asio) of
// Api::Handle.
//
// Connection model: `io_threads` event loops, one thread each, read and
// write connections asynchronously (a connection is accepted onto the next
// loop in turn and stays on it); a complete request is handed to a pool of
// `threads` handler threads that run Api::Handle (which may wait on the store
// or run a compatibility check). The handler thread sends a plain HTTP reply
// itself when the socket takes all of it at once (never waiting on it) and
// starts the connection's next read; the event loop writes the rest of a
// larger reply, and every TLS reply. A connection costs a socket and a small
// buffer while it is idle or still sending its request or reading its
// reply, never a handler thread, so idle keep-alive connections and slow
// clients cannot lock others out.
//
// Limits (ServerOptions): a total deadline for receiving a request's head and
// body (request_timeout_ms: from the connection's accept, or the end of the
// TLS handshake, for its first request; from the first byte of the request
// for the next ones; never restarted per byte), an idle deadline between
// keep-alive requests (idle_timeout_ms), a TLS handshake deadline
// (tls_handshake_timeout_ms), the same request_timeout_ms for writing a
// reply, and max_connections: a connection accepted beyond it gets
// `503 Service Unavailable` with `Retry-After: 1` and a Confluent body (plain
// HTTP) or is closed at once (HTTPS: no handshake is spent on it). Expired
// deadlines close the connection. Each of these is counted in /metrics
// (TransportCounters, metrics.h).
//
// Every request is answered by Api::Handle (routing, errors), or ServeUi for
// the catalog page; the server adds an X-Request-Id header (the client's when
// it sent a sane one, else a new id), writes one JSON log line per request to
// the log sink, answers the transport's own errors with Confluent error
// bodies (413 body over max_body_bytes, 431 head over 64 KiB, 400 malformed
// request), and maps escaped exceptions to a generic 500 (the detail goes to
// the log only). HEAD is answered as GET without the body; `Expect:
// 100-continue` is honoured. TCP_NODELAY is on; the port is bound with
// SO_REUSEADDR only (never SO_REUSEPORT: a second server on the port fails).
//
// Thread safety: Run blocks the calling thread; Stop may be called from any
// other thread (not from a signal handler), also before Run, and makes Run
// return after the requests in flight (received, being handled) are answered;
// connections idle or still sending a request are closed.
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
  // Handler threads running Api::Handle (requests handled at once); > 0.
  // A request goes to the thread that became idle last (worker_pool.h), so
  // threads a load does not need stay asleep.
  int threads = 32;
  // Event-loop threads (accept, read, write); <= 0: 2.
  int io_threads = 2;
  // Connections open at once, at most (idle ones included); > 0.
  std::size_t max_connections = 10000;
  // Deadline for receiving a whole request, head and body (also for writing
  // a reply); see the connection model above.
  int request_timeout_ms = 30000;
  // A keep-alive connection with no request for this long is closed.
  int idle_timeout_ms = 60000;
  // Deadline for a TLS handshake, from the accept.
  int tls_handshake_timeout_ms = 10000;
  // Requests served on one keep-alive connection before the server closes it
  // (spreads long-lived clients over replicas behind a load balancer).
  std::size_t keep_alive_requests = 100;
  std::size_t max_body_bytes = 8u * 1024u * 1024u;  // larger bodies: 413
  // PEM files; both set: HTTPS only (Asio's OpenSSL stream).
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
  // in use, bad host, unreadable TLS certificate or key, a setting out of
  // range).
  static RegistryResult<std::unique_ptr<Server>> Bind(Api& api, const ServerOptions& options,
                                                      LogSink log = LogToStderr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  struct Impl;
  // Internal: use Bind (Impl is private, so no one else can make one).
  explicit Server(std::unique_ptr<Impl> impl);

  int port() const;
  // Serves until Stop(); true then. (Accept errors, such as running out of
  // descriptors, are counted and retried, never fatal.)
  bool Run();
  void Stop();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace accord::registry

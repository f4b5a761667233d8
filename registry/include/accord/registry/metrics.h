// Request metrics in Prometheus text format (GET /metrics).
//
// Series:
//   accord_http_requests_total{route,status}        counter
//   accord_http_request_duration_seconds{route}     histogram
//   accord_registrations_incompatible_total         counter (40901 replies)
//   accord_store_errors_total                       counter (50001 replies)
//   accord_schemas, accord_subjects                 gauges (given to Render)
//   accord_store_commits_total                      counter (given to Render):
//     durable commits of the store; with
//   accord_store_writes_committed_total             counter (given to Render):
//     the writes they made durable (more than one per commit when the store
//     grouped concurrent writes: SQLite's group commit)
//   accord_parsed_schemas_cached                    gauge (given to Render)
//   accord_http_connections_accepted_total          counter  } the transport's
//   accord_http_connections_open                    gauge    } (TransportCounters,
//   accord_http_connections_rejected_total          counter  } counted by the
//   accord_http_request_timeouts_total{phase}       counter  } server: server.h)
//     phase="head" | "body": the request deadline expired while receiving it
//   accord_http_tls_handshake_timeouts_total        counter
//   accord_http_idle_closes_total                   counter
//     keep-alive connections closed after idle_timeout without a request
//   accord_http_accept_errors_total                 counter (out of descriptors)
//
// Thread safety: every method may be called concurrently; mu_ guards the maps.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace accord::registry {

// What the HTTP transport counts (server.cc increments them; any thread).
struct TransportCounters {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_rejected{0};  // at max_connections
  std::atomic<std::uint64_t> head_timeouts{0};
  std::atomic<std::uint64_t> body_timeouts{0};
  std::atomic<std::uint64_t> tls_handshake_timeouts{0};
  std::atomic<std::uint64_t> idle_closes{0};
  std::atomic<std::uint64_t> accept_errors{0};
};

class Metrics {
 public:
  // The transport's counters, rendered with the rest (lock-free).
  TransportCounters& transport() { return transport_; }
  // One answered request. `error_code` is the Confluent code (0 on success).
  void ObserveRequest(std::string_view route, int status, int error_code, double seconds);
  // What the Service reports at render time; -1: unknown (store down).
  struct ServiceFigures {
    std::int64_t schemas = -1;
    std::int64_t subjects = -1;
    std::uint64_t store_commits = 0;
    std::uint64_t store_writes_committed = 0;
    std::uint64_t parsed_schemas_cached = 0;
  };
  // The exposition text, with the Service's current figures.
  std::string Render(const ServiceFigures& service) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // cumulative at render time
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (route, status)
  std::map<std::string, Histogram> latency_;                       // by route
  std::uint64_t incompatible_ = 0;
  std::uint64_t store_errors_ = 0;
  TransportCounters transport_;
};

}  // namespace accord::registry

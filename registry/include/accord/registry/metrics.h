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
//
// Thread safety: every method may be called concurrently; mu_ guards the maps.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace accord::registry {

class Metrics {
 public:
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
};

}  // namespace accord::registry

#include "accord/registry/metrics.h"

#include <cstdio>

namespace accord::registry {
namespace {

// Label values are route templates we generate ourselves; escape anyway.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void Metrics::ObserveRequest(std::string_view route, int status, int error_code, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
  Histogram& h = latency_[std::string(route)];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
  if (error_code == 40901) ++incompatible_;
  if (error_code == 50001) ++store_errors_;
}

std::string Metrics::Render(const ServiceFigures& service) const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP accord_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE accord_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += "accord_http_requests_total{route=\"" + Label(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP accord_http_request_duration_seconds Time to answer a request, by route.\n";
  out += "# TYPE accord_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = Label(route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "accord_http_request_duration_seconds_bucket{route=\"" + r + "\",le=\"" +
             Num(kBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "accord_http_request_duration_seconds_bucket{route=\"" + r + "\",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "accord_http_request_duration_seconds_sum{route=\"" + r + "\"} " + Num(h.sum) + "\n";
    out += "accord_http_request_duration_seconds_count{route=\"" + r + "\"} " +
           std::to_string(h.count) + "\n";
  }
  out += "# HELP accord_registrations_incompatible_total Registrations refused as incompatible.\n";
  out += "# TYPE accord_registrations_incompatible_total counter\n";
  out += "accord_registrations_incompatible_total " + std::to_string(incompatible_) + "\n";
  out += "# HELP accord_store_errors_total Requests that failed on a store error (50001).\n";
  out += "# TYPE accord_store_errors_total counter\n";
  out += "accord_store_errors_total " + std::to_string(store_errors_) + "\n";
  out += "# HELP accord_schemas Schemas stored (each context's highest schema id, summed).\n";
  out += "# TYPE accord_schemas gauge\n";
  out += "accord_schemas " + std::to_string(service.schemas) + "\n";
  out += "# HELP accord_subjects Subjects with at least one live version.\n";
  out += "# TYPE accord_subjects gauge\n";
  out += "accord_subjects " + std::to_string(service.subjects) + "\n";
  out += "# HELP accord_store_commits_total Durable commits of the store.\n";
  out += "# TYPE accord_store_commits_total counter\n";
  out += "accord_store_commits_total " + std::to_string(service.store_commits) + "\n";
  out +=
      "# HELP accord_store_writes_committed_total Writes made durable by those commits "
      "(concurrent ones may share a commit).\n";
  out += "# TYPE accord_store_writes_committed_total counter\n";
  out += "accord_store_writes_committed_total " + std::to_string(service.store_writes_committed) +
         "\n";
  out +=
      "# HELP accord_parsed_schemas_cached Parsed schemas held in memory (parsed_schema_cache).\n";
  out += "# TYPE accord_parsed_schemas_cached gauge\n";
  out += "accord_parsed_schemas_cached " + std::to_string(service.parsed_schemas_cached) + "\n";
  const auto counter = [&out](const char* name, const char* help, std::uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n";
    out += std::string("# TYPE ") + name + " counter\n";
    out += std::string(name) + " " + std::to_string(v) + "\n";
  };
  const TransportCounters& t = transport_;
  counter("accord_http_connections_accepted_total", "TCP connections accepted.",
          t.connections_accepted.load());
  out += "# HELP accord_http_connections_open Connections open now (idle ones included).\n";
  out += "# TYPE accord_http_connections_open gauge\n";
  out += "accord_http_connections_open " + std::to_string(t.connections_open.load()) + "\n";
  counter("accord_http_connections_rejected_total",
          "Connections refused at max_connections (503 with Retry-After, or closed).",
          t.connections_rejected.load());
  out +=
      "# HELP accord_http_request_timeouts_total Connections closed because the request "
      "deadline expired while receiving the request head or body.\n";
  out += "# TYPE accord_http_request_timeouts_total counter\n";
  out += "accord_http_request_timeouts_total{phase=\"head\"} " +
         std::to_string(t.head_timeouts.load()) + "\n";
  out += "accord_http_request_timeouts_total{phase=\"body\"} " +
         std::to_string(t.body_timeouts.load()) + "\n";
  counter("accord_http_tls_handshake_timeouts_total",
          "Connections closed because the TLS handshake did not finish in time.",
          t.tls_handshake_timeouts.load());
  counter("accord_http_idle_closes_total",
          "Keep-alive connections closed after idle_timeout without a request.",
          t.idle_closes.load());
  counter("accord_http_accept_errors_total",
          "Failed accepts (out of file descriptors); the server retries shortly after.",
          t.accept_errors.load());
  return out;
}

}  // namespace accord::registry

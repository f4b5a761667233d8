// The Confluent-compatible REST API as a pure function of a request:
// transport-independent (the cpp-httplib server in server.h, the tests and
// the fuzz target all call Api::Handle).
//
// Contracts:
//  * Handle never throws and never crashes on any input; every error reply is
//    {"error_code": int, "message": string} with the HTTP status from
//    HttpStatusOf (one place: ErrorResponse).
//  * Content types: replies are application/vnd.schemaregistry.v1+json
//    (or application/vnd.schemaregistry+json / application/json when the
//    Accept header asks only for those); request bodies may be sent as either
//    of these, as application/octet-stream or without a content type; any
//    other content type is 415.
//  * Besides Confluent's endpoints: GET /healthz, /readyz, /metrics
//    (Prometheus text), and GET /accord/v1/audit?after=SEQ&limit=N (the
//    audit log, oldest first; provisional path).
//  * Paths are matched on the raw request target; each path segment is
//    percent-decoded on its own (so a subject may contain "%2F").
//
// Thread safety: Handle may be called concurrently (the Service is).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accord/registry/error.h"
#include "accord/registry/metrics.h"
#include "accord/registry/service.h"

namespace accord::registry {

inline constexpr std::string_view kContentTypeV1 = "application/vnd.schemaregistry.v1+json";

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw path and query: "/subjects/a%2Fb/versions?deleted=true"
  std::string body;
  std::string content_type;  // may be empty
  std::string accept;        // may be empty
  std::string actor;         // who, for the audit log; empty = anonymous
};

struct HttpResponse {
  int status = 200;
  std::string content_type = std::string(kContentTypeV1);
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The route template that answered ("GET /subjects/{s}/versions/{v}"),
  // for logs and metrics; "unmatched" when none did.
  std::string route = "unmatched";
  // For error replies: the error code (0 when the reply is a success).
  int error_code = 0;
};

// The error reply for `e` (status from HttpStatusOf, Confluent body).
HttpResponse ErrorResponse(const RegistryError& e);

class Api {
 public:
  // `service` must outlive the Api.
  explicit Api(Service& service) : service_(service) {}

  // Answers the request and records it in the metrics (GET /metrics).
  HttpResponse Handle(const HttpRequest& request) const noexcept;

 private:
  HttpResponse Dispatch(const HttpRequest& request) const;
  Service& service_;
  mutable Metrics metrics_;  // internally synchronised
};

}  // namespace accord::registry

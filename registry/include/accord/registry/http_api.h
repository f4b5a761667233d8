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
//    (Prometheus text), and Accord's catalog API (http_catalog.cc;
//    docs/catalog-api.md), same error body and content types:
//      GET    /accord/v1/audit?after=SEQ&limit=N&subject=S&actor=P&since=MS
//             &until=MS  (limit <= 1000; admins only)
//      GET    /accord/v1/subjects?q=&owner=&tag=&state=&type=  search (also
//             /accord/v1/catalog)
//      GET    /accord/v1/subjects/{s}               catalog page
//      GET|PUT /accord/v1/subjects/{s}/metadata
//      GET    /accord/v1/subjects/{s}/versions/{v}  version + lifecycle
//      PUT|DELETE /accord/v1/subjects/{s}/versions/{v}/deprecation
//      GET    /accord/v1/subjects/{s}/versions/{v}/fields
//      GET    /accord/v1/subjects/{s}/consumers
//      GET    /accord/v1/subjects/{s}/diff?from=&to=
//      GET    /accord/v1/subjects/{s}/changelog
//      GET    /accord/v1/deprecations               calendar, soonest first
//      GET    /accord/v1/services, GET|PUT|DELETE /accord/v1/services/{name}
//      GET    /accord/v1/subjects/{s}/versions/{v}/readers  who read it (readers.h)
//      GET|POST /accord/v1/webhooks, DELETE /accord/v1/webhooks/{id},
//      GET    /accord/v1/webhooks/deliveries    (admins only; webhooks.h)
//  * Confluent's GET /subjects/{s}/versions/{v}[/schema] of a deprecated or
//    retired version carry `Deprecation: @<unix seconds>` (RFC 9745),
//    `Sunset: <IMF-fixdate of the sunset day>` (RFC 8594) and, with a
//    replacement, `Link: </subjects/{s}/versions/{r}>; rel="successor-version"`;
//    so do GET /schemas/ids/{id}[/schema] when every live version holding
//    the schema is deprecated or retired (ServedSchema::deprecated).
//  * DELETE ...?permanent=true&force=true passes Force::kYes (a consumed
//    version's hard delete; admin-only); PUT /config[/{s}] accepts
//    "lint": true|false (422 for another type) and GET returns it.
//  * Paths are matched on the raw request target; each path segment is
//    percent-decoded on its own (so a subject may contain "%2F").
//
//  * Authentication (ApiOptions::authenticator; none = open) runs before
//    routing, so a 401 never tells whether a resource exists:
//    wrong or malformed credentials are 401 on every request; without
//    credentials, reads (GET, POST /subjects/{s} lookup, POST
//    /compatibility/...) are allowed when anonymous_read, GET /healthz and
//    /readyz always, anything else is 401. 401 replies carry
//    `WWW-Authenticate: Basic realm="accord"` unless the request has
//    `X-Requested-With: accord-ui`. A 40301 answered to an unauthenticated
//    caller (the audit log) becomes that 401. Authorisation (403, 40301) is
//    the Service's (service.h, AUTHORISATION): every mutating call gets the
//    request's Principal.
//
// Thread safety: Handle may be called concurrently (the Service is).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accord/registry/auth.h"
#include "accord/registry/error.h"
#include "accord/registry/metrics.h"
#include "accord/registry/readers.h"
#include "accord/registry/service.h"
#include "accord/registry/webhooks.h"

namespace accord::registry {

inline constexpr std::string_view kContentTypeV1 = "application/vnd.schemaregistry.v1+json";

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw path and query: "/subjects/a%2Fb/versions?deleted=true"
  std::string body;
  std::string content_type;  // may be empty
  std::string accept;        // may be empty
  // The Authorization header (empty: none). Never logged.
  std::string authorization;
  // The X-Requested-With header: "accord-ui" (the catalog page) gets 401
  // replies without a WWW-Authenticate challenge (the page asks for a key
  // itself instead of the browser's login dialog).
  std::string requested_with;
  // The User-Agent header (who reads a schema: readers.h).
  std::string user_agent;
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
  // Who asked, for the request log: the authenticated principal's name;
  // empty when the registry is open (no keys) or the caller gave none.
  std::string principal;
  // The schema a counted read served (readers.h lists the routes); 0: none.
  std::int64_t read_schema_id = 0;
};

// The error reply for `e` (status from HttpStatusOf, Confluent body).
HttpResponse ErrorResponse(const RegistryError& e);

struct ApiOptions {
  // Who a request acts as; null: the server is open (every request acts as
  // the anonymous admin, Principal::OpenAdmin). Must outlive the Api.
  const Authenticator* authenticator = nullptr;
  // Counts who reads which schema (readers.h); null: nothing is counted
  // (the `readers` setting off). Must outlive the Api.
  ReadTracker* readers = nullptr;
  // Delivers webhooks; its recent attempts answer GET
  // /accord/v1/webhooks/deliveries and its counters show in /metrics.
  // Null: no deliveries (the webhooks can still be registered). Must
  // outlive the Api.
  const WebhookDispatcher* webhooks = nullptr;
};

class Api {
 public:
  // `service` must outlive the Api.
  explicit Api(Service& service, ApiOptions options = {});
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Answers the request and records it in the metrics (GET /metrics).
  HttpResponse Handle(const HttpRequest& request) const noexcept;

  // The transport's counters (the server increments them), rendered in
  // GET /metrics. Lock-free; any thread.
  TransportCounters& transport_counters() const noexcept { return metrics_.transport(); }

 private:
  // Authenticates, then dispatches (or answers 401).
  HttpResponse Authorised(const HttpRequest& request) const;
  HttpResponse Dispatch(const HttpRequest& request, const Principal& caller) const;
  Service& service_;
  ApiOptions options_;
  mutable Metrics metrics_;  // internally synchronised
  // GET /schemas/ids/{id} reply bodies by id (a schema never changes once
  // registered), the most read ones; internally synchronised.
  class ReplyMemo;
  std::unique_ptr<ReplyMemo> schema_replies_;
};

}  // namespace accord::registry

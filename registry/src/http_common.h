// Private to registry/src: what the HTTP handlers (http_api.cc for
// Confluent's endpoints, http_catalog.cc for the catalog API) share —
// request-target parsing, JSON bodies, reply builders and route matching.
// Not a public header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "accord/schemas/json.h"

namespace accord::registry::http {

// Decodes %XX escapes (malformed ones stay literal); `plus_is_space` for
// query strings.
std::string PercentDecode(std::string_view s, bool plus_is_space);
// Percent-encodes everything but RFC 3986 unreserved characters (one path
// segment).
std::string PercentEncode(std::string_view s);

struct Target {
  std::vector<std::string> segments;  // decoded path segments
  std::vector<std::pair<std::string, std::string>> query;

  const std::string* Param(std::string_view key) const {
    for (const auto& [k, v] : query) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  // Jersey's Boolean: "true" (any case) is true, anything else false.
  bool Flag(std::string_view key) const {
    const std::string* v = Param(key);
    if (!v || v->size() != 4) return false;
    std::string lower;
    for (char c : *v) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return lower == "true";
  }
};

// Splits "/a/b%2Fc?x=1&y" into decoded segments and query pairs.
Target ParseTarget(std::string_view target);

std::unexpected<RegistryError> BadRequest(std::string message);
// The request body as a JSON object (400 when empty, malformed, not an
// object or nested deeper than 64).
RegistryResult<json::Value> ParseBody(const HttpRequest& req);
// Stored JSON text (metadata, ruleSet, audit detail) as a value; null when
// empty or unparsable.
json::Value JsonTextValue(const std::string& text);

HttpResponse JsonReply(const json::Value& v, int status = 200);
json::Value ReferencesJson(const std::vector<SchemaReference>& refs);
// Confluent's Schema object; empty fields (and AVRO, the default type) left out.
json::Value SchemaVersionJson(const SchemaVersion& v);
json::Value StringArray(const std::vector<std::string>& items);
json::Value VersionArray(const std::vector<Version>& items);

template <typename T, typename Fn>
HttpResponse Reply(const RegistryResult<T>& r, Fn&& render) {
  if (!r) return ErrorResponse(r.error());
  return render(*r);
}

IncludeDeleted DeletedFlag(const Target& t);

// Route matching of one request: Is() names the route template being tried
// and remembers that the path exists (a later 405 instead of 404); Done()
// stamps the reply with the route that answered.
class RouteMatch {
 public:
  explicit RouteMatch(std::string method) : method_(std::move(method)) {}
  bool Is(const char* method, const char* tmpl) {
    path_known_ = true;
    route_ = std::string(method) + " " + tmpl;
    return method_ == method;
  }
  HttpResponse Done(HttpResponse r) const {
    r.route = route_;
    return r;
  }
  bool path_known() const { return path_known_; }

 private:
  std::string method_;
  bool path_known_ = false;
  std::string route_;
};

// Answers the catalog routes /accord/v1/... (http_catalog.cc); nullopt when
// `t` is not one of them (match.path_known() then says whether the path
// exists for another method).
std::optional<HttpResponse> DispatchCatalog(Service& service, const HttpRequest& req,
                                            const Principal& caller, const Target& t,
                                            RouteMatch& match);

// A service declaration's wire form (PUT /accord/v1/services/{name}) and its
// reply (http_catalog.cc).
RegistryResult<ServiceRecord> ParseServiceDeclaration(const json::Value& body,
                                                      const std::string& name);
json::Value ServiceJson(const ServiceRecord& s);

// Answers /accord/v1/services/{name}/versions[/{v}] and
// /accord/v1/environments[/...] (http_deployments.cc), as DispatchCatalog.
std::optional<HttpResponse> DeploymentRoutes(Service& service, const HttpRequest& req,
                                             const Principal& caller, const Target& t,
                                             RouteMatch& match);

// Answers the usage routes (http_usage.cc): /accord/v1/subjects/{s}/versions/
// {v}/readers and /accord/v1/webhooks[/...]; nullopt for any other path.
// `webhooks` may be null (no deliveries to show).
std::optional<HttpResponse> DispatchUsage(Service& service, const WebhookDispatcher* webhooks,
                                          const HttpRequest& req, const Principal& caller,
                                          const Target& t, RouteMatch& match);

// The catalog page's warnings about `subject`: each retired version still
// fetched since its sunset (Service::RetiredVersionsStillRead); an empty
// array when there is none or they cannot be read.
json::Value RetiredWarnings(Service& service, const std::string& subject);

// The readers' and webhooks' series for GET /metrics (either may be null).
std::string UsageMetrics(const ReadTracker* readers, const WebhookDispatcher* webhooks);

}  // namespace accord::registry::http

// The usage routes of the catalog API (docs/catalog-api.md): who read a
// version (readers.h) and the webhooks (webhooks.h), plus their warnings on
// the catalog page and their /metrics series.
#include <string>
#include <utility>
#include <vector>

#include "accord/registry/readers.h"
#include "accord/registry/webhooks.h"
#include "http_common.h"

namespace accord::registry::http {
namespace {

using json::Value;

Value ReadCountJson(const ReadCount& r) {
  Value o{json::Object{}};
  o.Add("principal", r.principal);
  o.Add("userAgent", r.user_agent);
  o.Add("count", r.count);
  o.Add("firstSeen", r.first_seen_ms);
  o.Add("lastSeen", r.last_seen_ms);
  return o;
}

Value WebhookJson(const WebhookRecord& w) {
  Value o{json::Object{}};
  o.Add("id", w.id);
  o.Add("url", w.url);
  json::Array events;
  for (WebhookEvent e : w.events) events.emplace_back(std::string(WebhookEventName(e)));
  o.Add("events", Value(std::move(events)));
  if (!w.secret.empty()) o.Add("secret", w.secret);  // on creation only
  o.Add("createdBy", w.created_by);
  o.Add("createdAt", w.created_ms);
  return o;
}

Value AttemptJson(const DeliveryAttempt& a) {
  Value o{json::Object{}};
  o.Add("delivery", a.delivery);
  o.Add("webhook", a.webhook);
  o.Add("url", a.url);
  o.Add("event", std::string(WebhookEventName(a.event)));
  o.Add("attempt", a.attempt);
  o.Add("ok", a.ok);
  o.Add("final", a.final);
  if (a.status != 0) o.Add("status", a.status);
  if (!a.error.empty()) o.Add("error", a.error);
  o.Add("at", a.at_ms);
  return o;
}

// POST /accord/v1/webhooks {"url", "events": [..], "secret"?}.
RegistryResult<WebhookRecord> ParseWebhook(const Value& body) {
  for (const json::Member& m : body.AsObject()) {
    if (m.key != "url" && m.key != "events" && m.key != "secret") {
      return Fail(ErrorCode::kInvalidCatalogMetadata,
                  "unknown member '" + m.key.substr(0, 64) + "' (url, events, secret)");
    }
  }
  WebhookRecord w;
  const Value* url = body.Find("url");
  if (url == nullptr || !url->IsString()) {
    return Fail(ErrorCode::kInvalidCatalogMetadata, "url must be a string");
  }
  w.url = url->AsString();
  const Value* events = body.Find("events");
  if (events == nullptr || !events->IsArray()) {
    return Fail(ErrorCode::kInvalidCatalogMetadata, "events must be an array of event names");
  }
  for (const Value& e : events->AsArray()) {
    auto event = e.IsString() ? WebhookEventFromString(e.AsString()) : std::nullopt;
    if (!event) {
      std::string names;
      for (WebhookEvent known : kAllWebhookEvents) {
        names += (names.empty() ? "" : ", ") + std::string(WebhookEventName(known));
      }
      return Fail(ErrorCode::kInvalidCatalogMetadata,
                  "unknown event " +
                      (e.IsString() ? "'" + e.AsString().substr(0, 64) + "'"
                                    : std::string("(not a string)")) +
                      " (" + names + ")");
    }
    w.events.push_back(*event);
  }
  if (const Value* secret = body.Find("secret"); secret != nullptr && !secret->IsNull()) {
    if (!secret->IsString()) {
      return Fail(ErrorCode::kInvalidCatalogMetadata, "secret must be a string");
    }
    w.secret = secret->AsString();
  }
  return w;
}

}  // namespace

std::optional<HttpResponse> DispatchUsage(Service& service, const WebhookDispatcher* webhooks,
                                          const HttpRequest& req, const Principal& caller,
                                          const Target& t, RouteMatch& match) {
  const std::vector<std::string>& s = t.segments;
  const std::size_t n = s.size();
  std::optional<HttpResponse> r;
  if (n == 7 && s[2] == "subjects" && s[4] == "versions" && s[6] == "readers") {
    if (match.Is("GET", "/accord/v1/subjects/{s}/versions/{v}/readers")) {
      auto version = ParseVersion(s[5]);
      if (!version) return match.Done(ErrorResponse(version.error()));
      r = Reply(service.Readers(s[3], *version), [](const std::vector<ReadCount>& rows) {
        json::Array a;
        for (const ReadCount& row : rows) a.push_back(ReadCountJson(row));
        return JsonReply(Value(std::move(a)));
      });
    }
  } else if (n == 3 && s[2] == "webhooks") {
    if (match.Is("GET", "/accord/v1/webhooks")) {
      r = Reply(service.ListWebhooks(caller), [](const std::vector<WebhookRecord>& hooks) {
        json::Array a;
        for (const WebhookRecord& w : hooks) a.push_back(WebhookJson(w));
        return JsonReply(Value(std::move(a)));
      });
    } else if (match.Is("POST", "/accord/v1/webhooks")) {
      auto body = ParseBody(req);
      if (!body) return match.Done(ErrorResponse(body.error()));
      auto request = ParseWebhook(*body);
      if (!request) return match.Done(ErrorResponse(request.error()));
      r = Reply(service.CreateWebhook(*request, caller),
                [](const WebhookRecord& w) { return JsonReply(WebhookJson(w), 201); });
    }
  } else if (n == 4 && s[2] == "webhooks" && s[3] == "deliveries") {
    if (match.Is("GET", "/accord/v1/webhooks/deliveries")) {
      // Admins only, like the webhooks themselves (URLs may be internal).
      auto hooks = service.ListWebhooks(caller);
      if (!hooks) return match.Done(ErrorResponse(hooks.error()));
      json::Array a;
      if (webhooks != nullptr) {
        for (const DeliveryAttempt& attempt : webhooks->Recent()) a.push_back(AttemptJson(attempt));
      }
      r = JsonReply(Value(std::move(a)));
    }
  } else if (n == 4 && s[2] == "webhooks") {
    if (match.Is("DELETE", "/accord/v1/webhooks/{id}")) {
      r = Reply(service.DeleteWebhook(s[3], caller),
                [](const WebhookRecord& w) { return JsonReply(WebhookJson(w)); });
    }
  }
  if (r) return match.Done(std::move(*r));
  return std::nullopt;
}

json::Value RetiredWarnings(Service& service, const std::string& subject) {
  json::Array a;
  auto retired = service.RetiredVersionsStillRead(subject);
  if (!retired) return Value(std::move(a));
  for (const Service::RetiredButRead& r : *retired) {
    Value o{json::Object{}};
    o.Add("kind", "RETIRED_STILL_READ");
    o.Add("version", r.version.version.value());
    o.Add("sunset", r.version.deprecation ? r.version.deprecation->sunset : std::string());
    o.Add("readers", r.readers);
    o.Add("lastReader", ReadCountJson(r.last));
    o.Add("message", "version " + std::to_string(r.version.version.value()) +
                         " is retired (sunset " +
                         (r.version.deprecation ? r.version.deprecation->sunset : "") +
                         ") but is still fetched: last by " + r.last.principal +
                         (r.last.user_agent.empty() ? "" : " (" + r.last.user_agent + ")") +
                         " on " + CalendarDate(r.last.last_seen_ms));
    a.push_back(std::move(o));
  }
  return Value(std::move(a));
}

std::string UsageMetrics(const ReadTracker* readers, const WebhookDispatcher* webhooks) {
  std::string out;
  auto series = [&](const char* name, const char* type, const char* help, std::uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(v) + "\n";
  };
  if (readers != nullptr) {
    const ReadTracker::Stats st = readers->GetStats();
    series("accord_readers_entries", "gauge",
           "(schema, principal, user agent) read counters held until the next flush", st.entries);
    series("accord_readers_bytes", "gauge", "estimated memory of the read counters", st.bytes);
    series("accord_readers_folded_total", "counter",
           "reads counted under the user agent 'other' for lack of room", st.folded);
    series("accord_readers_dropped_total", "counter", "reads not counted for lack of room",
           st.dropped);
    series("accord_readers_flushes_total", "counter", "read counts added to the store", st.flushes);
    series("accord_readers_flush_errors_total", "counter",
           "failed flushes of the read counts (kept for the next one)", st.flush_errors);
  }
  if (webhooks != nullptr) {
    const WebhookDispatcher::Stats st = webhooks->GetStats();
    series("accord_webhook_events_total", "counter", "events queued for the webhooks",
           st.published);
    series("accord_webhook_events_dropped_total", "counter",
           "events and deliveries dropped because the webhook queue was full", st.dropped);
    series("accord_webhook_deliveries_total", "counter", "deliveries answered with 2xx",
           st.delivered);
    series("accord_webhook_attempts_failed_total", "counter",
           "delivery attempts that failed (each retry counts)", st.attempts_failed);
    series("accord_webhook_deliveries_failed_total", "counter",
           "deliveries given up after the last attempt", st.given_up);
    series("accord_webhook_queue", "gauge", "events and deliveries waiting", st.queued);
  }
  return out;
}

}  // namespace accord::registry::http

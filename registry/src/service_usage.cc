// The Service's usage calls (service.h, "usage"): who read a version, the
// retired versions still read, and the webhooks' registrations.
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <utility>

#include "accord/registry/service.h"
#include "accord/registry/webhooks.h"
#include "accord/schemas/canonical.h"
#include "accord/schemas/json.h"
#include "authz.h"
#include "service_internal.h"

namespace accord::registry {
namespace {

using internal::MakeAudit;
using internal::Quoted;

constexpr std::size_t kMaxUrl = 2048;
constexpr std::size_t kMinSecret = 16;
constexpr std::size_t kMaxSecret = 256;
constexpr std::size_t kMaxWebhooks = 100;

std::unexpected<RegistryError> BadWebhook(std::string message) {
  return Fail(ErrorCode::kInvalidCatalogMetadata, std::move(message));
}

bool PrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// http(s)://host[:port][/path]: a host, no spaces or control characters.
bool ValidWebhookUrl(std::string_view url) {
  if (url.size() > kMaxUrl || !PrintableAscii(url)) return false;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  return !host.empty() && host.front() != ':' && host.find('@') == std::string_view::npos;
}

std::string NewSecret() {
  std::array<unsigned char, 24> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  return "whsec_" +
         json::ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

json::Value WebhookValue(const WebhookRecord& w) {
  json::Value o{json::Object{}};
  o.Add("id", w.id);
  o.Add("url", w.url);
  json::Array events;
  for (WebhookEvent e : w.events) events.emplace_back(std::string(WebhookEventName(e)));
  o.Add("events", json::Value(std::move(events)));
  return o;
}

WebhookRecord WithoutSecret(WebhookRecord w) {
  w.secret.clear();
  return w;
}

}  // namespace

RegistryResult<std::vector<ReadCount>> Service::Readers(std::string_view subject,
                                                        VersionSelector v) {
  auto version = GetVersion(subject, v);
  if (!version) return std::unexpected(version.error());
  auto rows = store_->ListReadCounts(version->id);
  if (!rows) return std::unexpected(rows.error());
  std::stable_sort(rows->begin(), rows->end(), [](const ReadCount& a, const ReadCount& b) {
    return a.last_seen_ms > b.last_seen_ms;
  });
  return rows;
}

RegistryResult<std::vector<Service::RetiredButRead>> Service::RetiredVersionsStillRead(
    const std::optional<std::string>& subject) {
  auto deprecated = store_->ListDeprecated();
  if (!deprecated) return std::unexpected(deprecated.error());
  std::sort(deprecated->begin(), deprecated->end(),
            [](const VersionRecord& a, const VersionRecord& b) {
              return std::tie(a.subject, a.version) < std::tie(b.subject, b.version);
            });
  const std::int64_t now = NowMs();
  std::vector<RetiredButRead> out;
  for (const VersionRecord& v : *deprecated) {
    if (v.deleted || (subject && v.subject.str() != *subject)) continue;
    if (LifecycleAt(v.deprecation, now) != Lifecycle::kRetired) continue;
    auto rows = store_->ListReadCounts(v.schema_id);
    if (!rows) return std::unexpected(rows.error());
    RetiredButRead r;
    for (const ReadCount& row : *rows) {
      // Fetched on or after the sunset day (UTC), the day it retired.
      if (CalendarDate(row.last_seen_ms) < v.deprecation->sunset) continue;
      ++r.readers;
      if (row.last_seen_ms > r.last.last_seen_ms) r.last = row;
    }
    if (r.readers == 0) continue;
    auto served = ToSchemaVersion(v);
    if (!served) return std::unexpected(served.error());
    r.version = std::move(*served);
    r.version.schema.clear();
    out.push_back(std::move(r));
  }
  return out;
}

RegistryResult<WebhookRecord> Service::CreateWebhook(const WebhookRecord& request,
                                                     const Principal& caller) {
  if (auto ok = internal::RequireAdmin(caller, "register webhooks"); !ok) {
    return std::unexpected(ok.error());
  }
  if (!ValidWebhookUrl(request.url)) {
    return BadWebhook("url must be an http:// or https:// URL with a host, at most " +
                      std::to_string(kMaxUrl) + " bytes, without spaces or credentials");
  }
  WebhookRecord hook;
  hook.url = request.url;
  for (WebhookEvent e : kAllWebhookEvents) {
    if (std::find(request.events.begin(), request.events.end(), e) != request.events.end()) {
      hook.events.push_back(e);
    }
  }
  if (hook.events.empty()) return BadWebhook("events must name at least one event");
  hook.secret = request.secret.empty() ? NewSecret() : request.secret;
  if (hook.secret.size() < kMinSecret || hook.secret.size() > kMaxSecret ||
      !PrintableAscii(hook.secret)) {
    return BadWebhook("secret must be " + std::to_string(kMinSecret) + " to " +
                      std::to_string(kMaxSecret) + " printable ASCII characters without spaces");
  }
  hook.id = NewRandomId();
  if (hook.id.empty()) return Fail(ErrorCode::kInternal, "no random source");
  hook.created_by = caller.name;
  hook.created_ms = NowMs();
  WriteScope lock(*this);
  auto existing = store_->ListWebhooks();
  if (!existing) return std::unexpected(existing.error());
  if (existing->size() >= kMaxWebhooks) {
    return BadWebhook("at most " + std::to_string(kMaxWebhooks) + " webhooks");
  }
  auto r =
      store_->PutWebhook(hook, MakeAudit("PUT_WEBHOOK", caller.name, {}, 0,
                                         internal::BeforeAfter(json::Value(), WebhookValue(hook))));
  if (!r) return std::unexpected(r.error());
  if (options_.on_webhooks_changed) options_.on_webhooks_changed();
  return hook;
}

RegistryResult<std::vector<WebhookRecord>> Service::ListWebhooks(const Principal& caller) {
  if (auto ok = internal::RequireAdmin(caller, "list webhooks"); !ok) {
    return std::unexpected(ok.error());
  }
  auto hooks = store_->ListWebhooks();
  if (!hooks) return std::unexpected(hooks.error());
  for (WebhookRecord& w : *hooks) w.secret.clear();
  return hooks;
}

RegistryResult<WebhookRecord> Service::DeleteWebhook(std::string_view id, const Principal& caller) {
  if (auto ok = internal::RequireAdmin(caller, "remove webhooks"); !ok) {
    return std::unexpected(ok.error());
  }
  WriteScope lock(*this);
  auto hooks = store_->ListWebhooks();
  if (!hooks) return std::unexpected(hooks.error());
  auto it = std::find_if(hooks->begin(), hooks->end(),
                         [&](const WebhookRecord& w) { return w.id == id; });
  if (it == hooks->end()) {
    return Fail(ErrorCode::kWebhookNotFound, "Webhook " + Quoted(id.substr(0, 64)) + " not found.");
  }
  auto r = store_->DeleteWebhook(
      it->id, MakeAudit("DELETE_WEBHOOK", caller.name, {}, 0,
                        internal::BeforeAfter(WebhookValue(*it), json::Value())));
  if (!r) return std::unexpected(r.error());
  if (options_.on_webhooks_changed) options_.on_webhooks_changed();
  return WithoutSecret(std::move(*it));
}

void Service::PublishEvent(WebhookEvent event, const json::Value& data) const {
  if (options_.on_event) options_.on_event(event, data);
}

}  // namespace accord::registry

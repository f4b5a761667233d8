// What the registry records about how it is used, beside the schemas
// themselves: who reads which schema (ReadCount, readers.h) and the webhooks
// an admin registered (WebhookRecord, webhooks.h). Plain values, stored by
// the Store (store.h) in both backends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/registry/types.h"

namespace accord::registry {

// How often one principal, through one client user agent, fetched one
// schema, and when first and last (Unix ms). The user agent kOtherUserAgent
// stands for the agents folded together once a principal had
// kMaxUserAgentsPerReader of its own for the schema (readers.h).
struct ReadCount {
  SchemaId schema_id{};
  std::string principal{};   // the authenticated principal, or "anonymous"
  std::string user_agent{};  // the User-Agent header (cut to kMaxUserAgentBytes), may be empty
  std::int64_t count = 0;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
  bool operator==(const ReadCount&) const = default;
};

// The user agent row that collects the agents a principal had beyond
// kMaxUserAgentsPerReader for one schema.
inline constexpr std::string_view kOtherUserAgent = "other";
// User agents kept apart per (schema, principal) in the store; the next ones
// are counted under kOtherUserAgent (the principal's total stays exact).
inline constexpr std::size_t kMaxUserAgentsPerReader = 16;
// A longer User-Agent header is cut to this many bytes (at a UTF-8 boundary).
inline constexpr std::size_t kMaxUserAgentBytes = 200;

// The events a webhook may subscribe to. Wire names (WebhookEventName):
//   version.created      a new version was registered
//   version.deprecated   a version was deprecated (or its deprecation changed)
//   version.retired      a deprecated version's sunset day began
//   contract.published   a service declaration (contract) was published or changed
//   deploy.check_failed  can-i-deploy answered no for an environment
enum class WebhookEvent : std::uint8_t {
  kVersionCreated,
  kVersionDeprecated,
  kVersionRetired,
  kContractPublished,
  kDeployCheckFailed,
};
inline constexpr WebhookEvent kAllWebhookEvents[] = {
    WebhookEvent::kVersionCreated, WebhookEvent::kVersionDeprecated, WebhookEvent::kVersionRetired,
    WebhookEvent::kContractPublished, WebhookEvent::kDeployCheckFailed};
std::string_view WebhookEventName(WebhookEvent e);
// Exact wire names only; nullopt for anything else.
std::optional<WebhookEvent> WebhookEventFromString(std::string_view s);

// A registered webhook: the registry POSTs each event of `events` to `url`,
// signed with `secret` (webhooks.h).
struct WebhookRecord {
  std::string id{};  // 16 lowercase hex digits, chosen by the Service
  std::string url{};
  std::vector<WebhookEvent> events{};  // distinct, in kAllWebhookEvents order
  std::string secret{};                // the HMAC-SHA256 key; never served back after creation
  std::string created_by{};
  std::int64_t created_ms = 0;
  bool operator==(const WebhookRecord&) const = default;
};

}  // namespace accord::registry

// The wire names of webhook events (usage.h): one table, both directions.
#include "accord/registry/usage.h"

namespace accord::registry {
namespace {

struct EventName {
  WebhookEvent event;
  std::string_view name;
};
constexpr EventName kEventNames[] = {
    {WebhookEvent::kVersionCreated, "version.created"},
    {WebhookEvent::kVersionDeprecated, "version.deprecated"},
    {WebhookEvent::kVersionRetired, "version.retired"},
    {WebhookEvent::kContractPublished, "contract.published"},
    {WebhookEvent::kDeployCheckFailed, "deploy.check_failed"},
};

}  // namespace

std::string_view WebhookEventName(WebhookEvent e) {
  for (const EventName& n : kEventNames) {
    if (n.event == e) return n.name;
  }
  return "unknown";
}

std::optional<WebhookEvent> WebhookEventFromString(std::string_view s) {
  for (const EventName& n : kEventNames) {
    if (n.name == s) return n.event;
  }
  return std::nullopt;
}

}  // namespace accord::registry

// Webhooks (webhooks.h, Service's usage calls): the events the Service
// announces, who may register webhooks and what is refused, the signature,
// and the bounded queue.
#include "accord/registry/webhooks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Admin;
using testing::Caller;
using testing::Json;
using testing::R;

struct Announced {
  WebhookEvent event;
  json::Value data;
};

class WebhookServiceTest : public ::testing::Test {
 protected:
  WebhookServiceTest()
      : service_(testing::OpenStoreOrDie(":memory:"),
                 ServiceOptions{.default_level = compat::Level::kNone,
                                .now_ms = [] { return std::int64_t{1'800'000'000'000}; },
                                .min_notice_days = 0,
                                .on_event =
                                    [this](WebhookEvent e, const json::Value& data) {
                                      announced_.push_back({e, data});
                                    },
                                .on_webhooks_changed = [this] { ++changes_; },
                                .checker = testing::RequiredSubsetChecker}) {}
  std::vector<Announced> announced_;
  int changes_ = 0;
  Service service_;
};

TEST_F(WebhookServiceTest, NewVersionsDeprecationsAndContractsAreAnnouncedOnce) {
  ASSERT_TRUE(service_.Register("orders", Json(R("\"a\""))));
  ASSERT_TRUE(service_.Register("orders", Json(R("\"a\""))));  // idempotent: not new
  ASSERT_EQ(announced_.size(), 1u);
  EXPECT_EQ(announced_[0].event, WebhookEvent::kVersionCreated);
  EXPECT_EQ(json::ToJson(announced_[0].data),
            R"({"subject":"orders","version":1,"id":1,"schemaType":"JSON","actor":"anonymous"})");

  const DeprecationRequest d{.sunset = "2030-01-01", .reason = "old"};
  ASSERT_TRUE(service_.Deprecate("orders", VersionSelector::Exactly(Version(1)), d));
  ASSERT_TRUE(service_.Deprecate("orders", VersionSelector::Exactly(Version(1)), d));  // same
  ASSERT_EQ(announced_.size(), 2u);
  EXPECT_EQ(announced_[1].event, WebhookEvent::kVersionDeprecated);
  EXPECT_EQ(announced_[1].data.Find("deprecation")->Find("sunset")->AsString(), "2030-01-01");

  ServiceRecord billing{.name = "billing", .owner = "team-billing"};
  ASSERT_TRUE(service_.PutServiceDeclaration(billing));
  ASSERT_TRUE(service_.PutServiceDeclaration(billing));  // unchanged
  ASSERT_EQ(announced_.size(), 3u);
  EXPECT_EQ(announced_[2].event, WebhookEvent::kContractPublished);
  EXPECT_EQ(announced_[2].data.Find("service")->AsString(), "billing");

  service_.PublishEvent(WebhookEvent::kDeployCheckFailed, json::Value(json::Object{}));
  ASSERT_EQ(announced_.size(), 4u);
  EXPECT_EQ(announced_[3].event, WebhookEvent::kDeployCheckFailed);
}

TEST_F(WebhookServiceTest, OnlyAdminsRegisterListAndRemoveWebhooks) {
  const WebhookRecord request{
      .url = "https://ci.example/hook",
      .events = {WebhookEvent::kVersionRetired, WebhookEvent::kVersionCreated,
                 WebhookEvent::kVersionCreated}};
  const Principal writer = Caller("ci", Role::kWriter, {"team"});
  EXPECT_EQ(service_.CreateWebhook(request, writer).error().code, ErrorCode::kForbidden);
  EXPECT_EQ(service_.ListWebhooks(writer).error().code, ErrorCode::kForbidden);
  auto created = service_.CreateWebhook(request, Admin("root"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->events,
            (std::vector<WebhookEvent>{WebhookEvent::kVersionCreated,
                                       WebhookEvent::kVersionRetired}));  // distinct, in order
  EXPECT_TRUE(created->secret.starts_with("whsec_"));
  EXPECT_EQ(created->id.size(), 16u);
  EXPECT_EQ(created->created_by, "root");
  EXPECT_EQ(changes_, 1);
  auto listed = service_.ListWebhooks(Admin("root"));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].secret, "");
  EXPECT_EQ(service_.DeleteWebhook(created->id, writer).error().code, ErrorCode::kForbidden);
  ASSERT_TRUE(service_.DeleteWebhook(created->id, Admin("root")));
  EXPECT_EQ(changes_, 2);
  EXPECT_EQ(service_.DeleteWebhook(created->id, Admin("root")).error().code,
            ErrorCode::kWebhookNotFound);
}

TEST_F(WebhookServiceTest, BadWebhooksAreRefusedWith42210) {
  auto refused = [&](WebhookRecord r) {
    auto got = service_.CreateWebhook(r, Admin("root"));
    return !got && got.error().code == ErrorCode::kInvalidCatalogMetadata;
  };
  const std::vector<WebhookEvent> one = {WebhookEvent::kVersionCreated};
  EXPECT_TRUE(refused({.url = "ftp://x/hook", .events = one}));
  EXPECT_TRUE(refused({.url = "http://", .events = one}));
  EXPECT_TRUE(refused({.url = "http://user:pw@host/", .events = one}));
  EXPECT_TRUE(refused({.url = "http://host/a b", .events = one}));
  EXPECT_TRUE(refused({.url = "http://host/" + std::string(3000, 'a'), .events = one}));
  EXPECT_TRUE(refused({.url = "http://host/", .events = {}}));
  EXPECT_TRUE(refused({.url = "http://host/", .events = one, .secret = "short"}));
  EXPECT_TRUE(refused({.url = "http://host/", .events = one, .secret = "has a space in it!!"}));
  EXPECT_TRUE(service_.CreateWebhook(
      {.url = "http://127.0.0.1:1/x?y=1", .events = one, .secret = "exactly-16-chars"},
      Admin("root")));
}

TEST(WebhookDispatcher, SignatureIsHmacSha256OfTimestampDotBody) {
  // Python: hmac.new(b'Jefe', b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
  EXPECT_EQ(WebhookDispatcher::Signature("Jefe", "1700000000", R"({"a":1})"),
            "sha256=fa5f6481efc59da48b19c9dc10196c9953e5651f8304b3a318b6b87d70272e0a");
}

TEST(WebhookDispatcher, AFullQueueDropsAndCounts) {
  WebhookDispatcher d([] { return RegistryResult<std::vector<WebhookRecord>>(); },
                      WebhookOptions{.queue_capacity = 2});
  for (int i = 0; i < 5; ++i) d.Publish(WebhookEvent::kVersionCreated, json::Value(i));
  const WebhookDispatcher::Stats s = d.GetStats();
  EXPECT_EQ(s.published, 2u);
  EXPECT_EQ(s.dropped, 3u);
  EXPECT_EQ(s.queued, 2u);
}

TEST(WebhookDispatcher, EventsWithNoWebhookToDeliverToAreNotQueued) {
  WebhookDispatcher d([] { return RegistryResult<std::vector<WebhookRecord>>(); },
                      WebhookOptions{.refresh_ms = 600'000});
  d.Start();
  d.Publish(WebhookEvent::kVersionCreated, json::Value(0));  // reads the (empty) list
  for (int i = 0; i < 500 && d.GetStats().queued > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  d.Stop();  // nothing delivers from here on: what is published stays queued
  ASSERT_EQ(d.GetStats().queued, 0u);
  for (int i = 1; i <= 5; ++i) d.Publish(WebhookEvent::kVersionCreated, json::Value(i));
  EXPECT_EQ(d.GetStats().published, 6u);
  EXPECT_EQ(d.GetStats().queued, 0u);
  d.HooksChanged();  // a webhook may exist now: queued until the list is read again
  d.Publish(WebhookEvent::kVersionCreated, json::Value(6));
  EXPECT_EQ(d.GetStats().queued, 1u);
}

TEST(WebhookEventNames, RoundTripAndUnknownNames) {
  for (WebhookEvent e : kAllWebhookEvents) {
    EXPECT_EQ(WebhookEventFromString(WebhookEventName(e)), e);
  }
  EXPECT_EQ(WebhookEventName(WebhookEvent::kDeployCheckFailed), "deploy.check_failed");
  EXPECT_EQ(WebhookEventFromString("Version.Created"), std::nullopt);
  EXPECT_EQ(WebhookEventFromString(""), std::nullopt);
}

}  // namespace
}  // namespace accord::registry

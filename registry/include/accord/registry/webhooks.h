// Webhook delivery: the registry POSTs each event (usage.h WebhookEvent) to
// the URLs an admin registered for it (Service::CreateWebhook), signed, with
// retries, on a thread of its own.
//
// The request (docs/catalog-api.md, "Webhooks"):
//   POST <url>
//   Content-Type: application/json
//   User-Agent: accord-webhooks
//   X-Accord-Event: version.created
//   X-Accord-Delivery: <16 hex digits; the same on every attempt>
//   X-Accord-Timestamp: <Unix seconds of this attempt>
//   X-Accord-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//   {"id": "<delivery>", "event": "version.created", "createdAt": <Unix ms>,
//    "data": {...}}
// A receiver checks the signature over the raw body with the timestamp, and
// refuses a timestamp too old (a replayed request) and a delivery id it has
// seen (a retry of one it handled).
//
// Delivery: any 2xx answer is success; anything else (another status, a
// refused connection, a timeout) is retried after retry_base_ms, then twice
// that, and so on, up to max_attempts attempts. Connecting and each read or
// write are bounded by the timeouts, so a receiver that hangs holds the
// delivery thread for at most those. Redirects are not followed.
//
// Never on the request path: Publish only takes a lock and appends to a
// bounded queue (queue_capacity events and deliveries waiting); an event
// that finds it full is dropped and counted (Stats::dropped, /metrics
// accord_webhook_events_dropped_total). Events waiting at shutdown are lost.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "accord/registry/error.h"
#include "accord/registry/service.h"
#include "accord/registry/usage.h"
#include "accord/schemas/json.h"

namespace accord::registry {

struct WebhookOptions {
  // Events plus deliveries waiting (retries included), at most.
  std::size_t queue_capacity = 1000;
  int max_attempts = 5;
  int retry_base_ms = 1000;  // doubled after each failed attempt
  int connect_timeout_ms = 2000;
  int timeout_ms = 5000;  // each read and each write of a delivery
  // The webhook list is read again after this long (a change through
  // another replica) or at once after HooksChanged().
  int refresh_ms = 5000;
  // Attempts kept for GET /accord/v1/webhooks/deliveries.
  std::size_t recent = 200;
  // Called on the delivery thread every periodic_ms (null: never), first
  // when the thread starts: accord serve checks for versions that retired
  // (RetirementWatch).
  std::function<void()> periodic = nullptr;
  int periodic_ms = 60'000;
};

// One delivery attempt, as the deliveries endpoint shows it.
struct DeliveryAttempt {
  std::string delivery{};  // the X-Accord-Delivery id
  std::string webhook{};   // WebhookRecord::id
  std::string url{};
  WebhookEvent event = WebhookEvent::kVersionCreated;
  int attempt = 1;
  int status = 0;       // the receiver's HTTP status; 0: no answer
  std::string error{};  // why it failed ("" on success)
  bool ok = false;
  bool final = false;  // no further attempt follows (delivered, or given up)
  std::int64_t at_ms = 0;
};

class WebhookDispatcher {
 public:
  using ListHooks = std::function<RegistryResult<std::vector<WebhookRecord>>()>;
  // `list` reads the registered webhooks (the Store's ListWebhooks); it is
  // called on the delivery thread only.
  WebhookDispatcher(ListHooks list, WebhookOptions options = {});
  ~WebhookDispatcher();  // Stop()
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Starts the delivery thread (events published before are kept).
  void Start();
  // Stops it; an attempt under way ends within the timeouts.
  void Stop();

  // Queues `event` for every webhook subscribed to it (see above: never
  // blocks; a full queue drops it).
  void Publish(WebhookEvent event, json::Value data);
  // The webhook list changed: read it again before the next event.
  void HooksChanged();

  // The most recent attempts, newest first.
  std::vector<DeliveryAttempt> Recent() const;
  struct Stats {
    // Events accepted: queued, or with no webhook to deliver them to.
    std::uint64_t published = 0;
    std::uint64_t dropped = 0;    // events and deliveries refused by a full queue
    std::uint64_t delivered = 0;  // deliveries answered 2xx
    std::uint64_t attempts_failed = 0;
    std::uint64_t given_up = 0;  // deliveries that failed max_attempts times
    std::size_t queued = 0;      // events and deliveries waiting now
  };
  Stats GetStats() const;

  // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body): the
  // X-Accord-Signature value.
  static std::string Signature(std::string_view secret, std::string_view timestamp,
                               std::string_view body);

 private:
  struct Event {
    WebhookEvent event;
    json::Value data;
    std::int64_t created_ms;
  };
  struct Delivery {
    std::string id;
    WebhookRecord hook;
    WebhookEvent event;
    std::string body;
    int attempt = 1;
  };
  void Run();
  // Fans `e` out to its subscribers (delivery thread; reads the list).
  void FanOut(const Event& e);
  // One attempt; the outcome recorded, the delivery rescheduled or dropped.
  void Attempt(Delivery d);
  void Remember(DeliveryAttempt a);

  ListHooks list_;
  WebhookOptions options_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::deque<Event> events_;
  std::multimap<std::int64_t, Delivery> due_;  // by due time (steady ms)
  std::deque<DeliveryAttempt> recent_;
  bool stop_ = false;
  bool hooks_stale_ = true;
  std::int64_t hooks_read_ms_ = 0;
  bool no_hooks_ = false;              // the list read at hooks_read_ms_ was empty
  std::vector<WebhookRecord> hooks_;   // delivery thread only
  std::int64_t next_periodic_ms_ = 0;  // delivery thread only
  Stats stats_;
  std::thread thread_;
};

// 16 lowercase hex digits from the system's random source (webhook and
// delivery ids).
std::string NewRandomId();

// Announces version.retired (Service::PublishEvent) for each live version
// whose sunset day began since the previous Check. The first Check only
// notes the versions retired already, so a restart announces nothing twice;
// a sunset that passes while no process runs is not announced, and each
// replica announces for itself (a receiver deduplicates by subject and
// version). Not thread-safe: one caller (the delivery thread's periodic).
class RetirementWatch {
 public:
  explicit RetirementWatch(Service& service) : service_(service) {}
  void Check();

 private:
  Service& service_;
  bool primed_ = false;
  std::vector<std::pair<std::string, std::int32_t>> retired_;  // sorted
};

}  // namespace accord::registry

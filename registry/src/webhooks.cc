// WebhookDispatcher (webhooks.h): one delivery thread, cpp-httplib's client
// (already the CLI's HTTP client; linked privately here, it never shows in a
// header), OpenSSL's HMAC.
#include "accord/registry/webhooks.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>

#include "accord/schemas/canonical.h"

namespace accord::registry {
namespace {

std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t UnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string NewRandomId() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  return json::ToHex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string WebhookDispatcher::Signature(std::string_view secret, std::string_view timestamp,
                                         std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  return "sha256=" + json::ToHex(std::string_view(reinterpret_cast<const char*>(mac.data()), len));
}

WebhookDispatcher::WebhookDispatcher(ListHooks list, WebhookOptions options)
    : list_(std::move(list)), options_(options) {}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void WebhookDispatcher::Stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
}

void WebhookDispatcher::Publish(WebhookEvent event, json::Value data) {
  {
    std::lock_guard lock(mu_);
    // No webhook, as of a list read within refresh_ms and not marked
    // stale since: FanOut would deliver the event to nobody, so the
    // delivery thread is not woken for it (it was, once per registration).
    if (no_hooks_ && !hooks_stale_ && SteadyMs() - hooks_read_ms_ < options_.refresh_ms) {
      ++stats_.published;
      return;
    }
    if (events_.size() + due_.size() >= options_.queue_capacity) {
      ++stats_.dropped;
      return;
    }
    events_.push_back(Event{event, std::move(data), UnixMs()});
    ++stats_.published;
  }
  cv_.notify_all();
}

void WebhookDispatcher::HooksChanged() {
  std::lock_guard lock(mu_);
  hooks_stale_ = true;
}

std::vector<DeliveryAttempt> WebhookDispatcher::Recent() const {
  std::lock_guard lock(mu_);
  return {recent_.begin(), recent_.end()};
}

WebhookDispatcher::Stats WebhookDispatcher::GetStats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.queued = events_.size() + due_.size();
  return s;
}

void WebhookDispatcher::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (options_.periodic && SteadyMs() >= next_periodic_ms_) {
      next_periodic_ms_ = SteadyMs() + options_.periodic_ms;
      lock.unlock();
      options_.periodic();
      lock.lock();
      continue;
    }
    if (!events_.empty()) {
      Event e = std::move(events_.front());
      events_.pop_front();
      lock.unlock();
      FanOut(e);
      lock.lock();
      continue;
    }
    if (!due_.empty() && due_.begin()->first <= SteadyMs()) {
      Delivery d = std::move(due_.begin()->second);
      due_.erase(due_.begin());
      lock.unlock();
      Attempt(std::move(d));
      lock.lock();
      continue;
    }
    std::int64_t until = due_.empty() ? -1 : due_.begin()->first;
    if (options_.periodic && (until < 0 || next_periodic_ms_ < until)) until = next_periodic_ms_;
    if (until < 0) {
      cv_.wait(lock, [this] { return stop_ || !events_.empty() || !due_.empty(); });
    } else {
      const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(until - SteadyMs(), 0));
      cv_.wait_for(lock, wait, [this] { return stop_ || !events_.empty(); });
    }
  }
}

void WebhookDispatcher::FanOut(const Event& e) {
  bool stale = false;
  {
    std::lock_guard lock(mu_);
    stale = hooks_stale_ || SteadyMs() - hooks_read_ms_ >= options_.refresh_ms;
    hooks_stale_ = false;
  }
  if (stale) {
    // On failure the last list serves (the store may be down for a moment).
    if (auto hooks = list_()) hooks_ = std::move(*hooks);
    std::lock_guard lock(mu_);
    hooks_read_ms_ = SteadyMs();
    no_hooks_ = hooks_.empty();
  }
  for (const WebhookRecord& hook : hooks_) {
    if (std::find(hook.events.begin(), hook.events.end(), e.event) == hook.events.end()) continue;
    Delivery d{NewRandomId(), hook, e.event, {}, 1};
    json::Value body{json::Object{}};
    body.Add("id", d.id);
    body.Add("event", std::string(WebhookEventName(e.event)));
    body.Add("createdAt", e.created_ms);
    body.Add("data", e.data);
    d.body = json::ToJson(body);
    std::lock_guard lock(mu_);
    // The event itself was taken off the queue: its deliveries fit when it did.
    if (events_.size() + due_.size() >= options_.queue_capacity) {
      ++stats_.dropped;
      continue;
    }
    due_.emplace(SteadyMs(), std::move(d));
  }
}

void WebhookDispatcher::Attempt(Delivery d) {
  DeliveryAttempt a{.delivery = d.id,
                    .webhook = d.hook.id,
                    .url = d.hook.url,
                    .event = d.event,
                    .attempt = d.attempt};
  // "scheme://host[:port]" and the path (with its query).
  const std::string& url = d.hook.url;
  const auto scheme_end = url.find("://");
  const auto path_at =
      scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
  const std::string origin = url.substr(0, path_at);
  const std::string path = path_at == std::string::npos ? "/" : url.substr(path_at);
  try {
    httplib::Client client(origin);
    client.set_connection_timeout(std::chrono::milliseconds(options_.connect_timeout_ms));
    client.set_read_timeout(std::chrono::milliseconds(options_.timeout_ms));
    client.set_write_timeout(std::chrono::milliseconds(options_.timeout_ms));
    client.set_follow_location(false);
    if (!client.is_valid()) {
      a.error = "invalid URL";
    } else {
      const std::string timestamp = std::to_string(UnixMs() / 1000);
      httplib::Headers headers{
          {"User-Agent", "accord-webhooks"},
          {"X-Accord-Event", std::string(WebhookEventName(d.event))},
          {"X-Accord-Delivery", d.id},
          {"X-Accord-Timestamp", timestamp},
          {"X-Accord-Signature", Signature(d.hook.secret, timestamp, d.body)},
      };
      auto res = client.Post(path, headers, d.body, "application/json");
      if (!res) {
        a.error = httplib::to_string(res.error());
      } else {
        a.status = res->status;
        a.ok = res->status >= 200 && res->status < 300;
        if (!a.ok) a.error = "HTTP " + std::to_string(res->status);
      }
    }
  } catch (const std::exception& e) {
    a.error = e.what();
  }
  a.at_ms = UnixMs();
  std::lock_guard lock(mu_);
  if (a.ok) {
    ++stats_.delivered;
    a.final = true;
  } else {
    ++stats_.attempts_failed;
    if (d.attempt >= options_.max_attempts) {
      ++stats_.given_up;
      a.final = true;
    } else {
      const std::int64_t backoff = static_cast<std::int64_t>(options_.retry_base_ms)
                                   << std::min(d.attempt - 1, 20);
      ++d.attempt;
      due_.emplace(SteadyMs() + backoff, std::move(d));
    }
  }
  recent_.push_front(std::move(a));
  while (recent_.size() > options_.recent) recent_.pop_back();
}

void RetirementWatch::Check() {
  auto calendar = service_.DeprecationCalendar();
  if (!calendar) return;  // the store is down: the next check sees them
  std::vector<std::pair<std::string, std::int32_t>> now;
  std::vector<const SchemaVersion*> versions;
  for (const CalendarEntry& e : *calendar) {
    if (e.version.state != Lifecycle::kRetired) continue;
    now.emplace_back(e.version.subject.str(), e.version.version.value());
    versions.push_back(&e.version);
  }
  if (primed_) {
    for (const SchemaVersion* v : versions) {
      const std::pair<std::string, std::int32_t> key{v->subject.str(), v->version.value()};
      if (std::binary_search(retired_.begin(), retired_.end(), key)) continue;
      json::Value data{json::Object{}};
      data.Add("subject", v->subject.str());
      data.Add("version", v->version.value());
      data.Add("id", v->id.value());
      data.Add("sunset", v->deprecation ? v->deprecation->sunset : std::string());
      service_.PublishEvent(WebhookEvent::kVersionRetired, data);
    }
  }
  std::sort(now.begin(), now.end());
  retired_ = std::move(now);
  primed_ = true;
}

}  // namespace accord::registry

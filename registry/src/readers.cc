// ReadTracker (readers.h): striped counters, drained by a background thread.
#include "accord/registry/readers.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <tuple>
#include <utility>

namespace accord::registry {
namespace {

// Printable ASCII only (a User-Agent is ASCII by RFC 9110; anything else
// would reach JSON replies and the page), at most kMaxUserAgentBytes.
std::string CleanUserAgent(std::string_view ua) {
  std::string out;
  out.reserve(std::min(ua.size(), kMaxUserAgentBytes));
  for (char c : ua) {
    if (out.size() == kMaxUserAgentBytes) break;
    out += c >= 0x20 && c < 0x7f ? c : '?';
  }
  return out;
}

}  // namespace

std::size_t ReadTracker::KeyHash::operator()(const Key& k) const {
  std::size_t h = std::hash<std::int64_t>{}(k.schema);
  h ^= std::hash<std::string>{}(k.principal) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= std::hash<std::string>{}(k.user_agent) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

ReadTracker::ReadTracker(ReadTrackerOptions options) : options_(options) {}

ReadTracker::~ReadTracker() { Stop(); }

bool ReadTracker::Add(Key&& key, std::int64_t now_ms, std::size_t limit) {
  Stripe& stripe = stripes_[KeyHash{}(key) % kStripes];
  std::lock_guard lock(stripe.mu);
  auto it = stripe.counts.find(key);
  if (it == stripe.counts.end()) {
    // Reserve a slot first: two stripes adding at once cannot both pass.
    if (entries_.fetch_add(1, std::memory_order_relaxed) >= limit) {
      entries_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    string_bytes_.fetch_add(key.principal.size() + key.user_agent.size(),
                            std::memory_order_relaxed);
    it = stripe.counts.emplace(std::move(key), Counter{0, now_ms, now_ms}).first;
  }
  Counter& c = it->second;
  ++c.count;
  c.first_ms = std::min(c.first_ms, now_ms);
  c.last_ms = std::max(c.last_ms, now_ms);
  return true;
}

void ReadTracker::Record(SchemaId id, std::string_view principal, std::string_view user_agent,
                         std::int64_t now_ms) {
  const std::size_t capacity = options_.capacity;
  Key key{id.value(), std::string(principal), CleanUserAgent(user_agent)};
  if (key.user_agent != kOtherUserAgent && Add(Key(key), now_ms, capacity)) return;
  // No room for another agent: the principal's "other" row, within the
  // headroom kept for those rows.
  if (key.user_agent != kOtherUserAgent) folded_.fetch_add(1, std::memory_order_relaxed);
  key.user_agent = std::string(kOtherUserAgent);
  if (!Add(std::move(key), now_ms, capacity + std::max<std::size_t>(capacity / 4, 1))) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }
}

std::vector<ReadCount> ReadTracker::Drain() {
  // Each stripe's map is swapped out under its lock (a short hold), then
  // converted without any lock.
  std::map<std::tuple<std::int64_t, std::string, std::string>, Counter> merged;
  for (Stripe& stripe : stripes_) {
    std::unordered_map<Key, Counter, KeyHash> taken;
    {
      std::lock_guard lock(stripe.mu);
      taken.swap(stripe.counts);
      std::size_t bytes = 0;
      for (const auto& [k, _] : taken) bytes += k.principal.size() + k.user_agent.size();
      entries_.fetch_sub(taken.size(), std::memory_order_relaxed);
      string_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    }
    for (const auto& [k, c] : taken) merged[{k.schema, k.principal, k.user_agent}] = c;
  }
  {
    std::lock_guard lock(pending_mu_);
    for (ReadCount& p : pending_) {
      auto [it, fresh] = merged.try_emplace({p.schema_id.value(), p.principal, p.user_agent},
                                            Counter{p.count, p.first_seen_ms, p.last_seen_ms});
      if (!fresh) {
        it->second.count += p.count;
        it->second.first_ms = std::min(it->second.first_ms, p.first_seen_ms);
        it->second.last_ms = std::max(it->second.last_ms, p.last_seen_ms);
      }
    }
    pending_.clear();
  }
  std::vector<ReadCount> out;
  out.reserve(merged.size());
  for (auto& [k, c] : merged) {
    out.push_back(ReadCount{.schema_id = SchemaId(std::get<0>(k)),
                            .principal = std::get<1>(k),
                            .user_agent = std::get<2>(k),
                            .count = c.count,
                            .first_seen_ms = c.first_ms,
                            .last_seen_ms = c.last_ms});
  }
  return out;
}

RegistryResult<void> ReadTracker::Flush(Store& store) {
  std::vector<ReadCount> batch = Drain();
  if (batch.empty()) return {};
  auto r = store.AddReadCounts(batch);
  if (r) {
    flushes_.fetch_add(1, std::memory_order_relaxed);
    return r;
  }
  flush_errors_.fetch_add(1, std::memory_order_relaxed);
  // Kept for the next flush, within the capacity; the rest is lost (counted).
  std::lock_guard lock(pending_mu_);
  const std::size_t keep = std::min(batch.size(), options_.capacity);
  std::uint64_t lost = 0;
  for (std::size_t i = keep; i < batch.size(); ++i)
    lost += static_cast<std::uint64_t>(batch[i].count);
  dropped_.fetch_add(lost, std::memory_order_relaxed);
  batch.resize(keep);
  pending_ = std::move(batch);
  return r;
}

void ReadTracker::StartFlushing(Store& store) {
  std::lock_guard lock(thread_mu_);
  if (flusher_.joinable()) return;
  stop_ = false;
  flusher_ = std::thread([this, &store] {
    std::unique_lock lock(thread_mu_);
    for (;;) {
      thread_cv_.wait_for(lock, std::chrono::milliseconds(options_.flush_interval_ms),
                          [this] { return stop_; });
      const bool stopping = stop_;  // a last flush either way
      lock.unlock();
      (void)Flush(store);
      lock.lock();
      if (stopping) return;
    }
  });
}

void ReadTracker::Stop() {
  std::thread t;
  {
    std::lock_guard lock(thread_mu_);
    stop_ = true;
    t = std::move(flusher_);
  }
  thread_cv_.notify_all();
  if (t.joinable()) t.join();  // its loop flushes once more after it sees stop_
}

ReadTracker::Stats ReadTracker::GetStats() const {
  Stats s;
  s.entries = entries_.load(std::memory_order_relaxed);
  s.bytes = string_bytes_.load(std::memory_order_relaxed) + s.entries * kEntryOverheadBytes;
  s.folded = folded_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  s.flushes = flushes_.load(std::memory_order_relaxed);
  s.flush_errors = flush_errors_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace accord::registry

// A bounded, thread-safe least-recently-used map (private to registry/src).
//
// The Service keeps every schema's stored record in memory (reads by id are
// served from there), but a schema's parsed form — JSON tree, Avro model,
// resolved references — is several times the size of its text and is only
// needed to check compatibility, diff versions or list fields. Those forms
// live in an Lru: the ones in use stay, the rest are parsed again on demand,
// so memory no longer grows with every schema ever registered.
//
// Values are shared_ptrs: a caller keeps what it found even if another thread
// evicts the entry meanwhile. One mutex guards the map; a lookup moves the
// entry to the front, so there is no cheaper shared-lock read path — the
// critical sections are a hash lookup and a list splice.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace accord::registry::internal {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class Lru {
 public:
  // `capacity` 0 keeps nothing (every Find misses).
  explicit Lru(std::size_t capacity) : capacity_(capacity) {}

  // The value cached for `key` (which may itself be null: callers use that
  // to remember "does not parse"), or nullopt on a miss. A hit becomes the
  // most recently used entry.
  std::optional<std::shared_ptr<const Value>> Find(const Key& key) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  // Inserts or replaces `key` as the most recently used entry, evicting the
  // least recently used ones beyond the capacity.
  void Put(const Key& key, std::shared_ptr<const Value> value) {
    if (capacity_ == 0) return;
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    while (index_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return index_.size();
  }
  std::size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<Key, std::shared_ptr<const Value>>;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_;
};

}  // namespace accord::registry::internal

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
#include <limits>
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
  // `capacity` 0 keeps nothing (every Find misses). `max_weight` bounds the
  // sum of the entries' weights (Put's `weight`: what the caller estimates
  // an entry costs, in bytes for the parsed-schema cache) as well.
  explicit Lru(std::size_t capacity,
               std::size_t max_weight = std::numeric_limits<std::size_t>::max())
      : capacity_(capacity), max_weight_(max_weight) {}

  // The value cached for `key` (which may itself be null: callers use that
  // to remember "does not parse"), or nullopt on a miss. A hit becomes the
  // most recently used entry.
  std::optional<std::shared_ptr<const Value>> Find(const Key& key) {
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  // Inserts or replaces `key` as the most recently used entry, evicting the
  // least recently used ones beyond the capacity or the weight. An entry
  // heavier than max_weight on its own is not kept.
  void Put(const Key& key, std::shared_ptr<const Value> value, std::size_t weight = 0) {
    if (capacity_ == 0 || weight > max_weight_) return;
    std::lock_guard lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      weight_ -= it->second->weight;
      it->second->value = std::move(value);
      it->second->weight = weight;
      weight_ += weight;
      order_.splice(order_.begin(), order_, it->second);
    } else {
      order_.push_front(Entry{key, std::move(value), weight});
      index_.emplace(key, order_.begin());
      weight_ += weight;
    }
    while (index_.size() > capacity_ || weight_ > max_weight_) {
      weight_ -= order_.back().weight;
      index_.erase(order_.back().key);
      order_.pop_back();
    }
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return index_.size();
  }
  std::size_t capacity() const { return capacity_; }
  // The sum of the kept entries' weights.
  std::size_t weight() const {
    std::lock_guard lock(mu_);
    return weight_;
  }

 private:
  struct Entry {
    Key key;
    std::shared_ptr<const Value> value;
    std::size_t weight;
  };
  const std::size_t capacity_;
  const std::size_t max_weight_;
  mutable std::mutex mu_;
  std::size_t weight_ = 0;  // of the entries in order_
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_;
};

}  // namespace accord::registry::internal

// A hash map and a hash set in one flat table each, for the per-member
// lookups of big schemas (issue #15: enum symbols and values, names, the
// compatibility checker's indexes): FlatMap<K, V, Hash, Eq>,
// FlatSet<T, Hash, Eq>, and StringViewSet = FlatSet<std::string_view>.
//
// Open addressing with linear probing; each slot holds the key's hash, the
// key and (FlatMap) a small value. A key is a string view or a pointer whose
// Hash and Eq look at what it points to (the caller keeps what keys refer to
// alive and unchanged while the table lives), or a small owning value such as
// a vector of ids (moved when the table grows). Why not std::unordered_set: it
// allocates a node per entry, and once a table of 100,000 names outgrows
// the caches each lookup costs a miss on the bucket, one on the node and one
// on the string (the time of a 1 MB enum's diff grew by 8^1.65 from n to 8n
// while its instructions grew by 8x). Here a lookup reads one run of
// adjacent slots and the string only when the full hashes are equal, and
// building the set allocates once. The bulk operations (the range
// constructor, ForEachAbsent) and Prefetch() start loading the slot of the
// string a few positions ahead, so that the misses of a table larger than
// the caches overlap instead of adding up.
//
// Not thread-safe for writes; concurrent Contains()/Find() calls are fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace accord {

// The table itself: a map from K to a small V (kept in the slots, so an
// insert may move every value: hold no pointer into the map across one).
template <typename K, typename V, typename Hash = std::hash<K>, typename Eq = std::equal_to<K>>
class FlatMap {
 public:
  // The value of `key`, or nullptr.
  V* Find(const K& key) { return FindTagged(key, Tag(key)); }
  const V* Find(const K& key) const {
    return const_cast<FlatMap*>(this)->FindTagged(key, Tag(key));
  }

  // The value of `key`, inserting `value` first when the map has none; the
  // flag says whether it was inserted.
  std::pair<V*, bool> Insert(const K& key, V value) {
    if (2 * (size_ + 1) > slots_.size()) Rehash(slots_.empty() ? 16 : 2 * slots_.size());
    return InsertTagged(key, Tag(key), std::move(value));
  }

  // Starts loading the slot a lookup of `key` reads first (for a loop that
  // looks up the keys of a list in order: prefetch the one a few positions
  // on).
  void Prefetch(const K& key) const {
    if (size_ != 0) __builtin_prefetch(&slots_[Home(Tag(key))]);
  }

  // Room for `n` entries without growing.
  void Reserve(std::size_t n) {
    std::size_t capacity = 16;
    while (capacity < 2 * n) capacity *= 2;  // load factor <= 1/2
    if (capacity > slots_.size()) Rehash(capacity);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 protected:
  struct Slot {
    std::uint64_t tag = 0;  // the hash with its top bit set; 0 = empty
    K key{};
    [[no_unique_address]] V value{};
  };

  static constexpr std::size_t kAhead = 8;  // how far ahead the bulk operations prefetch

  static std::uint64_t Tag(const K& key) {
    // Mixed, so that a hash weak in its low bits (the ones that pick the
    // slot) still spreads the keys.
    std::uint64_t h = static_cast<std::uint64_t>(Hash{}(key));
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return h | (1ull << 63);
  }
  std::size_t Home(std::uint64_t tag) const {
    return static_cast<std::size_t>(tag) & (slots_.size() - 1);
  }
  void PrefetchTag(std::uint64_t tag, int for_write) const {
    if (size_ == 0 && for_write == 0) return;
    if (for_write != 0) {
      __builtin_prefetch(&slots_[Home(tag)], 1);
    } else {
      __builtin_prefetch(&slots_[Home(tag)]);
    }
  }

  // (there is room: the callers grow the table first)
  std::pair<V*, bool> InsertTagged(const K& key, std::uint64_t tag, V value) {
    for (std::size_t i = Home(tag);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.tag == 0) {
        slot.tag = tag;
        slot.key = key;
        slot.value = std::move(value);
        ++size_;
        return {&slot.value, true};
      }
      if (slot.tag == tag && Eq{}(slot.key, key)) return {&slot.value, false};
    }
  }

  V* FindTagged(const K& key, std::uint64_t tag) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = Home(tag);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.tag == 0) return nullptr;
      if (slot.tag == tag && Eq{}(slot.key, key)) return &slot.value;
    }
  }

  void Rehash(std::size_t capacity) {  // capacity: a power of two
    std::vector<Slot> old = std::move(slots_);
    slots_.clear();
    slots_.resize(capacity);
    for (Slot& slot : old) {
      if (slot.tag == 0) continue;
      std::size_t i = static_cast<std::size_t>(slot.tag) & (capacity - 1);
      while (slots_[i].tag != 0) i = (i + 1) & (capacity - 1);
      slots_[i] = std::move(slot);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

namespace flat_internal {
struct Nothing {};
}  // namespace flat_internal

template <typename T, typename Hash = std::hash<T>, typename Eq = std::equal_to<T>>
class FlatSet : private FlatMap<T, flat_internal::Nothing, Hash, Eq> {
  using Base = FlatMap<T, flat_internal::Nothing, Hash, Eq>;

 public:
  FlatSet() = default;
  // A set of the keys in [first, last) (repeats kept once; random access
  // iterators).
  template <typename It>
  FlatSet(It first, It last) {
    const auto n = static_cast<std::size_t>(last - first);
    Base::Reserve(n);
    std::vector<std::uint64_t> tags(n);
    for (std::size_t k = 0; k < n; ++k) tags[k] = Base::Tag(first[k]);
    for (std::size_t k = 0; k < n; ++k) {
      if (k + Base::kAhead < n) Base::PrefetchTag(tags[k + Base::kAhead], 1);
      Base::InsertTagged(first[k], tags[k], {});
    }
  }

  // Calls fn(key) for each key of `keys` (a random access range) the set
  // does not hold, in order.
  template <typename Range, typename Fn>
  void ForEachAbsent(const Range& keys, Fn&& fn) const {
    constexpr std::size_t kAhead = Base::kAhead;
    const std::size_t n = std::size(keys);
    std::uint64_t ahead[kAhead];  // the tags of keys k .. k + kAhead - 1, by k % kAhead
    for (std::size_t k = 0; k < n && k < kAhead; ++k) ahead[k] = Base::Tag(keys[k]);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t tag = ahead[k % kAhead];
      if (k + kAhead < n) {
        ahead[k % kAhead] = Base::Tag(keys[k + kAhead]);
        Base::PrefetchTag(ahead[k % kAhead], 0);
      }
      if (const_cast<FlatSet*>(this)->FindTagged(keys[k], tag) == nullptr) fn(keys[k]);
    }
  }

  using Base::empty;
  using Base::Prefetch;
  using Base::Reserve;
  using Base::size;

  // Adds `key`; false when the set already holds an equal key.
  bool Insert(const T& key) { return Base::Insert(key, {}).second; }
  bool Contains(const T& key) const { return Base::Find(key) != nullptr; }
};

using StringViewSet = FlatSet<std::string_view>;

}  // namespace accord

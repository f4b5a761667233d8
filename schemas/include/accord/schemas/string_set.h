// A set of string views in one flat table, for the per-member lookups of
// big schemas (issue #15: enum symbols, names).
//
// Open addressing with linear probing; each slot holds the string's hash and
// its view (the caller owns the strings and keeps them alive and unchanged
// while the set lives). Why not std::unordered_set<std::string_view>: it
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
// Not thread-safe for writes; concurrent Contains() calls are fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace accord {

class StringViewSet {
 public:
  StringViewSet() = default;
  // A set of the views in [first, last) (repeats kept once; random access
  // iterators).
  template <typename It>
  StringViewSet(It first, It last) {
    const auto n = static_cast<std::size_t>(last - first);
    Reserve(n);
    std::vector<std::uint64_t> tags(n);
    for (std::size_t k = 0; k < n; ++k) tags[k] = Tag(first[k]);
    for (std::size_t k = 0; k < n; ++k) {
      if (k + kAhead < n) __builtin_prefetch(&slots_[Home(tags[k + kAhead])], 1);
      InsertTagged(first[k], tags[k]);
    }
  }

  // Calls fn(view) for each view of `views` (a random access range of
  // string views) the set does not hold, in order.
  template <typename Range, typename Fn>
  void ForEachAbsent(const Range& views, Fn&& fn) const {
    const std::size_t n = std::size(views);
    std::uint64_t ahead[kAhead];  // the tags of views k .. k + kAhead - 1, by k % kAhead
    for (std::size_t k = 0; k < n && k < kAhead; ++k) ahead[k] = Tag(views[k]);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t tag = ahead[k % kAhead];
      if (k + kAhead < n) {
        ahead[k % kAhead] = Tag(views[k + kAhead]);
        if (size_ != 0) __builtin_prefetch(&slots_[Home(ahead[k % kAhead])]);
      }
      if (!ContainsTagged(views[k], tag)) fn(views[k]);
    }
  }

  // Starts loading the slot a lookup of `s` reads first (for a loop that
  // looks up the strings of a list in order: prefetch the one a few
  // positions on).
  void Prefetch(std::string_view s) const {
    if (size_ != 0) __builtin_prefetch(&slots_[Home(Tag(s))]);
  }

  // Room for `n` entries without growing.
  void Reserve(std::size_t n) {
    std::size_t capacity = 16;
    while (capacity < 2 * n) capacity *= 2;  // load factor <= 1/2
    if (capacity > slots_.size()) Rehash(capacity);
  }

  // Adds `s`; false when the set already holds an equal string.
  bool Insert(std::string_view s) {
    if (2 * (size_ + 1) > slots_.size()) Rehash(slots_.empty() ? 16 : 2 * slots_.size());
    return InsertTagged(s, Tag(s));
  }

  bool Contains(std::string_view s) const { return ContainsTagged(s, Tag(s)); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    std::uint64_t tag = 0;  // the hash with its top bit set; 0 = empty
    std::string_view view;
  };

  static constexpr std::size_t kAhead = 8;  // how far ahead the bulk operations prefetch

  static std::uint64_t Tag(std::string_view s) {
    return static_cast<std::uint64_t>(std::hash<std::string_view>{}(s)) | (1ull << 63);
  }
  std::size_t Home(std::uint64_t tag) const {
    return static_cast<std::size_t>(tag) & (slots_.size() - 1);
  }

  // (there is room: the callers grow the table first)
  bool InsertTagged(std::string_view s, std::uint64_t tag) {
    for (std::size_t i = Home(tag);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& slot = slots_[i];
      if (slot.tag == 0) {
        slot = Slot{tag, s};
        ++size_;
        return true;
      }
      if (slot.tag == tag && slot.view == s) return false;
    }
  }

  bool ContainsTagged(std::string_view s, std::uint64_t tag) const {
    if (size_ == 0) return false;
    for (std::size_t i = Home(tag);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[i];
      if (slot.tag == 0) return false;
      if (slot.tag == tag && slot.view == s) return true;
    }
  }

  void Rehash(std::size_t capacity) {  // capacity: a power of two
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    for (const Slot& slot : old) {
      if (slot.tag == 0) continue;
      std::size_t i = static_cast<std::size_t>(slot.tag) & (capacity - 1);
      while (slots_[i].tag != 0) i = (i + 1) & (capacity - 1);
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace accord

// The bounded LRU map that holds parsed schemas (registry/src/lru.h).
#include "lru.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace accord::registry::internal {
namespace {

using Cache = Lru<int, std::string>;

std::shared_ptr<const std::string> Str(const char* s) {
  return std::make_shared<const std::string>(s);
}

TEST(LruTest, MissThenHit) {
  Cache c(2);
  EXPECT_FALSE(c.Find(1).has_value());
  c.Put(1, Str("one"));
  auto hit = c.Find(1);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(**hit, "one");
}

TEST(LruTest, EvictsTheLeastRecentlyUsed) {
  Cache c(2);
  c.Put(1, Str("one"));
  c.Put(2, Str("two"));
  ASSERT_TRUE(c.Find(1).has_value());  // 2 is now the least recently used
  c.Put(3, Str("three"));
  EXPECT_EQ(c.size(), 2U);
  EXPECT_TRUE(c.Find(1).has_value());
  EXPECT_FALSE(c.Find(2).has_value());
  EXPECT_TRUE(c.Find(3).has_value());
}

TEST(LruTest, PutReplacesAndRefreshes) {
  Cache c(2);
  c.Put(1, Str("one"));
  c.Put(2, Str("two"));
  c.Put(1, Str("uno"));  // 2 is now the least recently used
  c.Put(3, Str("three"));
  EXPECT_EQ(**c.Find(1), "uno");
  EXPECT_FALSE(c.Find(2).has_value());
}

TEST(LruTest, NullValueIsAHit) {
  Cache c(1);
  c.Put(7, nullptr);
  auto hit = c.Find(7);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, nullptr);
}

TEST(LruTest, CapacityZeroKeepsNothing) {
  Cache c(0);
  c.Put(1, Str("one"));
  EXPECT_FALSE(c.Find(1).has_value());
  EXPECT_EQ(c.size(), 0U);
}

TEST(LruTest, EvictedValueStaysValidForItsHolder) {
  Cache c(1);
  c.Put(1, Str("one"));
  std::shared_ptr<const std::string> held = *c.Find(1);
  c.Put(2, Str("two"));
  EXPECT_FALSE(c.Find(1).has_value());
  EXPECT_EQ(*held, "one");
}

TEST(LruTest, WeightBoundEvictsTheLeastRecentlyUsedUntilTheSumFits) {
  Cache c(100, 10);  // 100 entries, weight 10
  c.Put(1, Str("one"), 4);
  c.Put(2, Str("two"), 4);
  EXPECT_EQ(c.weight(), 8U);
  c.Put(3, Str("three"), 4);  // 12 > 10: 1 goes
  EXPECT_EQ(c.size(), 2U);
  EXPECT_EQ(c.weight(), 8U);
  EXPECT_FALSE(c.Find(1).has_value());
  EXPECT_TRUE(c.Find(2).has_value());
  EXPECT_TRUE(c.Find(3).has_value());
  // Replacing an entry replaces its weight.
  c.Put(2, Str("two again"), 1);
  EXPECT_EQ(c.weight(), 5U);
  EXPECT_EQ(c.size(), 2U);
}

TEST(LruTest, AnEntryHeavierThanTheBoundIsNotKept) {
  Cache c(100, 10);
  c.Put(1, Str("one"), 3);
  c.Put(2, Str("huge"), 11);
  EXPECT_FALSE(c.Find(2).has_value());
  EXPECT_TRUE(c.Find(1).has_value());  // and nothing was evicted for it
  EXPECT_EQ(c.weight(), 3U);
}

}  // namespace
}  // namespace accord::registry::internal

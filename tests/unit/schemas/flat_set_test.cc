// StringViewSet and FlatMap (accord/schemas/flat_set.h): the flat tables
// behind the per-member lookups of big schemas (issue #15).
#include "accord/schemas/flat_set.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace accord {
namespace {

struct VectorHash {
  std::size_t operator()(const std::vector<unsigned>& v) const noexcept {
    std::size_t h = v.size();
    for (unsigned x : v) h = h * 31 + x;
    return h;
  }
};

TEST(StringViewSet, InsertRefusesARepeatAndContainsFindsEveryEntry) {
  StringViewSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.Contains("a"));
  EXPECT_TRUE(set.Insert("a"));
  EXPECT_TRUE(set.Insert(""));
  EXPECT_TRUE(set.Insert("ab"));
  EXPECT_FALSE(set.Insert("a"));
  EXPECT_FALSE(set.Insert(""));
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.Contains("a"));
  EXPECT_TRUE(set.Contains(""));
  EXPECT_TRUE(set.Contains("ab"));
  EXPECT_FALSE(set.Contains("b"));
  EXPECT_FALSE(set.Contains("abc"));
}

TEST(StringViewSet, GrowsPastItsFirstTableAndKeepsEveryEntry) {
  std::vector<std::string> names;
  for (int i = 0; i < 10'000; ++i) names.push_back("S" + std::to_string(i));
  StringViewSet set;
  for (const std::string& n : names) EXPECT_TRUE(set.Insert(n));
  EXPECT_EQ(set.size(), names.size());
  for (const std::string& n : names) EXPECT_TRUE(set.Contains(n)) << n;
  for (const std::string& n : names) EXPECT_FALSE(set.Insert(n)) << n;
  EXPECT_FALSE(set.Contains("S10000"));
  EXPECT_FALSE(set.Contains("S-1"));
}

TEST(StringViewSet, RangeConstructorKeepsRepeatsOnce) {
  const std::vector<std::string_view> views{"x", "y", "x", "z", "y"};
  const StringViewSet set(views.begin(), views.end());
  EXPECT_EQ(set.size(), 3u);
  EXPECT_TRUE(set.Contains("x"));
  EXPECT_TRUE(set.Contains("y"));
  EXPECT_TRUE(set.Contains("z"));
  EXPECT_FALSE(set.Contains("w"));
}

TEST(StringViewSet, ForEachAbsentListsTheMissingViewsInOrder) {
  std::vector<std::string> held, probe;
  for (int i = 0; i < 1'000; ++i) held.push_back("S" + std::to_string(i));
  // Every third one missing, more than the prefetch distance apart and close together.
  std::vector<std::string> expected;
  for (int i = 0; i < 1'500; ++i) {
    probe.push_back("S" + std::to_string(i * 3 % 1'500));
    if (i * 3 % 1'500 >= 1'000) expected.push_back(probe.back());
  }
  const std::vector<std::string_view> held_views(held.begin(), held.end());
  const std::vector<std::string_view> probe_views(probe.begin(), probe.end());
  const StringViewSet set(held_views.begin(), held_views.end());
  std::vector<std::string> absent;
  set.ForEachAbsent(probe_views, [&](std::string_view s) { absent.emplace_back(s); });
  EXPECT_EQ(absent, expected);
  // An empty set: everything is absent; an empty list: nothing.
  const StringViewSet none;
  std::vector<std::string> all;
  none.ForEachAbsent(std::vector<std::string_view>{"a", "b"},
                     [&](std::string_view s) { all.emplace_back(s); });
  EXPECT_EQ(all, (std::vector<std::string>{"a", "b"}));
  set.ForEachAbsent(std::vector<std::string_view>{}, [&](std::string_view) { FAIL(); });
}

TEST(FlatMap, InsertKeepsTheFirstValueAndFindReturnsIt) {
  FlatMap<std::string_view, int> map;
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.Find("a"), nullptr);
  auto [a, a_new] = map.Insert("a", 1);
  EXPECT_TRUE(a_new);
  EXPECT_EQ(*a, 1);
  auto [again, again_new] = map.Insert("a", 2);
  EXPECT_FALSE(again_new);
  EXPECT_EQ(*again, 1);
  *again = 3;  // the returned pointer is the stored value
  ASSERT_NE(map.Find("a"), nullptr);
  EXPECT_EQ(*map.Find("a"), 3);
  EXPECT_EQ(map.Find("b"), nullptr);
  EXPECT_EQ(map.size(), 1u);
}

TEST(FlatMap, OwningKeysSurviveGrowthWithTheirValues) {
  // Keys that own their storage (the checker's conjunctions of node ids) are
  // moved when the table grows; every key must still find its own value.
  FlatMap<std::vector<unsigned>, std::size_t, VectorHash> map;
  for (unsigned i = 0; i < 5'000; ++i) {
    EXPECT_TRUE(map.Insert({i, i + 1, i % 7}, i).second);
  }
  EXPECT_EQ(map.size(), 5'000u);
  for (unsigned i = 0; i < 5'000; ++i) {
    const std::size_t* v = map.Find({i, i + 1, i % 7});
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(*v, i);
  }
  EXPECT_EQ(map.Find({1, 2}), nullptr);
  EXPECT_EQ(map.Find({}), nullptr);
}

}  // namespace
}  // namespace accord

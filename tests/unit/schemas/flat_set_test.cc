// StringViewSet (accord/schemas/flat_set.h): the flat set of string views
// behind the per-symbol lookups of big Avro enums (issue #15).
#include "accord/schemas/flat_set.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace accord {
namespace {

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

}  // namespace
}  // namespace accord

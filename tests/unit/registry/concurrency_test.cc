// Concurrent registrations against one Service over a file-backed SQLite store.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Json;
using testing::R;

TEST(ServiceConcurrency, FiftyClientsRegisteringOneSchemaGetOneVersionAndOneId) {
  testing::TempDir dir;
  Service service(testing::OpenStoreOrDie(dir.File("db")),
                  ServiceOptions{.checker = testing::RequiredSubsetChecker});
  constexpr int kThreads = 50;
  std::vector<RegistryResult<Registered>> results(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] { results[i] = service.Register("orders", Json(R("\"a\""))); });
    }
  }
  std::set<std::int64_t> ids;
  std::set<int> versions;
  int created = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    ids.insert(r->id.value());
    versions.insert(r->version.value());
    created += r->created ? 1 : 0;
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(versions, std::set<int>{1});
  EXPECT_EQ(created, 1);
  EXPECT_EQ(service.ListVersions("orders")->size(), 1u);
}

TEST(ServiceConcurrency, DifferentSchemasInterleaveWithoutGapsOrDuplicateVersions) {
  testing::TempDir dir;
  Service service(testing::OpenStoreOrDie(dir.File("db")),
                  ServiceOptions{.default_level = compat::Level::kNone,
                                 .checker = testing::RequiredSubsetChecker});
  constexpr int kThreads = 20;
  std::vector<RegistryResult<Registered>> results(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        results[i] = service.Register("orders", Json(R("\"f" + std::to_string(i) + "\"")));
      });
    }
  }
  std::set<std::int64_t> ids;
  std::set<int> versions;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    ids.insert(r->id.value());
    versions.insert(r->version.value());
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(versions.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(*versions.begin(), 1);
  EXPECT_EQ(*versions.rbegin(), kThreads);
}

}  // namespace
}  // namespace accord::registry

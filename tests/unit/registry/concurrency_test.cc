// Concurrent registrations against one Service over a file-backed SQLite store.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "accord/registry/fault_injection_store.h"
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

// Group commit (store.h, the SQLite store): registrations that overlap
// share commits.

// A Service over an SQLite store at `path` whose commits fail while
// `fail_commits` is set (SqliteOptions::fail_at, step "commit").
struct CommitFaults {
  CommitFaults(const std::string& path, ServiceOptions options)
      : service(Open(path, fail_commits), std::move(options)) {}

  std::atomic<bool> fail_commits{false};
  Service service;

 private:
  static std::unique_ptr<Store> Open(const std::string& path, std::atomic<bool>& fail) {
    auto s = OpenSqliteStore(SqliteOptions{.path = path, .fail_at = [&fail](std::string_view step) {
                                             return step == "commit" && fail.load();
                                           }});
    if (!s) std::abort();
    return std::move(*s);
  }
};

// Registers `per_thread` versions into a subject of each of `threads` threads.
void RegisterFromThreads(Service& service, int threads, int per_thread,
                         std::vector<RegistryResult<Registered>>& results) {
  results.assign(static_cast<std::size_t>(threads * per_thread), RegistryResult<Registered>{});
  std::vector<std::jthread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        results[static_cast<std::size_t>(t * per_thread + i)] =
            service.Register("s" + std::to_string(t), Json(R("\"f" + std::to_string(i) + "\"")));
      }
    });
  }
}

// Rule: while one commit is in progress, the registrations that arrive
// wait for it and then share the next commit. Each commit is made slow
// (5 ms, in the store's fail_at seam, which then lets it succeed), so the
// eight threads' registrations overlap and must be grouped: without group
// commit every registration would take a commit of its own (the count the
// other test can only bound).
TEST(ServiceGroupCommit, SlowCommitsAreSharedByOverlappingRegistrations) {
  testing::TempDir dir;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  auto store =
      OpenSqliteStore(SqliteOptions{.path = dir.File("db"), .fail_at = [](std::string_view step) {
                                      if (step == "commit")
                                        std::this_thread::sleep_for(std::chrono::milliseconds(5));
                                      return false;
                                    }});
  ASSERT_TRUE(store) << store.error().message;
  Service service(std::move(*store), ServiceOptions{.default_level = compat::Level::kNone,
                                                    .checker = testing::RequiredSubsetChecker});
  std::vector<RegistryResult<Registered>> results;
  RegisterFromThreads(service, kThreads, kPerThread, results);
  for (const auto& r : results) ASSERT_TRUE(r) << r.error().message;
  const Service::Counters counters = service.GetCounters();
  EXPECT_EQ(counters.store_writes_committed, static_cast<std::uint64_t>(kThreads * kPerThread));
  // 80 overlapping registrations: on average at least two per commit.
  EXPECT_LE(counters.store_commits, static_cast<std::uint64_t>(kThreads * kPerThread / 2))
      << counters.store_commits << " commits for " << kThreads * kPerThread << " registrations";
}

TEST(ServiceGroupCommit, EveryAcknowledgedRegistrationIsInTheStoreAfterReopening) {
  testing::TempDir dir;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<RegistryResult<Registered>> results;
  std::uint64_t groups = 0;
  {
    Service service(testing::OpenStoreOrDie(dir.File("db")),
                    ServiceOptions{.default_level = compat::Level::kNone,
                                   .checker = testing::RequiredSubsetChecker});
    RegisterFromThreads(service, kThreads, kPerThread, results);
    const Service::Counters counters = service.GetCounters();
    groups = counters.store_commits;
    EXPECT_EQ(counters.store_writes_committed, static_cast<std::uint64_t>(kThreads * kPerThread));
  }
  // At most one commit per registration (fewer when they overlapped; that
  // they do is shown by SlowCommitsAreSharedByOverlappingRegistrations).
  EXPECT_GE(groups, 1U);
  EXPECT_LE(groups, static_cast<std::uint64_t>(kThreads * kPerThread));
  Service reopened(testing::OpenStoreOrDie(dir.File("db")),
                   ServiceOptions{.checker = testing::RequiredSubsetChecker});
  std::set<std::int64_t> ids;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const auto& r = results[static_cast<std::size_t>(t * kPerThread + i)];
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->version.value(), i + 1);
      ids.insert(r->id.value());
      auto stored =
          reopened.GetVersion("s" + std::to_string(t), VersionSelector::Exactly(r->version));
      ASSERT_TRUE(stored) << stored.error().message;
      EXPECT_EQ(stored->id, r->id);
      EXPECT_EQ(stored->schema, R("\"f" + std::to_string(i) + "\""));
    }
  }
  // Each thread registers the same kPerThread texts: one id per text.
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kPerThread));
}

TEST(ServiceGroupCommit, AFailedGroupCommitFailsItsRegistrationsAndLeavesNothing) {
  testing::TempDir dir;
  CommitFaults faulty(dir.File("db"), ServiceOptions{.default_level = compat::Level::kNone,
                                                     .checker = testing::RequiredSubsetChecker});
  Service& service = faulty.service;
  faulty.fail_commits = true;
  std::vector<RegistryResult<Registered>> results;
  RegisterFromThreads(service, 4, 5, results);
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kStoreError);
  }
  // Nothing of the failed groups is visible, neither in the store nor in the
  // caches (schema 1 was written, read back and lost with its group).
  EXPECT_FALSE(service.GetSchema(SchemaId(1)));
  EXPECT_FALSE(service.ListVersions("s0"));
  faulty.fail_commits = false;
  auto again = service.Register("s0", Json(R("\"later\"")));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->version.value(), 1);
  EXPECT_EQ(again->id.value(), 1);
  EXPECT_EQ(service.GetSchema(SchemaId(1))->text, R("\"later\""));
}

TEST(ServiceGroupCommit, AFailedGroupLeavesNothingCachedOfWhatItsMembersReadBack) {
  // Concurrent compatible versions of one subject: a registration checked
  // against a version staged earlier in its group reads that version's
  // schema back; when the group fails, no cache may keep it.
  testing::TempDir dir;
  CommitFaults faulty(dir.File("db"), ServiceOptions{.checker = testing::RequiredSubsetChecker});
  faulty.fail_commits = true;
  Service& service = faulty.service;
  constexpr int kThreads = 8;
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < kThreads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = 0; i < 5; ++i) {
          const std::string title = ",\"title\":\"" + std::to_string(t * 5 + i) + "\"";
          auto r = service.Register("orders", Json(R("\"a\"", title)));
          EXPECT_FALSE(r);
        }
      });
    }
  }
  for (int id = 1; id <= kThreads * 5; ++id) EXPECT_FALSE(service.GetSchema(SchemaId(id))) << id;
  EXPECT_FALSE(service.ListVersions("orders"));
}

TEST(ServiceGroupCommit, NoReplyAcknowledgesAVersionItsGroupFailedToCommit) {
  // Clients registering one schema at once: the first writes version 1, the
  // others find it (perhaps only written in their group so far) and may
  // answer with it only once it is durable. No group commits here, so no
  // registration may succeed.
  testing::TempDir dir;
  CommitFaults faulty(dir.File("db"), ServiceOptions{.checker = testing::RequiredSubsetChecker});
  faulty.fail_commits = true;
  Service& service = faulty.service;
  constexpr int kThreads = 16;
  std::vector<RegistryResult<Registered>> results(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        for (int round = 0; round < 5; ++round) {
          results[i] = service.Register("orders", Json(R("\"a\"")));
          if (results[i]) return;
        }
      });
    }
  }
  for (const auto& r : results) {
    ASSERT_FALSE(r) << "acknowledged version " << r->version.value() << " that is not durable";
  }
  EXPECT_FALSE(service.ListVersions("orders"));
}

TEST(ServiceGroupCommit, OtherWritesInterleaveWithGroupedRegistrations) {
  testing::TempDir dir;
  Service service(testing::OpenStoreOrDie(dir.File("db")),
                  ServiceOptions{.default_level = compat::Level::kNone,
                                 .checker = testing::RequiredSubsetChecker});
  std::vector<RegistryResult<Registered>> results;
  std::vector<RegistryResult<ConfigRecord>> configs(50);
  {
    std::jthread config_writer([&] {
      for (std::size_t i = 0; i < configs.size(); ++i) {
        ConfigRecord c;
        c.level = compat::Level::kNone;
        c.policy = i % 2 == 0 ? compat::Policy::kStrict : compat::Policy::kLenient;
        configs[i] = service.SetConfig("s" + std::to_string(i % 4), c);
      }
    });
    RegisterFromThreads(service, 4, 20, results);
  }
  for (const auto& r : results) ASSERT_TRUE(r) << r.error().message;
  for (const auto& c : configs) ASSERT_TRUE(c) << c.error().message;
  Service reopened(testing::OpenStoreOrDie(dir.File("db")),
                   ServiceOptions{.checker = testing::RequiredSubsetChecker});
  for (int t = 0; t < 4; ++t) {
    auto versions = reopened.ListVersions("s" + std::to_string(t));
    ASSERT_TRUE(versions) << versions.error().message;
    EXPECT_EQ(versions->size(), 20U);
  }
}

}  // namespace
}  // namespace accord::registry

// ReadTracker (readers.h): exact counts, bounded memory, flushing.
#include "accord/registry/readers.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "accord/registry/fault_injection_store.h"
#include "test_util.h"

namespace accord::registry {
namespace {

std::int64_t Total(const std::vector<ReadCount>& rows, const std::string& principal) {
  std::int64_t n = 0;
  for (const ReadCount& r : rows) {
    if (r.principal == principal) n += r.count;
  }
  return n;
}

TEST(ReadTracker, CountsEachPrincipalAndAgentWithFirstAndLastSeen) {
  ReadTracker t;
  t.Record(SchemaId(1), "ci", "java/1", 100);
  t.Record(SchemaId(1), "ci", "java/1", 50);
  t.Record(SchemaId(1), "ci", "java/1", 300);
  t.Record(SchemaId(1), "anonymous", "", 200);
  t.Record(SchemaId(2), "ci", "java/1", 10);
  EXPECT_EQ(t.Drain(), (std::vector<ReadCount>{
                           {SchemaId(1), "anonymous", "", 1, 200, 200},
                           {SchemaId(1), "ci", "java/1", 3, 50, 300},
                           {SchemaId(2), "ci", "java/1", 1, 10, 10},
                       }));
  EXPECT_TRUE(t.Drain().empty());  // drained
  EXPECT_EQ(t.GetStats().entries, 0u);
  EXPECT_EQ(t.GetStats().bytes, 0u);
}

TEST(ReadTracker, UserAgentsAreCutAndStrippedToPrintableAscii) {
  ReadTracker t;
  t.Record(SchemaId(1), "p", std::string(1000, 'a'), 1);
  t.Record(SchemaId(1), "p", "bad\x01\n\xc3\xa9", 1);
  auto rows = t.Drain();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].user_agent, std::string(kMaxUserAgentBytes, 'a'));
  EXPECT_EQ(rows[1].user_agent, "bad????");
}

// 100,000 distinct fake user agents: the table holds at most its capacity
// (plus the "other" rows), its footprint is accounted per entry, and the
// principal's count stays exact.
TEST(ReadTracker, MemoryStaysBoundedUnderHundredThousandUserAgents) {
  constexpr std::size_t kCapacity = 1000;
  ReadTracker t(ReadTrackerOptions{.capacity = kCapacity});
  std::size_t peak_entries = 0;
  std::size_t peak_bytes = 0;
  for (int i = 0; i < 100'000; ++i) {
    t.Record(SchemaId(1 + i % 3), "ci", "fake-agent/" + std::to_string(i), i);
    if (i % 1000 == 0) {
      peak_entries = std::max(peak_entries, t.GetStats().entries);
      peak_bytes = std::max(peak_bytes, t.GetStats().bytes);
    }
  }
  const ReadTracker::Stats stats = t.GetStats();
  EXPECT_EQ(stats.entries, kCapacity + 3);  // the capacity, and one "other" per schema
  peak_entries = std::max(peak_entries, stats.entries);
  EXPECT_LE(peak_entries, kCapacity + kCapacity / 4);
  // Per entry: the overhead charged plus its strings ("ci", an agent of at
  // most 17 bytes, or "other").
  EXPECT_LE(std::max(peak_bytes, stats.bytes),
            (kCapacity + 3) * (ReadTracker::kEntryOverheadBytes + 2 + 17));
  EXPECT_GE(stats.bytes, (kCapacity + 3) * ReadTracker::kEntryOverheadBytes);
  EXPECT_EQ(stats.folded, 100'000u - kCapacity);
  EXPECT_EQ(stats.dropped, 0u);
  auto rows = t.Drain();
  EXPECT_EQ(rows.size(), kCapacity + 3);
  EXPECT_EQ(Total(rows, "ci"), 100'000);
  std::int64_t other = 0;
  for (const ReadCount& r : rows) {
    if (r.user_agent == kOtherUserAgent) other += r.count;
  }
  EXPECT_EQ(other, static_cast<std::int64_t>(100'000 - kCapacity));
  EXPECT_EQ(t.GetStats().entries, 0u);
}

// Past the headroom for "other" rows too, reads are dropped and counted.
TEST(ReadTracker, ReadsBeyondTheHeadroomAreDroppedAndCounted) {
  ReadTracker t(ReadTrackerOptions{.capacity = 4});
  for (int schema = 1; schema <= 10; ++schema) t.Record(SchemaId(schema), "p", "ua", 1);
  const ReadTracker::Stats stats = t.GetStats();
  EXPECT_EQ(stats.entries, 5u);  // 4 + headroom max(4 / 4, 1)
  EXPECT_EQ(stats.folded, 6u);
  EXPECT_EQ(stats.dropped, 5u);
}

TEST(ReadTracker, ConcurrentRecordsAreAllCounted) {
  ReadTracker t;
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&t, k] {
      for (int i = 0; i < 5000; ++i)
        t.Record(SchemaId(1 + i % 7), "p" + std::to_string(k), "ua", i);
    });
  }
  for (std::thread& th : threads) th.join();
  auto rows = t.Drain();
  for (int k = 0; k < 4; ++k) EXPECT_EQ(Total(rows, "p" + std::to_string(k)), 5000);
}

TEST(ReadTracker, FlushAddsToTheStoreAndAFailedFlushKeepsItsCounts) {
  auto inner = testing::OpenStoreOrDie(":memory:");
  FaultInjectionStore store(std::move(inner));
  ReadTracker t;
  t.Record(SchemaId(1), "ci", "ua", 10);
  store.FailWrites(true);
  EXPECT_FALSE(t.Flush(store));
  EXPECT_EQ(t.GetStats().flush_errors, 1u);
  store.FailWrites(false);
  t.Record(SchemaId(1), "ci", "ua", 20);
  ASSERT_TRUE(t.Flush(store));
  EXPECT_EQ(*store.ListReadCounts(SchemaId(1)),
            (std::vector<ReadCount>{{SchemaId(1), "ci", "ua", 2, 10, 20}}));
  ASSERT_TRUE(t.Flush(store));  // nothing new: nothing added
  EXPECT_EQ(store.ListReadCounts(SchemaId(1))->front().count, 2);
}

TEST(ReadTracker, StopFlushesTheLastCounts) {
  auto store = testing::OpenStoreOrDie(":memory:");
  ReadTracker t(ReadTrackerOptions{.flush_interval_ms = 3'600'000});
  t.StartFlushing(*store);
  t.Record(SchemaId(4), "ci", "ua", 1);
  t.Stop();
  EXPECT_EQ(store->ListReadCounts(SchemaId(4))->size(), 1u);
}

}  // namespace
}  // namespace accord::registry

// Who really reads a schema: the registry counts, per schema id, which
// principal through which client user agent fetched it, and when (usage.h
// ReadCount), and adds the counts to the store periodically.
//
// Which requests count (http_api.cc, HttpResponse::read_schema_id): the
// reads a Kafka client's (de)serializer makes, answered 200:
//   GET /schemas/ids/{id} and /schemas/ids/{id}/schema   (deserializers)
//   GET /subjects/{s}/versions/{v} and .../{v}/schema    (use.latest.version,
//                                                          use.schema.id)
//   POST /subjects/{s}                                   (lookup: a serializer
//                                                          with auto.register off)
// The catalog API, the page and the other Confluent endpoints do not count.
//
// Cost on the request path: Record hashes the key and takes the lock of one
// of kStripes stripes for a map update; nothing else (no store I/O, no
// allocation once the key is known). A background thread (StartFlushing)
// drains the table every flush interval and adds the counts to the store
// (Store::AddReadCounts); several replicas each flush their own, and the
// store sums them.
//
// Memory is bounded: at most `capacity` distinct (schema, principal, user
// agent) keys are held between two flushes. Past it, a new user agent is
// counted under its principal's kOtherUserAgent key for the schema (the
// principal's count stays exact); only when those keys too fill the
// headroom (capacity / 4 more) is a read dropped (counted: Stats::dropped).
// User agents are cut to kMaxUserAgentBytes and stripped to printable ASCII.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "accord/registry/store.h"
#include "accord/registry/usage.h"

namespace accord::registry {

struct ReadTrackerOptions {
  // Distinct (schema, principal, user agent) keys held between flushes.
  std::size_t capacity = 10'000;
  // How often the background thread adds the counts to the store.
  int flush_interval_ms = 10'000;
};

class ReadTracker {
 public:
  explicit ReadTracker(ReadTrackerOptions options = {});
  ~ReadTracker();  // Stop()
  ReadTracker(const ReadTracker&) = delete;
  ReadTracker& operator=(const ReadTracker&) = delete;

  // Counts one read of schema `id` at `now_ms` (Unix ms).
  void Record(SchemaId id, std::string_view principal, std::string_view user_agent,
              std::int64_t now_ms);

  // Takes every count held (and the batch a failed flush kept), leaving the
  // table empty; ordered by schema id, principal, user agent.
  std::vector<ReadCount> Drain();

  // Starts the background thread that adds Drain() to `store` every flush
  // interval (`store` must outlive it). A failed flush keeps its batch for
  // the next one (at most `capacity` keys; the rest dropped and counted).
  void StartFlushing(Store& store);
  // Stops the thread after a last flush (nothing when it was not started).
  void Stop();
  // Flushes now on the calling thread (what the background thread does).
  RegistryResult<void> Flush(Store& store);

  struct Stats {
    std::size_t entries = 0;    // keys held now
    std::size_t bytes = 0;      // their estimated memory (keys, counters, table nodes)
    std::uint64_t folded = 0;   // reads counted under kOtherUserAgent for lack of room
    std::uint64_t dropped = 0;  // reads not counted at all
    std::uint64_t flushes = 0;  // successful flushes
    std::uint64_t flush_errors = 0;
  };
  Stats GetStats() const;
  const ReadTrackerOptions& options() const { return options_; }

  // Estimated bytes one held key costs beyond its strings (node, hash
  // bucket, counter): what Stats::bytes charges per entry.
  static constexpr std::size_t kEntryOverheadBytes = 160;

 private:
  struct Key {
    std::int64_t schema = 0;
    std::string principal;
    std::string user_agent;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  struct Counter {
    std::int64_t count = 0;
    std::int64_t first_ms = 0;
    std::int64_t last_ms = 0;
  };
  static constexpr std::size_t kStripes = 16;
  struct Stripe {
    std::mutex mu;
    std::unordered_map<Key, Counter, KeyHash> counts;
  };
  // Adds one read to `key` when it is held or there is room below `limit`
  // entries; false when there was no room.
  bool Add(Key&& key, std::int64_t now_ms, std::size_t limit);

  ReadTrackerOptions options_;
  std::array<Stripe, kStripes> stripes_;
  std::atomic<std::size_t> entries_{0};
  std::atomic<std::size_t> string_bytes_{0};
  std::atomic<std::uint64_t> folded_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> flushes_{0};
  std::atomic<std::uint64_t> flush_errors_{0};
  std::mutex pending_mu_;           // guards pending_ and serialises flushes
  std::vector<ReadCount> pending_;  // a failed flush's batch
  std::mutex thread_mu_;            // guards stop_ and the thread's start/stop
  std::condition_variable thread_cv_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace accord::registry

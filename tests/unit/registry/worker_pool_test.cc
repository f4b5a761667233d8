// The server's handler threads (worker_pool.h).
#include "worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace accord::registry::internal {
namespace {

using Kind = WorkerPool::Kind;

// Polls `done` for up to ten seconds; whether it came true.
bool Eventually(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A gate tasks wait at until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }
  // Opens the gate when it goes out of scope (declared after a pool whose
  // tasks wait at the gate: the pool can then end).
  struct OpenAtEnd {
    Gate& gate;
    ~OpenAtEnd() { gate.Open(); }
  };
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Writes that wait at a gate, counting how many started and finished.
struct Writes {
  Gate gate;
  std::atomic<int> started{0};
  std::atomic<int> finished{0};
  void Post(WorkerPool& pool, int n) {
    for (int i = 0; i < n; ++i) {
      pool.Post(Kind::kWrite, [this] {
        ++started;
        gate.Wait();
        ++finished;
      });
    }
  }
};

// Rule: a task goes to the thread that became idle last, so one request at
// a time is answered by one thread throughout (its caches stay warm); a
// pool that woke its longest-idle thread would go round all eight.
TEST(WorkerPool, TheThreadIdleLastTakesTheNextTask) {
  WorkerPool pool(8);
  ASSERT_TRUE(Eventually([&] { return pool.IdleThreads() == 8; }));
  std::vector<std::thread::id> ran;
  for (int i = 0; i < 20; ++i) {
    std::promise<std::thread::id> id;
    pool.Post(i % 2 == 0 ? Kind::kRead : Kind::kWrite,
              [&id] { id.set_value(std::this_thread::get_id()); });
    ran.push_back(id.get_future().get());
    ASSERT_TRUE(Eventually([&] { return pool.IdleThreads() == 8; }));
  }
  EXPECT_EQ(ran, std::vector<std::thread::id>(20, ran.front()));
}

// Rule: writes run on at most three quarters of the threads; a read queued
// behind them runs meanwhile, and the write held back runs once one ends.
TEST(WorkerPool, WritesTakeAtMostThreeQuartersOfTheThreads) {
  Writes writes;  // outlives the pool, whose threads it holds
  WorkerPool pool(4);
  Gate::OpenAtEnd open{writes.gate};  // even when an assertion ends the test
  ASSERT_EQ(pool.max_writes(), 3);
  writes.Post(pool, 4);
  ASSERT_TRUE(Eventually([&] { return writes.started == 3; }));
  std::promise<void> read;
  pool.Post(Kind::kRead, [&read] { read.set_value(); });
  EXPECT_EQ(read.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(writes.started, 3);  // the fourth write is still held back
  writes.gate.Open();
  EXPECT_TRUE(Eventually([&] { return writes.finished == 4; }));
}

// Rule: with both kinds waiting, tasks start in the order they arrived.
TEST(WorkerPool, WaitingTasksStartInArrivalOrder) {
  Gate gate;
  std::promise<void> holding;
  std::mutex mu;
  std::vector<std::string> order;
  WorkerPool pool(1);  // its tasks use what is declared above
  pool.Post(Kind::kWrite, [&] {
    holding.set_value();
    gate.Wait();
  });
  holding.get_future().wait();
  auto note = [&](std::string name) {
    return [&mu, &order, name] {
      std::lock_guard lock(mu);
      order.push_back(name);
    };
  };
  pool.Post(Kind::kWrite, note("w1"));
  pool.Post(Kind::kRead, note("r1"));
  pool.Post(Kind::kRead, note("r2"));
  pool.Post(Kind::kWrite, note("w2"));
  gate.Open();
  pool.Shutdown();
  EXPECT_EQ(order, (std::vector<std::string>{"w1", "r1", "r2", "w2"}));
}

// Rule: a task's captures are released before the thread takes the pool's
// lock again: a connection's last reference may go with them, and whatever
// its release does (here: queue another task) must not find the lock held.
TEST(WorkerPool, ATaskIsReleasedBeforeThePoolIsLockedAgain) {
  std::promise<void> posted;
  WorkerPool pool(2);
  struct PostsWhenReleased {
    WorkerPool* pool;
    std::promise<void>* posted;
    ~PostsWhenReleased() {
      pool->Post(Kind::kRead, [p = posted] { p->set_value(); });
    }
  };
  auto capture = std::make_shared<PostsWhenReleased>(&pool, &posted);
  pool.Post(Kind::kWrite, [capture = std::move(capture)] {});
  EXPECT_EQ(posted.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

// Rule: Shutdown runs what is queued, a write held back by the cap
// included, and returns once every thread has ended (an idle thread that
// Shutdown woke while that write waited is woken again to end).
TEST(WorkerPool, ShutdownRunsAHeldBackWriteAndEnds) {
  Writes writes;
  WorkerPool pool(4);
  Gate::OpenAtEnd open{writes.gate};
  writes.Post(pool, 4);
  ASSERT_TRUE(Eventually([&] { return writes.started == 3 && pool.IdleThreads() == 1; }));
  auto shutdown = std::async(std::launch::async, [&] { pool.Shutdown(); });
  // Shutdown woke the idle thread (as it began); with the fourth write
  // still capped that thread waits again.
  ASSERT_TRUE(Eventually([&] { return pool.stopping() && pool.IdleThreads() == 1; }));
  writes.gate.Open();
  EXPECT_EQ(shutdown.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(writes.finished, 4);
}

}  // namespace
}  // namespace accord::registry::internal

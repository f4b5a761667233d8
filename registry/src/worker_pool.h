// The handler threads of the HTTP server (server.cc): they run Api::Handle
// off the event loops. Tasks queued are bounded by the connections (one
// request per connection at a time).
//
// Tasks run in arrival order, except that writes (anything but GET and
// HEAD) occupy at most three quarters of the threads: a registration waits
// for its durable commit (and may run a compatibility check) on a handler
// thread, and a burst of them must not queue reads and /healthz behind it.
// (Reads first always, measured once, starved the registrations instead.)
//
// Idle threads wait last in, first out: a task goes to the thread that
// became idle most recently, whose stack, allocator caches and arena are
// still warm, and a light load keeps reusing the same few threads. (A
// shared condition variable woke the waiter of longest standing, so a
// steady load went round all 32 threads: three replicas on PostgreSQL spent
// 12% more CPU per registration that way; docs/benchmarks.md, "Idle handler
// threads last in, first out".)
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace accord::registry::internal {

class WorkerPool {
 public:
  enum class Kind { kRead, kWrite };

  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Post(Kind kind, std::function<void()> task);
  // Runs the tasks already queued, then joins the threads.
  void Shutdown();

  // Threads waiting for a task (tests: the pool has settled).
  std::size_t IdleThreads() const;
  // Whether Shutdown has begun (tests).
  bool stopping() const;
  // Writes that may run at once: three quarters of the threads, at least one.
  int max_writes() const { return max_writes_; }

 private:
  // One per thread, owned by the pool (so that Post may notify a thread's
  // condition variable after unlocking, whatever that thread does next).
  struct Waiter {
    std::condition_variable cv;
    bool chosen = false;  // popped off idle_ by Post or Shutdown
  };
  struct Task {
    std::uint64_t seq;  // arrival order
    std::function<void()> run;
  };

  void Loop(Waiter& me);
  // Under mu_: whether a waiting task may start now.
  bool Runnable() const;
  // Under mu_: the idle thread to wake for a task just queued, or null.
  Waiter* Choose();

  const int max_writes_;
  mutable std::mutex mu_;
  std::uint64_t next_ = 0;
  std::deque<Task> reads_;
  std::deque<Task> writes_;
  int writing_ = 0;
  bool stop_ = false;
  std::vector<Waiter*> idle_;  // the most recently idle last
  std::vector<std::unique_ptr<Waiter>> waiters_;
  std::vector<std::thread> threads_;
};

}  // namespace accord::registry::internal

#include "worker_pool.h"

#include <algorithm>
#include <utility>

namespace accord::registry::internal {

WorkerPool::WorkerPool(int threads) : max_writes_(std::max(1, threads - threads / 4)) {
  const int n = std::max(1, threads);
  waiters_.reserve(n);
  for (int i = 0; i < n; ++i) waiters_.push_back(std::make_unique<Waiter>());
  idle_.reserve(n);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) {
    Waiter& w = *waiters_[i];
    threads_.emplace_back([this, &w] { Loop(w); });
  }
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::Runnable() const {
  return !reads_.empty() || (!writes_.empty() && writing_ < max_writes_);
}

WorkerPool::Waiter* WorkerPool::Choose() {
  if (idle_.empty() || !Runnable()) return nullptr;
  Waiter* w = idle_.back();
  idle_.pop_back();
  w->chosen = true;
  return w;
}

void WorkerPool::Post(Kind kind, std::function<void()> task) {
  Waiter* wake = nullptr;
  {
    std::lock_guard lock(mu_);
    (kind == Kind::kRead ? reads_ : writes_).push_back({next_++, std::move(task)});
    wake = Choose();
  }
  if (wake != nullptr) wake->cv.notify_one();
}

void WorkerPool::Shutdown() {
  std::vector<Waiter*> wake;
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
    for (Waiter* w : idle_) w->chosen = true;
    wake.swap(idle_);
  }
  for (Waiter* w : wake) w->cv.notify_one();
  for (auto& t : threads_) t.join();
}

std::size_t WorkerPool::IdleThreads() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

bool WorkerPool::stopping() const {
  std::lock_guard lock(mu_);
  return stop_;
}

void WorkerPool::Loop(Waiter& me) {
  std::unique_lock lock(mu_);
  for (;;) {
    const bool may_write = !writes_.empty() && writing_ < max_writes_;
    const bool read = !reads_.empty() && (!may_write || reads_.front().seq < writes_.front().seq);
    if (read || may_write) {
      std::deque<Task>& queue = read ? reads_ : writes_;
      std::function<void()> task = std::move(queue.front().run);
      queue.pop_front();
      if (!read) ++writing_;
      lock.unlock();
      task();
      // Its captures (a connection, a work guard) are released here, before
      // the pool's lock is taken again, never under it.
      task = nullptr;
      lock.lock();
      // A write the cap held back may start now: this thread takes it
      // itself on the next turn, so nobody else needs waking.
      if (!read) --writing_;
      continue;
    }
    // Stopping: done once no write is left (one the cap holds back runs
    // when a running write ends, on that write's thread).
    if (stop_ && writes_.empty()) {
      // Threads that went idle meanwhile (a write was still held back
      // when Shutdown woke them) end too.
      for (Waiter* w : idle_) {
        w->chosen = true;
        w->cv.notify_one();
      }
      idle_.clear();
      return;
    }
    me.chosen = false;
    idle_.push_back(&me);
    me.cv.wait(lock, [&me] { return me.chosen; });
  }
}

}  // namespace accord::registry::internal

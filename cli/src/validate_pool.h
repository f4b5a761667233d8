// A tiny fork-join pool for `accord validate`: runs fn(0..n-1) on the calling
// thread plus `extra_threads` workers and returns when every call is done.
// Used to validate a batch of NDJSON lines in parallel while results are
// still reported in input order (each index writes only its own slot).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace accord::cli {

class BatchPool {
 public:
  explicit BatchPool(unsigned extra_threads);
  ~BatchPool();
  BatchPool(const BatchPool&) = delete;
  BatchPool& operator=(const BatchPool&) = delete;

  // Calls fn(i) once for each i in [0, n), possibly concurrently. `fn` must
  // be safe to call from several threads for distinct i. Not reentrant: one
  // Run at a time (from one thread).
  void Run(std::size_t n, const std::function<void(std::size_t)>& fn);

 private:
  void Loop();
  void Drain();

  std::mutex mu_;
  std::condition_variable start_cv_;  // workers wait for a new generation
  std::condition_variable done_cv_;   // Run waits for active_ == 0
  // Guarded by mu_:
  std::uint64_t generation_ = 0;
  unsigned active_ = 0;
  bool stop_ = false;
  // Set under mu_ before a generation starts, read by workers after.
  const std::function<void(std::size_t)>* fn_ = nullptr;
  std::size_t n_ = 0;
  std::atomic<std::size_t> next_{0};
  std::vector<std::thread> workers_;
};

}  // namespace accord::cli

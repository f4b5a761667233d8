// Returns the heap's free memory to the system, off the request path.
//
// glibc keeps memory a request freed in the malloc arena of the thread that
// freed it, and the parsers keep per-thread buffers: after six ~800 KB JSON
// Schema registrations (parsed-schema cache off) `accord serve` held 305 MB
// of RSS, 92 MB of it in use (parse buffers), the rest free heap (measured
// 2026-12-06; tests/integration/registry/heap_trim_test.py). Three causes,
// all handled from Start:
//  * glibc's dynamic thresholds: freeing a large mapped block raises the
//    mmap threshold (up to 32 MB) and the trim threshold (twice that), after
//    which every thread's arena keeps that much free memory at its top, where
//    malloc_trim does not reach. Start fixes both thresholds (mallopt).
//  * per-thread parse buffers (accord/schemas/parse_buffers.h): each look
//    first frees those above 1 MiB of every thread not parsing at the time
//    (a thread that parsed one 1 MB schema kept ~27 MB for its next parse);
//  * free chunks inside the arenas: a thread looks every `interval_ms` at the
//    free memory of every arena (mallinfo2, each arena's bins walked under its
//    lock) and calls malloc_trim(0) when it has grown by more than
//    `threshold_bytes` since the least seen, two looks in a row: memory freed
//    by a burst of large requests goes back once the burst has been over for
//    an interval, and a steady stream of them keeps its working set. (Trimming
//    at the end of each large request was tried and withdrawn:
//    docs/benchmarks.md "Flat tables in the JSON checker".)
// With all three: RSS back to about 40 MB two seconds after the six.
//
// Thread safety: Start and Stop from one thread (the serve command's); the
// counters may be read from any.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace accord::registry {

class HeapTrimmer {
 public:
  struct Options {
    std::size_t threshold_bytes = std::size_t{64} << 20;  // 0: never trim
    int interval_ms = 2000;
  };
  explicit HeapTrimmer(Options options) : options_(options) {}
  ~HeapTrimmer() { Stop(); }
  HeapTrimmer(const HeapTrimmer&) = delete;
  HeapTrimmer& operator=(const HeapTrimmer&) = delete;

  // Starts the thread (no-op when the threshold is 0 or it already runs).
  void Start();
  // Stops and joins it.
  void Stop();

  // Trims performed, and the free bytes the last look saw.
  std::uint64_t trims() const { return trims_.load(std::memory_order_relaxed); }
  std::uint64_t last_free_bytes() const { return last_free_.load(std::memory_order_relaxed); }

  // Free bytes in every malloc arena now (mallinfo2().fordblks).
  static std::size_t FreeHeapBytes();

 private:
  void Run();

  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> trims_{0};
  std::atomic<std::uint64_t> last_free_{0};
};

}  // namespace accord::registry

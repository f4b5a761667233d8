#include "accord/registry/heap_trimmer.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>

#include "accord/schemas/parse_buffers.h"

namespace accord::registry {
namespace {

// A thread's parse buffers up to this size stay between two looks: those of
// the usual schemas (a few KB each, kept for reuse at no real cost).
constexpr std::size_t kKeepParseBufferBytes = std::size_t{1} << 20;

}  // namespace

std::size_t HeapTrimmer::FreeHeapBytes() { return mallinfo2().fordblks; }

void HeapTrimmer::Start() {
  std::lock_guard lock(mu_);
  if (options_.threshold_bytes == 0 || thread_.joinable()) return;
  // Fixed thresholds switch off glibc's dynamic ones: freeing a large
  // mmapped block (a big schema's buffers) raised the mmap threshold to
  // 32 MB and the trim threshold to twice that, after which every thread's
  // arena kept up to 64 MB of free memory at its top, where malloc_trim does
  // not reach (it releases free chunks inside an arena, and the top of the
  // main arena only). Blocks of 4 MiB and more are mapped and unmapped on
  // their own; an arena's top is given back above 8 MiB.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 8 << 20);
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void HeapTrimmer::Stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
}

void HeapTrimmer::Run() {
  // Free memory is measured against the least seen since the last trim:
  // trimmed pages stay counted as free (malloc_trim gives their pages back
  // but keeps the chunks), so an absolute bound would trim again and again.
  std::size_t floor = FreeHeapBytes();
  bool over_before = false;
  std::unique_lock lock(mu_);
  for (;;) {
    if (cv_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                     [this] { return stop_; })) {
      return;
    }
    lock.unlock();
    // Buffers idle threads keep for their next parse (parse_buffers.h): a
    // thread that parsed a 1 MB schema once keeps tens of MB otherwise.
    ReleaseIdleParseBuffers(kKeepParseBufferBytes);
    const std::size_t free_bytes = FreeHeapBytes();
    last_free_.store(free_bytes, std::memory_order_relaxed);
    floor = std::min(floor, free_bytes);
    const bool over = free_bytes - floor > options_.threshold_bytes;
    // Over for two looks in a row: the memory has stayed unused for an
    // interval, so it is not the working set of requests still running.
    if (over && over_before) {
      malloc_trim(0);
      trims_.fetch_add(1, std::memory_order_relaxed);
      floor = FreeHeapBytes();
      over_before = false;
    } else {
      over_before = over;
    }
    lock.lock();
  }
}

}  // namespace accord::registry

// Per-thread parse buffers, kept for reuse while a thread parses and given
// back when it has stopped.
//
// The JSON fast path (simdjson's parser) and the Avro parser (its stacks,
// tape and key stack) keep per-thread buffers sized for the largest document
// the thread has parsed: about 27 and 7 times its size. Reuse is what makes
// repeated parses cheap (freeing them after each large document made a
// 1 MB Avro record's parse 60% slower, from page faults), but a server's
// handler threads would each keep tens of MB after one large request.
// ReleaseIdleParseBuffers, called off the request path (accord serve's heap
// trimmer, every two seconds), frees the large buffers of every thread that
// is not parsing at that moment.
//
// Cost on the parse path: the thread locks its own buffers' mutex (never
// contended but by a release in progress) for the duration of a parse.
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <cstddef>
#include <mutex>

namespace accord {

// Frees, in every thread not parsing right now, the parse buffers that hold
// more than `keep_bytes`. Returns the number of buffer sets freed.
std::size_t ReleaseIdleParseBuffers(std::size_t keep_bytes);

namespace detail {

// One thread's set of buffers of one kind, listed in a process-wide registry
// while the thread lives. The owning thread holds `mu` while it uses them.
class ParseBuffers {
 public:
  ParseBuffers();
  virtual ~ParseBuffers();
  ParseBuffers(const ParseBuffers&) = delete;
  ParseBuffers& operator=(const ParseBuffers&) = delete;

  // Held while the buffers are in use (recursive: a parse may nest another
  // of the same kind on its thread).
  std::recursive_mutex& mutex() { return mu_; }
  // Bytes the buffers hold now (an estimate), and freeing them; both called
  // with the mutex held.
  virtual std::size_t Bytes() const = 0;
  virtual void Release() = 0;

 protected:
  // Takes the set off the registry: the first thing a subclass's destructor
  // does, so that no release runs while its members are destroyed.
  void Unlist();

 private:
  std::recursive_mutex mu_;
  bool listed_ = false;
};

}  // namespace detail
}  // namespace accord

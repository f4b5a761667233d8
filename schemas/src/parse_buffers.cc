#include "accord/schemas/parse_buffers.h"

#include <algorithm>
#include <vector>

namespace accord {
namespace {

// Every live thread's buffer sets. Never destroyed (threads may end after
// static destruction has begun).
struct Registry {
  std::mutex mu;
  std::vector<detail::ParseBuffers*> sets;
};
Registry& TheRegistry() {
  static Registry* registry = new Registry;
  return *registry;
}

}  // namespace

namespace detail {

ParseBuffers::ParseBuffers() {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  r.sets.push_back(this);
  listed_ = true;
}

ParseBuffers::~ParseBuffers() { Unlist(); }

void ParseBuffers::Unlist() {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);  // waits for a release in progress
  if (!listed_) return;
  r.sets.erase(std::find(r.sets.begin(), r.sets.end(), this));
  listed_ = false;
}

}  // namespace detail

std::size_t ReleaseIdleParseBuffers(std::size_t keep_bytes) {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);  // no thread ends (and unlists) meanwhile
  std::size_t freed = 0;
  for (detail::ParseBuffers* set : r.sets) {
    std::unique_lock use(set->mutex(), std::try_to_lock);
    if (!use.owns_lock()) continue;  // parsing now
    if (set->Bytes() > keep_bytes) {
      set->Release();
      ++freed;
    }
  }
  return freed;
}

}  // namespace accord

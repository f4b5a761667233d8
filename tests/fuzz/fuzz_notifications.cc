// The batch format of the PostgreSQL store's change notifications
// (registry/src/notification_batch.h).
// Invariants: a change payload that parses has its fields inside the input
// and formats to a payload that parses the same; splitting any input ends and, when it succeeds,
// yields views inside the input that, appended again, give a batch splitting back into the same
// payloads; payloads cut from the input at the bytes that hold 0x00 (which a notification cannot
// carry) split back from their batch exactly.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "notification_batch.h"

namespace {

using accord::registry::internal::AppendToNotificationBatch;
using accord::registry::internal::ChangePayload;
using accord::registry::internal::FormatChangePayload;
using accord::registry::internal::ParseChangePayload;
using accord::registry::internal::SplitNotificationBatch;

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_notifications", ok, what, detail);
}

// Whether `part` is a view into `whole` (an empty one too: at most at its end).
bool Inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void CheckChange(std::string_view payload) {
  const std::optional<ChangePayload> parsed = ParseChangePayload(payload);
  if (!parsed) return;
  Check(Inside(parsed->origin, payload) && Inside(parsed->subject, payload),
        "a parsed payload's fields lie inside it", payload);
  const std::string again = FormatChangePayload(*parsed);
  Check(ParseChangePayload(again) == parsed, "a parsed payload, formatted, parses the same",
        payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckChange(input);

  if (auto split = SplitNotificationBatch(input)) {
    std::string again;
    for (std::string_view p : *split) {
      Check(Inside(p, input), "a payload lies inside the batch", input);
      AppendToNotificationBatch(again, p);
      CheckChange(p);
    }
    if (split->empty()) again = std::string(accord::registry::internal::kNotificationBatchHeader);
    auto twice = SplitNotificationBatch(again);
    Check(twice && *twice == *split, "a split batch, appended again, splits the same", input);
  }

  std::vector<std::string_view> payloads;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= size; ++i) {
    if (i == size || input[i] == '\0') {
      payloads.push_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  std::string batch;
  for (std::string_view p : payloads) AppendToNotificationBatch(batch, p);
  auto split = SplitNotificationBatch(batch);
  Check(split && *split == payloads, "appended payloads split back in order", input);
  return 0;
}

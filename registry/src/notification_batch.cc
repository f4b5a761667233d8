#include "notification_batch.h"

#include <charconv>

#include "accord/schemas/canonical.h"

namespace accord::registry::internal {

std::string NotificationChannel(std::string_view schema) {
  std::string channel = "accord_changes";
  if (!schema.empty() && schema != "public") {
    channel += '_';
    channel += json::ToHex(json::Sha256Of(schema)).substr(0, 16);
  }
  return channel;
}

std::string FormatChangePayload(const ChangePayload& change) {
  std::string out;
  out.reserve(change.origin.size() + change.subject.size() + 24);
  out += change.kind;
  out += change.holders ? "h\t" : "-\t";
  out += change.origin;
  out += '\t';
  out += std::to_string(change.seq);
  out += '\t';
  out += change.subject;
  return out;
}

std::optional<ChangePayload> ParseChangePayload(std::string_view p) {
  const auto tab0 = p.find('\t');
  const auto tab1 = tab0 == std::string_view::npos ? tab0 : p.find('\t', tab0 + 1);
  const auto tab2 = tab1 == std::string_view::npos ? tab1 : p.find('\t', tab1 + 1);
  if (tab0 != 2 || tab2 == std::string_view::npos) return std::nullopt;
  if (kChangeKinds.find(p[0]) == std::string_view::npos) return std::nullopt;
  ChangePayload c;
  c.kind = p[0];
  c.holders = p[1] == 'h';
  c.origin = p.substr(3, tab1 - 3);
  const std::string_view seq = p.substr(tab1 + 1, tab2 - tab1 - 1);
  const char* end = seq.data() + seq.size();
  auto [at, ec] = std::from_chars(seq.data(), end, c.seq);
  if (ec != std::errc() || at != end) return std::nullopt;
  c.subject = p.substr(tab2 + 1);
  return c;
}

void AppendToNotificationBatch(std::string& batch, std::string_view payload) {
  if (batch.empty()) batch = kNotificationBatchHeader;
  batch += std::to_string(payload.size());
  batch += ':';
  batch += payload;
}

std::size_t NotificationBatchEntryBytes(std::size_t size) {
  std::size_t digits = 1;
  for (std::size_t n = size; n >= 10; n /= 10) ++digits;
  return digits + 1 + size;
}

bool IsNotificationBatch(std::string_view notification) {
  return notification.starts_with(kNotificationBatchHeader);
}

std::optional<std::vector<std::string_view>> SplitNotificationBatch(std::string_view batch) {
  if (!IsNotificationBatch(batch)) return std::nullopt;
  batch.remove_prefix(kNotificationBatchHeader.size());
  std::vector<std::string_view> out;
  while (!batch.empty()) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(batch.data(), batch.data() + batch.size(), n);
    const auto digits = static_cast<std::size_t>(end - batch.data());
    // Each payload takes at least its ':' and one digit, so the loop ends.
    if (ec != std::errc() || digits == batch.size() || *end != ':' ||
        n > batch.size() - digits - 1) {
      return std::nullopt;
    }
    out.push_back(batch.substr(digits + 1, n));
    batch.remove_prefix(digits + 1 + n);
  }
  return out;
}

}  // namespace accord::registry::internal

// Several change notifications' payloads in one PostgreSQL notification
// (pg_store.cc, PostgresStore::Announce): the writes of one moment share
// one NOTIFY, which is one statement, one queue entry and one message to
// every listener instead of one per write.
//
// The format: kNotificationBatchHeader, then each payload as its length in
// decimal, ':' and its bytes (a payload may hold any byte but NUL, which
// PostgreSQL refuses in a notification). A build that predates the format
// reads the header as a payload of its own meaning "everything changed"
// (kind '*', no origin, seq 0), so it stays correct when replicas of both
// builds share a database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accord::registry::internal {

inline constexpr std::string_view kNotificationBatchHeader = "*m\t\t0\t\n";

// The channel of the stores whose tables live in `schema` (their
// connections' current schema): "accord_changes" in public (as every
// build before this one used), else that name, '_' and the first 16 hex
// digits of the SHA-256 of the schema's name (PostgreSQL's 63-byte limit
// on identifiers), so registries in different schemas of one database do
// not drop each other's caches.
std::string NotificationChannel(std::string_view schema);

// One change's payload (PostgresStore's Change): its kind, whether the
// holders generation moves, the writing store, the write's audit seq and
// the subject, as "KH\tORIGIN\tSEQ\tSUBJECT" (K one of 's', 'g', 'n', '*';
// H 'h' or '-'). The origin holds no tab; the subject is the rest, any
// bytes. The views of a parsed payload point into its text.
struct ChangePayload {
  char kind = '*';
  bool holders = false;
  std::string_view origin;
  std::int64_t seq = 0;
  std::string_view subject;
  friend bool operator==(const ChangePayload&, const ChangePayload&) = default;
};
inline constexpr std::string_view kChangeKinds = "sgn*";
std::string FormatChangePayload(const ChangePayload& change);
// nullopt for a payload this build does not read: a kind it does not know,
// a missing field, or a seq that is not a decimal int64.
std::optional<ChangePayload> ParseChangePayload(std::string_view payload);

// Appends `payload` to `batch` (starting it with the header when empty).
void AppendToNotificationBatch(std::string& batch, std::string_view payload);

// The bytes AppendToNotificationBatch adds for a payload of `size` bytes to a
// batch already started: its length's digits, ':' and the payload.
std::size_t NotificationBatchEntryBytes(std::size_t size);

// Whether `notification` is a batch (starts with the header).
bool IsNotificationBatch(std::string_view notification);

// The payloads of a batch, as views into it, in order; nullopt when it is
// not a batch or its lengths do not add up (a length that is not a
// number, has no ':', or runs past the end). Linear in the batch's size.
std::optional<std::vector<std::string_view>> SplitNotificationBatch(std::string_view batch);

}  // namespace accord::registry::internal

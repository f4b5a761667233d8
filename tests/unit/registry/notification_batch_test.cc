// The batch format of change notifications (notification_batch.h).
#include "notification_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace accord::registry::internal {
namespace {

using Views = std::vector<std::string_view>;

// Rule: what is appended splits back into the same payloads, in order,
// whatever bytes they hold (the separators included) and also when empty.
TEST(NotificationBatch, AppendedPayloadsSplitBackInOrder) {
  const std::vector<std::string> payloads = {"s-\tA\t12\torders", "", "12:34", "a\nb\tc",
                                             std::string(300, ':')};
  std::string batch;
  for (const std::string& p : payloads) AppendToNotificationBatch(batch, p);
  EXPECT_EQ(batch.substr(0, kNotificationBatchHeader.size()), kNotificationBatchHeader);
  auto split = SplitNotificationBatch(batch);
  ASSERT_TRUE(split);
  EXPECT_EQ(*split, Views(payloads.begin(), payloads.end()));
}

// Rule: an entry's size is what appending it adds (Announce fills a
// notification up to PostgreSQL's payload limit by it), at every number of
// length digits.
TEST(NotificationBatch, EntryBytesAreWhatAppendingAdds) {
  for (std::size_t size : {0u, 1u, 9u, 10u, 99u, 100u, 999u, 1000u, 7899u, 12345u}) {
    std::string batch;
    AppendToNotificationBatch(batch, "x");
    const std::size_t before = batch.size();
    AppendToNotificationBatch(batch, std::string(size, 'p'));
    EXPECT_EQ(NotificationBatchEntryBytes(size), batch.size() - before) << size;
  }
}

TEST(NotificationBatch, TheHeaderAloneIsABatchOfNothing) {
  auto split = SplitNotificationBatch(kNotificationBatchHeader);
  ASSERT_TRUE(split);
  EXPECT_TRUE(split->empty());
}

// Rule: anything but a well-formed batch is refused whole (the reader then
// drops everything), never read in part.
TEST(NotificationBatch, AnythingElseIsRefusedWhole) {
  const std::string h(kNotificationBatchHeader);
  const std::vector<std::string> refused = {
      "s-\tA\t1\torders",            // a single payload: not a batch
      h.substr(0, h.size() - 1),     // the header cut short
      h + "5:abcd",                  // a length past the end
      h + ":abc",                    // no length
      h + "x3:abc",                  // not a number
      h + "-1:a",                    // a sign
      h + "12",                      // no ':'
      h + "99999999999999999999:a",  // past any size
      h + "3:abc" + "2",             // a cut-off tail after a good payload
      h + "3:abc" + "9:abc",         // the second payload too short
  };
  for (const std::string& s : refused) {
    EXPECT_FALSE(SplitNotificationBatch(s)) << s;
  }
}

TEST(NotificationBatch, IsNotificationBatchLooksAtTheHeaderOnly) {
  EXPECT_TRUE(IsNotificationBatch(std::string(kNotificationBatchHeader) + "garbage"));
  EXPECT_FALSE(IsNotificationBatch("*-\t\t0\t"));  // "everything", the old format
  EXPECT_FALSE(IsNotificationBatch(""));
}

// Rule: the public schema keeps the channel every earlier build used; any
// other schema has one of its own, within PostgreSQL's identifier limit.
TEST(NotificationBatch, EachSchemaHasAChannelAndPublicKeepsTheOldOne) {
  EXPECT_EQ(NotificationChannel("public"), "accord_changes");
  EXPECT_EQ(NotificationChannel(""), "accord_changes");
  const std::string a = NotificationChannel("registry_a");
  const std::string b = NotificationChannel(std::string(63, 'b'));
  EXPECT_EQ(a.size(), std::string("accord_changes_").size() + 16);
  EXPECT_EQ(a.substr(0, 15), "accord_changes_");
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef", 15), std::string::npos);
  EXPECT_NE(a, b);
  EXPECT_LT(b.size(), 64u);
  EXPECT_EQ(NotificationChannel("registry_a"), a);  // the same for every process
}

// Rule: a change payload reads back field by field; the subject is the
// rest of the payload, tabs included.
TEST(ChangePayload, FormattedPayloadsParseBackFieldByField) {
  const ChangePayload subject{
      .kind = 's', .holders = true, .origin = "r1-7f", .seq = 42, .subject = "orders\tvalue"};
  EXPECT_EQ(FormatChangePayload(subject), "sh\tr1-7f\t42\torders\tvalue");
  EXPECT_EQ(ParseChangePayload(FormatChangePayload(subject)), subject);
  const ChangePayload everything{.kind = '*', .holders = false, .origin = "", .seq = 0};
  EXPECT_EQ(FormatChangePayload(everything), "*-\t\t0\t");
  EXPECT_EQ(ParseChangePayload("*-\t\t0\t"), everything);
  const ChangePayload negative{.kind = 'g', .holders = false, .origin = "o", .seq = -3};
  EXPECT_EQ(ParseChangePayload("g-\to\t-3\t"), negative);
}

// Rule: a payload this build cannot read is refused whole (the store then
// drops every cached read), never read in part.
TEST(ChangePayload, UnreadablePayloadsAreRefused) {
  const std::vector<std::string> refused = {
      "",
      "s-",
      "x-\to\t1\tsubject",                     // unknown kind
      "s\to\t1\tsubject",                      // no holders flag
      "s-\to\t1",                              // no subject field
      "s-\to\t\tsubject",                      // empty seq
      "s-\to\t12x\tsubject",                   // seq with trailing bytes
      "s-\to\t+1\tsubject",                    // seq with a sign from_chars does not take
      "s-\to\t99999999999999999999\tsubject",  // past int64
  };
  for (const std::string& p : refused) EXPECT_EQ(ParseChangePayload(p), std::nullopt) << p;
}

}  // namespace
}  // namespace accord::registry::internal

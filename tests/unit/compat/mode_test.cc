// Compatibility levels and the pairs each level checks.
#include "accord/compat/mode.h"
#include "accord/compat/jsonschema_kinds.h"

#include <gtest/gtest.h>

namespace accord::compat {

bool operator==(const CheckPair& a, const CheckPair& b) {
  return a.writer == b.writer && a.reader == b.reader;
}
void PrintTo(const CheckPair& p, std::ostream* os) {
  *os << "(" << p.writer << " -> " << p.reader << ")";
}

namespace {

using Pairs = std::vector<CheckPair>;

constexpr Level kAllLevels[] = {
    Level::kNone,          Level::kBackward,          Level::kBackwardTransitive,
    Level::kForward,       Level::kForwardTransitive, Level::kFull,
    Level::kFullTransitive};

// Wire names are public API (Confluent's names).
TEST(ModeTest, LevelNamesAreConfluentsAndRoundTrip) {
  EXPECT_EQ(LevelName(Level::kNone), "NONE");
  EXPECT_EQ(LevelName(Level::kBackward), "BACKWARD");
  EXPECT_EQ(LevelName(Level::kBackwardTransitive), "BACKWARD_TRANSITIVE");
  EXPECT_EQ(LevelName(Level::kForward), "FORWARD");
  EXPECT_EQ(LevelName(Level::kForwardTransitive), "FORWARD_TRANSITIVE");
  EXPECT_EQ(LevelName(Level::kFull), "FULL");
  EXPECT_EQ(LevelName(Level::kFullTransitive), "FULL_TRANSITIVE");
  for (Level l : kAllLevels) EXPECT_EQ(LevelFromString(LevelName(l)), l);
}

TEST(ModeTest, LevelFromStringIsCaseInsensitiveAndRejectsUnknown) {
  EXPECT_EQ(LevelFromString("full_transitive"), Level::kFullTransitive);
  EXPECT_EQ(LevelFromString("Backward"), Level::kBackward);
  EXPECT_EQ(LevelFromString("BACKWARDS"), std::nullopt);
  EXPECT_EQ(LevelFromString("FULL-TRANSITIVE"), std::nullopt);
  EXPECT_EQ(LevelFromString(""), std::nullopt);
}

TEST(ModeTest, PolicyNamesRoundTrip) {
  EXPECT_EQ(PolicyName(Policy::kStrict), "STRICT");
  EXPECT_EQ(PolicyName(Policy::kLenient), "LENIENT");
  for (Policy p : {Policy::kStrict, Policy::kLenient})
    EXPECT_EQ(PolicyFromString(PolicyName(p)), p);
  EXPECT_EQ(PolicyFromString("lenient"), Policy::kLenient);
  EXPECT_EQ(PolicyFromString("loose"), std::nullopt);
}

// History of 3 entries (0, 1, 2 oldest first); the candidate is index 3.
TEST(ModeTest, BackwardChecksLatestAsWriterAgainstCandidateAsReader) {
  EXPECT_EQ(PairsFor(Level::kBackward, 3), (Pairs{{2, 3}}));
}

TEST(ModeTest, ForwardChecksCandidateAsWriterAgainstLatestAsReader) {
  EXPECT_EQ(PairsFor(Level::kForward, 3), (Pairs{{3, 2}}));
}

TEST(ModeTest, FullChecksBothDirectionsAgainstLatest) {
  EXPECT_EQ(PairsFor(Level::kFull, 3), (Pairs{{2, 3}, {3, 2}}));
}

TEST(ModeTest, BackwardTransitiveChecksEveryHistoryEntryOldestFirst) {
  EXPECT_EQ(PairsFor(Level::kBackwardTransitive, 3), (Pairs{{0, 3}, {1, 3}, {2, 3}}));
}

TEST(ModeTest, ForwardTransitiveChecksCandidateAgainstEveryHistoryEntry) {
  EXPECT_EQ(PairsFor(Level::kForwardTransitive, 3), (Pairs{{3, 0}, {3, 1}, {3, 2}}));
}

TEST(ModeTest, FullTransitiveChecksBothDirectionsAgainstEveryEntry) {
  EXPECT_EQ(PairsFor(Level::kFullTransitive, 3),
            (Pairs{{0, 3}, {3, 0}, {1, 3}, {3, 1}, {2, 3}, {3, 2}}));
}

TEST(ModeTest, NoneChecksNothing) { EXPECT_TRUE(PairsFor(Level::kNone, 3).empty()); }

TEST(ModeTest, EmptyHistoryChecksNothingAtEveryLevel) {
  for (Level l : kAllLevels) EXPECT_TRUE(PairsFor(l, 0).empty()) << LevelName(l);
}

TEST(ModeTest, TransitiveAndNonTransitiveAgreeOnSingleEntryHistory) {
  EXPECT_EQ(PairsFor(Level::kBackwardTransitive, 1), PairsFor(Level::kBackward, 1));
  EXPECT_EQ(PairsFor(Level::kForwardTransitive, 1), PairsFor(Level::kForward, 1));
  EXPECT_EQ(PairsFor(Level::kFullTransitive, 1), PairsFor(Level::kFull, 1));
  EXPECT_EQ(PairsFor(Level::kBackward, 1), (Pairs{{0, 1}}));
}

// CheckHistory: runs each pair and stamps version numbers on findings.
TEST(ModeTest, CheckHistoryStampsVersionsAsIndexPlusOne) {
  std::vector<CheckPair> seen;
  Report r = CheckHistory(Level::kFullTransitive, 2, [&](std::size_t w, std::size_t rd) {
    seen.push_back({w, rd});
    Report one;
    Finding f;
    f.kind = JsonSchemaKind::kTypeChanged;
    f.message = std::to_string(w) + " -> " + std::to_string(rd);  // a distinct break per pair
    one.Add(f);
    return one;
  });
  EXPECT_EQ(seen, PairsFor(Level::kFullTransitive, 2));
  ASSERT_EQ(r.findings.size(), 4u);
  EXPECT_FALSE(r.compatible());
  EXPECT_EQ(r.findings[0].writer_version, 1);
  EXPECT_EQ(r.findings[0].reader_version, 3);
  EXPECT_EQ(r.findings[1].writer_version, 3);
  EXPECT_EQ(r.findings[1].reader_version, 1);
}

// Rule (issue 16 item 6): the direction of each finding is a field, set
// from the pair: the candidate as reader is BACKWARD, as writer FORWARD.
TEST(ModeTest, CheckHistorySetsTheDirectionOfEachFinding) {
  Report r = CheckHistory(Level::kFull, 1, [](std::size_t w, std::size_t rd) {
    Report one;
    Finding f;
    f.kind = JsonSchemaKind::kRequiredAdded;
    f.message = std::to_string(w) + " -> " + std::to_string(rd);
    one.Add(f);
    return one;
  });
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].message, "0 -> 1");
  EXPECT_EQ(r.findings[0].direction, Direction::kBackward);
  EXPECT_EQ(r.findings[1].message, "1 -> 0");
  EXPECT_EQ(r.findings[1].direction, Direction::kForward);
  // Forward: the writer is the new version.
  EXPECT_EQ(&NewPath(r.findings[1]), &r.findings[1].writer_path);
  EXPECT_EQ(&OldPath(r.findings[1]), &r.findings[1].reader_path);
}

// Rule (issue 16 item 6): a transitive check reports each distinct break
// once, named by the first (oldest) pair that shows it; breaks that differ
// in any of kind, direction, pointers or message are all kept.
TEST(ModeTest, CheckHistoryReportsEachDistinctBreakOnce) {
  Report r = CheckHistory(Level::kBackwardTransitive, 3, [](std::size_t w, std::size_t) {
    Report one;
    Finding same;
    same.kind = JsonSchemaKind::kTypeChanged;
    same.writer_path = "/properties/a";
    same.reader_path = "/properties/a/type";
    same.message = "type changed";
    one.Add(same);
    if (w == 2) {
      Finding other = same;
      other.message = "type changed again";
      one.Add(other);
    }
    return one;
  });
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_FALSE(r.compatible());
  EXPECT_EQ(r.findings[0].message, "type changed");
  EXPECT_EQ(r.findings[0].writer_version, 1);
  EXPECT_EQ(r.findings[0].reader_version, 4);
  EXPECT_EQ(r.findings[1].message, "type changed again");
  EXPECT_EQ(r.findings[1].writer_version, 3);
}

TEST(ModeTest, CheckHistoryUsesGivenVersionNumbersAndNextForCandidate) {
  Report r = CheckHistory(Level::kBackward, 2,
                          [](std::size_t, std::size_t) {
                            Report one;
                            Finding f;
                            f.kind = JsonSchemaKind::kTypeChanged;
                            f.severity = Severity::kWarning;
                            one.Add(f);
                            return one;
                          },
                          {4, 7});
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_TRUE(r.compatible());
  EXPECT_EQ(r.findings[0].writer_version, 7);
  EXPECT_EQ(r.findings[0].reader_version, 8);
}

TEST(ModeTest, CheckHistoryWithNoneIsCompatibleWithoutCallingCheck) {
  int calls = 0;
  Report r = CheckHistory(Level::kNone, 5, [&](std::size_t, std::size_t) {
    ++calls;
    return Report{};
  });
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(r.compatible());
}

}  // namespace
}  // namespace accord::compat

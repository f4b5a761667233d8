// Report bookkeeping: verdict and finding order.
#include "accord/compat/report.h"

#include <gtest/gtest.h>

namespace accord::compat {
namespace {

// A finding labelled by its message (the order tests read labels back).
Finding Make(std::string label, Severity s) {
  Finding f;
  f.message = std::move(label);
  f.severity = s;
  return f;
}

std::vector<std::string> Kinds(const Report& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.push_back(f.message);
  return out;
}

TEST(ReportTest, EmptyReportIsCompatible) {
  Report r;
  EXPECT_TRUE(r.compatible());
  EXPECT_EQ(r.CountBreaking(), 0u);
}

TEST(ReportTest, BreakingFindingMakesReportIncompatible) {
  Report r;
  r.Add(Make("A", Severity::kBreaking));
  EXPECT_FALSE(r.compatible());
  EXPECT_EQ(r.verdict, Verdict::kIncompatible);
  EXPECT_EQ(r.CountBreaking(), 1u);
}

// Rule: an undecided finding fails the check (the engine never passes what
// it could not prove) but is counted apart from the proven breaks.
TEST(ReportTest, UndecidedFindingMakesReportIncompatibleAndIsCountedApart) {
  Report r;
  r.Add(Make("U", Severity::kUndecided));
  EXPECT_FALSE(r.compatible());
  EXPECT_EQ(r.verdict, Verdict::kIncompatible);
  EXPECT_EQ(r.CountBreaking(), 0u);
  EXPECT_EQ(r.CountUndecided(), 1u);
  EXPECT_TRUE(IsFailing(Severity::kUndecided));
  EXPECT_TRUE(IsFailing(Severity::kBreaking));
  EXPECT_FALSE(IsFailing(Severity::kWarning));
  EXPECT_FALSE(IsFailing(Severity::kSafe));
}

TEST(ReportTest, WarningsAndSafeChangesKeepReportCompatible) {
  Report r;
  r.Add(Make("W", Severity::kWarning));
  r.Add(Make("S", Severity::kSafe));
  EXPECT_TRUE(r.compatible());
  EXPECT_EQ(r.CountWarnings(), 1u);
  EXPECT_EQ(r.CountSafe(), 1u);
}

TEST(ReportTest, AddOrdersBreakingThenWarningThenSafeStably) {
  Report r;
  r.Add(Make("S1", Severity::kSafe));
  r.Add(Make("W1", Severity::kWarning));
  r.Add(Make("B1", Severity::kBreaking));
  r.Add(Make("S2", Severity::kSafe));
  r.Add(Make("B2", Severity::kBreaking));
  r.Add(Make("W2", Severity::kWarning));
  r.Add(Make("U1", Severity::kUndecided));
  EXPECT_EQ(Kinds(r), (std::vector<std::string>{"B1", "B2", "U1", "W1", "W2", "S1", "S2"}));
}

TEST(ReportTest, MergeKeepsOrderAndMergesVerdict) {
  Report a;
  a.Add(Make("WA", Severity::kWarning));
  Report b;
  b.Add(Make("BB", Severity::kBreaking));
  b.Add(Make("SB", Severity::kSafe));
  a.Merge(std::move(b));
  EXPECT_FALSE(a.compatible());
  EXPECT_EQ(Kinds(a), (std::vector<std::string>{"BB", "WA", "SB"}));
}

TEST(ReportTest, MergeOfIncompatibleReportWithoutFindingsStaysIncompatible) {
  Report a;
  Report b;
  b.verdict = Verdict::kIncompatible;
  a.Merge(std::move(b));
  EXPECT_FALSE(a.compatible());
}

TEST(ReportTest, MergeOfCompatibleReportsIsCompatible) {
  Report a;
  a.Add(Make("S", Severity::kSafe));
  Report b;
  b.Add(Make("W", Severity::kWarning));
  a.Merge(std::move(b));
  EXPECT_TRUE(a.compatible());
  EXPECT_EQ(a.findings.size(), 2u);
}

// Wire names are public API: each round-trips and parses case-insensitively.
TEST(ReportTest, SeverityNamesRoundTrip) {
  for (Severity s :
       {Severity::kBreaking, Severity::kUndecided, Severity::kWarning, Severity::kSafe}) {
    EXPECT_EQ(SeverityFromString(SeverityName(s)), s);
  }
  EXPECT_EQ(SeverityName(Severity::kBreaking), "BREAKING");
  EXPECT_EQ(SeverityName(Severity::kUndecided), "UNDECIDED");
  EXPECT_EQ(SeverityName(Severity::kWarning), "WARNING");
  EXPECT_EQ(SeverityName(Severity::kSafe), "SAFE");
  EXPECT_EQ(SeverityFromString("warning"), Severity::kWarning);
  EXPECT_EQ(SeverityFromString("fatal"), std::nullopt);
  EXPECT_EQ(SeverityFromString(""), std::nullopt);
}

TEST(ReportTest, VerdictNamesRoundTrip) {
  for (Verdict v : {Verdict::kCompatible, Verdict::kIncompatible}) {
    EXPECT_EQ(VerdictFromString(VerdictName(v)), v);
  }
  EXPECT_EQ(VerdictName(Verdict::kCompatible), "COMPATIBLE");
  EXPECT_EQ(VerdictName(Verdict::kIncompatible), "INCOMPATIBLE");
  EXPECT_EQ(VerdictFromString("Compatible"), Verdict::kCompatible);
  EXPECT_EQ(VerdictFromString("COMPATIBL"), std::nullopt);
}

}  // namespace
}  // namespace accord::compat

// format::Find / format::Check: one test per rule, then every string case of
// the JSON-Schema-Test-Suite's draft2020-12/optional/format files (read in
// place; skipped loudly when the shared test data is absent).

#include "accord/schemas/format.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace accord {
namespace {

bool Ok(std::string_view format_name, std::string_view value) {
  format::Checker checker = format::Find(format_name);
  EXPECT_NE(checker, nullptr) << format_name;
  return checker != nullptr && checker(value);
}

TEST(FormatTest, UnknownFormatsPass) {
  EXPECT_EQ(format::Find("no-such-format"), nullptr);
  EXPECT_TRUE(format::Check("no-such-format", "anything"));
  EXPECT_FALSE(format::Check("ipv4", "nope"));
}

TEST(FormatTest, EveryKnownFormatHasAChecker) {
  for (const char* name :
       {"date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
        "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid",
        "regex", "json-pointer", "relative-json-pointer"}) {
    EXPECT_NE(format::Find(name), nullptr) << name;
  }
}

// RFC 3339 section 5.6.
TEST(FormatTest, DateChecksDaysPerMonthAndLeapYears) {
  EXPECT_TRUE(Ok("date", "2020-02-29"));
  EXPECT_FALSE(Ok("date", "2021-02-29"));
  EXPECT_FALSE(Ok("date", "1900-02-29"));
  EXPECT_TRUE(Ok("date", "2000-02-29"));
  EXPECT_FALSE(Ok("date", "2020-04-31"));
  EXPECT_FALSE(Ok("date", "2020-1-01"));
  EXPECT_FALSE(Ok("date", "2020-01-01T00:00:00Z"));
}

TEST(FormatTest, TimeNeedsOffsetAndAllowsLeapSecondOnlyAt2359Utc) {
  EXPECT_TRUE(Ok("time", "23:59:60Z"));
  EXPECT_TRUE(Ok("time", "15:59:60-08:00"));
  EXPECT_TRUE(Ok("time", "00:29:60-23:30"));
  EXPECT_FALSE(Ok("time", "23:59:60+01:00"));
  EXPECT_FALSE(Ok("time", "12:00:00"));
  EXPECT_TRUE(Ok("time", "12:00:00.123456789z"));
  EXPECT_FALSE(Ok("time", "12:00:00.Z"));
  EXPECT_FALSE(Ok("time", "12:00:00+24:00"));
}

TEST(FormatTest, DateTime) {
  EXPECT_TRUE(Ok("date-time", "1963-06-19t08:30:06.283185z"));
  EXPECT_FALSE(Ok("date-time", "1963-06-19 08:30:06Z"));
  EXPECT_FALSE(Ok("date-time", "1990-02-31T15:59:59Z"));
}

// RFC 3339 appendix A.
TEST(FormatTest, DurationFollowsRfc3339Grammar) {
  for (const char* ok : {"P1Y", "P1Y2M", "P1M2D", "P1Y2M3DT4H5M6S", "PT1M2S", "P2W", "PT0S"}) {
    EXPECT_TRUE(Ok("duration", ok)) << ok;
  }
  for (const char* bad : {"P", "PT", "P1Y2D", "PT1H2S", "P1YT", "P1W2D", "PT0.5S", "P1DT1H1D"}) {
    EXPECT_FALSE(Ok("duration", bad)) << bad;
  }
}

TEST(FormatTest, Ipv4IsStrictDottedQuad) {
  EXPECT_TRUE(Ok("ipv4", "0.0.0.0"));
  EXPECT_FALSE(Ok("ipv4", "01.2.3.4"));
  EXPECT_FALSE(Ok("ipv4", "1.2.3"));
  EXPECT_FALSE(Ok("ipv4", "1.2.3.256"));
}

// RFC 4291 section 2.2.
TEST(FormatTest, Ipv6TextForms) {
  for (const char* ok : {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1::8", "::ffff:1.2.3.4",
                         "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5::1.2.3.4"}) {
    EXPECT_TRUE(Ok("ipv6", ok)) << ok;
  }
  for (const char* bad : {"1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8",
                          "::1.2.3.4:1", "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7:1.2.3.4"}) {
    EXPECT_FALSE(Ok("ipv6", bad)) << bad;
  }
}

// RFC 1123 plus IDNA2008 A-labels.
TEST(FormatTest, Hostname) {
  EXPECT_TRUE(Ok("hostname", "a-b.example.com"));
  EXPECT_FALSE(Ok("hostname", std::string(64, 'a')));
  EXPECT_TRUE(Ok("hostname", std::string(63, 'a')));
  EXPECT_FALSE(Ok("hostname", "under_score.com"));
  EXPECT_TRUE(Ok("hostname", "xn--bcher-kva.example"));   // bücher
  EXPECT_FALSE(Ok("hostname", "xn--bcher-kvb.example"));  // garbage Punycode
  EXPECT_FALSE(Ok("hostname", "b\u00fccher.example"));    // U-labels are idn-hostname only
}

TEST(FormatTest, IdnHostname) {
  EXPECT_TRUE(Ok("idn-hostname", "b\u00fccher.example"));
  EXPECT_TRUE(Ok("idn-hostname", "xn--bcher-kva.example"));
  EXPECT_TRUE(Ok("idn-hostname", "\u4f8b\u3002\u4e2d\u56fd"));  // ideographic full stop
  EXPECT_FALSE(Ok("idn-hostname", "\u0301a"));                  // leading combining mark
  EXPECT_FALSE(Ok("idn-hostname", "a\u2764b"));                 // symbol: DISALLOWED
  EXPECT_FALSE(Ok("idn-hostname", "\u05d0a"));                  // Bidi rule: RTL label with an L
  EXPECT_FALSE(Ok("idn-hostname", "a\xff"));                    // malformed UTF-8
}

TEST(FormatTest, Email) {
  EXPECT_TRUE(Ok("email", "a.b+tag@example.com"));
  EXPECT_TRUE(Ok("email", "\"a b\"@example.com"));
  EXPECT_TRUE(Ok("email", "x@[IPv6:::1]"));
  EXPECT_FALSE(Ok("email", "a..b@example.com"));
  EXPECT_FALSE(Ok("email", "\u00e9@example.com"));
  EXPECT_TRUE(Ok("idn-email", "\u00e9@example.com"));
  EXPECT_FALSE(Ok("email", std::string(65, 'a') + "@example.com"));
}

// RFC 3986 / 3987.
TEST(FormatTest, UriAndReferences) {
  EXPECT_TRUE(Ok("uri", "https://user:pw@host:8080/p/a%20th?q=1#f"));
  EXPECT_FALSE(Ok("uri", "/relative"));
  EXPECT_TRUE(Ok("uri-reference", "/relative"));
  EXPECT_FALSE(Ok("uri-reference", "a:b:c d"));
  EXPECT_FALSE(Ok("uri", "http://h/\u00e9"));
  EXPECT_TRUE(Ok("iri", "http://h/\u00e9"));
  EXPECT_TRUE(Ok("iri-reference", "\u00e9"));
  EXPECT_TRUE(Ok("uri", "http://[v7.abc]/"));
  EXPECT_FALSE(Ok("uri", "http://[1::2::3]/"));
}

// RFC 6570.
TEST(FormatTest, UriTemplate) {
  EXPECT_TRUE(Ok("uri-template", "/users/{id}{?fields*,limit:10}"));
  EXPECT_FALSE(Ok("uri-template", "/users/{id"));
  EXPECT_FALSE(Ok("uri-template", "{=x}"));  // reserved operator
}

TEST(FormatTest, Uuid) {
  EXPECT_TRUE(Ok("uuid", "2eb8aa08-AA98-11ea-B4Aa-73B441D16380"));
  EXPECT_FALSE(Ok("uuid", "{2eb8aa08-aa98-11ea-b4aa-73b441d16380}"));
}

TEST(FormatTest, JsonPointers) {
  EXPECT_TRUE(Ok("json-pointer", ""));
  EXPECT_TRUE(Ok("json-pointer", "/a~0b~1c"));
  EXPECT_FALSE(Ok("json-pointer", "/a~2"));
  EXPECT_TRUE(Ok("relative-json-pointer", "0#"));
  EXPECT_TRUE(Ok("relative-json-pointer", "3/a"));
  EXPECT_FALSE(Ok("relative-json-pointer", "03/a"));
  EXPECT_FALSE(Ok("relative-json-pointer", "#"));
}

TEST(FormatTest, RegexIsASyntaxCheckOnly) {
  EXPECT_TRUE(Ok("regex", "^[a-z]+$"));
  EXPECT_TRUE(Ok("regex", "(?=lookahead)"));  // valid ECMA, unsupported by RE2
  EXPECT_TRUE(Ok("regex", "(a)\\1"));
  EXPECT_TRUE(Ok("regex", "a{5000}"));
  EXPECT_FALSE(Ok("regex", "(unclosed"));
  EXPECT_FALSE(Ok("regex", "\\a"));
}

// Robustness: random and mutated strings never crash a checker, and huge
// inputs finish quickly (checkers run on untrusted event data).
TEST(FormatTest, RandomInputsNeverCrashAnyChecker) {
  const char* names[] = {"date-time",
                         "date",
                         "time",
                         "duration",
                         "email",
                         "idn-email",
                         "hostname",
                         "idn-hostname",
                         "ipv4",
                         "ipv6",
                         "uri",
                         "uri-reference",
                         "iri",
                         "iri-reference",
                         "uri-template",
                         "uuid",
                         "regex",
                         "json-pointer",
                         "relative-json-pointer"};
  const std::vector<std::string> seeds = {"2020-02-29T23:59:60.5+01:30",
                                          "P1Y2M3DT4H5M6S",
                                          "\"a b\"@[IPv6:::1]",
                                          "xn--bcher-kva.example",
                                          "b\u00fccher\u3002\u05d0\u0660",
                                          "1:2::192.168.0.1",
                                          "http://u@[v1.x]:80/p?q#f",
                                          "{+a,b.c:12,d*}",
                                          "0#",
                                          "/a~0b",
                                          "(?<n>a)\\k<n>[^\\S]"};
  const std::vector<std::string> pieces = {"-",
                                           ":",
                                           ".",
                                           "@",
                                           "%",
                                           "%4",
                                           "[",
                                           "]",
                                           "{",
                                           "}",
                                           "~",
                                           "#",
                                           "/",
                                           "?",
                                           "xn--",
                                           "\u00e9",
                                           "\u200c",
                                           "\u00b7",
                                           "\xff",
                                           "\xed\xa0\x80",
                                           std::string(1, '\0'),
                                           "9",
                                           "60",
                                           "T",
                                           "Z",
                                           "+"};
  std::mt19937 rng(6570);
  for (int i = 0; i < 20000; ++i) {
    std::string v = seeds[rng() % seeds.size()];
    int edits = static_cast<int>(rng() % 5);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng() % (v.size() + 1);
      switch (rng() % 3) {
        case 0:
          v.insert(at, pieces[rng() % pieces.size()]);
          break;
        case 1:
          if (at < v.size()) v.erase(at, 1 + rng() % 3);
          break;
        default:
          if (at < v.size()) v[at] = static_cast<char>(rng() % 256);
          break;
      }
    }
    for (const char* name : names) (void)format::Check(name, v);
  }
  auto start = std::chrono::steady_clock::now();
  std::string huge_label(1 << 20, 'a');
  std::string huge_unicode;
  for (int i = 0; i < 200000; ++i) huge_unicode += "\u00e9";
  for (const char* name : names) {
    // (A control character is a valid regex literal.)
    if (std::string_view(name) != "regex") {
      EXPECT_FALSE(format::Check(name, huge_label + "\x01")) << name;
    }
    (void)format::Check(name, huge_unicode);
  }
  EXPECT_FALSE(format::Check("regex", huge_label + "("));  // syntax is checked at any size
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

// --- JSON-Schema-Test-Suite ----------------------------------------------------

std::filesystem::path TestdataRoot() {
  if (const char* env = std::getenv("ACCORD_TESTDATA"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(ACCORD_SOURCE_DIR) / ".." / "shared" / "testdata";
}

class FormatSuiteTest : public ::testing::TestWithParam<const char*> {};

TEST_P(FormatSuiteTest, OptionalFormatFilesPass) {
  std::filesystem::path dir =
      TestdataRoot() / "JSON-Schema-Test-Suite" / "tests" / GetParam() / "optional" / "format";
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "JSON-Schema-Test-Suite not found at " << dir << " (set ACCORD_TESTDATA)";
  }
  struct Count {
    int run = 0;
    int passed = 0;
  };
  std::map<std::string, Count> counts;  // by format name
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    auto doc = LoadFile(entry.path().string(), Syntax::kJson);
    ASSERT_TRUE(doc.has_value()) << entry.path() << ": " << doc.error().ToString();
    for (const json::Value& group : doc->root.AsArray()) {
      const json::Value* fmt = group.Find("schema")->Find("format");
      if (fmt == nullptr || !fmt->IsString()) continue;
      const std::string& name = fmt->AsString();
      for (const json::Value& test : group.Find("tests")->AsArray()) {
        const json::Value& data = *test.Find("data");
        if (!data.IsString()) continue;  // formats ignore non-strings
        bool expected = test.Find("valid")->AsBool();
        bool got = format::Check(name, data.AsString());
        Count& c = counts[name];
        ++c.run;
        if (got == expected) ++c.passed;
        EXPECT_EQ(got, expected) << entry.path().filename().string() << ": "
                                 << group.Find("description")->AsString() << " / "
                                 << test.Find("description")->AsString() << " / \""
                                 << data.AsString() << "\"";
      }
    }
  }
  EXPECT_FALSE(counts.empty());
  for (const auto& [name, c] : counts) {
    std::printf("[ suite    ] %s format %-22s %3d/%3d\n", GetParam(), name.c_str(), c.passed,
                c.run);
  }
}

INSTANTIATE_TEST_SUITE_P(Drafts, FormatSuiteTest,
                         ::testing::Values("draft2020-12", "draft2019-09", "draft7", "draft6",
                                           "draft4"));

}  // namespace
}  // namespace accord

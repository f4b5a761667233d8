// EcmaRegex: ECMA-262 pattern -> RE2 translation, rejections, and the
// JSON-Schema-Test-Suite regex cases (read in place from the shared test data).

#include "accord/schemas/regex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "accord/schemas/format.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace accord {
namespace {

// Compiles or fails the test.
EcmaRegex MustCompile(std::string_view pattern) {
  auto re = EcmaRegex::Compile(pattern);
  EXPECT_TRUE(re.has_value()) << pattern << ": " << (re ? "" : re.error().message);
  if (!re) return std::move(*EcmaRegex::Compile("(?:)"));
  return std::move(*re);
}

ErrorCode CodeOf(std::string_view pattern) {
  auto re = EcmaRegex::Compile(pattern);
  EXPECT_FALSE(re.has_value()) << pattern << " compiled to " << (re ? re->translated() : "");
  return re ? ErrorCode::kIo : re.error().code;
}

bool Matches(std::string_view pattern, std::string_view text) {
  return MustCompile(pattern).Search(text);
}

// --- Matching is a search ---------------------------------------------------

TEST(EcmaRegexTest, SearchIsUnanchored) {
  EXPECT_TRUE(Matches("a+", "xxaayy"));
  EXPECT_FALSE(Matches("a+", "xyz"));
  EXPECT_TRUE(Matches("", "anything"));
}

TEST(EcmaRegexTest, CaseSensitive) { EXPECT_FALSE(Matches("abc", "ABC")); }

// --- Anchors ------------------------------------------------------------------

TEST(EcmaRegexTest, DollarMatchesOnlyAtEndOfInput) {
  EXPECT_TRUE(Matches("^abc$", "abc"));
  EXPECT_FALSE(Matches("^abc$", "abc\n"));  // Python/PCRE would match
  EXPECT_FALSE(Matches("abc$", "abc\ndef"));
  EXPECT_FALSE(Matches("^def", "abc\ndef"));  // no multiline
}

// --- Character class escapes ---------------------------------------------------

TEST(EcmaRegexTest, DigitIsAsciiOnly) {
  EXPECT_TRUE(Matches("^\\d$", "0"));
  EXPECT_FALSE(Matches("^\\d$", "\u07c0"));         // NKO DIGIT ZERO
  EXPECT_FALSE(Matches("^\\d+$", "\u09ea\u09e8"));  // Bengali digits
  EXPECT_TRUE(Matches("^\\D$", "\u07c0"));
  EXPECT_FALSE(Matches("^\\D$", "7"));
}

TEST(EcmaRegexTest, WordIsAsciiOnly) {
  EXPECT_TRUE(Matches("^\\w+$", "aZ_09"));
  EXPECT_FALSE(Matches("^\\w$", "\u00e9"));
  EXPECT_TRUE(Matches("^\\W$", "\u00e9"));
  EXPECT_FALSE(Matches("^\\W$", "_"));
}

TEST(EcmaRegexTest, SpaceFollowsEcmaWhiteSpaceAndLineTerminators) {
  for (const char* ws : {" ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u1680", "\u2000", "\u2003",
                         "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"}) {
    EXPECT_TRUE(Matches("^\\s$", ws)) << "U+" << std::hex << static_cast<int>(ws[0]);
    EXPECT_FALSE(Matches("^\\S$", ws));
  }
  for (const char* other : {"a", "\x01", "\u2013", "\u0085", "\u200b", "\U0001F600"}) {
    EXPECT_FALSE(Matches("^\\s$", other));
    EXPECT_TRUE(Matches("^\\S$", other));
  }
}

TEST(EcmaRegexTest, ClassEscapesInsideClasses) {
  EXPECT_TRUE(Matches("^[\\d]$", "5"));
  EXPECT_TRUE(Matches("^[\\D]$", "x"));
  EXPECT_FALSE(Matches("^[\\D]$", "5"));
  EXPECT_TRUE(Matches("^[\\s]$", "\u3000"));
  EXPECT_TRUE(Matches("^[\\S]$", "x"));
  EXPECT_FALSE(Matches("^[\\S]$", "\u2028"));
  EXPECT_TRUE(Matches("^[^\\S]$", "\u00a0"));  // double negation
  EXPECT_FALSE(Matches("^[^\\S]$", "x"));
  EXPECT_TRUE(Matches("^[^\\D]$", "3"));
  EXPECT_FALSE(Matches("^[^\\D]$", "x"));
  EXPECT_TRUE(Matches("^[^\\s\\d]$", "x"));
  EXPECT_FALSE(Matches("^[^\\s\\d]$", " "));
  EXPECT_FALSE(Matches("^[^\\s\\d]$", "1"));
  EXPECT_TRUE(Matches("^[\\w\\s-]+$", "a b-c"));
  EXPECT_TRUE(Matches("^[\\b]$", "\b"));  // \b in a class is backspace
}

// --- Dot ----------------------------------------------------------------------

TEST(EcmaRegexTest, DotExcludesLineTerminatorsOnly) {
  EXPECT_TRUE(Matches("^.$", "a"));
  EXPECT_TRUE(Matches("^.$", "\U0001F600"));  // one code point, not two units
  EXPECT_TRUE(Matches("^.$", "\t"));
  EXPECT_TRUE(Matches("^.$", "\u0085"));
  for (const char* lt : {"\n", "\r", "\u2028", "\u2029"}) EXPECT_FALSE(Matches("^.$", lt));
}

// --- Quantifiers -------------------------------------------------------------------

TEST(EcmaRegexTest, BracedQuantifiers) {
  EXPECT_TRUE(Matches("^a{2}$", "aa"));
  EXPECT_FALSE(Matches("^a{2}$", "aaa"));
  EXPECT_TRUE(Matches("^a{2,}$", "aaaaa"));
  EXPECT_FALSE(Matches("^a{2,}$", "a"));
  EXPECT_TRUE(Matches("^a{1,3}$", "aaa"));
  EXPECT_FALSE(Matches("^a{1,3}$", "aaaa"));
  EXPECT_TRUE(Matches("^a{0,1000}$", "aaaa"));
}

TEST(EcmaRegexTest, LazyQuantifiers) {
  EXPECT_TRUE(Matches("^a+?$", "aaa"));
  EXPECT_TRUE(Matches("^a*?b??c{1,2}?$", "aacc"));
  EXPECT_TRUE(Matches("^(?:ab)+?$", "abab"));
}

TEST(EcmaRegexTest, BraceThatIsNotAQuantifierIsLiteral) {
  EXPECT_TRUE(Matches("^a{$", "a{"));
  EXPECT_TRUE(Matches("^{foo}$", "{foo}"));
  EXPECT_TRUE(Matches("^x{1,a}$", "x{1,a}"));
  EXPECT_TRUE(Matches("^a}$", "a}"));
  EXPECT_TRUE(Matches("^]$", "]"));
  EXPECT_TRUE(Matches("^\\{\\}$", "{}"));
}

TEST(EcmaRegexTest, RepetitionAboveRe2LimitIsUnsupported) {
  EXPECT_EQ(CodeOf("a{1001}"), ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(CodeOf("a{0,65535}"), ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(CodeOf("a{99999999999999999999}"), ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(CodeOf("(?:a{500}){3}"), ErrorCode::kUnsupportedRegex);  // RE2's nested limit
  EXPECT_EQ(CodeOf("((a{100}){100}){100}"), ErrorCode::kUnsupportedRegex);
}

// --- Groups -------------------------------------------------------------------

TEST(EcmaRegexTest, Groups) {
  EXPECT_TRUE(Matches("^(?:ab|cd)+$", "abcdab"));
  EXPECT_TRUE(Matches("^(ab|)$", ""));
  EXPECT_TRUE(Matches("^()$", ""));
  EXPECT_TRUE(Matches("a|", "zzz"));
}

TEST(EcmaRegexTest, NamedGroupsBecomeRe2NamedGroups) {
  EcmaRegex re = MustCompile("^(?<year>\\d{4})-(?<m>\\d\\d)$");
  EXPECT_TRUE(re.Search("2024-01"));
  EXPECT_NE(re.translated().find("(?P<year>"), std::string::npos) << re.translated();
  EXPECT_TRUE(Matches("^(?<$d\u00e9>x)$", "x"));  // names RE2 would reject still work
  EXPECT_EQ(CodeOf("(?<a>x)(?<a>y)"), ErrorCode::kInvalidSchema);  // duplicate name
  EXPECT_EQ(CodeOf("(?<1a>x)"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?<>x)"), ErrorCode::kInvalidSchema);
}

TEST(EcmaRegexTest, Modifiers) {
  EXPECT_TRUE(Matches("^(?i:abc)d$", "ABCd"));
  EXPECT_FALSE(Matches("^(?i:abc)d$", "ABCD"));
  EXPECT_FALSE(Matches("(?i:a(?-i:b))", "AB"));
  EXPECT_TRUE(Matches("^(?s:.)$", "\n"));
  EXPECT_EQ(CodeOf("(?m:^a)"), ErrorCode::kUnsupportedRegex);
  EXPECT_TRUE(Matches("(?m:a)", "a"));  // m without anchors changes nothing
  EXPECT_EQ(CodeOf("(?i)abc"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?ii:a)"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?-:a)"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?x:a)"), ErrorCode::kInvalidSchema);
}

// --- Character escapes ---------------------------------------------------------

TEST(EcmaRegexTest, ControlEscapes) {
  EXPECT_TRUE(Matches("^\\t\\n\\v\\f\\r$", "\t\n\v\f\r"));
  EXPECT_FALSE(Matches("^\\t$", "\\t"));
  EXPECT_TRUE(Matches("^\\cC$", "\x03"));
  EXPECT_TRUE(Matches("^\\cc$", "\x03"));
  EXPECT_TRUE(Matches("^[\\cJ]$", "\n"));
  EXPECT_EQ(CodeOf("\\c1"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\c"), ErrorCode::kInvalidSchema);
}

TEST(EcmaRegexTest, NulEscape) {
  EXPECT_TRUE(Matches("^a\\0b$", std::string_view("a\0b", 3)));
  EXPECT_EQ(CodeOf("\\01"), ErrorCode::kInvalidSchema);  // no octal in u-mode
}

TEST(EcmaRegexTest, HexAndUnicodeEscapes) {
  EXPECT_TRUE(Matches("^\\x41\\u0042\\u{43}$", "ABC"));
  EXPECT_TRUE(Matches("^\\u00e9$", "\u00e9"));
  EXPECT_TRUE(Matches("^\\u{1F600}$", "\U0001F600"));
  EXPECT_TRUE(Matches("^\\u{0000000041}$", "A"));
  EXPECT_TRUE(Matches("^[\\u0041-\\u005A]+$", "XYZ"));
  EXPECT_EQ(CodeOf("\\x4"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\u12"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\u{110000}"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\u{}"), ErrorCode::kInvalidSchema);
}

TEST(EcmaRegexTest, SurrogatePairEscapesAreOneCodePoint) {
  EXPECT_TRUE(Matches("^\\uD83D\\uDE00$", "\U0001F600"));
  EXPECT_TRUE(Matches("^\\uD83D\\uDC32*$", "\U0001F432\U0001F432"));
  EXPECT_FALSE(Matches("^\\uD83D\\uDC32*$", "\U0001F409"));
  EXPECT_TRUE(Matches("^[\\uD83D\\uDE00-\\uD83D\\uDE4F]$", "\U0001F610"));
  // A lone surrogate can never occur in UTF-8 text.
  EXPECT_FALSE(Matches("\\uD83D", "\U0001F600"));
  EXPECT_TRUE(Matches("^[^\\uD800]$", "x"));
}

TEST(EcmaRegexTest, LiteralNonBmpCharacterIsQuantifiedWhole) {
  EXPECT_TRUE(Matches("^\U0001F432*$", ""));
  EXPECT_TRUE(Matches("^\U0001F432*$", "\U0001F432\U0001F432"));
  EXPECT_FALSE(Matches("^\U0001F432*$", "\U0001F409"));
  EXPECT_FALSE(Matches("^\U0001F432*$", "DD"));
}

TEST(EcmaRegexTest, IdentityEscapes) {
  EXPECT_TRUE(Matches("^\\/\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$", "/.*+?()[]{}|^$\\"));
  EXPECT_TRUE(Matches("^[\\-\\]]+$", "-]"));
  // Lenient: other ASCII punctuation (common in real schemas).
  EXPECT_TRUE(Matches("^\\-\\_\\@\\ \\#$", "-_@ #"));
  // Escaped letters with no ECMA meaning differ between dialects: rejected.
  for (const char* bad :
       {"\\a", "\\e", "\\z", "\\Z", "\\A", "\\G", "\\Q", "\\8", "\\i", "\\\u00e9"}) {
    EXPECT_EQ(CodeOf(bad), ErrorCode::kInvalidSchema) << bad;
  }
}

TEST(EcmaRegexTest, Re2OnlySyntaxHasNoRe2Meaning) {
  // [[:alpha:]] is the class {[, :, a, l, p, h} followed by "]".
  EXPECT_TRUE(Matches("^[[:alpha:]]$", ":]"));
  EXPECT_FALSE(Matches("^[[:alpha:]]$", "b"));
  EXPECT_EQ(CodeOf("(?P<n>x)"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?#comment)"), ErrorCode::kInvalidSchema);
}

// --- Word boundaries ------------------------------------------------------------

TEST(EcmaRegexTest, WordBoundaries) {
  EXPECT_TRUE(Matches("\\bfoo\\b", "a foo b"));
  EXPECT_FALSE(Matches("\\bfoo\\b", "afoob"));
  EXPECT_TRUE(Matches("\\Bfoo", "afoo"));
  EXPECT_EQ(CodeOf("\\b+"), ErrorCode::kInvalidSchema);
}

// --- Character classes -----------------------------------------------------------

TEST(EcmaRegexTest, CharacterClasses) {
  EXPECT_TRUE(Matches("^[a-c-]+$", "a-c"));
  EXPECT_TRUE(Matches("^[-a]$", "-"));
  EXPECT_TRUE(Matches("^[a-b-c]$", "-"));
  EXPECT_TRUE(Matches("^[^a-z]$", "A"));
  EXPECT_TRUE(Matches("^[.]$", "."));
  EXPECT_FALSE(Matches("^[.]$", "x"));
  EXPECT_TRUE(Matches("^[$^]+$", "^$"));
  EXPECT_TRUE(Matches("^[(]$", "("));
  EXPECT_TRUE(Matches("^[\u00e9-\u00ea]$", "\u00ea"));
}

TEST(EcmaRegexTest, DashNextToClassEscapeIsLiteral) {
  // Annex B reading (u-mode would reject): \w, '-', '.'.
  EXPECT_TRUE(Matches("^[\\w-.]+$", "a-b.c"));
  EXPECT_FALSE(Matches("^[\\w-.]+$", "a,b"));
  EXPECT_TRUE(Matches("^[a-\\d]+$", "a-1"));
  EXPECT_FALSE(Matches("^[a-\\d]+$", "b"));
  EXPECT_TRUE(Matches("^[\\s-\\d]$", "-"));
}

TEST(EcmaRegexTest, EmptyClasses) {
  EXPECT_FALSE(Matches("[]", "anything"));
  EXPECT_FALSE(Matches("[]", ""));
  EXPECT_TRUE(Matches("^[^]$", "\n"));
  EXPECT_TRUE(Matches("^[^]$", "\U0001F600"));
}

TEST(EcmaRegexTest, InvalidClasses) {
  EXPECT_EQ(CodeOf("[z-a]"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("[abc"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("[\\1]"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("[\\B]"), ErrorCode::kInvalidSchema);
}

// --- Unicode properties ------------------------------------------------------------

TEST(EcmaRegexTest, GeneralCategoryProperties) {
  EXPECT_TRUE(Matches("^\\p{L}+$", "Hello\u03c0"));
  EXPECT_TRUE(Matches("^\\p{Letter}+$", "\u00e9"));
  EXPECT_FALSE(Matches("^\\p{Letter}+$", "123"));
  EXPECT_TRUE(Matches("^\\p{digit}+$", "\u09ea\u09e8"));
  EXPECT_TRUE(Matches("^\\p{gc=Lu}$", "\u00c9"));
  EXPECT_TRUE(Matches("^\\p{General_Category=Decimal_Number}$", "7"));
  EXPECT_TRUE(Matches("^\\P{L}$", "1"));
  EXPECT_FALSE(Matches("^\\P{L}$", "a"));
  EXPECT_TRUE(Matches("^[\\p{Lu}\\d]+$", "A1"));
  EXPECT_TRUE(Matches("^[^\\p{Lu}]$", "a"));
  EXPECT_TRUE(Matches("^\\p{LC}$", "a"));
  EXPECT_FALSE(Matches("^\\p{LC}$", "\u01c0"));  // Lo
  EXPECT_TRUE(Matches("^\\P{LC}$", "\u01c0"));
}

TEST(EcmaRegexTest, OtherCategoryIncludesUnassigned) {
  EXPECT_TRUE(Matches("^\\p{C}$", "\x01"));
  EXPECT_TRUE(Matches("^\\p{C}$", "\u0378"));  // unassigned
  EXPECT_FALSE(Matches("^\\p{C}$", "a"));
  EXPECT_TRUE(Matches("^\\p{Cn}$", "\u0378"));
  EXPECT_FALSE(Matches("^\\p{Cn}$", "\x01"));
  EXPECT_TRUE(Matches("^[x\\p{Cn}]$", "x"));
  EXPECT_TRUE(Matches("^[^\\p{C}]$", "a"));
  EXPECT_FALSE(Matches("^[^\\p{C}]$", "\x01"));
  EXPECT_TRUE(Matches("^\\P{C}$", "a"));
  EXPECT_EQ(CodeOf("[^a\\p{C}]"), ErrorCode::kUnsupportedRegex);
}

TEST(EcmaRegexTest, ScriptAndBinaryProperties) {
  EXPECT_TRUE(Matches("^\\p{Script=Greek}+$", "\u03c0\u03b1"));
  EXPECT_TRUE(Matches("^\\p{sc=Grek}$", "\u03c0"));
  EXPECT_FALSE(Matches("^\\p{sc=Latn}$", "\u03c0"));
  EXPECT_TRUE(Matches("^\\p{sc=Han}$", "\u4e2d"));  // short long-names pass through
  EXPECT_TRUE(Matches("^\\p{Script=Yi}$", "\ua000"));
  EXPECT_TRUE(Matches("^\\p{Script=Old_Italic}$", "\U00010300"));
  EXPECT_EQ(CodeOf("\\p{sc=Lu}"), ErrorCode::kUnsupportedRegex);  // a category, not a script
  EXPECT_TRUE(Matches("^\\p{ASCII}+$", "abc~"));
  EXPECT_FALSE(Matches("^\\p{ASCII}$", "\u00e9"));
  EXPECT_TRUE(Matches("^\\P{ASCII}$", "\u00e9"));
  EXPECT_TRUE(Matches("^\\p{Any}$", "\n"));
  EXPECT_TRUE(Matches("^\\p{AHex}+$", "09afAF"));
  EXPECT_TRUE(Matches("^\\p{White_Space}$", "\u0085"));
  EXPECT_EQ(CodeOf("\\p{Emoji}"), ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(CodeOf("\\p{scx=Grek}"), ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(CodeOf("\\p{NoSuchProperty}"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\p{letter}"), ErrorCode::kInvalidSchema);  // names are case-sensitive
  EXPECT_EQ(CodeOf("\\p{gc=Nope}"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\pL"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\p{L"), ErrorCode::kInvalidSchema);
}

// --- Rejections ---------------------------------------------------------------

TEST(EcmaRegexTest, LookAroundIsUnsupported) {
  for (const char* p : {"(?=a)b", "a(?!b)", "(?<=a)b", "(?<!a)b", "(?<=a+)b"}) {
    auto re = EcmaRegex::Compile(p);
    ASSERT_FALSE(re.has_value()) << p;
    EXPECT_EQ(re.error().code, ErrorCode::kUnsupportedRegex) << p;
    EXPECT_NE(re.error().message.find(p), std::string::npos) << "message quotes the pattern";
  }
}

TEST(EcmaRegexTest, BackReferencesAreUnsupported) {
  EXPECT_EQ(CodeOf("(a)\\1"), ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(CodeOf("(?<n>a)\\k<n>"), ErrorCode::kUnsupportedRegex);
  EXPECT_EQ(CodeOf("\\1(a)"), ErrorCode::kUnsupportedRegex);  // forward reference
}

TEST(EcmaRegexTest, BadBackReferencesAreInvalid) {
  EXPECT_EQ(CodeOf("\\1"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(a)\\2"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\\k<n>"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?<m>a)\\k<n>"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?<n>a)\\k"), ErrorCode::kInvalidSchema);
}

TEST(EcmaRegexTest, SyntaxErrorWinsOverUnsupportedConstruct) {
  EXPECT_EQ(CodeOf("(?=a"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("(?=a)("), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("a{2000}\\a"), ErrorCode::kInvalidSchema);
}

TEST(EcmaRegexTest, InvalidPatterns) {
  for (const char* p : {"(",  ")",       "a)",  "(a",     "^(abc]", "*",     "a**", "+a",
                        "?",  "a{2}{3}", "{2}", "a{3,2}", "\\",     "a|*",   "(*)", "a???",
                        "^*", "$+",      "(?",  "(?<",    "(?<a",   "(?<a>", "(?:", "x{2,1}?"}) {
    auto re = EcmaRegex::Compile(p);
    ASSERT_FALSE(re.has_value()) << p << " -> " << re->translated();
    EXPECT_EQ(re.error().code, ErrorCode::kInvalidSchema) << p << ": " << re.error().message;
    EXPECT_NE(re.error().message.find(std::string("\"") + p + "\""), std::string::npos)
        << re.error().message;
  }
}

TEST(EcmaRegexTest, MalformedUtf8IsInvalid) {
  EXPECT_EQ(CodeOf("a\xff"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\xc3"), ErrorCode::kInvalidSchema);
  EXPECT_EQ(CodeOf("\xed\xa0\x80"), ErrorCode::kInvalidSchema);  // encoded surrogate
}

TEST(EcmaRegexTest, HugePatternsFailCleanly) {
  std::string deep(5000, '(');
  deep += std::string(5000, ')');
  EXPECT_EQ(CodeOf(deep), ErrorCode::kUnsupportedRegex);
  std::string big;
  for (int i = 0; i < 300; ++i) big += "\\S{1000}";
  EXPECT_EQ(CodeOf(big), ErrorCode::kUnsupportedRegex);  // RE2 memory budget
  std::string wide;
  for (int i = 0; i < 20000; ++i) wide += "[a-z]";
  auto re = EcmaRegex::Compile(wide);  // either compiles or a clean error
  if (!re) {
    EXPECT_EQ(re.error().code, ErrorCode::kUnsupportedRegex);
  }
}

TEST(EcmaRegexTest, AdversarialPatternsCompileInLinearTime) {
  // Each would be quadratic (or worse) with a naive scanner; all must finish
  // well inside the unit-test budget.
  auto start = std::chrono::steady_clock::now();
  std::string many_names;
  for (int i = 0; i < 100000; ++i) many_names += "(?<";
  EXPECT_EQ(CodeOf(many_names), ErrorCode::kInvalidSchema);
  std::string braces;
  for (int i = 0; i < 100000; ++i) braces += "a{12345";
  (void)EcmaRegex::Compile(braces);
  std::string alternation = "a";
  for (int i = 0; i < 50000; ++i) alternation += "|b" + std::to_string(i);
  (void)EcmaRegex::Compile(alternation);
  std::string classes;
  for (int i = 0; i < 20000; ++i) classes += "[^\\S\\d\\p{L}]";
  (void)EcmaRegex::Compile(classes);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

TEST(EcmaRegexTest, PatternsThatBacktrackExponentiallyElsewhereRunFast) {
  EcmaRegex re = MustCompile("^(a+)+$");
  std::string text(100000, 'a');
  text += 'b';
  EXPECT_FALSE(re.Search(text));
}

TEST(EcmaRegexTest, SearchOnMalformedUtf8NeverMatchesDotAcrossBadBytes) {
  EcmaRegex re = MustCompile("^.$");
  EXPECT_FALSE(re.Search("\xff\xfe"));
  EXPECT_TRUE(
      MustCompile("a").Search("\xff"
                              "a"
                              "\xfe"));
}

TEST(EcmaRegexTest, SearchIsThreadSafe) {
  EcmaRegex re = MustCompile("^(?:[a-z]+\\d{2}\\s?)+$");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!re.Search("abc12 def34") || re.Search("abc1")) ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(EcmaRegexTest, MoveKeepsTheCompiledRegex) {
  EcmaRegex a = MustCompile("x+");
  EcmaRegex b = std::move(a);
  EXPECT_TRUE(b.Search("axxb"));
  EXPECT_EQ(b.pattern(), "x+");
}

// --- Robustness: random and mutated patterns never crash ----------------------

TEST(EcmaRegexTest, RandomPatternsCompileOrFailCleanly) {
  std::mt19937 rng(20261126);
  const std::vector<std::string> pieces = {"a",
                                           "b",
                                           "\\",
                                           "(",
                                           ")",
                                           "[",
                                           "]",
                                           "{",
                                           "}",
                                           "|",
                                           "*",
                                           "+",
                                           "?",
                                           ".",
                                           "^",
                                           "$",
                                           "-",
                                           ",",
                                           "0",
                                           "1",
                                           "9",
                                           "1000",
                                           "1001",
                                           "\\d",
                                           "\\D",
                                           "\\s",
                                           "\\S",
                                           "\\w",
                                           "\\W",
                                           "\\b",
                                           "\\B",
                                           "\\p{L}",
                                           "\\P{Lu}",
                                           "\\p{",
                                           "\\p{C}",
                                           "\\p{Cn}",
                                           "\\u",
                                           "\\u{",
                                           "\\uD83D",
                                           "\\uDE00",
                                           "\\x",
                                           "\\c",
                                           "\\k<",
                                           "(?",
                                           "(?:",
                                           "(?=",
                                           "(?!",
                                           "(?<=",
                                           "(?<!",
                                           "(?<n>",
                                           "(?i:",
                                           "(?s:",
                                           "(?m:",
                                           "<",
                                           ">",
                                           "=",
                                           "!",
                                           ":",
                                           "\\1",
                                           "\\0",
                                           "[^",
                                           "\u00e9",
                                           "\U0001F600",
                                           "\xff",
                                           "\xed\xa0\x80",
                                           std::string(1, '\0'),
                                           "{2}",
                                           "{2,}",
                                           "{1,3}",
                                           "{3,1}"};
  const std::vector<std::string> seeds = {"^[a-z0-9_-]{3,16}$",  "^(?:\\d{1,3}\\.){3}\\d{1,3}$",
                                          "[^\\S\\d]+",          "(?<y>\\d{4})-\\k<y>",
                                          "^\\p{Letter}+(?=x)$", "a{2,3}?b*?[\\u0041-\\u{5A}]",
                                          "(?i:ab(?-i:c))\\cJ"};
  auto try_pattern = [](const std::string& p) {
    auto re = EcmaRegex::Compile(p);
    if (re) {
      (void)re->Search("abc \u00e9\U0001F600 123\n");
    } else {
      EXPECT_TRUE(re.error().code == ErrorCode::kInvalidSchema ||
                  re.error().code == ErrorCode::kUnsupportedRegex)
          << p;
      EXPECT_FALSE(re.error().message.empty());
    }
  };
  int compiled = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string p;
    int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) p += pieces[rng() % pieces.size()];
    try_pattern(p);
    if (EcmaRegex::Compile(p)) ++compiled;
  }
  for (int i = 0; i < 3000; ++i) {
    std::string p = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !p.empty(); ++e) {
      std::size_t at = rng() % (p.size() + 1);
      switch (rng() % 3) {
        case 0:
          p.insert(at, pieces[rng() % pieces.size()]);
          break;
        case 1:
          if (at < p.size()) p.erase(at, 1 + rng() % 3);
          break;
        default:
          if (at < p.size()) p[at] = static_cast<char>(rng() % 256);
          break;
      }
    }
    try_pattern(p);
  }
  EXPECT_GT(compiled, 100);  // the generator does exercise the compile path
}

// --- JSON-Schema-Test-Suite cases (read in place) -----------------------------

std::filesystem::path TestdataRoot() {
  if (const char* env = std::getenv("ACCORD_TESTDATA"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(ACCORD_SOURCE_DIR) / ".." / "shared" / "testdata";
}

std::optional<json::Value> LoadSuiteFile(const std::string& relative) {
  std::filesystem::path path = TestdataRoot() / "JSON-Schema-Test-Suite" / "tests" / relative;
  auto doc = LoadFile(path.string(), Syntax::kJson);
  if (!doc) return std::nullopt;
  return std::move(doc->root);
}

// Evaluates the small subschemas the suite's patternProperties cases use.
bool TinySchemaAccepts(const json::Value& schema, const json::Value& value) {
  if (schema.IsBool()) return schema.AsBool();
  if (const json::Value* type = schema.Find("type")) {
    const std::string& t = type->AsString();
    bool ok = (t == "integer" && value.IsInteger()) || (t == "number" && value.IsNumber()) ||
              (t == "string" && value.IsString()) || (t == "boolean" && value.IsBool()) ||
              (t == "null" && value.IsNull()) || (t == "object" && value.IsObject()) ||
              (t == "array" && value.IsArray());
    if (!ok) return false;
  }
  if (const json::Value* max = schema.Find("maximum")) {
    if (value.IsNumber() && max->AsNumber() < value.AsNumber()) return false;
  }
  return true;
}

struct SuiteCount {
  int run = 0;
  int failed = 0;
};

// Runs every group whose schema is {pattern[, type]},
// {patternProperties[, additionalProperties][, type]} or {format: regex}.
SuiteCount RunPatternGroups(const json::Value& groups) {
  SuiteCount count;
  for (const json::Value& group : groups.AsArray()) {
    const json::Value& schema = *group.Find("schema");
    const json::Value* pattern = schema.Find("pattern");
    const json::Value* pattern_props = schema.Find("patternProperties");
    const json::Value* fmt = schema.Find("format");
    bool format_regex = fmt != nullptr && fmt->IsString() && fmt->AsString() == "regex";
    if (pattern == nullptr && pattern_props == nullptr && !format_regex) continue;
    const json::Value* additional = schema.Find("additionalProperties");
    const json::Value* type = schema.Find("type");
    for (const json::Value& test : group.Find("tests")->AsArray()) {
      const json::Value& data = *test.Find("data");
      bool expected = test.Find("valid")->AsBool();
      bool valid = true;
      if (type != nullptr && type->AsString() == "string" && !data.IsString()) valid = false;
      if (type != nullptr && type->AsString() == "object" && !data.IsObject()) valid = false;
      if (format_regex && data.IsString()) valid = format::Check("regex", data.AsString());
      if (pattern != nullptr && data.IsString()) {
        valid = valid && MustCompile(pattern->AsString()).Search(data.AsString());
      }
      if (pattern_props != nullptr && data.IsObject()) {
        for (const json::Member& m : data.AsObject()) {
          bool matched = false;
          for (const json::Member& pp : pattern_props->AsObject()) {
            if (!MustCompile(pp.key).Search(m.key)) continue;
            matched = true;
            valid = valid && TinySchemaAccepts(pp.value, m.value);
          }
          if (!matched && additional != nullptr) {
            valid = valid && TinySchemaAccepts(*additional, m.value);
          }
        }
      }
      ++count.run;
      if (valid != expected) ++count.failed;
      EXPECT_EQ(valid, expected) << group.Find("description")->AsString() << " / "
                                 << test.Find("description")->AsString();
    }
  }
  return count;
}

class SuiteRegexTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SuiteRegexTest, MatchesSuiteExpectations) {
  auto groups = LoadSuiteFile(GetParam());
  if (!groups) {
    GTEST_SKIP() << "JSON-Schema-Test-Suite not found under " << TestdataRoot()
                 << " (set ACCORD_TESTDATA)";
  }
  SuiteCount count = RunPatternGroups(*groups);
  std::printf("[ suite    ] %s: %d/%d regex cases pass\n", GetParam(), count.run - count.failed,
              count.run);
  EXPECT_GT(count.run, 0);
}

INSTANTIATE_TEST_SUITE_P(Draft2020, SuiteRegexTest,
                         ::testing::Values("draft2020-12/pattern.json",
                                           "draft2020-12/patternProperties.json",
                                           "draft2020-12/optional/ecmascript-regex.json",
                                           "draft2020-12/optional/non-bmp-regex.json",
                                           "draft2019-09/optional/ecmascript-regex.json",
                                           "draft2019-09/optional/non-bmp-regex.json",
                                           "draft7/optional/ecmascript-regex.json",
                                           "draft6/optional/ecmascript-regex.json",
                                           "draft4/optional/ecmascript-regex.json"));

}  // namespace
}  // namespace accord

namespace accord {
namespace {

// Rule: simple ASCII sequences take the DFA fast path, everything else stays
// with RE2, and both answer Search identically. Differential over random
// texts drawn from the characters the patterns talk about plus a few others
// (including a multi-byte character).
TEST(EcmaRegexFastPath, AgreesWithRe2) {
  const char* simple[] = {
      "^[a-z][a-z0-9-]{2,40}$",
      "^[0-9a-f]{32}$",
      "^ORD-[0-9]{4}-[0-9]{6,10}$",
      "^[A-Z]{3}$",
      "^\\+[1-9][0-9]{6,14}$",
      "^[A-Za-z0-9 -]{3,10}$",
      "a+b*c?",
      "^x{2,}$",
      "[0-9]{3}",
      "^a*$",
      "b$",
      "^\\d+\\.\\d{1,2}$",
      "^[\\w.-]+$",
      "^ab?c*?d+?$",
      "",
      "^$",
      "a{0}b",
      "[-a]x",
  };
  const char* not_simple[] = {
      "^(a|b)$",    "^[^a]$", "^.$", "\\s", "^[A-Z]{3}-[0-9]{5}(-[A-Z0-9]{1,4})?$",
      "^a{1,100}$", "\\bx"};
  const std::string alphabet = "abcdxzAZ09-+. _\xc3\xa9";
  std::mt19937 rng(20261126);
  for (const char* p : simple) {
    auto re = EcmaRegex::Compile(p);
    ASSERT_TRUE(re.has_value()) << p;
    EXPECT_TRUE(re->HasFastPath()) << p;
    for (int i = 0; i < 4000; ++i) {
      std::string text;
      const int len = static_cast<int>(rng() % 48);
      for (int k = 0; k < len; ++k) text += alphabet[rng() % alphabet.size()];
      ASSERT_EQ(re->Search(text), re->SearchWithRe2(text)) << p << " on \"" << text << "\"";
    }
  }
  for (const char* p : not_simple) {
    auto re = EcmaRegex::Compile(p);
    ASSERT_TRUE(re.has_value()) << p;
    EXPECT_FALSE(re->HasFastPath()) << p;
  }
  // Texts the random draw rarely builds.
  auto phone = EcmaRegex::Compile("^\\+[1-9][0-9]{6,14}$");
  EXPECT_TRUE(phone->Search("+4915112345678"));
  EXPECT_FALSE(phone->Search("+0915112345678"));
  EXPECT_FALSE(phone->Search("+49151123456789012"));
  auto hex = EcmaRegex::Compile("^[0-9a-f]{32}$");
  EXPECT_TRUE(hex->Search("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(hex->Search("0123456789abcdef0123456789abcdef\n"));
}

}  // namespace
}  // namespace accord

// RFC 6901 JSON Pointer (pointer.h).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"

namespace accord::json {
namespace {

// The example document of RFC 6901, section 5.
constexpr const char* kRfcDocument = R"({
  "foo": ["bar", "baz"],
  "": 0,
  "a/b": 1,
  "c%d": 2,
  "e^f": 3,
  "g|h": 4,
  "i\\j": 5,
  "k\"l": 6,
  " ": 7,
  "m~n": 8
})";

Value RfcDocument() {
  auto doc = ParseJson(kRfcDocument);
  EXPECT_TRUE(doc.has_value());
  return doc->root;
}

// Rule: RFC 6901 section 5, every example pointer and its value.
TEST(Pointer, ResolvesEveryRfc6901Example) {
  Value doc = RfcDocument();
  struct Case {
    const char* pointer;
    Value expected;
  };
  const std::vector<Case> cases = {
      {"/foo", Value(Array{"bar", "baz"})},
      {"/foo/0", Value("bar")},
      {"/", Value(0)},
      {"/a~1b", Value(1)},
      {"/c%d", Value(2)},
      {"/e^f", Value(3)},
      {"/g|h", Value(4)},
      {"/i\\j", Value(5)},
      {"/k\"l", Value(6)},
      {"/ ", Value(7)},
      {"/m~0n", Value(8)},
  };
  for (const Case& c : cases) {
    const Value* got = Resolve(doc, c.pointer);
    ASSERT_NE(got, nullptr) << c.pointer;
    EXPECT_EQ(*got, c.expected) << c.pointer;
  }
  // "" is the whole document.
  ASSERT_NE(Resolve(doc, ""), nullptr);
  EXPECT_EQ(*Resolve(doc, ""), doc);
}

// Rule: "~01" decodes to "~1" (the '~0' is decoded first, never twice).
TEST(Pointer, TildeZeroOneIsLiteralTildeOne) {
  auto tokens = SplitPointer("/~01");
  ASSERT_TRUE(tokens.has_value());
  EXPECT_EQ(*tokens, std::vector<std::string>{"~1"});
  EXPECT_EQ(EscapeToken("~1"), "~01");
}

TEST(Pointer, EscapeTokenEscapesTildeAndSlash) {
  EXPECT_EQ(EscapeToken("a/b~c"), "a~1b~0c");
  EXPECT_EQ(EscapeToken(""), "");
  EXPECT_EQ(EscapeToken("plain"), "plain");
  EXPECT_EQ(EscapeToken("~~//"), "~0~0~1~1");
  EXPECT_EQ(EscapeToken("/lead and trail~"), "~1lead and trail~0");
}

TEST(Pointer, AppendTokenAddsOneEscapedToken) {
  std::string p = "/properties";
  AppendToken(p, "a/b~c");
  EXPECT_EQ(p, "/properties/a~1b~0c");
  AppendToken(p, "");
  EXPECT_EQ(p, "/properties/a~1b~0c/");
  AppendToken(p, "0");
  EXPECT_EQ(p, "/properties/a~1b~0c//0");
  EXPECT_EQ(*SplitPointer(p), (std::vector<std::string>{"properties", "a/b~c", "", "0"}));
}

TEST(Pointer, SplitAndJoinRoundTrip) {
  const std::vector<std::string> tokens = {"a/b", "m~n", "", "0", " "};
  std::string p = JoinPointer(tokens);
  EXPECT_EQ(p, "/a~1b/m~0n//0/ ");
  auto back = SplitPointer(p);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, tokens);
  EXPECT_EQ(JoinPointer({}), "");
}

TEST(Pointer, SplitEmptyPointerIsNoTokens) {
  auto tokens = SplitPointer("");
  ASSERT_TRUE(tokens.has_value());
  EXPECT_TRUE(tokens->empty());
  auto root_key = SplitPointer("/");
  ASSERT_TRUE(root_key.has_value());
  EXPECT_EQ(*root_key, std::vector<std::string>{""});
}

// Rule: a non-empty pointer starts with '/'; '~' is followed by '0' or '1'.
TEST(Pointer, MalformedPointersAreErrors) {
  for (const char* bad : {"foo", "#/foo", "/a~", "/a~2", "/~x/b"}) {
    auto r = SplitPointer(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidPointer) << bad;
    EXPECT_EQ(Resolve(Value(Object{}), bad), nullptr) << bad;
  }
}

// Rule: array indices are canonical decimal ("0" or no leading zero); "-"
// and out-of-range indices do not resolve.
TEST(Pointer, ArrayIndicesMustBeCanonical) {
  Value doc = RfcDocument();
  EXPECT_NE(Resolve(doc, "/foo/1"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/01"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/2"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/-"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/+1"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/1x"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/99999999999999999999999"), nullptr);
}

TEST(Pointer, ResolvingThroughScalarsOrMissingKeysFails) {
  Value doc = RfcDocument();
  EXPECT_EQ(Resolve(doc, "/missing"), nullptr);
  EXPECT_EQ(Resolve(doc, "/e^f/x"), nullptr);
  EXPECT_EQ(Resolve(doc, "/foo/0/x"), nullptr);
}

TEST(PointerBuilder, PushAndPopEscapeTokens) {
  PointerBuilder p;
  EXPECT_EQ(p.str(), "");
  p.Push("properties");
  p.Push("a/b");
  EXPECT_EQ(p.str(), "/properties/a~1b");
  p.Push(std::size_t{3});
  EXPECT_EQ(p.str(), "/properties/a~1b/3");
  p.Pop();
  p.Pop();
  p.Push("m~n");
  EXPECT_EQ(p.str(), "/properties/m~0n");
  p.Pop();
  p.Pop();
  EXPECT_EQ(p.str(), "");
}

}  // namespace
}  // namespace accord::json

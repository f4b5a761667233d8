// The JSON value model (json.h) and the error type (error.h).
#include <cmath>
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord::json {
namespace {

Value Obj(std::initializer_list<std::pair<const char*, Value>> members) {
  Value v{Object{}};
  for (const auto& [k, m] : members) v.Add(k, m);
  return v;
}

TEST(Value, DefaultIsNull) {
  Value v;
  EXPECT_TRUE(v.IsNull());
  EXPECT_EQ(v.kind(), Kind::kNull);
  EXPECT_EQ(Value(nullptr), v);
}

TEST(Value, KindsMatchConstructors) {
  EXPECT_EQ(Value(true).kind(), Kind::kBool);
  EXPECT_EQ(Value(1).kind(), Kind::kNumber);
  EXPECT_EQ(Value(1.5).kind(), Kind::kNumber);
  EXPECT_EQ(Value("s").kind(), Kind::kString);
  EXPECT_EQ(Value(std::string_view("s")).kind(), Kind::kString);
  EXPECT_EQ(Value(Array{}).kind(), Kind::kArray);
  EXPECT_EQ(Value(Object{}).kind(), Kind::kObject);
}

TEST(Value, KindNamesAreJsonSchemaTypeNames) {
  EXPECT_EQ(KindName(Kind::kNull), "null");
  EXPECT_EQ(KindName(Kind::kBool), "boolean");
  EXPECT_EQ(KindName(Kind::kNumber), "number");
  EXPECT_EQ(KindName(Kind::kString), "string");
  EXPECT_EQ(KindName(Kind::kArray), "array");
  EXPECT_EQ(KindName(Kind::kObject), "object");
}

// Rule: numbers compare by mathematical value, so 1 == 1.0 (JSON Schema).
TEST(Number, IntegerEqualsIntegralDouble) {
  EXPECT_EQ(Value(1), Value(1.0));
  EXPECT_EQ(Value(-3), Value(-3.0));
  EXPECT_EQ(Value(0), Value(-0.0));
  EXPECT_NE(Value(1), Value(1.5));
  EXPECT_NE(Value(1), Value("1"));
  EXPECT_NE(Value(1), Value(true));
}

// Rule: int/double comparison is exact, not through a lossy double.
TEST(Number, IntDoubleEqualityIsExactBeyond2To53) {
  const std::int64_t big = (std::int64_t{1} << 53) + 1;  // not a double
  EXPECT_NE(Number(big), Number(static_cast<double>(big)));
  EXPECT_EQ(Number(std::int64_t{1} << 60), Number(std::ldexp(1.0, 60)));
  // 2^63 is outside int64: no int64 equals it.
  EXPECT_NE(Number(std::numeric_limits<std::int64_t>::max()), Number(std::ldexp(1.0, 63)));
  EXPECT_EQ(Number(std::numeric_limits<std::int64_t>::min()), Number(-std::ldexp(1.0, 63)));
}

TEST(Number, IsIntVersusIsIntegral) {
  EXPECT_TRUE(Number(std::int64_t{2}).IsInt());
  EXPECT_FALSE(Number(2.0).IsInt());
  EXPECT_TRUE(Number(2.0).IsIntegral());
  EXPECT_FALSE(Number(2.5).IsIntegral());
  EXPECT_FALSE(Number(std::numeric_limits<double>::infinity()).IsIntegral());
  EXPECT_TRUE(Value(2.0).IsInteger());
  EXPECT_FALSE(Value("2").IsInteger());
}

// Rule: operator< is a total order on mathematical values, exact for int vs
// double too.
TEST(Number, OrderIsExactAcrossIntAndDouble) {
  EXPECT_LT(Number(std::int64_t{1}), Number(1.5));
  EXPECT_LT(Number(0.5), Number(std::int64_t{1}));
  EXPECT_LT(Number(-0.5), Number(std::int64_t{0}));
  EXPECT_LT(Number(std::int64_t{-1}), Number(-0.5));
  EXPECT_FALSE(Number(std::int64_t{1}) < Number(1.0));
  EXPECT_FALSE(Number(1.0) < Number(std::int64_t{1}));
  const std::int64_t big = (std::int64_t{1} << 53) + 1;
  const double below = std::ldexp(1.0, 53);  // big - 1
  EXPECT_LT(Number(below), Number(big));
  EXPECT_FALSE(Number(big) < Number(below));
  EXPECT_LT(Number(std::numeric_limits<std::int64_t>::max()), Number(std::ldexp(1.0, 63)));
  EXPECT_LT(Number(-1e300), Number(std::numeric_limits<std::int64_t>::min()));
  EXPECT_LT(Number(std::int64_t{2}), Number(std::int64_t{3}));
  EXPECT_LT(Number(2.5), Number(3.5));
}

// Rule: objects are equal regardless of member order.
TEST(Value, ObjectEqualityIgnoresMemberOrder) {
  Value a = Obj({{"x", 1}, {"y", "two"}});
  Value b = Obj({{"y", "two"}, {"x", 1.0}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, Obj({{"x", 1}}));
  EXPECT_NE(a, Obj({{"x", 1}, {"z", "two"}}));
  EXPECT_NE(a, Obj({{"x", 2}, {"y", "two"}}));
}

// Rule: big objects (compared by sorting) follow the same semantics.
TEST(Value, BigObjectEqualityIgnoresMemberOrder) {
  Value a{Object{}};
  Value b{Object{}};
  for (int i = 0; i < 40; ++i) {
    a.Add("k" + std::to_string(i), i);
    b.Add("k" + std::to_string(39 - i), 39 - i);
  }
  EXPECT_EQ(a, b);
  b.AsObject()[0].value = Value(-1);
  EXPECT_NE(a, b);
}

// Rule: arrays are ordered.
TEST(Value, ArrayEqualityIsOrdered) {
  EXPECT_EQ(Value(Array{1, 2}), Value(Array{1.0, 2.0}));
  EXPECT_NE(Value(Array{1, 2}), Value(Array{2, 1}));
  EXPECT_NE(Value(Array{1}), Value(Array{1, 1}));
}

TEST(Value, FindAndAdd) {
  Value o = Obj({{"a", 1}});
  ASSERT_NE(o.Find("a"), nullptr);
  EXPECT_EQ(*o.Find("a"), Value(1));
  EXPECT_EQ(o.Find("b"), nullptr);
  o.Add("b", "x");
  ASSERT_NE(o.Find("b"), nullptr);
  EXPECT_EQ(o.Find("b")->AsString(), "x");
  EXPECT_EQ(Value(1).Find("a"), nullptr);  // not an object
  // Members keep document order.
  EXPECT_EQ(o.AsObject()[0].key, "a");
  EXPECT_EQ(o.AsObject()[1].key, "b");
}

TEST(Value, CopyIsDeepAndMoveLeavesUsableSource) {
  Value a = Obj({{"list", Value(Array{1, 2})}});
  Value b = a;
  b.Find("list")->AsArray().push_back(3);
  EXPECT_EQ(a.Find("list")->AsArray().size(), 2u);
  Value c = std::move(b);
  EXPECT_EQ(c.Find("list")->AsArray().size(), 3u);
}

TEST(ToJson, CompactKeepsDocumentOrder) {
  Value v = Obj({{"b", Value(Array{1, 2.5, true, nullptr})}, {"a", "x\"\n"}});
  EXPECT_EQ(ToJson(v), R"({"b":[1,2.5,true,null],"a":"x\"\n"})");
}

TEST(ToJson, PrettyIndentsTwoSpaces) {
  Value v = Obj({{"a", Value(Array{1})}, {"b", Value(Object{})}});
  EXPECT_EQ(ToPrettyJson(v), "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}");
}

TEST(ToJson, ControlCharactersAreEscaped) {
  EXPECT_EQ(ToJson(Value(std::string("\x01\t", 2))), R"("\u0001\t")");
}

TEST(ToJson, DoublesUseShortestRoundTrip) {
  EXPECT_EQ(ToJson(Value(0.1)), "0.1");
  EXPECT_EQ(ToJson(Value(1.0 / 3)), "0.3333333333333333");
  EXPECT_EQ(ToJson(Value(1e100)), "1e+100");
}

// Rule: every error code has a stable upper-case name.
TEST(Error, CodeNames) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kIo), "IO");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kSyntax), "SYNTAX");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kLimit), "LIMIT");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kDuplicateKey), "DUPLICATE_KEY");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNonScalarKey), "NON_SCALAR_KEY");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kInvalidPointer), "INVALID_POINTER");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNotFound), "NOT_FOUND");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kInvalidSchema), "INVALID_SCHEMA");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnresolvedRef), "UNRESOLVED_REF");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnsupportedRegex), "UNSUPPORTED_REGEX");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnsupported), "UNSUPPORTED");
}

// Rule: "file:line:col: message (at /pointer)", unknown parts left out.
TEST(Error, ToStringLeavesOutUnknownParts) {
  Error e{ErrorCode::kSyntax, "bad", "a.json", {3, 7}, "/x"};
  EXPECT_EQ(e.ToString(), "a.json:3:7: bad (at /x)");
  e.pointer.clear();
  EXPECT_EQ(e.ToString(), "a.json:3:7: bad");
  e.position.column = 0;
  EXPECT_EQ(e.ToString(), "a.json:3: bad");
  e.position = {};
  EXPECT_EQ(e.ToString(), "a.json: bad");
  e.file.clear();
  EXPECT_EQ(e.ToString(), "bad");
  e.position = {2, 5};
  EXPECT_EQ(e.ToString(), "line 2, column 5: bad");
}

TEST(Error, MakeErrorCarriesCodeMessageAndPointer) {
  Result<int> r = MakeError(ErrorCode::kNotFound, "missing", "/a");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "missing");
  EXPECT_EQ(r.error().pointer, "/a");
}

}  // namespace
}  // namespace accord::json

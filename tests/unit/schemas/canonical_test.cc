// Canonical JSON and fingerprints (canonical.h).
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "accord/schemas/canonical.h"
#include "accord/schemas/load.h"

namespace accord::json {
namespace {

std::string CanonOf(std::string_view json_text) {
  auto doc = ParseJson(json_text);
  EXPECT_TRUE(doc.has_value()) << json_text << ": " << doc.error().ToString();
  return doc ? Canonicalize(doc->root) : std::string();
}

std::string CanonNumber(double d) { return Canonicalize(Value(d)); }

// Rule: members sorted by key, no insignificant whitespace.
TEST(Canonicalize, SortsKeysAndDropsWhitespace) {
  EXPECT_EQ(CanonOf(R"( { "b" : 1 , "a" : [ true , null ] , "c" : { "z" : "" , "y" : {} } } )"),
            R"({"a":[true,null],"b":1,"c":{"y":{},"z":""}})");
}

// Rule: keys sort byte-wise on UTF-8 (so code point order), not by locale.
TEST(Canonicalize, KeysSortByUtf8Bytes) {
  Value v{Object{}};
  v.Add("\xC3\xA9", 1);  // é U+00E9
  v.Add("z", 2);
  v.Add("Z", 3);
  v.Add("", 4);
  v.Add("\xF0\x9F\x98\x80", 5);  // U+1F600
  v.Add("a", 6);
  EXPECT_EQ(Canonicalize(v),
            "{\"\":4,\"Z\":3,\"a\":6,\"z\":2,\"\xC3\xA9\":1,\"\xF0\x9F\x98\x80\":5}");
}

// Rule: arrays keep their order.
TEST(Canonicalize, ArraysKeepOrder) { EXPECT_EQ(CanonOf("[3, 1, 2]"), "[3,1,2]"); }

// Rule: minimal string escapes: '"', '\', short forms for \b \f \n \r \t,
// \u00XX (lower-case hex) for other control characters, everything else raw.
TEST(Canonicalize, StringsUseMinimalEscapes) {
  EXPECT_EQ(CanonOf(R"(["\u0041\u00e9\/\"\\\b\f\n\r\t\u0001\u001f\u007f"])"),
            "[\"A\xC3\xA9/\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"]");
  EXPECT_EQ(Canonicalize(Value(std::string("a\0b", 3))), R"("a\u0000b")");
  // Non-ASCII stays raw UTF-8, even when written as an escape pair.
  EXPECT_EQ(CanonOf(R"(["\ud83d\ude00"])"), "[\"\xF0\x9F\x98\x80\"]");
}

// Rule: one spelling per number; integral values are plain integers.
TEST(Canonicalize, IntegralNumbersArePlainIntegers) {
  EXPECT_EQ(CanonOf("[1.0, -0, -0.0, 0.0, 1E+2, 1e2, 100, 12.50e1, 1e18]"),
            "[1,0,0,0,100,100,100,125,1000000000000000000]");
  EXPECT_EQ(CanonNumber(std::ldexp(1.0, 53)), "9007199254740992");
  EXPECT_EQ(CanonNumber(-std::ldexp(1.0, 53)), "-9007199254740992");
}

// Rule: an int64 and an equal double have the same canonical text, also
// beyond 2^53 (exact digits for every integral value an int64 holds).
TEST(Canonicalize, EqualIntAndDoubleSpellAlikeBeyond2To53) {
  const std::int64_t two60 = std::int64_t{1} << 60;
  EXPECT_EQ(Canonicalize(Value(two60)), "1152921504606846976");
  EXPECT_EQ(CanonNumber(std::ldexp(1.0, 60)), "1152921504606846976");
  EXPECT_EQ(Canonicalize(Value(two60 + 1)), "1152921504606846977");
  EXPECT_EQ(Canonicalize(Value(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(CanonNumber(-std::ldexp(1.0, 63)), "-9223372036854775808");
  EXPECT_EQ(Canonicalize(Value(std::numeric_limits<std::int64_t>::max())), "9223372036854775807");
}

// Rule: other numbers: shortest round-trip digits, plain decimal for
// 1e-7 <= |x| < 1e21, else exponent form with no '+'.
TEST(Canonicalize, OtherNumbersUseShortestFormWithoutPlusExponent) {
  EXPECT_EQ(CanonNumber(0.5), "0.5");
  EXPECT_EQ(CanonNumber(-0.5), "-0.5");
  EXPECT_EQ(CanonNumber(0.1), "0.1");
  EXPECT_EQ(CanonNumber(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(CanonNumber(123.456), "123.456");
  EXPECT_EQ(CanonNumber(1e-6), "0.000001");
  EXPECT_EQ(CanonNumber(1e-7), "1e-7");
  EXPECT_EQ(CanonNumber(1.5e-7), "1.5e-7");
  EXPECT_EQ(CanonNumber(1e100), "1e100");
  EXPECT_EQ(CanonNumber(-1.25e100), "-1.25e100");
  EXPECT_EQ(CanonNumber(1e21), "1e21");
  EXPECT_EQ(CanonNumber(std::ldexp(1.0, 64)), "18446744073709552000");  // >= 2^63: not int64
  EXPECT_EQ(CanonNumber(1e20), "100000000000000000000");
  EXPECT_EQ(CanonNumber(5e-324), "5e-324");
  EXPECT_EQ(CanonNumber(std::numeric_limits<double>::max()), "1.7976931348623157e308");
  EXPECT_EQ(CanonOf("[1E+100, 1e100, 10e99, 0.1e101]"), "[1e100,1e100,1e100,1e100]");
}

// Rule: canonical text parses back to an equal value.
TEST(Canonicalize, RoundTripsThroughTheParser) {
  for (const char* text :
       {R"({"b":[1,2.5,-3e-9,1e300],"a":{"x":"\u0000\n","y":null},"c":18446744073709551615})",
        "[0.30000000000000004, 123456789012345678, -9223372036854775808, 4.35, 1e22]"}) {
    auto doc = ParseJson(text);
    ASSERT_TRUE(doc.has_value());
    std::string canon = Canonicalize(doc->root);
    auto again = ParseJson(canon);
    ASSERT_TRUE(again.has_value()) << canon;
    EXPECT_EQ(again->root, doc->root) << canon;
    EXPECT_EQ(Canonicalize(again->root), canon);
  }
}

// Rule: values equal except for member order canonicalise identically, also
// across JSON and YAML.
TEST(Canonicalize, EqualDocumentsHaveEqualTextAcrossSyntaxes) {
  auto json = ParseJson(
      R"({"type":"object","required":["id"],"properties":{"id":{"type":"integer","minimum":1.0}}})");
  auto yaml = ParseYaml(
      "properties:\n"
      "  id: {minimum: 1, type: integer}\n"
      "required: [id]\n"
      "type: object\n");
  ASSERT_TRUE(json.has_value());
  ASSERT_TRUE(yaml.has_value()) << yaml.error().ToString();
  EXPECT_EQ(json->root, yaml->root);
  EXPECT_EQ(Canonicalize(json->root), Canonicalize(yaml->root));
  EXPECT_EQ(Fingerprint(json->root), Fingerprint(yaml->root));
}

// Rule: non-finite doubles (not JSON) are written as null.
TEST(Canonicalize, NonFiniteNumbersAreNull) {
  EXPECT_EQ(CanonNumber(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(CanonNumber(std::numeric_limits<double>::quiet_NaN()), "null");
}

// Known-answer vectors: FIPS 180-2 examples and the empty string.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(ToHex(Sha256Of("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256Of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256Of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(ToHex(Sha256Of(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, HashesEmbeddedNulBytes) {
  EXPECT_NE(ToHex(Sha256Of(std::string_view("a\0b", 3))), ToHex(Sha256Of("ab")));
}

TEST(ToHex, LowerCaseTwoDigitsPerByte) {
  Sha256 d{};
  d[0] = 0x00;
  d[1] = 0x0f;
  d[2] = 0xab;
  d[31] = 0xff;
  std::string hex = ToHex(d);
  ASSERT_EQ(hex.size(), 64u);
  EXPECT_EQ(hex.substr(0, 6), "000fab");
  EXPECT_EQ(hex.substr(62), "ff");
}

// Rule: Fingerprint = lower-case hex SHA-256 of the canonical text.
TEST(Fingerprint, IsSha256OfCanonicalText) {
  EXPECT_EQ(Fingerprint(Value(Object{})),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  auto doc = ParseJson(R"({ "b": null, "a": [1.0, 2.5, "x"] })");
  ASSERT_TRUE(doc.has_value());
  // sha256('{"a":[1,2.5,"x"],"b":null}')
  EXPECT_EQ(Fingerprint(doc->root),
            "ebeb83367f9695ff5ceeebf14323134c890fc30c03843f006fdfd18fcb15957f");
}

TEST(Fingerprint, DiffersWhenValuesDiffer) {
  EXPECT_NE(Fingerprint(Value(1)), Fingerprint(Value(1.5)));
  EXPECT_NE(Fingerprint(Value("1")), Fingerprint(Value(1)));
  EXPECT_NE(Fingerprint(Value(Array{1, 2})), Fingerprint(Value(Array{2, 1})));
}

}  // namespace
}  // namespace accord::json

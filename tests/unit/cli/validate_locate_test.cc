// LocateValue: the scan that gives NDJSON failures a column must agree with
// the loader's own positions (ParseJson with record_positions is the oracle).
#include "validate_locate.h"

#include <string>

#include <gtest/gtest.h>

#include "accord/schemas/load.h"

namespace accord::cli {
namespace {

// Every pointer the loader records must be located at the loader's column.
void ExpectAgreesWithLoader(const std::string& line) {
  LoadOptions options;
  options.record_positions = true;
  Result<Document> doc = ParseJson(line, {}, options);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString();
  ASSERT_FALSE(doc->positions.empty());
  for (const auto& [pointer, position] : doc->positions) {
    std::optional<std::size_t> at = LocateValue(line, pointer);
    ASSERT_TRUE(at.has_value()) << "pointer " << pointer << " in " << line;
    EXPECT_EQ(static_cast<int>(*at) + 1, position.column)
        << "pointer " << pointer << " in " << line;
  }
}

TEST(LocateValue, AgreesWithLoaderPositionsOnNestedObjectsAndArrays) {
  ExpectAgreesWithLoader(R"({"a":1,"b":{"c":[10,{"d":"x"},[true,null]],"e":"s"},"f":[],"g":{}})");
}

TEST(LocateValue, AgreesWithLoaderWithWhitespaceEverywhere) {
  ExpectAgreesWithLoader(R"(  { "a" : [ 1 , 2 ] ,	"b" : { "c" : "x" } }  )");
}

TEST(LocateValue, AgreesWithLoaderOnEscapedKeysAndStringsWithBrackets) {
  ExpectAgreesWithLoader(
      R"({"a/b":1,"m~n":2,"q\"uote":{"x":"]}{["},"\u00e9t\u00e9":[1],"z":"\\"})");
}

TEST(LocateValue, PointerTokensAreUnescaped) {
  std::string line = R"({"a/b":{"m~n":7}})";
  EXPECT_EQ(LocateValue(line, "/a~1b/m~0n"), std::optional<std::size_t>(8));
}

TEST(LocateValue, RootIsItsFirstByte) {
  EXPECT_EQ(LocateValue("  [1]", ""), std::optional<std::size_t>(2));
}

TEST(LocateValue, MissingMembersAndBadIndicesDoNotResolve) {
  std::string line = R"({"a":[1,2],"b":3})";
  EXPECT_EQ(LocateValue(line, "/c"), std::nullopt);
  EXPECT_EQ(LocateValue(line, "/a/2"), std::nullopt);
  EXPECT_EQ(LocateValue(line, "/a/01"), std::nullopt);
  EXPECT_EQ(LocateValue(line, "/a/x"), std::nullopt);
  EXPECT_EQ(LocateValue(line, "/b/0"), std::nullopt);
  EXPECT_EQ(LocateValue(line, "no-slash"), std::nullopt);
}

}  // namespace
}  // namespace accord::cli

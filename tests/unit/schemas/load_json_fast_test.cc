// Rule: ParseJson's fast path (simdjson, taken when no positions are
// recorded) gives exactly the result of the exact path (RapidJSON, taken when
// positions are recorded): same values, same number representation, same
// errors. Checked on crafted edge cases and on every seed of the loader's
// fuzz corpus.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace accord {
namespace {

// Representation-exact equality: like operator== but integers and doubles
// must be stored the same way, and members keep their order.
bool SameRepresentation(const json::Value& a, const json::Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::Kind::kNumber: {
      const json::Number& x = a.AsNumber();
      const json::Number& y = b.AsNumber();
      if (x.IsInt() != y.IsInt()) return false;
      return x.IsInt() ? x.AsInt() == y.AsInt() : x == y;
    }
    case json::Kind::kArray: {
      if (a.AsArray().size() != b.AsArray().size()) return false;
      for (std::size_t i = 0; i < a.AsArray().size(); ++i) {
        if (!SameRepresentation(a.AsArray()[i], b.AsArray()[i])) return false;
      }
      return true;
    }
    case json::Kind::kObject: {
      if (a.AsObject().size() != b.AsObject().size()) return false;
      for (std::size_t i = 0; i < a.AsObject().size(); ++i) {
        if (a.AsObject()[i].key != b.AsObject()[i].key) return false;
        if (!SameRepresentation(a.AsObject()[i].value, b.AsObject()[i].value)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

void ExpectSameResult(const std::string& text, const std::string& label) {
  LoadOptions fast_options;
  LoadOptions exact_options;
  exact_options.record_positions = true;
  auto fast = ParseJson(text, "t.json", fast_options);
  auto exact = ParseJson(text, "t.json", exact_options);
  ASSERT_EQ(fast.has_value(), exact.has_value()) << label;
  if (fast) {
    EXPECT_TRUE(SameRepresentation(fast->root, exact->root))
        << label << "\nfast:  " << json::ToJson(fast->root)
        << "\nexact: " << json::ToJson(exact->root);
  } else {
    EXPECT_EQ(fast.error().ToString(), exact.error().ToString()) << label;
  }
}

TEST(ParseJsonFastPath, AgreesWithExactPathOnEdgeCases) {
  const std::vector<std::string> cases = {
      "0",
      "-0",
      "-0.0",
      "1.0",
      "1e2",
      "1E+2",
      "1e-400",
      "1e400",
      "-1e400",
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
      "-9223372036854775809",
      "18446744073709551615",
      "18446744073709551616",
      "123456789012345678901234567890",
      "0.1",
      "2.2250738585072014e-308",
      "\"\\ud800\"",
      "\"\\udc00x\"",
      "\"\\ud83d\\ude00\"",
      "\"a\\u0000b\"",
      "\"tab\there\"",
      "{\"a\":1,\"a\":2}",
      "{\"a\":1,\"b\":{\"a\":1}}",
      "[1,2,3",
      "[1,2,3]]",
      "{} {}",
      "\xEF\xBB\xBF{\"bom\":true}",
      "\"\xC3\"",
      "\"\xFF\"",
      "nul",
      "[tru]",
      "{\"k\":null}",
      "  [ ]  ",
      "",
      " ",
      "{\"\":\"\"}",
      "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
  };
  for (const std::string& c : cases) ExpectSameResult(c, "case: " + c);
}

TEST(ParseJsonFastPath, AgreesWithExactPathOnControlBytesAtEveryOffset) {
  // The fast path screens for control bytes eight at a time: put one at each
  // offset of a word, inside a string and between tokens.
  for (std::size_t offset = 0; offset < 17; ++offset) {
    for (char control : {'\x01', '\x1f', '\t', '\n', '\r', '\0'}) {
      std::string inside = "[\"" + std::string(offset, 'a') + control + "b\"]";
      ExpectSameResult(inside, "inside string at " + std::to_string(offset));
      std::string between = "[" + std::string(offset, ' ') + control + "1]";
      ExpectSameResult(between, "between tokens at " + std::to_string(offset));
    }
  }
}

TEST(ParseJsonFastPath, AgreesWithExactPathOnDepthLimit) {
  LoadOptions fast_options;
  fast_options.max_depth = 4;
  LoadOptions exact_options = fast_options;
  exact_options.record_positions = true;
  for (int depth = 1; depth <= 6; ++depth) {
    std::string text(static_cast<std::size_t>(depth), '[');
    text.append(static_cast<std::size_t>(depth), ']');
    auto fast = ParseJson(text, "t.json", fast_options);
    auto exact = ParseJson(text, "t.json", exact_options);
    EXPECT_EQ(fast.has_value(), exact.has_value()) << "depth " << depth;
  }
}

TEST(ParseJsonFastPath, AgreesWithExactPathOnFuzzCorpus) {
  const std::filesystem::path dir =
      std::filesystem::path(ACCORD_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "load";
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    ExpectSameResult(buf.str(), entry.path().filename().string());
    ++seen;
  }
  EXPECT_GT(seen, 10u);
}

}  // namespace
}  // namespace accord

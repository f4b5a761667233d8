// Reporters of `accord validate`: the text lines and the JSON object.
#include "output.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"

namespace accord::cli {
namespace {

// Captures what a reporter writes to its two FILEs.
class Capture {
 public:
  Capture()
      : out_(open_memstream(&out_buf_, &out_len_)), err_(open_memstream(&err_buf_, &err_len_)) {}
  ~Capture() {
    Close();
    std::free(out_buf_);
    std::free(err_buf_);
  }
  std::FILE* out() { return out_; }
  std::FILE* err() { return err_; }
  void Close() {
    if (out_ != nullptr) std::fclose(out_);
    if (err_ != nullptr) std::fclose(err_);
    out_ = err_ = nullptr;
  }
  std::string Out() {
    Close();
    return std::string(out_buf_, out_len_);
  }
  std::string Err() {
    Close();
    return std::string(err_buf_, err_len_);
  }

 private:
  char* out_buf_ = nullptr;
  std::size_t out_len_ = 0;
  char* err_buf_ = nullptr;
  std::size_t err_len_ = 0;
  std::FILE* out_;
  std::FILE* err_;
};

const std::vector<jsonschema::ValidationFailure> kFailures = {
    {"/order/items/0/quantity",
     "/properties/order/properties/items/items/properties/quantity/minimum", "minimum",
     "0 is less than the minimum of 1"},
    {"", "/required", "required", "required property \"order\" is missing"},
};

TEST(FormatLocation, LeavesOutUnknownParts) {
  EXPECT_EQ(FormatLocation("a.json", {}), "a.json");
  EXPECT_EQ(FormatLocation("a.ndjson", {17, 0}), "a.ndjson:17");
  EXPECT_EQ(FormatLocation("a.json", {3, 9}), "a.json:3:9");
}

TEST(FormatSummary, CountsWithSingularForOneDocument) {
  EXPECT_EQ(FormatSummary({3, 2, 1}), "3 documents, 2 valid, 1 invalid");
  EXPECT_EQ(FormatSummary({1, 1, 0}), "1 document, 1 valid, 0 invalid");
}

TEST(TextReporter, OneLinePerFailureWithPointerMessageAndKeywordLocation) {
  Capture c;
  auto r = MakeReporter({OutputFormat::kText, false}, c.out(), c.err());
  std::vector<Position> positions = {{17, 120}, {0, 0}};
  DocumentReport d;
  d.file = "events.ndjson";
  d.where = {17, 0};
  d.valid = false;
  d.failures = kFailures;
  d.positions = positions;
  r->Begin("schema.json");
  r->Document(d);
  r->End({1, 0, 1});
  EXPECT_EQ(c.Out(),
            "events.ndjson:17:120: /order/items/0/quantity: 0 is less than the minimum of 1 "
            "[/properties/order/properties/items/items/properties/quantity/minimum]\n"
            "events.ndjson:17: (root): required property \"order\" is missing [/required]\n"
            "1 document, 0 valid, 1 invalid\n");
}

TEST(TextReporter, ParseErrorNamesItsPosition) {
  Capture c;
  auto r = MakeReporter({OutputFormat::kText, false}, c.out(), c.err());
  Error e{ErrorCode::kSyntax, "Missing a comma or '}' after an object member", {}, {4, 12}, {}};
  DocumentReport d;
  d.file = "s.ndjson";
  d.where = {4, 0};
  d.valid = false;
  d.parse_error = &e;
  r->Document(d);
  EXPECT_EQ(c.Out(), "s.ndjson:4:12: parse error: Missing a comma or '}' after an object member\n");
}

TEST(TextReporter, ValidDocumentsAreListedOnlyWhenVerbose) {
  DocumentReport d;
  d.file = "ok.json";
  {
    Capture c;
    auto r = MakeReporter({OutputFormat::kText, false}, c.out(), c.err());
    r->Document(d);
    EXPECT_EQ(c.Out(), "");
  }
  Capture c;
  auto r = MakeReporter({OutputFormat::kText, true}, c.out(), c.err());
  r->Document(d);
  EXPECT_EQ(c.Out(), "ok.json: valid\n");
}

TEST(TextReporter, InputErrorsGoToStderr) {
  Capture c;
  auto r = MakeReporter({OutputFormat::kText, false}, c.out(), c.err());
  r->InputError(Error{ErrorCode::kIo, "no such file or directory", "missing.json", {}, {}});
  EXPECT_EQ(c.Out(), "");
  EXPECT_EQ(c.Err(), "accord validate: error: missing.json: no such file or directory\n");
}

TEST(JsonReporter, EmitsOneParsableObjectWithDocumentsErrorsAndSummary) {
  Capture c;
  auto r = MakeReporter({OutputFormat::kJson, false}, c.out(), c.err());
  std::vector<Position> positions = {{17, 120}, {0, 0}};
  DocumentReport bad;
  bad.file = "events.ndjson";
  bad.where = {17, 0};
  bad.valid = false;
  bad.failures = kFailures;
  bad.positions = positions;
  Error e{ErrorCode::kSyntax, "Invalid value", {}, {18, 1}, {}};
  DocumentReport unparsable;
  unparsable.file = "events.ndjson";
  unparsable.where = {18, 0};
  unparsable.valid = false;
  unparsable.parse_error = &e;
  DocumentReport ok;  // not listed: not verbose
  ok.file = "ok.json";
  r->Begin("schema.json");
  r->Document(bad);
  r->Document(ok);
  r->Document(unparsable);
  r->InputError(Error{ErrorCode::kIo, "no such file or directory", "missing.json", {}, {}});
  r->End({3, 1, 2});
  std::string out = c.Out();
  Result<Document> doc = ParseJson(out);
  ASSERT_TRUE(doc.has_value()) << doc.error().ToString() << "\n" << out;
  const json::Value& root = doc->root;
  EXPECT_EQ(*json::Resolve(root, "/schema"), json::Value("schema.json"));
  ASSERT_EQ(json::Resolve(root, "/documents")->AsArray().size(), 2u);
  EXPECT_EQ(*json::Resolve(root, "/documents/0/line"), json::Value(17));
  EXPECT_EQ(*json::Resolve(root, "/documents/0/valid"), json::Value(false));
  EXPECT_EQ(*json::Resolve(root, "/documents/0/failures/0/instanceLocation"),
            json::Value("/order/items/0/quantity"));
  EXPECT_EQ(*json::Resolve(root, "/documents/0/failures/0/column"), json::Value(120));
  EXPECT_EQ(*json::Resolve(root, "/documents/0/failures/1/keyword"), json::Value("required"));
  EXPECT_EQ(json::Resolve(root, "/documents/0/failures/1/line"), nullptr);
  EXPECT_EQ(*json::Resolve(root, "/documents/1/error/code"), json::Value("SYNTAX"));
  EXPECT_EQ(*json::Resolve(root, "/errors/0/file"), json::Value("missing.json"));
  EXPECT_EQ(*json::Resolve(root, "/summary/documents"), json::Value(3));
  EXPECT_EQ(*json::Resolve(root, "/summary/invalid"), json::Value(2));
}

TEST(JsonReporter, NoDocumentsStillGivesValidJson) {
  Capture c;
  auto r = MakeReporter({OutputFormat::kJson, false}, c.out(), c.err());
  r->Begin("s.json");
  r->End({});
  std::string out = c.Out();
  Result<Document> doc = ParseJson(out);
  ASSERT_TRUE(doc.has_value()) << out;
  EXPECT_TRUE(json::Resolve(doc->root, "/documents")->AsArray().empty());
}

}  // namespace
}  // namespace accord::cli

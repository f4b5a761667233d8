// Inputs of `accord validate`: NDJSON line reading, directory expansion,
// file URIs.
#include "validate_input.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace accord::cli {
namespace {

namespace fs = std::filesystem;

// A FILE* over a copy of `text` (tmpfile: works for any size).
struct TempStream {
  explicit TempStream(const std::string& text) : f(std::tmpfile()) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::rewind(f);
  }
  ~TempStream() { std::fclose(f); }
  std::FILE* f;
};

struct Line {
  LineReader::Status status;
  std::string text;
  std::size_t number;
};

std::vector<Line> ReadAll(const std::string& text, std::size_t max_line = 1 << 20) {
  TempStream s(text);
  LineReader r(s.f, max_line);
  std::vector<Line> out;
  std::string line;
  while (true) {
    LineReader::Status st = r.Next(line);
    if (st == LineReader::Status::kEnd) break;
    out.push_back(Line{st, line, r.line_number()});
    if (st == LineReader::Status::kError) break;
  }
  return out;
}

TEST(LineReader, SplitsOnNewlinesAndNumbersLinesFromOne) {
  std::vector<Line> lines = ReadAll("{\"a\":1}\n{\"b\":2}\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "{\"a\":1}");
  EXPECT_EQ(lines[0].number, 1u);
  EXPECT_EQ(lines[1].text, "{\"b\":2}");
  EXPECT_EQ(lines[1].number, 2u);
}

TEST(LineReader, EmptyStreamHasNoLines) { EXPECT_TRUE(ReadAll("").empty()); }

TEST(LineReader, LastLineWithoutNewlineStillCounts) {
  std::vector<Line> lines = ReadAll("1\n2");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].text, "2");
}

TEST(LineReader, StripsCarriageReturnOfCrlf) {
  std::vector<Line> lines = ReadAll("1\r\n2\r\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "1");
  EXPECT_EQ(lines[1].text, "2");
}

TEST(LineReader, BlankLinesAreReturnedAndCountedSoLaterNumbersStayTrue) {
  std::vector<Line> lines = ReadAll("1\n\n  \n4\n");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(IsBlank(lines[1].text));
  EXPECT_TRUE(IsBlank(lines[2].text));
  EXPECT_EQ(lines[3].text, "4");
  EXPECT_EQ(lines[3].number, 4u);
}

TEST(LineReader, LineLongerThanLimitIsSkippedAndReadingGoesOn) {
  std::vector<Line> lines = ReadAll("12345678\nok\n", 4);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].status, LineReader::Status::kTooLong);
  EXPECT_TRUE(lines[0].text.empty());
  EXPECT_EQ(lines[1].status, LineReader::Status::kLine);
  EXPECT_EQ(lines[1].text, "ok");
  EXPECT_EQ(lines[1].number, 2u);
}

TEST(LineReader, LinesSpanningTheInternalBufferAreJoined) {
  // The reader's buffer is 1 MiB: a 3 MiB line crosses it several times.
  std::string big(3u << 20, 'x');
  std::vector<Line> lines = ReadAll("a\n" + big + "\nb", 4u << 20);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].text.size(), big.size());
  EXPECT_EQ(lines[2].text, "b");
}

TEST(LineReader, ManyShortLinesAcrossBufferRefills) {
  std::string text;
  for (int i = 0; i < 300000; ++i) text += std::to_string(i) + '\n';
  std::vector<Line> lines = ReadAll(text);
  ASSERT_EQ(lines.size(), 300000u);
  for (int i = 0; i < 300000; i += 9973) EXPECT_EQ(lines[i].text, std::to_string(i));
}

class ExpandInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("accord_expand_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "b" / "deep");
    fs::create_directories(dir_ / "a");
    for (const char* f : {"b/deep/z.json", "b/y.yaml", "a/x.yml", "a/s.ndjson", "a/t.jsonl",
                          "a/readme.md", "c.json"}) {
      std::ofstream(dir_ / f) << "{}\n";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string P(const char* rel) const { return (dir_ / rel).generic_string(); }
  fs::path dir_;
};

TEST_F(ExpandInputsTest, DirectoryIsSearchedRecursivelyForKnownExtensionsInSortedOrder) {
  ExpandedInputs e = ExpandInputs({dir_.generic_string()}, false);
  EXPECT_TRUE(e.errors.empty());
  std::vector<std::string> paths;
  for (const Input& in : e.inputs) paths.push_back(in.path);
  EXPECT_EQ(paths, (std::vector<std::string>{P("a/s.ndjson"), P("a/t.jsonl"), P("a/x.yml"),
                                             P("b/deep/z.json"), P("b/y.yaml"), P("c.json")}));
}

TEST_F(ExpandInputsTest, NdjsonAndJsonlNamesAreStreams) {
  ExpandedInputs e = ExpandInputs({P("a")}, false);
  ASSERT_EQ(e.inputs.size(), 3u);
  EXPECT_EQ(e.inputs[0].kind, InputKind::kNdjson);
  EXPECT_EQ(e.inputs[1].kind, InputKind::kNdjson);
  EXPECT_EQ(e.inputs[2].kind, InputKind::kDocument);
}

TEST_F(ExpandInputsTest, ForcedNdjsonMakesEveryFileAStream) {
  ExpandedInputs e = ExpandInputs({P("c.json")}, true);
  ASSERT_EQ(e.inputs.size(), 1u);
  EXPECT_EQ(e.inputs[0].kind, InputKind::kNdjson);
}

TEST_F(ExpandInputsTest, NamedFileIsUsedWhateverItsExtension) {
  ExpandedInputs e = ExpandInputs({P("a/readme.md")}, false);
  ASSERT_EQ(e.inputs.size(), 1u);
  EXPECT_EQ(e.inputs[0].kind, InputKind::kDocument);
}

TEST_F(ExpandInputsTest, MissingPathIsAnErrorAndOtherArgumentsStillExpand) {
  ExpandedInputs e = ExpandInputs({P("nope.json"), P("c.json"), "-"}, false);
  ASSERT_EQ(e.errors.size(), 1u);
  EXPECT_EQ(e.errors[0].code, ErrorCode::kIo);
  EXPECT_EQ(e.errors[0].file, P("nope.json"));
  ASSERT_EQ(e.inputs.size(), 2u);
  EXPECT_EQ(e.inputs[0].path, P("c.json"));
  EXPECT_EQ(e.inputs[1].kind, InputKind::kStdin);
}

TEST(PathToFileUri, AbsolutePathGetsFileSchemeAndPercentEncoding) {
  EXPECT_EQ(PathToFileUri("/tmp/a b/s%.json"), "file:///tmp/a%20b/s%25.json");
  EXPECT_EQ(PathToFileUri("/x/./y/../z.json"), "file:///x/z.json");
}

TEST(PathToFileUri, RelativePathIsMadeAbsolute) {
  std::string uri = PathToFileUri("schema.json");
  EXPECT_EQ(uri.rfind("file:///", 0), 0u);
  EXPECT_TRUE(uri.ends_with("/schema.json"));
}

TEST(ShortenFileUris, FilesBelowTheDirectoryLoseTheirUriPrefix) {
  EXPECT_EQ(
      ShortenFileUris("unresolved \"file:///w/a/b.json#/x\" from file:///w/c.json", "file:///w/"),
      "unresolved \"a/b.json#/x\" from c.json");
  EXPECT_EQ(ShortenFileUris("file:///other/b.json", "file:///w/"), "file:///other/b.json");
}

TEST(PathToFileUri, WorkingDirectoryUriEndsWithSlash) {
  EXPECT_TRUE(PathToFileUri(".").ends_with("/"));
}

TEST(DocumentNames, KnownExtensions) {
  EXPECT_TRUE(IsDocumentName("a.json"));
  EXPECT_TRUE(IsDocumentName("a.yaml"));
  EXPECT_TRUE(IsDocumentName("a.yml"));
  EXPECT_TRUE(IsDocumentName("a.ndjson"));
  EXPECT_TRUE(IsDocumentName("a.jsonl"));
  EXPECT_FALSE(IsDocumentName("a.txt"));
  EXPECT_FALSE(IsDocumentName("json"));
  EXPECT_TRUE(IsNdjsonName("a.jsonl"));
  EXPECT_FALSE(IsNdjsonName("a.json"));
}

}  // namespace
}  // namespace accord::cli

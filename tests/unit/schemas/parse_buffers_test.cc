// Per-thread parse buffers (parse_buffers.h): kept for reuse after a parse,
// freed by ReleaseIdleParseBuffers from any thread when their thread is not
// parsing; small ones are kept. Measured with glibc's mallinfo2 (bytes in
// use: arena chunks and mapped blocks).
#include <malloc.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "accord/schemas/avro.h"
#include "accord/schemas/load.h"
#include "accord/schemas/parse_buffers.h"

namespace accord {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

std::size_t HeapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// About 900 KB: the JSON fast path's and the Avro tape's size limit is 1 MiB.
std::string LargeJson() {
  std::string text = "{";
  for (int i = 0; i < 20'000; ++i) {
    if (i) text += ',';
    text += "\"field" + std::to_string(i) +
            "\":{\"type\":\"string\",\"maxLength\":" + std::to_string(i % 100 + 1) + "}";
  }
  return text + "}";
}

std::string LargeAvroRecord() {
  std::string text = R"({"type":"record","name":"Big","fields":[)";
  for (int i = 0; i < 16'000; ++i) {
    if (i) text += ',';
    text += R"({"name":"f)" + std::to_string(i) + R"(","type":"string"})";
  }
  return text + "]}";
}

// Each kind of parse, on a thread of its own; then the buffers it kept are
// measured and released from this thread.
void ExpectKeptThenReleased(const char* what, const std::function<void()>& parse) {
  ReleaseIdleParseBuffers(0);
  const std::size_t before = HeapInUse();
  std::thread parser([&] {
    parse();
    // Kept while the thread lives: the next parse reuses them.
    EXPECT_GT(HeapInUse(), before + kMiB) << what << ": no buffers kept for reuse";
    EXPECT_EQ(ReleaseIdleParseBuffers(64 * kMiB), 0u) << what << ": released below the bound";
    EXPECT_GE(ReleaseIdleParseBuffers(kMiB), 1u) << what;
    EXPECT_LT(HeapInUse(), before + kMiB / 4) << what << ": buffers left after the release";
  });
  parser.join();
}

TEST(ParseBuffers, JsonFastPathBuffersAreKeptThenReleased) {
  const std::string text = LargeJson();
  ExpectKeptThenReleased("JSON", [&] { ASSERT_TRUE(ParseJson(text)); });
}

TEST(ParseBuffers, AvroTextBuffersAreKeptThenReleased) {
  const std::string text = LargeAvroRecord();
  ExpectKeptThenReleased("Avro text", [&] { ASSERT_TRUE(avro::ParseText(text)); });
}

TEST(ParseBuffers, AvroDocumentBuffersAreKeptThenReleased) {
  const auto document = ParseJson(LargeAvroRecord());
  ASSERT_TRUE(document);
  ExpectKeptThenReleased("Avro document", [&] { ASSERT_TRUE(avro::Parse(document->root)); });
}

// A release never touches the buffers of a parse in progress: a thread
// holding its set (as a parse does) is skipped, and its parse still works.
TEST(ParseBuffers, BuffersInUseAreNotReleased) {
  const std::string text = LargeJson();
  std::atomic<int> step{0};
  std::thread parser([&] {
    ASSERT_TRUE(ParseJson(text));  // buffers of ~25 MB kept
    // Parse again while the main thread releases: each release either finds
    // the set in use (skipped) or idle (freed); the parses must all succeed.
    step = 1;
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(ParseJson(text));
    step = 2;
  });
  while (step.load() == 0) std::this_thread::yield();
  while (step.load() == 1) ReleaseIdleParseBuffers(0);
  parser.join();
}

}  // namespace
}  // namespace accord

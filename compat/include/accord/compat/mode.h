// Compatibility levels and the history logic shared by the CLI and the server.
//
// Definitions (writer -> reader means: every event valid under the writer
// schema must be accepted by the reader schema):
//   BACKWARD             compatible(previous -> new): the new schema reads old data
//   FORWARD              compatible(new -> previous): old readers read new data
//   FULL                 both
//   *_TRANSITIVE         the same against every earlier live version, not only
//                        the latest one
//   NONE                 no check
// Names are Confluent's and are public API.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/report.h"

namespace accord::compat {

enum class Level : std::uint8_t {
  kNone,
  kBackward,
  kBackwardTransitive,
  kForward,
  kForwardTransitive,
  kFull,
  kFullTransitive,
};
std::string_view LevelName(Level level);
std::optional<Level> LevelFromString(std::string_view s);  // case-insensitive

// STRICT: sound; an open content model may carry any extra property.
// LENIENT: writers send only declared properties; a newly required property
// with a `default` is assumed filled in by readers. Cases that differ are
// reported as warnings under LENIENT.
enum class Policy : std::uint8_t { kStrict, kLenient };
std::string_view PolicyName(Policy p);                       // "STRICT", "LENIENT"
std::optional<Policy> PolicyFromString(std::string_view s);  // case-insensitive

// One directed check the level requires: compatible(writer -> reader).
// Indices: 0..history.size()-1 are history entries (oldest first);
// history.size() is the candidate.
struct CheckPair {
  std::size_t writer = 0;
  std::size_t reader = 0;
};

namespace internal {
// The findings of a history seen so far, by (kind, direction, old and new
// document and pointer, message); Insert is false for one seen before.
class DistinctFindings {
 public:
  bool Insert(const Finding& f);

 private:
  std::set<std::string> keys_;
};
}  // namespace internal

// The pairs a level requires for a candidate against a history (oldest
// first, live versions only). Empty history or NONE: no pairs.
std::vector<CheckPair> PairsFor(Level level, std::size_t history_size);

// Runs the pairs with `check(writer_index, reader_index)` and merges the
// reports, each distinct break once (a finding of the same kind, direction,
// pointers into the old and the new version and message as an earlier
// pair's is the same break seen again: the first pair, oldest first, names
// it); each finding gets writer_version/reader_version = index + 1 unless
// already set by `check`, and its direction (kBackward when the candidate is
// the reader, kForward when it is the writer) unless already set. `versions` optionally gives the
// version number of each history entry (same length as history), candidate gets the next.
template <typename CheckFn>
Report CheckHistory(Level level, std::size_t history_size, CheckFn&& check,
                    const std::vector<int>& versions = {}) {
  Report total;
  auto version_of = [&](std::size_t i) {
    if (i < versions.size()) return versions[i];
    if (i == history_size && !versions.empty()) return versions.back() + 1;
    return static_cast<int>(i) + 1;
  };
  internal::DistinctFindings seen;
  for (const CheckPair& p : PairsFor(level, history_size)) {
    Report r = check(p.writer, p.reader);
    const Direction direction =
        p.writer == history_size ? Direction::kForward : Direction::kBackward;
    if (r.verdict == Verdict::kIncompatible) total.verdict = Verdict::kIncompatible;
    for (Finding& f : r.findings) {
      if (f.direction == Direction::kNone) f.direction = direction;
      if (f.writer_version == 0) f.writer_version = version_of(p.writer);
      if (f.reader_version == 0) f.reader_version = version_of(p.reader);
      if (seen.Insert(f)) total.Add(std::move(f));
    }
  }
  return total;
}

}  // namespace accord::compat

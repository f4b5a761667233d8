// Compatibility levels, policies, and which (writer -> reader) pairs a level
// requires against a version history.
#include "accord/compat/mode.h"

#include <array>
#include <utility>

#include "wire_names.h"

namespace accord::compat {

namespace {

constexpr std::array<std::pair<Level, std::string_view>, 7> kLevelNames{{
    {Level::kNone, "NONE"},
    {Level::kBackward, "BACKWARD"},
    {Level::kBackwardTransitive, "BACKWARD_TRANSITIVE"},
    {Level::kForward, "FORWARD"},
    {Level::kForwardTransitive, "FORWARD_TRANSITIVE"},
    {Level::kFull, "FULL"},
    {Level::kFullTransitive, "FULL_TRANSITIVE"},
}};

constexpr std::array<std::pair<Policy, std::string_view>, 2> kPolicyNames{{
    {Policy::kStrict, "STRICT"},
    {Policy::kLenient, "LENIENT"},
}};

}  // namespace

std::string_view LevelName(Level level) { return internal::NameOf(kLevelNames, level); }
std::optional<Level> LevelFromString(std::string_view s) {
  return internal::FromName(kLevelNames, s);
}

std::string_view PolicyName(Policy p) { return internal::NameOf(kPolicyNames, p); }
std::optional<Policy> PolicyFromString(std::string_view s) {
  return internal::FromName(kPolicyNames, s);
}

bool internal::DistinctFindings::Insert(const Finding& f) {
  std::string key(f.kind.name());
  for (std::string_view part : {DirectionName(f.direction), std::string_view(OldDocument(f)),
                                std::string_view(OldPath(f)), std::string_view(NewDocument(f)),
                                std::string_view(NewPath(f)), std::string_view(f.message)}) {
    key += '\0';
    key += part;
  }
  return keys_.insert(std::move(key)).second;
}

std::vector<CheckPair> PairsFor(Level level, std::size_t history_size) {
  std::vector<CheckPair> pairs;
  if (history_size == 0) return pairs;
  const std::size_t candidate = history_size;
  const std::size_t latest = history_size - 1;
  bool backward = false;
  bool forward = false;
  bool transitive = false;
  switch (level) {
    case Level::kNone:
      return pairs;
    case Level::kBackward:
      backward = true;
      break;
    case Level::kBackwardTransitive:
      backward = transitive = true;
      break;
    case Level::kForward:
      forward = true;
      break;
    case Level::kForwardTransitive:
      forward = transitive = true;
      break;
    case Level::kFull:
      backward = forward = true;
      break;
    case Level::kFullTransitive:
      backward = forward = transitive = true;
      break;
  }
  // Transitive levels check every history entry, oldest first; for each
  // entry the backward pair comes before the forward pair.
  const std::size_t first = transitive ? 0 : latest;
  for (std::size_t i = first; i <= latest; ++i) {
    if (backward) pairs.push_back({.writer = i, .reader = candidate});
    if (forward) pairs.push_back({.writer = candidate, .reader = i});
  }
  return pairs;
}

}  // namespace accord::compat

// Report bookkeeping and the wire names of Severity and Verdict.
#include "accord/compat/report.h"

#include <algorithm>
#include <array>
#include <utility>

#include "wire_names.h"

namespace accord::compat {

namespace {

constexpr std::array<std::pair<Severity, std::string_view>, 4> kSeverityNames{{
    {Severity::kBreaking, "BREAKING"},
    {Severity::kUndecided, "UNDECIDED"},
    {Severity::kWarning, "WARNING"},
    {Severity::kSafe, "SAFE"},
}};

constexpr std::array<std::pair<Verdict, std::string_view>, 2> kVerdictNames{{
    {Verdict::kCompatible, "COMPATIBLE"},
    {Verdict::kIncompatible, "INCOMPATIBLE"},
}};

constexpr std::array<std::pair<Direction, std::string_view>, 3> kDirectionNames{{
    {Direction::kNone, ""},
    {Direction::kBackward, "BACKWARD"},
    {Direction::kForward, "FORWARD"},
}};

}  // namespace

std::string_view DirectionName(Direction d) { return internal::NameOf(kDirectionNames, d); }

const std::string& OldPath(const Finding& f) {
  return f.direction == Direction::kForward ? f.reader_path : f.writer_path;
}
const std::string& NewPath(const Finding& f) {
  return f.direction == Direction::kForward ? f.writer_path : f.reader_path;
}
const std::string& OldDocument(const Finding& f) {
  return f.direction == Direction::kForward ? f.reader_document : f.writer_document;
}
const std::string& NewDocument(const Finding& f) {
  return f.direction == Direction::kForward ? f.writer_document : f.reader_document;
}

std::string_view SeverityName(Severity s) { return internal::NameOf(kSeverityNames, s); }
std::optional<Severity> SeverityFromString(std::string_view s) {
  return internal::FromName(kSeverityNames, s);
}

std::string_view VerdictName(Verdict v) { return internal::NameOf(kVerdictNames, v); }
std::optional<Verdict> VerdictFromString(std::string_view s) {
  return internal::FromName(kVerdictNames, s);
}

const std::optional<json::Value>& WitnessSource::Get() const {
  std::call_once(once_, [this] { value_ = Build(); });
  return value_;
}

void Report::Add(Finding f) {
  if (IsFailing(f.severity)) verdict = Verdict::kIncompatible;
  // Insert after the last finding at least as severe (enum order is
  // severity order), keeping insertion order within a severity. Findings
  // usually come in severity order: then the place is the end, found
  // without a scan (a scan per finding made n findings cost n^2).
  if (findings.empty() ||
      static_cast<int>(findings.back().severity) <= static_cast<int>(f.severity)) {
    findings.push_back(std::move(f));
    return;
  }
  auto pos = std::find_if(findings.begin(), findings.end(), [&](const Finding& g) {
    return static_cast<int>(g.severity) > static_cast<int>(f.severity);
  });
  findings.insert(pos, std::move(f));
}

void Report::Merge(Report other) {
  if (other.verdict == Verdict::kIncompatible) verdict = Verdict::kIncompatible;
  for (Finding& f : other.findings) Add(std::move(f));
}

std::size_t Report::CountBreaking() const {
  return std::count_if(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::kBreaking; });
}
std::size_t Report::CountUndecided() const {
  return std::count_if(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::kUndecided; });
}
std::size_t Report::CountWarnings() const {
  return std::count_if(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::kWarning; });
}
std::size_t Report::CountSafe() const {
  return std::count_if(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::kSafe; });
}

}  // namespace accord::compat

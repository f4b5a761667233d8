// The result of a compatibility check: a verdict and typed findings.
//
// The engine never returns a bare bool. Each Finding names a typed kind
// (kind.h: one enum per language, each value with a stable SCREAMING_CASE
// wire name, public API: appears in JSON output and the registry's
// responses), the direction it breaks when the check was one of a mode's
// directions, the JSON pointer of the relevant keyword in the writer and in
// the reader schema, a one-line message a producer team can act on, and,
// where one can be built, a witness: a concrete event valid under the writer
// and rejected by the reader.
//
// Rendering (text, JSON, JUnit, GitHub annotations) is separate: render.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/kind.h"
#include "accord/schemas/json.h"

namespace accord::compat {

// How bad a finding is. The enum order is the report order (most severe
// first).
enum class Severity : std::uint8_t {
  kBreaking,   // proven: the witness is valid under the writer and the reader
               // rejects it because of the constraint the finding names
  kUndecided,  // the engine could not prove compatibility here and found no
               // witness that proves a break (e.g. two different regexes):
               // never presented as a proven break, but failing by default
  kWarning,    // a break only under STRICT assumptions, accepted under LENIENT
  kSafe,       // a change that breaks no one (reported by diff only)
};
// "BREAKING", "UNDECIDED", "WARNING", "SAFE"
std::string_view SeverityName(Severity s);
std::optional<Severity> SeverityFromString(std::string_view s);  // case-insensitive
// True for the severities that make a report incompatible: BREAKING and
// UNDECIDED (an undecided finding fails a check: the engine never passes
// what it could not prove).
constexpr bool IsFailing(Severity s) {
  return s == Severity::kBreaking || s == Severity::kUndecided;
}

// What builds a witness when it is first read (Witness). Implementations
// hold what they need (the Avro checker: the writer schema, the path and the
// leaf); the value is built once, whichever copy of the Witness reads it,
// and may be read from several threads.
class WitnessSource {
 public:
  virtual ~WitnessSource() = default;
  // The witness, or nullopt when none can be built.
  const std::optional<json::Value>& Get() const;

 private:
  virtual std::optional<json::Value> Build() const = 0;
  mutable std::once_flag once_;
  mutable std::optional<json::Value> value_;
};

// A finding's witness, read as a std::optional<json::Value> (`if (w)`,
// `*w`, `w->`, `w.has_value()`). It holds either a value or a source that
// builds it on first read. Why lazily: building witnesses was about a
// quarter of an Avro check, and many reports are read only for their verdict,
// kinds and messages (a registry's compatibility gate, a history checked
// version by version); the renderers read them, and get the same value.
class Witness {
 public:
  Witness() = default;
  Witness(std::nullopt_t) {}
  Witness(json::Value value) : value_(std::move(value)) {}
  Witness(std::optional<json::Value> value) : value_(std::move(value)) {}
  explicit Witness(std::shared_ptr<const WitnessSource> source) : source_(std::move(source)) {}

  bool has_value() const { return Value().has_value(); }
  explicit operator bool() const { return has_value(); }
  const json::Value& operator*() const { return *Value(); }
  const json::Value* operator->() const { return &*Value(); }
  void reset() {
    value_.reset();
    source_.reset();
  }

 private:
  const std::optional<json::Value>& Value() const { return source_ ? source_->Get() : value_; }

  std::optional<json::Value> value_;
  std::shared_ptr<const WitnessSource> source_;
};

// Which compatibility direction a finding breaks (mode.h: BACKWARD =
// compatible(old -> new), FORWARD = compatible(new -> old)). A field, set by
// the mode logic (CheckHistory) and by the diffs; callers never parse it
// back out of a message.
enum class Direction : std::uint8_t {
  kNone,      // not known: a single directed check outside a mode (writer -> reader)
  kBackward,  // the old version is the writer, the new one the reader
  kForward,   // the new version is the writer, the old one the reader
};
std::string_view DirectionName(Direction d);  // "", "BACKWARD", "FORWARD"

// A single finding. `kind` is one row of its language's kind table (kind.h,
// jsonschema_kinds.h, avro_kinds.h).
struct Finding {
  Kind kind;
  Severity severity = Severity::kBreaking;
  // For a finding of a mode's directed check or of a diff: the direction it
  // breaks (a SAFE diff finding breaks neither: kNone). With kForward the
  // writer is the NEW schema: writer_path points into the new file and
  // reader_path into the old one (OldPath / NewPath below say which is which).
  Direction direction = Direction::kNone;
  std::string writer_path;  // JSON pointer into the writer schema ("" = root)
  std::string reader_path;  // JSON pointer into the reader schema
  // The document each pointer is in: "" for the checked schema itself, else
  // the referenced schema the engine followed a reference into, by the name
  // the schema gives it (ReferencedSchema::name: "customer.json" for a JSON
  // Schema $ref, "acme.Customer" for an Avro named type, "acme/money.proto"
  // for a Protobuf import), or the URI of a further document (ParseOptions::
  // documents, `--ref`). Renderers print it in place of the schema's name.
  std::string writer_document;
  std::string reader_document;
  std::string message;  // one line, no trailing period
  // An event valid under the writer and rejected by the reader because of
  // the constraint this finding names (the reader's error locations include
  // reader_path). Every BREAKING finding of the JSON Schema and Avro
  // engines has one; UNDECIDED findings never do.
  Witness witness;
  // Which pair of versions the finding is about, when the check spans a
  // history (filled in by the mode logic; 0 = not applicable).
  int writer_version = 0;
  int reader_version = 0;
};

// The pointer into the old / new version of a finding whose direction is
// known (for kNone, the writer is taken as the old version, as in a SAFE
// diff finding).
const std::string& OldPath(const Finding& f);
const std::string& NewPath(const Finding& f);
// The documents those pointers are in (Finding::writer_document, ...).
const std::string& OldDocument(const Finding& f);
const std::string& NewDocument(const Finding& f);

enum class Verdict : std::uint8_t {
  kCompatible,    // no breaking and no undecided finding
  kIncompatible,  // at least one breaking or undecided finding
};
std::string_view VerdictName(Verdict v);                       // "COMPATIBLE", "INCOMPATIBLE"
std::optional<Verdict> VerdictFromString(std::string_view s);  // case-insensitive

struct Report {
  Verdict verdict = Verdict::kCompatible;
  std::vector<Finding> findings;  // breaking first, then undecided, warnings, safe

  bool compatible() const { return verdict == Verdict::kCompatible; }
  // Adds a finding and updates the verdict (a breaking or undecided finding
  // makes the report incompatible). The finding goes after every finding of
  // the same or a more severe severity, so the order stays breaking,
  // undecided, warning, safe and
  // findings of one severity keep the order they were added in.
  void Add(Finding f);
  // Adds all findings of `other` as Add would, in their order; the result is
  // incompatible when either report was.
  void Merge(Report other);
  std::size_t CountBreaking() const;
  std::size_t CountUndecided() const;
  std::size_t CountWarnings() const;
  std::size_t CountSafe() const;
};

}  // namespace accord::compat

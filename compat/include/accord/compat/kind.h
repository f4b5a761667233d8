// Finding kinds: typed per schema language, with stable wire names.
//
// Each schema language declares its kinds as one `enum class` (JsonSchemaKind
// in jsonschema_kinds.h, AvroKind in avro_kinds.h, ProtobufKind in
// protobuf_kinds.h) listed once in a `.def`
// table: enumerator, SCREAMING_CASE wire name, a short meaning and the advice
// to the team that can still change its schema. A Finding holds a `Kind`, a
// small value that any language's enum converts to implicitly, so emission
// sites write `f.kind = JsonSchemaKind::kTypeChanged` and readers compare
// `f.kind == AvroKind::kTypeMismatch` or read `f.kind.name()`.
//
// Wire names are public API (JSON output, JUnit failure types, GitHub
// annotation titles, the registry's 409 messages): a name, once released,
// keeps its meaning. A new language adds one enum, one `.def` table and a
// `DescribeKind` overload (found by argument-dependent lookup); nothing here
// changes.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>

namespace accord::compat {

// The schema language a kind belongs to (kCommon: kinds about the pair of
// schemas rather than one language, such as a change of schema type).
enum class KindLanguage : std::uint8_t { kCommon, kJsonSchema, kAvro, kProtobuf };
// "common", "JSON Schema", "Avro", "Protobuf"
std::string_view KindLanguageName(KindLanguage l);

// What a kind's table row says. `advice` is written for the team that can
// still change its schema: for a kind that names a change from an old to a
// new version, the new one (the old one is deployed).
struct KindInfo {
  KindLanguage language = KindLanguage::kCommon;
  std::uint16_t value = 0;   // the enumerator's value in its language's enum
  std::string_view name;     // SCREAMING_CASE wire name
  std::string_view meaning;  // one line, no trailing period
  std::string_view advice;   // one line, no trailing period; "" when nothing is to be done
};

// Kinds about a pair of schemas in any language.
enum class CommonKind : std::uint16_t {
  kUnknown,            // a default-constructed Kind; never emitted by an engine
  kSchemaTypeChanged,  // the two versions are in different schema languages
};
const KindInfo& DescribeKind(CommonKind k);
std::span<const KindInfo> CommonKinds();

template <typename E>
concept FindingKindEnum = std::is_enum_v<E> && requires(E e) {
  { DescribeKind(e) } -> std::same_as<const KindInfo&>;
};

// A finding's kind: one row of one language's table. Cheap to copy;
// compares by identity (the row), which is the same as by wire name within
// one language.
class Kind {
 public:
  Kind() : info_(&DescribeKind(CommonKind::kUnknown)) {}
  template <FindingKindEnum E>
  Kind(E e) : info_(&DescribeKind(e)) {}  // NOLINT: implicit by design

  std::string_view name() const { return info_->name; }
  std::string_view meaning() const { return info_->meaning; }
  std::string_view advice() const { return info_->advice; }
  KindLanguage language() const { return info_->language; }
  const KindInfo& info() const { return *info_; }

  // The typed value, when the kind belongs to E's language.
  template <FindingKindEnum E>
  std::optional<E> As() const {
    const KindInfo& probe = DescribeKind(static_cast<E>(info_->value));
    if (&probe != info_) return std::nullopt;
    return static_cast<E>(info_->value);
  }

  friend bool operator==(const Kind& a, const Kind& b) { return a.info_ == b.info_; }
  // By wire name (tests and callers holding a name read from the wire).
  friend bool operator==(const Kind& a, std::string_view name) { return a.name() == name; }
  friend bool operator==(const Kind& a, const char* name) { return a.name() == name; }
  friend std::ostream& operator<<(std::ostream& os, const Kind& k) { return os << k.name(); }

 private:
  const KindInfo* info_;
};

// The kind whose wire name is `name` in `language` (case-sensitive: wire
// names are exact), or nullopt.
std::optional<Kind> KindFromName(KindLanguage language, std::string_view name);

namespace internal {
// Row `value` of `table`, or the CommonKind::kUnknown row when out of range
// (a value cast from an integer that is not an enumerator).
const KindInfo& RowOf(std::span<const KindInfo> table, std::uint16_t value);
}  // namespace internal

}  // namespace accord::compat

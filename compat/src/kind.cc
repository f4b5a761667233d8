// The finding-kind tables of every language (rows from the .def files) and
// the lookups over them.
#include "accord/compat/kind.h"

#include <array>

#include "accord/compat/avro_kinds.h"
#include "accord/compat/jsonschema_kinds.h"
#include "accord/compat/protobuf_kinds.h"

namespace accord::compat {

namespace {

constexpr KindInfo kCommonTable[] = {
    {KindLanguage::kCommon, 0, "UNKNOWN",
     "a finding whose kind was not set (never emitted by an engine)", ""},
    {KindLanguage::kCommon, 1, "SCHEMA_TYPE_CHANGED",
     "the two versions are in different schema languages (e.g. JSON Schema and Avro)",
     "register the new schema in the language of the old one, or under a new subject"},
};

#define KIND(id, name, meaning, advice)                                                      \
  {KindLanguage::kJsonSchema, static_cast<std::uint16_t>(JsonSchemaKind::id), name, meaning, \
   advice},
constexpr KindInfo kJsonSchemaTable[] = {
#include "accord/compat/jsonschema_kinds.def"
};
#undef KIND

#define KIND(id, name, meaning, advice) \
  {KindLanguage::kAvro, static_cast<std::uint16_t>(AvroKind::id), name, meaning, advice},
constexpr KindInfo kAvroTable[] = {
#include "accord/compat/avro_kinds.def"
};
#undef KIND

#define KIND(id, name, meaning, advice) \
  {KindLanguage::kProtobuf, static_cast<std::uint16_t>(ProtobufKind::id), name, meaning, advice},
constexpr KindInfo kProtobufTable[] = {
#include "accord/compat/protobuf_kinds.def"
};
#undef KIND

// Each row's value is its index (the enum is declared from the same rows),
// and within a language no wire name repeats.
constexpr bool WellFormed(std::span<const KindInfo> table) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].value != i) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (table[j].name == table[i].name) return false;
    }
  }
  return true;
}
static_assert(WellFormed(kCommonTable));
static_assert(WellFormed(kJsonSchemaTable), "jsonschema_kinds.def repeats a wire name");
static_assert(WellFormed(kAvroTable), "avro_kinds.def repeats a wire name");
static_assert(WellFormed(kProtobufTable), "protobuf_kinds.def repeats a wire name");

template <typename E>
std::optional<E> FromName(std::span<const KindInfo> table, std::string_view name) {
  for (const KindInfo& row : table) {
    if (row.name == name) return static_cast<E>(row.value);
  }
  return std::nullopt;
}

}  // namespace

namespace internal {
const KindInfo& RowOf(std::span<const KindInfo> table, std::uint16_t value) {
  return value < table.size() ? table[value] : kCommonTable[0];
}
}  // namespace internal

std::string_view KindLanguageName(KindLanguage l) {
  switch (l) {
    case KindLanguage::kCommon:
      return "common";
    case KindLanguage::kJsonSchema:
      return "JSON Schema";
    case KindLanguage::kAvro:
      return "Avro";
    case KindLanguage::kProtobuf:
      return "Protobuf";
  }
  return "common";
}

const KindInfo& DescribeKind(CommonKind k) {
  return internal::RowOf(kCommonTable, static_cast<std::uint16_t>(k));
}
std::span<const KindInfo> CommonKinds() { return kCommonTable; }

const KindInfo& DescribeKind(JsonSchemaKind k) {
  return internal::RowOf(kJsonSchemaTable, static_cast<std::uint16_t>(k));
}
std::span<const KindInfo> JsonSchemaKinds() { return kJsonSchemaTable; }
std::optional<JsonSchemaKind> JsonSchemaKindFromName(std::string_view name) {
  return FromName<JsonSchemaKind>(kJsonSchemaTable, name);
}

const KindInfo& DescribeKind(AvroKind k) {
  return internal::RowOf(kAvroTable, static_cast<std::uint16_t>(k));
}
std::span<const KindInfo> AvroKinds() { return kAvroTable; }
std::optional<AvroKind> AvroKindFromName(std::string_view name) {
  return FromName<AvroKind>(kAvroTable, name);
}

const KindInfo& DescribeKind(ProtobufKind k) {
  return internal::RowOf(kProtobufTable, static_cast<std::uint16_t>(k));
}
std::span<const KindInfo> ProtobufKinds() { return kProtobufTable; }
std::optional<ProtobufKind> ProtobufKindFromName(std::string_view name) {
  return FromName<ProtobufKind>(kProtobufTable, name);
}

std::optional<Kind> KindFromName(KindLanguage language, std::string_view name) {
  switch (language) {
    case KindLanguage::kCommon:
      if (auto k = FromName<CommonKind>(kCommonTable, name)) return Kind(*k);
      return std::nullopt;
    case KindLanguage::kJsonSchema:
      if (auto k = JsonSchemaKindFromName(name)) return Kind(*k);
      return std::nullopt;
    case KindLanguage::kAvro:
      if (auto k = AvroKindFromName(name)) return Kind(*k);
      return std::nullopt;
    case KindLanguage::kProtobuf:
      if (auto k = ProtobufKindFromName(name)) return Kind(*k);
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace accord::compat

// ---- the checker's kinds in the author's words ------------------------------

namespace accord::compat {

namespace {

struct ChangeRow {
  JsonSchemaKind checked, backward, forward;
};
using J = JsonSchemaKind;
// Backward (old writer, new reader): the new schema added the constraint the
// kind names, so most kinds read the same. Forward (new writer, old reader):
// the old schema has the constraint and the new one dropped or relaxed it.
constexpr ChangeRow kJsonSchemaChanges[] = {
    {J::kTypeNarrowed, J::kTypeNarrowed, J::kTypeExtended},
    {J::kFalseSchema, J::kFalseSchema, J::kFalseSchemaRemoved},
    {J::kMinimumAdded, J::kMinimumAdded, J::kMinimumRemoved},
    {J::kMinimumIncreased, J::kMinimumIncreased, J::kMinimumDecreased},
    {J::kMaximumAdded, J::kMaximumAdded, J::kMaximumRemoved},
    {J::kMaximumDecreased, J::kMaximumDecreased, J::kMaximumIncreased},
    {J::kExclusiveBoundAdded, J::kExclusiveBoundAdded, J::kExclusiveBoundRemoved},
    {J::kMultipleOfAdded, J::kMultipleOfAdded, J::kMultipleOfRemoved},
    {J::kMinLengthAdded, J::kMinLengthAdded, J::kMinLengthRemoved},
    {J::kMinLengthIncreased, J::kMinLengthIncreased, J::kMinLengthDecreased},
    {J::kMaxLengthAdded, J::kMaxLengthAdded, J::kMaxLengthRemoved},
    {J::kMaxLengthDecreased, J::kMaxLengthDecreased, J::kMaxLengthIncreased},
    {J::kPatternAdded, J::kPatternAdded, J::kPatternRemoved},
    {J::kFormatAdded, J::kFormatAdded, J::kFormatRemoved},
    {J::kEnumAdded, J::kEnumAdded, J::kEnumRemoved},
    {J::kConstAdded, J::kConstAdded, J::kConstRemoved},
    {J::kEnumNarrowed, J::kEnumValueRemoved, J::kEnumValueAdded},
    {J::kRequiredAdded, J::kRequiredAdded, J::kRequiredRemoved},
    {J::kRequiredAddedWithDefault, J::kRequiredAddedWithDefault, J::kRequiredRemoved},
    // A closed new object lacks a property the old one declares; forward, a
    // property the new schema declares is refused by the old closed object.
    {J::kPropertyRemoved, J::kPropertyRemoved, J::kOptionalPropertyAdded},
    // An open old object, a property the new schema declares; forward, the
    // new (open) object no longer declares a property the old one types.
    {J::kPropertyAddedToOpenContentModel, J::kOptionalPropertyAdded, J::kPropertyRemoved},
    {J::kAdditionalPropertiesNarrowed, J::kAdditionalPropertiesNarrowed,
     J::kAdditionalPropertiesWidened},
    {J::kPropertyNamesNarrowed, J::kPropertyNamesNarrowed, J::kPropertyNamesWidened},
    {J::kMinPropertiesAdded, J::kMinPropertiesAdded, J::kMinPropertiesRemoved},
    {J::kMinPropertiesIncreased, J::kMinPropertiesIncreased, J::kMinPropertiesDecreased},
    {J::kMaxPropertiesAdded, J::kMaxPropertiesAdded, J::kMaxPropertiesRemoved},
    {J::kMaxPropertiesDecreased, J::kMaxPropertiesDecreased, J::kMaxPropertiesIncreased},
    {J::kDependentRequiredAdded, J::kDependentRequiredAdded, J::kDependentRequiredRemoved},
    {J::kDependentSchemaAdded, J::kDependentSchemaAdded, J::kDependentSchemaRemoved},
    {J::kItemsAdded, J::kItemsAdded, J::kItemsRemoved},
    {J::kAdditionalItemsRemoved, J::kAdditionalItemsRemoved, J::kAdditionalItemsAdded},
    {J::kMinItemsAdded, J::kMinItemsAdded, J::kMinItemsRemoved},
    {J::kMinItemsIncreased, J::kMinItemsIncreased, J::kMinItemsDecreased},
    {J::kMaxItemsAdded, J::kMaxItemsAdded, J::kMaxItemsRemoved},
    {J::kMaxItemsDecreased, J::kMaxItemsDecreased, J::kMaxItemsIncreased},
    {J::kUniqueItemsAdded, J::kUniqueItemsAdded, J::kUniqueItemsRemoved},
    {J::kContainsAdded, J::kContainsAdded, J::kContainsRemoved},
    {J::kMaxContainsAdded, J::kMaxContainsAdded, J::kMaxContainsRemoved},
    {J::kAnyOfNarrowed, J::kAnyOfNarrowed, J::kAnyOfWidened},
    {J::kOneOfNarrowed, J::kOneOfNarrowed, J::kOneOfWidened},
    {J::kNotExtended, J::kNotExtended, J::kNotReduced},
    {J::kIfThenElseNarrowed, J::kIfThenElseNarrowed, J::kIfThenElseWidened},
};

struct AvroChangeRow {
  AvroKind checked, backward, forward;
};
using A = AvroKind;
constexpr AvroChangeRow kAvroChanges[] = {
    {A::kNameMismatch, A::kNamedTypeRenamed, A::kNamedTypeRenamed},
    {A::kFixedSizeMismatch, A::kFixedSizeChanged, A::kFixedSizeChanged},
    {A::kMissingEnumSymbols, A::kEnumSymbolRemoved, A::kEnumSymbolAdded},
    // Backward: the new record has a field without default the old lacks;
    // forward: the old record has one the new lacks.
    {A::kReaderFieldMissingDefaultValue, A::kFieldAdded, A::kFieldRemoved},
    {A::kTypeMismatch, A::kTypeChanged, A::kTypeChanged},
    {A::kMissingUnionBranch, A::kUnionBranchRemoved, A::kUnionBranchAdded},
};

// Column `column` of the row of `checked`; `checked` itself without a row.
template <typename Row, std::size_t N, typename E>
E Translate(const Row (&rows)[N], E checked, E Row::*column) {
  for (const Row& row : rows) {
    if (row.checked == checked) return row.*column;
  }
  return checked;
}

}  // namespace

JsonSchemaKind BackwardChangeKind(JsonSchemaKind checked) {
  return Translate(kJsonSchemaChanges, checked, &ChangeRow::backward);
}
JsonSchemaKind ForwardChangeKind(JsonSchemaKind checked) {
  return Translate(kJsonSchemaChanges, checked, &ChangeRow::forward);
}
AvroKind BackwardChangeKind(AvroKind checked) {
  return Translate(kAvroChanges, checked, &AvroChangeRow::backward);
}
AvroKind ForwardChangeKind(AvroKind checked) {
  return Translate(kAvroChanges, checked, &AvroChangeRow::forward);
}

}  // namespace accord::compat

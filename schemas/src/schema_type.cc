#include "accord/schemas/schema_type.h"

#include <array>
#include <utility>

namespace accord {
namespace {

constexpr std::array<std::pair<SchemaType, std::string_view>, 3> kNames{{
    {SchemaType::kAvro, "AVRO"},
    {SchemaType::kJson, "JSON"},
    {SchemaType::kProtobuf, "PROTOBUF"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view SchemaTypeName(SchemaType t) {
  for (const auto& [value, name] : kNames) {
    if (value == t) return name;
  }
  return "AVRO";
}

std::optional<SchemaType> SchemaTypeFromString(std::string_view s) {
  for (const auto& [value, name] : kNames) {
    if (EqualsIgnoreCase(name, s)) return value;
  }
  return std::nullopt;
}

}  // namespace accord

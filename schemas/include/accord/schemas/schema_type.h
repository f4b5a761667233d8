// The schema languages Accord knows, by their Confluent wire names. Defined
// here, in the lowest layer, so that every layer names a language the same
// way; which languages are implemented is compat::LanguageFor's business
// (compat/language.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace accord {

enum class SchemaType : std::uint8_t { kAvro, kJson, kProtobuf };

// Every schema type, in enum order.
inline constexpr SchemaType kSchemaTypes[] = {SchemaType::kAvro, SchemaType::kJson,
                                              SchemaType::kProtobuf};

// The type of a schema whose schemaType is absent on the wire (Confluent's
// default).
inline constexpr SchemaType kDefaultSchemaType = SchemaType::kAvro;

// "AVRO", "JSON", "PROTOBUF" (public API: Confluent's `schemaType`).
std::string_view SchemaTypeName(SchemaType t);
// Case-insensitive; nullopt for any other name.
std::optional<SchemaType> SchemaTypeFromString(std::string_view s);

}  // namespace accord

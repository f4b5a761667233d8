// Schema languages as the registry sees them (private to registry/): parse
// and validate a schema text with its resolved references, compute its
// canonical text, and check compatible(writer -> reader).
//
// This is where schema types plug in: JSON Schema (schemas/jsonschema.h,
// compat/jsonschema_compat.h), Avro (schemas/avro.h, compat/avro_compat.h),
// Protobuf (42201 "not supported yet").
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/registry/error.h"
#include "accord/registry/types.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"

namespace accord::registry::internal {

// A referenced schema, resolved to its stored version.
struct ResolvedReference {
  std::string name;  // as the referencing schema names it
  SubjectName subject;
  Version version;
  SchemaType type = SchemaType::kAvro;
  std::shared_ptr<const json::Value> document;
};

struct ParsedSchema {
  SchemaType type = SchemaType::kAvro;
  json::Value value;
  std::string canonical;             // json::Canonicalize(value)
  std::optional<avro::Schema> avro;  // set for AVRO
  // JSON: the dialect the schema was read as when it has no $schema; every
  // check and diff of it reads it so.
  jsonschema::Dialect dialect = jsonschema::kDefaultDialect;
  // Transitive closure of the references, each name once (first wins).
  std::vector<ResolvedReference> references;
};

// Parses `text` as a schema of `type` and validates it against the language's
// rules with `references` available; a JSON Schema without $schema is read as
// `dialect`. Errors: 42201 with the parser's message (PROTOBUF: "not
// supported yet"; an Avro parse error of a text that looks like JSON Schema
// adds a hint to set schemaType JSON).
RegistryResult<ParsedSchema> ParseSchema(SchemaType type, std::string_view text,
                                         std::vector<ResolvedReference> references,
                                         jsonschema::Dialect dialect);

// compatible(writer -> reader). Both must have the same type (a type change is
// reported as one breaking TYPE_CHANGED finding); JSON Schemas are read in
// the writer's dialect (one registry parses every schema with one setting).
// Errors: 42201 when the engine rejects a schema.
RegistryResult<compat::Report> CheckCompatible(const ParsedSchema& writer,
                                               const ParsedSchema& reader, compat::Policy policy);

}  // namespace accord::registry::internal

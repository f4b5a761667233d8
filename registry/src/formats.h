// Schema languages as the registry sees them (private to registry/src):
// parse and validate a schema text with its resolved references, and check
// compatible(writer -> reader), each through the language table
// (compat/language.h). A type without a language there answers 42201
// "not supported yet".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/language.h"
#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/registry/error.h"
#include "accord/registry/types.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"

namespace accord::registry::internal {

// A referenced schema, resolved to its stored version.
struct ResolvedReference {
  std::string name;  // as the referencing schema names it
  SubjectName subject;
  Version version;
  SchemaType type = SchemaType::kAvro;
  std::shared_ptr<const compat::Schema> schema;  // its parsed form
};

struct ParsedSchema {
  SchemaType type = SchemaType::kAvro;
  std::shared_ptr<const compat::Schema> schema;  // never null in a ParsedSchema returned
  // Transitive closure of the references, each name once (first wins).
  std::vector<ResolvedReference> references;

  const compat::Language& language() const { return schema->language(); }
  // The canonical text (compat::Schema::canonical).
  const std::string& canonical() const { return schema->canonical(); }
  // The schema's JSON document for the languages written in JSON, else null.
  const json::Value* document() const {
    return schema->source().document ? &schema->source().document->root : nullptr;
  }
};

// Parses `text` as a schema of `type` and validates it against the language's
// rules with `references` available; a JSON Schema without $schema is read as
// `dialect`. Errors: 42201 "Invalid schema: <language>: <the parser's
// message>" (a type without a language: "not supported yet"; an AVRO text
// that another language reads, as JSON Schema, adds a hint naming that
// schemaType).
RegistryResult<ParsedSchema> ParseSchema(SchemaType type, std::string_view text,
                                         std::vector<ResolvedReference> references,
                                         jsonschema::Dialect dialect);

// A consumer's reader (ConsumedSubject: its `schema`, non-empty, of `type`),
// parsed with the files it imports taken from its `references` by import
// path. Errors: 42201 "Invalid schema: <language>: ..." as ParseSchema, for
// the reader or the reference named; an import the references do not
// carry, a reference nothing imports, references on a reader whose language
// imports no files, two references of one name, or more than
// compat::kMaxReferencedSchemas of them.
RegistryResult<ParsedSchema> ParseReader(const ConsumedSubject& reader,
                                         jsonschema::Dialect dialect);

// compatible(writer -> reader). Both must have the same type (a type change is
// reported as one breaking SCHEMA_TYPE_CHANGED finding); JSON Schemas are read
// in the writer's dialect (one registry parses every schema with one
// setting), `format` an annotation. Errors: 42201 when the engine rejects a
// schema.
RegistryResult<compat::Report> CheckCompatible(const ParsedSchema& writer,
                                               const ParsedSchema& reader, compat::Policy policy);

}  // namespace accord::registry::internal

// Field tables of a schema (the catalog's "fields" view and PII list),
// private to compat/src (the Fields of the JSON Schema and Avro languages).
//
// JSON Schema: the properties of the root object, recursively through
// nested objects (`properties`), array items (`items` as one schema; a path
// segment "[]"), `allOf` branches (merged at the same level) and local
// `$ref`s ("#/..." JSON pointers into the same document). A `$ref` that is
// already being expanded on the current path is listed once with type "ref"
// and not expanded again (cycle guard). A `$ref` naming one of the schema's
// references ("customer.json", "./customer.json", "customer.json#/$defs/x":
// Confluent's references, a name and a pointer into that document) is
// expanded like a local one, its own local `$ref`s read in its document;
// any other remote `$ref` is listed with type "ref". A field is required
// when its parent object lists it in `required`; PII when its schema has
// `"x-pii": true`.
//
// Avro: the fields of the root record, recursively through nested records,
// array items ("[]"), map values ("{}") and unions (a union's non-null
// branches are walked; its type reads "null|string"), named types defined in
// the schema or in one of its references. Named types already
// expanded on the current path are not expanded again. A field is required
// when it has no default and its type is not a union with null; PII when
// the field has `"pii": true`.
//
// Limits: nesting deeper than kMaxFieldDepth is not expanded; at most
// kMaxFields rows are returned (the first ones in document order).
// Never fails: parts of a schema that do not have the expected shape are
// skipped.
#pragma once

#include <cstddef>
#include <vector>

#include "accord/compat/language.h"
#include "accord/schemas/json.h"

namespace accord::compat::internal {

inline constexpr std::size_t kMaxFieldDepth = 32;
inline constexpr std::size_t kMaxFields = 1000;

// A referenced schema's document, by the name the schema refers to it by.
struct NamedDocument {
  std::string name;
  const json::Value* document = nullptr;
};

std::vector<FieldInfo> JsonSchemaFields(const json::Value& schema,
                                        const std::vector<NamedDocument>& references = {});
std::vector<FieldInfo> AvroFields(const json::Value& schema,
                                  const std::vector<NamedDocument>& references = {});

}  // namespace accord::compat::internal

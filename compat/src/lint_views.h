// The lint views of the languages written in JSON (private to compat/src):
// the owner attribute and the schema walk of compat/lint.h's rules over a
// JSON Schema or Avro document, called by their Language::Lint.
#pragma once

#include "accord/compat/lint.h"
#include "accord/schemas/json.h"

namespace accord::compat::lint::internal {

// JSON Schema: `x-owner`, `description`, `properties`, `x-pii`,
// `additionalProperties`, `required` (envelope).
void LintJsonSchemaDocument(const json::Value& root, Context& cx);
// Avro: `owner`, `doc`, `fields`, `pii`.
void LintAvroDocument(const json::Value& root, Context& cx);

}  // namespace accord::compat::lint::internal

// The difference between two versions of a subject (catalog diff and
// changelog), private to registry/src: glue between the registry's parsed
// schemas (formats.h) and their language's diff (compat::Language::Diff).
//
// Contracts:
//  * DiffSchemas(old, new): every change, breaking ones first, kinds in the
//    author's words. Breaking findings are those of compatible(old -> new)
//    (direction kBackward: new readers cannot read old data) and of
//    compatible(new -> old) (kForward), then SAFE findings (kNone) for
//    changes that break neither direction.
//  * Schemas with references in a language whose Diff does not read them
//    (JSON Schema) are compared with the registry's reference-aware check in
//    both directions (internal::CheckCompatible); SAFE findings are then not
//    listed.
//  * Two schema types: a breaking SCHEMA_TYPE_CHANGED finding per direction.
//  * Errors: 42201 when the engine rejects one of the schemas.
#pragma once

#include <string>

#include "accord/compat/report.h"
#include "accord/registry/error.h"
#include "formats.h"

namespace accord::registry::internal {

RegistryResult<compat::Report> DiffSchemas(const ParsedSchema& old_schema,
                                           const ParsedSchema& new_schema);

// "FULL", "BACKWARD", "FORWARD" or "NONE": the directions in which the new
// version of a DiffSchemas report is compatible with the old one.
std::string CompatibilityOf(const compat::Report& diff);

}  // namespace accord::registry::internal

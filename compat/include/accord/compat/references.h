// Resolving the schemas a schema names (compat::SchemaImport: Protobuf's
// imports, a registry version's `references`) into what ParseOptions::
// references wants: each found schema parsed with its own references, the
// closure in pre-order, each name once. Where the schemas come from is the
// caller's (FindReference): files on disk (the CLI's -I/--proto-path), a
// registry's versions, or the texts a consumer's declaration carries.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "accord/compat/language.h"
#include "accord/schemas/error.h"
#include "accord/schemas/jsonschema.h"

namespace accord::compat {

// At most this many schemas referenced, directly or not, by one schema
// (protobuf::Limits::max_files).
inline constexpr std::size_t kMaxReferencedSchemas = 128;

// A schema another one names, as found.
struct FoundReference {
  SchemaSource source;  // its name is how errors name it (a path, "SUBJECT version N")
  const Language* language = nullptr;
  std::vector<SchemaImport> imports;  // what it names itself
  std::string identity;               // ReferencedSchema::identity
};
// Finds what `import` (written in `importer`) names. Errors name the
// importer at the import's position (ImportError).
using FindReference =
    std::function<Result<FoundReference>(const SchemaImport& import, const SchemaSource& importer)>;

// Resolves `imports` (written in `importer`) and, through `find`, theirs:
// each found schema is parsed with its own references, and the result is
// the closure ParseOptions::references wants (pre-order, each name once).
// Errors: `find`'s; a cycle of imports (at the import closing it); more
// than kMaxReferencedSchemas schemas; a referenced schema that does not
// parse (named by its source name).
Result<std::vector<ReferencedSchema>> ResolveReferences(
    const std::vector<SchemaImport>& imports, const SchemaSource& importer,
    const FindReference& find, jsonschema::Dialect dialect = jsonschema::kDefaultDialect);

// An error about `import`: in `importer`'s file, at the import's position.
Error ImportError(ErrorCode code, const SchemaSource& importer, const SchemaImport& import,
                  std::string message);

}  // namespace accord::compat

// Avro compatibility: compatible(W -> R) holds when data written with the
// writer schema W can be read with the reader schema R under the Avro
// specification's schema-resolution rules.
//
// SEMANTICS (tests name these rules):
//  * Primitives: same type, or a promotion: int -> long, float, double;
//    long -> float, double; float -> double; string -> bytes; bytes -> string.
//    Logical types do not take part in resolution (as in Apache Avro).
//  * Named types match by unqualified name (the specification's "same
//    (unqualified) name"), or when one of the reader's aliases (full names)
//    equals the writer's full name. A mismatch is NAME_MISMATCH; the
//    contents are still compared, so one check reports every problem.
//  * Records: each reader field is matched to the writer field of the same
//    name, else to a writer field named by one of the reader field's aliases;
//    matched fields must resolve recursively; a reader field with no writer
//    field needs a default (READER_FIELD_MISSING_DEFAULT_VALUE); writer
//    fields the reader lacks are skipped.
//  * Enums: every writer symbol must be a reader symbol unless the reader
//    enum has a default (MISSING_ENUM_SYMBOLS).
//  * Fixed: names as above and equal sizes (FIXED_SIZE_MISMATCH).
//  * Arrays and maps: items / values resolve recursively.
//  * Unions: a writer union resolves when every writer branch does; a
//    non-union writer against a reader union needs some reader branch it is
//    compatible with (MISSING_UNION_BRANCH); a writer union against a
//    non-union reader needs every branch to resolve against that reader.
//  * Anything else is TYPE_MISMATCH.
//  * Recursive named types: a (writer, reader) pair met again while it is
//    being compared is assumed compatible (the coinductive reading Apache
//    Avro's checkers use); results are memoised per pair, and results that
//    depended on an assumption that turned out false are discarded.
// Kinds are the names of Apache Avro's SchemaIncompatibilityType.
//
// Paths: writer_path / reader_path are JSON pointers into each schema
// document, at the definition of the node concerned (for a named type
// referenced by name: where it is defined). Every breaking finding carries a
// witness where one can be built: a datum in Avro's JSON encoding (unions as
// {"branch": value}), valid under the writer schema, that reaches the
// incompatible part. A witness cannot be built when the writer schema has no
// finite value along that path.
#pragma once

#include <string_view>
#include <vector>

#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord::compat {

inline constexpr std::string_view kAvroNameMismatch = "NAME_MISMATCH";
inline constexpr std::string_view kAvroFixedSizeMismatch = "FIXED_SIZE_MISMATCH";
inline constexpr std::string_view kAvroMissingEnumSymbols = "MISSING_ENUM_SYMBOLS";
inline constexpr std::string_view kAvroReaderFieldMissingDefaultValue =
    "READER_FIELD_MISSING_DEFAULT_VALUE";
inline constexpr std::string_view kAvroTypeMismatch = "TYPE_MISMATCH";
inline constexpr std::string_view kAvroMissingUnionBranch = "MISSING_UNION_BRANCH";
// Not an Apache Avro kind: the comparison went deeper than the engine's
// recursion limit (a chain of thousands of distinct named types), so it was
// not decided; breaking, never a silent pass.
inline constexpr std::string_view kAvroUndecidedDepth = "UNDECIDED_DEPTH";

// Safe (non-breaking) change kinds reported by DiffAvro only.
inline constexpr std::string_view kAvroFieldAdded = "FIELD_ADDED";
inline constexpr std::string_view kAvroFieldRemoved = "FIELD_REMOVED";
inline constexpr std::string_view kAvroFieldRenamed = "FIELD_RENAMED";
inline constexpr std::string_view kAvroTypePromoted = "TYPE_PROMOTED";
inline constexpr std::string_view kAvroEnumSymbolAdded = "ENUM_SYMBOL_ADDED";
inline constexpr std::string_view kAvroEnumSymbolRemoved = "ENUM_SYMBOL_REMOVED";
inline constexpr std::string_view kAvroUnionBranchAdded = "UNION_BRANCH_ADDED";
inline constexpr std::string_view kAvroUnionBranchRemoved = "UNION_BRANCH_REMOVED";
inline constexpr std::string_view kAvroNamedTypeRenamed = "NAMED_TYPE_RENAMED";
inline constexpr std::string_view kAvroDefaultChanged = "DEFAULT_CHANGED";
inline constexpr std::string_view kAvroDocChanged = "DOC_CHANGED";
inline constexpr std::string_view kAvroLogicalTypeChanged = "LOGICAL_TYPE_CHANGED";

struct AvroCheckOptions {
  avro::ParseOptions parse;
};

// compatible(writer -> reader) on parsed schemas. Never fails.
Report CheckAvroSchemas(const avro::Schema& writer, const avro::Schema& reader);

// Parses both schemas, then CheckAvroSchemas. Errors: a schema is invalid
// (kInvalidSchema, kLimit); Error::file is "writer" or "reader".
Result<Report> CheckAvro(const json::Value& writer, const json::Value& reader,
                         const AvroCheckOptions& options = {});

// Every change between two versions, for `accord diff`: the breaking
// findings of compatible(old -> new) (the new schema cannot read old data;
// message prefixed "backward: ") and of compatible(new -> old) (old readers
// cannot read new data; "forward: "), then SAFE findings for the structural
// changes that break neither direction (kinds above).
Report DiffAvroSchemas(const avro::Schema& old_schema, const avro::Schema& new_schema);
// Errors as CheckAvro, with Error::file "old" or "new".
Result<Report> DiffAvro(const json::Value& old_schema, const json::Value& new_schema,
                        const AvroCheckOptions& options = {});

// A candidate against a subject's history (oldest first, live versions
// only) as `level` requires, through the shared mode logic (mode.h:
// PairsFor / CheckHistory); findings carry writer_version / reader_version
// (`versions` as in CheckHistory). Errors: a schema is invalid; Error::file
// is "version N" (1-based position in `history`) or "candidate".
Result<Report> CheckAvroLevel(Level level, const std::vector<json::Value>& history,
                              const json::Value& candidate, const AvroCheckOptions& options = {},
                              const std::vector<int>& versions = {});

}  // namespace accord::compat

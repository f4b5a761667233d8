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
// referenced by name: where it is defined).
//
// Proof: every BREAKING finding carries a witness, a datum in Avro's JSON
// encoding (unions as {"branch": value}) that is valid under the writer
// schema and that the reader cannot read (avro::DatumResolver, the
// specification's resolution rules) for the finding's reason at the
// finding's reader path. The engine checks this for every finding while
// checking: along the finding's path when that suffices
// (avro::DatumResolver::ProvesAlong; the witness is then built when first
// read, the same value), else by building the whole witness and reading it
// (avro::DatumResolver::Proves). A finding it cannot prove (the writer has
// no finite value along that path, as in a record that contains itself on
// every path, or a minimal value nests deeper than 256 records or holds
// more than 100,000 values) is UNDECIDED, without a witness, its message
// starting "undecided (...)". UNDECIDED_DEPTH is always UNDECIDED. Either
// way the report is incompatible.
#pragma once

#include <string_view>
#include <vector>

#include "accord/compat/avro_kinds.h"
#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord::compat {

// The kinds by their former constant names (AvroKind, avro_kinds.h, is the
// table: wire names, meanings, advice).
inline constexpr AvroKind kAvroNameMismatch = AvroKind::kNameMismatch;
inline constexpr AvroKind kAvroFixedSizeMismatch = AvroKind::kFixedSizeMismatch;
inline constexpr AvroKind kAvroMissingEnumSymbols = AvroKind::kMissingEnumSymbols;
inline constexpr AvroKind kAvroReaderFieldMissingDefaultValue =
    AvroKind::kReaderFieldMissingDefaultValue;
inline constexpr AvroKind kAvroTypeMismatch = AvroKind::kTypeMismatch;
inline constexpr AvroKind kAvroMissingUnionBranch = AvroKind::kMissingUnionBranch;
// Not an Apache Avro kind: the comparison went deeper than the engine's
// recursion limit (a chain of hundreds of distinct named types), so it was
// not decided; UNDECIDED (failing), never a silent pass.
inline constexpr AvroKind kAvroUndecidedDepth = AvroKind::kUndecidedDepth;

// Kinds of a change between two versions, reported by DiffAvro only.
inline constexpr AvroKind kAvroFieldAdded = AvroKind::kFieldAdded;
inline constexpr AvroKind kAvroFieldRemoved = AvroKind::kFieldRemoved;
inline constexpr AvroKind kAvroFieldRenamed = AvroKind::kFieldRenamed;
inline constexpr AvroKind kAvroTypePromoted = AvroKind::kTypePromoted;
inline constexpr AvroKind kAvroEnumSymbolAdded = AvroKind::kEnumSymbolAdded;
inline constexpr AvroKind kAvroEnumSymbolRemoved = AvroKind::kEnumSymbolRemoved;
inline constexpr AvroKind kAvroUnionBranchAdded = AvroKind::kUnionBranchAdded;
inline constexpr AvroKind kAvroUnionBranchRemoved = AvroKind::kUnionBranchRemoved;
inline constexpr AvroKind kAvroNamedTypeRenamed = AvroKind::kNamedTypeRenamed;
inline constexpr AvroKind kAvroDefaultChanged = AvroKind::kDefaultChanged;
inline constexpr AvroKind kAvroDocChanged = AvroKind::kDocChanged;
inline constexpr AvroKind kAvroLogicalTypeChanged = AvroKind::kLogicalTypeChanged;

struct AvroCheckOptions {
  avro::ParseOptions parse;
};

// compatible(writer -> reader) on parsed schemas. Never fails.
Report CheckAvroSchemas(const avro::Schema& writer, const avro::Schema& reader);

// Parses both schemas, then CheckAvroSchemas. Errors: a schema is invalid
// (kInvalidSchema, kLimit); Error::file is "writer" or "reader".
Result<Report> CheckAvro(const json::Value& writer, const json::Value& reader,
                         const AvroCheckOptions& options = {});

// Every change between two versions, for `accord diff`, kinds in the
// author's words: the breaking findings of compatible(old -> new) (the new
// schema cannot read old data; direction kBackward, kinds through
// BackwardChangeKind: a new field without default is FIELD_ADDED) and of
// compatible(new -> old) (old readers cannot read new data; kForward, kinds
// through ForwardChangeKind: a removed field old readers need is
// FIELD_REMOVED, a promoted type is TYPE_PROMOTED), then SAFE findings
// (direction kNone) for the structural changes that break neither
// direction. writer_path / reader_path keep the directed check's meaning
// (OldPath / NewPath name the old and new side); no message prefix.
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

// Protobuf compatibility with Confluent's rules: compatible(W -> R) holds when
// comparing the writer's file W (Confluent's "original") with the reader's
// file R (its "update") gives no breaking difference.
//
// SEMANTICS (tests name these rules; kinds in protobuf_kinds.def):
//  * Files: a different package is PACKAGE_CHANGED (breaking). Messages and
//    enums (nested ones too; map entry types left out) are matched by name
//    relative to their file's package ("Order.Item"): only in W is
//    MESSAGE_REMOVED (breaking) / ENUM_REMOVED, only in R MESSAGE_ADDED /
//    ENUM_ADDED; a message at another position (index path, as in
//    Confluent's message indexes) is MESSAGE_MOVED.
//  * Enums: values matched by number: ENUM_CONST_ADDED, ENUM_CONST_REMOVED,
//    and ENUM_CONST_CHANGED for another name (all allowed).
//  * Fields are matched by number. Only in W: FIELD_REMOVED, or
//    REQUIRED_FIELD_REMOVED (breaking) for a required field, or
//    ONEOF_FIELD_REMOVED (breaking) when its oneof is still in R. Only in R:
//    FIELD_ADDED, REQUIRED_FIELD_ADDED (breaking), or ONEOF_FIELD_ADDED
//    when its oneof is in W (fields of a new oneof are its ONEOF_ADDED).
//  * A field in both: another name is FIELD_NAME_CHANGED. Kinds (scalar,
//    enum, message, map) differ: FIELD_KIND_CHANGED; scalars (enums count
//    as the varint group) of different wire groups: FIELD_SCALAR_KIND_CHANGED;
//    groups: {int32, int64, uint32, uint64, bool, enum}, {sint32, sint64},
//    {string, bytes}, {fixed32, sfixed32}, {fixed64, sfixed64}, {float},
//    {double}; messages or enums whose names relative to their own file's
//    package differ: FIELD_NAMED_TYPE_CHANGED (so `Bar`, `.foo.Bar` and a
//    `Bar` imported from a file of another package are one type); map keys
//    and values are compared the same way.
//  * Labels (singular, optional, repeated; a oneof member has none): a
//    change is FIELD_NUMERIC_LABEL_CHANGED (breaking) for numeric scalars,
//    bool and enums, FIELD_STRING_OR_BYTES_LABEL_CHANGED (allowed) for
//    string, bytes and message fields; becoming required is
//    REQUIRED_FIELD_ADDED and ceasing to be REQUIRED_FIELD_REMOVED (both
//    breaking: a reader that requires the field rejects a message without it).
//  * Oneofs (proto3 `optional`'s synthetic oneofs are not oneofs here)
//    matched by name: ONEOF_ADDED, ONEOF_REMOVED; a field outside any oneof
//    in W that R puts in a oneof W already had is FIELD_MOVED_TO_EXISTING_ONEOF
//    (breaking), into a new oneof together with another such field
//    MULTIPLE_FIELDS_MOVED_TO_ONEOF (breaking, once per oneof); out of a
//    oneof to the top level ONEOF_FIELD_MOVED_TO_TOP_LEVEL.
//  * Referenced types: a message or enum field whose type is defined in an
//    imported file (a reference) with the same relative name on both sides
//    has that type compared too, through the imports, once per pair;
//    well-known types (google/protobuf/*) are the same on both sides and
//    not compared.
//
// Findings of a check: every breaking difference (Severity kBreaking), then
// JSON-mapping warnings: FIELD_NAME_CHANGED when the JSON names differ and
// ENUM_CONST_CHANGED (kWarning: compatible on the wire, but a consumer of
// the proto3 JSON form loses the field / sees another value name). Allowed
// differences are reported by CompareProtobufSchemas and the diff only.
//
// Paths: writer_path / reader_path are "/" + the type's name relative to its
// package, + "/" + field or value name ("/Order.Item/sku"); "" for the file.
//
// WITNESS. Every breaking finding about a field or message gets, where one
// exists, an example built by encoding with the writer's descriptor and
// decoding with the reader's (DynamicMessage): a JSON object
//   {"writer_message": "acme.Order", "event": {...proto3 JSON of the writer's
//    message...}, "wire_hex": "0801...", "reader_message": "acme.Order",
//    "reader_result": "parse failure: ..." | "field 2 (qty) read as -1,
//    written as 1" | "field 2 (qty) lost: ...", "reader_reads": {...}}
// ("reader_reads": the reader's message in JSON, when it parsed). It is
// built when first read and only kept when the decode shows the difference
// (a change the wire does not see, such as a package rename, has none).
//
// Thread safety: pure functions; reports may be read from several threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/lint.h"
#include "accord/compat/mode.h"
#include "accord/compat/protobuf_kinds.h"
#include "accord/compat/report.h"
#include "accord/schemas/error.h"
#include "accord/schemas/protobuf.h"

namespace accord::compat {

struct ProtobufCheckOptions {
  protobuf::ParseOptions parse;  // for the text entry points (references, limits)
};

// compatible(writer -> reader) on parsed schemas: breaking findings with
// witnesses, then JSON-mapping warnings. Never fails.
Report CheckProtobufSchemas(const protobuf::Schema& writer, const protobuf::Schema& reader);

// Every difference Confluent's checker names between `original` and
// `update`, in the order met (file, then types in declaration order):
// breaking ones kBreaking (with witnesses), JSON-mapping warnings kWarning,
// the rest kSafe. Direction kNone.
Report CompareProtobufSchemas(const protobuf::Schema& original, const protobuf::Schema& update);

// Parses both (`.proto` text or base64 descriptor, protobuf::Parse), then
// CheckProtobufSchemas. Errors: a schema is invalid; Error::file is
// "writer" or "reader" unless the error is in a reference (then its name).
Result<Report> CheckProtobuf(std::string_view writer, std::string_view reader,
                             const ProtobufCheckOptions& options = {});

// Every change between two versions, for `accord diff`, kinds in the
// author's words: the breaking findings of compatible(old -> new)
// (kBackward, kinds as compared), those of compatible(new -> old)
// (kForward, kinds through ForwardChangeKind: FIELD_ADDED there is
// FIELD_REMOVED here), then the JSON-mapping warnings and the allowed
// changes of compare(old, new) (kSafe, direction kNone).
Report DiffProtobufSchemas(const protobuf::Schema& old_schema, const protobuf::Schema& new_schema);
// Errors as CheckProtobuf, with Error::file "old" or "new".
Result<Report> DiffProtobuf(std::string_view old_schema, std::string_view new_schema,
                            const ProtobufCheckOptions& options = {});

// A candidate against a subject's history (oldest first, live versions
// only) as `level` requires (mode.h: PairsFor / CheckHistory).
Report CheckProtobufLevel(Level level, const std::vector<protobuf::Schema>& history,
                          const protobuf::Schema& candidate, const std::vector<int>& versions = {});

// Confluent's reserved fields (metadata property `confluent:reserved`, a
// comma-separated list of field names; checked when the subject's
// validateFields is on). Names are trimmed; empty ones are dropped.
std::vector<std::string> ParseReservedFields(std::string_view property);
// Findings for `candidate` whose metadata reserves `reserved`, registered
// after a version that reserved `previous_reserved` (nullopt: no previous
// version): FIELD_CONFLICTS_WITH_RESERVED_FIELD for each field of the
// default message (the first top-level one) whose name is reserved, and
// RESERVED_FIELD_REMOVED for each name the previous version reserves and
// the candidate does not. Both breaking, no witness; paths "/Message/field"
// and "" respectively.
Report CheckProtobufReservedFields(const protobuf::Schema& candidate, std::string_view reserved,
                                   std::optional<std::string_view> previous_reserved);

// Lint rules that fit Protobuf (ids below, default level error; the
// lint::Config levels apply):
//  proto-removed-field-reserved  a field of `previous` that `schema` no
//                                longer has: its number and its name are
//                                both reserved in the message
//  proto-field-number-reused     a field number of `previous` is used in
//                                `schema` by a field of another name or type
//  proto-enum-zero-unspecified   (warning) every enum's zero value is named
//                                `<ENUM_NAME_IN_UPPER_SNAKE>_UNSPECIFIED`
//                                (or at least ends in `_UNSPECIFIED`)
//  pii-unmarked                  a field whose name suggests personal data
//                                has a Confluent tag (`(confluent.field_meta)
//                                .tags`) "PII" (or "NOT_PII" to say it is not)
// `previous` may be null (the first two rules need it). Pointers are the
// compat paths above.
std::vector<lint::Finding> LintProtobuf(const protobuf::Schema& schema,
                                        const protobuf::Schema* previous,
                                        const lint::Config& config = {});

}  // namespace accord::compat

// JSON Schema compatibility: compatible(W -> R) holds when every instance
// valid under the writer schema W is valid under the reader schema R
// (set inclusion of the documents each schema accepts).
//
// SEMANTICS (the engine must keep these; tests name them):
//  * Sound: a Compatible verdict is a proof. Where the engine cannot decide
//    (e.g. two different `pattern` regexes, a $ref cycle beyond the budget),
//    it reports a breaking finding whose kind names the undecided keyword
//    (PATTERN_CHANGED, UNDECIDED_*), never a silent pass.
//  * STRICT (default): an object whose writer schema leaves additional
//    properties open may carry *any* extra property; so a reader that adds a
//    typed optional property to an open object breaks (an old writer may have
//    sent that name with another type).
//  * LENIENT: writers send only the properties they declare; and a property
//    the reader newly requires is acceptable when the reader declares a
//    `default` for it. Both are reported as WARNING findings, not breaks.
//  * Every BREAKING finding carries a witness that proves it: valid under W,
//    and among R's validation failures (the schemas/ validator, every
//    failure, format asserted) is one at the finding's reader_path; where W
//    and R allow, R rejects it nowhere else (missing required properties
//    are filled in, and so on). A finding without such a witness has
//    severity UNDECIDED (failing, counted apart; UNDECIDED_* kinds always
//    are). The test suite checks this for every finding of its corpora.
//  * unevaluatedProperties / unevaluatedItems: on the reader side, what the
//    reader's allOf branches and $ref targets (at any depth) evaluate is
//    exempt and the rest must satisfy the unevaluated* schema (anyOf /
//    oneOf / if / dependentSchemas annotations are not counted: a stricter
//    reading, so COMPATIBLE stays a proof, and a break it suggests without
//    a proving witness is UNDECIDED); on the writer side it bounds the names
//    / items no in-place applicator can evaluate.
//  * dependentRequired, dependentSchemas and `dependencies` (both forms) are
//    judged by the writer documents that carry the trigger, with the
//    writer's own dependencies applied, whichever keyword said it.
// The precise truth tables per keyword family are documented in
// compat/src/jsonschema_compat.cc before the code.
//
// FINDING KINDS (closed set, public API): JsonSchemaKind
// (jsonschema_kinds.h; rows with meaning and advice in jsonschema_kinds.def,
// listed in docs/finding-kinds.md). writer_path / reader_path point at the
// keyword concerned ("" = the root schema). The checker emits the kinds in
// the reader's words (TYPE_NARROWED, REQUIRED_ADDED, ENUM_NARROWED, ...);
// undecided comparisons are UNDECIDED_* (always breaking; the engine could
// not prove compatibility and found no witness).
//
// Notes: `format` is compared as an assertion for the known formats of
// accord/schemas/format.h (unknown formats are annotations) when
// options.format is kAssert; under kAnnotate (what Accord's commands and
// registry use unless --assert-format: the same rule as `accord validate`)
// it never constrains, so adding or changing it is no break. `dependencies`
// is honoured in every dialect (as the validator does). A writer oneOf is
// read as anyOf (over-approximation); a reader oneOf needs exclusivity.
#pragma once

#include <cstddef>
#include <string>

#include "accord/compat/jsonschema_kinds.h"
#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/schemas/error.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"

namespace accord::compat {

struct JsonSchemaCheckOptions {
  Policy policy = Policy::kStrict;
  // Documents the writer (and, without reader_bundle, the reader) may
  // reference by URI.
  const jsonschema::SchemaBundle* bundle = nullptr;
  // Documents the reader references, when they differ from the writer's (two
  // versions of one schema may reference different versions of a third).
  const jsonschema::SchemaBundle* reader_bundle = nullptr;
  jsonschema::Dialect default_dialect = jsonschema::Dialect::kDraft2020_12;
  // Whether `format` constrains documents (see Notes above).
  jsonschema::FormatMode format = jsonschema::FormatMode::kAssert;
  // Work budget (steps of the structural comparison). When exhausted the
  // result is a breaking UNDECIDED_BUDGET finding, never a hang.
  std::size_t budget = 1'000'000;
  // Base URIs of the writer and reader documents, against which a relative
  // $id / $ref is resolved (e.g. "file:///schemas/order.json", so that
  // "common.json#/$defs/x" finds the bundle document "file:///schemas/common.json").
  std::string writer_base_uri = "urn:accord:writer";
  std::string reader_base_uri = "urn:accord:reader";
  // The writer and the reader as the caller compiled them, with formats
  // asserted (jsonschema::FormatMode::kAssert), in default_dialect and with
  // the bundles above: the witness judge validates with them instead of
  // compiling each schema again (a 1 MB schema's compilation is a quarter of
  // its diff). Null: the judge compiles its own. (The base URI they were
  // compiled with may differ: it changes no verdict and no keyword location,
  // which are pointers within the schema.)
  const jsonschema::Validator* writer_validator = nullptr;
  const jsonschema::Validator* reader_validator = nullptr;
};

// compatible(writer -> reader). Errors: the schemas themselves are invalid
// or have unresolvable references (Error names which schema: "writer"/"reader"
// in Error::file unless the caller already set it).
// The engine checks references and regexes, not the full meta-schema:
// callers validate schema structure first (jsonschema::Validator::Compile);
// a keyword with a malformed value is ignored. Schemas without $schema use
// options.default_dialect (Confluent's corpus needs kDraft7).
// Thread safety: each call is independent (no shared state).
Result<Report> CheckJsonSchema(const json::Value& writer, const json::Value& reader,
                               const JsonSchemaCheckOptions& options = {});

// Every change between two versions, breaking or not, with kind and path
// (used by `accord diff`), kinds in the author's words (from old to new):
//  * CheckJsonSchema(old -> new) findings, direction kBackward (writer_path
//    in old, reader_path in new), kinds through BackwardChangeKind;
//  * CheckJsonSchema(new -> old) findings, direction kForward (writer_path
//    in new, reader_path in old), kinds through ForwardChangeKind (so adding
//    enum value X is ENUM_VALUE_ADDED, making a property optional is
//    REQUIRED_REMOVED);
//  * a property the new schema adds is PROPERTY_ADDED when the new schema
//    requires it, else OPTIONAL_PROPERTY_ADDED;
//  * every other syntactic change as Severity::kSafe, direction kNone, kind
//    from the keyword: OPTIONAL_PROPERTY_ADDED, PROPERTY_ADDED,
//    PROPERTY_REMOVED, REQUIRED_REMOVED, ENUM_EXTENDED, TYPE_EXTENDED,
//    MAXIMUM_INCREASED, DESCRIPTION_CHANGED, ..., KEYWORD_ADDED / _REMOVED /
//    _CHANGED for a keyword without kinds of its own; writer_path = old,
//    reader_path = new.
// Messages carry no direction prefix: the direction is a field. The verdict
// is INCOMPATIBLE when either direction breaks (i.e. FULL).
// Errors as CheckJsonSchema, with Error::file "old" / "new".
Result<Report> DiffJsonSchema(const json::Value& old_schema, const json::Value& new_schema,
                              const JsonSchemaCheckOptions& options = {});

}  // namespace accord::compat

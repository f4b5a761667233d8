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
// FINDING KINDS (closed set, public API). writer_path / reader_path point at
// the keyword concerned ("" = the root schema).
//  Types and boolean schemas
//   TYPE_CHANGED            the reader accepts none of the writer's values of a type
//   TYPE_NARROWED           the reader dropped one of several writer types (incl. number -> integer)
//   FALSE_SCHEMA            the reader's schema here is `false`
//  Numbers
//   MINIMUM_ADDED / MINIMUM_INCREASED       lower bound added / raised
//   MAXIMUM_ADDED / MAXIMUM_DECREASED       upper bound added / lowered
//   EXCLUSIVE_BOUND_ADDED   same bound value, now exclusive (incl. draft-04 boolean form)
//   MULTIPLE_OF_ADDED / MULTIPLE_OF_CHANGED the writer's values are not all multiples
//  Strings
//   MIN_LENGTH_ADDED / MIN_LENGTH_INCREASED, MAX_LENGTH_ADDED / MAX_LENGTH_DECREASED
//   PATTERN_ADDED           the reader adds a pattern the writer does not have
//   PATTERN_CHANGED         a different pattern (regex inclusion is not decided: always
//                           reported, with a witness when a counter-example is found)
//   FORMAT_ADDED / FORMAT_CHANGED  a known format the writer does not carry
//  Enum / const
//   ENUM_ADDED / CONST_ADDED       the reader restricts to a finite set, the writer was open
//   ENUM_NARROWED / CONST_CHANGED  a value the writer allows is missing from the reader's set
//   VALUE_REJECTED          a finite writer value rejected by another reader keyword
//  Objects
//   REQUIRED_ADDED          the reader requires a property the writer does not
//   REQUIRED_ADDED_WITH_DEFAULT  same, the reader declares a default (WARNING under LENIENT)
//   PROPERTY_REMOVED        the reader forbids a property the writer declares
//   PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL  the reader constrains a property the writer's
//                           open model allows with any value (STRICT break, LENIENT warning)
//   ADDITIONAL_PROPERTIES_NARROWED  undeclared / pattern-matched names the writer allows
//                           are narrowed or forbidden (LENIENT warning when the writer is open)
//   PROPERTY_NAMES_NARROWED the reader's propertyNames rejects names the writer allows
//   MIN_PROPERTIES_ADDED / MIN_PROPERTIES_INCREASED, MAX_PROPERTIES_ADDED / MAX_PROPERTIES_DECREASED
//   DEPENDENT_REQUIRED_ADDED  dependentRequired / dependencies (array) not implied by the writer
//   DEPENDENT_SCHEMA_ADDED / DEPENDENT_SCHEMA_CHANGED  dependentSchemas / dependencies (schema)
//  Arrays
//   ITEMS_ADDED             the reader constrains items the writer leaves unconstrained
//   ADDITIONAL_ITEMS_REMOVED  the reader allows no item at a position the writer allows
//   MIN_ITEMS_ADDED / MIN_ITEMS_INCREASED, MAX_ITEMS_ADDED / MAX_ITEMS_DECREASED
//   UNIQUE_ITEMS_ADDED      the reader requires unique items
//   CONTAINS_ADDED / CONTAINS_CHANGED  the writer does not guarantee the reader's `contains`
//   MAX_CONTAINS_ADDED      the writer may send more matching items than maxContains
//  Combinators
//   ANY_OF_NARROWED / ONE_OF_NARROWED  no branch of the reader accepts a writer value
//   ONE_OF_OVERLAP          writer values match several branches of the reader's oneOf
//   NOT_EXTENDED            the reader's `not` rejects writer values
//   IF_THEN_ELSE_NARROWED   the reader's if/then/else rejects writer values
//  Undecided (severity UNDECIDED: the engine could not prove compatibility
//  and found no witness)
//   UNDECIDED_BUDGET        work budget exhausted
//   UNDECIDED_ANY_OF, UNDECIDED_ONE_OF, UNDECIDED_NOT, UNDECIDED_IF_THEN_ELSE
//   UNDECIDED_PATTERN_PROPERTIES  pattern regions that could not be compared / exemplified
//   UNDECIDED_UNEVALUATED   a writer unevaluatedProperties/Items whose in-place
//                           applicators may evaluate names/items that cannot be
//                           listed (patternProperties, additional*, dynamic refs)
//   UNDECIDED_DYNAMIC_REF   $dynamicRef / $recursiveRef with several possible targets
//   UNDECIDED_REF           a reader $ref chain that loops without consuming the instance
//   UNDECIDED_CONTAINS, UNDECIDED_COMBINATOR  the writer uses maxContains / too many branches
//                           (its normal form over-approximates) and no witness was found
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
// (used by `accord diff`):
//  * CheckJsonSchema(old -> new) findings, message prefixed "BACKWARD: "
//    (writer_path in old, reader_path in new);
//  * CheckJsonSchema(new -> old) findings, message prefixed "FORWARD: "
//    (writer_path in new, reader_path in old);
//  * every other syntactic change as Severity::kSafe ("SAFE: ... (breaks
//    neither BACKWARD nor FORWARD)"), kind from the keyword: PROPERTY_ADDED,
//    PROPERTY_REMOVED, REQUIRED_REMOVED, ENUM_EXTENDED, TYPE_EXTENDED,
//    <KEYWORD>_INCREASED / _DECREASED / _ADDED / _REMOVED / _CHANGED (e.g.
//    MAXIMUM_INCREASED, DESCRIPTION_CHANGED); writer_path = old, reader_path = new.
// The verdict is INCOMPATIBLE when either direction breaks (i.e. FULL).
// Errors as CheckJsonSchema, with Error::file "old" / "new".
Result<Report> DiffJsonSchema(const json::Value& old_schema, const json::Value& new_schema,
                              const JsonSchemaCheckOptions& options = {});

}  // namespace accord::compat

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
//  * Every breaking finding carries a witness event where one can be built:
//    valid under W, invalid under R (checked by the test suite with the
//    validator).
// The precise truth tables per keyword family are documented in
// compat/src/jsonschema_compat.cc before the code.
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
  // Documents the writer/reader may reference by URI.
  const jsonschema::SchemaBundle* bundle = nullptr;
  jsonschema::Dialect default_dialect = jsonschema::Dialect::kDraft2020_12;
  // Work budget (steps of the structural comparison). When exhausted the
  // result is a breaking UNDECIDED_BUDGET finding, never a hang.
  std::size_t budget = 1'000'000;
};

// compatible(writer -> reader). Errors: the schemas themselves are invalid
// or have unresolvable references (Error names which schema: "writer"/"reader"
// in Error::file unless the caller already set it).
Result<Report> CheckJsonSchema(const json::Value& writer, const json::Value& reader,
                               const JsonSchemaCheckOptions& options = {});

// Every change between two versions, breaking or not, with kind and path:
// the findings of both directions classified (used by `accord diff`).
Result<Report> DiffJsonSchema(const json::Value& old_schema, const json::Value& new_schema,
                              const JsonSchemaCheckOptions& options = {});

}  // namespace accord::compat

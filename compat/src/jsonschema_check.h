// Private to compat/: the JSON Schema check in both directions (the diff's
// two checks) over one model per schema.
#pragma once

#include "accord/compat/jsonschema_compat.h"
#include "accord/compat/report.h"

namespace accord::compat::internal {

struct BothWays {
  Report backward;  // old -> new
  Report forward;   // new -> old
};

// CheckJsonSchema(old -> new, options) and CheckJsonSchema(new -> old,
// forward_options), the same reports, with one resolver, evaluator and
// normaliser per schema (and their caches) shared by the two checks: a
// schema's model depends on the document, its base URI, its bundle, the
// default dialect and the format mode, which are the same in both
// directions (forward_options swaps the base URIs and bundles). Errors: as
// CheckJsonSchema's, with Error::file "old" or "new" when the error names
// no file of its own.
Result<BothWays> CheckJsonSchemaBothWays(const json::Value& old_schema,
                                         const json::Value& new_schema,
                                         const JsonSchemaCheckOptions& options,
                                         const JsonSchemaCheckOptions& forward_options);

}  // namespace accord::compat::internal

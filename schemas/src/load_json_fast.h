// Internal: the fast path of ParseJson for documents without source positions.
#pragma once

#include <optional>
#include <string_view>

#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace accord::detail {

// Parses `text` with simdjson and converts it to json::Value. Returns
// nullopt whenever the input is anything but a plain, valid document within
// `options` (syntax error, limit, duplicate key, control byte, lone
// surrogate, huge number, BOM, ...): the caller then runs the exact RapidJSON
// path, which accepts exactly the same documents and words every error. So
// this path only ever changes speed, never the result.
std::optional<json::Value> TryParseJsonFast(std::string_view text, const LoadOptions& options);

// The same, converting into `out` and reusing the memory it holds (see
// ParseJsonInto). False (and `out` some valid value) where TryParseJsonFast
// returns nullopt.
bool TryParseJsonFastInto(std::string_view text, const LoadOptions& options, json::Value& out);

}  // namespace accord::detail

// Finding where a JSON pointer's value sits in a one-line JSON text, without
// building a document: `accord validate` uses it to give NDJSON failures a
// column. Only failing lines need it, and a scan that stops at the target is
// several times cheaper than parsing the line again with positions.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace accord::cli {

// Byte offset in `text` (a well-formed JSON text, e.g. one that ParseJson
// accepted) of the value `pointer` (RFC 6901) designates, anchored the way
// the loaders anchor positions: an object member at its key's opening quote,
// an array element and the root at their first byte. nullopt when the pointer
// is malformed or does not resolve.
std::optional<std::size_t> LocateValue(std::string_view text, std::string_view pointer);

}  // namespace accord::cli

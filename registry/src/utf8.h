// UTF-8 well-formedness, private to registry/src: subject names must be
// UTF-8 (ValidateSubjectName) and error messages that echo client input are
// made UTF-8 before they go into a JSON reply (ErrorResponse).
#pragma once

#include <string>
#include <string_view>

namespace accord::registry::internal {

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view s);
// `s` with every byte that is not part of a well-formed UTF-8 sequence
// replaced by '?'.
std::string SanitizeUtf8(std::string_view s);

}  // namespace accord::registry::internal

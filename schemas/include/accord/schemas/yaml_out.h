// YAML output of the JSON value model (json.h): for documents people read
// as YAML (`accord asyncapi export`). Implemented beside ToJson (json.cc), so
// numbers are spelled the same way in both.
#pragma once

#include <string>

#include "accord/schemas/json.h"

namespace accord::json {

// YAML text (block style, 2-space indentation, members in document order,
// ending with a newline) that YAML 1.1 and 1.2 readers alike load back into
// a value equal to `v`: strings that could read as anything else (a number,
// a boolean or null word, text with YAML punctuation) are double-quoted with
// escapes; multi-line text is a literal block where that reads back exactly;
// numbers as in ToJson.
std::string ToYaml(const Value& v);

}  // namespace accord::json

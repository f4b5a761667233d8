// JSON Schema `format` checks.
//
// Known formats: date-time, date, time, duration, email, idn-email, hostname,
// idn-hostname, ipv4, ipv6, uri, uri-reference, iri, iri-reference,
// uri-template, uuid, regex, json-pointer, relative-json-pointer.
// Each follows the RFC the JSON Schema specification names for it.
#pragma once

#include <string_view>

namespace accord::format {

using Checker = bool (*)(std::string_view value);

// The checker for `name`, or nullptr for an unknown format (unknown formats
// always pass: they are annotations).
Checker Find(std::string_view name);

// Convenience: true for unknown formats.
bool Check(std::string_view name, std::string_view value);

}  // namespace accord::format

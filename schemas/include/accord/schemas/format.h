// JSON Schema `format` checks.
//
// Known formats: date-time, date, time, duration, email, idn-email, hostname,
// idn-hostname, ipv4, ipv6, uri, uri-reference, iri, iri-reference,
// uri-template, uuid, regex, json-pointer, relative-json-pointer.
// Each follows the RFC the JSON Schema specification names for it.
// `regex` is a syntax check: a valid ECMA-262 pattern RE2 cannot run (look-
// around, back-references) passes. idn-hostname (and hostname's xn-- labels)
// check Punycode, hyphen rules, leading marks, the RFC 5892 exceptions,
// CONTEXTJ/CONTEXTO rules and the RFC 5893 Bidi rule, but not NFC and not
// the full IDNA2008 derived-property table (see format.cc). Checkers are
// pure functions of their argument: thread-safe, linear time.
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

// Canonical JSON and fingerprints.
//
// Canonical form: object members sorted by key (byte-wise on UTF-8), no
// insignificant whitespace, strings with the minimal escapes (", \, control
// characters as \uXXXX except \b \f \n \r \t), and one spelling per number:
// integral values in [-2^53, 2^53] as plain integers (1.0 -> 1, -0 -> 0),
// others as the shortest round-tripping form with lower-case exponent
// (1e+100 -> 1e100). Two values that are equal per json::Value::operator==
// except for member order have the same canonical text.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "accord/schemas/json.h"

namespace accord::json {

std::string Canonicalize(const Value& v);

using Sha256 = std::array<std::uint8_t, 32>;
Sha256 Sha256Of(std::string_view bytes);
std::string ToHex(const Sha256& digest);
// Lower-case hex SHA-256 of Canonicalize(v).
std::string Fingerprint(const Value& v);

}  // namespace accord::json

// Canonical JSON and fingerprints.
//
// Canonical form: object members sorted by key (byte-wise on UTF-8), no
// insignificant whitespace, strings with the minimal escapes (", \, control
// characters as \uXXXX except \b \f \n \r \t), and one spelling per number:
// integral values in [-2^53, 2^53] as plain integers (1.0 -> 1, -0 -> 0),
// others as the shortest round-tripping form with lower-case exponent
// (1e+100 -> 1e100). Two values that are equal per json::Value::operator==
// except for member order have the same canonical text.
//
// Number details: every integral value an int64 holds (|x| < 2^63, int64 or
// double) is written as exact decimal digits, so an int64 beyond 2^53 and an
// equal double spell alike (2^60 -> 1152921504606846976). Other finite doubles
// use the shortest digits that read back to the same double, laid out as in
// ECMAScript's Number.prototype.toString (plain decimal for 1e-7 <= |x| < 1e21,
// else d.ddde-x / d.dddex) but with no '+' in the exponent: 0.5 -> 0.5,
// 1e21 -> 1e21, 1.5e-7 -> 1.5e-7, 1e100 -> 1e100, 2^64 -> 18446744073709552000.
// Non-finite doubles (never produced by the loaders) are written as null.
// Strings are copied byte for byte otherwise (no Unicode normalisation).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "accord/schemas/json.h"

namespace accord::json {

std::string Canonicalize(const Value& v);

using Sha256 = std::array<std::uint8_t, 32>;
Sha256 Sha256Of(std::string_view bytes);
std::string ToHex(const Sha256& digest);
// Lower-case hex of any bytes, two digits per byte.
std::string ToHex(std::string_view bytes);
// Lower-case hex SHA-256 of Canonicalize(v).
std::string Fingerprint(const Value& v);

}  // namespace accord::json

// Errors returned at the schemas/ library boundary.
//
// Every fallible function returns std::expected<T, Error>. An Error says
// where (file, line, column, and/or a JSON pointer) and why (code + message).
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace accord {

// 1-based line and column; 0 means unknown.
struct Position {
  int line = 0;
  int column = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

enum class ErrorCode : std::uint8_t {
  kIo,                // file could not be read
  kSyntax,            // malformed JSON / YAML
  kLimit,             // a size or depth limit was exceeded
  kDuplicateKey,      // an object/mapping repeats a key
  kNonScalarKey,      // a YAML mapping key is a sequence or mapping
  kInvalidPointer,    // malformed RFC 6901 pointer
  kNotFound,          // pointer or reference does not resolve
  kInvalidSchema,     // schema violates its dialect (wrong keyword type, …)
  kUnresolvedRef,     // $ref / $dynamicRef target not in the bundle
  kUnsupportedRegex,  // pattern uses a construct RE2 cannot run
  kUnsupported,       // a feature this build does not implement
};

// Stable names ("IO", "SYNTAX", …) for JSON output.
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kSyntax;
  std::string message;  // why, one line, no trailing period
  std::string file;     // file name or URI, may be empty
  Position position;    // where in the file, may be unknown
  std::string pointer;  // JSON pointer of the offending value, may be empty

  // "file:line:col: message (at /pointer)" with the unknown parts left out.
  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message,
                                        std::string pointer = {}) {
  return std::unexpected(Error{code, std::move(message), {}, {}, std::move(pointer)});
}

}  // namespace accord

// ECMA-262 regular expressions (as written in JSON Schema `pattern`) run on
// RE2, in linear time.
//
// Translation: \d \D \w \W \s \S (ECMA meanings: \s includes the Unicode
// space separators and line terminators), character classes, anchors,
// {n,m}, non-greedy quantifiers, (?:...), named groups (?<n>...), \uXXXX and
// \u{...}, \cX, \/ and other identity escapes. Constructs RE2 cannot run
// (look-ahead/behind, back-references) are an Error (kUnsupportedRegex)
// naming the pattern, never a crash or a silent pass. Matching is a search
// (unanchored), as JSON Schema requires.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "accord/schemas/error.h"

namespace accord {

class EcmaRegex {
 public:
  // Errors: kUnsupportedRegex (construct RE2 cannot run), kInvalidSchema
  // (not a valid ECMA-262 pattern). Both messages quote the pattern.
  static Result<EcmaRegex> Compile(std::string_view pattern);

  EcmaRegex(EcmaRegex&&) noexcept;
  EcmaRegex& operator=(EcmaRegex&&) noexcept;
  ~EcmaRegex();

  // True when the pattern matches somewhere in `text` (UTF-8). Thread-safe.
  bool Search(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }
  // The RE2 syntax the pattern was translated to (for diagnostics/tests).
  const std::string& translated() const { return translated_; }

 private:
  EcmaRegex() = default;
  struct Impl;
  std::string pattern_;
  std::string translated_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace accord

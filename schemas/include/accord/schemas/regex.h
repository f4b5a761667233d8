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
//
// Semantics are ECMA-262 with the `u` flag (code points, \p{...}), plus these
// Annex B readings with one unambiguous meaning: a `{` that starts no
// quantifier and a lone `}` or `]` are literals; `\` before any ASCII
// punctuation or space is that character; `-` next to a class escape in a
// class ([\w-.]) is a literal. \d \w \b are ASCII; `.` excludes \n \r
// U+2028 U+2029; `$` matches only at the end of the input. ES2025 modifiers
// (?i:...) (?s:...) are supported; (?m:...) is unsupported when it contains
// ^ or $. \p{...}: every General_Category value, Script values RE2 knows,
// and the binary properties Any, ASCII, ASCII_Hex_Digit, Hex_Digit,
// White_Space, Pattern_White_Space, Join_Control, Bidi_Control,
// Regional_Indicator, Variation_Selector, Noncharacter_Code_Point, Assigned;
// other ECMA binary properties and Script_Extensions are kUnsupportedRegex.
// Limits (kUnsupportedRegex): a count above 1000 in {n,m} (also RE2's limit
// on nested counts), groups nested deeper than 200, patterns over 1 MiB, and
// programs over RE2's 8 MiB memory budget.
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
  // For tests: Search through RE2 even when a faster matcher exists, and
  // whether one does (simple ASCII sequences such as "^[A-Z]{3}$" are matched
  // by a small DFA; see src/regex_dfa.h).
  bool SearchWithRe2(std::string_view text) const;
  bool HasFastPath() const;
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

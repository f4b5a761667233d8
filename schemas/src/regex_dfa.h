// Internal to EcmaRegex: a byte-level DFA for the simple patterns JSON
// Schemas mostly use ("^[A-Z]{3}$", "^ORD-[0-9]{4}-[0-9]{6,10}$"), which
// answers Search without RE2's per-call overhead.
//
// Only patterns that are a plain sequence are taken: an optional `^`, atoms,
// an optional `$`; an atom is an ASCII literal, `\d`, `\w`, an escaped
// punctuation character, or a positive bracket class of those (ranges
// allowed), each with an optional quantifier (? * + {n} {n,} {n,m}, lazy or
// not). No alternation, groups, `.`, negation, `\s`, `\b` or flags: every
// such pattern returns nullopt and stays with RE2. As every atom matches
// ASCII only, a byte-level match agrees with ECMA-262's code-point matching
// (a non-ASCII byte matches no atom). The construction is bounded (at most
// 62 expanded atoms and 512 DFA states), else nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace accord::internal {

class SimpleDfa {
 public:
  static std::optional<SimpleDfa> Build(std::string_view pattern);

  // ECMA-262 search semantics (a match anywhere unless anchored).
  bool Search(std::string_view text) const;

 private:
  std::uint8_t byte_class_[256] = {};
  int classes_ = 0;
  std::vector<std::uint16_t> next_;  // state * classes_ + class
  std::vector<bool> accepting_;
  std::uint16_t start_ = 0;
  std::uint16_t dead_ = 0;    // no match possible from here
  bool anchored_end_ = true;  // `$`: accept only at the end of the text
};

}  // namespace accord::internal

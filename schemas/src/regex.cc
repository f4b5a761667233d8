// ECMA-262 patterns (JSON Schema `pattern`) translated to RE2 syntax.
//
// The translator is a full recursive-descent parser of the ECMA-262 pattern
// grammar with the `u` flag's escape rules, so that every accepted pattern has
// one meaning. It re-emits each construct in RE2 syntax with every
// non-alphanumeric literal written as \x{...}, so that RE2-only syntax in the
// input (POSIX classes, \A, \z, (?P<...>), ...) can never leak through with an
// RE2 meaning.
//
// Deliberate leniency (Annex B style, common in real schemas):
//   - a `{` that does not start a quantifier, and any `}` or `]`, are literals;
//   - in a class, `-` next to a class escape ([\w-.]) is a literal `-`;
//   - `\` followed by any ASCII punctuation or space is that character
//     (u-mode allows only the syntax characters and `/`).
// Escapes of ASCII letters and digits with no ECMA meaning (\a, \e, \z, \A,
// \8, ...) are errors: their meaning differs between regex dialects.
//
// Parsing always runs to the end of the pattern: a syntax error anywhere wins
// over an unsupported construct, so that `format: regex` can tell "valid ECMA
// that RE2 cannot run" (kUnsupportedRegex) from "not a regex" (kInvalidSchema).

#include "accord/schemas/regex.h"

#include <re2/re2.h>

#include "regex_dfa.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace accord {

struct EcmaRegex::Impl {
  explicit Impl(const std::string& translated, const RE2::Options& options)
      : re(translated, options) {}
  RE2 re;
  // Simple ASCII sequences are matched by a small DFA instead (regex_dfa.h).
  std::optional<internal::SimpleDfa> dfa;
};

namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr int kMaxRepeat = 1000;  // RE2's limit on {n,m} counts
constexpr int kMaxNesting = 200;  // groups/classes nested deeper: unsupported
// Larger patterns are still parsed (so that `format: regex` can judge their
// syntax) but never compiled; the translation itself is capped too.
constexpr std::size_t kMaxPatternBytes = 1u << 20;
constexpr std::size_t kMaxTranslatedBytes = 16u << 20;
constexpr std::int64_t kRe2MaxMem = 8 << 20;

// ECMA-262 WhiteSpace and LineTerminator: the set \s matches.
constexpr std::array<std::pair<char32_t, char32_t>, 10> kEcmaSpace = {{
    {0x09, 0x0D},
    {0x20, 0x20},
    {0xA0, 0xA0},
    {0x1680, 0x1680},
    {0x2000, 0x200A},
    {0x2028, 0x2029},
    {0x202F, 0x202F},
    {0x205F, 0x205F},
    {0x3000, 0x3000},
    {0xFEFF, 0xFEFF},
}};

using Range = std::pair<char32_t, char32_t>;
using Ranges = std::vector<Range>;

// Sorts, merges and drops surrogates (they never occur in UTF-8 text).
Ranges Normalize(Ranges ranges) {
  Ranges split;
  for (auto [lo, hi] : ranges) {
    if (lo > hi) continue;
    if (hi < 0xD800 || lo > 0xDFFF) {
      split.emplace_back(lo, hi);
      continue;
    }
    if (lo < 0xD800) split.emplace_back(lo, 0xD7FF);
    if (hi > 0xDFFF) split.emplace_back(0xE000, hi);
  }
  std::sort(split.begin(), split.end());
  Ranges merged;
  for (const Range& r : split) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

Ranges ComplementRanges(const Ranges& in) {
  Ranges sorted = Normalize(in);
  Ranges out;
  char32_t next = 0;
  for (auto [lo, hi] : sorted) {
    if (lo > next) out.emplace_back(next, lo - 1);
    next = hi + 1;
  }
  if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
  return Normalize(std::move(out));
}

std::string Hex(char32_t c) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string digits;
  do {
    digits.insert(digits.begin(), kDigits[c & 0xF]);
    c >>= 4;
  } while (c != 0);
  return digits;
}

std::string EscapedChar(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
    return std::string(1, static_cast<char>(c));
  }
  return "\\x{" + Hex(c) + "}";
}

std::string RangesBody(const Ranges& ranges) {
  std::string out;
  for (auto [lo, hi] : ranges) {
    out += EscapedChar(lo);
    if (hi != lo) {
      out += '-';
      out += EscapedChar(hi);
    }
  }
  return out;
}

// A set of code points: (ranges ∪ tokens), or its complement when
// `complement` is set. `tokens` are RE2 class items (\d, \p{Lu}, ...).
struct CharSet {
  Ranges ranges;
  std::string tokens;
  bool complement = false;
};

CharSet FromRanges(Ranges ranges) { return CharSet{std::move(ranges), {}, false}; }
CharSet FromToken(std::string token) { return CharSet{{}, std::move(token), false}; }

CharSet Complement(CharSet set) {
  if (set.complement) {
    set.complement = false;
    return set;
  }
  if (set.tokens.empty()) return FromRanges(ComplementRanges(set.ranges));
  if (set.ranges.empty()) {
    // A single Perl or Unicode class token has a direct RE2 complement.
    const std::string& t = set.tokens;
    if (t == "\\d") return FromToken("\\D");
    if (t == "\\D") return FromToken("\\d");
    if (t == "\\w") return FromToken("\\W");
    if (t == "\\W") return FromToken("\\w");
    if (t.size() > 3 && t.rfind("\\p{", 0) == 0 && t.find('\\', 1) == std::string::npos) {
      return FromToken("\\P" + t.substr(2));
    }
    if (t.size() > 3 && t.rfind("\\P{", 0) == 0 && t.find('\\', 1) == std::string::npos) {
      return FromToken("\\p" + t.substr(2));
    }
  }
  set.complement = true;
  return set;
}

const CharSet& NeverSet() {
  static const CharSet kNever{};
  return kNever;
}

// RE2 text for one atom matching exactly the code points of `set`.
std::string SetAtom(const CharSet& set) {
  std::string body = RangesBody(Normalize(set.ranges)) + set.tokens;
  if (set.complement) {
    if (body.empty()) return "[\\x{0}-\\x{10ffff}]";
    return "[^" + body + "]";
  }
  if (body.empty()) return "[^\\x{0}-\\x{10ffff}]";
  bool single_token = set.ranges.empty() && body.find('\\', 1) == std::string::npos;
  if (single_token) return body;  // \d, \p{L}, ... stand alone
  return "[" + body + "]";
}

// ---------------------------------------------------------------------------
// Unicode properties (\p{...}).

struct NamePair {
  std::string_view alias;
  std::string_view target;
};

// General_Category value aliases (PropertyValueAliases.txt) -> RE2 name. The
// empty target marks the categories RE2 lacks; they are built below.
constexpr NamePair kGeneralCategories[] = {
    {"L", "L"},
    {"Letter", "L"},
    {"Lu", "Lu"},
    {"Uppercase_Letter", "Lu"},
    {"Ll", "Ll"},
    {"Lowercase_Letter", "Ll"},
    {"Lt", "Lt"},
    {"Titlecase_Letter", "Lt"},
    {"Lm", "Lm"},
    {"Modifier_Letter", "Lm"},
    {"Lo", "Lo"},
    {"Other_Letter", "Lo"},
    {"LC", ""},
    {"Cased_Letter", ""},
    {"M", "M"},
    {"Mark", "M"},
    {"Combining_Mark", "M"},
    {"Mn", "Mn"},
    {"Nonspacing_Mark", "Mn"},
    {"Mc", "Mc"},
    {"Spacing_Mark", "Mc"},
    {"Me", "Me"},
    {"Enclosing_Mark", "Me"},
    {"N", "N"},
    {"Number", "N"},
    {"Nd", "Nd"},
    {"Decimal_Number", "Nd"},
    {"digit", "Nd"},
    {"Nl", "Nl"},
    {"Letter_Number", "Nl"},
    {"No", "No"},
    {"Other_Number", "No"},
    {"P", "P"},
    {"Punctuation", "P"},
    {"punct", "P"},
    {"Pc", "Pc"},
    {"Connector_Punctuation", "Pc"},
    {"Pd", "Pd"},
    {"Dash_Punctuation", "Pd"},
    {"Ps", "Ps"},
    {"Open_Punctuation", "Ps"},
    {"Pe", "Pe"},
    {"Close_Punctuation", "Pe"},
    {"Pi", "Pi"},
    {"Initial_Punctuation", "Pi"},
    {"Pf", "Pf"},
    {"Final_Punctuation", "Pf"},
    {"Po", "Po"},
    {"Other_Punctuation", "Po"},
    {"S", "S"},
    {"Symbol", "S"},
    {"Sm", "Sm"},
    {"Math_Symbol", "Sm"},
    {"Sc", "Sc"},
    {"Currency_Symbol", "Sc"},
    {"Sk", "Sk"},
    {"Modifier_Symbol", "Sk"},
    {"So", "So"},
    {"Other_Symbol", "So"},
    {"Z", "Z"},
    {"Separator", "Z"},
    {"Zs", "Zs"},
    {"Space_Separator", "Zs"},
    {"Zl", "Zl"},
    {"Line_Separator", "Zl"},
    {"Zp", "Zp"},
    {"Paragraph_Separator", "Zp"},
    {"C", ""},
    {"Other", ""},
    {"Cc", "Cc"},
    {"Control", "Cc"},
    {"cntrl", "Cc"},
    {"Cf", "Cf"},
    {"Format", "Cf"},
    {"Cs", ""},
    {"Surrogate", ""},
    {"Co", "Co"},
    {"Private_Use", "Co"},
    {"Cn", ""},
    {"Unassigned", ""},
};

// Script value aliases (ISO 15924 codes) -> the long names RE2 knows. Long
// names are passed to RE2 as written.
constexpr NamePair kScriptCodes[] = {
    {"Adlm", "Adlam"},      {"Arab", "Arabic"},
    {"Armn", "Armenian"},   {"Bali", "Balinese"},
    {"Beng", "Bengali"},    {"Bopo", "Bopomofo"},
    {"Brai", "Braille"},    {"Cans", "Canadian_Aboriginal"},
    {"Cher", "Cherokee"},   {"Copt", "Coptic"},
    {"Qaac", "Coptic"},     {"Cyrl", "Cyrillic"},
    {"Deva", "Devanagari"}, {"Ethi", "Ethiopic"},
    {"Geor", "Georgian"},   {"Goth", "Gothic"},
    {"Grek", "Greek"},      {"Gujr", "Gujarati"},
    {"Guru", "Gurmukhi"},   {"Hang", "Hangul"},
    {"Hani", "Han"},        {"Hebr", "Hebrew"},
    {"Hira", "Hiragana"},   {"Kana", "Katakana"},
    {"Khmr", "Khmer"},      {"Knda", "Kannada"},
    {"Laoo", "Lao"},        {"Latn", "Latin"},
    {"Mlym", "Malayalam"},  {"Mong", "Mongolian"},
    {"Mymr", "Myanmar"},    {"Ogam", "Ogham"},
    {"Orya", "Oriya"},      {"Runr", "Runic"},
    {"Sinh", "Sinhala"},    {"Syrc", "Syriac"},
    {"Taml", "Tamil"},      {"Telu", "Telugu"},
    {"Thaa", "Thaana"},     {"Thai", "Thai"},
    {"Tibt", "Tibetan"},    {"Tfng", "Tifinagh"},
    {"Yiii", "Yi"},         {"Zinh", "Inherited"},
    {"Qaai", "Inherited"},  {"Zyyy", "Common"},
};

// ECMA-262 binary properties (table "Binary Unicode property aliases").
// Those with a fixed small definition are built; the rest are unsupported.
constexpr std::string_view kBinaryProperties[] = {
    "ASCII",
    "ASCII_Hex_Digit",
    "AHex",
    "Alphabetic",
    "Alpha",
    "Any",
    "Assigned",
    "Bidi_Control",
    "Bidi_C",
    "Bidi_Mirrored",
    "Bidi_M",
    "Case_Ignorable",
    "CI",
    "Cased",
    "Changes_When_Casefolded",
    "CWCF",
    "Changes_When_Casemapped",
    "CWCM",
    "Changes_When_Lowercased",
    "CWL",
    "Changes_When_NFKC_Casefolded",
    "CWKCF",
    "Changes_When_Titlecased",
    "CWT",
    "Changes_When_Uppercased",
    "CWU",
    "Dash",
    "Default_Ignorable_Code_Point",
    "DI",
    "Deprecated",
    "Dep",
    "Diacritic",
    "Dia",
    "Emoji",
    "Emoji_Component",
    "EComp",
    "Emoji_Modifier",
    "EMod",
    "Emoji_Modifier_Base",
    "EBase",
    "Emoji_Presentation",
    "EPres",
    "Extended_Pictographic",
    "ExtPict",
    "Extender",
    "Ext",
    "Grapheme_Base",
    "Gr_Base",
    "Grapheme_Extend",
    "Gr_Ext",
    "Hex_Digit",
    "Hex",
    "IDS_Binary_Operator",
    "IDSB",
    "IDS_Trinary_Operator",
    "IDST",
    "ID_Continue",
    "IDC",
    "ID_Start",
    "IDS",
    "Ideographic",
    "Ideo",
    "Join_Control",
    "Join_C",
    "Logical_Order_Exception",
    "LOE",
    "Lowercase",
    "Lower",
    "Math",
    "Noncharacter_Code_Point",
    "NChar",
    "Pattern_Syntax",
    "Pat_Syn",
    "Pattern_White_Space",
    "Pat_WS",
    "Quotation_Mark",
    "QMark",
    "Radical",
    "Regional_Indicator",
    "RI",
    "Sentence_Terminal",
    "STerm",
    "Soft_Dotted",
    "SD",
    "Terminal_Punctuation",
    "Term",
    "Unified_Ideograph",
    "UIdeo",
    "Uppercase",
    "Upper",
    "Variation_Selector",
    "VS",
    "White_Space",
    "space",
    "XID_Continue",
    "XIDC",
    "XID_Start",
    "XIDS",
};

constexpr std::string_view kAllCategoriesButC = "\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}";

std::optional<CharSet> GeneralCategory(std::string_view value) {
  for (const NamePair& p : kGeneralCategories) {
    if (p.alias != value) continue;
    if (!p.target.empty()) return FromToken("\\p{" + std::string(p.target) + "}");
    std::string_view canonical = value;
    if (canonical == "Cased_Letter") canonical = "LC";
    if (canonical == "Other") canonical = "C";
    if (canonical == "Surrogate") canonical = "Cs";
    if (canonical == "Unassigned") canonical = "Cn";
    if (canonical == "LC") return FromToken("\\p{Lu}\\p{Ll}\\p{Lt}");
    if (canonical == "Cs") return CharSet{};  // surrogates never occur in UTF-8 text
    // RE2's \p{C} lacks unassigned code points; ECMA's C includes them.
    CharSet set = FromToken(std::string(kAllCategoriesButC));
    if (canonical == "Cn") set.tokens += "\\p{C}";
    set.complement = true;
    return set;
  }
  return std::nullopt;
}

// Binary properties with a small fixed definition (Unicode 15 PropList).
std::optional<CharSet> BinaryProperty(std::string_view name) {
  if (name == "Any") return FromRanges({{0, kMaxCodePoint}});
  if (name == "ASCII") return FromRanges({{0, 0x7F}});
  if (name == "ASCII_Hex_Digit" || name == "AHex") {
    return FromRanges({{'0', '9'}, {'A', 'F'}, {'a', 'f'}});
  }
  if (name == "Hex_Digit" || name == "Hex") {
    return FromRanges(
        {{'0', '9'}, {'A', 'F'}, {'a', 'f'}, {0xFF10, 0xFF19}, {0xFF21, 0xFF26}, {0xFF41, 0xFF46}});
  }
  if (name == "White_Space" || name == "space") {
    return FromRanges({{0x09, 0x0D},
                       {0x20, 0x20},
                       {0x85, 0x85},
                       {0xA0, 0xA0},
                       {0x1680, 0x1680},
                       {0x2000, 0x200A},
                       {0x2028, 0x2029},
                       {0x202F, 0x202F},
                       {0x205F, 0x205F},
                       {0x3000, 0x3000}});
  }
  if (name == "Pattern_White_Space" || name == "Pat_WS") {
    return FromRanges(
        {{0x09, 0x0D}, {0x20, 0x20}, {0x85, 0x85}, {0x200E, 0x200F}, {0x2028, 0x2029}});
  }
  if (name == "Join_Control" || name == "Join_C") return FromRanges({{0x200C, 0x200D}});
  if (name == "Bidi_Control" || name == "Bidi_C") {
    return FromRanges({{0x061C, 0x061C}, {0x200E, 0x200F}, {0x202A, 0x202E}, {0x2066, 0x2069}});
  }
  if (name == "Regional_Indicator" || name == "RI") return FromRanges({{0x1F1E6, 0x1F1FF}});
  if (name == "Variation_Selector" || name == "VS") {
    return FromRanges({{0x180B, 0x180D}, {0x180F, 0x180F}, {0xFE00, 0xFE0F}, {0xE0100, 0xE01EF}});
  }
  if (name == "Noncharacter_Code_Point" || name == "NChar") {
    Ranges r{{0xFDD0, 0xFDEF}};
    for (char32_t plane = 0; plane <= 0x10; ++plane) {
      r.emplace_back((plane << 16) | 0xFFFE, (plane << 16) | 0xFFFF);
    }
    return FromRanges(std::move(r));
  }
  if (name == "Assigned") {
    return FromToken(std::string(kAllCategoriesButC) + "\\p{C}");
  }
  return std::nullopt;
}

bool Re2KnowsScript(std::string_view name) {
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) return false;
  }
  RE2::Options options;
  options.set_log_errors(false);
  RE2 probe("\\p{" + std::string(name) + "}", options);
  return probe.ok();
}

// ---------------------------------------------------------------------------
// UTF-8.

// Decodes one scalar value at text[*i]; advances *i. False on malformed UTF-8
// (overlong forms, surrogates and values above U+10FFFF included).
bool DecodeUtf8(std::string_view text, std::size_t* i, char32_t* out) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b0 = byte(*i);
  if (b0 < 0x80) {
    *out = b0;
    *i += 1;
    return true;
  }
  int length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (*i + static_cast<std::size_t>(length) > text.size()) return false;
  for (int k = 1; k < length; ++k) {
    unsigned char b = byte(*i + static_cast<std::size_t>(k));
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *out = cp;
  *i += static_cast<std::size_t>(length);
  return true;
}

bool IsAsciiAlnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool IsSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

std::string QuotePattern(std::string_view pattern) {
  constexpr std::size_t kMaxQuoted = 200;
  std::string quoted(pattern.substr(0, kMaxQuoted));
  if (pattern.size() > kMaxQuoted) {
    // Do not cut a UTF-8 sequence in half.
    while (!quoted.empty() && (static_cast<unsigned char>(quoted.back()) & 0xC0) == 0x80) {
      quoted.pop_back();
    }
    if (!quoted.empty() && static_cast<unsigned char>(quoted.back()) >= 0xC0) quoted.pop_back();
    quoted += "...";
  }
  return "regex \"" + quoted + "\"";
}

// ---------------------------------------------------------------------------
// The translator.

struct Flags {
  bool ignore_case = false;
  bool multiline = false;
  bool dot_all = false;
};

// One class atom: a single code point or a set (\d, \p{..}, ...).
struct ClassAtom {
  bool is_char = true;
  char32_t c = 0;
  CharSet set;
};

class Translator {
 public:
  explicit Translator(std::string_view pattern) : p_(pattern) {}

  // Fills out_, or sets invalid_/unsupported_.
  void Run() {
    Prescan();
    if (invalid_) return;
    if (!ParseDisjunction(0)) return;
    if (pos_ < p_.size()) {
      // Only an unmatched ')' stops the top-level disjunction early.
      Invalid("unmatched ')'");
    }
  }

  const std::optional<std::string>& invalid() const { return invalid_; }
  const std::optional<std::string>& unsupported() const { return unsupported_; }
  std::string& out() { return out_; }

 private:
  // --- errors -------------------------------------------------------------

  bool Invalid(std::string why) {
    if (!invalid_) invalid_ = why + " at offset " + std::to_string(pos_);
    return false;
  }
  void Unsupported(std::string why) {
    if (!unsupported_) unsupported_ = std::move(why);
  }
  // Stops parsing a pattern that is (as far as read) valid but beyond our
  // limits: reported as unsupported, never as invalid.
  bool Abort(std::string why) {
    unsupported_ = std::move(why);
    return false;
  }

  // --- lexing helpers -----------------------------------------------------

  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < p_.size() ? p_[pos_ + ahead] : '\0';
  }
  bool LookingAt(std::string_view s) const { return p_.substr(pos_).starts_with(s); }

  // Reads one (UTF-8) source character.
  bool ReadChar(char32_t* c) {
    if (AtEnd()) return Invalid("unexpected end of pattern");
    if (!DecodeUtf8(p_, &pos_, c)) return Invalid("malformed UTF-8");
    return true;
  }

  // Counts capturing groups and collects group names, for \N and \k<name>.
  void Prescan() {
    bool in_class = false;
    for (std::size_t i = 0; i < p_.size(); ++i) {
      char c = p_[i];
      if (c == '\\') {
        ++i;
      } else if (in_class) {
        if (c == ']') in_class = false;
      } else if (c == '[') {
        in_class = true;
      } else if (c == '(') {
        if (i + 1 < p_.size() && p_[i + 1] == '?') {
          if (i + 2 < p_.size() && p_[i + 2] == '<' && i + 3 < p_.size() && p_[i + 3] != '=' &&
              p_[i + 3] != '!') {
            // Bounded scan (a name never holds '(' or '['), so that many
            // unterminated "(?<" stay linear.
            std::size_t end = i + 3;
            while (end < p_.size() && p_[end] != '>' && p_[end] != '(' && p_[end] != '[') ++end;
            if (end < p_.size() && p_[end] == '>') {
              std::string name(p_.substr(i + 3, end - i - 3));
              if (!group_names_.insert(name).second) {
                pos_ = i;
                Invalid("duplicate group name \"" + name + "\"");
                return;
              }
            }
            ++group_count_;
          }
        } else {
          ++group_count_;
        }
      }
    }
  }

  // --- grammar ------------------------------------------------------------

  // Disjunction :: Alternative ( '|' Alternative )*
  bool ParseDisjunction(int depth) {
    if (!ParseAlternative(depth)) return false;
    while (Peek() == '|' && !AtEnd()) {
      ++pos_;
      out_ += '|';
      if (!ParseAlternative(depth)) return false;
    }
    return true;
  }

  // Alternative :: Term*  (stops at '|', ')' or the end)
  bool ParseAlternative(int depth) {
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      if (out_.size() > kMaxTranslatedBytes) return Abort("pattern too large");
      if (!ParseTerm(depth)) return false;
    }
    return true;
  }

  bool ParseTerm(int depth) {
    char c = Peek();
    // Assertions (not quantifiable in u-mode).
    if (c == '^' || c == '$') {
      ++pos_;
      if (flags_.multiline) Unsupported("the m modifier on ^ or $");
      out_ += c == '^' ? "^" : "\\z";
      return RejectQuantifier("anchor");
    }
    if (c == '\\' && (Peek(1) == 'b' || Peek(1) == 'B')) {
      out_ += Peek(1) == 'b' ? "\\b" : "\\B";
      pos_ += 2;
      return RejectQuantifier("word boundary");
    }
    if (LookingAt("(?=") || LookingAt("(?!") || LookingAt("(?<=") || LookingAt("(?<!")) {
      bool behind = Peek(2) == '<';
      Unsupported(behind ? "look-behind assertion" : "look-ahead assertion");
      pos_ += behind ? 4 : 3;
      if (depth + 1 > kMaxNesting) {
        return Abort("groups nested too deeply");
      }
      std::string saved = std::move(out_);
      out_.clear();
      bool ok = ParseDisjunction(depth + 1);
      out_ = std::move(saved);
      if (!ok) return false;
      if (Peek() != ')') return Invalid("missing ')'");
      ++pos_;
      return RejectQuantifier("look-around assertion");
    }
    std::size_t atom_start = out_.size();
    if (!ParseAtom(depth)) return false;
    return ParseQuantifier(atom_start);
  }

  bool RejectQuantifier(std::string_view what) {
    char c = Peek();
    if (c == '*' || c == '+' || c == '?' || (c == '{' && BracedQuantifierAhead())) {
      return Invalid("quantifier after " + std::string(what));
    }
    return true;
  }

  // True when p_[pos_] starts a syntactically valid {n}, {n,} or {n,m}.
  bool BracedQuantifierAhead() const {
    std::size_t i = pos_;
    if (i >= p_.size() || p_[i] != '{') return false;
    ++i;
    auto digits = [&] {
      std::size_t start = i;
      while (i < p_.size() && p_[i] >= '0' && p_[i] <= '9') ++i;
      return i > start;
    };
    if (!digits()) return false;
    if (i < p_.size() && p_[i] == ',') {
      ++i;
      digits();
    }
    return i < p_.size() && p_[i] == '}';
  }

  static int ReadCount(std::string_view digits) {
    long long v = 0;
    for (char d : digits) {
      v = v * 10 + (d - '0');
      if (v > 1'000'000'000) return 1'000'000'001;  // saturate
    }
    return static_cast<int>(v);
  }

  bool ParseQuantifier(std::size_t atom_start) {
    char c = Peek();
    std::string q;
    if (c == '*' || c == '+' || c == '?') {
      ++pos_;
      q = c;
    } else if (c == '{' && BracedQuantifierAhead()) {
      std::size_t close = p_.find('}', pos_);
      std::string_view body = p_.substr(pos_ + 1, close - pos_ - 1);
      std::size_t comma = body.find(',');
      int min = ReadCount(body.substr(0, comma));
      int max = min;
      bool unbounded = false;
      if (comma != std::string_view::npos) {
        std::string_view rest = body.substr(comma + 1);
        if (rest.empty()) {
          unbounded = true;
        } else {
          max = ReadCount(rest);
        }
      }
      if (!unbounded && max < min) return Invalid("numbers out of order in {} quantifier");
      pos_ = close + 1;
      if (min > kMaxRepeat || (!unbounded && max > kMaxRepeat)) {
        Unsupported("repetition count above " + std::to_string(kMaxRepeat));
        q = "*";  // keeps the translation well-formed; never compiled
      } else if (unbounded) {
        q = "{" + std::to_string(min) + ",}";
      } else if (comma == std::string_view::npos) {
        q = "{" + std::to_string(min) + "}";
      } else {
        q = "{" + std::to_string(min) + "," + std::to_string(max) + "}";
      }
    } else {
      return true;
    }
    if (Peek() == '?') {
      ++pos_;
      q += '?';
    }
    if (atom_start == out_.size()) return Invalid("nothing to repeat");
    out_ += q;
    char next = Peek();
    if (next == '*' || next == '+' || next == '?' || (next == '{' && BracedQuantifierAhead())) {
      return Invalid("nothing to repeat");
    }
    return true;
  }

  bool ParseAtom(int depth) {
    char c = Peek();
    switch (c) {
      case '*':
      case '+':
      case '?':
        return Invalid("nothing to repeat");
      case '{':
        if (BracedQuantifierAhead()) return Invalid("nothing to repeat");
        ++pos_;
        out_ += EscapedChar('{');
        return true;
      case '.':
        ++pos_;
        out_ += flags_.dot_all ? "[\\x{0}-\\x{10ffff}]" : "[^\\x{a}\\x{d}\\x{2028}\\x{2029}]";
        return true;
      case '(':
        return ParseGroup(depth);
      case '[':
        return ParseClass(depth);
      case '\\':
        return ParseAtomEscape();
      default: {
        char32_t ch = 0;
        if (!ReadChar(&ch)) return false;
        out_ += EscapedChar(ch);
        return true;
      }
    }
  }

  bool ParseGroup(int depth) {
    if (depth + 1 > kMaxNesting) {
      return Abort("groups nested too deeply");
    }
    ++pos_;  // '('
    Flags saved_flags = flags_;
    if (Peek() != '?') {
      out_ += '(';
    } else if (Peek(1) == ':') {
      pos_ += 2;
      out_ += "(?:";
    } else if (Peek(1) == '<') {
      pos_ += 2;
      std::string name;
      if (!ParseGroupName(&name)) return false;
      bool re2_name = !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
                      std::all_of(name.begin(), name.end(), [](char ch) {
                        return IsAsciiAlnum(static_cast<unsigned char>(ch)) || ch == '_';
                      });
      out_ += re2_name ? "(?P<" + name + ">" : "(";
    } else {
      // ES2025 modifiers: (?ims-ims:...).
      pos_ += 1;
      std::string add, remove;
      std::string* target = &add;
      bool dash = false;
      while (!AtEnd() && Peek() != ':') {
        char f = Peek();
        if (f == '-' && !dash) {
          dash = true;
          target = &remove;
        } else if ((f == 'i' || f == 'm' || f == 's') && add.find(f) == std::string::npos &&
                   remove.find(f) == std::string::npos) {
          *target += f;
        } else {
          return Invalid("invalid group");
        }
        ++pos_;
      }
      if (AtEnd() || (add.empty() && remove.empty())) return Invalid("invalid group");
      ++pos_;  // ':'
      for (char f : add) SetFlag(f, true);
      for (char f : remove) SetFlag(f, false);
      if (add.find('i') != std::string::npos) {
        out_ += "(?i:";
      } else if (remove.find('i') != std::string::npos) {
        out_ += "(?-i:";
      } else {
        out_ += "(?:";
      }
    }
    if (!ParseDisjunction(depth + 1)) return false;
    if (Peek() != ')' || AtEnd()) return Invalid("missing ')'");
    ++pos_;
    out_ += ')';
    flags_ = saved_flags;
    return true;
  }

  void SetFlag(char f, bool on) {
    if (f == 'i') flags_.ignore_case = on;
    if (f == 'm') flags_.multiline = on;
    if (f == 's') flags_.dot_all = on;
  }

  // After "(?<" or "\k<": RegExpIdentifierName '>'.
  bool ParseGroupName(std::string* name) {
    std::size_t start = pos_;
    while (!AtEnd() && Peek() != '>') {
      char32_t ch = 0;
      if (Peek() == '\\') {
        // \u escapes in group names are valid ECMA but not worth supporting.
        Unsupported("escape in a group name");
        ++pos_;
        continue;
      }
      bool first = pos_ == start;
      if (!ReadChar(&ch)) return false;
      bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '$' || ch == '_' ||
                ch >= 0x80 || (!first && ch >= '0' && ch <= '9');
      if (!ok) return Invalid("invalid group name");
    }
    if (AtEnd() || pos_ == start) return Invalid("invalid group name");
    *name = std::string(p_.substr(start, pos_ - start));
    ++pos_;  // '>'
    return true;
  }

  // AtomEscape outside a class (\b and \B are handled as assertions).
  bool ParseAtomEscape() {
    ++pos_;  // '\'
    if (AtEnd()) return Invalid("'\\' at end of pattern");
    char c = Peek();
    if (c >= '1' && c <= '9') {
      std::size_t start = pos_;
      while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
      int n = ReadCount(p_.substr(start, pos_ - start));
      if (n > group_count_) return Invalid("back-reference to a group that does not exist");
      Unsupported("back-reference");
      out_ += "(?:)";  // placeholder atom so a quantifier stays well-formed
      return true;
    }
    if (c == 'k') {
      ++pos_;
      if (Peek() != '<') return Invalid("invalid \\k escape");
      ++pos_;
      std::string name;
      if (!ParseGroupName(&name)) return false;
      if (!group_names_.contains(name)) return Invalid("back-reference to an unknown group name");
      Unsupported("back-reference");
      out_ += "(?:)";
      return true;
    }
    ClassAtom atom;
    if (!ParseCharacterEscape(/*in_class=*/false, &atom)) return false;
    if (atom.is_char) {
      out_ += IsSurrogate(atom.c) ? SetAtom(NeverSet()) : EscapedChar(atom.c);
    } else {
      out_ += SetAtom(atom.set);
    }
    return true;
  }

  // After '\' (pos_ at the escape letter): character escapes and class escapes
  // shared by atoms and classes. Decimal and \k escapes are handled by callers.
  bool ParseCharacterEscape(bool in_class, ClassAtom* atom) {
    char c = Peek();
    ++pos_;
    atom->is_char = true;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        atom->is_char = false;
        atom->set = FromToken(std::string("\\") + c);
        return true;
      case 's':
      case 'S': {
        atom->is_char = false;
        Ranges space(kEcmaSpace.begin(), kEcmaSpace.end());
        atom->set = c == 's' ? FromRanges(space) : FromRanges(ComplementRanges(space));
        return true;
      }
      case 'p':
      case 'P':
        atom->is_char = false;
        return ParseProperty(c == 'P', &atom->set);
      case 't':
        atom->c = '\t';
        return true;
      case 'n':
        atom->c = '\n';
        return true;
      case 'v':
        atom->c = '\v';
        return true;
      case 'f':
        atom->c = '\f';
        return true;
      case 'r':
        atom->c = '\r';
        return true;
      case 'c': {
        char letter = Peek();
        if (!((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z'))) {
          return Invalid("invalid \\c escape");
        }
        ++pos_;
        atom->c = static_cast<char32_t>(letter % 32);
        return true;
      }
      case '0':
        if (Peek() >= '0' && Peek() <= '9') return Invalid("octal escapes are not allowed");
        atom->c = 0;
        return true;
      case 'x':
        if (!IsHex(Peek()) || !IsHex(Peek(1))) return Invalid("invalid \\x escape");
        atom->c = static_cast<char32_t>(HexValue(Peek()) * 16 + HexValue(Peek(1)));
        pos_ += 2;
        return true;
      case 'u':
        return ParseUnicodeEscape(&atom->c);
      default:
        break;
    }
    if (in_class && c == 'b') {
      atom->c = '\b';
      return true;
    }
    if (c == '-' && in_class) {
      atom->c = '-';
      return true;
    }
    unsigned char uc = static_cast<unsigned char>(c);
    if (uc < 0x80 && uc >= 0x20 && uc != 0x7F && !IsAsciiAlnum(uc)) {
      // Syntax characters, '/', and (leniently) other ASCII punctuation.
      atom->c = uc;
      return true;
    }
    --pos_;
    return Invalid("invalid escape");
  }

  // After "\u": XXXX (joining a surrogate pair written as two escapes) or {X...}.
  bool ParseUnicodeEscape(char32_t* out) {
    if (Peek() == '{') {
      std::size_t i = pos_ + 1;
      char32_t v = 0;
      std::size_t start = i;
      while (i < p_.size() && IsHex(p_[i])) {
        v = v * 16 + static_cast<char32_t>(HexValue(p_[i]));
        if (v > kMaxCodePoint) return Invalid("\\u{...} escape above U+10FFFF");
        ++i;
      }
      if (i == start || i >= p_.size() || p_[i] != '}') return Invalid("invalid \\u{...} escape");
      pos_ = i + 1;
      *out = v;
      return true;
    }
    auto read4 = [&](std::size_t at, char32_t* v) {
      if (at + 4 > p_.size()) return false;
      char32_t r = 0;
      for (std::size_t k = 0; k < 4; ++k) {
        if (!IsHex(p_[at + k])) return false;
        r = r * 16 + static_cast<char32_t>(HexValue(p_[at + k]));
      }
      *v = r;
      return true;
    };
    char32_t v = 0;
    if (!read4(pos_, &v)) return Invalid("invalid \\u escape");
    pos_ += 4;
    if (v >= 0xD800 && v <= 0xDBFF && LookingAt("\\u")) {
      char32_t trail = 0;
      if (read4(pos_ + 2, &trail) && trail >= 0xDC00 && trail <= 0xDFFF) {
        pos_ += 6;
        v = 0x10000 + ((v - 0xD800) << 10) + (trail - 0xDC00);
      }
    }
    *out = v;
    return true;
  }

  // After "\p" or "\P": {Name}, {Name=Value}.
  bool ParseProperty(bool negated, CharSet* out) {
    if (Peek() != '{') return Invalid("\\p needs {...}");
    std::size_t close = p_.find('}', pos_);
    if (close == std::string_view::npos) return Invalid("unterminated \\p{...}");
    std::string_view body = p_.substr(pos_ + 1, close - pos_ - 1);
    for (char ch : body) {
      if (!(IsAsciiAlnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '=')) {
        return Invalid("invalid Unicode property name");
      }
    }
    pos_ = close + 1;
    std::optional<CharSet> set;
    std::size_t eq = body.find('=');
    if (eq != std::string_view::npos) {
      std::string_view name = body.substr(0, eq);
      std::string_view value = body.substr(eq + 1);
      if (name == "General_Category" || name == "gc") {
        set = GeneralCategory(value);
        if (!set) return Invalid("unknown General_Category value");
      } else if (name == "Script" || name == "sc") {
        set = ScriptSet(value);
        if (!set) {
          Unsupported("Unicode script \"" + std::string(value) + "\"");
          set = CharSet{};
        }
      } else if (name == "Script_Extensions" || name == "scx") {
        Unsupported("Script_Extensions property");
        set = CharSet{};
      } else {
        return Invalid("unknown Unicode property name");
      }
    } else {
      set = GeneralCategory(body);
      if (!set) set = BinaryProperty(body);
      if (!set) {
        bool known = std::find(std::begin(kBinaryProperties), std::end(kBinaryProperties), body) !=
                     std::end(kBinaryProperties);
        if (!known) return Invalid("unknown Unicode property \"" + std::string(body) + "\"");
        Unsupported("Unicode property \"" + std::string(body) + "\"");
        set = CharSet{};
      }
    }
    *out = negated ? Complement(std::move(*set)) : std::move(*set);
    return true;
  }

  static std::optional<CharSet> ScriptSet(std::string_view value) {
    for (const NamePair& p : kScriptCodes) {
      if (p.alias == value) return FromToken("\\p{" + std::string(p.target) + "}");
    }
    // RE2 also knows the general categories and "Any" under \p{...}; those
    // are not script names.
    bool category =
        value == "Any" || std::any_of(std::begin(kGeneralCategories), std::end(kGeneralCategories),
                                      [&](const NamePair& p) { return p.alias == value; });
    if (!category && Re2KnowsScript(value)) return FromToken("\\p{" + std::string(value) + "}");
    return std::nullopt;
  }

  bool ParseClassAtom(ClassAtom* atom) {
    if (Peek() == '\\') {
      ++pos_;
      if (AtEnd()) return Invalid("'\\' at end of pattern");
      char c = Peek();
      if ((c >= '1' && c <= '9') || c == 'k' || c == 'B') {
        return Invalid("invalid escape in character class");
      }
      return ParseCharacterEscape(/*in_class=*/true, atom);
    }
    atom->is_char = true;
    return ReadChar(&atom->c);
  }

  bool ParseClass(int depth) {
    ++pos_;  // '['
    bool negated = false;
    if (Peek() == '^' && !AtEnd()) {
      negated = true;
      ++pos_;
    }
    Ranges ranges;
    std::string tokens;
    std::vector<CharSet> complements;
    auto add_set = [&](CharSet set) {
      if (set.complement) {
        complements.push_back(std::move(set));
        return;
      }
      ranges.insert(ranges.end(), set.ranges.begin(), set.ranges.end());
      tokens += set.tokens;
    };
    while (true) {
      if (AtEnd()) return Invalid("unterminated character class");
      if (Peek() == ']') {
        ++pos_;
        break;
      }
      ClassAtom first;
      if (!ParseClassAtom(&first)) return false;
      if (Peek() == '-' && Peek(1) != ']' && pos_ + 1 < p_.size()) {
        ++pos_;  // '-'
        ClassAtom second;
        if (!ParseClassAtom(&second)) return false;
        if (!first.is_char || !second.is_char) {
          // u-mode rejects [\w-.]; Annex B reads it as \w, '-' and '.', a
          // meaning every other dialect shares, so it is accepted.
          for (ClassAtom* a : {&first, &second}) {
            if (a->is_char) {
              ranges.emplace_back(a->c, a->c);
            } else {
              add_set(std::move(a->set));
            }
          }
          ranges.emplace_back('-', '-');
          continue;
        }
        if (first.c > second.c) return Invalid("range out of order in character class");
        ranges.emplace_back(first.c, second.c);
        continue;
      }
      if (first.is_char) {
        ranges.emplace_back(first.c, first.c);
      } else {
        add_set(std::move(first.set));
      }
    }
    CharSet positive{std::move(ranges), std::move(tokens), false};
    if (!negated) {
      if (complements.empty()) {
        out_ += SetAtom(positive);
        return true;
      }
      // A union with complemented sets: alternation of class atoms.
      std::string alt = "(?:";
      bool any = false;
      if (!positive.ranges.empty() || !positive.tokens.empty()) {
        alt += SetAtom(positive);
        any = true;
      }
      for (const CharSet& c : complements) {
        if (any) alt += '|';
        alt += SetAtom(c);
        any = true;
      }
      out_ += alt + ")";
      return true;
    }
    // [^...]: the complement of the union.
    if (complements.empty()) {
      positive.complement = true;
      out_ += SetAtom(positive);
      return true;
    }
    if (complements.size() == 1 && positive.ranges.empty() && positive.tokens.empty()) {
      CharSet inner = complements.front();
      inner.complement = false;
      out_ += SetAtom(inner);
      return true;
    }
    Unsupported("negated character class mixing complemented Unicode properties");
    out_ += SetAtom(NeverSet());
    return true;
  }

  std::string_view p_;
  std::size_t pos_ = 0;
  std::string out_;
  Flags flags_;
  int group_count_ = 0;
  std::set<std::string> group_names_;
  std::optional<std::string> invalid_;
  std::optional<std::string> unsupported_;
};

}  // namespace

EcmaRegex::EcmaRegex(EcmaRegex&&) noexcept = default;
EcmaRegex& EcmaRegex::operator=(EcmaRegex&&) noexcept = default;
EcmaRegex::~EcmaRegex() = default;

Result<EcmaRegex> EcmaRegex::Compile(std::string_view pattern) {
  Translator translator(pattern);
  translator.Run();
  if (translator.invalid()) {
    return MakeError(ErrorCode::kInvalidSchema,
                     QuotePattern(pattern) +
                         " is not a valid ECMA-262 regular expression: " + *translator.invalid());
  }
  if (pattern.size() > kMaxPatternBytes) {
    return MakeError(ErrorCode::kUnsupportedRegex, QuotePattern(pattern) + " is longer than " +
                                                       std::to_string(kMaxPatternBytes) + " bytes");
  }
  if (translator.unsupported()) {
    return MakeError(
        ErrorCode::kUnsupportedRegex,
        QuotePattern(pattern) + " uses a construct RE2 cannot run: " + *translator.unsupported());
  }
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_max_mem(kRe2MaxMem);
  options.set_never_capture(true);
  EcmaRegex regex;
  regex.pattern_ = std::string(pattern);
  regex.translated_ = std::move(translator.out());
  regex.impl_ = std::make_unique<Impl>(regex.translated_, options);
  const RE2& re = regex.impl_->re;
  if (!re.ok()) {
    switch (re.error_code()) {
      case RE2::ErrorRepeatSize:
        return MakeError(
            ErrorCode::kUnsupportedRegex,
            QuotePattern(pattern) + " repeats more than RE2 allows (" + re.error() + ")");
      case RE2::ErrorPatternTooLarge:
        return MakeError(ErrorCode::kUnsupportedRegex,
                         QuotePattern(pattern) + " is too large for RE2's memory budget");
      default:
        // The translation is always valid RE2 syntax; reaching here is a bug
        // in the translator, reported rather than run.
        return MakeError(ErrorCode::kUnsupportedRegex,
                         QuotePattern(pattern) + " could not be compiled by RE2: " + re.error());
    }
  }
  regex.impl_->dfa = internal::SimpleDfa::Build(pattern);
  return regex;
}

bool EcmaRegex::Search(std::string_view text) const {
  if (impl_->dfa) return impl_->dfa->Search(text);
  return RE2::PartialMatch(text, impl_->re);
}

bool EcmaRegex::SearchWithRe2(std::string_view text) const {
  return RE2::PartialMatch(text, impl_->re);
}

bool EcmaRegex::HasFastPath() const { return impl_->dfa.has_value(); }

}  // namespace accord

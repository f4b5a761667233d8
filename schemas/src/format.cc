// JSON Schema `format` checkers.
//
// Each checker is a small hand-written parser of the grammar the JSON Schema
// specification names (RFC 3339, RFC 5321/6531, RFC 1123/5890-5893, RFC 2673,
// RFC 4291, RFC 3986/3987, RFC 6570, RFC 4122, RFC 6901, the relative JSON
// pointer draft, ECMA-262). Inputs are UTF-8; malformed UTF-8 never passes a
// checker that looks at non-ASCII text.
//
// IDNA2008 (idn-hostname, and the A-labels of hostname) is a sound subset:
// Punycode is decoded and re-encoded; hyphen rules, leading combining marks,
// the RFC 5892 exception table, every CONTEXTO/CONTEXTJ rule and the RFC 5893
// Bidi rule are checked. Not checked: NFC normalisation, and the full
// derived-property table; a code point is taken as PVALID when its general
// category is Ll, Lo, Lm, Mn, Mc or Nd (from RE2's Unicode tables) outside
// the blocks IDNA2008 disallows as a whole (old Hangul jamo, half/full-width
// forms, combining marks for symbols, musical symbols). Bidi classes and
// joining types are derived from script blocks, not from UnicodeData.

#include "accord/schemas/format.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accord/schemas/regex.h"

namespace accord::format {
namespace {

// --- character helpers --------------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit);
}

int ToInt(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// Decodes UTF-8 into code points; nullopt on malformed input (overlong
// forms, encoded surrogates and values above U+10FFFF included).
std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    unsigned char b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    int len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (i + static_cast<std::size_t>(len) > s.size()) return std::nullopt;
    for (int k = 1; k < len; ++k) {
      unsigned char b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

std::string EncodeUtf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// Unicode property lookups through RE2's tables (compiled once, thread-safe).
class UnicodeClass {
 public:
  explicit UnicodeClass(const char* re2_class) : re_(re2_class, Options()) {}
  bool Contains(char32_t cp) const { return RE2::FullMatch(EncodeUtf8(cp), re_); }

 private:
  static RE2::Options Options() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_never_capture(true);
    return o;
  }
  RE2 re_;
};

const UnicodeClass& Marks() {
  static const UnicodeClass k("\\p{M}");
  return k;
}
const UnicodeClass& NonspacingOrEnclosingMarks() {
  static const UnicodeClass k("[\\p{Mn}\\p{Me}]");
  return k;
}
const UnicodeClass& LetterDigits() {
  static const UnicodeClass k("[\\p{Ll}\\p{Lo}\\p{Lm}\\p{Mn}\\p{Mc}\\p{Nd}]");
  return k;
}
const UnicodeClass& Greek() {
  static const UnicodeClass k("\\p{Greek}");
  return k;
}
const UnicodeClass& Hebrew() {
  static const UnicodeClass k("\\p{Hebrew}");
  return k;
}
const UnicodeClass& HiraganaKatakanaHan() {
  static const UnicodeClass k("[\\p{Hiragana}\\p{Katakana}\\p{Han}]");
  return k;
}
const UnicodeClass& PunctuationOrSymbol() {
  static const UnicodeClass k("[\\p{P}\\p{S}]");
  return k;
}
const UnicodeClass& JoiningLetters() {
  // Scripts whose letters join (Arabic, Syriac, N'Ko, Mongolian, ...).
  static const UnicodeClass k(
      "[\\p{Arabic}\\p{Syriac}\\p{Nko}\\p{Mongolian}\\p{Mandaic}\\p{Manichaean}"
      "\\p{Psalter_Pahlavi}\\p{Adlam}\\p{Hanifi_Rohingya}\\p{Sogdian}]");
  return k;
}

// --- dates and times (RFC 3339 section 5.6) -----------------------------------

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

// full-date = date-fullyear "-" date-month "-" date-mday
bool CheckDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  std::string_view y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return false;
  int year = ToInt(y), month = ToInt(m), day = ToInt(d);
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

// full-time = partial-time time-offset; a leap second (:60) only where the
// time is 23:59 in UTC.
bool CheckTime(std::string_view s) {
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  std::string_view hh = s.substr(0, 2), mm = s.substr(3, 2), ss = s.substr(6, 2);
  if (!AllDigits(hh) || !AllDigits(mm) || !AllDigits(ss)) return false;
  int hour = ToInt(hh), minute = ToInt(mm), second = ToInt(ss);
  if (hour > 23 || minute > 59 || second > 60) return false;
  std::size_t i = 8;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;  // the offset is required
  int offset_minutes = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    if (i + 1 != s.size()) return false;
  } else if (s[i] == '+' || s[i] == '-') {
    std::string_view off = s.substr(i + 1);
    if (off.size() != 5 || off[2] != ':') return false;
    std::string_view oh = off.substr(0, 2), om = off.substr(3, 2);
    if (!AllDigits(oh) || !AllDigits(om)) return false;
    if (ToInt(oh) > 23 || ToInt(om) > 59) return false;
    offset_minutes = (ToInt(oh) * 60 + ToInt(om)) * (s[i] == '+' ? 1 : -1);
  } else {
    return false;
  }
  if (second == 60) {
    int utc = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

bool CheckDateTime(std::string_view s) {
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't')) return false;
  return CheckDate(s.substr(0, 10)) && CheckTime(s.substr(11));
}

// RFC 3339 appendix A:
//   duration = "P" (dur-date / dur-time / dur-week)
//   dur-date = (dur-day / dur-month / dur-year) [dur-time]
//   dur-time = "T" (dur-hour / dur-minute / dur-second)
// i.e. the units present, in order, form one contiguous run of Y M D
// (date part) and one of H M S (time part).
bool CheckDuration(std::string_view s) {
  if (s.size() < 2 || s[0] != 'P') return false;
  std::size_t i = 1;
  auto read_elements = [&](std::string_view units, std::string* seen) {
    while (i < s.size() && s[i] != 'T') {
      std::size_t start = i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      if (i == start || i >= s.size()) return false;
      seen->push_back(s[i]);
      ++i;
    }
    // The units must be a contiguous, ordered run of `units`.
    if (seen->empty()) return true;
    std::size_t at = units.find(seen->front());
    return at != std::string_view::npos && units.substr(at, seen->size()) == *seen;
  };
  std::string date_units;
  if (!read_elements("YMD", &date_units)) {
    // "P<n>W" alone.
    return i == s.size() && s.size() > 2 && s.back() == 'W' && AllDigits(s.substr(1, s.size() - 2));
  }
  std::string time_units;
  if (i < s.size()) {  // 'T'
    ++i;
    if (i == s.size()) return false;
    if (s.find('T', i) != std::string_view::npos) return false;
    if (!read_elements("HMS", &time_units) || time_units.empty()) return false;
  }
  return !date_units.empty() || !time_units.empty();
}

// --- IP addresses ---------------------------------------------------------------

// dotted-quad, decimal octets 0-255 without leading zeros.
bool CheckIpv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    std::string_view octet = s.substr(start, i - start);
    if (octet.empty() || octet.size() > 3) return false;
    if (octet.size() > 1 && octet[0] == '0') return false;
    if (ToInt(octet) > 255) return false;
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

// RFC 4291 section 2.2 text forms, no zone index, no brackets.
bool CheckIpv6(std::string_view s) {
  if (s.empty()) return false;
  std::size_t dbl = s.find("::");
  if (dbl != std::string_view::npos && s.find("::", dbl + 1) != std::string_view::npos) {
    return false;
  }
  // Counts 16-bit groups in a run of h16 separated by ':' (maybe ending in an
  // IPv4 address). Empty runs count 0.
  auto count = [](std::string_view run, bool ipv4_allowed, int* groups) {
    *groups = 0;
    if (run.empty()) return true;
    std::size_t i = 0;
    while (true) {
      std::size_t end = run.find(':', i);
      std::string_view g = run.substr(i, end == std::string_view::npos ? run.npos : end - i);
      if (end == std::string_view::npos && ipv4_allowed && g.find('.') != std::string_view::npos) {
        if (!CheckIpv4(g)) return false;
        *groups += 2;
        return true;
      }
      if (g.empty() || g.size() > 4 || !std::all_of(g.begin(), g.end(), IsHexDigit)) return false;
      ++*groups;
      if (end == std::string_view::npos) return true;
      i = end + 1;
    }
  };
  if (dbl == std::string_view::npos) {
    int groups = 0;
    return count(s, true, &groups) && groups == 8;
  }
  int left = 0, right = 0;
  if (!count(s.substr(0, dbl), false, &left)) return false;
  if (!count(s.substr(dbl + 2), true, &right)) return false;
  return left + right <= 7;
}

// --- IDNA (RFC 3492, 5890-5893) --------------------------------------------------

namespace punycode {

constexpr char32_t kBase = 36, kTmin = 1, kTmax = 26, kSkew = 38, kDamp = 700;
constexpr char32_t kInitialBias = 72, kInitialN = 128;
constexpr char32_t kMaxInt = 0x7FFFFFFF;

char32_t Adapt(char32_t delta, char32_t numpoints, bool first) {
  delta = first ? delta / kDamp : delta / 2;
  delta += delta / numpoints;
  char32_t k = 0;
  while (delta > ((kBase - kTmin) * kTmax) / 2) {
    delta /= kBase - kTmin;
    k += kBase;
  }
  return k + (kBase - kTmin + 1) * delta / (delta + kSkew);
}

int DigitValue(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '0' && c <= '9') return c - '0' + 26;
  return -1;
}

char DigitChar(char32_t d) { return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26)); }

std::optional<std::u32string> Decode(std::string_view in) {
  std::u32string out;
  std::size_t delim = in.rfind('-');
  std::size_t pos = 0;
  if (delim != std::string_view::npos) {
    for (std::size_t j = 0; j < delim; ++j) {
      if (static_cast<unsigned char>(in[j]) >= 0x80) return std::nullopt;
      out.push_back(static_cast<unsigned char>(in[j]));
    }
    pos = delim + 1;
  }
  char32_t n = kInitialN, bias = kInitialBias, i = 0;
  while (pos < in.size()) {
    char32_t old_i = i, w = 1;
    for (char32_t k = kBase;; k += kBase) {
      if (pos >= in.size()) return std::nullopt;
      int digit = DigitValue(in[pos++]);
      if (digit < 0) return std::nullopt;
      char32_t d = static_cast<char32_t>(digit);
      if (d > (kMaxInt - i) / w) return std::nullopt;
      i += d * w;
      char32_t t = k <= bias ? kTmin : (k >= bias + kTmax ? kTmax : k - bias);
      if (d < t) break;
      if (w > kMaxInt / (kBase - t)) return std::nullopt;
      w *= kBase - t;
    }
    char32_t len = static_cast<char32_t>(out.size() + 1);
    bias = Adapt(i - old_i, len, old_i == 0);
    if (i / len > kMaxInt - n) return std::nullopt;
    n += i / len;
    i %= len;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return std::nullopt;
    out.insert(out.begin() + i, n);
    ++i;
  }
  return out;
}

std::optional<std::string> Encode(const std::u32string& in) {
  std::string out;
  for (char32_t c : in) {
    if (c < 0x80) out += static_cast<char>(c);
  }
  std::size_t basic = out.size();
  std::size_t handled = basic;
  if (basic > 0) out += '-';
  char32_t n = kInitialN, delta = 0, bias = kInitialBias;
  while (handled < in.size()) {
    char32_t m = 0x10FFFF + 1;
    for (char32_t c : in) {
      if (c >= n && c < m) m = c;
    }
    if ((m - n) > (kMaxInt - delta) / static_cast<char32_t>(handled + 1)) return std::nullopt;
    delta += (m - n) * static_cast<char32_t>(handled + 1);
    n = m;
    for (char32_t c : in) {
      if (c < n && ++delta == 0) return std::nullopt;
      if (c == n) {
        char32_t q = delta;
        for (char32_t k = kBase;; k += kBase) {
          char32_t t = k <= bias ? kTmin : (k >= bias + kTmax ? kTmax : k - bias);
          if (q < t) break;
          out += DigitChar(t + (q - t) % (kBase - t));
          q = (q - t) / (kBase - t);
        }
        out += DigitChar(q);
        bias = Adapt(delta, static_cast<char32_t>(handled + 1), handled == basic);
        delta = 0;
        ++handled;
      }
    }
    ++delta;
    ++n;
  }
  return out;
}

}  // namespace punycode

enum class Bidi : std::uint8_t { kL, kR, kAL, kEN, kAN, kES, kCS, kET, kON, kBN, kNSM };

// Bidi_Class approximated from script blocks (see the file comment).
Bidi BidiClass(char32_t c) {
  if (c >= '0' && c <= '9') return Bidi::kEN;
  if (c == '-' || c == '+') return Bidi::kES;
  if (c == '.' || c == ',' || c == ':' || c == '/' || c == 0xA0) return Bidi::kCS;
  if (c < 0x80) return IsAlpha(static_cast<char>(c)) ? Bidi::kL : Bidi::kON;
  if ((c >= 0x660 && c <= 0x669) || c == 0x66B || c == 0x66C || (c >= 0x600 && c <= 0x605) ||
      c == 0x6DD || c == 0x8E2 || (c >= 0x10E60 && c <= 0x10E7E)) {
    return Bidi::kAN;
  }
  if ((c >= 0x6F0 && c <= 0x6F9) || c == 0xB2 || c == 0xB3 || c == 0xB9 ||
      (c >= 0xFF10 && c <= 0xFF19)) {
    return Bidi::kEN;
  }
  if (c == 0x200C || c == 0x200D) return Bidi::kBN;
  if (NonspacingOrEnclosingMarks().Contains(c)) return Bidi::kNSM;
  if ((c >= 0x590 && c <= 0x5FF) || (c >= 0x7C0 && c <= 0x85F) || (c >= 0xFB1D && c <= 0xFB4F) ||
      (c >= 0x10800 && c <= 0x10FFF) || (c >= 0x1E800 && c <= 0x1EDFF) ||
      (c >= 0x1EF00 && c <= 0x1EFFF)) {
    return Bidi::kR;
  }
  if ((c >= 0x600 && c <= 0x7BF) || (c >= 0x860 && c <= 0x8FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
      (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x1EE00 && c <= 0x1EEFF)) {
    return Bidi::kAL;
  }
  if (PunctuationOrSymbol().Contains(c)) return Bidi::kON;
  return Bidi::kL;
}

// Code points with canonical combining class 9 (Virama).
bool IsVirama(char32_t c) {
  static constexpr char32_t kViramas[] = {
      0x094D,  0x09CD,  0x0A4D,  0x0ACD,  0x0B4D,  0x0BCD,  0x0C4D,  0x0CCD,  0x0D3B,
      0x0D3C,  0x0D4D,  0x0DCA,  0x0E3A,  0x0EBA,  0x0F84,  0x1039,  0x103A,  0x1714,
      0x1715,  0x1734,  0x17D2,  0x1A60,  0x1B44,  0x1BAA,  0x1BAB,  0x1BF2,  0x1BF3,
      0x2D7F,  0xA806,  0xA82C,  0xA8C4,  0xA953,  0xA9C0,  0xAAF6,  0xABED,  0x10A3F,
      0x11046, 0x11070, 0x1107F, 0x110B9, 0x11133, 0x11134, 0x111C0, 0x11235, 0x112EA,
      0x1134D, 0x11442, 0x114C2, 0x115BF, 0x1163F, 0x116B6, 0x1172B, 0x11839, 0x1193D,
      0x1193E, 0x119E0, 0x11A34, 0x11A47, 0x11A99, 0x11C3F, 0x11D44, 0x11D45, 0x11D97};
  return std::find(std::begin(kViramas), std::end(kViramas), c) != std::end(kViramas);
}

enum class Joining : std::uint8_t { kNone, kDual, kRight, kTransparent };

// Joining_Type approximated: letters of joining scripts are dual-joining,
// except the Arabic letters that join on the right only; marks and format
// characters are transparent.
Joining JoiningType(char32_t c) {
  static constexpr std::array<std::pair<char32_t, char32_t>, 17> kRightJoining = {{
      {0x622, 0x625},
      {0x627, 0x627},
      {0x629, 0x629},
      {0x62F, 0x632},
      {0x648, 0x648},
      {0x671, 0x673},
      {0x675, 0x677},
      {0x688, 0x699},
      {0x6C0, 0x6C0},
      {0x6C3, 0x6CB},
      {0x6CD, 0x6CD},
      {0x6CF, 0x6CF},
      {0x6D2, 0x6D3},
      {0x6D5, 0x6D5},
      {0x6EE, 0x6EF},
      {0x710, 0x710},
      {0x715, 0x719},
  }};
  if (c == 0x200C || c == 0x200D) return Joining::kNone;
  if (Marks().Contains(c) || (c >= 0x200B && c <= 0x200F) || c == 0xAD) {
    return Joining::kTransparent;
  }
  for (auto [lo, hi] : kRightJoining) {
    if (c >= lo && c <= hi) return Joining::kRight;
  }
  if (c >= 0x80 && JoiningLetters().Contains(c) && LetterDigits().Contains(c) &&
      !(c >= 0x660 && c <= 0x669) && !(c >= 0x6F0 && c <= 0x6F9)) {
    return Joining::kDual;
  }
  return Joining::kNone;
}

enum class Idna : std::uint8_t { kPvalid, kContextJ, kContextO, kDisallowed };

Idna IdnaStatus(char32_t c) {
  if (c < 0x80) {
    char ch = static_cast<char>(c);
    return IsAlpha(ch) || IsDigit(ch) || ch == '-' ? Idna::kPvalid : Idna::kDisallowed;
  }
  switch (c) {  // RFC 5892 section 2.6 exceptions
    case 0x00DF:
    case 0x03C2:
    case 0x06FD:
    case 0x06FE:
    case 0x0F0B:
    case 0x3007:
      return Idna::kPvalid;
    case 0x00B7:
    case 0x0375:
    case 0x05F3:
    case 0x05F4:
    case 0x30FB:
      return Idna::kContextO;
    case 0x0640:
    case 0x07FA:
    case 0x302E:
    case 0x302F:
    case 0x3031:
    case 0x3032:
    case 0x3033:
    case 0x3034:
    case 0x3035:
    case 0x303B:
      return Idna::kDisallowed;
    default:
      break;
  }
  if ((c >= 0x660 && c <= 0x669) || (c >= 0x6F0 && c <= 0x6F9)) return Idna::kContextO;
  if (c == 0x200C || c == 0x200D) return Idna::kContextJ;
  if ((c >= 0x1100 && c <= 0x11FF) || (c >= 0xA960 && c <= 0xA97F) ||
      (c >= 0xD7B0 && c <= 0xD7FF) || (c >= 0xFF00 && c <= 0xFFEF) ||
      (c >= 0x20D0 && c <= 0x20FF) || (c >= 0x1D100 && c <= 0x1D24F)) {
    return Idna::kDisallowed;
  }
  return LetterDigits().Contains(c) ? Idna::kPvalid : Idna::kDisallowed;
}

// RFC 5892 appendix A rules for the CONTEXTJ/CONTEXTO code point at `i`.
bool ContextRuleHolds(const std::u32string& label, std::size_t i) {
  char32_t c = label[i];
  char32_t before = i > 0 ? label[i - 1] : 0;
  char32_t after = i + 1 < label.size() ? label[i + 1] : 0;
  switch (c) {
    case 0x00B7:
      return before == 'l' && after == 'l';
    case 0x0375:
      return after != 0 && Greek().Contains(after);
    case 0x05F3:
    case 0x05F4:
      return before != 0 && Hebrew().Contains(before);
    case 0x30FB:
      return std::any_of(label.begin(), label.end(), [](char32_t x) {
        return x != 0x30FB && HiraganaKatakanaHan().Contains(x);
      });
    case 0x200D:
      return before != 0 && IsVirama(before);
    case 0x200C: {
      if (before != 0 && IsVirama(before)) return true;
      // (Joining_Type:{L,D})(Joining_Type:T)* ZWNJ (Joining_Type:T)*(Joining_Type:{R,D})
      std::size_t j = i;
      while (j > 0 && JoiningType(label[j - 1]) == Joining::kTransparent) --j;
      if (j == 0 || JoiningType(label[j - 1]) != Joining::kDual) return false;
      std::size_t k = i + 1;
      while (k < label.size() && JoiningType(label[k]) == Joining::kTransparent) ++k;
      if (k >= label.size()) return false;
      Joining right = JoiningType(label[k]);
      return right == Joining::kDual || right == Joining::kRight;
    }
    default:
      break;
  }
  if (c >= 0x660 && c <= 0x669) {
    return std::none_of(label.begin(), label.end(),
                        [](char32_t x) { return x >= 0x6F0 && x <= 0x6F9; });
  }
  if (c >= 0x6F0 && c <= 0x6F9) {
    return std::none_of(label.begin(), label.end(),
                        [](char32_t x) { return x >= 0x660 && x <= 0x669; });
  }
  return false;
}

// RFC 5891 section 5.4 / RFC 5892 checks on a U-label (code points).
bool ValidULabel(const std::u32string& label) {
  if (label.empty()) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  if (label.size() >= 4 && label[2] == '-' && label[3] == '-') return false;
  if (Marks().Contains(label.front())) return false;
  for (std::size_t i = 0; i < label.size(); ++i) {
    switch (IdnaStatus(label[i])) {
      case Idna::kPvalid:
        break;
      case Idna::kContextJ:
      case Idna::kContextO:
        if (!ContextRuleHolds(label, i)) return false;
        break;
      case Idna::kDisallowed:
        return false;
    }
  }
  return true;
}

bool HasRtl(const std::u32string& label) {
  return std::any_of(label.begin(), label.end(), [](char32_t c) {
    Bidi b = BidiClass(c);
    return b == Bidi::kR || b == Bidi::kAL || b == Bidi::kAN;
  });
}

// RFC 5893 section 2, applied to every label of a Bidi domain name.
bool BidiRuleHolds(const std::u32string& label) {
  if (label.empty()) return false;
  Bidi first = BidiClass(label.front());
  if (first != Bidi::kL && first != Bidi::kR && first != Bidi::kAL) return false;  // rule 1
  // The last character that is not NSM.
  std::size_t end = label.size();
  while (end > 0 && BidiClass(label[end - 1]) == Bidi::kNSM) --end;
  if (end == 0) return false;
  Bidi last = BidiClass(label[end - 1]);
  if (first == Bidi::kL) {
    for (char32_t c : label) {  // rule 5
      switch (BidiClass(c)) {
        case Bidi::kL:
        case Bidi::kEN:
        case Bidi::kES:
        case Bidi::kCS:
        case Bidi::kET:
        case Bidi::kON:
        case Bidi::kBN:
        case Bidi::kNSM:
          break;
        default:
          return false;
      }
    }
    return last == Bidi::kL || last == Bidi::kEN;  // rule 6
  }
  bool en = false, an = false;
  for (char32_t c : label) {  // rule 2
    switch (BidiClass(c)) {
      case Bidi::kEN:
        en = true;
        break;
      case Bidi::kAN:
        an = true;
        break;
      case Bidi::kR:
      case Bidi::kAL:
      case Bidi::kES:
      case Bidi::kCS:
      case Bidi::kET:
      case Bidi::kON:
      case Bidi::kBN:
      case Bidi::kNSM:
        break;
      default:
        return false;
    }
  }
  if (en && an) return false;                                                              // rule 4
  return last == Bidi::kR || last == Bidi::kAL || last == Bidi::kEN || last == Bidi::kAN;  // 3
}

bool IsLdhLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return IsAlpha(c) || IsDigit(c) || c == '-'; });
}

bool HasAcePrefix(std::string_view label) {
  return label.size() >= 4 && Lower(label[0]) == 'x' && Lower(label[1]) == 'n' && label[2] == '-' &&
         label[3] == '-';
}

// A label for an IDN-aware checker: its U-label form (for the Bidi rule) and
// whether it is valid; `ace_length` is the length of its A-label/LDH form.
struct CheckedLabel {
  bool ok = false;
  std::u32string ulabel;
  std::size_t ace_length = 0;
};

// An all-ASCII label: LDH, and when it has the "xn--" prefix a valid A-label
// (decodes, is a valid U-label with some non-ASCII, and re-encodes to itself).
CheckedLabel CheckAsciiLabel(std::string_view label) {
  CheckedLabel out;
  out.ace_length = label.size();
  if (!IsLdhLabel(label)) return out;
  out.ulabel.assign(label.begin(), label.end());
  if (!HasAcePrefix(label)) {
    out.ok = true;
    return out;
  }
  auto decoded = punycode::Decode(label.substr(4));
  if (!decoded) return out;
  if (std::all_of(decoded->begin(), decoded->end(), [](char32_t c) { return c < 0x80; })) {
    return out;
  }
  auto reencoded = punycode::Encode(*decoded);
  if (!reencoded || reencoded->size() != label.size() - 4) return out;
  for (std::size_t i = 0; i < reencoded->size(); ++i) {
    if (Lower((*reencoded)[i]) != Lower(label[4 + i])) return out;
  }
  if (!ValidULabel(*decoded)) return out;
  out.ulabel = std::move(*decoded);
  out.ok = true;
  return out;
}

// hostname: RFC 1123 LDH labels; A-labels must be valid IDNA2008 A-labels.
bool CheckHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::vector<std::u32string> labels;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == s.npos ? s.npos : dot - start);
    CheckedLabel checked = CheckAsciiLabel(label);
    if (!checked.ok) return false;
    labels.push_back(std::move(checked.ulabel));
    if (dot == s.npos) break;
    start = dot + 1;
  }
  if (std::any_of(labels.begin(), labels.end(), HasRtl)) {
    return std::all_of(labels.begin(), labels.end(), BidiRuleHolds);
  }
  return true;
}

bool IsIdnDot(char32_t c) { return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61; }

bool CheckIdnHostname(std::string_view s) {
  auto cps = DecodeUtf8(s);
  // Every code point costs at least one octet of the A-label form, which is
  // at most 253 octets: longer input fails before the quadratic Punycode step.
  if (!cps || cps->empty() || cps->size() > 253) return false;
  std::vector<std::u32string> labels(1);
  for (char32_t c : *cps) {
    if (IsIdnDot(c)) {
      labels.emplace_back();
    } else {
      labels.back().push_back(c);
    }
  }
  std::size_t total = labels.size() - 1;  // the dots
  std::vector<std::u32string> ulabels;
  for (const std::u32string& label : labels) {
    bool ascii = std::all_of(label.begin(), label.end(), [](char32_t c) { return c < 0x80; });
    if (ascii) {
      std::string text(label.begin(), label.end());
      CheckedLabel checked = CheckAsciiLabel(text);
      if (!checked.ok) return false;
      total += checked.ace_length;
      ulabels.push_back(std::move(checked.ulabel));
      continue;
    }
    if (label.size() > 63 || !ValidULabel(label)) return false;
    std::u32string lowered = label;
    for (char32_t& c : lowered) {
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    }
    auto encoded = punycode::Encode(lowered);
    if (!encoded || encoded->size() + 4 > 63) return false;
    total += encoded->size() + 4;
    ulabels.push_back(label);
  }
  if (total > 253) return false;
  if (std::any_of(ulabels.begin(), ulabels.end(), HasRtl)) {
    return std::all_of(ulabels.begin(), ulabels.end(), BidiRuleHolds);
  }
  return true;
}

// --- email (RFC 5321 section 4.1.2, RFC 6531 section 3.3) ----------------------

bool IsAtext(char32_t c, bool utf8) {
  if (c >= 0x80) return utf8;
  char ch = static_cast<char>(c);
  return IsAlpha(ch) || IsDigit(ch) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(ch) != std::string_view::npos;
}

// Returns the index just past the local part (at '@'), or npos.
std::size_t ParseLocalPart(const std::u32string& s, bool utf8) {
  std::size_t i = 0;
  if (!s.empty() && s[0] == '"') {
    ++i;
    while (i < s.size() && s[i] != '"') {
      char32_t c = s[i];
      if (c == '\\') {
        if (i + 1 >= s.size()) return std::u32string::npos;
        char32_t q = s[i + 1];
        if (!((q >= 32 && q <= 126) || (utf8 && q >= 0x80))) return std::u32string::npos;
        i += 2;
        continue;
      }
      bool qtext = (c >= 32 && c <= 126 && c != '"' && c != '\\') || (utf8 && c >= 0x80);
      if (!qtext) return std::u32string::npos;
      ++i;
    }
    if (i >= s.size()) return std::u32string::npos;
    ++i;  // closing quote
  } else {
    // Dot-string = Atom *("." Atom)
    bool need_atom = true;
    while (i < s.size() && s[i] != '@') {
      if (s[i] == '.') {
        if (need_atom) return std::u32string::npos;
        need_atom = true;
      } else if (IsAtext(s[i], utf8)) {
        need_atom = false;
      } else {
        return std::u32string::npos;
      }
      ++i;
    }
    if (need_atom) return std::u32string::npos;
  }
  if (i >= s.size() || s[i] != '@') return std::u32string::npos;
  return i;
}

bool CheckAddressLiteral(std::string_view lit) {
  if (lit.starts_with("IPv6:")) return CheckIpv6(lit.substr(5));
  if (CheckIpv4(lit)) return true;
  // General-address-literal = Standardized-tag ":" 1*dcontent
  std::size_t colon = lit.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == lit.size()) return false;
  std::string_view tag = lit.substr(0, colon);
  if (!IsLdhLabel(tag) || !IsAlpha(tag[0]) || AllDigits(tag)) return false;
  return std::all_of(lit.begin() + static_cast<std::ptrdiff_t>(colon) + 1, lit.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u >= 33 && u <= 90) || (u >= 94 && u <= 126);
  });
}

bool CheckEmailImpl(std::string_view s, bool utf8) {
  auto cps = DecodeUtf8(s);
  if (!cps) return false;
  std::size_t at = ParseLocalPart(*cps, utf8);
  if (at == std::u32string::npos) return false;
  std::string local;
  for (std::size_t i = 0; i < at; ++i) local += EncodeUtf8((*cps)[i]);
  if (local.size() > 64) return false;
  std::string_view domain = s.substr(local.size() + 1);
  if (domain.empty()) return false;
  if (domain.front() == '[') {
    if (domain.back() != ']') return false;
    return CheckAddressLiteral(domain.substr(1, domain.size() - 2));
  }
  return utf8 ? CheckIdnHostname(domain) : CheckHostname(domain);
}

bool CheckEmail(std::string_view s) { return CheckEmailImpl(s, false); }
bool CheckIdnEmail(std::string_view s) { return CheckEmailImpl(s, true); }

// --- URI / IRI (RFC 3986, RFC 3987) -----------------------------------------------

bool IsUnreserved(char32_t c) {
  if (c >= 0x80) return false;
  char ch = static_cast<char>(c);
  return IsAlpha(ch) || IsDigit(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}
bool IsSubDelim(char32_t c) {
  return c < 0x80 &&
         std::string_view("!$&'()*+,;=").find(static_cast<char>(c)) != std::string_view::npos;
}
bool IsUcschar(char32_t c) {
  if (c >= 0xA0 && c <= 0xD7FF) return true;
  if ((c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFEF)) return true;
  // %x10000-1FFFD / ... / %xD0000-DFFFD: planes 1-13 without their last two.
  if (c >= 0x10000 && c <= 0xDFFFD) return (c & 0xFFFF) <= 0xFFFD;
  return c >= 0xE1000 && c <= 0xEFFFD;
}
bool IsIprivate(char32_t c) {
  return (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xF0000 && c <= 0xFFFFD) ||
         (c >= 0x100000 && c <= 0x10FFFD);
}

class UriParser {
 public:
  UriParser(const std::u32string& s, bool iri) : s_(s), iri_(iri) {}

  // URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
  // relative-ref = relative-part [ "?" query ] [ "#" fragment ]
  bool Parse(bool require_scheme) {
    bool has_scheme = ParseScheme();
    if (require_scheme && !has_scheme) return false;
    if (!has_scheme) pos_ = 0;
    if (Looking('/') && Peek(1) == '/') {
      pos_ += 2;
      if (!ParseAuthority()) return false;
      if (!ParsePath(/*first_segment_colon=*/true)) return false;
    } else {
      // path-absolute / path-rootless (URI) or path-noscheme (relative).
      if (!ParsePath(/*first_segment_colon=*/has_scheme)) return false;
    }
    if (Looking('?')) {
      ++pos_;
      if (!ParseQueryOrFragment(/*query=*/true)) return false;
    }
    if (Looking('#')) {
      ++pos_;
      if (!ParseQueryOrFragment(/*query=*/false)) return false;
    }
    return pos_ == s_.size();
  }

 private:
  bool Looking(char32_t c) const { return pos_ < s_.size() && s_[pos_] == c; }
  char32_t Peek(std::size_t ahead) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : 0; }

  bool ParseScheme() {
    std::size_t i = 0;
    if (s_.empty() || s_[0] >= 0x80 || !IsAlpha(static_cast<char>(s_[0]))) return false;
    while (i < s_.size() && s_[i] < 0x80 &&
           (IsAlpha(static_cast<char>(s_[i])) || IsDigit(static_cast<char>(s_[i])) ||
            s_[i] == '+' || s_[i] == '-' || s_[i] == '.')) {
      ++i;
    }
    if (i >= s_.size() || s_[i] != ':') return false;
    pos_ = i + 1;
    return true;
  }

  bool IsUnreservedHere(char32_t c) const { return IsUnreserved(c) || (iri_ && IsUcschar(c)); }

  // pct-encoded at pos_: advances past it.
  bool PctEncoded() {
    if (pos_ + 2 >= s_.size()) return false;
    char32_t a = s_[pos_ + 1], b = s_[pos_ + 2];
    if (a >= 0x80 || b >= 0x80 || !IsHexDigit(static_cast<char>(a)) ||
        !IsHexDigit(static_cast<char>(b))) {
      return false;
    }
    pos_ += 3;
    return true;
  }

  // Consumes pchar-like characters: unreserved / pct-encoded / sub-delims /
  // `extra`. Stops at anything else.
  bool ConsumeRun(std::u32string_view extra, bool allow_private = false) {
    while (pos_ < s_.size()) {
      char32_t c = s_[pos_];
      if (c == '%') {
        if (!PctEncoded()) return false;
      } else if (IsUnreservedHere(c) || IsSubDelim(c) ||
                 extra.find(c) != std::u32string_view::npos ||
                 (allow_private && iri_ && IsIprivate(c))) {
        ++pos_;
      } else {
        break;
      }
    }
    return true;
  }

  // authority = [ userinfo "@" ] host [ ":" port ]
  bool ParseAuthority() {
    std::size_t end = pos_;
    while (end < s_.size() && s_[end] != '/' && s_[end] != '?' && s_[end] != '#') ++end;
    std::u32string_view auth(s_.data() + pos_, end - pos_);
    std::size_t at = auth.find('@');
    std::size_t host_start = pos_;
    if (at != std::u32string_view::npos) {
      std::size_t saved_end = pos_ + at;
      if (!ConsumeRun(U":")) return false;
      if (pos_ != saved_end) return false;
      host_start = pos_ + 1;
    }
    pos_ = host_start;
    if (Looking('[')) {
      std::size_t close = pos_;
      while (close < end && s_[close] != ']') ++close;
      if (close >= end) return false;
      std::string literal;
      for (std::size_t i = pos_ + 1; i < close; ++i) {
        if (s_[i] >= 0x80) return false;
        literal += static_cast<char>(s_[i]);
      }
      if (!CheckIpLiteral(literal)) return false;
      pos_ = close + 1;
    } else {
      if (!ConsumeRun(U"")) return false;  // reg-name (IPv4address is a reg-name too)
    }
    if (Looking(':')) {
      ++pos_;
      while (pos_ < end && s_[pos_] < 0x80 && IsDigit(static_cast<char>(s_[pos_]))) ++pos_;
    }
    return pos_ == end;
  }

  static bool CheckIpLiteral(std::string_view lit) {
    if (!lit.empty() && (lit[0] == 'v' || lit[0] == 'V')) {
      // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
      std::size_t i = 1;
      while (i < lit.size() && IsHexDigit(lit[i])) ++i;
      if (i == 1 || i >= lit.size() || lit[i] != '.' || i + 1 == lit.size()) return false;
      for (std::size_t k = i + 1; k < lit.size(); ++k) {
        char32_t c = static_cast<unsigned char>(lit[k]);
        if (!IsUnreserved(c) && !IsSubDelim(c) && c != ':') return false;
      }
      return true;
    }
    return CheckIpv6(lit);
  }

  // Path segments: pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
  // A relative reference's first segment may not contain ':'.
  bool ParsePath(bool first_segment_colon) {
    bool first = true;
    while (true) {
      std::size_t seg_start = pos_;
      if (!ConsumeRun(first && !first_segment_colon ? U"@" : U":@")) return false;
      if (first && !first_segment_colon && Looking(':')) return false;
      (void)seg_start;
      first = false;
      if (!Looking('/')) break;
      ++pos_;
    }
    return pos_ == s_.size() || Looking('?') || Looking('#');
  }

  bool ParseQueryOrFragment(bool query) {
    if (!ConsumeRun(U":@/?", /*allow_private=*/query)) return false;
    return pos_ == s_.size() || (query && Looking('#'));
  }

  const std::u32string& s_;
  bool iri_;
  std::size_t pos_ = 0;
};

bool CheckUriLike(std::string_view s, bool iri, bool reference) {
  auto cps = DecodeUtf8(s);
  if (!cps) return false;
  if (!iri && std::any_of(cps->begin(), cps->end(), [](char32_t c) { return c >= 0x80; })) {
    return false;
  }
  UriParser parser(*cps, iri);
  return parser.Parse(/*require_scheme=*/!reference);
}

bool CheckUri(std::string_view s) { return CheckUriLike(s, false, false); }
bool CheckUriReference(std::string_view s) { return CheckUriLike(s, false, true); }
bool CheckIri(std::string_view s) { return CheckUriLike(s, true, false); }
bool CheckIriReference(std::string_view s) { return CheckUriLike(s, true, true); }

// --- URI template (RFC 6570 section 2) -----------------------------------------

bool CheckUriTemplate(std::string_view s) {
  auto cps = DecodeUtf8(s);
  if (!cps) return false;
  const std::u32string& t = *cps;
  auto pct = [&](std::size_t i) {
    return i + 2 < t.size() && t[i] == '%' && t[i + 1] < 0x80 && t[i + 2] < 0x80 &&
           IsHexDigit(static_cast<char>(t[i + 1])) && IsHexDigit(static_cast<char>(t[i + 2]));
  };
  std::size_t i = 0;
  while (i < t.size()) {
    char32_t c = t[i];
    if (c == '{') {
      ++i;
      if (i < t.size() && std::u32string_view(U"+#./;?&").find(t[i]) != std::u32string_view::npos) {
        ++i;
      }
      // variable-list = varspec *( "," varspec )
      while (true) {
        // varname = varchar *( ["."] varchar ); varchar = ALPHA / DIGIT / "_" / pct-encoded
        bool need_char = true;
        std::size_t name_start = i;
        while (i < t.size()) {
          char32_t v = t[i];
          if (v == '%') {
            if (!pct(i)) return false;
            i += 3;
            need_char = false;
          } else if (v < 0x80 &&
                     (IsAlpha(static_cast<char>(v)) || IsDigit(static_cast<char>(v)) || v == '_')) {
            ++i;
            need_char = false;
          } else if (v == '.' && !need_char) {
            ++i;
            need_char = true;
          } else {
            break;
          }
        }
        if (i == name_start || need_char) return false;
        if (i < t.size() && t[i] == ':') {
          // prefix = ":" max-length; max-length = %x31-39 0*3DIGIT
          ++i;
          std::size_t start = i;
          while (i < t.size() && t[i] < 0x80 && IsDigit(static_cast<char>(t[i]))) ++i;
          if (i == start || i - start > 4 || t[start] == '0') return false;
        } else if (i < t.size() && t[i] == '*') {
          ++i;
        }
        if (i < t.size() && t[i] == ',') {
          ++i;
          continue;
        }
        break;
      }
      if (i >= t.size() || t[i] != '}') return false;
      ++i;
      continue;
    }
    if (c == '%') {
      if (!pct(i)) return false;
      i += 3;
      continue;
    }
    // literals: any character except CTL, SP, DQUOTE, "%", "<", ">", "\", "^",
    // "`", "{", "|", "}" (the apostrophe is allowed, per RFC 6570 erratum 6937).
    if (c >= 0x80) {
      if (!IsUcschar(c) && !IsIprivate(c)) return false;
    } else if (c <= 0x20 || c == 0x7F ||
               std::u32string_view(U"\"<>\\^`{|}").find(c) != std::u32string_view::npos) {
      return false;
    }
    ++i;
  }
  return true;
}

// --- others ------------------------------------------------------------------------

// 8-4-4-4-12 hex digits, any case.
bool CheckUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHexDigit(s[i])) return false;
  }
  return true;
}

// RFC 6901: "" or "/"-prefixed tokens; '~' only as "~0" or "~1".
bool CheckJsonPointer(std::string_view s) {
  if (s.empty()) return true;
  if (s[0] != '/') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~') {
      if (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1')) return false;
      ++i;
    }
  }
  return true;
}

// non-negative-integer ( "#" / json-pointer )
bool CheckRelativeJsonPointer(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == 0 || (i > 1 && s[0] == '0')) return false;
  std::string_view rest = s.substr(i);
  if (rest == "#") return true;
  return CheckJsonPointer(rest);
}

// ECMA-262 syntax: constructs RE2 cannot run are still valid regexes.
bool CheckRegex(std::string_view s) {
  auto re = EcmaRegex::Compile(s);
  return re.has_value() || re.error().code == ErrorCode::kUnsupportedRegex;
}

struct Entry {
  std::string_view name;
  Checker checker;
};

constexpr Entry kCheckers[] = {
    {"date-time", CheckDateTime},
    {"date", CheckDate},
    {"time", CheckTime},
    {"duration", CheckDuration},
    {"email", CheckEmail},
    {"idn-email", CheckIdnEmail},
    {"hostname", CheckHostname},
    {"idn-hostname", CheckIdnHostname},
    {"ipv4", CheckIpv4},
    {"ipv6", CheckIpv6},
    {"uri", CheckUri},
    {"uri-reference", CheckUriReference},
    {"iri", CheckIri},
    {"iri-reference", CheckIriReference},
    {"uri-template", CheckUriTemplate},
    {"uuid", CheckUuid},
    {"regex", CheckRegex},
    {"json-pointer", CheckJsonPointer},
    {"relative-json-pointer", CheckRelativeJsonPointer},
};

}  // namespace

Checker Find(std::string_view name) {
  for (const Entry& e : kCheckers) {
    if (e.name == name) return e.checker;
  }
  return nullptr;
}

bool Check(std::string_view name, std::string_view value) {
  Checker checker = Find(name);
  return checker == nullptr || checker(value);
}

}  // namespace accord::format

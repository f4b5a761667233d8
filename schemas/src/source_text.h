// Internal: helpers shared by the loaders for looking at raw source text.
#pragma once

#include <algorithm>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <locale.h>

#include "accord/schemas/error.h"

namespace accord {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  // 1-based line and column (columns count bytes). Offsets past the end clamp
  // to the end of the text.
  Position PositionAt(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());
    std::size_t col = offset - starts_[line - 1] + 1;
    return Position{static_cast<int>(line), static_cast<int>(col)};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

// `text` in double quotes for an error message, cut to a readable length.
inline std::string Quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "...\"";
}

// Length of the UTF-8 byte order mark at the start of `text` (3 or 0).
// True when `s` holds the UTF-8 form of a UTF-16 surrogate (ED A0..BF xx):
// what RapidJSON 1.1 and simdjson make of a lone surrogate escape. Raw input
// bytes never contain it (both validate UTF-8); JSON loaders reject it.
inline bool HasEncodedSurrogate(std::string_view s) {
  const char* p = s.data();
  const char* end = s.data() + s.size();
  while (p < end) {
    p = static_cast<const char*>(std::memchr(p, 0xED, static_cast<std::size_t>(end - p)));
    if (p == nullptr || p + 1 >= end) return false;
    if (static_cast<unsigned char>(p[1]) >= 0xA0) return true;
    ++p;
  }
  return false;
}

inline std::size_t Utf8BomLength(std::string_view text) {
  return text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

// Offset of the first byte that does not begin a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, no surrogates U+D800..U+DFFF, nothing above
// U+10FFFF), or std::string_view::npos when all of `text` is well formed.
inline std::size_t FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;  // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

// The double nearest to a decimal number in JSON/YAML syntax ([-+]digits
// [.digits][e[-+]digits], leading '+' allowed), correctly rounded and
// independent of the C locale. Magnitudes below the smallest subnormal round
// to (signed) zero; std::nullopt when the magnitude overflows a double.
inline std::optional<double> ParseDecimalDouble(std::string_view text) {
  std::string_view t = text;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  double d = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec == std::errc() && end == t.data() + t.size()) return d;
  if (ec != std::errc::result_out_of_range) return std::nullopt;
  // from_chars does not say whether it overflowed or underflowed; strtod_l
  // in the "C" locale does (this path is rare).
  static locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  std::string copy(t);
  d = c_locale != static_cast<locale_t>(nullptr) ? strtod_l(copy.c_str(), nullptr, c_locale)
                                                 : std::strtod(copy.c_str(), nullptr);
  if (std::isinf(d) || std::isnan(d)) return std::nullopt;
  return d;
}

}  // namespace accord

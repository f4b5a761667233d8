#include "json_tape.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <unordered_set>

#include "accord/schemas/budget.h"

namespace accord::detail {
namespace {

// Bytes that end the plain run of a string: the closing quote, a backslash,
// a control character (invalid raw) and any byte >= 0x80 (UTF-8, checked).
inline bool Special(unsigned char c) { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80; }

// The first special byte at or after `q`, or `end`.
[[gnu::always_inline]] inline const char* FindSpecial(const char* q, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - q >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    // A signed compare: bytes >= 0x80 are negative, so below 0x20 too.
    const __m128i hits =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                     _mm_cmplt_epi8(x, space));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) return q + std::countr_zero(mask);
    q += 16;
  }
#endif
  while (q < end && !Special(static_cast<unsigned char>(*q))) ++q;
  return q;
}

// The length of the well-formed UTF-8 sequence at `p` (its first byte is
// >= 0x80), or 0: overlong forms, surrogates and code points above U+10FFFF
// are not well formed (RFC 3629).
inline std::size_t Utf8Length(const char* p, const char* end) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
  const auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return at(i) >= lo && at(i) <= hi;
  };
  const std::size_t room = static_cast<std::size_t>(end - p);
  const unsigned char c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return room >= 2 && cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (room < 3) return 0;
    const bool second = c == 0xE0 ? cont(1, 0xA0) : c == 0xED ? cont(1, 0x80, 0x9F) : cont(1);
    return second && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (room < 4) return 0;
    const bool second = c == 0xF0 ? cont(1, 0x90) : c == 0xF4 ? cont(1, 0x80, 0x8F) : cont(1);
    return second && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits after "\u" at `p`, or -1.
long ReadHex4(const char* p, const char* end) {
  if (end - p < 4) return -1;
  long v = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = HexDigit(p[i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

char* AppendUtf8(char* out, std::uint32_t cp) {
  if (cp < 0x80) {
    *out++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out++ = static_cast<char>(0xC0 | (cp >> 6));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (cp >> 12));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out++ = static_cast<char>(0xF0 | (cp >> 18));
    *out++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

const char* JsonTape::SkipMoreSpace(const char* p, const char* end) {
  constexpr std::uint64_t kSpace = (1ULL << ' ') | (1ULL << '\t') | (1ULL << '\n') | (1ULL << '\r');
  while (p < end && static_cast<unsigned char>(*p) <= ' ' &&
         ((kSpace >> static_cast<unsigned char>(*p)) & 1) != 0)
    ++p;
  return p;
}

// What ScanString does not settle inline: strings near the end of the text,
// longer than 16 bytes, or holding non-ASCII bytes, escapes or (invalid)
// control characters. `start` is just past the opening quote.
const char* JsonTape::ScanSpecialString(const char* start, const char* end) {
  const char* q = start;
  for (;;) {
    q = FindSpecial(q, end);
    if (q == end) return nullptr;
    const unsigned char c = static_cast<unsigned char>(*q);
    if (c == '"') break;
    if (c == '\\') return ScanEscaped(start, q, end);
    if (c < 0x20) return nullptr;  // a raw control character
    const std::size_t len = Utf8Length(q, end);
    if (len == 0) return nullptr;
    q += len;
  }
  *out_++ = Word('"', (static_cast<std::uint64_t>(q - start) << 32) |
                          static_cast<std::uint64_t>(start - text_));
  return q + 1;
}

const char* JsonTape::ScanScalar(const char* p, const char* end) {
  switch (*p) {
    case 't':
      if (end - p < 4 || std::memcmp(p, "true", 4) != 0) return nullptr;
      *out_++ = Word('t');
      return p + 4;
    case 'f':
      if (end - p < 5 || std::memcmp(p, "false", 5) != 0) return nullptr;
      *out_++ = Word('f');
      return p + 5;
    case 'n':
      if (end - p < 4 || std::memcmp(p, "null", 4) != 0) return nullptr;
      *out_++ = Word('n');
      return p + 4;
    default:
      return ScanNumber(p, end);
  }
}

// A string with escapes: `start` is its first byte, `backslash` its first
// backslash. Its unescaped bytes go to the unescaped buffer (never longer
// than the text: every escape is at least as long as what it stands for).
const char* JsonTape::ScanEscaped(const char* start, const char* backslash, const char* end) {
  const std::size_t text_size = static_cast<std::size_t>(end - text_);
  if (unescaped_capacity_ < text_size) {
    auto bigger = std::make_unique_for_overwrite<char[]>(text_size);
    if (unescaped_size_ > 0) std::memcpy(bigger.get(), unescaped_.get(), unescaped_size_);
    unescaped_ = std::move(bigger);
    unescaped_capacity_ = text_size;
  }
  char* const first = unescaped_.get() + unescaped_size_;
  char* out = first;
  std::memcpy(out, start, static_cast<std::size_t>(backslash - start));
  out += backslash - start;
  const char* q = backslash;
  for (;;) {
    if (q == end) return nullptr;
    const unsigned char c = static_cast<unsigned char>(*q);
    if (c == '"') break;
    if (c < 0x20) return nullptr;
    if (c >= 0x80) {
      const std::size_t len = Utf8Length(q, end);
      if (len == 0) return nullptr;
      std::memcpy(out, q, len);
      out += len;
      q += len;
      continue;
    }
    if (c != '\\') {
      *out++ = static_cast<char>(c);
      ++q;
      continue;
    }
    if (end - q < 2) return nullptr;
    const char e = q[1];
    q += 2;
    switch (e) {
      case '"':
        *out++ = '"';
        continue;
      case '\\':
        *out++ = '\\';
        continue;
      case '/':
        *out++ = '/';
        continue;
      case 'b':
        *out++ = '\b';
        continue;
      case 'f':
        *out++ = '\f';
        continue;
      case 'n':
        *out++ = '\n';
        continue;
      case 'r':
        *out++ = '\r';
        continue;
      case 't':
        *out++ = '\t';
        continue;
      case 'u':
        break;
      default:
        return nullptr;
    }
    long cp = ReadHex4(q, end);
    if (cp < 0) return nullptr;
    q += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      return nullptr;  // a lone low surrogate: the loader's to report
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end - q < 2 || q[0] != '\\' || q[1] != 'u') return nullptr;
      const long low = ReadHex4(q + 2, end);
      if (low < 0xDC00 || low > 0xDFFF) return nullptr;
      q += 6;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    out = AppendUtf8(out, static_cast<std::uint32_t>(cp));
  }
  const std::size_t len = static_cast<std::size_t>(out - first);
  *out_++ = Word('"', (static_cast<std::uint64_t>(len) << 32) | (text_size_ + unescaped_size_));
  unescaped_size_ += len;
  return q + 1;
}

// A number at `p`, written as two words. Integers become 'l' words and
// anything with a fraction or an exponent 'd' words: the values the JSON
// loader makes of them (int64, double). Declined (left to the loader): "-0", integers of 19
// digits or more (they may not fit int64), doubles out of range.
const char* JsonTape::ScanNumber(const char* p, const char* end) {
  std::uint64_t* const words = out_;
  const char* const start = p;
  const char* q = p;
  const bool negative = q < end && *q == '-';
  if (negative) ++q;
  const char* const digits = q;
  if (q == end || !IsDigit(*q)) return nullptr;
  if (*q == '0') {
    ++q;
  } else {
    while (q < end && IsDigit(*q)) ++q;
  }
  const std::size_t integer_digits = static_cast<std::size_t>(q - digits);
  bool fraction = false;
  if (q < end && *q == '.') {
    ++q;
    if (q == end || !IsDigit(*q)) return nullptr;
    while (q < end && IsDigit(*q)) ++q;
    fraction = true;
  }
  if (q < end && (*q == 'e' || *q == 'E')) {
    ++q;
    if (q < end && (*q == '+' || *q == '-')) ++q;
    if (q == end || !IsDigit(*q)) return nullptr;
    while (q < end && IsDigit(*q)) ++q;
    fraction = true;
  }
  if (!fraction) {
    if (integer_digits > 18) return nullptr;
    std::int64_t value = 0;
    for (const char* d = digits; d < q; ++d) value = value * 10 + (*d - '0');
    if (negative && value == 0) return nullptr;
    words[0] = Word('l');
    words[1] = static_cast<std::uint64_t>(negative ? -value : value);
  } else {
    double value = 0;
    const auto [ptr, ec] = std::from_chars(start, q, value);
    if (ec != std::errc() || ptr != q || !std::isfinite(value)) return nullptr;
    words[0] = Word('d');
    words[1] = std::bit_cast<std::uint64_t>(value);
  }
  out_ += 2;
  return q;
}

json::Value JsonTape::ToValue(std::uint32_t i, std::uint32_t* distinct_objects) const {
  switch (TypeAt(i)) {
    case 't':
      return json::Value(true);
    case 'f':
      return json::Value(false);
    case 'l':
      return json::Value(json::Number(NextWordAs<std::int64_t>(i)));
    case 'd':
      return json::Value(json::Number(NextWordAs<double>(i)));
    case '"':
      return json::Value(std::string(StringAt(i)));
    case '[': {
      json::Array arr;
      const std::uint32_t close = Payload(words_[i]) - 1;
      for (std::uint32_t j = i + 1; j < close; j = After(j))
        arr.push_back(ToValue(j, distinct_objects));
      return json::Value(std::move(arr));
    }
    case '{': {
      json::Object obj;
      const std::uint32_t close = Payload(words_[i]) - 1;
      bool distinct = true;
      // Keys are compared with the earlier ones by a scan while few, then
      // through a hashed set (a scan per key made n keys cost n^2). The
      // views point into the tape's text, which outlives this call.
      std::unordered_set<std::string_view> keys;
      for (std::uint32_t j = i + 1; j < close; j = After(j + 1)) {
        const std::string_view key = StringAt(j);
        if (distinct && obj.size() < 16) {
          ChargeWork(obj.size());  // comparisons (budget.h)
          for (const json::Member& m : obj) distinct = distinct && m.key != key;
        } else if (distinct) {
          ChargeWork(1);
          if (keys.empty()) {
            for (std::uint32_t k = i + 1; k < j; k = After(k + 1)) keys.insert(StringAt(k));
          }
          distinct = keys.insert(key).second;
        }
        obj.push_back({std::string(key), ToValue(j + 1, distinct_objects)});
      }
      if (distinct) ++*distinct_objects;
      return json::Value(std::move(obj));
    }
    default:
      return json::Value(nullptr);
  }
}

}  // namespace accord::detail

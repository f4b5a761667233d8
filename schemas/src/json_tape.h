// Internal: a JSON text scanned into a flat tape, for readers that walk a
// document once and keep nothing of it but what they copy (the Avro parser,
// avro.cc).
//
// Why not simdjson's DOM tape, which this replaces there: on schema-sized
// documents (a few hundred bytes to a few kilobytes) a plain scan is about
// as fast as simdjson's (which copies the text into a padded buffer, then
// every string into a buffer of its own), and it can do what simdjson's
// DOM cannot: a string without escapes (nearly all of them) is a view of the
// text itself, and the caller's `tagger` gives each object key a small tag
// as it is scanned (the Avro parser's attribute names), so the reader
// switches on the tag instead of classifying every key again.
// docs/benchmarks.md ("Avro") has the measurements.
//
// The scanner is not the judge of what is valid JSON: the JSON loader
// (load.h) is, with its error messages. Scan accepts only text that is
// plainly valid and declines the rest (syntax errors, but also what it
// leaves to the loader: a byte order mark, a lone surrogate escape, "-0",
// integers of 19 digits or more, numbers out of double range, nesting near
// the limit), and callers then go through the loader. So on acceptance the
// tape holds exactly the values the loader would produce. Duplicate keys
// are not looked for (the tape's reader decides, as the Avro parser does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "accord/schemas/json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace accord::detail {

// The tape: one 64-bit word per value (two for a number), in document
// order, the type in the top byte (as in simdjson's tape format):
//   'r'        word 0 and the last word; word 0's low 32 bits: the word count
//   '{' '['    low 32 bits: the index just past the matching closing word
//   '}' ']'    low 32 bits: the index of the opening word
//   '"'        a string: low 32 bits its offset (below the text's size: in
//              the text; above: in the unescaped buffer), bits 32-51 its
//              length, bits 52-55 its tag (object keys only)
//   'l' 'd'    an int64 / a double: its bits are the next word
//   't' 'f' 'n'
// An object's words alternate key string, value.
class JsonTape {
 public:
  // Texts longer than this are declined (a string's length has 20 bits).
  static constexpr std::size_t kMaxBytes = (1u << 20) - 1;

  // Scans `text`, which must outlive the use of the tape (strings point into
  // it). `tagger(key)` returns the tag (0-15) of an object key. False when
  // the text is declined (see above): not plain valid JSON, containers
  // nested `max_depth` deep or deeper, or longer than kMaxBytes.
  template <typename Tagger>
  bool Scan(std::string_view text, std::size_t max_depth, const Tagger& tagger);

  const std::uint64_t* words() const { return words_.get(); }
  // Bytes of the buffers kept for the next scan.
  std::size_t capacity_bytes() const {
    return words_capacity_ * sizeof(std::uint64_t) + unescaped_capacity_;
  }
  // Objects in the document.
  std::uint32_t objects() const { return objects_; }

  static char TypeOf(std::uint64_t word) { return static_cast<char>(word >> 56); }
  static std::uint32_t Payload(std::uint64_t word) { return static_cast<std::uint32_t>(word); }
  static unsigned TagOf(std::uint64_t word) { return static_cast<unsigned>(word >> 52) & 15u; }
  char TypeAt(std::uint32_t i) const { return TypeOf(words_[i]); }
  // The index just past the value at `i`.
  std::uint32_t After(std::uint32_t i) const {
    switch (TypeAt(i)) {
      case '{':
      case '[':
        return Payload(words_[i]);
      case 'l':
      case 'd':
        return i + 2;
      default:
        return i + 1;
    }
  }
  // The string at `i` (a '"' word).
  std::string_view StringAt(std::uint32_t i) const { return StringOf(words_[i]); }
  template <typename T>
  T NextWordAs(std::uint32_t i) const {
    T out;
    std::memcpy(&out, &words_[i + 1], sizeof(out));
    return out;
  }

  // The value at `i` as a json::Value (keys in document order, duplicates
  // kept). Adds to `*distinct_objects` the objects whose keys are distinct.
  // Recursive: the depth is bounded by Scan's `max_depth`.
  json::Value ToValue(std::uint32_t i, std::uint32_t* distinct_objects) const;

 private:
  static constexpr std::uint64_t kLengthMask = (1ULL << 20) - 1;

  static constexpr std::uint64_t Word(char type, std::uint64_t payload = 0) {
    return (static_cast<std::uint64_t>(static_cast<unsigned char>(type)) << 56) | payload;
  }
  // The scanners below take the position of the value's first byte and
  // return the position just past it, or nullptr when the text is declined;
  // they write the value's words at out_ and advance it. (Positions are
  // passed and returned by value, not through a reference, so that they
  // stay in registers.)
  // The value at `p` (not `end`), inside `depth` containers.
  template <typename Tagger>
  const char* ScanValue(const char* p, const char* end, std::size_t depth, const Tagger& tagger);
  // An object (kObject) or an array; `p` is at its opening byte.
  template <bool kObject, typename Tagger>
  const char* ScanContainer(const char* p, const char* end, std::size_t depth,
                            const Tagger& tagger);
  // A value other than an object, an array or a string.
  const char* ScanScalar(const char* p, const char* end);
  const char* ScanString(const char* p, const char* end);
  const char* ScanSpecialString(const char* start, const char* end);
  const char* ScanEscaped(const char* start, const char* backslash, const char* end);
  const char* ScanNumber(const char* p, const char* end);
  std::string_view StringOf(std::uint64_t word) const {
    const std::uint32_t offset = static_cast<std::uint32_t>(word);
    const char* at =
        offset < text_size_ ? text_ + offset : unescaped_.get() + (offset - text_size_);
    return {at, static_cast<std::size_t>((word >> 32) & kLengthMask)};
  }
  static const char* SkipSpace(const char* p, const char* end);
  // Writes the closing word of the container opened at `open` (`type`),
  // whose closing byte is at `p`; returns the position past it.
  const char* Close(std::uint64_t* open, char type, const char* p);
  static const char* SkipMoreSpace(const char* p, const char* end);

  // Buffers kept across scans (a tape is meant to be reused, one per thread).
  std::unique_ptr<std::uint64_t[]> words_;
  std::size_t words_capacity_ = 0;
  std::unique_ptr<char[]> unescaped_;
  std::size_t unescaped_capacity_ = 0;
  std::size_t unescaped_size_ = 0;
  const char* text_ = nullptr;
  std::uint32_t text_size_ = 0;
  std::size_t max_depth_ = 0;
  std::uint64_t* out_ = nullptr;  // where the next word goes
  std::uint32_t objects_ = 0;
};

// JSON's whitespace: space, tab, line feed, carriage return. Skipped between
// every two tokens, so the usual cases are inline: none (compact text) and
// one space (", " and ": ", as most serialisers write).
[[gnu::always_inline]] inline const char* JsonTape::SkipSpace(const char* p, const char* end) {
  if (p == end || static_cast<unsigned char>(*p) > ' ') return p;
  if (*p == ' ' && end - p >= 2 && static_cast<unsigned char>(p[1]) > ' ') return p + 1;
  return SkipMoreSpace(p, end);
}

// `p` is at the opening quote. The common case inline: a string of
// printable ASCII without escapes, with 16 bytes of text from its start.
[[gnu::always_inline]] inline const char* JsonTape::ScanString(const char* p, const char* end) {
  const char* const start = p + 1;
#if defined(__SSE2__)
  if (end - start >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(start));
    // Bytes that end the plain run: the quote, a backslash, and (a signed
    // compare) control characters and every byte >= 0x80.
    const __m128i hits = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) {
      const unsigned length = static_cast<unsigned>(__builtin_ctz(mask));
      if (start[length] == '"') {
        *out_++ = Word('"', (static_cast<std::uint64_t>(length) << 32) |
                                static_cast<std::uint64_t>(start - text_));
        return start + length + 1;
      }
    }
  }
#endif
  return ScanSpecialString(start, end);
}

template <typename Tagger>
bool JsonTape::Scan(std::string_view text, std::size_t max_depth, const Tagger& tagger) {
  if (text.size() > kMaxBytes) return false;
  // Every word but the two root words stands for at least one byte of text,
  // and a number (two words) for at least one: 2 words a byte is enough.
  const std::size_t need = 2 * text.size() + 4;
  if (words_capacity_ < need) {
    words_ = std::make_unique_for_overwrite<std::uint64_t[]>(need);
    words_capacity_ = need;
  }
  text_ = text.data();
  text_size_ = static_cast<std::uint32_t>(text.size());
  unescaped_size_ = 0;
  objects_ = 0;
  max_depth_ = max_depth;
  out_ = words_.get() + 1;  // word 0 is the root word, filled in last
  const char* const end = text.data() + text.size();
  // Ask for the whole text up front: the scan then finds its cache lines
  // arriving instead of waiting for each in turn (a schema's text is often
  // cold: just read from a file, a request or a database).
  for (const char* line = text.data(); line < end; line += 64) __builtin_prefetch(line);
  const char* p = SkipSpace(text.data(), end);
  if (p == end) return false;
  p = ScanValue(p, end, 0, tagger);
  if (p == nullptr || SkipSpace(p, end) != end) return false;  // (or text after the document)
  const auto size = static_cast<std::uint32_t>(out_ - words_.get());
  words_[0] = Word('r', size + 1);
  *out_++ = Word('r');
  return true;
}

inline const char* JsonTape::Close(std::uint64_t* open, char type, const char* p) {
  const auto at = static_cast<std::uint32_t>(open - words_.get());
  *open = Word(type, static_cast<std::uint32_t>(out_ - words_.get()) + 1);
  *out_++ = Word(*p, at);
  return p + 1;
}

// Strings (most values) inline.
template <typename Tagger>
[[gnu::always_inline]] inline const char* JsonTape::ScanValue(const char* p, const char* end,
                                                              std::size_t depth,
                                                              const Tagger& tagger) {
  return *p == '"'   ? ScanString(p, end)
         : *p == '{' ? ScanContainer<true>(p, end, depth + 1, tagger)
         : *p == '[' ? ScanContainer<false>(p, end, depth + 1, tagger)
                     : ScanScalar(p, end);
}

// One function for both kinds of container, so that each keeps the plain
// loop below (a shared "next member" helper with a flag for the closing
// byte compiled to a slower loop: ~2% of a parse).
template <bool kObject, typename Tagger>
const char* JsonTape::ScanContainer(const char* p, const char* end, std::size_t depth,
                                    const Tagger& tagger) {
  constexpr char kClose = kObject ? '}' : ']';
  if (depth >= max_depth_) return nullptr;
  std::uint64_t* const open = out_++;
  if constexpr (kObject) ++objects_;
  p = SkipSpace(p + 1, end);
  if (p == end) return nullptr;
  if (*p != kClose) {
    for (;;) {
      if constexpr (kObject) {
        // The key, tagged.
        if (*p != '"') return nullptr;
        std::uint64_t* const key = out_;
        p = ScanString(p, end);
        if (p == nullptr) return nullptr;
        *key |= static_cast<std::uint64_t>(tagger(StringOf(*key)) & 15u) << 52;
        p = SkipSpace(p, end);
        if (p == end || *p != ':') return nullptr;
        p = SkipSpace(p + 1, end);
        if (p == end) return nullptr;
      }
      p = ScanValue(p, end, depth, tagger);
      if (p == nullptr) return nullptr;
      p = SkipSpace(p, end);
      if (p == end) return nullptr;
      if (*p == kClose) break;
      if (*p != ',') return nullptr;
      p = SkipSpace(p + 1, end);
      if (p == end) return nullptr;
    }
  }
  return Close(open, kObject ? '{' : '[', p);
}

}  // namespace accord::detail

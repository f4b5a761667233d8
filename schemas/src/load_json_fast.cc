// Fast path for ParseJson (see load_json_fast.h): simdjson's DOM parser,
// then one conversion pass into json::Value with exactly-sized containers.
//
// Why: validating event streams spends most of its time turning text into
// values (docs/benchmarks.md). simdjson parses several times faster than
// RapidJSON's SAX reader, and knowing each container's size up front avoids
// the vector regrowth the SAX builder cannot avoid. Anything unusual falls
// back to the RapidJSON path, the single source of truth for what is valid
// and for every error message.
#include "load_json_fast.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "accord/schemas/parse_buffers.h"
#include "source_text.h"

namespace accord::detail {
namespace {

// Documents above this size take the RapidJSON path: keeps the per-thread
// parser's buffers small (they grow to the largest document parsed).
constexpr std::size_t kMaxFastBytes = 1u << 20;
constexpr std::size_t kLinearKeyScan = 16;

// Bytes the fast path leaves to the exact path: control characters other than
// JSON whitespace (a raw NUL, an unescaped control character in a string),
// and a leading byte order mark.
bool HasUnusualBytes(std::string_view text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) return true;
  auto unusual = [](unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; };
  // Eight bytes at a time: (x - 0x20..) & ~x & 0x80.. is non-zero exactly
  // when some byte of x is below 0x20; only such words are looked at closely.
  constexpr std::uint64_t kOnes = 0x2020202020202020ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    if (((x - kOnes) & ~x & kHigh) == 0) continue;
    for (std::size_t j = i; j < i + 8; ++j) {
      if (unusual(static_cast<unsigned char>(text[j]))) return true;
    }
  }
  for (; i < text.size(); ++i) {
    if (unusual(static_cast<unsigned char>(text[i]))) return true;
  }
  return false;
}

bool HasDuplicateKeys(const json::Object& members) {
  if (members.size() < 2) return false;
  if (members.size() <= kLinearKeyScan) {
    for (std::size_t i = 1; i < members.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (members[i].key == members[j].key) return true;
      }
    }
    return false;
  }
  std::vector<const std::string*> keys;
  keys.reserve(members.size());
  for (const json::Member& m : members) keys.push_back(&m.key);
  std::sort(keys.begin(), keys.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  for (std::size_t i = 1; i < keys.size(); ++i) {
    if (*keys[i] == *keys[i - 1]) return true;
  }
  return false;
}

class Converter {
 public:
  // `escapes`: whether the text has a \u escape at all; without one no
  // string can hold an encoded surrogate, and the per-string check is skipped.
  Converter(const LoadOptions& options, bool escapes) : options_(options), escapes_(escapes) {}

  // False when the document must go to the exact path. Converts into `out`,
  // reusing what it holds: a string keeps its capacity, an array or object
  // its elements (converted into in place), so a document shaped like the
  // previous one costs no allocation.
  bool Convert(simdjson::dom::element e, std::size_t depth, json::Value* out) {
    if (++nodes_ > options_.max_nodes) return false;
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT: {
        if (depth >= options_.max_depth) return false;
        simdjson::dom::object obj = e.get_object().value_unsafe();
        if (!out->IsObject()) *out = json::Value(json::Object{});
        json::Object& members = out->AsObject();
        const std::size_t old_size = members.size();
        members.reserve(Room(obj.size()));  // the tape's count: no regrowth below
        std::size_t n = 0;
        for (simdjson::dom::key_value_pair kv : obj) {
          if (n < old_size) {
            std::string& key = members[n].key;
            if (key.size() != kv.key.size() ||
                std::memcmp(key.data(), kv.key.data(), key.size()) != 0) {
              if (MaySurrogate(kv.key)) return false;
              key.assign(kv.key);
            }
          } else {
            if (MaySurrogate(kv.key)) return false;
            members.push_back(json::Member{std::string(kv.key), json::Value()});
          }
          if (!Convert(kv.value, depth + 1, &members[n].value)) return false;
          ++n;
        }
        members.resize(n);
        return !HasDuplicateKeys(members);
      }
      case simdjson::dom::element_type::ARRAY: {
        if (depth >= options_.max_depth) return false;
        simdjson::dom::array arr = e.get_array().value_unsafe();
        if (!out->IsArray()) *out = json::Value(json::Array{});
        json::Array& items = out->AsArray();
        const std::size_t old_size = items.size();
        items.reserve(Room(arr.size()));
        std::size_t n = 0;
        for (simdjson::dom::element item : arr) {
          if (n >= old_size) items.emplace_back();
          if (!Convert(item, depth + 1, &items[n])) return false;
          ++n;
        }
        items.resize(n);
        return true;
      }
      case simdjson::dom::element_type::STRING: {
        std::string_view s = e.get_string().value_unsafe();
        if (MaySurrogate(s)) return false;
        if (out->IsString()) {
          out->AsString().assign(s);
        } else {
          *out = json::Value(std::string(s));
        }
        return true;
      }
      case simdjson::dom::element_type::INT64:
        *out = json::Value(json::Number(e.get_int64().value_unsafe()));
        return true;
      case simdjson::dom::element_type::UINT64:
        // Above INT64_MAX: the nearest double, as the exact path does.
        *out = json::Value(json::Number(static_cast<double>(e.get_uint64().value_unsafe())));
        return true;
      case simdjson::dom::element_type::DOUBLE: {
        double d = e.get_double().value_unsafe();
        *out = json::Value(json::Number(d));
        return true;
      }
      case simdjson::dom::element_type::BOOL:
        *out = json::Value(e.get_bool().value_unsafe());
        return true;
      case simdjson::dom::element_type::NULL_VALUE:
        *out = json::Value();
        return true;
    }
    return false;
  }

 private:
  bool MaySurrogate(std::string_view s) const { return escapes_ && HasEncodedSurrogate(s); }
  // A container's size to reserve: at most what the node limit still
  // allows (past it the conversion stops), so a hostile count buys nothing.
  std::size_t Room(std::size_t count) const {
    const std::size_t left = options_.max_nodes > nodes_ ? options_.max_nodes - nodes_ : 0;
    return std::min(count, left);
  }

  const LoadOptions& options_;
  bool escapes_ = true;
  std::size_t nodes_ = 0;
};

}  // namespace

namespace {

// The thread's simdjson parser. simdjson parsers are not thread-safe, and
// reusing one keeps its buffers across documents: capacity for the largest
// document parsed, about 27 times its size (tape, structural indexes,
// strings, the padded copy; massif, 2026-12-06). Freed when the thread is
// not parsing by ReleaseIdleParseBuffers (parse_buffers.h).
class SimdjsonBuffers final : public ParseBuffers {
 public:
  ~SimdjsonBuffers() override { Unlist(); }
  std::size_t Bytes() const override { return parser.capacity() * 27; }
  void Release() override { parser = simdjson::dom::parser(kMaxFastBytes); }

  simdjson::dom::parser parser{kMaxFastBytes};
};
SimdjsonBuffers& ThreadBuffers() {
  thread_local SimdjsonBuffers buffers;
  return buffers;
}

// The thread's parser with `text` parsed (the caller holds the buffers'
// mutex while it reads the result); nullopt when simdjson declines it.
std::optional<simdjson::dom::element> ParseWithSimdjson(std::string_view text,
                                                        const LoadOptions& options) {
  if (text.size() > kMaxFastBytes || text.size() > options.max_bytes) return std::nullopt;
  // An empty text goes the slow way, which names the error: simdjson copies
  // from its data(), which a default string_view has null (undefined
  // behaviour even for 0 bytes; found by fuzz_contract).
  if (text.empty()) return std::nullopt;
  if (HasUnusualBytes(text)) return std::nullopt;
  simdjson::dom::element root;
  if (ThreadBuffers()
          .parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true)
          .get(root)) {
    return std::nullopt;
  }
  return root;
}

}  // namespace

std::optional<json::Value> TryParseJsonFast(std::string_view text, const LoadOptions& options) {
  json::Value out;
  if (!TryParseJsonFastInto(text, options, out)) return std::nullopt;
  return out;
}

bool TryParseJsonFastInto(std::string_view text, const LoadOptions& options, json::Value& out) {
  const std::lock_guard use(ThreadBuffers().mutex());  // `root` points into the parser
  std::optional<simdjson::dom::element> root = ParseWithSimdjson(text, options);
  if (!root) return false;
  const bool escapes = text.find("\\u") != std::string_view::npos;
  Converter converter(options, escapes);
  return converter.Convert(*root, 0, &out);
}

}  // namespace accord::detail

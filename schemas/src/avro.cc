// Avro schema parser (JSON form) and content detection. See avro.h for the
// rules; comments here say why, not what.
#include "accord/schemas/avro.h"
#include "accord/schemas/parse_buffers.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <unordered_map>

#include "accord/schemas/budget.h"
#include "accord/schemas/flat_set.h"
#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"
#include "json_tape.h"

namespace accord::avro {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kBoolean:
      return "boolean";
    case Type::kInt:
      return "int";
    case Type::kLong:
      return "long";
    case Type::kFloat:
      return "float";
    case Type::kDouble:
      return "double";
    case Type::kBytes:
      return "bytes";
    case Type::kString:
      return "string";
    case Type::kRecord:
      return "record";
    case Type::kEnum:
      return "enum";
    case Type::kArray:
      return "array";
    case Type::kMap:
      return "map";
    case Type::kUnion:
      return "union";
    case Type::kFixed:
      return "fixed";
  }
  return "unknown";
}

namespace {

// `s` == `literal`, with the comparison inlined (the string_view operator
// calls memcmp, which shows up when every key and type name of every
// schema goes through it).
template <std::size_t N>
[[gnu::always_inline]] constexpr bool Is(std::string_view s, const char (&literal)[N]) {
  return s.size() == N - 1 && __builtin_memcmp(s.data(), literal, N - 1) == 0;
}

// The `n` bytes at `a` and `b` are equal, for 2 <= n <= 16: two word
// compares, no call.
[[gnu::always_inline]] inline bool SameShort(const char* a, const char* b, std::size_t n) {
  const auto load = [](const char* p, auto word) {
    std::memcpy(&word, p, sizeof word);
    return word;
  };
  if (n >= 8) {
    return load(a, std::uint64_t{}) == load(b, std::uint64_t{}) &&
           load(a + n - 8, std::uint64_t{}) == load(b + n - 8, std::uint64_t{});
  }
  if (n >= 4) {
    return load(a, std::uint32_t{}) == load(b, std::uint32_t{}) &&
           load(a + n - 4, std::uint32_t{}) == load(b + n - 4, std::uint32_t{});
  }
  return load(a, std::uint16_t{}) == load(b, std::uint16_t{}) && a[n - 1] == b[n - 1];
}

// The primitive type names by a perfect hash, (9 * size + first byte) mod
// 16 (distinct for the eight, checked at compile time): called for every
// type name in every schema parsed, where a switch on the size compiled to
// a jump table whose indirect branches mispredicted.
constexpr std::size_t PrimitiveHash(std::string_view name) {
  return (9 * name.size() + static_cast<unsigned char>(name[0])) & 15;
}
struct PrimitiveSlot {
  std::string_view name;
  Type type = Type::kNull;
};
constexpr std::array<PrimitiveSlot, 16> kPrimitiveTable = [] {
  constexpr PrimitiveSlot kNames[] = {{"null", Type::kNull},   {"boolean", Type::kBoolean},
                                      {"int", Type::kInt},     {"long", Type::kLong},
                                      {"float", Type::kFloat}, {"double", Type::kDouble},
                                      {"bytes", Type::kBytes}, {"string", Type::kString}};
  std::array<PrimitiveSlot, 16> table{};
  for (const PrimitiveSlot& p : kNames) {
    if (!table[PrimitiveHash(p.name)].name.empty())
      throw "two primitive names share a hash: change PrimitiveHash";
    table[PrimitiveHash(p.name)] = p;
  }
  return table;
}();

[[gnu::always_inline]] inline std::optional<Type> PrimitiveOf(std::string_view name) {
  if (name.size() < 3) return std::nullopt;
  const PrimitiveSlot& slot = kPrimitiveTable[PrimitiveHash(name)];
  if (slot.name.size() != name.size() || !SameShort(slot.name.data(), name.data(), name.size()))
    return std::nullopt;
  return slot.type;
}

}  // namespace

std::optional<Type> PrimitiveFromName(std::string_view name) { return PrimitiveOf(name); }

bool IsPrimitive(Type type) { return type <= Type::kString; }
bool IsNamed(Type type) {
  return type == Type::kRecord || type == Type::kEnum || type == Type::kFixed;
}

std::string_view LogicalTypeName(LogicalType type) {
  switch (type) {
    case LogicalType::kNone:
      return "";
    case LogicalType::kDecimal:
      return "decimal";
    case LogicalType::kUuid:
      return "uuid";
    case LogicalType::kDate:
      return "date";
    case LogicalType::kTimeMillis:
      return "time-millis";
    case LogicalType::kTimeMicros:
      return "time-micros";
    case LogicalType::kTimestampMillis:
      return "timestamp-millis";
    case LogicalType::kTimestampMicros:
      return "timestamp-micros";
    case LogicalType::kLocalTimestampMillis:
      return "local-timestamp-millis";
    case LogicalType::kLocalTimestampMicros:
      return "local-timestamp-micros";
    case LogicalType::kDuration:
      return "duration";
  }
  return "";
}

namespace detail {

// A bump arena for everything the views of a Schema point at: names, lists
// (spans of trivially copyable elements: also the named-type list and the
// JSON pointer steps) and default values
// and custom attributes (json::Value, destroyed with the arena). The first
// block is part of the object, so a typical schema costs one allocation.
class SchemaStorage {
 public:
  SchemaStorage() : cur_(first_), end_(first_ + sizeof(first_)) {}
  SchemaStorage(const SchemaStorage&) = delete;
  SchemaStorage& operator=(const SchemaStorage&) = delete;
  ~SchemaStorage() {
    for (KeptValue* k = kept_; k != nullptr; k = k->next) k->value.~Value();
    for (auto [members, n] : members_) std::destroy_n(members, n);
    while (blocks_ != nullptr) {
      Block* next = blocks_->next;
      ::operator delete(blocks_);
      blocks_ = next;
    }
  }

  void* Allocate(std::size_t bytes, std::size_t align) {
    char* p = Aligned(cur_, align);
    if (bytes > static_cast<std::size_t>(end_ - p)) p = Grow(bytes, align);
    cur_ = p + bytes;
    return p;
  }

  std::string_view Copy(std::string_view s) { return Concat(s, {}, {}); }

  std::string_view Concat(std::string_view a, std::string_view b, std::string_view c) {
    std::size_t n = a.size() + b.size() + c.size();
    if (n == 0) return {};
    char* p = static_cast<char*>(Allocate(n, 1));
    CopyBytes(p, a);
    CopyBytes(p + a.size(), b);
    CopyBytes(p + a.size() + b.size(), c);
    return {p, n};
  }

  template <typename T>
  std::span<const T> CopyArray(const T* items, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    if (n == 0) return {};
    T* p = static_cast<T*>(Allocate(n * sizeof(T), alignof(T)));
    std::memcpy(static_cast<void*>(p), items, n * sizeof(T));
    return {p, n};
  }

  // Keeps the value `make()` returns, built in place.
  template <typename Make>
  const json::Value* KeepMade(Make&& make) {
    auto* k = new (Allocate(sizeof(KeptValue), alignof(KeptValue))) KeptValue{make(), nullptr};
    // Only values that may own memory (strings, arrays, objects) are listed
    // for destruction: null, booleans and numbers (most defaults) own none,
    // and their storage is simply released with the arena.
    if (k->value.IsString() || k->value.IsArray() || k->value.IsObject()) {
      k->next = kept_;
      kept_ = k;
    }
    return &k->value;
  }

  std::span<const json::Member> Keep(json::Object members) {
    if (members.empty()) return {};
    auto* p = static_cast<json::Member*>(
        Allocate(members.size() * sizeof(json::Member), alignof(json::Member)));
    std::uninitialized_move(members.begin(), members.end(), p);
    members_.emplace_back(p, members.size());
    return {p, members.size()};
  }

 private:
  // Copies `s` to `to`, returns the end. Inline word moves: these strings
  // (names, JSON pointers) are short, and a call to memcpy per part was a
  // visible share of a parse.
  static char* CopyBytes(char* to, std::string_view s) {
    const char* from = s.data();
    const std::size_t n = s.size();
    if (n >= 8) {
      std::size_t i = 0;
      for (; i + 8 <= n; i += 8) std::memcpy(to + i, from + i, 8);
      if (i < n) std::memcpy(to + n - 8, from + n - 8, 8);
    } else if (n >= 4) {
      std::memcpy(to, from, 4);
      std::memcpy(to + n - 4, from + n - 4, 4);
    } else {
      for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
    }
    return to + n;
  }
  static char* Aligned(char* p, std::size_t align) {
    return reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(p) + align - 1) &
                                   ~(align - 1));
  }
  // A new block with room for `bytes`; returns where they go.
  [[gnu::noinline]] char* Grow(std::size_t bytes, std::size_t align) {
    std::size_t size = std::max(bytes + align, kBlockBytes);
    auto* block = new (::operator new(sizeof(Block) + size)) Block{blocks_};
    blocks_ = block;
    cur_ = reinterpret_cast<char*>(block + 1);
    end_ = cur_ + size;
    return Aligned(cur_, align);
  }

  static constexpr std::size_t kBlockBytes = 4096;
  char* cur_;
  char* end_;
  // Blocks after the first, newest first: each starts with the link to the
  // one before (a list, not a vector: one allocation per block).
  struct alignas(16) Block {
    Block* next;
  };
  Block* blocks_ = nullptr;
  // The values kept, newest first, linked through the arena (no vector to
  // allocate for the usual handful of defaults).
  struct KeptValue {
    json::Value value;
    KeptValue* next;
  };
  KeptValue* kept_ = nullptr;
  std::vector<std::pair<json::Member*, std::size_t>> members_;
  alignas(16) char first_[6144];
};

}  // namespace detail

// Whether a (short) name contains a dot; a loop beats a call to memchr.
inline bool HasDot(std::string_view s) {
  for (char c : s) {
    if (c == '.') return true;
  }
  return false;
}

// Equality of short strings (names, symbols) that are usually different:
// the first byte settles most comparisons without a call to memcmp.
inline bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         (a.empty() || (a[0] == b[0] && std::memcmp(a.data(), b.data(), a.size()) == 0));
}

// The names met so far in one list (record fields, enum symbols, union
// branches), to refuse a repeated one. Lists are usually short and then
// scanned (no table to build); past kIndexFrom names a hashed set takes
// over, so that a list of n names costs O(n), not O(n^2) comparisons.
class NameSet {
 public:
  // Adds `name`, the list's next entry; false if the list already has it.
  // `at(k)` is the list's k-th entry so far (the caller keeps the list).
  template <typename At>
  bool Insert(std::string_view name, At&& at) {
    // Comparisons are charged to the request's budget (budget.h): with a
    // scan, one per earlier name.
    if (count_ < kIndexFrom) {
      ChargeWork(count_);
      for (std::size_t k = 0; k < count_; ++k) {
        if (SameName(at(k), name)) return false;
      }
      if (++count_ == kIndexFrom) {
        index_.Reserve(2 * kIndexFrom);
        for (std::size_t k = 0; k + 1 < count_; ++k) index_.Insert(at(k));
        index_.Insert(name);
      }
      return true;
    }
    ChargeWork(1);
    if (!index_.Insert(name)) return false;
    ++count_;
    return true;
  }

 private:
  static constexpr std::size_t kIndexFrom = 16;
  std::size_t count_ = 0;
  StringViewSet index_;  // every name once count_ >= kIndexFrom
};

const Node* Schema::FindNamed(std::string_view full_name) const {
  auto id = FindNamedId(full_name);
  return id ? &nodes_[id->value] : nullptr;
}

// Appends pointer `id` of the steps `steps` to `out`: the tokens from the
// root down (found by walking up the parent links), written in place.
static void AppendPointerSteps(std::span<const Schema::PointerStep> steps, PointerId id,
                               std::string& out) {
  using Kind = Schema::PointerStep::Kind;
  // The chain from `id` up to the root, deepest first; schemas are rarely
  // nested deeper than this, and a deeper chain goes through `deep`.
  constexpr std::size_t kInline = 64;
  std::uint32_t inline_chain[kInline];
  std::vector<std::uint32_t> deep;
  std::uint32_t* chain = inline_chain;
  std::size_t length = 0;
  // The exact size: most paths then fit in a std::string's inline buffer.
  // "/", "/fields/", "/type", "/items", "/values", "" (a document's root)
  constexpr std::size_t kText[] = {1, 8, 5, 6, 7, 0};
  const auto digits = [](std::uint32_t v) {
    std::size_t n = 1;
    for (; v >= 10; v /= 10) ++n;
    return n;
  };
  std::size_t size = 0;
  for (std::uint32_t i = id.value; i != 0 && i < steps.size(); i = steps[i].parent) {
    if (length == kInline) {
      deep.assign(inline_chain, inline_chain + kInline);
      chain = nullptr;
    }
    if (chain == nullptr) {
      deep.push_back(i);
    } else {
      chain[length] = i;
    }
    ++length;
    const Schema::PointerStep& step = steps[i];
    size += kText[static_cast<std::size_t>(step.kind)];
    if (step.kind == Kind::kIndex || step.kind == Kind::kField) size += digits(step.index);
  }
  const std::uint32_t* links = chain != nullptr ? chain : deep.data();
  const std::size_t start = out.size();
  out.resize_and_overwrite(start + size, [&](char* buf, std::size_t) {
    char* at = buf + start;
    for (std::size_t k = length; k-- > 0;) {
      const Schema::PointerStep& step = steps[links[k]];
      static constexpr const char* kTexts[] = {"/", "/fields/", "/type", "/items", "/values", ""};
      const std::size_t kind = static_cast<std::size_t>(step.kind);
      std::memcpy(at, kTexts[kind], kText[kind]);
      at += kText[kind];
      if (step.kind == Kind::kIndex || step.kind == Kind::kField)
        at = std::to_chars(at, buf + start + size, step.index).ptr;
    }
    return static_cast<std::size_t>(at - buf);
  });
}

void Schema::AppendPointer(PointerId id, std::string& out) const {
  AppendPointerSteps(pointers_, id, out);
}

std::string_view Schema::DocumentOf(PointerId id) const {
  std::uint32_t i = id.value;
  while (i != 0 && i < pointers_.size()) {
    const PointerStep& step = pointers_[i];
    if (step.kind == PointerStep::Kind::kDocument) {
      return step.index < reference_names_.size() ? std::string_view(reference_names_[step.index])
                                                  : std::string_view();
    }
    i = step.parent;
  }
  return {};
}

std::string Schema::Pointer(PointerId id) const {
  std::string out;
  AppendPointer(id, out);
  return out;
}

std::optional<NodeId> Schema::FindNamedId(std::string_view full_name) const {
  if (!named_index_.empty()) {
    auto it = named_index_.find(full_name);
    if (it == named_index_.end()) return std::nullopt;
    return it->second;
  }
  for (const auto& [name, id] : named_) {
    if (SameName(name, full_name)) return id;
  }
  return std::nullopt;
}

namespace {

// Character classes of names, by table (every name of every schema is checked).
constexpr std::array<std::uint8_t, 256> kNameClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool start = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    t[static_cast<std::size_t>(c)] = start   ? 2
                                     : digit ? 1
                                             : 0;  // 2: may start a name; 1: may follow
  }
  return t;
}();

bool IsNamePart(std::string_view s) {
  if (s.empty() || kNameClass[static_cast<unsigned char>(s[0])] != 2) return false;
  for (char c : s) {
    if (kNameClass[static_cast<unsigned char>(c)] == 0) return false;
  }
  return true;
}

// A dotted sequence of name parts (a full name or a non-empty namespace).
bool IsDottedName(std::string_view s) {
  bool part_start = true;  // the next character starts a name part
  for (char c : s) {
    if (c == '.') {
      if (part_start) return false;  // an empty part
      part_start = true;
      continue;
    }
    const std::uint8_t cls = kNameClass[static_cast<unsigned char>(c)];
    if (cls == 0 || (part_start && cls != 2)) return false;
    part_start = false;
  }
  return !part_start;  // not empty, no trailing dot
}

std::string Quote(std::string_view s) { return json::ToJson(json::Value(s)); }

// Bytes and fixed values are JSON strings whose code points are <= 255:
// their length in code points, or nullopt (not a string, not UTF-8, or a
// code point above 255). Decodes in place (no vector of code points: this
// runs for every bytes or fixed default of every parse).
std::optional<std::size_t> ByteStringLength(const json::Value& v) {
  if (!v.IsString()) return std::nullopt;
  const std::string_view s = v.AsString();
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c >> 5) == 0x6) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c >> 4) == 0xe) {
      cp = c & 0x0f;
      len = 3;
    } else if ((c >> 3) == 0x1e) {
      cp = c & 0x07;
      len = 4;
    } else
      return std::nullopt;
    if (i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp > 255) return std::nullopt;
    ++count;
    i += len;
  }
  return count;
}

bool IsIntegerIn(const json::Value& v, std::int64_t lo, std::int64_t hi) {
  if (!v.IsNumber()) return false;
  const json::Number& n = v.AsNumber();
  if (n.IsInt()) return n.AsInt() >= lo && n.AsInt() <= hi;
  if (!n.IsIntegral()) return false;
  double d = n.AsDouble();
  return d >= static_cast<double>(lo) && d <= static_cast<double>(hi) && d < 9.2233720368547758e18;
}

bool IsFloatValue(const json::Value& v) {
  if (v.IsNumber()) return true;
  if (v.IsString()) {
    const std::string& s = v.AsString();
    return s == "NaN" || s == "Infinity" || s == "-Infinity";
  }
  return false;
}

// The attributes of a schema or field object that the parser reads, found
// in one pass over its members (instead of one scan per attribute).
enum Key : std::uint8_t {
  kKeyType,
  kKeyName,
  kKeyNamespace,
  kKeyAliases,
  kKeyDoc,
  kKeyFields,
  kKeySymbols,
  kKeyDefault,
  kKeySize,
  kKeyItems,
  kKeyValues,
  kKeyLogicalType,
  kKeyPrecision,
  kKeyScale,
  kKeyOrder,
  kKeyCount,
};
constexpr std::string_view kKeyNames[kKeyCount] = {
    "type", "name",  "namespace", "aliases",     "doc",       "fields", "symbols", "default",
    "size", "items", "values",    "logicalType", "precision", "scale",  "order"};

// The reserved keys by a perfect hash: (size + second byte) mod 32 differs
// for each of them (checked below, at compile time), so one table entry and
// one comparison classify a key. Why not a switch on the size: its jump
// table's mispredicted indirect branches were a tenth of the scanner's time.
constexpr std::size_t KeyHash(std::string_view k) {
  return (k.size() + static_cast<unsigned char>(k[1])) & 31;
}
struct KeySlot {
  std::string_view name;
  Key key = kKeyCount;
};
constexpr std::array<KeySlot, 32> kKeyTable = [] {
  std::array<KeySlot, 32> table{};
  for (std::size_t k = 0; k < kKeyCount; ++k)
    table[KeyHash(kKeyNames[k])] = {kKeyNames[k], static_cast<Key>(k)};
  return table;
}();
static_assert(
    [] {
      for (std::size_t k = 0; k < kKeyCount; ++k) {
        if (kKeyTable[KeyHash(kKeyNames[k])].key != static_cast<Key>(k)) return false;
      }
      return true;
    }(),
    "two reserved keys share a hash: change KeyHash");

// Runs for every key of every object (while scanning, JsonTape's tagger).
[[gnu::always_inline]] inline Key Classify(std::string_view k) {
  if (k.size() < 2) return kKeyCount;
  const KeySlot& slot = kKeyTable[KeyHash(k)];
  return slot.name.size() == k.size() && SameShort(slot.name.data(), k.data(), k.size())
             ? slot.key
             : kKeyCount;
}

// The key of a literal attribute name, at compile time.
consteval Key KeyOf(std::string_view name) {
  for (std::size_t k = 0; k < kKeyCount; ++k) {
    if (kKeyNames[k] == name) return static_cast<Key>(k);
  }
  return kKeyCount;
}

// Read-only views of a JSON value, so one parser serves json::Value (Parse)
// and JsonTape's tape (ParseText's fast path, which builds no json::Value
// tree for the document).
class ValueView {
 public:
  ValueView() = default;
  explicit ValueView(const json::Value* v) : v_(v) {}
  explicit operator bool() const { return v_ != nullptr; }
  json::Kind kind() const { return v_->kind(); }
  bool IsString() const { return v_->IsString(); }
  bool IsArray() const { return v_->IsArray(); }
  bool IsObject() const { return v_->IsObject(); }
  std::string_view Str() const { return v_->AsString(); }
  // Calls fn(index, element) for each array element while fn returns true;
  // false when fn stopped the walk.
  template <typename Fn>
  bool Each(Fn&& fn) const {
    const json::Array& arr = v_->AsArray();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!fn(i, ValueView(&arr[i]))) return false;
    }
    return true;
  }
  template <typename Fn>
  void ForEachMember(Fn&& fn) const {
    for (const json::Member& m : v_->AsObject()) fn(std::string_view(m.key), ValueView(&m.value));
  }
  // fn(Key, value) for each member: the key classified (Classify).
  template <typename Fn>
  void ForEachKeyedMember(Fn&& fn) const {
    for (const json::Member& m : v_->AsObject()) fn(Classify(m.key), ValueView(&m.value));
  }
  json::Value ToValue() const { return *v_; }
  // What Attrs keeps of a member value (Slot), and the view back from it.
  using Slot = const json::Value*;
  Slot ToSlot() const { return v_; }
  ValueView FromSlot(Slot slot) const { return ValueView(slot); }
  // Duplicate keys are the JSON loader's business for json::Value trees.
  void MarkVerified() const {}
  bool KeysDistinct() const { return true; }

 private:
  const json::Value* v_ = nullptr;
};

// A document scanned by JsonTape (json_tape.h), read in place.
struct Tape {
  const accord::detail::JsonTape* scan;
  // Objects the parse has read every key of and found no duplicate in
  // (Attrs, ToValue): when that is every object of the document, ParseText
  // needs no separate duplicate-key pass over the tape. Mutable: the count
  // grows while views of the tape are read.
  std::uint32_t* verified_objects;
};

class TapeView {
 public:
  TapeView() = default;
  TapeView(const Tape* tape, std::uint32_t index) : tape_(tape), index_(index) {}
  explicit operator bool() const { return tape_ != nullptr; }
  json::Kind kind() const {
    switch (Type()) {
      case '{':
        return json::Kind::kObject;
      case '[':
        return json::Kind::kArray;
      case '"':
        return json::Kind::kString;
      case 'l':
      case 'd':
        return json::Kind::kNumber;
      case 't':
      case 'f':
        return json::Kind::kBool;
      default:
        return json::Kind::kNull;
    }
  }
  bool IsString() const { return Type() == '"'; }
  bool IsArray() const { return Type() == '['; }
  bool IsObject() const { return Type() == '{'; }
  std::string_view Str() const { return Scan().StringAt(index_); }
  template <typename Fn>
  bool Each(Fn&& fn) const {
    const std::uint32_t end = Close();
    std::size_t n = 0;
    for (std::uint32_t i = index_ + 1; i < end; i = Scan().After(i)) {
      if (!fn(n++, TapeView(tape_, i))) return false;
    }
    return true;
  }
  template <typename Fn>
  void ForEachMember(Fn&& fn) const {
    const std::uint32_t end = Close();
    for (std::uint32_t i = index_ + 1; i < end; i = Scan().After(i + 1)) {
      fn(Scan().StringAt(i), TapeView(tape_, i + 1));
    }
  }
  // fn(Key, value) for each member: the key classified while scanning (its
  // tag, ParseText).
  template <typename Fn>
  void ForEachKeyedMember(Fn&& fn) const {
    const std::uint64_t* const words = Scan().words();
    const std::uint32_t end = Close();
    for (std::uint32_t i = index_ + 1; i < end; i = Scan().After(i + 1)) {
      fn(static_cast<Key>(accord::detail::JsonTape::TagOf(words[i])), TapeView(tape_, i + 1));
    }
  }
  // JsonTape::Scan bounds the document's depth, so this recursion is bounded.
  json::Value ToValue() const { return Scan().ToValue(index_, tape_->verified_objects); }
  // What Attrs keeps of a member value (its tape index: 4 bytes, not a
  // 16-byte view), and the view back from it (same tape).
  using Slot = std::uint32_t;
  Slot ToSlot() const { return index_; }
  TapeView FromSlot(Slot slot) const { return TapeView(tape_, slot); }
  // Counts this object as free of duplicate keys (Tape::verified_objects).
  void MarkVerified() const { ++*tape_->verified_objects; }
  // Whether the keys of this object are distinct (for objects with keys the
  // parser does not classify; those are rare).
  bool KeysDistinct() const {
    const std::uint32_t end = Close();
    for (std::uint32_t i = index_ + 1; i < end; i = Scan().After(i + 1)) {
      for (std::uint32_t j = Scan().After(i + 1); j < end; j = Scan().After(j + 1)) {
        if (SameName(Scan().StringAt(i), Scan().StringAt(j))) return false;
      }
    }
    return true;
  }

 private:
  const accord::detail::JsonTape& Scan() const { return *tape_->scan; }
  char Type() const { return Scan().TypeAt(index_); }
  // The index of a container's closing word.
  std::uint32_t Close() const {
    return accord::detail::JsonTape::Payload(Scan().words()[index_]) - 1;
  }

  const Tape* tape_ = nullptr;
  std::uint32_t index_ = 0;
};

template <typename V>
class Attrs {
  static_assert(std::is_trivially_copyable_v<V>);

 public:
  // Reads every key of `obj` once; an object whose keys turn out distinct
  // (two reserved keys are the same key when their bits collide) is counted
  // as verified (Tape::verified_objects).
  explicit Attrs(V obj) : obj_(obj) {
    // Locals in the loop, members after: a member written beside the slots
    // is stored again on every key (the compiler cannot tell them apart).
    std::uint32_t present = 0;
    bool unknown = false;
    bool duplicate = false;
    obj.ForEachKeyedMember([&](Key k, V value) {
      if (k == kKeyCount) {
        unknown = true;
      } else if ((present & (1u << k)) == 0) {
        slots_[k] = value.ToSlot();
        present |= 1u << k;
      } else {
        duplicate = true;
      }
    });
    present_ = present;
    unknown_ = unknown;
    if (!duplicate && (!unknown || obj.KeysDistinct())) obj.MarkVerified();
  }
  // The attribute's value, or an empty view when absent.
  V Get(Key k) const { return (present_ & (1u << k)) != 0 ? obj_.FromSlot(slots_[k]) : V(); }
  bool Has(Key k) const { return (present_ & (1u << k)) != 0; }
  // True when some member is not among `reserved` (a mask of 1 << Key).
  bool AnyOutside(std::uint32_t reserved) const { return unknown_ || (present_ & ~reserved) != 0; }
  template <typename Fn>
  void ForEachMember(Fn&& fn) const {
    obj_.ForEachMember(fn);
  }

 private:
  V obj_;
  // Only the slots whose bit is set in present_ hold a value (the others are
  // left uninitialised: this is built for every object of every schema).
  typename V::Slot slots_[kKeyCount];
  std::uint32_t present_ = 0;
  bool unknown_ = false;
};

// Integer test on a view (numbers are rare in schemas: convert and test).
template <typename V>
bool ViewIntegerIn(V v, std::int64_t lo, std::int64_t hi) {
  return v.kind() == json::Kind::kNumber && IsIntegerIn(v.ToValue(), lo, hi);
}

template <typename V>
std::string ViewJson(V v) {
  return json::ToJson(v.ToValue());
}

// "/fields/2/type/items" -> "fields[2].type.items"; "/1" -> "[1]".
std::string PointerToAvroPath(std::string_view pointer) {
  std::string out;
  auto tokens = json::SplitPointer(pointer);
  if (!tokens) return std::string(pointer);
  for (const std::string& t : *tokens) {
    bool index =
        !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (index) {
      out += "[" + t + "]";
    } else {
      if (!out.empty()) out += '.';
      out += t;
    }
  }
  return out;
}

std::string Str(std::string_view s) { return std::string(s); }

}  // namespace

std::string AvroPath(std::string_view pointer) { return PointerToAvroPath(pointer); }

// A default-initialised node to copy from.
const Node kNoNode{};

// The allocator of schema storages (std::allocate_shared): each thread
// keeps a few freed storage blocks and hands them to the next parses. A
// storage is one ~6 KB block, too big for malloc's per-thread cache, and
// taking it from malloc and giving it back cost about 4% of a parse.
// Blocks freed on one thread may be reused by another; a thread's blocks
// are released when it ends, and a block freed after that (a schema
// destroyed late in the thread's exit) goes straight back to malloc.
namespace {

struct StorageBlocks {
  static constexpr std::size_t kBlocks = 4;
  void* blocks[kBlocks];
  std::size_t count = 0;
  std::size_t bytes = 0;  // the size of each block held
  ~StorageBlocks();
};
thread_local StorageBlocks t_storage_blocks;
// Trivially destructible, so still readable while the thread's other
// thread_locals are destroyed.
thread_local bool t_storage_blocks_gone = false;
StorageBlocks::~StorageBlocks() {
  while (count > 0) ::operator delete(blocks[--count]);
  t_storage_blocks_gone = true;
}

template <typename T>
struct StorageAllocator {
  using value_type = T;
  StorageAllocator() = default;
  template <typename U>
  StorageAllocator(const StorageAllocator<U>&) {}
  T* allocate(std::size_t n) {
    StorageBlocks& cache = t_storage_blocks;
    if (!t_storage_blocks_gone && cache.count > 0 && cache.bytes == n * sizeof(T)) {
      return static_cast<T*>(cache.blocks[--cache.count]);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) {
    StorageBlocks& cache = t_storage_blocks;
    if (!t_storage_blocks_gone && cache.count < StorageBlocks::kBlocks &&
        (cache.count == 0 || cache.bytes == n * sizeof(T))) {
      cache.bytes = n * sizeof(T);
      cache.blocks[cache.count++] = p;
      return;
    }
    ::operator delete(p);
  }
  friend bool operator==(const StorageAllocator&, const StorageAllocator&) { return true; }
};

}  // namespace

// A growable array of trivially copyable T for the parser's per-thread
// buffers: its push is inline, where std::vector's push_back was an
// out-of-line call (for every node and JSON pointer step of every parse).
template <typename T>
class PodStack {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  [[gnu::always_inline]] T& push(const T& v) {
    if (size_ == capacity_) [[unlikely]]
      Grow();
    return *new (data_.get() + size_++) T(v);
  }
  // Built in place from its members: no temporary to copy (a temporary
  // built just before is copied with wide loads of its narrow, recent
  // stores, which stall the store-to-load forwarding).
  template <typename... Args>
  [[gnu::always_inline]] T& emplace(Args... args) {
    if (size_ == capacity_) [[unlikely]]
      Grow();
    return *new (data_.get() + size_++) T{args...};
  }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  const T* data() const { return data_.get(); }
  const T* begin() const { return data_.get(); }
  const T* end() const { return data_.get() + size_; }
  std::size_t size() const { return size_; }
  std::size_t capacity_bytes() const { return capacity_ * sizeof(T); }
  void clear() { size_ = 0; }
  // Drops the entries from `n` on (n <= size()).
  void truncate(std::size_t n) { size_ = n; }
  operator std::span<const T>() const { return {data_.get(), size_}; }

 private:
  [[gnu::noinline]] void Grow() {
    const std::size_t capacity = capacity_ == 0 ? 64 : 2 * capacity_;
    auto bigger = std::make_unique_for_overwrite<T[]>(capacity);
    if (size_ > 0) std::memcpy(static_cast<void*>(bigger.get()), data_.get(), size_ * sizeof(T));
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<T[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

class Parser {
 public:
  explicit Parser(const ParseOptions& options)
      : options_(options),
        storage_(
            std::allocate_shared<detail::SchemaStorage>(StorageAllocator<detail::SchemaStorage>())),
        scratch_(ThreadScratch()),
        nodes_(scratch_.nodes) {
    scratch_.ids.clear();
    scratch_.fields.clear();
    scratch_.names.clear();
    scratch_.defaults.clear();
    scratch_.named.clear();
    scratch_.pointers.clear();
    scratch_.pointers.push({0, 0, Schema::PointerStep::Kind::kIndex});  // PointerId{}: the root
    // Nodes are collected in the thread's buffer (no guess at the count),
    // then copied into the schema's storage, exactly sized (Run).
    scratch_.nodes.clear();
  }

  template <typename V>
  Result<Schema> Run(V root) {
    for (std::size_t i = 0; i < options_.references.size(); ++i) {
      const json::Value* ref = options_.references[i];
      if (ref == nullptr) continue;
      // Its pointers hang below a step naming it (Schema::DocumentOf).
      const PointerId root = AddPointer(PointerId{}, Schema::PointerStep::Kind::kDocument, i);
      auto defined = ParseNode(ValueView(ref), "", root, 0);
      if (!defined) {
        Error e = defined.error();
        e.message = "referenced schema " + std::to_string(i + 1) + ": " + e.message;
        e.pointer.clear();  // it points into the referenced document, not this one
        return std::unexpected(std::move(e));
      }
    }
    auto id = ParseNode(root, "", PointerId{}, 0);
    if (!id) return std::unexpected(id.error());
    schema_.root_ = *id;
    if (options_.validate_defaults) {
      for (const PendingDefault& p : scratch_.defaults) {
        const Field& f = nodes_[p.record.value].fields[p.field];
        std::string reason;
        if (!ValidDefault(f.type, *f.default_value, 0, &reason)) {
          return Fail(Render(f.pointer) + "/default",
                      "bad default " + json::ToJson(*f.default_value) + " for field " +
                          Quote(f.name) + ": " + reason);
        }
      }
    }
    schema_.reference_names_ = options_.reference_names;
    schema_.named_ = storage_->CopyArray(scratch_.named.data(), scratch_.named.size());
    schema_.pointers_ = storage_->CopyArray(scratch_.pointers.data(), scratch_.pointers.size());
    schema_.nodes_ = storage_->CopyArray(nodes_.data(), nodes_.size());
    schema_.storage_ = std::move(storage_);
    return std::move(schema_);
  }

 private:
  struct PendingDefault {
    NodeId record;
    std::size_t field;
  };

  // Per-thread stacks for the lists being collected (union branches, record
  // fields, names), copied into the schema's storage once complete: nested
  // lists push above and pop back before the enclosing list grows again.
  struct Scratch {
    PodStack<Node> nodes;
    PodStack<NodeId> ids;
    PodStack<Field> fields;
    PodStack<std::string_view> names;
    PodStack<PendingDefault> defaults;       // field defaults to validate once every type is known
    PodStack<Schema::Named> named;           // Schema::named_ while parsing
    PodStack<Schema::PointerStep> pointers;  // Schema::pointers_ while parsing
    std::string text;
    std::size_t bytes() const {
      return nodes.capacity_bytes() + ids.capacity_bytes() + fields.capacity_bytes() +
             names.capacity_bytes() + defaults.capacity_bytes() + named.capacity_bytes() +
             pointers.capacity_bytes() + text.capacity();
    }
  };
  static Scratch& ThreadScratch() { return Thread().scratch; }

 public:
  // The thread's parse buffers: the stacks above, the tape of the fast path
  // and its key stack. They keep the capacity of the largest schema parsed
  // (a 1 MB record left about 7 MB; massif and malloc_stats, 2026-12-06):
  // freed when the thread is not parsing by ReleaseIdleParseBuffers
  // (parse_buffers.h). A parse holds the set's mutex throughout.
  class ThreadSet final : public accord::detail::ParseBuffers {
   public:
    ~ThreadSet() override { Unlist(); }
    std::size_t Bytes() const override {
      return scratch.bytes() + tape.capacity_bytes() + keys.capacity() * sizeof(keys[0]);
    }
    void Release() override {
      scratch = Scratch{};
      tape = accord::detail::JsonTape{};
      keys = {};
    }

    Scratch scratch;
    accord::detail::JsonTape tape;
    std::vector<std::string_view> keys;
  };
  static ThreadSet& Thread() {
    thread_local ThreadSet set;
    return set;
  }

 private:
  static Error MakeError(std::string_view pointer, std::string reason,
                         ErrorCode code = ErrorCode::kInvalidSchema) {
    std::string where = pointer.empty() ? std::string("schema") : PointerToAvroPath(pointer);
    return Error{code, where + ": " + std::move(reason), {}, {}, std::string(pointer)};
  }

  std::unexpected<Error> Fail(std::string_view pointer, std::string reason,
                              ErrorCode code = ErrorCode::kInvalidSchema) {
    return std::unexpected(MakeError(pointer, std::move(reason), code));
  }
  Error MakeError(PointerId pointer, std::string reason,
                  ErrorCode code = ErrorCode::kInvalidSchema) const {
    return MakeError(Render(pointer), std::move(reason), code);
  }
  std::unexpected<Error> Fail(PointerId pointer, std::string reason,
                              ErrorCode code = ErrorCode::kInvalidSchema) {
    return std::unexpected(MakeError(Render(pointer), std::move(reason), code));
  }

  // The pointer `parent` + one token ("/N", "/fields/N", "/type", ...).
  [[gnu::always_inline]] PointerId AddPointer(PointerId parent, Schema::PointerStep::Kind kind,
                                              std::size_t index = 0) {
    PointerId id{static_cast<std::uint32_t>(scratch_.pointers.size())};
    scratch_.pointers.emplace(parent.value, static_cast<std::uint32_t>(index), kind);
    return id;
  }
  // A pointer spelled out (only for messages: errors and warnings).
  std::string Render(PointerId pointer) const {
    std::string out;
    AppendPointerSteps(scratch_.pointers, pointer, out);
    return out;
  }

  // The node's details (Node::details), allocated in the storage on first use.
  NodeDetails& Details(Node& n) {
    if (n.details == &kNoNodeDetails) {
      n.details = new (storage_->Allocate(sizeof(NodeDetails), alignof(NodeDetails))) NodeDetails{};
    }
    return const_cast<NodeDetails&>(*n.details);  // allocated just above, not const
  }
  void SetCustom(Node& n, std::span<const json::Member> custom) {
    if (!custom.empty()) Details(n).custom = custom;
  }

  // A new node of `type` defined at `pointer`, filled in place by the
  // caller (a Node built aside and copied in stalls on its recent stores).
  // The reference lasts until the next node is added.
  Node& AddNode(Type type, PointerId pointer, NodeId* id) {
    *id = NodeId{static_cast<std::uint32_t>(nodes_.size())};
    Node& n = nodes_.push(kNoNode);
    n.type = type;
    n.pointer = pointer;
    return n;
  }

  void AddNamed(std::string_view full_name, NodeId id) {
    constexpr std::size_t kIndexFrom = 16;
    scratch_.named.emplace(full_name, id);
    schema_.named_ = scratch_.named;  // a view of the list so far (Run copies it into the storage)
    if (schema_.named_.size() == kIndexFrom) {
      for (const auto& [name, nid] : schema_.named_) schema_.named_index_.emplace(name, nid);
    } else if (schema_.named_.size() > kIndexFrom) {
      schema_.named_index_.emplace(full_name, id);
    }
  }

  std::optional<NodeId> Lookup(std::string_view ref, std::string_view space) {
    if (HasDot(ref) || space.empty()) return schema_.FindNamedId(ref);
    scratch_.text.assign(space);
    scratch_.text += '.';
    scratch_.text += ref;
    if (auto id = schema_.FindNamedId(scratch_.text)) return id;
    return schema_.FindNamedId(ref);
  }

  template <typename V>
  Result<NodeId> ParseNode(V v, std::string_view space, PointerId pointer, std::size_t depth) {
    if (depth > options_.max_depth) {
      return Fail(pointer,
                  "schema nested deeper than " + std::to_string(options_.max_depth) + " levels",
                  ErrorCode::kLimit);
    }
    // The request's work budget (budget.h), charged per schema that is not
    // a primitive name (the parse is linear: this only bounds what many
    // references or many schemas in one request add up to).
    if (!ChargeWork(1)) return Fail(pointer, "work budget exceeded", ErrorCode::kLimit);
    if (v.IsString()) return ParseName(v.Str(), space, pointer);
    if (v.IsArray()) return ParseUnion(v, space, pointer, depth);
    if (v.IsObject()) return ParseObject(v, space, pointer, depth);
    return Fail(pointer, "a schema must be a type name, an object or an array (union), not a " +
                             std::string(json::KindName(v.kind())));
  }

  // When `v` (at nesting `depth`) is a primitive type name ("long", the most
  // common type by far: fields and union branches), adds its node as
  // ParseNode would and sets `*id`; otherwise false, for ParseNode. Saves
  // the calls and Result values of ParseNode and ParseName per primitive.
  template <typename V>
  [[gnu::always_inline]] bool AddPrimitive(V v, PointerId pointer, std::size_t depth, NodeId* id) {
    if (!v.IsString() || depth > options_.max_depth) return false;
    const std::optional<Type> prim = PrimitiveOf(v.Str());
    if (!prim) return false;
    *id = NodeId{static_cast<std::uint32_t>(nodes_.size())};
    Node& n = nodes_.push(kNoNode);
    n.type = *prim;
    n.pointer = pointer;
    return true;
  }

  Result<NodeId> ParseName(std::string_view name, std::string_view space, PointerId pointer) {
    if (auto prim = PrimitiveOf(name)) {
      // Built in place (most primitives come through AddPrimitive instead).
      NodeId id{static_cast<std::uint32_t>(nodes_.size())};
      Node& n = nodes_.push(kNoNode);
      n.type = *prim;
      n.pointer = pointer;
      return id;
    }
    if (auto id = Lookup(name, space)) return *id;
    if (!IsDottedName(name)) return Fail(pointer, "invalid type name " + Quote(name));
    std::string tried =
        !HasDot(name) && !space.empty()
            ? " (looked for " + Quote(Str(space) + "." + Str(name)) + " and " + Quote(name) + ")"
            : "";
    return Fail(pointer, "unknown type name " + Quote(name) + tried);
  }

  template <typename V>
  Result<NodeId> ParseUnion(V arr, std::string_view space, PointerId pointer, std::size_t depth) {
    PodStack<NodeId>& ids = scratch_.ids;
    const std::size_t base = ids.size();
    std::uint32_t unnamed_seen = 0;  // bit per unnamed Type already a branch
    NameSet named_seen;              // full names of the named branches so far
    PodStack<std::string_view>& named_names = scratch_.names;
    const std::size_t names_base = named_names.size();
    const bool complete = arr.Each([&](std::size_t i, V item) {
      const PointerId bp = AddPointer(pointer, Schema::PointerStep::Kind::kIndex, i);
      NodeId id;
      if (!AddPrimitive(item, bp, depth + 1, &id)) {
        auto parsed = ParseNode(item, space, bp, depth + 1);
        if (!parsed) {
          failure_ = parsed.error();
          return false;
        }
        id = *parsed;
      }
      const Node& b = nodes_[id.value];
      if (b.type == Type::kUnion) {
        failure_ = MakeError(bp, "a union may not contain a union");
        return false;
      }
      // One branch per unnamed type and per full name (named types of
      // different kinds share one namespace of names, so the full name
      // alone decides): a bit per type, a hashed set of names.
      bool dup;
      if (IsNamed(b.type)) {
        dup = !named_seen.Insert(b.full_name,
                                 [&](std::size_t k) { return named_names[names_base + k]; });
        if (!dup) named_names.push(b.full_name);
      } else {
        const std::uint32_t bit = 1u << static_cast<unsigned>(b.type);
        dup = (unnamed_seen & bit) != 0;
        unnamed_seen |= bit;
      }
      if (dup) {
        std::string key = IsNamed(b.type) ? Str(b.full_name) : std::string(TypeName(b.type));
        failure_ =
            MakeError(bp, "union has two branches of type " + Quote(key) +
                              " (a union holds one schema per unnamed type and per full name)");
        return false;
      }
      ids.push(id);
      return true;
    });
    named_names.truncate(names_base);
    if (!complete) return std::unexpected(std::move(failure_));
    const std::span<const NodeId> branches =
        storage_->CopyArray(ids.data() + base, ids.size() - base);
    ids.truncate(base);
    NodeId id;
    AddNode(Type::kUnion, pointer, &id).branches = branches;
    return id;
  }

  // Reads an optional string attribute; error when present with another kind.
  // The view points into the document: copy it to keep it.
  template <typename V>
  Result<std::optional<std::string_view>> OptString(const Attrs<V>& obj, Key k, PointerId pointer) {
    V v = obj.Get(k);
    const std::string_view key = kKeyNames[k];
    if (!v) return std::optional<std::string_view>();
    if (!v.IsString()) {
      return Fail(Render(pointer) + "/" + json::EscapeToken(key),
                  "\"" + std::string(key) + "\" must be a string, not a " +
                      std::string(json::KindName(v.kind())));
    }
    return std::optional<std::string_view>(v.Str());
  }

  // The "doc" of a named type or a field, copied into the storage; empty
  // when absent. (Read only when present: most objects have none, and each
  // read is a call returning a Result.)
  template <typename V>
  Result<std::string_view> ReadDoc(const Attrs<V>& obj, PointerId pointer) {
    if (!obj.Has(kKeyDoc)) return std::string_view();
    auto read = OptString(obj, kKeyDoc, pointer);
    if (!read) return std::unexpected(read.error());
    return storage_->Copy(**read);
  }

  // Aliases as stored: for a named type (`named`), full names resolved
  // against `space`; for a field, as written.
  template <typename V>
  Result<std::span<const std::string_view>> ReadAliases(const Attrs<V>& obj, PointerId pointer,
                                                        bool named, std::string_view space) {
    V v = obj.Get(KeyOf("aliases"));
    if (!v) return std::span<const std::string_view>();
    if (!v.IsArray())
      return Fail(Render(pointer) + "/aliases", "\"aliases\" must be an array of names");
    PodStack<std::string_view>& names = scratch_.names;
    const std::size_t base = names.size();
    const bool complete = v.Each([&](std::size_t i, V a) {
      bool ok = a.IsString() && (named ? IsDottedName(a.Str()) : IsNamePart(a.Str()));
      if (!ok) {
        failure_ = MakeError(Render(pointer) + "/aliases/" + std::to_string(i),
                             "invalid alias " + ViewJson(a));
        return false;
      }
      std::string_view alias = a.Str();
      bool qualify = named && !HasDot(alias) && !space.empty();
      names.push(qualify ? storage_->Concat(space, ".", alias) : storage_->Copy(alias));
      return true;
    });
    if (!complete) {
      names.truncate(base);
      return std::unexpected(std::move(failure_));
    }
    auto out = storage_->CopyArray(names.data() + base, names.size() - base);
    names.truncate(base);
    return out;
  }

  static constexpr bool IsReserved(std::string_view key, Type type) {
    if (Is(key, "type") || Is(key, "logicalType")) return true;
    switch (type) {
      case Type::kRecord:
        return Is(key, "name") || Is(key, "namespace") || Is(key, "aliases") || Is(key, "doc") ||
               Is(key, "fields");
      case Type::kEnum:
        return Is(key, "name") || Is(key, "namespace") || Is(key, "aliases") || Is(key, "doc") ||
               Is(key, "symbols") || Is(key, "default");
      case Type::kFixed:
        return Is(key, "name") || Is(key, "namespace") || Is(key, "aliases") || Is(key, "doc") ||
               Is(key, "size") || Is(key, "precision") || Is(key, "scale");
      case Type::kArray:
        return Is(key, "items");
      case Type::kMap:
        return Is(key, "values");
      case Type::kBytes:
        return Is(key, "precision") || Is(key, "scale");
      default:
        return false;
    }
  }

  // IsReserved as a mask of 1 << Key, per type.
  static std::uint32_t ReservedMask(Type type) {
    static constexpr auto masks = [] {
      std::array<std::uint32_t, static_cast<std::size_t>(Type::kFixed) + 1> out{};
      for (std::size_t t = 0; t < out.size(); ++t) {
        for (std::size_t k = 0; k < kKeyCount; ++k) {
          if (IsReserved(kKeyNames[k], static_cast<Type>(t))) out[t] |= 1u << k;
        }
      }
      return out;
    }();
    return masks[static_cast<std::size_t>(type)];
  }

  static constexpr std::uint32_t kFieldKeys = (1u << kKeyName) | (1u << kKeyType) |
                                              (1u << kKeyDefault) | (1u << kKeyOrder) |
                                              (1u << kKeyAliases) | (1u << kKeyDoc);

  static bool IsReservedFieldKey(std::string_view key) {
    return Is(key, "name") || Is(key, "type") || Is(key, "default") || Is(key, "order") ||
           Is(key, "aliases") || Is(key, "doc");
  }

  // The members of `obj` for which `custom(key)` holds, kept in the storage;
  // no allocation when there are none (the usual case).
  template <typename V, typename Pred>
  std::span<const json::Member> CustomAttributes(const Attrs<V>& obj, std::uint32_t reserved,
                                                 Pred&& custom) {
    if (!obj.AnyOutside(reserved)) return {};
    json::Object out;
    obj.ForEachMember([&](std::string_view key, V value) {
      if (!custom(key)) return;
      out.push_back({std::string(key), value.ToValue()});
    });
    return storage_->Keep(std::move(out));
  }

  template <typename V>
  Result<NodeId> ParseObject(V object, std::string_view space, PointerId pointer,
                             std::size_t depth) {
    const Attrs<V> obj(object);
    V tv = obj.Get(KeyOf("type"));
    if (!tv) return Fail(pointer, "missing \"type\" attribute");
    if (tv.IsObject() || tv.IsArray()) {
      // {"type": {...}} or {"type": [...]}: the nested value is the schema.
      return ParseNode(tv, space, AddPointer(pointer, Schema::PointerStep::Kind::kType), depth + 1);
    }
    if (!tv.IsString())
      return Fail(Render(pointer) + "/type", "\"type\" must be a string, an object or an array");
    std::string_view type = tv.Str();
    // (A plain NodeId, not a Result: a Result<NodeId> declared up front was
    // zeroed, all ~120 bytes of it, for every object.)
    NodeId id;
    if (auto prim = PrimitiveOf(type)) {
      const auto custom = CustomAttributes(
          obj, ReservedMask(*prim), [&](std::string_view key) { return !IsReserved(key, *prim); });
      SetCustom(AddNode(*prim, pointer, &id), custom);
    } else if (Is(type, "record") || Is(type, "error") || Is(type, "enum") || Is(type, "fixed")) {
      Result<NodeId> named = Is(type, "enum") ? ParseEnum(obj, space, pointer)
                             : Is(type, "fixed")
                                 ? ParseFixed(obj, space, pointer)
                                 : ParseRecord(obj, Is(type, "error"), space, pointer, depth);
      if (!named) return named;
      id = *named;
    } else if (Is(type, "array") || Is(type, "map")) {
      bool is_array = Is(type, "array");
      std::string_view key = is_array ? "items" : "values";
      V inner = obj.Get(is_array ? kKeyItems : kKeyValues);
      if (!inner) {
        return Fail(pointer, std::string(is_array ? "array" : "map") + " without \"" +
                                 std::string(key) + "\"");
      }
      const PointerId ip = AddPointer(pointer, is_array ? Schema::PointerStep::Kind::kItems
                                                        : Schema::PointerStep::Kind::kValues);
      NodeId inner_id;
      if (!AddPrimitive(inner, ip, depth + 1, &inner_id)) {
        auto parsed = ParseNode(inner, space, ip, depth + 1);
        if (!parsed) return std::unexpected(parsed.error());
        inner_id = *parsed;
      }
      const Type t = is_array ? Type::kArray : Type::kMap;
      const auto custom = CustomAttributes(obj, ReservedMask(t),
                                           [&](std::string_view k) { return !IsReserved(k, t); });
      Node& n = AddNode(t, pointer, &id);
      n.items = inner_id;
      SetCustom(n, custom);
    } else if (auto ref = Lookup(type, space)) {
      // {"type": "com.acme.Address"}: a reference written as an object.
      return *ref;
    } else {
      return Fail(Render(pointer) + "/type", IsDottedName(type)
                                                 ? "unknown type name " + Quote(type)
                                                 : "invalid type name " + Quote(type));
    }
    if (V lt = obj.Get(KeyOf("logicalType"))) {
      if (auto err = ApplyLogicalType(id, obj, lt, pointer); !err)
        return std::unexpected(err.error());
    }
    return id;
  }

  // Declares a named type: validates and registers its full name before the
  // body is parsed, so the body may refer to it (recursion), and adds its
  // node; the caller fills in what is particular to `type`.
  template <typename V>
  Result<NodeId> DeclareNamed(Type type, const Attrs<V>& obj, std::string_view space,
                              PointerId pointer) {
    V name_v = obj.Get(KeyOf("name"));
    if (!name_v) return Fail(pointer, std::string(TypeName(type)) + " without \"name\"");
    if (!name_v.IsString()) return Fail(Render(pointer) + "/name", "\"name\" must be a string");
    std::string_view name = name_v.Str();
    std::optional<std::string_view> ns;
    if (obj.Has(kKeyNamespace)) {
      auto attr = OptString(obj, kKeyNamespace, pointer);
      if (!attr) return std::unexpected(attr.error());
      ns = *attr;
    }
    // The full name, copied once: the namespace and the name are its parts.
    std::string_view full_name;
    std::size_t name_at = 0;  // where the unqualified name starts in full_name
    if (HasDot(name)) {
      if (!IsDottedName(name))
        return Fail(Render(pointer) + "/name", "invalid name " + Quote(name));
      full_name = storage_->Copy(name);
      name_at = full_name.rfind('.') + 1;
    } else {
      if (!IsNamePart(name)) return Fail(Render(pointer) + "/name", "invalid name " + Quote(name));
      if (ns && !ns->empty() && !IsDottedName(*ns)) {
        return Fail(Render(pointer) + "/namespace", "invalid namespace " + Quote(*ns));
      }
      const std::string_view in_space = ns ? *ns : space;
      if (in_space.empty()) {
        full_name = storage_->Copy(name);
      } else {
        full_name = storage_->Concat(in_space, ".", name);
        name_at = in_space.size() + 1;
      }
    }
    if (PrimitiveOf(full_name)) {
      return Fail(Render(pointer) + "/name", Quote(full_name) +
                                                 " is a primitive type name and cannot name a " +
                                                 std::string(TypeName(type)));
    }
    if (auto prev = schema_.FindNamedId(full_name)) {
      const std::string where = Render(nodes_[prev->value].pointer);
      return Fail(Render(pointer) + "/name", "duplicate name: " + Quote(full_name) +
                                                 " is already defined at " +
                                                 (where.empty() ? std::string("the root") : where));
    }
    std::span<const std::string_view> aliases;
    if (obj.Has(kKeyAliases)) {
      const std::string_view in_space =
          name_at == 0 ? std::string_view() : full_name.substr(0, name_at - 1);
      auto read = ReadAliases(obj, pointer, /*named=*/true, in_space);
      if (!read) return std::unexpected(read.error());
      aliases = *read;
    }
    const auto doc = ReadDoc(obj, pointer);
    if (!doc) return std::unexpected(doc.error());
    const auto custom = CustomAttributes(
        obj, ReservedMask(type), [&](std::string_view key) { return !IsReserved(key, type); });
    NodeId id;
    Node& n = AddNode(type, pointer, &id);
    n.full_name = full_name;
    n.name = full_name.substr(name_at);
    if (!aliases.empty()) Details(n).aliases = aliases;
    if (!doc->empty()) Details(n).doc = *doc;
    SetCustom(n, custom);
    AddNamed(full_name, id);
    return id;
  }

  template <typename V>
  Result<NodeId> ParseRecord(const Attrs<V>& obj, bool is_error, std::string_view space,
                             PointerId pointer, std::size_t depth) {
    V fields = obj.Get(KeyOf("fields"));
    if (!fields) return Fail(pointer, "record without \"fields\"");
    if (!fields.IsArray()) return Fail(Render(pointer) + "/fields", "\"fields\" must be an array");
    auto id = DeclareNamed(Type::kRecord, obj, space, pointer);
    if (!id) return id;
    nodes_[id->value].is_error = is_error;
    const std::string_view inner_space = nodes_[id->value].space();
    PodStack<Field>& collected = scratch_.fields;
    const std::size_t base = collected.size();
    NameSet seen;
    const bool complete = fields.Each([&](std::size_t i, V fv) {
      auto added = ParseField(fv, *id, i, base, seen, inner_space, pointer, depth);
      if (!added) {
        failure_ = std::move(added.error());
        return false;
      }
      return true;
    });
    if (!complete) return std::unexpected(std::move(failure_));
    nodes_[id->value].fields =
        storage_->CopyArray(collected.data() + base, collected.size() - base);
    collected.truncate(base);
    return id;
  }

  // Parses field `i` of record `record` and pushes it on scratch_.fields
  // (whose entries from `base` are the record's fields so far).
  template <typename V>
  Result<void> ParseField(V field, NodeId record, std::size_t i, std::size_t base, NameSet& seen,
                          std::string_view space, PointerId pointer, std::size_t depth) {
    const PointerId fp = AddPointer(pointer, Schema::PointerStep::Kind::kField, i);
    if (!field.IsObject()) return Fail(fp, "a field must be an object");
    const Attrs<V> fv(field);
    // The members are gathered in locals and the Field built once, in place
    // (a default Field first zeroed, then filled and copied, cost more).
    V nv = fv.Get(KeyOf("name"));
    if (!nv || !nv.IsString()) return Fail(fp, "field without a string \"name\"");
    const std::string_view written = nv.Str();
    if (!IsNamePart(written))
      return Fail(Render(fp) + "/name", "invalid field name " + Quote(written));
    const std::string_view name = storage_->Copy(written);
    if (!seen.Insert(name, [&](std::size_t k) { return scratch_.fields[base + k].name; })) {
      return Fail(Render(fp) + "/name", "duplicate field name " + Quote(written));
    }
    V tv = fv.Get(KeyOf("type"));
    if (!tv) return Fail(fp, "field " + Quote(name) + " without \"type\"");
    const PointerId tp = AddPointer(fp, Schema::PointerStep::Kind::kType);
    NodeId type;
    if (!AddPrimitive(tv, tp, depth + 1, &type)) {
      auto tid = ParseNode(tv, space, tp, depth + 1);
      if (!tid) return std::unexpected(tid.error());
      type = *tid;
    }
    // (Optional attributes are read only when present: most fields have
    // none, and each read is a call returning a Result.)
    std::span<const std::string_view> aliases;
    if (fv.Has(kKeyAliases)) {
      auto read = ReadAliases(fv, fp, /*named=*/false, {});
      if (!read) return std::unexpected(read.error());
      aliases = *read;
    }
    const auto doc = ReadDoc(fv, fp);
    if (!doc) return std::unexpected(doc.error());
    SortOrder order = SortOrder::kAscending;
    if (fv.Has(kKeyOrder)) {
      auto read = OptString(fv, kKeyOrder, fp);
      if (!read) return std::unexpected(read.error());
      if (**read == "ascending")
        order = SortOrder::kAscending;
      else if (**read == "descending")
        order = SortOrder::kDescending;
      else if (**read == "ignore")
        order = SortOrder::kIgnore;
      else
        return Fail(Render(fp) + "/order", "\"order\" must be ascending, descending or ignore");
    }
    const json::Value* default_value = nullptr;
    if (V dv = fv.Get(KeyOf("default"))) {
      // Built in place in the storage (no temporary to move and destroy).
      default_value = storage_->KeepMade([&] { return dv.ToValue(); });
      scratch_.defaults.emplace(record, i);
    }
    const std::span<const json::Member> custom = CustomAttributes(
        fv, kFieldKeys, [](std::string_view key) { return !IsReservedFieldKey(key); });
    scratch_.fields.emplace(name, aliases, type, order, default_value, *doc, custom, fp);
    return {};
  }

  template <typename V>
  Result<NodeId> ParseEnum(const Attrs<V>& obj, std::string_view space, PointerId pointer) {
    V sv = obj.Get(KeyOf("symbols"));
    if (!sv) return Fail(pointer, "enum without \"symbols\"");
    if (!sv.IsArray()) return Fail(Render(pointer) + "/symbols", "\"symbols\" must be an array");
    PodStack<std::string_view>& names = scratch_.names;
    const std::size_t base = names.size();
    NameSet seen;
    const bool complete = sv.Each([&](std::size_t i, V s) {
      if (!s.IsString() || !IsNamePart(s.Str())) {
        failure_ = MakeError(Render(pointer) + "/symbols/" + std::to_string(i),
                             "invalid enum symbol " + ViewJson(s));
        return false;
      }
      const std::string_view symbol = storage_->Copy(s.Str());
      if (!seen.Insert(symbol, [&](std::size_t k) { return names[base + k]; })) {
        failure_ = MakeError(Render(pointer) + "/symbols/" + std::to_string(i),
                             "duplicate enum symbol " + Quote(s.Str()));
        return false;
      }
      names.push(symbol);
      return true;
    });
    if (!complete) {
      names.truncate(base);
      return std::unexpected(std::move(failure_));
    }
    const std::span<const std::string_view> symbols =
        storage_->CopyArray(names.data() + base, names.size() - base);
    names.truncate(base);
    const std::string_view* enum_default = nullptr;  // the symbol
    if (V dv = obj.Get(KeyOf("default"))) {
      auto it = dv.IsString() ? std::find(symbols.begin(), symbols.end(), dv.Str()) : symbols.end();
      if (it == symbols.end()) {
        return Fail(Render(pointer) + "/default",
                    "enum default " + ViewJson(dv) + " is not one of the symbols");
      }
      enum_default = &*it;
    }
    auto id = DeclareNamed(Type::kEnum, obj, space, pointer);
    if (!id) return id;
    Node& n = nodes_[id->value];
    n.symbols = symbols;
    if (enum_default != nullptr) Details(n).enum_default = *enum_default;
    return id;
  }

  template <typename V>
  Result<NodeId> ParseFixed(const Attrs<V>& obj, std::string_view space, PointerId pointer) {
    V sv = obj.Get(KeyOf("size"));
    if (!sv) return Fail(pointer, "fixed without \"size\"");
    if (!ViewIntegerIn(sv, 0, std::numeric_limits<std::int32_t>::max())) {
      return Fail(Render(pointer) + "/size",
                  "\"size\" must be a non-negative integer, not " + ViewJson(sv));
    }
    const auto size = static_cast<std::uint64_t>(sv.ToValue().AsNumber().AsDouble());
    auto id = DeclareNamed(Type::kFixed, obj, space, pointer);
    if (!id) return id;
    nodes_[id->value].size = size;
    return id;
  }

  // Sets the node's logical type, or records why it is ignored.
  template <typename V>
  Result<void> ApplyLogicalType(NodeId id, const Attrs<V>& obj, V lt, PointerId at) {
    Node& n = nodes_[id.value];
    // Spelled out only when the logical type is ignored (a warning or error).
    const auto pointer = [&] { return Render(at); };
    const auto lpointer = [&] { return Render(at) + "/logicalType"; };
    if (!lt.IsString()) return Ignore(lpointer(), "\"logicalType\" must be a string");
    const std::string_view name = Details(n).logical_type_name = storage_->Copy(lt.Str());
    struct Simple {
      std::string_view name;
      LogicalType type;
      Type base;
    };
    static constexpr Simple kSimple[] = {
        {"uuid", LogicalType::kUuid, Type::kString},
        {"date", LogicalType::kDate, Type::kInt},
        {"time-millis", LogicalType::kTimeMillis, Type::kInt},
        {"time-micros", LogicalType::kTimeMicros, Type::kLong},
        {"timestamp-millis", LogicalType::kTimestampMillis, Type::kLong},
        {"timestamp-micros", LogicalType::kTimestampMicros, Type::kLong},
        {"local-timestamp-millis", LogicalType::kLocalTimestampMillis, Type::kLong},
        {"local-timestamp-micros", LogicalType::kLocalTimestampMicros, Type::kLong},
    };
    for (const Simple& s : kSimple) {
      if (name != s.name) continue;
      bool ok = n.type == s.base ||
                (s.type == LogicalType::kUuid && n.type == Type::kFixed && n.size == 16);
      if (!ok) {
        return Ignore(lpointer(), "logical type " + Quote(name) + " requires type " +
                                      std::string(TypeName(s.base)) + ", not " +
                                      std::string(TypeName(n.type)));
      }
      n.logical_type = s.type;
      return {};
    }
    if (name == "duration") {
      if (n.type != Type::kFixed || n.size != 12) {
        return Ignore(lpointer(), "logical type \"duration\" requires a fixed of size 12");
      }
      n.logical_type = LogicalType::kDuration;
      return {};
    }
    if (name == "decimal") {
      if (n.type != Type::kBytes && n.type != Type::kFixed) {
        return Ignore(lpointer(), "logical type \"decimal\" requires bytes or fixed, not " +
                                      std::string(TypeName(n.type)));
      }
      V pv = obj.Get(KeyOf("precision"));
      V sv = obj.Get(KeyOf("scale"));
      if (!pv || !ViewIntegerIn(pv, 1, std::numeric_limits<std::int32_t>::max())) {
        return Ignore(pointer() + "/precision", "decimal \"precision\" must be a positive integer");
      }
      if (sv && !ViewIntegerIn(sv, 0, std::numeric_limits<std::int32_t>::max())) {
        return Ignore(pointer() + "/scale", "decimal \"scale\" must be a non-negative integer");
      }
      int precision = static_cast<int>(pv.ToValue().AsNumber().AsDouble());
      int scale = sv ? static_cast<int>(sv.ToValue().AsNumber().AsDouble()) : 0;
      if (scale > precision) {
        return Ignore(pointer() + "/scale", "decimal scale " + std::to_string(scale) +
                                                " exceeds precision " + std::to_string(precision));
      }
      if (n.type == Type::kFixed) {
        // Largest number of base-10 digits a two's complement of `size` bytes holds.
        double max_precision =
            n.size == 0 ? 0
                        : std::floor(std::log10(2.0) * (8.0 * static_cast<double>(n.size) - 1.0));
        if (precision > max_precision) {
          return Ignore(pointer() + "/precision",
                        "decimal precision " + std::to_string(precision) +
                            " does not fit in fixed size " + std::to_string(n.size) + " (max " +
                            std::to_string(static_cast<int>(max_precision)) + ")");
        }
      }
      n.logical_type = LogicalType::kDecimal;
      Details(n).precision = precision;
      Details(n).scale = scale;
      return {};
    }
    schema_.warnings_.push_back(PointerToAvroPath(lpointer()) + ": unknown logical type " +
                                Quote(name) + " ignored");
    return {};
  }

  Result<void> Ignore(const std::string& pointer, std::string reason) {
    if (options_.strict_logical_types) return Fail(pointer, std::move(reason));
    schema_.warnings_.push_back(PointerToAvroPath(pointer) + ": " + reason +
                                " (logical type ignored)");
    return {};
  }

  // Field defaults use the JSON encoding except that a union's value is the
  // bare value of its first branch.
  bool ValidDefault(NodeId id, const json::Value& v, std::size_t depth, std::string* reason) {
    if (depth > options_.max_depth) {
      *reason = "default nested too deeply";
      return false;
    }
    const Node& n = nodes_[id.value];
    auto expect = [&](bool ok, std::string_view what) {
      if (!ok)
        *reason = "expected " + std::string(what) + " for type " + std::string(TypeName(n.type));
      return ok;
    };
    switch (n.type) {
      case Type::kNull:
        return expect(v.IsNull(), "null");
      case Type::kBoolean:
        return expect(v.IsBool(), "true or false");
      case Type::kInt:
        return expect(IsIntegerIn(v, std::numeric_limits<std::int32_t>::min(),
                                  std::numeric_limits<std::int32_t>::max()),
                      "a 32-bit integer");
      case Type::kLong:
        return expect(IsIntegerIn(v, std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max()),
                      "a 64-bit integer");
      case Type::kFloat:
      case Type::kDouble:
        return expect(IsFloatValue(v), "a number");
      case Type::kString:
        return expect(v.IsString(), "a string");
      case Type::kBytes:
        return expect(ByteStringLength(v).has_value(), "a string of code points 0-255");
      case Type::kFixed: {
        auto len = ByteStringLength(v);
        if (len && *len == n.size) return true;  // (the message below only when it fails)
        return expect(false, "a string of " + std::to_string(n.size) + " code points 0-255");
      }
      case Type::kEnum:
        return expect(v.IsString() && std::find(n.symbols.begin(), n.symbols.end(), v.AsString()) !=
                                          n.symbols.end(),
                      "one of the enum symbols");
      case Type::kArray:
        if (!expect(v.IsArray(), "an array")) return false;
        for (const json::Value& e : v.AsArray())
          if (!ValidDefault(n.items, e, depth + 1, reason)) return false;
        return true;
      case Type::kMap:
        if (!expect(v.IsObject(), "an object")) return false;
        for (const json::Member& m : v.AsObject())
          if (!ValidDefault(n.items, m.value, depth + 1, reason)) return false;
        return true;
      case Type::kUnion:
        if (n.branches.empty()) {
          *reason = "an empty union has no values";
          return false;
        }
        if (!ValidDefault(n.branches[0], v, depth + 1, reason)) {
          *reason += " (a union field's default must match the union's first branch)";
          return false;
        }
        return true;
      case Type::kRecord:
        if (!expect(v.IsObject(), "an object")) return false;
        // A large value's members are hashed once (a scan per field made a
        // record of n fields with an n-member default cost n^2; the first
        // of a repeated key wins, as with Find).
        std::unordered_map<std::string_view, const json::Value*> members;
        if (v.AsObject().size() > 16) {
          ChargeWork(v.AsObject().size());
          members.reserve(v.AsObject().size());
          for (const json::Member& m : v.AsObject()) members.emplace(m.key, &m.value);
        }
        for (const Field& f : n.fields) {
          const json::Value* fv = nullptr;
          if (members.empty()) {
            fv = v.Find(f.name);
          } else if (auto it = members.find(f.name); it != members.end()) {
            fv = it->second;
          }
          if (fv == nullptr) {
            if (f.default_value) continue;
            *reason = "record value lacks field " + Quote(f.name) + " which has no default";
            return false;
          }
          if (!ValidDefault(f.type, *fv, depth + 1, reason)) return false;
        }
        return true;
    }
    return false;
  }

  const ParseOptions& options_;  // the caller's, which outlives the parser
  Schema schema_;
  std::shared_ptr<detail::SchemaStorage> storage_;
  Scratch& scratch_;
  // Why a walk over an array (Each) stopped: set by the callback that stops
  // it. (A member, not a std::optional<Error> per walk: that was zeroed, all
  // ~120 bytes, for every record and union.)
  Error failure_;
  // The nodes so far (the thread's buffer; Run copies them into the storage).
  PodStack<Node>& nodes_;
};

Result<Schema> Parse(const json::Value& schema, const ParseOptions& options) {
  const std::lock_guard use(Parser::Thread().mutex());
  Parser parser(options);
  return parser.Run(ValueView(&schema));
}

namespace {

// No object with a duplicate key (the exact path reports those) in the
// value at tape index `i`. Returns the index just past the value, or 0 when
// some object has a key twice. `keys` is a stack of the keys of the objects
// open at that point (each object's keys are compared once). The recursion
// is bounded by the depth JsonTape::Scan allows.
std::uint32_t DistinctKeysExtent(const accord::detail::JsonTape& tape, std::uint32_t i,
                                 std::vector<std::string_view>& keys) {
  const char type = tape.TypeAt(i);
  if (type != '{' && type != '[') return tape.After(i);
  const std::uint32_t end =
      accord::detail::JsonTape::Payload(tape.words()[i]) - 1;  // the closing word
  std::uint32_t j = i + 1;
  if (type == '[') {
    while (j < end) {
      j = DistinctKeysExtent(tape, j, keys);
      if (j == 0) return 0;
    }
    return end + 1;
  }
  const std::size_t base = keys.size();
  while (j < end) {
    const std::string_view key = tape.StringAt(j);
    for (std::size_t k = base; k < keys.size(); ++k) {
      if (SameName(keys[k], key)) return 0;
    }
    keys.push_back(key);
    j = DistinctKeysExtent(tape, j + 1, keys);
    if (j == 0) return 0;
  }
  keys.resize(base);
  return end + 1;
}

std::vector<std::string_view>& ThreadKeys() { return Parser::Thread().keys; }

// Whether some object of the document on `tape` has a key twice.
bool HasDuplicateKey(const accord::detail::JsonTape& tape) {
  std::vector<std::string_view>& keys = ThreadKeys();
  keys.clear();
  return DistinctKeysExtent(tape, 1, keys) == 0;
}

// One tape per thread: a reused one keeps its buffers.
accord::detail::JsonTape& ThreadTape() { return Parser::Thread().tape; }

}  // namespace

Result<Schema> ParseText(std::string_view text, const ParseOptions& options) {
  LoadOptions load;
  load.max_depth = std::max<std::size_t>(options.max_depth * 4 + 8, 64);
  // Fast path: the text scanned into a tape (json_tape.h) that the parser
  // reads in place. Anything else goes through the JSON loader, which owns
  // the exact error messages and positions: what the scanner declines
  // (syntax errors, raw control characters, a byte order mark, lone
  // surrogate escapes, excessive depth or size: the loader reports them),
  // and duplicate keys.
  const std::lock_guard use(Parser::Thread().mutex());
  if (text.size() <= load.max_bytes) {
    accord::detail::JsonTape& scan = ThreadTape();
    if (scan.Scan(text, load.max_depth,
                  [](std::string_view key) { return static_cast<unsigned>(Classify(key)); })) {
      std::uint32_t verified = 0;
      const Tape tape{&scan, &verified};
      Parser parser(options);
      Result<Schema> result = parser.Run(TapeView(&tape, 1));
      // The parser compared the keys of the objects it read; when it read
      // them all (the usual case: schemas without custom attributes that
      // hold objects) and succeeded, no duplicate-key pass is needed.
      // Otherwise one decides: a duplicate key anywhere is reported by the
      // JSON loader below, before any schema error.
      if ((result && verified == scan.objects()) || !HasDuplicateKey(scan)) return result;
    }
  }
  auto loaded = ParseJson(text, {}, load);
  if (!loaded) return std::unexpected(loaded.error());
  return Parse(loaded->root, options);
}

namespace {

bool HasJsonSchemaKeyword(const json::Value& obj) {
  static constexpr std::string_view kKeywords[] = {"$schema",
                                                   "$id",
                                                   "$ref",
                                                   "$defs",
                                                   "definitions",
                                                   "properties",
                                                   "required",
                                                   "additionalProperties",
                                                   "patternProperties",
                                                   "allOf",
                                                   "anyOf",
                                                   "oneOf",
                                                   "not",
                                                   "const",
                                                   "enum",
                                                   "prefixItems",
                                                   "if",
                                                   "minimum",
                                                   "maximum",
                                                   "pattern",
                                                   "format"};
  for (auto k : kKeywords)
    if (obj.Find(k) != nullptr) return true;
  return false;
}

bool LooksLikeAvroDepth(const json::Value& v, int depth) {
  if (depth > 64) return false;
  if (v.IsString()) return PrimitiveFromName(v.AsString()).has_value();
  if (v.IsArray()) {
    if (v.AsArray().empty()) return false;
    for (const json::Value& e : v.AsArray()) {
      if (e.IsString()) continue;  // a primitive or a named reference
      if (!e.IsObject() || !LooksLikeAvroDepth(e, depth + 1)) return false;
    }
    return true;
  }
  if (!v.IsObject() || HasJsonSchemaKeyword(v)) return false;
  const json::Value* t = v.Find("type");
  if (t == nullptr || !t->IsString()) return false;
  const std::string& type = t->AsString();
  if (type == "record" || type == "error" || type == "enum" || type == "fixed" || type == "map")
    return true;
  if (type == "int" || type == "long" || type == "float" || type == "double" || type == "bytes")
    return true;
  if (type == "null" || type == "boolean" || type == "string")
    return v.Find("logicalType") != nullptr;
  if (type == "array") {
    const json::Value* items = v.Find("items");
    if (items == nullptr) return false;
    if (items->IsString()) return true;
    return items->IsObject() && LooksLikeAvroDepth(*items, depth + 1);
  }
  return false;
}

}  // namespace

bool LooksLikeAvro(const json::Value& v) { return LooksLikeAvroDepth(v, 0); }

}  // namespace accord::avro

// Avro schema resolution as a compatibility check. The rules are listed in
// avro_compat.h; this file follows them in the same order.
//
// Why a memo with rollback: recursive types make the comparison a graph
// walk. A named pair met again while in progress is assumed compatible.
// Results computed under that assumption are only valid if the assumption
// holds, so when a named pair turns out incompatible every "compatible"
// result recorded since it started is discarded. That matters when the
// failing pair was a trial inside a reader union (where failures do not
// propagate to the root).
#include "accord/compat/avro_compat.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "accord/schemas/budget.h"
#include "accord/schemas/flat_set.h"

namespace accord::compat {

namespace {

using avro::Node;
using avro::NodeId;
using avro::Schema;
using avro::Type;

// How a message names a node: "record a.B", "int".
struct Desc {
  std::string_view type;
  std::string_view sep;
  std::string_view name;
};

// Each part of a message has a size (PartSize) and is written by PutPart
// at `at`, which it moves past the part.
inline void PutBytes(char*& at, std::string_view s) {
  // (A part may be empty, with no data pointer: memcpy may not be given one.)
  if (s.empty()) return;
  std::memcpy(at, s.data(), s.size());
  at += s.size();
}
std::size_t PartSize(const Desc& d) { return d.type.size() + d.sep.size() + d.name.size(); }
void PutPart(char*& at, const Desc& d) {
  PutBytes(at, d.type);
  PutBytes(at, d.sep);
  PutBytes(at, d.name);
}
// String literals: their size is known, no strlen, and the copy is inline.
template <std::size_t N>
std::size_t PartSize(const char (&)[N]) {
  return N - 1;
}
// GCC 12 at -O3 cannot see that Cat sized the string for every part, and
// takes `at` for the 16-byte short-string buffer: a false
// -Wstringop-overflow (or -Warray-bounds: which one depends on the build)
// on this copy (Cat's size is the sum of PartSize).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
template <std::size_t N>
void PutPart(char*& at, const char (&part)[N]) {
  std::memcpy(at, part, N - 1);
  at += N - 1;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
template <typename T>
std::size_t PartSize(const T& part) {
  return std::string_view(part).size();
}
template <typename T>
void PutPart(char*& at, const T& part) {
  PutBytes(at, std::string_view(part));
}

// Concatenation with one allocation (messages are built from many parts,
// several of them views into the schemas). The parts are copied into the
// string's buffer at its final size: appending them one by one checked the
// capacity and called out of line for each.
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  const std::size_t size = (PartSize(parts) + ...);
  std::string out;
  out.resize_and_overwrite(size, [&](char* at, std::size_t) {
    (PutPart(at, parts), ...);
    return size;
  });
  return out;
}

// How the writer datum reaches the node being compared, from the root:
// field index in the writer record, array item, map value, or union branch.
// (Without a default value: a stack of steps starts uninitialised, for
// nothing, on every check.)
using Step = avro::DatumStep;

// A stack that lives inside its owner up to N elements, on the heap past
// that: a checker is made for every check (and for every explanation of a
// union mismatch), and most never go deeper than a few levels.
template <typename T, std::size_t N>
class SmallStack {
 public:
  // The inline cases are the usual ones and stay inline; a call per push
  // and pop was ~8% of a check.
  void push_back(T v) {
    if (size_ < N) [[likely]] {
      inline_[size_++] = v;
      return;
    }
    PushToHeap(v);
  }
  void pop_back() {
    if (size_ <= N) [[likely]] {
      --size_;
      return;
    }
    PopFromHeap();
  }
  // Shrinks to `n` elements (n <= size()).
  void resize(std::size_t n) {
    if (size_ > N) heap_.resize(std::max(n, N));
    size_ = n;
  }
  std::size_t size() const { return size_; }
  const T& operator[](std::size_t i) const { return size_ <= N ? inline_[i] : heap_[i]; }
  std::span<const T> view() const {
    return size_ <= N ? std::span<const T>(inline_.data(), size_) : std::span<const T>(heap_);
  }

 private:
  // (Out of line so that pop_back stays small enough to be inlined.)
  [[gnu::noinline]] void PopFromHeap() { resize(size_ - 1); }
  [[gnu::noinline]] void PushToHeap(T v) {
    if (size_ == N) heap_.assign(inline_.begin(), inline_.end());
    heap_.push_back(v);
    ++size_;
  }

  std::array<T, N> inline_;  // the first size_ (up to N) are set
  std::vector<T> heap_;      // all elements, while there are more than N
  std::size_t size_ = 0;
};

// Names (of types, fields, symbols) are short: they are compared and
// copied here a word at a time (the last word may overlap the one before),
// inline. Calls to memcmp and memcpy per name were ~5% of a check, and
// the calls to these helpers themselves a few percent more.
template <typename Word>
Word Load(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
template <typename Word>
void Store(char* p, Word w) {
  std::memcpy(p, &w, sizeof w);
}

// The `n` bytes at `p` and `q` are equal.
[[gnu::always_inline]] inline bool SameBytes(const char* p, const char* q, std::size_t n) {
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (Load<std::uint64_t>(p + i) != Load<std::uint64_t>(q + i)) return false;
    }
    return Load<std::uint64_t>(p + n - 8) == Load<std::uint64_t>(q + n - 8);
  }
  if (n >= 4) {
    return Load<std::uint32_t>(p) == Load<std::uint32_t>(q) &&
           Load<std::uint32_t>(p + n - 4) == Load<std::uint32_t>(q + n - 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// Equality of names and symbols (the sizes settle most that fail).
[[gnu::always_inline]] inline bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && SameBytes(a.data(), b.data(), a.size());
}

// A copy of a name (a key of a witness object).
[[gnu::always_inline]] inline std::string CopyName(std::string_view s) {
  std::string out;
  // (The size passed to the callback is not used: GCC 12's libstdc++ passes
  // the new capacity there when the string grows.)
  out.resize_and_overwrite(s.size(), [&](char* d, std::size_t) {
    const std::size_t n = s.size();
    const char* p = s.data();
    if (n >= 8) {
      for (std::size_t i = 0; i + 8 < n; i += 8) Store(d + i, Load<std::uint64_t>(p + i));
      Store(d + n - 8, Load<std::uint64_t>(p + n - 8));
    } else if (n >= 4) {
      Store(d, Load<std::uint32_t>(p));
      Store(d + n - 4, Load<std::uint32_t>(p + n - 4));
    } else {
      for (std::size_t i = 0; i < n; ++i) d[i] = p[i];
    }
    return n;
  });
  return out;
}

// A value computed where it is stored: `obj.emplace_back(Deferred{key_fn},
// Deferred{value_fn})` builds the member's key and json::Value directly
// from the functions' results (each is initialised from the conversion's
// prvalue, so there is no temporary to move and destroy). json::Value's
// constructors, moves and destructor are out of line, so each avoided one
// is a call per witness value saved.
template <typename Fn>
struct Deferred {
  Fn fn;
  operator std::invoke_result_t<Fn&>() { return fn(); }
};
template <typename Fn>
Deferred(Fn) -> Deferred<Fn>;

// Builds Avro-JSON values of the writer schema (witnesses). Each value is
// returned as a prvalue and stored through Deferred, so no json::Value is
// moved or assigned through the recursion (moves of nested values, then
// their assignments, were a visible share of a check). A part without a
// finite value sets `failed`; the value returned is then unspecified.
class DatumBuilder {
 public:
  // Whether each value built is charged to the request's budget
  // (budget.h): kFree for a witness built when read, whose values were
  // counted and charged when its finding was proved.
  enum class Charge : std::uint8_t { kCharged, kFree };
  explicit DatumBuilder(const Schema& s, Charge charge = Charge::kCharged)
      : s_(s), charge_(charge == Charge::kCharged) {}

  const Schema& schema() const { return s_; }

  // How deep a minimal value nests (records in records) and how many values
  // a witness holds: past either it is not built and its finding is
  // UNDECIDED. (A record whose fields share a record type, nested, has a
  // minimal value exponential in the schema's size; each value built is
  // charged to the request's budget too, budget.h.)
  static constexpr int kMaxMinimalDepth = 256;
  static constexpr std::size_t kMaxValues = 100'000;

  // How Along makes the leaf of a witness: a function called once, at the
  // leaf's place (a finished leaf moved there cost a move and a destructor
  // call per witness). Type-erased, so that Along is compiled once.
  class Leaf {
   public:
    template <typename Fn>
    explicit Leaf(Fn& fn)
        : fn_(&fn), make_([](void* f, bool& failed) { return (*static_cast<Fn*>(f))(failed); }) {}
    json::Value operator()(bool& failed) const { return make_(fn_, failed); }

   private:
    void* fn_;
    json::Value (*make_)(void*, bool&);
  };

  // Minimal, as a value; sets `failed` when there is no finite value.
  json::Value MinimalValue(NodeId id, int depth, bool& failed) {
    return Minimal<json::Value>(id, depth, failed);
  }

  // The values off `steps` from `id` (every field but the step's of each
  // record on the way, minimal) as Along builds them, only counted (Count):
  // each is valid writer data by construction (Minimal). Sets `failed`
  // where Along would fail for one of them. No allocation.
  void CountOffPath(NodeId id, std::span<const Step> steps, bool& failed) {
    for (const Step& st : steps) {
      const Node& n = s_.node(id);
      switch (st.kind) {
        case Step::Kind::kField:
          for (std::size_t i = 0; i < n.fields.size() && !failed; ++i) {
            if (i == st.index) continue;
            // (One value, never failing, counted on the spot: most fields.)
            const Type t = s_.node(n.fields[i].type).type;
            if (t != Type::kRecord && t != Type::kUnion && t != Type::kEnum) {
              if (!Count()) failed = true;
              continue;
            }
            Minimal<Counted>(n.fields[i].type, 0, failed);
          }
          id = n.fields[st.index].type;
          break;
        case Step::Kind::kItem:
        case Step::Kind::kValue:
          id = n.items;
          break;
        case Step::Kind::kBranch:
          id = n.branches[st.index];
          break;
      }
      if (failed) return;
    }
  }

  // A value that makes a type mismatch visible (e.g. a long beyond int
  // range); sets `failed` when there is no finite value.
  template <typename Out = json::Value>
  Out Sample(NodeId id, bool& failed) {
    const Node& n = s_.node(id);
    switch (n.type) {
      case Type::kBoolean:
        return Made<Out>([] { return json::Value(true); });
      case Type::kInt:
        return Made<Out>([] { return json::Value(1); });
      case Type::kLong:
        return Made<Out>([] { return json::Value(std::int64_t{2147483648}); });
      case Type::kFloat:
        return Made<Out>([] { return json::Value(0.5); });
      case Type::kDouble:
        return Made<Out>([] { return json::Value(0.1); });
      case Type::kString:
        return Made<Out>([] { return json::Value("text"); });
      case Type::kBytes:
        return Made<Out>([] { return json::Value("\xc3\xbf"); });  // U+00FF: byte 0xff
      default:
        return Minimal<Out>(id, 0, failed);
    }
  }

  // A value with something everywhere: samples for primitives, one element
  // in arrays and maps, the first non-null branch of a union, every field
  // of a record rich (a record already being built: minimal). Where the
  // minimal value is too empty to show a mismatch deep inside (a map of
  // longs read as a map of ints: {} is read fine), this one is not. Sets
  // `failed` when there is no finite value.
  json::Value Rich(NodeId id, int depth, bool& failed) {
    if (depth > kMaxMinimalDepth || !Count()) return Fail(failed);
    const Node& n = s_.node(id);
    switch (n.type) {
      case Type::kArray: {
        json::Value out(json::Array{});
        bool item_failed = false;
        json::Value item = Rich(n.items, depth + 1, item_failed);
        if (!item_failed) out.AsArray().push_back(std::move(item));
        return out;
      }
      case Type::kMap: {
        json::Value out(json::Object{});
        bool value_failed = false;
        json::Value value = Rich(n.items, depth + 1, value_failed);
        if (!value_failed) out.AsObject().push_back({"key", std::move(value)});
        return out;
      }
      case Type::kUnion:
        for (NodeId b : n.branches) {
          if (s_.node(b).type == Type::kNull) continue;
          bool branch_failed = false;
          json::Value v = Wrapped(b, [&] { return Rich(b, depth + 1, branch_failed); });
          if (!branch_failed) return v;
        }
        return MinimalValue(id, depth, failed);
      case Type::kRecord: {
        if (std::ranges::find(visiting_.view(), id.value) != visiting_.view().end())
          return MinimalValue(id, depth, failed);
        json::Value out(json::Object{});
        visiting_.push_back(id.value);
        for (const avro::Field& f : n.fields) {
          out.AsObject().push_back({std::string(f.name), Rich(f.type, depth + 1, failed)});
          if (failed) break;
        }
        visiting_.pop_back();
        return out;
      }
      default:
        return Sample(id, failed);
    }
  }

  // The root datum that follows `steps` (from step `k`) and holds the value
  // `leaf` makes at their end.
  json::Value Along(NodeId id, std::span<const Step> steps, std::size_t k, const Leaf& leaf,
                    bool& failed) {
    if (k == steps.size()) return leaf(failed);
    const Node& n = s_.node(id);
    const Step& st = steps[k];
    switch (st.kind) {
      case Step::Kind::kField:
        return AlongRecord(n, steps, k, leaf, failed);
      case Step::Kind::kItem: {
        json::Value out(json::Array{});
        out.AsArray().push_back(Along(n.items, steps, k + 1, leaf, failed));
        return out;
      }
      case Step::Kind::kValue: {
        json::Value out(json::Object{});
        out.AsObject().emplace_back(std::string("key"), Deferred{[&] {
                                      return Along(n.items, steps, k + 1, leaf, failed);
                                    }});
        return out;
      }
      case Step::Kind::kBranch: {
        NodeId b = n.branches[st.index];
        return Wrapped(b, [&] { return Along(b, steps, k + 1, leaf, failed); });
      }
    }
    return Fail(failed);
  }

  // What Minimal makes: a json::Value, or a Counted (nothing, the values
  // only counted: whether Along would build a finite value, and how many).
  struct Counted {};
  template <typename Out>
  static constexpr bool kBuilds = std::is_same_v<Out, json::Value>;
  // `make()` as an Out.
  template <typename Out, typename Make>
  static Out Made(Make&& make) {
    if constexpr (kBuilds<Out>) {
      return make();
    } else {
      return Out{};
    }
  }

  // The minimal value of `id`: null, false, 0, 0.0, "", `size` bytes 'a'
  // (fixed), the first symbol (enum), [] and {} (array, map), null for a
  // union with a null branch, else its first branch with a finite value
  // wrapped as {"branch name": value}, and every field's for a record (one
  // being built already has none: the value would be infinite). Each is
  // valid Avro-JSON of `id` (IsValidDatum) by construction.
  template <typename Out>
  Out Minimal(NodeId id, int depth, bool& failed) {
    if (depth > kMaxMinimalDepth || !Count()) return Fail<Out>(failed);
    const Node& n = s_.node(id);
    switch (n.type) {
      case Type::kNull:
        return Made<Out>([] { return json::Value(nullptr); });
      case Type::kBoolean:
        return Made<Out>([] { return json::Value(false); });
      case Type::kInt:
      case Type::kLong:
        return Made<Out>([] { return json::Value(0); });
      case Type::kFloat:
      case Type::kDouble:
        return Made<Out>([] { return json::Value(0.0); });
      case Type::kString:
      case Type::kBytes:
        return Made<Out>([] { return json::Value(""); });
      case Type::kFixed:
        return Made<Out>([&] { return json::Value(std::string(n.size, 'a')); });
      case Type::kEnum:
        if (n.symbols.empty()) return Fail<Out>(failed);
        return Made<Out>([&] { return json::Value(n.symbols.front()); });
      case Type::kArray:
        return Made<Out>([] { return json::Value(json::Array{}); });
      case Type::kMap:
        return Made<Out>([] { return json::Value(json::Object{}); });
      case Type::kUnion: {
        for (NodeId b : n.branches) {
          if (s_.node(b).type == Type::kNull) return Made<Out>([] { return json::Value(nullptr); });
        }
        // No branch is null here, so each is wrapped in {"name": value}.
        for (NodeId b : n.branches) {
          bool branch_failed = false;
          auto fill = [&] { return Minimal<Out>(b, depth + 1, branch_failed); };
          Out v = [&] {
            if constexpr (kBuilds<Out>) {
              return Wrapped(b, fill);
            } else {
              return fill();
            }
          }();
          if (!branch_failed) return v;
        }
        return Fail<Out>(failed);
      }
      case Type::kRecord:
        if (std::ranges::find(visiting_.view(), id.value) != visiting_.view().end())
          return Fail<Out>(failed);
        if constexpr (kBuilds<Out>) {
          return MinimalRecord(id, n, depth, failed);
        } else {
          visiting_.push_back(id.value);
          for (const avro::Field& f : n.fields) {
            Minimal<Out>(f.type, depth + 1, failed);
            if (failed) break;
          }
          visiting_.pop_back();
          return Out{};
        }
    }
    return Fail<Out>(failed);
  }

 private:
  template <typename Out = json::Value>
  static Out Fail(bool& failed) {
    failed = true;
    return Out();
  }

  // One more value built; false past kMaxValues or the budget (the latter
  // only when charging).
  bool Count() { return ++built_ <= kMaxValues && (!charge_ || ChargeWork(1)); }

  // (One return variable: returned in place.)
  json::Value MinimalRecord(NodeId id, const Node& n, int depth, bool& failed) {
    json::Value out(json::Object{});
    json::Object& obj = out.AsObject();
    obj.reserve(n.fields.size());
    visiting_.push_back(id.value);
    for (const avro::Field& f : n.fields) {
      obj.emplace_back(Deferred{[&] { return CopyName(f.name); }},
                       Deferred{[&] { return MinimalValue(f.type, depth + 1, failed); }});
      if (failed) break;
    }
    visiting_.pop_back();
    return out;
  }

  // The record on the way to the leaf: the field the step names leads on,
  // every other field holds a minimal value.
  json::Value AlongRecord(const Node& n, std::span<const Step> steps, std::size_t k,
                          const Leaf& leaf, bool& failed) {
    json::Value out(json::Object{});
    json::Object& obj = out.AsObject();
    obj.reserve(n.fields.size());
    for (std::size_t i = 0; i < n.fields.size(); ++i) {
      const avro::Field& f = n.fields[i];
      obj.emplace_back(Deferred{[&] { return CopyName(f.name); }}, Deferred{[&] {
                         return i == steps[k].index ? Along(f.type, steps, k + 1, leaf, failed)
                                                    : MinimalValue(f.type, 0, failed);
                       }});
      if (failed) break;
    }
    return out;
  }

  // Branch `branch` of a union holding the value `fill()` makes: null for
  // the null branch (`fill` still runs, as it may fail), else
  // {"branch name": value}.
  template <typename Fill>
  json::Value Wrapped(NodeId branch, Fill&& fill) {
    json::Value out;
    if (s_.node(branch).type == Type::kNull) {
      json::Value ignored = fill();
      return out;
    }
    out = json::Value(json::Object{});
    out.AsObject().emplace_back(avro::BranchName(s_, branch), Deferred{fill});
    return out;
  }

  const Schema& s_;
  // Records being built, outermost first. (Inline: a vector cost an
  // allocation per check whose witness holds a minimal record.)
  SmallStack<std::uint32_t, 16> visiting_;
  std::size_t built_ = 0;  // values built (Count)
  bool charge_;            // Count charges the budget
};

Desc Describe(const Node& n) {
  if (avro::IsNamed(n.type)) return {avro::TypeName(n.type), " ", n.full_name};
  return {avro::TypeName(n.type), {}, {}};
}

// What a witness holds where the writer node of its finding is: a sample
// value of that node (a value that makes a type mismatch visible), one of
// its enum symbols, or its minimal value.
struct WitnessLeaf {
  enum class Kind : std::uint8_t { kSample, kSymbol, kMinimal, kRich };
  Kind kind = Kind::kSample;
  std::size_t symbol = 0;  // kSymbol: the index in the node's symbols
};

// A finding's witness, built when first read (compat::Witness): the writer
// schema (shared by the report's witnesses), the path from its root to the
// finding's node, and the leaf there. Building it was about a quarter of a
// check; reports read only for their verdict and messages never pay it.
class AvroWitness final : public WitnessSource {
 public:
  AvroWitness(std::shared_ptr<const Schema> writer, std::span<const Step> steps, NodeId node,
              WitnessLeaf leaf)
      : writer_(std::move(writer)), node_(node), leaf_(leaf) {
    for (const Step& step : steps) steps_.push_back(step);
  }

  // A built witness: schema `writer`'s value along `steps` from its root,
  // with `leaf` at `node` (nullopt when some part has no finite value).
  static std::optional<json::Value> Make(
      const Schema& writer, std::span<const Step> steps, NodeId node, WitnessLeaf with,
      DatumBuilder::Charge charge = DatumBuilder::Charge::kCharged) {
    DatumBuilder builder(writer, charge);
    auto make_leaf = [&](bool& failed) { return LeafValue(builder, node, with, failed); };
    const DatumBuilder::Leaf leaf(make_leaf);
    bool failed = false;
    std::optional<json::Value> out(std::in_place, Deferred{[&] {
                                     return builder.Along(writer.root(), steps, 0, leaf, failed);
                                   }});
    if (failed) out.reset();
    return out;
  }

  // What the witness holds at writer node `node` (sets `failed` when there
  // is no finite value), as a value or only counted (DatumBuilder::Counted;
  // not for a rich leaf).
  template <typename Out = json::Value>
  static Out LeafValue(DatumBuilder& builder, NodeId node, WitnessLeaf with, bool& failed) {
    switch (with.kind) {
      case WitnessLeaf::Kind::kSymbol:
        return DatumBuilder::Made<Out>(
            [&] { return json::Value(builder.schema().node(node).symbols[with.symbol]); });
      case WitnessLeaf::Kind::kMinimal:
        return builder.Minimal<Out>(node, 0, failed);
      case WitnessLeaf::Kind::kRich:
        if constexpr (DatumBuilder::kBuilds<Out>) {
          return builder.Rich(node, 0, failed);
        } else {
          failed = true;
          return Out{};
        }
      case WitnessLeaf::Kind::kSample:
        break;
    }
    return builder.Sample<Out>(node, failed);
  }

 private:
  // (Not charged to the budget: a proved finding's witness was counted and
  // charged when it was proved, and an unproved one is never used,
  // budget.h. Its size is bounded all the same: kMaxValues.)
  std::optional<json::Value> Build() const override {
    return Make(*writer_, steps_.view(), node_, leaf_, DatumBuilder::Charge::kFree);
  }

  std::shared_ptr<const Schema> writer_;
  SmallStack<Step, 8> steps_;  // (inline: most findings are a few steps deep)
  NodeId node_;
  WitnessLeaf leaf_;
};

// A witness the prover built (and proved) already, handed over when first
// read; a source, so that copies of the finding share it as they share any
// witness.
class ProvedWitness final : public WitnessSource {
 public:
  explicit ProvedWitness(std::optional<json::Value> value) : value_(std::move(value)) {}

 private:
  // (Called once, WitnessSource::Get: the value moves out.)
  std::optional<json::Value> Build() const override { return std::move(value_); }
  mutable std::optional<json::Value> value_;
};

// avro::IsPrimitive, inline: Check asks it of most node pairs.
constexpr bool IsPrimitiveType(Type t) {
  switch (t) {
    case Type::kNull:
    case Type::kBoolean:
    case Type::kInt:
    case Type::kLong:
    case Type::kFloat:
    case Type::kDouble:
    case Type::kBytes:
    case Type::kString:
      return true;
    default:
      return false;
  }
}

constexpr bool Promotes(Type w, Type r) {
  switch (r) {
    case Type::kLong:
      return w == Type::kInt;
    case Type::kFloat:
      return w == Type::kInt || w == Type::kLong;
    case Type::kDouble:
      return w == Type::kInt || w == Type::kLong || w == Type::kFloat;
    case Type::kBytes:
      return w == Type::kString;
    case Type::kString:
      return w == Type::kBytes;
    default:
      return false;
  }
}

// Unqualified names equal, or a reader alias (full name) names the writer.
bool NamesMatch(const Node& w, const Node& r) {
  if (SameName(w.name, r.name)) return true;
  std::span<const std::string_view> aliases = r.aliases();
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](std::string_view alias) { return SameName(alias, w.full_name); });
}

class Checker {
 public:
  // What a checker is for. kReport: every finding with its paths and
  // witness, union mismatches explained. kExplain (the checker behind such
  // an explanation): only the message of the first finding, which is all
  // an explanation quotes (its steps do not start at the root, so it could
  // not build witnesses anyway).
  enum class Purpose : std::uint8_t { kReport, kExplain };

  Checker(const Schema& w, const Schema& r, Purpose purpose = Purpose::kReport)
      : w_(w), r_(r), purpose_(purpose) {}

  Report Run() {
    Check(w_.root(), r_.root());
    if (purpose_ == Purpose::kReport && !report_.findings.empty()) Prove();
    return std::move(report_);
  }

 private:
  enum class State : std::uint8_t {
    kUnknown,
    kInProgress,
    kCompatible,
    kIncompatibleRecorded,
    kIncompatibleUnrecorded,
  };
  static constexpr State kUnknown = State::kUnknown;
  // Only pairs of named types are memoised, and a check meets few of them:
  // the first kLinearMemoLimit pairs live in a small array scanned linearly
  // (no table of writer nodes x reader nodes to allocate and clear for every
  // check), a hash map holds any further ones. Neither moves an entry once
  // made, so a pair's state is read and written through one pointer.
  static constexpr std::size_t kLinearMemoLimit = 16;
  struct PendingWitness;  // (below)
  using PairKey = std::uint64_t;
  struct MemoEntry {  // (trivial: the array is not initialised per check)
    PairKey key;
    State state;
  };

  static PairKey Key(NodeId w, NodeId r) {
    return (static_cast<std::uint64_t>(w.value) << 32) | r.value;
  }
  // The state of pair `k`, added as kUnknown if new.
  State* Slot(PairKey k) {
    for (std::size_t i = 0; i < small_memo_size_; ++i) {
      if (small_memo_[i].key == k) return &small_memo_[i].state;
    }
    if (small_memo_size_ < kLinearMemoLimit) {
      small_memo_[small_memo_size_] = {k, kUnknown};
      return &small_memo_[small_memo_size_++].state;
    }
    if (!memo_) memo_ = std::make_unique<std::unordered_map<PairKey, State>>();
    return &memo_->try_emplace(k, kUnknown).first->second;
  }

  // Where a finding points in one schema: JSON pointer `id`, then `suffix`
  // and `index` ("/name", or "/" and a union branch). Spelt out only for a
  // finding that is kept.
  struct At {
    avro::PointerId id;
    std::string_view suffix = {};
    std::string_view index = {};  // only after a suffix
  };
  static void Spell(const Schema& s, const At& at, std::string& out) {
    s.AppendPointer(at.id, out);
    // (Most paths have no suffix: no call to append nothing.)
    if (!at.suffix.empty()) {
      out.append(at.suffix);
      out.append(at.index);
    }
  }

  // Records a finding about writer node `w`, unless one of the same kind and
  // paths is recorded already (the same break reached along another path:
  // the first is kept). Only then is its message (`message()`) made; its
  // witness holds `leaf` where `w` is, and is built when first read
  // (AvroWitness; none when some part of it has no finite value). An
  // explaining checker keeps the message of its first finding and nothing
  // else. (Out of line: inlined, it made Check's frame and prologue several
  // times larger for every pair, though few pairs have a finding.)
  template <typename MessageFn>
  [[gnu::noinline]] void AddFinding(AvroKind kind, const Node& w, const At& wat, const At& rat,
                                    MessageFn&& message, WitnessLeaf leaf = {}) {
    if (!recording_) return;
    if (purpose_ == Purpose::kExplain) {
      if (!explanation_) explanation_ = message();
      return;
    }
    std::vector<Finding>& findings = report_.findings;
    if (findings.empty()) findings.reserve(4);
    // Built in place (a Finding is large to move); dropped again if it
    // repeats an earlier one.
    Finding& f = findings.emplace_back();
    Spell(w_, wat, f.writer_path);
    Spell(r_, rat, f.reader_path);
    // A named type from a reference: the pointer is in that document.
    f.writer_document = w_.DocumentOf(wat.id);
    f.reader_document = r_.DocumentOf(rat.id);
    // Past a few findings, the earlier ones are looked up by a hash of
    // (kind, paths) instead of compared one by one (n^2 for n findings).
    constexpr std::size_t kFindingScanLimit = 16;
    if (findings.size() <= kFindingScanLimit) {
      ChargeWork(findings.size());  // comparisons (budget.h)
      for (std::size_t i = 0; i + 1 < findings.size(); ++i) {
        const Finding& g = findings[i];
        if (g.kind == compat::Kind(kind) && g.writer_path == f.writer_path &&
            g.reader_path == f.reader_path && g.writer_document == f.writer_document &&
            g.reader_document == f.reader_document) {
          findings.pop_back();
          return;
        }
      }
    } else {
      if (!finding_keys_) {
        finding_keys_ = std::make_unique<std::unordered_set<std::string>>();
        for (std::size_t i = 0; i + 1 < findings.size(); ++i) {
          finding_keys_->insert(FindingKey(findings[i].kind.name(), findings[i]));
        }
      }
      ChargeWork(1);
      if (!finding_keys_->insert(FindingKey(DescribeKind(kind).name, f)).second) {
        findings.pop_back();
        return;
      }
    }
    f.kind = kind;
    f.message = message();
    // Its witness: proved by Prove (and built when read), from the path and
    // leaf kept here. (Room for a few at once: growing one by one was an
    // allocation per finding.)
    const std::span<const Step> steps = steps_.view();
    if (pending_.empty()) {
      pending_.reserve(4);
      witness_steps_.reserve(16);
    }
    pending_.push_back({static_cast<std::uint32_t>(witness_steps_.size()),
                        static_cast<std::uint32_t>(steps.size()), NodeFor(w), leaf});
    witness_steps_.insert(witness_steps_.end(), steps.begin(), steps.end());
    // What Report::Add does for a breaking finding (every finding here is).
    report_.verdict = Verdict::kIncompatible;
  }

  // Every finding's witness is read with the reader schema by the
  // specification's resolution rules (avro::DatumResolver): a finding stays
  // BREAKING only when its witness is valid writer data and the reader
  // fails on it for the finding's reason, at the finding's reader path.
  // Otherwise (no finite writer datum reaches the node, as in a record
  // that contains itself on every path; the depth limit) it is UNDECIDED,
  // without a witness. Every witness is thus built here (reports otherwise
  // built them only when read: the price of never presenting an unproven
  // break), straight from the checker's schema (no copy to share, no
  // deferred building), and read by DatumResolver::Proves, which keeps no
  // messages or datum locations.
  void Prove() {
    // Past the request's budget the caller answers with the limit, not
    // with this report (budget.h): nothing to prove. (Its witnesses are
    // left to be built when read, as before proofs.)
    if (WorkExhausted()) {
      auto writer = std::make_shared<const Schema>(w_);
      for (std::size_t i = 0; i < report_.findings.size() && i < pending_.size(); ++i) {
        const PendingWitness& p = pending_[i];
        report_.findings[i].witness =
            Witness(std::make_shared<const AvroWitness>(writer, StepsOf(p), p.node, p.leaf));
      }
      return;
    }
    avro::DatumResolver resolver(w_, r_);
    std::shared_ptr<const Schema> writer;  // shared by the witnesses built when read
    // A witness proved along its path: built when first read.
    auto proved_along_path = [&](Finding& f, const PendingWitness& p, WitnessLeaf leaf) {
      if (!writer) writer = std::make_shared<const Schema>(w_);
      f.witness = Witness(std::make_shared<const AvroWitness>(writer, StepsOf(p), p.node, leaf));
    };
    bool undecided = false;
    for (std::size_t i = 0; i < report_.findings.size(); ++i) {
      Finding& f = report_.findings[i];
      if (i < pending_.size() && ProvedAlongPath(resolver, f, pending_[i], pending_[i].leaf)) {
        proved_along_path(f, pending_[i], pending_[i].leaf);
        continue;
      }
      // The whole witness built and read.
      std::optional<json::Value> witness;
      if (i < pending_.size()) {
        const PendingWitness& p = pending_[i];
        witness = AvroWitness::Make(w_, StepsOf(p), p.node, p.leaf);
      }
      const char* why = Proof(resolver, f, witness);
      if (why != nullptr && witness) {
        // A second try: the same path with a rich value where the finding
        // is (a minimal one may be too empty to reach the mismatch); along
        // the path first (what that proves, the whole reading proves).
        const PendingWitness& p = pending_[i];
        if (ProvedAlongPath(resolver, f, p, {WitnessLeaf::Kind::kRich})) {
          proved_along_path(f, p, {WitnessLeaf::Kind::kRich});
          continue;
        }
        std::optional<json::Value> rich =
            AvroWitness::Make(w_, StepsOf(p), p.node, {WitnessLeaf::Kind::kRich});
        if (Proof(resolver, f, rich) == nullptr) {
          why = nullptr;
          witness = std::move(rich);
        }
      }
      if (why == nullptr) {
        // (Shared, as a built source: copies of the finding read one value.)
        f.witness = Witness(std::make_shared<const ProvedWitness>(std::move(witness)));
        continue;
      }
      undecided = true;
      f.severity = Severity::kUndecided;
      f.witness.reset();
      if (*why != '\0') f.message = Cat("undecided (", why, "): ", f.message);
    }
    // Breaking findings first (Report's order), each severity in order.
    if (undecided) {
      std::stable_partition(report_.findings.begin(), report_.findings.end(),
                            [](const Finding& f) { return f.severity == Severity::kBreaking; });
    }
  }

  // The proof along the finding's path (DatumResolver::ProvesAlong), which
  // neither builds nor reads the witness's other parts: true when it proves
  // `f` with the witness `p` describes with leaf `with`, built as Prove
  // would build it (the same value, built when first read, AvroWitness).
  // Sound because
  //  * the witness is valid writer data: the parts off the path are minimal
  //    values, valid by construction (DatumBuilder::Minimal), counted here
  //    as building them would count them, so that one without a finite
  //    value, or more than kMaxValues of them, refuses the shortcut as it
  //    fails the building; the path's records hold every field, its
  //    unions the branch's name; and the leaf is built and read;
  //  * no reader union lies on the path before the leaf (ProvesAlong
  //    refuses one), so no trial of a reader branch reads the parts off the
  //    path, and a failure outside a trial never ends the reading: the
  //    failure found on the path or in the leaf is one Proves finds on the
  //    whole witness. (Its depth limit, 512 levels, the whole reading
  //    cannot reach: the path is at most kMaxShortcutSteps long and a
  //    minimal value nests at most kMaxMinimalDepth records. Its step
  //    limit, 1,000,000, it could only through the reader unions' trials
  //    of the other parts, at most two steps per value otherwise, and
  //    kMaxValues values: a resource limit of the resolver, which would
  //    leave such a finding UNDECIDED though this proof stands.)
  // False when it does not prove `f` (refused: Prove then builds and reads
  // the whole witness, as it decides every finding the shortcut does not).
  // So that the shortcut changes no verdict and no witness, Prove tries a
  // rich leaf only after the whole witness with the finding's own leaf
  // failed, as before; a leaf whose value the proof does not read (a
  // failure of the leaf node itself) is only counted, and a rich one is
  // then refused (no richer value fails otherwise at that node).
  static constexpr std::size_t kMaxShortcutSteps = 200;
  bool ProvedAlongPath(avro::DatumResolver& resolver, const Finding& f, const PendingWitness& p,
                       WitnessLeaf with) const {
    std::optional<avro::ResolutionFailure> expected;
    if (auto k = f.kind.As<AvroKind>()) expected = ExpectedFailure(*k);
    if (!expected || p.count > kMaxShortcutSteps) return false;
    const std::span<const Step> steps = StepsOf(p);
    DatumBuilder builder(w_);
    bool failed = false;
    builder.CountOffPath(w_.root(), steps, failed);
    if (failed) return false;
    // A missing branch or symbol depends on the leaf's value, which is then
    // built and read; any other failure is the leaf node's own, whatever
    // its value (which is only counted).
    std::optional<json::Value> leaf;
    if (*expected == avro::ResolutionFailure::kNoUnionBranch ||
        *expected == avro::ResolutionFailure::kMissingEnumSymbol) {
      leaf.emplace(AvroWitness::LeafValue(builder, p.node, with, failed));
    } else {
      AvroWitness::LeafValue<DatumBuilder::Counted>(builder, p.node, with, failed);
    }
    if (failed) return false;
    return resolver.ProvesAlong(w_.root(), r_.root(), steps, leaf ? &*leaf : nullptr, *expected,
                                f.reader_path) == avro::ProofOutcome::kProved;
  }

  // Null when `witness` proves `f`; else why not ("" when the message says
  // so already).
  const char* Proof(avro::DatumResolver& resolver, const Finding& f,
                    const std::optional<json::Value>& witness) const {
    std::optional<avro::ResolutionFailure> expected;
    if (auto k = f.kind.As<AvroKind>()) expected = ExpectedFailure(*k);
    if (!expected) return "";
    if (!witness) return "no finite writer datum of bounded size reaches it";
    switch (resolver.Proves(w_.root(), r_.root(), *witness, *expected, f.reader_path)) {
      case avro::ProofOutcome::kProved:
        return nullptr;
      case avro::ProofOutcome::kUnreadable:
        return "its witness could not be read";
      case avro::ProofOutcome::kNotProved:
        break;
    }
    return "no writer datum was found that proves it";
  }

  // The resolution failure that proves a finding of kind `k` (none for
  // UNDECIDED_DEPTH: undecided by definition).
  static std::optional<avro::ResolutionFailure> ExpectedFailure(AvroKind k) {
    switch (k) {
      case AvroKind::kNameMismatch:
        return avro::ResolutionFailure::kNameMismatch;
      case AvroKind::kFixedSizeMismatch:
        return avro::ResolutionFailure::kFixedSizeMismatch;
      case AvroKind::kMissingEnumSymbols:
        return avro::ResolutionFailure::kMissingEnumSymbol;
      case AvroKind::kReaderFieldMissingDefaultValue:
        return avro::ResolutionFailure::kMissingField;
      case AvroKind::kTypeMismatch:
        return avro::ResolutionFailure::kTypeMismatch;
      case AvroKind::kMissingUnionBranch:
        return avro::ResolutionFailure::kNoUnionBranch;
      default:
        return std::nullopt;
    }
  }

  // The NodeId of a writer node reference (nodes live in one vector).
  NodeId NodeFor(const Node& n) const {
    return NodeId{static_cast<std::uint32_t>(&n - &w_.node(NodeId{0}))};
  }

  // Recursion depth of Check, bounded so that a long chain of distinct
  // named types cannot exhaust the stack.
  struct DepthGuard {
    explicit DepthGuard(std::size_t* d) : d_(d) { ++*d_; }
    ~DepthGuard() { --*d_; }
    std::size_t* d_;
  };

  // What Check(w, r) returns when it is sure to record and remember
  // nothing: the same primitive type, or a promotion, within the depth
  // bound. Most pairs a check meets are of this kind; answering them here
  // saves a call (and a step pushed and popped).
  bool ReadsPrimitive(const Node& w, const Node& r) const {
    return depth_ < kMaxCheckDepth && IsPrimitiveType(r.type) &&
           (w.type == r.type || Promotes(w.type, r.type));
  }

  // Check of a child pair reached from the current one by `step`.
  bool CheckChild(Step step, NodeId wid, NodeId rid) {
    if (ReadsPrimitive(w_.node(wid), r_.node(rid))) return true;
    steps_.push_back(step);
    bool ok = Check(wid, rid);
    steps_.pop_back();
    return ok;
  }

  bool Check(NodeId wid, NodeId rid) {
    // An explaining checker is done at its first finding: what it would
    // find, remember or return after that is thrown away.
    if (explanation_) return false;
    // Past the request's work budget (budget.h) nothing more is compared:
    // the caller answers with the limit, not with this report.
    if (!ChargeWork(1)) return false;
    const Node& w = w_.node(wid);
    const Node& r = r_.node(rid);
    DepthGuard guard(&depth_);
    if (depth_ > kMaxCheckDepth) {
      if (recording_ && !depth_reported_) {
        depth_reported_ = true;
        AddFinding(kAvroUndecidedDepth, w, {w.pointer}, {r.pointer}, [&] {
          return Cat("comparison nested deeper than ", std::to_string(kMaxCheckDepth),
                     " levels; compatibility not decided");
        });
      }
      return false;
    }
    if (w.type == Type::kUnion) {
      bool ok = true;
      for (std::size_t i = 0; i < w.branches.size(); ++i) {
        if (r.type != Type::kUnion) {
          if (!CheckChild({Step::Kind::kBranch, i}, w.branches[i], rid)) ok = false;
          continue;
        }
        // Versions usually keep the order of branches: a primitive branch
        // read by the reader branch at the same position needs no search.
        if (i < r.branches.size() &&
            ReadsPrimitive(w_.node(w.branches[i]), r_.node(r.branches[i]))) {
          continue;
        }
        if (ReaderUnionAccepts(w.branches[i], r)) continue;
        ok = false;
        const Node& wb = w_.node(w.branches[i]);
        if (recording_) {
          steps_.push_back({Step::Kind::kBranch, i});
          std::string index = std::to_string(i);
          AddFinding(kAvroMissingUnionBranch, wb, {w.pointer, "/", index}, {r.pointer}, [&] {
            return Cat("reader union has no branch that can read writer union branch ", index, " (",
                       Describe(wb), ")", AdviceFor(w.branches[i], r));
          });
          steps_.pop_back();
        }
      }
      return ok;
    }
    if (r.type == Type::kUnion) {
      if (ReaderUnionAccepts(wid, r)) return true;
      if (recording_) {
        AddFinding(kAvroMissingUnionBranch, w, {w.pointer}, {r.pointer}, [&] {
          return Cat("reader union has no branch that can read writer type ", Describe(w),
                     AdviceFor(wid, r));
        });
      }
      return false;
    }
    if (IsPrimitiveType(r.type)) {
      if (w.type == r.type || Promotes(w.type, r.type)) return true;
      return Mismatch(w, r);
    }
    if (w.type != r.type) return Mismatch(w, r);
    switch (r.type) {
      case Type::kArray:
      case Type::kMap: {
        bool is_array = r.type == Type::kArray;
        return CheckChild({is_array ? Step::Kind::kItem : Step::Kind::kValue, 0}, w.items, r.items);
      }
      case Type::kRecord:
      case Type::kEnum:
      case Type::kFixed:
        return CheckNamed(wid, rid);
      default:
        return Mismatch(w, r);
    }
  }

  // The end of a missing-branch message: why the reader branch of the
  // writer's own type (if any) does not fit, "; reader branch 1 (record
  // a.B) does not fit because <first finding>", else advice. Kept as parts
  // that the message's Cat appends (a string of its own was an allocation
  // and a copy more per union finding, and the advice is a literal).
  struct UnionAdvice {
    // Set when a reader branch of the writer's type was tried and failed.
    std::optional<std::string> explanation;
    std::size_t branch = 0;
    Desc branch_desc;
  };
  friend std::size_t PartSize(const UnionAdvice& a) {
    if (!a.explanation) return PartSize(kAddBranchAdvice);
    return PartSize(kBranchPrefix) + Digits(a.branch) + PartSize(" (") + PartSize(a.branch_desc) +
           PartSize(kBranchReason) + a.explanation->size();
  }
  friend void PutPart(char*& at, const UnionAdvice& a) {
    if (!a.explanation) {
      PutPart(at, kAddBranchAdvice);
      return;
    }
    PutPart(at, kBranchPrefix);
    at = std::to_chars(at, at + Digits(a.branch), a.branch).ptr;
    PutPart(at, " (");
    PutPart(at, a.branch_desc);
    PutPart(at, kBranchReason);
    PutPart(at, *a.explanation);
  }
  static constexpr char kAddBranchAdvice[] = ": add a compatible branch to the reader union";
  static constexpr char kBranchPrefix[] = "; reader branch ";
  static constexpr char kBranchReason[] = ") does not fit because ";
  static std::size_t Digits(std::size_t v) {
    std::size_t n = 1;
    for (; v >= 10; v /= 10) ++n;
    return n;
  }

  UnionAdvice AdviceFor(NodeId wid, const Node& r_union) {
    UnionAdvice advice;
    // Only the top-level checker explains: explanations inside explanations
    // could chase each other around mutually recursive types forever.
    if (purpose_ == Purpose::kExplain) return advice;
    const Node& w = w_.node(wid);
    for (std::size_t j = 0; j < r_union.branches.size(); ++j) {
      NodeId rbid = r_union.branches[j];
      const Node& rb = r_.node(rbid);
      if (rb.type != w.type) continue;
      // A separate checker, so that this explanation leaves no state behind.
      Checker sub(w_, r_, Purpose::kExplain);
      sub.Check(wid, rbid);
      if (sub.explanation_) {
        advice.explanation = std::move(sub.explanation_);
        advice.branch = j;
        advice.branch_desc = Describe(rb);
      }
      return advice;
    }
    return advice;
  }

  bool Mismatch(const Node& w, const Node& r) {
    if (recording_) {
      AddFinding(kAvroTypeMismatch, w, {w.pointer}, {r.pointer}, [&] {
        return Cat("writer type ", Describe(w), " cannot be read as reader type ", Describe(r),
                   " (Avro promotes only int->long/float/double, long->float/double, "
                   "float->double, string<->bytes)");
      });
    }
    return false;
  }

  // Whether some branch of reader union `r` reads writer node `wid`.
  // Branches are matched by type and, for named types, by name before any
  // deep comparison: a named reader branch whose name and aliases do not
  // match the writer's cannot read it (CompareNamed), so it is not tried.
  // Small unions are scanned; a large one is indexed once per check
  // (UnionIndex), so that matching every branch of a writer union of n
  // branches against a reader union of n costs O(n) comparisons, not n^2
  // (each of which would also have left a memo entry behind).
  bool ReaderUnionAccepts(NodeId wid, const Node& r) {
    bool saved = recording_;
    recording_ = false;
    bool found = false;
    const Node& w = w_.node(wid);
    auto try_branch = [&](NodeId rb) {
      ChargeWork(1);  // each branch tried (budget.h)
      const Node& b = r_.node(rb);
      if (ReadsPrimitive(w, b)) return true;
      // A branch of another type that is no promotion is a mismatch, which
      // records nothing here: no need to call Check for it. (Unions never
      // nest, but a union would not be a plain mismatch.)
      if (b.type != w.type && w.type != Type::kUnion && b.type != Type::kUnion) return false;
      if (avro::IsNamed(w.type) && b.type == w.type && !NamesMatch(w, b)) return false;
      return Check(wid, rb);
    };
    if (r.branches.size() <= kUnionScanLimit || w.type == Type::kUnion) {
      for (NodeId rb : r.branches) {
        if (try_branch(rb)) {
          found = true;
          break;
        }
      }
    } else {
      const UnionIndex& index = IndexOf(r);
      index.Candidates(w, r, candidates_scratch_);
      // (A copy: Check may reenter and reuse the scratch list.)
      const std::vector<std::uint32_t> candidates = candidates_scratch_;
      for (std::uint32_t j : candidates) {
        if (try_branch(r.branches[j])) {
          found = true;
          break;
        }
      }
    }
    recording_ = saved;
    return found;
  }

  // A reader union's branches by type and by name (unqualified names, and
  // the full names its aliases give), for unions past kUnionScanLimit.
  static constexpr std::size_t kUnionScanLimit = 16;
  struct UnionIndex {
    std::array<std::vector<std::uint32_t>, 16> by_type;                // branch positions, in order
    std::unordered_multimap<std::string_view, std::uint32_t> by_name;  // named branches
    std::unordered_multimap<std::string_view, std::uint32_t> by_alias;  // alias full name

    UnionIndex(const Schema& s, const Node& u) {
      for (std::uint32_t j = 0; j < u.branches.size(); ++j) {
        const Node& b = s.node(u.branches[j]);
        by_type[static_cast<std::size_t>(b.type)].push_back(j);
        if (!avro::IsNamed(b.type)) continue;
        by_name.emplace(b.name, j);
        for (std::string_view alias : b.aliases()) by_alias.emplace(alias, j);
      }
    }
    // The positions of the branches that may read `w`, in branch order:
    // those of its type (for a named type, those whose name or an alias
    // matches) and those it promotes to.
    void Candidates(const Node& w, const Node& u, std::vector<std::uint32_t>& out) const {
      out.clear();
      if (avro::IsNamed(w.type)) {
        for (auto [it, end] = by_name.equal_range(w.name); it != end; ++it)
          out.push_back(it->second);
        for (auto [it, end] = by_alias.equal_range(w.full_name); it != end; ++it)
          out.push_back(it->second);
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return;
      }
      for (std::size_t t = 0; t < by_type.size(); ++t) {
        const Type type = static_cast<Type>(t);
        if (type != w.type && !Promotes(w.type, type)) continue;
        out.insert(out.end(), by_type[t].begin(), by_type[t].end());
      }
      std::sort(out.begin(), out.end());
    }
  };
  const UnionIndex& IndexOf(const Node& r_union) {
    if (!union_indexes_) {
      union_indexes_ =
          std::make_unique<std::unordered_map<const Node*, std::unique_ptr<UnionIndex>>>();
    }
    std::unique_ptr<UnionIndex>& slot = (*union_indexes_)[&r_union];
    if (!slot) slot = std::make_unique<UnionIndex>(r_, r_union);
    return *slot;
  }

  bool CheckNamed(NodeId wid, NodeId rid) {
    State* state = Slot(Key(wid, rid));
    switch (*state) {
      case State::kInProgress:
      case State::kCompatible:
        return true;
      case State::kIncompatibleRecorded:
        return false;
      case State::kIncompatibleUnrecorded:
        if (!recording_) return false;
        break;  // compare again, this time recording the findings
      case State::kUnknown:
        break;
    }
    *state = State::kInProgress;
    std::size_t log_mark = compatible_log_.size();
    bool ok = CompareNamed(w_.node(wid), r_.node(rid));
    if (ok) {
      *state = State::kCompatible;
      compatible_log_.push_back(state);
    } else {
      *state = recording_ ? State::kIncompatibleRecorded : State::kIncompatibleUnrecorded;
      for (std::size_t i = log_mark; i < compatible_log_.size(); ++i) {
        if (*compatible_log_[i] == State::kCompatible) *compatible_log_[i] = kUnknown;
      }
      compatible_log_.resize(log_mark);
    }
    return ok;
  }

  bool CompareNamed(const Node& w, const Node& r) {
    // Fields and symbols are compared below: charged by their number.
    if (!ChargeWork(w.fields.size() + r.fields.size() + w.symbols.size() + r.symbols.size()))
      return false;
    bool ok = true;
    if (!NamesMatch(w, r)) {
      ok = false;
      if (recording_) {
        // Names are [A-Za-z0-9_.]: quoting one is adding quotes.
        AddFinding(kAvroNameMismatch, w, {w.pointer, "/name"}, {r.pointer, "/name"}, [&] {
          return Cat("writer ", Describe(w), " is read as reader ", Describe(r),
                     ": names differ and no reader alias is \"", w.full_name, "\"");
        });
      }
    }
    switch (r.type) {
      case Type::kFixed:
        if (w.size != r.size) {
          ok = false;
          if (recording_) {
            AddFinding(kAvroFixedSizeMismatch, w, {w.pointer, "/size"}, {r.pointer, "/size"}, [&] {
              return Cat("writer fixed ", w.full_name, " has size ", std::to_string(w.size),
                         " but reader fixed ", r.full_name, " has size ", std::to_string(r.size));
            });
          }
        }
        return ok;
      case Type::kEnum: {
        if (r.enum_default()) return ok;
        // Whether writer symbol i is missing from the reader. Versions
        // usually keep the order of symbols, so the reader symbol at the
        // same position is tried first.
        // A long reader enum's symbols are hashed at the first symbol out
        // of place (an enum of n symbols, reordered, cost n^2 comparisons).
        StringViewSet reader_symbols;
        auto is_missing = [&](std::size_t i) {
          std::string_view s = w.symbols[i];
          if (i < r.symbols.size() && SameName(r.symbols[i], s)) return false;
          if (r.symbols.size() > kUnionScanLimit) {
            if (reader_symbols.empty()) {
              ChargeWork(r.symbols.size());  // (budget.h)
              reader_symbols = StringViewSet(r.symbols.begin(), r.symbols.end());
            }
            ChargeWork(1);
            // (the callers go through the symbols in order)
            if (i + 8 < w.symbols.size()) reader_symbols.Prefetch(w.symbols[i + 8]);
            return !reader_symbols.Contains(s);
          }
          ChargeWork(r.symbols.size());  // comparisons (budget.h)
          return std::none_of(r.symbols.begin(), r.symbols.end(),
                              [&](std::string_view symbol) { return SameName(symbol, s); });
        };
        std::size_t first_missing = 0;
        while (first_missing < w.symbols.size() && !is_missing(first_missing)) ++first_missing;
        if (first_missing == w.symbols.size()) return ok;
        if (!recording_) return false;
        AddFinding(kAvroMissingEnumSymbols, w, {w.pointer, "/symbols"}, {r.pointer, "/symbols"},
                   [&] {
                     std::string list;
                     for (std::size_t i = first_missing; i < w.symbols.size(); ++i) {
                       if (!is_missing(i)) continue;
                       if (!list.empty()) list += ", ";
                       list += w.symbols[i];
                     }
                     return Cat("reader enum ", r.full_name, " lacks writer symbols [", list,
                                "] and has no enum default");
                   },
                   {WitnessLeaf::Kind::kSymbol, first_missing});
        return false;
      }
      case Type::kRecord:
        return CompareFields(w, r) && ok;
      default:
        return ok;
    }
  }

  bool CompareFields(const Node& w, const Node& r) {
    bool ok = true;
    // Where the writer field matching the next reader field is likely to be:
    // after the last match (versions usually keep the order of fields, also
    // when they add or drop some).
    std::size_t hint = 0;
    std::unordered_map<std::string_view, std::size_t> writer_fields;  // name -> index, once needed
    for (std::size_t j = 0; j < r.fields.size(); ++j) {
      const avro::Field& rf = r.fields[j];
      std::optional<std::size_t> wi;
      // Field names are unique within a record, so the first match is the
      // match: the writer field at `hint` is tried first.
      if (hint < w.fields.size() && SameName(w.fields[hint].name, rf.name)) wi = hint;
      // A long writer record's fields are hashed by name at the first miss
      // of the hint (records of n fields, reordered, cost n^2 comparisons).
      if (!wi && w.fields.size() > kUnionScanLimit) {
        if (writer_fields.empty()) {
          ChargeWork(w.fields.size());  // (budget.h)
          writer_fields.reserve(w.fields.size());
          for (std::size_t i = 0; i < w.fields.size(); ++i)
            writer_fields.emplace(w.fields[i].name, i);
        }
        ChargeWork(1 + rf.aliases.size());
        auto find = [&](std::string_view name) -> std::optional<std::size_t> {
          auto it = writer_fields.find(name);
          if (it == writer_fields.end()) return std::nullopt;
          return it->second;
        };
        wi = find(rf.name);
        for (std::string_view alias : rf.aliases) {
          if (wi) break;
          wi = find(alias);
        }
      } else if (!wi) {
        ChargeWork(w.fields.size() * (1 + rf.aliases.size()));  // the scans below (budget.h)
        for (std::size_t i = 0; i < w.fields.size() && !wi; ++i) {
          if (SameName(w.fields[i].name, rf.name)) wi = i;
        }
        for (std::string_view alias : rf.aliases) {
          if (wi) break;
          for (std::size_t i = 0; i < w.fields.size(); ++i) {
            if (SameName(w.fields[i].name, alias)) {
              wi = i;
              break;
            }
          }
        }
      }
      if (!wi) {
        if (rf.default_value) continue;
        ok = false;
        if (recording_) {
          AddFinding(kAvroReaderFieldMissingDefaultValue, w, {w.pointer}, {rf.pointer},
                     [&] {
                       return Cat("reader field \"", rf.name, "\" of record ", r.full_name,
                                  " has no default and writer record ", w.full_name,
                                  " has no field of that name",
                                  rf.aliases.empty() ? "" : " or alias");
                     },
                     {WitnessLeaf::Kind::kMinimal});
        }
        continue;
      }
      hint = *wi + 1;
      if (!CheckChild({Step::Kind::kField, *wi}, w.fields[*wi].type, rf.type)) ok = false;
    }
    return ok;
  }

  static std::string FindingKey(std::string_view kind, const Finding& f) {
    const std::string_view nul("\0", 1);
    return Cat(kind, nul, f.writer_document, nul, f.writer_path, nul, f.reader_document, nul,
               f.reader_path);
  }

  const Schema& w_;
  const Schema& r_;
  // Indexes of the large reader unions met, made when first needed. (The
  // tables too: a checker is made for every check, and the destructors of
  // empty tables were ~3% of a check.)
  std::unique_ptr<std::unordered_map<const Node*, std::unique_ptr<UnionIndex>>> union_indexes_;
  std::vector<std::uint32_t> candidates_scratch_;
  // (kind, writer document and path, reader document and path) of every
  // finding, once there are many.
  std::unique_ptr<std::unordered_set<std::string>> finding_keys_;
  // Each finding's witness, to build (in order; its steps in witness_steps_).
  struct PendingWitness {
    std::uint32_t first;
    std::uint32_t count;
    NodeId node;
    WitnessLeaf leaf;
  };
  std::span<const Step> StepsOf(const PendingWitness& p) const {
    return std::span<const Step>(witness_steps_).subspan(p.first, p.count);
  }
  std::vector<PendingWitness> pending_;
  std::vector<Step> witness_steps_;
  SmallStack<Step, 24> steps_;  // from the root to the node being compared
  std::array<MemoEntry, kLinearMemoLimit> small_memo_;
  std::size_t small_memo_size_ = 0;
  // Pairs past the array's; made when first needed (a check rarely does,
  // and an empty map still costs its constructor and destructor).
  std::unique_ptr<std::unordered_map<PairKey, State>> memo_;
  SmallStack<State*, 16> compatible_log_;  // states set kCompatible, in order
  Report report_;                          // breaking until Prove (which reorders)
  bool recording_ = true;
  const Purpose purpose_;
  // kExplain: the message of the first finding.
  std::optional<std::string> explanation_;
  std::size_t depth_ = 0;
  bool depth_reported_ = false;
  static constexpr std::size_t kMaxCheckDepth = 400;
};

template <typename Fn>
Result<Report> ParseBoth(const json::Value& a, const json::Value& b,
                         const AvroCheckOptions& options, std::string_view name_a,
                         std::string_view name_b, Fn&& fn) {
  auto sa = avro::Parse(a, options.parse);
  if (!sa) {
    Error e = sa.error();
    if (e.file.empty()) e.file = std::string(name_a);
    return std::unexpected(std::move(e));
  }
  auto sb = avro::Parse(b, options.parse);
  if (!sb) {
    Error e = sb.error();
    if (e.file.empty()) e.file = std::string(name_b);
    return std::unexpected(std::move(e));
  }
  return fn(*sa, *sb);
}

}  // namespace

Report CheckAvroSchemas(const avro::Schema& writer, const avro::Schema& reader) {
  Checker checker(writer, reader);
  return checker.Run();
}

Result<Report> CheckAvro(const json::Value& writer, const json::Value& reader,
                         const AvroCheckOptions& options) {
  return ParseBoth(
      writer, reader, options, "writer", "reader",
      [](const avro::Schema& w, const avro::Schema& r) { return CheckAvroSchemas(w, r); });
}

Result<Report> CheckAvroLevel(Level level, const std::vector<json::Value>& history,
                              const json::Value& candidate, const AvroCheckOptions& options,
                              const std::vector<int>& versions) {
  std::vector<avro::Schema> schemas;
  schemas.reserve(history.size() + 1);
  for (std::size_t i = 0; i <= history.size(); ++i) {
    const json::Value& v = i < history.size() ? history[i] : candidate;
    auto s = avro::Parse(v, options.parse);
    if (!s) {
      Error e = s.error();
      if (e.file.empty())
        e.file = i < history.size() ? "version " + std::to_string(i + 1) : "candidate";
      return std::unexpected(std::move(e));
    }
    schemas.push_back(std::move(*s));
  }
  return CheckHistory(
      level, history.size(),
      [&](std::size_t w, std::size_t r) { return CheckAvroSchemas(schemas[w], schemas[r]); },
      versions);
}

Result<Report> DiffAvro(const json::Value& old_schema, const json::Value& new_schema,
                        const AvroCheckOptions& options) {
  return ParseBoth(
      old_schema, new_schema, options, "old", "new",
      [](const avro::Schema& o, const avro::Schema& n) { return DiffAvroSchemas(o, n); });
}

}  // namespace accord::compat

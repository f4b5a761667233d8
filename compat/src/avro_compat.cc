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
#include <cstring>
#include <span>
#include <array>
#include <unordered_map>

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

std::size_t PartSize(const Desc& d) { return d.type.size() + d.sep.size() + d.name.size(); }
void AppendPart(std::string& out, const Desc& d) {
  out.append(d.type);
  out.append(d.sep);
  out.append(d.name);
}
template <typename T>
std::size_t PartSize(const T& part) { return std::string_view(part).size(); }
template <typename T>
void AppendPart(std::string& out, const T& part) { out.append(std::string_view(part)); }

// Concatenation with one allocation (messages are built from many parts,
// several of them views into the schemas).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  out.reserve((PartSize(parts) + ...));
  (AppendPart(out, parts), ...);
  return out;
}

// How the writer datum reaches the node being compared, from the root.
struct Step {
  enum class Kind : std::uint8_t { kField, kItem, kValue, kBranch };
  Kind kind;
  std::size_t index = 0;  // field index in the writer record, or union branch
};

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
    resize(size_ - 1);
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
  [[gnu::noinline]] void PushToHeap(T v) {
    if (size_ == N) heap_.assign(inline_.begin(), inline_.end());
    heap_.push_back(v);
    ++size_;
  }

  std::array<T, N> inline_;  // the first size_ (up to N) are set
  std::vector<T> heap_;  // all elements, while there are more than N
  std::size_t size_ = 0;
};

// Builds Avro-JSON values of the writer schema (witnesses). Values are
// written in place (`out`): each record member is added to its object
// first and then filled, so no json::Value is moved through the recursion
// (moves of nested values were a visible share of a check).
class DatumBuilder {
 public:
  explicit DatumBuilder(const Schema& s) : s_(s) {}

  // A small valid value; nullopt when the type has no finite value
  // (a record that contains itself through every path).
  std::optional<json::Value> Minimal(NodeId id) {
    std::optional<json::Value> out(std::in_place);
    if (!MinimalInto(id, *out, 0)) out.reset();
    return out;
  }

  // Minimal, written to `out`; false (and `out` unspecified) when there is
  // no finite value.
  bool MinimalInto(NodeId id, json::Value& out, int depth) {
    if (depth > 64) return false;
    const Node& n = s_.node(id);
    switch (n.type) {
      case Type::kNull: out = json::Value(nullptr); return true;
      case Type::kBoolean: out = json::Value(false); return true;
      case Type::kInt:
      case Type::kLong: out = json::Value(0); return true;
      case Type::kFloat:
      case Type::kDouble: out = json::Value(0.0); return true;
      case Type::kString: out = json::Value(""); return true;
      case Type::kBytes: out = json::Value(""); return true;
      case Type::kFixed: out = json::Value(std::string(n.size, 'a')); return true;
      case Type::kEnum:
        if (n.symbols.empty()) return false;
        out = json::Value(n.symbols.front());
        return true;
      case Type::kArray: out = json::Value(json::Array{}); return true;
      case Type::kMap: out = json::Value(json::Object{}); return true;
      case Type::kUnion: {
        for (NodeId b : n.branches) {
          if (s_.node(b).type == Type::kNull) {
            out = json::Value(nullptr);
            return true;
          }
        }
        for (NodeId b : n.branches) {
          // (No branch is null here, so each is wrapped in {"name": value}.)
          if (WrapInto(b, out, [&](json::Value& v) { return MinimalInto(b, v, depth + 1); })) return true;
        }
        return false;
      }
      case Type::kRecord: {
        if (std::find(visiting_.begin(), visiting_.end(), id.value) != visiting_.end()) return false;
        visiting_.push_back(id.value);
        out = json::Value(json::Object{});
        json::Object& obj = out.AsObject();
        obj.reserve(n.fields.size());
        bool ok = true;
        for (const avro::Field& f : n.fields) {
          obj.emplace_back(std::string(f.name), json::Value());
          if (!MinimalInto(f.type, obj.back().value, depth + 1)) {
            ok = false;
            break;
          }
        }
        visiting_.pop_back();
        return ok;
      }
    }
    return false;
  }

  // A value that makes a type mismatch visible (e.g. a long beyond int range).
  std::optional<json::Value> Sample(NodeId id) {
    const Node& n = s_.node(id);
    switch (n.type) {
      case Type::kBoolean: return json::Value(true);
      case Type::kInt: return json::Value(1);
      case Type::kLong: return json::Value(std::int64_t{2147483648});
      case Type::kFloat: return json::Value(0.5);
      case Type::kDouble: return json::Value(0.1);
      case Type::kString: return json::Value("text");
      case Type::kBytes: return json::Value("\xc3\xbf");  // U+00FF: byte 0xff
      default: return Minimal(id);
    }
  }

  // Branch `branch` of a union holding the value `fill` writes: null for
  // the null branch, else {"branch name": value}. False when `fill` fails.
  template <typename Fill>
  bool WrapInto(NodeId branch, json::Value& out, Fill&& fill) {
    if (s_.node(branch).type == Type::kNull) {
      json::Value ignored;
      if (!fill(ignored)) return false;
      out = json::Value(nullptr);
      return true;
    }
    out = json::Value(json::Object{});
    json::Object& obj = out.AsObject();
    obj.emplace_back(avro::BranchName(s_, branch), json::Value());
    return fill(obj.back().value);
  }

  // Writes to `out` the root datum that follows `steps` (from step `k`) and
  // holds `leaf` at their end (moved there: it is used once); false when
  // some value on the way has no finite value.
  bool AlongInto(NodeId id, std::span<const Step> steps, std::size_t k, json::Value& leaf, json::Value& out) {
    if (k == steps.size()) {
      out = std::move(leaf);
      return true;
    }
    const Node& n = s_.node(id);
    const Step& st = steps[k];
    switch (st.kind) {
      case Step::Kind::kField: {
        out = json::Value(json::Object{});
        json::Object& obj = out.AsObject();
        obj.reserve(n.fields.size());
        for (std::size_t i = 0; i < n.fields.size(); ++i) {
          obj.emplace_back(std::string(n.fields[i].name), json::Value());
          bool ok = i == st.index ? AlongInto(n.fields[i].type, steps, k + 1, leaf, obj.back().value)
                                  : MinimalInto(n.fields[i].type, obj.back().value, 0);
          if (!ok) return false;
        }
        return true;
      }
      case Step::Kind::kItem: {
        out = json::Value(json::Array{});
        json::Array& arr = out.AsArray();
        arr.emplace_back();
        return AlongInto(n.items, steps, k + 1, leaf, arr.back());
      }
      case Step::Kind::kValue: {
        out = json::Value(json::Object{});
        json::Object& obj = out.AsObject();
        obj.emplace_back(std::string("key"), json::Value());
        return AlongInto(n.items, steps, k + 1, leaf, obj.back().value);
      }
      case Step::Kind::kBranch: {
        NodeId b = n.branches[st.index];
        return WrapInto(b, out, [&](json::Value& v) { return AlongInto(b, steps, k + 1, leaf, v); });
      }
    }
    return false;
  }

 private:
  const Schema& s_;
  std::vector<std::uint32_t> visiting_;
};

Desc Describe(const Node& n) {
  if (avro::IsNamed(n.type)) return {avro::TypeName(n.type), " ", n.full_name};
  return {avro::TypeName(n.type), {}, {}};
}

// A finding without a witness leaf of its own (the witness uses a sample
// value of the writer node).
std::optional<json::Value> NoLeaf() { return std::nullopt; }

bool Promotes(Type w, Type r) {
  switch (r) {
    case Type::kLong: return w == Type::kInt;
    case Type::kFloat: return w == Type::kInt || w == Type::kLong;
    case Type::kDouble: return w == Type::kInt || w == Type::kLong || w == Type::kFloat;
    case Type::kBytes: return w == Type::kString;
    case Type::kString: return w == Type::kBytes;
    default: return false;
  }
}

// Equality of short strings (names, symbols) that are usually different:
// the first byte settles most comparisons without a call to memcmp.
bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a[0] == b[0] && std::memcmp(a.data(), b.data(), a.size()) == 0));
}

// Unqualified names equal, or a reader alias (full name) names the writer.
bool NamesMatch(const Node& w, const Node& r) {
  if (SameName(w.name, r.name)) return true;
  return std::any_of(r.aliases.begin(), r.aliases.end(),
                     [&](std::string_view alias) { return SameName(alias, w.full_name); });
}

class Checker {
 public:
  Checker(const Schema& w, const Schema& r) : w_(w), r_(r), builder_(w) {}

  Report Run() {
    Check(w_.root(), r_.root());
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
  // they live in a small array scanned linearly (no table of
  // writer nodes x reader nodes to allocate and clear for every check); a
  // hash map takes over when there are many.
  static constexpr std::size_t kLinearMemoLimit = 16;
  using PairKey = std::uint64_t;

  static PairKey Key(NodeId w, NodeId r) { return (static_cast<std::uint64_t>(w.value) << 32) | r.value; }
  State Get(PairKey k) const {
    if (!memo_.empty()) {
      auto it = memo_.find(k);
      return it == memo_.end() ? kUnknown : it->second;
    }
    for (std::size_t i = 0; i < small_memo_size_; ++i) {
      if (small_memo_[i].first == k) return small_memo_[i].second;
    }
    return kUnknown;
  }
  void Set(PairKey k, State s) {
    if (!memo_.empty()) {
      memo_[k] = s;
      return;
    }
    for (std::size_t i = 0; i < small_memo_size_; ++i) {
      if (small_memo_[i].first == k) {
        small_memo_[i].second = s;
        return;
      }
    }
    if (small_memo_size_ < kLinearMemoLimit) {
      small_memo_[small_memo_size_++] = {k, s};
      return;
    }
    for (std::size_t i = 0; i < small_memo_size_; ++i) memo_.emplace(small_memo_[i].first, small_memo_[i].second);
    memo_[k] = s;
  }

  // Records a finding about writer node `w`, unless one of the same kind and
  // paths is recorded already (the same break reached along another path:
  // the first is kept). Only then are its message (`message()`) and witness
  // (built around `leaf()`, else a sample value of `w`) made.
  template <typename MessageFn, typename LeafFn>
  void AddFinding(std::string_view kind, const Node& w, std::string wpath, std::string rpath,
                  MessageFn&& message, LeafFn&& leaf) {
    if (!recording_) return;
    for (const Finding& g : report_.findings) {
      if (g.kind == kind && g.writer_path == wpath && g.reader_path == rpath) return;
    }
    if (report_.findings.empty()) report_.findings.reserve(4);
    Finding f;
    f.kind = std::string(kind);
    f.writer_path = std::move(wpath);
    f.reader_path = std::move(rpath);
    f.message = message();
    if (build_witnesses_) {
      std::optional<json::Value> value = leaf();
      if (!value) value = builder_.Sample(NodeFor(w));
      if (value) {
        f.witness.emplace();
        if (!builder_.AlongInto(w_.root(), steps_.view(), 0, *value, *f.witness)) f.witness.reset();
      }
    }
    report_.Add(std::move(f));
  }

  // JSON pointer `id` of the writer (reader) schema followed by `suffix`.
  std::string WPath(avro::PointerId id, std::string_view suffix = {}, std::string_view index = {}) const {
    std::string out;
    w_.AppendPointer(id, out);
    out.append(suffix);
    out.append(index);
    return out;
  }
  std::string RPath(avro::PointerId id, std::string_view suffix = {}) const {
    std::string out;
    r_.AppendPointer(id, out);
    out.append(suffix);
    return out;
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

  bool Check(NodeId wid, NodeId rid) {
    const Node& w = w_.node(wid);
    const Node& r = r_.node(rid);
    DepthGuard guard(&depth_);
    if (depth_ > kMaxCheckDepth) {
      if (recording_ && !depth_reported_) {
        depth_reported_ = true;
        AddFinding(kAvroUndecidedDepth, w, WPath(w.pointer), RPath(r.pointer), [&] {
                     return Cat("comparison nested deeper than ", std::to_string(kMaxCheckDepth),
                                " levels; compatibility not decided");
                   }, NoLeaf);
      }
      return false;
    }
    if (w.type == Type::kUnion) {
      bool ok = true;
      for (std::size_t i = 0; i < w.branches.size(); ++i) {
        steps_.push_back({Step::Kind::kBranch, i});
        if (r.type == Type::kUnion) {
          if (!ReaderUnionAccepts(w.branches[i], r)) {
            ok = false;
            const Node& wb = w_.node(w.branches[i]);
            if (recording_) {
              std::string index = std::to_string(i);
              AddFinding(kAvroMissingUnionBranch, wb, WPath(w.pointer, "/", index), RPath(r.pointer), [&] {
                return Cat("reader union has no branch that can read writer union branch ", index, " (",
                           Describe(wb), ")", UnionAdvice(w.branches[i], r));
              }, NoLeaf);
            }
          }
        } else if (!Check(w.branches[i], rid)) {
          ok = false;
        }
        steps_.pop_back();
      }
      return ok;
    }
    if (r.type == Type::kUnion) {
      if (ReaderUnionAccepts(wid, r)) return true;
      if (recording_) {
        AddFinding(kAvroMissingUnionBranch, w, WPath(w.pointer), RPath(r.pointer), [&] {
          return Cat("reader union has no branch that can read writer type ", Describe(w), UnionAdvice(wid, r));
        }, NoLeaf);
      }
      return false;
    }
    if (avro::IsPrimitive(r.type)) {
      if (w.type == r.type || Promotes(w.type, r.type)) return true;
      return Mismatch(w, r);
    }
    if (w.type != r.type) return Mismatch(w, r);
    switch (r.type) {
      case Type::kArray:
      case Type::kMap: {
        bool is_array = r.type == Type::kArray;
        steps_.push_back({is_array ? Step::Kind::kItem : Step::Kind::kValue, 0});
        bool ok = Check(w.items, r.items);
        steps_.pop_back();
        return ok;
      }
      case Type::kRecord:
      case Type::kEnum:
      case Type::kFixed: return CheckNamed(wid, rid);
      default: return Mismatch(w, r);
    }
  }

  // Why the reader branch of the writer's own type (if any) does not fit:
  // "; reader branch 1 (record a.B): <first finding>". Uses a separate
  // checker so this explanation leaves no state behind.
  std::string ClosestBranchDetail(NodeId wid, const Node& r_union) {
    // Only the top-level checker explains: explanations inside explanations
    // could chase each other around mutually recursive types forever.
    if (!explain_) return {};
    const Node& w = w_.node(wid);
    for (std::size_t j = 0; j < r_union.branches.size(); ++j) {
      NodeId rbid = r_union.branches[j];
      const Node& rb = r_.node(rbid);
      if (rb.type != w.type) continue;
      Checker sub(w_, r_);
      sub.explain_ = false;
      sub.build_witnesses_ = false;  // its steps do not start at the root
      sub.Check(wid, rbid);
      if (sub.report_.findings.empty()) return {};
      return Cat("; reader branch ", std::to_string(j), " (", Describe(rb), ") does not fit because ",
                 sub.report_.findings.front().message);
    }
    return {};
  }

  std::string UnionAdvice(NodeId wid, const Node& r_union) {
    std::string detail = ClosestBranchDetail(wid, r_union);
    return detail.empty() ? ": add a compatible branch to the reader union" : detail;
  }

  bool Mismatch(const Node& w, const Node& r) {
    if (recording_) {
      AddFinding(kAvroTypeMismatch, w, WPath(w.pointer), RPath(r.pointer), [&] {
        return Cat("writer type ", Describe(w), " cannot be read as reader type ", Describe(r),
                   " (Avro promotes only int->long/float/double, long->float/double, "
                   "float->double, string<->bytes)");
      }, NoLeaf);
    }
    return false;
  }

  bool ReaderUnionAccepts(NodeId wid, const Node& r) {
    bool saved = recording_;
    recording_ = false;
    bool found = false;
    for (NodeId rb : r.branches) {
      if (Check(wid, rb)) { found = true; break; }
    }
    recording_ = saved;
    return found;
  }

  bool CheckNamed(NodeId wid, NodeId rid) {
    PairKey key = Key(wid, rid);
    switch (Get(key)) {
      case State::kInProgress:
      case State::kCompatible: return true;
      case State::kIncompatibleRecorded: return false;
      case State::kIncompatibleUnrecorded:
        if (!recording_) return false;
        break;  // compare again, this time recording the findings
      case State::kUnknown: break;
    }
    Set(key, State::kInProgress);
    std::size_t log_mark = compatible_log_.size();
    bool ok = CompareNamed(w_.node(wid), r_.node(rid));
    if (ok) {
      Set(key, State::kCompatible);
      compatible_log_.push_back(key);
    } else {
      Set(key, recording_ ? State::kIncompatibleRecorded : State::kIncompatibleUnrecorded);
      for (std::size_t i = log_mark; i < compatible_log_.size(); ++i) {
        if (Get(compatible_log_[i]) == State::kCompatible) Set(compatible_log_[i], kUnknown);
      }
      compatible_log_.resize(log_mark);
    }
    return ok;
  }

  bool CompareNamed(const Node& w, const Node& r) {
    bool ok = true;
    if (!NamesMatch(w, r)) {
      ok = false;
      if (recording_) {
        // Names are [A-Za-z0-9_.]: quoting one is adding quotes.
        AddFinding(kAvroNameMismatch, w, WPath(w.pointer, "/name"), RPath(r.pointer, "/name"), [&] {
          return Cat("writer ", Describe(w), " is read as reader ", Describe(r), ": names differ; add \"",
                     w.full_name, "\" to the reader's aliases or keep the name");
        }, NoLeaf);
      }
    }
    switch (r.type) {
      case Type::kFixed:
        if (w.size != r.size) {
          ok = false;
          if (recording_) {
            AddFinding(kAvroFixedSizeMismatch, w, WPath(w.pointer, "/size"), RPath(r.pointer, "/size"), [&] {
              return Cat("writer fixed ", w.full_name, " has size ", std::to_string(w.size), " but reader fixed ",
                         r.full_name, " has size ", std::to_string(r.size));
            }, NoLeaf);
          }
        }
        return ok;
      case Type::kEnum: {
        if (r.enum_default) return ok;
        auto is_missing = [&](std::string_view s) {
          return std::none_of(r.symbols.begin(), r.symbols.end(),
                              [&](std::string_view symbol) { return SameName(symbol, s); });
        };
        auto first_missing = std::find_if(w.symbols.begin(), w.symbols.end(), is_missing);
        if (first_missing == w.symbols.end()) return ok;
        if (!recording_) return false;
        AddFinding(kAvroMissingEnumSymbols, w, WPath(w.pointer, "/symbols"), RPath(r.pointer, "/symbols"), [&] {
          std::string list;
          for (auto it = first_missing; it != w.symbols.end(); ++it) {
            if (!is_missing(*it)) continue;
            if (!list.empty()) list += ", ";
            list += *it;
          }
          return Cat("reader enum ", r.full_name, " lacks writer symbols [", list,
                     "] and has no enum default: add the symbols or a \"default\" to the reader enum");
        }, [&] { return std::optional<json::Value>(json::Value(*first_missing)); });
        return false;
      }
      case Type::kRecord: return CompareFields(w, r) && ok;
      default: return ok;
    }
  }

  bool CompareFields(const Node& w, const Node& r) {
    bool ok = true;
    for (std::size_t j = 0; j < r.fields.size(); ++j) {
      const avro::Field& rf = r.fields[j];
      std::optional<std::size_t> wi;
      // Field names are unique within a record, so the first match is the
      // match; versions usually keep the order of fields, so the writer
      // field at the same position is tried first.
      if (j < w.fields.size() && SameName(w.fields[j].name, rf.name)) wi = j;
      for (std::size_t i = 0; i < w.fields.size() && !wi; ++i) {
        if (SameName(w.fields[i].name, rf.name)) wi = i;
      }
      for (std::string_view alias : rf.aliases) {
        if (wi) break;
        for (std::size_t i = 0; i < w.fields.size(); ++i) {
          if (SameName(w.fields[i].name, alias)) { wi = i; break; }
        }
      }
      if (!wi) {
        if (rf.default_value) continue;
        ok = false;
        if (recording_) {
          AddFinding(kAvroReaderFieldMissingDefaultValue, w, WPath(w.pointer), RPath(rf.pointer), [&] {
            return Cat("reader field \"", rf.name, "\" of record ", r.full_name, " has no default and writer record ",
                       w.full_name, " has no field of that name", rf.aliases.empty() ? "" : " or alias",
                       ": add a \"default\" to the reader field");
          }, [&] { return builder_.Minimal(NodeFor(w)); });
        }
        continue;
      }
      steps_.push_back({Step::Kind::kField, *wi});
      if (!Check(w.fields[*wi].type, rf.type)) ok = false;
      steps_.pop_back();
    }
    return ok;
  }

  const Schema& w_;
  const Schema& r_;
  DatumBuilder builder_;
  SmallStack<Step, 24> steps_;  // from the root to the node being compared
  std::array<std::pair<PairKey, State>, kLinearMemoLimit> small_memo_;
  std::size_t small_memo_size_ = 0;
  std::unordered_map<PairKey, State> memo_;
  SmallStack<PairKey, 16> compatible_log_;
  Report report_;  // every finding is breaking: Add keeps them in order
  bool recording_ = true;
  bool explain_ = true;
  bool build_witnesses_ = true;
  std::size_t depth_ = 0;
  bool depth_reported_ = false;
  static constexpr std::size_t kMaxCheckDepth = 400;
};

template <typename Fn>
Result<Report> ParseBoth(const json::Value& a, const json::Value& b, const AvroCheckOptions& options,
                         std::string_view name_a, std::string_view name_b, Fn&& fn) {
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
  return ParseBoth(writer, reader, options, "writer", "reader",
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
      if (e.file.empty()) e.file = i < history.size() ? "version " + std::to_string(i + 1) : "candidate";
      return std::unexpected(std::move(e));
    }
    schemas.push_back(std::move(*s));
  }
  return CheckHistory(
      level, history.size(),
      [&](std::size_t w, std::size_t r) { return CheckAvroSchemas(schemas[w], schemas[r]); }, versions);
}

Result<Report> DiffAvro(const json::Value& old_schema, const json::Value& new_schema,
                        const AvroCheckOptions& options) {
  return ParseBoth(old_schema, new_schema, options, "old", "new",
                   [](const avro::Schema& o, const avro::Schema& n) { return DiffAvroSchemas(o, n); });
}

}  // namespace accord::compat

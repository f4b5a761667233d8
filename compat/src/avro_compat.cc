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
#include <unordered_map>

namespace accord::compat {

namespace {

using avro::Node;
using avro::NodeId;
using avro::Schema;
using avro::Type;

std::string Quote(std::string_view s) { return json::ToJson(json::Value(s)); }

// How the writer datum reaches the node being compared, from the root.
struct Step {
  enum class Kind : std::uint8_t { kField, kItem, kValue, kBranch };
  Kind kind;
  std::size_t index = 0;  // field index in the writer record, or union branch
};

// Builds Avro-JSON values of the writer schema (witnesses).
class DatumBuilder {
 public:
  explicit DatumBuilder(const Schema& s) : s_(s) {}

  // A small valid value; nullopt when the type has no finite value
  // (a record that contains itself through every path).
  std::optional<json::Value> Minimal(NodeId id, int depth = 0) {
    if (depth > 64) return std::nullopt;
    const Node& n = s_.node(id);
    switch (n.type) {
      case Type::kNull: return json::Value(nullptr);
      case Type::kBoolean: return json::Value(false);
      case Type::kInt:
      case Type::kLong: return json::Value(0);
      case Type::kFloat:
      case Type::kDouble: return json::Value(0.0);
      case Type::kString: return json::Value("");
      case Type::kBytes: return json::Value("");
      case Type::kFixed: return json::Value(std::string(n.size, 'a'));
      case Type::kEnum:
        if (n.symbols.empty()) return std::nullopt;
        return json::Value(n.symbols.front());
      case Type::kArray: return json::Value(json::Array{});
      case Type::kMap: return json::Value(json::Object{});
      case Type::kUnion: {
        for (NodeId b : n.branches) {
          if (s_.node(b).type == Type::kNull) return json::Value(nullptr);
        }
        for (NodeId b : n.branches) {
          if (auto v = Minimal(b, depth + 1)) return Wrap(b, std::move(*v));
        }
        return std::nullopt;
      }
      case Type::kRecord: {
        if (std::find(visiting_.begin(), visiting_.end(), id.value) != visiting_.end()) {
          return std::nullopt;
        }
        visiting_.push_back(id.value);
        json::Object obj;
        bool ok = true;
        for (const avro::Field& f : n.fields) {
          auto v = Minimal(f.type, depth + 1);
          if (!v) { ok = false; break; }
          obj.push_back({f.name, std::move(*v)});
        }
        visiting_.pop_back();
        if (!ok) return std::nullopt;
        return json::Value(std::move(obj));
      }
    }
    return std::nullopt;
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

  json::Value Wrap(NodeId branch, json::Value v) {
    if (s_.node(branch).type == Type::kNull) return json::Value(nullptr);
    json::Object obj;
    obj.push_back({avro::BranchName(s_, branch), std::move(v)});
    return json::Value(std::move(obj));
  }

  // The root datum that follows `steps` and holds `leaf` at their end.
  std::optional<json::Value> Along(NodeId id, const std::vector<Step>& steps, std::size_t k,
                                   const json::Value& leaf) {
    if (k == steps.size()) return leaf;
    const Node& n = s_.node(id);
    const Step& st = steps[k];
    switch (st.kind) {
      case Step::Kind::kField: {
        json::Object obj;
        for (std::size_t i = 0; i < n.fields.size(); ++i) {
          auto v = i == st.index ? Along(n.fields[i].type, steps, k + 1, leaf)
                                 : Minimal(n.fields[i].type);
          if (!v) return std::nullopt;
          obj.push_back({n.fields[i].name, std::move(*v)});
        }
        return json::Value(std::move(obj));
      }
      case Step::Kind::kItem: {
        auto v = Along(n.items, steps, k + 1, leaf);
        if (!v) return std::nullopt;
        return json::Value(json::Array{std::move(*v)});
      }
      case Step::Kind::kValue: {
        auto v = Along(n.items, steps, k + 1, leaf);
        if (!v) return std::nullopt;
        json::Object obj;
        obj.push_back({"key", std::move(*v)});
        return json::Value(std::move(obj));
      }
      case Step::Kind::kBranch: {
        NodeId b = n.branches[st.index];
        auto v = Along(b, steps, k + 1, leaf);
        if (!v) return std::nullopt;
        return Wrap(b, std::move(*v));
      }
    }
    return std::nullopt;
  }

 private:
  const Schema& s_;
  std::vector<std::uint32_t> visiting_;
};

std::string Describe(const Node& n) {
  if (avro::IsNamed(n.type)) return std::string(avro::TypeName(n.type)) + " " + n.full_name;
  return std::string(avro::TypeName(n.type));
}

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

// Unqualified names equal, or a reader alias (full name) names the writer.
bool NamesMatch(const Node& w, const Node& r) {
  if (w.name == r.name) return true;
  return std::find(r.aliases.begin(), r.aliases.end(), w.full_name) != r.aliases.end();
}

class Checker {
 public:
  Checker(const Schema& w, const Schema& r) : w_(w), r_(r), builder_(w) {
    std::size_t cells = w.node_count() * r.node_count();
    if (cells <= kFlatMemoLimit) flat_memo_.assign(cells, kUnknown);
  }

  Report Run() {
    Check(w_.root(), r_.root());
    Report report;
    // The same finding can be reached along several paths; keep the first.
    for (std::size_t i = 0; i < findings_.size(); ++i) {
      Finding& f = findings_[i];
      bool dup = std::any_of(findings_.begin(), findings_.begin() + static_cast<std::ptrdiff_t>(i),
                             [&](const Finding& g) {
                               return g.kind == f.kind && g.writer_path == f.writer_path &&
                                      g.reader_path == f.reader_path;
                             });
      if (!dup) report.Add(std::move(f));
    }
    return report;
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
  // Pair states live in a flat table when the product of node counts is
  // small (the usual case), else in a hash map.
  static constexpr std::size_t kFlatMemoLimit = 1u << 22;
  using PairKey = std::uint64_t;

  PairKey Key(NodeId w, NodeId r) const {
    return flat_memo_.empty() ? (static_cast<std::uint64_t>(w.value) << 32) | r.value
                              : static_cast<std::uint64_t>(w.value) * r_.node_count() + r.value;
  }
  State Get(PairKey k) const {
    if (!flat_memo_.empty()) return flat_memo_[k];
    auto it = memo_.find(k);
    return it == memo_.end() ? kUnknown : it->second;
  }
  void Set(PairKey k, State s) {
    if (!flat_memo_.empty()) {
      flat_memo_[k] = s;
    } else {
      memo_[k] = s;
    }
  }

  void AddFinding(std::string_view kind, const Node& w, std::string wpath, const Node& r,
                  std::string rpath, std::string message, std::optional<json::Value> leaf) {
    if (!recording_) return;
    Finding f;
    f.kind = std::string(kind);
    f.writer_path = std::move(wpath);
    f.reader_path = std::move(rpath);
    f.message = std::move(message);
    if (build_witnesses_) {
      if (!leaf) leaf = builder_.Sample(NodeFor(w));
      if (leaf) f.witness = builder_.Along(w_.root(), steps_, 0, *leaf);
    }
    findings_.push_back(std::move(f));
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
        AddFinding(kAvroUndecidedDepth, w, w.pointer, r, r.pointer,
                   "comparison nested deeper than " + std::to_string(kMaxCheckDepth) +
                       " levels; compatibility not decided",
                   std::nullopt);
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
            if (recording_) AddFinding(kAvroMissingUnionBranch, wb, w.pointer + "/" + std::to_string(i), r, r.pointer,
                       "reader union has no branch that can read writer union branch " +
                           std::to_string(i) + " (" + Describe(wb) + ")" + UnionAdvice(w.branches[i], r),
                       std::nullopt);
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
      if (recording_) AddFinding(kAvroMissingUnionBranch, w, w.pointer, r, r.pointer,
                 "reader union has no branch that can read writer type " + Describe(w) + UnionAdvice(wid, r),
                 std::nullopt);
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
      if (sub.findings_.empty()) return {};
      return "; reader branch " + std::to_string(j) + " (" + Describe(rb) + ") does not fit because " +
             sub.findings_.front().message;
    }
    return {};
  }

  std::string UnionAdvice(NodeId wid, const Node& r_union) {
    std::string detail = ClosestBranchDetail(wid, r_union);
    return detail.empty() ? ": add a compatible branch to the reader union" : detail;
  }

  bool Mismatch(const Node& w, const Node& r) {
    if (recording_) AddFinding(kAvroTypeMismatch, w, w.pointer, r, r.pointer,
               "writer type " + Describe(w) + " cannot be read as reader type " + Describe(r) +
                   " (Avro promotes only int->long/float/double, long->float/double, "
                   "float->double, string<->bytes)",
               std::nullopt);
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
      if (recording_) AddFinding(kAvroNameMismatch, w, w.pointer + "/name", r, r.pointer + "/name",
                 "writer " + Describe(w) + " is read as reader " + Describe(r) +
                     ": names differ; add " + Quote(w.full_name) + " to the reader's aliases or keep the name",
                 std::nullopt);
    }
    switch (r.type) {
      case Type::kFixed:
        if (w.size != r.size) {
          ok = false;
          if (recording_) AddFinding(kAvroFixedSizeMismatch, w, w.pointer + "/size", r, r.pointer + "/size",
                     "writer fixed " + w.full_name + " has size " + std::to_string(w.size) +
                         " but reader fixed " + r.full_name + " has size " + std::to_string(r.size),
                     std::nullopt);
        }
        return ok;
      case Type::kEnum: {
        if (r.enum_default) return ok;
        std::vector<std::string> missing;
        for (const std::string& s : w.symbols) {
          if (std::find(r.symbols.begin(), r.symbols.end(), s) == r.symbols.end()) missing.push_back(s);
        }
        if (missing.empty()) return ok;
        if (!recording_) return false;
        std::string list;
        for (const std::string& s : missing) list += (list.empty() ? "" : ", ") + s;
        AddFinding(kAvroMissingEnumSymbols, w, w.pointer + "/symbols", r, r.pointer + "/symbols",
                   "reader enum " + r.full_name + " lacks writer symbols [" + list +
                       "] and has no enum default: add the symbols or a \"default\" to the reader enum",
                   json::Value(missing.front()));
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
      for (std::size_t i = 0; i < w.fields.size() && !wi; ++i) {
        if (w.fields[i].name == rf.name) wi = i;
      }
      for (const std::string& alias : rf.aliases) {
        if (wi) break;
        for (std::size_t i = 0; i < w.fields.size(); ++i) {
          if (w.fields[i].name == alias) { wi = i; break; }
        }
      }
      if (!wi) {
        if (rf.default_value) continue;
        ok = false;
        if (recording_) AddFinding(kAvroReaderFieldMissingDefaultValue, w, w.pointer, r, rf.pointer,
                   "reader field " + Quote(rf.name) + " of record " + r.full_name +
                       " has no default and writer record " + w.full_name +
                       " has no field of that name" + (rf.aliases.empty() ? "" : " or alias") +
                       ": add a \"default\" to the reader field",
                   builder_.Minimal(NodeFor(w)));
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
  std::vector<Step> steps_;
  std::vector<State> flat_memo_;
  std::unordered_map<PairKey, State> memo_;
  std::vector<PairKey> compatible_log_;
  std::vector<Finding> findings_;
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

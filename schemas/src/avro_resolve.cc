// DatumResolver: reading writer data with a reader schema (avro.h, "SCHEMA
// RESOLUTION OF DATA"). The compatibility engine proves its Avro findings
// with it: a witness datum that the reader cannot read, for the reason the
// finding names.
//
// Why indexes: a check may prove thousands of findings against one pair of
// schemas (a union of 10,000 branches, each missing from the reader), each
// witness passing through the same unions, enums and records; looking a
// branch, symbol or field up by scanning would make that quadratic.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "accord/schemas/avro.h"
#include "accord/schemas/budget.h"
#include "accord/schemas/pointer.h"

namespace accord::avro {

std::string_view ResolutionFailureName(ResolutionFailure f) {
  switch (f) {
    case ResolutionFailure::kInvalidDatum:
      return "INVALID_DATUM";
    case ResolutionFailure::kTypeMismatch:
      return "TYPE_MISMATCH";
    case ResolutionFailure::kNameMismatch:
      return "NAME_MISMATCH";
    case ResolutionFailure::kFixedSizeMismatch:
      return "FIXED_SIZE_MISMATCH";
    case ResolutionFailure::kMissingEnumSymbol:
      return "MISSING_ENUM_SYMBOL";
    case ResolutionFailure::kMissingField:
      return "MISSING_FIELD";
    case ResolutionFailure::kNoUnionBranch:
      return "NO_UNION_BRANCH";
    case ResolutionFailure::kLimit:
      return "LIMIT";
  }
  return "";
}

namespace {

constexpr int kMaxDepth = 512;
constexpr std::uint64_t kMaxSteps = 1'000'000;
constexpr std::size_t kScanLimit = 16;  // past this many members, lookups are hashed

bool Promotes(Type w, Type r) {
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

bool NamesMatch(const Node& w, const Node& r) {
  if (w.name == r.name) return true;
  for (std::string_view alias : r.aliases()) {
    if (alias == w.full_name) return true;
  }
  return false;
}

std::string_view BranchKey(const Node& n) {
  return IsNamed(n.type) ? n.full_name : TypeName(n.type);
}

// Bytes and fixed are strings of code points <= U+00FF: their length in
// bytes, or -1.
long long ByteLength(const json::Value& v) {
  if (!v.IsString()) return -1;
  const std::string& s = v.AsString();
  long long count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) >> 6) == 2) {
      i += 2;
    } else {
      return -1;
    }
  }
  return count;
}

bool IntegerIn(const json::Value& v, double lo, double hi) {
  if (!v.IsNumber() || !v.AsNumber().IsIntegral()) return false;
  if (v.AsNumber().IsInt()) {
    auto i = static_cast<double>(v.AsNumber().AsInt());
    return i >= lo && i <= hi;
  }
  double d = v.AsNumber().AsDouble();
  return d >= lo && d <= hi && d < 9.2233720368547758e18;
}

// Whether `v` is a valid Avro-JSON value of primitive type `t`.
bool ValidPrimitive(Type t, const json::Value& v) {
  switch (t) {
    case Type::kNull:
      return v.IsNull();
    case Type::kBoolean:
      return v.IsBool();
    case Type::kInt:
      return IntegerIn(v, std::numeric_limits<std::int32_t>::min(),
                       std::numeric_limits<std::int32_t>::max());
    case Type::kLong:
      return IntegerIn(v, -9.2233720368547758e18, 9.2233720368547758e18);
    case Type::kFloat:
    case Type::kDouble:
      return v.IsNumber() ||
             (v.IsString() &&
              (v.AsString() == "NaN" || v.AsString() == "Infinity" || v.AsString() == "-Infinity"));
    case Type::kString:
      return v.IsString();
    case Type::kBytes:
      return ByteLength(v) >= 0;
    default:
      return false;
  }
}

// A set of names (symbols, field names), scanned while small, hashed past
// kScanLimit.
class NameIndex {
 public:
  explicit NameIndex(std::span<const std::string_view> names) : names_(names) {
    if (names.size() > kScanLimit) hashed_.insert(names.begin(), names.end());
  }
  bool Contains(std::string_view s) const {
    if (names_.size() > kScanLimit) return hashed_.contains(s);
    return std::find(names_.begin(), names_.end(), s) != names_.end();
  }

 private:
  std::span<const std::string_view> names_;
  std::unordered_set<std::string_view> hashed_;
};

}  // namespace

class DatumResolver::Impl {
 public:
  Impl(const Schema& w, const Schema& r) : w_(w), r_(r) {}

  std::vector<ResolutionError> Resolve(NodeId w, NodeId r, const json::Value& datum,
                                       std::size_t max_errors) {
    errors_.clear();
    max_errors_ = max_errors;
    full_ = true;
    Start();
    std::string at;
    Read(w, r, /*read=*/true, datum, at, 0);
    return std::move(errors_);
  }

  ProofOutcome Proves(NodeId w, NodeId r, const json::Value& datum, ResolutionFailure failure,
                      std::string_view schema_location) {
    StartProof(failure, schema_location);
    std::string at;  // (stays empty: no datum locations)
    Read(w, r, /*read=*/true, datum, at, 0);
    return ProofResult();
  }

  ProofOutcome ProvesAlong(NodeId w, NodeId r, std::span<const DatumStep> path,
                           const json::Value* leaf, ResolutionFailure failure,
                           std::string_view schema_location) {
    StartProof(failure, schema_location);
    std::string at;  // (stays empty: no datum locations)
    int depth = 0;
    for (const DatumStep& step : path) {
      if (!Step(w, at, depth)) return ProofOutcome::kUnreadable;
      if (!ReadAlong(w, r, &step, at)) return ProofOutcome::kNotProved;
      ++depth;
    }
    if (leaf != nullptr) {
      Read(w, r, /*read=*/true, *leaf, at, depth);
    } else if (!Step(w, at, depth) || !ReadAlong(w, r, nullptr, at)) {
      return limited_ ? ProofOutcome::kUnreadable : ProofOutcome::kNotProved;
    }
    return ProofResult();
  }

 private:
  // ProvesAlong: writer node `w` of a datum read as reader node `r`, as
  // Read reads it but without the datum, which is valid writer data of `w`
  // (the caller vouches for it). With a `step`: follows it (into `w` and
  // `r`), failing where Read fails on the node itself whatever its parts
  // hold; false when Read would not read the step's part that way (a
  // reader union tries its branches on the whole value; a type mismatch
  // reads no part; a writer field that no reader field, or two, read).
  // Without (the path's end, holding any valid value): the failures of the
  // node itself, whatever its value (a type mismatch, names, a fixed size,
  // reader fields without default that the writer lacks; not an enum's
  // symbol, nor anything inside); false for a union on either side (what
  // is read depends on the value).
  bool ReadAlong(NodeId& w, NodeId& r, const DatumStep* step, const std::string& at) {
    const Node& wn = w_.node(w);
    if (wn.type == Type::kUnion) {  // (before the reader's union, as in Read)
      if (step == nullptr || step->kind != DatumStep::Kind::kBranch ||
          step->index >= wn.branches.size())
        return false;
      w = wn.branches[step->index];
      return true;
    }
    const Node& rn = r_.node(r);
    if (rn.type == Type::kUnion) return false;
    if (wn.type != rn.type && !Promotes(wn.type, rn.type)) {
      if (step != nullptr) return false;
      FailTypeMismatch(wn, rn, at);
      return true;
    }
    if (IsNamed(wn.type) && !NamesMatch(wn, rn)) FailNameMismatch(wn, rn, at);
    switch (wn.type) {
      case Type::kRecord: {
        if (step != nullptr &&
            (step->kind != DatumStep::Kind::kField || step->index >= wn.fields.size()))
          return false;
        std::optional<NodeId> reader_field;
        bool read_twice = false;
        const std::string_view stepped = step != nullptr ? wn.fields[step->index].name : "";
        const bool small = wn.fields.size() <= kScanLimit;
        const std::vector<std::int64_t>* matches = small ? nullptr : &FieldMatch(w, wn, r, rn);
        std::size_t hint = 0;
        for (std::size_t j = 0; j < rn.fields.size(); ++j) {
          const Field& rf = rn.fields[j];
          // (Writer field names are unique: a reader field of the stepped
          // field's name reads it. One with a default and no aliases reads
          // another field or none: nothing to fail here either way.)
          const bool named = step != nullptr && rf.name == stepped;
          if (!named && rf.default_value != nullptr && rf.aliases.empty()) continue;
          const std::int64_t match = named   ? static_cast<std::int64_t>(step->index)
                                     : small ? ScanFieldMatch(wn, rf, hint)
                                             : (*matches)[j];
          if (match < 0) {
            if (rf.default_value == nullptr) FailMissingField(wn, rf, at);
            continue;
          }
          hint = static_cast<std::size_t>(match) + 1;
          if (step != nullptr && static_cast<std::size_t>(match) == step->index) {
            read_twice = reader_field.has_value();
            reader_field = rf.type;
          }
        }
        if (step == nullptr) return true;
        if (!reader_field || read_twice) return false;
        w = wn.fields[step->index].type;
        r = *reader_field;
        return true;
      }
      case Type::kArray:
      case Type::kMap:
        if (step == nullptr) return true;
        if (step->kind !=
            (wn.type == Type::kArray ? DatumStep::Kind::kItem : DatumStep::Kind::kValue))
          return false;
        w = wn.items;
        r = rn.items;
        return true;
      case Type::kFixed:
        if (step != nullptr) return false;
        if (wn.size != rn.size) FailFixedSize(wn, rn, at);
        return true;
      default:  // enums (the symbol: the value), primitives (read or promoted)
        return step == nullptr;
    }
  }

  void StartProof(ResolutionFailure failure, std::string_view schema_location) {
    errors_.clear();
    max_errors_ = std::numeric_limits<std::size_t>::max();
    full_ = false;
    expected_ = failure;
    expected_location_ = schema_location;
    proved_ = false;
    Start();
  }
  ProofOutcome ProofResult() const {
    if (limited_ || unreadable_) return ProofOutcome::kUnreadable;
    return proved_ ? ProofOutcome::kProved : ProofOutcome::kNotProved;
  }

  void Start() {
    steps_ = 0;
    limited_ = false;
    unreadable_ = false;
    if (indexes_) indexes_->member_index.clear();  // (keyed by address: the last datum's are gone)
  }

  // Reads `d`, written as writer node `wid`, as reader node `rid` (when
  // `read`; else only validates it against the writer). True when nothing
  // failed. In a trial (a reader union's branch being tried) the first
  // failure ends the walk and nothing is recorded.
  bool Read(NodeId wid, NodeId rid, bool read, const json::Value& d, std::string& at, int depth) {
    if (!Step(wid, at, depth)) return false;
    const Node& w = w_.node(wid);
    if (w.type == Type::kUnion) return ReadWriterUnion(w, rid, read, d, at, depth);
    if (read && r_.node(rid).type == Type::kUnion) return ReadReaderUnion(wid, rid, d, at, depth);
    if (!read) return Validate(w, d, at, depth);
    const Node& r = r_.node(rid);
    if (w.type != r.type && !Promotes(w.type, r.type)) {
      // The datum is still checked against the writer (a mismatch proves
      // nothing for an invalid datum).
      if (!Validate(w, d, at, depth)) return false;
      FailTypeMismatch(w, r, at);
      return false;
    }
    bool ok = true;
    if (IsNamed(w.type) && !NamesMatch(w, r)) {
      FailNameMismatch(w, r, at);
      if (trial_ > 0) return false;
      ok = false;
    }
    switch (w.type) {
      case Type::kRecord:
        return ReadRecord(wid, w, rid, r, d, at, depth) && ok;
      case Type::kEnum: {
        if (!ValidSymbol(wid, w, d)) return Invalid(w, d, at);
        if (!r.enum_default() && !ReaderHasSymbol(rid, r, d.AsString())) {
          Fail(ResolutionFailure::kMissingEnumSymbol, at, r_, r.pointer, "/symbols", [&] {
            return std::string("symbol " + d.AsString() + " of writer " + Describe(w) +
                               " is not a symbol of reader " + Describe(r) +
                               ", which has no default");
          });
          return false;
        }
        return ok;
      }
      case Type::kFixed:
        if (ByteLength(d) != static_cast<long long>(w.size)) return Invalid(w, d, at);
        if (w.size != r.size) {
          FailFixedSize(w, r, at);
          return false;
        }
        return ok;
      case Type::kArray: {
        if (!d.IsArray()) return Invalid(w, d, at);
        const std::size_t len = at.size();
        for (std::size_t i = 0; i < d.AsArray().size(); ++i) {
          EnterIndex(at, i);
          ok = Read(w.items, r.items, true, d.AsArray()[i], at, depth + 1) && ok;
          at.resize(len);
          if (!ok && Stop()) return false;
        }
        return ok;
      }
      case Type::kMap: {
        if (!d.IsObject()) return Invalid(w, d, at);
        const std::size_t len = at.size();
        for (const json::Member& m : d.AsObject()) {
          EnterKey(at, m.key);
          ok = Read(w.items, r.items, true, m.value, at, depth + 1) && ok;
          at.resize(len);
          if (!ok && Stop()) return false;
        }
        return ok;
      }
      default:
        if (!ValidPrimitive(w.type, d)) return Invalid(w, d, at);
        return ok;
    }
  }

  // Validation only (a writer field the reader skips; a value no reader
  // union branch reads, to say whether it was valid at all).
  bool Validate(const Node& w, const json::Value& d, std::string& at, int depth) {
    switch (w.type) {
      case Type::kRecord:
        return ReadRecord(NodeFor(w), w, NodeId{}, w, d, at, depth, /*read=*/false);
      case Type::kEnum:
        return ValidSymbol(NodeFor(w), w, d) || Invalid(w, d, at);
      case Type::kFixed:
        return ByteLength(d) == static_cast<long long>(w.size) || Invalid(w, d, at);
      case Type::kArray: {
        if (!d.IsArray()) return Invalid(w, d, at);
        bool ok = true;
        const std::size_t len = at.size();
        for (std::size_t i = 0; i < d.AsArray().size(); ++i) {
          EnterIndex(at, i);
          ok = Read(w.items, NodeId{}, false, d.AsArray()[i], at, depth + 1) && ok;
          at.resize(len);
          if (!ok && Stop()) return false;
        }
        return ok;
      }
      case Type::kMap: {
        if (!d.IsObject()) return Invalid(w, d, at);
        bool ok = true;
        const std::size_t len = at.size();
        for (const json::Member& m : d.AsObject()) {
          EnterKey(at, m.key);
          ok = Read(w.items, NodeId{}, false, m.value, at, depth + 1) && ok;
          at.resize(len);
          if (!ok && Stop()) return false;
        }
        return ok;
      }
      case Type::kUnion:
        return ReadWriterUnion(w, NodeId{}, false, d, at, depth);
      default:
        return ValidPrimitive(w.type, d) || Invalid(w, d, at);
    }
  }

  bool ReadWriterUnion(const Node& w, NodeId rid, bool read, const json::Value& d, std::string& at,
                       int depth) {
    if (d.IsNull()) {
      for (NodeId b : w.branches) {
        if (w_.node(b).type == Type::kNull) return Read(b, rid, read, d, at, depth + 1);
      }
      return Invalid(w, d, at);
    }
    if (!d.IsObject() || d.AsObject().size() != 1) return Invalid(w, d, at);
    const json::Member& m = d.AsObject()[0];
    std::optional<NodeId> branch = WriterBranch(w, m.key);
    if (!branch) return Invalid(w, d, at);
    const std::size_t len = at.size();
    EnterKey(at, m.key);
    bool ok = Read(*branch, rid, read, m.value, at, depth + 1);
    at.resize(len);
    return ok;
  }

  // A reader union reads the value with the first branch that resolves it.
  bool ReadReaderUnion(NodeId wid, NodeId rid, const json::Value& d, std::string& at, int depth) {
    const Node& r = r_.node(rid);
    // (A small union's candidates are listed here, on the stack: caching
    // them cost a hash node and a vector per pair, more than the scan.)
    std::array<NodeId, kScanLimit> small;
    std::span<const NodeId> candidates;
    if (r.branches.size() <= kScanLimit) {
      candidates = std::span<const NodeId>(small.data(), SmallCandidates(w_.node(wid), r, small));
    } else {
      candidates = Candidates(wid, rid, r);
    }
    for (NodeId b : candidates) {
      ++trial_;
      bool ok = Read(wid, b, true, d, at, depth + 1);
      --trial_;
      if (ok) return true;
      if (limited_) return false;
    }
    const Node& w = w_.node(wid);
    // Whether the value was valid writer data at all.
    if (!Validate(w, d, at, depth)) return false;
    Fail(ResolutionFailure::kNoUnionBranch, at, r_, r.pointer, "",
         [&] { return std::string("no branch of the reader's union reads this " + Describe(w)); });
    return false;
  }

  bool ReadRecord(NodeId wid, const Node& w, NodeId rid, const Node& r, const json::Value& d,
                  std::string& at, int depth, bool read = true) {
    if (!d.IsObject()) return Invalid(w, d, at);
    const json::Object& obj = d.AsObject();
    // The datum's member of each writer field (members usually come in
    // field order; hashed past a few when they do not).
    // (In scratch stacks shared by the whole walk: two vectors per record
    // read were a visible share of a proof.)
    // (The stacks only grow: resizing them per record, up and down, was a
    // call to fill them each time.)
    const std::size_t base = stack_top_;
    const std::size_t n = w.fields.size();
    if (value_stack_.size() < base + n) {
      value_stack_.resize(base + n);
      read_stack_.resize(base + n);
    }
    std::fill_n(value_stack_.begin() + static_cast<std::ptrdiff_t>(base), n, nullptr);
    std::fill_n(read_stack_.begin() + static_cast<std::ptrdiff_t>(base), n, 0);
    stack_top_ = base + n;
    struct Pop {
      Impl* self;
      std::size_t base;
      ~Pop() { self->stack_top_ = base; }
    } pop{this, base};
    auto values = [&](std::size_t i) -> const json::Value*& { return value_stack_[base + i]; };
    std::size_t found = 0;
    bool ok = true;
    for (std::size_t i = 0; i < w.fields.size(); ++i) {
      const json::Value* v = nullptr;
      if (i < obj.size() && obj[i].key == w.fields[i].name) {
        v = &obj[i].value;
      } else if (obj.size() > kScanLimit) {
        v = MemberOf(d, w.fields[i].name);
      } else {
        v = d.Find(w.fields[i].name);
      }
      values(i) = v;
      if (v == nullptr) {
        Fail(ResolutionFailure::kInvalidDatum, at, w_, w.pointer, "", [&] {
          return std::string("missing field '" + std::string(w.fields[i].name) + "' of writer " +
                             Describe(w));
        });
        ok = false;
        if (Stop()) return false;
      } else {
        ++found;
      }
    }
    if (found != obj.size()) {
      const NameIndex& names = FieldNames(wid, w);
      for (const json::Member& m : obj) {
        if (names.Contains(m.key)) continue;
        // (The member's datum location is spelt only when wanted.)
        Fail(ResolutionFailure::kInvalidDatum, full_ ? at + "/" + json::EscapeToken(m.key) : at, w_,
             w.pointer, "",
             [&] { return std::string("unknown field '" + m.key + "' of writer " + Describe(w)); });
        ok = false;
        if (Stop()) return false;
      }
    }
    const std::size_t len = at.size();
    if (!read) {
      for (std::size_t i = 0; i < w.fields.size(); ++i) {
        if (values(i) == nullptr) continue;
        EnterKey(at, w.fields[i].name);
        ok = Read(w.fields[i].type, NodeId{}, false, *values(i), at, depth + 1) && ok;
        at.resize(len);
        if (!ok && Stop()) return false;
      }
      return ok;
    }
    // Small records match their fields by a scan on the spot (a cached
    // match cost a hash node and a vector per pair of records, more than
    // the scan); larger ones once per pair (FieldMatch).
    const bool small = w.fields.size() <= kScanLimit;
    const std::vector<std::int64_t>* matches = small ? nullptr : &FieldMatch(wid, w, rid, r);
    auto read_by_reader = [&](std::size_t i) -> char& { return read_stack_[base + i]; };
    std::size_t hint = 0;
    for (std::size_t j = 0; j < r.fields.size(); ++j) {
      const Field& rf = r.fields[j];
      const std::int64_t match = small ? ScanFieldMatch(w, rf, hint) : (*matches)[j];
      if (match < 0) {
        if (rf.default_value != nullptr) continue;
        FailMissingField(w, rf, at);
        ok = false;
        if (Stop()) return false;
        continue;
      }
      const auto i = static_cast<std::size_t>(match);
      hint = i + 1;
      read_by_reader(i) = 1;
      if (values(i) == nullptr) continue;
      EnterKey(at, w.fields[i].name);
      ok = Read(w.fields[i].type, rf.type, true, *values(i), at, depth + 1) && ok;
      at.resize(len);
      if (!ok && Stop()) return false;
    }
    // Writer fields the reader skips are still decoded.
    for (std::size_t i = 0; i < w.fields.size(); ++i) {
      if (read_by_reader(i) != 0 || values(i) == nullptr) continue;
      EnterKey(at, w.fields[i].name);
      ok = Read(w.fields[i].type, NodeId{}, false, *values(i), at, depth + 1) && ok;
      at.resize(len);
      if (!ok && Stop()) return false;
    }
    return ok;
  }

  // ---- bookkeeping

  bool Step(NodeId wid, const std::string& at, int depth) {
    if (limited_) return false;
    if (depth > kMaxDepth || ++steps_ > kMaxSteps || !ChargeWork(1)) {
      limited_ = true;
      // Recorded even inside a trial: the limit ends the whole walk.
      if (!full_) return false;  // (a proof: limited_ says the datum was not read)
      errors_.push_back({ResolutionFailure::kLimit, at, w_.Pointer(w_.node(wid).pointer),
                         depth > kMaxDepth
                             ? "nested deeper than " + std::to_string(kMaxDepth) + " levels"
                             : std::string("more than ") + std::to_string(kMaxSteps) + " steps"});
      return false;
    }
    return true;
  }

  // After a failure: whether to stop (in a trial, or with enough errors).
  bool Stop() const {
    return trial_ > 0 || limited_ || unreadable_ || errors_.size() >= max_errors_;
  }

  // Records a failure (not in a trial, not past max_errors) at JSON pointer
  // `id` of schema `s`, then `suffix`; `message()` makes its message, only
  // when messages are wanted. A proof (Proves) records nothing: it notes
  // whether the datum was unreadable, and whether the failure it looks for
  // happened where it looks for it (the location spelt only then).
  template <typename Message>
  void Fail(ResolutionFailure failure, const std::string& at, const Schema& s, PointerId id,
            std::string_view suffix, Message&& message) {
    if (trial_ > 0) return;
    if (!full_) {
      if (failure == ResolutionFailure::kInvalidDatum || failure == ResolutionFailure::kLimit) {
        unreadable_ = true;
      } else if (failure == expected_ && !proved_) {
        location_.clear();
        s.AppendPointer(id, location_);
        location_ += suffix;
        proved_ = location_ == expected_location_;
      }
      return;
    }
    if (errors_.size() >= max_errors_) return;
    std::string location = s.Pointer(id);
    location += suffix;
    errors_.push_back({failure, at, std::move(location), std::string(message())});
  }

  // The failures of reading writer node `w` as reader node `r`: of another
  // type (no promotion), named and with names that do not match, fixed of
  // another size; and of reader field `rf` that no field of writer record
  // `w` gives a value and that has no default.
  void FailTypeMismatch(const Node& w, const Node& r, const std::string& at) {
    Fail(ResolutionFailure::kTypeMismatch, at, r_, r.pointer, "", [&] {
      return std::string("writer type " + Describe(w) + " cannot be read as reader type " +
                         Describe(r));
    });
  }
  void FailFixedSize(const Node& w, const Node& r, const std::string& at) {
    Fail(ResolutionFailure::kFixedSizeMismatch, at, r_, r.pointer, "/size", [&] {
      return std::string("writer " + Describe(w) + " has size " + std::to_string(w.size) +
                         ", reader " + Describe(r) + " size " + std::to_string(r.size));
    });
  }
  void FailNameMismatch(const Node& w, const Node& r, const std::string& at) {
    Fail(ResolutionFailure::kNameMismatch, at, r_, r.pointer, "/name", [&] {
      return std::string("writer " + Describe(w) + " is read as reader " + Describe(r) +
                         ": names differ and no reader alias names the writer's");
    });
  }
  void FailMissingField(const Node& w, const Field& rf, const std::string& at) {
    Fail(ResolutionFailure::kMissingField, at, r_, rf.pointer, "", [&] {
      return std::string("reader field '" + std::string(rf.name) + "' has no default and writer " +
                         Describe(w) + " has no such field");
    });
  }

  // The datum location one level down (spelt only when messages are wanted:
  // escaping every key was a visible share of a proof).
  void EnterKey(std::string& at, std::string_view key) const {
    if (!full_) return;
    at += '/';
    at += json::EscapeToken(key);
  }
  void EnterIndex(std::string& at, std::size_t i) const {
    if (!full_) return;
    at += '/';
    at += std::to_string(i);
  }

  bool Invalid(const Node& w, const json::Value& d, const std::string& at) {
    Fail(ResolutionFailure::kInvalidDatum, at, w_, w.pointer, "", [&] {
      std::string text = json::ToJson(d);
      if (text.size() > 40) text = text.substr(0, 40) + "...";
      return std::string("not a value of writer " + Describe(w) + ": " + text);
    });
    return false;
  }

  static std::string Describe(const Node& n) {
    std::string out(TypeName(n.type));
    if (IsNamed(n.type)) out += " " + std::string(n.full_name);
    return out;
  }

  NodeId NodeFor(const Node& n) const {
    return NodeId{static_cast<std::uint32_t>(&n - &w_.node(NodeId{0}))};
  }

  // (A small enum's symbols are scanned on the spot: an index cost a hash
  // node per enum and resolver, more than the scan.)
  bool ValidSymbol(NodeId wid, const Node& w, const json::Value& d) {
    if (!d.IsString()) return false;
    if (w.symbols.size() <= kScanLimit) {
      return std::find(w.symbols.begin(), w.symbols.end(), d.AsString()) != w.symbols.end();
    }
    auto& slot = Idx().writer_symbols[wid.value];
    if (!slot) slot = std::make_unique<NameIndex>(w.symbols);
    return slot->Contains(d.AsString());
  }

  bool ReaderHasSymbol(NodeId rid, const Node& r, std::string_view symbol) {
    if (r.symbols.size() <= kScanLimit) {
      return std::find(r.symbols.begin(), r.symbols.end(), symbol) != r.symbols.end();
    }
    return Symbols(rid, r).Contains(symbol);
  }

  const NameIndex& Symbols(NodeId rid, const Node& r) {
    auto& slot = Idx().reader_symbols[rid.value];
    if (!slot) slot = std::make_unique<NameIndex>(r.symbols);
    return *slot;
  }

  const NameIndex& FieldNames(NodeId wid, const Node& w) {
    auto& slot = Idx().writer_fields[wid.value];
    if (!slot) {
      auto& names = Idx().field_name_lists[wid.value];
      names.reserve(w.fields.size());
      for (const Field& f : w.fields) names.push_back(f.name);
      slot = std::make_unique<NameIndex>(names);
    }
    return *slot;
  }

  // The member named `key` of a large object (indexed once per object).
  const json::Value* MemberOf(const json::Value& d, std::string_view key) {
    auto& index = Idx().member_index[&d];
    if (index.empty()) {
      for (const json::Member& m : d.AsObject()) index.emplace(m.key, &m.value);
    }
    auto it = index.find(key);
    return it == index.end() ? nullptr : it->second;
  }

  std::optional<NodeId> WriterBranch(const Node& w, std::string_view key) {
    if (w.branches.size() <= kScanLimit) {
      for (NodeId b : w.branches) {
        const Node& n = w_.node(b);
        if (n.type != Type::kNull && BranchKey(n) == key) return b;
      }
      return std::nullopt;
    }
    auto& index = Idx().writer_branches[&w];
    if (index.empty()) {
      for (NodeId b : w.branches) {
        const Node& n = w_.node(b);
        if (n.type != Type::kNull) index.emplace(BranchKey(n), b);
      }
    }
    auto it = index.find(key);
    if (it == index.end()) return std::nullopt;
    return it->second;
  }

  // Candidates (below) of a union of at most kScanLimit branches, into
  // `out`; how many.
  std::size_t SmallCandidates(const Node& w, const Node& r,
                              std::array<NodeId, kScanLimit>& out) const {
    std::size_t n = 0;
    for (NodeId b : r.branches) {
      const Node& branch = r_.node(b);
      if (branch.type == w.type && (!IsNamed(w.type) || NamesMatch(w, branch))) out[n++] = b;
    }
    if (IsNamed(w.type)) return n;
    // (Promotions go to other types: no branch is listed twice.)
    for (NodeId b : r.branches) {
      if (Promotes(w.type, r_.node(b).type)) out[n++] = b;
    }
    return n;
  }

  // The branches of reader union `r` that may read writer node `wid`, in
  // the order they are tried: its own type (for a named type: matching by
  // name or alias), then the types it promotes to, each in branch order.
  const std::vector<NodeId>& Candidates(NodeId wid, NodeId rid, const Node& r) {
    const std::uint64_t key = (static_cast<std::uint64_t>(wid.value) << 32) | rid.value;
    auto [it, inserted] = Idx().candidates.try_emplace(key);
    if (!inserted) return it->second;
    std::vector<NodeId>& out = it->second;
    const Node& w = w_.node(wid);
    if (r.branches.size() <= kScanLimit) {
      std::array<NodeId, kScanLimit> small;
      out.assign(small.begin(), small.begin() + SmallCandidates(w, r, small));
      return out;
    }
    const UnionIndex& index = IndexOf(rid, r);
    std::vector<std::uint32_t> positions;
    if (IsNamed(w.type)) {
      for (auto [a, b] = index.by_name.equal_range(w.name); a != b; ++a)
        positions.push_back(a->second);
      for (auto [a, b] = index.by_alias.equal_range(w.full_name); a != b; ++a)
        positions.push_back(a->second);
      std::sort(positions.begin(), positions.end());
      positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
      for (std::uint32_t j : positions) {
        if (r_.node(r.branches[j]).type == w.type) out.push_back(r.branches[j]);
      }
      return out;
    }
    for (std::uint32_t j : index.by_type[static_cast<std::size_t>(w.type)])
      out.push_back(r.branches[j]);
    for (std::size_t t = 0; t < index.by_type.size(); ++t) {
      if (!Promotes(w.type, static_cast<Type>(t))) continue;
      positions.insert(positions.end(), index.by_type[t].begin(), index.by_type[t].end());
    }
    std::sort(positions.begin(), positions.end());
    for (std::uint32_t j : positions) out.push_back(r.branches[j]);
    return out;
  }

  struct UnionIndex {
    std::array<std::vector<std::uint32_t>, 16> by_type;
    std::unordered_multimap<std::string_view, std::uint32_t> by_name;
    std::unordered_multimap<std::string_view, std::uint32_t> by_alias;
  };
  const UnionIndex& IndexOf(NodeId rid, const Node& r) {
    auto& slot = Idx().union_indexes[rid.value];
    if (slot) return *slot;
    slot = std::make_unique<UnionIndex>();
    for (std::uint32_t j = 0; j < r.branches.size(); ++j) {
      const Node& b = r_.node(r.branches[j]);
      slot->by_type[static_cast<std::size_t>(b.type)].push_back(j);
      if (!IsNamed(b.type)) continue;
      slot->by_name.emplace(b.name, j);
      for (std::string_view alias : b.aliases()) slot->by_alias.emplace(alias, j);
    }
    return *slot;
  }

  // The index of the field of writer record `w` (at most kScanLimit fields)
  // that reader field `rf` reads (as FieldMatch), or -1. The writer field
  // at `hint` is tried first (names are unique, so a match there is the
  // match): versions usually keep the order of fields.
  static std::int64_t ScanFieldMatch(const Node& w, const Field& rf, std::size_t hint) {
    if (hint < w.fields.size() && w.fields[hint].name == rf.name)
      return static_cast<std::int64_t>(hint);
    auto find = [&](std::string_view name) -> std::int64_t {
      for (std::size_t i = 0; i < w.fields.size(); ++i)
        if (w.fields[i].name == name) return static_cast<std::int64_t>(i);
      return -1;
    };
    std::int64_t found = find(rf.name);
    for (std::size_t a = 0; found < 0 && a < rf.aliases.size(); ++a) found = find(rf.aliases[a]);
    return found;
  }

  // For each reader field, the index of the writer field it reads (by
  // name, then by the reader field's aliases), or -1.
  const std::vector<std::int64_t>& FieldMatch(NodeId wid, const Node& w, NodeId rid,
                                              const Node& r) {
    const std::uint64_t key = (static_cast<std::uint64_t>(wid.value) << 32) | rid.value;
    auto [it, inserted] = Idx().field_matches.try_emplace(key);
    if (!inserted) return it->second;
    std::unordered_map<std::string_view, std::int64_t> by_name;
    if (w.fields.size() > kScanLimit) {
      for (std::size_t i = 0; i < w.fields.size(); ++i)
        by_name.emplace(w.fields[i].name, static_cast<std::int64_t>(i));
    }
    auto find = [&](std::string_view name) -> std::int64_t {
      if (w.fields.size() > kScanLimit) {
        auto f = by_name.find(name);
        return f == by_name.end() ? -1 : f->second;
      }
      for (std::size_t i = 0; i < w.fields.size(); ++i)
        if (w.fields[i].name == name) return static_cast<std::int64_t>(i);
      return -1;
    };
    for (const Field& rf : r.fields) {
      std::int64_t found = find(rf.name);
      for (std::size_t a = 0; found < 0 && a < rf.aliases.size(); ++a) found = find(rf.aliases[a]);
      it->second.push_back(found);
    }
    return it->second;
  }

  const Schema& w_;
  const Schema& r_;
  std::vector<ResolutionError> errors_;
  std::vector<const json::Value*> value_stack_;  // ReadRecord: each writer field's member
  std::vector<char> read_stack_;                 // ReadRecord: the fields the reader read
  std::size_t stack_top_ = 0;                    // the two stacks' entries in use
  std::size_t max_errors_ = 100;
  bool full_ = true;  // Resolve: errors with messages and datum locations; false: Proves
  // Proves: the failure looked for, where, and what was seen.
  ResolutionFailure expected_ = ResolutionFailure::kInvalidDatum;
  std::string_view expected_location_;
  bool proved_ = false;
  bool unreadable_ = false;  // an invalid datum (Proves; the walk stops)
  std::string location_;     // scratch: a failure's schema location
  std::uint64_t steps_ = 0;
  int trial_ = 0;  // reader union branches being tried
  bool limited_ = false;
  // The indexes of large unions, enums and records, made when first needed
  // (most resolvers never do: an Impl holding nine empty tables cost their
  // constructors and destructors for every check that proved a finding).
  struct Indexes {
    std::unordered_map<std::uint32_t, std::unique_ptr<NameIndex>> writer_symbols, reader_symbols,
        writer_fields;
    std::unordered_map<std::uint32_t, std::vector<std::string_view>> field_name_lists;
    std::unordered_map<const json::Value*, std::unordered_map<std::string_view, const json::Value*>>
        member_index;
    std::unordered_map<const Node*, std::unordered_map<std::string_view, NodeId>> writer_branches;
    std::unordered_map<std::uint64_t, std::vector<NodeId>> candidates;
    std::unordered_map<std::uint32_t, std::unique_ptr<UnionIndex>> union_indexes;
    std::unordered_map<std::uint64_t, std::vector<std::int64_t>> field_matches;
  };
  Indexes& Idx() {
    if (!indexes_) indexes_ = std::make_unique<Indexes>();
    return *indexes_;
  }
  std::unique_ptr<Indexes> indexes_;
};

DatumResolver::DatumResolver(const Schema& writer, const Schema& reader)
    : impl_(std::make_unique<Impl>(writer, reader)) {}
DatumResolver::~DatumResolver() = default;

std::vector<ResolutionError> DatumResolver::Resolve(NodeId w, NodeId r, const json::Value& datum,
                                                    std::size_t max_errors) {
  return impl_->Resolve(w, r, datum, max_errors);
}

ProofOutcome DatumResolver::Proves(NodeId w, NodeId r, const json::Value& datum,
                                   ResolutionFailure failure, std::string_view schema_location) {
  return impl_->Proves(w, r, datum, failure, schema_location);
}

ProofOutcome DatumResolver::ProvesAlong(NodeId w, NodeId r, std::span<const DatumStep> path,
                                        const json::Value* leaf, ResolutionFailure failure,
                                        std::string_view schema_location) {
  return impl_->ProvesAlong(w, r, path, leaf, failure, schema_location);
}

}  // namespace accord::avro

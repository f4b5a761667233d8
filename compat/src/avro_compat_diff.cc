// `accord diff` for Avro: both directions of the resolution check, then the
// structural changes that break neither direction. See avro_compat.h.
//
// Every finding carries its direction (kNone for the safe ones), and
// writer_path / reader_path keep the meaning of the directed check that
// produced it: OldPath / NewPath (report.h) say which points into the old
// and which into the new schema.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "accord/compat/avro_compat.h"
#include "accord/compat/render.h"
#include "accord/schemas/budget.h"
#include "accord/schemas/flat_set.h"
#include "document_path.h"

namespace accord::compat {

namespace {

using avro::Node;
using avro::NodeId;
using avro::Schema;
using avro::Type;

std::string Quote(std::string_view s) { return json::ToJson(json::Value(s)); }

bool IsUnderOrEqual(std::string_view path, std::string_view ancestor) {
  if (path == ancestor) return true;
  return path.size() > ancestor.size() && path.starts_with(ancestor) &&
         path[ancestor.size()] == '/';
}

bool SameNamed(const Node& o, const Node& n) {
  if (o.full_name == n.full_name || o.name == n.name) return true;
  return std::find(n.aliases().begin(), n.aliases().end(), o.full_name) != n.aliases().end();
}

std::string Label(const Schema& s, NodeId id) { return avro::BranchName(s, id); }

std::string Str(std::string_view s) { return std::string(s); }

// Both absent, or both present and equal.
bool SameDefault(const json::Value* a, const json::Value* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return *a == *b;
}

// Matches old union branches to new ones as BranchesMatch does, each new
// branch at most once and the first unused match in order, for large
// unions: the new branches are listed by type, full name, unqualified name
// and alias, and each list is walked once (a cursor skips used entries).
class BranchMatcher {
 public:
  BranchMatcher(const Schema& s, const std::vector<NodeId>& branches, const std::vector<bool>& used)
      : used_(used) {
    if (branches.size() <= 16) return;  // scanned by the caller
    for (std::uint32_t j = 0; j < branches.size(); ++j) {
      const Node& b = s.node(branches[j]);
      if (!avro::IsNamed(b.type)) {
        lists_[Key{b.type, 0, {}}].entries.push_back(j);
        continue;
      }
      lists_[Key{b.type, 1, b.full_name}].entries.push_back(j);
      lists_[Key{b.type, 2, b.name}].entries.push_back(j);
      for (std::string_view alias : b.aliases()) lists_[Key{b.type, 3, alias}].entries.push_back(j);
    }
  }
  // The first unused new branch that matches old branch `o`.
  std::optional<std::size_t> First(const Node& o) {
    if (!avro::IsNamed(o.type)) return Head(Key{o.type, 0, {}});
    std::optional<std::size_t> best;
    for (auto key :
         {Key{o.type, 1, o.full_name}, Key{o.type, 2, o.name}, Key{o.type, 3, o.full_name}}) {
      auto j = Head(key);
      if (j && (!best || *j < *best)) best = j;
    }
    return best;
  }

 private:
  struct Key {
    Type type;
    int by;  // 0 unnamed type, 1 full name, 2 name, 3 alias
    std::string_view name;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::string_view>()(k.name) * 31 + static_cast<std::size_t>(k.type) * 4 +
             k.by;
    }
  };
  struct List {
    std::vector<std::uint32_t> entries;
    std::size_t cursor = 0;
  };
  std::optional<std::size_t> Head(const Key& key) {
    auto it = lists_.find(key);
    if (it == lists_.end()) return std::nullopt;
    List& l = it->second;
    while (l.cursor < l.entries.size() && used_[l.entries[l.cursor]]) ++l.cursor;
    if (l.cursor == l.entries.size()) return std::nullopt;
    return l.entries[l.cursor];
  }

  const std::vector<bool>& used_;
  std::unordered_map<Key, List, KeyHash> lists_;
};

constexpr std::size_t kScanLimit = 16;

class Differ {
 public:
  Differ(const Schema& o, const Schema& n) : o_(o), n_(n) {}

  std::vector<Finding> Run() {
    Walk(o_.root(), n_.root());
    return std::move(out_);
  }

 private:
  // A node's pointer, marked with the reference it is in (document_path.h;
  // Safe splits it again).
  static std::string P(const Schema& s, avro::PointerId id) {
    return internal::InDocument(s.DocumentOf(id), s.Pointer(id));
  }

  void Safe(AvroKind kind, std::string_view opath, std::string_view npath, std::string message) {
    Finding f;
    f.kind = kind;
    f.severity = Severity::kSafe;
    auto [odoc, optr] = internal::SplitDocumentPath(opath);
    auto [ndoc, nptr] = internal::SplitDocumentPath(npath);
    f.writer_document = odoc;
    f.writer_path = optr;
    f.reader_document = ndoc;
    f.reader_path = nptr;
    f.message = std::move(message);
    out_.push_back(std::move(f));
  }

  // Branches of a union, or the node itself as a one-branch union.
  std::vector<NodeId> Branches(const Schema& s, NodeId id) {
    const Node& n = s.node(id);
    if (n.type == Type::kUnion) return {n.branches.begin(), n.branches.end()};
    return {id};
  }

  bool BranchesMatch(NodeId o, NodeId n) {
    const Node& a = o_.node(o);
    const Node& b = n_.node(n);
    if (avro::IsNamed(a.type) && a.type == b.type) return SameNamed(a, b);
    if (a.type == b.type) return true;
    return false;
  }

  void Walk(NodeId oid, NodeId nid) {
    // Bounded like the check: a chain of thousands of named types is not
    // walked to the end (its breaking findings come from the check).
    if (depth_ > 400) return;
    struct Guard {
      std::size_t* d;
      ~Guard() { --*d; }
    } guard{&++depth_};
    if (!visited_.insert({oid.value, nid.value}).second) return;
    const Node& o = o_.node(oid);
    const Node& n = n_.node(nid);
    // Past the request's work budget (budget.h) nothing more is walked.
    if (!ChargeWork(1 + o.fields.size() + n.fields.size() + o.symbols.size() + n.symbols.size() +
                    o.branches.size() + n.branches.size())) {
      return;
    }
    if (o.type == Type::kUnion || n.type == Type::kUnion) {
      std::vector<NodeId> ob = Branches(o_, oid), nb = Branches(n_, nid);
      std::vector<bool> n_used(nb.size(), false);
      BranchMatcher matcher(n_, nb, n_used);
      for (std::size_t i = 0; i < ob.size(); ++i) {
        std::optional<std::size_t> match;
        if (nb.size() > kScanLimit) {
          ChargeWork(1);
          match = matcher.First(o_.node(ob[i]));
        } else {
          ChargeWork(nb.size());  // comparisons (budget.h)
          for (std::size_t j = 0; j < nb.size() && !match; ++j) {
            if (!n_used[j] && BranchesMatch(ob[i], nb[j])) match = j;
          }
        }
        if (!match) {
          std::string p = o.type == Type::kUnion ? P(o_, o.pointer) + "/" + std::to_string(i)
                                                 : P(o_, o.pointer);
          Safe(kAvroUnionBranchRemoved, p, P(n_, n.pointer),
               "union branch " + Label(o_, ob[i]) + " removed");
          continue;
        }
        n_used[*match] = true;
        Walk(ob[i], nb[*match]);
      }
      for (std::size_t j = 0; j < nb.size(); ++j) {
        if (n_used[j]) continue;
        std::string p =
            n.type == Type::kUnion ? P(n_, n.pointer) + "/" + std::to_string(j) : P(n_, n.pointer);
        Safe(kAvroUnionBranchAdded, P(o_, o.pointer), p,
             "union branch " + Label(n_, nb[j]) + " added");
      }
      return;
    }
    if (o.type != n.type) {
      Safe(kAvroTypePromoted, P(o_, o.pointer), P(n_, n.pointer),
           "type changed from " + std::string(avro::TypeName(o.type)) + " to " +
               std::string(avro::TypeName(n.type)));
      return;
    }
    if (o.logical_type_name() != n.logical_type_name() || o.precision() != n.precision() ||
        o.scale() != n.scale()) {
      Safe(kAvroLogicalTypeChanged, P(o_, o.pointer), P(n_, n.pointer),
           "logical type changed from " + Quote(o.logical_type_name()) + " to " +
               Quote(n.logical_type_name()));
    }
    if (avro::IsNamed(o.type) && o.full_name != n.full_name) {
      Safe(kAvroNamedTypeRenamed, P(o_, o.pointer) + "/name", P(n_, n.pointer) + "/name",
           std::string(avro::TypeName(o.type)) + " " + Str(o.full_name) + " renamed to " +
               Str(n.full_name));
    }
    switch (o.type) {
      case Type::kArray:
      case Type::kMap:
        Walk(o.items, n.items);
        return;
      case Type::kEnum: {
        // Hashed: enums of n symbols cost O(n), not n^2 comparisons.
        const StringViewSet o_symbols(o.symbols.begin(), o.symbols.end());
        const StringViewSet n_symbols(n.symbols.begin(), n.symbols.end());
        o_symbols.ForEachAbsent(n.symbols, [&](std::string_view s) {
          Safe(kAvroEnumSymbolAdded, P(o_, o.pointer) + "/symbols", P(n_, n.pointer) + "/symbols",
               "enum " + Str(n.full_name) + " symbol " + Str(s) + " added");
        });
        n_symbols.ForEachAbsent(o.symbols, [&](std::string_view s) {
          Safe(kAvroEnumSymbolRemoved, P(o_, o.pointer) + "/symbols", P(n_, n.pointer) + "/symbols",
               "enum " + Str(n.full_name) + " symbol " + Str(s) + " removed");
        });
        return;
      }
      case Type::kRecord:
        WalkFields(o, n);
        return;
      default:
        return;
    }
  }

  void WalkFields(const Node& o, const Node& n) {
    std::vector<bool> o_used(o.fields.size(), false);
    // The old fields by name (names are unique within a record): records of
    // n fields cost O(n) lookups, not n^2 comparisons.
    std::unordered_map<std::string_view, std::size_t> o_index;
    o_index.reserve(o.fields.size());
    for (std::size_t i = 0; i < o.fields.size(); ++i) o_index.emplace(o.fields[i].name, i);
    for (const avro::Field& nf : n.fields) {
      std::optional<std::size_t> oi;
      bool renamed = false;
      if (auto it = o_index.find(nf.name); it != o_index.end()) oi = it->second;
      // Else the first old field (in order) that one of the aliases names.
      for (std::string_view alias : nf.aliases) {
        if (oi && !renamed) break;
        if (auto it = o_index.find(alias); it != o_index.end() && (!oi || it->second < *oi)) {
          oi = it->second;
          renamed = true;
        }
      }
      if (!oi) {
        Safe(kAvroFieldAdded, P(o_, o.pointer), P(n_, nf.pointer),
             "field " + Quote(nf.name) + " added to record " + Str(n.full_name) +
                 (nf.default_value ? " with a default" : ""));
        continue;
      }
      o_used[*oi] = true;
      const avro::Field& of = o.fields[*oi];
      if (renamed) {
        Safe(kAvroFieldRenamed, P(o_, of.pointer), P(n_, nf.pointer),
             "field " + Quote(of.name) + " renamed to " + Quote(nf.name) + " (alias kept)");
      }
      if (!SameDefault(of.default_value, nf.default_value)) {
        Safe(kAvroDefaultChanged, P(o_, of.pointer), P(n_, nf.pointer),
             "default of field " + Quote(nf.name) + " changed");
      }
      if (of.doc != nf.doc) {
        Safe(kAvroDocChanged, P(o_, of.pointer), P(n_, nf.pointer),
             "doc of field " + Quote(nf.name) + " changed");
      }
      Walk(of.type, nf.type);
    }
    for (std::size_t i = 0; i < o.fields.size(); ++i) {
      if (o_used[i]) continue;
      Safe(kAvroFieldRemoved, P(o_, o.fields[i].pointer), P(n_, n.pointer),
           "field " + Quote(o.fields[i].name) + " removed from record " + Str(n.full_name));
    }
  }

  const Schema& o_;
  const Schema& n_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> visited_;
  std::size_t depth_ = 0;
  std::vector<Finding> out_;
};

}  // namespace

Report DiffAvroSchemas(const avro::Schema& old_schema, const avro::Schema& new_schema) {
  Report backward = CheckAvroSchemas(old_schema, new_schema);
  Report forward = CheckAvroSchemas(new_schema, old_schema);
  Differ differ(old_schema, new_schema);
  std::vector<Finding> changes = differ.Run();
  // A type the new schema promotes (int -> long, ...): old readers cannot
  // read it, a TYPE_PROMOTED change that breaks FORWARD rather than a
  // TYPE_CHANGED one.
  // (The differ names every type change TYPE_PROMOTED; it is one when the
  // new schema still reads the old type, i.e. no backward finding there.)
  // (Pointers keyed with their documents: a named type from a reference
  // has pointers of its own document.)
  auto old_key = [](const Finding& f) { return internal::InDocument(OldDocument(f), OldPath(f)); };
  auto new_key = [](const Finding& f) { return internal::InDocument(NewDocument(f), NewPath(f)); };
  std::set<std::pair<std::string, std::string>> promoted;
  for (const Finding& c : changes) {
    if (c.kind == AvroKind::kTypePromoted) promoted.insert({old_key(c), new_key(c)});
  }
  for (const Finding& f : backward.findings) promoted.erase({old_key(f), new_key(f)});
  std::vector<Finding> breaking;
  for (Finding& f : backward.findings) {
    f.direction = Direction::kBackward;
    f.message = InVersionWords(f.message, f.direction);
    if (auto k = f.kind.As<AvroKind>()) f.kind = BackwardChangeKind(*k);
    breaking.push_back(std::move(f));
  }
  for (Finding& f : forward.findings) {
    f.direction = Direction::kForward;
    f.message = InVersionWords(f.message, f.direction);
    if (auto k = f.kind.As<AvroKind>()) {
      AvroKind change = ForwardChangeKind(*k);
      if (change == AvroKind::kTypeChanged && promoted.contains({old_key(f), new_key(f)})) {
        change = AvroKind::kTypePromoted;
      }
      f.kind = change;
    }
    breaking.push_back(std::move(f));
  }
  Report report;
  for (const Finding& f : breaking) report.Add(f);
  // The breaking findings sorted by their pointer into the old schema: those
  // at or below a path are one exact range and one prefix range (n changes x
  // n breaking findings were n^2 comparisons).
  struct Keyed {
    std::string old_key, new_key;
  };
  std::vector<Keyed> by_path;
  by_path.reserve(breaking.size());
  for (const Finding& b : breaking) by_path.push_back({old_key(b), new_key(b)});
  std::sort(by_path.begin(), by_path.end(),
            [](const Keyed& a, const Keyed& b) { return a.old_key < b.old_key; });
  auto covered_by = [&](const std::string& new_at, const std::string& from, bool exact) {
    auto it = std::lower_bound(by_path.begin(), by_path.end(), from,
                               [](const Keyed& b, const std::string& p) { return b.old_key < p; });
    for (; it != by_path.end(); ++it) {
      if (exact ? it->old_key != from : !it->old_key.starts_with(from)) break;
      if (IsUnderOrEqual(it->new_key, new_at)) return true;
    }
    return false;
  };
  for (Finding& c : changes) {
    // A change already explained by a breaking finding at or below it is not
    // repeated as safe.
    const std::string o = old_key(c), n = new_key(c);
    bool covered = covered_by(n, o, true) || covered_by(n, o + "/", false);
    if (!covered) report.Add(std::move(c));
  }
  return report;
}

}  // namespace accord::compat

// `accord diff` for Avro: both directions of the resolution check, then the
// structural changes that break neither direction. See avro_compat.h.
//
// In a diff report writer_path always points into the OLD schema and
// reader_path into the NEW one, whatever the direction of the check that
// produced the finding (forward findings are swapped), so a reader of the
// report does not have to know which direction a line came from.
#include <algorithm>
#include <set>

#include "accord/compat/avro_compat.h"

namespace accord::compat {

namespace {

using avro::Node;
using avro::NodeId;
using avro::Schema;
using avro::Type;

std::string Quote(std::string_view s) { return json::ToJson(json::Value(s)); }

bool IsUnderOrEqual(std::string_view path, std::string_view ancestor) {
  if (path == ancestor) return true;
  return path.size() > ancestor.size() && path.starts_with(ancestor) && path[ancestor.size()] == '/';
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

class Differ {
 public:
  Differ(const Schema& o, const Schema& n) : o_(o), n_(n) {}

  std::vector<Finding> Run() {
    Walk(o_.root(), n_.root());
    return std::move(out_);
  }

 private:
  void Safe(std::string_view kind, std::string_view opath, std::string_view npath, std::string message) {
    Finding f;
    f.kind = std::string(kind);
    f.severity = Severity::kSafe;
    f.writer_path = std::string(opath);
    f.reader_path = std::string(npath);
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
    if (o.type == Type::kUnion || n.type == Type::kUnion) {
      std::vector<NodeId> ob = Branches(o_, oid), nb = Branches(n_, nid);
      std::vector<bool> n_used(nb.size(), false);
      for (std::size_t i = 0; i < ob.size(); ++i) {
        std::optional<std::size_t> match;
        for (std::size_t j = 0; j < nb.size() && !match; ++j) {
          if (!n_used[j] && BranchesMatch(ob[i], nb[j])) match = j;
        }
        if (!match) {
          std::string p = o.type == Type::kUnion ? o_.Pointer(o.pointer) + "/" + std::to_string(i) : o_.Pointer(o.pointer);
          Safe(kAvroUnionBranchRemoved, p, n_.Pointer(n.pointer), "union branch " + Label(o_, ob[i]) + " removed");
          continue;
        }
        n_used[*match] = true;
        Walk(ob[i], nb[*match]);
      }
      for (std::size_t j = 0; j < nb.size(); ++j) {
        if (n_used[j]) continue;
        std::string p = n.type == Type::kUnion ? n_.Pointer(n.pointer) + "/" + std::to_string(j) : n_.Pointer(n.pointer);
        Safe(kAvroUnionBranchAdded, o_.Pointer(o.pointer), p, "union branch " + Label(n_, nb[j]) + " added");
      }
      return;
    }
    if (o.type != n.type) {
      Safe(kAvroTypePromoted, o_.Pointer(o.pointer), n_.Pointer(n.pointer),
           "type changed from " + std::string(avro::TypeName(o.type)) + " to " +
               std::string(avro::TypeName(n.type)));
      return;
    }
    if (o.logical_type_name() != n.logical_type_name() || o.precision() != n.precision() || o.scale() != n.scale()) {
      Safe(kAvroLogicalTypeChanged, o_.Pointer(o.pointer), n_.Pointer(n.pointer),
           "logical type changed from " + Quote(o.logical_type_name()) + " to " + Quote(n.logical_type_name()));
    }
    if (avro::IsNamed(o.type) && o.full_name != n.full_name) {
      Safe(kAvroNamedTypeRenamed, o_.Pointer(o.pointer) + "/name", n_.Pointer(n.pointer) + "/name",
           std::string(avro::TypeName(o.type)) + " " + Str(o.full_name) + " renamed to " + Str(n.full_name));
    }
    switch (o.type) {
      case Type::kArray:
      case Type::kMap: Walk(o.items, n.items); return;
      case Type::kEnum: {
        for (std::string_view s : n.symbols) {
          if (std::find(o.symbols.begin(), o.symbols.end(), s) == o.symbols.end()) {
            Safe(kAvroEnumSymbolAdded, o_.Pointer(o.pointer) + "/symbols", n_.Pointer(n.pointer) + "/symbols",
                 "enum " + Str(n.full_name) + " symbol " + Str(s) + " added");
          }
        }
        for (std::string_view s : o.symbols) {
          if (std::find(n.symbols.begin(), n.symbols.end(), s) == n.symbols.end()) {
            Safe(kAvroEnumSymbolRemoved, o_.Pointer(o.pointer) + "/symbols", n_.Pointer(n.pointer) + "/symbols",
                 "enum " + Str(n.full_name) + " symbol " + Str(s) + " removed");
          }
        }
        return;
      }
      case Type::kRecord: WalkFields(o, n); return;
      default: return;
    }
  }

  void WalkFields(const Node& o, const Node& n) {
    std::vector<bool> o_used(o.fields.size(), false);
    for (const avro::Field& nf : n.fields) {
      std::optional<std::size_t> oi;
      bool renamed = false;
      for (std::size_t i = 0; i < o.fields.size() && !oi; ++i) {
        if (o.fields[i].name == nf.name) oi = i;
      }
      for (std::size_t i = 0; i < o.fields.size() && !oi; ++i) {
        if (std::find(nf.aliases.begin(), nf.aliases.end(), o.fields[i].name) != nf.aliases.end()) {
          oi = i;
          renamed = true;
        }
      }
      if (!oi) {
        Safe(kAvroFieldAdded, o_.Pointer(o.pointer), n_.Pointer(nf.pointer),
             "field " + Quote(nf.name) + " added to record " + Str(n.full_name) +
                 (nf.default_value ? " with a default" : ""));
        continue;
      }
      o_used[*oi] = true;
      const avro::Field& of = o.fields[*oi];
      if (renamed) {
        Safe(kAvroFieldRenamed, o_.Pointer(of.pointer), n_.Pointer(nf.pointer),
             "field " + Quote(of.name) + " renamed to " + Quote(nf.name) + " (alias kept)");
      }
      if (!SameDefault(of.default_value, nf.default_value)) {
        Safe(kAvroDefaultChanged, o_.Pointer(of.pointer), n_.Pointer(nf.pointer),
             "default of field " + Quote(nf.name) + " changed");
      }
      if (of.doc != nf.doc) {
        Safe(kAvroDocChanged, o_.Pointer(of.pointer), n_.Pointer(nf.pointer), "doc of field " + Quote(nf.name) + " changed");
      }
      Walk(of.type, nf.type);
    }
    for (std::size_t i = 0; i < o.fields.size(); ++i) {
      if (o_used[i]) continue;
      Safe(kAvroFieldRemoved, o_.Pointer(o.fields[i].pointer), n_.Pointer(n.pointer),
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
  std::vector<Finding> breaking;
  for (Finding& f : backward.findings) {
    f.message = "backward: " + f.message;
    breaking.push_back(std::move(f));
  }
  for (Finding& f : forward.findings) {
    f.message = "forward: " + f.message;
    std::swap(f.writer_path, f.reader_path);  // old schema first, see above
    breaking.push_back(std::move(f));
  }
  Differ differ(old_schema, new_schema);
  std::vector<Finding> changes = differ.Run();
  Report report;
  for (const Finding& f : breaking) report.Add(f);
  for (Finding& c : changes) {
    // A change already explained by a breaking finding at or below it is not
    // repeated as safe.
    bool covered = std::any_of(breaking.begin(), breaking.end(), [&](const Finding& b) {
      return IsUnderOrEqual(b.writer_path, c.writer_path) && IsUnderOrEqual(b.reader_path, c.reader_path);
    });
    if (!covered) report.Add(std::move(c));
  }
  return report;
}

}  // namespace accord::compat

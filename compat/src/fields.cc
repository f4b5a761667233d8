#include "fields.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "accord/schemas/pointer.h"

namespace accord::compat::internal {
namespace {

using json::Value;

std::string Join(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

bool IsTrue(const Value* v) { return v != nullptr && v->IsBool() && v->AsBool(); }

std::string StringOr(const Value* v, std::string fallback = {}) {
  return v != nullptr && v->IsString() ? v->AsString() : fallback;
}

// --- JSON Schema -------------------------------------------------------------

class JsonWalker {
 public:
  JsonWalker(const Value& root, const std::vector<NamedDocument>& references)
      : root_(root), references_(references) {}

  std::vector<FieldInfo> Run() {
    WalkObject(root_, &root_, "", 0);
    return std::move(rows_);
  }

 private:
  // The document a reference name stands for ("./" prefixes ignored), or
  // nullptr.
  const Value* Referenced(std::string_view name) const {
    while (name.starts_with("./")) name.remove_prefix(2);
    for (const NamedDocument& r : references_) {
      std::string_view own = r.name;
      while (own.starts_with("./")) own.remove_prefix(2);
      if (own == name) return r.document;
    }
    return nullptr;
  }

  // Follows $refs from `schema` in document `*doc` (cycle-guarded through
  // `active_`): local ones in the same document, a reference name into
  // that reference's document (`*doc` becomes it). Returns the target, or
  // nullptr for an unknown remote, unresolvable or cyclic one.
  const Value* Deref(const Value& schema, const Value*& doc, std::vector<std::string>& entered) {
    const Value* at = &schema;
    while (at->IsObject()) {
      const Value* ref = at->Find("$ref");
      if (ref == nullptr || !ref->IsString()) break;
      const std::string& uri = ref->AsString();
      const std::size_t hash = uri.find('#');
      const Value* target_doc = doc;
      if (hash != 0) {
        target_doc = Referenced(std::string_view(uri).substr(0, hash));
        if (target_doc == nullptr) return nullptr;
      }
      // A pointer is only unique within its document ("name" and "name#"
      // are its root alike).
      const std::string key = std::to_string(reinterpret_cast<std::uintptr_t>(target_doc)) + " " +
                              (hash == std::string::npos ? std::string() : uri.substr(hash + 1));
      if (active_.contains(key)) return nullptr;
      const Value* target =
          hash == std::string::npos
              ? target_doc
              : json::Resolve(*target_doc, std::string_view(uri).substr(hash + 1));
      if (target == nullptr) return nullptr;
      active_.insert(key);
      entered.push_back(key);
      doc = target_doc;
      at = target;
    }
    return at;
  }

  static std::string TypeOf(const Value& s) {
    if (!s.IsObject()) return s.IsBool() ? (s.AsBool() ? "any" : "never") : "any";
    if (const Value* t = s.Find("type")) {
      if (t->IsString()) return t->AsString();
      if (t->IsArray()) {
        std::string out;
        for (const Value& e : t->AsArray()) {
          if (!e.IsString()) continue;
          if (!out.empty()) out += "|";
          out += e.AsString();
        }
        if (!out.empty()) return out;
      }
    }
    if (s.Find("properties") != nullptr) return "object";
    if (s.Find("items") != nullptr) return "array";
    if (s.Find("enum") != nullptr) return "enum";
    if (s.Find("const") != nullptr) return "const";
    if (s.Find("$ref") != nullptr) return "ref";
    return "any";
  }

  // Lists the properties of `schema` (an object schema in `doc`) under `path`.
  void WalkObject(const Value& schema, const Value* doc, const std::string& path,
                  std::size_t depth) {
    if (depth >= kMaxFieldDepth || rows_.size() >= kMaxFields) return;
    std::vector<std::string> entered;
    const Value* s = Deref(schema, doc, entered);
    if (s != nullptr && s->IsObject()) {
      std::set<std::string> required;
      if (const Value* r = s->Find("required"); r != nullptr && r->IsArray()) {
        for (const Value& e : r->AsArray()) {
          if (e.IsString()) required.insert(e.AsString());
        }
      }
      if (const Value* props = s->Find("properties"); props != nullptr && props->IsObject()) {
        for (const json::Member& m : props->AsObject()) {
          AddField(m.value, doc, Join(path, m.key), required.contains(m.key), depth);
        }
      }
      if (const Value* all = s->Find("allOf"); all != nullptr && all->IsArray()) {
        for (const Value& branch : all->AsArray()) WalkObject(branch, doc, path, depth + 1);
      }
    }
    for (const std::string& uri : entered) active_.erase(uri);
  }

  void AddField(const Value& schema, const Value* doc, const std::string& path, bool required,
                std::size_t depth) {
    if (rows_.size() >= kMaxFields) return;
    std::vector<std::string> entered;
    const Value* s = Deref(schema, doc, entered);
    FieldInfo f;
    f.path = path;
    f.required = required;
    // A cyclic or unknown remote reference is listed, not expanded.
    f.type = s == nullptr ? "ref" : TypeOf(*s);
    const Value* own = schema.IsObject() ? &schema : nullptr;
    f.pii = (own != nullptr && IsTrue(own->Find("x-pii"))) ||
            (s != nullptr && s->IsObject() && IsTrue(s->Find("x-pii")));
    if (own != nullptr) f.description = StringOr(own->Find("description"));
    if (f.description.empty() && s != nullptr && s->IsObject()) {
      f.description = StringOr(s->Find("description"));
    }
    rows_.push_back(std::move(f));
    if (s != nullptr && s->IsObject()) {
      WalkObject(*s, doc, path, depth + 1);
      if (const Value* items = s->Find("items"); items != nullptr && !items->IsArray()) {
        AddItems(*items, doc, path + "[]", depth + 1);
      }
    }
    for (const std::string& uri : entered) active_.erase(uri);
  }

  // Array items: listed as their own row only when they are objects (their
  // properties follow), or arrays of arrays.
  void AddItems(const Value& items, const Value* doc, const std::string& path, std::size_t depth) {
    if (depth >= kMaxFieldDepth) return;
    std::vector<std::string> entered;
    const Value* s = Deref(items, doc, entered);
    if (s != nullptr && s->IsObject()) {
      WalkObject(*s, doc, path, depth + 1);
      if (const Value* inner = s->Find("items"); inner != nullptr && !inner->IsArray()) {
        AddItems(*inner, doc, path + "[]", depth + 1);
      }
    }
    for (const std::string& uri : entered) active_.erase(uri);
  }

  const Value& root_;
  const std::vector<NamedDocument>& references_;
  std::set<std::string> active_;  // $refs being expanded on the current path (document, pointer)
  std::vector<FieldInfo> rows_;
};

// --- Avro --------------------------------------------------------------------

class AvroWalker {
 public:
  std::vector<FieldInfo> Run(const Value& root, const std::vector<NamedDocument>& references) {
    // The references' named types first: the schema uses them by name.
    for (const NamedDocument& r : references) {
      if (r.document != nullptr) Collect(*r.document, "");
    }
    Collect(root, "");
    Walk(root, "", 0);
    return std::move(rows_);
  }

 private:
  static std::string FullName(const Value& named, const std::string& ns) {
    std::string name = StringOr(named.Find("name"));
    if (name.find('.') != std::string::npos) return name;
    std::string space = StringOr(named.Find("namespace"), ns);
    return space.empty() ? name : space + "." + name;
  }

  static std::string NamespaceOf(const std::string& full) {
    const auto dot = full.rfind('.');
    return dot == std::string::npos ? std::string() : full.substr(0, dot);
  }

  // Every named type of the document by full name (and short name), with
  // the namespace it defines.
  void Collect(const Value& t, const std::string& ns) {
    if (t.IsArray()) {
      for (const Value& b : t.AsArray()) Collect(b, ns);
      return;
    }
    if (!t.IsObject()) return;
    const std::string type = StringOr(t.Find("type"));
    if (type == "record" || type == "error" || type == "enum" || type == "fixed") {
      const std::string full = FullName(t, ns);
      named_.emplace(full, &t);
      full_of_.emplace(&t, full);
      const auto dot = full.rfind('.');
      named_.emplace(dot == std::string::npos ? full : full.substr(dot + 1), &t);
      if (const Value* fields = t.Find("fields"); fields != nullptr && fields->IsArray()) {
        for (const Value& f : fields->AsArray()) {
          if (f.IsObject()) {
            if (const Value* ft = f.Find("type")) Collect(*ft, NamespaceOf(full));
          }
        }
      }
    } else if (type == "array") {
      if (const Value* i = t.Find("items")) Collect(*i, ns);
    } else if (type == "map") {
      if (const Value* v = t.Find("values")) Collect(*v, ns);
    }
  }

  const Value* Named(const std::string& name, const std::string& ns) const {
    if (name.find('.') == std::string::npos && !ns.empty()) {
      if (auto it = named_.find(ns + "." + name); it != named_.end()) return it->second;
    }
    auto it = named_.find(name);
    return it == named_.end() ? nullptr : it->second;
  }

  // The display name of a type, and whether null is one of its branches.
  std::string TypeName(const Value& t) const {
    if (t.IsString()) return t.AsString();
    if (t.IsArray()) {
      std::string out;
      for (const Value& b : t.AsArray()) {
        if (!out.empty()) out += "|";
        out += TypeName(b);
      }
      return out;
    }
    if (!t.IsObject()) return "any";
    const std::string type = StringOr(t.Find("type"));
    if (type == "record" || type == "error" || type == "enum" || type == "fixed") {
      return type;
    }
    if (const Value* logical = t.Find("logicalType"); logical != nullptr && logical->IsString()) {
      return type + "(" + logical->AsString() + ")";
    }
    return type.empty() ? "any" : type;
  }

  // Walks the record fields reachable from type `t` under `path`.
  void Walk(const Value& t, const std::string& path, std::size_t depth, std::string ns = {}) {
    if (depth >= kMaxFieldDepth || rows_.size() >= kMaxFields) return;
    if (t.IsArray()) {
      for (const Value& b : t.AsArray()) Walk(b, path, depth + 1, ns);
      return;
    }
    if (t.IsString()) {
      const Value* def = Named(t.AsString(), ns);
      if (def == nullptr) return;
      Walk(*def, path, depth + 1, NamespaceOf(full_of_.at(def)));
      return;
    }
    if (!t.IsObject()) return;
    const std::string type = StringOr(t.Find("type"));
    if (type == "record" || type == "error") {
      auto known = full_of_.find(&t);
      const std::string full = known != full_of_.end() ? known->second : FullName(t, ns);
      if (active_.contains(full)) return;  // reached again through a named reference
      active_.insert(full);
      if (const Value* fields = t.Find("fields"); fields != nullptr && fields->IsArray()) {
        for (const Value& f : fields->AsArray()) {
          if (f.IsObject()) AddField(f, path, depth, NamespaceOf(full));
        }
      }
      active_.erase(full);
    } else if (type == "array") {
      if (const Value* i = t.Find("items")) Walk(*i, path + "[]", depth + 1, ns);
    } else if (type == "map") {
      if (const Value* v = t.Find("values")) Walk(*v, path + "{}", depth + 1, ns);
    } else if (const Value* inner = t.Find("type"); inner != nullptr && !inner->IsString()) {
      Walk(*inner, path, depth + 1, ns);
    }
  }

  void AddField(const Value& field, const std::string& parent, std::size_t depth,
                const std::string& ns) {
    if (rows_.size() >= kMaxFields) return;
    const Value* type = field.Find("type");
    FieldInfo f;
    f.path = Join(parent, StringOr(field.Find("name")));
    f.type = type != nullptr ? TypeName(*type) : "any";
    bool nullable = false;
    if (type != nullptr && type->IsArray()) {
      nullable = std::any_of(type->AsArray().begin(), type->AsArray().end(),
                             [](const Value& b) { return b.IsString() && b.AsString() == "null"; });
    }
    f.required = field.Find("default") == nullptr && !nullable;
    f.pii = IsTrue(field.Find("pii"));
    f.description = StringOr(field.Find("doc"));
    const std::string path = f.path;
    rows_.push_back(std::move(f));
    if (type != nullptr) Walk(*type, path, depth + 1, ns);
  }

  std::map<std::string, const Value*> named_;
  std::map<const Value*, std::string> full_of_;  // the full name of each named type
  std::set<std::string> active_;                 // named types being expanded on the current path
  std::vector<FieldInfo> rows_;
};

}  // namespace

std::vector<FieldInfo> JsonSchemaFields(const json::Value& schema,
                                        const std::vector<NamedDocument>& references) {
  return JsonWalker(schema, references).Run();
}

std::vector<FieldInfo> AvroFields(const json::Value& schema,
                                  const std::vector<NamedDocument>& references) {
  return AvroWalker().Run(schema, references);
}

}  // namespace accord::compat::internal

// URIs, the reference resolver and the three-valued evaluator of
// jsonschema_model.h.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_set>

#include "accord/schemas/budget.h"
#include "accord/schemas/format.h"
#include "accord/schemas/pointer.h"
#include "document_path.h"
#include "jsonschema_model.h"

namespace accord::compat::jsc {

// ---------------------------------------------------------------- URIs
namespace {

struct UriParts {
  std::string scheme;
  bool has_auth = false;
  std::string auth, path;
  bool has_query = false;
  std::string query;
  bool has_frag = false;
  std::string frag;
};

UriParts ParseUri(std::string_view s) {
  UriParts p;
  std::size_t i = 0;
  if (!s.empty() && std::isalpha(static_cast<unsigned char>(s[0]))) {
    std::size_t j = 1;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '+' ||
                            s[j] == '-' || s[j] == '.'))
      ++j;
    if (j < s.size() && s[j] == ':') {
      p.scheme = std::string(s.substr(0, j));
      std::transform(p.scheme.begin(), p.scheme.end(), p.scheme.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      i = j + 1;
    }
  }
  if (s.substr(i, 2) == "//") {
    p.has_auth = true;
    std::size_t e = s.find_first_of("/?#", i + 2);
    if (e == std::string_view::npos) e = s.size();
    p.auth = std::string(s.substr(i + 2, e - i - 2));
    i = e;
  }
  std::size_t e = s.find_first_of("?#", i);
  if (e == std::string_view::npos) e = s.size();
  p.path = std::string(s.substr(i, e - i));
  i = e;
  if (i < s.size() && s[i] == '?') {
    p.has_query = true;
    e = s.find('#', i);
    if (e == std::string_view::npos) e = s.size();
    p.query = std::string(s.substr(i + 1, e - i - 1));
    i = e;
  }
  if (i < s.size() && s[i] == '#') {
    p.has_frag = true;
    p.frag = std::string(s.substr(i + 1));
  }
  return p;
}

std::string RemoveDots(std::string in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.erase(0, 3);
    } else if (in.starts_with("./")) {
      in.erase(0, 2);
    } else if (in.starts_with("/./")) {
      in.erase(0, 2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in == "/.." ? "/" : in.substr(3);
      auto k = out.rfind('/');
      out.erase(k == std::string::npos ? 0 : k);
    } else if (in == "." || in == "..") {
      in.clear();
    } else {
      std::size_t start = in[0] == '/' ? 1 : 0;
      auto k = in.find('/', start);
      if (k == std::string::npos) k = in.size();
      out += in.substr(0, k);
      in.erase(0, k);
    }
  }
  return out;
}

std::string Format(const UriParts& p) {
  std::string s;
  if (!p.scheme.empty()) s += p.scheme + ":";
  if (p.has_auth) s += "//" + p.auth;
  s += p.path;
  if (p.has_query) s += "?" + p.query;
  if (p.has_frag) s += "#" + p.frag;
  return s;
}

}  // namespace

std::string ResolveUri(std::string_view base, std::string_view ref) {
  UriParts r = ParseUri(ref);
  if (base.empty()) return Format(r);
  UriParts b = ParseUri(base);
  UriParts t;
  if (!r.scheme.empty()) {
    t = r;
    t.path = RemoveDots(r.path);
  } else {
    t.scheme = b.scheme;
    if (r.has_auth) {
      t.has_auth = true;
      t.auth = r.auth;
      t.path = RemoveDots(r.path);
      t.has_query = r.has_query;
      t.query = r.query;
    } else {
      t.has_auth = b.has_auth;
      t.auth = b.auth;
      if (r.path.empty()) {
        t.path = b.path;
        t.has_query = r.has_query || b.has_query;
        t.query = r.has_query ? r.query : b.query;
      } else {
        if (r.path[0] == '/') {
          t.path = RemoveDots(r.path);
        } else {
          std::string merged;
          if (b.has_auth && b.path.empty()) {
            merged = "/" + r.path;
          } else {
            auto k = b.path.rfind('/');
            merged = (k == std::string::npos ? std::string() : b.path.substr(0, k + 1)) + r.path;
          }
          t.path = RemoveDots(merged);
        }
        t.has_query = r.has_query;
        t.query = r.query;
      }
    }
  }
  t.has_frag = r.has_frag;
  t.frag = r.frag;
  return Format(t);
}

std::pair<std::string, std::string> SplitFragment(std::string_view uri) {
  auto k = uri.find('#');
  if (k == std::string_view::npos) return {std::string(uri), ""};
  return {std::string(uri.substr(0, k)), std::string(uri.substr(k + 1))};
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// ---------------------------------------------------------------- regexes
const EcmaRegex* RegexCache::Get(const std::string& pattern) {
  if (auto it = cache_.find(pattern); it != cache_.end()) return it->second.get();
  if (bad_.contains(pattern)) return nullptr;
  auto re = EcmaRegex::Compile(pattern);
  if (!re) {
    bad_[pattern] = re.error().message;
    return nullptr;
  }
  auto owned = std::make_unique<EcmaRegex>(std::move(*re));
  const EcmaRegex* p = owned.get();
  cache_.emplace(pattern, std::move(owned));
  return p;
}

std::optional<bool> RegexCache::Search(const std::string& pattern, std::string_view text) {
  const EcmaRegex* re = Get(pattern);
  if (re == nullptr) return std::nullopt;
  return re->Search(text);
}

// ---------------------------------------------------------------- Resolver
bool Draft7OrOlder(Dialect d) {
  return d == Dialect::kDraft4 || d == Dialect::kDraft6 || d == Dialect::kDraft7;
}
bool Has2019(Dialect d) { return d == Dialect::kDraft2019_09 || d == Dialect::kDraft2020_12; }

namespace {

constexpr std::string_view kSingleKeywords[] = {"additionalProperties",
                                                "additionalItems",
                                                "items",
                                                "contains",
                                                "propertyNames",
                                                "not",
                                                "if",
                                                "then",
                                                "else",
                                                "unevaluatedItems",
                                                "unevaluatedProperties",
                                                "contentSchema"};
constexpr std::string_view kArrayKeywords[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items"};
constexpr std::string_view kMapKeywords[] = {"properties",  "patternProperties", "$defs",
                                             "definitions", "dependentSchemas",  "dependencies"};

bool IsSchemaValue(const json::Value& v) { return v.IsObject() || v.IsBool(); }

// Whether an object has a member that Intern looks up: "$schema", "$id",
// "id", "$anchor", "$dynamicAnchor", "$recursiveAnchor". Most subschemas
// have none, and one pass over the names is cheaper than six lookups.
bool MayNameResource(const json::Value& v) {
  for (const json::Member& m : v.AsObject()) {
    if (m.key.starts_with('$') || m.key == "id") return true;
  }
  return false;
}

}  // namespace

Resolver::Resolver(const json::Value& root, std::string root_base, Dialect default_dialect,
                   const jsonschema::SchemaBundle* bundle)
    : bundle_(bundle), default_dialect_(default_dialect) {
  true_ = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(NodeInfo{&true_value_, "", AddBase("urn:accord:true"), default_dialect, -1});
  false_ = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(NodeInfo{&false_value_, "", AddBase("urn:accord:false"), default_dialect, -1});
  Dialect d = default_dialect;
  if (root.IsObject()) {
    if (const json::Value* s = root.Find("$schema"); s && s->IsString()) {
      if (auto dd = jsonschema::DialectFromString(s->AsString())) d = *dd;
    }
  }
  root_ = Index(&root, "", std::move(root_base), d, 0);
}

std::uint32_t Resolver::AddBase(std::string base) {
  if (!bases_.empty() && bases_.back() == base)
    return static_cast<std::uint32_t>(bases_.size() - 1);
  bases_.push_back(std::move(base));
  return static_cast<std::uint32_t>(bases_.size() - 1);
}

NodeId Resolver::Intern(const json::Value* v, std::string path, std::uint32_t base_id, Dialect d,
                        int doc) {
  if (const NodeId* id = by_value_.Find(v)) return *id;
  // (a copy only for a node that may declare a resource: bases_ may grow)
  std::string base;
  std::string id_fragment;  // of its $id, resolved once against the parent's base
  const bool named = v->IsObject() && MayNameResource(*v);
  if (named) {
    base = bases_[base_id];
    if (const json::Value* s = v->Find("$schema"); s && s->IsString()) {
      bool resource_root =
          internal::IsDocumentRoot(path) || v->Find(d == Dialect::kDraft4 ? "id" : "$id");
      if (resource_root) {
        if (auto dd = jsonschema::DialectFromString(s->AsString())) d = *dd;
      }
    }
    const json::Value* id = v->Find(d == Dialect::kDraft4 ? "id" : "$id");
    if (id && id->IsString()) {
      const std::string& ids = id->AsString();
      if (!ids.empty() && ids[0] == '#' && Draft7OrOlder(d)) {
        // plain-name fragment: an anchor
      } else {
        auto [uri, frag] = SplitFragment(ResolveUri(base, ids));
        base = std::move(uri);
        id_fragment = std::move(frag);
      }
    }
  }
  if (named && base != bases_[base_id]) base_id = AddBase(base);
  NodeId nid = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(NodeInfo{v, std::move(path), base_id, d, doc});
  by_value_.Insert(v, nid);
  if (named) {
    const json::Value* id = v->Find(d == Dialect::kDraft4 ? "id" : "$id");
    if (id && id->IsString()) {
      const std::string& ids = id->AsString();
      if (!ids.empty() && ids[0] == '#' && Draft7OrOlder(d)) {
        anchors_[base + ids] = nid;
      } else {
        // `base` is the $id resolved against the parent's base above
        // (resolving it again against itself doubled a relative path:
        // "sub/item.json" under ".../root.json" became ".../sub/sub/item.json").
        resources_.emplace(base, nid);
        if (!id_fragment.empty() && Draft7OrOlder(d)) anchors_[base + "#" + id_fragment] = nid;
      }
    }
    if (const json::Value* a = v->Find("$anchor"); a && a->IsString() && Has2019(d)) {
      anchors_[base + "#" + a->AsString()] = nid;
    }
    if (const json::Value* a = v->Find("$dynamicAnchor"); a && a->IsString()) {
      anchors_.emplace(base + "#" + a->AsString(), nid);
      dynamic_anchors_[a->AsString()]++;
    }
    if (const json::Value* a = v->Find("$recursiveAnchor"); a && a->IsBool() && a->AsBool()) {
      dynamic_anchors_["$recursive"]++;
    }
  }
  return nid;
}

NodeId Resolver::Index(const json::Value* v, std::string path, std::string base, Dialect d,
                       int doc) {
  NodeId id = Intern(v, std::move(path), AddBase(base), d, doc);
  if (nodes_[id].path.empty() || doc != 0 || true) resources_.emplace(base, id);
  Walk(id);
  return id;
}

template <typename Suffix>
NodeId Resolver::ChildOf(NodeId n, const json::Value* c, Suffix&& suffix) {
  if (const NodeId* id = by_value_.Find(c)) return *id;
  // (a reference: Intern grows nodes_ only after its arguments are built)
  const NodeInfo& info = nodes_[n];
  std::string path;
  path.reserve(info.path.size() + 32);
  path = info.path;
  suffix(path);
  return Intern(c, std::move(path), info.base, info.dialect, info.doc);
}

void Resolver::Walk(NodeId root) {
  std::vector<NodeId> stack{root};
  // Nodes met in this walk: marked with this walk's number (no set to fill
  // and clear per walk; the marks grow with the nodes).
  const std::uint32_t walk = ++walks_;
  auto seen = [&](NodeId c) {
    if (c >= walk_marks_.size()) walk_marks_.resize(std::max<std::size_t>(c + 1, nodes_.size()));
    if (walk_marks_[c] == walk) return true;
    walk_marks_[c] = walk;
    return false;
  };
  seen(root);
  // One node's keyword members, found in one pass over its members (the
  // first of a repeated name, as Find), then visited in the order of the
  // keyword lists, as Kw, KwIdx and KwKey one keyword at a time would.
  std::array<const json::Value*, std::size(kSingleKeywords)> single{};
  std::array<const json::Value*, std::size(kArrayKeywords)> arrays{};
  std::array<const json::Value*, std::size(kMapKeywords)> maps{};
  auto note = [](const json::Member& m, const auto& keywords, auto& slots) {
    for (std::size_t k = 0; k < slots.size(); ++k) {
      if (slots[k] == nullptr && keywords[k] == m.key) slots[k] = &m.value;
    }
  };
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    const json::Value& v = *nodes_[id].value;
    if (!v.IsObject()) continue;
    auto push = [&](NodeId c) {
      if (!seen(c)) stack.push_back(c);
    };
    single.fill(nullptr);
    arrays.fill(nullptr);
    maps.fill(nullptr);
    for (const json::Member& m : v.AsObject()) {
      note(m, kSingleKeywords, single);
      note(m, kArrayKeywords, arrays);
      note(m, kMapKeywords, maps);
    }
    for (std::size_t k = 0; k < single.size(); ++k) {
      const json::Value* c = single[k];
      if (c == nullptr || !IsSchemaValue(*c)) continue;
      push(ChildOf(id, c, [&](std::string& p) { json::AppendToken(p, kSingleKeywords[k]); }));
    }
    for (std::size_t k = 0; k < arrays.size(); ++k) {
      const json::Value* a = arrays[k];
      if (a == nullptr || !a->IsArray()) continue;
      for (std::size_t i = 0; i < a->AsArray().size(); ++i) {
        const json::Value* c = &a->AsArray()[i];
        if (!IsSchemaValue(*c)) continue;
        push(ChildOf(id, c, [&](std::string& p) {
          json::AppendToken(p, kArrayKeywords[k]);
          json::AppendToken(p, std::to_string(i));
        }));
      }
    }
    for (std::size_t k = 0; k < maps.size(); ++k) {
      const json::Value* m = maps[k];
      if (m == nullptr || !m->IsObject()) continue;
      for (const json::Member& mem : m->AsObject()) {
        if (!IsSchemaValue(mem.value)) continue;
        push(ChildOf(id, &mem.value, [&](std::string& p) {
          json::AppendToken(p, kMapKeywords[k]);
          json::AppendToken(p, mem.key);
        }));
      }
    }
  }
}

NodeId Resolver::Kw(NodeId n, std::string_view keyword) {
  const json::Value& v = *nodes_[n].value;
  if (!v.IsObject()) return kNoNode;
  const json::Value* c = v.Find(keyword);
  if (!c || !IsSchemaValue(*c)) return kNoNode;
  return ChildOf(n, c, [&](std::string& p) { json::AppendToken(p, keyword); });
}

const json::Value* Resolver::Member(const json::Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  const json::Object& o = obj.AsObject();
  if (o.size() < 16) return obj.Find(key);
  auto it = members_.find(&obj);
  if (it == members_.end()) {
    FlatMap<std::string_view, const json::Value*> index;
    index.Reserve(o.size());
    for (const json::Member& m : o) index.Insert(m.key, &m.value);
    it = members_.emplace(&obj, std::move(index)).first;
  }
  const json::Value* const* hit = it->second.Find(key);
  return hit == nullptr ? nullptr : *hit;
}

NodeId Resolver::KwKey(NodeId n, std::string_view keyword, std::string_view key) {
  const json::Value& v = *nodes_[n].value;
  if (!v.IsObject()) return kNoNode;
  const json::Value* m = v.Find(keyword);
  if (!m || !m->IsObject()) return kNoNode;
  const json::Value* c = Member(*m, key);
  if (!c || !IsSchemaValue(*c)) return kNoNode;
  return ChildOf(n, c, [&](std::string& p) {
    json::AppendToken(p, keyword);
    json::AppendToken(p, key);
  });
}

NodeId Resolver::KwIdx(NodeId n, std::string_view keyword, std::size_t index) {
  const json::Value& v = *nodes_[n].value;
  if (!v.IsObject()) return kNoNode;
  const json::Value* a = v.Find(keyword);
  if (!a || !a->IsArray() || index >= a->AsArray().size()) return kNoNode;
  const json::Value* c = &a->AsArray()[index];
  if (!IsSchemaValue(*c)) return kNoNode;
  return ChildOf(n, c, [&](std::string& p) {
    json::AppendToken(p, keyword);
    json::AppendToken(p, std::to_string(index));
  });
}

Result<NodeId> Resolver::LoadBundle(const std::string& uri) {
  if (bundle_ == nullptr)
    return MakeError(ErrorCode::kUnresolvedRef, "unresolved reference " + uri);
  const json::Value* doc = bundle_->Find(uri);
  if (doc == nullptr) return MakeError(ErrorCode::kUnresolvedRef, "unresolved reference " + uri);
  Dialect d = default_dialect_;
  if (doc->IsObject()) {
    if (const json::Value* s = doc->Find("$schema"); s && s->IsString()) {
      if (auto dd = jsonschema::DialectFromString(s->AsString())) d = *dd;
    }
  }
  // Its nodes' paths name it (document_path.h): a finding inside it says so.
  NodeId id = Index(doc, internal::InDocument(uri, ""), uri, d, docs_++);
  resources_[uri] = id;
  return id;
}

Result<NodeId> Resolver::Ref(NodeId from, std::string_view ref) {
  std::string full = ResolveUri(Base(from), ref);
  auto [uri, frag] = SplitFragment(full);
  NodeId res = kNoNode;
  if (auto it = resources_.find(uri); it != resources_.end()) {
    res = it->second;
  } else {
    auto loaded = LoadBundle(uri);
    if (!loaded) return std::unexpected(loaded.error());
    res = *loaded;
  }
  if (frag.empty()) return res;
  if (frag[0] == '/') {
    std::string ptr = PercentDecode(frag);
    const json::Value* t = json::Resolve(*nodes_[res].value, ptr);
    if (t == nullptr || !IsSchemaValue(*t))
      return MakeError(ErrorCode::kUnresolvedRef, "unresolved reference " + std::string(ref));
    if (const NodeId* id = by_value_.Find(t)) return *id;
    NodeInfo info = nodes_[res];
    NodeId id = Intern(t, info.path + ptr, info.base, info.dialect, info.doc);
    Walk(id);
    return id;
  }
  if (auto it = anchors_.find(uri + "#" + frag); it != anchors_.end()) return it->second;
  return MakeError(ErrorCode::kUnresolvedRef, "unresolved reference " + std::string(ref));
}

NodeId Resolver::RefTarget(NodeId n, std::string_view keyword) {
  int code = keyword == "$ref" ? 0 : keyword == "$dynamicRef" ? 1 : 2;
  if (auto it = refs_.find({n, code}); it != refs_.end()) return it->second;
  NodeId out = kNoNode;
  const json::Value& v = *nodes_[n].value;
  if (v.IsObject()) {
    if (const json::Value* r = v.Find(keyword); r && r->IsString()) {
      auto t = Ref(n, r->AsString());
      if (t) out = *t;
    }
  }
  refs_[{n, code}] = out;
  return out;
}

bool Resolver::DynamicAmbiguous(std::string_view anchor) const {
  auto it = dynamic_anchors_.find(std::string(anchor));
  return it != dynamic_anchors_.end() && it->second > 1;
}

Result<void> Resolver::CheckAll() {
  // An error at `keyword` of node i: its pointer within its document, and a
  // bundle document named as the error's file.
  auto at = [this](std::size_t i, Error e, std::string_view keyword) {
    auto [document, pointer] = internal::SplitDocumentPath(nodes_[i].path);
    e.pointer = std::string(pointer) + "/" + std::string(keyword);
    if (!document.empty() && e.file.empty()) e.file = std::string(document);
    return std::unexpected(std::move(e));
  };
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const json::Value& v = *nodes_[i].value;
    if (!v.IsObject()) continue;
    for (std::string_view kw : {"$ref", "$dynamicRef", "$recursiveRef"}) {
      const json::Value* r = v.Find(kw);
      if (!r || !r->IsString()) continue;
      auto t = Ref(static_cast<NodeId>(i), r->AsString());
      if (!t) {
        return at(i, t.error(), kw);
      }
    }
    if (const json::Value* p = v.Find("pattern"); p && p->IsString()) {
      auto re = EcmaRegex::Compile(p->AsString());
      if (!re) {
        return at(i, re.error(), "pattern");
      }
    }
    if (const json::Value* pp = v.Find("patternProperties"); pp && pp->IsObject()) {
      for (const json::Member& m : pp->AsObject()) {
        auto re = EcmaRegex::Compile(m.key);
        if (!re) {
          return at(i, re.error(), "patternProperties");
        }
      }
    }
  }
  return {};
}

// ---------------------------------------------------------------- Evaluator
namespace {

std::size_t CodePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool TypeMatches(std::string_view t, const json::Value& x) {
  if (t == "integer") return x.IsInteger();
  if (t == "number") return x.IsNumber();
  if (t == "string") return x.IsString();
  if (t == "object") return x.IsObject();
  if (t == "array") return x.IsArray();
  if (t == "boolean") return x.IsBool();
  if (t == "null") return x.IsNull();
  return false;
}

bool AsU64(const json::Value* v, std::uint64_t& out) {
  if (!v || !v->IsNumber()) return false;
  double d = v->AsNumber().AsDouble();
  if (d < 0) d = 0;
  out = d >= 1.8e19 ? kInf : static_cast<std::uint64_t>(std::ceil(d));
  return true;
}

}  // namespace

namespace {

using u128 = unsigned __int128;

// The shortest decimal that round-trips the double: mantissa * 10^exp.
struct Decimal {
  u128 mant = 0;
  int exp = 0;
  bool ok = false;
};

Decimal ToDecimal(double v) {
  Decimal d;
  if (!std::isfinite(v)) return d;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v));
  if (res.ec != std::errc()) return d;
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  int exp = 0;
  if (auto e = s.find_first_of("eE"); e != std::string_view::npos) {
    exp = std::atoi(std::string(s.substr(e + 1)).c_str());
    s = s.substr(0, e);
  }
  u128 mant = 0;
  int digits = 0;
  bool after_dot = false;
  for (char c : s) {
    if (c == '.') {
      after_dot = true;
      continue;
    }
    if (digits >= 36) return d;
    mant = mant * 10 + static_cast<unsigned>(c - '0');
    if (mant != 0) ++digits;
    if (after_dot) --exp;
  }
  while (mant != 0 && mant % 10 == 0) {
    mant /= 10;
    ++exp;
  }
  d.mant = mant;
  d.exp = exp;
  d.ok = true;
  return d;
}

}  // namespace

// Exact on the shortest decimal representations (as the validator).
bool IsMultiple(double v, double m) {
  if (m <= 0 || !std::isfinite(m)) return true;
  if (!std::isfinite(v)) return false;
  Decimal dv = ToDecimal(v), dm = ToDecimal(m);
  if (dv.ok && dm.ok && dm.mant != 0 && dm.mant < (static_cast<u128>(1) << 64)) {
    if (dv.mant == 0) return true;
    if (dv.exp >= dm.exp) {
      u128 r = dv.mant % dm.mant;
      u128 p = 1 % dm.mant;
      for (int i = 0; i < dv.exp - dm.exp; ++i) {
        p = (p * 10) % dm.mant;
        if (p == 0) break;
      }
      return (r * p) % dm.mant == 0;
    }
    int k = dm.exp - dv.exp;
    if (k > 36) return false;
    u128 pow = 1;
    for (int i = 0; i < k; ++i) pow *= 10;
    if (dv.mant % pow != 0) return false;
    return (dv.mant / pow) % dm.mant == 0;
  }
  double q = v / m;
  if (!std::isfinite(q)) return false;
  return std::fabs(q - std::round(q)) <= 1e-9;
}

bool Evaluator::EnumHas(const json::Value& en, const json::Value& x) {
  const json::Array& values = en.AsArray();
  // Short enums are scanned; a long one is hashed once per evaluator, so
  // that testing each of n writer values against a reader enum of n costs
  // O(n), not n^2 comparisons.
  // (Comparisons are charged to the request's budget, budget.h.)
  if (values.size() <= 16) {
    ChargeWork(values.size());
    return std::find(values.begin(), values.end(), x) != values.end();
  }
  ChargeWork(1);
  auto [it, made] = enum_sets_.try_emplace(&en);
  if (made) {
    it->second.Reserve(values.size());
    for (const json::Value& v : values) it->second.Insert(&v);
  }
  return it->second.Contains(&x);
}

void Evaluator::PrefetchEnum(NodeId n, const json::Value& instance) const {
  const json::Value& s = r_.V(n);
  if (!s.IsObject()) return;
  const json::Value* e = s.Find("enum");
  if (e == nullptr) return;
  if (auto it = enum_sets_.find(e); it != enum_sets_.end()) it->second.Prefetch(&instance);
}

Tri Evaluator::Valid(NodeId n, const json::Value& instance, EvalFailure* failure) {
  steps_ = 0;
  return Eval(n, instance, nullptr, failure, 0);
}

Tri Evaluator::ValidConj(const Conj& c, const json::Value& instance) {
  Tri out = Tri::kTrue;
  for (NodeId n : c) {
    Tri t = Valid(n, instance);
    if (t == Tri::kFalse) return t;
    if (t == Tri::kUnknown) out = t;
  }
  return out;
}

Tri Evaluator::Eval(NodeId n, const json::Value& x, Annot* ann, EvalFailure* f, int depth) {
  if (depth > 256 || ++steps_ > 200'000 || !ChargeWork(1)) return Tri::kUnknown;
  const json::Value& s = r_.V(n);
  const std::string& path = r_.Path(n);
  auto fail = [&](std::string_view kw) {
    if (f && f->keyword.empty()) {
      f->keyword = std::string(kw);
      f->schema_path = path + "/" + json::EscapeToken(kw);
    }
    return Tri::kFalse;
  };
  if (s.IsBool()) {
    if (!s.AsBool()) {
      if (f && f->keyword.empty()) {
        f->keyword = "false";
        f->schema_path = path;
      }
      return Tri::kFalse;
    }
    return Tri::kTrue;
  }
  if (!s.IsObject()) return Tri::kTrue;
  Dialect d = r_.D(n);
  Tri result = Tri::kTrue;
  Annot local;
  bool need_local = s.Find("unevaluatedProperties") || s.Find("unevaluatedItems");
  Annot* a = need_local ? &local : ann;
  auto merge = [&](const Annot& c) {
    if (!a) return;
    a->all_props |= c.all_props;
    a->props.insert(a->props.end(), c.props.begin(), c.props.end());
    a->all_items |= c.all_items;
    a->items = std::max(a->items, c.items);
  };
  // Sub-evaluation in place (applicators on the same instance).
  auto sub = [&](NodeId c, Annot* out, EvalFailure* ff = nullptr) -> Tri {
    if (c == kNoNode) return Tri::kTrue;
    return Eval(c, x, out, ff, depth + 1);
  };
#define ACCORD_EVAL_COMBINE(expr, kw)       \
  do {                                      \
    Tri t_ = (expr);                        \
    if (t_ == Tri::kFalse) return fail(kw); \
    if (t_ == Tri::kUnknown) result = t_;   \
  } while (0)

  // $ref
  if (s.Find("$ref")) {
    NodeId t = r_.RefTarget(n, "$ref");
    if (t == kNoNode) return Tri::kUnknown;
    if (Draft7OrOlder(d)) {
      Tri r = Eval(t, x, ann, f, depth + 1);
      return r;
    }
    Annot c;
    Tri r = Eval(t, x, a ? &c : nullptr, f, depth + 1);
    if (r == Tri::kFalse) return r;
    if (r == Tri::kUnknown) result = r;
    merge(c);
  }
  for (std::string_view kw : {"$dynamicRef", "$recursiveRef"}) {
    if (!s.Find(kw)) continue;
    NodeId t = r_.RefTarget(n, kw);
    if (t == kNoNode) return Tri::kUnknown;
    Annot c;
    Tri r = Eval(t, x, a ? &c : nullptr, f, depth + 1);
    if (r == Tri::kFalse) return r;
    if (r == Tri::kUnknown) result = r;
    merge(c);
  }
  // type
  if (const json::Value* t = s.Find("type")) {
    bool ok = false;
    if (t->IsString()) {
      ok = TypeMatches(t->AsString(), x);
    } else if (t->IsArray()) {
      for (const json::Value& e : t->AsArray())
        if (e.IsString() && TypeMatches(e.AsString(), x)) ok = true;
    } else {
      ok = true;
    }
    if (!ok) return fail("type");
  }
  if (const json::Value* e = s.Find("enum"); e && e->IsArray()) {
    if (!EnumHas(*e, x)) return fail("enum");
  }
  if (d != Dialect::kDraft4) {
    if (const json::Value* c = s.Find("const"); c && !(*c == x)) return fail("const");
  }
  // numbers
  if (x.IsNumber()) {
    double v = x.AsNumber().AsDouble();
    const json::Value* mn = s.Find("minimum");
    const json::Value* mx = s.Find("maximum");
    const json::Value* emn = s.Find("exclusiveMinimum");
    const json::Value* emx = s.Find("exclusiveMaximum");
    auto num_lt = [&](const json::Value& b) { return x.AsNumber() < b.AsNumber(); };
    auto num_eq = [&](const json::Value& b) { return x.AsNumber() == b.AsNumber(); };
    if (mn && mn->IsNumber()) {
      bool excl = d == Dialect::kDraft4 && emn && emn->IsBool() && emn->AsBool();
      if (num_lt(*mn) || (excl && num_eq(*mn))) return fail(excl ? "exclusiveMinimum" : "minimum");
    }
    if (mx && mx->IsNumber()) {
      bool excl = d == Dialect::kDraft4 && emx && emx->IsBool() && emx->AsBool();
      if (!(num_lt(*mx) || (!excl && num_eq(*mx))))
        return fail(excl ? "exclusiveMaximum" : "maximum");
    }
    if (d != Dialect::kDraft4) {
      if (emn && emn->IsNumber() && (num_lt(*emn) || num_eq(*emn))) return fail("exclusiveMinimum");
      if (emx && emx->IsNumber() && !num_lt(*emx)) return fail("exclusiveMaximum");
    }
    if (const json::Value* m = s.Find("multipleOf"); m && m->IsNumber()) {
      double md = m->AsNumber().AsDouble();
      bool ok;
      if (x.AsNumber().IsInt() && m->AsNumber().IsInt() && m->AsNumber().AsInt() != 0) {
        ok = x.AsNumber().AsInt() % m->AsNumber().AsInt() == 0;
      } else {
        ok = IsMultiple(v, md);
      }
      if (!ok) return fail("multipleOf");
    }
  }
  // strings
  if (x.IsString()) {
    std::uint64_t lim;
    std::size_t len = CodePoints(x.AsString());
    if (AsU64(s.Find("minLength"), lim) && len < lim) return fail("minLength");
    if (const json::Value* ml = s.Find("maxLength"); ml && ml->IsNumber()) {
      if (static_cast<double>(len) > ml->AsNumber().AsDouble()) return fail("maxLength");
    }
    if (const json::Value* p = s.Find("pattern"); p && p->IsString()) {
      auto m = rx_.Search(p->AsString(), x.AsString());
      if (!m) return Tri::kUnknown;
      if (!*m) return fail("pattern");
    }
    if (const json::Value* fm = s.Find("format"); assert_format && fm && fm->IsString()) {
      if (format::Find(fm->AsString()) != nullptr && !format::Check(fm->AsString(), x.AsString()))
        return fail("format");
    }
  }
  // arrays
  if (x.IsArray()) {
    const json::Array& arr = x.AsArray();
    std::uint64_t lim;
    if (AsU64(s.Find("minItems"), lim) && arr.size() < lim) return fail("minItems");
    if (const json::Value* ml = s.Find("maxItems"); ml && ml->IsNumber()) {
      if (static_cast<double>(arr.size()) > ml->AsNumber().AsDouble()) return fail("maxItems");
    }
    if (const json::Value* u = s.Find("uniqueItems"); u && u->IsBool() && u->AsBool()) {
      for (std::size_t i = 0; i < arr.size(); ++i)
        for (std::size_t j = i + 1; j < arr.size(); ++j)
          if (arr[i] == arr[j]) return fail("uniqueItems");
    }
    std::size_t prefix = 0;
    bool prefix_kw = false;
    const json::Value* items = s.Find("items");
    const json::Value* prefix_items = d == Dialect::kDraft2020_12 ? s.Find("prefixItems") : nullptr;
    if (prefix_items && prefix_items->IsArray()) {
      prefix_kw = true;
      prefix = prefix_items->AsArray().size();
      for (std::size_t i = 0; i < prefix && i < arr.size(); ++i) {
        Tri t = Eval(r_.KwIdx(n, "prefixItems", i), arr[i], nullptr, f, depth + 1);
        ACCORD_EVAL_COMBINE(t, "prefixItems");
      }
      if (a) a->items = std::max(a->items, std::min(prefix, arr.size()));
    }
    if (items && items->IsArray() && d != Dialect::kDraft2020_12) {
      prefix_kw = true;
      prefix = items->AsArray().size();
      for (std::size_t i = 0; i < prefix && i < arr.size(); ++i) {
        Tri t = Eval(r_.KwIdx(n, "items", i), arr[i], nullptr, f, depth + 1);
        ACCORD_EVAL_COMBINE(t, "items");
      }
      if (a) a->items = std::max(a->items, std::min(prefix, arr.size()));
      if (NodeId ai = r_.Kw(n, "additionalItems"); ai != kNoNode) {
        for (std::size_t i = prefix; i < arr.size(); ++i) {
          Tri t = Eval(ai, arr[i], nullptr, f, depth + 1);
          ACCORD_EVAL_COMBINE(t, "additionalItems");
        }
        if (a && arr.size() > prefix) a->all_items = true;
      }
    } else if (items && IsSchemaValue(*items)) {
      NodeId it = r_.Kw(n, "items");
      std::size_t start = (d == Dialect::kDraft2020_12 && prefix_kw) ? prefix : 0;
      for (std::size_t i = start; i < arr.size(); ++i) {
        Tri t = Eval(it, arr[i], nullptr, f, depth + 1);
        ACCORD_EVAL_COMBINE(t, "items");
      }
      if (a && arr.size() > start) a->all_items = true;
    }
    if (d != Dialect::kDraft4) {
      if (NodeId c = r_.Kw(n, "contains"); c != kNoNode) {
        std::uint64_t count = 0;
        bool unknown = false;
        for (const json::Value& e : arr) {
          Tri t = Eval(c, e, nullptr, nullptr, depth + 1);
          if (t == Tri::kTrue) ++count;
          if (t == Tri::kUnknown) unknown = true;
        }
        std::uint64_t mn = 1;
        std::optional<std::uint64_t> mx;
        if (Has2019(d)) {
          AsU64(s.Find("minContains"), mn);
          std::uint64_t m2;
          if (AsU64(s.Find("maxContains"), m2)) mx = m2;
        }
        if (unknown) {
          result = Tri::kUnknown;
        } else {
          if (count < mn) return fail("contains");
          if (mx && count > *mx) return fail("maxContains");
        }
        if (a && count == arr.size() && Has2019(d)) a->all_items = true;
      }
    }
  }
  // objects
  if (x.IsObject()) {
    const json::Object& obj = x.AsObject();
    std::uint64_t lim;
    if (AsU64(s.Find("minProperties"), lim) && obj.size() < lim) return fail("minProperties");
    if (const json::Value* ml = s.Find("maxProperties"); ml && ml->IsNumber()) {
      if (static_cast<double>(obj.size()) > ml->AsNumber().AsDouble()) return fail("maxProperties");
    }
    // Whether the instance has a member `key`: a large instance's names
    // are hashed once here (a scan per required name was n^2).
    std::unordered_set<std::string_view> names;
    auto has = [&](std::string_view key) {
      if (obj.size() < 16) return x.Find(key) != nullptr;
      if (names.empty()) {
        ChargeWork(obj.size());
        for (const json::Member& m : obj) names.insert(m.key);
      }
      return names.contains(key);
    };
    if (const json::Value* req = s.Find("required"); req && req->IsArray()) {
      ChargeWork(req->AsArray().size());
      for (const json::Value& q : req->AsArray())
        if (q.IsString() && !has(q.AsString())) return fail("required");
    }
    const json::Value* props = s.Find("properties");
    const json::Value* pprops = s.Find("patternProperties");
    NodeId addl = r_.Kw(n, "additionalProperties");
    for (const json::Member& m : obj) {
      bool matched = false;
      if (props && props->IsObject() && r_.Member(*props, m.key)) {
        matched = true;
        Tri t = Eval(r_.KwKey(n, "properties", m.key), m.value, nullptr, f, depth + 1);
        ACCORD_EVAL_COMBINE(t, "properties");
        if (a) a->props.push_back(m.key);
      }
      if (pprops && pprops->IsObject()) {
        for (const json::Member& pm : pprops->AsObject()) {
          auto hit = rx_.Search(pm.key, m.key);
          if (!hit) return Tri::kUnknown;
          if (!*hit) continue;
          matched = true;
          Tri t = Eval(r_.KwKey(n, "patternProperties", pm.key), m.value, nullptr, f, depth + 1);
          ACCORD_EVAL_COMBINE(t, "patternProperties");
          if (a) a->props.push_back(m.key);
        }
      }
      if (!matched && addl != kNoNode) {
        Tri t = Eval(addl, m.value, nullptr, f, depth + 1);
        ACCORD_EVAL_COMBINE(t, "additionalProperties");
        if (a) a->props.push_back(m.key);
      }
      if (d != Dialect::kDraft4) {
        if (NodeId pn = r_.Kw(n, "propertyNames"); pn != kNoNode) {
          Tri t = Eval(pn, json::Value(m.key), nullptr, f, depth + 1);
          ACCORD_EVAL_COMBINE(t, "propertyNames");
        }
      }
    }
    auto dep_required = [&](const char* kw, const json::Value& deps) -> Tri {
      for (const json::Member& dm : deps.AsObject()) {
        if (!has(dm.key) || !dm.value.IsArray()) continue;
        for (const json::Value& q : dm.value.AsArray())
          if (q.IsString() && !has(q.AsString())) return fail(kw);
      }
      return Tri::kTrue;
    };
    // `dependencies` is honoured in every dialect (as the validator does);
    // dependentRequired / dependentSchemas from 2019-09 on.
    if (const json::Value* deps = s.Find("dependencies"); deps && deps->IsObject()) {
      if (dep_required("dependencies", *deps) == Tri::kFalse) return Tri::kFalse;
      for (const json::Member& dm : deps->AsObject()) {
        if (!has(dm.key) || !IsSchemaValue(dm.value)) continue;
        Tri t = sub(r_.KwKey(n, "dependencies", dm.key), nullptr, f);
        ACCORD_EVAL_COMBINE(t, "dependencies");
      }
    }
    if (Has2019(d)) {
      if (const json::Value* deps = s.Find("dependentRequired"); deps && deps->IsObject()) {
        if (dep_required("dependentRequired", *deps) == Tri::kFalse) return Tri::kFalse;
      }
      if (const json::Value* deps = s.Find("dependentSchemas"); deps && deps->IsObject()) {
        for (const json::Member& dm : deps->AsObject()) {
          if (!has(dm.key)) continue;
          Annot c;
          Tri t = sub(r_.KwKey(n, "dependentSchemas", dm.key), a ? &c : nullptr, f);
          ACCORD_EVAL_COMBINE(t, "dependentSchemas");
          merge(c);
        }
      }
    }
  }
  // in-place applicators
  if (const json::Value* all = s.Find("allOf"); all && all->IsArray()) {
    for (std::size_t i = 0; i < all->AsArray().size(); ++i) {
      Annot c;
      Tri t = sub(r_.KwIdx(n, "allOf", i), a ? &c : nullptr, f);
      ACCORD_EVAL_COMBINE(t, "allOf");
      merge(c);
    }
  }
  if (const json::Value* any = s.Find("anyOf"); any && any->IsArray()) {
    bool ok = false, unknown = false;
    for (std::size_t i = 0; i < any->AsArray().size(); ++i) {
      Annot c;
      Tri t = sub(r_.KwIdx(n, "anyOf", i), a ? &c : nullptr);
      if (t == Tri::kTrue) {
        ok = true;
        merge(c);
        if (!a) break;
      }
      if (t == Tri::kUnknown) unknown = true;
    }
    if (!ok && !unknown) return fail("anyOf");
    if (!ok) result = Tri::kUnknown;
  }
  if (const json::Value* one = s.Find("oneOf"); one && one->IsArray()) {
    int count = 0;
    bool unknown = false;
    Annot keep;
    for (std::size_t i = 0; i < one->AsArray().size(); ++i) {
      Annot c;
      Tri t = sub(r_.KwIdx(n, "oneOf", i), a ? &c : nullptr);
      if (t == Tri::kTrue) {
        ++count;
        keep = c;
      }
      if (t == Tri::kUnknown) unknown = true;
    }
    if (unknown) {
      result = Tri::kUnknown;
    } else if (count != 1) {
      return fail("oneOf");
    }
    merge(keep);
  }
  if (NodeId nt = r_.Kw(n, "not"); nt != kNoNode) {
    Tri t = sub(nt, nullptr);
    if (t == Tri::kTrue) return fail("not");
    if (t == Tri::kUnknown) result = Tri::kUnknown;
  }
  if (d != Dialect::kDraft4 && d != Dialect::kDraft6) {
    if (NodeId i = r_.Kw(n, "if"); i != kNoNode) {
      Annot c;
      Tri t = sub(i, a ? &c : nullptr);
      if (t == Tri::kUnknown) {
        result = Tri::kUnknown;
      } else if (t == Tri::kTrue) {
        merge(c);
        Annot c2;
        Tri t2 = sub(r_.Kw(n, "then"), a ? &c2 : nullptr, f);
        ACCORD_EVAL_COMBINE(t2, "then");
        merge(c2);
      } else {
        Annot c2;
        Tri t2 = sub(r_.Kw(n, "else"), a ? &c2 : nullptr, f);
        ACCORD_EVAL_COMBINE(t2, "else");
        merge(c2);
      }
    }
  }
  // unevaluated*
  if (Has2019(d)) {
    if (x.IsArray()) {
      if (NodeId ui = r_.Kw(n, "unevaluatedItems"); ui != kNoNode && !local.all_items) {
        const json::Array& arr = x.AsArray();
        for (std::size_t i = local.items; i < arr.size(); ++i) {
          Tri t = Eval(ui, arr[i], nullptr, f, depth + 1);
          ACCORD_EVAL_COMBINE(t, "unevaluatedItems");
        }
        local.all_items = true;
      }
    }
    if (x.IsObject()) {
      if (NodeId up = r_.Kw(n, "unevaluatedProperties"); up != kNoNode && !local.all_props) {
        // The evaluated names, hashed (a scan per member was n^2).
        const std::unordered_set<std::string_view> evaluated(local.props.begin(),
                                                             local.props.end());
        ChargeWork(local.props.size() + x.AsObject().size());
        for (const json::Member& m : x.AsObject()) {
          if (evaluated.contains(m.key)) continue;
          Tri t = Eval(up, m.value, nullptr, f, depth + 1);
          ACCORD_EVAL_COMBINE(t, "unevaluatedProperties");
        }
        local.all_props = true;
      }
    }
  }
#undef ACCORD_EVAL_COMBINE
  if (need_local && ann) {
    ann->all_props |= local.all_props;
    ann->props.insert(ann->props.end(), local.props.begin(), local.props.end());
    ann->all_items |= local.all_items;
    ann->items = std::max(ann->items, local.items);
  }
  return result;
}

}  // namespace accord::compat::jsc

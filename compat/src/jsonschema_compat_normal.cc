// Normalisation of JSON Schema nodes into per-type atoms (jsonschema_model.h).
//
// The normal form over-approximates: each keyword the atoms cannot express
// exactly is dropped (which only makes the set larger) and the reason is
// recorded in Atom::approx. `not` is eliminated exactly for type sets,
// `{"type":"integer"}` (-> not multipleOf 1), `{"required":[...]}` (-> a
// forbidden property) and finite boolean sets; otherwise dropped.
#include <algorithm>
#include <cmath>

#include <unordered_set>

#include "accord/schemas/budget.h"
#include "jsonschema_model.h"

namespace accord::compat::jsc {

std::string_view TyName(Ty t) {
  switch (t) {
    case Ty::kNull:
      return "null";
    case Ty::kBool:
      return "boolean";
    case Ty::kNum:
      return "number";
    case Ty::kStr:
      return "string";
    case Ty::kArr:
      return "array";
    case Ty::kObj:
      return "object";
  }
  return "?";
}

std::string_view AtomTypeName(const Atom& a) {
  return a.ty == Ty::kNum && a.integer ? "integer" : TyName(a.ty);
}

Ty TyOf(const json::Value& v) {
  switch (v.kind()) {
    case json::Kind::kNull:
      return Ty::kNull;
    case json::Kind::kBool:
      return Ty::kBool;
    case json::Kind::kNumber:
      return Ty::kNum;
    case json::Kind::kString:
      return Ty::kStr;
    case json::Kind::kArray:
      return Ty::kArr;
    case json::Kind::kObject:
      return Ty::kObj;
  }
  return Ty::kNull;
}

bool Atom::Unconstrained() const {
  return !finite && approx.empty() && allow_false && allow_true && !integer && !lo.set && !hi.set &&
         mult.empty() && not_mult.empty() && min_len == 0 && max_len == kInf && patterns.empty() &&
         formats.empty() && min_items == 0 && max_items == kInf && !unique && arr.empty() &&
         contains.empty() && obj.empty() && required.empty() && min_props == 0 &&
         max_props == kInf && prop_names.empty() && dep_required.empty() && dep_schemas.empty() &&
         forbidden.empty();
}

std::vector<Atom> Normalizer::All() {
  std::vector<Atom> out(kTyCount);
  for (int i = 0; i < kTyCount; ++i) out[i].ty = static_cast<Ty>(i);
  return out;
}

namespace {

// In-place applicators: their annotations count for unevaluated*.
bool HasInPlace(const json::Value& s) {
  for (std::string_view kw : {"allOf", "anyOf", "oneOf", "not", "if", "$ref", "$dynamicRef",
                              "$recursiveRef", "dependentSchemas"})
    if (s.Find(kw)) return true;
  return false;
}

void TightenLo(Bound& b, const Bound& o) {
  if (!o.set) return;
  if (!b.set || o.v > b.v || (o.v == b.v && o.excl && !b.excl)) b = o;
}
void TightenHi(Bound& b, const Bound& o) {
  if (!o.set) return;
  if (!b.set || o.v < b.v || (o.v == b.v && o.excl && !b.excl)) b = o;
}

bool NumberEmpty(const Atom& a) {
  if (a.lo.set && a.hi.set) {
    if (a.lo.v > a.hi.v) return true;
    if (a.lo.v == a.hi.v && (a.lo.excl || a.hi.excl)) return true;
    if (a.integer) {
      double l = a.lo.excl ? std::floor(a.lo.v) + 1 : std::ceil(a.lo.v);
      double h = a.hi.excl ? std::ceil(a.hi.v) - 1 : std::floor(a.hi.v);
      if (l > h) return true;
    }
  }
  for (double nm : a.not_mult) {
    if (a.integer && IsMultiple(1, nm)) return true;
    for (const auto& [m, p] : a.mult)
      if (IsMultiple(m, nm)) return true;
  }
  return false;
}

bool HasValue(const std::vector<json::Value>& vs, const json::Value& v) {
  return std::find(vs.begin(), vs.end(), v) != vs.end();
}

}  // namespace

bool Normalizer::Merge(Atom& a, const Atom& b) {
  a.approx.insert(a.approx.end(), b.approx.begin(), b.approx.end());
  if (b.finite) {
    if (a.finite) {
      std::vector<json::Value> keep;
      if (b.values.size() <= 16) {
        ChargeWork(a.values.size() * b.values.size());  // comparisons (budget.h)
        for (const json::Value& v : a.values)
          if (HasValue(b.values, v)) keep.push_back(v);
      } else {
        // Hashed: two enums of n values intersect in O(n), not n^2.
        ChargeWork(a.values.size() + b.values.size());
        std::vector<const json::Value*> b_values;
        b_values.reserve(b.values.size());
        for (const json::Value& v : b.values) b_values.push_back(&v);
        const FlatSet<const json::Value*, json::ValuePtrHash, json::ValuePtrEq> in_b(
            b_values.begin(), b_values.end());
        for (const json::Value& v : a.values)
          if (in_b.Contains(&v)) keep.push_back(v);
      }
      a.values = std::move(keep);
    } else {
      a.finite = true;
      a.values = b.values;
      a.values_path = b.values_path;
    }
    if (a.values.empty()) return false;
  }
  switch (a.ty) {
    case Ty::kNull:
      break;
    case Ty::kBool:
      a.allow_false &= b.allow_false;
      a.allow_true &= b.allow_true;
      if (!a.allow_false && !a.allow_true) return false;
      break;
    case Ty::kNum:
      if (b.integer && !a.integer) {
        a.integer = true;
        a.integer_path = b.integer_path;
      }
      TightenLo(a.lo, b.lo);
      TightenHi(a.hi, b.hi);
      a.mult.insert(a.mult.end(), b.mult.begin(), b.mult.end());
      a.not_mult.insert(a.not_mult.end(), b.not_mult.begin(), b.not_mult.end());
      if (NumberEmpty(a)) return false;
      break;
    case Ty::kStr:
      if (b.min_len > a.min_len) {
        a.min_len = b.min_len;
        a.min_len_path = b.min_len_path;
      }
      if (b.max_len < a.max_len) {
        a.max_len = b.max_len;
        a.max_len_path = b.max_len_path;
      }
      a.patterns.insert(a.patterns.end(), b.patterns.begin(), b.patterns.end());
      a.formats.insert(a.formats.end(), b.formats.begin(), b.formats.end());
      if (a.min_len > a.max_len) return false;
      break;
    case Ty::kArr:
      if (b.min_items > a.min_items) {
        a.min_items = b.min_items;
        a.min_items_path = b.min_items_path;
      }
      if (b.max_items < a.max_items) {
        a.max_items = b.max_items;
        a.max_items_path = b.max_items_path;
      }
      if (b.unique && !a.unique) {
        a.unique = true;
        a.unique_path = b.unique_path;
      }
      a.arr.insert(a.arr.end(), b.arr.begin(), b.arr.end());
      a.contains.insert(a.contains.end(), b.contains.begin(), b.contains.end());
      if (a.min_items > a.max_items) return false;
      break;
    case Ty::kObj:
      a.obj.insert(a.obj.end(), b.obj.begin(), b.obj.end());
      for (const auto& [k, p] : b.required) a.required.emplace(k, p);
      if (b.min_props > a.min_props) {
        a.min_props = b.min_props;
        a.min_props_path = b.min_props_path;
      }
      if (b.max_props < a.max_props) {
        a.max_props = b.max_props;
        a.max_props_path = b.max_props_path;
      }
      a.prop_names.insert(a.prop_names.end(), b.prop_names.begin(), b.prop_names.end());
      a.dep_required.insert(a.dep_required.end(), b.dep_required.begin(), b.dep_required.end());
      a.dep_schemas.insert(a.dep_schemas.end(), b.dep_schemas.begin(), b.dep_schemas.end());
      a.forbidden.insert(b.forbidden.begin(), b.forbidden.end());
      if (a.min_props > a.max_props) return false;
      if (std::max<std::uint64_t>(a.min_props, a.required.size()) > a.max_props) return false;
      for (const std::string& f : a.forbidden)
        if (a.required.contains(f)) return false;
      break;
  }
  // Finite values must still be of the atom's type and integral when needed.
  if (a.finite && a.ty == Ty::kNum && a.integer) {
    std::vector<json::Value> keep;
    for (const json::Value& v : a.values)
      if (v.IsInteger()) keep.push_back(v);
    a.values = std::move(keep);
    if (a.values.empty()) return false;
  }
  return true;
}

std::vector<Atom> Normalizer::Intersect(const std::vector<Atom>& x, const std::vector<Atom>& y) {
  std::vector<Atom> out;
  for (const Atom& a : x) {
    for (const Atom& b : y) {
      if (a.ty != b.ty) continue;
      Atom c = a;
      if (Merge(c, b)) out.push_back(std::move(c));
    }
  }
  if (out.size() > 96) {
    // Too many branches: keep one unconstrained atom per type present.
    bool seen[kTyCount] = {};
    for (const Atom& a : out) seen[static_cast<int>(a.ty)] = true;
    out.clear();
    for (int i = 0; i < kTyCount; ++i) {
      if (!seen[i]) continue;
      Atom a;
      a.ty = static_cast<Ty>(i);
      a.approx.push_back("COMBINATOR");
      out.push_back(std::move(a));
    }
  }
  return out;
}

namespace {
constexpr std::string_view kAnnotations[] = {"title",
                                             "description",
                                             "$comment",
                                             "examples",
                                             "default",
                                             "$id",
                                             "id",
                                             "$schema",
                                             "$anchor",
                                             "$defs",
                                             "definitions",
                                             "readOnly",
                                             "writeOnly",
                                             "deprecated",
                                             "contentMediaType",
                                             "contentEncoding",
                                             "$dynamicAnchor",
                                             "$recursiveAnchor",
                                             "$vocabulary"};
bool IsAnnotation(std::string_view k) {
  return std::find(std::begin(kAnnotations), std::end(kAnnotations), k) != std::end(kAnnotations);
}
}  // namespace

NodeId Normalizer::PureRefTarget(NodeId n) {
  if (n == kNoNode) return kNoNode;
  const json::Value& v = r_.V(n);
  if (!v.IsObject() || !v.Find("$ref")) return kNoNode;
  if (!Draft7OrOlder(r_.D(n))) {
    for (const json::Member& m : v.AsObject())
      if (m.key != "$ref" && !IsAnnotation(m.key)) return kNoNode;
  }
  return r_.RefTarget(n, "$ref");
}

bool Normalizer::IsTrue(NodeId n) {
  if (n == kNoNode) return true;
  const json::Value& v = r_.V(n);
  if (v.IsBool()) return v.AsBool();
  if (!v.IsObject()) return true;
  for (const json::Member& m : v.AsObject()) {
    if (!IsAnnotation(m.key)) return false;
  }
  return true;
}

bool Normalizer::IsFalse(NodeId n) {
  if (n == kNoNode) return false;
  const json::Value& v = r_.V(n);
  if (v.IsBool()) return !v.AsBool();
  return Node(n).empty();
}

const std::vector<Atom>& Normalizer::Node(NodeId n) {
  if (auto it = nodes_.find(n); it != nodes_.end()) return it->second;
  if (in_progress_.contains(n)) {
    static const std::vector<Atom> kCycle = [] {
      std::vector<Atom> v = All();
      return v;
    }();
    return kCycle;
  }
  in_progress_[n] = 1;
  std::vector<Atom> atoms = Build(n);
  in_progress_.erase(n);
  auto [it, inserted] = nodes_.emplace(n, std::move(atoms));
  return it->second;
}

namespace {

bool U64(const json::Value* v, std::uint64_t& out) {
  if (!v || !v->IsNumber()) return false;
  double d = v->AsNumber().AsDouble();
  if (d < 0) d = 0;
  out = d >= 1.8e19 ? kInf : static_cast<std::uint64_t>(std::ceil(d));
  return true;
}

bool UpperU64(const json::Value* v, std::uint64_t& out) {
  if (!v || !v->IsNumber()) return false;
  double d = v->AsNumber().AsDouble();
  if (d < 0) d = -1;
  out = d < 0 ? 0 : d >= 1.8e19 ? kInf : static_cast<std::uint64_t>(std::floor(d));
  return true;
}

}  // namespace

std::vector<Atom> Normalizer::Build(NodeId n) {
  const json::Value& s = r_.V(n);
  // Past the request's work budget (budget.h): anything, quickly (the
  // result is not used).
  if (!ChargeWork(1 + (s.IsObject() ? s.AsObject().size() : 0))) return All();
  if (s.IsBool()) return s.AsBool() ? All() : std::vector<Atom>{};
  if (!s.IsObject()) return All();
  Dialect d = r_.D(n);
  const std::string& path = r_.Path(n);
  if (Draft7OrOlder(d) && s.Find("$ref")) {
    NodeId t = r_.RefTarget(n, "$ref");
    if (t == kNoNode) return All();
    return Node(t);
  }
  // type: only the allowed atoms are built.
  bool allowed[kTyCount] = {true, true, true, true, true, true};
  bool integer_only = false;
  if (const json::Value* t = s.Find("type"); t && (t->IsString() || t->IsArray())) {
    bool number = false, integer = false;
    std::fill(std::begin(allowed), std::end(allowed), false);
    auto add = [&](const std::string& name) {
      if (name == "null") allowed[0] = true;
      if (name == "boolean") allowed[1] = true;
      if (name == "number") number = true;
      if (name == "integer") integer = true;
      if (name == "string") allowed[3] = true;
      if (name == "array") allowed[4] = true;
      if (name == "object") allowed[5] = true;
    };
    if (t->IsString()) add(t->AsString());
    if (t->IsArray())
      for (const json::Value& e : t->AsArray())
        if (e.IsString()) add(e.AsString());
    allowed[2] = number || integer;
    integer_only = integer && !number;
  }
  std::vector<Atom> atoms;
  atoms.reserve(kTyCount);
  for (int i = 0; i < kTyCount; ++i) {
    if (!allowed[i]) continue;
    Atom a;
    a.ty = static_cast<Ty>(i);
    if (a.ty == Ty::kNum && integer_only) {
      a.integer = true;
      a.integer_path = path + "/type";
    }
    atoms.push_back(std::move(a));
  }
  for (Atom& a : atoms) {
    switch (a.ty) {
      case Ty::kNum: {
        const json::Value* mn = s.Find("minimum");
        const json::Value* mx = s.Find("maximum");
        const json::Value* emn = s.Find("exclusiveMinimum");
        const json::Value* emx = s.Find("exclusiveMaximum");
        if (mn && mn->IsNumber()) {
          bool excl = d == Dialect::kDraft4 && emn && emn->IsBool() && emn->AsBool();
          TightenLo(a.lo, Bound{true, mn->AsNumber().AsDouble(), excl,
                                path + (excl ? "/exclusiveMinimum" : "/minimum")});
        }
        if (mx && mx->IsNumber()) {
          bool excl = d == Dialect::kDraft4 && emx && emx->IsBool() && emx->AsBool();
          TightenHi(a.hi, Bound{true, mx->AsNumber().AsDouble(), excl,
                                path + (excl ? "/exclusiveMaximum" : "/maximum")});
        }
        if (d != Dialect::kDraft4) {
          if (emn && emn->IsNumber())
            TightenLo(a.lo,
                      Bound{true, emn->AsNumber().AsDouble(), true, path + "/exclusiveMinimum"});
          if (emx && emx->IsNumber())
            TightenHi(a.hi,
                      Bound{true, emx->AsNumber().AsDouble(), true, path + "/exclusiveMaximum"});
        }
        if (const json::Value* m = s.Find("multipleOf");
            m && m->IsNumber() && m->AsNumber().AsDouble() > 0)
          a.mult.emplace_back(m->AsNumber().AsDouble(), path + "/multipleOf");
        if (NumberEmpty(a)) a.empty = true;
        break;
      }
      case Ty::kStr: {
        std::uint64_t v;
        if (U64(s.Find("minLength"), v)) {
          a.min_len = v;
          a.min_len_path = path + "/minLength";
        }
        if (UpperU64(s.Find("maxLength"), v)) {
          a.max_len = v;
          a.max_len_path = path + "/maxLength";
        }
        if (const json::Value* p = s.Find("pattern"); p && p->IsString())
          a.patterns.emplace_back(p->AsString(), path + "/pattern");
        if (const json::Value* f = s.Find("format"); f && f->IsString())
          a.formats.emplace_back(f->AsString(), path + "/format");
        if (a.min_len > a.max_len) a.empty = true;
        break;
      }
      case Ty::kArr: {
        std::uint64_t v;
        if (U64(s.Find("minItems"), v)) {
          a.min_items = v;
          a.min_items_path = path + "/minItems";
        }
        if (UpperU64(s.Find("maxItems"), v)) {
          a.max_items = v;
          a.max_items_path = path + "/maxItems";
        }
        if (const json::Value* u = s.Find("uniqueItems"); u && u->IsBool() && u->AsBool()) {
          a.unique = true;
          a.unique_path = path + "/uniqueItems";
        }
        ArrClause c;
        c.node = n;
        bool any = false;
        const json::Value* items = s.Find("items");
        if (d == Dialect::kDraft2020_12) {
          if (const json::Value* p = s.Find("prefixItems"); p && p->IsArray()) {
            any = true;
            for (std::size_t i = 0; i < p->AsArray().size(); ++i)
              c.prefix.push_back(r_.KwIdx(n, "prefixItems", i));
          }
          if (items && (items->IsObject() || items->IsBool())) {
            any = true;
            c.rest = r_.Kw(n, "items");
          }
        } else if (items && items->IsArray()) {
          any = true;
          for (std::size_t i = 0; i < items->AsArray().size(); ++i)
            c.prefix.push_back(r_.KwIdx(n, "items", i));
          c.rest = r_.Kw(n, "additionalItems");
        } else if (items && (items->IsObject() || items->IsBool())) {
          any = true;
          c.rest = r_.Kw(n, "items");
        }
        for (NodeId& p : c.prefix)
          if (p == kNoNode) p = r_.True();
        // unevaluatedItems is the rest schema when nothing else evaluates
        // items here: no rest schema of its own, no `contains` (2020-12
        // evaluates the items it matches) and no in-place applicator.
        bool uneval_modelled = false;
        if (Has2019(d) && c.rest == kNoNode && !s.Find("contains") && !HasInPlace(s))
          if (NodeId ui = r_.Kw(n, "unevaluatedItems"); ui != kNoNode) {
            c.rest = ui;
            any = true;
            uneval_modelled = true;
          }
        if (any) a.arr.push_back(std::move(c));
        if (d != Dialect::kDraft4) {
          if (NodeId cn = r_.Kw(n, "contains"); cn != kNoNode) {
            ContainsC cc;
            cc.schema = cn;
            cc.path = path + "/contains";
            if (Has2019(d)) {
              U64(s.Find("minContains"), cc.min);
              std::uint64_t mx;
              if (UpperU64(s.Find("maxContains"), mx)) cc.max = mx;
            }
            if (cc.min > 0) a.contains.push_back(cc);
            if (cc.max) a.approx.push_back("CONTAINS");
          }
        }
        if (s.Find("unevaluatedItems") && !uneval_modelled) a.approx.push_back("UNEVALUATED");
        if (a.min_items > a.max_items) a.empty = true;
        break;
      }
      case Ty::kObj: {
        if (s.Find("properties") || s.Find("patternProperties") || Addl(n) != kNoNode)
          a.obj.push_back(n);
        if (const json::Value* req = s.Find("required"); req && req->IsArray())
          for (const json::Value& q : req->AsArray())
            if (q.IsString()) a.required.emplace(q.AsString(), path + "/required");
        std::uint64_t v;
        if (U64(s.Find("minProperties"), v)) {
          a.min_props = v;
          a.min_props_path = path + "/minProperties";
        }
        if (UpperU64(s.Find("maxProperties"), v)) {
          a.max_props = v;
          a.max_props_path = path + "/maxProperties";
        }
        if (d != Dialect::kDraft4)
          if (NodeId pn = r_.Kw(n, "propertyNames"); pn != kNoNode) a.prop_names.push_back(pn);
        auto deps = [&](const char* kw, bool arrays, bool schemas) {
          const json::Value* m = s.Find(kw);
          if (!m || !m->IsObject()) return;
          for (const json::Member& dm : m->AsObject()) {
            if (arrays && dm.value.IsArray()) {
              std::vector<std::string> names;
              for (const json::Value& q : dm.value.AsArray())
                if (q.IsString()) names.push_back(q.AsString());
              a.dep_required.emplace_back(dm.key, std::move(names));
            } else if (schemas && (dm.value.IsObject() || dm.value.IsBool())) {
              a.dep_schemas.emplace_back(dm.key, r_.KwKey(n, kw, dm.key));
            }
          }
        };
        deps("dependencies", true, true);  // every dialect, as the validator
        if (Has2019(d)) {
          deps("dependentRequired", true, false);
          deps("dependentSchemas", false, true);
        }
        // Not modelled (read as open: an over-approximation) when its
        // in-place applicators may evaluate names we cannot list.
        if (s.Find("unevaluatedProperties") && Addl(n) == kNoNode)
          a.approx.push_back("UNEVALUATED");
        if (a.min_props > a.max_props) a.empty = true;
        break;
      }
      default:
        break;
    }
  }
  std::erase_if(atoms, [](const Atom& a) { return a.empty; });
  // enum / const: per-type finite sets.
  const json::Value* en = s.Find("enum");
  const json::Value* cn = d == Dialect::kDraft4 ? nullptr : s.Find("const");
  if ((en && en->IsArray()) || cn) {
    std::vector<json::Value> vals;
    std::string vpath;
    if (cn) {
      vals.push_back(*cn);
      vpath = path + "/const";
    } else {
      vals = en->AsArray();
      vpath = path + "/enum";
    }
    if (cn && en && en->IsArray()) {
      if (!HasValue(en->AsArray(), *cn)) vals.clear();
    }
    std::vector<Atom> keep;
    for (Atom& a : atoms) {
      Atom f;
      f.ty = a.ty;
      f.finite = true;
      f.values_path = vpath;
      for (const json::Value& v : vals)
        if (TyOf(v) == a.ty) f.values.push_back(v);
      if (f.values.empty()) continue;
      if (Merge(a, f)) keep.push_back(std::move(a));
    }
    atoms = std::move(keep);
  }
  auto intersect_node = [&](NodeId c) {
    if (c == kNoNode) return;
    atoms = Intersect(atoms, Node(c));
  };
  if (!Draft7OrOlder(d) && s.Find("$ref")) intersect_node(r_.RefTarget(n, "$ref"));
  for (std::string_view kw : {"$dynamicRef", "$recursiveRef"}) {
    const json::Value* dr = s.Find(kw);
    if (!dr || !dr->IsString()) continue;
    std::string anchor =
        kw == "$recursiveRef" ? "$recursive" : SplitFragment(dr->AsString()).second;
    if (r_.DynamicAmbiguous(anchor)) {
      for (Atom& a : atoms) a.approx.push_back("DYNAMIC_REF");
    } else {
      intersect_node(r_.RefTarget(n, kw));
    }
  }
  if (const json::Value* all = s.Find("allOf"); all && all->IsArray())
    for (std::size_t i = 0; i < all->AsArray().size(); ++i) intersect_node(r_.KwIdx(n, "allOf", i));
  for (std::string_view kw : {"anyOf", "oneOf"}) {
    const json::Value* arr = s.Find(kw);
    if (!arr || !arr->IsArray()) continue;
    std::vector<Atom> u;
    for (std::size_t i = 0; i < arr->AsArray().size(); ++i) {
      NodeId c = r_.KwIdx(n, kw, i);
      if (c == kNoNode) {
        std::vector<Atom> all = All();
        u.insert(u.end(), all.begin(), all.end());
        continue;
      }
      const std::vector<Atom>& b = Node(c);
      u.insert(u.end(), b.begin(), b.end());
    }
    atoms = Intersect(atoms, u);
  }
  if (NodeId nt = r_.Kw(n, "not"); nt != kNoNode) atoms = Intersect(atoms, Complement(nt));
  if (d != Dialect::kDraft4 && d != Dialect::kDraft6) {
    NodeId i = r_.Kw(n, "if"), t = r_.Kw(n, "then"), e = r_.Kw(n, "else");
    if (i != kNoNode && (t != kNoNode || e != kNoNode)) {
      std::vector<Atom> yes = Node(i);
      if (t != kNoNode) yes = Intersect(yes, Node(t));
      std::vector<Atom> no = Complement(i);
      if (e != kNoNode) no = Intersect(no, Node(e));
      yes.insert(yes.end(), no.begin(), no.end());
      atoms = Intersect(atoms, yes);
    }
  }
  return atoms;
}

namespace {

// The complement (within its type) of one atom, as a union of atoms; empty
// optional when the atom's constraints cannot be negated exactly.
std::optional<std::vector<Atom>> ComplementAtom(const Atom& a) {
  std::vector<Atom> out;
  Atom base;
  base.ty = a.ty;
  if (!a.approx.empty() || a.finite) return std::nullopt;
  if (a.Unconstrained()) return out;
  switch (a.ty) {
    case Ty::kNum: {
      if (a.lo.set) {
        Atom c = base;
        c.hi = Bound{true, a.lo.v, !a.lo.excl, a.lo.path};
        out.push_back(c);
      }
      if (a.hi.set) {
        Atom c = base;
        c.lo = Bound{true, a.hi.v, !a.hi.excl, a.hi.path};
        out.push_back(c);
      }
      if (a.integer) {
        Atom c = base;
        c.not_mult.push_back(1);
        out.push_back(c);
      }
      for (const auto& [m, p] : a.mult) {
        Atom c = base;
        c.not_mult.push_back(m);
        out.push_back(c);
      }
      for (double m : a.not_mult) {
        Atom c = base;
        c.mult.emplace_back(m, "");
        out.push_back(c);
      }
      return out;
    }
    case Ty::kStr: {
      if (!a.patterns.empty() || !a.formats.empty()) return std::nullopt;
      if (a.min_len > 0) {
        Atom c = base;
        c.max_len = a.min_len - 1;
        out.push_back(c);
      }
      if (a.max_len != kInf) {
        Atom c = base;
        c.min_len = a.max_len + 1;
        out.push_back(c);
      }
      return out;
    }
    case Ty::kArr: {
      if (a.unique || !a.arr.empty() || !a.contains.empty()) return std::nullopt;
      if (a.min_items > 0) {
        Atom c = base;
        c.max_items = a.min_items - 1;
        out.push_back(c);
      }
      if (a.max_items != kInf) {
        Atom c = base;
        c.min_items = a.max_items + 1;
        out.push_back(c);
      }
      return out;
    }
    case Ty::kObj: {
      if (!a.obj.empty() || !a.prop_names.empty() || !a.dep_required.empty() ||
          !a.dep_schemas.empty() || !a.forbidden.empty())
        return std::nullopt;
      for (const auto& [name, p] : a.required) {
        Atom c = base;
        c.forbidden.insert(name);
        out.push_back(c);
      }
      if (a.min_props > 0) {
        Atom c = base;
        c.max_props = a.min_props - 1;
        out.push_back(c);
      }
      if (a.max_props != kInf) {
        Atom c = base;
        c.min_props = a.max_props + 1;
        out.push_back(c);
      }
      return out;
    }
    case Ty::kBool: {
      if (a.allow_false && a.allow_true) return out;
      Atom c = base;
      c.allow_false = !a.allow_false;
      c.allow_true = !a.allow_true;
      out.push_back(c);
      return out;
    }
    case Ty::kNull:
      return out;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Atom> Normalizer::Complement(NodeId x) {
  const std::vector<Atom>& xs = Node(x);
  std::vector<Atom> out;
  for (int i = 0; i < kTyCount; ++i) {
    Ty t = static_cast<Ty>(i);
    Atom whole;
    whole.ty = t;
    std::vector<Atom> acc{whole};  // complement so far (intersection over atoms of X)
    bool exact = true;
    for (const Atom& a : xs) {
      if (a.ty != t) continue;
      Atom probe = a;
      // Finite booleans and null are exact through their flags.
      if (t == Ty::kBool && a.finite) {
        probe.finite = false;
        probe.values.clear();
        bool f = a.allow_false && HasValue(a.values, json::Value(false));
        bool tr = a.allow_true && HasValue(a.values, json::Value(true));
        probe.allow_false = f;
        probe.allow_true = tr;
        if (!f && !tr) continue;
      }
      if (t == Ty::kNull && a.finite) {
        probe.finite = false;
        probe.values.clear();
      }
      auto comp = ComplementAtom(probe);
      if (!comp) {
        exact = false;
        break;
      }
      acc = Intersect(acc, *comp);
    }
    if (!exact) {
      Atom c;
      c.ty = t;
      c.approx.push_back("NOT");
      out.push_back(c);
      continue;
    }
    out.insert(out.end(), acc.begin(), acc.end());
  }
  return out;
}

const AtomSet& Normalizer::Of(const Conj& c) {
  if (const std::size_t* at = sets_.Find(c)) return set_store_[*at];
  const Conj key = c;  // (a copy: `c` may live in a structure the recursion changes)
  of_active_.insert(key);
  struct Done {
    std::unordered_set<Conj, ConjHash>& s;
    const Conj& k;
    ~Done() { s.erase(k); }
  } done{of_active_, key};
  AtomSet set;
  set.conj = c;
  std::vector<Atom> atoms;
  bool first = true;
  for (NodeId n : c) {
    if (n == kNoNode) continue;
    if (first) {
      atoms = Node(n);
      first = false;
    } else {
      atoms = Intersect(atoms, Node(n));
    }
  }
  if (first) atoms = All();
  std::vector<Atom> keep;
  for (Atom& a : atoms) {
    // Small integer ranges become finite sets.
    if (a.ty == Ty::kNum && !a.finite && a.integer && a.lo.set && a.hi.set) {
      double l = a.lo.excl ? std::floor(a.lo.v) + 1 : std::ceil(a.lo.v);
      double h = a.hi.excl ? std::ceil(a.hi.v) - 1 : std::floor(a.hi.v);
      if (h - l < 64) {
        a.finite = true;
        a.values_path = a.lo.path;
        for (double v = l; v <= h; v += 1) a.values.emplace_back(static_cast<std::int64_t>(v));
      }
    }
    if (a.ty == Ty::kBool && !a.finite) {
      a.finite = true;
      if (a.allow_false) a.values.emplace_back(false);
      if (a.allow_true) a.values.emplace_back(true);
    }
    if (a.ty == Ty::kNull && !a.finite) {
      a.finite = true;
      a.values.emplace_back(nullptr);
    }
    if (a.finite && a.values.size() <= 4096) {
      std::vector<json::Value> vals;
      for (json::Value& v : a.values) {
        if (a.ty == Ty::kBool && ((v.AsBool() && !a.allow_true) || (!v.AsBool() && !a.allow_false)))
          continue;
        if (ev_.ValidConj(c, v) != Tri::kFalse) vals.push_back(std::move(v));
      }
      a.values = std::move(vals);
      if (a.values.empty()) continue;
    }
    // An object that requires a property no value can satisfy is empty.
    if (a.ty == Ty::kObj && !a.required.empty() && of_depth_ < 8) {
      bool empty = false;
      ++of_depth_;
      for (const auto& [name, p] : a.required) {
        Conj pc = PropertyConj(a, name);
        if (pc == key || of_active_.contains(pc)) continue;
        if (Of(pc).atoms.empty()) {
          empty = true;
          break;
        }
      }
      --of_depth_;
      if (empty) continue;
    }
    keep.push_back(std::move(a));
  }
  set.atoms = std::move(keep);
  auto [at, inserted] = sets_.Insert(key, set_store_.size());
  if (inserted) set_store_.push_back(std::move(set));
  return set_store_[*at];
}

Conj Normalizer::PropertyConj(const Atom& a, const std::string& name) {
  Conj out;
  for (NodeId c : a.obj) {
    const json::Value& s = r_.V(c);
    bool matched = false;
    if (const json::Value* p = s.Find("properties"); p && p->IsObject() && r_.Member(*p, name)) {
      matched = true;
      if (NodeId k = r_.KwKey(c, "properties", name); k != kNoNode) out.push_back(k);
    }
    bool unknown = false;
    if (const json::Value* pp = s.Find("patternProperties"); pp && pp->IsObject()) {
      for (const json::Member& m : pp->AsObject()) {
        auto hit = rx_.Search(m.key, name);
        if (!hit) {
          unknown = true;
          continue;
        }
        if (!*hit) continue;
        matched = true;
        if (NodeId k = r_.KwKey(c, "patternProperties", m.key); k != kNoNode) out.push_back(k);
      }
    }
    if (!matched && !unknown)
      if (NodeId k = Addl(c); k != kNoNode && !EvaluatedInPlace(c, name)) out.push_back(k);
  }
  if (a.forbidden.contains(name)) out.push_back(r_.False());
  return out;
}

Conj Normalizer::OtherConj(const Atom& a, const std::vector<std::string>& matching) {
  Conj out;
  for (NodeId c : a.obj) {
    const json::Value& s = r_.V(c);
    bool matched = false;
    if (const json::Value* pp = s.Find("patternProperties"); pp && pp->IsObject()) {
      for (const json::Member& m : pp->AsObject()) {
        if (std::find(matching.begin(), matching.end(), m.key) == matching.end()) continue;
        matched = true;
        if (NodeId k = r_.KwKey(c, "patternProperties", m.key); k != kNoNode) out.push_back(k);
      }
    }
    if (!matched)
      if (NodeId k = Addl(c); k != kNoNode && InPlaceNamesDeclared(a, c)) out.push_back(k);
  }
  return out;
}

Conj Normalizer::ItemConj(const Atom& a, std::uint64_t i) {
  Conj out;
  for (const ArrClause& c : a.arr) {
    if (i < c.prefix.size()) {
      out.push_back(c.prefix[i]);
    } else if (c.rest != kNoNode) {
      out.push_back(c.rest);
    }
  }
  return out;
}

std::size_t Normalizer::PrefixLen(const Atom& a) const {
  std::size_t n = 0;
  for (const ArrClause& c : a.arr) n = std::max(n, c.prefix.size());
  return n;
}

bool Normalizer::ObjectClosed(const Atom& a) {
  for (NodeId c : a.obj) {
    const json::Value& s = r_.V(c);
    const json::Value* pp = s.Find("patternProperties");
    bool no_patterns = !pp || !pp->IsObject() || pp->AsObject().empty();
    NodeId addl = Addl(c);
    if (no_patterns && addl != kNoNode && IsFalse(addl) && InPlaceNamesDeclared(a, c)) return true;
  }
  return false;
}

NodeId Normalizer::Addl(NodeId c) {
  if (NodeId k = r_.Kw(c, "additionalProperties"); k != kNoNode) return k;
  if (!Has2019(r_.D(c))) return kNoNode;
  NodeId u = r_.Kw(c, "unevaluatedProperties");
  if (u == kNoNode || InPlaceOf(c).all) return kNoNode;
  return u;
}

bool Normalizer::EvaluatedInPlace(NodeId c, const std::string& name) {
  if (r_.Kw(c, "additionalProperties") != kNoNode) return false;
  return InPlaceOf(c).names.contains(name);
}

bool Normalizer::InPlaceNamesDeclared(const Atom& a, NodeId c) {
  if (r_.Kw(c, "additionalProperties") != kNoNode) return true;
  for (const std::string& name : InPlaceOf(c).names) {
    bool declared = false;
    for (NodeId o : a.obj) {
      const json::Value* p = r_.V(o).IsObject() ? r_.V(o).Find("properties") : nullptr;
      if (p && p->IsObject() && r_.Member(*p, name)) declared = true;
    }
    if (!declared) return false;
  }
  return true;
}

const Normalizer::InPlace& Normalizer::InPlaceOf(NodeId c) {
  if (auto it = in_place_.find(c); it != in_place_.end()) return it->second;
  InPlace ip;
  std::unordered_set<NodeId> seen{c};
  std::vector<std::pair<NodeId, int>> todo;
  // The in-place subschemas of x (not x itself).
  auto below = [&](NodeId x, int depth) {
    const json::Value& v = r_.V(x);
    if (!v.IsObject()) return;
    for (std::string_view kw : {"allOf", "anyOf", "oneOf"})
      if (const json::Value* arr = v.Find(kw); arr && arr->IsArray())
        for (std::size_t i = 0; i < arr->AsArray().size(); ++i)
          todo.emplace_back(r_.KwIdx(x, kw, i), depth + 1);
    for (std::string_view kw : {"if", "then", "else"}) todo.emplace_back(r_.Kw(x, kw), depth + 1);
    for (std::string_view kw : {"dependentSchemas", "dependencies"})
      if (const json::Value* m = v.Find(kw); m && m->IsObject())
        for (const json::Member& dm : m->AsObject())
          if (dm.value.IsObject() || dm.value.IsBool())
            todo.emplace_back(r_.KwKey(x, kw, dm.key), depth + 1);
    if (v.Find("$ref")) todo.emplace_back(r_.RefTarget(x, "$ref"), depth + 1);
    if (v.Find("$dynamicRef") || v.Find("$recursiveRef")) ip.all = true;
  };
  below(c, 0);
  while (!todo.empty() && !ip.all) {
    auto [x, depth] = todo.back();
    todo.pop_back();
    if (x == kNoNode || !seen.insert(x).second) continue;
    if (depth > 32 || seen.size() > 4096) {
      ip.all = true;
      break;
    }
    ChargeWork(1);
    const json::Value& v = r_.V(x);
    if (!v.IsObject()) continue;
    if (v.Find("additionalProperties") || v.Find("unevaluatedProperties")) ip.all = true;
    if (const json::Value* pp = v.Find("patternProperties");
        pp && pp->IsObject() && !pp->AsObject().empty())
      ip.all = true;
    if (const json::Value* p = v.Find("properties"); p && p->IsObject())
      for (const json::Member& m : p->AsObject()) ip.names.insert(m.key);
    below(x, depth);
  }
  return in_place_.emplace(c, std::move(ip)).first->second;
}

}  // namespace accord::compat::jsc

// DiffJsonSchema: every change between two versions, classified.
//
// Decision (documented in jsonschema_compat.h):
//  * BACKWARD findings = CheckJsonSchema(old -> new), direction kBackward
//    (the new schema cannot read some old events).
//  * FORWARD findings = CheckJsonSchema(new -> old), direction kForward (old
//    readers reject some new events). For these, writer_path points into the
//    NEW schema and reader_path into the OLD one (OldPath / NewPath).
//  * Kinds are translated into the author's words (BackwardChangeKind /
//    ForwardChangeKind), and a property the new schema adds is
//    OPTIONAL_PROPERTY_ADDED or PROPERTY_ADDED by whether it requires it.
//  * Severity is kept from the directed check (BREAKING / WARNING); a
//    change that breaks neither direction is listed as SAFE with a kind
//    from the keyword (OPTIONAL_PROPERTY_ADDED, DESCRIPTION_CHANGED,
//    MAXIMUM_INCREASED, ENUM_EXTENDED, REQUIRED_REMOVED, TYPE_EXTENDED, ...;
//    KEYWORD_ADDED / _REMOVED / _CHANGED for a keyword without kinds of its
//    own), writer_path = path in the old schema, reader_path = path in the new.
//    A syntactic change whose path is already covered by a breaking or
//    warning finding is not repeated as SAFE.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "accord/compat/jsonschema_compat.h"
#include "accord/compat/render.h"
#include "accord/schemas/budget.h"
#include "accord/schemas/flat_set.h"
#include "accord/schemas/pointer.h"
#include "jsonschema_check.h"

namespace accord::compat {

namespace {

// The kinds of a change to one keyword, for the keywords that have kinds of
// their own; any other keyword's change is KEYWORD_ADDED / _REMOVED /
// _CHANGED with the keyword in the message. `increased` / `decreased` are
// set for numeric bounds only (another keyword's number changing is
// `changed`).
struct KeywordKinds {
  std::string_view keyword;
  JsonSchemaKind added, removed, changed;
  std::optional<JsonSchemaKind> increased, decreased;
};
using K = JsonSchemaKind;
constexpr KeywordKinds kKeywordKinds[] = {
    {"minimum", K::kMinimumAdded, K::kMinimumRemoved, K::kKeywordChanged, K::kMinimumIncreased,
     K::kMinimumDecreased},
    {"maximum", K::kMaximumAdded, K::kMaximumRemoved, K::kKeywordChanged, K::kMaximumIncreased,
     K::kMaximumDecreased},
    {"minLength", K::kMinLengthAdded, K::kMinLengthRemoved, K::kKeywordChanged,
     K::kMinLengthIncreased, K::kMinLengthDecreased},
    {"maxLength", K::kMaxLengthAdded, K::kMaxLengthRemoved, K::kKeywordChanged,
     K::kMaxLengthIncreased, K::kMaxLengthDecreased},
    {"minItems", K::kMinItemsAdded, K::kMinItemsRemoved, K::kKeywordChanged, K::kMinItemsIncreased,
     K::kMinItemsDecreased},
    {"maxItems", K::kMaxItemsAdded, K::kMaxItemsRemoved, K::kKeywordChanged, K::kMaxItemsIncreased,
     K::kMaxItemsDecreased},
    {"minProperties", K::kMinPropertiesAdded, K::kMinPropertiesRemoved, K::kKeywordChanged,
     K::kMinPropertiesIncreased, K::kMinPropertiesDecreased},
    {"maxProperties", K::kMaxPropertiesAdded, K::kMaxPropertiesRemoved, K::kKeywordChanged,
     K::kMaxPropertiesIncreased, K::kMaxPropertiesDecreased},
    {"multipleOf", K::kMultipleOfAdded, K::kMultipleOfRemoved, K::kMultipleOfChanged, {}, {}},
    {"pattern", K::kPatternAdded, K::kPatternRemoved, K::kPatternChanged, {}, {}},
    {"format", K::kFormatAdded, K::kFormatRemoved, K::kFormatChanged, {}, {}},
    {"uniqueItems", K::kUniqueItemsAdded, K::kUniqueItemsRemoved, K::kKeywordChanged, {}, {}},
    {"contains", K::kContainsAdded, K::kContainsRemoved, K::kContainsChanged, {}, {}},
    {"maxContains", K::kMaxContainsAdded, K::kMaxContainsRemoved, K::kKeywordChanged, {}, {}},
    {"const", K::kConstAdded, K::kConstRemoved, K::kConstChanged, {}, {}},
    {"enum", K::kEnumAdded, K::kEnumRemoved, K::kEnumChanged, {}, {}},
    {"items", K::kItemsAdded, K::kItemsRemoved, K::kKeywordChanged, {}, {}},
    {"description", K::kDescriptionAdded, K::kDescriptionRemoved, K::kDescriptionChanged, {}, {}},
    {"title", K::kTitleAdded, K::kTitleRemoved, K::kTitleChanged, {}, {}},
    {"default", K::kDefaultAdded, K::kDefaultRemoved, K::kDefaultChanged, {}, {}},
    {"examples", K::kExamplesChanged, K::kExamplesChanged, K::kExamplesChanged, {}, {}},
    {"deprecated", K::kDeprecatedChanged, K::kDeprecatedChanged, K::kDeprecatedChanged, {}, {}},
};
constexpr KeywordKinds kOtherKeyword{
    "", K::kKeywordAdded, K::kKeywordRemoved, K::kKeywordChanged, {}, {}};

// Whether the object schema holding `properties` requires `name`.
bool Requires(const json::Value& object_schema, std::string_view name) {
  const json::Value* required = object_schema.IsObject() ? object_schema.Find("required") : nullptr;
  if (required == nullptr || !required->IsArray()) return false;
  for (const json::Value& v : required->AsArray()) {
    if (v.IsString() && v.AsString() == name) return true;
  }
  return false;
}

// A property added (`pointer` = .../properties/NAME in the new schema): the
// author's kind, by whether the new schema requires it.
JsonSchemaKind PropertyAddedKind(const json::Value& new_root, std::string_view pointer) {
  auto tokens = json::SplitPointer(pointer);
  if (!tokens || tokens->size() < 2 || (*tokens)[tokens->size() - 2] != "properties") {
    return JsonSchemaKind::kOptionalPropertyAdded;
  }
  const std::string name = tokens->back();
  tokens->resize(tokens->size() - 2);
  const json::Value* parent = json::Resolve(new_root, json::JoinPointer(*tokens));
  return parent != nullptr && Requires(*parent, name) ? JsonSchemaKind::kPropertyAdded
                                                      : JsonSchemaKind::kOptionalPropertyAdded;
}

const KeywordKinds& KindsOf(std::string_view keyword) {
  for (const KeywordKinds& k : kKeywordKinds) {
    if (k.keyword == keyword) return k;
  }
  return kOtherKeyword;
}

// An object's members by key; the first of a repeated key wins (as
// json::Value::Find).
using Members = std::map<std::string_view, const json::Value*>;
Members MembersOf(const json::Value& v) {
  Members out;
  if (!v.IsObject()) return out;
  for (const json::Member& m : v.AsObject()) out.emplace(m.key, &m.value);
  return out;
}
const json::Value* FindIn(const Members& members, std::string_view key) {
  auto it = members.find(key);
  return it == members.end() ? nullptr : it->second;
}

class SafeWalker {
 public:
  explicit SafeWalker(std::vector<Finding>& out) : out_(out) {}

  void Walk(const json::Value& o, const json::Value& n, const std::string& po,
            const std::string& pn, int depth) {
    if (depth > 64) return;
    // Past the request's work budget (budget.h) nothing more is walked.
    if (!ChargeWork(1 + (o.IsObject() ? o.AsObject().size() : 0) +
                    (n.IsObject() ? n.AsObject().size() : 0))) {
      return;
    }
    if (o == n) return;
    if (!o.IsObject() || !n.IsObject()) {
      Add(K::kSchemaChanged, po, pn, "schema changed");
      return;
    }
    // Members by key (first of a repeated key, as Find): lookups in O(log n)
    // rather than a scan of the object per key.
    const Members om = MembersOf(o), nm = MembersOf(n);
    std::set<std::string> keys;
    for (const json::Member& m : o.AsObject()) keys.insert(m.key);
    for (const json::Member& m : n.AsObject()) keys.insert(m.key);
    for (const std::string& k : keys) {
      const json::Value* a = FindIn(om, k);
      const json::Value* b = FindIn(nm, k);
      std::string ko = po + "/" + json::EscapeToken(k), kn = pn + "/" + json::EscapeToken(k);
      if (a && b && *a == *b) continue;
      if (k == "properties" || k == "patternProperties" || k == "$defs" || k == "definitions" ||
          k == "dependentSchemas" || (k == "dependencies" && a && b)) {
        // The kinds of an entry added / removed, and what the message calls it.
        const auto [added, removed, what] =
            k == "properties" ? std::tuple(K::kPropertyAdded, K::kPropertyRemoved, "property")
            : k == "patternProperties" ? std::tuple(K::kPatternPropertyAdded,
                                                    K::kPatternPropertyRemoved, "pattern property")
            : k == "dependentSchemas" || k == "dependencies"
                ? std::tuple(K::kDependencyAdded, K::kDependencyRemoved, "dependency")
                : std::tuple(K::kDefinitionAdded, K::kDefinitionRemoved, "definition");
        json::Value empty{json::Object{}};
        const json::Value& ma = a && a->IsObject() ? *a : empty;
        const json::Value& mb = b && b->IsObject() ? *b : empty;
        std::set<std::string> names;
        for (const json::Member& m : ma.AsObject()) names.insert(m.key);
        for (const json::Member& m : mb.AsObject()) names.insert(m.key);
        const Members ima = MembersOf(ma), imb = MembersOf(mb);
        for (const std::string& name : names) {
          const json::Value* x = FindIn(ima, name);
          const json::Value* y = FindIn(imb, name);
          std::string no = ko + "/" + json::EscapeToken(name),
                      nn = kn + "/" + json::EscapeToken(name);
          if (x && y) {
            Walk(*x, *y, no, nn, depth + 1);
          } else if (y) {
            const bool optional_property = added == K::kPropertyAdded && !Requires(n, name);
            Add(optional_property ? K::kOptionalPropertyAdded : added, ko, nn,
                std::string(what) + " '" + name + "' added");
          } else {
            Add(removed, no, kn, std::string(what) + " '" + name + "' removed");
          }
        }
        continue;
      }
      static const std::set<std::string> kSingle = {"items",
                                                    "additionalProperties",
                                                    "additionalItems",
                                                    "not",
                                                    "if",
                                                    "then",
                                                    "else",
                                                    "contains",
                                                    "propertyNames",
                                                    "unevaluatedItems",
                                                    "unevaluatedProperties"};
      static const std::set<std::string> kArrays = {"allOf", "anyOf", "oneOf", "prefixItems",
                                                    "items"};
      if (a && b && kArrays.contains(k) && a->IsArray() && b->IsArray()) {
        const json::Array& x = a->AsArray();
        const json::Array& y = b->AsArray();
        for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
          std::string io = ko + "/" + std::to_string(i), in = kn + "/" + std::to_string(i);
          if (i < x.size() && i < y.size())
            Walk(x[i], y[i], io, in, depth + 1);
          else if (i < y.size())
            Add(K::kEntryAdded, ko, in, k + " entry added");
          else
            Add(K::kEntryRemoved, io, kn, k + " entry removed");
        }
        continue;
      }
      if (a && b && kSingle.contains(k) && (a->IsObject() || a->IsBool()) &&
          (b->IsObject() || b->IsBool())) {
        if (a->IsObject() && b->IsObject()) {
          Walk(*a, *b, ko, kn, depth + 1);
        } else {
          Add(K::kKeywordChanged, ko, kn, k + " changed");
        }
        continue;
      }
      if (k == "required" && (!a || a->IsArray()) && (!b || b->IsArray())) {
        std::set<std::string> x, y;
        if (a)
          for (const json::Value& v : a->AsArray())
            if (v.IsString()) x.insert(v.AsString());
        if (b)
          for (const json::Value& v : b->AsArray())
            if (v.IsString()) y.insert(v.AsString());
        for (const std::string& s : y)
          if (!x.contains(s))
            Add(K::kRequiredAdded, ko, kn, "property '" + s + "' became required");
        for (const std::string& s : x)
          if (!y.contains(s))
            Add(K::kRequiredRemoved, ko, kn, "property '" + s + "' no longer required");
        continue;
      }
      if (k == "enum" && a && b && a->IsArray() && b->IsArray()) {
        // Hashed: enums of n values compare in O(n), not n^2.
        ChargeWork(a->AsArray().size() + b->AsArray().size());
        using ValueSet = FlatSet<const json::Value*, json::ValuePtrHash, json::ValuePtrEq>;
        auto pointers = [](const json::Array& values) {
          std::vector<const json::Value*> out;
          out.reserve(values.size());
          for (const json::Value& v : values) out.push_back(&v);
          return out;
        };
        const std::vector<const json::Value*> pa = pointers(a->AsArray()),
                                              pb = pointers(b->AsArray());
        const ValueSet in_a(pa.begin(), pa.end()), in_b(pb.begin(), pb.end());
        bool sup = true, sub = true;
        in_b.ForEachAbsent(pa, [&](const json::Value*) { sup = false; });
        in_a.ForEachAbsent(pb, [&](const json::Value*) { sub = false; });
        Add(sup   ? K::kEnumExtended
            : sub ? K::kEnumNarrowed
                  : K::kEnumChanged,
            ko, kn, "enum changed");
        continue;
      }
      if (k == "type" && a && b) {
        auto set_of = [](const json::Value& t) {
          std::set<std::string> s;
          if (t.IsString()) s.insert(t.AsString());
          if (t.IsArray())
            for (const json::Value& v : t.AsArray())
              if (v.IsString()) s.insert(v.AsString());
          if (s.contains("number")) s.insert("integer");
          return s;
        };
        auto x = set_of(*a), y = set_of(*b);
        bool ext = std::includes(y.begin(), y.end(), x.begin(), x.end());
        bool nar = std::includes(x.begin(), x.end(), y.begin(), y.end());
        Add(ext   ? K::kTypeExtended
            : nar ? K::kTypeNarrowed
                  : K::kTypeChanged,
            ko, kn, "type changed");
        continue;
      }
      const KeywordKinds& kinds = KindsOf(k);
      if (a && b && a->IsNumber() && b->IsNumber() && kinds.increased) {
        bool up = a->AsNumber() < b->AsNumber();
        Add(up ? *kinds.increased : *kinds.decreased, ko, kn,
            k + (up ? " increased" : " decreased") + " from " + json::ToJson(*a) + " to " +
                json::ToJson(*b));
        continue;
      }
      if (a && b) {
        Add(kinds.changed, ko, kn, k + " changed");
      } else if (b) {
        Add(kinds.added, po, kn, k + " added");
      } else {
        Add(kinds.removed, ko, pn, k + " removed");
      }
    }
  }

 private:
  void Add(JsonSchemaKind kind, std::string po, std::string pn, std::string msg) {
    Finding f;
    f.kind = kind;
    f.severity = Severity::kSafe;
    f.writer_path = std::move(po);
    f.reader_path = std::move(pn);
    f.message = std::move(msg);
    out_.push_back(std::move(f));
  }
  std::vector<Finding>& out_;
};

}  // namespace

Result<Report> DiffJsonSchema(const json::Value& old_schema, const json::Value& new_schema,
                              const JsonSchemaCheckOptions& options) {
  JsonSchemaCheckOptions fwd_options = options;  // new is the writer here
  std::swap(fwd_options.writer_base_uri, fwd_options.reader_base_uri);
  std::swap(fwd_options.writer_validator, fwd_options.reader_validator);
  if (options.reader_bundle != nullptr) {
    fwd_options.bundle = options.reader_bundle;
    fwd_options.reader_bundle = options.bundle;
  }
  // Both directions over one model per schema (the resolvers and the
  // normalisers' caches are built once, not once per direction).
  auto both = internal::CheckJsonSchemaBothWays(old_schema, new_schema, options, fwd_options);
  if (!both) return std::unexpected(both.error());
  const Report* back = &both->backward;
  const Report* fwd = &both->forward;
  Report out;
  std::vector<std::string> covered;
  // The checker's kinds in the author's words; a property the new schema
  // adds says whether it is required there.
  auto as_change = [&](Finding& f, Direction direction) {
    f.direction = direction;
    f.message = InVersionWords(f.message, direction);
    if (auto k = f.kind.As<JsonSchemaKind>()) {
      JsonSchemaKind change =
          direction == Direction::kForward ? ForwardChangeKind(*k) : BackwardChangeKind(*k);
      // (Read in the new schema itself: a property added inside a
      // referenced document stays OPTIONAL_PROPERTY_ADDED.)
      if (change == JsonSchemaKind::kOptionalPropertyAdded && NewDocument(f).empty()) {
        change = PropertyAddedKind(new_schema, NewPath(f));
      }
      f.kind = change;
    }
    // The syntactic walk below sees the two schemas only, not the documents
    // they reference: a pointer into one of those covers nothing there.
    if (f.writer_document.empty()) covered.push_back(f.writer_path);
    if (f.reader_document.empty()) covered.push_back(f.reader_path);
  };
  for (Finding f : back->findings) {
    as_change(f, Direction::kBackward);
    out.Add(std::move(f));
  }
  for (Finding f : fwd->findings) {
    as_change(f, Direction::kForward);
    out.Add(std::move(f));
  }
  std::vector<Finding> safe;
  SafeWalker(safe).Walk(old_schema, new_schema, "", "", 0);
  // Whether a covered path is p itself, one of its ancestors or a path
  // below it (an empty path is related only to itself), without a scan
  // of `covered` per finding (n^2).
  const std::set<std::string> covered_set(covered.begin(), covered.end());
  auto related_to_covered = [&](const std::string& p) {
    if (covered_set.contains(p)) return true;
    if (p.empty()) return false;  // "" is related only to itself
    for (std::size_t i = 1; i < p.size(); ++i) {
      if (p[i] == '/' && covered_set.contains(p.substr(0, i))) return true;
    }
    const std::string below = p + "/";
    auto it = covered_set.lower_bound(below);
    return it != covered_set.end() && it->starts_with(below);
  };
  for (Finding& f : safe) {
    bool hit = related_to_covered(f.writer_path) || related_to_covered(f.reader_path);
    if (!hit) out.Add(std::move(f));
  }
  return out;
}

}  // namespace accord::compat

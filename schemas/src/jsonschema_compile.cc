// Compiling a JSON Schema into a Plan (see jsonschema_plan.h).
//
// Two passes. Index walks every document (the root schema and each bundle
// document) through the keywords that hold subschemas in its dialect and
// records, for every subschema, its base URI, dialect/vocabularies, resource
// and JSON pointer; it registers resources ($id / draft-04 id), anchors
// ($anchor, $dynamicAnchor, draft-04..07 "#name" ids) and recursive anchors.
// Compile then turns subschemas into Nodes on demand, starting at the root,
// memoised by address so recursion through $ref terminates. References are
// resolved to nodes here, once; Validate never looks at URIs.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "accord/schemas/budget.h"
#include "accord/schemas/flat_set.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/pointer.h"
#include "jsonschema_plan.h"
#include "jsonschema_uri.h"

namespace accord::jsonschema {

using internal::Edge;
using internal::kNoNode;
using internal::kUnbounded;
using internal::Node;
using internal::ResolveUri;

namespace {

constexpr std::string_view kUriDraft4 = "http://json-schema.org/draft-04/schema#";
constexpr std::string_view kUriDraft6 = "http://json-schema.org/draft-06/schema#";
constexpr std::string_view kUriDraft7 = "http://json-schema.org/draft-07/schema#";
constexpr std::string_view kUri2019 = "https://json-schema.org/draft/2019-09/schema";
constexpr std::string_view kUri2020 = "https://json-schema.org/draft/2020-12/schema";

// Vocabularies (2019-09 / 2020-12). Earlier dialects use them all.
enum Vocab : std::uint16_t {
  kVocabCore = 1,
  kVocabApplicator = 2,
  kVocabUnevaluated = 4,
  kVocabValidation = 8,
  kVocabFormatAnnotation = 16,
  kVocabFormatAssertion = 32,
  kVocabContent = 64,
  kVocabMetaData = 128,
  kVocabDefault = kVocabCore | kVocabApplicator | kVocabUnevaluated | kVocabValidation |
                  kVocabFormatAnnotation | kVocabContent | kVocabMetaData,
};

struct DialectInfo {
  Dialect dialect = Dialect::kDraft2020_12;
  std::uint16_t vocab = kVocabDefault;
};

std::string StripEmptyFragment(std::string_view uri) {
  if (!uri.empty() && uri.back() == '#') uri.remove_suffix(1);
  return std::string(uri);
}

std::optional<std::uint16_t> VocabBits(std::string_view uri) {
  static const std::pair<std::string_view, std::uint16_t> kKnown[] = {
      {"https://json-schema.org/draft/2020-12/vocab/core", kVocabCore},
      {"https://json-schema.org/draft/2020-12/vocab/applicator", kVocabApplicator},
      {"https://json-schema.org/draft/2020-12/vocab/unevaluated", kVocabUnevaluated},
      {"https://json-schema.org/draft/2020-12/vocab/validation", kVocabValidation},
      {"https://json-schema.org/draft/2020-12/vocab/meta-data", kVocabMetaData},
      {"https://json-schema.org/draft/2020-12/vocab/format-annotation", kVocabFormatAnnotation},
      {"https://json-schema.org/draft/2020-12/vocab/format-assertion", kVocabFormatAssertion},
      {"https://json-schema.org/draft/2020-12/vocab/content", kVocabContent},
      {"https://json-schema.org/draft/2019-09/vocab/core", kVocabCore},
      {"https://json-schema.org/draft/2019-09/vocab/applicator",
       kVocabApplicator | kVocabUnevaluated},
      {"https://json-schema.org/draft/2019-09/vocab/validation", kVocabValidation},
      {"https://json-schema.org/draft/2019-09/vocab/meta-data", kVocabMetaData},
      {"https://json-schema.org/draft/2019-09/vocab/format", kVocabFormatAnnotation},
      {"https://json-schema.org/draft/2019-09/vocab/content", kVocabContent},
  };
  for (const auto& [u, bits] : kKnown) {
    if (u == uri) return bits;
  }
  return std::nullopt;
}

std::string EscapedPath(std::string_view keyword) {
  std::string path;
  json::AppendToken(path, keyword);
  return path;
}
std::string EscapedPath(std::string_view keyword, std::string_view token) {
  std::string path;
  path.reserve(keyword.size() + token.size() + 2);
  json::AppendToken(path, keyword);
  json::AppendToken(path, token);
  return path;
}
std::string EscapedPath(std::string_view keyword, std::size_t index) {
  std::string path = EscapedPath(keyword);
  json::AppendToken(path, std::to_string(index));
  return path;
}

// Non-negative integer keyword value (1.0 counts as 1).
std::optional<std::uint64_t> NonNegativeInt(const json::Value& v) {
  if (!v.IsNumber()) return std::nullopt;
  const json::Number& n = v.AsNumber();
  if (n.IsInt()) {
    if (n.AsInt() < 0) return std::nullopt;
    return static_cast<std::uint64_t>(n.AsInt());
  }
  if (!n.IsIntegral() || n.AsDouble() < 0) return std::nullopt;
  if (n.AsDouble() >= 1.8e19) return kUnbounded;
  return static_cast<std::uint64_t>(n.AsDouble());
}

}  // namespace

// ---------------------------------------------------------------------------
// Dialects

std::string_view DialectName(Dialect d) {
  switch (d) {
    case Dialect::kDraft4:
      return "draft-04";
    case Dialect::kDraft6:
      return "draft-06";
    case Dialect::kDraft7:
      return "draft-07";
    case Dialect::kDraft2019_09:
      return "2019-09";
    case Dialect::kDraft2020_12:
      return "2020-12";
  }
  return "unknown";
}

std::string_view DialectUri(Dialect d) {
  switch (d) {
    case Dialect::kDraft4:
      return kUriDraft4;
    case Dialect::kDraft6:
      return kUriDraft6;
    case Dialect::kDraft7:
      return kUriDraft7;
    case Dialect::kDraft2019_09:
      return kUri2019;
    case Dialect::kDraft2020_12:
      return kUri2020;
  }
  return {};
}

std::optional<Dialect> DialectFromString(std::string_view s) {
  static const std::pair<std::string_view, Dialect> kNames[] = {
      {"draft-04", Dialect::kDraft4},      {"draft-06", Dialect::kDraft6},
      {"draft-07", Dialect::kDraft7},      {"2019-09", Dialect::kDraft2019_09},
      {"2020-12", Dialect::kDraft2020_12},
  };
  for (const auto& [name, d] : kNames) {
    if (s == name) return d;
  }
  std::string u = StripEmptyFragment(s);
  std::string_view rest = u;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  static const std::pair<std::string_view, Dialect> kUris[] = {
      {"json-schema.org/draft-04/schema", Dialect::kDraft4},
      {"json-schema.org/draft-06/schema", Dialect::kDraft6},
      {"json-schema.org/draft-07/schema", Dialect::kDraft7},
      {"json-schema.org/draft/2019-09/schema", Dialect::kDraft2019_09},
      {"json-schema.org/draft/2020-12/schema", Dialect::kDraft2020_12},
  };
  for (const auto& [uri, d] : kUris) {
    if (rest == uri) return d;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// SchemaBundle

struct SchemaBundle::Impl {
  std::map<std::string, json::Value, std::less<>> docs;
};

SchemaBundle::SchemaBundle() : impl_(std::make_unique<Impl>()) {}
SchemaBundle::~SchemaBundle() = default;
SchemaBundle::SchemaBundle(SchemaBundle&&) noexcept = default;
SchemaBundle& SchemaBundle::operator=(SchemaBundle&&) noexcept = default;

void SchemaBundle::Add(std::string uri, json::Value document) {
  if (!impl_) impl_ = std::make_unique<Impl>();
  impl_->docs.insert_or_assign(StripEmptyFragment(uri), std::move(document));
}

const json::Value* SchemaBundle::Find(std::string_view uri) const {
  if (!impl_) return nullptr;
  auto it = impl_->docs.find(StripEmptyFragment(uri));
  return it == impl_->docs.end() ? nullptr : &it->second;
}

std::size_t SchemaBundle::size() const { return impl_ ? impl_->docs.size() : 0; }

// ---------------------------------------------------------------------------
// PropTable

namespace internal {

namespace {

// The index of the first value of `a` equal to an earlier one, or nullopt.
// The first few are compared with every earlier one; past kHashFrom the
// values are hashed, so that a hostile enum of n values costs O(n), not
// n^2 / 2 comparisons (issue #15: 100,000 values took minutes). Charged to
// the request's work budget (budget.h): one unit per comparison or lookup.
std::optional<std::size_t> FirstRepeat(const json::Array& a) {
  constexpr std::size_t kHashFrom = 16;
  const std::size_t scanned = std::min(a.size(), kHashFrom);
  for (std::size_t i = 1; i < scanned; ++i) {
    ChargeWork(i);
    for (std::size_t j = 0; j < i; ++j) {
      if (a[i] == a[j]) return i;
    }
  }
  if (a.size() <= kHashFrom) return std::nullopt;
  FlatSet<const json::Value*, json::ValuePtrHash, json::ValuePtrEq> seen;
  seen.Reserve(a.size());
  for (std::size_t i = 0; i < scanned; ++i) seen.Insert(&a[i]);
  for (std::size_t i = scanned; i < a.size(); ++i) {
    ChargeWork(1);
    if (i + 8 < a.size()) seen.Prefetch(&a[i + 8]);
    if (!seen.Insert(&a[i])) return i;
  }
  return std::nullopt;
}

// Equality for short keys without a call into the C library.
inline bool SameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  std::size_t n = a.size();
  while (n >= 8) {
    std::uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
    p += 8;
    q += 8;
    n -= 8;
  }
  while (n > 0) {
    if (*p++ != *q++) return false;
    --n;
  }
  return true;
}

}  // namespace

std::uint64_t PropTable::Hash(std::string_view s) {
  // Eight bytes at a time, mixed with multiply/xor-shift (splitmix64 constants).
  std::uint64_t h = s.size() * 0x9E3779B97F4A7C15ull;
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  std::uint64_t tail = 0;
  for (std::size_t i = 0; i < n; ++i)
    tail |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  h = (h ^ tail) * 0x94D049BB133111EBull;
  return h ^ (h >> 29);
}

std::uint32_t PropTable::Intern(std::string_view name) {
  constexpr std::size_t kScanLimit = 16;
  if (slots_.size() < kScanLimit) {
    for (std::uint32_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].name == name) return i;
    }
  } else {
    if (interning_.empty()) {
      for (std::uint32_t i = 0; i < slots_.size(); ++i) interning_.emplace(slots_[i].name, i);
    }
    auto [it, made] =
        interning_.try_emplace(std::string(name), static_cast<std::uint32_t>(slots_.size()));
    if (!made) return it->second;
  }
  slots_.push_back(PropSlot{std::string(name)});
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void PropTable::Finish() {
  interning_ = {};
  index_.clear();
  if (slots_.size() <= 4) return;
  std::size_t size = 8;
  while (size < slots_.size() * 2) size *= 2;
  index_.assign(size, 0);
  mask_ = size - 1;
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    std::uint64_t h = Hash(slots_[i].name) & mask_;
    while (index_[h] != 0) h = (h + 1) & mask_;
    index_[h] = i + 1;
  }
}

const PropSlot* PropTable::Find(std::string_view key) const {
  if (index_.empty()) {
    for (const PropSlot& s : slots_) {
      if (SameKey(s.name, key)) return &s;
    }
    return nullptr;
  }
  std::uint64_t h = Hash(key) & mask_;
  while (std::uint32_t slot = index_[h]) {
    const PropSlot& s = slots_[slot - 1];
    if (SameKey(s.name, key)) return &s;
    h = (h + 1) & mask_;
  }
  return nullptr;
}

}  // namespace internal

// ---------------------------------------------------------------------------
// Compiler

class Compiler {
 public:
  Compiler(const SchemaBundle& bundle, const CompileOptions& options)
      : bundle_(bundle), options_(options), plan_(std::make_unique<Validator::Plan>()) {}

  Result<Validator> Run(const json::Value& schema);

 private:
  struct Info {
    std::uint32_t base = 0;  // base URI in effect inside this subschema (no fragment): bases_
    DialectInfo dialect;
    std::uint32_t resource = 0;
    std::uint32_t doc = 0;
    std::string pointer;  // from the document root
  };
  struct ResourceInfo {
    const json::Value* root = nullptr;
    std::vector<std::pair<std::string, const json::Value*>> dynamic_anchors;
  };
  struct Doc {
    std::string uri;
  };

  std::uint32_t AddResource(const std::string& uri, const json::Value* root);
  Result<DialectInfo> MetaSchemaDialect(std::string_view uri, const Info& at, int depth);
  Result<void> Index(const json::Value& v, const Info& parent, std::string pointer,
                     std::size_t depth, bool is_doc_root);
  Result<void> IndexChildren(const json::Value& v, const Info& stored, std::size_t depth);
  Result<std::uint32_t> CompileNode(const json::Value* v, const Info* parent_hint);
  Result<void> CompileKeywords(const json::Value& v, const Info& info, Node& n);
  Result<Edge> Child(const json::Value& c, const Info& parent, std::string path);
  Result<const json::Value*> ResolveRef(const Info& at, std::string_view ref,
                                        std::string_view keyword, std::string* fragment);
  Result<void> EnsureDynamicAnchors(const std::string& name);
  Result<void> EnsureRecursiveRoots();
  Result<std::uint32_t> Regex(const std::string& pattern, const Info& at, std::string_view kw);
  Result<void> CheckCycles();
  // Indexes the bundle document stored under `uri`, once. False when there is none.
  Result<bool> LoadBundleDoc(const std::string& uri);
  // Indexes every bundle document not indexed yet (for resources embedded in
  // them under other URIs); errors in those documents are ignored.
  void LoadAllBundleDocs();

  std::unexpected<Error> Bad(const Info& at, std::string_view keyword_path, std::string message,
                             ErrorCode code = ErrorCode::kInvalidSchema) const {
    Error e{code, std::move(message), {}, {}, at.pointer};
    if (!keyword_path.empty()) {
      e.pointer += '/';
      e.pointer += keyword_path;
    }
    if (at.doc != 0) e.file = docs_[at.doc].uri;
    return std::unexpected(std::move(e));
  }

  const SchemaBundle& bundle_;
  const CompileOptions& options_;
  std::unique_ptr<Validator::Plan> plan_;
  std::vector<Doc> docs_;
  std::unordered_map<const json::Value*, Info> info_;
  std::unordered_map<std::string, std::uint32_t> resource_by_uri_;
  std::unordered_map<std::string, const json::Value*> anchors_;
  std::vector<ResourceInfo> resources_;
  std::unordered_map<const json::Value*, std::uint32_t> memo_;
  std::unordered_map<std::string, std::uint32_t> regex_memo_;
  std::set<std::string> ensured_dynamic_;
  bool ensured_recursive_ = false;
  std::set<std::string, std::less<>> loaded_docs_;
  bool loaded_all_docs_ = false;
  std::vector<const json::Value*> node_value_;  // each node's schema (diagnostics: info_)
  // The base URIs Info::base indexes: a subschema shares its parent's (one
  // string per $id, not one per subschema).
  std::vector<std::string> bases_;
  std::uint32_t AddBase(std::string uri) {
    bases_.push_back(std::move(uri));
    return static_cast<std::uint32_t>(bases_.size() - 1);
  }
  std::vector<std::uint32_t> node_doc_;
  std::size_t compile_depth_ = 0;
  // Stack address at Run(): nested CompileNode calls (a chain of $refs
  // compiles depth-first) are also bounded in bytes, since sanitizer builds
  // use frames over ten times larger (about 18 KiB per level under ASan,
  // where 450 nested references overflowed an 8 MiB stack).
  std::uintptr_t stack_base_ = 0;
  static constexpr std::uintptr_t kMaxCompileStack = 4u << 20;
  static std::uintptr_t StackAddress() {
    return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  }
  bool StackTooDeep() const {
    std::uintptr_t here = StackAddress();
    return (here < stack_base_ ? stack_base_ - here : here - stack_base_) > kMaxCompileStack;
  }
};

std::uint32_t Compiler::AddResource(const std::string& uri, const json::Value* root) {
  auto it = resource_by_uri_.find(uri);
  if (it != resource_by_uri_.end()) return it->second;
  std::uint32_t idx = static_cast<std::uint32_t>(resources_.size());
  resources_.push_back(ResourceInfo{root, {}});
  plan_->resources.push_back(internal::Resource{uri, kNoNode, false, {}});
  resource_by_uri_.emplace(uri, idx);
  return idx;
}

Result<DialectInfo> Compiler::MetaSchemaDialect(std::string_view uri, const Info& at, int depth) {
  if (auto d = DialectFromString(uri)) return DialectInfo{*d, kVocabDefault};
  std::string key = StripEmptyFragment(uri);
  const json::Value* meta = bundle_.Find(key);
  if (meta == nullptr || depth > 8) {
    return Bad(at, "$schema", "unknown meta-schema \"" + std::string(uri) + "\"",
               ErrorCode::kUnresolvedRef);
  }
  if (!meta->IsObject()) {
    return Bad(at, "$schema", "meta-schema \"" + key + "\" is not an object");
  }
  DialectInfo base{options_.default_dialect, kVocabDefault};
  if (const json::Value* s = meta->Find("$schema"); s != nullptr && s->IsString()) {
    if (StripEmptyFragment(s->AsString()) == key) {
      // A meta-schema describing itself: its dialect comes from its vocabularies.
      base.dialect = Dialect::kDraft2020_12;
    } else {
      auto r = MetaSchemaDialect(s->AsString(), at, depth + 1);
      if (!r) return r;
      base = *r;
    }
  }
  const json::Value* vocabulary = meta->Find("$vocabulary");
  if (base.dialect >= Dialect::kDraft2019_09 && vocabulary != nullptr && vocabulary->IsObject()) {
    std::uint16_t bits = 0;
    for (const json::Member& m : vocabulary->AsObject()) {
      auto known = VocabBits(m.key);
      if (known) {
        bits |= *known;
        if (m.key.find("2019-09") != std::string::npos) base.dialect = Dialect::kDraft2019_09;
      } else if (m.value.IsBool() && m.value.AsBool()) {
        return Bad(at, "$schema",
                   "meta-schema \"" + key + "\" requires unsupported vocabulary \"" + m.key + "\"",
                   ErrorCode::kUnsupported);
      }
    }
    base.vocab = bits | kVocabCore;
  }
  return base;
}

// Keywords whose values hold subschemas, by dialect.
enum class ChildShape : std::uint8_t { kNone, kSchema, kArray, kMap, kSchemaOrArray, kDeps };

static ChildShape ShapeOf(std::string_view k, Dialect d) {
  const bool legacy = d <= Dialect::kDraft7;
  if (k == "additionalProperties" || k == "not") return ChildShape::kSchema;
  if (k == "allOf" || k == "anyOf" || k == "oneOf") return ChildShape::kArray;
  if (k == "properties" || k == "patternProperties" || k == "definitions") return ChildShape::kMap;
  if (k == "items")
    return d == Dialect::kDraft2020_12 ? ChildShape::kSchema : ChildShape::kSchemaOrArray;
  if (k == "additionalItems")
    return d == Dialect::kDraft2020_12 ? ChildShape::kNone : ChildShape::kSchema;
  if (d >= Dialect::kDraft6 && (k == "contains" || k == "propertyNames"))
    return ChildShape::kSchema;
  if (d >= Dialect::kDraft7 && (k == "if" || k == "then" || k == "else"))
    return ChildShape::kSchema;
  if (k == "dependencies") return ChildShape::kDeps;
  if (legacy) return ChildShape::kNone;
  if (k == "$defs" || k == "dependentSchemas") return ChildShape::kMap;
  if (k == "unevaluatedItems" || k == "unevaluatedProperties" || k == "contentSchema") {
    return ChildShape::kSchema;
  }
  if (d == Dialect::kDraft2020_12 && k == "prefixItems") return ChildShape::kArray;
  return ChildShape::kNone;
}

Result<void> Compiler::Index(const json::Value& v, const Info& parent, std::string pointer,
                             std::size_t depth, bool is_doc_root) {
  if (depth > options_.max_depth) {
    return Bad(parent, "", "schema nested deeper than " + std::to_string(options_.max_depth),
               ErrorCode::kLimit);
  }
  if (info_.contains(&v)) return {};
  Info info{parent.base, parent.dialect, parent.resource, parent.doc, std::move(pointer)};
  if (!v.IsObject()) {
    info_.emplace(&v, std::move(info));
    return {};
  }
  // The lookups below are all of "$..." names and "id": most subschemas have
  // none, and one pass over the names is cheaper than eight lookups.
  const bool named =
      std::any_of(v.AsObject().begin(), v.AsObject().end(),
                  [](const json::Member& m) { return m.key.starts_with('$') || m.key == "id"; });
  if (!named) return IndexChildren(v, info_.emplace(&v, std::move(info)).first->second, depth);
  const json::Value* id_any = v.Find("$id");
  if (id_any == nullptr) id_any = v.Find("id");
  if (const json::Value* s = v.Find("$schema");
      s != nullptr && s->IsString() && (is_doc_root || id_any != nullptr)) {
    auto d = MetaSchemaDialect(s->AsString(), info, 0);
    if (!d) return std::unexpected(d.error());
    info.dialect = *d;
  }
  const Dialect d = info.dialect.dialect;
  const bool legacy = d <= Dialect::kDraft7;
  const json::Value* id = v.Find(d == Dialect::kDraft4 ? "id" : "$id");
  if (legacy && v.Find("$ref") != nullptr) id = nullptr;  // $ref overrides its siblings
  if (id != nullptr && id->IsString()) {
    const std::string& text = id->AsString();
    std::string resolved = ResolveUri(bases_[info.base], text);
    auto [uri, fragment] = internal::SplitFragment(resolved);
    if (!text.starts_with('#')) {
      info.resource = AddResource(uri, &v);
      info.base = AddBase(uri);
    }
    if (legacy && !fragment.empty() && fragment.front() != '/') {
      anchors_.emplace(uri + "#" + internal::PercentDecode(fragment), &v);
    }
  }
  if (!legacy) {
    if (const json::Value* a = v.Find("$anchor"); a != nullptr && a->IsString()) {
      anchors_.emplace(bases_[info.base] + "#" + a->AsString(), &v);
    }
    if (d == Dialect::kDraft2020_12) {
      if (const json::Value* a = v.Find("$dynamicAnchor"); a != nullptr && a->IsString()) {
        anchors_.emplace(bases_[info.base] + "#" + a->AsString(), &v);
        resources_[info.resource].dynamic_anchors.emplace_back(a->AsString(), &v);
      }
    }
    if (d == Dialect::kDraft2019_09) {
      const json::Value* a = v.Find("$recursiveAnchor");
      if (a != nullptr && a->IsBool() && a->AsBool() && resources_[info.resource].root == &v) {
        plan_->resources[info.resource].recursive_anchor = true;
      }
    }
  }
  return IndexChildren(v, info_.emplace(&v, std::move(info)).first->second, depth);
}

// Indexes the subschemas of `v` (an object), whose own entry is `stored`.
Result<void> Compiler::IndexChildren(const json::Value& v, const Info& stored, std::size_t depth) {
  const Dialect d = stored.dialect.dialect;
  for (const json::Member& m : v.AsObject()) {
    ChildShape shape = ShapeOf(m.key, d);
    if (shape == ChildShape::kNone) continue;
    std::string base_ptr = stored.pointer;
    json::AppendToken(base_ptr, m.key);
    auto index_one = [&](const json::Value& c, std::string p) -> Result<void> {
      if (!c.IsObject() && !c.IsBool()) return {};
      return Index(c, stored, std::move(p), depth + 1, false);
    };
    if (shape == ChildShape::kSchemaOrArray) {
      shape = m.value.IsArray() ? ChildShape::kArray : ChildShape::kSchema;
    }
    if (shape == ChildShape::kSchema) {
      if (auto r = index_one(m.value, base_ptr); !r) return r;
    } else if (shape == ChildShape::kArray) {
      if (!m.value.IsArray()) continue;
      const json::Array& a = m.value.AsArray();
      for (std::size_t i = 0; i < a.size(); ++i) {
        std::string p = base_ptr;
        json::AppendToken(p, std::to_string(i));
        if (auto r = index_one(a[i], std::move(p)); !r) return r;
      }
    } else if (shape == ChildShape::kMap || shape == ChildShape::kDeps) {
      if (!m.value.IsObject()) continue;
      for (const json::Member& c : m.value.AsObject()) {
        std::string p = base_ptr;
        json::AppendToken(p, c.key);
        if (auto r = index_one(c.value, std::move(p)); !r) return r;
      }
    }
  }
  return {};
}

Result<const json::Value*> Compiler::ResolveRef(const Info& at, std::string_view ref,
                                                std::string_view keyword,
                                                std::string* fragment_out) {
  std::string full = ResolveUri(bases_[at.base], ref);
  auto [uri, fragment] = internal::SplitFragment(full);
  if (fragment_out != nullptr) *fragment_out = fragment;
  auto unresolved = [&]() {
    std::string msg = "unresolved reference \"" + std::string(ref) + "\"";
    if (full != ref) msg += " (resolved as \"" + full + "\")";
    return Bad(at, json::EscapeToken(keyword), std::move(msg), ErrorCode::kUnresolvedRef);
  };
  auto it = resource_by_uri_.find(uri);
  if (it == resource_by_uri_.end()) {
    auto loaded = LoadBundleDoc(uri);
    if (!loaded) return std::unexpected(loaded.error());
    it = resource_by_uri_.find(uri);
    if (it == resource_by_uri_.end()) {
      LoadAllBundleDocs();
      it = resource_by_uri_.find(uri);
    }
    if (it == resource_by_uri_.end()) return unresolved();
  }
  const json::Value* root = resources_[it->second].root;
  if (fragment.empty()) return root;
  if (fragment.front() == '/') {
    auto tokens = json::SplitPointer(internal::PercentDecode(fragment));
    if (!tokens) return unresolved();
    const json::Value* cur = root;
    const Info* last = &info_.at(root);
    for (const std::string& t : *tokens) {
      if (cur->IsObject()) {
        cur = cur->Find(t);
      } else if (cur->IsArray()) {
        std::size_t index = 0;
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), index);
        if (ec != std::errc() || p != t.data() + t.size() || (t.size() > 1 && t[0] == '0') ||
            index >= cur->AsArray().size()) {
          return unresolved();
        }
        cur = &cur->AsArray()[index];
      } else {
        cur = nullptr;
      }
      if (cur == nullptr) return unresolved();
      if (auto fi = info_.find(cur); fi != info_.end()) last = &fi->second;
    }
    if (!info_.contains(cur)) {
      // A subschema in a place the indexer does not walk (e.g. an unknown keyword).
      Info parent = *last;
      std::string ptr = info_.at(root).pointer + json::JoinPointer(*tokens);
      if (auto r = Index(*cur, parent, std::move(ptr), 0, false); !r) {
        return std::unexpected(r.error());
      }
    }
    return cur;
  }
  auto a = anchors_.find(uri + "#" + internal::PercentDecode(fragment));
  if (a == anchors_.end()) return unresolved();
  return a->second;
}

Result<std::uint32_t> Compiler::Regex(const std::string& pattern, const Info& at,
                                      std::string_view kw) {
  if (auto it = regex_memo_.find(pattern); it != regex_memo_.end()) return it->second;
  auto re = EcmaRegex::Compile(pattern);
  if (!re) {
    Error e = re.error();
    return Bad(at, kw, std::move(e.message), e.code);
  }
  std::uint32_t idx = static_cast<std::uint32_t>(plan_->regexes.size());
  plan_->regexes.push_back(std::move(*re));
  regex_memo_.emplace(pattern, idx);
  return idx;
}

Result<Edge> Compiler::Child(const json::Value& c, const Info& parent, std::string path) {
  auto r = CompileNode(&c, &parent);
  if (!r) return std::unexpected(r.error());
  return Edge{*r, std::move(path)};
}

Result<void> Compiler::EnsureDynamicAnchors(const std::string& name) {
  if (!ensured_dynamic_.insert(name).second) return {};
  for (std::size_t r = 0; r < resources_.size(); ++r) {
    for (std::size_t k = 0; k < resources_[r].dynamic_anchors.size(); ++k) {
      if (resources_[r].dynamic_anchors[k].first != name) continue;
      auto node = CompileNode(resources_[r].dynamic_anchors[k].second, nullptr);
      if (!node) return std::unexpected(node.error());
      if (plan_->resources[r].FindDynamic(name) == kNoNode) {
        plan_->resources[r].dynamic_anchors.emplace_back(name, *node);
      }
    }
  }
  return {};
}

Result<void> Compiler::EnsureRecursiveRoots() {
  if (ensured_recursive_) return {};
  ensured_recursive_ = true;
  for (std::size_t r = 0; r < resources_.size(); ++r) {
    if (!plan_->resources[r].recursive_anchor) continue;
    auto node = CompileNode(resources_[r].root, nullptr);
    if (!node) return std::unexpected(node.error());
    plan_->resources[r].root = *node;
  }
  return {};
}

Result<std::uint32_t> Compiler::CompileNode(const json::Value* v, const Info* parent_hint) {
  if (auto it = memo_.find(v); it != memo_.end()) return it->second;
  auto fi = info_.find(v);
  if (fi == info_.end()) {
    if (parent_hint == nullptr) {
      return MakeError(ErrorCode::kInvalidSchema, "internal: subschema was not indexed");
    }
    if (auto r = Index(*v, *parent_hint, parent_hint->pointer, 0, false); !r) {
      return std::unexpected(r.error());
    }
    fi = info_.find(v);
  }
  const Info& info = fi->second;
  std::uint32_t idx = static_cast<std::uint32_t>(plan_->nodes.size());
  plan_->nodes.emplace_back();
  node_value_.push_back(v);
  node_doc_.push_back(info.doc);
  memo_.emplace(v, idx);
  if (resources_[info.resource].root == v) plan_->resources[info.resource].root = idx;

  Node n;
  n.resource = info.resource;
  if (v->IsBool()) {
    n.boolean = v->AsBool() ? 1 : 0;
    plan_->nodes[idx] = std::move(n);
    return idx;
  }
  if (!v->IsObject()) {
    return Bad(info, "", "a schema must be an object or a boolean");
  }
  if (++compile_depth_ > options_.max_depth * 4 || StackTooDeep()) {
    return Bad(info, "", "schema references nest too deeply", ErrorCode::kLimit);
  }
  auto r = CompileKeywords(*v, info, n);
  --compile_depth_;
  if (!r) return std::unexpected(r.error());

  n.number_checks = n.has_minimum || n.has_maximum || n.has_exclusive_minimum ||
                    n.has_exclusive_maximum || n.has_multiple_of;
  n.string_checks =
      n.min_length > 0 || n.max_length != kUnbounded || n.pattern != kNoNode || n.format != nullptr;
  n.array_checks = n.min_items > 0 || n.max_items != kUnbounded || n.unique_items ||
                   !n.prefix_items.empty() || n.rest_items.present() || n.contains.present() ||
                   n.unevaluated_items.present();
  n.member_loop = !n.properties.empty() || !n.pattern_properties.empty() ||
                  n.additional_properties.present() || n.property_names.present() ||
                  !n.required.empty();
  n.object_checks = n.member_loop || n.min_properties > 0 || n.max_properties != kUnbounded ||
                    !n.dependent_required.empty() || !n.dependent_schemas.empty() ||
                    n.unevaluated_properties.present();
  n.names.Finish();
  using namespace internal;
  auto flag = [](bool on, NodeFlag f) { return on ? static_cast<std::uint32_t>(f) : 0u; };
  n.flags = flag(n.has_const, kFlagConst) | flag(n.has_enum, kFlagEnum) |
            flag(n.ref.present(), kFlagRef) | flag(n.dynamic_ref.present(), kFlagDynamicRef) |
            flag(n.recursive_ref.present(), kFlagRecursiveRef) |
            flag(!n.all_of.empty(), kFlagAllOf) | flag(!n.any_of.empty(), kFlagAnyOf) |
            flag(!n.one_of.empty(), kFlagOneOf) | flag(n.not_.present(), kFlagNot) |
            flag(n.if_.present(), kFlagIf) |
            flag(n.unevaluated_properties.present(), kFlagUnevaluatedProperties) |
            flag(n.unevaluated_items.present(), kFlagUnevaluatedItems);
  plan_->nodes[idx] = std::move(n);
  return idx;
}

Result<void> Compiler::CompileKeywords(const json::Value& v, const Info& info, Node& n) {
  const Dialect d = info.dialect.dialect;
  const bool legacy = d <= Dialect::kDraft7;
  const bool validate = options_.validate_schema;
  auto vocab = [&](std::uint16_t bit) { return (info.dialect.vocab & bit) != 0; };
  const bool applicator = vocab(kVocabApplicator);
  const bool validation = vocab(kVocabValidation);
  const bool unevaluated = vocab(kVocabUnevaluated);

  // $ref: in draft-04..07 it overrides every sibling keyword.
  if (const json::Value* r = v.Find("$ref")) {
    if (r->IsString()) {
      auto target = ResolveRef(info, r->AsString(), "$ref", nullptr);
      if (!target) return std::unexpected(target.error());
      auto e = Child(**target, info, "/$ref");
      if (!e) return std::unexpected(e.error());
      n.ref = std::move(*e);
    } else if (validate) {
      return Bad(info, "$ref", "$ref must be a string");
    }
    if (legacy) return {};
  }
  if (d == Dialect::kDraft2020_12) {
    if (const json::Value* r = v.Find("$dynamicRef")) {
      if (!r->IsString()) {
        if (validate) return Bad(info, "$dynamicRef", "$dynamicRef must be a string");
      } else {
        std::string fragment;
        auto target = ResolveRef(info, r->AsString(), "$dynamicRef", &fragment);
        if (!target) return std::unexpected(target.error());
        auto e = Child(**target, info, "/$dynamicRef");
        if (!e) return std::unexpected(e.error());
        n.dynamic_ref = std::move(*e);
        if (!fragment.empty() && fragment.front() != '/') {
          std::string name = internal::PercentDecode(fragment);
          const json::Value* anchor =
              (*target)->IsObject() ? (*target)->Find("$dynamicAnchor") : nullptr;
          if (anchor != nullptr && anchor->IsString() && anchor->AsString() == name) {
            n.dynamic_name = name;
            if (auto ok = EnsureDynamicAnchors(name); !ok) return ok;
          }
        }
      }
    }
  }
  if (d == Dialect::kDraft2019_09) {
    if (const json::Value* r = v.Find("$recursiveRef")) {
      if (!r->IsString()) {
        if (validate) return Bad(info, "$recursiveRef", "$recursiveRef must be a string");
      } else {
        auto target = ResolveRef(info, r->AsString(), "$recursiveRef", nullptr);
        if (!target) return std::unexpected(target.error());
        auto e = Child(**target, info, "/$recursiveRef");
        if (!e) return std::unexpected(e.error());
        n.recursive_ref = std::move(*e);
        const json::Value* anchor =
            (*target)->IsObject() ? (*target)->Find("$recursiveAnchor") : nullptr;
        if (anchor != nullptr && anchor->IsBool() && anchor->AsBool()) {
          n.recursive_dynamic = true;
          if (auto ok = EnsureRecursiveRoots(); !ok) return ok;
        }
      }
    }
  }

  auto schema_child = [&](std::string_view kw, Edge* out) -> Result<void> {
    const json::Value* c = v.Find(kw);
    if (c == nullptr) return {};
    if (!c->IsObject() && !c->IsBool()) {
      if (validate) return Bad(info, json::EscapeToken(kw), std::string(kw) + " must be a schema");
      return {};
    }
    auto e = Child(*c, info, EscapedPath(kw));
    if (!e) return std::unexpected(e.error());
    *out = std::move(*e);
    return {};
  };
  auto schema_array = [&](std::string_view kw, std::vector<Edge>* out,
                          bool non_empty) -> Result<void> {
    const json::Value* c = v.Find(kw);
    if (c == nullptr) return {};
    if (!c->IsArray() || (non_empty && c->AsArray().empty())) {
      if (validate) {
        return Bad(info, json::EscapeToken(kw),
                   std::string(kw) + (non_empty ? " must be a non-empty array of schemas"
                                                : " must be an array of schemas"));
      }
      return {};
    }
    const json::Array& a = c->AsArray();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].IsObject() && !a[i].IsBool()) {
        if (validate) {
          return Bad(info, json::EscapeToken(kw) + "/" + std::to_string(i),
                     "a schema must be an object or a boolean");
        }
        continue;
      }
      auto e = Child(a[i], info, EscapedPath(kw, i));
      if (!e) return std::unexpected(e.error());
      out->push_back(std::move(*e));
    }
    return {};
  };
  auto non_negative = [&](std::string_view kw, std::uint64_t* out) -> Result<void> {
    const json::Value* c = v.Find(kw);
    if (c == nullptr) return {};
    auto value = NonNegativeInt(*c);
    if (!value) {
      if (validate) {
        return Bad(info, json::EscapeToken(kw),
                   std::string(kw) + " must be a non-negative integer");
      }
      return {};
    }
    *out = *value;
    return {};
  };
  auto number = [&](std::string_view kw, json::Number* out, bool* has) -> Result<void> {
    const json::Value* c = v.Find(kw);
    if (c == nullptr) return {};
    if (!c->IsNumber()) {
      if (validate) return Bad(info, json::EscapeToken(kw), std::string(kw) + " must be a number");
      return {};
    }
    *out = c->AsNumber();
    *has = true;
    return {};
  };
  auto string_set = [&](const json::Value& c, std::string_view where,
                        std::vector<std::string>* out) -> Result<bool> {
    if (!c.IsArray()) {
      if (validate) return Bad(info, where, "must be an array of strings");
      return false;
    }
    // The strings so far, hashed past a few (a scan per string made a
    // `required` of n names cost n^2 comparisons).
    std::unordered_set<std::string> seen;  // (copies: `out` may reallocate)
    for (const json::Value& s : c.AsArray()) {
      if (!s.IsString()) {
        if (validate) return Bad(info, where, "must be an array of strings");
        return false;
      }
      bool repeated;
      if (out->size() < 16) {
        repeated = std::find(out->begin(), out->end(), s.AsString()) != out->end();
      } else {
        if (seen.empty()) seen.insert(out->begin(), out->end());
        repeated = !seen.insert(s.AsString()).second;
      }
      if (repeated) {
        if (validate) return Bad(info, where, "must not repeat \"" + s.AsString() + "\"");
        continue;
      }
      out->push_back(s.AsString());
    }
    return true;
  };
#define ACCORD_CHECK(expr)                                         \
  do {                                                             \
    if (auto _r = (expr); !_r) return std::unexpected(_r.error()); \
  } while (false)

  // --- Applicators (in place).
  if (applicator) {
    ACCORD_CHECK(schema_array("allOf", &n.all_of, true));
    ACCORD_CHECK(schema_array("anyOf", &n.any_of, true));
    ACCORD_CHECK(schema_array("oneOf", &n.one_of, true));
    ACCORD_CHECK(schema_child("not", &n.not_));
    if (d >= Dialect::kDraft7) {
      ACCORD_CHECK(schema_child("if", &n.if_));
      if (n.if_.present()) {
        ACCORD_CHECK(schema_child("then", &n.then_));
        ACCORD_CHECK(schema_child("else", &n.else_));
      }
    }
  }

  // --- Any instance.
  if (validation) {
    if (const json::Value* t = v.Find("type")) {
      auto bit = [](const json::Value& s) -> std::uint8_t {
        if (!s.IsString()) return 0;
        const std::string& name = s.AsString();
        if (name == "null") return internal::kTypeNull;
        if (name == "boolean") return internal::kTypeBoolean;
        if (name == "integer") return internal::kTypeInteger;
        if (name == "number") return internal::kTypeNumber;
        if (name == "string") return internal::kTypeString;
        if (name == "array") return internal::kTypeArray;
        if (name == "object") return internal::kTypeObject;
        return 0;
      };
      std::uint8_t mask = 0;
      bool ok = true;
      if (t->IsArray()) {
        for (const json::Value& s : t->AsArray()) {
          std::uint8_t b = bit(s);
          if (b == 0 || (mask & b) != 0) ok = false;
          mask |= b;
        }
      } else {
        mask = bit(*t);
        ok = mask != 0;
      }
      if (!ok && validate) {
        return Bad(info, "type",
                   "type must be one of null, boolean, integer, number, string, array, object "
                   "(or a list of distinct ones)");
      }
      n.types = mask;  // 0 (nothing usable) means no check
    }
    if (const json::Value* e = v.Find("enum")) {
      if (e->IsArray()) {
        n.has_enum = true;
        n.enum_values = e->AsArray();
        if (legacy && validate) {
          // draft-04..07 meta-schemas: minItems 1, uniqueItems.
          const json::Array& a = e->AsArray();
          if (a.empty()) return Bad(info, "enum", "enum must not be empty before 2019-09");
          if (auto i = internal::FirstRepeat(a)) {
            return Bad(info, "enum/" + std::to_string(*i),
                       "enum repeats a value (not allowed before 2019-09)");
          }
        }
      } else if (validate) {
        return Bad(info, "enum", "enum must be an array");
      }
    }
    if (d >= Dialect::kDraft6) {
      if (const json::Value* c = v.Find("const")) {
        n.has_const = true;
        n.const_value = *c;
      }
    }
    // Numbers.
    ACCORD_CHECK(number("minimum", &n.minimum, &n.has_minimum));
    ACCORD_CHECK(number("maximum", &n.maximum, &n.has_maximum));
    if (d == Dialect::kDraft4) {
      for (const char* kw : {"exclusiveMinimum", "exclusiveMaximum"}) {
        const json::Value* c = v.Find(kw);
        if (c == nullptr) continue;
        if (!c->IsBool()) {
          if (validate) return Bad(info, kw, std::string(kw) + " must be a boolean in draft-04");
          continue;
        }
        if (!c->AsBool()) continue;
        if (kw[9] == 'M' && kw[10] == 'i') {
          if (n.has_minimum) {
            n.has_minimum = false;
            n.has_exclusive_minimum = true;
            n.exclusive_minimum = n.minimum;
            n.minimum_keyword_exclusive = true;
          }
        } else if (n.has_maximum) {
          n.has_maximum = false;
          n.has_exclusive_maximum = true;
          n.exclusive_maximum = n.maximum;
          n.maximum_keyword_exclusive = true;
        }
      }
    } else {
      ACCORD_CHECK(number("exclusiveMinimum", &n.exclusive_minimum, &n.has_exclusive_minimum));
      ACCORD_CHECK(number("exclusiveMaximum", &n.exclusive_maximum, &n.has_exclusive_maximum));
    }
    if (const json::Value* m = v.Find("multipleOf")) {
      bool positive = m->IsNumber() && json::Number(std::int64_t{0}) < m->AsNumber();
      auto dec = positive ? internal::ToDecimal(m->AsNumber()) : std::nullopt;
      if (dec && dec->mantissa != 0) {
        n.has_multiple_of = true;
        n.multiple_of = m->AsNumber();
        n.multiple_of_decimal = *dec;
      } else if (validate) {
        return Bad(info, "multipleOf", "multipleOf must be a number greater than 0");
      }
    }
    // Strings.
    ACCORD_CHECK(non_negative("minLength", &n.min_length));
    ACCORD_CHECK(non_negative("maxLength", &n.max_length));
    if (const json::Value* p = v.Find("pattern")) {
      if (p->IsString()) {
        auto re = Regex(p->AsString(), info, "pattern");
        if (!re) return std::unexpected(re.error());
        n.pattern = *re;
      } else if (validate) {
        return Bad(info, "pattern", "pattern must be a string");
      }
    }
    // Arrays.
    ACCORD_CHECK(non_negative("minItems", &n.min_items));
    ACCORD_CHECK(non_negative("maxItems", &n.max_items));
    if (const json::Value* u = v.Find("uniqueItems")) {
      if (u->IsBool()) {
        n.unique_items = u->AsBool();
      } else if (validate) {
        return Bad(info, "uniqueItems", "uniqueItems must be a boolean");
      }
    }
    // Objects.
    ACCORD_CHECK(non_negative("minProperties", &n.min_properties));
    ACCORD_CHECK(non_negative("maxProperties", &n.max_properties));
    if (const json::Value* r = v.Find("required")) {
      auto ok = string_set(*r, "required", &n.required);
      if (!ok) return std::unexpected(ok.error());
      if (d == Dialect::kDraft4 && validate && r->IsArray() && r->AsArray().empty()) {
        return Bad(info, "required", "required must not be empty in draft-04");
      }
      for (std::size_t i = 0; i < n.required.size(); ++i) {
        std::uint32_t slot = n.names.Intern(n.required[i]);
        n.names.slots()[slot].required = static_cast<std::int32_t>(i);
      }
    }
    if (!legacy) {
      if (const json::Value* dr = v.Find("dependentRequired")) {
        if (!dr->IsObject()) {
          if (validate)
            return Bad(info, "dependentRequired", "dependentRequired must be an object");
        } else {
          for (const json::Member& m : dr->AsObject()) {
            internal::DependentRequired dep{m.key, {}, "dependentRequired"};
            auto ok =
                string_set(m.value, "dependentRequired/" + json::EscapeToken(m.key), &dep.required);
            if (!ok) return std::unexpected(ok.error());
            n.dependent_required.push_back(std::move(dep));
          }
        }
      }
    }
    if (d >= Dialect::kDraft2019_09) {
      ACCORD_CHECK(non_negative("minContains", &n.min_contains));
      if (v.Find("maxContains") != nullptr) {
        ACCORD_CHECK(non_negative("maxContains", &n.max_contains));
      }
    }
  }

  // Format: an annotation unless asked to assert.
  if (const json::Value* f = v.Find("format")) {
    if (!f->IsString()) {
      if (validate) return Bad(info, "format", "format must be a string");
    } else if (vocab(kVocabFormatAnnotation) || vocab(kVocabFormatAssertion)) {
      bool assert_format = options_.format == FormatMode::kAssert || vocab(kVocabFormatAssertion);
      if (assert_format) {
        n.format = format::Find(f->AsString());
        n.format_name = f->AsString();
      }
    }
  }

  if (applicator) {
    // Arrays.
    if (d == Dialect::kDraft2020_12) {
      ACCORD_CHECK(schema_array("prefixItems", &n.prefix_items, false));
      n.prefix_keyword = "prefixItems";
      ACCORD_CHECK(schema_child("items", &n.rest_items));
      n.rest_keyword = "items";
    } else if (const json::Value* items = v.Find("items")) {
      if (items->IsArray()) {
        ACCORD_CHECK(schema_array("items", &n.prefix_items, false));
        n.prefix_keyword = "items";
        ACCORD_CHECK(schema_child("additionalItems", &n.rest_items));
        n.rest_keyword = "additionalItems";
      } else {
        ACCORD_CHECK(schema_child("items", &n.rest_items));
        n.rest_keyword = "items";
      }
    }
    if (d >= Dialect::kDraft6) {
      ACCORD_CHECK(schema_child("contains", &n.contains));
      n.contains_annotates = d == Dialect::kDraft2020_12;
      if (!n.contains.present()) {
        n.min_contains = 1;
        n.max_contains = kUnbounded;
      }
    }
    // Objects.
    if (const json::Value* p = v.Find("properties")) {
      if (!p->IsObject()) {
        if (validate) return Bad(info, "properties", "properties must be an object");
      } else {
        for (const json::Member& m : p->AsObject()) {
          if (!m.value.IsObject() && !m.value.IsBool()) {
            if (validate) {
              return Bad(info, "properties/" + json::EscapeToken(m.key),
                         "a schema must be an object or a boolean");
            }
            continue;
          }
          auto e = Child(m.value, info, EscapedPath("properties", m.key));
          if (!e) return std::unexpected(e.error());
          std::uint32_t slot = n.names.Intern(m.key);
          n.names.slots()[slot].property = static_cast<std::uint32_t>(n.properties.size());
          n.properties.push_back(std::move(*e));
        }
      }
    }
    if (const json::Value* p = v.Find("patternProperties")) {
      if (!p->IsObject()) {
        if (validate) return Bad(info, "patternProperties", "patternProperties must be an object");
      } else {
        for (const json::Member& m : p->AsObject()) {
          std::string where = "patternProperties/" + json::EscapeToken(m.key);
          if (!m.value.IsObject() && !m.value.IsBool()) {
            if (validate) return Bad(info, where, "a schema must be an object or a boolean");
            continue;
          }
          auto re = Regex(m.key, info, where);
          if (!re) return std::unexpected(re.error());
          auto e = Child(m.value, info, EscapedPath("patternProperties", m.key));
          if (!e) return std::unexpected(e.error());
          n.pattern_properties.push_back(internal::PatternEdge{*re, std::move(*e)});
        }
      }
    }
    ACCORD_CHECK(schema_child("additionalProperties", &n.additional_properties));
    if (d >= Dialect::kDraft6) ACCORD_CHECK(schema_child("propertyNames", &n.property_names));
    // draft-04..07 `dependencies`; 2019-09+ `dependentSchemas`, and the old
    // `dependencies` is still honoured there for compatibility (the test
    // suite's optional dependencies-compatibility cases).
    for (const char* deps_kw : {"dependencies", "dependentSchemas"}) {
      const bool old_form = std::string_view(deps_kw) == "dependencies";
      if (legacy && !old_form) continue;
      const json::Value* deps = v.Find(deps_kw);
      if (deps == nullptr) continue;
      if (!deps->IsObject()) {
        if (validate) return Bad(info, deps_kw, std::string(deps_kw) + " must be an object");
        continue;
      }
      for (const json::Member& m : deps->AsObject()) {
        std::string where = std::string(deps_kw) + "/" + json::EscapeToken(m.key);
        if (old_form && m.value.IsArray()) {
          if (!validation) continue;
          internal::DependentRequired dep{m.key, {}, deps_kw};
          auto ok = string_set(m.value, where, &dep.required);
          if (!ok) return std::unexpected(ok.error());
          n.dependent_required.push_back(std::move(dep));
          continue;
        }
        if (!m.value.IsObject() && !m.value.IsBool()) {
          if (validate) return Bad(info, where, "must be a schema");
          continue;
        }
        auto e = Child(m.value, info, "/" + where);
        if (!e) return std::unexpected(e.error());
        n.dependent_schemas.push_back(internal::DependentSchema{m.key, std::move(*e), deps_kw});
      }
    }
  }
  if (unevaluated && !legacy) {
    ACCORD_CHECK(schema_child("unevaluatedItems", &n.unevaluated_items));
    ACCORD_CHECK(schema_child("unevaluatedProperties", &n.unevaluated_properties));
  }
#undef ACCORD_CHECK
  return {};
}

Result<void> Compiler::CheckCycles() {
  // A cycle of in-place applicators ($ref, allOf, not, if, ...) re-evaluates one
  // schema on one instance location forever: reject it instead of recursing.
  const auto& nodes = plan_->nodes;
  std::vector<std::uint8_t> color(nodes.size(), 0);  // 0 new, 1 on stack, 2 done
  std::vector<std::uint32_t> targets;
  auto in_place = [&](std::uint32_t i, std::vector<std::uint32_t>* out) {
    out->clear();
    const Node& n = nodes[i];
    auto add = [&](const Edge& e) {
      if (e.present()) out->push_back(e.node);
    };
    add(n.ref);
    add(n.recursive_ref);
    if (n.dynamic_name.empty()) add(n.dynamic_ref);
    for (const Edge& e : n.all_of) add(e);
    for (const Edge& e : n.any_of) add(e);
    for (const Edge& e : n.one_of) add(e);
    add(n.not_);
    add(n.if_);
    add(n.then_);
    add(n.else_);
    for (const auto& dep : n.dependent_schemas) add(dep.edge);
  };
  struct Item {
    std::uint32_t node;
    std::vector<std::uint32_t> next;
    std::size_t pos;
  };
  std::vector<Item> stack;
  for (std::uint32_t start = 0; start < nodes.size(); ++start) {
    if (color[start] != 0) continue;
    // Most nodes apply nothing in place: done without a walk.
    in_place(start, &targets);
    if (targets.empty()) {
      color[start] = 2;
      continue;
    }
    stack.clear();
    stack.push_back(Item{start, targets, 0});
    color[start] = 1;
    while (!stack.empty()) {
      Item& top = stack.back();
      if (top.pos == top.next.size()) {
        color[top.node] = 2;
        stack.pop_back();
        continue;
      }
      std::uint32_t next = top.next[top.pos++];
      if (color[next] == 1) {
        Error e{ErrorCode::kInvalidSchema,
                "reference cycle that never moves into the instance (infinite recursion)",
                node_doc_[next] != 0 ? docs_[node_doc_[next]].uri : std::string(),
                {},
                info_.at(node_value_[next]).pointer};
        return std::unexpected(std::move(e));
      }
      if (color[next] == 0) {
        color[next] = 1;
        stack.push_back(Item{next, {}, 0});
        in_place(next, &stack.back().next);
      }
    }
  }
  return {};
}

Result<bool> Compiler::LoadBundleDoc(const std::string& uri) {
  if (!bundle_.impl_ || loaded_docs_.contains(uri)) return false;
  auto it = bundle_.impl_->docs.find(uri);
  if (it == bundle_.impl_->docs.end()) return false;
  loaded_docs_.insert(uri);
  if (resource_by_uri_.contains(uri)) return false;
  std::uint32_t doc_index = static_cast<std::uint32_t>(docs_.size());
  docs_.push_back(Doc{uri});
  Info parent{AddBase(uri), DialectInfo{plan_->dialect, kVocabDefault}, 0, doc_index, ""};
  parent.resource = AddResource(uri, &it->second);
  if (auto r = Index(it->second, parent, "", 0, true); !r) return std::unexpected(r.error());
  return true;
}

void Compiler::LoadAllBundleDocs() {
  if (loaded_all_docs_ || !bundle_.impl_) return;
  loaded_all_docs_ = true;
  for (const auto& [uri, doc] : bundle_.impl_->docs) {
    // A document that fails to index (say, an unknown $schema) is simply not
    // searched further: it is unrelated to this schema unless referenced by
    // its own URI, in which case LoadBundleDoc reports the error.
    (void)LoadBundleDoc(uri);
  }
}

Result<Validator> Compiler::Run(const json::Value& schema) {
  // Documents: 0 is the root schema, then the bundle in URI order.
  stack_base_ = StackAddress();
  std::string root_uri = internal::SplitFragment(ResolveUri("", options_.base_uri)).first;
  docs_.push_back(Doc{root_uri});
  Info root_parent{AddBase(root_uri), DialectInfo{options_.default_dialect, kVocabDefault}, 0, 0,
                   ""};
  root_parent.resource = AddResource(root_uri, &schema);
  if (auto r = Index(schema, root_parent, "", 0, true); !r) return std::unexpected(r.error());
  plan_->dialect = info_.at(&schema).dialect.dialect;
  // About one node per indexed subschema (references into the bundle may
  // add more): reserved, so that the nodes are not moved as the plan grows.
  plan_->nodes.reserve(info_.size());
  node_value_.reserve(info_.size());
  node_doc_.reserve(info_.size());
  auto root = CompileNode(&schema, nullptr);
  if (!root) return std::unexpected(root.error());
  plan_->root = *root;
  if (auto r = CheckCycles(); !r) return std::unexpected(r.error());
  return Validator(std::move(plan_));
}

Result<Validator> Validator::Compile(const json::Value& schema, const SchemaBundle& bundle,
                                     const CompileOptions& options) {
  Compiler compiler(bundle, options);
  return compiler.Run(schema);
}

}  // namespace accord::jsonschema

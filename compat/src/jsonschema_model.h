// Private to compat/: the JSON Schema model the compatibility engine and the
// instance generator work on.
//
//  * Resolver: indexes one schema document (plus the bundle documents it
//    references) into numbered nodes with their base URI, dialect and JSON
//    pointer; resolves $ref / $dynamicRef / $recursiveRef (JSON pointer
//    fragments, $id-based embedded resources, $anchor, plain-name `#foo`
//    ids of draft-06/07, bundle documents). It is general (nothing in it is
//    about compatibility); it lives here because the validator's compiled
//    plan is private to schemas/.
//  * Evaluator: an exact, three-valued validator over those nodes (true,
//    false, unknown). `format` is asserted for known formats (the engine's
//    semantics treat format as a constraint). Unknown only for constructs it
//    cannot decide (budget, depth, bad regex).
//  * Atom / Normalizer: a schema (a conjunction of nodes) as a disjunction
//    of per-type atoms. The normal form OVER-approximates: every instance of
//    the conjunction is an instance of some atom (never the reverse claim);
//    where a keyword could not be represented exactly the atom records why
//    in `approx` (used to name UNDECIDED_* findings).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "accord/schemas/error.h"
#include "accord/schemas/flat_set.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/regex.h"

namespace accord::compat::jsc {

using jsonschema::Dialect;
using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
using Conj = std::vector<NodeId>;  // conjunction of schema nodes; empty = true

// Hash of a conjunction, for the caches keyed by one (a few node ids: the
// ids are hashed as they are, not printed into a string first).
struct ConjHash {
  std::size_t operator()(const Conj& c) const noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ c.size();
    for (NodeId n : c) {
      h ^= n;
      h *= 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    return static_cast<std::size_t>(h);
  }
};

// ---------------------------------------------------------------- URIs
std::string ResolveUri(std::string_view base, std::string_view ref);
std::pair<std::string, std::string> SplitFragment(std::string_view uri);
std::string PercentDecode(std::string_view s);

// ---------------------------------------------------------------- regexes
// Compiled ECMA regexes shared by everything in one check; nullptr when the
// pattern cannot be compiled.
class RegexCache {
 public:
  const EcmaRegex* Get(const std::string& pattern);
  // nullopt when the pattern cannot be compiled.
  std::optional<bool> Search(const std::string& pattern, std::string_view text);

 private:
  std::unordered_map<std::string, std::unique_ptr<EcmaRegex>> cache_;
  std::unordered_map<std::string, std::string> bad_;
};

// ---------------------------------------------------------------- Resolver
struct NodeInfo {
  const json::Value* value = nullptr;
  std::string path;        // JSON pointer within its document
  std::uint32_t base = 0;  // its absolute base URI (no fragment): Resolver::Base
  Dialect dialect = Dialect::kDraft2020_12;
  int doc = 0;  // 0 = the root document, 1.. = bundle documents
};

class Resolver {
 public:
  Resolver(const json::Value& root, std::string root_base, Dialect default_dialect,
           const jsonschema::SchemaBundle* bundle);
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  NodeId Root() const { return root_; }
  NodeId True() const { return true_; }
  NodeId False() const { return false_; }
  const NodeInfo& Info(NodeId id) const { return nodes_[id]; }
  const json::Value& V(NodeId id) const { return *nodes_[id].value; }
  Dialect D(NodeId id) const { return nodes_[id].dialect; }
  const std::string& Path(NodeId id) const { return nodes_[id].path; }
  // The node's absolute base URI, no fragment.
  const std::string& Base(NodeId id) const { return bases_[nodes_[id].base]; }
  std::size_t size() const { return nodes_.size(); }

  // The schema under `keyword` of node `n` (nullopt/kNoNode when absent).
  NodeId Kw(NodeId n, std::string_view keyword);
  // The schema at keyword/key (map keywords: properties, $defs, ...).
  NodeId KwKey(NodeId n, std::string_view keyword, std::string_view key);
  // The schema at keyword/index (array keywords: allOf, prefixItems, ...).
  NodeId KwIdx(NodeId n, std::string_view keyword, std::size_t index);
  // Resolves a reference string found in node `from`.
  Result<NodeId> Ref(NodeId from, std::string_view ref);
  // The target of the node's $ref / $dynamicRef / $recursiveRef (kNoNode
  // when absent or unresolvable).
  NodeId RefTarget(NodeId n, std::string_view keyword);
  // Walks every reachable node and resolves every reference; the first
  // failure is returned.
  Result<void> CheckAll();
  // True when the node's $dynamicRef could resolve differently at run time
  // (its anchor is declared by more than one resource).
  bool DynamicAmbiguous(std::string_view anchor) const;
  // obj.Find(key) for an object value, hashed for large objects (the
  // documents do not change while a Resolver lives).
  const json::Value* Member(const json::Value& obj, std::string_view key);
  // The node of an indexed value, or kNoNode.
  NodeId Find(const json::Value* v) const {
    const NodeId* id = by_value_.Find(v);
    return id == nullptr ? kNoNode : *id;
  }

 private:
  NodeId Index(const json::Value* v, std::string path, std::string base, Dialect d, int doc);
  void Walk(NodeId id);
  // The node of `c`, a schema value inside node `n`'s value, whose path is
  // n's path followed by what `suffix(path)` appends (built only when `c` is
  // new).
  template <typename Suffix>
  NodeId ChildOf(NodeId n, const json::Value* c, Suffix&& suffix);
  // `base` indexes bases_: a node's children share its base (one string per
  // $id, not one per node).
  NodeId Intern(const json::Value* v, std::string path, std::uint32_t base, Dialect d, int doc);
  std::uint32_t AddBase(std::string base);
  Result<NodeId> LoadBundle(const std::string& uri);

  std::vector<NodeInfo> nodes_;
  std::vector<std::string> bases_;
  std::vector<std::uint32_t> walk_marks_;  // Walk: the last walk that met each node
  std::uint32_t walks_ = 0;
  FlatMap<const json::Value*, NodeId> by_value_;
  std::unordered_map<std::string, NodeId> resources_;     // uri -> node
  std::unordered_map<std::string, NodeId> anchors_;       // uri#name -> node
  std::unordered_map<std::string, int> dynamic_anchors_;  // name -> count
  std::unordered_map<const json::Value*, FlatMap<std::string_view, const json::Value*>> members_;
  std::unordered_map<NodeId, NodeId> ref_cache_;  // (node*4+kw) handled below
  std::map<std::pair<NodeId, int>, NodeId> refs_;
  const jsonschema::SchemaBundle* bundle_;
  Dialect default_dialect_;
  NodeId root_ = kNoNode, true_ = kNoNode, false_ = kNoNode;
  int docs_ = 1;
  json::Value true_value_{true};
  json::Value false_value_{false};
};

// Keyword availability by dialect.
bool Draft7OrOlder(Dialect d);  // $ref overrides its siblings
bool Has2019(Dialect d);        // 2019-09 or 2020-12

// ---------------------------------------------------------------- Evaluator
enum class Tri : std::uint8_t { kFalse, kTrue, kUnknown };

struct EvalFailure {
  std::string keyword;      // the keyword that rejected the instance
  std::string schema_path;  // pointer of that keyword in the schema
};

class Evaluator {
 public:
  Evaluator(Resolver& r, RegexCache& regexes) : r_(r), rx_(regexes) {}
  // Validates `instance` against node `n`. `failure` (optional) receives the
  // first failing keyword when the result is kFalse.
  Tri Valid(NodeId n, const json::Value& instance, EvalFailure* failure = nullptr);
  Tri ValidConj(const Conj& c, const json::Value& instance);
  // A hint for a loop that validates many values against node `n` in turn:
  // starts loading the slot of `instance` in n's long `enum`, when that is
  // hashed already (call it for the value a few positions on; a 100,000-value
  // enum outgrows the caches, and the misses then overlap).
  void PrefetchEnum(NodeId n, const json::Value& instance) const;
  // false: `format` is an annotation (JsonSchemaCheckOptions::format).
  bool assert_format = true;

 private:
  struct Annot {
    bool all_props = false;
    std::vector<std::string> props;
    bool all_items = false;
    std::size_t items = 0;  // items [0, items) evaluated
  };
  Tri Eval(NodeId n, const json::Value& x, Annot* ann, EvalFailure* f, int depth);
  // Whether `x` is one of the values of the `enum` array `en`.
  bool EnumHas(const json::Value& en, const json::Value& x);
  Resolver& r_;
  RegexCache& rx_;
  std::size_t steps_ = 0;
  // The values of each long `enum` array met (keyed by the array, which the
  // resolver's documents own for the evaluator's lifetime).
  std::unordered_map<const json::Value*,
                     FlatSet<const json::Value*, json::ValuePtrHash, json::ValuePtrEq>>
      enum_sets_;
};

// ---------------------------------------------------------------- Atoms
enum class Ty : std::uint8_t { kNull, kBool, kNum, kStr, kArr, kObj };
inline constexpr int kTyCount = 6;
std::string_view TyName(Ty t);
Ty TyOf(const json::Value& v);

struct Bound {
  bool set = false;
  double v = 0;
  bool excl = false;
  std::string path;
};

struct ArrClause {
  NodeId node = kNoNode;
  std::vector<NodeId> prefix;  // positional schemas
  NodeId rest = kNoNode;       // schema for later positions; kNoNode = any
};

struct ContainsC {
  NodeId schema = kNoNode;
  std::uint64_t min = 1;
  std::optional<std::uint64_t> max;
  std::string path;
};

inline constexpr std::uint64_t kInf = std::numeric_limits<std::uint64_t>::max();

struct Atom {
  Ty ty = Ty::kNull;
  bool empty = false;
  std::vector<std::string> approx;  // why this atom over-approximates
  // Finite set: when `finite`, the atom holds at most `values` (of type ty).
  bool finite = false;
  std::vector<json::Value> values;
  std::string values_path;
  // boolean: allowed values
  bool allow_false = true, allow_true = true;
  // number
  bool integer = false;
  std::string integer_path;
  Bound lo, hi;
  std::vector<std::pair<double, std::string>> mult;
  std::vector<double> not_mult;
  // string
  std::uint64_t min_len = 0, max_len = kInf;
  std::string min_len_path, max_len_path;
  std::vector<std::pair<std::string, std::string>> patterns;  // (regex, path)
  std::vector<std::pair<std::string, std::string>> formats;   // (name, path)
  // array
  std::uint64_t min_items = 0, max_items = kInf;
  std::string min_items_path, max_items_path, unique_path;
  bool unique = false;
  std::vector<ArrClause> arr;
  std::vector<ContainsC> contains;
  // object
  std::vector<NodeId> obj;  // nodes holding properties/patternProperties/additionalProperties
  std::map<std::string, std::string> required;  // name -> path of `required`
  std::uint64_t min_props = 0, max_props = kInf;
  std::string min_props_path, max_props_path;
  std::vector<NodeId> prop_names;
  std::vector<std::pair<std::string, std::vector<std::string>>> dep_required;
  std::vector<std::pair<std::string, NodeId>> dep_schemas;
  std::set<std::string> forbidden;  // names that cannot be present (a set: looked up per property)

  bool Unconstrained() const;
};

// The atom's type as a schema author names it: "integer" for a number atom
// that holds integers only, else TyName.
std::string_view AtomTypeName(const Atom& a);

struct AtomSet {
  Conj conj;  // the nodes this set normalises (exact filter for finite values)
  std::vector<Atom> atoms;
};

// W-side normalisation (over-approximating), cached per conjunction.
class Normalizer {
 public:
  Normalizer(Resolver& r, RegexCache& rx, Evaluator& ev) : r_(r), rx_(rx), ev_(ev) {}
  const AtomSet& Of(const Conj& c);
  const AtomSet& OfNode(NodeId n) { return Of(Conj{n}); }
  // Atoms of node `n` alone (cached).
  const std::vector<Atom>& Node(NodeId n);
  static std::vector<Atom> Intersect(const std::vector<Atom>& a, const std::vector<Atom>& b);
  static std::vector<Atom> All();
  static bool Merge(Atom& into, const Atom& other);  // false when empty
  // The schemas a property named `name` must satisfy in an object atom
  // (properties + matching patternProperties, else additionalProperties).
  Conj PropertyConj(const Atom& a, const std::string& name);
  // Same, for a name matched by none of the atom's `properties` whose
  // pattern matches are given by `matches(pattern)`.
  Conj OtherConj(const Atom& a, const std::vector<std::string>& matching_patterns);
  // Schemas for array position i (kInf: positions beyond every prefix).
  Conj ItemConj(const Atom& a, std::uint64_t i);
  // Longest prefix among the atom's clauses.
  std::size_t PrefixLen(const Atom& a) const;
  // True when the atom's object clauses close the model (no name outside
  // `properties` is allowed in some clause: additionalProperties false and
  // no patternProperties).
  bool ObjectClosed(const Atom& a);
  bool IsFalse(NodeId n);
  bool IsTrue(NodeId n);
  // The schema a name outside node c's own properties / patternProperties
  // must satisfy (W side): c's additionalProperties; else (2019-09 on) its
  // unevaluatedProperties when that can be read as one (the names c's
  // in-place applicators declare, at any depth and in any branch, are then
  // exempt: EvaluatedInPlace); else kNoNode (open).
  NodeId Addl(NodeId c);
  // Whether unevaluatedProperties of c leaves `name` alone because one of
  // c's in-place applicators declares it (only meaningful when Addl(c) is
  // c's unevaluatedProperties).
  bool EvaluatedInPlace(NodeId c, const std::string& name);
  // Whether every name c's in-place applicators declare is declared by
  // one of the atom's own object clauses (then such names never fall among
  // "other" names, and unevaluatedProperties constrains the other names
  // exactly as additionalProperties would).
  bool InPlaceNamesDeclared(const Atom& a, NodeId c);
  // A node that is only a $ref (plus annotations; any siblings in draft-07
  // and older, where $ref hides them): its target, else kNoNode.
  NodeId PureRefTarget(NodeId n);
  bool ConjEmpty(const Conj& c) { return Of(c).atoms.empty(); }
  Resolver& resolver() { return r_; }
  RegexCache& regexes() { return rx_; }
  Evaluator& evaluator() { return ev_; }

 private:
  std::vector<Atom> Build(NodeId n);
  std::vector<Atom> Complement(NodeId x);
  // What the in-place applicators below a node (allOf, anyOf, oneOf,
  // if/then/else, dependentSchemas, $ref; any branch, any depth) may
  // evaluate: named properties, or `all` when one of them has
  // patternProperties, additionalProperties, unevaluatedProperties or a
  // dynamic reference (then unevaluatedProperties is not modelled).
  struct InPlace {
    bool all = false;
    std::set<std::string> names;
  };
  const InPlace& InPlaceOf(NodeId c);
  std::unordered_map<NodeId, InPlace> in_place_;
  // The normal form of each conjunction met: sets_ indexes set_store_, whose
  // elements never move (Of returns references into it across insertions).
  FlatMap<Conj, std::size_t, ConjHash> sets_;
  std::deque<AtomSet> set_store_;
  std::unordered_map<NodeId, std::vector<Atom>> nodes_;
  std::unordered_map<NodeId, int> in_progress_;
  std::unordered_set<Conj, ConjHash> of_active_;  // conjunctions being normalised
  int of_depth_ = 0;
  Resolver& r_;
  RegexCache& rx_;
  Evaluator& ev_;
};

// Is `v` a multiple of `m` (m > 0), with tolerance for decimal fractions?
bool IsMultiple(double v, double m);

// ---------------------------------------------------------------- Generator
class Generator {
 public:
  explicit Generator(Normalizer& n) : n_(n) {}
  // A value for the conjunction (kNull when it is empty); `seed` drives the
  // choices; seed 0 = the minimal value (required members only, bounds).
  json::Value Gen(const Conj& c, std::uint64_t seed, int depth = 0);
  json::Value GenAtom(const Atom& a, const Conj& conj, std::uint64_t& state, bool minimal,
                      int depth);
  // Strings matching a regex (best effort; may not match).
  std::string SampleRegex(const std::string& pattern, std::uint64_t& state, bool minimal);

 private:
  Normalizer& n_;
};

std::uint64_t NextRand(std::uint64_t& state);

}  // namespace accord::compat::jsc

// The compiled form of a JSON Schema (private to schemas/).
//
// A Plan is a flat vector of Nodes, one per distinct subschema reached from
// the root (references are pre-resolved to node indices, so recursion through
// $ref is a cycle in the index graph, not in ownership). Regexes are compiled
// once into Plan::regexes. Nothing here points back into the schema JSON: the
// Plan owns copies of the few values it needs (enum/const).
//
// Edges carry the schema path from the owning node to the child ("/properties/a",
// "/allOf/0", "/$ref") so that failure locations can be rebuilt lazily from the
// chain of frames on the evaluation stack.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accord/schemas/format.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/regex.h"

namespace accord::jsonschema::internal {

inline constexpr std::uint32_t kNoNode = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();

struct Edge {
  std::uint32_t node = kNoNode;
  std::string path;  // schema path from the owning node, escaped, starting with '/'
  bool present() const { return node != kNoNode; }
};

// Bits of the `type` keyword.
enum TypeBit : std::uint8_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeInteger = 4,
  kTypeNumber = 8,
  kTypeString = 16,
  kTypeArray = 32,
  kTypeObject = 64,
};

// An exact decimal: value = mantissa * 10^exponent (mantissa >= 0, at most 19 digits).
struct Decimal {
  std::uint64_t mantissa = 0;
  int exponent = 0;
};

// The exact decimal value of a finite number (its shortest round-trip text);
// nullopt for non-finite values. The sign is dropped.
std::optional<Decimal> ToDecimal(const json::Number& n);

// One property name mentioned by `properties` and/or `required`.
struct PropSlot {
  std::string name;
  std::uint32_t property = kNoNode;  // index into Node::properties
  std::int32_t required = -1;        // index into Node::required
};

// Name -> slot lookup: linear for a few names, open addressing beyond.
class PropTable {
 public:
  // Returns the slot index for `name`, creating it.
  std::uint32_t Intern(std::string_view name);
  void Finish();  // builds the hash index; call once after the last Intern
  const PropSlot* Find(std::string_view key) const;
  std::vector<PropSlot>& slots() { return slots_; }
  const std::vector<PropSlot>& slots() const { return slots_; }
  bool empty() const { return slots_.empty(); }

 private:
  static std::uint64_t Hash(std::string_view s);
  std::vector<PropSlot> slots_;
  // While interning, past a few slots: name -> slot (a scan per name made
  // n properties cost n^2 comparisons). Dropped by Finish.
  std::unordered_map<std::string, std::uint32_t> interning_;
  std::vector<std::uint32_t> index_;  // slot + 1, 0 = empty; size is a power of two
  std::uint64_t mask_ = 0;
};

struct PatternEdge {
  std::uint32_t regex = 0;
  Edge edge;
};

struct DependentRequired {
  std::string name;
  std::vector<std::string> required;
  std::string keyword;  // "dependentRequired" or "dependencies"
};

struct DependentSchema {
  std::string name;
  Edge edge;
  std::string keyword;  // "dependentSchemas" or "dependencies"
};

struct Node {
  // Hot: read for every evaluation, kept together at the front.
  std::int8_t boolean = -1;    // -1: an object schema; 0: false; 1: true
  std::uint8_t types = 0;      // TypeBit mask; 0: no `type` keyword
  bool number_checks = false;  // quick skips, computed after compiling the node
  bool string_checks = false;
  bool array_checks = false;
  bool object_checks = false;
  bool member_loop = false;    // object keywords that look at every member
  std::uint32_t flags = 0;     // NodeFlag bits
  std::uint32_t resource = 0;  // index into Plan::resources (dynamic scope)

  // References.
  Edge ref;
  Edge dynamic_ref;          // 2020-12; the statically resolved target
  std::string dynamic_name;  // non-empty when the target is looked up in the dynamic scope
  Edge recursive_ref;        // 2019-09; the statically resolved target
  bool recursive_dynamic = false;

  // Any instance.
  bool has_const = false;
  json::Value const_value;
  bool has_enum = false;
  std::vector<json::Value> enum_values;
  std::vector<Edge> all_of, any_of, one_of;
  Edge not_, if_, then_, else_;
  std::vector<DependentSchema> dependent_schemas;  // objects only, in place

  // Numbers.
  bool has_minimum = false, has_maximum = false;
  bool has_exclusive_minimum = false, has_exclusive_maximum = false;
  json::Number minimum, maximum, exclusive_minimum, exclusive_maximum;
  bool minimum_keyword_exclusive = false;  // draft-04 boolean form: reported as "minimum"
  bool maximum_keyword_exclusive = false;
  bool has_multiple_of = false;
  json::Number multiple_of;
  Decimal multiple_of_decimal;

  // Strings.
  std::uint64_t min_length = 0, max_length = kUnbounded;
  std::uint32_t pattern = kNoNode;  // index into Plan::regexes
  format::Checker format = nullptr;
  std::string format_name;

  // Arrays.
  std::uint64_t min_items = 0, max_items = kUnbounded;
  bool unique_items = false;
  std::vector<Edge> prefix_items;  // items[] (up to 2019-09) or prefixItems
  Edge rest_items;                 // additionalItems / items after the prefix
  std::string rest_keyword;        // "items" or "additionalItems"
  std::string prefix_keyword;      // "items" or "prefixItems"
  Edge contains;
  std::uint64_t min_contains = 1, max_contains = kUnbounded;
  bool contains_annotates = false;  // 2020-12: contains marks items evaluated
  Edge unevaluated_items;

  // Objects.
  PropTable names;  // properties + required
  std::vector<Edge> properties;
  std::vector<PatternEdge> pattern_properties;
  Edge additional_properties;
  Edge property_names;
  std::vector<std::string> required;
  std::uint64_t min_properties = 0, max_properties = kUnbounded;
  std::vector<DependentRequired> dependent_required;
  Edge unevaluated_properties;
};

// Node::flags: which groups of keywords a node has, so evaluation skips the rest.
enum NodeFlag : std::uint32_t {
  kFlagConst = 1u << 0,
  kFlagEnum = 1u << 1,
  kFlagRef = 1u << 2,
  kFlagDynamicRef = 1u << 3,
  kFlagRecursiveRef = 1u << 4,
  kFlagAllOf = 1u << 5,
  kFlagAnyOf = 1u << 6,
  kFlagOneOf = 1u << 7,
  kFlagNot = 1u << 8,
  kFlagIf = 1u << 9,
  kFlagUnevaluatedProperties = 1u << 10,
  kFlagUnevaluatedItems = 1u << 11,
  kFlagsInPlace = kFlagConst | kFlagEnum | kFlagRef | kFlagDynamicRef | kFlagRecursiveRef |
                  kFlagAllOf | kFlagAnyOf | kFlagOneOf | kFlagNot | kFlagIf,
};

struct Resource {
  std::string uri;
  std::uint32_t root = kNoNode;   // node of the resource root, when compiled
  bool recursive_anchor = false;  // 2019-09 $recursiveAnchor: true at the root
  // 2020-12 $dynamicAnchor name -> node (compiled on demand).
  std::vector<std::pair<std::string, std::uint32_t>> dynamic_anchors;
  std::uint32_t FindDynamic(std::string_view name) const {
    for (const auto& [n, node] : dynamic_anchors) {
      if (n == name) return node;
    }
    return kNoNode;
  }
};

struct PlanData {
  Dialect dialect = Dialect::kDraft2020_12;
  std::vector<Node> nodes;
  std::vector<EcmaRegex> regexes;
  std::vector<Resource> resources;
  std::uint32_t root = 0;
};

}  // namespace accord::jsonschema::internal

namespace accord::jsonschema {

struct Validator::Plan : internal::PlanData {};

}  // namespace accord::jsonschema

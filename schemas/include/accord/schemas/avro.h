// Apache Avro schemas: the model, the parser for the JSON form (.avsc),
// Parsing Canonical Form and the CRC-64-AVRO (Rabin) fingerprint.
//
// MODEL. A parsed Schema is a graph of Nodes held in one vector and linked by
// NodeId. Every occurrence of a primitive, array, map or union is its own
// node; a named type (record, error, enum, fixed) is one node, and every
// reference to it by name points at that node, so recursive types are cycles
// of NodeIds (no pointers between nodes: a Schema is a copyable value whose
// copies share its immutable storage; see Field below).
//
// NAMES (Avro specification, "Names"):
//  * A name part matches [A-Za-z_][A-Za-z0-9_]*; a namespace is a
//    dot-separated sequence of name parts, or empty (the null namespace).
//  * A named type's full name: its "name" when that contains a dot (any
//    "namespace" attribute is then ignored); else "namespace" + "." + name
//    when a "namespace" attribute is present (the empty string means the
//    null namespace); else the namespace of the most tightly enclosing named
//    type + "." + name (the null namespace at the top).
//  * A reference by name: a dotted name is a full name; an undotted one is
//    looked up in the enclosing namespace first, then (like Apache Avro's
//    Java implementation) in the null namespace. Names are defined before use
//    in document order; a type name may not be a primitive type name, and one
//    full name may be defined once.
//  * Aliases of a named type are full names or relative to that type's
//    namespace; they are stored resolved to full names. Field aliases are
//    plain names.
//
// VALIDATION (every failure is an Error with code kInvalidSchema, `pointer` =
// JSON pointer of the offending value, and a message that starts with the
// path in Avro terms, e.g. "fields[2].type: unknown type name \"Adress\""):
// unknown type names, invalid names / namespaces / symbols, duplicate full
// names, duplicate field names, duplicate enum symbols, an enum default that
// is not a symbol, a union inside a union, two union branches of one
// unnamed type (or one full name), a negative or non-integer fixed size, a
// field default that does not match the field's type (for a union, its first
// branch), a missing required attribute, nesting deeper than max_depth
// (kLimit).
//
// LOGICAL TYPES. decimal (bytes or fixed; precision > 0, 0 <= scale <=
// precision, and for fixed precision <= floor(log10(2^(8*size-1) - 1))),
// uuid (string), date (int), time-millis (int), time-micros (long),
// timestamp-millis / -micros and local-timestamp-millis / -micros (long),
// duration (fixed of size 12). As the specification requires, an invalid or
// unknown logical type is ignored: the node keeps the underlying type, the
// attribute stays in `logical_type_name`, and a warning is recorded in
// Schema::warnings(); ParseOptions::strict_logical_types turns that warning
// into an error instead.
//
// Custom attributes (every attribute the specification does not reserve) and
// "doc" are kept on types and fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord::avro {

enum class Type : std::uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,  // also "error" (Node::is_error)
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};
// The specification's type name: "null", ..., "record", "enum", "array",
// "map", "union", "fixed".
std::string_view TypeName(Type type);
// Primitive type from its name ("int" -> kInt); nullopt for anything else.
std::optional<Type> PrimitiveFromName(std::string_view name);
bool IsPrimitive(Type type);
bool IsNamed(Type type);  // record, enum, fixed

enum class LogicalType : std::uint8_t {
  kNone,
  kDecimal,
  kUuid,
  kDate,
  kTimeMillis,
  kTimeMicros,
  kTimestampMillis,
  kTimestampMicros,
  kLocalTimestampMillis,
  kLocalTimestampMicros,
  kDuration,
};
// "decimal", "uuid", "date", "time-millis", ...; "" for kNone.
std::string_view LogicalTypeName(LogicalType type);

enum class SortOrder : std::uint8_t { kAscending, kDescending, kIgnore };

// Strong index of a node inside its Schema.
struct NodeId {
  std::uint32_t value = 0;
  friend bool operator==(NodeId, NodeId) = default;
};

// A JSON pointer into the schema document, by index: Schema::Pointer spells
// it ("/fields/2/type"). Why not a string: every node and field has one, and
// only error messages and compatibility findings read them, so building the
// strings during every parse was about a tenth of it (docs/benchmarks.md,
// "Avro"). PointerId{} is the document root ("").
struct PointerId {
  std::uint32_t value = 0;
  friend bool operator==(PointerId, PointerId) = default;
};

// The model holds views, not owned strings: every string_view and span in a
// Field or Node points into storage owned by its Schema (and shared by its
// copies), so they stay valid as long as some copy of that Schema lives. Why:
// one schema used to cost several dozen heap allocations (a string per name
// and JSON pointer, a vector per list), which made parsing, not checking,
// the bulk of a compatibility check (docs/benchmarks.md, "Avro").
struct Field {
  std::string_view name;
  std::span<const std::string_view> aliases;
  NodeId type;
  SortOrder order = SortOrder::kAscending;
  // Avro JSON encoding, validated; nullptr when the field has no default.
  const json::Value* default_value = nullptr;
  std::string_view doc;
  std::span<const json::Member> custom;  // non-reserved attributes, in document order
  PointerId pointer;  // JSON pointer of the field object ("/fields/2"; Schema::Pointer)
};

// What few nodes have, kept out of Node (Node::details): aliases, enum
// defaults, documentation, custom attributes, logical type names as written
// and decimal parameters.
// Why: a parse writes every node twice (built, then copied into the
// schema's storage) and the compatibility check walks them, so a smaller
// Node is a faster parse and check (docs/benchmarks.md, "Avro").
struct NodeDetails {
  std::span<const std::string_view> aliases;     // named types: resolved to full names
  std::optional<std::string_view> enum_default;  // kEnum
  int precision = 0;                             // decimal
  int scale = 0;                                 // decimal
  std::string_view logical_type_name;            // as written, also when ignored
  std::string_view doc;
  std::span<const json::Member> custom;  // non-reserved attributes, in document order
};
inline constexpr NodeDetails kNoNodeDetails{};

// Members are ordered so that what the compatibility check reads first
// (type, children, name, size) shares the first cache lines.
struct Node {
  Type type = Type::kNull;
  LogicalType logical_type = LogicalType::kNone;  // kNone when absent or ignored
  bool is_error = false;                          // kRecord declared with "type": "error"
  NodeId items;                                   // kArray: items; kMap: values
  // Where the node is defined: JSON pointer into the schema document (for a
  // named type: its definition; Schema::Pointer spells it, AvroPath() in
  // Avro terms).
  PointerId pointer;
  std::uint64_t size = 0;                     // kFixed
  std::span<const NodeId> branches;           // kUnion
  std::span<const Field> fields;              // kRecord
  std::span<const std::string_view> symbols;  // kEnum
  // Named types.
  std::string_view name;                         // unqualified
  std::string_view full_name;                    // space.name, or name
  const NodeDetails* details = &kNoNodeDetails;  // never null; in the schema's storage

  // The namespace: full_name without ".name" ("" = null namespace).
  std::string_view space() const {
    return full_name.size() > name.size() ? full_name.substr(0, full_name.size() - name.size() - 1)
                                          : std::string_view();
  }
  std::span<const std::string_view> aliases() const { return details->aliases; }
  const std::optional<std::string_view>& enum_default() const { return details->enum_default; }
  int precision() const { return details->precision; }
  int scale() const { return details->scale; }
  std::string_view logical_type_name() const { return details->logical_type_name; }
  std::string_view doc() const { return details->doc; }
  std::span<const json::Member> custom() const { return details->custom; }
};

namespace detail {
class SchemaStorage;  // avro.cc: the arena the views of a Schema point into
}

// A parsed schema. Copies are cheap and share the (immutable) storage of
// names, lists and defaults; a Schema and its copies may be read from
// several threads at once.
class Schema {
 public:
  NodeId root() const { return root_; }
  const Node& node(NodeId id) const { return nodes_[id.value]; }
  std::size_t node_count() const { return nodes_.size(); }
  // The named type with this full name, or nullptr.
  const Node* FindNamed(std::string_view full_name) const;
  std::optional<NodeId> FindNamedId(std::string_view full_name) const;
  // Ignored logical types and similar non-fatal remarks ("path: reason").
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The JSON pointer `id` of a node or field of this schema ("" = root).
  std::string Pointer(PointerId id) const;
  // Appends it to `out` (no allocation when `out` has room).
  void AppendPointer(PointerId id, std::string& out) const;
  // The document pointer `id` is in: "" for this schema's own, else the name
  // ParseOptions::reference_names gives the reference it is in ("" when it
  // gives none). Walks the pointer up to its document (findings only).
  std::string_view DocumentOf(PointerId id) const;

  // How pointers are stored (callers need only Pointer): one step is the
  // pointer `parent` followed by a token (`kind` and, for kIndex and
  // kField, `index`).
  struct PointerStep {
    enum class Kind : std::uint8_t {
      kIndex,
      kField,
      kType,
      kItems,
      kValues,
      kDocument,  // the root of references[index] (spelled ""): its pointers start there
    };            // "/N", "/fields/N", "/type", ...
    std::uint32_t parent;
    std::uint32_t index;
    Kind kind;
  };

 private:
  friend class Parser;
  std::span<const Node> nodes_;  // in the storage
  NodeId root_;
  // Named types in definition order (in the storage); a linear scan is
  // fastest for the few names a schema usually defines, `named_index_`
  // takes over for many.
  struct Named {
    std::string_view full_name;
    NodeId id;
  };
  std::span<const Named> named_;
  // Indexed by PointerId (entry 0, the root, is unused), in the storage.
  std::span<const PointerStep> pointers_;
  std::unordered_map<std::string_view, NodeId> named_index_;
  std::vector<std::string> warnings_;
  std::vector<std::string> reference_names_;  // ParseOptions::reference_names
  std::shared_ptr<const detail::SchemaStorage> storage_;
};

struct ParseOptions {
  std::size_t max_depth = 128;  // nesting of schemas inside schemas
  // Invalid logical types are errors instead of ignored (with a warning).
  bool strict_logical_types = false;
  // Check field defaults against the field type (see VALIDATION).
  bool validate_defaults = true;
  // Schemas this one references (Confluent schema references): parsed first,
  // in this order, into the same Schema, so that their named types can be
  // used by name; each may use the names of those before it. Not owned; they
  // must outlive the call. A name defined twice is an error as usual.
  std::vector<const json::Value*> references;
  // How findings name each of `references` (Schema::DocumentOf), in the same
  // order (the name the referencing schema gives it: a type's full name);
  // may be shorter.
  std::vector<std::string> reference_names;
};

// Parses the JSON form of a schema (a string, an object or an array).
Result<Schema> Parse(const json::Value& schema, const ParseOptions& options = {});
// Parses JSON text; syntax errors come from the JSON loader (kSyntax,
// kDuplicateKey, kLimit, with line and column). Valid text is read through a
// faster path that builds no intermediate json::Value tree; the result is
// the same.
Result<Schema> ParseText(std::string_view text, const ParseOptions& options = {});

// A JSON pointer spelled as a path in Avro terms: "/fields/2/type/items" ->
// "fields[2].type.items", "/1" -> "[1]", "" -> "".
std::string AvroPath(std::string_view pointer);

// Content detection, for tools that accept both JSON Schema and Avro:
// true when `v` is
//  * a string naming an Avro primitive type ("int", "long", "float",
//    "double", "bytes"; plus "null", "boolean", "string"), or
//  * an array (a union) whose elements are strings or objects that pass this
//    test, or
//  * an object that has none of the JSON Schema keywords "$schema", "$id",
//    "$ref", "$defs", "definitions", "properties", "required",
//    "additionalProperties", "patternProperties", "allOf", "anyOf", "oneOf",
//    "not", "const", "enum", "prefixItems", "if", "minimum", "maximum",
//    "pattern", "format", and whose "type" is
//      - "record", "error", "enum", "fixed" or "map", or
//      - "int", "long", "float", "double" or "bytes" (not JSON Schema types), or
//      - "null", "boolean" or "string" together with "logicalType", or
//      - "array" whose "items" is a string, or an object passing this test.
// Everything else (notably {"type": "string"} or {"type": "object"}) is left
// to JSON Schema. The test looks at shape only; Parse() decides validity.
bool LooksLikeAvro(const json::Value& v);

// Parsing Canonical Form (specification, "Parsing Canonical Form for
// Schemas"): [PRIMITIVES] primitives as bare names, [FULLNAMES] full names
// and no "namespace", [STRIP] only type/name/fields/symbols/items/values/size
// kept, [ORDER] name, type, fields, symbols, items, values, size, [STRINGS]
// no escapes beyond those JSON requires, [INTEGERS] plain decimal integers,
// [WHITESPACE] none. A named type after its first occurrence is written as
// its full name.
std::string CanonicalForm(const Schema& schema);

// CRC-64-AVRO (the specification's 64-bit Rabin fingerprint) of `bytes`.
std::uint64_t Fingerprint64(std::string_view bytes);
// Fingerprint64(CanonicalForm(schema)).
std::uint64_t Fingerprint64(const Schema& schema);
// 16 lower-case hex digits, most significant first.
std::string FingerprintHex(std::uint64_t fingerprint);

// The Avro JSON encoding: true when `datum` is a valid Avro-JSON value of
// node `id` (unions as {"branch name": value} or null; bytes and fixed as
// strings of code points <= 255). Used for witnesses and tests.
bool IsValidDatum(const Schema& schema, NodeId id, const json::Value& datum);

// Why a datum is not a valid Avro-JSON value (ValidateDatum).
struct DatumError {
  std::string instance_location;  // JSON pointer into the datum ("/items/0/quantity")
  std::string schema_location;    // JSON pointer of the expected type in the schema
  std::string expected;           // the expected type: "int", "enum Status", "record Order"
  // One line naming the expected type and what was found, e.g.
  // `expected int, got string "two"`, `expected one of the symbols PLACED,
  // SHIPPED (enum Status), got "LOST"`, `missing field 'quantity' (int)`,
  // `unknown field 'qty' (record Order has no such field)`.
  std::string message;
};

// Every reason (at most `max_errors`) `datum` is not a valid Avro-JSON value
// of node `id`, in document order; empty exactly when IsValidDatum holds.
// A record's fields are all required (the JSON encoding writes every field)
// and unknown ones are errors; a union value is null or {"branch": value}.
// Cost: linear in the datum's size; nesting past 512 levels is one error.
std::vector<DatumError> ValidateDatum(const Schema& schema, NodeId id, const json::Value& datum,
                                      std::size_t max_errors = 100);

// The name a union branch is known by in the JSON encoding: full name for
// named types, else the type name ("int", "array", "map").
std::string BranchName(const Schema& schema, NodeId id);

// SCHEMA RESOLUTION OF DATA (specification, "Schema Resolution"): reading a
// datum written with one schema through another. What can go wrong, in the
// words of the specification's rules:
enum class ResolutionFailure : std::uint8_t {
  kInvalidDatum,       // the datum is not valid Avro-JSON of the writer schema
  kTypeMismatch,       // the writer's type is not the reader's and no promotion applies
  kNameMismatch,       // named types: unqualified names differ, no reader alias names the writer
  kFixedSizeMismatch,  // fixed: the sizes differ
  kMissingEnumSymbol,  // the datum's symbol is not the reader's and its enum has no default
  kMissingField,       // a reader field the writer record lacks has no default
  kNoUnionBranch,      // no branch of the reader's union reads the value
  kLimit,              // nesting past 512 levels, or the resolver's step limit
};
// "INVALID_DATUM", "TYPE_MISMATCH", ..., "LIMIT".
std::string_view ResolutionFailureName(ResolutionFailure f);

struct ResolutionError {
  ResolutionFailure failure = ResolutionFailure::kInvalidDatum;
  std::string datum_location;  // JSON pointer into the datum
  // JSON pointer into the reader schema where the rule fails: the reader
  // node (kTypeMismatch, kNoUnionBranch: the union), "/name"
  // (kNameMismatch), "/size", "/symbols" after it, or the reader field
  // (kMissingField); for kInvalidDatum and kLimit, into the writer schema.
  std::string schema_location;
  std::string message;  // one line
};

// DatumResolver::Proves' answer.
enum class ProofOutcome : std::uint8_t { kProved, kNotProved, kUnreadable };

// One step from a writer datum into a part of it: a record's field (by its
// index in the writer record), an array's item, a map's value, or a union's
// branch (by its index in the writer union; `index` is read for kField and
// kBranch only).
struct DatumStep {
  enum class Kind : std::uint8_t { kField, kItem, kValue, kBranch };
  Kind kind;
  // (No default value: stacks of steps start uninitialised.)
  std::size_t index;
};

// Reads writer data with a reader schema. Rules: promotions int -> long,
// float, double; long -> float, double; float -> double; string <-> bytes.
// Named types match by unqualified name or a reader alias equal to the
// writer's full name (a mismatch is reported, and the contents are read
// on). Record fields match by name, then by the reader field's aliases; a
// reader field without a writer field needs a default; writer fields the
// reader lacks are read (validated) and skipped. Enums: the datum's symbol,
// or the reader's enum default. Fixed: equal sizes. A writer union reads
// the branch the datum is in; a reader union reads the value with the
// first of its branches (by type and name, exact types before promotions)
// that resolves it, and fails as a whole (kNoUnionBranch) when none does:
// a union is thus read at least as leniently as the specification's
// first-match rule, so a failure here is a failure there. The datum is
// validated against the writer along the way (kInvalidDatum).
//
// One resolver serves many data of one pair of schemas (both must outlive
// it): the union, enum and field lookups it needs are indexed once. Cost:
// linear in the datum's size (each union of the reader tries at most its
// branches of the value's type), at most 1,000,000 steps per call (kLimit).
// Not thread-safe.
class DatumResolver {
 public:
  DatumResolver(const Schema& writer, const Schema& reader);
  ~DatumResolver();
  DatumResolver(const DatumResolver&) = delete;
  DatumResolver& operator=(const DatumResolver&) = delete;

  // Every failure (at most `max_errors`) reading `datum`, written with
  // writer node `w`, as reader node `r`, in datum order; empty when the
  // reader reads it.
  std::vector<ResolutionError> Resolve(NodeId w, NodeId r, const json::Value& datum,
                                       std::size_t max_errors = 100);

  // The prover's question, answered without messages or datum locations
  // (the cost of a proof is then the walk alone): does reading `datum`
  // (written with `w`, as `r`) fail with `failure` at reader schema
  // location `schema_location`? kUnreadable when the datum is not valid
  // writer data or a limit was reached (Resolve would report
  // kInvalidDatum or kLimit); else kProved when Resolve's errors (all of
  // them) would include that failure at that location, kNotProved if not.
  ProofOutcome Proves(NodeId w, NodeId r, const json::Value& datum, ResolutionFailure failure,
                      std::string_view schema_location);

  // Proves' question about a datum of which one path is read: the datum
  // (written with `w`, read as `r`) that follows `path` from its root (each
  // step into the part it names) and holds `leaf` at the path's end; every
  // other part of it (the other fields of each record on the way) is valid
  // writer data that the caller vouches for, and is not read. The nodes on
  // the path are read as Proves reads them (a name mismatch, or a reader
  // field without default that the writer lacks, fails there), and `leaf`
  // entirely; a null `leaf` stands for any valid writer datum of the path's
  // end node (the caller vouches for it too), of which only the failures
  // that hold whatever its value are looked for (a type mismatch, a name
  // mismatch, a fixed size mismatch, reader fields without default that
  // the writer lacks). kProved when that fails with `failure` at reader
  // location `schema_location`: Proves on the whole datum then finds the
  // same failure, since no reader union lies on the path (a failure outside
  // a reader union's trial never ends the reading, so every part is read
  // whatever the others hold), unless the parts not read reach a limit.
  // kUnreadable when `leaf` is not valid writer data or a limit was
  // reached. kNotProved otherwise, and whenever the datum cannot be read
  // this way: a reader union on the path (whose branches are tried on the
  // whole value) or, with a null `leaf`, a union at its end; a writer field
  // on it that no reader field or two reader fields read; a step that does
  // not fit its node; nodes of different types on it. Cost: the path's
  // length plus reading `leaf`.
  ProofOutcome ProvesAlong(NodeId w, NodeId r, std::span<const DatumStep> path,
                           const json::Value* leaf, ResolutionFailure failure,
                           std::string_view schema_location);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace accord::avro

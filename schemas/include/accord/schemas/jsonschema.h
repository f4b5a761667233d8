// JSON Schema: dialects, schema bundles with reference resolution, and a
// compiled validator.
//
// Use:
//   SchemaBundle bundle;                       // documents handed in together
//   bundle.Add("https://example.com/common.json", common_doc);   // optional
//   auto v = Validator::Compile(root_schema, bundle, {.base_uri = "file:///x.json"});
//   if (!v) report(v.error());                 // bad schema, unresolved $ref, bad regex
//   ValidationResult r = v->Validate(instance); // many times, any thread
//
// Compile reads the schema JSON once and builds a plan; Validate never reads
// the schema JSON again. A compiled Validator is immutable: Validate may be
// called concurrently from several threads. No network access, ever: every
// $ref must resolve inside the schema itself, the bundle, or the built-in
// meta-schemas of the supported dialects.
//
// Semantics worth knowing (see jsonschema_compile.cc / jsonschema_validate.cc):
// - Dialect: the root's $schema (or CompileOptions::default_dialect); an
//   embedded resource ($id) may name another one. The five dialect URIs are
//   known without any document. Another $schema URI must be a meta-schema in
//   the bundle: its $vocabulary (2019-09+) selects the keywords in force
//   (format-assertion makes `format` assert); an unknown required vocabulary
//   is kUnsupported, an unknown meta-schema kUnresolvedRef.
// - References: $ref (in draft-04..07 it replaces its sibling keywords),
//   $dynamicRef/$dynamicAnchor (2020-12), $recursiveRef/$recursiveAnchor
//   (2019-09), $anchor, draft-04 `id` / draft-06/07 "#name" ids, JSON-pointer
//   fragments (percent-decoded), RFC 3986 relative resolution. A $ref to a
//   meta-schema resolves only if that document is in the bundle.
// - A cycle of in-place references that never moves into the instance
//   ({"$ref": "#"}) is a compile error (kInvalidSchema). A cycle that only
//   exists at validate time (through $dynamicRef) stops after 1024 nested
//   evaluations with a failure, so Validate is bounded in stack (< 1 MiB).
//   It is bounded in time too: a schema that reaches shared subschemas along
//   exponentially many paths (allOf of two $refs to the next level, n deep)
//   stops after about 65536 + 4 * subschemas * instance values evaluations,
//   invalid, with one failure saying so (empty locations and keyword).
// - `dependencies` is honoured in every dialect (2019-09+ for compatibility).
// - format: an annotation unless FormatMode::kAssert (or the format-assertion
//   vocabulary); content* keywords are annotations only.
// - Failures: instance_location and keyword_location are JSON pointers; the
//   keyword location is the evaluation path (through "$ref"). Failures inside
//   anyOf/oneOf/not/if/contains branches are summarised by one failure at that
//   keyword. Strings are built only for reported failures; IsValid builds none.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord::jsonschema {

enum class Dialect : std::uint8_t { kDraft4, kDraft6, kDraft7, kDraft2019_09, kDraft2020_12 };

// "draft-04", "draft-06", "draft-07", "2019-09", "2020-12".
std::string_view DialectName(Dialect d);
// Accepts the dialect names above and the canonical $schema URIs (with or
// without trailing '#', http or https).
std::optional<Dialect> DialectFromString(std::string_view s);
// The canonical $schema URI of a dialect.
std::string_view DialectUri(Dialect d);

// The dialect Accord's commands, contract files and registry read a schema
// without $schema as, unless configured otherwise (`--dialect`, the registry's
// `dialect` setting, `dialect:` in accord.yaml): draft-07, as Confluent's
// Schema Registry does and as most event schemas in the wild are written.
// CompileOptions and the engine's option structs keep 2020-12 as their own
// default (a library caller that says nothing gets the newest dialect); every
// Accord entry point passes this constant or the configured value instead.
inline constexpr Dialect kDefaultDialect = Dialect::kDraft7;
// The names DialectFromString accepts for a setting, in dialect order (for
// help texts and "allowed: ..." error messages).
inline constexpr std::string_view kDialectNames[] = {"draft-04", "draft-06", "draft-07", "2019-09",
                                                     "2020-12"};

// Documents that references may point to, keyed by absolute URI. Embedded
// $id resources inside each document are found when compiling.
class SchemaBundle {
 public:
  SchemaBundle();
  ~SchemaBundle();
  SchemaBundle(SchemaBundle&&) noexcept;
  SchemaBundle& operator=(SchemaBundle&&) noexcept;

  // Adds a document under an absolute URI (no fragment). Replaces an earlier
  // document with the same URI.
  void Add(std::string uri, json::Value document);
  // The document stored under `uri`, or nullptr.
  const json::Value* Find(std::string_view uri) const;
  std::size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  friend class Compiler;
};

enum class FormatMode : std::uint8_t {
  kAnnotate,  // `format` never fails validation (the 2019-09+ default)
  kAssert,    // known formats are checked; unknown formats are ignored
};

struct CompileOptions {
  // Used when the root schema has no $schema.
  Dialect default_dialect = Dialect::kDraft2020_12;
  // Base URI of the root schema (for resolving a relative $id / $ref).
  std::string base_uri = "urn:accord:root";
  FormatMode format = FormatMode::kAnnotate;
  // Check the schema against its dialect's meta-schema rules for keyword
  // types and values (negative minLength, non-array required, ...).
  bool validate_schema = true;
  // Nesting of subschemas; deeper is an Error with code kLimit.
  std::size_t max_depth = 512;
};

enum class StopMode : std::uint8_t {
  kFirstFailure,  // stop at the first failure (fast path for "is it valid?")
  kAllFailures,   // collect every failure
};

struct ValidationFailure {
  std::string instance_location;  // JSON pointer into the instance
  std::string keyword_location;   // JSON pointer into the schema, ending at the keyword
  std::string keyword;            // e.g. "required", "type", "$ref"
  std::string message;            // readable, one line
};

struct ValidationResult {
  bool valid = true;
  std::vector<ValidationFailure> failures;  // empty when valid
};

class Validator {
 public:
  // Compiles `schema` (a JSON Schema document: object or boolean). Errors:
  // kInvalidSchema with the pointer of the bad keyword; kUnresolvedRef naming
  // the reference; kUnsupportedRegex naming the pattern; kLimit.
  static Result<Validator> Compile(const json::Value& schema, const SchemaBundle& bundle = {},
                                   const CompileOptions& options = {});

  Validator(Validator&&) noexcept;
  Validator& operator=(Validator&&) noexcept;
  ~Validator();

  // Thread-safe (const, no shared mutable state). A moved-from Validator must
  // not be used. kFirstFailure stops at the first failure and reports it;
  // kAllFailures reports every failure found.
  ValidationResult Validate(const json::Value& instance,
                            StopMode stop = StopMode::kAllFailures) const;
  // Same verdict as Validate(instance).valid, without building any failure.
  bool IsValid(const json::Value& instance) const;

  Dialect dialect() const;

 private:
  struct Plan;
  explicit Validator(std::unique_ptr<Plan> plan);
  std::unique_ptr<Plan> plan_;
  friend class Compiler;
};

}  // namespace accord::jsonschema

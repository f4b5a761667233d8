// Schema languages behind one interface, looked up by type in one table.
//
// Every place that works with schemas of more than one language (the
// registry's parse, check, diff, catalog fields and lint; the CLI's check,
// diff, lint, validate, register and contract runs) asks LanguageFor(type)
// (or DetectLanguage for a file) and calls the Language it gets; none of
// them chooses between languages itself. Adding a language is one module
// implementing Language (compat/src/language_<name>.cc) plus one row in the
// table (compat/src/language.cc); see HACKING.md, "Adding a schema language".
//
// Each operation reuses the language's own engine: JSON Schema is
// schemas/jsonschema.h and compat/jsonschema_compat.h, Avro is
// schemas/avro.h and compat/avro_compat.h.
//
// Thread safety: the table and every Language are immutable; a Schema is
// immutable once parsed and may be shared between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/lint.h"
#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/schemas/error.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "accord/schemas/schema_type.h"

namespace accord::compat {

class Language;

// A schema as read, before its language parses it.
struct SchemaSource {
  // How messages name the schema: a file path, or "SUBJECT version N".
  std::string name;
  // The text as written. May be empty when `document` is set.
  std::string text;
  // Languages written in JSON (JSON Schema, Avro): the text loaded as a
  // document (from a file: JSON or YAML, with positions). When unset, the
  // language loads `text` as JSON itself. Shared: copying a source does not
  // copy its document.
  std::shared_ptr<const Document> document;
};

// A referenced schema, resolved (a Confluent `references` entry).
struct ReferencedSchema {
  std::string name;  // how the referencing schema names it ($ref URI, Avro full name, import path)
  // Two references with the same identity are the same schema (defined
  // once); the registry uses "subject\0version".
  std::string identity;
  std::shared_ptr<const class Schema> schema;  // same language or another
};

// A file a schema names by path, which must come as a reference (a
// ReferencedSchema of that name): Protobuf's `import "common.proto";`.
struct SchemaImport {
  std::string name;   // as written, the reference's name ("acme/common.proto")
  Position position;  // of the statement naming it in the source (0:0: unknown)
};

struct ParseOptions {
  // The transitive closure of the references, each name once: every
  // reference followed by its own references (pre-order).
  std::vector<ReferencedSchema> references;
  // JSON Schema: the dialect of a schema without $schema.
  jsonschema::Dialect dialect = jsonschema::kDefaultDialect;
  // JSON Schema: the URI relative $ids and $refs resolve against ("": the
  // engine's default).
  std::string base_uri;
  // JSON Schema: further documents $refs may name by URI (`--ref` files),
  // shared by every schema of one comparison. May be null.
  std::shared_ptr<const jsonschema::SchemaBundle> documents;
};

// A schema parsed and validated by its language. Opaque: only its language
// reads its insides (through the derived class it made).
class Schema {
 public:
  virtual ~Schema() = default;
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  SchemaType type() const { return type_; }
  const Language& language() const;
  // The source it was parsed from (for JSON-written languages its
  // `document` is set: positions for messages, the value for lint).
  const SchemaSource& source() const { return source_; }
  // The canonical text: equal for two schemas of one language that differ
  // only in what the language ignores (whitespace, member order, ...).
  const std::string& canonical() const { return canonical_; }
  // Hex SHA-256 of canonical().
  std::string fingerprint() const;
  // The references it was parsed with (ParseOptions::references).
  const std::vector<ReferencedSchema>& references() const { return references_; }

 protected:
  Schema(SchemaType type, SchemaSource source, std::string canonical,
         std::vector<ReferencedSchema> references)
      : type_(type),
        source_(std::move(source)),
        canonical_(std::move(canonical)),
        references_(std::move(references)) {}

 private:
  SchemaType type_;
  SchemaSource source_;
  std::string canonical_;
  std::vector<ReferencedSchema> references_;
};

struct CheckOptions {
  // How far JSON Schema reasons about sets of documents (Avro: kStrict
  // only; see Language::accepts_policy).
  Policy policy = Policy::kStrict;
  // JSON Schema: whether `format` constrains.
  jsonschema::FormatMode format = jsonschema::FormatMode::kAnnotate;
};

// One row of a schema's field table (the catalog's "fields" view), in the
// order the schema declares them, each container's row before its members'.
struct FieldInfo {
  std::string path{};  // "customer.address.city", "lines[].sku", "attributes{}.text"
  std::string type{};  // "string", "object", "array", "record", "map", "string|null",
                       // Protobuf: "int64", "message acme.Address", "enum acme.Status",
                       // "map<string, int64>" (the element type of a repeated field)
  bool required = false;
  bool pii = false;  // x-pii: true (JSON Schema) / "pii": true (Avro field) / the "PII"
                     // tag in `(confluent.field_meta).tags` (Protobuf)
  std::string description{};
  // Protobuf only (0 and "" for the other languages):
  int number = 0;       // the field number
  std::string label{};  // "singular", "optional", "required", "repeated" or "map"
  std::string oneof{};  // the oneof the field belongs to, "" when none
};

// Validates example events (JSON values) against one schema.
class EventValidator {
 public:
  virtual ~EventValidator() = default;
  // Thread-safe. Failures name the event's place as a JSON pointer
  // (instance_location) and the schema's (keyword_location).
  virtual jsonschema::ValidationResult Validate(const json::Value& event,
                                                jsonschema::StopMode stop) const = 0;
  // One failure as a contract report line: "<place>: <why> [<against>...]",
  // the place in the language's terms.
  virtual std::string FailureLine(const jsonschema::ValidationFailure& failure,
                                  std::string_view against) const = 0;
  // Whether a report points at the failing value's column as well as its line.
  virtual bool PointsAtColumns() const = 0;
};

struct EventValidatorOptions {
  jsonschema::FormatMode format = jsonschema::FormatMode::kAnnotate;
  // The type within the schema the events are (Language::EventType's
  // answer); "": the schema's default.
  std::string event_type;
};

// How sure a language is that a source is written in it (DetectLanguage
// takes the surest; ties go to the earlier row).
enum class Detection : std::uint8_t {
  kNo,        // not this language
  kFallback,  // could be (JSON Schema: any JSON document)
  kLikely,    // has this language's marks (JSON Schema: `properties`, `$schema`, ...)
  kSure,      // this language's own file extension or shape (`.avsc`, Avro's shape)
};

// One schema language. Implementations live in compat/src/language_*.cc and
// are reached through LanguageFor / DetectLanguage only.
class Language {
 public:
  virtual ~Language() = default;

  virtual SchemaType type() const = 0;
  // "JSON Schema", "Avro": the language's name in messages.
  virtual std::string_view display_name() const = 0;
  // How error messages name one schema: "schema" (JSON Schema, whose
  // documents are schemas), "Avro schema".
  virtual std::string_view schema_noun() const = 0;

  // --- reading files (the CLI) --------------------------------------------
  // File name endings that are this language's alone (".avsc"); a file so
  // named is loaded with document_syntax().
  virtual std::span<const std::string_view> extensions() const = 0;
  // How a file of this language is loaded before Parse: as JSON or YAML
  // (kAuto), as JSON only (kJson); nullopt: as text (SchemaSource::text).
  virtual std::optional<Syntax> document_syntax() const = 0;
  // Content detection: how sure the language is that `source` (its name,
  // and its document when it loaded as JSON or YAML) is written in it.
  virtual Detection Detect(const SchemaSource& source) const = 0;
  // The files `source` names by path that are not built into the language
  // and so must be supplied as references of those names, in the order
  // written, each once (Protobuf: its imports other than the well-known types
  // and Confluent's own). Empty for a language that names no files (JSON
  // Schema's $refs are URIs, Avro names types). Reads `source` alone.
  // Errors: `source` cannot be read far enough to tell (its syntax, limits).
  virtual Result<std::vector<SchemaImport>> Imports(const SchemaSource& source) const = 0;
  // Whether a schema may name other files by path (Imports can be
  // non-empty): where import search folders (`--proto-path`) apply.
  virtual bool imports_files() const = 0;
  // Whether ParseOptions::documents (`--ref` files) apply.
  virtual bool accepts_documents() const = 0;
  // The policies the language's check honours (JSON Schema: strict and
  // lenient; Avro: strict only).
  virtual bool accepts_policy(Policy policy) const = 0;
  // Whether a consumer's reader schema must accept the producer's example
  // events as they are (JSON Schema: yes; Avro: no, a reader resolves data
  // against the writer's schema).
  virtual bool examples_valid_for_readers() const = 0;

  // --- parse ---------------------------------------------------------------
  // Parses and validates `source` against the language's rules with
  // `options.references` available. Errors are the engine's, with
  // Error::file left as the engine set it (usually empty: the caller names
  // the source) and a JSON pointer into the document where known.
  virtual Result<std::shared_ptr<const Schema>> Parse(SchemaSource source,
                                                      const ParseOptions& options) const = 0;

  // --- compatibility -------------------------------------------------------
  // compatible(writer -> reader): findings with their typed kinds. Both
  // schemas are of this language. Errors: the engine rejects a schema
  // (Error::file "writer"/"reader" unless the engine named it).
  virtual Result<Report> Check(const Schema& writer, const Schema& reader,
                               const CheckOptions& options) const = 0;
  // Every change from `old_schema` to `new_schema`, breaking or not, kinds
  // in the author's words, direction as a field (the language's Diff*
  // engine function). Errors as Check, with Error::file "old"/"new" unless
  // the engine named it.
  virtual Result<Report> Diff(const Schema& old_schema, const Schema& new_schema,
                              const CheckOptions& options) const = 0;
  // Whether Diff reads the schemas' references; when false, a caller
  // diffing schemas that have references compares them with Check in both
  // directions instead (registry/src/schema_diff.cc).
  virtual bool diff_reads_references() const = 0;

  // --- catalog, lint, examples ---------------------------------------------
  // The field table of `schema` (never fails; bounded rows and depth): of
  // its type `event_type` (as EventType answers: Protobuf, a message's
  // full name), or of the schema's default type when "" or when the schema
  // has no such type (Protobuf: the file's first message, the one a
  // Confluent serializer writes by default). Languages whose schema is
  // itself the event's type ignore `event_type`.
  virtual std::vector<FieldInfo> Fields(const Schema& schema,
                                        std::string_view event_type) const = 0;
  // The governance rules that look inside a schema (descriptions, owner
  // attribute, personal data, open payload, envelope) over `source`, which
  // need not be a valid schema: lint reads what it can.
  virtual void Lint(const SchemaSource& source, lint::Context& context) const = 0;
  // The type within `schema` that events are, as EventValidatorOptions::
  // event_type takes it: `wanted` when not empty (Protobuf: a message's full
  // name, with or without a leading dot, or its name relative to the
  // package, nested ones too: "acme.Order", "Order", "Order.Item"), else the
  // schema's only candidate (Protobuf: its one top-level message). ""
  // for a language whose schema is itself the event's type. Errors:
  // kNotFound `wanted` names no type of the schema (the message lists
  // them); kInvalidSchema `wanted` is empty and the schema holds several
  // candidates (listed) or none; kUnsupported `wanted` given to a language
  // without types to choose from.
  virtual Result<std::string> EventType(const Schema& schema, std::string_view wanted) const = 0;
  // A validator of example events against `schema`, which must outlive it.
  // Errors: the schema cannot be compiled for validation.
  virtual Result<std::unique_ptr<EventValidator>> NewEventValidator(
      const Schema& schema, const EventValidatorOptions& options) const = 0;

  // --- other forms -----------------------------------------------------------
  // `schema` in the form Confluent's `format` query parameter names
  // (Protobuf: "serialized", the base64 FileDescriptorProto); nullopt when
  // the language has no such form (the registry then serves the stored text,
  // as Confluent does for a format a type does not know).
  virtual std::optional<std::string> Formatted(const Schema& schema,
                                               std::string_view format) const = 0;
};

// The language of `type`, or nullptr when Accord has none for it yet.
const Language* LanguageFor(SchemaType type);

// Every language, in wire order (as `/schemas/types` lists them).
std::span<const Language* const> Languages();

// The language of a source: the surest Detect (ties: the earlier of
// Languages()); nullptr when no language may read it. A name ending in a
// language's extension is that language.
const Language* DetectLanguage(const SchemaSource& source);

// The language whose extensions() `file_name` ends in, or nullptr.
const Language* LanguageForFileName(std::string_view file_name);

}  // namespace accord::compat

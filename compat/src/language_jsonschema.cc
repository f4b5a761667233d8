// JSON Schema behind compat::Language: schemas/jsonschema.h parses and
// validates, compat/jsonschema_compat.h checks and diffs, fields.h lists
// fields, lint_views.h lints.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "accord/compat/jsonschema_compat.h"
#include "accord/compat/language.h"
#include "accord/schemas/canonical.h"
#include "accord/schemas/jsonschema.h"
#include "fields.h"
#include "languages.h"
#include "lint_views.h"

namespace accord::compat::internal {
namespace {

bool HasScheme(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = uri[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

// The bundle key under which a reference named `name` is found. The engine
// and the validator compile a root schema without its own $id under a
// "urn:accord:..." base, so a relative name "customer.json" resolves to
// "urn:customer.json" (RFC 3986 merge with a path that has no '/').
std::string BundleKey(std::string_view name) {
  if (HasScheme(name)) return std::string(name);
  std::string n(name);
  while (n.starts_with("./")) n.erase(0, 2);
  return "urn:" + n;
}

// A parsed schema at least this large (canonical text) keeps its compiled
// validator for the witness judge, which would otherwise compile it again
// for every check with a finding (a quarter of a 1 MB schema's diff). Smaller
// ones compile in well under a millisecond, and keeping every compilation
// cost the registry 15 MB more resident memory with 10,000 schemas
// (registry-bench part c: 71.2 MB instead of 56.2 MB after loading).
constexpr std::size_t kKeepCompiledBytes = 64 * 1024;

class JsonSchemaSchema final : public Schema {
 public:
  JsonSchemaSchema(SchemaSource source, std::string canonical,
                   std::vector<ReferencedSchema> references, jsonschema::Dialect dialect,
                   std::string base_uri, std::shared_ptr<const jsonschema::SchemaBundle> bundle,
                   std::optional<jsonschema::Validator> validator)
      : Schema(SchemaType::kJson, std::move(source), std::move(canonical), std::move(references)),
        dialect_(dialect),
        base_uri_(std::move(base_uri)),
        bundle_(std::move(bundle)),
        validator_(std::move(validator)) {}

  const json::Value& value() const { return source().document->root; }
  jsonschema::Dialect dialect() const { return dialect_; }
  const std::string& base_uri() const { return base_uri_; }
  // The documents its $refs may name; null when none.
  const jsonschema::SchemaBundle* bundle() const { return bundle_.get(); }
  // The schema compiled by Parse (formats asserted), kept for the engine's
  // witness judge (JsonSchemaCheckOptions::writer_validator) when the schema
  // is large (kKeepCompiledBytes); null otherwise.
  const jsonschema::Validator* validator() const { return validator_ ? &*validator_ : nullptr; }

 private:
  jsonschema::Dialect dialect_;
  std::string base_uri_;
  std::shared_ptr<const jsonschema::SchemaBundle> bundle_;
  std::optional<jsonschema::Validator> validator_;
};

const JsonSchemaSchema& Cast(const Schema& s) { return static_cast<const JsonSchemaSchema&>(s); }

JsonSchemaCheckOptions EngineOptions(const JsonSchemaSchema& writer, const JsonSchemaSchema& reader,
                                     const CheckOptions& options) {
  JsonSchemaCheckOptions o;
  o.policy = options.policy;
  // Each side resolves its own references: two versions may reference
  // different versions of one subject under the same name.
  o.bundle = writer.bundle();
  o.reader_bundle = reader.bundle();
  // Both sides are read in the writer's dialect (one registry or one CLI run
  // reads every schema with one setting).
  o.default_dialect = writer.dialect();
  o.format = options.format;
  if (!writer.base_uri().empty()) o.writer_base_uri = writer.base_uri();
  if (!reader.base_uri().empty()) o.reader_base_uri = reader.base_uri();
  // Compiled by Parse with each schema's own bundle; usable by the judge
  // when compiled in the dialect the check reads the schema in.
  o.writer_validator = writer.validator();
  if (reader.dialect() == writer.dialect()) o.reader_validator = reader.validator();
  return o;
}

class JsonSchemaEventValidator final : public EventValidator {
 public:
  explicit JsonSchemaEventValidator(jsonschema::Validator v) : v_(std::move(v)) {}

  jsonschema::ValidationResult Validate(const json::Value& event,
                                        jsonschema::StopMode stop) const override {
    return v_.Validate(event, stop);
  }

  std::string FailureLine(const jsonschema::ValidationFailure& f,
                          std::string_view against) const override {
    return (f.instance_location.empty() ? std::string("(root)") : f.instance_location) + ": " +
           f.message + " [" + std::string(against) + "#" + f.keyword_location + "]";
  }

  bool PointsAtColumns() const override { return false; }

 private:
  jsonschema::Validator v_;
};

// The name `schema` gives the bundle document `uri` a finding points into:
// the reference stored under that key (BundleKey), else the URI itself (a
// further document, ParseOptions::documents).
std::string DocumentName(const Schema& schema, const std::string& uri) {
  for (const ReferencedSchema& r : schema.references()) {
    if (BundleKey(r.name) == uri) return r.name;
  }
  return uri;
}

// Names the documents of `report`'s findings (the engine gives bundle URIs)
// as the schemas name them: the writer side in `writer` (or, for a FORWARD
// finding, `forward_writer`), the reader side in `reader` (`forward_reader`).
void NameDocuments(Report& report, const Schema& writer, const Schema& reader,
                   const Schema& forward_writer, const Schema& forward_reader) {
  for (Finding& f : report.findings) {
    const bool forward = f.direction == Direction::kForward;
    if (!f.writer_document.empty()) {
      f.writer_document = DocumentName(forward ? forward_writer : writer, f.writer_document);
    }
    if (!f.reader_document.empty()) {
      f.reader_document = DocumentName(forward ? forward_reader : reader, f.reader_document);
    }
  }
}

class JsonSchemaLanguageImpl final : public Language {
 public:
  SchemaType type() const override { return SchemaType::kJson; }
  std::string_view display_name() const override { return "JSON Schema"; }
  std::string_view schema_noun() const override { return "schema"; }

  std::span<const std::string_view> extensions() const override { return {}; }
  std::optional<Syntax> document_syntax() const override { return Syntax::kAuto; }

  // Any JSON document could be a JSON Schema (the fallback); one with a
  // keyword Avro does not have, or a JSON Schema type name that is no Avro
  // type, is likely one.
  Detection Detect(const SchemaSource& source) const override {
    std::optional<Document> scratch;
    const json::Value* v = DocumentOf(source, scratch);
    if (v == nullptr) return Detection::kNo;
    if (!v->IsObject()) return Detection::kFallback;
    for (std::string_view key : {"$schema", "properties", "items", "allOf", "anyOf", "oneOf",
                                 "required", "additionalProperties"}) {
      if (v->Find(key) != nullptr) return Detection::kLikely;
    }
    const json::Value* type = v->Find("type");
    if (type != nullptr && type->IsString()) {
      for (std::string_view name : {"object", "array", "integer", "number"}) {
        if (type->AsString() == name) return Detection::kLikely;
      }
    }
    return Detection::kFallback;
  }

  bool examples_valid_for_readers() const override { return true; }
  Result<std::vector<SchemaImport>> Imports(const SchemaSource&) const override { return {}; }
  bool imports_files() const override { return false; }
  Result<std::string> EventType(const Schema&, std::string_view wanted) const override {
    return WholeSchemaEventType(*this, wanted);
  }
  bool accepts_documents() const override { return true; }
  bool accepts_policy(Policy) const override { return true; }

  Result<std::shared_ptr<const Schema>> Parse(SchemaSource source,
                                              const ParseOptions& options) const override {
    if (auto loaded = LoadDocument(source); !loaded) return std::unexpected(loaded.error());
    source.text = std::string();  // the document is the schema: keep one copy
    std::shared_ptr<const jsonschema::SchemaBundle> bundle = options.documents;
    if (!options.references.empty()) {
      if (bundle != nullptr && bundle->size() > 0) {
        return MakeError(ErrorCode::kUnsupported,
                         "references and further documents cannot be combined");
      }
      auto made = std::make_shared<jsonschema::SchemaBundle>();
      for (const ReferencedSchema& r : options.references) {
        if (!r.schema || r.schema->type() != SchemaType::kJson) continue;
        made->Add(BundleKey(r.name), Cast(*r.schema).value());
      }
      bundle = std::move(made);
    }
    const json::Value& value = source.document->root;
    jsonschema::CompileOptions compile;
    compile.default_dialect = options.dialect;
    if (!options.base_uri.empty()) compile.base_uri = options.base_uri;
    // Formats asserted: the compilation is kept for the compatibility
    // engine's witness judge, which reads `format` as a constraint.
    compile.format = jsonschema::FormatMode::kAssert;
    static const jsonschema::SchemaBundle kNone;
    auto compiled = jsonschema::Validator::Compile(value, bundle ? *bundle : kNone, compile);
    if (!compiled) return std::unexpected(compiled.error());
    std::string canonical = json::Canonicalize(value);
    std::optional<jsonschema::Validator> kept;
    if (canonical.size() >= kKeepCompiledBytes) kept.emplace(std::move(*compiled));
    return std::make_shared<const JsonSchemaSchema>(
        std::move(source), std::move(canonical), options.references, options.dialect,
        options.base_uri, std::move(bundle), std::move(kept));
  }

  Result<Report> Check(const Schema& writer, const Schema& reader,
                       const CheckOptions& options) const override {
    const JsonSchemaSchema& w = Cast(writer);
    const JsonSchemaSchema& r = Cast(reader);
    auto report = CheckJsonSchema(w.value(), r.value(), EngineOptions(w, r, options));
    if (report) NameDocuments(*report, writer, reader, writer, reader);
    return report;
  }

  Result<Report> Diff(const Schema& old_schema, const Schema& new_schema,
                      const CheckOptions& options) const override {
    const JsonSchemaSchema& o = Cast(old_schema);
    const JsonSchemaSchema& n = Cast(new_schema);
    auto report = DiffJsonSchema(o.value(), n.value(), EngineOptions(o, n, options));
    // A FORWARD finding has the new schema as its writer.
    if (report) NameDocuments(*report, old_schema, new_schema, new_schema, old_schema);
    return report;
  }

  bool diff_reads_references() const override { return false; }

  // Referenced schemas' fields appear under the field that $refs them.
  std::vector<FieldInfo> Fields(const Schema& schema, std::string_view) const override {
    std::vector<NamedDocument> references;
    for (const ReferencedSchema& r : schema.references()) {
      if (r.schema && r.schema->type() == SchemaType::kJson) {
        references.push_back(NamedDocument{r.name, &Cast(*r.schema).value()});
      }
    }
    return JsonSchemaFields(Cast(schema).value(), references);
  }

  void Lint(const SchemaSource& source, lint::Context& context) const override {
    std::optional<Document> scratch;
    if (const json::Value* v = DocumentOf(source, scratch)) {
      lint::internal::LintJsonSchemaDocument(*v, context);
    }
  }

  Result<std::unique_ptr<EventValidator>> NewEventValidator(
      const Schema& schema, const EventValidatorOptions& options) const override {
    const JsonSchemaSchema& s = Cast(schema);
    jsonschema::CompileOptions compile;
    compile.default_dialect = s.dialect();
    compile.format = options.format;
    if (!s.base_uri().empty()) compile.base_uri = s.base_uri();
    static const jsonschema::SchemaBundle kNone;
    auto compiled =
        jsonschema::Validator::Compile(s.value(), s.bundle() ? *s.bundle() : kNone, compile);
    if (!compiled) return std::unexpected(compiled.error());
    return std::make_unique<JsonSchemaEventValidator>(std::move(*compiled));
  }

  std::optional<std::string> Formatted(const Schema&, std::string_view) const override {
    return std::nullopt;
  }
};

}  // namespace

const Language& JsonSchemaLanguage() {
  static const JsonSchemaLanguageImpl kLanguage;
  return kLanguage;
}

}  // namespace accord::compat::internal

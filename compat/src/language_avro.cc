// Avro behind compat::Language: schemas/avro.h parses and validates datums,
// compat/avro_compat.h checks and diffs, fields.h lists fields, lint_views.h
// lints.
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "accord/compat/avro_compat.h"
#include "accord/compat/language.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/canonical.h"
#include "fields.h"
#include "languages.h"
#include "lint_views.h"

namespace accord::compat::internal {
namespace {

class AvroSchema final : public Schema {
 public:
  AvroSchema(SchemaSource source, std::string canonical, std::vector<ReferencedSchema> references,
             avro::Schema parsed)
      : Schema(SchemaType::kAvro, std::move(source), std::move(canonical), std::move(references)),
        parsed_(std::move(parsed)) {}

  const json::Value& value() const { return source().document->root; }
  const avro::Schema& parsed() const { return parsed_; }

 private:
  avro::Schema parsed_;
};

const AvroSchema& Cast(const Schema& s) { return static_cast<const AvroSchema&>(s); }

// The referenced Avro documents in an order where each comes after the ones
// it references. `refs` lists each reference followed by its own transitive
// references (pre-order), so the reverse order puts dependencies first; a
// schema referenced twice (one identity) is defined once.
// Each is named as the referencing schema names it (findings inside it say
// so: avro::Schema::DocumentOf).
void DefinitionOrder(const std::vector<ReferencedSchema>& refs, avro::ParseOptions& parse) {
  std::set<std::string> seen;
  for (auto it = refs.rbegin(); it != refs.rend(); ++it) {
    if (!it->schema || it->schema->type() != SchemaType::kAvro) continue;
    if (!seen.insert(it->identity).second) continue;
    parse.references.push_back(&Cast(*it->schema).value());
    parse.reference_names.push_back(it->name);
  }
}

class AvroEventValidator final : public EventValidator {
 public:
  explicit AvroEventValidator(const avro::Schema& schema) : schema_(schema) {}

  // avro::ValidateDatum's reasons as failures: the expected type's pointer
  // in the schema as keyword location, keyword "type".
  jsonschema::ValidationResult Validate(const json::Value& event,
                                        jsonschema::StopMode stop) const override {
    const avro::Schema& s = schema_;
    jsonschema::ValidationResult out;
    std::vector<avro::DatumError> errors = avro::ValidateDatum(
        s, s.root(), event, stop == jsonschema::StopMode::kFirstFailure ? 1 : 100);
    out.valid = errors.empty();
    for (avro::DatumError& e : errors) {
      out.failures.push_back(jsonschema::ValidationFailure{std::move(e.instance_location),
                                                           std::move(e.schema_location), "type",
                                                           std::move(e.message)});
    }
    return out;
  }

  // The field's path in Avro terms ("items[0].quantity").
  std::string FailureLine(const jsonschema::ValidationFailure& f,
                          std::string_view against) const override {
    std::string path =
        f.instance_location.empty() ? std::string("(root)") : avro::AvroPath(f.instance_location);
    if (path.starts_with('.')) path.erase(0, 1);
    return path + ": " + f.message + " [" + std::string(against) + "]";
  }

  bool PointsAtColumns() const override { return true; }

 private:
  const avro::Schema& schema_;  // outlives the validator (Language::NewEventValidator)
};

class AvroLanguageImpl final : public Language {
 public:
  SchemaType type() const override { return SchemaType::kAvro; }
  std::string_view display_name() const override { return "Avro"; }
  std::string_view schema_noun() const override { return "Avro schema"; }

  std::span<const std::string_view> extensions() const override {
    static constexpr std::string_view kExtensions[] = {".avsc"};
    return kExtensions;
  }
  std::optional<Syntax> document_syntax() const override { return Syntax::kJson; }

  // Avro's shape (avro::LooksLikeAvro) is sure: JSON Schema never has it.
  Detection Detect(const SchemaSource& source) const override {
    std::optional<Document> scratch;
    const json::Value* v = DocumentOf(source, scratch);
    return v != nullptr && avro::LooksLikeAvro(*v) ? Detection::kSure : Detection::kNo;
  }

  bool examples_valid_for_readers() const override { return false; }
  Result<std::vector<SchemaImport>> Imports(const SchemaSource&) const override { return {}; }
  bool imports_files() const override { return false; }
  Result<std::string> EventType(const Schema&, std::string_view wanted) const override {
    return WholeSchemaEventType(*this, wanted);
  }
  bool accepts_documents() const override { return false; }
  bool accepts_policy(Policy policy) const override { return policy == Policy::kStrict; }

  Result<std::shared_ptr<const Schema>> Parse(SchemaSource source,
                                              const ParseOptions& options) const override {
    if (auto loaded = LoadDocument(source); !loaded) return std::unexpected(loaded.error());
    source.text = std::string();  // the document is the schema: keep one copy
    avro::ParseOptions parse;
    DefinitionOrder(options.references, parse);
    auto parsed = avro::Parse(source.document->root, parse);
    if (!parsed) return std::unexpected(parsed.error());
    std::string canonical = json::Canonicalize(source.document->root);
    return std::make_shared<const AvroSchema>(std::move(source), std::move(canonical),
                                              options.references, std::move(*parsed));
  }

  Result<Report> Check(const Schema& writer, const Schema& reader,
                       const CheckOptions&) const override {
    return CheckAvroSchemas(Cast(writer).parsed(), Cast(reader).parsed());
  }

  Result<Report> Diff(const Schema& old_schema, const Schema& new_schema,
                      const CheckOptions&) const override {
    return DiffAvroSchemas(Cast(old_schema).parsed(), Cast(new_schema).parsed());
  }

  bool diff_reads_references() const override { return true; }

  // Named types from references are expanded where the schema uses them.
  std::vector<FieldInfo> Fields(const Schema& schema, std::string_view) const override {
    std::vector<NamedDocument> references;
    for (const ReferencedSchema& r : schema.references()) {
      if (r.schema && r.schema->type() == SchemaType::kAvro) {
        references.push_back(NamedDocument{r.name, &Cast(*r.schema).value()});
      }
    }
    return AvroFields(Cast(schema).value(), references);
  }

  void Lint(const SchemaSource& source, lint::Context& context) const override {
    std::optional<Document> scratch;
    if (const json::Value* v = DocumentOf(source, scratch)) {
      lint::internal::LintAvroDocument(*v, context);
    }
  }

  Result<std::unique_ptr<EventValidator>> NewEventValidator(
      const Schema& schema, const EventValidatorOptions&) const override {
    return std::make_unique<AvroEventValidator>(Cast(schema).parsed());
  }

  std::optional<std::string> Formatted(const Schema&, std::string_view) const override {
    return std::nullopt;
  }
};

}  // namespace

const Language& AvroLanguage() {
  static const AvroLanguageImpl kLanguage;
  return kLanguage;
}

}  // namespace accord::compat::internal

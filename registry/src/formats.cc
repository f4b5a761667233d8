#include "formats.h"

#include <string>
#include <utility>

namespace accord::registry::internal {
namespace {

std::unexpected<RegistryError> Invalid(std::string_view what, const Error& e) {
  return Fail(ErrorCode::kInvalidSchema,
              std::string("Invalid schema: ") + std::string(what) + ": " + e.ToString());
}

compat::SchemaSource SourceOf(std::string_view text) {
  compat::SchemaSource source;
  source.text = std::string(text);
  return source;
}

// The language, other than the default type's (AVRO), that `text` is
// written in and parses as (without references): a Confluent client that
// omits schemaType gets AVRO, and such a text was meant for that language.
const compat::Language* MeantLanguage(std::string_view text, jsonschema::Dialect dialect) {
  const compat::SchemaSource source = SourceOf(text);
  compat::ParseOptions options;
  options.dialect = dialect;
  for (const compat::Language* other : compat::Languages()) {
    if (other->type() == kDefaultSchemaType) continue;
    if (other->Detect(source) < compat::Detection::kLikely) continue;
    if (other->Parse(SourceOf(text), options)) return other;
  }
  return nullptr;
}

}  // namespace

RegistryResult<ParsedSchema> ParseSchema(SchemaType type, std::string_view text,
                                         std::vector<ResolvedReference> references,
                                         jsonschema::Dialect dialect) {
  const compat::Language* language = compat::LanguageFor(type);
  if (language == nullptr) {
    return Fail(ErrorCode::kInvalidSchema, "Invalid schema: schemaType " +
                                               std::string(SchemaTypeName(type)) +
                                               " is not supported yet");
  }
  compat::ParseOptions options;
  options.dialect = dialect;
  options.references.reserve(references.size());
  for (const ResolvedReference& r : references) {
    options.references.push_back(compat::ReferencedSchema{
        .name = r.name,
        .identity = r.subject.str() + '\0' + std::to_string(r.version.value()),
        .schema = r.schema});
  }
  auto parsed = language->Parse(SourceOf(text), options);
  if (!parsed) {
    auto error = Invalid(language->display_name(), parsed.error());
    if (type == kDefaultSchemaType) {
      if (const compat::Language* meant = MeantLanguage(text, dialect)) {
        const std::string name(SchemaTypeName(meant->type()));
        error.error().message += " (this is a " + std::string(meant->display_name()) +
                                 ": register it with \"schemaType\": \"" + name +
                                 "\"; without schemaType a schema is read as " +
                                 std::string(SchemaTypeName(kDefaultSchemaType)) + ")";
      }
    }
    return error;
  }
  ParsedSchema out;
  out.type = type;
  out.schema = std::move(*parsed);
  out.references = std::move(references);
  return out;
}

RegistryResult<compat::Report> CheckCompatible(const ParsedSchema& writer,
                                               const ParsedSchema& reader, compat::Policy policy) {
  if (writer.type != reader.type) {
    compat::Report r;
    compat::Finding f;
    f.kind = compat::CommonKind::kSchemaTypeChanged;
    f.severity = compat::Severity::kBreaking;
    f.message = "schema type changed from " + std::string(SchemaTypeName(writer.type)) + " to " +
                std::string(SchemaTypeName(reader.type));
    r.Add(std::move(f));
    return r;
  }
  compat::CheckOptions options;
  options.policy = policy;
  // `format` is an annotation (as `accord check` without --assert-format).
  options.format = jsonschema::FormatMode::kAnnotate;
  auto report = writer.language().Check(*writer.schema, *reader.schema, options);
  if (!report) {
    return Fail(ErrorCode::kInvalidSchema, "Invalid schema: " + report.error().ToString());
  }
  return std::move(*report);
}

}  // namespace accord::registry::internal

#include "formats.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "accord/compat/references.h"

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

RegistryResult<ParsedSchema> ParseReader(const ConsumedSubject& reader,
                                         jsonschema::Dialect dialect) {
  if (reader.references.empty()) return ParseSchema(reader.type, reader.schema, {}, dialect);
  const compat::Language* language = compat::LanguageFor(reader.type);
  if (language == nullptr) return ParseSchema(reader.type, reader.schema, {}, dialect);
  auto invalid = [&](std::string why) {
    return Fail(ErrorCode::kInvalidSchema,
                "Invalid schema: " + std::string(language->display_name()) + ": " + std::move(why));
  };
  if (!language->imports_files()) {
    return invalid("a reader in this language imports no files: it takes no references");
  }
  if (reader.references.size() > compat::kMaxReferencedSchemas) {
    return invalid("more than " + std::to_string(compat::kMaxReferencedSchemas) + " references");
  }
  std::map<std::string_view, const ReaderReference*> by_name;
  for (const ReaderReference& r : reader.references) {
    // An import path: what a file names in one `import` line.
    if (r.name.empty() || r.name.size() > 1024) {
      return invalid("each reference needs a name (its import path, at most 1024 bytes)");
    }
    if (!by_name.emplace(r.name, &r).second) {
      return invalid("two references named \"" + r.name + "\"");
    }
  }
  const compat::SchemaSource main = SourceOf(reader.schema);
  auto imports = language->Imports(main);
  if (!imports) return Invalid(language->display_name(), imports.error());
  compat::FindReference find =
      [&](const compat::SchemaImport& import,
          const compat::SchemaSource& importer) -> Result<compat::FoundReference> {
    auto it = by_name.find(import.name);
    if (it == by_name.end()) {
      return std::unexpected(compat::ImportError(
          accord::ErrorCode::kNotFound, importer, import,
          "import \"" + import.name + "\" is not among the declaration's references"));
    }
    compat::FoundReference found;
    found.source = SourceOf(it->second->schema);
    found.source.name = import.name;
    found.language = language;
    auto own = language->Imports(found.source);
    if (!own) {
      Error e = own.error();
      e.file = import.name;
      return std::unexpected(std::move(e));
    }
    found.imports = std::move(*own);
    // The references of one reader: its own files, not registry versions.
    found.identity = "reader\0" + import.name;
    return found;
  };
  auto resolved = compat::ResolveReferences(*imports, main, find, dialect);
  if (!resolved) return Invalid(language->display_name(), resolved.error());
  if (resolved->size() != reader.references.size()) {
    for (const ReaderReference& r : reader.references) {
      const bool used =
          std::any_of(resolved->begin(), resolved->end(),
                      [&](const compat::ReferencedSchema& x) { return x.name == r.name; });
      if (!used)
        return invalid("reference \"" + r.name + "\" is imported by no file of the reader");
    }
  }
  compat::ParseOptions options;
  options.dialect = dialect;
  options.references = std::move(*resolved);
  auto parsed = language->Parse(SourceOf(reader.schema), options);
  if (!parsed) return Invalid(language->display_name(), parsed.error());
  ParsedSchema out;
  out.type = reader.type;
  out.schema = std::move(*parsed);
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

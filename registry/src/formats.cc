#include "formats.h"

#include <string>
#include <utility>

#include "accord/compat/avro_compat.h"
#include "accord/compat/jsonschema_compat.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/canonical.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"

namespace accord::registry::internal {
namespace {

// The compatibility engine and the validator compile a root schema without
// its own $id under this base (jsonschema::CompileOptions' default), so a
// relative reference name "customer.json" resolves to "urn:customer.json"
// (RFC 3986 merge with a path that has no '/').
constexpr std::string_view kRootBase = "urn:accord:root";

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

// The bundle keys under which a reference named `name` is found.
std::vector<std::string> BundleKeys(std::string_view name) {
  if (HasScheme(name)) return {std::string(name)};
  std::string n(name);
  while (n.starts_with("./")) n.erase(0, 2);
  return {"urn:" + n};
}

jsonschema::SchemaBundle MakeBundle(const std::vector<ResolvedReference>& refs) {
  jsonschema::SchemaBundle bundle;
  for (const ResolvedReference& r : refs) {
    if (r.type != SchemaType::kJson || !r.document) continue;
    for (std::string& key : BundleKeys(r.name)) bundle.Add(std::move(key), *r.document);
  }
  return bundle;
}

std::unexpected<RegistryError> Invalid(std::string_view what, const Error& e) {
  return Fail(ErrorCode::kInvalidSchema,
              std::string("Invalid schema: ") + std::string(what) + ": " + e.ToString());
}

}  // namespace

RegistryResult<ParsedSchema> ParseSchema(SchemaType type, std::string_view text,
                                         std::vector<ResolvedReference> references) {
  if (type == SchemaType::kProtobuf) {
    return Fail(ErrorCode::kInvalidSchema,
                "Invalid schema: schemaType PROTOBUF is not supported yet");
  }
  LoadOptions load;
  load.max_depth = 128;
  auto doc = ParseJson(text, {}, load);
  if (!doc) return Invalid(type == SchemaType::kJson ? "JSON Schema" : "Avro", doc.error());
  ParsedSchema out;
  out.type = type;
  out.value = std::move(doc->root);
  out.references = std::move(references);
  if (type == SchemaType::kJson) {
    if (!out.value.IsObject() && !out.value.IsBool()) {
      return Fail(ErrorCode::kInvalidSchema,
                  "Invalid schema: a JSON Schema must be an object or a boolean");
    }
    jsonschema::SchemaBundle bundle = MakeBundle(out.references);
    auto compiled = jsonschema::Validator::Compile(out.value, bundle, {});
    if (!compiled) return Invalid("JSON Schema", compiled.error());
  } else {
    // TODO(avro references): named types from `references` are not yet
    // visible to the Avro parser, so a schema naming a referenced type fails
    // here with "unknown type name".
    auto parsed = avro::Parse(out.value);
    if (!parsed) return Invalid("Avro", parsed.error());
    out.avro = std::move(*parsed);
  }
  out.canonical = json::Canonicalize(out.value);
  return out;
}

RegistryResult<compat::Report> CheckCompatible(const ParsedSchema& writer,
                                               const ParsedSchema& reader, compat::Policy policy) {
  if (writer.type != reader.type) {
    compat::Report r;
    compat::Finding f;
    f.kind = "SCHEMA_TYPE_CHANGED";
    f.severity = compat::Severity::kBreaking;
    f.message = "schema type changed from " + std::string(SchemaTypeName(writer.type)) + " to " +
                std::string(SchemaTypeName(reader.type));
    r.Add(std::move(f));
    return r;
  }
  if (writer.type == SchemaType::kJson) {
    // Both schemas' references go into one bundle; the reader's win when a
    // name is used by both with different versions.
    // TODO(references): one bundle per side once the engine takes two.
    std::vector<ResolvedReference> all = reader.references;
    all.insert(all.end(), writer.references.begin(), writer.references.end());
    jsonschema::SchemaBundle bundle = MakeBundle(all);
    compat::JsonSchemaCheckOptions options;
    options.policy = policy;
    options.bundle = &bundle;
    auto report = compat::CheckJsonSchema(writer.value, reader.value, options);
    if (!report) {
      return Fail(ErrorCode::kInvalidSchema, "Invalid schema: " + report.error().ToString());
    }
    return std::move(*report);
  }
  if (writer.avro && reader.avro) return compat::CheckAvroSchemas(*writer.avro, *reader.avro);
  auto report = compat::CheckAvro(writer.value, reader.value);
  if (!report)
    return Fail(ErrorCode::kInvalidSchema, "Invalid schema: " + report.error().ToString());
  return std::move(*report);
}

}  // namespace accord::registry::internal

#include "formats.h"

#include <set>
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

// The referenced Avro documents in an order where each comes after the ones
// it references. `refs` lists each reference followed by its own transitive
// references (pre-order), so the reverse order puts dependencies first; a
// version referenced twice is defined once.
std::vector<const json::Value*> AvroDefinitionOrder(const std::vector<ResolvedReference>& refs) {
  std::vector<const json::Value*> order;
  std::set<std::pair<std::string, std::int32_t>> seen;
  for (auto it = refs.rbegin(); it != refs.rend(); ++it) {
    if (it->type != SchemaType::kAvro || !it->document) continue;
    if (!seen.emplace(it->subject.str(), it->version.value()).second) continue;
    order.push_back(it->document.get());
  }
  return order;
}

std::unexpected<RegistryError> Invalid(std::string_view what, const Error& e) {
  return Fail(ErrorCode::kInvalidSchema,
              std::string("Invalid schema: ") + std::string(what) + ": " + e.ToString());
}

// True when `v`, refused as Avro, reads as a JSON Schema: it compiles as one
// and says so by a keyword Avro does not have ($schema, properties, items,
// a combinator) or a JSON Schema type name that is no Avro type (object,
// array, integer, number). A Confluent client that omits schemaType gets
// AVRO; such a text was meant as JSON.
bool LooksLikeJsonSchema(const json::Value& v, jsonschema::Dialect dialect) {
  if (!v.IsObject()) return false;
  bool marked = false;
  for (std::string_view key : {"$schema", "properties", "items", "allOf", "anyOf", "oneOf",
                               "required", "additionalProperties"}) {
    if (v.Find(key) != nullptr) marked = true;
  }
  const json::Value* type = v.Find("type");
  if (type != nullptr && type->IsString()) {
    for (std::string_view name : {"object", "array", "integer", "number"}) {
      if (type->AsString() == name) marked = true;
    }
  }
  if (!marked) return false;
  jsonschema::CompileOptions compile;
  compile.default_dialect = dialect;
  return jsonschema::Validator::Compile(v, {}, compile).has_value();
}

}  // namespace

RegistryResult<ParsedSchema> ParseSchema(SchemaType type, std::string_view text,
                                         std::vector<ResolvedReference> references,
                                         jsonschema::Dialect dialect) {
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
  out.dialect = dialect;
  if (type == SchemaType::kJson) {
    if (!out.value.IsObject() && !out.value.IsBool()) {
      return Fail(ErrorCode::kInvalidSchema,
                  "Invalid schema: a JSON Schema must be an object or a boolean");
    }
    jsonschema::SchemaBundle bundle = MakeBundle(out.references);
    jsonschema::CompileOptions compile;
    compile.default_dialect = dialect;
    auto compiled = jsonschema::Validator::Compile(out.value, bundle, compile);
    if (!compiled) return Invalid("JSON Schema", compiled.error());
  } else {
    avro::ParseOptions options;
    options.references = AvroDefinitionOrder(out.references);
    auto parsed = avro::Parse(out.value, options);
    if (!parsed) {
      auto error = Invalid("Avro", parsed.error());
      if (LooksLikeJsonSchema(out.value, dialect)) {
        error.error().message +=
            " (this is a JSON Schema: register it with \"schemaType\": \"JSON\"; without "
            "schemaType a schema is read as AVRO)";
      }
      return error;
    }
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
    f.kind = compat::CommonKind::kSchemaTypeChanged;
    f.severity = compat::Severity::kBreaking;
    f.message = "schema type changed from " + std::string(SchemaTypeName(writer.type)) + " to " +
                std::string(SchemaTypeName(reader.type));
    r.Add(std::move(f));
    return r;
  }
  if (writer.type == SchemaType::kJson) {
    // Each side resolves its own references: two versions may reference
    // different versions of one subject under the same name.
    jsonschema::SchemaBundle writer_bundle = MakeBundle(writer.references);
    jsonschema::SchemaBundle reader_bundle = MakeBundle(reader.references);
    compat::JsonSchemaCheckOptions options;
    options.policy = policy;
    options.bundle = &writer_bundle;
    options.reader_bundle = &reader_bundle;
    options.default_dialect = writer.dialect;
    // `format` is an annotation (as `accord check` without --assert-format).
    options.format = jsonschema::FormatMode::kAnnotate;
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

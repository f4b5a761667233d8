// Protobuf behind compat::Language: schemas/protobuf.h parses `.proto` text
// (or a base64 FileDescriptorProto), gives the canonical text and fields and
// validates example events (proto3 JSON mapping); compat/protobuf_compat.h
// checks, diffs and lints.
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "accord/compat/language.h"
#include "accord/compat/protobuf_compat.h"
#include "accord/schemas/protobuf.h"
#include "languages.h"

namespace accord::compat::internal {
namespace {

class ProtobufSchema final : public Schema {
 public:
  ProtobufSchema(SchemaSource source, std::string canonical,
                 std::vector<ReferencedSchema> references, protobuf::Schema parsed)
      : Schema(SchemaType::kProtobuf, std::move(source), std::move(canonical),
               std::move(references)),
        parsed_(std::move(parsed)) {}

  const protobuf::Schema& parsed() const { return parsed_; }

 private:
  protobuf::Schema parsed_;
};

const ProtobufSchema& Cast(const Schema& s) { return static_cast<const ProtobufSchema&>(s); }

// The engine's references: each Protobuf reference once by its import path
// (the first of a name wins; `references` is the transitive closure in
// pre-order), with the text it was written in.
std::vector<protobuf::Reference> EngineReferences(const std::vector<ReferencedSchema>& refs) {
  std::vector<protobuf::Reference> out;
  std::set<std::string, std::less<>> seen;
  for (const ReferencedSchema& r : refs) {
    if (!r.schema || r.schema->type() != SchemaType::kProtobuf) continue;
    if (!seen.insert(r.name).second) continue;
    out.push_back(protobuf::Reference{r.name, r.schema->source().text});
  }
  return out;
}

// The main file's name in the pool and in errors: the source's name (a CLI
// file path), else "schema.proto"; one no import path uses.
std::string MainFileName(const std::string& source_name,
                         const std::vector<protobuf::Reference>& refs) {
  std::string name = source_name.empty() ? std::string("schema.proto") : source_name;
  for (int i = 1;; ++i) {
    const bool taken = std::any_of(refs.begin(), refs.end(),
                                   [&](const protobuf::Reference& r) { return r.name == name; });
    if (!taken) return name;
    name = "schema" + std::to_string(i) + ".proto";
  }
}

// "a, b and c".
std::string NameList(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

// `full` relative to `package` ("acme.Order.Item" in acme: "Order.Item").
std::string_view RelativeName(std::string_view full, std::string_view package) {
  if (!package.empty() && full.size() > package.size() && full.starts_with(package) &&
      full[package.size()] == '.') {
    return full.substr(package.size() + 1);
  }
  return full;
}

class ProtobufEventValidator final : public EventValidator {
 public:
  ProtobufEventValidator(const protobuf::Schema& schema, std::string message)
      : schema_(schema), message_(std::move(message)) {}

  // protobuf::ValidateEvent's errors as failures: keyword "type", the
  // message's full name as keyword location.
  jsonschema::ValidationResult Validate(const json::Value& event,
                                        jsonschema::StopMode stop) const override {
    jsonschema::ValidationResult out;
    const std::string& message = message_;
    std::vector<protobuf::EventError> errors =
        protobuf::ValidateEvent(schema_, message, json::ToJson(event));
    out.valid = errors.empty();
    for (protobuf::EventError& e : errors) {
      out.failures.push_back(
          jsonschema::ValidationFailure{std::move(e.path), message, "type", std::move(e.message)});
      if (stop == jsonschema::StopMode::kFirstFailure) break;
    }
    return out;
  }

  // "<pointer>: <why> [<against> message <full name>]".
  std::string FailureLine(const jsonschema::ValidationFailure& f,
                          std::string_view against) const override {
    return (f.instance_location.empty() ? std::string("(root)") : f.instance_location) + ": " +
           f.message + " [" + std::string(against) + " message " + f.keyword_location + "]";
  }

  bool PointsAtColumns() const override { return false; }

 private:
  const protobuf::Schema& schema_;  // outlives the validator (Language::NewEventValidator)
  std::string message_;             // full name
};

class ProtobufLanguageImpl final : public Language {
 public:
  SchemaType type() const override { return SchemaType::kProtobuf; }
  std::string_view display_name() const override { return "Protobuf"; }
  std::string_view schema_noun() const override { return "Protobuf schema"; }

  std::span<const std::string_view> extensions() const override {
    static constexpr std::string_view kExtensions[] = {".proto"};
    return kExtensions;
  }
  std::optional<Syntax> document_syntax() const override { return std::nullopt; }

  // `.proto` text has its own shape (protobuf::LooksLikeProtobuf); a JSON
  // document never has it.
  Detection Detect(const SchemaSource& source) const override {
    if (source.text.empty()) return Detection::kNo;
    return protobuf::LooksLikeProtobuf(source.text) ? Detection::kSure : Detection::kNo;
  }

  // protobuf::ListImports, named as the source is.
  Result<std::vector<SchemaImport>> Imports(const SchemaSource& source) const override {
    protobuf::ParseOptions options;
    options.file_name = source.name.empty() ? std::string("schema.proto") : source.name;
    auto imports = protobuf::ListImports(source.text, options);
    if (!imports) return std::unexpected(imports.error());
    std::vector<SchemaImport> out;
    for (protobuf::Import& i : *imports) out.push_back(SchemaImport{std::move(i.path), i.position});
    return out;
  }
  bool imports_files() const override { return true; }

  // Confluent's reader resolves data with the writer's descriptor: a reader
  // need not accept the producer's JSON examples as they are.
  bool examples_valid_for_readers() const override { return false; }
  bool accepts_documents() const override { return false; }
  bool accepts_policy(Policy policy) const override { return policy == Policy::kStrict; }

  Result<std::shared_ptr<const Schema>> Parse(SchemaSource source,
                                              const ParseOptions& options) const override {
    protobuf::ParseOptions parse;
    parse.references = EngineReferences(options.references);
    parse.file_name = MainFileName(source.name, parse.references);
    auto parsed = protobuf::Parse(source.text, parse);
    if (!parsed) return std::unexpected(parsed.error());
    std::string canonical = protobuf::CanonicalText(*parsed);
    source.document.reset();
    return std::make_shared<const ProtobufSchema>(std::move(source), std::move(canonical),
                                                  options.references, std::move(*parsed));
  }

  Result<Report> Check(const Schema& writer, const Schema& reader,
                       const CheckOptions&) const override {
    return CheckProtobufSchemas(Cast(writer).parsed(), Cast(reader).parsed());
  }

  Result<Report> Diff(const Schema& old_schema, const Schema& new_schema,
                      const CheckOptions&) const override {
    return DiffProtobufSchemas(Cast(old_schema).parsed(), Cast(new_schema).parsed());
  }

  bool diff_reads_references() const override { return true; }

  // The default message's fields (protobuf::Fields): `[]` for repeated
  // elements' fields, `{}` for map values'; required for proto2 `required`;
  // personal data by Confluent's "PII" tag; the description from Confluent's
  // field doc; number, label ("singular" where none is written) and oneof.
  std::vector<FieldInfo> Fields(const Schema& schema, std::string_view event_type) const override {
    const protobuf::Schema& parsed = Cast(schema).parsed();
    // A message this version does not have: its default one.
    if (!event_type.empty()) {
      const std::vector<std::string> names = parsed.MessageNames();
      if (std::find(names.begin(), names.end(), event_type) == names.end()) event_type = {};
    }
    std::vector<FieldInfo> out;
    for (protobuf::FieldInfo& f : protobuf::Fields(parsed, event_type)) {
      FieldInfo row;
      row.path = std::move(f.path);
      row.type = std::move(f.type);
      row.required = f.label == "required";
      row.pii = std::find(f.tags.begin(), f.tags.end(), "PII") != f.tags.end();
      row.description = std::move(f.doc);
      row.number = f.number;
      row.label = f.label.empty() ? "singular" : std::move(f.label);
      row.oneof = std::move(f.oneof);
      out.push_back(std::move(row));
    }
    return out;
  }

  // The Protobuf lint rules that need one version (compat::LintProtobuf
  // without a previous version) over a source that parses; one that does
  // not has nothing to lint.
  void Lint(const SchemaSource& source, lint::Context& context) const override {
    protobuf::ParseOptions options;
    if (context.references() != nullptr) {
      options.references = EngineReferences(*context.references());
      options.file_name = MainFileName(source.name, options.references);
    }
    auto parsed = protobuf::Parse(source.text, options);
    if (!parsed) return;
    for (lint::Finding& f : LintProtobuf(*parsed, nullptr, context.config())) {
      context.Add(f.rule, std::move(f.pointer), std::move(f.message));
    }
  }

  // Messages of the main file by full or package-relative name; without a
  // name, the one top-level message (a file of several is ambiguous: a
  // contract names its event's message rather than get Confluent's default,
  // the first, by accident).
  Result<std::string> EventType(const Schema& schema, std::string_view wanted) const override {
    const protobuf::Schema& parsed = Cast(schema).parsed();
    const std::vector<std::string> all = parsed.MessageNames();
    std::vector<std::string> relative;
    std::vector<std::string> top_level;
    for (const std::string& name : all) {
      relative.emplace_back(RelativeName(name, parsed.package()));
      if (relative.back().find('.') == std::string::npos) top_level.push_back(relative.back());
    }
    if (wanted.empty()) {
      if (top_level.size() == 1) {
        for (std::size_t i = 0; i < all.size(); ++i) {
          if (relative[i] == top_level.front()) return all[i];
        }
      }
      if (top_level.empty()) {
        return MakeError(ErrorCode::kInvalidSchema, "the Protobuf schema has no message");
      }
      return MakeError(ErrorCode::kInvalidSchema,
                       "the Protobuf schema holds " + std::to_string(top_level.size()) +
                           " messages (" + NameList(top_level) + "): name the one the events are");
    }
    if (wanted.starts_with('.')) wanted.remove_prefix(1);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i] == wanted || relative[i] == wanted) return all[i];
    }
    return MakeError(ErrorCode::kNotFound,
                     "the Protobuf schema has no message '" + std::string(wanted) +
                         "' (its messages: " + (relative.empty() ? "none" : NameList(relative)) +
                         ")");
  }

  Result<std::unique_ptr<EventValidator>> NewEventValidator(
      const Schema& schema, const EventValidatorOptions& options) const override {
    const protobuf::Schema& parsed = Cast(schema).parsed();
    std::string message = options.event_type.empty() ? parsed.DefaultMessage() : options.event_type;
    if (message.empty()) {
      return MakeError(ErrorCode::kInvalidSchema,
                       "the Protobuf schema has no message to validate events against");
    }
    return std::make_unique<ProtobufEventValidator>(parsed, std::move(message));
  }

  std::optional<std::string> Formatted(const Schema& schema,
                                       std::string_view format) const override {
    if (format == "serialized") return protobuf::Serialized(Cast(schema).parsed());
    return std::nullopt;
  }
};

}  // namespace

const Language& ProtobufLanguage() {
  static const ProtobufLanguageImpl kLanguage;
  return kLanguage;
}

}  // namespace accord::compat::internal

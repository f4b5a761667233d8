#include "accord/compat/language.h"

#include "accord/schemas/canonical.h"
#include "languages.h"

namespace accord::compat {

std::span<const Language* const> Languages() {
  // THE table of schema languages: one row per implemented language, in wire
  // order (`/schemas/types` lists them so). A type without a row has no
  // language: LanguageFor returns nullptr.
  static const Language* const kRows[] = {
      &internal::JsonSchemaLanguage(),
      &internal::AvroLanguage(),
      &internal::ProtobufLanguage(),
  };
  return kRows;
}

const Language* LanguageFor(SchemaType type) {
  for (const Language* language : Languages()) {
    if (language->type() == type) return language;
  }
  return nullptr;
}

const Language* LanguageForFileName(std::string_view file_name) {
  for (const Language* language : Languages()) {
    for (std::string_view ext : language->extensions()) {
      if (internal::EndsWith(file_name, ext)) return language;
    }
  }
  return nullptr;
}

const Language* DetectLanguage(const SchemaSource& source) {
  if (const Language* by_name = LanguageForFileName(source.name)) return by_name;
  const Language* best = nullptr;
  Detection best_detection = Detection::kNo;
  for (const Language* language : Languages()) {
    const Detection d = language->Detect(source);
    if (d > best_detection) {
      best = language;
      best_detection = d;
    }
  }
  return best;
}

const Language& Schema::language() const { return *LanguageFor(type_); }

std::string Schema::fingerprint() const { return json::ToHex(json::Sha256Of(canonical_)); }

namespace internal {

bool EndsWith(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

namespace {

Result<Document> LoadSchemaText(std::string_view text) {
  LoadOptions load;
  load.max_depth = 128;
  return ParseJson(text, {}, load);
}

}  // namespace

Result<void> LoadDocument(SchemaSource& source) {
  if (source.document) return {};
  auto doc = LoadSchemaText(source.text);
  if (!doc) return std::unexpected(doc.error());
  source.document = std::make_shared<const Document>(std::move(*doc));
  return {};
}

const json::Value* DocumentOf(const SchemaSource& source, std::optional<Document>& scratch) {
  if (source.document) return &source.document->root;
  auto doc = LoadSchemaText(source.text);
  if (!doc) return nullptr;
  scratch = std::move(*doc);
  return &scratch->root;
}

}  // namespace internal
namespace internal {

Result<std::string> WholeSchemaEventType(const Language& language, std::string_view wanted) {
  if (wanted.empty()) return std::string();
  return MakeError(ErrorCode::kUnsupported,
                   std::string(language.display_name()) +
                       " schemas have no messages to choose from (asked for '" +
                       std::string(wanted) + "')");
}

}  // namespace internal

}  // namespace accord::compat

// Shared plumbing of `accord check` and `accord diff`: loading schema files
// (JSON or YAML, with source positions), the --ref bundle, turning engine
// errors into "file:line:col: reason" messages, and the render context.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "accord/compat/language.h"
#include "accord/compat/references.h"
#include "accord/compat/render.h"
#include "accord/schemas/error.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "completion.h"

namespace accord::cli {

// Exit codes of check and diff.
inline constexpr int kExitCompatible = 0;
inline constexpr int kExitIncompatible = 1;
inline constexpr int kExitUsage = 2;  // usage, unreadable or invalid input

// The URI a schema file is known by when resolving its relative $refs:
// "file://" + its absolute, normalised path.
std::string SchemaFileUri(const std::string& path);

// Loads a schema file with positions recorded (`.avsc` files as JSON, others
// as JSON or YAML). Errors: unreadable or malformed file (Error carries file,
// line, column).
Result<Document> LoadSchemaFile(const std::string& path);

// Reads a schema file as its language needs it (compat::LanguageForFileName):
// a language written in JSON gets the file loaded as a document with
// positions (LoadSchemaFile), a language written as text gets the text.
// Errors: as LoadSchemaFile.
Result<compat::SchemaSource> LoadSchemaSource(const std::string& path);

// The language of a loaded schema file (compat::DetectLanguage: the file's
// extension, else its content; JSON Schema for any other JSON or YAML
// document). Error (kUnsupported) when no language reads it.
Result<const compat::Language*> LanguageOf(const compat::SchemaSource& source);

// The one language all `sources` share. Error (kUnsupported) naming the
// first file whose language differs from the first one's.
Result<const compat::Language*> CommonLanguage(const std::vector<compat::SchemaSource>& sources);

// "JSON Schema" (the display names of the languages for which `accepts`
// holds, joined by " and "): for messages about options that apply to some
// languages only.
std::string LanguagesThat(bool (*accepts)(const compat::Language&));

// Documents for --ref: each file is added under its "$id" (when it has one)
// and under "file://" + its absolute path. Errors: as LoadSchemaFile.
Result<jsonschema::SchemaBundle> LoadRefBundle(const std::vector<std::string>& paths);

// A schema another one names (compat::SchemaImport), as found: a file on
// disk, or a version in a registry (compat/references.h).
using FoundReference = compat::FoundReference;
// The file at `path` as a referenced schema (LoadSchemaSource, LanguageOf,
// its own imports); its identity is its file URI.
Result<FoundReference> FoundFile(const std::string& path);
// Finds what `import` (written in `importer`) names. Errors name the
// importer at the import's position.
using FindReference = compat::FindReference;

// IMPORT SEARCH (`-I/--proto-path DIR`, a contract's `proto_path:`). A file
// named by path (Protobuf's `import "a/b.proto";`) resolves the way protoc
// resolves against its -I folders: the path is joined to each search folder
// in turn and the first existing file wins. The folders are the main
// schema file's own folder first, then `import_path` in the order given; the
// same folders serve the imports of imported files (an import path is always
// relative to a search folder, never to the importing file). A path that is
// absolute or climbs out with `..` is refused; a path found nowhere is a
// kNotFound error at the import's file:line:col naming every folder searched.
// Built-in files (the well-known types, Confluent's) need no file.
// The references of `source` (a file read by LoadSchemaSource) so found.
Result<std::vector<compat::ReferencedSchema>> ResolveFileImports(
    const compat::Language& language, const compat::SchemaSource& source,
    const std::vector<std::string>& import_path,
    jsonschema::Dialect dialect = jsonschema::kDefaultDialect);

// REFERENCES BY NAME (`register --ref NAME=SUBJECT:VERSION`, `check`/`diff
// --old-ref`/`--new-ref NAME=FILE|SUBJECT:VERSION`, a contract entry's
// `references:`): each name a schema refers to, with the schema found for it
// (a file, or a version the registry served). A JSON Schema names one in a
// `$ref` ("customer.json" as the reference's name, resolved as the registry
// resolves it), Avro by the full name of a type it defines, Protobuf as an
// import path. `nested` are the references of the registry versions among
// `given`, found by their names when a given schema refers to them.
struct NamedReferences {
  std::vector<std::pair<std::string, FoundReference>> given;  // in the order given
  std::vector<std::pair<std::string, FoundReference>> nested;
  bool empty() const { return given.empty(); }
};

// Adds `-I/--proto-path DIR` (repeatable) to `sub`.
void AddImportPathOption(CLI::App* sub, std::vector<std::string>* target);

// kUnsupported when `import_path` is given for a language that imports no
// files ("--proto-path applies to Protobuf only, not to Avro").
Result<void> CheckImportPathApplies(const compat::Language& language,
                                    const std::vector<std::string>& import_path);

// Parses `source` (a file read by LoadSchemaSource) with `language`:
// relative references resolve against the file's URI, `documents` are the
// --ref documents (may be null), imported files are found through
// `import_path` (ResolveFileImports). With `named` references (not empty),
// the schema references each given name (after its own imports, each once),
// and a name is found among `named` before the import folders; a JSON
// Schema's relative $refs then resolve as the registry resolves them (a
// reference named "customer.json" is `"$ref": "customer.json"`), not
// against the file's path. An error inside a --ref document, a referenced
// schema or an imported file names it; any other names the file, at the
// line of the offending value.
Result<std::shared_ptr<const compat::Schema>> ParseSchemaFile(
    const compat::Language& language, compat::SchemaSource source, jsonschema::Dialect dialect,
    std::shared_ptr<const jsonschema::SchemaBundle> documents = nullptr,
    const std::vector<std::string>& import_path = {}, const NamedReferences& named = {});

// The schema files of one comparison, loaded, checked and parsed.
struct LoadedSchemas {
  // In the order of `files`.
  std::vector<std::shared_ptr<const compat::Schema>> schemas;
  const compat::Language* language = nullptr;
};

// Loads `files` (LoadSchemaSource) and `refs` (LoadRefBundle) for check and
// diff, and parses the files in order. Errors: a file cannot be read or
// parsed; the files mix languages (CommonLanguage); `refs` given for a
// language that takes no further documents, or `policy` one it does not
// honour (kUnsupported); a schema is invalid (ParseSchemaFile).
// `old_named` serve every file but the last, `new_named` the last one
// (check and diff's --old-ref and --new-ref).
Result<LoadedSchemas> LoadSchemasToCompare(const std::vector<std::string>& files,
                                           const std::vector<std::string>& refs,
                                           jsonschema::Dialect dialect,
                                           std::optional<compat::Policy> policy = std::nullopt,
                                           const std::vector<std::string>& import_path = {},
                                           const NamedReferences& old_named = {},
                                           const NamedReferences& new_named = {});

// Points an engine error at the file it is about: "writer"/"reader" (the
// engine's names) or an empty file become the source's name, and a known
// pointer gets its line and column from the source's document.
Error LocateError(Error error, const compat::SchemaSource& writer,
                  const compat::SchemaSource& reader);

// The line of the value at `pointer` in `source` (0 when unknown).
int LineOf(const compat::SchemaSource& source, std::string_view pointer);

// The values --mode, --policy and --format accept (as the help shows them).
inline const std::vector<std::string> kLevelNames = {
    "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL",     "FULL_TRANSITIVE",     "NONE"};
inline const std::vector<std::string> kPolicyNames = {"strict", "lenient"};
inline const std::vector<std::string> kFormatNames = {"text", "json", "junit", "github"};
inline const std::vector<std::string> kDialectNameList(std::begin(jsonschema::kDialectNames),
                                                       std::end(jsonschema::kDialectNames));

// Adds `--dialect NAME` (the dialect of a JSON Schema without $schema; names
// as jsonschema::kDialectNames, unknown ones refused with the allowed values)
// to `sub`, storing the name in `*target` (empty: not given).
void AddDialectOption(CLI::App* sub, std::string* target);

// `format`, one rule for check, diff and validate: an annotation (never
// constrains, never breaks) unless --assert-format, then known formats
// constrain in all three. Adds that flag to `sub`.
void AddAssertFormatFlag(CLI::App* sub, bool* target);
jsonschema::FormatMode FormatModeOf(bool assert_format);

// The dialect named by `name` (a --dialect value or a contract file's
// `dialect:`), jsonschema::kDefaultDialect when `name` is empty. nullopt for
// an unknown name.
std::optional<jsonschema::Dialect> DialectOrDefault(std::string_view name);

// "unknown value 'V' (did you mean 'X'?); allowed: A, B, C" (the hint only
// when one of `allowed` is close to `value`, ignoring case).
std::string UnknownValueMessage(std::string_view value, const std::vector<std::string>& allowed);

// A CLI11 validator accepting the names `from_string` knows. A value it does
// not know is refused naming the value, the nearest of `allowed` when it is
// close (ClosestWord, compared upper-case: the names are case-insensitive) and
// every allowed value: "unknown value 'BACKWRD' (did you mean 'BACKWARD'?);
// allowed: NONE, BACKWARD, ...".
template <typename FromString>
CLI::Validator NameValidator(std::string description, FromString from_string,
                             std::vector<std::string> allowed) {
  CLI::Validator validator(
      [from_string, allowed](std::string& value) -> std::string {
        if (from_string(value)) return {};
        return UnknownValueMessage(value, allowed);
      },
      std::move(description));
  validator.name(AllowedValuesName(allowed));  // for `accord completion`
  return validator;
}

// Prints "accord CMD: error: <error>" to stderr.
void PrintError(std::string_view command, const Error& error);

// The schema `document` names among `schema`'s references (a finding's
// writer_document / reader_document), or nullptr.
const compat::ReferencedSchema* ReferencedDocument(const compat::Schema& schema,
                                                   std::string_view document);
// Whether a referenced schema was read from a local file (FoundFile), so
// that its lines may be named.
bool IsLocalFile(const compat::ReferencedSchema& reference);

// The render context for a check of `files` (history oldest first, then the
// new schema): version i + 1 is files[i] (parsed as schemas[i]), the new
// schema is the last one (annotation lines come from its source). A finding
// inside a referenced schema is shown at that schema: its file (its line in
// GitHub annotations) or its registry version, by the reference of the
// version the side is in; a `--ref` document (`refs`) by its path. `schemas`
// must outlive the returned context.
compat::RenderContext MakeRenderContext(
    const std::vector<std::string>& files,
    const std::vector<std::shared_ptr<const compat::Schema>>& schemas,
    const std::vector<std::string>& refs, std::string mode);

}  // namespace accord::cli

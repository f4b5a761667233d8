// accord check OLD NEW | accord check --history V1 V2 ... NEW: compatibility
// of a candidate schema against its predecessor(s) under a level and policy.
// Exit 0 compatible, 1 incompatible, 2 usage, unreadable or invalid input.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "accord/compat/language.h"
#include "accord/compat/mode.h"
#include "accord/compat/references.h"
#include "accord/compat/render.h"
#include "check_support.h"
#include "commands.h"
#include "contract_file.h"
#include "named_references.h"

namespace accord::cli {

std::string SchemaFileUri(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) return "urn:accord:root";
  return "file://" + abs.lexically_normal().string();
}

Result<Document> LoadSchemaFile(const std::string& path) {
  LoadOptions options;
  options.record_positions = true;
  const compat::Language* by_name = compat::LanguageForFileName(path);
  const Syntax syntax =
      by_name != nullptr ? by_name->document_syntax().value_or(Syntax::kAuto) : Syntax::kAuto;
  return LoadFile(path, syntax, options);
}

Result<compat::SchemaSource> LoadSchemaSource(const std::string& path) {
  compat::SchemaSource source;
  source.name = path;
  const compat::Language* by_name = compat::LanguageForFileName(path);
  if (by_name != nullptr && !by_name->document_syntax()) {
    auto text = ReadFile(path, LoadOptions().max_bytes);
    if (!text) return std::unexpected(text.error());
    source.text = std::move(*text);
    return source;
  }
  auto doc = LoadSchemaFile(path);
  if (!doc) return std::unexpected(doc.error());
  source.document = std::make_shared<const Document>(std::move(*doc));
  return source;
}

Result<const compat::Language*> LanguageOf(const compat::SchemaSource& source) {
  if (const compat::Language* language = compat::DetectLanguage(source)) return language;
  Error e;
  e.code = ErrorCode::kUnsupported;
  e.file = source.name;
  e.message = "is in no schema language accord reads";
  return std::unexpected(std::move(e));
}

Result<const compat::Language*> CommonLanguage(const std::vector<compat::SchemaSource>& sources) {
  auto first = LanguageOf(sources.front());
  if (!first) return first;
  for (const compat::SchemaSource& source : sources) {
    auto language = LanguageOf(source);
    if (!language) return language;
    if (*language != *first) {
      Error e;
      e.code = ErrorCode::kUnsupported;
      e.file = source.name;
      e.message = "is " + std::string((*language)->display_name()) + " but " +
                  sources.front().name + " is " + std::string((*first)->display_name()) +
                  ": both sides of a check must be in one schema language";
      return std::unexpected(std::move(e));
    }
  }
  return first;
}

std::string LanguagesThat(bool (*accepts)(const compat::Language&)) {
  std::string out;
  for (const compat::Language* language : compat::Languages()) {
    if (!accepts(*language)) continue;
    if (!out.empty()) out += " and ";
    out += language->display_name();
  }
  return out;
}

Result<jsonschema::SchemaBundle> LoadRefBundle(const std::vector<std::string>& paths) {
  jsonschema::SchemaBundle bundle;
  for (const std::string& path : paths) {
    auto doc = LoadSchemaFile(path);
    if (!doc) return std::unexpected(doc.error());
    if (const json::Value* id = doc->root.Find("$id"); id != nullptr && id->IsString()) {
      std::string uri = id->AsString();
      if (auto hash = uri.find('#'); hash != std::string::npos) uri.resize(hash);
      if (!uri.empty()) bundle.Add(uri, doc->root);
    }
    const std::string file_uri = SchemaFileUri(path);
    if (file_uri.starts_with("file://")) bundle.Add(file_uri, doc->root);
  }
  return bundle;
}

namespace {

// "a, b and c".
std::string FolderList(const std::vector<std::string>& folders) {
  std::string out;
  for (std::size_t i = 0; i < folders.size(); ++i) {
    if (i > 0) out += i + 1 == folders.size() ? " and " : ", ";
    out += folders[i];
  }
  return out;
}

// The finder of ResolveFileImports: an import path joined to each search
// folder in turn (the main file's folder, then `import_path`).
FindReference ImportFolderFinder(const compat::SchemaSource& source,
                                 const std::vector<std::string>& import_path) {
  std::vector<std::string> folders;
  const std::string own = std::filesystem::path(source.name).parent_path().string();
  folders.push_back(own.empty() ? "." : own);
  for (const std::string& dir : import_path) {
    if (std::find(folders.begin(), folders.end(), dir) == folders.end()) folders.push_back(dir);
  }
  return [folders](const compat::SchemaImport& import,
                   const compat::SchemaSource& importer) -> Result<FoundReference> {
    const std::filesystem::path relative(import.name);
    bool climbs = false;
    for (const std::filesystem::path& part : relative) climbs = climbs || part == "..";
    if (relative.is_absolute() || climbs || import.name.empty()) {
      return std::unexpected(compat::ImportError(
          ErrorCode::kInvalidSchema, importer, import,
          "import \"" + import.name +
              "\" must be a relative path inside a search folder (no leading /, no ..)"));
    }
    for (const std::string& folder : folders) {
      const std::string path =
          folder == "." ? import.name : (std::filesystem::path(folder) / relative).string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) continue;
      return FoundFile(path);
    }
    return std::unexpected(
        compat::ImportError(ErrorCode::kNotFound, importer, import,
                            "import \"" + import.name + "\" not found in " + FolderList(folders) +
                                " (add the folder it is under with -I/--proto-path)"));
  };
}

// The references of `source` with `named` ones: its own imports, then each
// given name it does not import, each found among `named` first, then (a
// language importing files) in the import folders.
Result<std::vector<compat::ReferencedSchema>> ResolveNamedReferences(
    const compat::Language& language, const compat::SchemaSource& source,
    const std::vector<std::string>& import_path, jsonschema::Dialect dialect,
    const NamedReferences& named) {
  std::vector<compat::SchemaImport> imports;
  if (language.imports_files()) {
    auto own = language.Imports(source);
    if (!own) {
      Error e = own.error();
      e.file = source.name;
      return std::unexpected(std::move(e));
    }
    imports = std::move(*own);
  }
  for (const auto& [name, found] : named.given) {
    const bool listed = std::any_of(imports.begin(), imports.end(),
                                    [&](const compat::SchemaImport& i) { return i.name == name; });
    if (!listed) imports.push_back(compat::SchemaImport{name, {}});
  }
  FindReference folders;
  if (language.imports_files()) folders = ImportFolderFinder(source, import_path);
  FindReference find = [&named, &folders](
                           const compat::SchemaImport& import,
                           const compat::SchemaSource& importer) -> Result<FoundReference> {
    for (const auto* list : {&named.given, &named.nested}) {
      for (const auto& [name, found] : *list) {
        if (name == import.name) return found;
      }
    }
    if (folders) return folders(import, importer);
    return std::unexpected(compat::ImportError(ErrorCode::kNotFound, importer, import,
                                               "reference \"" + import.name + "\" is not given"));
  };
  return compat::ResolveReferences(imports, source, find, dialect);
}

}  // namespace

Result<FoundReference> FoundFile(const std::string& path) {
  auto source = LoadSchemaSource(path);
  if (!source) return std::unexpected(source.error());
  auto language = LanguageOf(*source);
  if (!language) return std::unexpected(language.error());
  auto imports = (*language)->Imports(*source);
  if (!imports) {
    Error e = imports.error();
    e.file = path;
    return std::unexpected(std::move(e));
  }
  FoundReference found;
  found.identity = SchemaFileUri(path);
  found.source = std::move(*source);
  found.language = *language;
  found.imports = std::move(*imports);
  return found;
}

Result<std::vector<compat::ReferencedSchema>> ResolveFileImports(
    const compat::Language& language, const compat::SchemaSource& source,
    const std::vector<std::string>& import_path, jsonschema::Dialect dialect) {
  if (!language.imports_files()) return std::vector<compat::ReferencedSchema>();
  auto imports = language.Imports(source);
  if (!imports) {
    Error e = imports.error();
    e.file = source.name;
    return std::unexpected(std::move(e));
  }
  if (imports->empty()) return std::vector<compat::ReferencedSchema>();
  return compat::ResolveReferences(*imports, source, ImportFolderFinder(source, import_path),
                                   dialect);
}

void AddImportPathOption(CLI::App* sub, std::vector<std::string>* target) {
  sub->add_option("-I,--proto-path", *target,
                  "a folder Protobuf imports are found in, after the schema file's own folder; "
                  "repeatable, searched in order")
      ->allow_extra_args(false);
}

Result<void> CheckImportPathApplies(const compat::Language& language,
                                    const std::vector<std::string>& import_path) {
  if (import_path.empty() || language.imports_files()) return {};
  return MakeError(ErrorCode::kUnsupported,
                   "--proto-path applies to " +
                       LanguagesThat([](const compat::Language& l) { return l.imports_files(); }) +
                       " only, not to " + std::string(language.display_name()));
}

Result<std::shared_ptr<const compat::Schema>> ParseSchemaFile(
    const compat::Language& language, compat::SchemaSource source, jsonschema::Dialect dialect,
    std::shared_ptr<const jsonschema::SchemaBundle> documents,
    const std::vector<std::string>& import_path, const NamedReferences& named) {
  compat::ParseOptions options;
  options.dialect = dialect;
  // With references by name, a relative $ref names one as the registry
  // reads it (the engine's default base), not a file next to this one.
  if (named.empty()) options.base_uri = SchemaFileUri(source.name);
  options.documents = std::move(documents);
  auto references = named.empty()
                        ? ResolveFileImports(language, source, import_path, dialect)
                        : ResolveNamedReferences(language, source, import_path, dialect, named);
  if (!references) return std::unexpected(references.error());
  options.references = std::move(*references);
  const compat::SchemaSource located = source;  // shares the document
  auto parsed = language.Parse(std::move(source), options);
  if (parsed) return parsed;
  Error e = parsed.error();
  // Errors inside a --ref document already name it; others are about the file.
  if (e.file.empty() || e.file == options.base_uri) {
    e.file = located.name;
    if (e.position.line == 0 && !e.pointer.empty() && located.document) {
      e.position = located.document->PositionOf(e.pointer);
    }
  }
  return std::unexpected(std::move(e));
}

Result<LoadedSchemas> LoadSchemasToCompare(const std::vector<std::string>& files,
                                           const std::vector<std::string>& refs,
                                           jsonschema::Dialect dialect,
                                           std::optional<compat::Policy> policy,
                                           const std::vector<std::string>& import_path,
                                           const NamedReferences& old_named,
                                           const NamedReferences& new_named) {
  std::vector<compat::SchemaSource> sources;
  sources.reserve(files.size());
  for (const std::string& path : files) {
    auto source = LoadSchemaSource(path);
    if (!source) return std::unexpected(source.error());
    sources.push_back(std::move(*source));
  }
  auto language = CommonLanguage(sources);
  if (!language) return std::unexpected(language.error());
  const compat::Language& lang = **language;
  LoadedSchemas loaded;
  loaded.language = &lang;
  std::shared_ptr<jsonschema::SchemaBundle> documents;
  if (!lang.accepts_documents()) {
    if (!refs.empty()) {
      return MakeError(ErrorCode::kUnsupported,
                       "--ref applies to " + LanguagesThat([](const compat::Language& l) {
                         return l.accepts_documents();
                       }) + " only, not to " +
                           std::string(lang.display_name()));
    }
  } else {
    auto bundle = LoadRefBundle(refs);
    if (!bundle) return std::unexpected(bundle.error());
    documents = std::make_shared<jsonschema::SchemaBundle>(std::move(*bundle));
  }
  if (policy && !lang.accepts_policy(*policy)) {
    return MakeError(ErrorCode::kUnsupported,
                     "--policy applies to " + LanguagesThat([](const compat::Language& l) {
                       return l.accepts_policy(compat::Policy::kLenient);
                     }) + " only; " +
                         std::string(lang.display_name()) + " follows the " +
                         std::string(lang.display_name()) + " specification");
  }
  if (auto applies = CheckImportPathApplies(lang, import_path); !applies) {
    return std::unexpected(applies.error());
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const NamedReferences& named = i + 1 == sources.size() ? new_named : old_named;
    auto parsed =
        ParseSchemaFile(lang, std::move(sources[i]), dialect, documents, import_path, named);
    if (!parsed) return std::unexpected(parsed.error());
    loaded.schemas.push_back(std::move(*parsed));
  }
  return loaded;
}

std::string UnknownValueMessage(std::string_view value, const std::vector<std::string>& allowed) {
  auto upper = [](std::string_view v) {
    std::string out(v);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  };
  std::vector<std::string> folded;
  for (const std::string& a : allowed) folded.push_back(upper(a));
  std::vector<std::string_view> candidates(folded.begin(), folded.end());
  std::string message = "unknown value '" + std::string(value) + "'";
  if (auto close = ClosestWord(upper(value), candidates)) {
    auto at = std::find(candidates.begin(), candidates.end(), *close) - candidates.begin();
    message += " (did you mean '" + allowed[static_cast<std::size_t>(at)] + "'?)";
  }
  message += "; allowed:";
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    message += (i == 0 ? " " : ", ") + allowed[i];
  }
  return message;
}

void AddDialectOption(CLI::App* sub, std::string* target) {
  sub->add_option("--dialect", *target,
                  "JSON Schema dialect of a schema without $schema: draft-04, draft-06, "
                  "draft-07 (default, as Confluent), 2019-09 or 2020-12")
      ->check(NameValidator("DIALECT", jsonschema::DialectFromString, kDialectNameList));
}

void AddAssertFormatFlag(CLI::App* sub, bool* target) {
  sub->add_flag("--assert-format", *target,
                "Make `format` an assertion: known formats constrain (one rule in check, diff "
                "and validate; default: an annotation, never checked, never breaking)");
}

jsonschema::FormatMode FormatModeOf(bool assert_format) {
  return assert_format ? jsonschema::FormatMode::kAssert : jsonschema::FormatMode::kAnnotate;
}

std::optional<jsonschema::Dialect> DialectOrDefault(std::string_view name) {
  if (name.empty()) return jsonschema::kDefaultDialect;
  return jsonschema::DialectFromString(name);
}

Error LocateError(Error error, const compat::SchemaSource& writer,
                  const compat::SchemaSource& reader) {
  const compat::SchemaSource* source = nullptr;
  // The engine names the documents "writer"/"reader" (DiffJsonSchema:
  // "old"/"new").
  if (error.file == "writer" || error.file == "old" || error.file == writer.name) source = &writer;
  if (error.file == "reader" || error.file == "new" || error.file == reader.name) source = &reader;
  if (source != nullptr) {
    error.file = source->name;
    if (error.position.line == 0 && !error.pointer.empty() && source->document) {
      error.position = source->document->PositionOf(error.pointer);
    }
  }
  return error;
}

int LineOf(const compat::SchemaSource& source, std::string_view pointer) {
  return source.document ? source.document->PositionOf(pointer).line : 0;
}

void PrintError(std::string_view command, const Error& error) {
  std::string line = "accord " + std::string(command) + ": error: " + error.ToString() + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

const compat::ReferencedSchema* ReferencedDocument(const compat::Schema& schema,
                                                   std::string_view document) {
  for (const compat::ReferencedSchema& r : schema.references()) {
    if (r.name == document && r.schema != nullptr) return &r;
  }
  return nullptr;
}

// FoundFile's identity is the file's URI (a registry version's is
// "subject\0version").
bool IsLocalFile(const compat::ReferencedSchema& reference) {
  return reference.identity.starts_with("file://");
}

compat::RenderContext MakeRenderContext(
    const std::vector<std::string>& files,
    const std::vector<std::shared_ptr<const compat::Schema>>& schemas,
    const std::vector<std::string>& refs, std::string mode) {
  compat::RenderContext ctx;
  for (std::size_t i = 0; i + 1 < files.size(); ++i) {
    if (i > 0) ctx.writer_name += ", ";
    ctx.writer_name += files[i];
  }
  ctx.reader_name = files.back();
  ctx.mode = std::move(mode);
  ctx.new_schema_file = files.back();
  // `schemas` outlive the context (see the header).
  const compat::SchemaSource& candidate = schemas.back()->source();
  ctx.new_schema_line = [&candidate](std::string_view pointer) {
    return LineOf(candidate, pointer);
  };
  ctx.version_names = files;
  ctx.new_schema_version = static_cast<int>(files.size());
  ctx.referenced = [&schemas, refs](bool new_side, int version, std::string_view document,
                                    std::string_view pointer) {
    compat::RenderContext::Place place;
    // The schema the side is in: its version's, else the new or the first.
    const std::size_t index = version > 0 && static_cast<std::size_t>(version) <= schemas.size()
                                  ? static_cast<std::size_t>(version) - 1
                              : new_side ? schemas.size() - 1
                                         : 0;
    if (const compat::ReferencedSchema* r = ReferencedDocument(*schemas[index], document)) {
      const compat::SchemaSource& source = r->schema->source();
      place.name = source.name;  // a file's path, or "SUBJECT version N"
      if (IsLocalFile(*r)) {
        place.file = source.name;
        place.line = LineOf(source, pointer);
      }
      return place;
    }
    // A --ref document, by the URIs LoadRefBundle stores it under: its $id
    // or its file's.
    for (const std::string& path : refs) {
      auto loaded = LoadSchemaFile(path);
      if (!loaded) continue;
      std::string id;
      if (const json::Value* v = loaded->root.Find("$id"); v != nullptr && v->IsString()) {
        id = v->AsString().substr(0, v->AsString().find('#'));
      }
      if (document != id && document != SchemaFileUri(path)) continue;
      place.name = path;
      place.file = path;
      place.line = loaded->PositionOf(pointer).line;
      return place;
    }
    return place;
  };
  return ctx;
}

namespace {

struct CheckArgs {
  std::vector<std::string> files;
  bool history = false;
  std::string mode = "BACKWARD";
  std::string policy = "STRICT";
  std::string format = "text";
  std::vector<std::string> refs;
  std::string dialect;
  bool assert_format = false;
  std::vector<std::string> import_path;
  std::vector<std::string> old_refs;  // --old-ref NAME=FILE|SUBJECT:VERSION
  std::vector<std::string> new_refs;  // --new-ref
  RegistryFlags registry;             // for references to registry versions
};

int RunCheck(const CheckArgs& args) {
  auto usage = [](std::string message) {
    PrintError("check", MakeError(ErrorCode::kUnsupported, std::move(message)).error());
    return kExitUsage;
  };
  if (!args.history && args.files.size() != 2) {
    return usage("expected OLD and NEW schema files (or --history V1 ... NEW), got " +
                 std::to_string(args.files.size()) + " file(s)");
  }
  if (args.history && args.files.size() < 2) {
    return usage("--history needs at least one earlier version and the new schema");
  }
  auto level = compat::LevelFromString(args.mode);
  auto policy = compat::PolicyFromString(args.policy);
  auto format = compat::OutputFormatFromString(args.format);
  auto dialect = DialectOrDefault(args.dialect);
  // CLI11 validators have already rejected bad names; keep the check anyway.
  if (!level || !policy || !format || !dialect) {
    return usage("bad --mode, --policy, --format or --dialect");
  }

  auto named = LoadComparedReferences("check", args.old_refs, args.new_refs, args.registry);
  if (!named) return named.error();
  auto loaded = LoadSchemasToCompare(args.files, args.refs, *dialect, *policy, args.import_path,
                                     named->old_refs, named->new_refs);
  if (!loaded) {
    PrintError("check", loaded.error());
    return kExitUsage;
  }
  const std::vector<std::shared_ptr<const compat::Schema>>& schemas = loaded->schemas;
  const compat::Language& language = *loaded->language;
  compat::CheckOptions options;
  options.policy = *policy;
  options.format = FormatModeOf(args.assert_format);

  const std::size_t history_size = schemas.size() - 1;
  std::optional<Error> failure;
  compat::Report report = compat::CheckHistory(
      *level, history_size, [&](std::size_t w, std::size_t r) -> compat::Report {
        if (failure) return {};
        Result<compat::Report> result = language.Check(*schemas[w], *schemas[r], options);
        if (!result) {
          failure = LocateError(result.error(), schemas[w]->source(), schemas[r]->source());
          return {};
        }
        return std::move(*result);
      });
  if (failure) {
    PrintError("check", *failure);
    return kExitUsage;
  }
  // The changes that break neither direction, as `accord diff` lists them,
  // for every version the level checks the new one against (the latest
  // only, or every one for a transitive level), so that check and diff
  // count the same changes (with --mode FULL, the same breaking, undecided
  // and safe counts as `diff` of the pair; transitively, as the diffs of
  // every pair, each distinct change once, named by its first pair, oldest
  // first). NONE checks nothing and lists nothing. Undecided findings are
  // not SAFE and stay out of this list.
  std::vector<std::size_t> compared;
  for (const compat::CheckPair& p : compat::PairsFor(*level, history_size)) {
    const std::size_t old_index = p.writer == history_size ? p.reader : p.writer;
    if (std::find(compared.begin(), compared.end(), old_index) == compared.end())
      compared.push_back(old_index);
  }
  compat::internal::DistinctFindings seen_safe;
  for (std::size_t old_index : compared) {
    auto diff = language.Diff(*schemas[old_index], *schemas.back(), options);
    // (A diff error repeats the check's, which was reported above.)
    if (!diff) continue;
    for (compat::Finding& f : diff->findings) {
      if (f.severity != compat::Severity::kSafe) continue;
      if (!seen_safe.Insert(f)) continue;
      f.writer_version = static_cast<int>(old_index) + 1;
      f.reader_version = static_cast<int>(history_size) + 1;
      report.Add(std::move(f));
    }
  }
  compat::RenderContext ctx =
      MakeRenderContext(args.files, schemas, args.refs, std::string(compat::LevelName(*level)));
  std::string out = compat::Render(report, *format, ctx);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return report.compatible() ? kExitCompatible : kExitIncompatible;
}

}  // namespace

void RegisterCheck(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<CheckArgs>();
  auto* sub = app.add_subcommand("check",
                                 "Check that a new schema (JSON Schema, Avro or Protobuf) is "
                                 "compatible with the previous one(s).\n"
                                 "Exit 0 compatible, 1 incompatible, 2 usage or input error");
  sub->add_option("files", args->files,
                  "OLD NEW, or with --history every earlier version (oldest first) then NEW")
      ->required();
  sub->add_flag("--history", args->history,
                "FILES are a version history, oldest first, ending with the new schema");
  sub->add_option("--mode", args->mode,
                  "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, "
                  "FULL_TRANSITIVE (default BACKWARD)")
      ->check(NameValidator("LEVEL", compat::LevelFromString, kLevelNames));
  sub->add_option("--policy", args->policy, "strict (default) or lenient")
      ->check(NameValidator("POLICY", compat::PolicyFromString, kPolicyNames));
  sub->add_option("--format", args->format, "text (default), json, junit or github")
      ->check(NameValidator("FORMAT", compat::OutputFormatFromString, kFormatNames));
  sub->add_option("--ref", args->refs,
                  "a schema document that $refs may point to (by its $id or file:// path); "
                  "repeatable")
      ->allow_extra_args(false);
  AddImportPathOption(sub, &args->import_path);
  AddComparedReferenceOptions(*sub, args->old_refs, args->new_refs, args->registry);
  AddDialectOption(sub, &args->dialect);
  AddAssertFormatFlag(sub, &args->assert_format);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunCheck(*args); }; });
}

}  // namespace accord::cli

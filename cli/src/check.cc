// accord check OLD NEW | accord check --history V1 V2 ... NEW: compatibility
// of a candidate schema against its predecessor(s) under a level and policy.
// Exit 0 compatible, 1 incompatible, 2 usage, unreadable or invalid input.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accord/compat/avro_compat.h"
#include "accord/compat/jsonschema_compat.h"
#include "accord/compat/mode.h"
#include "accord/compat/render.h"
#include "accord/schemas/avro.h"
#include "check_support.h"
#include "commands.h"
#include "contract_file.h"

namespace accord::cli {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string SchemaFileUri(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) return "urn:accord:root";
  return "file://" + abs.lexically_normal().string();
}

Result<Document> LoadSchemaFile(const std::string& path) {
  LoadOptions options;
  options.record_positions = true;
  return LoadFile(path, EndsWith(path, ".avsc") ? Syntax::kJson : Syntax::kAuto, options);
}

SchemaLanguage DetectLanguage(const Document& doc) {
  if (EndsWith(doc.file, ".avsc") || avro::LooksLikeAvro(doc.root)) return SchemaLanguage::kAvro;
  return SchemaLanguage::kJsonSchema;
}

Result<SchemaLanguage> CommonLanguage(const std::vector<Document>& docs) {
  SchemaLanguage first = DetectLanguage(docs.front());
  for (const Document& doc : docs) {
    if (DetectLanguage(doc) != first) {
      Error e;
      e.code = ErrorCode::kUnsupported;
      e.file = doc.file;
      e.message = std::string("is ") + (first == SchemaLanguage::kAvro ? "JSON Schema" : "Avro") +
                  " but " + docs.front().file + " is " +
                  (first == SchemaLanguage::kAvro ? "Avro" : "JSON Schema") +
                  ": both sides of a check must be in one schema language";
      return std::unexpected(std::move(e));
    }
  }
  return first;
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

Result<void> ValidateSchemaDocument(const Document& doc, const jsonschema::SchemaBundle& bundle,
                                    jsonschema::Dialect dialect) {
  jsonschema::CompileOptions options;
  options.default_dialect = dialect;
  options.base_uri = SchemaFileUri(doc.file);
  auto compiled = jsonschema::Validator::Compile(doc.root, bundle, options);
  if (compiled) return {};
  Error e = compiled.error();
  // Errors inside a --ref document already name it; others are about `doc`.
  if (e.file.empty() || e.file == options.base_uri) {
    e.file = doc.file;
    if (e.position.line == 0 && !e.pointer.empty()) e.position = doc.PositionOf(e.pointer);
  }
  return std::unexpected(std::move(e));
}

Result<LoadedSchemas> LoadSchemasToCompare(const std::vector<std::string>& files,
                                           const std::vector<std::string>& refs,
                                           jsonschema::Dialect dialect) {
  LoadedSchemas loaded;
  loaded.docs.reserve(files.size());
  for (const std::string& path : files) {
    auto doc = LoadSchemaFile(path);
    if (!doc) return std::unexpected(doc.error());
    loaded.docs.push_back(std::move(*doc));
  }
  auto language = CommonLanguage(loaded.docs);
  if (!language) return std::unexpected(language.error());
  loaded.language = *language;
  if (loaded.language == SchemaLanguage::kAvro) {
    if (!refs.empty()) {
      return MakeError(ErrorCode::kUnsupported, "--ref applies to JSON Schema only, not to Avro");
    }
    return loaded;  // the Avro engine parses and reports
  }
  auto bundle = LoadRefBundle(refs);
  if (!bundle) return std::unexpected(bundle.error());
  loaded.bundle = std::move(*bundle);
  for (const Document& doc : loaded.docs) {
    if (auto valid = ValidateSchemaDocument(doc, loaded.bundle, dialect); !valid) {
      return std::unexpected(valid.error());
    }
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

Error LocateError(Error error, const Document& writer, const Document& reader) {
  const Document* doc = nullptr;
  // The engine names the documents "writer"/"reader" (DiffJsonSchema:
  // "old"/"new").
  if (error.file == "writer" || error.file == "old" || error.file == writer.file) doc = &writer;
  if (error.file == "reader" || error.file == "new" || error.file == reader.file) doc = &reader;
  if (doc != nullptr) {
    error.file = doc->file;
    if (error.position.line == 0 && !error.pointer.empty()) {
      error.position = doc->PositionOf(error.pointer);
    }
  }
  return error;
}

void PrintError(std::string_view command, const Error& error) {
  std::string line = "accord " + std::string(command) + ": error: " + error.ToString() + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

compat::RenderContext MakeRenderContext(const std::vector<std::string>& files,
                                        const Document& candidate, std::string mode) {
  compat::RenderContext ctx;
  for (std::size_t i = 0; i + 1 < files.size(); ++i) {
    if (i > 0) ctx.writer_name += ", ";
    ctx.writer_name += files[i];
  }
  ctx.reader_name = files.back();
  ctx.mode = std::move(mode);
  ctx.new_schema_file = files.back();
  // `candidate` outlives the context (see the header).
  ctx.new_schema_line = [&candidate](std::string_view pointer) {
    return candidate.PositionOf(pointer).line;
  };
  ctx.version_names = files;
  ctx.new_schema_version = static_cast<int>(files.size());
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

  auto loaded = LoadSchemasToCompare(args.files, args.refs, *dialect);
  if (!loaded) {
    PrintError("check", loaded.error());
    return kExitUsage;
  }
  const std::vector<Document>& docs = loaded->docs;
  const bool avro = loaded->language == SchemaLanguage::kAvro;
  if (avro && *policy != compat::Policy::kStrict) {
    return usage("--policy applies to JSON Schema only; Avro follows the Avro specification");
  }
  compat::JsonSchemaCheckOptions options;
  options.policy = *policy;
  options.bundle = &loaded->bundle;
  options.default_dialect = *dialect;
  options.format = FormatModeOf(args.assert_format);

  const std::size_t history_size = docs.size() - 1;
  std::optional<Error> failure;
  compat::Report report = compat::CheckHistory(
      *level, history_size, [&](std::size_t w, std::size_t r) -> compat::Report {
        if (failure) return {};
        Result<compat::Report> result;
        if (avro) {
          result = compat::CheckAvro(docs[w].root, docs[r].root);
        } else {
          options.writer_base_uri = SchemaFileUri(docs[w].file);
          options.reader_base_uri = SchemaFileUri(docs[r].file);
          result = compat::CheckJsonSchema(docs[w].root, docs[r].root, options);
        }
        if (!result) {
          failure = LocateError(result.error(), docs[w], docs[r]);
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
    options.writer_base_uri = SchemaFileUri(docs[old_index].file);
    options.reader_base_uri = SchemaFileUri(docs.back().file);
    auto diff = avro ? compat::DiffAvro(docs[old_index].root, docs.back().root)
                     : compat::DiffJsonSchema(docs[old_index].root, docs.back().root, options);
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
      MakeRenderContext(args.files, docs.back(), std::string(compat::LevelName(*level)));
  std::string out = compat::Render(report, *format, ctx);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return report.compatible() ? kExitCompatible : kExitIncompatible;
}

}  // namespace

void RegisterCheck(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<CheckArgs>();
  auto* sub = app.add_subcommand(
      "check",
      "Check that a new schema (JSON Schema or Avro) is compatible with the previous one(s).\n"
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
  AddDialectOption(sub, &args->dialect);
  AddAssertFormatFlag(sub, &args->assert_format);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunCheck(*args); }; });
}

}  // namespace accord::cli

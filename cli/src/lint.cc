// accord lint SCHEMA...: the governance rules of compat/lint.h on local schema
// files (JSON Schema as JSON or YAML, Avro, or Protobuf, its imports found
// through -I as check_support.h's IMPORT SEARCH says).
//
//   accord lint [--subject S] [--owner T] [--config FILE] [--format F] [-I DIR] FILE...
//
// The subject rules run only with --subject (a file name says nothing about
// the subject it will be registered under). --config reads the `lint:`
// section of a YAML file (the server's config file works), or the whole file
// when it has no `lint:` key.
//
// Output formats:
//   text    FILE:LINE:COL: error [rule] message     then "N files: E errors, W warnings"
//   json    {"files": [{"file", "subject"?, "findings": [{"rule", "level",
//            "pointer", "line", "column", "message"}]}], "errors", "warnings"}
//   junit   one testcase per file and enabled rule (failure on an error)
//   github  ::error/::warning file=F,line=L,title=rule::message
// Exit codes: 0 no errors (warnings allowed), 1 an error, 2 usage or a file
// that cannot be read or parsed.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "accord/compat/lint.h"
#include "accord/compat/render.h"
#include "accord/schemas/load.h"
#include "check_support.h"
#include "commands.h"

namespace accord::cli {
namespace {

namespace lint = compat::lint;

struct LintArgs {
  std::vector<std::string> files;
  std::string subject;
  std::string owner;
  std::string config;
  std::string format = "text";
  std::vector<std::string> import_path;
};

struct FileResult {
  compat::SchemaSource source;
  std::vector<lint::Finding> findings;

  const std::string& file() const { return source.name; }
  Position PositionOf(std::string_view pointer) const {
    return source.document ? source.document->PositionOf(pointer) : Position{};
  }
};

Result<lint::Config> LoadConfig(const std::string& path) {
  if (path.empty()) return lint::Config{};
  auto doc = LoadFile(path, Syntax::kYaml);
  if (!doc) return std::unexpected(doc.error());
  const json::Value* section = &doc->root;
  if (section->IsObject()) {
    if (const json::Value* nested = section->Find("lint")) section = nested;
  }
  auto config = lint::ParseConfig(*section);
  if (!config) {
    Error e = config.error();
    e.file = path;
    return std::unexpected(e);
  }
  return config;
}

std::size_t Count(const std::vector<FileResult>& results, lint::Level level) {
  std::size_t n = 0;
  for (const FileResult& r : results) {
    for (const lint::Finding& f : r.findings) n += f.level == level ? 1 : 0;
  }
  return n;
}

std::string Summary(const std::vector<FileResult>& results) {
  const std::size_t errors = Count(results, lint::Level::kError);
  const std::size_t warnings = Count(results, lint::Level::kWarning);
  return std::to_string(results.size()) + (results.size() == 1 ? " file: " : " files: ") +
         std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") +
         std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings") + "\n";
}

std::string Where(const FileResult& r, const lint::Finding& f) {
  const Position p = r.PositionOf(f.pointer);
  std::string out = r.file();
  if (p.line > 0) out += ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
  return out;
}

std::string RenderText(const std::vector<FileResult>& results) {
  std::string out;
  for (const FileResult& r : results) {
    for (const lint::Finding& f : r.findings) {
      out += Where(r, f) + ": " + std::string(lint::LevelName(f.level)) + " [" + f.rule + "] " +
             f.message + "\n";
    }
  }
  return out + Summary(results);
}

std::string RenderJson(const std::vector<FileResult>& results, const std::string& subject) {
  json::Array files;
  for (const FileResult& r : results) {
    json::Array findings;
    for (const lint::Finding& f : r.findings) {
      const Position p = r.PositionOf(f.pointer);
      json::Value o{json::Object{}};
      o.Add("rule", f.rule);
      o.Add("level", std::string(lint::LevelName(f.level)));
      o.Add("pointer", f.pointer);
      o.Add("line", static_cast<std::int64_t>(p.line));
      o.Add("column", static_cast<std::int64_t>(p.column));
      o.Add("message", f.message);
      findings.push_back(std::move(o));
    }
    json::Value file{json::Object{}};
    file.Add("file", r.file());
    if (!subject.empty()) file.Add("subject", subject);
    file.Add("findings", json::Value(std::move(findings)));
    files.push_back(std::move(file));
  }
  json::Value root{json::Object{}};
  root.Add("files", json::Value(std::move(files)));
  root.Add("errors", static_cast<std::int64_t>(Count(results, lint::Level::kError)));
  root.Add("warnings", static_cast<std::int64_t>(Count(results, lint::Level::kWarning)));
  return json::ToPrettyJson(root) + "\n";
}

std::string RenderJunit(const std::vector<FileResult>& results, const lint::Config& config) {
  std::string cases;
  std::size_t tests = 0;
  std::size_t failures = 0;
  for (const FileResult& r : results) {
    for (const lint::RuleInfo& rule : lint::Rules()) {
      if (config.LevelOf(rule.id) == lint::Level::kOff) continue;
      ++tests;
      std::string failure_text;
      std::string notes;
      std::string first;
      for (const lint::Finding& f : r.findings) {
        if (f.rule != rule.id) continue;
        const std::string line = Where(r, f) + ": " + f.message + "\n";
        if (f.level == lint::Level::kError) {
          if (first.empty()) first = f.message;
          failure_text += line;
        } else {
          notes += line;
        }
      }
      cases += "    <testcase classname=\"" + compat::XmlEscape(r.file(), true) + "\" name=\"" +
               compat::XmlEscape(std::string(rule.id), true) + "\">\n";
      if (!failure_text.empty()) {
        ++failures;
        cases += "      <failure type=\"" + compat::XmlEscape(std::string(rule.id), true) +
                 "\" message=\"" + compat::XmlEscape(first, true) + "\">" +
                 compat::XmlEscape(failure_text) + "</failure>\n";
      }
      if (!notes.empty())
        cases += "      <system-out>" + compat::XmlEscape(notes) + "</system-out>\n";
      cases += "    </testcase>\n";
    }
  }
  const std::string counts = "tests=\"" + std::to_string(tests) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"0\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites " + counts + ">\n" +
         "  <testsuite name=\"accord lint\" " + counts + " skipped=\"0\">\n" + cases +
         "  </testsuite>\n</testsuites>\n";
}

std::string RenderGithub(const std::vector<FileResult>& results) {
  std::string out;
  for (const FileResult& r : results) {
    for (const lint::Finding& f : r.findings) {
      int line = r.PositionOf(f.pointer).line;
      if (line < 1) line = 1;
      out += f.level == lint::Level::kError ? "::error" : "::warning";
      out += " file=" + compat::GithubEscapeProperty(r.file()) + ",line=" + std::to_string(line) +
             ",title=" + compat::GithubEscapeProperty(f.rule) +
             "::" + compat::GithubEscapeData(f.message) + "\n";
    }
  }
  return out + Summary(results);
}

int RunLint(const LintArgs& args) {
  const auto format = compat::OutputFormatFromString(args.format);
  if (!format) {
    PrintError("lint", Error{ErrorCode::kUnsupported,
                             "unknown --format '" + args.format + "' (text, json, junit, github)",
                             {},
                             {},
                             {}});
    return kExitUsage;
  }
  auto config = LoadConfig(args.config);
  if (!config) {
    PrintError("lint", config.error());
    return kExitUsage;
  }
  std::vector<FileResult> results;
  for (const std::string& file : args.files) {
    auto source = LoadSchemaSource(file);
    if (!source) {
      PrintError("lint", source.error());
      return kExitUsage;
    }
    auto language = LanguageOf(*source);
    if (!language) {
      PrintError("lint", language.error());
      return kExitUsage;
    }
    if (auto applies = CheckImportPathApplies(**language, args.import_path); !applies) {
      PrintError("lint", applies.error());
      return kExitUsage;
    }
    auto references = ResolveFileImports(**language, *source, args.import_path);
    if (!references) {
      PrintError("lint", references.error());
      return kExitUsage;
    }
    lint::Input input;
    input.subject = args.subject;
    input.owner = args.owner;
    input.type = (*language)->type();
    input.references = &*references;
    FileResult r{std::move(*source), {}};
    input.source = &r.source;
    r.findings = lint::Lint(input, *config);
    results.push_back(std::move(r));
  }
  std::string out;
  switch (*format) {
    case compat::OutputFormat::kText:
      out = RenderText(results);
      break;
    case compat::OutputFormat::kJson:
      out = RenderJson(results, args.subject);
      break;
    case compat::OutputFormat::kJunit:
      out = RenderJunit(results, *config);
      break;
    case compat::OutputFormat::kGithub:
      out = RenderGithub(results);
      break;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  for (const FileResult& r : results) {
    if (lint::HasErrors(r.findings)) return 1;
  }
  return 0;
}

}  // namespace

void RegisterLint(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<LintArgs>();
  auto* sub = app.add_subcommand("lint", "Check schemas against the governance rules");
  sub->add_option("files", args->files,
                  "schema files (JSON Schema as JSON/YAML, Avro, or Protobuf)")
      ->required();
  AddImportPathOption(sub, &args->import_path);
  sub->add_option("--subject", args->subject, "subject the schema is registered under");
  sub->add_option("--owner", args->owner, "owning team");
  sub->add_option("--config", args->config, "YAML file with a `lint:` section");
  sub->add_option("--format", args->format, "text, json, junit or github")->capture_default_str();
  sub->callback([&commands, args] { commands.run = [args] { return RunLint(*args); }; });
}

}  // namespace accord::cli

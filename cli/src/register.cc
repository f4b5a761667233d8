// accord register SUBJECT SCHEMA_FILE [--owner TEAM] [--type JSON|AVRO|PROTOBUF]
// [-I DIR] [--ref NAME=SUBJECT:VERSION]...: registers a schema as the
// subject's next version (or finds it is there already), and optionally sets
// the subject's owner. A schema that imports files (Protobuf) has them
// registered first, each under its import path as subject
// (registry_references.h), and names them in `references`; `--ref` names a
// registered version instead (VERSION a number or `latest`, sent as the
// number it is now): a JSON Schema `$ref`s it by NAME, an Avro schema uses
// the types it defines (NAME: a full name it defines), a Protobuf schema
// imports it as NAME.
//
// --owner is one write: with a new version, the registration carries it
// (Accord's `?owner=`, refused as a whole, nothing written, when the key may
// not set that owner); when the subject holds the schema already, only the
// owner is set (PUT .../metadata {"owner"}).
//
// The language is detected from the file as `accord check` does (.avsc or
// Avro-shaped content: AVRO, else JSON Schema) unless --type says. The
// schema is checked locally first (errors with file:line) in the language
// detected, with its references, unless --type names another one (the
// registry then judges); a YAML file is sent as its JSON text, a JSON file
// (or a text language's file) as written.
//
// Text output: first one line per imported file, "registered PATH version N
// (id I) (imported)" or "unchanged: PATH already has this schema as version N
// (id I) (imported)"; then "registered SUBJECT version N (id I)" or
// "unchanged: SUBJECT already has this schema as version N (id I)", then
// "owner: TEAM" with --owner. JSON output: {"subject", "version", "id",
// "registered": bool, "references"?: [{"subject", "version", "id",
// "registered"}] for the imported files, "metadata"?: the subject's catalog
// metadata after --owner}.
// Exit 0 registered or unchanged; 1 refused (incompatible, or the owner not
// allowed: the server's messages are printed, one incompatibility a line); 2
// usage, unreadable or invalid schema, a bad --ref; 3 unreachable.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "check_support.h"
#include "commands.h"
#include "named_references.h"
#include "owner_support.h"
#include "registry_references.h"

namespace accord::cli {
namespace {

struct RegisterArgs {
  std::string subject;
  std::string file;
  std::string owner;
  std::string type;  // "" or a schema type name (--type)
  std::vector<std::string> import_path;
  std::vector<std::string> refs;  // --ref NAME=SUBJECT:VERSION
  OwnerOptions options;
};

struct SchemaToSend {
  std::string text;
  std::string type;  // a schema type name ("JSON", "AVRO", or --type as given)
  // Parsed locally (unless --type names another language); its references
  // (imported files) are registered first.
  std::shared_ptr<const compat::Schema> parsed;
};

// Loads and checks the file; prints the error and returns nullopt on failure.
std::optional<SchemaToSend> LoadSchemaToSend(const RegisterArgs& args,
                                             const NamedReferences& named) {
  auto source = LoadSchemaSource(args.file);
  if (!source) {
    PrintError("register", source.error());
    return std::nullopt;
  }
  auto detected = LanguageOf(*source);
  if (!detected) {
    PrintError("register", detected.error());
    return std::nullopt;
  }
  SchemaToSend out;
  out.type = !args.type.empty() ? args.type : std::string(SchemaTypeName((*detected)->type()));
  if (auto applies = CheckImportPathApplies(**detected, args.import_path); !applies) {
    PrintError("register", applies.error());
    return std::nullopt;
  }
  if (SchemaTypeFromString(out.type) == (*detected)->type()) {
    // A local check before sending; the registry reads the schema with its
    // own dialect setting (draft-07 unless configured, as here).
    auto valid = ParseSchemaFile(**detected, *source, jsonschema::kDefaultDialect, nullptr,
                                 args.import_path, named);
    if (!valid) {
      PrintError("register", valid.error());
      return std::nullopt;
    }
    out.parsed = std::move(*valid);
  }
  if (!source->document) {
    out.text = source->text;
    return out;
  }
  // JSON text is sent as written; YAML (and stdin) as its JSON form.
  if (args.file != "-") {
    auto text = ReadFile(args.file, LoadOptions().max_bytes);
    if (text && ParseJson(*text)) {
      out.text = std::move(*text);
      return out;
    }
  }
  out.text = json::ToJson(source->document->root);
  return out;
}

// Sets the subject's owner alone, keeping the rest of its catalog metadata
// (members left out of a PUT are kept); replies with the stored metadata.
ClientResult<json::Value> SetOwner(RegistryClient& client, const std::string& subject,
                                   const std::string& owner) {
  json::Value body{json::Object{}};
  body.Add("owner", owner);
  return client.Put("/accord/v1/subjects/" + RegistryClient::Segment(subject) + "/metadata", body);
}

// The text between `open` and `close` in `item`, from `at` on; advances `at`.
std::optional<std::string_view> Between(std::string_view item, std::size_t& at,
                                        std::string_view open, std::string_view close) {
  const std::size_t start = item.find(open, at);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t end = item.find(close, start + open.size());
  if (end == std::string_view::npos) return std::nullopt;
  at = end;
  return item.substr(start + open.size(), end - start - open.size());
}

// One item of the details list: an incompatibility as "KIND: description
// (paths)" with its witness on the next line; any other item as it is.
std::string DetailLine(std::string_view item) {
  std::size_t at = 0;
  auto kind = Between(item, at, "{errorType:'", "', description:'");
  auto description = Between(item, at, "', description:'", "', additionalInfo:'");
  auto info = Between(item, at, "', additionalInfo:'", "', witness:'");
  auto witness = Between(item, at, "', witness:'", "'}");
  if (!kind || !description || !info) {
    if (item.starts_with('{') && item.ends_with('}')) item = item.substr(1, item.size() - 2);
    return "  " + std::string(item) + "\n";
  }
  std::string line = "  " + std::string(*kind) + ": " + std::string(*description) + " (" +
                     std::string(*info) + ")\n";
  if (witness) line += "    witness: " + std::string(*witness) + "\n";
  return line;
}

// Prints a refusal. The registry's 409 message lists the incompatibilities
// as Confluent does ("…, details: [{errorType:'K', description:'D',
// additionalInfo:'A', witness:'W'}, …, {oldSchemaVersion: N},
// {compatibility: 'LEVEL'}]"): the sentence goes on the error line, each
// item on a line of its own. Another message is printed as it is.
int ReportRefusal(const ClientError& error) {
  constexpr std::string_view kDetails = ", details: [";
  const std::size_t details = error.message.find(kDetails);
  if (!error.Is(40901) || details == std::string::npos || !error.message.ends_with(']')) {
    return ReportClientError("register", error);
  }
  ClientError head = error;
  head.message = error.message.substr(0, details);
  std::string out = "accord register: error: " + head.ToString() + "\n";
  // Items are {...} at brace depth 0 (witnesses nest braces, balanced).
  const std::string_view list =
      std::string_view(error.message)
          .substr(details + kDetails.size())
          .substr(0, error.message.size() - details - kDetails.size() - 1);
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] == '{' && depth++ == 0) start = i;
    if (list[i] == '}' && depth > 0 && --depth == 0) {
      out += DetailLine(list.substr(start, i - start + 1));
    }
  }
  std::fwrite(out.data(), 1, out.size(), stderr);
  return ExitCodeFor(error);
}

int RunRegister(const RegisterArgs& args) {
  auto named_refs = ParseNamedRefs(args.refs, "--ref", false);
  if (!named_refs) {
    PrintError("register", named_refs.error());
    return kExitBadUsage;
  }
  auto client = OpenClient("register", args.options);
  if (!client) return client.error();
  RegistryClient& registry = **client;
  // The versions --ref names, fetched first: the local check reads them.
  auto fetched = FetchNamedRefs(registry, *named_refs);
  if (!fetched) return ReportClientError("register", fetched.error());
  auto named = LoadNamedReferences(*named_refs, *fetched);
  if (!named) {
    PrintError("register", named.error());
    return kExitBadUsage;
  }
  std::optional<SchemaToSend> schema = LoadSchemaToSend(args, *named);
  if (!schema) return kExitBadUsage;
  const std::vector<SchemaReference> pinned = PinnedReferences(*named_refs);

  SchemaReferences refs;
  refs.references = pinned;
  if (schema->parsed) {
    auto resolved =
        ResolveRegistryReferences(registry, *schema->parsed, ReferenceMode::kRegister, pinned);
    if (!resolved) return ReportRefusal(resolved.error());
    refs = std::move(*resolved);
  }
  const std::vector<SchemaReference>& references = *refs.references;
  auto existing = registry.Lookup(args.subject, schema->text, schema->type, references);
  if (!existing) return ReportClientError("register", existing.error());
  const bool registered = !existing->has_value();
  std::int64_t id = 0;
  std::int32_t version = 0;
  json::Value metadata;
  if (registered) {
    // The owner goes with the registration: one write, or none.
    auto result = registry.Register(args.subject, schema->text, schema->type, json::Value(),
                                    references, args.owner);
    if (!result) return ReportRefusal(result.error());
    id = result->id;
    version = result->version;
    if (version == 0) {  // the Confluent reply names only the id
      auto found = registry.Lookup(args.subject, schema->text, schema->type, references);
      if (!found) return ReportClientError("register", found.error());
      if (found->has_value()) version = (*found)->version;
    }
    if (!args.owner.empty() && args.options.Format() == OwnerFormat::kJson) {
      auto read = registry.Get("/accord/v1/subjects/" + RegistryClient::Segment(args.subject) +
                               "/metadata");
      if (!read) return ReportClientError("register", read.error());
      metadata = std::move(*read);
    }
  } else {
    id = (*existing)->id;
    version = (*existing)->version;
    if (!args.owner.empty()) {
      auto set = SetOwner(registry, args.subject, args.owner);
      if (!set) return ReportClientError("register", set.error());
      metadata = std::move(*set);
    }
  }

  if (args.options.Format() == OwnerFormat::kJson) {
    json::Value out{json::Object{}};
    out.Add("subject", args.subject);
    out.Add("version", static_cast<std::int64_t>(version));
    out.Add("id", id);
    out.Add("registered", registered);
    if (!refs.outcomes.empty()) {
      json::Array list;
      for (const ReferenceOutcome& o : refs.outcomes) {
        json::Value r{json::Object{}};
        r.Add("subject", o.subject);
        r.Add("version", static_cast<std::int64_t>(o.version));
        r.Add("id", o.id);
        r.Add("registered", o.registered);
        list.push_back(std::move(r));
      }
      out.Add("references", json::Value(std::move(list)));
    }
    if (!args.owner.empty()) out.Add("metadata", std::move(metadata));
    PrintJson(out);
    return kExitOk;
  }
  for (const ReferenceOutcome& o : refs.outcomes) {
    // Each imported file, under its import path, before the schema itself.
    const std::string at =
        "version " + std::to_string(o.version) + " (id " + std::to_string(o.id) + ")";
    if (o.registered) {
      std::printf("registered %s %s (imported)\n", o.subject.c_str(), at.c_str());
    } else {
      std::printf("unchanged: %s already has this schema as %s (imported)\n", o.subject.c_str(),
                  at.c_str());
    }
  }
  const std::string where =
      "version " + std::to_string(version) + " (id " + std::to_string(id) + ")";
  if (registered) {
    std::printf("registered %s %s\n", args.subject.c_str(), where.c_str());
  } else {
    std::printf("unchanged: %s already has this schema as %s\n", args.subject.c_str(),
                where.c_str());
  }
  if (!args.owner.empty()) std::printf("owner: %s\n", args.owner.c_str());
  return kExitOk;
}

}  // namespace

void RegisterRegister(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<RegisterArgs>();
  auto* sub = app.add_subcommand(
      "register",
      "Register a schema file as a subject's next version (unchanged when it is there already).\n"
      "Exit 0 ok, 1 refused (incompatible), 2 usage or bad file, 3 registry unreachable");
  sub->add_option("subject", args->subject, "Subject name")->required();
  sub->add_option("schema", args->file,
                  "Schema file: JSON Schema (JSON or YAML), Avro (.avsc) or Protobuf (.proto; its "
                  "imported files are registered first, each under its import path as subject)")
      ->required();
  AddImportPathOption(sub, &args->import_path);
  sub->add_option("--ref", args->refs,
                  "NAME=SUBJECT:VERSION: the schema refers to that registered version as NAME "
                  "(a JSON Schema $ref, an Avro type's full name, a Protobuf import); VERSION a "
                  "number or latest; repeatable")
      ->allow_extra_args(false);
  sub->add_option("--owner", args->owner,
                  "Set the subject's owner (team) in the same request as the registration");
  std::vector<std::string> types;  // the types with a language, in the table's order
  std::string names;
  for (const compat::Language* language : compat::Languages()) {
    types.emplace_back(SchemaTypeName(language->type()));
    names += (names.empty() ? "" : " or ") + types.back();
  }
  sub->add_option("--type", args->type, names + " (default: detected from the file)")
      ->check(CLI::IsMember(types, CLI::ignore_case));
  AddOwnerOptions(*sub, args->options);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunRegister(*args); }; });
}

}  // namespace accord::cli

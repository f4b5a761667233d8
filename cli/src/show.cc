// accord show SUBJECT [--version N]: a subject's catalog entry (GET
// /accord/v1/subjects/{s}): owner, description, tags, versions with their
// states and sunset dates, consumers; or, with --version, one version (GET
// /accord/v1/subjects/{s}/versions/{v}) with its schema and field table
// (GET …/versions/{v}/fields unless the version reply holds "fields").
//
// Text output: "key: value" lines, then indented tables. JSON output: the
// server's reply, pretty-printed (for a version, with "fields" added when
// they came from the fields endpoint).
// Exit 0 ok; 1 unknown subject or version; 2 usage; 3 registry unreachable.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "accord/schemas/load.h"
#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct ShowArgs {
  std::string subject;
  int version = 0;
  OwnerOptions options;
};

void PrintLine(std::string_view key, const std::string& value) {
  std::printf("%-13s%s\n", (std::string(key) + ":").c_str(), value.c_str());
}

void PrintTable(std::vector<std::vector<std::string>> rows) {
  std::string table = FormatTable(rows, "  ");
  std::fwrite(table.data(), 1, table.size(), stdout);
}

std::string VersionsText(const json::Value& consumer) {
  const json::Value* v = Field(consumer, {"versions"});
  if (v == nullptr || (v->IsArray() && v->AsArray().empty())) return "all";
  return FieldText(consumer, {"versions"}, "all");
}

void PrintSubject(const json::Value& entry, const std::string& subject) {
  PrintLine("subject", FieldText(entry, {"subject", "name"}, subject));
  PrintLine("owner", FieldText(entry, {"owner", "metadata.owner"}));
  PrintLine("description", FieldText(entry, {"description", "metadata.description"}));
  PrintLine("tags", FieldText(entry, {"tags", "metadata.tags"}));
  if (std::string pii = FieldText(entry, {"piiFields"}, ""); !pii.empty()) {
    PrintLine("pii fields", pii);
  }
  if (std::string producers = FieldText(entry, {"producers"}, ""); !producers.empty()) {
    PrintLine("producers", producers);
  }

  std::vector<std::vector<std::string>> versions = {
      {"VERSION", "ID", "TYPE", "STATE", "SUNSET", "REPLACEMENT", "REASON"}};
  for (const json::Value& v : ItemsOf(entry, {"versions"})) {
    versions.push_back({FieldText(v, {"version"}), FieldText(v, {"id"}),
                        FieldText(v, {"schemaType"}, "AVRO"), FieldText(v, {"state"}, "ACTIVE"),
                        FieldText(v, {"deprecation.sunset", "sunset"}),
                        FieldText(v, {"deprecation.replacement", "replacement"}),
                        FieldText(v, {"deprecation.reason", "reason"})});
  }
  std::printf("versions:\n");
  PrintTable(std::move(versions));

  const json::Array& consumers = ItemsOf(entry, {"consumers"});
  if (consumers.empty()) {
    PrintLine("consumers", "none");
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"SERVICE", "OWNER", "VERSIONS"}};
  for (const json::Value& c : consumers) {
    rows.push_back({FieldText(c, {"service", "name"}), FieldText(c, {"owner"}), VersionsText(c)});
  }
  std::printf("consumers:\n");
  PrintTable(std::move(rows));
}

// The schema text indented under "schema:", pretty-printed when it is JSON.
void PrintSchema(const std::string& text) {
  auto doc = ParseJson(text);
  std::string pretty = doc ? json::ToPrettyJson(doc->root) : text;
  std::printf("schema:\n");
  std::string indented = "  ";
  for (char c : pretty) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  while (indented.ends_with(' ')) indented.pop_back();
  if (!indented.ends_with('\n')) indented += '\n';
  std::fwrite(indented.data(), 1, indented.size(), stdout);
}

void PrintVersion(const json::Value& v, const json::Array& fields, const std::string& subject) {
  PrintLine("subject", FieldText(v, {"subject"}, subject));
  PrintLine("version", FieldText(v, {"version"}) + " (id " + FieldText(v, {"id"}) + ")");
  PrintLine("type", FieldText(v, {"schemaType"}, "AVRO"));
  std::string state = FieldText(v, {"state"}, "ACTIVE");
  const std::string sunset = FieldText(v, {"deprecation.sunset", "sunset"}, "");
  if (!sunset.empty()) {
    state += " (sunset " + sunset;
    const std::string replacement = FieldText(v, {"deprecation.replacement", "replacement"}, "");
    if (!replacement.empty()) state += ", replacement version " + replacement;
    state += ")";
    const std::string reason = FieldText(v, {"deprecation.reason", "reason"}, "");
    if (!reason.empty()) state += ": " + reason;
  }
  PrintLine("state", state);
  PrintSchema(FieldText(v, {"schema"}, ""));
  if (fields.empty()) return;
  std::vector<std::vector<std::string>> rows = {
      {"FIELD", "TYPE", "REQUIRED", "PII", "DESCRIPTION"}};
  for (const json::Value& f : fields) {
    rows.push_back({FieldText(f, {"path", "name"}), FieldText(f, {"type"}),
                    FieldText(f, {"required"}, "no"), FieldText(f, {"pii"}, "no"),
                    FieldText(f, {"description"})});
  }
  std::printf("fields:\n");
  PrintTable(std::move(rows));
}

int ShowVersion(RegistryClient& client, const ShowArgs& args) {
  const std::string path = "/accord/v1/subjects/" + RegistryClient::Segment(args.subject) +
                           "/versions/" + std::to_string(args.version);
  auto version = client.Get(path);
  if (!version) return ReportClientError("show", version.error());
  if (!version->IsObject()) {
    ClientError bad{ClientError::Kind::kBadReply, 0, 0, "a version reply is not a JSON object",
                    client.base_url()};
    return ReportClientError("show", bad);
  }
  if (Field(*version, {"fields"}) == nullptr) {
    auto fields = client.Get(path + "/fields");
    if (fields) {
      version->Add("fields", std::move(*fields));
    } else if (fields.error().kind != ClientError::Kind::kHttp) {
      return ReportClientError("show", fields.error());
    }  // a server without the fields endpoint: show the version without them
  }
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*version);
    return kExitOk;
  }
  PrintVersion(*version, ItemsOf(*version, {"fields", "fields.fields"}), args.subject);
  return kExitOk;
}

int RunShow(const ShowArgs& args) {
  auto client = OpenClient("show", args.options);
  if (!client) return client.error();
  if (args.version != 0) return ShowVersion(**client, args);
  auto entry = (*client)->GetSubject(args.subject);
  if (!entry) return ReportClientError("show", entry.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*entry);
    return kExitOk;
  }
  PrintSubject(*entry, args.subject);
  return kExitOk;
}

}  // namespace

void RegisterShow(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<ShowArgs>();
  auto* sub = app.add_subcommand(
      "show",
      "Show a subject's catalog entry, or one version's schema and fields.\n"
      "Exit 0 ok, 1 unknown subject or version, 2 usage, 3 registry unreachable");
  sub->add_option("subject", args->subject, "Subject name")->required();
  sub->add_option("--version", args->version, "Show this version's schema and fields")
      ->check(CLI::PositiveNumber);
  AddOwnerOptions(*sub, args->options);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunShow(*args); }; });
}

}  // namespace accord::cli

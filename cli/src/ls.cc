// accord ls [--owner TEAM] [--tag TAG] [--deprecated] [--search TEXT]:
// the registry's catalog (GET /accord/v1/subjects?owner=&tag=&state=&q=;
// --deprecated is state=DEPRECATED).
//
// Text output: an aligned table SUBJECT TYPE OWNER LATEST STATE SUNSET, one
// row per subject, sorted by subject; STATE lists the states of its live
// versions (ACTIVE first, comma-separated), SUNSET the soonest sunset date of
// its deprecated versions (from the deprecation calendar, GET
// /accord/v1/deprecations, asked only when a row has one); "-" where there is
// none. "no subjects" when nothing matches.
// JSON output: the server's search reply, pretty-printed.
//
// accord ls --field NAME [--field-tag PII] [--owner TEAM]: the subjects
// whose schema (any live version, any language) has a field named NAME (its
// own name or its dotted path, case-insensitive) and/or tagged PII
// (GET /accord/v1/fields?name=&tag=&owner=). Text output: SUBJECT TYPE OWNER
// FIELD PII VERSIONS, one row per matching field path, sorted; VERSIONS the
// live versions holding it ("1, 2"). "no fields" when nothing matches.
// Exit 0 ok, 1 refused by the registry (401/403: not authorised), 2 usage,
// 3 registry unreachable.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct LsArgs {
  std::string owner;
  std::string tag;
  bool deprecated = false;
  std::string search;
  std::string field;
  std::string field_tag;
  OwnerOptions options;
};

std::string QueryString(const LsArgs& args) {
  std::string q;
  auto add = [&q](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    q += q.empty() ? '?' : '&';
    q += std::string(key) + "=" + RegistryClient::Segment(value);
  };
  add("owner", args.owner);
  add("tag", args.tag);
  add("state", args.deprecated ? std::string("DEPRECATED") : std::string());
  add("q", args.search);
  return q;
}

// The states of an entry's live versions, "ACTIVE,DEPRECATED".
std::string States(const json::Value& entry) {
  std::string out;
  for (const json::Value& s : ItemsOf(entry, {"states"})) {
    if (!s.IsString()) continue;
    if (!out.empty()) out += ',';
    out += s.AsString();
  }
  return out.empty() ? FieldText(entry, {"state"}) : out;
}

// Subject -> its soonest sunset date, from the deprecation calendar (listed
// soonest first). Empty when no entry has a deprecated version.
using Sunsets = std::map<std::string, std::string>;
ClientResult<Sunsets> SoonestSunsets(RegistryClient& client, const json::Array& entries) {
  Sunsets out;
  const bool any = std::any_of(entries.begin(), entries.end(), [](const json::Value& e) {
    const std::string states = States(e);
    return states.find("DEPRECATED") != std::string::npos ||
           states.find("RETIRED") != std::string::npos;
  });
  if (!any) return out;
  auto calendar = client.Get("/accord/v1/deprecations");
  if (!calendar) return std::unexpected(calendar.error());
  for (const json::Value& v : ItemsOf(*calendar, {"versions"})) {
    const std::string subject = FieldText(v, {"subject"}, "");
    const std::string sunset = FieldText(v, {"sunset", "deprecation.sunset"}, "");
    if (subject.empty() || sunset.empty()) continue;
    auto [it, inserted] = out.emplace(subject, sunset);
    if (!inserted && sunset < it->second) it->second = sunset;
  }
  return out;
}

std::vector<std::string> Row(const json::Value& entry, const Sunsets& sunsets) {
  const std::string subject = FieldText(entry, {"subject", "name"});
  auto sunset = sunsets.find(subject);
  return {subject,
          FieldText(entry, {"schemaType"}, "AVRO"),
          FieldText(entry, {"owner", "metadata.owner"}),
          FieldText(entry, {"latestVersion", "latest.version"}),
          States(entry),
          sunset == sunsets.end() ? "-" : sunset->second};
}

// --field / --field-tag: one row per matching field of each subject.
int RunFieldSearch(RegistryClient& client, const LsArgs& args) {
  std::string q = "?name=" + RegistryClient::Segment(args.field);
  if (!args.field_tag.empty()) q += "&tag=" + RegistryClient::Segment(args.field_tag);
  if (!args.owner.empty()) q += "&owner=" + RegistryClient::Segment(args.owner);
  auto reply = client.Get("/accord/v1/fields" + q);
  if (!reply) return ReportClientError("ls", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const json::Value& entry : ItemsOf(*reply, {"subjects"})) {
    for (const json::Value& f : ItemsOf(entry, {"fields"})) {
      const json::Value* pii = Field(f, {"pii"});
      rows.push_back({FieldText(entry, {"subject"}), FieldText(entry, {"schemaType"}),
                      FieldText(entry, {"owner"}), FieldText(f, {"path"}),
                      pii != nullptr && pii->IsBool() && pii->AsBool() ? "PII" : "-",
                      FieldText(f, {"versions"})});
    }
  }
  if (rows.empty()) {
    std::printf("no fields\n");
    return kExitOk;
  }
  std::sort(rows.begin(), rows.end());
  rows.insert(rows.begin(), {"SUBJECT", "TYPE", "OWNER", "FIELD", "PII", "VERSIONS"});
  std::string table = FormatTable(rows);
  std::fwrite(table.data(), 1, table.size(), stdout);
  return kExitOk;
}

int RunLs(const LsArgs& args) {
  auto client = OpenClient("ls", args.options);
  if (!client) return client.error();
  if (!args.field.empty() || !args.field_tag.empty()) return RunFieldSearch(**client, args);
  auto reply = (*client)->Get("/accord/v1/subjects" + QueryString(args));
  if (!reply) return ReportClientError("ls", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  const json::Array& entries = ItemsOf(*reply, {"subjects"});
  if (entries.empty()) {
    std::printf("no subjects\n");
    return kExitOk;
  }
  auto sunsets = SoonestSunsets(**client, entries);
  if (!sunsets) return ReportClientError("ls", sunsets.error());
  std::vector<std::vector<std::string>> rows;
  for (const json::Value& entry : entries) rows.push_back(Row(entry, *sunsets));
  std::sort(rows.begin(), rows.end());
  rows.insert(rows.begin(), {"SUBJECT", "TYPE", "OWNER", "LATEST", "STATE", "SUNSET"});
  std::string table = FormatTable(rows);
  std::fwrite(table.data(), 1, table.size(), stdout);
  return kExitOk;
}

}  // namespace

void RegisterLs(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<LsArgs>();
  auto* sub = app.add_subcommand("ls",
                                 "List the registry's subjects (the event catalog).\n"
                                 "Exit 0 ok, 1 refused by the registry (401/403 not "
                                 "authorised), 2 usage, 3 registry unreachable");
  sub->add_option("--owner", args->owner, "Only subjects owned by this team");
  sub->add_option("--tag", args->tag, "Only subjects with this tag");
  sub->add_flag("--deprecated", args->deprecated, "Only subjects with a deprecated version");
  auto* search =
      sub->add_option("--search", args->search,
                      "Only subjects whose name, description, owner, tags or fields contain TEXT");
  auto* field = sub->add_option("--field", args->field,
                                "List the fields named NAME (or with this dotted path) of every "
                                "subject, across its live versions")
                    ->type_name("NAME");
  auto* field_tag = sub->add_option("--field-tag", args->field_tag,
                                    "List the fields tagged so (PII: personal data), with "
                                    "--field those named NAME only")
                        ->type_name("TAG");
  for (auto* f : {field, field_tag}) {
    f->excludes(search);
    f->excludes("--tag");
    f->excludes("--deprecated");
  }
  AddOwnerOptions(*sub, args->options);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunLs(*args); }; });
}

}  // namespace accord::cli

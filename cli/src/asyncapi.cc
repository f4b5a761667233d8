// accord asyncapi export [--service S | --team T | --all] [--version SUBJECT=N]...
//                        [--all-versions] [--format yaml|json] [--out FILE]
//                        [--info-version V] [registry flags]
//
// Writes an AsyncAPI 3.0 document of the registry (asyncapi_export.h builds
// it; docs/asyncapi-export.md describes it), read over the HTTP API only:
//  * which services: --service S (its declaration), --team T (the
//    declarations T owns), --all (every declaration; the default);
//  * which subjects: those the services produce or consume, plus, for
//    --team, every subject T owns and, for --all, every subject;
//  * which versions: each subject's latest live version, or version N for
//    --version SUBJECT=N; with --all-versions every live version (deprecated
//    and retired ones too, marked), producers still sending the chosen one.
//
// Output: YAML (default) or JSON on stdout, or into --out FILE.
// Exit 0 written; 1 refused: unknown service, a team that owns nothing, an
// unknown version, or a request the registry refused (401/403); 2 usage
// (--version naming a subject outside the export, a file that cannot be
// written); 3 registry unreachable.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <expected>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "accord/schemas/yaml_out.h"
#include "asyncapi_export.h"
#include "commands.h"
#include "contract_catalog.h"
#include "owner_support.h"
#include "registry_flags.h"

namespace accord::cli {
namespace {

constexpr std::string_view kCommand = "asyncapi export";

struct ExportArgs {
  std::string service;
  std::string team;
  bool all = false;
  std::vector<std::string> versions;  // SUBJECT=N
  bool all_versions = false;
  std::string format = "yaml";
  std::string out;
  std::string info_version = "1.0.0";
  RegistryFlags registry;
};

// A refusal that is not an HTTP reply (an unknown service or team): exit 1.
int Refuse(const std::string& message) {
  std::fprintf(stderr, "accord %.*s: error: %s\n", static_cast<int>(kCommand.size()),
               kCommand.data(), message.c_str());
  return kExitRefused;
}

// --version SUBJECT=N as a map; the error names the bad argument.
std::expected<std::map<std::string, std::int32_t>, std::string> ParseVersionChoices(
    const std::vector<std::string>& args) {
  std::map<std::string, std::int32_t> out;
  for (const std::string& arg : args) {
    const std::size_t eq = arg.rfind('=');
    const std::string number = eq == std::string::npos ? std::string() : arg.substr(eq + 1);
    const bool digits = !number.empty() && number.size() <= 9 &&
                        number.find_first_not_of("0123456789") == std::string::npos;
    const std::int32_t n = digits ? std::stoi(number) : 0;
    if (eq == 0 || n < 1) {
      return std::unexpected("--version '" + arg +
                             "' is not SUBJECT=N with a version number N >= 1");
    }
    if (!out.emplace(arg.substr(0, eq), n).second) {
      return std::unexpected("--version names subject '" + arg.substr(0, eq) + "' twice");
    }
  }
  return out;
}

std::vector<std::string> StringsOf(const json::Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->IsArray()) return out;
  for (const json::Value& item : v->AsArray()) {
    if (item.IsString()) out.push_back(item.AsString());
  }
  return out;
}

std::string StringOf(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.Find(key);
  return v != nullptr && v->IsString() ? v->AsString() : std::string();
}

// Team names compare ignoring ASCII case, as the catalog's owner filter
// (GET /accord/v1/subjects?owner=) compares them.
bool SameTeam(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

class Exporter {
 public:
  Exporter(RegistryClient& client, const ExportArgs& args) : client_(client), args_(args) {}

  int Run() {
    AsyncApiInput input;
    input.info_version = args_.info_version;
    if (!args_.service.empty()) {
      input.scope = {AsyncApiScope::Kind::kService, args_.service};
    } else if (!args_.team.empty()) {
      input.scope = {AsyncApiScope::Kind::kTeam, args_.team};
    }
    auto choices = ParseVersionChoices(args_.versions);
    if (!choices) return ReportUsageError(kCommand, choices.error());

    std::set<std::string> subjects;
    if (int rc = Services(input.scope, input.services, subjects); rc != kExitOk) return rc;
    input.scope_owner = owner_;
    for (const auto& [subject, version] : *choices) {
      if (!subjects.contains(subject)) {
        return ReportUsageError(kCommand, "--version names subject '" + subject +
                                              "', which this export does not cover");
      }
    }
    for (const std::string& subject : subjects) {
      auto choice = choices->find(subject);
      auto s = Subject(subject, choice == choices->end() ? 0 : choice->second);
      if (!s) return ReportClientError(kCommand, s.error());
      input.subjects.push_back(std::move(*s));
    }
    return Write(BuildAsyncApi(input));
  }

 private:
  // The scope's service declarations and the subjects the export covers.
  int Services(const AsyncApiScope& scope, std::vector<PublishedService>& services,
               std::set<std::string>& subjects) {
    if (scope.kind == AsyncApiScope::Kind::kService) {
      auto one = FetchService(client_, scope.name);
      if (!one) return ReportClientError(kCommand, one.error());
      if (!*one) {
        return Refuse("the registry " + client_.base_url() + " has no service '" + scope.name +
                      "' (accord publish declares one)");
      }
      owner_ = (*one)->owner;
      services.push_back(std::move(**one));
    } else {
      auto all = FetchServices(client_);
      if (!all) return ReportClientError(kCommand, all.error());
      for (PublishedService& s : *all) {
        if (scope.kind == AsyncApiScope::Kind::kAll || SameTeam(s.owner, scope.name)) {
          services.push_back(std::move(s));
        }
      }
    }
    for (const PublishedService& s : services) {
      subjects.insert(s.produces.begin(), s.produces.end());
      for (const PublishedReader& r : s.consumes) subjects.insert(r.subject);
    }
    if (scope.kind == AsyncApiScope::Kind::kService) return kExitOk;
    std::string search = "/accord/v1/subjects";
    if (scope.kind == AsyncApiScope::Kind::kTeam) {
      search += "?owner=" + RegistryClient::Segment(scope.name);
    }
    auto rows = client_.Get(search);
    if (!rows) return ReportClientError(kCommand, rows.error());
    for (const json::Value& row : ItemsOf(*rows, {"subjects"})) {
      if (row.IsObject() && !StringOf(row, "subject").empty()) {
        subjects.insert(StringOf(row, "subject"));
      }
    }
    if (scope.kind == AsyncApiScope::Kind::kTeam && services.empty() && subjects.empty()) {
      return Refuse("no service or subject in the registry " + client_.base_url() +
                    " is owned by team '" + scope.name + "'");
    }
    return kExitOk;
  }

  // The subject's catalog metadata and exported versions; `chosen` is the
  // payload version (0: the latest).
  ClientResult<AsyncApiSubject> Subject(const std::string& subject, std::int32_t chosen) {
    AsyncApiSubject s;
    s.subject = subject;
    auto page = client_.GetSubject(subject);
    if (!page) {
      // Declared (produced or consumed) but never registered.
      if (page.error().Is(40401) && chosen == 0) return s;
      return std::unexpected(page.error());
    }
    const json::Value* meta = &*page;
    if (const json::Value* m = page->Find("metadata"); m != nullptr && m->IsObject()) meta = m;
    s.owner = StringOf(*meta, "owner");
    s.description = StringOf(*meta, "description");
    s.tags = StringsOf(meta->Find("tags"));
    if (const json::Value* links = meta->Find("links")) s.links = *links;
    if (const json::Value* sla = meta->Find("sla")) s.sla = *sla;
    // The subject's own compatibility level, not the global default
    // (40408 when it has none), as accord.yaml's `compatibility:` sets it.
    auto config = client_.Get("/config/" + RegistryClient::Segment(subject));
    if (config) {
      s.compatibility = StringOf(*config, "compatibilityLevel");
    } else if (!config.error().Is(40408) && !config.error().Is(40401)) {
      return std::unexpected(config.error());
    }
    std::vector<std::int32_t> live;
    for (const json::Value& v : ItemsOf(*page, {"versions"})) {
      const json::Value* n = v.IsObject() ? v.Find("version") : nullptr;
      if (n != nullptr && n->IsInteger())
        live.push_back(static_cast<std::int32_t>(n->AsNumber().AsInt()));
    }
    std::sort(live.begin(), live.end());
    if (live.empty() && chosen == 0) return s;
    s.payload_version = chosen != 0 ? chosen : live.back();
    std::vector<std::int32_t> exported = {s.payload_version};
    if (args_.all_versions) {
      exported = live;
      if (std::find(live.begin(), live.end(), s.payload_version) == live.end()) {
        exported.push_back(s.payload_version);  // asks, so that an unknown one is refused
        std::sort(exported.begin(), exported.end());
      }
    }
    for (std::int32_t number : exported) {
      auto info = client_.GetVersion(subject, number);
      if (!info) {
        ClientError e = info.error();
        e.message = subject + " version " + std::to_string(number) + ": " + e.message;
        return std::unexpected(std::move(e));
      }
      AsyncApiVersion v;
      v.info = std::move(*info);
      auto fields = client_.Get("/accord/v1/subjects/" + RegistryClient::Segment(subject) +
                                "/versions/" + std::to_string(number) + "/fields");
      if (!fields) return std::unexpected(fields.error());
      for (const json::Value& f : ItemsOf(*fields, {"fields"})) {
        const json::Value* pii = f.IsObject() ? f.Find("pii") : nullptr;
        if (pii != nullptr && pii->IsBool() && pii->AsBool())
          v.pii_fields.push_back(StringOf(f, "path"));
      }
      s.versions.push_back(std::move(v));
    }
    return s;
  }

  int Write(const json::Value& doc) {
    const std::string text =
        args_.format == "json" ? json::ToPrettyJson(doc) + "\n" : json::ToYaml(doc);
    if (args_.out.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      return kExitOk;
    }
    std::FILE* f = std::fopen(args_.out.c_str(), "wb");
    bool ok = f != nullptr && std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const int saved = errno;
    if (f != nullptr) ok = std::fclose(f) == 0 && ok;
    if (!ok) {
      return ReportUsageError(
          kCommand, "cannot write " + args_.out + ": " + std::strerror(saved != 0 ? saved : errno));
    }
    return kExitOk;
  }

  RegistryClient& client_;
  const ExportArgs& args_;
  std::string owner_;  // --service: the service's owner
};

int RunExport(const ExportArgs& args) {
  auto options = MakeClientOptions(args.registry);
  if (!options) return ReportUsageError(kCommand, options.error());
  RegistryClient client(std::move(*options));
  return Exporter(client, args).Run();
}

}  // namespace

void RegisterAsyncApi(CLI::App& app, Commands& commands) {
  auto* asyncapi = app.add_subcommand("asyncapi", "AsyncAPI documents of the registry");
  asyncapi->require_subcommand(1);
  auto args = std::make_shared<ExportArgs>();
  auto* sub = asyncapi->add_subcommand(
      "export",
      "Write an AsyncAPI 3.0 document of the registry's subjects, schemas and service "
      "declarations (docs/asyncapi-export.md).\n"
      "Exit 0 written, 1 unknown service or team or version, or refused by the registry, "
      "2 usage, 3 registry unreachable");
  auto* service = sub->add_option("--service", args->service,
                                  "Only this service's operations and the subjects it uses");
  auto* team = sub->add_option("--team", args->team,
                               "Only this team's services and subjects (and the subjects its "
                               "services use)");
  auto* all = sub->add_flag("--all", args->all, "Every subject and service (the default)");
  service->excludes(team)->excludes(all);
  team->excludes(all);
  sub->add_option("--version", args->versions,
                  "SUBJECT=N: take SUBJECT's payload from version N (default: its latest); "
                  "repeatable");
  sub->add_flag("--all-versions", args->all_versions,
                "Every live version as a message (deprecated and retired ones marked)");
  sub->add_option("--format", args->format, "yaml (default) or json")
      ->check(CLI::IsMember({"yaml", "json"}));
  sub->add_option("--out,-o", args->out, "Write the document to FILE instead of stdout");
  sub->add_option("--info-version", args->info_version,
                  "The document's info.version (default 1.0.0)");
  AddRegistryFlags(*sub, args->registry);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunExport(*args); }; });
}

}  // namespace accord::cli

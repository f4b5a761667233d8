// accord export --registry URL [--out DIR]
//
// Reads a Confluent-compatible registry through the endpoints Confluent
// documents (so Confluent, Karapace, Apicurio's ccompat API, Redpanda and
// Accord all serve it) and writes a bundle (bundle.h, docs/bundle-format.md):
// every subject and version, soft-deleted ones included (?deleted=true), with
// ids, types, references, metadata and rule sets; global and per-subject
// config and mode, and each context's own (/config/:.ctx:, /mode/:.ctx:). When
// the source answers Accord's catalog API
// (GET /accord/v1/services), the catalog too: subject metadata, deprecations
// and service declarations.
//
// Resumable: while it runs, DIR/.export-state.json names the source; a rerun
// into a folder holding one (for the same registry) keeps the subject files
// already written and fetches the rest; bundle.json is written last, so a
// bundle without it is unfinished. Without a state file the folder is
// exported afresh: it must be new, empty or an earlier bundle (whose files
// are replaced); any other folder is refused (exit 2), so nothing else in it
// is ever removed.
//
// Text output: "exported N subjects (V versions, D soft-deleted, I schema
// ids) from URL to DIR" [+ the catalog line]. Exit 0 ok; 1 refused by the
// registry (401/403, ...); 2 usage or an unwritable folder; 3 unreachable.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "bundle.h"
#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct ExportArgs {
  std::string out = "accord-bundle";
  RegistryFlags registry;
};

const json::Value* NonNull(const json::Value& o, std::string_view key) {
  const json::Value* v = o.Find(key);
  return v != nullptr && !v->IsNull() ? v : nullptr;
}

// A GET whose 404 means "none" (a subject without its own config or mode).
ClientResult<json::Value> GetOrNull(RegistryClient& client, const std::string& path) {
  auto reply = client.Get(path);
  if (!reply && reply.error().kind == ClientError::Kind::kHttp && reply.error().status == 404) {
    return json::Value();
  }
  return reply;
}

std::expected<std::vector<std::int32_t>, ClientError> VersionList(RegistryClient& client,
                                                                  const std::string& path) {
  auto reply = GetOrNull(client, path);
  if (!reply) return std::unexpected(reply.error());
  std::vector<std::int32_t> out;
  if (reply->IsArray()) {
    for (const json::Value& v : reply->AsArray()) {
      if (v.IsNumber() && v.AsNumber().IsInt()) {
        out.push_back(static_cast<std::int32_t>(v.AsNumber().AsInt()));
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// One subject, read whole.
std::expected<BundleSubject, ClientError> ExportSubject(RegistryClient& client,
                                                        const std::string& name, bool accord) {
  const std::string base = "/subjects/" + RegistryClient::Segment(name);
  BundleSubject out;
  out.subject = name;
  auto all = VersionList(client, base + "/versions?deleted=true");
  if (!all) return std::unexpected(all.error());
  auto live = VersionList(client, base + "/versions");
  if (!live) return std::unexpected(live.error());
  const std::set<std::int32_t> live_set(live->begin(), live->end());
  for (std::int32_t number : *all) {
    auto reply = client.Get(base + "/versions/" + std::to_string(number) + "?deleted=true");
    if (!reply) return std::unexpected(reply.error());
    BundleVersion v;
    v.version = number;
    if (const json::Value* id = NonNull(*reply, "id"); id != nullptr && id->IsInteger()) {
      v.id = id->AsNumber().AsInt();
    }
    const json::Value* type = NonNull(*reply, "schemaType");
    v.schema_type = type != nullptr && type->IsString() ? type->AsString() : "AVRO";
    if (const json::Value* s = NonNull(*reply, "schema"); s != nullptr && s->IsString()) {
      v.schema = s->AsString();
    }
    if (const json::Value* refs = NonNull(*reply, "references"); refs && refs->IsArray()) {
      for (const json::Value& r : refs->AsArray()) {
        if (!r.IsObject()) continue;
        SchemaReference ref;
        if (const json::Value* n = NonNull(r, "name"); n && n->IsString()) ref.name = n->AsString();
        if (const json::Value* s = NonNull(r, "subject"); s && s->IsString()) {
          ref.subject = s->AsString();
        }
        if (const json::Value* n = NonNull(r, "version"); n && n->IsInteger()) {
          ref.version = static_cast<std::int32_t>(n->AsNumber().AsInt());
        }
        v.references.push_back(std::move(ref));
      }
    }
    if (const json::Value* m = NonNull(*reply, "metadata"); m && m->IsObject()) v.metadata = *m;
    if (const json::Value* r = NonNull(*reply, "ruleSet"); r && r->IsObject()) v.rule_set = *r;
    v.deleted = !live_set.contains(number);
    if (accord && !v.deleted) {
      auto cat = client.Get("/accord/v1" + base + "/versions/" + std::to_string(number));
      if (!cat) return std::unexpected(cat.error());
      if (const json::Value* sunset = NonNull(*cat, "sunset")) {
        json::Value d{json::Object{}};
        d.Add("sunset", *sunset);
        if (const json::Value* reason = NonNull(*cat, "reason")) d.Add("reason", *reason);
        if (const json::Value* r = NonNull(*cat, "replacement")) d.Add("replacement", *r);
        v.deprecation = std::move(d);
      }
    }
    out.versions.push_back(std::move(v));
  }
  auto config = GetOrNull(client, "/config/" + RegistryClient::Segment(name));
  if (!config) return std::unexpected(config.error());
  if (config->IsObject()) out.config = std::move(*config);
  auto mode = GetOrNull(client, "/mode/" + RegistryClient::Segment(name));
  if (!mode) return std::unexpected(mode.error());
  if (const json::Value* m = mode->IsObject() ? NonNull(*mode, "mode") : nullptr;
      m != nullptr && m->IsString()) {
    out.mode = m->AsString();
  }
  if (accord && !live->empty()) {
    auto meta = client.Get("/accord/v1/subjects/" + RegistryClient::Segment(name) + "/metadata");
    if (!meta) return std::unexpected(meta.error());
    if (meta->IsObject()) {
      json::Value catalog{json::Object{}};
      for (const json::Member& m : meta->AsObject()) {
        if (m.key != "updatedAt") catalog.Add(m.key, m.value);
      }
      out.catalog = std::move(catalog);
    }
  }
  return out;
}

int RunExport(const ExportArgs& args) {
  auto options = MakeClientOptions(args.registry);
  if (!options) return ReportUsageError("export", options.error());
  RegistryClient client(*options);
  const std::string& dir = args.out;
  const std::string state_path = dir + "/" + std::string(kExportState);

  // Resume or start afresh.
  std::error_code ec;
  bool resume = false;
  if (std::filesystem::exists(state_path, ec)) {
    auto state = ReadJsonFile(state_path);
    const json::Value* source = state && state->IsObject() ? state->Find("source") : nullptr;
    if (source == nullptr || !source->IsString()) {
      return ReportUsageError("export", state_path + ": not an export state file");
    }
    if (source->AsString() != client.base_url()) {
      return ReportUsageError("export", dir + " holds an unfinished export of " +
                                            source->AsString() + ", not of " + client.base_url() +
                                            ": choose another --out folder");
    }
    resume = true;
  } else if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec)) {
      return ReportUsageError("export", dir + ": exists and is not a folder");
    }
    // A fresh export replaces an earlier bundle, never anything else.
    if (!std::filesystem::is_empty(dir, ec) &&
        !std::filesystem::exists(dir + "/" + std::string(kBundleManifest), ec)) {
      return ReportUsageError("export", dir +
                                            ": exists and holds no bundle: choose a new or "
                                            "empty --out folder");
    }
  }

  // Accord answers its catalog API; any other registry 404s it.
  bool accord = false;
  if (auto probe = client.Get("/accord/v1/services"); probe) {
    accord = probe->IsArray();
  } else if (probe.error().kind != ClientError::Kind::kHttp || probe.error().status != 404) {
    return ReportClientError("export", probe.error());
  }

  if (!resume) {
    // A fresh export replaces what an earlier one left in the folder.
    std::filesystem::remove(dir + "/" + std::string(kBundleManifest), ec);
    std::filesystem::remove(dir + "/" + std::string(kBundleServices), ec);
    std::filesystem::remove_all(dir + "/subjects", ec);
    json::Value state{json::Object{}};
    state.Add("source", client.base_url());
    if (auto w = WriteJsonFile(state_path, state); !w) return ReportUsageError("export", w.error());
  }

  auto subjects_reply = client.Get("/subjects?deleted=true");
  if (!subjects_reply) return ReportClientError("export", subjects_reply.error());
  std::vector<std::string> subjects;
  if (subjects_reply->IsArray()) {
    for (const json::Value& s : subjects_reply->AsArray()) {
      if (s.IsString()) subjects.push_back(s.AsString());
    }
  }
  std::sort(subjects.begin(), subjects.end());
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());

  json::Value manifest{json::Object{}};
  manifest.Add("format", std::string(kBundleFormat));
  manifest.Add("formatVersion", kBundleFormatVersion);
  json::Value source{json::Object{}};
  source.Add("accord", accord);
  manifest.Add("source", std::move(source));
  // Contexts (issue #18): a registry without them (404) has the default one.
  auto contexts = GetOrNull(client, "/contexts");
  if (!contexts) return ReportClientError("export", contexts.error());
  json::Array context_names;
  if (contexts->IsArray()) {
    for (const json::Value& c : contexts->AsArray()) {
      if (c.IsString()) context_names.push_back(c);
    }
  }
  if (context_names.empty()) context_names.emplace_back(".");
  // Each context's own config and mode (/config/:.ctx:, /mode/:.ctx:;
  // 404: none), for the contexts that have either.
  json::Value context_settings{json::Object{}};
  for (const json::Value& c : context_names) {
    if (c.AsString() == ".") continue;
    const std::string scope = RegistryClient::Segment(":" + c.AsString() + ":");
    auto config = GetOrNull(client, "/config/" + scope);
    if (!config) return ReportClientError("export", config.error());
    auto mode = GetOrNull(client, "/mode/" + scope);
    if (!mode) return ReportClientError("export", mode.error());
    const json::Value* mode_name = mode->IsObject() ? NonNull(*mode, "mode") : nullptr;
    if (!config->IsObject() && mode_name == nullptr) continue;
    json::Value own{json::Object{}};
    if (config->IsObject()) own.Add("config", *config);
    if (mode_name != nullptr) own.Add("mode", *mode_name);
    context_settings.Add(c.AsString(), std::move(own));
  }
  manifest.Add("contexts", json::Value(std::move(context_names)));
  if (!context_settings.AsObject().empty()) {
    manifest.Add("contextSettings", std::move(context_settings));
  }
  json::Value global{json::Object{}};
  auto config = GetOrNull(client, "/config");
  if (!config) return ReportClientError("export", config.error());
  global.Add("config", config->IsObject() ? *config : json::Value());
  auto mode = GetOrNull(client, "/mode");
  if (!mode) return ReportClientError("export", mode.error());
  const json::Value* mode_name = mode->IsObject() ? NonNull(*mode, "mode") : nullptr;
  global.Add("mode", mode_name != nullptr ? *mode_name : json::Value());
  manifest.Add("global", std::move(global));

  StopHook stop;
  Progress progress("export", "subjects", subjects.size());
  json::Array entries;
  std::size_t versions = 0, deleted = 0, catalogued = 0;
  std::set<std::pair<std::string, std::int64_t>> ids;  // (context, id): each context has its own
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const std::string& name = subjects[i];
    const std::string file = SubjectFileName(name);
    const std::string path = dir + "/" + file;
    std::optional<BundleSubject> subject;
    if (resume && std::filesystem::exists(path, ec)) {
      // Written by the interrupted run: whole (atomic rename), kept.
      auto doc = ReadJsonFile(path);
      if (doc) {
        if (auto s = SubjectFromJson(*doc, path); s && s->subject == name) subject = std::move(*s);
      }
    }
    if (!subject) {
      auto fetched = ExportSubject(client, name, accord);
      if (!fetched) return ReportClientError("export", fetched.error());
      if (auto w = WriteJsonFile(path, SubjectToJson(*fetched)); !w) {
        return ReportUsageError("export", w.error());
      }
      subject = std::move(*fetched);
      if (stop.Done()) {
        std::fprintf(stderr, "accord export: stopped after %zu subjects (ACCORD_TEST_STOP_AFTER)\n",
                     i + 1);
        return kExitRefused;
      }
    }
    for (const BundleVersion& v : subject->versions) {
      ++versions;
      if (v.deleted) ++deleted;
      ids.insert({ContextOf(name), v.id});
    }
    if (!subject->catalog.IsNull()) ++catalogued;
    json::Value entry{json::Object{}};
    entry.Add("subject", name);
    entry.Add("file", file);
    entries.push_back(std::move(entry));
    progress.Step(i + 1);
  }
  manifest.Add("subjects", json::Value(std::move(entries)));

  std::size_t services = 0;
  if (accord) {
    auto reply = client.Get("/accord/v1/services");
    if (!reply) return ReportClientError("export", reply.error());
    json::Array declarations;
    if (reply->IsArray()) {
      for (const json::Value& s : reply->AsArray()) {
        if (!s.IsObject()) continue;
        json::Value d{json::Object{}};
        for (const json::Member& m : s.AsObject()) {
          if (m.key != "updatedAt") d.Add(m.key, m.value);
        }
        declarations.push_back(std::move(d));
      }
    }
    services = declarations.size();
    const std::string path = dir + "/" + std::string(kBundleServices);
    if (auto w = WriteJsonFile(path, json::Value(std::move(declarations))); !w) {
      return ReportUsageError("export", w.error());
    }
    manifest.Add("services", std::string(kBundleServices));
  }
  if (auto w = WriteJsonFile(dir + "/" + std::string(kBundleManifest), manifest); !w) {
    return ReportUsageError("export", w.error());
  }
  std::filesystem::remove(state_path, ec);

  std::printf(
      "exported %zu subjects (%zu versions, %zu soft-deleted, %zu schema ids) from %s to %s\n",
      subjects.size(), versions, deleted, ids.size(), client.base_url().c_str(), dir.c_str());
  if (accord) {
    std::printf("with Accord's catalog: metadata of %zu subjects, %zu service declaration(s)\n",
                catalogued, services);
  }
  return kExitOk;
}

}  // namespace

void RegisterExport(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<ExportArgs>();
  auto* sub = app.add_subcommand(
      "export",
      "Export a registry (Confluent-compatible) into a bundle folder for accord import\n"
      "Exit 0 ok, 1 refused by the registry, 2 usage or unwritable folder, 3 registry "
      "unreachable");
  sub->add_option("--out", args->out, "The bundle folder to write (default accord-bundle)");
  AddRegistryFlags(*sub, args->registry);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunExport(*args); }; });
}

}  // namespace accord::cli

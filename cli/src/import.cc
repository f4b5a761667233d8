// accord import BUNDLE --registry URL
//
// Loads a bundle (bundle.h, docs/bundle-format.md) into an Accord registry
// and verifies it. The registry's own state is the resume point: import
// first reads what the registry already holds and plans only what is
// missing or different, so a rerun after an interruption continues where the
// first run stopped, and a run over a registry that already holds the bundle
// changes nothing and says "nothing to do".
//
// Order: the global mode is set to IMPORT (forced: the registry is not empty
// on a rerun); versions are registered with their ids and version numbers,
// each after the versions it references and after the earlier versions of
// its subject; versions soft-deleted in the source are then soft-deleted;
// then configs (each context's own too), the catalog (metadata,
// deprecations, service declarations), per-subject and per-context modes
// and, last, the global mode (the bundle's, or the one the
// registry had before), so IMPORT is not left on.
//
// Verification: every schema id of the bundle serves byte-identical schema
// text (GET /schemas/ids/{id}) and every subject lists the bundle's versions,
// with and without ?deleted=true.
//
// Text output: "import DIR into URL: …" (the plan, or "nothing to do"), what
// was written, "verified: …". A refusal names the subject and version:
// "accord import: error: subject 'S' version N (id I): registry URL: …";
// the registry's global mode is then set back from IMPORT to what it was.
// Exit 0 ok; 1 refused (a version the registry holds differently, a write
// refused, a verification mismatch); 2 usage or a bad bundle; 3 unreachable.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <tuple>

#include "bundle.h"
#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct ImportArgs {
  std::string bundle;
  RegistryFlags registry;
};

const json::Value* NonNull(const json::Value& o, std::string_view key) {
  const json::Value* v = o.IsObject() ? o.Find(key) : nullptr;
  return v != nullptr && !v->IsNull() ? v : nullptr;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string VersionName(const BundleSubject& s, const BundleVersion& v) {
  return "subject " + Quote(s.subject) + " version " + std::to_string(v.version) + " (id " +
         std::to_string(v.id) + ")";
}

// A refusal about one version: names it, then the registry's words.
int Refused(const std::string& what, const ClientError& error) {
  std::fprintf(stderr, "accord import: error: %s: %s\n", what.c_str(), error.ToString().c_str());
  return ExitCodeFor(error);
}

int Mismatch(const std::string& message) {
  std::fprintf(stderr, "accord import: error: %s\n", message.c_str());
  return kExitRefused;
}

ClientResult<json::Value> GetOrNull(RegistryClient& client, const std::string& path) {
  auto reply = client.Get(path);
  if (!reply && reply.error().kind == ClientError::Kind::kHttp && reply.error().status == 404) {
    return json::Value();
  }
  return reply;
}

ClientResult<std::set<std::int32_t>> VersionSet(RegistryClient& client, const std::string& path) {
  auto reply = GetOrNull(client, path);
  if (!reply) return std::unexpected(reply.error());
  std::set<std::int32_t> out;
  if (reply->IsArray()) {
    for (const json::Value& v : reply->AsArray()) {
      if (v.IsNumber() && v.AsNumber().IsInt()) {
        out.insert(static_cast<std::int32_t>(v.AsNumber().AsInt()));
      }
    }
  }
  return out;
}

// A config as the registry answers it, compared with the bundle's: every
// member both carry must be equal, and the level must be there. Members the
// registry does not report (another registry's settings Accord does not
// keep) do not count.
bool SameConfig(const json::Value& want, const json::Value& have) {
  if (!have.IsObject()) return false;
  if (NonNull(want, "compatibilityLevel") != nullptr &&
      NonNull(have, "compatibilityLevel") == nullptr) {
    return false;
  }
  for (const json::Member& m : want.AsObject()) {
    const json::Value* h = NonNull(have, m.key);
    if (h != nullptr && !(*h == m.value)) return false;
  }
  return true;
}

// PUT /config's body for a config as GET /config answered it.
json::Value ConfigBody(const json::Value& config) {
  json::Value body{json::Object{}};
  for (const json::Member& m : config.AsObject()) {
    body.Add(m.key == "compatibilityLevel" ? "compatibility" : m.key, m.value);
  }
  return body;
}

// `value` without the members `drop`.
json::Value Without(const json::Value& value, std::initializer_list<std::string_view> drop) {
  if (!value.IsObject()) return value;
  json::Value out{json::Object{}};
  for (const json::Member& m : value.AsObject()) {
    if (std::find(drop.begin(), drop.end(), m.key) == drop.end()) out.Add(m.key, m.value);
  }
  return out;
}

// One write of the plan.
struct Write {
  std::string what;  // for a refusal: "subject 'S' version N (id I)", "global config"
  std::string method;
  std::string path;
  json::Value body;
};

struct Plan {
  std::vector<std::pair<const BundleSubject*, const BundleVersion*>> registrations;  // in order
  std::vector<Write> deletes;                                                        // soft deletes
  std::vector<Write> settings;  // configs, catalog, services, subject modes
  std::optional<Write> global_mode;
  bool Empty() const {
    return registrations.empty() && deletes.empty() && settings.empty() && !global_mode;
  }
};

// Registration order: each version after the earlier versions of its subject
// and after every version it references; among ready ones, lowest id first
// (the source's own order, mostly). `present` are the versions the registry
// already holds. Error: a reference to a version that neither the bundle nor
// the registry holds, or a cycle.
std::expected<std::vector<std::pair<const BundleSubject*, const BundleVersion*>>, std::string>
OrderRegistrations(const Bundle& bundle,
                   const std::vector<std::pair<const BundleSubject*, const BundleVersion*>>& todo,
                   const std::map<std::string, std::set<std::int32_t>>& present) {
  using Key = std::pair<std::string, std::int32_t>;
  std::map<Key, std::size_t> index;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    index[{todo[i].first->subject, todo[i].second->version}] = i;
  }
  std::set<Key> in_bundle;
  for (const BundleSubject& s : bundle.subjects) {
    for (const BundleVersion& v : s.versions) in_bundle.insert({s.subject, v.version});
  }
  std::vector<std::vector<std::size_t>> after(todo.size());
  std::vector<std::size_t> waiting(todo.size(), 0);
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const auto& [s, v] = todo[i];
    std::vector<Key> needs;
    for (const BundleVersion& earlier : s->versions) {
      if (earlier.version < v->version) needs.push_back({s->subject, earlier.version});
    }
    for (const SchemaReference& r : v->references) {
      const Key key{r.subject, r.version};
      auto held = present.find(r.subject);
      const bool registry_has = held != present.end() && held->second.contains(r.version);
      if (!in_bundle.contains(key) && !registry_has) {
        return std::unexpected(VersionName(*s, *v) + " references subject " + Quote(r.subject) +
                               " version " + std::to_string(r.version) +
                               ", which neither the bundle nor the registry holds");
      }
      needs.push_back(key);
    }
    for (const Key& k : needs) {
      if (auto it = index.find(k); it != index.end()) {
        after[it->second].push_back(i);
        ++waiting[i];
      }
    }
  }
  using Ready = std::tuple<std::int64_t, std::string, std::int32_t, std::size_t>;
  std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    if (waiting[i] == 0) {
      ready.emplace(todo[i].second->id, todo[i].first->subject, todo[i].second->version, i);
    }
  }
  std::vector<std::pair<const BundleSubject*, const BundleVersion*>> out;
  while (!ready.empty()) {
    const std::size_t i = std::get<3>(ready.top());
    ready.pop();
    out.push_back(todo[i]);
    for (std::size_t j : after[i]) {
      if (--waiting[j] == 0) {
        ready.emplace(todo[j].second->id, todo[j].first->subject, todo[j].second->version, j);
      }
    }
  }
  if (out.size() != todo.size()) {
    return std::unexpected(std::string("the bundle's references form a cycle"));
  }
  return out;
}

// A schema id of the bundle: ids are per context (issue #18).
using ContextId = std::pair<std::string, std::int64_t>;  // (context, id)

// The same id must mean the same schema throughout its context.
std::expected<std::map<ContextId, std::pair<const BundleSubject*, const BundleVersion*>>,
              std::string>
SchemasById(const Bundle& bundle) {
  std::map<ContextId, std::pair<const BundleSubject*, const BundleVersion*>> out;
  for (const BundleSubject& s : bundle.subjects) {
    const std::string context = ContextOf(s.subject);
    for (const BundleVersion& v : s.versions) {
      auto [it, fresh] = out.try_emplace(ContextId{context, v.id}, &s, &v);
      if (!fresh && (it->second.second->schema != v.schema ||
                     it->second.second->schema_type != v.schema_type)) {
        return std::unexpected(VersionName(s, v) + " holds another schema than " +
                               VersionName(*it->second.first, *it->second.second) +
                               " under the same id");
      }
    }
  }
  return out;
}

json::Value RegistrationBody(const BundleVersion& v) {
  json::Value body{json::Object{}};
  body.Add("schema", v.schema);
  body.Add("schemaType", v.schema_type);
  if (!v.references.empty()) {
    json::Array refs;
    for (const SchemaReference& r : v.references) {
      json::Value o{json::Object{}};
      o.Add("name", r.name);
      o.Add("subject", r.subject);
      o.Add("version", static_cast<std::int64_t>(r.version));
      refs.push_back(std::move(o));
    }
    body.Add("references", json::Value(std::move(refs)));
  }
  if (!v.metadata.IsNull()) body.Add("metadata", v.metadata);
  if (!v.rule_set.IsNull()) body.Add("ruleSet", v.rule_set);
  body.Add("id", v.id);
  body.Add("version", static_cast<std::int64_t>(v.version));
  return body;
}

int RunImport(const ImportArgs& args) {
  auto bundle = ReadBundle(args.bundle);
  if (!bundle) return ReportUsageError("import", bundle.error());
  auto by_id = SchemasById(*bundle);
  if (!by_id) return ReportUsageError("import", args.bundle + ": " + by_id.error());
  auto options = MakeClientOptions(args.registry);
  if (!options) return ReportUsageError("import", options.error());
  RegistryClient client(*options);
  const std::string url = client.base_url();

  // What the registry holds: the plan is the difference.
  Plan plan;
  std::vector<std::pair<const BundleSubject*, const BundleVersion*>> todo;
  std::map<std::string, std::set<std::int32_t>> present;
  for (const BundleSubject& s : bundle->subjects) {
    const std::string base = "/subjects/" + RegistryClient::Segment(s.subject);
    auto all = VersionSet(client, base + "/versions?deleted=true");
    if (!all) return ReportClientError("import", all.error());
    auto live = VersionSet(client, base + "/versions");
    if (!live) return ReportClientError("import", live.error());
    present[s.subject] = *all;
    for (const BundleVersion& v : s.versions) {
      const std::string path = base + "/versions/" + std::to_string(v.version);
      if (all->contains(v.version)) {
        auto held = client.Get(path + "?deleted=true");
        if (!held) return Refused(VersionName(s, v), held.error());
        const json::Value* id = NonNull(*held, "id");
        if (id == nullptr || !id->IsInteger() || id->AsNumber().AsInt() != v.id) {
          return Mismatch(VersionName(s, v) + ": the registry holds this version with schema id " +
                          (id != nullptr ? json::ToJson(*id) : std::string("none")));
        }
        if (!v.deleted && !live->contains(v.version)) {
          return Mismatch(VersionName(s, v) +
                          ": soft-deleted in the registry but live in the bundle");
        }
      } else {
        todo.emplace_back(&s, &v);
      }
      if (v.deleted && (!all->contains(v.version) || live->contains(v.version))) {
        plan.deletes.push_back(Write{VersionName(s, v), "DELETE", path, json::Value()});
      }
    }
    // Config and mode of the subject.
    const std::string config_path = "/config/" + RegistryClient::Segment(s.subject);
    auto config = GetOrNull(client, config_path);
    if (!config) return ReportClientError("import", config.error());
    if (!s.config.IsNull() && !SameConfig(s.config, *config)) {
      plan.settings.push_back(Write{"subject " + Quote(s.subject) + " config", "PUT", config_path,
                                    ConfigBody(s.config)});
    } else if (s.config.IsNull() && !config->IsNull()) {
      plan.settings.push_back(
          Write{"subject " + Quote(s.subject) + " config", "DELETE", config_path, json::Value()});
    }
    // Catalog: metadata, then deprecations.
    const std::string catalog_base = "/accord/v1/subjects/" + RegistryClient::Segment(s.subject);
    if (!s.catalog.IsNull()) {
      auto held = GetOrNull(client, catalog_base + "/metadata");
      if (!held) return ReportClientError("import", held.error());
      if (!(Without(*held, {"updatedAt"}) == s.catalog)) {
        plan.settings.push_back(Write{"subject " + Quote(s.subject) + " catalog metadata", "PUT",
                                      catalog_base + "/metadata", s.catalog});
      }
    }
    for (const BundleVersion& v : s.versions) {
      if (v.deleted || !bundle->accord_source) continue;
      const std::string path = catalog_base + "/versions/" + std::to_string(v.version);
      json::Value have;
      if (all->contains(v.version)) {
        auto held = client.Get(path);
        if (!held) return Refused(VersionName(s, v), held.error());
        if (const json::Value* sunset = NonNull(*held, "sunset")) {
          have = json::Value(json::Object{});
          have.Add("sunset", *sunset);
          if (const json::Value* reason = NonNull(*held, "reason")) have.Add("reason", *reason);
          if (const json::Value* r = NonNull(*held, "replacement")) have.Add("replacement", *r);
        }
      }
      if (!(have == v.deprecation)) {
        plan.settings.push_back(Write{VersionName(s, v) + " deprecation",
                                      v.deprecation.IsNull() ? "DELETE" : "PUT",
                                      path + "/deprecation", v.deprecation});
      }
    }
  }
  auto ordered = OrderRegistrations(*bundle, todo, present);
  if (!ordered) return ReportUsageError("import", args.bundle + ": " + ordered.error());
  plan.registrations = std::move(*ordered);

  // Services, then the global config.
  for (const json::Value& declaration : bundle->services) {
    const std::string name = declaration.Find("name")->AsString();
    const std::string path = "/accord/v1/services/" + RegistryClient::Segment(name);
    auto held = GetOrNull(client, path);
    if (!held) return ReportClientError("import", held.error());
    if (!(Without(*held, {"updatedAt"}) == declaration)) {
      plan.settings.push_back(
          Write{"service " + Quote(name), "PUT", path, Without(declaration, {"name"})});
    }
  }
  if (!bundle->global_config.IsNull()) {
    auto config = GetOrNull(client, "/config");
    if (!config) return ReportClientError("import", config.error());
    if (!SameConfig(bundle->global_config, *config)) {
      plan.settings.push_back(
          Write{"global config", "PUT", "/config", ConfigBody(bundle->global_config)});
    }
  }
  // Each context's own config: the bundle's, or none (contexts the bundle
  // lists without settings). A context's own settings outrank the global
  // ones for its subjects, so its mode comes after everything it could
  // block, with the subjects' modes below.
  struct ContextMode {
    std::string context, path, mode;  // mode "": none
  };
  std::vector<ContextMode> context_modes;
  for (const std::string& context : bundle->contexts) {
    if (context == ".") continue;
    const auto own = bundle->context_settings.find(context);
    const BundleContextSettings want =
        own != bundle->context_settings.end() ? own->second : BundleContextSettings{};
    const std::string scope = RegistryClient::Segment(":" + context + ":");
    const std::string config_path = "/config/" + scope;
    auto config = GetOrNull(client, config_path);
    if (!config) return ReportClientError("import", config.error());
    if (!want.config.IsNull() && !SameConfig(want.config, *config)) {
      plan.settings.push_back(Write{"context " + Quote(context) + " config", "PUT", config_path,
                                    ConfigBody(want.config)});
    } else if (want.config.IsNull() && !config->IsNull()) {
      plan.settings.push_back(
          Write{"context " + Quote(context) + " config", "DELETE", config_path, json::Value()});
    }
    context_modes.push_back({context, "/mode/" + scope, want.mode});
  }
  // Per-subject modes after everything they could block.
  for (const BundleSubject& s : bundle->subjects) {
    const std::string path = "/mode/" + RegistryClient::Segment(s.subject);
    auto held = GetOrNull(client, path);
    if (!held) return ReportClientError("import", held.error());
    const json::Value* mode = NonNull(*held, "mode");
    const std::string have = mode != nullptr && mode->IsString() ? mode->AsString() : "";
    if (have == s.mode) continue;
    json::Value body{json::Object{}};
    if (!s.mode.empty()) body.Add("mode", s.mode);
    plan.settings.push_back(Write{"subject " + Quote(s.subject) + " mode",
                                  s.mode.empty() ? "DELETE" : "PUT",
                                  s.mode.empty() ? path : path + "?force=true", std::move(body)});
  }
  for (const auto& [context, path, want] : context_modes) {
    auto held = GetOrNull(client, path);
    if (!held) return ReportClientError("import", held.error());
    const json::Value* mode = NonNull(*held, "mode");
    const std::string have = mode != nullptr && mode->IsString() ? mode->AsString() : "";
    if (have == want) continue;
    json::Value body{json::Object{}};
    if (!want.empty()) body.Add("mode", want);
    plan.settings.push_back(Write{"context " + Quote(context) + " mode",
                                  want.empty() ? "DELETE" : "PUT",
                                  want.empty() ? path : path + "?force=true", std::move(body)});
  }
  auto global_mode = client.Get("/mode");
  if (!global_mode) return ReportClientError("import", global_mode.error());
  const json::Value* held_mode = NonNull(*global_mode, "mode");
  const std::string mode_before =
      held_mode != nullptr && held_mode->IsString() ? held_mode->AsString() : "READWRITE";
  // The mode to end in: the bundle's; without one, the registry's own (unless
  // an interrupted import left IMPORT on).
  std::string final_mode = bundle->global_mode;
  if (final_mode.empty()) final_mode = mode_before == "IMPORT" ? "READWRITE" : mode_before;
  // IMPORT for every write: registrations with ids, and deprecations carried
  // over without new notice (the registry's rule outside IMPORT).
  const bool needs_import_mode =
      !plan.registrations.empty() || !plan.deletes.empty() || !plan.settings.empty();
  if (final_mode != mode_before || needs_import_mode) {
    json::Value body{json::Object{}};
    body.Add("mode", final_mode);
    plan.global_mode = Write{"global mode", "PUT", "/mode?force=true", std::move(body)};
  }

  std::size_t settings = plan.settings.size() + (plan.global_mode ? 1 : 0);
  if (plan.Empty()) {
    std::printf("import %s into %s: nothing to do\n", args.bundle.c_str(), url.c_str());
  } else {
    std::printf(
        "import %s into %s: %zu versions to register, %zu to soft-delete, %zu settings "
        "to write\n",
        args.bundle.c_str(), url.c_str(), plan.registrations.size(), plan.deletes.size(), settings);
    std::fflush(stdout);
    StopHook stop;
    auto stopped = [&](std::size_t done) {
      std::fprintf(stderr, "accord import: stopped after %zu writes (ACCORD_TEST_STOP_AFTER)\n",
                   done);
      return kExitRefused;
    };
    std::size_t done = 0;
    Progress progress(
        "import", "writes",
        plan.registrations.size() + plan.deletes.size() + settings + (needs_import_mode ? 1 : 0));
    bool in_import_mode = false;  // set by this run
    auto send = [&](const Write& w) -> std::optional<int> {
      ClientResult<json::Value> reply = w.method == "PUT"      ? client.Put(w.path, w.body)
                                        : w.method == "DELETE" ? client.Delete(w.path)
                                                               : client.Post(w.path, w.body);
      if (!reply) {
        const int rc = Refused(w.what, reply.error());
        // A refusal ends the run: the registry does not stay in IMPORT mode
        // (which skips compatibility checks) behind it. A rerun sets it again.
        if (in_import_mode) {
          json::Value body{json::Object{}};
          body.Add("mode", mode_before == "IMPORT" ? std::string("READWRITE") : mode_before);
          if (client.Put("/mode?force=true", body)) {
            std::fprintf(stderr, "accord import: the registry's mode is %s again\n",
                         body.Find("mode")->AsString().c_str());
          } else {
            std::fprintf(stderr, "accord import: the registry is still in IMPORT mode\n");
          }
        }
        return rc;
      }
      progress.Step(++done);
      if (stop.Done()) return stopped(done);
      return std::nullopt;
    };
    if (needs_import_mode) {
      json::Value body{json::Object{}};
      body.Add("mode", "IMPORT");
      if (auto rc = send(Write{"global mode IMPORT", "PUT", "/mode?force=true", body})) return *rc;
      in_import_mode = true;
    }
    for (const auto& [s, v] : plan.registrations) {
      const std::string path = "/subjects/" + RegistryClient::Segment(s->subject) + "/versions";
      if (auto rc = send(Write{VersionName(*s, *v), "POST", path, RegistrationBody(*v)})) {
        return *rc;
      }
    }
    for (const Write& w : plan.deletes) {
      if (auto rc = send(w)) return *rc;
    }
    for (const Write& w : plan.settings) {
      if (auto rc = send(w)) return *rc;
    }
    if (plan.global_mode) {
      if (auto rc = send(*plan.global_mode)) return *rc;
    }
    std::printf("registered %zu versions, soft-deleted %zu, wrote %zu settings\n",
                plan.registrations.size(), plan.deletes.size(), settings);
  }

  // Verify against the bundle.
  for (const auto& [key, where] : *by_id) {
    const auto& [context, id] = key;
    // An id of another context is read in that context (?subject=:.ctx:).
    std::string path = "/schemas/ids/" + std::to_string(id);
    std::string name = "schema id " + std::to_string(id);
    if (context != ".") {
      path += "?subject=" + RegistryClient::Segment(":" + context + ":");
      name += " in context " + context;
    }
    auto reply = client.Get(path);
    if (!reply) return Refused(name, reply.error());
    const json::Value* text = NonNull(*reply, "schema");
    if (text == nullptr || !text->IsString() || text->AsString() != where.second->schema) {
      return Mismatch("verification failed: " + name + " serves other text than " +
                      VersionName(*where.first, *where.second));
    }
  }
  for (const BundleSubject& s : bundle->subjects) {
    const std::string base = "/subjects/" + RegistryClient::Segment(s.subject) + "/versions";
    std::set<std::int32_t> want_all, want_live;
    for (const BundleVersion& v : s.versions) {
      want_all.insert(v.version);
      if (!v.deleted) want_live.insert(v.version);
    }
    auto all = VersionSet(client, base + "?deleted=true");
    if (!all) return ReportClientError("import", all.error());
    auto live = VersionSet(client, base);
    if (!live) return ReportClientError("import", live.error());
    if (*all != want_all || *live != want_live) {
      return Mismatch("verification failed: subject " + Quote(s.subject) +
                      " lists other versions than the bundle");
    }
  }
  // Every context that holds one of the bundle's subjects is listed.
  std::set<std::string> want_contexts;
  for (const BundleSubject& s : bundle->subjects) want_contexts.insert(ContextOf(s.subject));
  if (want_contexts.size() > 1 || !want_contexts.contains(".")) {
    auto listed = client.Get("/contexts");
    if (!listed) return Refused("the contexts", listed.error());
    std::set<std::string> have;
    if (listed->IsArray()) {
      for (const json::Value& c : listed->AsArray()) {
        if (c.IsString()) have.insert(c.AsString());
      }
    }
    for (const std::string& c : want_contexts) {
      if (!have.contains(c)) {
        return Mismatch("verification failed: the registry does not list context " + c);
      }
    }
  }
  std::printf("verified: %zu schema ids serve the bundle's text, %zu subjects list its versions\n",
              by_id->size(), bundle->subjects.size());
  return kExitOk;
}

}  // namespace

void RegisterImport(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<ImportArgs>();
  auto* sub = app.add_subcommand(
      "import",
      "Import a bundle from accord export into an Accord registry, keeping ids; then verify\n"
      "Exit 0 ok, 1 refused or verification failed, 2 usage or bad bundle, 3 registry "
      "unreachable");
  sub->add_option("bundle", args->bundle, "The bundle folder accord export wrote")->required();
  AddRegistryFlags(*sub, args->registry);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunImport(*args); }; });
}

}  // namespace accord::cli

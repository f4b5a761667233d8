// The migration bundle's reader and writer (see bundle.h, docs/bundle-format.md).
#include "bundle.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <utility>

#include "accord/schemas/canonical.h"
#include "accord/schemas/load.h"

namespace accord::cli {

namespace {

// What a member must be, for the messages of ReadBundle.
std::string Where(std::string_view file, std::string_view member) {
  return std::string(file) + ": '" + std::string(member) + "'";
}

const json::Value* Member(const json::Value& o, std::string_view key) {
  const json::Value* v = o.Find(key);
  return v != nullptr && !v->IsNull() ? v : nullptr;
}

std::expected<std::string, std::string> StringMember(const json::Value& o, std::string_view key,
                                                     std::string_view file, bool required) {
  const json::Value* v = Member(o, key);
  if (v == nullptr) {
    if (required) return std::unexpected(Where(file, key) + " is missing");
    return std::string();
  }
  if (!v->IsString()) return std::unexpected(Where(file, key) + " is not a string");
  return v->AsString();
}

std::expected<std::int64_t, std::string> PositiveMember(const json::Value& o, std::string_view key,
                                                        std::string_view file, std::int64_t max) {
  const json::Value* v = Member(o, key);
  if (v == nullptr) return std::unexpected(Where(file, key) + " is missing");
  if (!v->IsNumber() || !v->AsNumber().IsInt() || v->AsNumber().AsInt() < 1 ||
      v->AsNumber().AsInt() > max) {
    return std::unexpected(Where(file, key) + " is not a positive integer");
  }
  return v->AsNumber().AsInt();
}

json::Value ReferencesJson(const std::vector<SchemaReference>& refs) {
  json::Array out;
  for (const SchemaReference& r : refs) {
    json::Value o{json::Object{}};
    o.Add("name", r.name);
    o.Add("subject", r.subject);
    o.Add("version", static_cast<std::int64_t>(r.version));
    out.push_back(std::move(o));
  }
  return json::Value(std::move(out));
}

std::expected<BundleVersion, std::string> VersionFromJson(const json::Value& v,
                                                          const std::string& where) {
  if (!v.IsObject()) return std::unexpected(where + " is not an object");
  BundleVersion out;
  auto version = PositiveMember(v, "version", where, 2147483647);
  if (!version) return std::unexpected(version.error());
  out.version = static_cast<std::int32_t>(*version);
  auto id = PositiveMember(v, "id", where, std::numeric_limits<std::int64_t>::max());
  if (!id) return std::unexpected(id.error());
  out.id = *id;
  auto type = StringMember(v, "schemaType", where, true);
  if (!type) return std::unexpected(type.error());
  out.schema_type = std::move(*type);
  auto schema = StringMember(v, "schema", where, true);
  if (!schema) return std::unexpected(schema.error());
  out.schema = std::move(*schema);
  if (const json::Value* refs = Member(v, "references")) {
    if (!refs->IsArray()) return std::unexpected(Where(where, "references") + " is not an array");
    for (const json::Value& r : refs->AsArray()) {
      const std::string at = where + " reference";
      if (!r.IsObject()) return std::unexpected(at + " is not an object");
      auto name = StringMember(r, "name", at, true);
      auto subject = StringMember(r, "subject", at, true);
      auto ver = PositiveMember(r, "version", at, 2147483647);
      if (!name) return std::unexpected(name.error());
      if (!subject) return std::unexpected(subject.error());
      if (!ver) return std::unexpected(ver.error());
      out.references.push_back(
          SchemaReference{std::move(*name), std::move(*subject), static_cast<std::int32_t>(*ver)});
    }
  }
  for (auto [key, target] : {std::pair<const char*, json::Value*>{"metadata", &out.metadata},
                             {"ruleSet", &out.rule_set},
                             {"deprecation", &out.deprecation}}) {
    if (const json::Value* m = Member(v, key)) {
      if (!m->IsObject()) return std::unexpected(Where(where, key) + " is not an object");
      *target = *m;
    }
  }
  if (const json::Value* d = Member(v, "deleted")) {
    if (!d->IsBool()) return std::unexpected(Where(where, "deleted") + " is not true or false");
    out.deleted = d->AsBool();
  }
  return out;
}

}  // namespace

std::string ContextOf(std::string_view subject) {
  // The client library does not link the registry: this is the context part
  // of registry::SplitQualifiedSubject (service.h), Confluent's rule.
  if (!subject.starts_with(":.")) return ".";
  const std::size_t close = subject.find(':', 2);
  return std::string(subject.substr(1, close == std::string_view::npos ? close : close - 1));
}

std::string SubjectFileName(std::string_view subject) {
  return "subjects/" + json::ToHex(json::Sha256Of(subject)).substr(0, 32) + ".json";
}

json::Value SubjectToJson(const BundleSubject& s) {
  json::Value o{json::Object{}};
  o.Add("subject", s.subject);
  json::Array versions;
  for (const BundleVersion& v : s.versions) {
    json::Value e{json::Object{}};
    e.Add("version", static_cast<std::int64_t>(v.version));
    e.Add("id", v.id);
    e.Add("schemaType", v.schema_type);
    e.Add("schema", v.schema);
    if (!v.references.empty()) e.Add("references", ReferencesJson(v.references));
    if (!v.metadata.IsNull()) e.Add("metadata", v.metadata);
    if (!v.rule_set.IsNull()) e.Add("ruleSet", v.rule_set);
    e.Add("deleted", v.deleted);
    if (!v.deprecation.IsNull()) e.Add("deprecation", v.deprecation);
    versions.push_back(std::move(e));
  }
  o.Add("versions", json::Value(std::move(versions)));
  o.Add("config", s.config);
  o.Add("mode", s.mode.empty() ? json::Value() : json::Value(s.mode));
  o.Add("catalog", s.catalog);
  return o;
}

std::expected<BundleSubject, std::string> SubjectFromJson(const json::Value& value,
                                                          std::string_view file) {
  if (!value.IsObject()) return std::unexpected(std::string(file) + ": not a JSON object");
  BundleSubject out;
  auto subject = StringMember(value, "subject", file, true);
  if (!subject) return std::unexpected(subject.error());
  out.subject = std::move(*subject);
  const json::Value* versions = Member(value, "versions");
  if (versions == nullptr || !versions->IsArray()) {
    return std::unexpected(Where(file, "versions") + " is not an array");
  }
  std::int32_t last = 0;
  for (const json::Value& v : versions->AsArray()) {
    auto version = VersionFromJson(v, std::string(file) + ": a version of '" + out.subject + "'");
    if (!version) return std::unexpected(version.error());
    if (version->version <= last) {
      return std::unexpected(std::string(file) + ": versions of '" + out.subject +
                             "' are not in ascending order at version " +
                             std::to_string(version->version));
    }
    last = version->version;
    out.versions.push_back(std::move(*version));
  }
  if (const json::Value* c = Member(value, "config")) {
    if (!c->IsObject()) return std::unexpected(Where(file, "config") + " is not an object");
    out.config = *c;
  }
  auto mode = StringMember(value, "mode", file, false);
  if (!mode) return std::unexpected(mode.error());
  out.mode = std::move(*mode);
  if (const json::Value* c = Member(value, "catalog")) {
    if (!c->IsObject()) return std::unexpected(Where(file, "catalog") + " is not an object");
    out.catalog = *c;
  }
  return out;
}

std::expected<json::Value, std::string> ReadJsonFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::unexpected(path + ": no such file");
  auto doc = LoadFile(path, Syntax::kJson);
  if (!doc) return std::unexpected(doc.error().ToString());
  return std::move(doc->root);
}

std::expected<void, std::string> WriteJsonFile(const std::string& path, const json::Value& value) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return std::unexpected(path + ": cannot create its folder: " + ec.message());
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    const std::string text = json::ToPrettyJson(value) + "\n";
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) return std::unexpected(temp + ": cannot write");
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) return std::unexpected(path + ": cannot write: " + ec.message());
  return {};
}

std::expected<BundleManifest, std::string> ManifestFromJson(const json::Value& manifest,
                                                            std::string_view file) {
  const std::string manifest_path(file);
  if (!manifest.IsObject()) return std::unexpected(manifest_path + ": not a JSON object");
  auto format = StringMember(manifest, "format", manifest_path, true);
  if (!format) return std::unexpected(format.error());
  if (*format != kBundleFormat) {
    return std::unexpected(manifest_path + ": format '" + *format + "' is not '" +
                           std::string(kBundleFormat) + "'");
  }
  const json::Value* fv = Member(manifest, "formatVersion");
  if (fv == nullptr || !fv->IsNumber() || !fv->AsNumber().IsInt()) {
    return std::unexpected(Where(manifest_path, "formatVersion") + " is missing or not an integer");
  }
  if (fv->AsNumber().AsInt() < kBundleOldestFormatVersion ||
      fv->AsNumber().AsInt() > kBundleFormatVersion) {
    return std::unexpected(manifest_path + ": format version " +
                           std::to_string(fv->AsNumber().AsInt()) +
                           " is not supported (this accord reads versions " +
                           std::to_string(kBundleOldestFormatVersion) + " to " +
                           std::to_string(kBundleFormatVersion) + ")");
  }
  BundleManifest out;
  out.contexts = {"."};
  if (const json::Value* contexts = Member(manifest, "contexts")) {
    if (!contexts->IsArray()) {
      return std::unexpected(Where(manifest_path, "contexts") + " is not an array");
    }
    out.contexts.clear();
    for (const json::Value& c : contexts->AsArray()) {
      if (!c.IsString() || !c.AsString().starts_with('.')) {
        return std::unexpected(Where(manifest_path, "contexts") +
                               " holds something other than a context name");
      }
      out.contexts.push_back(c.AsString());
    }
  }
  // A context's own settings (added within format 2: older readers ignore
  // the member and import the rest).
  if (const json::Value* settings = Member(manifest, "contextSettings")) {
    if (!settings->IsObject()) {
      return std::unexpected(Where(manifest_path, "contextSettings") + " is not an object");
    }
    for (const json::Member& m : settings->AsObject()) {
      const std::string where = Where(manifest_path, "contextSettings") + "[\"" + m.key + "\"]";
      if (m.key.size() < 2 || !m.key.starts_with('.')) {
        return std::unexpected(where + " does not name a context other than '.'");
      }
      if (!m.value.IsObject()) return std::unexpected(where + " is not an object");
      BundleContextSettings own;
      if (const json::Value* c = Member(m.value, "config"); c != nullptr && !c->IsNull()) {
        if (!c->IsObject()) return std::unexpected(where + ".config is not an object");
        own.config = *c;
      }
      auto mode = StringMember(m.value, "mode", where, false);
      if (!mode) return std::unexpected(mode.error());
      own.mode = std::move(*mode);
      out.context_settings[m.key] = std::move(own);
    }
  }
  if (const json::Value* source = Member(manifest, "source");
      source != nullptr && source->IsObject()) {
    if (const json::Value* a = Member(*source, "accord"); a != nullptr && a->IsBool()) {
      out.accord_source = a->AsBool();
    }
  }
  if (const json::Value* global = Member(manifest, "global")) {
    if (!global->IsObject()) {
      return std::unexpected(Where(manifest_path, "global") + " is not an object");
    }
    if (const json::Value* c = Member(*global, "config")) {
      if (!c->IsObject()) {
        return std::unexpected(Where(manifest_path, "global.config") + " is not an object");
      }
      out.global_config = *c;
    }
    auto mode = StringMember(*global, "mode", manifest_path, false);
    if (!mode) return std::unexpected(mode.error());
    out.global_mode = std::move(*mode);
  }
  const json::Value* subjects = Member(manifest, "subjects");
  if (subjects == nullptr || !subjects->IsArray()) {
    return std::unexpected(Where(manifest_path, "subjects") + " is not an array");
  }
  std::set<std::string> seen;
  for (const json::Value& entry : subjects->AsArray()) {
    if (!entry.IsObject()) {
      return std::unexpected(Where(manifest_path, "subjects") + " holds a non-object");
    }
    auto name = StringMember(entry, "subject", manifest_path, true);
    if (!name) return std::unexpected(name.error());
    auto file_name = StringMember(entry, "file", manifest_path, true);
    if (!file_name) return std::unexpected(file_name.error());
    // Only the names this writer gives: a bundle cannot make import read
    // files outside its folder.
    if (*file_name != SubjectFileName(*name)) {
      return std::unexpected(manifest_path + ": subject '" + *name + "' names file '" + *file_name +
                             "' instead of '" + SubjectFileName(*name) + "'");
    }
    if (!seen.insert(*name).second) {
      return std::unexpected(manifest_path + ": subject '" + *name + "' is listed twice");
    }
    out.subjects.push_back(std::move(*name));
  }
  if (const json::Value* services = Member(manifest, "services")) {
    if (!services->IsString() || services->AsString() != kBundleServices) {
      return std::unexpected(Where(manifest_path, "services") + " is not \"" +
                             std::string(kBundleServices) + "\"");
    }
    out.services = true;
  }
  return out;
}

std::expected<Bundle, std::string> ReadBundle(const std::string& dir) {
  const std::string manifest_path = dir + "/" + std::string(kBundleManifest);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return std::unexpected(dir + ": not a folder (a bundle is the folder accord export wrote)");
  }
  if (!std::filesystem::exists(manifest_path, ec)) {
    const bool unfinished = std::filesystem::exists(dir + "/" + std::string(kExportState), ec);
    return std::unexpected(manifest_path + ": missing" +
                           (unfinished ? std::string(" (the export into this folder is unfinished: "
                                                     "run accord export again to complete it)")
                                       : std::string(" (not a bundle written by accord export)")));
  }
  auto doc = ReadJsonFile(manifest_path);
  if (!doc) return std::unexpected(doc.error());
  auto manifest = ManifestFromJson(*doc, manifest_path);
  if (!manifest) return std::unexpected(manifest.error());
  Bundle out;
  out.accord_source = manifest->accord_source;
  out.contexts = std::move(manifest->contexts);
  out.context_settings = std::move(manifest->context_settings);
  out.global_config = std::move(manifest->global_config);
  out.global_mode = std::move(manifest->global_mode);
  for (const std::string& name : manifest->subjects) {
    const std::string path = dir + "/" + SubjectFileName(name);
    auto file = ReadJsonFile(path);
    if (!file) return std::unexpected(file.error());
    auto subject = SubjectFromJson(*file, path);
    if (!subject) return std::unexpected(subject.error());
    if (subject->subject != name) {
      return std::unexpected(path + ": holds subject '" + subject->subject + "', the manifest '" +
                             name + "'");
    }
    out.subjects.push_back(std::move(*subject));
  }
  if (manifest->services) {
    const std::string path = dir + "/" + std::string(kBundleServices);
    auto services = ReadJsonFile(path);
    if (!services) return std::unexpected(services.error());
    if (!services->IsArray()) return std::unexpected(path + ": not a JSON array");
    for (const json::Value& s : services->AsArray()) {
      if (!s.IsObject() || Member(s, "name") == nullptr || !Member(s, "name")->IsString()) {
        return std::unexpected(path + ": a declaration without a 'name'");
      }
    }
    out.services = services->AsArray();
  }
  return out;
}

Progress::Progress(std::string_view command, std::string_view unit, std::size_t total)
    : prefix_("accord " + std::string(command) + ": "),
      unit_(unit),
      total_(total),
      enabled_(isatty(STDERR_FILENO) == 1 && total > 0) {}

Progress::~Progress() {
  if (drawn_) std::fputs("\n", stderr);
}

void Progress::Step(std::size_t done) {
  if (!enabled_) return;
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total_ == 0 ? kWidth : std::min(kWidth, done * kWidth / total_);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '-');
  std::fprintf(stderr, "\r%s[%s] %zu/%zu %s", prefix_.c_str(), bar.c_str(), done, total_,
               unit_.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

StopHook::StopHook() {
  if (const char* env = std::getenv("ACCORD_TEST_STOP_AFTER"); env != nullptr && *env != '\0') {
    left_ = std::strtoll(env, nullptr, 10);
  }
}

bool StopHook::Done() {
  if (left_ < 0) return false;
  if (left_ > 0) --left_;
  return left_ == 0;
}

}  // namespace accord::cli

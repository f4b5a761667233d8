#include "accord/registry/store_copy.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace accord::registry {
namespace {

// Everything a store holds, read through the Store interface.
struct Snapshot {
  std::vector<ContextRecord> contexts;  // by number
  std::vector<SchemaRecord> schemas;    // by id (context by context)
  std::vector<VersionRecord> versions;  // by subject, then version
  std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>> configs;
  std::vector<std::pair<std::optional<SubjectName>, Mode>> modes;
  std::vector<std::pair<SubjectName, SubjectMetadata>> metadata;
  std::vector<ServiceRecord> services;
  std::vector<ServiceVersionRecord> service_versions;  // by service, then age
  std::vector<EnvironmentRecord> environments;         // by name
  std::vector<DeploymentRecord> deployments;           // by environment, then service
  std::vector<ReadCount> read_counts;                  // by schema, principal, user agent
  std::vector<WebhookRecord> webhooks;                 // by id
  std::vector<AuditRecord> audit;                      // by seq
};

RegistryResult<Snapshot> ReadAll(Store& s) {
  Snapshot out;
  auto contexts = s.ListContexts();
  if (!contexts) return std::unexpected(contexts.error());
  out.contexts = std::move(*contexts);
  // The default context (0), then each context's id space (SchemaId).
  std::vector<std::int64_t> numbers{0};
  for (const ContextRecord& c : out.contexts) numbers.push_back(c.number);
  for (std::int64_t number : numbers) {
    auto max = s.MaxSchemaId(number);
    if (!max) return std::unexpected(max.error());
    for (std::int64_t id = SchemaId::InContext(number, 1).value(); id <= max->value(); ++id) {
      auto rec = s.GetSchema(SchemaId(id));
      if (!rec) return std::unexpected(rec.error());
      if (*rec) out.schemas.push_back(std::move(**rec));
    }
  }
  auto subjects = s.ListSubjects(IncludeDeleted::kYes);
  if (!subjects) return std::unexpected(subjects.error());
  for (const SubjectName& subject : *subjects) {
    auto versions = s.ListVersions(subject, IncludeDeleted::kYes);
    if (!versions) return std::unexpected(versions.error());
    for (VersionRecord& v : *versions) out.versions.push_back(std::move(v));
  }
  auto configs = s.ListConfigs();
  if (!configs) return std::unexpected(configs.error());
  out.configs = std::move(*configs);
  auto modes = s.ListModes();
  if (!modes) return std::unexpected(modes.error());
  out.modes = std::move(*modes);
  auto metadata = s.ListSubjectMetadata();
  if (!metadata) return std::unexpected(metadata.error());
  out.metadata = std::move(*metadata);
  auto services = s.ListServices();
  if (!services) return std::unexpected(services.error());
  out.services = std::move(*services);
  auto service_versions = s.ListServiceVersions(std::nullopt);
  if (!service_versions) return std::unexpected(service_versions.error());
  out.service_versions = std::move(*service_versions);
  auto environments = s.ListEnvironments();
  if (!environments) return std::unexpected(environments.error());
  out.environments = std::move(*environments);
  auto deployments = s.ListDeployments(std::nullopt);
  if (!deployments) return std::unexpected(deployments.error());
  out.deployments = std::move(*deployments);
  auto read_counts = s.ListReadCounts(std::nullopt);
  if (!read_counts) return std::unexpected(read_counts.error());
  out.read_counts = std::move(*read_counts);
  auto webhooks = s.ListWebhooks();
  if (!webhooks) return std::unexpected(webhooks.error());
  out.webhooks = std::move(*webhooks);
  for (std::int64_t after = 0;;) {
    auto page = s.ListAudit(after, 10'000);
    if (!page) return std::unexpected(page.error());
    if (page->empty()) break;
    after = page->back().seq;
    for (AuditRecord& a : *page) out.audit.push_back(std::move(a));
  }
  return out;
}

std::string VersionName(const VersionRecord& v) {
  return "version " + v.subject.str() + " " + std::to_string(v.version.value());
}

// The first difference between two snapshots, or "".
std::string FirstDifference(const Snapshot& a, const Snapshot& b) {
  if (a.contexts != b.contexts) return "contexts differ";
  if (a.schemas.size() != b.schemas.size()) {
    return "schema count " + std::to_string(a.schemas.size()) + " vs " +
           std::to_string(b.schemas.size());
  }
  for (std::size_t i = 0; i < a.schemas.size(); ++i) {
    const SchemaRecord& x = a.schemas[i];
    const SchemaRecord& y = b.schemas[i];
    const std::string name = "schema " + std::to_string(x.id.value());
    if (x.id != y.id) return name + ": id " + std::to_string(y.id.value()) + " in the copy";
    if (x.type != y.type) return name + ": type";
    if (x.text != y.text) return name + ": text";
    if (x.canonical != y.canonical) return name + ": canonical form";
    if (x.fingerprint != y.fingerprint) return name + ": fingerprint";
    if (x.references != y.references) return name + ": references";
  }
  if (a.versions.size() != b.versions.size()) {
    return "version count " + std::to_string(a.versions.size()) + " vs " +
           std::to_string(b.versions.size());
  }
  for (std::size_t i = 0; i < a.versions.size(); ++i) {
    const VersionRecord& x = a.versions[i];
    const VersionRecord& y = b.versions[i];
    if (x.subject != y.subject || x.version != y.version) {
      return VersionName(x) + ": " + VersionName(y) + " in the copy";
    }
    if (x.schema_id != y.schema_id) {
      return VersionName(x) + ": schema id " + std::to_string(x.schema_id.value()) + " vs " +
             std::to_string(y.schema_id.value());
    }
    if (x.deleted != y.deleted) return VersionName(x) + ": soft deletion";
    if (x.created_ms != y.created_ms) return VersionName(x) + ": registration time";
    if (x.metadata != y.metadata) return VersionName(x) + ": metadata";
    if (x.rule_set != y.rule_set) return VersionName(x) + ": rule set";
    if (x.deprecation != y.deprecation) return VersionName(x) + ": deprecation";
  }
  if (a.configs != b.configs) return "configs differ";
  if (a.modes != b.modes) return "modes differ";
  if (a.metadata != b.metadata) return "subject metadata differs";
  if (a.services.size() != b.services.size()) return "service count differs";
  for (std::size_t i = 0; i < a.services.size(); ++i) {
    if (!a.services[i].SameDeclaration(b.services[i]) ||
        a.services[i].updated_ms != b.services[i].updated_ms) {
      return "service " + a.services[i].name;
    }
  }
  if (a.service_versions.size() != b.service_versions.size()) {
    return "contract version count differs";
  }
  for (std::size_t i = 0; i < a.service_versions.size(); ++i) {
    const ServiceVersionRecord& x = a.service_versions[i];
    const ServiceVersionRecord& y = b.service_versions[i];
    if (!x.SameContract(y) || x.created_ms != y.created_ms) {
      return "contract version " + x.service + "@" + x.version;
    }
  }
  if (a.environments != b.environments) return "environments differ";
  if (a.deployments != b.deployments) return "deployments differ";
  if (a.read_counts != b.read_counts) return "read counts differ";
  if (a.webhooks != b.webhooks) return "webhooks differ";
  if (a.audit.size() != b.audit.size()) {
    return "audit rows " + std::to_string(a.audit.size()) + " vs " + std::to_string(b.audit.size());
  }
  for (std::size_t i = 0; i < a.audit.size(); ++i) {
    const AuditRecord& x = a.audit[i];
    const AuditRecord& y = b.audit[i];
    if (x.seq != y.seq || x.ts_ms != y.ts_ms || x.actor != y.actor || x.action != y.action ||
        x.subject != y.subject || x.version != y.version || x.schema_id != y.schema_id ||
        x.detail != y.detail) {
      return "audit row " + std::to_string(x.seq);
    }
  }
  return "";
}

AuditRecord CopyAudit(const std::string& action) {
  AuditRecord a;
  a.actor = "accord store copy";
  a.action = action;
  return a;
}

// A subject name no client can use (control character): holds a schema
// that no version uses any more for the moment it takes to create it.
const SubjectName kScratchSubject(
    "\x01"
    "accord-store-copy");

}  // namespace

RegistryResult<std::string> DiffStores(Store& a, Store& b) {
  auto x = ReadAll(a);
  if (!x) return std::unexpected(x.error());
  auto y = ReadAll(b);
  if (!y) return std::unexpected(y.error());
  return FirstDifference(*x, *y);
}

RegistryResult<CopyCounts> CopyStore(Store& from, Store& to,
                                     const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  auto target = ReadAll(to);
  if (!target) return std::unexpected(target.error());
  if (!target->contexts.empty() || !target->schemas.empty() || !target->versions.empty() ||
      !target->configs.empty() || !target->modes.empty() || !target->metadata.empty() ||
      !target->services.empty() || !target->service_versions.empty() ||
      !target->environments.empty() || !target->deployments.empty() ||
      !target->read_counts.empty() || !target->webhooks.empty()) {
    return Fail(ErrorCode::kOperationNotPermitted,
                "the target store is not empty: copy into a new database or data directory");
  }
  say("reading the source");
  auto src = ReadAll(from);
  if (!src) return std::unexpected(src.error());

  CopyCounts counts;
  // Contexts first, with their numbers: the schema ids carry them.
  for (const ContextRecord& c : src->contexts) {
    auto number = to.EnsureContext(c.name, c.number);
    if (!number) return std::unexpected(number.error());
    if (*number != c.number) {
      return Fail(ErrorCode::kStoreError, "context " + c.name + " got number " +
                                              std::to_string(*number) + " in the target");
    }
    // A deleted context keeps its number (its ids may be in the schemas
    // copied below); its own config and mode went with the delete.
    if (c.deleted) {
      if (auto r = to.DeleteContext(c.name, CopyAudit("COPY")); !r) {
        return std::unexpected(r.error());
      }
    }
  }
  std::map<std::int64_t, const SchemaRecord*> by_id;
  for (const SchemaRecord& s : src->schemas) by_id[s.id.value()] = &s;
  std::map<std::int64_t, std::vector<const VersionRecord*>> users;
  for (const VersionRecord& v : src->versions) users[v.schema_id.value()].push_back(&v);

  say("copying " + std::to_string(src->schemas.size()) + " schemas and " +
      std::to_string(src->versions.size()) + " versions");
  for (const SchemaRecord& schema : src->schemas) {
    auto it = users.find(schema.id.value());
    if (it == users.end()) {
      // No version uses it (all hard-deleted): the id stays taken.
      NewVersion nv;
      nv.subject = kScratchSubject;
      nv.version = Version(1);
      nv.schema = schema;
      nv.audit = CopyAudit("COPY");
      if (auto w = to.AddVersion(nv); !w) return std::unexpected(w.error());
      if (auto d = to.HardDeleteVersions(kScratchSubject, {Version(1)}, CopyAudit("COPY")); !d) {
        return std::unexpected(d.error());
      }
      continue;
    }
    for (const VersionRecord* v : it->second) {
      NewVersion nv;
      nv.subject = v->subject;
      nv.version = v->version;
      nv.schema = schema;
      nv.created_ms = v->created_ms;
      nv.metadata = v->metadata;
      nv.rule_set = v->rule_set;
      nv.audit = CopyAudit("COPY");
      auto w = to.AddVersion(nv);
      if (!w) return std::unexpected(w.error());
      if (w->id != schema.id) {
        return Fail(ErrorCode::kStoreError, "schema " + std::to_string(schema.id.value()) +
                                                " got id " + std::to_string(w->id.value()) +
                                                " in the target");
      }
    }
  }
  // Versions whose schema the source no longer has cannot be copied.
  for (const VersionRecord& v : src->versions) {
    if (!by_id.contains(v.schema_id.value())) {
      return Fail(ErrorCode::kStoreError, VersionName(v) + " uses schema " +
                                              std::to_string(v.schema_id.value()) +
                                              ", which the source does not hold");
    }
  }
  std::map<SubjectName, std::vector<Version>> soft;
  for (const VersionRecord& v : src->versions) {
    if (v.deleted) soft[v.subject].push_back(v.version);
    if (v.deprecation) {
      if (auto d = to.SetDeprecation(v.subject, v.version, v.deprecation, CopyAudit("COPY")); !d) {
        return std::unexpected(d.error());
      }
      ++counts.deprecations;
    }
  }
  for (const auto& [subject, versions] : soft) {
    if (auto d = to.SoftDeleteVersions(subject, versions, CopyAudit("COPY")); !d) {
      return std::unexpected(d.error());
    }
  }
  say("copying the configs, modes and catalog");
  for (const auto& [scope, config] : src->configs) {
    if (auto r = to.SetConfig(scope, config, CopyAudit("COPY")); !r) {
      return std::unexpected(r.error());
    }
  }
  for (const auto& [scope, mode] : src->modes) {
    if (auto r = to.SetMode(scope, mode, CopyAudit("COPY")); !r) return std::unexpected(r.error());
  }
  for (const auto& [subject, metadata] : src->metadata) {
    if (auto r = to.SetSubjectMetadata(subject, metadata, CopyAudit("COPY")); !r) {
      return std::unexpected(r.error());
    }
  }
  for (const ServiceRecord& service : src->services) {
    if (auto r = to.PutService(service, CopyAudit("COPY"), {}); !r)
      return std::unexpected(r.error());
  }
  for (const ServiceVersionRecord& v : src->service_versions) {
    if (auto r = to.AddServiceVersion(v, CopyAudit("COPY")); !r) return std::unexpected(r.error());
  }
  for (const EnvironmentRecord& e : src->environments) {
    if (auto r = to.PutEnvironment(e, CopyAudit("COPY")); !r) return std::unexpected(r.error());
  }
  for (const DeploymentRecord& d : src->deployments) {
    if (auto r = to.SetDeployment(d, std::nullopt, CopyAudit("COPY")); !r) {
      return std::unexpected(r.error());
    }
  }
  // Into an empty store, adding the counts sets them (the rows beyond
  // kMaxUserAgentsPerReader are the source's own kOtherUserAgent rows).
  say("copying " + std::to_string(src->read_counts.size()) + " read counts and " +
      std::to_string(src->webhooks.size()) + " webhooks");
  if (auto r = to.AddReadCounts(src->read_counts); !r) return std::unexpected(r.error());
  for (const WebhookRecord& hook : src->webhooks) {
    if (auto r = to.PutWebhook(hook, CopyAudit("COPY")); !r) return std::unexpected(r.error());
  }
  say("copying " + std::to_string(src->audit.size()) + " audit rows");
  if (auto r = to.ReplaceAudit(src->audit); !r) return std::unexpected(r.error());

  say("verifying");
  auto copy = ReadAll(to);
  if (!copy) return std::unexpected(copy.error());
  if (std::string diff = FirstDifference(*src, *copy); !diff.empty()) {
    return Fail(ErrorCode::kStoreError, "the copy differs from the source: " + diff);
  }
  counts.contexts = static_cast<std::int64_t>(src->contexts.size());
  counts.schemas = static_cast<std::int64_t>(src->schemas.size());
  counts.versions = static_cast<std::int64_t>(src->versions.size());
  std::vector<SubjectName> subjects;
  for (const VersionRecord& v : src->versions) subjects.push_back(v.subject);
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
  counts.subjects = static_cast<std::int64_t>(subjects.size());
  counts.configs = static_cast<std::int64_t>(src->configs.size());
  counts.modes = static_cast<std::int64_t>(src->modes.size());
  counts.subject_metadata = static_cast<std::int64_t>(src->metadata.size());
  counts.services = static_cast<std::int64_t>(src->services.size());
  counts.service_versions = static_cast<std::int64_t>(src->service_versions.size());
  counts.environments = static_cast<std::int64_t>(src->environments.size());
  counts.deployments = static_cast<std::int64_t>(src->deployments.size());
  counts.read_counts = static_cast<std::int64_t>(src->read_counts.size());
  counts.webhooks = static_cast<std::int64_t>(src->webhooks.size());
  counts.audit_rows = static_cast<std::int64_t>(src->audit.size());
  return counts;
}

}  // namespace accord::registry

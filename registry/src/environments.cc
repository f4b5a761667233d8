// The deployment half of the Service (service.h, "CONTRACT VERSIONS,
// ENVIRONMENTS, DEPLOYMENTS"): contract versions of services, environments
// and which version of each service runs in them.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "accord/registry/service.h"
#include "accord/schemas/json.h"
#include "authz.h"
#include "formats.h"
#include "service_internal.h"

namespace accord::registry {

using internal::MakeAudit;
using internal::Quoted;
using json::Value;

namespace {

constexpr std::size_t kMaxVersionName = 128;
constexpr std::size_t kMaxEnvironmentName = 64;
constexpr std::size_t kMaxOwner = 128;

std::unexpected<RegistryError> Bad(std::string message) {
  return Fail(ErrorCode::kInvalidCatalogMetadata, std::move(message));
}

RegistryResult<void> ValidVersionName(std::string_view version) {
  if (version.size() > kMaxVersionName || !internal::Token(version, true)) {
    return Bad("service version must be 1-" + std::to_string(kMaxVersionName) +
               " characters of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
  }
  return {};
}

RegistryResult<void> ValidEnvironmentName(std::string_view name) {
  if (name.size() > kMaxEnvironmentName || !internal::Token(name, true)) {
    return Bad("environment name must be 1-" + std::to_string(kMaxEnvironmentName) +
               " characters of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit");
  }
  return {};
}

Value ContractValue(const ServiceVersionRecord& c) {
  Value o{json::Object{}};
  o.Add("service", c.service);
  o.Add("version", c.version);
  o.Add("owner", c.owner);
  json::Array produces;
  for (const ProducedSchema& p : c.produces) {
    Value e{json::Object{}};
    e.Add("subject", p.subject.str());
    e.Add("id", p.schema_id.local());
    produces.push_back(std::move(e));
  }
  o.Add("produces", Value(std::move(produces)));
  json::Array consumes;
  for (const ConsumedSubject& s : c.consumes) consumes.emplace_back(s.subject.str());
  o.Add("consumes", Value(std::move(consumes)));
  return o;
}

Value EnvironmentValue(const std::optional<EnvironmentRecord>& e) {
  if (!e) return Value();
  Value o{json::Object{}};
  o.Add("name", e->name);
  o.Add("owner", e->owner);
  o.Add("production", e->production);
  return o;
}

std::string DeploymentDetail(const std::string& environment, const std::string& service,
                             const std::string& version, const std::optional<std::string>& before) {
  Value o{json::Object{}};
  o.Add("environment", environment);
  o.Add("service", service);
  o.Add("version", version);
  o.Add("replaced", before ? Value(*before) : Value());
  return json::ToJson(o);
}

}  // namespace

RegistryResult<std::string> Service::ServiceOwner(const std::string& service,
                                                  const std::string& fallback) {
  auto declared = store_->GetService(service);
  if (!declared) return std::unexpected(declared.error());
  if (*declared) return (*declared)->owner;
  auto versions = store_->ListServiceVersions(service);
  if (!versions) return std::unexpected(versions.error());
  if (!versions->empty()) return versions->back().owner;
  return fallback;
}

RegistryResult<PublishVersionResult> Service::PublishServiceVersion(const ServiceVersionRecord& in,
                                                                    const Principal& caller) {
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  if (auto v = ValidVersionName(in.version); !v) return std::unexpected(v.error());
  // The declaration's rules for name, owner and consumes.
  ServiceRecord declaration;
  declaration.name = in.service;
  declaration.owner = in.owner;
  declaration.consumes = in.consumes;
  for (const ProducedSchema& p : in.produces) declaration.produces.push_back(p.subject);
  auto valid = ValidDeclaration(declaration);
  if (!valid) return std::unexpected(valid.error());
  ServiceVersionRecord contract = in;
  contract.consumes = valid->consumes;
  std::sort(contract.produces.begin(), contract.produces.end(),
            [](const ProducedSchema& a, const ProducedSchema& b) { return a.subject < b.subject; });
  for (std::size_t i = 0; i < contract.produces.size(); ++i) {
    ProducedSchema& p = contract.produces[i];
    if (i > 0 && contract.produces[i - 1].subject == p.subject) {
      return Bad("produces: subject " + Quoted(p.subject.str()) + " is listed twice");
    }
    // The id is one of the subject's context (issue #18), as clients see it.
    const std::int64_t wire_id = p.schema_id.value();
    auto context = ContextNumber(SplitQualifiedSubject(p.subject.str()).context, false);
    if (!context) return std::unexpected(context.error());
    if (!*context || wire_id > SchemaId::kMaxLocal) {
      return Bad("produces " + Quoted(p.subject.str()) + ": schema id " + std::to_string(wire_id) +
                 " is not a live version of that subject");
    }
    p.schema_id = SchemaId::InContext(**context, wire_id);
    auto holders = store_->VersionsOfSchema(p.schema_id, IncludeDeleted::kNo);
    if (!holders) return std::unexpected(holders.error());
    const bool held = std::any_of(holders->begin(), holders->end(),
                                  [&](const VersionRecord& v) { return v.subject == p.subject; });
    if (!held) {
      return Bad("produces " + Quoted(p.subject.str()) + ": schema id " + std::to_string(wire_id) +
                 " is not a live version of that subject");
    }
  }
  WriteScope lock(*this);
  if (auto w = CheckWritable(std::nullopt); !w) return std::unexpected(w.error());
  auto owner = ServiceOwner(contract.service, contract.owner);
  if (!owner) return std::unexpected(owner.error());
  if (auto ok = internal::AuthoriseServiceChange(caller, contract.service, contract.owner, *owner);
      !ok) {
    return std::unexpected(ok.error());
  }
  for (const ProducedSchema& p : contract.produces) {
    auto meta = store_->GetSubjectMetadata(p.subject);
    if (!meta) return std::unexpected(meta.error());
    const std::string subject_owner = *meta ? (*meta)->owner : std::string();
    if (auto ok = internal::AuthoriseProduces(caller, contract.service, p.subject, subject_owner,
                                              /*has_versions=*/true);
        !ok) {
      return std::unexpected(ok.error());
    }
  }
  // Twice at most: a version another process stored between the read and
  // the write is compared like one stored before.
  for (int attempt = 1;; ++attempt) {
    auto stored = store_->GetServiceVersion(contract.service, contract.version);
    if (!stored) return std::unexpected(stored.error());
    if (*stored) {
      if ((*stored)->SameContract(contract)) {
        return PublishVersionResult{.contract = std::move(**stored), .created = false};
      }
      return Fail(ErrorCode::kServiceVersionExists,
                  "Version " + Quoted(contract.version) + " of service " +
                      Quoted(contract.service) +
                      " is published with another contract (a version is immutable: publish "
                      "the changed contract as a new version).");
    }
    contract.created_ms = NowMs();
    Value detail{json::Object{}};
    detail.Add("before", Value());
    detail.Add("after", ContractValue(contract));
    auto added = store_->AddServiceVersion(
        contract, MakeAudit("PUBLISH_SERVICE_VERSION", caller.name, {}, 0, json::ToJson(detail)));
    if (added && *added) return PublishVersionResult{.contract = contract, .created = true};
    if (!added && (added.error().fault != StoreFault::kConflict || attempt == 2)) {
      return std::unexpected(added.error());
    }
  }
}

RegistryResult<ServiceVersionRecord> Service::GetServiceVersion(std::string_view service,
                                                                std::string_view version) {
  auto stored = store_->GetServiceVersion(std::string(service), std::string(version));
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) {
    return Fail(ErrorCode::kServiceVersionNotFound,
                "Version " + Quoted(version) + " of service " + Quoted(service) + " not found.");
  }
  return std::move(**stored);
}

RegistryResult<std::vector<ServiceVersionRecord>> Service::ListServiceVersions(
    std::string_view service) {
  return store_->ListServiceVersions(std::string(service));
}

RegistryResult<EnvironmentRecord> Service::PutEnvironment(const EnvironmentRecord& in,
                                                          const Principal& caller) {
  if (auto ok = internal::RequireAdmin(caller, "declare environments"); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto v = ValidEnvironmentName(in.name); !v) return std::unexpected(v.error());
  if (in.owner.size() > kMaxOwner || std::any_of(in.owner.begin(), in.owner.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return Bad("owner must be at most " + std::to_string(kMaxOwner) +
               " bytes without control characters");
  }
  WriteScope lock(*this);
  if (auto w = CheckWritable(std::nullopt); !w) return std::unexpected(w.error());
  auto stored = store_->GetEnvironment(in.name);
  if (!stored) return std::unexpected(stored.error());
  if (*stored && (*stored)->owner == in.owner && (*stored)->production == in.production) {
    return std::move(**stored);
  }
  EnvironmentRecord environment = in;
  environment.created_ms = *stored ? (*stored)->created_ms : NowMs();
  Value detail{json::Object{}};
  detail.Add("before", EnvironmentValue(*stored));
  detail.Add("after", EnvironmentValue(environment));
  auto r = store_->PutEnvironment(
      environment, MakeAudit("PUT_ENVIRONMENT", caller.name, {}, 0, json::ToJson(detail)));
  if (!r) return std::unexpected(r.error());
  return environment;
}

RegistryResult<std::vector<EnvironmentRecord>> Service::ListEnvironments() {
  return store_->ListEnvironments();
}

RegistryResult<EnvironmentView> Service::GetEnvironment(std::string_view name) {
  auto stored = store_->GetEnvironment(std::string(name));
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) {
    return Fail(ErrorCode::kEnvironmentNotFound, "Environment " + Quoted(name) + " not found.");
  }
  EnvironmentView view;
  view.environment = std::move(**stored);
  auto deployments = store_->ListDeployments(view.environment.name);
  if (!deployments) return std::unexpected(deployments.error());
  for (DeploymentRecord& d : *deployments) {
    DeployedService s;
    auto contract = store_->GetServiceVersion(d.service, d.version);
    if (!contract) return std::unexpected(contract.error());
    if (*contract) {
      for (const ProducedSchema& p : (*contract)->produces) {
        auto holders = store_->VersionsOfSchema(p.schema_id, IncludeDeleted::kNo);
        if (!holders) return std::unexpected(holders.error());
        DeployedProduces produced{.subject = p.subject, .schema_id = p.schema_id};
        for (const VersionRecord& v : *holders) {
          if (v.subject == p.subject && (!produced.version || v.version < *produced.version)) {
            produced.version = v.version;
          }
        }
        s.produces.push_back(std::move(produced));
      }
    }
    s.deployment = std::move(d);
    s.contract = std::move(*contract);
    view.services.push_back(std::move(s));
  }
  return view;
}

RegistryResult<std::vector<DeployPair>> Service::CheckDeployment(std::string_view environment,
                                                                 std::string_view service,
                                                                 std::string_view version) {
  auto candidate = GetServiceVersion(service, version);
  if (!candidate) return std::unexpected(candidate.error());
  auto deployed = store_->ListDeployments(std::string(environment));
  if (!deployed) return std::unexpected(deployed.error());
  std::vector<ServiceVersionRecord> others;
  for (const DeploymentRecord& d : *deployed) {
    if (d.service == candidate->service) continue;  // the version it replaces
    auto c = store_->GetServiceVersion(d.service, d.version);
    if (!c) return std::unexpected(c.error());
    if (*c) others.push_back(std::move(**c));
  }
  auto name = [](const ServiceVersionRecord& c) { return c.service + "@" + c.version; };
  // One pair: the producer's schema `id` of `subject` against `reader`.
  auto judge = [&](const SubjectName& subject, SchemaId id, const ConsumedSubject& reader,
                   DeployPair& pair) -> RegistryResult<void> {
    auto live = store_->ListVersions(subject, IncludeDeleted::kNo);
    if (!live) return std::unexpected(live.error());
    auto held = std::find_if(live->begin(), live->end(),
                             [&](const VersionRecord& v) { return v.schema_id == id; });
    if (held == live->end()) {
      pair.ok = false;
      pair.reasons.push_back("schema id " + std::to_string(id.value()) +
                             " is no longer a live version of " + subject.str());
      return {};
    }
    pair.version = held->version;
    if (!reader.Accepts(held->version)) {
      pair.ok = false;
      pair.reasons.push_back(pair.consumer + " does not accept version " +
                             std::to_string(held->version.value()));
      return {};
    }
    if (reader.schema.empty()) return {};  // no reader schema: nothing to check
    auto writer = ParsedVersion(*held);
    if (!writer) return std::unexpected(writer.error());
    auto parsed = internal::ParseReader(reader, options_.default_dialect);
    if (!parsed) return std::unexpected(parsed.error());
    auto config = ConfigFor(subject);
    if (!config) return std::unexpected(config.error());
    auto report = internal::CheckCompatible(**writer, *parsed, config->policy);
    if (!report) return std::unexpected(report.error());
    for (const compat::Finding& f : report->findings) {
      if (!compat::IsFailing(f.severity)) continue;
      pair.ok = false;
      // (A pointer into a schema the reader references follows its name.)
      const std::string at = f.reader_document.empty()
                                 ? (f.reader_path.empty() ? "(root)" : f.reader_path)
                                 : f.reader_document + "#" + f.reader_path;
      pair.reasons.push_back(std::string(f.kind.name()) + " at " + at + ": " + f.message);
    }
    return {};
  };
  std::vector<DeployPair> out;
  for (const ProducedSchema& p : candidate->produces) {
    for (const ServiceVersionRecord& other : others) {
      for (const ConsumedSubject& c : other.consumes) {
        if (c.subject != p.subject) continue;
        DeployPair pair{
            .subject = p.subject, .producer = name(*candidate), .consumer = name(other)};
        if (auto r = judge(p.subject, p.schema_id, c, pair); !r) return std::unexpected(r.error());
        out.push_back(std::move(pair));
      }
    }
  }
  for (const ConsumedSubject& c : candidate->consumes) {
    for (const ServiceVersionRecord& other : others) {
      for (const ProducedSchema& p : other.produces) {
        if (p.subject != c.subject) continue;
        DeployPair pair{
            .subject = p.subject, .producer = name(other), .consumer = name(*candidate)};
        if (auto r = judge(p.subject, p.schema_id, c, pair); !r) return std::unexpected(r.error());
        out.push_back(std::move(pair));
      }
    }
  }
  return out;
}

RegistryResult<Service::OwnedContract> Service::ContractActedOnBy(std::string_view service,
                                                                  std::string_view version,
                                                                  const Principal& caller) {
  auto contract = GetServiceVersion(service, version);
  if (!contract) return std::unexpected(contract.error());
  auto owner = ServiceOwner(contract->service, contract->owner);
  if (!owner) return std::unexpected(owner.error());
  if (auto ok = internal::AuthoriseServiceChange(caller, contract->service, std::nullopt, *owner);
      !ok) {
    return std::unexpected(ok.error());
  }
  return OwnedContract{std::move(*contract), std::move(*owner)};
}

RegistryResult<void> Service::ReportDeployCheckFailed(std::string_view environment,
                                                      std::string_view service,
                                                      std::string_view version,
                                                      const std::vector<DeployCheckBreak>& breaks,
                                                      const Principal& caller) {
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  if (auto v = ValidEnvironmentName(environment); !v) return std::unexpected(v.error());
  constexpr std::size_t kMaxBreaks = 1000;
  constexpr std::size_t kMaxField = 1024;
  if (breaks.size() > kMaxBreaks) {
    return Bad("a failed check may report at most 1000 breaks, not " +
               std::to_string(breaks.size()));
  }
  for (const DeployCheckBreak& b : breaks) {
    if (b.subject.size() > kMaxField || b.peer.size() > kMaxField || b.reason.size() > kMaxField) {
      return Bad("a break's subject, peer and reason are at most 1024 bytes each");
    }
  }
  auto acted = ContractActedOnBy(service, version, caller);
  if (!acted) return std::unexpected(acted.error());
  const ServiceVersionRecord& contract = acted->contract;
  json::Value data{json::Object{}};
  data.Add("environment", std::string(environment));
  data.Add("service", contract.service);
  data.Add("version", contract.version);
  json::Array list;
  for (const DeployCheckBreak& b : breaks) {
    json::Value o{json::Object{}};
    o.Add("subject", b.subject);
    o.Add("peer", b.peer);
    o.Add("reason", b.reason);
    list.push_back(std::move(o));
  }
  data.Add("breaks", json::Value(std::move(list)));
  data.Add("actor", caller.name);
  PublishEvent(WebhookEvent::kDeployCheckFailed, data);
  return {};
}

RegistryResult<DeploymentRecord> Service::RecordDeployment(std::string_view environment,
                                                           std::string_view service,
                                                           std::string_view version,
                                                           const Principal& caller) {
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  if (auto v = ValidEnvironmentName(environment); !v) return std::unexpected(v.error());
  WriteScope lock(*this);
  if (auto w = CheckWritable(std::nullopt); !w) return std::unexpected(w.error());
  auto acted = ContractActedOnBy(service, version, caller);
  if (!acted) return std::unexpected(acted.error());
  const ServiceVersionRecord& contract = acted->contract;
  const std::string& owner = acted->owner;
  const std::string env(environment);
  auto stored_env = store_->GetEnvironment(env);
  if (!stored_env) return std::unexpected(stored_env.error());
  std::optional<EnvironmentRecord> create;
  if (!*stored_env) {
    create = EnvironmentRecord{.name = env,
                               .owner = caller.teams.empty() ? owner : caller.teams.front(),
                               .production = false,
                               .created_ms = NowMs()};
  }
  auto deployed = store_->ListDeployments(env);
  if (!deployed) return std::unexpected(deployed.error());
  std::optional<std::string> before;
  for (const DeploymentRecord& d : *deployed) {
    if (d.service != contract.service) continue;
    if (d.version == contract.version) return d;  // recorded already
    before = d.version;
  }
  DeploymentRecord deployment{.environment = env,
                              .service = contract.service,
                              .version = contract.version,
                              .deployed_ms = NowMs()};
  auto r = store_->SetDeployment(
      deployment, create,
      MakeAudit("RECORD_DEPLOYMENT", caller.name, {}, 0,
                DeploymentDetail(env, deployment.service, deployment.version, before)));
  if (!r) return std::unexpected(r.error());
  return deployment;
}

RegistryResult<DeploymentRecord> Service::RecordUndeployment(
    std::string_view environment, std::string_view service,
    const std::optional<std::string>& version, const Principal& caller) {
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  WriteScope lock(*this);
  if (auto w = CheckWritable(std::nullopt); !w) return std::unexpected(w.error());
  const std::string env(environment);
  auto stored_env = store_->GetEnvironment(env);
  if (!stored_env) return std::unexpected(stored_env.error());
  if (!*stored_env) {
    return Fail(ErrorCode::kEnvironmentNotFound, "Environment " + Quoted(env) + " not found.");
  }
  auto deployed = store_->ListDeployments(env);
  if (!deployed) return std::unexpected(deployed.error());
  auto it = std::find_if(deployed->begin(), deployed->end(),
                         [&](const DeploymentRecord& d) { return d.service == service; });
  if (it == deployed->end()) {
    return Fail(ErrorCode::kDeploymentNotFound,
                "Service " + Quoted(service) + " is not deployed in " + Quoted(env) + ".");
  }
  if (version && *version != it->version) {
    return Fail(ErrorCode::kDeploymentNotFound, "Service " + Quoted(service) + " runs version " +
                                                    Quoted(it->version) + " in " + Quoted(env) +
                                                    ", not " + Quoted(*version) + ".");
  }
  auto owner = ServiceOwner(it->service, std::string());
  if (!owner) return std::unexpected(owner.error());
  if (auto ok = internal::AuthoriseServiceChange(caller, it->service, std::nullopt, *owner); !ok) {
    return std::unexpected(ok.error());
  }
  Value detail{json::Object{}};
  detail.Add("environment", env);
  detail.Add("service", it->service);
  detail.Add("version", it->version);
  auto r = store_->RemoveDeployment(
      env, it->service, MakeAudit("RECORD_UNDEPLOYMENT", caller.name, {}, 0, json::ToJson(detail)));
  if (!r) return std::unexpected(r.error());
  return *it;
}

}  // namespace accord::registry

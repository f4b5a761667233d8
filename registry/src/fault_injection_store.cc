#include "accord/registry/fault_injection_store.h"

namespace accord::registry {
namespace {

std::unexpected<RegistryError> Injected() {
  return Fail(ErrorCode::kStoreError, "store error: injected fault");
}

}  // namespace

bool FaultInjectionStore::WriteFails() {
  bool fail = fail_writes_.load();
  if (!fail) {
    int left = writes_left_.load();
    while (left >= 0) {
      if (left == 0) {
        fail = true;
        break;
      }
      if (writes_left_.compare_exchange_weak(left, left - 1)) break;
    }
  }
  if (fail) ++failed_writes_;
  return fail;
}

#define ACCORD_READ(call)             \
  if (ReadFails()) return Injected(); \
  return inner_->call

RegistryResult<std::optional<SchemaRecord>> FaultInjectionStore::GetSchema(SchemaId id) {
  ACCORD_READ(GetSchema(id));
}
RegistryResult<std::optional<SchemaRecord>> FaultInjectionStore::FindSchemaByFingerprint(
    const std::string& fingerprint) {
  ACCORD_READ(FindSchemaByFingerprint(fingerprint));
}
RegistryResult<SchemaId> FaultInjectionStore::MaxSchemaId(std::int64_t context) {
  ACCORD_READ(MaxSchemaId(context));
}
RegistryResult<std::vector<ContextRecord>> FaultInjectionStore::ListContexts() {
  ACCORD_READ(ListContexts());
}
RegistryResult<std::int64_t> FaultInjectionStore::EnsureContext(const std::string& name,
                                                                std::int64_t number) {
  if (WriteFails()) return Injected();
  return inner_->EnsureContext(name, number);
}
RegistryResult<void> FaultInjectionStore::DeleteContext(const std::string& name,
                                                        const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->DeleteContext(name, audit);
}
RegistryResult<std::vector<SubjectName>> FaultInjectionStore::ListSubjects(IncludeDeleted d) {
  ACCORD_READ(ListSubjects(d));
}
RegistryResult<std::vector<VersionRecord>> FaultInjectionStore::ListVersions(
    const SubjectName& subject, IncludeDeleted d) {
  ACCORD_READ(ListVersions(subject, d));
}
RegistryResult<std::vector<VersionRecord>> FaultInjectionStore::VersionsOfSchema(SchemaId id,
                                                                                 IncludeDeleted d) {
  ACCORD_READ(VersionsOfSchema(id, d));
}
RegistryResult<std::vector<VersionRecord>> FaultInjectionStore::Referrers(
    const SubjectName& subject, Version version) {
  ACCORD_READ(Referrers(subject, version));
}
RegistryResult<std::optional<ConfigRecord>> FaultInjectionStore::GetConfig(
    const std::optional<SubjectName>& subject) {
  ACCORD_READ(GetConfig(subject));
}
RegistryResult<std::optional<Mode>> FaultInjectionStore::GetMode(
    const std::optional<SubjectName>& subject) {
  ACCORD_READ(GetMode(subject));
}
RegistryResult<std::vector<AuditRecord>> FaultInjectionStore::ListAudit(
    std::int64_t after_seq, std::size_t limit, const std::optional<SubjectName>& subject) {
  ACCORD_READ(ListAudit(after_seq, limit, subject));
}
RegistryResult<std::optional<SubjectMetadata>> FaultInjectionStore::GetSubjectMetadata(
    const SubjectName& subject) {
  ACCORD_READ(GetSubjectMetadata(subject));
}
RegistryResult<std::vector<VersionRecord>> FaultInjectionStore::ListDeprecated() {
  ACCORD_READ(ListDeprecated());
}
RegistryResult<std::optional<ServiceRecord>> FaultInjectionStore::GetService(
    const std::string& name) {
  ACCORD_READ(GetService(name));
}
RegistryResult<std::vector<ServiceRecord>> FaultInjectionStore::ListServices() {
  ACCORD_READ(ListServices());
}
RegistryResult<void> FaultInjectionStore::Ping() { ACCORD_READ(Ping()); }
RegistryResult<std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>>>
FaultInjectionStore::ListConfigs() {
  ACCORD_READ(ListConfigs());
}
RegistryResult<std::vector<std::pair<std::optional<SubjectName>, Mode>>>
FaultInjectionStore::ListModes() {
  ACCORD_READ(ListModes());
}
RegistryResult<std::vector<std::pair<SubjectName, SubjectMetadata>>>
FaultInjectionStore::ListSubjectMetadata() {
  ACCORD_READ(ListSubjectMetadata());
}

RegistryResult<std::optional<ServiceVersionRecord>> FaultInjectionStore::GetServiceVersion(
    const std::string& service, const std::string& version) {
  ACCORD_READ(GetServiceVersion(service, version));
}
RegistryResult<std::vector<ServiceVersionRecord>> FaultInjectionStore::ListServiceVersions(
    const std::optional<std::string>& service) {
  ACCORD_READ(ListServiceVersions(service));
}
RegistryResult<std::optional<EnvironmentRecord>> FaultInjectionStore::GetEnvironment(
    const std::string& name) {
  ACCORD_READ(GetEnvironment(name));
}
RegistryResult<std::vector<EnvironmentRecord>> FaultInjectionStore::ListEnvironments() {
  ACCORD_READ(ListEnvironments());
}
RegistryResult<std::vector<DeploymentRecord>> FaultInjectionStore::ListDeployments(
    const std::optional<std::string>& environment) {
  ACCORD_READ(ListDeployments(environment));
}
#undef ACCORD_READ

RegistryResult<WrittenVersion> FaultInjectionStore::AddVersion(const NewVersion& v) {
  if (WriteFails()) return Injected();
  if (conflicts_left_.load() > 0 && conflicts_left_.fetch_sub(1) > 0) {
    return std::unexpected(RegistryError{ErrorCode::kStoreError, "store error: injected conflict",
                                         StoreFault::kConflict});
  }
  return inner_->AddVersion(v);
}
RegistryResult<void> FaultInjectionStore::SoftDeleteVersions(const SubjectName& subject,
                                                             const std::vector<Version>& versions,
                                                             const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->SoftDeleteVersions(subject, versions, audit);
}
RegistryResult<void> FaultInjectionStore::HardDeleteVersions(const SubjectName& subject,
                                                             const std::vector<Version>& versions,
                                                             const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->HardDeleteVersions(subject, versions, audit);
}
RegistryResult<void> FaultInjectionStore::SetConfig(const std::optional<SubjectName>& subject,
                                                    const std::optional<ConfigRecord>& config,
                                                    const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->SetConfig(subject, config, audit);
}
RegistryResult<void> FaultInjectionStore::SetMode(const std::optional<SubjectName>& subject,
                                                  const std::optional<Mode>& mode,
                                                  const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->SetMode(subject, mode, audit);
}
RegistryResult<void> FaultInjectionStore::SetSubjectMetadata(
    const SubjectName& subject, const std::optional<SubjectMetadata>& metadata,
    const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->SetSubjectMetadata(subject, metadata, audit);
}
RegistryResult<void> FaultInjectionStore::SetDeprecation(
    const SubjectName& subject, Version version, const std::optional<Deprecation>& deprecation,
    const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->SetDeprecation(subject, version, deprecation, audit);
}
RegistryResult<void> FaultInjectionStore::PutService(const ServiceRecord& service,
                                                     const AuditRecord& audit,
                                                     const std::vector<SubjectClaim>& claims) {
  if (WriteFails()) return Injected();
  return inner_->PutService(service, audit, claims);
}
RegistryResult<void> FaultInjectionStore::DeleteService(const std::string& name,
                                                        const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->DeleteService(name, audit);
}
RegistryResult<bool> FaultInjectionStore::AddServiceVersion(const ServiceVersionRecord& record,
                                                            const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->AddServiceVersion(record, audit);
}
RegistryResult<void> FaultInjectionStore::PutEnvironment(const EnvironmentRecord& environment,
                                                         const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->PutEnvironment(environment, audit);
}
RegistryResult<void> FaultInjectionStore::SetDeployment(
    const DeploymentRecord& deployment, const std::optional<EnvironmentRecord>& create,
    const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->SetDeployment(deployment, create, audit);
}
RegistryResult<void> FaultInjectionStore::RemoveDeployment(const std::string& environment,
                                                           const std::string& service,
                                                           const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->RemoveDeployment(environment, service, audit);
}
RegistryResult<void> FaultInjectionStore::ReplaceAudit(const std::vector<AuditRecord>& rows) {
  if (WriteFails()) return Injected();
  return inner_->ReplaceAudit(rows);
}
RegistryResult<void> FaultInjectionStore::AddReadCounts(const std::vector<ReadCount>& deltas) {
  if (WriteFails()) return Injected();
  return inner_->AddReadCounts(deltas);
}
RegistryResult<std::vector<ReadCount>> FaultInjectionStore::ListReadCounts(
    std::optional<SchemaId> id) {
  if (ReadFails()) return Injected();
  return inner_->ListReadCounts(id);
}
RegistryResult<std::vector<WebhookRecord>> FaultInjectionStore::ListWebhooks() {
  if (ReadFails()) return Injected();
  return inner_->ListWebhooks();
}
RegistryResult<void> FaultInjectionStore::PutWebhook(const WebhookRecord& hook,
                                                     const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->PutWebhook(hook, audit);
}
RegistryResult<void> FaultInjectionStore::DeleteWebhook(const std::string& id,
                                                        const AuditRecord& audit) {
  if (WriteFails()) return Injected();
  return inner_->DeleteWebhook(id, audit);
}

}  // namespace accord::registry

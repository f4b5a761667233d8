// A Store wrapper that fails on command, for testing what the Service does
// when the store fails (LevelDB's fault_injection_test habit).
//
// A failed call returns RegistryError{kStoreError, "store error: injected
// fault"} without reaching the wrapped store, so nothing of a failed write is
// ever visible. Calls that are not failed pass through unchanged.
//
// Thread safety: as the wrapped store; the fault settings are atomics and may
// be changed while other threads call the store.
#pragma once

#include <atomic>
#include <memory>

#include "accord/registry/store.h"

namespace accord::registry {

class FaultInjectionStore final : public Store {
 public:
  explicit FaultInjectionStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  // Every write fails while set.
  void FailWrites(bool on) { fail_writes_ = on; }
  // Every read fails while set.
  void FailReads(bool on) { fail_reads_ = on; }
  // The next `n` writes succeed, then every write fails (n < 0: off).
  void FailWritesAfter(int n) { writes_left_ = n; }
  // Number of write calls that were failed.
  int failed_writes() const { return failed_writes_; }
  // The next `n` AddVersion calls fail with StoreFault::kConflict (as when
  // another process appended to the subject first) and write nothing.
  void ConflictNextAddVersions(int n) { conflicts_left_ = n; }

  RegistryResult<std::optional<SchemaRecord>> GetSchema(SchemaId id) override;
  RegistryResult<std::optional<SchemaRecord>> FindSchemaByFingerprint(
      const std::string& fingerprint) override;
  RegistryResult<SchemaId> MaxSchemaId(std::int64_t context) override;
  RegistryResult<std::vector<ContextRecord>> ListContexts() override;
  RegistryResult<std::int64_t> EnsureContext(const std::string& name, std::int64_t number) override;
  RegistryResult<void> DeleteContext(const std::string& name, const AuditRecord& audit) override;
  RegistryResult<std::vector<SubjectName>> ListSubjects(IncludeDeleted deleted) override;
  RegistryResult<std::vector<VersionRecord>> ListVersions(const SubjectName& subject,
                                                          IncludeDeleted deleted) override;
  RegistryResult<std::vector<VersionRecord>> VersionsOfSchema(SchemaId id,
                                                              IncludeDeleted deleted) override;
  RegistryResult<std::vector<VersionRecord>> Referrers(const SubjectName& subject,
                                                       Version version) override;
  RegistryResult<std::optional<ConfigRecord>> GetConfig(
      const std::optional<SubjectName>& subject) override;
  RegistryResult<std::optional<Mode>> GetMode(const std::optional<SubjectName>& subject) override;
  RegistryResult<std::vector<AuditRecord>> ListAudit(
      std::int64_t after_seq, std::size_t limit,
      const std::optional<SubjectName>& subject = std::nullopt) override;
  RegistryResult<std::optional<SubjectMetadata>> GetSubjectMetadata(
      const SubjectName& subject) override;
  RegistryResult<std::vector<VersionRecord>> ListDeprecated() override;
  RegistryResult<std::optional<ServiceRecord>> GetService(const std::string& name) override;
  RegistryResult<std::vector<ServiceRecord>> ListServices() override;
  RegistryResult<std::optional<ServiceVersionRecord>> GetServiceVersion(
      const std::string& service, const std::string& version) override;
  RegistryResult<std::vector<ServiceVersionRecord>> ListServiceVersions(
      const std::optional<std::string>& service) override;
  RegistryResult<std::optional<EnvironmentRecord>> GetEnvironment(const std::string& name) override;
  RegistryResult<std::vector<EnvironmentRecord>> ListEnvironments() override;
  RegistryResult<std::vector<DeploymentRecord>> ListDeployments(
      const std::optional<std::string>& environment) override;
  RegistryResult<std::vector<std::pair<std::optional<SubjectName>, ConfigRecord>>> ListConfigs()
      override;
  RegistryResult<std::vector<std::pair<std::optional<SubjectName>, Mode>>> ListModes() override;
  RegistryResult<std::vector<std::pair<SubjectName, SubjectMetadata>>> ListSubjectMetadata()
      override;
  RegistryResult<void> Ping() override;

  RegistryResult<WrittenVersion> AddVersion(const NewVersion& v) override;
  RegistryResult<void> SoftDeleteVersions(const SubjectName& subject,
                                          const std::vector<Version>& versions,
                                          const AuditRecord& audit) override;
  RegistryResult<void> HardDeleteVersions(const SubjectName& subject,
                                          const std::vector<Version>& versions,
                                          const AuditRecord& audit) override;
  RegistryResult<void> SetConfig(const std::optional<SubjectName>& subject,
                                 const std::optional<ConfigRecord>& config,
                                 const AuditRecord& audit) override;
  RegistryResult<void> SetMode(const std::optional<SubjectName>& subject,
                               const std::optional<Mode>& mode, const AuditRecord& audit) override;
  RegistryResult<void> SetSubjectMetadata(const SubjectName& subject,
                                          const std::optional<SubjectMetadata>& metadata,
                                          const AuditRecord& audit) override;
  RegistryResult<void> SetDeprecation(const SubjectName& subject, Version version,
                                      const std::optional<Deprecation>& deprecation,
                                      const AuditRecord& audit) override;
  RegistryResult<void> PutService(const ServiceRecord& service, const AuditRecord& audit,
                                  const std::vector<SubjectClaim>& claims) override;
  RegistryResult<void> DeleteService(const std::string& name, const AuditRecord& audit) override;
  RegistryResult<bool> AddServiceVersion(const ServiceVersionRecord& record,
                                         const AuditRecord& audit) override;
  RegistryResult<void> PutEnvironment(const EnvironmentRecord& environment,
                                      const AuditRecord& audit) override;
  RegistryResult<void> SetDeployment(const DeploymentRecord& deployment,
                                     const std::optional<EnvironmentRecord>& create,
                                     const AuditRecord& audit) override;
  RegistryResult<void> RemoveDeployment(const std::string& environment, const std::string& service,
                                        const AuditRecord& audit) override;
  RegistryResult<void> ReplaceAudit(const std::vector<AuditRecord>& rows) override;
  RegistryResult<void> AddReadCounts(const std::vector<ReadCount>& deltas) override;
  RegistryResult<std::vector<ReadCount>> ListReadCounts(std::optional<SchemaId> id) override;
  RegistryResult<std::vector<WebhookRecord>> ListWebhooks() override;
  RegistryResult<void> PutWebhook(const WebhookRecord& hook, const AuditRecord& audit) override;
  RegistryResult<void> DeleteWebhook(const std::string& id, const AuditRecord& audit) override;
  std::uint64_t HoldersGeneration() const override { return inner_->HoldersGeneration(); }
  void ForgetCachedReads() override { inner_->ForgetCachedReads(); }
  bool ForgetCachedVersions(const SubjectName& s) override {
    return inner_->ForgetCachedVersions(s);
  }

  CommitStats GetCommitStats() const override { return inner_->GetCommitStats(); }

 private:
  bool WriteFails();
  bool ReadFails() const { return fail_reads_; }

  std::unique_ptr<Store> inner_;
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_reads_{false};
  std::atomic<int> writes_left_{-1};
  std::atomic<int> failed_writes_{0};
  std::atomic<int> conflicts_left_{0};
};

}  // namespace accord::registry

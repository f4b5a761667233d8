// The catalog data the contract commands (`accord test`, `publish`,
// `can-i-deploy`) read from and write to a registry, over RegistryClient.
// Every JSON shape of Accord's catalog API these commands depend on is read
// or written here and nowhere else:
//
//   GET /accord/v1/subjects/{s}/consumers ->
//       [{"service", "owner"?, "schemaType", "schema", "references"?:
//         [{"name", "schema"}], "versions"?}]
//       (or {"consumers": [...]}); a missing subject is an empty list.
//   GET /accord/v1/services ->        [declaration, as below] (sorted by name here)
//   GET /accord/v1/services/{name} ->
//       {"name", "owner", "produces": [subject], "consumes":
//        [{"subject", "schemaType", "schema", "references"?, "versions"?}]}
//   PUT /accord/v1/services/{name}  the same object
//   GET /accord/v1/subjects/{s}     {"owner", "description", "tags", "message"?, ...}
//                                   (also accepted nested under "metadata")
//   PUT /accord/v1/subjects/{s}/metadata  {"owner", "description", "tags", "message"?}
//   GET/PUT /accord/v1/services/{name}/versions/{version} ->
//       {"service", "version", "owner", "produces": [{"subject", "id"}],
//        "consumes": [as a declaration's], "created"? (PUT)}
//   GET /accord/v1/environments/{env} -> {"name", "owner", "production",
//       "deployments": [{"service", "version", "owner", "produces":
//        [{"subject", "id", "version"}], "consumes": [...]}]}
//   PUT /accord/v1/environments/{env}  {"owner", "production"}
//   PUT /accord/v1/environments/{env}/deployments/{service}  {"version"}
//   DELETE /accord/v1/environments/{env}/deployments/{service}[?version=V]
// `versions` on the wire: absent, [] or "all" = every live, not retired
// version; a list of numbers; or ">=N".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "contract_file.h"
#include "registry_client.h"

namespace accord::cli {

// A file a published reader imports, carried with it: `name` is the import
// path, `schema` the file's text (the consumer's own copy).
struct ReaderReference {
  std::string name;
  std::string schema;
  friend bool operator==(const ReaderReference&, const ReaderReference&) = default;
};

// A reader schema as published for one consumed subject.
struct PublishedReader {
  std::string subject;
  std::string service;      // the consuming service
  std::string owner;        // its owning team (may be empty)
  std::string schema_type;  // a schema type name (accord::SchemaTypeName)
  std::string schema;       // reader schema text
  // The files it imports, directly or not, each once (Protobuf); on the wire
  // only when there are some.
  std::vector<ReaderReference> references;
  VersionSelector versions;
};

struct PublishedService {
  std::string name;
  std::string owner;
  std::vector<std::string> produces;
  std::vector<PublishedReader> consumes;  // service/owner filled from the service
  // The wire form (PUT body; also what GET is compared with).
  json::Value ToJson() const;
};

// The consumers registered for `subject` (empty when none or when the
// subject is unknown). kBadReply when the reply has another shape.
ClientResult<std::vector<PublishedReader>> FetchConsumers(RegistryClient& client,
                                                          const std::string& subject);

// A service declaration; nullopt when the registry knows no such service
// (40410).
ClientResult<std::optional<PublishedService>> FetchService(RegistryClient& client,
                                                           const std::string& name);
// Every service declaration (GET /accord/v1/services), sorted by name.
ClientResult<std::vector<PublishedService>> FetchServices(RegistryClient& client);
ClientResult<void> PutService(RegistryClient& client, const PublishedService& service);

// The contract of one version of a service (accord publish --version).
struct PublishedProduced {
  std::string subject;
  std::int64_t id = 0;  // the schema that version writes
};
struct PublishedContract {
  std::string service;
  std::string version;
  std::string owner;
  std::vector<PublishedProduced> produces;
  std::vector<PublishedReader> consumes;  // service/owner filled from the contract
  json::Value ToJson() const;             // the PUT body
};
// nullopt when the registry has no such version (40411).
ClientResult<std::optional<PublishedContract>> FetchContract(RegistryClient& client,
                                                             const std::string& service,
                                                             const std::string& version);
// Publishes it; true when stored now, false when the same contract was
// stored already. A different contract under that version is kHttp 40903.
ClientResult<bool> PutContract(RegistryClient& client, const PublishedContract& contract);

// What runs in an environment: each deployed service's contract.
struct EnvironmentState {
  std::string name;
  bool production = false;
  std::vector<PublishedContract> deployed;  // by service
};
// nullopt when the registry knows no such environment (40412).
ClientResult<std::optional<EnvironmentState>> FetchEnvironment(RegistryClient& client,
                                                               const std::string& name);

struct SubjectCatalog {
  std::string owner;
  std::string description;
  std::vector<std::string> tags;
  // The type the subject's events are (a Protobuf message's full name);
  // sent only when not empty (a registry before it refuses the member).
  std::string message;
  friend bool operator==(const SubjectCatalog&, const SubjectCatalog&) = default;
};
// The subject's catalog metadata; nullopt when the subject is unknown.
ClientResult<std::optional<SubjectCatalog>> FetchSubjectCatalog(RegistryClient& client,
                                                                const std::string& subject);
ClientResult<void> PutSubjectCatalog(RegistryClient& client, const std::string& subject,
                                     const SubjectCatalog& catalog);

// A schema a registry version references (Confluent `references`), as
// fetched: `name` is how the referencing schema names it (an import path).
struct FetchedReference {
  std::string name;
  RegistryClient::VersionInfo version;
};

// A version of a subject with its lifecycle. Reads GET
// /accord/v1/subjects/{s}/versions/{v} for each live version, and the same
// for each schema it references.
struct RegistryVersion : RegistryClient::VersionInfo {
  // Every schema `references` names, directly or through the referenced
  // schemas' own references, each name once (the first met).
  std::vector<FetchedReference> referenced;
};

// The schemas `references` name and theirs, each name once, at most 128.
// kBadReply past that.
ClientResult<std::vector<FetchedReference>> FetchReferences(
    RegistryClient& client, const std::vector<SchemaReference>& references);
// Every live version of `subject`, ascending (empty when unknown).
ClientResult<std::vector<RegistryVersion>> FetchHistory(RegistryClient& client,
                                                        const std::string& subject);

}  // namespace accord::cli

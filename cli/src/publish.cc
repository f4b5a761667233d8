// accord publish [--file accord.yaml] [registry flags]: publishes a service's
// contract after merge. For each produced subject: sets its compatibility
// level when the file names one, registers the schema when the subject does
// not hold it yet (else reports the existing version and id), and sets owner,
// description and tags; then publishes the service declaration (produced
// subjects; consumed subjects with reader schema and accepted versions).
// With --version V (or $ACCORD_SERVICE_VERSION), then publishes the whole
// contract as the contract of SERVICE@V (produced subjects with the schema
// ids just registered or found; consumed subjects with readers and accepted
// versions): immutable, so the same version with another contract is
// refused (exit 1), and the same contract again is reported unchanged.
// Idempotent: whatever already matches is left alone and reported as
// unchanged. Exit 0 done, 1 refused by the registry (e.g. an incompatible
// schema; the other subjects are still published), 2 bad usage or file,
// 3 registry unreachable.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "check_support.h"
#include "commands.h"
#include "contract_catalog.h"
#include "contract_checks.h"
#include "contract_file.h"
#include "registry_flags.h"
#include "registry_references.h"

namespace accord::cli {
namespace {

struct PublishArgs {
  std::string file = "accord.yaml";
  std::string version;  // the service version; empty: no contract version
  RegistryFlags registry;
};

void Say(const std::string& line) { std::printf("%s\n", line.c_str()); }

// Two schema texts with the same JSON value (the registry may reformat).
bool SameSchemaText(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto x = ParseJson(a);
  auto y = ParseJson(b);
  return x && y && x->root == y->root;
}

bool SameDeclaration(PublishedService a, PublishedService b) {
  std::sort(a.produces.begin(), a.produces.end());
  std::sort(b.produces.begin(), b.produces.end());
  if (a.owner != b.owner || a.produces != b.produces || a.consumes.size() != b.consumes.size()) {
    return false;
  }
  auto by_subject = [](const PublishedReader& x, const PublishedReader& y) {
    return x.subject < y.subject;
  };
  std::sort(a.consumes.begin(), a.consumes.end(), by_subject);
  std::sort(b.consumes.begin(), b.consumes.end(), by_subject);
  for (std::size_t i = 0; i < a.consumes.size(); ++i) {
    const PublishedReader& x = a.consumes[i];
    const PublishedReader& y = b.consumes[i];
    if (x.subject != y.subject || x.schema_type != y.schema_type || !(x.versions == y.versions) ||
        !SameSchemaText(x.schema, y.schema) || x.references.size() != y.references.size()) {
      return false;
    }
    for (std::size_t j = 0; j < x.references.size(); ++j) {
      if (x.references[j].name != y.references[j].name ||
          !SameSchemaText(x.references[j].schema, y.references[j].schema)) {
        return false;
      }
    }
  }
  return true;
}

class Publisher {
 public:
  Publisher(RegistryClient& client, const ContractFile& contract, std::string version)
      : client_(client), contract_(contract), version_(std::move(version)) {}

  // The exit code.
  int Run(const std::vector<ContractSchema>& produced, const std::vector<ContractSchema>& readers) {
    for (std::size_t i = 0; i < produced.size(); ++i) {
      int rc = Produced(contract_.produces[i], produced[i]);
      if (rc == kExitUnreachable || rc == kExitBadUsage) return rc;
      if (rc != kExitOk) refused_ = true;
    }
    if (int rc = Service(readers); rc != kExitOk) return rc;
    if (!version_.empty()) {
      if (int rc = ContractVersion(); rc != kExitOk) return rc;
    }
    return refused_ ? kExitRefused : kExitOk;
  }

 private:
  int Produced(const ProducedEvent& event, const ContractSchema& schema) {
    const std::string& s = event.subject;
    if (event.compatibility) {
      const std::string level(compat::LevelName(*event.compatibility));
      auto config = client_.GetConfig(s);
      if (!config) return ReportClientError("publish", config.error());
      if (config->level != level) {
        json::Value body{json::Object{}};
        body.Add("compatibility", level);
        auto put = client_.Put("/config/" + RegistryClient::Segment(s), body);
        if (!put) return ReportClientError("publish", put.error());
        Say(s + ": compatibility set to " + level);
      }
    }
    const std::string type(SchemaTypeName(schema.type()));
    // Imported files first, each under its import path (registry_references.h).
    auto refs =
        ResolveRegistryReferences(client_, *schema.schema, ReferenceMode::kRegister, schema.pinned);
    if (!refs) return ReportClientError("publish", refs.error());
    for (const ReferenceOutcome& o : refs->outcomes) {
      const std::string version = std::to_string(o.version);
      const std::string id = std::to_string(o.id);
      Say(o.subject + ": " +
          (o.registered ? "registered version " + version + " (id " + id + ")"
                        : "unchanged (version " + version + ", id " + id + ")") +
          " (imported by " + s + ")");
    }
    const std::vector<SchemaReference>& references = *refs->references;
    auto found = client_.Lookup(s, schema.Text(), type, references);
    if (!found) return ReportClientError("publish", found.error());
    if (*found) {
      ids_.push_back(PublishedProduced{s, (*found)->id});
      Say(s + ": unchanged (version " + std::to_string((*found)->version) + ", id " +
          std::to_string((*found)->id) + ")");
    } else {
      auto registered = client_.Register(s, schema.Text(), type, json::Value(), references);
      if (!registered) return ReportClientError("publish", registered.error());
      // Confluent's reply carries only the id; the lookup names the version.
      int version = registered->version;
      if (version == 0) {
        auto again = client_.Lookup(s, schema.Text(), type, references);
        if (again && *again) version = (*again)->version;
      }
      ids_.push_back(PublishedProduced{s, registered->id});
      Say(s + ": registered version " + std::to_string(version) + " (id " +
          std::to_string(registered->id) + ")");
    }
    SubjectCatalog wanted;
    wanted.owner = contract_.owner;
    wanted.description = event.description;
    wanted.tags = event.tags;
    std::sort(wanted.tags.begin(), wanted.tags.end());
    wanted.tags.erase(std::unique(wanted.tags.begin(), wanted.tags.end()), wanted.tags.end());
    // The message the contract names (or the schema's one message), by its
    // full name: the catalog's field table shows it.
    wanted.message = schema.event_type;
    auto current = FetchSubjectCatalog(client_, s);
    if (!current) return ReportClientError("publish", current.error());
    if (*current) std::sort((*current)->tags.begin(), (*current)->tags.end());
    if (!*current || !(**current == wanted)) {
      auto put = PutSubjectCatalog(client_, s, wanted);
      if (!put) return ReportClientError("publish", put.error());
      Say(s + ": owner, description and tags updated");
    }
    return kExitOk;
  }

  int Service(const std::vector<ContractSchema>& readers) {
    PublishedService wanted;
    wanted.name = contract_.service;
    wanted.owner = contract_.owner;
    for (const ProducedEvent& p : contract_.produces) wanted.produces.push_back(p.subject);
    for (std::size_t i = 0; i < readers.size(); ++i) {
      PublishedReader r;
      r.subject = contract_.consumes[i].subject;
      r.service = contract_.service;
      r.owner = contract_.owner;
      r.schema_type = std::string(SchemaTypeName(readers[i].type()));
      r.schema = readers[i].Text();
      // The files it imports go with it, as texts: the registry reads the
      // reader with them, and they need not be registered anywhere.
      for (const compat::ReferencedSchema& ref : readers[i].schema->references()) {
        r.references.push_back(ReaderReference{ref.name, RegistryText(*ref.schema)});
      }
      r.versions = contract_.consumes[i].versions;
      wanted.consumes.push_back(std::move(r));
    }
    wanted_ = wanted;
    auto current = FetchService(client_, wanted.name);
    if (!current) return ReportClientError("publish", current.error());
    if (*current && SameDeclaration(**current, wanted)) {
      Say("service " + wanted.name + ": unchanged");
      return kExitOk;
    }
    auto put = PutService(client_, wanted);
    if (!put) return ReportClientError("publish", put.error());
    Say("service " + wanted.name + ": published (produces " +
        std::to_string(wanted.produces.size()) + ", consumes " +
        std::to_string(wanted.consumes.size()) + ")");
    return kExitOk;
  }

  // The contract of SERVICE@version_: what the service declaration says,
  // with the schema id of each produced subject.
  int ContractVersion() {
    const std::string name = contract_.service + "@" + version_;
    if (ids_.size() != contract_.produces.size()) {
      std::fprintf(stderr,
                   "accord publish: error: contract %s not published: a produced schema was "
                   "refused above\n",
                   name.c_str());
      return kExitRefused;
    }
    PublishedContract contract;
    contract.service = contract_.service;
    contract.version = version_;
    contract.owner = wanted_.owner;
    contract.produces = ids_;
    contract.consumes = wanted_.consumes;
    auto put = PutContract(client_, contract);
    if (!put) return ReportClientError("publish", put.error());
    Say("contract " + name + ": " +
        (*put ? "published (produces " + std::to_string(contract.produces.size()) + ", consumes " +
                    std::to_string(contract.consumes.size()) + ")"
              : std::string("unchanged")));
    return kExitOk;
  }

  RegistryClient& client_;
  const ContractFile& contract_;
  const std::string version_;
  std::vector<PublishedProduced> ids_;  // produced subjects' schema ids, in file order
  PublishedService wanted_;             // the declaration Service() published
  bool refused_ = false;
};

int RunPublish(const PublishArgs& args) {
  auto contract = LoadContractFile(args.file);
  if (!contract) {
    PrintError("publish", contract.error());
    return kExitBadUsage;
  }
  auto options = MakeClientOptions(args.registry, contract->registry);
  if (!options) return ReportUsageError("publish", options.error());
  RegistryClient client(std::move(*options));
  auto schemas = LoadContractSchemas(
      *contract, contract->dialect.value_or(jsonschema::kDefaultDialect), &client);
  if (!schemas) {
    PrintError("publish", schemas.error());
    return kExitBadUsage;
  }
  return Publisher(client, *contract, args.version).Run(schemas->produced, schemas->readers);
}

}  // namespace

void RegisterPublish(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<PublishArgs>();
  auto* sub = app.add_subcommand(
      "publish",
      "Publish a service's contract (accord.yaml) to the registry: new schema versions, "
      "owner/description/tags, and the consumer declarations. Idempotent.\n"
      "Exit 0 done, 1 refused by the registry, 2 bad usage or file, 3 registry unreachable");
  sub->add_option("--file,-f", args->file, "the contract file (default accord.yaml)");
  sub->add_option("--version", args->version,
                  "also publish the whole contract as this service version's (e.g. the git "
                  "commit; immutable)")
      ->envname("ACCORD_SERVICE_VERSION");
  AddRegistryFlags(*sub, args->registry);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunPublish(*args); }; });
}

}  // namespace accord::cli

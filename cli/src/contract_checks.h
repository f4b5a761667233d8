// The checks of a contract run, shared by `accord test` (schemas from the
// service's repository) and `accord can-i-deploy` (schemas from the registry).
//
//  1. CheckExamples        every example validates against a schema
//  2. CheckAgainstHistory  a produced schema passes the subject's level against
//                          the registry's live versions (or the subject is new)
//  3. CheckConsumers       a produced schema satisfies every registered consumer
//                          that accepts its version: compatible(producer -> reader)
//                          and every example validates against the reader
//  4. CheckConsumed        every producer version a consumer accepts is
//                          compatible with its reader schema; DEPRECATED warns
//                          with the sunset date, RETIRED or a past sunset fails
// Every compatibility question uses the subject's policy (STRICT / LENIENT,
// from the registry's config; STRICT offline). Registry errors are returned
// as ClientError (the caller maps them to exit codes or offline skips); a
// schema that cannot be loaded or compiled is an accord::Error (exit 2).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accord/compat/language.h"
#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/schemas/load.h"
#include "check_support.h"
#include "contract_catalog.h"
#include "contract_report.h"
#include "registry_client.h"
#include "registry_references.h"

namespace accord::cli {

// A schema on one side of a check: a local file (with positions, so problems
// name its lines) or a registry version.
struct ContractSchema {
  std::shared_ptr<const compat::Schema> schema;  // parsed by its language
  std::string display;                           // file path, or "SUBJECT version N"
  bool local = false;  // `display` is a file whose lines problems may name
  // The dialect a JSON Schema without $schema is read as (compiled, checked).
  jsonschema::Dialect dialect = jsonschema::kDefaultDialect;
  // The type within the schema the events are (compat::Language::EventType;
  // "": the schema itself).
  std::string event_type;
  // The registered versions the entry's `references:` name, with numbers
  // (ResolveRegistryReferences's `pinned`).
  std::vector<SchemaReference> pinned;

  SchemaType type() const { return schema->type(); }
  const compat::Language& language() const { return schema->language(); }
  const compat::SchemaSource& source() const { return schema->source(); }
  // The text sent to / compared with the registry: compact JSON for the
  // languages written in JSON, else the text as written.
  std::string Text() const { return RegistryText(*schema); }
};

// The schemas of a contract file, produced and consumed in the file's
// order, each with its event type: the entry's `message` (Protobuf), else
// the schema's one candidate. A schema file is loaded and its language
// detected; an inline schema (EntrySchema::is_inline, from an AsyncAPI
// document) is parsed in its own language, named by its display. Errors: a
// schema cannot be loaded or parsed (its file:line:col); a `message` the
// schema does not have, or a schema of several messages without `message`
// (at the entry's file and line, named by its origin, naming the choices);
// `proto_path` given with no language that imports. An entry's
// `references:` are read (files) and fetched from `client` (registered
// versions, `latest` resolved); without a client a registered version is an
// error at the entry, as is a reference the registry refuses (its message).
struct ContractSchemas {
  std::vector<ContractSchema> produced;
  std::vector<ContractSchema> readers;
};
Result<ContractSchemas> LoadContractSchemas(const ContractFile& contract,
                                            jsonschema::Dialect dialect,
                                            RegistryClient* client = nullptr);

// A schema text from the registry (`schema_type` a type with a language;
// others are kUnsupported), parsed with `references` (resolved).
Result<ContractSchema> ParseRegistrySchema(
    std::string_view text, std::string_view schema_type, std::string display,
    jsonschema::Dialect dialect = jsonschema::kDefaultDialect,
    std::vector<compat::ReferencedSchema> references = {});
// A version the registry served as a referenced schema (check_support.h),
// named "SUBJECT version N", its references its imports. Errors: a type
// without a language, a text that is not JSON for a JSON language.
Result<FoundReference> FoundRegistryReference(const RegistryClient::VersionInfo& version);
// A consumer's reader as published (PublishedReader: its schema and the
// files it imports), parsed; displayed as `display`, a reference as
// "<display>: <import path>". Errors: as ParseRegistrySchema; an import the
// published references do not carry.
Result<ContractSchema> ParsePublishedReader(
    const PublishedReader& reader, std::string display,
    jsonschema::Dialect dialect = jsonschema::kDefaultDialect);
// A registry version with the schemas it references (RegistryVersion::
// referenced), parsed; displayed as "SUBJECT version N". Errors: a
// referenced schema is missing or does not parse (named "SUBJECT version N").
Result<ContractSchema> ParseRegistryVersion(const RegistryVersion& version,
                                            jsonschema::Dialect dialect);

// Today's date (UTC) as "YYYY-MM-DD"; $ACCORD_TODAY when set (tests).
std::string TodayUtc();

// Check 1. `label` names the schema in the check name ("" for the producer's
// own schema, else "consumer NAME"). Errors: the schema cannot be compiled.
Result<CheckResult> CheckExamples(const std::string& subject, const ContractSchema& schema,
                                  const std::vector<ExampleEvent>& examples,
                                  const std::string& label);

// The subject's policy and level from the registry (level overridden by
// `level` when given).
struct SubjectPolicy {
  compat::Level level = compat::Level::kBackward;
  compat::Policy policy = compat::Policy::kStrict;
};
ClientResult<SubjectPolicy> FetchPolicy(RegistryClient& client, const std::string& subject,
                                        std::optional<compat::Level> level = std::nullopt);

// What a run needs to know about a produced subject in the registry.
struct ProducedState {
  std::vector<RegistryVersion> history;  // live versions, ascending
  int candidate_version = 0;             // the version the schema has or would get
  bool registered = false;               // the schema already is that version
};
ClientResult<ProducedState> FetchProducedState(RegistryClient& client, const std::string& subject,
                                               const ContractSchema& schema);

// Check 2. Errors: a registry version cannot be parsed or compared (kHttp is
// not possible here; the Error is about the schemas).
Result<CheckResult> CheckAgainstHistory(const std::string& subject, const ContractSchema& schema,
                                        const ProducedState& state, const SubjectPolicy& policy);

// Check 3: one result per consumer (a single passing one when there is none).
Result<std::vector<CheckResult>> CheckConsumers(const std::string& subject,
                                                const ContractSchema& producer,
                                                int candidate_version,
                                                const std::vector<ExampleEvent>& examples,
                                                const std::vector<PublishedReader>& consumers,
                                                compat::Policy policy);

// Check 4: one result per accepted version (or one explaining why none is).
Result<std::vector<CheckResult>> CheckConsumed(const std::string& subject,
                                               const ContractSchema& reader,
                                               const VersionSelector& versions,
                                               const std::vector<RegistryVersion>& history,
                                               compat::Policy policy, const std::string& today);

}  // namespace accord::cli

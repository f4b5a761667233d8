// The AsyncAPI 3.0 document `accord asyncapi export` writes, built from
// what the command fetched from a registry (docs/asyncapi-export.md is the
// user's description of every field; keep the two in step).
//
// Layout (everything in a fixed order, so equal inputs give equal text):
//  * `info`: title and version; `x-accord-service` and `x-accord-owner` (the
//    service's owning team) for one service's document, `x-accord-team` for
//    a team's: the AsyncAPI import (asyncapi_import.h) takes the service's
//    name from there.
//  * One channel per subject (by subject name). Its `address` is the Kafka
//    topic by Confluent's TopicNameStrategy: `<topic>-value` gives `<topic>`;
//    any other subject name is the address as it is. The channel and each of
//    its messages carry `x-accord-subject`, the exact subject.
//  * The channel's messages: each exported registry version (`<channel>.v<N>`,
//    ascending), then each consumer's reader schema
//    (`<channel>.reader.<service>`, by service). A message's `payload` is a
//    multi-format schema object whose `schemaFormat` names the language.
//  * One operation per declared producer and consumer: `send` references the
//    payload version's message, `receive` the consumer's reader message.
//
// Ids (channels, messages, operations) are the names with every character
// outside [A-Za-z0-9._-] replaced by '_' (AsyncAPI's component-key syntax)
// and a numeric suffix on a clash; `x-accord-subject` / `x-accord-service`
// keep the exact names, so no information is lost to the ids.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accord/schemas/json.h"
#include "contract_catalog.h"
#include "registry_client.h"

namespace accord::cli {

struct AsyncApiScope {
  enum class Kind : std::uint8_t { kAll, kService, kTeam };
  Kind kind = Kind::kAll;
  std::string name;  // the service or team (empty for kAll)
};

// One registry version exported as a message.
struct AsyncApiVersion {
  RegistryClient::VersionInfo info;     // schema, state, sunset, reason, replacement, references
  std::vector<std::string> pii_fields;  // dotted paths of the fields marked as personal data
};

struct AsyncApiSubject {
  std::string subject;
  // Catalog metadata (GET /accord/v1/subjects/{s}); empty / null when unset.
  std::string owner;
  std::string description;
  std::vector<std::string> tags;
  json::Value links;          // [{"name", "url"}] or null
  json::Value sla;            // {"name": "text"} or null
  std::string compatibility;  // the subject's own level (GET /config/{s}); "" when unset
  // The exported versions, ascending; empty for a subject that a declaration
  // names but that has no live version.
  std::vector<AsyncApiVersion> versions;
  std::int32_t payload_version = 0;  // the version producers send (0: none)
};

struct AsyncApiInput {
  AsyncApiScope scope;
  std::string scope_owner;  // kService: the service's owning team ("" when none)
  std::string info_version = "1.0.0";
  std::vector<AsyncApiSubject> subjects;   // sorted by subject, unique
  std::vector<PublishedService> services;  // sorted by name; their operations
};

// The `schemaFormat` of a payload of `schema_type` (a SchemaTypeName):
// JSON Schema "application/schema+json;version=draft-07", Avro
// "application/vnd.apache.avro+json;version=1.9.0", Protobuf
// "application/vnd.google.protobuf;version=3" (version=2 when the text
// does not declare proto3). `schema_text` is only read for Protobuf.
std::string AsyncApiSchemaFormat(std::string_view schema_type, std::string_view schema_text);

// The channel address of `subject` (TopicNameStrategy, see above).
std::string AsyncApiAddress(std::string_view subject);

// The AsyncAPI 3.0 document for `input`.
json::Value BuildAsyncApi(const AsyncApiInput& input);

}  // namespace accord::cli

// AsyncAPI documents as a contract source (issue 20; user docs: docs/asyncapi.md).
//
// An AsyncAPI document (2.0 to 2.6, or 3.0/3.1; YAML or JSON) describes one
// application. Each operation it performs becomes one contract entry per
// message:
//   3.0  operations.*.action `send` produces, `receive` consumes; the
//        operation's `messages` (all of its channel's messages when absent).
//   2.x  channels.*.subscribe produces, channels.*.publish consumes (the 2.x
//        specification speaks from the application's side: `subscribe`
//        "defines the messages produced by the application and sent to the
//        channel", `publish` those "consumed by the application"); the
//        operation's `message` (one, or `oneOf` several).
// The entry's schema is the message payload, inline: JSON Schema for the
// AsyncAPI schema format (the default) and application/schema+json|yaml, Avro
// for application/vnd.apache.avro[+json|+yaml], Protobuf (the payload is the
// .proto text) for application/vnd.google.protobuf; 3.0 writes the format in
// a multi-format schema object (`payload: {schemaFormat, schema}`), 2.x in
// `message.schemaFormat`. Other formats are errors.
// The subject: the message's `x-accord-subject`, else the channel's, else
// Confluent's TopicNameStrategy "<topic>-value" with the topic the channel's
// Kafka binding `topic`, else the 3.0 channel `address`, else the channel's
// name (the 2.x channel key, the 3.0 channel id). An address with {parameters}
// needs one of the first three.
// Also from the message: `examples[].payload` (produced entries only; an
// example without payload is skipped), `description` (else `summary`),
// `tags[].name`, `x-accord-compatibility` (a level name) and `x-accord-message`
// (the Protobuf message the event is). From a receive operation:
// `x-accord-versions` (all | [2, 3] | ">=2"). Traits are not applied.
// The service: `info.x-accord-service` ("" when absent).
//
// $ref: "#/pointer" within the document, and "path#/pointer" to a local JSON
// or YAML file, relative to the file that holds the $ref, resolve anywhere an
// object of the document is read; inside payloads every $ref is replaced by
// what it names (a payload schema is registered on its own, so it must not
// point into the document). A file must lie inside `root` (after resolving
// symlinks); absolute paths, URLs and files outside are errors, as are a $ref
// that names itself through others (a cycle: recursive payload schemas cannot
// be expanded) and the limits below.
//
// Errors are accord::Error with the file (the document, or the $ref'd file),
// line and column of the offending value, the message starting with its
// place ("operations.sendOrder.action: ...").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"
#include "contract_file.h"

namespace accord::cli {

struct AsyncApiLimits {
  std::size_t max_file_bytes = 4u * 1024u * 1024u;  // each document and $ref'd file
  std::size_t max_files = 64;                       // documents read through $refs
  std::size_t max_ref_depth = 64;                   // $refs followed inside one another
  std::size_t max_refs = 100'000;                   // $refs followed in all
  std::size_t max_nodes = 2'000'000;                // values copied into schemas and examples
  std::size_t max_depth = 256;                      // nesting of one copied schema or example
};

struct AsyncApiContracts {
  std::string service;  // info.x-accord-service ("" when absent)
  std::string owner;    // info.x-accord-owner ("" when absent)
  // In document order (3.0: operations; 2.x: channels, subscribe before
  // publish), one entry per message. Entry fields as ContractFile's; `file`
  // is the document's path as given, `line` the operation's, `origin`
  // "operations.ID" / "channels.NAME.subscribe" (+ " message NAME" when the
  // operation has several messages).
  std::vector<ProducedEvent> produces;
  std::vector<ConsumedEvent> consumes;
};

// Reads the AsyncAPI document at `path`; $ref'd files must lie inside `root`
// (a directory). Errors: unreadable (kIo), malformed, not AsyncAPI 2.x/3.x,
// and every problem above.
Result<AsyncApiContracts> ImportAsyncApi(const std::string& path, const std::string& root,
                                         const AsyncApiLimits& limits = {});
// The same for `text`, named `file` (its $refs to files are relative to the
// directory of `file`).
Result<AsyncApiContracts> ParseAsyncApi(std::string_view text, const std::string& file,
                                        const std::string& root, const AsyncApiLimits& limits = {});

}  // namespace accord::cli

// A service's contract file, `accord.yaml`: what the service produces and
// what it consumes (issue 6; JSON Schema of the format: docs/accord.schema.json).
//
//   service: billing                 # required: the service's name in the catalog
//   owner: team-finance              # optional: the owning team
//   registry: http://127.0.0.1:8081  # optional: http:// or https:// URL
//   dialect: draft-07                # optional: of JSON Schemas without $schema
//   proto_path: [protos]             # optional: folder(s) Protobuf imports are found in
//                                    # (as -I/--proto-path; after each schema's own folder)
//   produces:                        # optional list
//     - subject: billing.invoice-issued            # required, unique in the list
//       schema: schemas/invoice-issued.json         # required: JSON Schema (JSON/YAML), .avsc
//                                                   # or .proto
//       message: InvoiceIssued                      # optional: the Protobuf message the event
//                                                   # is (full or package-relative name);
//                                                   # required when the file has several
//                                                   # top-level messages
//       examples: [examples/invoice-issued/*.json]  # optional: glob or list of globs
//       compatibility: BACKWARD                     # optional: a level name (mode.h)
//       description: An invoice was issued          # optional
//       tags: [finance]                             # optional list of strings
//       references:                                 # optional: schemas the schema refers to
//         - name: customer.json                     #   by name ($ref, Avro full name, import)
//           subject: customers                      #   a registered version: subject and
//           version: 3                              #   version (a number or latest), or
//         - name: acme.Money                        #   a local file (relative to this file)
//           file: schemas/money.avsc
//   consumes:                        # optional list
//     - subject: orders.order-placed                # required, unique in the list
//       reader: contracts/order-placed.reader.json  # required: the consumer's reader schema
//       message: OrderPlaced                        # optional: as for produces
//       versions: all                               # optional: all | [2, 3] | ">=2"
//       references: [...]                           # optional: as for produces
//   asyncapi: docs/asyncapi.yaml     # optional: AsyncAPI document(s) (a path or a list)
//                                    # whose operations are contracts too (asyncapi_import.h,
//                                    # docs/asyncapi.md); `service:` may then come from the
//                                    # documents' info.x-accord-service
//
// Contracts of ParseContractFile / LoadContractFile:
//  * The text is YAML (JSON is YAML too). Every error is an accord::Error with
//    the file, the line and column of the offending key or value, and a
//    message that starts with the key's path ("produces[0].schema: ...").
//  * Unknown keys are errors; when a known key is within a small edit
//    distance the message adds "did you mean 'KEY'?".
//  * Paths (schema, reader, example globs, proto_path folders) are relative to the directory of
//    the file and are returned joined to it ("examples/orders/schemas/x.json"
//    for a file "examples/orders/accord.yaml"; unchanged for a file in the
//    working directory). The schema and reader files must exist; each
//    example glob (glob(3), sorted) must match at least one file. The files
//    are not read here.
//  * `asyncapi:` documents (each inside the file's directory, like the files their
//    $refs name) are read here (ImportAsyncApi): their entries follow the file's own,
//    schemas and examples inline (EntrySchema, ExampleEvent), each entry naming the
//    AsyncAPI file and line it comes from. Subjects are unique across all entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/mode.h"
#include "accord/schemas/error.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "accord/schemas/schema_type.h"

namespace accord::cli {

// The producer versions a consumer accepts.
struct VersionSelector {
  enum class Kind : std::uint8_t {
    kAll,      // every live version that is not retired (the default)
    kList,     // exactly `list`
    kAtLeast,  // every version >= `min`
  };
  Kind kind = Kind::kAll;
  std::vector<int> list;  // kList: ascending, unique, each >= 1
  int min = 1;            // kAtLeast

  // True when version `v` is selected. kAll selects every version (the caller
  // leaves retired versions out).
  bool Accepts(int v) const;
  // "all", "[2, 3]", ">=2".
  std::string ToString() const;
  // The file's (and the registry's) JSON form: "all", [2, 3] or ">=2".
  json::Value ToJson() const;
  friend bool operator==(const VersionSelector&, const VersionSelector&) = default;
};

// Parses the JSON form (as in the file). nullopt when it is none of
// "all", a non-empty list of unique integers >= 1, or ">=N" with N >= 1.
std::optional<VersionSelector> ParseVersionSelector(const json::Value& value);

// An entry's schema: a file of its own (accord.yaml's `schema:` / `reader:`),
// or written inline in a contract source (an AsyncAPI message's payload).
// The commands load both alike (contract_checks.h, LoadContractSchemas).
struct EntrySchema {
  // The schema file, joined to the contract file's directory; inline: the
  // file the schema is written in.
  std::string file;
  // How errors and reports name the schema: `file`, or for an inline schema
  // written as text (Protobuf) "FILE#POINTER" (its lines count from the
  // text's first line).
  std::string display;
  // Inline only (nullopt for a file): the schema's language.
  std::optional<SchemaType> type;
  // Inline, a language written in JSON: the schema as a document whose
  // positions are those of `file` (every $ref of the contract source
  // resolved). Null otherwise. Shared: it becomes the parsed schema's
  // compat::SchemaSource::document without a copy.
  std::shared_ptr<const Document> document;
  // Inline, a language written as text: the text.
  std::string text;

  bool is_inline() const { return type.has_value(); }
  // A file named by `path` (display = path).
  static EntrySchema File(std::string path);
  // Same file, type, text and document value (positions aside).
  friend bool operator==(const EntrySchema& a, const EntrySchema& b);
};

// An example event: a file, or written inline in a contract source (an
// AsyncAPI message example's payload).
struct ExampleEvent {
  // The example file; inline: the file the event is written in.
  std::string file;
  // Inline: the event, positions those of `file`. Null: `file` is read when
  // the example is checked.
  std::shared_ptr<const Document> document;

  static ExampleEvent File(std::string path);
  // Same file and event value (positions aside).
  friend bool operator==(const ExampleEvent& a, const ExampleEvent& b);
};

// A schema an entry's schema refers to by NAME (a JSON Schema `$ref`, an
// Avro type's full name, a Protobuf import path): a registered version or a
// local file. The contract's `references:` and the CLI's `--ref`, `--old-ref`
// and `--new-ref` (named_references.h) give them.
struct NamedRef {
  std::string name;
  std::string file;          // a local schema (joined to the contract's folder); empty: registry
  std::string subject;       // a registered version: SUBJECT and VERSION
  std::int32_t version = 0;  // 0: the latest (until FetchNamedRefs resolves it)
  bool in_registry() const { return file.empty(); }
  friend bool operator==(const NamedRef&, const NamedRef&) = default;
};

struct ProducedEvent {
  std::string subject;
  EntrySchema schema;
  std::string message;                 // the event's message ("" when not given)
  std::vector<ExampleEvent> examples;  // files the globs matched, sorted, unique
  std::optional<compat::Level> compatibility;
  std::string description;
  std::vector<std::string> tags;
  std::vector<NamedRef> references;  // `references:`, in the order written
  std::string file;    // where the entry is declared: the contract file or an AsyncAPI document
  int line = 0;        // line of the entry in `file`
  std::string origin;  // how messages name the entry: "produces[0]", "operations.sendOrder"
  friend bool operator==(const ProducedEvent&, const ProducedEvent&) = default;
};

struct ConsumedEvent {
  std::string subject;
  EntrySchema reader;
  std::string message;  // the event's message ("" when not given)
  VersionSelector versions;
  std::vector<NamedRef> references;  // as for ProducedEvent
  std::string file;                  // as for ProducedEvent
  int line = 0;
  std::string origin;
  friend bool operator==(const ConsumedEvent&, const ConsumedEvent&) = default;
};

struct ContractFile {
  std::string file;  // as given
  std::string service;
  std::string owner;
  std::string registry;  // empty when not given
  // The dialect of JSON Schemas without $schema; nullopt when not given
  // (jsonschema::kDefaultDialect, unless `accord test --dialect` says).
  std::optional<jsonschema::Dialect> dialect;
  // Import search folders (joined to the file's directory, each existing).
  std::vector<std::string> proto_path;
  std::vector<ProducedEvent> produces;
  std::vector<ConsumedEvent> consumes;
  // The `asyncapi:` documents, joined to the file's directory.
  std::vector<std::string> asyncapi;
};

// Parses contract-file text; `file` names it in errors and gives the
// directory relative paths are joined to.
Result<ContractFile> ParseContractFile(std::string_view text, const std::string& file);
// Reads and parses `path`. Errors: unreadable (kIo), as ParseContractFile.
Result<ContractFile> LoadContractFile(const std::string& path);

// A starting contract file for `accord init` (valid for ParseContractFile
// once its paths exist): the service name, commented examples of every key.
std::string StarterContractFile(std::string_view service, std::string_view owner);

// Levenshtein distance (bytes).
std::size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `word` when its distance is at most 2 and smaller
// than the word's length; nullopt otherwise.
std::optional<std::string_view> ClosestWord(std::string_view word,
                                            const std::vector<std::string_view>& candidates);

}  // namespace accord::cli

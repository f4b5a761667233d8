// Protobuf schemas: `.proto` files (proto2 and proto3) parsed with libprotobuf,
// their imports resolved through named references, a canonical text and
// fingerprint, the serialized FileDescriptorProto form, the field list of a
// message for the catalog, and validation of example events written in the
// proto3 JSON mapping.
//
// libprotobuf types stay out of this header (as RapidJSON does): a Schema
// holds them behind a pointer. compat/ reaches the descriptors through
// protobuf_descriptors.h, which only forward-declares them.
//
// PARSING. ParseText reads `.proto` text with libprotobuf's own parser
// (compiler::Parser on an io::Tokenizer) into a FileDescriptorProto and
// builds it in a DescriptorPool private to the Schema. A file without a
// `syntax` statement is proto2, as for protoc. Errors are kSyntax (the
// parser) or kInvalidSchema (the pool: unknown type, duplicate number, ...)
// with the file name, line and column (1-based) of the first problem, and
// kLimit for the limits below. The text of a reference is parsed the same way
// and an error in it names the reference (Error::file).
//
// IMPORTS. An `import "p";` resolves, in this order, to
//  * a well-known type file `google/protobuf/*.proto` (any, api, duration,
//    empty, field_mask, source_context, struct, timestamp, type, wrappers,
//    descriptor): the descriptors compiled into libprotobuf (its generated
//    pool), so that they are exactly the ones libprotobuf's JSON mapping
//    knows and need no file on disk;
//  * `confluent/meta.proto` or `confluent/type/decimal.proto`: built in
//    (Confluent's published field layout: Meta{doc, params, tags} with the
//    `*_meta` options at number 1088, Decimal{value, precision, scale}),
//    once per process into shared immutable pools over the generated one:
//    a Schema's pool has as underlay the one holding exactly the built-in
//    files its files import (so a confluent.* name used without its import
//    is reported as for any other file: "... is not defined", or "... seems
//    to be defined in "confluent/meta.proto", which is not imported by ...");
//  * the reference whose `name` is `p` (Confluent `references`: the name is
//    the import path); a reference's own imports resolve the same way.
// Anything else is kNotFound with the import's position. Import cycles are
// kInvalidSchema.
//
// SERIALIZED FORM. ParseSerialized reads a base64 FileDescriptorProto (what
// Confluent serves for `?format=serialized` and accepts on register); its
// dependencies resolve as above. Parse accepts either form: text that is
// non-empty base64 (no whitespace, no `;`) is taken as serialized. Serialized
// returns the base64 FileDescriptorProto of the main file (no source info).
//
// LIMITS. Checked before libprotobuf sees the input, so that nothing in it
// can run deep recursion or hit a fatal check on hostile input: text or
// decoded descriptor size, `{` nesting depth (messages, enums, option
// values), messages + enums, fields + enum values, and files (the main file
// and references) for one Schema. The built-in files, shared, count towards
// none of them, as the well-known types do not. Past a limit: kLimit with
// the position where it was passed (text) or the element (descriptor).
//
// NO ABORT. libprotobuf has fatal checks (GOOGLE_CHECK / LOG(FATAL)); with
// the limits and validation above none is reached from user input as far as
// the fuzz target (tests/fuzz/fuzz_protobuf.cc) has found, and any that is
// still reached throws libprotobuf's FatalException, which the parser turns
// into a kInvalidSchema error instead of letting the process die. libprotobuf's
// log output is silenced while it works for us.
//
// THREAD SAFETY. A Schema is immutable; copies share it; it may be read from
// several threads at once. The free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"

namespace accord::protobuf {

struct Limits {
  std::size_t max_text_bytes = 1 << 20;  // per file: text, or decoded descriptor bytes
  int max_depth = 32;                    // `{` nesting / nested message depth
  std::size_t max_types = 4096;          // messages + enums, all files of a Schema
  std::size_t max_fields = 65536;        // fields + enum values, all files of a Schema
  std::size_t max_files = 128;           // files built for one Schema (main + references)
};

// A Confluent schema reference: `name` is the import path the schema uses,
// `schema` the referenced file's text or base64 FileDescriptorProto.
struct Reference {
  std::string name;
  std::string schema;
};

struct ParseOptions {
  Limits limits;
  std::vector<Reference> references;
  // The name of the main file in the pool (what other files would import it
  // as; appears in errors). Must not collide with an import path.
  std::string file_name = "schema.proto";
};

namespace detail {
struct SchemaImpl;  // protobuf_schema.h (private): the pool and descriptors
}

// A field of a message, for the catalog (Fields).
struct FieldInfo {
  std::string path;   // from the message: "customer.address.city"; a repeated or map
                      // field's own row is its name ("items", "labels"), the fields of
                      // its elements or values follow as "items[].sku", "labels{}.text"
  std::string name;   // the field's own name
  int number = 0;     // field number
  std::string type;   // "string", "int64", "message acme.Address", "enum acme.Status",
                      // "map<string, int64>"
  std::string label;  // "" (singular: proto3 without a label, or in a oneof), "optional"
                      // (written: proto2 outside a oneof, proto3 `optional`), "required",
                      // "repeated", "map"
  std::string oneof;  // the (real) oneof it belongs to, or ""
  std::string json_name;
  std::vector<std::string> tags;  // Confluent field_meta tags (`(confluent.field_meta).tags`)
  std::string doc;                // Confluent field_meta doc, or ""
  int depth = 0;                  // 0 for the message's own fields
};

// A parsed `.proto` file and the files it imports.
class Schema {
 public:
  std::string_view file_name() const;
  std::string_view package() const;  // "" when none
  std::string_view syntax() const;   // "proto2" or "proto3"
  // Full names of the file's messages (nested ones after their parent,
  // depth first, in declaration order; map entry types left out).
  std::vector<std::string> MessageNames() const;
  // The first top-level message's full name ("" when the file has none):
  // the message a Confluent serializer means by default (message index 0).
  std::string DefaultMessage() const;
  // Import paths of the main file, in order.
  std::vector<std::string> Imports() const;

  const detail::SchemaImpl& impl() const { return *impl_; }

 private:
  friend struct detail::SchemaImpl;
  std::shared_ptr<const detail::SchemaImpl> impl_;
};

// `.proto` text.
Result<Schema> ParseText(std::string_view text, const ParseOptions& options = {});
// A base64 (standard alphabet, padding optional) serialized FileDescriptorProto.
Result<Schema> ParseSerialized(std::string_view base64, const ParseOptions& options = {});
// Either form (see SERIALIZED FORM).
Result<Schema> Parse(std::string_view text_or_base64, const ParseOptions& options = {});
// An import of a file that must come from elsewhere (a reference, or a
// file on disk for the CLI).
struct Import {
  std::string path;   // as written: `import "acme/common.proto";` gives "acme/common.proto"
  Position position;  // of the import statement (0:0 for the serialized form)
};
// The imports of the main file in `text_or_base64` (either form, as Parse)
// that are not built in (the well-known types and Confluent's files, see
// IMPORTS), in order. Reads only the main file: no reference is needed.
// Errors: as Parse for the main file's syntax and limits.
Result<std::vector<Import>> ListImports(std::string_view text_or_base64,
                                        const ParseOptions& options = {});
// True when Parse would take `s` as a base64 descriptor.
bool LooksSerialized(std::string_view s);

// Base64 of the main file's FileDescriptorProto (no source info), for
// `?format=serialized`.
std::string Serialized(const Schema& schema);

// CANONICAL TEXT (Confluent's normalize=true, and the registry's ids): the
// file printed back from its descriptor, so that whitespace, comments,
// option order, and how type names are written (`.foo.Bar`, `foo.Bar`, `Bar`
// from inside package foo) make no difference:
//  * `syntax`, `package`, imports (sorted, `public`/`weak` kept), file
//    options, then messages, enums, extensions and services in declaration
//    order; fields, values, oneofs and nested types in declaration order
//    (their order is part of the generated code and of Confluent's message
//    indexes), reserved ranges and names sorted;
//  * every type name fully qualified with a leading dot (`.foo.Bar`);
//  * options (built-in and custom, including Confluent's meta) sorted by
//    name, each value in one spelling (text format);
//  * two spaces of indentation, one declaration per line, no comments.
// Parsing the canonical text gives the same canonical text.
std::string CanonicalText(const Schema& schema);
// Lower-case hex SHA-256 of CanonicalText.
std::string Fingerprint(const Schema& schema);

// Fields of message `message` (full name; "" = DefaultMessage()), nested
// messages expanded depth-first up to `max_depth` levels (a recursive type is
// expanded once along a path). Empty when the message does not exist.
std::vector<FieldInfo> Fields(const Schema& schema, std::string_view message = {},
                              int max_depth = 8);

// Content detection, for tools that accept several languages: true when the
// text, after comments and whitespace, starts with `syntax`, `package`,
// `import`, `option`, `message`, `enum` or `service` followed by a space or
// punctuation. Shape only; ParseText decides validity.
bool LooksLikeProtobuf(std::string_view text);

// Why an example event is not a valid proto3 JSON message.
struct EventError {
  std::string path;     // JSON pointer into the event, "" when the whole event
  std::string message;  // one line
};

// Validates `json_text` as message `message` (full name; "" = DefaultMessage())
// in the proto3 JSON mapping (libprotobuf's JsonStringToMessage: field names
// as json_name or proto name, enums by name or number, 64-bit integers as
// strings or numbers, well-known types in their JSON forms). Unknown fields
// are errors. Empty exactly when valid. Errors: an unknown message is one
// EventError with path "" naming it.
std::vector<EventError> ValidateEvent(const Schema& schema, std::string_view message,
                                      std::string_view json_text);

}  // namespace accord::protobuf

// The language modules (private to compat/src): one function per
// implemented language, each defined in its compat/src/language_<name>.cc and
// listed once in the table in language.cc.
#pragma once

#include "accord/compat/language.h"

namespace accord::compat::internal {

const Language& JsonSchemaLanguage();  // language_jsonschema.cc
const Language& AvroLanguage();        // language_avro.cc
const Language& ProtobufLanguage();    // language_protobuf.cc

// The JSON document of a source: its `document` when set, else `text`
// loaded as JSON into `scratch` (nullptr when it does not load). Shared by
// the languages written in JSON.
const json::Value* DocumentOf(const SchemaSource& source, std::optional<Document>& scratch);

// How the languages written in JSON load a schema text given without a
// document: JSON only (RFC 8259), nesting at most 128 deep. Sets
// source.document unless it is set already; errors are the loader's.
Result<void> LoadDocument(SchemaSource& source);

// Language::EventType for a language whose schema is itself the event's
// type: "" when `wanted` is empty, else kUnsupported naming the language.
Result<std::string> WholeSchemaEventType(const Language& language, std::string_view wanted);

// True when `name` ends in `suffix`.
bool EndsWith(std::string_view name, std::string_view suffix);

}  // namespace accord::compat::internal

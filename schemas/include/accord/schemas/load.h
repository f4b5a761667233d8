// Loading JSON and YAML text into json::Value.
//
// Both loaders enforce LoadOptions limits and never recurse without bound: a
// document nested deeper than max_depth, or larger than max_bytes, is an
// Error with code kLimit, never a stack overflow. Every error carries the
// file name (as given), line and column.
//
// YAML: anchors and aliases are resolved (expanded; the expansion counts
// against max_nodes so alias bombs fail cleanly); duplicate keys and
// non-scalar keys are errors; plain scalars follow the YAML 1.2 core schema
// (null, true/false, integers, floats, .inf/.nan); quoted scalars are strings.
// Details of the YAML side:
// - .inf, -.inf and .nan (and floats beyond the double range) have no JSON
//   form and are kSyntax errors; quoted, they are strings. YAML 1.1 forms
//   (yes/no/on/off, 0b101, 1_000, sexagesimal) are strings.
// - Integers beyond int64 become doubles, as in JSON.
// - Scalar keys become their source text ("1: x" has key "1", "null: x" key
//   "null", an empty key ""). "<<" is an ordinary key (no YAML 1.1 merge).
// - Tags !!str !!int !!float !!bool !!null !!seq !!map and "!" are honoured;
//   any other tag is kUnsupported.
// - An empty stream (or only comments) is a null document; a second document
//   is kSyntax. Input must be UTF-8 (a BOM is skipped) without C0 control
//   characters other than tab, LF and CR.
// - An alias also counts the height of its value against max_depth. Inside an
//   expanded alias, positions are those of the alias.
// JSON: a UTF-8 BOM is skipped; numbers above the double range are kSyntax;
// string escapes of a lone UTF-16 surrogate are kSyntax.
// Positions: 1-based, columns count bytes, counted after a BOM. With
// record_positions every value is recorded; object members at their key.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord {

struct LoadOptions {
  std::size_t max_depth = 256;                  // nesting of arrays/objects
  std::size_t max_bytes = 64u * 1024u * 1024u;  // input text size
  std::size_t max_nodes = 10'000'000;           // values produced (YAML alias expansion)
  bool record_positions = false;                // fill Document::positions
};

enum class Syntax : std::uint8_t { kAuto, kJson, kYaml };

// JSON pointer -> position of the value in the source text.
using SourceMap = std::unordered_map<std::string, Position>;

struct Document {
  json::Value root;
  std::string file;     // as given to the loader
  SourceMap positions;  // empty unless LoadOptions::record_positions
  // Position of the value at `pointer`, or of its nearest recorded ancestor.
  Position PositionOf(std::string_view pointer) const;
};

// Parses one JSON text into `out`, as ParseJson(text, {}, options) would
// (positions are not recorded), reusing the memory `out` already holds:
// strings, arrays and objects at the same places keep their capacity, so
// parsing a stream of similarly shaped documents into one Value allocates
// almost nothing after the first. On error `out` holds some valid value.
Result<void> ParseJsonInto(std::string_view text, json::Value& out,
                           const LoadOptions& options = {});

// Parses one JSON text (RFC 8259; trailing content is an error).
Result<Document> ParseJson(std::string_view text, std::string_view file = {},
                           const LoadOptions& options = {});
// Parses one YAML document (a stream with several documents is an error).
Result<Document> ParseYaml(std::string_view text, std::string_view file = {},
                           const LoadOptions& options = {});
// kAuto: JSON when the file name ends in .json; YAML when it ends in .yaml or
// .yml; otherwise JSON when the first non-blank character (after a UTF-8 BOM)
// is '{' or '[', else YAML (which also accepts JSON).
Result<Document> Parse(std::string_view text, std::string_view file = {},
                       Syntax syntax = Syntax::kAuto, const LoadOptions& options = {});
// Reads and parses a file ("-" reads stdin).
Result<Document> LoadFile(const std::string& path, Syntax syntax = Syntax::kAuto,
                          const LoadOptions& options = {});
// Reads a whole file, refusing files larger than max_bytes.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes);

}  // namespace accord

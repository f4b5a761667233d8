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
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord {

struct LoadOptions {
  std::size_t max_depth = 256;                 // nesting of arrays/objects
  std::size_t max_bytes = 64u * 1024u * 1024u;  // input text size
  std::size_t max_nodes = 10'000'000;          // values produced (YAML alias expansion)
  bool record_positions = false;               // fill Document::positions
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

// Parses one JSON text (RFC 8259; trailing content is an error).
Result<Document> ParseJson(std::string_view text, std::string_view file = {},
                           const LoadOptions& options = {});
// Parses one YAML document (a stream with several documents is an error).
Result<Document> ParseYaml(std::string_view text, std::string_view file = {},
                           const LoadOptions& options = {});
// kAuto: JSON when the first non-blank character is '{' or '[' or the file
// name ends in .json, else YAML (which also accepts JSON).
Result<Document> Parse(std::string_view text, std::string_view file = {},
                       Syntax syntax = Syntax::kAuto, const LoadOptions& options = {});
// Reads and parses a file ("-" reads stdin).
Result<Document> LoadFile(const std::string& path, Syntax syntax = Syntax::kAuto,
                          const LoadOptions& options = {});
// Reads a whole file, refusing files larger than max_bytes.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes);

}  // namespace accord

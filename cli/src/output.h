// Reporting of `accord validate` results, as text for people or as one JSON
// object for programs. Both reporters stream: nothing is kept per document,
// so a 200,000-event stream costs no more memory than a single event.
//
// Text (stdout), one line per failure, compiler style so editors can jump:
//   FILE[:LINE[:COL]]: POINTER: MESSAGE [KEYWORD_LOCATION]
//   FILE[:LINE[:COL]]: parse error: MESSAGE
//   FILE[:LINE]: valid                       (only with verbose)
// POINTER is the failing value's JSON pointer ("(root)" for the document);
// LINE is the NDJSON line or the failing value's line in a file. The run ends
// with "N documents, V valid, I invalid". Unreadable inputs go to stderr as
// "accord validate: error: FILE: MESSAGE".
//
// JSON (stdout), one object:
//   {"schema": PATH,
//    "documents": [{"file", "line"?, "valid", "failures": [{"instanceLocation",
//                   "keywordLocation", "keyword", "message", "line"?, "column"?}]
//                   | "error": {"code", "message", "line"?, "column"?}}, ...],
//    "errors": [{"file", "code", "message"}],      // unreadable inputs
//    "summary": {"documents", "valid", "invalid"}}
// Only invalid documents are listed, unless verbose.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "accord/schemas/error.h"
#include "accord/schemas/jsonschema.h"

namespace accord::cli {

struct DocumentReport {
  std::string_view file;  // display name of the input
  // Where the document starts: {NDJSON line, 0} in a stream, {0, 0} for a file.
  Position where;
  bool valid = true;
  // Set when the document could not be parsed (then `failures` is empty).
  // Its position is absolute within the input.
  const Error* parse_error = nullptr;
  std::span<const jsonschema::ValidationFailure> failures;
  // Absolute position of each failure's instance value; same size as
  // `failures` or empty; {0, 0} when unknown.
  std::span<const Position> positions;
};

struct Summary {
  std::size_t documents = 0;
  std::size_t valid = 0;
  std::size_t invalid = 0;
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void Begin(std::string_view schema_path) = 0;
  // Called in input order, for invalid documents, and for valid ones too
  // when the reporter is verbose (others may skip calling for valid ones).
  virtual void Document(const DocumentReport& doc) = 0;
  // An input that could not be read at all.
  virtual void InputError(const Error& error) = 0;
  virtual void End(const Summary& summary) = 0;
  virtual bool verbose() const = 0;
};

enum class OutputFormat : std::uint8_t { kText, kJson };

struct ReporterOptions {
  OutputFormat format = OutputFormat::kText;
  bool verbose = false;  // list valid documents too
};

// Writes to `out` (results) and `err` (input errors in text mode). Neither
// FILE is owned; both must outlive the reporter.
std::unique_ptr<Reporter> MakeReporter(const ReporterOptions& options, std::FILE* out,
                                       std::FILE* err);

// "FILE", "FILE:LINE" or "FILE:LINE:COL" (unknown parts left out).
std::string FormatLocation(std::string_view file, Position position);

// "N documents, V valid, I invalid" (singular "document" for 1).
std::string FormatSummary(const Summary& summary);

}  // namespace accord::cli

// Inputs of `accord validate`: which files to read, and reading NDJSON
// streams one line at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"

namespace accord::cli {

enum class InputKind : std::uint8_t {
  kDocument,  // one JSON or YAML document per file
  kNdjson,    // one JSON document per line (blank lines skipped)
  kStdin,     // "-": NDJSON or one document, decided by the caller
};

struct Input {
  std::string path;  // as given, or as found under a directory ("-" for stdin)
  InputKind kind = InputKind::kDocument;
};

struct ExpandedInputs {
  std::vector<Input> inputs;  // in argument order; each directory's files sorted by path
  std::vector<Error> errors;  // arguments that name nothing readable (code kIo)
};

// True for names ending in .ndjson or .jsonl.
bool IsNdjsonName(std::string_view path);
// True for the names picked up inside directories: *.json *.yaml *.yml
// *.ndjson *.jsonl.
bool IsDocumentName(std::string_view path);

// Expands command-line INPUT arguments. A file is used whatever its name
// (NDJSON when IsNdjsonName or `force_ndjson`); a directory contributes every
// IsDocumentName file below it, recursively, sorted by path so output is
// stable; "-" is stdin. A path that does not exist is an error entry and the
// other arguments are still expanded.
ExpandedInputs ExpandInputs(const std::vector<std::string>& args, bool force_ndjson);

// "file://" URI of a local path (made absolute; characters outside RFC 3986
// unreserved/sub-delims and '/' are percent-encoded).
std::string PathToFileUri(const std::string& path);

// Replaces every occurrence of `dir_uri` (a file:// URI ending in '/', e.g.
// PathToFileUri(".") for the working directory) in `text` with nothing, so messages
// name files below it by relative path and stay stable across checkouts.
std::string ShortenFileUris(std::string_view text, std::string_view dir_uri);

// Reads a stream line by line through a fixed buffer: memory stays bounded by
// the buffer plus the longest line (capped by `max_line`), whatever the
// stream's size. Does not own the FILE.
class LineReader {
 public:
  enum class Status : std::uint8_t {
    kLine,     // `line` holds the next line, without "\n" and a trailing "\r"
    kTooLong,  // the line exceeded max_line bytes; it was skipped, `line` is empty
    kEnd,      // end of stream
    kError,    // read error
  };

  LineReader(std::FILE* file, std::size_t max_line);

  Status Next(std::string& line);
  // 1-based number of the line last returned by Next (0 before the first).
  std::size_t line_number() const { return line_number_; }

 private:
  bool Fill();

  std::FILE* file_;
  std::size_t max_line_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  bool error_ = false;
  std::size_t line_number_ = 0;
};

// True when `line` holds only spaces, tabs, "\r" or "\n".
bool IsBlank(std::string_view line);

}  // namespace accord::cli

// Private to compat/: how an engine carries, in one path string, a pointer
// into a document other than the checked schema (a JSON Schema bundle
// document, a Protobuf import) while it works: DOCUMENT '\x1f' POINTER. A
// pointer into the schema itself has no mark. The mark survives what the
// engines do to paths (appending "/keyword", taking a parent, comparing
// prefixes) and keeps pointers of two documents apart; the finding is given
// the two halves (Finding::writer_document / writer_path).
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace accord::compat::internal {

inline constexpr char kDocumentMark = '\x1f';

// `pointer` in `document` ("" = the checked schema: `pointer` unchanged).
inline std::string InDocument(std::string_view document, std::string_view pointer) {
  if (document.empty()) return std::string(pointer);
  std::string out(document);
  out += kDocumentMark;
  out += pointer;
  return out;
}

// {document, pointer} of a path InDocument made ({"", path} when unmarked).
// A pointer into the checked schema is "" or starts with '/', so only a path
// that does neither is read as marked (a '\x1f' in a property name stays
// part of its pointer).
inline std::pair<std::string_view, std::string_view> SplitDocumentPath(std::string_view path) {
  const std::size_t mark =
      path.empty() || path[0] == '/' ? std::string_view::npos : path.find(kDocumentMark);
  if (mark == std::string_view::npos) return {std::string_view(), path};
  return {path.substr(0, mark), path.substr(mark + 1)};
}

// Whether `path` is the root of its document ("" or "DOCUMENT\x1f").
inline bool IsDocumentRoot(std::string_view path) { return SplitDocumentPath(path).second.empty(); }

}  // namespace accord::compat::internal

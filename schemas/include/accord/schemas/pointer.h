// RFC 6901 JSON Pointer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"

namespace accord::json {

// Escapes one reference token ("~" -> "~0", "/" -> "~1").
std::string EscapeToken(std::string_view token);
// Appends "/" and the escaped token to a pointer being built.
void AppendToken(std::string& pointer, std::string_view token);
// "/a~1b/0" -> {"a/b", "0"}. "" -> {}. Errors: missing leading '/', bad '~' escape.
Result<std::vector<std::string>> SplitPointer(std::string_view pointer);
// Joins tokens into a pointer, escaping each.
std::string JoinPointer(const std::vector<std::string>& tokens);
// Resolves a pointer in `root`; nullptr when a token does not resolve (array
// indices must be canonical decimal: "01" does not resolve).
const Value* Resolve(const Value& root, std::string_view pointer);

// Builds pointers incrementally: Pointer p; p.Push("a"); p.Push(3); p.str().
class PointerBuilder {
 public:
  void Push(std::string_view token);
  void Push(std::size_t index);
  void Pop();
  const std::string& str() const { return path_; }

 private:
  std::string path_;
  std::vector<std::size_t> marks_;
};

}  // namespace accord::json

#include "accord/schemas/pointer.h"

namespace accord::json {

namespace {

// Appends `token` escaped: the runs between '~' and '/' whole. (One pass
// over the characters: find_first_of("~/") searched the two-character set
// with a call per character; the compatibility checker and the validator
// compiler build a path per subschema with this.)
void AppendEscaped(std::string& out, std::string_view token) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char c = token[i];
    if (c != '~' && c != '/') continue;
    out.append(token.data() + start, i - start);
    out += c == '~' ? "~0" : "~1";
    start = i + 1;
  }
  out.append(token.data() + start, token.size() - start);
}

}  // namespace

std::string EscapeToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  AppendEscaped(out, token);
  return out;
}

void AppendToken(std::string& pointer, std::string_view token) {
  pointer += '/';
  AppendEscaped(pointer, token);
}

Result<std::vector<std::string>> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') {
    return MakeError(ErrorCode::kInvalidPointer,
                     "JSON pointer \"" + std::string(pointer) + "\" does not start with '/'");
  }
  std::string current;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(current));
      current.clear();
      continue;
    }
    char c = pointer[i];
    if (c == '~') {
      char next = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (next == '0') {
        current += '~';
      } else if (next == '1') {
        current += '/';
      } else {
        return MakeError(ErrorCode::kInvalidPointer, "JSON pointer \"" + std::string(pointer) +
                                                         "\" has '~' not followed by '0' or '1'");
      }
      ++i;
    } else {
      current += c;
    }
  }
  return tokens;
}

std::string JoinPointer(const std::vector<std::string>& tokens) {
  std::string out;
  for (const std::string& t : tokens) {
    out += '/';
    out += EscapeToken(t);
  }
  return out;
}

namespace {

bool ParseIndex(std::string_view token, std::size_t* index) {
  if (token.empty() || token.size() > 18) return false;
  if (token.size() > 1 && token[0] == '0') return false;
  std::size_t n = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  *index = n;
  return true;
}

}  // namespace

const Value* Resolve(const Value& root, std::string_view pointer) {
  auto tokens = SplitPointer(pointer);
  if (!tokens) return nullptr;
  const Value* cur = &root;
  for (const std::string& t : *tokens) {
    if (cur->IsObject()) {
      cur = cur->Find(t);
    } else if (cur->IsArray()) {
      std::size_t i = 0;
      if (!ParseIndex(t, &i) || i >= cur->AsArray().size()) return nullptr;
      cur = &cur->AsArray()[i];
    } else {
      return nullptr;
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

void PointerBuilder::Push(std::string_view token) {
  marks_.push_back(path_.size());
  path_ += '/';
  path_ += EscapeToken(token);
}

void PointerBuilder::Push(std::size_t index) {
  marks_.push_back(path_.size());
  path_ += '/';
  path_ += std::to_string(index);
}

void PointerBuilder::Pop() {
  path_.resize(marks_.back());
  marks_.pop_back();
}

}  // namespace accord::json

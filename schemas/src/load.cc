#include "accord/schemas/load.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace accord {

Position Document::PositionOf(std::string_view pointer) const {
  std::string p(pointer);
  while (true) {
    auto it = positions.find(p);
    if (it != positions.end()) return it->second;
    if (p.empty()) return {};
    std::size_t slash = p.rfind('/');
    p.resize(slash == std::string::npos ? 0 : slash);
  }
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<Document> Parse(std::string_view text, std::string_view file, Syntax syntax,
                       const LoadOptions& options) {
  if (syntax == Syntax::kAuto) {
    syntax = Syntax::kYaml;
    if (EndsWith(file, ".json")) {
      syntax = Syntax::kJson;
    } else if (EndsWith(file, ".yaml") || EndsWith(file, ".yml")) {
      syntax = Syntax::kYaml;  // a YAML flow mapping may start with '{'
    } else {
      std::string_view body = text.substr(text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
      std::size_t i = body.find_first_not_of(" \t\r\n");
      if (i != std::string_view::npos && (body[i] == '{' || body[i] == '[')) syntax = Syntax::kJson;
    }
  }
  return syntax == Syntax::kJson ? ParseJson(text, file, options) : ParseYaml(text, file, options);
}

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  std::string data;
  auto too_big = [&]() {
    return std::unexpected(
        Error{ErrorCode::kLimit,
              "file is larger than the limit of " + std::to_string(max_bytes) + " bytes",
              path,
              {},
              {}});
  };
  if (path == "-") {
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
      data.append(buf, n);
      if (data.size() > max_bytes) return too_big();
    }
    return data;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return std::unexpected(Error{ErrorCode::kIo, "is a directory", path, {}, {}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(Error{ErrorCode::kIo, "cannot open file", path, {}, {}});
  }
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) return too_big();
  }
  if (in.bad()) return std::unexpected(Error{ErrorCode::kIo, "read failed", path, {}, {}});
  return data;
}

Result<Document> LoadFile(const std::string& path, Syntax syntax, const LoadOptions& options) {
  auto text = ReadFile(path, options.max_bytes);
  if (!text) return std::unexpected(text.error());
  return Parse(*text, path == "-" ? "<stdin>" : path, syntax, options);
}

}  // namespace accord

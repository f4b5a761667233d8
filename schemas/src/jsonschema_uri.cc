#include "jsonschema_uri.h"

#include <cctype>

namespace accord::jsonschema::internal {

namespace {

bool IsSchemeChar(char c, bool first) {
  if (std::isalpha(static_cast<unsigned char>(c))) return true;
  if (first) return false;
  return std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// RFC 3986 section 5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  std::string input(in);
  std::size_t i = 0;
  while (i < input.size()) {
    std::string_view rest = std::string_view(input).substr(i);
    if (rest.starts_with("../")) {
      i += 3;
    } else if (rest.starts_with("./")) {
      i += 2;
    } else if (rest.starts_with("/./")) {
      i += 2;
    } else if (rest == "/.") {
      input.replace(i, 2, "/");
    } else if (rest.starts_with("/../") || rest == "/..") {
      if (rest == "/..") {
        input.replace(i, 3, "/");
      } else {
        i += 3;
      }
      std::size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
    } else if (rest == "." || rest == "..") {
      i = input.size();
    } else {
      std::size_t start = i;
      if (input[i] == '/') ++i;
      while (i < input.size() && input[i] != '/') ++i;
      out.append(input, start, i - start);
    }
  }
  return out;
}

}  // namespace

UriParts ParseUri(std::string_view text) {
  UriParts p;
  std::size_t i = 0;
  // Scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
  std::size_t colon = text.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    bool ok = true;
    for (std::size_t k = 0; k < colon; ++k) {
      if (!IsSchemeChar(text[k], k == 0)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      for (std::size_t k = 0; k < colon; ++k) {
        p.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
      }
      i = colon + 1;
    }
  }
  if (text.substr(i).starts_with("//")) {
    i += 2;
    std::size_t end = text.find_first_of("/?#", i);
    if (end == std::string_view::npos) end = text.size();
    p.has_authority = true;
    p.authority = std::string(text.substr(i, end - i));
    i = end;
  }
  std::size_t end = text.find_first_of("?#", i);
  if (end == std::string_view::npos) end = text.size();
  p.path = std::string(text.substr(i, end - i));
  i = end;
  if (i < text.size() && text[i] == '?') {
    end = text.find('#', i);
    if (end == std::string_view::npos) end = text.size();
    p.has_query = true;
    p.query = std::string(text.substr(i + 1, end - i - 1));
    i = end;
  }
  if (i < text.size() && text[i] == '#') {
    p.has_fragment = true;
    p.fragment = std::string(text.substr(i + 1));
  }
  return p;
}

std::string FormatUri(const UriParts& p) {
  std::string out;
  if (!p.scheme.empty()) {
    out += p.scheme;
    out += ':';
  }
  if (p.has_authority) {
    out += "//";
    out += p.authority;
  }
  out += p.path;
  if (p.has_query) {
    out += '?';
    out += p.query;
  }
  if (p.has_fragment) {
    out += '#';
    out += p.fragment;
  }
  return out;
}

std::string ResolveUri(std::string_view base_text, std::string_view ref_text) {
  UriParts r = ParseUri(ref_text);
  if (base_text.empty()) return FormatUri(r);
  UriParts b = ParseUri(base_text);
  UriParts t;
  if (!r.scheme.empty()) {
    t = r;
    t.path = RemoveDotSegments(r.path);
  } else {
    if (r.has_authority) {
      t.has_authority = true;
      t.authority = r.authority;
      t.path = RemoveDotSegments(r.path);
      t.has_query = r.has_query;
      t.query = r.query;
    } else {
      if (r.path.empty()) {
        t.path = b.path;
        t.has_query = r.has_query || b.has_query;
        t.query = r.has_query ? r.query : b.query;
      } else {
        if (r.path.front() == '/') {
          t.path = RemoveDotSegments(r.path);
        } else {
          std::string merged;
          if (b.has_authority && b.path.empty()) {
            merged = "/" + r.path;
          } else {
            std::size_t slash = b.path.rfind('/');
            merged = slash == std::string::npos ? r.path : b.path.substr(0, slash + 1) + r.path;
          }
          t.path = RemoveDotSegments(merged);
        }
        t.has_query = r.has_query;
        t.query = r.query;
      }
      t.has_authority = b.has_authority;
      t.authority = b.authority;
    }
    t.scheme = b.scheme;
  }
  t.has_fragment = r.has_fragment;
  t.fragment = r.fragment;
  return FormatUri(t);
}

std::pair<std::string, std::string> SplitFragment(std::string_view uri) {
  std::size_t hash = uri.find('#');
  if (hash == std::string_view::npos) return {std::string(uri), std::string()};
  return {std::string(uri.substr(0, hash)), std::string(uri.substr(hash + 1))};
}

std::string PercentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace accord::jsonschema::internal

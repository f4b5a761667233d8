#include "http_common.h"

#include "accord/schemas/load.h"
#include "utf8.h"

namespace accord::registry::http {

using json::Value;

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (malformed ones stay literal); `plus_is_space` for
// query strings.

}  // namespace

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

Target ParseTarget(std::string_view target) {
  Target t;
  std::string_view path = target;
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  if (path.starts_with('/')) path.remove_prefix(1);
  if (path.ends_with('/')) path.remove_suffix(1);
  if (!path.empty()) {
    std::size_t start = 0;
    while (true) {
      std::size_t slash = path.find('/', start);
      std::string_view seg =
          path.substr(start, slash == std::string_view::npos ? slash : slash - start);
      t.segments.push_back(PercentDecode(seg, false));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
  }
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    std::size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    std::string val =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    if (!key.empty()) t.query.emplace_back(std::move(key), std::move(val));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return t;
}

std::unexpected<RegistryError> BadRequest(std::string message) {
  return Fail(ErrorCode::kBadRequest, std::move(message));
}

RegistryResult<Value> ParseBody(const HttpRequest& req) {
  if (req.body.empty()) return BadRequest("Request body is empty");
  LoadOptions options;
  options.max_depth = 64;
  auto doc = ParseJson(req.body, "request body", options);
  if (!doc) return BadRequest("Malformed JSON request body: " + doc.error().ToString());
  if (!doc->root.IsObject()) return BadRequest("Request body must be a JSON object");
  return std::move(doc->root);
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Value JsonTextValue(const std::string& text) {
  if (text.empty()) return Value();
  auto doc = ParseJson(text);
  return doc ? std::move(doc->root) : Value();
}

HttpResponse JsonReply(const Value& v, int status) {
  HttpResponse r;
  r.status = status;
  r.body = json::ToJson(v);
  return r;
}

Value ReferencesJson(const std::vector<SchemaReference>& refs) {
  json::Array a;
  for (const SchemaReference& r : refs) {
    Value o{json::Object{}};
    o.Add("name", r.name);
    o.Add("subject", r.subject.str());
    o.Add("version", r.version.value());
    a.push_back(std::move(o));
  }
  return Value(std::move(a));
}

Value SchemaVersionJson(const SchemaVersion& v) {
  Value o{json::Object{}};
  o.Add("subject", v.subject.str());
  o.Add("version", v.version.value());
  o.Add("id", v.id.local());  // the id within the subject's context
  if (v.type != kDefaultSchemaType) o.Add("schemaType", std::string(SchemaTypeName(v.type)));
  if (!v.references.empty()) o.Add("references", ReferencesJson(v.references));
  o.Add("schema", v.schema);
  if (Value m = JsonTextValue(v.metadata); !m.IsNull()) o.Add("metadata", std::move(m));
  if (Value r = JsonTextValue(v.rule_set); !r.IsNull()) o.Add("ruleSet", std::move(r));
  if (v.deleted) o.Add("deleted", true);
  return o;
}

Value StringArray(const std::vector<std::string>& items) {
  json::Array a;
  for (const std::string& s : items) a.emplace_back(s);
  return Value(std::move(a));
}

Value VersionArray(const std::vector<Version>& items) {
  json::Array a;
  for (Version v : items) a.emplace_back(v.value());
  return Value(std::move(a));
}

IncludeDeleted DeletedFlag(const Target& t) {
  return t.Flag("deleted") ? IncludeDeleted::kYes : IncludeDeleted::kNo;
}

}  // namespace accord::registry::http

// Thin handlers: parse the wire request, call the Service, render the reply.
// Every rule lives in the Service; every error goes through ErrorResponse.
#include "accord/registry/http_api.h"

#include <charconv>
#include <chrono>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace accord::registry {
namespace {

using json::Value;

// --- request parsing -----------------------------------------------------------

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (malformed ones stay literal); `plus_is_space` for
// query strings.
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

struct Target {
  std::vector<std::string> segments;  // decoded path segments
  std::vector<std::pair<std::string, std::string>> query;

  const std::string* Param(std::string_view key) const {
    for (const auto& [k, v] : query) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  // Jersey's Boolean: "true" (any case) is true, anything else false.
  bool Flag(std::string_view key) const {
    const std::string* v = Param(key);
    if (!v || v->size() != 4) return false;
    std::string lower;
    for (char c : *v) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return lower == "true";
  }
};

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

// Reads a register / lookup / compatibility request body.
RegistryResult<SchemaInput> ParseSchemaInput(const Value& body, const Target& t) {
  SchemaInput in;
  const Value* schema = body.Find("schema");
  if (schema == nullptr || schema->IsNull()) {
    return Fail(ErrorCode::kInvalidSchema, "Invalid schema: field 'schema' is missing");
  }
  if (!schema->IsString()) return BadRequest("Field 'schema' must be a string");
  in.schema = schema->AsString();
  if (in.schema.empty()) return Fail(ErrorCode::kInvalidSchema, "Invalid schema: empty schema");
  if (const Value* type = body.Find("schemaType"); type != nullptr && !type->IsNull()) {
    if (!type->IsString()) return BadRequest("Field 'schemaType' must be a string");
    auto parsed = SchemaTypeFromString(type->AsString());
    if (!parsed) {
      return Fail(ErrorCode::kInvalidSchema, "Invalid schema: unknown schemaType '" +
                                                 type->AsString().substr(0, 64) +
                                                 "' (expected AVRO, JSON or PROTOBUF)");
    }
    in.type = *parsed;
  }
  if (const Value* refs = body.Find("references"); refs != nullptr && !refs->IsNull()) {
    if (!refs->IsArray()) return BadRequest("Field 'references' must be an array");
    for (const Value& r : refs->AsArray()) {
      const Value* name = r.IsObject() ? r.Find("name") : nullptr;
      const Value* subject = r.IsObject() ? r.Find("subject") : nullptr;
      const Value* version = r.IsObject() ? r.Find("version") : nullptr;
      if (!name || !name->IsString() || !subject || !subject->IsString() || !version ||
          !version->IsInteger()) {
        return BadRequest(
            "Each reference needs 'name' (string), 'subject' (string) and "
            "'version' (integer)");
      }
      const std::int64_t v = version->AsNumber().IsInt()
                                 ? version->AsNumber().AsInt()
                                 : static_cast<std::int64_t>(version->AsNumber().AsDouble());
      if (v < -1 || v == 0 || v > 2147483647) {
        return Fail(ErrorCode::kInvalidSchema,
                    "Invalid schema: reference version must be -1 or 1..2^31-1");
      }
      in.references.push_back(SchemaReference{.name = name->AsString(),
                                              .subject = SubjectName(subject->AsString()),
                                              .version = Version(static_cast<std::int32_t>(v))});
    }
  }
  auto int_field = [&](const char* key, std::int64_t lo,
                       std::int64_t hi) -> RegistryResult<std::optional<std::int64_t>> {
    const Value* f = body.Find(key);
    if (f == nullptr || f->IsNull()) return std::nullopt;
    if (!f->IsInteger()) return BadRequest(std::string("Field '") + key + "' must be an integer");
    const std::int64_t n = f->AsNumber().IsInt() ? f->AsNumber().AsInt() : lo - 1;
    if (n < lo || n > hi) return std::nullopt;  // Confluent: 0 / -1 mean "not given"
    return n;
  };
  auto id = int_field("id", 1, std::numeric_limits<std::int64_t>::max());
  if (!id) return std::unexpected(id.error());
  if (*id) in.id = SchemaId(**id);
  auto version = int_field("version", 1, 2147483647);
  if (!version) return std::unexpected(version.error());
  if (*version) in.version = Version(static_cast<std::int32_t>(**version));
  in.normalize = t.Flag("normalize");
  return in;
}

// --- replies -------------------------------------------------------------------

HttpResponse JsonReply(const Value& v, int status = 200) {
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

// Confluent's Schema object; empty fields (and AVRO, the default type) left out.
Value SchemaVersionJson(const SchemaVersion& v) {
  Value o{json::Object{}};
  o.Add("subject", v.subject.str());
  o.Add("version", v.version.value());
  o.Add("id", v.id.value());
  if (v.type != SchemaType::kAvro) o.Add("schemaType", std::string(SchemaTypeName(v.type)));
  if (!v.references.empty()) o.Add("references", ReferencesJson(v.references));
  o.Add("schema", v.schema);
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

Value ConfigJson(const ConfigRecord& c) {
  Value o{json::Object{}};
  if (c.level) o.Add("compatibilityLevel", std::string(compat::LevelName(*c.level)));
  if (c.policy) o.Add("compatibilityPolicy", std::string(compat::PolicyName(*c.policy)));
  return o;
}

Value ModeJson(Mode m) {
  Value o{json::Object{}};
  o.Add("mode", std::string(ModeName(m)));
  return o;
}

// Raw schema text, as Confluent's /schema endpoints serve it.
HttpResponse RawSchema(const std::string& text) {
  HttpResponse r;
  r.body = text;
  return r;
}

template <typename T, typename Fn>
HttpResponse Reply(const RegistryResult<T>& r, Fn&& render) {
  if (!r) return ErrorResponse(r.error());
  return render(*r);
}

RegistryResult<SchemaId> ParseId(const std::string& text) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
    return Fail(ErrorCode::kRouteNotFound, "HTTP 404 Not Found");
  }
  if (n < 1) return Fail(ErrorCode::kSchemaNotFound, "Schema " + text + " not found");
  return SchemaId(n);
}

IncludeDeleted DeletedFlag(const Target& t) {
  return t.Flag("deleted") ? IncludeDeleted::kYes : IncludeDeleted::kNo;
}

bool AcceptableContentType(std::string_view ct) {
  if (auto semi = ct.find(';'); semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  while (!ct.empty() && ct.front() == ' ') ct.remove_prefix(1);
  std::string lower;
  for (char c : ct) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower.empty() || lower == "application/vnd.schemaregistry.v1+json" ||
         lower == "application/vnd.schemaregistry+json" || lower == "application/json" ||
         lower == "application/octet-stream";
}

// The reply content type for an Accept header (Confluent's preference order).
std::string ReplyContentType(std::string_view accept) {
  if (accept.empty() ||
      accept.find("application/vnd.schemaregistry.v1+json") != std::string_view::npos ||
      accept.find("*/*") != std::string_view::npos) {
    return std::string(kContentTypeV1);
  }
  if (accept.find("application/vnd.schemaregistry+json") != std::string_view::npos) {
    return "application/vnd.schemaregistry+json";
  }
  if (accept.find("application/json") != std::string_view::npos) return "application/json";
  return std::string(kContentTypeV1);
}

RegistryResult<ConfigRecord> ParseConfigUpdate(const Value& body) {
  ConfigRecord c;
  if (const Value* level = body.Find("compatibility"); level != nullptr && !level->IsNull()) {
    auto l = level->IsString() ? compat::LevelFromString(level->AsString()) : std::nullopt;
    if (!l) {
      return Fail(ErrorCode::kInvalidCompatibilityLevel,
                  "Invalid compatibility level. Valid values are none, backward, forward, full, "
                  "backward_transitive, forward_transitive, and full_transitive");
    }
    c.level = l;
  }
  if (const Value* policy = body.Find("compatibilityPolicy");
      policy != nullptr && !policy->IsNull()) {
    auto p = policy->IsString() ? compat::PolicyFromString(policy->AsString()) : std::nullopt;
    if (!p) {
      return Fail(ErrorCode::kInvalidCompatibilityLevel,
                  "Invalid compatibility policy. Valid values are STRICT and LENIENT");
    }
    c.policy = p;
  }
  if (!c.level && !c.policy) {
    return Fail(ErrorCode::kInvalidCompatibilityLevel,
                "Config update needs 'compatibility' and/or 'compatibilityPolicy'");
  }
  return c;
}

}  // namespace

HttpResponse ErrorResponse(const RegistryError& e) {
  HttpResponse r;
  r.status = HttpStatusOf(e.code);
  r.error_code = CodeNumber(e.code);
  Value body{json::Object{}};
  body.Add("error_code", static_cast<std::int64_t>(CodeNumber(e.code)));
  body.Add("message", e.message);
  r.body = json::ToJson(body);
  return r;
}

HttpResponse Api::Handle(const HttpRequest& request) const noexcept {
  const auto start = std::chrono::steady_clock::now();
  HttpResponse r;
  try {
    r = Dispatch(request);
    if (r.content_type == kContentTypeV1) r.content_type = ReplyContentType(request.accept);
  } catch (...) {
    // The client sees nothing internal.
    r = ErrorResponse(RegistryError{ErrorCode::kInternal, "Internal Server Error"});
  }
  try {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics_.ObserveRequest(r.route, r.status, r.error_code, seconds);
  } catch (...) {
    // Metrics are best effort (allocation failure only).
  }
  return r;
}

HttpResponse Api::Dispatch(const HttpRequest& req) const {
  const Target t = ParseTarget(req.target);
  const std::vector<std::string>& s = t.segments;
  const std::string& m = req.method;
  const std::string& actor = req.actor;
  const bool has_body_method = m == "POST" || m == "PUT";
  if (has_body_method && !AcceptableContentType(req.content_type)) {
    return ErrorResponse(
        RegistryError{ErrorCode::kUnsupportedMediaType, "HTTP 415 Unsupported Media Type"});
  }
  bool path_known = false;
  std::string route;
  // Matches method + route template; remembers that the path exists.
  auto is = [&](const char* method, const char* tmpl) {
    path_known = true;
    route = std::string(method) + " " + tmpl;
    return m == method;
  };
  auto done = [&](HttpResponse r) {
    r.route = route;
    return r;
  };
  auto body_input = [&]() -> RegistryResult<SchemaInput> {
    auto body = ParseBody(req);
    if (!body) return std::unexpected(body.error());
    return ParseSchemaInput(*body, t);
  };

  const std::size_t n = s.size();
  if (n == 0) {
    if (is("GET", "/")) return done(JsonReply(Value(json::Object{})));
  } else if (s[0] == "subjects") {
    if (n == 1) {
      if (is("GET", "/subjects")) {
        ListSubjectsOptions o;
        if (const std::string* p = t.Param("subjectPrefix")) o.prefix = *p;
        o.deleted = DeletedFlag(t);
        o.deleted_only = t.Flag("deletedOnly");
        return done(Reply(service_.ListSubjects(o),
                          [](const auto& v) { return JsonReply(StringArray(v)); }));
      }
    } else if (n == 2) {
      if (is("POST", "/subjects/{s}")) {
        auto in = body_input();
        if (!in) return done(ErrorResponse(in.error()));
        return done(Reply(service_.Lookup(s[1], *in, DeletedFlag(t)),
                          [](const SchemaVersion& v) { return JsonReply(SchemaVersionJson(v)); }));
      }
      if (is("DELETE", "/subjects/{s}")) {
        const DeleteKind kind = t.Flag("permanent") ? DeleteKind::kPermanent : DeleteKind::kSoft;
        return done(Reply(service_.DeleteSubject(s[1], kind, actor),
                          [](const auto& v) { return JsonReply(VersionArray(v)); }));
      }
    } else if (s[2] == "versions") {
      if (n == 3) {
        if (is("GET", "/subjects/{s}/versions")) {
          return done(Reply(service_.ListVersions(s[1], DeletedFlag(t), t.Flag("deletedOnly")),
                            [](const auto& v) { return JsonReply(VersionArray(v)); }));
        }
        if (is("POST", "/subjects/{s}/versions")) {
          auto in = body_input();
          if (!in) return done(ErrorResponse(in.error()));
          return done(Reply(service_.Register(s[1], *in, actor), [](const Registered& r) {
            Value o{json::Object{}};
            o.Add("id", r.id.value());
            return JsonReply(o);
          }));
        }
      } else if (n == 4 || (n == 5 && (s[4] == "schema" || s[4] == "referencedby"))) {
        const bool is_get = m == "GET";
        auto version = ParseVersion(s[3]);
        if (n == 4) {
          if (is("GET", "/subjects/{s}/versions/{v}")) {
            if (!version) return done(ErrorResponse(version.error()));
            return done(
                Reply(service_.GetVersion(s[1], *version, DeletedFlag(t)),
                      [](const SchemaVersion& v) { return JsonReply(SchemaVersionJson(v)); }));
          }
          if (is("DELETE", "/subjects/{s}/versions/{v}")) {
            if (!version) return done(ErrorResponse(version.error()));
            const DeleteKind kind =
                t.Flag("permanent") ? DeleteKind::kPermanent : DeleteKind::kSoft;
            return done(Reply(service_.DeleteVersion(s[1], *version, kind, actor),
                              [](Version v) { return JsonReply(Value(v.value())); }));
          }
        } else if (s[4] == "schema") {
          if (is("GET", "/subjects/{s}/versions/{v}/schema")) {
            if (!version) return done(ErrorResponse(version.error()));
            return done(Reply(service_.GetVersion(s[1], *version, DeletedFlag(t)),
                              [](const SchemaVersion& v) { return RawSchema(v.schema); }));
          }
        } else if (is("GET", "/subjects/{s}/versions/{v}/referencedby")) {
          if (!version) return done(ErrorResponse(version.error()));
          return done(Reply(service_.ReferencedBy(s[1], *version), [](const auto& ids) {
            json::Array a;
            for (SchemaId id : ids) a.emplace_back(id.value());
            return JsonReply(Value(std::move(a)));
          }));
        }
        (void)is_get;
      }
    }
  } else if (s[0] == "schemas") {
    if (n == 2 && s[1] == "types") {
      if (is("GET", "/schemas/types")) {
        // PROTOBUF is left out until it is supported.
        return done(JsonReply(StringArray({"JSON", "AVRO"})));
      }
    } else if (n >= 3 && s[1] == "ids" && n <= 4) {
      auto id = ParseId(s[2]);
      if (n == 3) {
        if (is("GET", "/schemas/ids/{id}")) {
          if (!id) return done(ErrorResponse(id.error()));
          return done(Reply(service_.GetSchema(*id), [](const SchemaRecord& rec) {
            Value o{json::Object{}};
            if (rec.type != SchemaType::kAvro)
              o.Add("schemaType", std::string(SchemaTypeName(rec.type)));
            if (!rec.references.empty()) o.Add("references", ReferencesJson(rec.references));
            o.Add("schema", rec.text);
            return JsonReply(o);
          }));
        }
      } else if (s[3] == "schema") {
        if (is("GET", "/schemas/ids/{id}/schema")) {
          if (!id) return done(ErrorResponse(id.error()));
          return done(Reply(service_.GetSchema(*id),
                            [](const SchemaRecord& rec) { return RawSchema(rec.text); }));
        }
      } else if (s[3] == "subjects") {
        if (is("GET", "/schemas/ids/{id}/subjects")) {
          if (!id) return done(ErrorResponse(id.error()));
          return done(Reply(service_.SubjectsOfSchema(*id, DeletedFlag(t)),
                            [](const auto& v) { return JsonReply(StringArray(v)); }));
        }
      } else if (s[3] == "versions") {
        if (is("GET", "/schemas/ids/{id}/versions")) {
          if (!id) return done(ErrorResponse(id.error()));
          return done(Reply(service_.VersionsOfSchema(*id, DeletedFlag(t)), [](const auto& v) {
            json::Array a;
            for (const SubjectVersion& sv : v) {
              Value o{json::Object{}};
              o.Add("subject", sv.subject.str());
              o.Add("version", sv.version.value());
              a.push_back(std::move(o));
            }
            return JsonReply(Value(std::move(a)));
          }));
        }
      }
    }
  } else if (s[0] == "config" && n <= 2) {
    std::optional<std::string> subject;
    if (n == 2) subject = s[1];
    const char* tmpl = n == 1 ? "/config" : "/config/{s}";
    if (is("GET", tmpl)) {
      return done(Reply(service_.GetConfig(subject, t.Flag("defaultToGlobal")),
                        [](const ConfigRecord& c) { return JsonReply(ConfigJson(c)); }));
    }
    if (is("PUT", tmpl)) {
      auto body = ParseBody(req);
      if (!body) return done(ErrorResponse(body.error()));
      auto update = ParseConfigUpdate(*body);
      if (!update) return done(ErrorResponse(update.error()));
      return done(Reply(service_.SetConfig(subject, *update, actor), [&](const ConfigRecord&) {
        // Confluent echoes the request's fields.
        Value o{json::Object{}};
        if (update->level) o.Add("compatibility", std::string(compat::LevelName(*update->level)));
        if (update->policy)
          o.Add("compatibilityPolicy", std::string(compat::PolicyName(*update->policy)));
        return JsonReply(o);
      }));
    }
    if (is("DELETE", tmpl)) {
      return done(Reply(service_.DeleteConfig(subject, actor),
                        [](const ConfigRecord& c) { return JsonReply(ConfigJson(c)); }));
    }
  } else if (s[0] == "mode" && n <= 2) {
    std::optional<std::string> subject;
    if (n == 2) subject = s[1];
    const char* tmpl = n == 1 ? "/mode" : "/mode/{s}";
    if (is("GET", tmpl)) {
      return done(Reply(service_.GetMode(subject, t.Flag("defaultToGlobal")),
                        [](Mode md) { return JsonReply(ModeJson(md)); }));
    }
    if (is("PUT", tmpl)) {
      auto body = ParseBody(req);
      if (!body) return done(ErrorResponse(body.error()));
      const Value* mode = body->Find("mode");
      auto parsed = mode && mode->IsString() ? ModeFromString(mode->AsString()) : std::nullopt;
      if (!parsed) {
        return done(ErrorResponse(
            RegistryError{ErrorCode::kInvalidMode,
                          "Invalid mode. Valid values are READWRITE, READONLY, IMPORT"}));
      }
      const Force force = t.Flag("force") ? Force::kYes : Force::kNo;
      return done(Reply(service_.SetMode(subject, *parsed, force, actor),
                        [](Mode md) { return JsonReply(ModeJson(md)); }));
    }
    if (n == 2 && is("DELETE", tmpl)) {
      return done(Reply(service_.DeleteMode(subject, actor),
                        [](Mode md) { return JsonReply(ModeJson(md)); }));
    }
  } else if (s[0] == "compatibility" && n >= 4 && n <= 5 && s[1] == "subjects" &&
             s[3] == "versions") {
    if (is("POST", n == 4 ? "/compatibility/subjects/{s}/versions"
                          : "/compatibility/subjects/{s}/versions/{v}")) {
      std::optional<VersionSelector> sel;
      if (n == 5) {
        auto v = ParseVersion(s[4]);
        if (!v) return done(ErrorResponse(v.error()));
        sel = *v;
      }
      auto in = body_input();
      if (!in) return done(ErrorResponse(in.error()));
      const bool verbose = t.Flag("verbose");
      return done(
          Reply(service_.TestCompatibility(s[2], sel, *in), [&](const CompatibilityResult& r) {
            Value o{json::Object{}};
            o.Add("is_compatible", r.compatible);
            if (verbose) o.Add("messages", StringArray(r.messages));
            return JsonReply(o);
          }));
    }
  } else if (n == 1 && s[0] == "healthz") {
    if (is("GET", "/healthz")) {
      Value o{json::Object{}};
      o.Add("status", "UP");
      return done(JsonReply(o));
    }
  } else if (n == 1 && s[0] == "readyz") {
    if (is("GET", "/readyz")) {
      auto ready = service_.Ready();
      if (!ready) {
        return done(ErrorResponse(RegistryError{ErrorCode::kStoreError, "store unavailable"}));
      }
      Value o{json::Object{}};
      o.Add("status", "READY");
      return done(JsonReply(o));
    }
  } else if (n == 1 && s[0] == "metrics") {
    if (is("GET", "/metrics")) {
      auto stats = service_.GetStats();
      HttpResponse r;
      r.content_type = "text/plain; version=0.0.4";
      r.body = metrics_.Render(stats ? stats->schemas : -1, stats ? stats->subjects : -1);
      return done(std::move(r));
    }
  } else if (n == 3 && s[0] == "accord" && s[1] == "v1" && s[2] == "audit") {
    if (is("GET", "/accord/v1/audit")) {
      std::int64_t after = 0;
      std::int64_t limit = 100;
      for (auto [key, target] : {std::pair<const char*, std::int64_t*>{"after", &after},
                                 std::pair<const char*, std::int64_t*>{"limit", &limit}}) {
        if (const std::string* p = t.Param(key)) {
          auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), *target);
          if (ec != std::errc() || end != p->data() + p->size() || *target < 0) {
            return done(ErrorResponse(RegistryError{
                ErrorCode::kBadRequest, std::string("Invalid query parameter ") + key}));
          }
        }
      }
      if (limit > 1000) limit = 1000;
      return done(
          Reply(service_.Audit(after, static_cast<std::size_t>(limit)), [](const auto& rows) {
            json::Array a;
            for (const AuditRecord& rec : rows) {
              Value o{json::Object{}};
              o.Add("seq", rec.seq);
              o.Add("ts", rec.ts_ms);
              o.Add("actor", rec.actor);
              o.Add("action", rec.action);
              if (!rec.subject.empty()) o.Add("subject", rec.subject);
              if (rec.version != 0) o.Add("version", rec.version);
              if (rec.schema_id != 0) o.Add("id", rec.schema_id);
              if (!rec.detail.empty()) {
                auto detail = ParseJson(rec.detail);
                if (detail) o.Add("detail", std::move(detail->root));
              }
              a.push_back(std::move(o));
            }
            return JsonReply(Value(std::move(a)));
          }));
    }
  } else if (n == 1 && s[0] == "contexts") {
    if (is("GET", "/contexts")) return done(JsonReply(StringArray({"."})));
  } else if (n == 3 && s[0] == "v1" && s[1] == "metadata") {
    if (s[2] == "id" && is("GET", "/v1/metadata/id")) {
      Value scope{json::Object{}};
      scope.Add("path", Value(json::Array{}));
      Value clusters{json::Object{}};
      clusters.Add("schema-registry-cluster", "accord");
      scope.Add("clusters", std::move(clusters));
      Value o{json::Object{}};
      o.Add("scope", std::move(scope));
      return done(JsonReply(o));
    }
    if (s[2] == "version" && is("GET", "/v1/metadata/version")) {
      Value o{json::Object{}};
      o.Add("version", "0.1.0");
      o.Add("commitId", "");
      return done(JsonReply(o));
    }
  }
  if (path_known) {
    HttpResponse r =
        ErrorResponse(RegistryError{ErrorCode::kMethodNotAllowed, "HTTP 405 Method Not Allowed"});
    r.route = "method-not-allowed";
    return r;
  }
  return ErrorResponse(RegistryError{ErrorCode::kRouteNotFound, "HTTP 404 Not Found"});
}

}  // namespace accord::registry

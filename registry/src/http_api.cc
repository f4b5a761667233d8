// Thin handlers: parse the wire request, call the Service, render the reply.
// Every rule lives in the Service; every error goes through ErrorResponse.
#include "accord/registry/http_api.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "accord/compat/language.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"
#include "data_contract.h"
#include "http_common.h"
#include "lru.h"
#include "utf8.h"

namespace accord::registry {
namespace {

using json::Value;
using namespace http;  // NOLINT(google-build-using-namespace): the shared handler helpers

// "Sat, 01 Aug 2026 00:00:00 GMT" for a "YYYY-MM-DD" date (IMF-fixdate).
std::string HttpDate(const std::string& date) {
  using namespace std::chrono;
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  if (std::sscanf(date.c_str(), "%d-%u-%u", &y, &mo, &d) != 3) return date;
  const year_month_day ymd{year(y), month(mo), day(d)};
  if (!ymd.ok()) return date;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const weekday wd{sys_days(ymd)};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d 00:00:00 GMT", kDays[wd.c_encoding()], d,
                kMonths[mo - 1], y);
  return buf;
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
  for (auto [key, text] : {std::pair<const char*, std::string*>{"metadata", &in.metadata},
                           std::pair<const char*, std::string*>{"ruleSet", &in.rule_set}}) {
    const Value* f = body.Find(key);
    if (f == nullptr || f->IsNull()) continue;
    if (!f->IsObject()) {
      return Fail(ErrorCode::kInvalidCatalogMetadata,
                  std::string("Field '") + key + "' must be a JSON object");
    }
    *text = json::ToJson(*f);
  }
  return in;
}

// Deprecation (RFC 9745), Sunset (RFC 8594) and a successor Link on replies
// that serve a deprecated or retired version.
void AddDeprecationHeaders(HttpResponse& r, const SchemaVersion& v) {
  if (!v.deprecation) return;
  r.headers.emplace_back("Deprecation", "@" + std::to_string(v.deprecation->deprecated_ms / 1000));
  r.headers.emplace_back("Sunset", HttpDate(v.deprecation->sunset));
  if (v.deprecation->replacement) {
    r.headers.emplace_back("Link", "</subjects/" + PercentEncode(v.subject.str()) + "/versions/" +
                                       std::to_string(v.deprecation->replacement->value()) +
                                       ">; rel=\"successor-version\"");
  }
}

Value ConfigJson(const ConfigRecord& c) {
  Value o{json::Object{}};
  if (c.level) o.Add("compatibilityLevel", std::string(compat::LevelName(*c.level)));
  if (c.policy) o.Add("compatibilityPolicy", std::string(compat::PolicyName(*c.policy)));
  if (c.lint) o.Add("lint", *c.lint);
  internal::AddContractSettings(c, &o);
  return o;
}

// ?force=true: a permanent delete of a version that consumers still accept
// (the subject's owner or an admin, like any delete of it).
Force ForceFlag(const Target& t) { return t.Flag("force") ? Force::kYes : Force::kNo; }

// Confluent's `format` query parameter ("" when absent).
std::string FormatParam(const Target& t) {
  const std::string* p = t.Param("format");
  return p != nullptr ? *p : std::string();
}

// The reply to a DELETE with force=true (an Accord extension: Confluent's
// clients never send it, and keep their bare array / number):
// {"versions":[1,2],"overriddenConsumers":[{"service","owner","versions"}]}.
HttpResponse ForcedDeleteReply(const Deleted& d) {
  json::Array versions;
  for (Version v : d.versions) versions.emplace_back(v.value());
  json::Array consumers;
  for (const OverriddenConsumer& c : d.overridden) {
    Value o{json::Object{}};
    o.Add("service", c.service);
    o.Add("owner", c.owner);
    json::Array accepted;
    for (Version v : c.versions) accepted.emplace_back(v.value());
    o.Add("versions", Value(std::move(accepted)));
    consumers.push_back(std::move(o));
  }
  Value o{json::Object{}};
  o.Add("versions", Value(std::move(versions)));
  o.Add("overriddenConsumers", Value(std::move(consumers)));
  return JsonReply(o);
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

RegistryResult<SchemaId> ParseId(const std::string& text) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty()) {
    return Fail(ErrorCode::kRouteNotFound, "HTTP 404 Not Found");
  }
  if (n < 1) return Fail(ErrorCode::kSchemaNotFound, "Schema " + text + " not found");
  return SchemaId(n);
}

// Contexts (issue #18). Confluent's base context path: a request under
// "/contexts/{ctx}/" is the request without that prefix, made in context
// ctx (".team-a", "team-a" or ":.team-a:"; "." the default context): the
// subject in /subjects/{s}, /compatibility/subjects/{s}, /config/{s} and
// /mode/{s} is qualified with it, /config and /mode alone name the
// context itself, ids under /schemas/ids are the context's (subject=
// qualified), and subject lists are the context's (subjectPrefix
// qualified). So a client given http://host/contexts/.team-a as its
// registry URL works in that context throughout. Then, wherever a subject
// is named, ":.:orders" is "orders" (the default context named
// explicitly). 42208 for an invalid context name.
RegistryResult<void> ApplyContexts(Target& t) {
  std::vector<std::string>& s = t.segments;
  auto qualified = [](const std::string& name) {
    return name.starts_with(":.") || name.starts_with(kContextWildcard);
  };
  if (s.size() >= 3 && s[0] == "contexts") {
    std::string context = s[1];
    if (context.starts_with(':')) context.erase(0, 1);
    if (context.ends_with(':')) context.pop_back();
    if (!context.starts_with('.')) context.insert(0, 1, '.');
    if (auto ok = ValidateContextName(context); !ok) return std::unexpected(ok.error());
    s.erase(s.begin(), s.begin() + 2);
    const std::string prefix = QualifySubject(context, "");
    const bool config_or_mode = s[0] == "config" || s[0] == "mode";
    if ((s[0] == "subjects" || config_or_mode) && s.size() >= 2 && !qualified(s[1])) {
      s[1] = prefix + s[1];
    } else if (config_or_mode && s.size() == 1 && !prefix.empty()) {
      s.push_back(prefix);
    } else if (s[0] == "compatibility" && s.size() >= 3 && s[1] == "subjects" && !qualified(s[2])) {
      s[2] = prefix + s[2];
    }
    auto qualify_param = [&](std::string_view key) {
      for (auto& [k, v] : t.query) {
        if (k == key) {
          if (!qualified(v)) v = prefix + v;
          return;
        }
      }
      t.query.emplace_back(std::string(key), prefix);
    };
    if (s[0] == "schemas" && s.size() >= 3 && s[1] == "ids") {
      qualify_param("subject");
    } else if ((s[0] == "schemas" || s[0] == "subjects") && s.size() == 1) {
      qualify_param("subjectPrefix");
    }
  }
  auto unqualify_default = [](std::string& name) {
    if (name.starts_with(":.:")) name.erase(0, 3);
  };
  if (s.size() >= 2 && (s[0] == "subjects" || s[0] == "config" || s[0] == "mode")) {
    unqualify_default(s[1]);
  } else if (s.size() >= 3 && s[0] == "compatibility" && s[1] == "subjects") {
    unqualify_default(s[2]);
  }
  return {};
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

// A non-negative integer query parameter, or `fallback` when absent.
RegistryResult<std::int64_t> IntParam(const Target& t, const char* key, std::int64_t fallback) {
  const std::string* p = t.Param(key);
  if (p == nullptr) return fallback;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), n);
  if (ec != std::errc() || end != p->data() + p->size()) {
    return BadRequest(std::string("Invalid query parameter ") + key);
  }
  return n;
}

// GET /schemas query: subjectPrefix, deleted, latestOnly, offset, limit
// (-1 or absent: no limit).
RegistryResult<ListSchemasOptions> ParseListSchemas(const Target& t) {
  ListSchemasOptions o;
  if (const std::string* p = t.Param("subjectPrefix")) o.subject_prefix = *p;
  o.deleted = DeletedFlag(t);
  o.latest_only = t.Flag("latestOnly");
  auto offset = IntParam(t, "offset", 0);
  if (!offset) return std::unexpected(offset.error());
  auto limit = IntParam(t, "limit", -1);
  if (!limit) return std::unexpected(limit.error());
  if (*offset < 0 || *limit < -1) return BadRequest("offset and limit must not be negative");
  o.offset = static_cast<std::size_t>(*offset);
  if (*limit >= 0) o.limit = static_cast<std::size_t>(*limit);
  return o;
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
  if (const Value* lint = body.Find("lint"); lint != nullptr && !lint->IsNull()) {
    if (!lint->IsBool()) return Fail(ErrorCode::kUnprocessable, "'lint' must be true or false");
    c.lint = lint->AsBool();
  }
  if (auto ok = internal::ParseContractSettings(body, &c); !ok) {
    return std::unexpected(ok.error());
  }
  if (!c.level && !c.policy && !c.lint && c.NoContractSettings()) {
    return Fail(ErrorCode::kInvalidCompatibilityLevel,
                "Config update needs 'compatibility', 'compatibilityPolicy', 'lint', "
                "'compatibilityGroup', 'validateFields', 'defaultMetadata', "
                "'overrideMetadata', 'defaultRuleSet' and/or 'overrideRuleSet'");
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
  body.Add("message", internal::SanitizeUtf8(e.message));
  r.body = json::ToJson(body);
  return r;
}

namespace {

// Requests that change nothing: GET, and the POSTs that only look up a
// schema (POST /subjects/{s}) or test compatibility (/compatibility/...).
bool IsRead(const HttpRequest& req, const Target& t) {
  if (req.method == "GET") return true;
  if (req.method != "POST" || t.segments.empty()) return false;
  return (t.segments[0] == "subjects" && t.segments.size() == 2) ||
         t.segments[0] == "compatibility";
}

// Probes that say nothing about the data answer without credentials.
bool IsProbe(const HttpRequest& req, const Target& t) {
  return req.method == "GET" && t.segments.size() == 1 &&
         (t.segments[0] == "healthz" || t.segments[0] == "readyz");
}

// The 401 reply: Confluent's body, and a Basic challenge unless the catalog
// page asked (it prompts for a key itself).
HttpResponse Unauthorised(const HttpRequest& req, const RegistryError& e) {
  HttpResponse r = ErrorResponse(RegistryError{ErrorCode::kUnauthorized, e.message});
  if (req.requested_with != "accord-ui") {
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"accord\"");
  }
  r.route = "unauthorized";
  return r;
}

}  // namespace

// Confluent's reply to GET /schemas/ids/{id}: a schema's reply depends only
// on what never changes once it is registered, so the bodies of the most
// read ids are kept serialised (the deprecation headers are added per read).
class Api::ReplyMemo {
 public:
  // `formatted`: the schema in another form (`?format=`), not memoised.
  std::shared_ptr<const std::string> Body(SchemaId id, const StoredSchema& schema,
                                          const std::optional<std::string>& formatted = {}) {
    if (!formatted) {
      if (auto hit = bodies_.Find(id)) return *hit;
    }
    const SchemaRecord& rec = schema.record;
    Value o{json::Object{}};
    if (rec.type != kDefaultSchemaType) o.Add("schemaType", std::string(SchemaTypeName(rec.type)));
    if (!rec.references.empty()) o.Add("references", ReferencesJson(rec.references));
    o.Add("schema", formatted ? *formatted : rec.text);
    if (Value m = JsonTextValue(schema.metadata); !m.IsNull()) o.Add("metadata", m);
    if (Value r = JsonTextValue(schema.rule_set); !r.IsNull()) o.Add("ruleSet", r);
    auto body = std::make_shared<const std::string>(json::ToJson(o));
    if (!formatted) bodies_.Put(id, body);
    return body;
  }

 private:
  // About a schema's text in size each: 10,000 bodies of ~1 KB.
  internal::Lru<SchemaId, std::string> bodies_{10'000};
};

Api::Api(Service& service, ApiOptions options)
    : service_(service), options_(options), schema_replies_(std::make_unique<ReplyMemo>()) {}

Api::~Api() = default;

HttpResponse Api::Authorised(const HttpRequest& req) const {
  // Authentication comes before routing: an unauthenticated caller learns
  // nothing about which subjects, versions or services exist.
  if (options_.authenticator == nullptr) return Dispatch(req, Principal::OpenAdmin());
  auto caller = options_.authenticator->Authenticate(req.authorization);
  if (!caller) return Unauthorised(req, caller.error());
  if (!caller->authenticated && !options_.authenticator->open()) {
    Target t = ParseTarget(req.target);
    (void)ApplyContexts(t);  // a read under /contexts/{ctx}/ is a read (Dispatch refuses a bad one)
    const bool allowed =
        IsProbe(req, t) || (IsRead(req, t) && options_.authenticator->anonymous_read());
    if (!allowed) {
      return Unauthorised(
          req, RegistryError{ErrorCode::kUnauthorized, "Unauthorized: credentials are required"});
    }
  }
  HttpResponse r = Dispatch(req, *caller);
  // A right the anonymous caller lacks (the audit log) asks for credentials.
  if (r.error_code == CodeNumber(ErrorCode::kForbidden) && !caller->authenticated) {
    return Unauthorised(
        req, RegistryError{ErrorCode::kUnauthorized, "Unauthorized: credentials are required"});
  }
  if (caller->authenticated) r.principal = caller->name;
  return r;
}

HttpResponse Api::Handle(const HttpRequest& request) const noexcept {
  const auto start = std::chrono::steady_clock::now();
  HttpResponse r;
  try {
    r = Authorised(request);
    if (r.content_type == kContentTypeV1) r.content_type = ReplyContentType(request.accept);
    if (options_.readers != nullptr && r.read_schema_id != 0 && r.status == 200) {
      options_.readers->Record(SchemaId(r.read_schema_id),
                               r.principal.empty() ? "anonymous" : r.principal, request.user_agent,
                               service_.NowMs());
    }
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

HttpResponse Api::Dispatch(const HttpRequest& req, const Principal& caller) const {
  Target t = ParseTarget(req.target);
  if (auto ok = ApplyContexts(t); !ok) return ErrorResponse(ok.error());
  const std::vector<std::string>& s = t.segments;
  const std::string& m = req.method;
  const bool has_body_method = m == "POST" || m == "PUT";
  if (has_body_method && !AcceptableContentType(req.content_type)) {
    return ErrorResponse(
        RegistryError{ErrorCode::kUnsupportedMediaType, "HTTP 415 Unsupported Media Type"});
  }
  RouteMatch match(m);
  auto is = [&](const char* method, const char* tmpl) { return match.Is(method, tmpl); };
  auto done = [&](HttpResponse r) { return match.Done(std::move(r)); };
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
        return done(Reply(service_.Lookup(s[1], *in, DeletedFlag(t)), [](const SchemaVersion& v) {
          HttpResponse r = JsonReply(SchemaVersionJson(v));
          r.read_schema_id = v.id.value();
          return r;
        }));
      }
      if (is("DELETE", "/subjects/{s}")) {
        const DeleteKind kind = t.Flag("permanent") ? DeleteKind::kPermanent : DeleteKind::kSoft;
        if (ForceFlag(t) == Force::kYes) {
          return done(Reply(service_.Delete(s[1], std::nullopt, kind, caller, Force::kYes),
                            ForcedDeleteReply));
        }
        return done(Reply(service_.DeleteSubject(s[1], kind, caller, Force::kNo),
                          [](const auto& v) { return JsonReply(VersionArray(v)); }));
      }
    } else if (n == 3 && s[2] == "metadata") {
      if (is("GET", "/subjects/{s}/metadata")) {
        std::vector<std::pair<std::string, std::string>> pairs;
        const std::string* key = nullptr;
        for (const auto& [k, v] : t.query) {
          if (k == "key") key = &v;
          if (k == "value" && key != nullptr) {
            pairs.emplace_back(*key, v);
            key = nullptr;
          }
        }
        if (pairs.empty()) {
          return done(ErrorResponse(RegistryError{
              ErrorCode::kBadRequest, "Query parameters 'key' and 'value' are required"}));
        }
        return done(Reply(service_.LatestWithMetadata(s[1], pairs, DeletedFlag(t)),
                          [](const SchemaVersion& v) { return JsonReply(SchemaVersionJson(v)); }));
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
          if (const std::string* owner = t.Param("owner")) in->owner = *owner;  // Accord's
          return done(Reply(service_.Register(s[1], *in, caller), [](const Registered& r) {
            Value o{json::Object{}};
            o.Add("id", r.id.local());
            // The data contract the version settled on (inherited, merged
            // with the config's defaults and overrides), as Confluent's
            // reply carries it; a schema without one keeps the bare {"id"}.
            if (Value m = JsonTextValue(r.metadata); !m.IsNull()) o.Add("metadata", m);
            if (Value rs = JsonTextValue(r.rule_set); !rs.IsNull()) o.Add("ruleSet", rs);
            return JsonReply(o);
          }));
        }
      } else if (n == 4 || (n == 5 && (s[4] == "schema" || s[4] == "referencedby"))) {
        const bool is_get = m == "GET";
        auto version = ParseVersion(s[3]);
        if (n == 4) {
          if (is("GET", "/subjects/{s}/versions/{v}")) {
            if (!version) return done(ErrorResponse(version.error()));
            auto got = service_.GetVersion(s[1], *version, DeletedFlag(t));
            if (got) {
              auto formatted = service_.FormattedSchema(got->id, FormatParam(t));
              if (!formatted) return done(ErrorResponse(formatted.error()));
              if (*formatted) got->schema = std::move(**formatted);
            }
            return done(Reply(std::move(got), [](const SchemaVersion& v) {
              HttpResponse r = JsonReply(SchemaVersionJson(v));
              AddDeprecationHeaders(r, v);
              r.read_schema_id = v.id.value();
              return r;
            }));
          }
          if (is("DELETE", "/subjects/{s}/versions/{v}")) {
            if (!version) return done(ErrorResponse(version.error()));
            const DeleteKind kind =
                t.Flag("permanent") ? DeleteKind::kPermanent : DeleteKind::kSoft;
            if (ForceFlag(t) == Force::kYes) {
              return done(Reply(service_.Delete(s[1], *version, kind, caller, Force::kYes),
                                ForcedDeleteReply));
            }
            return done(Reply(service_.DeleteVersion(s[1], *version, kind, caller, Force::kNo),
                              [](Version v) { return JsonReply(Value(v.value())); }));
          }
        } else if (s[4] == "schema") {
          if (is("GET", "/subjects/{s}/versions/{v}/schema")) {
            if (!version) return done(ErrorResponse(version.error()));
            return done(Reply(service_.GetVersion(s[1], *version, DeletedFlag(t)),
                              [](const SchemaVersion& v) {
                                HttpResponse r = RawSchema(v.schema);
                                AddDeprecationHeaders(r, v);
                                r.read_schema_id = v.id.value();
                                return r;
                              }));
          }
        } else if (is("GET", "/subjects/{s}/versions/{v}/referencedby")) {
          if (!version) return done(ErrorResponse(version.error()));
          return done(Reply(service_.ReferencedBy(s[1], *version), [](const auto& ids) {
            json::Array a;
            for (SchemaId id : ids) a.emplace_back(id.local());
            return JsonReply(Value(std::move(a)));
          }));
        }
        (void)is_get;
      }
    }
  } else if (s[0] == "schemas") {
    if (n == 1) {
      if (is("GET", "/schemas")) {
        auto options = ParseListSchemas(t);
        if (!options) return done(ErrorResponse(options.error()));
        return done(Reply(service_.ListSchemas(*options), [](const auto& versions) {
          json::Array a;
          for (const SchemaVersion& v : versions) a.push_back(SchemaVersionJson(v));
          return JsonReply(Value(std::move(a)));
        }));
      }
    } else if (n == 2 && s[1] == "types") {
      if (is("GET", "/schemas/types")) {
        // The types with a language in the table (compat/language.h), in its
        // order; a type without one is left out.
        std::vector<std::string> types;
        for (const compat::Language* language : compat::Languages()) {
          types.emplace_back(SchemaTypeName(language->type()));
        }
        return done(JsonReply(StringArray(types)));
      }
    } else if (n >= 3 && s[1] == "ids" && n <= 4) {
      // The id is one of the context ?subject= picks (Service::ResolveSchemaId).
      auto id = ParseId(s[2]);
      if (id) {
        const std::string* subject = t.Param("subject");
        id = service_.ResolveSchemaId(
            id->value(), subject ? std::optional<std::string>(*subject) : std::nullopt);
      }
      if (n == 3) {
        if (is("GET", "/schemas/ids/{id}")) {
          if (!id) return done(ErrorResponse(id.error()));
          auto formatted = service_.FormattedSchema(*id, FormatParam(t));
          if (!formatted) return done(ErrorResponse(formatted.error()));
          return done(Reply(service_.GetServedSchema(*id), [&](const ServedSchema& served) {
            HttpResponse reply;
            reply.body = *schema_replies_->Body(*id, *served.schema, *formatted);
            if (served.deprecated) AddDeprecationHeaders(reply, *served.deprecated);
            reply.read_schema_id = id->value();
            return reply;
          }));
        }
      } else if (s[3] == "schema") {
        if (is("GET", "/schemas/ids/{id}/schema")) {
          if (!id) return done(ErrorResponse(id.error()));
          return done(Reply(service_.GetServedSchema(*id), [](const ServedSchema& served) {
            HttpResponse reply = RawSchema(served.schema->record.text);
            if (served.deprecated) AddDeprecationHeaders(reply, *served.deprecated);
            reply.read_schema_id = served.schema->record.id.value();
            return reply;
          }));
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
      return done(Reply(service_.SetConfig(subject, *update, caller), [&](const ConfigRecord&) {
        // Confluent echoes the request's fields.
        Value o{json::Object{}};
        if (update->level) o.Add("compatibility", std::string(compat::LevelName(*update->level)));
        if (update->policy)
          o.Add("compatibilityPolicy", std::string(compat::PolicyName(*update->policy)));
        if (update->lint) o.Add("lint", *update->lint);
        internal::AddContractSettings(*update, &o);
        return JsonReply(o);
      }));
    }
    if (is("DELETE", tmpl)) {
      return done(Reply(service_.DeleteConfig(subject, caller),
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
      return done(Reply(service_.SetMode(subject, *parsed, force, caller),
                        [](Mode md) { return JsonReply(ModeJson(md)); }));
    }
    if (n == 2 && is("DELETE", tmpl)) {
      return done(Reply(service_.DeleteMode(subject, caller),
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
        // 503: not ready (load balancers take the replica out until the
        // store answers again); the body keeps Confluent's shape.
        HttpResponse r = ErrorResponse(RegistryError{ErrorCode::kStoreError, "store unavailable"});
        r.status = 503;
        return done(std::move(r));
      }
      Value o{json::Object{}};
      o.Add("status", "READY");
      return done(JsonReply(o));
    }
  } else if (n == 1 && s[0] == "metrics") {
    if (is("GET", "/metrics")) {
      const Service::Counters counters = service_.GetCounters();
      Metrics::ServiceFigures figures{.store_commits = counters.store_commits,
                                      .store_writes_committed = counters.store_writes_committed,
                                      .parsed_schemas_cached = counters.parsed_schemas_cached};
      if (auto stats = service_.GetStats()) {
        figures.schemas = stats->schemas;
        figures.subjects = stats->subjects;
      }
      HttpResponse r;
      r.content_type = "text/plain; version=0.0.4";
      r.body = metrics_.Render(figures) + UsageMetrics(options_.readers, options_.webhooks);
      return done(std::move(r));
    }
  } else if (n >= 3 && s[0] == "accord" && s[1] == "v1") {
    if (auto r = DispatchUsage(service_, options_.webhooks, req, caller, t, match)) {
      return std::move(*r);
    }
    if (auto r = DispatchCatalog(service_, req, caller, t, match)) return std::move(*r);
  } else if (n == 1 && s[0] == "contexts") {
    if (is("GET", "/contexts")) {
      return done(
          Reply(service_.ListContexts(), [](const auto& v) { return JsonReply(StringArray(v)); }));
    }
  } else if (n == 2 && s[0] == "contexts") {
    if (is("DELETE", "/contexts/{ctx}")) {
      // 204 and no body, as the Confluent-compatible registries answer it.
      auto r = service_.DeleteContext(s[1], caller);
      if (!r) return done(ErrorResponse(r.error()));
      HttpResponse ok;
      ok.status = 204;
      return done(std::move(ok));
    }
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
  if (match.path_known()) {
    HttpResponse r =
        ErrorResponse(RegistryError{ErrorCode::kMethodNotAllowed, "HTTP 405 Method Not Allowed"});
    r.route = "method-not-allowed";
    return r;
  }
  return ErrorResponse(RegistryError{ErrorCode::kRouteNotFound, "HTTP 404 Not Found"});
}

}  // namespace accord::registry

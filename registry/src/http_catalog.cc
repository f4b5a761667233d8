// Thin handlers of Accord's catalog API (/accord/v1/..., docs/catalog-api.md
// and http_api.h): parse the wire request, call the Service, render the
// reply. Every rule lives in the Service (catalog.cc).
#include <charconv>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http_common.h"
#include "service_internal.h"

namespace accord::registry::http {
namespace {

using json::Value;

std::unexpected<RegistryError> BadMetadata(std::string message) {
  return Fail(ErrorCode::kInvalidCatalogMetadata, std::move(message));
}

// 42210 for a member not in `allowed`.
RegistryResult<void> OnlyMembers(const Value& body, std::initializer_list<std::string_view> allowed,
                                 std::string_view what) {
  for (const json::Member& m : body.AsObject()) {
    if (std::find(allowed.begin(), allowed.end(), m.key) == allowed.end()) {
      return BadMetadata(std::string(what) + ": unknown member '" + m.key.substr(0, 64) + "'");
    }
  }
  return {};
}

// An optional string member ("" when absent or null); 42210 for another type.
RegistryResult<std::string> StringMember(const Value& o, const char* key, std::string_view what) {
  const Value* v = o.Find(key);
  if (v == nullptr || v->IsNull()) return std::string();
  if (!v->IsString()) return BadMetadata(std::string(what) + ": '" + key + "' must be a string");
  return v->AsString();
}

// An optional array member of strings; 42210 for another shape.
RegistryResult<std::vector<std::string>> StringsMember(const Value& o, const char* key,
                                                       std::string_view what) {
  std::vector<std::string> out;
  const Value* v = o.Find(key);
  if (v == nullptr || v->IsNull()) return out;
  if (!v->IsArray()) return BadMetadata(std::string(what) + ": '" + key + "' must be an array");
  for (const Value& e : v->AsArray()) {
    if (!e.IsString()) {
      return BadMetadata(std::string(what) + ": '" + key + "' must hold strings only");
    }
    out.push_back(e.AsString());
  }
  return out;
}

// A positive version number in a JSON body; 42210 otherwise.
RegistryResult<Version> VersionMember(const Value& v, std::string_view what) {
  if (!v.IsInteger() || !v.AsNumber().IsInt() || v.AsNumber().AsInt() < 1 ||
      v.AsNumber().AsInt() > 2147483647) {
    return BadMetadata(std::string(what) + " must be a version number (1..2^31-1)");
  }
  return Version(static_cast<std::int32_t>(v.AsNumber().AsInt()));
}

// A consumer's `versions`: "all", [] (all), [1, 2] or ">=N".
RegistryResult<void> ParseAcceptedVersions(const Value& vs, ConsumedSubject& entry) {
  auto bad = [] {
    return BadMetadata("consumes: 'versions' must be \"all\", a list of versions or \">=N\"");
  };
  if (vs.IsString()) {
    std::string_view text = vs.AsString();
    if (text == "all") return {};
    if (!text.starts_with(">=")) return bad();
    text.remove_prefix(2);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    std::int32_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1) return bad();
    entry.min_version = Version(n);
    return {};
  }
  if (!vs.IsArray()) return bad();
  for (const Value& v : vs.AsArray()) {
    auto version = VersionMember(v, "consumes: each of 'versions'");
    if (!version) return std::unexpected(version.error());
    entry.versions.push_back(*version);
  }
  return {};
}

// A consumer's `references`: [{"name": import path, "schema": text}], the
// files its reader imports (ConsumedSubject::references).
RegistryResult<void> ParseReaderReferences(const Value& refs, ConsumedSubject& entry) {
  if (!refs.IsArray()) return BadMetadata("consumes: 'references' must be an array");
  for (const Value& r : refs.AsArray()) {
    if (!r.IsObject()) {
      return BadMetadata("consumes: each of 'references' must be {\"name\", \"schema\"}");
    }
    if (auto ok = OnlyMembers(r, {"name", "schema"}, "consumes: references"); !ok) {
      return std::unexpected(ok.error());
    }
    auto name = StringMember(r, "name", "consumes: references");
    if (!name) return std::unexpected(name.error());
    auto schema = StringMember(r, "schema", "consumes: references");
    if (!schema) return std::unexpected(schema.error());
    entry.references.push_back(ReaderReference{std::move(*name), std::move(*schema)});
  }
  return {};
}

// A consumer's reader, its references (when it has any) and accepted
// versions, onto `o` (a service's consumes entry, a subject's consumer).
void AddReader(Value& o, const ConsumedSubject& c) {
  o.Add("schema", c.schema);
  if (!c.references.empty()) {
    json::Array refs;
    for (const ReaderReference& r : c.references) {
      Value ref{json::Object{}};
      ref.Add("name", r.name);
      ref.Add("schema", r.schema);
      refs.push_back(std::move(ref));
    }
    o.Add("references", Value(std::move(refs)));
  }
}

// The wire form of accepted versions: [] (all), [1, 2] or ">=N".
Value AcceptedVersionsJson(const ConsumedSubject& c) {
  if (c.min_version) return Value(">=" + std::to_string(c.min_version->value()));
  return VersionArray(c.versions);
}

// PUT .../metadata: {owner, description, tags, links: [{name, url}], sla:
// {name: target}, message}; members left out keep their stored value.
RegistryResult<MetadataUpdate> ParseMetadata(const Value& body) {
  constexpr std::string_view kWhat = "metadata";
  if (auto ok =
          OnlyMembers(body, {"owner", "description", "tags", "links", "sla", "message"}, kWhat);
      !ok) {
    return std::unexpected(ok.error());
  }
  MetadataUpdate m;
  auto given = [&](const char* key) { return body.Find(key) != nullptr; };
  if (given("owner")) {
    auto owner = StringMember(body, "owner", kWhat);
    if (!owner) return std::unexpected(owner.error());
    m.owner = std::move(*owner);
  }
  if (given("description")) {
    auto description = StringMember(body, "description", kWhat);
    if (!description) return std::unexpected(description.error());
    m.description = std::move(*description);
  }
  if (given("message")) {
    auto message = StringMember(body, "message", kWhat);
    if (!message) return std::unexpected(message.error());
    m.message = std::move(*message);
  }
  if (given("tags")) {
    auto tags = StringsMember(body, "tags", kWhat);
    if (!tags) return std::unexpected(tags.error());
    m.tags = std::move(*tags);
  }
  if (const Value* links = body.Find("links"); links != nullptr) {
    m.links.emplace();
    if (!links->IsArray() && !links->IsNull()) {
      return BadMetadata("metadata: 'links' must be an array");
    }
    for (const Value& l : links->IsArray() ? links->AsArray() : json::Array{}) {
      if (!l.IsObject()) return BadMetadata("metadata: each link must be {\"name\", \"url\"}");
      if (auto ok = OnlyMembers(l, {"name", "url"}, "link"); !ok)
        return std::unexpected(ok.error());
      auto name = StringMember(l, "name", "link");
      if (!name) return std::unexpected(name.error());
      auto url = StringMember(l, "url", "link");
      if (!url) return std::unexpected(url.error());
      m.links->push_back(CatalogLink{std::move(*name), std::move(*url)});
    }
  }
  if (const Value* sla = body.Find("sla"); sla != nullptr) {
    m.sla.emplace();
    if (!sla->IsObject() && !sla->IsNull()) return BadMetadata("metadata: 'sla' must be an object");
    for (const json::Member& e : sla->IsObject() ? sla->AsObject() : json::Object{}) {
      if (!e.value.IsString()) {
        return BadMetadata("metadata: SLA '" + e.key.substr(0, 64) + "' must be a string");
      }
      m.sla->emplace_back(e.key, e.value.AsString());
    }
  }
  return m;
}

// PUT .../deprecation: {sunset, reason, replacement}.
RegistryResult<DeprecationRequest> ParseDeprecation(const Value& body) {
  constexpr std::string_view kWhat = "deprecation";
  if (auto ok = OnlyMembers(body, {"sunset", "reason", "replacement"}, kWhat); !ok) {
    return std::unexpected(ok.error());
  }
  DeprecationRequest d;
  auto sunset = StringMember(body, "sunset", kWhat);
  if (!sunset) return std::unexpected(sunset.error());
  if (sunset->empty()) return BadMetadata("deprecation: 'sunset' (YYYY-MM-DD) is required");
  d.sunset = std::move(*sunset);
  auto reason = StringMember(body, "reason", kWhat);
  if (!reason) return std::unexpected(reason.error());
  d.reason = std::move(*reason);
  if (const Value* r = body.Find("replacement"); r != nullptr && !r->IsNull()) {
    auto v = VersionMember(*r, "deprecation: 'replacement'");
    if (!v) return std::unexpected(v.error());
    d.replacement = *v;
  }
  return d;
}

}  // namespace

// PUT /accord/v1/services/{name}: {name?, owner, produces: [subject],
// consumes: [{subject, schemaType, schema, references?: [{name, schema}],
// versions}]}.
RegistryResult<ServiceRecord> ParseServiceDeclaration(const Value& body, const std::string& name) {
  constexpr std::string_view kWhat = "service";
  if (auto ok = OnlyMembers(body, {"name", "owner", "produces", "consumes"}, kWhat); !ok) {
    return std::unexpected(ok.error());
  }
  ServiceRecord out;
  out.name = name;
  auto given = StringMember(body, "name", kWhat);
  if (!given) return std::unexpected(given.error());
  if (!given->empty() && *given != name) {
    return BadMetadata("service: 'name' does not match the path (" + given->substr(0, 64) + ")");
  }
  auto owner = StringMember(body, "owner", kWhat);
  if (!owner) return std::unexpected(owner.error());
  out.owner = std::move(*owner);
  auto produces = StringsMember(body, "produces", kWhat);
  if (!produces) return std::unexpected(produces.error());
  for (std::string& p : *produces) out.produces.emplace_back(std::move(p));
  const Value* consumes = body.Find("consumes");
  if (consumes == nullptr || consumes->IsNull()) return out;
  if (!consumes->IsArray()) return BadMetadata("service: 'consumes' must be an array");
  for (const Value& c : consumes->AsArray()) {
    if (!c.IsObject()) return BadMetadata("service: each 'consumes' entry must be an object");
    if (auto ok = OnlyMembers(c, {"subject", "schemaType", "schema", "references", "versions"},
                              "consumes");
        !ok) {
      return std::unexpected(ok.error());
    }
    ConsumedSubject entry;
    auto subject = StringMember(c, "subject", "consumes");
    if (!subject) return std::unexpected(subject.error());
    if (subject->empty()) return BadMetadata("consumes: 'subject' is required");
    entry.subject = SubjectName(std::move(*subject));
    auto type = StringMember(c, "schemaType", "consumes");
    if (!type) return std::unexpected(type.error());
    if (!type->empty()) {
      auto parsed = SchemaTypeFromString(*type);
      if (!parsed) {
        return Fail(ErrorCode::kInvalidSchema, "Invalid schema: unknown schemaType '" +
                                                   type->substr(0, 64) +
                                                   "' (expected AVRO, JSON or PROTOBUF)");
      }
      entry.type = *parsed;
    }
    auto schema = StringMember(c, "schema", "consumes");
    if (!schema) return std::unexpected(schema.error());
    entry.schema = std::move(*schema);
    if (const Value* refs = c.Find("references"); refs != nullptr && !refs->IsNull()) {
      auto ok = ParseReaderReferences(*refs, entry);
      if (!ok) return std::unexpected(ok.error());
    }
    if (const Value* vs = c.Find("versions"); vs != nullptr && !vs->IsNull()) {
      auto ok = ParseAcceptedVersions(*vs, entry);
      if (!ok) return std::unexpected(ok.error());
    }
    out.consumes.push_back(std::move(entry));
  }
  return out;
}

namespace {

// --- replies ---------------------------------------------------------------------

Value MetadataJson(const SubjectMetadata& m) { return internal::MetadataToValue(m); }

// A version in the catalog API: always with schemaType and state; the
// deprecation fields when deprecated; the schema text when `with_schema`.
Value CatalogVersionJson(const SchemaVersion& v, bool with_schema) {
  Value o{json::Object{}};
  o.Add("subject", v.subject.str());
  o.Add("version", v.version.value());
  o.Add("id", v.id.local());  // within the subject's context
  o.Add("schemaType", std::string(SchemaTypeName(v.type)));
  if (with_schema) {
    o.Add("schema", v.schema);
    if (!v.references.empty()) o.Add("references", ReferencesJson(v.references));
  }
  o.Add("state", std::string(LifecycleName(v.state)));
  o.Add("registeredAt", v.registered_ms);
  if (v.deprecation) {
    o.Add("sunset", v.deprecation->sunset);
    o.Add("reason", v.deprecation->reason);
    if (v.deprecation->replacement) o.Add("replacement", v.deprecation->replacement->value());
    o.Add("deprecatedAt", v.deprecation->deprecated_ms);
  }
  return o;
}

Value ConsumerJson(const SubjectConsumer& c) {
  Value o{json::Object{}};
  o.Add("service", c.service);
  o.Add("owner", c.owner);
  o.Add("subject", c.declaration.subject.str());
  o.Add("schemaType", std::string(SchemaTypeName(c.declaration.type)));
  AddReader(o, c.declaration);
  o.Add("versions", AcceptedVersionsJson(c.declaration));
  return o;
}

}  // namespace

Value ServiceJson(const ServiceRecord& s) {
  Value o{json::Object{}};
  o.Add("name", s.name);
  o.Add("owner", s.owner);
  std::vector<std::string> produces;
  for (const SubjectName& p : s.produces) produces.push_back(p.str());
  o.Add("produces", StringArray(produces));
  json::Array consumes;
  for (const ConsumedSubject& c : s.consumes) {
    Value e{json::Object{}};
    e.Add("subject", c.subject.str());
    e.Add("schemaType", std::string(SchemaTypeName(c.type)));
    AddReader(e, c);
    e.Add("versions", AcceptedVersionsJson(c));
    consumes.push_back(std::move(e));
  }
  o.Add("consumes", Value(std::move(consumes)));
  o.Add("updatedAt", s.updated_ms);
  return o;
}

namespace {

Value DiffJson(const std::string& subject, const SchemaDiff& d) {
  Value o{json::Object{}};
  o.Add("subject", subject);
  if (d.from.value() != 0) o.Add("from", d.from.value());
  o.Add("to", d.to.value());
  o.Add("compatibility", d.compatibility);
  json::Array changes;
  for (const SchemaChange& c : d.changes) {
    Value e{json::Object{}};
    e.Add("kind", c.kind);
    e.Add("severity", std::string(compat::SeverityName(c.severity)));
    e.Add("direction", c.direction == compat::Direction::kNone
                           ? Value(nullptr)
                           : Value(std::string(compat::DirectionName(c.direction))));
    e.Add("message", c.message);
    e.Add("advice", c.advice.empty() ? Value(nullptr) : Value(c.advice));
    e.Add("oldPath", c.old_path);
    e.Add("newPath", c.new_path);
    // Only for a pointer into a referenced schema (its reference's name).
    if (!c.old_document.empty()) e.Add("oldDocument", c.old_document);
    if (!c.new_document.empty()) e.Add("newDocument", c.new_document);
    changes.push_back(std::move(e));
  }
  o.Add("changes", Value(std::move(changes)));
  return o;
}

Value AuditJson(const std::vector<AuditRecord>& rows) {
  json::Array a;
  for (const AuditRecord& rec : rows) {
    Value o{json::Object{}};
    o.Add("seq", rec.seq);
    o.Add("ts", rec.ts_ms);
    o.Add("actor", rec.actor);
    o.Add("action", rec.action);
    if (!rec.subject.empty()) o.Add("subject", rec.subject);
    if (rec.version != 0) o.Add("version", rec.version);
    if (rec.schema_id != 0) o.Add("id", SchemaId(rec.schema_id).local());
    if (Value detail = JsonTextValue(rec.detail); !detail.IsNull()) o.Add("detail", detail);
    a.push_back(std::move(o));
  }
  return Value(std::move(a));
}

// A non-negative integer query parameter (400 otherwise).
RegistryResult<std::int64_t> Count(const Target& t, const char* key, std::int64_t fallback) {
  const std::string* p = t.Param(key);
  if (p == nullptr) return fallback;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), n);
  if (ec != std::errc() || end != p->data() + p->size() || n < 0) {
    return BadRequest(std::string("Invalid query parameter ") + key);
  }
  return n;
}

// GET /accord/v1/audit?after=&limit=&subject=&actor=&since=&until= (Unix ms).
HttpResponse Audit(Service& service, const Principal& caller, const Target& t) {
  AuditQuery q;
  auto after = Count(t, "after", 0);
  if (!after) return ErrorResponse(after.error());
  auto limit = Count(t, "limit", 100);
  if (!limit) return ErrorResponse(limit.error());
  q.after_seq = *after;
  q.limit = static_cast<std::size_t>(std::min<std::int64_t>(*limit, 1000));
  if (const std::string* p = t.Param("subject")) q.subject = *p;
  if (const std::string* p = t.Param("actor")) q.actor = *p;
  for (auto [key, field] : {std::pair{"since", &q.since_ms}, std::pair{"until", &q.until_ms}}) {
    if (t.Param(key) == nullptr) continue;
    auto ms = Count(t, key, 0);
    if (!ms) return ErrorResponse(ms.error());
    *field = *ms;
  }
  return Reply(service.Audit(q, caller),
               [](const auto& rows) { return JsonReply(AuditJson(rows)); });
}

HttpResponse Search(Service& service, const Target& t) {
  CatalogQuery q;
  if (const std::string* p = t.Param("q")) q.q = *p;
  if (const std::string* p = t.Param("owner")) q.owner = *p;
  if (const std::string* p = t.Param("tag")) q.tag = *p;
  if (const std::string* p = t.Param("type"); p != nullptr && !p->empty()) {
    q.type = SchemaTypeFromString(*p);
    if (!q.type) {
      return ErrorResponse(
          RegistryError{ErrorCode::kInvalidCatalogMetadata,
                        "Invalid type '" + p->substr(0, 32) + "' (expected JSON or AVRO)"});
    }
  }
  if (const std::string* p = t.Param("state"); p != nullptr && !p->empty()) {
    q.state = LifecycleFromString(*p);
    if (!q.state) {
      return ErrorResponse(RegistryError{
          ErrorCode::kInvalidCatalogMetadata,
          "Invalid state '" + p->substr(0, 32) + "' (expected ACTIVE, DEPRECATED or RETIRED)"});
    }
  }
  return Reply(service.SearchCatalog(q), [](const auto& rows) {
    json::Array a;
    for (const CatalogSummary& r : rows) {
      Value o{json::Object{}};
      o.Add("subject", r.subject.str());
      o.Add("owner", r.metadata.owner);
      o.Add("description", r.metadata.description);
      o.Add("tags", StringArray(r.metadata.tags));
      o.Add("schemaType", std::string(SchemaTypeName(r.latest.type)));
      o.Add("latestVersion", r.latest.version.value());
      o.Add("id", r.latest.id.local());
      o.Add("state", std::string(LifecycleName(r.latest.state)));
      std::vector<std::string> states;
      for (Lifecycle l : r.states) states.emplace_back(LifecycleName(l));
      o.Add("states", StringArray(states));
      a.push_back(std::move(o));
    }
    return JsonReply(Value(std::move(a)));
  });
}

// GET /accord/v1/fields?name=&tag=&owner=
HttpResponse FieldSearch(Service& service, const Target& t) {
  FieldQuery q;
  if (const std::string* p = t.Param("name")) q.name = *p;
  if (const std::string* p = t.Param("tag")) q.tag = *p;
  if (const std::string* p = t.Param("owner")) q.owner = *p;
  return Reply(service.SearchFields(q), [](const auto& rows) {
    json::Array a;
    for (const FieldSearchRow& r : rows) {
      Value o{json::Object{}};
      o.Add("subject", r.subject.str());
      o.Add("owner", r.owner);
      o.Add("schemaType", std::string(SchemaTypeName(r.type)));
      o.Add("latestVersion", r.latest.value());
      json::Array fields;
      for (const FieldMatch& m : r.fields) {
        Value f{json::Object{}};
        f.Add("path", m.path);
        f.Add("type", m.type);
        f.Add("pii", m.pii);
        f.Add("versions", VersionArray(m.versions));
        fields.push_back(std::move(f));
      }
      o.Add("fields", Value(std::move(fields)));
      a.push_back(std::move(o));
    }
    return JsonReply(Value(std::move(a)));
  });
}

// GET /accord/v1/map: the catalog as a graph, without schema texts.
HttpResponse Map(Service& service) {
  return Reply(service.GetCatalogMap(), [](const CatalogMap& m) {
    json::Array events;
    for (const MapEvent& e : m.events) {
      Value o{json::Object{}};
      o.Add("subject", e.subject.str());
      o.Add("owner", e.owner);
      o.Add("schemaType", std::string(SchemaTypeName(e.type)));
      json::Array versions;
      for (const auto& [v, state] : e.versions) {
        Value x{json::Object{}};
        x.Add("version", v.value());
        x.Add("state", std::string(LifecycleName(state)));
        versions.push_back(std::move(x));
      }
      o.Add("versions", Value(std::move(versions)));
      events.push_back(std::move(o));
    }
    json::Array services;
    for (const ServiceRecord& s : m.services) {
      Value o{json::Object{}};
      o.Add("name", s.name);
      o.Add("owner", s.owner);
      std::vector<std::string> produces;
      for (const SubjectName& p : s.produces) produces.push_back(p.str());
      o.Add("produces", StringArray(produces));
      json::Array consumes;
      for (const ConsumedSubject& c : s.consumes) {
        Value e{json::Object{}};
        e.Add("subject", c.subject.str());
        e.Add("versions", AcceptedVersionsJson(c));
        consumes.push_back(std::move(e));
      }
      o.Add("consumes", Value(std::move(consumes)));
      services.push_back(std::move(o));
    }
    Value o{json::Object{}};
    o.Add("events", Value(std::move(events)));
    o.Add("services", Value(std::move(services)));
    return JsonReply(o);
  });
}

HttpResponse SubjectPage(Service& service, const std::string& subject) {
  return Reply(service.GetCatalogSubject(subject), [&](const CatalogSubject& c) {
    Value o = MetadataJson(c.metadata);
    o.Add("subject", c.subject.str());
    o.Add("schemaType", std::string(SchemaTypeName(c.versions.back().type)));
    o.Add("latestVersion", c.versions.back().version.value());
    json::Array versions;
    for (const SchemaVersion& v : c.versions) versions.push_back(CatalogVersionJson(v, false));
    o.Add("versions", Value(std::move(versions)));
    o.Add("piiFields", StringArray(c.pii_fields));
    json::Array consumers;
    for (const SubjectConsumer& s : c.consumers) consumers.push_back(ConsumerJson(s));
    o.Add("consumers", Value(std::move(consumers)));
    o.Add("producers", StringArray(c.producers));
    o.Add("warnings", RetiredWarnings(service, subject));
    return JsonReply(o);
  });
}

HttpResponse Calendar(Service& service) {
  return Reply(service.DeprecationCalendar(), [](const auto& rows) {
    json::Array a;
    for (const CalendarEntry& e : rows) {
      Value o = CatalogVersionJson(e.version, false);
      o.Add("consumers", StringArray(e.consumers));
      a.push_back(std::move(o));
    }
    return JsonReply(Value(std::move(a)));
  });
}

HttpResponse DiffReply(Service& service, const std::string& subject, const Target& t) {
  std::optional<VersionSelector> from;
  VersionSelector to = VersionSelector::Latest();
  if (const std::string* p = t.Param("from")) {
    auto v = ParseVersion(*p);
    if (!v) return ErrorResponse(v.error());
    from = *v;
  }
  if (const std::string* p = t.Param("to")) {
    auto v = ParseVersion(*p);
    if (!v) return ErrorResponse(v.error());
    to = *v;
  }
  return Reply(service.Diff(subject, from, to),
               [&](const SchemaDiff& d) { return JsonReply(DiffJson(subject, d)); });
}

// /accord/v1/subjects/{s}/versions/{v}[/deprecation|/fields]
std::optional<HttpResponse> VersionRoutes(Service& service, const HttpRequest& req,
                                          const Principal& caller,
                                          const std::vector<std::string>& s, RouteMatch& match) {
  const std::size_t n = s.size();
  const std::string& subject = s[3];
  auto version = ParseVersion(s[5]);
  auto render = [](const SchemaVersion& v) { return JsonReply(CatalogVersionJson(v, true)); };
  if (n == 6) {
    if (match.Is("GET", "/accord/v1/subjects/{s}/versions/{v}")) {
      if (!version) return ErrorResponse(version.error());
      return Reply(service.GetVersion(subject, *version), render);
    }
  } else if (n == 7 && s[6] == "deprecation") {
    if (match.Is("PUT", "/accord/v1/subjects/{s}/versions/{v}/deprecation")) {
      if (!version) return ErrorResponse(version.error());
      auto body = ParseBody(req);
      if (!body) return ErrorResponse(body.error());
      auto request = ParseDeprecation(*body);
      if (!request) return ErrorResponse(request.error());
      return Reply(service.Deprecate(subject, *version, *request, caller), render);
    }
    if (match.Is("DELETE", "/accord/v1/subjects/{s}/versions/{v}/deprecation")) {
      if (!version) return ErrorResponse(version.error());
      return Reply(service.Undeprecate(subject, *version, caller), render);
    }
  } else if (n == 7 && s[6] == "fields") {
    if (match.Is("GET", "/accord/v1/subjects/{s}/versions/{v}/fields")) {
      if (!version) return ErrorResponse(version.error());
      return Reply(service.Fields(subject, *version), [](const auto& fields) {
        json::Array a;
        for (const FieldInfo& f : fields) {
          Value o{json::Object{}};
          o.Add("path", f.path);
          o.Add("type", f.type);
          o.Add("required", f.required);
          o.Add("pii", f.pii);
          if (!f.description.empty()) o.Add("description", f.description);
          // Protobuf's rows only: the other languages have no field numbers.
          if (f.number != 0) {
            o.Add("number", f.number);
            o.Add("label", f.label);
            if (!f.oneof.empty()) o.Add("oneof", f.oneof);
          }
          a.push_back(std::move(o));
        }
        return JsonReply(Value(std::move(a)));
      });
    }
  }
  return std::nullopt;
}

// /accord/v1/subjects/{s}[/...]
std::optional<HttpResponse> SubjectRoutes(Service& service, const HttpRequest& req,
                                          const Principal& caller, const Target& t,
                                          RouteMatch& match) {
  const std::vector<std::string>& s = t.segments;
  const std::size_t n = s.size();
  const std::string& subject = s[3];
  if (n == 4) {
    if (match.Is("GET", "/accord/v1/subjects/{s}")) return SubjectPage(service, subject);
  } else if (n >= 6 && s[4] == "versions") {
    return VersionRoutes(service, req, caller, s, match);
  } else if (n == 5 && s[4] == "metadata") {
    if (match.Is("GET", "/accord/v1/subjects/{s}/metadata")) {
      return Reply(service.GetSubjectMetadata(subject),
                   [](const SubjectMetadata& m) { return JsonReply(MetadataJson(m)); });
    }
    if (match.Is("PUT", "/accord/v1/subjects/{s}/metadata")) {
      auto body = ParseBody(req);
      if (!body) return ErrorResponse(body.error());
      auto m = ParseMetadata(*body);
      if (!m) return ErrorResponse(m.error());
      return Reply(service.UpdateSubjectMetadata(subject, *m, caller),
                   [](const SubjectMetadata& stored) { return JsonReply(MetadataJson(stored)); });
    }
  } else if (n == 5 && s[4] == "consumers") {
    if (match.Is("GET", "/accord/v1/subjects/{s}/consumers")) {
      return Reply(service.ConsumersOf(subject), [](const auto& rows) {
        json::Array a;
        for (const SubjectConsumer& c : rows) a.push_back(ConsumerJson(c));
        return JsonReply(Value(std::move(a)));
      });
    }
  } else if (n == 5 && s[4] == "diff") {
    if (match.Is("GET", "/accord/v1/subjects/{s}/diff")) return DiffReply(service, subject, t);
  } else if (n == 5 && s[4] == "changelog") {
    if (match.Is("GET", "/accord/v1/subjects/{s}/changelog")) {
      return Reply(service.Changelog(subject), [&](const auto& diffs) {
        json::Array a;
        for (const SchemaDiff& d : diffs) a.push_back(DiffJson(subject, d));
        return JsonReply(Value(std::move(a)));
      });
    }
  }
  return std::nullopt;
}

// /accord/v1/services[/{name}]
std::optional<HttpResponse> ServiceRoutes(Service& service, const HttpRequest& req,
                                          const Principal& caller, const Target& t,
                                          RouteMatch& match) {
  const std::vector<std::string>& s = t.segments;
  auto render = [](const ServiceRecord& r) { return JsonReply(ServiceJson(r)); };
  if (s.size() == 3) {
    if (match.Is("GET", "/accord/v1/services")) {
      return Reply(service.ListServiceDeclarations(), [](const auto& rows) {
        json::Array a;
        for (const ServiceRecord& r : rows) a.push_back(ServiceJson(r));
        return JsonReply(Value(std::move(a)));
      });
    }
    return std::nullopt;
  }
  if (s.size() != 4) return std::nullopt;
  const std::string& name = s[3];
  if (match.Is("GET", "/accord/v1/services/{name}")) {
    return Reply(service.GetServiceDeclaration(name), render);
  }
  if (match.Is("PUT", "/accord/v1/services/{name}")) {
    auto body = ParseBody(req);
    if (!body) return ErrorResponse(body.error());
    auto decl = ParseServiceDeclaration(*body, name);
    if (!decl) return ErrorResponse(decl.error());
    return Reply(service.PutServiceDeclaration(*decl, caller),
                 [](const PutServiceResult& r) { return JsonReply(ServiceJson(r.service)); });
  }
  if (match.Is("DELETE", "/accord/v1/services/{name}")) {
    return Reply(service.DeleteServiceDeclaration(name, caller), render);
  }
  return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> DispatchCatalog(Service& service, const HttpRequest& req,
                                            const Principal& caller, const Target& t,
                                            RouteMatch& match) {
  const std::vector<std::string>& s = t.segments;
  const std::size_t n = s.size();
  std::optional<HttpResponse> r;
  if (n == 3 && s[2] == "audit") {
    if (match.Is("GET", "/accord/v1/audit")) r = Audit(service, caller, t);
  } else if (n == 3 && s[2] == "deprecations") {
    if (match.Is("GET", "/accord/v1/deprecations")) r = Calendar(service);
  } else if (n == 3 && s[2] == "subjects") {
    if (match.Is("GET", "/accord/v1/subjects")) r = Search(service, t);
  } else if (n == 3 && s[2] == "catalog") {
    // The catalog page's name for the same search.
    if (match.Is("GET", "/accord/v1/catalog")) r = Search(service, t);
  } else if (n == 3 && s[2] == "fields") {
    if (match.Is("GET", "/accord/v1/fields")) r = FieldSearch(service, t);
  } else if (n == 3 && s[2] == "map") {
    if (match.Is("GET", "/accord/v1/map")) r = Map(service);
  } else if (n >= 4 && s[2] == "subjects") {
    r = SubjectRoutes(service, req, caller, t, match);
  } else if (s[2] == "services" && n >= 5 && s[4] == "versions") {
    r = DeploymentRoutes(service, req, caller, t, match);
  } else if (s[2] == "services") {
    r = ServiceRoutes(service, req, caller, t, match);
  } else if (s[2] == "environments") {
    r = DeploymentRoutes(service, req, caller, t, match);
  }
  if (r) return match.Done(std::move(*r));
  return std::nullopt;
}

}  // namespace accord::registry::http

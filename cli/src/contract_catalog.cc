#include "contract_catalog.h"

#include <algorithm>
#include <set>

namespace accord::cli {
namespace {

std::unexpected<ClientError> BadReply(const RegistryClient& client, std::string what) {
  ClientError e;
  e.kind = ClientError::Kind::kBadReply;
  e.registry = client.base_url();
  e.message = std::move(what);
  return std::unexpected(std::move(e));
}

std::string StringMember(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.Find(key);
  return v != nullptr && v->IsString() ? v->AsString() : std::string();
}

std::vector<std::string> StringList(const json::Value& obj, std::string_view key) {
  std::vector<std::string> out;
  const json::Value* v = obj.Find(key);
  if (v == nullptr || !v->IsArray()) return out;
  for (const json::Value& item : v->AsArray()) {
    if (item.IsString()) out.push_back(item.AsString());
  }
  return out;
}

// absent, null, [] and "all" are all versions.
std::optional<VersionSelector> WireVersions(const json::Value& obj) {
  const json::Value* v = obj.Find("versions");
  if (v == nullptr || v->IsNull() || (v->IsArray() && v->AsArray().empty())) {
    return VersionSelector{};
  }
  return ParseVersionSelector(*v);
}

json::Value ReaderToJson(const PublishedReader& r) {
  json::Value o{json::Object{}};
  o.Add("subject", r.subject);
  o.Add("schemaType", r.schema_type);
  o.Add("schema", r.schema);
  if (!r.references.empty()) {
    json::Array refs;
    for (const ReaderReference& ref : r.references) {
      json::Value e{json::Object{}};
      e.Add("name", ref.name);
      e.Add("schema", ref.schema);
      refs.push_back(std::move(e));
    }
    o.Add("references", json::Value(std::move(refs)));
  }
  o.Add("versions", r.versions.kind == VersionSelector::Kind::kAll ? json::Value(json::Array{})
                                                                   : r.versions.ToJson());
  return o;
}

std::optional<PublishedReader> ReaderFromJson(const json::Value& v) {
  if (!v.IsObject()) return std::nullopt;
  PublishedReader r;
  r.subject = StringMember(v, "subject");
  r.service = StringMember(v, "service");
  r.owner = StringMember(v, "owner");
  r.schema_type = StringMember(v, "schemaType");
  if (r.schema_type.empty()) r.schema_type = "AVRO";  // Confluent's default
  r.schema = StringMember(v, "schema");
  if (const json::Value* refs = v.Find("references"); refs != nullptr && !refs->IsNull()) {
    if (!refs->IsArray()) return std::nullopt;
    for (const json::Value& ref : refs->AsArray()) {
      if (!ref.IsObject()) return std::nullopt;
      r.references.push_back(
          ReaderReference{StringMember(ref, "name"), StringMember(ref, "schema")});
    }
  }
  auto versions = WireVersions(v);
  if (!versions) return std::nullopt;
  r.versions = *versions;
  return r;
}

std::string SubjectPath(std::string_view subject) {
  return "/accord/v1/subjects/" + RegistryClient::Segment(subject);
}

}  // namespace

json::Value PublishedService::ToJson() const {
  json::Value o{json::Object{}};
  o.Add("name", name);
  o.Add("owner", owner);
  json::Array p;
  for (const std::string& s : produces) p.emplace_back(s);
  o.Add("produces", json::Value(std::move(p)));
  json::Array c;
  for (const PublishedReader& r : consumes) c.push_back(ReaderToJson(r));
  o.Add("consumes", json::Value(std::move(c)));
  return o;
}

json::Value PublishedContract::ToJson() const {
  json::Value o{json::Object{}};
  o.Add("owner", owner);
  json::Array p;
  for (const PublishedProduced& e : produces) {
    json::Value item{json::Object{}};
    item.Add("subject", e.subject);
    item.Add("id", e.id);
    p.push_back(std::move(item));
  }
  o.Add("produces", json::Value(std::move(p)));
  json::Array c;
  for (const PublishedReader& r : consumes) c.push_back(ReaderToJson(r));
  o.Add("consumes", json::Value(std::move(c)));
  return o;
}

namespace {

// A contract from its wire form (a contract version, or a deployment of the
// environment reply); nullopt when malformed.
std::optional<PublishedContract> ContractFromJson(const json::Value& v) {
  if (!v.IsObject()) return std::nullopt;
  PublishedContract c;
  c.service = StringMember(v, "service");
  c.version = StringMember(v, "version");
  c.owner = StringMember(v, "owner");
  if (const json::Value* p = v.Find("produces"); p != nullptr && p->IsArray()) {
    for (const json::Value& e : p->AsArray()) {
      const json::Value* id = e.IsObject() ? e.Find("id") : nullptr;
      if (id == nullptr || !id->IsInteger()) return std::nullopt;
      c.produces.push_back(PublishedProduced{StringMember(e, "subject"), id->AsNumber().AsInt()});
    }
  }
  if (const json::Value* list = v.Find("consumes"); list != nullptr && list->IsArray()) {
    for (const json::Value& item : list->AsArray()) {
      auto r = ReaderFromJson(item);
      if (!r) return std::nullopt;
      r->service = c.service;
      r->owner = c.owner;
      c.consumes.push_back(std::move(*r));
    }
  }
  return c;
}

std::string ContractPath(const std::string& service, const std::string& version) {
  return "/accord/v1/services/" + RegistryClient::Segment(service) + "/versions/" +
         RegistryClient::Segment(version);
}

}  // namespace

ClientResult<std::optional<PublishedContract>> FetchContract(RegistryClient& client,
                                                             const std::string& service,
                                                             const std::string& version) {
  auto reply = client.Get(ContractPath(service, version));
  if (!reply) {
    if (reply.error().Is(40411)) return std::optional<PublishedContract>();
    return std::unexpected(reply.error());
  }
  auto c = ContractFromJson(*reply);
  if (!c) return BadReply(client, "contract " + service + "@" + version + ": malformed reply");
  return std::optional<PublishedContract>(std::move(*c));
}

ClientResult<bool> PutContract(RegistryClient& client, const PublishedContract& contract) {
  auto reply = client.Put(ContractPath(contract.service, contract.version), contract.ToJson());
  if (!reply) return std::unexpected(reply.error());
  const json::Value* created = reply->Find("created");
  return created != nullptr && created->IsBool() && created->AsBool();
}

ClientResult<std::optional<EnvironmentState>> FetchEnvironment(RegistryClient& client,
                                                               const std::string& name) {
  auto reply = client.Get("/accord/v1/environments/" + RegistryClient::Segment(name));
  if (!reply) {
    if (reply.error().Is(40412)) return std::optional<EnvironmentState>();
    return std::unexpected(reply.error());
  }
  if (!reply->IsObject()) return BadReply(client, "environment " + name + ": expected an object");
  EnvironmentState env;
  env.name = StringMember(*reply, "name");
  const json::Value* production = reply->Find("production");
  env.production = production != nullptr && production->IsBool() && production->AsBool();
  if (const json::Value* d = reply->Find("deployments"); d != nullptr && d->IsArray()) {
    for (const json::Value& item : d->AsArray()) {
      auto c = ContractFromJson(item);
      if (!c) return BadReply(client, "environment " + name + ": malformed deployment");
      env.deployed.push_back(std::move(*c));
    }
  }
  return std::optional<EnvironmentState>(std::move(env));
}

ClientResult<std::vector<PublishedReader>> FetchConsumers(RegistryClient& client,
                                                          const std::string& subject) {
  auto reply = client.Get(SubjectPath(subject) + "/consumers");
  if (!reply) {
    if (reply.error().Is(40401)) return std::vector<PublishedReader>{};
    return std::unexpected(reply.error());
  }
  const json::Value* list = &*reply;
  if (list->IsObject()) list = list->Find("consumers");
  if (list == nullptr || !list->IsArray()) {
    return BadReply(client, "consumers of " + subject + ": expected a JSON array");
  }
  std::vector<PublishedReader> out;
  for (const json::Value& item : list->AsArray()) {
    auto r = ReaderFromJson(item);
    if (!r) return BadReply(client, "consumers of " + subject + ": malformed entry");
    if (r->subject.empty()) r->subject = subject;
    out.push_back(std::move(*r));
  }
  std::sort(out.begin(), out.end(), [](const PublishedReader& a, const PublishedReader& b) {
    return a.service < b.service;
  });
  return out;
}

namespace {

// A declaration as GET /accord/v1/services[/{name}] replies it; `name` is
// used when the reply does not say it. nullopt when an entry is malformed.
std::optional<PublishedService> ServiceFromJson(const json::Value& reply, const std::string& name) {
  if (!reply.IsObject()) return std::nullopt;
  PublishedService s;
  s.name = StringMember(reply, "name");
  if (s.name.empty()) s.name = name;
  s.owner = StringMember(reply, "owner");
  s.produces = StringList(reply, "produces");
  if (const json::Value* c = reply.Find("consumes"); c != nullptr && c->IsArray()) {
    for (const json::Value& item : c->AsArray()) {
      auto r = ReaderFromJson(item);
      if (!r) return std::nullopt;
      r->service = s.name;
      r->owner = s.owner;
      s.consumes.push_back(std::move(*r));
    }
  }
  return s;
}

}  // namespace

ClientResult<std::optional<PublishedService>> FetchService(RegistryClient& client,
                                                           const std::string& name) {
  auto reply = client.Get("/accord/v1/services/" + RegistryClient::Segment(name));
  if (!reply) {
    if (reply.error().Is(40410) || reply.error().status == 404) {
      return std::optional<PublishedService>();
    }
    return std::unexpected(reply.error());
  }
  if (!reply->IsObject()) return BadReply(client, "service " + name + ": expected an object");
  auto s = ServiceFromJson(*reply, name);
  if (!s) return BadReply(client, "service " + name + ": malformed consumes entry");
  return std::optional<PublishedService>(std::move(*s));
}

ClientResult<std::vector<PublishedService>> FetchServices(RegistryClient& client) {
  auto reply = client.Get("/accord/v1/services");
  if (!reply) return std::unexpected(reply.error());
  const json::Value* list = &*reply;
  if (list->IsObject()) list = list->Find("services");
  if (list == nullptr || !list->IsArray()) {
    return BadReply(client, "services: expected a JSON array");
  }
  std::vector<PublishedService> out;
  for (const json::Value& item : list->AsArray()) {
    auto s = ServiceFromJson(item, "");
    if (!s || s->name.empty()) return BadReply(client, "services: malformed declaration");
    out.push_back(std::move(*s));
  }
  std::sort(out.begin(), out.end(),
            [](const PublishedService& a, const PublishedService& b) { return a.name < b.name; });
  return out;
}

ClientResult<void> PutService(RegistryClient& client, const PublishedService& service) {
  auto reply =
      client.Put("/accord/v1/services/" + RegistryClient::Segment(service.name), service.ToJson());
  if (!reply) return std::unexpected(reply.error());
  return {};
}

ClientResult<std::optional<SubjectCatalog>> FetchSubjectCatalog(RegistryClient& client,
                                                                const std::string& subject) {
  auto reply = client.GetSubject(subject);
  if (!reply) {
    if (reply.error().Is(40401)) return std::optional<SubjectCatalog>();
    return std::unexpected(reply.error());
  }
  const json::Value* from = &*reply;
  if (const json::Value* m = reply->Find("metadata"); m != nullptr && m->IsObject()) from = m;
  SubjectCatalog c;
  c.owner = StringMember(*from, "owner");
  c.description = StringMember(*from, "description");
  c.tags = StringList(*from, "tags");
  c.message = StringMember(*from, "message");
  return std::optional<SubjectCatalog>(std::move(c));
}

ClientResult<void> PutSubjectCatalog(RegistryClient& client, const std::string& subject,
                                     const SubjectCatalog& catalog) {
  json::Value body{json::Object{}};
  body.Add("owner", catalog.owner);
  body.Add("description", catalog.description);
  json::Array tags;
  for (const std::string& t : catalog.tags) tags.emplace_back(t);
  body.Add("tags", json::Value(std::move(tags)));
  if (!catalog.message.empty()) body.Add("message", catalog.message);
  auto reply = client.Put(SubjectPath(subject) + "/metadata", body);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

ClientResult<std::vector<RegistryVersion>> FetchHistory(RegistryClient& client,
                                                        const std::string& subject) {
  auto numbers = client.ListVersions(subject);
  if (!numbers) return std::unexpected(numbers.error());
  std::vector<RegistryVersion> out;
  out.reserve(numbers->size());
  for (std::int32_t v : *numbers) {
    auto info = client.GetVersion(subject, v);
    if (!info) return std::unexpected(info.error());
    RegistryVersion version;
    static_cast<RegistryClient::VersionInfo&>(version) = std::move(*info);
    auto referenced = FetchReferences(client, version.references);
    if (!referenced) return std::unexpected(referenced.error());
    version.referenced = std::move(*referenced);
    out.push_back(std::move(version));
  }
  return out;
}

ClientResult<std::vector<FetchedReference>> FetchReferences(
    RegistryClient& client, const std::vector<SchemaReference>& references) {
  constexpr std::size_t kMaxReferences = 128;
  std::vector<FetchedReference> out;
  std::set<std::string, std::less<>> names;
  std::vector<SchemaReference> pending(references.rbegin(), references.rend());
  while (!pending.empty()) {
    SchemaReference ref = std::move(pending.back());
    pending.pop_back();
    if (!names.insert(ref.name).second) continue;
    if (out.size() == kMaxReferences) {
      return std::unexpected(ClientError{
          ClientError::Kind::kBadReply, 0, 0,
          "a schema references more than " + std::to_string(kMaxReferences) + " schemas",
          client.base_url()});
    }
    auto info = client.GetVersion(ref.subject, ref.version);
    if (!info) return std::unexpected(info.error());
    for (auto it = info->references.rbegin(); it != info->references.rend(); ++it) {
      pending.push_back(*it);
    }
    out.push_back(FetchedReference{std::move(ref.name), std::move(*info)});
  }
  return out;
}

}  // namespace accord::cli

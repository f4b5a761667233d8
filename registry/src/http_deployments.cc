// Thin handlers of the deployment part of Accord's catalog API
// (docs/catalog-api.md, "Contract versions and environments"): contract
// versions of services, environments and deployments. Every rule lives in
// the Service (environments.cc).
#include <string>
#include <utility>
#include <vector>

#include "http_common.h"

namespace accord::registry::http {
namespace {

using json::Value;

std::unexpected<RegistryError> BadMember(std::string message) {
  return Fail(ErrorCode::kInvalidCatalogMetadata, std::move(message));
}

// PUT /accord/v1/services/{name}/versions/{version}: {owner, produces:
// [{subject, id}], consumes: [as a declaration's]}. The declaration's
// parser reads owner and consumes; produces is read here.
RegistryResult<ServiceVersionRecord> ParseContract(const Value& body, const std::string& service,
                                                   const std::string& version) {
  Value declaration{json::Object{}};
  const Value* produces = nullptr;
  for (const json::Member& m : body.AsObject()) {
    if (m.key == "produces") {
      produces = &m.value;
    } else if (m.key != "version" && m.key != "service") {
      declaration.Add(m.key, m.value);
    }
  }
  if (const Value* v = body.Find("version");
      v != nullptr && !(v->IsString() && v->AsString() == version)) {
    return BadMember("contract: 'version' does not match the path");
  }
  if (const Value* v = body.Find("service");
      v != nullptr && !(v->IsString() && v->AsString() == service)) {
    return BadMember("contract: 'service' does not match the path");
  }
  auto parsed = ParseServiceDeclaration(declaration, service);
  if (!parsed) return std::unexpected(parsed.error());
  ServiceVersionRecord out;
  out.service = service;
  out.version = version;
  out.owner = std::move(parsed->owner);
  out.consumes = std::move(parsed->consumes);
  if (produces == nullptr || produces->IsNull()) return out;
  if (!produces->IsArray()) return BadMember("contract: 'produces' must be an array");
  for (const Value& p : produces->AsArray()) {
    const Value* subject = p.IsObject() ? p.Find("subject") : nullptr;
    const Value* id = p.IsObject() ? p.Find("id") : nullptr;
    if (subject == nullptr || !subject->IsString() || id == nullptr || !id->IsInteger() ||
        !id->AsNumber().IsInt() || id->AsNumber().AsInt() < 1 || p.AsObject().size() != 2) {
      return BadMember(
          "contract: each 'produces' entry must be {\"subject\": string, \"id\": positive "
          "integer}");
    }
    out.produces.push_back(
        ProducedSchema{SubjectName(subject->AsString()), SchemaId(id->AsNumber().AsInt())});
  }
  return out;
}

Value ProducesJson(const std::vector<ProducedSchema>& produces) {
  json::Array a;
  for (const ProducedSchema& p : produces) {
    Value e{json::Object{}};
    e.Add("subject", p.subject.str());
    e.Add("id", p.schema_id.local());
    a.push_back(std::move(e));
  }
  return Value(std::move(a));
}

// {"service", "version", "owner", "produces": [{"subject", "id"}],
//  "consumes": [{"subject", "schemaType", "schema", "versions"}], "createdAt"}.
Value ContractJson(const ServiceVersionRecord& c) {
  ServiceRecord as_declaration{.name = c.service, .owner = c.owner, .consumes = c.consumes};
  const Value declared = ServiceJson(as_declaration);
  Value o{json::Object{}};
  o.Add("service", c.service);
  o.Add("version", c.version);
  o.Add("owner", c.owner);
  o.Add("produces", ProducesJson(c.produces));
  o.Add("consumes", *declared.Find("consumes"));
  o.Add("createdAt", c.created_ms);
  return o;
}

Value EnvironmentJson(const EnvironmentRecord& e) {
  Value o{json::Object{}};
  o.Add("name", e.name);
  o.Add("owner", e.owner);
  o.Add("production", e.production);
  o.Add("createdAt", e.created_ms);
  return o;
}

Value DeploymentJson(const DeploymentRecord& d) {
  Value o{json::Object{}};
  o.Add("environment", d.environment);
  o.Add("service", d.service);
  o.Add("version", d.version);
  o.Add("deployedAt", d.deployed_ms);
  return o;
}

// The matrix row of one deployed service: the deployment, then its
// contract's owner, produced events (with the subject version holding the
// schema, null when none does) and consumed events.
Value DeployedJson(const DeployedService& s) {
  Value o = DeploymentJson(s.deployment);
  o.Add("owner", s.contract ? Value(s.contract->owner) : Value());
  json::Array produces;
  for (const DeployedProduces& p : s.produces) {
    Value e{json::Object{}};
    e.Add("subject", p.subject.str());
    e.Add("id", p.schema_id.local());
    e.Add("version", p.version ? Value(p.version->value()) : Value());
    produces.push_back(std::move(e));
  }
  o.Add("produces", Value(std::move(produces)));
  o.Add("consumes",
        s.contract ? *ContractJson(*s.contract).Find("consumes") : Value(json::Array{}));
  return o;
}

std::optional<HttpResponse> ContractRoutes(Service& service, const HttpRequest& req,
                                           const Principal& caller, const Target& t,
                                           RouteMatch& match) {
  const std::vector<std::string>& s = t.segments;
  const std::string& name = s[3];
  if (s.size() == 5) {
    if (match.Is("GET", "/accord/v1/services/{name}/versions")) {
      return Reply(service.ListServiceVersions(name), [](const auto& rows) {
        json::Array a;
        for (const ServiceVersionRecord& r : rows) a.push_back(ContractJson(r));
        return JsonReply(Value(std::move(a)));
      });
    }
    return std::nullopt;
  }
  if (s.size() != 6) return std::nullopt;
  const std::string& version = s[5];
  if (match.Is("GET", "/accord/v1/services/{name}/versions/{version}")) {
    return Reply(service.GetServiceVersion(name, version),
                 [](const ServiceVersionRecord& r) { return JsonReply(ContractJson(r)); });
  }
  if (match.Is("PUT", "/accord/v1/services/{name}/versions/{version}")) {
    auto body = ParseBody(req);
    if (!body) return ErrorResponse(body.error());
    auto contract = ParseContract(*body, name, version);
    if (!contract) return ErrorResponse(contract.error());
    return Reply(service.PublishServiceVersion(*contract, caller),
                 [](const PublishVersionResult& r) {
                   Value o = ContractJson(r.contract);
                   o.Add("created", r.created);
                   return JsonReply(o);
                 });
  }
  return std::nullopt;
}

std::optional<HttpResponse> EnvironmentRoutes(Service& service, const HttpRequest& req,
                                              const Principal& caller, const Target& t,
                                              RouteMatch& match) {
  const std::vector<std::string>& s = t.segments;
  if (s.size() == 3) {
    if (match.Is("GET", "/accord/v1/environments")) {
      return Reply(service.ListEnvironments(), [](const auto& rows) {
        json::Array a;
        for (const EnvironmentRecord& r : rows) a.push_back(EnvironmentJson(r));
        return JsonReply(Value(std::move(a)));
      });
    }
    return std::nullopt;
  }
  const std::string& env = s[3];
  if (s.size() == 4) {
    if (match.Is("GET", "/accord/v1/environments/{env}")) {
      return Reply(service.GetEnvironment(env), [](const EnvironmentView& v) {
        Value o = EnvironmentJson(v.environment);
        json::Array deployed;
        for (const DeployedService& d : v.services) deployed.push_back(DeployedJson(d));
        o.Add("deployments", Value(std::move(deployed)));
        return JsonReply(o);
      });
    }
    if (match.Is("PUT", "/accord/v1/environments/{env}")) {
      auto body = ParseBody(req);
      if (!body) return ErrorResponse(body.error());
      EnvironmentRecord e;
      e.name = env;
      for (const json::Member& m : body->AsObject()) {
        if (m.key == "owner" && m.value.IsString()) {
          e.owner = m.value.AsString();
        } else if (m.key == "production" && m.value.IsBool()) {
          e.production = m.value.AsBool();
        } else if (m.key != "name" || !m.value.IsString() || m.value.AsString() != env) {
          return ErrorResponse(
              BadMember("environment: expected {\"owner\": string, \"production\": boolean}, "
                        "not member '" +
                        m.key.substr(0, 64) + "'")
                  .error());
        }
      }
      return Reply(service.PutEnvironment(e, caller),
                   [](const EnvironmentRecord& r) { return JsonReply(EnvironmentJson(r)); });
    }
    return std::nullopt;
  }
  if (s.size() == 5 && s[4] == "check") {
    if (match.Is("GET", "/accord/v1/environments/{env}/check")) {
      const std::string* name = t.Param("service");
      const std::string* version = t.Param("version");
      if (name == nullptr || version == nullptr) {
        return ErrorResponse(BadRequest("check: the service and version query parameters are "
                                        "required")
                                 .error());
      }
      return Reply(service.CheckDeployment(env, *name, *version), [](const auto& pairs) {
        json::Array a;
        for (const DeployPair& p : pairs) {
          Value o{json::Object{}};
          o.Add("subject", p.subject.str());
          o.Add("producer", p.producer);
          o.Add("consumer", p.consumer);
          o.Add("version", p.version ? Value(p.version->value()) : Value());
          o.Add("ok", p.ok);
          o.Add("reasons", StringArray(p.reasons));
          a.push_back(std::move(o));
        }
        return JsonReply(Value(std::move(a)));
      });
    }
    return std::nullopt;
  }
  if (s.size() == 5 && s[4] == "failed-checks") {
    if (match.Is("POST", "/accord/v1/environments/{env}/failed-checks")) {
      auto body = ParseBody(req);
      if (!body) return ErrorResponse(body.error());
      const Value* name = body->Find("service");
      const Value* version = body->Find("version");
      const Value* breaks = body->Find("breaks");
      const auto bad = [] {
        return ErrorResponse(BadMember("failed check: expected {\"service\": string, "
                                       "\"version\": string, \"breaks\": [{\"subject\", "
                                       "\"peer\", \"reason\"}]}")
                                 .error());
      };
      if (name == nullptr || !name->IsString() || version == nullptr || !version->IsString() ||
          breaks == nullptr || !breaks->IsArray() || body->AsObject().size() != 3) {
        return bad();
      }
      std::vector<DeployCheckBreak> list;
      for (const Value& b : breaks->AsArray()) {
        const Value* subject = b.IsObject() ? b.Find("subject") : nullptr;
        const Value* peer = b.IsObject() ? b.Find("peer") : nullptr;
        const Value* reason = b.IsObject() ? b.Find("reason") : nullptr;
        if (subject == nullptr || !subject->IsString() || peer == nullptr || !peer->IsString() ||
            reason == nullptr || !reason->IsString()) {
          return bad();
        }
        list.push_back(DeployCheckBreak{subject->AsString(), peer->AsString(), reason->AsString()});
      }
      auto done =
          service.ReportDeployCheckFailed(env, name->AsString(), version->AsString(), list, caller);
      if (!done) return ErrorResponse(done.error());
      Value o{json::Object{}};
      o.Add("announced", true);
      return JsonReply(o);
    }
    return std::nullopt;
  }
  if (s.size() != 6 || s[4] != "deployments") return std::nullopt;
  const std::string& name = s[5];
  if (match.Is("PUT", "/accord/v1/environments/{env}/deployments/{service}")) {
    auto body = ParseBody(req);
    if (!body) return ErrorResponse(body.error());
    const Value* version = body->Find("version");
    if (version == nullptr || !version->IsString() || body->AsObject().size() != 1) {
      return ErrorResponse(
          BadMember("deployment: expected {\"version\": string} (the service version)").error());
    }
    return Reply(service.RecordDeployment(env, name, version->AsString(), caller),
                 [](const DeploymentRecord& r) { return JsonReply(DeploymentJson(r)); });
  }
  if (match.Is("DELETE", "/accord/v1/environments/{env}/deployments/{service}")) {
    std::optional<std::string> version;
    if (const std::string* v = t.Param("version")) version = *v;
    return Reply(service.RecordUndeployment(env, name, version, caller),
                 [](const DeploymentRecord& r) { return JsonReply(DeploymentJson(r)); });
  }
  return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> DeploymentRoutes(Service& service, const HttpRequest& req,
                                             const Principal& caller, const Target& t,
                                             RouteMatch& match) {
  if (t.segments[2] == "services") return ContractRoutes(service, req, caller, t, match);
  return EnvironmentRoutes(service, req, caller, t, match);
}

}  // namespace accord::registry::http

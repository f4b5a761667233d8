#include "store_columns.h"

#include <chrono>

#include "accord/schemas/load.h"

namespace accord::registry::internal::columns {

json::Value StringsJson(const std::vector<std::string>& items) {
  json::Array a;
  for (const std::string& s : items) a.emplace_back(s);
  return json::Value(std::move(a));
}

json::Value ParseColumn(const std::string& text) {
  auto doc = ParseJson(text);
  return doc ? std::move(doc->root) : json::Value();
}

std::string StringOf(const json::Value* v) {
  return v != nullptr && v->IsString() ? v->AsString() : std::string();
}

std::vector<std::string> StringsOf(const json::Value& v) {
  std::vector<std::string> out;
  if (!v.IsArray()) return out;
  for (const json::Value& e : v.AsArray()) {
    if (e.IsString()) out.push_back(e.AsString());
  }
  return out;
}

std::string LinksText(const std::vector<CatalogLink>& links) {
  json::Array a;
  for (const CatalogLink& l : links) {
    json::Value o{json::Object{}};
    o.Add("name", l.name);
    o.Add("url", l.url);
    a.push_back(std::move(o));
  }
  return json::ToJson(json::Value(std::move(a)));
}

std::vector<CatalogLink> LinksOf(const json::Value& v) {
  std::vector<CatalogLink> out;
  if (!v.IsArray()) return out;
  for (const json::Value& e : v.AsArray()) {
    if (e.IsObject()) out.push_back({StringOf(e.Find("name")), StringOf(e.Find("url"))});
  }
  return out;
}

std::string SlaText(const std::vector<std::pair<std::string, std::string>>& sla) {
  json::Value o{json::Object{}};
  for (const auto& [k, v] : sla) o.Add(k, v);
  return json::ToJson(o);
}

std::vector<std::pair<std::string, std::string>> SlaOf(const json::Value& v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!v.IsObject()) return out;
  for (const json::Member& m : v.AsObject()) {
    if (m.value.IsString()) out.emplace_back(m.key, m.value.AsString());
  }
  return out;
}

std::string ConsumesText(const std::vector<ConsumedSubject>& consumes) {
  json::Array a;
  for (const ConsumedSubject& c : consumes) {
    json::Value o{json::Object{}};
    o.Add("subject", c.subject.str());
    o.Add("schemaType", std::string(SchemaTypeName(c.type)));
    o.Add("schema", c.schema);
    // Only when there are some: rows written before readers carried their
    // imports have none, and read back the same.
    if (!c.references.empty()) {
      json::Array refs;
      for (const ReaderReference& r : c.references) {
        json::Value ref{json::Object{}};
        ref.Add("name", r.name);
        ref.Add("schema", r.schema);
        refs.push_back(std::move(ref));
      }
      o.Add("references", json::Value(std::move(refs)));
    }
    json::Array versions;
    for (Version v : c.versions) versions.emplace_back(v.value());
    o.Add("versions", json::Value(std::move(versions)));
    if (c.min_version) o.Add("minVersion", c.min_version->value());
    a.push_back(std::move(o));
  }
  return json::ToJson(json::Value(std::move(a)));
}

std::vector<ConsumedSubject> ConsumesOf(const json::Value& v) {
  std::vector<ConsumedSubject> out;
  if (!v.IsArray()) return out;
  for (const json::Value& e : v.AsArray()) {
    if (!e.IsObject()) continue;
    ConsumedSubject c;
    c.subject = SubjectName(StringOf(e.Find("subject")));
    c.type = SchemaTypeFromString(StringOf(e.Find("schemaType"))).value_or(SchemaType::kAvro);
    c.schema = StringOf(e.Find("schema"));
    if (const json::Value* refs = e.Find("references"); refs != nullptr && refs->IsArray()) {
      for (const json::Value& r : refs->AsArray()) {
        if (r.IsObject())
          c.references.push_back({StringOf(r.Find("name")), StringOf(r.Find("schema"))});
      }
    }
    if (const json::Value* vs = e.Find("versions"); vs != nullptr && vs->IsArray()) {
      for (const json::Value& n : vs->AsArray()) {
        if (n.IsInteger() && n.AsNumber().IsInt()) {
          c.versions.emplace_back(static_cast<std::int32_t>(n.AsNumber().AsInt()));
        }
      }
    }
    if (const json::Value* m = e.Find("minVersion"); m != nullptr && m->IsInteger()) {
      c.min_version = Version(static_cast<std::int32_t>(m->AsNumber().AsInt()));
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ScopeOf(const std::optional<SubjectName>& subject) {
  return subject ? subject->str() : std::string();
}

std::optional<SubjectName> ScopeFrom(const std::string& scope) {
  if (scope.empty()) return std::nullopt;
  return SubjectName(scope);
}

namespace {
// The string-valued data-contract settings by their Confluent names.
constexpr std::pair<const char*, std::optional<std::string> ConfigRecord::*> kContractTexts[] = {
    {"compatibilityGroup", &ConfigRecord::compatibility_group},
    {"defaultMetadata", &ConfigRecord::default_metadata},
    {"overrideMetadata", &ConfigRecord::override_metadata},
    {"defaultRuleSet", &ConfigRecord::default_rule_set},
    {"overrideRuleSet", &ConfigRecord::override_rule_set}};
}  // namespace

std::optional<std::string> ContractSettingsText(const ConfigRecord& c) {
  if (c.NoContractSettings()) return std::nullopt;
  json::Value o{json::Object{}};
  for (const auto& [key, field] : kContractTexts) {
    if (c.*field) o.Add(key, *(c.*field));
  }
  if (c.validate_fields) o.Add("validateFields", *c.validate_fields);
  return json::ToJson(o);
}

void ReadContractSettings(const std::string& text, ConfigRecord* c) {
  const json::Value o = ParseColumn(text);
  if (!o.IsObject()) return;
  for (const auto& [key, field] : kContractTexts) {
    if (const json::Value* v = o.Find(key); v != nullptr && v->IsString()) {
      c->*field = v->AsString();
    }
  }
  if (const json::Value* v = o.Find("validateFields"); v != nullptr && v->IsBool()) {
    c->validate_fields = v->AsBool();
  }
}

SubjectMetadata MetadataOf(std::string owner, std::string description, const std::string& tags,
                           const std::string& links, const std::string& sla, std::string message) {
  return SubjectMetadata{.owner = std::move(owner),
                         .description = std::move(description),
                         .tags = StringsOf(ParseColumn(tags)),
                         .links = LinksOf(ParseColumn(links)),
                         .sla = SlaOf(ParseColumn(sla)),
                         .message = std::move(message)};
}

std::string ProducesText(const std::vector<SubjectName>& produces) {
  std::vector<std::string> names;
  for (const SubjectName& p : produces) names.push_back(p.str());
  return json::ToJson(StringsJson(names));
}

std::vector<SubjectName> ProducesOf(const std::string& text) {
  std::vector<SubjectName> out;
  for (std::string& p : StringsOf(ParseColumn(text))) out.emplace_back(std::move(p));
  return out;
}

std::string ProducedSchemasText(const std::vector<ProducedSchema>& produces) {
  json::Array out;
  for (const ProducedSchema& p : produces) {
    json::Value o{json::Object{}};
    o.Add("subject", p.subject.str());
    o.Add("id", p.schema_id.value());
    out.push_back(std::move(o));
  }
  return json::ToJson(json::Value(std::move(out)));
}

std::vector<ProducedSchema> ProducedSchemasOf(const std::string& text) {
  std::vector<ProducedSchema> out;
  const json::Value v = ParseColumn(text);
  if (!v.IsArray()) return out;
  for (const json::Value& e : v.AsArray()) {
    if (!e.IsObject()) continue;
    ProducedSchema p;
    p.subject = SubjectName(StringOf(e.Find("subject")));
    if (const json::Value* id = e.Find("id"); id != nullptr && id->IsInteger()) {
      p.schema_id = SchemaId(id->AsNumber().AsInt());
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string WebhookEventsText(const std::vector<WebhookEvent>& events) {
  std::vector<std::string> names;
  for (WebhookEvent e : events) names.emplace_back(WebhookEventName(e));
  return json::ToJson(StringsJson(names));
}

std::vector<WebhookEvent> WebhookEventsOf(const std::string& text) {
  std::vector<WebhookEvent> out;
  for (const std::string& name : StringsOf(ParseColumn(text))) {
    if (auto e = WebhookEventFromString(name)) out.push_back(*e);
  }
  return out;
}

}  // namespace accord::registry::internal::columns

// Private to registry/src: how the stores (sqlite_store.cc, pg_store.cc)
// keep the catalog's lists in text columns (JSON), and the small values
// both write the same way. Not a public header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "accord/registry/types.h"
#include "accord/registry/usage.h"
#include "accord/schemas/json.h"

namespace accord::registry::internal::columns {

json::Value StringsJson(const std::vector<std::string>& items);
// The JSON text of a column; null when it does not parse.
json::Value ParseColumn(const std::string& text);
std::string StringOf(const json::Value* v);
std::vector<std::string> StringsOf(const json::Value& v);
std::string LinksText(const std::vector<CatalogLink>& links);
std::vector<CatalogLink> LinksOf(const json::Value& v);
std::string SlaText(const std::vector<std::pair<std::string, std::string>>& sla);
std::vector<std::pair<std::string, std::string>> SlaOf(const json::Value& v);
std::string ConsumesText(const std::vector<ConsumedSubject>& consumes);
std::vector<ConsumedSubject> ConsumesOf(const json::Value& v);
// Subject metadata from its six columns (owner, description, the JSON
// texts of tags, links and sla, and message).
SubjectMetadata MetadataOf(std::string owner, std::string description, const std::string& tags,
                           const std::string& links, const std::string& sla, std::string message);
// A service's `produces` list as a JSON array of subject names, and back.
std::string ProducesText(const std::vector<SubjectName>& produces);
std::vector<SubjectName> ProducesOf(const std::string& text);
// A contract version's `produces` as a JSON array of {"subject", "id"}, and back.
std::string ProducedSchemasText(const std::vector<ProducedSchema>& produces);
std::vector<ProducedSchema> ProducedSchemasOf(const std::string& text);

// A webhook's events as a JSON array of wire names (usage.h), and back
// (names this build does not know are left out).
std::string WebhookEventsText(const std::vector<WebhookEvent>& events);
std::vector<WebhookEvent> WebhookEventsOf(const std::string& text);
// Unix milliseconds now (the stores' stamp when a record carries 0).
std::int64_t NowMs();
// The config / mode row of a subject; the global scope is stored under "",
// which no valid subject name can be.
std::string ScopeOf(const std::optional<SubjectName>& subject);
// The inverse of ScopeOf.
std::optional<SubjectName> ScopeFrom(const std::string& scope);

// A config's data-contract settings (ConfigRecord::compatibility_group ..
// override_rule_set) as the JSON text of the config row's `contract`
// column, with Confluent's member names; nullopt when none is set (NULL).
std::optional<std::string> ContractSettingsText(const ConfigRecord& c);
// Sets the data-contract settings of `c` from that column's text.
void ReadContractSettings(const std::string& text, ConfigRecord* c);

}  // namespace accord::registry::internal::columns

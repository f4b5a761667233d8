#include "data_contract.h"

#include <tuple>
#include <utility>

#include "accord/schemas/budget.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace accord::registry::internal {

using json::Value;

namespace {

std::unexpected<RegistryError> Bad(std::string_view what, const std::string& why) {
  return Fail(ErrorCode::kInvalidCatalogMetadata, std::string(what) + ": " + why);
}

std::string Clip(std::string_view s) {
  return std::string(s.substr(0, 64)) + (s.size() > 64 ? "..." : "");
}

// The object's member `key` when present and not null.
const Value* Member(const Value& o, std::string_view key) {
  const Value* v = o.Find(key);
  return v != nullptr && !v->IsNull() ? v : nullptr;
}

RegistryResult<std::string> StringMember(const Value& o, std::string_view key,
                                         std::string_view what) {
  const Value* v = Member(o, key);
  if (v == nullptr) return std::string();
  if (!v->IsString()) return Bad(what, "'" + std::string(key) + "' must be a string");
  return v->AsString();
}

RegistryResult<std::set<std::string>> StringSet(const Value* v, std::string_view what) {
  std::set<std::string> out;
  if (v == nullptr) return out;
  if (!v->IsArray()) return Bad(what, "must be an array of strings");
  if (v->AsArray().size() > kMaxContractEntries) {
    return Bad(what, "more than " + std::to_string(kMaxContractEntries) + " entries");
  }
  for (const Value& s : v->AsArray()) {
    if (!s.IsString()) return Bad(what, "must be an array of strings");
    out.insert(s.AsString());
  }
  return out;
}

RegistryResult<std::map<std::string, std::string>> StringMap(const Value* v,
                                                             std::string_view what) {
  std::map<std::string, std::string> out;
  if (v == nullptr) return out;
  if (!v->IsObject()) return Bad(what, "must be an object of strings");
  if (v->AsObject().size() > kMaxContractEntries) {
    return Bad(what, "more than " + std::to_string(kMaxContractEntries) + " entries");
  }
  for (const json::Member& m : v->AsObject()) {
    if (!m.value.IsString()) {
      return Bad(what, "'" + Clip(m.key) + "' must be a string");
    }
    out[m.key] = m.value.AsString();  // a repeated key: the last wins, as Jackson's
  }
  return out;
}

// The JSON object in `text`, bounded in size.
RegistryResult<std::optional<Value>> ObjectOf(std::string_view text, std::string_view what) {
  if (text.empty()) return std::optional<Value>();
  if (text.size() > kMaxContractBytes) {
    return Bad(what, "larger than " + std::to_string(kMaxContractBytes) + " bytes");
  }
  // Reading contracts grows with a subject's history (a registration reads
  // its versions' for compatibilityGroup): charged to the request's budget
  // (accord/schemas/budget.h), one unit per 16 bytes.
  ChargeWork(text.size() / 16 + 1);
  auto doc = ParseJson(text);
  if (!doc) return Bad(what, "not valid JSON");
  if (doc->root.IsNull()) return std::optional<Value>();
  if (!doc->root.IsObject()) return Bad(what, "must be a JSON object");
  return std::optional<Value>(std::move(doc->root));
}

// The normal form is what is stored and read again, so it must be within
// the size limit too: it can be larger than the text it came from (a rule's
// kind, mode and disabled are spelled out), and text past the limit would
// not read back (the next version would silently inherit nothing).
RegistryResult<void> NormalFormFits(const std::string& normal, std::string_view what) {
  if (normal.size() <= kMaxContractBytes) return {};
  return Bad(what, "larger than " + std::to_string(kMaxContractBytes) +
                       " bytes once written out in full (defaults included)");
}

// Confluent's Character.isLetter is Unicode's: every non-ASCII character
// counts as a letter here (more lenient than Confluent for symbols, never
// stricter, so a bundle from Confluent always imports).
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

RegistryResult<void> ValidateRuleName(const std::string& name, std::string_view what) {
  if (name.empty()) return Bad(what, "a rule has no name");
  std::size_t chars = 0;  // code points (UTF-8 lead bytes)
  for (char c : name) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  if (chars > 64) return Bad(what, "rule name '" + Clip(name) + "' is longer than 64");
  if (!(IsLetter(name[0]) || name[0] == '_')) {
    return Bad(what, "illegal initial character in rule name '" + Clip(name) + "'");
  }
  for (char c : name) {
    if (!(IsLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return Bad(what, "illegal character in rule name '" + Clip(name) + "'");
    }
  }
  return {};
}

enum class RuleList { kMigration, kDomain, kEncoding };

RegistryResult<ContractRule> ParseRule(const Value& r, RuleList list, std::string_view what) {
  if (!r.IsObject()) return Bad(what, "each rule must be an object");
  ContractRule out;
  auto name = StringMember(r, "name", what);
  if (!name) return std::unexpected(name.error());
  if (auto ok = ValidateRuleName(*name, what); !ok) return std::unexpected(ok.error());
  out.name = std::move(*name);
  const std::string where = std::string(what) + " rule '" + out.name + "'";
  for (auto [key, field] :
       {std::pair{"doc", &out.doc}, std::pair{"type", &out.type}, std::pair{"expr", &out.expr},
        std::pair{"onSuccess", &out.on_success}, std::pair{"onFailure", &out.on_failure}}) {
    auto v = StringMember(r, key, where);
    if (!v) return std::unexpected(v.error());
    *field = std::move(*v);
  }
  auto kind = StringMember(r, "kind", where);
  if (!kind) return std::unexpected(kind.error());
  if (!kind->empty()) out.kind = *kind;
  if (out.kind != "TRANSFORM" && out.kind != "CONDITION") {
    return Bad(where, "kind '" + Clip(out.kind) + "' is not TRANSFORM or CONDITION");
  }
  auto mode = StringMember(r, "mode", where);
  if (!mode) return std::unexpected(mode.error());
  if (!mode->empty()) out.mode = *mode;
  const bool migration_mode =
      out.mode == "UPGRADE" || out.mode == "DOWNGRADE" || out.mode == "UPDOWN";
  const bool domain_mode = out.mode == "WRITE" || out.mode == "READ" || out.mode == "WRITEREAD";
  if (!migration_mode && !domain_mode) {
    return Bad(where, "mode '" + Clip(out.mode) +
                          "' is not one of UPGRADE, DOWNGRADE, UPDOWN, WRITE, READ, WRITEREAD");
  }
  if (list == RuleList::kMigration && !migration_mode) {
    return Bad(where, "migration rules can only be UPGRADE, DOWNGRADE, UPDOWN");
  }
  if (list != RuleList::kMigration && !domain_mode) {
    return Bad(where, list == RuleList::kDomain
                          ? "domain rules can only be WRITE, READ, WRITEREAD"
                          : "encoding rules can only be WRITE, READ, WRITEREAD");
  }
  if (out.type.empty()) return Bad(where, "missing rule type");
  for (const std::string* action : {&out.on_success, &out.on_failure}) {
    if (action->find(',') != std::string::npos && out.mode != "WRITEREAD" && out.mode != "UPDOWN") {
      return Bad(where, "multiple actions only valid with WRITEREAD and UPDOWN");
    }
  }
  auto tags = StringSet(Member(r, "tags"), where + " tags");
  if (!tags) return std::unexpected(tags.error());
  out.tags = std::move(*tags);
  auto params = StringMap(Member(r, "params"), where + " params");
  if (!params) return std::unexpected(params.error());
  out.params = std::move(*params);
  if (const Value* d = Member(r, "disabled")) {
    if (!d->IsBool()) return Bad(where, "'disabled' must be true or false");
    out.disabled = d->AsBool();
  }
  return out;
}

Value StringsValue(const std::set<std::string>& s) {
  json::Array a;
  for (const std::string& x : s) a.emplace_back(x);
  return Value(std::move(a));
}

Value MapValue(const std::map<std::string, std::string>& m) {
  Value o{json::Object{}};
  for (const auto& [k, v] : m) o.Add(k, v);
  return o;
}

Value RuleValue(const ContractRule& r) {
  Value o{json::Object{}};
  o.Add("name", r.name);
  if (!r.doc.empty()) o.Add("doc", r.doc);
  o.Add("kind", r.kind);
  o.Add("mode", r.mode);
  o.Add("type", r.type);
  if (!r.tags.empty()) o.Add("tags", StringsValue(r.tags));
  if (!r.params.empty()) o.Add("params", MapValue(r.params));
  if (!r.expr.empty()) o.Add("expr", r.expr);
  if (!r.on_success.empty()) o.Add("onSuccess", r.on_success);
  if (!r.on_failure.empty()) o.Add("onFailure", r.on_failure);
  o.Add("disabled", r.disabled);
  return o;
}

std::vector<ContractRule> MergeRules(const std::vector<ContractRule>& base,
                                     const std::vector<ContractRule>& over) {
  if (base.empty()) return over;
  if (over.empty()) return base;
  std::set<std::string> names;
  for (const ContractRule& r : over) names.insert(r.name);
  std::vector<ContractRule> out;
  for (const ContractRule& r : base) {
    if (!names.contains(r.name)) out.push_back(r);
  }
  out.insert(out.end(), over.begin(), over.end());
  return out;
}

}  // namespace

RegistryResult<std::optional<ContractMetadata>> ParseContractMetadata(std::string_view text,
                                                                      std::string_view what) {
  auto object = ObjectOf(text, what);
  if (!object) return std::unexpected(object.error());
  if (!*object) return std::optional<ContractMetadata>();
  const Value& o = **object;
  ContractMetadata out;
  if (const Value* tags = Member(o, "tags")) {
    if (!tags->IsObject()) return Bad(what, "'tags' must be an object of string arrays");
    if (tags->AsObject().size() > kMaxContractEntries) {
      return Bad(what, "'tags' has more than " + std::to_string(kMaxContractEntries) + " paths");
    }
    for (const json::Member& m : tags->AsObject()) {
      auto set = StringSet(&m.value, std::string(what) + " tags of '" + Clip(m.key) + "'");
      if (!set) return std::unexpected(set.error());
      out.tags[m.key] = std::move(*set);
    }
  }
  auto props = StringMap(Member(o, "properties"), std::string(what) + " properties");
  if (!props) return std::unexpected(props.error());
  out.properties = std::move(*props);
  auto sensitive = StringSet(Member(o, "sensitive"), std::string(what) + " sensitive");
  if (!sensitive) return std::unexpected(sensitive.error());
  out.sensitive = std::move(*sensitive);
  std::optional<ContractMetadata> result(std::move(out));
  if (auto ok = NormalFormFits(ContractMetadataText(result), what); !ok) {
    return std::unexpected(ok.error());
  }
  return result;
}

RegistryResult<std::optional<ContractRuleSet>> ParseContractRuleSet(std::string_view text,
                                                                    std::string_view what) {
  auto object = ObjectOf(text, what);
  if (!object) return std::unexpected(object.error());
  if (!*object) return std::optional<ContractRuleSet>();
  const Value& o = **object;
  ContractRuleSet out;
  std::set<std::string> names;
  std::size_t total = 0;
  for (auto [key, list, kind] : {std::tuple{"migrationRules", &out.migration, RuleList::kMigration},
                                 std::tuple{"domainRules", &out.domain, RuleList::kDomain},
                                 std::tuple{"encodingRules", &out.encoding, RuleList::kEncoding}}) {
    const Value* rules = Member(o, key);
    if (rules == nullptr) continue;
    if (!rules->IsArray()) return Bad(what, std::string("'") + key + "' must be an array");
    total += rules->AsArray().size();
    if (total > kMaxContractEntries) {
      return Bad(what, "more than " + std::to_string(kMaxContractEntries) + " rules");
    }
    for (const Value& r : rules->AsArray()) {
      auto rule = ParseRule(r, kind, what);
      if (!rule) return std::unexpected(rule.error());
      if (!names.insert(rule->name).second) {
        return Bad(what, "found rule with duplicate name '" + rule->name + "'");
      }
      list->push_back(std::move(*rule));
    }
  }
  std::optional<ContractRuleSet> result(std::move(out));
  if (auto ok = NormalFormFits(ContractRuleSetText(result), what); !ok) {
    return std::unexpected(ok.error());
  }
  return result;
}

std::string ContractMetadataText(const std::optional<ContractMetadata>& m) {
  if (!m) return {};
  Value o{json::Object{}};
  if (!m->tags.empty()) {
    Value tags{json::Object{}};
    for (const auto& [path, set] : m->tags) tags.Add(path, StringsValue(set));
    o.Add("tags", std::move(tags));
  }
  if (!m->properties.empty()) o.Add("properties", MapValue(m->properties));
  if (!m->sensitive.empty()) o.Add("sensitive", StringsValue(m->sensitive));
  return json::ToJson(o);
}

std::string ContractRuleSetText(const std::optional<ContractRuleSet>& r) {
  if (!r) return {};
  Value o{json::Object{}};
  for (auto [key, list] :
       {std::pair{"migrationRules", &r->migration}, std::pair{"domainRules", &r->domain},
        std::pair{"encodingRules", &r->encoding}}) {
    if (list->empty()) continue;
    json::Array a;
    for (const ContractRule& rule : *list) a.push_back(RuleValue(rule));
    o.Add(key, Value(std::move(a)));
  }
  return json::ToJson(o);
}

std::optional<ContractMetadata> MergeMetadata(const std::optional<ContractMetadata>& base,
                                              const std::optional<ContractMetadata>& over) {
  if (!base) return over;
  if (!over) return base;
  ContractMetadata out = *base;
  for (const auto& [path, set] : over->tags) out.tags[path] = set;
  for (const auto& [key, value] : over->properties) out.properties[key] = value;
  out.sensitive.insert(over->sensitive.begin(), over->sensitive.end());
  return out;
}

std::optional<ContractRuleSet> MergeRuleSets(const std::optional<ContractRuleSet>& base,
                                             const std::optional<ContractRuleSet>& over) {
  if (!base) return over;
  if (!over) return base;
  return ContractRuleSet{.migration = MergeRules(base->migration, over->migration),
                         .domain = MergeRules(base->domain, over->domain),
                         .encoding = MergeRules(base->encoding, over->encoding)};
}

RegistryResult<void> CheckSettledContract(const std::optional<ContractMetadata>& m,
                                          const std::optional<ContractRuleSet>& r) {
  auto metadata =
      ParseContractMetadata(ContractMetadataText(m),
                            "metadata merged with the config's defaultMetadata/overrideMetadata");
  if (!metadata) return std::unexpected(metadata.error());
  auto rule_set = ParseContractRuleSet(
      ContractRuleSetText(r), "ruleSet merged with the config's defaultRuleSet/overrideRuleSet");
  if (!rule_set) return std::unexpected(rule_set.error());
  return {};
}

std::optional<std::string> MetadataProperty(std::string_view metadata_text, std::string_view key) {
  if (metadata_text.empty()) return std::nullopt;
  auto m = ParseContractMetadata(metadata_text, "metadata");
  if (!m || !*m) return std::nullopt;
  auto it = (*m)->properties.find(std::string(key));
  if (it == (*m)->properties.end()) return std::nullopt;
  return it->second;
}

std::set<std::string> ReservedFields(const std::optional<ContractMetadata>& m) {
  std::set<std::string> out;
  if (!m) return out;
  auto it = m->properties.find(std::string(kConfluentReserved));
  if (it == m->properties.end()) return out;
  const std::string& v = it->second;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t comma = v.find(',', start);
    if (comma == std::string::npos) comma = v.size();
    std::string_view name = std::string_view(v).substr(start, comma - start);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!name.empty()) out.emplace(name);
    start = comma + 1;
  }
  return out;
}

namespace {
// The object-valued settings by their Confluent names.
constexpr std::pair<const char*, std::optional<std::string> ConfigRecord::*> kContractObjects[] = {
    {"defaultMetadata", &ConfigRecord::default_metadata},
    {"overrideMetadata", &ConfigRecord::override_metadata},
    {"defaultRuleSet", &ConfigRecord::default_rule_set},
    {"overrideRuleSet", &ConfigRecord::override_rule_set}};
}  // namespace

void AddContractSettings(const ConfigRecord& c, Value* o) {
  if (c.compatibility_group) o->Add("compatibilityGroup", *c.compatibility_group);
  if (c.validate_fields) o->Add("validateFields", *c.validate_fields);
  for (const auto& [key, field] : kContractObjects) {
    if (!(c.*field)) continue;
    auto doc = ParseJson(*(c.*field));
    if (doc && doc->root.IsObject()) o->Add(key, std::move(doc->root));
  }
}

RegistryResult<void> ParseContractSettings(const Value& body, ConfigRecord* c) {
  if (const Value* g = Member(body, "compatibilityGroup")) {
    if (!g->IsString() || g->AsString().empty() || g->AsString().size() > 256) {
      return Fail(ErrorCode::kUnprocessable,
                  "'compatibilityGroup' must be a metadata property name (1..256 bytes)");
    }
    c->compatibility_group = g->AsString();
  }
  if (const Value* v = Member(body, "validateFields")) {
    if (!v->IsBool()) return Fail(ErrorCode::kUnprocessable, "'validateFields' must be a boolean");
    c->validate_fields = v->AsBool();
  }
  for (const auto& [key, field] : kContractObjects) {
    const Value* v = Member(body, key);
    if (v == nullptr) continue;
    if (!v->IsObject()) return Bad(key, "must be a JSON object");
    const std::string text = json::ToJson(*v);
    const bool metadata = std::string_view(key).ends_with("Metadata");
    if (metadata) {
      auto m = ParseContractMetadata(text, key);
      if (!m) return std::unexpected(m.error());
      c->*field = ContractMetadataText(*m);
    } else {
      auto r = ParseContractRuleSet(text, key);
      if (!r) return std::unexpected(r.error());
      c->*field = ContractRuleSetText(*r);
    }
  }
  return {};
}

void MergeContractSettings(const ConfigRecord& update, ConfigRecord* c) {
  if (update.compatibility_group) c->compatibility_group = update.compatibility_group;
  if (update.validate_fields) c->validate_fields = update.validate_fields;
  for (const auto& [key, field] : kContractObjects) {
    if (update.*field) c->*field = update.*field;
  }
}

void FillContractSettings(const ConfigRecord& fallback, ConfigRecord* c) {
  if (!c->compatibility_group) c->compatibility_group = fallback.compatibility_group;
  if (!c->validate_fields) c->validate_fields = fallback.validate_fields;
  for (const auto& [key, field] : kContractObjects) {
    if (!(c->*field)) c->*field = fallback.*field;
  }
}

}  // namespace accord::registry::internal

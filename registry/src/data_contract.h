// Private to registry/src: Confluent's data contracts, the per-version
// `metadata` and `ruleSet` objects (service.h, "DATA CONTRACTS"): reading
// and validating them, their normal form (what is stored, served and
// fingerprinted), and how config defaults and overrides merge with them.
// Not a public header.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "accord/registry/error.h"
#include "accord/registry/types.h"
#include "accord/schemas/json.h"

namespace accord::registry::internal {

// Bounds on one metadata or rule set object, so that reading, merging and
// comparing them stays cheap (42210 past them). The byte bound holds for the
// text given and for its normal form (what is stored and read again).
inline constexpr std::size_t kMaxContractBytes = 256 * 1024;  // JSON text of one object
inline constexpr std::size_t kMaxContractEntries = 1024;      // per map, set or rule list

// The metadata property Confluent keeps the version number in.
inline constexpr std::string_view kConfluentVersion = "confluent:version";
// The metadata property naming reserved fields (comma-separated).
inline constexpr std::string_view kConfluentReserved = "confluent:reserved";

// Confluent's Metadata: tags by path, string properties, sensitive names.
struct ContractMetadata {
  std::map<std::string, std::set<std::string>> tags{};
  std::map<std::string, std::string> properties{};
  std::set<std::string> sensitive{};
  friend bool operator==(const ContractMetadata&, const ContractMetadata&) = default;
};

// Confluent's Rule. Absent and empty strings are one (Confluent serves
// neither); kind and mode carry Confluent's defaults when not given.
struct ContractRule {
  std::string name{};
  std::string doc{};
  std::string kind{"TRANSFORM"};
  std::string mode{"WRITEREAD"};
  std::string type{};
  std::set<std::string> tags{};
  std::map<std::string, std::string> params{};
  std::string expr{};
  std::string on_success{};
  std::string on_failure{};
  bool disabled = false;
  friend bool operator==(const ContractRule&, const ContractRule&) = default;
};

// Confluent's RuleSet: three ordered lists of rules.
struct ContractRuleSet {
  std::vector<ContractRule> migration{};
  std::vector<ContractRule> domain{};
  std::vector<ContractRule> encoding{};
  friend bool operator==(const ContractRuleSet&, const ContractRuleSet&) = default;
};

// Reads a metadata object from JSON text; "" is none (nullopt). `what`
// names it in errors ("metadata", "defaultMetadata", ...). Errors: 42210
// (not an object, a member of the wrong type, past the limits).
RegistryResult<std::optional<ContractMetadata>> ParseContractMetadata(std::string_view text,
                                                                      std::string_view what);
// Reads a rule set and validates it as Confluent's RuleSet.validate does:
// each rule's name (1..64 characters, a letter or '_' first, then letters,
// digits, '_' or '-'; non-ASCII characters count as letters), unique
// across the lists; a type; kind TRANSFORM or
// CONDITION; mode UPGRADE, DOWNGRADE or UPDOWN for migration rules and
// WRITE, READ or WRITEREAD for domain and encoding rules; an onSuccess /
// onFailure with two comma-separated actions only for UPDOWN and
// WRITEREAD. Errors: 42210 naming the rule and the reason.
RegistryResult<std::optional<ContractRuleSet>> ParseContractRuleSet(std::string_view text,
                                                                    std::string_view what);

// The normal form as JSON text (Confluent's member order, maps and sets
// sorted, empty members left out); "" for nullopt.
std::string ContractMetadataText(const std::optional<ContractMetadata>& m);
std::string ContractRuleSetText(const std::optional<ContractRuleSet>& r);

// Confluent's Metadata.mergeMetadata: `over`'s properties and tag paths
// replace `base`'s of the same key, sensitive names are united; either side
// absent gives the other.
std::optional<ContractMetadata> MergeMetadata(const std::optional<ContractMetadata>& base,
                                              const std::optional<ContractMetadata>& over);
// Confluent's RuleSet.mergeRuleSets, per list: `base`'s rules not named in
// `over`'s list, in order, then `over`'s.
std::optional<ContractRuleSet> MergeRuleSets(const std::optional<ContractRuleSet>& base,
                                             const std::optional<ContractRuleSet>& over);

// Whether a contract settled by those merges (config defaults, a version's
// own or inherited contract, config overrides) is one that reads back from
// its normal form, as the next registration reads it: within the limits
// above, and each rule name once across the three lists (two merged rule
// sets may each name a rule in another list). Errors: 42210 saying the
// merge made it.
RegistryResult<void> CheckSettledContract(const std::optional<ContractMetadata>& m,
                                          const std::optional<ContractRuleSet>& r);

// A property of stored metadata text (tolerant: text that does not read as
// metadata has no properties).
std::optional<std::string> MetadataProperty(std::string_view metadata_text, std::string_view key);
// The names in a `confluent:reserved` property: split at commas, trimmed,
// empty ones dropped.
std::set<std::string> ReservedFields(const std::optional<ContractMetadata>& m);

// Adds the data-contract settings `c` sets to the config object `o`, as
// Confluent's GET /config serves them (compatibilityGroup, validateFields,
// and the four objects as JSON objects).
void AddContractSettings(const ConfigRecord& c, json::Value* o);
// Reads the data-contract settings of a PUT /config body into `c` (those
// the body names; null members are not set). The four objects are
// validated (rule sets as on registration) and stored in their normal
// form. Errors: 42210 for a bad object, 422 for a member of the wrong type.
RegistryResult<void> ParseContractSettings(const json::Value& body, ConfigRecord* c);
// Sets the members `update` sets (ConfigRecord's data-contract settings).
void MergeContractSettings(const ConfigRecord& update, ConfigRecord* c);
// Each data-contract setting `c` lacks taken from `fallback`.
void FillContractSettings(const ConfigRecord& fallback, ConfigRecord* c);

}  // namespace accord::registry::internal

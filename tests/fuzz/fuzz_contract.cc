// Fuzz target for the registry's data-contract parsing (registry/src/
// data_contract.*): metadata and rule set objects, their normal form, the
// merges of config defaults and overrides, confluent:reserved, and the
// data-contract members of a PUT /config body. fuzz_registry reaches these
// only behind a whole request sequence; this target feeds them directly.
//
// Input layout (text, so seeds are easy to write by hand): up to five parts
// separated by a line "%%" ("\n%%\n"), each JSON text (or empty = absent):
//   metadata A, rule set A, metadata B, rule set B, a PUT /config body
//
// Besides "never crash, hang, leak or trip a sanitizer", it checks what
// data_contract.h promises:
// - a refusal is 42210 (422 for a config member of the wrong type) with a
//   non-empty message;
// - the normal form is a fixed point: its text reads back to an equal
//   object whose text is the same (what is stored is what is served and
//   fingerprinted);
// - a merge of two accepted objects (default, own, override; service.cc
//   SettleContract) is refused by CheckSettledContract with 42210, or reads
//   back from its normal form as itself (what a registration stores is read
//   again by the next one, which inherits it);
// - every name of confluent:reserved is non-empty, trimmed and has no comma;
// - the settings a config body sets read back from what is stored.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "accord/schemas/load.h"
#include "data_contract.h"
#include "fuzz_check.h"

namespace {

namespace internal = accord::registry::internal;
using accord::registry::ErrorCode;
using accord::registry::RegistryError;

constexpr std::string_view kSeparator = "\n%%\n";
constexpr std::size_t kParts = 5;

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_contract", ok, what, detail);
}

void CheckRefusal(const RegistryError& e, bool config_member = false) {
  Check(e.code == ErrorCode::kInvalidCatalogMetadata ||
            (config_member && e.code == ErrorCode::kUnprocessable),
        "a refusal is not 42210", e.message);
  Check(!e.message.empty(), "a refusal without a message");
}

std::optional<internal::ContractMetadata> Metadata(std::string_view text) {
  auto m = internal::ParseContractMetadata(text, "metadata");
  if (!m) {
    CheckRefusal(m.error());
    return std::nullopt;
  }
  const std::string normal = internal::ContractMetadataText(*m);
  Check(normal.empty() == !m->has_value(), "metadata's normal form is empty iff none", normal);
  auto again = internal::ParseContractMetadata(normal, "metadata");
  Check(again.has_value(), "metadata's normal form does not read back",
        again ? std::string_view() : std::string_view(again.error().message));
  Check(*again == *m, "metadata's normal form reads back as other metadata", normal);
  Check(internal::ContractMetadataText(*again) == normal, "metadata's normal form moved", normal);
  for (const std::string& name : internal::ReservedFields(*m)) {
    Check(!name.empty() && name.find(',') == std::string::npos && name.front() != ' ' &&
              name.back() != ' ' && name.front() != '\t' && name.back() != '\t',
          "a reserved name is empty, untrimmed or holds a comma", name);
  }
  return *m;
}

std::optional<internal::ContractRuleSet> RuleSet(std::string_view text) {
  auto r = internal::ParseContractRuleSet(text, "ruleSet");
  if (!r) {
    CheckRefusal(r.error());
    return std::nullopt;
  }
  const std::string normal = internal::ContractRuleSetText(*r);
  Check(normal.empty() == !r->has_value(), "rule set's normal form is empty iff none", normal);
  auto again = internal::ParseContractRuleSet(normal, "ruleSet");
  Check(again.has_value(), "rule set's normal form does not read back",
        again ? std::string_view() : std::string_view(again.error().message));
  Check(*again == *r, "rule set's normal form reads back as another rule set", normal);
  Check(internal::ContractRuleSetText(*again) == normal, "rule set's normal form moved", normal);
  return *r;
}

void CheckMerges(const std::optional<internal::ContractMetadata>& ma,
                 const std::optional<internal::ContractRuleSet>& ra,
                 const std::optional<internal::ContractMetadata>& mb,
                 const std::optional<internal::ContractRuleSet>& rb) {
  auto m = internal::MergeMetadata(ma, mb);
  if (m) {
    // `over` wins key by key; sensitive names are united.
    if (mb) {
      for (const auto& [k, v] : mb->properties) {
        Check(m->properties.at(k) == v, "a merged property is not the override's", k);
      }
    }
    if (ma && mb) {
      Check(m->sensitive.size() >= ma->sensitive.size() &&
                m->sensitive.size() >= mb->sensitive.size(),
            "merged sensitive names lost one");
    }
  }
  // A settled contract is stored only when CheckSettledContract accepts it;
  // then it reads back as itself.
  auto r = internal::MergeRuleSets(ra, rb);
  auto settled = internal::CheckSettledContract(m, r);
  if (!settled) {
    CheckRefusal(settled.error());
    return;
  }
  const std::string mtext = internal::ContractMetadataText(m);
  auto mback = internal::ParseContractMetadata(mtext, "metadata");
  Check(mback.has_value() && *mback == m, "accepted merged metadata does not read back", mtext);
  const std::string rtext = internal::ContractRuleSetText(r);
  auto rback = internal::ParseContractRuleSet(rtext, "ruleSet");
  Check(rback.has_value() && *rback == r, "an accepted merged rule set does not read back", rtext);
}

void CheckConfigBody(std::string_view text) {
  auto doc = accord::ParseJson(text, "config");
  if (!doc || !doc->root.IsObject()) return;
  accord::registry::ConfigRecord c;
  auto ok = internal::ParseContractSettings(doc->root, &c);
  if (!ok) {
    CheckRefusal(ok.error(), /*config_member=*/true);
    return;
  }
  for (const auto* field : {&c.default_metadata, &c.override_metadata}) {
    if (!*field) continue;
    auto back = internal::ParseContractMetadata(**field, "metadata");
    Check(back.has_value() && internal::ContractMetadataText(*back) == **field,
          "stored config metadata does not read back", **field);
  }
  for (const auto* field : {&c.default_rule_set, &c.override_rule_set}) {
    if (!*field) continue;
    auto back = internal::ParseContractRuleSet(**field, "ruleSet");
    Check(back.has_value() && internal::ContractRuleSetText(*back) == **field,
          "stored config rule set does not read back", **field);
  }
  accord::json::Value served{accord::json::Object{}};
  internal::AddContractSettings(c, &served);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::array<std::string_view, kParts> parts{};
  for (std::size_t i = 0; i < kParts && !input.empty(); ++i) {
    std::size_t cut = input.find(kSeparator);
    parts[i] = input.substr(0, cut);
    input =
        cut == std::string_view::npos ? std::string_view() : input.substr(cut + kSeparator.size());
  }
  auto ma = Metadata(parts[0]);
  auto ra = RuleSet(parts[1]);
  auto mb = Metadata(parts[2]);
  auto rb = RuleSet(parts[3]);
  CheckMerges(ma, ra, mb, rb);
  CheckConfigBody(parts[4]);
  return 0;
}

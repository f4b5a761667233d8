// Governance lint: house rules for event schemas, beyond what compatibility
// checks. Used by `accord lint` (local files) and by the registry on register
// when a subject's config turns it on.
//
// RULES (id, default severity; each one can be set to error, warning or off):
//  subject-name          error    the subject matches the naming pattern (by
//                                 default `<domain>.<event-name>`, kebab-case
//                                 segments: "billing.invoice-issued")
//  event-name-tense      warning  the event name's last word is in the past
//                                 tense ("invoice-issued", not "issue-invoice")
//  schema-description    error    the schema has a description (JSON Schema
//                                 `description`, Avro `doc`)
//  property-description  error    every top-level property / field has one
//  owner-required        error    an owner is known (the registry's subject
//                                 owner, --owner, or the schema's `x-owner`
//                                 (JSON Schema) / `owner` (Avro) attribute)
//  pii-unmarked          error    a property whose name suggests personal data
//                                 (email, phone, person names, address, birth
//                                 date, IP address, national id, card number)
//                                 is marked `x-pii` (JSON Schema) / `pii`
//                                 (Avro); `false` is an explicit "not personal"
//  open-payload          error    the top-level object does not say
//                                 `additionalProperties: true` (or `{}`); an
//                                 absent additionalProperties is not flagged
//  envelope              off      the payload requires an event id and an
//                                 occurred-at time (names configurable;
//                                 JSON Schema: in `required`, the time with
//                                 format date-time; Avro: fields present)
//
// Config (YAML/JSON, the `lint:` section):
//   subject_pattern: '^…$'          # RE2 syntax
//   envelope: {id: event_id, time: occurred_at}
//   rules: {pii-unmarked: warning, open-payload: off, envelope: error}
//
// Thread safety: Lint is a pure function.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"
#include "accord/schemas/schema_type.h"

namespace accord::compat {
struct SchemaSource;
struct ReferencedSchema;
}  // namespace accord::compat

namespace accord::compat::lint {

enum class Level : std::uint8_t { kOff, kWarning, kError };
std::string_view LevelName(Level l);  // "off", "warning", "error"
std::optional<Level> LevelFromString(std::string_view s);

struct RuleInfo {
  std::string_view id;
  Level default_level;
  std::string_view summary;
};
// Every rule, in the order above.
const std::vector<RuleInfo>& Rules();

struct Config {
  // Missing rules take their default level.
  std::map<std::string, Level, std::less<>> levels;
  std::string subject_pattern = R"(^[a-z][a-z0-9]*(-[a-z0-9]+)*(\.[a-z][a-z0-9]*(-[a-z0-9]+)*)+$)";
  std::string envelope_id = "id";
  std::string envelope_time = "occurred_at";

  Level LevelOf(std::string_view rule) const;
};

// Parses the `lint:` section (null: defaults). Errors name the member
// ("lint.rules.pii-unmarkd: unknown rule (did you mean pii-unmarked?)"), and
// an invalid subject_pattern.
Result<Config> ParseConfig(const json::Value& section);

// Rule ids.
inline constexpr std::string_view kSubjectName = "subject-name";
inline constexpr std::string_view kEventTense = "event-name-tense";
inline constexpr std::string_view kSchemaDescription = "schema-description";
inline constexpr std::string_view kPropertyDescription = "property-description";
inline constexpr std::string_view kOwnerRequired = "owner-required";
inline constexpr std::string_view kPiiUnmarked = "pii-unmarked";
inline constexpr std::string_view kOpenPayload = "open-payload";
inline constexpr std::string_view kEnvelope = "envelope";

struct Input {
  std::string subject;  // empty: the subject rules are skipped
  std::string owner;    // empty: looked up in the schema
  SchemaType type = SchemaType::kJson;
  // The schema as read (need not be valid); null: only the subject rules.
  // A type without a language (compat::LanguageFor) has nothing to lint.
  const SchemaSource* source = nullptr;
  // The schema's resolved references (ParseOptions::references), for a
  // language that needs them to read the schema at all (Protobuf imports);
  // null: none.
  const std::vector<ReferencedSchema>* references = nullptr;
};

struct Finding {
  std::string rule;  // rule id
  Level level = Level::kError;
  std::string pointer;  // JSON pointer into the schema ("" = root or n/a)
  std::string message;  // one line
};

// What a language's lint view (compat::Language::Lint) reports into: the
// rules that look inside a schema (schema-description, property-description,
// owner-required, pii-unmarked, open-payload, envelope), each applied as the
// language spells the thing it checks.
class Context {
 public:
  Context(const Config& config, std::string owner,
          const std::vector<ReferencedSchema>* references = nullptr);
  const Config& config() const { return config_; }
  // Input::references; null when none were given.
  const std::vector<ReferencedSchema>* references() const { return references_; }
  // True when the owner is known outside the schema (the subject's owner,
  // --owner): owner-required is then met.
  bool owner_known() const { return !owner_.empty(); }
  // Adds a finding at the rule's configured level (dropped when off).
  void Add(std::string_view rule, std::string pointer, std::string message);
  // Counts one schema node at `depth` (the root is 0); false past the walking
  // limits (depth 64, 100,000 nodes), when the rest is not linted.
  bool Enter(std::size_t depth);
  std::vector<Finding> Take() { return std::move(findings_); }

 private:
  const Config& config_;
  std::string owner_;
  const std::vector<ReferencedSchema>* references_;
  std::vector<Finding> findings_;
  std::size_t nodes_ = 0;
};

// The kind of personal data a property named `name` (inside one named
// `parent`) suggests ("an email address", "a person's name", ...), or ""
// (the pii-unmarked rule).
std::string_view LooksLikePersonalData(std::string_view name, std::string_view parent);

// Findings in schema order (subject and owner rules first). Never fails: a
// schema of the wrong shape simply has nothing to check.
std::vector<Finding> Lint(const Input& input, const Config& config);

// True when any finding is an error.
bool HasErrors(const std::vector<Finding>& findings);

}  // namespace accord::compat::lint

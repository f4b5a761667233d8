#include "accord/compat/lint.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "accord/compat/language.h"
#include "accord/schemas/pointer.h"
#include "accord/schemas/regex.h"
#include "lint_views.h"

namespace accord::compat::lint {
namespace {

// Walking limits: lint reads schemas the loaders already bounded, but a
// schema may still be wide; past these the rest is not linted.
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 100'000;

std::unexpected<Error> ConfigError(const std::string& where, const std::string& why) {
  return std::unexpected(Error{ErrorCode::kInvalidSchema, where + ": " + why, {}, {}, {}});
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// --- names -----------------------------------------------------------------

// "customerEmail", "customer_email", "Customer-Email" -> {"customer", "email"}.
std::vector<std::string> Words(std::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(std::move(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    const bool upper = std::isupper(c) != 0;
    const bool prev_lower = i > 0 && std::islower(static_cast<unsigned char>(name[i - 1]));
    const bool next_lower =
        i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
    const bool prev_upper = i > 0 && std::isupper(static_cast<unsigned char>(name[i - 1]));
    if (upper && (prev_lower || (prev_upper && next_lower))) flush();
    cur.push_back(static_cast<char>(std::tolower(c)));
  }
  flush();
  return words;
}

bool HasWord(const std::vector<std::string>& w, std::string_view word) {
  return std::find(w.begin(), w.end(), word) != w.end();
}

bool HasPair(const std::vector<std::string>& w, std::string_view a, std::string_view b) {
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    if (w[i] == a && w[i + 1] == b) return true;
  }
  return false;
}

// Which kind of personal data a property name suggests, or "" when none.
// `parent` is the enclosing property's name (a bare "name" inside "customer"
// is a person's name; inside "product" it is not).
std::string_view PersonalDataKind(std::string_view name, std::string_view parent) {
  const std::vector<std::string> w = Words(name);
  if (w.empty()) return {};
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kSingle{{
      {"email", "an email address"},
      {"phone", "a phone number"},
      {"mobile", "a phone number"},
      {"msisdn", "a phone number"},
      {"surname", "a person's name"},
      {"firstname", "a person's name"},
      {"lastname", "a person's name"},
      {"fullname", "a person's name"},
      {"address", "an address"},
      {"street", "an address"},
      {"postcode", "an address"},
      {"zipcode", "an address"},
      {"birthdate", "a birth date"},
      {"dob", "a birth date"},
      {"birthday", "a birth date"},
      {"ssn", "a national id"},
      {"passport", "a national id"},
  }};
  for (const auto& [word, kind] : kSingle) {
    if (HasWord(w, word)) return kind;
  }
  for (std::string_view first :
       {"first", "last", "full", "given", "family", "middle", "maiden", "display", "legal"}) {
    if (HasPair(w, first, "name")) return "a person's name";
  }
  if (HasPair(w, "postal", "code") || HasPair(w, "zip", "code")) return "an address";
  if (HasPair(w, "birth", "date") || HasPair(w, "date", "of")) {
    if (HasWord(w, "birth")) return "a birth date";
  }
  if (HasWord(w, "ip") || HasWord(w, "ipv4") || HasWord(w, "ipv6")) return "an IP address";
  if (HasPair(w, "national", "id") || HasPair(w, "tax", "id") || HasPair(w, "social", "security") ||
      HasWord(w, "nin")) {
    return "a national id";
  }
  if (HasPair(w, "card", "number") || HasWord(w, "pan") || HasWord(w, "creditcard") ||
      HasPair(w, "credit", "card") || HasWord(w, "iban")) {
    return "a card or account number";
  }
  if (w.size() == 1 && w[0] == "name") {
    const std::vector<std::string> p = Words(parent);
    for (std::string_view person :
         {"customer", "user", "person", "contact", "recipient", "sender", "employee", "buyer",
          "payer", "holder", "owner", "patient", "member", "driver", "passenger"}) {
      if (HasWord(p, person)) return "a person's name";
    }
  }
  return {};
}

bool LooksPastTense(std::string_view word) {
  if (word.size() > 2 && word.ends_with("ed")) return true;
  static constexpr std::array<std::string_view, 24> kIrregular{
      "sent",    "paid",   "built", "made",  "done",  "taken", "given", "sold",
      "bought",  "held",   "left",  "lost",  "found", "won",   "begun", "shown",
      "written", "chosen", "drawn", "known", "seen",  "set",   "put",   "read"};
  return std::find(kIrregular.begin(), kIrregular.end(), word) != kIrregular.end();
}

bool IsParticle(std::string_view word) {
  for (std::string_view p : {"up", "out", "in", "off", "on", "down", "over", "back", "away"}) {
    if (word == p) return true;
  }
  return false;
}

void CheckSubject(const std::string& subject, Context& cx) {
  const Config& config = cx.config();
  if (config.LevelOf(kSubjectName) != Level::kOff) {
    auto re = EcmaRegex::Compile(config.subject_pattern);
    if (re && !re->Search(subject)) {
      cx.Add(kSubjectName, "",
             "subject '" + subject + "' does not match the naming pattern " +
                 config.subject_pattern + " (e.g. 'billing.invoice-issued')");
    }
  }
  const auto dot = subject.rfind('.');
  const std::string event = subject.substr(dot == std::string::npos ? 0 : dot + 1);
  std::vector<std::string> w = Words(event);
  // Phrasal verbs: "user-signed-up", "cart-checked-out".
  while (w.size() > 1 && IsParticle(w.back())) w.pop_back();
  if (!w.empty() && !LooksPastTense(w.back())) {
    cx.Add(kEventTense, "",
           "event name '" + event +
               "' does not end in a past-tense verb: events say what "
               "happened (e.g. 'invoice-issued', 'order-placed')");
  }
}

// --- the walks of the JSON-written languages ---------------------------------

bool HasText(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.Find(key);
  return v != nullptr && v->IsString() && !v->AsString().empty();
}

// The owner-required rule over a JSON-written schema's owner attribute.
void CheckOwnerAttribute(const json::Value& root, std::string_view attribute,
                         std::string_view message, Context& cx) {
  if (cx.owner_known()) return;
  const json::Value* attr = root.IsObject() ? root.Find(attribute) : nullptr;
  if (attr != nullptr && attr->IsString() && !attr->AsString().empty()) return;
  cx.Add(kOwnerRequired, "", std::string(message));
}

// JSON Schema ----------------------------------------------------------------

class JsonLinter {
 public:
  explicit JsonLinter(Context& cx) : cx_(cx) {}

  void Root(const json::Value& root) {
    if (!root.IsObject()) return;
    if (!HasText(root, "description")) {
      cx_.Add(kSchemaDescription, "", "the schema has no \"description\"");
    }
    if (const json::Value* props = root.Find("properties"); props != nullptr && props->IsObject()) {
      for (const json::Member& m : props->AsObject()) {
        if (m.value.IsObject() && !HasText(m.value, "description") && !m.value.Find("$ref")) {
          cx_.Add(kPropertyDescription, "/properties/" + json::EscapeToken(m.key),
                  "property '" + m.key + "' has no \"description\"");
        }
      }
    }
    if (const json::Value* ap = root.Find("additionalProperties");
        ap != nullptr &&
        ((ap->IsBool() && ap->AsBool()) || (ap->IsObject() && ap->AsObject().empty()))) {
      cx_.Add(kOpenPayload, "/additionalProperties",
              "the event payload allows any additional property (additionalProperties: true); "
              "list the properties, or allow this in the lint config");
    }
    Envelope(root);
    Walk(root, "", "", 0);
  }

 private:
  void Envelope(const json::Value& root) {
    const Config& config = cx_.config();
    if (config.LevelOf(kEnvelope) == Level::kOff) return;
    std::set<std::string> required;
    if (const json::Value* r = root.Find("required"); r != nullptr && r->IsArray()) {
      for (const json::Value& e : r->AsArray()) {
        if (e.IsString()) required.insert(e.AsString());
      }
    }
    for (const std::string* name : {&config.envelope_id, &config.envelope_time}) {
      if (!required.contains(*name)) {
        cx_.Add(kEnvelope, "/required", "the envelope property '" + *name + "' is not required");
      }
    }
    const json::Value* props = root.Find("properties");
    const json::Value* time =
        props != nullptr && props->IsObject() ? props->Find(config.envelope_time) : nullptr;
    if (time != nullptr && time->IsObject()) {
      const json::Value* format = time->Find("format");
      if (format == nullptr || !format->IsString() || format->AsString() != "date-time") {
        cx_.Add(kEnvelope, "/properties/" + json::EscapeToken(config.envelope_time),
                "the envelope time '" + config.envelope_time + "' should have format date-time");
      }
    }
  }

  void Walk(const json::Value& s, const std::string& ptr, std::string_view parent,
            std::size_t depth) {
    if (!s.IsObject() || !cx_.Enter(depth)) return;
    if (const json::Value* props = s.Find("properties"); props != nullptr && props->IsObject()) {
      for (const json::Member& m : props->AsObject()) {
        const std::string at = ptr + "/properties/" + json::EscapeToken(m.key);
        if (m.value.IsObject() && m.value.Find("x-pii") == nullptr) {
          if (std::string_view kind = PersonalDataKind(m.key, parent); !kind.empty()) {
            cx_.Add(kPiiUnmarked, at,
                    "property '" + m.key + "' looks like " + std::string(kind) +
                        ": mark it \"x-pii\": true (or false if it is not personal data)");
          }
        }
        Walk(m.value, at, m.key, depth + 1);
      }
    }
    // Other subschemas keep the parent's name (items of "customers" are customers).
    // Every dialect's keywords are walked (a schema without $schema is
    // draft-07 by default, with array-form items, additionalItems and
    // dependencies; 2020-12 has prefixItems and dependentSchemas), so lint
    // needs no dialect: a keyword another dialect ignores only adds findings
    // about properties the author wrote.
    for (std::string_view key :
         {"items", "additionalItems", "additionalProperties", "not", "if", "then", "else",
          "contains", "unevaluatedProperties", "unevaluatedItems"}) {
      if (const json::Value* sub = s.Find(key)) {
        Walk(*sub, ptr + "/" + std::string(key), parent, depth + 1);
      }
    }
    for (std::string_view key : {"allOf", "anyOf", "oneOf", "prefixItems", "items"}) {
      const json::Value* list = s.Find(key);
      if (list == nullptr || !list->IsArray()) continue;
      for (std::size_t i = 0; i < list->AsArray().size(); ++i) {
        Walk(list->AsArray()[i], ptr + "/" + std::string(key) + "/" + std::to_string(i), parent,
             depth + 1);
      }
    }
    for (std::string_view key :
         {"$defs", "definitions", "patternProperties", "dependentSchemas", "dependencies"}) {
      const json::Value* map = s.Find(key);
      if (map == nullptr || !map->IsObject()) continue;
      for (const json::Member& m : map->AsObject()) {
        Walk(m.value, ptr + "/" + std::string(key) + "/" + json::EscapeToken(m.key),
             key == "$defs" || key == "definitions" ? std::string_view(m.key) : parent, depth + 1);
      }
    }
  }

  Context& cx_;
};

// Avro -----------------------------------------------------------------------

class AvroLinter {
 public:
  explicit AvroLinter(Context& cx) : cx_(cx) {}

  void Root(const json::Value& root) {
    if (!root.IsObject()) return;
    const Config& config = cx_.config();
    if (!HasText(root, "doc")) cx_.Add(kSchemaDescription, "", "the schema has no \"doc\"");
    const json::Value* fields = root.Find("fields");
    if (fields != nullptr && fields->IsArray()) {
      std::set<std::string> names;
      for (std::size_t i = 0; i < fields->AsArray().size(); ++i) {
        const json::Value& f = fields->AsArray()[i];
        if (!f.IsObject()) continue;
        const json::Value* name = f.Find("name");
        const std::string n = name != nullptr && name->IsString() ? name->AsString() : "";
        names.insert(n);
        if (!HasText(f, "doc")) {
          cx_.Add(kPropertyDescription, "/fields/" + std::to_string(i),
                  "field '" + n + "' has no \"doc\"");
        }
      }
      if (config.LevelOf(kEnvelope) != Level::kOff) {
        for (const std::string* need : {&config.envelope_id, &config.envelope_time}) {
          if (!names.contains(*need)) {
            cx_.Add(kEnvelope, "/fields", "the envelope field '" + *need + "' is missing");
          }
        }
      }
    }
    Walk(root, "", "", 0);
  }

 private:
  void Walk(const json::Value& t, const std::string& ptr, std::string_view parent,
            std::size_t depth) {
    if (!cx_.Enter(depth)) return;
    if (t.IsArray()) {
      for (std::size_t i = 0; i < t.AsArray().size(); ++i) {
        Walk(t.AsArray()[i], ptr + "/" + std::to_string(i), parent, depth + 1);
      }
      return;
    }
    if (!t.IsObject()) return;
    if (const json::Value* fields = t.Find("fields"); fields != nullptr && fields->IsArray()) {
      for (std::size_t i = 0; i < fields->AsArray().size(); ++i) {
        const json::Value& f = fields->AsArray()[i];
        if (!f.IsObject()) continue;
        const json::Value* name = f.Find("name");
        if (name == nullptr || !name->IsString()) continue;
        const std::string at = ptr + "/fields/" + std::to_string(i);
        if (f.Find("pii") == nullptr) {
          if (std::string_view kind = PersonalDataKind(name->AsString(), parent); !kind.empty()) {
            cx_.Add(kPiiUnmarked, at,
                    "field '" + name->AsString() + "' looks like " + std::string(kind) +
                        ": mark it \"pii\": true (or false if it is not personal data)");
          }
        }
        if (const json::Value* type = f.Find("type")) {
          Walk(*type, at + "/type", name->AsString(), depth + 1);
        }
      }
    }
    for (std::string_view key : {"items", "values"}) {
      if (const json::Value* sub = t.Find(key)) {
        Walk(*sub, ptr + "/" + std::string(key), parent, depth + 1);
      }
    }
  }

  Context& cx_;
};

}  // namespace

Context::Context(const Config& config, std::string owner,
                 const std::vector<ReferencedSchema>* references)
    : config_(config), owner_(std::move(owner)), references_(references) {}

void Context::Add(std::string_view rule, std::string pointer, std::string message) {
  const Level level = config_.LevelOf(rule);
  if (level == Level::kOff) return;
  findings_.push_back(Finding{std::string(rule), level, std::move(pointer), std::move(message)});
}

bool Context::Enter(std::size_t depth) { return depth <= kMaxDepth && ++nodes_ <= kMaxNodes; }

std::string_view LooksLikePersonalData(std::string_view name, std::string_view parent) {
  return PersonalDataKind(name, parent);
}

namespace internal {

void LintJsonSchemaDocument(const json::Value& root, Context& cx) {
  CheckOwnerAttribute(root, "x-owner",
                      "no owner: register through an owner, pass --owner, or add \"x-owner\"", cx);
  JsonLinter(cx).Root(root);
}

void LintAvroDocument(const json::Value& root, Context& cx) {
  CheckOwnerAttribute(
      root, "owner",
      "no owner: register through an owner, pass --owner, or add an \"owner\" attribute", cx);
  AvroLinter(cx).Root(root);
}

}  // namespace internal

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kOff:
      return "off";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "off";
}

std::optional<Level> LevelFromString(std::string_view s) {
  for (Level l : {Level::kOff, Level::kWarning, Level::kError}) {
    if (s == LevelName(l)) return l;
  }
  if (s == "warn") return Level::kWarning;
  return std::nullopt;
}

const std::vector<RuleInfo>& Rules() {
  static const std::vector<RuleInfo> kRules = {
      {kSubjectName, Level::kError, "subject names follow the naming pattern"},
      {kEventTense, Level::kWarning, "event names end in a past-tense verb"},
      {kSchemaDescription, Level::kError, "the schema has a description"},
      {kPropertyDescription, Level::kError, "every top-level property has a description"},
      {kOwnerRequired, Level::kError, "the event has an owner"},
      {kPiiUnmarked, Level::kError, "properties that look like personal data are marked"},
      {kOpenPayload, Level::kError, "no additionalProperties: true on the payload"},
      {kEnvelope, Level::kOff, "the payload requires an event id and occurred-at time"},
  };
  return kRules;
}

Level Config::LevelOf(std::string_view rule) const {
  if (auto it = levels.find(rule); it != levels.end()) return it->second;
  for (const RuleInfo& r : Rules()) {
    if (r.id == rule) return r.default_level;
  }
  return Level::kOff;
}

Result<Config> ParseConfig(const json::Value& section) {
  Config config;
  if (section.IsNull()) return config;
  if (!section.IsObject()) return ConfigError("lint", "expected a mapping");
  for (const json::Member& m : section.AsObject()) {
    const std::string where = "lint." + m.key;
    if (m.key == "subject_pattern") {
      if (!m.value.IsString()) return ConfigError(where, "expected a string");
      auto re = EcmaRegex::Compile(m.value.AsString());
      if (!re) return ConfigError(where, re.error().message);
      config.subject_pattern = m.value.AsString();
    } else if (m.key == "envelope") {
      if (!m.value.IsObject()) return ConfigError(where, "expected {id: NAME, time: NAME}");
      for (const json::Member& e : m.value.AsObject()) {
        if (!e.value.IsString() || e.value.AsString().empty()) {
          return ConfigError(where + "." + e.key, "expected a property name");
        }
        if (e.key == "id") {
          config.envelope_id = e.value.AsString();
        } else if (e.key == "time") {
          config.envelope_time = e.value.AsString();
        } else {
          return ConfigError(where + "." + e.key, "unknown member (id, time)");
        }
      }
    } else if (m.key == "rules") {
      if (!m.value.IsObject()) return ConfigError(where, "expected a mapping of rule: level");
      for (const json::Member& r : m.value.AsObject()) {
        const std::string at = where + "." + r.key;
        const RuleInfo* rule = nullptr;
        const RuleInfo* closest = nullptr;
        std::size_t best = 3;
        for (const RuleInfo& info : Rules()) {
          if (info.id == r.key) rule = &info;
          if (std::size_t d = EditDistance(info.id, r.key); d < best) {
            best = d;
            closest = &info;
          }
        }
        if (rule == nullptr) {
          return ConfigError(at, closest != nullptr ? "unknown rule (did you mean " +
                                                          std::string(closest->id) + "?)"
                                                    : std::string("unknown rule"));
        }
        // YAML reads `off` as a string here (the loader keeps YAML 1.2 core
        // booleans only), but accept false for "off" as people write it.
        std::optional<Level> level;
        if (r.value.IsString()) level = LevelFromString(r.value.AsString());
        if (r.value.IsBool() && !r.value.AsBool()) level = Level::kOff;
        if (!level) return ConfigError(at, "expected error, warning or off");
        config.levels[std::string(rule->id)] = *level;
      }
    } else {
      return ConfigError(where, "unknown setting (subject_pattern, envelope, rules)");
    }
  }
  return config;
}

std::vector<Finding> Lint(const Input& input, const Config& config) {
  Context cx(config, input.owner, input.references);
  if (!input.subject.empty()) CheckSubject(input.subject, cx);
  if (input.source == nullptr) return cx.Take();
  if (const Language* language = LanguageFor(input.type)) language->Lint(*input.source, cx);
  return cx.Take();
}

bool HasErrors(const std::vector<Finding>& findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.level == Level::kError; });
}

}  // namespace accord::compat::lint

#include "accord/registry/service.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "accord/schemas/canonical.h"
#include "authz.h"
#include "data_contract.h"
#include "field_index.h"
#include "folded_names.h"
#include "formats.h"
#include "service_internal.h"
#include "subject_names.h"
#include "utf8.h"

namespace accord::registry {

using internal::MakeAudit;
using internal::ParsedSchema;
using internal::Quoted;
using internal::ResolvedReference;
using internal::SubjectNotFound;

namespace {

// Non-transitive counterpart of a level (the compatibility endpoint with an
// explicit version checks only that version).
compat::Level NonTransitive(compat::Level level) {
  switch (level) {
    case compat::Level::kBackwardTransitive:
      return compat::Level::kBackward;
    case compat::Level::kForwardTransitive:
      return compat::Level::kForward;
    case compat::Level::kFullTransitive:
      return compat::Level::kFull;
    default:
      return level;
  }
}

// The same versions with the same schemas (what a compatibility check reads).
bool SameSchemas(const std::vector<VersionRecord>& a, const std::vector<VersionRecord>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const VersionRecord& x, const VersionRecord& y) {
                      return x.version == y.version && x.schema_id == y.schema_id;
                    });
}

std::vector<VersionRecord> LiveOnly(const std::vector<VersionRecord>& all) {
  std::vector<VersionRecord> live;
  for (const VersionRecord& v : all) {
    if (!v.deleted) live.push_back(v);
  }
  return live;
}

// A schema's identity. Metadata and rule set (normal form, "" when none)
// take part only when present, so the fingerprint (and id) of a schema
// without them is what it was before data contracts counted.
std::string Fingerprint(SchemaType type, const std::string& canonical,
                        const std::vector<SchemaReference>& refs, const std::string& metadata = {},
                        const std::string& rule_set = {}) {
  std::string key(SchemaTypeName(type));
  key += '\0';
  key += canonical;
  for (const SchemaReference& r : refs) {
    key += '\0';
    key += r.name;
    key += '\0';
    key += r.subject.str();
    key += '\0';
    key += std::to_string(r.version.value());
  }
  if (!metadata.empty() || !rule_set.empty()) {
    // Markers no canonical text or reference produces after a NUL.
    key += std::string("\0\x01metadata\0", 11) + metadata;
    key += std::string("\0\x01ruleSet\0", 10) + rule_set;
  }
  return json::ToHex(json::Sha256Of(key));
}

// The same schema (type, canonical text, references) as a stored record.
bool SameSchemaAs(const SchemaRecord& rec, const internal::ParsedSchema& schema,
                  const std::vector<SchemaReference>& refs) {
  return rec.type == schema.type && rec.canonical.size() == schema.canonical().size() &&
         rec.references == refs && rec.canonical == schema.canonical();
}

// Stored metadata / rule set text equal to `m` / `r` once `confluent:version`
// is set aside (Confluent's lookup: a schema sent without it, or with
// another number, is the version it otherwise equals). Text that no longer
// reads as a contract is compared as it is.
bool SameContract(const std::string& metadata_text, const std::string& rule_set_text,
                  std::optional<internal::ContractMetadata> m,
                  const std::optional<internal::ContractRuleSet>& r) {
  auto stored_rules = internal::ParseContractRuleSet(rule_set_text, "ruleSet");
  if (stored_rules ? *stored_rules != r : rule_set_text != internal::ContractRuleSetText(r)) {
    return false;
  }
  auto stored = internal::ParseContractMetadata(metadata_text, "metadata");
  if (!stored) return metadata_text == internal::ContractMetadataText(m);
  std::optional<internal::ContractMetadata> a = std::move(*stored);
  for (auto* x : {&a, &m}) {
    if (*x) (*x)->properties.erase(std::string(internal::kConfluentVersion));
  }
  return a == m;
}

// Confluent-style verbose messages for a report.
std::vector<std::string> MessagesFor(const compat::Report& report, compat::Level level) {
  std::vector<std::string> out;
  std::set<int> old_versions;
  for (const compat::Finding& f : report.findings) {
    if (!compat::IsFailing(f.severity)) continue;
    // An undecided finding rejects the version too, but is not presented as
    // a proven break (it has no witness).
    std::string m = "{errorType:'" + std::string(f.kind.name()) + "', description:'" +
                    (f.severity == compat::Severity::kUndecided
                         ? "UNDECIDED (not proven, treated as incompatible): "
                         : "") +
                    f.message + "'";
    // A pointer into a referenced schema follows that reference's name.
    auto where = [](const std::string& document, const std::string& path) {
      return document.empty() ? (path.empty() ? "#" : path) : document + "#" + path;
    };
    if (!f.writer_path.empty() || !f.reader_path.empty() || !f.writer_document.empty() ||
        !f.reader_document.empty()) {
      m += ", additionalInfo:'writer path: " + where(f.writer_document, f.writer_path) +
           ", reader path: " + where(f.reader_document, f.reader_path) + "'";
    }
    if (f.witness) m += ", witness:'" + json::ToJson(*f.witness) + "'";
    m += "}";
    out.push_back(std::move(m));
    old_versions.insert(std::min(f.writer_version, f.reader_version));
  }
  for (int v : old_versions) {
    if (v > 0) out.push_back("{oldSchemaVersion: " + std::to_string(v) + "}");
  }
  if (!out.empty())
    out.push_back("{compatibility: '" + std::string(compat::LevelName(level)) + "'}");
  return out;
}

std::string ConfigJson(const ConfigRecord& c) {
  json::Value o{json::Object{}};
  if (c.level) o.Add("compatibility", std::string(compat::LevelName(*c.level)));
  if (c.policy) o.Add("compatibilityPolicy", std::string(compat::PolicyName(*c.policy)));
  if (c.lint) o.Add("lint", *c.lint);
  internal::AddContractSettings(c, &o);
  return json::ToJson(o);
}

// A version's data contract: its metadata and rule set.
struct Contract {
  std::optional<internal::ContractMetadata> metadata{};
  std::optional<internal::ContractRuleSet> rule_set{};
};

// Stored contract text read back; text that does not read (written before
// data contracts were validated) counts as none.
std::optional<internal::ContractMetadata> StoredMetadata(const std::string& text) {
  auto m = internal::ParseContractMetadata(text, "metadata");
  return m ? std::move(*m) : std::nullopt;
}
std::optional<internal::ContractRuleSet> StoredRuleSet(const std::string& text) {
  auto r = internal::ParseContractRuleSet(text, "ruleSet");
  return r ? std::move(*r) : std::nullopt;
}

// Confluent's maybeSetMetadataRuleSet: the config's defaults, then the
// given metadata / rule set (each absent one: the previous live version's),
// then the config's overrides. With `numbered` (a registration: the new
// version's number), confluent:version is set to it when the request named
// a version or the merged metadata carries the property (whatever value
// the client sent).
Contract SettleContract(Contract given, const VersionRecord* previous, const ConfigRecord& settings,
                        std::optional<Version> numbered, bool version_requested) {
  if (!given.metadata && previous != nullptr) given.metadata = StoredMetadata(previous->metadata);
  if (!given.rule_set && previous != nullptr) given.rule_set = StoredRuleSet(previous->rule_set);
  auto text = [](const std::optional<std::string>& t) { return t.value_or(std::string()); };
  Contract out;
  out.metadata = internal::MergeMetadata(
      internal::MergeMetadata(StoredMetadata(text(settings.default_metadata)), given.metadata),
      StoredMetadata(text(settings.override_metadata)));
  out.rule_set = internal::MergeRuleSets(
      internal::MergeRuleSets(StoredRuleSet(text(settings.default_rule_set)), given.rule_set),
      StoredRuleSet(text(settings.override_rule_set)));
  const std::string version_key(internal::kConfluentVersion);
  if (numbered &&
      (version_requested || (out.metadata && out.metadata->properties.contains(version_key)))) {
    if (!out.metadata) out.metadata.emplace();
    out.metadata->properties[version_key] = std::to_string(numbered->value());
  }
  return out;
}

// Confluent's validateReservedFields (validateFields on): the names in
// confluent:reserved may not be dropped from the previous version's list
// nor be top-level fields of the schema. One message per problem.
std::vector<std::string> ReservedFieldProblems(const std::optional<internal::ContractMetadata>& now,
                                               const VersionRecord* previous,
                                               const ParsedSchema& schema) {
  std::vector<std::string> out;
  const std::set<std::string> reserved = internal::ReservedFields(now);
  if (previous != nullptr) {
    for (const std::string& name : internal::ReservedFields(StoredMetadata(previous->metadata))) {
      if (!reserved.contains(name)) {
        out.push_back("The new schema has reserved field " + name +
                      " removed from its metadata which is present in the old schema's "
                      "metadata.");
      }
    }
  }
  if (reserved.empty()) return out;
  // Top-level fields: the rows of the language's field table without a
  // parent (no '.', '[' or '{' in the path).
  std::set<std::string> top;
  for (const compat::FieldInfo& f : schema.language().Fields(*schema.schema, {})) {
    if (f.path.find_first_of(".[{") == std::string::npos) top.insert(f.path);
  }
  for (const std::string& name : reserved) {
    if (top.contains(name)) {
      out.push_back("The new schema has field that conflicts with the reserved field " + name +
                    ".");
    }
  }
  return out;
}

// A reference resolved to `target`'s parsed form, shared: nothing is copied
// and the referenced form lives as long as the referencing one, evicted or
// not.
ResolvedReference ReferenceTo(const std::string& name, const SubjectName& subject, Version version,
                              const std::shared_ptr<const ParsedSchema>& target) {
  return ResolvedReference{.name = name,
                           .subject = subject,
                           .version = version,
                           .type = target->type,
                           .schema = target->schema};
}

// The scope of the config and mode of `s`'s context (":.ctx:"), when `s` is
// a subject in a named context (issue #18): that context's own settings
// come between the subject's and the global ones. None for a subject in the
// default context (its context's settings are the global ones) and for a
// context's scope itself.
std::optional<SubjectName> ContextScopeOf(const SubjectName& s) {
  if (!s.str().starts_with(":.")) return std::nullopt;
  const QualifiedSubject q = SplitQualifiedSubject(s.str());
  if (q.context == kDefaultContext || q.name.empty()) return std::nullopt;
  return SubjectName(QualifySubject(q.context, ""));
}

// What /config/{s} and /mode/{s} name: a context's own settings when `s`
// is ":.ctx:" or ":.ctx" (Confluent's form; `context` then ".ctx", `scope`
// ":.ctx:"), the global ones for ":.:" or ":." (the default context's own
// settings are the global ones: `scope` nullopt), else the subject `s`.
struct ConfigScope {
  std::optional<SubjectName> scope;
  std::optional<std::string> context;
};
RegistryResult<ConfigScope> ParseConfigScope(const std::string& s, bool validate) {
  if (s.empty()) return ConfigScope{};  // "/config/:.:" once the default context is unqualified
  if (s.starts_with(":.")) {
    const QualifiedSubject q = SplitQualifiedSubject(s);
    if (q.name.empty()) {
      if (auto ok = ValidateContextName(q.context); !ok) return std::unexpected(ok.error());
      if (q.context == kDefaultContext) return ConfigScope{};
      return ConfigScope{.scope = SubjectName(QualifySubject(q.context, "")), .context = q.context};
    }
  }
  if (!validate) return ConfigScope{.scope = SubjectName(s)};
  auto valid = ValidateSubjectName(s);
  if (!valid) return std::unexpected(valid.error());
  return ConfigScope{.scope = std::move(*valid)};
}

// The same for an optional scope: none names the global settings.
RegistryResult<ConfigScope> ParseConfigScope(const std::optional<std::string>& s, bool validate) {
  if (!s) return ConfigScope{};
  return ParseConfigScope(*s, validate);
}

// The audit row's subject of a config or mode write ("" global).
std::string AuditScope(const std::optional<SubjectName>& scope) {
  return scope ? scope->str() : std::string();
}

// Who may change a scope's config or mode: a subject's as
// AuthoriseScopeChange says; a context's own, like the global one, only an
// admin (it governs every subject in the context).
RegistryResult<void> AuthoriseScopeWrite(Store& store, const Principal& caller,
                                         const ConfigScope& scope, std::string_view what) {
  if (!scope.context) return internal::AuthoriseScopeChange(store, caller, scope.scope, what);
  if (auto w = internal::RequireWriter(caller); !w) return w;
  return internal::RequireAdmin(
      caller, "change the " + std::string(what) + " of context " + *scope.context);
}

// "Subject 'x'" or "Context '.ctx'", for the 40408/40409 messages.
std::string ScopeNoun(const ConfigScope& c) {
  return c.context ? "Context " + Quoted(*c.context) : "Subject " + Quoted(c.scope->str());
}

// Contexts (issue #18), Confluent's rule: a reference names a subject in
// the referencing subject's context unless it is qualified. So in
// ":.team-a:orders", "common" is ":.team-a:common", ":.other:common" is
// that, and ":.:common" is the default context's "common" (stored as
// "common"). A reference is stored as resolved here (qualified), so a
// stored one keeps the meaning it was registered with: records written
// before this rule (whose "common" meant the default context's) still do.
std::vector<SchemaReference> InReferrersContext(const std::vector<SchemaReference>& references,
                                                const SubjectName& referrer) {
  const QualifiedSubject home = SplitQualifiedSubject(referrer.str());
  std::vector<SchemaReference> out = references;
  for (SchemaReference& r : out) {
    const std::string& name = r.subject.str();
    if (name.starts_with(":.:")) {
      r.subject = SubjectName(name.substr(3));
    } else if (home.context != kDefaultContext && !name.starts_with(":.") &&
               !name.starts_with(kContextWildcard)) {
      r.subject = SubjectName(QualifySubject(home.context, name));
    }
  }
  return out;
}

// A schema's identity key within the context of `subject` (Parsed::fingerprint).
void ScopeToContext(std::string& fingerprint, const SubjectName& subject) {
  const QualifiedSubject q = SplitQualifiedSubject(subject.str());
  if (q.context != kDefaultContext) fingerprint += "@" + q.context;
}

// The subject's versions (Store::ListVersions), read once more from what is
// committed when `has` finds the answer lacking and the store answered from
// memory: a version acknowledged through one replica is found at once
// through every other (read-your-writes behind a load balancer), while an
// answer that holds what the reader looks for stays memory-fast.
template <typename Has>
RegistryResult<std::vector<VersionRecord>> VersionsHaving(Store& store, const SubjectName& subject,
                                                          IncludeDeleted deleted, Has&& has) {
  auto versions = store.ListVersions(subject, deleted);
  if (versions && !has(std::as_const(*versions)) && store.ForgetCachedVersions(subject)) {
    versions = store.ListVersions(subject, deleted);
  }
  return versions;
}

// Whether `versions` hold the one `sel` names (any, for latest).
bool HoldsSelected(const std::vector<VersionRecord>& versions, VersionSelector sel) {
  if (sel.latest()) return !versions.empty();
  return std::any_of(versions.begin(), versions.end(),
                     [&](const VersionRecord& v) { return v.version == *sel.version; });
}

// Whether `versions` hold the one a reference names (-1: the latest).
bool HoldsReferenced(const std::vector<VersionRecord>& versions, Version version) {
  return HoldsSelected(versions, version.value() == -1 ? VersionSelector::Latest()
                                                       : VersionSelector::Exactly(version));
}

}  // namespace

RegistryResult<SubjectName> ValidateSubjectName(std::string_view name) {
  if (name.empty()) return Fail(ErrorCode::kInvalidSubject, "Subject name must not be empty");
  if (name.size() > 255) {
    return Fail(ErrorCode::kInvalidSubject, "Subject name is longer than 255 bytes");
  }
  if (!internal::IsValidUtf8(name)) {
    return Fail(ErrorCode::kInvalidSubject, "Subject name is not valid UTF-8");
  }
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidSubject, "Subject name contains a control character");
    }
  }
  if (name.starts_with(':')) {
    const QualifiedSubject q = SplitQualifiedSubject(name);
    if (q.wildcard) {
      return Fail(ErrorCode::kInvalidSubject,
                  "Subject name must not begin with the context wildcard ':*:'");
    }
    if (name.starts_with(":.")) {
      if (auto ok = ValidateContextName(q.context); !ok) return std::unexpected(ok.error());
      if (q.name.empty()) {
        return Fail(ErrorCode::kInvalidSubject, "Subject name " + Quoted(name) +
                                                    " names the context " + q.context +
                                                    " but no subject in it");
      }
      // ":.:orders" is "orders": one subject has one name.
      if (q.context == kDefaultContext) return SubjectName(q.name);
    }
  }
  return SubjectName(std::string(name));
}

std::string_view SubjectCaseVariantsName(SubjectCaseVariants v) {
  return v == SubjectCaseVariants::kAllow ? "allow" : "refuse";
}

std::optional<SubjectCaseVariants> SubjectCaseVariantsFromString(std::string_view s) {
  for (SubjectCaseVariants v : {SubjectCaseVariants::kRefuse, SubjectCaseVariants::kAllow}) {
    const std::string_view name = SubjectCaseVariantsName(v);
    if (s.size() == name.size() && std::equal(s.begin(), s.end(), name.begin(), [](char a, char b) {
          return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
        })) {
      return v;
    }
  }
  return std::nullopt;
}

RegistryResult<VersionSelector> ParseVersion(std::string_view text) {
  auto invalid = [&] {
    return Fail(ErrorCode::kInvalidVersion,
                "The specified version '" + std::string(text.substr(0, 64)) +
                    "' is not a valid version id. Allowed values are between [1, 2^31-1] and "
                    "the string \"latest\"");
  };
  if (text == "latest" || text == "-1") return VersionSelector::Latest();
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty() || text[0] == '+') {
    return invalid();
  }
  if (n < 1 || n > std::numeric_limits<std::int32_t>::max()) return invalid();
  return VersionSelector::Exactly(Version(static_cast<std::int32_t>(n)));
}

Service::Service(std::unique_ptr<Store> store, ServiceOptions options)
    : store_(std::move(store)),
      options_(options),
      folded_(std::make_unique<internal::FoldedNames>(*store_)),
      parsed_(std::make_unique<ParsedCache>(options_.parsed_schema_cache,
                                            options_.parsed_schema_cache_mb << 20)),
      diffs_(std::make_unique<DiffCache>(options_.diff_cache)),
      field_index_(std::make_unique<internal::FieldIndex>()) {}

Service::~Service() = default;

// --- write scopes -----------------------------------------------------------------

// The writes other than Register decide on committed state, not on what
// this process cached (Register's own stale reads are caught by the store:
// NewVersion::expected_latest, decided_under).
Service::WriteScope::WriteScope(Service& s) : service_(s), lock_(s.write_mu_) {
  s.store_->ForgetCachedReads();
}

Service::WriteScope::~WriteScope() {
  lock_.unlock();
  service_.write_generation_.fetch_add(1, std::memory_order_acq_rel);
}

Service::SubjectScope::SubjectScope(Service& s, const SubjectName& subject)
    : service_(s), lock_(s.subject_mu_[s.StripeOf(subject)]) {}

Service::SubjectScope::~SubjectScope() { lock_.unlock(); }

std::size_t Service::StripeOf(const SubjectName& subject) const {
  return std::hash<std::string>{}(subject.str()) % subject_mu_.size();
}

// --- helpers -----------------------------------------------------------------

RegistryResult<std::shared_ptr<const Service::CachedSchema>> Service::Cached(SchemaId id) {
  {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second;
  }
  auto rec = store_->GetSchema(id);
  if (!rec) return std::unexpected(rec.error());
  if (!*rec)
    return Fail(ErrorCode::kSchemaNotFound, "Schema " + std::to_string(id.local()) + " not found");
  auto entry = std::make_shared<CachedSchema>();
  entry->record = std::move(**rec);
  // Confluent serves a schema's metadata / ruleSet by id: take the version
  // that registered it first.
  auto users = store_->VersionsOfSchema(id, IncludeDeleted::kYes);
  if (!users) return std::unexpected(users.error());
  const VersionRecord* first = nullptr;
  for (const VersionRecord& v : *users) {
    if (first == nullptr || v.created_ms < first->created_ms) first = &v;
  }
  if (first != nullptr) {
    entry->metadata = first->metadata;
    entry->rule_set = first->rule_set;
  }
  std::unique_lock lock(cache_mu_);
  auto [it, inserted] = cache_.emplace(id, std::move(entry));
  return it->second;
}

Service::LiveMatch Service::FindLiveByFingerprint(const std::vector<VersionRecord>& live,
                                                  const std::string& fingerprint,
                                                  VersionRecord* found) {
  bool complete = true;
  std::shared_lock lock(cache_mu_);
  // Latest first: re-registering the latest schema is the usual case.
  for (auto v = live.rbegin(); v != live.rend(); ++v) {
    auto it = cache_.find(v->schema_id);
    if (it == cache_.end()) {
      complete = false;
    } else if (it->second->record.fingerprint == fingerprint) {
      *found = *v;
      return LiveMatch::kFound;
    }
  }
  return complete ? LiveMatch::kNone : LiveMatch::kUnknown;
}

RegistryResult<std::shared_ptr<const ParsedSchema>> Service::ParsedOf(const CachedSchema& c) {
  ParsedMemo memo;
  return ParsedOf(c, memo);
}

RegistryResult<std::shared_ptr<const ParsedSchema>> Service::ParsedOf(const CachedSchema& c,
                                                                      ParsedMemo& memo) {
  // The memo spans one resolution: a schema reached along several reference
  // paths is parsed once even when the cache cannot keep it (a small cache
  // may evict it meanwhile).
  if (auto it = memo.find(c.record.id); it != memo.end()) return it->second;
  if (auto hit = parsed_->Find(c.record.id)) return *hit;
  // Resolve the references (each cached or cacheable: a schema can only
  // reference versions that existed before it, so there are no cycles).
  std::vector<ResolvedReference> refs;
  for (const SchemaReference& r : c.record.references) {
    auto versions = VersionsHaving(*store_, r.subject, IncludeDeleted::kYes,
                                   [&](const auto& vs) { return HoldsReferenced(vs, r.version); });
    if (!versions) return std::unexpected(versions.error());
    auto it = std::find_if(versions->begin(), versions->end(),
                           [&](const VersionRecord& v) { return v.version == r.version; });
    std::shared_ptr<const ParsedSchema> target;
    if (it != versions->end()) {
      auto cached = Cached(it->schema_id);
      if (!cached) return std::unexpected(cached.error());
      auto parsed = ParsedOf(**cached, memo);
      if (!parsed) return std::unexpected(parsed.error());
      target = std::move(*parsed);
    }
    if (!target) {
      memo.emplace(c.record.id, nullptr);
      parsed_->Put(c.record.id, nullptr);
      return nullptr;
    }
    refs.push_back(ReferenceTo(r.name, r.subject, r.version, target));
    for (const ResolvedReference& t : target->references) refs.push_back(t);
  }
  std::shared_ptr<const ParsedSchema> out;
  if (auto parsed = internal::ParseSchema(c.record.type, c.record.text, std::move(refs),
                                          options_.default_dialect)) {
    out = std::make_shared<const ParsedSchema>(std::move(*parsed));
  } else if (auto within = internal::CheckWorkBudget(); !within) {
    // Cut short by the request's budget, not unreadable: 42211, and nothing
    // remembered (a null entry would say "cannot be read" to every later
    // request).
    return std::unexpected(within.error());
  }
  memo.emplace(c.record.id, out);
  parsed_->PutParsed(c.record.id, out, c.record.text.size());
  return out;
}

RegistryResult<Service::Parsed> Service::Prepare(const SchemaInput& input,
                                                 const SubjectName& referrer) {
  if (input.schema.size() > options_.max_schema_bytes) {
    return Fail(ErrorCode::kSchemaTooLarge, "Schema is larger than the limit of " +
                                                std::to_string(options_.max_schema_bytes) +
                                                " bytes");
  }
  const std::vector<SchemaReference> references = InReferrersContext(input.references, referrer);
  std::vector<ResolvedReference> resolved;
  std::set<std::string> names;
  for (const SchemaReference& r : references) {
    if (r.name.empty())
      return Fail(ErrorCode::kInvalidSchema, "Invalid schema: a reference has no name");
    if (!names.insert(r.name).second) {
      return Fail(ErrorCode::kInvalidSchema,
                  "Invalid schema: reference name '" + r.name + "' is used twice");
    }
    auto versions = VersionsHaving(*store_, r.subject, IncludeDeleted::kNo,
                                   [&](const auto& vs) { return HoldsReferenced(vs, r.version); });
    if (!versions) return std::unexpected(versions.error());
    const VersionRecord* target = nullptr;
    if (r.version.value() == -1 && !versions->empty()) target = &versions->back();
    for (const VersionRecord& v : *versions) {
      if (v.version == r.version) target = &v;
    }
    if (target == nullptr) {
      return Fail(ErrorCode::kInvalidSchema,
                  "Invalid schema: no schema reference found for subject '" + r.subject.str() +
                      "' and version " + std::to_string(r.version.value()));
    }
    auto cached = Cached(target->schema_id);
    if (!cached) return std::unexpected(cached.error());
    auto referenced = ParsedOf(**cached);
    if (!referenced) return std::unexpected(referenced.error());
    if (!*referenced) {
      return Fail(ErrorCode::kInvalidSchema, "Invalid schema: referenced schema '" +
                                                 r.subject.str() +
                                                 "' cannot be read by this version");
    }
    resolved.push_back(ReferenceTo(r.name, r.subject, target->version, *referenced));
    for (const ResolvedReference& t : (*referenced)->references) resolved.push_back(t);
    if (resolved.size() > options_.max_reference_depth * 64) {
      return Fail(ErrorCode::kInvalidSchema, "Invalid schema: too many references");
    }
  }
  auto parsed = internal::ParseSchema(input.type, input.schema, std::move(resolved),
                                      options_.default_dialect);
  if (auto within = internal::CheckWorkBudget(); !within) return std::unexpected(within.error());
  if (!parsed) return std::unexpected(parsed.error());
  Parsed out;
  out.references = references;
  // Latest (-1) references are pinned to the concrete version they resolved to.
  for (std::size_t i = 0; i < out.references.size(); ++i) {
    for (const ResolvedReference& r : parsed->references) {
      if (r.name == out.references[i].name) {
        out.references[i].version = r.version;
        break;
      }
    }
  }
  out.text = input.normalize ? parsed->canonical() : input.schema;
  auto metadata = internal::ParseContractMetadata(input.metadata, "metadata");
  if (!metadata) return std::unexpected(metadata.error());
  auto rule_set = internal::ParseContractRuleSet(input.rule_set, "ruleSet");
  if (!rule_set) return std::unexpected(rule_set.error());
  out.metadata = std::move(*metadata);
  out.rule_set = std::move(*rule_set);
  out.fingerprint_metadata = internal::ContractMetadataText(out.metadata);
  out.fingerprint_rule_set = internal::ContractRuleSetText(out.rule_set);
  out.fingerprint = Fingerprint(input.type, parsed->canonical(), out.references,
                                out.fingerprint_metadata, out.fingerprint_rule_set);
  out.schema = std::move(*parsed);
  return out;
}

RegistryResult<DecidedUnder> Service::ReadDecidedUnder(const SubjectName& s) {
  auto subject_config = store_->GetConfig(s);
  if (!subject_config) return std::unexpected(subject_config.error());
  auto global_config = store_->GetConfig(std::nullopt);
  if (!global_config) return std::unexpected(global_config.error());
  auto subject_mode = store_->GetMode(s);
  if (!subject_mode) return std::unexpected(subject_mode.error());
  auto global_mode = store_->GetMode(std::nullopt);
  if (!global_mode) return std::unexpected(global_mode.error());
  DecidedUnder out{.subject_config = std::move(*subject_config),
                   .global_config = std::move(*global_config),
                   .subject_mode = *subject_mode,
                   .global_mode = *global_mode};
  if ((out.context_scope = ContextScopeOf(s))) {
    auto context_config = store_->GetConfig(out.context_scope);
    if (!context_config) return std::unexpected(context_config.error());
    auto context_mode = store_->GetMode(out.context_scope);
    if (!context_mode) return std::unexpected(context_mode.error());
    out.context_config = std::move(*context_config);
    out.context_mode = *context_mode;
  }
  return out;
}

// Each setting falls back field by field: the subject's, its context's (a
// subject in a named context), the global one, the built-in default.
Service::EffectiveConfig Service::ConfigOf(const DecidedUnder& under) const {
  ConfigRecord global_config = under.global_config.value_or(ConfigRecord{});
  if (under.context_config) {
    ConfigRecord context_config = *under.context_config;
    if (!context_config.level) context_config.level = global_config.level;
    if (!context_config.policy) context_config.policy = global_config.policy;
    if (!context_config.lint) context_config.lint = global_config.lint;
    internal::FillContractSettings(global_config, &context_config);
    global_config = std::move(context_config);
  }
  const ConfigRecord subject_config = under.subject_config.value_or(ConfigRecord{});
  return EffectiveConfig{
      .level = subject_config.level.value_or(global_config.level.value_or(options_.default_level)),
      .policy =
          subject_config.policy.value_or(global_config.policy.value_or(options_.default_policy)),
      .lint = subject_config.lint.value_or(global_config.lint.value_or(false)),
      .contract = [&] {
        ConfigRecord c;
        internal::MergeContractSettings(subject_config, &c);
        internal::FillContractSettings(global_config, &c);
        return c;
      }()};
}

Mode Service::ModeOf(const DecidedUnder& under) {
  return under.subject_mode.value_or(
      under.context_mode.value_or(under.global_mode.value_or(Mode::kReadWrite)));
}

// These two read only the records they use (ConfigOf and ModeOf ignore the
// rest of a DecidedUnder).
RegistryResult<Service::EffectiveConfig> Service::ConfigFor(const SubjectName& s) {
  auto subject_config = store_->GetConfig(s);
  if (!subject_config) return std::unexpected(subject_config.error());
  auto global_config = store_->GetConfig(std::nullopt);
  if (!global_config) return std::unexpected(global_config.error());
  DecidedUnder under;
  under.subject_config = std::move(*subject_config);
  under.global_config = std::move(*global_config);
  if (const std::optional<SubjectName> scope = ContextScopeOf(s)) {
    auto context_config = store_->GetConfig(scope);
    if (!context_config) return std::unexpected(context_config.error());
    under.context_config = std::move(*context_config);
  }
  return ConfigOf(under);
}

RegistryResult<Mode> Service::EffectiveMode(const SubjectName& s) {
  auto subject_mode = store_->GetMode(s);
  if (!subject_mode) return std::unexpected(subject_mode.error());
  auto global_mode = store_->GetMode(std::nullopt);
  if (!global_mode) return std::unexpected(global_mode.error());
  DecidedUnder under;
  under.subject_mode = *subject_mode;
  under.global_mode = *global_mode;
  if (const std::optional<SubjectName> scope = ContextScopeOf(s)) {
    auto context_mode = store_->GetMode(scope);
    if (!context_mode) return std::unexpected(context_mode.error());
    under.context_mode = *context_mode;
  }
  return ModeOf(under);
}

RegistryResult<compat::Report> Service::CheckPairs(const Parsed& candidate,
                                                   const std::vector<VersionRecord>& history,
                                                   compat::Level level, compat::Policy policy) {
  // Only the versions the level pairs with the candidate are read and
  // parsed (BACKWARD: the latest alone), each once: a long history must not
  // make every registration parse all of it.
  std::vector<std::shared_ptr<const ParsedSchema>> schemas(history.size());
  std::vector<int> numbers;
  numbers.reserve(history.size());
  for (const VersionRecord& v : history) numbers.push_back(v.version.value());
  std::optional<RegistryError> error;
  auto schema_at = [&](std::size_t i) -> const ParsedSchema* {
    if (i >= history.size()) return &candidate.schema;
    if (!schemas[i]) {
      auto parsed = ParsedVersion(history[i]);
      if (!parsed) {
        error = parsed.error();
        return nullptr;
      }
      schemas[i] = std::move(*parsed);
    }
    return schemas[i].get();
  };
  compat::Report report = compat::CheckHistory(
      level, history.size(),
      [&](std::size_t w, std::size_t r) -> compat::Report {
        if (error) return {};
        const ParsedSchema* writer_at = schema_at(w);
        const ParsedSchema* reader_at = schema_at(r);
        if (writer_at == nullptr || reader_at == nullptr) return {};
        const ParsedSchema& writer = *writer_at;
        const ParsedSchema& reader = *reader_at;
        if (options_.checker && writer.type == reader.type && writer.document() != nullptr &&
            reader.document() != nullptr) {
          return options_.checker(writer.type, *writer.document(), *reader.document(), policy);
        }
        auto rep = internal::CheckCompatible(writer, reader, policy);
        if (!rep) {
          error = rep.error();
          return {};
        }
        return std::move(*rep);
      },
      numbers);
  if (auto within = internal::CheckWorkBudget(); !within) return std::unexpected(within.error());
  if (error) return std::unexpected(*error);
  return report;
}

RegistryResult<SchemaVersion> Service::ToSchemaVersion(const VersionRecord& v) {
  auto c = Cached(v.schema_id);
  if (!c) return std::unexpected(c.error());
  const SchemaRecord& rec = (*c)->record;
  return SchemaVersion{.subject = v.subject,
                       .version = v.version,
                       .id = v.schema_id,
                       .type = rec.type,
                       .schema = rec.text,
                       .references = rec.references,
                       .deleted = v.deleted,
                       .metadata = v.metadata,
                       .rule_set = v.rule_set,
                       .registered_ms = v.created_ms,
                       .deprecation = v.deprecation,
                       .state = LifecycleAt(v.deprecation, NowMs())};
}

// --- subjects and versions -----------------------------------------------------

RegistryResult<void> Service::CheckLint(const SubjectName& s, const Parsed& schema,
                                        const std::optional<SubjectMetadata>& metadata) {
  compat::lint::Input in;
  in.subject = s.str();
  if (metadata) in.owner = metadata->owner;
  in.type = schema.schema.type;
  in.source = &schema.schema.schema->source();
  in.references = &schema.schema.schema->references();
  std::string errors;
  for (const compat::lint::Finding& f : compat::lint::Lint(in, options_.lint)) {
    if (f.level != compat::lint::Level::kError) continue;
    if (!errors.empty()) errors += "; ";
    errors += "[" + f.rule + "] " + (f.pointer.empty() ? "" : f.pointer + ": ") + f.message;
  }
  if (errors.empty()) return {};
  return Fail(ErrorCode::kInvalidSchema,
              "Schema for subject " + Quoted(s.str()) + " fails governance lint: " + errors);
}

RegistryResult<Registered> Service::Register(std::string_view subject_text,
                                             const SchemaInput& input, const Principal& caller) {
  const std::string& actor = caller.name;
  internal::RequestBudget budget(options_.max_request_work);  // checked in Prepare and CheckPairs
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  auto subject = ValidateSubjectName(subject_text);
  if (!subject) return std::unexpected(subject.error());
  // Parsing, validating and (optimistically) the compatibility check run
  // outside the write lock, so concurrent registrations overlap in them.
  auto parsed = Prepare(input, *subject);
  if (!parsed) return std::unexpected(parsed.error());
  // Contexts (issue #18): the subject's context has ids and schemas of its
  // own; a client's id (IMPORT) is one of that context.
  ScopeToContext(parsed->fingerprint, *subject);
  // A context without a number yet holds no schema; it is numbered (and so
  // created: GET /contexts lists it) only when a version is about to be
  // written (below), so a refused registration creates no context.
  const QualifiedSubject qualified = SplitQualifiedSubject(subject->str());
  auto context = ContextNumber(qualified.context, /*create=*/false);
  if (!context) return std::unexpected(context.error());
  if (input.id && (input.id->value() < 1 || input.id->value() > SchemaId::kMaxLocal)) {
    return Fail(ErrorCode::kInvalidSchema, "Schema id " + std::to_string(input.id->value()) +
                                               " is out of range (1 to 2147483647)");
  }
  std::optional<SchemaId> import_id;
  if (input.id && *context) import_id = SchemaId::InContext(**context, input.id->value());
  std::optional<PreCheck> pre = CheckBeforeLock(*subject, *parsed);

  // One registration of this subject at a time in this process; other
  // subjects' registrations go on meanwhile, and the store makes their
  // writes durable together (group commit). Another process on the same
  // store (a replica on PostgreSQL) may still append to the subject between
  // the reads below and the write: the store then refuses the write as a
  // conflict (NewVersion::expected_latest), and the decision is made again
  // against what the other one wrote.
  SubjectScope lock(*this, *subject);
  std::optional<internal::FoldedNames::Claim> new_name;  // when this creates the subject
  RegistryResult<WrittenVersion> written = Fail(ErrorCode::kStoreError, "store error");
  NewVersion nv;
  for (int attempt = 1;; ++attempt) {
    // The config and mode the decision is made under; the store refuses the
    // write when they changed meanwhile (NewVersion::decided_under).
    auto under = ReadDecidedUnder(*subject);
    if (!under) return std::unexpected(under.error());
    const Mode mode = ModeOf(*under);
    if (mode == Mode::kReadOnly) {
      return Fail(ErrorCode::kOperationNotPermitted,
                  "Subject " + Quoted(subject->str()) + " is in read-only mode");
    }
    const bool import = mode == Mode::kImport;
    if (!import && input.id) {
      return Fail(ErrorCode::kOperationNotPermitted,
                  "A schema id may only be given in IMPORT mode");
    }
    auto all = store_->ListVersions(*subject, IncludeDeleted::kYes);
    if (!all) return std::unexpected(all.error());
    const std::vector<VersionRecord> live = LiveOnly(*all);
    // Authorisation (authz.h) before anything about the subject is answered.
    auto stored_metadata = store_->GetSubjectMetadata(*subject);
    if (!stored_metadata) return std::unexpected(stored_metadata.error());
    if (auto ok = internal::AuthoriseRegister(caller, *subject, all->empty(),
                                              stored_metadata->value_or(SubjectMetadata{}).owner);
        !ok) {
      return std::unexpected(ok.error());
    }
    // Creating a subject: the look-alike and case-variant rules (RULES).
    if (all->empty() && !import && !new_name) {
      if (auto ok = internal::CheckLookAlikeRules(SplitQualifiedSubject(subject->str()).name);
          !ok) {
        return std::unexpected(ok.error());
      }
      if (options_.subject_case_variants == SubjectCaseVariants::kRefuse) {
        auto claim = folded_->ClaimNew(*subject);
        if (!claim) return std::unexpected(claim.error());
        new_name.emplace(std::move(*claim));
      }
    }

    // DATA CONTRACTS (service.h): outside IMPORT the new version's metadata
    // and rule set settle from the config and the latest live version; they
    // are part of the schema's identity (its fingerprint).
    const EffectiveConfig config = ConfigOf(*under);
    const Version numbered(all->empty() ? 1 : all->back().version.value() + 1);
    Contract contract{.metadata = parsed->metadata, .rule_set = parsed->rule_set};
    if (!import) {
      contract = SettleContract(std::move(contract), live.empty() ? nullptr : &live.back(),
                                config.contract, numbered, input.version.has_value());
      // What is stored must read back for the next version to inherit it.
      if (auto ok = internal::CheckSettledContract(contract.metadata, contract.rule_set); !ok) {
        return std::unexpected(ok.error());
      }
    }
    const std::string metadata_text = internal::ContractMetadataText(contract.metadata);
    const std::string rule_set_text = internal::ContractRuleSetText(contract.rule_set);
    if (metadata_text != parsed->fingerprint_metadata ||
        rule_set_text != parsed->fingerprint_rule_set) {
      parsed->fingerprint = Fingerprint(input.type, parsed->schema.canonical(), parsed->references,
                                        metadata_text, rule_set_text);
      ScopeToContext(parsed->fingerprint, *subject);  // as above: the settled contract's key
      parsed->fingerprint_metadata = metadata_text;
      parsed->fingerprint_rule_set = rule_set_text;
    }

    // Idempotent: the subject already has this schema as a live version.
    // Outside IMPORT the schema cache usually answers that without a round
    // trip (the store finds or inserts the schema by fingerprint itself).
    VersionRecord same;
    const LiveMatch known =
        import ? LiveMatch::kUnknown : FindLiveByFingerprint(live, parsed->fingerprint, &same);
    if (known == LiveMatch::kFound) {
      return Registered{same.schema_id, same.version, false, same.metadata, same.rule_set};
    }
    auto existing = known == LiveMatch::kNone
                        ? RegistryResult<std::optional<SchemaRecord>>(std::nullopt)
                        : store_->FindSchemaByFingerprint(parsed->fingerprint);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      if (import && import_id && *import_id != (*existing)->id) {
        return Fail(ErrorCode::kIdMismatch,
                    "Schema already registered with id " + std::to_string((*existing)->id.local()) +
                        " instead of input id " + std::to_string(input.id->value()));
      }
      // Idempotent: the subject already has this schema as a live version
      // (what the store returns is durable: it was acknowledged).
      for (const VersionRecord& v : live) {
        if (v.schema_id == (*existing)->id) {
          return Registered{v.schema_id, v.version, false, v.metadata, v.rule_set};
        }
      }
    } else if (import && import_id) {
      auto taken = store_->GetSchema(*import_id);
      if (!taken) return std::unexpected(taken.error());
      if (*taken) {
        return Fail(ErrorCode::kIdMismatch, "Schema id " + std::to_string(input.id->value()) +
                                                " already holds another schema");
      }
    }

    // Idempotent too (Confluent's lookup): a live version with this schema
    // whose contract differs only in confluent:version, or one stored before
    // contracts counted in the fingerprint.
    if (!import) {
      for (auto v = live.rbegin(); v != live.rend(); ++v) {
        // A version without a contract was answered by the fingerprint above
        // (its fingerprint is the schema's alone): no read for it.
        if (v->metadata.empty() && v->rule_set.empty()) continue;
        auto held = Cached(v->schema_id);
        if (!held) return std::unexpected(held.error());
        if (SameSchemaAs((*held)->record, parsed->schema, parsed->references) &&
            SameContract(v->metadata, v->rule_set, contract.metadata, contract.rule_set)) {
          return Registered{v->schema_id, v->version, false, v->metadata, v->rule_set};
        }
      }
    }

    const Version next = numbered;
    Version version = next;
    if (input.version) {
      if (import) {
        for (const VersionRecord& v : *all) {
          if (v.version == *input.version) {
            return Fail(ErrorCode::kInvalidVersion,
                        "Version " + std::to_string(input.version->value()) +
                            " already exists in subject " + Quoted(subject->str()));
          }
        }
        if (!all->empty() && *input.version < all->back().version) {
          return Fail(ErrorCode::kInvalidVersion, "Version " +
                                                      std::to_string(input.version->value()) +
                                                      " is not greater than the latest version");
        }
        version = *input.version;
      } else if (*input.version != next) {
        return Fail(ErrorCode::kInvalidVersion, "Version " +
                                                    std::to_string(input.version->value()) +
                                                    " is not one more than the latest version " +
                                                    std::to_string(next.value() - 1));
      }
    }

    bool lint = false;
    if (!import) {
      lint = config.lint;
      // compatibilityGroup: only the versions whose metadata property of that
      // name has the new version's value (both absent alike) are checked.
      std::vector<VersionRecord> group;
      const std::optional<std::string>& group_key = config.contract.compatibility_group;
      if (group_key) {
        std::optional<std::string> mine;
        if (contract.metadata) {
          auto it = contract.metadata->properties.find(*group_key);
          if (it != contract.metadata->properties.end()) mine = it->second;
        }
        for (const VersionRecord& v : live) {
          if (internal::MetadataProperty(v.metadata, *group_key) == mine) group.push_back(v);
        }
      }
      const std::vector<VersionRecord>& checked = group_key ? group : live;
      // The check made before the lock holds when it judged the same live
      // versions under the same level and policy (and no group narrowed
      // them); else (a concurrent change to this subject or its config) it
      // runs again here.
      const bool reuse = pre && !group_key && SameSchemas(pre->live, live) &&
                         pre->level == config.level && pre->policy == config.policy;
      auto report = reuse ? std::move(pre->report)
                          : CheckPairs(*parsed, checked, config.level, config.policy);
      if (!report) return std::unexpected(report.error());
      std::vector<std::string> reserved;
      if (config.contract.validate_fields.value_or(false)) {
        reserved = ReservedFieldProblems(contract.metadata, live.empty() ? nullptr : &live.back(),
                                         parsed->schema);
      }
      if (!report->compatible() || !reserved.empty()) {
        std::string details;
        std::vector<std::string> messages = reserved;
        for (std::string& m : MessagesFor(*report, config.level)) messages.push_back(std::move(m));
        if (!reserved.empty()) {
          // Confluent's closing note when validateFields took part.
          std::erase_if(messages, [](const std::string& m) { return m.starts_with("{compat"); });
          messages.push_back("{validateFields: 'true', compatibility: '" +
                             std::string(compat::LevelName(config.level)) + "'}");
        }
        for (const std::string& m : messages) {
          if (!details.empty()) details += ", ";
          details += m;
        }
        return Fail(
            ErrorCode::kIncompatibleSchema,
            "Schema being registered is incompatible with an earlier schema for subject \"" +
                subject->str() + "\", details: [" + details + "]");
      }
    }

    nv = NewVersion{};
    nv.subject = *subject;
    nv.version = version;
    nv.schema = SchemaRecord{
        .id = import && import_id ? *import_id : SchemaId::InContext(context->value_or(0), 0),
        .type = input.type,
        .text = parsed->text,
        .canonical = parsed->schema.canonical(),
        .fingerprint = parsed->fingerprint,
        .references = parsed->references};
    nv.metadata = metadata_text;
    nv.rule_set = rule_set_text;
    nv.audit = MakeAudit("REGISTER", actor, subject->str(), version.value());
    const std::optional<SubjectMetadata>& metadata = *stored_metadata;  // read above
    if (!input.metadata.empty()) {
      auto applied = internal::MetadataFromProperties(input.metadata, metadata);
      if (!applied) return std::unexpected(applied.error());
      if (*applied && *applied != metadata.value_or(SubjectMetadata{})) {
        nv.subject_metadata = std::move(*applied);
      }
    }
    // Accord's ?owner= (SchemaInput::owner): one more catalog change, under
    // SettleOwner's rights check below like the properties above.
    if (input.owner) {
      SubjectMetadata m = nv.subject_metadata.value_or(metadata.value_or(SubjectMetadata{}));
      m.owner = *input.owner;
      auto valid = internal::ValidateMetadata(std::move(m));
      if (!valid) return std::unexpected(valid.error());
      if (*valid != metadata.value_or(SubjectMetadata{})) nv.subject_metadata = std::move(*valid);
    }
    // Owner changes need an admin; a new subject gets the caller's team as
    // owner, in the same store write as its first version.
    auto settled = internal::SettleOwner(caller, all->empty(), metadata.value_or(SubjectMetadata{}),
                                         std::move(nv.subject_metadata));
    if (!settled) return std::unexpected(settled.error());
    nv.subject_metadata = std::move(*settled);
    if (nv.subject_metadata) {
      nv.audit.detail = "{\"metadata\":{\"before\":" +
                        internal::MetadataJson(metadata.value_or(SubjectMetadata{})) +
                        ",\"after\":" + internal::MetadataJson(*nv.subject_metadata) + "}}";
    }
    if (lint) {
      auto linted =
          CheckLint(*subject, *parsed, nv.subject_metadata ? nv.subject_metadata : metadata);
      if (!linted) return std::unexpected(linted.error());
    }
    nv.expected_latest = all->empty() ? Version(0) : all->back().version;
    nv.decided_under = std::move(*under);
    nv.decided_under->subject_owner = metadata ? metadata->owner : std::string();
    // The store refuses a case variant created elsewhere meanwhile (another
    // replica's subject is not in this process's index yet).
    if (new_name && all->empty()) nv.case_fold = internal::FoldSubjectName(subject->str());
    // A subject's first version (re)creates its context's record: numbered
    // when it had no number, listed again when it was deleted.
    if (!*context || (all->empty() && qualified.context != kDefaultContext)) {
      auto number = store_->EnsureContext(qualified.context);
      if (!number) return std::unexpected(number.error());
      const bool numbered_here = !*context;
      *context = *number;
      if (numbered_here) {
        if (input.id) import_id = SchemaId::InContext(**context, input.id->value());
        nv.schema.id = import && import_id ? *import_id : SchemaId::InContext(**context, 0);
      }
    }
    written = store_->AddVersion(nv);
    if (written || written.error().fault != StoreFault::kConflict || attempt == kConflictRetries) {
      break;
    }
    pre.reset();  // judged against versions that are no longer the latest
    // Writers racing on one subject through several replicas would collide
    // again at once: the loser waits a random moment, longer each time (at
    // most 64 ms), and so usually decides after the winner's write.
    thread_local std::minstd_rand jitter{std::random_device{}()};
    const int cap_ms = 1 << std::min(attempt, 6);
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<int>(0, cap_ms * 1000)(jitter)));
  }
  if (!written) return std::unexpected(written.error());
  if (new_name) new_name->Commit();
  // A new holder of an existing schema changes what reads by id flag (a new
  // schema is in no memo yet): the memo is recomputed.
  if (!written->new_schema) write_generation_.fetch_add(1, std::memory_order_acq_rel);
  if (written->new_schema) {
    // Only after the commit: a failed write leaves the cache untouched.
    auto entry = std::make_shared<CachedSchema>();
    entry->record = nv.schema;
    entry->record.id = written->id;
    entry->metadata = nv.metadata;
    entry->rule_set = nv.rule_set;
    parsed_->PutParsed(written->id, std::make_shared<const ParsedSchema>(std::move(parsed->schema)),
                       nv.schema.text.size());
    std::unique_lock cache_lock(cache_mu_);
    cache_.emplace(written->id, std::move(entry));
  }
  if (options_.on_event) {
    json::Value data{json::Object{}};
    data.Add("subject", subject->str());
    data.Add("version", written->version.value());
    data.Add("id", written->id.local());  // within the subject's context
    data.Add("schemaType", std::string(SchemaTypeName(nv.schema.type)));
    data.Add("actor", actor);
    PublishEvent(WebhookEvent::kVersionCreated, data);
  }
  return Registered{written->id, written->version, true, nv.metadata, nv.rule_set};
}

std::optional<Service::PreCheck> Service::CheckBeforeLock(const SubjectName& subject,
                                                          const Parsed& candidate) {
  auto all = store_->ListVersions(subject, IncludeDeleted::kNo);
  if (!all || all->empty()) return std::nullopt;  // a first version is not checked
  // Registering a schema the subject already has changes nothing: no check.
  VersionRecord same;
  switch (FindLiveByFingerprint(*all, candidate.fingerprint, &same)) {
    case LiveMatch::kFound:
      return std::nullopt;
    case LiveMatch::kNone:
      break;
    case LiveMatch::kUnknown: {
      auto existing = store_->FindSchemaByFingerprint(candidate.fingerprint);
      if (!existing) return std::nullopt;
      if (*existing) {
        for (const VersionRecord& v : *all) {
          if (v.schema_id == (*existing)->id) return std::nullopt;
        }
      }
      break;
    }
  }
  auto config = ConfigFor(subject);
  if (!config) return std::nullopt;
  auto report = CheckPairs(candidate, *all, config->level, config->policy);
  return PreCheck{.live = std::move(*all),
                  .level = config->level,
                  .policy = config->policy,
                  .report = std::move(report)};
}

RegistryResult<SchemaVersion> Service::Lookup(std::string_view subject_text,
                                              const SchemaInput& input, IncludeDeleted deleted) {
  internal::RequestBudget budget(options_.max_request_work);  // checked in Prepare
  SubjectName subject{std::string(subject_text)};
  auto versions =
      VersionsHaving(*store_, subject, deleted, [](const auto& vs) { return !vs.empty(); });
  if (!versions) return std::unexpected(versions.error());
  if (versions->empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
  auto parsed = Prepare(input, subject);
  if (!parsed) return std::unexpected(parsed.error());
  ScopeToContext(parsed->fingerprint, subject);
  auto found = LookupIn(subject, *versions, *parsed);
  // Not in a version list the store had in memory: once more in what is
  // committed (as VersionsHaving; the schema is not parsed again).
  if (!found && found.error().code == ErrorCode::kSchemaNotFound &&
      store_->ForgetCachedVersions(subject)) {
    versions = store_->ListVersions(subject, deleted);
    if (!versions) return std::unexpected(versions.error());
    if (versions->empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
    found = LookupIn(subject, *versions, *parsed);
  }
  return found;
}

RegistryResult<SchemaVersion> Service::LookupIn(const SubjectName& subject,
                                                const std::vector<VersionRecord>& versions,
                                                const Parsed& parsed) {
  auto existing = store_->FindSchemaByFingerprint(parsed.fingerprint);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      if (it->schema_id == (*existing)->id) return ToSchemaVersion(*it);
    }
  }
  // Confluent's lookup goes on: a version with this schema whose contract
  // differs only in confluent:version, then the contract a registration
  // would settle on (config defaults and overrides, the latest live
  // version's metadata / rule set for what the request leaves out).
  auto under = ReadDecidedUnder(subject);
  if (!under) return std::unexpected(under.error());
  const Contract given{.metadata = parsed.metadata, .rule_set = parsed.rule_set};
  const VersionRecord* latest_live = nullptr;
  for (auto it = versions.rbegin(); it != versions.rend() && latest_live == nullptr; ++it) {
    if (!it->deleted) latest_live = &*it;
  }
  const Contract settled =
      SettleContract(given, latest_live, ConfigOf(*under).contract, std::nullopt, false);
  for (const Contract* c : {&given, &settled}) {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      if (it->metadata.empty() && it->rule_set.empty()) continue;  // as in Register
      auto held = Cached(it->schema_id);
      if (!held) return std::unexpected(held.error());
      if (SameSchemaAs((*held)->record, parsed.schema, parsed.references) &&
          SameContract(it->metadata, it->rule_set, c->metadata, c->rule_set)) {
        return ToSchemaVersion(*it);
      }
    }
  }
  return Fail(ErrorCode::kSchemaNotFound, "Schema not found");
}

RegistryResult<std::vector<std::string>> Service::ListSubjects(const ListSubjectsOptions& o) {
  auto live = store_->ListSubjects(IncludeDeleted::kNo);
  if (!live) return std::unexpected(live.error());
  std::vector<SubjectName> chosen;
  if (o.deleted_only || o.deleted == IncludeDeleted::kYes) {
    auto all = store_->ListSubjects(IncludeDeleted::kYes);
    if (!all) return std::unexpected(all.error());
    if (o.deleted_only) {
      std::set<SubjectName> live_set(live->begin(), live->end());
      for (SubjectName& s : *all) {
        if (!live_set.contains(s)) chosen.push_back(std::move(s));
      }
    } else {
      chosen = std::move(*all);
    }
  } else {
    chosen = std::move(*live);
  }
  // Contexts (issue #18), as Confluent: no prefix or ":*:" lists every
  // context (qualified names), ":*:x" every context's subjects whose name
  // in it begins with x, ":.ctx:x" that context's, an empty or unqualified
  // prefix the default context's.
  const QualifiedSubject want =
      SplitQualifiedSubject(o.prefix.value_or(std::string(kContextWildcard)));
  std::vector<std::string> out;
  for (SubjectName& s : chosen) {
    const QualifiedSubject q = SplitQualifiedSubject(s.str());
    if (!want.wildcard && q.context != want.context) continue;
    if (q.name.starts_with(want.name)) out.push_back(s.str());
  }
  return out;
}

RegistryResult<std::vector<Version>> Service::ListVersions(std::string_view subject_text,
                                                           IncludeDeleted deleted,
                                                           bool deleted_only) {
  SubjectName subject{std::string(subject_text)};
  auto has_live = [](const std::vector<VersionRecord>& vs) {
    return std::any_of(vs.begin(), vs.end(), [](const VersionRecord& v) { return !v.deleted; });
  };
  auto all = VersionsHaving(*store_, subject, IncludeDeleted::kYes, has_live);
  if (!all) return std::unexpected(all.error());
  const bool any_live = has_live(*all);
  if (all->empty() || (!any_live && deleted == IncludeDeleted::kNo && !deleted_only)) {
    return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
  }
  std::vector<Version> out;
  for (const VersionRecord& v : *all) {
    if (deleted_only ? v.deleted : (!v.deleted || deleted == IncludeDeleted::kYes)) {
      out.push_back(v.version);
    }
  }
  return out;
}

RegistryResult<SchemaVersion> Service::GetVersion(std::string_view subject_text,
                                                  VersionSelector sel, IncludeDeleted deleted) {
  SubjectName subject{std::string(subject_text)};
  auto versions = VersionsHaving(*store_, subject, deleted,
                                 [&](const auto& vs) { return HoldsSelected(vs, sel); });
  if (!versions) return std::unexpected(versions.error());
  if (versions->empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
  if (sel.latest()) return ToSchemaVersion(versions->back());
  for (const VersionRecord& v : *versions) {
    if (v.version == *sel.version) return ToSchemaVersion(v);
  }
  return Fail(ErrorCode::kVersionNotFound,
              "Version " + std::to_string(sel.version->value()) + " not found.");
}

RegistryResult<std::vector<SchemaId>> Service::ReferencedBy(std::string_view subject,
                                                            VersionSelector sel) {
  auto v = GetVersion(subject, sel, IncludeDeleted::kNo);
  if (!v) return std::unexpected(v.error());
  auto refs = store_->Referrers(v->subject, v->version);
  if (!refs) return std::unexpected(refs.error());
  std::set<SchemaId> ids;
  for (const VersionRecord& r : *refs) {
    if (!r.deleted) ids.insert(r.schema_id);
  }
  return std::vector<SchemaId>(ids.begin(), ids.end());
}

RegistryResult<Deleted> Service::Delete(std::string_view subject_text,
                                        std::optional<VersionSelector> version, DeleteKind kind,
                                        const Principal& caller, Force force) {
  SubjectName subject{std::string(subject_text)};
  if (version) return DeleteOneVersion(subject, *version, kind, caller, force);
  return DeleteWholeSubject(subject, kind, caller, force);
}

RegistryResult<std::vector<Version>> Service::DeleteSubject(std::string_view subject,
                                                            DeleteKind kind,
                                                            const Principal& caller, Force force) {
  auto deleted = Delete(subject, std::nullopt, kind, caller, force);
  if (!deleted) return std::unexpected(deleted.error());
  return std::move(deleted->versions);
}

RegistryResult<Version> Service::DeleteVersion(std::string_view subject, VersionSelector sel,
                                               DeleteKind kind, const Principal& caller,
                                               Force force) {
  auto deleted = Delete(subject, sel, kind, caller, force);
  if (!deleted) return std::unexpected(deleted.error());
  return deleted->versions.front();
}

namespace {
// The audit detail of a forced permanent delete: who was overridden.
std::string ForcedDetail(const std::vector<OverriddenConsumer>& overridden) {
  json::Array list;
  for (const OverriddenConsumer& c : overridden) {
    json::Value o{json::Object{}};
    o.Add("service", c.service);
    o.Add("owner", c.owner);
    json::Array versions;
    for (Version v : c.versions) versions.emplace_back(v.value());
    o.Add("versions", json::Value(std::move(versions)));
    list.push_back(std::move(o));
  }
  json::Value detail{json::Object{}};
  detail.Add("force", true);
  detail.Add("overriddenConsumers", json::Value(std::move(list)));
  return json::ToJson(detail);
}
}  // namespace

RegistryResult<Deleted> Service::DeleteWholeSubject(const SubjectName& subject, DeleteKind kind,
                                                    const Principal& caller, Force force) {
  const std::string& actor = caller.name;
  WriteScope lock(*this);
  if (auto ok = internal::AuthoriseDelete(*store_, caller, subject, force); !ok) {
    return std::unexpected(ok.error());
  }
  auto mode = EffectiveMode(subject);
  if (!mode) return std::unexpected(mode.error());
  if (*mode == Mode::kReadOnly) {
    return Fail(ErrorCode::kOperationNotPermitted,
                "Subject " + Quoted(subject.str()) + " is in read-only mode");
  }
  auto all = store_->ListVersions(subject, IncludeDeleted::kYes);
  if (!all) return std::unexpected(all.error());
  if (all->empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
  const std::vector<VersionRecord> live = LiveOnly(*all);
  if (kind == DeleteKind::kSoft && live.empty()) {
    return Fail(ErrorCode::kSubjectSoftDeleted,
                "Subject " + Quoted(subject.str()) +
                    " was soft deleted. Set permanent=true to delete permanently");
  }
  if (kind == DeleteKind::kPermanent && !live.empty()) {
    return Fail(ErrorCode::kSubjectNotSoftDeleted,
                "Subject " + Quoted(subject.str()) +
                    " was not deleted first before being permanently deleted");
  }
  const std::vector<VersionRecord>& targets = kind == DeleteKind::kSoft ? live : *all;
  std::vector<Version> versions;
  for (const VersionRecord& v : targets) {
    auto refs = store_->Referrers(subject, v.version);
    if (!refs) return std::unexpected(refs.error());
    for (const VersionRecord& r : *refs) {
      // References from inside the subject being deleted do not block it.
      if (r.subject == subject) continue;
      if (kind == DeleteKind::kPermanent || !r.deleted) {
        return Fail(ErrorCode::kReferenceExists,
                    "One or more references exist to the schema {subject=" + subject.str() +
                        ",version=" + std::to_string(v.version.value()) + "}");
      }
    }
    versions.push_back(v.version);
  }
  Deleted out;
  std::string detail;
  if (kind == DeleteKind::kPermanent && force == Force::kNo) {
    if (auto free = CheckNoConsumers(subject, versions); !free) {
      return std::unexpected(free.error());
    }
  } else if (kind == DeleteKind::kPermanent) {
    auto overridden = ConsumersOfVersions(subject, versions);
    if (!overridden) return std::unexpected(overridden.error());
    out.overridden = std::move(*overridden);
    detail = ForcedDetail(out.overridden);
  }
  if (kind == DeleteKind::kSoft) {
    auto r = store_->SoftDeleteVersions(subject, versions,
                                        MakeAudit("SOFT_DELETE_SUBJECT", actor, subject.str()));
    if (!r) return std::unexpected(r.error());
  } else {
    auto r = store_->HardDeleteVersions(
        subject, versions, MakeAudit("HARD_DELETE_SUBJECT", actor, subject.str(), 0, detail));
    if (!r) return std::unexpected(r.error());
    // A permanently deleted subject keeps no config or mode (best effort:
    // the versions are gone either way).
    auto c = store_->GetConfig(subject);
    if (c && *c) {
      (void)store_->SetConfig(subject, std::nullopt,
                              MakeAudit("DELETE_CONFIG", actor, subject.str()));
    }
    auto m = store_->GetMode(subject);
    if (m && *m) {
      (void)store_->SetMode(subject, std::nullopt, MakeAudit("DELETE_MODE", actor, subject.str()));
    }
  }
  out.versions = std::move(versions);
  return out;
}

RegistryResult<Deleted> Service::DeleteOneVersion(const SubjectName& subject, VersionSelector sel,
                                                  DeleteKind kind, const Principal& caller,
                                                  Force force) {
  const std::string& actor = caller.name;
  WriteScope lock(*this);
  if (auto ok = internal::AuthoriseDelete(*store_, caller, subject, force); !ok) {
    return std::unexpected(ok.error());
  }
  auto mode = EffectiveMode(subject);
  if (!mode) return std::unexpected(mode.error());
  if (*mode == Mode::kReadOnly) {
    return Fail(ErrorCode::kOperationNotPermitted,
                "Subject " + Quoted(subject.str()) + " is in read-only mode");
  }
  auto all = store_->ListVersions(subject, IncludeDeleted::kYes);
  if (!all) return std::unexpected(all.error());
  const std::vector<VersionRecord> live = LiveOnly(*all);
  const std::vector<VersionRecord>& scope = kind == DeleteKind::kSoft ? live : *all;
  if (scope.empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
  const VersionRecord* target = nullptr;
  if (sel.latest()) {
    target = &scope.back();
  } else {
    for (const VersionRecord& v : *all) {
      if (v.version == *sel.version) target = &v;
    }
  }
  if (target == nullptr) {
    return Fail(ErrorCode::kVersionNotFound,
                "Version " + std::to_string(sel.version->value()) + " not found.");
  }
  const std::string where =
      "Subject " + Quoted(subject.str()) + " Version " + std::to_string(target->version.value());
  if (kind == DeleteKind::kSoft && target->deleted) {
    return Fail(ErrorCode::kVersionSoftDeleted,
                where + " was soft deleted. Set permanent=true to delete permanently");
  }
  if (kind == DeleteKind::kPermanent && !target->deleted) {
    return Fail(ErrorCode::kVersionNotSoftDeleted,
                where + " was not deleted first before being permanently deleted");
  }
  auto refs = store_->Referrers(subject, target->version);
  if (!refs) return std::unexpected(refs.error());
  for (const VersionRecord& r : *refs) {
    if (kind == DeleteKind::kPermanent || !r.deleted) {
      return Fail(ErrorCode::kReferenceExists,
                  "One or more references exist to the schema {subject=" + subject.str() +
                      ",version=" + std::to_string(target->version.value()) + "}");
    }
  }
  const Version version = target->version;
  Deleted out;
  out.versions = {version};
  std::string detail;
  if (kind == DeleteKind::kPermanent && force == Force::kNo) {
    if (auto free = CheckNoConsumers(subject, {version}); !free) {
      return std::unexpected(free.error());
    }
  } else if (kind == DeleteKind::kPermanent) {
    auto overridden = ConsumersOfVersions(subject, {version});
    if (!overridden) return std::unexpected(overridden.error());
    out.overridden = std::move(*overridden);
    detail = ForcedDetail(out.overridden);
  }
  if (kind == DeleteKind::kSoft) {
    auto r = store_->SoftDeleteVersions(
        subject, {version},
        MakeAudit("SOFT_DELETE_VERSION", actor, subject.str(), version.value()));
    if (!r) return std::unexpected(r.error());
  } else {
    auto r = store_->HardDeleteVersions(
        subject, {version},
        MakeAudit("HARD_DELETE_VERSION", actor, subject.str(), version.value(), detail));
    if (!r) return std::unexpected(r.error());
  }
  return out;
}

// --- schemas by id -------------------------------------------------------------

RegistryResult<SchemaRecord> Service::GetSchema(SchemaId id) {
  auto c = Cached(id);
  if (!c) return std::unexpected(c.error());
  return (*c)->record;
}

RegistryResult<std::vector<std::string>> Service::SubjectsOfSchema(SchemaId id,
                                                                   IncludeDeleted deleted) {
  auto versions = VersionsOfSchema(id, deleted);
  if (!versions) return std::unexpected(versions.error());
  std::vector<std::string> out;
  for (const SubjectVersion& v : *versions) {
    if (out.empty() || out.back() != v.subject.str()) out.push_back(v.subject.str());
  }
  return out;
}

RegistryResult<std::vector<SubjectVersion>> Service::VersionsOfSchema(SchemaId id,
                                                                      IncludeDeleted deleted) {
  auto c = Cached(id);
  if (!c) return std::unexpected(c.error());
  auto versions = store_->VersionsOfSchema(id, deleted);
  if (!versions) return std::unexpected(versions.error());
  std::vector<SubjectVersion> out;
  for (const VersionRecord& v : *versions) out.push_back({v.subject, v.version});
  return out;
}

// --- contexts ------------------------------------------------------------------

RegistryResult<std::optional<std::int64_t>> Service::ContextNumber(const std::string& context,
                                                                   bool create) {
  if (context == kDefaultContext) return std::optional<std::int64_t>(0);
  {
    std::lock_guard lock(contexts_mu_);
    if (auto it = context_numbers_.find(context); it != context_numbers_.end()) {
      return std::optional<std::int64_t>(it->second);
    }
  }
  std::optional<std::int64_t> number;
  if (create) {
    auto made = store_->EnsureContext(context);
    if (!made) return std::unexpected(made.error());
    number = *made;
  } else {
    // Another process may have numbered it: the store knows.
    auto all = store_->ListContexts();
    if (!all) return std::unexpected(all.error());
    std::lock_guard lock(contexts_mu_);
    for (const ContextRecord& c : *all) {
      context_numbers_.emplace(c.name, c.number);
      if (c.name == context) number = c.number;
    }
    return number;
  }
  std::lock_guard lock(contexts_mu_);
  context_numbers_.emplace(context, *number);
  return number;
}

// A context is listed from its creation (its record: a registration in it,
// or its own config or mode set) until DELETE /contexts/{ctx}; and while it
// holds a subject, also one registered after a delete or by a process that
// still knew the context's number.
RegistryResult<std::vector<std::string>> Service::ListContexts() {
  auto subjects = store_->ListSubjects(IncludeDeleted::kYes);
  if (!subjects) return std::unexpected(subjects.error());
  auto records = store_->ListContexts();
  if (!records) return std::unexpected(records.error());
  std::set<std::string> named;
  for (ContextRecord& c : *records) {
    if (!c.deleted) named.insert(std::move(c.name));
  }
  for (const SubjectName& s : *subjects) {
    QualifiedSubject q = SplitQualifiedSubject(s.str());
    if (q.context != kDefaultContext) named.insert(std::move(q.context));
  }
  std::vector<std::string> out{std::string(kDefaultContext)};
  out.insert(out.end(), named.begin(), named.end());
  return out;
}

RegistryResult<void> Service::DeleteContext(const std::string& context_text,
                                            const Principal& caller) {
  std::string context = context_text;
  if (context.starts_with(':')) context.erase(0, 1);
  if (context.ends_with(':')) context.pop_back();
  if (!context.starts_with('.')) context.insert(0, 1, '.');
  if (auto ok = ValidateContextName(context); !ok) return std::unexpected(ok.error());
  if (context == kDefaultContext) {
    return Fail(ErrorCode::kOperationNotPermitted, "The default context '.' cannot be deleted");
  }
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  if (auto a = internal::RequireAdmin(caller, "delete context " + context); !a) {
    return std::unexpected(a.error());
  }
  WriteScope lock(*this);
  auto records = store_->ListContexts();
  if (!records) return std::unexpected(records.error());
  const auto record = std::find_if(records->begin(), records->end(),
                                   [&](const ContextRecord& c) { return c.name == context; });
  auto subjects = store_->ListSubjects(IncludeDeleted::kYes);
  if (!subjects) return std::unexpected(subjects.error());
  std::size_t held = 0;
  for (const SubjectName& s : *subjects) {
    if (SplitQualifiedSubject(s.str()).context == context) ++held;
  }
  if (held > 0) {
    return Fail(ErrorCode::kOperationNotPermitted,
                "Context " + Quoted(context) + " is not empty: " + std::to_string(held) +
                    " subject(s) in it have versions (soft-deleted ones count); delete them "
                    "permanently first");
  }
  if (record == records->end() || record->deleted) {
    return Fail(ErrorCode::kContextNotFound, "Context " + Quoted(context) + " not found");
  }
  auto r = store_->DeleteContext(
      context, MakeAudit("DELETE_CONTEXT", caller.name, QualifySubject(context, "")));
  if (!r) return std::unexpected(r.error());
  return {};
}

RegistryResult<SchemaId> Service::ResolveSchemaId(std::int64_t wire_id,
                                                  const std::optional<std::string>& subject) {
  if (wire_id < 1 || wire_id > SchemaId::kMaxLocal) {
    return Fail(ErrorCode::kSchemaNotFound, "Schema " + std::to_string(wire_id) + " not found");
  }
  const SchemaId plain(wire_id);
  if (!subject || subject->empty()) return plain;
  const QualifiedSubject q = SplitQualifiedSubject(*subject);
  if (q.wildcard) return plain;
  if (subject->starts_with(":.")) {
    auto number = ContextNumber(q.context, /*create=*/false);
    if (!number) return std::unexpected(number.error());
    if (!*number) {
      return Fail(ErrorCode::kSchemaNotFound, "Schema " + std::to_string(wire_id) +
                                                  " not found (no context " + q.context + ")");
    }
    return SchemaId::InContext(**number, wire_id);
  }
  // An unqualified subject: where that name holds the id, the default
  // context first (Confluent's order: a client that names only its topic's
  // subject finds the schema its producer registered in a context).
  auto holds = [&](SchemaId id, const std::string& name) -> RegistryResult<bool> {
    auto versions = store_->VersionsOfSchema(id, IncludeDeleted::kYes);
    if (!versions) return std::unexpected(versions.error());
    for (const VersionRecord& v : *versions) {
      if (v.subject.str() == name) return true;
    }
    return false;
  };
  auto here = holds(plain, *subject);
  if (!here) return std::unexpected(here.error());
  if (*here) return plain;
  auto contexts = store_->ListContexts();
  if (!contexts) return std::unexpected(contexts.error());
  for (const ContextRecord& c : *contexts) {
    const SchemaId id = SchemaId::InContext(c.number, wire_id);
    auto there = holds(id, QualifySubject(c.name, *subject));
    if (!there) return std::unexpected(there.error());
    if (*there) return id;
  }
  return plain;
}

// --- compatibility -------------------------------------------------------------

RegistryResult<CompatibilityResult> Service::TestCompatibility(std::string_view subject_text,
                                                               std::optional<VersionSelector> sel,
                                                               const SchemaInput& input) {
  internal::RequestBudget budget(options_.max_request_work);  // checked in Prepare and CheckPairs
  SubjectName subject{std::string(subject_text)};
  auto live = VersionsHaving(*store_, subject, IncludeDeleted::kNo,
                             [&](const auto& vs) { return !sel || HoldsSelected(vs, *sel); });
  if (!live) return std::unexpected(live.error());
  std::vector<VersionRecord> history;
  auto config = ConfigFor(subject);
  if (!config) return std::unexpected(config.error());
  compat::Level level = config->level;
  if (sel) {
    if (live->empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
    if (sel->latest()) {
      history.push_back(live->back());
    } else {
      for (const VersionRecord& v : *live) {
        if (v.version == *sel->version) history.push_back(v);
      }
      if (history.empty()) {
        return Fail(ErrorCode::kVersionNotFound,
                    "Version " + std::to_string(sel->version->value()) + " not found.");
      }
    }
    // An explicit version is checked alone, also under a transitive level.
    level = NonTransitive(level);
  } else {
    history = std::move(*live);
  }
  auto parsed = Prepare(input, subject);
  if (!parsed) return std::unexpected(parsed.error());
  // DATA CONTRACTS, as Confluent's compatibility check applies them to the
  // schema as sent (no inheritance): validateFields against the last
  // version checked, then compatibilityGroup narrowing what is checked.
  std::vector<std::string> reserved;
  if (config->contract.validate_fields.value_or(false)) {
    reserved = ReservedFieldProblems(parsed->metadata, history.empty() ? nullptr : &history.back(),
                                     parsed->schema);
  }
  if (const std::optional<std::string>& group_key = config->contract.compatibility_group) {
    std::optional<std::string> mine;
    if (parsed->metadata) {
      auto it = parsed->metadata->properties.find(*group_key);
      if (it != parsed->metadata->properties.end()) mine = it->second;
    }
    std::erase_if(history, [&](const VersionRecord& v) {
      return internal::MetadataProperty(v.metadata, *group_key) != mine;
    });
  }
  auto report = CheckPairs(*parsed, history, level, config->policy);
  if (!report) return std::unexpected(report.error());
  CompatibilityResult out;
  out.compatible = report->compatible() && reserved.empty();
  out.messages = std::move(reserved);
  for (std::string& m : MessagesFor(*report, level)) out.messages.push_back(std::move(m));
  out.report = std::move(*report);
  return out;
}

// --- config and mode -----------------------------------------------------------

RegistryResult<ConfigRecord> Service::GetConfig(const std::optional<std::string>& subject,
                                                bool default_to_global) {
  auto global = store_->GetConfig(std::nullopt);
  if (!global) return std::unexpected(global.error());
  ConfigRecord effective_global = global->value_or(ConfigRecord{});
  if (!effective_global.level) effective_global.level = options_.default_level;
  if (!effective_global.policy) effective_global.policy = options_.default_policy;
  if (!subject) return effective_global;
  auto scope = ParseConfigScope(*subject, /*validate=*/false);
  if (!scope) return std::unexpected(scope.error());
  if (!scope->scope) return effective_global;  // ":.:": the default context's are the global ones
  // A subject in a named context falls back to the context's own config
  // before the global one (Confluent's order; field by field, as below).
  if (const std::optional<SubjectName> context = ContextScopeOf(*scope->scope)) {
    auto own = store_->GetConfig(context);
    if (!own) return std::unexpected(own.error());
    if (*own) {
      ConfigRecord c = **own;
      if (!c.level) c.level = effective_global.level;
      if (!c.policy) c.policy = effective_global.policy;
      if (!c.lint) c.lint = effective_global.lint;
      internal::FillContractSettings(effective_global, &c);
      effective_global = std::move(c);
    }
  }
  auto sub = store_->GetConfig(scope->scope);
  if (!sub) return std::unexpected(sub.error());
  if (!*sub) {
    if (default_to_global) return effective_global;
    return Fail(ErrorCode::kSubjectCompatibilityNotConfigured,
                ScopeNoun(*scope) + " does not have subject-level compatibility configured");
  }
  ConfigRecord c = **sub;
  if (!c.level) c.level = effective_global.level;
  if (!c.policy) c.policy = effective_global.policy;
  if (!c.lint) c.lint = effective_global.lint;  // stays unset (off) when neither sets it
  internal::FillContractSettings(effective_global, &c);
  return c;
}

RegistryResult<ConfigRecord> Service::SetConfig(const std::optional<std::string>& subject,
                                                const ConfigRecord& update,
                                                const Principal& caller) {
  const std::string& actor = caller.name;
  auto valid = ParseConfigScope(subject, /*validate=*/true);
  if (!valid) return std::unexpected(valid.error());
  const ConfigScope scope = std::move(*valid);
  const std::optional<SubjectName>& name = scope.scope;
  WriteScope lock(*this);
  if (auto ok = AuthoriseScopeWrite(*store_, caller, scope, "config"); !ok) {
    return std::unexpected(ok.error());
  }
  // Setting a context's config creates the context (GET /contexts lists it).
  if (scope.context) {
    if (auto made = store_->EnsureContext(*scope.context); !made) {
      return std::unexpected(made.error());
    }
  }
  auto stored = store_->GetConfig(name);
  if (!stored) return std::unexpected(stored.error());
  ConfigRecord merged = stored->value_or(ConfigRecord{});
  if (update.level) merged.level = update.level;
  if (update.policy) merged.policy = update.policy;
  if (update.lint) merged.lint = update.lint;
  internal::MergeContractSettings(update, &merged);
  auto r =
      store_->SetConfig(name, merged,
                        MakeAudit("PUT_CONFIG", actor, AuditScope(name), 0,
                                  "{\"before\":" + ConfigJson(stored->value_or(ConfigRecord{})) +
                                      ",\"after\":" + ConfigJson(merged) + "}"));
  if (!r) return std::unexpected(r.error());
  return merged;
}

RegistryResult<ConfigRecord> Service::DeleteConfig(const std::optional<std::string>& subject,
                                                   const Principal& caller) {
  const std::string& actor = caller.name;
  auto parsed = ParseConfigScope(subject, /*validate=*/false);
  if (!parsed) return std::unexpected(parsed.error());
  const ConfigScope scope = std::move(*parsed);
  const std::optional<SubjectName>& name = scope.scope;
  WriteScope lock(*this);
  if (auto ok = AuthoriseScopeWrite(*store_, caller, scope, "config"); !ok) {
    return std::unexpected(ok.error());
  }
  auto stored = store_->GetConfig(name);
  if (!stored) return std::unexpected(stored.error());
  ConfigRecord before = stored->value_or(ConfigRecord{});
  if (!*stored) {
    if (name) {
      return Fail(ErrorCode::kSubjectCompatibilityNotConfigured,
                  ScopeNoun(scope) + " does not have subject-level compatibility configured");
    }
  } else {
    auto r = store_->SetConfig(name, std::nullopt,
                               MakeAudit("DELETE_CONFIG", actor, AuditScope(name), 0,
                                         "{\"before\":" + ConfigJson(before) + "}"));
    if (!r) return std::unexpected(r.error());
  }
  if (!name) {
    if (!before.level) before.level = options_.default_level;
    if (!before.policy) before.policy = options_.default_policy;
  }
  return before;
}

RegistryResult<Mode> Service::GetMode(const std::optional<std::string>& subject,
                                      bool default_to_global) {
  auto global = store_->GetMode(std::nullopt);
  if (!global) return std::unexpected(global.error());
  Mode global_mode = global->value_or(Mode::kReadWrite);
  if (!subject) return global_mode;
  auto scope = ParseConfigScope(*subject, /*validate=*/false);
  if (!scope) return std::unexpected(scope.error());
  if (!scope->scope) return global_mode;  // ":.:"
  auto sub = store_->GetMode(scope->scope);
  if (!sub) return std::unexpected(sub.error());
  if (*sub) return **sub;
  if (!default_to_global) {
    return Fail(ErrorCode::kSubjectModeNotConfigured,
                ScopeNoun(*scope) + " does not have subject-level mode configured");
  }
  // A subject in a named context: the context's mode, then the global one.
  if (const std::optional<SubjectName> context = ContextScopeOf(*scope->scope)) {
    auto own = store_->GetMode(context);
    if (!own) return std::unexpected(own.error());
    if (*own) return **own;
  }
  return global_mode;
}

RegistryResult<Mode> Service::SetMode(const std::optional<std::string>& subject, Mode mode,
                                      Force force, const Principal& caller) {
  const std::string& actor = caller.name;
  auto valid = ParseConfigScope(subject, /*validate=*/true);
  if (!valid) return std::unexpected(valid.error());
  const ConfigScope scope = std::move(*valid);
  const std::optional<SubjectName>& name = scope.scope;
  WriteScope lock(*this);
  if (auto ok = AuthoriseScopeWrite(*store_, caller, scope, "mode"); !ok) {
    return std::unexpected(ok.error());
  }
  if (mode == Mode::kImport) {
    if (auto ok = internal::RequireAdmin(caller, "set IMPORT mode"); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (mode == Mode::kImport && force == Force::kNo) {
    bool empty = true;
    if (scope.context) {
      // A context is empty when none of its subjects has a version.
      auto subjects = store_->ListSubjects(IncludeDeleted::kYes);
      if (!subjects) return std::unexpected(subjects.error());
      empty = std::none_of(subjects->begin(), subjects->end(), [&](const SubjectName& s) {
        return SplitQualifiedSubject(s.str()).context == *scope.context;
      });
    } else if (name) {
      auto versions = store_->ListVersions(*name, IncludeDeleted::kYes);
      if (!versions) return std::unexpected(versions.error());
      empty = versions->empty();
    } else {
      auto subjects = store_->ListSubjects(IncludeDeleted::kYes);
      if (!subjects) return std::unexpected(subjects.error());
      empty = subjects->empty();
    }
    if (!empty) {
      return Fail(ErrorCode::kOperationNotPermitted, "Cannot import since found existing subjects");
    }
  }
  // Setting a context's mode creates the context, as its config does.
  if (scope.context) {
    if (auto made = store_->EnsureContext(*scope.context); !made) {
      return std::unexpected(made.error());
    }
  }
  auto r = store_->SetMode(name, mode,
                           MakeAudit("PUT_MODE", actor, AuditScope(name), 0,
                                     "{\"mode\":\"" + std::string(ModeName(mode)) + "\"}"));
  if (!r) return std::unexpected(r.error());
  return mode;
}

RegistryResult<Mode> Service::DeleteMode(const std::optional<std::string>& subject,
                                         const Principal& caller) {
  const std::string& actor = caller.name;
  auto parsed = ParseConfigScope(subject, /*validate=*/false);
  if (!parsed) return std::unexpected(parsed.error());
  const ConfigScope scope = std::move(*parsed);
  const std::optional<SubjectName>& name = scope.scope;
  WriteScope lock(*this);
  if (auto ok = AuthoriseScopeWrite(*store_, caller, scope, "mode"); !ok) {
    return std::unexpected(ok.error());
  }
  auto stored = store_->GetMode(name);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) {
    if (name) {
      return Fail(ErrorCode::kSubjectModeNotConfigured,
                  ScopeNoun(scope) + " does not have subject-level mode configured");
    }
    return Mode::kReadWrite;
  }
  auto r = store_->SetMode(name, std::nullopt, MakeAudit("DELETE_MODE", actor, AuditScope(name)));
  if (!r) return std::unexpected(r.error());
  return **stored;
}

// --- operations ----------------------------------------------------------------

RegistryResult<void> Service::Ready() { return store_->Ping(); }

RegistryResult<Service::Stats> Service::GetStats() {
  // Each context counts its own ids from 1 (issue #18): the default
  // context's highest id plus every other context's.
  auto contexts = store_->ListContexts();
  if (!contexts) return std::unexpected(contexts.error());
  std::vector<std::int64_t> numbers = {0};
  for (const ContextRecord& c : *contexts) numbers.push_back(c.number);
  std::int64_t schemas = 0;
  for (std::int64_t number : numbers) {
    auto max_id = store_->MaxSchemaId(number);
    if (!max_id) return std::unexpected(max_id.error());
    schemas += max_id->local();
  }
  auto subjects = store_->ListSubjects(IncludeDeleted::kNo);
  if (!subjects) return std::unexpected(subjects.error());
  return Stats{.schemas = schemas, .subjects = static_cast<std::int64_t>(subjects->size())};
}

Service::Counters Service::GetCounters() const {
  const Store::CommitStats commits = store_->GetCommitStats();
  return Counters{.store_commits = commits.commits,
                  .store_writes_committed = commits.writes,
                  .parsed_schemas_cached = parsed_->size(),
                  .diffs_computed = diffs_computed_.load(std::memory_order_relaxed),
                  .diffs_cached = diffs_->size(),
                  .field_tables_computed = field_tables_computed_.load(std::memory_order_relaxed)};
}

RegistryResult<std::vector<AuditRecord>> Service::Audit(const AuditQuery& query,
                                                        const Principal& caller) {
  if (auto ok = internal::RequireAdmin(caller, "read the audit log"); !ok) {
    return std::unexpected(ok.error());
  }
  std::optional<SubjectName> name;
  if (query.subject) name = SubjectName(*query.subject);
  auto keep = [&](const AuditRecord& a) {
    return (!query.actor || a.actor == *query.actor) &&
           (!query.since_ms || a.ts_ms >= *query.since_ms) &&
           (!query.until_ms || a.ts_ms <= *query.until_ms);
  };
  if (!query.actor && !query.since_ms && !query.until_ms) {
    return store_->ListAudit(query.after_seq, query.limit, name);
  }
  // The store filters by subject only: the other filters are applied here,
  // page by page, until `limit` rows match or the log ends (the audit log
  // is read rarely, by admins).
  constexpr std::size_t kPage = 1000;
  std::vector<AuditRecord> out;
  std::int64_t after = query.after_seq;
  while (out.size() < query.limit) {
    auto page = store_->ListAudit(after, kPage, name);
    if (!page) return std::unexpected(page.error());
    for (AuditRecord& a : *page) {
      if (keep(a) && out.size() < query.limit) out.push_back(std::move(a));
    }
    if (page->size() < kPage) break;
    after = page->back().seq;
  }
  return out;
}

}  // namespace accord::registry

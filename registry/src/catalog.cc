// The catalog half of the Service (service.h, "catalog"): subject metadata,
// deprecations and lifecycle, service declarations, consumers, search,
// calendar, diff / changelog, field tables; and Confluent's schema-listing
// reads that need the per-version metadata.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <utility>

#include "accord/compat/render.h"
#include "accord/registry/service.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"
#include "authz.h"
#include "field_index.h"
#include "folded_names.h"
#include "schema_diff.h"
#include "service_internal.h"
#include "subject_names.h"

namespace accord::registry {

using internal::MakeAudit;
using internal::Quoted;
using internal::SubjectNotFound;
using internal::Token;
using json::Value;

bool internal::Token(std::string_view s, bool upper_ok) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alnum =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upper_ok && c >= 'A' && c <= 'Z');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

namespace {

// --- catalog limits (42210 beyond them) ----------------------------------------
constexpr std::size_t kMaxOwner = 128;
constexpr std::size_t kMaxDescription = 4096;
constexpr std::size_t kMaxTags = 32;
constexpr std::size_t kMaxTag = 64;
constexpr std::size_t kMaxLinks = 16;
constexpr std::size_t kMaxLinkName = 128;
constexpr std::size_t kMaxUrl = 2048;
constexpr std::size_t kMaxSla = 16;
constexpr std::size_t kMaxSlaKey = 64;
constexpr std::size_t kMaxSlaValue = 256;
constexpr std::size_t kMaxMessage = 512;
constexpr std::size_t kMaxReason = 1024;
constexpr std::size_t kMaxServiceName = 128;
constexpr std::size_t kMaxConsumes = 256;

std::unexpected<RegistryError> BadMetadata(std::string message) {
  return Fail(ErrorCode::kInvalidCatalogMetadata, std::move(message));
}

// No control characters (tab and newline allowed where `multiline`).
bool PlainText(std::string_view s, bool multiline = false) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ValidDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const std::pair<std::size_t, std::size_t> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    const auto [at, len] = spans[i];
    for (std::size_t k = at; k < at + len; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
    }
    std::from_chars(s.data() + at, s.data() + at + len, parts[i]);
  }
  const std::chrono::year_month_day ymd{std::chrono::year(parts[0]),
                                        std::chrono::month(static_cast<unsigned>(parts[1])),
                                        std::chrono::day(static_cast<unsigned>(parts[2]))};
  return parts[0] >= 1970 && ymd.ok();
}

Value StringsValue(const std::vector<std::string>& items) {
  json::Array a;
  for (const std::string& s : items) a.emplace_back(s);
  return Value(std::move(a));
}

Value MetadataValue(const SubjectMetadata& m) {
  Value o{json::Object{}};
  o.Add("owner", m.owner);
  o.Add("description", m.description);
  o.Add("tags", StringsValue(m.tags));
  json::Array links;
  for (const CatalogLink& l : m.links) {
    Value link{json::Object{}};
    link.Add("name", l.name);
    link.Add("url", l.url);
    links.push_back(std::move(link));
  }
  o.Add("links", Value(std::move(links)));
  Value sla{json::Object{}};
  for (const auto& [k, v] : m.sla) sla.Add(k, v);
  o.Add("sla", std::move(sla));
  // Only when named: most subjects' schemas are their events' type.
  if (!m.message.empty()) o.Add("message", m.message);
  return o;
}

Value DeprecationValue(const std::optional<Deprecation>& d) {
  if (!d) return Value();
  Value o{json::Object{}};
  o.Add("sunset", d->sunset);
  o.Add("reason", d->reason);
  if (d->replacement) o.Add("replacement", d->replacement->value());
  return o;
}

Value ServiceValue(const ServiceRecord& s) {
  Value o{json::Object{}};
  o.Add("name", s.name);
  o.Add("owner", s.owner);
  std::vector<std::string> produces;
  for (const SubjectName& p : s.produces) produces.push_back(p.str());
  o.Add("produces", StringsValue(produces));
  json::Array consumes;
  for (const ConsumedSubject& c : s.consumes) {
    Value e{json::Object{}};
    e.Add("subject", c.subject.str());
    e.Add("schemaType", std::string(SchemaTypeName(c.type)));
    json::Array versions;
    for (Version v : c.versions) versions.emplace_back(v.value());
    e.Add("versions", c.min_version ? Value(">=" + std::to_string(c.min_version->value()))
                                    : Value(std::move(versions)));
    consumes.push_back(std::move(e));
  }
  o.Add("consumes", Value(std::move(consumes)));
  return o;
}

using internal::BeforeAfter;

// The properties object of a Confluent metadata JSON text (nullptr when none).
const Value* PropertiesOf(const Value& metadata) {
  const Value* p = metadata.IsObject() ? metadata.Find("properties") : nullptr;
  return p != nullptr && p->IsObject() ? p : nullptr;
}

bool Contains(const std::string& haystack, const std::string& lower_needle) {
  return Lower(haystack).find(lower_needle) != std::string::npos;
}

}  // namespace

// --- lifecycle -------------------------------------------------------------------

std::string_view LifecycleName(Lifecycle s) {
  switch (s) {
    case Lifecycle::kActive:
      return "ACTIVE";
    case Lifecycle::kDeprecated:
      return "DEPRECATED";
    case Lifecycle::kRetired:
      return "RETIRED";
  }
  return "ACTIVE";
}

std::optional<Lifecycle> LifecycleFromString(std::string_view s) {
  for (Lifecycle l : {Lifecycle::kActive, Lifecycle::kDeprecated, Lifecycle::kRetired}) {
    if (Lower(s) == Lower(LifecycleName(l))) return l;
  }
  return std::nullopt;
}

std::string CalendarDate(std::int64_t ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
  const year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Lifecycle LifecycleAt(const std::optional<Deprecation>& deprecation, std::int64_t now_ms) {
  if (!deprecation) return Lifecycle::kActive;
  // Dates are YYYY-MM-DD: string order is date order.
  return CalendarDate(now_ms) >= deprecation->sunset ? Lifecycle::kRetired : Lifecycle::kDeprecated;
}

std::int64_t Service::NowMs() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- metadata rules ----------------------------------------------------------------

namespace internal {

RegistryResult<SubjectMetadata> ValidateMetadata(SubjectMetadata m) {
  if (m.owner.size() > kMaxOwner || !PlainText(m.owner)) {
    return BadMetadata("owner must be at most " + std::to_string(kMaxOwner) +
                       " bytes without control characters");
  }
  if (m.description.size() > kMaxDescription || !PlainText(m.description, true)) {
    return BadMetadata("description must be at most " + std::to_string(kMaxDescription) +
                       " bytes without control characters");
  }
  std::set<std::string> tags;
  for (const std::string& t : m.tags) {
    if (t.size() > kMaxTag || !Token(t, false)) {
      return BadMetadata("invalid tag " + Quoted(t.substr(0, kMaxTag)) +
                         ": tags are 1-64 characters of a-z, 0-9, '.', '_', '-' starting with a "
                         "letter or digit");
    }
    tags.insert(t);
  }
  if (tags.size() > kMaxTags) {
    return BadMetadata("at most " + std::to_string(kMaxTags) + " tags are allowed");
  }
  m.tags.assign(tags.begin(), tags.end());
  if (m.links.size() > kMaxLinks) {
    return BadMetadata("at most " + std::to_string(kMaxLinks) + " links are allowed");
  }
  for (const CatalogLink& l : m.links) {
    if (l.name.empty() || l.name.size() > kMaxLinkName || !PlainText(l.name)) {
      return BadMetadata("a link name must be 1-" + std::to_string(kMaxLinkName) +
                         " bytes without control characters");
    }
    const bool scheme = l.url.starts_with("http://") || l.url.starts_with("https://");
    const bool spaces = std::any_of(l.url.begin(), l.url.end(), [](char c) {
      return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
    });
    if (!scheme || spaces || l.url.size() > kMaxUrl) {
      return BadMetadata("link " + Quoted(l.name) +
                         ": url must be an http:// or https:// URL without spaces, at most " +
                         std::to_string(kMaxUrl) + " bytes");
    }
  }
  std::map<std::string, std::string> sla;
  for (const auto& [k, v] : m.sla) {
    if (k.size() > kMaxSlaKey || !Token(k, true)) {
      return BadMetadata("invalid SLA name " + Quoted(k.substr(0, kMaxSlaKey)) +
                         ": 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
    }
    if (v.empty() || v.size() > kMaxSlaValue || !PlainText(v)) {
      return BadMetadata("SLA " + Quoted(k) + " must be 1-" + std::to_string(kMaxSlaValue) +
                         " bytes without control characters");
    }
    if (!sla.emplace(k, v).second) return BadMetadata("SLA " + Quoted(k) + " is given twice");
  }
  if (sla.size() > kMaxSla) {
    return BadMetadata("at most " + std::to_string(kMaxSla) + " SLA targets are allowed");
  }
  m.sla.assign(sla.begin(), sla.end());
  const bool name_chars = std::all_of(m.message.begin(), m.message.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
  });
  if (m.message.size() > kMaxMessage || !name_chars) {
    return BadMetadata("message must be at most " + std::to_string(kMaxMessage) +
                       " characters of A-Z, a-z, 0-9, '_', '.' (a message name)");
  }
  return m;
}

std::string MetadataJson(const SubjectMetadata& m) { return json::ToJson(MetadataValue(m)); }
json::Value MetadataToValue(const SubjectMetadata& m) { return MetadataValue(m); }

RegistryResult<std::optional<SubjectMetadata>> MetadataFromProperties(
    const std::string& metadata_json, const std::optional<SubjectMetadata>& current) {
  auto doc = ParseJson(metadata_json);
  if (!doc) return std::optional<SubjectMetadata>();
  const Value* props = PropertiesOf(doc->root);
  if (props == nullptr) return std::optional<SubjectMetadata>();
  SubjectMetadata m = current.value_or(SubjectMetadata{});
  bool any = false;
  for (const json::Member& p : props->AsObject()) {
    if (!p.value.IsString()) continue;
    const std::string& v = p.value.AsString();
    if (p.key == "owner") {
      m.owner = v;
    } else if (p.key == "description") {
      m.description = v;
    } else if (p.key == "tags") {
      m.tags.clear();
      std::size_t start = 0;
      while (start <= v.size()) {
        std::size_t comma = v.find(',', start);
        if (comma == std::string::npos) comma = v.size();
        std::string tag = v.substr(start, comma - start);
        while (!tag.empty() && tag.front() == ' ') tag.erase(0, 1);
        while (!tag.empty() && tag.back() == ' ') tag.pop_back();
        if (!tag.empty()) m.tags.push_back(std::move(tag));
        start = comma + 1;
      }
    } else if (p.key.starts_with("sla.") && p.key.size() > 4) {
      const std::string key = p.key.substr(4);
      std::erase_if(m.sla, [&](const auto& kv) { return kv.first == key; });
      m.sla.emplace_back(key, v);
    } else {
      continue;
    }
    any = true;
  }
  if (!any) return std::optional<SubjectMetadata>();
  auto valid = ValidateMetadata(std::move(m));
  if (!valid) {
    return BadMetadata("metadata.properties: " + valid.error().message);
  }
  return std::optional<SubjectMetadata>(std::move(*valid));
}

}  // namespace internal

// --- shared helpers ----------------------------------------------------------------

RegistryResult<void> Service::CheckWritable(const std::optional<SubjectName>& s) {
  RegistryResult<Mode> mode = Mode::kReadWrite;
  if (s) {
    mode = EffectiveMode(*s);
  } else {
    auto global = store_->GetMode(std::nullopt);
    if (!global) return std::unexpected(global.error());
    mode = global->value_or(Mode::kReadWrite);
  }
  if (!mode) return std::unexpected(mode.error());
  if (*mode == Mode::kReadOnly) {
    return Fail(ErrorCode::kOperationNotPermitted,
                s ? "Subject " + Quoted(s->str()) + " is in read-only mode"
                  : std::string("The registry is in read-only mode"));
  }
  return {};
}

RegistryResult<std::vector<VersionRecord>> Service::LiveVersions(const SubjectName& s) {
  auto live = store_->ListVersions(s, IncludeDeleted::kNo);
  if (!live) return std::unexpected(live.error());
  if (live->empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(s));
  return live;
}

RegistryResult<VersionRecord> Service::Select(const std::vector<VersionRecord>& live,
                                              VersionSelector v) {
  if (v.latest()) return live.back();
  for (const VersionRecord& r : live) {
    if (r.version == *v.version) return r;
  }
  return Fail(ErrorCode::kVersionNotFound,
              "Version " + std::to_string(v.version->value()) + " not found.");
}

RegistryResult<std::shared_ptr<const internal::ParsedSchema>> Service::ParsedVersion(
    const VersionRecord& v) {
  auto c = Cached(v.schema_id);
  if (!c) return std::unexpected(c.error());
  auto parsed = ParsedOf(**c);
  if (!parsed) return std::unexpected(parsed.error());
  if (!*parsed) {
    return Fail(ErrorCode::kInvalidSchema, "Invalid schema: version " +
                                               std::to_string(v.version.value()) +
                                               " cannot be read by this build");
  }
  return parsed;
}

RegistryResult<SchemaDiff> Service::DiffVersions(const VersionRecord& from,
                                                 const VersionRecord& to) {
  // Two stored schemas never change: their diff is computed once and kept
  // (DiffCache), so the changelog of a subject costs its diffs once.
  const std::pair<SchemaId, SchemaId> key{from.schema_id, to.schema_id};
  std::shared_ptr<const CachedDiff> diff;
  if (auto hit = diffs_->Find(key)) {
    diff = std::move(*hit);
  } else {
    auto a = ParsedVersion(from);
    if (!a) return std::unexpected(a.error());
    auto b = ParsedVersion(to);
    if (!b) return std::unexpected(b.error());
    diffs_computed_.fetch_add(1, std::memory_order_relaxed);
    auto report = internal::DiffSchemas(**a, **b);
    // (A diff cut short by the budget is neither answered nor kept.)
    if (auto within = internal::CheckWorkBudget(); !within) return std::unexpected(within.error());
    if (!report) return std::unexpected(report.error());
    auto made = std::make_shared<CachedDiff>();
    made->compatibility = internal::CompatibilityOf(*report);
    made->changes.reserve(report->findings.size());
    compat::RenderContext as_diff;
    as_diff.old_new = true;  // kinds are in the author's words (AdviceFor)
    for (compat::Finding& f : report->findings) {
      made->changes.push_back(SchemaChange{.kind = std::string(f.kind.name()),
                                           .severity = f.severity,
                                           .direction = f.direction,
                                           .message = std::move(f.message),
                                           .advice = std::string(compat::AdviceFor(f, as_diff)),
                                           .old_path = compat::OldPath(f),
                                           .new_path = compat::NewPath(f),
                                           .old_document = compat::OldDocument(f),
                                           .new_document = compat::NewDocument(f)});
    }
    diffs_->Put(key, made);
    diff = std::move(made);
  }
  return SchemaDiff{.from = from.version,
                    .to = to.version,
                    .compatibility = diff->compatibility,
                    .changes = diff->changes};
}

// --- Confluent reads with metadata -------------------------------------------------

RegistryResult<std::optional<std::string>> Service::FormattedSchema(SchemaId id,
                                                                    std::string_view format) {
  if (format.empty()) return std::nullopt;
  auto c = Cached(id);
  if (!c) return std::unexpected(c.error());
  auto parsed = ParsedOf(**c);
  if (!parsed) return std::unexpected(parsed.error());
  if (*parsed == nullptr) return std::nullopt;  // no longer parses: the stored text
  return (*parsed)->language().Formatted(*(*parsed)->schema, format);
}

RegistryResult<ServedSchema> Service::GetServedSchema(SchemaId id) {
  auto c = Cached(id);
  if (!c) return std::unexpected(c.error());
  ServedSchema out{.schema = *c, .deprecated = std::nullopt};
  // The flag below depends on versions and deprecations (and the date), not
  // on the immutable schema: memoised until the next write or the next day.
  // The generation is read before the store, so a write racing with this
  // read leaves a memo that the write's new generation already invalidates.
  // Another process's changes to holders move the store's generation.
  const std::uint64_t generation =
      write_generation_.load(std::memory_order_acquire) + store_->HoldersGeneration();
  const std::int64_t day = NowMs() / 86'400'000;
  std::optional<ServedFlags> memo;
  {
    std::shared_lock lock(served_mu_);
    if (auto it = served_memo_.find(id); it != served_memo_.end()) memo = it->second;
  }
  if (memo && memo->generation == generation && memo->day == day) {
    out.deprecated = memo->deprecated;
    return out;
  }
  // Old data must stay decodable: a schema whose versions are all retired is
  // still served, flagged like its versions.
  auto holders = store_->VersionsOfSchema(id, IncludeDeleted::kNo);
  if (!holders && holders.error().fault == StoreFault::kUnavailable) {
    // The database is unreachable (nobody can change it meanwhile): the
    // schema is served from memory with the flags last known, or none when
    // they were never computed (serializers must still get their schemas).
    if (memo) out.deprecated = memo->deprecated;
    return out;
  }
  if (!holders) return std::unexpected(holders.error());
  const VersionRecord* latest_sunset = nullptr;
  bool active_holder = false;
  for (const VersionRecord& v : *holders) {
    if (!v.deprecation) {
      active_holder = true;  // an active holder: nothing to flag
      break;
    }
    if (latest_sunset == nullptr || v.deprecation->sunset > latest_sunset->deprecation->sunset) {
      latest_sunset = &v;
    }
  }
  if (!active_holder && latest_sunset != nullptr) {
    auto sv = ToSchemaVersion(*latest_sunset);
    if (!sv) return std::unexpected(sv.error());
    sv->schema.clear();
    out.deprecated = std::move(*sv);
  }
  std::unique_lock lock(served_mu_);
  served_memo_[id] = ServedFlags{generation, day, out.deprecated};
  return out;
}

RegistryResult<std::vector<SchemaVersion>> Service::ListSchemas(const ListSchemasOptions& o) {
  auto subjects = store_->ListSubjects(o.deleted);
  if (!subjects) return std::unexpected(subjects.error());
  std::vector<SchemaVersion> out;
  std::size_t skipped = 0;
  for (const SubjectName& s : *subjects) {
    if (!s.str().starts_with(o.subject_prefix)) continue;
    auto versions = store_->ListVersions(s, o.deleted);
    if (!versions) return std::unexpected(versions.error());
    if (versions->empty()) continue;
    std::vector<VersionRecord> chosen = std::move(*versions);
    if (o.latest_only) chosen.erase(chosen.begin(), chosen.end() - 1);
    for (const VersionRecord& v : chosen) {
      if (skipped < o.offset) {
        ++skipped;
        continue;
      }
      if (o.limit && out.size() >= *o.limit) return out;
      auto sv = ToSchemaVersion(v);
      if (!sv) return std::unexpected(sv.error());
      out.push_back(std::move(*sv));
    }
  }
  return out;
}

RegistryResult<SchemaVersion> Service::LatestWithMetadata(
    std::string_view subject_text, const std::vector<std::pair<std::string, std::string>>& match,
    IncludeDeleted deleted) {
  SubjectName subject{std::string(subject_text)};
  auto versions = store_->ListVersions(subject, deleted);
  if (!versions) return std::unexpected(versions.error());
  if (versions->empty()) return Fail(ErrorCode::kSubjectNotFound, SubjectNotFound(subject));
  for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
    if (it->metadata.empty()) continue;
    auto doc = ParseJson(it->metadata);
    const Value* props = doc ? PropertiesOf(doc->root) : nullptr;
    if (props == nullptr) continue;
    const bool all = std::all_of(match.begin(), match.end(), [&](const auto& kv) {
      const Value* v = props->Find(kv.first);
      return v != nullptr && v->IsString() && v->AsString() == kv.second;
    });
    if (all) return ToSchemaVersion(*it);
  }
  return Fail(ErrorCode::kSchemaNotFound, "Schema not found: no version of subject " +
                                              Quoted(subject.str()) + " has the given metadata");
}

// --- subject metadata --------------------------------------------------------------

RegistryResult<SubjectMetadata> Service::GetSubjectMetadata(std::string_view subject_text) {
  SubjectName subject{std::string(subject_text)};
  auto live = LiveVersions(subject);
  if (!live) return std::unexpected(live.error());
  auto m = store_->GetSubjectMetadata(subject);
  if (!m) return std::unexpected(m.error());
  return m->value_or(SubjectMetadata{});
}

RegistryResult<SubjectMetadata> Service::PutSubjectMetadata(std::string_view subject,
                                                            const SubjectMetadata& metadata,
                                                            const Principal& caller) {
  return UpdateSubjectMetadata(subject, MetadataUpdate::Replace(metadata), caller);
}

RegistryResult<SubjectMetadata> Service::UpdateSubjectMetadata(std::string_view subject_text,
                                                               const MetadataUpdate& update,
                                                               const Principal& caller) {
  const std::string& actor = caller.name;
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  SubjectName subject{std::string(subject_text)};
  // The values given are checked before any read (42210 before 40401).
  auto given = internal::ValidateMetadata(update.ApplyTo(SubjectMetadata{}));
  if (!given) return std::unexpected(given.error());
  WriteScope lock(*this);
  if (auto w = CheckWritable(subject); !w) return std::unexpected(w.error());
  auto live = LiveVersions(subject);
  if (!live) return std::unexpected(live.error());
  auto stored = store_->GetSubjectMetadata(subject);
  if (!stored) return std::unexpected(stored.error());
  const SubjectMetadata before = stored->value_or(SubjectMetadata{});
  if (auto ok = internal::RequireSubjectOwner(caller, subject, before.owner); !ok) {
    return std::unexpected(ok.error());
  }
  auto valid = internal::ValidateMetadata(update.ApplyTo(before));
  if (!valid) return std::unexpected(valid.error());
  if (auto ok = internal::RequireSameOwner(caller, subject, before.owner, valid->owner); !ok) {
    return std::unexpected(ok.error());
  }
  if (update.message && !valid->message.empty()) {
    // A type of the latest version, stored by its full name (the key of
    // the field tables, whichever way it was written).
    auto latest = ParsedVersion(live->back());
    if (!latest) return std::unexpected(latest.error());
    auto full = (*latest)->language().EventType(*(*latest)->schema, valid->message);
    if (!full) {
      return BadMetadata("message " + Quoted(valid->message) + ": " + full.error().message);
    }
    valid->message = std::move(*full);
  }
  if (before == *valid) return before;
  auto r = store_->SetSubjectMetadata(
      subject, *valid,
      MakeAudit("PUT_METADATA", actor, subject.str(), 0,
                BeforeAfter(MetadataValue(before), MetadataValue(*valid))));
  if (!r) return std::unexpected(r.error());
  return *valid;
}

// --- deprecation -------------------------------------------------------------------

RegistryResult<std::vector<VersionRecord>> Service::LiveVersionsToChange(const SubjectName& subject,
                                                                         const Principal& caller) {
  if (auto ok = internal::AuthoriseSubjectChange(*store_, caller, subject); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto w = CheckWritable(subject); !w) return std::unexpected(w.error());
  return LiveVersions(subject);
}

RegistryResult<SchemaVersion> Service::Deprecate(std::string_view subject_text, VersionSelector sel,
                                                 const DeprecationRequest& request,
                                                 const Principal& caller) {
  const std::string& actor = caller.name;
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  SubjectName subject{std::string(subject_text)};
  if (!ValidDate(request.sunset)) {
    return BadMetadata("sunset must be a calendar date YYYY-MM-DD, got " +
                       Quoted(request.sunset.substr(0, 32)));
  }
  if (request.reason.size() > kMaxReason || !PlainText(request.reason, true)) {
    return BadMetadata("reason must be at most " + std::to_string(kMaxReason) +
                       " bytes without control characters");
  }
  WriteScope lock(*this);
  auto live = LiveVersionsToChange(subject, caller);
  if (!live) return std::unexpected(live.error());
  auto target = Select(*live, sel);
  if (!target) return std::unexpected(target.error());
  // Notice: a sunset sooner than min_notice_days is refused, unless it keeps
  // or postpones the stored one (which never shortens the notice given).
  // 0 turns the rule off: past dates retire the version at once. In IMPORT
  // mode a deprecation is carried over from another registry (accord
  // import), where its notice was given: a retired version stays retired.
  const std::string earliest =
      CalendarDate(NowMs() + std::int64_t{options_.min_notice_days} * 86'400'000);
  const bool keeps_notice = target->deprecation && request.sunset >= target->deprecation->sunset;
  auto mode = EffectiveMode(subject);
  if (!mode) return std::unexpected(mode.error());
  const bool imported = *mode == Mode::kImport;
  if (options_.min_notice_days > 0 && request.sunset < earliest && !keeps_notice && !imported) {
    return BadMetadata("sunset must be at least " + std::to_string(options_.min_notice_days) +
                       " days ahead: the earliest allowed date is " + earliest + ", got " +
                       request.sunset);
  }
  if (request.replacement) {
    const bool exists = std::any_of(live->begin(), live->end(), [&](const VersionRecord& v) {
      return v.version == *request.replacement;
    });
    if (!exists || *request.replacement == target->version) {
      return BadMetadata("replacement must be another live version of " + Quoted(subject.str()) +
                         ", got " + std::to_string(request.replacement->value()));
    }
  }
  Deprecation d{
      .sunset = request.sunset,
      .reason = request.reason,
      .replacement = request.replacement,
      .deprecated_ms = target->deprecation ? target->deprecation->deprecated_ms : NowMs()};
  if (target->deprecation != d) {
    auto r = store_->SetDeprecation(
        subject, target->version, d,
        MakeAudit("DEPRECATE", actor, subject.str(), target->version.value(),
                  BeforeAfter(DeprecationValue(target->deprecation), DeprecationValue(d))));
    if (!r) return std::unexpected(r.error());
    target->deprecation = d;
    Value data{json::Object{}};
    data.Add("subject", subject.str());
    data.Add("version", target->version.value());
    data.Add("id", target->schema_id.local());
    data.Add("deprecation", DeprecationValue(d));
    data.Add("actor", actor);
    PublishEvent(WebhookEvent::kVersionDeprecated, data);
  }
  return ToSchemaVersion(*target);
}

RegistryResult<SchemaVersion> Service::Undeprecate(std::string_view subject_text,
                                                   VersionSelector sel, const Principal& caller) {
  const std::string& actor = caller.name;
  SubjectName subject{std::string(subject_text)};
  WriteScope lock(*this);
  auto live = LiveVersionsToChange(subject, caller);
  if (!live) return std::unexpected(live.error());
  auto target = Select(*live, sel);
  if (!target) return std::unexpected(target.error());
  if (target->deprecation) {
    auto r = store_->SetDeprecation(
        subject, target->version, std::nullopt,
        MakeAudit("UNDEPRECATE", actor, subject.str(), target->version.value(),
                  BeforeAfter(DeprecationValue(target->deprecation), Value())));
    if (!r) return std::unexpected(r.error());
    target->deprecation.reset();
  }
  return ToSchemaVersion(*target);
}

namespace {
// The services whose declaration for `subject` accepts `version`, by name
// (the rule of the calendar and of the hard-delete refusal).
std::vector<std::string> ConsumingServices(const std::vector<ServiceRecord>& services,
                                           const SubjectName& subject, Version version) {
  std::vector<std::string> out;
  for (const ServiceRecord& s : services) {
    for (const ConsumedSubject& c : s.consumes) {
      if (c.subject == subject && c.Accepts(version)) {
        out.push_back(s.name);
        break;
      }
    }
  }
  return out;
}
}  // namespace

RegistryResult<void> Service::CheckNoConsumers(const SubjectName& subject,
                                               const std::vector<Version>& versions) {
  auto services = store_->ListServices();
  if (!services) return std::unexpected(services.error());
  for (Version v : versions) {
    const std::vector<std::string> names = ConsumingServices(*services, subject, v);
    if (names.empty()) continue;
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    return Fail(ErrorCode::kVersionInUse,
                "Subject " + Quoted(subject.str()) + " Version " + std::to_string(v.value()) +
                    " is still accepted by registered consumers: " + list +
                    ". Change their declarations first, or delete with force=true (the "
                    "subject's owner or an admin; the reply lists the consumers overridden)");
  }
  return {};
}

RegistryResult<std::vector<OverriddenConsumer>> Service::ConsumersOfVersions(
    const SubjectName& subject, const std::vector<Version>& versions) {
  auto services = store_->ListServices();
  if (!services) return std::unexpected(services.error());
  std::vector<OverriddenConsumer> out;
  for (const ServiceRecord& s : *services) {
    for (const ConsumedSubject& c : s.consumes) {
      if (c.subject != subject) continue;
      OverriddenConsumer o{.service = s.name, .owner = s.owner, .versions = {}};
      for (Version v : versions) {
        if (c.Accepts(v)) o.versions.push_back(v);
      }
      std::sort(o.versions.begin(), o.versions.end());
      if (!o.versions.empty()) out.push_back(std::move(o));
      break;
    }
  }
  std::sort(out.begin(), out.end(), [](const OverriddenConsumer& a, const OverriddenConsumer& b) {
    return a.service < b.service;
  });
  return out;
}

RegistryResult<std::vector<CalendarEntry>> Service::DeprecationCalendar() {
  auto deprecated = store_->ListDeprecated();
  if (!deprecated) return std::unexpected(deprecated.error());
  auto services = store_->ListServices();
  if (!services) return std::unexpected(services.error());
  std::vector<CalendarEntry> out;
  for (const VersionRecord& v : *deprecated) {
    if (v.deleted) continue;
    auto sv = ToSchemaVersion(v);
    if (!sv) return std::unexpected(sv.error());
    sv->schema.clear();
    out.push_back(CalendarEntry{.version = std::move(*sv),
                                .consumers = ConsumingServices(*services, v.subject, v.version)});
  }
  std::sort(out.begin(), out.end(), [](const CalendarEntry& a, const CalendarEntry& b) {
    return std::tie(a.version.deprecation->sunset, a.version.subject, a.version.version) <
           std::tie(b.version.deprecation->sunset, b.version.subject, b.version.version);
  });
  return out;
}

// --- subject pages, search ---------------------------------------------------------

RegistryResult<std::vector<FieldInfo>> Service::Fields(std::string_view subject_text,
                                                       VersionSelector sel) {
  SubjectName subject{std::string(subject_text)};
  auto live = LiveVersions(subject);
  if (!live) return std::unexpected(live.error());
  auto target = Select(*live, sel);
  if (!target) return std::unexpected(target.error());
  auto message = SubjectMessage(subject);
  if (!message) return std::unexpected(message.error());
  auto parsed = ParsedVersion(*target);
  if (!parsed) return std::unexpected(parsed.error());
  const internal::ParsedSchema& schema = **parsed;
  return schema.language().Fields(*schema.schema, *message);
}

RegistryResult<std::string> Service::SubjectMessage(const SubjectName& subject) {
  auto stored = store_->GetSubjectMetadata(subject);
  if (!stored) return std::unexpected(stored.error());
  return stored->has_value() ? (*stored)->message : std::string();
}

RegistryResult<std::vector<SubjectConsumer>> Service::ConsumersOf(std::string_view subject_text) {
  SubjectName subject{std::string(subject_text)};
  auto live = LiveVersions(subject);
  if (!live) return std::unexpected(live.error());
  auto services = store_->ListServices();
  if (!services) return std::unexpected(services.error());
  std::vector<SubjectConsumer> out;
  for (const ServiceRecord& s : *services) {
    for (const ConsumedSubject& c : s.consumes) {
      if (c.subject != subject) continue;
      out.push_back(SubjectConsumer{.service = s.name, .owner = s.owner, .declaration = c});
    }
  }
  return out;
}

RegistryResult<CatalogSubject> Service::GetCatalogSubject(std::string_view subject_text) {
  SubjectName subject{std::string(subject_text)};
  auto live = LiveVersions(subject);
  if (!live) return std::unexpected(live.error());
  CatalogSubject out;
  out.subject = subject;
  auto metadata = store_->GetSubjectMetadata(subject);
  if (!metadata) return std::unexpected(metadata.error());
  out.metadata = metadata->value_or(SubjectMetadata{});
  for (const VersionRecord& v : *live) {
    auto sv = ToSchemaVersion(v);
    if (!sv) return std::unexpected(sv.error());
    out.versions.push_back(std::move(*sv));
  }
  auto fields = Fields(subject_text, VersionSelector::Latest());
  if (fields) {
    for (const FieldInfo& f : *fields) {
      if (f.pii) out.pii_fields.push_back(f.path);
    }
  }
  auto consumers = ConsumersOf(subject_text);
  if (!consumers) return std::unexpected(consumers.error());
  out.consumers = std::move(*consumers);
  auto services = store_->ListServices();
  if (!services) return std::unexpected(services.error());
  for (const ServiceRecord& s : *services) {
    if (std::find(s.produces.begin(), s.produces.end(), subject) != s.produces.end()) {
      out.producers.push_back(s.name);
    }
  }
  return out;
}

RegistryResult<std::vector<CatalogSummary>> Service::SearchCatalog(const CatalogQuery& query) {
  auto subjects = store_->ListSubjects(IncludeDeleted::kNo);
  if (!subjects) return std::unexpected(subjects.error());
  const std::string q = Lower(query.q);
  std::vector<CatalogSummary> out;
  for (const SubjectName& s : *subjects) {
    auto live = store_->ListVersions(s, IncludeDeleted::kNo);
    if (!live) return std::unexpected(live.error());
    if (live->empty()) continue;
    auto stored = store_->GetSubjectMetadata(s);
    if (!stored) return std::unexpected(stored.error());
    CatalogSummary row{
        .subject = s, .metadata = stored->value_or(SubjectMetadata{}), .latest = {}, .states = {}};
    const SubjectMetadata& m = row.metadata;
    if (!query.owner.empty() && Lower(m.owner) != Lower(query.owner)) continue;
    if (!query.tag.empty() && std::find(m.tags.begin(), m.tags.end(), query.tag) == m.tags.end()) {
      continue;
    }
    std::set<Lifecycle> states;
    for (const VersionRecord& v : *live) states.insert(LifecycleAt(v.deprecation, NowMs()));
    if (query.state && !states.contains(*query.state)) continue;
    if (!q.empty()) {
      bool hit = Contains(s.str(), q) || Contains(m.description, q) || Contains(m.owner, q) ||
                 std::any_of(m.tags.begin(), m.tags.end(),
                             [&](const std::string& t) { return Contains(t, q); });
      if (!hit) {
        // The latest version's field rows, computed once per schema.
        auto rows = IndexedFields(live->back(), m.message);
        if (!rows) return std::unexpected(rows.error());
        hit = std::any_of((*rows)->begin(), (*rows)->end(),
                          [&](const internal::IndexedField& f) { return Contains(f.path, q); });
      }
      if (!hit) continue;
    }
    auto latest = ToSchemaVersion(live->back());
    if (!latest) return std::unexpected(latest.error());
    if (query.type && latest->type != *query.type) continue;
    latest->schema.clear();
    row.latest = std::move(*latest);
    row.states.assign(states.begin(), states.end());
    out.push_back(std::move(row));
  }
  return out;
}

RegistryResult<std::shared_ptr<const std::vector<internal::IndexedField>>> Service::IndexedFields(
    const VersionRecord& v, const std::string& message) {
  const internal::TableKey key{v.schema_id, message};
  if (auto rows = field_index_->Find(key)) return rows;
  auto parsed = ParsedVersion(v);
  if (!parsed) {
    // A schema this build cannot read has no fields to find; any other
    // failure (store, budget) is the request's.
    if (parsed.error().code != ErrorCode::kInvalidSchema) return std::unexpected(parsed.error());
    if (auto within = internal::CheckWorkBudget(); !within) return std::unexpected(within.error());
    return field_index_->Add(key, {});
  }
  const internal::ParsedSchema& schema = **parsed;
  std::vector<FieldInfo> fields = schema.language().Fields(*schema.schema, message);
  if (auto within = internal::CheckWorkBudget(); !within) return std::unexpected(within.error());
  field_tables_computed_.fetch_add(1, std::memory_order_relaxed);
  return field_index_->Add(key, fields);
}

RegistryResult<std::vector<FieldSearchRow>> Service::SearchFields(const FieldQuery& query) {
  constexpr std::size_t kMaxName = 1024;
  if (query.name.empty() && query.tag.empty()) {
    return Fail(ErrorCode::kInvalidCatalogMetadata,
                "A field search needs a field name (name=) or a tag (tag=PII)");
  }
  if (query.name.size() > kMaxName) {
    return Fail(ErrorCode::kInvalidCatalogMetadata,
                "The field name is longer than " + std::to_string(kMaxName) + " bytes");
  }
  if (!query.tag.empty() && Lower(query.tag) != "pii") {
    return Fail(ErrorCode::kInvalidCatalogMetadata, "Unknown field tag " +
                                                        Quoted(query.tag.substr(0, 64)) +
                                                        " (the catalog knows PII: personal data)");
  }
  // Indexing a schema the first time charges its parse to this request.
  internal::RequestBudget budget(options_.max_request_work);
  auto subjects = store_->ListSubjects(IncludeDeleted::kNo);
  if (!subjects) return std::unexpected(subjects.error());
  // First make sure every live version's schema is indexed, then ask the
  // index once.
  struct Live {
    SubjectName subject;
    std::vector<VersionRecord> versions;
    std::optional<SubjectMetadata> metadata;
  };
  std::vector<Live> all;
  for (const SubjectName& s : *subjects) {
    auto live = store_->ListVersions(s, IncludeDeleted::kNo);
    if (!live) return std::unexpected(live.error());
    if (live->empty()) continue;
    auto stored = store_->GetSubjectMetadata(s);
    if (!stored) return std::unexpected(stored.error());
    const std::string message = stored->has_value() ? (*stored)->message : std::string();
    for (const VersionRecord& v : *live) {
      if (auto rows = IndexedFields(v, message); !rows) return std::unexpected(rows.error());
    }
    all.push_back(Live{s, std::move(*live), std::move(*stored)});
  }
  const internal::FieldIndex::Hits hits = field_index_->Search(query.name, !query.tag.empty());
  std::vector<FieldSearchRow> out;
  for (const auto& [subject, live, stored] : all) {
    const std::string message = stored ? stored->message : std::string();
    // path -> its match; versions ascending, so the newest holder's type wins.
    std::map<std::string, FieldMatch> matches;
    for (const VersionRecord& v : live) {
      const internal::TableKey key{v.schema_id, message};
      auto hit = hits.find(key);
      if (hit == hits.end()) continue;
      auto rows = field_index_->Find(key);
      for (std::uint32_t i : hit->second) {
        const internal::IndexedField& f = (*rows)[i];
        FieldMatch& m = matches[f.path];
        m.path = f.path;
        m.type = f.type;
        m.pii = f.pii;
        if (m.versions.empty() || m.versions.back() != v.version) m.versions.push_back(v.version);
      }
    }
    if (matches.empty()) continue;
    const std::string owner = stored ? stored->owner : std::string();
    if (!query.owner.empty() && Lower(owner) != Lower(query.owner)) continue;
    auto latest = Cached(live.back().schema_id);
    if (!latest) return std::unexpected(latest.error());
    FieldSearchRow row{.subject = subject,
                       .owner = owner,
                       .type = (*latest)->record.type,
                       .latest = live.back().version,
                       .fields = {}};
    for (auto& [path, m] : matches) row.fields.push_back(std::move(m));
    out.push_back(std::move(row));
  }
  return out;
}

RegistryResult<CatalogMap> Service::GetCatalogMap() {
  CatalogMap out;
  auto subjects = store_->ListSubjects(IncludeDeleted::kNo);
  if (!subjects) return std::unexpected(subjects.error());
  const std::int64_t now = NowMs();
  for (const SubjectName& s : *subjects) {
    auto live = store_->ListVersions(s, IncludeDeleted::kNo);
    if (!live) return std::unexpected(live.error());
    if (live->empty()) continue;
    auto stored = store_->GetSubjectMetadata(s);
    if (!stored) return std::unexpected(stored.error());
    auto latest = Cached(live->back().schema_id);
    if (!latest) return std::unexpected(latest.error());
    MapEvent e{.subject = s,
               .owner = stored->has_value() ? (*stored)->owner : std::string(),
               .type = (*latest)->record.type,
               .versions = {}};
    for (const VersionRecord& v : *live) {
      e.versions.emplace_back(v.version, LifecycleAt(v.deprecation, now));
    }
    out.events.push_back(std::move(e));
  }
  std::sort(out.events.begin(), out.events.end(),
            [](const MapEvent& a, const MapEvent& b) { return a.subject < b.subject; });
  auto services = store_->ListServices();
  if (!services) return std::unexpected(services.error());
  out.services = std::move(*services);
  for (ServiceRecord& r : out.services) {
    for (ConsumedSubject& c : r.consumes) c.schema.clear();
  }
  std::sort(out.services.begin(), out.services.end(),
            [](const ServiceRecord& a, const ServiceRecord& b) { return a.name < b.name; });
  return out;
}

RegistryResult<SchemaDiff> Service::Diff(std::string_view subject_text,
                                         std::optional<VersionSelector> from, VersionSelector to) {
  internal::RequestBudget budget(options_.max_request_work);  // checked in DiffVersions
  SubjectName subject{std::string(subject_text)};
  auto live = LiveVersions(subject);
  if (!live) return std::unexpected(live.error());
  auto b = Select(*live, to);
  if (!b) return std::unexpected(b.error());
  if (!from) {
    const VersionRecord* before = nullptr;
    for (const VersionRecord& v : *live) {
      if (v.version < b->version) before = &v;
    }
    if (before == nullptr) {
      return Fail(ErrorCode::kVersionNotFound,
                  "Version " + std::to_string(b->version.value()) + " has no earlier version.");
    }
    return DiffVersions(*before, *b);
  }
  auto a = Select(*live, *from);
  if (!a) return std::unexpected(a.error());
  return DiffVersions(*a, *b);
}

RegistryResult<std::vector<SchemaDiff>> Service::Changelog(std::string_view subject_text) {
  // One budget for the whole changelog; the diffs made before it ran out
  // stay cached, so a retry goes further.
  internal::RequestBudget budget(options_.max_request_work);  // checked in DiffVersions
  SubjectName subject{std::string(subject_text)};
  auto live = LiveVersions(subject);
  if (!live) return std::unexpected(live.error());
  std::vector<SchemaDiff> out;
  for (std::size_t i = live->size(); i-- > 0;) {
    if (i == 0) {
      out.push_back(SchemaDiff{
          .from = Version(0), .to = (*live)[0].version, .compatibility = "FULL", .changes = {}});
      break;
    }
    auto d = DiffVersions((*live)[i - 1], (*live)[i]);
    if (!d) return std::unexpected(d.error());
    out.push_back(std::move(*d));
  }
  return out;
}

// --- service declarations ----------------------------------------------------------

RegistryResult<ServiceRecord> Service::ValidDeclaration(const ServiceRecord& in) const {
  if (in.name.size() > kMaxServiceName || !Token(in.name, true)) {
    return BadMetadata("service name must be 1-" + std::to_string(kMaxServiceName) +
                       " characters of A-Z, a-z, 0-9, '.', '_', '-'");
  }
  if (in.owner.size() > kMaxOwner || !PlainText(in.owner)) {
    return BadMetadata("owner must be at most " + std::to_string(kMaxOwner) +
                       " bytes without control characters");
  }
  if (in.consumes.size() > kMaxConsumes || in.produces.size() > kMaxConsumes) {
    return BadMetadata("at most " + std::to_string(kMaxConsumes) +
                       " produced and consumed subjects each");
  }
  ServiceRecord service = in;
  for (const SubjectName& p : service.produces) {
    auto valid = ValidateSubjectName(p.str());
    if (!valid) return BadMetadata("produces: " + valid.error().message);
  }
  std::set<SubjectName> consumed;
  for (ConsumedSubject& c : service.consumes) {
    auto valid = ValidateSubjectName(c.subject.str());
    if (!valid) return BadMetadata("consumes: " + valid.error().message);
    if (!consumed.insert(c.subject).second) {
      return BadMetadata("consumes: subject " + Quoted(c.subject.str()) + " is listed twice");
    }
    if (c.min_version && (c.min_version->value() < 1 || !c.versions.empty())) {
      return BadMetadata("consumes " + Quoted(c.subject.str()) +
                         ": versions must be \"all\", a list of versions or \">=N\"");
    }
    for (Version v : c.versions) {
      if (v.value() < 1) {
        return BadMetadata("consumes " + Quoted(c.subject.str()) +
                           ": versions must be positive integers");
      }
    }
    std::sort(c.versions.begin(), c.versions.end());
    c.versions.erase(std::unique(c.versions.begin(), c.versions.end()), c.versions.end());
    if (c.schema.empty() && !c.references.empty()) {
      return BadMetadata("consumes " + Quoted(c.subject.str()) +
                         ": references without a reader schema");
    }
    if (!c.schema.empty()) {
      if (c.schema.size() > options_.max_schema_bytes) {
        return Fail(ErrorCode::kSchemaTooLarge,
                    "consumes " + Quoted(c.subject.str()) + ": reader schema is larger than " +
                        std::to_string(options_.max_schema_bytes) + " bytes");
      }
      for (const ReaderReference& r : c.references) {
        if (r.schema.size() > options_.max_schema_bytes) {
          return Fail(ErrorCode::kSchemaTooLarge,
                      "consumes " + Quoted(c.subject.str()) + ": reference " +
                          Quoted(r.name.substr(0, 64)) + " is larger than " +
                          std::to_string(options_.max_schema_bytes) + " bytes");
        }
      }
      auto parsed = internal::ParseReader(c, options_.default_dialect);
      if (!parsed) {
        return Fail(ErrorCode::kInvalidSchema, "consumes " + Quoted(c.subject.str()) +
                                                   ": reader schema: " + parsed.error().message);
      }
    }
  }
  return service;
}

RegistryResult<PutServiceResult> Service::PutServiceDeclaration(const ServiceRecord& in,
                                                                const Principal& caller) {
  const std::string& actor = caller.name;
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  auto valid = ValidDeclaration(in);
  if (!valid) return std::unexpected(valid.error());
  ServiceRecord& service = *valid;
  WriteScope lock(*this);
  // The claims and the declaration are one store write; a claimed subject
  // given an owner by another writer meanwhile (another replica) makes it a
  // conflict, and the rights are checked again against what that one wrote.
  for (int attempt = 1;; ++attempt) {
    if (auto w = CheckWritable(std::nullopt); !w) return std::unexpected(w.error());
    auto stored = store_->GetService(service.name);
    if (!stored) return std::unexpected(stored.error());
    if (auto ok = internal::AuthoriseServiceChange(
            caller, service.name, service.owner,
            *stored ? std::optional<std::string>((*stored)->owner) : std::nullopt);
        !ok) {
      return std::unexpected(ok.error());
    }
    std::optional<PutServiceResult> result;
    auto done = ClaimProducedSubjects(
        service, caller, [&](const std::vector<SubjectClaim>& claims) -> RegistryResult<void> {
          if (claims.empty() && *stored && (*stored)->SameDeclaration(service)) {
            result = PutServiceResult{.service = **stored, .changed = false};
            return {};
          }
          service.updated_ms = NowMs();
          const Value before = *stored ? ServiceValue(**stored) : Value();
          auto r = store_->PutService(
              service,
              MakeAudit("PUT_SERVICE", actor, {}, 0, BeforeAfter(before, ServiceValue(service))),
              claims);
          if (!r && r.error().code == ErrorCode::kInvalidSubject) {
            return BadMetadata("produces: " + r.error().message);  // a case variant elsewhere
          }
          if (!r) return r;
          result = PutServiceResult{.service = service, .changed = true};
          return {};
        });
    if (done) {
      if (result->changed) {
        Value data{json::Object{}};
        data.Add("service", result->service.name);
        data.Add("declaration", ServiceValue(result->service));
        data.Add("actor", actor);
        PublishEvent(WebhookEvent::kContractPublished, data);
      }
      return std::move(*result);
    }
    if (done.error().fault != StoreFault::kConflict || attempt == kConflictRetries) {
      return std::unexpected(done.error());
    }
  }
}

RegistryResult<void> Service::ClaimProducedSubjects(
    const ServiceRecord& service, const Principal& caller,
    const std::function<RegistryResult<void>(const std::vector<SubjectClaim>&)>& write) {
  if (caller.IsAdmin()) return write({});
  std::set<std::size_t> stripes;
  for (const SubjectName& p : service.produces) stripes.insert(StripeOf(p));
  std::vector<std::unique_lock<std::mutex>> held;
  held.reserve(stripes.size());
  for (std::size_t i : stripes) held.emplace_back(subject_mu_[i]);
  std::vector<SubjectClaim> claims;
  // New names being claimed: a registration of a case variant in this
  // process waits for the write (released, not recorded: a claimed subject
  // has no version record yet).
  std::vector<internal::FoldedNames::Claim> names;
  std::set<SubjectName> seen;
  // Every right is checked before anything is written.
  for (const SubjectName& p : service.produces) {
    if (!seen.insert(p).second) continue;
    auto stored = store_->GetSubjectMetadata(p);
    if (!stored) return std::unexpected(stored.error());
    const SubjectMetadata before = stored->value_or(SubjectMetadata{});
    bool has_versions = false;
    if (before.owner.empty()) {
      auto versions = store_->ListVersions(p, IncludeDeleted::kYes);
      if (!versions) return std::unexpected(versions.error());
      has_versions = !versions->empty();
    }
    if (auto ok = internal::AuthoriseProduces(caller, service.name, p, before.owner, has_versions);
        !ok) {
      return std::unexpected(ok.error());
    }
    if (!before.owner.empty()) continue;
    // A subject this declaration creates the owner of: a new name, under
    // the rules for new names (RULES, "Subject names").
    if (auto ok = internal::CheckLookAlikeRules(p.str()); !ok) {
      return BadMetadata("produces: " + ok.error().message);
    }
    SubjectClaim claim{.subject = p, .metadata = before, .audit = {}, .case_fold = std::nullopt};
    if (options_.subject_case_variants == SubjectCaseVariants::kRefuse) {
      auto name = folded_->ClaimNew(p);
      if (!name) {
        if (name.error().code != ErrorCode::kInvalidSubject) return std::unexpected(name.error());
        return BadMetadata("produces: " + name.error().message);
      }
      names.push_back(std::move(*name));
      claim.case_fold = internal::FoldSubjectName(p.str());
    }
    claim.metadata.owner = service.owner;
    claim.audit = MakeAudit("PUT_METADATA", caller.name, p.str(), 0,
                            BeforeAfter(MetadataValue(before), MetadataValue(claim.metadata)));
    claims.push_back(std::move(claim));
  }
  return write(claims);
}

RegistryResult<ServiceRecord> Service::GetServiceDeclaration(std::string_view name) {
  auto stored = store_->GetService(std::string(name));
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) {
    return Fail(ErrorCode::kServiceNotFound, "Service " + Quoted(name) + " not found.");
  }
  return std::move(**stored);
}

RegistryResult<std::vector<ServiceRecord>> Service::ListServiceDeclarations() {
  return store_->ListServices();
}

RegistryResult<ServiceRecord> Service::DeleteServiceDeclaration(std::string_view name,
                                                                const Principal& caller) {
  const std::string& actor = caller.name;
  if (auto w = internal::RequireWriter(caller); !w) return std::unexpected(w.error());
  WriteScope lock(*this);
  if (auto w = CheckWritable(std::nullopt); !w) return std::unexpected(w.error());
  auto stored = GetServiceDeclaration(name);
  if (!stored) return std::unexpected(stored.error());
  if (auto ok = internal::AuthoriseServiceChange(caller, name, std::nullopt, stored->owner); !ok) {
    return std::unexpected(ok.error());
  }
  auto r = store_->DeleteService(
      stored->name,
      MakeAudit("DELETE_SERVICE", actor, {}, 0, BeforeAfter(ServiceValue(*stored), Value())));
  if (!r) return std::unexpected(r.error());
  return stored;
}

}  // namespace accord::registry

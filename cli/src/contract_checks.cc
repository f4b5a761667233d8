#include "contract_checks.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "accord/compat/language.h"
#include "accord/compat/references.h"
#include "accord/schemas/jsonschema.h"
#include "check_support.h"
#include "named_references.h"

namespace accord::cli {

namespace {

// An entry's schema as read: its file loaded (LoadSchemaSource), or the
// schema written inline in a contract source.
Result<compat::SchemaSource> EntrySource(const EntrySchema& schema) {
  if (!schema.is_inline()) return LoadSchemaSource(schema.file);
  compat::SchemaSource source;
  source.name = schema.display;
  source.text = schema.text;
  source.document = schema.document;
  return source;
}

// Loads one entry's schema and picks its event type; an event-type error is
// reported at the entry (its file and line, named by its origin).
// An error at an entry (its file and line, named by its origin).
template <typename Entry>
Error EntryError(const Entry& entry, std::string message) {
  Error e;
  e.code = ErrorCode::kUnsupported;
  e.file = entry.file;
  e.position = Position{entry.line, 0};
  e.message = entry.origin + ": " + std::move(message);
  return e;
}

// The entry's `references:`: files read, registered versions fetched (their
// numbers resolved into `pinned`).
template <typename Entry>
Result<NamedReferences> EntryReferences(const Entry& entry, RegistryClient* client,
                                        std::vector<SchemaReference>& pinned) {
  std::vector<NamedRef> refs = entry.references;
  std::vector<FetchedReference> fetched;
  if (AnyInRegistry(refs)) {
    if (client == nullptr) {
      return std::unexpected(EntryError(
          entry, "references: a registered version needs a registry (--registry or registry:)"));
    }
    auto got = FetchNamedRefs(*client, refs);
    if (!got) return std::unexpected(EntryError(entry, "references: " + got.error().ToString()));
    fetched = std::move(*got);
  }
  pinned = PinnedReferences(refs);
  return LoadNamedReferences(refs, fetched);
}

template <typename Entry>
Result<ContractSchema> LoadEntrySchema(const ContractFile& contract, const Entry& entry,
                                       const EntrySchema& where, jsonschema::Dialect dialect,
                                       RegistryClient* client) {
  std::vector<SchemaReference> pinned;
  auto named = EntryReferences(entry, client, pinned);
  if (!named) return std::unexpected(named.error());
  auto source = EntrySource(where);
  if (!source) return std::unexpected(source.error());
  const compat::Language* language = nullptr;
  if (where.is_inline()) {
    language = compat::LanguageFor(*where.type);
    if (language == nullptr) {
      Error e;
      e.code = ErrorCode::kUnsupported;
      e.file = entry.file;
      e.position = Position{entry.line, 0};
      e.message = entry.origin + ": schema type " + std::string(SchemaTypeName(*where.type)) +
                  " is not supported";
      return std::unexpected(std::move(e));
    }
  } else {
    auto detected = LanguageOf(*source);
    if (!detected) return std::unexpected(detected.error());
    language = *detected;
  }
  auto parsed = ParseSchemaFile(
      *language, std::move(*source), dialect, nullptr,
      language->imports_files() ? contract.proto_path : std::vector<std::string>(), *named);
  if (!parsed) return std::unexpected(parsed.error());
  ContractSchema s;
  s.schema = std::move(*parsed);
  s.pinned = std::move(pinned);
  s.dialect = dialect;
  s.display = where.display;
  s.local = true;
  auto event_type = s.language().EventType(*s.schema, entry.message);
  if (!event_type) {
    Error e = event_type.error();
    e.file = entry.file;
    e.position = Position{entry.line, 0};
    e.message = entry.origin + ": " + where.display + ": " + e.message;
    if (entry.message.empty() && e.code == ErrorCode::kInvalidSchema) {
      e.message += where.is_inline() ? " with `x-accord-message:`" : " with `message:`";
    }
    return std::unexpected(std::move(e));
  }
  s.event_type = std::move(*event_type);
  return s;
}

// The source of a schema text from the registry, as `language` reads it.
Result<compat::SchemaSource> RegistrySource(std::string_view text, const compat::Language& language,
                                            std::string display) {
  compat::SchemaSource source;
  source.name = std::move(display);
  if (language.document_syntax()) {
    auto doc = ParseJson(text, source.name);
    if (!doc) return std::unexpected(doc.error());
    source.document = std::make_shared<const Document>(std::move(*doc));
  } else {
    source.text = std::string(text);
  }
  return source;
}

const compat::Language* LanguageNamed(std::string_view schema_type) {
  const std::optional<SchemaType> type = SchemaTypeFromString(schema_type);
  return type ? compat::LanguageFor(*type) : nullptr;
}

std::string VersionName(const RegistryClient::VersionInfo& v) {
  return v.subject + " version " + std::to_string(v.version);
}

std::vector<compat::SchemaImport> ImportsOf(const std::vector<SchemaReference>& references) {
  std::vector<compat::SchemaImport> out;
  for (const SchemaReference& r : references) out.push_back(compat::SchemaImport{r.name, {}});
  return out;
}

}  // namespace

Result<ContractSchemas> LoadContractSchemas(const ContractFile& contract,
                                            jsonschema::Dialect dialect, RegistryClient* client) {
  ContractSchemas out;
  bool imports = false;
  auto load = [&](const auto& entries, auto schema_of,
                  std::vector<ContractSchema>& into) -> Result<void> {
    for (const auto& entry : entries) {
      auto s = LoadEntrySchema(contract, entry, schema_of(entry), dialect, client);
      if (!s) return std::unexpected(s.error());
      imports = imports || s->language().imports_files();
      into.push_back(std::move(*s));
    }
    return {};
  };
  auto produced = load(
      contract.produces, [](const ProducedEvent& p) -> const EntrySchema& { return p.schema; },
      out.produced);
  if (!produced) return std::unexpected(produced.error());
  auto consumed = load(
      contract.consumes, [](const ConsumedEvent& c) -> const EntrySchema& { return c.reader; },
      out.readers);
  if (!consumed) return std::unexpected(consumed.error());
  if (!contract.proto_path.empty() && !imports) {
    Error e;
    e.code = ErrorCode::kUnsupported;
    e.file = contract.file;
    e.message = "proto_path: applies to " +
                LanguagesThat([](const compat::Language& l) { return l.imports_files(); }) +
                " schemas only, and the contract has none";
    return std::unexpected(std::move(e));
  }
  return out;
}

Result<FoundReference> FoundRegistryReference(const RegistryClient::VersionInfo& version) {
  const compat::Language* language = LanguageNamed(version.schema_type);
  if (language == nullptr) {
    return MakeError(ErrorCode::kUnsupported, VersionName(version) + ": schema type " +
                                                  version.schema_type + " is not supported");
  }
  auto source = RegistrySource(version.schema, *language, VersionName(version));
  if (!source) return std::unexpected(source.error());
  FoundReference found;
  found.source = std::move(*source);
  found.language = language;
  found.imports = ImportsOf(version.references);
  found.identity = version.subject + std::string(1, '\0') + std::to_string(version.version);
  return found;
}

Result<ContractSchema> ParseRegistryVersion(const RegistryVersion& version,
                                            jsonschema::Dialect dialect) {
  const std::string display = VersionName(version);
  std::vector<compat::ReferencedSchema> references;
  if (!version.references.empty()) {
    compat::SchemaSource importer;
    importer.name = display;
    compat::FindReference find =
        [&](const compat::SchemaImport& import,
            const compat::SchemaSource& from) -> Result<compat::FoundReference> {
      for (const FetchedReference& r : version.referenced) {
        if (r.name == import.name) return FoundRegistryReference(r.version);
      }
      return MakeError(ErrorCode::kNotFound, from.name + ": reference \"" + import.name +
                                                 "\" is not a schema the registry served");
    };
    auto resolved =
        compat::ResolveReferences(ImportsOf(version.references), importer, find, dialect);
    if (!resolved) return std::unexpected(resolved.error());
    references = std::move(*resolved);
  }
  return ParseRegistrySchema(version.schema, version.schema_type, display, dialect,
                             std::move(references));
}

Result<ContractSchema> ParsePublishedReader(const PublishedReader& reader, std::string display,
                                            jsonschema::Dialect dialect) {
  const compat::Language* language = LanguageNamed(reader.schema_type);
  if (reader.references.empty() || language == nullptr) {
    return ParseRegistrySchema(reader.schema, reader.schema_type, std::move(display), dialect);
  }
  auto source = RegistrySource(reader.schema, *language, display);
  if (!source) return std::unexpected(source.error());
  auto imports = language->Imports(*source);
  if (!imports) {
    Error e = imports.error();
    e.file = display;
    return std::unexpected(std::move(e));
  }
  compat::FindReference find =
      [&](const compat::SchemaImport& import,
          const compat::SchemaSource& from) -> Result<compat::FoundReference> {
    for (const ReaderReference& r : reader.references) {
      if (r.name != import.name) continue;
      auto found_source = RegistrySource(r.schema, *language, display + ": " + r.name);
      if (!found_source) return std::unexpected(found_source.error());
      auto own = language->Imports(*found_source);
      if (!own) {
        Error e = own.error();
        e.file = found_source->name;
        return std::unexpected(std::move(e));
      }
      compat::FoundReference found;
      found.source = std::move(*found_source);
      found.language = language;
      found.imports = std::move(*own);
      found.identity = "reader" + std::string(1, '\0') + r.name;
      return found;
    }
    return std::unexpected(compat::ImportError(
        ErrorCode::kNotFound, from, import,
        "import \"" + import.name + "\" is not among the reader's published references"));
  };
  auto resolved = compat::ResolveReferences(*imports, *source, find, dialect);
  if (!resolved) return std::unexpected(resolved.error());
  return ParseRegistrySchema(reader.schema, reader.schema_type, std::move(display), dialect,
                             std::move(*resolved));
}

Result<ContractSchema> ParseRegistrySchema(std::string_view text, std::string_view schema_type,
                                           std::string display, jsonschema::Dialect dialect,
                                           std::vector<compat::ReferencedSchema> references) {
  const compat::Language* language = LanguageNamed(schema_type);
  if (language == nullptr) {
    return MakeError(ErrorCode::kUnsupported,
                     display + ": schema type " + std::string(schema_type) + " is not supported");
  }
  auto source = RegistrySource(text, *language, display);
  if (!source) return std::unexpected(source.error());
  compat::ParseOptions options;
  options.dialect = dialect;
  options.base_uri = "urn:accord:registry";
  options.references = std::move(references);
  auto parsed = language->Parse(std::move(*source), options);
  if (!parsed) {
    Error e = parsed.error();
    if (e.file.empty()) e.file = display;
    return std::unexpected(std::move(e));
  }
  ContractSchema s;
  s.schema = std::move(*parsed);
  s.display = std::move(display);
  s.dialect = dialect;
  return s;
}

std::string TodayUtc() {
  if (const char* pinned = std::getenv("ACCORD_TODAY"); pinned != nullptr && *pinned != '\0') {
    return pinned;
  }
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
  return buffer;
}

namespace {

// compatible(writer -> reader) under `policy`.
Result<compat::Report> Compare(const ContractSchema& writer, const ContractSchema& reader,
                               compat::Policy policy) {
  if (writer.type() != reader.type()) {
    return MakeError(ErrorCode::kUnsupported,
                     writer.display + " and " + reader.display +
                         " are in different schema languages (" +
                         std::string(writer.language().display_name()) + " and " +
                         std::string(reader.language().display_name()) + ")");
  }
  compat::CheckOptions options;
  options.policy = policy;
  // `format` is an annotation, as when the examples are validated. (Both
  // sides come from one contract run, read with one dialect.)
  options.format = jsonschema::FormatMode::kAnnotate;
  Result<compat::Report> result = writer.language().Check(*writer.schema, *reader.schema, options);
  if (!result)
    return std::unexpected(LocateError(result.error(), writer.source(), reader.source()));
  return result;
}

// A finding as a problem pointing into `local` (the side whose file the
// problem names), `local_is_writer` telling which side that is.
Problem FindingProblem(const compat::Finding& f, const ContractSchema& local, bool local_is_writer,
                       const std::string& prefix, const std::string& other_side) {
  Problem p;
  p.warning = !compat::IsFailing(f.severity);
  p.kind = std::string(f.kind.name());
  p.path = local_is_writer ? f.writer_path : f.reader_path;
  const std::string& document = local_is_writer ? f.writer_document : f.reader_document;
  const std::string& other_path = local_is_writer ? f.reader_path : f.writer_path;
  const std::string& other_document = local_is_writer ? f.reader_document : f.writer_document;
  // Only a file may be named: a schema from the registry has none (its
  // caller may point the problem at the contract entry instead). A pointer
  // into a schema the local one references is that schema's: its file when
  // it is one, else the message says where.
  std::string elsewhere;
  if (!document.empty()) {
    const compat::ReferencedSchema* r = ReferencedDocument(*local.schema, document);
    if (r != nullptr && IsLocalFile(*r)) {
      p.file = r->schema->source().name;
      p.line = LineOf(r->schema->source(), p.path);
    } else {
      elsewhere = (r != nullptr ? r->schema->source().name : document) + "#" + p.path;
      if (local.local) p.file = local.display;  // (no line: the pointer is not in it)
    }
  } else if (local.local) {
    p.file = local.display;
    p.line = LineOf(local.source(), p.path);
  }
  p.message = prefix + std::string(f.kind.name()) + ": " + f.message;
  if (!elsewhere.empty()) p.message += " (at " + elsewhere + ")";
  if (!other_side.empty()) {
    const std::string where = other_document.empty() ? (other_path.empty() ? "(root)" : other_path)
                                                     : other_document + "#" + other_path;
    p.message += " (" + other_side + ": " + where + ")";
  }
  if (f.witness) p.witness = *f.witness;
  return p;
}

// Status from problems: any error fails, any warning warns.
CheckStatus StatusOf(const std::vector<Problem>& problems) {
  CheckStatus status = CheckStatus::kPass;
  for (const Problem& p : problems) {
    if (!p.warning) return CheckStatus::kFail;
    status = CheckStatus::kWarn;
  }
  return status;
}

std::string Plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

// Validates one example event (its file read now, or inline); problems
// point into the file it is written in.
void ValidateExample(const ExampleEvent& example, const compat::EventValidator& validator,
                     const std::string& against, std::vector<Problem>& problems) {
  const std::string& file = example.file;
  std::shared_ptr<const Document> doc = example.document;
  if (!doc) {
    LoadOptions options;
    options.record_positions = true;
    auto loaded = LoadFile(file, Syntax::kAuto, options);
    if (!loaded) {
      Problem p;
      p.file = file;
      p.line = loaded.error().position.line;
      p.message = "cannot be read: " + loaded.error().message;
      problems.push_back(std::move(p));
      return;
    }
    doc = std::make_shared<const Document>(std::move(*loaded));
  }
  // Each reason with the place in the language's terms, at the offending
  // value's line (and column, where the language points at one).
  jsonschema::ValidationResult result =
      validator.Validate(doc->root, jsonschema::StopMode::kAllFailures);
  for (const jsonschema::ValidationFailure& f : result.failures) {
    Problem p;
    p.file = file;
    const Position at = doc->PositionOf(f.instance_location);
    p.line = at.line;
    if (validator.PointsAtColumns()) p.column = at.column;
    p.message = validator.FailureLine(f, against);
    problems.push_back(std::move(p));
  }
}

}  // namespace

Result<CheckResult> CheckExamples(const std::string& subject, const ContractSchema& schema,
                                  const std::vector<ExampleEvent>& examples,
                                  const std::string& label) {
  CheckResult result;
  result.subject = subject;
  result.name = label.empty() ? "examples validate" : "examples validate against " + label;
  // Files, or events written in the contract source (an AsyncAPI document).
  const bool inline_events =
      !examples.empty() && std::all_of(examples.begin(), examples.end(),
                                       [](const ExampleEvent& e) { return e.document != nullptr; });
  result.detail = Plural(examples.size(), inline_events ? "example" : "file");
  compat::EventValidatorOptions options;
  options.format = jsonschema::FormatMode::kAnnotate;
  options.event_type = schema.event_type;
  auto validator = schema.language().NewEventValidator(*schema.schema, options);
  if (!validator) {
    Error e = validator.error();
    e.file = schema.display;
    return std::unexpected(std::move(e));
  }
  for (const ExampleEvent& example : examples) {
    ValidateExample(example, **validator, schema.display, result.problems);
  }
  result.status = StatusOf(result.problems);
  return result;
}

ClientResult<SubjectPolicy> FetchPolicy(RegistryClient& client, const std::string& subject,
                                        std::optional<compat::Level> level) {
  auto config = client.GetConfig(subject);
  if (!config) return std::unexpected(config.error());
  SubjectPolicy out;
  if (auto l = compat::LevelFromString(config->level)) out.level = *l;
  if (auto p = compat::PolicyFromString(config->policy)) out.policy = *p;
  if (level) out.level = *level;
  return out;
}

ClientResult<ProducedState> FetchProducedState(RegistryClient& client, const std::string& subject,
                                               const ContractSchema& schema) {
  ProducedState state;
  auto history = FetchHistory(client, subject);
  if (!history) return std::unexpected(history.error());
  state.history = std::move(*history);
  // A schema whose referenced schemas are not all registered is not either.
  auto refs =
      ResolveRegistryReferences(client, *schema.schema, ReferenceMode::kLookup, schema.pinned);
  if (!refs) return std::unexpected(refs.error());
  std::optional<RegistryClient::VersionInfo> registered;
  if (refs->references) {
    auto found = client.Lookup(subject, schema.Text(), std::string(SchemaTypeName(schema.type())),
                               *refs->references);
    if (!found) return std::unexpected(found.error());
    registered = std::move(*found);
  }
  if (registered) {
    state.registered = true;
    state.candidate_version = registered->version;
  } else {
    state.candidate_version = state.history.empty() ? 1 : state.history.back().version + 1;
  }
  return state;
}

Result<CheckResult> CheckAgainstHistory(const std::string& subject, const ContractSchema& schema,
                                        const ProducedState& state, const SubjectPolicy& policy) {
  CheckResult result;
  result.subject = subject;
  result.name = std::string("compatible with the registry's versions (") +
                std::string(compat::LevelName(policy.level)) + ", " +
                std::string(compat::PolicyName(policy.policy)) + ")";
  // The versions that existed before the candidate: when it is registered
  // already, the ones before it (what the registry checked it against).
  std::vector<ContractSchema> history;
  std::vector<int> numbers;
  for (const RegistryVersion& v : state.history) {
    if (state.registered && v.version >= state.candidate_version) break;
    auto parsed = ParseRegistryVersion(v, schema.dialect);
    if (!parsed) return std::unexpected(parsed.error());
    history.push_back(std::move(*parsed));
    numbers.push_back(v.version);
  }
  const std::string version = std::to_string(state.candidate_version);
  if (state.registered) {
    result.detail = "registered as version " + version;
  } else {
    result.detail = history.empty() ? "new subject" : "would be version " + version;
  }
  // A producer still emitting a version the registry has deprecated (warns)
  // or retired (fails): consumers are moving, or have moved, away from it.
  for (const RegistryVersion& v : state.history) {
    if (!state.registered || v.version != state.candidate_version) continue;
    if (v.state != "DEPRECATED" && v.state != "RETIRED") continue;
    Problem p;
    p.warning = v.state == "DEPRECATED";
    p.message =
        "this schema is version " + version + ", " +
        (p.warning ? "DEPRECATED (sunset " + v.sunset + ")"
                   : "RETIRED (sunset " + v.sunset + " has passed)") +
        (v.reason.empty() ? "" : ": " + v.reason) +
        (v.replacement > 0 ? "; produce version " + std::to_string(v.replacement) + " instead"
                           : "");
    if (schema.local) p.file = schema.display;
    result.problems.push_back(std::move(p));
  }
  if (history.empty()) {
    result.status = StatusOf(result.problems);
    return result;
  }
  std::optional<Error> failure;
  const std::size_t n = history.size();
  auto side = [&](std::size_t i) -> const ContractSchema& { return i == n ? schema : history[i]; };
  compat::CheckHistory(policy.level, n, [&](std::size_t w, std::size_t r) -> compat::Report {
    if (failure) return {};
    auto report = Compare(side(w), side(r), policy.policy);
    if (!report) {
      failure = report.error();
      return {};
    }
    const bool local_is_writer = w == n;
    const int other = numbers[local_is_writer ? r : w];
    const std::string prefix = local_is_writer
                                   ? "version " + std::to_string(other) + " cannot read it: "
                                   : "cannot read version " + std::to_string(other) + ": ";
    for (const compat::Finding& f : report->findings) {
      result.problems.push_back(
          FindingProblem(f, schema, local_is_writer, prefix, "version " + std::to_string(other)));
    }
    return std::move(*report);
  });
  if (failure) return std::unexpected(*failure);
  result.status = StatusOf(result.problems);
  return result;
}

Result<std::vector<CheckResult>> CheckConsumers(const std::string& subject,
                                                const ContractSchema& producer,
                                                int candidate_version,
                                                const std::vector<ExampleEvent>& examples,
                                                const std::vector<PublishedReader>& consumers,
                                                compat::Policy policy) {
  std::vector<CheckResult> out;
  for (const PublishedReader& consumer : consumers) {
    CheckResult result;
    result.subject = subject;
    const std::string who =
        consumer.service + (consumer.owner.empty() ? "" : " (" + consumer.owner + ")");
    result.name = "consumer " + who;
    if (!consumer.versions.Accepts(candidate_version)) {
      result.detail = "accepts versions " + consumer.versions.ToString() + ", not version " +
                      std::to_string(candidate_version);
      out.push_back(std::move(result));
      continue;
    }
    auto reader = ParsePublishedReader(consumer, consumer.service + "'s reader of " + subject,
                                       producer.dialect);
    if (!reader) return std::unexpected(reader.error());
    auto report = Compare(producer, *reader, policy);
    if (!report) return std::unexpected(report.error());
    const std::string prefix = "breaks consumer " + consumer.service +
                               (consumer.owner.empty() ? "" : " (owner " + consumer.owner + ")") +
                               ": ";
    for (const compat::Finding& f : report->findings) {
      Problem p = FindingProblem(f, producer, true, prefix, "consumer's field");
      p.consumer = consumer.service;
      p.owner = consumer.owner;
      result.problems.push_back(std::move(p));
    }
    // A reader that resolves what it reads against the writer's schema
    // (Avro) is not asked to accept the producer's examples as its own.
    if (!examples.empty() && reader->language().examples_valid_for_readers()) {
      auto valid = CheckExamples(subject, *reader, examples, consumer.service);
      if (!valid) return std::unexpected(valid.error());
      for (Problem& p : valid->problems) {
        p.message = "example rejected by consumer " + consumer.service + ": " + p.message;
        p.consumer = consumer.service;
        p.owner = consumer.owner;
        result.problems.push_back(std::move(p));
      }
    }
    result.detail = "version " + std::to_string(candidate_version) + ", " +
                    std::string(compat::PolicyName(policy));
    result.status = StatusOf(result.problems);
    out.push_back(std::move(result));
  }
  if (out.empty()) {
    CheckResult none;
    none.subject = subject;
    none.name = "consumers";
    none.detail = "none registered";
    out.push_back(std::move(none));
  }
  return out;
}

namespace {

bool IsRetired(const RegistryVersion& v, const std::string& today) {
  return v.state == "RETIRED" || (!v.sunset.empty() && v.sunset < today);
}

std::string DeprecationText(const RegistryVersion& v) {
  std::string out = "version " + std::to_string(v.version) + " is deprecated, sunset " + v.sunset;
  if (!v.reason.empty()) out += ": " + v.reason;
  if (v.replacement > 0) out += " (use version " + std::to_string(v.replacement) + ")";
  return out;
}

}  // namespace

Result<std::vector<CheckResult>> CheckConsumed(const std::string& subject,
                                               const ContractSchema& reader,
                                               const VersionSelector& versions,
                                               const std::vector<RegistryVersion>& history,
                                               compat::Policy policy, const std::string& today) {
  std::vector<CheckResult> out;
  const bool all = versions.kind == VersionSelector::Kind::kAll;
  for (const RegistryVersion& v : history) {
    if (!versions.Accepts(v.version) || (all && IsRetired(v, today))) continue;
    CheckResult result;
    result.subject = subject;
    result.name = "version " + std::to_string(v.version) + " readable";
    result.detail = std::string(compat::PolicyName(policy));
    auto writer = ParseRegistryVersion(v, reader.dialect);
    if (!writer) return std::unexpected(writer.error());
    auto report = Compare(*writer, reader, policy);
    if (!report) return std::unexpected(report.error());
    for (const compat::Finding& f : report->findings) {
      result.problems.push_back(FindingProblem(
          f, reader, false,
          "version " + std::to_string(v.version) + " breaks this reader: ", "producer's schema"));
    }
    if (IsRetired(v, today)) {
      Problem p;
      if (reader.local) p.file = reader.display;
      p.message = "version " + std::to_string(v.version) + " is retired (sunset " +
                  (v.sunset.empty() ? std::string("passed") : v.sunset) +
                  "): stop accepting it in `versions`";
      result.problems.push_back(std::move(p));
    } else if (v.state == "DEPRECATED" || !v.sunset.empty()) {
      Problem p;
      p.warning = true;
      if (reader.local) p.file = reader.display;
      p.message = DeprecationText(v);
      result.problems.push_back(std::move(p));
    }
    result.status = StatusOf(result.problems);
    out.push_back(std::move(result));
  }
  if (out.empty()) {
    CheckResult none;
    none.subject = subject;
    none.name = "producer versions";
    Problem p;
    if (reader.local) p.file = reader.display;
    if (history.empty()) {
      none.detail = "subject not registered";
      p.warning = true;
      p.message = subject + " has no version in the registry yet";
    } else {
      none.detail = "accepts " + versions.ToString();
      p.message =
          "none of the accepted versions (" + versions.ToString() + ") is live and not retired";
    }
    none.problems.push_back(std::move(p));
    none.status = StatusOf(none.problems);
    out.push_back(std::move(none));
  }
  return out;
}

}  // namespace accord::cli

// accord validate: checks events (JSON, YAML, NDJSON streams) against a JSON
// Schema, or against an Avro schema (a `.avsc` file or Avro's shape, as
// `accord check` detects it): then each event is an Avro-JSON datum and each
// failure names the field's path, the expected type and what was found
// (avro::ValidateDatum); or against a Protobuf message (a `.proto` file, its
// imports found through -I; --message names the message when the file has
// several top-level ones): each event is in the proto3 JSON mapping. Output format: see output.h.
// Exit codes: 0 every document valid, 1 some document invalid (a document that does not parse
// counts as invalid), 2 bad usage, bad schema, or an input that cannot be read.
//
// NDJSON streams are read line by line (LineReader) in batches; a batch is
// parsed and validated (in parallel with --jobs > 1) and then reported in
// input order, so memory stays flat whatever the stream's length. Each line
// is validated with StopMode::kFirstFailure; only a failing line is
// validated again with kAllFailures (and scanned for the failing values'
// columns, see validate_locate.h), so valid events pay for the fast path alone.
//
// Stdin ("-"): read as NDJSON when --ndjson is given, or when its first
// non-blank line is a complete JSON value and another non-blank line
// follows; otherwise the whole of stdin is one JSON or YAML document.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "accord/compat/language.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "check_support.h"
#include "commands.h"
#include "output.h"
#include "validate_input.h"
#include "validate_locate.h"
#include "validate_pool.h"

namespace accord::cli {

namespace {

namespace js = accord::jsonschema;

constexpr std::size_t kBatchLines = 256;
constexpr auto kProgressInterval = std::chrono::milliseconds(250);
constexpr const char* kStdinName = "<stdin>";

struct ValidateOptions {
  std::string schema;
  std::vector<std::string> refs;
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string dialect;
  bool quiet = false;
  bool verbose = false;
  bool assert_format = false;
  bool first_failure = false;
  bool ndjson = false;
  std::vector<std::string> import_path;
  std::string message;  // the event's type within the schema (Protobuf: a message)
  unsigned jobs = 1;    // set from the core count when the command is registered
};

// What became of one document.
struct Outcome {
  Position where;  // NDJSON: {line, 0}; file: {0, 0}
  bool valid = true;
  std::optional<Error> parse_error;
  std::vector<js::ValidationFailure> failures;
  std::vector<Position> positions;

  void Reset(Position at) {
    where = at;
    valid = true;
    parse_error.reset();
    failures.clear();
    positions.clear();
  }
};

// Progress on stderr for long runs: "N events, R events/s", at most every
// 250 ms, only on a terminal and never with --quiet.
class Progress {
 public:
  explicit Progress(bool enabled)
      : enabled_(enabled),
        stdout_is_terminal_(isatty(STDOUT_FILENO) == 1),
        start_(Clock::now()),
        last_(start_) {}
  ~Progress() { Clear(); }

  void Update(std::size_t done) {
    if (!enabled_) return;
    Clock::time_point now = Clock::now();
    if (now - last_ < kProgressInterval) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r\033[K%zu events, %.0f events/s", done,
                 secs > 0 ? static_cast<double>(done) / secs : 0.0);
    std::fflush(stderr);
    shown_ = true;
  }

  // Before printing results: only needed when they land on the same terminal.
  void ClearForOutput() {
    if (stdout_is_terminal_) Clear();
  }

  void Clear() {
    if (!shown_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    shown_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool stdout_is_terminal_;
  Clock::time_point start_;
  Clock::time_point last_;
  bool shown_ = false;
};

class Run {
 public:
  Run(const ValidateOptions& options, const compat::EventValidator& validator, Reporter& reporter)
      : options_(options),
        validator_(validator),
        reporter_(reporter),
        progress_(!options.quiet && isatty(STDERR_FILENO) == 1),
        pool_(options.jobs > 1 ? options.jobs - 1 : 0) {
    fast_load_.record_positions = false;
    positions_load_.record_positions = true;
  }

  void File(const Input& input) {
    switch (input.kind) {
      case InputKind::kDocument:
        return DocumentFile(input.path);
      case InputKind::kNdjson:
        return NdjsonFile(input.path);
      case InputKind::kStdin:
        return Stdin();
    }
  }

  void InputError(Error e) {
    progress_.Clear();
    reporter_.InputError(e);
    input_errors_ = true;
  }

  const Summary& summary() const { return summary_; }
  bool input_errors() const { return input_errors_; }
  void Finish() { progress_.Clear(); }

 private:
  // Validates `value`; fills failures (and their positions when `doc` has them).
  void Check(const json::Value& value, const Document* doc, Outcome& out) const {
    js::ValidationResult r = validator_.Validate(value, js::StopMode::kFirstFailure);
    if (r.valid) return;
    out.valid = false;
    if (!options_.first_failure) r = validator_.Validate(value, js::StopMode::kAllFailures);
    out.failures = std::move(r.failures);
    if (doc == nullptr || doc->positions.empty()) return;
    out.positions.reserve(out.failures.size());
    for (const js::ValidationFailure& f : out.failures) {
      out.positions.push_back(doc->PositionOf(f.instance_location));
    }
  }

  // One NDJSON line (line numbers are 1-based within the stream).
  void CheckLine(std::string_view text, std::size_t line, Outcome& out) const {
    out.Reset(Position{static_cast<int>(line), 0});
    // Each worker thread parses every line into the same Value: events of
    // one stream share their shape, so after the first one parsing
    // allocates almost nothing.
    thread_local json::Value value;
    Result<void> parsed = ParseJsonInto(text, value, fast_load_);
    if (!parsed) {
      out.valid = false;
      Error e = std::move(parsed.error());
      e.position = Position{static_cast<int>(line), e.position.column};
      out.parse_error = std::move(e);
      return;
    }
    Check(value, nullptr, out);
    if (out.valid) return;
    // Failing lines only: find each failing value's column by scanning the
    // line (much cheaper than parsing it again with positions).
    out.positions.reserve(out.failures.size());
    for (const js::ValidationFailure& f : out.failures) {
      std::optional<std::size_t> at = LocateValue(text, f.instance_location);
      int column = at ? static_cast<int>(*at) + 1 : 0;
      out.positions.push_back(Position{static_cast<int>(line), column});
    }
  }

  void Report(std::string_view file, const Outcome& o) {
    ++summary_.documents;
    if (o.valid) {
      ++summary_.valid;
      if (!reporter_.verbose()) return;
    } else {
      ++summary_.invalid;
    }
    DocumentReport r;
    r.file = file;
    r.where = o.where;
    r.valid = o.valid;
    r.parse_error = o.parse_error ? &*o.parse_error : nullptr;
    r.failures = o.failures;
    r.positions = o.positions;
    progress_.ClearForOutput();
    reporter_.Document(r);
  }

  void DocumentFile(const std::string& path) {
    Result<Document> doc = LoadFile(path, Syntax::kAuto, positions_load_);
    Outcome out;
    if (!doc) {
      if (doc.error().code == ErrorCode::kIo) return InputError(std::move(doc.error()));
      out.valid = false;
      out.parse_error = std::move(doc.error());
    } else {
      Check(doc->root, &*doc, out);
    }
    Report(path, out);
    progress_.Update(summary_.documents);
  }

  void NdjsonFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      return InputError(Error{ErrorCode::kIo, "cannot open file", path, {}, {}});
    }
    LineReader reader(f, fast_load_.max_bytes);
    Stream(path, reader, {});
    std::fclose(f);
  }

  // A line already read ahead of the stream (stdin detection).
  struct Pending {
    std::size_t line;
    std::string text;
  };

  void Stdin() {
    LineReader reader(stdin, fast_load_.max_bytes);
    if (options_.ndjson) return Stream(kStdinName, reader, {});
    // Sniff: first non-blank line a complete JSON value, and another
    // non-blank line after it -> NDJSON. Else one document.
    std::string whole;  // everything read so far, for the one-document case
    std::vector<Pending> pending;
    std::string line;
    while (pending.size() < 2) {
      LineReader::Status st = reader.Next(line);
      if (st == LineReader::Status::kError) {
        return InputError(Error{ErrorCode::kIo, "read failed", kStdinName, {}, {}});
      }
      if (st == LineReader::Status::kEnd || st == LineReader::Status::kTooLong) break;
      whole += line;
      whole += '\n';
      if (IsBlank(line)) continue;
      if (pending.empty() && !ParseJson(line, {}, fast_load_)) break;  // not line-delimited
      pending.push_back(Pending{reader.line_number(), line});
    }
    if (pending.size() == 2) return Stream(kStdinName, reader, std::move(pending));
    // One document: read the rest and parse it whole.
    while (true) {
      LineReader::Status st = reader.Next(line);
      if (st == LineReader::Status::kEnd) break;
      if (st == LineReader::Status::kError) {
        return InputError(Error{ErrorCode::kIo, "read failed", kStdinName, {}, {}});
      }
      if (st == LineReader::Status::kTooLong || whole.size() + line.size() > fast_load_.max_bytes) {
        Outcome out;
        out.valid = false;
        out.parse_error =
            Error{ErrorCode::kLimit,
                  "input is over the limit of " + std::to_string(fast_load_.max_bytes) + " bytes",
                  kStdinName,
                  {},
                  {}};
        return Report(kStdinName, out);
      }
      whole += line;
      whole += '\n';
    }
    if (IsBlank(whole)) return;  // nothing to validate, as with an empty NDJSON stream
    Result<Document> doc = Parse(whole, kStdinName, Syntax::kAuto, positions_load_);
    Outcome out;
    if (!doc) {
      out.valid = false;
      out.parse_error = std::move(doc.error());
    } else {
      Check(doc->root, &*doc, out);
    }
    Report(kStdinName, out);
  }

  // Validates every non-blank line of `reader` (after `pending`), batch by
  // batch, reporting in order.
  void Stream(const std::string& name, LineReader& reader, std::vector<Pending> pending) {
    std::vector<std::string> texts(kBatchLines);
    std::vector<std::size_t> lines(kBatchLines);
    std::vector<Outcome> outcomes(kBatchLines);
    std::vector<bool> too_long(kBatchLines);
    std::size_t next_pending = 0;
    bool done = false;
    const std::function<void(std::size_t)> work = [&](std::size_t i) {
      if (too_long[i]) {
        Outcome& o = outcomes[i];
        o.Reset(Position{static_cast<int>(lines[i]), 0});
        o.valid = false;
        o.parse_error = Error{
            ErrorCode::kLimit,
            "line is longer than the limit of " + std::to_string(fast_load_.max_bytes) + " bytes",
            {},
            Position{static_cast<int>(lines[i]), 0},
            {}};
        return;
      }
      CheckLine(texts[i], lines[i], outcomes[i]);
    };
    while (!done) {
      std::size_t n = 0;
      while (n < kBatchLines) {
        if (next_pending < pending.size()) {
          lines[n] = pending[next_pending].line;
          texts[n] = std::move(pending[next_pending].text);
          too_long[n] = false;
          ++next_pending;
          ++n;
          continue;
        }
        LineReader::Status st = reader.Next(texts[n]);
        if (st == LineReader::Status::kEnd) {
          done = true;
          break;
        }
        if (st == LineReader::Status::kError) {
          done = true;
          InputError(Error{ErrorCode::kIo, "read failed", name, {}, {}});
          break;
        }
        if (st == LineReader::Status::kLine && IsBlank(texts[n])) continue;
        lines[n] = reader.line_number();
        too_long[n] = st == LineReader::Status::kTooLong;
        ++n;
      }
      pool_.Run(n, work);
      for (std::size_t i = 0; i < n; ++i) Report(name, outcomes[i]);
      progress_.Update(summary_.documents);
    }
  }

  const ValidateOptions& options_;
  const compat::EventValidator& validator_;
  Reporter& reporter_;
  Progress progress_;
  BatchPool pool_;
  LoadOptions fast_load_;
  LoadOptions positions_load_;
  Summary summary_;
  bool input_errors_ = false;
};

void PrintError(const Error& e, OutputFormat format) {
  std::fprintf(stderr, "accord validate: error: %s\n", e.ToString().c_str());
  if (format == OutputFormat::kJson) {
    json::Value err{json::Object{}};
    err.Add("code", json::Value(ErrorCodeName(e.code)));
    err.Add("message", json::Value(e.message));
    if (!e.file.empty()) err.Add("file", json::Value(e.file));
    if (e.position.line > 0) err.Add("line", json::Value(e.position.line));
    if (e.position.column > 0) err.Add("column", json::Value(e.position.column));
    if (!e.pointer.empty()) err.Add("pointer", json::Value(e.pointer));
    json::Value top{json::Object{}};
    top.Add("error", std::move(err));
    std::printf("%s\n", json::ToJson(top).c_str());
  }
}

// A loaded schema document: where it came from and under which URI.
struct LoadedFile {
  std::string path;
  std::string uri;
  std::shared_ptr<const Document> doc;
};

// URI a --ref document is registered under: its absolute `$id` (fragment
// dropped) when it has one, else the file:// URI of its path.
std::string BundleUri(const Document& doc, const std::string& path) {
  if (doc.root.IsObject()) {
    const json::Value* id = doc.root.Find("$id");
    if (id == nullptr) id = doc.root.Find("id");  // draft-04
    if (id != nullptr && id->IsString() && id->AsString().find(':') != std::string::npos) {
      std::string uri = id->AsString();
      if (std::size_t hash = uri.find('#'); hash != std::string::npos) uri.resize(hash);
      return uri;
    }
  }
  return PathToFileUri(path);
}

int Execute(const ValidateOptions& options) {
  OutputFormat format = options.format == "json" ? OutputFormat::kJson : OutputFormat::kText;
  if (options.inputs.empty()) {
    std::fprintf(stderr,
                 "accord validate: error: no input: give files, directories, or - for stdin\n"
                 "Run with --help for more information.\n");
    return 2;
  }
  std::optional<js::Dialect> dialect = DialectOrDefault(options.dialect);
  if (!dialect) {
    std::fprintf(stderr, "accord validate: error: unknown dialect \"%s\"\n",
                 options.dialect.c_str());
    return 2;
  }

  // The schema (as its language reads it: a JSON or YAML document, or text)
  // and the --ref documents.
  LoadOptions schema_load;
  schema_load.record_positions = true;
  compat::SchemaSource schema;
  schema.name = options.schema;
  const compat::Language* by_name = compat::LanguageForFileName(options.schema);
  const bool schema_is_text = by_name != nullptr && !by_name->document_syntax();
  std::vector<LoadedFile> sources;
  for (std::size_t i = 0; i <= options.refs.size(); ++i) {
    const std::string& path = i == 0 ? options.schema : options.refs[i - 1];
    if (i == 0 && schema_is_text) {
      auto text = ReadFile(path, LoadOptions().max_bytes);
      if (!text) {
        PrintError(text.error(), format);
        return 2;
      }
      schema.text = std::move(*text);
      continue;
    }
    Result<Document> doc = LoadFile(path, Syntax::kAuto, schema_load);
    if (!doc) {
      PrintError(doc.error(), format);
      return 2;
    }
    std::string uri = i == 0 ? PathToFileUri(path) : BundleUri(*doc, path);
    auto shared = std::make_shared<const Document>(std::move(*doc));
    if (i == 0) schema.document = shared;
    sources.push_back(LoadedFile{path, std::move(uri), std::move(shared)});
  }
  // The schema's language (Avro: .avsc, or Avro's shape; documents are then
  // Avro-JSON datums).
  auto language = LanguageOf(schema);
  if (!language) {
    PrintError(language.error(), format);
    return 2;
  }
  const compat::Language& lang = **language;
  compat::ParseOptions parse;
  parse.dialect = *dialect;
  parse.base_uri = PathToFileUri(options.schema);
  if (!lang.accepts_documents()) {
    if (!options.refs.empty()) {
      PrintError(Error{ErrorCode::kUnsupported,
                       "--ref applies to " + LanguagesThat([](const compat::Language& l) {
                         return l.accepts_documents();
                       }) + " only, not to " +
                           std::string(lang.display_name()),
                       options.schema,
                       {},
                       {}},
                 format);
      return 2;
    }
  } else {
    auto bundle = std::make_shared<js::SchemaBundle>();
    for (const LoadedFile& s : sources) bundle->Add(s.uri, s.doc->root);
    parse.documents = std::move(bundle);
  }
  // An invalid schema: point at the document (and the place in it) the error
  // is about.
  auto schema_error = [&](Error e) {
    const LoadedFile* where = nullptr;
    for (const LoadedFile& s : sources) {
      if (!e.file.empty() && (e.file == s.uri || e.file == s.path)) where = &s;
    }
    if (where == nullptr && !schema_is_text && !sources.empty()) where = &sources[0];
    e.file = where != nullptr ? where->path : options.schema;
    if (where != nullptr) {
      if (e.position.line == 0 && !e.pointer.empty())
        e.position = where->doc->PositionOf(e.pointer);
      if (e.position.line == 0) e.position = where->doc->PositionOf("");
    }
    e.message = "invalid " + std::string(lang.schema_noun()) + ": " +
                ShortenFileUris(e.message, PathToFileUri("."));
    PrintError(e, format);
    return 2;
  };
  if (auto applies = CheckImportPathApplies(lang, options.import_path); !applies) {
    PrintError(applies.error(), format);
    return 2;
  }
  auto references = ResolveFileImports(lang, schema, options.import_path, *dialect);
  if (!references) {
    PrintError(references.error(), format);
    return 2;
  }
  parse.references = std::move(*references);
  auto parsed = lang.Parse(schema, parse);
  if (!parsed) return schema_error(parsed.error());
  compat::EventValidatorOptions validation;
  validation.format = FormatModeOf(options.assert_format);
  auto event_type = lang.EventType(**parsed, options.message);
  if (!event_type) {
    Error e = event_type.error();
    e.file = options.schema;
    if (options.message.empty() && e.code == ErrorCode::kInvalidSchema) {
      e.message += " (--message NAME)";
    }
    PrintError(e, format);
    return 2;
  }
  validation.event_type = std::move(*event_type);
  auto validator = lang.NewEventValidator(**parsed, validation);
  if (!validator) return schema_error(validator.error());

  ExpandedInputs expanded = ExpandInputs(options.inputs, options.ndjson);
  // Buffered stdout: the text output of a large stream is many small writes.
  static char out_buffer[1 << 16];
  std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
  std::unique_ptr<Reporter> reporter =
      MakeReporter(ReporterOptions{format, options.verbose}, stdout, stderr);
  reporter->Begin(options.schema);
  Run run(options, **validator, *reporter);
  for (Error& e : expanded.errors) run.InputError(std::move(e));
  for (const Input& input : expanded.inputs) run.File(input);
  run.Finish();
  if (run.summary().documents == 0 && !run.input_errors()) {
    std::fflush(stdout);
    std::fputs("accord validate: warning: no documents found\n", stderr);
  }
  reporter->End(run.summary());
  std::fflush(stdout);
  if (run.input_errors()) return 2;
  return run.summary().invalid > 0 ? 1 : 0;
}

}  // namespace

void RegisterValidate(CLI::App& app, Commands& commands) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* sub = app.add_subcommand(
      "validate",
      "Validate events (JSON, YAML, NDJSON) against a JSON Schema, an Avro schema "
      "(.avsc: events in Avro's JSON encoding) or a Protobuf message (.proto: events in the "
      "proto3 JSON mapping)");
  sub->add_option("--schema,-s", options->schema,
                  "JSON Schema file (JSON or YAML), Avro schema (.avsc) or Protobuf file (.proto)")
      ->required();
  sub->add_option("--message", options->message,
                  "Protobuf: the message the events are, by full or package-relative name "
                  "(needed when the file has several top-level messages)");
  AddImportPathOption(sub, &options->import_path);
  sub->add_option("inputs", options->inputs,
                  "Event files, directories (searched recursively for *.json *.yaml *.yml "
                  "*.ndjson *.jsonl), or - for stdin");
  sub->add_option("--ref", options->refs,
                  "Another schema document that $ref may point to, registered under its $id "
                  "(or its file:// URI); repeatable")
      ->allow_extra_args(false);
  sub->add_option("--format", options->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  AddDialectOption(sub, &options->dialect);
  AddAssertFormatFlag(sub, &options->assert_format);
  sub->add_flag("--first-failure", options->first_failure,
                "Report only the first failure of each document");
  sub->add_flag("--ndjson", options->ndjson,
                "Read every input (and stdin) as NDJSON, one event per line");
  sub->add_flag("--quiet,-q", options->quiet, "No progress meter on stderr");
  sub->add_flag("--verbose,-v", options->verbose, "List valid documents too");
  // Measured (docs/benchmarks.md): on 2 cores, 2 threads cut the wall time
  // of a 200,000-event stream even on a loaded machine; output order is kept.
  options->jobs = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  sub->add_option("--jobs,-j", options->jobs,
                  "Threads parsing and validating NDJSON lines (default: cores, at most 4); "
                  "output order does not depend on it")
      ->check(CLI::Range(1u, 64u));
  sub->footer(
      "Stdin (-) is read as NDJSON with --ndjson, or when its first non-blank line is a\n"
      "complete JSON value followed by another non-blank line; otherwise it is one JSON\n"
      "or YAML document.\n"
      "Exit status: 0 all documents valid, 1 some invalid (including unparsable ones),\n"
      "2 bad usage, invalid schema, or unreadable input.");
  sub->callback(
      [&commands, options]() { commands.run = [options]() { return Execute(*options); }; });
}

}  // namespace accord::cli

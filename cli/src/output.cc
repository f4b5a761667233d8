#include "output.h"

#include <vector>

#include "accord/schemas/json.h"

namespace accord::cli {

std::string FormatLocation(std::string_view file, Position position) {
  std::string out(file);
  if (position.line > 0) {
    out += ':' + std::to_string(position.line);
    if (position.column > 0) out += ':' + std::to_string(position.column);
  }
  return out;
}

std::string FormatSummary(const Summary& summary) {
  return std::to_string(summary.documents) +
         (summary.documents == 1 ? " document, " : " documents, ") + std::to_string(summary.valid) +
         " valid, " + std::to_string(summary.invalid) + " invalid";
}

namespace {

void Write(std::FILE* f, std::string_view s) { std::fwrite(s.data(), 1, s.size(), f); }

// A failure's position, or the document's own position when unknown.
Position FailurePosition(const DocumentReport& doc, std::size_t i) {
  if (i < doc.positions.size() && doc.positions[i].line > 0) return doc.positions[i];
  return doc.where;
}

class TextReporter final : public Reporter {
 public:
  TextReporter(bool verbose, std::FILE* out, std::FILE* err)
      : verbose_(verbose), out_(out), err_(err) {}

  void Begin(std::string_view) override {}

  void Document(const DocumentReport& doc) override {
    line_.clear();
    if (doc.valid) {
      if (!verbose_) return;
      line_ = FormatLocation(doc.file, doc.where) + ": valid\n";
    } else if (doc.parse_error != nullptr) {
      Position p = doc.parse_error->position.line > 0 ? doc.parse_error->position : doc.where;
      line_ = FormatLocation(doc.file, p) + ": parse error: " + doc.parse_error->message + '\n';
    } else if (doc.failures.empty()) {
      line_ = FormatLocation(doc.file, doc.where) + ": invalid\n";
    } else {
      for (std::size_t i = 0; i < doc.failures.size(); ++i) {
        const jsonschema::ValidationFailure& f = doc.failures[i];
        line_ += FormatLocation(doc.file, FailurePosition(doc, i));
        line_ += ": ";
        line_ += f.instance_location.empty() ? "(root)" : f.instance_location;
        line_ += ": ";
        line_ += f.message;
        line_ += " [";
        line_ += f.keyword_location;
        line_ += "]\n";
      }
    }
    Write(out_, line_);
  }

  void InputError(const Error& error) override {
    std::fflush(out_);
    Write(err_, "accord validate: error: " + error.ToString() + '\n');
  }

  void End(const Summary& summary) override { Write(out_, FormatSummary(summary) + '\n'); }

  bool verbose() const override { return verbose_; }

 private:
  bool verbose_;
  std::FILE* out_;
  std::FILE* err_;
  std::string line_;
};

json::Value PositionMembers(json::Value obj, Position p) {
  if (p.line > 0) {
    obj.Add("line", json::Value(p.line));
    if (p.column > 0) obj.Add("column", json::Value(p.column));
  }
  return obj;
}

class JsonReporter final : public Reporter {
 public:
  JsonReporter(bool verbose, std::FILE* out) : verbose_(verbose), out_(out) {}

  void Begin(std::string_view schema_path) override {
    Write(out_, "{\"schema\":" + json::ToJson(json::Value(schema_path)) + ",\"documents\":[");
  }

  void Document(const DocumentReport& doc) override {
    if (doc.valid && !verbose_) return;
    json::Value d{json::Object{}};
    d.Add("file", json::Value(doc.file));
    if (doc.where.line > 0) d.Add("line", json::Value(doc.where.line));
    d.Add("valid", json::Value(doc.valid));
    if (doc.parse_error != nullptr) {
      json::Value e{json::Object{}};
      e.Add("code", json::Value(ErrorCodeName(doc.parse_error->code)));
      e.Add("message", json::Value(doc.parse_error->message));
      d.Add("error", PositionMembers(std::move(e), doc.parse_error->position));
    } else if (!doc.valid) {
      json::Array failures;
      failures.reserve(doc.failures.size());
      for (std::size_t i = 0; i < doc.failures.size(); ++i) {
        const jsonschema::ValidationFailure& f = doc.failures[i];
        json::Value o{json::Object{}};
        o.Add("instanceLocation", json::Value(f.instance_location));
        o.Add("keywordLocation", json::Value(f.keyword_location));
        o.Add("keyword", json::Value(f.keyword));
        o.Add("message", json::Value(f.message));
        Position p = i < doc.positions.size() ? doc.positions[i] : Position{};
        failures.push_back(PositionMembers(std::move(o), p));
      }
      d.Add("failures", json::Value(std::move(failures)));
    }
    Write(out_, first_ ? "\n" : ",\n");
    first_ = false;
    Write(out_, json::ToJson(d));
  }

  void InputError(const Error& error) override {
    json::Value e{json::Object{}};
    e.Add("file", json::Value(error.file));
    e.Add("code", json::Value(ErrorCodeName(error.code)));
    e.Add("message", json::Value(error.message));
    errors_.push_back(std::move(e));
  }

  void End(const Summary& summary) override {
    json::Value s{json::Object{}};
    s.Add("documents", json::Value(static_cast<std::int64_t>(summary.documents)));
    s.Add("valid", json::Value(static_cast<std::int64_t>(summary.valid)));
    s.Add("invalid", json::Value(static_cast<std::int64_t>(summary.invalid)));
    std::string tail = first_ ? "]," : "\n],";
    tail += "\"errors\":" + json::ToJson(json::Value(std::move(errors_))) + ",";
    tail += "\"summary\":" + json::ToJson(s) + "}\n";
    Write(out_, tail);
  }

  bool verbose() const override { return verbose_; }

 private:
  bool verbose_;
  std::FILE* out_;
  bool first_ = true;
  json::Array errors_;  // few: one per unreadable input
};

}  // namespace

std::unique_ptr<Reporter> MakeReporter(const ReporterOptions& options, std::FILE* out,
                                       std::FILE* err) {
  if (options.format == OutputFormat::kJson)
    return std::make_unique<JsonReporter>(options.verbose, out);
  return std::make_unique<TextReporter>(options.verbose, out, err);
}

}  // namespace accord::cli

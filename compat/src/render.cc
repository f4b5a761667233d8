// Rendering of compatibility reports: text, JSON, JUnit XML, GitHub Actions
// annotations. The formats are documented in render.h; goldens pin them.
#include "accord/compat/render.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "accord/compat/avro_kinds.h"
#include "accord/compat/jsonschema_kinds.h"
#include "wire_names.h"

namespace accord::compat {

namespace {

constexpr std::array<std::pair<OutputFormat, std::string_view>, 4> kFormatNames{{
    {OutputFormat::kText, "text"},
    {OutputFormat::kJson, "json"},
    {OutputFormat::kJunit, "junit"},
    {OutputFormat::kGithub, "github"},
}};

std::string Plural(std::size_t n, std::string_view word) {
  std::string out = std::to_string(n) + " " + std::string(word);
  if (n != 1) out += 's';
  return out;
}

// Display name of the schema a finding side points into.
std::string SideName(const RenderContext& ctx, int version, const std::string& fallback) {
  if (version > 0 && static_cast<std::size_t>(version) <= ctx.version_names.size()) {
    return ctx.version_names[version - 1];
  }
  return fallback;
}

// Whether a finding's writer side points into the new schema (else its
// reader side does): by the finding's direction when known (a diff's, a
// mode's check), else by its version numbers.
bool NewIsWriter(const Finding& f, const RenderContext& ctx) {
  return f.direction != Direction::kNone || ctx.old_new
             ? f.direction == Direction::kForward
             : ctx.new_schema_version != 0 && f.writer_version == ctx.new_schema_version;
}

// Where a side of a finding that points into `document` (a referenced
// schema; "" = the compared schema itself) is shown.
RenderContext::Place ReferencedPlace(const RenderContext& ctx, bool new_side, int version,
                                     const std::string& document, const std::string& pointer) {
  RenderContext::Place place;
  if (ctx.referenced) place = ctx.referenced(new_side, version, document, pointer);
  if (place.name.empty()) place.name = document;
  return place;
}

// "NAME#POINTER" of a finding side: the schema's name (SideName) or the
// referenced document's.
std::string SideWhere(const RenderContext& ctx, bool new_side, int version,
                      const std::string& fallback, const std::string& document,
                      const std::string& pointer) {
  const std::string name = document.empty()
                               ? SideName(ctx, version, fallback)
                               : ReferencedPlace(ctx, new_side, version, document, pointer).name;
  return name + "#" + pointer;
}

std::string Summary(const Report& report, const RenderContext& ctx) {
  // "breaking" and "safe" have no plural form.
  std::string out = std::string(VerdictName(report.verdict)) + ": " +
                    std::to_string(report.CountBreaking()) + " breaking, ";
  // Undecided findings are counted apart from proven breaks; the count is
  // shown when there are any (most reports have none).
  if (std::size_t undecided = report.CountUndecided(); undecided > 0)
    out += std::to_string(undecided) + " undecided, ";
  out += Plural(report.CountWarnings(), "warning") + ", " + std::to_string(report.CountSafe()) +
         " safe";
  std::string what;
  if (!ctx.mode.empty()) what += ctx.mode;
  if (!ctx.writer_name.empty() || !ctx.reader_name.empty()) {
    if (!what.empty()) what += ": ";
    what += ctx.writer_name + " -> " + ctx.reader_name;
  }
  if (!what.empty()) out += " (" + what + ")";
  return out;
}

// The side of a finding that points into the old / new version, for
// the old:/new: labels of a diff: its pointer, version and fallback name.
struct Side {
  const std::string& path;
  int version;
  const std::string& fallback;
  const std::string& document;
  bool new_side;
  std::string Where(const RenderContext& ctx) const {
    return SideWhere(ctx, new_side, version, fallback, document, path);
  }
};
Side OldSide(const Finding& f, const RenderContext& ctx) {
  const bool forward = f.direction == Direction::kForward;
  return {OldPath(f), forward ? f.reader_version : f.writer_version, ctx.writer_name,
          OldDocument(f), false};
}
Side NewSide(const Finding& f, const RenderContext& ctx) {
  const bool forward = f.direction == Direction::kForward;
  return {NewPath(f), forward ? f.writer_version : f.reader_version, ctx.reader_name,
          NewDocument(f), true};
}
// The writer / reader side, for the writer:/reader: labels of a check.
Side WriterSide(const Finding& f, const RenderContext& ctx) {
  return {f.writer_path, f.writer_version, ctx.writer_name, f.writer_document, NewIsWriter(f, ctx)};
}
Side ReaderSide(const Finding& f, const RenderContext& ctx) {
  return {f.reader_path, f.reader_version, ctx.reader_name, f.reader_document,
          !NewIsWriter(f, ctx)};
}

// Whether a finding says which direction it breaks ("breaks:") and points
// into the old and the new version: a diff's, a mode's, and a SAFE change
// (which only a diff makes, also when `check` lists it).
bool ShowsConsequence(const Finding& f, const RenderContext& ctx) {
  return ctx.old_new || f.direction != Direction::kNone || f.severity == Severity::kSafe;
}

// ---- text ------------------------------------------------------------------

// A finding's lines as the text report and the JUnit details show them:
// its heading, then "label: value" lines; `aligned` (text) indents them and
// pads the labels to one column.
std::string FindingLines(const Finding& f, const RenderContext& ctx, bool aligned) {
  std::string out = std::string(SeverityName(f.severity)) + " " + std::string(f.kind.name()) + "\n";
  auto line = [&](std::string_view label, std::string_view value) {
    if (aligned) out += "  ";
    out += label;
    out += ':';
    out.append(aligned ? 8 - label.size() : 1, ' ');
    out += value;
    out += '\n';
  };
  auto side = [&](std::string_view label, const Side& s) {
    std::string where = s.Where(ctx);
    if (s.version > 0 && ctx.version_names.empty()) {
      where += " (version " + std::to_string(s.version) + ")";
    }
    line(label, where);
  };
  if (ShowsConsequence(f, ctx)) line("breaks", ConsequenceText(f));
  if (ctx.old_new) {
    side("old", OldSide(f, ctx));
    side("new", NewSide(f, ctx));
  } else {
    side("writer", WriterSide(f, ctx));
    side("reader", ReaderSide(f, ctx));
  }
  line("message", f.message);
  if (f.witness) line("witness", json::ToJson(*f.witness));
  if (std::string_view advice = AdviceFor(f, ctx); !advice.empty()) line("advice", advice);
  return out;
}

std::string RenderText(const Report& report, const RenderContext& ctx) {
  std::string out;
  for (const Finding& f : report.findings) {
    out += FindingLines(f, ctx, /*aligned=*/true);
    out += "\n";
  }
  out += Summary(report, ctx) + "\n";
  return out;
}

// ---- json ------------------------------------------------------------------

std::string RenderJson(const Report& report, const RenderContext& ctx) {
  json::Array findings;
  for (const Finding& f : report.findings) {
    json::Value o{json::Object{}};
    o.Add("kind", f.kind.name());
    o.Add("severity", SeverityName(f.severity));
    o.Add("direction", f.direction == Direction::kNone ? json::Value(nullptr)
                                                       : json::Value(DirectionName(f.direction)));
    o.Add("writerPath", f.writer_path);
    o.Add("readerPath", f.reader_path);
    // The referenced schema each pointer is in, named as the text names it.
    for (auto [key, side] : {std::pair{"writerDocument", WriterSide(f, ctx)},
                             std::pair{"readerDocument", ReaderSide(f, ctx)}}) {
      o.Add(key, side.document.empty()
                     ? json::Value(nullptr)
                     : json::Value(ReferencedPlace(ctx, side.new_side, side.version, side.document,
                                                   side.path)
                                       .name));
    }
    const bool old_new = ShowsConsequence(f, ctx);
    o.Add("oldPath", old_new ? json::Value(OldPath(f)) : json::Value(nullptr));
    o.Add("newPath", old_new ? json::Value(NewPath(f)) : json::Value(nullptr));
    o.Add("message", f.message);
    o.Add("witness", f.witness ? *f.witness : json::Value(nullptr));
    const std::string_view advice = AdviceFor(f, ctx);
    o.Add("advice", advice.empty() ? json::Value(nullptr) : json::Value(advice));
    o.Add("writerVersion", f.writer_version > 0 ? json::Value(f.writer_version) : json::Value());
    o.Add("readerVersion", f.reader_version > 0 ? json::Value(f.reader_version) : json::Value());
    findings.push_back(std::move(o));
  }
  json::Value root{json::Object{}};
  root.Add("compatible", report.compatible());
  root.Add("verdict", VerdictName(report.verdict));
  root.Add("mode", ctx.mode);
  root.Add("writer", ctx.writer_name);
  root.Add("reader", ctx.reader_name);
  root.Add("breaking", static_cast<std::int64_t>(report.CountBreaking()));
  root.Add("undecided", static_cast<std::int64_t>(report.CountUndecided()));
  root.Add("warnings", static_cast<std::int64_t>(report.CountWarnings()));
  root.Add("safe", static_cast<std::int64_t>(report.CountSafe()));
  root.Add("findings", json::Value(std::move(findings)));
  return json::ToPrettyJson(root) + "\n";
}

// ---- junit -----------------------------------------------------------------

std::string Xml(std::string_view s) { return XmlEscape(s); }
std::string XmlAttr(std::string_view s) { return XmlEscape(s, /*attribute=*/true); }

std::string FindingDetails(const Finding& f, const RenderContext& ctx) {
  return FindingLines(f, ctx, /*aligned=*/false);
}

std::string RenderJunit(const Report& report, const RenderContext& ctx) {
  const std::string suite = "accord " + (ctx.mode.empty() ? std::string("check") : ctx.mode) + " " +
                            ctx.writer_name + " -> " + ctx.reader_name;
  const std::string classname =
      "accord.compat." + (ctx.mode.empty() ? std::string("check") : ctx.mode);
  const std::size_t tests = report.findings.empty() ? 1 : report.findings.size();
  const std::size_t failures = report.CountBreaking();
  // An undecided finding is an <error> (the check could not be decided), not
  // a <failure> (a proven break); both fail a CI run.
  const std::string errors = std::to_string(report.CountUndecided());
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"" + errors + "\">\n";
  out += "  <testsuite name=\"" + XmlAttr(suite) + "\" tests=\"" + std::to_string(tests) +
         "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + errors +
         "\" skipped=\"0\">\n";
  if (report.findings.empty()) {
    out += "    <testcase classname=\"" + XmlAttr(classname) + "\" name=\"" +
           XmlAttr("compatible(" + ctx.writer_name + " -> " + ctx.reader_name + ")") + "\"/>\n";
  }
  for (const Finding& f : report.findings) {
    std::string name;
    if (ctx.old_new) {
      name = std::string(f.kind.name()) + " " + OldSide(f, ctx).Where(ctx) + " -> " +
             NewSide(f, ctx).Where(ctx);
    } else {
      name = std::string(f.kind.name()) + " " + WriterSide(f, ctx).Where(ctx) + " -> " +
             ReaderSide(f, ctx).Where(ctx);
    }
    out +=
        "    <testcase classname=\"" + XmlAttr(classname) + "\" name=\"" + XmlAttr(name) + "\">\n";
    if (f.severity == Severity::kBreaking) {
      out += "      <failure type=\"" + XmlAttr(f.kind.name()) + "\" message=\"" +
             XmlAttr(f.message) + "\">" + Xml(FindingDetails(f, ctx)) + "</failure>\n";
    } else if (f.severity == Severity::kUndecided) {
      out += "      <error type=\"" + XmlAttr(f.kind.name()) + "\" message=\"" +
             XmlAttr(f.message) + "\">" + Xml(FindingDetails(f, ctx)) + "</error>\n";
    } else {
      out += "      <system-out>" + Xml(FindingDetails(f, ctx)) + "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

// ---- github ----------------------------------------------------------------

std::string RenderGithub(const Report& report, const RenderContext& ctx) {
  std::string out;
  for (const Finding& f : report.findings) {
    // The pointer into the new schema, whose file the annotation names (or
    // the referenced file it is in).
    const bool new_is_writer = NewIsWriter(f, ctx);
    const Side at = new_is_writer ? WriterSide(f, ctx) : ReaderSide(f, ctx);
    std::string file = ctx.new_schema_file;
    int line = 1;
    std::string elsewhere;  // a referenced schema that is no local file
    if (at.document.empty()) {
      line = ctx.new_schema_line ? ctx.new_schema_line(at.path) : 1;
    } else {
      const RenderContext::Place place =
          ReferencedPlace(ctx, true, at.version, at.document, at.path);
      if (!place.file.empty()) {
        file = place.file;
        line = place.line;
      } else {
        elsewhere = place.name + "#" + at.path;
      }
    }
    if (line < 1) line = 1;
    std::string_view command = IsFailing(f.severity)              ? "error"
                               : f.severity == Severity::kWarning ? "warning"
                                                                  : "notice";
    // An undecided finding fails too, but its title says it is not a proven
    // break.
    std::string title(f.kind.name());
    std::string message = f.message;
    if (f.severity == Severity::kUndecided) title += " (undecided)";
    // Name the other side of the pair so the annotation says what it was
    // compared with.
    if (!elsewhere.empty()) message += " (at " + elsewhere + ")";
    if (ctx.old_new) {
      message += " (old " + OldSide(f, ctx).Where(ctx) + ")";
    } else if (new_is_writer) {
      message += " (reader " + ReaderSide(f, ctx).Where(ctx) + ")";
    } else {
      message += " (writer " + WriterSide(f, ctx).Where(ctx) + ")";
    }
    if (ShowsConsequence(f, ctx)) message += "; breaks " + ConsequenceText(f);
    if (f.witness) message += "; witness: " + json::ToJson(*f.witness);
    if (std::string_view advice = AdviceFor(f, ctx); !advice.empty()) {
      message += "; advice: " + std::string(advice);
    }
    out += "::";
    out += command;
    out += " file=" + GithubEscapeProperty(file) + ",line=" + std::to_string(line) +
           ",title=" + GithubEscapeProperty(title) + "::" + GithubEscapeData(message) + "\n";
  }
  out += Summary(report, ctx) + "\n";
  return out;
}

}  // namespace

// ---- escapers shared with other renderers ------------------------------------

// Code points XML 1.0 forbids (C0 controls other than tab/newline/carriage
// return) become U+FFFD; in attributes, tab, newline and carriage return are
// written as character references so parsers keep them.
std::string XmlEscape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string GithubEscapeData(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string GithubEscapeProperty(std::string_view s) {
  std::string out;
  for (char c : GithubEscapeData(s)) {
    switch (c) {
      case ':':
        out += "%3A";
        break;
      case ',':
        out += "%2C";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Kind ChangeKindOf(const Kind& checked, Direction direction) {
  if (direction == Direction::kNone) return checked;
  const bool forward = direction == Direction::kForward;
  if (auto k = checked.As<JsonSchemaKind>()) {
    return forward ? ForwardChangeKind(*k) : BackwardChangeKind(*k);
  }
  if (auto k = checked.As<AvroKind>()) {
    return forward ? ForwardChangeKind(*k) : BackwardChangeKind(*k);
  }
  return checked;
}

std::string_view AdviceFor(const Finding& f, const RenderContext& ctx) {
  if (f.severity == Severity::kSafe) return {};
  if (ctx.old_new) return f.kind.advice();
  return ChangeKindOf(f.kind, f.direction).advice();
}

std::string InVersionWords(std::string_view message, Direction direction) {
  if (direction == Direction::kNone) return std::string(message);
  const bool forward = direction == Direction::kForward;
  const std::string_view writer = forward ? "new" : "old";
  const std::string_view reader = forward ? "old" : "new";
  auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    const bool at_word = i == 0 || !word_char(message[i - 1]);
    std::string_view rest = message.substr(i);
    std::string_view side;
    std::size_t len = 0;
    if (at_word && rest.starts_with("the writer"))
      side = writer, len = 10;
    else if (at_word && rest.starts_with("the reader"))
      side = reader, len = 10;
    else if (at_word && rest.starts_with("writer"))
      side = writer, len = 6;
    else if (at_word && rest.starts_with("reader"))
      side = reader, len = 6;
    if (len > 0 && (i + len == message.size() || !word_char(message[i + len]))) {
      const bool with_article = len == 10;
      out += with_article ? "the " + std::string(side) + " version" : std::string(side);
      i += len;
      continue;
    }
    out += message[i++];
  }
  return out;
}

std::string ConsequenceText(const Finding& f) {
  if (f.severity == Severity::kSafe || f.direction == Direction::kNone) {
    return "neither BACKWARD nor FORWARD";
  }
  std::string out(DirectionName(f.direction));
  if (f.severity == Severity::kWarning) out += " under STRICT only";
  out += f.direction == Direction::kBackward
             ? " (the new version rejects events of the old one)"
             : " (readers of the old version reject events of the new one)";
  return out;
}

std::string_view OutputFormatName(OutputFormat f) { return internal::NameOf(kFormatNames, f); }
std::optional<OutputFormat> OutputFormatFromString(std::string_view s) {
  return internal::FromName(kFormatNames, s);
}

std::string Render(const Report& report, OutputFormat format, const RenderContext& ctx) {
  switch (format) {
    case OutputFormat::kText:
      return RenderText(report, ctx);
    case OutputFormat::kJson:
      return RenderJson(report, ctx);
    case OutputFormat::kJunit:
      return RenderJunit(report, ctx);
    case OutputFormat::kGithub:
      return RenderGithub(report, ctx);
  }
  return RenderText(report, ctx);
}

}  // namespace accord::compat

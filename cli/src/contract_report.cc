#include "contract_report.h"

#include "accord/compat/render.h"

#include <algorithm>

namespace accord::cli {

std::string_view CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "PASS";
    case CheckStatus::kWarn:
      return "WARN";
    case CheckStatus::kFail:
      return "FAIL";
    case CheckStatus::kSkip:
      return "SKIP";
  }
  return "?";
}

bool RunReport::passed() const { return Count(CheckStatus::kFail) == 0; }

std::size_t RunReport::Count(CheckStatus s) const {
  return static_cast<std::size_t>(std::count_if(
      checks.begin(), checks.end(), [s](const CheckResult& c) { return c.status == s; }));
}

std::optional<RunFormat> RunFormatFromString(std::string_view s) {
  if (s == "text") return RunFormat::kText;
  if (s == "json") return RunFormat::kJson;
  if (s == "junit") return RunFormat::kJunit;
  if (s == "github") return RunFormat::kGithub;
  return std::nullopt;
}

namespace {

std::string Plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string CheckTitle(const CheckResult& c) {
  std::string out = c.subject.empty() ? c.name : c.subject + ": " + c.name;
  if (!c.detail.empty()) out += " (" + c.detail + ")";
  return out;
}

std::string ProblemLocation(const Problem& p) {
  if (p.file.empty()) return {};
  if (p.line <= 0) return p.file;
  std::string out = p.file + ":" + std::to_string(p.line);
  return p.column > 0 ? out + ":" + std::to_string(p.column) : out;
}

// --- text -------------------------------------------------------------------

std::string_view Colour(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "\033[32m";
    case CheckStatus::kWarn:
      return "\033[33m";
    case CheckStatus::kFail:
      return "\033[31m";
    case CheckStatus::kSkip:
      return "\033[2m";
  }
  return "";
}

std::string RenderText(const RunReport& report, const RenderOptions& options) {
  std::string out;
  for (const CheckResult& c : report.checks) {
    if (options.quiet && (c.status == CheckStatus::kPass || c.status == CheckStatus::kSkip)) {
      continue;
    }
    std::string status(CheckStatusName(c.status));
    if (options.colour) status = std::string(Colour(c.status)) + status + "\033[0m";
    out += status + "  " + CheckTitle(c) + "\n";
    for (const Problem& p : c.problems) {
      std::string location = ProblemLocation(p);
      out += "      " + (location.empty() ? "" : location + ": ") + p.message + "\n";
      if (!p.path.empty()) out += "        field:   " + p.path + "\n";
      if (p.witness) out += "        witness: " + json::ToJson(*p.witness) + "\n";
    }
  }
  out += RunSummaryLine(report) + "\n";
  return out;
}

// --- json -------------------------------------------------------------------

json::Value ProblemToJson(const Problem& p) {
  json::Value o{json::Object{}};
  o.Add("severity", p.warning ? "warning" : "error");
  o.Add("message", p.message);
  if (!p.file.empty()) o.Add("file", p.file);
  if (!p.file.empty() && p.line > 0) o.Add("line", p.line);
  if (!p.file.empty() && p.line > 0 && p.column > 0) o.Add("column", p.column);
  if (!p.kind.empty()) o.Add("kind", p.kind);
  if (!p.path.empty()) o.Add("path", p.path);
  if (!p.consumer.empty()) o.Add("consumer", p.consumer);
  if (!p.owner.empty()) o.Add("owner", p.owner);
  if (p.witness) o.Add("witness", *p.witness);
  return o;
}

std::string RenderJson(const RunReport& report) {
  json::Value o{json::Object{}};
  o.Add("command", report.command);
  o.Add("service", report.service);
  o.Add("file", report.file.empty() ? json::Value() : json::Value(report.file));
  o.Add("registry", report.registry.empty() ? json::Value() : json::Value(report.registry));
  o.Add("passed", report.passed());
  json::Value summary{json::Object{}};
  summary.Add("checks", static_cast<std::int64_t>(report.checks.size()));
  summary.Add("passed", static_cast<std::int64_t>(report.Count(CheckStatus::kPass)));
  summary.Add("failed", static_cast<std::int64_t>(report.Count(CheckStatus::kFail)));
  summary.Add("warnings", static_cast<std::int64_t>(report.Count(CheckStatus::kWarn)));
  summary.Add("skipped", static_cast<std::int64_t>(report.Count(CheckStatus::kSkip)));
  o.Add("summary", std::move(summary));
  json::Array checks;
  for (const CheckResult& c : report.checks) {
    json::Value j{json::Object{}};
    j.Add("subject", c.subject);
    j.Add("name", c.name);
    j.Add("status", std::string(CheckStatusName(c.status)));
    j.Add("detail", c.detail);
    json::Array problems;
    for (const Problem& p : c.problems) problems.push_back(ProblemToJson(p));
    j.Add("problems", json::Value(std::move(problems)));
    checks.push_back(std::move(j));
  }
  o.Add("checks", json::Value(std::move(checks)));
  return json::ToPrettyJson(o) + "\n";
}

// --- junit ------------------------------------------------------------------

std::string Xml(std::string_view s) { return compat::XmlEscape(s); }

std::string ProblemText(const Problem& p) {
  std::string location = ProblemLocation(p);
  std::string out = (location.empty() ? "" : location + ": ") + p.message;
  if (!p.path.empty()) out += "\n  field: " + p.path;
  if (p.witness) out += "\n  witness: " + json::ToJson(*p.witness);
  return out;
}

std::string RenderJunit(const RunReport& report) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  out += "  <testsuite name=\"" + Xml("accord " + report.command + " " + report.service) +
         "\" tests=\"" + std::to_string(report.checks.size()) + "\" failures=\"" +
         std::to_string(report.Count(CheckStatus::kFail)) + "\" errors=\"0\" skipped=\"" +
         std::to_string(report.Count(CheckStatus::kSkip)) + "\">\n";
  for (const CheckResult& c : report.checks) {
    std::string name = c.name + (c.detail.empty() ? "" : " (" + c.detail + ")");
    out += "    <testcase classname=\"" + Xml(c.subject) + "\" name=\"" + Xml(name) + "\"";
    std::string body;
    std::string text;
    for (const Problem& p : c.problems) text += ProblemText(p) + "\n";
    if (c.status == CheckStatus::kFail) {
      std::string first = c.problems.empty() ? c.name : c.problems.front().message;
      body += "      <failure message=\"" + Xml(first) + "\">" + Xml(text) + "</failure>\n";
    } else if (c.status == CheckStatus::kSkip) {
      body += "      <skipped message=\"" + Xml(c.detail) + "\"/>\n";
    } else if (!text.empty()) {
      body += "      <system-out>" + Xml(text) + "</system-out>\n";
    }
    out += body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

// --- github -----------------------------------------------------------------

std::string GithubData(std::string_view s) { return compat::GithubEscapeData(s); }
std::string GithubProperty(std::string_view s) { return compat::GithubEscapeProperty(s); }

std::string RenderGithub(const RunReport& report) {
  std::string out;
  for (const CheckResult& c : report.checks) {
    if (c.status != CheckStatus::kFail && c.status != CheckStatus::kWarn) continue;
    for (const Problem& p : c.problems) {
      bool error = c.status == CheckStatus::kFail && !p.warning;
      out += error ? "::error " : "::warning ";
      // A problem with no file (a schema only the registry holds) is an
      // annotation of the run: naming a file that does not exist would hide it.
      if (!p.file.empty()) {
        out +=
            "file=" + GithubProperty(p.file) + ",line=" + std::to_string(std::max(p.line, 1)) + ",";
        if (p.line > 0 && p.column > 0) out += "col=" + std::to_string(p.column) + ",";
      }
      std::string title = c.subject + ": " + c.name;
      out += "title=" + GithubProperty(title) + "::";
      std::string message = p.message;
      if (!p.path.empty()) message += "\nfield: " + p.path;
      if (p.witness) message += "\nwitness: " + json::ToJson(*p.witness);
      out += GithubData(message) + "\n";
    }
  }
  out += RunSummaryLine(report) + "\n";
  return out;
}

}  // namespace

std::string RunSummaryLine(const RunReport& report) {
  return std::string(report.passed() ? "PASSED: " : "FAILED: ") +
         Plural(report.checks.size(), "check") + ", " +
         std::to_string(report.Count(CheckStatus::kPass)) + " passed, " +
         std::to_string(report.Count(CheckStatus::kFail)) + " failed, " +
         Plural(report.Count(CheckStatus::kWarn), "warning") + ", " +
         std::to_string(report.Count(CheckStatus::kSkip)) + " skipped";
}

std::string RenderRun(const RunReport& report, const RenderOptions& options) {
  switch (options.format) {
    case RunFormat::kText:
      return RenderText(report, options);
    case RunFormat::kJson:
      return RenderJson(report);
    case RunFormat::kJunit:
      return RenderJunit(report);
    case RunFormat::kGithub:
      return RenderGithub(report);
  }
  return {};
}

}  // namespace accord::cli

// Shared plumbing of the owner commands (see owner_support.h).
#include "owner_support.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace accord::cli {

namespace {

const json::Value* Resolve(const json::Value& object, std::string_view path) {
  const json::Value* at = &object;
  while (at != nullptr && !path.empty()) {
    const std::size_t dot = path.find('.');
    at = at->Find(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return at;
}

std::string ScalarText(const json::Value& v) {
  switch (v.kind()) {
    case json::Kind::kString:
      return v.AsString();
    case json::Kind::kBool:
      return v.AsBool() ? "yes" : "no";
    case json::Kind::kNumber:
      return v.AsNumber().IsInt() ? std::to_string(v.AsNumber().AsInt()) : json::ToJson(v);
    case json::Kind::kNull:
      return {};
    default:
      return json::ToJson(v);
  }
}

}  // namespace

void AddOwnerOptions(CLI::App& command, OwnerOptions& options) {
  AddRegistryFlags(command, options.registry);
  command.add_option("--format", options.format, "text (default) or json (the server's JSON)")
      ->check(CLI::IsMember({"text", "json"}));
}

std::expected<std::unique_ptr<RegistryClient>, int> OpenClient(std::string_view command,
                                                               const OwnerOptions& options) {
  auto client_options = MakeClientOptions(options.registry);
  if (!client_options) return std::unexpected(ReportUsageError(command, client_options.error()));
  return std::make_unique<RegistryClient>(std::move(*client_options));
}

void PrintJson(const json::Value& value) {
  std::string text = json::ToPrettyJson(value);
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stdout);
}

const json::Value* Field(const json::Value& object, std::initializer_list<std::string_view> paths) {
  for (std::string_view path : paths) {
    const json::Value* v = Resolve(object, path);
    if (v != nullptr && !v->IsNull()) return v;
  }
  return nullptr;
}

std::string FieldText(const json::Value& object, std::initializer_list<std::string_view> paths,
                      std::string_view absent) {
  const json::Value* v = Field(object, paths);
  std::string text;
  if (v != nullptr && v->IsArray()) {
    for (const json::Value& item : v->AsArray()) {
      if (!text.empty()) text += ", ";
      text += ScalarText(item);
    }
  } else if (v != nullptr) {
    text = ScalarText(*v);
  }
  return text.empty() ? std::string(absent) : text;
}

const json::Array& ItemsOf(const json::Value& reply,
                           std::initializer_list<std::string_view> members) {
  static const json::Array kEmpty;
  if (reply.IsArray()) return reply.AsArray();
  for (std::string_view member : members) {
    const json::Value* v = Resolve(reply, member);
    if (v != nullptr && v->IsArray()) return v->AsArray();
  }
  return kEmpty;
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows,
                        std::string_view indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    while (line.ends_with(' ')) line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

bool IsCalendarDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return false;
  }
  auto number = [&](std::size_t at, std::size_t len) {
    int n = 0;
    for (std::size_t i = at; i < at + len; ++i) n = n * 10 + (date[i] - '0');
    return n;
  };
  const std::chrono::year_month_day ymd{std::chrono::year(number(0, 4)),
                                        std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                        std::chrono::day(static_cast<unsigned>(number(8, 2)))};
  return ymd.ok();
}

}  // namespace accord::cli

// Rendering compatibility reports, shared by the CLI and the server.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "accord/compat/report.h"

namespace accord::compat {

enum class OutputFormat : std::uint8_t { kText, kJson, kJunit, kGithub };
std::string_view OutputFormatName(OutputFormat f);  // "text", "json", "junit", "github"
std::optional<OutputFormat> OutputFormatFromString(std::string_view s);

// What was compared, for headings and annotations.
struct RenderContext {
  std::string writer_name;  // e.g. file name of the old schema
  std::string reader_name;  // e.g. file name of the new schema
  std::string mode;         // e.g. "BACKWARD", "FULL_TRANSITIVE"
  // Maps a JSON pointer in the new schema to a line in its file (for GitHub
  // annotations); may be empty: then line=1.
  std::function<int(std::string_view pointer)> new_schema_line;
  std::string new_schema_file;  // file the GitHub annotation points at
};

std::string Render(const Report& report, OutputFormat format, const RenderContext& ctx);

}  // namespace accord::compat

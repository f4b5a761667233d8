#include "schema_diff.h"

#include <string_view>
#include <utility>

#include "accord/compat/language.h"
#include "accord/compat/render.h"

namespace accord::registry::internal {
namespace {

// The breaking findings of one direction, as the engine's diffs give them:
// with their direction, kinds in the author's words.
void AddDirection(compat::Report& out, compat::Report checked, compat::Direction direction) {
  for (compat::Finding& f : checked.findings) {
    if (!compat::IsFailing(f.severity)) continue;
    f.direction = direction;
    f.kind = compat::ChangeKindOf(f.kind, direction);
    f.message = compat::InVersionWords(f.message, direction);
    out.Add(std::move(f));
  }
}

RegistryResult<compat::Report> BothDirections(const ParsedSchema& old_schema,
                                              const ParsedSchema& new_schema) {
  auto backward = CheckCompatible(old_schema, new_schema, compat::Policy::kStrict);
  if (!backward) return std::unexpected(backward.error());
  auto forward = CheckCompatible(new_schema, old_schema, compat::Policy::kStrict);
  if (!forward) return std::unexpected(forward.error());
  compat::Report out;
  AddDirection(out, std::move(*backward), compat::Direction::kBackward);
  AddDirection(out, std::move(*forward), compat::Direction::kForward);
  return out;
}

}  // namespace

RegistryResult<compat::Report> DiffSchemas(const ParsedSchema& old_schema,
                                           const ParsedSchema& new_schema) {
  if (old_schema.type != new_schema.type) return BothDirections(old_schema, new_schema);
  const compat::Language& language = old_schema.language();
  if (!language.diff_reads_references() &&
      (!old_schema.references.empty() || !new_schema.references.empty())) {
    return BothDirections(old_schema, new_schema);
  }
  compat::CheckOptions options;
  options.format = jsonschema::FormatMode::kAnnotate;
  auto report = language.Diff(*old_schema.schema, *new_schema.schema, options);
  if (!report) {
    return Fail(ErrorCode::kInvalidSchema, "Invalid schema: " + report.error().ToString());
  }
  return std::move(*report);
}

std::string CompatibilityOf(const compat::Report& diff) {
  bool backward = true;
  bool forward = true;
  for (const compat::Finding& f : diff.findings) {
    if (!compat::IsFailing(f.severity)) continue;
    switch (f.direction) {
      case compat::Direction::kForward:
        forward = false;
        break;
      case compat::Direction::kBackward:
        backward = false;
        break;
      case compat::Direction::kNone:
        backward = forward = false;
        break;  // not known: both
    }
  }
  if (backward && forward) return "FULL";
  if (backward) return "BACKWARD";
  if (forward) return "FORWARD";
  return "NONE";
}

}  // namespace accord::registry::internal

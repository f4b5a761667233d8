// accord diff OLD NEW: every change between two versions of a JSON Schema,
// breaking or not, with its kind and path. Exit 0 when no change is breaking
// (in either direction), 1 when one is (the verdict every format prints:
// INCOMPATIBLE, ::error, <failure>, "compatible": false), 2 on usage,
// unreadable or invalid input. The code depends on the verdict only, never on
// --format.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "accord/compat/language.h"
#include "accord/compat/mode.h"
#include "accord/compat/render.h"
#include "check_support.h"
#include "commands.h"
#include "named_references.h"

namespace accord::cli {

namespace {

struct DiffArgs {
  std::vector<std::string> files;
  std::string policy = "STRICT";
  std::string format = "text";
  std::vector<std::string> refs;
  std::string dialect;
  bool assert_format = false;
  std::vector<std::string> import_path;
  std::vector<std::string> old_refs;  // --old-ref NAME=FILE|SUBJECT:VERSION
  std::vector<std::string> new_refs;  // --new-ref
  RegistryFlags registry;             // for references to registry versions
};

int RunDiff(const DiffArgs& args) {
  if (args.files.size() != 2) {
    PrintError("diff", MakeError(ErrorCode::kUnsupported,
                                 "expected OLD and NEW schema files, got " +
                                     std::to_string(args.files.size()) + " file(s)")
                           .error());
    return kExitUsage;
  }
  auto policy = compat::PolicyFromString(args.policy);
  auto format = compat::OutputFormatFromString(args.format);
  auto dialect = DialectOrDefault(args.dialect);
  if (!policy || !format || !dialect) {
    PrintError("diff",
               MakeError(ErrorCode::kUnsupported, "bad --policy, --format or --dialect").error());
    return kExitUsage;
  }
  auto named = LoadComparedReferences("diff", args.old_refs, args.new_refs, args.registry);
  if (!named) return named.error();
  auto loaded = LoadSchemasToCompare(args.files, args.refs, *dialect, std::nullopt,
                                     args.import_path, named->old_refs, named->new_refs);
  if (!loaded) {
    PrintError("diff", loaded.error());
    return kExitUsage;
  }
  const std::vector<std::shared_ptr<const compat::Schema>>& schemas = loaded->schemas;
  compat::CheckOptions options;
  options.policy = *policy;
  options.format = FormatModeOf(args.assert_format);
  auto report = loaded->language->Diff(*schemas[0], *schemas[1], options);
  if (!report) {
    PrintError("diff", LocateError(report.error(), schemas[0]->source(), schemas[1]->source()));
    return kExitUsage;
  }
  // Version 1 is OLD, version 2 is NEW: a FORWARD finding has the new
  // schema as writer; every other finding has the old one as writer.
  for (compat::Finding& f : report->findings) {
    if (f.writer_version != 0 || f.reader_version != 0) continue;
    const bool forward = f.direction == compat::Direction::kForward;
    f.writer_version = forward ? 2 : 1;
    f.reader_version = forward ? 1 : 2;
  }
  compat::RenderContext ctx = MakeRenderContext(args.files, schemas, args.refs, "DIFF");
  ctx.old_new = true;
  std::string out = compat::Render(*report, *format, ctx);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return report->compatible() ? kExitCompatible : kExitIncompatible;
}

}  // namespace

void RegisterDiff(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<DiffArgs>();
  auto* sub = app.add_subcommand(
      "diff",
      "List every change between two versions of a schema (JSON Schema, Avro or Protobuf), "
      "breaking or not.\n"
      "Exit 0 no breaking change, 1 a breaking change (in either direction; the same for "
      "every --format), 2 usage or input error");
  sub->add_option("files", args->files, "OLD NEW")->required();
  sub->add_option("--policy", args->policy, "strict (default) or lenient")
      ->check(NameValidator("POLICY", compat::PolicyFromString, kPolicyNames));
  sub->add_option("--format", args->format, "text (default), json, junit or github")
      ->check(NameValidator("FORMAT", compat::OutputFormatFromString, kFormatNames));
  sub->add_option("--ref", args->refs,
                  "a schema document that $refs may point to (by its $id or file:// path); "
                  "repeatable")
      ->allow_extra_args(false);
  AddImportPathOption(sub, &args->import_path);
  AddComparedReferenceOptions(*sub, args->old_refs, args->new_refs, args->registry);
  AddDialectOption(sub, &args->dialect);
  AddAssertFormatFlag(sub, &args->assert_format);
  sub->callback([&commands, args]() { commands.run = [args]() { return RunDiff(*args); }; });
}

}  // namespace accord::cli

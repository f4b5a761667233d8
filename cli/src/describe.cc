// accord describe SUBJECT [--description TEXT] [--tag T]... [--clear-tags]
//
// Sets a subject's catalog description and tags in one write (PUT
// /accord/v1/subjects/{s}/metadata with the members that change; the
// owner, links and SLA are kept, as the registry keeps members a PUT leaves
// out). --tag adds a tag to those the subject has (read first); with
// --clear-tags the subject's tags are replaced by the --tag ones (none:
// no tags).
//
// Text output: "SUBJECT: description and tags updated" (or "description
// updated", "tags updated"), then "description: TEXT" and "tags: A, B" as
// stored. JSON output: the stored metadata, as the registry replies.
// Exit 0 done; 1 refused by the registry (not the owner or an admin, an
// unknown subject, a bad tag); 2 usage (nothing to set); 3 unreachable.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct DescribeArgs {
  std::string subject;
  std::optional<std::string> description;
  std::vector<std::string> tags;
  bool clear_tags = false;
  OwnerOptions options;
};

int RunDescribe(const DescribeArgs& args) {
  const bool tags = !args.tags.empty() || args.clear_tags;
  if (!args.description && !tags) {
    return ReportUsageError("describe",
                            "nothing to set: give --description, --tag and/or --clear-tags");
  }
  auto client = OpenClient("describe", args.options);
  if (!client) return client.error();
  RegistryClient& registry = **client;
  const std::string path =
      "/accord/v1/subjects/" + RegistryClient::Segment(args.subject) + "/metadata";
  json::Value body{json::Object{}};
  if (args.description) body.Add("description", *args.description);
  if (tags) {
    std::vector<std::string> list;
    if (!args.clear_tags) {  // --tag adds to the tags the subject has
      auto current = registry.Get(path);
      if (!current) return ReportClientError("describe", current.error());
      for (const json::Value& t : ItemsOf(*current, {"tags"})) {
        if (t.IsString()) list.push_back(t.AsString());
      }
    }
    for (const std::string& t : args.tags) {
      if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(t);
    }
    json::Array array;
    for (const std::string& t : list) array.emplace_back(t);
    body.Add("tags", json::Value(std::move(array)));
  }
  auto stored = registry.Put(path, body);
  if (!stored) return ReportClientError("describe", stored.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*stored);
    return kExitOk;
  }
  const std::string what = args.description && tags ? "description and tags"
                           : args.description       ? "description"
                                                    : "tags";
  std::printf("%s: %s updated\ndescription: %s\ntags: %s\n", args.subject.c_str(), what.c_str(),
              FieldText(*stored, {"description"}).c_str(), FieldText(*stored, {"tags"}).c_str());
  return kExitOk;
}

}  // namespace

void RegisterDescribe(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<DescribeArgs>();
  auto* sub = app.add_subcommand(
      "describe",
      "Set a subject's catalog description and tags in one request (owner, links and SLA "
      "kept).\n"
      "Exit 0 ok, 1 refused by the registry, 2 usage, 3 registry unreachable");
  sub->add_option("subject", args->subject, "Subject name")->required();
  sub->add_option("--description", args->description, "The subject's description (\"\" clears it)");
  sub->add_option("--tag", args->tags,
                  "A tag to add (repeatable; with --clear-tags, the tags to keep)")
      ->allow_extra_args(false);
  sub->add_flag("--clear-tags", args->clear_tags,
                "Replace the subject's tags by the --tag ones (none: no tags)");
  AddOwnerOptions(*sub, args->options);
  sub->callback([&commands, args] { commands.run = [args] { return RunDescribe(*args); }; });
}

}  // namespace accord::cli

#include "named_references.h"

#include <charconv>
#include <filesystem>
#include <set>

#include "contract_checks.h"

namespace accord::cli {

namespace {

Result<NamedRef> Bad(std::string_view flag, std::string_view arg, std::string why) {
  return MakeError(ErrorCode::kUnsupported,
                   std::string(flag) + " '" + std::string(arg) + "': " + std::move(why));
}

// VERSION of SUBJECT:VERSION: "latest" (0) or 1..2^31-1; nullopt otherwise.
std::optional<std::int32_t> VersionOf(std::string_view text) {
  if (text == "latest") return 0;
  std::int32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) return std::nullopt;
  return v;
}

}  // namespace

Result<NamedRef> ParseNamedRef(std::string_view arg, std::string_view flag, bool files_allowed) {
  const std::string expected =
      files_allowed ? "NAME=FILE or NAME=SUBJECT:VERSION" : "NAME=SUBJECT:VERSION";
  const std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == arg.size()) {
    return Bad(flag, arg, "expected " + expected);
  }
  NamedRef out;
  out.name = std::string(arg.substr(0, eq));
  const std::string_view value = arg.substr(eq + 1);
  const std::size_t colon = value.rfind(':');
  const std::optional<std::int32_t> version =
      colon == std::string_view::npos ? std::nullopt : VersionOf(value.substr(colon + 1));
  std::error_code ec;
  if (files_allowed && (!version || std::filesystem::is_regular_file(value, ec))) {
    out.file = std::string(value);
    return out;
  }
  if (colon == std::string_view::npos) {
    return Bad(flag, arg, "expected " + expected + " (VERSION a number or latest)");
  }
  if (!version) {
    return Bad(flag, arg,
               "version '" + std::string(value.substr(colon + 1)) +
                   "' is neither a number from 1 to 2147483647 nor latest");
  }
  if (colon == 0) return Bad(flag, arg, "the subject is empty");
  out.subject = std::string(value.substr(0, colon));
  out.version = *version;
  return out;
}

Result<std::vector<NamedRef>> ParseNamedRefs(const std::vector<std::string>& args,
                                             std::string_view flag, bool files_allowed) {
  std::vector<NamedRef> out;
  std::set<std::string, std::less<>> names;
  for (const std::string& arg : args) {
    auto ref = ParseNamedRef(arg, flag, files_allowed);
    if (!ref) return std::unexpected(ref.error());
    if (!names.insert(ref->name).second) {
      return MakeError(ErrorCode::kUnsupported,
                       std::string(flag) + ": the name '" + ref->name + "' is given twice");
    }
    out.push_back(std::move(*ref));
  }
  return out;
}

bool AnyInRegistry(const std::vector<NamedRef>& refs) {
  for (const NamedRef& r : refs) {
    if (r.in_registry()) return true;
  }
  return false;
}

ClientResult<std::vector<FetchedReference>> FetchNamedRefs(RegistryClient& client,
                                                           std::vector<NamedRef>& refs) {
  for (NamedRef& r : refs) {
    if (!r.in_registry() || r.version != 0) continue;
    auto latest = client.GetVersion(r.subject, 0);
    if (!latest) return std::unexpected(latest.error());
    r.version = latest->version;
  }
  return FetchReferences(client, PinnedReferences(refs));
}

std::vector<SchemaReference> PinnedReferences(const std::vector<NamedRef>& refs) {
  std::vector<SchemaReference> out;
  for (const NamedRef& r : refs) {
    if (r.in_registry()) out.push_back(SchemaReference{r.name, r.subject, r.version});
  }
  return out;
}

Result<NamedReferences> LoadNamedReferences(const std::vector<NamedRef>& refs,
                                            const std::vector<FetchedReference>& fetched) {
  NamedReferences out;
  std::set<std::string, std::less<>> given;
  for (const NamedRef& r : refs) {
    given.insert(r.name);
    Result<FoundReference> found =
        MakeError(ErrorCode::kNotFound,
                  r.subject + " version " + std::to_string(r.version) + " was not fetched");
    if (!r.in_registry()) {
      found = FoundFile(r.file);
    } else {
      for (const FetchedReference& f : fetched) {
        if (f.name == r.name) found = FoundRegistryReference(f.version);
      }
    }
    if (!found) return std::unexpected(found.error());
    out.given.emplace_back(r.name, std::move(*found));
  }
  for (const FetchedReference& f : fetched) {
    if (given.contains(f.name)) continue;
    auto found = FoundRegistryReference(f.version);
    if (!found) return std::unexpected(found.error());
    out.nested.emplace_back(f.name, std::move(*found));
  }
  return out;
}

std::expected<ComparedReferences, int> LoadComparedReferences(
    std::string_view command, const std::vector<std::string>& old_args,
    const std::vector<std::string>& new_args, const RegistryFlags& flags) {
  auto old_refs = ParseNamedRefs(old_args, "--old-ref", true);
  auto new_refs = old_refs ? ParseNamedRefs(new_args, "--new-ref", true) : old_refs;
  if (!old_refs || !new_refs) {
    PrintError(command, !old_refs ? old_refs.error() : new_refs.error());
    return std::unexpected(kExitBadUsage);
  }
  std::vector<FetchedReference> old_fetched;
  std::vector<FetchedReference> new_fetched;
  if (AnyInRegistry(*old_refs) || AnyInRegistry(*new_refs)) {
    auto options = MakeClientOptions(flags);
    if (!options) {
      ReportUsageError(command, options.error() + " (a reference names a registry version)");
      return std::unexpected(kExitBadUsage);
    }
    RegistryClient client(std::move(*options));
    for (auto [refs, into] : {std::pair{&*old_refs, &old_fetched}, {&*new_refs, &new_fetched}}) {
      auto fetched = FetchNamedRefs(client, *refs);
      if (!fetched) {
        ReportClientError(command, fetched.error());
        return std::unexpected(kExitBadUsage);
      }
      *into = std::move(*fetched);
    }
  }
  ComparedReferences out;
  auto old_named = LoadNamedReferences(*old_refs, old_fetched);
  if (!old_named) {
    PrintError(command, old_named.error());
    return std::unexpected(kExitBadUsage);
  }
  auto new_named = LoadNamedReferences(*new_refs, new_fetched);
  if (!new_named) {
    PrintError(command, new_named.error());
    return std::unexpected(kExitBadUsage);
  }
  out.old_refs = std::move(*old_named);
  out.new_refs = std::move(*new_named);
  return out;
}

void AddComparedReferenceOptions(CLI::App& sub, std::vector<std::string>& old_args,
                                 std::vector<std::string>& new_args, RegistryFlags& flags) {
  sub.add_option("--old-ref", old_args,
                 "NAME=FILE or NAME=SUBJECT:VERSION: a schema the old schema(s) refer to as NAME "
                 "(a JSON Schema $ref, an Avro type's full name, a Protobuf import); VERSION a "
                 "number or latest, read from --registry; repeatable")
      ->allow_extra_args(false);
  sub.add_option("--new-ref", new_args,
                 "the same for the new schema, so that a change to a referenced schema is "
                 "checked; repeatable")
      ->allow_extra_args(false);
  AddRegistryFlags(sub, flags);
}

}  // namespace accord::cli

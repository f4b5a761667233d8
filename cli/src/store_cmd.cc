// accord store copy --from DATA_DIR_OR_URI --to DATA_DIR_OR_URI: copies a
// whole registry between stores (SQLite data directory <-> PostgreSQL),
// with ids, versions, deletions, the catalog and the audit log, then
// verifies the copy record by record (registry/store_copy.h).
//
// Stop the registries on the source first (a copy of a store being written
// may miss the last writes; the verification then reports the difference).
// Exit 0 copied and verified; 1 a store error or a difference; 2 usage (bad
// location, a source that does not exist, a target that is not empty).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "accord/registry/store.h"
#include "accord/registry/store_copy.h"
#include "commands.h"

namespace accord::cli {
namespace {

struct CopyOptions {
  std::string from;
  std::string to;
};

int RunCopy(const CopyOptions& o) {
  if (!registry::IsPostgresUri(o.from) &&
      !std::filesystem::exists(std::filesystem::path(o.from) / "accord.db")) {
    std::fprintf(stderr,
                 "accord store copy: error: --from %s: no registry there (expected a "
                 "postgresql:// URI or a data directory holding accord.db)\n",
                 o.from.c_str());
    return 2;
  }
  if (o.from == o.to) {
    std::fprintf(stderr, "accord store copy: error: --from and --to are the same store\n");
    return 2;
  }
  auto from = registry::OpenStore(o.from);
  if (!from) {
    std::fprintf(stderr, "accord store copy: error: cannot open the source: %s\n",
                 from.error().message.c_str());
    return 1;
  }
  auto to = registry::OpenStore(o.to);
  if (!to) {
    std::fprintf(stderr, "accord store copy: error: cannot open the target: %s\n",
                 to.error().message.c_str());
    return 1;
  }
  auto copied = registry::CopyStore(**from, **to, [](const std::string& line) {
    std::fprintf(stderr, "accord store copy: %s\n", line.c_str());
  });
  if (!copied) {
    std::fprintf(stderr, "accord store copy: error: %s\n", copied.error().message.c_str());
    return copied.error().code == registry::ErrorCode::kOperationNotPermitted ? 2 : 1;
  }
  const registry::CopyCounts& c = *copied;
  std::printf(
      "copied and verified: %lld schemas, %lld versions of %lld subjects, %lld deprecations, "
      "%lld configs, %lld modes, %lld subject metadata, %lld services, %lld contract versions, "
      "%lld environments, %lld deployments, %lld read counts, %lld webhooks, %lld audit rows\n",
      static_cast<long long>(c.schemas), static_cast<long long>(c.versions),
      static_cast<long long>(c.subjects), static_cast<long long>(c.deprecations),
      static_cast<long long>(c.configs), static_cast<long long>(c.modes),
      static_cast<long long>(c.subject_metadata), static_cast<long long>(c.services),
      static_cast<long long>(c.service_versions), static_cast<long long>(c.environments),
      static_cast<long long>(c.deployments), static_cast<long long>(c.read_counts),
      static_cast<long long>(c.webhooks), static_cast<long long>(c.audit_rows));
  return 0;
}

}  // namespace

void RegisterStore(CLI::App& app, Commands& commands) {
  auto* store = app.add_subcommand("store", "Move a registry's data between stores");
  store->require_subcommand(1);
  auto options = std::make_shared<CopyOptions>();
  auto* copy = store->add_subcommand(
      "copy",
      "Copy a registry (SQLite data directory or PostgreSQL) into an empty store, and "
      "verify the copy");
  copy->add_option("--from", options->from, "data directory or postgresql:// URI to copy")
      ->required();
  copy->add_option("--to", options->to,
                   "empty target: data directory (created) or postgresql:// URI")
      ->required();
  copy->callback([&commands, options] { commands.run = [options] { return RunCopy(*options); }; });
}

}  // namespace accord::cli

// The migration bundle that `accord export` writes and `accord import` reads
// (docs/bundle-format.md is the format's contract; this is its one reader and
// writer), and the plumbing the two commands share: the progress line and the
// test hook that interrupts them.
//
// A bundle is a folder:
//   bundle.json             written last: {"format": "accord-bundle",
//                           "formatVersion": 2, "source": {"accord": bool},
//                           "contexts": [".", ".team-a"], "global": {"config", "mode"},
//                           "subjects": [{"subject", "file"}], "services":
//                           "services.json" (Accord only)}
//   subjects/<hex>.json     one per subject (its versions, config, mode, catalog)
//   services.json           Accord sources only: the service declarations
//   .export-state.json      only while an export is unfinished (resume)
//
// Contracts:
//  * ReadBundle refuses (a sentence naming the file and the member) a folder
//    without bundle.json, another format, a formatVersion outside
//    kBundleOldestFormatVersion .. kBundleFormatVersion, and any member of
//    the wrong type; it never trusts
//    the content (every file is size-limited by the JSON loader).
//  * Writes are atomic per file (temp file + rename): an interrupted export
//    leaves whole files only.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/json.h"
#include "registry_client.h"

namespace accord::cli {

inline constexpr std::string_view kBundleFormat = "accord-bundle";
// 2 (issue #18): "contexts" in the manifest, subjects may be qualified
// (":.team-a:orders") and a version's id is one of its subject's context.
// Version 1 bundles (no contexts: every subject in the default one) are
// read as before.
inline constexpr std::int64_t kBundleFormatVersion = 2;
inline constexpr std::int64_t kBundleOldestFormatVersion = 1;
inline constexpr std::string_view kBundleManifest = "bundle.json";
inline constexpr std::string_view kBundleServices = "services.json";
inline constexpr std::string_view kExportState = ".export-state.json";

struct BundleVersion {
  std::int32_t version = 0;
  std::int64_t id = 0;
  std::string schema_type;  // AVRO, JSON, PROTOBUF
  std::string schema;
  std::vector<SchemaReference> references;
  json::Value metadata;     // null when absent
  json::Value rule_set;     // null when absent
  bool deleted = false;     // soft-deleted in the source
  json::Value deprecation;  // Accord: {"sunset", "reason", "replacement"?}, else null
};

struct BundleSubject {
  std::string subject;
  std::vector<BundleVersion> versions;  // ascending by version
  json::Value config;                   // the subject's own config as read, or null
  std::string mode;                     // its own mode, or empty
  json::Value catalog;  // Accord: {"owner", "description", "tags", "links", "sla"}, else null
};

// A context's own config and mode (Confluent's /config/:.ctx: and
// /mode/:.ctx:; manifest member "contextSettings", keyed by context name).
struct BundleContextSettings {
  json::Value config;  // as GET /config/:.ctx: answered, or null (none)
  std::string mode;    // its own mode, or empty (none)
  friend bool operator==(const BundleContextSettings&, const BundleContextSettings&) = default;
};

struct Bundle {
  bool accord_source = false;
  std::vector<std::string> contexts;  // as GET /contexts answered (version 1: ["."])
  // Contexts with a config or mode of their own (absent: none).
  std::map<std::string, BundleContextSettings> context_settings;
  json::Value global_config;  // as GET /config answered, or null
  std::string global_mode;    // as GET /mode answered, or empty
  std::vector<BundleSubject> subjects;
  json::Array services;  // Accord: declarations without "updatedAt"
};

// The context a subject belongs to ("." or ".team-a"), as the registry reads
// qualified names (registry::SplitQualifiedSubject: ":.team-a:orders").
std::string ContextOf(std::string_view subject);

// The subject file's path inside the bundle ("subjects/<hex>.json"): the
// first 32 hex digits of the name's SHA-256, so any name (255 bytes, any
// character, case variants) gives a portable file name.
std::string SubjectFileName(std::string_view subject);

// BundleSubject <-> its file's JSON.
json::Value SubjectToJson(const BundleSubject& subject);
std::expected<BundleSubject, std::string> SubjectFromJson(const json::Value& value,
                                                          std::string_view file);

// bundle.json's content: the subjects' names (each file is
// SubjectFileName(name): a manifest naming another file is refused, so a
// bundle cannot make import read outside its folder) and whether
// services.json is part of the bundle. `file` names it in errors.
struct BundleManifest {
  bool accord_source = false;
  std::vector<std::string> contexts;
  std::map<std::string, BundleContextSettings> context_settings;
  json::Value global_config;
  std::string global_mode;
  std::vector<std::string> subjects;
  bool services = false;
};
std::expected<BundleManifest, std::string> ManifestFromJson(const json::Value& manifest,
                                                            std::string_view file);

// Reads a whole bundle (see the contracts above); the error is a sentence
// naming the file.
std::expected<Bundle, std::string> ReadBundle(const std::string& dir);

// Reads `path` as JSON; the error names the file.
std::expected<json::Value, std::string> ReadJsonFile(const std::string& path);

// Writes `value` (pretty, final newline) to `path` through a temp file and a
// rename; the error names the file.
std::expected<void, std::string> WriteJsonFile(const std::string& path, const json::Value& value);

// A progress line on stderr ("accord export: [#####-----] 12/40 subjects"),
// redrawn in place; only when stderr is a terminal, else silent.
class Progress {
 public:
  Progress(std::string_view command, std::string_view unit, std::size_t total);
  ~Progress();  // ends the line when one was drawn
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void Step(std::size_t done);

 private:
  std::string prefix_;
  std::string unit_;
  std::size_t total_;
  bool enabled_;
  bool drawn_ = false;
};

// The test hook that interrupts a run (integration tests of resume):
// $ACCORD_TEST_STOP_AFTER=N makes Done() return true once N units of work are
// done. Unset (every real run): never.
class StopHook {
 public:
  StopHook();
  // Counts one unit done; true when the run must stop now.
  bool Done();

 private:
  std::int64_t left_ = -1;
};

}  // namespace accord::cli

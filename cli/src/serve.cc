// accord serve: the registry server (Confluent-compatible REST API).
//
// Settings, highest precedence first: command-line flag, environment
// variable, config file (YAML; keys at the top level or under `registry:`),
// built-in default. Config-file sections besides the flat settings:
// `tls: {cert, key}`, `deprecation: {min_notice_days}` (= the flat
// settings), and `lint:` (compat::lint::ParseConfig: the rules of lint on
// register; a bad section is a usage error). Exit 0 after a clean shutdown
// (SIGTERM/SIGINT: requests in flight are answered, the store is closed), 1
// when the server cannot start, 2 on usage errors.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "accord/compat/lint.h"
#include "accord/compat/mode.h"
#include "accord/registry/auth.h"
#include "accord/registry/heap_trimmer.h"
#include "accord/registry/http_api.h"
#include "accord/registry/readers.h"
#include "accord/registry/server.h"
#include "accord/registry/service.h"
#include "accord/registry/store.h"
#include "accord/registry/webhooks.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "check_support.h"
#include "commands.h"

namespace accord::cli {
namespace {

struct ServeSettings {
  std::string config;
  std::string listen = "127.0.0.1:8081";
  std::string data = "./accord-data";
  std::string compatibility = "BACKWARD";
  std::string compatibility_policy = "STRICT";
  std::string dialect = "draft-07";
  std::string max_schema_bytes = "1048576";
  std::string max_body_bytes = "8388608";
  std::string threads = "32";
  std::string keep_alive_requests = "100";
  std::string io_threads = "2";
  std::string max_connections = "10000";
  std::string request_timeout_ms = "30000";
  std::string idle_timeout_ms = "60000";
  std::string tls_handshake_timeout_ms = "10000";
  std::string tls_cert;
  std::string tls_key;
  std::string min_notice_days = "30";
  std::string parsed_schema_cache = "1000";
  std::string parsed_schema_cache_mb = "512";
  std::string subject_case_variants = "refuse";
  std::string max_request_work = "50000000";
  std::string diff_cache = "256";
  std::string store;  // empty: SQLite in `data`
  std::string store_pool_size = "8";
  std::string store_statement_timeout_ms = "5000";
  std::string readers = "on";
  std::string readers_capacity = "10000";
  std::string readers_flush_ms = "10000";
  std::string webhook_queue = "1000";
  std::string webhook_attempts = "5";
  std::string webhook_retry_ms = "1000";
  std::string webhook_timeout_ms = "5000";
  std::string heap_trim_mb = "64";
  json::Value lint;  // the config file's `lint:` section (null: default rules)
};

// One setting: its config-file key, environment variable and target.
struct SettingSpec {
  const char* key;
  const char* env;
  std::string ServeSettings::*field;
  const char* help;
};

constexpr SettingSpec kSettings[] = {
    {"listen", "ACCORD_LISTEN", &ServeSettings::listen,
     "host:port to listen on (port 0: any free port)"},
    {"data", "ACCORD_DATA", &ServeSettings::data, "data directory (SQLite store)"},
    {"store", "ACCORD_STORE", &ServeSettings::store,
     "PostgreSQL store for several replicas: postgresql://USER@HOST:PORT/DB (libpq URI; "
     "password by URI, PGPASSWORD or ~/.pgpass); unset: SQLite in the data directory"},
    {"store_pool_size", "ACCORD_STORE_POOL_SIZE", &ServeSettings::store_pool_size,
     "PostgreSQL connections per replica, at most (plus one listening for changes)"},
    {"store_statement_timeout_ms", "ACCORD_STORE_STATEMENT_TIMEOUT_MS",
     &ServeSettings::store_statement_timeout_ms,
     "longest a PostgreSQL statement, or the wait for a free connection, may take"},
    {"compatibility", "ACCORD_COMPATIBILITY", &ServeSettings::compatibility,
     "default compatibility level"},
    {"compatibility_policy", "ACCORD_COMPATIBILITY_POLICY", &ServeSettings::compatibility_policy,
     "default compatibility policy (STRICT or LENIENT)"},
    {"dialect", "ACCORD_DIALECT", &ServeSettings::dialect,
     "JSON Schema dialect of a schema without $schema (draft-04, draft-06, draft-07, 2019-09, "
     "2020-12; draft-07 as Confluent): when registered and when a stored one is checked"},
    {"max_schema_bytes", "ACCORD_MAX_SCHEMA_BYTES", &ServeSettings::max_schema_bytes,
     "largest schema text accepted (42209 above)"},
    {"max_body_bytes", "ACCORD_MAX_BODY_BYTES", &ServeSettings::max_body_bytes,
     "largest request body accepted (413 above)"},
    {"threads", "ACCORD_THREADS", &ServeSettings::threads,
     "request handler threads (requests answered at once; idle and slow connections need "
     "none)"},
    {"io_threads", "ACCORD_IO_THREADS", &ServeSettings::io_threads,
     "event-loop threads accepting, reading and writing connections"},
    {"max_connections", "ACCORD_MAX_CONNECTIONS", &ServeSettings::max_connections,
     "connections open at once, idle ones included; beyond: 503 with Retry-After (HTTPS: "
     "closed)"},
    {"request_timeout_ms", "ACCORD_REQUEST_TIMEOUT_MS", &ServeSettings::request_timeout_ms,
     "deadline for receiving a whole request (head and body; not restarted per byte) and for "
     "writing its reply"},
    {"idle_timeout_ms", "ACCORD_IDLE_TIMEOUT_MS", &ServeSettings::idle_timeout_ms,
     "a keep-alive connection without a request for this long is closed"},
    {"tls_handshake_timeout_ms", "ACCORD_TLS_HANDSHAKE_TIMEOUT_MS",
     &ServeSettings::tls_handshake_timeout_ms, "deadline for a TLS handshake, from the accept"},
    {"keep_alive_requests", "ACCORD_KEEP_ALIVE_REQUESTS", &ServeSettings::keep_alive_requests,
     "requests served on one keep-alive connection before it is closed"},
    {"tls_cert", "ACCORD_TLS_CERT", &ServeSettings::tls_cert,
     "PEM certificate: serve HTTPS (with tls_key; config file: tls.cert)"},
    {"tls_key", "ACCORD_TLS_KEY", &ServeSettings::tls_key,
     "PEM private key for tls_cert (config file: tls.key)"},
    {"min_notice_days", "ACCORD_MIN_NOTICE_DAYS", &ServeSettings::min_notice_days,
     "days a new sunset date must be ahead (config file: deprecation.min_notice_days)"},
    {"parsed_schema_cache", "ACCORD_PARSED_SCHEMA_CACHE", &ServeSettings::parsed_schema_cache,
     "parsed schemas kept in memory, least recently used evicted (0: parse on every use)"},
    {"parsed_schema_cache_mb", "ACCORD_PARSED_SCHEMA_CACHE_MB",
     &ServeSettings::parsed_schema_cache_mb,
     "MiB the parsed schemas may take, estimated from their text (bounds huge schemas)"},
    {"subject_case_variants", "ACCORD_SUBJECT_CASE_VARIANTS", &ServeSettings::subject_case_variants,
     "a new subject differing from an existing one only by letter case: refuse (42208) or "
     "allow"},
    {"max_request_work", "ACCORD_MAX_REQUEST_WORK", &ServeSettings::max_request_work,
     "work units one request may spend parsing, checking and diffing schemas (42211 above; "
     "0: no limit)"},
    {"diff_cache", "ACCORD_DIFF_CACHE", &ServeSettings::diff_cache,
     "diffs of version pairs (catalog diff, changelog) kept in memory, least recently used "
     "evicted (0: diff on every request)"},
    {"readers", "ACCORD_READERS", &ServeSettings::readers,
     "count who reads which schema (principal, user agent; GET .../versions/{v}/readers): on "
     "or off"},
    {"readers_capacity", "ACCORD_READERS_CAPACITY", &ServeSettings::readers_capacity,
     "distinct (schema, principal, user agent) read counters held between flushes; past it, "
     "new user agents count as 'other'"},
    {"readers_flush_ms", "ACCORD_READERS_FLUSH_MS", &ServeSettings::readers_flush_ms,
     "how often the read counters are added to the store"},
    {"webhook_queue", "ACCORD_WEBHOOK_QUEUE", &ServeSettings::webhook_queue,
     "webhook events and deliveries waiting, at most (beyond: dropped and counted)"},
    {"webhook_attempts", "ACCORD_WEBHOOK_ATTEMPTS", &ServeSettings::webhook_attempts,
     "attempts per webhook delivery before it is given up"},
    {"webhook_retry_ms", "ACCORD_WEBHOOK_RETRY_MS", &ServeSettings::webhook_retry_ms,
     "wait before the first retry of a webhook delivery (doubled after each failure)"},
    {"webhook_timeout_ms", "ACCORD_WEBHOOK_TIMEOUT_MS", &ServeSettings::webhook_timeout_ms,
     "longest a webhook receiver may take to accept a connection, and each read or write"},
    {"heap_trim_mb", "ACCORD_HEAP_TRIM_MB", &ServeSettings::heap_trim_mb,
     "free heap (MiB) held for two seconds before it is returned to the system (0: never)"},
};

void Log(const std::string& level, const std::string& msg, const std::string& detail = {}) {
  json::Value line{json::Object{}};
  line.Add("level", level);
  line.Add("msg", msg);
  if (!detail.empty()) line.Add("detail", detail);
  registry::LogToStderr(json::ToJson(line));
}

std::string ScalarText(const json::Value& v) {
  if (v.IsString()) return v.AsString();
  if (v.IsNumber()) {
    return v.AsNumber().IsInt() ? std::to_string(v.AsNumber().AsInt()) : json::ToJson(v);
  }
  return json::ToJson(v);
}

// Fills from the config file the settings not given on the command line or
// in the environment, and `auth` from its `auth:` section (auth.h); `source`
// records "config file PATH" for each setting it fills. Returns an error
// message naming the member, or "" on success.
std::string ApplyConfigFile(ServeSettings& s, registry::AuthConfig& auth, const std::string& path,
                            const std::set<std::string>& fixed,
                            std::map<std::string, std::string>& source) {
  auto doc = LoadFile(path, Syntax::kYaml);
  if (!doc) return doc.error().ToString();
  const json::Value* root = &doc->root;
  if (const json::Value* nested = root->Find("registry"); nested != nullptr) root = nested;
  if (root->IsNull()) return "";
  if (!root->IsObject()) return path + ": expected a mapping of settings";
  for (const json::Member& m : root->AsObject()) {
    if (m.key == "auth") {
      auto parsed = registry::ParseAuthConfig(m.value);
      if (!parsed) return path + ": " + parsed.error().message;
      auth = std::move(*parsed);
      continue;
    }
    if (m.key == "tls") {
      // tls: {cert: FILE, key: FILE} is the same as tls_cert / tls_key.
      if (!m.value.IsObject()) return path + ": tls: expected a mapping with cert and key";
      for (const json::Member& t : m.value.AsObject()) {
        const std::string key = "tls_" + t.key;
        if (t.key != "cert" && t.key != "key") {
          return path + ": tls." + t.key + ": unknown setting (cert, key)";
        }
        if (!fixed.contains(key)) {
          s.*(t.key == "cert" ? &ServeSettings::tls_cert : &ServeSettings::tls_key) =
              ScalarText(t.value);
          source[key] = "config file " + path;
        }
      }
      continue;
    }
    if (m.key == "deprecation") {
      // deprecation: {min_notice_days: N} is the same as min_notice_days.
      if (!m.value.IsObject()) return path + ": deprecation: expected a mapping";
      for (const json::Member& d : m.value.AsObject()) {
        if (d.key != "min_notice_days") {
          return path + ": deprecation." + d.key + ": unknown setting (min_notice_days)";
        }
        if (!fixed.contains(d.key)) {
          s.min_notice_days = ScalarText(d.value);
          source[d.key] = "config file " + path;
        }
      }
      continue;
    }
    if (m.key == "lint") {
      s.lint = m.value;  // checked by compat::lint::ParseConfig in RunServe
      continue;
    }
    const SettingSpec* spec = nullptr;
    for (const SettingSpec& candidate : kSettings) {
      if (m.key == candidate.key) spec = &candidate;
    }
    if (spec == nullptr) return path + ": unknown setting '" + m.key + "'";
    if (!fixed.contains(spec->key)) {
      s.*(spec->field) = ScalarText(m.value);
      source[spec->key] = "config file " + path;
    }
  }
  return "";
}

// Until the `dialect` setting existed, the registry read a JSON Schema
// without $schema as 2020-12; now it reads it as `dialect` (draft-07 by
// default, as Confluent). A store holding such schemas is told so at startup
// when the setting was left at its default, so that no verdict on stored data
// changes silently (README, "Upgrading"). The scan stops at the first such
// schema and reads at most kScanLimit schemas: a replica's startup must not
// wait on a long walk through a big store.
void WarnAboutUnmarkedSchemas(registry::Store& store) {
  constexpr std::int64_t kScanLimit = 10'000;
  auto max_id = store.MaxSchemaId();
  if (!max_id) return;
  const std::int64_t last = std::min(max_id->value(), kScanLimit);
  for (std::int64_t id = 1; id <= last; ++id) {
    auto record = store.GetSchema(registry::SchemaId(id));
    if (!record || !*record || (*record)->type != SchemaType::kJson) continue;
    auto doc = ParseJson((*record)->text);
    if (!doc || !doc->root.IsObject() || doc->root.Find("$schema") != nullptr) continue;
    Log("warning",
        "stored JSON schemas without $schema are read as draft-07 (the dialect setting's "
        "default); Accord versions without the setting read them as 2020-12",
        "schema id " + std::to_string(id) +
            " is one; set dialect (--dialect, ACCORD_DIALECT or the config key) to draft-07 to "
            "keep this reading and silence this warning, or to 2020-12 to keep the earlier one");
    return;
  }
}

// A positive count: decimal digits only (std::stoull would take "-5" as a
// huge number, and leading spaces or a '+').
std::optional<std::size_t> ParseSize(const std::string& text) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v == 0) {
    return std::nullopt;
  }
  return v;
}

int RunServe(ServeSettings s, const std::set<std::string>& from_flags) {
  // Environment, then the config file, for what the flags did not set.
  // `source` says where each value came from, for the error naming it.
  std::map<std::string, std::string> source;
  for (const SettingSpec& spec : kSettings) {
    std::string flag = std::string("--") + spec.key;
    for (char& c : flag) {
      if (c == '_') c = '-';
    }
    source[spec.key] = from_flags.contains(spec.key) ? flag : "default";
  }
  std::set<std::string> fixed = from_flags;
  for (const SettingSpec& spec : kSettings) {
    if (fixed.contains(spec.key)) continue;
    if (const char* v = std::getenv(spec.env); v != nullptr && *v != '\0') {
      s.*(spec.field) = v;
      fixed.insert(spec.key);
      source[spec.key] = std::string("environment ") + spec.env;
    }
  }
  if (s.config.empty()) {
    if (const char* v = std::getenv("ACCORD_CONFIG"); v != nullptr) s.config = v;
  }
  registry::AuthConfig auth;
  if (!s.config.empty()) {
    if (std::string err = ApplyConfigFile(s, auth, s.config, fixed, source); !err.empty()) {
      std::fprintf(stderr, "accord serve: %s\n", err.c_str());
      return 2;
    }
  }

  // Each setting is checked on its own; a bad one is named with its value,
  // where the value came from and what is allowed.
  auto invalid = [&](std::string_view key, const std::string& value, const std::string& allowed) {
    const std::string from = source.contains(std::string(key)) ? source[std::string(key)] : "";
    std::fprintf(stderr, "accord serve: invalid setting %.*s '%s' (%s): %s\n",
                 static_cast<int>(key.size()), key.data(), value.c_str(),
                 from.empty() ? "default" : from.c_str(), allowed.c_str());
    return 2;
  };
  // A whole number in [min, max] (min 0 or 1), or nullopt.
  auto count = [](const std::string& text, std::size_t min,
                  std::size_t max) -> std::optional<std::size_t> {
    std::optional<std::size_t> v = text == "0" ? std::optional<std::size_t>(0) : ParseSize(text);
    if (!v || *v < min || *v > max) return std::nullopt;
    return v;
  };
  auto range = [](std::size_t min, std::size_t max) {
    return "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  };
  constexpr std::size_t kMaxCount = std::numeric_limits<std::size_t>::max();
  constexpr std::size_t kMaxTimeoutMs = 86'400'000;  // a day

  const auto colon = s.listen.rfind(':');
  std::optional<std::size_t> port;
  if (colon != std::string::npos && colon != 0) port = count(s.listen.substr(colon + 1), 0, 65535);
  if (!port) return invalid("listen", s.listen, "expected HOST:PORT with PORT from 0 to 65535");

  registry::ServiceOptions service_options;
  auto level = compat::LevelFromString(s.compatibility);
  if (!level) {
    return invalid("compatibility", s.compatibility,
                   UnknownValueMessage(s.compatibility, kLevelNames));
  }
  auto policy = compat::PolicyFromString(s.compatibility_policy);
  if (!policy) {
    return invalid("compatibility_policy", s.compatibility_policy,
                   UnknownValueMessage(s.compatibility_policy, {"STRICT", "LENIENT"}));
  }
  auto dialect = jsonschema::DialectFromString(s.dialect);
  if (!dialect)
    return invalid("dialect", s.dialect, UnknownValueMessage(s.dialect, kDialectNameList));
  struct CountSetting {
    const char* key;
    std::size_t min;
    std::size_t max;
  };
  static constexpr CountSetting kCounts[] = {
      {"max_schema_bytes", 1, kMaxCount},
      {"max_body_bytes", 1, kMaxCount},
      {"threads", 1, 4096},
      {"io_threads", 1, 256},
      {"max_connections", 1, 10'000'000},
      {"request_timeout_ms", 1, kMaxTimeoutMs},
      {"idle_timeout_ms", 1, kMaxTimeoutMs},
      {"tls_handshake_timeout_ms", 1, kMaxTimeoutMs},
      {"keep_alive_requests", 1, kMaxCount},
      {"min_notice_days", 0, 36'500},
      {"parsed_schema_cache", 0, kMaxCount},
      {"parsed_schema_cache_mb", 0, 1'000'000},
      {"max_request_work", 0, kMaxCount},
      {"diff_cache", 0, kMaxCount},
      {"store_pool_size", 1, 1000},
      {"store_statement_timeout_ms", 1, 3'600'000},
      {"readers_capacity", 1, 10'000'000},
      {"readers_flush_ms", 1, kMaxTimeoutMs},
      {"webhook_queue", 1, 1'000'000},
      {"webhook_attempts", 1, 100},
      {"webhook_retry_ms", 1, kMaxTimeoutMs},
      {"webhook_timeout_ms", 1, 600'000},
      {"heap_trim_mb", 0, 1'000'000},
  };
  std::map<std::string, std::size_t> counts;
  for (const CountSetting& c : kCounts) {
    const SettingSpec* spec = nullptr;
    for (const SettingSpec& candidate : kSettings) {
      if (std::string_view(candidate.key) == c.key) spec = &candidate;
    }
    const std::string& text = s.*(spec->field);
    auto v = count(text, c.min, c.max);
    if (!v) {
      return invalid(c.key, text,
                     c.max == kMaxCount ? (c.min == 0 ? "expected a whole number (0 or more)"
                                                      : "expected a whole number (1 or more)")
                                        : range(c.min, c.max));
    }
    counts[c.key] = *v;
  }
  auto case_variants = registry::SubjectCaseVariantsFromString(s.subject_case_variants);
  if (!case_variants) {
    return invalid("subject_case_variants", s.subject_case_variants,
                   UnknownValueMessage(s.subject_case_variants, {"refuse", "allow"}));
  }
  service_options.default_level = *level;
  service_options.default_policy = *policy;
  service_options.default_dialect = *dialect;
  service_options.max_schema_bytes = counts["max_schema_bytes"];
  service_options.min_notice_days = static_cast<int>(counts["min_notice_days"]);
  service_options.parsed_schema_cache = counts["parsed_schema_cache"];
  service_options.parsed_schema_cache_mb = counts["parsed_schema_cache_mb"];
  service_options.subject_case_variants = *case_variants;
  service_options.max_request_work = counts["max_request_work"];
  service_options.diff_cache = counts["diff_cache"];
  auto lint = compat::lint::ParseConfig(s.lint);
  if (!lint) {
    std::fprintf(stderr, "accord serve: %s: %s\n", s.config.c_str(),
                 lint.error().ToString().c_str());
    return 2;
  }
  service_options.lint = std::move(*lint);
  if (s.readers != "on" && s.readers != "off") {
    return invalid("readers", s.readers, UnknownValueMessage(s.readers, {"on", "off"}));
  }
  if (!s.store.empty() && !registry::IsPostgresUri(s.store)) {
    return invalid("store", "(not shown: it may hold a password)",
                   "expected postgresql://USER@HOST:PORT/DB (without it, SQLite in --data)");
  }

  // SIGINT/SIGTERM are handled by a watcher thread (sigwait), never in a
  // signal handler; every other thread inherits the blocked mask (blocked before the
  // store opens: the PostgreSQL store starts its listener thread).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // internal wake-up at shutdown
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  registry::PostgresOptions pg;
  pg.pool_size = static_cast<int>(counts["store_pool_size"]);
  pg.statement_timeout_ms = static_cast<int>(counts["store_statement_timeout_ms"]);
  auto store = registry::OpenStore(s.store.empty() ? s.data : s.store, pg);
  if (!store) {
    Log("error", "cannot open the store", store.error().message);
    return 1;
  }

  if (source["dialect"] == "default") WarnAboutUnmarkedSchemas(**store);

  // Read counts and webhooks (readers.h, webhooks.h) reach the store
  // directly from their own threads; both are stopped before the Service
  // (which owns the store) goes.
  registry::Store* raw_store = store->get();
  registry::ReadTracker readers(registry::ReadTrackerOptions{
      .capacity = counts["readers_capacity"],
      .flush_interval_ms = static_cast<int>(counts["readers_flush_ms"])});
  registry::WebhookOptions webhook_options;
  webhook_options.queue_capacity = counts["webhook_queue"];
  webhook_options.max_attempts = static_cast<int>(counts["webhook_attempts"]);
  webhook_options.retry_base_ms = static_cast<int>(counts["webhook_retry_ms"]);
  webhook_options.timeout_ms = static_cast<int>(counts["webhook_timeout_ms"]);
  webhook_options.connect_timeout_ms =
      static_cast<int>(std::min<std::size_t>(counts["webhook_timeout_ms"], 2000));
  std::optional<registry::RetirementWatch> retirements;
  webhook_options.periodic = [&retirements] {
    if (retirements) retirements->Check();
  };
  registry::WebhookDispatcher webhooks([raw_store] { return raw_store->ListWebhooks(); },
                                       webhook_options);
  service_options.on_event = [&webhooks](registry::WebhookEvent e, const json::Value& data) {
    webhooks.Publish(e, data);
  };
  service_options.on_webhooks_changed = [&webhooks] { webhooks.HooksChanged(); };

  registry::Service service(std::move(*store), service_options);
  retirements.emplace(service);
  const registry::Authenticator authenticator(std::move(auth));
  registry::ApiOptions api_options;
  api_options.authenticator = &authenticator;
  if (s.readers == "on") api_options.readers = &readers;
  api_options.webhooks = &webhooks;
  registry::Api api(service, api_options);
  if (authenticator.open()) {
    Log("warning",
        "no API keys configured: the registry is open (anyone who can reach it may change "
        "anything); add an auth: section with keys (accord key new)");
  }
  registry::ServerOptions server_options;
  server_options.host = s.listen.substr(0, colon);
  server_options.port = static_cast<int>(*port);
  server_options.threads = static_cast<int>(counts["threads"]);
  server_options.keep_alive_requests = counts["keep_alive_requests"];
  server_options.io_threads = static_cast<int>(counts["io_threads"]);
  server_options.max_connections = counts["max_connections"];
  server_options.request_timeout_ms = static_cast<int>(counts["request_timeout_ms"]);
  server_options.idle_timeout_ms = static_cast<int>(counts["idle_timeout_ms"]);
  server_options.tls_handshake_timeout_ms = static_cast<int>(counts["tls_handshake_timeout_ms"]);
  server_options.max_body_bytes = counts["max_body_bytes"];
  server_options.tls_cert = s.tls_cert;
  server_options.tls_key = s.tls_key;
  // Every connection is a descriptor: raise the soft limit to the hard one
  // (often 1024 -> 524288), and say so when max_connections cannot fit.
  if (rlimit nofile{}; getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    if (nofile.rlim_cur < nofile.rlim_max) {
      nofile.rlim_cur = nofile.rlim_max;
      setrlimit(RLIMIT_NOFILE, &nofile);
      getrlimit(RLIMIT_NOFILE, &nofile);
    }
    if (nofile.rlim_cur != RLIM_INFINITY && nofile.rlim_cur < counts["max_connections"] + 64) {
      Log("warning", "the open-file limit is below max_connections",
          "RLIMIT_NOFILE " + std::to_string(nofile.rlim_cur) + ", max_connections " +
              std::to_string(counts["max_connections"]) +
              ": connections beyond the limit wait in the listen queue");
    }
  }
  auto server = registry::Server::Bind(api, server_options);
  if (!server) {
    Log("error", "cannot listen", server.error().message);
    // Also in plain words, naming the setting that chooses the address.
    std::fprintf(stderr, "accord serve: error: %s; the address is the listen setting (%s)\n",
                 server.error().message.c_str(), source["listen"].c_str());
    return 1;
  }
  const std::string address = server_options.host + ":" + std::to_string((*server)->port());
  {
    json::Value line{json::Object{}};
    line.Add("level", "info");
    line.Add("msg", "listening");
    line.Add("address", address);
    // Never the URI: it may hold a password.
    if (s.store.empty()) {
      line.Add("data", s.data);
    } else {
      line.Add("store", "postgresql");
    }
    registry::LogToStderr(json::ToJson(line));
  }
  std::printf("accord serve: listening on %s://%s\n", s.tls_cert.empty() ? "http" : "https",
              address.c_str());
  std::fflush(stdout);

  if (s.readers == "on") readers.StartFlushing(*raw_store);
  webhooks.Start();
  registry::HeapTrimmer trimmer({.threshold_bytes = counts["heap_trim_mb"] << 20});
  trimmer.Start();

  std::atomic<bool> done{false};
  registry::Server* srv = server->get();
  std::thread watcher([&] {
    int sig = 0;
    while (sigwait(&signals, &sig) == 0) {
      if (done) return;
      if (sig == SIGINT || sig == SIGTERM) {
        Log("info", "shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
        // Stop is retried until Run returns: a stop issued before the
        // listener loop started would otherwise be lost.
        while (!done) {
          srv->Stop();
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return;
      }
    }
  });
  const bool ok = srv->Run();
  done = true;
  pthread_kill(watcher.native_handle(), SIGUSR1);
  watcher.join();
  server->reset();  // joins the handler threads (requests in flight were answered)
  readers.Stop();   // the last counts go to the store
  webhooks.Stop();  // events still waiting are lost (webhooks.h)
  Log("info", "stopped");
  return ok ? 0 : 1;
}

}  // namespace

void RegisterServe(CLI::App& app, Commands& commands) {
  auto* sub = app.add_subcommand(
      "serve",
      "Run the schema registry (Confluent-compatible REST API)\n"
      "Environment: ACCORD_CONFIG, ACCORD_LISTEN, ACCORD_DATA, ACCORD_COMPATIBILITY,\n"
      "ACCORD_COMPATIBILITY_POLICY, ACCORD_DIALECT, ACCORD_MAX_SCHEMA_BYTES, "
      "ACCORD_MAX_BODY_BYTES,\n"
      "ACCORD_THREADS, ACCORD_IO_THREADS, ACCORD_MAX_CONNECTIONS, ACCORD_REQUEST_TIMEOUT_MS,\n"
      "ACCORD_IDLE_TIMEOUT_MS, ACCORD_TLS_HANDSHAKE_TIMEOUT_MS, ACCORD_KEEP_ALIVE_REQUESTS,\n"
      "ACCORD_TLS_CERT, ACCORD_TLS_KEY,\n"
      "ACCORD_MIN_NOTICE_DAYS, ACCORD_PARSED_SCHEMA_CACHE, ACCORD_SUBJECT_CASE_VARIANTS,\n"
      "ACCORD_MAX_REQUEST_WORK, ACCORD_DIFF_CACHE, ACCORD_READERS, ACCORD_READERS_CAPACITY,\n"
      "ACCORD_READERS_FLUSH_MS, ACCORD_WEBHOOK_QUEUE, ACCORD_WEBHOOK_ATTEMPTS,\n"
      "ACCORD_WEBHOOK_RETRY_MS, ACCORD_WEBHOOK_TIMEOUT_MS, ACCORD_HEAP_TRIM_MB");
  sub->footer(
      "Precedence: each setting is taken from the first of: its flag, its environment "
      "variable, the config file (--config or ACCORD_CONFIG; YAML, the setting names as keys, "
      "at the top level or under registry:), its default. A bad value is refused naming the "
      "setting, where the value came from and the allowed values.");
  auto settings = std::make_shared<ServeSettings>();
  sub->add_option("--config", settings->config, "YAML config file (env ACCORD_CONFIG)");
  for (const SettingSpec& spec : kSettings) {
    std::string flag = std::string("--") + spec.key;
    for (char& c : flag) {
      if (c == '_') c = '-';
    }
    sub->add_option(flag, (*settings).*(spec.field),
                    std::string(spec.help) + " (env " + spec.env + ", default " +
                        (ServeSettings{}.*(spec.field)) + ")");
  }
  sub->callback([&commands, settings, sub]() {
    std::set<std::string> from_flags;
    for (const SettingSpec& spec : kSettings) {
      std::string flag = std::string("--") + spec.key;
      for (char& c : flag) {
        if (c == '_') c = '-';
      }
      if (sub->count(flag) > 0) from_flags.insert(spec.key);
    }
    commands.run = [settings, from_flags]() { return RunServe(*settings, from_flags); };
  });
}

}  // namespace accord::cli

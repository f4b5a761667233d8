// Copying a whole registry from one Store to another (accord store copy):
// SQLite to PostgreSQL when a team outgrows one node, or back.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "accord/registry/error.h"
#include "accord/registry/store.h"

namespace accord::registry {

struct CopyCounts {
  std::int64_t contexts = 0;  // named contexts (issue #18), with their numbers
  std::int64_t schemas = 0;
  std::int64_t versions = 0;  // soft-deleted ones included
  std::int64_t subjects = 0;
  std::int64_t configs = 0;  // config and mode scopes that are set
  std::int64_t modes = 0;
  std::int64_t subject_metadata = 0;
  std::int64_t deprecations = 0;
  std::int64_t services = 0;
  std::int64_t service_versions = 0;  // contract versions
  std::int64_t environments = 0;
  std::int64_t deployments = 0;
  std::int64_t read_counts = 0;  // (schema, principal, user agent) rows
  std::int64_t webhooks = 0;
  std::int64_t audit_rows = 0;
};

// Copies everything `from` holds into `to`, which must be empty (no context,
// schema, version, config, mode, catalog entry or service; 42205 otherwise):
// contexts with their numbers; schemas with their ids, type, text, canonical form, fingerprint and
// references (also schemas no version uses any more); every version with its
// number, schema id, soft deletion, registration time, Confluent metadata and
// rule set; deprecations; configs and modes (global and per subject); subject
// metadata; service declarations; contract versions, environments and
// deployments (their times kept); read counts (usage.h) and webhooks; and
// the audit log (seq and times kept). Then reads both stores again and
// compares them record by record: any difference is a kStoreError naming
// the first one. `progress` (may be null) is called with a short line per
// stage.
// Errors: the first store error (the target may then hold part of the copy:
// empty it and run again); 42205 when the target is not empty.
RegistryResult<CopyCounts> CopyStore(Store& from, Store& to,
                                     const std::function<void(const std::string&)>& progress);

// Compares two stores' content as CopyStore does; "" when equal, else the
// first difference ("version orders-value 3: schema id 7 vs 9").
RegistryResult<std::string> DiffStores(Store& a, Store& b);

}  // namespace accord::registry

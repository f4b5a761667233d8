// OpenStore: a store by location (a PostgreSQL URI or an SQLite data folder).
#include <filesystem>
#include <system_error>

#include "accord/registry/store.h"

namespace accord::registry {

bool IsPostgresUri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

RegistryResult<std::unique_ptr<Store>> OpenStore(const std::string& location, PostgresOptions pg) {
  if (IsPostgresUri(location)) {
    pg.uri = location;
    return OpenPostgresStore(pg);
  }
  std::error_code ec;
  std::filesystem::create_directories(location, ec);
  if (ec) {
    return Fail(ErrorCode::kStoreError,
                "cannot create the data directory " + location + ": " + ec.message());
  }
  SqliteOptions options;
  options.path = (std::filesystem::path(location) / "accord.db").string();
  return OpenSqliteStore(options);
}

}  // namespace accord::registry

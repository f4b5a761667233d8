// A real PostgreSQL server for the registry unit tests (never a mock).
//
// Under ctest, the fixture tests pg_test_server_start / _stop
// (tests/CMakeLists.txt) run scripts/pg-server once for the whole run and
// pass its folder in ACCORD_TEST_PG_DIR. A test binary run by hand without
// it starts its own server (scripts/pg-server in a temporary folder) on
// first use and stops it at exit. Each FreshDatabase() is a new, empty
// schema (namespace) on that server, made the search_path of every
// connection through the URI it returns, so tests never see each other's
// tables. (A schema takes milliseconds; CREATE DATABASE takes 0.2-3 s when
// tests run in parallel.)
#pragma once

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace accord::registry::testing {

class PgTestServer {
 public:
  static PgTestServer& Get() {
    static PgTestServer server;
    return server;
  }
  // postgresql://accord@127.0.0.1:PORT/accord, or "" when no server could
  // be started (the message says why).
  const std::string& admin_uri() const { return uri_; }
  const std::string& error() const { return error_; }

  // A URI whose connections see only a new empty schema; "" on failure.
  std::string FreshDatabase() {
    if (uri_.empty()) return "";
    static std::atomic<int> counter{0};
    const std::string name =
        "t_" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1));
    PGconn* c = PQconnectdb(uri_.c_str());
    bool ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
      // The server outlives test runs (the ctest fixture's folder is kept):
      // a schema of an earlier process with the same pid is replaced.
      PGresult* r =
          PQexec(c, ("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name).c_str());
      ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      if (!ok) error_ = PQresultErrorMessage(r);
      PQclear(r);
    } else {
      error_ = PQerrorMessage(c);
    }
    PQfinish(c);
    if (!ok) return "";
    return uri_ + "?options=-csearch_path%3D" + name;
  }

 private:
  PgTestServer() {
    std::string dir;
    if (const char* d = std::getenv("ACCORD_TEST_PG_DIR"); d != nullptr && *d != '\0') {
      dir = d;
    } else {
      std::string tmpl =
          (std::filesystem::temp_directory_path() / "accord-pg-test-XXXXXX").string();
      if (mkdtemp(tmpl.data()) == nullptr) {
        error_ = "cannot make a temporary folder";
        return;
      }
      own_dir_ = tmpl;
      const std::string cmd =
          std::string(ACCORD_SOURCE_DIR) + "/scripts/pg-server start " + own_dir_ + " >/dev/null";
      if (std::system(cmd.c_str()) != 0) {
        error_ = "scripts/pg-server start failed (is PostgreSQL installed? scripts/install-deps)";
        return;
      }
      dir = own_dir_;
    }
    std::ifstream in(dir + "/uri");
    std::getline(in, uri_);
    if (uri_.empty()) error_ = "no PostgreSQL URI in " + dir + "/uri";
  }
  ~PgTestServer() {
    if (own_dir_.empty()) return;
    // destroy: the server's files may live outside own_dir_ (pg-server).
    const std::string cmd =
        std::string(ACCORD_SOURCE_DIR) + "/scripts/pg-server destroy " + own_dir_ + " >/dev/null";
    (void)std::system(cmd.c_str());
  }

  std::string uri_;
  std::string error_;
  std::string own_dir_;  // a server this process started (stopped at exit)
};

}  // namespace accord::registry::testing

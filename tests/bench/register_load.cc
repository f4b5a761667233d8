// register_load: the compiled clients of registry-bench part (b), so that the
// load generator does not compete with the server for the same two cores as
// much as Python's threads did. Both sides of that comparison use it;
// replicas-bench part (a) uses its http mode against several replicas:
//
//   register_load sqlite DB_PATH SECONDS BYTES
//     Durable SQLite commits, one BYTES-byte insert per transaction
//     (journal_mode=WAL, synchronous=FULL: what the registry's store uses),
//     for SECONDS. Prints {"commits": N, "seconds": S}.
//
//   register_load http PORT[,PORT...] FILE...
//     One thread and one keep-alive connection per FILE; each FILE holds one
//     request per line, "PATH<TAB>BODY", POSTed in order (a subject's
//     versions must go in order, so a subject's lines belong to one file).
//     With several ports (replicas of one registry), FILE i goes to the
//     (i mod #ports)-th port. Prints {"requests": N, "seconds": S,
//     "failed": F, "first_failure": ...}; exit status 1 when a request failed.
//
//   register_load mixed PORT SECONDS IDS SUBJECTS FILE...
//     The 500-client load test (tests/bench/load-bench): one thread and one
//     keep-alive connection per FILE, for SECONDS, each request drawn at
//     random: 10% the next registration of the client's FILE (PATH<TAB>BODY
//     lines, one subject per file; a read once the file is used up), 45%
//     GET /schemas/ids/{1..IDS}, 45% GET /subjects/bench-{0..SUBJECTS-1}-
//     value/versions/latest. Every reply must be a 200; no retries. Prints
//     {"requests", "seconds", "errors", "first_failure", and per kind
//     ("all", "id", "latest", "register") {"n", "p50_ms", "p99_ms",
//     "max_ms"}}; exit status 1 when a request failed.
//
// Loopback only: the host is 127.0.0.1.
#include <httplib.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int Sqlite(const char* path, double seconds, std::size_t bytes) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    std::fprintf(stderr, "register_load: cannot open %s\n", path);
    return 2;
  }
  auto exec = [&](const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "register_load: %s: %s\n", sql, sqlite3_errmsg(db));
      std::exit(2);
    }
  };
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (body) VALUES (?)", -1, &insert, nullptr);
  const std::string payload(bytes, 'x');
  std::size_t commits = 0;
  const auto t0 = Clock::now();
  while (SecondsSince(t0) < seconds) {
    exec("BEGIN");
    sqlite3_bind_blob(insert, 1, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      std::fprintf(stderr, "register_load: insert: %s\n", sqlite3_errmsg(db));
      return 2;
    }
    sqlite3_reset(insert);
    exec("COMMIT");
    ++commits;
  }
  const double elapsed = SecondsSince(t0);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  std::printf("{\"commits\": %zu, \"seconds\": %.6f}\n", commits, elapsed);
  return 0;
}

struct Request {
  std::string path;
  std::string body;
};

bool ReadRequests(const char* file, std::vector<Request>& out) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) return false;
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return true;
}

// JSON string contents for the failure report (quotes and control characters).
std::string Escaped(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 300)) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    out += c;
  }
  return out;
}

// "8081,8082,8083" -> {8081, 8082, 8083}; empty when any part is not a port.
std::vector<int> ParsePorts(const std::string& list) {
  std::vector<int> ports;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    const int port = std::atoi(list.substr(start, comma - start).c_str());
    if (port <= 0 || port > 65535) return {};
    ports.push_back(port);
    start = comma + 1;
  }
  return ports;
}

int Http(const std::vector<int>& ports, const std::vector<const char*>& files) {
  std::vector<std::vector<Request>> work(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!ReadRequests(files[i], work[i])) {
      std::fprintf(stderr, "register_load: cannot read %s (PATH<TAB>BODY lines)\n", files[i]);
      return 2;
    }
  }
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> failed{0};
  std::mutex mu;
  std::string first_failure;
  const auto t0 = Clock::now();
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < work.size(); ++i) {
      threads.emplace_back([&, port = ports[i % ports.size()], &requests = work[i]] {
        httplib::Client client("127.0.0.1", port);
        client.set_keep_alive(true);
        client.set_tcp_nodelay(true);
        for (const Request& r : requests) {
          auto res = client.Post(r.path, r.body, "application/vnd.schemaregistry.v1+json");
          if (res && res->status == 200) {
            ++done;
            continue;
          }
          ++failed;
          std::lock_guard lock(mu);
          if (first_failure.empty()) {
            first_failure = r.path + ": " +
                            (res ? std::to_string(res->status) + " " + res->body
                                 : httplib::to_string(res.error()));
          }
          return;  // later versions of the subject would fail too
        }
      });
    }
  }
  const double elapsed = SecondsSince(t0);
  std::printf(
      "{\"requests\": %zu, \"seconds\": %.6f, \"failed\": %zu, \"first_failure\": \"%s\"}\n",
      done.load(), elapsed, failed.load(), Escaped(first_failure).c_str());
  return failed.load() == 0 ? 0 : 1;
}

// Latencies in microseconds, one vector per kind.
struct Samples {
  std::vector<float> id, latest, reg;
};

std::string Percentiles(std::vector<float> v) {
  if (v.empty()) return "{\"n\": 0}";
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))] /
           1000.0;
  };
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "{\"n\": %zu, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}", v.size(),
                at(0.50), at(0.99), v.back() / 1000.0);
  return buf;
}

int Mixed(int port, double seconds, int ids, int subjects, const std::vector<const char*>& files) {
  std::vector<std::vector<Request>> work(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!ReadRequests(files[i], work[i])) {
      std::fprintf(stderr, "register_load: cannot read %s (PATH<TAB>BODY lines)\n", files[i]);
      return 2;
    }
  }
  std::vector<Samples> samples(files.size());
  std::atomic<std::size_t> errors{0};
  std::mutex mu;
  std::string first_failure;
  const auto t0 = Clock::now();
  const auto until =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < work.size(); ++i) {
      threads.emplace_back([&, i] {
        httplib::Client client("127.0.0.1", port);
        client.set_keep_alive(true);
        client.set_tcp_nodelay(true);
        client.set_connection_timeout(60, 0);
        client.set_read_timeout(60, 0);
        std::mt19937 rng(static_cast<std::uint32_t>(i) * 7919u + 1u);
        std::uniform_int_distribution<int> pick(0, 99);
        std::uniform_int_distribution<int> id(1, ids);
        std::uniform_int_distribution<int> subject(0, subjects - 1);
        std::size_t next = 0;
        Samples& mine = samples[i];
        while (Clock::now() < until) {
          const int p = pick(rng);
          std::string what;
          std::vector<float>* into = nullptr;
          const auto start = Clock::now();
          httplib::Result res = [&] {
            if (p < 10 && next < work[i].size()) {
              const Request& r = work[i][next++];
              what = "POST " + r.path;
              into = &mine.reg;
              return client.Post(r.path, r.body, "application/vnd.schemaregistry.v1+json");
            }
            if (p % 2 == 0) {
              what = "GET /schemas/ids/" + std::to_string(id(rng));
              into = &mine.id;
            } else {
              what =
                  "GET /subjects/bench-" + std::to_string(subject(rng)) + "-value/versions/latest";
              into = &mine.latest;
            }
            return client.Get(what.substr(4));
          }();
          const float us = static_cast<float>(
              std::chrono::duration<double, std::micro>(Clock::now() - start).count());
          if (res && res->status == 200) {
            into->push_back(us);
            continue;
          }
          ++errors;
          std::lock_guard lock(mu);
          if (first_failure.empty()) {
            first_failure = what + ": " +
                            (res ? std::to_string(res->status) + " " + res->body
                                 : httplib::to_string(res.error()));
          }
        }
      });
    }
  }
  const double elapsed = SecondsSince(t0);
  Samples all;
  std::vector<float> every;
  for (Samples& s : samples) {
    all.id.insert(all.id.end(), s.id.begin(), s.id.end());
    all.latest.insert(all.latest.end(), s.latest.begin(), s.latest.end());
    all.reg.insert(all.reg.end(), s.reg.begin(), s.reg.end());
  }
  every.insert(every.end(), all.id.begin(), all.id.end());
  every.insert(every.end(), all.latest.begin(), all.latest.end());
  every.insert(every.end(), all.reg.begin(), all.reg.end());
  std::printf(
      "{\"requests\": %zu, \"seconds\": %.6f, \"errors\": %zu, \"first_failure\": \"%s\", "
      "\"all\": %s, \"id\": %s, \"latest\": %s, \"register\": %s}\n",
      every.size(), elapsed, errors.load(), Escaped(first_failure).c_str(),
      Percentiles(every).c_str(), Percentiles(all.id).c_str(), Percentiles(all.latest).c_str(),
      Percentiles(all.reg).c_str());
  return errors.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "sqlite" && argc == 5) {
    return Sqlite(argv[2], std::atof(argv[3]), static_cast<std::size_t>(std::atol(argv[4])));
  }
  if (mode == "http" && argc >= 4) {
    const std::vector<int> ports = ParsePorts(argv[2]);
    if (!ports.empty()) return Http(ports, std::vector<const char*>(argv + 3, argv + argc));
  }
  if (mode == "mixed" && argc >= 7) {
    const int port = std::atoi(argv[2]);
    const int ids = std::atoi(argv[4]);
    const int subjects = std::atoi(argv[5]);
    if (port > 0 && port <= 65535 && ids > 0 && subjects > 0) {
      return Mixed(port, std::atof(argv[3]), ids, subjects,
                   std::vector<const char*>(argv + 6, argv + argc));
    }
  }
  std::fprintf(stderr,
               "usage: register_load sqlite DB_PATH SECONDS BYTES\n"
               "       register_load http PORT[,PORT...] FILE...\n"
               "       register_load mixed PORT SECONDS IDS SUBJECTS FILE...\n");
  return 2;
}

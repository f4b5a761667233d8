// What the subject-name rules cost a registration that creates a subject
// (issue #15, item 4; docs/benchmarks.md, "Subject names"). For a registry
// already holding N subjects (SQLite in memory, so the store's fsync does not
// hide the rules' cost), it measures the process CPU time of M registrations
// of new subjects with subject_case_variants=refuse (look-alike rules + the
// folded-name index: the claim, the lookup, the reloads; the first load is
// made before the clock starts) against the same with allow (look-alike
// rules only), in the same run, and prints the ratio. The index is a hash
// lookup, so the ratio should stay flat as N grows; a scan of every subject
// per registration would grow with N. CPU time, not wall time: the machine
// is shared, and other processes' load must not count.
//
// Usage: subject_names_bench [M] [rounds]   (defaults 2000, 5; rounds
// alternate the rules and the fastest round of each is printed)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>

#include "accord/registry/service.h"
#include "accord/registry/store.h"

namespace accord::registry {
namespace {

std::unique_ptr<Service> Fresh(SubjectCaseVariants rule, int existing) {
  SqliteOptions options;
  options.path = ":memory:";
  auto store = OpenSqliteStore(options);
  if (!store) {
    std::fprintf(stderr, "cannot open the store: %s\n", store.error().message.c_str());
    std::exit(1);
  }
  ServiceOptions so;
  so.subject_case_variants = rule;
  auto service = std::make_unique<Service>(std::move(*store), so);
  SchemaInput in;
  in.type = SchemaType::kJson;
  in.schema = R"({"type":"object"})";
  for (int i = 0; i < existing; ++i) {
    if (!service->Register("team" + std::to_string(i % 50) + ".Event-" + std::to_string(i), in)) {
      std::fprintf(stderr, "setup registration failed\n");
      std::exit(1);
    }
  }
  return service;
}

// CPU time of this process (every thread: the store's committer too), in
// microseconds: what other processes on a loaded machine take does not count.
double CpuMicros() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// CPU microseconds per registration of a new subject: one round of `m`.
double OneRound(SubjectCaseVariants rule, int existing, int m) {
  SchemaInput in;
  in.type = SchemaType::kJson;
  in.schema = R"({"type":"object"})";
  auto service = Fresh(rule, existing);
  // One creation before the clock starts: the index's first load (once per
  // process) is not what is measured; its reloads (once a second) are.
  if (!service->Register("warm.up", in)) std::exit(1);
  const double start = CpuMicros();
  for (int i = 0; i < m; ++i) {
    if (!service->Register("new.subject-" + std::to_string(i), in)) {
      std::fprintf(stderr, "registration failed\n");
      std::exit(1);
    }
  }
  return (CpuMicros() - start) / m;
}

}  // namespace
}  // namespace accord::registry

int main(int argc, char** argv) {
  using accord::registry::SubjectCaseVariants;
  const int m = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  std::printf("%-18s %14s %14s %8s\n", "existing subjects", "refuse CPU us", "allow CPU us",
              "ratio");
  for (int existing : {100, 5000, 20000}) {
    // Rounds alternate the two rules, so load on the machine falls on both;
    // the fastest round of each is the least disturbed one.
    double refuse = 1e300;
    double allow = 1e300;
    for (int r = 0; r < rounds; ++r) {
      refuse =
          std::min(refuse, accord::registry::OneRound(SubjectCaseVariants::kRefuse, existing, m));
      allow = std::min(allow, accord::registry::OneRound(SubjectCaseVariants::kAllow, existing, m));
    }
    std::printf("%-18d %14.1f %14.1f %7.2fx\n", existing, refuse, allow, refuse / allow);
  }
  return 0;
}

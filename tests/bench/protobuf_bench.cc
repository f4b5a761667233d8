// Protobuf compatibility throughput (issue 17, "Speed"): parse both schemas
// of a pair and check both directions, for realistic 30-60-field message
// pairs (nested messages, enums, repeated, maps, oneofs, a well-known type),
// against a baseline in the same run: the same pairs' shape through the Avro
// path (avro::ParseText both + CheckAvroSchemas both directions). Prints
// pairs per second for each and the ratio. Goal: >= 10,000 Protobuf pairs/s.
//
//   protobuf_bench [--rounds N] [--pairs N] [--parse-only | --protobuf-only] [--import-meta]
//
// --parse-only parses the Protobuf pairs only (no check, no baseline);
// --protobuf-only parses and checks them (no baseline): the runs to profile
// with callgrind or `perf record` (docs/benchmarks.md, "Protobuf").
// --import-meta adds `import "confluent/meta.proto";` to every Protobuf text
// (a built-in file: what it costs a schema to import one).
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "accord/compat/avro_compat.h"
#include "accord/compat/protobuf_compat.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/protobuf.h"

namespace {

struct Pair {
  std::string old_text, new_text;
};

// A message of `fields` fields (30..60) whose kinds cycle through the common
// ones; `evolve` adds two fields, renames one and widens one int32 to int64
// (all allowed by Confluent's rules) and retypes one (a break, so findings and
// witnesses exist).
std::string ProtoMessage(int seed, int fields, bool evolve, bool import_meta) {
  std::string s = "syntax = \"proto3\";\npackage acme.events.v" + std::to_string(seed % 7) +
                  ";\n\nimport \"google/protobuf/timestamp.proto\";\n" +
                  (import_meta ? "import \"confluent/meta.proto\";\n" : "") +
                  "\n"
                  "// An order event, as teams write them.\nmessage OrderEvent" +
                  std::to_string(seed) + " {\n";
  s += "  message Line {\n    string sku = 1;\n    int32 quantity = 2;\n    int64 price_micros = "
       "3;\n    string currency = 4;\n  }\n";
  s += "  message Address {\n    string street = 1;\n    string city = 2;\n    string postcode = "
       "3;\n    string country = 4;\n  }\n";
  s += "  enum Status {\n    STATUS_UNSPECIFIED = 0;\n    STATUS_PLACED = 1;\n    "
       "STATUS_PAID = 2;\n    STATUS_SHIPPED = 3;\n  }\n";
  int n = 1;
  for (int i = 0; i < fields; ++i, ++n) {
    const std::string name = "f" + std::to_string(i);
    switch (i % 10) {
      case 0:
        s += "  string " + (evolve && i == 10 ? std::string("renamed") : name) + " = " +
             std::to_string(n) + ";\n";
        break;
      case 1:
        s += std::string("  ") + (evolve && i == 11 ? "int64 " : "int32 ") + name + " = " +
             std::to_string(n) + ";\n";
        break;
      case 2:
        s += "  repeated Line " + name + " = " + std::to_string(n) + ";\n";
        break;
      case 3:
        s += "  Address " + name + " = " + std::to_string(n) + ";\n";
        break;
      case 4:
        s += "  Status " + name + " = " + std::to_string(n) + ";\n";
        break;
      case 5:
        s += "  map<string, string> " + name + " = " + std::to_string(n) + ";\n";
        break;
      case 6:
        s += "  google.protobuf.Timestamp " + name + " = " + std::to_string(n) + ";\n";
        break;
      case 7:
        s += std::string("  ") + (evolve && i == 17 ? "sint64 " : "int64 ") + name + " = " +
             std::to_string(n) + ";\n";
        break;
      case 8:
        s += "  double " + name + " = " + std::to_string(n) + " [deprecated = true];\n";
        break;
      case 9:
        s += "  oneof choice" + std::to_string(i) + " {\n    string " + name +
             "_a = " + std::to_string(n) + ";\n    bytes " + name +
             "_b = " + std::to_string(n + 1) + ";\n  }\n";
        ++n;
        break;
    }
  }
  if (evolve) {
    s += "  optional string added_note = " + std::to_string(n++) + ";\n";
    s += "  repeated string added_tags = " + std::to_string(n++) + ";\n";
  }
  return s + "}\n";
}

// The same shape in Avro: a record of the same fields (nested records, an
// enum, arrays, maps, a union for the oneof), the same kinds of change.
std::string AvroRecord(int seed, int fields, bool evolve) {
  std::string s = "{\"type\":\"record\",\"name\":\"OrderEvent" + std::to_string(seed) +
                  "\",\"namespace\":\"acme.events.v" + std::to_string(seed % 7) +
                  "\",\"doc\":\"An order event, as teams write them.\",\"fields\":[";
  const std::string line =
      "{\"type\":\"record\",\"name\":\"Line\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},"
      "{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"price_micros\",\"type\":\"long\"},{"
      "\"name\":\"currency\",\"type\":\"string\"}]}";
  const std::string address =
      "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":"
      "\"string\"},{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"postcode\",\"type\":"
      "\"string\"},{\"name\":\"country\",\"type\":\"string\"}]}";
  const std::string status =
      "{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"STATUS_UNSPECIFIED\",\"STATUS_"
      "PLACED\","
      "\"STATUS_PAID\",\"STATUS_SHIPPED\"]}";
  bool line_done = false, address_done = false, status_done = false;
  for (int i = 0; i < fields; ++i) {
    const std::string name = "f" + std::to_string(i);
    if (i) s += ",";
    std::string type;
    switch (i % 10) {
      case 0:
        s += "{\"name\":\"" + (evolve && i == 10 ? std::string("renamed") : name) +
             "\",\"type\":\"string\",\"default\":\"\"}";
        continue;
      case 1:
        type = evolve && i == 11 ? "\"long\"" : "\"int\"";
        break;
      case 2:
        type =
            "{\"type\":\"array\",\"items\":" + (line_done ? std::string("\"Line\"") : line) + "}";
        line_done = true;
        break;
      case 3:
        type = address_done ? "\"Address\"" : address;
        address_done = true;
        break;
      case 4:
        type = status_done ? "\"Status\"" : status;
        status_done = true;
        break;
      case 5:
        type = "{\"type\":\"map\",\"values\":\"string\"}";
        break;
      case 6:
        type = "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}";
        break;
      case 7:
        type = evolve && i == 17 ? "\"string\"" : "\"long\"";
        break;
      case 8:
        type = "\"double\"";
        break;
      case 9:
        type = "[\"null\",\"string\",\"bytes\"]";
        break;
    }
    s += "{\"name\":\"" + name + "\",\"type\":" + type + "}";
  }
  if (evolve) {
    s += ",{\"name\":\"added_note\",\"type\":[\"null\",\"string\"],\"default\":null}";
    s += ",{\"name\":\"added_tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"},"
         "\"default\":[]}";
  }
  return s + "]}";
}

// CPU time of this thread: the machine the figures come from is shared, so
// wall time measures the neighbours; both paths are measured the same way.
double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Parses both texts of every pair, `rounds` times over, and adds up what
// `then` returns for each pair; 0 as soon as a text does not parse. Inlined
// into the timed loops below (a call, or a tail call, would take the work out
// of the function callgrind collects).
template <typename Then>
[[gnu::always_inline]] inline std::size_t ForEachParsedPair(const std::vector<Pair>& pairs,
                                                            int rounds, Then then) {
  std::size_t total = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const Pair& p : pairs) {
      auto a = accord::protobuf::ParseText(p.old_text);
      auto b = accord::protobuf::ParseText(p.new_text);
      if (!a || !b) return 0;
      total += then(*a, *b);
    }
  }
  return total;
}

// The timed loops, kept out of line so that a profiler can collect exactly
// them: `valgrind --tool=callgrind --toggle-collect='*ProtobufParseRounds*'`
// (docs/benchmarks.md, "Protobuf"). Each returns what it counted, which the
// caller checks, so that nothing is optimised away.
//
// ProtobufParseRounds: texts parsed.
[[gnu::noinline]] std::size_t ProtobufParseRounds(const std::vector<Pair>& pairs, int rounds) {
  return ForEachParsedPair(
      pairs, rounds,
      [](const accord::protobuf::Schema&, const accord::protobuf::Schema&) { return 2; });
}

// ProtobufRounds: findings of both directions.
[[gnu::noinline]] std::size_t ProtobufRounds(const std::vector<Pair>& pairs, int rounds) {
  return ForEachParsedPair(
      pairs, rounds, [](const accord::protobuf::Schema& a, const accord::protobuf::Schema& b) {
        const accord::compat::Report back = accord::compat::CheckProtobufSchemas(a, b);
        const accord::compat::Report fwd = accord::compat::CheckProtobufSchemas(b, a);
        return back.findings.size() + fwd.findings.size();
      });
}

}  // namespace

int main(int argc, char** argv) {
  using namespace accord;
  int rounds = 20, count = 100;
  bool parse_only = false, protobuf_only = false, import_meta = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--pairs") == 0 && i + 1 < argc) count = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--parse-only") == 0) parse_only = true;
    if (std::strcmp(argv[i], "--protobuf-only") == 0) protobuf_only = true;
    if (std::strcmp(argv[i], "--import-meta") == 0) import_meta = true;
  }
  std::vector<Pair> proto, avro_pairs;
  std::size_t total_fields = 0;
  for (int i = 0; i < count; ++i) {
    const int fields = 30 + (i * 7) % 31;  // 30..60
    total_fields += static_cast<std::size_t>(fields);
    proto.push_back(
        {ProtoMessage(i, fields, false, import_meta), ProtoMessage(i, fields, true, import_meta)});
    avro_pairs.push_back({AvroRecord(i, fields, false), AvroRecord(i, fields, true)});
  }
  // Sanity: every pair parses and its check finds the planted break.
  std::size_t findings = 0;
  for (const Pair& p : proto) {
    auto r = compat::CheckProtobuf(p.old_text, p.new_text);
    if (!r) {
      std::fprintf(stderr, "protobuf pair does not parse: %s\n", r.error().ToString().c_str());
      return 1;
    }
    findings += r->findings.size();
  }
  std::printf("%d pairs, %.1f fields per message on average, %zu findings per round (backward)\n",
              count, static_cast<double>(total_fields) / count, findings);

  if (parse_only) {
    const double t0 = CpuNow();
    if (ProtobufParseRounds(proto, rounds) != 2 * proto.size() * static_cast<std::size_t>(rounds)) {
      return 1;
    }
    const double s = CpuNow() - t0;
    std::printf("protobuf parse only: %.0f pairs per CPU second (%.1f us per pair)\n",
                rounds * count / s, s / (rounds * count) * 1e6);
    return 0;
  }

  const double t0 = CpuNow();
  if (ProtobufRounds(proto, rounds) == 0) {
    std::fprintf(stderr, "a protobuf pair does not parse\n");
    return 1;
  }
  const double proto_s = CpuNow() - t0;
  if (protobuf_only) {
    std::printf(
        "protobuf: %.0f pairs per CPU second (%.1f us per pair: parse both + check both "
        "directions)\n",
        rounds * count / proto_s, proto_s / (rounds * count) * 1e6);
    return 0;
  }

  volatile std::size_t sink = 0;

  const double t1 = CpuNow();
  for (int r = 0; r < rounds; ++r) {
    for (const Pair& p : avro_pairs) {
      auto a = avro::ParseText(p.old_text);
      auto b = avro::ParseText(p.new_text);
      if (!a || !b) {
        std::fprintf(stderr, "avro pair does not parse: %s\n",
                     (!a ? a.error() : b.error()).ToString().c_str());
        return 1;
      }
      compat::Report back = compat::CheckAvroSchemas(*a, *b);
      compat::Report fwd = compat::CheckAvroSchemas(*b, *a);
      sink = sink + back.findings.size() + fwd.findings.size();
    }
  }
  const double avro_s = CpuNow() - t1;
  const double proto_rate = rounds * count / proto_s;
  const double avro_rate = rounds * count / avro_s;
  std::printf(
      "protobuf: %.0f pairs per CPU second (%.1f us per pair: parse both + check both "
      "directions)\n",
      proto_rate, 1e6 / proto_rate);
  std::printf("avro baseline: %.0f pairs per CPU second (%.1f us per pair)\n", avro_rate,
              1e6 / avro_rate);
  std::printf("ratio protobuf/avro: %.2f; goal >= 10000 protobuf pairs/s: %s\n",
              proto_rate / avro_rate, proto_rate >= 10000 ? "met" : "NOT met");
  return 0;
}

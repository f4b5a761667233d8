// accord_avro_oracle: Accord's Avro compatibility verdicts for the
// differential test and the benchmark (tests/conformance/avro/README.md).
//
// Input (stdin): one JSON object per line, {"id": any, "a": schema, "b": schema}.
// Default mode, output (stdout): one line per input line,
//   {"id": ..., "ab": V, "ba": V}
// where "ab" judges compatible(writer=a -> reader=b), "ba" the reverse, and V
// is {"compatible": bool, "kinds": [sorted distinct kinds]} or {"error": msg}.
//
// --bench ROUNDS: reads every pair, keeps each schema as JSON text (the
// line's "a_text" and "b_text" when given, else "a" and "b" serialised), then
// times ROUNDS passes of: parse a, parse b (from text), check a->b and b->a;
// then ROUNDS passes of the two checks alone on schemas parsed beforehand,
// then ROUNDS passes of parsing both schemas alone (where the time goes).
//
// --full: like the default mode, but V is the whole report (every finding's
// kind, paths, message and witness) and each line also carries both schemas'
// canonical forms, fingerprints and warnings: a golden of everything the
// engine produces, for checking that a change to the parser or the checker
// changes no output (diff two runs).
// Prints one JSON object with CPU seconds (std::clock: the machine may be
// shared, and CPU time is what both sides of the comparison are measured
// in), wall seconds and pairs per CPU second for both measurements.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "accord/compat/avro_compat.h"
#include "accord/schemas/avro.h"
#include "accord/schemas/load.h"

namespace {

using accord::json::Value;

Value FullVerdict(const accord::Result<accord::compat::Report>& r) {
  Value out(accord::json::Object{});
  if (!r) {
    out.Add("error", Value(r.error().ToString()));
    return out;
  }
  accord::json::Array arr;
  for (const auto& f : r->findings) {
    Value fo(accord::json::Object{});
    fo.Add("kind", Value(f.kind));
    fo.Add("writer_path", Value(f.writer_path));
    fo.Add("reader_path", Value(f.reader_path));
    fo.Add("message", Value(f.message));
    fo.Add("witness", f.witness ? *f.witness : Value("(none)"));
    arr.push_back(std::move(fo));
  }
  out.Add("compatible", Value(r->compatible()));
  out.Add("findings", Value(std::move(arr)));
  return out;
}

Value SchemaFacts(const Value& schema) {
  Value out(accord::json::Object{});
  auto s = accord::avro::ParseText(accord::json::ToJson(schema));
  if (!s) {
    out.Add("error", Value(s.error().ToString()));
    out.Add("pointer", Value(s.error().pointer));
    return out;
  }
  out.Add("canonical", Value(accord::avro::CanonicalForm(*s)));
  out.Add("fingerprint", Value(accord::avro::FingerprintHex(accord::avro::Fingerprint64(*s))));
  accord::json::Array warnings;
  for (const auto& w : s->warnings()) warnings.emplace_back(w);
  out.Add("warnings", Value(std::move(warnings)));
  return out;
}

Value Verdict(const accord::Result<accord::compat::Report>& r) {
  Value out(accord::json::Object{});
  if (!r) {
    out.Add("error", Value(r.error().ToString()));
    return out;
  }
  std::set<std::string> kinds;
  for (const auto& f : r->findings) kinds.insert(f.kind);
  accord::json::Array arr;
  for (const auto& k : kinds) arr.emplace_back(k);
  out.Add("compatible", Value(r->compatible()));
  out.Add("kinds", Value(std::move(arr)));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 0;
  bool full = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--bench" && i + 1 < argc) {
      rounds = std::stoi(argv[++i]);
    } else if (arg == "--full") {
      full = true;
    } else {
      std::cerr << "usage: accord_avro_oracle [--bench ROUNDS | --full] < pairs.jsonl\n";
      return 2;
    }
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  std::vector<std::pair<std::string, std::string>> texts;
  std::size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (line.empty()) continue;
    auto doc = accord::ParseJson(line);
    if (!doc || !doc->root.IsObject() || !doc->root.Find("a") || !doc->root.Find("b")) {
      std::cerr << "line " << line_no << ": expected {\"id\", \"a\", \"b\"}\n";
      return 2;
    }
    const Value& a = *doc->root.Find("a");
    const Value& b = *doc->root.Find("b");
    if (rounds > 0) {
      // The texts to parse: as given ("a_text", "b_text": the benchmark
      // passes the very texts python3-avro parses), else a and b serialised.
      const Value* a_text = doc->root.Find("a_text");
      const Value* b_text = doc->root.Find("b_text");
      if (a_text != nullptr && a_text->IsString() && b_text != nullptr && b_text->IsString()) {
        texts.emplace_back(a_text->AsString(), b_text->AsString());
      } else {
        texts.emplace_back(accord::json::ToJson(a), accord::json::ToJson(b));
      }
      continue;
    }
    Value out(accord::json::Object{});
    const Value* id = doc->root.Find("id");
    out.Add("id", id ? *id : Value());
    if (full) {
      out.Add("ab", FullVerdict(accord::compat::CheckAvro(a, b)));
      out.Add("ba", FullVerdict(accord::compat::CheckAvro(b, a)));
      out.Add("diff", FullVerdict(accord::compat::DiffAvro(a, b)));
      out.Add("a", SchemaFacts(a));
      out.Add("b", SchemaFacts(b));
    } else {
      out.Add("ab", Verdict(accord::compat::CheckAvro(a, b)));
      out.Add("ba", Verdict(accord::compat::CheckAvro(b, a)));
    }
    std::cout << accord::json::ToJson(out) << '\n';
  }
  if (rounds > 0) {
    // End to end: parse both schemas from text, check both directions.
    std::size_t incompatible = 0;
    std::clock_t cpu0 = std::clock();
    auto wall0 = std::chrono::steady_clock::now();
    for (int round = 0; round < rounds; ++round) {
      for (const auto& [a, b] : texts) {
        auto sa = accord::avro::ParseText(a);
        auto sb = accord::avro::ParseText(b);
        if (!sa || !sb) continue;
        incompatible += !accord::compat::CheckAvroSchemas(*sa, *sb).compatible();
        incompatible += !accord::compat::CheckAvroSchemas(*sb, *sa).compatible();
      }
    }
    double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    // Check only: schemas parsed beforehand.
    std::vector<std::pair<accord::avro::Schema, accord::avro::Schema>> parsed;
    for (const auto& [a, b] : texts) {
      auto sa = accord::avro::ParseText(a);
      auto sb = accord::avro::ParseText(b);
      if (sa && sb) parsed.emplace_back(std::move(*sa), std::move(*sb));
    }
    std::clock_t cpu1 = std::clock();
    for (int round = 0; round < rounds; ++round) {
      for (const auto& [sa, sb] : parsed) {
        (void)accord::compat::CheckAvroSchemas(sa, sb);
        (void)accord::compat::CheckAvroSchemas(sb, sa);
      }
    }
    double check_cpu = static_cast<double>(std::clock() - cpu1) / CLOCKS_PER_SEC;
    // Parse only: both schemas of every pair, from text.
    std::size_t parsed_ok = 0;
    std::clock_t cpu2 = std::clock();
    for (int round = 0; round < rounds; ++round) {
      for (const auto& [a, b] : texts) {
        parsed_ok += accord::avro::ParseText(a).has_value();
        parsed_ok += accord::avro::ParseText(b).has_value();
      }
    }
    double parse_cpu = static_cast<double>(std::clock() - cpu2) / CLOCKS_PER_SEC;
    double pairs = static_cast<double>(texts.size()) * rounds;
    std::printf("{\"pairs\": %zu, \"rounds\": %d, \"cpu_seconds\": %.6f, \"wall_seconds\": %.6f, "
                "\"pairs_per_cpu_second\": %.1f, \"check_only_cpu_seconds\": %.6f, "
                "\"check_only_pairs_per_cpu_second\": %.1f, \"parse_only_cpu_seconds\": %.6f, "
                "\"parse_only_pairs_per_cpu_second\": %.1f, \"incompatible_judgments\": %zu}\n",
                texts.size(), rounds, cpu, wall, cpu > 0 ? pairs / cpu : 0.0, check_cpu,
                check_cpu > 0 ? static_cast<double>(parsed.size()) * rounds / check_cpu : 0.0, parse_cpu,
                parse_cpu > 0 ? static_cast<double>(texts.size()) * rounds / parse_cpu : 0.0, incompatible);
  }
  return 0;
}

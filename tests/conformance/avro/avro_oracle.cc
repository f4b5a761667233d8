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
// times ROUNDS passes of each of: parse a, parse b (from text), check a->b
// and b->a (end to end); the same, reading every finding's witness too
// (they are built when first read; a renderer reads them all); the two
// checks alone on schemas parsed beforehand; parsing both schemas alone
// (where the time goes). The passes run in 5 blocks, the measurements
// taking turns, and each reports the median of its blocks' rates (and the
// lowest and highest) in pairs per CPU second (std::clock: the machine may
// be shared, and CPU time is what both sides of the comparison are measured
// in), as one JSON object.
//
// --full: like the default mode, but V is the whole report (every finding's
// kind, paths, message and witness) and each line also carries both schemas'
// canonical forms, fingerprints and warnings: a golden of everything the
// engine produces, for checking that a change to the parser or the checker
// changes no output (diff two runs).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
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
    fo.Add("kind", Value(f.kind.name()));
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
  for (const auto& f : r->findings) kinds.insert(std::string(f.kind.name()));
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
    // The schemas parsed beforehand, for the check-only measurement.
    std::vector<std::pair<accord::avro::Schema, accord::avro::Schema>> parsed;
    for (const auto& [a, b] : texts) {
      auto sa = accord::avro::ParseText(a);
      auto sb = accord::avro::ParseText(b);
      if (sa && sb) parsed.emplace_back(std::move(*sa), std::move(*sb));
    }
    std::size_t incompatible = 0;
    std::size_t witnesses = 0;
    std::size_t parsed_ok = 0;
    // One round of each measurement.
    struct Phase {
      const char* name;
      std::function<void()> round;
      double pairs_per_round;
      std::vector<double> rates;  // pairs per CPU second, one per block
      double cpu = 0;
    };
    std::vector<Phase> phases;
    // End to end: parse both schemas from text, check both directions.
    phases.push_back({"pairs_per_cpu_second",
                      [&] {
                        for (const auto& [a, b] : texts) {
                          auto sa = accord::avro::ParseText(a);
                          auto sb = accord::avro::ParseText(b);
                          if (!sa || !sb) continue;
                          incompatible += !accord::compat::CheckAvroSchemas(*sa, *sb).compatible();
                          incompatible += !accord::compat::CheckAvroSchemas(*sb, *sa).compatible();
                        }
                      },
                      static_cast<double>(texts.size()),
                      {}});
    // End to end again, reading every finding's witness as a renderer would
    // (witnesses are built when first read).
    phases.push_back({"witnesses_read_pairs_per_cpu_second",
                      [&] {
                        for (const auto& [a, b] : texts) {
                          auto sa = accord::avro::ParseText(a);
                          auto sb = accord::avro::ParseText(b);
                          if (!sa || !sb) continue;
                          for (const auto& f : accord::compat::CheckAvroSchemas(*sa, *sb).findings)
                            witnesses += f.witness.has_value();
                          for (const auto& f : accord::compat::CheckAvroSchemas(*sb, *sa).findings)
                            witnesses += f.witness.has_value();
                        }
                      },
                      static_cast<double>(texts.size()),
                      {}});
    // Check only: schemas parsed beforehand.
    phases.push_back({"check_only_pairs_per_cpu_second",
                      [&] {
                        for (const auto& [sa, sb] : parsed) {
                          (void)accord::compat::CheckAvroSchemas(sa, sb);
                          (void)accord::compat::CheckAvroSchemas(sb, sa);
                        }
                      },
                      static_cast<double>(parsed.size()),
                      {}});
    // Parse only: both schemas of every pair, from text.
    phases.push_back({"parse_only_pairs_per_cpu_second",
                      [&] {
                        for (const auto& [a, b] : texts) {
                          parsed_ok += accord::avro::ParseText(a).has_value();
                          parsed_ok += accord::avro::ParseText(b).has_value();
                        }
                      },
                      static_cast<double>(texts.size()),
                      {}});
    // The rounds run in blocks, the measurements taking turns block by
    // block, and each reports its median block: a burst of load from
    // elsewhere on a shared machine then spoils one block, not the figure.
    const int blocks = rounds >= 5 ? 5 : 1;
    for (int block = 0; block < blocks; ++block) {
      const int block_rounds = rounds / blocks + (block < rounds % blocks ? 1 : 0);
      for (Phase& phase : phases) {
        const std::clock_t cpu0 = std::clock();
        for (int round = 0; round < block_rounds; ++round) phase.round();
        const double cpu = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
        phase.cpu += cpu;
        phase.rates.push_back(cpu > 0 ? phase.pairs_per_round * block_rounds / cpu : 0.0);
      }
    }
    std::printf("{\"pairs\": %zu, \"rounds\": %d, \"blocks\": %d", texts.size(), rounds, blocks);
    for (Phase& phase : phases) {
      std::sort(phase.rates.begin(), phase.rates.end());
      std::printf(", \"%s\": %.1f, \"%s_min\": %.1f, \"%s_max\": %.1f", phase.name,
                  phase.rates[phase.rates.size() / 2], phase.name, phase.rates.front(), phase.name,
                  phase.rates.back());
    }
    std::printf(", \"incompatible_judgments\": %zu, \"witnesses\": %zu}\n", incompatible,
                witnesses);
  }
  return 0;
}

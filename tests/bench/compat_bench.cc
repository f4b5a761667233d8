// Benchmarks of the JSON Schema compatibility engine (issue 3):
//  * BM_Pair500Backward: compatible(v1 -> v2) for a generated 500-property
//    event schema with nested objects and $refs (goal: < 5 ms).
//  * BM_Pair500Full: the same pair under FULL (both directions; the forward
//    direction breaks, so findings and witnesses are built).
//  * BM_History50FullTransitive: a 50-version history checked with
//    CheckHistory at FULL_TRANSITIVE (98 directed checks; goal: < 100 ms).
// Figures are recorded in docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "accord/compat/jsonschema_compat.h"
#include "accord/compat/mode.h"
#include "accord/schemas/json.h"

namespace accord::compat {
namespace {

json::Value Obj() { return json::Value(json::Object{}); }

json::Value Strings(std::initializer_list<const char*> items) {
  json::Array a;
  for (const char* s : items) a.emplace_back(s);
  return json::Value(std::move(a));
}

json::Value Defs() {
  json::Value money = Obj();
  money.Add("type", "object");
  json::Value mp = Obj();
  json::Value units = Obj();
  units.Add("type", "integer");
  mp.Add("units", units);
  json::Value cur = Obj();
  cur.Add("type", "string");
  cur.Add("pattern", "^[A-Z]{3}$");
  mp.Add("currency", cur);
  money.Add("properties", mp);
  money.Add("required", Strings({"units", "currency"}));
  money.Add("additionalProperties", false);

  json::Value address = Obj();
  address.Add("type", "object");
  json::Value ap = Obj();
  for (const char* name : {"street", "city", "postcode", "country"}) {
    json::Value s = Obj();
    s.Add("type", "string");
    s.Add("maxLength", 200);
    ap.Add(name, s);
  }
  address.Add("properties", ap);
  address.Add("required", Strings({"street", "city"}));
  address.Add("additionalProperties", false);

  json::Value defs = Obj();
  defs.Add("money", money);
  defs.Add("address", address);
  return defs;
}

// Property i of a generated event schema. `variant` changes descriptions
// (and, when `widen`, widens string lengths, numeric bounds and enums, all
// backward-compatible changes).
json::Value Property(int i, int variant, bool widen) {
  json::Value p = Obj();
  p.Add("description", "field " + std::to_string(i) + " v" + std::to_string(variant));
  switch (i % 8) {
    case 0:
      p.Add("type", "string");
      p.Add("maxLength", widen ? 128 : 64);
      break;
    case 1:
      p.Add("type", "integer");
      p.Add("minimum", widen ? -10 : 0);
      p.Add("maximum", 1000000);
      break;
    case 2:
      p.Add("type", "number");
      p.Add("exclusiveMinimum", 0);
      break;
    case 3:
      p.Add("type", "boolean");
      break;
    case 4:
      p.Add("enum", widen ? Strings({"a", "b", "c", "d"}) : Strings({"a", "b", "c"}));
      break;
    case 5: {
      p.Add("type", "object");
      json::Value props = Obj();
      for (int j = 0; j < 3; ++j) {
        json::Value q = Obj();
        q.Add("type", j == 0 ? "string" : "integer");
        props.Add("n" + std::to_string(j), q);
      }
      p.Add("properties", props);
      p.Add("required", Strings({"n0"}));
      p.Add("additionalProperties", false);
      break;
    }
    case 6:
      p.Add("$ref", "#/$defs/money");
      break;
    case 7: {
      p.Add("type", "array");
      json::Value items = Obj();
      items.Add("$ref", "#/$defs/address");
      p.Add("items", items);
      p.Add("maxItems", widen ? 20 : 10);
      break;
    }
  }
  return p;
}

json::Value EventSchema(int properties, int variant, bool widen) {
  json::Value s = Obj();
  s.Add("$schema", "https://json-schema.org/draft/2020-12/schema");
  s.Add("title", "GeneratedEvent");
  s.Add("type", "object");
  json::Value props = Obj();
  json::Array required;
  for (int i = 0; i < properties; ++i) {
    props.Add("p" + std::to_string(i), Property(i, variant, widen));
    if (i % 5 == 0) required.emplace_back("p" + std::to_string(i));
  }
  s.Add("properties", props);
  s.Add("required", json::Value(std::move(required)));
  s.Add("additionalProperties", false);
  s.Add("$defs", Defs());
  return s;
}

void Check(benchmark::State& state, const Result<Report>& r, bool expect_compatible) {
  if (!r) {
    state.SkipWithError(("engine error: " + r.error().ToString()).c_str());
    return;
  }
  if (r->compatible() != expect_compatible) {
    state.SkipWithError("unexpected verdict");
  }
}

void BM_Pair500Backward(benchmark::State& state) {
  const json::Value v1 = EventSchema(500, 1, false);
  const json::Value v2 = EventSchema(500, 2, true);
  for (auto _ : state) {
    auto r = CheckJsonSchema(v1, v2);
    Check(state, r, true);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Pair500Backward)->Unit(benchmark::kMillisecond);

void BM_Pair500Full(benchmark::State& state) {
  const json::Value v1 = EventSchema(500, 1, false);
  const json::Value v2 = EventSchema(500, 2, true);
  std::size_t findings = 0;
  for (auto _ : state) {
    Report total = CheckHistory(Level::kFull, 1, [&](std::size_t w, std::size_t r) {
      auto res = CheckJsonSchema(w == 0 ? v1 : v2, r == 0 ? v1 : v2);
      return res ? std::move(*res) : Report{};
    });
    findings = total.findings.size();
    benchmark::DoNotOptimize(total);
  }
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_Pair500Full)->Unit(benchmark::kMillisecond);

// 50 versions of a 100-property event schema (nested objects, $refs) that
// differ in descriptions only, so they are FULL-compatible with each other:
// 49 history entries and the candidate; FULL_TRANSITIVE runs 98 directed
// checks, none of which breaks.
void BM_History50FullTransitive(benchmark::State& state) {
  std::vector<json::Value> versions;
  for (int v = 0; v < 50; ++v) versions.push_back(EventSchema(100, v, false));
  const std::size_t history = versions.size() - 1;  // the last is the candidate
  bool compatible = true;
  for (auto _ : state) {
    Report total = CheckHistory(Level::kFullTransitive, history, [&](std::size_t w, std::size_t r) {
      auto res = CheckJsonSchema(versions[w], versions[r]);
      if (!res) {
        Report bad;
        Finding f;
        f.kind = CommonKind::kUnknown;  // an engine error, told by the message
        f.message = res.error().ToString();
        bad.Add(f);
        return bad;
      }
      return std::move(*res);
    });
    compatible = total.compatible();
    benchmark::DoNotOptimize(total);
  }
  if (!compatible) state.SkipWithError("history unexpectedly incompatible");
  state.counters["pairs"] = static_cast<double>(PairsFor(Level::kFullTransitive, history).size());
}
BENCHMARK(BM_History50FullTransitive)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace accord::compat

BENCHMARK_MAIN();

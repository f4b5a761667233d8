// Seeded random JSON Schemas and random mutations of them, shared by the
// random-pairs unit test and the verdicts conformance run (one generator,
// so both measure the same corpus).
#pragma once

#include <cstdint>
#include <utility>

#include "accord/schemas/json.h"

namespace accord::compat::testing {

class Rng {
 public:
  explicit Rng(std::uint64_t s) : s_(s) {}
  std::uint64_t Next() {
    s_ += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = s_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Int(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  bool Chance(int percent) { return Int(100) < percent; }

 private:
  std::uint64_t s_;
};

inline const char* kNames[] = {"a", "b", "c", "id", "n_1"};
inline const char* kPatterns[] = {"^[a-z]+$", "^x", "[0-9]", "^[A-Z]{2}$"};
inline const char* kFormats[] = {"date", "email", "uuid"};

inline json::Value RandomSchema(Rng& g, int depth);

inline json::Value RandomScalarSchema(Rng& g) {
  json::Value s{json::Object{}};
  switch (g.Int(6)) {
    case 0: {
      s.Add("type", g.Chance(50) ? "integer" : "number");
      if (g.Chance(50)) s.Add("minimum", g.Int(10) - 5);
      if (g.Chance(50)) s.Add("maximum", g.Int(20));
      if (g.Chance(20)) s.Add("exclusiveMaximum", g.Int(30));
      if (g.Chance(25))
        s.Add("multipleOf", g.Chance(50) ? json::Value(g.Int(4) + 1) : json::Value(0.5));
      break;
    }
    case 1: {
      s.Add("type", "string");
      if (g.Chance(40)) s.Add("minLength", g.Int(3));
      if (g.Chance(40)) s.Add("maxLength", g.Int(6) + 2);
      if (g.Chance(20)) s.Add("pattern", kPatterns[g.Int(4)]);
      if (g.Chance(15)) s.Add("format", kFormats[g.Int(3)]);
      break;
    }
    case 2:
      s.Add("enum", json::Array{json::Value("x"), json::Value(1), json::Value(nullptr)});
      break;
    case 3:
      s.Add("type", json::Array{json::Value("string"), json::Value("null")});
      break;
    case 4:
      s.Add("type", "boolean");
      break;
    default:
      s.Add("const", g.Chance(50) ? json::Value("k") : json::Value(3));
      break;
  }
  return s;
}

inline json::Value RandomSchema(Rng& g, int depth) {
  int k = depth > 2 ? 0 : g.Int(10);
  if (k <= 3) return RandomScalarSchema(g);
  if (k <= 6) {
    json::Value s{json::Object{}};
    s.Add("type", "object");
    json::Value props{json::Object{}};
    json::Array req;
    int n = g.Int(3) + 1;
    for (int i = 0; i < n; ++i) {
      const char* name = kNames[g.Int(5)];
      if (props.Find(name)) continue;
      props.Add(name, RandomSchema(g, depth + 1));
      if (g.Chance(40)) req.emplace_back(name);
    }
    s.Add("properties", props);
    if (!req.empty()) s.Add("required", req);
    if (g.Chance(30))
      s.Add("additionalProperties", false);
    else if (g.Chance(15))
      s.Add("additionalProperties", RandomScalarSchema(g));
    else if (g.Chance(20))
      s.Add("unevaluatedProperties", g.Chance(60) ? json::Value(false) : RandomScalarSchema(g));
    if (g.Chance(12)) {
      // Properties declared in an in-place applicator count as evaluated.
      json::Value inner{json::Object{}};
      inner.Add("properties", json::Object{json::Member{kNames[g.Int(5)], RandomScalarSchema(g)}});
      s.Add("allOf", json::Array{inner});
    }
    if (g.Chance(8))
      s.Add("dependentSchemas",
            json::Object{json::Member{
                kNames[g.Int(5)], json::Object{json::Member{
                                      "required", json::Array{json::Value(kNames[g.Int(5)])}}}}});
    if (g.Chance(6))
      s.Add("dependentSchemas",
            json::Object{json::Member{
                kNames[g.Int(5)],
                json::Object{json::Member{
                    "properties",
                    json::Object{json::Member{kNames[g.Int(5)], RandomScalarSchema(g)}}}}}});
    if (g.Chance(10))
      s.Add("patternProperties", json::Object{json::Member{"^n_", RandomScalarSchema(g)}});
    if (g.Chance(10)) s.Add("maxProperties", g.Int(4) + 1);
    if (g.Chance(8)) s.Add("minProperties", g.Int(2));
    if (g.Chance(8))
      s.Add(
          "dependentRequired",
          json::Object{json::Member{kNames[g.Int(5)], json::Array{json::Value(kNames[g.Int(5)])}}});
    if (g.Chance(8)) s.Add("propertyNames", json::Object{json::Member{"maxLength", g.Int(3) + 1}});
    if (g.Chance(6))
      s.Add("not",
            json::Object{json::Member{"required", json::Array{json::Value(kNames[g.Int(5)])}}});
    return s;
  }
  if (k <= 8) {
    json::Value s{json::Object{}};
    s.Add("type", "array");
    if (g.Chance(25)) {
      json::Array prefix;
      for (int i = g.Int(2) + 1; i > 0; --i) prefix.push_back(RandomScalarSchema(g));
      s.Add("prefixItems", prefix);
      if (g.Chance(50))
        s.Add("items", g.Chance(50) ? json::Value(false) : RandomScalarSchema(g));
      else if (g.Chance(40))
        s.Add("unevaluatedItems", g.Chance(50) ? json::Value(false) : RandomScalarSchema(g));
    } else {
      s.Add("items", RandomSchema(g, depth + 1));
    }
    if (g.Chance(15)) s.Add("contains", RandomScalarSchema(g));
    if (g.Chance(30)) s.Add("maxItems", g.Int(4) + 1);
    if (g.Chance(20)) s.Add("minItems", g.Int(2));
    if (g.Chance(15)) s.Add("uniqueItems", true);
    return s;
  }
  if (g.Chance(25)) {
    json::Value s{json::Object{}};
    s.Add("if", RandomScalarSchema(g));
    if (g.Chance(80)) s.Add("then", RandomScalarSchema(g));
    if (g.Chance(80)) s.Add("else", RandomScalarSchema(g));
    return s;
  }
  if (g.Chance(20)) {
    json::Value s = RandomScalarSchema(g);
    s.Add("not", RandomScalarSchema(g));
    return s;
  }
  json::Value s{json::Object{}};
  const char* kw[] = {"anyOf", "oneOf", "allOf"};
  json::Array branches;
  int n = g.Int(2) + 2;
  for (int i = 0; i < n; ++i) branches.push_back(RandomSchema(g, depth + 1));
  s.Add(kw[g.Int(3)], branches);
  if (g.Chance(15)) s.Add("not", json::Object{json::Member{"type", "null"}});
  return s;
}

// A random mutation of `s` (often still compatible, sometimes not).
inline void Mutate(json::Value& s, Rng& g, int depth) {
  if (!s.IsObject()) return;
  json::Object& o = s.AsObject();
  for (json::Member& m : o) {
    if (m.key == "properties" && m.value.IsObject()) {
      for (json::Member& p : m.value.AsObject())
        if (g.Chance(50)) Mutate(p.value, g, depth + 1);
      if (g.Chance(20)) m.value.AsObject().push_back(json::Member{"zz", RandomScalarSchema(g)});
    } else if ((m.key == "items" || m.key == "additionalProperties") && m.value.IsObject()) {
      if (g.Chance(60)) Mutate(m.value, g, depth + 1);
    } else if ((m.key == "anyOf" || m.key == "oneOf" || m.key == "allOf") && m.value.IsArray()) {
      for (json::Value& b : m.value.AsArray())
        if (g.Chance(50)) Mutate(b, g, depth + 1);
      if (g.Chance(20)) m.value.AsArray().push_back(RandomScalarSchema(g));
    } else if (m.value.IsNumber() && g.Chance(40)) {
      double d = m.value.AsNumber().AsDouble();
      m.value = json::Value(static_cast<std::int64_t>(d) + (g.Chance(50) ? 1 : -1));
      if (m.value.AsNumber().AsInt() <= 0 && (m.key == "multipleOf" || m.key.starts_with("max")))
        m.value = json::Value(1);
      if (m.value.AsNumber().AsInt() < 0 && m.key.starts_with("min") && m.key != "minimum")
        m.value = json::Value(0);
    } else if (m.key == "required" && g.Chance(30)) {
      if (g.Chance(50) && !m.value.AsArray().empty())
        m.value.AsArray().pop_back();
      else
        m.value.AsArray().emplace_back(kNames[g.Int(5)]);
    } else if (m.key == "type" && g.Chance(15)) {
      m.value = g.Chance(50) ? json::Value("number")
                             : json::Value(json::Array{m.value, json::Value("null")});
    } else if ((m.key == "additionalProperties" || m.key == "unevaluatedProperties" ||
                m.key == "unevaluatedItems") &&
               m.value.IsBool() && g.Chance(30)) {
      m.value = json::Value(!m.value.AsBool());
    } else if (m.key == "prefixItems" && m.value.IsArray() && g.Chance(30)) {
      if (g.Chance(50) && m.value.AsArray().size() > 1)
        m.value.AsArray().pop_back();
      else
        m.value.AsArray().push_back(RandomScalarSchema(g));
    } else if (m.key == "pattern" && g.Chance(30)) {
      m.value = json::Value(kPatterns[g.Int(4)]);
    } else if (m.key == "enum" && g.Chance(40)) {
      if (g.Chance(50))
        m.value.AsArray().pop_back();
      else
        m.value.AsArray().emplace_back("y");
    }
  }
  if (g.Chance(10)) {
    bool has = false;
    for (const json::Member& m : o) has |= m.key == "title";
    if (!has) o.push_back(json::Member{"title", "t"});
  }
}

// Pair i of the corpus: writer W and its mutation R.
inline std::pair<json::Value, json::Value> RandomPair(int i) {
  Rng g(static_cast<std::uint64_t>(i) * 7919 + 17);
  json::Value w = RandomSchema(g, 0);
  json::Value r = w;
  Mutate(r, g, 0);
  return {std::move(w), std::move(r)};
}

}  // namespace accord::compat::testing

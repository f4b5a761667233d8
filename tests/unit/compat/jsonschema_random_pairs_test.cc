// Randomised soundness and witness test: seeded random schemas W and random
// mutations R of them. Rules checked: (1) when the engine says compatible,
// instances generated from W and accepted by the validator under W are
// accepted under R; (2) every witness is valid under W and rejected by R;
// (3) every schema is compatible with itself.
#include "accord/compat/instance_generator.h"
#include <map>

#include "jsonschema_test_support.h"

namespace accord::compat {
namespace {

using testing::CompileOracle;
using testing::Describe;

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

const char* kNames[] = {"a", "b", "c", "id", "n_1"};
const char* kPatterns[] = {"^[a-z]+$", "^x", "[0-9]", "^[A-Z]{2}$"};
const char* kFormats[] = {"date", "email", "uuid"};

json::Value RandomSchema(Rng& g, int depth);

json::Value RandomScalarSchema(Rng& g) {
  json::Value s{json::Object{}};
  switch (g.Int(6)) {
    case 0: {
      s.Add("type", g.Chance(50) ? "integer" : "number");
      if (g.Chance(50)) s.Add("minimum", g.Int(10) - 5);
      if (g.Chance(50)) s.Add("maximum", g.Int(20));
      if (g.Chance(20)) s.Add("exclusiveMaximum", g.Int(30));
      if (g.Chance(25)) s.Add("multipleOf", g.Chance(50) ? json::Value(g.Int(4) + 1) : json::Value(0.5));
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
    case 2: s.Add("enum", json::Array{json::Value("x"), json::Value(1), json::Value(nullptr)}); break;
    case 3: s.Add("type", json::Array{json::Value("string"), json::Value("null")}); break;
    case 4: s.Add("type", "boolean"); break;
    default: s.Add("const", g.Chance(50) ? json::Value("k") : json::Value(3)); break;
  }
  return s;
}

json::Value RandomSchema(Rng& g, int depth) {
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
    if (g.Chance(30)) s.Add("additionalProperties", false);
    else if (g.Chance(15)) s.Add("additionalProperties", RandomScalarSchema(g));
    if (g.Chance(10)) s.Add("patternProperties", json::Object{json::Member{"^n_", RandomScalarSchema(g)}});
    if (g.Chance(10)) s.Add("maxProperties", g.Int(4) + 1);
    if (g.Chance(8)) s.Add("minProperties", g.Int(2));
    if (g.Chance(8))
      s.Add("dependentRequired", json::Object{json::Member{kNames[g.Int(5)], json::Array{json::Value(kNames[g.Int(5)])}}});
    if (g.Chance(8)) s.Add("propertyNames", json::Object{json::Member{"maxLength", g.Int(3) + 1}});
    if (g.Chance(6)) s.Add("not", json::Object{json::Member{"required", json::Array{json::Value(kNames[g.Int(5)])}}});
    return s;
  }
  if (k <= 8) {
    json::Value s{json::Object{}};
    s.Add("type", "array");
    if (g.Chance(25)) {
      json::Array prefix;
      for (int i = g.Int(2) + 1; i > 0; --i) prefix.push_back(RandomScalarSchema(g));
      s.Add("prefixItems", prefix);
      if (g.Chance(50)) s.Add("items", g.Chance(50) ? json::Value(false) : RandomScalarSchema(g));
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
void Mutate(json::Value& s, Rng& g, int depth) {
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
      if (g.Chance(50) && !m.value.AsArray().empty()) m.value.AsArray().pop_back();
      else m.value.AsArray().emplace_back(kNames[g.Int(5)]);
    } else if (m.key == "type" && g.Chance(15)) {
      m.value = g.Chance(50) ? json::Value("number") : json::Value(json::Array{m.value, json::Value("null")});
    } else if (m.key == "additionalProperties" && m.value.IsBool() && g.Chance(30)) {
      m.value = json::Value(!m.value.AsBool());
    } else if (m.key == "pattern" && g.Chance(30)) {
      m.value = json::Value(kPatterns[g.Int(4)]);
    } else if (m.key == "enum" && g.Chance(40)) {
      if (g.Chance(50)) m.value.AsArray().pop_back();
      else m.value.AsArray().emplace_back("y");
    }
  }
  if (g.Chance(10)) {
    bool has = false;
    for (const json::Member& m : o) has |= m.key == "title";
    if (!has) o.push_back(json::Member{"title", "t"});
  }
}

TEST(JsonSchemaRandomPairsTest, SoundOnRandomSchemaPairs) {
  int kPairs = 400;
  if (const char* e = std::getenv("ACCORD_RANDOM_PAIRS")) kPairs = std::atoi(e);  // longer runs
  constexpr int kInstances = 200;
  int compatible = 0, incompatible = 0, witnesses = 0, instances = 0, failures = 0, no_witness = 0;
  std::map<std::string, int> kinds;
  for (int i = 0; i < kPairs; ++i) {
    Rng g(static_cast<std::uint64_t>(i) * 7919 + 17);
    json::Value w = RandomSchema(g, 0);
    json::Value r = w;
    Mutate(r, g, 0);
    SCOPED_TRACE("pair " + std::to_string(i) + "\nwriter: " + json::ToJson(w) +
                 "\nreader: " + json::ToJson(r));
    auto self = CheckJsonSchema(w, w);
    ASSERT_TRUE(self) << self.error().ToString();
    EXPECT_TRUE(self->compatible()) << Describe(*self);
    auto rep = CheckJsonSchema(w, r);
    ASSERT_TRUE(rep) << rep.error().ToString();
    {
      jsonschema::CompileOptions o;
      if (!jsonschema::Validator::Compile(r, {}, o)) continue;  // invalid mutation
    }
    auto vw = CompileOracle(w, jsonschema::Dialect::kDraft2020_12);
    auto vr = CompileOracle(r, jsonschema::Dialect::kDraft2020_12);
    ASSERT_TRUE(vw && vr);
    for (const Finding& f : rep->findings) {
      kinds[std::string(f.kind.name())]++;
      if (!f.witness) {
        if (f.severity == Severity::kBreaking && !f.kind.name().starts_with("UNDECIDED_")) {
          ++no_witness;
          if (std::getenv("ACCORD_RANDOM_PAIRS"))
            std::printf("no witness: %s %s\n  w=%s\n  r=%s\n", std::string(f.kind.name()).c_str(), f.message.c_str(),
                        json::ToJson(w).c_str(), json::ToJson(r).c_str());
        }
        continue;
      }
      ++witnesses;
      EXPECT_TRUE(vw->IsValid(*f.witness)) << f.kind << " " << json::ToJson(*f.witness);
      EXPECT_FALSE(vr->IsValid(*f.witness)) << f.kind << " " << json::ToJson(*f.witness);
    }
    if (!rep->compatible()) {
      ++incompatible;
      continue;
    }
    ++compatible;
    auto gen = InstanceGenerator::Create(w);
    ASSERT_TRUE(gen);
    int valid = 0;
    for (std::uint64_t seed = 1; seed <= 4000 && valid < kInstances; ++seed) {
      json::Value v = gen->Candidate(seed);
      if (!vw->IsValid(v)) continue;
      ++valid;
      ++instances;
      if (!vr->IsValid(v)) {
        ++failures;
        ADD_FAILURE() << "SOUNDNESS BUG: " << json::ToJson(v) << "\n" << Describe(*rep);
        break;
      }
    }
  }
  std::printf("[random pairs] %d pairs: %d compatible (%d instances checked, %d failures), "
              "%d incompatible, %d witnesses validated, %d decided breaks without a witness\n",
              kPairs, compatible, instances, failures, incompatible, witnesses, no_witness);
  std::string ks;
  for (const auto& [k, n] : kinds) ks += k + "=" + std::to_string(n) + " ";
  std::printf("[random pairs] kinds: %s\n", ks.c_str());
}

}  // namespace
}  // namespace accord::compat

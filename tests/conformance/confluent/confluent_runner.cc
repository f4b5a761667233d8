// Conformance with Confluent Schema Registry's JSON Schema compatibility
// suite: confluent-json-compat/diff-schema-examples.json (104 cases from
// Confluent's own tests: original_schema, update_schema, `compatible` =
// BACKWARD under STRICT, some with `compatible_lenient` = BACKWARD under
// LENIENT).
//
// Rules this runner enforces:
//  * Every case is checked as compatible(original -> update) under STRICT
//    and, when `compatible_lenient` is given, under LENIENT; our verdict must
//    equal Confluent's.
//  * A disagreement is accepted only when the case is listed in
//    kJustifiedDisagreements below (index + description + policy, with the
//    reason Confluent's verdict is wrong) AND our verdict is backed:
//      - we say incompatible (Confluent: compatible, an unsound verdict):
//        at least one breaking finding carries a witness that the validator
//        confirms (valid under the writer, invalid under the reader);
//      - we say compatible (Confluent: incompatible, an over-cautious
//        verdict): no witness can exist, so the listed reason carries the
//        proof, and the runner cross-checks it with the validator on a pool
//        of instances built from the case (every pool instance valid under
//        the writer must be valid under the reader, and the pool must hold
//        at least one writer-valid instance).
//    A listed case that agrees, or lacks that backing, fails.
//  * Every witness of every breaking finding is checked with the validator.
//  * Every schema of the suite is compatible with itself under STRICT.
//  * Schemas without $schema are read as draft-07 (Confluent's default
//    dialect; the suite uses draft-07 tuple `items` and `dependencies`).
//
// Data root: $ACCORD_TESTDATA, else the CMake cache value
// ACCORD_SHARED_TESTDATA. Absent data: a loud message and exit 77 (ctest
// SKIP_RETURN_CODE). Exit 0 when every case agrees or is justified, 1 else.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accord/compat/jsonschema_compat.h"
#include "accord/compat/mode.h"
#include "accord/compat/report.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"

namespace accord::compat {
namespace {

constexpr int kSkip = 77;
constexpr jsonschema::Dialect kDialect = jsonschema::Dialect::kDraft7;

// Cases where Confluent's verdict is provably wrong under compatible(W -> R)
// = "every instance valid under W is valid under R". Each needs a witness
// from our engine (checked at run time), and a reason a reviewer can verify.
struct JustifiedDisagreement {
  int index;                     // position in diff-schema-examples.json
  std::string_view description;  // the case's description, to catch reordering
  Policy policy;
  std::string_view reason;
};

const std::vector<JustifiedDisagreement> kJustifiedDisagreements = {
    {51, "Detect incompatible changes to dependencies schemas", Policy::kStrict,
     "W = {dependencies: {foo: {type: string}}}, R = the same with type number. A dependency "
     "schema applies to the object itself when it has `foo`; an object is neither a string nor "
     "a number, so both schemas accept exactly the non-objects and the objects without `foo`: "
     "W and R accept the same instances (Confluent compares the subschemas syntactically)"},
    {55, "Detect required array to be changed", Policy::kStrict,
     "required [foo] becomes required [bar]: {\"foo\": \"\"} is valid under W and lacks the "
     "now-required `bar`, so R rejects it (Confluent only sees REQUIRED_ATTRIBUTE_REMOVED)"},
    {87, "Detect removed boolean additional items", Policy::kStrict,
     "W = {additionalItems: true}, R = {additionalItems: false}, no `items` array: draft-07 "
     "says additionalItems is ignored unless `items` is an array, so both accept everything"},
    {88, "Detect changes to additional items schema", Policy::kStrict,
     "W = {additionalItems: {type: string}}, R = {additionalItems: {type: number}}, no `items` "
     "array: additionalItems is ignored (draft-07 section 6.4.2), so both accept everything"},
};

struct Counts {
  int checked = 0;
  int agree = 0;
  int justified = 0;
  int unexplained = 0;
  int witnesses_checked = 0;
  int witnesses_bad = 0;
  int stale_entries = 0;
  int self_checked = 0;
  int self_failed = 0;
};

const JustifiedDisagreement* FindJustified(int index, std::string_view description, Policy p) {
  for (const JustifiedDisagreement& j : kJustifiedDisagreements) {
    if (j.index == index && j.policy == p && j.description == description) return &j;
  }
  return nullptr;
}

// Property names used anywhere in a schema (under "properties",
// "dependencies", "dependentRequired", "dependentSchemas", "required").
void CollectNames(const json::Value& v, std::vector<std::string>& out) {
  auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  if (v.IsArray()) {
    for (const json::Value& e : v.AsArray()) CollectNames(e, out);
    return;
  }
  if (!v.IsObject()) return;
  for (const json::Member& m : v.AsObject()) {
    if ((m.key == "properties" || m.key == "dependencies" || m.key == "dependentRequired" ||
         m.key == "dependentSchemas") &&
        m.value.IsObject()) {
      for (const json::Member& p : m.value.AsObject()) add(p.key);
    }
    if (m.key == "required" && m.value.IsArray()) {
      for (const json::Value& r : m.value.AsArray()) {
        if (r.IsString()) add(r.AsString());
      }
    }
    CollectNames(m.value, out);
  }
}

// A pool of small instances for cross-checking a "compatible" claim:
// scalars of every type, arrays of up to 3 items, objects with up to two of
// the case's property names (plus pattern-like names and an unknown one).
std::vector<json::Value> InstancePool(const json::Value& w, const json::Value& r) {
  const std::vector<json::Value> scalars = {json::Value(nullptr),
                                            json::Value(true),
                                            json::Value(false),
                                            json::Value(0),
                                            json::Value(1),
                                            json::Value(-1),
                                            json::Value(1.5),
                                            json::Value(10),
                                            json::Value(11),
                                            json::Value(""),
                                            json::Value("a"),
                                            json::Value("red"),
                                            json::Value("blue"),
                                            json::Value("abcdefghijkl"),
                                            json::Value(json::Array{}),
                                            json::Value(json::Object{})};
  std::vector<json::Value> pool = scalars;
  const std::vector<json::Value> items = {json::Value("a"), json::Value(1), json::Value(1.5),
                                          json::Value(true), json::Value(nullptr)};
  for (const json::Value& a : items) {
    pool.push_back(json::Value(json::Array{a}));
    for (const json::Value& b : items) {
      pool.push_back(json::Value(json::Array{a, b}));
      for (const json::Value& c : items) pool.push_back(json::Value(json::Array{a, b, c}));
    }
  }
  std::vector<std::string> names;
  CollectNames(w, names);
  CollectNames(r, names);
  for (const char* extra : {"I_123", "S_x", "x"}) {
    if (std::find(names.begin(), names.end(), extra) == names.end()) names.emplace_back(extra);
  }
  for (const std::string& k : names) {
    for (const json::Value& v : scalars) {
      json::Value o{json::Object{}};
      o.Add(k, v);
      pool.push_back(std::move(o));
    }
  }
  const std::vector<json::Value> few = {json::Value(1), json::Value("a"), json::Value(nullptr)};
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = i + 1; j < names.size(); ++j) {
      for (const json::Value& a : few) {
        for (const json::Value& b : few) {
          json::Value o{json::Object{}};
          o.Add(names[i], a);
          o.Add(names[j], b);
          pool.push_back(std::move(o));
        }
      }
    }
  }
  return pool;
}

std::string Describe(const Report& r) {
  std::string out;
  for (const Finding& f : r.findings) {
    out += "      " + std::string(SeverityName(f.severity)) + " " + std::string(f.kind.name()) +
           " W#" + f.writer_path + " R#" + f.reader_path + ": " + f.message;
    if (f.witness) out += " witness=" + json::ToJson(*f.witness);
    out += "\n";
  }
  return out;
}

// Rule: every schema is compatible with itself (an identical writer and
// reader share every instance).
bool SelfCompatible(int index, const char* which, const json::Value& schema, Counts& counts) {
  ++counts.self_checked;
  JsonSchemaCheckOptions options;
  options.default_dialect = kDialect;
  auto r = CheckJsonSchema(schema, schema, options);
  if (r && r->compatible()) return true;
  ++counts.self_failed;
  std::printf("SELF      case %d %s schema is not compatible with itself: %s\n", index, which,
              r ? Describe(*r).c_str() : r.error().ToString().c_str());
  return false;
}

// Runs one (case, policy) check; returns false when the case failed.
bool RunOne(int index, const std::string& description, const json::Value& writer,
            const json::Value& reader, Policy policy, bool expected, Counts& counts) {
  ++counts.checked;
  const std::string label = "case " + std::to_string(index) + " [" +
                            std::string(PolicyName(policy)) + "] \"" + description + "\"";
  JsonSchemaCheckOptions options;
  options.policy = policy;
  options.default_dialect = kDialect;
  auto report = CheckJsonSchema(writer, reader, options);
  const JustifiedDisagreement* justified = FindJustified(index, description, policy);
  if (!report) {
    std::printf("ERROR     %s: %s\n", label.c_str(), report.error().ToString().c_str());
    ++counts.unexplained;
    return false;
  }

  // Confirm every witness with the validator.
  jsonschema::CompileOptions copts;
  copts.default_dialect = kDialect;
  copts.format = jsonschema::FormatMode::kAssert;
  auto wv = jsonschema::Validator::Compile(writer, {}, copts);
  auto rv = jsonschema::Validator::Compile(reader, {}, copts);
  int confirmed = 0;
  bool witnesses_ok = true;
  for (const Finding& f : report->findings) {
    if (f.severity != Severity::kBreaking || !f.witness) continue;
    ++counts.witnesses_checked;
    if (!wv || !rv) {
      std::printf("BAD-WITNESS %s: validator cannot compile the schemas: %s\n", label.c_str(),
                  (!wv ? wv.error() : rv.error()).ToString().c_str());
      ++counts.witnesses_bad;
      witnesses_ok = false;
      continue;
    }
    const bool valid_w = wv->IsValid(*f.witness);
    const bool valid_r = rv->IsValid(*f.witness);
    if (valid_w && !valid_r) {
      ++confirmed;
    } else {
      ++counts.witnesses_bad;
      witnesses_ok = false;
      std::printf("BAD-WITNESS %s: %s witness %s is %s under the writer and %s under the reader\n",
                  label.c_str(), std::string(f.kind.name()).c_str(),
                  json::ToJson(*f.witness).c_str(), valid_w ? "valid" : "INVALID",
                  valid_r ? "VALID" : "invalid");
    }
  }

  const bool ours = report->compatible();
  if (ours == expected) {
    if (justified != nullptr) {
      std::printf("STALE     %s: listed as a justified disagreement but we now agree\n",
                  label.c_str());
      ++counts.stale_entries;
      return false;
    }
    ++counts.agree;
    return witnesses_ok;
  }
  if (justified != nullptr && !ours && confirmed > 0) {
    ++counts.justified;
    std::printf(
        "JUSTIFIED %s: Confluent says compatible, we say incompatible (%d confirmed "
        "witness%s): %s\n",
        label.c_str(), confirmed, confirmed == 1 ? "" : "es",
        std::string(justified->reason).c_str());
    return witnesses_ok;
  }
  if (justified != nullptr && ours && wv && rv) {
    int writer_valid = 0;
    std::optional<json::Value> counterexample;
    for (const json::Value& v : InstancePool(writer, reader)) {
      if (!wv->IsValid(v)) continue;
      ++writer_valid;
      if (!rv->IsValid(v)) {
        counterexample = v;
        break;
      }
    }
    if (!counterexample && writer_valid > 0) {
      ++counts.justified;
      std::printf(
          "JUSTIFIED %s: Confluent says incompatible, we say compatible (pool: %d "
          "writer-valid instances, all reader-valid): %s\n",
          label.c_str(), writer_valid, std::string(justified->reason).c_str());
      return witnesses_ok;
    }
    std::printf(
        "DISAGREE  %s: listed as compatible but %s\n", label.c_str(),
        counterexample
            ? ("the validator separates W and R with " + json::ToJson(*counterexample)).c_str()
            : "the pool holds no writer-valid instance");
    ++counts.unexplained;
    return false;
  }
  ++counts.unexplained;
  std::printf("DISAGREE  %s: Confluent says %s, we say %s%s\n%s", label.c_str(),
              expected ? "compatible" : "incompatible", ours ? "compatible" : "incompatible",
              justified != nullptr ? " (listed, but no confirmed witness)" : "",
              Describe(*report).c_str());
  return false;
}

int Main() {
  const char* env = std::getenv("ACCORD_TESTDATA");
  const std::string root = (env != nullptr && *env != '\0') ? env : ACCORD_DEFAULT_TESTDATA;
  const std::string path =
      (std::filesystem::path(root) / "confluent-json-compat/diff-schema-examples.json")
          .lexically_normal()
          .string();
  if (!std::filesystem::exists(path)) {
    std::fprintf(stderr,
                 "SKIPPED: Confluent conformance data not found at %s\n"
                 "  (set ACCORD_TESTDATA to the folder holding confluent-json-compat/)\n",
                 path.c_str());
    return kSkip;
  }
  auto doc = LoadFile(path);
  if (!doc) {
    std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), doc.error().ToString().c_str());
    return 1;
  }
  if (!doc->root.IsArray()) {
    std::fprintf(stderr, "%s: expected a JSON array of cases\n", path.c_str());
    return 1;
  }
  Counts strict;
  Counts lenient;
  bool ok = true;
  int index = -1;
  for (const json::Value& c : doc->root.AsArray()) {
    ++index;
    const json::Value* desc = c.Find("description");
    const json::Value* w = c.Find("original_schema");
    const json::Value* r = c.Find("update_schema");
    const json::Value* compatible = c.Find("compatible");
    if (desc == nullptr || !desc->IsString() || w == nullptr || r == nullptr ||
        compatible == nullptr || !compatible->IsBool()) {
      std::printf("MALFORMED case %d\n", index);
      ok = false;
      continue;
    }
    ok &= SelfCompatible(index, "original", *w, strict);
    ok &= SelfCompatible(index, "update", *r, strict);
    ok &= RunOne(index, desc->AsString(), *w, *r, Policy::kStrict, compatible->AsBool(), strict);
    if (const json::Value* len = c.Find("compatible_lenient"); len != nullptr && len->IsBool()) {
      ok &= RunOne(index, desc->AsString(), *w, *r, Policy::kLenient, len->AsBool(), lenient);
    }
  }
  // A listed case that is not in the file (or with another description) is
  // stale too.
  for (const JustifiedDisagreement& j : kJustifiedDisagreements) {
    const auto& cases = doc->root.AsArray();
    const json::Value* d = (j.index >= 0 && static_cast<std::size_t>(j.index) < cases.size())
                               ? cases[j.index].Find("description")
                               : nullptr;
    if (d == nullptr || !d->IsString() || d->AsString() != j.description) {
      std::printf("STALE     list entry %d \"%s\" does not match the data file\n", j.index,
                  std::string(j.description).c_str());
      ok = false;
    }
  }
  auto print = [](const char* name, const Counts& c) {
    std::printf(
        "%s: %d checked, %d agree, %d justified disagreements, %d unexplained, %d stale list "
        "entries\n",
        name, c.checked, c.agree, c.justified, c.unexplained, c.stale_entries);
  };
  std::printf("\nConfluent JSON Schema compatibility suite (%s)\n", path.c_str());
  print("STRICT ", strict);
  print("LENIENT", lenient);
  std::printf("witnesses: %d checked with the validator, %d bad\n",
              strict.witnesses_checked + lenient.witnesses_checked,
              strict.witnesses_bad + lenient.witnesses_bad);
  std::printf("self-compatibility: %d schemas checked, %d not compatible with themselves\n",
              strict.self_checked, strict.self_failed);
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace accord::compat

int main() { return accord::compat::Main(); }

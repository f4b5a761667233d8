// Shared helpers for the JSON Schema compatibility tests: case tables, the
// Confluent corpus, and the validator oracle used to check witnesses and
// soundness.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "accord/compat/jsonschema_compat.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"

namespace accord::compat::testing {

inline json::Value J(std::string_view text) {
  auto d = ParseJson(text);
  if (!d) {
    ADD_FAILURE() << "bad JSON in test: " << d.error().ToString();
    return json::Value();
  }
  return std::move(d->root);
}

inline std::string TestdataDir() {
  if (const char* e = std::getenv("ACCORD_TESTDATA"); e && *e) return e;
  return std::string(ACCORD_SOURCE_DIR) + "/../shared/testdata";
}

inline std::optional<json::Value> LoadJsonFile(const std::string& path) {
  auto d = LoadFile(path, Syntax::kJson);
  if (!d) return std::nullopt;
  return std::move(d->root);
}

// One table-driven case (tests/unit/compat/cases/*.json).
struct CompatCase {
  std::string file;
  std::string rule;  // the rule the case checks (test name)
  json::Value writer, reader;
  jsonschema::Dialect dialect = jsonschema::Dialect::kDraft2020_12;
  Policy policy = Policy::kStrict;
  bool compatible = true;
  // The exact sets of kinds reported per severity (sorted, distinct).
  std::vector<std::string> kinds;      // BREAKING (each with a proving witness)
  std::vector<std::string> undecided;  // UNDECIDED (no witness proves them)
  std::vector<std::string> warnings;   // WARNING
};

inline std::vector<CompatCase> LoadCases() {
  std::vector<CompatCase> out;
  std::filesystem::path dir = std::filesystem::path(ACCORD_SOURCE_DIR) / "tests/unit/compat/cases";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto doc = LoadJsonFile(f.string());
    if (!doc || !doc->IsObject()) {
      ADD_FAILURE() << "cannot read case file " << f;
      continue;
    }
    jsonschema::Dialect file_dialect = jsonschema::Dialect::kDraft2020_12;
    if (const json::Value* d = doc->Find("dialect"))
      file_dialect = *jsonschema::DialectFromString(d->AsString());
    for (const json::Value& c : doc->Find("cases")->AsArray()) {
      CompatCase k;
      k.file = f.filename().string();
      k.rule = c.Find("rule")->AsString();
      k.writer = *c.Find("writer");
      k.reader = *c.Find("reader");
      k.dialect = file_dialect;
      if (const json::Value* d = c.Find("dialect"))
        k.dialect = *jsonschema::DialectFromString(d->AsString());
      if (const json::Value* p = c.Find("policy")) k.policy = *PolicyFromString(p->AsString());
      k.compatible = c.Find("compatible")->AsBool();
      auto kinds = [&](const char* key, std::vector<std::string>& into) {
        if (const json::Value* ks = c.Find(key))
          for (const json::Value& s : ks->AsArray()) into.push_back(s.AsString());
        std::sort(into.begin(), into.end());
        into.erase(std::unique(into.begin(), into.end()), into.end());
      };
      kinds("kinds", k.kinds);
      kinds("undecided", k.undecided);
      kinds("warnings", k.warnings);
      if (c.Find("witness"))
        ADD_FAILURE() << f << ": \"witness\" is gone: a break without a proving witness is "
                      << "listed under \"undecided\"";
      out.push_back(std::move(k));
    }
  }
  return out;
}

// The validator with `format` asserted (the engine's semantics).
inline std::optional<jsonschema::Validator> CompileOracle(const json::Value& schema,
                                                          jsonschema::Dialect d) {
  jsonschema::CompileOptions o;
  o.default_dialect = d;
  o.format = jsonschema::FormatMode::kAssert;
  auto v = jsonschema::Validator::Compile(schema, {}, o);
  if (!v) {
    ADD_FAILURE() << "the validator cannot compile " << json::ToJson(schema) << ": "
                  << v.error().ToString();
    return std::nullopt;
  }
  return std::move(*v);
}

// ---- witness proofs (independent of the engine's own check) ---------------

// The static pointer of a validator keyword location (".../$ref/maximum" ->
// "/$defs/x/maximum"): local references ("#", "#/pointer", "#anchor" by
// $anchor or a draft-06/07 "$id": "#anchor") are followed; any other is
// left as it is (then the comparison fails and names it).
inline std::string StaticLocation(const json::Value& schema, const std::string& dynamic) {
  auto tokens = json::SplitPointer(dynamic);
  if (!tokens) return dynamic;
  const json::Value* v = &schema;
  std::string path;
  auto find_anchor = [&](auto&& self, const json::Value& at, const std::string& here,
                         const std::string& name) -> std::optional<std::string> {
    if (at.IsObject()) {
      const json::Value* a = at.Find("$anchor");
      const json::Value* id = at.Find("$id");
      if ((a && a->IsString() && a->AsString() == name) ||
          (id && id->IsString() && id->AsString() == "#" + name))
        return here;
      for (const json::Member& m : at.AsObject())
        if (auto r = self(self, m.value, here + "/" + json::EscapeToken(m.key), name)) return r;
    } else if (at.IsArray()) {
      for (std::size_t i = 0; i < at.AsArray().size(); ++i)
        if (auto r = self(self, at.AsArray()[i], here + "/" + std::to_string(i), name)) return r;
    }
    return std::nullopt;
  };
  for (const std::string& t : *tokens) {
    if (t == "$ref" && v && v->IsObject() && v->Find("$ref") && v->Find("$ref")->IsString()) {
      const std::string& ref = v->Find("$ref")->AsString();
      std::optional<std::string> target;
      if (ref == "#")
        target = "";
      else if (ref.starts_with("#/"))
        target = ref.substr(1);
      else if (ref.starts_with("#"))
        target = find_anchor(find_anchor, schema, "", ref.substr(1));
      if (!target) return dynamic;
      v = json::Resolve(schema, *target);
      path = *target;
      continue;
    }
    path += "/" + json::EscapeToken(t);
    v = v ? json::Resolve(*v, "/" + json::EscapeToken(t)) : nullptr;
  }
  return path;
}

// Whether a reader failure at static location `failure` is about a finding
// at `finding`: the same place, inside it, or a keyword the validator
// reports as a whole with the finding inside it (anyOf, dependentRequired,
// ...); a finding at ".../if" is proved by a failure in its then/else.
inline bool Proves(const std::string& failure, const std::string& finding) {
  auto under = [](const std::string& p, const std::string& base) {
    return p.size() > base.size() && p.starts_with(base) && p[base.size()] == '/';
  };
  if (failure == finding || under(failure, finding) || under(finding, failure)) return true;
  if (finding.ends_with("/if") || finding == "/if") {
    std::string node = finding.substr(0, finding.size() - 3);
    for (const char* b : {"/then", "/else"})
      if (failure == node + b || under(failure, node + b)) return true;
  }
  return false;
}

// Empty when `f`'s witness proves it: valid under the writer, rejected by the
// reader with a failure at the finding's reader path. Else what is wrong.
inline std::string WitnessProblem(const Finding& f, const jsonschema::Validator& writer,
                                  const jsonschema::Validator& reader,
                                  const json::Value& reader_schema) {
  if (!f.witness) return "no witness";
  if (!writer.IsValid(*f.witness))
    return "witness rejected by the writer: " + json::ToJson(*f.witness);
  jsonschema::ValidationResult r = reader.Validate(*f.witness);
  if (r.valid) return "witness accepted by the reader: " + json::ToJson(*f.witness);
  std::string seen;
  for (const jsonschema::ValidationFailure& x : r.failures) {
    std::string loc = StaticLocation(reader_schema, x.keyword_location);
    if (Proves(loc, f.reader_path)) return "";
    seen += " " + loc;
  }
  return "witness " + json::ToJson(*f.witness) + " is rejected by the reader only at" + seen +
         ", not at the finding's " + f.reader_path;
}

// True when the reader rejects `f`'s witness only at places that prove the
// finding (nothing else breaks: the witness shows this finding alone).
inline bool WitnessIsClean(const Finding& f, const jsonschema::Validator& reader,
                           const json::Value& reader_schema) {
  if (!f.witness) return false;
  jsonschema::ValidationResult r = reader.Validate(*f.witness);
  if (r.valid) return false;
  for (const jsonschema::ValidationFailure& x : r.failures)
    if (!Proves(StaticLocation(reader_schema, x.keyword_location), f.reader_path)) return false;
  return true;
}

inline std::string Describe(const Report& r) {
  std::ostringstream o;
  o << VerdictName(r.verdict) << "\n";
  for (const Finding& f : r.findings) {
    o << "  " << SeverityName(f.severity) << " " << f.kind << " w=" << f.writer_path
      << " r=" << f.reader_path << " : " << f.message;
    if (f.witness) o << "  witness=" << json::ToJson(*f.witness);
    o << "\n";
  }
  return o.str();
}

}  // namespace accord::compat::testing

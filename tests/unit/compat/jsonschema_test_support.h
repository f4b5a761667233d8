// Shared helpers for the JSON Schema compatibility tests: case tables, the
// Confluent corpus, and the validator oracle used to check witnesses and
// soundness.
#pragma once

#include <gtest/gtest.h>

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
  std::vector<std::string> kinds;     // breaking kinds that must be reported
  std::vector<std::string> warnings;  // warning kinds that must be reported
  bool expect_witness = true;         // every breaking finding has a witness
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
      if (const json::Value* ks = c.Find("kinds"))
        for (const json::Value& s : ks->AsArray()) k.kinds.push_back(s.AsString());
      if (const json::Value* ws = c.Find("warnings"))
        for (const json::Value& s : ws->AsArray()) k.warnings.push_back(s.AsString());
      if (const json::Value* w = c.Find("witness")) k.expect_witness = w->AsBool();
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
